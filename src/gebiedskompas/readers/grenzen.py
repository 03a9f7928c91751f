"""Boundaries in GeoJSON and TopoJSON, reprojected to WGS84 (lon/lat) where needed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from ..codes import niveau_van, normaliseer
from ..errors import InvoerFout, waarschuwing

# Property names publishers use for the region code and name, most specific first. A file that
# carries several (wijken with their gemeentecode) is keyed on the finest level found.
CODE_EIGENSCHAPPEN = (
    "statcode",
    "code",
    "regiocode",
    "bu_code",
    "buurtcode",
    "wk_code",
    "wijkcode",
    "gm_code",
    "gemeentecode",
    "pv_code",
    "provinciecode",
)
NAAM_EIGENSCHAPPEN = (
    "statnaam",
    "naam",
    "bu_naam",
    "buurtnaam",
    "wk_naam",
    "wijknaam",
    "gm_naam",
    "gemeentenaam",
    "pv_naam",
    "provincienaam",
)
_FIJNHEID = {"buurt": 0, "wijk": 1, "gemeente": 2, "provincie": 3, "landsdeel": 4, "land": 5}

# Invalid geometry (shapely ``is_valid``) is repaired and reported only when the repair hardly
# changes the area: publishers' generalised boundaries ship small self-intersections and collapsed
# slivers (CBS gemeenten 2022: 7 of 346; wijken 2024: 17 of 3475; area change below 0.001 %), and
# quantised TopoJSON moves every vertex by up to one grid cell. Anything else (a bow-tie ring
# changes the area by half or more) is rejected with the feature's number and code.
REPARATIE_MARGE = 0.01  # relative area change allowed
_POLYGONAAL = ("Polygon", "MultiPolygon")


@dataclass
class Grenzen:
    niveau: str
    jaar: int
    features: list[dict[str, Any]]
    benaderd: bool = False  # derived, non-official geometry: credit it as approximate
    notities: list[str] = field(default_factory=list)  # warnings: repaired geometry

    @property
    def sleutel(self) -> str:
        """Store key: one boundary set per level and classification year (and approximate or not)."""
        return f"{self.niveau}_{self.jaar}" + ("_benaderd" if self.benaderd else "")

    def als_geojson(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def is_geojson(document: Any) -> bool:
    return isinstance(document, dict) and document.get("type") == "FeatureCollection"


def is_topojson(document: Any) -> bool:
    return isinstance(document, dict) and document.get("type") == "Topology"


def lees_grenzen(pad: Path, document: Any) -> list[Grenzen]:
    if is_topojson(document):
        features = _topojson_features(document, pad)
        crs_naam = None
        cel = _rastercel(document)
    elif is_geojson(document):
        features = _lid(document, "features", list, pad)
        crs = document.get("crs") or {}
        crs_naam = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        cel = 0.0
    else:
        soort = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise InvoerFout(
            f"geen GeoJSON FeatureCollection of TopoJSON Topology: lid 'type' is '{soort}'", bestand=pad
        )
    if not features:
        raise InvoerFout("het grenzenbestand bevat geen gebieden", bestand=pad)
    for nummer, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise InvoerFout(
                f"gebied {nummer} is geen GeoJSON Feature met een object 'properties'", bestand=pad
            )
    naar_wgs84 = _transformatie(crs_naam, pad)
    codesleutel, naamsleutel = _eigenschapsleutels(features, pad)
    metadata = document.get("metadata")
    jaar_metadata = metadata.get("year") if isinstance(metadata, dict) else None
    per_sleutel: dict[tuple[str, int], list[dict[str, Any]]] = {}
    notities: list[str] = []
    for nummer, feature in enumerate(features, start=1):
        if not feature.get("geometry"):
            continue
        eigenschappen = feature.get("properties") or {}
        code, jaar = _kenmerken(eigenschappen, codesleutel, jaar_metadata, pad, nummer)
        naam = str(eigenschappen.get(naamsleutel) or "") if naamsleutel else ""
        geometrie = _geldige_geometrie(feature["geometry"], pad, nummer, code, cel, notities)
        if geometrie is None:
            continue
        if naar_wgs84 is not None:
            geometrie = shapely.transform(geometrie, naar_wgs84)
        niveau = niveau_van(code) or "onbekend"
        per_sleutel.setdefault((niveau, jaar), []).append(
            {"type": "Feature", "properties": {"code": code, "naam": naam}, "geometry": mapping(geometrie)}
        )
    benaderd = is_benaderd(pad)
    samenvatting = _reparatiesamenvatting(notities, pad)
    return [
        Grenzen(niveau=n, jaar=j, features=f, benaderd=benaderd, notities=samenvatting)
        for (n, j), f in sorted(per_sleutel.items())
    ]


def _lid(
    document: dict[str, Any], naam: str, soort: type[list[Any]] | type[dict[str, Any]], pad: Path
) -> Any:
    waarde = document.get(naam)
    if not isinstance(waarde, soort):
        verwacht = "een lijst" if soort is list else "een object"
        staat = "ontbreekt" if waarde is None else f"is geen {verwacht.split(' ', 1)[1]}"
        raise InvoerFout(f"lid '{naam}' {staat} (verwacht: {verwacht})", bestand=pad)
    return waarde


def _geldige_geometrie(
    geojson: Any, pad: Path, nummer: int, code: str, cel: float, notities: list[str]
) -> BaseGeometry | None:
    """The feature's geometry as shapely; invalid geometry is repaired (with a warning) only when
    the repair hardly changes it, else rejected with the feature's number and code. A polygon
    that quantisation collapsed to no area at all is left out (None), with a warning."""
    try:
        geometrie = shape(geojson)
    except Exception as e:  # shapely raises GeometryTypeError, ValueError, TypeError, IndexError
        raise InvoerFout(
            f"gebied {nummer} ({code}) heeft een onleesbare geometrie ({type(e).__name__}: {e})", bestand=pad
        ) from e
    if geometrie.geom_type not in _POLYGONAAL:
        raise InvoerFout(
            f"gebied {nummer} ({code}) is een {geometrie.geom_type}, verwacht een (Multi)Polygon", bestand=pad
        )
    coordinaten = shapely.get_coordinates(geometrie)
    if not np.isfinite(coordinaten).all():
        raise InvoerFout(
            f"gebied {nummer} ({code}) heeft coördinaten die geen eindig getal zijn", bestand=pad
        )
    if geometrie.is_valid:
        return geometrie
    reden = shapely.is_valid_reason(geometrie)
    hersteld = _herstel(geometrie)
    marge = max(REPARATIE_MARGE * hersteld.area, geometrie.length * cel) if hersteld is not None else 0.0
    if hersteld is not None and hersteld.is_empty and cel > 0 and geometrie.area <= marge:
        notities.append(f"gebied {nummer} ({code}): door kwantisatie zonder oppervlakte, weggelaten")
        return None
    if hersteld is None or hersteld.is_empty or abs(hersteld.area - geometrie.area) > marge:
        raise InvoerFout(
            f"gebied {nummer} ({code}) heeft een ongeldige geometrie ({reden}) die niet zonder "
            "wezenlijke verandering te herstellen is (bijvoorbeeld een vlinderdas-polygoon)",
            bestand=pad,
        )
    notities.append(f"gebied {nummer} ({code}): {reden}")
    return hersteld


def _herstel(geometrie: BaseGeometry) -> BaseGeometry | None:
    try:
        hersteld = shapely.make_valid(geometrie, method="structure", keep_collapsed=False)
    except shapely.errors.GEOSException:
        return None
    if hersteld.geom_type == "GeometryCollection":
        delen = [d for d in hersteld.geoms if d.geom_type in _POLYGONAAL]
        hersteld = shapely.union_all(delen) if delen else None
    if hersteld is None or hersteld.geom_type not in _POLYGONAAL:
        return None
    return hersteld


def _reparatiesamenvatting(notities: list[str], pad: Path) -> list[str]:
    if not notities:
        return []
    weggelaten = sum("weggelaten" in n for n in notities)
    voorbeelden = "; ".join(notities[:3]) + ("; ..." if len(notities) > 3 else "")
    delen = [f"{len(notities) - weggelaten} gebieden met een kleine ongeldigheid hersteld met make_valid"]
    if weggelaten:
        delen.append(f"{weggelaten} door kwantisatie tot een lijn of punt ingestorte gebieden weggelaten")
    return [
        waarschuwing(
            f"geometrie gerepareerd: {' en '.join(delen)}; de oppervlakte veranderde nauwelijks. "
            f"{voorbeelden}",
            bestand=pad,
        )
    ]


def _rastercel(topo: dict[str, Any]) -> float:
    """Diagonal of a quantised TopoJSON's grid cell (0 when not quantised)."""
    tf = topo.get("transform")
    if not isinstance(tf, dict):
        return 0.0
    schaal = tf.get("scale") or (0, 0)
    return float(math.hypot(float(schaal[0]), float(schaal[1])))


def is_benaderd(pad: Path) -> bool:
    """Derived geometry (not an official publication) lives in an 'afgeleid' folder or says
    'benadering' in its name; it is stored and credited as approximate."""
    delen = [d.lower() for d in pad.parts]
    return "afgeleid" in delen[:-1] or "benader" in pad.name.lower()


def _eigenschapsleutels(features: list[dict[str, Any]], pad: Path) -> tuple[str, str | None]:
    """The property that holds the region code: by common name, else by content; when several
    hold codes (wijkcode and gemeentecode), the finest level wins."""
    eig = next((f.get("properties") or {} for f in features if f.get("properties")), {})
    lager = {str(k).lower(): k for k in eig}
    kandidaten = [lager[n] for n in CODE_EIGENSCHAPPEN if n in lager] + [
        k for k in eig if str(k).lower() not in CODE_EIGENSCHAPPEN
    ]
    met_code = [
        (k, niveau_van(normaliseer(str(eig[k] or "")))) for k in kandidaten if isinstance(eig[k], str)
    ]
    geldig = [(k, n) for k, n in met_code if n is not None and n in _FIJNHEID]
    if not geldig:
        raise InvoerFout(
            "het eerste gebied heeft geen eigenschap met een geldige regiocode (verwacht bijvoorbeeld "
            f"{', '.join(CODE_EIGENSCHAPPEN[:7])}; gevonden: {', '.join(map(str, list(eig)[:8])) or 'geen'})",
            bestand=pad,
        )
    codesleutel, niveau = min(geldig, key=lambda kn: _FIJNHEID[str(kn[1])])
    return codesleutel, _naamsleutel(lager, str(niveau))


def _naamsleutel(lager: dict[str, Any], niveau: str) -> str | None:
    voorkeur = {
        "buurt": ("bu_naam", "buurtnaam"),
        "wijk": ("wk_naam", "wijknaam"),
        "gemeente": ("gm_naam", "gemeentenaam"),
        "provincie": ("pv_naam", "provincienaam"),
    }
    for naam in ("statnaam", "naam", *voorkeur.get(niveau, ())):
        if naam in lager:
            return str(lager[naam])
    return None


def _kenmerken(
    eig: dict[str, Any], codesleutel: str, jaar_metadata: Any, pad: Path, nummer: int
) -> tuple[str, int]:
    code = normaliseer(str(eig.get(codesleutel) or ""))
    if niveau_van(code) is None:
        raise InvoerFout(
            f"gebied {nummer} heeft geen geldige regiocode in eigenschap '{codesleutel}' "
            f"(gevonden: '{code}')",
            bestand=pad,
        )
    jaar_bron = str(eig.get("jrstatcode") or jaar_metadata or "") or pad.name
    m = re.search(r"(19|20)\d{2}", jaar_bron)
    if not m:
        raise InvoerFout(
            "het jaar van de indeling is onbekend (geen 'jrstatcode', geen metadata.year en geen "
            "jaartal in de bestandsnaam)",
            bestand=pad,
        )
    return code, int(m.group(0))


def _transformatie(crs_naam: str | None, pad: Path) -> Any:
    if not crs_naam or "CRS84" in crs_naam or crs_naam.endswith(("4326", "EPSG::4326")):
        return None
    try:
        bron = CRS.from_user_input(crs_naam)
    except Exception as e:  # pyproj raises CRSError
        raise InvoerFout(f"onbekend coördinatenstelsel '{crs_naam}'", bestand=pad) from e
    omzetter = Transformer.from_crs(bron, CRS.from_epsg(4326), always_xy=True)

    def naar_wgs84(xy: np.ndarray) -> np.ndarray:
        lon, lat = omzetter.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return naar_wgs84


def _topojson_features(topo: dict[str, Any], pad: Path) -> list[dict[str, Any]]:
    """Features of a TopoJSON Topology; a missing or malformed member is named."""
    _lid(topo, "arcs", list, pad)
    objecten = _lid(topo, "objects", dict, pad)
    tf = topo.get("transform")
    if tf is not None and not (
        isinstance(tf, dict)
        and all(isinstance(tf.get(k), list) and len(tf[k]) == 2 for k in ("scale", "translate"))
    ):
        raise InvoerFout(
            "lid 'transform' heeft geen 'scale' en 'translate' met elk twee getallen", bestand=pad
        )
    try:
        return _topo_features(topo, objecten)
    except KeyError as e:
        raise InvoerFout(f"een geometrie mist lid {e}", bestand=pad) from e
    except IndexError as e:
        raise InvoerFout("een geometrie verwijst naar een boog ('arcs') die niet bestaat", bestand=pad) from e
    except (TypeError, ValueError, AttributeError) as e:
        raise InvoerFout(f"de TopoJSON-structuur klopt niet ({type(e).__name__}: {e})", bestand=pad) from e


def _topo_features(topo: dict[str, Any], objecten: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = _decodeer_arcs(topo)
    features = []
    for obj in objecten.values():
        for geom in obj.get("geometries", []):
            features.append(
                {
                    "type": "Feature",
                    "properties": geom.get("properties", {}),
                    "geometry": _topo_geometrie(geom, arcs),
                }
            )
    return features


def _decodeer_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    tf = topo.get("transform")
    scale, translate = (tf["scale"], tf["translate"]) if tf else ((1, 1), (0, 0))
    uit = []
    for arc in topo["arcs"]:
        x = y = 0
        punten = []
        for p in arc:
            if tf:
                x, y = x + p[0], y + p[1]
            else:
                x, y = p[0], p[1]
            punten.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        uit.append(punten)
    return uit


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    punten: list[tuple[float, float]] = []
    for i in indices:
        deel = arcs[i] if i >= 0 else arcs[~i][::-1]
        punten.extend(deel[1:] if punten else deel)
    return punten


def _polygoon(ringen: list[list[int]], arcs: list[list[tuple[float, float]]]) -> list[Any] | None:
    """A polygon's rings; quantisation can collapse small rings to fewer than 4 points, which
    are dropped (a collapsed outer ring drops the polygon)."""
    uit = [_ring(r, arcs) for r in ringen]
    if not uit or len(uit[0]) < 4:
        return None
    return [uit[0], *(r for r in uit[1:] if len(r) >= 4)]


def _topo_geometrie(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any] | None:
    soort = geom.get("type")
    if soort == "Polygon":
        delen = [geom["arcs"]]
    elif soort == "MultiPolygon":
        delen = geom["arcs"]
    else:
        return None
    polygonen = [p for p in (_polygoon(d, arcs) for d in delen) if p is not None]
    if not polygonen:
        return None
    return {"type": "MultiPolygon", "coordinates": polygonen}
