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
    volgorde = np.sort(-waarden)
    uit[bekend] = np.searchsorted(volgorde, -waarden, side="left") + 1
    return uit


def rangen_snel(scores: np.ndarray) -> np.ndarray:
    """Ranks of many score vectors at once (replications × areas), highest first; ties get distinct
    ranks in the order of the areas, and NaN ranks last. The same ranks as a stable argsort, which
    is 5-6 times slower than numpy's default sort: rows without ties need no stability, and in a
    row with ties only the ties are put in area order."""
    sleutel = -np.where(np.isnan(scores), -np.inf, scores)
    volgorde = np.argsort(sleutel, axis=-1)
    gesorteerd = np.take_along_axis(sleutel, volgorde, axis=-1)
    gelijk = gesorteerd[:, 1:] == gesorteerd[:, :-1]
    n = scores.shape[-1]
    for rij in np.flatnonzero(gelijk.any(axis=1)):  # replications with ties only
        reeks = np.concatenate([[0], np.cumsum(~gelijk[rij])])  # number of the run of equal values
        volgorde[rij] = volgorde[rij][np.argsort(reeks * n + volgorde[rij])]
    uit = np.empty_like(volgorde)
    np.put_along_axis(uit, volgorde, np.broadcast_to(np.arange(1, n + 1), volgorde.shape), axis=-1)
    return uit
