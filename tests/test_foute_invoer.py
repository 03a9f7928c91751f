"""Bad input: a Dutch error naming file / row / column, exit code != 0, the store unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.opslag import Opslag

from .conftest import maphash
from .helpers import KWB_KOP, KWB_RIJEN, kwb_2020, schrijf


@pytest.fixture
def gevulde_opslag(tmp_path: Path, runner: CliRunner) -> Path:
    opslag = tmp_path / "opslag"
    resultaat = runner.invoke(app, ["laad", str(kwb_2020(tmp_path / "goed")), "--opslag", str(opslag)])
    assert resultaat.exit_code == 0, resultaat.output
    return opslag


def _faalt(runner: CliRunner, opslag: Path, bestand: Path, *verwacht: str) -> None:
    voor = maphash(opslag)
    resultaat = runner.invoke(app, ["laad", str(bestand), "--opslag", str(opslag)])
    assert resultaat.exit_code != 0
    uitvoer = " ".join(resultaat.output.split())
    assert "Fout:" in uitvoer
    assert bestand.name in uitvoer
    for tekst in verwacht:
        assert tekst in uitvoer, uitvoer
    assert maphash(opslag) == voor


def test_truncated_csv(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    volledig = "\n".join([KWB_KOP, *KWB_RIJEN])
    pad = tmp_path / "kapot" / "84799NED.csv"
    pad.parent.mkdir()
    pad.write_text(volledig[: volledig.rfind(";")], encoding="utf-8")
    _faalt(runner, gevulde_opslag, pad, "rij 5", "afgekapt")


def test_wrong_separator(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    pad = kwb_2020(tmp_path / "pipe", [r.replace(";", "|") for r in KWB_RIJEN], kop=KWB_KOP.replace(";", "|"))
    _faalt(runner, gevulde_opslag, pad, "Codering", "scheidingsteken")


def test_unknown_table(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    pad = schrijf(tmp_path / "x" / "12345NED.csv", ["ID;RegioS;Iets_1", "0;GM0981;1"])
    _faalt(runner, gevulde_opslag, pad, "12345NED", "bronregister")


def test_text_in_numeric_column(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    rijen = list(KWB_RIJEN)
    rijen[1] = rijen[1].replace(";10105;", ";tienduizend;")
    _faalt(
        runner,
        gevulde_opslag,
        kwb_2020(tmp_path / "tekst", rijen),
        "rij 3",
        "AantalInwoners_5",
        "'tienduizend' is geen getal",
    )


def test_region_code_fitting_no_pattern(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    rijen = list(KWB_RIJEN)
    rijen[2] = rijen[2].replace("WK098100  ", "WIJK0981")
    _faalt(runner, gevulde_opslag, kwb_2020(tmp_path / "code", rijen), "rij 4", "Codering_3", "WIJK0981")


def test_empty_file(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    pad = tmp_path / "leeg" / "84799NED.csv"
    pad.parent.mkdir()
    pad.write_bytes(b"")
    _faalt(runner, gevulde_opslag, pad, "leeg")


def test_header_only(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    _faalt(runner, gevulde_opslag, kwb_2020(tmp_path / "kop", []), "geen gegevens")


def test_truncated_json(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    pad = tmp_path / "cache" / "84799NED" / "TypedDataSet.json"
    pad.parent.mkdir(parents=True)
    pad.write_text(
        '{"value": [{"ID": 0, "WijkenEnBuurten": "GM0981    ", "Codering_3": "GM', encoding="utf-8"
    )
    _faalt(runner, gevulde_opslag, pad, "ongeldige JSON", "afgekapt")


def test_bad_file_in_folder_loads_the_rest(tmp_path: Path, runner: CliRunner, gevulde_opslag: Path) -> None:
    """A folder with one bad file: the good files are loaded, the bad one is named with row and
    column, the exit code is 1, and the bad file leaves no trace in the store."""
    map = tmp_path / "map"
    goed = schrijf(map / "84721NED.csv", ["ID;RegioS;Code_1", "0;Vaals;GM0981"])
    rijen = list(KWB_RIJEN)
    rijen[1] = rijen[1].replace(";3;1056", ";drie;1056")
    kwb_2020(map, rijen)
    alleen_goed = tmp_path / "alleen-goed"
    shutil.copytree(gevulde_opslag, alleen_goed)
    assert runner.invoke(app, ["laad", str(goed), "--opslag", str(alleen_goed)]).exit_code == 0

    resultaat = runner.invoke(app, ["laad", str(map), "--opslag", str(gevulde_opslag)])
    assert resultaat.exit_code == 1
    uitvoer = " ".join(resultaat.output.split())
    assert "'drie' is geen getal" in uitvoer and "rij 3" in uitvoer and "84799NED" in uitvoer
    assert "1 bestand(en) niet geladen" in uitvoer
    na, verwacht = Opslag(gevulde_opslag).lees(), Opslag(alleen_goed).lees()
    assert [lading["bestand"] for lading in na.ladingen] == [
        lading["bestand"] for lading in verwacht.ladingen
    ]
    pd.testing.assert_frame_equal(na.waarnemingen, verwacht.waarnemingen)
    pd.testing.assert_frame_equal(na.regios, verwacht.regios)


def test_missing_path(tmp_path: Path, runner: CliRunner) -> None:
    resultaat = runner.invoke(
        app, ["laad", str(tmp_path / "bestaat-niet.csv"), "--opslag", str(tmp_path / "o")]
    )
    assert resultaat.exit_code == 1
    assert "bestaat niet" in resultaat.output
