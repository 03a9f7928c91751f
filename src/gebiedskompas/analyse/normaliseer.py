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

import numpy as np

from .benchmark import Beschrijving, Grenzen, Groepen
from .blokken import blokken
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
    index: np.ndarray | None = None,
) -> np.ndarray:
    """The formula on points ``p``; ``index``: each point's group (statistics as they are: None)."""

    def uitbreiden(a: np.ndarray) -> np.ndarray:
        return a if index is None else a[index]

    uit: np.ndarray
    with np.errstate(divide="ignore", invalid="ignore"):
        if methode == "zscore":
            uit = np.subtract(p, uitbreiden(gem))
            uit /= uitbreiden(np.where(sd > 0, sd, np.nan))
        elif methode == "minmax":
            uit = np.subtract(p, uitbreiden(lo))
            uit /= uitbreiden(np.where(hi > lo, hi - lo, np.nan))
        else:
            uit = np.divide(p, uitbreiden(np.where(gem != 0, gem, np.nan)))
            uit -= 1
            uit *= 100
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
    x: np.ndarray,
    groepen: Groepen,
    richting: np.ndarray,
    methode: Normalisatie,
    beschrijving: Beschrijving | None = None,
    uit: np.ndarray | None = None,
    grenzen: Grenzen | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Need-oriented normalised values (areas, k) and the normalised benchmark (groups, k).

    ``richting`` is +1 where higher is worse, -1 where higher is better. ``beschrijving``: the
    groups' statistics of ``x`` when the caller has them (``Groepen.beschrijf``); ``uit``: an
    array of x's shape to write the values into; ``grenzen``: normalise ``np.clip(x, *grenzen)``
    (the treated values, clipped a block at a time). The areas are done a block of rows at a time
    (``blokken``).
    """
    waarden = uit if uit is not None and uit.shape == x.shape else np.empty(x.shape)
    # the statistics' copy of the values goes where the normalised values will be written
    b = beschrijving or groepen.beschrijf(x, waarden, grenzen)
    if methode == "prank":
        behandeld = x if grenzen is None else np.clip(x, *grenzen)
        waarden, bench = _prank_alle(behandeld, groepen, b.gem)
        return _orienteer(waarden, richting, methode), _orienteer(bench, richting, methode)
    for blok in blokken(len(x)):
        punten = x[blok] if grenzen is None else np.clip(x[blok], *grenzen)
        waarden[blok] = _formule(methode, punten, b.gem, b.sd, b.lo, b.hi, groepen.index[blok])
        _orienteer(waarden[blok], richting, methode, ter_plaatse=True)
    bench = _formule(methode, b.gem, b.gem, b.sd, b.lo, b.hi)
    return waarden, _orienteer(bench, richting, methode)


def _orienteer(
    waarden: np.ndarray, richting: np.ndarray, methode: str, *, ter_plaatse: bool = False
) -> np.ndarray:
    """Need-oriented: bounded scores become 1 - score, others change sign, where higher is better;
    ``ter_plaatse`` writes into ``waarden``."""
    uit = waarden if ter_plaatse else waarden.copy()
    if methode in _BEGRENSD:
        beter = richting <= 0
        uit[:, beter] = 1 - uit[:, beter]
    else:
        uit *= richting
    return uit
