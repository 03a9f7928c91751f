"""Boundaries: TopoJSON decoding and reprojection to WGS84, known answers by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA


def test_topojson_quantised_arcs_are_decoded(tmp_path: Path) -> None:
    # One square from delta-encoded arc [0,0] [10,0] [0,10] [-10,0] [0,-10] with scale 0.1 and
    # translate (5, 50): corners (5,50) (6,50) (6,51) (5,51).
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.1, 0.1], "translate": [5, 50]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]],
        "objects": {
            "layer": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "properties": {"statcode": "GM0981", "statnaam": "Vaals"},
                    },
                ],
            }
        },
    }
    pad = tmp_path / "gemeenten_2020.topojson"
    pad.write_text(json.dumps(topo), encoding="utf-8")
    opslag = Opslag(tmp_path / "o")
    laad([pad], opslag)
    geo = opslag.lees_grenzen("gemeente_2020")
    assert geo is not None
    feature = geo["features"][0]
    assert feature["properties"] == {"code": "GM0981", "naam": "Vaals"}
    ring = feature["geometry"]["coordinates"][0][0]
    assert [tuple(round(c, 9) for c in p) for p in ring] == [(5, 50), (6, 50), (6, 51), (5, 51), (5, 50)]


def test_rd_new_geojson_is_reprojected_to_wgs84(tmp_path: Path) -> None:
    # The Amersfoort reference point: RD (155000, 463000) = 5.38720621 E, 52.15517440 N.
    x, y = 155000, 463000
    ring = [[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100], [x, y]]
    geo = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"statcode": "GM0307", "jrstatcode": "2024GM0307", "statnaam": "Amersfoort"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    pad = tmp_path / "gemeenten_rd.geojson"
    pad.write_text(json.dumps(geo), encoding="utf-8")
    opslag = Opslag(tmp_path / "o")
    laad([pad], opslag)
    uit = opslag.lees_grenzen("gemeente_2024")
    assert uit is not None
    lon, lat = uit["features"][0]["geometry"]["coordinates"][0][0]
    assert lon == pytest.approx(5.38720621, abs=1e-5)
    assert lat == pytest.approx(52.15517440, abs=1e-5)


def test_real_gemeente_boundaries_2024(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "o")
    laad([SHARED_DATA / "boundaries" / "gemeente_gegeneraliseerd.geojson"], opslag)
    geo = opslag.lees_grenzen("gemeente_2024")
    assert geo is not None
    assert len(geo["features"]) == 342
    vaals = next(f for f in geo["features"] if f["properties"]["code"] == "GM0981")
    punten = [p for poly in vaals["geometry"]["coordinates"] for p in poly[0]]
    assert all(5.9 < lon < 6.1 and 50.7 < lat < 50.85 for lon, lat in punten)
