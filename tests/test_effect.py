"""Effect measurement (issue 3/8, point 2): treated areas against comparison areas, on the real
Leefbaarometer 3.0 series per wijk. Known answers come from injecting a known effect into real
series (``Paneel.met_effect``); the placebo-in-time coverage is checked over many random
pseudo-treated sets of wijken."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.effect import uitvoer
from gebiedskompas.effect.did import schat_did
from gebiedskompas.effect.oordeel import Placebo, Schatting, waarschuwingen
from gebiedskompas.effect.paneel import Paneel, bouw_paneel
from gebiedskompas.effect.pijplijn import herhaal, meet_effect
from gebiedskompas.effect.placebo import nepstart, placebo_in_tijd
from gebiedskompas.effect.vergelijking import kies_vergelijking
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag, Toestand

from .conftest import SHARED_DATA
from .helpers import draai_cli

LBM = "leefbaarometer.lbm"
# Donderberg (Roermond), Kerkrade-Oost, Blerick-Noord (Venlo), Geleen, Buitenwijk West (Maastricht)
LIMBURG = ["WK095704", "WK092801", "WK098322", "WK188305", "WK093502"]
HEERLEN_NOORD = ["WK091711", "WK091712", "WK091713", "WK091720", "WK091721", "WK091722"]


@pytest.fixture(scope="module")
def toestand(echte_opslag: Opslag) -> Toestand:
    return echte_opslag.lees()


@pytest.fixture(scope="module")
def limburg(toestand: Toestand) -> Paneel:
    return bouw_paneel(toestand, LBM, LIMBURG, 2016)


# --- panel ----------------------------------------------------------------------------------------


def test_panel_of_all_wijken_in_one_classification(limburg: Paneel) -> None:
    assert limburg.niveau == "wijk" and limburg.indeling == 2022
    assert limburg.perioden.tolist() == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022]
    assert len(limburg.gebieden) > 3000 and limburg.y.shape == (len(limburg.gebieden), 8)
    assert sorted(limburg.gebieden[limburg.behandeld]) == sorted(LIMBURG)
    assert limburg.na.tolist() == [False] * 4 + [True] * 4
    assert np.isfinite(limburg.stedelijkheid[limburg.behandeld]).all()


def test_buurt_codes_are_measured_by_their_wijk(toestand: Toestand) -> None:
    paneel = bouw_paneel(toestand, LBM, ["BU09350203", "BU09350403"], 2016)
    assert sorted(paneel.gebieden[paneel.behandeld]) == ["WK093502", "WK093504"]
    assert any("BU09350203" in o and "WK093502" in o for o in paneel.opmerkingen)


@pytest.mark.parametrize(
    ("code", "melding"),
    [("BU99999999", "onbekende regiocode 'BU99999999'"), ("XYZ", "'XYZ' is geen regiocode")],
)
def test_unknown_code_is_named(toestand: Toestand, code: str, melding: str) -> None:
    with pytest.raises(InvoerFout, match=melding):
        bouw_paneel(toestand, LBM, ["WK091711", code], 2016)


def test_gemeente_code_for_a_wijk_indicator_is_refused(toestand: Toestand) -> None:
    with pytest.raises(InvoerFout, match="GM0917"):
        bouw_paneel(toestand, LBM, ["GM0917"], 2016)


# --- comparison areas -----------------------------------------------------------------------------


def test_comparison_areas_same_class_untreated_nearest(limburg: Paneel) -> None:
    v = kies_vergelijking(limburg, 10)
    assert v.kenmerken == ["niveau_voor", "trend_voor"]
    klasse = dict(zip(limburg.gebieden, limburg.stedelijkheid, strict=True))
    for code, groep in v.tabel.groupby("behandeld"):
        assert len(groep) == 10
        assert (groep["stedelijkheid"] == klasse[code]).all()
        assert groep["afstand"].is_monotonic_increasing and groep["rang"].tolist() == list(range(1, 11))
        assert groep["gewicht"].sum() == pytest.approx(1.0)
    assert not set(v.codes()) & set(LIMBURG)
    assert sum(v.gewichten().values()) == pytest.approx(len(LIMBURG))
    # nearest means nearest: no eligible area of the same class is closer than the 10th chosen
    eerste = v.tabel[v.tabel["behandeld"] == "WK095704"]
    assert eerste["afstand"].max() < 1.0


# --- known answer ---------------------------------------------------------------------------------


def test_did_recovers_an_injected_effect(limburg: Paneel) -> None:
    v = kies_vergelijking(limburg)
    zonder = schat_did(limburg, v)
    met = schat_did(limburg.met_effect(0.10), v)
    assert met.onder <= 0.10 <= met.boven and met.onder > 0
    assert met.effect == pytest.approx(0.10, abs=0.03)
    # the estimator is linear in the outcome: exactly +0.10 over the real series' own estimate
    assert met.effect - zonder.effect == pytest.approx(0.10, abs=1e-9)
    na = met.per_golf[met.per_golf["na"]]
    verschil = na["coef"].to_numpy() - zonder.per_golf.loc[zonder.per_golf["na"], "coef"].to_numpy()
    assert verschil == pytest.approx([0.10] * 4, abs=1e-9)
    voor = met.per_golf[~met.per_golf["na"]]
    assert voor.loc[voor["referentie"], "periode"].tolist() == [2014]
    assert voor["coef"].to_numpy() == pytest.approx(zonder.per_golf.loc[~zonder.per_golf["na"], "coef"])


def test_event_study_and_pretrend_on_real_series(limburg: Paneel) -> None:
    s = schat_did(limburg, kies_vergelijking(limburg))
    assert s.per_golf["periode"].tolist() == limburg.perioden.tolist()
    assert 0 <= s.pretrend_p <= 1 and s.behandeld == 5 and s.vergelijking >= 10


def test_placebo_in_time_covers_zero_at_about_the_nominal_rate(limburg: Paneel) -> None:
    """No effect added: random sets of 8 wijken, fake start 2012 on the waves 2002-2014. The 95%
    intervals should cover zero in about 95% of the runs."""
    rng = np.random.default_rng(20231)
    volledig = np.flatnonzero(~np.isnan(limburg.y).any(axis=1) & np.isfinite(limburg.stedelijkheid))
    dekking = []
    for _ in range(200):
        behandeld = np.zeros(len(limburg.gebieden), dtype=bool)
        behandeld[rng.choice(volledig, 8, replace=False)] = True
        placebo = placebo_in_tijd(dataclasses.replace(limburg, behandeld=behandeld), schat_did)
        assert placebo.nep_start == 2012
        dekking.append(placebo.onder <= 0 <= placebo.boven)
    assert 0.90 <= np.mean(dekking) <= 0.99, np.mean(dekking)


def test_placebo_in_time_detects_a_fake_effect(limburg: Paneel) -> None:
    """An effect injected from 2012 is before the real start: the placebo must see it."""
    nep = limburg.met_effect(0.10, vanaf=2012)
    placebo = placebo_in_tijd(nep, schat_did)
    assert nepstart(limburg) == 2012 and placebo.p < 0.01 and placebo.effect > 0.05


# --- pipeline, verdict, replay --------------------------------------------------------------------


def test_not_yet_measurable_without_a_wave_after_the_start(toestand: Toestand) -> None:
    r = meet_effect(toestand, LBM, LIMBURG, 2024)
    assert r.schatting is None and r.placebos == [] and r.oordeel.soort == "niet_meetbaar"
    assert r.oordeel.tekst.startswith("Nog niet meetbaar: geen meting na de start")
    assert "2022" in r.oordeel.tekst and "2024" in r.oordeel.tekst
    assert r.vergelijking is not None and len(r.vergelijking.codes()) >= 10
    json_uit = uitvoer.als_json([r])["indicatoren"][LBM]
    assert json_uit["effect"] is None and json_uit["eventstudie"] == []
    assert len(json_uit["vergelijkingsgebieden"]) == 50


def test_heerlen_noord_verdict_and_warnings(toestand: Toestand) -> None:
    r = meet_effect(toestand, LBM, HEERLEN_NOORD, 2016)
    assert r.schatting is not None and r.oordeel.soort in ("effect", "geen_effect")
    assert "95%-interval" in r.oordeel.tekst and "," in r.oordeel.tekst  # Dutch decimal comma
    assert r.placebos[0].soort == "tijd" and 0 <= r.placebo_p <= 1
    if r.placebo_p < 0.05:
        assert any("placebotoets in de tijd faalt" in w for w in r.oordeel.waarschuwingen)


def test_warnings_for_failed_pretrend_and_placebo() -> None:
    per_golf = pd.DataFrame(
        {
            "periode": [2012, 2014, 2016],
            "coef": [0.05, 0.0, 0.1],
            "onder": [0.01, 0.0, 0.05],
            "boven": [0.09, 0.0, 0.15],
            "na": [False, False, True],
            "referentie": [False, True, False],
        }
    )
    s = Schatting("did", 0.1, 0.05, 0.15, 0.001, per_golf, 0.01, behandeld=2, vergelijking=20)
    teksten = waarschuwingen(s, [Placebo("tijd", 0.003, -0.04, -0.06, -0.02, 2012)])
    assert any("pre-trendtoets faalt (p = 0,010)" in t for t in teksten)
    assert any("nepstart in 2012" in t and "−0,040" in t for t in teksten)
    assert any("2 behandelde gebied" in t for t in teksten)


def test_run_record_replays_exactly(toestand: Toestand, tmp_path: Path) -> None:
    r = meet_effect(toestand, LBM, LIMBURG, 2016, seed=7, k=5)
    record = r.runrecord
    assert record["seed"] == 7 and record["parameters"]["vergelijking"] == 5
    tabellen = {g["tabel"] for g in record["gegevens"]}
    assert "LBM3" in tabellen and all(len(g["sha256"]) == 64 for g in record["gegevens"])
    uitvoer.schrijf([r], tmp_path / "uit")
    opgeslagen = json.loads((tmp_path / "uit" / f"runrecord_{LBM}.json").read_text(encoding="utf-8"))
    opnieuw = herhaal(opgeslagen, toestand)
    assert r.schatting is not None and opnieuw.schatting is not None
    assert opnieuw.schatting.effect == r.schatting.effect
    assert (opnieuw.schatting.onder, opnieuw.schatting.boven) == (r.schatting.onder, r.schatting.boven)
    pd.testing.assert_frame_equal(opnieuw.schatting.per_golf, r.schatting.per_golf)
    assert r.vergelijking is not None and opnieuw.vergelijking is not None
    pd.testing.assert_frame_equal(opnieuw.vergelijking.tabel, r.vergelijking.tabel)
    assert opnieuw.placebo_p == r.placebo_p and opnieuw.oordeel == r.oordeel
    ander = json.loads(json.dumps(opgeslagen))
    ander["gegevens"][-1]["sha256"] = "0" * 64
    with pytest.raises(InvoerFout, match="niet dezelfde gegevens"):
        herhaal(ander, toestand)


# --- output ---------------------------------------------------------------------------------------


def test_outputs_written_at_once_with_dutch_headers(toestand: Toestand, tmp_path: Path) -> None:
    r = meet_effect(toestand, LBM, LIMBURG, 2016)
    map = tmp_path / "effecten" / "limburg"
    paden = uitvoer.schrijf([r], map)
    assert {p.name for p in paden} >= {
        "effect.json",
        "effect.xlsx",
        "effect.parquet",
        "gebeurtenisstudie.parquet",
    }
    uitvoer.schrijf([r], map)  # replaces the earlier result as a whole
    assert sorted(p.name for p in (tmp_path / "effecten").iterdir()) == ["limburg"]
    bladen = pd.read_excel(map / "effect.xlsx", sheet_name=None, engine="openpyxl")
    assert list(bladen) == [
        "Effect",
        "Gebeurtenisstudie",
        "Vergelijkingsgebieden",
        "Placebotoetsen",
        "Opmerkingen",
    ]
    assert {"Effect", "Ondergrens 95%", "Bovengrens 95%", "p-waarde placebotoets", "Oordeel"} <= set(
        bladen["Effect"]
    )
    assert len(bladen["Vergelijkingsgebieden"]) == 50
    inhoud = json.loads((map / "effect.json").read_text(encoding="utf-8"))["indicatoren"][LBM]
    for sleutel in (
        "effect",
        "ondergrens",
        "bovengrens",
        "vergelijkingsgebieden",
        "placebo_p",
        "eventstudie",
        "oordeel",
    ):
        assert sleutel in inhoud
    assert pd.read_parquet(map / "effect.parquet")["effect"].iloc[0] == pytest.approx(inhoud["effect"])


# --- command line ---------------------------------------------------------------------------------


def test_cli_effect_with_codes_as_json(echte_opslag: Opslag, tmp_path: Path) -> None:
    resultaat = CliRunner().invoke(
        app,
        [
            "effect",
            "--gebieden",
            ",".join(LIMBURG),
            "--indicator",
            LBM,
            "--start",
            "2016",
            "--vergelijking",
            "5",
            "--json",
            "--opslag",
            str(echte_opslag.map),
            "--uit",
            str(tmp_path / "uit"),
        ],
    )
    assert resultaat.exit_code == 0, resultaat.output
    inhoud = json.loads(resultaat.stdout)
    ind = inhoud["indicatoren"][LBM]
    assert ind["ondergrens"] <= ind["effect"] <= ind["bovengrens"]
    assert len(ind["vergelijkingsgebieden"]) == 25 and len(ind["eventstudie"]) == 8
    assert inhoud["runrecords"][LBM]["parameters"]["vergelijking"] == 5
    assert (tmp_path / "uit" / "effect.xlsx").is_file()


def test_cli_replays_a_run_record_and_refuses_on_changed_data(echte_opslag: Opslag, tmp_path: Path) -> None:
    opslag = tmp_path / "opslag"
    shutil.copytree(echte_opslag.map, opslag)
    basis = ["effect", "--gebieden", ",".join(LIMBURG), "--indicator", LBM, "--start", "2016", "--json"]
    eerste = CliRunner().invoke(app, [*basis, "--opslag", str(opslag), "--uit", str(tmp_path / "a")])
    assert eerste.exit_code == 0, eerste.output
    record = tmp_path / "a" / f"runrecord_{LBM}.json"
    herhaal = ["effect", "--herhaal", str(record), "--json", "--opslag", str(opslag)]
    opnieuw = CliRunner().invoke(app, [*herhaal, "--uit", str(tmp_path / "b")])
    assert opnieuw.exit_code == 0, opnieuw.output
    a, b = (json.loads(r.stdout)["indicatoren"][LBM] for r in (eerste, opnieuw))
    assert (a["effect"], a["ondergrens"], a["bovengrens"], a["placebo_p"]) == (
        b["effect"],
        b["ondergrens"],
        b["bovengrens"],
        b["placebo_p"],
    )
    # A changed Leefbaarometer file (one value edited) makes the replay refuse, naming the table.
    bron = SHARED_DATA / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv"
    gewijzigd = tmp_path / "nieuw" / bron.name
    gewijzigd.parent.mkdir()
    tekst = bron.read_text(encoding="utf-8")
    gewijzigd.write_text(tekst.replace("3.8887548237955505", "3.9", 1), encoding="utf-8")
    assert CliRunner().invoke(app, ["laad", str(gewijzigd), "--opslag", str(opslag)]).exit_code == 0
    geweigerd = CliRunner().invoke(app, [*herhaal, "--uit", str(tmp_path / "c")])
    assert geweigerd.exit_code == 1 and "LBM3" in geweigerd.stderr and "--andere-gegevens" in geweigerd.stderr
    toch = CliRunner().invoke(app, [*herhaal, "--andere-gegevens", "--uit", str(tmp_path / "d")])
    assert toch.exit_code == 0 and "andere gegevens" in toch.stderr


def test_cli_effect_errors(echte_opslag: Opslag, tmp_path: Path) -> None:
    basis = ["effect", "--indicator", LBM, "--start", "2016", "--opslag", str(echte_opslag.map)]
    fout = CliRunner().invoke(app, [*basis, "--gebieden", "WK091711,BU99999999", "--uit", str(tmp_path)])
    assert fout.exit_code == 1 and "BU99999999" in fout.stderr
    geen = CliRunner().invoke(app, basis)
    assert geen.exit_code == 1 and "--gebieden en --aanpak" in geen.stderr


def test_cli_effect_of_a_programme_from_the_monitoring(echte_opslag: Opslag, tmp_path: Path) -> None:
    opslag = tmp_path / "opslag"
    shutil.copytree(echte_opslag.map, opslag)
    assert draai_cli("voorbeeld", opslag=opslag).returncode == 0
    uit = draai_cli(
        "effect", "--aanpak", "Heerlen-Noord", "--indicator", LBM, "--start", "2016", opslag=opslag
    )
    assert uit.returncode == 0, uit.stderr
    for verwacht in (
        "Schatting: ",
        "95%-interval",
        "Vergelijkingsgebieden: ",
        "WK091711: ",
        "placebo_p ",
        "Oordeel: ",
    ):
        assert verwacht in uit.stdout
    assert (opslag / "effecten" / "heerlen-noord-2016-did" / "effect.json").is_file()
    onbekend = draai_cli(
        "effect", "--aanpak", "Atlantis", "--indicator", LBM, "--start", "2016", opslag=opslag
    )
    assert onbekend.returncode == 1
    assert "onbekende gebiedsaanpak 'Atlantis'" in onbekend.stderr and "Heerlen-Noord" in onbekend.stderr
