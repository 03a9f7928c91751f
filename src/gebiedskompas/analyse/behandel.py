"""Step 3, treat outliers: winsorise by the JRC/COINr rule.

Per indicator, over the benchmark population: while |skewness| > ``scheefheid`` and (excess)
kurtosis > ``kurtosis``, replace the most extreme value on the skewed side by the next one, up
to ``max_punten`` values (COINr ``Treat()`` with ``winmax``). Skewness and kurtosis are the
bias-corrected sample statistics (as in COINr). The resulting bounds are applied to all areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .methode import Uitschieters


@dataclass
class Behandeling:
    indicator: str
    gewinsoriseerd: int
    ondergrens: float
    bovengrens: float
    scheefheid_voor: float
    kurtosis_voor: float
    scheefheid_na: float
    kurtosis_na: float
    nog_scheef: bool


def scheef_en_piekig(waarden: np.ndarray) -> tuple[float, float]:
    if len(waarden) < 4 or np.ptp(waarden) == 0:
        return 0.0, 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        scheef = float(stats.skew(waarden, bias=False))
        piek = float(stats.kurtosis(waarden, fisher=True, bias=False))
    return (scheef, piek) if np.isfinite(scheef) and np.isfinite(piek) else (0.0, 0.0)


def winsoriseer_kolom(waarden: np.ndarray, regels: Uitschieters) -> tuple[float, float, int]:
    """Bounds (low, high) and the number of values moved, for one indicator's benchmark values."""
    w = np.sort(waarden[~np.isnan(waarden)])
    lo, hi = (float(w[0]), float(w[-1])) if len(w) else (np.nan, np.nan)
    aantal = 0
    while aantal < regels.max_punten:
        scheef, piek = scheef_en_piekig(w)
        if not (abs(scheef) > regels.scheefheid and piek > regels.kurtosis):
            break
        if scheef > 0:
            hi = float(w[w < w[-1]][-1]) if (w < w[-1]).any() else hi
            w = np.minimum(w, hi)
        else:
            lo = float(w[w > w[0]][0]) if (w > w[0]).any() else lo
            w = np.maximum(w, lo)
        aantal += 1
    return lo, hi, aantal


def behandel(
    x: np.ndarray, indicatoren: list[str], regels: Uitschieters
) -> tuple[np.ndarray, list[Behandeling]]:
    if not regels.winsoriseren:
        return x.copy(), []
    uit = x.copy()
    verslag = []
    for j, ind in enumerate(indicatoren):
        kolom = x[:, j]
        voor = scheef_en_piekig(kolom[~np.isnan(kolom)])
        lo, hi, aantal = winsoriseer_kolom(kolom, regels)
        if aantal:
            uit[:, j] = np.clip(kolom, lo, hi)
        na = scheef_en_piekig(uit[:, j][~np.isnan(uit[:, j])])
        nog = abs(na[0]) > regels.scheefheid and na[1] > regels.kurtosis
        verslag.append(Behandeling(ind, aantal, lo, hi, voor[0], voor[1], na[0], na[1], nog))
    return uit, verslag
