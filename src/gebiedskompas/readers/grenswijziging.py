"""Address-weighted boundary-change matrices (R package grenswijzigen, ``.rda``), read with pyreadr.

Each file holds one matrix of address counts between the area codes of two years. Which axis
holds the old codes is decided later by the register, from the gemeente lists per year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadr

from ..errors import InvoerFout

_NAAM = re.compile(r"grenswijziging_(?P<niveau>gemeente|wijk)_van_(?P<van>\d{4})_naar_(?P<naar>\d{4})\.rda$")


def herken(pad: Path) -> re.Match[str] | None:
    return _NAAM.search(pad.name)


def lees_grenswijziging(pad: Path) -> pd.DataFrame:
    m = herken(pad)
    if m is None:
        raise InvoerFout(
            "bestandsnaam volgt niet het patroon grenswijziging_<niveau>_van_<jaar>_naar_<jaar>.rda",
            bestand=pad,
        )
    try:
        inhoud = pyreadr.read_r(str(pad))
    except Exception as e:  # pyreadr raises LibrdataError and others for damaged files
        raise InvoerFout(f"het R-bestand kan niet worden gelezen ({e})", bestand=pad) from e
    matrix = next(iter(inhoud.values())) if inhoud else pd.DataFrame()
    prefix = "GM" if m.group("niveau") == "gemeente" else "WK"
    lang = matrix.stack().reset_index() if not matrix.empty else pd.DataFrame(columns=[0, 1, 2])
    lang.columns = pd.Index(["rij", "kolom", "adressen"])
    lang = lang[lang["adressen"] > 0]
    return pd.DataFrame(
        {
            "niveau": m.group("niveau"),
            "van_jaar": int(m.group("van")),
            "naar_jaar": int(m.group("naar")),
            "rij": prefix + lang["rij"].astype(str),
            "kolom": prefix + lang["kolom"].astype(str),
            "adressen": lang["adressen"].astype("float64"),
        }
    )
