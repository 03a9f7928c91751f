"""The Monte Carlo of the robustness step: every replication is well defined, its statistics agree
with each other, and with the method's own choices it computes the pipeline's composite."""

from __future__ import annotations

import typing

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gebiedskompas.analyse.benchmark import Groepen
from gebiedskompas.analyse.methode import Aggregatie, Methode, Normalisatie, lees_methode
from gebiedskompas.analyse.pijplijn import bereken
from gebiedskompas.analyse.robuustheid import Keuze, Voorbereid, bereid_voor, monte_carlo, samengesteld_voor
from gebiedskompas.analyse.selecteer import selecteer
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag, Toestand

from .conftest import SHARED_DATA

NORMALISATIES: tuple[Normalisatie, ...] = typing.get_args(Normalisatie)
AGGREGATIES: tuple[Aggregatie, ...] = typing.get_args(Aggregatie)


def _methode(themas: list[list[float]], themagewicht: list[float], **velden: typing.Any) -> Methode:
    """A method with made-up indicator ids (the robustness step does not look them up)."""
    robuustheid = velden.pop("robuustheid", {})
    scope = {"niveau": "gemeente", "periode": "2020", **velden}
    thema = [
        {
            "id": f"t{t}",
            "label": f"T{t}",
            "gewicht": tg,
            "indicator": [{"id": f"t{t}.i{i}", "gewicht": g} for i, g in enumerate(ind)],
        }
        for t, (ind, tg) in enumerate(zip(themas, themagewicht, strict=True))
    ]
    return Methode.model_validate(
        {"naam": "proef", "titel": "proef", "scope": scope, "robuustheid": robuustheid, "thema": thema}
    )


def _basiskeuze(prep: Voorbereid, normalisatie: int = 0, aggregatie: int = 0, weglaten: int = -1) -> Keuze:
    k, t = len(prep.basis.indicator), len(prep.basis.thema)
    return Keuze(normalisatie, aggregatie, weglaten, np.ones(k), np.ones(t))


def test_leaving_out_the_only_indicator_of_a_theme_leaves_out_the_theme() -> None:
    # Issue 2/8 point 5: this replication used to give every area a missing composite.
    x = np.array([[5.0, 1.0, 2.0], [3.0, 4.0, 9.0], [1.0, 8.0, 4.0], [2.0, 2.0, 7.0]])
    groepen = Groepen(np.zeros(4, dtype=int), np.ones((1, 4), dtype=bool), ["NL"])
    in_scope = np.ones(4, dtype=bool)
    methode = _methode([[1.0, 1.0], [1.0]], [1.0, 3.0], robuustheid={"aggregaties": ["rekenkundig"]})
    prep = bereid_voor(x, groepen, np.ones(3), in_scope, methode, gewichten(methode))
    zonder = _methode([[1.0, 1.0]], [1.0], robuustheid={"aggregaties": ["rekenkundig"]})
    prep_zonder = bereid_voor(x[:, :2], groepen, np.ones(2), in_scope, zonder, gewichten(zonder))
    weggelaten = samengesteld_voor(prep, methode, _basiskeuze(prep, weglaten=2))
    assert np.isfinite(weggelaten).all()
    np.testing.assert_allclose(weggelaten, samengesteld_voor(prep_zonder, zonder, _basiskeuze(prep_zonder)))


@st.composite
def _opgave(draw: st.DrawFn) -> tuple[Methode, np.ndarray, Groepen, np.ndarray, np.ndarray]:
    """A small random method (always with a theme of one indicator) and data to go with it."""
    groottes = draw(st.permutations([1, *draw(st.lists(st.integers(1, 3), max_size=3))]))
    gewicht = st.floats(0.1, 5.0)
    themas = [draw(st.lists(gewicht, min_size=g, max_size=g)) for g in groottes]
    n = draw(st.integers(2, 15))
    methode = _methode(
        themas,
        draw(st.lists(gewicht, min_size=len(themas), max_size=len(themas))),
        min_dekking=draw(st.floats(0.0, 1.0)),
        selectie=draw(st.integers(1, n)),
        robuustheid={
            "gewichtsvariatie": draw(st.floats(0.0, 0.9)),
            "normalisaties": draw(st.lists(st.sampled_from(NORMALISATIES), min_size=1, unique=True)),
            "aggregaties": draw(st.lists(st.sampled_from(AGGREGATIES), min_size=1, unique=True)),
            "weglaten": True,
        },
    )
    k = sum(groottes)
    x = draw(arrays(np.float64, (n, k), elements=st.floats(0.0, 100.0)))
    x = x + np.arange(n)[:, None]  # rarely a constant column, so that most rows are complete
    x[draw(arrays(np.bool_, (n, k), elements=st.integers(0, 9).map(lambda i: i == 0)))] = np.nan  # ~10%
    groep = draw(st.lists(st.sampled_from("ab"), min_size=n, max_size=n))
    labels, index = np.unique(groep, return_inverse=True)  # one or two groups, none empty
    groepen = Groepen(index, np.vstack([index == g for g in range(len(labels))]), labels.tolist())
    richting = np.array(draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=k, max_size=k)))
    in_scope = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    in_scope[draw(st.integers(0, n - 1))] = True
    return methode, x, groepen, richting, in_scope


@settings(deadline=None, max_examples=150)
@given(_opgave(), st.integers(1, 60), st.integers(0, 2**32 - 1), st.data())
def test_replications_are_well_defined_and_consistent(
    opgave: tuple[Methode, np.ndarray, Groepen, np.ndarray, np.ndarray],
    replicaties: int,
    seed: int,
    data: st.DataObject,
) -> None:
    methode, x, groepen, richting, in_scope = opgave
    prep = bereid_voor(x, groepen, richting, in_scope, methode, gewichten(methode))
    r = methode.robuustheid
    k, t = x.shape[1], len(methode.thema)
    factor = st.floats(1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie)
    # Every indicator left out (and none), under every alternative: an area with all its values
    # has a composite, so no replication of data with a complete area is all missing.
    for weglaten in range(-1, k):
        keuze = Keuze(
            data.draw(st.integers(0, len(r.normalisaties) - 1)),
            data.draw(st.integers(0, len(r.aggregaties) - 1)),
            weglaten,
            np.array(data.draw(st.lists(factor, min_size=k, max_size=k))),
            np.array(data.draw(st.lists(factor, min_size=t, max_size=t))),
        )
        alternatief = (r.normalisaties[keuze.normalisatie], r.aggregaties[keuze.aggregatie])
        volledig = prep.aanwezig[alternatief].all(axis=1)
        samengesteld = samengesteld_voor(prep, methode, keuze)
        assert np.isfinite(samengesteld[volledig]).all()

    onz = monte_carlo(prep, methode, replicaties, seed)
    overal_volledig = np.logical_and.reduce([a.all(axis=1) for a in prep.aanwezig.values()])
    if overal_volledig.any():
        assert (~np.isnan(onz.rangen)).any(axis=1).all()
    # The probability of selection agrees with the rank percentiles, over the same replications.
    s = methode.scope.selectie
    gerangschikt = ~np.isnan(onz.p05)
    kans, p05, p95 = onz.kans_top[gerangschikt], onz.p05[gerangschikt], onz.p95[gerangschikt]
    assert ((p95 <= s) == (kans >= 0.95)).all()
    assert ((p05 <= s) == (kans >= 0.05)).all()
    assert (onz.kans_top[~gerangschikt] == 0).all()
    assert ((onz.kans_top >= 0) & (onz.kans_top <= 1)).all()


# What `dorpen` and `wijken` (periode 2020) read: Gezondheidsmonitor 18+ per wijk and buurt and per
# gemeente, KWB 2020, the register of Gebieden in Nederland 2020 and the Leefbaarometer per wijk.
BESTANDEN = (
    "rivm_gezondheidsmonitor/RIVM_gezondheid2020_18+.xlsx",
    "cbs_gezondheidsmonitor_regio/85012NED.csv",
    "cbs_kwb/84799NED",
    "cbs_gebieden_in_nederland/84721NED.csv",
    "leefbaarometer/Leefbaarometer-scores wijken 2002-2022.csv",
)


@pytest.fixture(scope="module")
def toestand(tmp_path_factory: pytest.TempPathFactory) -> Toestand:
    opslag = Opslag(tmp_path_factory.mktemp("robuustheid") / "opslag")
    resultaat = laad([SHARED_DATA / b for b in BESTANDEN], opslag)
    assert not resultaat.mislukt
    return opslag.lees()


@pytest.mark.parametrize("naam", ["dorpen", "wijken"])
def test_base_replication_is_the_pipeline_composite(toestand: Toestand, naam: str) -> None:
    """Issue 2/8 point 6: with the method's weights and no indicator left out, a replication gives
    the composite of ``bereken`` for every normalisation and aggregation the robustness step offers."""
    ruw = lees_methode(naam).model_dump()
    ruw["robuustheid"] |= {"normalisaties": list(NORMALISATIES), "aggregaties": list(AGGREGATIES)}
    methode = Methode.model_validate(ruw)
    gegevens = selecteer(methode, toestand)
    s = gegevens.in_scope
    nominaal = bereken(methode, gegevens)
    prep = bereid_voor(nominaal.x, nominaal.groepen, nominaal.richting, s, methode, gewichten(methode))
    for i, norm in enumerate(NORMALISATIES):
        for j, agg in enumerate(AGGREGATIES):
            variant = Methode.model_validate({**ruw, "normalisatie": norm, "aggregatie": agg})
            verwacht = bereken(variant, gegevens).composiet[s]
            replicatie = samengesteld_voor(prep, methode, _basiskeuze(prep, i, j))
            assert np.isfinite(verwacht).sum() > s.sum() / 2, (norm, agg)
            np.testing.assert_allclose(replicatie, verwacht, rtol=0, atol=1e-12, err_msg=f"{norm}, {agg}")
