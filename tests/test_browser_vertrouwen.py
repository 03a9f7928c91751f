"""What an analyst sees must not lead to a wrong conclusion (issue 5/8), checked in Debian's chromium:

- the map's colours mean need (darker = more need) for every layer, also for an indicator where
  higher is better; the rendered colour is read back from the map's pixels;
- the profile's bar chart puts bar and benchmark marker on one scale, also on a phone;
- an area "tussen wal en schip" and a programme buurt say what they are instead of "no analysis".
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PIL import Image

from gebiedskompas import presentatie
from gebiedskompas.analyse import opgeslagen

from .browserhulp import axe as _axe
from .browserhulp import chromium
from .browserhulp import log_in as _login
from .webhulp import gebruikers_en_voorbeeld

pytestmark = [pytest.mark.django_db(transaction=True)]
DORPEN = "dorpen-2020-gemeente"
MANTELZORG = "gezondheid_gemeente.mantelzorger.18plus"  # higher is better in the dorpen method
EENZAAM = "gezondheid.eenzaam.18plus"  # higher is worse
OPACITEIT = 0.85  # the map's fill-opacity, over a white background


@pytest.fixture
def browser(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[tuple[Any, list[str], str]]:
    """A logged-in-ready chromium context on the live server; requests elsewhere are refused and listed."""
    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    with chromium(live_server.url, viewport={"width": 1280, "height": 900}, device_scale_factor=1) as (
        c,
        extern,
    ):
        yield c, extern, live_server.url


def _run(web_opslag: Path, naam: str = DORPEN) -> opgeslagen.Run:
    return opgeslagen.laad(opgeslagen.analysemap(web_opslag), naam)


# --- 1. map colours mean need ------------------------------------------------------------------------


def _rgb(hexkleur: str) -> tuple[float, float, float]:
    return tuple(int(hexkleur[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _op_wit(kleur: tuple[float, float, float]) -> tuple[float, float, float]:
    return tuple(OPACITEIT * c + (1 - OPACITEIT) * 255 for c in kleur)  # type: ignore[return-value]


def _binnenpunt(page: Any, code: str) -> list[float]:
    """A pixel of the map canvas well inside the area ``code``: the box of 9 by 9 pixels around it
    holds that area only (no border, no other area, no programme outline)."""
    punt = page.evaluate(
        """(code) => {
        const k = document.getElementById('kaart').kaart;
        const f = k.querySourceFeatures('gebieden').find((x) => x.properties.code === code);
        const ringen = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        const hoeken = ringen.flatMap((p) => p[0]).map((c) => k.project(c));
        const [x0, x1] = [Math.min(...hoeken.map((p) => p.x)), Math.max(...hoeken.map((p) => p.x))];
        const [y0, y1] = [Math.min(...hoeken.map((p) => p.y)), Math.max(...hoeken.map((p) => p.y))];
        const w = k.getCanvas().clientWidth, h = k.getCanvas().clientHeight;
        for (let y = Math.max(y0, 6); y < Math.min(y1, h - 6); y += 2) {
          for (let x = Math.max(x0, 6); x < Math.min(x1, w - 6); x += 2) {
            const rond = k.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]]);
            const alleen = rond.every((r) => r.layer.id === 'vlakken' && r.properties.code === code);
            if (rond.length && alleen) return [x, y];
          }
        }
        return null;
      }""",
        code,
    )
    assert punt is not None, f"geen punt binnen {code} op de kaart"
    return [float(x) for x in punt]


def _kleur_op_kaart(page: Any, punt: list[float]) -> tuple[int, int, int]:
    """The colour the map shows at a canvas pixel, from a screenshot of the canvas."""
    vak = page.locator("#kaart canvas").bounding_box()
    beeld = Image.open(io.BytesIO(page.screenshot(clip=vak))).convert("RGB")
    return beeld.getpixel((round(punt[0]), round(punt[1])))  # type: ignore[return-value]


def _dichtstbij(kleur: tuple[int, int, int], kandidaten: dict[int, str]) -> int:
    """The class whose colour (at the map's opacity over white) is nearest to ``kleur``."""

    def afstand(hexkleur: str) -> float:
        return sum((a - b) ** 2 for a, b in zip(kleur, _op_wit(_rgb(hexkleur)), strict=True))

    return min(kandidaten, key=lambda k: afstand(kandidaten[k]))


def _kaart(page: Any, basis: str, laag: str) -> dict[str, Any]:
    page.goto(f"{basis}/analyse/{DORPEN}/kaart/?laag={laag}")
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=20_000)
    geo: dict[str, Any] = page.evaluate(
        "async () => (await fetch(document.getElementById('kaart').dataset.geo)).json()"
    )
    return geo


def test_darker_always_means_more_need(browser: tuple[Any, list[str], str], web_opslag: Path) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")
    run = _run(web_opslag)
    assert presentatie.indicatorrichting(run, MANTELZORG) == presentatie.HOGER_IS_BETER
    assert presentatie.indicatorrichting(run, EENZAAM) == presentatie.HOGER_IS_SLECHTER
    eerste = str(run.gebieden.loc[run.gebieden["rang"] == 1, "code"].iloc[0])
    # layer, the area with the most need on it, the area with the least, the legend's direction
    gevallen = [
        ("composiet", eerste, None, "bij deze score is hoger slechter"),
        (f"indicator:{MANTELZORG}", "laagste", "hoogste", "bij deze indicator is lager slechter"),
        (f"indicator:{EENZAAM}", "hoogste", "laagste", "bij deze indicator is hoger slechter"),
    ]
    for laag, meeste, minste, richting in gevallen:
        geo = _kaart(page, basis, laag)
        met_waarde = [f["properties"] for f in geo["features"] if f["properties"].get("waarde") is not None]
        op_waarde = sorted(met_waarde, key=lambda p: p["waarde"])
        codes = {"laagste": op_waarde[0]["code"], "hoogste": op_waarde[-1]["code"]}
        donkerst, lichtst = geo["legenda"][-1], geo["legenda"][0]
        assert donkerst["kleurklasse"] == len(geo["legenda"]) == 5
        kleuren = {k["kleurklasse"]: k["kleur"] for k in geo["legenda"]} | {0: geo["geen_waarde"]}
        klasse = {p["code"]: p["kleurklasse"] for p in met_waarde}

        nood = codes.get(meeste, meeste)
        assert klasse[nood] == donkerst["kleurklasse"], (laag, nood)
        assert _dichtstbij(_kleur_op_kaart(page, _binnenpunt(page, nood)), kleuren) == 5, (laag, nood)
        if minste is not None:
            assert klasse[codes[minste]] == lichtst["kleurklasse"], (laag, codes[minste])
            punt = _binnenpunt(page, codes[minste])
            assert _dichtstbij(_kleur_op_kaart(page, punt), kleuren) == 1, (laag, codes[minste])

        # the legend says which way is worse and lists the classes with the map's colours
        legenda = page.locator(".legenda")
        assert "Donkerder = meer nood" in legenda.inner_text() and richting in legenda.inner_text()
        vlakken = page.locator(".legenda li[data-kleurklasse] .vlak")
        assert vlakken.count() == 5
        achtergrond = vlakken.nth(4).evaluate("e => getComputedStyle(e).backgroundColor")
        assert achtergrond == "rgb({}, {}, {})".format(*_rgb(donkerst["kleur"]))
        # the table says the same as the map
        cel = page.locator(f"tr[data-code='{nood}'] td[data-kleurklasse]")
        assert cel.get_attribute("data-kleurklasse") == "5"
        assert _axe(page) == [], laag
    assert extern == []


# --- 2. the profile's bar chart ----------------------------------------------------------------------


def _staven(page: Any, variant: str) -> list[dict[str, float]]:
    """Per drawn indicator the bar's left and right edge and the benchmark marker's centre, in pixels."""
    uit: list[dict[str, float]] = page.evaluate(
        """(variant) => {
        const svg = document.querySelector(`.profielgrafiek .${variant} svg`);
        const vak = (e) => e.getBoundingClientRect();
        const staven = [...svg.querySelectorAll('g.staaf_marks path')].map(vak);
        const strepen = [...svg.querySelectorAll('g.benchmarkstreep_marks path')].map(vak);
        return staven.map((s, i) => ({links: s.left, rechts: s.right, breedte: s.width,
          hoogte: s.height, streep: strepen[i].left + strepen[i].width / 2}));
      }""",
        variant,
    )
    return uit


def _controleer_schaal(staven: list[dict[str, float]], ind: pd.DataFrame) -> None:
    assert len(staven) == len(ind) > 5
    for s, (waarde, bench) in zip(staven, ind[["waarde", "benchmark"]].itertuples(index=False), strict=True):
        assert s["breedte"] > 0 and s["hoogte"] > 0
        # bar from 0 to the value, marker at the benchmark, on one scale
        gemeten = (s["rechts"] - s["links"]) / (s["streep"] - s["links"])
        assert gemeten == pytest.approx(waarde / bench, rel=0.02, abs=0.01), (waarde, bench, s)


def test_profile_bars_and_benchmark_share_one_scale_also_on_a_phone(
    browser: tuple[Any, list[str], str], web_opslag: Path
) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")
    run = _run(web_opslag)
    ind = run.indicatoren[run.indicatoren["code"] == "GM0889"]
    page.goto(f"{basis}/gebied/GM0889/?run={DORPEN}")
    _controleer_schaal(_staven(page, "beeld-breed"), ind)
    assert page.locator(".profielgrafiek .beeld-breed svg[role=img]").is_visible()
    # the numbers stay in a table under the chart
    tabel = page.locator("section.grafiekblok table")
    assert tabel.locator("tbody tr").count() == len(ind)
    assert _axe(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator(".profielgrafiek .beeld-smal svg").is_visible()
    assert not page.locator(".profielgrafiek .beeld-breed svg").is_visible()
    staven = _staven(page, "beeld-smal")
    _controleer_schaal(staven, ind)
    assert max(s["rechts"] for s in staven) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert extern == []


# --- 5. areas between the scopes and programme areas --------------------------------------------------


def test_profiles_say_between_the_scopes_and_show_the_larger_area(
    browser: tuple[Any, list[str], str], web_opslag: Path
) -> None:
    context, extern, basis = browser
    page = context.new_page()
    _login(page, basis, "analist")
    resultaat = json.loads((opgeslagen.analysemap(web_opslag) / DORPEN / "resultaat.json").read_text())
    vaals = next(g for g in resultaat["tussen_wal_en_schip"]["gebieden"] if g["code"] == "GM0981")

    page.goto(f"{basis}/gebied/GM0981/")
    wal = page.locator("section.walblok")
    tekst = " ".join(wal.inner_text().split())
    assert "Tussen wal en schip" in tekst and "valt tussen de scopes" in tekst
    for controle in vaals["controles"]:
        assert f"{controle['methode']} (niveau {controle['niveau']}): {controle['reden']}" in tekst
    assert wal.locator(f"a[href='/analyse/{DORPEN}/']").count() == 1
    assert "komt zelf in geen opgeslagen analyse voor" not in page.content()
    assert _axe(page) == []

    # a buurt of the programme Reuver/Offenbeek: in no analysis itself, its gemeente Beesel is
    run = _run(web_opslag)
    beesel = run.gebieden[run.gebieden["code"] == "GM0889"].iloc[0]
    assert "BU08890000" not in set(run.gebieden["code"])
    page.goto(f"{basis}/gebied/BU08890000/")
    assert "Dit gebied hoort bij gebiedsaanpak Reuver/Offenbeek" in " ".join(page.inner_text("main").split())
    omliggend = page.locator("section.omliggend")
    tekst = " ".join(omliggend.inner_text().split())
    assert "Cijfers van de gemeente waarin dit gebied ligt: Beesel" in tekst
    assert "Let op: dit zijn de cijfers van de gemeente Beesel (GM0889)" in tekst
    assert f"{int(beesel['rang'])} van {run.gebieden['rang'].notna().sum()}" in tekst
    assert str(beesel["groep"]) in tekst
    assert omliggend.locator(f"a[href='/gebied/GM0889/?run={DORPEN}']").count() == 1
    assert page.locator("h2", has_text="Gebiedsaanpak Reuver/Offenbeek").count() == 1
    assert _axe(page) == []

    # Vallisveld: a buurt of Vaals, which falls between the scopes
    page.goto(f"{basis}/gebied/BU09810100/")
    tekst = " ".join(page.locator("section.omliggend").inner_text().split())
    assert "Cijfers van de gemeente waarin dit gebied ligt: Vaals" in tekst
    assert "valt tussen wal en schip" in tekst and vaals["controles"][0]["reden"] in tekst
    assert "Dit gebied hoort bij gebiedsaanpak Vallisveld" in page.inner_text("main")
    assert extern == []
