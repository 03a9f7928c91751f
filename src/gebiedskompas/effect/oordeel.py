"""The verdict in plain Dutch, and the result types every estimator returns.

``Schatting`` is what an estimator gives (``did.schat_did`` and ``synthetisch.schat`` alike);
``Placebo`` what a placebo check gives; ``beoordeel`` turns them into one sentence plus warnings:
"Geen meetbaar effect …", "Een effect van … (95%-interval …)", or "Nog niet meetbaar: geen meting
na de start …", with warnings when the pre-trend check or a placebo check fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..opmaak import getal, p_tekst, procent

ALFA = 0.05
WEINIG_BEHANDELD = 5
PER_GOLF_KOLOMMEN = ["periode", "coef", "onder", "boven", "na", "referentie"]


@dataclass
class Schatting:
    """One estimate of the programme's effect on one indicator.

    ``effect`` is the average difference after the start between the treated areas and their
    comparison (in the indicator's unit), with 95% interval ``onder``-``boven`` and two-sided p-value
    ``p``. ``per_golf`` has one row per wave (``PER_GOLF_KOLOMMEN``): the difference relative to
    the reference wave (the last wave before the start, ``referentie``; its coefficient is 0).
    ``pretrend_p`` is the joint test that all pre-start differences are zero (NaN when there is
    no wave to test). ``per_gebied`` optionally holds an effect per treated area."""

    methode: str
    effect: float
    onder: float
    boven: float
    p: float
    per_golf: pd.DataFrame
    pretrend_p: float
    behandeld: int
    vergelijking: int
    opmerkingen: list[str] = field(default_factory=list)
    per_gebied: pd.DataFrame | None = None


@dataclass
class Placebo:
    """A placebo check. ``soort`` "tijd": the same estimate with a fake start before the real one,
    on pre-start waves only; ``p`` is that estimate's p-value (small = the method finds an 'effect'
    where none can be). ``soort`` "ruimte": untreated areas treated as if they were the programme;
    ``p`` is the share of them with an effect at least as large as the real one (small = the real
    effect stands out)."""

    soort: Literal["tijd", "ruimte"]
    p: float
    effect: float = math.nan
    onder: float = math.nan
    boven: float = math.nan
    nep_start: int | None = None
    toelichting: str = ""


@dataclass
class Oordeel:
    soort: Literal["effect", "geen_effect", "niet_meetbaar"]
    tekst: str
    waarschuwingen: list[str] = field(default_factory=list)


@dataclass
class Onderwerp:
    """What the verdict is about: the indicator (label, unit, direction) and the timing."""

    label: str
    eenheid: str
    richting: str  # "hoger_is_beter" | "hoger_is_slechter"
    start: int
    eerste_meting: int
    laatste_meting: int


def decimalen(*waarden: float) -> int:
    """Decimals that show an effect and its interval sensibly: 3 below 1, 2 below 10, else 1."""
    grootste = max((abs(w) for w in waarden if math.isfinite(w)), default=0.0)
    return 3 if grootste < 1 else 2 if grootste < 10 else 1


def interval(onder: float, boven: float, d: int) -> str:
    return f"95%-interval {getal(onder, d)} tot {getal(boven, d)}"


def niet_meetbaar(onderwerp: Onderwerp) -> Oordeel:
    """No wave at or after the start (or none before it): nothing to estimate yet."""
    if onderwerp.laatste_meting < onderwerp.start:
        return Oordeel(
            "niet_meetbaar",
            f"Nog niet meetbaar: geen meting na de start. De laatste meting van {onderwerp.label} is van "
            f"{onderwerp.laatste_meting}, de aanpak startte in {onderwerp.start}.",
        )
    return Oordeel(
        "niet_meetbaar",
        f"Niet meetbaar: geen meting vóór de start. De eerste meting van {onderwerp.label} is van "
        f"{onderwerp.eerste_meting}, de aanpak startte in {onderwerp.start}; zonder beginsituatie is er "
        "geen vergelijking.",
    )


def beoordeel(schatting: Schatting, placebos: list[Placebo], onderwerp: Onderwerp) -> Oordeel:
    """The verdict on an estimate, with warnings from the pre-trend check and the placebos."""
    d = decimalen(schatting.effect, schatting.onder, schatting.boven)
    eenheid = f" {onderwerp.eenheid}" if onderwerp.eenheid else ""
    bereik = interval(schatting.onder, schatting.boven, d)
    if not (math.isfinite(schatting.onder) and math.isfinite(schatting.boven)):
        soort: Literal["effect", "geen_effect"] = "geen_effect"
        tekst = (
            f"Geen meetbaar effect: het verschil van {getal(schatting.effect, d, teken=True)}{eenheid} "
            "heeft geen interval."
        )
    elif schatting.onder <= 0 <= schatting.boven:
        soort = "geen_effect"
        tekst = (
            f"Geen meetbaar effect: na de start veranderde {onderwerp.label} in de behandelde gebieden "
            f"{getal(schatting.effect, d, teken=True)}{eenheid} anders dan in de vergelijkingsgebieden "
            f"({bereik}); dat is niet te onderscheiden van nul."
        )
    else:
        soort = "effect"
        tekst = (
            f"Een effect van {getal(schatting.effect, d, teken=True)}{eenheid} ({bereik}) op "
            f"{onderwerp.label}: {_richting(schatting.effect, onderwerp.richting)}."
        )
    return Oordeel(soort, tekst, waarschuwingen(schatting, placebos))


def _richting(effect: float, richting: str) -> str:
    beter = (effect > 0) == (richting == "hoger_is_beter")
    kant = "vooruit" if beter else "achteruit"
    return f"de behandelde gebieden gingen na de start meer {kant} dan vergelijkbare gebieden"


def waarschuwingen(schatting: Schatting, placebos: list[Placebo]) -> list[str]:
    uit: list[str] = []
    voor = schatting.per_golf[~schatting.per_golf["na"].astype(bool)]
    if math.isfinite(schatting.pretrend_p) and schatting.pretrend_p < ALFA:
        uit.append(
            f"De pre-trendtoets faalt ({p_tekst(schatting.pretrend_p)}): vóór de start liepen de "
            "behandelde gebieden al anders dan de vergelijkingsgebieden, dus het verschil erna is niet "
            "zonder meer aan de aanpak toe te schrijven."
        )
    elif not math.isfinite(schatting.pretrend_p) and len(voor) < 2:
        uit.append("Geen pre-trendtoets mogelijk: er is maar één meting vóór de start.")
    if 0 < schatting.behandeld < WEINIG_BEHANDELD:
        uit.append(
            f"Met {schatting.behandeld} behandelde gebied(en) is het interval (geclusterd per gebied) "
            "onzeker en vaak te smal; weeg de placebotoetsen mee."
        )
    uit.extend(t for p in placebos if (t := _placebowaarschuwing(p)))
    return uit


def _placebowaarschuwing(placebo: Placebo) -> str | None:
    if not math.isfinite(placebo.p):
        return placebo.toelichting or None
    if placebo.soort == "tijd" and placebo.p < ALFA:
        d = decimalen(placebo.effect, placebo.onder, placebo.boven)
        return (
            f"De placebotoets in de tijd faalt: met een nepstart in {placebo.nep_start} (alleen metingen "
            f"vóór de echte start) vindt dezelfde methode een 'effect' van "
            f"{getal(placebo.effect, d, teken=True)} ({p_tekst(placebo.p)}), waar er geen kan zijn."
        )
    if placebo.soort == "ruimte" and placebo.p > 2 * ALFA:
        return (
            f"De placebotoets in de ruimte: {procent(100 * placebo.p, 0)} van de onbehandelde gebieden laat "
            "een even groot of groter 'effect' zien; het effect steekt niet duidelijk boven toeval uit."
        )
    return None
