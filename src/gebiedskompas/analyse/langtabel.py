"""Building the result tables fast at a million areas: the long tables (a row per area and indicator
or theme) are gathered straight into one block of numbers, and text columns are built by pyarrow
from their distinct values, as the same pandas types the plain constructors would give."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray


def tekstkolom(waarden: np.ndarray, index: np.ndarray | None = None) -> Any:
    """The text column ``waarden[index]`` (``waarden``: an object array of texts, None/NaN where
    missing) as pandas would store it: its default string type, made by pyarrow from the values
    once and taken by ``index``. What pandas would not infer as text (numbers, only missing values,
    pandas without pyarrow strings) is returned as the plain object array."""
    waarden = np.asarray(waarden, dtype=object)
    soort = pd.Series(np.array(["a"], dtype=object)).dtype
    gewoon = waarden if index is None else waarden[index]
    if not (isinstance(soort, pd.StringDtype) and soort.storage == "pyarrow"):
        return gewoon
    if pd.api.types.infer_dtype(waarden, skipna=True) != "string":
        return gewoon
    tekst = pa.array(waarden, type=pa.large_string(), from_pandas=True)
    if index is not None:
        tekst = tekst.take(pa.array(np.asarray(index, dtype=np.int64)))
    # pandas-stubs do not know the dtype argument of pandas 3 (the default string type keeps NaN)
    return ArrowStringArray(tekst, dtype=soort)  # type: ignore[call-arg]


def arrowtekst(tekst: pa.Array) -> Any:
    """A pyarrow text array (no missing values) as the column pandas would make of its strings."""
    soort = pd.Series(np.array(["a"], dtype=object)).dtype
    if not (isinstance(soort, pd.StringDtype) and soort.storage == "pyarrow"):
        return np.array(tekst.to_pylist(), dtype=object)
    return ArrowStringArray(tekst.cast(pa.large_string()), dtype=soort)  # type: ignore[call-arg]


def lange_tabel(
    tekst: dict[str, Any], getallen: dict[str, tuple[np.ndarray, np.ndarray]], overig: dict[str, Any]
) -> pd.DataFrame:
    """A long table: the ``tekst`` columns, then the float columns ``getallen``, then the ``overig``
    columns. A float column is (values (rows, k), row numbers): its table rows are, per row number
    in turn, the k values of that row. The numbers are gathered into one block once (no per-cell
    index arrays, no second copy when pandas would consolidate the columns)."""
    bronnen = list(getallen.values())
    aantal = len(bronnen[0][1]) * bronnen[0][0].shape[1]
    blok = np.empty((len(bronnen), aantal))
    for b, (waarden, rijen) in enumerate(bronnen):
        # mode "clip": the row numbers are valid, and with "raise" numpy copies through a buffer
        np.take(
            np.asarray(waarden, dtype=float), rijen, axis=0, out=blok[b].reshape(len(rijen), -1), mode="clip"
        )
    frame = pd.DataFrame(blok.T, columns=list(getallen), copy=False)
    for plaats, (naam, kolom) in enumerate(tekst.items()):
        frame.insert(plaats, naam, kolom)
    for naam, kolom in overig.items():
        frame[naam] = kolom
    return frame
