"""Step 4, normalise against the benchmark, oriented so that higher = more need.

Formulas (COINr names in brackets), with statistics over the area's benchmark group:
- ``zscore`` (n_zscore): (x - mean) / sd, sd the sample standard deviation;
- ``minmax`` (n_minmax with l=0, u=1): (x - min) / (max - min);
- ``prank`` (n_prank): average rank of x among the group's values / number of values;
- ``dist2ref`` (n_dist2ref, type "ratio", in %): (x / ref - 1) * 100, ref = group mean.
Orientation: for indicators where higher is better, z-scores and distances change sign and
bounded scores become 1 - score. The benchmark itself (the group mean) is normalised the same
way, which gives the benchmark value of every normalised indicator.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .benchmark import Groepen
from .methode import Normalisatie

_BEGRENSD = {"minmax", "prank"}


def _sd(a: np.ndarray, axis: int) -> np.ndarray:
    result: np.ndarray = np.nanstd(a, axis=axis, ddof=1)
    return result


def _formule(
    methode: str,
    p: np.ndarray,
    gem: np.ndarray,
    sd: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    uitbreiden: Callable[[np.ndarray], np.ndarray] = lambda a: a,
) -> np.ndarray:
    """The formula on points ``p``; ``uitbreiden`` turns group statistics into one row per point.
    Only the statistics the method uses are expanded (at a million areas each is 160 MB)."""
    uit: np.ndarray
    with np.errstate(divide="ignore", invalid="ignore"):
        if methode == "zscore":
            uit = (p - uitbreiden(gem)) / uitbreiden(np.where(sd > 0, sd, np.nan))
        elif methode == "minmax":
            uit = (p - uitbreiden(lo)) / uitbreiden(np.where(hi > lo, hi - lo, np.nan))
        else:
            uit = (p / uitbreiden(np.where(gem != 0, gem, np.nan)) - 1) * 100
    return uit


def prank(waarden: np.ndarray, punten: np.ndarray) -> np.ndarray:
    """Average rank of each point among ``waarden`` (ties averaged), divided by their number."""
    w = np.sort(waarden[~np.isnan(waarden)])
    if len(w) == 0:
        return np.full(punten.shape, np.nan)
    kleiner = np.searchsorted(w, punten, side="left")
    tot_en_met = np.searchsorted(w, punten, side="right")
    return np.where(np.isnan(punten), np.nan, (kleiner + tot_en_met + 1) / 2 / len(w))


def _prank_alle(x: np.ndarray, groepen: Groepen, bench_punten: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    waarden = np.full(x.shape, np.nan)
    bench = np.full(bench_punten.shape, np.nan)
    for g, leden in enumerate(groepen.leden):
        rijen = groepen.index == g
        for j in range(x.shape[1]):
            waarden[rijen, j] = prank(x[leden, j], x[rijen, j])
            bench[g, j] = prank(x[leden, j], bench_punten[g : g + 1, j])[0]
    return waarden, bench


def normaliseer(
    x: np.ndarray, groepen: Groepen, richting: np.ndarray, methode: Normalisatie
) -> tuple[np.ndarray, np.ndarray]:
    """Need-oriented normalised values (areas, k) and the normalised benchmark (groups, k).

    ``richting`` is +1 where higher is worse, -1 where higher is better.
    """
    gem = groepen.statistiek(x, np.nanmean)
    if methode == "prank":
        waarden, bench = _prank_alle(x, groepen, gem)
    else:
        sd = groepen.statistiek(x, _sd)
        lo = groepen.statistiek(x, np.nanmin)
        hi = groepen.statistiek(x, np.nanmax)
        waarden = _formule(methode, x, gem, sd, lo, hi, groepen.per_gebied)
        bench = _formule(methode, gem, gem, sd, lo, hi)
    return _orienteer(waarden, richting, methode), _orienteer(bench, richting, methode)


def _orienteer(waarden: np.ndarray, richting: np.ndarray, methode: str) -> np.ndarray:
    uit: np.ndarray = (
        np.where(richting > 0, waarden, 1 - waarden) if methode in _BEGRENSD else waarden * richting
    )
    return uit
