"""Open publication (FAIR): which saved analyses are public, and the open-data export of them.

An analysis is public when its folder ``<opslag>/analyses/<naam>/`` holds ``openbaar.json`` (who
published it and when). The export, for every public analysis:

- ``analyse/<naam>.csv``: the ranking (RFC 4180: comma, UTF-8 without byte order mark, CRLF), with
  ``analyse/<naam>-metadata.json`` describing it in CSVW (columns, datatypes, units, licence and
  the source tables with their versions from the run record);
- ``reeks/<indicator>.csv`` (+ ``-metadata.json``): every indicator the public analyses use, in
  long format over all loaded periods, for the areas of those analyses;
- ``catalogus.jsonld``: a DCAT-AP-NL catalogue with one ``dcat:Dataset`` per CSV.

The paths are stable: they depend only on the analysis name and the indicator id. Pure: no Django;
the web (``/open/data/...``) and ``gebiedskompas exporteer-open`` only call ``exporteer`` / ``bestand``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .analyse import opgeslagen
from .analyse.opgeslagen import Run
from .catalogus import catalogus
from .errors import InvoerFout
from .opslag import Toestand

OPENBAAR = "openbaar.json"
SCHEMAS = Path(__file__).parent / "data" / "schemas"  # JSON Schemas of the CSVW metadata and the catalogue
LICENTIE = "http://creativecommons.org/licenses/by/4.0/"
LICENTIENAAM = "CC BY 4.0"
TAAL = "http://publications.europa.eu/resource/authority/language/NLD"
TOEGANG = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
THEMA = "http://publications.europa.eu/resource/authority/data-theme/SOCI"
CSV_TYPE = "text/csv"
JSON_TYPE = "application/json"
JSONLD_TYPE = "application/ld+json"
_CBS_TABEL = re.compile(r"^\d{5}[A-Z]{3}$")
_VEILIGE_NAAM = re.compile(r"^[A-Za-z0-9._-]+$")

# CSVW datatypes the export uses, and how a cell is written for each.
DATATYPEN = ("string", "integer", "decimal")


@dataclass(frozen=True)
class Kolom:
    naam: str
    titel: str
    datatype: str
    eenheid: str = ""
    omschrijving: str = ""


@dataclass(frozen=True)
class Bestand:
    pad: str  # relative to the open-data root, e.g. "analyse/dorpen-2020-gemeente.csv"
    inhoud: bytes
    mediatype: str


# --- which analyses are public ------------------------------------------------------------------


def publicatie(analyses: Path, naam: str) -> dict[str, Any] | None:
    """Who published analysis ``naam`` and when, or None when it is not public."""
    pad = analyses / naam / OPENBAAR
    if not _VEILIGE_NAAM.match(naam) or not pad.is_file():
        return None
    inhoud: dict[str, Any] = json.loads(pad.read_text(encoding="utf-8"))
    return inhoud


def openbare_namen(analyses: Path) -> list[str]:
    """The public saved analyses, sorted."""
    return [n for n in opgeslagen.namen(analyses) if publicatie(analyses, n) is not None]


def publiceer(analyses: Path, naam: str, door: str, op: datetime | None = None) -> dict[str, Any]:
    """Mark analysis ``naam`` public. Raises ``InvoerFout`` for an unknown analysis."""
    opgeslagen.laad(analyses, naam)
    inhoud = {"door": door, "op": (op or datetime.now(UTC)).isoformat(timespec="seconds")}
    (analyses / naam / OPENBAAR).write_text(json.dumps(inhoud, ensure_ascii=False), encoding="utf-8")
    _vernieuw(analyses / naam)
    return inhoud


def trek_in(analyses: Path, naam: str) -> bool:
    """Make analysis ``naam`` internal again; False when it was not public."""
    opgeslagen.laad(analyses, naam)
    pad = analyses / naam / OPENBAAR
    if not pad.is_file():
        return False
    pad.unlink()
    _vernieuw(analyses / naam)
    return True


def _vernieuw(map: Path) -> None:
    # The web's page caches (in every server process) are keyed on the result file's time stamp,
    # so a new one makes the analysis page show its new publication state at once.
    os.utime(map / opgeslagen.RESULTAAT)


# --- the analysis CSV --------------------------------------------------------------------------


def analysekolommen(run: Run) -> list[Kolom]:
    """The columns of an analysis's CSV: the ranking with theme scores (and the robustness columns
    when the analysis has them)."""
    score = "z-score (standaardafwijkingen van de benchmark; hoger = meer opgave)"
    kolommen = [
        Kolom("code", "Regiocode", "string", omschrijving="CBS-code van het gebied"),
        Kolom("naam", "Gebied", "string"),
        Kolom("gemeente", "Gemeente", "string", omschrijving="CBS-code van de gemeente"),
        Kolom("stedelijkheid", "Stedelijkheid", "integer", "klasse (1-5)", "1 = zeer sterk stedelijk"),
        Kolom("inwoners", "Inwoners", "integer", "aantal"),
        Kolom("benchmark", "Benchmark", "string", omschrijving="Waartegen het gebied is vergeleken"),
        Kolom("composiet", "Score", "decimal", score, "Samengestelde score over de thema's"),
        Kolom("rang", "Rang", "integer", omschrijving="1 = grootste opgave"),
        Kolom("groep", "Groep", "string"),
    ]
    for t in run.methode["thema"]:
        kolommen.append(Kolom(f"thema_{t['id']}", f"Thema: {t['label']}", "decimal", score))
    if run.heeft_robuustheid:
        kolommen += [
            Kolom("rang_p05", "Rang, 5e percentiel", "integer", omschrijving="Robuustheidsanalyse"),
            Kolom("rang_p95", "Rang, 95e percentiel", "integer", omschrijving="Robuustheidsanalyse"),
            Kolom("kans_op_selectie", "Kans op selectie", "decimal", "fractie (0-1)"),
        ]
    return [k for k in kolommen if k.naam in run.gebieden.columns]


def analyse_csv(run: Run) -> bytes:
    kolommen = analysekolommen(run)
    tabel = run.gebieden.sort_values("rang", kind="stable")
    return _csv(kolommen, tabel)


def _csv(kolommen: list[Kolom], tabel: pd.DataFrame) -> bytes:
    """RFC 4180: comma, CRLF, UTF-8; a missing value is an empty cell; numbers with a point."""
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, lineterminator="\r\n")
    schrijver.writerow([k.naam for k in kolommen])
    for rij in tabel[[k.naam for k in kolommen]].itertuples(index=False):
        schrijver.writerow([_cel(w, k.datatype) for w, k in zip(rij, kolommen, strict=True)])
    return buffer.getvalue().encode("utf-8")


def _cel(waarde: Any, datatype: str) -> str:
    if waarde is None or (not isinstance(waarde, str) and pd.isna(waarde)):
        return ""
    if datatype == "integer":
        return str(round(float(waarde)))
    if datatype == "decimal":
        return repr(float(waarde))
    return str(waarde)


# --- CSVW metadata -----------------------------------------------------------------------------


def _csvw(
    url: str, titel: str, omschrijving: str, kolommen: list[Kolom], bronnen: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "url": url,
        "dc:title": titel,
        "dc:description": omschrijving,
        "dc:license": {"@id": LICENTIE},
        "dc:source": bronnen,
        "dialect": {"delimiter": ",", "encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]},
        "tableSchema": {
            "columns": [_kolomdict(k) for k in kolommen],
            "null": "",
        },
    }


def _kolomdict(k: Kolom) -> dict[str, Any]:
    uit: dict[str, Any] = {"name": k.naam, "titles": k.titel, "datatype": k.datatype}
    if k.eenheid:
        uit["schema:unitText"] = k.eenheid
    if k.omschrijving:
        uit["dc:description"] = k.omschrijving
    return uit


def bronnen(gegevens: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The source tables of a run record as CSVW/DCAT sources: table id, title, version (the
    publisher's version, or else the sha256 of the loaded file), licence and a link for CBS tables."""
    uit = []
    for g in gegevens:
        bron: dict[str, Any] = {
            "dc:identifier": str(g["tabel"]),
            "dc:title": str(g.get("bronvermelding") or g.get("titel") or g["tabel"]),
            "schema:version": tabelversie(g),
            "dc:license": str(g.get("licentie") or ""),
        }
        if _CBS_TABEL.match(str(g["tabel"])):
            bron["@id"] = f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{g['tabel']}"
        uit.append(bron)
    return uit


def tabelversie(g: dict[str, Any]) -> str:
    return str(g["versie"]) if g.get("versie") else f"sha256:{g['sha256']}"


def analyse_metadata(run: Run) -> dict[str, Any]:
    m = run.methode
    omschrijving = (
        f"Ranglijst van de analyse '{m['titel']}': per gebied de samengestelde score, de rang, de "
        "groep en de themascores. Methode en keuzes staan in de toelichting op de openbare pagina."
    )
    return _csvw(
        f"{run.naam}.csv",
        f"Ranglijst: {m['titel']}",
        omschrijving,
        analysekolommen(run),
        bronnen(run.resultaat["runrecord"]["gegevens"]),
    )


# --- indicator series --------------------------------------------------------------------------


REEKSKOLOMMEN = [
    Kolom("regiocode", "Regiocode", "string"),
    Kolom("regionaam", "Regionaam", "string"),
    Kolom("indicator", "Indicator", "string"),
    Kolom("periode", "Periode", "string"),
    Kolom("waarde", "Waarde", "decimal"),
    Kolom("ondergrens", "Ondergrens 95%-interval", "decimal"),
    Kolom("bovengrens", "Bovengrens 95%-interval", "decimal"),
    Kolom("bron", "Brontabel", "string", omschrijving="tabel-id; bij een verhouding: teller+noemer"),
    Kolom(
        "tabelversie",
        "Tabelversie",
        "string",
        omschrijving="versie van de uitgever of sha256 van het geladen bestand",
    ),
]


def gebruikte_indicatoren(run: Run) -> list[str]:
    return [i["id"] for t in run.methode["thema"] for i in t["indicator"]]


def reeksindicatoren(runs: Iterable[Run]) -> dict[str, list[str]]:
    """Indicator id -> the region codes of the public analyses that use it."""
    uit: dict[str, set[str]] = {}
    for r in runs:
        codes = set(r.gebieden["code"].astype(str))
        for ind in gebruikte_indicatoren(r):
            uit.setdefault(ind, set()).update(codes)
    return {ind: sorted(codes) for ind, codes in sorted(uit.items())}


def reekstabel(toestand: Toestand, indicator: str, codes: Iterable[str]) -> pd.DataFrame:
    """The observations of ``indicator`` for ``codes`` over every loaded period, long format. A
    derived indicator (a ratio) names the tables of its numerator and denominator as its source."""
    w = toestand.waarnemingen
    w = w[(w["indicator"] == indicator) & w["regio"].astype(str).isin(set(codes)) & w["waarde"].notna()]
    regio, periode = w["regio"].astype(str), w["periode"].astype(str)
    bron = _brontabellen(toestand, indicator, regio, periode, w["bron"].astype(str))
    versies = {str(g["tabel"]): tabelversie(g) for g in toestand.ladingen}
    tabel = pd.DataFrame(
        {
            "regiocode": regio,
            "regionaam": regio.map(_regionamen(toestand)).fillna(""),
            "indicator": indicator,
            "periode": periode,
            "waarde": w["waarde"].astype(float),
            "ondergrens": w["onder"].astype(float),
            "bovengrens": w["boven"].astype(float),
            "bron": bron,
            "tabelversie": bron.map(lambda b: "+".join(versies.get(t, "") for t in b.split("+"))),
        }
    )
    return tabel.sort_values(["regiocode", "periode", "bron"], kind="stable").reset_index(drop=True)


def _brontabellen(
    toestand: Toestand, indicator: str, regio: pd.Series, periode: pd.Series, bron: pd.Series
) -> pd.Series:
    ind = catalogus().get(indicator)
    if ind is None or ind.afgeleid is None:
        return bron
    w = toestand.waarnemingen
    delen = w[w["indicator"].isin([ind.afgeleid.teller, ind.afgeleid.noemer])]
    tabellen: dict[tuple[str, str], set[str]] = {}
    for r, p, b in zip(
        delen["regio"].astype(str), delen["periode"].astype(str), delen["bron"].astype(str), strict=True
    ):
        tabellen.setdefault((r, p), set()).add(b)
    sleutels = zip(regio, periode, strict=True)
    return pd.Series(
        ["+".join(sorted(tabellen.get(k, set()))) for k in sleutels], index=regio.index, dtype=str
    )


def _regionamen(toestand: Toestand) -> dict[str, str]:
    """The newest name per region code."""
    r = toestand.regios.sort_values("jaar")
    return dict(zip(r["code"].astype(str), r["naam"].astype(str), strict=True))


def regionamen(toestand: Toestand, codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, newest name) per code, the code itself when the store has no name for it."""
    namen = _regionamen(toestand)
    return [(c, namen.get(c, c)) for c in codes]


def reeks_csv(tabel: pd.DataFrame) -> bytes:
    return _csv(REEKSKOLOMMEN, tabel)


def reeks_metadata(toestand: Toestand, indicator: str, tabel: pd.DataFrame) -> dict[str, Any]:
    ind = catalogus().get(indicator)
    label = ind.label if ind else indicator
    eenheid = ind.eenheid if ind else ""
    kolommen = [
        Kolom(
            k.naam,
            k.titel,
            k.datatype,
            eenheid if k.naam in ("waarde", "ondergrens", "bovengrens") else "",
            k.omschrijving,
        )
        for k in REEKSKOLOMMEN
    ]
    gebruikt = {t for b in tabel["bron"] for t in b.split("+")}
    tabellen = [g for g in toestand.ladingen if str(g["tabel"]) in gebruikt]
    omschrijving = f"{label}: alle geladen perioden, per gebied, zoals de openbare analyses ze gebruiken."
    if ind is not None:
        omschrijving += f" Definitie: {ind.definitie}"
    return _csvw(f"{_veilig(indicator)}.csv", f"Reeks: {label}", omschrijving, kolommen, bronnen(tabellen))


# --- the export and its catalogue ------------------------------------------------------------


def _veilig(naam: str) -> str:
    if not _VEILIGE_NAAM.match(naam):
        raise InvoerFout(f"'{naam}' is geen geldige naam voor een open-databestand")
    return naam


def _openbare_runs(analyses: Path) -> list[Run]:
    return [opgeslagen.laad(analyses, n) for n in openbare_namen(analyses)]


def _json(inhoud: dict[str, Any]) -> bytes:
    return (json.dumps(inhoud, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def exporteer(analyses: Path, toestand: Toestand, adres: str, uitgever: str) -> list[Bestand]:
    """Every open-data file: per public analysis its CSV and CSVW metadata, per indicator they use
    its series and metadata, and the DCAT catalogue (download URLs under ``adres``)."""
    runs = _openbare_runs(analyses)
    uit: list[Bestand] = []
    for r in runs:
        uit.append(Bestand(f"analyse/{r.naam}.csv", analyse_csv(r), CSV_TYPE))
        uit.append(Bestand(f"analyse/{r.naam}-metadata.json", _json(analyse_metadata(r)), JSON_TYPE))
    for ind, codes in reeksindicatoren(runs).items():
        tabel = reekstabel(toestand, ind, codes)
        uit.append(Bestand(f"reeks/{_veilig(ind)}.csv", reeks_csv(tabel), CSV_TYPE))
        uit.append(
            Bestand(f"reeks/{ind}-metadata.json", _json(reeks_metadata(toestand, ind, tabel)), JSON_TYPE)
        )
    uit.append(Bestand("catalogus.jsonld", _json(dcat_catalogus(uit, adres, uitgever)), JSONLD_TYPE))
    return uit


def bestand(analyses: Path, toestand: Toestand, adres: str, uitgever: str, pad: str) -> Bestand | None:
    """One open-data file by its path, or None when there is none (not public, unknown)."""
    runs = _openbare_runs(analyses)
    for r in runs:
        if pad == f"analyse/{r.naam}.csv":
            return Bestand(pad, analyse_csv(r), CSV_TYPE)
        if pad == f"analyse/{r.naam}-metadata.json":
            return Bestand(pad, _json(analyse_metadata(r)), JSON_TYPE)
    for ind, codes in reeksindicatoren(runs).items():
        if pad in (f"reeks/{ind}.csv", f"reeks/{ind}-metadata.json"):
            tabel = reekstabel(toestand, ind, codes)
            if pad.endswith(".csv"):
                return Bestand(pad, reeks_csv(tabel), CSV_TYPE)
            return Bestand(pad, _json(reeks_metadata(toestand, ind, tabel)), JSON_TYPE)
    if pad == "catalogus.jsonld":
        return next(b for b in exporteer(analyses, toestand, adres, uitgever) if b.pad == pad)
    return None


def schrijf(bestanden: Iterable[Bestand], map: Path) -> list[Path]:
    """Write the export into ``map`` (subfolders ``analyse`` and ``reeks``)."""
    paden = []
    for b in bestanden:
        doel = map / b.pad
        doel.parent.mkdir(parents=True, exist_ok=True)
        doel.write_bytes(b.inhoud)
        paden.append(doel)
    return paden


DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def dcat_catalogus(bestanden: list[Bestand], adres: str, uitgever: str) -> dict[str, Any]:
    """DCAT-AP-NL: a ``dcat:Catalog`` with a ``dcat:Dataset`` per CSV, its CSV and its CSVW metadata
    as distributions, the CC BY 4.0 licence, the publisher and the source tables."""
    basis = adres.rstrip("/") + "/"
    inhoud = {b.pad: b for b in bestanden}
    datasets = [
        _dataset(b, json.loads(inhoud[b.pad.removesuffix(".csv") + "-metadata.json"].inhoud), basis, uitgever)
        for b in bestanden
        if b.pad.endswith(".csv")
    ]
    return {
        "@context": DCAT_CONTEXT,
        "@id": basis + "catalogus.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@language": "nl", "@value": "gebiedskompas: open data"},
        "dct:description": {
            "@language": "nl",
            "@value": "Openbaar gemaakte gebiedsanalyses en de indicatorreeksen die ze gebruiken, "
            "als CSV met CSVW-metadata.",
        },
        "dct:publisher": _uitgever(uitgever),
        "dct:license": {"@id": LICENTIE},
        "dct:language": {"@id": TAAL},
        "dcat:dataset": datasets,
    }


def uitgever(analyses: Path, toestand: Toestand) -> str:
    """The publisher: the province(s) the public analyses are about, by their register name."""
    codes = sorted({c for r in _openbare_runs(analyses) for c in r.methode["scope"].get("provincies", [])})
    namen = dict(regionamen(toestand, codes))
    return " en ".join(f"Provincie {namen[c]}" for c in codes) or "gebiedskompas"


def _uitgever(naam: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": naam}


def _dataset(csvbestand: Bestand, meta: dict[str, Any], basis: str, uitgever: str) -> dict[str, Any]:
    metapad = csvbestand.pad.removesuffix(".csv") + "-metadata.json"
    return {
        "@id": basis + csvbestand.pad,
        "@type": "dcat:Dataset",
        "dct:identifier": csvbestand.pad.removesuffix(".csv"),
        "dct:title": {"@language": "nl", "@value": meta["dc:title"]},
        "dct:description": {"@language": "nl", "@value": meta["dc:description"]},
        "dct:publisher": _uitgever(uitgever),
        "dct:license": {"@id": LICENTIE},
        "dct:language": {"@id": TAAL},
        "dct:accessRights": {"@id": TOEGANG},
        "dcat:theme": {"@id": THEMA},
        "dct:source": [_dcatbron(b) for b in meta["dc:source"]],
        "dcat:distribution": [
            _distributie(basis + csvbestand.pad, CSV_TYPE, "CSV (RFC 4180, UTF-8)"),
            _distributie(basis + metapad, "application/csvm+json", "CSVW-metadata"),
        ],
    }


def _dcatbron(b: dict[str, Any]) -> dict[str, Any]:
    uit = {
        "dct:identifier": b["dc:identifier"],
        "dct:title": b["dc:title"],
        "owl:versionInfo": b["schema:version"],
    }
    if "@id" in b:
        uit["@id"] = b["@id"]
    return uit


def _distributie(url: str, mediatype: str, titel: str) -> dict[str, Any]:
    return {
        "@type": "dcat:Distribution",
        "dct:title": {"@language": "nl", "@value": titel},
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{mediatype}"},
        "dct:license": {"@id": LICENTIE},
    }
