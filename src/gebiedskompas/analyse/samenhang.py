"""Coherence checks (JRC step 4): correlations, flags and Cronbach's alpha. Reported, never acted on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def cronbach_alfa(v: np.ndarray) -> float | None:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), complete cases."""
    compleet = v[~np.isnan(v).any(axis=1)]
    k = compleet.shape[1]
    if k < 2 or len(compleet) < 3:
        return None
    totaal = compleet.sum(axis=1).var(ddof=1)
    if totaal == 0:
        return None
    return float(k / (k - 1) * (1 - compleet.var(axis=0, ddof=1).sum() / totaal))


def samenhang(
    v: np.ndarray, scores: np.ndarray, indicatoren: list[str], thema_van: np.ndarray, themas: list[str]
) -> dict[str, Any]:
    frame = pd.DataFrame(v, columns=indicatoren, copy=False)  # no copy of a million rows
    r = frame.corr(method="pearson", min_periods=3)
    paren = []
    for a in range(len(indicatoren)):
        for b in range(a + 1, len(indicatoren)):
            waarde = float(r.to_numpy()[a, b])
            if not np.isnan(waarde) and abs(waarde) > 0.9:
                soort = "binnen thema" if thema_van[a] == thema_van[b] else "tussen thema's"
                paren.append(
                    {
                        "indicator_a": indicatoren[a],
                        "indicator_b": indicatoren[b],
                        "r": float(waarde),
                        "soort": soort,
                    }
                )
    tegen = []
    for j, ind in enumerate(indicatoren):
        t = thema_van[j]
        beide = ~np.isnan(v[:, j]) & ~np.isnan(scores[:, t])
        a, b = v[beide, j], scores[beide, t]
        if len(a) >= 3 and a.std(ddof=1) > 0 and b.std(ddof=1) > 0:
            rt = float(np.corrcoef(a, b)[0, 1])
            if rt < 0:
                tegen.append({"indicator": ind, "thema": themas[t], "r": rt})
    alfa = {themas[t]: cronbach_alfa(v[:, thema_van == t]) for t in range(len(themas))}
    return {
        "correlaties": {
            a: {b: (None if pd.isna(x) else float(x)) for b, x in rij.items()}
            for a, rij in r.to_dict().items()
        },
        "hoge_correlaties": paren,
        "negatief_met_eigen_thema": tegen,
        "cronbach_alfa": alfa,
    }
