"""Benchmark groups: which areas each area is compared with, and their statistics.

Every area belongs to one group (all of NL, its urbanity class in NL, or a named group); the
group's members are the areas whose values define the benchmark. Statistics ignore missing values.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .methode import Benchmark
from .selecteer import Gegevens


@dataclass
class Groepen:
    index: np.ndarray  # (areas,) group number of every area
    leden: np.ndarray  # (groups, areas) bool: members that define each group's benchmark
    labels: list[str]

    def statistiek(self, x: np.ndarray, functie: Callable[..., np.ndarray]) -> np.ndarray:
        """(groups, indicators) statistic over each group's members, e.g. ``np.nanmean``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.vstack([functie(x[leden], axis=0) for leden in self.leden])

    def beschrijf(
        self, x: np.ndarray, werk: np.ndarray | None = None, grenzen: Grenzen | None = None
    ) -> Beschrijving:
        """Mean, sample standard deviation, minimum and maximum over each group's members: the
        values of ``statistiek`` with ``np.nanmean``, ``np.nanstd(ddof=1)``, ``np.nanmin`` and
        ``np.nanmax``, to the bit (the same operations in the same order), from one copy of the
        members' rows instead of one or two copies per statistic. ``werk``: an array of x's shape
        to make that copy in (it is overwritten; at a million areas fresh memory is costly);
        ``grenzen``: the statistics are of ``np.clip(x, *grenzen)`` (the treated values)."""
        rijen = [np.flatnonzero(leden) for leden in self.leden]
        aantal = sum(len(r) for r in rijen)
        if werk is None or werk.shape[1:] != x.shape[1:] or len(werk) < aantal:
            werk = np.empty((aantal, *x.shape[1:]))
        alle = werk[:aantal]
        if len(rijen) == 1 and aantal == len(x):
            np.copyto(alle, x)
        else:
            # (mode "clip": the indices are valid, and with "raise" numpy copies through a buffer)
            np.take(x, np.concatenate(rijen), axis=0, out=alle, mode="clip")
        if grenzen is not None:
            np.clip(alle, *grenzen, out=alle)
        einden = itertools.accumulate((len(r) for r in rijen), initial=0)
        delen = [slice(a, b) for a, b in itertools.pairwise(einden)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.vstack([_uiterste(np.nanmin, alle[d]) for d in delen])
            hi = np.vstack([_uiterste(np.nanmax, alle[d]) for d in delen])
        ontbreekt = np.isnan(alle)
        np.copyto(alle, 0.0, where=ontbreekt)  # what numpy's nan-functions take sums of
        gem, sd = zip(*(_gemiddelde_en_sd(alle[d], ontbreekt[d]) for d in delen), strict=True)
        return Beschrijving(np.vstack(gem), np.vstack(sd), lo, hi)

    def per_gebied(self, waarde: np.ndarray) -> np.ndarray:
        """Spread a (groups, k) statistic to (areas, k)."""
        gespreid: np.ndarray = waarde[self.index]
        return gespreid


# per indicator the bounds of the treatment of outliers (behandel.behandelgrenzen)
Grenzen = tuple[np.ndarray, np.ndarray]


@dataclass
class Beschrijving:
    """(groups, indicators) statistics of the members' values, missing values left out."""

    gem: np.ndarray
    sd: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def _uiterste(functie: Callable[..., np.ndarray], waarden: np.ndarray) -> np.ndarray:
    """``np.nanmin`` or ``np.nanmax`` per column; NaN for a group without members."""
    return functie(waarden, axis=0) if len(waarden) else np.full(waarden.shape[1], np.nan)


def _gemiddelde_en_sd(waarden: np.ndarray, ontbreekt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and sample standard deviations of ``waarden`` (missing cells already 0, marked
    in ``ontbreekt``) as ``np.nanmean`` and ``np.nanstd(ddof=1)`` compute them; ``waarden`` is
    overwritten with the squared deviations."""
    aantal = np.asarray(np.sum(~ontbreekt, axis=0, dtype=np.intp, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        gem = np.sum(waarden, axis=0, keepdims=True) / aantal
        np.subtract(waarden, gem, out=waarden)
        np.copyto(waarden, 0.0, where=ontbreekt)
        np.multiply(waarden, waarden, out=waarden)
        vrijheid = aantal[0] - 1
        var = np.sum(waarden, axis=0) / vrijheid
    var[vrijheid <= 0] = np.nan
    return gem[0], np.sqrt(var)


def maak_groepen(gegevens: Gegevens, benchmark: Benchmark) -> Groepen:
    n = gegevens.n
    if benchmark.soort == "nl":
        return Groepen(np.zeros(n, dtype=int), np.ones((1, n), dtype=bool), [benchmark.naam or "Nederland"])
    if benchmark.soort == "groep":
        leden = np.isin(gegevens.codes, [c.strip().upper() for c in benchmark.groep])
        if not leden.any():
            raise ValueError(
                f"benchmarkgroep: geen van de codes {', '.join(benchmark.groep)} komt voor in de "
                "geselecteerde gegevens (verwacht: codes van gebieden op het niveau van de analyse)"
            )
        return Groepen(np.zeros(n, dtype=int), leden[None, :], [benchmark.naam or "benchmarkgroep"])
    stedelijkheid = gegevens.stedelijkheid
    if np.isnan(stedelijkheid).any():  # selection leaves out areas without a class
        raise ValueError("benchmark per stedelijkheid: een gebied zonder stedelijkheidsklasse")
    # the classes present, and each area's position among them (no Python loop over areas)
    klassen = [int(k) for k in np.unique(stedelijkheid.astype(int))]
    index = np.searchsorted(np.array(klassen), stedelijkheid.astype(int)).astype(int)
    leden = np.vstack([index == i for i in range(len(klassen))])
    return Groepen(index, leden, [f"Nederland, stedelijkheid {k}" for k in klassen])
