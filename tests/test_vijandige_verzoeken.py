"""Hostile requests: every page and API GET route (taken from Django's URL resolver, Django's own admin
left out), with real and hostile values in the address and hostile query strings, as every role. No
answer may be a 500: a bad value gets a Dutch 4xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gebiedskompas import opendata
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.site import pdfcache

from .webhulp import gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db

# Every name a page or the API reads from its query string (views, forms and API schemas).
PARAMETERS = [
    *["laag", "binnen", "run", "referentie", "a", "b", "sorteer", "stedelijkheid", "groep", "gemeente"],
    *["pagina", "q", "soort", "formaat", "start", "methode", "indicator", "moment", "jaar", "melding"],
    *["aanpak", "thema"],
]
VIJANDIG = [
    "",
    "x" * 5000,
    "\x00",
    "%ff",
    "-1",
    "1e309",
    "nan",
    "<script>alert(1)</script>",
    "../../etc",
    "é€😀",
]
PADWAARDEN = ["onbekend", "..", "x" * 3000, "é€😀", "-1", "GM9999", "BU99999999", "XX", "%00"]
GETALLEN = ["0", "-1", "99999999999999999999", str(2**63)]
ROLLEN = ("anoniem", "lezer", "gebiedscoordinator", "analist", "beheerder")
_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patronen: list[Any], voorvoegsel: str = "") -> Iterator[str]:
    """Every route as text with ``<conv:name>`` parameters; regex routes as their regex."""
    for p in patronen:
        tekst = str(p.pattern)
        if isinstance(p, URLResolver):
            if tekst.startswith("admin/"):
                continue
            yield from _routes(p.url_patterns, voorvoegsel + tekst)
        elif isinstance(p, URLPattern):
            yield voorvoegsel + tekst


def _vul(route: str, echt: dict[str, str], vervang: tuple[str, str] | None = None) -> str | None:
    """The address of a route with its parameters filled in: the real value of each, or ``vervang``
    (name, value) for one. None for a regex route."""
    if route.startswith("^") or "(?P" in route:
        return None

    def waarde(treffer: re.Match[str]) -> str:
        naam = treffer.group(2)
        if vervang is not None and vervang[0] == naam:
            return vervang[1]
        return echt.get(naam, "onbekend")

    return "/" + _PARAMETER.sub(waarde, route)


def _vijandige_vragen(volledig: bool) -> list[dict[str, Any]]:
    waarden = VIJANDIG if volledig else VIJANDIG[1:4]
    vragen: list[dict[str, Any]] = [{p: w for p in PARAMETERS} for w in waarden]
    vragen.append({p: ["1", "2", "<x>"] for p in PARAMETERS})  # repeated keys
    return vragen


def _adressen(echt: dict[str, str], volledig: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(address, query) pairs: each route with real values and every hostile query (``volledig``;
    otherwise a few), and with each parameter in turn set to every hostile value (without a query)."""
    uit: list[tuple[str, dict[str, Any]]] = []
    for route in sorted(set(_routes(get_resolver().url_patterns))):
        adres = _vul(route, echt)
        if adres is None:
            uit += [("/api/x/", {}), ("/api/" + "é/" * 50, {})]
            continue
        uit += [(adres, vraag) for vraag in [{}, *_vijandige_vragen(volledig)]]
        for treffer in _PARAMETER.finditer(route):
            waarden = GETALLEN if treffer.group(1) == "int" else PADWAARDEN
            for w in waarden:
                vijandig = _vul(route, echt, (treffer.group(2), w))
                assert vijandig is not None
                uit.append((vijandig, {}))
    return uit


@pytest.fixture
def echte_waarden(
    settings: Any, web_opslag: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    settings.OPSLAG = web_opslag
    monkeypatch.setattr(pdfcache, "pdfmap", lambda: tmp_path / "pdf")
    gebruikers_en_voorbeeld()
    analyses = web_opslag / "analyses"
    opendata.publiceer(analyses, "dorpen-2020-gemeente", door="test")  # the public pages too
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    product = m.Product.objects.order_by("pk").first()
    kader = m.Beleidskader.objects.order_by("pk").first()
    indicator = m.Indicator.objects.order_by("pk").first()
    assert product and kader and indicator
    yield {
        "run": "dorpen-2020-gemeente",
        "naam": "dorpen-2020-gemeente",
        "code": "GM0889",
        "pk": str(aanpak.pk),
        "product": str(product.pk),
        "kader": kader.afkorting,
        "taak": "onbekend",
        "pad": "analyse/dorpen-2020-gemeente.geojson",
        "bestandsnaam": "onbekend",
    }
    opendata.trek_in(analyses, "dorpen-2020-gemeente")


def _client(rol: str) -> Client:
    c = Client(raise_request_exception=False)
    if rol != "anoniem":
        c.force_login(User.objects.get(username=rol))
    return c


@pytest.mark.parametrize("rol", ROLLEN)
def test_geen_500_voor_vijandige_verzoeken(rol: str, echte_waarden: dict[str, str]) -> None:
    # Every hostile query for the analist (who reaches every page a lezer or coordinator reads, and
    # the workbench); for the other roles every route and path value with a few hostile queries, as
    # what differs per role is the access check in front of the same views. Keeps the suite short.
    c = _client(rol)
    fouten = []
    aantal = 0
    for adres, vraag in _adressen(echte_waarden, volledig=rol == "analist"):
        antwoord = c.get(adres, vraag)
        aantal += 1
        if antwoord.status_code >= 500:
            fouten.append(f"{antwoord.status_code} {adres[:80]} {str(vraag)[:60]}")
    assert aantal > 500
    assert not fouten, f"{len(fouten)} van {aantal} verzoeken gaven een 500:\n" + "\n".join(fouten[:60])


def test_de_routes_zijn_allemaal_gevonden(echte_waarden: dict[str, str]) -> None:
    """Known answer: the enumeration holds pages, the PDFs and the API's GET routes."""
    adressen = {a for a, _ in _adressen(echte_waarden)}
    for verwacht in (
        "/analyse/dorpen-2020-gemeente/ranglijst/",
        "/analyse/dorpen-2020-gemeente/rapport.pdf",
        f"/monitoring/aanpakken/{echte_waarden['pk']}/effect.pdf",
        "/gebied/GM9999/",
        "/open/",
    ):
        assert verwacht in adressen
    assert any(a.startswith("/api/") and "lessen" in a for a in adressen)
