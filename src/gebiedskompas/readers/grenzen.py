"""Boundaries in GeoJSON and TopoJSON, reprojected to WGS84 (lon/lat) where needed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from ..codes import niveau_van, normaliseer
from ..errors import InvoerFout

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


@dataclass
class Grenzen:
    niveau: str
    jaar: int
    features: list[dict[str, Any]]
    benaderd: bool = False  # derived, non-official geometry: credit it as approximate

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


def lees_grenzen(pad: Path, document: dict[str, Any]) -> list[Grenzen]:
    if is_topojson(document):
        features = _topojson_features(document)
        crs_naam = None
    else:
        features = document.get("features", [])
        crs_naam = (document.get("crs") or {}).get("properties", {}).get("name")
    if not features:
        raise InvoerFout("het grenzenbestand bevat geen gebieden", bestand=pad)
    naar_wgs84 = _transformatie(crs_naam, pad)
    codesleutel, naamsleutel = _eigenschapsleutels(features, pad)
    jaar_metadata = (document.get("metadata") or {}).get("year") if isinstance(document, dict) else None
    per_sleutel: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for nummer, feature in enumerate(features, start=1):
        if not feature.get("geometry"):
            continue
        eigenschappen = feature.get("properties") or {}
        code, jaar = _kenmerken(eigenschappen, codesleutel, jaar_metadata, pad, nummer)
        naam = str(eigenschappen.get(naamsleutel) or "") if naamsleutel else ""
        geometrie = shape(feature["geometry"])
        if naar_wgs84 is not None:
            geometrie = shapely.transform(geometrie, naar_wgs84)
        niveau = niveau_van(code) or "onbekend"
        per_sleutel.setdefault((niveau, jaar), []).append(
            {"type": "Feature", "properties": {"code": code, "naam": naam}, "geometry": mapping(geometrie)}
        )
    benaderd = is_benaderd(pad)
    return [
        Grenzen(niveau=n, jaar=j, features=f, benaderd=benaderd) for (n, j), f in sorted(per_sleutel.items())
    ]


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


def _topojson_features(topo: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = _decodeer_arcs(topo)
    features = []
    for obj in topo.get("objects", {}).values():
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
