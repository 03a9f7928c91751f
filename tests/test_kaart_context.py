"""The map's context and drill-down (``kaartcontext``), with answers a person can check by hand:
Limburg's outline holds the 31 Limburg gemeenten and no other, Beesel has the wijken WK088900 and
WK088901, the breadcrumb reads Limburg › Beesel › Wijk 00 Reuver; and the map pages that show them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from shapely.geometry import Point, Polygon, shape

from gebiedskompas import kaartcontext as k
from gebiedskompas import presentatie
from gebiedskompas.analyse import opgeslagen
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag
from gebiedskompas.register import Register

from .webhulp import gebruikers_en_voorbeeld

DORPEN = "dorpen-2020-gemeente"
BUURTEN = "wijken-2020-buurt"
LIMBURG = "PV31"


@pytest.fixture(scope="module")
def opslag(web_opslag: Path) -> Opslag:
    return Opslag(web_opslag)


@pytest.fixture(scope="module")
def register(opslag: Opslag) -> Register:
    t = opslag.lees()
    return Register(t.regios, t.grenswijzigingen)


def _runs(opslag: Opslag) -> list[opgeslagen.Run]:
    map_ = opgeslagen.analysemap(opslag.map)
    return [opgeslagen.laad(map_, n) for n in opgeslagen.namen(map_)]


def _run(opslag: Opslag, naam: str) -> opgeslagen.Run:
    return opgeslagen.laad(opgeslagen.analysemap(opslag.map), naam)


# --- pure helpers ----------------------------------------------------------------------------------


def test_area_codes_nest_by_their_digits() -> None:
    assert k.ligt_in("WK088900", "GM0889") and k.ligt_in("BU08890001", "WK088900")
    assert not k.ligt_in("WK088800", "GM0889") and not k.ligt_in("GM0889", "GM0889")
    assert not k.ligt_in("BU08890101", "WK088900")
    assert [k.deelniveau(c) for c in ("GM0889", "WK088900", "BU08890000", "GM08")] == [
        "wijk",
        "buurt",
        None,
        None,
    ]


def test_outline_of_two_touching_squares_is_one_rectangle() -> None:
    links = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    rechts = Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])
    omtrek = k.omtrek([links, rechts])
    assert omtrek.geom_type == "Polygon"
    assert omtrek.area == pytest.approx(2.0, abs=1e-6)
    # the label of an L-shape lies inside it, not at its centroid in the notch
    l_vorm = Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 3), (0, 3)])
    assert l_vorm.contains(Point(k.labelpunt(l_vorm)))


def test_breadcrumb_goes_back_up_from_a_wijk() -> None:
    namen = {"GM0889": "Beesel", "WK088900": "Wijk 00 Reuver"}
    pad = k.kruimelpad("WK088900", ["Limburg"], namen)
    assert [(c.naam, c.binnen) for c in pad] == [
        ("Limburg", None),
        ("Beesel", "GM0889"),
        ("Wijk 00 Reuver", "WK088900"),
    ]
    assert [c.naam for c in k.kruimelpad(None, ["Limburg"], namen)] == ["Limburg"]


def test_programmes_listed_on_the_map_they_lie_in() -> None:
    programma = [
        {"naam": "Reuver/Offenbeek", "codes": ["BU08890000", "BU08890001"]},
        {"naam": "Elders", "codes": ["BU03630000"]},
    ]
    assert k.programmas_in(programma, {"GM0889", "GM0917"}, None) == ["Reuver/Offenbeek"]
    assert k.programmas_in(programma, {"GM0889"}, "WK088900") == ["Reuver/Offenbeek"]
    assert k.programmas_in(programma, {"GM0889", "GM0917"}, "GM0917") == []


# --- context from the real boundaries ------------------------------------------------------------------


def test_limburg_outline_holds_the_31_limburg_gemeenten_and_no_other(
    opslag: Opslag, register: Register
) -> None:
    gemeenten = opslag.lees_grenzen("gemeente_2024")
    assert gemeenten is not None
    limburg = {c for c, pv in register.provincies(2024).items() if pv == LIMBURG}
    assert len(limburg) == 31
    geo = k.context_geojson(gemeenten["features"], [k.Provincie(LIMBURG, "Limburg", frozenset(limburg))])
    [omtrek] = [shape(f["geometry"]) for f in geo["features"] if f["properties"]["soort"] == "provincie"]
    binnen = {
        f["properties"]["code"]
        for f in gemeenten["features"]
        if omtrek.contains(Point(k.labelpunt(k.geometrie(f))))
    }
    assert binnen == limburg
    namen = [label["naam"] for label in geo["labels"]]
    assert len(namen) == 31 and "Beesel" in namen and "Maastricht" in namen
    oppervlak = [label["oppervlak"] for label in geo["labels"]]
    assert oppervlak == sorted(oppervlak, reverse=True)  # the largest gemeente keeps its name first


def test_context_of_a_run_names_its_gemeenten(opslag: Opslag, register: Register) -> None:
    run = _run(opslag, DORPEN)
    geo = k.kaartcontext(run, opslag=opslag, toestand=opslag.lees(), register=register)
    assert "Beesel" in {label["naam"] for label in geo["labels"]}
    soorten = [f["properties"]["soort"] for f in geo["features"]]
    assert soorten.count("provincie") == 1 and soorten.count("gemeente") == 31


def test_programme_outline_covers_its_buurten(opslag: Opslag) -> None:
    toestand = opslag.lees()
    [feature] = k.programma_geojson(
        [k.Programma("Reuver/Offenbeek", ("BU08890000", "BU08890001"))],
        opslag=opslag,
        toestand=toestand,
        jaar=2020,
    )
    vorm = shape(feature["geometry"])
    buurten = opslag.lees_grenzen("buurt_2014")
    assert buurten is not None
    for f in buurten["features"]:
        if f["properties"]["code"] in ("BU08890000", "BU08890001"):
            assert vorm.contains(Point(k.labelpunt(k.geometrie(f))))


# --- drill-down ------------------------------------------------------------------------------------


def test_drilling_into_beesel_gives_exactly_its_wijken_as_outlines(opslag: Opslag) -> None:
    runs = _runs(opslag)
    z = k.inzoom(
        _run(opslag, DORPEN), presentatie.STANDAARDLAAG, "GM0889", runs, opslag=opslag, toestand=opslag.lees()
    )
    assert z.niveau == "wijk" and z.keuze is not None
    alle = opslag.lees_grenzen(z.keuze.sleutel)
    assert alle is not None
    verwacht = {
        f["properties"]["code"] for f in alle["features"] if f["properties"]["code"].startswith("WK0889")
    }
    assert z.getekend == verwacht == {"WK088900", "WK088901"}
    assert z.bron is None  # no saved analysis at wijk level
    rijen = k.inzoomrijen(z)
    assert [r["naam"] for r in rijen] == ["Wijk 00 Reuver", "Wijk 01 Beesel"]
    assert {r["waarde"] for r in rijen} == {"geen waarde in een analyse"}
    assert k.inzoomdekking(z, "Beesel").startswith("2 wijken van Beesel op de kaart, alleen als grens")


def test_drilling_into_a_heerlen_wijk_takes_values_and_colours_from_the_buurt_analysis(
    opslag: Opslag,
) -> None:
    runs = _runs(opslag)
    buurten = _run(opslag, BUURTEN)
    z = k.inzoom(
        _run(opslag, DORPEN),
        presentatie.STANDAARDLAAG,
        "WK091710",
        runs,
        opslag=opslag,
        toestand=opslag.lees(),
    )
    assert z.bron is not None and z.bron.naam == BUURTEN
    in_wijk = {c for c in buurten.gebieden["code"] if c.startswith("BU091710")}
    assert set(z.waarden["code"]) == in_wijk and in_wijk
    geo = k.inzoom_geojson(z)
    klassen = presentatie.kaartklassen(buurten, presentatie.STANDAARDLAAG)
    composiet = buurten.gebieden.set_index("code")["composiet"]
    for f in geo["features"]:
        code = f["properties"]["code"]
        if code in in_wijk:
            assert f["properties"]["kleurklasse"] == klassen.klasse(composiet[code])
    assert geo["legenda"] == klassen.legenda


def test_unknown_drill_down_is_refused(opslag: Opslag) -> None:
    with pytest.raises(InvoerFout, match="kan niet inzoomen"):
        k.inzoom(_run(opslag, DORPEN), "composiet", "BU08890000", [], opslag=opslag, toestand=opslag.lees())


# --- the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def lezer(settings: Any, web_opslag: Path, db: Any) -> Client:
    settings.OPSLAG = web_opslag
    gebruikers: dict[str, User] = gebruikers_en_voorbeeld()
    c = Client()
    c.force_login(gebruikers["lezer"])
    return c


def test_drill_down_page_has_breadcrumb_table_and_coverage(lezer: Client) -> None:
    pagina = lezer.get(f"/analyse/{DORPEN}/kaart/", {"binnen": "GM0889"}).content.decode()
    assert '<a class="utrecht-link" href="?laag=composiet">Limburg</a>' in pagina
    assert '<span aria-current="page">Beesel</span>' in pagina
    assert "2 wijken van Beesel op de kaart, alleen als grens" in pagina
    assert pagina.count(">geen waarde in een analyse<") == 2
    assert 'href="?laag=composiet&amp;binnen=WK088900">Buurten van Wijk 00 Reuver</a>' in pagina
    assert "gebiedsaanpak: Reuver/Offenbeek" in pagina
    # the top map links every gemeente to its wijken
    boven = lezer.get(f"/analyse/{DORPEN}/kaart/").content.decode()
    assert 'href="?laag=composiet&amp;binnen=GM0889">Wijken van Beesel</a>' in boven
    assert lezer.get(f"/analyse/{DORPEN}/kaart/", {"binnen": "XX12"}).status_code == 404


def test_context_endpoint_is_separate_and_names_gemeenten(lezer: Client) -> None:
    geo = lezer.get(f"/analyse/{BUURTEN}/kaart/context.geojson").json()
    assert "Beesel" in {label["naam"] for label in geo["labels"]}
    programma = {f["properties"]["naam"] for f in geo["features"] if f["properties"]["soort"] == "programma"}
    assert "Reuver/Offenbeek" in programma
    kaart = lezer.get(f"/analyse/{BUURTEN}/kaart.geojson").json()
    assert all("soort" not in f["properties"] for f in kaart["features"])


def test_wijk_outline_counts_the_analysed_buurten_in_it(opslag: Opslag) -> None:
    buurten = _run(opslag, BUURTEN)
    codes = [str(c) for c in buurten.gebieden["code"]]
    verwacht = {"WK" + c[2:8] for c in codes if c.startswith("BU0917")}
    delen = k.delen_in_analyses(_runs(opslag), "wijk", "GM0917")
    assert set(delen) == verwacht
    aantal = sum(c.startswith("BU091720") for c in codes)
    assert delen["WK091720"] == f"{aantal} buurten in een analyse"
