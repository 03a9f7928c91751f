"""Issue 15, the output side: Excel only while it fits (a CSV and a note otherwise), the sheet writer,
the catalogue look-up built once, and the explanation and result tables without a loop over areas
(identical to the per-area implementation they replace)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from gebiedskompas import opmaak
from gebiedskompas.analyse import classificeer as cl
from gebiedskompas.analyse import pijplijn, uitvoer
from gebiedskompas.analyse.methode import Methode, lees_methode
from gebiedskompas.analyse.selecteer import Gegevens, selecteer
from gebiedskompas.analyse.verklaar import GEEN_UITLEG, bijdragen, getalteksten, uitlegteksten
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.catalogus import Catalogus, Indicator, catalogus, registreer_eigen
from gebiedskompas.excelveilig import excelschrijver
from gebiedskompas.opmaak import EXCEL_GETAL, getal
from gebiedskompas.opslag import Opslag
from gebiedskompas.presentatie import schrijf_excelblad

# --- the per-area implementations before issue 15: the reference the vectorised ones must match ---


def _uitleg_per_gebied(kern: pijplijn.Kern, wmat: np.ndarray, themagewicht: np.ndarray) -> list[str]:
    cat = catalogus()
    s = kern.gegevens.in_scope
    bijdrage = bijdragen(kern.v, kern.groepen.per_gebied(kern.bench_v), wmat, themagewicht)[s]
    volgorde = np.argsort(-np.nan_to_num(bijdrage, nan=-np.inf), axis=1)[:, :3]
    teksten = []
    for rij, i in enumerate(np.flatnonzero(s)):
        delen = []
        for j in (int(j) for j in volgorde[rij] if bijdrage[rij, j] > 0):
            ind = cat.get(kern.gegevens.indicatoren[j])
            label = ind.label if ind else kern.gegevens.indicatoren[j]
            waarde, referentie = getal(kern.gegevens.x[i, j], 1), getal(kern.referentie[i, j], 1)
            delen.append(f"{label}: {waarde} tegen {referentie}")
        teksten.append("; ".join(delen) or "Geen indicator duwt de score boven de benchmark.")
    return teksten


def _indicatortabel_met_indexen(kern: pijplijn.Kern, methode: Methode) -> pd.DataFrame:
    g = kern.gegevens
    s = np.flatnonzero(g.in_scope)
    k = len(g.indicatoren)
    rij, kol = np.repeat(s, k), np.tile(np.arange(k), len(s))
    thema_van = gewichten(methode).thema_van
    bench_v = kern.groepen.per_gebied(kern.bench_v)
    return pd.DataFrame(
        {
            "code": g.codes[rij],
            "indicator": np.array(g.indicatoren, dtype=object)[kol],
            "thema": np.array([t.id for t in methode.thema], dtype=object)[thema_van[kol]],
            "waarde": g.x[rij, kol],
            "onder": g.onder[rij, kol],
            "boven": g.boven[rij, kol],
            "behandeld": kern.x[rij, kol],
            "benchmark": kern.referentie[rij, kol],
            "genormaliseerd": kern.v[rij, kol],
            "benchmark_genormaliseerd": bench_v[rij, kol],
            "significant": kern.signif[rij, kol].astype(float),  # stored as 32-bit codes
            "geimputeerd": kern.geimputeerd[rij, kol],
        }
    )


def _thematabel_met_indexen(kern: pijplijn.Kern, methode: Methode) -> pd.DataFrame:
    g = kern.gegevens
    s = np.flatnonzero(g.in_scope)
    t_aantal = len(methode.thema)
    rij, kol = np.repeat(s, t_aantal), np.tile(np.arange(t_aantal), len(s))
    bench = kern.groepen.per_gebied(kern.bench_scores)
    oordeel = kern.oordeel[rij, kol]
    indeling = np.eye(t_aantal)[gewichten(methode).thema_van]
    waarden = ((~np.isnan(g.x)).astype(float) @ indeling).astype(int)
    met_marges = ((~np.isnan(kern.signif)).astype(float) @ indeling).astype(int)
    binnen = ((kern.signif == 0).astype(float) @ indeling).astype(int)
    return pd.DataFrame(
        {
            "code": g.codes[rij],
            "thema": np.array([t.id for t in methode.thema], dtype=object)[kol],
            "score": kern.scores[rij, kol],
            "benchmark": bench[rij, kol],
            "verschil": kern.scores[rij, kol] - bench[rij, kol],
            "score_getoetst": kern.getoetst[rij, kol],
            "indicatoren": waarden[rij, kol],
            "met_marges": met_marges[rij, kol],
            "binnen_marge": binnen[rij, kol],
            "oordeel": np.select(
                [oordeel == 1, oordeel == -1, oordeel == 0],
                ["slechter", "beter", "niet anders"],
                default="onbekend",
            ),
        }
    )


def _gebiedstabel_uit_lijsten(kern: pijplijn.Kern, methode: Methode, uitleg: list[str]) -> pd.DataFrame:
    g = kern.gegevens
    s = g.in_scope
    frame = pd.DataFrame(
        {
            "code": g.codes[s],
            "naam": g.namen[s],
            "gemeente": g.gemeenten[s],
            "provincie": g.provincies[s],
            "stedelijkheid": g.stedelijkheid[s],
            "inwoners": g.inwoners[s],
            "benchmark": np.array(kern.groepen.labels, dtype=object)[kern.groepen.index[s]],
            "composiet": kern.composiet[s],
            "benchmark_composiet": kern.bench_composiet[kern.groepen.index[s]],
            "rang": kern.rang[s],
            "groep": cl.groep(kern.oordeel[s], methode.classificatie.groep, methode.classificatie.overig),
            "ontbrekend": np.isnan(g.x[s]).sum(axis=1),
            "geimputeerd": kern.geimputeerd[s].sum(axis=1),
            "uitleg": uitleg,
        }
    )
    for t, thema in enumerate(methode.thema):
        frame[f"thema_{thema.id}"] = kern.scores[s, t]
    # by rank (no rank last), then by code
    return frame.sort_values(["rang", "code"], na_position="last", ignore_index=True)


# --- data ---------------------------------------------------------------------------------------


def _synthetisch(methode: Methode, n: int, seed: int) -> Gegevens:
    """n areas with lognormal values (5% missing, margins on every other indicator), random urbanity,
    a third out of scope, some without a name."""
    rng = np.random.default_rng(seed)
    ids = methode.indicator_ids()
    x = rng.lognormal(2.0, 0.8, size=(n, len(ids)))
    x[rng.random(x.shape) < 0.05] = np.nan
    onder, boven = x * 0.9, x * 1.1
    onder[:, ::2] = boven[:, ::2] = np.nan
    codes = np.array([f"BU{i:08d}" for i in range(n)], dtype=object)
    namen = codes.copy()
    namen[::7] = None
    return Gegevens(
        codes=codes,
        namen=namen,
        gemeenten=np.array(["GM0001"] * n, dtype=object),
        provincies=np.array(["PV20"] * n, dtype=object),
        stedelijkheid=rng.integers(1, 6, n).astype(float),
        inwoners=rng.integers(50, 5000, n).astype(float),
        in_scope=np.arange(n) % 3 != 0,
        indicatoren=list(ids),
        x=x,
        onder=onder,
        boven=boven,
    )


def _vergelijk_met_per_gebied(methode: Methode, gegevens: Gegevens) -> list[str]:
    kern = pijplijn.bereken(methode, gegevens)
    w = gewichten(methode)
    uitleg = pijplijn._uitleg(kern, methode, w.matrix(), w.thema)
    assert list(uitleg) == _uitleg_per_gebied(kern, w.matrix(), w.thema)
    for nieuw, oud in (
        (pijplijn._gebiedstabel(kern, methode, uitleg), _gebiedstabel_uit_lijsten(kern, methode, uitleg)),
        (pijplijn._indicatortabel(kern, methode), _indicatortabel_met_indexen(kern, methode)),
        (pijplijn._thematabel(kern, methode), _thematabel_met_indexen(kern, methode)),
    ):
        pd.testing.assert_frame_equal(nieuw, oud, check_exact=True)
    return list(uitleg)


# --- explanation and tables ------------------------------------------------------------------------


def test_numbers_formatted_as_getal_once_per_rounded_value() -> None:
    waarden = np.array(
        [
            1234.55,
            -0.04,
            -0.05,
            -0.06,
            0.05,
            0.15,
            0.25,
            0.35,
            1.45,
            2.675,
            12345678.95,
            1e16,
            -1e16,
            np.nan,
            np.inf,
            -np.inf,
            -0.0,
            5e-324,
            -7.25,
            999.95,
            -999.96,
        ]
    )
    # by hand: thousands separator, U+2212 minus, half to even on the decimal notation, "–" when none
    assert list(getalteksten(waarden[:4])) == ["1.234,6", "0,0", "0,0", "\u22120,1"]
    assert list(getalteksten(waarden[13:16])) == ["–", "–", "–"]
    rng = np.random.default_rng(1)
    willekeurig = np.concatenate(
        [rng.normal(0, 5, 2000), np.round(rng.normal(0, 50, 2000), 2), rng.lognormal(8, 3, 500)]
    )
    for reeks in (waarden, willekeurig, -willekeurig):
        assert list(getalteksten(reeks)) == [getal(float(w), 1) for w in reeks]
    assert getalteksten(waarden.reshape(3, 7)).shape == (3, 7)


def test_explanation_text_by_hand() -> None:
    bijdrage = np.array([[1.0, -1.0, 2.0], [np.nan, -1.0, -2.0], [0.5, 3.0, np.nan]])
    waarde = np.array([[1.25, 2.0, -3.0], [4.0, 5.0, 6.0], [np.nan, 1500.0, 1.0]])
    referentie = np.array([[1.0, 1.0, 2.5], [1.0, 1.0, 1.0], [7.0, -0.06, 1.0]])
    assert uitlegteksten(bijdrage, waarde, referentie, ["a", "b", "c"]) == [
        "c: \u22123,0 tegen 2,5; a: 1,2 tegen 1,0",
        GEEN_UITLEG,
        "b: 1.500,0 tegen \u22120,1; a: – tegen 7,0",
    ]
    assert GEEN_UITLEG == "Geen indicator duwt de score boven de benchmark."
    assert uitlegteksten(np.zeros((2, 0)), np.zeros((2, 0)), np.zeros((2, 0)), []) == [GEEN_UITLEG] * 2


def test_explanation_and_tables_match_the_per_area_implementation_on_synthetic_data() -> None:
    methode = lees_methode("wijken")
    uitleg = _vergelijk_met_per_gebied(methode, _synthetisch(methode, 3000, 4))
    assert any(t == GEEN_UITLEG for t in uitleg) or len(set(uitleg)) > 100
    # negative values and values on the half: the minus sign and the rounding of getal
    gegevens = _synthetisch(methode, 2000, 5)
    teken = np.where(np.random.default_rng(6).random(gegevens.x.shape) < 0.3, -1.0, 1.0)
    gegevens.x = np.round(gegevens.x, 2) * teken
    gegevens.x[:40] *= 1e5
    uitleg = _vergelijk_met_per_gebied(methode, gegevens)
    assert any("\u2212" in t for t in uitleg) and any("." in t.split(": ")[1] for t in uitleg)


def test_explanation_and_tables_match_the_per_area_implementation_on_real_data(
    echte_opslag: Opslag,
) -> None:
    toestand = echte_opslag.lees()
    for naam in ("wijken", "dorpen"):
        methode = lees_methode(naam)
        _vergelijk_met_per_gebied(methode, selecteer(methode, toestand))


# --- catalogue -----------------------------------------------------------------------------------


def test_catalogue_look_up_built_once_per_instance() -> None:
    cat = catalogus()
    ind = cat.indicator[0]
    assert cat.get(ind.id) is ind and cat.get("bestaat.niet") is None
    assert cat.opzoektabel is cat.opzoektabel  # built once
    assert cat == Catalogus.model_validate(cat.model_dump())  # the cache is no part of the model
    klein = Catalogus.model_construct(indicator=cat.indicator[:2])
    assert klein.get(cat.indicator[5].id) is None and klein.get(cat.indicator[1].id) is cat.indicator[1]
    kopie = cat.model_copy(update={"indicator": cat.indicator[:1]})
    assert kopie.get(cat.indicator[5].id) is None and cat.get(cat.indicator[5].id) is not None


def test_own_indicator_gets_a_new_catalogue_with_its_own_look_up() -> None:
    eigen = Indicator(
        id="eigen.test_schaal",
        label="Eigen meting",
        eenheid="%",
        thema="test",
        richting="hoger_is_slechter",
        niveaus=["gemeente"],
        definitie="test",
    )
    voor = catalogus()
    assert voor.get("kwb.bijstand_per_1000") is not None and voor.get(eigen.id) is None
    try:
        registreer_eigen("/tmp/test-schaal-opslag", [eigen])
        na = catalogus()
        assert na is not voor and na.get(eigen.id) is eigen
        assert voor.get(eigen.id) is None
    finally:
        registreer_eigen("/tmp/test-schaal-opslag", [])
    assert catalogus().get(eigen.id) is None


# --- Excel only while it fits ----------------------------------------------------------------------


def test_budget_keeps_sheets_in_order_while_they_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uitvoer, "EXCEL_CELLEN", 1000)
    monkeypatch.setattr(uitvoer, "EXCEL_RIJEN", 50)
    groottes = {"Gebieden": (40, 20), "Thema's": (60, 2), "Indicatoren": (50, 5)}
    # 800 cells fit; Thema's has more than 50 rows; 250 cells no longer fit in the 200 left
    assert uitvoer.buiten_excel(groottes) == ["Thema's", "Indicatoren"]
    assert uitvoer.buiten_excel({"Gebieden": (40, 20), "Indicatoren": (20, 10)}) == []
    assert uitvoer.EXCEL_RIJEN < 1_048_576


def _resultaat(echte_opslag: Opslag) -> pijplijn.Resultaat:
    return pijplijn.analyseer(lees_methode("wijken"), echte_opslag.lees())


def test_big_table_goes_to_csv_with_a_note_in_the_workbook(
    echte_opslag: Opslag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resultaat = _resultaat(echte_opslag)
    n = len(resultaat.indicatoren)
    # room for Gebieden and Thema's, not for Indicatoren
    cellen = resultaat.gebieden.size + resultaat.themas.size
    monkeypatch.setattr(uitvoer, "EXCEL_CELLEN", cellen)
    paden = uitvoer.bewaar(resultaat, tmp_path / "uit")
    assert {p.name for p in paden} == {
        "gebieden.parquet",
        "indicatoren.parquet",
        "themas.parquet",
        "resultaat.json",
        "runrecord.json",
        "indicatoren.csv",
        "resultaat.xlsx",
    }
    boek = load_workbook(tmp_path / "uit" / "resultaat.xlsx", read_only=True)
    assert boek.sheetnames[0] == "Lees mij" and "Indicatoren" not in boek.sheetnames
    assert {"Gebieden", "Thema's", "Methode"} <= set(boek.sheetnames)
    noot = [r[0] for r in boek["Lees mij"].iter_rows(values_only=True)]
    assert noot == [
        "Lees mij",
        f"Het blad Indicatoren ({getal(n, 0)} rijen) staat niet in dit Excelbestand: te groot; zie "
        "indicatoren.parquet of indicatoren.csv in dezelfde map.",
    ]
    assert next(boek["Gebieden"].iter_rows(values_only=True))[:3] == ("Code", "Naam", "Gemeente")
    regel = uitvoer.excelregel(resultaat)
    assert regel == (
        f"Let op: te groot voor Excel en dus niet in resultaat.xlsx: Indicatoren ({getal(n, 0)} rijen); "
        "zie indicatoren.csv."
    )
    tekst = (tmp_path / "uit" / "indicatoren.csv").read_bytes()
    assert tekst.startswith("\ufeff".encode()) and b"\r\n" in tekst
    terug = pd.read_csv(io.BytesIO(tekst), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(terug.columns[:4]) == ["Code", "Indicator", "Omschrijving", "Thema"]
    assert len(terug) == n
    np.testing.assert_array_equal(terug["Waarde"].to_numpy(), resultaat.indicatoren["waarde"].to_numpy())
    assert terug["Omschrijving"].iloc[0] == catalogus().get(str(terug["Indicator"].iloc[0])).label  # type: ignore[union-attr]


def test_everything_fits_for_a_small_run(echte_opslag: Opslag, tmp_path: Path) -> None:
    resultaat = _resultaat(echte_opslag)
    assert uitvoer.weggelaten(resultaat) == [] and uitvoer.excelregel(resultaat) is None
    uitvoer.bewaar(resultaat, tmp_path / "uit")
    assert not list((tmp_path / "uit").glob("*.csv"))
    boek = load_workbook(tmp_path / "uit" / "resultaat.xlsx", read_only=True)
    assert boek.sheetnames[:3] == ["Gebieden", "Thema's", "Indicatoren"]
    kop = next(boek["Indicatoren"].iter_rows(values_only=True))
    assert kop[:4] == ("Code", "Indicator", "Omschrijving", "Thema")


def test_csv_is_dutch_and_formula_safe(tmp_path: Path) -> None:
    tabel = pd.DataFrame(
        {
            "naam": ["=1+1", "-2", "gewoon; met puntkomma", None],
            "getal": [-1.5, 1234.25, np.nan, 0.0],
            "heel": [1, -2, 3, 4],
            "waar": [True, False, True, False],
        }
    )
    pad = tmp_path / "t.csv"
    uitvoer.schrijf_csv(tabel, pad)
    tekst = pad.read_bytes().decode("utf-8")
    assert tekst.startswith("\ufeff")
    regels = tekst.removeprefix("\ufeff").split("\r\n")
    assert regels[:5] == [
        '"naam";"getal";"heel";"waar"',
        '"\'=1+1";"-1,5";1;"True"',
        '"\'-2";"1234,25";-2;"False"',
        '"gewoon; met puntkomma";;3;"True"',
        ';"0";4;"False"',
    ]
    terug = pd.read_csv(pad, sep=";", decimal=",", encoding="utf-8-sig")
    assert terug["getal"].tolist()[:2] == [-1.5, 1234.25] and terug["naam"].iloc[0] == "'=1+1"


def test_csv_of_other_types_goes_through_pandas(tmp_path: Path) -> None:
    tabel = pd.DataFrame({"wanneer": pd.to_datetime(["2024-01-02"]), "x": [0.5], "t": ["=A1"]})
    pad = tmp_path / "t.csv"
    uitvoer.schrijf_csv(tabel, pad)
    tekst = pad.read_bytes().decode("utf-8-sig")
    assert tekst.split("\r\n")[:2] == ["wanneer;x;t", "2024-01-02;0,5;'=A1"]


# --- the sheet writer ------------------------------------------------------------------------------


def _blad(frame: pd.DataFrame, gewone_schrijver: bool) -> Any:
    """The sheet as written by ``excelschrijver`` or by a plain pandas writer (as the web download)."""
    buffer = io.BytesIO()
    maak = pd.ExcelWriter(buffer, engine="xlsxwriter") if gewone_schrijver else excelschrijver(buffer)
    with maak as schrijver:
        schrijf_excelblad(schrijver, "Blad", frame, {"score": "Score"})
    return load_workbook(io.BytesIO(buffer.getvalue()))["Blad"]


@pytest.mark.parametrize("gewone_schrijver", [False, True])
def test_sheet_writer_cells(gewone_schrijver: bool) -> None:
    frame = pd.DataFrame(
        {
            "naam": ["=HYPERLINK(1)", "", None, "http://x.nl"],
            "score": [0.5, np.nan, np.inf, -0.25],
            "heel": [1, 2, 3, 4],
            "vlag": [True, False, True, False],
            "gemengd": pd.Series([1.5, "a", None, True], dtype=object),
        }
    )
    blad = _blad(frame, gewone_schrijver)
    assert blad.freeze_panes == "A2"
    rijen = [[c.value for c in rij] for rij in blad.iter_rows()]
    assert rijen == [
        ["naam", "Score", "heel", "vlag", "gemengd"],
        ["=HYPERLINK(1)", 0.5, 1, True, 1.5],
        [None, None, 2, False, "a"],
        [None, "inf", 3, True, None],
        ["http://x.nl", -0.25, 4, False, True],
    ]
    assert blad["A2"].data_type == "s" and blad["A5"].hyperlink is None
    assert [blad.cell(2, k).number_format for k in (2, 3)] == [EXCEL_GETAL[3], EXCEL_GETAL[0]]


@pytest.mark.parametrize("gewone_schrijver", [False, True])
def test_sheet_writer_leaves_dates_to_pandas(gewone_schrijver: bool) -> None:
    frame = pd.DataFrame({"wanneer": pd.to_datetime(["2024-01-02", "2024-01-03"]), "x": [2.5, 3.0]})
    blad = _blad(frame, gewone_schrijver)
    assert blad["A3"].value.day == 3 and blad["B3"].value == 3.0
    assert blad["A1"].value == "wanneer" and blad["A2"].value.year == 2024 and blad["B2"].value == 2.5
    assert blad.freeze_panes == "A2" and blad["B2"].number_format == EXCEL_GETAL[2]


def test_note_for_a_sheet_without_parquet_file() -> None:
    weg = uitvoer.Weggelaten("Tussen wal en schip", "tussen_wal_en_schip", 123456, met_parquet=False)
    assert weg.tekst == (
        "Het blad Tussen wal en schip (123.456 rijen) staat niet in dit Excelbestand: te groot; zie "
        "tussen_wal_en_schip.csv in dezelfde map."
    )


def test_json_rows_as_the_cell_by_cell_conversion() -> None:
    tabel = pd.DataFrame(
        {
            "code": ["GM0001", "GM0002", "GM0003"],
            "naam": pd.Series(["a", None, "c"], dtype="str"),
            "score": [0.5, np.nan, np.inf],
            "rang": [1, 2, 3],
            "vlag": [True, False, True],
            "gemengd": pd.Series([1.5, "x", None], dtype=object),
        }
    )
    verwacht = [
        {"code": "GM0001", "naam": "a", "score": 0.5, "rang": 1, "vlag": True, "gemengd": 1.5},
        {"code": "GM0002", "naam": None, "score": None, "rang": 2, "vlag": False, "gemengd": "x"},
        {"code": "GM0003", "naam": "c", "score": None, "rang": 3, "vlag": True, "gemengd": None},
    ]
    assert uitvoer.json_rijen(tabel) == verwacht == opmaak.als_json(tabel.to_dict("records"))
    assert [type(r["rang"]) for r in uitvoer.json_rijen(tabel)] == [int, int, int]


@pytest.mark.parametrize("codes", [["A1", "A2", "B1", "B2", "C1"], ["C1", "A2", "B2", "A1", "B1"]])
def test_areas_by_rank_then_code_as_pandas_sorts_them(codes: list[str]) -> None:
    # ranks with a tie (2, 2) and a missing rank; codes in order (fast path) or not (pandas)
    frame = pd.DataFrame({"code": codes, "rang": [2.0, np.nan, 1.0, 2.0, 4.0]})
    verwacht = frame.sort_values(["rang", "code"], na_position="last", ignore_index=True)
    orde = pijplijn._rangorde(frame["rang"].to_numpy(), np.array(codes, dtype=object))
    pd.testing.assert_frame_equal(frame.take(orde).reset_index(drop=True), verwacht)


def test_fast_dutch_numbers_equal_getal() -> None:
    from gebiedskompas.analyse.verklaar import _snel_getal

    # by hand: thousands with a point, decimal comma, a real minus sign; NaN and halves via getal
    assert _snel_getal(np.array([1234.5, -0.1, 1e6, 0.0, np.nan, 0.25]), 1) == [
        "1.234,5",
        "\u22120,1",
        "1.000.000,0",
        "0,0",
        getal(np.nan, 1),
        getal(0.25, 1),
    ]
    rng = np.random.default_rng(3)
    for decimalen in (0, 1, 2):
        ruw = np.concatenate([rng.normal(0, 3, 3000), rng.lognormal(0, 6, 3000), -rng.lognormal(0, 6, 3000)])
        waarden = np.rint(ruw * 10.0**decimalen) / 10.0**decimalen + 0.0
        assert _snel_getal(waarden, decimalen) == [getal(float(w), decimalen) for w in waarden]
