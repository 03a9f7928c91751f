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

from .bronnen import bronregister
from .catalogus import catalogus
from .errors import GebiedskompasFout, InvoerFout
from .herkennen import Herkenning, herken
from .model import WAARNEMING_KOLOMMEN, Inlezing
from .opslag import STANDAARD_WACHTTIJD, Opslag, Toestand
from .readers.core import sha256_van
from .register import Register

Voortgang = Callable[[str, int, int], None]


@dataclass
class Laadresultaat:
    geladen: list[Inlezing] = field(default_factory=list)
    ongewijzigd: list[Path] = field(default_factory=list)
    overgeslagen: list[tuple[Path, str]] = field(default_factory=list)
    mislukt: list[tuple[Path, str]] = field(default_factory=list)  # file and its Dutch error
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
        elif pad.exists():
            raise InvoerFout("is geen gewoon bestand (bijvoorbeeld een named pipe of apparaat)", bestand=pad)
        else:
            raise InvoerFout("bestand of map bestaat niet", bestand=pad)
    return bestanden, expliciet


def laad(
    paden: Iterable[Path],
    opslag: Opslag,
    voortgang: Voortgang | None = None,
    *,
    wacht: float = STANDAARD_WACHTTIJD,
    bij_wachten: Callable[[], None] | None = None,
) -> Laadresultaat:
    """Load every readable file; a file that fails is reported with its error and leaves no
    trace, the others are written together in one atomic store update.

    The whole load holds the store's lock: reading files needs the regions already stored, so a
    second load waits (at most ``wacht`` seconds, raising ``OpslagBezet``) and then reads the
    snapshot the first one wrote, and both loads' tables end up in the store."""
    bestanden, expliciet = verzamel(paden)
    with opslag.slot(wacht, bij_wachten):
        return _laad_onder_slot(bestanden, expliciet, opslag, voortgang)


def _laad_onder_slot(
    bestanden: list[Path], expliciet: list[Path], opslag: Opslag, voortgang: Voortgang | None
) -> Laadresultaat:
    toestand = opslag.lees()
    resultaat = Laadresultaat()
    te_lezen = _te_lezen(bestanden, expliciet, toestand.bekende_hashes(), resultaat)
    regios = toestand.regios
    register = Register(regios)  # built lazily, and again only after a file adds regions
    for nummer, herkenning in enumerate(te_lezen, start=1):
        if voortgang:
            voortgang(herkenning.pad.name, nummer, len(te_lezen))
        inlezing = _lees_of_meld(herkenning, register, resultaat)
        if inlezing is None:
            continue
        resultaat.geladen.append(inlezing)
        if len(inlezing.regios):
            regios = pd.concat([regios, inlezing.regios], ignore_index=True)
            register = Register(regios)
    if resultaat.geladen:
        resultaat.versie = opslag.schrijf(voeg_samen(toestand, resultaat.geladen, opslag))
    return resultaat


def _te_lezen(
    bestanden: list[Path], expliciet: list[Path], bekend: set[str], resultaat: Laadresultaat
) -> list[Herkenning]:
    te_lezen: list[Herkenning] = []
    for pad in bestanden:
        herkenning = herken(pad)
        if herkenning.overslaan:
            if pad in expliciet:
                melding = f"bestand {pad}: dit bestand kan niet worden geladen: {herkenning.reden}"
                resultaat.mislukt.append((pad, melding))
            else:
                resultaat.overgeslagen.append((pad, herkenning.reden or ""))
        elif sha256_van(pad) in bekend:
            resultaat.ongewijzigd.append(pad)
        else:
            te_lezen.append(herkenning)
    # Register sources first: tables that name regions instead of coding them need them.
    te_lezen.sort(key=lambda h: (0 if h.tabel and h.tabel.soort in ("gebieden", "kwb") else 1, str(h.pad)))
    return te_lezen


def _lees_of_meld(herkenning: Herkenning, register: Register, resultaat: Laadresultaat) -> Inlezing | None:
    try:
        return lees_bestand(herkenning, register)
    except GebiedskompasFout as e:
        resultaat.mislukt.append((herkenning.pad, str(e)))
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError) as e:
        # A reader that trips over an unforeseen variant still names the file and goes on.
        melding = f"bestand {herkenning.pad}: onverwachte fout bij het lezen ({type(e).__name__}: {e})"
        resultaat.mislukt.append((herkenning.pad, melding))
    return None


def lees_bestand(herkenning: Herkenning, register: Register) -> Inlezing:
    assert herkenning.lezer is not None
    return herkenning.lezer.lees(herkenning, register)


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
            grenzen[g.sleutel] = naam
    ladingen = toestand.ladingen + [_herkomst(i) for i in inlezingen]
    # Own indicator definitions: a newer load of the same id replaces the older definition.
    indicatoren = {i.id: i for i in toestand.indicatoren}
    indicatoren.update({i.id: i for inlezing in inlezingen for i in inlezing.indicatoren})
    return Toestand(
        waarnemingen,
        regios.sort_values(["code", "jaar", "bron"], ignore_index=True),
        grenswijzigingen,
        ladingen,
        grenzen,
        sorted(indicatoren.values(), key=lambda i: i.id),
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
        rijen = basis[basis["indicator"] == regel.teller].set_index(["regio", "periode"])
        teller = rijen["waarde"]
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
        deel["indeling"] = rijen["indeling"].reindex(waarde.index).to_numpy()
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
