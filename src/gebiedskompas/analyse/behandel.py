"""Step 3, treat outliers: winsorise by the JRC/COINr rule.

Per indicator, over the benchmark population: while |skewness| > ``scheefheid`` and (excess)
kurtosis > ``kurtosis``, replace the most extreme value on the skewed side by the next one, up
to ``max_punten`` values (COINr ``Treat()`` with ``winmax``). Skewness and kurtosis are the
bias-corrected sample statistics (as in COINr). The resulting bounds are applied to all areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    """Bias-corrected sample skewness and excess kurtosis, the formulas of ``scipy.stats.skew`` and
    ``kurtosis`` (``bias=False``) from one set of central moments (the same to about 1e-15; at a
    million areas this is half the passes over the data)."""
    n = len(waarden)
    if n < 4 or np.ptp(waarden) == 0:
        return 0.0, 0.0
    gemiddeld = waarden.mean()
    d = waarden - gemiddeld
    d2 = d * d
    m2 = d2.mean()
    # the third and fourth powers in d's memory (the same products; at a million areas every
    # temporary is 8 MB, and this runs a few times per indicator)
    m3 = np.multiply(d2, d, out=d).mean()
    m4 = np.multiply(d2, d2, out=d).mean()
    # scipy treats a variance lost in rounding as zero: no skewness or kurtosis then
    if m2 <= (np.finfo(float).resolution * 10 * gemiddeld) ** 2:
        return 0.0, 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        scheef = float(np.sqrt((n - 1.0) * n) / (n - 2.0) * m3 / m2**1.5)
        piek = float(1.0 / (n - 2) / (n - 3) * ((n**2 - 1.0) * m4 / m2**2.0 - 3 * (n - 1) ** 2.0))
    return (scheef, piek) if np.isfinite(scheef) and np.isfinite(piek) else (0.0, 0.0)


def winsoriseer_kolom(waarden: np.ndarray, regels: Uitschieters) -> tuple[float, float, int]:
    """Bounds (low, high) and the number of values moved, for one indicator's benchmark values."""
    w = np.sort(waarden)  # a copy: the caller's values stay as they are
    w = w[: np.searchsorted(w, np.nan)]  # sorting puts missing values last
    lo, hi = (float(w[0]), float(w[-1])) if len(w) else (np.nan, np.nan)
    aantal = 0
    while aantal < regels.max_punten:
        scheef, piek = scheef_en_piekig(w)
        if not (abs(scheef) > regels.scheefheid and piek > regels.kurtosis):
            break
        # w stays sorted: the next value below the highest (above the lowest) is found by search
        if scheef > 0:
            plek = int(np.searchsorted(w, w[-1], side="left")) - 1
            hi = float(w[plek]) if plek >= 0 else hi
            np.minimum(w, hi, out=w)
        else:
            plek = int(np.searchsorted(w, w[0], side="right"))
            lo = float(w[plek]) if plek < len(w) else lo
            np.maximum(w, lo, out=w)
        aantal += 1
    return lo, hi, aantal


def behandelgrenzen(
    x: np.ndarray, indicatoren: list[str], regels: Uitschieters
) -> tuple[np.ndarray, np.ndarray, list[Behandeling]]:
    """Per indicator the bounds the treatment clips to (-inf and inf for an indicator left as it
    is, so that ``np.clip(x, onder, boven)`` gives the treated values to the bit) and what was
    done; ``x`` is not changed."""
    k = x.shape[1]
    onder, boven = np.full(k, -np.inf), np.full(k, np.inf)
    if not regels.winsoriseren:
        return onder, boven, []
    verslag = []
    for j, ind in enumerate(indicatoren):
        kolom = x[:, j]
        aanwezig = kolom[~np.isnan(kolom)]
        voor = scheef_en_piekig(aanwezig)
        lo, hi, aantal = winsoriseer_kolom(aanwezig, regels)
        na = voor  # an untouched column: the same values in the same order
        if aantal:
            onder[j], boven[j] = lo, hi
            # the treated column's values, in its order: the present values clipped
            na = scheef_en_piekig(np.clip(aanwezig, lo, hi, out=aanwezig))
        nog = abs(na[0]) > regels.scheefheid and na[1] > regels.kurtosis
        verslag.append(Behandeling(ind, aantal, lo, hi, voor[0], voor[1], na[0], na[1], nog))
    return onder, boven, verslag
