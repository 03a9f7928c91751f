"""The robustness step as it was before it ran in chunks (gebiedskompas 0.1, before issue 15): every
replication's composite kept in one (replications × areas) array, ranked at once, summarised with
``np.nanmedian``/``np.nanpercentile``; Sobol evaluated one replication at a time. Kept verbatim as the
reference the chunked implementation must reproduce exactly."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_steekproef

from gebiedskompas.analyse.aggregeer import samengesteld, themascores_gevuld
from gebiedskompas.analyse.methode import Methode
from gebiedskompas.analyse.robuustheid import Keuze, Voorbereid
from gebiedskompas.analyse.weeg import Gewichten, normaliseer_binnen


def rangen_snel(scores: np.ndarray) -> np.ndarray:
    """Ranks of many score vectors at once (replications × areas); ties get distinct ranks."""
    volgorde = np.argsort(-np.where(np.isnan(scores), -np.inf, scores), axis=-1, kind="stable")
    uit = np.empty_like(volgorde)
    np.put_along_axis(
        uit, volgorde, np.arange(1, scores.shape[-1] + 1)[None, :].repeat(len(scores), 0), axis=-1
    )
    return uit


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
