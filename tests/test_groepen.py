"""Groups and margins in the need analysis: the shipped 'dorpen' method on the real data, checked by
hand for one gemeente per group, the count of indicator values with 95% margins, and the Dutch
errors for bad group definitions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.analyse import classificeer as cl
from gebiedskompas.analyse.methode import ONVOLDOENDE, lees_methode, ontleed_methode
from gebiedskompas.analyse.pijplijn import Resultaat, analyseer
from gebiedskompas.catalogus import catalogus
from gebiedskompas.cli import app
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag

DREMPEL = 0.2  # [classificatie] drempel of dorpen.toml
THEMAS = ("bestaanszekerheid", "gezondheid", "sociale_cohesie", "voorzieningen")
# indicators of dorpen.toml where a higher value is better (catalogue, or the method's override)
HOGER_IS_BETER = {
    "gezondheid_gemeente.ervaren_gezondheid_goed.18plus",
    "gezondheid_gemeente.mantelzorger.18plus",
    "gezondheid.vrijwilligerswerk.18plus",
    "gezondheid.regie_eigen_leven.18plus",
}
Rij = tuple[str, float, float | None, float | None, float, float]


@pytest.fixture(scope="module")
def dorpen(echte_opslag: Opslag) -> Resultaat:
    return analyseer(lees_methode("dorpen"), echte_opslag.lees())


# Per gemeente, per theme: (indicator, value, lower 95% bound, upper 95% bound, benchmark value,
# z-score oriented to need) as stored by `gebiedskompas laad` from ../shared/data. The benchmark is
# the mean over the Dutch gemeenten of the same urbanity class (2020); z = (value - benchmark) / sd
# of that class, sign flipped where higher is better. Only the 85012NED indicators have bounds.
#
# Rule (by hand): an interval that holds the benchmark value counts as z = 0 (benchmark); a theme
# is worse when the mean z exceeds +0.2, better below -0.2 (the benchmark's theme score is 0).

# Valkenburg aan de Geul (class 4; 128 gemeenten in the benchmark).
# ervaren gezondheid: (75.5 - 80.018) / 3.354 = -1.347 -> need +1.347; interval 72.9-77.8 lies
#   wholly below 80.018: significantly worse, z counts.
# ernstig overgewicht: interval 11.9-16.0 holds 14.991 -> counts as 0 (instead of -0.383).
# mantelzorger: interval 13.9-18.3 holds 15.294 -> counts as 0 (instead of -0.305).
#   bestaanszekerheid (0.5352 + 1.1143 + 1.1471) / 3           = 0.932 > 0.2  slechter
#   gezondheid        (1.3471 + 2.3927 + 1.2564 + 0) / 4        = 1.249 > 0.2  slechter
#   sociale_cohesie   (2.0049 + 2.4504 + 0 + 1.7638 + 2.3975) / 5 = 1.723 > 0.2  slechter
#   voorzieningen     (0.1234 + 1.4337) / 2                     = 0.779 > 0.2  slechter
#   4 of 4 worse -> "slechter op alle thema's"
VALKENBURG: dict[str, list[Rij]] = {
    "bestaanszekerheid": [
        ("gezondheid.moeite_met_rondkomen.18plus", 10.8, None, None, 9.8898, 0.5352),
        ("kwb.bijstand_per_1000", 20.1625, None, None, 13.1350, 1.1143),
        ("kwb.arbeidsongeschiktheid_per_1000", 51.9338, None, None, 39.8769, 1.1471),
    ],
    "gezondheid": [
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", 75.5, 72.9, 77.8, 80.0180, 1.3471),
        ("gezondheid.langdurig_ziek_en_beperkt.18plus", 36.1, None, None, 29.4430, 2.3927),
        ("gezondheid.risico_angst_depressie.18plus", 46.7, None, None, 42.6352, 1.2564),
        ("gezondheid_gemeente.ernstig_overgewicht.18plus", 13.8, 11.9, 16.0, 14.9906, -0.3829),
    ],
    "sociale_cohesie": [
        ("gezondheid.eenzaam.18plus", 47.7, None, None, 43.0008, 2.0049),
        ("gezondheid.ernstig_eenzaam.18plus", 12.2, None, None, 9.2125, 2.4504),
        ("gezondheid_gemeente.mantelzorger.18plus", 15.9, 13.9, 18.3, 15.2938, -0.3051),
        ("gezondheid.vrijwilligerswerk.18plus", 22.2, None, None, 29.3398, 1.7638),
        ("gezondheid.regie_eigen_leven.18plus", 87.6, None, None, 90.7648, 2.3975),
    ],
    "voorzieningen": [
        ("kwb.afstand_supermarkt", 1.2, None, None, 1.1633, 0.1234),
        ("kwb.afstand_kinderdagverblijf", 1.1, None, None, 0.8469, 1.4337),
    ],
}

# Beesel (class 4).
# ervaren gezondheid 70.3-77.3 wholly below 80.018 and ernstig overgewicht 15.3-21.8 wholly above
# 14.991: both significantly worse, both count. Mantelzorger 16.1-22.3 wholly above 15.294 (higher
# is better): significantly better, counts with z = -1.8654.
#   bestaanszekerheid (0.0060 + 0.3871 + 0.1579) / 3                 =  0.184: niet anders
#   gezondheid        (1.8242 + 1.7817 + 0.4837 + 1.0642) / 4         =  1.288  slechter
#   sociale_cohesie   (0.9383 + 1.2201 - 1.8654 + 1.3933 + 2.1702) / 5 =  0.771  slechter
#   voorzieningen     (-1.5574 - 0.8319) / 2                          = -1.195  beter
#   2 worse -> "slechter op één of twee thema's"
BEESEL: dict[str, list[Rij]] = {
    "bestaanszekerheid": [
        ("gezondheid.moeite_met_rondkomen.18plus", 9.9, None, None, 9.8898, 0.0060),
        ("kwb.bijstand_per_1000", 15.5763, None, None, 13.1350, 0.3871),
        ("kwb.arbeidsongeschiktheid_per_1000", 41.5369, None, None, 39.8769, 0.1579),
    ],
    "gezondheid": [
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", 73.9, 70.3, 77.3, 80.0180, 1.8242),
        ("gezondheid.langdurig_ziek_en_beperkt.18plus", 34.4, None, None, 29.4430, 1.7817),
        ("gezondheid.risico_angst_depressie.18plus", 44.2, None, None, 42.6352, 0.4837),
        ("gezondheid_gemeente.ernstig_overgewicht.18plus", 18.3, 15.3, 21.8, 14.9906, 1.0642),
    ],
    "sociale_cohesie": [
        ("gezondheid.eenzaam.18plus", 45.2, None, None, 43.0008, 0.9383),
        ("gezondheid.ernstig_eenzaam.18plus", 10.7, None, None, 9.2125, 1.2201),
        ("gezondheid_gemeente.mantelzorger.18plus", 19.0, 16.1, 22.3, 15.2938, -1.8654),
        ("gezondheid.vrijwilligerswerk.18plus", 23.7, None, None, 29.3398, 1.3933),
        ("gezondheid.regie_eigen_leven.18plus", 87.9, None, None, 90.7648, 2.1702),
    ],
    "voorzieningen": [
        ("kwb.afstand_supermarkt", 0.7, None, None, 1.1633, -1.5574),
        ("kwb.afstand_kinderdagverblijf", 0.7, None, None, 0.8469, -0.8319),
    ],
}

# Mook en Middelaar (class 5; benchmark: 56 niet-stedelijke gemeenten).
# ervaren gezondheid 79.7-85.4 wholly above 79.489, ernstig overgewicht 7.5-12.0 wholly below
# 15.006, mantelzorger 16.8-23.0 wholly above 15.180: all three significantly better, all count.
#   bestaanszekerheid (-1.1786 + 0.2542 - 0.6193) / 3                  = -0.515  beter
#   gezondheid        (-1.0471 + 0.2975 + 0.5285 - 2.3418) / 4          = -0.641  beter
#   sociale_cohesie   (-0.2761 - 0.1629 - 2.0934 + 0.2258 - 0.3597) / 5 = -0.533  beter
#   voorzieningen     (-1.0754 - 1.2058) / 2                            = -1.141  beter
#   0 worse, 4 better (at least 2) -> "duidelijk beter"
MOOK: dict[str, list[Rij]] = {
    "bestaanszekerheid": [
        ("gezondheid.moeite_met_rondkomen.18plus", 8.0, None, None, 9.6250, -1.1786),
        ("kwb.bijstand_per_1000", 14.0181, None, None, 12.6663, 0.2542),
        ("kwb.arbeidsongeschiktheid_per_1000", 33.1337, None, None, 38.9685, -0.6193),
    ],
    "gezondheid": [
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", 82.7, 79.7, 85.4, 79.4889, -1.0471),
        ("gezondheid.langdurig_ziek_en_beperkt.18plus", 30.8, None, None, 30.0000, 0.2975),
        ("gezondheid.risico_angst_depressie.18plus", 42.5, None, None, 40.7268, 0.5285),
        ("gezondheid_gemeente.ernstig_overgewicht.18plus", 9.5, 7.5, 12.0, 15.0056, -2.3418),
    ],
    "sociale_cohesie": [
        ("gezondheid.eenzaam.18plus", 41.5, None, None, 42.2929, -0.2761),
        ("gezondheid.ernstig_eenzaam.18plus", 8.6, None, None, 8.8286, -0.1629),
        ("gezondheid_gemeente.mantelzorger.18plus", 19.7, 16.8, 23.0, 15.1796, -2.0934),
        ("gezondheid.vrijwilligerswerk.18plus", 30.2, None, None, 31.0714, 0.2258),
        ("gezondheid.regie_eigen_leven.18plus", 91.2, None, None, 90.7482, -0.3597),
    ],
    "voorzieningen": [
        ("kwb.afstand_supermarkt", 1.0, None, None, 1.5036, -1.0754),
        ("kwb.afstand_kinderdagverblijf", 0.7, None, None, 1.0179, -1.2058),
    ],
}

# Gennep (class 4): the margins decide a theme here.
# ervaren gezondheid 74.3-81.1 holds 80.018, ernstig overgewicht 10.5-16.2 holds 14.991,
# mantelzorger 15.2-21.1 holds 15.294: all three count as 0.
#   bestaanszekerheid (-0.0528 + 0.3537 + 2.0537) / 3              =  0.785  slechter
#   gezondheid        (0 + 0.9191 + 0.8546 + 0) / 4                 =  0.443  slechter
#   sociale_cohesie   (-0.1283 + 0.5639 + 0 + 0.3310 + 0.7309) / 5  =  0.300  slechter
#     (without margins: (... - 1.3621 ...) / 5 = 0.027, niet anders)
#   voorzieningen     (0.1234 - 0.2655) / 2                         = -0.071: niet anders
#   3 of 4 worse: none of the seed's groups -> its own group "slechter op drie thema's"
GENNEP: dict[str, list[Rij]] = {
    "bestaanszekerheid": [
        ("gezondheid.moeite_met_rondkomen.18plus", 9.8, None, None, 9.8898, -0.0528),
        ("kwb.bijstand_per_1000", 15.3655, None, None, 13.1350, 0.3537),
        ("kwb.arbeidsongeschiktheid_per_1000", 61.4621, None, None, 39.8769, 2.0537),
    ],
    "gezondheid": [
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", 77.9, 74.3, 81.1, 80.0180, 0.6315),
        ("gezondheid.langdurig_ziek_en_beperkt.18plus", 32.0, None, None, 29.4430, 0.9191),
        ("gezondheid.risico_angst_depressie.18plus", 45.4, None, None, 42.6352, 0.8546),
        ("gezondheid_gemeente.ernstig_overgewicht.18plus", 13.1, 10.5, 16.2, 14.9906, -0.6080),
    ],
    "sociale_cohesie": [
        ("gezondheid.eenzaam.18plus", 42.7, None, None, 43.0008, -0.1283),
        ("gezondheid.ernstig_eenzaam.18plus", 9.9, None, None, 9.2125, 0.5639),
        ("gezondheid_gemeente.mantelzorger.18plus", 18.0, 15.2, 21.1, 15.2938, -1.3621),
        ("gezondheid.vrijwilligerswerk.18plus", 28.0, None, None, 29.3398, 0.3310),
        ("gezondheid.regie_eigen_leven.18plus", 89.8, None, None, 90.7648, 0.7309),
    ],
    "voorzieningen": [
        ("kwb.afstand_supermarkt", 1.2, None, None, 1.1633, 0.1234),
        ("kwb.afstand_kinderdagverblijf", 0.8, None, None, 0.8469, -0.2655),
    ],
}

# Peel en Maas (class 4).
# ervaren gezondheid 78.1-81.9 holds 80.018, ernstig overgewicht 12.0-15.3 holds 14.991,
# mantelzorger 14.7-18.1 holds 15.294: all three count as 0.
#   bestaanszekerheid (-1.2289 - 0.7682 - 0.1351) / 3               = -0.711  beter
#   gezondheid        (0 + 0.3080 - 0.1345 + 0) / 4                  =  0.043: niet anders
#   sociale_cohesie   (-0.5976 - 0.0103 + 0 + 0.0345 + 0.7309) / 5   =  0.032: niet anders
#   voorzieningen     (0.1234 - 0.2655) / 2                          = -0.071: niet anders
#   0 worse, 1 better: not clearly better -> "niet slechter, niet duidelijk beter"
PEEL_EN_MAAS: dict[str, list[Rij]] = {
    "bestaanszekerheid": [
        ("gezondheid.moeite_met_rondkomen.18plus", 7.8, None, None, 9.8898, -1.2289),
        ("kwb.bijstand_per_1000", 8.2902, None, None, 13.1350, -0.7682),
        ("kwb.arbeidsongeschiktheid_per_1000", 38.4571, None, None, 39.8769, -0.1351),
    ],
    "gezondheid": [
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", 80.1, 78.1, 81.9, 80.0180, -0.0245),
        ("gezondheid.langdurig_ziek_en_beperkt.18plus", 30.3, None, None, 29.4430, 0.3080),
        ("gezondheid.risico_angst_depressie.18plus", 42.2, None, None, 42.6352, -0.1345),
        ("gezondheid_gemeente.ernstig_overgewicht.18plus", 13.6, 12.0, 15.3, 14.9906, -0.4472),
    ],
    "sociale_cohesie": [
        ("gezondheid.eenzaam.18plus", 41.6, None, None, 43.0008, -0.5976),
        ("gezondheid.ernstig_eenzaam.18plus", 9.2, None, None, 9.2125, -0.0103),
        ("gezondheid_gemeente.mantelzorger.18plus", 16.3, 14.7, 18.1, 15.2938, -0.5065),
        ("gezondheid.vrijwilligerswerk.18plus", 29.2, None, None, 29.3398, 0.0345),
        ("gezondheid.regie_eigen_leven.18plus", 89.8, None, None, 90.7648, 0.7309),
    ],
    "voorzieningen": [
        ("kwb.afstand_supermarkt", 1.2, None, None, 1.1633, 0.1234),
        ("kwb.afstand_kinderdagverblijf", 0.8, None, None, 0.8469, -0.2655),
    ],
}

BEKEND = [
    ("GM0994", VALKENBURG, ("slechter",) * 4, "slechter op alle thema's"),
    ("GM0889", BEESEL, ("niet anders", "slechter", "slechter", "beter"), "slechter op één of twee thema's"),
    ("GM0944", MOOK, ("beter",) * 4, "duidelijk beter"),
    ("GM0907", GENNEP, ("slechter", "slechter", "slechter", "niet anders"), "slechter op drie thema's"),
    (
        "GM1894",
        PEEL_EN_MAAS,
        ("beter", "niet anders", "niet anders", "niet anders"),
        "niet slechter, niet duidelijk beter",
    ),
]


def _telt_mee(rij: Rij) -> float:
    """The z-score the judgement uses: 0 when the 95% interval holds the benchmark value."""
    _, _, onder, boven, benchmark, z = rij
    if onder is None or boven is None:
        return z
    return z if not onder <= benchmark <= boven else 0.0


def _met_de_hand(thema: list[Rij]) -> str:
    gemiddeld = sum(_telt_mee(r) for r in thema) / len(thema)
    return "slechter" if gemiddeld > DREMPEL else "beter" if gemiddeld < -DREMPEL else "niet anders"


def _significant(rij: Rij) -> float:
    """+1 interval wholly on the worse side of the benchmark, -1 wholly better, 0 overlapping."""
    indicator, _, onder, boven, benchmark, _ = rij
    assert onder is not None and boven is not None
    beter_hoger = indicator in HOGER_IS_BETER
    if (boven < benchmark) if beter_hoger else (onder > benchmark):
        return 1.0
    if (onder > benchmark) if beter_hoger else (boven < benchmark):
        return -1.0
    return 0.0


@pytest.mark.parametrize(("code", "rijen", "oordelen", "groep"), BEKEND, ids=[b[0] for b in BEKEND])
def test_known_answer_one_gemeente_per_group(
    dorpen: Resultaat, code: str, rijen: dict[str, list[Rij]], oordelen: tuple[str, ...], groep: str
) -> None:
    indicatoren = dorpen.indicatoren[dorpen.indicatoren["code"] == code].set_index("indicator")
    for thema, lijst in rijen.items():
        for rij in lijst:
            indicator, waarde, onder, boven, benchmark, z = rij
            opgeslagen = indicatoren.loc[indicator]
            assert opgeslagen["thema"] == thema
            assert opgeslagen["waarde"] == pytest.approx(waarde, abs=1e-4)
            assert opgeslagen["benchmark"] == pytest.approx(benchmark, abs=1e-4)
            assert opgeslagen["genormaliseerd"] == pytest.approx(z, abs=1e-4)
            if onder is None:
                assert np.isnan(opgeslagen["onder"]) and np.isnan(opgeslagen["significant"])
            else:
                assert (opgeslagen["onder"], opgeslagen["boven"]) == pytest.approx((onder, boven))
                assert opgeslagen["significant"] == _significant(rij)
    # the judgements by hand are the ones written down above, and the pipeline's
    assert tuple(_met_de_hand(rijen[t]) for t in THEMAS) == oordelen
    themas = dorpen.themas[dorpen.themas["code"] == code].set_index("thema")
    assert tuple(themas.loc[list(THEMAS), "oordeel"]) == oordelen
    for t in THEMAS:
        assert themas.loc[t, "score_getoetst"] == pytest.approx(
            sum(_telt_mee(r) for r in rijen[t]) / len(rijen[t]), abs=1e-3
        )
    gebied = dorpen.gebieden.set_index("code").loc[code]
    assert gebied["groep"] == groep


def test_groups_follow_the_seed(dorpen: Resultaat) -> None:
    methode = dorpen.methode
    assert [g.naam for g in methode.classificatie.groep[:3]] == [
        "slechter op alle thema's",
        "slechter op één of twee thema's",
        "duidelijk beter",
    ]
    # every area has a group of the method; nobody is left to the catch-all
    assert set(dorpen.gebieden["groep"]) <= {g.naam for g in methode.classificatie.groep}
    assert dorpen.gebieden["groep"].value_counts().to_dict() == {
        "slechter op drie thema's": 10,
        "slechter op één of twee thema's": 6,
        "slechter op alle thema's": 2,
        "duidelijk beter": 1,
        "niet slechter, niet duidelijk beter": 1,
    }


def test_margins_are_counted_per_theme(dorpen: Resultaat) -> None:
    # 20 gemeenten; per gemeente bestaanszekerheid 3 indicators, gezondheid 4 (2 from 85012NED with
    # margins), sociale cohesie 5 (1 from 85012NED), voorzieningen 2
    som = dorpen.themas.groupby("thema")[["indicatoren", "met_marges"]].sum()
    assert som.loc[list(THEMAS)].to_dict("index") == {
        "bestaanszekerheid": {"indicatoren": 60, "met_marges": 0},
        "gezondheid": {"indicatoren": 80, "met_marges": 40},
        "sociale_cohesie": {"indicatoren": 100, "met_marges": 20},
        "voorzieningen": {"indicatoren": 40, "met_marges": 0},
    }
    # binnen_marge: how many of those intervals hold the benchmark value (recounted from the table)
    ind = dorpen.indicatoren
    binnen = ind[ind["significant"] == 0].groupby("thema").size()
    assert dorpen.themas.groupby("thema")["binnen_marge"].sum().to_dict() == {
        t: int(binnen.get(t, 0)) for t in THEMAS
    }
    stap = next(s for s in dorpen.runrecord["stappen"] if s["stap"] == "classificeren")
    assert stap["marges"]["gezondheid"] == {
        "waarden": 80,
        "met_marges": 40,
        "binnen_marge": int(binnen["gezondheid"]),
    }
    assert "85012NED" in {g["tabel"] for g in dorpen.runrecord["gegevens"]}


def test_dorpen_uses_the_gemeente_table_wherever_it_has_margins() -> None:
    """Every small-area indicator of dorpen without a gemeente-table twin; the twins are 85012NED."""
    cat = catalogus()
    ids = lees_methode("dorpen").indicator_ids()
    for i in ids:
        if i.startswith("gezondheid."):
            assert cat.get(i.replace("gezondheid.", "gezondheid_gemeente.", 1)) is None, i
    gemeente = [i for i in ids if i.startswith("gezondheid_gemeente.")]
    assert len(gemeente) == 3
    for i in gemeente:
        indicator = cat.get(i)
        assert indicator is not None and "85012NED" in indicator.tabellen()


def test_cli_and_excel_report_margins(echte_opslag: Opslag, tmp_path: Path) -> None:
    uit = CliRunner().invoke(
        app, ["analyseer", "dorpen", "--opslag", str(echte_opslag.map), "--uit", str(tmp_path)]
    )
    assert uit.exit_code == 0, uit.output
    tekst = " ".join(uit.output.split())
    assert "Waarden met 95%-marges per thema: bestaanszekerheid 0 van 60; gezondheid 40 van 80" in tekst
    blad = pd.read_excel(tmp_path / "resultaat.xlsx", sheet_name="Thema's", engine="calamine")
    assert blad["Waarvan met 95%-marges"].sum() == 60
    assert blad["Indicatoren met waarde"].sum() == 280


# --- group definitions ---------------------------------------------------------------------

METHODE = """
naam = "proef"
titel = "Proef"
[scope]
niveau = "gemeente"
periode = "2020"
[classificatie]
drempel = 0.2
{groepen}
[[thema]]
id = "a"
label = "A"
[[thema.indicator]]
id = "kwb.bijstand_per_1000"
[[thema]]
id = "b"
label = "B"
[[thema.indicator]]
id = "kwb.afstand_supermarkt"
"""


def _groep(naam: str, **regels: object) -> str:
    delen = [f'[[classificatie.groep]]\nnaam = "{naam}"']
    delen += [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in regels.items()]
    return "\n".join(delen) + "\n"


@pytest.mark.parametrize(
    ("groepen", "fout"),
    [
        (
            _groep("x", min_slechter=1) + _groep("y", max_beter=0),
            r"sleutel 'classificatie\.groep': de groepen 'x' en 'y' overlappen: een gebied met 1 "
            r"slechtere en 0 betere thema's past in beide",
        ),
        (_groep("x", min_slechter=2, max_slechter=1), r"min_slechter \(2\) is groter dan max_slechter \(1\)"),
        (
            _groep("x", min_slechter=3),
            r"min_slechter = 3 is meer dan het aantal thema's \(2\); gebruik 'alle'",
        ),
        (_groep("x", min_slechter=1, min_beter="alle"), r"groep 'x' kan nooit voorkomen"),
        (_groep("x"), r"sleutel 'classificatie\.groep\[1\]': groep 'x' heeft geen regel"),
        (_groep("x", min_slechter="veel"), r"min_slechter': moet een aantal thema's .* niet 'veel'"),
        (_groep("x", max_beter=-1), r"max_beter': moet een aantal thema's"),
        (_groep("x", min_slechter=1) + _groep("x", max_slechter=0), r"groepsnaam komt meer dan eens voor: x"),
        (_groep(ONVOLDOENDE, min_slechter=1), r"groepsnaam komt meer dan eens voor: onvoldoende gegevens"),
        (_groep(" ", min_slechter=1), r"een groepsnaam mag niet leeg zijn"),
        (_groep("x", min_slechter=1, regel=3), r"onbekende sleutel 'classificatie\.groep\[1\]\.regel'"),
    ],
)
def test_bad_group_definitions_give_dutch_errors(groepen: str, fout: str) -> None:
    with pytest.raises(InvoerFout, match=fout):
        ontleed_methode(METHODE.format(groepen=groepen), "proef.toml")


def test_default_groups_and_the_catch_all() -> None:
    zonder = ontleed_methode(METHODE.format(groepen=""))
    assert zonder.classificatie.groep == []
    oordeel = np.array([[1, 1], [1, -1], [0, -1], [-1, -1], [np.nan, 1]], dtype=float)
    assert cl.groep(oordeel, zonder.classificatie.groep).tolist() == [
        cl.SLECHTER_ALLE,
        cl.SLECHTER_SOMMIGE,
        cl.NIET_SLECHTER,
        cl.BETER_ALLE,
        ONVOLDOENDE,
    ]
    # groups that leave combinations uncovered: those areas get the method's own 'overig' name
    methode = ontleed_methode(
        METHODE.format(groepen='overig = "rest"\n' + _groep("alles slechter", min_slechter="alle"))
    )
    c = methode.classificatie
    assert cl.groep(oordeel, c.groep, c.overig).tolist() == [
        "alles slechter",
        "rest",
        "rest",
        "rest",
        ONVOLDOENDE,
    ]
