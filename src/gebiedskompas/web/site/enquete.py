"""Own surveys on the web: download the template, upload a filled one into the store.

Glue only: the template and the loading are ``gebiedskompas.enquete``; the upload goes through
the same loader as ``gebiedskompas laad``, so a bad file leaves the store unchanged.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...enquete import BESTANDSNAAM, Enqueteresultaat, laad_enquete, sjabloon_csv, sjabloon_xlsx
from ...opmaak import getal
from ...opslag import Opslag
from ..monitoring import diensten as d
from ..monitoring.rollen import mag, rol_van
from .views import pagina

_SOORTEN = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_MAX_GROOTTE = 20 * 1024 * 1024


class EnqueteFormulier(forms.Form):
    """A filled template: an Excel workbook or a CSV file."""

    bestand = forms.FileField(
        label="Ingevuld sjabloon (.xlsx of .csv)",
        help_text="Met de bladen indicatoren en waarden (Excel), of één CSV-bestand zoals het sjabloon.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Kies een bestand.", "empty": "Het bestand is leeg."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "enquete-%s")
        super().__init__(*args, **kwargs)

    def clean_bestand(self) -> Any:
        bestand = self.cleaned_data["bestand"]
        if Path(bestand.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError("Alleen een Excel-bestand (.xlsx) of een CSV-bestand (.csv).")
        if bestand.size > _MAX_GROOTTE:
            raise forms.ValidationError("Het bestand is groter dan 20 MB.")
        return bestand


@pagina
def enquete(request: HttpRequest) -> HttpResponse:
    """The page: explanation, template downloads and (for analist and beheerder) the upload form."""
    if request.method == "POST":
        return _upload(request)
    return _pagina(request, EnqueteFormulier())


@pagina
def sjabloon(request: HttpRequest, formaat: str) -> HttpResponse:
    """The empty template; the Excel one lists the register's gemeente and wijk codes."""
    inhoud = sjabloon_csv() if formaat == "csv" else sjabloon_xlsx(d.register())
    antwoord = HttpResponse(inhoud, content_type=_SOORTEN[formaat])
    antwoord["Content-Disposition"] = f'attachment; filename="{BESTANDSNAAM}.{formaat}"'
    return antwoord


def _upload(request: HttpRequest) -> HttpResponse:
    if not mag(request.user, "opslag_vullen"):
        return render(request, "site/403.html", status=403)
    formulier = EnqueteFormulier(request.POST, request.FILES)
    if not formulier.is_valid():
        return _pagina(request, formulier, status=422)
    resultaat = _laad(formulier.cleaned_data["bestand"])
    status = 422 if resultaat.fouten else 200
    return _pagina(request, formulier if resultaat.fouten else EnqueteFormulier(), resultaat, status)


def _laad(bestand: Any) -> Enqueteresultaat:
    """Store the upload under its own (cleaned) name, so the store's provenance names the file."""
    naam = re.sub(r"[^\w.\-]+", "_", Path(bestand.name).name) or "enquete"
    with tempfile.TemporaryDirectory(prefix="gk-enquete-") as map:
        pad = Path(map) / naam
        with pad.open("wb") as uit:
            for stuk in bestand.chunks():
                uit.write(stuk)
        return laad_enquete(pad, Opslag(d.toestand_map()))


def _pagina(
    request: HttpRequest,
    formulier: EnqueteFormulier,
    resultaat: Enqueteresultaat | None = None,
    status: int = 200,
) -> HttpResponse:
    toestand = d.toestand()
    eigen = [
        {
            "id": i.id,
            "label": i.label,
            "eenheid": i.eenheid,
            "bron": i.bronvermelding,
            "waarden": getal(int((toestand.waarnemingen["indicator"] == i.id).sum()), 0),
        }
        for i in toestand.indicatoren
    ]
    context = {
        "formulier": formulier,
        "mag_laden": mag(request.user, "opslag_vullen"),
        "rol": rol_van(request.user),
        "resultaat": resultaat,
        "aantal": getal(resultaat.waarden, 0) if resultaat else "",
        "eigen": eigen,
    }
    return render(request, "site/enquete.html", context, status=status)
