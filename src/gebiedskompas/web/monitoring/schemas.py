"""Typed request and response bodies of the monitoring API.

Numbers people type may use a decimal comma ("3,5", "1.234,50"); empty form fields count as "not
given" for optional values; region codes may be a list or one comma-separated text. Choices
(niveau, soort, status, ...) stay plain text: the models and the service layer check them and
explain the choices in Dutch.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from . import diensten as d
from . import models as m

# --- input types ---------------------------------------------------------------------------------


def nl_getal(waarde: Any) -> Any:
    """'3,5' → '3.5' and '1.234,50' → '1234.50'; a real minus sign (U+2212) counts as '-'.
    Anything else is left for pydantic to judge."""
    if not isinstance(waarde, str):
        return waarde
    tekst = waarde.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if "," in tekst:
        tekst = tekst.replace(".", "").replace(",", ".")
    return tekst


def leeg_is_geen(waarde: Any) -> Any:
    """An empty form field means the value was not given."""
    return None if isinstance(waarde, str) and not waarde.strip() else waarde


def als_codes(waarde: Any) -> Any:
    """'GM0917, WK091712' → ['GM0917', 'WK091712']; a list stays a list."""
    if isinstance(waarde, str):
        return [deel.strip() for deel in waarde.split(",") if deel.strip()]
    return waarde


Getal = Annotated[float, BeforeValidator(nl_getal), Field(allow_inf_nan=False)]
Bedrag = Annotated[Decimal, BeforeValidator(nl_getal), Field(allow_inf_nan=False)]
MisschienBedrag = Annotated[Bedrag | None, BeforeValidator(leeg_is_geen)]
MisschienGetal = Annotated[Getal | None, BeforeValidator(leeg_is_geen)]
MisschienGeheel = Annotated[int | None, BeforeValidator(leeg_is_geen)]
MisschienDatum = Annotated[date | None, BeforeValidator(leeg_is_geen)]
Regiocodes = Annotated[list[str], BeforeValidator(als_codes)]

# --- requests ------------------------------------------------------------------------------------


class DoelIn(Schema):
    kader: str = Field(description="Afkorting van het beleidskader, bijvoorbeeld SLB")
    ouder: Annotated[str | None, BeforeValidator(leeg_is_geen)] = Field(
        None, description="Code van het bovenliggende doel; leeg voor een hoofddoel"
    )
    niveau: str = Field(description="impact, outcome, output of activiteit")
    code: str
    titel: str


class IndicatorIn(Schema):
    doel: int = Field(description="Id van het doel")
    naam: str
    eenheid: str
    richting: str = Field("hoger_is_beter", description="hoger_is_beter of hoger_is_slechter")
    basiswaarde: MisschienGetal = Field(description="Leeg: nulmeting nog vast te stellen")
    basisdatum: date
    basisbron: str = Field("", description="Waar de basiswaarde vandaan komt (bron, golf)")
    streefsoort: str = Field("niveau", description="niveau, relatief (% t.o.v. de basis) of richting")
    streefwaarde: MisschienGetal = Field(None, description="Leeg alleen bij streefsoort richting")
    streefdatum: date
    bron: str = Field("handmatig", description="handmatig, opslag of aanvragen")
    opslag_indicator: str = ""
    regiocodes: Regiocodes = Field(default_factory=list, description="Lijst of tekst met komma's")
    maat: str = Field("waarde", description="waarde, verschil of effect")
    referentie: str = Field("nl", description="nl of stedelijkheid (bij maat verschil)")
    startjaar: MisschienGeheel = Field(None, description="Startjaar van de aanpak (bij maat effect)")


class MetingIn(Schema):
    datum: date
    waarde: Getal
    opmerking: str = ""


class StatusIn(Schema):
    status: str = Field(description="op_koers, versnelling_nodig, beperkte_voortgang of achteruitgang")
    motivatie: str = ""


class BegrotingIn(Schema):
    jaar: int
    soort: str = Field(description="begroting, realisatie, overheveling of bijstelling")
    moment: str = ""
    bedrag: Bedrag
    reden: str


class RapportageIn(Schema):
    moment: str = Field(description="voorjaarsnota, najaarsnota of jaarstukken")
    jaar: int
    kwaliteit: str | None = Field(None, description="groen, oranje of rood")
    tijd: str | None = Field(None, description="groen, oranje of rood")
    geld: str | None = Field(None, description="groen, oranje of rood")
    kwaliteit_toelichting: str | None = None
    tijd_toelichting: str | None = None
    geld_toelichting: str | None = None


class AanpakIn(Schema):
    naam: str
    gemeente: str = Field(description="CBS-code van de gemeente, bijvoorbeeld GM0889")
    soort: str = Field(description="wijk of dorp")
    regiocodes: Regiocodes = Field(description="Gebieden: regiocodes, als lijst of gescheiden door komma's")
    fase: str = Field("selectie", description="De eerste fase (standaard selectie)")
    datum: Annotated[date, BeforeValidator(leeg_is_geen)] = Field(default_factory=date.today)
    coordinatoren: list[int] = Field(default_factory=list, description="Ids van de gebiedscoördinatoren")


class AanpakWijzigingIn(Schema):
    """Only the fields sent are changed."""

    naam: str | None = None
    regiocodes: Regiocodes | None = None
    budget: MisschienBedrag = None
    coordinatoren: list[int] | None = Field(
        None, description="Ids van de gebiedscoördinatoren (alleen analist of beheerder)"
    )
    openbaar: bool | None = Field(
        None, description="Programmapagina op de openbare site (/open/) tonen (alleen analist of beheerder)"
    )


class FaseIn(Schema):
    fase: str = Field(description="selectie, intentieovereenkomst, samenwerkingsplan, governance, uitvoering")
    datum: date
    document: str = ""


class PartnerIn(Schema):
    naam: str
    rol: str


class InterventieIn(Schema):
    interventie: str = Field(description="Naam van de interventie")


class AanvraagIn(Schema):
    regeling: int = Field(description="Id van de regeling")
    aanvrager: str
    gebied: str = Field(description="Regiocode, bijvoorbeeld GM0889")
    omschrijving: str = ""
    gevraagd: Bedrag
    datum: Annotated[date, BeforeValidator(leeg_is_geen)] = Field(default_factory=date.today)


class AanvraagStatusIn(Schema):
    status: str = Field(description="verleend, afgewezen of vastgesteld")
    verleend: MisschienBedrag = None
    datum: MisschienDatum = None


class OndertekenaarIn(Schema):
    naam: str
    soort: str = Field(description="initiatief, gemeente, provincie of overig")


class DealIn(Schema):
    naam: str
    soort: str = Field("vraaggestuurd", description="thematisch of vraaggestuurd")
    omschrijving: str = ""
    datum: Annotated[date, BeforeValidator(leeg_is_geen)] = Field(default_factory=date.today)
    ondertekenaars: list[OndertekenaarIn] = Field(default_factory=list)


class LesIn(Schema):
    aanpak: MisschienGeheel = Field(None, description="Id van de gebiedsaanpak; leeg voor een algemene les")
    soort: str = Field(description="les, knelpunt of interventie")
    titel: str
    tekst: str
    thema: str = ""
    openbaar: bool = Field(False, description="Op de openbare site tonen (alleen analist of beheerder)")


class RolIn(Schema):
    rol: str = Field(description="beheerder, analist, gebiedscoordinator of lezer")


class LessenZoek(Schema):
    q: str = Field("", description="Zoektermen in titel, tekst en thema")
    aanpak: MisschienGeheel = Field(None, description="Id van de gebiedsaanpak")
    soort: Annotated[str | None, BeforeValidator(leeg_is_geen)] = None
    thema: Annotated[str | None, BeforeValidator(leeg_is_geen)] = None


class ParagraafVraag(Schema):
    moment: Literal["voorjaarsnota", "najaarsnota", "jaarstukken"]
    jaar: int
    formaat: Literal["json", "html", "tekst"] = "json"


# --- responses -----------------------------------------------------------------------------------


class Fout(Schema):
    veld: str | None = Field(
        description="Het veld waar het om gaat; leeg als de fout niet bij één veld hoort"
    )
    waarde: Any = Field(None, description="De ingestuurde waarde van dat veld")
    verwacht: str | None = Field(description="Wat er verwacht wordt, of de regel die niet klopt")
    melding: str = Field(description="De fout in één Nederlandse zin")


class Fouten(Schema):
    fouten: list[Fout]


class Aangemaakt(Schema):
    id: int | None


class MetingKort(Schema):
    datum: str
    waarde: float


class Handmatig(Schema):
    status: str
    motivatie: str
    door: str
    op: str


class IndicatorStatus(Schema):
    status: str
    label: str
    reden: str
    verhouding: float | None
    laatste_meting: MetingKort | None
    handmatig: Handmatig | None

    @classmethod
    def van(cls, indicator: m.Indicator) -> IndicatorStatus:
        return cls(**d.indicatorstatus(indicator))


class MetingAangemaakt(Aangemaakt):
    status: IndicatorStatus


class AanvraagGewijzigd(Aangemaakt):
    status: str
    cofinanciering: str


class RolGezet(Aangemaakt):
    rol: str


class Gevuld(Schema):
    metingen: int = Field(description="Aantal metingen uit de opslag")


class Geimporteerd(Schema):
    doelen: int
    indicatoren: int
    metingen: int


class IndicatorUit(IndicatorStatus):
    id: int
    naam: str
    eenheid: str
    maat: str
    basis: float | None
    basisbron: str = ""
    streefsoort: str = "niveau"
    streef: float | None


class DoelUit(Schema):
    id: int
    code: str
    niveau: str
    titel: str
    indicatoren: list[IndicatorUit]
    kinderen: list[DoelUit]


class Doelenboom(Schema):
    kader: str
    doelen: list[DoelUit]


class FaseUit(Schema):
    fase: str
    datum: date
    document: str


class PartnerUit(Schema):
    naam: str
    rol: str


class AanpakUit(Schema):
    naam: str
    gemeente: str
    regiocodes: list[str]
    huidige_fase: str | None
    fasen: list[FaseUit]
    partners: list[PartnerUit]
    interventies: list[str]
    doelen: list[str]

    @classmethod
    def van(cls, a: m.Gebiedsaanpak) -> AanpakUit:
        return cls(
            naam=a.naam,
            gemeente=a.gemeente,
            regiocodes=a.regiocodes,
            huidige_fase=a.huidige_fase(),
            fasen=[FaseUit(fase=f.fase, datum=f.datum, document=f.document) for f in a.fasen.all()],
            partners=[PartnerUit(naam=p.naam, rol=p.rol) for p in a.partners.all()],
            interventies=[i.naam for i in a.interventies.all()],
            doelen=[g.code for g in a.doelen.all()],
        )


class LesUit(Schema):
    id: int
    soort: str
    titel: str
    tekst: str
    auteur: str
    datum: date
    aanpak: str | None

    @classmethod
    def van(cls, les: m.Les) -> LesUit:
        return cls(
            id=les.pk,
            soort=les.soort,
            titel=les.titel,
            tekst=les.tekst,
            auteur=les.auteur.get_username(),
            datum=les.datum,
            aanpak=les.aanpak.naam if les.aanpak else None,
        )


class Lessen(Schema):
    lessen: list[LesUit]


class WijzigingUit(Schema):
    wie: str | None
    wanneer: str = Field(description="Tijdstip in ISO 8601")
    object: str
    actie: str
    wijzigingen: dict[str, Any] | None


class Audit(Schema):
    wijzigingen: list[WijzigingUit]
