"""An analysis run from the browser, end to end (issue 12, point 6), in Debian's chromium: form →
live preview → run with robustness behind a progress indicator → saved run → ranking → map → profile
→ PDF; axe-core on the workbench (with the preview and during the run) and the comparison page, and
no page wider than a phone."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from .browserhulp import axe as _axe
from .browserhulp import chromium
from .browserhulp import log_in as _login
from .webhulp import gebruikers_en_voorbeeld

pytestmark = [pytest.mark.django_db(transaction=True)]
DORPEN = "dorpen-2020-gemeente"
NAAM = "dorpen-uit-de-browser"
TELEFOON: Any = {"width": 390, "height": 844}
BUREAU: Any = {"width": 1280, "height": 900}


@pytest.fixture
def browser(
    live_server: Any, settings: Any, web_opslag: Path, tmp_path: Path
) -> Iterator[tuple[Any, list[str], str]]:
    """A chromium context on the live server over a copy of the web store (the run saved here stays
    out of the other tests); requests elsewhere are refused and listed."""
    settings.OPSLAG = tmp_path / "opslag"
    shutil.copytree(web_opslag, settings.OPSLAG)
    gebruikers_en_voorbeeld()
    opties = {"viewport": BUREAU, "device_scale_factor": 1, "accept_downloads": True}
    with chromium(live_server.url, **opties) as (c, extern):
        yield c, extern, live_server.url


def _schermafdruk(page: Any, naam: str) -> None:
    map_ = os.environ.get("GK_SCHERMAFDRUKKEN")
    if map_:
        page.screenshot(path=str(Path(map_) / f"{naam}.png"), full_page=True)


def _past_op_telefoon(page: Any, naam: str) -> None:
    page.set_viewport_size(TELEFOON)
    _schermafdruk(page, f"{naam}-390")
    # the elements sticking out (outside the scrolling table containers), to name them on failure
    breed = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .filter((e) => !e.closest('.tabelrol'))
        .map((e) => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40)).slice(0, 5)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"], (naam, breed)
    page.set_viewport_size(BUREAU)


def test_analyse_uit_de_browser_van_formulier_tot_pdf(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")
    page.click("text=Nieuwe analyse")
    page.select_option("#wb-uitgangspunt", "methode:dorpen")
    page.click("text=Begin hier")
    page.wait_for_selector("#voorbeeld table")
    # the starting method's own choices: nothing moves
    assert page.locator("#voorbeeld .verschuiving.omhoog, #voorbeeld .verschuiving.omlaag").count() == 0

    page.fill("#wb-thema_1_gewicht", "3")
    page.press("#wb-thema_1_gewicht", "Tab")  # a change event, as a user leaving the field
    page.wait_for_selector("#voorbeeld .verschuiving.omhoog")
    tekst = page.locator("#voorbeeld .verschuiving.omhoog").first.inner_text()
    assert "omhoog" in tekst and ("plaats " in tekst or "plaatsen " in tekst)
    assert "Voorbeeld bijgewerkt" in page.inner_text("#voorbeeld-status")
    _schermafdruk(page, "werkbank-voorbeeld-1280")
    assert _axe(page) == []
    _past_op_telefoon(page, "werkbank-voorbeeld")

    # hold the progress poll until the checks are done: the run itself takes a fraction of a second
    gehouden: list[Any] = []
    houden = [True]
    page.route("**/voortgang/", lambda r: gehouden.append(r) if houden[0] else r.continue_())
    page.fill("#wb-robuustheid", "20")
    page.fill("#wb-naam", NAAM)
    page.click("#uitvoeren")
    page.wait_for_selector("#uitvoering progress")
    assert "van 20 replicaties" in page.inner_text("#uitvoering")
    assert page.get_attribute("#uitvoering", "aria-live") == "polite"
    _schermafdruk(page, "werkbank-voortgang-1280")
    assert _axe(page) == []
    houden[0] = False
    for r in gehouden:
        r.continue_()
    page.wait_for_url(f"{basis}/analyse/{NAAM}/", timeout=30_000)

    page.click("main a:text-is('Ranglijst')")
    page.wait_for_selector("table tbody tr")
    page.goto(f"{basis}/analyse/{NAAM}/kaart/")
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=20_000)
    gebied = page.locator("main table a[href^='/gebied/']").first
    naam = gebied.inner_text().strip()
    gebied.click()
    page.wait_for_url(f"{basis}/gebied/**")
    with page.expect_download() as download:
        page.click(f"main a[href^='/analyse/{NAAM}/gebied/'][href*='.pdf']")
    inhoud = Path(download.value.path()).read_bytes()
    assert inhoud.startswith(b"%PDF")
    tekst = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(inhoud)).pages)
    assert naam in " ".join(tekst.split()), naam

    page.goto(f"{basis}/analyse/vergelijk/?a={DORPEN}&b={NAAM}")
    assert page.locator("table tbody tr").count() == 20
    assert page.locator("td.verschuiving.omhoog").count() > 0
    _schermafdruk(page, "vergelijk-1280")
    assert _axe(page) == []
    _past_op_telefoon(page, "vergelijk")
    assert extern == []
