"""Step 9, explain: which indicators push an area's composite above its benchmark.

The contribution of indicator j is its effective weight (theme weight × weight within the theme,
renormalised over the area's available indicators) times the distance of its normalised value to
the benchmark's normalised value; these add up to the composite's distance to the benchmark
under arithmetic aggregation.
"""

from __future__ import annotations

import numpy as np


def bijdragen(v: np.ndarray, bench_v: np.ndarray, wmat: np.ndarray, themagewicht: np.ndarray) -> np.ndarray:
    aanwezig = ~np.isnan(v)
    per_thema = aanwezig.astype(float) @ wmat
    w_ind = wmat.sum(axis=1)
    thema_van = wmat.argmax(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        effectief = w_ind[None, :] / per_thema[:, thema_van] * themagewicht[thema_van][None, :]
    return np.where(aanwezig, effectief * (v - bench_v), np.nan)


def grootste(bijdrage: np.ndarray, aantal: int = 3) -> list[list[int]]:
    """Per area, the indices of the largest positive contributions, largest first."""
    volgorde = np.argsort(-np.nan_to_num(bijdrage, nan=-np.inf), axis=1)[:, :aantal]
    return [[int(j) for j in rij if bijdrage[i, j] > 0] for i, rij in enumerate(volgorde)]
