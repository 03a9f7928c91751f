"""The analysis workbench (analist and beheerder): change a method with a live preview of how ranks
move, run it with robustness in the background and save it; compare two saved analyses.

Glue over ``analyse.werkbank``: the forms turn the request into ``Keuzes``, the views render."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from ...analyse import werkbank as wb
from ...analyse.herhaal import STANDAARD_SEED
from ...analyse.methode import Methode, gebundelde_methoden, lees_methode
from ...errors import GebiedskompasFout
from ...opslag import Opslag
from ...presentatie import indicatorlabel
from ...register import STEDELIJKHEID_LABELS
from ..monitoring import diensten as d
from ..monitoring.rollen import rol_van
from . import runs
from .formulieren import KEUZEVAK, TEKSTVAK, NlGetalVeld
from .pdf import AGGREGATIES, BENCHMARKEN, NORMALISATIES, STEDELIJKHEID_VAN
from .views import csv_antwoord, pagina

ROLLEN = ("analist", "beheerder")
TAKEN = wb.Taken()
NIVEAUS = [("gemeente", "gemeente"), ("wijk", "wijk"), ("buurt", "buurt")]
GETALVAK = {**TEKSTVAK, "inputmode": "numeric", "autocomplete": "off"}
GEWICHT_NUL = "Een gewicht moet groter zijn dan 0; zet het vinkje uit om weg te laten."
PEILING_MS = 700  # how often the progress fragment asks for news


def takenmap() -> Path:
    """Where the state of the background runs is kept: in the store folder, next to the analyses."""
    return runs.runmap().parent / "werkbank-taken"


def _eis_rol(request: HttpRequest) -> None:
    """Only analysts and administrators run analyses; others get the Dutch 403 page."""
    if rol_van(request.user) not in ROLLEN:
        raise PermissionDenied("alleen een analist of beheerder mag analyses uitvoeren")


# --- starting points -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uitgangspunt:
    """A shipped method ("methode:dorpen") or a saved analysis's method ("analyse:<naam>")."""

    sleutel: str
    omschrijving: str
    methode: Methode
    naast: tuple[Methode, ...]
    seed: int


def uitgangspunten() -> list[tuple[str, str]]:
    methoden = [(f"methode:{n}", f"Meegeleverde methode {n}") for n in gebundelde_methoden()]
    analyses = [(f"analyse:{n}", f"Opgeslagen analyse {n}") for n in runs.namen()]
    return methoden + analyses


def uitgangspunt(sleutel: str) -> Uitgangspunt:
    soort, _, naam = sleutel.partition(":")
    if soort == "methode" and naam in gebundelde_methoden():
        return Uitgangspunt(sleutel, f"meegeleverde methode '{naam}'", lees_methode(naam), (), STANDAARD_SEED)
    if soort == "analyse" and naam in runs.namen():
        run = runs.laad(naam)
        record = run.resultaat.get("runrecord") or {}
        naast = tuple(Methode.model_validate(m) for m in record.get("naast") or [])
        methode = Methode.model_validate(run.methode)
        return Uitgangspunt(
            sleutel, f"opgeslagen analyse '{naam}'", methode, naast, int(record.get("seed", STANDAARD_SEED))
        )
    raise Http404(f"Onbekend uitgangspunt '{sleutel}': kies een meegeleverde methode of opgeslagen analyse.")


def startrangorde(u: Uitgangspunt) -> wb.Rangorde:
    """The ranks the preview compares with: a saved analysis's own, or the shipped method's on the
    current store (computed once per store version)."""
    soort, _, naam = u.sleutel.partition(":")
    if soort == "analyse":
        return wb.rangorde_van(runs.laad(naam).gebieden, u.methode.scope.selectie)
    return _methoderangorde(u.methode.model_dump_json(), *_opslagsleutel())


def _opslagsleutel() -> tuple[str, str | None]:
    map = d.toestand_map()
    return str(map), Opslag(map).huidige_versie()


@lru_cache(maxsize=8)
def _methoderangorde(methode: str, _map: str, _versie: str | None) -> wb.Rangorde:
    return wb.rangorde(Methode.model_validate_json(methode), d.toestand())


@lru_cache(maxsize=4)
def _perioden(_map: str, _versie: str | None) -> tuple[str, ...]:
    return tuple(sorted({str(p) for p in d.toestand().waarnemingen["periode"].unique()}, reverse=True))


# --- the form ----------------------------------------------------------------------------------------


def _keuzeveld(label: str, keuzes: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=keuzes, widget=forms.Select(attrs=KEUZEVAK), **kwargs)


def _gewichttekst(x: float) -> str:
    return f"{x:g}".replace(".", ",")


class Beschreven(forms.Form):
    """A form whose fields point at their help text and, when invalid, at their error
    (``aria-describedby``), with the ids of ``_werkbank_veld.html``."""

    def full_clean(self) -> None:
        super().full_clean()
        for naam, veld in self.fields.items():
            id_ = str(self.auto_id) % naam
            delen = [f"{id_}_uitleg"] if veld.help_text else []
            if naam in self.errors:
                delen.append(f"{id_}_fout")
                veld.widget.attrs["aria-invalid"] = "true"
            if delen:
                veld.widget.attrs["aria-describedby"] = " ".join(delen)


class WerkbankFormulier(Beschreven):
    """Every choice of the workbench. Themes and indicators get a checkbox and a weight each, named
    by position (``thema_1``, ``indicator_1_2``); ``clean`` builds the method (``self.methode``)."""

    start = forms.CharField(widget=forms.HiddenInput)
    titel = forms.CharField(
        label="Titel",
        max_length=200,
        help_text="Geef een variant een eigen titel: die staat in het overzicht en in de rapporten.",
        widget=forms.TextInput(attrs=TEKSTVAK),
    )
    niveau = _keuzeveld("Niveau", NIVEAUS)
    periode = _keuzeveld("Periode (jaar van de gegevens)", [])
    stedelijkheid = forms.MultipleChoiceField(
        label="Stedelijkheidsklassen in de scope",
        choices=[(str(k), f"{k}: {v}") for k, v in STEDELIJKHEID_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Kies minstens één stedelijkheidsklasse."},
    )
    stedelijkheid_van = _keuzeveld("Welke stedelijkheidsklasse telt", list(STEDELIJKHEID_VAN.items()))
    min_inwoners = forms.IntegerField(
        label="Minimaal aantal inwoners", min_value=0, widget=forms.TextInput(attrs=GETALVAK)
    )
    selectie = forms.IntegerField(
        label="Omvang van de selectie (aantal gebieden)",
        min_value=1,
        max_value=500,
        widget=forms.TextInput(attrs=GETALVAK),
    )
    normalisatie = _keuzeveld("Normalisatie", list(NORMALISATIES.items()))
    aggregatie = _keuzeveld("Aggregatie", list(AGGREGATIES.items()))
    benchmark = _keuzeveld("Benchmark", [])
    robuustheid = forms.IntegerField(
        label="Robuustheid: aantal Monte-Carlo-replicaties",
        min_value=0,
        max_value=wb.MAX_REPLICATIES,
        required=False,
        initial=wb.STANDAARDREPLICATIES,
        widget=forms.TextInput(attrs=GETALVAK),
    )
    naam = forms.CharField(
        label="Naam van de analyse",
        required=False,
        max_length=wb.MAX_NAAMLENGTE + 20,
        help_text="Kleine letters, cijfers en streepjes, bijvoorbeeld dorpen-2020-zonder-voorzieningen.",
        widget=forms.TextInput(attrs={**TEKSTVAK, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(
        self, data: Any = None, *, start: Uitgangspunt, perioden: tuple[str, ...], uitvoeren: bool = False
    ) -> None:
        super().__init__(data, auto_id="wb-%s")
        self.uitgangspunt = start
        self.uitvoeren = uitvoeren
        self.methode: Methode | None = None
        self.notities: list[str] = []
        m = start.methode
        self._kies("periode", [(p, p) for p in sorted({*perioden, m.scope.periode}, reverse=True)])
        benchmarken = [(k, v) for k, v in BENCHMARKEN.items() if k != "groep" or m.benchmark.groep]
        self._kies("benchmark", benchmarken)
        self.initial = self._beginwaarden(m)
        self._themas: list[tuple[str, str, list[tuple[str, str]]]] = []
        for i, t in enumerate(m.thema, start=1):
            self._aan_en_gewicht(f"thema_{i}", f"Thema {t.label} meenemen", f"Gewicht thema {t.label}")
            indicatoren = []
            for j, ind in enumerate(t.indicator, start=1):
                naam = f"indicator_{i}_{j}"
                label = indicatorlabel(ind.id)
                self._aan_en_gewicht(naam, label, f"Gewicht {label}")
                indicatoren.append((naam, ind.id))
            self._themas.append((f"thema_{i}", t.id, indicatoren))

    def _kies(self, naam: str, keuzes: list[tuple[str, str]]) -> None:
        veld = self.fields[naam]
        assert isinstance(veld, forms.ChoiceField)
        veld.choices = keuzes

    def _aan_en_gewicht(self, naam: str, label: str, gewichtlabel: str) -> None:
        self.fields[naam] = forms.BooleanField(label=label, required=False)
        self.fields[f"{naam}_gewicht"] = NlGetalVeld(label=gewichtlabel, required=False)

    def _beginwaarden(self, m: Methode) -> dict[str, Any]:
        k = wb.keuzes_van(m)
        uit: dict[str, Any] = {
            "start": self.uitgangspunt.sleutel,
            "titel": k.titel,
            "niveau": k.niveau,
            "periode": k.periode,
            "stedelijkheid": [str(x) for x in k.stedelijkheid],
            "stedelijkheid_van": k.stedelijkheid_van,
            "min_inwoners": k.min_inwoners,
            "selectie": k.selectie,
            "normalisatie": k.normalisatie,
            "aggregatie": k.aggregatie,
            "benchmark": k.benchmark,
            "robuustheid": wb.STANDAARDREPLICATIES,
        }
        for i, t in enumerate(m.thema, start=1):
            uit[f"thema_{i}"], uit[f"thema_{i}_gewicht"] = True, _gewichttekst(t.gewicht)
            for j, ind in enumerate(t.indicator, start=1):
                uit[f"indicator_{i}_{j}"] = True
                uit[f"indicator_{i}_{j}_gewicht"] = _gewichttekst(ind.gewicht)
        return uit

    # for the template: per theme its checkbox and weight, and those of its indicators
    def themagroepen(self) -> list[dict[str, Any]]:
        return [
            {
                "label": t.label,
                "aan": self[veld],
                "gewicht": self[f"{veld}_gewicht"],
                "indicatoren": [{"aan": self[n], "gewicht": self[f"{n}_gewicht"]} for n, _ in indicatoren],
            }
            for t, (veld, _, indicatoren) in zip(self.uitgangspunt.methode.thema, self._themas, strict=True)
        ]

    def clean_naam(self) -> str:
        naam = str(self.cleaned_data.get("naam") or "").strip()
        if self.uitvoeren:
            fout = wb.naamfout(naam, runs.namen())
            if fout:
                raise forms.ValidationError(fout)
        return naam

    def clean_robuustheid(self) -> int:
        waarde = self.cleaned_data.get("robuustheid")
        return wb.STANDAARDREPLICATIES if waarde is None else int(waarde)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        themas = {tid: self._aan(veld, data) for veld, tid, _ in self._themas}
        indicatoren = {
            iid: self._aan(veld, data, themas[tid].aan) for _, tid, inds in self._themas for veld, iid in inds
        }
        if self.errors:
            return data
        keuzes = wb.Keuzes(
            titel=data["titel"],
            niveau=data["niveau"],
            periode=data["periode"],
            stedelijkheid=tuple(int(x) for x in data["stedelijkheid"]),
            stedelijkheid_van=data["stedelijkheid_van"],
            min_inwoners=data["min_inwoners"],
            selectie=data["selectie"],
            normalisatie=data["normalisatie"],
            aggregatie=data["aggregatie"],
            benchmark=data["benchmark"],
            themas=themas,
            indicatoren=indicatoren,
        )
        try:
            self.methode, self.notities = wb.maak_methode(
                self.uitgangspunt.methode, keuzes, data.get("naam") or None
            )
        except GebiedskompasFout as e:
            raise forms.ValidationError(_zin(str(e))) from e
        return data

    def _aan(self, veld: str, data: dict[str, Any], nodig: bool = True) -> wb.Aan:
        """On/off and weight; a weight is required (and > 0) only for what is on."""
        aan = bool(data.get(veld))
        gewicht = data.get(f"{veld}_gewicht")
        if aan and nodig and f"{veld}_gewicht" not in self.errors:
            if gewicht is None:
                self.add_error(f"{veld}_gewicht", "Vul een gewicht in, of zet het vinkje uit.")
            elif gewicht <= 0:
                self.add_error(
                    f"{veld}_gewicht",
                    "Een gewicht moet groter zijn dan 0; zet het vinkje uit om weg te laten.",
                )
        return wb.Aan(aan, float(gewicht) if gewicht and gewicht > 0 else 1.0)

    def foutenlijst(self) -> list[tuple[str, str]]:
        """(field id, 'Label: message') of every error, for the summary above the preview."""
        uit = []
        for naam, fouten in self.errors.items():
            label = self.fields[naam].label if naam in self.fields else None
            for fout in fouten:
                uit.append((f"wb-{naam}" if label else "", f"{label}: {fout}" if label else str(fout)))
        return uit


def _zin(tekst: str) -> str:
    tekst = tekst.strip()
    return tekst[:1].upper() + tekst[1:] + ("" if tekst.endswith(".") else ".")


def _formulier(request: HttpRequest, uitvoeren: bool = False) -> WerkbankFormulier:
    start = uitgangspunt(str(request.POST.get("start", "")))
    return WerkbankFormulier(
        request.POST, start=start, perioden=_perioden(*_opslagsleutel()), uitvoeren=uitvoeren
    )


# --- views -----------------------------------------------------------------------------------------------


@pagina
def nieuw(request: HttpRequest) -> HttpResponse:
    """Choose a starting point; with one chosen, the form, the preview and the run."""
    _eis_rol(request)
    sleutel = request.GET.get("start", "")
    context: dict[str, Any] = {"uitgangspunten": uitgangspunten(), "gekozen": sleutel}
    if sleutel:
        try:
            start = uitgangspunt(sleutel)
        except Http404 as e:
            return render(request, "site/werkbank.html", {**context, "startfout": str(e)}, status=400)
        context["formulier"] = WerkbankFormulier(start=start, perioden=_perioden(*_opslagsleutel()))
        context["uitgangspunt"] = start
    return render(request, "site/werkbank.html", context)


@pagina
@require_POST
def voorbeeld(request: HttpRequest) -> HttpResponse:
    """The live preview: the new ranking's top areas against their rank in the starting point."""
    _eis_rol(request)
    formulier = _formulier(request)
    context: dict[str, Any] = {"formulier": formulier}
    if not formulier.is_valid() or formulier.methode is None:
        return render(request, "site/_werkbank_voorbeeld.html", context, status=422)
    try:
        nieuw_ = wb.rangorde(formulier.methode, d.toestand())
    except GebiedskompasFout as e:
        context["rekenfout"] = _zin(str(e))
        return render(request, "site/_werkbank_voorbeeld.html", context, status=422)
    rijen = wb.verschuivingen(startrangorde(formulier.uitgangspunt), nieuw_)
    aantal = max(formulier.methode.scope.selectie, 10)
    context |= {
        "rijen": wb.voorbeeldrijen(rijen, aantal),
        "telling": wb.tel(rijen),
        "aantal": aantal,
        "selectie": formulier.methode.scope.selectie,
        "in_scope": len(nieuw_.gebieden),
    }
    return render(request, "site/_werkbank_voorbeeld.html", context)


@pagina
@require_POST
def uitvoeren(request: HttpRequest) -> HttpResponse:
    """Start the run in the background and answer with its progress; an invalid form comes back whole,
    with the errors next to the fields."""
    _eis_rol(request)
    formulier = _formulier(request, uitvoeren=True)
    if not formulier.is_valid() or formulier.methode is None:
        antwoord = render(request, "site/_werkbank_formulier.html", {"formulier": formulier}, status=422)
        antwoord["HX-Retarget"] = "#werkbank"
        antwoord["HX-Reswap"] = "outerHTML"
        return antwoord
    u = formulier.uitgangspunt
    naam = formulier.cleaned_data["naam"]
    opdracht = wb.Opdracht(
        methode=formulier.methode,
        naam=naam,
        analyses=runs.runmap(),
        robuustheid=formulier.cleaned_data["robuustheid"],
        seed=u.seed,
        naast=u.naast,
        recordvelden={"aanpassingen": wb.aanpassingen(u.methode, formulier.methode, u.omschrijving)},
    )
    toestand = d.toestand()

    def werk(melder: wb.Melder) -> None:
        wb.voer_uit(opdracht, toestand, melder)

    taak = TAKEN.start(naam, opdracht.robuustheid, werk, takenmap())
    antwoord = render(request, "site/_werkbank_voortgang.html", _voortgangcontext(taak))
    antwoord["HX-Push-Url"] = f"/analyse/nieuw/taak/{taak.id}/"
    return antwoord


def _voortgangcontext(taak: wb.Taak | None) -> dict[str, Any]:
    return {"taak": taak, "peiling": PEILING_MS}


@pagina
def taak(request: HttpRequest, taak: str) -> HttpResponse:
    """A run's own page: survives a reload, and polls the run by its id."""
    _eis_rol(request)
    return render(request, "site/werkbank_taak.html", _voortgangcontext(TAKEN.taak(taak, takenmap())))


@pagina
@require_POST
def voortgang(request: HttpRequest, taak: str) -> HttpResponse:
    """The progress fragment (POST: never from the page cache). A finished run sends the browser to
    the saved analysis."""
    _eis_rol(request)
    t = TAKEN.taak(taak, takenmap())
    if t is not None and t.status == "klaar":
        antwoord = HttpResponse(status=204)
        antwoord["HX-Redirect"] = f"/analyse/{t.naam}/"
        return antwoord
    return render(request, "site/_werkbank_voortgang.html", _voortgangcontext(t))


# --- comparing two saved analyses ------------------------------------------------------------------------


class VergelijkKeuze(Beschreven):
    a = forms.ChoiceField(label="Analyse A", widget=forms.Select(attrs=KEUZEVAK))
    b = forms.ChoiceField(label="Analyse B", widget=forms.Select(attrs=KEUZEVAK))
    formaat = forms.ChoiceField(
        required=False,
        choices=[("", "pagina"), ("csv", "CSV")],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Onbekend formaat '%(value)s': kies csv."},
    )

    def __init__(self, data: Any, namen: list[str]) -> None:
        super().__init__(data, auto_id="vg-%s")
        for veld in ("a", "b"):
            keuze = self.fields[veld]
            assert isinstance(keuze, forms.ChoiceField)
            keuze.choices = [(n, n) for n in namen]
            keuze.error_messages = {
                "invalid_choice": "Onbekende analyse '%(value)s': kies een opgeslagen analyse uit de lijst.",
                "required": "Kies een opgeslagen analyse.",
            }


@pagina
def vergelijk(request: HttpRequest) -> HttpResponse:
    """Two saved analyses side by side: per area its rank in each and the shift, largest first."""
    _eis_rol(request)
    namen = runs.namen()
    gevraagd = "a" in request.GET or "b" in request.GET
    keuze = VergelijkKeuze(request.GET if gevraagd else None, namen)
    context: dict[str, Any] = {"keuze": keuze, "namen": namen}
    if not gevraagd:
        return render(request, "site/vergelijk.html", context)
    if not keuze.is_valid():
        return render(request, "site/vergelijk.html", context, status=400)
    a, b = runs.laad(keuze.cleaned_data["a"]), runs.laad(keuze.cleaned_data["b"])
    rijen = wb.grootste_eerst(
        wb.verschuivingen(
            wb.rangorde_van(a.gebieden, int(a.methode["scope"]["selectie"])),
            wb.rangorde_van(b.gebieden, int(b.methode["scope"]["selectie"])),
        )
    )
    if keuze.cleaned_data["formaat"] == "csv":
        return csv_antwoord(wb.als_tabel(rijen, a.naam, b.naam), f"vergelijking-{a.naam}-{b.naam}.csv")
    context |= {"a": a, "b": b, "rijen": rijen, "telling": wb.tel(rijen)}
    return render(request, "site/vergelijk.html", context)
