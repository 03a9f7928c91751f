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


@dataclass
class Grenzen:
    niveau: str
    jaar: int
    features: list[dict[str, Any]]

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
    per_sleutel: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for nummer, feature in enumerate(features, start=1):
        if not feature.get("geometry"):
            continue
        code, jaar, naam = _kenmerken(feature.get("properties") or {}, pad, nummer)
        geometrie = shape(feature["geometry"])
        if naar_wgs84 is not None:
            geometrie = shapely.transform(geometrie, naar_wgs84)
        niveau = niveau_van(code) or "onbekend"
        per_sleutel.setdefault((niveau, jaar), []).append(
            {"type": "Feature", "properties": {"code": code, "naam": naam}, "geometry": mapping(geometrie)}
        )
    return [Grenzen(niveau=n, jaar=j, features=f) for (n, j), f in sorted(per_sleutel.items())]


def _kenmerken(eig: dict[str, Any], pad: Path, nummer: int) -> tuple[str, int, str]:
    code = eig.get("statcode") or eig.get("code") or eig.get("gm_code") or eig.get("bu_code")
    if not code or niveau_van(normaliseer(str(code))) is None:
        raise InvoerFout(f"gebied {nummer} heeft geen geldige regiocode (eigenschap 'statcode')", bestand=pad)
    jaar_bron = str(eig.get("jrstatcode") or "") or pad.name
    m = re.search(r"(19|20)\d{2}", jaar_bron)
    if not m:
        raise InvoerFout(
            "het jaar van de indeling is onbekend (geen 'jrstatcode' en geen jaartal in de bestandsnaam)",
            bestand=pad,
        )
    return normaliseer(str(code)), int(m.group(0)), str(eig.get("statnaam") or eig.get("naam") or "")


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
