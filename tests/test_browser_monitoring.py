"""Monitoring pages people can work in (issue 12, point 9), in Debian's chromium: forms folded away
until opened, a save with a visible message, a Dutch decimal accepted, badges that say their status in
words, axe-core without violations and no sideways scrolling on a phone. Screenshots go to
GK_SCHERMAFDRUKKEN when set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gebiedskompas.web.monitoring import models as m

from .test_browser import _axe, _login
from .test_browser_vertrouwen import browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pagina(browser: tuple[Any, list[str], str]) -> Iterator[tuple[Any, str, list[str]]]:  # noqa: F811
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "beheerder")
    yield page, basis, extern
    assert extern == []


def _schermafdruk(page: Any, naam: str) -> None:
    map_ = os.environ.get("GK_SCHERMAFDRUKKEN")
    if map_:
        page.screenshot(path=str(Path(map_) / f"{naam}.png"), full_page=True)


def test_a_collapsed_form_opens_saves_and_says_so(pagina: tuple[Any, str, list[str]]) -> None:
    page, basis, _ = pagina
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    page.goto(f"{basis}/monitoring/aanpakken/{aanpak}/")
    veld = page.locator("#partner-naam")
    assert not veld.is_visible()  # folded away
    page.locator("#partner-blok summary").click()
    assert veld.is_visible()
    page.locator("#partner-formulier button[type=submit]").click()  # empty: errors, nothing saved
    page.wait_for_selector("#partner-naam_error")
    assert page.locator("#partner-naam").get_attribute("aria-invalid") == "true"
    assert "Niet opgeslagen" in page.locator("#partner-formulier [role=alert]").inner_text()
    assert _axe(page) == []  # also with the form open and its errors on screen
    page.fill("#partner-naam", "Dorpsraad Reuver")
    page.fill("#partner-rol", "bewoners")
    page.locator("#partner-formulier button[type=submit]").click()
    melding = page.locator("#partner-formulier .gelukt[role=status]")
    melding.wait_for()
    assert melding.inner_text() == "Partner Dorpsraad Reuver toegevoegd."
    assert "Dorpsraad Reuver: bewoners" in page.locator("#partners").inner_text()
    _schermafdruk(page, "aanpak-partner-opgeslagen")


def test_a_measurement_with_a_dutch_decimal(pagina: tuple[Any, str, list[str]]) -> None:
    page, basis, _ = pagina
    ind = m.Indicator.objects.get(naam__startswith="Dorp- en buurtgerichte").pk
    page.goto(f"{basis}/monitoring/doelenboom/SLB/")
    blok = page.locator(f"#meting-{ind}-blok")
    assert blok.get_attribute("open") is None
    blok.locator("summary").click()
    blok.locator("input[name=waarde]").fill("12,5")
    blok.locator("input[name=datum]").fill("2026-01-01")
    blok.locator("button[type=submit]").click()
    blok.locator(".gelukt").wait_for()
    assert "Meting 12,5 op 1 januari 2026 opgeslagen; status nu: op koers." in blok.inner_text()
    assert page.locator(f"#status-{ind} .badge").inner_text() == "op koers"
    _schermafdruk(page, "doelenboom-meting-opgeslagen")


def test_badges_accessibility_and_phone_width(pagina: tuple[Any, str, list[str]]) -> None:
    page, basis, _ = pagina
    aanpak = m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").pk
    adressen = {
        "doelenboom": "/monitoring/doelenboom/SLB/",
        "aanpakken": "/monitoring/aanpakken/",
        "aanpak": f"/monitoring/aanpakken/{aanpak}/",
        "subsidies": "/monitoring/subsidies/",
        "lessen": "/monitoring/lessen/",
    }
    for naam, adres in adressen.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(basis + adres)
        assert page.locator("details.formulierblok").count() >= 1, naam
        assert page.locator("details.formulierblok[open]").count() == 0, naam
        badges = page.locator(".badge").all_inner_texts()
        leeg = [b for b in badges if not b.strip()]
        assert leeg == [] and (badges or naam == "lessen"), naam  # the lerend netwerk has no statuses
        assert _axe(page) == [], naam
        _schermafdruk(page, f"{naam}-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        page.evaluate("document.querySelectorAll('details.formulierblok').forEach(d => d.open = true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, naam
        _schermafdruk(page, f"{naam}-390")
