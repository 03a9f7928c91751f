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
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from ... import kaartcontext, presentatie
from ...catalogus import catalogus
from ...codes import niveau_van, normaliseer
from ...errors import InvoerFout
from ...excelveilig import csv_veilig
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
from ..monitoring.rollen import mag, rechten, rol_van
from . import formulieren as f
from . import pdfcache as pc
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
        adres = canoniek_adres(request)
        if adres is None:  # unknown, repeated or free-text parameters: rendered, never cached
            return _zonder_404(view, request, *args, **kwargs)
        sleutel = _cachesleutel(request, rol, adres)
        bewaard = cache.get(sleutel)
        if bewaard is not None:
            return HttpResponse(bewaard[0], content_type=bewaard[1])
        antwoord = _zonder_404(view, request, *args, **kwargs)
        soort = antwoord.get("Content-Type", "")
        if (
            antwoord.status_code == 200
            and len(antwoord.content) <= MAX_CACHEGROOTTE
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


# The query parameters a cached page may have: every name a page reads with a finite set of valid
# values. Anything else (unknown names, repeated names, free text such as ``q``, the one-off signed
# ``melding``) is rendered but not cached, so junk query strings cannot grow the cache.
CACHEBARE_PARAMETERS = frozenset(
    [
        *["laag", "binnen", "run", "referentie", "a", "b", "sorteer", "stedelijkheid", "groep"],
        *["gemeente", "start", "methode", "indicator", "moment", "jaar", "soort"],
    ]
)
MAX_WAARDELENGTE = 100
MAX_CACHEGROOTTE = 8 * 1024 * 1024  # bytes of one cached page (the buurt map layers are the largest)


def canoniek_adres(request: HttpRequest) -> str | None:
    """The address with its query parameters sorted, or None when the page must not be cached."""
    delen = []
    for naam, waarden in request.GET.lists():
        if naam not in CACHEBARE_PARAMETERS or len(waarden) != 1 or len(waarden[0]) > MAX_WAARDELENGTE:
            return None
        delen.append((naam, waarden[0]))
    return request.path + ("?" + urlencode(sorted(delen)) if delen else "")


def _cachesleutel(request: HttpRequest, rol: str, adres: str) -> str:
    analyses = runs.runmap()
    handtekening = [(n, (analyses / n / "resultaat.json").stat().st_mtime_ns) for n in runs.namen()]
    delen = (
        adres,
        rol,
        # pages of roles that may write hold forms with the user's own CSRF token (they also post
        # without JavaScript), a coordinator's pages the forms of their own programmes; the CSRF
        # secret changes at every login, so a new session never gets a page with a stale token
        (request.user.pk, request.META.get("CSRF_COOKIE")) if rol != "lezer" else None,
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
    reads "ë" and "–" right) and no thousands separator. Every CSV the site offers goes through here;
    a text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    tekst = csv_veilig(tabel).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    antwoord = HttpResponse(("\ufeff" + tekst).encode("utf-8"), content_type="text/csv; charset=utf-8")
    antwoord["Content-Disposition"] = f'attachment; filename="{bestandsnaam}"'
    return antwoord


# --- map --------------------------------------------------------------------------------------


def _kaartbronnen() -> dict[str, Any]:
    return {"opslag": Opslag(d.toestand_map()), "toestand": d.toestand()}


def _programma() -> list[dict[str, Any]]:
    return presentatie.programmagrenzen(m.Gebiedsaanpak.objects.order_by("naam"))


def _inzoom(r: runs.Run, laag: str, binnen: str) -> kaartcontext.Inzoom:
    try:
        return kaartcontext.inzoom(r, laag, binnen, [runs.laad(n) for n in runs.namen()], **_kaartbronnen())
    except InvoerFout as e:
        raise Http404(str(e)) from e


def _kaartrijen(r: runs.Run, laag: str, binnen: str | None) -> dict[str, Any]:
    """Table, legend and coverage sentence of the map of ``r``, or of a drill-down into ``binnen``."""
    if binnen:
        z = _inzoom(r, laag, binnen)
        klassen = presentatie.kaartklassen(z.bron, z.laag) if z.bron is not None else None
        naam = d.register().naam(binnen) or binnen
        return {
            "rijen": kaartcontext.inzoomrijen(z),
            "klassen": klassen,
            "benchmark": z.waarden["benchmark"],
            "keuze": z.keuze,
            "dekking": kaartcontext.inzoomdekking(z, naam),
            "bronrun": z.bron,
            "niveau": z.niveau,
        }
    try:
        waarden = presentatie.laagwaarden(r, laag)
    except InvoerFout as e:
        raise Http404(str(e)) from e
    klassen = presentatie.kaartklassen(r, laag, waarden["waarde"])
    keuze, getekend = presentatie.grenskeuze(r, **_kaartbronnen())
    niveau = r.methode["scope"]["niveau"]
    return {
        "rijen": presentatie.kaartrijen(waarden, klassen, getekend),
        "klassen": klassen,
        "benchmark": waarden["benchmark"],
        "keuze": keuze,
        "dekking": dekking(keuze)
        if keuze is not None
        else f"Geen grenzen van {meervoud(niveau)} in de opslag; de tabel toont alle "
        f"{heel_getal(r.gebieden['code'].nunique())} {meervoud(niveau)}",
        "bronrun": r,
        "niveau": niveau,
    }


def _kruimels(r: runs.Run, binnen: str | None) -> list[kaartcontext.Kruimel]:
    register = d.register()
    provincies = kaartcontext.provincies_van(r, register)
    codes = [] if binnen is None else ["GM" + binnen[2:6], binnen]
    namen = {c: register.naam(c) or c for c in codes}
    return kaartcontext.kruimelpad(binnen, [pr.naam for pr in provincies], namen)


@pagina
def kaart(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    laag = request.GET.get("laag", presentatie.STANDAARDLAAG)
    binnen = request.GET.get("binnen") or None
    inhoud = _kaartrijen(r, laag, binnen)
    klassen, bench, bronrun = inhoud["klassen"], inhoud["benchmark"], inhoud["bronrun"]
    for rij in inhoud["rijen"]:
        deel = kaartcontext.deelniveau(rij["code"])
        rij["inzoom"] = rij["code"] if deel else None
        rij["inzoomtekst"] = f"{meervoud(deel).capitalize()} van {rij['naam']}" if deel else ""
        if rij.get("delen"):
            rij["inzoomtekst"] += f" ({rij['delen']})"
        rij["profielrun"] = None if rij.get("zonder_waarde") or bronrun is None else bronrun.naam
    provincies = kaartcontext.provincies_van(r, d.register())
    gemeenten = {c for pr in provincies for c in pr.gemeenten}
    keuzes = kaartcontext.gemeenten_van(
        d.register(), {pr.code for pr in provincies}, kaartcontext.analysejaar(r)
    )
    adres = {"laag": laag} | ({"binnen": binnen} if binnen else {})
    kruimels = _kruimels(r, binnen)
    return render(
        request,
        "site/kaart.html",
        {
            "run": r,
            "laag": laag,
            "lagen": presentatie.lagen(r),
            "binnen": binnen,
            "kruimels": kruimels,
            "plaats": kruimels[-1].naam,
            "bronrun": bronrun,
            "niveau": inhoud["niveau"],
            "niveaus": meervoud(inhoud["niveau"]),
            "deelniveaus": meervoud(kaartcontext.ONDERNIVEAU.get(inhoud["niveau"], "")),
            "rijen": inhoud["rijen"],
            "legenda": klassen.legenda if klassen is not None else [],
            "legendatekst": klassen.uitleg
            if klassen is not None
            else f"Geen kleuren: {kaartcontext.GEEN_WAARDE_TEKST}.",
            "geen_waarde": presentatie.GEEN_WAARDE,
            "benchmark": bench.dropna().median() if bench.notna().any() else None,
            "keuze": inhoud["keuze"],
            "dekking": inhoud["dekking"],
            "bron": bronvermelding(inhoud["keuze"]),
            "programmas": kaartcontext.programmas_in(_programma(), gemeenten, binnen),
            "gemeentekeuzes": keuzes,
            "geo": urlencode(adres),
        },
    )


@pagina
def kaart_geo(request: HttpRequest, run: str) -> JsonResponse:
    r = runs.laad(run)
    laag = request.GET.get("laag", presentatie.STANDAARDLAAG)
    binnen = request.GET.get("binnen") or None
    if binnen:
        return JsonResponse(kaartcontext.inzoom_geojson(_inzoom(r, laag, binnen), _programma()))
    try:
        geo = presentatie.kaart_geojson(
            r, laag, register=d.register(), programma=_programma(), **_kaartbronnen()
        )
    except InvoerFout as e:
        raise Http404(str(e)) from e
    return JsonResponse(geo)


@pagina
def kaart_context(request: HttpRequest, run: str) -> JsonResponse:
    """Gemeente borders and names, provincie outline and programme areas around the map's areas."""
    r = runs.laad(run)
    bronnen = _kaartbronnen()
    geo = kaartcontext.kaartcontext(r, register=d.register(), **bronnen)
    programma = [kaartcontext.Programma(p["naam"], tuple(p["codes"])) for p in _programma()]
    geo["features"] = geo["features"] + kaartcontext.programma_geojson(
        programma, jaar=kaartcontext.analysejaar(r), **bronnen
    )
    return JsonResponse(geo)


def _grenscodes(naam: str) -> frozenset[str]:
    return presentatie.grenscodes(Opslag(d.toestand_map()), naam)


def _lees_object(pad: str) -> dict[str, Any]:
    return presentatie.lees_object(pad)


# --- area profile ----------------------------------------------------------------------------------


@pagina
def gebied(request: HttpRequest, code: str) -> HttpResponse:
    from ... import grafieken
    from ...profiel import kies_referentie, kruimelpad, onderliggende, referentiekeuzes

    code = normaliseer(code)
    if niveau_van(code) is None:
        raise Http404(f"'{code}' is geen geldige regiocode (zoals GM0889, WK088900 of BU08890000).")
    keuze = f.GebiedKeuze(request.GET, runs.namen())
    if not keuze.is_valid():
        fout = {"titel": "Gebiedsprofiel", "fout": keuze.fouttekst()}
        return render(request, "site/fout.html", fout, status=400)
    try:
        referentie = kies_referentie(request.GET.get("referentie"))
    except InvoerFout as e:
        return render(request, "site/fout.html", {"titel": "Gebiedsprofiel", "fout": str(e)}, status=400)
    register = d.register()
    if not register.tabel.empty and not register.bestaat(code):
        raise Http404(f"{code} komt niet voor in het regioregister.")
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
        "referentie": referentie,
        "referentiekeuzes": referentiekeuzes(),
        "kruimelpad": kruimelpad(register, code),
        "onderliggend": onderliggende(register, code),
        "trendgrafieken": grafieken.trendgrafieken(_profieltrends(code, run, referentie)),
    }
    if run is not None:
        context |= presentatie.gebiedsprofiel(run, code)
        context["grafiek"] = grafieken.profielgrafiek(run, code)
    return render(request, "site/gebied.html", context)


def _profieltrends(code: str, run: runs.Run | None, referentie: str) -> list[Any]:
    """The series of the profile's indicators against the reference group: the indicators of the
    analysis shown (else of every saved analysis) and the context indicators."""
    from ...profiel import profielindicatoren, profieltrends

    bronnen = [run] if run is not None else [runs.laad(n) for n in runs.namen()]
    ids = [str(i["id"]) for r in bronnen for t in r.methode["thema"] for i in t["indicator"]]
    richtingen = {i: presentatie.indicatorrichting(run, i) for i in ids} if run is not None else None
    return profieltrends(
        d.toestand(), code, profielindicatoren(ids), referentie, register=d.register(), richtingen=richtingen
    )


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
    from ...profiel import kies_referentie

    r = runs.laad(run)
    if code not in set(r.gebieden["code"]):
        raise Http404("gebied niet in deze analyse")
    try:
        referentie = kies_referentie(request.GET.get("referentie"))
    except InvoerFout as e:
        raise Http404(str(e)) from e
    delen = ("gebied", pc.runsleutel(r), code, referentie, pc.gegevensversie())
    inhoud = pc.bewaard(delen, lambda: pdf_gebied(r, code, _profieltrends(code, r, referentie)))
    return _pdf(inhoud, f"gebiedsprofiel-{code}.pdf")


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
    r = runs.laad(run)
    inhoud = pc.bewaard(("analyse", pc.runsleutel(r), pc.gegevensversie()), lambda: pdf_analyse(r))
    return _pdf(inhoud, f"analyse-{run}.pdf")


def _pdf(inhoud: bytes, naam: str) -> HttpResponse:
    antwoord = HttpResponse(inhoud, content_type="application/pdf")
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}"'
    return antwoord


# --- monitoring ------------------------------------------------------------------------------------

MELDINGZOUT = "gebiedskompas.site.melding"


def _melding(request: HttpRequest) -> dict[str, str] | None:
    """The success message after a save without JavaScript (POST, redirect, GET). It is signed, so no
    address can put other words on the page."""
    try:
        vak, tekst = signing.loads(request.GET.get("melding", ""), salt=MELDINGZOUT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return {"vak": str(vak), "tekst": str(tekst)}


def _met_melding(adres: str, vak: str, tekst: str) -> str:
    melding = signing.dumps([vak, tekst], salt=MELDINGZOUT, compress=True)
    return f"{adres}?{urlencode({'melding': melding})}#{vak}-blok"


def _schrijfantwoord(
    request: HttpRequest,
    formulier: f.Schrijven,
    status: int,
    vak: str,
    adres: str,
    fragment: Callable[[], HttpResponse],
    pagina: Callable[[int], HttpResponse],
) -> HttpResponse:
    """The answer to a form. htmx swaps the form's ``fragment`` (or, after a save that changes the page
    as a whole, loads the page again with the message); without JavaScript a save goes
    back to the page with its message (POST/redirect/GET) and an invalid or refused form shows the
    whole page with that form open and its errors next to the fields."""
    if request.headers.get("HX-Request"):
        if status != 200 or vak.split("-")[0] in FRAGMENTVAKKEN:
            return fragment()
        antwoord = HttpResponse(status=204)
        antwoord["HX-Redirect"] = _met_melding(adres, vak, formulier.melding)
        return antwoord
    if status == 200:
        return redirect(_met_melding(adres, vak, formulier.melding))
    return pagina(status)


# Forms whose saved fragment (the empty form with its message and the list it changed) is enough;
# after any other save the page is loaded again, as its overview counts change too.
FRAGMENTVAKKEN = {"meting", "fase", "partner", "interventie", "les"}


def _melding_bij(melding: dict[str, str] | None, vak: str, tekst: str) -> dict[str, str] | None:
    return {"vak": vak, "tekst": tekst} if tekst else melding


@pagina
def doelenboom(request: HttpRequest, kader: str) -> HttpResponse:
    return _doelenboompagina(request, kader)


def _doelenboompagina(
    request: HttpRequest, kader: str, status: int = 200, fout: dict[str, Any] | None = None
) -> HttpResponse:
    boom = lezen.doelenboom(kader)
    recht = rechten(request.user, "meting_invoeren", "excel_importeren")
    context = {
        "boom": boom,
        "tellingen": boom.statustellingen(),
        "mag_meten": recht["meting_invoeren"],
        "mag_importeren": recht["excel_importeren"],
        "formulier": f.MetingFormulier(auto_id=False),
        "excelformulier": f.ExcelImportFormulier(),
        "melding": _melding(request),
        **(fout or {}),
    }
    return render(request, "site/doelenboom.html", context, status=status)


@pagina
@require_POST
def meting_opslaan(request: HttpRequest, pk: int) -> HttpResponse:
    """A new measurement from the doelenboom: the form again (empty, with a message, or with its
    errors) and the indicator's new status."""
    indicator = lezen.indicator(pk)
    formulier = f.MetingFormulier(request.POST, indicator=indicator, auto_id=f"meting-{pk}-%s")
    status = formulier.verwerk(request.user)
    knoop = lezen.indicatorknoop(lezen.indicator(pk))
    kader = m.Beleidskader.objects.get(doelen__indicatoren=indicator).afkorting

    def fragment() -> HttpResponse:
        context = {
            "indicator": knoop,
            "formulier": f.MetingFormulier(auto_id=False) if status == 200 else formulier,
            "melding": _melding_bij(None, knoop.vak, formulier.melding),
            "vernieuw": status == 200,
        }
        return render(request, "site/_meting_formulier.html", context, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _doelenboompagina(request, kader, s, {"fout_id": pk, "foutformulier": formulier})

    adres = f"/monitoring/doelenboom/{kader}/"
    return _schrijfantwoord(request, formulier, status, knoop.vak, adres, fragment, pagina_)


@pagina
@require_POST
def excel_importeren(request: HttpRequest, kader: str) -> HttpResponse:
    """An Excel workbook for the goal tree: all or nothing; an error names sheet, row and column."""
    k = lezen.doelenboom(kader).kader
    formulier = f.ExcelImportFormulier(request.POST, request.FILES, kader=k)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        context = {"excelformulier": formulier, "kader": k}
        return render(request, "site/_excel_formulier.html", context, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _doelenboompagina(request, kader, s, {"excelformulier": formulier})

    adres = f"/monitoring/doelenboom/{kader}/"
    return _schrijfantwoord(request, formulier, status, "excel", adres, fragment, pagina_)


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
    return _aanpakkenpagina(request)


def _aanpakkenpagina(
    request: HttpRequest, status: int = 200, formulier: f.AanpakFormulier | None = None
) -> HttpResponse:
    programmas = lezen.programmas()
    context: dict[str, Any] = {
        "aanpakken": programmas,
        "tellingen": lezen.fasetellingen(programmas),
        "melding": _melding(request),
    }
    if mag(request.user, "aanpak_aanmaken"):
        context["formulier"] = formulier or f.AanpakFormulier()
    return render(request, "site/aanpakken.html", context, status=status)


@pagina
@require_POST
def aanpak_nieuw(request: HttpRequest) -> HttpResponse:
    formulier = f.AanpakFormulier(request.POST)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        return render(request, "site/_aanpak_formulier.html", {"formulier": formulier}, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _aanpakkenpagina(request, s, formulier)

    return _schrijfantwoord(request, formulier, status, "aanpak", "/monitoring/aanpakken/", fragment, pagina_)


@pagina
def aanpak(request: HttpRequest, pk: int) -> HttpResponse:
    return _aanpakpagina(request, pk)


def _aanpakformulier(
    soort: str,
    request: HttpRequest,
    a: m.Gebiedsaanpak,
    data: Any = None,
    recht: dict[str, bool] | None = None,
) -> f.Schrijven:
    klasse = AANPAKFORMULIEREN[soort][0]
    if klasse is f.AanpakWijzigen:
        toewijzen = (recht or rechten(request.user, "coordinatoren_toewijzen"))["coordinatoren_toewijzen"]
        return f.AanpakWijzigen(data, aanpak=a, coordinatoren=toewijzen)
    return klasse(data, aanpak=a)


def _aanpakpagina(
    request: HttpRequest, pk: int, status: int = 200, fout: f.Schrijven | None = None
) -> HttpResponse:
    a = lezen.aanpak(pk)
    # phases, partners and interventions share one rule (rollen.AANPAKACTIES); the services check each
    recht = rechten(request.user, "fase_toevoegen", "coordinatoren_toewijzen", aanpak=a)
    mag_bewerken = recht["fase_toevoegen"]
    context: dict[str, Any] = {
        "p": lezen.programma(pk),
        "mag_bewerken": mag_bewerken or fout is not None,
        "melding": _melding(request),
    }
    if mag_bewerken or fout is not None:
        for soort in AANPAKFORMULIEREN:
            bound = fout is not None and fout.voorvoegsel == AANPAKFORMULIEREN[soort][0].voorvoegsel
            context[f"{soort}formulier"] = fout if bound else _aanpakformulier(soort, request, a, recht=recht)
    return render(request, "site/aanpak.html", context, status=status)


AANPAKFORMULIEREN: dict[str, tuple[type[f.Schrijven], str]] = {
    "gegevens": (f.AanpakWijzigen, "site/_gegevens_formulier.html"),
    "fase": (f.FaseFormulier, "site/_fase_formulier.html"),
    "partner": (f.PartnerFormulier, "site/_partner_formulier.html"),
    "interventie": (f.InterventieFormulier, "site/_interventie_formulier.html"),
}


@pagina
@require_POST
def aanpak_opslaan(request: HttpRequest, pk: int, soort: str) -> HttpResponse:
    """A programme's data, or a new phase, partner or intervention: the form's fragment again, and after
    a save the programme's list it changed."""
    if soort not in AANPAKFORMULIEREN:
        raise Http404(f"Onbekend formulier '{soort}'.")
    sjabloon = AANPAKFORMULIEREN[soort][1]
    a = lezen.aanpak(pk)
    formulier = _aanpakformulier(soort, request, a, request.POST)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        context = {
            "p": lezen.programma(pk),
            "formulier": _aanpakformulier(soort, request, lezen.aanpak(pk)) if status == 200 else formulier,
            "melding": _melding_bij(None, soort, formulier.melding),
            "vernieuw": status == 200,
        }
        return render(request, sjabloon, context, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _aanpakpagina(request, pk, s, formulier)

    adres = f"/monitoring/aanpakken/{pk}/"
    return _schrijfantwoord(request, formulier, status, soort, adres, fragment, pagina_)


@pagina
def aanvragen(request: HttpRequest) -> HttpResponse:
    return _aanvragenpagina(request)


def _aanvragenpagina(
    request: HttpRequest, status: int = 200, fout: dict[str, Any] | None = None
) -> HttpResponse:
    fout = fout or {}
    regelingen = lezen.regelingen()
    recht = rechten(request.user, "aanvraag_status", "aanvraag_indienen", "deal_aanmaken")
    mag_status = recht["aanvraag_status"]

    def statusformulier(a: lezen.Aanvraagregel) -> f.AanvraagStatusFormulier | None:
        if fout.get("fout_id") == a.id:
            return cast(f.AanvraagStatusFormulier, fout["foutformulier"])
        return f.AanvraagStatusFormulier(aanvraag=a) if mag_status and a.overgangen else None

    context: dict[str, Any] = {
        "tabellen": [(r, [(a, statusformulier(a)) for a in r.aanvragen]) for r in regelingen],
        "deals": lezen.deals(),
        "tellingen": lezen.aanvraagtellingen(regelingen),
        "melding": _melding(request),
    }
    if recht["aanvraag_indienen"] and regelingen:
        keuzes = [(r.id, r.naam) for r in regelingen]
        context["aanvraagformulier"] = fout.get("aanvraagformulier") or f.AanvraagFormulier(regelingen=keuzes)
    if recht["deal_aanmaken"]:
        context["dealformulier"] = fout.get("dealformulier") or f.DealFormulier()
    return render(request, "site/aanvragen.html", context, status=status)


@pagina
@require_POST
def aanvraag_opslaan(request: HttpRequest) -> HttpResponse:
    keuzes = list(m.Regeling.objects.order_by("naam").values_list("id", "naam"))
    formulier = f.AanvraagFormulier(request.POST, regelingen=keuzes)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        return render(
            request, "site/_aanvraag_formulier.html", {"aanvraagformulier": formulier}, status=status
        )

    def pagina_(s: int) -> HttpResponse:
        return _aanvragenpagina(request, s, {"aanvraagformulier": formulier})

    return _schrijfantwoord(
        request, formulier, status, "aanvraag", "/monitoring/subsidies/", fragment, pagina_
    )


@pagina
@require_POST
def aanvraag_status_opslaan(request: HttpRequest, pk: int) -> HttpResponse:
    a = m.Aanvraag.objects.select_related("regeling").filter(pk=pk).first()
    if a is None:
        raise Http404(f"Aanvraag {pk} bestaat niet (meer).")
    regel = lezen.aanvraagregel(a, a.regeling)
    formulier = f.AanvraagStatusFormulier(request.POST, aanvraag=a)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        context = {"a": regel, "formulier": formulier}
        return render(request, "site/_aanvraagstatus_formulier.html", context, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _aanvragenpagina(request, s, {"fout_id": pk, "foutformulier": formulier})

    return _schrijfantwoord(
        request, formulier, status, regel.vak, "/monitoring/subsidies/", fragment, pagina_
    )


@pagina
@require_POST
def deal_opslaan(request: HttpRequest) -> HttpResponse:
    formulier = f.DealFormulier(request.POST)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        return render(request, "site/_deal_formulier.html", {"dealformulier": formulier}, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _aanvragenpagina(request, s, {"dealformulier": formulier})

    return _schrijfantwoord(request, formulier, status, "deal", "/monitoring/subsidies/", fragment, pagina_)


@pagina
def lessen(request: HttpRequest) -> HttpResponse:
    """The lerend netwerk: search (htmx swaps the list) and, for who may, a form for a new lesson."""
    return _lessenpagina(request)


def _lessenpagina(
    request: HttpRequest, status: int = 200, formulier: f.LesFormulier | None = None
) -> HttpResponse:
    zoek = f.LessenZoeken(request.GET if formulier is None else {})
    if not zoek.is_valid():
        status = 400
    context: dict[str, Any] = {
        "zoek": zoek,
        "lessen": lezen.lessen(zoek.cleaned_data["q"], zoek.cleaned_data["soort"]) if zoek.is_valid() else [],
        "melding": _melding(request),
    }
    if request.headers.get("HX-Request") and formulier is None:
        return render(request, "site/_lessen_lijst.html", context, status=status)
    eigen = lezen.aanpakken_voor(request.user, "les_toevoegen")
    publiceren = mag(request.user, "publiceren")
    context["formulier"] = formulier or (
        f.LesFormulier(aanpakken=eigen, publiceren=publiceren) if eigen.exists() else None
    )
    return render(request, "site/lessen.html", context, status=status)


@pagina
@require_POST
def les_opslaan(request: HttpRequest) -> HttpResponse:
    eigen = lezen.aanpakken_voor(request.user, "les_toevoegen")
    publiceren = mag(request.user, "publiceren")
    formulier = f.LesFormulier(request.POST, aanpakken=eigen, publiceren=publiceren)
    status = formulier.verwerk(request.user)

    def fragment() -> HttpResponse:
        context = {
            "formulier": formulier
            if status != 200
            else f.LesFormulier(aanpakken=eigen, publiceren=publiceren),
            "melding": _melding_bij(None, "les", formulier.melding),
        }
        return render(request, "site/_les_formulier.html", context, status=status)

    def pagina_(s: int) -> HttpResponse:
        return _lessenpagina(request, s, formulier)

    return _schrijfantwoord(request, formulier, status, "les", "/monitoring/lessen/", fragment, pagina_)


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
        delen = ("effect", a.pk, indicator, start, methode, pc.gegevensversie(), pc.monitoringrevisie())
        rapport = pc.bewaard(delen, lambda: pdf_effect({"a": a, "inhoud": inhoud}))
        return _pdf(rapport, f"effect-{a.pk}-{indicator}-{start}-{methode}.pdf")
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
