"""What the store holds: tables with provenance, indicator coverage, and one region's profile."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .catalogus import catalogus
from .codes import niveau_van, normaliseer
from .errors import InvoerFout
from .opslag import Toestand
from .register import Register

_PREFIX_NIVEAU = {
    "NL": "land",
    "LD": "landsdeel",
    "PV": "provincie",
    "GG": "ggd",
    "GM": "gemeente",
    "WK": "wijk",
    "BU": "buurt",
    "PC": "pc4",
}


def niveaus_van(codes: pd.Series) -> pd.Series:
    return codes.str[:2].map(_PREFIX_NIVEAU)


def dekking(waarnemingen: pd.DataFrame) -> pd.DataFrame:
    """Indicators × periods × levels with the number of regions and of missing values."""
    if waarnemingen.empty:
        return pd.DataFrame(columns=["indicator", "periode", "niveau", "regios", "ontbrekend"])
    w = waarnemingen.assign(
        niveau=niveaus_van(waarnemingen["regio"]), ontbreekt=waarnemingen["waarde"].isna()
    )
    tabel = (
        w.groupby(["indicator", "periode", "niveau"], sort=True)
        .agg(regios=("regio", "nunique"), ontbrekend=("ontbreekt", "sum"))
        .reset_index()
    )
    tabel["ontbrekend"] = tabel["ontbrekend"].astype(int)
    return tabel


def overzicht(toestand: Toestand) -> dict[str, Any]:
    register = Register(toestand.regios, toestand.grenswijzigingen)
    cat = catalogus()
    return {
        "tabellen": toestand.ladingen,
        "indicatoren": [
            {**rij, "label": (ind.label if (ind := cat.get(rij["indicator"])) else None)}
            for rij in dekking(toestand.waarnemingen).to_dict("records")
        ],
        "register": _registeroverzicht(register),
        "stedelijkheid_gemeenten": _stedelijkheid(register),
        "herindelingen": [vars(h) for h in register.herindelingen()],
        "grenzen": sorted(toestand.grenzen),
    }


def _registeroverzicht(register: Register) -> list[dict[str, Any]]:
    t = register.tabel
    if t.empty:
        return []
    groepen = t.groupby(["niveau", "jaar"]).size().reset_index(name="regios")
    groepen["jaar"] = groepen["jaar"].astype(int)
    return [{str(k): v for k, v in rij.items()} for rij in groepen.to_dict("records")]


def _stedelijkheid(register: Register) -> list[dict[str, Any]]:
    uit = []
    for jaar in register.gemeentejaren():
        g = register.gemeenten(jaar)
        uit.append(
            {"jaar": jaar, "gemeenten": len(g), "met_stedelijkheid": int(g["stedelijkheid"].notna().sum())}
        )
    return uit


def gebied(toestand: Toestand, code_invoer: str) -> dict[str, Any]:
    code = normaliseer(code_invoer)
    if niveau_van(code) is None:
        raise InvoerFout(
            f"'{code_invoer}' is geen geldige regiocode (verwacht bijvoorbeeld GM0981, "
            "WK098100 of BU09810000)"
        )
    register = Register(toestand.regios, toestand.grenswijzigingen)
    w = toestand.waarnemingen
    rijen = w[w["regio"] == code]
    if not register.bestaat(code) and rijen.empty:
        raise InvoerFout(
            f"regio {code} komt niet voor in de opslag; laad eerst de tabellen met 'gebiedskompas laad'"
        )
    profiel = register.profiel(code)
    cat = catalogus()
    waarden = []
    for r in rijen.sort_values(["indicator", "periode"]).itertuples():
        ind = cat.get(str(r.indicator))
        waarden.append(
            {
                "indicator": r.indicator,
                "label": ind.label if ind else None,
                "eenheid": ind.eenheid if ind else None,
                "thema": ind.thema if ind else None,
                "periode": r.periode,
                "waarde": _getal(r.waarde),
                "onder": _getal(r.onder),
                "boven": _getal(r.boven),
                "bron": r.bron,
                "bronvermelding": cat.citatie(str(r.indicator))
                if str(r.bron).startswith("afgeleid")
                else _bronvermelding(toestand, str(r.bron)),
            }
        )
    profiel["waarden"] = waarden
    profiel["herindelingen"] = [
        vars(h) for h in register.herindelingen() if code in (h.oude_code, h.nieuwe_code)
    ]
    return profiel


def _getal(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _bronvermelding(toestand: Toestand, tabel_id: str) -> str:
    for lading in reversed(toestand.ladingen):
        if lading["tabel"] == tabel_id:
            versie = f", versie {lading['versie']}" if lading.get("versie") else ""
            return f"{lading['bronvermelding']}{versie}"
    return tabel_id
