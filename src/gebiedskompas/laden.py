"""Load files into the store: recognise, read, merge, derive, write once (atomically)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .bronnen import Tabel, bronregister
from .catalogus import catalogus
from .errors import InvoerFout
from .herkennen import Herkenning, herken
from .model import WAARNEMING_KOLOMMEN, Inlezing
from .opslag import Opslag, Toestand
from .readers.core import RuweTabel, sha256_van
from .readers.excel import lees_xlsx
from .readers.grenswijziging import lees_grenswijziging
from .readers.grenzen import lees_grenzen
from .readers.leefbaarometer import lees_lbm2_pc4
from .readers.odata import lees_json, lees_typeddataset_json, lees_typeddataset_parquet
from .readers.statline_csv import lees_csv
from .readers.tabel import naar_inlezing
from .register import Register

Voortgang = Callable[[str, int, int], None]


@dataclass
class Laadresultaat:
    geladen: list[Inlezing] = field(default_factory=list)
    ongewijzigd: list[Path] = field(default_factory=list)
    overgeslagen: list[tuple[Path, str]] = field(default_factory=list)
    versie: str | None = None


def verzamel(paden: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to consider; the second list holds the files named explicitly by the user."""
    bestanden: list[Path] = []
    expliciet: list[Path] = []
    for pad in paden:
        if pad.is_dir():
            bestanden.extend(sorted(p for p in pad.rglob("*") if p.is_file()))
        elif pad.is_file():
            bestanden.append(pad)
            expliciet.append(pad)
        else:
            raise InvoerFout("bestand of map bestaat niet", bestand=pad)
    return bestanden, expliciet


def laad(paden: Iterable[Path], opslag: Opslag, voortgang: Voortgang | None = None) -> Laadresultaat:
    bestanden, expliciet = verzamel(paden)
    toestand = opslag.lees()
    resultaat = Laadresultaat()
    bekend = toestand.bekende_hashes()
    te_lezen: list[Herkenning] = []
    for pad in bestanden:
        herkenning = herken(pad)
        if herkenning.overslaan:
            if pad in expliciet:
                raise InvoerFout(f"dit bestand kan niet worden geladen: {herkenning.reden}", bestand=pad)
            resultaat.overgeslagen.append((pad, herkenning.reden or ""))
        elif sha256_van(pad) in bekend:
            resultaat.ongewijzigd.append(pad)
        else:
            te_lezen.append(herkenning)
    if not te_lezen:
        return resultaat
    # Register sources first: tables that name regions instead of coding them need them.
    te_lezen.sort(key=lambda h: (0 if h.tabel and h.tabel.soort in ("gebieden", "kwb") else 1, str(h.pad)))
    regios = toestand.regios
    for nummer, herkenning in enumerate(te_lezen, start=1):
        if voortgang:
            voortgang(herkenning.pad.name, nummer, len(te_lezen))
        inlezing = lees_bestand(herkenning, Register(regios))
        resultaat.geladen.append(inlezing)
        if len(inlezing.regios):
            regios = pd.concat([regios, inlezing.regios], ignore_index=True)
    nieuwe = voeg_samen(toestand, resultaat.geladen, opslag)
    resultaat.versie = opslag.schrijf(nieuwe)
    return resultaat


def lees_bestand(herkenning: Herkenning, register: Register) -> Inlezing:
    pad = herkenning.pad
    if herkenning.formaat == "grenswijziging":
        return Inlezing(
            bestand=pad,
            sha256=sha256_van(pad),
            tabel_id="grenswijziging",
            titel="Grenswijzigingsmatrix (adressen)",
            versie=None,
            licentie="CC BY-NC-SA 4.0 (grenswijzigen, VNG Realisatie)",
            grenswijzigingen=lees_grenswijziging(pad),
        )
    if herkenning.formaat == "grenzen":
        document = lees_json(pad)
        return Inlezing(
            bestand=pad,
            sha256=sha256_van(pad),
            tabel_id="grenzen",
            titel="Gebiedsgrenzen",
            versie=None,
            licentie="CC BY 4.0 (CBS/Kadaster)",
            grenzen=lees_grenzen(pad, document),
        )
    tabel = herkenning.tabel
    assert tabel is not None
    ruw = lees_ruwe_tabel(herkenning, tabel)
    jaar = tabel.jaar
    return naar_inlezing(ruw, tabel, register.naamzoeker(jaar))


def lees_ruwe_tabel(herkenning: Herkenning, tabel: Tabel) -> RuweTabel:
    pad = herkenning.pad
    lezers: dict[str, Callable[[], RuweTabel]] = {
        "csv": lambda: lees_csv(pad),
        "xlsx": lambda: lees_xlsx(pad),
        "parquet": lambda: lees_typeddataset_parquet(pad, tabel.id),
        "odata_json": lambda: lees_typeddataset_json(pad, tabel.id),
        "lbm2_pc4": lambda: lees_lbm2_pc4(pad),
    }
    ruw = lezers[str(herkenning.formaat)]()
    if ruw.versie is None and herkenning.formaat == "csv":
        from .readers.odata import zoek_versie

        ruw.versie = zoek_versie(pad, tabel.id)
    return ruw


def voeg_samen(toestand: Toestand, inlezingen: list[Inlezing], opslag: Opslag) -> Toestand:
    """New values replace stored ones with the same (region, period, indicator)."""
    waarnemingen = _vervang(
        toestand.waarnemingen, [i.waarnemingen for i in inlezingen], ["regio", "periode", "indicator"]
    )
    waarnemingen = _met_afgeleiden(waarnemingen)
    regios = _vervang(toestand.regios, [i.regios for i in inlezingen], ["code", "jaar", "bron"])
    gw_nieuw = [i.grenswijzigingen for i in inlezingen if i.grenswijzigingen is not None]
    grenswijzigingen = _vervang(
        toestand.grenswijzigingen, gw_nieuw, ["niveau", "van_jaar", "naar_jaar", "rij", "kolom"]
    )
    grenzen = dict(toestand.grenzen)
    for inlezing in inlezingen:
        for g in inlezing.grenzen:
            inhoud = json.dumps(g.als_geojson(), ensure_ascii=False, separators=(",", ":")).encode()
            naam = hashlib.sha256(inhoud).hexdigest()[:16] + ".geojson"
            opslag.bewaar_object(inhoud, naam)
            grenzen[f"{g.niveau}_{g.jaar}"] = naam
    ladingen = toestand.ladingen + [_herkomst(i) for i in inlezingen]
    return Toestand(
        waarnemingen,
        regios.sort_values(["code", "jaar", "bron"], ignore_index=True),
        grenswijzigingen,
        ladingen,
        grenzen,
    )


def _vervang(oud: pd.DataFrame, nieuw: list[pd.DataFrame], sleutel: list[str]) -> pd.DataFrame:
    delen = [d for d in nieuw if len(d)]
    if not delen:
        return oud
    alles = pd.concat([oud, *delen], ignore_index=True) if len(oud) else pd.concat(delen, ignore_index=True)
    alles = alles.drop_duplicates(sleutel, keep="last")
    return alles.sort_values(sleutel, ignore_index=True)


def _met_afgeleiden(waarnemingen: pd.DataFrame) -> pd.DataFrame:
    """Recompute every derived indicator (teller / noemer * factor) from the stored inputs."""
    afgeleid_ids = [i.id for i in catalogus().afgeleide()]
    basis = waarnemingen[~waarnemingen["indicator"].isin(afgeleid_ids)]
    delen = [basis]
    for ind in catalogus().afgeleide():
        regel = ind.afgeleid
        assert regel is not None
        teller = basis[basis["indicator"] == regel.teller].set_index(["regio", "periode"])["waarde"]
        noemer = basis[basis["indicator"] == regel.noemer].set_index(["regio", "periode"])["waarde"]
        teller, noemer = teller.align(noemer, join="inner")
        if teller.empty:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            waarde = (teller / noemer.where(noemer > 0)) * regel.factor
        deel = waarde.rename("waarde").reset_index()
        deel["indicator"] = ind.id
        deel["onder"] = np.nan
        deel["boven"] = np.nan
        deel["bron"] = f"afgeleid: {regel.teller} / {regel.noemer}"
        delen.append(deel[WAARNEMING_KOLOMMEN])
    return pd.concat(delen, ignore_index=True).sort_values(
        ["indicator", "periode", "regio"], ignore_index=True
    )


def _herkomst(inlezing: Inlezing) -> dict[str, object]:
    tabel = bronregister().zoek(inlezing.tabel_id) if bronregister().bekend(inlezing.tabel_id) else None
    return {
        "tabel": inlezing.tabel_id,
        "titel": inlezing.titel,
        "versie": inlezing.versie,
        "bestand": inlezing.bestand.name,
        "pad": str(inlezing.bestand),
        "sha256": inlezing.sha256,
        "geladen_op": datetime.now(UTC).isoformat(timespec="seconds"),
        "licentie": inlezing.licentie,
        "bronvermelding": tabel.bronvermelding if tabel else inlezing.titel,
        "waarden": len(inlezing.waarnemingen),
        "regios": len(inlezing.regios),
        "notities": inlezing.notities,
    }
