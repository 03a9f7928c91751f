"""Data-driven status of a goal indicator (Open SDG style), pure and framework-free.

Progress ratio = observed change since the baseline / change needed by now on a straight line
from baseline to target. Thresholds (DOMAIN): >= 0.95 op koers; 0.6-0.95 versnelling nodig;
0-0.6 beperkte voortgang; < 0 achteruitgang. When the target equals the baseline (hold the
level), any move in the wrong direction is achteruitgang, otherwise op koers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .opmaak import datum, getal, procent

Richting = Literal["hoger_is_beter", "hoger_is_slechter"]
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


def beoordeel(
    basis: float,
    basisdatum: date,
    streef: float,
    streefdatum: date,
    meting: float | None,
    meetdatum: date | None,
    richting: Richting = "hoger_is_beter",
) -> Beoordeling:
    if meting is None or meetdatum is None:
        return Beoordeling("onbekend", None, "nog geen meting na de basiswaarde")
    if meetdatum <= basisdatum:
        return Beoordeling("onbekend", None, "de laatste meting ligt niet na de basisdatum")
    if streef == basis:
        slechter = meting < basis if richting == "hoger_is_beter" else meting > basis
        status: Status = "achteruitgang" if slechter else "op_koers"
        return Beoordeling(
            status,
            None,
            f"doel is het niveau {_getal(basis)} vast te houden; gemeten "
            f"{_getal(meting)} op {datum(meetdatum)}",
        )
    verstreken = min((meetdatum - basisdatum).days / (streefdatum - basisdatum).days, 1.0)
    nodig = (streef - basis) * verstreken
    verhouding = (meting - basis) / nodig
    status = status_uit_verhouding(verhouding)
    reden = (
        f"gemeten {_getal(meting)} op {datum(meetdatum)} tegen basis {_getal(basis)} "
        f"({datum(basisdatum)}); voor streefwaarde {_getal(streef)} op {datum(streefdatum)} was "
        f"op dit moment {_getal(basis + nodig)} nodig: {procent(verhouding * 100, 0)} "
        "van de benodigde voortgang"
    )
    return Beoordeling(status, verhouding, reden)
