"""The row-block implementation of the analysis (issue 15): every statistic and table the same to the
bit whatever the block size, the group statistics from one copy equal to numpy's nan-functions, and
the correlations from matrix products equal to Pearson's over the pairwise complete rows."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gebiedskompas.analyse import blokken, pijplijn
from gebiedskompas.analyse.benchmark import Groepen, maak_groepen
from gebiedskompas.analyse.methode import Benchmark, lees_methode
from gebiedskompas.analyse.samenhang import cronbach_alfa, paarcorrelaties
from gebiedskompas.analyse.selecteer import Gegevens, selecteer
from gebiedskompas.opslag import Opslag


def _groepen(index: np.ndarray, aantal: int) -> Groepen:
    return Groepen(index, np.vstack([index == g for g in range(aantal)]), [str(g) for g in range(aantal)])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    k=st.integers(1, 4),
    groepen=st.integers(1, 4),
    seed=st.integers(0, 10_000),
    ontbreekt=st.floats(0.0, 0.9),
)
def test_group_statistics_equal_numpys_nan_functions_to_the_bit(
    n: int, k: int, groepen: int, seed: int, ontbreekt: float
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(50.0, 20.0, (n, k)) * rng.choice([1e-3, 1.0, 1e4], k)
    x[rng.random(x.shape) < ontbreekt] = np.nan
    g = _groepen(rng.integers(0, groepen, n), groepen)
    b = g.beschrijf(x)
    sd = lambda a, axis: np.nanstd(a, axis=axis, ddof=1)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for naam, functie in (("gem", np.nanmean), ("sd", sd), ("lo", np.nanmin), ("hi", np.nanmax)):
            verwacht = np.vstack(
                [
                    functie(x[leden], axis=0) if leden.any() else np.full(k, np.nan)  # numpy refuses
                    for leden in g.leden
                ]
            )
            assert np.array_equal(getattr(b, naam), verwacht, equal_nan=True), naam


def test_group_statistics_of_a_benchmark_group_that_is_a_subset() -> None:
    # one group whose members are some of the areas (benchmark "groep"), not all
    x = np.array([[1.0, np.nan], [2.0, 4.0], [4.0, 6.0], [8.0, 8.0]])
    g = Groepen(np.zeros(4, dtype=int), np.array([[True, True, False, True]]), ["groep"])
    b = g.beschrijf(x)
    assert b.gem.tolist() == [[11 / 3, 6.0]]
    assert b.lo.tolist() == [[1.0, 4.0]] and b.hi.tolist() == [[8.0, 8.0]]
    assert b.sd[0, 1] == pytest.approx(np.sqrt(8.0))  # (4-6)² + (8-6)² over 2 - 1


@pytest.mark.parametrize("naam", ["wijken", "dorpen"])
def test_analysis_is_the_same_to_the_bit_whatever_the_block_size(
    naam: str, echte_opslag: Opslag, monkeypatch: pytest.MonkeyPatch
) -> None:
    methode = lees_methode(naam)
    gegevens = selecteer(methode, echte_opslag.lees())
    groot = pijplijn.analyseer_gegevens(methode, gegevens, robuustheid=30)
    monkeypatch.setattr(blokken, "BLOK", 64)  # many blocks, the last one partly filled
    klein = pijplijn.analyseer_gegevens(methode, gegevens, robuustheid=30)
    assert "mediane_rang" in groot.gebieden and groot.sobol == klein.sobol
    for a, b in (
        (groot.gebieden, klein.gebieden),
        (groot.themas, klein.themas),
        (groot.indicatoren, klein.indicatoren),
    ):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert groot.runrecord["stappen"] == klein.runrecord["stappen"]
    np.testing.assert_allclose(
        pd.DataFrame(groot.samenhang["correlaties"]).to_numpy(dtype=float),
        pd.DataFrame(klein.samenhang["correlaties"]).to_numpy(dtype=float),
        rtol=0,
        atol=1e-12,
    )


def _pearson_exact(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r of the rows where both are present, in extended precision; NaN below 3 rows or
    for a constant column."""
    beide = ~np.isnan(a) & ~np.isnan(b)
    if beide.sum() < 3:
        return np.nan
    p, q = a[beide].astype(np.longdouble), b[beide].astype(np.longdouble)
    p, q = p - p.mean(), q - q.mean()
    noemer = np.sqrt((p * p).sum() * (q * q).sum())
    return float((p * q).sum() / noemer) if noemer > 0 else np.nan


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 80), seed=st.integers(0, 10_000), ontbreekt=st.floats(0.0, 0.7))
def test_pairwise_correlations_equal_pearson_on_the_complete_pairs(
    n: int, seed: int, ontbreekt: float
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)) * [1.0, 1e-3, 1e4, 1.0] + [0.0, 5.0, -3e4, 1e6]
    x[:, 3] = 2 * x[:, 0] + rng.normal(size=n) * 0.01  # nearly collinear
    if n:
        x[rng.random(n) < 0.5, 2] = 7.0  # partly constant
    x[rng.random(x.shape) < ontbreekt] = np.nan
    r = paarcorrelaties(x, x)
    for a in range(4):
        for b in range(4):
            verwacht = _pearson_exact(x[:, a], x[:, b])
            if np.isnan(verwacht):
                assert np.isnan(r[a, b]) or abs(r[a, b]) <= 1.0  # rounding may leave a constant pair
            else:
                assert r[a, b] == pytest.approx(verwacht, abs=1e-9), (a, b)


def test_correlations_known_answers_and_pandas() -> None:
    x = np.array([[1.0, 2.0, 5.0], [2.0, 4.0, 5.0], [3.0, 6.5, 5.0], [4.0, np.nan, 5.0], [np.nan, 1.0, 5.0]])
    r = paarcorrelaties(x, x)
    assert r[0, 1] == pytest.approx(np.corrcoef([1, 2, 3], [2, 4, 6.5])[0, 1], abs=1e-15)
    assert np.isnan(r[0, 2]) and np.isnan(r[2, 2])  # a constant column has no correlation
    assert np.isnan(paarcorrelaties(x[:2], x[:2])).all()  # fewer than 3 pairs
    pandas = pd.DataFrame(x).corr(min_periods=3).to_numpy()
    np.testing.assert_allclose(np.where(np.eye(3) == 1, np.nan, r), np.where(np.eye(3) == 1, np.nan, pandas))


def test_cronbach_alpha_over_complete_cases_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    basis = rng.normal(size=(500, 1))
    v = basis + rng.normal(size=(500, 4)) * 0.8 + 1e5
    v[rng.random(v.shape) < 0.1] = np.nan
    compleet = v[~np.isnan(v).any(axis=1)]
    k = compleet.shape[1]
    verwacht = k / (k - 1) * (1 - compleet.var(axis=0, ddof=1).sum() / compleet.sum(axis=1).var(ddof=1))
    assert cronbach_alfa(v) == pytest.approx(verwacht, rel=1e-10)
    monkeypatch.setattr(blokken, "BLOK", 13)
    assert cronbach_alfa(v) == pytest.approx(verwacht, rel=1e-10)
    assert cronbach_alfa(np.column_stack([np.ones(10), np.ones(10)])) is None  # no variance


@pytest.mark.parametrize("n", [0, 1, 5, 32_767, 32_768, 65_535, 65_536, 100_000])
def test_blocks_cover_the_rows_once_and_none_is_small(n: int) -> None:
    delen = list(blokken.blokken(n))
    assert [i for d in delen for i in range(d.start, d.stop)] == list(range(n))
    grootte = [d.stop - d.start for d in delen]
    assert len(delen) == 1 or all(blokken.BLOK - blokken.UITLIJNING <= g < 2 * blokken.BLOK for g in grootte)
    assert all(d.start % blokken.UITLIJNING == 0 for d in delen)


def test_benchmark_group_without_any_selected_area_is_named() -> None:
    tekst = np.array(["BU00010001", "BU00010002"], dtype=object)
    gegevens = Gegevens(
        codes=tekst,
        namen=tekst,
        gemeenten=np.array(["GM0001"] * 2, dtype=object),
        provincies=np.array(["PV20"] * 2, dtype=object),
        stedelijkheid=np.array([1.0, 2.0]),
        inwoners=np.array([100.0, 200.0]),
        in_scope=np.ones(2, dtype=bool),
        indicatoren=["a"],
        x=np.ones((2, 1)),
        onder=np.full((2, 1), np.nan),
        boven=np.full((2, 1), np.nan),
    )
    with pytest.raises(ValueError, match="geen van de codes BU99999999 komt voor"):
        maak_groepen(gegevens, Benchmark(soort="groep", groep=["BU99999999"]))
    assert maak_groepen(gegevens, Benchmark(soort="groep", groep=["bu00010002 "])).leden.tolist() == [
        [False, True]
    ]


def test_coherence_in_one_pass_equals_the_direct_formulas(echte_opslag: Opslag) -> None:
    methode = lees_methode("wijken")
    r = pijplijn.analyseer_gegevens(methode, selecteer(methode, echte_opslag.lees()))
    kern_v = r.indicatoren.pivot(index="code", columns="indicator", values="genormaliseerd")
    ids = methode.indicator_ids()
    v = kern_v[ids].to_numpy()
    thema = {i: t.id for t in methode.thema for i in (k.id for k in t.indicator)}
    for t in methode.thema:
        deel = v[:, [j for j, i in enumerate(ids) if thema[i] == t.id]]
        compleet = deel[~np.isnan(deel).any(axis=1)]
        k = compleet.shape[1]
        verwacht = (
            k / (k - 1) * (1 - compleet.var(axis=0, ddof=1).sum() / compleet.sum(axis=1).var(ddof=1))
            if k >= 2 and len(compleet) >= 3
            else None
        )
        assert r.samenhang["cronbach_alfa"][t.id] == (
            verwacht if verwacht is None else pytest.approx(verwacht)
        )
    pandas = pd.DataFrame(v, columns=ids).corr(min_periods=3)
    for a in ids:
        for b in ids:
            paar = r.samenhang["correlaties"][a][b]
            assert (paar is None) == bool(np.isnan(float(pandas.loc[a, b]))) or a == b
            if paar is not None and a != b:
                assert paar == pytest.approx(pandas.loc[a, b], abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.5, np.nan]), st.floats(-1e6, 1e6)),
        min_size=0,
        max_size=40,
    )
)
def test_ranks_from_one_sort_equal_the_search_in_the_sorted_scores(waarden: list[float]) -> None:
    from gebiedskompas.analyse.rangschik import rangen

    score = np.array(waarden, dtype=float)
    verwacht = np.full(score.shape, np.nan)
    bekend = ~np.isnan(score)
    w = score[bekend]
    schaal = float(np.max(np.abs(w))) if w.size else 0.0
    if schaal > 0:
        w = np.round(w / schaal, 12)
    verwacht[bekend] = np.searchsorted(np.sort(-w), -w, side="left") + 1  # the former implementation
    np.testing.assert_array_equal(rangen(score), verwacht)
