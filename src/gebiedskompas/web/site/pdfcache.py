"""PDF reports made once: kept as files in the store folder (``<opslag>/cache/pdf/<key>.pdf``) so that
every server process shares them and no worker keeps them in memory.

The key is whatever changes the report: the run (name, size and modification time of its result file),
the store's data version, the monitoring revision where the report shows monitoring data, and the
report's own choices. A second request for a report being made waits for the first (a file lock) and
then reads its file. Files are written atomically (temporary file, then rename) and at most
``MAX_BESTANDEN`` are kept (the least recently used go first).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from filelock import FileLock

from ...analyse.opgeslagen import RESULTAAT, Run
from ...opslag import Opslag
from ..monitoring import diensten as d
from ..monitoring import revisie

MAX_BESTANDEN = 200
WACHTTIJD = 300.0  # seconds a request waits for another process making the same report
_OUDE_SLOTEN = 3600.0  # lock files untouched this long are removed when the folder is tidied


def pdfmap() -> Path:
    return Path(settings.OPSLAG) / "cache" / "pdf"


def runsleutel(run: Run) -> tuple[str, int, int]:
    """The run as it is now: a re-run under the same name gives another key."""
    stat = (run.map / RESULTAAT).stat()
    return (run.naam, stat.st_size, stat.st_mtime_ns)


def gegevensversie() -> str | None:
    return Opslag(d.toestand_map()).huidige_versie()


def monitoringrevisie() -> int:
    return revisie.huidige()


def sleutel(*delen: object) -> str:
    return hashlib.sha256(repr(delen).encode()).hexdigest()


def bewaard(delen: tuple[object, ...], maak: Callable[[], bytes]) -> bytes:
    """The report for ``delen``: read from its file, or made with ``maak`` (once over all processes)
    and kept."""
    map_ = pdfmap()
    map_.mkdir(parents=True, exist_ok=True)
    naam = sleutel(*delen)
    bestand = map_ / f"{naam}.pdf"
    inhoud = _lees(bestand)
    if inhoud is not None:
        return inhoud
    with FileLock(str(map_ / f"{naam}.lock"), timeout=WACHTTIJD):
        inhoud = _lees(bestand)  # made by another process while this one waited
        if inhoud is not None:
            return inhoud
        inhoud = maak()
        _schrijf(bestand, inhoud)
    _ruim_op(map_)
    return inhoud


def _lees(bestand: Path) -> bytes | None:
    try:
        inhoud = bestand.read_bytes()
    except FileNotFoundError:
        return None
    os.utime(bestand)  # recently used: kept longest
    return inhoud


def _schrijf(bestand: Path, inhoud: bytes) -> None:
    fd, tijdelijk = tempfile.mkstemp(dir=bestand.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as uit:
            uit.write(inhoud)
        os.replace(tijdelijk, bestand)
    except BaseException:
        Path(tijdelijk).unlink(missing_ok=True)
        raise


def _ruim_op(map_: Path) -> None:
    """At most ``MAX_BESTANDEN`` reports (least recently used removed) and no old lock files."""
    pdfs = sorted(map_.glob("*.pdf"), key=_mtime, reverse=True)
    for oud in pdfs[MAX_BESTANDEN:]:
        oud.unlink(missing_ok=True)
    grens = time.time() - _OUDE_SLOTEN
    for slot in map_.glob("*.lock"):
        if _mtime(slot) < grens:
            slot.unlink(missing_ok=True)


def _mtime(pad: Path) -> float:
    try:
        return pad.stat().st_mtime
    except FileNotFoundError:
        return 0.0
