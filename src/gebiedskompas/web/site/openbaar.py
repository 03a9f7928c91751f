"""The public, read-only part of the site under ``/open/``: no login, no forms, no cookies.

Only what is marked public is reachable: analyses with ``openbaar.json`` (``opendata.publicatie``),
programmes and lessons with ``openbaar=True``. Anything else, also a guessed address, gives the
Dutch 404 without saying whether it exists. Pages are the same for every visitor, so they are
cached per address; the key holds the store version, the saved analyses (publishing touches the
result file) and the monitoring revision, so a change shows at once.

Also the publish/withdraw action on the (logged-in) analysis page, for analist and beheerder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ... import opendata, presentatie
from ...errors import InvoerFout
from ...opmaak import als_json, getal, procent
from ...opslag import Opslag
from ..monitoring import diensten as d
from ..monitoring import lezen, revisie
from ..monitoring import models as m
from ..monitoring.rollen import rol_van
from . import runs
from .pdf import analyseinhoud

View = Callable[..., HttpResponse]
NIET_GEVONDEN = "Deze pagina bestaat niet of is niet openbaar."
PUBLICEERDERS = ("beheerder", "analist")


def openbare_pagina(view: View) -> View:
    """No login; GET only; cached per address (the same for everyone); the Dutch 404 for anything
    that is not public. Rendered as for an anonymous visitor, also when someone is logged in."""

    @wraps(view)
    def omhulsel(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405)
        if request.GET:  # the public pages read no query parameters: rendered, never cached
            return _zonder_cache(view, request, *args, **kwargs)
        sleutel = _cachesleutel(request)
        bewaard = cache.get(sleutel)
        if bewaard is not None:
            return _antwoord(*bewaard)
        antwoord = _zonder_cache(view, request, *args, **kwargs)
        if antwoord.status_code == 200:
            cache.set(sleutel, (antwoord.content, antwoord["Content-Type"]), 600)
        return antwoord

    return omhulsel


def _zonder_cache(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        return view(request, *args, **kwargs)
    except Http404:
        return _render(request, "site/open_fout.html", {"titel": "Niet gevonden", "fout": NIET_GEVONDEN}, 404)


def _antwoord(inhoud: bytes, soort: str) -> HttpResponse:
    return HttpResponse(inhoud, content_type=soort)


def _cachesleutel(request: HttpRequest) -> str:
    analyses = runs.runmap()
    handtekening = [(n, (analyses / n / "resultaat.json").stat().st_mtime_ns) for n in runs.namen()]
    delen = (
        request.path,
        Opslag(d.toestand_map()).huidige_versie(),
        handtekening,
        revisie.huidige(),
    )
    return "open:" + hashlib.sha256(repr(delen).encode()).hexdigest()


def _render(request: HttpRequest, sjabloon: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    # an explicit anonymous user: no menu, nothing of whoever happens to be logged in
    return render(request, sjabloon, {**context, "user": AnonymousUser()}, status=status)


# --- reads -----------------------------------------------------------------------------------


def _openbare_run(naam: str) -> runs.Run:
    # only names of saved analyses reach the file system (a 3 000-character name cannot be stat'ed)
    if naam not in runs.namen() or opendata.publicatie(runs.runmap(), naam) is None:
        raise Http404(NIET_GEVONDEN)
    return runs.laad(naam)


def _openbare_aanpakken() -> list[lezen.Programma]:
    openbaar = set(m.Gebiedsaanpak.objects.filter(openbaar=True).values_list("pk", flat=True))
    return [p for p in lezen.programmas() if p.id in openbaar]


def _openbare_lessen() -> list[m.Les]:
    return list(m.Les.objects.filter(openbaar=True).select_related("aanpak"))


def _uitgever() -> str:
    return opendata.uitgever(runs.runmap(), d.toestand())


# --- pages -----------------------------------------------------------------------------------


@openbare_pagina
def index(request: HttpRequest) -> HttpResponse:
    analyses = [runs.laad(n) for n in opendata.openbare_namen(runs.runmap())]
    return _render(
        request,
        "site/open_index.html",
        {
            "analyses": [
                {"naam": r.naam, "titel": r.methode["titel"], "gebieden": len(r.gebieden)} for r in analyses
            ],
            "aanpakken": _openbare_aanpakken(),
            "lessen": _openbare_lessen()[:5],
            "uitgever": _uitgever(),
        },
    )


@openbare_pagina
def analyse(request: HttpRequest, naam: str) -> HttpResponse:
    r = _openbare_run(naam)
    g = r.gebieden.sort_values("rang", kind="stable")
    rijen = [
        {
            "naam": rij["naam"],
            "code": rij["code"],
            "rang": getal(rij["rang"], 0),
            "score": getal(rij["composiet"]),
            "groep": rij["groep"],
            "kans": procent(rij["kans_op_selectie"] * 100, 0) if r.heeft_robuustheid else None,
        }
        for rij in g.to_dict("records")
    ]
    inhoud = analyseinhoud(r)
    return _render(
        request,
        "site/open_analyse.html",
        {
            "naam": r.naam,
            "methode": r.methode,
            "keuzes": inhoud["keuzes"],
            "toelichting": inhoud["toelichting"],
            "gegevens": [
                {"url": b.get("@id", ""), "titel": b["dc:title"], "versie": b["schema:version"]}
                for b in opendata.bronnen(r.resultaat["runrecord"]["gegevens"])
            ],
            "indicatoren": [
                (t["label"], presentatie_label(i["id"])) for t in r.methode["thema"] for i in t["indicator"]
            ],
            "rijen": rijen,
            "robuust": r.heeft_robuustheid,
            "tijdstip": inhoud.get("tijdstip", ""),
            "publicatie": opendata.publicatie(runs.runmap(), naam),
            "uitgever": _uitgever(),
        },
    )


def presentatie_label(indicator: str) -> str:
    from ...catalogus import catalogus

    ind = catalogus().get(indicator)
    return ind.label if ind else indicator


@openbare_pagina
def aanpak(request: HttpRequest, pk: int) -> HttpResponse:
    if not m.Gebiedsaanpak.objects.filter(pk=pk, openbaar=True).exists():
        raise Http404(NIET_GEVONDEN)
    p = lezen.programma(pk)
    toestand = d.toestand()
    return _render(
        request,
        "site/open_aanpak.html",
        {
            "p": p,
            "gemeente": opendata.regionamen(toestand, [p.gemeente])[0][1],
            "gebieden": opendata.regionamen(toestand, p.regiocodes),
            "lessen": [les for les in _openbare_lessen() if les.aanpak_id == pk],
        },
    )


@openbare_pagina
def lessen(request: HttpRequest) -> HttpResponse:
    return _render(request, "site/open_lessen.html", {"lessen": _openbare_lessen()})


@openbare_pagina
def data(request: HttpRequest, pad: str) -> HttpResponse:
    """One file of the open-data export, at its stable address under ``/open/data/``."""
    if pad.startswith("analyse/") and pad.endswith(".geojson"):
        return _kaartlaag(pad.removeprefix("analyse/").removesuffix(".geojson"))
    adres = request.build_absolute_uri("/open/data/")
    gevonden = opendata.bestand(runs.runmap(), d.toestand(), adres, _uitgever(), pad)
    if gevonden is None:
        raise Http404(NIET_GEVONDEN)
    soort = gevonden.mediatype + ("; charset=utf-8" if gevonden.mediatype.startswith("text/") else "")
    return HttpResponse(gevonden.inhoud, content_type=soort)


def _kaartlaag(naam: str) -> HttpResponse:
    """The map of a public analysis as GeoJSON, with only the public programmes' areas."""
    r = _openbare_run(naam)
    programma = presentatie.programmagrenzen(m.Gebiedsaanpak.objects.filter(openbaar=True).order_by("naam"))
    try:
        geo = presentatie.kaart_geojson(
            r,
            opslag=Opslag(d.toestand_map()),
            toestand=d.toestand(),
            register=d.register(),
            programma=programma,
        )
    except InvoerFout as e:
        raise Http404(NIET_GEVONDEN) from e
    inhoud = json.dumps(als_json(geo), ensure_ascii=False).encode()
    return HttpResponse(inhoud, content_type="application/geo+json")


# --- publishing (logged in) ------------------------------------------------------------------


@login_required
@require_POST
def publiceren(request: HttpRequest, run: str) -> HttpResponse:
    """Publish (``actie=publiceer``) or withdraw (``actie=intrekken``) a saved analysis."""
    if rol_van(request.user) not in PUBLICEERDERS:
        return render(request, "site/403.html", status=403)
    runs.laad(run)
    analyses: Path = runs.runmap()
    if request.POST.get("actie") == "intrekken":
        opendata.trek_in(analyses, run)
    else:
        opendata.publiceer(analyses, run, door=request.user.get_username())
    return redirect(f"/analyse/{run}/")
