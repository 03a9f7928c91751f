"""Saved analysis runs for the web: ``analyse.opgeslagen`` on the store folder of the settings, with
a 404 for an unknown name."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404

from ...analyse import opgeslagen
from ...analyse.opgeslagen import Run
from ...errors import InvoerFout

__all__ = ["Run", "laad", "namen", "runmap"]


def runmap() -> Path:
    return opgeslagen.analysemap(Path(settings.OPSLAG))


def namen() -> list[str]:
    return opgeslagen.namen(runmap())


def laad(naam: str) -> Run:
    try:
        return opgeslagen.laad(runmap(), naam)
    except InvoerFout as e:
        raise Http404(str(e)) from e
