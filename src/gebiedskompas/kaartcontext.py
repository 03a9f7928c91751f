"""What the map draws around and below an analysis: context layers and drill-down.

- Context (``kaartcontext``): the borders and names of the gemeenten of the analysis' provincies
  and the outline of those provincies, dissolved from our own gemeente boundaries with shapely. No
  tiles or fonts from elsewhere: names come with a label point (``labelpunt``) for the browser to
  place as an HTML label. Computed once per boundary file and set of gemeenten (boundary files are
  content-addressed, so this is once per store version).
- Drill-down (``inzoomkaart``): gemeente → its wijken → a wijk's buurten, with the values of the
  same layer where a saved analysis at that level holds them and as outlines otherwise, the
  breadcrumb back up (``kruimelpad``) and the table under the map (``inzoomrijen``).

Pure: no Django. Callers pass in the store, its state, the region register and the saved runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from . import presentatie as p
from .analyse.opgeslagen import Run
from .errors import InvoerFout
from .grenskeuze import Grenskeuze, bronvermelding, heel_getal, kies_grenzen, meervoud, ontleed_sleutel
from .opmaak import als_json
from .opslag import Opslag, Toestand
from .register import Register

# Drill-down: the level one step below a level, and below an area by its code prefix.
ONDERNIVEAU: Final[dict[str, str]] = {"gemeente": "wijk", "wijk": "buurt"}
NIVEAUPREFIX: Final[dict[str, str]] = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}
DEELNIVEAU: Final[dict[str, str]] = {NIVEAUPREFIX[n]: onder for n, onder in ONDERNIVEAU.items()}
GEEN_WAARDE_TEKST: Final = "geen waarde in een analyse"
# Simplification of context borders in degrees (about 20 m): invisible at the zooms the map
# shows, and it keeps the context response small.
VEREENVOUDIGING: Final = 0.0002


# --- context ---------------------------------------------------------------------------------------


def geometrie(feature: Mapping[str, Any]) -> BaseGeometry:
    """A GeoJSON feature's geometry as a valid shapely geometry."""
    vorm = shape(feature["geometry"])
    return vorm if vorm.is_valid else shapely.make_valid(vorm)


def labelpunt(vorm: BaseGeometry) -> tuple[float, float]:
    """Where a name goes: the pole of inaccessibility of the largest part (a point well inside
    it, also for a crescent-shaped gemeente), rounded to about a metre."""
    delen = [d for d in getattr(vorm, "geoms", [vorm]) if d.geom_type == "Polygon"]
    grootste = max(delen, key=lambda d: d.area) if delen else vorm
    punt = polylabel(grootste, tolerance=0.0005) if grootste.geom_type == "Polygon" else grootste.centroid
    return round(punt.x, 5), round(punt.y, 5)


def omtrek(vormen: Iterable[BaseGeometry]) -> BaseGeometry:
    """The dissolved outline of a set of areas (a provincie from its gemeenten); slivers between
    neighbouring boundaries are closed by a tiny buffer."""
    return shapely.unary_union([v.buffer(0.00005) for v in vormen]).buffer(-0.00005)


def _feature(eigenschappen: dict[str, Any], vorm: BaseGeometry) -> dict[str, Any]:
    eenvoudig = vorm.simplify(VEREENVOUDIGING, preserve_topology=True)
    geo = shapely.set_precision(eenvoudig, 0.00001)
    return {"type": "Feature", "properties": eigenschappen, "geometry": mapping(geo)}


@dataclass(frozen=True)
class Provincie:
    code: str
    naam: str
    gemeenten: frozenset[str]


def context_geojson(
    gemeentegrenzen: Sequence[Mapping[str, Any]], provincies: Sequence[Provincie]
) -> dict[str, Any]:
    """The context layers as GeoJSON: one feature per gemeente of ``provincies`` (``soort``
    "gemeente") and one outline per provincie (``soort`` "provincie"); ``labels``: per gemeente its
    name, label point and bounding box (``kader``: a name is only shown where it fits), the largest
    gemeenten first (they keep their label when names collide)."""
    binnen = {c for pr in provincies for c in pr.gemeenten}
    vormen = {
        str(f["properties"]["code"]): (str(f["properties"]["naam"]), geometrie(f))
        for f in gemeentegrenzen
        if f["properties"]["code"] in binnen
    }
    features = [
        _feature({"soort": "gemeente", "code": code, "naam": naam}, vorm)
        for code, (naam, vorm) in vormen.items()
    ]
    for pr in provincies:
        delen = [vorm for code, (_, vorm) in vormen.items() if code in pr.gemeenten]
        if delen:
            features.append(_feature({"soort": "provincie", "code": pr.code, "naam": pr.naam}, omtrek(delen)))
    labels = [
        {
            "code": code,
            "naam": naam,
            "punt": list(labelpunt(vorm)),
            "kader": [round(x, 5) for x in vorm.bounds],
            "oppervlak": round(vorm.area, 6),
        }
        for code, (naam, vorm) in sorted(vormen.items(), key=lambda kv: -kv[1][1].area)
    ]
    return {"type": "FeatureCollection", "features": features, "labels": labels}


def provincies_van(run: Run, register: Register) -> list[Provincie]:
    """The provincies of the analysis' areas, each with its name and its gemeenten (any year)."""
    codes = sorted({str(c) for c in run.gebieden["provincie"].dropna()})
    return [
        Provincie(code, register.naam(code) or code, frozenset(p.gemeenten_in(register, {code})))
        for code in codes
    ]


def gemeentekeuze(toestand: Toestand, opslag: Opslag, codes: Iterable[str], jaar: int) -> Grenskeuze | None:
    """The gemeente boundary vintage that draws most of ``codes``, nearest to ``jaar`` on a tie."""
    return _grenskeuze_niveau(opslag, toestand, "gemeente", codes, jaar)


@lru_cache(maxsize=16)
def _context(pad: str, provincies: tuple[Provincie, ...]) -> dict[str, Any]:
    return context_geojson(p.lees_object(pad)["features"], provincies)


def kaartcontext(run: Run, *, opslag: Opslag, toestand: Toestand, register: Register) -> dict[str, Any]:
    """The context layers of a run's map (``context_geojson``), from the gemeente boundaries that
    draw most of its provincies' gemeenten; an empty collection when the store has none."""
    provincies = provincies_van(run, register)
    gemeenten = {c for pr in provincies for c in pr.gemeenten}
    keuze = gemeentekeuze(toestand, opslag, gemeenten, analysejaar(run))
    if keuze is None or not keuze.getekend:
        return {"type": "FeatureCollection", "features": [], "labels": []}
    uit = _context(str(opslag.objecten / toestand.grenzen[keuze.sleutel]), tuple(provincies))
    return uit | {"indeling": keuze.indeling}


@dataclass(frozen=True)
class Programma:
    naam: str
    codes: tuple[str, ...]


def _grenskeuze_niveau(
    opslag: Opslag, toestand: Toestand, niveau: str, codes: Iterable[str], jaar: int
) -> Grenskeuze | None:
    beschikbaar = {
        sleutel: p.grenscodes(opslag, naam)
        for sleutel, naam in toestand.grenzen.items()
        if (o := ontleed_sleutel(sleutel)) is not None and o.niveau == niveau
    }
    return kies_grenzen(codes, niveau, beschikbaar, jaar)


Bouwplan = tuple[tuple[str, tuple[tuple[str, frozenset[str]], ...]], ...]


@lru_cache(maxsize=8)
def _programmas(plan: Bouwplan) -> list[dict[str, Any]]:
    """Outlines from a plan of (name, ((boundary file, codes), ...)); each file is read once."""
    nodig: dict[str, set[str]] = {}
    for _, paden in plan:
        for pad, codes in paden:
            nodig.setdefault(pad, set()).update(codes)
    vormen = {
        (pad, str(f["properties"]["code"])): geometrie(f)
        for pad, codes in nodig.items()
        for f in p.lees_object(pad)["features"]
        if f["properties"]["code"] in codes
    }
    uit = []
    for naam, paden in plan:
        delen = [vormen[(pad, c)] for pad, codes in paden for c in sorted(codes) if (pad, c) in vormen]
        if delen:
            uit.append(_feature({"soort": "programma", "naam": naam}, omtrek(delen)))
    return uit


def programma_geojson(
    programma: Sequence[Programma], *, opslag: Opslag, toestand: Toestand, jaar: int
) -> list[dict[str, Any]]:
    """One outline feature (``soort`` "programma") per programme area: its areas dissolved, each
    level from the boundary vintage that draws most of its codes; programmes without any boundary
    are left out. Computed once per set of programmes and boundary files."""
    plan = []
    for prog in programma:
        paden = []
        for niveau, prefix in NIVEAUPREFIX.items():
            codes = frozenset(c for c in prog.codes if c.startswith(prefix))
            keuze = _grenskeuze_niveau(opslag, toestand, niveau, codes, jaar) if codes else None
            if keuze is not None and keuze.getekend:
                paden.append((str(opslag.objecten / toestand.grenzen[keuze.sleutel]), codes))
        plan.append((prog.naam, tuple(paden)))
    return _programmas(tuple(plan))


def programmas_in(
    programma: Iterable[Mapping[str, Any]], gemeenten: Collection[str], binnen: str | None
) -> list[str]:
    """Names of the programme areas (``naam``, ``codes``) on a map: with an area in one of
    ``gemeenten`` and, in a drill-down, in the gemeente of ``binnen``."""

    def op_kaart(code: str) -> bool:
        if "GM" + code[2:6] not in gemeenten:
            return False
        return binnen is None or code[2:6] == binnen[2:6]

    return [str(prog["naam"]) for prog in programma if any(op_kaart(str(c)) for c in prog["codes"])]


def gemeenten_van(register: Register, provincies: Collection[str], jaar: int) -> list[tuple[str, str]]:
    """(code, name) of the gemeenten of ``provincies`` in the register year nearest to ``jaar``,
    by name: the choices to drill down into."""
    codes = [code for code, pv in register.provincies(jaar).items() if pv in provincies]
    return sorted(((c, register.naam(c) or c) for c in codes), key=lambda cn: cn[1])


def analysejaar(run: Run) -> int:
    return int(str(run.methode["scope"]["periode"])[:4])


# --- drill-down ------------------------------------------------------------------------------------


def deelniveau(binnen: str) -> str | None:
    """The level a drill-down into ``binnen`` shows: wijken of a gemeente, buurten of a wijk."""
    return DEELNIVEAU.get(binnen[:2]) if len(binnen) in (6, 8) else None


def ligt_in(code: str, binnen: str) -> bool:
    """Whether area ``code`` lies in the larger area ``binnen`` (a buurt or wijk code holds the
    digits of its gemeente and wijk)."""
    return len(code) > len(binnen) and code[:2] != binnen[:2] and code[2:].startswith(binnen[2:])


def bronrun(runs: Sequence[Run], niveau: str, binnen: str) -> Run | None:
    """The first saved run at ``niveau`` that ranks areas lying in ``binnen``."""
    for run in runs:
        if run.methode["scope"]["niveau"] == niveau and any(
            ligt_in(str(c), binnen) for c in run.gebieden["code"]
        ):
            return run
    return None


@dataclass(frozen=True)
class Kruimel:
    naam: str
    binnen: str | None  # the drill-down to link to; None: the whole analysis


def kruimelpad(binnen: str | None, provincienamen: Sequence[str], naam: Mapping[str, str]) -> list[Kruimel]:
    """The way back up from a drill-down: the provincie(s), then the gemeente, then the wijk, e.g.
    Limburg › Beesel › wijk 00. ``naam``: code -> name of the gemeente and wijk."""
    pad = [Kruimel(" en ".join(provincienamen) or "Alle gebieden", None)]
    if binnen is None:
        return pad
    gemeente = "GM" + binnen[2:6]
    pad.append(Kruimel(naam.get(gemeente, gemeente), gemeente))
    if binnen.startswith("WK"):
        pad.append(Kruimel(naam.get(binnen, binnen), binnen))
    return pad


@dataclass(frozen=True)
class Inzoom:
    """A drill-down: the areas of ``niveau`` in ``binnen``, their boundaries (``features``), the
    saved run that holds their values (``bron``, None: outlines only) and the layer shown."""

    binnen: str
    niveau: str
    bron: Run | None
    laag: str
    keuze: Grenskeuze | None
    features: list[dict[str, Any]]
    waarden: pd.DataFrame  # laagwaarden of ``bron`` in ``binnen`` (empty without a bron)
    delen: dict[str, str]  # per drawn area without a value: "2 buurten in een analyse"

    @property
    def getekend(self) -> frozenset[str]:
        return frozenset(str(f["properties"]["code"]) for f in self.features)


def _deelgrenzen(
    niveau: str, binnen: str, bron: Run | None, jaar: int, opslag: Opslag, toestand: Toestand
) -> tuple[Grenskeuze | None, list[dict[str, Any]]]:
    if bron is not None:
        keuze, _ = p.grenskeuze(bron, opslag, toestand)
    else:
        keuze = _grenskeuze_niveau(opslag, toestand, niveau, (), jaar)
    if keuze is None:
        return None, []
    alle = p.lees_object(opslag.objecten / toestand.grenzen[keuze.sleutel])["features"]
    return keuze, [f for f in alle if ligt_in(str(f["properties"]["code"]), binnen)]


def inzoom(
    run: Run, laag: str, binnen: str, runs: Sequence[Run], *, opslag: Opslag, toestand: Toestand
) -> Inzoom:
    """The drill-down into ``binnen`` from the map of ``run``: values from ``run`` itself when it is
    at the level below ``binnen``, else from the first other saved run at that level; the same
    layer when that run has it, else its composite score. An unknown ``binnen`` raises
    ``InvoerFout``."""
    niveau = deelniveau(binnen)
    if niveau is None:
        raise InvoerFout(f"kan niet inzoomen op '{binnen}': kies een gemeente (GM…) of wijk (WK…)")
    bron = bronrun([run, *[r for r in runs if r.naam != run.naam]], niveau, binnen)
    bronlaag = laag if bron is not None and laag in dict(p.lagen(bron)) else p.STANDAARDLAAG
    waarden = pd.DataFrame(columns=["code", "waarde", "benchmark", "onder", "boven", "naam", "groep", "rang"])
    if bron is not None:
        alle = p.laagwaarden(bron, bronlaag)
        waarden = alle[alle["code"].map(lambda c: ligt_in(str(c), binnen))]
    keuze, features = _deelgrenzen(niveau, binnen, bron, analysejaar(run), opslag, toestand)
    met_waarde = set(waarden["code"])
    delen = {
        code: tekst
        for code, tekst in delen_in_analyses([run, *runs], niveau, binnen).items()
        if code not in met_waarde
    }
    return Inzoom(binnen, niveau, bron, bronlaag, keuze, features, waarden, delen)


CODELENGTE: Final[dict[str, int]] = {"gemeente": 6, "wijk": 8, "buurt": 10}


def delen_in_analyses(runs: Sequence[Run], niveau: str, binnen: str) -> dict[str, str]:
    """Per area of ``niveau`` in ``binnen``: how many smaller areas saved runs rank in it, in
    Dutch (``"3 buurten in een analyse"``), so an outline without a value says where to look
    further down. An area is counted once however many runs hold it."""
    lengte = CODELENGTE[niveau]
    per_deel: dict[str, set[str]] = {}
    soort: dict[str, str] = {}
    for run in runs:
        runniveau = str(run.methode["scope"]["niveau"])
        for code in map(str, run.gebieden["code"]):
            if len(code) > lengte and ligt_in(code, binnen):
                ouder = NIVEAUPREFIX[niveau] + code[2:lengte]
                per_deel.setdefault(ouder, set()).add(code)
                soort.setdefault(ouder, runniveau)
    return {
        ouder: f"{heel_getal(len(codes))} {soort[ouder] if len(codes) == 1 else meervoud(soort[ouder])} "
        "in een analyse"
        for ouder, codes in per_deel.items()
    }


def inzoom_geojson(z: Inzoom, programma: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A drill-down as the map's GeoJSON (the shape of ``presentatie.kaart_geojson``): the areas'
    boundaries and label points (``punt``), with value, benchmark, margins, group and colour class
    where the run holds them.
    The colour classes are those of the whole source run, so a colour means the same as on its own
    map."""
    klassen = p.kaartklassen(z.bron, z.laag) if z.bron is not None else None
    waarden = z.waarden.set_index("code")
    features = []
    for f in z.features:
        code = str(f["properties"]["code"])
        vorm = geometrie(f)
        eigenschappen: dict[str, Any] = {
            "code": code,
            "naam": f["properties"]["naam"],
            "punt": list(labelpunt(vorm)),
            "kader": [round(x, 5) for x in vorm.bounds],
        }
        if klassen is not None and code in waarden.index:
            rij = waarden.loc[code]
            eigenschappen |= als_json({k: rij[k] for k in ("waarde", "benchmark", "onder", "boven", "groep")})
            eigenschappen["kleurklasse"] = klassen.klasse(rij["waarde"])
        if code in z.delen:
            eigenschappen["delen"] = z.delen[code]
        features.append({"type": "Feature", "properties": eigenschappen, "geometry": f["geometry"]})
    return {
        "type": "FeatureCollection",
        "features": features,
        "binnen": z.binnen,
        "run": z.bron.naam if z.bron is not None else None,
        "bron": bronvermelding(z.keuze),
        "legenda": klassen.legenda if klassen is not None else [],
        "legendatekst": klassen.uitleg if klassen is not None else "",
        "geen_waarde": p.GEEN_WAARDE,
        "programma": programma or [],
    }


def inzoomrijen(z: Inzoom) -> list[dict[str, Any]]:
    """The table under a drill-down map: the source run's areas in ``binnen`` by rank (as
    ``presentatie.kaartrijen``), then the other areas with a boundary, by name, marked
    ``GEEN_WAARDE_TEKST``."""
    rijen: list[dict[str, Any]] = []
    if z.bron is not None:
        rijen = p.kaartrijen(z.waarden, p.kaartklassen(z.bron, z.laag), z.getekend)
    bekend = {r["code"] for r in rijen}
    rest = sorted(
        ((str(f["properties"]["code"]), str(f["properties"]["naam"])) for f in z.features),
        key=lambda cn: cn[1],
    )
    leeg = {"benchmark": "", "interval": "", "groep": "", "kleurklasse": None, "klassetekst": ""}
    rijen += [
        {
            "code": code,
            "naam": naam,
            "waarde": GEEN_WAARDE_TEKST,
            "op_kaart": True,
            "zonder_waarde": True,
            "delen": z.delen.get(code, ""),
        }
        | leeg
        for code, naam in rest
        if code not in bekend
    ]
    return rijen


def inzoomdekking(z: Inzoom, naam: str) -> str:
    """Dutch sentence on what the drill-down draws, e.g. ``2 wijken van Beesel op de kaart, zonder
    waarde: geen opgeslagen analyse op wijkniveau bevat ze``."""
    meer = meervoud(z.niveau)
    if z.bron is None:
        return (
            f"{heel_getal(len(z.features))} {meer} van {naam} op de kaart, alleen als grens: "
            f"{GEEN_WAARDE_TEKST} (geen opgeslagen analyse op {z.niveau}niveau bevat ze)"
        )
    titel = z.bron.methode["titel"]
    totaal = len(z.waarden)
    op_kaart = len(set(z.waarden["code"]) & z.getekend)
    zin = f"{heel_getal(op_kaart)} van {heel_getal(totaal)} {meer} van {naam}"
    zin += f" uit de analyse ‘{titel}’ op de kaart"
    if totaal - op_kaart:
        zin += f"; {heel_getal(totaal - op_kaart)} zonder grens in de gekozen indeling"
        zin += f" ({z.keuze.indeling})" if z.keuze is not None else ""
    zonder = len(z.getekend - set(z.waarden["code"]))
    if zonder:
        zin += f"; {heel_getal(zonder)} andere {meer} als grens, {GEEN_WAARDE_TEKST}"
    return zin


__all__ = [
    "GEEN_WAARDE_TEKST",
    "Inzoom",
    "Kruimel",
    "Programma",
    "Provincie",
    "bronrun",
    "context_geojson",
    "deelniveau",
    "delen_in_analyses",
    "gemeenten_van",
    "inzoom",
    "inzoom_geojson",
    "inzoomdekking",
    "inzoomrijen",
    "kaartcontext",
    "kruimelpad",
    "labelpunt",
    "ligt_in",
    "omtrek",
    "programma_geojson",
    "programmas_in",
]
