"""The done-criteria of the foundation, on the real files in ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA


@pytest.fixture(scope="module")
def overzicht_json(hele_map: Opslag) -> dict:  # type: ignore[type-arg]
    resultaat = CliRunner().invoke(app, ["overzicht", "--json", "--opslag", str(hele_map.map)])
    assert resultaat.exit_code == 0, resultaat.output
    return json.loads(resultaat.stdout)  # type: ignore[no-any-return]


def _dekking(overzicht: dict, indicator: str, periode: str) -> dict[str, int]:  # type: ignore[type-arg]
    return {
        r["niveau"]: r["regios"]
        for r in overzicht["indicatoren"]
        if r["indicator"] == indicator and r["periode"] == periode
    }


@pytest.mark.parametrize(
    "indicator",
    [
        "gezondheid.eenzaam.18plus",
        "gezondheid.ernstig_eenzaam.65plus",
        "gezondheid.mantelzorger.18plus",
        "gezondheid.vrijwilligerswerk.65plus",
        "gezondheid.moeite_met_rondkomen.18plus",
        "gezondheid.regie_eigen_leven.18plus",
        "gezondheid.ervaren_gezondheid_goed.65plus",
    ],
)
def test_rivm_2020_for_every_buurt_wijk_gemeente(overzicht_json: dict, indicator: str) -> None:  # type: ignore[type-arg]
    assert _dekking(overzicht_json, indicator, "2020") == {
        "land": 1,
        "gemeente": 355,
        "wijk": 3177,
        "buurt": 13808,
    }


def test_urbanity_for_every_gemeente_every_year(overzicht_json: dict) -> None:  # type: ignore[type-arg]
    per_jaar = {
        r["jaar"]: (r["gemeenten"], r["met_stedelijkheid"]) for r in overzicht_json["stedelijkheid_gemeenten"]
    }
    assert per_jaar == {
        2019: (355, 355),
        2020: (355, 355),
        2021: (352, 352),
        2022: (345, 345),
        2023: (342, 342),
        2024: (342, 342),
        2025: (342, 342),
    }


def test_kwb_2020_at_all_levels(overzicht_json: dict) -> None:  # type: ignore[type-arg]
    for indicator in ("kwb.inwoners", "kwb.stedelijkheid", "kwb.aandeel_65plus", "kwb.bijstand"):
        assert _dekking(overzicht_json, indicator, "2020") == {
            "land": 1,
            "gemeente": 355,
            "wijk": 3177,
            "buurt": 13808,
        }


def test_provenance_per_table(overzicht_json: dict) -> None:  # type: ignore[type-arg]
    kwb = next(t for t in overzicht_json["tabellen"] if t["tabel"] == "84799NED")
    assert kwb["versie"] == "2021-03-26T02:00:00"
    assert kwb["licentie"] == "CC BY 4.0"
    assert len(kwb["sha256"]) == 64
    assert kwb["bestand"] == "cbs.v3.84799NED_TypedDataSet.parquet"


def test_herindelingen_derived_from_data(overzicht_json: dict) -> None:  # type: ignore[type-arg]
    paren = {(h["jaar"], h["oude_code"], h["nieuwe_code"]) for h in overzicht_json["herindelingen"]}
    assert (2021, "GM0003", "GM1979") in paren  # Appingedam -> Eemsdelta
    assert {(2021, "GM0788", c) for c in ("GM0757", "GM0824", "GM0855", "GM0865")} <= paren  # Haaren
    assert (2023, "GM0501", "GM1992") in paren  # Brielle -> Voorne aan Zee
    assert not any(h["oude_code"] == "GM0981" for h in overzicht_json["herindelingen"])


def test_gebied_vaals(hele_map: Opslag) -> None:
    resultaat = CliRunner().invoke(app, ["gebied", "GM0981", "--json", "--opslag", str(hele_map.map)])
    assert resultaat.exit_code == 0, resultaat.output
    vaals = json.loads(resultaat.stdout)
    assert vaals["naam"] == "Vaals"
    assert [o["code"] for o in vaals["ouders"]] == ["PV31", "NL00"]
    assert {j["jaar"]: j["stedelijkheid"] for j in vaals["per_jaar"]} == {
        2019: 3,
        2020: 3,
        2021: 3,
        2022: 3,
        2023: 3,
        2024: 3,
        2025: 3,
    }
    waarden = {(w["indicator"], w["periode"]): w for w in vaals["waarden"]}
    assert waarden[("kwb.inwoners", "2020")]["waarde"] == 10105
    eenzaam = waarden[("gezondheid.eenzaam.18plus", "2020")]
    assert eenzaam["bron"] == "50090NED"
    assert "RIVM" in eenzaam["bronvermelding"]
    mantelzorg = waarden[("gezondheid_gemeente.mantelzorger.18plus", "2020")]
    assert mantelzorg["onder"] < mantelzorg["waarde"] < mantelzorg["boven"]
    assert "85012NED" in mantelzorg["bronvermelding"]


def test_buurt_profile_has_parent_chain(hele_map: Opslag) -> None:
    resultaat = CliRunner().invoke(app, ["gebied", "BU09810001", "--json", "--opslag", str(hele_map.map)])
    profiel = json.loads(resultaat.stdout)
    assert [o["niveau"] for o in profiel["ouders"]] == ["wijk", "gemeente", "provincie", "land"]
    assert {j["jaar"]: j["provincie"] for j in profiel["per_jaar"]} == {2020: "PV31", 2024: "PV31"}


def test_two_files_of_one_table_complement_each_other(hele_map: Opslag) -> None:
    """KWB 2024 urbanity comes from 85984NED.csv, population of all areas from the web export."""
    resultaat = CliRunner().invoke(app, ["gebied", "BU09171001", "--json", "--opslag", str(hele_map.map)])
    jaren = {j["jaar"]: j for j in json.loads(resultaat.stdout)["per_jaar"]}
    assert jaren[2024]["stedelijkheid"] == 4
    assert jaren[2024]["inwoners"] == 495


def test_skipped_files_have_reasons(tmp_path: Path) -> None:
    resultaat = CliRunner().invoke(
        app,
        [
            "laad",
            str(SHARED_DATA / "cbs_odata_fixtures"),
            str(SHARED_DATA / "leefbaarometer" / "PC4DIMENSIE.csv"),
            "--opslag",
            str(tmp_path / "o"),
        ],
    )
    assert resultaat.exit_code == 0, resultaat.output
    tekst = " ".join(resultaat.output.split())
    assert "Overgeslagen" in tekst
    assert "bronregister" in tekst
    assert "80137ned" in tekst
    assert "PC4DIMENSIE.csv" in tekst


def test_unknown_region_code_is_a_dutch_error(hele_map: Opslag) -> None:
    resultaat = CliRunner().invoke(app, ["gebied", "GM9999", "--opslag", str(hele_map.map)])
    assert resultaat.exit_code == 1
    assert "komt niet voor" in resultaat.output
