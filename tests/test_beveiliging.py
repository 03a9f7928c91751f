"""Secure defaults of the web app (issue 14, point 4): Content-Security-Policy on every page type,
HSTS only behind TLS, login throttling with a Dutch lockout page, Excel text never a formula,
no NaN/Infinity in or out of the JSON API, strong secret keys, unknown region codes are a 404."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from typer.testing import CliRunner

from gebiedskompas.analyse.methode import methode_tekst
from gebiedskompas.cli import app
from gebiedskompas.excelveilig import excelschrijver
from gebiedskompas.instellingen import Instellingen, InstellingFout, instellingen
from gebiedskompas.opslag import Opslag
from gebiedskompas.presentatie import schrijf_excelblad
from gebiedskompas.web.monitoring import excel
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld

from .browserhulp import axe as _axe
from .browserhulp import chromium
from .browserhulp import log_in as _login
from .webhulp import gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
FORMULE = '=HYPERLINK("http://voorbeeld.invalid/","klik")'


def _strikt(tekst: str | bytes) -> Any:
    """JSON as the standard has it: NaN, Infinity and -Infinity are refused."""

    def geen(constante: str) -> None:
        raise AssertionError(f"ongeldige JSON: {constante}")

    return json.loads(tekst, parse_constant=geen)


def _fouten_van(inhoud: bytes) -> list[dict[str, Any]]:
    fouten: list[dict[str, Any]] = _strikt(inhoud)["fouten"]
    return fouten


@pytest.fixture
def gebruikers(settings: Any, web_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    return gebruikers_en_voorbeeld()


def _als(gebruiker: User) -> Client:
    c = Client()
    c.force_login(gebruiker)
    return c


# --- Content-Security-Policy ----------------------------------------------------------------------


def _beleid(antwoord: Any) -> dict[str, list[str]]:
    kop = antwoord["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in kop.split(";")) if d}


def test_csp_is_strict_on_every_page_type(gebruikers: dict[str, User]) -> None:
    """Every kind of answer carries the policy; scripts come from this site only (no inline, no eval),
    and no page holds an inline script that the policy would block."""
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    c = _als(gebruikers["beheerder"])
    adressen = [
        "/",
        f"/analyse/{DORPEN}/",
        f"/analyse/{DORPEN}/kaart/",
        f"/analyse/{DORPEN}/kaart.geojson",
        "/gebied/GM0889/",
        "/analyse/nieuw/",
        "/monitoring/doelenboom/SLB/",
        f"/monitoring/aanpakken/{aanpak}/",
        "/api/docs",
        "/api/doelenboom/SLB/",
        "/bestaat-niet/",
        "/open/",
    ]
    for adres in [*adressen, "/inloggen/"]:
        antwoord = (c if adres != "/inloggen/" else Client()).get(adres)
        assert antwoord.status_code in (200, 404), (adres, antwoord.status_code)
        beleid = _beleid(antwoord)
        assert beleid["default-src"] == ["'self'"], adres
        assert beleid["script-src"] == ["'self'"], adres
        assert beleid["object-src"] == ["'none'"] and beleid["frame-ancestors"] == ["'none'"], adres
        assert beleid["worker-src"] == ["'self'", "blob:"] and "data:" in beleid["img-src"], adres
        if antwoord["Content-Type"].startswith("text/html"):
            html = antwoord.content.decode()
            scripts = re.findall(r"<script\b([^>]*)>", html)
            inline = [a for a in scripts if "src=" not in a and 'type="application/json"' not in a]
            assert not inline, (adres, inline)
            assert not re.search(r"\son[a-z]+=\"", html), adres  # no inline event handlers


def _start_met(omgeving: dict[str, str]) -> dict[str, Any]:
    """Django started with these environment variables (settings are read once, at start): the
    headers of /inloggen/ over plain http and over TLS as the nginx proxy reports it."""
    script = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
gewoon = c.get("/inloggen/")
tls = c.get("/inloggen/", headers={"x-forwarded-proto": "https"})
print(json.dumps({
    "http": [gewoon.status_code, gewoon.get("Location"), gewoon.get("Strict-Transport-Security")],
    "https": [tls.status_code, tls.get("Strict-Transport-Security")],
    "cookie_veilig": settings.SESSION_COOKIE_SECURE,
}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEBIEDSKOMPAS_HTTPS")}
    env |= {"DJANGO_SETTINGS_MODULE": "gebiedskompas.web.settings", **omgeving}
    uit = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert uit.returncode == 0, uit.stderr
    resultaat: dict[str, Any] = json.loads(uit.stdout.strip().splitlines()[-1])
    return resultaat


def test_hsts_only_with_https() -> None:
    sleutel = {"GEBIEDSKOMPAS_SECRET_KEY": "Xq7-vB2pLm9zR4tY8wKc3nF6hJ1sD5gA0eU"}
    zonder = _start_met(sleutel)
    assert zonder["http"] == [200, None, None] and zonder["https"] == [200, None]
    assert zonder["cookie_veilig"] is False
    met = _start_met({**sleutel, "GEBIEDSKOMPAS_HTTPS": "1"})
    assert met["https"] == [200, "max-age=31536000; includeSubDomains"]
    assert met["http"] == [200, None, None]  # the proxy redirects; HSTS is only sent over TLS
    assert met["cookie_veilig"] is True
    doorsturen = _start_met({**sleutel, "GEBIEDSKOMPAS_HTTPS": "1", "GEBIEDSKOMPAS_HTTPS_DOORSTUREN": "1"})
    assert doorsturen["http"][:2] == [301, "https://testserver/inloggen/"]


# --- login throttling -----------------------------------------------------------------------------


def _inloggen(c: Client, naam: str, wachtwoord: str) -> Any:
    return c.post("/inloggen/", {"username": naam, "password": wachtwoord})


def test_lockout_after_five_wrong_passwords(settings: Any) -> None:
    """Five wrong passwords block that username from this address for 15 minutes, with a Dutch page;
    the right password does not get through the block; another user still logs in."""
    assert settings.AXES_FAILURE_LIMIT == Instellingen().inlogpogingen == 5
    User.objects.create_user("kijker", "", "goed-wachtwoord-1")
    User.objects.create_user("collega", "", "goed-wachtwoord-2")
    c = Client()
    for _ in range(4):
        fout = _inloggen(c, "kijker", "fout")
        assert fout.status_code == 200 and "Gebruikersnaam of wachtwoord klopt niet" in fout.content.decode()
    geblokkeerd = _inloggen(c, "kijker", "fout")
    assert geblokkeerd.status_code == 429
    tekst = " ".join(geblokkeerd.content.decode().split())
    assert "Inloggen tijdelijk geblokkeerd" in tekst and "de komende 15 minuten" in tekst
    assert "5 keer een verkeerd wachtwoord" in tekst and "<strong>kijker</strong>" in tekst
    assert _inloggen(c, "kijker", "goed-wachtwoord-1").status_code == 429
    assert c.post("/admin/login/", {"username": "kijker", "password": "goed-wachtwoord-1"}).status_code == 429
    ander = Client()
    assert _inloggen(ander, "collega", "goed-wachtwoord-2").status_code == 302
    assert ander.get("/api/doelenboom/ONBEKEND/").status_code != 401  # the session works for the API


def test_correct_login_resets_the_count() -> None:
    User.objects.create_user("kijker", "", "goed-wachtwoord-1")
    c = Client()
    for _ in range(4):
        _inloggen(c, "kijker", "fout")
    assert _inloggen(c, "kijker", "goed-wachtwoord-1").status_code == 302
    for _ in range(4):
        assert _inloggen(Client(), "kijker", "fout").status_code == 200


# --- Excel: text stays text -----------------------------------------------------------------------


def _cel(inhoud: bytes, blad: str, waarde: str) -> Any:
    """The cell of ``blad`` whose text is ``waarde`` (openpyxl reads formulas as their text too)."""
    werkblad = load_workbook(io.BytesIO(inhoud))[blad]
    cellen = [c for rij in werkblad.iter_rows() for c in rij if c.value == waarde]
    assert cellen, f"{waarde!r} staat niet op blad {blad}"
    return cellen[0]


def test_monitoring_excel_export_writes_titles_as_text(settings: Any, echte_opslag: Opslag) -> None:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()
    indicator = m.Indicator.objects.filter(doel__kader__afkorting="SLB").first()
    assert indicator is not None
    m.Doel.objects.filter(pk=indicator.doel_id).update(titel=FORMULE)
    m.Indicator.objects.filter(pk=indicator.pk).update(naam="@SUM(1+1)")
    c = _als(User.objects.create_superuser("beheerder", "", "x"))
    antwoord = c.get("/api/excel/SLB/")
    assert antwoord.status_code == 200
    cel = _cel(antwoord.content, "Doelen", FORMULE)
    assert cel.data_type == "s" and cel.value.startswith("=")
    assert _cel(antwoord.content, "Indicatoren", "@SUM(1+1)").data_type == "s"


def test_analysis_excel_writes_the_title_as_text(echte_opslag: Opslag, tmp_path: Path) -> None:
    tekst = methode_tekst("dorpen")[0]
    titel = re.search(r'^titel = "(.*)"$', tekst, re.M)
    assert titel is not None
    pad = tmp_path / "methode.toml"
    pad.write_text(tekst.replace(titel.group(0), 'titel = "=1+1 "'), "utf-8")
    uit = CliRunner().invoke(
        app, ["analyseer", str(pad), "--opslag", str(echte_opslag.map), "--uit", str(tmp_path / "uit")]
    )
    assert uit.exit_code == 0, uit.output
    cel = _cel((tmp_path / "uit" / "resultaat.xlsx").read_bytes(), "Methode", "=1+1 ")
    assert cel.data_type == "s"


def test_sheet_writer_protects_any_writer() -> None:
    """The ranking download makes its own pandas writer: the sheet writer still writes text."""
    frame = pd.DataFrame({"naam": [FORMULE, "+31 6", "-2", "gewoon"], "score": [1.0, 2.0, 3.0, 4.0]})
    for maak in (lambda b: pd.ExcelWriter(b, engine="xlsxwriter"), excelschrijver):
        buffer = io.BytesIO()
        with maak(buffer) as schrijver:
            schrijf_excelblad(schrijver, "Ranglijst", frame, {"naam": "Naam"})
        inhoud = buffer.getvalue()
        assert _cel(inhoud, "Ranglijst", FORMULE).data_type == "s"
        assert _cel(inhoud, "Ranglijst", "-2").data_type == "s"  # text stays text, not a number


def test_excel_import_refuses_non_finite_numbers() -> None:
    for tekst in ("inf", "nan", "-Infinity", "1e309"):
        with pytest.raises(excel.ExcelFout, match="geen eindig getal"):
            excel._getal("Metingen", 3, "Waarde", tekst)


# --- JSON: no NaN or Infinity ---------------------------------------------------------------------


@pytest.fixture
def analist(settings: Any, echte_opslag: Opslag) -> Client:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()
    return _als(User.objects.create_superuser("analist", "", "x"))


def _handmatig() -> m.Indicator:
    ind = m.Indicator.objects.filter(bron="handmatig").first()
    assert ind is not None
    return ind


@pytest.mark.parametrize("waarde", ["inf", "nan", "-inf", "1e309", "Infinity"])
def test_api_refuses_non_finite_measurements(analist: Client, waarde: str) -> None:
    """As text, as a form field and as a bare JSON literal (Python's json reads Infinity and NaN):
    a Dutch error in the API's error shape, itself valid JSON, and nothing stored."""
    ind = _handmatig()
    voor = ind.metingen.count()
    url = f"/api/indicatoren/{ind.pk}/metingen/"
    als_tekst = json.dumps({"datum": "2025-12-31", "waarde": waarde})
    formulier = f"datum=2025-12-31&waarde={waarde}"
    for body, soort in ((als_tekst, "application/json"), (formulier, "application/x-www-form-urlencoded")):
        fout = _fouten_van(_fouten(analist.post(url, body, content_type=soort)))[0]
        assert fout["veld"] == "waarde" and fout["verwacht"] == "een getal, bijvoorbeeld 3,5", body
        assert "is ongeldig" in fout["melding"] and fout["waarde"] in (waarde, None)
    getal = {"inf": "Infinity", "-inf": "-Infinity"}.get(waarde, waarde)
    letterlijk = '{"datum": "2025-12-31", "waarde": ' + getal + "}"
    assert _fouten_van(_fouten(analist.post(url, letterlijk, content_type="application/json")))
    assert ind.metingen.count() == voor


def _fouten(antwoord: Any) -> bytes:
    assert antwoord.status_code == 400, antwoord.content
    assert set(_strikt(antwoord.content)) == {"fouten"}
    inhoud: bytes = antwoord.content
    return inhoud


def test_api_never_writes_nan(analist: Client) -> None:
    """A non-finite value already in the database (from before this check) is sent as null."""
    ind = _handmatig()
    m.Meting.objects.create(indicator=ind, datum=date(2025, 12, 31), waarde=float("inf"))
    antwoord = analist.get(f"/api/doelenboom/{ind.doel.kader.afkorting}/")
    assert antwoord.status_code == 200
    assert "Infinity" not in antwoord.content.decode()
    _strikt(antwoord.content)


def test_measurement_form_refuses_non_finite(analist: Client) -> None:
    ind = _handmatig()
    voor = ind.metingen.count()
    antwoord = analist.post(
        f"/monitoring/indicatoren/{ind.pk}/meting/", {"datum": "2025-12-31", "waarde": "inf"}
    )
    assert antwoord.status_code == 422  # the site's forms answer 422 with the form and its errors
    assert "&#x27;inf&#x27; is geen getal" in antwoord.content.decode()
    assert ind.metingen.count() == voor


def test_map_geojson_is_strict_json(gebruikers: dict[str, User]) -> None:
    antwoord = _als(gebruikers["lezer"]).get(f"/analyse/{DORPEN}/kaart.geojson")
    assert antwoord.status_code == 200
    assert _strikt(antwoord.content)["features"]


# --- secret key and unknown regions ---------------------------------------------------------------


def test_predictable_secret_keys_are_refused() -> None:
    for sleutel in ("a" * 40, "ab" * 20, "0123456789" * 4):
        with pytest.raises(InstellingFout, match="te voorspelbaar"):
            Instellingen(secret_key=sleutel).controleer_sleutel()
    Instellingen(secret_key="Xq7-vB2pLm9zR4tY8wKc3nF6hJ1sD5gA0eU").controleer_sleutel()


def test_lockout_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_INLOGPOGINGEN", "0")
    monkeypatch.setenv("GEBIEDSKOMPAS_BLOKKEERMINUTEN", "kwartier")
    with pytest.raises(InstellingFout) as fout:
        instellingen()
    assert str(fout.value) == (
        "GEBIEDSKOMPAS_INLOGPOGINGEN='0': verwacht minstens 1; "
        "GEBIEDSKOMPAS_BLOKKEERMINUTEN='kwartier': verwacht een geheel getal"
    )
    monkeypatch.setenv("GEBIEDSKOMPAS_INLOGPOGINGEN", "3")
    monkeypatch.setenv("GEBIEDSKOMPAS_BLOKKEERMINUTEN", "60")
    assert (instellingen().inlogpogingen, instellingen().blokkeerminuten) == (3, 60)


def test_unknown_region_code_is_a_404(gebruikers: dict[str, User]) -> None:
    c = _als(gebruikers["lezer"])
    onbekend = c.get("/gebied/GM9999/")
    assert onbekend.status_code == 404
    tekst = onbekend.content.decode()
    assert "Niet gevonden" in tekst and "GM9999 komt niet voor in het regioregister" in tekst
    assert c.get("/gebied/GM0889/").status_code == 200
    assert c.get("/gebied/PV31/").status_code == 200


# --- in the browser: nothing the policy blocks ----------------------------------------------------


@pytest.fixture
def browser(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[tuple[Any, list[str], str]]:
    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    scherm = {"width": 1280, "height": 900}
    with chromium(live_server.url, viewport=scherm, device_scale_factor=1, bypass_csp=False) as (c, extern):
        yield c, extern, live_server.url


def _schermafdruk(page: Any, naam: str) -> None:
    map = Path("/tmp/beveiliging")
    map.mkdir(exist_ok=True)
    page.screenshot(path=str(map / f"{naam}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_in_chromium(browser: tuple[Any, list[str], str]) -> None:
    """The map (MapLibre with its blob: worker), the workbench (htmx), a profile with its charts and the
    API documentation (Swagger UI) work with the policy on, and the browser reports no violation."""
    context, extern, basis = browser
    page = context.new_page()
    meldingen: list[str] = []
    page.on("console", lambda b: meldingen.append(b.text) if b.type in ("error", "warning") else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "console.error('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    _login(page, basis, "analist")
    page.goto(f"{basis}/analyse/{DORPEN}/kaart/")
    page.wait_for_selector("#kaart[data-klaar=ja]", timeout=30_000)
    page.wait_for_selector("#kaart .kaartlabel", state="attached", timeout=30_000)
    page.goto(f"{basis}/analyse/nieuw/")
    page.select_option("#wb-uitgangspunt", "methode:dorpen")
    page.click("text=Begin hier")
    page.wait_for_selector("#voorbeeld table")
    page.goto(f"{basis}/gebied/GM0889/")
    page.wait_for_selector("figure.grafiek svg")
    page.goto(f"{basis}/api/docs")
    page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)
    _schermafdruk(page, "api-docs")
    csp = [t for t in meldingen if "CSP" in t or "Content Security Policy" in t]
    assert not csp, csp
    # the listener does hear a violation: an injected inline script is refused
    page.evaluate("document.body.appendChild(document.createElement('script')).textContent = 'window.x = 1'")
    page.wait_for_timeout(200)
    assert page.evaluate("window.x") is None
    assert any("CSP: script-src" in t for t in meldingen), meldingen
    assert not extern


@pytest.mark.django_db(transaction=True)
def test_lockout_page_in_chromium(browser: tuple[Any, list[str], str]) -> None:
    context, extern, basis = browser
    page = context.new_page()
    for _ in range(5):
        page.goto(f"{basis}/inloggen/")
        page.fill("#id_username", "lezer")
        page.fill("#id_password", "fout-wachtwoord")
        page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Inloggen tijdelijk geblokkeerd"
    assert _axe(page) == []
    _schermafdruk(page, "geblokkeerd-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _schermafdruk(page, "geblokkeerd-390")
    assert not extern


def test_csv_cells_that_would_be_formulas_stay_text() -> None:
    # the site's CSVs (ranking, comparison) go through csv_antwoord: text that Excel would evaluate
    # gets a leading apostrophe; numbers, also negative ones, stay numbers
    import pandas as pd

    from gebiedskompas.web.site.views import csv_antwoord

    tabel = pd.DataFrame(
        {"naam": ['=HYPERLINK("http://x")', "@SUM(1+1)", "-2+3", "Beesel"], "waarde": [-0.5, 1.25, 2.0, 3.0]}
    )
    tekst = csv_antwoord(tabel, "x.csv").content.decode("utf-8-sig").splitlines()
    assert tekst[1:] == ['"\'=HYPERLINK(""http://x"")";-0,5', "'@SUM(1+1);1,25", "'-2+3;2,0", "Beesel;3,0"]
