"""CBS region codes: normalisation, validation and the parent chain.

Codes are the key of every region (names change, codes do not). Since 2022 some gemeenten
(Amsterdam) use letters in wijk and buurt codes (WK0363AA). OData and StatLine pad codes with
spaces; we strip them. Nederland appears as NL00 (KWB) and NL01 (most other
tables): both map to the canonical NL00.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Niveau = Literal["land", "landsdeel", "provincie", "ggd", "gemeente", "wijk", "buurt", "pc4"]

NEDERLAND: Final = "NL00"

_PATTERNS: Final[list[tuple[Niveau, re.Pattern[str]]]] = [
    ("land", re.compile(r"NL0[01]")),
    ("landsdeel", re.compile(r"LD\d{2}")),
    ("provincie", re.compile(r"PV\d{2}")),
    ("ggd", re.compile(r"GG\d{4}")),
    ("gemeente", re.compile(r"GM\d{4}")),
    ("wijk", re.compile(r"WK\d{4}[0-9A-Z]{2}")),
    ("buurt", re.compile(r"BU\d{4}[0-9A-Z]{4}")),
    ("pc4", re.compile(r"PC\d{4}")),
]

NIVEAUS: Final[tuple[Niveau, ...]] = tuple(n for n, _ in _PATTERNS)


def normaliseer(code: str) -> str:
    """Strip padding and upper-case; map NL01 to the canonical NL00."""
    c = code.strip().upper()
    return NEDERLAND if c == "NL01" else c


def niveau_van(code: str) -> Niveau | None:
    """The level of a normalised code, or None when it fits no known pattern."""
    for niveau, pattern in _PATTERNS:
        if pattern.fullmatch(code):
            return niveau
    return None


def is_geldig(code: str) -> bool:
    return niveau_van(code) is not None


def ouder_van(code: str) -> str | None:
    """Parent derivable from the code itself: buurt -> wijk -> gemeente.

    A gemeente's provincie is not in its code; the register derives it from the
    "Gebieden in Nederland" table of the same year.
    """
    niveau = niveau_van(code)
    if niveau == "buurt":
        return "WK" + code[2:8]
    if niveau == "wijk":
        return "GM" + code[2:6]
    return None


def gemeente_van(code: str) -> str | None:
    niveau = niveau_van(code)
    if niveau in ("wijk", "buurt"):
        return "GM" + code[2:6]
    if niveau == "gemeente":
        return code
    return None
