"""StatLine CSV: TypedDataSet-key style (``cbsodata``, StatLine downloads) and web-export style
(quoted title headers such as ``"Regioaanduiding/Codering (code)"``); ``;`` separator, BOM,
decimal comma where present."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..errors import InvoerFout
from .core import RuweTabel, decodeer, kopstijl

_SCHEIDINGSTEKENS = (";", ",", "\t")
# Longest field accepted (the csv module's default limit): a longer one means a quote that is
# never closed or a file that is not a table.
MAX_VELD = 128 * 1024


def lees_tekst(pad: Path) -> str:
    """The file's text with line endings as ``\n`` (Windows ``\r\n`` and old Mac ``\r`` alike)."""
    ruw = pad.read_bytes()
    if not ruw.strip():
        raise InvoerFout("het bestand is leeg", bestand=pad)
    tekst = decodeer(ruw, pad)
    if not tekst.strip():
        raise InvoerFout("het bestand is leeg", bestand=pad)
    return tekst.replace("\r\n", "\n").replace("\r", "\n")


def kies_scheidingsteken(kopregel: str) -> str:
    return max(_SCHEIDINGSTEKENS, key=kopregel.count)


def lees_csv(pad: Path, *, scheidingsteken: str | None = None) -> RuweTabel:
    tekst = lees_tekst(pad)
    kopregel = tekst.split("\n", 1)[0]
    sep = scheidingsteken or kies_scheidingsteken(kopregel)
    _controleer_veldlengte(pad, tekst, sep)
    try:
        data = pd.read_csv(
            io.StringIO(tekst),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.ParserError as e:
        raise InvoerFout(f"het bestand is geen geldige CSV ({e})", bestand=pad) from e
    except pd.errors.EmptyDataError as e:
        raise InvoerFout("het bestand is leeg", bestand=pad) from e
    if data.empty:
        raise InvoerFout("het bestand bevat alleen een kopregel en geen gegevens", bestand=pad)
    _controleer_volledig(pad, tekst, sep, len(data.columns))
    stijl = kopstijl(list(data.columns))
    return RuweTabel(bestand=pad, data=data, stijl=stijl)


def _controleer_veldlengte(pad: Path, tekst: str, sep: str) -> None:
    """Bound every field before parsing: a 64 MiB field is a broken file, not data."""
    if len(tekst) <= MAX_VELD:
        return
    lezer = csv.reader(io.StringIO(tekst), delimiter=sep)
    try:
        for _ in lezer:
            pass
    except csv.Error as e:
        raise InvoerFout(
            f"een veld is langer dan {MAX_VELD // 1024} KiB tekens of het bestand is geen geldige CSV "
            f"({e}): een aanhalingsteken dat niet wordt gesloten, of geen tabel",
            bestand=pad,
            rij=lezer.line_num,
        ) from e


def _controleer_volledig(pad: Path, tekst: str, sep: str, breedte: int) -> None:
    """More fields than the header means a damaged row; a short last row without a final
    newline means a truncated download. (Short rows elsewhere are real: e.g. Leefbaarometer
    PC4 rows with only a postcode; their missing fields stay missing.)"""
    regels = list(csv.reader(io.StringIO(tekst), delimiter=sep))
    for regelnummer, velden in enumerate(regels, start=1):
        if len(velden) > breedte:
            raise InvoerFout(
                f"rij heeft {len(velden)} velden, de kopregel {breedte}: het bestand "
                "is beschadigd of het scheidingsteken klopt niet",
                bestand=pad,
                rij=regelnummer,
            )
    laatste = regels[-1] if regels else []
    if not tekst.endswith(("\n", "\r")) and 0 < len(laatste) < breedte:
        raise InvoerFout(
            f"laatste rij heeft {len(laatste)} van de {breedte} kolommen en het bestand eindigt "
            "midden in een regel: het bestand is afgekapt",
            bestand=pad,
            rij=len(regels),
        )
