"""Trend and gap to a reference (``effect.trend``) and the whole-indicator harmonisation it stands on
(``reeks.harmoniseer``): known answers from the published tables, a hand-made urbanity reference,
a series without margins, the CLI."""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.effect.trend import Golfverschil, Trend, trend
from gebiedskompas.errors import InvoerFout
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag, Toestand
from gebiedskompas.reeks import HARMONISATIEKOLOMMEN, harmoniseer, reeks
from gebiedskompas.register import Register

ERVAREN = "gezondheid_gemeente.ervaren_gezondheid_goed.18plus"
LBM = "leefbaarometer.lbm"
Z = 1.96


@pytest.fixture(scope="module")
def opslag(reeksopslag: Opslag) -> Opslag:
    return reeksopslag


@pytest.fixture(scope="module")
def toestand(opslag: Opslag) -> Toestand:
    return opslag.lees()


@pytest.fixture(scope="module")
def register(toestand: Toestand) -> Register:
    return Register(toestand.regios, toestand.grenswijzigingen)


def _se(onder: float, boven: float) -> float:
    return (boven - onder) / (2 * Z)


def _vergelijking(t: Trend, referentie: str, periode: str) -> Golfverschil:
    (v,) = [v for v in t.vergelijkingen if v.referentie == referentie and v.periode == periode]
    return v


# --- harmoniseer ---------------------------------------------------------------------------------------

_VERGELIJK = ["periode", "waarde", "onder", "boven", "bron", "geharmoniseerd", "methode"]


def _zelfde_als_reeks(
    toestand: Toestand,
    register: Register,
    indicator: str,
    codes: list[str],
    niveau: str | None = None,
    indeling: int | None = None,
) -> None:
    frame = harmoniseer(toestand, indicator, indeling, niveau, register)
    for code in codes:
        eigen = frame[frame["regio"] == code][_VERGELIJK].reset_index(drop=True)
        assert len(eigen), code
        los = reeks(toestand, code, [indicator], indeling, register).waarden
        pd.testing.assert_frame_equal(eigen, los[_VERGELIJK].reset_index(drop=True), check_dtype=False)


def test_harmoniseer_equals_reeks_for_merged_split_and_sampled_gemeenten(
    toestand: Toestand, register: Register
) -> None:
    frame = harmoniseer(toestand, ERVAREN, niveau="gemeente", register=register)
    assert list(frame.columns) == HARMONISATIEKOLOMMEN
    # Eemsdelta, Land van Cuijk, Dijk en Waard: formed from predecessors; Vught: received part of Haaren
    samengevoegd = ["GM1979", "GM1982", "GM1980", "GM0865"]
    assert frame[frame["regio"].isin(samengevoegd) & (frame["periode"] == "2020")]["geharmoniseerd"].all()
    random.seed(3)
    steekproef = random.sample(sorted(set(frame["regio"])), 30)
    _zelfde_als_reeks(toestand, register, ERVAREN, samengevoegd + steekproef)
    _zelfde_als_reeks(toestand, register, "kwb.inwoners", ["GM1979", "GM0865", "GM0917"], niveau="gemeente")


def test_harmoniseer_equals_reeks_on_an_older_classification(toestand: Toestand, register: Register) -> None:
    # Purmerend received Beemster in 2022: on the 2020 map its 2022 value stays missing, with the reason.
    frame = harmoniseer(toestand, ERVAREN, indeling=2020, register=register)
    purmerend = frame[(frame["regio"] == "GM0439") & (frame["periode"] == "2022")].iloc[0]
    assert math.isnan(purmerend["waarde"]) and "niet terug te rekenen" in purmerend["methode"]
    _zelfde_als_reeks(toestand, register, ERVAREN, ["GM0439", "GM0370", "GM0917", "GM0003"], indeling=2020)


def test_harmoniseer_equals_reeks_for_wijken(toestand: Toestand, register: Register) -> None:
    frame = harmoniseer(toestand, LBM, register=register)  # default: the finest level, wijken
    assert frame["regio"].str.startswith("WK").all()
    gewijzigd = sorted(set(frame.loc[frame["geharmoniseerd"], "regio"]))
    assert gewijzigd, "some wijken changed between 2022 and 2024"
    random.seed(5)
    codes = random.sample(gewijzigd, 10) + random.sample(sorted(set(frame["regio"])), 10) + ["WK091721"]
    _zelfde_als_reeks(toestand, register, LBM, codes)


def test_harmoniseer_is_fast_and_checks_its_input(toestand: Toestand, register: Register) -> None:
    begin = time.perf_counter()
    harmoniseer(toestand, ERVAREN, niveau="gemeente", register=register)
    assert time.perf_counter() - begin < 1.0
    with pytest.raises(
        InvoerFout, match="geen waarden op niveau 'wijk'; wel op land, landsdeel, provincie, ggd, gemeente"
    ):
        harmoniseer(toestand, ERVAREN, niveau="wijk", register=register)
    with pytest.raises(InvoerFout, match=r"onbekende indicator 'bestaat\.niet'"):
        harmoniseer(toestand, "bestaat.niet", register=register)


# --- known answers from the published tables -------------------------------------------------------------


def test_limburg_against_nederland_from_the_published_margins(toestand: Toestand, register: Register) -> None:
    # 85012NED.csv, Leeftijd "Totaal", ErvarenGezondheidGoedZeerGoed_1 (waarde; ondergrens; bovengrens):
    #   Limburg (PV) 74.4 (73.9; 74.8), Nederland 79.1 (78.9; 79.2)
    # se = (boven - onder) / 3.92: Limburg 0.9 / 3.92 = 0.229592, Nederland 0.3 / 3.92 = 0.076531
    # gap = 74.4 - 79.1 = -4.7; se = sqrt(0.229592² + 0.076531²) = sqrt(0.052712 + 0.005857) = 0.242011
    # 95%: -4.7 -/+ 1.96 * 0.242011 = -5.1743 .. -4.2257
    # 85563NED.csv: Limburg (PV) 66.7 (65.9; 67.6), Nederland 70.0 (69.8; 70.3)
    # se: 1.7 / 3.92 = 0.433673, 0.5 / 3.92 = 0.127551; gap -3.3, se = sqrt(0.188073 + 0.016269) = 0.452042
    # 95%: -3.3 -/+ 0.886002 = -4.1860 .. -2.4140
    t = trend(toestand, ERVAREN, ["PV31"], ["nl"], register=register)
    assert (t.naam, t.niveau, t.indeling) == ("Limburg", "gemeente", 2025)
    v20, v22 = _vergelijking(t, "nl", "2020"), _vergelijking(t, "nl", "2022")
    assert (v20.groep.waarde, v20.groep.onder, v20.groep.boven) == (74.4, 73.9, 74.8)  # as published
    assert (v20.referentiewaarde.waarde, v20.referentiewaarde.onder) == (79.1, 78.9)
    assert v20.verschil.waarde == pytest.approx(-4.7)
    assert v20.verschil.se == pytest.approx(math.hypot(_se(73.9, 74.8), _se(78.9, 79.2)))
    assert v20.verschil.se == pytest.approx(0.242011, abs=1e-6)
    assert (v20.verschil.onder, v20.verschil.boven) == (
        pytest.approx(-5.1743, abs=1e-4),
        pytest.approx(-4.2257, abs=1e-4),
    )
    assert v22.verschil.waarde == pytest.approx(-3.3)
    assert v22.verschil.se == pytest.approx(0.452042, abs=1e-6)
    assert (v22.verschil.onder, v22.verschil.boven) == (
        pytest.approx(-4.1860, abs=1e-4),
        pytest.approx(-2.4140, abs=1e-4),
    )
    assert v20.oordeel == "Limburg scoort slechter dan Nederland; het verschil is significant"
    # change of the gap: d = -3.3 - (-4.7) = 1.4; se = sqrt(0.242011² + 0.452042²) = 0.512749
    # z = 1.4 / 0.512749 = 2.7304; p = erfc(2.7304 / sqrt 2) = 0.00633
    (verandering,) = t.veranderingen
    assert (verandering.van, verandering.tot) == ("2020", "2022")
    assert verandering.verandering.waarde == pytest.approx(1.4)
    assert verandering.verandering.se == pytest.approx(0.512749, abs=1e-6)
    assert verandering.z == pytest.approx(2.7304, abs=1e-4)
    assert verandering.p == pytest.approx(0.00633, abs=1e-5)
    assert verandering.oordeel.startswith("het verschil is significant kleiner geworden (p = 0,006)")
    assert "Limburg is ten opzichte van Nederland verbeterd" in verandering.oordeel
    assert any("conservatief" in o for o in t.opmerkingen)
    assert "85012NED" in t.bronvermelding and "85563NED" in t.bronvermelding


def test_gemeente_group_is_combined_by_inhabitants(toestand: Toestand, register: Register) -> None:
    # 85012NED.csv: Heerlen 69.3 (67.6; 71.1), Kerkrade 69.1 (66.8; 71.3)
    # 84721NED.csv (Gebieden in Nederland 2020), Inwonertal_52: Heerlen 87 086, Kerkrade 45 749; sum 132 835
    # mean = (69.3 * 87086 + 69.1 * 45749) / 132835 = (6 035 059.8 + 3 161 255.9) / 132835 = 69.231119
    # se = sqrt((87086 * 3.5/3.92)² + (45749 * 4.5/3.92)²) / 132835
    #    = sqrt(77 755.36² + 52 517.98²) / 132835 = 0.706364
    # 85563NED.csv: Heerlen 57.3 (54.0; 60.6), Kerkrade 61.7 (57.4; 65.7)
    # 85067NED.csv (2022), Inwonertal_54: Heerlen 86 845, Kerkrade 45 324; sum 132 169
    # mean = (4 976 218.5 + 2 796 490.8) / 132169 = 58.808868
    # se = sqrt((86845 * 6.6/3.92)² + (45324 * 8.3/3.92)²) / 132169 = sqrt(146 218.62² + 95 966.63²) / 132169
    #    = 1.323294
    t = trend(toestand, ERVAREN, ["GM0917,GM0928"], ["nl"], register=register)
    assert t.naam == "de groep Heerlen en Kerkrade" and t.leden == ["GM0917", "GM0928"]
    v20, v22 = _vergelijking(t, "nl", "2020"), _vergelijking(t, "nl", "2022")
    assert v20.groep.waarde == pytest.approx(9196315.7 / 132835)
    assert v20.groep.se == pytest.approx(0.706364, abs=1e-6)
    assert v22.groep.waarde == pytest.approx(7772709.3 / 132169)
    assert v22.groep.se == pytest.approx(1.323294, abs=1e-6)
    # gap 2020: 69.231119 - 79.1 = -9.868881
    assert v20.verschil.waarde == pytest.approx(9196315.7 / 132835 - 79.1)
    assert v20.oordeel.startswith("De groep Heerlen en Kerkrade scoort slechter dan Nederland")
    assert t.veranderingen[0].oordeel.startswith("geen significante verandering")


def test_direction_follows_the_catalogue(toestand: Toestand, register: Register) -> None:
    # 85012NED.csv, Overgewicht_9 (hoger is slechter): Limburg (PV) 53.3 (52.7; 53.8), Nederland 49.4
    # (49.2; 49.7); gap +3.9, se = sqrt((1.1/3.92)² + (0.5/3.92)²) = 0.308241
    t = trend(toestand, "gezondheid_gemeente.overgewicht.18plus", ["PV31"], ["nl"], register=register)
    v = _vergelijking(t, "nl", "2020")
    assert v.verschil.waarde == pytest.approx(3.9) and v.verschil.se == pytest.approx(0.308241, abs=1e-6)
    assert v.oordeel == "Limburg scoort slechter dan Nederland; het verschil is significant"


def _inwoners_rond(register: Register, code: str, jaar: int) -> float:
    """Inhabitants of the register year nearest ``jaar`` (2021 for a gemeente formed in 2021)."""
    jaren = register.jaren(code).dropna(subset=["inwoners"])
    dichtst = min(jaren.itertuples(), key=lambda r: (abs(int(r.jaar) - jaar), int(r.jaar)))
    return float(dichtst.inwoners)


def test_urbanity_reference_weights_each_member_by_its_class(toestand: Toestand, register: Register) -> None:
    """Checked against a direct computation from the harmonised gemeenten."""
    t = trend(toestand, ERVAREN, ["PV31"], ["stedelijkheid"], register=register)
    frame = harmoniseer(toestand, ERVAREN, niveau="gemeente", register=register)
    w = frame[frame["periode"] == "2020"].set_index("regio")["waarde"].dropna()
    klassen = register.tabel[(register.tabel["niveau"] == "gemeente") & (register.tabel["jaar"] == 2025)]
    klasse = klassen.set_index("code")["stedelijkheid"].astype(int)
    n = pd.Series({c: _inwoners_rond(register, c, 2020) for c in klasse.index})
    met_waarde = n.where(w.reindex(n.index).notna())
    gemiddelde = {
        k: (w * n).reindex(leden).sum() / met_waarde.reindex(leden).sum()
        for k, leden in klasse.groupby(klasse).groups.items()
    }
    limburg = [c for c in klasse.index if register.provincie(c, 2025) == "PV31"]
    verwacht = sum(n[c] * gemiddelde[klasse[c]] for c in limburg) / n[limburg].sum()
    v = _vergelijking(t, "stedelijkheid", "2020")
    assert v.referentienaam == "gemeenten van dezelfde stedelijkheid"
    assert v.referentiewaarde.waarde == pytest.approx(verwacht)
    assert v.referentiewaarde.heeft_interval and v.verschil.heeft_interval


# --- a hand-made urbanity reference -------------------------------------------------------------------------

_GEBIEDEN_KOP = (
    "ID;RegioS;Code_1;Naam_2;Code_8;Naam_9;Code_14;Naam_15;Code_24;Naam_25;Code_26;Naam_27;Code_50;"
    "Omschrijving_51;Inwonertal_52;Omgevingsadressendichtheid_53"
)


@pytest.fixture
def klein(tmp_path: Path) -> Toestand:
    """Aastad (GM9001, class 1, 10 000 inhabitants), Bedorp (GM9002, class 1, 30 000) and Cehuizen
    (GM9003, class 3, 20 000), with health values and margins for 2020."""
    gemeenten = [
        ("GM9001", "Aastad", 1, "Zeer sterk stedelijk", 10000),
        ("GM9002", "Bedorp", 1, "Zeer sterk stedelijk", 30000),
        ("GM9003", "Cehuizen", 3, "Matig stedelijk", 20000),
    ]
    regels = [_GEBIEDEN_KOP] + [
        f"{i};{naam};{code};{naam};CR01;Corop;GG0001;GGD Test;LD01;Noord-Nederland;PV20;Groningen;"
        f"{klasse};{label};{inwoners};1000"
        for i, (code, naam, klasse, label, inwoners) in enumerate(gemeenten)
    ]
    (tmp_path / "84721NED.csv").write_text("\n".join(regels) + "\n", encoding="utf-8")
    waarden = {
        "Nederland": ("72.0", "71.0", "73.0"),
        "Aastad": ("70.0", "66.0", "74.0"),
        "Bedorp": ("60.0", "57.0", "63.0"),
        "Cehuizen": ("80.0", "76.0", "84.0"),
    }
    gezondheid = ["ID;Leeftijd;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_1"]
    for j, marge in enumerate(("Waarde", "Ondergrens 95%-interval", "Bovengrens 95%-interval")):
        gezondheid += [f"{len(gezondheid)};Totaal;{marge};{naam};{w[j]}" for naam, w in waarden.items()]
    (tmp_path / "85012NED.csv").write_text("\n".join(gezondheid) + "\n", encoding="utf-8")
    o = Opslag(tmp_path / "opslag")
    resultaat = laad(sorted(tmp_path.glob("*.csv")), o)
    assert not resultaat.mislukt, resultaat.mislukt
    return o.lees()


def test_urbanity_reference_by_hand(klein: Toestand) -> None:
    # group: Aastad (class 1) + Cehuizen (class 3)
    # class 1 mean = (70 * 10000 + 60 * 30000) / 40000 = 62.5
    #   se = sqrt((10000 * 8/3.92)² + (30000 * 6/3.92)²) / 40000
    #      = sqrt(20408.16² + 45918.37²) / 40000 = 1.256232
    # class 3 mean = 80, se = 8 / 3.92 = 2.040816
    # reference = (10000 * 62.5 + 20000 * 80) / 30000 = 2 225 000 / 30 000 = 74.166667
    #   se = sqrt((1/3 * 1.256232)² + (2/3 * 2.040816)²) = 1.423526
    # group = (70 * 10000 + 80 * 20000) / 30000 = 76.666667
    #   se = sqrt((10000 * 2.040816)² + (20000 * 2.040816)²) / 30000 = 1.521135
    # gap = 2.5, se = sqrt(1.521135² + 1.423526²) = 2.083333
    t = trend(klein, ERVAREN, ["GM9001", "GM9003"])
    v = _vergelijking(t, "stedelijkheid", "2020")
    assert v.referentiewaarde.waarde == pytest.approx(2225000 / 30000)
    assert v.referentiewaarde.se == pytest.approx(1.423526, abs=1e-6)
    assert v.groep.waarde == pytest.approx(230000 / 3000) and v.groep.se == pytest.approx(1.521135, abs=1e-6)
    assert v.verschil.waarde == pytest.approx(2.5) and v.verschil.se == pytest.approx(2.083333, abs=1e-6)
    assert v.oordeel == (
        "De groep Aastad en Cehuizen scoort beter dan gemeenten van dezelfde stedelijkheid, maar het "
        "verschil is niet significant (het 95%-interval bevat 0)"
    )
    nl = _vergelijking(t, "nl", "2020")  # 76.666667 - 72 = 4.666667
    assert nl.verschil.waarde == pytest.approx(230000 / 3000 - 72)
    assert t.veranderingen == []  # one wave: nothing to test


# --- without margins ----------------------------------------------------------------------------------------


def test_leefbaarometer_without_margins_gives_no_interval(toestand: Toestand, register: Register) -> None:
    # Leefbaarometer-scores wijken 2002-2022.csv, column lbm:
    #   WK091710 2002 3.856910303975927, 2022 4.007495194411211;
    #   WK091721 2002 3.8121415981339384, 2022 3.8575129488176643.
    # 84799NED (KWB 2020), AantalInwoners_5: WK091710 3 940, WK091721 5 430; sum 9 370. The register year
    # nearest to 2002 is 2020; for 2022 the years 2020 and 2024 are equally near and the earlier counts.
    # 2002: (3.856910303975927 * 3940 + 3.8121415981339384 * 5430) / 9370
    #     = (15 196.2266 + 20 699.9289) / 9370 = 3.830966
    # 2022: (15 789.5311 + 20 946.2953) / 9370 = 3.920579
    t = trend(toestand, LBM, ["WK091710,WK091721"], register=register)
    assert t.niveau == "wijk" and t.leden == ["WK091710", "WK091721"]
    perioden = [v.periode for v in t.vergelijkingen if v.referentie == "nl"]
    assert perioden == ["2002", "2008", "2012", "2014", "2016", "2018", "2020", "2022"]
    v02, v22 = _vergelijking(t, "nl", "2002"), _vergelijking(t, "nl", "2022")
    assert v02.groep.waarde == pytest.approx(3.830966, abs=1e-6)
    assert v22.groep.waarde == pytest.approx(3.920579, abs=1e-6)
    for v in t.vergelijkingen:
        assert not v.verschil.heeft_interval and math.isnan(v.verschil.onder) and math.isnan(v.groep.se)
        assert "geen interval (geen marges)" in v.oordeel
    for verandering in t.veranderingen:
        assert math.isnan(verandering.p) and "niet te toetsen" in verandering.oordeel
    assert any(o.startswith("Geen interval: de bron geeft") for o in t.opmerkingen)
    assert any("de tabel geeft geen landelijke waarde; Nederland is berekend" in o for o in t.opmerkingen)
    assert not any("conservatief" in o for o in t.opmerkingen)


def test_input_errors_are_dutch(toestand: Toestand, register: Register) -> None:
    with pytest.raises(InvoerFout, match="is een aantal"):
        trend(toestand, "kwb.inwoners", ["GM0917"], register=register)
    with pytest.raises(InvoerFout, match="van één niveau"):
        trend(toestand, ERVAREN, ["GM0917", "PV31"], register=register)
    with pytest.raises(InvoerFout, match="'XX12' is geen geldige regiocode"):
        trend(toestand, ERVAREN, ["XX12"], register=register)
    with pytest.raises(InvoerFout, match="kies uit 2020, 2022"):
        trend(toestand, ERVAREN, ["PV31"], van="2019", register=register)


# --- command line -------------------------------------------------------------------------------------------


def test_cli_limburg_against_nederland(
    opslag: Opslag, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gebiedskompas.cli import console

    monkeypatch.setattr(console, "_width", 200)  # one table row per line
    uit = runner.invoke(
        app, ["trend", "--indicator", ERVAREN, "--gebied", "PV31", "--opslag", str(opslag.map)]
    )
    assert uit.exit_code == 0, uit.output
    regels = uit.output.splitlines()
    assert any("2020" in r and "74,40" in r and "73,90 – 74,80" in r and "−4,70" in r for r in regels)
    assert any("2020" in r and "79,10" in r and "−5,17 – −4,23" in r for r in regels)
    assert any("2022" in r and "66,70" in r and "−3,30" in r and "−4,19 – −2,41" in r for r in regels)
    tekst = " ".join(uit.output.split())
    assert "Limburg tegen Nederland" in tekst
    assert "Limburg tegen gemeenten van dezelfde stedelijkheid" in tekst
    assert "Limburg scoort slechter dan Nederland" in tekst
    assert "Verschil met Nederland van 2020 naar 2022: −4,70 → −3,30 (verandering 1,40" in tekst
    assert "het verschil is significant kleiner geworden (p = 0,006)" in tekst
    assert "conservatief" in tekst and "85012NED" in tekst


def test_cli_leefbaarometer_json_and_errors(opslag: Opslag, runner: CliRunner) -> None:
    opslagoptie = ["--opslag", str(opslag.map)]
    uit = runner.invoke(
        app, ["trend", "--indicator", LBM, "--gebied", "GM0917", "--referentie", "nl", "--json", *opslagoptie]
    )
    assert uit.exit_code == 0, uit.output
    inhoud = json.loads(uit.stdout)
    assert inhoud["naam"] == "Heerlen" and inhoud["niveau"] == "wijk"
    assert [v["periode"] for v in inhoud["vergelijkingen"]] == [
        str(j) for j in (2002, 2008, *range(2012, 2023, 2))
    ]
    assert all(v["verschil"]["onder"] is None for v in inhoud["vergelijkingen"])
    assert inhoud["veranderingen"][0]["p"] is None
    fout = runner.invoke(
        app, ["trend", "--indicator", ERVAREN, "--gebied", "PV31", "--referentie", "buren", *opslagoptie]
    )
    assert fout.exit_code == 1 and "onbekende referentie 'buren'" in fout.output
    fout = runner.invoke(app, ["trend", "--indicator", ERVAREN, *opslagoptie])
    assert fout.exit_code == 1 and "geef een gebied op" in fout.output
