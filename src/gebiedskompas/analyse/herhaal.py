"""Load a method for a run: by shipped name, TOML path, or a run record (to replay exactly)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InvoerFout
from .methode import Methode, lees_methode


def laad_methode(
    naam_of_pad: str, *, jaar: int | None = None, niveau: str | None = None
) -> tuple[Methode, int | None]:
    seed = None
    if naam_of_pad.endswith(".json") and Path(naam_of_pad).is_file():
        try:
            record = json.loads(Path(naam_of_pad).read_text(encoding="utf-8"))
            methode = Methode.model_validate(record["methode"])
            seed = int(record["seed"])
        except (ValueError, KeyError) as e:
            raise InvoerFout("geen geldig runrecord (methode of seed ontbreekt)", bestand=naam_of_pad) from e
    else:
        methode = lees_methode(naam_of_pad)
    if jaar is not None:
        methode.scope.periode = str(jaar)
    if niveau is not None:
        if niveau not in ("gemeente", "wijk", "buurt"):
            raise InvoerFout(f"ongeldig niveau '{niveau}'; kies uit: gemeente, wijk, buurt")
        methode.scope.niveau = niveau  # type: ignore[assignment]
    return methode, seed
