"""Step 6, aggregate: indicators -> theme scores -> composite.

- ``rekenkundig`` (COINr a_amean): weighted arithmetic mean;
- ``meetkundig`` (COINr a_gmean): weighted geometric mean, which needs positive values, so the
  normalised values are first rescaled to [1, 100] by min-max over all areas (COINr's advice).
Missing values: weights are renormalised over the indicators an area has; a theme score needs at
least ``min_dekking`` of the theme's weight, and the composite needs every theme.
"""

from __future__ import annotations

import numpy as np

from .blokken import blokken
from .methode import Aggregatie


def herschaal(
    v: np.ndarray, bench: np.ndarray, lo: float = 1.0, hi: float = 100.0
) -> tuple[np.ndarray, np.ndarray]:
    """Min-max rescale each column of v (and the benchmark rows) to [lo, hi] using v's range."""
    # fmin/fmax skip NaN like nanmin/nanmax, without a warning for an all-missing column; the
    # extremes of v and bench are combined without stacking them (a copy of v).
    vmin = np.fmin(np.fmin.reduce(v, axis=0, initial=np.nan), np.fmin.reduce(bench, axis=0, initial=np.nan))
    vmax = np.fmax(np.fmax.reduce(v, axis=0, initial=np.nan), np.fmax.reduce(bench, axis=0, initial=np.nan))
    span = np.where(vmax > vmin, vmax - vmin, 1.0)

    def schaal(a: np.ndarray) -> np.ndarray:
        # lo + (a - vmin) / span * (hi - lo), in place on one new array
        geschaald: np.ndarray = a - vmin
        geschaald /= span
        geschaald *= hi - lo
        geschaald += lo
        return geschaald

    return schaal(v), schaal(bench)


def gevuld(v: np.ndarray, methode: Aggregatie, *, overschrijf: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """What the weighted means are taken of: v (its logs for ``meetkundig``) with 0 where missing,
    and the 0/1 mask of present values. The robustness step computes this once per alternative;
    ``overschrijf``: v is a temporary the result may be written into (one array less in memory)."""
    aanwezig = ~np.isnan(v)
    if overschrijf:
        waarden = np.log(v, out=v) if methode == "meetkundig" else v
    else:
        waarden = np.log(v) if methode == "meetkundig" else v.copy()
    waarden[~aanwezig] = 0.0  # in place: at a million areas every copy is 160 MB
    return waarden, aanwezig.astype(float)


def themascores(v: np.ndarray, wmat: np.ndarray, min_dekking: float, methode: Aggregatie) -> np.ndarray:
    """(areas, T) theme scores from need-oriented values v (areas, k) and weights wmat (k, T),
    a block of areas at a time (``blokken``)."""
    uit = np.empty((len(v), wmat.shape[1]))
    for blok in blokken(len(v)):
        uit[blok] = themascores_gevuld(*gevuld(v[blok], methode), wmat, min_dekking, methode)
    return uit


def themascores_gevuld(
    waarden: np.ndarray, aanwezig: np.ndarray, wmat: np.ndarray, min_dekking: float, methode: Aggregatie
) -> np.ndarray:
    """``themascores`` from the output of ``gevuld``."""
    gewicht = aanwezig @ wmat
    gemiddeld: np.ndarray = waarden @ wmat
    with np.errstate(divide="ignore", invalid="ignore"):
        gemiddeld /= gewicht  # in place: this runs once per replication
    if methode == "meetkundig":
        np.exp(gemiddeld, out=gemiddeld)
    gemiddeld[gewicht < min_dekking - 1e-12] = np.nan
    return gemiddeld


def samengesteld(scores: np.ndarray, themagewicht: np.ndarray, methode: Aggregatie) -> np.ndarray:
    """Composite (areas,) from theme scores; NaN when any theme is missing."""
    if methode == "meetkundig":
        with np.errstate(divide="ignore", invalid="ignore"):
            result: np.ndarray = np.exp(np.log(scores) @ themagewicht)
        return result
    out: np.ndarray = scores @ themagewicht
    return out
