"""Error types. Every message a user sees is Dutch and names the file, row, column or code."""

from __future__ import annotations

from pathlib import Path


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
        plaats = []
        if self.bestand:
            plaats.append(f"bestand {self.bestand}")
        if self.rij is not None:
            plaats.append(f"rij {self.rij}")
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        prefix = ", ".join(plaats)
        return f"{prefix}: {self.bericht}" if prefix else self.bericht


class OnbekendeTabel(InvoerFout):
    """A table id that is not in the source registry."""


class OpslagFout(GebiedskompasFout):
    """The indicator store cannot be read or written."""


class OnlineFout(GebiedskompasFout):
    """The CBS OData API could not be reached or answered unexpectedly."""
