"""Effect measurement of one programme on one indicator: panel → comparison areas → estimate →
placebo checks → verdict, with a run record that replays exactly (``herhaal``).

Estimators: ``did`` (``did.schat_did``) and ``synthetisch``. The synthetic control is called as

    synthetisch.schat(paneel: Paneel, vergelijking: Vergelijking, seed: int) -> Schatting

(module ``gebiedskompas.effect.synthetisch``; the donor pool per treated area is
``vergelijking.tabel``), with its space placebo ``synthetisch.placebo_in_ruimte(paneel,
vergelijking, seed) -> Placebo``.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..analyse.herhaal import STANDAARD_SEED, herkomst, vergelijk_gegevens, weiger
from ..catalogus import catalogus
from ..codes import niveau_van
from ..errors import InvoerFout
from ..opslag import Toestand
from ..register import Register
from .did import schat_did
from .oordeel import Onderwerp, Oordeel, Placebo, Schatting, beoordeel, niet_meetbaar
from .paneel import Paneel, bouw_paneel
from .placebo import Schatter, placebo_in_ruimte, placebo_in_tijd, veilig
from .vergelijking import STANDAARD_K, Vergelijking, kies_vergelijking

METHODEN = ("did", "synthetisch")


@dataclass
class Effectresultaat:
    """Everything one measurement produced. ``vergelijking`` is None without a pre-start wave;
    ``schatting`` is None when there is nothing to estimate yet (see ``oordeel``)."""

    indicator: str
    label: str
    eenheid: str
    methode: str
    start: int
    paneel: Paneel
    vergelijking: Vergelijking | None
    schatting: Schatting | None
    placebos: list[Placebo]
    oordeel: Oordeel
    runrecord: dict[str, Any]

    @property
    def placebo_p(self) -> float:
        """p of the main placebo check: in time for ``did``, in space for ``synthetisch``."""
        return self.placebos[0].p if self.placebos else float("nan")


def meet_effect(
    toestand: Toestand,
    indicator: str,
    behandeld_codes: Sequence[str],
    start: int,
    methode: str = "did",
    seed: int = STANDAARD_SEED,
    *,
    k: int = STANDAARD_K,
    register: Register | None = None,
    aanpak: str | None = None,
) -> Effectresultaat:
    """The effect of the programme in ``behandeld_codes`` (started in ``start``) on ``indicator``."""
    if methode not in METHODEN:
        raise InvoerFout(f"onbekende methode '{methode}'; kies uit: {', '.join(METHODEN)}")
    paneel = bouw_paneel(toestand, indicator, behandeld_codes, start, register=register)
    onderwerp = _onderwerp(paneel)
    vergelijking = kies_vergelijking(paneel, k) if (~paneel.na).any() else None
    schatting: Schatting | None = None
    placebos: list[Placebo] = []
    if vergelijking is None or not _meting_na_start(paneel):
        oordeel = niet_meetbaar(onderwerp)
    else:
        schatter = _schatter(methode, seed)
        schatting = schatter(paneel, vergelijking)
        placebos = _placebos(methode, paneel, vergelijking, schatter, k, seed)
        oordeel = beoordeel(schatting, placebos, onderwerp)
    parameters = {
        "indicator": indicator,
        "gebieden": [str(c) for c in behandeld_codes],
        "aanpak": aanpak,
        "start": int(start),
        "methode": methode,
        "vergelijking": k,
    }
    record = _runrecord(toestand, paneel, parameters, seed)
    return Effectresultaat(
        indicator,
        onderwerp.label,
        onderwerp.eenheid,
        methode,
        int(start),
        paneel,
        vergelijking,
        schatting,
        placebos,
        oordeel,
        record,
    )


def _meting_na_start(paneel: Paneel) -> bool:
    return bool((~np.isnan(paneel.y[np.ix_(paneel.behandeld, paneel.na)])).any())


def _onderwerp(paneel: Paneel) -> Onderwerp:
    ind = catalogus().get(paneel.indicator)
    return Onderwerp(
        label=ind.label if ind else paneel.indicator,
        eenheid=ind.eenheid if ind else "",
        richting=ind.richting if ind else "hoger_is_beter",
        start=paneel.start,
        eerste_meting=int(paneel.perioden[0]),
        laatste_meting=int(paneel.perioden[-1]),
    )


def _schatter(methode: str, seed: int) -> Schatter:
    if methode == "did":
        return schat_did
    from . import synthetisch

    def synthetische_controle(paneel: Paneel, vergelijking: Vergelijking) -> Schatting:
        return synthetisch.schat(paneel, vergelijking, seed)

    return synthetische_controle


def _placebos(
    methode: str, paneel: Paneel, vergelijking: Vergelijking, schatter: Schatter, k: int, seed: int
) -> list[Placebo]:
    """The main placebo first: in time for did, in space (then in time) for the synthetic control."""
    tijd = veilig(lambda: placebo_in_tijd(paneel, schatter, k=k), "tijd")
    if methode == "did":
        return [tijd]
    return [veilig(lambda: placebo_in_ruimte(paneel, vergelijking, seed), "ruimte"), tijd]


def invoertabellen(toestand: Toestand, paneel: Paneel) -> list[str]:
    """Stored tables the measurement reads: the sources of the indicator's values on the panel's
    level (for a derived indicator those of numerator and denominator), the register tables, and
    the boundary-change matrices when values were moved to one classification."""
    ids = {paneel.indicator}
    ind = catalogus().get(paneel.indicator)
    if ind is not None and ind.afgeleid is not None:
        ids |= {ind.afgeleid.teller, ind.afgeleid.noemer}
    w = toestand.waarnemingen
    deel = w[w["indicator"].isin(sorted(ids))]
    deel = deel[deel["regio"].astype(str).map(niveau_van) == paneel.niveau]
    gebruikt = {str(b) for b in deel["bron"].unique()}
    gebruikt |= {str(lading["tabel"]) for lading in toestand.ladingen if lading.get("regios")}
    if deel["indeling"].nunique() > 1:
        gebruikt.add("grenswijziging")
    return sorted(gebruikt & {str(lading["tabel"]) for lading in toestand.ladingen})


def _runrecord(toestand: Toestand, paneel: Paneel, parameters: dict[str, Any], seed: int) -> dict[str, Any]:
    import pyfixest

    return {
        "soort": "effectmeting",
        "software": {
            "gebiedskompas": __version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "pyfixest": getattr(pyfixest, "__version__", "onbekend"),
        },
        "tijdstip": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "parameters": parameters,
        "paneel": {
            "niveau": paneel.niveau,
            "indeling": paneel.indeling,
            "perioden": [int(p) for p in paneel.perioden],
            "behandeld": [str(c) for c in paneel.gebieden[paneel.behandeld]],
            "opmerkingen": list(paneel.opmerkingen),
        },
        "gegevens": herkomst(toestand, invoertabellen(toestand, paneel)),
    }


def herhaal(record: dict[str, Any], toestand: Toestand, *, andere_gegevens: bool = False) -> Effectresultaat:
    """Replay a run record: the same parameters and seed on the same stored tables (by sha256).
    Refuses when the store holds other files, unless ``andere_gegevens``."""
    try:
        p = record["parameters"]
        gegevens = record["gegevens"]
        argumenten = (
            str(p["indicator"]),
            [str(c) for c in p["gebieden"]],
            int(p["start"]),
            str(p["methode"]),
        )
        seed, k = int(record["seed"]), int(p["vergelijking"])
    except (KeyError, TypeError, ValueError) as e:
        raise InvoerFout(
            "geen geldig runrecord van een effectmeting (parameters, seed of gegevens ontbreekt)"
        ) from e
    verschillen = vergelijk_gegevens(gegevens, toestand)
    if verschillen and not andere_gegevens:
        raise weiger(verschillen, None)
    resultaat = meet_effect(toestand, *argumenten, seed, k=k, aanpak=p.get("aanpak"))
    resultaat.runrecord["herhaalt"] = {
        "tijdstip": record.get("tijdstip"),
        "andere_gegevens": bool(verschillen),
    }
    return resultaat
