"""Monitoring: permission matrix, audit trail, P&C paragraph, subsidies, status, bad input."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from gebiedskompas.opslag import Opslag
from gebiedskompas.web.monitoring import diensten as d
from gebiedskompas.web.monitoring import excel
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.paragraaf import als_tekst, maak_paragraaf
from gebiedskompas.web.monitoring.rollen import SCHRIJFACTIES
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld

pytestmark = pytest.mark.django_db


@pytest.fixture
def voorbeeld(settings: Any, echte_opslag: Opslag) -> m.Beleidskader:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()
    return m.Beleidskader.objects.get(afkorting="SLB")


@pytest.fixture
def gebruikers(voorbeeld: m.Beleidskader) -> dict[str, User]:
    uit = {"beheerder": User.objects.create_superuser("b", "", "x")}
    for rol in ("analist", "gebiedscoordinator", "lezer"):
        u = User.objects.create_user(rol, "", "x")
        u.groups.add(Group.objects.get(name=rol))
        uit[rol] = u
    m.Gebiedsaanpak.objects.get(naam="Vallisveld").coordinatoren.add(uit["gebiedscoordinator"])
    return uit


def _client(u: User) -> Client:
    c = Client()
    c.force_login(u)
    return c


def _post(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data), content_type="application/json")


def _fout_bij(antwoord: Any, veld: str) -> dict[str, Any]:
    """The one error about ``veld`` in the API's uniform error body."""
    (fout,) = [f for f in antwoord.json()["fouten"] if f["veld"] == veld]
    return fout


def _acties(kader: m.Beleidskader, eigen: m.Gebiedsaanpak, ander: m.Gebiedsaanpak) -> dict[str, Any]:
    """Every write action as an API call; each returns the response."""
    ind = m.Indicator.objects.filter(bron="handmatig").first()
    assert ind is not None
    eenzaam = m.Indicator.objects.get(opslag_indicator="gezondheid.eenzaam.18plus", maat="waarde")
    product = m.Product.objects.get(code="2.2.1")
    regeling = m.Regeling.objects.first()
    assert regeling is not None
    aanvraag = m.Aanvraag.objects.create(
        regeling=regeling,
        aanvrager="Buurtvereniging",
        gebied="GM0981",
        gevraagd=Decimal("5000"),
        datum=date(2025, 3, 1),
    )
    doel = kader.doelen.get(code="3.1")
    lezer = User.objects.get(username="lezer")
    coordinator = User.objects.get(username="gebiedscoordinator")
    return {
        "doel_aanmaken": lambda c: _post(
            c,
            "/api/doelen/",
            {"kader": "SLB", "ouder": "3.1", "niveau": "output", "code": "3.1.9", "titel": "Nieuw"},
        ),
        "indicator_aanmaken": lambda c: _post(
            c,
            "/api/indicatoren/",
            {
                "doel": doel.pk,
                "naam": "Nieuw",
                "eenheid": "aantal",
                "basiswaarde": 0,
                "basisdatum": "2023-12-31",
                "streefwaarde": 3,
                "streefdatum": "2027-12-31",
            },
        ),
        "meting_invoeren": lambda c: _post(
            c, f"/api/indicatoren/{ind.pk}/metingen/", {"datum": "2025-12-31", "waarde": 3}
        ),
        "status_overschrijven": lambda c: _post(
            c, f"/api/indicatoren/{ind.pk}/status/", {"status": "op_koers", "motivatie": "toegelicht"}
        ),
        "opslag_vullen": lambda c: c.post(f"/api/indicatoren/{eenzaam.pk}/vullen/"),
        "begrotingsregel_toevoegen": lambda c: _post(
            c,
            f"/api/producten/{product.pk}/begroting/",
            {"jaar": 2026, "soort": "begroting", "bedrag": "183000", "reden": "raming 2026"},
        ),
        "rapportage_vastleggen": lambda c: _post(
            c,
            f"/api/producten/{product.pk}/rapportage/",
            {"moment": "jaarstukken", "jaar": 2025, "kwaliteit": "groen", "tijd": "oranje", "geld": "groen"},
        ),
        "aanpak_bewerken": lambda c: _post(c, f"/api/aanpakken/{eigen.pk}/wijzigen/", {"budget": "100000"}),
        "aanpak_aanmaken": lambda c: _post(
            c,
            "/api/aanpakken/",
            {"naam": "Nieuw", "gemeente": "GM0889", "soort": "dorp", "regiocodes": "GM0889"},
        ),
        "coordinatoren_toewijzen": lambda c: _post(
            c, f"/api/aanpakken/{eigen.pk}/wijzigen/", {"coordinatoren": [coordinator.pk]}
        ),
        "publiceren": lambda c: _post(c, f"/api/aanpakken/{eigen.pk}/wijzigen/", {"openbaar": True}),
        "fase_toevoegen": lambda c: _post(
            c, f"/api/aanpakken/{eigen.pk}/fasen/", {"fase": "samenwerkingsplan", "datum": "2025-12-01"}
        ),
        "partner_toevoegen": lambda c: _post(
            c, f"/api/aanpakken/{eigen.pk}/partners/", {"naam": "GGD Zuid-Limburg", "rol": "GGD"}
        ),
        "interventie_koppelen": lambda c: _post(
            c, f"/api/aanpakken/{eigen.pk}/interventies/", {"interventie": "Kansrijke Start"}
        ),
        "aanvraag_indienen": lambda c: _post(
            c,
            "/api/aanvragen/",
            {"regeling": regeling.pk, "aanvrager": "Dorpsraad", "gebied": "GM0889", "gevraagd": "2500"},
        ),
        "aanvraag_status": lambda c: _post(
            c, f"/api/aanvragen/{aanvraag.pk}/status/", {"status": "verleend", "datum": "2025-04-01"}
        ),
        "deal_aanmaken": lambda c: _post(
            c,
            "/api/deals/",
            {
                "naam": "Dorpendeal Reuver",
                "ondertekenaars": [
                    {"naam": "Dorpsraad Reuver", "soort": "initiatief"},
                    {"naam": "Gemeente Beesel", "soort": "gemeente"},
                    {"naam": "Provincie Limburg", "soort": "provincie"},
                ],
            },
        ),
        "les_toevoegen": lambda c: _post(
            c,
            "/api/lessen/nieuw/",
            {"aanpak": eigen.pk, "soort": "les", "titel": "Vaste gezichten", "tekst": "Werkt goed."},
        ),
        "excel_importeren": lambda c: c.post(
            "/api/excel/SLB/import/", {"bestand": io.BytesIO(excel.als_bytes(kader))}
        ),
        "rol_toekennen": lambda c: _post(c, f"/api/gebruikers/{lezer.pk}/rol/", {"rol": "analist"}),
        # the same programme actions on a programme the coordinator does not lead
        "aanpak_bewerken (ander)": lambda c: _post(
            c, f"/api/aanpakken/{ander.pk}/wijzigen/", {"budget": "1"}
        ),
        "fase_toevoegen (ander)": lambda c: _post(
            c, f"/api/aanpakken/{ander.pk}/fasen/", {"fase": "governance", "datum": "2025-12-01"}
        ),
        "partner_toevoegen (ander)": lambda c: _post(
            c, f"/api/aanpakken/{ander.pk}/partners/", {"naam": "X", "rol": "Y"}
        ),
        "interventie_koppelen (ander)": lambda c: _post(
            c, f"/api/aanpakken/{ander.pk}/interventies/", {"interventie": "Keigezond"}
        ),
        "les_toevoegen (ander)": lambda c: _post(
            c, "/api/lessen/nieuw/", {"aanpak": ander.pk, "soort": "les", "titel": "T", "tekst": "T"}
        ),
    }


EIGEN_AANPAK = {
    "aanpak_bewerken",
    "fase_toevoegen",
    "partner_toevoegen",
    "interventie_koppelen",
    "les_toevoegen",
}


def _mag(rol: str, actie: str) -> bool:
    if rol == "beheerder":
        return True
    if rol == "analist":
        return actie != "rol_toekennen"
    if rol == "gebiedscoordinator":
        return actie in EIGEN_AANPAK
    return False


def _aantal_rijen() -> int:
    return sum(model.objects.count() for model in m.GEAUDIT)


@pytest.mark.parametrize("rol", ["beheerder", "analist", "gebiedscoordinator", "lezer"])
def test_permission_matrix(rol: str, voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    eigen = m.Gebiedsaanpak.objects.get(naam="Vallisveld")
    ander = m.Gebiedsaanpak.objects.get(naam="Donderberg")
    acties = _acties(voorbeeld, eigen, ander)
    assert {a.split(" ")[0] for a in acties} == set(SCHRIJFACTIES)  # every write action is covered
    client = _client(gebruikers[rol])
    for actie, roep in acties.items():
        voor = _aantal_rijen()
        antwoord = roep(client)
        if _mag(rol, actie):
            assert antwoord.status_code in (200, 201), (rol, actie, antwoord.content)
        else:
            assert antwoord.status_code == 403, (rol, actie, antwoord.content)
            assert "mag" in antwoord.json()["fouten"][0]["melding"]
            assert _aantal_rijen() == voor, (rol, actie)


def test_reading_needs_login_and_a_role(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    assert Client().get("/api/doelenboom/SLB/").status_code == 401
    zonder_rol = User.objects.create_user("nieuw", "", "x")
    assert _client(zonder_rol).get("/api/doelenboom/SLB/").status_code == 403
    boom = _client(gebruikers["lezer"]).get("/api/doelenboom/SLB/").json()
    assert [d["code"] for d in boom["doelen"]] == ["1", "2", "3", "4", "5"]


def test_audit_trail_records_who_when_old_and_new(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    rapportage = m.Rapportage.objects.get(moment="najaarsnota", jaar=2025)
    product = rapportage.product
    antwoord = _post(
        _client(gebruikers["analist"]),
        f"/api/producten/{product.pk}/rapportage/",
        {"moment": "najaarsnota", "jaar": 2025, "tijd": "oranje"},
    )
    assert antwoord.status_code == 201
    regel = LogEntry.objects.get_for_object(rapportage).latest("timestamp")
    assert regel.actor == gebruikers["analist"]
    assert regel.changes_dict["tijd"] == ["groen", "oranje"]
    historie = _client(gebruikers["lezer"]).get("/api/audit/").json()["wijzigingen"]
    assert historie[0]["wie"] == "analist"


def test_najaarsnota_paragraph_numbers_equal_the_data(voorbeeld: m.Beleidskader) -> None:
    product = m.Product.objects.get(code="2.2.1")
    p = maak_paragraaf(product, "najaarsnota", 2025)
    regels = product.regels.filter(jaar=2025)
    begroting = sum(r.bedrag for r in regels if r.soort == "begroting")
    mutaties = [r for r in regels if r.soort in m.MUTATIES]
    assert p.begroting == begroting == Decimal("653000")
    assert p.totaal_mutaties == sum(r.bedrag for r in mutaties) == Decimal("180000")
    assert p.bijgestelde_begroting == Decimal("833000")
    tekst = als_tekst(p)
    for verwacht in (
        "2.2.1 Krachtige gemeenschappen in wijken en dorpen — Najaarsnota 2025",
        "Kwaliteit\tGroen",
        "Tijd\tGroen",
        "Geld\tGroen",
        "€ 0,65 mln",
        "€ 0,83 mln",
        "€ −0,67 mln",
        "€ 0,02 mln",
        "Totaal mutaties\t€ 0,18 mln",
        "Bijgestelde begroting\t€ 0,83 mln",
    ):
        assert verwacht in tekst
    # goals with their computed status: 4 new integral approaches of at least 5 by 2027
    eerste = next(i for d in p.doelen for i in d["indicatoren"] if i["naam"].startswith("Nieuwe integrale"))
    assert (eerste["laatste_meting"]["waarde"], eerste["status"]) == (4, "op_koers")
    # a voorjaarsnota of the same year does not include the najaarsnota mutations
    assert maak_paragraaf(product, "voorjaarsnota", 2025).totaal_mutaties == 0


def test_subsidies_update_their_output_indicator(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    regeling = m.Regeling.objects.get()
    regeling.cofinancieringsfactor = Decimal("1")
    regeling.maximum = Decimal("10000")
    regeling.save()
    indicator = regeling.indicatoren.get()
    analist = gebruikers["analist"]
    a1 = d.aanvraag_indienen(
        analist,
        regeling=regeling,
        aanvrager="Stichting Vallisveld",
        gebied="BU09810100",
        gevraagd=Decimal("8000"),
        datum=date(2025, 5, 1),
    )
    a2 = d.aanvraag_indienen(
        analist,
        regeling=regeling,
        aanvrager="Dorpsraad",
        gebied="GM0889",
        gevraagd=Decimal("4000"),
        datum=date(2025, 5, 2),
    )
    assert not indicator.metingen.exists()
    d.aanvraag_status(analist, a1, "verleend", datum=date(2025, 6, 1))
    assert indicator.metingen.get(datum=date(2025, 6, 1)).waarde == 1
    assert a1.cofinanciering == Decimal("8000")  # the fund doubles the grant
    d.aanvraag_status(analist, a2, "afgewezen", datum=date(2025, 6, 2))
    assert indicator.metingen.get(datum=date(2025, 6, 2)).waarde == 1
    d.aanvraag_status(analist, a1, "vastgesteld", datum=date(2025, 12, 1))
    assert indicator.metingen.get(datum=date(2025, 12, 1)).waarde == 1
    with pytest.raises(ValidationError, match="van 'afgewezen' kan niet naar 'verleend'"):
        d.aanvraag_status(analist, a2, "verleend")
    a3 = d.aanvraag_indienen(
        analist,
        regeling=regeling,
        aanvrager="Te veel",
        gebied="GM0889",
        gevraagd=Decimal("20000"),
        datum=date(2025, 5, 3),
    )
    with pytest.raises(ValidationError, match="hoger dan het maximum"):
        d.aanvraag_status(analist, a3, "verleend")
    a3.refresh_from_db()
    assert a3.status == "aangevraagd"


def test_status_override_needs_motivation_and_keeps_history(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    ind = m.Indicator.objects.get(naam__startswith="Dorp- en buurtgerichte")
    assert d.indicatorstatus(ind)["status"] == "beperkte_voortgang"
    with pytest.raises(ValidationError, match="motivatie"):
        d.status_overschrijven(gebruikers["analist"], ind, "op_koers", " ")
    d.status_overschrijven(gebruikers["analist"], ind, "versnelling_nodig", "acht dorpen in gesprek")
    d.status_overschrijven(gebruikers["beheerder"], ind, "op_koers", "Gelderse aanpak als voorbeeld")
    status = d.indicatorstatus(ind)
    assert status["status"] == "op_koers"
    assert "Gelderse aanpak" in status["reden"] and "berekend: beperkte voortgang" in status["reden"]
    assert ind.overrides.count() == 2 and ind.overrides.filter(actief=True).count() == 1


def test_indicator_filled_from_the_store(
    voorbeeld: m.Beleidskader, echte_opslag: Opslag, gebruikers: dict[str, User]
) -> None:
    ind = m.Indicator.objects.get(bron="opslag", maat="waarde", opslag_indicator="gezondheid.eenzaam.18plus")
    w = echte_opslag.lees().waarnemingen
    deel = w[
        (w["indicator"] == "gezondheid.eenzaam.18plus")
        & w["regio"].isin(ind.regiocodes)
        & (w["periode"] == "2020")
    ].dropna(subset=["waarde"])
    d.vul_uit_opslag(gebruikers["analist"], ind)
    assert ind.metingen.get(datum=date(2020, 7, 1)).waarde == pytest.approx(deel["waarde"].mean())
    assert ind.basiswaarde == round(deel["waarde"].mean(), 1)


def test_store_linked_indicator_is_filled_on_creation(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    antwoord = _post(
        _client(gebruikers["analist"]),
        "/api/indicatoren/",
        {
            "doel": voorbeeld.doelen.get(code="3.2").pk,
            "naam": "Regie over eigen leven in Vaals",
            "eenheid": "%",
            "basiswaarde": 80,
            "basisdatum": "2020-07-01",
            "streefwaarde": 85,
            "streefdatum": "2027-12-31",
            "bron": "opslag",
            "opslag_indicator": "gezondheid.regie_eigen_leven.18plus",
            "regiocodes": "GM0981",
        },
    )
    assert antwoord.status_code == 201, antwoord.content
    meting = m.Indicator.objects.get(pk=antwoord.json()["id"]).metingen.get()
    assert (meting.datum, meting.bron) == (date(2020, 7, 1), "opslag")
    assert "GM0981" in meting.opmerking


def test_example_programmes_use_codes_from_the_register(
    voorbeeld: m.Beleidskader, echte_opslag: Opslag
) -> None:
    from gebiedskompas.register import Register

    bekend = set(Register(echte_opslag.lees().regios).tabel["code"])
    aanpakken = m.Gebiedsaanpak.objects.all()
    assert aanpakken.count() == 8
    for a in aanpakken:
        assert a.regiocodes and set(a.regiocodes) <= bekend, a.naam
        assert a.huidige_fase() in ("intentieovereenkomst", "uitvoering")
    assert laad_voorbeeld() == {"al_geladen": True}
    assert m.Gebiedsaanpak.objects.count() == 8


def test_lessons_full_text_search(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    eigen = m.Gebiedsaanpak.objects.get(naam="Vallisveld")
    d.les_toevoegen(
        gebruikers["gebiedscoordinator"],
        eigen,
        soort="interventie",
        titel="Huiskamer in de wijk",
        tekst="Een vaste ontmoetingsplek vermindert eenzaamheid bij ouderen.",
        thema="eenzaamheid",
    )
    d.les_toevoegen(
        gebruikers["analist"],
        None,
        soort="knelpunt",
        titel="Data te laat",
        tekst="Gezondheidsmonitor per buurt komt pas na twee jaar.",
        thema="data",
    )
    client = _client(gebruikers["lezer"])
    gevonden = client.get("/api/lessen/", {"q": "ontmoetingsplek"}).json()["lessen"]
    assert [x["titel"] for x in gevonden] == ["Huiskamer in de wijk"]
    assert gevonden[0]["auteur"] == "gebiedscoordinator"
    assert len(client.get("/api/lessen/", {"aanpak": eigen.pk}).json()["lessen"]) == 1
    assert [x["titel"] for x in client.get("/api/lessen/", {"soort": "knelpunt"}).json()["lessen"]] == [
        "Data te laat"
    ]


def test_deal_needs_initiative_gemeente_and_provincie(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    antwoord = _post(
        _client(gebruikers["analist"]),
        "/api/deals/",
        {
            "naam": "Deal",
            "ondertekenaars": [
                {"naam": "Dorpsraad", "soort": "initiatief"},
                {"naam": "Gemeente", "soort": "gemeente"},
            ],
        },
    )
    assert antwoord.status_code == 400
    assert "ontbreekt: provincie" in json.dumps(antwoord.json(), ensure_ascii=False)


# --- bad input: a Dutch error and nothing half-saved ----------------------------------------------


def test_target_date_before_baseline(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    voor = m.Indicator.objects.count()
    antwoord = _post(
        _client(gebruikers["analist"]),
        "/api/indicatoren/",
        {
            "doel": voorbeeld.doelen.get(code="1.1").pk,
            "naam": "X",
            "eenheid": "%",
            "basiswaarde": 1,
            "basisdatum": "2027-01-01",
            "streefwaarde": 2,
            "streefdatum": "2023-01-01",
        },
    )
    assert antwoord.status_code == 400
    fout = _fout_bij(antwoord, "streefdatum")
    assert "ligt niet na de basisdatum" in fout["verwacht"] and fout["waarde"] == "2023-01-01"
    assert m.Indicator.objects.count() == voor


def test_negative_amount_where_none_is_allowed(
    voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    product = m.Product.objects.get(code="2.2.1")
    voor = product.regels.count()
    antwoord = _post(
        _client(gebruikers["analist"]),
        f"/api/producten/{product.pk}/begroting/",
        {"jaar": 2026, "soort": "begroting", "bedrag": "-5", "reden": "fout"},
    )
    assert antwoord.status_code == 400
    assert "kan niet negatief zijn" in _fout_bij(antwoord, "bedrag")["verwacht"]
    assert product.regels.count() == voor
    mutatie = _post(
        _client(gebruikers["analist"]),
        f"/api/producten/{product.pk}/begroting/",
        {"jaar": 2026, "soort": "bijstelling", "moment": "voorjaarsnota", "bedrag": "-5", "reden": "ok"},
    )
    assert mutatie.status_code == 201


def test_unknown_region_code(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    client = _client(gebruikers["analist"])
    regeling = m.Regeling.objects.get()
    antwoord = _post(
        client,
        "/api/aanvragen/",
        {"regeling": regeling.pk, "aanvrager": "X", "gebied": "GM9999", "gevraagd": "100"},
    )
    assert antwoord.status_code == 400
    assert "onbekende regiocode GM9999" in json.dumps(antwoord.json(), ensure_ascii=False)
    fout_patroon = _post(
        client,
        f"/api/aanpakken/{m.Gebiedsaanpak.objects.first().pk}/wijzigen/",  # type: ignore[union-attr]
        {"regiocodes": ["Vaals"]},
    )
    assert "geen geldige regiocode" in json.dumps(fout_patroon.json(), ensure_ascii=False)
    assert not m.Aanvraag.objects.exists()


def _excel(voorbeeld: m.Beleidskader, aanpassen: Any) -> bytes:
    boek = load_workbook(io.BytesIO(excel.als_bytes(voorbeeld)))
    aanpassen(boek)
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()


def test_excel_round_trip_and_template(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    client = _client(gebruikers["analist"])
    sjabloon = load_workbook(io.BytesIO(client.get("/api/excel/sjabloon/").content))
    assert sjabloon.sheetnames == ["Doelen", "Indicatoren", "Metingen", "Uitleg"]
    assert [c.value for c in sjabloon["Metingen"][1]] == excel.KOLOMMEN["Metingen"]

    def nieuwe_meting(boek: Any) -> None:
        boek["Metingen"].append(
            ["5.1.2", "Dorp- en buurtgerichte aanpakken (minimaal)", date(2025, 12, 31), 3, ""]
        )

    antwoord = client.post(
        "/api/excel/SLB/import/", {"bestand": io.BytesIO(_excel(voorbeeld, nieuwe_meting))}
    )
    assert antwoord.status_code == 201, antwoord.content
    ind = m.Indicator.objects.get(naam="Dorp- en buurtgerichte aanpakken (minimaal)")
    assert ind.metingen.get(datum=date(2025, 12, 31)).waarde == 3


@pytest.mark.parametrize(
    ("aanpassing", "verwacht"),
    [
        (lambda b: b["Metingen"].cell(1, 4, "Getal"), "blad 'Metingen', rij 1: onverwachte kolommen"),
        (
            lambda b: b["Indicatoren"].append(
                [
                    "1.1",
                    "Nieuw",
                    "%",
                    "hoger_is_beter",
                    1,
                    date(2027, 1, 1),
                    2,
                    date(2023, 1, 1),
                    "handmatig",
                    "",
                    "",
                ]
            ),
            "kolom 'streefdatum': de streefdatum (2023-01-01) ligt niet na de basisdatum",
        ),
        (
            lambda b: b["Indicatoren"].append(
                [
                    "1.1",
                    "Nieuw",
                    "%",
                    "hoger_is_beter",
                    1,
                    date(2023, 1, 1),
                    2,
                    date(2027, 1, 1),
                    "opslag",
                    "gezondheid.eenzaam.18plus",
                    "GM0981,GM9999",
                ]
            ),
            "kolom 'Regiocodes': onbekende regiocode GM9999",
        ),
        (
            lambda b: b["Metingen"].append(["1.1.1", "Onbekend", date(2025, 1, 1), 1, ""]),
            "onbekende indicator",
        ),
        (
            lambda b: b["Metingen"].append(
                ["5.1.1", "Nieuwe integrale aanpakken in aandachtswijken (minimaal)", "gisteren", 1, ""]
            ),
            "'gisteren' is geen datum",
        ),
    ],
)
def test_bad_excel_saves_nothing(
    aanpassing: Any, verwacht: str, voorbeeld: m.Beleidskader, gebruikers: dict[str, User]
) -> None:
    def ook_een_goede_regel(boek: Any) -> None:
        boek["Doelen"].append(["1.1.9", "output", "Eerst goed", "1.1", ""])
        aanpassing(boek)

    voor = _aantal_rijen()
    antwoord = _client(gebruikers["analist"]).post(
        "/api/excel/SLB/import/", {"bestand": io.BytesIO(_excel(voorbeeld, ook_een_goede_regel))}
    )
    assert antwoord.status_code == 400
    assert verwacht in json.dumps(antwoord.json(), ensure_ascii=False)
    assert _aantal_rijen() == voor
    assert not m.Doel.objects.filter(code="1.1.9").exists()


def test_not_an_excel_file(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    antwoord = _client(gebruikers["analist"]).post(
        "/api/excel/SLB/import/", {"bestand": io.BytesIO(b"geen excel")}
    )
    assert antwoord.status_code == 400
    assert "geen leesbaar Excel-bestand" in json.dumps(antwoord.json(), ensure_ascii=False)


def test_doelenboom_levels_are_enforced(voorbeeld: m.Beleidskader, gebruikers: dict[str, User]) -> None:
    antwoord = _post(
        _client(gebruikers["analist"]),
        "/api/doelen/",
        {"kader": "SLB", "ouder": "1", "niveau": "output", "code": "1.9", "titel": "Fout niveau"},
    )
    assert antwoord.status_code == 400
    assert "een output-doel hoort onder een outcome-doel" in json.dumps(antwoord.json(), ensure_ascii=False)
