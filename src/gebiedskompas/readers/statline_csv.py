"""StatLine CSV: TypedDataSet-key style (``cbsodata``, StatLine downloads) and web-export style
(quoted title headers such as ``"Regioaanduiding/Codering (code)"``); ``;`` separator, BOM,
decimal comma where present."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import InvoerFout
from .core import RuweTabel

_SCHEIDINGSTEKENS = (";", ",", "\t")


def lees_tekst(pad: Path) -> str:
    ruw = pad.read_bytes()
    if not ruw.strip():
        raise InvoerFout("het bestand is leeg", bestand=pad)
    try:
        return ruw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ruw.decode("cp1252")


def kies_scheidingsteken(kopregel: str) -> str:
    return max(_SCHEIDINGSTEKENS, key=kopregel.count)


def lees_csv(pad: Path, *, scheidingsteken: str | None = None) -> RuweTabel:
    tekst = lees_tekst(pad)
    kopregel = tekst.split("\n", 1)[0]
    sep = scheidingsteken or kies_scheidingsteken(kopregel)
    try:
        data = pd.read_csv(
            io.StringIO(tekst), sep=sep, dtype=str, keep_default_na=False, na_values=[],
            skip_blank_lines=True, engine="c",
        )
    except pd.errors.ParserError as e:
        raise InvoerFout(f"het bestand is geen geldige CSV ({e})", bestand=pad) from e
    except pd.errors.EmptyDataError as e:
        raise InvoerFout("het bestand is leeg", bestand=pad) from e
    if data.empty:
        raise InvoerFout("het bestand bevat alleen een kopregel en geen gegevens", bestand=pad)
    _controleer_volledig(pad, data)
    stijl = "titel" if any("/" in c or c.endswith(")") for c in data.columns) else "sleutel"
    return RuweTabel(bestand=pad, data=data, stijl=stijl)


def _controleer_volledig(pad: Path, data: pd.DataFrame) -> None:
    """A row with fewer fields than the header means a truncated or damaged file."""
    laatste = data.columns[-1]
    kort = data[laatste].isna()
    if len(data.columns) > 1 and kort.any():
        positie = int(kort.to_numpy().nonzero()[0][0])
        aantal = int(data.iloc[positie].notna().sum())
        raise InvoerFout(
            f"rij heeft {aantal} van de {len(data.columns)} kolommen: het bestand is "
            "afgekapt of beschadigd",
            bestand=pad,
            rij=positie + 2,
        )
