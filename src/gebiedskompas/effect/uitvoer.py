"""Write effect measurements: a JSON document (per indicator the effect, its 95% bounds, the
comparison areas, ``placebo_p``, the event-study rows and the verdict), an Excel workbook with
Dutch headers, Parquet tables and the run records, all at once into one folder (written to a
temporary folder next to it and then swapped in, so a reader never sees half a result); plus the
Dutch text the command line prints."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import opmaak
from ..opmaak import getal, p_tekst
from ..presentatie import schrijf_excelblad
from .oordeel import decimalen
from .pijplijn import Effectresultaat

KENMERKNAMEN = {"niveau_voor": "het niveau vóór de start", "trend_voor": "de trend vóór de start"}
METHODENAMEN = {"did": "verschil-in-verschillen", "synthetisch": "synthetische controle"}
KOPPEN = {
    "indicator": "Indicator",
    "label": "Omschrijving",
    "eenheid": "Eenheid",
    "niveau": "Niveau",
    "indeling": "Gebiedsindeling",
    "methode": "Methode",
    "start": "Start",
    "effect": "Effect",
    "ondergrens": "Ondergrens 95%",
    "bovengrens": "Bovengrens 95%",
    "p": "p-waarde",
    "pretrend_p": "p-waarde pre-trendtoets",
    "placebo_p": "p-waarde placebotoets",
    "behandeld_aantal": "Behandelde gebieden",
    "vergelijking_aantal": "Vergelijkingsgebieden",
    "oordeel": "Oordeel",
    "waarschuwingen": "Waarschuwingen",
    "periode": "Jaar",
    "coef": "Verschil t.o.v. referentiejaar",
    "onder": "Ondergrens 95%",
    "boven": "Bovengrens 95%",
    "na": "Na de start",
    "referentie": "Referentiejaar",
    "behandeld": "Behandeld gebied",
    "gebied": "Vergelijkingsgebied",
    "naam": "Naam",
    "stedelijkheid": "Stedelijkheidsklasse",
    "niveau_voor": "Gemiddelde vóór de start",
    "trend_voor": "Trend vóór de start (per jaar)",
    "afstand": "Afstand (gestandaardiseerd)",
    "rang": "Rang",
    "gewicht": "Gewicht",
    "soort": "Soort",
    "nep_start": "Nepstart",
    "toelichting": "Toelichting",
    "opmerking": "Opmerking",
}


def samenvatting(r: Effectresultaat) -> dict[str, Any]:
    """One row: the estimate, its bounds, the checks and the verdict."""
    s = r.schatting
    nan = math.nan
    return {
        "indicator": r.indicator,
        "label": r.label,
        "eenheid": r.eenheid,
        "niveau": r.paneel.niveau,
        "indeling": r.paneel.indeling,
        "methode": r.methode,
        "start": r.start,
        "effect": s.effect if s else nan,
        "ondergrens": s.onder if s else nan,
        "bovengrens": s.boven if s else nan,
        "p": s.p if s else nan,
        "pretrend_p": s.pretrend_p if s else nan,
        "placebo_p": r.placebo_p,
        "behandeld_aantal": int(r.paneel.behandeld.sum()),
        "vergelijking_aantal": len(r.vergelijking.codes()) if r.vergelijking else 0,
        "oordeel": r.oordeel.tekst,
        "waarschuwingen": " ".join(r.oordeel.waarschuwingen),
    }


def gebeurtenisstudie(r: Effectresultaat) -> pd.DataFrame:
    if r.schatting is None:
        return pd.DataFrame(columns=["indicator", "periode", "coef", "onder", "boven", "na", "referentie"])
    return r.schatting.per_golf.assign(indicator=r.indicator)[
        ["indicator", "periode", "coef", "onder", "boven", "na", "referentie"]
    ]


def vergelijkingsgebieden(r: Effectresultaat) -> pd.DataFrame:
    if r.vergelijking is None:
        return pd.DataFrame(columns=["indicator", "behandeld", "gebied", "naam", "afstand", "gewicht"])
    return r.vergelijking.tabel.assign(indicator=r.indicator)[["indicator", *r.vergelijking.tabel.columns]]


def placebotabel(r: Effectresultaat) -> pd.DataFrame:
    rijen = [{"indicator": r.indicator, **vars(p)} for p in r.placebos]
    return pd.DataFrame(
        rijen, columns=["indicator", "soort", "p", "effect", "onder", "boven", "nep_start", "toelichting"]
    )


def per_indicator(r: Effectresultaat) -> dict[str, Any]:
    rij = samenvatting(r)
    return {
        **{k: v for k, v in rij.items() if k not in ("indicator", "waarschuwingen")},
        "oordeel_soort": r.oordeel.soort,
        "waarschuwingen": r.oordeel.waarschuwingen,
        "vergelijkingsgebieden": vergelijkingsgebieden(r).drop(columns="indicator").to_dict("records"),
        "placebos": placebotabel(r).drop(columns="indicator").to_dict("records"),
        "eventstudie": gebeurtenisstudie(r).drop(columns="indicator").to_dict("records"),
        "behandelde_gebieden": [str(c) for c in r.paneel.gebieden[r.paneel.behandeld]],
        "opmerkingen": [*r.paneel.opmerkingen, *(r.vergelijking.opmerkingen if r.vergelijking else [])],
    }


def als_json(resultaten: Sequence[Effectresultaat]) -> dict[str, Any]:
    eerste = resultaten[0].runrecord["parameters"]
    inhoud: dict[str, Any] = opmaak.als_json(
        {
            "aanpak": eerste.get("aanpak"),
            "gebieden": eerste.get("gebieden"),
            "start": eerste.get("start"),
            "methode": eerste.get("methode"),
            "indicatoren": {r.indicator: per_indicator(r) for r in resultaten},
            "runrecords": {r.indicator: r.runrecord for r in resultaten},
        }
    )
    return inhoud


def standaardnaam(aanpak: str | None, codes: Sequence[str], start: int, methode: str) -> str:
    """Folder name under <opslag>/effecten: the programme (or the codes), start and method."""
    basis = aanpak or "-".join(codes[:3]) + ("-enz" if len(codes) > 3 else "")
    slug = re.sub(r"[^a-z0-9]+", "-", basis.lower()).strip("-") or "effect"
    return f"{slug}-{start}-{methode}"


def schrijf(resultaten: Sequence[Effectresultaat], map: Path) -> list[Path]:
    """All outputs into ``map`` (replacing an earlier result there as a whole); the written paths."""
    map.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = map.parent / f".{map.name}.tmp-{os.getpid()}"
    shutil.rmtree(tijdelijk, ignore_errors=True)
    tijdelijk.mkdir()
    try:
        namen = _schrijf_alles(resultaten, tijdelijk)
        _wissel(tijdelijk, map)
    finally:
        shutil.rmtree(tijdelijk, ignore_errors=True)
    return [map / n for n in namen]


def _schrijf_alles(resultaten: Sequence[Effectresultaat], map: Path) -> list[str]:
    tabellen = _tabellen(resultaten)
    for naam, frame in tabellen.items():
        frame.to_parquet(map / f"{naam}.parquet", index=False)
    bestanden = {"effect.json": als_json(resultaten)}
    for r in resultaten:
        bestanden[f"runrecord_{r.indicator}.json"] = opmaak.als_json(r.runrecord)
    for naam, inhoud in bestanden.items():
        tekst = json.dumps(inhoud, ensure_ascii=False, indent=1, allow_nan=False)
        (map / naam).write_text(tekst, encoding="utf-8")
    _excel(tabellen, map / "effect.xlsx")
    return [*(f"{n}.parquet" for n in tabellen), *bestanden, "effect.xlsx"]


def _tabellen(resultaten: Sequence[Effectresultaat]) -> dict[str, pd.DataFrame]:
    opmerkingen = [
        {"indicator": r.indicator, "opmerking": o}
        for r in resultaten
        for o in per_indicator(r)["opmerkingen"]
    ]
    return {
        "effect": pd.DataFrame([samenvatting(r) for r in resultaten]),
        "gebeurtenisstudie": pd.concat([gebeurtenisstudie(r) for r in resultaten], ignore_index=True),
        "vergelijkingsgebieden": pd.concat([vergelijkingsgebieden(r) for r in resultaten], ignore_index=True),
        "placebo": pd.concat([placebotabel(r) for r in resultaten], ignore_index=True),
        "opmerkingen": pd.DataFrame(opmerkingen, columns=["indicator", "opmerking"]),
    }


def _excel(tabellen: dict[str, pd.DataFrame], pad: Path) -> None:
    bladen = {
        "Effect": "effect",
        "Gebeurtenisstudie": "gebeurtenisstudie",
        "Vergelijkingsgebieden": "vergelijkingsgebieden",
        "Placebotoetsen": "placebo",
        "Opmerkingen": "opmerkingen",
    }
    with pd.ExcelWriter(pad, engine="xlsxwriter") as schrijver:
        for blad, sleutel in bladen.items():
            schrijf_excelblad(schrijver, blad, tabellen[sleutel], KOPPEN)


def _wissel(nieuw: Path, map: Path) -> None:
    """Put the finished folder in place: the old one aside, the new one in (one rename each)."""
    oud = map.parent / f".{map.name}.oud-{os.getpid()}"
    if map.exists():
        os.rename(map, oud)
    os.rename(nieuw, map)
    shutil.rmtree(oud, ignore_errors=True)


def tekst(r: Effectresultaat) -> list[str]:
    """The lines the command line prints for one measurement (Dutch)."""
    regels = [
        f"Effect op {r.label} ({r.indicator}), start {r.start}, "
        f"methode {METHODENAMEN.get(r.methode, r.methode)}",
        f"Behandelde gebieden ({r.paneel.niveau}, indeling {r.paneel.indeling}): "
        + ", ".join(
            f"{c} {n}"
            for c, n in zip(
                r.paneel.gebieden[r.paneel.behandeld], r.paneel.namen[r.paneel.behandeld], strict=True
            )
        ),
        *(f"  ({o})" for o in r.paneel.opmerkingen),
    ]
    if r.schatting is not None:
        regels.extend(_schattingsregels(r))
    if r.vergelijking is not None:
        regels.extend(_vergelijkingsregels(r))
    regels.extend(_placeboregels(r))
    regels.append(f"Oordeel: {r.oordeel.tekst}")
    regels.extend(f"Let op: {w}" for w in r.oordeel.waarschuwingen)
    return regels


def _schattingsregels(r: Effectresultaat) -> list[str]:
    s = r.schatting
    assert s is not None
    d = decimalen(s.effect, s.onder, s.boven)
    ref = s.per_golf.loc[s.per_golf["referentie"], "periode"]
    golven = "; ".join(
        f"{int(g['periode'])}{'*' if g['na'] else ''} {getal(float(g['coef']), d, teken=True)} "
        f"({getal(float(g['onder']), d)} tot {getal(float(g['boven']), d)})"
        for g in s.per_golf.to_dict("records")
        if not g["referentie"]
    )
    return [
        f"Schatting: {getal(s.effect, d, teken=True)} {r.eenheid} (95%-interval {getal(s.onder, d)} tot "
        f"{getal(s.boven, d)}), {p_tekst(s.p)}; {s.behandeld} behandeld, "
        f"{s.vergelijking} vergelijkingsgebieden",
        f"Per meting, verschil t.o.v. {int(ref.iloc[0]) if len(ref) else '-'} (* = na de start): {golven}",
        "Pre-trendtoets (verschillen vóór de start samen nul): "
        + (p_tekst(s.pretrend_p) if math.isfinite(s.pretrend_p) else "niet mogelijk"),
    ]


def _vergelijkingsregels(r: Effectresultaat) -> list[str]:
    v = r.vergelijking
    assert v is not None
    regels = [
        f"Vergelijkingsgebieden: {len(v.codes())} ({v.k} per behandeld gebied; zelfde niveau en "
        f"stedelijkheidsklasse, dichtstbij op {' en '.join(KENMERKNAMEN.get(k, k) for k in v.kenmerken)}):"
    ]
    for code, groep in v.tabel.groupby("behandeld", sort=True):
        lijst = ", ".join(
            f"{g['gebied']} {g['naam']} ({getal(float(g['afstand']), 2)})" for g in groep.to_dict("records")
        )
        regels.append(f"  {code}: {lijst}")
    regels.extend(f"  ({o})" for o in v.opmerkingen)
    return regels


def _placeboregels(r: Effectresultaat) -> list[str]:
    regels = []
    for p in r.placebos:
        soort = "in de tijd" if p.soort == "tijd" else "in de ruimte"
        if not math.isfinite(p.p):
            regels.append(f"Placebotoets {soort}: niet uitgevoerd ({p.toelichting})")
            continue
        d = decimalen(p.effect, p.onder, p.boven)
        bereik = (
            f" (95%-interval {getal(p.onder, d)} tot {getal(p.boven, d)})" if math.isfinite(p.onder) else ""
        )
        regels.append(
            f"Placebotoets {soort} ({p.toelichting}): {getal(p.effect, d, teken=True)}{bereik}, "
            f"placebo_{p_tekst(p.p)}"
        )
    return regels
