"""Uncertainty and sensitivity analysis (JRC step 8), replaying the pipeline with varied choices.

Monte Carlo: each replication perturbs indicator and theme weights uniformly within
±``gewichtsvariatie`` (then renormalises), picks a normalisation and an aggregation from the
alternatives, and, when ``weglaten`` is on, leaves out one indicator (or none). Per area: nominal
rank, median rank, 5th-95th percentile rank and the probability of being in the top N.
Global sensitivity: Sobol indices (Saltelli/Jansen via SALib) of the mean absolute rank shift
with respect to each choice. Everything is reproducible from the seed.

Normalised values per alternative are computed once; a replication is then two matrix products
and a sort, which is what makes thousands of replications at 14,000 areas cheap.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_steekproef

from .aggregeer import herschaal
from .benchmark import Groepen
from .methode import Aggregatie, Methode, Normalisatie
from .normaliseer import normaliseer
from .rangschik import rangen_snel
from .weeg import Gewichten, normaliseer_binnen


@dataclass
class Voorbereid:
    """Per alternative: need-oriented values of the scope areas, NaN filled with 0, plus mask."""

    waarden: dict[tuple[Normalisatie, Aggregatie], np.ndarray]
    aanwezig: np.ndarray  # float 0/1, so that available weight is one matrix product
    basis: Gewichten
    min_dekking: float


@dataclass
class Keuze:
    normalisatie: int
    aggregatie: int
    weglaten: int  # -1: none
    indicatorfactor: np.ndarray
    themafactor: np.ndarray


def bereid_voor(
    x: np.ndarray,
    groepen: Groepen,
    richting: np.ndarray,
    in_scope: np.ndarray,
    methode: Methode,
    basis: Gewichten,
) -> Voorbereid:
    waarden: dict[tuple[Normalisatie, Aggregatie], np.ndarray] = {}
    aanwezig = ~np.isnan(x[in_scope])
    for norm in methode.robuustheid.normalisaties:
        v, bench = normaliseer(x, groepen, richting, norm)
        for agg in methode.robuustheid.aggregaties:
            w = herschaal(v, bench)[0] if agg == "meetkundig" else v
            w = np.log(w) if agg == "meetkundig" else w
            waarden[(norm, agg)] = np.where(aanwezig, w[in_scope], 0.0)
    return Voorbereid(waarden, aanwezig.astype(np.float64), basis, methode.scope.min_dekking)


def samengesteld_voor(prep: Voorbereid, methode: Methode, keuze: Keuze) -> np.ndarray:
    norm: Normalisatie = methode.robuustheid.normalisaties[keuze.normalisatie]
    agg: Aggregatie = methode.robuustheid.aggregaties[keuze.aggregatie]
    basis = prep.basis
    w_ind = basis.indicator * keuze.indicatorfactor
    if keuze.weglaten >= 0:
        w_ind = w_ind.copy()
        w_ind[keuze.weglaten] = 0.0
    w_ind = normaliseer_binnen(w_ind, basis.thema_van, len(basis.thema))
    w_thema = basis.thema * keuze.themafactor
    w_thema = w_thema / w_thema.sum()
    wmat = np.zeros((len(w_ind), len(w_thema)))
    wmat[np.arange(len(w_ind)), basis.thema_van] = w_ind
    gewicht = prep.aanwezig @ wmat
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = (prep.waarden[(norm, agg)] @ wmat) / gewicht
    scores = np.where(gewicht >= prep.min_dekking - 1e-12, scores, np.nan)
    # For geometric aggregation the scores are mean logs; the composite's log is their weighted
    # mean, and ranks do not change under exp, so no exp is needed.
    result: np.ndarray = scores @ w_thema
    return result


def _willekeurige_keuze(rng: np.random.Generator, methode: Methode, k: int, t: int) -> Keuze:
    r = methode.robuustheid
    weglaten = int(rng.integers(-1, k)) if r.weglaten else -1
    return Keuze(
        normalisatie=int(rng.integers(len(r.normalisaties))),
        aggregatie=int(rng.integers(len(r.aggregaties))),
        weglaten=weglaten,
        indicatorfactor=rng.uniform(1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie, k),
        themafactor=rng.uniform(1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie, t),
    )


@dataclass
class Onzekerheid:
    rangen: np.ndarray  # (replications, scope areas)
    mediaan: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    kans_top: np.ndarray


def monte_carlo(prep: Voorbereid, methode: Methode, n: int, seed: int) -> Onzekerheid:
    rng = np.random.default_rng(seed)
    k, t = len(prep.basis.indicator), len(prep.basis.thema)
    scores = np.vstack(
        [samengesteld_voor(prep, methode, _willekeurige_keuze(rng, methode, k, t)) for _ in range(n)]
    )
    rangen = rangen_snel(scores).astype(float)
    rangen[np.isnan(scores)] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # areas without a composite in any replication
        return Onzekerheid(
            rangen=rangen,
            mediaan=np.nanmedian(rangen, axis=0),
            p05=np.nanpercentile(rangen, 5, axis=0),
            p95=np.nanpercentile(rangen, 95, axis=0),
            kans_top=np.nanmean(rangen <= methode.scope.selectie, axis=0),
        )


def sobol_gevoeligheid(
    prep: Voorbereid, methode: Methode, nominaal: np.ndarray, n: int, seed: int
) -> list[dict[str, object]]:
    """First-order and total Sobol indices of the mean absolute rank shift."""
    r = methode.robuustheid
    k, t = len(prep.basis.indicator), len(prep.basis.thema)
    namen = [f"gewicht thema {th.id}" for th in methode.thema]
    grenzen = [[1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie]] * t
    namen += ["normalisatie", "aggregatie"]
    grenzen += [[0, len(r.normalisaties) - 1e-9], [0, len(r.aggregaties) - 1e-9]]
    if r.weglaten:
        namen.append("indicator weglaten")
        grenzen.append([-1, k - 1e-9])
    if all(hi - lo < 1e-6 for lo, hi in grenzen):
        return []
    probleem = {"num_vars": len(namen), "names": namen, "bounds": grenzen}
    basis_n = int(2 ** max(5, int(np.ceil(np.log2(max(n, 32) / (len(namen) + 2))))))
    monsters = sobol_steekproef.sample(probleem, basis_n, calc_second_order=False, seed=seed)
    bekend = ~np.isnan(nominaal)
    uitkomst = np.empty(len(monsters))
    for i, m in enumerate(monsters):
        keuze = Keuze(
            int(m[t]), int(m[t + 1]), int(np.floor(m[t + 2])) if r.weglaten else -1, np.ones(k), m[:t]
        )
        rang = rangen_snel(samengesteld_voor(prep, methode, keuze)[None, :])[0]
        uitkomst[i] = np.mean(np.abs(rang[bekend] - nominaal[bekend]))
    if np.ptp(uitkomst) == 0:
        return [{"keuze": nm, "S1": 0.0, "ST": 0.0} for nm in namen]
    analyse = sobol.analyze(probleem, uitkomst, calc_second_order=False, seed=seed)
    return [
        {"keuze": nm, "S1": float(s1), "ST": float(st)}
        for nm, s1, st in zip(namen, analyse["S1"], analyse["ST"], strict=True)
    ]
