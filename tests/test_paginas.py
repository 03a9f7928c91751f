"""The web pages: a constant number of queries per page however many goals there are, Django forms
with errors next to the field and a message after saving (htmx fragments), Dutch decimals, and a
Dutch 400 or 404 (never a 500) for every bad value in a page's address."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from gebiedskompas.web.monitoring import lezen
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.site.formulieren import MetingFormulier, nl_getal

from .webhulp import WACHTWOORD, gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def gebruikers(settings: Any, web_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    return gebruikers_en_voorbeeld()


def _client(gebruikers: dict[str, User], rol: str) -> Client:
    c = Client()
    c.force_login(gebruikers[rol])
    return c


def _tekst(antwoord: Any) -> str:
    return unescape(bytes(antwoord.content).decode())


def _pk(model: Any, **waar: Any) -> int:
    return int(model.objects.get(**waar).pk)


# --- queries per page ------------------------------------------------------------------------------

# Per page for an analyst: 4 for the request itself (session, user, role, data revision), then the
# page's own. None grows with the number of goals, indicators, measurements or programmes.
QUERIES = {
    "/": 7,
    f"/analyse/{DORPEN}/": 5,  # + the role check for the publish button
    f"/analyse/{DORPEN}/ranglijst/": 4,
    "/gebied/GM0889/": 10,
    "/monitoring/doelenboom/SLB/": 10,
    "/monitoring/paragraaf/{product}/": 11,
    # + the role check for the programme form, the coordinators to choose from, the current ones
    "/monitoring/aanpakken/": 12,
    "/monitoring/aanpakken/{aanpak}/": 15,
    "/monitoring/subsidies/": 9,  # + the role check for the application forms
    "/monitoring/lessen/": 11,  # + may this user publish (the public checkbox)
}


def _adressen() -> dict[str, str]:
    pks = {"product": _pk(m.Product, code="2.2.1"), "aanpak": _pk(m.Gebiedsaanpak, naam="Reuver/Offenbeek")}
    return {sjabloon: sjabloon.format(**pks) for sjabloon in QUERIES}


def _meer_doelen(aantal: int, door: User) -> None:
    """``aantal`` extra goal pairs with indicators, measurements and overrides, linked to the product
    and a programme, and per goal a phase, partner, lesson, application and deal."""
    kader = m.Beleidskader.objects.get(afkorting="SLB")
    product = m.Product.objects.get(code="2.2.1")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    wortel = kader.doelen.filter(ouder__isnull=True).first()
    regeling = m.Regeling.objects.order_by("id").first()
    assert regeling is not None
    begin = kader.doelen.count()
    for n in range(begin, begin + aantal):
        ouder = m.Doel.objects.create(
            kader=kader, ouder=wortel, niveau="outcome", code=f"9.{n}", titel="Extra"
        )
        kind = m.Doel.objects.create(kader=kader, ouder=ouder, niveau="output", code=f"9.{n}.1", titel="Kind")
        for i in range(2):
            ind = m.Indicator.objects.create(
                doel=kind,
                naam=f"Extra indicator {n}.{i}",
                eenheid="%",
                basiswaarde=1,
                basisdatum=date(2020, 1, 1),
                streefwaarde=5,
                streefdatum=date(2030, 1, 1),
            )
            m.Meting.objects.create(indicator=ind, datum=date(2024, 1, 1), waarde=2 + n)
            m.StatusOverride.objects.create(indicator=ind, status="op_koers", motivatie="test", door=door)
        product.doelen.add(ouder, kind)
        aanpak.doelen.add(kind)
        m.Fase.objects.create(aanpak=aanpak, fase="uitvoering", datum=date(2025, 1, 1 + n % 28))
        m.Partner.objects.create(aanpak=aanpak, naam=f"Partner {n}", rol="welzijn")
        m.Les.objects.create(
            soort="les", titel=f"Les {n}", tekst="tekst", aanpak=aanpak, auteur=door, datum=date.today()
        )
        m.Aanvraag.objects.create(
            regeling=regeling,
            aanvrager=f"Stichting {n}",
            gebied="GM0889",
            gevraagd=Decimal(1000),
            datum=date.today(),
        )
        deal = m.Deal.objects.create(naam=f"Deal {n}", soort="thematisch", datum=date.today())
        m.Ondertekenaar.objects.create(deal=deal, naam="Gemeente", soort="gemeente")


def _meet(c: Client, adressen: dict[str, str], django_assert_num_queries: Any) -> None:
    for sjabloon, adres in adressen.items():
        cache.clear()
        with django_assert_num_queries(QUERIES[sjabloon]):
            assert c.get(adres).status_code == 200, adres


def test_query_count_per_page_does_not_grow_with_the_goals(
    gebruikers: dict[str, User], django_assert_num_queries: Any
) -> None:
    c = _client(gebruikers, "analist")
    adressen = _adressen()
    _meer_doelen(1, gebruikers["analist"])  # one of each (an empty list needs no second query)
    _meet(c, adressen, django_assert_num_queries)
    doelen = m.Doel.objects.count()
    _meer_doelen(6, gebruikers["analist"])
    assert m.Doel.objects.count() == doelen + 12
    _meet(c, adressen, django_assert_num_queries)


def test_doelenboom_is_one_tree_for_page_paragraph_and_api(
    gebruikers: dict[str, User], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        boom = lezen.doelenboom("SLB")

    def knopen(lijst: list[lezen.Doelknoop]) -> Iterator[lezen.Doelknoop]:
        for k in lijst:
            yield k
            yield from knopen(k.kinderen)

    alle = list(knopen(boom.doelen))
    assert len(alle) == m.Doel.objects.filter(kader__afkorting="SLB").count()
    assert all(k.ouder_id is None for k in boom.doelen)
    json = boom.als_dict()
    assert json["kader"] == "Samen Leven en Bestaanszekerheid"
    eerste = next(k for k in alle if k.indicatoren).indicatoren[0].als_dict()
    assert {"id", "naam", "eenheid", "maat", "basis", "streef", "status", "label", "reden"} <= set(eerste)
    product = m.Product.objects.get(code="2.2.1")
    with django_assert_num_queries(6):
        p = lezen.paragraaf(product, "najaarsnota", 2025)
    assert [d["code"] for d in p.doelen] == sorted(product.doelen.values_list("code", flat=True))


# --- forms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "getal"),
    [("3,5", 3.5), ("3.5", 3.5), ("1.234,5", 1234.5), ("\u22122,5", -2.5), (" 7 ", 7.0), ("-0,25", -0.25)],
)
def test_dutch_decimals_are_accepted(typed: str, getal: float) -> None:
    assert float(nl_getal(typed)) == getal
    formulier = MetingFormulier({"waarde": typed, "datum": "2025-03-01"})
    assert formulier.is_valid(), formulier.errors
    assert formulier.cleaned_data["waarde"] == getal


@pytest.mark.parametrize("typed", ["abc", "3,5,1", "nan", "inf", "1e999", "drie"])
def test_text_in_a_number_field_gets_a_dutch_error(typed: str) -> None:
    formulier = MetingFormulier({"waarde": typed, "datum": "2025-03-01"})
    assert not formulier.is_valid()
    assert formulier.errors["waarde"] == [
        f"'{typed}' is geen getal: typ cijfers met een decimale komma, bijvoorbeeld 3,5."
    ]


def _indicator() -> m.Indicator:
    return m.Indicator.objects.filter(bron="handmatig").order_by("id").first()  # type: ignore[return-value]


def test_measurement_form_saves_with_a_decimal_comma_and_shows_the_new_status(
    gebruikers: dict[str, User],
) -> None:
    c = _client(gebruikers, "analist")
    ind = _indicator()
    antwoord = c.post(
        f"/monitoring/indicatoren/{ind.pk}/meting/", {"waarde": "3,5", "datum": "2025-03-01"}, **HX
    )
    assert antwoord.status_code == 200
    html = _tekst(antwoord)
    assert "<html" not in html and f'id="meting-{ind.pk}"' in html
    assert "Meting 3,5 op 1 maart 2025 opgeslagen; status nu:" in html and 'role="status"' in html
    assert f'<span id="status-{ind.pk}" hx-swap-oob="true">' in html  # the status in the tree follows
    meting = m.Meting.objects.get(indicator=ind, datum=date(2025, 3, 1))
    assert meting.waarde == 3.5
    # through the service layer: the audit trail names the analyst
    assert LogEntry.objects.get_for_object(meting).first().actor == gebruikers["analist"]


def test_measurement_form_shows_errors_next_to_the_field(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    ind = _indicator()
    voor = m.Meting.objects.count()
    antwoord = c.post(f"/monitoring/indicatoren/{ind.pk}/meting/", {"waarde": "abc", "datum": ""}, **HX)
    assert antwoord.status_code == 422
    html = _tekst(antwoord)
    assert "<html" not in html and "hx-swap-oob" not in html
    veld = f"meting-{ind.pk}-waarde"
    assert f'aria-invalid="true" aria-describedby="{veld}_error" id="{veld}"' in html
    assert f"id=\"{veld}_error\">'abc' is geen getal: typ cijfers met een decimale komma" in html
    assert 'value="abc"' in html  # what was typed stays
    assert f'id="meting-{ind.pk}-datum_error">Dit veld is verplicht.' in html
    assert m.Meting.objects.count() == voor


def test_a_reader_may_not_measure(gebruikers: dict[str, User]) -> None:
    ind = _indicator()
    antwoord = _client(gebruikers, "lezer").post(
        f"/monitoring/indicatoren/{ind.pk}/meting/", {"waarde": "2", "datum": "2025-03-01"}, **HX
    )
    assert antwoord.status_code == 403
    assert "Niet opgeslagen: uw rol (lezer) mag 'meting invoeren' niet uitvoeren." in _tekst(antwoord)
    assert not m.Meting.objects.filter(indicator=ind, datum=date(2025, 3, 1)).exists()


def test_write_routes_answer_only_post(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    aanpak = _pk(m.Gebiedsaanpak, naam="Reuver/Offenbeek")
    for adres in (
        f"/monitoring/indicatoren/{_indicator().pk}/meting/",
        f"/monitoring/aanpakken/{aanpak}/fase/",
        "/monitoring/lessen/nieuw/",
    ):
        assert c.get(adres).status_code == 405, adres
    assert c.post("/monitoring/indicatoren/987654/meting/", {"waarde": "1"}).status_code == 404


def test_phase_form_error_and_success_fragments(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "gebiedscoordinator")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    adres = f"/monitoring/aanpakken/{aanpak.pk}/fase/"
    fout = c.post(adres, {"fase": "bestaat-niet", "datum": "31-02-2025"}, **HX)
    assert fout.status_code == 422
    html = _tekst(fout)
    assert 'id="fase-fase_error">Selecteer een geldige keuze.' in html
    assert 'id="fase-datum_error">Vul een geldige datum in' in html
    goed = c.post(adres, {"fase": "governance", "datum": "2025-04-02", "document": "Besluit 12"}, **HX)
    assert goed.status_code == 200
    html = _tekst(goed)
    assert "Fase 'Governance' op 2 april 2025 toegevoegd." in html
    assert '<ol id="fasen" hx-swap-oob="true">' in html and "Governance — 2 april 2025 (Besluit 12)" in html
    assert 'value="Besluit 12"' not in html  # an empty form for the next phase
    assert aanpak.fasen.filter(fase="governance", document="Besluit 12").exists()
    # not their own programme: the service refuses, the form says so
    ander = m.Gebiedsaanpak.objects.get(naam="Donderberg")
    geweigerd = c.post(
        f"/monitoring/aanpakken/{ander.pk}/fase/", {"fase": "governance", "datum": "2025-04-02"}
    )
    assert geweigerd.status_code == 403
    assert "Niet opgeslagen: uw rol (gebiedscoordinator)" in _tekst(geweigerd)


def test_partner_and_intervention_forms(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    leeg = c.post(f"/monitoring/aanpakken/{aanpak.pk}/partner/", {"naam": "", "rol": "welzijn"}, **HX)
    assert leeg.status_code == 422 and 'id="partner-naam_error">Dit veld is verplicht.' in _tekst(leeg)
    goed = c.post(
        f"/monitoring/aanpakken/{aanpak.pk}/partner/", {"naam": "De Schakel", "rol": "welzijn"}, **HX
    )
    assert goed.status_code == 200 and "Partner De Schakel toegevoegd." in _tekst(goed)
    assert "De Schakel: welzijn" in _tekst(goed)
    interventie = m.Interventie.objects.exclude(aanpakken=aanpak).first()
    assert interventie is not None
    onbekend = c.post(f"/monitoring/aanpakken/{aanpak.pk}/interventie/", {"interventie": "987654"}, **HX)
    assert onbekend.status_code == 422 and "Kies een interventie uit de lijst." in _tekst(onbekend)
    gekoppeld = c.post(
        f"/monitoring/aanpakken/{aanpak.pk}/interventie/", {"interventie": interventie.pk}, **HX
    )
    assert gekoppeld.status_code == 200 and f"Interventie {interventie.naam} gekoppeld." in _tekst(gekoppeld)
    assert aanpak.interventies.filter(pk=interventie.pk).exists()
    assert "Stichting" not in c.post(f"/monitoring/aanpakken/{aanpak.pk}/onbekend/").content.decode()


def test_lesson_form_error_and_success_fragments(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "gebiedscoordinator")
    eigen = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    ander = m.Gebiedsaanpak.objects.get(naam="Donderberg")
    pagina = _tekst(c.get("/monitoring/lessen/"))
    assert f'<option value="{eigen.pk}"' in pagina and f'<option value="{ander.pk}"' not in pagina
    velden = {"aanpak": eigen.pk, "soort": "knelpunt", "titel": "", "tekst": "Te weinig vrijwilligers"}
    fout = c.post("/monitoring/lessen/nieuw/", velden, **HX)
    assert fout.status_code == 422 and 'id="les-titel_error">Dit veld is verplicht.' in _tekst(fout)
    vreemd = c.post("/monitoring/lessen/nieuw/", {**velden, "aanpak": ander.pk, "titel": "x"}, **HX)
    assert vreemd.status_code == 422 and "Kies een van uw eigen gebiedsaanpakken." in _tekst(vreemd)
    goed = c.post("/monitoring/lessen/nieuw/", {**velden, "titel": "Vrijwilligers"}, **HX)
    assert goed.status_code == 200 and "Knelpunt 'Vrijwilligers' opgeslagen." in _tekst(goed)
    les = m.Les.objects.get(titel="Vrijwilligers")
    assert les.auteur == gebruikers["gebiedscoordinator"] and les.aanpak == eigen
    assert "Vrijwilligers" in _tekst(c.get("/monitoring/lessen/", {"q": "vrijwilligers"}, **HX))


def test_forms_only_for_roles_that_may_write(gebruikers: dict[str, User]) -> None:
    aanpak = _pk(m.Gebiedsaanpak, naam="Reuver/Offenbeek")
    lezer, analist = _client(gebruikers, "lezer"), _client(gebruikers, "analist")
    for adres in (f"/monitoring/aanpakken/{aanpak}/", "/monitoring/lessen/", "/monitoring/doelenboom/SLB/"):
        assert "hx-post=" not in _tekst(lezer.get(adres)).replace('hx-post="/uitloggen/"', ""), adres
    html = _tekst(analist.get(f"/monitoring/aanpakken/{aanpak}/"))
    for soort in ("fase", "partner", "interventie"):
        assert f'hx-post="/monitoring/aanpakken/{aanpak}/{soort}/" hx-swap="outerHTML"' in html
    assert 'hx-swap="none"' not in html


# --- ranking filters -------------------------------------------------------------------------------


def test_the_download_holds_the_filtered_ranking(gebruikers: dict[str, User], web_opslag: Path) -> None:
    c = _client(gebruikers, "lezer")
    gebieden = pd.read_parquet(web_opslag / "analyses" / DORPEN / "gebieden.parquet")
    groep = gebieden["groep"].iloc[0]
    deel = gebieden[(gebieden["stedelijkheid"] == 5) & (gebieden["groep"] == groep)]
    filters = {"stedelijkheid": "5", "groep": groep, "sorteer": "-composiet"}
    pagina = _tekst(c.get(f"/analyse/{DORPEN}/ranglijst/", filters))
    assert "formaat=csv" in pagina and "stedelijkheid=5" in pagina
    csv = c.get(f"/analyse/{DORPEN}/ranglijst/", {**filters, "formaat": "csv"})
    tabel = pd.read_csv(io.StringIO(csv.content.decode()), sep=";", decimal=",")
    assert list(tabel["Code"]) == list(deel.sort_values("composiet", ascending=False)["code"])
    xlsx = c.get(f"/analyse/{DORPEN}/ranglijst/", {**filters, "formaat": "xlsx"})
    assert list(pd.read_excel(io.BytesIO(xlsx.content), engine="calamine")["Code"]) == list(tabel["Code"])
    fragment = _tekst(c.get(f"/analyse/{DORPEN}/ranglijst/", filters, **HX))
    assert fragment.startswith('<div id="ranglijst">') and fragment.count("<tr class") == len(deel) + 1


# --- bad values in a page's address ----------------------------------------------------------------


def _slecht() -> list[tuple[str, dict[str, str], int, str]]:
    r = f"/analyse/{DORPEN}/ranglijst/"
    return [
        (r, {"stedelijkheid": "abc"}, 400, "Onbekende stedelijkheidsklasse 'abc'"),
        (r, {"stedelijkheid": "-1"}, 400, "Onbekende stedelijkheidsklasse '-1'"),
        (r, {"stedelijkheid": "9"}, 400, "Onbekende stedelijkheidsklasse '9'"),
        (r, {"groep": "geen-groep"}, 400, "Onbekende groep 'geen-groep'"),
        (r, {"gemeente": "GM9999"}, 400, "Onbekende gemeente 'GM9999'"),
        (r, {"sorteer": "abc"}, 400, "Onbekende sortering 'abc'"),
        (r, {"sorteer": "-1"}, 400, "Onbekende sortering '-1'"),
        (r, {"formaat": "pdf"}, 400, "Onbekend formaat 'pdf'"),
        (r, {"stedelijkheid": "abc", "formaat": "csv"}, 400, "Onbekende stedelijkheidsklasse 'abc'"),
        ("/monitoring/paragraaf/{product}/", {"jaar": "abc"}, 400, "Het jaar moet een jaartal zijn"),
        ("/monitoring/paragraaf/{product}/", {"jaar": "-5"}, 400, "Het jaar moet tussen 1900 en 2100 liggen"),
        ("/monitoring/paragraaf/{product}/", {"jaar": "9" * 30}, 400, "Het jaar moet tussen 1900 en 2100"),
        ("/monitoring/paragraaf/{product}/", {"moment": "abc"}, 400, "Onbekend moment 'abc'"),
        ("/monitoring/lessen/", {"soort": "abc"}, 400, "Onbekende soort 'abc'"),
        ("/gebied/GM0889/", {"run": "abc"}, 400, "Onbekende analyse 'abc'"),
        ("/monitoring/aanpakken/{aanpak}/effect/", {"start": "abc"}, 400, "Het startjaar moet een jaartal"),
        ("/monitoring/aanpakken/{aanpak}/effect/", {"start": "-5"}, 400, "Het startjaar moet een jaartal"),
        ("/monitoring/aanpakken/{aanpak}/effect/", {"methode": "abc"}, 400, "Onbekende methode 'abc'"),
        ("/monitoring/aanpakken/{aanpak}/effect/", {"indicator": "abc"}, 400, "Onbekende indicator 'abc'"),
        ("/gebied/XX123/", {}, 404, "'XX123' is geen geldige regiocode"),
        ("/analyse/onbekend/", {}, 404, "onbekend"),
        ("/analyse/onbekend/ranglijst/", {}, 404, "onbekend"),
        ("/monitoring/doelenboom/XYZ/", {}, 404, "Beleidskader 'XYZ' bestaat niet."),
        ("/monitoring/paragraaf/987654/", {}, 404, "Product 987654 bestaat niet (meer)."),
        ("/monitoring/aanpakken/987654/", {}, 404, "Gebiedsaanpak 987654 bestaat niet (meer)."),
        ("/monitoring/aanpakken/987654/effect/", {}, 404, "Gebiedsaanpak 987654 bestaat niet (meer)."),
    ]


def test_bad_values_give_a_dutch_400_or_404(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    pks = {"product": _pk(m.Product, code="2.2.1"), "aanpak": _pk(m.Gebiedsaanpak, naam="Heerlen-Noord")}
    for adres, vraag, status, melding in _slecht():
        antwoord = c.get(adres.format(**pks), vraag)
        assert antwoord.status_code == status, (adres, vraag)
        html = _tekst(antwoord)
        assert melding in html, (adres, vraag)
        assert '<html lang="nl"' in html and 'role="alert"' in html, (adres, vraag)


def test_a_bad_filter_in_an_htmx_request_swaps_a_message(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "lezer")
    ranglijst = c.get(f"/analyse/{DORPEN}/ranglijst/", {"stedelijkheid": "abc"}, **HX)
    assert ranglijst.status_code == 400
    html = _tekst(ranglijst)
    assert "<html" not in html and 'id="id_stedelijkheid_error">Onbekende stedelijkheidsklasse' in html
    lessen = c.get("/monitoring/lessen/", {"soort": "abc"}, **HX)
    assert lessen.status_code == 400 and "Niet gezocht: pas de zoekopdracht aan." in _tekst(lessen)


def _parameters() -> dict[str, list[str]]:
    return {
        f"/analyse/{DORPEN}/ranglijst/": ["stedelijkheid", "groep", "gemeente", "sorteer", "formaat"],
        "/monitoring/paragraaf/{product}/": ["moment", "jaar"],
        "/monitoring/lessen/": ["q", "soort"],
        "/gebied/GM0889/": ["run"],
        "/monitoring/aanpakken/{aanpak}/effect/": ["indicator", "start", "methode"],
    }


def test_no_value_of_any_parameter_gives_a_500(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    pks = {"product": _pk(m.Product, code="2.2.1"), "aanpak": _pk(m.Gebiedsaanpak, naam="Heerlen-Noord")}
    waarden = ["abc", "-1", "0", "1e999", "9" * 40, "x" * 300, "nan", "<script>", "%", " "]
    for adres, namen in _parameters().items():
        for naam in namen:
            for waarde in waarden:
                if naam in ("indicator", "start", "methode") and waarde in ("0", " "):
                    continue  # a valid default: computes an effect (tested in test_effect_web)
                antwoord = c.get(adres.format(**pks), {naam: waarde})
                assert antwoord.status_code in (200, 400, 404), (adres, naam, waarde)
                assert "<script>" not in antwoord.content.decode()


# --- in a browser: htmx swaps the fragments ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_forms_and_filters_in_the_browser(
    live_server: Any, settings: Any, web_opslag: Path, tmp_path: Path
) -> None:
    """Type text in a measurement, see the error next to the field; a Dutch decimal saves; a bad
    filter shows its message. Screenshots go to GK_SCHERMAFDRUKKEN when set."""
    from .browserhulp import chromium

    settings.OPSLAG = web_opslag
    gebruikers_en_voorbeeld()
    map_ = Path(os.environ.get("GK_SCHERMAFDRUKKEN") or tmp_path)
    with chromium(live_server.url, viewport={"width": 1200, "height": 900}) as (context, extern):
        _browsermeting(context.new_page(), live_server.url, map_.joinpath)
    assert extern == []


def _browsermeting(page: Any, basis: str, pad: Callable[[str], Path]) -> None:
    page.goto(f"{basis}/inloggen/")
    page.fill("#id_username", "analist")
    page.fill("#id_password", WACHTWOORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{basis}/")
    page.goto(f"{basis}/monitoring/doelenboom/SLB/")
    page.locator("details:has(form.meting) > summary").first.click()  # forms start collapsed
    formulier = page.locator("form.meting").first
    formulier.locator("input[name=waarde]").fill("abc")
    formulier.locator("input[name=datum]").fill("2025-03-01")
    formulier.locator("button").click()
    page.wait_for_selector("form.meting .fout")
    fout = page.locator("form.meting").first
    assert "'abc' is geen getal" in fout.inner_text()
    assert fout.locator("input[name=waarde]").get_attribute("aria-invalid") == "true"
    fout.scroll_into_view_if_needed()
    page.screenshot(path=str(pad("doelenboom-fout.png")))
    fout.locator("input[name=waarde]").fill("3,5")
    fout.locator("button").click()
    page.wait_for_selector("form.meting .gelukt")
    assert "Meting 3,5 op 1 maart 2025 opgeslagen" in page.locator("form.meting").first.inner_text()
    page.screenshot(path=str(pad("doelenboom-gelukt.png")))
    page.goto(f"{basis}/analyse/{DORPEN}/ranglijst/?stedelijkheid=abc")
    assert "Onbekende stedelijkheidsklasse 'abc'" in page.locator("#ranglijst").inner_text()
    page.screenshot(path=str(pad("ranglijst-fout.png")))
    page.select_option("#id_stedelijkheid", "5")
    page.wait_for_function("!document.querySelector('#ranglijst .fout')")
    assert "stedelijkheid=5" in page.url
