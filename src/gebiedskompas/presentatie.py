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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .analyse.opgeslagen import Run
from .catalogus import catalogus
from .effect.oordeel import decimalen
from .errors import GebiedskompasFout, InvoerFout
from .excelveilig import tekst_blijft_tekst
from .grenskeuze import Grenskeuze, bronvermelding, dekking, kies_grenzen, meervoud, ontleed_sleutel
from .opmaak import EXCEL_GETAL, ONTBREEKT, als_json, getal, getal_auto, ontbreekt, procent
from .opslag import Opslag, Toestand
from .register import Register

KLEURKLASSEN = 5
# ColorBrewer "Reds" in five classes, light (least need) to dark (most need); the map's colours.
KLEUREN = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
GEEN_WAARDE = "#e0e0e0"
STANDAARDLAAG = "composiet"
HOGER_IS_SLECHTER = "hoger_is_slechter"
HOGER_IS_BETER = "hoger_is_beter"


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


def legenda(grenzen: list[float], richting: str = HOGER_IS_SLECHTER) -> list[dict[str, Any]]:
    """One entry per class, from least to most need: number, colour, the range of the layer's own
    values it holds (``vanaf`` up to ``tot``) and that range in Dutch ("14,90 – 15,86"). ``grenzen``
    are the breaks of the need-oriented value (``noodwaarde``): with ``hoger_is_beter`` the classes
    run from the highest values (least need) down to the lowest."""
    uit = []
    for k, (laag, hoog) in enumerate(pairwise(grenzen), start=1):
        vanaf, tot = (laag, hoog) if richting != HOGER_IS_BETER else (-hoog, -laag)
        uit.append(
            {
                "kleurklasse": k,
                "kleur": KLEUREN[min(k, len(KLEUREN)) - 1],
                "vanaf": vanaf,
                "tot": tot,
                "tekst": f"{getal(vanaf, 2)} – {getal(tot, 2)}",
            }
        )
    return uit


def indicatorrichting(run: Run, indicator: str) -> str:
    """Whether a higher value of an indicator means more need (``hoger_is_slechter``) or less
    (``hoger_is_beter``) in this run: the method's choice, else the catalogue's."""
    for thema in run.methode["thema"]:
        for keuze in thema["indicator"]:
            if keuze["id"] == indicator and keuze.get("richting"):
                return str(keuze["richting"])
    ind = catalogus().get(indicator)
    return HOGER_IS_BETER if ind is not None and ind.richting == HOGER_IS_BETER else HOGER_IS_SLECHTER


def laagrichting(run: Run, laag: str) -> str:
    """The direction of a map layer: the composite and the theme scores are need scores (higher is
    worse); an indicator layer shows the indicator's own values, in its own direction."""
    if laag.startswith("indicator:"):
        return indicatorrichting(run, laag.removeprefix("indicator:"))
    return HOGER_IS_SLECHTER


def noodwaarde(waarden: pd.Series, richting: str) -> pd.Series:
    """The values turned so that higher means more need: negated when higher is better."""
    return -waarden if richting == HOGER_IS_BETER else waarden


@dataclass(frozen=True)
class Kaartklassen:
    """The colour classes of a map layer: quantile classes (``KLEURKLASSEN``) of the need-oriented
    value of the analysis's areas, so a darker colour always means more need, for the composite, a
    theme and an indicator alike."""

    laag: str
    richting: str
    grenzen: list[float]  # breaks of the need-oriented value

    def klasse(self, waarde: Any) -> int | None:
        """The colour class of a value in the layer's own units (1 = least need)."""
        if ontbreekt(waarde):
            return None
        return kleurklasse(-float(waarde) if self.richting == HOGER_IS_BETER else waarde, self.grenzen)

    @property
    def legenda(self) -> list[dict[str, Any]]:
        return legenda(self.grenzen, self.richting)

    @property
    def uitleg(self) -> str:
        """What the colours mean, in Dutch."""
        if self.laag.startswith("indicator:"):
            slechter = "lager" if self.richting == HOGER_IS_BETER else "hoger"
            richting = f"bij deze indicator is {slechter} slechter"
        else:
            richting = "bij deze score is hoger slechter (meer nood dan de benchmark)"
        return (
            f"Donkerder = meer nood; {richting}. Vijf klassen met elk ongeveer een vijfde van de "
            "gebieden van de analyse (kwintielen), van minste naar meeste nood."
        )


def kaartklassen(run: Run, laag: str, waarden: pd.Series | None = None) -> Kaartklassen:
    """The colour classes of a layer; ``waarden``: the layer's values (``laagwaarden``) when at hand."""
    if waarden is None:
        waarden = laagwaarden(run, laag)["waarde"]
    richting = laagrichting(run, laag)
    return Kaartklassen(laag, richting, klassegrenzen(noodwaarde(waarden.astype(float), richting)))


def kaartrijen(waarden: pd.DataFrame, klassen: Kaartklassen, getekend: Iterable[str]) -> list[dict[str, Any]]:
    """The map's table: per area (by rank) name, code, the layer's value, benchmark and 95% interval
    in Dutch, its colour class, and whether the map draws it."""
    op_kaart = set(getekend)
    uit = []
    for rij in waarden.to_dict("records"):
        klasse = klassen.klasse(rij["waarde"])
        uit.append(
            {
                "code": rij["code"],
                "naam": rij["naam"],
                "waarde": getal(rij["waarde"], 2),
                "benchmark": getal(rij["benchmark"], 2),
                "interval": ONTBREEKT
                if ontbreekt(rij["onder"]) or ontbreekt(rij["boven"])
                else f"{getal(rij['onder'], 1)}–{getal(rij['boven'], 1)}",
                "groep": "" if ontbreekt(rij["groep"]) else str(rij["groep"]),
                "kleurklasse": klasse,
                "klassetekst": ONTBREEKT if klasse is None else f"{klasse} van {len(klassen.legenda)}",
                "op_kaart": rij["code"] in op_kaart,
            }
        )
    return uit


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
    the run's areas, with the layer's value, benchmark, margins, group and colour class
    (``kaartklassen``: darker = more need); the chosen vintage, the credit line, the legend (class,
    colour, range; the map takes its colours from it), what the colours mean (``legendatekst``), the
    colour of areas without a value and the programme areas (``programmagrenzen``) listed."""
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    waarden = laagwaarden(run, laag).set_index("code")
    klassen = kaartklassen(run, laag, waarden["waarde"])
    keuze, _ = grenskeuze(run, opslag, toestand)
    gemeenten = gemeenten_in(register, set(run.gebieden["provincie"].dropna()))
    features = []
    for f in grenzen(keuze, opslag, toestand, gemeenten, set(waarden.index)):
        code = f["properties"]["code"]
        eigenschappen = {"code": code, "naam": f["properties"]["naam"]}
        if code in waarden.index:
            rij = waarden.loc[code]
            eigenschappen |= als_json({k: rij[k] for k in ("waarde", "benchmark", "onder", "boven", "groep")})
            eigenschappen["kleurklasse"] = klassen.klasse(rij["waarde"])
        features.append({"type": "Feature", "properties": eigenschappen, "geometry": f["geometry"]})
    return {
        "type": "FeatureCollection",
        "features": features,
        "indeling": _indeling(keuze),
        "bron": bronvermelding(keuze),
        "legenda": klassen.legenda,
        "legendatekst": klassen.uitleg,
        "geen_waarde": GEEN_WAARDE,
        "programma": programma or [],
    }


# --- area profile ----------------------------------------------------------------------------------


def uitkomst(run: Run, code: str) -> list[tuple[str, str]]:
    """An area's outcome in a run, in Dutch: group, rank (with its 5–95% range and chance of
    selection when the run has them), composite score against the benchmark, what drives it."""
    rij = run.gebieden[run.gebieden["code"] == code].iloc[0]
    rang = f"{getal(rij['rang'], 0)} van {getal(run.gebieden['rang'].notna().sum(), 0)}"
    if run.heeft_robuustheid:
        rang += (
            f" (5–95%: {getal(rij['rang_p05'], 0)}–{getal(rij['rang_p95'], 0)}; kans op selectie "
            f"{procent(100 * rij['kans_op_selectie'], 0)})"
        )
    score = f"{getal(rij['composiet'])} (benchmark {getal(rij['benchmark_composiet'])}, {rij['benchmark']})"
    uitleg = rij.get("uitleg")
    return [
        ("Groep", str(rij["groep"])),
        ("Rang", rang),
        ("Samengestelde score", score),
        ("Wat de score bepaalt", ONTBREEKT if ontbreekt(uitleg) or not uitleg else str(uitleg)),
    ]


def gebiedsprofiel(run: Run, code: str) -> dict[str, Any]:
    """What an area profile shows of an area in a run: its outcome, its themes against the benchmark
    and its indicators (value, 95% interval and benchmark in Dutch, unit, definition and source line);
    the chart of the indicators is ``grafieken.profielgrafiek``."""
    from .profiel import bron_van, indicatorinfo

    themalabels = {t["id"]: t["label"] for t in run.methode["thema"]}
    themas = run.themas[run.themas["code"] == code].to_dict("records")
    indicatoren = run.indicatoren[run.indicatoren["code"] == code].to_dict("records")
    periode = str(run.methode["scope"]["periode"])
    return {
        "uitkomst": uitkomst(run, code),
        "themas": [
            {
                "thema": themalabels.get(str(t["thema"]), str(t["thema"])),
                "score": getal(t["score"]),
                "benchmark": getal(t["benchmark"]),
                "oordeel": t["oordeel"],
            }
            for t in themas
        ],
        "indicatoren": [
            {
                "label": indicatorlabel(str(i["indicator"])),
                "waarde": getal(i["waarde"], 1),
                "interval": ONTBREEKT
                if ontbreekt(i["onder"]) or ontbreekt(i["boven"])
                else f"{getal(i['onder'], 1)}–{getal(i['boven'], 1)}",
                "benchmark": getal(i["benchmark"], 1),
                "eenheid": indicatorinfo(str(i["indicator"])).eenheid,
                "definitie": indicatorinfo(str(i["indicator"])).definitie,
                "bron": bron_van(str(i["indicator"]), periode),
            }
            for i in indicatoren
        ],
    }


NIVEAUWOORD = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}


def omliggende_codes(code: str) -> list[str]:
    """The areas a buurt or wijk lies in, smallest first (buurt → wijk → gemeente), from the code:
    a buurt code holds the six digits of its wijk, a wijk code the four of its gemeente."""
    if code.startswith("BU") and len(code) == 10:
        return ["WK" + code[2:8], "GM" + code[2:6]]
    if code.startswith("WK") and len(code) == 8:
        return ["GM" + code[2:6]]
    return []


def _ligt_in(deel: str, geheel: str) -> bool:
    """Whether area ``deel`` lies in the larger area ``geheel`` (codes of different length)."""
    return len(deel) > len(geheel) and deel[2:].startswith(geheel[2:])


def walvermeldingen(runs: Sequence[Run], code: str) -> list[dict[str, Any]]:
    """Where an area is reported "tussen wal en schip" (``analyseer ... --naast``): per run the
    area's scope-free score and rank, the threshold, and per method why it does not cover the area."""
    uit = []
    for run in runs:
        wal = run.resultaat.get("tussen_wal_en_schip") or {}
        for g in wal.get("gebieden", []):
            if g.get("code") != code:
                continue
            controles = [
                {"methode": c["methode"], "niveau": c["niveau"], "reden": c["reden"]}
                for c in g.get("controles") or []
            ] or [
                {"methode": "", "niveau": "", "reden": r}
                for r in str(g.get("waarom_buiten_scope", "")).split("; ")
            ]
            uit.append(
                {
                    "run": run.naam,
                    "titel": run.methode["titel"],
                    "code": code,
                    "naam": g.get("naam") or code,
                    "score": getal(g.get("composiet_zonder_scope"), 2),
                    "rang": getal(g.get("rang_zonder_scope"), 0),
                    "drempel": getal(wal.get("drempel"), 2),
                    "controles": controles,
                }
            )
    return uit


def _analysevermelding(run: Run, code: str) -> dict[str, Any]:
    naam = run.gebieden.loc[run.gebieden["code"] == code, "naam"].iloc[0]
    return {
        "run": run.naam,
        "titel": run.methode["titel"],
        "code": code,
        "naam": str(naam),
        "uitkomst": uitkomst(run, code),
    }


def _delen(runs: Sequence[Run], code: str, hoeveel: int = 5) -> list[dict[str, Any]]:
    """Per run the areas that lie in ``code`` (the buurten of a wijk, the wijken or buurten of a
    gemeente): how many, and the ``hoeveel`` with the highest need."""
    uit = []
    for run in runs:
        g = run.gebieden[run.gebieden["code"].map(lambda c: _ligt_in(str(c), code))]
        if g.empty:
            continue
        niveau = str(run.methode["scope"]["niveau"])
        eerste = g.sort_values("rang", na_position="last").head(hoeveel)
        uit.append(
            {
                "run": run.naam,
                "titel": run.methode["titel"],
                "niveau": niveau if len(g) == 1 else meervoud(niveau),
                "aantal": len(g),
                "gebieden": [
                    {"code": r["code"], "naam": r["naam"], "rang": getal(r["rang"], 0), "groep": r["groep"]}
                    for r in eerste.to_dict("records")
                ],
            }
        )
    return uit


def plaats_in_analyses(runs: Sequence[Run], code: str) -> dict[str, Any]:
    """Where an area stands in the saved analyses, for its profile (``niveau``: the area's level):

    - ``in_analyse``: whether a run ranks the area itself; ``analyses``: those runs (name, title);
    - ``wal``: the runs that report it "tussen wal en schip", with the reasons per method;
    - ``omliggend``: when no run ranks or reports the area itself, the first area it lies in
      (wijk, then gemeente) that a run ranks or reports, with those entries: the figures of the
      larger area, to be shown as such;
    - ``delen``: when no run ranks the area itself, the runs that rank areas lying in it."""
    eigen = [{"run": r.naam, "titel": r.methode["titel"]} for r in runs if code in set(r.gebieden["code"])]
    in_analyse = bool(eigen)
    wal = walvermeldingen(runs, code)
    omliggend = None
    if not in_analyse and not wal:
        for ouder in omliggende_codes(code):
            uitslagen = [_analysevermelding(r, ouder) for r in runs if ouder in set(r.gebieden["code"])]
            ouderwal = walvermeldingen(runs, ouder)
            if uitslagen or ouderwal:
                naam = (uitslagen or ouderwal)[0]["naam"]
                omliggend = {
                    "code": ouder,
                    "naam": naam,
                    "niveau": NIVEAUWOORD[ouder[:2]],
                    "uitslagen": uitslagen,
                    "wal": ouderwal,
                }
                break
    return {
        "niveau": NIVEAUWOORD.get(code[:2], ""),
        "in_analyse": in_analyse,
        "analyses": eigen,
        "wal": wal,
        "omliggend": omliggend,
        "delen": [] if in_analyse else _delen(runs, code),
    }


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
    Excel number format per column (Excel shows them with the reader's own separators), text as text
    (never a formula or link), an empty cell for a missing value.

    Cells are written straight through XlsxWriter, a method per column (pandas ``to_excel`` formats
    and styles every cell on its own); a frame with other column types (dates, categories) still
    goes through ``to_excel``."""
    naam = blad[:31]
    tekst_blijft_tekst(schrijver)  # a title such as "=HYPERLINK(...)" stays text, never a formula
    boek: Any = schrijver.book  # an XlsxWriter workbook (pandas types it as a union)
    eenvoudig = frame.columns.is_unique and all(_celsoort(frame[k]) for k in frame.columns)
    if eenvoudig and naam not in schrijver.sheets:
        werkblad = boek.add_worksheet(naam)
        _getalopmaak(werkblad, boek, frame)
        _schrijf_cellen(werkblad, frame, koppen)
    else:
        frame.rename(columns=dict(koppen)).to_excel(schrijver, sheet_name=naam, index=False)
        werkblad = schrijver.sheets[naam]
        _getalopmaak(werkblad, boek, frame)
    werkblad.freeze_panes(1, 0)


def _getalopmaak(werkblad: Any, boek: Any, frame: pd.DataFrame) -> None:
    """Per numeric column its Excel number format (``excelopmaak``), set on the whole column."""
    for i, kolom in enumerate(frame.columns):
        reeks = frame[kolom]
        if str(kolom) in ZONDER_GETALOPMAAK or not pd.api.types.is_numeric_dtype(reeks):
            continue
        if pd.api.types.is_bool_dtype(reeks):
            continue
        opmaak = excelopmaak(_kenmerkende_getallen(reeks))
        if opmaak is not None:
            werkblad.set_column(i, i, None, boek.add_format({"num_format": opmaak}))


def _kenmerkende_getallen(reeks: pd.Series) -> list[float]:
    """The finite values of a numeric column, fewer where that cannot change ``excelopmaak``: all
    whole numbers reduce to their extremes, else the unique values (the verdict's decimals)."""
    w = pd.to_numeric(reeks, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    w = w[np.isfinite(w)]
    if w.size and bool(np.all(w == np.round(w))):
        return [float(w.min()), float(w.max())]
    return [float(x) for x in np.unique(w)]


def _celsoort(reeks: pd.Series) -> str | None:
    """How ``_schrijf_cellen`` writes a column: 'getal', 'waarheid' or 'tekst' (objects and text);
    None for other column types."""
    if pd.api.types.is_bool_dtype(reeks) and not isinstance(reeks.dtype, pd.BooleanDtype):
        return "waarheid"
    if pd.api.types.is_numeric_dtype(reeks) and not isinstance(reeks.dtype, pd.api.extensions.ExtensionDtype):
        return "getal"
    if pd.api.types.is_object_dtype(reeks) or pd.api.types.is_string_dtype(reeks):
        return "tekst"
    return None


def _schrijf_cellen(werkblad: Any, frame: pd.DataFrame, koppen: Mapping[str, str]) -> None:
    """Header and rows, row by row; a missing value (NaN, None) or empty text is no cell, as pandas
    writes it; an infinite number is written as the text 'inf' or '-inf', as pandas does."""
    for c, kolom in enumerate(frame.columns):
        _schrijf_waarde(werkblad, 0, c, koppen.get(kolom, kolom))
    schrijvers, lijsten = [], []
    for kolom in frame.columns:
        schrijf, waarden = _kolomschrijver(werkblad, frame[kolom])
        schrijvers.append(schrijf)
        lijsten.append(waarden)
    for r, rij in enumerate(zip(*lijsten, strict=True), start=1):
        for c, (schrijf, waarde) in enumerate(zip(schrijvers, rij, strict=True)):
            if waarde is not None:
                schrijf(r, c, waarde)


def _kolomschrijver(werkblad: Any, reeks: pd.Series) -> tuple[Any, list[Any]]:
    """The XlsxWriter method for a column and its values as Python objects, None for no cell."""
    soort = _celsoort(reeks)
    if soort == "waarheid":
        return werkblad.write_boolean, reeks.tolist()
    if soort == "getal":
        w = reeks.to_numpy(dtype=float)
        waarden: list[Any] = reeks.astype(object).where(~np.isnan(w), None).tolist()
        if np.isinf(w).any():  # written as the text "inf" by _schrijf_waarde
            return lambda r, c, x: _schrijf_waarde(werkblad, r, c, x), waarden
        return werkblad.write_number, waarden
    waarden = reeks.astype(object).where(reeks.notna(), None).tolist()
    if all(isinstance(x, str) for x in waarden if x is not None):
        return werkblad.write_string, [x if x != "" else None for x in waarden]
    return lambda r, c, x: _schrijf_waarde(werkblad, r, c, x), waarden


def _schrijf_waarde(werkblad: Any, r: int, c: int, waarde: Any) -> None:
    """One cell of any type: text as text, numbers (not NaN) as numbers, the rest as XlsxWriter does."""
    if isinstance(waarde, str):
        if waarde != "":
            werkblad.write_string(r, c, waarde)
    elif isinstance(waarde, bool | np.bool_):
        werkblad.write_boolean(r, c, bool(waarde))
    elif isinstance(waarde, int | float | np.number):
        x = float(waarde)
        if math.isinf(x):
            werkblad.write_string(r, c, "inf" if x > 0 else "-inf")
        elif not math.isnan(x):
            werkblad.write_number(r, c, waarde)
    elif waarde is not None and not (pd.api.types.is_scalar(waarde) and pd.isna(waarde)):
        werkblad.write(r, c, waarde)
