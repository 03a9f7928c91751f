"""Which boundary vintage to draw an analysis on.

The store keeps boundaries per level and year under keys ``"{niveau}_{jaar}"`` and, for approximate
(derived, non-official) geometry, ``"{niveau}_{jaar}_benaderd"``. Area codes change with every
redivision, so the vintage nearest in time is not always the one that draws the most areas. This
module picks the vintage whose codes match most of the analysis' areas; ties go to official over
approximate geometry, then to the year nearest the analysis year, then to the later year.

Pure: no Django, no files; the web layer passes in the codes of each stored boundary file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from .opmaak import getal

BENADERD: Final = "benaderd"

_SLEUTEL: Final = re.compile(r"(?P<niveau>[a-z0-9]+)_(?P<jaar>\d{4})(?:_(?P<soort>[a-z]+))?")

MEERVOUD: Final[dict[str, str]] = {
    "land": "landen",
    "landsdeel": "landsdelen",
    "provincie": "provincies",
    "ggd": "GGD-regio's",
    "gemeente": "gemeenten",
    "wijk": "wijken",
    "buurt": "buurten",
    "pc4": "postcodegebieden",
}


@dataclass(frozen=True)
class Grenssleutel:
    """A parsed boundary key."""

    niveau: str
    jaar: int
    benaderd: bool = False

    @property
    def sleutel(self) -> str:
        basis = f"{self.niveau}_{self.jaar}"
        return f"{basis}_{BENADERD}" if self.benaderd else basis


def ontleed_sleutel(sleutel: str) -> Grenssleutel | None:
    """``"wijk_2024"`` -> (wijk, 2024, official); ``"buurt_2024_benaderd"`` -> (buurt, 2024,
    approximate); anything else (unknown suffix, no year) -> None."""
    m = _SLEUTEL.fullmatch(sleutel)
    if m is None or m["soort"] not in (None, BENADERD):
        return None
    return Grenssleutel(m["niveau"], int(m["jaar"]), m["soort"] == BENADERD)


@dataclass(frozen=True)
class Grenskeuze:
    """The chosen vintage and how many of the analysis' areas it can draw."""

    sleutel: str
    niveau: str
    jaar: int
    benaderd: bool
    getekend: int
    zonder_grens: int

    @property
    def totaal(self) -> int:
        return self.getekend + self.zonder_grens

    @property
    def indeling(self) -> str:
        """Dutch name of the vintage, e.g. ``wijken 2024`` or ``buurten 2024, benaderd``."""
        naam = f"{meervoud(self.niveau)} {self.jaar}"
        return f"{naam}, benaderd" if self.benaderd else naam


def kies_grenzen(
    codes: Iterable[str],
    niveau: str,
    beschikbaar: Mapping[str, Collection[str]],
    analysejaar: int,
) -> Grenskeuze | None:
    """The vintage of ``niveau`` among ``beschikbaar`` (key -> codes in that boundary file) that
    matches most of the analysis' ``codes``; None when the store has no boundaries of the level.

    Ties: official before approximate, then the year nearest ``analysejaar``, then the later year.
    """
    gebieden = frozenset(codes)
    beste: tuple[tuple[int, int, int, int], Grenssleutel, int] | None = None
    for sleutel, grenscodes in beschikbaar.items():
        ontleed = ontleed_sleutel(sleutel)
        if ontleed is None or ontleed.niveau != niveau:
            continue
        treffers = len(gebieden & frozenset(grenscodes))
        # Larger is better in every position of the rank.
        rang = (treffers, 0 if ontleed.benaderd else 1, -abs(ontleed.jaar - analysejaar), ontleed.jaar)
        if beste is None or rang > beste[0]:
            beste = (rang, ontleed, treffers)
    if beste is None:
        return None
    _, gekozen, treffers = beste
    return Grenskeuze(
        sleutel=gekozen.sleutel,
        niveau=gekozen.niveau,
        jaar=gekozen.jaar,
        benaderd=gekozen.benaderd,
        getekend=treffers,
        zonder_grens=len(gebieden) - treffers,
    )


def meervoud(niveau: str) -> str:
    return MEERVOUD.get(niveau, niveau)


def heel_getal(n: int) -> str:
    """Dutch thousands separator: 14568 -> ``14.568``."""
    return getal(n, 0)


def dekking(keuze: Grenskeuze) -> str:
    """Dutch sentence on how many areas the map draws, e.g. ``213 van 247 wijken op de kaart;
    34 zonder grens in de gekozen indeling (wijken 2024)``."""
    kop = f"{heel_getal(keuze.getekend)} van {heel_getal(keuze.totaal)} {meervoud(keuze.niveau)} op de kaart"
    if keuze.zonder_grens:
        zonder = heel_getal(keuze.zonder_grens)
        return f"{kop}; {zonder} zonder grens in de gekozen indeling ({keuze.indeling})"
    return f"{kop}, alle met een grens in de gekozen indeling ({keuze.indeling})"


GRENSBRON: Final = "CBS / Kadaster (PDOK), bewerkt"


def bronvermelding(keuze: Grenskeuze | None) -> str:
    """The credit line for the drawn boundaries; approximate geometry says so."""
    if keuze is not None and keuze.benaderd:
        return f"{GRENSBRON}; geometrie benaderd"
    return GRENSBRON
