"""Step 7, classify: worse / not worse / better than the benchmark, per theme and per area.

A theme is worse when its score exceeds the benchmark's theme score by more than ``drempel``
(in the units of the normalisation; scores are need-oriented). Where an indicator has margins
(RIVM lower/upper bounds), it counts as worse only when its whole interval lies on the worse side
of the benchmark value; a theme whose indicators all have margins is then worse only if at least
one of them is. Groups: worse on all themes / worse on some / better on all / not worse.
"""

from __future__ import annotations

import numpy as np

SLECHTER_ALLE = "slechter op alle thema's"
SLECHTER_SOMMIGE = "slechter op een deel van de thema's"
BETER_ALLE = "beter op alle thema's"
NIET_SLECHTER = "niet slechter"
GROEPEN = (SLECHTER_ALLE, SLECHTER_SOMMIGE, NIET_SLECHTER, BETER_ALLE)


def significant_slechter(
    onder: np.ndarray, boven: np.ndarray, referentie: np.ndarray, richting: np.ndarray
) -> np.ndarray:
    """(areas, k): +1 interval wholly worse, -1 wholly better, 0 overlapping, NaN without margins."""
    heeft = ~np.isnan(onder) & ~np.isnan(boven)
    slechter = np.where(richting > 0, onder > referentie, boven < referentie)
    beter = np.where(richting > 0, boven < referentie, onder > referentie)
    return np.where(heeft, np.where(slechter, 1.0, np.where(beter, -1.0, 0.0)), np.nan)


def oordeel_per_thema(
    scores: np.ndarray, bench: np.ndarray, drempel: float, signif: np.ndarray, thema_van: np.ndarray
) -> np.ndarray:
    """(areas, T): 1 worse, 0 not different, -1 better, NaN unknown."""
    verschil = scores - bench
    oordeel = np.where(verschil > drempel, 1.0, np.where(verschil < -drempel, -1.0, 0.0))
    for t in range(scores.shape[1]):
        kolommen = signif[:, thema_van == t]
        alle_marges = (~np.isnan(kolommen)).all(axis=1)
        geen_signif = ~(kolommen == 1).any(axis=1)
        oordeel[:, t] = np.where(alle_marges & geen_signif & (oordeel[:, t] == 1), 0.0, oordeel[:, t])
    return np.where(np.isnan(verschil), np.nan, oordeel)


def groep(oordeel: np.ndarray) -> np.ndarray:
    bekend = ~np.isnan(oordeel).any(axis=1)
    slechter = (oordeel == 1).sum(axis=1)
    beter = (oordeel == -1).sum(axis=1)
    aantal = oordeel.shape[1]
    labels = np.select(
        [slechter == aantal, slechter > 0, beter == aantal],
        [SLECHTER_ALLE, SLECHTER_SOMMIGE, BETER_ALLE],
        default=NIET_SLECHTER,
    ).astype(object)
    return np.where(bekend, labels, "onvoldoende gegevens")
