""" "Tussen wal en schip": areas that no scoped method covers while their need is as high as that
of the areas the scoped methods put on top.

The first method defines level, period, themes and benchmark. It is run once without its urbanity
restriction (scope-free). Every method at the same level is run as it is; the lowest scope-free
composite among its top N areas is the bar. Areas whose urbanity class lies in none of the
methods' scopes and whose scope-free composite reaches the lowest bar are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..opslag import Toestand
from .methode import Methode
from .pijplijn import bereken
from .selecteer import selecteer


@dataclass
class WalEnSchip:
    gebieden: pd.DataFrame
    drempel: float
    klassen_in_scope: list[int]
    toelichting: str


def tussen_wal_en_schip(methoden: list[Methode], toestand: Toestand) -> WalEnSchip:
    basis = methoden[0]
    vrij = basis.model_copy(deep=True)
    vrij.scope.stedelijkheid = [1, 2, 3, 4, 5]
    kern = bereken(vrij, selecteer(vrij, toestand))
    g = kern.gegevens
    score = dict(zip(g.codes[g.in_scope], kern.composiet[g.in_scope], strict=True))
    klassen = sorted({k for m in methoden for k in m.scope.stedelijkheid})
    drempels = []
    for m in methoden:
        if m.scope.niveau != basis.scope.niveau:
            continue
        eigen = bereken(m, selecteer(m, toestand))
        s = eigen.gegevens.in_scope
        top = eigen.gegevens.codes[s][np.argsort(-np.nan_to_num(eigen.composiet[s], nan=-np.inf))][
            : m.scope.selectie
        ]
        drempels.append(min(score[c] for c in top if c in score))
    drempel = min(drempels)
    buiten = g.in_scope & ~np.isin(g.stedelijkheid, klassen) & (kern.composiet >= drempel)
    rang = pd.Series(kern.composiet[g.in_scope]).rank(ascending=False, method="min").to_numpy()
    rang_van = dict(zip(g.codes[g.in_scope], rang, strict=True))
    frame = pd.DataFrame(
        {
            "code": g.codes[buiten],
            "naam": g.namen[buiten],
            "stedelijkheid": g.stedelijkheid[buiten],
            "composiet_zonder_scope": kern.composiet[buiten],
            "rang_zonder_scope": [rang_van[c] for c in g.codes[buiten]],
        }
    ).sort_values("composiet_zonder_scope", ascending=False, ignore_index=True)
    uitleg = (
        f"Klassen in een scope: {klassen}. Drempel: de laagste score (zonder scope) onder de top "
        f"van de methoden op niveau {basis.scope.niveau}: {drempel:.3f}."
    )
    return WalEnSchip(frame, float(drempel), klassen, uitleg)
