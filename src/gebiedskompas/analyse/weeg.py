"""Step 5, weight: indicator weights within each theme and theme weights, each summing to 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .methode import Methode


@dataclass
class Gewichten:
    indicator: np.ndarray  # (k,) within-theme weights; each theme's sum is 1
    thema: np.ndarray  # (T,) sum 1
    thema_van: np.ndarray  # (k,) theme index of every indicator

    def matrix(self) -> np.ndarray:
        """(k, T): column t holds the weights of theme t's indicators."""
        m = np.zeros((len(self.indicator), len(self.thema)))
        m[np.arange(len(self.indicator)), self.thema_van] = self.indicator
        return m


def normaliseer_binnen(gewichten: np.ndarray, thema_van: np.ndarray, aantal_themas: int) -> np.ndarray:
    som = np.bincount(thema_van, weights=gewichten, minlength=aantal_themas)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(som[thema_van] > 0, gewichten / som[thema_van], 0.0)


def gewichten(methode: Methode) -> Gewichten:
    thema_van = np.array([t for t, thema in enumerate(methode.thema) for _ in thema.indicator])
    ruw = np.array([i.gewicht for thema in methode.thema for i in thema.indicator], dtype=float)
    thema = np.array([t.gewicht for t in methode.thema], dtype=float)
    return Gewichten(normaliseer_binnen(ruw, thema_van, len(thema)), thema / thema.sum(), thema_van)
