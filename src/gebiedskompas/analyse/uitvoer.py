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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .. import opmaak
from ..errors import InvoerFout
from ..excelveilig import csv_veilig, excelschrijver
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
            "gebieden": [],
            "themas": [],
            "samenhang": resultaat.samenhang,
            "gevoeligheid": resultaat.sobol,
            "uitgesloten": resultaat.uitgesloten.to_dict("records"),
            "tussen_wal_en_schip": None if wal is None else _wal_als_json(wal),
            "runrecord": resultaat.runrecord,
            # a replay that went ahead on other data (--andere-gegevens) says so at the top
            "andere_gegevens": bool(resultaat.runrecord.get("andere_gegevens")),
        }
    )
    # the two big tables are made JSON-safe column by column (as opmaak.als_json would per cell)
    inhoud["gebieden"] = json_rijen(resultaat.gebieden)
    inhoud["themas"] = json_rijen(resultaat.themas)
    return inhoud


def json_rijen(tabel: pd.DataFrame) -> list[dict[str, Any]]:
    """``opmaak.als_json(tabel.to_dict("records"))``, a column at a time: numbers as Python numbers,
    NaN, infinite values and other missing values as None."""
    kolommen = [_json_kolom(tabel[k]) for k in tabel.columns]
    namen = [str(k) for k in tabel.columns]
    return [dict(zip(namen, rij, strict=True)) for rij in zip(*kolommen, strict=True)]


def _json_kolom(reeks: pd.Series) -> list[Any]:
    if pd.api.types.is_float_dtype(reeks) and not isinstance(reeks.dtype, pd.api.extensions.ExtensionDtype):
        getallen = reeks.to_numpy()
        waarden: list[Any] = pd.Series(getallen, dtype=object).where(np.isfinite(getallen), None).tolist()
        return waarden
    if isinstance(reeks.dtype, np.dtype) and reeks.dtype.kind in "iub":
        return reeks.tolist()
    return opmaak.als_json(reeks.tolist())  # type: ignore[no-any-return]


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


# Excel gets every summary sheet, and a big table only while it fits: at most EXCEL_RIJEN rows per
# sheet and EXCEL_CELLEN cells over the big sheets together, filled in the order of GROTE_BLADEN.
# Measured on the 2-core machine: about 5 µs a cell (all 12,360 buurten in scope of the national
# method: Gebieden 222,000 cells in 1.15 s of a 4.1 s run). The ranking of every Dutch buurt is the
# result an analyst opens first, so the budget keeps it (about 1.5 s of Excel at most): runs of
# gemeenten, wijken or all buurten keep Gebieden, a province's buurten also Thema's; both limits are
# far below Excel's own 1,048,576 rows.
# A table left out of Excel is written as CSV next to its Parquet file, and the workbook says so.
EXCEL_RIJEN = 100_000
EXCEL_CELLEN = 300_000
# big sheet -> the file name (without extension) of its table
GROTE_BLADEN = {
    "Gebieden": "gebieden",
    "Tussen wal en schip": "tussen_wal_en_schip",
    "Thema's": "themas",
    "Indicatoren": "indicatoren",
}
LEES_MIJ = "Lees mij"


@dataclass(frozen=True)
class Weggelaten:
    """A big sheet left out of the Excel file: its table is in ``bestand``.csv (and .parquet)."""

    blad: str
    bestand: str
    rijen: int
    met_parquet: bool

    @property
    def tekst(self) -> str:
        zie = f"{self.bestand}.parquet of {self.bestand}.csv" if self.met_parquet else f"{self.bestand}.csv"
        return (
            f"Het blad {self.blad} ({opmaak.getal(self.rijen, 0)} rijen) staat niet in dit Excelbestand: "
            f"te groot; zie {zie} in dezelfde map."
        )


def buiten_excel(groottes: Mapping[str, tuple[int, int]]) -> list[str]:
    """The big sheets (name -> (rows, columns), in order of preference) that do not fit the budget:
    more than ``EXCEL_RIJEN`` rows, or more cells than the big sheets before them left over."""
    over = EXCEL_CELLEN
    weg = []
    for blad, (rijen, kolommen) in groottes.items():
        if rijen <= EXCEL_RIJEN and rijen * kolommen <= over:
            over -= rijen * kolommen
        else:
            weg.append(blad)
    return weg


def _grote_tabellen(resultaat: Resultaat, wal: WalEnSchip | None) -> dict[str, pd.DataFrame]:
    """The big sheets' tables, in the order of ``GROTE_BLADEN``."""
    tabellen = {
        "Gebieden": resultaat.gebieden,
        "Tussen wal en schip": None if wal is None else wal.gebieden,
        "Thema's": resultaat.themas,
        "Indicatoren": resultaat.indicatoren,
    }
    return {blad: t for blad, t in tabellen.items() if t is not None}


def weggelaten(resultaat: Resultaat, wal: WalEnSchip | None = None) -> list[Weggelaten]:
    """The big sheets that the Excel file leaves out (``buiten_excel``)."""
    tabellen = _grote_tabellen(resultaat, wal)
    # the Indicatoren sheet has one column more than its table: the indicator's label
    groottes = {b: (len(t), len(t.columns) + (b == "Indicatoren")) for b, t in tabellen.items()}
    return [
        Weggelaten(b, GROTE_BLADEN[b], len(tabellen[b]), b != "Tussen wal en schip")
        for b in buiten_excel(groottes)
    ]


def excelregel(resultaat: Resultaat, wal: WalEnSchip | None = None) -> str | None:
    """One Dutch line for the CLI when a big sheet was left out of the Excel file, else None."""
    weg = weggelaten(resultaat, wal)
    if not weg:
        return None
    bladen = ", ".join(f"{w.blad} ({opmaak.getal(w.rijen, 0)} rijen)" for w in weg)
    bestanden = ", ".join(f"{w.bestand}.csv" for w in weg)
    return f"Let op: te groot voor Excel en dus niet in resultaat.xlsx: {bladen}; zie {bestanden}."


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
    weg = weggelaten(resultaat, wal)
    bladen = _bladen(resultaat, wal)
    for w in weg:
        pad = map / f"{w.bestand}.csv"
        schrijf_csv(bladen.pop(w.blad).rename(columns=KOPPEN), pad)
        paden.append(pad)
    pad = map / "resultaat.xlsx"
    _excel(bladen, pad, weg)
    paden.append(pad)
    return paden


def _bladen(resultaat: Resultaat, wal: WalEnSchip | None) -> dict[str, pd.DataFrame]:
    """Every sheet of the Excel file, in the workbook's order."""
    indicatoren = resultaat.indicatoren.copy()
    labels = {i: indicatorlabel(i) for i in indicatoren["indicator"].unique()}
    indicatoren.insert(2, "label", indicatoren["indicator"].map(labels))
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
    return bladen


def _excel(bladen: Mapping[str, pd.DataFrame], pad: Path, weg: list[Weggelaten]) -> None:
    """The workbook: a "Lees mij" sheet first when a big sheet was left out, then the sheets."""
    with excelschrijver(pad) as schrijver:
        if weg:
            lees = pd.DataFrame({"Lees mij": [w.tekst for w in weg]})
            schrijf_excelblad(schrijver, LEES_MIJ, lees, KOPPEN)
        for blad, frame in bladen.items():
            schrijf_excelblad(schrijver, blad, frame, KOPPEN)


def schrijf_csv(tabel: pd.DataFrame, pad: Path) -> None:
    """A CSV for Dutch Excel, as the site's downloads (``web.site.views.csv_antwoord``): semicolons,
    a decimal comma, UTF-8 with a byte order mark, CRLF line ends, no thousands separator, a missing
    value as an empty field, and a text that a spreadsheet would run as a formula with a leading
    apostrophe (``csv_veilig``). Written by pyarrow, with text and decimal numbers between quotes;
    a table with other column types goes through pandas ``to_csv``."""
    kolommen = [_csvkolom(tabel[k]) for k in tabel.columns]
    with pad.open("wb") as uit:
        uit.write("\ufeff".encode())
        if any(k is None for k in kolommen):
            csv_veilig(tabel).to_csv(uit, index=False, sep=";", decimal=",", lineterminator="\r\n")
            return
        tabel_pa = pa.table(kolommen, names=[str(k) for k in tabel.columns])
        pcsv.write_csv(tabel_pa, uit, pcsv.WriteOptions(delimiter=";", eol="\r\n"))


def _csvkolom(reeks: pd.Series) -> pa.Array | None:
    """A column as pyarrow would write it in ``schrijf_csv``; None for a type it leaves to pandas."""
    if pd.api.types.is_bool_dtype(reeks) and not reeks.hasnans:
        return pa.array(np.where(reeks.to_numpy(dtype=bool), "True", "False"))
    if pd.api.types.is_integer_dtype(reeks) and not isinstance(reeks.dtype, pd.api.extensions.ExtensionDtype):
        return pa.array(reeks.to_numpy())
    if pd.api.types.is_float_dtype(reeks) and not isinstance(reeks.dtype, pd.api.extensions.ExtensionDtype):
        getallen = pa.array(reeks.to_numpy(), from_pandas=True)  # NaN becomes an empty field
        return pc.replace_substring(pc.cast(getallen, pa.string()), ".", ",")
    if pd.api.types.is_object_dtype(reeks) or pd.api.types.is_string_dtype(reeks):
        codes, uniek = pd.factorize(reeks, use_na_sentinel=True)  # a missing value: code -1
        teksten = pd.Series(uniek, dtype=object)
        if not all(isinstance(x, str) for x in teksten):
            return None
        veilig = csv_veilig(pd.DataFrame({"t": teksten}))["t"].to_numpy(dtype=object)
        waarden = veilig[np.maximum(codes, 0)] if len(veilig) else np.full(len(codes), None)
        waarden[codes < 0] = None
        return pa.array(waarden, type=pa.string())
    return None


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
