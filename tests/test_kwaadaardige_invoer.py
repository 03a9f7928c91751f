"""Hostile and damaged input, built from the real files in ../shared/data (issue 14, points 2-3).

Every case copies a real CSV, GeoJSON or TopoJSON into tmp_path and damages it. A rejected file
gives exit code 1, a Dutch message naming the file (and row and column, or the feature), no
traceback, and leaves the store byte-identical. Cases where a publisher's quirk is legitimate
(UTF-16 with a BOM, CR-only line endings, the StatLine marker ``nan``) load, with exactly the
values of the undamaged file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.bronnen import bronregister
from gebiedskompas.catalogus import catalogus, standaardbereik
from gebiedskompas.cli import app
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA, maphash

GEBIEDEN_2022 = SHARED_DATA / "cbs_gebieden_in_nederland" / "85067NED.csv"
GEBIEDEN_2024 = SHARED_DATA / "cbs_gebieden_in_nederland" / "85755NED.csv"
GEZONDHEID_2022 = SHARED_DATA / "cbs_gezondheidsmonitor_regio" / "85563NED.csv"
GEMEENTEGRENZEN = SHARED_DATA / "boundaries" / "gemeente_gegeneraliseerd.geojson"
WIJKEN_TOPO = SHARED_DATA / "boundaries" / "Wijk_2014_layer_q1e3.json"

Rijen = list[list[str]]


@pytest.fixture(scope="module")
def opslag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds one good load: Gebieden in Nederland 2022 and 2024."""
    map = tmp_path_factory.mktemp("goed") / "opslag"
    resultaat = CliRunner().invoke(
        app, ["laad", str(GEBIEDEN_2022), str(GEBIEDEN_2024), "--opslag", str(map)]
    )
    assert resultaat.exit_code == 0, resultaat.output
    return map


def _laad(opslag: Path, pad: Path) -> tuple[int, str]:
    resultaat = CliRunner().invoke(app, ["laad", str(pad), "--opslag", str(opslag)])
    uitvoer = " ".join(resultaat.output.split())
    assert "Traceback" not in uitvoer
    assert resultaat.exception is None or isinstance(resultaat.exception, SystemExit), resultaat.exception
    return resultaat.exit_code, uitvoer


def _geweigerd(opslag: Path, pad: Path, *verwacht: str) -> str:
    voor = maphash(opslag)
    code, uitvoer = _laad(opslag, pad)
    assert code == 1, uitvoer
    assert "Fout:" in uitvoer and pad.name in uitvoer, uitvoer
    for tekst in verwacht:
        assert tekst in uitvoer, (tekst, uitvoer)
    assert maphash(opslag) == voor
    return uitvoer


# --- building the corpus from real files -----------------------------------------------------


def _rijen(bron: Path) -> Rijen:
    tekst = bron.read_text(encoding="utf-8-sig")
    return [list(r) for r in csv.reader(io.StringIO(tekst), delimiter=";")]


def _csv(rijen: Rijen) -> str:
    uit = io.StringIO()
    csv.writer(uit, delimiter=";", lineterminator="\n").writerows(rijen)
    return uit.getvalue()


def _kopie(tmp_path: Path, bron: Path, bewerk: Callable[[Rijen], None] | None = None) -> Path:
    """The real file under its own name (the name identifies the table), optionally edited."""
    pad = tmp_path / "kapot" / bron.name
    pad.parent.mkdir(exist_ok=True)
    if bewerk is None:
        shutil.copyfile(bron, pad)
        return pad
    rijen = _rijen(bron)
    bewerk(rijen)
    pad.write_text(_csv(rijen), encoding="utf-8")
    return pad


def _zet(rij: int, kolom: str, waarde: str) -> Callable[[Rijen], None]:
    """Set a cell: ``rij`` is the data row (0 = first row after the header; file row rij + 2)."""

    def bewerk(rijen: Rijen) -> None:
        rijen[rij + 1][rijen[0].index(kolom)] = waarde

    return bewerk


def _rij_van(bron: Path, kolom: str, waarde: str) -> int:
    rijen = _rijen(bron)
    k = rijen[0].index(kolom)
    return next(i for i, r in enumerate(rijen[1:]) if r[k].strip() == waarde)


# --- non-finite and out-of-range values ------------------------------------------------------


@pytest.mark.parametrize("waarde", ["1e309", "inf", "-Infinity"])
def test_non_finite_count_is_rejected(opslag: Path, tmp_path: Path, waarde: str) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024, _zet(1, "Inwonertal_56", waarde))
    _geweigerd(opslag, pad, "rij 3", "kolom 'Inwonertal_56'", "geen eindig getal", waarde)


def test_negative_count_is_rejected(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024, _zet(4, "Inwonertal_56", "-5"))
    _geweigerd(opslag, pad, "rij 6", "kolom 'Inwonertal_56'", "'-5' ligt buiten", "minimaal 0")


def test_urbanity_class_9_is_rejected(opslag: Path, tmp_path: Path) -> None:
    kolom = bronregister().zoek("85755NED").registervelden["stedelijkheid"]
    pad = _kopie(tmp_path, GEBIEDEN_2024, _zet(2, kolom, "9"))
    _geweigerd(opslag, pad, "rij 4", f"kolom '{kolom}'", "'9' ligt buiten het geldige bereik 1 tot en met 5")


@pytest.mark.parametrize("waarde", ["150", "-12.5", "100.1"])
def test_percentage_outside_0_100_is_rejected(opslag: Path, tmp_path: Path, waarde: str) -> None:
    rij = _rij_van(GEZONDHEID_2022, "RegioS", "Aa en Hunze")
    pad = _kopie(tmp_path, GEZONDHEID_2022, _zet(rij, "ErvarenGezondheidGoedZeerGoed_1", waarde))
    _geweigerd(
        opslag,
        pad,
        f"rij {rij + 2}",
        "kolom 'ErvarenGezondheidGoedZeerGoed_1'",
        f"'{waarde}' ligt buiten het geldige bereik 0 tot en met 100",
    )


def test_percentage_bound_out_of_range_is_rejected(opslag: Path, tmp_path: Path) -> None:
    rijen = _rijen(GEZONDHEID_2022)
    regio, marges = rijen[0].index("RegioS"), rijen[0].index("Marges")
    rij = next(
        i for i, r in enumerate(rijen[1:]) if r[regio] == "Aa en Hunze" and r[marges].startswith("Boven")
    )
    pad = _kopie(tmp_path, GEZONDHEID_2022, _zet(rij, "Rokers_15", "101"))
    _geweigerd(opslag, pad, f"rij {rij + 2}", "kolom 'Rokers_15'", "0 tot en met 100")


# --- region codes and names ------------------------------------------------------------------


def test_unknown_gemeente_code_is_rejected(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024, _zet(1, "Code_1", "GM9999"))
    _geweigerd(opslag, pad, "rij 3", "kolom 'Code_1'", "'GM9999' staat niet in het gebiedsregister")


def test_region_name_the_register_cannot_place_is_rejected(opslag: Path, tmp_path: Path) -> None:
    """Before, the row was skipped and the gemeente's values silently lost."""
    rij = _rij_van(GEZONDHEID_2022, "RegioS", "Aa en Hunze")
    pad = _kopie(tmp_path, GEZONDHEID_2022, _zet(rij, "RegioS", "Aa en Hunzee"))
    _geweigerd(
        opslag, pad, f"rij {rij + 2}", "kolom 'RegioS'", "'Aa en Hunzee' staat niet in het gebiedsregister"
    )


def test_duplicate_row_is_rejected(opslag: Path, tmp_path: Path) -> None:
    def verdubbel(rijen: Rijen) -> None:
        rijen.insert(3, list(rijen[2]))

    pad = _kopie(tmp_path, GEBIEDEN_2024, verdubbel)
    _geweigerd(opslag, pad, "rij 4", "dubbele rij voor regio GM0358")


# --- encodings, line endings, sizes, file kinds ----------------------------------------------


def test_truncated_csv_is_rejected(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024)
    inhoud = GEBIEDEN_2024.read_bytes()
    pad.write_bytes(inhoud[: len(inhoud) // 2])
    _geweigerd(opslag, pad, "afgekapt")


def test_utf16_without_bom_is_named(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024)
    pad.write_bytes(GEBIEDEN_2024.read_text(encoding="utf-8-sig").encode("utf-16-le"))
    uitvoer = _geweigerd(opslag, pad, "UTF-16", "sla het op als UTF-8")
    assert "afgekapt" not in uitvoer


def test_64_mib_field_is_bounded(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEBIEDEN_2024, _zet(1, "Naam_2", '"' + "A" * (64 * 1024 * 1024)))
    _geweigerd(opslag, pad, "128 KiB", "rij 3")


def test_fifo_is_not_a_regular_file(opslag: Path, tmp_path: Path) -> None:
    pad = tmp_path / "85755NED.csv"
    os.mkfifo(pad)
    _geweigerd(opslag, pad, "geen gewoon bestand")


def _waarden(opslag: Path, bron: str) -> pd.DataFrame:
    w = Opslag(opslag).lees().waarnemingen
    return w[w["bron"] == bron].sort_values(["indicator", "regio", "periode"], ignore_index=True)


def _geladen_zoals_het_origineel(opslag: Path, tmp_path: Path, pad: Path, bron: Path) -> None:
    """Load the variant and the original into copies of the store: the same values."""
    uitkomsten = []
    for naam, bestand in (("variant", pad), ("origineel", bron)):
        kopie = tmp_path / naam
        shutil.copytree(opslag, kopie)
        code, uitvoer = _laad(kopie, bestand)
        assert code == 0, uitvoer
        uitkomsten.append(
            _waarden(kopie, "85563NED")[["regio", "periode", "indicator", "waarde", "onder", "boven"]]
        )
    assert len(uitkomsten[0]) > 10_000
    pd.testing.assert_frame_equal(uitkomsten[0], uitkomsten[1])


def test_utf16_with_bom_is_read(opslag: Path, tmp_path: Path) -> None:
    """UTF-16 with a BOM (Excel's 'Unicode text') is read, not reported as 'afgekapt'."""
    pad = _kopie(tmp_path, GEZONDHEID_2022)
    pad.write_bytes(GEZONDHEID_2022.read_text(encoding="utf-8-sig").encode("utf-16"))
    _geladen_zoals_het_origineel(opslag, tmp_path, pad, GEZONDHEID_2022)


def test_cr_only_line_endings_are_read(opslag: Path, tmp_path: Path) -> None:
    pad = _kopie(tmp_path, GEZONDHEID_2022)
    pad.write_bytes(GEZONDHEID_2022.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    _geladen_zoals_het_origineel(opslag, tmp_path, pad, GEZONDHEID_2022)


def test_nan_marker_is_stored_as_missing_not_as_a_number(opslag: Path, tmp_path: Path) -> None:
    rij = _rij_van(GEZONDHEID_2022, "RegioS", "Aa en Hunze")
    pad = _kopie(tmp_path, GEZONDHEID_2022, _zet(rij, "ErvarenGezondheidGoedZeerGoed_1", "nan"))
    kopie = tmp_path / "nan"
    shutil.copytree(opslag, kopie)
    assert _laad(kopie, pad)[0] == 0
    w = _waarden(kopie, "85563NED")
    rijen = w[
        (w["regio"] == "GM1680") & (w["indicator"] == "gezondheid_gemeente.ervaren_gezondheid_goed.18plus")
    ]
    assert len(rijen) == 1 and pd.isna(rijen["waarde"].iloc[0])
    assert rijen["onder"].iloc[0] == pytest.approx(69.6)  # a value of the same region, another row


# --- JSON, GeoJSON, TopoJSON -----------------------------------------------------------------


def _geojson(tmp_path: Path, bewerk: Callable[[dict[str, object]], object]) -> Path:
    document = json.loads(GEMEENTEGRENZEN.read_text(encoding="utf-8"))
    nieuw = bewerk(document)
    pad = tmp_path / GEMEENTEGRENZEN.name
    pad.write_text(json.dumps(document if nieuw is None else nieuw, ensure_ascii=False), encoding="utf-8")
    return pad


def test_latin1_geojson_names_the_expected_encoding(opslag: Path, tmp_path: Path) -> None:
    pad = tmp_path / GEMEENTEGRENZEN.name
    pad.write_bytes(GEMEENTEGRENZEN.read_text(encoding="utf-8").encode("latin-1"))
    _geweigerd(opslag, pad, "geen UTF-8", "JSON moet UTF-8 zijn")


def test_truncated_geojson_is_rejected(opslag: Path, tmp_path: Path) -> None:
    pad = tmp_path / GEMEENTEGRENZEN.name
    inhoud = GEMEENTEGRENZEN.read_bytes()
    pad.write_bytes(inhoud[: len(inhoud) // 3])
    _geweigerd(opslag, pad, "ongeldige JSON op regel", "afgekapt")


def test_bow_tie_polygon_is_rejected_with_its_feature(opslag: Path, tmp_path: Path) -> None:
    def vlinderdas(document: dict[str, object]) -> None:
        feature = document["features"][5]  # type: ignore[index]
        feature["geometry"] = {
            "type": "Polygon",
            "coordinates": [[[5, 52], [6, 53], [6, 52], [5, 53], [5, 52]]],
        }

    pad = _geojson(tmp_path, vlinderdas)
    code = json.loads(GEMEENTEGRENZEN.read_text(encoding="utf-8"))["features"][5]["properties"]["statcode"]
    _geweigerd(opslag, pad, f"gebied 6 ({code})", "ongeldige geometrie", "Self-intersection")


@pytest.mark.parametrize(
    ("bewerk", "verwacht"),
    [
        (lambda d: d.__delitem__("features"), "lid 'features' ontbreekt"),
        (lambda d: d.update(features={"a": 1}), "lid 'features' is geen lijst"),
        (lambda d: [d], "lid 'type' is 'list'"),
        (lambda d: d["features"].__setitem__(2, "x"), "gebied 3 is geen GeoJSON Feature"),
        (
            lambda d: d["features"][0]["geometry"].update(coordinates="x"),
            "gebied 1 (GM0014) heeft een onleesbare",
        ),
        (
            lambda d: d["features"][0]["geometry"].update(type="Punt"),
            "gebied 1 (GM0014) heeft een onleesbare",
        ),
        (
            lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [5, 52]}),
            "gebied 1 (GM0014) is een Point",
        ),
    ],
    ids=["zonder-features", "features-geen-lijst", "lijst", "feature-tekst", "coordinaten", "type", "punt"],
)
def test_malformed_geojson_names_the_member(
    opslag: Path, tmp_path: Path, bewerk: Callable[[dict[str, object]], object], verwacht: str
) -> None:
    _geweigerd(opslag, _geojson(tmp_path, bewerk), verwacht)


def _topojson(tmp_path: Path, bewerk: Callable[[dict[str, object]], object]) -> Path:
    document = json.loads(WIJKEN_TOPO.read_text(encoding="utf-8"))
    bewerk(document)
    pad = tmp_path / WIJKEN_TOPO.name
    pad.write_text(json.dumps(document), encoding="utf-8")
    return pad


def _eerste_geometrie(d: dict[str, object]) -> dict[str, object]:
    objecten = d["objects"]
    assert isinstance(objecten, dict)
    return next(iter(objecten.values()))["geometries"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("bewerk", "verwacht"),
    [
        (lambda d: d.pop("arcs"), "lid 'arcs' ontbreekt"),
        (lambda d: d.update(objects=[]), "lid 'objects' is geen object"),
        (lambda d: d.update(transform={"scale": [1]}), "lid 'transform' heeft geen 'scale'"),
        (lambda d: _eerste_geometrie(d).update(arcs=[[999999]]), "boog ('arcs') die niet bestaat"),
        (lambda d: _eerste_geometrie(d).pop("arcs"), "een geometrie mist lid 'arcs'"),
    ],
    ids=["zonder-arcs", "objects-lijst", "transform", "boog-index", "geometrie-zonder-arcs"],
)
def test_malformed_topojson_names_the_member(
    opslag: Path, tmp_path: Path, bewerk: Callable[[dict[str, object]], object], verwacht: str
) -> None:
    _geweigerd(opslag, _topojson(tmp_path, bewerk), verwacht)


# --- the catalogue states every indicator's range ---------------------------------------------


def test_every_indicator_has_a_range_from_its_unit_or_the_catalogue() -> None:
    assert standaardbereik("%") == (0.0, 100.0)
    assert standaardbereik("klasse (1-5)") == (1.0, 5.0)
    assert standaardbereik("aantal")[0] == 0.0
    ind = {i.id: i for i in catalogus().indicator}
    assert ind["kwb.stedelijkheid"].bereik() == (1.0, 5.0)
    assert ind["veiligheid.rapportcijfer_leefbaarheid"].bereik() == (1.0, 10.0)
    assert ind["leefbaarometer.afw"].bereik() == (-2.0, 2.0)
    onbegrensd = [i.id for i in catalogus().indicator if i.bereik() == (float("-inf"), float("inf"))]
    assert onbegrensd == []
