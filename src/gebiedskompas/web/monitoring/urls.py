from django.urls import path

from . import views as v

urlpatterns = [
    path("doelenboom/<str:kader>/", v.doelenboom),
    path("doelen/", v.doel_maken),
    path("indicatoren/", v.indicator_maken),
    path("indicatoren/<int:pk>/metingen/", v.meting_maken),
    path("indicatoren/<int:pk>/status/", v.status_maken),
    path("indicatoren/<int:pk>/vullen/", v.opslag_vullen),
    path("producten/<int:product>/begroting/", v.begroting_maken),
    path("producten/<int:product>/rapportage/", v.rapportage_maken),
    path("producten/<int:product>/paragraaf/", v.paragraaf),
    path("aanpakken/<int:pk>/", v.aanpak),
    path("aanpakken/<int:pk>/wijzigen/", v.aanpak_wijzigen),
    path("aanpakken/<int:pk>/fasen/", v.fase_maken),
    path("aanpakken/<int:pk>/partners/", v.partner_maken),
    path("aanpakken/<int:pk>/interventies/", v.interventie_koppelen),
    path("aanvragen/", v.aanvraag_maken),
    path("aanvragen/<int:pk>/status/", v.aanvraag_status),
    path("deals/", v.deal_maken),
    path("lessen/", v.lessen),
    path("lessen/nieuw/", v.les_maken),
    path("excel/sjabloon/", v.excel_sjabloon),
    path("excel/<str:kader>/", v.excel_export),
    path("excel/<str:kader>/import/", v.excel_import),
    path("gebruikers/<int:pk>/rol/", v.rol_zetten),
    path("audit/", v.audit),
]
