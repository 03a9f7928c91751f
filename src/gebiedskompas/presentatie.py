"""What the map, the area profile and the exports show of an analysis, computed once for the web
pages, the PDF reports and the command line (``gebiedskompas rapport --formaat geojson``).

Pure: no Django. Callers pass in what they hold: a saved run (``analyse.opgeslagen``), the store
and its state, the region register and the programme areas. Class breaks, class colours and the
legend, the map layers and their values, the map's GeoJSON, the trend series of an area profile,
and the number formats of Excel sheets.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .analyse.opgeslagen import Run
from .catalogus import catalogus
from .effect.oordeel import decimalen
from .errors import GebiedskompasFout, InvoerFout
from .grenskeuze import Grenskeuze, bronvermelding, dekking, kies_grenzen, ontleed_sleutel
from .opmaak import EXCEL_GETAL, als_json, getal, getal_auto, ontbreekt
from .opslag import Opslag, Toestand
from .register import Register

KLEURKLASSEN = 5
# ColorBrewer "Reds" in five classes, light (least need) to dark (most need); the map's colours.
KLEUREN = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
GEEN_WAARDE = "#e0e0e0"
STANDAARDLAAG = "composiet"


def indicatorlabel(indicator: str) -> str:
    """The catalogue's label of an indicator, else its id."""
    ind = catalogus().get(indicator)
    return ind.label if ind else indicator


# --- layers and classes --------------------------------------------------------------------------


def lagen(run: Run) -> list[tuple[str, str]]:
    """The map's layers of a run as (key, Dutch name): the composite, every theme, every indicator."""
    uit = [(STANDAARDLAAG, "Samengestelde score")]
    uit += [(f"thema_{t['id']}", f"Thema: {t['label']}") for t in run.methode["thema"]]
    uit += [
        (f"indicator:{i['id']}", indicatorlabel(i["id"]))
        for t in run.methode["thema"]
        for i in t["indicator"]
    ]
    return uit


def laagwaarden(run: Run, laag: str) -> pd.DataFrame:
    """Per area of the run the layer's value, benchmark and 95% margins (NaN where none), with name,
    group and rank; sorted by rank. An unknown layer raises ``InvoerFout``."""
    g = run.gebieden.set_index("code")
    if laag == STANDAARDLAAG:
        w, bench = g["composiet"], g["benchmark_composiet"]
        onder = boven = pd.Series(np.nan, index=g.index)
    elif laag.startswith("thema_") and laag in g.columns:
        th = run.themas[run.themas["thema"] == laag.removeprefix("thema_")].set_index("code")
        w, bench = th["score"], th["benchmark"]
        onder = boven = pd.Series(np.nan, index=th.index)
    elif laag.startswith("indicator:") and laag.removeprefix("indicator:") in set(
        run.indicatoren["indicator"]
    ):
        ind = run.indicatoren[run.indicatoren["indicator"] == laag.removeprefix("indicator:")].set_index(
            "code"
        )
        w, bench, onder, boven = ind["waarde"], ind["benchmark"], ind["onder"], ind["boven"]
    else:
        bekend = ", ".join(sleutel for sleutel, _ in lagen(run))
        raise InvoerFout(f"onbekende laag '{laag}'; kies uit: {bekend}")
    frame = pd.DataFrame({"waarde": w, "benchmark": bench, "onder": onder, "boven": boven})
    frame = frame.join(g[["naam", "groep", "rang"]], how="left").reset_index(names="code")
    return frame.sort_values("rang", na_position="last")


def klassegrenzen(waarden: pd.Series, aantal: int = KLEURKLASSEN) -> list[float]:
    """Class breaks at equal quantiles of the known values: ``aantal + 1`` numbers from the lowest to
    the highest value ([] when no value is known)."""
    bekend = waarden.dropna()
    if bekend.empty:
        return []
    return [float(x) for x in np.quantile(bekend, np.linspace(0, 1, aantal + 1))]


def kleurklasse(waarde: Any, grenzen: list[float]) -> int | None:
    """The class (1 to ``len(grenzen) - 1``) of a value: class k from break k up to break k + 1, the
    highest class including the highest value; None without a value or breaks. The map colours a
    value with ``KLEUREN[kleurklasse - 1]``."""
    if ontbreekt(waarde) or len(grenzen) < 2:
        return None
    return bisect_right(grenzen[1:-1], float(waarde)) + 1


def legenda(grenzen: list[float]) -> list[dict[str, Any]]:
    """One entry per class: number, colour and Dutch text ("vanaf 1,23")."""
    return [
        {
            "kleurklasse": k,
            "kleur": KLEUREN[min(k, len(KLEUREN)) - 1],
            "vanaf": b,
            "tekst": f"vanaf {getal(b, 2)}",
        }
        for k, b in enumerate(grenzen[:-1], start=1)
    ]


# --- boundaries --------------------------------------------------------------------------------


def lees_object(pad: Path | str) -> dict[str, Any]:
    """A stored JSON object (a boundary file)."""
    inhoud: dict[str, Any] = json.loads(Path(pad).read_text(encoding="utf-8"))
    return inhoud


@lru_cache(maxsize=64)
def _codes_in_object(pad: str) -> frozenset[str]:
    return frozenset(str(f["properties"]["code"]) for f in lees_object(pad)["features"])


def grenscodes(opslag: Opslag, naam: str) -> frozenset[str]:
    """Codes in a stored boundary file. Boundary objects are content-addressed and never rewritten,
    so each file is read once per process."""
    return _codes_in_object(str(opslag.objecten / naam))


def grenskeuze(run: Run, opslag: Opslag, toestand: Toestand) -> tuple[Grenskeuze | None, frozenset[str]]:
    """The vintage of the run's level that matches most of its codes, and the codes it can draw."""
    niveau = run.methode["scope"]["niveau"]
    beschikbaar = {
        sleutel: grenscodes(opslag, naam)
        for sleutel, naam in toestand.grenzen.items()
        if (ontleed := ontleed_sleutel(sleutel)) is not None and ontleed.niveau == niveau
    }
    codes = set(run.gebieden["code"])
    keuze = kies_grenzen(codes, niveau, beschikbaar, int(run.methode["scope"]["periode"][:4]))
    if keuze is None:
        return None, frozenset()
    return keuze, frozenset(codes) & beschikbaar[keuze.sleutel]


def gemeenten_in(register: Register, provincies: set[str]) -> set[str]:
    """The gemeente codes of the register in these provincies (any year)."""
    t = register.tabel
    if not provincies or t.empty:
        return set()
    return set(t[(t["niveau"] == "gemeente") & t["provincie"].isin(provincies)]["code"])


def grenzen(
    keuze: Grenskeuze | None, opslag: Opslag, toestand: Toestand, gemeenten: set[str], codes: set[str]
) -> list[dict[str, Any]]:
    """Boundary features of the chosen vintage: the run's own areas (``codes``) plus, for context,
    the other areas of its ``gemeenten`` (drawn without a value); all of them without gemeenten."""
    naam = toestand.grenzen.get(keuze.sleutel) if keuze is not None else None
    if naam is None:
        return []
    return [
        f
        for f in lees_object(opslag.objecten / naam)["features"]
        if not gemeenten
        or f["properties"]["code"] in codes
        or "GM" + f["properties"]["code"][2:6] in gemeenten
    ]


def programmagrenzen(aanpakken: Iterable[Any]) -> list[dict[str, Any]]:
    """Name and area codes of each programme (objects with ``naam`` and ``regiocodes``)."""
    return [{"naam": a.naam, "codes": list(a.regiocodes)} for a in aanpakken]


def _indeling(keuze: Grenskeuze | None) -> dict[str, Any] | None:
    if keuze is None:
        return None
    return {
        "sleutel": keuze.sleutel,
        "jaar": keuze.jaar,
        "benaderd": keuze.benaderd,
        "getekend": keuze.getekend,
        "zonder_grens": keuze.zonder_grens,
        "tekst": dekking(keuze),
    }


def kaart_geojson(
    run: Run,
    laag: str = STANDAARDLAAG,
    *,
    opslag: Opslag,
    toestand: Toestand,
    register: Register | None = None,
    programma: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The map of a run as a GeoJSON FeatureCollection: boundaries of the vintage that draws most of
    the run's areas, with the layer's value, benchmark, margins, group and colour class; the chosen
    vintage, the credit line, the legend and the programme areas (``programmagrenzen``) listed."""
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    waarden = laagwaarden(run, laag).set_index("code")
    breuken = klassegrenzen(waarden["waarde"])
    keuze, _ = grenskeuze(run, opslag, toestand)
    gemeenten = gemeenten_in(register, set(run.gebieden["provincie"].dropna()))
    features = []
    for f in grenzen(keuze, opslag, toestand, gemeenten, set(waarden.index)):
        code = f["properties"]["code"]
        eigenschappen = {"code": code, "naam": f["properties"]["naam"]}
        if code in waarden.index:
            rij = waarden.loc[code]
            eigenschappen |= als_json({k: rij[k] for k in ("waarde", "benchmark", "onder", "boven", "groep")})
            eigenschappen["kleurklasse"] = kleurklasse(rij["waarde"], breuken)
        features.append({"type": "Feature", "properties": eigenschappen, "geometry": f["geometry"]})
    return {
        "type": "FeatureCollection",
        "features": features,
        "indeling": _indeling(keuze),
        "bron": bronvermelding(keuze),
        "legenda": legenda(breuken),
        "programma": programma or [],
    }


# --- area profile ----------------------------------------------------------------------------------


def trend(toestand: Toestand, code: str, register: Register | None = None) -> dict[str, Any]:
    """Indicators with more than one period for an area profile, on one area classification
    (``reeks``): per indicator (period, value in Dutch format, footnote number); values of merged
    gemeenten are combined from their predecessors and get a footnote with the method."""
    from .reeks import reeks

    try:
        r = reeks(toestand, code, register=register)
    except GebiedskompasFout:
        return {"indeling": None, "indicatoren": [], "voetnoten": []}
    voetnoten: dict[str, int] = {}
    indicatoren = []
    for _, g in r.waarden[r.waarden["waarde"].notna()].groupby("indicator", sort=False):
        if g["periode"].nunique() < 2:
            continue
        punten = []
        for periode, waarde, methode, geharmoniseerd in zip(
            g["periode"], g["waarde"], g["methode"], g["geharmoniseerd"], strict=True
        ):
            tekst = ("geharmoniseerd: " if geharmoniseerd else "") + str(methode)
            noot = voetnoten.setdefault(tekst, len(voetnoten) + 1) if methode else None
            punten.append((str(periode), getal_auto(float(waarde)), noot))
        indicatoren.append({"indicator": g["label"].iloc[0], "reeks": punten})
    noten = [(n, t) for t, n in voetnoten.items()]
    return {"indeling": r.indeling, "indicatoren": indicatoren, "voetnoten": noten}


# --- Excel -----------------------------------------------------------------------------------------

# Columns that hold years, classes or codes as numbers: no thousands separator or decimals.
ZONDER_GETALOPMAAK = frozenset(
    {"jaar", "periode", "start", "indeling", "nep_start", "seed", "stedelijkheid", "referentie", "na"}
)


def excelopmaak(waarden: Iterable[Any]) -> str | None:
    """The Excel number format (``opmaak.EXCEL_GETAL``) for a column of numbers: no decimals when all
    are whole, else as many as the effect verdict shows (``effect.oordeel.decimalen``); None when the
    column holds no number."""
    getallen = [
        float(w)
        for w in waarden
        if isinstance(w, int | float | np.number) and not isinstance(w, bool | np.bool_)
    ]
    eindig = [w for w in getallen if math.isfinite(w)]
    if not eindig:
        return None
    return EXCEL_GETAL[0 if all(w.is_integer() for w in eindig) else decimalen(*eindig)]


def schrijf_excelblad(
    schrijver: pd.ExcelWriter, blad: str, frame: pd.DataFrame, koppen: Mapping[str, str]
) -> None:
    """One sheet (xlsxwriter): Dutch headers, the header row frozen, numbers kept as numbers with an
    Excel number format per column (Excel shows them with the reader's own separators)."""
    naam = blad[:31]
    frame.rename(columns=dict(koppen)).to_excel(schrijver, sheet_name=naam, index=False)
    werkblad = schrijver.sheets[naam]
    werkblad.freeze_panes(1, 0)
    for i, kolom in enumerate(frame.columns):
        if str(kolom) in ZONDER_GETALOPMAAK or not pd.api.types.is_numeric_dtype(frame[kolom]):
            continue
        if pd.api.types.is_bool_dtype(frame[kolom]):
            continue
        opmaak = excelopmaak(frame[kolom].tolist())
        if opmaak is not None:
            boek: Any = schrijver.book  # an XlsxWriter workbook (pandas types it as a union)
            werkblad.set_column(i, i, None, boek.add_format({"num_format": opmaak}))
