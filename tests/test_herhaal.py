"""Run records that really replay: every parameter of a run comes back from its record, and a replay
first checks (by sha256) that the store holds the very tables the run read."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gebiedskompas.analyse.herhaal import vergelijk_gegevens
from gebiedskompas.analyse.methode import lees_methode
from gebiedskompas.cli import app
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag, Toestand

from .conftest import SHARED_DATA

# What `analyseer dorpen` (gemeente, 2020) reads: Gezondheidsmonitor 18+, KWB 2020 and the
# register of Gebieden in Nederland 2020 (urbanity, provinces).
BESTANDEN = (
    "rivm_gezondheidsmonitor/RIVM_gezondheid2020_18+.xlsx",
    "cbs_kwb/84799NED",
    "cbs_gebieden_in_nederland/84721NED.csv",
    "cbs_gezondheidsmonitor_regio/85012NED.csv",
    "leefbaarometer/Leefbaarometer-scores wijken 2002-2022.csv",
)
KWB = "cbs.v3.84799NED_TypedDataSet.parquet"
ROBUUST = ("mediane_rang", "rang_p05", "rang_p95", "kans_op_selectie")


def _analyseer(opslag: Path, uit: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["analyseer", *args, "--json", "--opslag", str(opslag), "--uit", str(uit)])


def _json(resultaat: Result) -> dict[str, Any]:
    assert resultaat.exit_code == 0, resultaat.output
    inhoud: dict[str, Any] = json.loads(resultaat.stdout)
    return inhoud


def _record(uit: Path) -> dict[str, Any]:
    inhoud: dict[str, Any] = json.loads((uit / "runrecord.json").read_text(encoding="utf-8"))
    return inhoud


def _sha(pad: Path) -> str:
    return hashlib.sha256(pad.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def kleine_opslag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    map = tmp_path_factory.mktemp("herhaal") / "opslag"
    laad([SHARED_DATA / b for b in BESTANDEN], Opslag(map))
    return map


@pytest.fixture
def opslag(kleine_opslag: Path, tmp_path: Path) -> Path:
    """A private copy of the small store, for tests that load changed tables into it."""
    doel = tmp_path / "opslag"
    shutil.copytree(kleine_opslag, doel)
    return doel


@pytest.fixture(scope="module")
def origineel(kleine_opslag: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one run with robustness, a seed and a method next to it."""
    uit = tmp_path_factory.mktemp("origineel") / "uit"
    _json(_analyseer(kleine_opslag, uit, "dorpen", "--robuustheid", "40", "--seed", "7", "--naast", "wijken"))
    return uit


def _laad_gewijzigde_kwb(opslag: Path, tmp_path: Path) -> str:
    """Load a copy of KWB 2020 in which one value of Valkenburg aan de Geul is tripled; its sha256."""
    map = tmp_path / "gewijzigd" / "84799NED"
    shutil.copytree(SHARED_DATA / "cbs_kwb" / "84799NED", map)
    data = pd.read_parquet(map / KWB)
    kolom = next(k for k in data.columns if k.startswith("AfstandTotGroteSupermarkt"))
    rij = data["WijkenEnBuurten"].str.strip() == "GM0994"
    assert rij.sum() == 1
    data.loc[rij, kolom] = data.loc[rij, kolom] * 3
    data.to_parquet(map / KWB, index=False)
    laad([map], Opslag(opslag))
    return _sha(map / KWB)


def _supermarkt_valkenburg(uit: Path) -> float:
    ind = pd.read_parquet(uit / "indicatoren.parquet")
    rij = ind[(ind["code"] == "GM0994") & (ind["indicator"] == "kwb.afstand_supermarkt")]
    return float(rij["waarde"].iloc[0])


def test_record_holds_every_parameter(origineel: Path) -> None:
    record = _record(origineel)
    assert record["seed"] == 7
    assert record["robuustheid"] == 40
    assert record["methode"] == lees_methode("dorpen").model_dump()
    assert record["naast"] == [lees_methode("wijken").model_dump()]  # full spec, not a name
    assert record["aanpassingen"] == {}
    assert record["andere_gegevens"] is False
    assert record["software"]["gebiedskompas"]
    gegevens = {g["tabel"]: g for g in record["gegevens"]}
    # the register table counts too: urbanity and provinces decide the scope
    assert set(gegevens) == {"50090NED", "84799NED", "84721NED", "85012NED", "LBM3"}
    assert gegevens["84799NED"]["versie"] == "2021-03-26T02:00:00"
    assert gegevens["84799NED"]["bestand"] == KWB
    assert gegevens["84799NED"]["sha256"] == _sha(SHARED_DATA / "cbs_kwb" / "84799NED" / KWB)
    assert gegevens["84721NED"]["sha256"] == _sha(SHARED_DATA / BESTANDEN[2])


def test_replay_is_bit_for_bit_with_the_records_parameters(
    kleine_opslag: Path, origineel: Path, tmp_path: Path
) -> None:
    uit = tmp_path / "uit"
    inhoud = _json(_analyseer(kleine_opslag, uit, str(origineel / "runrecord.json")))
    for naam in ("gebieden", "indicatoren", "themas"):
        assert (uit / f"{naam}.parquet").read_bytes() == (origineel / f"{naam}.parquet").read_bytes(), naam
    gebieden = pd.read_parquet(uit / "gebieden.parquet")
    assert set(ROBUUST) <= set(gebieden.columns)  # 40 replications, taken from the record
    eerder = json.loads((origineel / "resultaat.json").read_text(encoding="utf-8"))
    assert inhoud["gevoeligheid"] == eerder["gevoeligheid"] != []
    assert inhoud["tussen_wal_en_schip"] == eerder["tussen_wal_en_schip"] is not None
    assert inhoud["andere_gegevens"] is False
    record, oud = _record(uit), _record(origineel)
    for sleutel in ("seed", "robuustheid", "methode", "naast", "aanpassingen", "gegevens", "stappen"):
        assert record[sleutel] == oud[sleutel], sleutel
    assert record["herhaalt"]["tijdstip"] == oud["tijdstip"]


def test_naast_comes_from_the_record_not_from_the_shipped_file(
    kleine_opslag: Path, origineel: Path, tmp_path: Path
) -> None:
    assert "GM0981" in {g["code"] for g in _record_resultaat(origineel)["tussen_wal_en_schip"]["gebieden"]}
    record = _record(origineel)
    record["naast"][0]["scope"]["stedelijkheid"] = [1, 2, 3]  # now Vaals (class 3) is in a scope
    pad = tmp_path / "runrecord.json"
    pad.write_text(json.dumps(record), encoding="utf-8")
    inhoud = _json(_analyseer(kleine_opslag, tmp_path / "uit", str(pad)))
    wal = inhoud["tussen_wal_en_schip"]
    assert "GM0981" not in {g["code"] for g in wal["gebieden"]}
    assert "[1, 2, 3, 4, 5]" in wal["toelichting"]
    assert inhoud["runrecord"]["naast"][0]["scope"]["stedelijkheid"] == [1, 2, 3]


def _record_resultaat(uit: Path) -> dict[str, Any]:
    inhoud: dict[str, Any] = json.loads((uit / "resultaat.json").read_text(encoding="utf-8"))
    return inhoud


def test_explicit_options_override_the_record(kleine_opslag: Path, origineel: Path, tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    inhoud = _json(
        _analyseer(
            kleine_opslag,
            uit,
            str(origineel / "runrecord.json"),
            "--robuustheid",
            "0",
            "--seed",
            "8",
            "--jaar",
            "2020",
        )
    )
    assert not set(ROBUUST) & set(pd.read_parquet(uit / "gebieden.parquet").columns)
    record = inhoud["runrecord"]
    assert (record["robuustheid"], record["seed"]) == (0, 8)
    assert record["aanpassingen"] == {"periode": "2020"}
    assert record["naast"] == _record(origineel)["naast"]


def test_changed_table_refuses_the_replay(opslag: Path, origineel: Path, tmp_path: Path) -> None:
    oud = next(g["sha256"] for g in _record(origineel)["gegevens"] if g["tabel"] == "84799NED")
    nieuw = _laad_gewijzigde_kwb(opslag, tmp_path)
    assert nieuw != oud
    uit = tmp_path / "uit"
    resultaat = _analyseer(opslag, uit, str(origineel / "runrecord.json"))
    assert resultaat.exit_code == 1, resultaat.output
    melding = resultaat.stderr
    assert "niet dezelfde gegevens als het runrecord" in melding
    assert f"tabel 84799NED: in het runrecord sha256 {oud[:12]}… ({KWB}), in de opslag" in melding
    assert f"{nieuw[:12]}…" in melding
    assert "--andere-gegevens" in melding
    for ander in ("50090NED", "84721NED"):  # only the table that differs is named
        assert f"tabel {ander}" not in melding
    assert resultaat.stdout == ""
    assert not uit.exists()


def test_other_data_runs_with_the_option_and_the_outputs_say_so(
    opslag: Path, origineel: Path, tmp_path: Path
) -> None:
    nieuw = _laad_gewijzigde_kwb(opslag, tmp_path)
    uit = tmp_path / "uit"
    resultaat = _analyseer(opslag, uit, str(origineel / "runrecord.json"), "--andere-gegevens")
    inhoud = _json(resultaat)
    assert "Waarschuwing" in resultaat.stderr
    assert "tabel 84799NED" in resultaat.stderr
    assert inhoud["andere_gegevens"] is True
    for record in (inhoud["runrecord"], _record(uit), _record_resultaat(uit)["runrecord"]):
        assert record["andere_gegevens"] is True
        assert [v["tabel"] for v in record["verschillen"]] == ["84799NED"]
        assert nieuw in {g["sha256"] for g in record["verschillen"][0]["opslag"]}
        assert nieuw in {g["sha256"] for g in record["gegevens"]}
    # the run really used the changed table, with the record's other parameters
    assert _supermarkt_valkenburg(uit) == pytest.approx(3 * _supermarkt_valkenburg(origineel))
    assert set(ROBUUST) <= set(pd.read_parquet(uit / "gebieden.parquet").columns)
    methodeblad = pd.read_excel(uit / "resultaat.xlsx", "Methode", engine="calamine")
    assert "andere gegevens dan het herhaalde runrecord" in set(methodeblad["Onderdeel"])
    # the new record describes the data it ran on, so it replays without the option
    herhaling = _json(_analyseer(opslag, tmp_path / "weer", str(uit / "runrecord.json")))
    assert herhaling["andere_gegevens"] is False


def test_additional_version_of_the_register_table_refuses(
    opslag: Path, origineel: Path, tmp_path: Path
) -> None:
    kopie = tmp_path / "gin" / "84721NED.csv"
    kopie.parent.mkdir()
    inhoud = (SHARED_DATA / BESTANDEN[2]).read_bytes()
    assert b"Valkenburg aan de Geul" in inhoud
    kopie.write_bytes(inhoud.replace(b"Valkenburg aan de Geul", b"Valkenburg a/d Geul"))
    laad([kopie], Opslag(opslag))
    resultaat = _analyseer(opslag, tmp_path / "uit", str(origineel / "runrecord.json"))
    assert resultaat.exit_code == 1, resultaat.output
    assert (
        f"tabel 84721NED: in het runrecord sha256 {_sha(SHARED_DATA / BESTANDEN[2])[:12]}…"
        in resultaat.stderr
    )
    assert f"{_sha(kopie)[:12]}…" in resultaat.stderr


def test_invalid_record(kleine_opslag: Path, origineel: Path, tmp_path: Path) -> None:
    record = _record(origineel)
    del record["seed"]
    pad = tmp_path / "runrecord.json"
    pad.write_text(json.dumps(record), encoding="utf-8")
    resultaat = _analyseer(kleine_opslag, tmp_path / "uit", str(pad))
    assert resultaat.exit_code == 1
    assert "geen geldig runrecord" in resultaat.stderr


def _lading(tabel: str, sha: str, bestand: str = "t.csv") -> dict[str, Any]:
    return {"tabel": tabel, "sha256": sha * 64, "bestand": bestand, "versie": None}


def test_comparison_per_table() -> None:
    record = [_lading("A", "a"), _lading("B", "b", "b1.csv"), _lading("B", "c", "b2.csv")]
    assert vergelijk_gegevens(record, Toestand(ladingen=list(record))) == []
    # a table gone, a table loaded in another order, a table the replay would read but the record lacks
    opslag = [_lading("B", "c", "b2.csv"), _lading("B", "b", "b1.csv"), _lading("C", "d")]
    teksten = [v.tekst() for v in vergelijk_gegevens(record, Toestand(ladingen=opslag), ["C"])]
    assert teksten == [
        f"tabel A: in het runrecord sha256 {'a' * 12}… (t.csv), ontbreekt in de opslag",
        f"tabel B: in het runrecord sha256 {'b' * 12}… (b1.csv), {'c' * 12}… (b2.csv), "
        f"in de opslag {'c' * 12}… (b2.csv), {'b' * 12}… (b1.csv) "
        "(dezelfde bestanden, in een andere volgorde geladen)",
        f"tabel C: niet in het runrecord, in de opslag sha256 {'d' * 12}… (t.csv)",
    ]
    # a table the replay does not read is no difference
    assert vergelijk_gegevens(record[:1], Toestand(ladingen=[*record[:1], _lading("D", "e")])) == []
