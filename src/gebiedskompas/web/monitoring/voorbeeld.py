"""Example data: the SLB doelenboom (Limburg, Samen Leven en Bestaanszekerheid 2024-2027) with all
its levels and targets, outcome indicators from open data, product 2.2.1 with its najaarsnota 2025,
the eight area programmes of 2025, and (``laad_voorbeeldaanvragen``) example subsidy applications.

Facts come from the public documents in shared/seeds (002: doelenboom and budget table;
001: progress paragraph 2.2.1 najaarsnota 2025; 000 and 003: selection and programmes), in our own
words. Where a document gives a period and not a day, the date is marked as approximate.
Baselines come from data (the store's wave of 2023 or the nearest earlier one) or are left open
("nog vast te stellen"); only counts of what the framework itself starts are 0 at its start.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from ...catalogus import catalogus
from ...codes import niveau_van
from ...errors import GebiedskompasFout
from . import models as m
from .diensten import (
    _sleutel,
    _verschil_per_golf,
    _waarden_per_golf,
    basis_uit_metingen,
    toestand,
)
from .rollen import ROLLEN

BRON_002 = "Concept-beleidskader Samen Leven en Bestaanszekerheid 2024-2027, bijlage doelenboom"
BRON_001 = "Voortgangsparagraaf 2.2.1, Najaarsnota 2025"
BRON_TABEL = "financiële tabel van het concept-beleidskader SLB (Programmabegroting 2024)"
BASISJAAR = 2023
STREEFDATUM = date(2027, 12, 31)
BASISDATUM = date(2023, 12, 31)
# A count of what the framework itself starts (new approaches, continuations, grants of its own
# scheme) is 0 at its start by definition; any other baseline is measured or still to be set.
TELLING_VANAF_START = "Telling vanaf de start van het kader (1 januari 2024): 0 per definitie"


@dataclass(frozen=True)
class Streef:
    """One target of an output: ``waarde`` in ``eenheid``; ``soort`` niveau (a level), relatief (a
    change of the baseline in %) or richting; ``vanaf_start``: a count that starts at 0 with the
    framework (otherwise the baseline is "nog vast te stellen")."""

    naam: str
    waarde: float | None
    eenheid: str
    soort: str = "niveau"
    vanaf_start: bool = False


@dataclass(frozen=True)
class Output:
    titel: str
    streven: list[Streef]
    activiteiten: list[str] = field(default_factory=list)


# The doelenboom of seed 002 (bijlage), column by column: impact → outcomes → outputs (with their
# targets) → activities. The bijlage puts outputs and activities in the column of their impact; the
# outcome each output serves and the output each activity serves follow the subject (e.g. the
# Jeugdfonds Sport & Cultuur contribution serves the 10.000 children from poor families).
DOELENBOOM: list[tuple[str, str, list[tuple[str, list[Output]]]]] = [
    (
        "1",
        "Minder armoede en laaggeletterdheid",
        [
            (
                "In 2027 zijn er minder mensen in armoede, laaggeletterden en laagdigitaalvaardigen dan in 2023",
                [
                    Output(
                        "Doelgroepen maken 5% meer gebruik van het ondersteuningsaanbod van de sociale "
                        "basisinfrastructuur",
                        [
                            Streef(
                                "Gebruik van het ondersteuningsaanbod door doelgroepen",
                                5,
                                "gebruikers",
                                "relatief",
                            )
                        ],
                        ["Exploitatiesubsidies sociale basisinfrastructuur"],
                    ),
                    Output(
                        "Minimaal 30 projecten in uitvoering op het gebied van armoede en laaggeletterdheid",
                        [
                            Streef(
                                "Projecten in uitvoering op het gebied van armoede en laaggeletterdheid (minimaal)",
                                30,
                                "projecten",
                            )
                        ],
                        [
                            "Aanvalsplan laaggeletterdheid en digitale vaardigheden",
                            "Actieplan tegen armoede",
                            "Organisatie van twee conferenties",
                        ],
                    ),
                    Output(
                        "10.000 jongeren uit kansarme gezinnen komen in aanraking met sport- en cultuuraanbod",
                        [
                            Streef(
                                "Jongeren uit kansarme gezinnen die in aanraking komen met sport- en cultuuraanbod",
                                10000,
                                "jongeren",
                            )
                        ],
                        ["Financiële bijdrage aan het Jeugdfonds Sport & Cultuur"],
                    ),
                ],
            ),
            (
                "In 2027 nemen meer jongeren deel aan de arbeidsmarkt dan in 2023",
                [
                    Output(
                        "5 lopende projecten die voortijdig schoolverlaters en NEET-jongeren aan een passend "
                        "perspectief helpen",
                        [
                            Streef(
                                "Lopende projecten voor voortijdig schoolverlaters en NEET-jongeren",
                                5,
                                "projecten",
                            )
                        ],
                        ["Vervolgaanpak passend perspectief voor (kwetsbare) jongeren"],
                    )
                ],
            ),
        ],
    ),
    (
        "2",
        "Jeugd groeit veilig, kansrijk en gezond op",
        [
            (
                "In 2027 heeft de jeugd een gezondere leefstijl dan in 2023",
                [
                    Output(
                        "45 Gezonde Basisscholen van de Toekomst, waar 10.000 kinderen gezond ontbijten en lunchen",
                        [
                            Streef(
                                "Scholen die werken als Gezonde Basisschool van de Toekomst", 45, "scholen"
                            ),
                            Streef(
                                "Kinderen die op een GBT-school gezond ontbijten en lunchen",
                                10000,
                                "kinderen",
                            ),
                        ],
                        ["Financiering van kwartiermakers GBT en versterken van de lobby bij het Rijk"],
                    ),
                    Output(
                        "8 nieuwe gemeenten nemen deel aan Keigezond Limburg",
                        [
                            Streef(
                                "Nieuwe gemeenten die deelnemen aan Keigezond Limburg",
                                8,
                                "gemeenten",
                                vanaf_start=True,
                            )
                        ],
                        ["Subsidie voor de implementatie van Keigezond Limburg"],
                    ),
                    Output(
                        "Minimaal 2.500 kinderen bereikt met Keigezond Limburg",
                        [Streef("Kinderen bereikt met Keigezond Limburg (minimaal)", 2500, "kinderen")],
                    ),
                ],
            ),
            (
                "In 2027 beginnen meer kwetsbare (aanstaande) ouders bewust en voorbereid aan hun zwangerschap "
                "dan in 2023",
                [
                    Output(
                        "Minimaal 1.350 gevolgde trajecten Voorzorg en Nu Niet Zwanger",
                        [
                            Streef(
                                "Gevolgde trajecten Voorzorg en Nu Niet Zwanger (minimaal)", 1350, "trajecten"
                            )
                        ],
                    ),
                    Output(
                        "Minimaal 50 verloskundigen en gynaecologen opgeleid voor Centering Pregnancy",
                        [
                            Streef(
                                "Verloskundigen en gynaecologen opgeleid voor Centering Pregnancy (minimaal)",
                                50,
                                "personen",
                            )
                        ],
                    ),
                    Output(
                        "2 projectpilots Kansrijke Start",
                        [Streef("Projectpilots Kansrijke Start", 2, "pilots")],
                        ["Subsidie Kansrijke Start in Zuid-Limburg en in Noord- en Midden-Limburg"],
                    ),
                    Output(
                        "Minimaal 800 gestarte trajecten Stevig Ouderschap",
                        [Streef("Gestarte trajecten Stevig Ouderschap (minimaal)", 800, "trajecten")],
                    ),
                    Output(
                        "5 Limburgse consultatiebureaus werken met Centering Ouderschap",
                        [
                            Streef(
                                "Consultatiebureaus die werken met Centering Ouderschap",
                                5,
                                "consultatiebureaus",
                            )
                        ],
                    ),
                ],
            ),
            (
                "In 2027 worden kinderen uit een kwetsbare thuissituatie eerder herkend, erkend en ondersteund "
                "door hun netwerk",
                [
                    Output(
                        "Alle Limburgse scholen nemen deel aan het Handle with Care-netwerk",
                        [Streef("Aandeel Limburgse scholen in het Handle with Care-netwerk", 100, "%")],
                        [
                            "Ondersteunen van de Beweging Limburg tegen Kindermishandeling",
                            "Subsidie Handle with Care",
                        ],
                    )
                ],
            ),
        ],
    ),
    (
        "3",
        "Meer sociale cohesie en gemeenschapszin",
        [
            (
                "In 2027 voelen bewoners van de geselecteerde buurten en wijken zich meer thuis dan in 2023",
                [
                    Output(
                        "1 symposium over het VN-verdrag Handicap voor gemeenten en de sociale basisinfrastructuur",
                        [
                            Streef(
                                "Symposium over het VN-verdrag Handicap georganiseerd",
                                1,
                                "symposium",
                                vanaf_start=True,
                            )
                        ],
                        ["Subsidie ter bevordering van de participatie van doelgroepen"],
                    )
                ],
            ),
            (
                "In 2027 is er meer buurtcontact in de geselecteerde wijken en dorpen dan in 2023",
                [
                    Output(
                        "Met 2 sociale fondsen wordt samengewerkt aan projecten voor sociale cohesie",
                        [Streef("Sociale fondsen waarmee wordt samengewerkt", 2, "fondsen")],
                        [
                            "Samenwerking met sociale fondsen",
                            "Vervolgaanpak eenzaamheid",
                            "Verbinding met de activiteiten van de gebiedsgerichte aanpak",
                        ],
                    )
                ],
            ),
            (
                "In 2027 zijn er meer vrijwilligers- en bewonersinitiatieven dan in 2023",
                [
                    Output(
                        "20 projecten voor burgerinitiatieven die participatie en sociale cohesie bevorderen",
                        [],  # counted from the applications of the leefbaarheidsregeling, see below
                        ["Actieplan vrijwilligers"],
                    )
                ],
            ),
        ],
    ),
    (
        "4",
        "Gezondere Limburgers door meer sporten en bewegen",
        [
            (
                "In 2027 zet de sociale basisinfrastructuur meer Limburgers aan tot sporten en bewegen dan in 2023",
                [
                    Output(
                        "5% meer Limburgers bereikt met de werkplannen van de provinciale sportinfrastructuur",
                        [
                            Streef(
                                "Limburgers bereikt met de werkplannen van de provinciale sportinfrastructuur",
                                5,
                                "Limburgers",
                                "relatief",
                            )
                        ],
                        [
                            "Exploitatiesubsidies sociale basisinfrastructuur (sport)",
                            "Evaluatie Sportloket Limburg",
                        ],
                    ),
                    Output(
                        "Minimaal 1.500 sporters ondersteund via de Coöperatie Limburg Sport",
                        [
                            Streef(
                                "Sporters met ondersteuning via de Coöperatie Limburg Sport (minimaal)",
                                1500,
                                "sporters",
                            )
                        ],
                        ["Uitvoering van de opdracht aan de Coöperatie Limburg Sport"],
                    ),
                ],
            ),
            (
                "In 2027 voldoen meer Limburgers aan de beweegrichtlijn dan in 2023",
                [
                    Output(
                        "75 bovenlokale sportevenementen ondersteund",
                        [Streef("Ondersteunde bovenlokale sportevenementen", 75, "evenementen")],
                        ["Subsidies voor sportevenementen"],
                    ),
                    Output(
                        "12 topsportevenementen met een breedtesportprogramma ondersteund",
                        [
                            Streef(
                                "Ondersteunde topsportevenementen met een breedtesportprogramma",
                                12,
                                "evenementen",
                            )
                        ],
                    ),
                    Output(
                        "3 sportakkoorden in uitvoering",
                        [Streef("Sportakkoorden in uitvoering", 3, "sportakkoorden")],
                        ["Uitwerken van drie regionale sportakkoorden"],
                    ),
                ],
            ),
        ],
    ),
    (
        "5",
        "Leefbaardere en veiligere wijken en dorpen",
        [
            (
                "In 2027 zijn leefbaarheid en veiligheid in Limburgse wijken, buurten en dorpen verbeterd "
                "ten opzichte van 2023",
                [
                    Output(
                        "Minimaal 5 nieuwe integrale aanpakken in Limburgse aandachtswijken",
                        [
                            Streef(
                                "Nieuwe integrale aanpakken in aandachtswijken (minimaal)",
                                5,
                                "aanpakken",
                                vanaf_start=True,
                            )
                        ],
                        ["Ontwikkelen van integrale aanpakken in Limburgse aandachtswijken"],
                    ),
                    Output(
                        "Minimaal 10 dorp- en buurtgerichte aanpakken",
                        [
                            Streef(
                                "Dorp- en buurtgerichte aanpakken (minimaal)",
                                10,
                                "aanpakken",
                                vanaf_start=True,
                            )
                        ],
                        ["Ontwikkelen van dorps- en buurtgerichte aanpakken"],
                    ),
                    Output(
                        "2 lopende gebiedsgerichte aanpakken (Donderberg Roermond, Vastenavondkamp Venlo) in "
                        "uitvoering gecontinueerd",
                        [
                            Streef(
                                "Lopende gebiedsgerichte aanpakken (Donderberg, Vastenavondkamp) in uitvoering "
                                "gecontinueerd",
                                2,
                                "aanpakken",
                                vanaf_start=True,
                            )
                        ],
                        [
                            "Uitvoering van de vervolgfase in Donderberg, Roermond",
                            "Uitvoering van de vervolgfase in Vastenavondkamp, Venlo",
                        ],
                    ),
                ],
            ),
        ],
    ),
]

# Outcome indicators from open data (issue 13, point 2): per outcome code the store indicators the
# framework names where open data has them, each measured in the programme areas ("gebieden") and/or
# as the gap Limburg minus Nederland ("limburg"). Outcomes 1.2 and 2.x have no open data in the store
# (no youth labour participation, no youth health monitor): they stay without an indicator.
UITKOMSTEN: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "1.1": [("gezondheid.moeite_met_rondkomen.18plus", ("gebieden", "limburg"))],
    "3.1": [("leefbaarometer.soc", ("gebieden", "limburg"))],
    "3.2": [
        ("gezondheid.eenzaam.18plus", ("gebieden", "limburg")),
        ("veiligheid.sociale_cohesie", ("limburg",)),
    ],
    "3.3": [
        ("gezondheid.vrijwilligerswerk.18plus", ("gebieden", "limburg")),
        ("gezondheid_gemeente.mantelzorger.18plus", ("limburg",)),
    ],
    "4.1": [("gezondheid_gemeente.wekelijks_sporter.18plus", ("limburg",))],
    "4.2": [
        ("gezondheid_gemeente.voldoet_beweegrichtlijn.18plus", ("limburg",)),
        ("gezondheid_gemeente.ervaren_gezondheid_goed.18plus", ("limburg",)),
        ("gezondheid.ervaren_gezondheid_goed.18plus", ("gebieden",)),
    ],
    "5.1": [
        ("leefbaarometer.lbm", ("gebieden", "limburg")),
        ("leefbaarometer.onv", ("gebieden", "limburg")),
        ("leefbaarometer.fys", ("limburg",)),
        ("leefbaarometer.won", ("limburg",)),
        ("leefbaarometer.vrz", ("limburg",)),
        ("veiligheid.weleens_onveilig_buurt", ("limburg",)),
    ],
}

# name, gemeente, kind, region codes (KWB 2024 codes), partners beyond gemeente and provincie
AANPAKKEN: list[tuple[str, str, str, list[str], list[tuple[str, str]]]] = [
    ("Reuver/Offenbeek", "GM0889", "dorp", ["BU08890000", "BU08890001"], []),
    (
        "Heerlen-Noord",
        "GM0917",
        "wijk",
        ["WK091711", "WK091712", "WK091713", "WK091720", "WK091721", "WK091722"],
        [("Nationaal Programma Heerlen-Noord", "rijksprogramma met wijkbudget")],
    ),
    ("Kerkrade-Oost", "GM0928", "wijk", ["WK092801"], [("HeemWonen", "woningcorporatie (Samen Buurtmaken)")]),
    ("Pottenberg en Nazareth", "GM0935", "wijk", ["BU09350203", "BU09350403"], []),
    ("Donderberg", "GM0957", "wijk", ["WK095704"], []),
    ("Geleen-Zuid", "GM1883", "wijk", ["BU18830504"], []),
    ("Vallisveld", "GM0981", "dorp", ["BU09810100"], []),  # part of buurt Vaals, see DEEL_VAN
    ("Vastenavondkamp (Blerick)", "GM0983", "wijk", ["BU09832202", "BU09832203"], []),
]
# Programme areas that are only part of the area their codes cover: Vallisveld is a neighbourhood
# inside CBS buurt BU09810100 "Vaals" (the town of Vaals, about three quarters of the gemeente).
DEEL_VAN = {"Vallisveld": "BU09810100"}
GEMEENTENAMEN = {
    "GM0889": "Beesel",
    "GM0917": "Heerlen",
    "GM0928": "Kerkrade",
    "GM0935": "Maastricht",
    "GM0957": "Roermond",
    "GM1883": "Sittard-Geleen",
    "GM0981": "Vaals",
    "GM0983": "Venlo",
}
INTERVENTIES = [
    (
        "Kansrijke Start",
        "Regionaal preventieprogramma voor een goede start van kinderen in de eerste 1000 dagen.",
    ),
    ("Gezonde Basisschool van de Toekomst", "Dagelijks gezond eten en meer bewegen op de basisschool."),
    ("Keigezond", "Limburgse aanpak voor een gezonde leefstijl van kinderen."),
    ("Preventie met Gezag", "Rijksprogramma tegen ondermijning en jeugdcriminaliteit in kwetsbare wijken."),
    (
        "PlusWijken",
        "Integrale wijkgerichte strategie in Zuid-Limburg voor gezondheid, welzijn en samenredzaamheid.",
    ),
    ("Wijkbudget", "Gebundelde middelen van meerdere ministeries voor een gebied, zoals in Heerlen-Noord."),
    (
        "Buurtschakels",
        "Verbinders in de buurt, onder meer tegen eenzaamheid en voor overbelaste mantelzorgers.",
    ),
]


def laad_voorbeeld() -> dict[str, Any]:
    if m.Beleidskader.objects.filter(afkorting="SLB").exists():
        return {"al_geladen": True}
    with transaction.atomic():
        for rol in ROLLEN:
            Group.objects.get_or_create(name=rol)
        kader = m.Beleidskader.objects.create(
            naam="Samen Leven en Bestaanszekerheid", afkorting="SLB", provincie="PV31", begin=2024, einde=2027
        )
        _doelenboom(kader)
        interventies = {
            naam: m.Interventie.objects.create(naam=naam, omschrijving=o) for naam, o in INTERVENTIES
        }
        aanpakken = _aanpakken(kader, interventies)
        _product(kader)
        _leefbaarheidsregeling(kader)
        uitkomsten = _uitkomsten(kader, aanpakken)
    return {
        "al_geladen": False,
        "doelen": kader.doelen.count(),
        "niveaus": {n: kader.doelen.filter(niveau=n).count() for n in m.NIVEAU_VOLGORDE},
        "uitkomstindicatoren": uitkomsten,
        "aanpakken": len(aanpakken),
    }


def _doel(kader: m.Beleidskader, ouder: m.Doel | None, niveau: str, code: str, titel: str) -> m.Doel:
    doel = m.Doel(kader=kader, ouder=ouder, niveau=niveau, code=code, titel=titel, omschrijving=BRON_002)
    doel.full_clean()
    doel.save()
    return doel


def _doelenboom(kader: m.Beleidskader) -> None:
    """Every level of the bijlage: impacts, outcomes, outputs with their targets, activities."""
    for code, titel, outcomes in DOELENBOOM:
        impact = _doel(kader, None, "impact", code, titel)
        for n, (tekst, outputs) in enumerate(outcomes, start=1):
            outcome = _doel(kader, impact, "outcome", f"{code}.{n}", tekst)
            for k, output in enumerate(outputs, start=1):
                doel = _doel(kader, outcome, "output", f"{outcome.code}.{k}", output.titel)
                for streef in output.streven:
                    _outputindicator(doel, streef)
                for a, activiteit in enumerate(output.activiteiten, start=1):
                    _doel(kader, doel, "activiteit", f"{doel.code}.{a}", activiteit)


def _outputindicator(doel: m.Doel, streef: Streef) -> m.Indicator:
    uitleg = {
        "niveau": "streefwaarde uit de doelenboom",
        "relatief": f"doel uit de doelenboom: {streef.waarde:g}% meer dan de nulmeting",
        "richting": "doel uit de doelenboom: beter dan de nulmeting",
    }[streef.soort]
    basis = (
        "basis 0 bij de start van het kader (telling)"
        if streef.vanaf_start
        else ("nulmeting eind 2023 nog vast te stellen (geen bron in de opslag)")
    )
    ind = m.Indicator(
        doel=doel,
        naam=streef.naam,
        eenheid=streef.eenheid,
        basiswaarde=0 if streef.vanaf_start else None,
        basisdatum=BASISDATUM,
        basisbron=TELLING_VANAF_START if streef.vanaf_start else "",
        streefsoort=streef.soort,
        streefwaarde=streef.waarde,
        streefdatum=STREEFDATUM,
        toelichting=f"{uitleg[0].upper()}{uitleg[1:]}; {basis}. {BRON_002}.",
    )
    ind.full_clean()
    ind.save()
    return ind


def _aanpakken(kader: m.Beleidskader, interventies: dict[str, m.Interventie]) -> list[m.Gebiedsaanpak]:
    uit = []
    doel5 = kader.doelen.filter(code__startswith="5.")
    for naam, gemeente, soort, codes, partners in AANPAKKEN:
        aanpak = m.Gebiedsaanpak.objects.create(
            kader=kader,
            naam=naam,
            gemeente=gemeente,
            soort=soort,
            regiocodes=codes,
            deel_van=DEEL_VAN.get(naam, ""),
        )
        aanpak.doelen.set(doel5)
        m.Partner.objects.create(
            aanpak=aanpak, naam=f"Gemeente {GEMEENTENAMEN[gemeente]}", rol="gemeente, trekker"
        )
        m.Partner.objects.create(
            aanpak=aanpak,
            naam="Provincie Limburg",
            rol="facilitator, subsidiënt, financier, verbinder, partner",
        )
        for p_naam, rol in partners:
            m.Partner.objects.create(aanpak=aanpak, naam=p_naam, rol=rol)
        m.Fase.objects.create(
            aanpak=aanpak,
            fase="selectie",
            datum=date(2024, 12, 31),
            document="Data-analyse en gesprekken met stakeholders (seeds 000, 003)",
            opmerking="datum bij benadering: selectie eind 2024 / begin 2025",
        )
        m.Fase.objects.create(
            aanpak=aanpak,
            fase="intentieovereenkomst",
            datum=date(2025, 6, 30),
            document=f"Intentieovereenkomst 2025; {BRON_001}",
            opmerking="datum bij benadering: gesloten in de eerste helft van 2025",
        )
        if naam in ("Donderberg", "Vastenavondkamp (Blerick)"):
            m.Fase.objects.create(
                aanpak=aanpak,
                fase="uitvoering",
                datum=date(2025, 6, 30),
                document=BRON_001,
                opmerking="lopend uitvoeringsplan gecontinueerd tot de nieuwe samenwerkingsovereenkomst",
            )
        uit.append(aanpak)
    m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").interventies.add(interventies["Wijkbudget"])
    m.Gebiedsaanpak.objects.get(naam="Kerkrade-Oost").interventies.add(interventies["Buurtschakels"])
    _programmatellingen(kader, uit)
    return uit


def _programmatellingen(kader: m.Beleidskader, aanpakken: list[m.Gebiedsaanpak]) -> None:
    """The three programme counts of impact 5, measured on 30 June 2025 from the programmes."""
    doorlopend = ("Donderberg", "Vastenavondkamp (Blerick)")
    nieuw = sum(1 for a in aanpakken if a.soort == "wijk" and a.naam not in doorlopend)
    dorp = sum(1 for a in aanpakken if a.soort == "dorp")
    for code, waarde, uitleg in (
        ("5.1.1", nieuw, "intentieovereenkomsten voor nieuwe wijkaanpakken"),
        ("5.1.2", dorp, "intentieovereenkomsten voor dorpsaanpakken"),
        ("5.1.3", 2, "Donderberg en Vastenavondkamp"),
    ):
        m.Meting.objects.create(
            indicator=m.Indicator.objects.get(doel__kader=kader, doel__code=code),
            datum=date(2025, 6, 30),
            waarde=waarde,
            opmerking=f"{uitleg} (uit de gebiedsaanpakken; {BRON_001})",
        )


def _product(kader: m.Beleidskader) -> None:
    product = m.Product.objects.create(
        kader=kader, code="2.2.1", naam="Krachtige gemeenschappen in wijken en dorpen"
    )
    # the area programmes (5.1.x) and, as seed 001 reports them under 2.2.1, the leefbaarheidsaanpak's
    # citizens' initiatives (3.3.1: counted from the granted applications)
    product.doelen.set(kader.doelen.filter(code__in=["5.1.1", "5.1.2", "5.1.3", "3.3.1"]))
    for jaar, bedrag in ((2024, "878000"), (2025, "653000")):
        m.Begrotingsregel.objects.create(
            product=product,
            jaar=jaar,
            soort="begroting",
            bedrag=Decimal(bedrag),
            reden=f"Geraamde uitgaven {jaar} overgenomen uit de {BRON_TABEL}",
        )
    m.Begrotingsregel.objects.create(
        product=product,
        jaar=2025,
        soort="overheveling",
        moment="najaarsnota",
        bedrag=Decimal("830000"),
        reden="Middelen leefbaarheidsaanpak overgeboekt van product 2.1.1 Sociale agenda",
    )
    m.Begrotingsregel.objects.create(
        product=product,
        jaar=2025,
        soort="bijstelling",
        moment="najaarsnota",
        bedrag=Decimal("-670000"),
        reden="Begrote uitgaven leefbaarheidsaanpak verlaagd",
    )
    m.Begrotingsregel.objects.create(
        product=product,
        jaar=2025,
        soort="bijstelling",
        moment="najaarsnota",
        bedrag=Decimal("20000"),
        reden="Personeelskosten structureel hoger door de CAO Provincies",
    )
    m.Rapportage.objects.create(
        product=product,
        moment="najaarsnota",
        jaar=2025,
        kwaliteit="groen",
        kwaliteit_toelichting="Met alle acht gemeenten zijn intentieovereenkomsten gesloten; een "
        "lerend netwerk en een bestuurlijke alliantie zijn gestart.",
        tijd="groen",
        tijd_toelichting="Op koers: de intentieovereenkomsten kwamen in de eerste helft van 2025 tot "
        "stand; samenwerkings-/uitvoeringsplannen en governance volgen in de tweede helft.",
        geld="groen",
        geld_toelichting="Het budget wijzigt nauwelijks: een overheveling en twee bijstellingen.",
    )


REGELING = "Leefbaarheidsaanpak: kleinschalige (inwoners)initiatieven"


def _leefbaarheidsregeling(kader: m.Beleidskader) -> None:
    """Output 3.3.1 (20 projects for citizens' initiatives) counts the granted applications of the
    leefbaarheidsaanpak scheme (part of product 2.2.1, seed 001)."""
    regeling = m.Regeling.objects.create(naam=REGELING)
    m.Indicator.objects.create(
        doel=kader.doelen.get(code="3.3.1"),
        naam="Verleende subsidies leefbaarheidsaanpak",
        eenheid="aanvragen",
        basiswaarde=0,
        basisdatum=BASISDATUM,
        basisbron=TELLING_VANAF_START,
        streefwaarde=20,
        streefdatum=STREEFDATUM,
        bron="aanvragen",
        regeling=regeling,
        toelichting="Telt automatisch de verleende en vastgestelde aanvragen van de regeling; "
        f"streefwaarde uit de doelenboom. {BRON_002}.",
    )


def _uitkomsten(kader: m.Beleidskader, aanpakken: list[m.Gebiedsaanpak]) -> int:
    """Outcome indicators from the store (``UITKOMSTEN``): per wave in the programme areas and as
    Limburg minus Nederland; baseline the wave of 2023 or the nearest earlier one. Nothing when the
    store holds no data (a fresh clone without ``gebiedskompas laad``)."""
    w = toestand().waarnemingen
    if w.empty:
        return 0
    gebieden = sorted({c for a in aanpakken for c in a.regiocodes if niveau_van(c)})
    cat, aantal = catalogus(), 0
    for code, indicatoren in UITKOMSTEN.items():
        doel = kader.doelen.get(code=code)
        for sleutel, bereiken in indicatoren:
            info = cat.get(sleutel)
            if info is None or sleutel not in set(w["indicator"].unique()):
                continue
            for bereik in bereiken:
                aantal += _uitkomstindicator(doel, sleutel, info, bereik, gebieden)
    return aantal


def _uitkomstindicator(doel: m.Doel, sleutel: str, info: Any, bereik: str, gebieden: list[str]) -> int:
    if bereik == "gebieden":
        naam, codes, maat = f"{info.label} in de acht programmagebieden", gebieden, "waarde"
        wat = "gemiddelde over de programmagebieden met een waarde (zie per meting welke)"
    else:
        naam, codes, maat = f"{info.label}: Limburg min Nederland", ["PV31"], "verschil"
        wat = "verschil tussen Limburg en Nederland per golf"
    ind = m.Indicator.objects.create(
        doel=doel,
        naam=naam[:300],
        eenheid=info.eenheid if maat == "waarde" or info.eenheid != "%" else "procentpunt",
        richting=info.richting
        if info.richting in ("hoger_is_beter", "hoger_is_slechter")
        else "hoger_is_beter",
        basiswaarde=None,
        basisdatum=BASISDATUM,
        streefsoort="richting",
        streefwaarde=None,
        streefdatum=STREEFDATUM,
        bron="opslag",
        opslag_indicator=sleutel,
        regiocodes=codes,
        maat=maat,
        referentie="nl",
        toelichting=f"Uit de open data ({sleutel}): {wat}. Het doel volgt de doelenboom: beter dan in "
        f"{BASISJAAR}, zonder getal.",
    )
    golven = _per_golf(_inhoud(), sleutel, tuple(codes), maat)
    if not golven:
        ind.delete()
        return 0
    m.Meting.objects.bulk_create(
        m.Meting(indicator=ind, datum=date(jaar, 7, 1), waarde=waarde, bron="opslag", opmerking=opm[:400])
        for jaar, waarde, opm in golven
    )
    basis_uit_metingen(ind, BASISJAAR)
    return 1


def _inhoud() -> str:
    """The store's content as a key: the hash of its snapshot's provenance file (which lists every
    loaded file by sha256), so copies of one store share the computed waves."""
    map, versie = _sleutel()
    if versie is None:
        return ""
    return hashlib.sha256((Path(map) / versie / "herkomst.json").read_bytes()).hexdigest()


@lru_cache(maxsize=64)
def _per_golf(
    opslag: str, sleutel: str, codes: tuple[str, ...], maat: str
) -> tuple[tuple[int, float, str], ...]:
    """The waves of a store indicator as ``diensten.vul_metingen`` computes them, once per store
    version (the example is loaded often in tests; the gap per wave takes a second)."""
    tijdelijk = m.Indicator(opslag_indicator=sleutel, regiocodes=list(codes), referentie="nl", maat=maat)
    vuller = _waarden_per_golf if maat == "waarde" else _verschil_per_golf
    try:
        return tuple(vuller(tijdelijk))
    except (ValidationError, GebiedskompasFout):
        return ()


# --- example applications (seed 001: "ruim 25 projectsubsidies" by mid-2025) ---------------------

VOORBEELDAANVRAAG = (
    "VOORBEELD (verzonnen): een van de ruim 25 projectsubsidies van de leefbaarheidsaanpak die "
    "halverwege 2025 waren verleend (Najaarsnota 2025, 2.2.1)"
)
INITIATIEVEN = [
    "Buurtmoestuin",
    "Huiskamer in de wijk",
    "Repaircafé",
    "Dorpsfeest voor jong en oud",
    "Wandelgroep voor ouderen",
    "Speeltuin opknappen",
    "Buurtkrant",
    "Taalcafé",
    "Ontmoetingsbankjes",
    "Jongerenhonk",
]


def _tellingen(regeling: m.Regeling, verleend_op: list[date]) -> None:
    """The output count per grant date: how many applications were granted up to that day."""
    for indicator in regeling.indicatoren.filter(bron="aanvragen"):
        for dag in sorted(set(verleend_op)):
            aantal = sum(1 for d in verleend_op if d <= dag)
            m.Meting.objects.update_or_create(
                indicator=indicator,
                datum=dag,
                defaults={
                    "waarde": float(aantal),
                    "bron": "aanvragen",
                    "opmerking": f"{aantal} verleende aanvragen",
                },
            )


def laad_voorbeeldaanvragen() -> int:
    """26 granted, 3 refused and 4 pending example applications of the leefbaarheidsaanpak scheme,
    granted between January and June 2025; the output count (3.3.1) follows each grant. Clearly
    marked as made up. Returns how many were added (0 when they were already there)."""
    regeling = m.Regeling.objects.filter(naam=REGELING).first()
    if regeling is None or regeling.aanvragen.exists():
        return 0
    gemeenten = list(GEMEENTENAMEN)
    verleend_op: list[date] = []
    with transaction.atomic():
        for n in range(33):
            gemeente = gemeenten[n % len(gemeenten)]
            gevraagd = Decimal(2500 + (n * 1375) % 12500)
            ingediend = date(2025, 1 + n % 5, 3 + n % 20)
            status = "verleend" if n < 26 else ("afgewezen" if n < 29 else "aangevraagd")
            m.Aanvraag.objects.create(
                regeling=regeling,
                aanvrager=f"Voorbeeld: {INITIATIEVEN[n % len(INITIATIEVEN)]} {GEMEENTENAMEN[gemeente]}",
                gebied=gemeente,
                omschrijving=VOORBEELDAANVRAAG,
                gevraagd=gevraagd,
                verleend=gevraagd if status == "verleend" else None,
                status=status,
                datum=ingediend,
            )
            if status == "verleend":  # granted about a month after the application, by 30 June
                verleend_op.append(date(2025, ingediend.month + 1, 25))
        _tellingen(regeling, sorted(verleend_op))
    return 33
