"""The map draws each analysis on the boundary vintage that matches most of its areas, says how many
areas it could draw, and credits approximate geometry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client

from .webhulp import gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
BUURTEN = "wijken-2020-buurt"
BENADERD = "CBS / Kadaster (PDOK), bewerkt; geometrie benaderd"


@pytest.fixture
def gebruikers(settings: Any, web_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    return gebruikers_en_voorbeeld()


def _lezer(gebruikers: dict[str, User]) -> Client:
    c = Client()
    c.force_login(gebruikers["lezer"])
    return c


def _herkomst(opslag: Path) -> Path:
    return opslag / (opslag / "HUIDIG").read_text().strip() / "herkomst.json"


def _grenscodes(opslag: Path, niveau: str) -> dict[str, set[str]]:
    """Codes per stored boundary file of the level, read straight from the store."""
    grenzen = json.loads(_herkomst(opslag).read_text())["grenzen"]
    return {
        k: {f["properties"]["code"] for f in json.loads((opslag / "objecten" / n).read_text())["features"]}
        for k, n in grenzen.items()
        if k.split("_")[0] == niveau
    }


def _codes(opslag: Path, run: str) -> set[str]:
    return set(pd.read_parquet(opslag / "analyses" / run / "gebieden.parquet")["code"])


def test_buurt_analysis_is_drawn_on_the_approximate_buurten_and_credits_them(
    gebruikers: dict[str, User], web_opslag: Path
) -> None:
    codes = _codes(web_opslag, BUURTEN)
    per_sleutel = _grenscodes(web_opslag, "buurt")
    # The data behind the expectation: the approximate 2024 buurten hold every buurt of the
    # analysis, the official 2014 ones do not (renumbered since).
    assert codes <= per_sleutel["buurt_2024_benaderd"]
    assert not codes <= per_sleutel["buurt_2014"]

    c = _lezer(gebruikers)
    geo = c.get(f"/analyse/{BUURTEN}/kaart.geojson").json()
    assert geo["indeling"] == {
        "sleutel": "buurt_2024_benaderd",
        "jaar": 2024,
        "benaderd": True,
        "getekend": len(codes),
        "zonder_grens": 0,
        "tekst": f"{len(codes)} van {len(codes)} buurten op de kaart, alle met een grens in de gekozen "
        "indeling (buurten 2024, benaderd)",
    }
    assert geo["bron"] == BENADERD
    getekend = {f["properties"]["code"] for f in geo["features"]}
    assert codes <= getekend <= per_sleutel["buurt_2024_benaderd"]
    met_waarde = {f["properties"]["code"] for f in geo["features"] if "waarde" in f["properties"]}
    assert met_waarde == codes

    pagina = c.get(f"/analyse/{BUURTEN}/kaart/").content.decode()
    assert f"{len(codes)} van {len(codes)} buurten op de kaart" in pagina
    assert f"Grenzen: {BENADERD}." in pagina
    assert "(niet op de kaart)" not in pagina
    assert all(f"/gebied/{code}/?run={BUURTEN}" in pagina for code in codes)


def test_gemeente_analysis_uses_official_boundaries_nearest_in_time(
    gebruikers: dict[str, User], web_opslag: Path
) -> None:
    codes = _codes(web_opslag, DORPEN)
    volledig = sorted(k for k, c in _grenscodes(web_opslag, "gemeente").items() if codes <= c)
    assert volledig, "geen gemeentegrenzen die alle gemeenten van de analyse bevatten"
    verwacht = min(volledig, key=lambda k: (abs(int(k.split("_")[1]) - 2020), -int(k.split("_")[1])))

    c = _lezer(gebruikers)
    geo = c.get(f"/analyse/{DORPEN}/kaart.geojson").json()
    assert geo["indeling"]["sleutel"] == verwacht and not geo["indeling"]["benaderd"]
    assert geo["bron"] == "CBS / Kadaster (PDOK), bewerkt"
    pagina = c.get(f"/analyse/{DORPEN}/kaart/").content.decode()
    assert f"{len(codes)} van {len(codes)} gemeenten op de kaart" in pagina
    assert "geometrie benaderd" not in pagina


def test_without_approximate_buurten_the_page_counts_the_areas_it_cannot_draw(
    gebruikers: dict[str, User], web_opslag: Path, settings: Any, tmp_path: Path
) -> None:
    kopie = tmp_path / "opslag"
    shutil.copytree(web_opslag, kopie)
    herkomst = _herkomst(kopie)
    meta = json.loads(herkomst.read_text())
    del meta["grenzen"]["buurt_2024_benaderd"]
    herkomst.write_text(json.dumps(meta))
    settings.OPSLAG = kopie

    codes = _codes(kopie, BUURTEN)
    oud = codes & _grenscodes(kopie, "buurt")["buurt_2014"]
    zonder = len(codes) - len(oud)
    assert 0 < zonder < len(codes)

    c = _lezer(gebruikers)
    pagina = c.get(f"/analyse/{BUURTEN}/kaart/").content.decode()
    assert (
        f"{len(oud)} van {len(codes)} buurten op de kaart; {zonder} zonder grens in de gekozen indeling "
        "(buurten 2014)"
    ) in pagina
    assert "geometrie benaderd" not in pagina
    assert pagina.count("(niet op de kaart)") == zonder
    assert all(f"/gebied/{code}/?run={BUURTEN}" in pagina for code in codes)  # the table keeps them all
    geo = c.get(f"/analyse/{BUURTEN}/kaart.geojson").json()
    assert (geo["indeling"]["sleutel"], geo["indeling"]["getekend"]) == ("buurt_2014", len(oud))
    assert {f["properties"]["code"] for f in geo["features"] if "waarde" in f["properties"]} == oud
