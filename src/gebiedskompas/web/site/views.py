"""Server-rendered pages (NL Design System CSS, htmx, MapLibre). Every page needs a login and a role."""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable
from datetime import date
from functools import lru_cache, wraps
from typing import Any, cast
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from ... import presentatie
from ...catalogus import catalogus
from ...codes import niveau_van, normaliseer
from ...errors import InvoerFout
from ...grenskeuze import (
    bronvermelding,
    dekking,
    heel_getal,
    kies_grenzen,
    meervoud,
    ontleed_sleutel,
)
from ...opmaak import ONTBREEKT, getal, ontbreekt, procent
from ...opslag import Opslag
from ..monitoring import diensten as d
from ..monitoring import lezen, revisie
from ..monitoring import models as m
from ..monitoring.paragraaf import als_html
from ..monitoring.rollen import mag, rol_van
from . import formulieren as f
from . import runs
from .pdf import analyseinhoud, pdf_analyse, pdf_effect, pdf_gebied

View = Callable[..., HttpResponse]


def pagina(view: View) -> View:
    """Login and a role required. Read-only pages are cached per process, keyed on the address,
    the role (pages hold nothing user-specific), the store version, the saved analyses and the
    monitoring data revision, so any change shows at once."""

    @login_required
    @ensure_csrf_cookie
    @wraps(view)
    def omhulsel(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rol = rol_van(request.user)
        if rol is None:
            return render(request, "site/geen_rol.html", status=403)
        if request.method != "GET":
            return _zonder_404(view, request, *args, **kwargs)
        sleutel = _cachesleutel(request, rol)
        bewaard = cache.get(sleutel)
        if bewaard is not None:
            return HttpResponse(bewaard[0], content_type=bewaard[1])
        antwoord = _zonder_404(view, request, *args, **kwargs)
        soort = antwoord.get("Content-Type", "")
        if (
            antwoord.status_code == 200
            and not antwoord.has_header("Content-Disposition")
            and (soort.startswith("text/html") or soort.startswith("application/json"))
        ):
            cache.set(sleutel, (antwoord.content, soort), 600)
        return antwoord

    return omhulsel


def _zonder_404(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """An unknown analysis, goal tree, programme or code: the page with the Dutch reason, status 404."""
    try:
        return view(request, *args, **kwargs)
    except Http404 as e:
        context = {"titel": "Niet gevonden", "fout": str(e) or "Deze pagina bestaat niet."}
        return render(request, "site/fout.html", context, status=404)


def _cachesleutel(request: HttpRequest, rol: str) -> str:
    analyses = runs.runmap()
    handtekening = [(n, (analyses / n / "resultaat.json").stat().st_mtime_ns) for n in runs.namen()]
    delen = (
        request.get_full_path(),
        rol,
        # a coordinator's pages hold the forms of their own programmes
        request.user.pk if rol == "gebiedscoordinator" else None,
        request.headers.get("HX-Request", ""),
        Opslag(d.toestand_map()).huidige_versie(),
        handtekening,
        revisie.huidige(),
    )
    return "pagina:" + hashlib.sha256(repr(delen).encode()).hexdigest()


def uitloggen(request: HttpRequest) -> HttpResponse:
    """Log out by POST (htmx sends the CSRF token from the cookie) and go to the login page."""
    if request.method != "POST":
        return HttpResponse(status=405)
    logout(request)
    if request.headers.get("HX-Request"):
        antwoord = HttpResponse(status=204)
        antwoord["HX-Redirect"] = "/inloggen/"
        return antwoord
    return redirect("/inloggen/")


def _label(indicator: str) -> str:
    ind = catalogus().get(indicator)
    return ind.label if ind else indicator


def _getal(x: Any, decimalen: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    tekst = f"{float(x):,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


@pagina
def index(request: HttpRequest) -> HttpResponse:
    overzicht = lezen.overzicht()
    return render(
        request,
        "site/index.html",
        {
            "analyses": [runs.laad(n) for n in runs.namen()],
            "kaders": overzicht.kaders,
            "producten": overzicht.producten,
            "rol": rol_van(request.user),
        },
    )


# --- analysis -----------------------------------------------------------------------------------


@pagina
def analyse(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    return render(
        request,
        "site/analyse.html",
        {
            **analyseinhoud(r),  # the same content as the analysis report
            "indicatorrijen": _indicatorrijen(r.methode),
            "groepen": r.gebieden["groep"].value_counts().to_dict(),
        },
    )


def _indicatorrijen(methode: dict[str, Any]) -> list[dict[str, Any]]:
    """Themes and indicators of a method, one row per indicator, with labels from the catalogue."""
    return [
        {
            "thema": t["label"],
            "themagewicht": t["gewicht"],
            "indicator": _label(i["id"]),
            "gewicht": i["gewicht"],
            "reden": i.get("reden", ""),
        }
        for t in methode["thema"]
        for i in t["indicator"]
    ]


KOLOMMEN = [
    ("rang", "Rang"),
    ("naam", "Gebied"),
    ("stedelijkheid", "Stedelijkheid"),
    ("composiet", "Score"),
    ("groep", "Groep"),
    ("kans_op_selectie", "Kans op selectie"),
]


@pagina
def ranglijst(request: HttpRequest, run: str) -> HttpResponse:
    """The ranking with filters and sorting; the CSV and Excel downloads hold exactly the rows on
    screen, in the same order (the links carry the filters and the sorting). Unknown filter values
    give the page with a Dutch message and status 400."""
    r = runs.laad(run)
    filter_ = f.RanglijstFilter(request.GET, r.gebieden, [k for k, _ in KOLOMMEN])
    if not filter_.is_valid():
        return _ranglijstpagina(request, r, filter_, None, status=400)
    g = filter_.toepassen(r.gebieden)
    formaat = filter_.cleaned_data["formaat"]
    if formaat:
        return _download(g, f"ranglijst-{run}", formaat, r)
    return _ranglijstpagina(request, r, filter_, g)


def _ranglijstpagina(
    request: HttpRequest, r: runs.Run, filter_: f.RanglijstFilter, g: pd.DataFrame | None, status: int = 200
) -> HttpResponse:
    context = {
        "run": r,
        "filter": filter_,
        "rijen": _rijen(g, r) if g is not None else [],
        "kolommen": _kolomkoppen(filter_),
        "csv": filter_.adres(formaat="csv"),
        "xlsx": filter_.adres(formaat="xlsx"),
    }
    sjabloon = "site/_ranglijst.html" if request.headers.get("HX-Request") else "site/ranglijst.html"
    return render(request, sjabloon, context, status=status)


def _kolomkoppen(filter_: f.RanglijstFilter) -> list[dict[str, str]]:
    """Column headers: a link that sorts on the column (again: the other way round), keeping the
    filters, and the current order for screen readers."""
    huidig = filter_.volgorde
    koppen = []
    for sleutel, kop in KOLOMMEN:
        richting = {sleutel: "ascending", f"-{sleutel}": "descending"}.get(huidig, "")
        volgende = f"-{sleutel}" if huidig == sleutel else sleutel
        koppen.append({"kop": kop, "richting": richting, "adres": filter_.adres(sorteer=volgende)})
    return koppen


def _rijen(g: pd.DataFrame, r: runs.Run) -> list[dict[str, Any]]:
    robuust = r.heeft_robuustheid
    return [
        {
            "code": rij["code"],
            "naam": rij["naam"],
            "rang": getal(rij["rang"], 0),
            "interval": f"{getal(rij['rang_p05'], 0)}–{getal(rij['rang_p95'], 0)}" if robuust else ONTBREEKT,
            "stedelijkheid": getal(rij["stedelijkheid"], 0),
            "score": getal(rij["composiet"]),
            "groep": rij["groep"],
            "kans": procent(rij["kans_op_selectie"] * 100, 0) if robuust else ONTBREEKT,
        }
        for rij in _records(g)
    ]


def _records(tabel: pd.DataFrame) -> list[dict[str, Any]]:
    return tabel.to_dict("records")  # type: ignore[return-value]


def _download(g: pd.DataFrame, naam: str, formaat: str, r: runs.Run) -> HttpResponse:
    """The rows of the ranking on screen (filters and order) as CSV or Excel, with Dutch headers."""
    from ...analyse.uitvoer import KOPPEN

    koppen = KOPPEN | {f"thema_{t['id']}": f"Thema: {t['label']}" for t in r.methode["thema"]}
    if formaat == "csv":
        return csv_antwoord(g.rename(columns=koppen), f"{naam}.csv")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as schrijver:
        presentatie.schrijf_excelblad(schrijver, "Ranglijst", g, koppen)
    antwoord = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}.xlsx"'
    return antwoord


def csv_antwoord(tabel: pd.DataFrame, bestandsnaam: str) -> HttpResponse:
    """A CSV for Dutch Excel: semicolons, a decimal comma, UTF-8 with a byte order mark (so Excel
    reads "ë" and "–" right) and no thousands separator. Every CSV the site offers goes through here."""
    tekst = tabel.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    antwoord = HttpResponse(("\ufeff" + tekst).encode("utf-8"), content_type="text/csv; charset=utf-8")
    antwoord["Content-Disposition"] = f'attachment; filename="{bestandsnaam}"'
    return antwoord


# --- map --------------------------------------------------------------------------------------


def _kaartbronnen() -> dict[str, Any]:
    return {"opslag": Opslag(d.toestand_map()), "toestand": d.toestand()}


@pagina
def kaart(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    laag = request.GET.get("laag", presentatie.STANDAARDLAAG)
    try:
        waarden = presentatie.laagwaarden(r, laag)
    except InvoerFout as e:
        raise Http404(str(e)) from e
    klassen = presentatie.kaartklassen(r, laag, waarden["waarde"])
    keuze, getekend = presentatie.grenskeuze(r, **_kaartbronnen())
    niveau = r.methode["scope"]["niveau"]
    return render(
        request,
        "site/kaart.html",
        {
            "run": r,
            "laag": laag,
            "lagen": presentatie.lagen(r),
            "rijen": presentatie.kaartrijen(waarden, klassen, getekend),
            "legenda": klassen.legenda,
            "legendatekst": klassen.uitleg,
            "geen_waarde": presentatie.GEEN_WAARDE,
            "benchmark": waarden["benchmark"].dropna().median()
            if waarden["benchmark"].notna().any()
            else None,
            "keuze": keuze,
            "dekking": dekking(keuze)
            if keuze is not None
            else f"Geen grenzen van {meervoud(niveau)} in de opslag; de tabel toont alle "
            f"{heel_getal(r.gebieden['code'].nunique())} {meervoud(niveau)}",
            "bron": bronvermelding(keuze),
        },
    )


@pagina
def kaart_geo(request: HttpRequest, run: str) -> JsonResponse:
    try:
        geo = presentatie.kaart_geojson(
            runs.laad(run),
            request.GET.get("laag", presentatie.STANDAARDLAAG),
            register=d.register(),
            programma=presentatie.programmagrenzen(m.Gebiedsaanpak.objects.all()),
            **_kaartbronnen(),
        )
    except InvoerFout as e:
        raise Http404(str(e)) from e
    return JsonResponse(geo)


def _grenscodes(naam: str) -> frozenset[str]:
    return presentatie.grenscodes(Opslag(d.toestand_map()), naam)


def _lees_object(pad: str) -> dict[str, Any]:
    return presentatie.lees_object(pad)


# --- area profile ----------------------------------------------------------------------------------


@pagina
def gebied(request: HttpRequest, code: str) -> HttpResponse:
    from ... import grafieken

    code = normaliseer(code)
    if niveau_van(code) is None:
        raise Http404(f"'{code}' is geen geldige regiocode (zoals GM0889, WK088900 of BU08890000).")
    keuze = f.GebiedKeuze(request.GET, runs.namen())
    if not keuze.is_valid():
        fout = {"titel": "Gebiedsprofiel", "fout": keuze.fouttekst()}
        return render(request, "site/fout.html", fout, status=400)
    register = d.register()
    profiel: dict[str, Any] = (
        register.profiel(code)
        if register.bestaat(code)
        else {"code": code, "naam": code, "ouders": [], "per_jaar": []}
    )
    profiel = {**profiel, "per_jaar": [_jaarregel(j) for j in profiel["per_jaar"]]}
    run = _run_met(code, keuze.cleaned_data["run"])
    context: dict[str, Any] = {
        "code": code,
        "profiel": profiel,
        "run": run,
        "plaats": presentatie.plaats_in_analyses([runs.laad(n) for n in runs.namen()], code),
        "trend": _trend(d.toestand(), code),
        "aanpakken": lezen.programmas(regiocode=code),
    }
    if run is not None:
        context |= presentatie.gebiedsprofiel(run, code)
        context["grafiek"] = grafieken.profielgrafiek(run, code)
    return render(request, "site/gebied.html", context)


def _jaarregel(jaar: dict[str, Any]) -> dict[str, Any]:
    """A year of the register profile with urbanity and inhabitants written out."""
    klasse = "" if ontbreekt(jaar.get("stedelijkheid")) else getal(jaar["stedelijkheid"], 0)
    label = jaar.get("stedelijkheid_label") or ""
    return {
        "jaar": jaar["jaar"],
        "stedelijkheid": f"{klasse} {label}".strip() or ONTBREEKT,
        "inwoners": getal(jaar.get("inwoners"), 0),
    }


def _run_met(code: str, gekozen: str) -> runs.Run | None:
    """The chosen analysis if it holds the area, else (nothing chosen) the first one that does."""
    for naam in [gekozen] if gekozen else runs.namen():
        r = runs.laad(naam)
        if code in set(r.gebieden["code"]):
            return r
    return None


def _trend(toestand: Any, code: str) -> dict[str, Any]:
    return presentatie.trend(toestand, code, register=d.register())


# --- reports ------------------------------------------------------------------------------------


@pagina
def rapport_gebied(request: HttpRequest, run: str, code: str) -> HttpResponse:
    r = runs.laad(run)
    if code not in set(r.gebieden["code"]):
        raise Http404("gebied niet in deze analyse")
    return _pdf(pdf_gebied(r, code), f"gebiedsprofiel-{code}.pdf")


@pagina
def excel_analyse(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    antwoord = HttpResponse(
        (r.map / "resultaat.xlsx").read_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    antwoord["Content-Disposition"] = f'attachment; filename="analyse-{run}.xlsx"'
    return antwoord


@pagina
def rapport_analyse(request: HttpRequest, run: str) -> HttpResponse:
    return _pdf(pdf_analyse(runs.laad(run)), f"analyse-{run}.pdf")


def _pdf(inhoud: bytes, naam: str) -> HttpResponse:
    antwoord = HttpResponse(inhoud, content_type="application/pdf")
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}"'
    return antwoord


# --- monitoring ------------------------------------------------------------------------------------


@pagina
def doelenboom(request: HttpRequest, kader: str) -> HttpResponse:
    return render(
        request,
        "site/doelenboom.html",
        {
            "boom": lezen.doelenboom(kader),
            "mag_meten": mag(request.user, "meting_invoeren"),
            "formulier": f.MetingFormulier(auto_id=False),
        },
    )


@pagina
@require_POST
def meting_opslaan(request: HttpRequest, pk: int) -> HttpResponse:
    """A new measurement from the doelenboom: the form again (empty, with a message, or with its
    errors) and the indicator's new status."""
    formulier = f.MetingFormulier(request.POST, indicator=lezen.indicator(pk), auto_id=f"meting-{pk}-%s")
    status = formulier.verwerk(request.user)
    context = {
        "indicator": lezen.indicatorknoop(lezen.indicator(pk)),
        "formulier": f.MetingFormulier(auto_id=False) if status == 200 else formulier,
        "melding": formulier.melding,
    }
    return render(request, "site/_meting_formulier.html", context, status=status)


@pagina
def paragraaf(request: HttpRequest, product: int) -> HttpResponse:
    """The progress paragraph of a product for a moment and year; an unknown moment or a year that is
    no year gives the page with the Dutch message and status 400."""
    p = lezen.product(product)
    keuze = f.ParagraafKeuze(request.GET)
    if not keuze.is_valid():
        return render(request, "site/paragraaf.html", {"product": p, "keuze": keuze}, status=400)
    moment, jaar = keuze.cleaned_data["moment"], keuze.cleaned_data["jaar"]
    return render(
        request,
        "site/paragraaf.html",
        {
            "product": p,
            "keuze": keuze,
            "html": als_html(lezen.paragraaf(p, moment, jaar)),
            "tekstadres": urlencode({"moment": moment, "jaar": jaar, "formaat": "tekst"}),
        },
    )


@pagina
def aanpakken(request: HttpRequest) -> HttpResponse:
    return render(request, "site/aanpakken.html", {"aanpakken": lezen.programmas()})


@pagina
def aanpak(request: HttpRequest, pk: int) -> HttpResponse:
    a = lezen.aanpak(pk)
    # phases, partners and interventions share one rule (rollen.AANPAKACTIES); the services check each
    mag_bewerken = mag(request.user, "fase_toevoegen", a)
    context: dict[str, Any] = {"p": lezen.programma(pk), "mag_bewerken": mag_bewerken}
    if mag_bewerken:
        context |= {
            "faseformulier": f.FaseFormulier(aanpak=a),
            "partnerformulier": f.PartnerFormulier(aanpak=a),
            "interventieformulier": f.InterventieFormulier(aanpak=a),
        }
    return render(request, "site/aanpak.html", context)


AANPAKFORMULIEREN: dict[str, tuple[type[f.Schrijven], str]] = {
    "fase": (f.FaseFormulier, "site/_fase_formulier.html"),
    "partner": (f.PartnerFormulier, "site/_partner_formulier.html"),
    "interventie": (f.InterventieFormulier, "site/_interventie_formulier.html"),
}


@pagina
@require_POST
def aanpak_opslaan(request: HttpRequest, pk: int, soort: str) -> HttpResponse:
    """A new phase, partner or intervention of a programme: the form's fragment again, and after a
    save the programme's list it changed."""
    if soort not in AANPAKFORMULIEREN:
        raise Http404(f"Onbekend formulier '{soort}'.")
    klasse, sjabloon = AANPAKFORMULIEREN[soort]
    a = lezen.aanpak(pk)
    formulier = klasse(request.POST, aanpak=a)
    status = formulier.verwerk(request.user)
    context = {
        "p": lezen.programma(pk),
        "formulier": klasse(aanpak=a) if status == 200 else formulier,
        "melding": formulier.melding,
    }
    return render(request, sjabloon, context, status=status)


@pagina
def aanvragen(request: HttpRequest) -> HttpResponse:
    return render(request, "site/aanvragen.html", {"regelingen": lezen.regelingen(), "deals": lezen.deals()})


@pagina
def lessen(request: HttpRequest) -> HttpResponse:
    """The lerend netwerk: search (htmx swaps the list) and, for who may, a form for a new lesson."""
    zoek = f.LessenZoeken(request.GET)
    status = 200 if zoek.is_valid() else 400
    context: dict[str, Any] = {
        "zoek": zoek,
        "lessen": lezen.lessen(zoek.cleaned_data["q"], zoek.cleaned_data["soort"]) if status == 200 else [],
    }
    if request.headers.get("HX-Request"):
        return render(request, "site/_lessen_lijst.html", context, status=status)
    eigen = lezen.aanpakken_voor(request.user, "les_toevoegen")
    context["formulier"] = f.LesFormulier(aanpakken=eigen) if eigen.exists() else None
    return render(request, "site/lessen.html", context, status=status)


@pagina
@require_POST
def les_opslaan(request: HttpRequest) -> HttpResponse:
    eigen = lezen.aanpakken_voor(request.user, "les_toevoegen")
    formulier = f.LesFormulier(request.POST, aanpakken=eigen)
    status = formulier.verwerk(request.user)
    context = {
        "formulier": f.LesFormulier(aanpakken=eigen) if status == 200 else formulier,
        "melding": formulier.melding,
    }
    return render(request, "site/_les_formulier.html", context, status=status)


# --- effect of a programme ------------------------------------------------------------------------

EFFECT_VERSIE = 1  # part of the cache key of a computed effect page: raise it when its content changes
EFFECT_BEWAARTIJD = 24 * 3600
STANDAARD_EFFECTINDICATOR = "leefbaarometer.lbm"
METHODENAMEN = {"did": "Verschil-in-verschillen", "synthetisch": "Synthetische controle"}
_NIVEAUS_VOOR_EFFECT = {"buurt": ("BU", "WK"), "wijk": ("WK",), "gemeente": ("GM",)}
_NIVEAUWOORD = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}
ZONDER_REEKS = (
    "Voor de gebieden van deze aanpak staat geen indicator met metingen in meer dan één jaar in de opslag; "
    "een effect is dan niet te meten."
)


@lru_cache(maxsize=64)
def _reeksen_van(map: str, versie: str | None, codes: tuple[str, ...]) -> dict[str, str]:
    """Indicator -> code prefix (BU, WK, GM) of the finest level on which the codes themselves (or, for
    buurten, the wijken they lie in) have values in at least two waves."""
    w = d.toestand().waarnemingen
    regio = w["regio"].astype(str)
    deel = w[regio.isin(set(codes)) & w["waarde"].notna()]
    golven = deel.groupby([deel["indicator"].astype(str), regio[deel.index].str[:2]])["periode"].nunique()
    uit: dict[str, str] = {}
    for vv in _NIVEAUWOORD:  # finest first
        for (indicator, voorvoegsel), aantal in cast("dict[tuple[str, str], int]", golven).items():
            if voorvoegsel == vv and aantal >= 2:
                uit.setdefault(str(indicator), vv)
    return uit


def _effectindicatoren(a: m.Gebiedsaanpak) -> list[tuple[str, str]]:
    """(id, label) of the indicators with a series (two or more waves) for the programme's areas on
    their own level; for a buurt programme also per wijk (the effect is then measured on the wijken
    the buurten lie in). Counts, classes and densities are left out: they cannot be averaged over
    areas."""
    from ...reeks import NIET_SAMEN_TE_VOEGEN, OPGETELD

    codes = [normaliseer(str(c)) for c in a.regiocodes]
    niveaus = {niveau_van(c) for c in codes}
    if len(niveaus) != 1 or None in niveaus:
        return []
    voorvoegsels = _NIVEAUS_VOOR_EFFECT.get(str(next(iter(niveaus))), ())
    gezocht = {c for c in codes} | ({"WK" + c[2:8] for c in codes} if "WK" in voorvoegsels[1:] else set())
    reeksen = _reeksen_van(
        str(d.toestand_map()), Opslag(d.toestand_map()).huidige_versie(), tuple(sorted(gezocht))
    )
    uit: dict[str, str] = {}
    for indicator, vv in reeksen.items():
        ind = catalogus().get(indicator)
        if vv not in voorvoegsels or ind is None or ind.eenheid in OPGETELD | set(NIET_SAMEN_TE_VOEGEN):
            continue
        uit[indicator] = ind.label + (f" (per {_NIVEAUWOORD[vv]})" if vv != voorvoegsels[0] else "")
    return sorted(uit.items(), key=lambda paar: paar[1].lower())


def _standaardstart(a: m.Gebiedsaanpak) -> int:
    """The year of the programme's first phase, else this year."""
    eerste = a.fasen.order_by("datum", "id").first()
    return eerste.datum.year if eerste else date.today().year


@pagina
def effect(request: HttpRequest, pk: int) -> HttpResponse:
    """The effect of a programme on one indicator: verdict, estimate, placebo checks, charts, map."""
    return _effectpagina(request, pk, pdf=False)


@pagina
def effect_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same content as a PDF chapter."""
    return _effectpagina(request, pk, pdf=True)


def _effectpagina(request: HttpRequest, pk: int, pdf: bool) -> HttpResponse:
    """Invalid parameters and estimates that cannot be made give the page with a Dutch message and
    status 400 (404 for an unknown programme), never an error page."""
    a = m.Gebiedsaanpak.objects.filter(pk=pk).first()
    if a is None:
        fout = f"Gebiedsaanpak {pk} bestaat niet (meer)."
        return render(request, "site/effect.html", {"a": None, "fout": fout}, status=404)
    indicatoren, standaardstart = _effectindicatoren(a), _standaardstart(a)
    context: dict[str, Any] = {
        "a": a,
        "indicatoren": indicatoren,
        "methoden": METHODENAMEN,
        "indicator": request.GET.get("indicator", ""),
        "start": request.GET.get("start", ""),
        "methode": request.GET.get("methode", "did"),
        "standaardstart": standaardstart,
    }
    if not indicatoren:
        return render(request, "site/effect.html", {**context, "fout": ZONDER_REEKS}, status=400)
    ids = [i for i, _ in indicatoren]
    standaard = STANDAARD_EFFECTINDICATOR if STANDAARD_EFFECTINDICATOR in ids else ids[0]
    keuze = f.EffectKeuze(request.GET, indicatoren, METHODENAMEN, (standaard, standaardstart))
    if not keuze.is_valid():
        return render(request, "site/effect.html", {**context, "fout": keuze.fouttekst()}, status=400)
    indicator, start, methode = (keuze.cleaned_data[k] for k in ("indicator", "start", "methode"))
    inhoud = _effectinhoud(a, indicator, start, methode)
    context |= {"indicator": indicator, "start": start, "methode": methode, "inhoud": inhoud}
    if "fout" in inhoud:
        return render(request, "site/effect.html", {**context, "fout": inhoud["fout"]}, status=400)
    if pdf:
        return _pdf(
            pdf_effect({"a": a, "inhoud": inhoud}), f"effect-{a.pk}-{indicator}-{start}-{methode}.pdf"
        )
    vraag = urlencode({"indicator": indicator, "start": start, "methode": methode})
    context["pdf"] = f"/monitoring/aanpakken/{a.pk}/effect.pdf?{vraag}"
    return render(request, "site/effect.html", context)


def _effectinhoud(a: m.Gebiedsaanpak, indicator: str, start: int, methode: str) -> dict[str, Any]:
    """The computed content of the effect page (also the PDF's), cached per programme and its areas,
    indicator, start, method and store version: an estimate with placebo checks takes seconds."""
    map_ = d.toestand_map()
    delen = (EFFECT_VERSIE, a.pk, [str(c) for c in a.regiocodes], indicator, start, methode, str(map_))
    sleutel = "effect:" + hashlib.sha256(repr((delen, Opslag(map_).huidige_versie())).encode()).hexdigest()
    bewaard = cache.get(sleutel)
    if bewaard is not None:
        return dict(bewaard)
    inhoud = _bereken_effect(a, indicator, start, methode)
    cache.set(sleutel, inhoud, EFFECT_BEWAARTIJD)
    return inhoud


def _bereken_effect(a: m.Gebiedsaanpak, indicator: str, start: int, methode: str) -> dict[str, Any]:
    from ... import grafieken as g
    from ...effect.pijplijn import meet_effect
    from ...effect.trend import trend
    from ...errors import GebiedskompasFout

    toestand, register = d.toestand(), d.register()
    try:
        r = meet_effect(toestand, indicator, a.regiocodes, start, methode, register=register, aanpak=a.naam)
    except GebiedskompasFout as e:
        return {"fout": f"Het effect is niet te meten: {e}."}
    behandeld = [str(c) for c in r.paneel.gebieden[r.paneel.behandeld]]
    try:
        t, trendfout = trend(toestand, indicator, behandeld, register=register), None
    except GebiedskompasFout as e:
        t, trendfout = None, f"Geen vergelijking met Nederland en de eigen stedelijkheid: {e}."
    grenzen, gemeentegrenzen, grensbron = _effectgrenzen(
        r.paneel.niveau, [*behandeld, *g.vergelijkingscodes(r)], r.paneel.indeling
    )
    kaarten, zonder_grens = g.kaarten(r, grenzen, gemeentegrenzen, grensbron) if grenzen else ([], [])

    def gemeentenaam(code: str) -> str:
        gemeente = "GM" + code[2:6]
        return register.naam(gemeente) or gemeente

    return {
        "indicatorlabel": r.label,
        "eenheid": r.eenheid,
        "start": r.start,
        "methode": r.methode,
        "methodenaam": METHODENAMEN[r.methode],
        "oordeel": {
            "soort": r.oordeel.soort,
            "tekst": r.oordeel.tekst,
            "waarschuwingen": list(r.oordeel.waarschuwingen),
        },
        "schatting": _schattingsregels(r),
        "placebos": _placeboregels(r),
        "grafieken": [x for x in (g.lijnen(r), g.verschillen(r, t), g.gebeurtenisstudie(r)) if x is not None],
        "kaarten": kaarten,
        "geen_kaart": "" if kaarten else "Geen kaart: de opslag heeft geen grenzen van deze gebieden.",
        "vergelijkingstabel": g.vergelijkingstabel(r, gemeentenaam, zonder_grens) if r.vergelijking else None,
        "behandeldtabel": g.behandeldtabel(r, gemeentenaam),
        "opmerkingen": _effectopmerkingen(r),
        "trendfout": trendfout,
        "trendopmerkingen": list(t.opmerkingen) if t is not None else [],
        "citaties": [
            f"{x['bronvermelding']}"
            + (f", versie {_versietekst(str(x['versie']))}" if x.get("versie") else "")
            + f" (sha256 {x['sha256'][:12]}…)"
            for x in r.runrecord["gegevens"]
        ],
        "record": _recordregel(r.runrecord),
    }


def _effectgrenzen(niveau: str, codes: list[str], jaar: int) -> tuple[list[Any], list[Any], str]:
    """Boundaries of the vintage that draws most of ``codes``, the gemeenten nearest that year, and
    the credit line."""
    grenzen = d.toestand().grenzen
    beschikbaar = {
        sleutel: _grenscodes(naam)
        for sleutel, naam in grenzen.items()
        if (ontleed := ontleed_sleutel(sleutel)) is not None and ontleed.niveau == niveau
    }
    keuze = kies_grenzen(codes, niveau, beschikbaar, jaar)
    if keuze is None:
        return [], [], ""
    objecten = Opslag(d.toestand_map()).objecten
    gebieden = _lees_object(str(objecten / grenzen[keuze.sleutel]))["features"]
    gemeentesleutels = [
        (abs(o.jaar - keuze.jaar), o.benaderd, -o.jaar, s)
        for s in grenzen
        if (o := ontleed_sleutel(s)) is not None and o.niveau == "gemeente"
    ]
    gemeenten = (
        _lees_object(str(objecten / grenzen[min(gemeentesleutels)[3]]))["features"]
        if gemeentesleutels
        else []
    )
    return gebieden, gemeenten, f"{bronvermelding(keuze)}; {keuze.indeling}"


def _schattingsregels(r: Any) -> list[tuple[str, str]]:
    from ...effect.oordeel import decimalen
    from ...grafieken import getal_of_streep
    from ...opmaak import p_waarde

    p = r.paneel
    jaren = [int(x) for x in p.perioden]
    voor = sum(1 for j in jaren if j < r.start)
    regels = [
        (
            "Methode",
            METHODENAMEN[r.methode]
            + (" met gebeurtenisstudie (pyfixest)" if r.methode == "did" else " (pysyncon)"),
        ),
        ("Indicator", f"{r.label}" + (f" ({r.eenheid})" if r.eenheid else "")),
        ("Start van de aanpak", str(r.start)),
        (
            "Metingen",
            f"{jaren[0]} tot {jaren[-1]}: {len(jaren)} metingen, {voor} vóór de start en "
            f"{len(jaren) - voor} vanaf de start",
        ),
        ("Gemeten per", f"{p.niveau} (gebiedsindeling {p.indeling})"),
    ]
    s = r.schatting
    if s is None:
        return regels
    dec = decimalen(s.effect, s.onder, s.boven)
    eenheid = f" {r.eenheid}" if r.eenheid else ""
    regels += [
        ("Geschat effect", f"{getal_of_streep(s.effect, dec, True)}{eenheid}"),
        ("95%-interval", f"{getal_of_streep(s.onder, dec)} tot {getal_of_streep(s.boven, dec)}{eenheid}"),
        ("p-waarde", p_waarde(s.p)),
        (
            "Pre-trendtoets",
            _p_is(s.pretrend_p) if s.pretrend_p == s.pretrend_p else "niet mogelijk",
        ),
        ("Gebieden", f"{s.behandeld} behandeld, {s.vergelijking} in de vergelijking"),
    ]
    return regels


def _placeboregels(r: Any) -> list[dict[str, str]]:
    from ...effect.oordeel import ALFA, decimalen
    from ...grafieken import getal_of_streep
    from ...opmaak import p_waarde

    uit = []
    for pl in r.placebos:
        dec = decimalen(pl.effect, pl.onder, pl.boven)
        if pl.soort == "tijd":
            soort = f"In de tijd (nepstart {pl.nep_start})" if pl.nep_start else "In de tijd"
            uitslag = (
                "faalt: 'effect' waar er geen kan zijn"
                if pl.p < ALFA
                else "geslaagd: geen 'effect' vóór de start"
            )
        else:
            soort = "In de ruimte (placebogebieden)"
            uitslag = (
                "het effect steekt niet duidelijk boven toeval uit"
                if pl.p > 2 * ALFA
                else "het effect steekt boven de placebogebieden uit"
            )
        if pl.p != pl.p:
            uitslag = "niet uitgevoerd"
        interval = (
            f"{getal_of_streep(pl.onder, dec)} tot {getal_of_streep(pl.boven, dec)}"
            if pl.onder == pl.onder and pl.boven == pl.boven
            else "–"
        )
        uit.append(
            {
                "soort": soort,
                "effect": getal_of_streep(pl.effect, dec, True),
                "interval": interval,
                "p": p_waarde(pl.p),
                "uitslag": uitslag,
                "toelichting": pl.toelichting,
            }
        )
    return uit


def _effectopmerkingen(r: Any) -> list[str]:
    uit = list(r.paneel.opmerkingen)
    if r.vergelijking is not None:
        uit += r.vergelijking.opmerkingen
    if r.schatting is not None:
        uit += [o for o in r.schatting.opmerkingen if o not in uit]
    return uit


def _recordregel(record: dict[str, Any]) -> str:
    from ...grafieken import datum_tekst

    software = record.get("software", {})
    tijd = str(record.get("tijdstip", ""))
    wanneer = ""
    if len(tijd) >= 10 and tijd[:4].isdigit():
        wanneer = f"berekend op {datum_tekst(int(tijd[:4]), int(tijd[5:7]), int(tijd[8:10]))} (UTC); "
    return (
        f"{wanneer}seed {record.get('seed')}; gebiedskompas {software.get('gebiedskompas', '?')}, "
        f"pyfixest {software.get('pyfixest', '?')}, Python {software.get('python', '?')}"
    )


def _versietekst(versie: str) -> str:
    """A version that is an ISO date ('2021-03-26T02:00:00') as a Dutch date ('26 maart 2021')."""
    from ...grafieken import datum_tekst

    try:
        dag = date.fromisoformat(versie[:10])
    except ValueError:
        return versie
    return datum_tekst(dag.year, dag.month, dag.day)


def _p_is(p: float) -> str:
    from ...opmaak import p_tekst

    return p_tekst(p)
