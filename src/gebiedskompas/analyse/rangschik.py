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
    """Ranks of many score vectors at once (replications × areas); ties get distinct ranks."""
    volgorde = np.argsort(-np.where(np.isnan(scores), -np.inf, scores), axis=-1, kind="stable")
    uit = np.empty_like(volgorde)
    np.put_along_axis(
        uit, volgorde, np.arange(1, scores.shape[-1] + 1)[None, :].repeat(len(scores), 0), axis=-1
    )
    return uit
