"""Error types. Every message a user sees is Dutch and names the file, row, column or code."""

from __future__ import annotations

from pathlib import Path


def plaats(bestand: Path | str | None = None, rij: int | None = None, kolom: str | None = None) -> str:
    """'bestand X, rij N, kolom 'K'': where in the input a message is about."""
    delen = []
    if bestand:
        delen.append(f"bestand {bestand}")
    if rij is not None:
        delen.append(f"rij {rij}")
    if kolom:
        delen.append(f"kolom '{kolom}'")
    return ", ".join(delen)


def waarschuwing(
    bericht: str, *, bestand: Path | str | None = None, rij: int | None = None, kolom: str | None = None
) -> str:
    """A warning for the load result (stored with the load): the place, then the message."""
    prefix = plaats(bestand, rij, kolom)
    return f"waarschuwing: {prefix}: {bericht}" if prefix else f"waarschuwing: {bericht}"


class GebiedskompasFout(Exception):
    """Base class for all errors the tool reports to a user."""


class InvoerFout(GebiedskompasFout):
    """Bad input: a file, row, column or value that is not what was expected."""

    def __init__(
        self,
        bericht: str,
        *,
        bestand: Path | str | None = None,
        rij: int | None = None,
        kolom: str | None = None,
    ) -> None:
        self.bericht = bericht
        self.bestand = str(bestand) if bestand is not None else None
        self.rij = rij
        self.kolom = kolom
        super().__init__(self._format())

    def _format(self) -> str:
        prefix = plaats(self.bestand, self.rij, self.kolom)
        return f"{prefix}: {self.bericht}" if prefix else self.bericht


class OnbekendeTabel(InvoerFout):
    """A table id that is not in the source registry."""


class OpslagFout(GebiedskompasFout):
    """The indicator store cannot be read or written."""


class OnlineFout(GebiedskompasFout):
    """The CBS OData API could not be reached or answered unexpectedly."""
