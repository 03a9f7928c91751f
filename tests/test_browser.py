"""Browser tests in Debian's chromium (Playwright never downloads a browser): click through map →
area profile → report download, log in as each role, axe-core on every page type, no external requests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gebiedskompas.web.monitoring import models as m

from .browserhulp import ARGS, CHROMIUM, chromium
from .browserhulp import axe as _axe
from .browserhulp import log_in as _login
from .webhulp import ROLLEN, gebruikers_en_voorbeeld

__all__ = ["ARGS", "CHROMIUM", "_axe", "_login"]  # imported by the other browser tests

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def omgeving(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Debians chromium (zie .ci/run)")
    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop
    yield live_server.url
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser(omgeving: str) -> Iterator[tuple[Any, list[str], str]]:
    with chromium(omgeving, accept_downloads=True) as (context, extern):
        yield context, extern, omgeving


def test_click_through_map_profile_and_report(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")
    page.click("text=ranglijst >> nth=0")
    page.wait_for_selector("table tbody tr")
    # Timing is a benchmark's job, not a test's (a busy CI machine is no measurement).
    page.goto(f"{basis}/analyse/wijken-2020-buurt/kaart/")
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=20_000)
    assert (
        int(page.get_attribute("#kaart", "data-geladen")) > 700
    )  # all Limburg buurten of the boundary layer
    page.goto(f"{basis}/analyse/dorpen-2020-gemeente/kaart/")
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=10_000)
    page.click("table a:text('Beesel')")
    page.wait_for_url(f"{basis}/gebied/GM0889/**")
    assert "Reuver/Offenbeek" in page.content()
    with page.expect_download() as download:
        page.click("text=Gebiedsprofiel als PDF")
    pad = download.value.path()
    assert Path(pad).read_bytes().startswith(b"%PDF")
    assert extern == []


def test_each_role_logs_in(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    for rol in ROLLEN:
        page = context.new_page()
        _login(page, basis, rol)
        assert f"ingelogd als {rol}" in page.content()
        page.click("text=Uitloggen")
        page.wait_for_url(f"{basis}/inloggen/")
        page.close()
    assert extern == []


def test_no_accessibility_violations_on_any_page_type(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    page = context.new_page()
    page.goto(f"{basis}/inloggen/")
    assert _axe(page) == []
    _login(page, basis, "analist")
    product = m.Product.objects.get(code="2.2.1").pk
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    paginas = [
        "/",
        "/analyse/dorpen-2020-gemeente/",
        "/analyse/dorpen-2020-gemeente/ranglijst/",
        "/analyse/dorpen-2020-gemeente/kaart/",
        "/analyse/wijken-2020-buurt/kaart/?binnen=WK091720",
        "/analyse/nieuw/",
        "/analyse/vergelijk/?a=dorpen-2020-gemeente&b=wijken-2020-buurt",
        "/gebied/GM0889/",
        "/gebied/WK091720/?referentie=provincie",
        "/monitoring/doelenboom/SLB/",
        f"/monitoring/paragraaf/{product}/",
        "/monitoring/aanpakken/",
        f"/monitoring/aanpakken/{aanpak}/",
        "/monitoring/subsidies/",
        "/monitoring/lessen/",
    ]
    gevonden = {}
    for url in paginas:
        page.goto(basis + url)
        if "kaart" in url:
            page.wait_for_selector("#kaart[data-klaar=ja]", timeout=20_000)
        gevonden[url] = _axe(page)
    assert gevonden == {url: [] for url in paginas}
    assert extern == []
