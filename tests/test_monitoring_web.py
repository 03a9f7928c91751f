"""Monitoring pages people can work in (issue 12, point 9), through Django's test client:

- every form saves through the service layer and says what it saved; every bad input gives a Dutch
  error next to its field and changes nothing; with htmx the form's fragment comes back, without
  JavaScript the browser is sent back to the page with the message (POST, redirect, GET);
- the overview counts per status (indicators, programmes, applications) match a count made here
  from the example data, independently of the read services;
- baseline and target show before the first measurement.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import Workbook

from gebiedskompas.opslag import Opslag
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.excel import KOLOMMEN

from .webhulp import gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def gebruikers(settings: Any, echte_opslag: Opslag) -> dict[str, User]:
    settings.OPSLAG = echte_opslag.map
    return gebruikers_en_voorbeeld()


def _client(gebruikers: dict[str, User], rol: str) -> Client:
    c = Client()
    c.force_login(gebruikers[rol])
    return c


def _tekst(antwoord: Any) -> str:
    return unescape(bytes(antwoord.content).decode())


def _telling(html: str, soort: str, sleutel: str) -> int:
    """The number on the badge ``badge-<soort>-<sleutel>`` of a page's overview."""
    begin = html.index(f'<li class="badge badge-{soort}-{sleutel}')
    return int(html[begin:].split('<span class="aantal">', 1)[1].split("<", 1)[0])


# --- overview counts ---------------------------------------------------------------------------------


def _status_zelf(ind: m.Indicator) -> str:
    """The status by hand from the thresholds in DOMAIN.md (Open SDG): the progress since the baseline
    against the progress needed on a straight line to the target by the date of the last measurement."""
    na = [x for x in ind.metingen.all() if x.datum > ind.basisdatum]
    if not na:
        return "onbekend"
    laatste = max(na, key=lambda x: x.datum)
    deel = min((laatste.datum - ind.basisdatum).days / (ind.streefdatum - ind.basisdatum).days, 1.0)
    verhouding = (laatste.waarde - ind.basiswaarde) / ((ind.streefwaarde - ind.basiswaarde) * deel)
    for grens, status in ((0.95, "op_koers"), (0.6, "versnelling_nodig"), (0.0, "beperkte_voortgang")):
        if verhouding >= grens:
            return status
    return "achteruitgang"


def test_doelenboom_counts_indicators_per_status(gebruikers: dict[str, User]) -> None:
    indicatoren = list(m.Indicator.objects.filter(doel__kader__afkorting="SLB").prefetch_related("metingen"))
    verwacht = Counter(_status_zelf(i) for i in indicatoren)
    # the example (voorbeeld.py): 25 output targets of seed 002 (the subsidy count among them) and the
    # 20 outcome indicators this test store has data for; measured after the baseline are only the
    # three programme counts (30 June 2025): 4 new wijkaanpakken of 5 and 2 continued of 2 are op
    # koers, 2 dorpsaanpakken of 10 beperkte voortgang; the store indicators start at their wave of
    # 2023 or the nearest earlier one and have no later wave in this store
    assert len(indicatoren) == 45
    assert verwacht == {"onbekend": 42, "op_koers": 2, "beperkte_voortgang": 1}
    html = _tekst(_client(gebruikers, "lezer").get("/monitoring/doelenboom/SLB/"))
    for status in ("op_koers", "versnelling_nodig", "beperkte_voortgang", "achteruitgang", "onbekend"):
        assert _telling(html, "status", status) == verwacht[status], status
    assert f"Stand van de {len(indicatoren)} indicatoren" in html
    assert "nog geen meting</li>" in html and "op koers</li>" in html  # the badge says it in words
    nul = '<li class="badge badge-status-achteruitgang nul"><span class="aantal">0</span> achteruitgang</li>'
    assert nul in html


def test_op_koers_by_hand_for_the_continued_programmes(gebruikers: dict[str, User]) -> None:
    """2 continued programmes measured on 30 June 2025 against baseline 0 (31 Dec 2023) and target 2
    (31 Dec 2027): already at the target, so op koers; 2 of 5 new wijkaanpakken … by hand."""
    ind = m.Indicator.objects.get(naam__startswith="Lopende gebiedsgerichte aanpakken")
    assert _status_zelf(ind) == "op_koers"
    nieuw = m.Indicator.objects.get(naam__startswith="Nieuwe integrale aanpakken")
    # 547 of 1461 days gone: 5 × 547/1461 = 1,87 needed, 4 measured → ratio 2,1 → op koers
    assert _status_zelf(nieuw) == "op_koers"
    dorp = m.Indicator.objects.get(naam__startswith="Dorp- en buurtgerichte")
    # 10 × 547/1461 = 3,74 needed, 2 measured → ratio 0,53 → beperkte voortgang
    assert _status_zelf(dorp) == "beperkte_voortgang"
    html = _tekst(_client(gebruikers, "lezer").get("/monitoring/doelenboom/SLB/"))
    badge = '<strong class="badge badge-status-beperkte_voortgang">beperkte voortgang'
    assert f'<span id="status-{dorp.pk}">{badge}' in html


def test_baseline_and_target_show_before_the_first_measurement(gebruikers: dict[str, User]) -> None:
    ind = m.Indicator.objects.get(naam__startswith="Projecten in uitvoering op het gebied van armoede")
    assert not ind.metingen.exists()
    html = _tekst(_client(gebruikers, "lezer").get("/monitoring/doelenboom/SLB/"))
    blok = html[
        html.index(f'<span id="status-{ind.pk}">') - 400 : html.index(f'<span id="status-{ind.pk}">') + 200
    ]
    assert "Nulmeting 2023: nog vast te stellen" in blok and "Doel 2027: 30 projecten" in blok
    assert "nog geen meting</strong></span>" in blok


def test_programmes_per_phase(gebruikers: dict[str, User]) -> None:
    # by hand from voorbeeld.py: all eight reached the intentieovereenkomst (30 June 2025);
    # Donderberg and Vastenavondkamp also went into uitvoering that day, entered after it
    fasen = {a.naam: list(a.fasen.order_by("datum", "id")) for a in m.Gebiedsaanpak.objects.all()}
    verwacht = Counter(f[-1].fase for f in fasen.values())
    assert verwacht == {"intentieovereenkomst": 6, "uitvoering": 2}
    html = _tekst(_client(gebruikers, "lezer").get("/monitoring/aanpakken/"))
    assert "8 aanpakken per fase" in html
    assert _telling(html, "fase", "intentieovereenkomst") == 6
    assert _telling(html, "fase", "uitvoering") == 2
    assert _telling(html, "fase", "selectie") == 0 and _telling(html, "fase", "geen") == 0
    assert '<span class="badge badge-fase-uitvoering">Uitvoering</span>' in html


def test_applications_per_status(gebruikers: dict[str, User]) -> None:
    regeling = m.Regeling.objects.get()
    for naam, status in (("A", "aangevraagd"), ("B", "verleend"), ("C", "verleend"), ("D", "afgewezen")):
        m.Aanvraag.objects.create(
            regeling=regeling,
            aanvrager=naam,
            gebied="GM0889",
            gevraagd=Decimal(100),
            status=status,
            datum=date.today(),
        )
    html = _tekst(_client(gebruikers, "lezer").get("/monitoring/subsidies/"))
    assert [
        _telling(html, "aanvraag", s) for s in ("aangevraagd", "verleend", "afgewezen", "vastgesteld")
    ] == [1, 2, 1, 0]
    assert '<span class="badge badge-aanvraag-afgewezen">Afgewezen</span>' in html


# --- forms: collapsed, save with a message, bad input changes nothing -----------------------------------


def test_forms_are_collapsed_until_they_return_with_errors(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    for adres, samenvattingen in (
        ("/monitoring/doelenboom/SLB/", ["Excel importeren", "Meting toevoegen"]),
        ("/monitoring/aanpakken/", ["Gebiedsaanpak toevoegen"]),
        (
            f"/monitoring/aanpakken/{aanpak.pk}/",
            ["Fase toevoegen", "Partner toevoegen", "Interventie koppelen"],
        ),
        ("/monitoring/subsidies/", ["Aanvraag toevoegen", "Deal vastleggen"]),
        ("/monitoring/lessen/", []),  # an analyst coordinates no programme: no lesson form
    ):
        html = _tekst(c.get(adres))
        assert "<details" in html or not samenvattingen, adres
        assert " open>" not in html, adres
        for tekst in samenvattingen:
            assert f"<summary>{tekst}" in html, (adres, tekst)
    # without JavaScript a bad partner brings the whole page back, that form open with its error
    fout = c.post(f"/monitoring/aanpakken/{aanpak.pk}/partner/", {"naam": "", "rol": "welzijn"})
    html = _tekst(fout)
    assert fout.status_code == 422 and '<html lang="nl"' in html
    assert '<details class="formulierblok" id="partner-blok" open>' in html
    assert '<details class="formulierblok" id="fase-blok">' in html
    assert 'id="partner-naam_error">Dit veld is verplicht.' in html


def test_without_javascript_a_save_redirects_to_the_page_with_its_message(
    gebruikers: dict[str, User],
) -> None:
    c = _client(gebruikers, "analist")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    antwoord = c.post(
        f"/monitoring/aanpakken/{aanpak.pk}/partner/", {"naam": "Dorpsraad Reuver", "rol": "bewoners"}
    )
    assert antwoord.status_code == 302
    assert antwoord["Location"].startswith(f"/monitoring/aanpakken/{aanpak.pk}/?melding=")
    assert antwoord["Location"].endswith("#partner-blok")
    html = _tekst(c.get(antwoord["Location"]))
    assert (
        '<p class="gelukt" role="status" aria-live="polite">Partner Dorpsraad Reuver toegevoegd.</p>' in html
    )
    assert '<details class="formulierblok" id="partner-blok" open>' in html
    assert "Dorpsraad Reuver: bewoners" in html
    # a message that was not signed by the server is not shown
    vals = _tekst(c.get(f"/monitoring/aanpakken/{aanpak.pk}/", {"melding": "Bel ons op 0900"}))
    assert "0900" not in vals and 'class="gelukt"' not in vals


def test_programme_create_with_areas_phase_and_coordinator(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    coordinator = gebruikers["gebiedscoordinator"]
    velden = {
        "naam": "Maasbracht-Oost",
        "gemeente": "GM1641",
        "soort": "dorp",
        "regiocodes": "GM1641",
        "fase": "selectie",
        "datum": "2025-09-01",
        "coordinatoren": [coordinator.pk],
    }
    voor = m.Gebiedsaanpak.objects.count()
    fout = c.post("/monitoring/aanpakken/nieuw/", {**velden, "regiocodes": "GM1641, WK999999"}, **HX)
    assert fout.status_code == 422
    assert (
        'id="aanpak-regiocodes_error">Onbekende regiocode WK999999: komt niet voor in het regioregister'
        in _tekst(fout)
    )
    patroon = c.post("/monitoring/aanpakken/nieuw/", {**velden, "gemeente": "Maasgouw"}, **HX)
    assert "id=\"aanpak-gemeente_error\">'Maasgouw' is geen geldige regiocode" in _tekst(patroon)
    assert m.Gebiedsaanpak.objects.count() == voor
    goed = c.post("/monitoring/aanpakken/nieuw/", velden, **HX)
    assert goed.status_code == 204 and goed["HX-Redirect"].startswith("/monitoring/aanpakken/?melding=")
    nieuw = m.Gebiedsaanpak.objects.get(naam="Maasbracht-Oost")
    assert nieuw.regiocodes == ["GM1641"] and nieuw.huidige_fase() == "selectie"
    assert list(nieuw.coordinatoren.all()) == [coordinator]
    html = _tekst(c.get(goed["HX-Redirect"]))
    assert "Gebiedsaanpak Maasbracht-Oost aangemaakt (1 gebieden)." in html
    assert _telling(html, "fase", "selectie") == 1
    # a coordinator may not create programmes: no form, and the service refuses
    geweigerd = _client(gebruikers, "gebiedscoordinator").post(
        "/monitoring/aanpakken/nieuw/", {**velden, "naam": "X"}, **HX
    )
    assert geweigerd.status_code == 403 and "Niet opgeslagen: uw rol (gebiedscoordinator)" in _tekst(
        geweigerd
    )
    assert not m.Gebiedsaanpak.objects.filter(naam="X").exists()


def test_programme_edit_areas_and_coordinators(gebruikers: dict[str, User]) -> None:
    aanpak = m.Gebiedsaanpak.objects.get(naam="Donderberg")
    adres = f"/monitoring/aanpakken/{aanpak.pk}/gegevens/"
    analist = _client(gebruikers, "analist")
    fout = analist.post(adres, {"naam": "Donderberg", "regiocodes": "WK095704 BU0957XXXX"}, **HX)
    assert fout.status_code == 422
    assert 'id="gegevens-regiocodes_error">Onbekende regiocode BU0957XXXX' in _tekst(fout)
    assert m.Gebiedsaanpak.objects.get(pk=aanpak.pk).regiocodes == ["WK095704"]
    coordinator = gebruikers["gebiedscoordinator"]
    goed = analist.post(
        adres, {"naam": "Donderberg", "regiocodes": "WK095704, WK095703", "coordinatoren": [coordinator.pk]}
    )
    assert goed.status_code == 302
    aanpak.refresh_from_db()
    assert aanpak.regiocodes == ["WK095704", "WK095703"] and list(aanpak.coordinatoren.all()) == [coordinator]
    assert "Gegevens van Donderberg opgeslagen." in _tekst(analist.get(goed["Location"]))
    # the coordinator now edits the name and areas, but the coordinator list is not theirs to change
    eigen = _client(gebruikers, "gebiedscoordinator")
    pagina = _tekst(eigen.get(f"/monitoring/aanpakken/{aanpak.pk}/"))
    assert "Naam, gebieden en coördinatoren wijzigen" in pagina and 'name="coordinatoren"' not in pagina
    weg = eigen.post(
        adres, {"naam": "Donderberg-Roermond", "regiocodes": "WK095704", "coordinatoren": []}, **HX
    )
    assert weg.status_code == 204
    aanpak.refresh_from_db()
    assert aanpak.naam == "Donderberg-Roermond" and list(aanpak.coordinatoren.all()) == [coordinator]


def test_phase_partner_and_intervention_with_and_without_htmx(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "gebiedscoordinator")
    aanpak = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    fase = c.post(
        f"/monitoring/aanpakken/{aanpak.pk}/fase/", {"fase": "samenwerkingsplan", "datum": "1-10-2025"}, **HX
    )
    html = _tekst(fase)
    assert (
        fase.status_code == 200
        and "Fase 'Samenwerkings-/uitvoeringsplan' op 1 oktober 2025 toegevoegd." in html
    )
    assert '<span id="huidige-fase" hx-swap-oob="true" class="badge badge-fase-samenwerkingsplan">' in html
    leeg = c.post(f"/monitoring/aanpakken/{aanpak.pk}/interventie/", {"interventie": ""})
    assert leeg.status_code == 422 and 'id="interventie-interventie_error">Dit veld is verplicht.' in _tekst(
        leeg
    )
    assert not aanpak.interventies.exists()


def test_application_create_and_status(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    regeling = m.Regeling.objects.get()
    velden = {
        "regeling": regeling.pk,
        "aanvrager": "Dorpsraad Offenbeek",
        "gebied": "GM0889",
        "gevraagd": "2.500,50",
        "datum": "2025-09-15",
    }
    for fout, veld, melding in (
        ({"gebied": "GM9999"}, "gebied", "Onbekende regiocode GM9999: komt niet voor in het regioregister"),
        ({"gevraagd": "veel"}, "gevraagd", "'veel' is geen bedrag: typ een bedrag in euro's"),
        ({"gevraagd": "-5"}, "gevraagd", "Bedrag kan niet negatief zijn (-5)"),
        ({"regeling": "987654"}, "regeling", "Kies een regeling uit de lijst."),
    ):
        antwoord = c.post("/monitoring/subsidies/aanvraag/", {**velden, **fout}, **HX)
        assert antwoord.status_code == 422, fout
        assert f'id="aanvraag-{veld}_error">{melding}' in _tekst(antwoord), fout
    assert not m.Aanvraag.objects.exists()
    goed = c.post("/monitoring/subsidies/aanvraag/", velden)
    assert goed.status_code == 302
    aanvraag = m.Aanvraag.objects.get()
    assert aanvraag.gevraagd == Decimal("2500.50") and aanvraag.status == "aangevraagd"
    html = _tekst(c.get(goed["Location"]))
    assert "Aanvraag van Dorpsraad Offenbeek (€ 2.500,50) ingediend." in html
    assert _telling(html, "aanvraag", "aangevraagd") == 1
    adres = f"/monitoring/subsidies/aanvragen/{aanvraag.pk}/status/"
    assert f'<details class="formulierblok" id="aanvraag-{aanvraag.pk}-blok">' in html
    verkeerd = c.post(adres, {"status": "vastgesteld"}, **HX)  # not allowed before verleend
    assert verkeerd.status_code == 422
    assert f'id="aanvraag-{aanvraag.pk}-status_error">Deze status kan nu niet' in _tekst(verkeerd)
    verleend = c.post(adres, {"status": "verleend", "verleend": "2000"})
    assert verleend.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == "verleend" and aanvraag.verleend == Decimal(2000)
    html = _tekst(c.get(verleend["Location"]))
    assert "Aanvraag van Dorpsraad Offenbeek: status nu verleend (€ 2.000,00 verleend)." in html
    # the output indicator counting granted applications got its measurement
    assert m.Meting.objects.filter(indicator__regeling=regeling, waarde=1.0).exists()
    assert _client(gebruikers, "lezer").post(adres, {"status": "vastgesteld"}, **HX).status_code == 403


def test_deal_needs_initiative_gemeente_and_province(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    velden = {
        "naam": "Dorpsdeal Offenbeek",
        "soort": "vraaggestuurd",
        "datum": "2025-10-01",
        "initiatief": "Dorpsraad Offenbeek",
        "gemeente": "Gemeente Beesel",
        "provincie": "Provincie Limburg",
        "overige": "Rabobank Fonds\n\nWoonwenz",
    }
    leeg = c.post("/monitoring/subsidies/deal/", {**velden, "gemeente": " "}, **HX)
    assert leeg.status_code == 422 and 'id="deal-gemeente_error">Dit veld is verplicht.' in _tekst(leeg)
    assert not m.Deal.objects.exists()
    goed = c.post("/monitoring/subsidies/deal/", velden, **HX)
    assert goed.status_code == 204
    deal = m.Deal.objects.get()
    assert sorted(deal.ondertekenaars.values_list("soort", flat=True)) == [
        "gemeente",
        "initiatief",
        "overig",
        "overig",
        "provincie",
    ]
    html = _tekst(c.get(goed["HX-Redirect"]))
    assert "Deal Dorpsdeal Offenbeek vastgelegd met 5 ondertekenaars." in html
    assert "Dorpsdeal Offenbeek (1 oktober 2025): Dorpsraad Offenbeek (Initiatief)" in html


def test_measurement_with_a_dutch_decimal_without_javascript(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "analist")
    ind = m.Indicator.objects.get(naam__startswith="Dorp- en buurtgerichte")
    fout = c.post(f"/monitoring/indicatoren/{ind.pk}/meting/", {"waarde": "12.5.1", "datum": "2026-01-01"})
    html = _tekst(fout)
    assert fout.status_code == 422 and '<html lang="nl"' in html
    assert f'<details class="formulierblok" id="meting-{ind.pk}-blok" open>' in html
    assert "'12.5.1' is geen getal: typ cijfers met een decimale komma, bijvoorbeeld 3,5." in html
    assert not ind.metingen.filter(datum=date(2026, 1, 1)).exists()
    goed = c.post(f"/monitoring/indicatoren/{ind.pk}/meting/", {"waarde": "12,5", "datum": "2026-01-01"})
    assert goed.status_code == 302 and goed["Location"].endswith(f"#meting-{ind.pk}-blok")
    assert ind.metingen.get(datum=date(2026, 1, 1)).waarde == 12.5
    assert "Meting 12,5 op 1 januari 2026 opgeslagen; status nu: op koers." in _tekst(c.get(goed["Location"]))


def test_lesson_form_is_collapsed_and_saves_without_javascript(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "gebiedscoordinator")
    eigen = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek")
    html = _tekst(c.get("/monitoring/lessen/"))
    assert '<details class="formulierblok" id="les-blok">' in html
    velden = {"aanpak": eigen.pk, "soort": "les", "titel": "Start klein", "tekst": "Eerst één straat."}
    goed = c.post("/monitoring/lessen/nieuw/", velden)
    assert goed.status_code == 302
    assert "Geleerde les 'Start klein' opgeslagen." in _tekst(c.get(goed["Location"]))


# --- Excel import ---------------------------------------------------------------------------------


def _werkboek(metingen: list[list[Any]]) -> bytes:
    boek = Workbook()
    boek.remove(boek.active)  # type: ignore[arg-type]
    for blad, kolommen in KOLOMMEN.items():
        boek.create_sheet(blad).append(kolommen)
    boek["Doelen"].append(["9", "impact", "Proefdoel", "", ""])
    boek["Doelen"].append(["9.1", "outcome", "Proefuitkomst", "9", ""])
    boek["Indicatoren"].append(
        ["9.1", "Proefindicator", "%", "hoger_is_beter", 10, "2023-12-31", 20, "2027-12-31", "handmatig"]
    )
    for rij in metingen:
        boek["Metingen"].append(rij)
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def _bestand(inhoud: bytes, naam: str = "doelen.xlsx") -> io.BytesIO:
    bestand = io.BytesIO(inhoud)
    bestand.name = naam
    return bestand


def test_excel_import_all_or_nothing_with_row_and_column(gebruikers: dict[str, User], tmp_path: Path) -> None:
    c = _client(gebruikers, "analist")
    doelen, metingen = m.Doel.objects.count(), m.Meting.objects.count()
    slecht = _werkboek(
        [
            ["9.1", "Proefindicator", "2025-06-30", 12.5, ""],
            ["9.1", "Proefindicator", "2025-12-31", "veel", ""],
        ]
    )
    fout = c.post("/monitoring/doelenboom/SLB/import/", {"bestand": _bestand(slecht)}, **HX)
    assert fout.status_code == 422
    plaats = "blad 'Metingen', rij 3, kolom 'Waarde'"
    assert f"id=\"excel-bestand_error\">Niets geïmporteerd: {plaats}: 'veel' is geen getal." in _tekst(fout)
    assert (m.Doel.objects.count(), m.Meting.objects.count()) == (doelen, metingen)
    geen = c.post("/monitoring/doelenboom/SLB/import/", {"bestand": _bestand(b"geen excel", "x.xlsx")}, **HX)
    assert "Niets geïmporteerd: het bestand is geen leesbaar Excel-bestand (.xlsx)" in _tekst(geen)
    leeg = c.post("/monitoring/doelenboom/SLB/import/", {}, **HX)
    assert 'id="excel-bestand_error">Kies een Excel-bestand.' in _tekst(leeg)
    goed = c.post(
        "/monitoring/doelenboom/SLB/import/",
        {"bestand": _bestand(_werkboek([["9.1", "Proefindicator", "2025-06-30", "12,5", ""]]))},
    )
    assert goed.status_code == 302
    assert m.Meting.objects.get(indicator__naam="Proefindicator").waarde == 12.5
    html = _tekst(c.get(goed["Location"]))
    assert "doelen.xlsx geïmporteerd: 2 doelen, 1 indicatoren en 1 metingen opgeslagen." in html
    assert "Nulmeting 2023: 10%" in html and "Doel 2027: 20%" in html
    # a coordinator may not import
    geweigerd = _client(gebruikers, "gebiedscoordinator").post(
        "/monitoring/doelenboom/SLB/import/", {"bestand": _bestand(slecht)}, **HX
    )
    assert geweigerd.status_code == 403
