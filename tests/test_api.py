"""The ninja API: documentation lists every endpoint, Dutch numbers, and one Dutch error shape for
every 4xx (bad values, missing fields, unknown ids, roles, login, CSRF)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from gebiedskompas.opslag import Opslag
from gebiedskompas.web.monitoring import diensten as d
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.api import router
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld

pytestmark = pytest.mark.django_db
VELDEN = {"veld", "waarde", "verwacht", "melding"}


@pytest.fixture
def voorbeeld(settings: Any, echte_opslag: Opslag) -> None:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()


def _client(rol: str) -> Client:
    gebruiker = User.objects.create_user(rol, "", "x")
    gebruiker.groups.add(Group.objects.get(name=rol))
    c = Client()
    c.force_login(gebruiker)
    return c


@pytest.fixture
def analist(voorbeeld: None) -> Client:
    return _client("analist")


def _post(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data), content_type="application/json")


def _fouten(antwoord: Any, status: int) -> list[dict[str, Any]]:
    """The uniform error body: {"fouten": [{veld, waarde, verwacht, melding}, ...]}."""
    assert antwoord.status_code == status, antwoord.content
    assert antwoord["Content-Type"].startswith("application/json")
    inhoud = antwoord.json()
    assert set(inhoud) == {"fouten"} and inhoud["fouten"]
    for fout in inhoud["fouten"]:
        assert set(fout) == VELDEN and fout["melding"]
    fouten: list[dict[str, Any]] = inhoud["fouten"]
    return fouten


def _indicator(**anders: Any) -> dict[str, Any]:
    return {
        "doel": m.Doel.objects.get(kader__afkorting="SLB", code="1.1").pk,
        "naam": "Nieuwe indicator",
        "eenheid": "%",
        "basiswaarde": 1,
        "basisdatum": "2023-01-01",
        "streefwaarde": 2,
        "streefdatum": "2027-01-01",
        **anders,
    }


def _handmatige_indicator() -> m.Indicator:
    ind = m.Indicator.objects.filter(bron="handmatig").first()
    assert ind is not None
    return ind


# --- documentation ----------------------------------------------------------------------------------


def _geregistreerd() -> set[tuple[str, str]]:
    """(path, method) of every operation on the router, in OpenAPI notation."""
    uit = set()
    for pad, weergave in router.path_operations.items():
        openapi_pad = "/api" + re.sub(r"\{\w+:(\w+)\}", r"{\1}", pad)
        for operatie in weergave.operations:
            uit |= {(openapi_pad, methode.lower()) for methode in operatie.methods}
    return uit


def test_openapi_lists_every_endpoint_with_a_dutch_summary() -> None:
    schema = Client().get("/api/openapi.json").json()
    gedocumenteerd = {(pad, methode) for pad, ops in schema["paths"].items() for methode in ops}
    assert gedocumenteerd == _geregistreerd()
    assert len(gedocumenteerd) == 25
    for pad, ops in schema["paths"].items():
        for methode, op in ops.items():
            assert op["summary"] and op["description"], (pad, methode)
    metingen = schema["paths"]["/api/indicatoren/{pk}/metingen/"]["post"]
    assert {"201", "400", "403", "404"} <= set(metingen["responses"])


def test_swagger_page_works_offline_and_names_every_endpoint() -> None:
    c = Client()
    pagina = c.get("/api/docs")
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing from a CDN"
    bestanden = re.findall(r"(?:src|href)=\"(/api/docs/bestanden/[^\"]+)\"", html)
    assert {b.rsplit("/", 1)[1] for b in bestanden} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for url in bestanden:
        assert c.get(url).status_code == 200, url
    gevonden = re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html, re.S)
    assert gevonden is not None
    instellingen = json.loads(gevonden[1])
    assert instellingen["url"] == "/api/openapi.json" and instellingen["validatorUrl"] is None
    assert c.get("/api/docs/bestanden/swagger.html").status_code == 404  # only the fixed list


# --- Dutch numbers ----------------------------------------------------------------------------------


def test_dutch_decimal_comma_is_accepted(analist: Client) -> None:
    ind = _handmatige_indicator()
    antwoord = _post(
        analist, f"/api/indicatoren/{ind.pk}/metingen/", {"datum": "2025-12-31", "waarde": "3,5"}
    )
    assert antwoord.status_code == 201, antwoord.content
    assert ind.metingen.get(datum=date(2025, 12, 31)).waarde == 3.5
    assert antwoord.json()["status"]["laatste_meting"]["waarde"] == 3.5
    # the site's htmx forms post form fields, not JSON
    formulier = analist.post(
        f"/api/indicatoren/{ind.pk}/metingen/", {"datum": "2026-01-31", "waarde": "4,25"}
    )
    assert formulier.status_code == 201, formulier.content
    assert ind.metingen.get(datum=date(2026, 1, 31)).waarde == 4.25
    product = m.Product.objects.get(code="2.2.1")
    bedrag = _post(
        analist,
        f"/api/producten/{product.pk}/begroting/",
        {"jaar": 2027, "soort": "begroting", "bedrag": "1.234,50", "reden": "raming"},
    )
    assert bedrag.status_code == 201, bedrag.content
    assert m.Begrotingsregel.objects.get(pk=bedrag.json()["id"]).bedrag == Decimal("1234.50")


# --- bad input ---------------------------------------------------------------------------------------


def test_text_in_a_number_field_is_a_dutch_400(analist: Client) -> None:
    voor = m.Indicator.objects.count()
    fouten = _fouten(_post(analist, "/api/indicatoren/", _indicator(basiswaarde="abc")), 400)
    assert fouten == [
        {
            "veld": "basiswaarde",
            "waarde": "abc",
            "verwacht": "een getal, bijvoorbeeld 3,5",
            "melding": 'basiswaarde: "abc" is ongeldig; verwacht een getal, bijvoorbeeld 3,5',
        }
    ]
    datum = _fouten(_post(analist, "/api/indicatoren/", _indicator(basisdatum="gisteren")), 400)
    assert (datum[0]["veld"], datum[0]["waarde"]) == ("basisdatum", "gisteren")
    assert "JJJJ-MM-DD" in datum[0]["verwacht"]
    assert m.Indicator.objects.count() == voor


def test_a_missing_field_is_named(analist: Client) -> None:
    gegevens = _indicator()
    del gegevens["naam"]
    (fout,) = _fouten(_post(analist, "/api/indicatoren/", gegevens), 400)
    assert fout["veld"] == "naam" and fout["waarde"] is None
    assert fout["melding"] == "'naam' ontbreekt; dit veld is verplicht"
    product = m.Product.objects.get(code="2.2.1")
    query = _fouten(analist.get(f"/api/producten/{product.pk}/paragraaf/"), 400)
    assert {f["veld"] for f in query} == {"moment", "jaar"}


def test_service_layer_errors_name_the_field(analist: Client) -> None:
    fouten = _fouten(_post(analist, "/api/indicatoren/", _indicator(streefdatum="2020-01-01")), 400)
    (fout,) = [f for f in fouten if f["veld"] == "streefdatum"]
    assert fout["waarde"] == "2020-01-01" and "ligt niet na de basisdatum" in fout["verwacht"]
    assert fout["melding"].startswith("streefdatum: ")


def test_broken_json_is_a_dutch_400(analist: Client) -> None:
    antwoord = analist.post("/api/deals/", "{niet: json", content_type="application/json")
    assert _fouten(antwoord, 400)[0]["melding"] == "de gegevens zijn geen geldige JSON"


def test_unknown_id_is_a_dutch_404(analist: Client) -> None:
    (fout,) = _fouten(
        _post(analist, "/api/indicatoren/999999/metingen/", {"datum": "2025-01-01", "waarde": 1}), 404
    )
    assert fout["melding"] == "de indicator met id 999999 bestaat niet"
    assert _fouten(analist.get("/api/aanpakken/999999/"), 404)[0]["melding"].startswith("de gebiedsaanpak")
    assert "'XYZ' bestaat niet" in _fouten(analist.get("/api/doelenboom/XYZ/"), 404)[0]["melding"]
    (verwijzing,) = _fouten(_post(analist, "/api/indicatoren/", _indicator(doel=999999)), 404)
    assert (verwijzing["veld"], verwijzing["waarde"]) == ("doel", 999999)
    assert "bestaat niet in de API" in _fouten(analist.get("/api/bestaat-niet/"), 404)[0]["melding"]


def test_wrong_method_is_a_uniform_405(analist: Client) -> None:
    antwoord = analist.get("/api/deals/")
    assert "POST" in _fouten(antwoord, 405)[0]["melding"] and antwoord["Allow"] == "POST"


# --- login and roles -----------------------------------------------------------------------------------


def test_a_reader_writing_gets_a_dutch_403(voorbeeld: None) -> None:
    lezer = _client("lezer")
    ind = _handmatige_indicator()
    voor = ind.metingen.count()
    (fout,) = _fouten(
        _post(lezer, f"/api/indicatoren/{ind.pk}/metingen/", {"datum": "2025-12-31", "waarde": 3}), 403
    )
    assert fout["melding"] == "uw rol (lezer) mag 'meting invoeren' niet uitvoeren"
    assert ind.metingen.count() == voor
    assert lezer.get("/api/doelenboom/SLB/").status_code == 200


def test_login_role_and_csrf_errors_have_the_same_shape(voorbeeld: None) -> None:
    assert _fouten(Client().get("/api/doelenboom/SLB/"), 401)[0]["melding"] == "log eerst in"
    zonder_rol = Client()
    zonder_rol.force_login(User.objects.create_user("nieuw", "", "x"))
    assert "geen rol" in _fouten(zonder_rol.get("/api/lessen/"), 403)[0]["melding"]
    streng = Client(enforce_csrf_checks=True)
    streng.force_login(User.objects.create_superuser("b", "", "x"))
    assert "CSRF" in _fouten(_post(streng, "/api/deals/", {"naam": "x"}), 403)[0]["melding"]
    assert streng.get("/api/doelenboom/SLB/").status_code == 200  # reading needs no token


def test_a_real_bug_is_not_turned_into_a_400(analist: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def kapot(*args: Any, **kwargs: Any) -> None:
        raise KeyError("programmeerfout")

    monkeypatch.setattr(d, "meting_invoeren", kapot)
    ind = _handmatige_indicator()
    with pytest.raises(KeyError, match="programmeerfout"):
        _post(analist, f"/api/indicatoren/{ind.pk}/metingen/", {"datum": "2025-12-31", "waarde": 3})


def test_doelenboom_api_runs_a_constant_number_of_queries(analist: Client) -> None:
    """The API builds the tree with the same read service as the page: adding goals with
    indicators and measurements does not add queries."""

    def tel() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as vangst:
            antwoord = analist.get("/api/doelenboom/SLB/")
        assert antwoord.status_code == 200
        return len(vangst.captured_queries)

    voor = tel()
    kader = m.Beleidskader.objects.get(afkorting="SLB")
    for n in range(8):
        doel = m.Doel.objects.create(kader=kader, niveau="outcome", code=f"8.{n}", titel=f"Extra {n}")
        ind = m.Indicator.objects.create(
            doel=doel,
            naam=f"Extra {n}",
            eenheid="%",
            basiswaarde=1,
            basisdatum=date(2023, 12, 31),
            streefwaarde=2,
            streefdatum=date(2027, 12, 31),
        )
        m.Meting.objects.create(indicator=ind, datum=date(2025, 6, 30), waarde=1.5)
    assert tel() == voor
    codes = [d["code"] for d in analist.get("/api/doelenboom/SLB/").json()["doelen"]]
    assert {f"8.{n}" for n in range(8)} <= set(codes)
