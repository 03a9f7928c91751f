"""Core data types shared by readers, store and register."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from .catalogus import Indicator
from .readers.grenzen import Grenzen

# ``indeling`` is the year of the area classification a value's region code belongs to (KWB 2020:
# 2020; the Leefbaarometer wijk file 2002-2022: 2022 for every wave). Time series across
# vintages are harmonised on it (``reeks.py``).
WAARNEMING_KOLOMMEN: Final = [
    "regio",
    "periode",
    "indicator",
    "waarde",
    "onder",
    "boven",
    "bron",
    "indeling",
]
REGIO_KOLOMMEN: Final = [
    "code",
    "jaar",
    "naam",
    "niveau",
    "provincie",
    "ggd",
    "landsdeel",
    "corop",
    "stedelijkheid",
    "oad",
    "inwoners",
    "indelingswijziging",
    "bron",
]
GRENSWIJZIGING_KOLOMMEN: Final = ["niveau", "van_jaar", "naar_jaar", "rij", "kolom", "adressen"]


def lege_waarnemingen() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "regio": pd.Series(dtype=object),
            "periode": pd.Series(dtype=object),
            "indicator": pd.Series(dtype=object),
            "waarde": pd.Series(dtype="float64"),
            "onder": pd.Series(dtype="float64"),
            "boven": pd.Series(dtype="float64"),
            "bron": pd.Series(dtype=object),
            "indeling": pd.Series(dtype="int64"),
        }
    )


def lege_regios() -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(dtype=object) for k in REGIO_KOLOMMEN})
    for k in ("jaar", "stedelijkheid", "oad", "inwoners"):
        frame[k] = frame[k].astype("float64")
    return frame


@dataclass
class Inlezing:
    """Everything one file contributes to the store, plus what was left out and why."""

    bestand: Path
    sha256: str
    tabel_id: str
    titel: str
    versie: str | None
    licentie: str
    waarnemingen: pd.DataFrame = field(default_factory=lege_waarnemingen)
    regios: pd.DataFrame = field(default_factory=lege_regios)
    grenswijzigingen: pd.DataFrame | None = None
    grenzen: list[Grenzen] = field(default_factory=list)
    notities: list[str] = field(default_factory=list)
    indicatoren: list[Indicator] = field(default_factory=list)  # own definitions (``eigen.*``)

    def samenvatting(self) -> str:
        delen = []
        if len(self.waarnemingen):
            n_ind = self.waarnemingen["indicator"].nunique()
            delen.append(f"{len(self.waarnemingen):,} waarden van {n_ind} indicatoren".replace(",", "."))
        if len(self.regios):
            delen.append(f"{len(self.regios):,} regio's in het register".replace(",", "."))
        if self.grenswijzigingen is not None:
            delen.append(f"{len(self.grenswijzigingen)} grenswijzigingsregels")
        for g in self.grenzen:
            delen.append(f"{len(g.features)} grenzen ({g.niveau} {g.jaar})")
        return ", ".join(delen) or "niets bruikbaars"
