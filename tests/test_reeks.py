"""Time series per area on one area classification (``reeks``): herindelingen combined, wijk series,
a hand-made split, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadr
import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.errors import InvoerFout
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag, Toestand
from gebiedskompas.reeks import reeks
from gebiedskompas.register import Register

ERVAREN = "gezondheid_gemeente.ervaren_gezondheid_goed.18plus"


@pytest.fixture(scope="module")
def opslag(reeksopslag: Opslag) -> Opslag:
    return reeksopslag


@pytest.fixture(scope="module")
def toestand(opslag: Opslag) -> Toestand:
    return opslag.lees()


def _rij(frame: pd.DataFrame, indicator: str, periode: str, bron: str | None = None) -> pd.Series:
    rijen = frame[(frame["indicator"] == indicator) & (frame["periode"] == periode)]
    rijen = rijen[rijen["bron"] == bron] if bron else rijen
    assert len(rijen) == 1, rijen
    return rijen.iloc[0]


def test_eemsdelta_2020_known_answer_from_the_files(toestand: Toestand) -> None:
    # 85012NED.csv, Leeftijd "Totaal", ErvarenGezondheidGoedZeerGoed_1 (waarde; onder; boven):
    #   Appingedam 72.8 (69.2; 76.2), Delfzijl 77.6 (74.2; 80.8), Loppersum 74.4 (70.7; 77.8)
    # 84721NED.csv (Gebieden in Nederland 2020), Inwonertal_52:
    #   Appingedam 11 642, Delfzijl 24 678, Loppersum 9 537; total 45 857
    # mean = (72.8*11642 + 77.6*24678 + 74.4*9537) / 45857
    #      = (847 537.6 + 1 915 012.8 + 709 552.8) / 45857 = 3 472 103.2 / 45857 = 75.71588...
    # se_i = (boven - onder) / 3.92: 7.0/3.92 = 1.78571, 6.6/3.92 = 1.68367, 7.1/3.92 = 1.81122
    # se = sqrt((11642*1.78571)² + (24678*1.68367)² + (9537*1.81122)²) / 45857
    #    = sqrt(20789.3² + 41549.6² + 17273.6²) / 45857 = 49568.1 / 45857 = 1.08093
    # interval = 75.71588 -/+ 1.96 * 1.08093 = 73.5973 .. 77.8345
    r = reeks(toestand, "GM1979", [ERVAREN])
    assert (r.code, r.naam, r.indeling) == ("GM1979", "Eemsdelta", 2025)
    h = _rij(r.waarden, ERVAREN, "2020")
    assert h["waarde"] == pytest.approx(3472103.2 / 45857, abs=1e-9)
    assert h["waarde"] == pytest.approx(75.71588, abs=1e-5)
    assert (h["onder"], h["boven"]) == (pytest.approx(73.5973, abs=1e-3), pytest.approx(77.8345, abs=1e-3))
    assert bool(h["geharmoniseerd"]) and h["bron"] == "85012NED" and h["indeling_bron"] == 2020
    assert h["methode"].startswith(
        "samengevoegd uit Appingedam (GM0003), Delfzijl (GM0010), Loppersum (GM0024); "
        "naar inwonertal (2020) gewogen; herindeling 2021, opvolgers uit de grenswijzigingsmatrix (adressen)"
    )
    assert "95%-interval benaderd" in h["methode"]
    direct = _rij(r.waarden, ERVAREN, "2022")  # 85563NED already has Eemsdelta
    assert (direct["waarde"], direct["onder"], direct["boven"]) == (61.4, 57.2, 65.5)
    assert not direct["geharmoniseerd"] and direct["methode"] == "" and direct["bron"] == "85563NED"


def test_count_is_summed(toestand: Toestand) -> None:
    # 84799NED parquet, AantalInwoners_5: GM0003 11 642 + GM0010 24 678 + GM0024 9 537 = 45 857;
    # 85984NED.csv (KWB 2024) has Eemsdelta itself: 45 106.
    r = reeks(toestand, "GM1979", ["kwb.inwoners"])
    som = _rij(r.waarden, "kwb.inwoners", "2020", "84799NED")
    assert som["waarde"] == 11642 + 24678 + 9537
    assert bool(som["geharmoniseerd"]) and som["methode"].startswith("opgeteld uit Appingedam (GM0003)")
    assert math.isnan(som["onder"])
    assert _rij(r.waarden, "kwb.inwoners", "2024", "85984NED")["waarde"] == 45106


def test_split_gemeente_takes_its_address_share(toestand: Toestand) -> None:
    # Haaren (GM0788) was split in 2021; Vught (GM0865) received 34.3% of its addresses.
    r = reeks(toestand, "GM0865", ["kwb.inwoners"])
    rij = _rij(r.waarden, "kwb.inwoners", "2020", "84799NED")
    w = toestand.waarnemingen
    inw = w[(w["indicator"] == "kwb.inwoners") & (w["bron"] == "84799NED")].set_index("regio")["waarde"]
    haaren = next(
        h.aandeel
        for h in Register(toestand.regios, toestand.grenswijzigingen).herindelingen()
        if (h.oude_code, h.nieuwe_code) == ("GM0788", "GM0865")
    )
    assert haaren == pytest.approx(0.3425, abs=1e-4)
    assert rij["waarde"] == pytest.approx(inw["GM0865"] + haaren * inw["GM0788"])
    assert "Haaren (GM0788, 34,3%)" in rij["methode"]


def test_value_in_a_newer_classification_is_not_split_back(toestand: Toestand) -> None:
    # Purmerend received Beemster in 2022: its 2022 value cannot be put on the 2020 map.
    r = reeks(toestand, "GM0439", [ERVAREN], indeling=2020)
    assert _rij(r.waarden, ERVAREN, "2020")["methode"] == ""
    terug = _rij(r.waarden, ERVAREN, "2022")
    assert math.isnan(terug["waarde"]) and "niet terug te rekenen" in terug["methode"]


def test_leefbaarometer_wijk_series_has_eight_periods(toestand: Toestand) -> None:
    r = reeks(toestand, "WK091721", ["leefbaarometer.lbm"])
    assert r.indeling == 2024  # the latest wijk classification the register knows
    assert r.waarden["periode"].tolist() == ["2002", "2008", "2012", "2014", "2016", "2018", "2020", "2022"]
    assert not r.waarden["geharmoniseerd"].any() and set(r.waarden["indeling_bron"]) == {2022}
    # Leefbaarometer-scores wijken 2002-2022.csv, WK091721, jaar 2002 and 2022, column lbm
    assert r.waarden["waarde"].iloc[0] == pytest.approx(3.8121415981339384)
    assert r.waarden["waarde"].iloc[-1] == pytest.approx(3.8575129488176643)


def test_wijk_values_follow_the_wijk_matrix(toestand: Toestand) -> None:
    # Appingedam-Centrum (WK197911, 2024) lay in Appingedam's one wijk WK000300 in 2020; the wijk
    # matrix 2020-2024 moves 1 354 of that wijk's addresses there.
    gw = toestand.grenswijzigingen
    m = gw[(gw["niveau"] == "wijk") & (gw["van_jaar"] == 2020) & (gw["naar_jaar"] == 2024)]
    aandeel = (
        m[(m["kolom"] == "WK000300") & (m["rij"] == "WK197911")]["adressen"].sum()
        / m[m["kolom"] == "WK000300"]["adressen"].sum()
    )
    r = reeks(toestand, "WK197911", ["kwb.inwoners"])
    rij = _rij(r.waarden, "kwb.inwoners", "2020", "84799NED")
    w = toestand.waarnemingen
    oud = w[(w["regio"] == "WK000300") & (w["indicator"] == "kwb.inwoners") & (w["bron"] == "84799NED")]
    assert rij["waarde"] == pytest.approx(aandeel * float(oud["waarde"].iloc[0]))
    assert bool(rij["geharmoniseerd"]) and "grenswijzigingsmatrix 2020–2024" in rij["methode"]


def test_errors_name_the_code_or_indicator(toestand: Toestand) -> None:
    with pytest.raises(InvoerFout, match=r"onbekende indicator 'bestaat\.niet'"):
        reeks(toestand, "GM1979", ["bestaat.niet"])
    with pytest.raises(
        InvoerFout, match=r"GM0003 \(Appingedam\) bestaat niet in de indeling 2025.*Eemsdelta"
    ):
        reeks(toestand, "GM0003")
    with pytest.raises(InvoerFout, match="GM9999 komt niet voor"):
        reeks(toestand, "GM9999")


# --- hand-made split ------------------------------------------------------------------------------------

_GEBIEDEN_KOP = (
    "ID;RegioS;Code_1;Naam_2;Code_8;Naam_9;Code_14;Naam_15;Code_24;Naam_25;Code_26;Naam_27;Code_50;"
    "Omschrijving_51;Inwonertal_52;Omgevingsadressendichtheid_53"
)


def _gebieden(pad: Path, gemeenten: list[tuple[str, str, int]]) -> None:
    regels = [_GEBIEDEN_KOP]
    for i, (code, naam, inwoners) in enumerate(gemeenten):
        regels.append(
            f"{i};{naam};{code};{naam};CR01;Corop;GG0001;GGD Test;LD01;Noord-Nederland;PV20;Groningen;"
            f"3;Matig stedelijk;{inwoners};1000"
        )
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")


def _gezondheid(pad: Path, waarden: dict[str, tuple[str, str, str]]) -> None:
    """(waarde, onder, boven) of ErvarenGezondheidGoedZeerGoed_1; EenOfMeerLangdurigeAandoeningen_2
    is left empty for Bedorp."""
    regels = ["ID;Leeftijd;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_1;EenOfMeerLangdurigeAandoeningen_2"]
    for j, marge in enumerate(("Waarde", "Ondergrens 95%-interval", "Bovengrens 95%-interval")):
        for naam, drie in waarden.items():
            tweede = "" if naam == "Bedorp" else "30.0"
            regels.append(f"{len(regels)};Totaal;{marge};{naam};{drie[j]};{tweede}")
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")


@pytest.fixture
def splitsing(tmp_path: Path) -> Toestand:
    """Bedorp (GM9002) is split in 2021: 60 of its 100 addresses to Aastad (GM9001), 40 to Cehuizen
    (GM9003); both keep their own territory. In 2022 Aastad and Cehuizen merge into Dehaven (GM9004).
    Eoord (GM9005) never changes."""
    eoord = ("GM9005", "Eoord", 8000)
    _gebieden(
        tmp_path / "84721NED.csv",
        [("GM9001", "Aastad", 10000), ("GM9002", "Bedorp", 5000), ("GM9003", "Cehuizen", 20000), eoord],
    )
    _gebieden(tmp_path / "84929NED.csv", [("GM9001", "Aastad", 13100), ("GM9003", "Cehuizen", 22000), eoord])
    _gebieden(tmp_path / "85067NED.csv", [("GM9004", "Dehaven", 35200), eoord])
    _gezondheid(
        tmp_path / "85012NED.csv",
        {
            "Aastad": ("70.0", "66.0", "74.0"),
            "Bedorp": ("80.0", "74.0", "86.0"),
            "Cehuizen": ("60.0", "", ""),
            "Eoord": ("50.0", "45.0", "55.0"),
        },
    )
    # rows: new codes, columns: old codes, as in the grenswijzigen files
    _matrix(
        tmp_path,
        2020,
        2021,
        {"9001": [900.0, 0.0], "9002": [60.0, 40.0], "9003": [0.0, 1500.0]},
        ["9001", "9003"],
    )
    _matrix(tmp_path, 2021, 2022, {"9001": [960.0], "9003": [1540.0]}, ["9004"])
    o = Opslag(tmp_path / "opslag")
    resultaat = laad(sorted(tmp_path.glob("*.*")), o)
    assert not resultaat.mislukt, resultaat.mislukt
    return o.lees()


def _matrix(map: Path, van: int, naar: int, kolommen: dict[str, list[float]], rijen: list[str]) -> None:
    pad = map / f"grenswijziging_gemeente_van_{van}_naar_{naar}.rda"
    pyreadr.write_rdata(str(pad), pd.DataFrame(kolommen, index=rijen), df_name="m")


def test_split_known_answer_by_hand(splitsing: Toestand) -> None:
    r = reeks(splitsing, "GM9001", [ERVAREN], indeling=2021)
    a = _rij(r.waarden, ERVAREN, "2020")
    # weights: Aastad 10 000 * 1, Bedorp 5 000 * 60/100 = 3 000; sum 13 000
    # (70 * 10000 + 80 * 3000) / 13000 = 940 000 / 13 000 = 72.3077
    assert a["waarde"] == pytest.approx(940000 / 13000)
    # se: Aastad 8/3.92 = 2.04082, Bedorp 12/3.92 = 3.06122
    # sqrt((10000*2.04082)² + (3000*3.06122)²) / 13000 = sqrt(20408.2² + 9183.7²) / 13000 = 1.72148
    se = math.sqrt((10000 * 8 / 3.92) ** 2 + (3000 * 12 / 3.92) ** 2) / 13000
    assert se == pytest.approx(1.72148, abs=1e-5)
    assert (a["onder"], a["boven"]) == (
        pytest.approx(a["waarde"] - 1.96 * se),
        pytest.approx(a["waarde"] + 1.96 * se),
    )
    assert "Aastad (GM9001), Bedorp (GM9002, 60,0%)" in a["methode"] and bool(a["geharmoniseerd"])
    c = _rij(reeks(splitsing, "GM9003", [ERVAREN], indeling=2021).waarden, ERVAREN, "2020")
    # (60 * 20000 + 80 * 5000 * 0.4) / (20000 + 2000) = 1 360 000 / 22 000 = 61.818
    assert c["waarde"] == pytest.approx(1360000 / 22000)
    assert math.isnan(c["onder"]) and "niet elke voorganger heeft marges" in c["methode"]


def test_split_without_a_predecessor_value_stays_missing(splitsing: Toestand) -> None:
    indicator = "gezondheid_gemeente.langdurige_aandoening.18plus"
    rij = _rij(reeks(splitsing, "GM9001", [indicator], indeling=2021).waarden, indicator, "2020")
    assert math.isnan(rij["waarde"]) and not rij["geharmoniseerd"]
    assert rij["methode"].startswith("niet samengevoegd: geen waarde voor Bedorp (GM9002)")


# --- command line ---------------------------------------------------------------------------------------


def test_cli_prints_harmonised_and_direct_values(opslag: Opslag, runner: CliRunner) -> None:
    uit = runner.invoke(app, ["reeks", "GM1979", "--indicator", ERVAREN, "--opslag", str(opslag.map)])
    assert uit.exit_code == 0, uit.output
    tekst = uit.output
    assert "Eemsdelta (GM1979, gemeente), gebiedsindeling 2025" in tekst
    assert "75,72" in tekst and "73,60 – 77,83" in tekst and "geharmoniseerd¹" in tekst
    assert "61,40" in tekst and "57,20 – 65,50" in tekst and "85563NED" in tekst
    assert "¹ samengevoegd uit Appingedam (GM0003), Delfzijl (GM0010), Loppersum" in tekst


def test_cli_leefbaarometer_series(opslag: Opslag, runner: CliRunner) -> None:
    uit = runner.invoke(
        app, ["reeks", "WK091721", "--indicator", "leefbaarometer.lbm", "--opslag", str(opslag.map)]
    )
    assert uit.exit_code == 0, uit.output
    for jaar, waarde in [
        ("2002", "3,81"),
        ("2008", "3,81"),
        ("2012", "3,82"),
        ("2014", "3,81"),
        ("2016", "3,83"),
        ("2018", "3,88"),
        ("2020", "3,89"),
        ("2022", "3,86"),
    ]:
        assert any(jaar in regel and waarde in regel for regel in uit.output.splitlines()), jaar


def test_cli_json_and_errors(opslag: Opslag, runner: CliRunner) -> None:
    uit = runner.invoke(
        app, ["reeks", "GM1982", "--indicator", "kwb.inwoners", "--json", "--opslag", str(opslag.map)]
    )
    assert uit.exit_code == 0, uit.output
    inhoud = json.loads(uit.stdout)
    assert inhoud["naam"] == "Land van Cuijk" and inhoud["indeling"] == 2025
    kwb2020 = next(w for w in inhoud["waarden"] if w["bron"] == "84799NED")
    assert kwb2020["geharmoniseerd"] is True and kwb2020["onder"] is None and kwb2020["periode"] == "2020"
    fout = runner.invoke(
        app, ["reeks", "GM1979", "--indicator", "geen.indicator", "--opslag", str(opslag.map)]
    )
    assert fout.exit_code == 1 and "onbekende indicator 'geen.indicator'" in fout.output
    fout = runner.invoke(app, ["reeks", "GM0003", "--opslag", str(opslag.map)])
    assert fout.exit_code == 1 and "bestaat niet in de indeling 2025" in fout.output


def test_chained_herindelingen(splitsing: Toestand) -> None:
    r = reeks(splitsing, "GM9004", [ERVAREN])
    assert r.indeling == 2022
    d = _rij(r.waarden, ERVAREN, "2020")
    # 2021: Aastad + 60% Bedorp, Cehuizen + 40% Bedorp; 2022: both into Dehaven, so all of Bedorp:
    # (70 * 10000 + 80 * 5000 + 60 * 20000) / 35000 = 2 300 000 / 35 000 = 65.714
    assert d["waarde"] == pytest.approx(2300000 / 35000)
    assert "Aastad (GM9001), Bedorp (GM9002), Cehuizen (GM9003)" in d["methode"]
    assert "herindelingen 2021 en 2022" in d["methode"]
    e = _rij(reeks(splitsing, "GM9005", [ERVAREN]).waarden, ERVAREN, "2020")
    assert (e["waarde"], e["onder"], e["boven"], e["methode"]) == (50.0, 45.0, 55.0, "")


def test_web_trend_marks_harmonised_values(opslag: Opslag, toestand: Toestand, settings: Any) -> None:
    from gebiedskompas.web.site.views import _trend

    settings.OPSLAG = opslag.map
    trend = _trend(toestand, "GM1979")
    assert trend["indeling"] == 2025
    reeks_ervaren = next(
        t for t in trend["indicatoren"] if t["indicator"].startswith("Ervaren gezondheid goed")
    )
    (p1, v1, n1), (p2, v2, n2) = reeks_ervaren["reeks"]
    assert (p1, v1, p2, v2, n2) == ("2020", "75,72", "2022", "61,40", None)
    noot = dict(trend["voetnoten"])[n1]
    assert noot.startswith("geharmoniseerd: samengevoegd uit Appingedam (GM0003)")
    assert _trend(toestand, "GM0003") == {"indeling": None, "indicatoren": [], "voetnoten": []}
