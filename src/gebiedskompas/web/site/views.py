"""Server-rendered pages (NL Design System CSS, htmx, MapLibre). Every page needs a login and a role."""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

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
from .pdf import pdf_analyse, pdf_gebied

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
