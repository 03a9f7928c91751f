"""Comparison areas, chosen transparently: for every treated area the ``k`` untreated areas of the same
level and urbanity class that are nearest on the pre-start level and pre-start trend of the outcome.

Distance: Euclidean over standardised features. Features are the mean of the pre-start waves
("niveau_voor") and, with two or more pre-start waves, the least-squares slope per year over them
("trend_voor"); optional extra characteristics (``kenmerken``, one value per panel area) are added
the same way. Each feature is divided by its standard deviation over all eligible untreated areas,
so one unit of distance is one standard deviation. Eligible: not treated, a value in every wave in
which the treated areas have one (a balanced comparison), and the same urbanity class as the treated
area (all classes when that class is unknown, with a note).

Each chosen area gets weight 1/k for its treated area; an area chosen for several treated areas adds
up. Weights per treated area sum to one, so the comparison group as a whole weighs as much as the
treated group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InvoerFout
from ..opmaak import getal
from .paneel import Paneel

STANDAARD_K = 10
KOLOMMEN = [
    "behandeld",
    "gebied",
    "naam",
    "stedelijkheid",
    "niveau_voor",
    "trend_voor",
    "afstand",
    "rang",
    "gewicht",
]


@dataclass
class Vergelijking:
    """The chosen comparison areas.

    ``tabel`` has one row per (treated area, comparison area) (columns ``KOLOMMEN``, ``rang`` 1 =
    nearest); the treated areas' own pre-start level and trend are in ``behandeld_kenmerken``
    (index: code). ``kenmerken`` names the features of the distance."""

    k: int
    tabel: pd.DataFrame
    behandeld_kenmerken: pd.DataFrame
    kenmerken: list[str]
    opmerkingen: list[str] = field(default_factory=list)

    def codes(self) -> list[str]:
        """The distinct comparison areas, sorted."""
        return sorted({str(c) for c in self.tabel["gebied"]})

    def gewichten(self) -> dict[str, float]:
        """Comparison area -> total weight (summed over the treated areas it was chosen for)."""
        som = self.tabel.groupby("gebied")["gewicht"].sum()
        return {str(c): float(g) for c, g in som.items()}

    def masker(self, paneel: Paneel) -> np.ndarray:
        """(n,) bool: the panel rows of the comparison areas."""
        return np.isin(paneel.gebieden, self.codes())


def kenmerken_voor(paneel: Paneel) -> pd.DataFrame:
    """Pre-start level and trend of every panel area (index: code); NaN when not computable."""
    voor = ~paneel.na
    y = paneel.y[:, voor]
    jaren = paneel.perioden[voor].astype(float)
    uit = pd.DataFrame(index=pd.Index(paneel.gebieden, name="code"))
    aantal = (~np.isnan(y)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        uit["niveau_voor"] = np.where(aantal > 0, np.where(np.isnan(y), 0.0, y).sum(axis=1) / aantal, np.nan)
    uit["trend_voor"] = _hellingen(y, jaren)
    return uit


def _hellingen(y: np.ndarray, jaren: np.ndarray) -> np.ndarray:
    """Least-squares slope per year of every row over its non-missing waves (NaN below two)."""
    geldig = ~np.isnan(y)
    aantal = geldig.sum(axis=1)
    x = np.where(geldig, jaren, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_gem = x.sum(axis=1) / aantal
        y_gem = np.where(geldig, y, 0.0).sum(axis=1) / aantal
        dx = np.where(geldig, jaren - x_gem[:, None], 0.0)
        dy = np.where(geldig, y - y_gem[:, None], 0.0)
        helling = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
    uit: np.ndarray = np.where(aantal >= 2, helling, np.nan)
    return uit


def kies_vergelijking(
    paneel: Paneel,
    k: int = STANDAARD_K,
    *,
    kenmerken: Mapping[str, np.ndarray] | None = None,
) -> Vergelijking:
    """For every treated area the ``k`` nearest eligible untreated areas (see the module docstring)."""
    if k < 1:
        raise InvoerFout(
            f"het aantal vergelijkingsgebieden per behandeld gebied moet 1 of meer zijn, niet {k}"
        )
    if not paneel.behandeld.any():
        raise InvoerFout("het paneel heeft geen behandelde gebieden")
    kenm = _kenmerktabel(paneel, kenmerken)
    namen = [c for c in kenm.columns if kenm.loc[paneel.behandeld, c].notna().all()]
    opmerkingen = _weggelaten(kenm.columns, namen)
    pool = _geschikt(paneel) & kenm[namen].notna().all(axis=1).to_numpy()
    if not pool.any():
        raise InvoerFout(
            f"geen vergelijkingsgebieden: geen enkel onbehandeld gebied heeft waarden van {paneel.indicator} "
            "in dezelfde jaren als de behandelde gebieden"
        )
    z = _gestandaardiseerd(kenm[namen].to_numpy(dtype=float), pool)
    rijen: list[dict[str, object]] = []
    for i in np.flatnonzero(paneel.behandeld):
        rijen.extend(_buren(paneel, int(i), z, pool, k, kenm, opmerkingen))
    behandeld = kenm.loc[paneel.behandeld, namen].copy()
    return Vergelijking(k, pd.DataFrame(rijen, columns=KOLOMMEN), behandeld, namen, opmerkingen)


def _kenmerktabel(paneel: Paneel, extra: Mapping[str, np.ndarray] | None) -> pd.DataFrame:
    kenm = kenmerken_voor(paneel)
    for naam, waarden in (extra or {}).items():
        if len(waarden) != len(paneel.gebieden):
            raise InvoerFout(
                f"kenmerk '{naam}' heeft {len(waarden)} waarden voor {len(paneel.gebieden)} gebieden"
            )
        kenm[naam] = np.asarray(waarden, dtype=float)
    return kenm


def _weggelaten(alle: pd.Index, gebruikt: list[str]) -> list[str]:
    redenen = {"trend_voor": "minder dan twee metingen vóór de start"}
    return [
        f"afstand zonder '{naam}' ({redenen.get(naam, 'ontbreekt voor een behandeld gebied')})"
        for naam in alle
        if naam not in gebruikt
    ]


def _geschikt(paneel: Paneel) -> np.ndarray:
    """Untreated areas with a value in every wave where any treated area has one."""
    nodig = ~np.isnan(paneel.y[paneel.behandeld]).all(axis=0)
    volledig = ~np.isnan(paneel.y[:, nodig]).any(axis=1)
    geschikt: np.ndarray = ~paneel.behandeld & volledig
    return geschikt


def _gestandaardiseerd(x: np.ndarray, pool: np.ndarray) -> np.ndarray:
    sd = np.nanstd(x[pool], axis=0, ddof=1) if pool.sum() > 1 else np.ones(x.shape[1])
    sd = np.where((sd > 0) & np.isfinite(sd), sd, 1.0)
    uit: np.ndarray = x / sd
    return uit


def _buren(
    paneel: Paneel,
    i: int,
    z: np.ndarray,
    pool: np.ndarray,
    k: int,
    kenm: pd.DataFrame,
    opmerkingen: list[str],
) -> list[dict[str, object]]:
    code = str(paneel.gebieden[i])
    klasse = paneel.stedelijkheid[i]
    kandidaten = pool & (paneel.stedelijkheid == klasse) if np.isfinite(klasse) else pool
    if np.isfinite(klasse) and not kandidaten.any():
        opmerkingen.append(
            f"{code}: geen onbehandeld gebied met stedelijkheidsklasse {getal(klasse, 0)}; alle klassen"
        )
        kandidaten = pool
    elif not np.isfinite(klasse):
        opmerkingen.append(f"{code}: stedelijkheidsklasse onbekend; vergeleken met gebieden van alle klassen")
    index = np.flatnonzero(kandidaten)
    voor_niveau = kenm["niveau_voor"].to_numpy(dtype=float)
    voor_trend = kenm["trend_voor"].to_numpy(dtype=float)
    afstand = np.sqrt(((z[index] - z[i]) ** 2).sum(axis=1))
    volgorde = np.lexsort((paneel.gebieden[index].astype(str), afstand))[:k]
    if len(volgorde) < k:
        opmerkingen.append(f"{code}: maar {len(volgorde)} geschikte vergelijkingsgebieden (gevraagd: {k})")
    return [
        {
            "behandeld": code,
            "gebied": str(paneel.gebieden[index[j]]),
            "naam": str(paneel.namen[index[j]]),
            "stedelijkheid": float(paneel.stedelijkheid[index[j]]),
            "niveau_voor": float(voor_niveau[index[j]]),
            "trend_voor": float(voor_trend[index[j]]),
            "afstand": float(afstand[j]),
            "rang": rang + 1,
            "gewicht": 1.0 / len(volgorde),
        }
        for rang, j in enumerate(volgorde)
    ]
