"""Open publication (issue 13, point 6): the public pages under /open/ show only what is marked
public, for every role and anonymously; publishing and withdrawing by CLI and on the analysis page;
the open-data export validates against its JSON Schemas, its CSVs match their CSVW columns and
datatypes, and its addresses are stable; the public index passes axe at 1280 and 390 px."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.contrib.auth.models import User
from django.test import Client
from typer.testing import CliRunner

from gebiedskompas import opendata
from gebiedskompas.analyse.opgeslagen import analysemap
from gebiedskompas.cli import app
from gebiedskompas.web.monitoring import models as m

from .browserhulp import chromium
from .test_browser import _axe
from .webhulp import gebruikers_en_voorbeeld

DORPEN = "dorpen-2020-gemeente"
WIJKEN = "wijken-2020-buurt"
DORPENTITEL = "Dorpenaanpak: weinig en niet stedelijke gemeenten"
OPENBARE_LES = "Huiskamer in het dorpshuis werkt"
GEHEIME_LES = "Interne notitie over de wethouder"
MANTELZORG = "gezondheid_gemeente.mantelzorger.18plus"


@pytest.fixture
def opslag(web_opslag: Path, tmp_path: Path, settings: Any) -> Path:
    """A private copy of the store with the two saved analyses (publishing writes into it)."""
    doel = tmp_path / "opslag"
    shutil.copytree(web_opslag, doel)
    settings.OPSLAG = doel
    return doel


def _vul(opslag: Path) -> dict[str, Any]:
    """Users per role and the example data; public: the dorpen analysis, Reuver/Offenbeek and one
    lesson of it. Internal: the wijken analysis, every other programme, one other lesson."""
    gebruikers = gebruikers_en_voorbeeld()
    opendata.publiceer(analysemap(opslag), DORPEN, door="analist")
    reuver = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    reuver.openbaar = True
    reuver.save()
    auteur = gebruikers["gebiedscoordinator"]
    for titel, openbaar in ((OPENBARE_LES, True), (GEHEIME_LES, False)):
        m.Les.objects.create(
            soort="les",
            titel=titel,
            tekst="Tekst.",
            aanpak=reuver,
            auteur=auteur,
            datum=date(2025, 3, 1),
            openbaar=openbaar,
        )
    intern = m.Gebiedsaanpak.objects.exclude(pk=reuver.pk).order_by("naam").first()
    assert intern is not None
    return {"gebruikers": gebruikers, "openbaar": reuver, "intern": intern}


def _client(rol: str | None, gebruikers: dict[str, User]) -> Client:
    c = Client()
    if rol is not None:
        c.force_login(gebruikers[rol])
    return c


# --- what is public, per role and anonymously ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("rol", [None, "beheerder", "analist", "gebiedscoordinator", "lezer"])
def test_alleen_openbaar_is_zichtbaar(opslag: Path, rol: str | None) -> None:
    v = _vul(opslag)
    c = _client(rol, v["gebruikers"])
    index = c.get("/open/")
    tekst = index.content.decode()
    assert index.status_code == 200
    assert DORPENTITEL in tekst and "Reuver/Offenbeek" in tekst and OPENBARE_LES in tekst
    assert "Wijkenaanpak" not in tekst and GEHEIME_LES not in tekst and v["intern"].naam not in tekst
    # the same page for everyone: no menu, no user name, no form, no cookie
    assert "Uitloggen" not in tekst and "<form" not in tekst and "gebiedscoordinator" not in tekst
    assert rol is not None or not index.cookies

    aanpak = c.get(f"/open/aanpak/{v['openbaar'].pk}/").content.decode()
    assert "Reuver/Offenbeek" in aanpak and "Beesel" in aanpak and OPENBARE_LES in aanpak
    for intern in (GEHEIME_LES, "gebiedscoordinator", "Coördinator", "coordinator", "Budget", "audit"):
        assert intern not in aanpak, intern
    analyse = c.get(f"/open/analyse/{DORPEN}/").content.decode()
    assert "Valkenburg aan de Geul" in analyse and "CC BY 4.0" in analyse and "84799NED" in analyse
    assert OPENBARE_LES in c.get("/open/lessen/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rol", [None, "analist", "lezer"])
def test_niet_openbaar_geeft_404_ook_geraden(opslag: Path, rol: str | None) -> None:
    v = _vul(opslag)
    c = _client(rol, v["gebruikers"])
    geraden = [
        f"/open/analyse/{WIJKEN}/",
        "/open/analyse/bestaat-niet/",
        f"/open/aanpak/{v['intern'].pk}/",
        "/open/aanpak/99999/",
        f"/open/data/analyse/{WIJKEN}.csv",
        f"/open/data/analyse/{WIJKEN}-metadata.json",
        f"/open/data/analyse/{WIJKEN}.geojson",
        "/open/data/reeks/kwb.bevolkingsdichtheid.csv",  # used by no public analysis
        "/open/data/../monitoring.sqlite3",
    ]
    for adres in geraden:
        antwoord = c.get(adres)
        assert antwoord.status_code == 404, adres
        tekst = antwoord.content.decode()
        assert "bestaat niet of is niet openbaar" in tekst and WIJKEN not in tekst, adres


@pytest.mark.django_db
def test_openbare_paginas_accepteren_geen_post(opslag: Path) -> None:
    _vul(opslag)
    assert Client().post("/open/").status_code == 405


# --- publishing and withdrawing ------------------------------------------------------------------


def test_publiceer_en_trek_in_via_cli(opslag: Path, runner: CliRunner) -> None:
    analyses = analysemap(opslag)
    uit = runner.invoke(app, ["publiceer", WIJKEN, "--opslag", str(opslag)])
    assert uit.exit_code == 0, uit.output
    assert f"/open/analyse/{WIJKEN}/" in uit.output
    assert opendata.openbare_namen(analyses) == [WIJKEN]
    assert set(json.loads((analyses / WIJKEN / opendata.OPENBAAR).read_text())) == {"door", "op"}
    uit = runner.invoke(app, ["publiceer", WIJKEN, "--intrekken", "--opslag", str(opslag)])
    assert uit.exit_code == 0 and "niet meer openbaar" in uit.output
    assert opendata.openbare_namen(analyses) == []
    uit = runner.invoke(app, ["publiceer", "bestaat-niet", "--opslag", str(opslag)])
    assert uit.exit_code == 1 and "bestaat niet" in uit.output


@pytest.mark.django_db
def test_publiceren_op_de_analysepagina(opslag: Path) -> None:
    v = _vul(opslag)
    g = v["gebruikers"]
    adres = f"/analyse/{WIJKEN}/openbaar/"
    for rol in ("lezer", "gebiedscoordinator"):
        assert _client(rol, g).post(adres, {"actie": "publiceer"}).status_code == 403
    assert Client().post(adres, {"actie": "publiceer"}).status_code == 302  # to the login page
    assert _client(None, g).get(f"/open/analyse/{WIJKEN}/").status_code == 404

    analist = _client("analist", g)
    pagina = analist.get(f"/analyse/{WIJKEN}/").content.decode()
    assert "is <strong>intern</strong>" in pagina and "Openbaar maken" in pagina
    assert analist.post(adres, {"actie": "publiceer"}).status_code == 302
    pagina = analist.get(f"/analyse/{WIJKEN}/").content.decode()  # not the cached page from before
    assert "is <strong>openbaar</strong>" in pagina and "Publicatie intrekken" in pagina
    assert "gepubliceerd door analist" in pagina
    assert _client(None, g).get(f"/open/analyse/{WIJKEN}/").status_code == 200
    assert "Openbaar maken" not in _client("lezer", g).get(f"/analyse/{WIJKEN}/").content.decode()

    assert _client("beheerder", g).post(adres, {"actie": "intrekken"}).status_code == 302
    assert _client(None, g).get(f"/open/analyse/{WIJKEN}/").status_code == 404


# --- the export ----------------------------------------------------------------------------------


def _schema(naam: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((opendata.SCHEMAS / naam).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _controleer_csv(csvpad: Path, meta: dict[str, Any]) -> list[dict[str, str]]:
    """Header equals the CSVW columns; every cell parses as its declared datatype (empty = null)."""
    ruw = csvpad.read_bytes()
    assert not ruw.startswith(b"\xef\xbb\xbf") and b"\r\n" in ruw
    rijen = list(csv.reader(io.StringIO(ruw.decode("utf-8"), newline="")))
    kolommen = meta["tableSchema"]["columns"]
    assert rijen[0] == [k["name"] for k in kolommen], csvpad
    omzetten = {"integer": int, "decimal": Decimal, "string": str}
    for rij in rijen[1:]:
        assert len(rij) == len(kolommen)
        for cel, k in zip(rij, kolommen, strict=True):
            if cel != "":
                omzetten[k["datatype"]](cel)
    return [dict(zip(rijen[0], r, strict=True)) for r in rijen[1:]]


def test_export_valideert_tegen_de_schemas(opslag: Path, runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["publiceer", DORPEN, "--opslag", str(opslag)])
    uitmap = tmp_path / "open"
    uit = runner.invoke(
        app,
        [
            "exporteer-open",
            "--uit",
            str(uitmap),
            "--adres",
            "https://data.example.nl/open/data/",
            "--opslag",
            str(opslag),
        ],
    )
    assert uit.exit_code == 0, uit.output
    csvw, dcat = _schema("csvw-metadata.schema.json"), _schema("dcat-catalogus.schema.json")
    csvs = sorted(uitmap.rglob("*.csv"))
    assert (
        uitmap / "analyse" / f"{DORPEN}.csv" in csvs and not (uitmap / "analyse" / f"{WIJKEN}.csv").exists()
    )
    for pad in csvs:
        meta = json.loads(pad.with_name(pad.stem + "-metadata.json").read_text(encoding="utf-8"))
        jsonschema.validate(meta, csvw)
        assert meta["url"] == pad.name
        _controleer_csv(pad, meta)
    catalogus = json.loads((uitmap / "catalogus.jsonld").read_text(encoding="utf-8"))
    jsonschema.validate(catalogus, dcat)
    datasets = {d["@id"] for d in catalogus["dcat:dataset"]}
    assert datasets == {f"https://data.example.nl/open/data/{p.relative_to(uitmap)}" for p in csvs}
    assert catalogus["dct:publisher"]["foaf:name"] == "Provincie Limburg"

    # known answers, checkable by hand: rank 1 of the dorpen analysis, and the care-giver share of
    # Beek (L.) in 2020 from CBS table 85012NED with its 95% interval
    ranglijst = _controleer_csv(uitmap / "analyse" / f"{DORPEN}.csv", _meta(uitmap / "analyse" / DORPEN))
    assert (ranglijst[0]["code"], ranglijst[0]["naam"], ranglijst[0]["rang"]) == (
        "GM0994",
        "Valkenburg aan de Geul",
        "1",
    )
    reeks = _controleer_csv(uitmap / "reeks" / f"{MANTELZORG}.csv", _meta(uitmap / "reeks" / MANTELZORG))
    beek = next(r for r in reeks if r["regiocode"] == "GM0888" and r["periode"] == "2020")
    assert (beek["waarde"], beek["ondergrens"], beek["bovengrens"], beek["bron"]) == (
        "14.9",
        "13.0",
        "17.0",
        "85012NED",
    )
    assert beek["tabelversie"].startswith("sha256:") and beek["regionaam"] == "Beek (L.)"


def _meta(zonder_achtervoegsel: Path) -> dict[str, Any]:
    inhoud: dict[str, Any] = json.loads(
        zonder_achtervoegsel.with_name(zonder_achtervoegsel.name + "-metadata.json").read_text(
            encoding="utf-8"
        )
    )
    return inhoud


@pytest.mark.django_db
def test_vaste_adressen_geven_dezelfde_bestanden_als_de_cli(
    opslag: Path, runner: CliRunner, tmp_path: Path
) -> None:
    _vul(opslag)
    uitmap = tmp_path / "open"
    runner.invoke(
        app,
        [
            "exporteer-open",
            "--uit",
            str(uitmap),
            "--adres",
            "http://testserver/open/data/",
            "--opslag",
            str(opslag),
        ],
    )
    c = Client()
    for pad in sorted(p for p in uitmap.rglob("*") if p.is_file()):
        antwoord = c.get(f"/open/data/{pad.relative_to(uitmap)}")
        assert antwoord.status_code == 200, pad
        assert antwoord.content == pad.read_bytes(), pad
    assert c.get(f"/open/data/analyse/{DORPEN}.csv")["Content-Type"] == "text/csv; charset=utf-8"
    catalogus = json.loads(c.get("/open/data/catalogus.jsonld").content)
    for dataset in catalogus["dcat:dataset"]:
        for distributie in dataset["dcat:distribution"]:
            assert c.get(distributie["dcat:downloadURL"]["@id"]).status_code == 200
    geo = json.loads(c.get(f"/open/data/analyse/{DORPEN}.geojson").content)
    assert geo["type"] == "FeatureCollection" and [p["naam"] for p in geo["programma"]] == [
        "Reuver/Offenbeek"
    ]


# --- in the browser, without login ---------------------------------------------------------------


@pytest.fixture
def anonieme_browser(live_server: Any, opslag: Path) -> Iterator[tuple[Any, list[str], str]]:
    _vul(opslag)
    with chromium(live_server.url, viewport={"width": 1280, "height": 900}, device_scale_factor=1) as (
        c,
        extern,
    ):
        yield c, extern, live_server.url


@pytest.mark.django_db(transaction=True)
def test_openbare_index_in_de_browser(anonieme_browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = anonieme_browser
    page = context.new_page()
    schermen = Path(os.environ.get("GEBIEDSKOMPAS_SCHERMEN", "/tmp/open/schermen"))
    schermen.mkdir(parents=True, exist_ok=True)
    for breedte in (1280, 390):
        page.set_viewport_size({"width": breedte, "height": 900})
        for naam, adres in (("index", "/open/"), ("analyse", f"/open/analyse/{DORPEN}/")):
            page.goto(f"{basis}{adres}")
            assert page.locator("nav[aria-label=Hoofdmenu]").count() == 0  # no menu for a visitor
            assert _axe(page) == [], (adres, breedte)
            assert page.evaluate("document.documentElement.scrollWidth") <= breedte, (adres, breedte)
            page.screenshot(path=str(schermen / f"{naam}-{breedte}.png"), full_page=True)
    assert context.cookies() == []  # the public pages set no cookie (no session, no CSRF token)
    page.goto(f"{basis}/inloggen/")
    page.click("text=openbare analyses, gebiedsaanpakken en open data")
    page.wait_for_url(f"{basis}/open/")
    assert extern == []


@pytest.mark.django_db
def test_publiceren_van_aanpak_en_les_via_de_formulieren(opslag: Path) -> None:
    # an analist ticks "Openbaar" on a programme and on a lesson: both appear on /open/; a coordinator
    # is not offered the checkbox and cannot publish by posting it anyway
    v = _vul(opslag)
    intern = v["intern"]
    analist = _client("analist", v["gebruikers"])
    assert 'id="gegevens-openbaar"' in analist.get(f"/monitoring/aanpakken/{intern.pk}/").content.decode()
    antwoord = analist.post(
        f"/monitoring/aanpakken/{intern.pk}/gegevens/",
        {
            "naam": intern.naam,
            "regiocodes": ",".join(intern.regiocodes),
            "openbaar": "on",
        },
    )
    assert antwoord.status_code in (200, 302), antwoord.content.decode()[:500]
    intern.refresh_from_db()
    assert intern.openbaar
    assert intern.naam in Client().get("/open/").content.decode()

    coordinator = _client("gebiedscoordinator", v["gebruikers"])
    assert 'id="les-openbaar"' not in coordinator.get("/monitoring/lessen/").content.decode()
    reuver = v["openbaar"]
    coordinator.post(
        "/monitoring/lessen/nieuw/",
        {
            "aanpak": reuver.pk,
            "soort": "les",
            "titel": "Stiekem openbaar",
            "tekst": "x",
            "thema": "",
            "openbaar": "on",
        },
    )
    assert not m.Les.objects.filter(titel="Stiekem openbaar", openbaar=True).exists()
    assert "Stiekem openbaar" not in Client().get("/open/lessen/").content.decode()
