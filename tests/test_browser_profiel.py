"""The area profile with charts (issue 5/8, point 8), in Debian's chromium: trend charts with their
text and table, the reference group switch, the hierarchy links, axe-core with the charts on the
page, no sideways scrolling on a phone, and the same charts in the PDF. Screenshots go to
/tmp/profiel-schermen/ for a person to look at."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browserhulp import axe as _axe
from .browserhulp import chromium
from .browserhulp import log_in as _login
from .webhulp import gebruikers_en_voorbeeld

pytestmark = [pytest.mark.django_db(transaction=True)]
DORPEN = "dorpen-2020-gemeente"
SCHERMEN = Path("/tmp/profiel-schermen")
BREED: Any = {"width": 1280, "height": 900}
SMAL: Any = {"width": 390, "height": 844}
ERVAREN = "gezondheid_gemeente.ervaren_gezondheid_goed.18plus"


@pytest.fixture
def pagina(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[tuple[Any, list[str], str]]:
    """A logged-in analyst's page on the live server; requests elsewhere are refused and listed."""
    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    with chromium(live_server.url, viewport=BREED, device_scale_factor=1, accept_downloads=True) as (
        c,
        extern,
    ):
        page = c.new_page()
        _login(page, live_server.url, "analist")
        yield page, extern, live_server.url


def _scherm(page: Any, naam: str) -> None:
    SCHERMEN.mkdir(exist_ok=True)
    page.screenshot(path=str(SCHERMEN / f"{naam}.png"), full_page=True)


def _trend(page: Any, indicator: str) -> Any:
    return page.locator(f"section.trendblok[data-indicator='{indicator}']")


def _referentiekop(page: Any) -> str:
    """The header of the reference column of the first trend table."""
    return str(page.locator("section.trendblok table thead th").nth(3).inner_text())


def test_profile_trends_reference_group_and_hierarchy(pagina: tuple[Any, list[str], str]) -> None:
    page, extern, basis = pagina
    page.goto(f"{basis}/gebied/GM0889/?run={DORPEN}")

    # trend charts: an image named by its heading and text, with a table of the waves
    blokken = page.locator("section.trendblok")
    assert blokken.count() >= 3
    for i in range(blokken.count()):
        blok = blokken.nth(i)
        svg = blok.locator("svg[role=img]")
        assert svg.count() == 1 and svg.is_visible()
        titel, beschrijving = str(svg.get_attribute("aria-labelledby")).split()
        assert (
            blok.locator(f"#{titel}").inner_text() and "Van " in blok.locator(f"#{beschrijving}").inner_text()
        )
        assert blok.locator("table tbody tr").count() >= 2
        assert "Bron: " in blok.locator(".bronregel").inner_text()
    ervaren = _trend(page, ERVAREN)
    assert _referentiekop(page) == "Nederland"
    rij_2022 = ervaren.locator("tbody tr", has_text="2022").inner_text()
    assert "70,0%" in rij_2022  # the published NL value of 85563NED
    assert "Beesel" in ervaren.locator("figcaption").inner_text()
    # the profile chart draws error bars where the source has margins and cites its sources
    profieltabel = page.locator("section.grafiekblok table")
    assert "CBS, RIVM en GGD'en, tabel 85012NED, 2020" in profieltabel.inner_text()
    assert page.locator(".profielgrafiek .beeld-breed svg g.margekap_onder_marks path").count() == 3
    assert _axe(page) == []
    _scherm(page, "beesel-1280")

    # the reference group switch (a GET form) changes the reference column and keeps the analysis
    page.select_option("#referentie", "stedelijkheid")
    page.click("form.referentiekeuze button")
    page.wait_for_url("**referentie=stedelijkheid**")
    assert f"run={DORPEN}" in page.url
    assert _referentiekop(page) == "Gemeenten die weinig stedelijk zijn"
    assert "70,0%" not in _trend(page, ERVAREN).locator("tbody tr", has_text="2022").inner_text()
    assert "gewogen gemiddelde" in page.locator(".referentie-uitleg").inner_text()
    page.select_option("#referentie", "parkstad")
    page.click("form.referentiekeuze button")
    page.wait_for_url("**referentie=parkstad**")
    assert _referentiekop(page) == "Parkstad Limburg"

    # links up (breadcrumb) and down (the wijken of the gemeente)
    kruimel = page.locator("nav.kruimelpad")
    assert kruimel.locator("a[href^='/gebied/PV31/']").inner_text().endswith("Limburg")
    wijken = page.locator("section.onderliggend a")
    assert wijken.count() >= 2 and page.locator("section.onderliggend a[href^='/gebied/WK0889']").count() >= 2

    # a wijk of Heerlen: up to Heerlen and Limburg, down to its buurten, Leefbaarometer series
    page.goto(f"{basis}/gebied/WK091733/")
    assert page.locator("nav.kruimelpad a[href='/gebied/GM0917/']").inner_text().endswith("Heerlen")
    assert page.locator("section.onderliggend a[href='/gebied/BU09173300/']").count() == 1
    lbm = _trend(page, "leefbaarometer.lbm")
    assert lbm.locator("tbody tr").count() == 8  # 2002 … 2022
    assert _axe(page) == []
    _scherm(page, "wijk-heerlen-centrum-1280")

    # a buurt: up to its wijk, no list down
    page.click("section.onderliggend a[href='/gebied/BU09173300/']")
    page.wait_for_url(f"{basis}/gebied/BU09173300/")
    assert page.locator("nav.kruimelpad a[href='/gebied/WK091733/']").count() == 1
    assert page.locator("section.onderliggend").count() == 0
    assert page.locator("section.trendblok").count() >= 1
    assert _axe(page) == []
    _scherm(page, "buurt-heerlen-centrum-1280")

    # on a phone nothing scrolls sideways
    page.set_viewport_size(SMAL)
    for adres, naam in (
        (f"/gebied/GM0889/?run={DORPEN}", "beesel"),
        ("/gebied/WK091733/", "wijk-heerlen-centrum"),
        ("/gebied/BU09173300/", "buurt-heerlen-centrum"),
    ):
        page.goto(basis + adres)
        assert page.locator("section.trendblok svg[role=img]").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, adres
        _scherm(page, f"{naam}-390")
    assert extern == []


def test_the_pdf_holds_the_same_charts(pagina: tuple[Any, list[str], str]) -> None:
    from pypdf import PdfReader

    page, extern, basis = pagina
    page.goto(f"{basis}/gebied/GM0889/?run={DORPEN}&referentie=stedelijkheid")
    link = page.locator("a", has_text="Gebiedsprofiel als PDF")
    assert "referentie=stedelijkheid" in str(link.get_attribute("href"))
    with page.expect_download() as download:
        link.click()
    inhoud = Path(download.value.path()).read_bytes()
    SCHERMEN.mkdir(exist_ok=True)
    (SCHERMEN / "gebiedsprofiel-GM0889.pdf").write_bytes(inhoud)
    tekst = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(inhoud)).pages).split())
    assert "Indicatoren tegen de benchmark" in tekst
    assert "Ontwikkeling per meting tegen gemeenten die weinig stedelijk zijn" in tekst
    assert "Van 2020 tot 2022 is ervaren gezondheid goed of zeer goed" in tekst
    assert "Tabel bij de grafiek" in tekst and "CBS, RIVM en GGD'en, tabel 85563NED, 2022" in tekst
    assert extern == []
