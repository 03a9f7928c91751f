"""The need analysis end to end on the real data, and bad method files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.analyse.methode import methode_tekst
from gebiedskompas.cli import app
from gebiedskompas.opslag import Opslag
from gebiedskompas.register import Register

LIMBURG_DORPEN_KLASSEN = {4, 5}


def _analyseer(opslag: Opslag, tmp_path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    resultaat = CliRunner().invoke(
        app, ["analyseer", *args, "--json", "--opslag", str(opslag.map), "--uit", str(tmp_path / "uit")]
    )
    assert resultaat.exit_code == 0, resultaat.output
    return json.loads(resultaat.stdout)  # type: ignore[no-any-return]


def test_dorpen_limburg_with_robustness(echte_opslag: Opslag, tmp_path: Path) -> None:
    uit = _analyseer(echte_opslag, tmp_path, "dorpen", "--robuustheid", "1000", "--naast", "wijken")
    gebieden = pd.DataFrame(uit["gebieden"])
    assert set(gebieden["provincie"]) == {"PV31"}
    assert set(gebieden["stedelijkheid"]) <= LIMBURG_DORPEN_KLASSEN
    assert "GM0981" not in set(gebieden["code"])  # Vaals is matig stedelijk (3)
    assert len(gebieden) == 20
    assert gebieden["groep"].nunique() >= 2
    assert gebieden["rang"].tolist() == sorted(gebieden["rang"].tolist())
    assert (gebieden["rang_p05"] <= gebieden["mediane_rang"]).all()
    assert (gebieden["mediane_rang"] <= gebieden["rang_p95"]).all()
    assert gebieden["kans_op_selectie"].between(0, 1).all()
    assert gebieden["kans_op_selectie"].sum() == pytest.approx(8, abs=1e-6)  # 8 places per replication
    assert {s["keuze"] for s in uit["gevoeligheid"]} >= {"normalisatie", "aggregatie"}
    # Vaals falls between the village and the urban scope while its need is high
    assert "GM0981" in {g["code"] for g in uit["tussen_wal_en_schip"]["gebieden"]}
    record = uit["runrecord"]
    assert record["seed"] == 20231
    assert {g["tabel"] for g in record["gegevens"]} >= {"50090NED", "84799NED"}
    assert all(len(g["sha256"]) == 64 for g in record["gegevens"])
    assert {Path(p).name for p in uit["bestanden"]} == {
        "gebieden.parquet",
        "indicatoren.parquet",
        "themas.parquet",
        "resultaat.json",
        "runrecord.json",
        "resultaat.xlsx",
    }
    bladen = pd.ExcelFile(tmp_path / "uit" / "resultaat.xlsx", engine="calamine").sheet_names
    assert {
        "Gebieden",
        "Thema's",
        "Indicatoren",
        "Gevoeligheid",
        "Methode",
        "Herkomst",
        "Tussen wal en schip",
    } <= set(bladen)
    assert (
        "Samengestelde score (nood)"
        in pd.read_excel(tmp_path / "uit" / "resultaat.xlsx", "Gebieden", engine="calamine").columns
    )


def test_wijken_limburg(echte_opslag: Opslag, tmp_path: Path) -> None:
    uit = _analyseer(echte_opslag, tmp_path, "wijken", "--robuustheid", "1000")
    gebieden = pd.DataFrame(uit["gebieden"])
    assert gebieden["code"].str.startswith("WK").all()
    assert set(gebieden["provincie"]) == {"PV31"}
    # stedelijkheid_van = "een van beide": the wijk itself or its gemeente is urban (class 1 or 2)
    klasse_gemeente = {
        g: Register(echte_opslag.lees().regios).stedelijkheid(g).get(2020) for g in set(gebieden["gemeente"])
    }
    eigen = gebieden["stedelijkheid"].isin([1, 2])
    stedelijk = eigen | gebieden["gemeente"].map(klasse_gemeente).isin([1, 2])
    assert stedelijk.all()
    assert not gebieden["stedelijkheid"].isin([1, 2]).all()  # low-density wijken of cities are in
    assert (gebieden["inwoners"] >= 200).all()
    # the most deprived urban wijken of Limburg lie in Heerlen (GM0917)
    assert gebieden.head(5)["gemeente"].eq("GM0917").sum() >= 3
    assert gebieden["groep"].nunique() >= 2
    assert gebieden["uitleg"].str.len().gt(0).all()


def test_wijken_per_buurt(echte_opslag: Opslag, tmp_path: Path) -> None:
    uit = _analyseer(echte_opslag, tmp_path, "wijken", "--niveau", "buurt")
    assert pd.DataFrame(uit["gebieden"])["code"].str.startswith("BU").all()


def test_run_record_replays_bit_for_bit(echte_opslag: Opslag, tmp_path: Path) -> None:
    _analyseer(echte_opslag, tmp_path / "a", "dorpen", "--robuustheid", "50", "--seed", "7")
    record = tmp_path / "a" / "uit" / "runrecord.json"
    _analyseer(echte_opslag, tmp_path / "b", str(record), "--robuustheid", "50")
    a = (tmp_path / "a" / "uit" / "gebieden.parquet").read_bytes()
    b = (tmp_path / "b" / "uit" / "gebieden.parquet").read_bytes()
    assert a == b


def test_methode_toon_prints_shipped_method(runner: CliRunner) -> None:
    resultaat = runner.invoke(app, ["methode", "toon", "dorpen"])
    assert resultaat.exit_code == 0
    assert resultaat.stdout == methode_tekst("dorpen")[0]


def _fout(echte_opslag: Opslag, tmp_path: Path, tekst: str, *verwacht: str) -> None:
    pad = tmp_path / "methode.toml"
    pad.write_text(tekst, encoding="utf-8")
    resultaat = CliRunner().invoke(
        app, ["analyseer", str(pad), "--opslag", str(echte_opslag.map), "--uit", str(tmp_path / "uit")]
    )
    assert resultaat.exit_code == 1, resultaat.output
    uitvoer = " ".join(resultaat.output.split())
    for v in verwacht:
        assert v in uitvoer, uitvoer


BASIS = methode_tekst("dorpen")[0]


def test_unknown_indicator(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace('id = "kwb.bijstand_per_1000"', 'id = "kwb.bijstand_per_100"'),
        "thema[1].indicator[2].id",
        "onbekende indicator 'kwb.bijstand_per_100'",
        "kwb.bijstand_per_1000",
    )


def test_unparsable_weight(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace('label = "Gezondheid"', 'label = "Gezondheid"\ngewicht = "zwaar"'),
        "thema[2].gewicht",
        "'zwaar' is geen getal",
    )


def test_empty_scope(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace("min_inwoners = 0", "min_inwoners = 10000000"),
        "sleutel 'scope'",
        "geen enkel gebied",
    )


def test_level_the_data_lacks(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace('periode = "2020"', 'periode = "2022"').replace(
            'niveau = "gemeente"', 'niveau = "buurt"'
        ),
        "scope.niveau",
        "buurt",
        "2022",
    )


def test_invalid_option_lists_valid_ones(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace('niveau = "gemeente"', 'niveau = "dorp"'),
        "scope.niveau",
        "'dorp'",
        "'gemeente'",
        "'wijk'",
        "'buurt'",
    )


def test_unknown_key_and_bad_toml(echte_opslag: Opslag, tmp_path: Path) -> None:
    _fout(
        echte_opslag,
        tmp_path,
        BASIS.replace("[benchmark]", "[benchmark]\nsoortt = 1"),
        "benchmark.soortt",
        "onbekende sleutel",
    )
    _fout(echte_opslag, tmp_path, "naam = ", "geen geldige TOML")
