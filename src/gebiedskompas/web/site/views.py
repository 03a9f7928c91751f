"""Server-rendered pages (NL Design System CSS, htmx, MapLibre). Every page needs a login and a role."""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie

from ...catalogus import catalogus
from ...codes import niveau_van, normaliseer
from ...grenskeuze import (
    Grenskeuze,
    bronvermelding,
    dekking,
    heel_getal,
    kies_grenzen,
    meervoud,
    ontleed_sleutel,
)
from ...opslag import Opslag
from ...register import STEDELIJKHEID_LABELS
from ..monitoring import diensten as d
from ..monitoring import models as m
from ..monitoring import revisie
from ..monitoring.paragraaf import als_html, maak_paragraaf
from ..monitoring.rollen import mag, rol_van
from . import runs
from .pdf import pdf_analyse, pdf_effect, pdf_gebied

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
            return view(request, *args, **kwargs)
        sleutel = _cachesleutel(request, rol)
        bewaard = cache.get(sleutel)
        if bewaard is not None:
            return HttpResponse(bewaard[0], content_type=bewaard[1])
        antwoord = view(request, *args, **kwargs)
        soort = antwoord.get("Content-Type", "")
        if (
            antwoord.status_code == 200
            and not antwoord.has_header("Content-Disposition")
            and (soort.startswith("text/html") or soort.startswith("application/json"))
        ):
            cache.set(sleutel, (antwoord.content, soort), 600)
        return antwoord

    return omhulsel


def _cachesleutel(request: HttpRequest, rol: str) -> str:
    analyses = runs.runmap()
    handtekening = [(n, (analyses / n / "resultaat.json").stat().st_mtime_ns) for n in runs.namen()]
    delen = (
        request.get_full_path(),
        rol,
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
    return render(
        request,
        "site/index.html",
        {
            "analyses": [runs.laad(n) for n in runs.namen()],
            "kaders": m.Beleidskader.objects.all(),
            "producten": m.Product.objects.all(),
            "rol": rol_van(request.user),
        },
    )


# --- analysis -----------------------------------------------------------------------------------


@pagina
def analyse(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    record = r.resultaat["runrecord"]
    return render(
        request,
        "site/analyse.html",
        {
            "run": r,
            "methode": r.methode,
            "record": record,
            "samenhang": r.resultaat["samenhang"],
            "gevoeligheid": r.resultaat["gevoeligheid"],
            "wal": r.resultaat.get("tussen_wal_en_schip"),
            "indicatorlabels": {i["id"]: _label(i["id"]) for t in r.methode["thema"] for i in t["indicator"]},
            "groepen": r.gebieden["groep"].value_counts().to_dict(),
        },
    )


def _gefilterd(r: runs.Run, request: HttpRequest) -> pd.DataFrame:
    g = r.gebieden
    if request.GET.get("stedelijkheid"):
        g = g[g["stedelijkheid"] == float(request.GET["stedelijkheid"])]
    if request.GET.get("groep"):
        g = g[g["groep"] == request.GET["groep"]]
    if request.GET.get("gemeente"):
        g = g[g["gemeente"] == request.GET["gemeente"]]
    sorteer = request.GET.get("sorteer", "rang")
    if sorteer.lstrip("-") in g.columns:
        g = g.sort_values(sorteer.lstrip("-"), ascending=not sorteer.startswith("-"), na_position="last")
    return g


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
    r = runs.laad(run)
    g = _gefilterd(r, request)
    formaat = request.GET.get("formaat")
    if formaat in ("csv", "xlsx"):
        return _download(g, f"ranglijst-{run}", formaat)
    context = {
        "run": r,
        "rijen": _rijen(g, r),
        "kolommen": KOLOMMEN,
        "sorteer": request.GET.get("sorteer", "rang"),
        "filters": request.GET,
        "klassen": sorted({int(k) for k in r.gebieden["stedelijkheid"].dropna()}),
        "groepen": sorted(r.gebieden["groep"].unique()),
        "gemeenten": sorted(r.gebieden["gemeente"].dropna().unique()),
    }
    sjabloon = "site/_ranglijst_rijen.html" if request.headers.get("HX-Request") else "site/ranglijst.html"
    return render(request, sjabloon, context)


def _rijen(g: pd.DataFrame, r: runs.Run) -> list[dict[str, Any]]:
    uit = []
    for rij in g.itertuples():
        interval = f"{_getal(rij.rang_p05, 0)}–{_getal(rij.rang_p95, 0)}" if r.heeft_robuustheid else "–"
        uit.append(
            {
                "code": rij.code,
                "naam": rij.naam,
                "rang": _getal(rij.rang, 0),
                "interval": interval,
                "stedelijkheid": _getal(rij.stedelijkheid, 0),
                "score": _getal(rij.composiet),
                "groep": rij.groep,
                "kans": f"{rij.kans_op_selectie:.0%}" if r.heeft_robuustheid else "–",
            }
        )
    return uit


def _download(g: pd.DataFrame, naam: str, formaat: str) -> HttpResponse:
    from ...analyse.uitvoer import KOPPEN

    tabel = g.rename(columns=KOPPEN)
    if formaat == "csv":
        antwoord = HttpResponse(
            tabel.to_csv(index=False, sep=";", decimal=","), content_type="text/csv; charset=utf-8"
        )
    else:
        buffer = io.BytesIO()
        tabel.to_excel(buffer, index=False, engine="xlsxwriter")
        antwoord = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}.{formaat}"'
    return antwoord


# --- map --------------------------------------------------------------------------------------


def _lagen(r: runs.Run) -> list[tuple[str, str]]:
    lagen = [("composiet", "Samengestelde score")]
    lagen += [(f"thema_{t['id']}", f"Thema: {t['label']}") for t in r.methode["thema"]]
    lagen += [(f"indicator:{i['id']}", _label(i["id"])) for t in r.methode["thema"] for i in t["indicator"]]
    return lagen


@pagina
def kaart(request: HttpRequest, run: str) -> HttpResponse:
    r = runs.laad(run)
    laag = request.GET.get("laag", "composiet")
    waarden = _laagwaarden(r, laag)
    breuken = _klassegrenzen(waarden["waarde"])
    keuze, getekend = _grenskeuze(r)
    rijen = waarden.to_dict("records")
    for rij in rijen:
        rij["op_kaart"] = rij["code"] in getekend
    niveau = r.methode["scope"]["niveau"]
    return render(
        request,
        "site/kaart.html",
        {
            "run": r,
            "laag": laag,
            "lagen": _lagen(r),
            "rijen": rijen,
            "breuken": breuken,
            "benchmark": waarden["benchmark"].dropna().median()
            if waarden["benchmark"].notna().any()
            else None,
            "getal": _getal,
            "keuze": keuze,
            "dekking": dekking(keuze)
            if keuze is not None
            else f"Geen grenzen van {meervoud(niveau)} in de opslag; de tabel toont alle "
            f"{heel_getal(r.gebieden['code'].nunique())} {meervoud(niveau)}",
            "bron": bronvermelding(keuze),
        },
    )


def _laagwaarden(r: runs.Run, laag: str) -> pd.DataFrame:
    g = r.gebieden.set_index("code")
    if laag == "composiet":
        w, bench = g["composiet"], g["benchmark_composiet"]
        onder = boven = pd.Series(np.nan, index=g.index)
    elif laag.startswith("thema_") and laag in g.columns:
        th = r.themas[r.themas["thema"] == laag.removeprefix("thema_")].set_index("code")
        w, bench = th["score"], th["benchmark"]
        onder = boven = pd.Series(np.nan, index=th.index)
    elif laag.startswith("indicator:"):
        ind = r.indicatoren[r.indicatoren["indicator"] == laag.removeprefix("indicator:")].set_index("code")
        if ind.empty:
            raise Http404("onbekende laag")
        w, bench, onder, boven = ind["waarde"], ind["benchmark"], ind["onder"], ind["boven"]
    else:
        raise Http404("onbekende laag")
    frame = pd.DataFrame({"waarde": w, "benchmark": bench, "onder": onder, "boven": boven})
    frame = frame.join(g[["naam", "groep", "rang"]], how="left").reset_index(names="code")
    return frame.sort_values("rang", na_position="last")


def _klassegrenzen(waarden: pd.Series, aantal: int = 5) -> list[float]:
    bekend = waarden.dropna()
    if bekend.empty:
        return []
    return [float(x) for x in np.quantile(bekend, np.linspace(0, 1, aantal + 1))]


@pagina
def kaart_geo(request: HttpRequest, run: str) -> JsonResponse:
    return JsonResponse(kaart_geojson(runs.laad(run), request.GET.get("laag", "composiet")))


def kaart_geojson(r: runs.Run, laag: str = "composiet") -> dict[str, Any]:
    """Boundaries of the vintage that draws most of the run's areas, with the layer's value,
    benchmark, margins and group; the chosen vintage and programme areas listed."""
    waarden = _laagwaarden(r, laag).set_index("code")
    keuze, _ = _grenskeuze(r)
    features = []
    for f in _grenzen(keuze, set(r.gebieden["provincie"].dropna()), set(waarden.index)):
        code = f["properties"]["code"]
        eig = {"code": code, "naam": f["properties"]["naam"]}
        if code in waarden.index:
            rij = waarden.loc[code]
            eig |= {
                "waarde": _json(rij["waarde"]),
                "benchmark": _json(rij["benchmark"]),
                "onder": _json(rij["onder"]),
                "boven": _json(rij["boven"]),
                "groep": rij["groep"],
            }
        features.append({"type": "Feature", "properties": eig, "geometry": f["geometry"]})
    indeling = None
    if keuze is not None:
        indeling = {
            "sleutel": keuze.sleutel,
            "jaar": keuze.jaar,
            "benaderd": keuze.benaderd,
            "getekend": keuze.getekend,
            "zonder_grens": keuze.zonder_grens,
            "tekst": dekking(keuze),
        }
    return {
        "type": "FeatureCollection",
        "features": features,
        "indeling": indeling,
        "bron": bronvermelding(keuze),
        "programma": _programmagrenzen(),
    }


def _json(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _grenskeuze(r: runs.Run) -> tuple[Grenskeuze | None, frozenset[str]]:
    """The vintage of the run's level that matches most of its codes, and the codes it can draw."""
    niveau = r.methode["scope"]["niveau"]
    beschikbaar = {
        sleutel: _grenscodes(naam)
        for sleutel, naam in d.toestand().grenzen.items()
        if (ontleed := ontleed_sleutel(sleutel)) is not None and ontleed.niveau == niveau
    }
    codes = set(r.gebieden["code"])
    keuze = kies_grenzen(codes, niveau, beschikbaar, int(r.methode["scope"]["periode"][:4]))
    if keuze is None:
        return None, frozenset()
    return keuze, frozenset(codes) & beschikbaar[keuze.sleutel]


def _grenscodes(naam: str) -> frozenset[str]:
    """Codes in a stored boundary file. Boundary objects are content-addressed and never rewritten,
    and ``d.toestand()`` (which names them) is cached per store version, so each file is read once
    per process rather than on every request."""
    return _codes_in_object(str(Opslag(d.toestand_map()).objecten / naam))


@lru_cache(maxsize=64)
def _codes_in_object(pad: str) -> frozenset[str]:
    return frozenset(f["properties"]["code"] for f in _lees_object(pad)["features"])


def _lees_object(pad: str) -> dict[str, Any]:
    inhoud: dict[str, Any] = json.loads(Path(pad).read_text(encoding="utf-8"))
    return inhoud


def _grenzen(keuze: Grenskeuze | None, provincies: set[str], codes: set[str]) -> list[dict[str, Any]]:
    """Boundaries of the chosen vintage: the run's own areas plus, for context, the other areas of
    its provinces (drawn without a value)."""
    if keuze is None:
        return []
    naam = d.toestand().grenzen.get(keuze.sleutel)
    if naam is None:
        return []
    geo = _lees_object(str(Opslag(d.toestand_map()).objecten / naam))
    gemeenten = _gemeenten_in(provincies)
    return [
        f
        for f in geo["features"]
        if not gemeenten
        or f["properties"]["code"] in codes
        or "GM" + f["properties"]["code"][2:6] in gemeenten
    ]


def _gemeenten_in(provincies: set[str]) -> set[str]:
    if not provincies:
        return set()
    t = d.register().tabel
    return set(t[(t["niveau"] == "gemeente") & t["provincie"].isin(provincies)]["code"])


def _programmagrenzen() -> list[dict[str, Any]]:
    uit = []
    for a in m.Gebiedsaanpak.objects.all():
        uit.append({"naam": a.naam, "codes": a.regiocodes})
    return uit


# --- area profile ----------------------------------------------------------------------------------


@pagina
def gebied(request: HttpRequest, code: str) -> HttpResponse:
    code = normaliseer(code)
    if niveau_van(code) is None:
        raise Http404("geen geldige regiocode")
    toestand = d.toestand()
    register = d.register()
    profiel = (
        register.profiel(code)
        if register.bestaat(code)
        else {"code": code, "naam": code, "ouders": [], "per_jaar": []}
    )
    gekozen = request.GET.get("run")
    run = next(
        (
            runs.laad(n)
            for n in ([gekozen] if gekozen else runs.namen())
            if code in set(runs.laad(n).gebieden["code"])
        ),
        None,
    )
    context: dict[str, Any] = {
        "code": code,
        "profiel": profiel,
        "run": run,
        "getal": _getal,
        "stedelijkheid": STEDELIJKHEID_LABELS,
        "trend": _trend(toestand, code),
    }
    if run is not None:
        context |= _run_profiel(run, code)
    context["aanpakken"] = [
        a
        for a in m.Gebiedsaanpak.objects.prefetch_related(
            "fasen", "partners", "interventies", "lessen", "doelen"
        )
        if code in a.regiocodes or code == a.gemeente
    ]
    return render(request, "site/gebied.html", context)


def _run_profiel(run: runs.Run, code: str) -> dict[str, Any]:
    rij = run.gebieden[run.gebieden["code"] == code].iloc[0]
    ind = run.indicatoren[run.indicatoren["code"] == code].copy()
    ind["label"] = ind["indicator"].map(_label)
    schaal = float(
        np.nanmax(np.abs(np.concatenate([ind["waarde"].to_numpy(), ind["benchmark"].to_numpy()]))) or 1
    )
    ind["breedte"] = (ind["waarde"] / schaal * 100).clip(0, 100).fillna(0)
    ind["bench_breedte"] = (ind["benchmark"] / schaal * 100).clip(0, 100).fillna(0)
    return {
        "gebied_rij": rij,
        "indicatoren": ind.to_dict("records"),
        "themas": run.themas[run.themas["code"] == code].to_dict("records"),
    }


def _trend(toestand: Any, code: str) -> dict[str, Any]:
    """Indicators with more than one period, on one area classification (``reeks``): values of
    merged gemeenten are combined from their predecessors and get a footnote with the method."""
    from ...errors import GebiedskompasFout
    from ...reeks import reeks

    try:
        r = reeks(toestand, code, register=d.register())
    except GebiedskompasFout:
        return {"indeling": None, "indicatoren": [], "voetnoten": []}
    voetnoten: dict[str, int] = {}
    indicatoren = []
    for _, g in r.waarden[r.waarden["waarde"].notna()].groupby("indicator", sort=False):
        if g["periode"].nunique() < 2:
            continue
        punten = []
        for rij in g.itertuples():
            tekst = ("geharmoniseerd: " if rij.geharmoniseerd else "") + rij.methode
            noot = voetnoten.setdefault(tekst, len(voetnoten) + 1) if rij.methode else None
            punten.append((rij.periode, _getal(rij.waarde, 0 if float(rij.waarde).is_integer() else 2), noot))
        indicatoren.append({"indicator": g["label"].iloc[0], "reeks": punten})
    noten = [(n, t) for t, n in voetnoten.items()]
    return {"indeling": r.indeling, "indicatoren": indicatoren, "voetnoten": noten}


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
    k = get_object_or_404(m.Beleidskader, afkorting=kader)

    def knoop(doel: m.Doel) -> dict[str, Any]:
        return {
            "doel": doel,
            "indicatoren": [{"i": i, "status": d.indicatorstatus(i)} for i in doel.indicatoren.all()],
            "kinderen": [knoop(c) for c in doel.kinderen.all().order_by("code")],
        }

    return render(
        request,
        "site/doelenboom.html",
        {
            "kader": k,
            "boom": [knoop(w) for w in k.doelen.filter(ouder__isnull=True).order_by("code")],
            "mag_meten": mag(request.user, "meting_invoeren"),
        },
    )


@pagina
def paragraaf(request: HttpRequest, product: int) -> HttpResponse:
    p = get_object_or_404(m.Product, pk=product)
    moment, jaar = request.GET.get("moment", "najaarsnota"), int(request.GET.get("jaar", 2025))
    return render(
        request,
        "site/paragraaf.html",
        {
            "product": p,
            "html": als_html(maak_paragraaf(p, moment, jaar)),
            "moment": moment,
            "jaar": jaar,
            "momenten": m.MOMENTEN,
        },
    )


@pagina
def aanpakken(request: HttpRequest) -> HttpResponse:
    lijst = m.Gebiedsaanpak.objects.prefetch_related("fasen", "partners", "interventies").order_by("naam")
    return render(request, "site/aanpakken.html", {"aanpakken": lijst})


@pagina
def aanpak(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(m.Gebiedsaanpak, pk=pk)
    return render(
        request,
        "site/aanpak.html",
        {
            "a": a,
            "fasen": m.FASEN,
            "mag_bewerken": mag(request.user, "fase_toevoegen", a),
            "interventies": m.Interventie.objects.all(),
        },
    )


@pagina
def aanvragen(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/aanvragen.html",
        {
            "regelingen": m.Regeling.objects.prefetch_related("aanvragen"),
            "deals": m.Deal.objects.prefetch_related("ondertekenaars"),
        },
    )


@pagina
def lessen(request: HttpRequest) -> HttpResponse:
    gevonden = d.lessen_zoeken(request.GET.get("q", ""), soort=request.GET.get("soort"))
    context = {
        "lessen": gevonden,
        "q": request.GET.get("q", ""),
        "soorten": m.LESSOORTEN,
        "eigen": [a for a in m.Gebiedsaanpak.objects.all() if mag(request.user, "les_toevoegen", a)],
    }
    sjabloon = "site/_lessen_lijst.html" if request.headers.get("HX-Request") else "site/lessen.html"
    return render(request, sjabloon, context)


# --- effect of a programme ------------------------------------------------------------------------

EFFECT_VERSIE = 1  # part of the cache key of a computed effect page: raise it when its content changes
EFFECT_BEWAARTIJD = 24 * 3600
STANDAARD_EFFECTINDICATOR = "leefbaarometer.lbm"
METHODENAMEN = {"did": "Verschil-in-verschillen", "synthetisch": "Synthetische controle"}
_NIVEAUS_VOOR_EFFECT = {"buurt": ("BU", "WK"), "wijk": ("WK",), "gemeente": ("GM",)}
_NIVEAUWOORD = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}


class _Ongeldig(Exception):
    """A parameter of the effect page that cannot be used; shown in Dutch with status 400."""


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
        for (indicator, voorvoegsel), aantal in golven.items():
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


def _effectparameters(
    a: m.Gebiedsaanpak, vraag: Any, indicatoren: list[tuple[str, str]]
) -> tuple[str, int, str]:
    ids = [i for i, _ in indicatoren]
    if not ids:
        raise _Ongeldig(
            "Voor de gebieden van deze aanpak staat geen indicator met metingen in meer dan één jaar in de "
            "opslag; een effect is dan niet te meten."
        )
    indicator = vraag.get("indicator") or (
        STANDAARD_EFFECTINDICATOR if STANDAARD_EFFECTINDICATOR in ids else ids[0]
    )
    if indicator not in ids:
        raise _Ongeldig(
            f"Onbekende indicator '{indicator}' voor deze aanpak: kies een indicator uit de lijst "
            "(indicatoren met metingen in meer dan één jaar op het niveau van de gebieden)."
        )
    ruw = str(vraag.get("start") or _standaardstart(a)).strip()
    if not ruw.isdigit() or not 1900 <= int(ruw) <= 2100:
        raise _Ongeldig(
            f"Het startjaar moet een jaartal tussen 1900 en 2100 zijn, bijvoorbeeld 2016 (niet '{ruw}')."
        )
    methode = vraag.get("methode") or "did"
    if methode not in METHODENAMEN:
        raise _Ongeldig(
            f"Onbekende methode '{methode}': kies 'did' (verschil-in-verschillen) of 'synthetisch' "
            "(synthetische controle)."
        )
    return indicator, int(ruw), methode


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
        context = {"a": None, "fout": f"Gebiedsaanpak {pk} bestaat niet (meer)."}
        return render(request, "site/effect.html", context, status=404)
    indicatoren = _effectindicatoren(a)
    context: dict[str, Any] = {
        "a": a,
        "indicatoren": indicatoren,
        "methoden": METHODENAMEN,
        "indicator": request.GET.get("indicator", ""),
        "start": request.GET.get("start", ""),
        "methode": request.GET.get("methode", "did"),
        "standaardstart": _standaardstart(a),
    }
    try:
        indicator, start, methode = _effectparameters(a, request.GET, indicatoren)
    except _Ongeldig as e:
        return render(request, "site/effect.html", {**context, "fout": str(e)}, status=400)
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
