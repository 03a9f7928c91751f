"""Excel files whose text stays text: a name such as ``=HYPERLINK(...)`` typed by a user or found in
a source file must never become a live formula (or link) in a workbook the tool writes.

XlsxWriter turns any string starting with ``=`` into a formula and any ``http://...`` into a link
unless told otherwise; openpyxl does the same with ``=``. Every workbook the tool writes goes through
``excelschrijver`` (pandas + XlsxWriter) or ``tekst_blijft_tekst`` (openpyxl sheets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

# XlsxWriter workbook options: strings are written as strings (write_string), never as formulas/links.
EXCELOPTIES: dict[str, bool] = {"strings_to_formulas": False, "strings_to_urls": False}


def excelschrijver(doel: str | Path | BinaryIO) -> pd.ExcelWriter:
    """A pandas Excel writer (XlsxWriter) that writes every text cell as text."""
    return pd.ExcelWriter(doel, engine="xlsxwriter", engine_kwargs={"options": dict(EXCELOPTIES)})


def tekst_blijft_tekst(schrijver: pd.ExcelWriter) -> None:
    """Make an already open XlsxWriter writer write text as text in the sheets it adds from now on
    (for callers that made their own writer; XlsxWriter copies these options into each new sheet)."""
    boek: Any = schrijver.book
    for optie, waarde in EXCELOPTIES.items():
        setattr(boek, optie, waarde)


def tekstcellen(blad: Any) -> None:
    """openpyxl: every cell that openpyxl took for a formula (a text starting with '=') is text."""
    for rij in blad.iter_rows():
        for cel in rij:
            if cel.data_type == "f":
                cel.data_type = "s"


# A spreadsheet opening a CSV evaluates a cell that starts with one of these (OWASP "CSV injection").
_FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


def csv_veilig(tabel: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that a spreadsheet would evaluate as a formula start with an apostrophe
    (shown, not evaluated); numbers stay numbers, so a negative value is still a negative number."""
    uit = tabel.copy()
    for kolom in uit.columns:
        if pd.api.types.is_object_dtype(uit[kolom]) or pd.api.types.is_string_dtype(uit[kolom]):
            uit[kolom] = uit[kolom].map(_tekst_veilig)
    return uit


def _tekst_veilig(x: Any) -> Any:
    return "'" + x if isinstance(x, str) and x.startswith(_FORMULETEKENS) else x
