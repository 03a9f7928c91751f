"""Synthetic control per treated area, with placebo inference in space (Abadie, Diamond & Hainmueller).

Estimator: pysyncon's ``PenalizedSynth`` (Abadie & L'Hour 2021) with ``lambda_`` = ``LAMBDA``, fitted on
the matrix interface (X0, X1) instead of a ``Dataprep``: the predictors are the outcome in each pre-start
wave (pysyncon scales each wave by its spread), weighted equally (V = identity). Why this variant:

* with 8 waves there are only 2-5 pre-start waves and often more donors than that, so the plain
  ``Synth`` fit is not unique (many convex combinations fit the few pre waves exactly); the penalty
  ``lambda_ * sum_j w_j ||X1 - X0_j||²`` picks the one built from the donors nearest to the treated
  area, which is unique and sparse;
* the nested V-optimisation of ``Synth`` fits the same pre-start outcomes twice when they are the only
  predictors; an equal V is the usual choice then and one quadratic programme per fit is fast;
* ``RobustSynth`` needs consecutive years (Leefbaarometer waves are 2002, 2008, 2012, ...).

pysyncon solves the quadratic programme with SLSQP without a gradient (finite differences, ~75 ms for
20 donors); ``_Penalized`` passes the exact gradient of the same objective (~3 ms, same optimum).

Donor pool per treated area: its comparison areas (``Vergelijking.tabel``), or one list of codes for
all treated areas, or (None) the ``MAX_DONOREN`` untreated areas of the same level and urbanity class
nearest on pre-start level and trend (``vergelijking.kies_vergelijking``): the whole class would be
hundreds of donors per fit and per placebo, and a pool of similar areas limits interpolation bias.
Donors need a value in every wave in which the treated area has one.

Per treated area: donor weights, the synthetic series (weights x donor series, all waves), the gap
(observed - synthetic) per wave and the effect = mean gap over the waves at or after the start.
Several treated areas: the effect is the mean of their effects.

Inference, placebo in space: each donor in turn is treated as if it had the programme and gets its
own synthetic control, its pool chosen by the same rule as the treated area's (``kies_vergelijking``
with the same ``k`` around that donor, the real treated areas excluded; for a fixed list: the other
donors of the list). Reusing the treated area's pool instead, which is centred on the treated area,
fits the placebos worse than the treated area and made 19 of 100 random no-effect sets of three
wijken reach p < 0.05; with the same rule it is 7 of 100. Statistic: RMSPE after / RMSPE before the
start. ``placebo_p`` = (1 + number of placebos with a ratio >= the treated one) / (1 + number of
placebos), Abadie's rank p (the treated area counts among the ranks, so p is never 0; one treated
area with ``k`` = 10 donors cannot go below 1/11). For several treated areas (Cavallo et al. 2013):
one placebo per treated area is drawn (all combinations when at most ``TREKKINGEN``, else
``TREKKINGEN`` draws with ``seed``), their gaps averaged, and the ratio of that average gap compared
with the ratio of the treated areas' average gap. Interval: the effect minus the 97.5% and 2.5%
quantiles of the placebo effects (test inversion under a constant additive effect; it covered zero
in 88 of those 100 no-effect sets, so read it with the placebo_p). ``pretrend_p`` is the same rank
on the pre-start RMSPE: small means the treated areas are fitted worse before the start than nearly
all placebos.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import itertools
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pysyncon import PenalizedSynth
from scipy.optimize import Bounds, LinearConstraint, minimize

from ..errors import InvoerFout
from ..opmaak import getal
from .oordeel import ALFA, PER_GOLF_KOLOMMEN, Placebo, Schatting
from .paneel import Paneel
from .vergelijking import Vergelijking, kies_vergelijking

LAMBDA = 0.01
MAX_DONOREN = 40
TREKKINGEN = 2000
MIN_GEWICHT = 1e-3  # weights below this are reported as 0
METHODE = "synthetisch"

Donoren = Vergelijking | Sequence[str] | None


class _Penalized(PenalizedSynth):  # type: ignore[misc]
    """pysyncon's penalized synthetic control, its inner quadratic programme with the exact gradient."""

    @staticmethod
    def w_optimize(
        V_mat: np.ndarray,
        X0: np.ndarray,
        X1: np.ndarray,
        lambda_: float,
        qp_method: str = "SLSQP",
        qp_options: dict[str, Any] | None = None,
    ) -> tuple[np.ndarray, float]:
        # The objective of pysyncon's PenalizedOptimMixin.w_optimize: q'w + w'Pw/2 on the simplex. einsum,
        # not @: OpenBLAS threads on these tiny products stall SLSQP by 10-20x on a busy machine.
        n = X0.shape[1]
        verschil = X0 - X1.reshape(-1, 1)
        r = np.einsum("ij,ik,kj->j", verschil, V_mat, verschil)
        p = np.einsum("ij,ik,kl->jl", X0, V_mat, X0)
        q = -np.einsum("i,ij,jk->k", X1, V_mat, X0) + (lambda_ / 2.0) * r
        uitkomst = minimize(
            fun=lambda w: float(np.einsum("i,i->", q, w) + 0.5 * np.einsum("i,ij,j->", w, p, w)),
            x0=np.full(n, 1.0 / n),
            jac=lambda w: q + np.einsum("ij,j->i", p, w),
            bounds=Bounds(np.zeros(n), np.ones(n)),
            constraints=LinearConstraint(np.ones((1, n)), 1.0, 1.0),
            method=qp_method,
            options=qp_options or {"maxiter": 1000, "ftol": 1e-12},
        )
        w = np.clip(uitkomst.x, 0.0, None)
        return w / w.sum(), float(uitkomst.fun)


@dataclass
class Synthetischgebied:
    """One treated area: its synthetic control and its placebos (rows of ``placebo_verschillen``)."""

    gebied: str
    naam: str
    gewichten: dict[str, float]  # donor -> weight, descending, weights < MIN_GEWICHT left out
    waargenomen: np.ndarray  # (t,)
    synthetisch: np.ndarray  # (t,)
    verschil: np.ndarray  # (t,) observed - synthetic, NaN where the area has no value
    effect: float
    rmspe_voor: float
    rmspe_na: float
    donoren: list[str]  # the pool
    placebo_gebieden: list[str]  # the donors that got a placebo run
    placebo_synthetisch: np.ndarray  # (m, t)
    placebo_verschillen: np.ndarray  # (m, t)
    placebo_p: float
    onder: float
    boven: float

    @property
    def verhouding(self) -> float:
        return float(_verhouding(self.rmspe_na, self.rmspe_voor))


@dataclass
class Synthetischresultaat(Schatting):
    """A ``Schatting`` (so the pipeline and the verdict take it as is) with the synthetic-control detail.

    ``effect``/``onder``/``boven`` (also as ``ondergrens``/``bovengrens``) and ``p`` = ``placebo_p`` are
    for the treated areas together; ``per_golf.coef`` is the mean gap per wave (observed - synthetic,
    not relative to a reference wave), its bounds from the placebo gaps. ``reeksen`` is long (one row per
    area and wave, treated and placebo) for charts."""

    placebo_p: float = math.nan
    gewichten: dict[str, dict[str, float]] = field(default_factory=dict)
    gebieden: list[Synthetischgebied] = field(default_factory=list)
    placebo_effecten: np.ndarray = field(default_factory=lambda: np.empty(0))
    reeksen: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ondergrens(self) -> float:
        return self.onder

    @property
    def bovengrens(self) -> float:
        return self.boven

    @property
    def placebo_aantal(self) -> int:
        return len(self.placebo_effecten)


@dataclass
class _Fit:
    """Synthetic series of one unit from a pool; ``verschil`` is NaN outside the unit's waves."""

    gewichten: np.ndarray  # (d,) over the pool
    synthetisch: np.ndarray  # (t,)
    verschil: np.ndarray  # (t,)


@dataclass
class _Context:
    """``k`` None: a fixed donor list, placebo pools leave one out; else the comparison rule with ``k``."""

    paneel: Paneel
    k: int | None
    cache: dict[tuple[int, tuple[int, ...], bytes], _Fit] = field(default_factory=dict)
    placebopools: dict[int, np.ndarray] = field(default_factory=dict)
    opmerkingen: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- public


def schat(paneel: Paneel, vergelijking: Donoren = None, seed: int = 0) -> Synthetischresultaat:
    """Synthetic control for every treated area of ``paneel`` with placebo inference in space (see the
    module docstring). ``vergelijking``: a ``Vergelijking`` (pool per treated area), a list of codes (one
    pool for all) or None (nearest ``MAX_DONOREN`` of the same urbanity class). ``seed`` only drives the
    draws of placebo combinations for several treated areas."""
    sleutel = _sleutel(paneel, vergelijking, seed)
    if sleutel in _GEHEUGEN:
        return _GEHEUGEN[sleutel]
    resultaat = _schat(paneel, vergelijking, seed)
    _GEHEUGEN.clear()  # one entry: placebo_in_ruimte right after schat reuses the placebo runs
    _GEHEUGEN[sleutel] = resultaat
    return resultaat


def placebo_in_ruimte(paneel: Paneel, vergelijking: Donoren = None, seed: int = 0) -> Placebo:
    """The placebo check in space for the pipeline: ``p`` = ``placebo_p``; ``effect``, ``onder`` and
    ``boven`` describe the placebo effects (their mean and 2.5-97.5% range), where no effect can be."""
    r = schat(paneel, vergelijking, seed)
    if not len(r.placebo_effecten):
        return Placebo("ruimte", math.nan, toelichting="geen placebo's: minder dan twee donoren per gebied")
    onder, boven = np.quantile(r.placebo_effecten, [ALFA / 2, 1 - ALFA / 2])
    return Placebo(
        "ruimte",
        r.placebo_p,
        float(np.mean(r.placebo_effecten)),
        float(onder),
        float(boven),
        None,
        f"{r.vergelijking} donoren elk als nepbehandeld gebied, {len(r.placebo_effecten)} "
        "placebo-uitkomsten, rang op RMSPE na/voor de start",
    )


_GEHEUGEN: dict[str, Synthetischresultaat] = {}


# ---------------------------------------------------------------- estimation


def _schat(paneel: Paneel, vergelijking: Donoren, seed: int) -> Synthetischresultaat:
    if not (~paneel.na).any():
        raise InvoerFout(f"geen meting van {paneel.indicator} vóór de start ({paneel.start})")
    notitie = []
    if vergelijking is None:
        vergelijking = kies_vergelijking(paneel, MAX_DONOREN)
        notitie.append(
            f"donoren: per behandeld gebied de {MAX_DONOREN} onbehandelde gebieden van dezelfde "
            "stedelijkheidsklasse die vóór de start het dichtst bij liggen in niveau en trend"
        )
    ctx = _Context(
        paneel, vergelijking.k if isinstance(vergelijking, Vergelijking) else None, opmerkingen=notitie
    )
    pools = _pools(paneel, vergelijking, ctx.opmerkingen)
    with _een_blasdraad():
        gebieden = [g for i, pool in pools.items() if (g := _gebied(ctx, i, pool)) is not None]
    if not gebieden:
        raise InvoerFout(
            f"geen synthetische controle mogelijk: geen behandeld gebied met metingen van {paneel.indicator} "
            "vóór en na de start en minstens één donor"
        )
    return _samen(ctx, gebieden, seed)


def _pools(
    paneel: Paneel, vergelijking: Vergelijking | Sequence[str], opmerkingen: list[str]
) -> dict[int, np.ndarray]:
    """Treated row -> donor rows."""
    if isinstance(vergelijking, Vergelijking):
        opmerkingen.extend(vergelijking.opmerkingen)
        tabel = vergelijking.tabel
        return {
            i: _rijen(paneel, tabel.loc[tabel["behandeld"] == code, "gebied"])
            for i, code in _behandeld(paneel)
        }
    gedeeld = _lijst(paneel, list(vergelijking), opmerkingen)
    return {i: gedeeld for i, _ in _behandeld(paneel)}


def _rijen(paneel: Paneel, codes: pd.Series) -> np.ndarray:
    rij = {str(c): i for i, c in enumerate(paneel.gebieden)}
    return np.array([rij[c] for c in codes.astype(str) if c in rij], dtype=int)


def _placebopool(ctx: _Context, j: int, pool: np.ndarray) -> np.ndarray:
    """Donor rows for donor ``j`` as if treated: the same rule that chose the treated area's pool, so
    treated and placebos are fitted alike (a pool chosen around the treated area and reused for the
    placebos fits the treated area better than the placebos and makes the test reject too often)."""
    if ctx.k is None:
        zonder: np.ndarray = pool[pool != j]
        return zonder
    if j not in ctx.placebopools:
        ctx.placebopools[j] = _kies_rond(ctx.paneel, j, ctx.k)
    return ctx.placebopools[j]


def _kies_rond(p: Paneel, j: int, k: int) -> np.ndarray:
    """``kies_vergelijking`` with row ``j`` as the only treated area; the real treated areas are no donor."""
    y = p.y.copy()
    y[p.behandeld] = np.nan
    behandeld = np.zeros(len(p.gebieden), dtype=bool)
    behandeld[j] = True
    try:
        v = kies_vergelijking(dataclasses.replace(p, y=y, behandeld=behandeld, opmerkingen=[]), k)
    except InvoerFout:
        return np.empty(0, dtype=int)
    return _rijen(p, v.tabel["gebied"])


def _behandeld(paneel: Paneel) -> list[tuple[int, str]]:
    return [(int(i), str(paneel.gebieden[i])) for i in np.flatnonzero(paneel.behandeld)]


def _lijst(paneel: Paneel, codes: list[str], opmerkingen: list[str]) -> np.ndarray:
    rij = {str(c): i for i, c in enumerate(paneel.gebieden)}
    onbekend = [c for c in codes if c not in rij]
    behandeld = [c for c in codes if c in rij and paneel.behandeld[rij[c]]]
    if onbekend:
        opmerkingen.append(f"vergelijkingsgebieden zonder waarden weggelaten: {', '.join(onbekend)}")
    if behandeld:
        opmerkingen.append(f"behandelde gebieden niet als donor gebruikt: {', '.join(behandeld)}")
    return np.array(sorted({rij[c] for c in codes if c in rij and c not in behandeld}), dtype=int)


def _gebied(ctx: _Context, i: int, pool: np.ndarray) -> Synthetischgebied | None:
    p = ctx.paneel
    code = str(p.gebieden[i])
    golven = ~np.isnan(p.y[i])
    pool = pool[~np.isnan(p.y[np.ix_(pool, golven)]).any(axis=1)] if len(pool) else pool
    if not (golven & ~p.na).any() or not (golven & p.na).any() or not len(pool):
        ctx.opmerkingen.append(
            f"{code}: geen synthetische controle (geen meting vóór of na de start, of geen donor)"
        )
        return None
    fit = _fit(ctx, i, pool, golven)
    placebos = {
        int(j): _fit(ctx, int(j), eigen, golven) for j in pool if len(eigen := _placebopool(ctx, j, pool))
    }
    return _gebiedsresultaat(ctx.paneel, i, pool, fit, placebos)


def _fit(ctx: _Context, i: int, pool: np.ndarray, golven: np.ndarray) -> _Fit:
    """The synthetic control of row ``i`` from the rows ``pool`` (cached: placebos recur)."""
    sleutel = (i, tuple(int(j) for j in pool), golven.tobytes())
    if sleutel not in ctx.cache:
        ctx.cache[sleutel] = _bereken_fit(ctx.paneel, i, pool, golven)
    return ctx.cache[sleutel]


def _bereken_fit(p: Paneel, i: int, pool: np.ndarray, golven: np.ndarray) -> _Fit:
    golven = golven & ~np.isnan(p.y[i]) & ~np.isnan(p.y[pool]).any(axis=0)
    w = _gewichten(p.y[i], p.y[pool], golven & ~p.na)
    donoren = np.where(np.isnan(p.y[pool]), 0.0, p.y[pool])
    synthetisch = np.einsum("j,jt->t", w, donoren)
    synthetisch[~golven] = np.nan
    return _Fit(w, synthetisch, p.y[i] - synthetisch)


def _gewichten(doel: np.ndarray, donoren: np.ndarray, voor: np.ndarray) -> np.ndarray:
    """pysyncon's penalized fit on the pre-start waves; waves without spread carry no information."""
    if len(donoren) == 1:
        return np.ones(1)
    x = np.vstack([donoren[:, voor], doel[voor]])
    spreiding = x.std(axis=0) > 0
    if not spreiding.any():
        return np.full(len(donoren), 1.0 / len(donoren))
    jaren = [f"g{k}" for k in range(int(spreiding.sum()))]
    x0 = pd.DataFrame(
        donoren[:, voor][:, spreiding].T, index=jaren, columns=[f"d{k}" for k in range(len(donoren))]
    )
    x1 = pd.Series(doel[voor][spreiding], index=jaren, name="behandeld")
    model = _Penalized()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X0=x0, X1=x1, lambda_=LAMBDA)
    return np.asarray(model.W, dtype=float)


@contextmanager
def _een_blasdraad() -> Iterator[None]:
    """scipy's SLSQP calls scipy's bundled OpenBLAS on matrices of a few dozen numbers; with worker
    threads each call waits for a second core, which on a busy 2-core machine made the fits 10-20x
    slower (0.4 s -> 5-9 s for 168 fits). One thread while fitting, restored afterwards; a no-op when
    that library is not found (other builds of scipy)."""
    functies = _scipy_openblas()
    if functies is None:
        yield
        return
    lees, zet = functies
    vorig = int(lees())
    zet(1)
    try:
        yield
    finally:
        zet(vorig)


@functools.cache
def _scipy_openblas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    import scipy

    map = Path(scipy.__file__).resolve().parent
    for pad in sorted([*map.parent.glob("scipy.libs/*openblas*"), *map.glob(".dylibs/*openblas*")]):
        try:
            lib = ctypes.CDLL(str(pad))
        except OSError:
            continue
        for naam in ("scipy_openblas", "scipy_openblas64_", "openblas"):
            lees, zet = (getattr(lib, f"{naam}_{w}_num_threads", None) for w in ("get", "set"))
            if lees is not None and zet is not None:
                return lees, zet
    return None


# ---------------------------------------------------------------- statistics


def _rmspe(verschil: np.ndarray, golven: np.ndarray) -> np.ndarray:
    """RMSPE over the waves ``golven`` of the last axis (NaN gaps ignored)."""
    deel = verschil[..., golven]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        uit: np.ndarray = np.sqrt(np.nanmean(deel**2, axis=-1))
    return uit


def _na_gemiddelde(verschil: np.ndarray, na: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        uit: np.ndarray = np.nanmean(verschil[..., na], axis=-1)
    return uit


def _verhouding(na: Any, voor: Any) -> Any:
    """RMSPE after / before; an exact pre-start fit gives a very large (not infinite) ratio."""
    return np.asarray(na) / np.maximum(np.asarray(voor), 1e-12)


def _rang_p(placebo: np.ndarray, echt: float) -> float:
    """Abadie's rank p: (1 + placebos at least as extreme) / (1 + placebos); NaN without placebos."""
    placebo = placebo[np.isfinite(placebo)]
    if not len(placebo) or not math.isfinite(echt):
        return math.nan
    return float((1 + np.sum(placebo >= echt * (1 - 1e-9))) / (1 + len(placebo)))


def _interval(effect: float, placebo_effecten: np.ndarray) -> tuple[float, float]:
    placebo_effecten = placebo_effecten[np.isfinite(placebo_effecten)]
    if len(placebo_effecten) < 2:
        return math.nan, math.nan
    hoog, laag = np.quantile(placebo_effecten, [1 - ALFA / 2, ALFA / 2])
    return float(effect - hoog), float(effect - laag)


def _gebiedsresultaat(
    p: Paneel, i: int, pool: np.ndarray, fit: _Fit, placebos: dict[int, _Fit]
) -> Synthetischgebied:
    na = p.na
    pv = np.array([f.verschil for f in placebos.values()]).reshape(len(placebos), len(p.perioden))
    effect = float(_na_gemiddelde(fit.verschil, na))
    voor, achter = float(_rmspe(fit.verschil, ~na)), float(_rmspe(fit.verschil, na))
    placebo_effecten = _na_gemiddelde(pv, na)
    onder, boven = _interval(effect, placebo_effecten)
    volgorde = np.argsort(-fit.gewichten, kind="stable")
    return Synthetischgebied(
        gebied=str(p.gebieden[i]),
        naam=str(p.namen[i]),
        gewichten={
            str(p.gebieden[pool[k]]): float(fit.gewichten[k])
            for k in volgorde
            if fit.gewichten[k] >= MIN_GEWICHT
        },
        waargenomen=p.y[i].copy(),
        synthetisch=fit.synthetisch,
        verschil=fit.verschil,
        effect=effect,
        rmspe_voor=voor,
        rmspe_na=achter,
        donoren=[str(p.gebieden[j]) for j in pool],
        placebo_gebieden=[str(p.gebieden[j]) for j in placebos],
        placebo_synthetisch=np.array([f.synthetisch for f in placebos.values()]).reshape(pv.shape),
        placebo_verschillen=pv,
        placebo_p=_rang_p(_verhouding(_rmspe(pv, na), _rmspe(pv, ~na)), float(_verhouding(achter, voor))),
        onder=onder,
        boven=boven,
    )


def _combinaties(aantallen: list[int], seed: int) -> np.ndarray:
    """(N, k): one placebo per treated area per row; all combinations when few, else seeded draws."""
    if min(aantallen, default=0) == 0:
        return np.empty((0, len(aantallen)), dtype=int)
    if math.prod(aantallen) <= TREKKINGEN:
        return np.array(list(itertools.product(*(range(a) for a in aantallen))), dtype=int)
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.integers(0, a, TREKKINGEN) for a in aantallen])


def _placebogemiddelden(gebieden: list[Synthetischgebied], seed: int) -> np.ndarray:
    """(N, t): mean gap over one placebo per treated area, per combination."""
    combinaties = _combinaties([len(g.placebo_gebieden) for g in gebieden], seed)
    if not len(combinaties):
        return np.empty((0, len(gebieden[0].verschil)))
    som = sum(g.placebo_verschillen[combinaties[:, k]] for k, g in enumerate(gebieden))
    uit: np.ndarray = np.asarray(som) / len(gebieden)
    return uit


def _samen(ctx: _Context, gebieden: list[Synthetischgebied], seed: int) -> Synthetischresultaat:
    p = ctx.paneel
    na = p.na
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gemiddeld = np.nanmean(np.array([g.verschil for g in gebieden]), axis=0)
    effect = float(np.mean([g.effect for g in gebieden]))
    placebo = _placebogemiddelden(gebieden, seed)
    placebo_effecten = _na_gemiddelde(placebo, na)
    onder, boven = _interval(effect, placebo_effecten)
    placebo_p = _rang_p(
        _verhouding(_rmspe(placebo, na), _rmspe(placebo, ~na)),
        float(_verhouding(_rmspe(gemiddeld, na), _rmspe(gemiddeld, ~na))),
    )
    return Synthetischresultaat(
        methode=METHODE,
        effect=effect,
        onder=onder,
        boven=boven,
        p=placebo_p,
        per_golf=_per_golf(p, gemiddeld, placebo),
        pretrend_p=_rang_p(_rmspe(placebo, ~na), float(_rmspe(gemiddeld, ~na))),
        behandeld=len(gebieden),
        vergelijking=len({c for g in gebieden for c in g.donoren}),
        opmerkingen=ctx.opmerkingen,
        per_gebied=_per_gebied(gebieden),
        placebo_p=placebo_p,
        gewichten={g.gebied: g.gewichten for g in gebieden},
        gebieden=gebieden,
        placebo_effecten=placebo_effecten,
        reeksen=_reeksen(p, gebieden),
    )


def _per_golf(p: Paneel, gemiddeld: np.ndarray, placebo: np.ndarray) -> pd.DataFrame:
    """Mean gap per wave with the band from the placebo gaps (gap - quantiles of placebo gaps)."""
    referentie = int(p.perioden[~p.na][-1])
    if len(placebo) >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            hoog, laag = np.nanquantile(placebo, [1 - ALFA / 2, ALFA / 2], axis=0)
    else:
        hoog = laag = np.full(len(p.perioden), np.nan)
    return pd.DataFrame(
        {
            "periode": p.perioden.astype(int),
            "coef": gemiddeld,
            "onder": gemiddeld - hoog,
            "boven": gemiddeld - laag,
            "na": p.na,
            "referentie": p.perioden == referentie,
        },
        columns=PER_GOLF_KOLOMMEN,
    )


def _per_gebied(gebieden: list[Synthetischgebied]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "gebied": g.gebied,
                "naam": g.naam,
                "effect": g.effect,
                "onder": g.onder,
                "boven": g.boven,
                "placebo_p": g.placebo_p,
                "rmspe_voor": g.rmspe_voor,
                "rmspe_na": g.rmspe_na,
                "placebos": len(g.placebo_gebieden),
                "donoren": ", ".join(f"{c} ({getal(w, 2)})" for c, w in g.gewichten.items()),
            }
            for g in gebieden
        ]
    )


def _reeksen(p: Paneel, gebieden: list[Synthetischgebied]) -> pd.DataFrame:
    """Long, for charts: gebied, rol (behandeld/placebo), bij (the treated area), periode,
    waargenomen, synthetisch, verschil."""
    delen = []
    rij = {str(c): i for i, c in enumerate(p.gebieden)}
    for g in gebieden:
        codes = [g.gebied, *g.placebo_gebieden]
        waargenomen = np.vstack([g.waargenomen, *(p.y[rij[c]] for c in g.placebo_gebieden)])
        synthetisch = np.vstack([g.synthetisch, g.placebo_synthetisch])
        n, t = waargenomen.shape
        delen.append(
            pd.DataFrame(
                {
                    "gebied": np.repeat(codes, t),
                    "rol": np.repeat(["behandeld"] + ["placebo"] * (n - 1), t),
                    "bij": g.gebied,
                    "periode": np.tile(p.perioden.astype(int), n),
                    "waargenomen": waargenomen.ravel(),
                    "synthetisch": synthetisch.ravel(),
                    "verschil": (waargenomen - synthetisch).ravel(),
                }
            )
        )
    return pd.concat(delen, ignore_index=True)


def _sleutel(paneel: Paneel, vergelijking: Donoren, seed: int) -> str:
    """Content hash of everything the estimate depends on."""
    h = hashlib.sha256()
    for deel in (paneel.y, paneel.perioden.astype(np.int64), paneel.behandeld, paneel.stedelijkheid):
        h.update(np.ascontiguousarray(deel).tobytes())
    h.update(repr((paneel.start, paneel.indicator, list(map(str, paneel.gebieden)), seed)).encode())
    if isinstance(vergelijking, Vergelijking):
        h.update(vergelijking.tabel[["behandeld", "gebied"]].to_csv(index=False).encode())
        h.update(repr(vergelijking.k).encode())
    else:
        h.update(repr(None if vergelijking is None else list(vergelijking)).encode())
    return h.hexdigest()
