from django.contrib.auth import views as auth
from django.urls import path

from . import enquete as eq
from . import openbaar as o
from . import views as v
from . import werkbank as wb

urlpatterns = [
    path("", v.index, name="index"),
    path("inloggen/", auth.LoginView.as_view(template_name="site/inloggen.html"), name="inloggen"),
    path("uitloggen/", v.uitloggen, name="uitloggen"),
    path("analyse/nieuw/", wb.nieuw, name="werkbank"),
    path("analyse/nieuw/voorbeeld/", wb.voorbeeld, name="werkbank_voorbeeld"),
    path("analyse/nieuw/uitvoeren/", wb.uitvoeren, name="werkbank_uitvoeren"),
    path("analyse/nieuw/taak/<str:taak>/", wb.taak, name="werkbank_taak"),
    path("analyse/nieuw/taak/<str:taak>/voortgang/", wb.voortgang, name="werkbank_voortgang"),
    path("analyse/vergelijk/", wb.vergelijk, name="vergelijk"),
    path("analyse/<str:run>/", v.analyse, name="analyse"),
    path("analyse/<str:run>/openbaar/", o.publiceren, name="publiceren"),
    path("analyse/<str:run>/ranglijst/", v.ranglijst, name="ranglijst"),
    path("analyse/<str:run>/kaart/", v.kaart, name="kaart"),
    path("analyse/<str:run>/kaart.geojson", v.kaart_geo, name="kaart_geo"),
    path("analyse/<str:run>/kaart/context.geojson", v.kaart_context, name="kaart_context"),
    path("analyse/<str:run>/rapport.pdf", v.rapport_analyse, name="rapport_analyse"),
    path("analyse/<str:run>/resultaat.xlsx", v.excel_analyse, name="excel_analyse"),
    path("analyse/<str:run>/gebied/<str:code>.pdf", v.rapport_gebied, name="rapport_gebied"),
    path("gebied/<str:code>/", v.gebied, name="gebied"),
    path("bronnen/enquete/", eq.enquete, name="enquete"),
    path("bronnen/enquete/sjabloon.xlsx", eq.sjabloon, {"formaat": "xlsx"}, name="enquete_sjabloon_xlsx"),
    path("bronnen/enquete/sjabloon.csv", eq.sjabloon, {"formaat": "csv"}, name="enquete_sjabloon_csv"),
    path("monitoring/doelenboom/<str:kader>/", v.doelenboom, name="doelenboom"),
    path("monitoring/indicatoren/<int:pk>/meting/", v.meting_opslaan, name="meting_opslaan"),
    path("monitoring/doelenboom/<str:kader>/import/", v.excel_importeren, name="excel_importeren"),
    path("monitoring/paragraaf/<int:product>/", v.paragraaf, name="paragraaf"),
    path("monitoring/aanpakken/", v.aanpakken, name="aanpakken"),
    path("monitoring/aanpakken/nieuw/", v.aanpak_nieuw, name="aanpak_nieuw"),
    path("monitoring/aanpakken/<int:pk>/", v.aanpak, name="aanpak"),
    *[
        path(f"monitoring/aanpakken/<int:pk>/{s}/", v.aanpak_opslaan, {"soort": s}, name=f"{s}_opslaan")
        for s in v.AANPAKFORMULIEREN
    ],
    path("monitoring/aanpakken/<int:pk>/effect/", v.effect, name="effect"),
    path("monitoring/aanpakken/<int:pk>/effect.pdf", v.effect_pdf, name="effect_pdf"),
    path("monitoring/subsidies/", v.aanvragen, name="aanvragen"),
    path("monitoring/subsidies/aanvraag/", v.aanvraag_opslaan, name="aanvraag_opslaan"),
    path("monitoring/subsidies/aanvragen/<int:pk>/status/", v.aanvraag_status_opslaan, name="status_opslaan"),
    path("monitoring/subsidies/deal/", v.deal_opslaan, name="deal_opslaan"),
    path("monitoring/lessen/", v.lessen, name="lessen"),
    path("monitoring/lessen/nieuw/", v.les_opslaan, name="les_opslaan"),
    path("open/", o.index, name="open"),
    path("open/analyse/<str:naam>/", o.analyse, name="open_analyse"),
    path("open/aanpak/<int:pk>/", o.aanpak, name="open_aanpak"),
    path("open/lessen/", o.lessen, name="open_lessen"),
    path("open/data/<path:pad>", o.data, name="open_data"),
]
