"""Issue 13 points 1-4: the example doelenboom as seed 002 draws it, baselines from data or open,
relative targets, the P&C paragraph at its moment, and programme areas at the right grain."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gebiedskompas.opslag import Opslag
from gebiedskompas.voortgang import beoordeel, streefniveau
from gebiedskompas.web.monitoring import lezen
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.paragraaf import als_tekst, maak_paragraaf, peildatum
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld, laad_voorbeeldaanvragen

# Every target of the bijlage of seed 002, written out by hand from the seed:
# (impact, outcome the output serves, kind of target, value, a word of the indicator name).
DOELEN_002: list[tuple[str, str, str, float, str]] = [
    # 1 armoede en laaggeletterdheid
    ("1", "1.1", "relatief", 5, "ondersteuningsaanbod"),
    ("1", "1.1", "niveau", 30, "armoede en laaggeletterdheid"),
    ("1", "1.1", "niveau", 10000, "kansarme gezinnen"),
    ("1", "1.2", "niveau", 5, "NEET"),
    # 2 jeugd
    ("2", "2.1", "niveau", 45, "Gezonde Basisschool"),
    ("2", "2.1", "niveau", 10000, "GBT-school gezond ontbijten"),
    ("2", "2.1", "niveau", 8, "Nieuwe gemeenten"),
    ("2", "2.1", "niveau", 2500, "Kinderen bereikt met Keigezond"),
    ("2", "2.2", "niveau", 1350, "Voorzorg"),
    ("2", "2.2", "niveau", 50, "Centering Pregnancy"),
    ("2", "2.2", "niveau", 2, "Projectpilots Kansrijke Start"),
    ("2", "2.2", "niveau", 800, "Stevig Ouderschap"),
    ("2", "2.2", "niveau", 5, "Centering Ouderschap"),
    ("2", "2.3", "niveau", 100, "Handle with Care"),
    # 3 sociale cohesie
    ("3", "3.1", "niveau", 1, "VN-verdrag Handicap"),
    ("3", "3.2", "niveau", 2, "Sociale fondsen"),
    ("3", "3.3", "niveau", 20, "Verleende subsidies leefbaarheidsaanpak"),
    # 4 sport en bewegen
    ("4", "4.1", "relatief", 5, "provinciale sportinfrastructuur"),
    ("4", "4.1", "niveau", 1500, "Coöperatie Limburg Sport"),
    ("4", "4.2", "niveau", 75, "bovenlokale sportevenementen"),
    ("4", "4.2", "niveau", 12, "topsportevenementen"),
    ("4", "4.2", "niveau", 3, "Sportakkoorden"),
    # 5 leefbaar en veilig
    ("5", "5.1", "niveau", 5, "Nieuwe integrale aanpakken"),
    ("5", "5.1", "niveau", 10, "Dorp- en buurtgerichte aanpakken"),
    ("5", "5.1", "niveau", 2, "Lopende gebiedsgerichte aanpakken"),
]
# Outcomes per impact in the bijlage (columns of the figure) and the activities per impact.
OUTCOMES_002 = {"1": 2, "2": 3, "3": 3, "4": 2, "5": 1}
ACTIVITEITEN_002 = {"1": 6, "2": 5, "3": 5, "4": 5, "5": 4}
# Counts of what the framework itself starts: 0 at its start by definition (not measured, not open).
TELLINGEN_VANAF_START = {
    "Nieuwe integrale aanpakken",
    "Dorp- en buurtgerichte aanpakken",
    "Lopende gebiedsgerichte aanpakken",
    "Nieuwe gemeenten",
    "VN-verdrag Handicap",
    "Verleende subsidies leefbaarheidsaanpak",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def voorbeeld(settings: Any, echte_opslag: Opslag) -> m.Beleidskader:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()
    return m.Beleidskader.objects.get(afkorting="SLB")


def _impact(doel: m.Doel) -> m.Doel:
    while doel.ouder is not None:
        doel = doel.ouder
    return doel


def test_every_target_of_seed_002_with_level_parent_and_kind(voorbeeld: m.Beleidskader) -> None:
    outputindicatoren = list(
        m.Indicator.objects.filter(doel__niveau="output").select_related("doel__ouder__ouder")
    )
    assert len(outputindicatoren) == len(DOELEN_002) == 25
    for impact, outcome, soort, waarde, woord in DOELEN_002:
        gevonden = [i for i in outputindicatoren if woord in i.naam]
        assert len(gevonden) == 1, woord
        ind = gevonden[0]
        assert ind.doel.niveau == "output"
        assert ind.doel.ouder is not None and ind.doel.ouder.code == outcome, woord
        assert ind.doel.ouder.niveau == "outcome" and _impact(ind.doel).code == impact
        assert (ind.streefsoort, ind.streefwaarde) == (soort, waarde), woord
    # outputs hang under the outcome they serve, not all under the first one of their impact
    assert voorbeeld.doelen.filter(niveau="output", ouder__code="2.2").count() == 5
    for impact, aantal in OUTCOMES_002.items():
        assert voorbeeld.doelen.filter(niveau="outcome", ouder__code=impact).count() == aantal
    activiteiten = list(voorbeeld.doelen.filter(niveau="activiteit").select_related("ouder"))
    assert len(activiteiten) == sum(ACTIVITEITEN_002.values()) == 25
    for impact, aantal in ACTIVITEITEN_002.items():
        assert sum(1 for a in activiteiten if a.code.startswith(f"{impact}.")) == aantal
    assert all(a.ouder is not None and a.ouder.niveau == "output" for a in activiteiten)
    jeugdfonds = voorbeeld.doelen.get(titel__contains="Jeugdfonds")
    assert jeugdfonds.ouder is not None and "10.000 jongeren" in jeugdfonds.ouder.titel


def test_no_invented_baseline(voorbeeld: m.Beleidskader, echte_opslag: Opslag) -> None:
    w = echte_opslag.lees().waarnemingen
    for ind in m.Indicator.objects.prefetch_related("metingen"):
        if ind.basiswaarde is None:
            assert not ind.basisbron, ind.naam
            continue
        assert ind.basisbron, ind.naam
        if ind.bron == "opslag":
            # the measurement of the store wave the baseline names, at most 2023
            assert ind.basisdatum.year <= 2023 and "indicatorenopslag" in ind.basisbron
            meting = next(x for x in ind.metingen.all() if x.datum == ind.basisdatum)
            assert ind.basiswaarde == pytest.approx(meting.waarde, abs=0.05), ind.naam
            if ind.basisdatum.year < 2023:
                assert "dichtstbijzijnde eerdere golf" in ind.basisbron
        else:
            assert ind.basiswaarde == 0 and "per definitie" in ind.basisbron
            assert any(w_ in ind.naam for w_ in TELLINGEN_VANAF_START), ind.naam
    # known answer: Limburg minus NL on ervaren gezondheid (gemeente survey) has waves 2020 and 2022;
    # the baseline is the 2022 wave, 66,7 - 70,0 = -3,3 (read off 85563NED by hand)
    gezond = m.Indicator.objects.get(
        opslag_indicator="gezondheid_gemeente.ervaren_gezondheid_goed.18plus", maat="verschil"
    )
    assert gezond.basisdatum == date(2022, 7, 1)
    assert gezond.basiswaarde == pytest.approx(-3.3, abs=0.05)
    deel = w[(w["indicator"] == gezond.opslag_indicator) & (w["periode"] == "2022")]
    assert set(deel["regio"]) >= {"PV31", "NL00"}
    # the open outputs show it in words
    boom = lezen.doelenboom("SLB")
    armoede = next(i for i in boom.indicatoren() if i.naam.startswith("Projecten in uitvoering"))
    assert armoede.nulmeting_tekst == "Nulmeting 2023: nog vast te stellen"
    sport = next(i for i in boom.indicatoren() if "sportinfrastructuur" in i.naam)
    assert sport.doel_tekst == "Doel 2027: 5% meer dan de nulmeting"


def test_outcomes_measured_from_open_data(voorbeeld: m.Beleidskader) -> None:
    per_outcome = {
        code: set(
            m.Indicator.objects.filter(doel__code=code, bron="opslag").values_list("opslag_indicator", "maat")
        )
        for code in ("3.2", "3.3", "4.2", "5.1")
    }
    assert ("gezondheid.eenzaam.18plus", "waarde") in per_outcome["3.2"]
    assert ("gezondheid.eenzaam.18plus", "verschil") in per_outcome["3.2"]
    assert ("gezondheid_gemeente.mantelzorger.18plus", "verschil") in per_outcome["3.3"]
    assert ("gezondheid.vrijwilligerswerk.18plus", "waarde") in per_outcome["3.3"]
    assert ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", "verschil") in per_outcome["4.2"]
    assert {("leefbaarometer.lbm", "waarde"), ("leefbaarometer.onv", "verschil")} <= per_outcome["5.1"]
    lbm = m.Indicator.objects.get(opslag_indicator="leefbaarometer.lbm", maat="waarde")
    # one measurement per wave of the Leefbaarometer file (2002 … 2022), baseline the 2022 wave
    assert [x.datum.year for x in lbm.metingen.all()] == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022]
    assert lbm.basisdatum == date(2022, 7, 1) and lbm.streefsoort == "richting"
    limburg = m.Indicator.objects.get(opslag_indicator="leefbaarometer.lbm", maat="verschil")
    assert limburg.regiocodes == ["PV31"] and limburg.referentie == "nl"


def test_relative_target_status_known_answers() -> None:
    b, s = date(2024, 1, 1), date(2028, 1, 1)
    # +5% on 200 → level 210; measured on the target date
    assert streefniveau(200, 5, "relatief") == pytest.approx(210)
    op = beoordeel(200, b, 5, s, 210, s, "hoger_is_beter", "relatief")
    assert op.status == "op_koers" and op.verhouding == pytest.approx(1.0)
    bijna = beoordeel(200, b, 5, s, 209, s, "hoger_is_beter", "relatief")
    assert bijna.status == "versnelling_nodig" and bijna.verhouding == pytest.approx(0.9)
    terug = beoordeel(200, b, 5, s, 199, s, "hoger_is_beter", "relatief")
    assert terug.status == "achteruitgang" and terug.verhouding == pytest.approx(-0.1)
    # -10% on 50 → level 45 (lower is better); measured 46: 4 of the 5 needed → 0,8
    minder = beoordeel(50, b, -10, s, 46, s, "hoger_is_slechter", "relatief")
    assert minder.status == "versnelling_nodig" and minder.verhouding == pytest.approx(0.8)
    # the same 5 as a level would be a target below the baseline: no longer confused
    assert beoordeel(200, b, 5, s, 204, s, "hoger_is_beter", "niveau").status == "achteruitgang"
    # open baseline or baseline 0: no status
    assert beoordeel(None, b, 5, s, 3, s, "hoger_is_beter", "relatief").status == "onbekend"
    assert beoordeel(0, b, 5, s, 3, s, "hoger_is_beter", "relatief").status == "onbekend"
    # direction only
    assert beoordeel(47.0, b, None, s, 46.0, s, "hoger_is_slechter", "richting").status == "op_koers"
    assert (
        beoordeel(47.0, b, None, s, 47.0, s, "hoger_is_slechter", "richting").status == "beperkte_voortgang"
    )
    assert beoordeel(47.0, b, None, s, 48.5, s, "hoger_is_beter", "richting").status == "op_koers"


def test_najaarsnota_2024_shows_nothing_measured_after_its_moment(voorbeeld: m.Beleidskader) -> None:
    laad_voorbeeldaanvragen()
    product = m.Product.objects.get(code="2.2.1")
    assert peildatum("najaarsnota", 2024) == date(2024, 8, 31)
    p = maak_paragraaf(product, "najaarsnota", 2024)
    tekst = als_tekst(p)
    # the programme counts were measured on 30 June 2025: not known in the Najaarsnota 2024
    assert "2025" not in tekst.replace("Programmabegroting 2024", "")
    assert "30 juni 2025" not in tekst
    assert all(i["laatste_meting"] is None for d in p.doelen for i in d["indicatoren"])
    assert "Stand op 31 augustus 2024" in tekst
    # budget 2024 from the framework's table, said so; totals said to be computed
    assert "Begroting 2024\t€ 0,88 mln\tGeraamde uitgaven 2024 overgenomen uit de financiële tabel" in tekst
    assert "Bijgestelde begroting\t€ 0,88 mln\tberekend:" in tekst
    # one year later the same counts are there, and the ratio says it is computed
    later = als_tekst(maak_paragraaf(product, "najaarsnota", 2025))
    assert "4 (30 juni 2025)" in later and "berekend uit de metingen" in later
    # a measurement on the reference date counts, one a day later does not
    ind = m.Indicator.objects.get(naam__startswith="Nieuwe integrale aanpakken")
    m.Meting.objects.create(indicator=ind, datum=date(2024, 8, 31), waarde=1)
    m.Meting.objects.create(indicator=ind, datum=date(2024, 9, 1), waarde=2)
    eerste = _indicator(maak_paragraaf(product, "najaarsnota", 2024), "Nieuwe integrale aanpakken")
    assert eerste["laatste_meting"] == {"datum": "2024-08-31", "waarde": 1}


def _indicator(p: Any, begin: str) -> dict[str, Any]:
    """The paragraph's indicator whose name starts with ``begin``."""
    return next(i for d in p.doelen for i in d["indicatoren"] if i["naam"].startswith(begin))


def test_example_applications_are_the_25_plus_grants(voorbeeld: m.Beleidskader) -> None:
    assert laad_voorbeeldaanvragen() == 33
    assert laad_voorbeeldaanvragen() == 0
    verleend = m.Aanvraag.objects.filter(status="verleend")
    assert verleend.count() == 26
    assert all(a.aanvrager.startswith("Voorbeeld:") and "VOORBEELD" in a.omschrijving for a in verleend)
    assert max(a.datum for a in verleend) <= date(2025, 6, 30)
    telling = m.Indicator.objects.get(bron="aanvragen")
    assert max(telling.metingen.all(), key=lambda x: x.datum).waarde == 26


def test_vallisveld_is_partial_and_names_its_buurt(voorbeeld: m.Beleidskader) -> None:
    vallisveld = m.Gebiedsaanpak.objects.get(naam="Vallisveld")
    assert vallisveld.deel_van == "BU09810100"
    assert m.Gebiedsaanpak.objects.exclude(deel_van="").count() == 1
    programma = lezen.programma(vallisveld.pk)
    assert programma.gedeeltelijk
    # by hand from the register: buurt Vaals 7.510 of 10.121 inhabitants of Vaals in 2024 = 74%
    assert "buurt Vaals (BU09810100), waar 74% van de inwoners van de gemeente woont" in programma.deel_tekst
    assert "7.510 van 10.121 in 2024" in programma.deel_tekst
    assert "gelden voor dat hele gebied" in programma.deel_tekst
    assert programma.als_dict()["deel_van"] == "BU09810100"
