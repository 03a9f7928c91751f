"""Web pages: every page type for every role, reports, downloads, security settings."""

from __future__ import annotations

import io
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from gebiedskompas.opmaak import getal
from gebiedskompas.web.monitoring import models as m

from .webhulp import ROLLEN, gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
BUURTEN = "wijken-2020-buurt"


@pytest.fixture(autouse=True)
def alleen_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    echte = socket.socket.connect

    def connect(self: socket.socket, adres: Any) -> None:
        host = adres[0] if isinstance(adres, tuple) else str(adres)
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise AssertionError(f"verbinding naar {host} buiten deze machine")
        echte(self, adres)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def gebruikers(settings: Any, web_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    return gebruikers_en_voorbeeld()


def _paginas() -> list[str]:
    product = m.Product.objects.get(code="2.2.1").pk
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    return [
        "/",
        f"/analyse/{DORPEN}/",
        f"/analyse/{DORPEN}/ranglijst/",
        f"/analyse/{DORPEN}/kaart/",
        f"/analyse/{BUURTEN}/kaart/",
        "/gebied/GM0889/",
        f"/gebied/BU08890000/?run={BUURTEN}",
        "/monitoring/doelenboom/SLB/",
        f"/monitoring/paragraaf/{product}/",
        "/monitoring/aanpakken/",
        f"/monitoring/aanpakken/{aanpak}/",
        "/monitoring/subsidies/",
        "/monitoring/lessen/",
    ]


@pytest.mark.parametrize("rol", ROLLEN)
def test_every_page_type_for_every_role(rol: str, gebruikers: dict[str, User]) -> None:
    client = Client()
    client.force_login(gebruikers[rol])
    for url in _paginas():
        antwoord = client.get(url)
        assert antwoord.status_code == 200, (rol, url)
        tekst = antwoord.content.decode()
        assert '<html lang="nl"' in tekst and "<main" in tekst


def test_pages_need_login_and_a_role(gebruikers: dict[str, User]) -> None:
    for url in _paginas():
        antwoord = Client().get(url)
        assert antwoord.status_code == 302 and antwoord["Location"].startswith("/inloggen/"), url
    zonder = Client()
    zonder.force_login(User.objects.create_user("zonder-rol", "", "x"))
    assert zonder.get(f"/analyse/{DORPEN}/").status_code == 403
    assert zonder.get(f"/analyse/{DORPEN}/kaart.geojson").status_code == 403


def test_forms_only_for_roles_that_may_write(gebruikers: dict[str, User]) -> None:
    def heeft_formulier(rol: str, url: str, teken: str) -> bool:
        c = Client()
        c.force_login(gebruikers[rol])
        return teken in c.get(url).content.decode()

    assert heeft_formulier("analist", "/monitoring/doelenboom/SLB/", 'name="waarde"')
    assert not heeft_formulier("lezer", "/monitoring/doelenboom/SLB/", 'name="waarde"')
    eigen = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    ander = m.Gebiedsaanpak.objects.get(naam="Donderberg").pk
    assert heeft_formulier("gebiedscoordinator", f"/monitoring/aanpakken/{eigen}/", "Fase toevoegen")
    assert not heeft_formulier("gebiedscoordinator", f"/monitoring/aanpakken/{ander}/", "Fase toevoegen")


def test_ranking_filters_sorting_and_downloads(gebruikers: dict[str, User], web_opslag: Path) -> None:
    c = Client()
    c.force_login(gebruikers["lezer"])
    gebieden = pd.read_parquet(web_opslag / "analyses" / DORPEN / "gebieden.parquet")
    vijf = gebieden[gebieden["stedelijkheid"] == 5]
    csv = c.get(f"/analyse/{DORPEN}/ranglijst/", {"stedelijkheid": "5", "formaat": "csv"})
    tabel = pd.read_csv(io.StringIO(csv.content.decode()), sep=";", decimal=",")
    assert sorted(tabel["Code"]) == sorted(vijf["code"])
    assert "Kans op selectie" in tabel.columns
    xlsx = c.get(f"/analyse/{DORPEN}/ranglijst/", {"formaat": "xlsx", "sorteer": "-composiet"})
    assert (
        pd.read_excel(io.BytesIO(xlsx.content), engine="calamine")["Code"].iloc[0] == gebieden["code"].iloc[0]
    )
    deel = c.get(
        f"/analyse/{DORPEN}/ranglijst/", {"groep": gebieden["groep"].iloc[0]}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in deel.content.decode() and gebieden["code"].iloc[0] in deel.content.decode()


def test_analysis_excel_download(gebruikers: dict[str, User]) -> None:
    c = Client()
    c.force_login(gebruikers["lezer"])
    antwoord = c.get(f"/analyse/{DORPEN}/resultaat.xlsx")
    bladen = pd.ExcelFile(io.BytesIO(antwoord.content), engine="calamine").sheet_names
    assert {"Gebieden", "Thema's", "Indicatoren", "Methode", "Herkomst"} <= set(bladen)


def test_map_geojson_has_values_benchmark_and_programmes(
    gebruikers: dict[str, User], web_opslag: Path
) -> None:
    c = Client()
    c.force_login(gebruikers["lezer"])
    geo = c.get(f"/analyse/{DORPEN}/kaart.geojson", {"laag": "indicator:gezondheid.eenzaam.18plus"}).json()
    reuver = next(f for f in geo["features"] if f["properties"]["code"] == "GM0889")
    ind = pd.read_parquet(web_opslag / "analyses" / DORPEN / "indicatoren.parquet")
    rij = ind[(ind["code"] == "GM0889") & (ind["indicator"] == "gezondheid.eenzaam.18plus")].iloc[0]
    assert reuver["properties"]["waarde"] == pytest.approx(rij["waarde"])
    assert reuver["properties"]["benchmark"] == pytest.approx(rij["benchmark"])
    assert len(geo["programma"]) == 8
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in geo["features"])


def _pdf(c: Client, url: str) -> PdfReader:
    antwoord = c.get(url)
    assert antwoord.status_code == 200 and antwoord["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(antwoord.content))


def test_pdfs_are_tagged_dutch_and_carry_the_runs_numbers(
    gebruikers: dict[str, User], web_opslag: Path
) -> None:
    c = Client()
    c.force_login(gebruikers["lezer"])
    gebieden = pd.read_parquet(web_opslag / "analyses" / DORPEN / "gebieden.parquet")
    for url in (f"/analyse/{DORPEN}/rapport.pdf", f"/analyse/{DORPEN}/gebied/GM0889.pdf"):
        pdf = _pdf(c, url)
        root = pdf.trailer["/Root"]
        assert root["/Lang"] == "nl"
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    tekst = " ".join(p.extract_text() for p in _pdf(c, f"/analyse/{DORPEN}/rapport.pdf").pages)
    for rij in gebieden.itertuples():
        assert getal(rij.composiet, 3) in tekst, rij.code  # Dutch format with a real minus sign
    profiel = " ".join(p.extract_text() for p in _pdf(c, f"/analyse/{DORPEN}/gebied/GM0889.pdf").pages)
    beesel = gebieden[gebieden["code"] == "GM0889"].iloc[0]
    assert getal(beesel.composiet, 3) in profiel
    assert getal(beesel.kans_op_selectie, 3) in profiel
    assert "CC BY 4.0" in profiel


def test_default_secret_key_is_refused_outside_debug(tmp_path: Path) -> None:
    code = "import django; django.setup()"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gebiedskompas.web.settings",
        "GEBIEDSKOMPAS_OPSLAG": str(tmp_path),
        "GEBIEDSKOMPAS_SECRET_KEY": "changeme",
        "GEBIEDSKOMPAS_DEBUG": "0",
    }
    fout = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert fout.returncode != 0 and "GEBIEDSKOMPAS_SECRET_KEY" in fout.stderr
    goed = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "GEBIEDSKOMPAS_SECRET_KEY": secrets.token_urlsafe(50)},
        capture_output=True,
        text=True,
    )
    assert goed.returncode == 0, goed.stderr
    # Long but predictable keys are refused too: 50 x 'x' has no entropy.
    voorspelbaar = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "GEBIEDSKOMPAS_SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
    )
    assert voorspelbaar.returncode != 0 and "te voorspelbaar" in voorspelbaar.stderr


def test_session_and_csrf_settings(settings: Any) -> None:
    """Behaviour, not settings: the login answer forbids framing and sets an HttpOnly session
    cookie, and a write without a CSRF token is refused."""
    User.objects.create_user("kijker", "", "geheim-wachtwoord-1")
    inloggen = Client()
    pagina = inloggen.get("/inloggen/")
    assert pagina["X-Frame-Options"] == "DENY" and pagina["X-Content-Type-Options"] == "nosniff"
    ingelogd = inloggen.post("/inloggen/", {"username": "kijker", "password": "geheim-wachtwoord-1"})
    assert ingelogd.status_code == 302 and ingelogd.cookies["sessionid"]["httponly"]
    c = Client(enforce_csrf_checks=True)
    c.force_login(User.objects.create_superuser("csrf", "", "x"))
    assert c.post("/api/deals/", {}).status_code == 403  # no CSRF token


def test_cached_pages_show_changes_at_once(gebruikers: dict[str, User]) -> None:
    from gebiedskompas.web.monitoring import diensten as d

    c = Client()
    c.force_login(gebruikers["lezer"])
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    url = f"/monitoring/aanpakken/{aanpak.pk}/"
    assert "Stichting De Schakel" not in c.get(url).content.decode()
    assert "Stichting De Schakel" not in c.get(url).content.decode()  # served from the cache
    d.partner_toevoegen(gebruikers["analist"], aanpak, "Stichting De Schakel", "welzijn")
    assert "Stichting De Schakel" in c.get(url).content.decode()
    d.interventie_koppelen(gebruikers["analist"], aanpak, m.Interventie.objects.get(naam="Keigezond"))
    assert "Keigezond" in c.get(url).content.decode()  # many-to-many changes count too
    # a reader and an analyst get different pages (forms), never each other's cached copy
    c2 = Client()
    c2.force_login(gebruikers["analist"])
    assert 'name="waarde"' in c2.get("/monitoring/doelenboom/SLB/").content.decode()
    assert 'name="waarde"' not in c.get("/monitoring/doelenboom/SLB/").content.decode()
