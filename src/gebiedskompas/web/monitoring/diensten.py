"""Service layer: every change to monitoring data goes through here (permission check,
validation, one transaction, audit actor)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet

from ...codes import niveau_van, normaliseer
from ...opmaak import getal
from ...opslag import Opslag, Toestand
from ...register import Register
from ...voortgang import Beoordeling, Richting, Streefsoort, beoordeel
from . import models as m
from .rollen import ROLLEN, eis


@contextlib.contextmanager
def wijziging(gebruiker: Any, actie: str, aanpak: Any = None) -> Iterator[None]:
    eis(gebruiker, actie, aanpak)
    with transaction.atomic(), set_actor(gebruiker):
        yield


def _bewaar(obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    return obj


@lru_cache(maxsize=4)
def _toestand(map: str, versie: str | None) -> Toestand:
    return Opslag(Path(map)).lees()


def _sleutel() -> tuple[str, str | None]:
    return str(settings.OPSLAG), Opslag(Path(settings.OPSLAG)).huidige_versie()


def toestand_map() -> Path:
    return Path(settings.OPSLAG)


def toestand() -> Toestand:
    return _toestand(*_sleutel())


@lru_cache(maxsize=4)
def _register(map: str, versie: str | None) -> Register:
    toestand = _toestand(map, versie)
    register = Register(toestand.regios, toestand.grenswijzigingen)
    register.tabel  # noqa: B018 (build the consolidated table once per store version)
    return register


def register() -> Register:
    """The region register of the current store version, built once per process."""
    return _register(*_sleutel())


@lru_cache(maxsize=4)
def _bekende_codes(map: str, versie: str | None) -> frozenset[str] | None:
    tabel = _register(map, versie).tabel
    return frozenset(tabel["code"]) if not tabel.empty else None


def controleer_regiocodes(codes: list[str], veld: str = "regiocodes") -> list[str]:
    """Normalised codes; each must fit a CBS pattern and, when a register is loaded, exist in it.
    Errors belong to ``veld`` (the field the codes were typed in)."""
    uit = []
    bekend = _bekende_codes(*_sleutel())
    for ruw in codes:
        code = normaliseer(str(ruw))
        if niveau_van(code) is None:
            raise ValidationError({veld: f"'{ruw}' is geen geldige regiocode (zoals GM0917 of WK091712)"})
        if bekend is not None and code not in bekend:
            raise ValidationError({veld: f"onbekende regiocode {code}: komt niet voor in het regioregister"})
        uit.append(code)
    return uit


def controleer_gemeentecode(ruw: str) -> str:
    """A gemeente code (GM....) that the register knows; errors belong to the field ``gemeente``."""
    code = controleer_regiocodes([ruw], veld="gemeente")[0]
    if niveau_van(code) != "gemeente":
        raise ValidationError({"gemeente": f"{code} is geen gemeentecode (zoals GM0889)"})
    return code


# --- doelenboom ---------------------------------------------------------------------------


def doel_aanmaken(gebruiker: Any, **velden: Any) -> m.Doel:
    with wijziging(gebruiker, "doel_aanmaken"):
        return _bewaar(m.Doel(**velden))  # type: ignore[return-value]


def indicator_aanmaken(gebruiker: Any, **velden: Any) -> m.Indicator:
    """A new indicator; one linked to the indicator store gets its measurements right away."""
    with wijziging(gebruiker, "indicator_aanmaken"):
        velden["regiocodes"] = controleer_regiocodes(list(velden.get("regiocodes") or []))
        indicator: m.Indicator = _bewaar(m.Indicator(**velden))  # type: ignore[assignment]
        if indicator.bron == "opslag":
            vul_metingen(indicator)
        return indicator


def meting_invoeren(
    gebruiker: Any,
    indicator: m.Indicator,
    datum: date,
    waarde: float,
    opmerking: str = "",
    bron: str = "handmatig",
) -> m.Meting:
    with wijziging(gebruiker, "meting_invoeren"):
        meting = m.Meting.objects.filter(indicator=indicator, datum=datum).first() or m.Meting(
            indicator=indicator, datum=datum
        )
        meting.waarde, meting.opmerking, meting.bron = waarde, opmerking, bron
        return _bewaar(meting)  # type: ignore[return-value]


def status_overschrijven(
    gebruiker: Any, indicator: m.Indicator, status: str, motivatie: str
) -> m.StatusOverride:
    if status not in {"op_koers", "versnelling_nodig", "beperkte_voortgang", "achteruitgang"}:
        raise ValidationError(
            {
                "status": f"onbekende status '{status}'; kies uit op_koers, versnelling_nodig, "
                "beperkte_voortgang, achteruitgang"
            }
        )
    if not motivatie.strip():
        raise ValidationError({"motivatie": "een handmatige status vraagt een motivatie"})
    with wijziging(gebruiker, "status_overschrijven"):
        indicator.overrides.filter(actief=True).update(actief=False)
        return _bewaar(
            m.StatusOverride(
                indicator=indicator,
                status=status,
                motivatie=motivatie,  # type: ignore[return-value]
                door=gebruiker,
            )
        )


def laatste_meting(indicator: m.Indicator, peildatum: date | None = None) -> m.Meting | None:
    """The latest measurement after the baseline; with ``peildatum`` only those dated on or before it
    (what was known at a reporting moment)."""
    # .all() so that prefetched measurements are used (the doelenboom page prefetches them)
    na_basis = [
        x
        for x in indicator.metingen.all()
        if x.datum > indicator.basisdatum and (peildatum is None or x.datum <= peildatum)
    ]
    return max(na_basis, key=lambda x: x.datum, default=None)


def indicatorstatus(indicator: m.Indicator, peildatum: date | None = None) -> dict[str, Any]:
    """Status of an indicator from its latest measurement (up to ``peildatum`` when given)."""
    meting = laatste_meting(indicator, peildatum)
    b: Beoordeling = beoordeel(
        indicator.basiswaarde,
        indicator.basisdatum,
        indicator.streefwaarde,
        indicator.streefdatum,
        meting.waarde if meting else None,
        meting.datum if meting else None,
        cast(Richting, indicator.richting),
        cast(Streefsoort, indicator.streefsoort),
    )
    override = next(
        (
            o
            for o in indicator.overrides.all()
            if o.actief and (peildatum is None or o.op.date() <= peildatum)
        ),
        None,
    )
    uit = {
        "status": b.status,
        "label": b.label,
        "reden": b.reden,
        "verhouding": b.verhouding,
        "laatste_meting": None
        if meting is None
        else {"datum": meting.datum.isoformat(), "waarde": meting.waarde},
        "handmatig": None,
    }
    if override is not None:
        uit["handmatig"] = {
            "status": override.status,
            "motivatie": override.motivatie,
            "door": override.door.get_username(),
            "op": override.op.isoformat(),
        }
        uit["status"] = override.status
        uit["reden"] = f"handmatig vastgesteld: {override.motivatie} (berekend: {b.label}; {b.reden})"
    return uit


def vul_uit_opslag(gebruiker: Any, indicator: m.Indicator) -> list[m.Meting]:
    """Measurements from the indicator store: per period the mean over the indicator's regions."""
    if indicator.bron != "opslag":
        raise ValidationError({"bron": "deze indicator komt niet uit de indicatorenopslag"})
    with wijziging(gebruiker, "opslag_vullen"):
        return vul_metingen(indicator)


def vul_metingen(indicator: m.Indicator) -> list[m.Meting]:
    """One measurement per wave in the store, for what the indicator measures (``maat``)."""
    from ...errors import GebiedskompasFout

    vullers = {"waarde": _waarden_per_golf, "verschil": _verschil_per_golf, "effect": _effect_per_golf}
    try:
        per_golf = vullers[indicator.maat](indicator)
    except GebiedskompasFout as e:
        raise ValidationError({"opslag_indicator": str(e)}) from e
    metingen = []
    for jaar, waarde, opmerking in per_golf:
        meting, _ = m.Meting.objects.update_or_create(
            indicator=indicator,
            datum=date(jaar, 7, 1),
            defaults={"waarde": waarde, "bron": "opslag", "opmerking": opmerking[:400]},
        )
        metingen.append(meting)
    return metingen


def basis_uit_metingen(indicator: m.Indicator, peiljaar: int) -> bool:
    """Set the baseline of a store indicator from its own measurements: the wave of ``peiljaar``,
    else the nearest earlier wave, said so with its date and source. Without such a wave the
    baseline stays open ("nog vast te stellen"). True when a baseline was set."""
    eerder = [x for x in indicator.metingen.all() if x.datum.year <= peiljaar]
    meting = max(eerder, key=lambda x: x.datum, default=None)
    if meting is None:
        indicator.basiswaarde, indicator.basisbron = None, ""
        indicator.save(update_fields=["basiswaarde", "basisbron"])
        return False
    afstand = (
        f"golf {meting.datum.year}"
        if meting.datum.year == peiljaar
        else f"golf {meting.datum.year}, de dichtstbijzijnde eerdere golf vóór {peiljaar}"
    )
    indicator.basiswaarde = round(meting.waarde, 1 if indicator.eenheid in ("%", "procentpunt") else 3)
    indicator.basisdatum = meting.datum
    indicator.basisbron = f"Uit de indicatorenopslag, {afstand}: {meting.opmerking}"[:300]
    indicator.save(update_fields=["basiswaarde", "basisdatum", "basisbron"])
    return True


def _verschil_per_golf(indicator: m.Indicator) -> list[tuple[int, float, str]]:
    """The gap between the indicator's areas and the reference, per wave (e.g. Limburg minus NL)."""
    from ...effect.trend import trend

    t = trend(
        toestand(), indicator.opslag_indicator, indicator.regiocodes, referenties=[indicator.referentie]
    )
    uit = []
    for v in t.vergelijkingen:
        if v.verschil.waarde != v.verschil.waarde:  # NaN: no value in this wave
            continue
        interval = (
            f" (95%-interval {_nl(v.verschil.onder)} tot {_nl(v.verschil.boven)})"
            if v.verschil.heeft_interval
            else " (geen interval: bron zonder marges)"
        )
        opm = f"{t.naam} min {v.referentienaam}{interval}; {v.oordeel}"
        uit.append((int(str(v.periode)[:4]), float(v.verschil.waarde), opm))
    return uit


def _effect_per_golf(indicator: m.Indicator) -> list[tuple[int, float, str]]:
    """The programme's effect per wave from the start on (event study: difference with comparable
    areas relative to the last wave before the start), with the overall verdict."""
    from ...effect.pijplijn import meet_effect

    assert indicator.startjaar is not None
    r = meet_effect(toestand(), indicator.opslag_indicator, indicator.regiocodes, int(indicator.startjaar))
    if r.schatting is None:
        return []
    uit = []
    golven = r.schatting.per_golf
    for rij in golven[golven["periode"] >= r.start].to_dict("records"):
        opm = (
            f"effect t.o.v. {r.schatting.vergelijking} vergelijkingsgebieden, 95%-interval "
            f"{_nl(float(rij['onder']))} tot {_nl(float(rij['boven']))}; {r.oordeel.tekst}"
        )
        uit.append((int(rij["periode"]), float(rij["coef"]), opm))
    return uit


def _nl(x: float) -> str:
    return getal(x, 2)


def _waarden_per_golf(indicator: m.Indicator) -> list[tuple[int, float, str]]:
    w = toestand().waarnemingen
    deel = w[(w["indicator"] == indicator.opslag_indicator) & w["regio"].isin(indicator.regiocodes)]
    deel = deel.dropna(subset=["waarde"])
    if deel.empty:
        raise ValidationError(
            {
                "opslag_indicator": f"geen waarden van {indicator.opslag_indicator} voor "
                f"{', '.join(indicator.regiocodes)} in de opslag"
            }
        )
    uit = []
    for periode, groep in deel.groupby("periode", observed=True):
        opm = (
            f"gemiddelde van {len(groep)} gebieden ({', '.join(sorted(map(str, groep['regio'])))}), bron "
            f"{', '.join(sorted(map(str, groep['bron'].unique())))}"
        )
        uit.append((int(str(periode)[:4]), float(groep["waarde"].mean()), opm))
    return uit


# --- P&C ---------------------------------------------------------------------------------


def begrotingsregel_toevoegen(gebruiker: Any, product: m.Product, **velden: Any) -> m.Begrotingsregel:
    with wijziging(gebruiker, "begrotingsregel_toevoegen"):
        return _bewaar(m.Begrotingsregel(product=product, **velden))  # type: ignore[return-value]


def rapportage_vastleggen(
    gebruiker: Any, product: m.Product, moment: str, jaar: int, **velden: Any
) -> m.Rapportage:
    with wijziging(gebruiker, "rapportage_vastleggen"):
        rapportage = m.Rapportage.objects.filter(product=product, moment=moment, jaar=jaar).first()
        rapportage = rapportage or m.Rapportage(product=product, moment=moment, jaar=jaar)
        for k, v in velden.items():
            setattr(rapportage, k, v)
        return _bewaar(rapportage)  # type: ignore[return-value]


# --- programmes --------------------------------------------------------------------------


def aanpak_aanmaken(
    gebruiker: Any,
    kader: m.Beleidskader,
    fase: str,
    datum: date,
    coordinatoren: Iterable[Any] = (),
    **velden: Any,
) -> m.Gebiedsaanpak:
    """A new area programme with its first phase (and coordinators, who then may edit it)."""
    with wijziging(gebruiker, "aanpak_aanmaken"):
        if velden.get("openbaar"):
            eis(gebruiker, "publiceren")
        velden["gemeente"] = controleer_gemeentecode(str(velden.get("gemeente", "")))
        velden["regiocodes"] = controleer_regiocodes(list(velden.get("regiocodes") or []))
        aanpak = cast(m.Gebiedsaanpak, _bewaar(m.Gebiedsaanpak(kader=kader, **velden)))
        _bewaar(m.Fase(aanpak=aanpak, fase=fase, datum=datum))
        aanpak.coordinatoren.set(list(coordinatoren))
        return aanpak


def aanpak_bewerken(gebruiker: Any, aanpak: m.Gebiedsaanpak, **velden: Any) -> m.Gebiedsaanpak:
    """Change a programme's fields; ``coordinatoren`` (who may edit it) only an analist or beheerder."""
    coordinatoren = velden.pop("coordinatoren", None)
    with wijziging(gebruiker, "aanpak_bewerken", aanpak):
        if coordinatoren is not None:
            eis(gebruiker, "coordinatoren_toewijzen", aanpak)
        if "openbaar" in velden and velden["openbaar"] != aanpak.openbaar:
            eis(gebruiker, "publiceren", aanpak)
        if "regiocodes" in velden:
            velden["regiocodes"] = controleer_regiocodes(list(velden["regiocodes"]))
        for k, v in velden.items():
            setattr(aanpak, k, v)
        _bewaar(aanpak)
        if coordinatoren is not None:
            aanpak.coordinatoren.set(list(coordinatoren))
        return aanpak


def fase_toevoegen(gebruiker: Any, aanpak: m.Gebiedsaanpak, **velden: Any) -> m.Fase:
    with wijziging(gebruiker, "fase_toevoegen", aanpak):
        return _bewaar(m.Fase(aanpak=aanpak, **velden))  # type: ignore[return-value]


def partner_toevoegen(gebruiker: Any, aanpak: m.Gebiedsaanpak, naam: str, rol: str) -> m.Partner:
    with wijziging(gebruiker, "partner_toevoegen", aanpak):
        return _bewaar(m.Partner(aanpak=aanpak, naam=naam, rol=rol))  # type: ignore[return-value]


def interventie_koppelen(gebruiker: Any, aanpak: m.Gebiedsaanpak, interventie: m.Interventie) -> None:
    with wijziging(gebruiker, "interventie_koppelen", aanpak):
        aanpak.interventies.add(interventie)


# --- subsidies ---------------------------------------------------------------------------


def aanvraag_indienen(gebruiker: Any, **velden: Any) -> m.Aanvraag:
    with wijziging(gebruiker, "aanvraag_indienen"):
        velden["gebied"] = controleer_regiocodes([velden.get("gebied", "")], veld="gebied")[0]
        return _bewaar(m.Aanvraag(status="aangevraagd", **velden))  # type: ignore[return-value]


def aanvraag_status(
    gebruiker: Any,
    aanvraag: m.Aanvraag,
    status: str,
    verleend: Decimal | None = None,
    datum: date | None = None,
) -> m.Aanvraag:
    toegestaan = m.OVERGANGEN.get(aanvraag.status, set())
    if status not in toegestaan:
        raise ValidationError(
            {
                "status": f"van '{aanvraag.status}' kan niet naar '{status}' "
                f"(wel naar: {', '.join(sorted(toegestaan)) or 'niets meer'})"
            }
        )
    with wijziging(gebruiker, "aanvraag_status"):
        aanvraag.status = status
        if verleend is not None:
            aanvraag.verleend = verleend
        if status == "verleend" and aanvraag.verleend is None:
            aanvraag.verleend = aanvraag.gevraagd
        _bewaar(aanvraag)
        _werk_tellingen_bij(aanvraag.regeling, datum or date.today())
    return aanvraag


def _werk_tellingen_bij(regeling: m.Regeling, datum: date) -> None:
    """Output indicators that count granted applications get a measurement for ``datum``."""
    aantal = regeling.aanvragen.filter(status__in=m.TELT_MEE).count()
    for indicator in regeling.indicatoren.filter(bron="aanvragen"):
        m.Meting.objects.update_or_create(
            indicator=indicator,
            datum=datum,
            defaults={
                "waarde": float(aantal),
                "bron": "aanvragen",
                "opmerking": f"{aantal} verleende aanvragen",
            },
        )


def deal_aanmaken(gebruiker: Any, ondertekenaars: list[dict[str, str]], **velden: Any) -> m.Deal:
    soorten = {o.get("soort") for o in ondertekenaars}
    ontbreekt = {"initiatief", "gemeente", "provincie"} - soorten
    if ontbreekt:
        raise ValidationError(
            {
                "ondertekenaars": "een deal vraagt ondertekening door initiatief, gemeente en "
                f"provincie; ontbreekt: {', '.join(sorted(ontbreekt))}"
            }
        )
    with wijziging(gebruiker, "deal_aanmaken"):
        deal = cast(m.Deal, _bewaar(m.Deal(**velden)))
        for o in ondertekenaars:
            _bewaar(m.Ondertekenaar(deal=deal, naam=o["naam"], soort=o["soort"]))
        return deal


# --- lerend netwerk -------------------------------------------------------------------------


def les_toevoegen(gebruiker: Any, aanpak: m.Gebiedsaanpak | None = None, **velden: Any) -> m.Les:
    with wijziging(gebruiker, "les_toevoegen", aanpak):
        if velden.get("openbaar"):
            eis(gebruiker, "publiceren", aanpak)
        velden.setdefault("datum", date.today())
        return _bewaar(m.Les(aanpak=aanpak, auteur=gebruiker, **velden))  # type: ignore[return-value]


def lessen_zoeken(zoekterm: str = "", **filters: Any) -> QuerySet[m.Les]:
    lessen = m.Les.objects.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
    if not zoekterm.strip():
        return lessen
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("titel", "tekst", "thema", config="dutch")
        return lessen.annotate(zoek=vector).filter(zoek=SearchQuery(zoekterm, config="dutch"))
    voorwaarde = Q()
    for woord in zoekterm.split():
        voorwaarde &= Q(titel__icontains=woord) | Q(tekst__icontains=woord) | Q(thema__icontains=woord)
    return lessen.filter(voorwaarde)


# --- users --------------------------------------------------------------------------------


def rol_toekennen(gebruiker: Any, wie: Any, rol: str) -> None:
    if rol not in ROLLEN:
        raise ValidationError({"rol": f"onbekende rol '{rol}'; kies uit {', '.join(ROLLEN)}"})
    with wijziging(gebruiker, "rol_toekennen"):
        wie.groups.remove(*Group.objects.filter(name__in=ROLLEN))
        wie.groups.add(Group.objects.get_or_create(name=rol)[0])
