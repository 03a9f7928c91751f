"""Coherence checks (JRC step 4): correlations, flags and Cronbach's alpha. Reported, never acted on.

Correlations are Pearson's over the pairwise complete observations (what ``DataFrame.corr`` and
``np.corrcoef`` on the rows where both are present give). They are computed from a few matrix
products of the values, centred on their column means, and the 0/1 masks of present values, summed
over blocks of rows: at a million areas this takes a fraction of a second where pandas' pair-by-pair
loop takes seconds, and it is more precise (the sums are of centred values).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .blokken import blokken

# a variance below this fraction of the summed squares is rounding noise: the column is constant
# on those rows, and has no correlation (as pandas and numpy give NaN for an exact zero)
_RUIS = 1e-12


def _midden(a: np.ndarray) -> np.ndarray:
    """Column means over the present values (0 for a column without any): the centre the sums
    below are taken around, so that they lose no precision to a large mean."""
    som, tel = np.zeros(a.shape[1]), np.zeros(a.shape[1])
    for blok in blokken(len(a)):
        aanwezig = ~np.isnan(a[blok])
        som += np.where(aanwezig, a[blok], 0.0).sum(axis=0)
        tel += aanwezig.sum(axis=0)
    return np.where(tel > 0, som / np.maximum(tel, 1), 0.0)


def _gecentreerd(a: np.ndarray, midden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values minus ``midden`` with 0 where missing, and the 0/1 mask of present values."""
    aanwezig = ~np.isnan(a)
    z = a - midden
    z[~aanwezig] = 0.0
    return z, aanwezig.astype(float)


def paarcorrelaties(a: np.ndarray, b: np.ndarray, min_paren: int = 3) -> np.ndarray:
    """(ka, kb) Pearson correlations of the columns of ``a`` with those of ``b`` (both areas × k,
    NaN where missing), each over the rows where both are present; NaN with fewer than
    ``min_paren`` such rows or a constant column on them. The sums are gathered a block of rows
    at a time (``blokken``)."""
    ka, kb = a.shape[1], b.shape[1]
    midden_a, midden_b = _midden(a), _midden(b)
    n, som_a, som_b, kwadraat_a, kwadraat_b, kruis = (np.zeros((ka, kb)) for _ in range(6))
    for blok in blokken(len(a)):
        za, ma = _gecentreerd(a[blok], midden_a)
        zb, mb = (za, ma) if b is a else _gecentreerd(b[blok], midden_b)
        n += ma.T @ mb  # rows where both are present
        som_a += za.T @ mb  # sums over those rows
        som_b += ma.T @ zb
        kwadraat_a += (za * za).T @ mb
        kwadraat_b += ma.T @ (zb * zb)
        kruis += za.T @ zb
    with np.errstate(divide="ignore", invalid="ignore"):
        var_a = kwadraat_a - som_a * som_a / n
        var_b = kwadraat_b - som_b * som_b / n
        r = (kruis - som_a * som_b / n) / np.sqrt(var_a * var_b)
    constant = (var_a <= _RUIS * kwadraat_a) | (var_b <= _RUIS * kwadraat_b)
    uit: np.ndarray = np.where((n >= min_paren) & ~constant, np.clip(r, -1.0, 1.0), np.nan)
    return uit


def cronbach_alfa(v: np.ndarray) -> float | None:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), over the complete
    cases (rows without a missing value), gathered a block of rows at a time."""
    k = v.shape[1]
    midden = _midden(v)
    n, som_totaal, kwadraat_totaal = 0, 0.0, 0.0
    som, kwadraat = np.zeros(k), np.zeros(k)
    for blok in blokken(len(v)):
        z = v[blok][~np.isnan(v[blok]).any(axis=1)] - midden
        totaal = z.sum(axis=1)
        n += len(z)
        som += z.sum(axis=0)
        kwadraat += (z * z).sum(axis=0)
        som_totaal += float(totaal.sum())
        kwadraat_totaal += float(totaal @ totaal)
    if k < 2 or n < 3:
        return None
    var_totaal = (kwadraat_totaal - som_totaal**2 / n) / (n - 1)
    if var_totaal <= _RUIS * kwadraat_totaal:
        return None
    var_items = (kwadraat - som * som / n) / (n - 1)
    return float(k / (k - 1) * (1 - var_items.sum() / var_totaal))


def samenhang(
    v: np.ndarray, scores: np.ndarray, indicatoren: list[str], thema_van: np.ndarray, themas: list[str]
) -> dict[str, Any]:
    r = paarcorrelaties(v, v)
    np.fill_diagonal(r, np.where(np.isnan(np.diag(r)), np.nan, 1.0))
    paren = [
        {
            "indicator_a": indicatoren[a],
            "indicator_b": indicatoren[b],
            "r": float(r[a, b]),
            "soort": "binnen thema" if thema_van[a] == thema_van[b] else "tussen thema's",
        }
        for a in range(len(indicatoren))
        for b in range(a + 1, len(indicatoren))
        if not np.isnan(r[a, b]) and abs(r[a, b]) > 0.9
    ]
    met_thema = paarcorrelaties(v, scores)
    tegen = [
        {"indicator": ind, "thema": themas[thema_van[j]], "r": float(met_thema[j, thema_van[j]])}
        for j, ind in enumerate(indicatoren)
        if met_thema[j, thema_van[j]] < 0  # NaN (too few pairs, constant) is not negative
    ]
    alfa = {themas[t]: cronbach_alfa(v[:, thema_van == t]) for t in range(len(themas))}
    correlaties = pd.DataFrame(r, index=indicatoren, columns=indicatoren)
    return {
        "correlaties": {
            a: {b: (None if pd.isna(x) else float(x)) for b, x in rij.items()}
            for a, rij in correlaties.to_dict().items()
        },
        "hoge_correlaties": paren,
        "negatief_met_eigen_thema": tegen,
        "cronbach_alfa": alfa,
    }
