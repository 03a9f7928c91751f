"""Known-answer tests for the readers on small hand-written files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag
from gebiedskompas.register import Register

from .helpers import kwb_2020, rivm_csv, schrijf


def _waarde(w: pd.DataFrame, regio: str, indicator: str, kolom: str = "waarde") -> float:
    rij = w[(w["regio"] == regio) & (w["indicator"] == indicator)]
    assert len(rij) == 1, (regio, indicator)
    return float(rij.iloc[0][kolom])


def test_kwb_key_style_values_markers_and_derived_share(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    laad([kwb_2020(tmp_path / "in")], opslag)
    w = opslag.lees().waarnemingen
    assert _waarde(w, "GM0981", "kwb.inwoners") == 10105
    assert _waarde(w, "GM0981", "kwb.stedelijkheid") == 3
    # 3000 / 10105 * 100 = 29.68827...
    assert _waarde(w, "GM0981", "kwb.aandeel_65plus") == pytest.approx(29.68827, abs=1e-5)
    # '.' and blanks are missing, never 0, and a derived value from a missing input stays missing
    assert math.isnan(_waarde(w, "WK098100", "kwb.inwoners_65plus"))
    assert math.isnan(_waarde(w, "BU09810001", "kwb.inwoners_65plus"))
    assert math.isnan(_waarde(w, "WK098100", "kwb.aandeel_65plus"))
    assert _waarde(w, "NL00", "kwb.inwoners") == 17407585


def test_kwb_register_rows_give_urbanity_and_parents(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    laad([kwb_2020(tmp_path / "in")], opslag)
    register = Register(opslag.lees().regios)
    assert register.stedelijkheid("BU09810001") == {2020: 2}
    assert register.naam("WK098100") == "Wijk 00 Vaals"
    assert register.ouders("BU09810001")[:2] == ["WK098100", "GM0981"]


def test_rivm_csv_margins_and_decimal_comma(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    laad([rivm_csv(tmp_path / "in")], opslag)
    w = opslag.lees().waarnemingen
    ind = "gezondheid.eenzaam.18plus"
    assert _waarde(w, "GM0981", ind) == 50.5
    assert _waarde(w, "GM0981", ind, "onder") == 47.0
    assert _waarde(w, "GM0981", ind, "boven") == 54.0
    assert _waarde(w, "GM0981", "gezondheid.eenzaam.65plus") == 55.1
    assert math.isnan(_waarde(w, "GM0981", "gezondheid.mantelzorger.65plus"))
    assert math.isnan(_waarde(w, "BU09810001", ind))
    assert _waarde(w, "BU09810001", "gezondheid.mantelzorger.18plus") == 13.0


def test_statline_web_export_with_title_headers(tmp_path: Path) -> None:
    pad = schrijf(
        tmp_path / "Kerncijfers_wijken_en_buurten_2024_bevolking.csv",
        [
            '"Wijken en buurten";"Regioaanduiding/Codering (code)";"Bevolking/Aantal inwoners (aantal)";'
            '"Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)"',
            '"Vaals";"GM0981    ";10121;"2 950"',
            '"Wijk 00 Vaals";"WK098100  ";4100;"."',
        ],
    )
    mislukt = laad([pad], Opslag(tmp_path / "o1")).mislukt
    assert len(mislukt) == 1 and "'2 950' is geen getal" in mislukt[0][1]
    pad.write_text(pad.read_text(encoding="utf-8-sig").replace('"2 950"', "2950"), encoding="utf-8")
    opslag = Opslag(tmp_path / "o2")
    laad([pad], opslag)
    w = opslag.lees().waarnemingen
    assert _waarde(w, "GM0981", "kwb.inwoners_65plus") == 2950
    assert set(w["periode"]) == {"2024"}
    assert Register(opslag.lees().regios).naam("GM0981") == "Vaals"


def test_leefbaarometer3_layout_through_column_mapping(tmp_path: Path) -> None:
    pad = schrijf(
        tmp_path / "Leefbaarometer-scores buurten 2002-2024.csv",
        [
            "bu_code,bu_naam,gm_naam,jaar,lbm,afw,fys,onv,soc,vrz,won",
            "BU09810001,Vaals-Centrum,Vaals,2024,4.05,-0.12,0.01,-0.05,-0.06,0.02,-0.04",
            "BU09810001,Vaals-Centrum,Vaals,2022,4.10,-0.08,0.01,-0.03,-0.05,0.02,-0.03",
        ],
        bom=False,
    )
    opslag = Opslag(tmp_path / "o")
    laad([pad], opslag)
    w = opslag.lees().waarnemingen
    rij = w[(w["indicator"] == "leefbaarometer.afw") & (w["periode"] == "2022")]
    assert float(rij.iloc[0]["waarde"]) == -0.08
    lbm = w[(w["indicator"] == "leefbaarometer.lbm") & (w["periode"] == "2024")]
    assert float(lbm["waarde"].iloc[0]) == 4.05
    assert set(w["indicator"]) == {
        "leefbaarometer.lbm",
        "leefbaarometer.afw",
        "leefbaarometer.fys",
        "leefbaarometer.onv",
        "leefbaarometer.soc",
        "leefbaarometer.vrz",
        "leefbaarometer.won",
    }
    # Every wave is in the classification of the file's latest wave.
    assert set(w["indeling"]) == {2024}


def test_regional_table_by_name_or_by_code(tmp_path: Path) -> None:
    """cbsodata exports name the regions ("Vaals"); the OData API gives codes ("GM0981    ")."""
    gebieden = schrijf(
        tmp_path / "in" / "84721NED.csv",
        [
            "ID;RegioS;Code_1;Naam_2;Code_14;Naam_15;Code_24;Naam_25;Code_26;Naam_27;Code_8;Code_50;Inwonertal_52;"
            "Omgevingsadressendichtheid_53",
            "0;Vaals;GM0981    ;Vaals;GG6106    ;GGD Zuid-Limburg;LD04      ;Zuid-Nederland;"
            "PV31      ;Limburg;"
            "CR42      ;3;10105;1056",
        ],
    )
    regel = "{};Totaal;{};{};49.0;30.0;10.0;4.0;5.0;9.0;1.0;48.0;49.0;34.0;14.0;50.0;50.0;" + (
        "13.5;13.5;11.6;16.7;43.4;8.2;6.2"
    )
    kop = (
        "ID;Leeftijd;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_1;EenOfMeerLangdurigeAandoeningen_2;"
        "EenOfMeerLichamelijkeBeperkingen_3;BeperkingInHoren_4;BeperkingInZien_5;BeperkingInBewegen_6;"
        "Ondergewicht_7;NormaalGewicht_8;Overgewicht_9;MatigOvergewicht_10;ErnstigOvergewichtObesitas_11;"
        "VoldoetAanBeweegrichtlijn_12;WekelijksSporter_13;Mantelzorger_14;ZwaarBelasteMantelzorgers_15;"
        "UrenMantelzorgPerWeek_16;Rokers_17;VoldoetAanRichtlijnAlcoholgebruik_18;ZwareDrinker_19;OvermatigDrinker_20"
    )
    regio = schrijf(
        tmp_path / "in" / "85012NED.csv",
        [
            kop,
            regel.format(0, "Waarde", "Vaals"),
            regel.format(1, "Waarde", "Limburg (PV)"),
            regel.format(2, "Waarde", "Politie Limburg (RE)"),
        ],
    )
    api = schrijf(tmp_path / "api" / "85012NED.csv", [kop, regel.format(0, "MW00000", "GM0981    ")])
    opslag = Opslag(tmp_path / "o")
    laad([gebieden, regio], opslag)
    w = opslag.lees().waarnemingen
    ind = "gezondheid_gemeente.ervaren_gezondheid_goed.18plus"
    assert set(w[w["indicator"] == ind]["regio"]) == {"GM0981", "PV31"}
    opslag2 = Opslag(tmp_path / "o2")
    laad([api], opslag2)
    assert _waarde(opslag2.lees().waarnemingen, "GM0981", ind) == 49.0
