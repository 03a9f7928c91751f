"""Write an analysis result: Parquet tables, an Excel workbook with Dutch headers (a sheet per
view), a JSON document and the run record.

``bewaar`` writes them atomically: every file goes into a temporary folder next to the destination,
which then replaces the destination folder as a whole, so a failed run never leaves a mix of old
and new files."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import opmaak
from ..errors import InvoerFout
from ..excelveilig import excelschrijver
from ..presentatie import indicatorlabel, schrijf_excelblad
from .classificeer import standaardgroepen
from .opgeslagen import RESULTAAT
from .pijplijn import Resultaat
from .walenschip import WalEnSchip

KOPPEN = {
    "code": "Code",
    "naam": "Naam",
    "gemeente": "Gemeente",
    "provincie": "Provincie",
    "stedelijkheid": "Stedelijkheid",
    "inwoners": "Inwoners",
    "benchmark": "Benchmark",
    "composiet": "Samengestelde score (nood)",
    "benchmark_composiet": "Score benchmark",
    "rang": "Rang",
    "groep": "Groep",
    "ontbrekend": "Ontbrekende indicatoren",
    "geimputeerd": "Geïmputeerde waarden",
    "uitleg": "Grootste bijdragen (waarde tegen benchmark)",
    "mediane_rang": "Mediane rang",
    "rang_p05": "Rang 5e percentiel",
    "rang_p95": "Rang 95e percentiel",
    "kans_op_selectie": "Kans op selectie",
    "indicator": "Indicator",
    "label": "Omschrijving",
    "thema": "Thema",
    "waarde": "Waarde",
    "onder": "Ondergrens 95%",
    "boven": "Bovengrens 95%",
    "behandeld": "Waarde na uitschieterbehandeling",
    "genormaliseerd": "Genormaliseerd (nood)",
    "benchmark_genormaliseerd": "Benchmark genormaliseerd",
    "significant": "Interval geheel slechter (1) of beter (-1)",
    "score": "Themascore",
    "verschil": "Verschil met benchmark",
    "oordeel": "Oordeel",
    "score_getoetst": "Themascore voor het oordeel (binnen marge = benchmark)",
    "indicatoren": "Indicatoren met waarde",
    "met_marges": "Waarvan met 95%-marges",
    "binnen_marge": "Waarvan benchmark binnen marge",
    "reden": "Reden",
    "composiet_zonder_scope": "Score zonder scope",
    "rang_zonder_scope": "Rang zonder scope",
    "waarom_buiten_scope": "Waarom geen methode het gebied dekt",
    "keuze": "Keuze",
    "S1": "Eerste-orde-index (S1)",
    "ST": "Totale index (ST)",
}


def als_json(resultaat: Resultaat, wal: WalEnSchip | None = None) -> dict[str, Any]:
    inhoud: dict[str, Any] = opmaak.als_json(
        {
            "methode": resultaat.methode.model_dump(),
            "gebieden": resultaat.gebieden.to_dict("records"),
            "themas": resultaat.themas.to_dict("records"),
            "samenhang": resultaat.samenhang,
            "gevoeligheid": resultaat.sobol,
            "uitgesloten": resultaat.uitgesloten.to_dict("records"),
            "tussen_wal_en_schip": None if wal is None else _wal_als_json(wal),
            "runrecord": resultaat.runrecord,
            # a replay that went ahead on other data (--andere-gegevens) says so at the top
            "andere_gegevens": bool(resultaat.runrecord.get("andere_gegevens")),
        }
    )
    return inhoud


def _wal_als_json(wal: WalEnSchip) -> dict[str, Any]:
    """Per reported area the check of every method: method, level, and why it did not cover it."""
    gebieden = []
    for rij in wal.gebieden.to_dict("records"):
        controles = wal.controles.get(str(rij["code"]), [])
        rij["controles"] = [{"methode": c.methode, "niveau": c.niveau, "reden": c.reden} for c in controles]
        gebieden.append(rij)
    return {
        "gebieden": gebieden,
        "drempel": wal.drempel,
        "gecontroleerd": wal.methoden,
        "toelichting": wal.toelichting,
    }


# Files that mark a folder as an earlier analysis, which a new run may replace as a whole.
_ANALYSEBESTANDEN = (RESULTAAT, "runrecord.json")


def uitvoermapfout(doel: Path) -> str | None:
    """Dutch reason why ``doel`` cannot receive an analysis, or None. The analysis replaces the whole
    folder, so an existing folder must be empty or hold an earlier analysis."""
    if doel.exists() and not doel.is_dir():
        return f"{doel} is een bestand, geen map"
    for boven in doel.parents:
        if boven.exists():
            if not boven.is_dir():
                return f"{boven} is een bestand, geen map"
            break
    if doel.resolve().name in ("", "..") or doel.resolve() == Path.home():
        return f"{doel} kan geen uitvoermap zijn"
    if doel.is_dir() and any(doel.iterdir()) and not any((doel / b).is_file() for b in _ANALYSEBESTANDEN):
        return (
            f"de map {doel} bestaat al en bevat iets anders dan een eerdere analyse; de uitvoer "
            "vervangt de hele map, kies dus een nieuwe of lege map"
        )
    return None


def bewaar(
    resultaat: Resultaat, doel: Path, wal: WalEnSchip | None = None, *, vervang: bool = True
) -> list[Path]:
    """Write the outputs atomically into ``doel`` (see ``schrijf_atomair``); the written paths. A file
    that cannot be written (a full disk) gives a Dutch error."""
    namen: list[str] = []

    def vul(map: Path) -> None:
        try:
            namen.extend(p.name for p in schrijf(resultaat, map, wal))
        except OSError as e:
            raise InvoerFout(f"de uitvoer kan niet worden geschreven naar {doel} ({e.strerror or e})") from e

    schrijf_atomair(doel, vul, vervang=vervang)
    return [doel / n for n in namen]


def schrijf_atomair(doel: Path, schrijf: Callable[[Path], None], *, vervang: bool = True) -> Path:
    """Let ``schrijf`` fill a new folder and put it in the place of ``doel`` at once.

    The new folder is made inside a temporary folder next to ``doel`` (the same file system, and one
    level deeper, so a listing of the analyses never sees half a result). When it is complete, an
    existing ``doel`` (only if ``vervang``) is moved aside and the new folder renamed into its place;
    the previous folder is removed only after that. On any failure the previous folder stays as it
    was and the temporary folder is removed. Errors of ``schrijf`` pass unchanged; those of making
    and renaming the folders become ``InvoerFout``."""
    if fout := uitvoermapfout(doel):
        raise InvoerFout(fout)
    doel = doel.resolve()
    try:
        doel.parent.mkdir(parents=True, exist_ok=True)
        werk = Path(tempfile.mkdtemp(prefix=f".{doel.name}.tijdelijk-", dir=doel.parent))
    except OSError as e:
        raise InvoerFout(f"de uitvoermap {doel} kan niet worden gemaakt ({e.strerror or e})") from e
    try:
        nieuw = werk / doel.name
        nieuw.mkdir()
        schrijf(nieuw)
        try:
            _zet_op_plaats(nieuw, doel, werk / "vorige", vervang)
        except OSError as e:
            raise InvoerFout(
                f"de uitvoer kan niet op zijn plaats worden gezet: {doel} ({e.strerror or e})"
            ) from e
    finally:
        shutil.rmtree(werk, ignore_errors=True)
    return doel


def _zet_op_plaats(nieuw: Path, doel: Path, vorige: Path, vervang: bool) -> None:
    if not (doel.exists() or doel.is_symlink()):
        os.rename(nieuw, doel)
        return
    if not vervang:
        raise InvoerFout(f"er staat al een map {doel}")
    os.rename(doel, vorige)
    try:
        os.rename(nieuw, doel)
    except BaseException:
        os.rename(vorige, doel)
        raise


def schrijf(resultaat: Resultaat, map: Path, wal: WalEnSchip | None = None) -> list[Path]:
    map.mkdir(parents=True, exist_ok=True)
    paden = []
    for naam, frame in (
        ("gebieden", resultaat.gebieden),
        ("indicatoren", resultaat.indicatoren),
        ("themas", resultaat.themas),
    ):
        pad = map / f"{naam}.parquet"
        frame.to_parquet(pad, index=False)
        paden.append(pad)
    for naam, inhoud in (
        ("resultaat.json", als_json(resultaat, wal)),
        ("runrecord.json", opmaak.als_json(resultaat.runrecord)),
    ):
        pad = map / naam
        pad.write_text(json.dumps(inhoud, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
        paden.append(pad)
    pad = map / "resultaat.xlsx"
    _excel(resultaat, pad, wal)
    paden.append(pad)
    return paden


def _excel(resultaat: Resultaat, pad: Path, wal: WalEnSchip | None) -> None:
    indicatoren = resultaat.indicatoren.copy()
    indicatoren.insert(2, "label", indicatoren["indicator"].map(indicatorlabel))
    bladen: dict[str, pd.DataFrame] = {
        "Gebieden": resultaat.gebieden,
        "Thema's": resultaat.themas,
        "Indicatoren": indicatoren,
        "Gevoeligheid": pd.DataFrame(resultaat.sobol, columns=["keuze", "S1", "ST"]),
        "Hoge correlaties": pd.DataFrame(
            resultaat.samenhang["hoge_correlaties"], columns=["indicator_a", "indicator_b", "r", "soort"]
        ),
        "Cronbach alfa": pd.DataFrame(
            list(resultaat.samenhang["cronbach_alfa"].items()), columns=["thema", "alfa"]
        ),
        "Uitgesloten": resultaat.uitgesloten,
        "Methode": _methodeblad(resultaat),
        "Herkomst": pd.DataFrame(resultaat.runrecord["gegevens"]),
    }
    if wal is not None:
        bladen["Tussen wal en schip"] = wal.gebieden
    with excelschrijver(pad) as schrijver:
        for blad, frame in bladen.items():
            schrijf_excelblad(schrijver, blad, frame, KOPPEN)


def _methodeblad(resultaat: Resultaat) -> pd.DataFrame:
    m = resultaat.methode
    rijen = [
        ("naam", m.naam),
        ("titel", m.titel),
        ("niveau", m.scope.niveau),
        ("periode", m.scope.periode),
        ("stedelijkheid", ", ".join(map(str, m.scope.stedelijkheid))),
        ("benchmark", m.benchmark.soort),
        ("normalisatie", m.normalisatie),
        ("aggregatie", m.aggregatie),
        ("imputatie", m.imputatie),
        ("drempel", m.classificatie.drempel),
        ("seed", resultaat.runrecord["seed"]),
        ("replicaties robuustheid", resultaat.runrecord.get("robuustheid", 0)),
    ]
    if resultaat.runrecord.get("andere_gegevens"):
        verschillen = "; ".join(v["tekst"] for v in resultaat.runrecord.get("verschillen", []))
        rijen.append(("andere gegevens dan het herhaalde runrecord", verschillen))
    rijen.extend(_groepregels(resultaat))
    for t in m.thema:
        for i in t.indicator:
            rijen.append(
                (f"thema {t.id} (gewicht {t.gewicht})", f"{i.id} (gewicht {i.gewicht}) {i.reden}".strip())
            )
    return pd.DataFrame(rijen, columns=["Onderdeel", "Waarde"])


def _groepregels(resultaat: Resultaat) -> list[tuple[str, str]]:
    """The method's groups as rows of the Methode sheet: name and rule in words."""
    c = resultaat.methode.classificatie
    aantal = len(resultaat.methode.thema)
    rijen = []
    for g in c.groep or standaardgroepen(aantal):
        min_s, max_s, min_b, max_b = g.grenzen(aantal)
        regel = (
            f"slechter op {min_s} tot en met {max_s}, beter op {min_b} tot en met {max_b} "
            f"van de {aantal} thema's"
        )
        rijen.append((f"groep {g.naam}", f"{regel}. {g.toelichting}".strip()))
    rijen.append(("groep voor gebieden die in geen groep passen", c.overig))
    return rijen


def margeregel(themas: pd.DataFrame) -> str:
    """One line for the CLI: per theme, how many indicator values of the areas had 95% margins."""
    som = themas.groupby("thema", sort=False)[["met_marges", "indicatoren"]].sum()
    delen = [f"{t} {int(r.met_marges)} van {int(r.indicatoren)}" for t, r in som.iterrows()]
    return "Waarden met 95%-marges per thema: " + "; ".join(delen)
