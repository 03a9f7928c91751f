"""Saved analysis runs: what ``gebiedskompas analyseer`` writes into ``<opslag>/analyses/<naam>/``,
read back for the map, the ranking, the profiles, the PDF reports and ``gebiedskompas rapport``.

Pure: no Django. An unknown name raises ``InvoerFout`` (the web wrapper turns it into a 404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InvoerFout

RESULTAAT = "resultaat.json"


@dataclass
class Run:
    naam: str
    map: Path
    resultaat: dict[str, Any]
    gebieden: pd.DataFrame
    indicatoren: pd.DataFrame
    themas: pd.DataFrame

    @property
    def methode(self) -> dict[str, Any]:
        return self.resultaat["methode"]  # type: ignore[no-any-return]

    @property
    def heeft_robuustheid(self) -> bool:
        return "kans_op_selectie" in self.gebieden.columns


def analysemap(opslag: Path) -> Path:
    """The folder of the saved analyses in a store folder."""
    return opslag / "analyses"


def namen(analyses: Path) -> list[str]:
    """The saved analyses in ``analyses`` (a folder from ``analysemap``), sorted."""
    if not analyses.is_dir():
        return []
    return sorted(p.name for p in analyses.iterdir() if (p / RESULTAAT).is_file())


def laad(analyses: Path, naam: str) -> Run:
    """One saved analysis, read once per version of its result file."""
    bekend = namen(analyses)
    if naam not in bekend:
        raise InvoerFout(f"analyse '{naam}' bestaat niet; kies uit: {', '.join(bekend) or 'geen'}")
    pad = analyses / naam
    return _laad(str(pad), (pad / RESULTAAT).stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _laad(pad: str, _versie: int) -> Run:
    map = Path(pad)
    return Run(
        naam=map.name,
        map=map,
        resultaat=json.loads((map / RESULTAAT).read_text(encoding="utf-8")),
        gebieden=pd.read_parquet(map / "gebieden.parquet"),
        indicatoren=pd.read_parquet(map / "indicatoren.parquet"),
        themas=pd.read_parquet(map / "themas.parquet"),
    )
