"""Difference-in-differences with an event-study view, on the treated and their comparison areas.

Both regressions use pyfixest's ``feols`` with area and wave fixed effects and standard errors
clustered by area (CRV1; intervals and p-values from the t-distribution with G-1 degrees of
freedom), weighted: treated areas weigh 1, comparison areas their matching weight (see
``vergelijking``).

* overall effect: ``y ~ behandeld_na | gebied + periode``, ``behandeld_na`` = treated and wave >= start;
* event study: one dummy per wave for the treated areas except the reference wave (the last wave
  before the start), so each coefficient is the treated-comparison difference in that wave
  relative to the reference wave;
* pre-trend check: the joint Wald test (F) that all pre-start coefficients are zero.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvoerFout
from .oordeel import PER_GOLF_KOLOMMEN, Schatting
from .paneel import Paneel
from .vergelijking import Vergelijking

CLUSTER = {"CRV1": "gebied"}


def lang_formaat(paneel: Paneel, vergelijking: Vergelijking) -> pd.DataFrame:
    """Long rows (gebied, periode, y, behandeld, na, gewicht) of the treated and comparison areas,
    without missing values."""
    gewichten = vergelijking.gewichten()
    rijen = np.flatnonzero(paneel.behandeld | vergelijking.masker(paneel))
    n_t = len(paneel.perioden)
    codes = paneel.gebieden[rijen].astype(str)
    gewicht = np.array([1.0 if paneel.behandeld[i] else gewichten[str(paneel.gebieden[i])] for i in rijen])
    frame = pd.DataFrame(
        {
            "gebied": np.repeat(codes, n_t),
            "periode": np.tile(paneel.perioden, len(rijen)),
            "y": paneel.y[rijen].ravel(),
            "behandeld": np.repeat(paneel.behandeld[rijen], n_t),
            "gewicht": np.repeat(gewicht, n_t),
        }
    )
    frame["na"] = frame["periode"] >= paneel.start
    frame["behandeld_na"] = (frame["behandeld"] & frame["na"]).astype(float)
    return frame.dropna(subset=["y"]).reset_index(drop=True)


def referentiegolf(paneel: Paneel) -> int:
    voor = paneel.perioden[~paneel.na]
    if not len(voor):
        raise InvoerFout(f"geen meting van {paneel.indicator} vóór de start ({paneel.start})")
    return int(voor[-1])


def schat_did(paneel: Paneel, vergelijking: Vergelijking) -> Schatting:
    """Overall effect, per-wave coefficients and the pre-trend test (see the module docstring)."""
    data = lang_formaat(paneel, vergelijking)
    if not (data["behandeld_na"] > 0).any():
        raise InvoerFout(f"geen meting van {paneel.indicator} in de behandelde gebieden na de start")
    totaal = _feols("y ~ behandeld_na | gebied + periode", data)
    rij = totaal.tidy().loc["behandeld_na"]
    per_golf, pretrend_p = _gebeurtenisstudie(data, paneel)
    return Schatting(
        methode="did",
        effect=float(rij["Estimate"]),
        onder=float(rij["2.5%"]),
        boven=float(rij["97.5%"]),
        p=float(rij["Pr(>|t|)"]),
        per_golf=per_golf,
        pretrend_p=pretrend_p,
        behandeld=int(data.loc[data["behandeld"], "gebied"].nunique()),
        vergelijking=int(data.loc[~data["behandeld"], "gebied"].nunique()),
        opmerkingen=list(vergelijking.opmerkingen),
    )


def _feols(formule: str, data: pd.DataFrame) -> Any:
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols(formule, data=data, vcov=CLUSTER, weights="gewicht")


def _gebeurtenisstudie(data: pd.DataFrame, paneel: Paneel) -> tuple[pd.DataFrame, float]:
    ref = referentiegolf(paneel)
    golven = [int(p) for p in sorted(data["periode"].unique()) if p != ref]
    data = data.assign(
        **{f"golf_{p}": (data["behandeld"] & (data["periode"] == p)).astype(float) for p in golven}
    )
    namen = [f"golf_{p}" for p in golven if data[f"golf_{p}"].any()]
    fit = _feols("y ~ " + " + ".join(namen) + " | gebied + periode", data)
    tidy = fit.tidy()
    rijen = [_golfrij(p, tidy, f"golf_{p}", ref, paneel.start) for p in [*golven, ref]]
    per_golf = pd.DataFrame(rijen, columns=PER_GOLF_KOLOMMEN).sort_values("periode", ignore_index=True)
    voor = [n for n in namen if int(n.removeprefix("golf_")) < paneel.start]
    return per_golf, _pretoets(fit, list(tidy.index), voor)


def _golfrij(periode: int, tidy: pd.DataFrame, naam: str, ref: int, start: int) -> dict[str, Any]:
    if periode == ref:
        coef, onder, boven = 0.0, 0.0, 0.0
    elif naam in tidy.index:
        rij = tidy.loc[naam].to_dict()
        coef, onder, boven = (float(rij[k]) for k in ("Estimate", "2.5%", "97.5%"))
    else:
        coef = onder = boven = math.nan
    return {
        "periode": periode,
        "coef": coef,
        "onder": onder,
        "boven": boven,
        "na": periode >= start,
        "referentie": periode == ref,
    }


def _pretoets(fit: Any, coefs: list[str], voor: list[str]) -> float:
    """Joint F test that the pre-start coefficients are zero (NaN without any)."""
    if not voor:
        return math.nan
    r = np.zeros((len(voor), len(coefs)))
    for rij, naam in enumerate(voor):
        r[rij, coefs.index(naam)] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        uitkomst = fit.wald_test(R=r)
    return float(uitkomst["pvalue"])
