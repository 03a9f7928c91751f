"""Coherence checks (JRC step 4): correlations, flags and Cronbach's alpha. Reported, never acted on.

Correlations are Pearson's over the pairwise complete observations (what ``DataFrame.corr`` and
``np.corrcoef`` on the rows where both are present give); Cronbach's alpha is over each theme's
complete cases. Both come from sums of the values, centred on their column means, gathered by a few
matrix products in one pass over blocks of rows: at a million areas this takes a fraction of a
second where pandas' pair-by-pair loop takes seconds, and it is more precise (the sums are of centred
values, not running means).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .blokken import blokken

# a variance below this fraction of the summed squares is rounding noise: the column is constant
# on those rows, and has no correlation (as pandas and numpy give NaN for an exact zero)
_RUIS = 1e-12


def _midden(a: np.ndarray) -> np.ndarray:
    """Column means over the present values (0 for a column without any): the centre the sums
    are taken around, so that they lose no precision to a large mean."""
    som, tel = np.zeros(a.shape[1]), np.zeros(a.shape[1])
    for blok in blokken(len(a)):
        aanwezig = ~np.isnan(a[blok])
        som += np.where(aanwezig, a[blok], 0.0).sum(axis=0)
        tel += aanwezig.sum(axis=0)
    return np.where(tel > 0, som / np.maximum(tel, 1), 0.0)


@dataclass
class _Blok:
    """A block of rows centred (0 where missing), its squares and its 0/1 mask of present values."""

    z: np.ndarray
    z2: np.ndarray
    aanwezig: np.ndarray

    @classmethod
    def van(cls, a: np.ndarray, midden: np.ndarray) -> _Blok:
        aanwezig = ~np.isnan(a)
        z = a - midden
        z[~aanwezig] = 0.0
        return cls(z, z * z, aanwezig.astype(float))


@dataclass
class _Paarsommen:
    """Per pair of columns (a from one matrix, b from another) sums over the rows where both are
    present: their number, the sums and squares of a and of b, and the cross products."""

    ka: int
    kb: int
    n: np.ndarray = field(init=False)
    som_a: np.ndarray = field(init=False)
    som_b: np.ndarray = field(init=False)
    kwadraat_a: np.ndarray = field(init=False)
    kwadraat_b: np.ndarray = field(init=False)
    kruis: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        for naam in ("n", "som_a", "som_b", "kwadraat_a", "kwadraat_b", "kruis"):
            setattr(self, naam, np.zeros((self.ka, self.kb)))

    def voeg_toe(self, a: _Blok, b: _Blok) -> None:
        self.n += a.aanwezig.T @ b.aanwezig
        self.som_a += a.z.T @ b.aanwezig
        self.som_b += a.aanwezig.T @ b.z
        self.kwadraat_a += a.z2.T @ b.aanwezig
        self.kwadraat_b += a.aanwezig.T @ b.z2
        self.kruis += a.z.T @ b.z

    def correlaties(self, min_paren: int = 3) -> np.ndarray:
        """Pearson's r per pair; NaN with fewer than ``min_paren`` rows or a constant column."""
        with np.errstate(divide="ignore", invalid="ignore"):
            var_a = self.kwadraat_a - self.som_a * self.som_a / self.n
            var_b = self.kwadraat_b - self.som_b * self.som_b / self.n
            r = (self.kruis - self.som_a * self.som_b / self.n) / np.sqrt(var_a * var_b)
        constant = (var_a <= _RUIS * self.kwadraat_a) | (var_b <= _RUIS * self.kwadraat_b)
        uit: np.ndarray = np.where((self.n >= min_paren) & ~constant, np.clip(r, -1.0, 1.0), np.nan)
        return uit


@dataclass
class _Alfasommen:
    """Per theme, over its complete cases (rows with every indicator of the theme present): their
    number, per indicator the sums and squares, and the sums and squares of the row totals."""

    indeling: np.ndarray  # (k, T) 1 where indicator j is in theme t
    n: np.ndarray = field(init=False)
    som: np.ndarray = field(init=False)
    kwadraat: np.ndarray = field(init=False)
    som_totaal: np.ndarray = field(init=False)
    kwadraat_totaal: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        k, t = self.indeling.shape
        self.n, self.som_totaal, self.kwadraat_totaal = np.zeros(t), np.zeros(t), np.zeros(t)
        self.som, self.kwadraat = np.zeros((t, k)), np.zeros((t, k))

    def voeg_toe(self, v: _Blok) -> None:
        compleet = (v.aanwezig @ self.indeling == self.indeling.sum(axis=0)).astype(float)
        totaal = v.z @ self.indeling
        self.n += compleet.sum(axis=0)
        self.som += compleet.T @ v.z
        self.kwadraat += compleet.T @ v.z2
        self.som_totaal += (compleet * totaal).sum(axis=0)
        self.kwadraat_totaal += (compleet * totaal * totaal).sum(axis=0)

    def alfa(self, t: int) -> float | None:
        """alpha = k/(k-1) * (1 - sum of item variances / variance of the total) for theme t."""
        leden = self.indeling[:, t] > 0
        k, n = int(leden.sum()), self.n[t]
        if k < 2 or n < 3:
            return None
        var_totaal = (self.kwadraat_totaal[t] - self.som_totaal[t] ** 2 / n) / (n - 1)
        if var_totaal <= _RUIS * self.kwadraat_totaal[t]:
            return None
        som, kwadraat = self.som[t, leden], self.kwadraat[t, leden]
        var_items = (kwadraat - som * som / n) / (n - 1)
        return float(k / (k - 1) * (1 - var_items.sum() / var_totaal))


def paarcorrelaties(a: np.ndarray, b: np.ndarray, min_paren: int = 3) -> np.ndarray:
    """(ka, kb) Pearson correlations of the columns of ``a`` with those of ``b`` (both areas × k,
    NaN where missing), each over the rows where both are present; NaN with fewer than
    ``min_paren`` such rows or a constant column on them."""
    sommen = _Paarsommen(a.shape[1], b.shape[1])
    midden_a, midden_b = _midden(a), _midden(b)
    for blok in blokken(len(a)):
        blok_a = _Blok.van(a[blok], midden_a)
        sommen.voeg_toe(blok_a, blok_a if b is a else _Blok.van(b[blok], midden_b))
    return sommen.correlaties(min_paren)


def cronbach_alfa(v: np.ndarray) -> float | None:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), complete cases."""
    sommen = _Alfasommen(np.ones((v.shape[1], 1)))
    midden = _midden(v)
    for blok in blokken(len(v)):
        sommen.voeg_toe(_Blok.van(v[blok], midden))
    return sommen.alfa(0)


def samenhang(
    v: np.ndarray, scores: np.ndarray, indicatoren: list[str], thema_van: np.ndarray, themas: list[str]
) -> dict[str, Any]:
    """Correlations between the indicators, with their own theme's score, and each theme's alpha,
    from one pass over the areas."""
    onderling = _Paarsommen(v.shape[1], v.shape[1])
    met_scores = _Paarsommen(v.shape[1], scores.shape[1])
    alfas = _Alfasommen((thema_van[:, None] == np.arange(len(themas))[None, :]).astype(float))
    midden_v, midden_s = _midden(v), _midden(scores)
    for blok in blokken(len(v)):
        blok_v = _Blok.van(v[blok], midden_v)
        onderling.voeg_toe(blok_v, blok_v)
        met_scores.voeg_toe(blok_v, _Blok.van(scores[blok], midden_s))
        alfas.voeg_toe(blok_v)
    r = onderling.correlaties()
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
    met_thema = met_scores.correlaties()
    tegen = [
        {"indicator": ind, "thema": themas[thema_van[j]], "r": float(met_thema[j, thema_van[j]])}
        for j, ind in enumerate(indicatoren)
        if met_thema[j, thema_van[j]] < 0  # NaN (too few pairs, constant) is not negative
    ]
    correlaties = pd.DataFrame(r, index=indicatoren, columns=indicatoren)
    return {
        "correlaties": {
            a: {b: (None if pd.isna(x) else float(x)) for b, x in rij.items()}
            for a, rij in correlaties.to_dict().items()
        },
        "hoge_correlaties": paren,
        "negatief_met_eigen_thema": tegen,
        "cronbach_alfa": {themas[t]: alfas.alfa(t) for t in range(len(themas))},
    }
