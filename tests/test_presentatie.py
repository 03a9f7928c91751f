"""presentatie: class breaks, layers, the map's GeoJSON and Excel number formats, with known answers on a
small hand-made analysis; the saved-run loader; the nearest-vintage rule; ``gebiedskompas rapport``."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gebiedskompas import presentatie as p
from gebiedskompas.analyse import opgeslagen
from gebiedskompas.analyse.opgeslagen import Run
from gebiedskompas.cli import app
from gebiedskompas.errors import InvoerFout
from gebiedskompas.grenskeuze import GRENSBRON
from gebiedskompas.opmaak import EXCEL_GETAL
from gebiedskompas.opslag import Opslag, Toestand
from gebiedskompas.register import dichtstbijzijnd, dichtstbijzijnd_jaar

EENZAAM = "gezondheid.eenzaam.18plus"
METHODE = {
    "titel": "Proef",
    "scope": {"niveau": "gemeente", "periode": "2020"},
    "thema": [{"id": "zorg", "label": "Zorg", "indicator": [{"id": EENZAAM}, {"id": "x.eigen"}]}],
}


def _run(map: Path = Path("proef")) -> Run:
    """Three gemeenten; GM0003 without a composite score."""
    gebieden = pd.DataFrame(
        {
            "code": ["GM0001", "GM0002", "GM0003"],
            "naam": ["Aastad", "Bedorp", "Cehuizen"],
            "provincie": ["PV20", "PV20", "PV20"],
            "composiet": [0.5, -0.25, np.nan],
            "benchmark_composiet": [0.0, 0.0, 0.0],
            "rang": [1.0, 2.0, np.nan],
            "groep": ["hoog", "laag", "onbekend"],
            "thema_zorg": [0.4, -0.1, np.nan],
        }
    )
    indicatoren = pd.DataFrame(
        {
            "code": ["GM0001", "GM0002"],
            "indicator": [EENZAAM, EENZAAM],
            "waarde": [12.5, 10.0],
            "benchmark": [11.0, 11.0],
            "onder": [11.5, np.nan],
            "boven": [13.5, np.nan],
        }
    )
    themas = pd.DataFrame(
        {
            "code": ["GM0001", "GM0002"],
            "thema": ["zorg", "zorg"],
            "score": [0.4, -0.1],
            "benchmark": [0.0, 0.0],
        }
    )
    return Run("proef", map, {"methode": METHODE}, gebieden, indicatoren, themas)


# --- classes and layers ------------------------------------------------------------------------------


def test_class_breaks_of_a_small_series_are_its_quantiles() -> None:
    waarden = pd.Series([6.0, 1.0, np.nan, 3.0, 2.0, 5.0, 4.0])
    assert p.klassegrenzen(waarden) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert p.klassegrenzen(pd.Series([0.0, 10.0]), aantal=4) == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert p.klassegrenzen(pd.Series([np.nan])) == []


def test_class_and_legend_follow_the_breaks() -> None:
    grenzen = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert [p.kleurklasse(x, grenzen) for x in (1.0, 1.5, 2.0, 4.99, 5.0, 6.0)] == [1, 1, 2, 4, 5, 5]
    assert p.kleurklasse(math.nan, grenzen) is None and p.kleurklasse(3.0, []) is None
    legenda = p.legenda(grenzen)
    assert [x["tekst"] for x in legenda] == [
        "1,00 – 2,00",
        "2,00 – 3,00",
        "3,00 – 4,00",
        "4,00 – 5,00",
        "5,00 – 6,00",
    ]
    assert [x["kleur"] for x in legenda] == list(p.KLEUREN)
    # higher is better: breaks of the need (the value × −1), classes from the highest values down
    omgekeerd = p.legenda([-6.0, -5.0, -4.0, -3.0, -2.0, -1.0], p.HOGER_IS_BETER)
    assert [x["tekst"] for x in omgekeerd] == [
        "5,00 – 6,00",
        "4,00 – 5,00",
        "3,00 – 4,00",
        "2,00 – 3,00",
        "1,00 – 2,00",
    ]
    assert p.legenda([]) == []


def test_layer_list_composite_themes_then_indicators() -> None:
    assert p.lagen(_run()) == [
        ("composiet", "Samengestelde score"),
        ("thema_zorg", "Thema: Zorg"),
        (f"indicator:{EENZAAM}", "Eenzaam (score 3 of hoger) (18 jaar en ouder)"),
        ("indicator:x.eigen", "x.eigen"),  # not in the catalogue: its id
    ]


def test_layer_values_sorted_by_rank_and_unknown_layers_refused() -> None:
    w = p.laagwaarden(_run(), "composiet")
    assert w["code"].tolist() == ["GM0001", "GM0002", "GM0003"]
    assert w["waarde"].tolist()[:2] == [0.5, -0.25] and math.isnan(w["waarde"].iloc[2])
    ind = p.laagwaarden(_run(), f"indicator:{EENZAAM}").set_index("code")
    assert ind.loc["GM0001", ["waarde", "onder", "boven"]].tolist() == [12.5, 11.5, 13.5]
    assert p.laagwaarden(_run(), "thema_zorg").set_index("code").loc["GM0002", "waarde"] == -0.1
    for laag in ("indicator:x.eigen", "thema_onbekend", "iets"):
        with pytest.raises(InvoerFout, match="onbekende laag"):
            p.laagwaarden(_run(), laag)


# --- map GeoJSON ---------------------------------------------------------------------------------------


def _vierkant(code: str, naam: str, x: float) -> dict[str, Any]:
    ring = [[x, 50.0], [x + 1, 50.0], [x + 1, 51.0], [x, 51.0], [x, 50.0]]
    return {
        "type": "Feature",
        "properties": {"code": code, "naam": naam},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _opslag_met_grenzen(map: Path) -> tuple[Opslag, Toestand]:
    """A store with one boundary file: GM0001, GM0002 and a gemeente outside the run (no GM0003)."""
    opslag = Opslag(map)
    geo = {
        "type": "FeatureCollection",
        "features": [
            _vierkant("GM0001", "Aastad", 5),
            _vierkant("GM0002", "Bedorp", 6),
            _vierkant("GM0009", "X", 7),
        ],
    }
    opslag.bewaar_object(json.dumps(geo).encode(), "gemeenten.json")
    toestand = Toestand(grenzen={"gemeente_2020": "gemeenten.json", "wijk_2020": "elders.json"})
    opslag.schrijf(toestand)
    return opslag, opslag.lees()


def test_map_geojson_properties(tmp_path: Path) -> None:
    opslag, toestand = _opslag_met_grenzen(tmp_path / "opslag")
    aanpak = SimpleNamespace(naam="Aanpak A", regiocodes=["GM0001"])
    geo = p.kaart_geojson(_run(), opslag=opslag, toestand=toestand, programma=p.programmagrenzen([aanpak]))
    eigenschappen = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert [x["vanaf"] for x in geo["legenda"]] == pytest.approx([-0.25, -0.1, 0.05, 0.2, 0.35])
    assert geo["legenda"][1]["tekst"] == "−0,10 – 0,05"  # a real minus sign
    assert eigenschappen["GM0001"] == {
        "code": "GM0001",
        "naam": "Aastad",
        "waarde": 0.5,
        "benchmark": 0.0,
        "onder": None,
        "boven": None,
        "groep": "hoog",
        "kleurklasse": 5,
    }
    assert eigenschappen["GM0002"]["waarde"] == -0.25 and eigenschappen["GM0002"]["kleurklasse"] == 1
    assert eigenschappen["GM0009"] == {"code": "GM0009", "naam": "X"}  # context, drawn without a value
    assert geo["indeling"] == {
        "sleutel": "gemeente_2020",
        "jaar": 2020,
        "benaderd": False,
        "getekend": 2,
        "zonder_grens": 1,
        "tekst": "2 van 3 gemeenten op de kaart; 1 zonder grens in de gekozen indeling (gemeenten 2020)",
    }
    assert geo["bron"] == GRENSBRON
    assert geo["programma"] == [{"naam": "Aanpak A", "codes": ["GM0001"]}]
    json.dumps(geo, allow_nan=False)  # valid JSON: no NaN anywhere


def test_map_geojson_without_boundaries(tmp_path: Path) -> None:
    geo = p.kaart_geojson(_run(), f"indicator:{EENZAAM}", opslag=Opslag(tmp_path), toestand=Toestand())
    assert geo["features"] == [] and geo["indeling"] is None and geo["programma"] == []
    assert [x["vanaf"] for x in geo["legenda"]] == [10.0, 10.5, 11.0, 11.5, 12.0]


# --- saved runs and the command line -------------------------------------------------------------------


def _bewaar(run: Run, analyses: Path) -> None:
    map = analyses / run.naam
    map.mkdir(parents=True)
    (map / "resultaat.json").write_text(json.dumps(run.resultaat), encoding="utf-8")
    for naam in ("gebieden", "indicatoren", "themas"):
        getattr(run, naam).to_parquet(map / f"{naam}.parquet", index=False)


def test_saved_runs_load_without_django(tmp_path: Path) -> None:
    analyses = opgeslagen.analysemap(tmp_path)
    assert opgeslagen.namen(analyses) == []
    _bewaar(_run(), analyses)
    assert opgeslagen.namen(analyses) == ["proef"]
    run = opgeslagen.laad(analyses, "proef")
    assert run.methode["titel"] == "Proef" and not run.heeft_robuustheid
    pd.testing.assert_frame_equal(run.gebieden, _run().gebieden)
    with pytest.raises(InvoerFout, match="analyse 'anders' bestaat niet; kies uit: proef"):
        opgeslagen.laad(analyses, "anders")


@pytest.mark.django_db
def test_report_command_writes_the_map_geojson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_OPSLAG", str(tmp_path))  # the command points Django at its store
    opslag, _ = _opslag_met_grenzen(tmp_path / "opslag")
    _bewaar(_run(), opgeslagen.analysemap(opslag.map))
    doel = tmp_path / "kaart.geojson"
    runner = CliRunner()
    uit = runner.invoke(
        app, ["rapport", "proef", "--formaat", "geojson", "--uit", str(doel), "--opslag", str(opslag.map)]
    )
    assert uit.exit_code == 0, uit.output
    geo = json.loads(doel.read_text(encoding="utf-8"))
    assert {f["properties"]["code"] for f in geo["features"]} == {"GM0001", "GM0002", "GM0009"}
    fout = runner.invoke(app, ["rapport", "anders", "--formaat", "geojson", "--opslag", str(opslag.map)])
    assert fout.exit_code == 1 and "analyse 'anders' bestaat niet; kies uit: proef" in fout.output


# --- Excel and the nearest vintage -----------------------------------------------------------------------


def test_excel_sheet_keeps_numbers_with_number_formats() -> None:
    frame = pd.DataFrame(
        {
            "code": ["GM0001", "GM0002"],
            "composiet": [0.5123, -0.25],
            "inwoners": [12345, 678],
            "waarde": [12.5, 10.0],
            "periode": [2016, 2020],
        }
    )
    assert p.excelopmaak([0.5123, -0.25]) == EXCEL_GETAL[3]
    assert p.excelopmaak([12.5, np.nan]) == EXCEL_GETAL[1]
    assert p.excelopmaak([1.0, 2.0]) == EXCEL_GETAL[0] and p.excelopmaak(["a", None]) is None
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as schrijver:
        p.schrijf_excelblad(schrijver, "Gebieden", frame, {"composiet": "Score"})
    blad = load_workbook(io.BytesIO(buffer.getvalue()))["Gebieden"]
    assert [c.value for c in blad[1]] == ["code", "Score", "inwoners", "waarde", "periode"]
    assert blad.freeze_panes == "A2"
    rij = blad[2]
    assert [c.value for c in rij] == ["GM0001", 0.5123, 12345, 12.5, 2016]
    assert [c.number_format for c in rij] == [
        "General",
        EXCEL_GETAL[3],
        EXCEL_GETAL[0],
        EXCEL_GETAL[1],
        "General",
    ]


def test_one_rule_for_the_nearest_vintage() -> None:
    assert dichtstbijzijnd_jaar([2016, 2018, 2022], 2020) == 2018  # a tie goes to the earlier year
    assert dichtstbijzijnd_jaar([2016, 2021], 2020) == 2021
    tabel = pd.DataFrame(
        {"code": ["A", "A", "A", "B"], "jaar": [2018, 2022, 2019, 2030], "naam": ["a18", "a22", "a19", "b"]}
    )
    assert dict(zip(*dichtstbijzijnd(tabel, 2020)[["code", "naam"]].to_numpy().T, strict=True)) == {
        "A": "a19",
        "B": "b",
    }


def test_template_filters_format_through_opmaak() -> None:
    from datetime import date
    from decimal import Decimal

    from django.template import Context, Template

    sjabloon = Template(
        '{% load opmaak %}{{ x|getal:1 }} | {{ x|getal }} | {{ p|procent }} | {{ b|geld:"mln" }} | '
        "{{ b|geld }} | {{ d|datum }} | {{ leeg|getal }}"
    )
    tekst = sjabloon.render(
        Context({"x": -1234.56, "p": 12.34, "b": Decimal("-670000"), "d": date(2025, 6, 30), "leeg": None})
    )
    assert tekst == (
        "\u22121.234,6 | \u22121.234,56 | 12,3% | € \u22120,67 mln | € \u2212670.000,00 | 30 juni 2025 | –"
    )
