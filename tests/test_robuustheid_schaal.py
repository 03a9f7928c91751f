"""The robustness step in chunks (issue 15): the same numbers as the one-array implementation it
replaced (tests/oude_robuustheid.py), in memory and with the ranks on disk, in this process, in local
processes and on a Dask LocalCluster; the exact rank summary checked by hand and against numpy."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gebiedskompas.analyse import robuustheid as rb
from gebiedskompas.analyse.methode import Methode, lees_methode
from gebiedskompas.analyse.pijplijn import Kern, bereken
from gebiedskompas.analyse.rangschik import _rangen_per_rij, rangen_snel
from gebiedskompas.analyse.selecteer import selecteer
from gebiedskompas.analyse.uitvoerder import DaskCluster, InDitProces, LokaleProcessen, kies
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.cli import app
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag

from . import oude_robuustheid as oud

REPLICATIES = 120
SEED = 11


@pytest.fixture(scope="module")
def wijken_buurt(echte_opslag: Opslag) -> tuple[Methode, Kern]:
    """The shipped ``wijken`` method per buurt on the real data: 281 buurten in scope, benchmarked
    against all Dutch buurten of the same urbanity."""
    methode = lees_methode("wijken")
    methode.scope.niveau = "buurt"
    kern = bereken(methode, selecteer(methode, echte_opslag.lees()))
    return methode, kern


def _nieuw(methode: Methode, kern: Kern, **opties: Any) -> rb.Robuustheid:
    s = kern.gegevens.in_scope
    return rb.voer_uit(
        rb.alternatieven(kern.x, kern.groepen, kern.richting, s, methode),
        gewichten(methode),
        methode,
        REPLICATIES,
        SEED,
        nominaal=kern.rang[s],
        **opties,
    )


@pytest.fixture(scope="module")
def referentie(wijken_buurt: tuple[Methode, Kern]) -> tuple[oud.Onzekerheid, list[dict[str, object]]]:
    methode, kern = wijken_buurt
    s = kern.gegevens.in_scope
    prep = rb.bereid_voor(kern.x, kern.groepen, kern.richting, s, methode, gewichten(methode))
    return (
        oud.monte_carlo(prep, methode, REPLICATIES, SEED),
        oud.sobol_gevoeligheid(prep, methode, kern.rang[s], REPLICATIES, SEED),
    )


@pytest.fixture(scope="module")
def in_dit_proces(wijken_buurt: tuple[Methode, Kern]) -> rb.Robuustheid:
    return _nieuw(*wijken_buurt)


def _zelfde(a: rb.Robuustheid, onz: Any, sobol: list[dict[str, object]]) -> None:
    assert a.onzekerheid is not None
    for veld in ("mediaan", "p05", "p95", "kans_top"):
        np.testing.assert_allclose(getattr(a.onzekerheid, veld), getattr(onz, veld), rtol=0, atol=1e-12)
    assert [s["keuze"] for s in a.sobol] == [s["keuze"] for s in sobol]
    for nieuw, oude in zip(a.sobol, sobol, strict=True):
        assert abs(float(nieuw["S1"]) - float(oude["S1"])) <= 1e-12  # type: ignore[arg-type]
        assert abs(float(nieuw["ST"]) - float(oude["ST"])) <= 1e-12  # type: ignore[arg-type]


def test_chunks_give_the_numbers_of_the_one_array_implementation(
    in_dit_proces: rb.Robuustheid, referentie: tuple[oud.Onzekerheid, list[dict[str, object]]]
) -> None:
    onz, sobol = referentie
    _zelfde(in_dit_proces, onz, sobol)
    assert in_dit_proces.onzekerheid is not None and in_dit_proces.onzekerheid.rangen is not None
    np.testing.assert_array_equal(in_dit_proces.onzekerheid.rangen, onz.rangen)
    # Not trivially equal: the ranks do move between replications, and some areas are selected
    # in some replications only.
    assert (onz.p95 - onz.p05).max() > 10
    assert ((onz.kans_top > 0) & (onz.kans_top < 1)).any()


def test_ranks_on_disk_give_the_same_numbers_and_leave_no_file(
    wijken_buurt: tuple[Methode, Kern],
    referentie: tuple[oud.Onzekerheid, list[dict[str, object]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # let tempfile read TMPDIR again
    # 120 replications × 281 buurten × 4 bytes = 134.880 bytes: over a 64 KB budget, so on disk; and
    # the summary reads the file in 6 blocks of 50 areas (24.000 bytes each).
    monkeypatch.setattr(rb, "BLOKBYTES", 24_000)
    gelezen: list[int] = []
    blokken = rb.Rangopslag.blokken

    def tel(opslag: rb.Rangopslag) -> Iterator[tuple[slice, np.ndarray]]:
        for deel, blok in blokken(opslag):
            gelezen.append(blok.shape[0])
            yield deel, blok

    monkeypatch.setattr(rb.Rangopslag, "blokken", tel)
    uitkomst = _nieuw(*wijken_buurt, budget=64 * 1024)
    assert gelezen == [50] * 5 + [31]
    assert uitkomst.onzekerheid is not None and uitkomst.onzekerheid.op_schijf
    assert uitkomst.onzekerheid.rangen is None
    _zelfde(uitkomst, *referentie)
    assert list(tmp_path.iterdir()) == []


def test_local_processes_give_the_same_numbers(
    wijken_buurt: tuple[Methode, Kern], referentie: tuple[oud.Onzekerheid, list[dict[str, object]]]
) -> None:
    uitvoerder = LokaleProcessen(2)
    try:
        uitkomst = _nieuw(*wijken_buurt, uitvoerder=uitvoerder)
    finally:
        uitvoerder.sluit()
    _zelfde(uitkomst, *referentie)


def test_a_dask_local_cluster_gives_the_same_numbers(
    wijken_buurt: tuple[Methode, Kern], referentie: tuple[oud.Onzekerheid, list[dict[str, object]]]
) -> None:
    import distributed

    cluster_maken: Any = distributed.LocalCluster  # distributed is untyped
    with cluster_maken(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        uitvoerder = DaskCluster(cluster.scheduler_address)
        try:
            assert uitvoerder.werkers == 2
            uitkomst = _nieuw(*wijken_buurt, uitvoerder=uitvoerder)
        finally:
            uitvoerder.sluit()
    _zelfde(uitkomst, *referentie)


def test_chunks_are_bounded_by_size_not_by_replications() -> None:
    # 16 MiB of composites (8 bytes each) per chunk, at most 256 replications.
    assert rb.chunkgrootte(281) == 256
    assert rb.chunkgrootte(12_360) == 169  # 16 MiB / (8 × 12.360)
    assert rb.chunkgrootte(1_000_000) == 2
    assert rb.chunkgrootte(10_000_000) == 1


def test_summary_known_answer() -> None:
    # 3 areas × 5 replications (0 = no composite in that replication), selection = top 2.
    rangen = np.array(
        [
            [1, 3, 0],
            [2, 1, 4],
            [1, 2, 0],
            [3, 1, 5],
            [2, 3, 0],
        ],
        dtype=np.int32,
    )
    opslag = rb.Rangopslag(5, 3)
    opslag.zet(np.arange(5), rangen)
    onz = rb.vat_samen(opslag, selectie=2)
    # area 0: ranks 1,1,2,2,3 -> median 2; 5th percentile (inverted cdf) 1, 95th 3; top 2 in 4 of 5
    # area 1: 1,1,2,3,3 -> median 2; 1; 3; top 2 in 3 of 5
    # area 2: only 4,5 (2 replications) -> median 4,5; 4; 5; never top 2
    np.testing.assert_array_equal(onz.mediaan, [2, 2, 4.5])
    np.testing.assert_array_equal(onz.p05, [1, 1, 4])
    np.testing.assert_array_equal(onz.p95, [3, 3, 5])
    np.testing.assert_array_equal(onz.kans_top, [0.8, 0.6, 0.0])


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 12),
    st.integers(0, 2**32 - 1),
    st.floats(0, 0.6),
    st.integers(64, 4096),
)
def test_summary_equals_numpy_nan_statistics(
    replicaties: int, gebieden: int, seed: int, ontbrekend: float, budget: int
) -> None:
    rng = np.random.default_rng(seed)
    rangen = rng.integers(1, gebieden + 1, (replicaties, gebieden)).astype(np.int32)
    rangen[rng.random(rangen.shape) < ontbrekend] = 0
    opslag = rb.Rangopslag(replicaties, gebieden, budget=budget, blokbytes=budget // 3)
    try:
        opslag.zet(np.arange(replicaties), rangen)
        onz = rb.vat_samen(opslag, selectie=3)
    finally:
        opslag.sluit()
    met_nan = np.where(rangen == 0, np.nan, rangen.astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy warns for an all-NaN column
        np.testing.assert_array_equal(onz.mediaan, np.nanmedian(met_nan, axis=0))
        np.testing.assert_array_equal(onz.p05, np.nanpercentile(met_nan, 5, axis=0, method="inverted_cdf"))
        np.testing.assert_array_equal(onz.p95, np.nanpercentile(met_nan, 95, axis=0, method="inverted_cdf"))
    geteld = (~np.isnan(met_nan)).sum(axis=0)
    verwacht = np.divide((met_nan <= 3).sum(axis=0), geteld, out=np.zeros(gebieden), where=geteld > 0)
    np.testing.assert_array_equal(onz.kans_top, verwacht)


def test_not_enough_disk_space_is_a_dutch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Vol:
        free = 10 * 2**20

    monkeypatch.setattr("shutil.disk_usage", lambda _pad: Vol())
    with pytest.raises(InvoerFout, match=r"1\.000 replicaties × 1\.000\.000 gebieden is 3,7 GB"):
        rb.Rangopslag(1000, 1_000_000, budget=1024)


def test_executor_choice() -> None:
    assert isinstance(kies(1000), InDitProces)  # too little work for processes
    assert isinstance(kies(10**12, processen=1), InDitProces)
    groot = kies(10**12, processen=2)
    try:
        assert isinstance(groot, LokaleProcessen) and groot.werkers == 2
    finally:
        groot.sluit()
    with pytest.raises(InvoerFout, match="--processen moet 1 of meer zijn, niet 0"):
        kies(10, processen=0)


def _json(opslag: Opslag, uit: Path, *args: str) -> dict[str, Any]:
    resultaat = CliRunner().invoke(
        app,
        [
            "analyseer",
            "dorpen",
            "--robuustheid",
            "60",
            "--json",
            "--opslag",
            str(opslag.map),
            "--uit",
            str(uit),
            *args,
        ],
    )
    assert resultaat.exit_code == 0, resultaat.output
    return json.loads(resultaat.stdout)  # type: ignore[no-any-return]


def test_cli_processes_do_not_change_the_result(echte_opslag: Opslag, tmp_path: Path) -> None:
    een = _json(echte_opslag, tmp_path / "een", "--processen", "1")
    twee = _json(echte_opslag, tmp_path / "twee", "--processen", "2")
    assert een["gebieden"] == twee["gebieden"] and een["gevoeligheid"] == twee["gevoeligheid"]
    assert any(g["kans_op_selectie"] not in (0, 1) for g in een["gebieden"])


def test_cli_rejects_zero_processes(echte_opslag: Opslag, tmp_path: Path) -> None:
    resultaat = CliRunner().invoke(
        app,
        [
            "analyseer",
            "dorpen",
            "--processen",
            "0",
            "--opslag",
            str(echte_opslag.map),
            "--uit",
            str(tmp_path),
        ],
    )
    assert resultaat.exit_code == 2
    assert "--processen: moet 1 of meer zijn, niet 0" in resultaat.output


def _stabiel(scores: np.ndarray) -> np.ndarray:
    """The ranks as a stable argsort gives them (the implementation before issue 15)."""
    volgorde = np.argsort(-np.where(np.isnan(scores), -np.inf, scores), axis=-1, kind="stable")
    uit = np.empty_like(volgorde)
    np.put_along_axis(
        uit, volgorde, np.arange(1, scores.shape[-1] + 1)[None, :].repeat(len(scores), 0), axis=-1
    )
    return uit


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4), st.integers(1, 50), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_fast_ranks_equal_a_stable_sort_with_ties_nan_and_signed_zero(
    rijen: int, gebieden: int, waarden: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, waarden, (rijen, gebieden)).astype(float)  # few values: many ties
    scores[rng.random(scores.shape) < 0.2] = np.nan
    scores[(scores == 0) & (rng.random(scores.shape) < 0.5)] = -0.0
    scores[scores == 1] = np.inf
    np.testing.assert_array_equal(rangen_snel(scores), _stabiel(scores))
    # the path for many areas (one vector at a time) on the same cases
    np.testing.assert_array_equal(_rangen_per_rij(scores), _stabiel(scores))


def test_fast_ranks_known_answer() -> None:
    # 0,5 is highest (rank 1); the two 0,3's tie and keep area order (2, 3); NaN ranks last.
    np.testing.assert_array_equal(rangen_snel(np.array([[0.3, np.nan, 0.5, 0.3]])), [[2, 4, 1, 3]])


@pytest.mark.parametrize("alle", [False, True], ids=["scope", "alle-gebieden"])
def test_alternatives_are_the_pipelines_normalised_values(
    wijken_buurt: tuple[Methode, Kern], alle: bool
) -> None:
    """Each alternative, made one at a time with in-place steps, equals the plain expression: the
    pipeline's normalisation (rescaled to [1, 100] for geometric aggregation), logs for geometric,
    0 where missing, the scope's rows."""
    from gebiedskompas.analyse.aggregeer import herschaal
    from gebiedskompas.analyse.normaliseer import normaliseer

    methode, kern = wijken_buurt
    s = np.ones(kern.gegevens.n, dtype=bool) if alle else kern.gegevens.in_scope
    gezien = 0
    for (norm, agg), waarden, aanwezig in rb.alternatieven(kern.x, kern.groepen, kern.richting, s, methode)():
        v, bench = normaliseer(kern.x, kern.groepen, kern.richting, norm)
        w = (herschaal(v, bench)[0] if agg == "meetkundig" else v)[s]
        with np.errstate(all="ignore"):
            verwacht = np.where(np.isnan(w), 0.0, np.log(w) if agg == "meetkundig" else w)
        np.testing.assert_array_equal(waarden, verwacht)
        np.testing.assert_array_equal(aanwezig, (~np.isnan(w)).astype(float))
        gezien += 1
    assert gezien == 6  # 3 normalisations × 2 aggregations


def test_all_dutch_buurten_give_the_numbers_of_the_one_array_implementation(echte_opslag: Opslag) -> None:
    """The same check at national scale: ``wijken`` per buurt without its Limburg and urbanity
    limits, so every Dutch buurt with data and at least 200 inhabitants (10.092) is ranked."""
    methode = lees_methode("wijken")
    methode.scope.niveau = "buurt"
    methode.scope.provincies = []
    methode.scope.stedelijkheid = [1, 2, 3, 4, 5]
    kern = bereken(methode, selecteer(methode, echte_opslag.lees()))
    s = kern.gegevens.in_scope
    assert s.sum() > 10_000  # buurten with at least 200 inhabitants
    prep = rb.bereid_voor(kern.x, kern.groepen, kern.richting, s, methode, gewichten(methode))
    replicaties = 40
    onz = oud.monte_carlo(prep, methode, replicaties, SEED)
    sobol = oud.sobol_gevoeligheid(prep, methode, kern.rang[s], replicaties, SEED)
    nieuw = rb.voer_uit(
        rb.alternatieven(kern.x, kern.groepen, kern.richting, s, methode),
        gewichten(methode),
        methode,
        replicaties,
        SEED,
        nominaal=kern.rang[s],
    )
    _zelfde(nieuw, onz, sobol)
    assert nieuw.onzekerheid is not None
    np.testing.assert_array_equal(nieuw.onzekerheid.rangen, onz.rangen)
