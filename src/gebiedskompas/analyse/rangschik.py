"""Step 8, rank: 1 = highest need within the scope; ties share the best rank; missing = no rank."""

from __future__ import annotations

import numpy as np


def rangen(score: np.ndarray) -> np.ndarray:
    """Competition ranks ("1224") of a need score, highest first; NaN stays NaN."""
    uit = np.full(score.shape, np.nan)
    bekend = ~np.isnan(score)
    # Scores equal up to floating-point noise (the same sums in another order) are a tie: compare
    # them at 12 significant digits of the largest score.
    waarden = score[bekend]
    schaal = float(np.max(np.abs(waarden))) if waarden.size else 0.0
    if schaal > 0:
        waarden = np.round(waarden / schaal, 12)
    # the rank is one more than the number of higher scores: the first place of its value in the
    # sorted keys (one sort, no search)
    sleutel = -waarden
    orde = np.argsort(sleutel)
    gesorteerd = sleutel[orde]
    nieuw = np.ones(len(gesorteerd), dtype=bool)
    nieuw[1:] = gesorteerd[1:] != gesorteerd[:-1]
    eerste = np.maximum.accumulate(np.where(nieuw, np.arange(len(gesorteerd)), 0))
    rang = np.empty(len(gesorteerd))
    rang[orde] = eerste + 1
    uit[bekend] = rang
    return uit


def rangen_snel(scores: np.ndarray) -> np.ndarray:
    """Ranks (int32) of many score vectors at once (replications × areas), highest first; ties get
    distinct ranks in the order of the areas, and NaN ranks last. The same ranks as a stable
    argsort, which is 5-6 times slower than numpy's default sort: only the tied values are then put
    in area order."""
    if scores.shape[-1] >= PER_RIJ:
        return _rangen_per_rij(scores)
    sleutel = -np.where(np.isnan(scores), -np.inf, scores)
    volgorde = np.argsort(sleutel, axis=-1)
    gesorteerd = np.take_along_axis(sleutel, volgorde, axis=-1)
    gelijk = gesorteerd[:, 1:] == gesorteerd[:, :-1]
    if gelijk.any():
        _herstel_gelijken(volgorde, gelijk)
    n = scores.shape[-1]
    uit = np.empty(volgorde.shape, dtype=np.int32)
    rij = np.arange(len(volgorde))[:, None]
    uit[rij, volgorde] = np.arange(1, n + 1, dtype=np.int32)
    return uit


PER_RIJ = 2048  # areas: from here one vector at a time is faster (fast 1-D gathers, cache-sized)


def _rangen_per_rij(scores: np.ndarray) -> np.ndarray:
    """``rangen_snel`` one score vector at a time: the same steps on 1-D arrays, where numpy's
    gathers and scatters take their fast paths."""
    n = scores.shape[-1]
    uit = np.empty(scores.shape, dtype=np.int32)
    plaats = np.arange(1, n + 1, dtype=np.int32)
    for i, rij in enumerate(scores):
        sleutel = np.negative(rij)
        sleutel[np.isnan(sleutel)] = np.inf  # no score: last
        volgorde = np.argsort(sleutel)
        gesorteerd = sleutel[volgorde]
        gelijk = gesorteerd[1:] == gesorteerd[:-1]
        if gelijk.any():
            _herstel_gelijken(volgorde[None, :], gelijk[None, :])
        uit[i, volgorde] = plaats
    return uit


def _herstel_gelijken(volgorde: np.ndarray, gelijk: np.ndarray) -> None:
    """Within every run of equal sorted values, put the areas in area order (in place)."""
    in_reeks = np.zeros(volgorde.shape, dtype=bool)
    in_reeks[:, :-1] |= gelijk
    in_reeks[:, 1:] |= gelijk
    begin = np.ones(volgorde.shape, dtype=bool)  # a new run starts where a value differs
    begin[:, 1:] = ~gelijk
    reeks = np.cumsum(begin, axis=1)
    rij, plaats = np.nonzero(in_reeks)
    gebied = volgorde[rij, plaats]
    # rows, then runs, are already in order: sorting by (row, run, area) orders only within runs
    volgorde[rij, plaats] = gebied[np.lexsort((gebied, reeks[rij, plaats], rij))]
