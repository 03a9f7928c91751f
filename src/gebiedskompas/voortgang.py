"""Data-driven status of a goal indicator (Open SDG style), pure and framework-free.

Progress ratio = observed change since the baseline / change needed by now on a straight line
from baseline to target. Thresholds (DOMAIN): >= 0.95 op koers; 0.6-0.95 versnelling nodig;
0-0.6 beperkte voortgang; < 0 achteruitgang. When the target equals the baseline (hold the
level), any move in the wrong direction is achteruitgang, otherwise op koers.

Kinds of target (``Streefsoort``):

* ``niveau``: the target is a level (30 projects);
* ``relatief``: the target is a change of the baseline in percent ("5% more users": streef 5,
  target level = basis x 1.05; "10% less": streef -10); the ratio is then computed against that
  level, so a relative target needs a known baseline other than 0;
* ``richting``: only "better than the baseline" ("more than in 2023"), no number: a move in the
  good direction is op koers, no move beperkte voortgang, a move in the wrong direction
  achteruitgang; there is no ratio.

Without a baseline ("nog vast te stellen") no status can be computed: onbekend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .opmaak import datum, getal, procent

Richting = Literal["hoger_is_beter", "hoger_is_slechter"]
Streefsoort = Literal["niveau", "relatief", "richting"]
Status = Literal["op_koers", "versnelling_nodig", "beperkte_voortgang", "achteruitgang", "onbekend"]

LABELS: dict[str, str] = {
    "op_koers": "op koers",
    "versnelling_nodig": "versnelling nodig",
    "beperkte_voortgang": "beperkte voortgang",
    "achteruitgang": "achteruitgang",
    "onbekend": "onbekend",
}


@dataclass(frozen=True)
class Beoordeling:
    status: Status
    verhouding: float | None
    reden: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


def _getal(x: float) -> str:
    return getal(x, 2, vast=False)


def status_uit_verhouding(verhouding: float) -> Status:
    if verhouding >= 0.95:
        return "op_koers"
    if verhouding >= 0.6:
        return "versnelling_nodig"
    if verhouding >= 0:
        return "beperkte_voortgang"
    return "achteruitgang"


def streefniveau(basis: float | None, streef: float | None, soort: Streefsoort = "niveau") -> float | None:
    """The level a target asks for: the target itself, or the baseline changed by ``streef`` percent;
    None for a direction-only target or when the level cannot be known (no baseline, baseline 0)."""
    if soort == "niveau":
        return streef
    if soort == "relatief" and basis and streef is not None:
        return basis * (1 + streef / 100)
    return None


def _beter(meting: float, basis: float, richting: Richting) -> bool:
    return meting > basis if richting == "hoger_is_beter" else meting < basis


def _richtingsoordeel(basis: float, meting: float, meetdatum: date, richting: Richting) -> Beoordeling:
    if meting == basis:
        status: Status = "beperkte_voortgang"
    else:
        status = "op_koers" if _beter(meting, basis, richting) else "achteruitgang"
    woord = "hoger" if richting == "hoger_is_beter" else "lager"
    return Beoordeling(
        status,
        None,
        f"doel is een {woord} waarde dan de basis {_getal(basis)}; gemeten {_getal(meting)} op "
        f"{datum(meetdatum)}",
    )


def beoordeel(
    basis: float | None,
    basisdatum: date,
    streef: float | None,
    streefdatum: date,
    meting: float | None,
    meetdatum: date | None,
    richting: Richting = "hoger_is_beter",
    streefsoort: Streefsoort = "niveau",
) -> Beoordeling:
    if basis is None:
        return Beoordeling("onbekend", None, "basiswaarde nog vast te stellen")
    if meting is None or meetdatum is None:
        return Beoordeling("onbekend", None, "nog geen meting na de basiswaarde")
    if meetdatum <= basisdatum:
        return Beoordeling("onbekend", None, "de laatste meting ligt niet na de basisdatum")
    if streefsoort == "richting":
        return _richtingsoordeel(basis, meting, meetdatum, richting)
    doelniveau = streefniveau(basis, streef, streefsoort)
    if doelniveau is None:
        return Beoordeling("onbekend", None, "een relatief doel vraagt een basiswaarde ongelijk aan 0")
    if doelniveau == basis:
        slechter = meting < basis if richting == "hoger_is_beter" else meting > basis
        status: Status = "achteruitgang" if slechter else "op_koers"
        return Beoordeling(
            status,
            None,
            f"doel is het niveau {_getal(basis)} vast te houden; gemeten "
            f"{_getal(meting)} op {datum(meetdatum)}",
        )
    verstreken = min((meetdatum - basisdatum).days / (streefdatum - basisdatum).days, 1.0)
    nodig = (doelniveau - basis) * verstreken
    verhouding = (meting - basis) / nodig
    status = status_uit_verhouding(verhouding)
    relatief = f" ({_getal(streef or 0)}% ten opzichte van de basis)" if streefsoort == "relatief" else ""
    reden = (
        f"gemeten {_getal(meting)} op {datum(meetdatum)} tegen basis {_getal(basis)} "
        f"({datum(basisdatum)}); voor streefwaarde {_getal(doelniveau)}{relatief} op "
        f"{datum(streefdatum)} was "
        f"op dit moment {_getal(basis + nodig)} nodig: {procent(verhouding * 100, 0)} "
        "van de benodigde voortgang"
    )
    return Beoordeling(status, verhouding, reden)
