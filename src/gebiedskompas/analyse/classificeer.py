"""Step 7, classify: worse / not worse / better than the benchmark, per theme and per area.

A theme is worse when its score exceeds the benchmark's theme score by more than ``drempel``
(in the units of the normalisation; scores are need-oriented). Margins-aware: where an indicator
has margins (RIVM 95% lower/upper bounds), a difference counts only when the whole interval lies on
one side of the benchmark value; an indicator whose interval holds the benchmark value enters the
judged theme score at the benchmark's value (``getoetst``). So a theme whose indicators all have
margins is worse only if at least one of them is, and in a mixed theme the indicators without
margins carry the difference. The method defines named groups by the number of worse and better
themes (``Classificatie.groep``); areas that fit none get the method's ``overig`` name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .aggregeer import gevuld, themascores_gevuld
from .blokken import blokken
from .methode import ONVOLDOENDE, OVERIG, Aggregatie, Groep

SLECHTER_ALLE = "slechter op alle thema's"
SLECHTER_SOMMIGE = "slechter op een deel van de thema's"
BETER_ALLE = "beter op alle thema's"
NIET_SLECHTER = "niet slechter"
GROEPEN = (SLECHTER_ALLE, SLECHTER_SOMMIGE, NIET_SLECHTER, BETER_ALLE)


def standaardgroepen(aantal: int) -> list[Groep]:
    """The four groups of a method that defines none; together they cover every area."""
    return [
        Groep(naam=SLECHTER_ALLE, min_slechter="alle"),
        Groep(naam=SLECHTER_SOMMIGE, min_slechter=1, max_slechter=max(aantal - 1, 0)),
        Groep(naam=NIET_SLECHTER, max_slechter=0, max_beter=max(aantal - 1, 0)),
        Groep(naam=BETER_ALLE, min_beter="alle"),
    ]


def significant_slechter(
    onder: np.ndarray,
    boven: np.ndarray,
    referentie: np.ndarray,
    richting: np.ndarray,
    index: np.ndarray | None = None,
) -> np.ndarray:
    """(areas, k): +1 interval wholly worse, -1 wholly better, 0 overlapping, NaN without margins.
    ``referentie``: the benchmark value per area (areas, k), or per group (groups, k) with
    ``index`` each area's group. Done a block of areas at a time (``blokken``). The codes are
    exact in 32-bit floats: half the memory of a copy of the areas' values."""
    uit = np.empty(onder.shape, dtype=np.float32)
    for blok in blokken(len(onder)):
        ref = referentie[blok] if index is None else referentie[index[blok]]
        uit[blok] = _significant_blok(onder[blok], boven[blok], ref, richting)
    return uit


def _significant_blok(
    onder: np.ndarray, boven: np.ndarray, referentie: np.ndarray, richting: np.ndarray
) -> np.ndarray:
    heeft = ~np.isnan(onder) & ~np.isnan(boven)
    slechter = np.where(richting > 0, onder > referentie, boven < referentie)
    beter = np.where(richting > 0, boven < referentie, onder > referentie)
    return np.where(heeft, np.where(slechter, 1.0, np.where(beter, -1.0, 0.0)), np.nan)


def oordeel_per_thema(
    scores: np.ndarray,
    bench: np.ndarray,
    drempel: float,
    signif: np.ndarray,
    thema_van: np.ndarray,
    index: np.ndarray | None = None,
) -> np.ndarray:
    """(areas, T): 1 worse, 0 not different, -1 better, NaN unknown. ``scores`` are the judged
    theme scores (from ``getoetst`` values); for plain scores, a theme whose indicators all have
    margins is still not worse unless one of them is. ``bench``: the benchmark's theme scores per
    area, or per group with ``index`` each area's group. A block of areas at a time."""
    indeling = (thema_van[:, None] == np.arange(scores.shape[1])[None, :]).astype(float)
    uit = np.empty(scores.shape)
    for blok in blokken(len(scores)):
        b = bench[blok] if index is None else bench[index[blok]]
        uit[blok] = _oordeel_blok(scores[blok], b, drempel, signif[blok], indeling)
    return uit


def _oordeel_blok(
    scores: np.ndarray, bench: np.ndarray, drempel: float, signif: np.ndarray, indeling: np.ndarray
) -> np.ndarray:
    verschil = scores - bench
    oordeel = np.where(verschil > drempel, 1.0, np.where(verschil < -drempel, -1.0, 0.0))
    # per theme: do all its indicators have margins, and is none of them significantly worse
    # (counts of 0/1 indicators by a matrix product: exact)
    alle_marges = (~np.isnan(signif)).astype(float) @ indeling == indeling.sum(axis=0)
    geen_signif = (signif == 1).astype(float) @ indeling == 0
    oordeel[alle_marges & geen_signif & (oordeel == 1)] = 0.0
    return np.where(np.isnan(verschil), np.nan, oordeel)


def getoetst(v: np.ndarray, bench_v: np.ndarray, signif: np.ndarray) -> np.ndarray:
    """Normalised values for the judgement: an indicator whose interval holds the benchmark value
    (``signif`` 0) takes the benchmark's value; values without margins (NaN) stay as they are."""
    uit: np.ndarray = np.where(signif == 0, bench_v, v)
    return np.where(np.isnan(v), np.nan, uit)


def getoetste_scores(
    v: np.ndarray,
    bench_v: np.ndarray,
    index: np.ndarray,
    signif: np.ndarray,
    wmat: np.ndarray,
    min_dekking: float,
    methode: Aggregatie,
) -> np.ndarray:
    """(areas, T) the judged theme scores: ``themascores`` of the ``getoetst`` values, with
    ``bench_v`` per group (``index`` each area's group), a block of areas at a time."""
    uit = np.empty((len(v), wmat.shape[1]))
    for blok in blokken(len(v)):
        waarden = getoetst(v[blok], bench_v[index[blok]], signif[blok])
        uit[blok] = themascores_gevuld(
            *gevuld(waarden, methode, overschrijf=True), wmat, min_dekking, methode
        )
    return uit


def margetelling(
    x: np.ndarray, signif: np.ndarray, thema_van: np.ndarray, aantal: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(areas, T) counts per theme: indicators with a value, of which with margins, and of which
    with an interval that holds the benchmark value (counted at the benchmark); 16-bit counts
    (a theme has far fewer indicators), a quarter of the memory at a million areas."""

    def per_thema(telt: np.ndarray) -> np.ndarray:
        uit = np.zeros((len(telt), aantal), dtype=np.int16)
        for t in range(aantal):
            uit[:, t] = telt[:, thema_van == t].sum(axis=1)
        return uit

    return per_thema(~np.isnan(x)), per_thema(~np.isnan(signif)), per_thema(signif == 0)


def groep(oordeel: np.ndarray, groepen: Sequence[Groep] = (), overig: str = OVERIG) -> np.ndarray:
    """Group label per area from its theme judgements (areas, T); the method's groups do not
    overlap, so their order does not matter. No groups: ``standaardgroepen``."""
    codes, namen = groepcodes(oordeel, groepen, overig)
    labels: np.ndarray = np.array(namen, dtype=object)[codes]
    return labels


def groepcodes(
    oordeel: np.ndarray, groepen: Sequence[Groep] = (), overig: str = OVERIG
) -> tuple[np.ndarray, list[str]]:
    """``groep`` as (codes, names): area i is in group ``names[codes[i]]`` (a million labels are
    made from a few names, not a million strings)."""
    aantal = oordeel.shape[1]
    slechter = (oordeel == 1).sum(axis=1)
    beter = (oordeel == -1).sum(axis=1)
    gekozen = list(groepen or standaardgroepen(aantal))
    codes = np.zeros(len(oordeel), dtype=np.intp)  # overig
    for i, g in enumerate(gekozen, start=1):
        min_s, max_s, min_b, max_b = g.grenzen(aantal)
        past = (slechter >= min_s) & (slechter <= max_s) & (beter >= min_b) & (beter <= max_b)
        codes[past] = i
    codes[np.isnan(oordeel).any(axis=1)] = len(gekozen) + 1
    return codes, [overig, *(g.naam for g in gekozen), ONVOLDOENDE]
