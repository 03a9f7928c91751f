"""Dutch all the way, and on a phone too: no Python values or internal ids on any page for any role,
error pages in Dutch in the site's layout, CSVs for Dutch Excel, reports without command-line hints
and with every source cited; the ranking keeps its filters when sorted and downloads the rows on
screen; no page scrolls sideways at 390 pixels."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from gebiedskompas.web.monitoring import models as m

from .browserhulp import chromium
from .test_browser import _login
from .webhulp import ROLLEN, gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
BUURTEN = "wijken-2020-buurt"
BOM = b"\xef\xbb\xbf"


def _meer_voorbeelden(door: User) -> None:
    """An application, a deal and a lesson, so the pages that list them show rows, dates and amounts."""
    regeling = m.Regeling.objects.order_by("id").first()
    assert regeling is not None
    m.Aanvraag.objects.create(
        regeling=regeling,
        aanvrager="Stichting Dorpshuis",
        gebied="GM0889",
        gevraagd=Decimal("12500.50"),
        datum=date(2025, 6, 30),
    )
    deal = m.Deal.objects.create(naam="Regiodeal Noord-Limburg", soort="thematisch", datum=date(2025, 6, 30))
    m.Ondertekenaar.objects.create(deal=deal, naam="Gemeente Beesel", soort="gemeente")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    m.Les.objects.create(
        soort="les",
        titel="Vroeg beginnen",
        tekst="Betrek de dorpsraad vanaf het begin.",
        aanpak=aanpak,
        auteur=door,
        datum=date(2025, 6, 30),
    )


@pytest.fixture
def gebruikers(settings: Any, web_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    uit = gebruikers_en_voorbeeld()
    _meer_voorbeelden(uit["analist"])
    return uit


def _client(gebruikers: dict[str, User], rol: str) -> Client:
    c = Client()
    c.force_login(gebruikers[rol])
    return c


# --- what a user reads --------------------------------------------------------------------------------


class _Zichtbaar(HTMLParser):
    """The text a user sees or hears: text outside script and style, and the attributes shown or
    read aloud. Attribute values sent with a form (``value``) are no text on screen."""

    VERBORGEN = frozenset({"script", "style", "template"})
    ATTRIBUTEN = frozenset({"title", "alt", "aria-label", "placeholder"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []
        self.links: list[str] = []
        self._diepte = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VERBORGEN:
            self._diepte += 1
        for naam, waarde in attrs:
            if naam in self.ATTRIBUTEN and waarde:
                self.delen.append(waarde)
            if tag == "a" and naam == "href" and waarde:
                self.links.append(waarde)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VERBORGEN and self._diepte:
            self._diepte -= 1

    def handle_data(self, data: str) -> None:
        if not self._diepte:
            self.delen.append(data)


def _lees(html: str) -> _Zichtbaar:
    p = _Zichtbaar()
    p.feed(html)
    return p


def zichtbare_tekst(html: str) -> str:
    return re.sub(r"\s+", " ", " ".join(_lees(html).delen))


VERBODEN = {
    "Python-lijst": re.compile(r"\['|\[\]|\[\d+(?:\.\d+)?, "),
    "Python-dict": re.compile(r"\{'|\{\}"),
    "None, True of False": re.compile(r"\b(None|True|False)\b"),
    "nan of inf": re.compile(r"\b(nan|NaN|NaT|inf)\b"),
    "Python-object": re.compile(r"<bound method|<function |object at 0x|Traceback"),
    "ISO-tijdstip": re.compile(r"\d{4}-\d{2}-\d{2}T\d"),
    "interne id": re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z_]+\.[a-z_]+\.[a-z0-9_]+\b"),
    "opdrachtregel": re.compile(r"(?<![\w-])--[a-z]"),
}


def fouten_in(tekst: str) -> list[str]:
    uit = []
    for naam, patroon in VERBODEN.items():
        for gevonden in patroon.finditer(tekst):
            begin = max(0, gevonden.start() - 40)
            uit.append(f"{naam}: …{tekst[begin : gevonden.end() + 40]}…")
    return uit


def _paginas() -> list[str]:
    """Every page type, on both saved analyses where a page shows one, and the error pages."""
    product = m.Product.objects.get(code="2.2.1").pk
    reuver = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    heerlen = m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").pk
    return [
        "/",
        f"/analyse/{DORPEN}/",
        f"/analyse/{BUURTEN}/",
        f"/analyse/{DORPEN}/ranglijst/",
        f"/analyse/{BUURTEN}/ranglijst/?sorteer=-composiet",
        f"/analyse/{DORPEN}/kaart/",
        f"/analyse/{BUURTEN}/kaart/",
        "/gebied/GM0889/",
        f"/gebied/BU08890000/?run={BUURTEN}",
        "/monitoring/doelenboom/SLB/",
        f"/monitoring/paragraaf/{product}/",
        "/monitoring/aanpakken/",
        f"/monitoring/aanpakken/{reuver}/",
        f"/monitoring/aanpakken/{heerlen}/",
        f"/monitoring/aanpakken/{heerlen}/effect/",
        "/monitoring/subsidies/",
        "/monitoring/lessen/",
        "/bestaat-niet/",
        "/analyse/onbekend/",
    ]


@pytest.mark.parametrize("rol", ROLLEN)
def test_no_python_values_or_internal_ids_on_any_page(rol: str, gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, rol)
    gevonden = {}
    for url in _paginas():
        antwoord = c.get(url)
        assert antwoord.status_code in (200, 404), url
        fouten = fouten_in(zichtbare_tekst(antwoord.content.decode()))
        if fouten:
            gevonden[url] = fouten
    assert gevonden == {}


# --- error pages ----------------------------------------------------------------------------------------


def test_404_is_dutch_and_in_the_sites_layout(gebruikers: dict[str, User], settings: Any) -> None:
    settings.DEBUG = False
    for c in (_client(gebruikers, "lezer"), Client()):
        antwoord = c.get("/bestaat-niet/")
        assert antwoord.status_code == 404
        html = antwoord.content.decode()
        assert '<html lang="nl"' in html and "<main" in html and "site/site.css" in html
        assert "Pagina niet gevonden" in zichtbare_tekst(html) and "Naar het overzicht" in html
        assert "Not Found" not in html and "requested resource" not in html
    assert "Uitloggen" in _client(gebruikers, "lezer").get("/bestaat-niet/").content.decode()


def test_500_is_dutch_and_in_the_sites_layout(
    gebruikers: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view that raises, with DEBUG off as in production: the Dutch page, no traceback."""
    from gebiedskompas.web.monitoring import lezen

    def stuk() -> None:
        raise RuntimeError("kapot voor de test")

    settings.DEBUG = False
    monkeypatch.setattr(lezen, "overzicht", stuk)
    c = Client(raise_request_exception=False)
    c.force_login(gebruikers["lezer"])
    antwoord = c.get("/")
    assert antwoord.status_code == 500
    html = antwoord.content.decode()
    assert '<html lang="nl"' in html and "<main" in html and "site/site.css" in html
    assert "Er ging iets mis" in zichtbare_tekst(html)
    for engels in ("Server Error", "kapot voor de test", "RuntimeError", "Traceback"):
        assert engels not in html


# --- CSV for Dutch Excel ------------------------------------------------------------------------------


def test_every_csv_the_site_offers_is_for_dutch_excel(gebruikers: dict[str, User], web_opslag: Path) -> None:
    """Semicolons, a decimal comma, UTF-8 with a byte order mark: found by following every CSV link on
    every page."""
    c = _client(gebruikers, "analist")
    links = set()
    for url in _paginas():
        pad = url.split("?")[0]
        for href in _lees(c.get(url).content.decode()).links:
            if "csv" in href.lower():
                links.add(pad + href if href.startswith("?") else href)
    assert any(BUURTEN in link for link in links) and any(DORPEN in link for link in links)
    for link in sorted(links):
        antwoord = c.get(link)
        assert antwoord.status_code == 200, link
        assert antwoord["Content-Type"] == "text/csv; charset=utf-8", link
        inhoud = antwoord.content
        assert inhoud.startswith(BOM), link
        tekst = inhoud.decode("utf-8-sig")
        kop = tekst.splitlines()[0]
        assert kop.count(";") >= 5, link
        tabel = pd.read_csv(io.StringIO(tekst), sep=";", decimal=",")
        run = BUURTEN if BUURTEN in link else DORPEN
        gebieden = pd.read_parquet(web_opslag / "analyses" / run / "gebieden.parquet").set_index("code")
        score = tabel.set_index("Code")["Samengestelde score (nood)"]
        assert score.to_numpy() == pytest.approx(
            gebieden.loc[score.index, "composiet"].to_numpy(), nan_ok=True
        )
        assert re.search(r";-?\d+,\d+", tekst), link  # decimal comma in the numbers
        assert "Geïmputeerde waarden" in kop and not any(k.startswith("thema_") for k in tabel.columns)


# --- reports -------------------------------------------------------------------------------------------


def _pdftekst(c: Client, url: str) -> str:
    antwoord = c.get(url)
    assert antwoord.status_code == 200 and antwoord["Content-Type"] == "application/pdf", url
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(antwoord.content)).pages)


def _plat(tekst: str) -> str:
    return re.sub(r"\s+", "", tekst)


def test_method_text_without_command_line_hints(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "lezer")
    for run in (BUURTEN, DORPEN):
        pagina = zichtbare_tekst(c.get(f"/analyse/{run}/").content.decode())
        rapport = _pdftekst(c, f"/analyse/{run}/rapport.pdf")
        for tekst in (pagina, rapport):
            plat = _plat(tekst)
            for hint in ("--niveau", "--naast", "--robuustheid", "analyseerdorpen", "stedelijkheid_van"):
                assert hint not in plat, (run, hint)
            assert "Waaromdezekeuzes" in plat
    assert _plat("Benchmark is het gemiddelde van alle Nederlandse wijken") in _plat(
        _pdftekst(c, f"/analyse/{BUURTEN}/rapport.pdf")
    )


def test_every_report_cites_every_source_of_its_run(gebruikers: dict[str, User], web_opslag: Path) -> None:
    """The citations come from the input tables of the run record: the wijken report cites the CBS
    Kerncijfers and the Leefbaarometer, not only RIVM."""
    import json

    c = _client(gebruikers, "lezer")
    for run in (BUURTEN, DORPEN):
        record = json.loads((web_opslag / "analyses" / run / "resultaat.json").read_text())["runrecord"]
        code = pd.read_parquet(web_opslag / "analyses" / run / "gebieden.parquet")["code"].iloc[0]
        bronnen = {g["bronvermelding"] for g in record["gegevens"]}
        pagina = _plat(zichtbare_tekst(c.get(f"/analyse/{run}/").content.decode()))
        for url in (f"/analyse/{run}/rapport.pdf", f"/analyse/{run}/gebied/{code}.pdf"):
            tekst = _plat(_pdftekst(c, url))
            for bron in bronnen:
                assert _plat(bron) in tekst, (url, bron)
                assert _plat(bron) in pagina, (run, bron)
            assert "84799NED" in tekst and "Leefbaarometer" in tekst and "RIVM" in tekst, url
            assert not fouten_in(_pdftekst(c, url).replace("\n", " ")), url


# --- in the browser ---------------------------------------------------------------------------------


@pytest.fixture
def pagina(live_server: Any, settings: Any, web_opslag: Path) -> Iterator[tuple[Any, str]]:
    """A logged-in analyst's page in Debian's chromium; no request leaves the machine."""
    settings.OPSLAG = web_opslag
    _meer_voorbeelden(gebruikers_en_voorbeeld()["analist"])
    with chromium(live_server.url, accept_downloads=True, viewport={"width": 1200, "height": 900}) as (c, _):
        page = c.new_page()
        _login(page, live_server.url, "analist")
        yield page, live_server.url


def _codes_op_scherm(page: Any) -> list[str]:
    return [c.strip() for c in page.locator("#rijen tr td:nth-child(2) .code").all_inner_texts()]


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as download:
        page.click(selector)
    return Path(download.value.path()).read_bytes()


def _schermafdrukken(tmp_path: Path) -> Path:
    return Path(os.environ.get("GK_SCHERMAFDRUKKEN") or tmp_path)


@pytest.mark.django_db(transaction=True)
def test_sorting_keeps_the_filters_and_the_export_is_the_table_on_screen(
    pagina: tuple[Any, str], web_opslag: Path
) -> None:
    page, basis = pagina
    gebieden = pd.read_parquet(web_opslag / "analyses" / DORPEN / "gebieden.parquet")
    vijf = gebieden[gebieden["stedelijkheid"] == 5]
    page.goto(f"{basis}/analyse/{DORPEN}/ranglijst/")
    page.select_option("#id_stedelijkheid", "5")  # htmx swaps the table
    page.wait_for_function(f"document.querySelectorAll('#rijen tr').length === {len(vijf)}")
    for kolom, sortering in (("Score", "composiet"), ("Score", "-composiet"), ("Gebied", "naam")):
        page.click(f"#ranglijst th a:text-is('{kolom}')")
        page.wait_for_url(f"**sorteer={sortering}**")
        assert "stedelijkheid=5" in page.url
        assert page.locator("#id_stedelijkheid").input_value() == "5"
        codes = _codes_op_scherm(page)
        verwacht = vijf.sort_values(
            sortering.lstrip("-"), ascending=not sortering.startswith("-"), kind="stable"
        )
        assert codes == list(verwacht["code"]), sortering
        csv = _download(page, "#download-csv")
        assert csv.startswith(BOM)
        tabel = pd.read_csv(io.StringIO(csv.decode("utf-8-sig")), sep=";", decimal=",")
        assert list(tabel["Code"]) == codes, sortering
        excel = pd.read_excel(io.BytesIO(_download(page, "#download-xlsx")), engine="calamine")
        assert list(excel["Code"]) == codes, sortering
    # a filter changed after sorting keeps the sorting
    groep = str(vijf["groep"].iloc[0])
    page.select_option("#id_groep", groep)
    page.wait_for_url("**groep=**")
    deel = vijf[vijf["groep"] == groep].sort_values("naam", kind="stable")
    page.wait_for_function(f"document.querySelectorAll('#rijen tr').length === {len(deel)}")
    assert _codes_op_scherm(page) == list(deel["code"])
    tabel = pd.read_csv(
        io.BytesIO(_download(page, "#download-csv")), sep=";", decimal=",", encoding="utf-8-sig"
    )
    assert list(tabel["Code"]) == list(deel["code"])


TELEFOON = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_on_a_phone(pagina: tuple[Any, str], tmp_path: Path) -> None:
    """Every page type at 390 × 844: wide tables scroll in their own labelled container, text wraps.
    Screenshots go to GK_SCHERMAFDRUKKEN when set."""
    page, basis = pagina
    page.set_viewport_size(TELEFOON)
    map_ = _schermafdrukken(tmp_path)
    product = m.Product.objects.get(code="2.2.1").pk
    aanpak = m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").pk
    paginas = {
        "overzicht": "/",
        "analyse": f"/analyse/{DORPEN}/",
        "analyse-buurten": f"/analyse/{BUURTEN}/",
        "ranglijst": f"/analyse/{DORPEN}/ranglijst/",
        "ranglijst-buurten": f"/analyse/{BUURTEN}/ranglijst/",
        "kaart": f"/analyse/{DORPEN}/kaart/",
        "kaart-inzoomen": f"/analyse/{BUURTEN}/kaart/?binnen=GM0917",
        "nieuwe-analyse": "/analyse/nieuw/",
        "vergelijk": f"/analyse/vergelijk/?a={DORPEN}&b={BUURTEN}",
        "profiel": "/gebied/GM0889/",
        "profiel-referentie": "/gebied/GM0917/?referentie=stedelijkheid",
        "profiel-buurt": f"/gebied/BU08890000/?run={BUURTEN}",
        "doelenboom": "/monitoring/doelenboom/SLB/",
        "paragraaf": f"/monitoring/paragraaf/{product}/",
        "aanpakken": "/monitoring/aanpakken/",
        "aanpak": f"/monitoring/aanpakken/{aanpak}/",
        "subsidies": "/monitoring/subsidies/",
        "lessen": "/monitoring/lessen/",
        "effect": f"/monitoring/aanpakken/{aanpak}/effect/",
        "niet-gevonden": "/bestaat-niet/",
    }
    breed = {}
    for naam, url in paginas.items():
        page.goto(basis + url)
        if "kaart" in url:
            page.wait_for_selector("#kaart[data-klaar=ja]", timeout=20_000)
        breedte = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(map_ / f"telefoon-{naam}.png"), full_page=True)
        if breedte > TELEFOON["width"]:
            breed[url] = breedte
    assert breed == {}
    # a table that scrolls is a labelled region a keyboard can reach
    page.goto(f"{basis}/analyse/{DORPEN}/ranglijst/")
    rol = page.locator(".tabelrol").first
    assert rol.get_attribute("role") == "region" and rol.get_attribute("tabindex") == "0"
    assert page.locator(f"#{rol.get_attribute('aria-labelledby')}").inner_text().startswith("Gebieden")
