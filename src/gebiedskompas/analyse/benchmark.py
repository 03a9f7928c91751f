"""Benchmark groups: which areas each area is compared with, and their statistics.

Every area belongs to one group (all of NL, its urbanity class in NL, or a named group); the
group's members are the areas whose values define the benchmark. Statistics ignore missing values.
"""

from __future__ import annotations

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

    def per_gebied(self, waarde: np.ndarray) -> np.ndarray:
        """Spread a (groups, k) statistic to (areas, k)."""
        gespreid: np.ndarray = waarde[self.index]
        return gespreid


def maak_groepen(gegevens: Gegevens, benchmark: Benchmark) -> Groepen:
    n = gegevens.n
    if benchmark.soort == "nl":
        return Groepen(np.zeros(n, dtype=int), np.ones((1, n), dtype=bool), [benchmark.naam or "Nederland"])
    if benchmark.soort == "groep":
        leden = np.isin(gegevens.codes, [c.strip().upper() for c in benchmark.groep])
        return Groepen(np.zeros(n, dtype=int), leden[None, :], [benchmark.naam or "benchmarkgroep"])
    stedelijkheid = gegevens.stedelijkheid
    if np.isnan(stedelijkheid).any():  # selection leaves out areas without a class
        raise ValueError("benchmark per stedelijkheid: een gebied zonder stedelijkheidsklasse")
    # the classes present, and each area's position among them (no Python loop over areas)
    klassen = [int(k) for k in np.unique(stedelijkheid.astype(int))]
    index = np.searchsorted(np.array(klassen), stedelijkheid.astype(int)).astype(int)
    leden = np.vstack([index == i for i in range(len(klassen))])
    return Groepen(index, leden, [f"Nederland, stedelijkheid {k}" for k in klassen])
