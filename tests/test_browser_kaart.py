"""The map in Debian's chromium (issue 12, point 7): a loading indicator until the first areas are
drawn, gemeente names as HTML labels from our own boundaries, hover highlight, click to the profile
or down to the wijken, a Dutch error when the map data fails, no outside requests, axe 0, phone width."""

from __future__ import annotations

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
BUURTEN = "wijken-2020-buurt"


@pytest.fixture
def browser(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[tuple[Any, list[str], str]]:
    """A chromium context on the live server; requests elsewhere are refused and listed."""
    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    with chromium(live_server.url, viewport={"width": 1280, "height": 900}, device_scale_factor=1) as (
        c,
        extern,
    ):
        yield c, extern, live_server.url


def _wacht_op_kaart(page: Any, labels: int = 1) -> None:
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll('#kaart .kaartlabel').length >= {labels}", timeout=30_000
    )


def _schermpunt(page: Any, code: str) -> tuple[float, float]:
    """Page coordinates of the label point of gemeente ``code`` (well inside it)."""
    x, y = page.evaluate(
        """async (code) => {
        const el = document.getElementById('kaart');
        const ctx = await (await fetch(el.dataset.context)).json();
        const punt = ctx.labels.find((l) => l.code === code).punt;
        const p = el.kaart.project(punt);
        const r = el.getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
      }""",
        code,
    )
    return float(x), float(y)


def _overlappend(page: Any) -> int:
    """How many pairs of visible name labels overlap."""
    return int(
        page.evaluate("""() => {
        const r = [...document.querySelectorAll('.kaartlabel:not(.verborgen)')]
          .map((e) => e.getBoundingClientRect());
        let n = 0;
        r.forEach((a, i) => r.slice(i + 1).forEach((b) =>
          { if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) n += 1; }));
        return n;
      }""")
    )


def test_gemeente_map_loads_names_hovers_and_drills_down_to_wijken(
    browser: tuple[Any, list[str], str],
) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")

    # Hold the map's data until the loading state has been checked (a fixed delay races a busy
    # machine), then let it through.
    vastgehouden: list[Any] = []

    def houd_vast(verzoek: Any) -> None:
        vastgehouden.append(verzoek)

    page.route("**/kaart.geojson*", houd_vast)
    page.goto(f"{basis}/analyse/{DORPEN}/kaart/", wait_until="domcontentloaded")
    for _ in range(200):
        if vastgehouden:
            break
        page.wait_for_timeout(50)
    assert vastgehouden, "de kaart vroeg geen gegevens op"
    assert page.locator("#kaart-laden").is_visible()
    assert page.inner_text("#kaart-laden") == "Kaart wordt geladen…"
    assert page.get_attribute("#kaart", "aria-busy") == "true"
    for verzoek in vastgehouden:
        verzoek.continue_()
    page.unroute("**/kaart.geojson*")
    _wacht_op_kaart(page, labels=31)
    assert page.locator("#kaart-laden").is_hidden()
    assert page.get_attribute("#kaart", "aria-busy") == "false"
    assert int(page.get_attribute("#kaart", "data-eerste-vlak")) > 0
    assert page.get_attribute("#kaart", "data-geladen") == "31"  # every Limburg gemeente
    # the 31 gemeente names are map markers (HTML, no outside fonts); the visible ones do not overlap
    assert page.locator("#kaart .maplibregl-marker.kaartlabel").count() == 31
    assert page.locator(".kaartlabel:not(.verborgen)").count() >= 8
    assert _overlappend(page) == 0
    assert "Maastricht" in page.locator(".kaartlabel").all_text_contents()

    # hover: name and value in the info box, the area outlined
    x, y = _schermpunt(page, "GM0889")
    page.mouse.move(x, y)
    page.wait_for_function(
        "document.getElementById('info').textContent.startsWith('Beesel (GM0889): waarde')"
    )
    markering = page.evaluate("JSON.stringify(document.getElementById('kaart').kaart.getFilter('markering'))")
    assert "GM0889" in markering

    # click: a popup with the profile and the wijken of Beesel
    page.mouse.click(x, y)
    popup = page.locator(".maplibregl-popup")
    assert (
        popup.get_by_role("link", name="Naar het profiel").get_attribute("href")
        == f"/gebied/GM0889/?run={DORPEN}"
    )
    popup.get_by_role("link", name="Wijken van Beesel").click()
    page.wait_for_url("**binnen=GM0889**")
    _wacht_op_kaart(page)
    assert page.get_attribute("#kaart", "data-geladen") == "2"
    kruimels = page.locator("nav[aria-label='Kruimelpad kaart'] li")
    assert kruimels.all_inner_texts() == ["Limburg", "Beesel"]
    assert kruimels.first.get_by_role("link").get_attribute("href") == "?laag=composiet"
    assert "2 wijken van Beesel op de kaart" in page.inner_text("#dekking")
    assert page.locator(".kaartlabel.deelgebied").all_text_contents() == ["Wijk 00 Reuver", "Wijk 01 Beesel"]
    assert _axe(page) == []
    assert extern == []


def test_buurt_map_on_a_phone_and_a_failing_map(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, basis, "lezer")
    page.goto(f"{basis}/analyse/{BUURTEN}/kaart/")
    _wacht_op_kaart(page, labels=31)
    assert int(page.get_attribute("#kaart", "data-geladen")) > 700
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe(page) == []

    page.route("**/kaart.geojson*", lambda r: r.fulfill(status=500, body="fout"))
    page.goto(f"{basis}/analyse/{BUURTEN}/kaart/")
    page.wait_for_selector("#kaart-laden.fout")
    assert page.inner_text("#kaart-laden") == (
        "De kaart kon niet worden geladen. De tabel onder de kaart toont dezelfde gegevens."
    )
    assert page.get_attribute("#kaart", "aria-busy") == "false"
    assert extern == []
