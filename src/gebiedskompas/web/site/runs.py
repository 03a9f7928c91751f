"""Saved analysis runs (written by `gebiedskompas analyseer` into <opslag>/analyses/<naam>/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.http import Http404


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


def runmap() -> Path:
    return Path(settings.OPSLAG) / "analyses"


def namen() -> list[str]:
    map = runmap()
    return sorted(p.name for p in map.iterdir() if (p / "resultaat.json").is_file()) if map.is_dir() else []


def laad(naam: str) -> Run:
    if naam not in namen():
        raise Http404(f"analyse '{naam}' bestaat niet")
    pad = runmap() / naam
    return _laad(str(pad), (pad / "resultaat.json").stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _laad(pad: str, _versie: int) -> Run:
    map = Path(pad)
    return Run(
        naam=map.name,
        map=map,
        resultaat=json.loads((map / "resultaat.json").read_text(encoding="utf-8")),
        gebieden=pd.read_parquet(map / "gebieden.parquet"),
        indicatoren=pd.read_parquet(map / "indicatoren.parquet"),
        themas=pd.read_parquet(map / "themas.parquet"),
    )
