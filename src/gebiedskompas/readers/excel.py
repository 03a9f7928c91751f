"""Excel workbooks (RIVM Gezondheidsmonitor downloads), read with calamine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from ..errors import InvoerFout
from .core import RuweTabel, kopstijl


def _als_tekst(waarde: object) -> str:
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return "" if waarde is None else str(waarde)


def lees_xlsx(pad: Path) -> RuweTabel:
    try:
        boek = CalamineWorkbook.from_path(str(pad))
        rijen = boek.get_sheet_by_index(0).to_python()
    except Exception as e:  # calamine raises its own error types for damaged workbooks
        raise InvoerFout(f"het Excel-bestand kan niet worden gelezen ({e})", bestand=pad) from e
    if not rijen:
        raise InvoerFout("het werkblad is leeg", bestand=pad)
    kop = [_als_tekst(k).strip() for k in rijen[0]]
    if len(rijen) < 2:
        raise InvoerFout("het werkblad bevat alleen een kopregel en geen gegevens", bestand=pad)
    data = pd.DataFrame([[_als_tekst(w) for w in rij] for rij in rijen[1:]], columns=kop)
    stijl = kopstijl(list(kop))
    return RuweTabel(bestand=pad, data=data, stijl=stijl)
