"""Uncertainty and sensitivity analysis (JRC step 8), replaying the pipeline with varied choices.

Monte Carlo: each replication perturbs indicator and theme weights uniformly within
±``gewichtsvariatie`` (then renormalises), picks a normalisation and an aggregation from the
alternatives, and, when ``weglaten`` is on, leaves out one indicator (or none). Leaving out the
only indicator of a theme leaves out that theme, and the other themes' weights are renormalised, so
no replication loses every composite. Per area: nominal rank, median rank, 5th-95th percentile rank
and the probability of being in the top N, the last three over the replications in which the area
has a composite, so that they agree (the percentiles are empirical quantiles, ``inverted_cdf``: the
95th percentile is at most N exactly when the probability is at least 0.95).
Global sensitivity: Sobol indices (Saltelli/Jansen via SALib) of the mean absolute rank shift
with respect to each choice. Everything is reproducible from the seed.

Normalised values per alternative are computed once; a replication is then two matrix products
and a sort, which is what makes thousands of replications at 14,000 areas cheap. With the method's
weights and no indicator left out, a replication computes the composite of the main pipeline
(``aggregeer.themascores`` and ``aggregeer.samengesteld``, the same code).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_steekproef

from .aggregeer import gevuld, herschaal, samengesteld, themascores_gevuld
from .benchmark import Groepen
from .methode import Aggregatie, Methode, Normalisatie
from .normaliseer import normaliseer
from .rangschik import rangen_snel
from .weeg import Gewichten, normaliseer_binnen


@dataclass
class Voorbereid:
    """Per alternative, the scope areas as ``aggregeer.gevuld`` gives them: need-oriented values
    (logs for geometric aggregation) with 0 where missing, and the 0/1 mask of present values."""

    waarden: dict[tuple[Normalisatie, Aggregatie], np.ndarray]
    aanwezig: dict[tuple[Normalisatie, Aggregatie], np.ndarray]
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
    aanwezig: dict[tuple[Normalisatie, Aggregatie], np.ndarray] = {}
    for norm in methode.robuustheid.normalisaties:
        v, bench = normaliseer(x, groepen, richting, norm)
        for agg in methode.robuustheid.aggregaties:
            # As in the pipeline: a value that normalises to NaN (e.g. a constant indicator in a
            # benchmark group) counts as missing, and its weight goes to the theme's other indicators.
            w = herschaal(v, bench)[0] if agg == "meetkundig" else v
            waarden[(norm, agg)], aanwezig[(norm, agg)] = gevuld(w[in_scope], agg)
    return Voorbereid(waarden, aanwezig, basis, methode.scope.min_dekking)


def gewichten_voor(basis: Gewichten, keuze: Keuze) -> Gewichten:
    """The weights of one replication. Leaving out the only indicator of a theme leaves out the
    theme (weight 0) and renormalises the other themes' weights; with a single indicator in the
    whole method nothing is left out."""
    w_ind = basis.indicator * keuze.indicatorfactor
    if keuze.weglaten >= 0 and len(w_ind) > 1:
        w_ind[keuze.weglaten] = 0.0
    aantal = len(basis.thema)
    over = np.bincount(basis.thema_van, weights=w_ind, minlength=aantal) > 0
    w_thema = np.where(over, basis.thema * keuze.themafactor, 0.0)
    return Gewichten(
        normaliseer_binnen(w_ind, basis.thema_van, aantal), w_thema / w_thema.sum(), basis.thema_van
    )


def samengesteld_voor(prep: Voorbereid, methode: Methode, keuze: Keuze) -> np.ndarray:
    """The composite of the scope areas for one replication, on the scale of the pipeline's."""
    alternatief = (
        methode.robuustheid.normalisaties[keuze.normalisatie],
        methode.robuustheid.aggregaties[keuze.aggregatie],
    )
    agg = alternatief[1]
    w = gewichten_voor(prep.basis, keuze)
    scores = themascores_gevuld(
        prep.waarden[alternatief], prep.aanwezig[alternatief], w.matrix(), prep.min_dekking, agg
    )
    thema = w.thema
    if (thema == 0).any():  # themes left out: their scores are 0/0 and must not enter the composite
        scores, thema = scores[:, thema > 0], thema[thema > 0]
    return samengesteld(scores, thema, agg)


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


# Called after each Monte Carlo replication with (replications done, replications in all).
Voortgang = Callable[[int, int], None]


def monte_carlo(
    prep: Voorbereid, methode: Methode, n: int, seed: int, voortgang: Voortgang | None = None
) -> Onzekerheid:
    rng = np.random.default_rng(seed)
    k, t = len(prep.basis.indicator), len(prep.basis.thema)
    replicaties = []
    for i in range(n):
        replicaties.append(samengesteld_voor(prep, methode, _willekeurige_keuze(rng, methode, k, t)))
        if voortgang is not None:
            voortgang(i + 1, n)
    scores = np.vstack(replicaties)
    rangen = rangen_snel(scores).astype(float)
    rangen[np.isnan(scores)] = np.nan
    # Probability and percentiles count the same replications: those in which the area has a
    # composite (an area that never has one is never selected).
    gerangschikt = (~np.isnan(rangen)).sum(axis=0)
    geselecteerd = (rangen <= methode.scope.selectie).sum(axis=0)
    kans = np.divide(geselecteerd, gerangschikt, out=np.zeros(len(gerangschikt)), where=gerangschikt > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # areas without a composite in any replication
        return Onzekerheid(
            rangen=rangen,
            mediaan=np.nanmedian(rangen, axis=0),
            p05=np.nanpercentile(rangen, 5, axis=0, method="inverted_cdf"),
            p95=np.nanpercentile(rangen, 95, axis=0, method="inverted_cdf"),
            kans_top=kans,
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
