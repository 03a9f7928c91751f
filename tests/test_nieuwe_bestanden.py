"""Known answers for the real files added in the second data round (Leefbaarometer 3.0 per wijk,
recent and approximate boundaries), and a folder load with a corrupt copy of a real file.

Each test loads only the files it is about, so adding files to ../shared/data changes nothing here.
Expected numbers were read from the files by hand (grep the code in the CSV, or the feature count).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA

LBM_WIJKEN = SHARED_DATA / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv"
GRENZEN = SHARED_DATA / "boundaries"


@pytest.fixture(scope="module")
def lbm_opslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    opslag = Opslag(tmp_path_factory.mktemp("lbm") / "opslag")
    resultaat = laad([LBM_WIJKEN], opslag)
    assert not resultaat.mislukt, resultaat.mislukt
    return opslag


def _waarde(opslag: Opslag, regio: str, indicator: str, periode: str) -> float:
    w = opslag.lees().waarnemingen
    rij = w[(w["regio"] == regio) & (w["indicator"] == indicator) & (w["periode"] == periode)]
    assert len(rij) == 1
    return float(rij["waarde"].iloc[0])


def test_leefbaarometer_wijken_eight_waves(lbm_opslag: Opslag) -> None:
    # Line 16831 of the file: WK091721,Wijk 21 Heerlerheide-Passart,2020,3.8887548237955505,...
    assert _waarde(lbm_opslag, "WK091721", "leefbaarometer.lbm", "2020") == pytest.approx(3.8887548237955505)
    assert _waarde(lbm_opslag, "WK091721", "leefbaarometer.afw", "2002") == pytest.approx(
        -0.29012325300974645
    )
    assert _waarde(lbm_opslag, "WK091721", "leefbaarometer.onv", "2022") == pytest.approx(
        -0.18224122870733545
    )
    w = lbm_opslag.lees().waarnemingen
    reeks = w[(w["regio"] == "WK091721") & (w["indicator"] == "leefbaarometer.lbm")]
    assert sorted(reeks["periode"].astype(str)) == [
        "2002",
        "2008",
        "2012",
        "2014",
        "2016",
        "2018",
        "2020",
        "2022",
    ]
    # 3,310 wijken x 8 waves = 26,366 rows (some wijken lack early waves); all in wijkindeling 2022.
    lbm = w[w["indicator"] == "leefbaarometer.lbm"]
    assert len(lbm) == 26366
    assert set(lbm["indeling"]) == {2022}


def test_leefbaarometer_na_is_missing_never_zero(lbm_opslag: Opslag) -> None:
    # 2002 has no dimensions: "NA" in the file.
    assert math.isnan(_waarde(lbm_opslag, "WK091721", "leefbaarometer.fys", "2002"))
    assert _waarde(lbm_opslag, "WK091721", "leefbaarometer.fys", "2014") == pytest.approx(
        -0.023175114735314105
    )


def test_leefbaarometer_cited_as_bzk(lbm_opslag: Opslag) -> None:
    lading = lbm_opslag.lees().ladingen[0]
    assert lading["tabel"] == "LBM3"
    assert (
        "Leefbaarometer 3.0" in lading["bronvermelding"] and "Ministerie van BZK" in lading["bronvermelding"]
    )


@pytest.mark.parametrize(
    ("bestand", "sleutel", "aantal", "code", "naam"),
    [
        ("wijken_2024.geojson", "wijk_2024", 3475, "WK091721", "Wijk 21 Heerlerheide-Passart"),
        ("gemeenten_2022.geojson", "gemeente_2022", 346, "GM0917", "Heerlen"),
        ("afgeleid/buurten_2024_benadering.geojson", "buurt_2024_benaderd", 14568, "BU09810000", None),
    ],
)
def test_boundaries_with_other_code_properties(
    tmp_path: Path, bestand: str, sleutel: str, aantal: int, code: str, naam: str | None
) -> None:
    """`wijkcode` / `gemeentecode` instead of `statcode`; the finest level wins (a wijk file also
    carries gemeentecode); approximate geometry is stored as such."""
    opslag = Opslag(tmp_path / "o")
    resultaat = laad([GRENZEN / bestand], opslag)
    assert not resultaat.mislukt, resultaat.mislukt
    toestand = opslag.lees()
    assert list(toestand.grenzen) == [sleutel]
    geo = opslag.lees_grenzen(sleutel)
    assert geo is not None
    assert len(geo["features"]) == aantal
    eigenschappen = {f["properties"]["code"]: f["properties"]["naam"] for f in geo["features"]}
    assert code in eigenschappen
    if naam is not None:
        assert eigenschappen[code] == naam
    benaderd = sleutel.endswith("_benaderd")
    assert ("geometrie benaderd" in toestand.ladingen[0]["licentie"]) == benaderd


def test_folder_with_a_corrupt_copy_loads_the_rest(tmp_path: Path) -> None:
    map = tmp_path / "downloads"
    map.mkdir()
    shutil.copy(LBM_WIJKEN, map / LBM_WIJKEN.name)
    inhoud = (GRENZEN / "wijken_2024.geojson").read_bytes()
    (map / "wijken_2024.geojson").write_bytes(inhoud[: len(inhoud) // 2])  # a download cut off halfway
    opslag_map = tmp_path / "opslag"
    resultaat = CliRunner().invoke(app, ["laad", str(map), "--opslag", str(opslag_map)])
    assert resultaat.exit_code == 1
    uitvoer = " ".join(resultaat.output.split())
    assert "wijken_2024.geojson" in uitvoer and "ongeldige JSON" in uitvoer and "afgekapt" in uitvoer
    toestand = Opslag(opslag_map).lees()
    assert [lading["tabel"] for lading in toestand.ladingen] == ["LBM3"]
    assert toestand.grenzen == {}
    # A second run loads nothing new and still reports the bad file.
    opnieuw = CliRunner().invoke(app, ["laad", str(map), "--opslag", str(opslag_map)])
    assert opnieuw.exit_code == 1
    assert "al eerder geladen" in " ".join(opnieuw.output.split())
