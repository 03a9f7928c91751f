"""Known answers for every analysis step, computed by hand from the (COINr) definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gebiedskompas.analyse import classificeer as cl
from gebiedskompas.analyse.aggregeer import herschaal, samengesteld, themascores
from gebiedskompas.analyse.behandel import winsoriseer_kolom
from gebiedskompas.analyse.benchmark import Groepen
from gebiedskompas.analyse.imputeer import imputeer
from gebiedskompas.analyse.methode import Uitschieters
from gebiedskompas.analyse.normaliseer import normaliseer, prank
from gebiedskompas.analyse.rangschik import rangen, rangen_snel
from gebiedskompas.analyse.samenhang import cronbach_alfa
from gebiedskompas.analyse.weeg import normaliseer_binnen

EEN_GROEP = Groepen(np.zeros(4, dtype=int), np.ones((1, 4), dtype=bool), ["NL"])
X = np.array([[1.0], [2.0], [3.0], [4.0]])
OMHOOG = np.array([1.0])  # higher is worse
OMLAAG = np.array([-1.0])  # higher is better


def test_zscore_against_benchmark() -> None:
    # mean 2.5; sample sd = sqrt((1.5² + 0.5² + 0.5² + 1.5²) / 3) = sqrt(5/3) = 1.290994
    v, bench = normaliseer(X, EEN_GROEP, OMHOOG, "zscore")
    assert v[:, 0] == pytest.approx([-1.161895, -0.387298, 0.387298, 1.161895], abs=1e-6)
    assert bench[0, 0] == 0
    v_laag, _ = normaliseer(X, EEN_GROEP, OMLAAG, "zscore")
    assert v_laag[:, 0] == pytest.approx(-v[:, 0])


def test_minmax() -> None:
    v, bench = normaliseer(X, EEN_GROEP, OMHOOG, "minmax")
    assert v[:, 0] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert bench[0, 0] == pytest.approx(0.5)  # (2.5 - 1) / 3
    v_laag, _ = normaliseer(X, EEN_GROEP, OMLAAG, "minmax")
    assert v_laag[:, 0] == pytest.approx([1, 2 / 3, 1 / 3, 0])


def test_percentile_rank_with_ties() -> None:
    v, bench = normaliseer(X, EEN_GROEP, OMHOOG, "prank")
    assert v[:, 0] == pytest.approx([0.25, 0.5, 0.75, 1.0])  # rank / n
    assert bench[0, 0] == pytest.approx(0.625)  # 2.5 lies between ranks 2 and 3: 2.5 / 4
    # ties share their average rank: [1, 1, 3] -> ranks 1.5, 1.5, 3 -> / 3
    assert prank(np.array([1.0, 1.0, 3.0]), np.array([1.0, 3.0])) == pytest.approx([0.5, 1.0])


def test_distance_to_benchmark_in_percent() -> None:
    v, bench = normaliseer(X, EEN_GROEP, OMHOOG, "dist2ref")
    assert v[:, 0] == pytest.approx([-60, -20, 20, 60])  # (x / 2.5 - 1) * 100
    assert bench[0, 0] == 0


def test_each_area_against_its_own_urbanity_class() -> None:
    groepen = Groepen(np.array([0, 0, 1, 1]), np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool), ["1", "2"])
    x = np.array([[10.0], [20.0], [1.0], [3.0]])
    v, bench = normaliseer(x, groepen, OMHOOG, "minmax")
    assert v[:, 0] == pytest.approx([0, 1, 0, 1])
    assert bench[:, 0] == pytest.approx([0.5, 0.5])


def test_imputation_none_and_benchmark_group_mean() -> None:
    groepen = Groepen(np.array([0, 0, 1, 1]), np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool), ["a", "b"])
    x = np.array([[2.0], [np.nan], [5.0], [np.nan]])
    geen, vlag = imputeer(x, groepen, "geen")
    assert np.isnan(geen[1, 0]) and not vlag.any()
    gevuld, vlag = imputeer(x, groepen, "benchmarkgemiddelde")
    assert gevuld[:, 0].tolist() == [2.0, 2.0, 5.0, 5.0]
    assert vlag[:, 0].tolist() == [False, True, False, True]


def test_winsorising_by_the_coinr_rule() -> None:
    # 1..20 and one value of 1000: skew ≈ 4.6 and kurtosis ≈ 21 exceed 2 and 3.5; replacing the
    # 1000 by the next highest value (20) removes the problem, so exactly one point moves.
    waarden = np.append(np.arange(1.0, 21.0), 1000.0)
    lo, hi, aantal = winsoriseer_kolom(waarden, Uitschieters())
    assert (lo, hi, aantal) == (1.0, 20.0, 1)
    # a symmetric column is left alone
    assert winsoriseer_kolom(np.arange(1.0, 21.0), Uitschieters())[2] == 0


def test_arithmetic_and_geometric_aggregation() -> None:
    wmat = np.array([[0.25], [0.75]])
    assert themascores(np.array([[2.0, 4.0]]), wmat, 0.5, "rekenkundig")[0, 0] == pytest.approx(3.5)
    # geometric: 1^0.5 * 100^0.5 = 10
    assert themascores(np.array([[1.0, 100.0]]), np.array([[0.5], [0.5]]), 0.5, "meetkundig")[
        0, 0
    ] == pytest.approx(10)


def test_missing_values_renormalise_weights_until_coverage_is_too_low() -> None:
    wmat = np.array([[0.25], [0.75]])
    v = np.array([[np.nan, 4.0]])
    assert themascores(v, wmat, 0.5, "rekenkundig")[0, 0] == 4.0  # 75% of the weight present
    assert np.isnan(themascores(v, wmat, 0.8, "rekenkundig")[0, 0])
    assert np.isnan(samengesteld(np.array([[1.0, np.nan]]), np.array([0.5, 0.5]), "rekenkundig")[0])


def test_rescaling_for_geometric_mean() -> None:
    geschaald, bench = herschaal(np.array([[0.0], [5.0], [10.0]]), np.array([[2.0]]))
    assert geschaald[:, 0] == pytest.approx([1, 50.5, 100])
    assert bench[0, 0] == pytest.approx(1 + 2 / 10 * 99)


def test_weights_sum_to_one_within_each_theme() -> None:
    w = normaliseer_binnen(np.array([1.0, 3.0, 2.0]), np.array([0, 0, 1]), 2)
    assert w.tolist() == [0.25, 0.75, 1.0]


def test_margins_decide_significance() -> None:
    ref = np.array([[10.0, 10.0, 10.0]])
    richting = np.array([1.0, 1.0, -1.0])
    onder = np.array([[11.0, 9.0, 11.0]])
    boven = np.array([[12.0, 12.0, 12.0]])
    assert cl.significant_slechter(onder, boven, ref, richting).tolist() == [[1.0, 0.0, -1.0]]
    zonder = cl.significant_slechter(np.full((1, 3), np.nan), np.full((1, 3), np.nan), ref, richting)
    assert np.isnan(zonder).all()


def test_theme_judgement_with_threshold_and_margins() -> None:
    scores = np.array([[0.5, 0.1, -0.5], [0.5, 0.5, 0.5]])
    bench = np.zeros((2, 3))
    geen_marges = np.full((2, 3), np.nan)
    oordeel = cl.oordeel_per_thema(scores, bench, 0.2, geen_marges, np.array([0, 1, 2]))
    assert oordeel.tolist() == [[1, 0, -1], [1, 1, 1]]
    # theme 0 of area 0 has margins that overlap the benchmark: not called worse
    marges = np.array([[0.0, np.nan, np.nan], [1.0, np.nan, np.nan]])
    oordeel = cl.oordeel_per_thema(scores, bench, 0.2, marges, np.array([0, 1, 2]))
    assert oordeel[:, 0].tolist() == [0, 1]


def test_groups() -> None:
    oordeel = np.array([[1, 1], [1, 0], [0, 0], [-1, -1], [1, np.nan]], dtype=float)
    assert cl.groep(oordeel).tolist() == [
        cl.SLECHTER_ALLE,
        cl.SLECHTER_SOMMIGE,
        cl.NIET_SLECHTER,
        cl.BETER_ALLE,
        "onvoldoende gegevens",
    ]


def test_ranks_highest_need_first_with_ties() -> None:
    r = rangen(np.array([3.0, 1.0, 3.0, np.nan, 2.0]))
    assert r[[0, 1, 2, 4]].tolist() == [1, 4, 1, 3]
    assert math.isnan(r[3])
    assert rangen_snel(np.array([[3.0, 1.0, 2.0]])).tolist() == [[1, 3, 2]]


def test_cronbach_alpha_by_hand() -> None:
    # items [1,2,3,4] and [2,1,4,3]: item variances 5/3 each, total [3,3,7,7] variance 16/3:
    # alpha = 2 * (1 - (10/3) / (16/3)) = 0.75
    v = np.array([[1, 2], [2, 1], [3, 4], [4, 3]], dtype=float)
    assert cronbach_alfa(v) == pytest.approx(0.75)
