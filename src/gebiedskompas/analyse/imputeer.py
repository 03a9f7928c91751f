"""Step 2, impute: leave missing values missing, or fill them with the benchmark-group mean
(COINr ``i_mean`` by group)."""

from __future__ import annotations

import numpy as np

from .benchmark import Groepen
from .methode import Imputatie


def imputeer(x: np.ndarray, groepen: Groepen, methode: Imputatie) -> tuple[np.ndarray, np.ndarray]:
    """Returns the (possibly) imputed matrix and a mask of imputed cells. Without imputation the
    matrix is ``x`` itself (not a copy): the caller must not write into it."""
    if methode == "geen":
        return x, np.zeros(x.shape, dtype=bool)
    ontbreekt = np.isnan(x)
    if not ontbreekt.any():
        return x, np.zeros_like(ontbreekt)
    gemiddelde = groepen.per_gebied(groepen.statistiek(x, np.nanmean))
    return np.where(ontbreekt, gemiddelde, x), ontbreekt & ~np.isnan(gemiddelde)
