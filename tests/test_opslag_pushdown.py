"""Filtered reads of the store (row groups chosen by their statistics), the lazily read snapshot,
the one-reshape selection and the register built once per load."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from gebiedskompas import codes, laden
from gebiedskompas.analyse.methode import lees_methode
from gebiedskompas.analyse.selecteer import Gegevens, breed, gemeenten_van, ouders_van, selecteer
from gebiedskompas.errors import OpslagFout
from gebiedskompas.laden import laad
from gebiedskompas.opslag import (
    RIJGROEP,
    WAARNEMING_VOLGORDE,
    Opslag,
    Toestand,
    kies_waarnemingen,
    lees_gefilterd,
)
from gebiedskompas.register import Register

from .helpers import kwb_2020, rivm_csv

TEKST = ["regio", "periode", "indicator", "bron"]
GEZOND = "gezondheid.ervaren_gezondheid_goed.18plus"
BIJSTAND = "kwb.bijstand_per_1000"


def _vergelijkbaar(w: pd.DataFrame) -> pd.DataFrame:
    """Text columns as str, rows in one order, a fresh index: what two reads must agree on."""
    w = w.astype({k: str for k in TEKST if k in w.columns})
    return w.sort_values(WAARNEMING_VOLGORDE, ignore_index=True)[sorted(w.columns)]


def _breed_met_pivot(w: pd.DataFrame, ids: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The reshape as selecteer did it before: three pivots (reference implementation). On text
    codes pivot sorts the regions; on categorical codes pandas 3.1 keeps them in order of first
    appearance instead, which depends on the row order of the store, so the reference (and
    ``breed``) use the sorted order."""
    w = w.astype({"regio": str, "indicator": str})
    delen = {k: w.pivot(index="regio", columns="indicator", values=k) for k in ("waarde", "onder", "boven")}
    regios = delen["waarde"].index.to_numpy(dtype=object)
    return regios, {
        k: v.reindex(index=regios, columns=ids).to_numpy(dtype="float64") for k, v in delen.items()
    }


def _waarnemingen(rijen: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    w = pd.DataFrame(rijen, columns=["regio", "periode", "indicator", "waarde"])
    return w.assign(onder=w["waarde"] - 1, boven=w["waarde"] + 1, bron="T1", indeling=2020)


# --- in memory, by hand ---------------------------------------------------------------------


def test_filter_in_memory_by_hand() -> None:
    toestand = Toestand(
        waarnemingen=_waarnemingen(
            [
                ("BU00010001", "2020", "a", 1.0),
                ("BU00010001", "2022", "a", 2.0),
                ("WK000100", "2020", "a", 3.0),
                ("BU00010002", "2020", "b", 4.0),
                ("GM0001", "2020", "b", 5.0),
            ]
        )
    )
    assert toestand.waarnemingen_voor("2020", ["a"], ["BU"])["waarde"].tolist() == [1.0]
    assert toestand.waarnemingen_voor("2020", None, ["BU", "GM"])["waarde"].tolist() == [1.0, 4.0, 5.0]
    assert toestand.waarnemingen_voor(None, ["a"])["waarde"].tolist() == [1.0, 2.0, 3.0]
    assert toestand.waarnemingen_voor("2020", ["a"], [])["waarde"].tolist() == []


def test_breed_by_hand_sorted_codes_nan_where_missing() -> None:
    w = _waarnemingen(
        [
            ("BU00020001", "2020", "b", 4.0),
            ("BU00010001", "2020", "a", 1.0),
            ("BU00010001", "2020", "b", 2.0),
            ("BU00030001", "2020", "x", 9.0),  # an indicator not asked for: only its region counts
        ]
    )
    regios, m = breed(w, ["a", "b"])
    assert regios.tolist() == ["BU00010001", "BU00020001", "BU00030001"]
    np.testing.assert_array_equal(m["waarde"], [[1.0, 2.0], [np.nan, 4.0], [np.nan, np.nan]])
    np.testing.assert_array_equal(m["onder"], [[0.0, 1.0], [np.nan, 3.0], [np.nan, np.nan]])
    referentie_regios, referentie = _breed_met_pivot(w, ["a", "b"])
    assert regios.tolist() == referentie_regios.tolist()
    for k in ("waarde", "onder", "boven"):
        np.testing.assert_array_equal(m[k], referentie[k])


def test_breed_refuses_two_values_for_one_cell() -> None:
    w = _waarnemingen([("BU00010001", "2020", "a", 1.0), ("BU00010001", "2020", "a", 2.0)])
    with pytest.raises(ValueError):
        _breed_met_pivot(w, ["a"])  # as pivot did
    with pytest.raises(OpslagFout, match=r"1 gebied-indicatorparen .*BU00010001 a"):
        breed(w, ["a"])


def test_vectorised_code_functions_equal_the_scalar_ones() -> None:
    voorbeelden = ["BU03630000", "BU0363AA01", "WK036300", "WK0363AA", "GM0363", "PV31", "NL00", "XX", "BU1"]
    regios = np.array(voorbeelden, dtype=object)
    assert gemeenten_van(regios).tolist() == [codes.gemeente_van(c) for c in voorbeelden]
    assert ouders_van(regios).tolist() == [codes.ouder_van(c) for c in voorbeelden]


# --- the real store ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def volledig(echte_opslag: Opslag) -> Toestand:
    return echte_opslag.lees()


@pytest.mark.parametrize(
    ("periode", "ids", "prefixen"),
    [
        ("2020", [GEZOND, BIJSTAND], ["BU"]),
        ("2020", [GEZOND], ["WK", "GM"]),
        (None, [BIJSTAND], None),
        ("2022", None, ["GM"]),
        ("1999", [GEZOND], ["BU"]),  # nothing
    ],
)
def test_filtered_read_equals_the_filter_in_memory(
    echte_opslag: Opslag,
    volledig: Toestand,
    periode: str | None,
    ids: list[str] | None,
    prefixen: list[str] | None,
) -> None:
    lui = echte_opslag.lees(lui=True)
    gelezen = lui.waarnemingen_voor(periode, ids, prefixen)
    verwacht = kies_waarnemingen(volledig.waarnemingen, periode, ids, prefixen)
    pd.testing.assert_frame_equal(_vergelijkbaar(gelezen), _vergelijkbaar(verwacht))
    assert "waarnemingen" not in lui.__dict__  # the filtered read did not load everything
    if periode == "2020" and prefixen == ["BU"]:
        assert len(gelezen) > 20_000  # two indicators for ~13,000 buurten


def test_lazy_snapshot_survives_pickling(echte_opslag: Opslag, volledig: Toestand) -> None:
    """Process pools pickle their arguments: a lazy snapshot stays lazy and reads the same rows."""
    kopie = pickle.loads(pickle.dumps(echte_opslag.lees(lui=True)))
    assert "waarnemingen" not in kopie.__dict__
    gelezen = kopie.waarnemingen_voor("2020", [BIJSTAND], ["WK"])
    verwacht = kies_waarnemingen(volledig.waarnemingen, "2020", [BIJSTAND], ["WK"])
    pd.testing.assert_frame_equal(_vergelijkbaar(gelezen), _vergelijkbaar(verwacht))
    assert len(gelezen) > 1000


def test_lazy_snapshot_loads_everything_on_first_use(echte_opslag: Opslag, volledig: Toestand) -> None:
    lui = echte_opslag.lees(lui=True)
    assert lui.ladingen == volledig.ladingen
    pd.testing.assert_frame_equal(lui.regios, volledig.regios)
    pd.testing.assert_frame_equal(lui.waarnemingen, volledig.waarnemingen)
    # loaded now: later filters work in memory
    assert len(lui.waarnemingen_voor("2020", [GEZOND], ["BU"])) > 10_000


def test_new_snapshots_are_sorted_in_small_row_groups(echte_opslag: Opslag) -> None:
    bestand = echte_opslag.map / str(echte_opslag.huidige_versie()) / "waarnemingen.parquet"
    meta = pq.read_metadata(bestand)
    assert meta.num_row_groups > 1
    assert all(meta.row_group(i).num_rows <= RIJGROEP for i in range(meta.num_row_groups))
    sleutels = pd.read_parquet(bestand, columns=WAARNEMING_VOLGORDE).astype(str)
    assert sleutels.equals(sleutels.sort_values(WAARNEMING_VOLGORDE, ignore_index=True))


def test_statistics_skip_most_row_groups(echte_opslag: Opslag, monkeypatch: pytest.MonkeyPatch) -> None:
    bestand = echte_opslag.map / str(echte_opslag.huidige_versie()) / "waarnemingen.parquet"
    gelezen: list[int] = []
    origineel = pq.ParquetFile.read_row_group

    def tel(self: pq.ParquetFile, i: int, *args: object, **kwargs: object) -> object:
        gelezen.append(i)
        return origineel(self, i, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", tel)
    w = lees_gefilterd(bestand, "2020", [GEZOND], ["BU"])
    assert len(w) > 10_000
    assert 1 <= len(gelezen) <= pq.read_metadata(bestand).num_row_groups // 4


def test_selecteer_same_from_lazy_and_full_read(echte_opslag: Opslag, volledig: Toestand) -> None:
    for niveau in ("buurt", "wijk"):
        methode = lees_methode("wijken")
        methode.scope.niveau = niveau
        a, b = selecteer(methode, volledig), selecteer(methode, echte_opslag.lees(lui=True))
        _gelijk(a, b)
        assert a.n > 1000


def test_breed_equals_three_pivots_on_real_data(volledig: Toestand) -> None:
    methode = lees_methode("wijken")
    ids = methode.indicator_ids()
    w = volledig.waarnemingen_voor(methode.scope.periode, ids, ["WK"])
    regios, m = breed(w, ids)
    referentie_regios, referentie = _breed_met_pivot(w, ids)
    assert regios.tolist() == [str(c) for c in referentie_regios]
    for k in ("waarde", "onder", "boven"):
        np.testing.assert_array_equal(m[k], referentie[k])
    assert np.isnan(m["waarde"]).any() and not np.isnan(m["waarde"]).all()


def _gelijk(a: Gegevens, b: Gegevens) -> None:
    for veld in a.__dataclass_fields__:
        x, y = getattr(a, veld), getattr(b, veld)
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y, err_msg=veld)
        elif isinstance(x, np.ndarray):
            assert x.tolist() == y.tolist(), veld
        else:
            assert x == y, veld


# --- an old store: one row group, unsorted, without the indeling column ---------------------------


def test_old_layout_snapshot_still_reads(tmp_path: Path) -> None:
    map = tmp_path / "opslag"
    snapshot = map / "v000001"
    snapshot.mkdir(parents=True)
    w = _waarnemingen(
        [
            ("WK000100", "2020", "a", 3.0),
            ("BU00010002", "2020", "b", 4.0),
            ("BU00010001", "2020", "a", 1.0),
            ("BU00010001", "2019", "a", 2.0),
        ]
    ).drop(columns="indeling")
    w.astype({k: "category" for k in TEKST}).to_parquet(snapshot / "waarnemingen.parquet", index=False)
    leeg = Toestand()
    leeg.regios.to_parquet(snapshot / "regios.parquet", index=False)
    leeg.grenswijzigingen.to_parquet(snapshot / "grenswijzigingen.parquet", index=False)
    (snapshot / "herkomst.json").write_text(json.dumps({"versie": "v000001", "ladingen": [], "grenzen": {}}))
    (map / "HUIDIG").write_text("v000001")

    gekozen = Opslag(map).lees(lui=True).waarnemingen_voor("2020", ["a"], ["BU", "WK"])
    assert sorted(gekozen["waarde"].tolist()) == [1.0, 3.0]
    assert gekozen["indeling"].tolist() == [2020, 2020]  # derived from the period, as lees() does
    assert len(Opslag(map).lees().waarnemingen) == 4


def test_vanished_snapshot_is_a_dutch_error(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    opslag.schrijf(Toestand(waarnemingen=_waarnemingen([("BU00010001", "2020", "a", 1.0)])))
    lui = opslag.lees(lui=True)
    (opslag.map / "v000001" / "waarnemingen.parquet").unlink()
    with pytest.raises(OpslagFout, match="opslagversie v000001 zijn niet meer te lezen"):
        lui.waarnemingen_voor("2020")


# --- the register during a load ---------------------------------------------------------------------


def test_register_built_again_only_after_a_file_adds_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gebouwd: list[int] = []

    class TelRegister(Register):
        def __init__(self, *args: object, **kwargs: object) -> None:
            gebouwd.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(laden, "Register", TelRegister)
    data = tmp_path / "data"
    data.mkdir()
    kwb_2020(data)  # adds regions
    rivm_csv(data)  # adds none
    resultaat = laad([data], Opslag(tmp_path / "opslag"))
    assert not resultaat.mislukt and len(resultaat.geladen) == 2
    assert len(gebouwd) == 2  # once at the start, once after the KWB file (not per file)
