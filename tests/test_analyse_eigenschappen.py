"""Hypothesis properties of the analysis core."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gebiedskompas.analyse.aggregeer import samengesteld, themascores
from gebiedskompas.analyse.benchmark import Groepen
from gebiedskompas.analyse.methode import ontleed_methode
from gebiedskompas.analyse.normaliseer import normaliseer
from gebiedskompas.analyse.pijplijn import bereken
from gebiedskompas.analyse.rangschik import rangen
from gebiedskompas.analyse.selecteer import Gegevens
from gebiedskompas.analyse.weeg import gewichten, normaliseer_binnen

waarden = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
matrix = arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 5)), elements=waarden)


def _een_groep(n: int) -> Groepen:
    return Groepen(np.zeros(n, dtype=int), np.ones((1, n), dtype=bool), ["NL"])


@given(matrix, st.data())
def test_minmax_lies_in_unit_interval(x: np.ndarray, data: st.DataObject) -> None:
    richting = np.array(
        data.draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=x.shape[1], max_size=x.shape[1]))
    )
    v, _ = normaliseer(x, _een_groep(len(x)), richting, "minmax")
    bekend = v[~np.isnan(v)]
    assert ((bekend >= -1e-12) & (bekend <= 1 + 1e-12)).all()


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=12), st.integers(1, 4))
def test_weights_sum_to_one(ruw: list[float], aantal: int) -> None:
    thema_van = np.arange(len(ruw)) % aantal
    w = normaliseer_binnen(np.array(ruw), thema_van, aantal)
    for t in set(thema_van.tolist()):
        assert abs(w[thema_van == t].sum() - 1) < 1e-9


@given(arrays(np.float64, st.integers(1, 50), elements=st.one_of(waarden, st.just(np.nan))))
def test_ranks_follow_scores(score: np.ndarray) -> None:
    r = rangen(score)
    bekend = ~np.isnan(score)
    assert np.isnan(r[~bekend]).all()
    s, rr = score[bekend], r[bekend]
    # Scores closer than 12 significant digits of the largest score are a tie (rounding noise).
    ruis = 1e-11 * (np.max(np.abs(s)) if len(s) else 0.0)
    for i in range(len(s)):
        assert (rr[s > s[i] + ruis] < rr[i]).all()
        assert (rr[s == s[i]] == rr[i]).all()


@given(matrix, st.data())
def test_missing_stays_missing(x: np.ndarray, data: st.DataObject) -> None:
    gaten = data.draw(arrays(np.bool_, x.shape))
    x = np.where(gaten, np.nan, x)
    v, _ = normaliseer(x, _een_groep(len(x)), np.ones(x.shape[1]), "zscore")
    assert np.isnan(v[gaten]).all()
    wmat = np.full((x.shape[1], 1), 1 / x.shape[1])
    scores = themascores(v, wmat, 1.0, "rekenkundig")
    assert np.isnan(scores[gaten.any(axis=1), 0]).all()
    assert np.isnan(samengesteld(scores, np.array([1.0]), "rekenkundig")[gaten.any(axis=1)]).all()


METHODE = ontleed_methode("""
naam = "eigenschap"
titel = "t"
[scope]
niveau = "gemeente"
periode = "2020"
[[thema]]
id = "a"
label = "A"
[[thema.indicator]]
id = "gezondheid.eenzaam.18plus"
[[thema.indicator]]
id = "gezondheid.vrijwilligerswerk.18plus"
[[thema]]
id = "b"
label = "B"
[[thema.indicator]]
id = "kwb.bijstand_per_1000"
""")


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (12, 3), elements=st.floats(0, 100)), st.randoms(use_true_random=False))
def test_shuffling_areas_changes_nothing(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    n = len(x)
    codes = np.array([f"GM{i:04d}" for i in range(n)], dtype=object)
    klasse = np.array([1 + i % 3 for i in range(n)], dtype=float)

    def gegevens(volgorde: np.ndarray) -> Gegevens:
        leeg = np.full((n, 3), np.nan)
        return Gegevens(
            codes[volgorde],
            codes[volgorde],
            codes[volgorde],
            np.array(["PV31"] * n, dtype=object),
            klasse[volgorde],
            np.full(n, 1000.0),
            np.ones(n, dtype=bool),
            METHODE.indicator_ids(),
            x[volgorde],
            leeg,
            leeg,
        )

    volgorde = np.arange(n)
    geschud = np.array(rnd.sample(range(n), n))
    a, b = bereken(METHODE, gegevens(volgorde)), bereken(METHODE, gegevens(geschud))
    terug = np.argsort(geschud)
    # Shuffling changes the order of the sums in the column statistics: equal up to rounding noise.
    np.testing.assert_allclose(a.composiet, b.composiet[terug], equal_nan=True, atol=1e-12)
    np.testing.assert_array_equal(a.rang, b.rang[terug])


def test_shipped_method_weights_are_normalised() -> None:
    w = gewichten(METHODE)
    assert w.thema.sum() == 1
    assert w.indicator.tolist() == [0.5, 0.5, 1.0]


def test_scores_equal_up_to_rounding_noise_share_a_rank() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: the same score as 0.3 for a reader.
    np.testing.assert_array_equal(rangen(np.array([0.1 + 0.2, 0.3, 0.1])), [1.0, 1.0, 3.0])
