"""Read services: the view models of the monitoring pages (and of the JSON API), each built in a
constant number of queries, however many goals, indicators, measurements or programmes there are.

- ``doelenboom``: a policy framework's whole goal tree with per indicator its latest measurement
  and status, built once here and used by the doelenboom page, the progress paragraph and the API;
- ``programma`` / ``programmas``: area programmes with phases, partners, interventions, goals and
  lessons;
- the lists: ``overzicht``, ``regelingen``, ``deals``, ``lessen``.

The models carry raw values for the API (``als_dict``) and Dutch display texts (``*_tekst``) for
the templates, written by the shared formatter ``gebiedskompas.opmaak``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ...opmaak import ONTBREEKT, datum, geld, getal, procent
from ...voortgang import LABELS
from . import models as m
from .diensten import indicatorstatus, lessen_zoeken, register
from .paragraaf import MOMENTVOLGORDE, Paragraaf, peildatum
from .rollen import AANPAKACTIES, mag, rol_van

NIVEAUNAAM = dict(m.NIVEAUS)
FASENAAM = dict(m.FASEN)
# The statuses of an indicator in the order of the overview, in words ("onbekend": no measurement
# after the baseline yet, see ``voortgang.beoordeel``).
STATUSLABELS = {**{k: v for k, v in LABELS.items() if k != "onbekend"}, "onbekend": "nog geen meting"}
GEEN_FASE = "geen"


@dataclass(frozen=True)
class Telling:
    """One badge of an overview: how many items have status ``sleutel`` (``label`` in words)."""

    sleutel: str
    label: str
    aantal: int


def tellingen(sleutels: Iterable[str], labels: dict[str, str]) -> list[Telling]:
    """Counts per status in the order of ``labels`` (zeros included, so the overview never shifts);
    a status outside ``labels`` is counted under its own key."""
    geteld = Counter(sleutels)
    volgorde = list(labels) + sorted(k for k in geteld if k not in labels)
    return [Telling(k, labels.get(k, k), geteld.get(k, 0)) for k in volgorde]


# --- doelenboom ------------------------------------------------------------------------------------


def meetwaarde(x: float) -> str:
    """A measured value with the decimals it has (at most four): 3 → '3', 3.5 → '3,5'."""
    decimalen = len(f"{float(x):.4f}".rstrip("0").partition(".")[2])
    return getal(x, decimalen)


@dataclass
class Indicatorknoop:
    """One indicator with its status (the fields of ``diensten.indicatorstatus``, flat)."""

    id: int
    naam: str
    eenheid: str
    maat: str
    basis: float | None
    streef: float | None
    streefdatum: date
    basisdatum: date
    streefsoort: str
    richting: str
    basisbron: str
    status: str
    label: str
    reden: str
    verhouding: float | None
    laatste_meting: dict[str, Any] | None
    handmatig: dict[str, Any] | None

    @property
    def vak(self) -> str:
        """The name of the indicator's measurement form (its field ids and success message)."""
        return f"meting-{self.id}"

    @property
    def statuslabel(self) -> str:
        """The status in words; without a measurement after the baseline: 'nog geen meting'."""
        return STATUSLABELS.get(self.status, self.label)

    @property
    def nulmeting_tekst(self) -> str:
        """'Nulmeting 2023: 0 projecten', 'Nulmeting 2023: nog vast te stellen'."""
        if self.basis is None:
            return f"Nulmeting {self.basisdatum.year}: nog vast te stellen"
        return f"Nulmeting {self.basisdatum.year}: {self._met_eenheid(self.basis)}"

    @property
    def doel_tekst(self) -> str:
        """'Doel 2027: 30 projecten', 'Doel 2027: 5% meer dan de nulmeting', 'Doel 2027: lager dan
        de nulmeting'."""
        jaar = self.streefdatum.year
        if self.streefsoort == "richting" or self.streef is None:
            woord = "lager" if self.richting == "hoger_is_slechter" else "hoger"
            return f"Doel {jaar}: {woord} dan de nulmeting"
        if self.streefsoort == "relatief":
            woord = "meer" if self.streef > 0 else "minder"
            return f"Doel {jaar}: {meetwaarde(abs(self.streef))}% {woord} dan de nulmeting"
        return f"Doel {jaar}: {self._met_eenheid(self.streef)}"

    def _met_eenheid(self, x: float) -> str:
        tekst = meetwaarde(x)
        return f"{tekst}{self.eenheid}" if self.eenheid == "%" else f"{tekst} {self.eenheid}".rstrip()

    @property
    def laatste_tekst(self) -> str:
        """'3,5 op 1 maart 2025', or 'nog niet gemeten'."""
        if self.laatste_meting is None:
            return "nog niet gemeten"
        return f"{meetwaarde(self.laatste_meting['waarde'])} op {datum(self.laatste_meting['datum'])}"

    def als_dict(self) -> dict[str, Any]:
        """The indicator as the JSON API has always given it."""
        return {
            "id": self.id,
            "naam": self.naam,
            "eenheid": self.eenheid,
            "maat": self.maat,
            "basis": self.basis,
            "basisbron": self.basisbron,
            "streefsoort": self.streefsoort,
            "streef": self.streef,
            **self.statusdict(),
        }

    def statusdict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "label": self.label,
            "reden": self.reden,
            "verhouding": self.verhouding,
            "laatste_meting": self.laatste_meting,
            "handmatig": self.handmatig,
        }

    def paragraafregel(self) -> dict[str, Any]:
        """The indicator as the progress paragraph (``paragraaf.als_html``) reads it."""
        return {
            "naam": self.naam,
            "eenheid": self.eenheid,
            "basis": self.basis,
            "basisbron": self.basisbron,
            "streef": self.streef,
            "streefsoort": self.streefsoort,
            "richting": self.richting,
            "streefdatum": self.streefdatum.isoformat(),
            **self.statusdict(),
        }


@dataclass
class Doelknoop:
    id: int
    code: str
    niveau: str
    titel: str
    ouder_id: int | None
    indicatoren: list[Indicatorknoop]
    kinderen: list[Doelknoop] = field(default_factory=list)

    @property
    def niveau_label(self) -> str:
        return NIVEAUNAAM.get(self.niveau, self.niveau)

    def als_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "niveau": self.niveau,
            "titel": self.titel,
            "indicatoren": [i.als_dict() for i in self.indicatoren],
            "kinderen": [k.als_dict() for k in self.kinderen],
        }


@dataclass
class Doelenboom:
    kader: m.Beleidskader
    doelen: list[Doelknoop]

    def als_dict(self) -> dict[str, Any]:
        return {"kader": self.kader.naam, "doelen": [d.als_dict() for d in self.doelen]}

    def indicatoren(self) -> list[Indicatorknoop]:
        uit: list[Indicatorknoop] = []
        stapel = list(reversed(self.doelen))
        while stapel:
            knoop = stapel.pop()
            uit += knoop.indicatoren
            stapel += reversed(knoop.kinderen)
        return uit

    def statustellingen(self) -> list[Telling]:
        """Indicators per status: op koers, versnelling nodig, …, nog geen meting."""
        return tellingen((i.status for i in self.indicatoren()), STATUSLABELS)


def _indicatoren() -> QuerySet[m.Indicator]:
    """Indicators with what their status needs: measurements and manual overrides (with author)."""
    return m.Indicator.objects.order_by("id").prefetch_related(
        "metingen", Prefetch("overrides", queryset=m.StatusOverride.objects.select_related("door"))
    )


def indicatorknoop(indicator: m.Indicator, peil: date | None = None) -> Indicatorknoop:
    """The view model of an indicator; with ``peil`` as known on that date."""
    return Indicatorknoop(
        id=indicator.pk,
        naam=indicator.naam,
        eenheid=indicator.eenheid,
        maat=indicator.maat,
        basis=indicator.basiswaarde,
        streef=indicator.streefwaarde,
        streefdatum=indicator.streefdatum,
        basisdatum=indicator.basisdatum,
        streefsoort=indicator.streefsoort,
        richting=indicator.richting,
        basisbron=indicator.basisbron,
        **indicatorstatus(indicator, peil),
    )


def indicator(pk: int) -> m.Indicator:
    """One indicator with what its status needs; ``indicatorknoop`` makes its view model."""
    gevonden = _indicatoren().filter(pk=pk).first()
    if gevonden is None:
        raise Http404(f"Indicator {pk} bestaat niet (meer).")
    return gevonden


def doelknopen(doelen: QuerySet[m.Doel], peil: date | None = None) -> list[Doelknoop]:
    """Goals in code order with their indicators and status (as known on ``peil`` when given),
    without children: three queries."""
    rijen = doelen.order_by("code").prefetch_related(Prefetch("indicatoren", queryset=_indicatoren()))
    return [
        Doelknoop(
            id=doel.pk,
            code=doel.code,
            niveau=doel.niveau,
            titel=doel.titel,
            ouder_id=doel.ouder_id,
            indicatoren=[indicatorknoop(i, peil) for i in doel.indicatoren.all()],
        )
        for doel in rijen
    ]


def doelenboom(afkorting: str) -> Doelenboom:
    """The whole goal tree of a policy framework: the one builder behind the page, the paragraph
    and the API (five queries)."""
    kader = m.Beleidskader.objects.filter(afkorting=afkorting).first()
    if kader is None:
        raise Http404(f"Beleidskader '{afkorting}' bestaat niet.")
    knopen = doelknopen(m.Doel.objects.filter(kader=kader))
    per_id = {k.id: k for k in knopen}
    wortels: list[Doelknoop] = []
    for knoop in knopen:
        ouder = per_id.get(knoop.ouder_id) if knoop.ouder_id is not None else None
        (ouder.kinderen if ouder is not None else wortels).append(knoop)
    return Doelenboom(kader=kader, doelen=wortels)


# --- progress paragraph -----------------------------------------------------------------------------


def product(pk: int) -> m.Product:
    gevonden = m.Product.objects.filter(pk=pk).first()
    if gevonden is None:
        raise Http404(f"Product {pk} bestaat niet (meer).")
    return gevonden


def paragraaf(p: m.Product, moment: str, jaar: int) -> Paragraaf:
    """The progress paragraph of a product (what ``paragraaf.maak_paragraaf`` builds), its goals from
    the same builder as the doelenboom: six queries."""
    regels = list(p.regels.filter(jaar=jaar))
    tot = MOMENTVOLGORDE[moment]
    realisaties = [r.bedrag for r in regels if r.soort == "realisatie"]
    begrotingen = [r for r in regels if r.soort == "begroting"]
    uit = Paragraaf(
        product=p,
        moment=moment,
        jaar=jaar,
        rapportage=m.Rapportage.objects.filter(product=p, moment=moment, jaar=jaar).first(),
        begroting=sum((r.bedrag for r in begrotingen), Decimal("0")),
        begrotingsbron="; ".join(r.reden for r in begrotingen),
        mutaties=[r for r in regels if r.soort in m.MUTATIES and MOMENTVOLGORDE.get(r.moment, 9) <= tot],
        realisatie=sum(realisaties, Decimal("0")) if realisaties and moment == "jaarstukken" else None,
    )
    uit.doelen = [
        {
            "code": k.code,
            "titel": k.titel,
            "niveau": k.niveau,
            "indicatoren": [i.paragraafregel() for i in k.indicatoren],
        }
        for k in doelknopen(m.Doel.objects.filter(producten=p), peildatum(moment, jaar))
    ]
    return uit


# --- area programmes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Faseregel:
    fase: str
    datum: date
    document: str
    opmerking: str

    @property
    def label(self) -> str:
        return FASENAAM.get(self.fase, self.fase)

    @property
    def datum_tekst(self) -> str:
        return datum(self.datum)


@dataclass(frozen=True)
class Lesregel:
    id: int
    soort: str
    soort_label: str
    titel: str
    tekst: str
    thema: str
    auteur: str
    datum: date
    aanpak: str | None

    @property
    def datum_tekst(self) -> str:
        return datum(self.datum)


@dataclass
class Programma:
    id: int
    naam: str
    gemeente: str
    soort_label: str
    regiocodes: list[str]
    fasen: list[Faseregel]
    partners: list[tuple[str, str]]
    interventies: list[str]
    doelen: list[tuple[str, str]]
    lessen: list[Lesregel]
    deel_van: str = ""

    @property
    def gedeeltelijk(self) -> bool:
        """The programme area is only part of a larger area (e.g. of one buurt)."""
        return bool(self.deel_van)

    @property
    def deel_tekst(self) -> str:
        """'Vallisveld is een deel van buurt Vaals (BU09810100), waar 74% van de inwoners van de
        gemeente woont: …'; empty for a programme whose codes cover its area exactly."""
        if not self.deel_van:
            return ""
        return f"{self.naam} is een deel van {deelgebied(self.deel_van, self.gemeente)}. " + (
            "Alle cijfers hier gelden voor dat hele gebied, niet alleen voor het programmagebied."
        )

    @property
    def huidige_fase(self) -> str | None:
        """The key of the latest phase (by date, then order of entry)."""
        return self.fasen[-1].fase if self.fasen else None

    @property
    def huidige_fase_label(self) -> str:
        return self.fasen[-1].label if self.fasen else ONTBREEKT

    def als_dict(self) -> dict[str, Any]:
        """The programme as the JSON API has always given it."""
        return {
            "naam": self.naam,
            "gemeente": self.gemeente,
            "regiocodes": self.regiocodes,
            "huidige_fase": self.huidige_fase,
            "fasen": [
                {"fase": f.fase, "datum": f.datum.isoformat(), "document": f.document} for f in self.fasen
            ],
            "partners": [{"naam": n, "rol": r} for n, r in self.partners],
            "interventies": self.interventies,
            "doelen": [code for code, _ in self.doelen],
            "deel_van": self.deel_van or None,
        }


def _lesregel(les: m.Les) -> Lesregel:
    return Lesregel(
        id=les.pk,
        soort=les.soort,
        soort_label=les.get_soort_display(),
        titel=les.titel,
        tekst=les.tekst,
        thema=les.thema,
        auteur=les.auteur.get_username(),
        datum=les.datum,
        aanpak=les.aanpak.naam if les.aanpak else None,
    )


def _programma(a: m.Gebiedsaanpak) -> Programma:
    fasen = sorted(a.fasen.all(), key=lambda f: (f.datum, f.pk))
    return Programma(
        id=a.pk,
        naam=a.naam,
        gemeente=a.gemeente,
        soort_label=a.get_soort_display(),
        regiocodes=[str(c) for c in a.regiocodes],
        fasen=[Faseregel(f.fase, f.datum, f.document, f.opmerking) for f in fasen],
        partners=[(p.naam, p.rol) for p in a.partners.all()],
        interventies=[i.naam for i in a.interventies.all()],
        doelen=[(g.code, g.titel) for g in a.doelen.all()],
        lessen=[_lesregel(les) for les in a.lessen.all()],
        deel_van=a.deel_van,
    )


def _inwoners(code: str) -> dict[int, float]:
    """Inhabitants per register year."""
    jaren = register().jaren(code).dropna(subset=["inwoners"])
    return {int(j): float(n) for j, n in zip(jaren["jaar"], jaren["inwoners"], strict=True)}


def deelgebied(code: str, gemeente: str) -> str:
    """'buurt Vaals (BU09810100), waar 74% van de inwoners van de gemeente woont (7.510 van 10.121
    in 2024, …)': the larger area a programme is part of, with its share of its gemeente in the
    latest register year that has both."""
    reg = register()
    niveau = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}.get(code[:2], "gebied")
    tekst = f"{niveau} {reg.naam(code) or code} ({code})"
    deel, geheel = _inwoners(code), _inwoners(gemeente)
    samen = sorted(set(deel) & {j for j, n in geheel.items() if n})
    if not samen:
        return tekst
    jaar = samen[-1]
    aandeel = procent(deel[jaar] / geheel[jaar] * 100, 0)
    return (
        f"{tekst}, waar {aandeel} van de inwoners van de gemeente woont ({getal(deel[jaar], 0)} van "
        f"{getal(geheel[jaar], 0)} in {jaar}, CBS Kerncijfers wijken en buurten)"
    )


def _programmarijen() -> QuerySet[m.Gebiedsaanpak]:
    return m.Gebiedsaanpak.objects.order_by("naam").prefetch_related(
        "fasen",
        "partners",
        Prefetch("interventies", queryset=m.Interventie.objects.order_by("naam")),
        Prefetch("doelen", queryset=m.Doel.objects.order_by("code")),
        Prefetch("lessen", queryset=m.Les.objects.select_related("auteur", "aanpak")),
    )


def programmas(regiocode: str | None = None) -> list[Programma]:
    """All programmes by name (six queries); with ``regiocode`` only those that cover it."""
    alle = [_programma(a) for a in _programmarijen()]
    if regiocode is None:
        return alle
    return [p for p in alle if regiocode in p.regiocodes or regiocode == p.gemeente]


def fasetellingen(lijst: list[Programma]) -> list[Telling]:
    """Programmes per current phase, in the order of the phases (and those without a phase)."""
    labels = {**FASENAAM, GEEN_FASE: "nog geen fase"}
    return tellingen((p.huidige_fase or GEEN_FASE for p in lijst), labels)


def aanpak(pk: int) -> m.Gebiedsaanpak:
    gevonden = m.Gebiedsaanpak.objects.filter(pk=pk).first()
    if gevonden is None:
        raise Http404(f"Gebiedsaanpak {pk} bestaat niet (meer).")
    return gevonden


def programma(pk: int) -> Programma:
    """One programme with phases, partners, interventions, goals and lessons (six queries)."""
    gevonden = _programmarijen().filter(pk=pk).first()
    if gevonden is None:
        raise Http404(f"Gebiedsaanpak {pk} bestaat niet (meer).")
    return _programma(gevonden)


def aanpakken_voor(gebruiker: Any, actie: str) -> QuerySet[m.Gebiedsaanpak]:
    """The programmes on which ``gebruiker`` may do ``actie`` (the rule of ``rollen.mag``, as one
    query instead of one per programme)."""
    alle = m.Gebiedsaanpak.objects.order_by("naam")
    if rol_van(gebruiker) == "gebiedscoordinator" and actie in AANPAKACTIES:
        return alle.filter(coordinatoren=gebruiker)
    return alle if mag(gebruiker, actie) else alle.none()


# --- lists -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overzicht:
    kaders: list[m.Beleidskader]
    producten: list[m.Product]


def overzicht() -> Overzicht:
    return Overzicht(
        kaders=list(m.Beleidskader.objects.order_by("naam")),
        producten=list(m.Product.objects.order_by("code")),
    )


AANVRAAGSTATUSNAAM = dict(m.AANVRAAGSTATUS)


@dataclass(frozen=True)
class Aanvraagregel:
    id: int
    aanvrager: str
    gebied: str
    gevraagd: str
    verleend: str
    cofinanciering: str
    status: str
    status_sleutel: str
    datum: str

    @property
    def vak(self) -> str:
        """The name of the application's status form (its field ids and success message)."""
        return f"aanvraag-{self.id}"

    @property
    def overgangen(self) -> list[tuple[str, str]]:
        """The statuses this application may go to next, (key, label) in the order of the statuses."""
        volgende = m.OVERGANGEN.get(self.status_sleutel, set())
        return [(k, v) for k, v in m.AANVRAAGSTATUS if k in volgende]


@dataclass(frozen=True)
class Regelingregel:
    id: int
    naam: str
    aanvragen: list[Aanvraagregel]


def aanvraagregel(a: m.Aanvraag, regeling: m.Regeling) -> Aanvraagregel:
    a.regeling = regeling  # the scheme is at hand: no query for the co-financing factor
    return Aanvraagregel(
        id=a.pk,
        aanvrager=a.aanvrager,
        gebied=a.gebied,
        gevraagd=geld(a.gevraagd),
        verleend=geld(a.verleend),
        cofinanciering=geld(a.cofinanciering),
        status=a.get_status_display(),
        status_sleutel=a.status,
        datum=datum(a.datum),
    )


def regelingen() -> list[Regelingregel]:
    """Schemes with their applications, amounts in euros (two queries)."""
    rijen = m.Regeling.objects.order_by("naam").prefetch_related(
        Prefetch("aanvragen", queryset=m.Aanvraag.objects.order_by("datum", "id"))
    )
    return [
        Regelingregel(id=r.pk, naam=r.naam, aanvragen=[aanvraagregel(a, r) for a in r.aanvragen.all()])
        for r in rijen
    ]


def aanvraagtellingen(lijst: list[Regelingregel]) -> list[Telling]:
    """Applications per status over all schemes."""
    return tellingen((a.status_sleutel for r in lijst for a in r.aanvragen), AANVRAAGSTATUSNAAM)


@dataclass(frozen=True)
class Dealregel:
    naam: str
    datum: str
    ondertekenaars: list[str]


def deals() -> list[Dealregel]:
    rijen = m.Deal.objects.order_by("datum", "id").prefetch_related("ondertekenaars")
    return [
        Dealregel(
            naam=x.naam,
            datum=datum(x.datum),
            ondertekenaars=[f"{o.naam} ({o.get_soort_display()})" for o in x.ondertekenaars.all()],
        )
        for x in rijen
    ]


def lessen(zoekterm: str = "", soort: str | None = None) -> list[Lesregel]:
    """Lessons found by the search of the lerend netwerk (one query)."""
    gevonden = lessen_zoeken(zoekterm, soort=soort).select_related("auteur", "aanpak")
    return [_lesregel(les) for les in gevonden]
