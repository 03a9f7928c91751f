"""Example data: the SLB doelenboom (Limburg, Samen Leven en Bestaanszekerheid 2024-2027), product
2.2.1 with its najaarsnota 2025, and the eight area programmes of 2025.

Facts come from the public documents in shared/seeds (002: doelenboom and budget table;
001: progress paragraph 2.2.1 najaarsnota 2025; 000 and 003: selection and programmes), in our own
words. Where a document gives a period and not a day, the date is marked as approximate.
Targets that the documents do not quantify are left out, except one clearly marked example.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from ...codes import niveau_van
from . import models as m
from .diensten import toestand, vul_metingen
from .rollen import ROLLEN

BRON_002 = "Concept-beleidskader Samen Leven en Bestaanszekerheid 2024-2027, bijlage doelenboom"
BRON_001 = "Voortgangsparagraaf 2.2.1, Najaarsnota 2025"

# (code, title, outcomes, outputs with optional (target, unit))
IMPACT: list[tuple[str, str, list[str], list[tuple[str, float | None, str]]]] = [
    (
        "1",
        "Minder armoede en laaggeletterdheid",
        [
            "In 2027 zijn er minder mensen in armoede, laaggeletterden en laagdigitaalvaardigen dan in 2023",
            "In 2027 nemen meer jongeren deel aan de arbeidsmarkt dan in 2023",
        ],
        [
            (
                "Doelgroepen maken 5% meer gebruik van het ondersteuningsaanbod van de sociale basisinfrastructuur",
                5,
                "%",
            ),
            (
                "Projecten in uitvoering op het gebied van armoede en laaggeletterdheid (minimaal)",
                30,
                "projecten",
            ),
            (
                "Lopende projecten die voortijdig schoolverlaters en NEET-jongeren aan perspectief helpen",
                5,
                "projecten",
            ),
            (
                "Jongeren uit kansarme gezinnen die in aanraking komen met sport- en cultuuraanbod",
                10000,
                "jongeren",
            ),
        ],
    ),
    (
        "2",
        "Jeugd groeit veilig, kansrijk en gezond op",
        [
            "In 2027 heeft de jeugd een gezondere leefstijl dan in 2023",
            "In 2027 beginnen meer kwetsbare (aanstaande) ouders bewust en voorbereid aan hun zwangerschap dan in 2023",
            "In 2027 worden kinderen uit een kwetsbare thuissituatie eerder herkend, erkend en ondersteund",
        ],
        [
            ("Scholen die werken als Gezonde Basisschool van de Toekomst", 45, "scholen"),
            ("Nieuwe gemeenten die deelnemen aan Keigezond Limburg", 8, "gemeenten"),
            ("Kinderen bereikt met Keigezond Limburg (minimaal)", 2500, "kinderen"),
            ("Gevolgde trajecten Voorzorg en Nu Niet Zwanger (minimaal)", 1350, "trajecten"),
            ("Verloskundigen en gynaecologen opgeleid voor Centering Pregnancy (minimaal)", 50, "personen"),
            ("Projectpilots Kansrijke Start", 2, "pilots"),
            ("Gestarte trajecten Stevig Ouderschap (minimaal)", 800, "trajecten"),
            ("Consultatiebureaus die werken met Centering Ouderschap", 5, "consultatiebureaus"),
        ],
    ),
    (
        "3",
        "Meer sociale cohesie en gemeenschapszin",
        ["In 2027 zijn er meer vrijwilligers- en bewonersinitiatieven dan in 2023"],
        [
            (
                "Projecten voor burgerinitiatieven die participatie en sociale cohesie bevorderen",
                20,
                "projecten",
            ),
            ("Sociale fondsen waarmee wordt samengewerkt", 2, "fondsen"),
            (
                "Symposium over het VN-verdrag Handicap voor gemeenten en sociale basisinfrastructuur",
                1,
                "symposium",
            ),
        ],
    ),
    (
        "4",
        "Gezondere Limburgers door meer sporten en bewegen",
        [
            "In 2027 zet de sociale basisinfrastructuur meer Limburgers aan tot sporten en bewegen dan in 2023",
            "In 2027 voldoen meer Limburgers aan de beweegrichtlijn dan in 2023",
        ],
        [
            ("Sporters met ondersteuning via de Coöperatie Limburg Sport (minimaal)", 1500, "sporters"),
            ("Ondersteunde bovenlokale sportevenementen", 75, "evenementen"),
            ("Ondersteunde topsportevenementen met een breedtesportprogramma", 12, "evenementen"),
            ("Sportakkoorden in uitvoering", 3, "sportakkoorden"),
        ],
    ),
    (
        "5",
        "Leefbaardere en veiligere wijken en dorpen",
        [
            "In 2027 voelen bewoners van de geselecteerde wijken en buurten zich meer thuis dan in 2023",
            "In 2027 is er meer buurtcontact in de geselecteerde wijken en dorpen dan in 2023",
            "In 2027 zijn leefbaarheid en veiligheid in Limburgse wijken, buurten en dorpen verbeterd ten opzichte van 2023",
        ],
        [
            ("Nieuwe integrale aanpakken in aandachtswijken (minimaal)", 5, "aanpakken"),
            ("Dorp- en buurtgerichte aanpakken (minimaal)", 10, "aanpakken"),
            (
                "Lopende gebiedsgerichte aanpakken (Donderberg, Vastenavondkamp) in uitvoering gecontinueerd",
                2,
                "aanpakken",
            ),
        ],
    ),
]

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
    ("Vallisveld", "GM0981", "dorp", ["BU09810100"], []),
    ("Vastenavondkamp (Blerick)", "GM0983", "wijk", ["BU09832202", "BU09832203"], []),
]
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
        output5 = _doelenboom(kader)
        interventies = {
            naam: m.Interventie.objects.create(naam=naam, omschrijving=o) for naam, o in INTERVENTIES
        }
        aanpakken = _aanpakken(kader, interventies, output5)
        _product(kader, output5)
        _leefbaarheidsregeling(kader)
        _voorbeeld_uit_opslag(kader, aanpakken)
    return {"al_geladen": False, "doelen": kader.doelen.count(), "aanpakken": len(aanpakken)}


def _doelenboom(kader: m.Beleidskader) -> list[m.Indicator]:
    output5: list[m.Indicator] = []
    for code, titel, outcomes, outputs in IMPACT:
        impact = m.Doel.objects.create(
            kader=kader, niveau="impact", code=code, titel=titel, omschrijving=BRON_002
        )
        for n, tekst in enumerate(outcomes, start=1):
            m.Doel.objects.create(
                kader=kader,
                ouder=impact,
                niveau="outcome",
                code=f"{code}.{n}",
                titel=tekst,
                omschrijving=BRON_002,
            )
        # The doelenboom lists outputs per impact goal, not per outcome: they hang under its first outcome.
        eerste_outcome = kader.doelen.get(code=f"{code}.1")
        for n, (tekst, streef, eenheid) in enumerate(outputs, start=1):
            doel = m.Doel.objects.create(
                kader=kader,
                ouder=eerste_outcome,
                niveau="output",
                code=f"{code}.1.{n}",
                titel=tekst,
                omschrijving=BRON_002,
            )
            if streef is not None:
                ind = m.Indicator.objects.create(
                    doel=doel,
                    naam=tekst,
                    eenheid=eenheid,
                    basiswaarde=0,
                    basisdatum=date(2023, 12, 31),
                    streefwaarde=streef,
                    streefdatum=date(2027, 12, 31),
                    toelichting="Basis: 0 bij de start van het kader (eind 2023); streefwaarde uit de doelenboom.",
                )
                if code == "5":
                    output5.append(ind)
    return output5


def _aanpakken(
    kader: m.Beleidskader, interventies: dict[str, m.Interventie], output5: list[m.Indicator]
) -> list[m.Gebiedsaanpak]:
    uit = []
    doel5 = kader.doelen.filter(code__startswith="5.")
    for naam, gemeente, soort, codes, partners in AANPAKKEN:
        aanpak = m.Gebiedsaanpak.objects.create(
            kader=kader, naam=naam, gemeente=gemeente, soort=soort, regiocodes=codes
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
    nieuw = sum(
        1 for a in uit if a.soort == "wijk" and a.naam not in ("Donderberg", "Vastenavondkamp (Blerick)")
    )
    dorp = sum(1 for a in uit if a.soort == "dorp")
    for ind, waarde, uitleg in zip(
        output5,
        [nieuw, dorp, 2],
        [
            "intentieovereenkomsten voor nieuwe wijkaanpakken",
            "intentieovereenkomsten voor dorpsaanpakken",
            "Donderberg en Vastenavondkamp",
        ],
        strict=True,
    ):
        m.Meting.objects.create(
            indicator=ind,
            datum=date(2025, 6, 30),
            waarde=waarde,
            opmerking=f"{uitleg} (uit de gebiedsaanpakken; {BRON_001})",
        )
    return uit


def _product(kader: m.Beleidskader, output5: list[m.Indicator]) -> None:
    product = m.Product.objects.create(
        kader=kader, code="2.2.1", naam="Krachtige gemeenschappen in wijken en dorpen"
    )
    product.doelen.set(kader.doelen.filter(code__in=["5.1.1", "5.1.2", "5.1.3"]))
    m.Begrotingsregel.objects.create(
        product=product,
        jaar=2025,
        soort="begroting",
        bedrag=Decimal("653000"),
        reden="Geraamde uitgaven 2025 in de financiële tabel van het beleidskader (Programmabegroting 2024)",
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


def _leefbaarheidsregeling(kader: m.Beleidskader) -> None:
    regeling = m.Regeling.objects.create(naam="Leefbaarheidsaanpak: kleinschalige (inwoners)initiatieven")
    doel = kader.doelen.get(code="3.1.1")
    m.Indicator.objects.create(
        doel=doel,
        naam="Verleende subsidies leefbaarheidsaanpak",
        eenheid="aanvragen",
        basiswaarde=0,
        basisdatum=date(2023, 12, 31),
        streefwaarde=20,
        streefdatum=date(2027, 12, 31),
        bron="aanvragen",
        regeling=regeling,
        toelichting="Telt automatisch de verleende en vastgestelde aanvragen van de regeling.",
    )


def _voorbeeld_uit_opslag(kader: m.Beleidskader, aanpakken: list[m.Gebiedsaanpak]) -> None:
    """Loneliness in the eight areas, filled from the indicator store when it holds the data."""
    w = toestand().waarnemingen
    codes = sorted({c for a in aanpakken for c in a.regiocodes if niveau_van(c)})
    deel = w[(w["indicator"] == "gezondheid.eenzaam.18plus") & w["regio"].isin(codes)].dropna(
        subset=["waarde"]
    )
    if deel.empty:
        return
    periode = str(sorted(deel["periode"].astype(str).unique())[0])
    basis = float(deel[deel["periode"].astype(str) == periode]["waarde"].mean())
    ind = m.Indicator.objects.create(
        doel=kader.doelen.get(code="5.2"),
        naam="Eenzaamheid (18+) in de acht gebieden",
        eenheid="%",
        richting="hoger_is_slechter",
        basiswaarde=round(basis, 1),
        basisdatum=date(int(periode), 7, 1),
        streefwaarde=round(basis - 1, 1),
        streefdatum=date(2027, 12, 31),
        bron="opslag",
        opslag_indicator="gezondheid.eenzaam.18plus",
        regiocodes=codes,
        toelichting="Voorbeeld van een indicator uit de opslag (RIVM Gezondheidsmonitor). De streefwaarde "
        "(1 procentpunt lager) is een voorbeeld en moet door de provincie worden vastgesteld.",
    )
    vul_metingen(ind)
