"""Leefbaarometer files.

2.0 open data per postcode-4 area (``PC4DIMENSIE.csv``): one column per dimension and year
(``RLBWON18`` = woningvoorraad 2018). We reshape to one row per PC4 and year so the generic
table step can map dimensions through the catalogue. 3.0 files (bu/wk/gm with a ``jaar``
column and ``lbm, afw, won, fys, vrz, soc, onv``) need no reshaping.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InvoerFout
from .core import RuweTabel
from .statline_csv import lees_csv

_DIMENSIE = re.compile(r"(?P<dim>RLB[A-Z]+?)(?P<jj>\d{2})$")


def lees_lbm2_pc4(pad: Path) -> RuweTabel:
    ruw = lees_csv(pad)
    data = ruw.data
    if "GBD" not in data.columns:
        raise InvoerFout(
            "kolom 'GBD' (postcode-4) ontbreekt; is dit een Leefbaarometer 2.0-bestand?", bestand=pad
        )
    delen = []
    per_jaar: dict[str, dict[str, str]] = {}
    for kolom in data.columns:
        m = _DIMENSIE.fullmatch(kolom)
        if m:
            per_jaar.setdefault("20" + m.group("jj"), {})[kolom] = m.group("dim")
    if not per_jaar:
        raise InvoerFout("geen Leefbaarometer-dimensiekolommen (zoals RLBRMTR18) gevonden", bestand=pad)
    for jaar, kolommen in sorted(per_jaar.items()):
        deel = data[["GBD", *kolommen]].rename(columns=kolommen)
        deel.insert(1, "jaar", jaar)
        delen.append(deel)
    lang = pd.concat(delen, ignore_index=True)
    lang["GBD"] = "PC" + lang["GBD"].str.strip().str.zfill(4)
    return RuweTabel(bestand=pad, data=lang, stijl="sleutel", eerste_rij=2)


def lees_lbm3(pad: Path) -> RuweTabel:
    """Leefbaarometer 3.0 per buurt, wijk or gemeente: every wave is expressed in the area
    classification of the latest wave (the wijk file 2002-2022 uses the wijkindeling 2022)."""
    ruw = lees_csv(pad)
    jaar = next((k for k in ruw.data.columns if k.lower() == "jaar"), None)
    if jaar is None:
        raise InvoerFout("kolom 'jaar' ontbreekt; is dit een Leefbaarometer 3.0-bestand?", bestand=pad)
    jaren = pd.to_numeric(ruw.data[jaar].str.strip(), errors="coerce")
    if jaren.isna().any():
        positie = int(jaren.isna().to_numpy().nonzero()[0][0])
        raise InvoerFout(
            f"'{ruw.data[jaar].iloc[positie]}' is geen jaartal (verwacht bijvoorbeeld 2022)",
            bestand=pad,
            rij=ruw.rijnummer(positie),
            kolom=jaar,
        )
    ruw.indeling = int(jaren.max())
    return ruw


def is_lbm2_pc4(kolommen: list[str]) -> bool:
    return "GBD" in kolommen and any(_DIMENSIE.fullmatch(k) for k in kolommen)


def is_lbm2_klassen(kolommen: list[str]) -> bool:
    return "CODE" in kolommen and any(k.startswith("KL") for k in kolommen)


def is_lbm3(kolommen: list[str]) -> bool:
    lager = {k.lower() for k in kolommen}
    return bool(lager & {"bu_code", "wk_code", "gm_code"}) and "afw" in lager
