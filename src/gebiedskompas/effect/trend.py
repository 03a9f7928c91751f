"""Trend and gap ("trendbreuk"): a group of areas against the Netherlands and against its own
urbanity class, per wave, with the gap's 95% interval and a test whether the gap changed.

The group is one area code or several of one level. One code whose own value the table publishes
(a provincie such as PV31, a gemeente in a gemeente table) is taken as published. Otherwise the
group is combined from its members: the areas of the member level (the codes' own level when the
indicator has values there, else the first of gemeente, wijk, buurt below it) that lie in the
codes. Values come from ``reeks.harmoniseer`` (one area classification, merged areas combined
from their predecessors). A combined group is the inhabitant-weighted mean over the members
that have a value in every wave (a fixed composition), weighted as ``reeks`` weights
predecessors: inhabitants of the register year nearest to the wave.

References, per wave:

* ``nl``: the published value of Nederland (NL00); when the table has none, the inhabitant-
  weighted mean of all areas of the member level, and the output says so.
* ``stedelijkheid``: per member the inhabitant-weighted mean of all areas of the same level and
  urbanity class (the class of the classification year, or of the nearest year that has one),
  weighted back to the group with the members' inhabitants: what the group would score if every
  member scored like its class.

Margins: se = (boven - onder) / (2 * 1.96) from the published 95% bounds; a weighted mean
sum(c_i x_i) gets se = sqrt(sum c_i² se_i²) (independent estimates), and only when every term
has margins. Gap = group - reference with se = sqrt(se_g² + se_ref²); the group is part of its
reference, so the true covariance is positive and treating them as independent is
conservative. Change of the gap between two waves: d = gap_2 - gap_1, se = sqrt(se_1² + se_2²)
(separate samples per wave), z = d / se, two-sided p = erfc(|z| / sqrt 2). Without margins no
interval and no test are given: the numbers are described, never called significant.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from ..catalogus import Indicator, catalogus
from ..codes import NEDERLAND, NIVEAUS, gemeente_van, niveau_van, normaliseer, ouder_van
from ..errors import InvoerFout
from ..grenskeuze import meervoud
from ..opmaak import getal, p_tekst
from ..opslag import Toestand
from ..reeks import NIET_SAMEN_TE_VOEGEN, OPGETELD, Z95, doelindeling, harmoniseer
from ..register import STEDELIJKHEID_LABELS, Register, dichtstbijzijnd, dichtstbijzijnd_jaar

Referentie = Literal["nl", "stedelijkheid"]
REFERENTIES: tuple[Referentie, ...] = ("nl", "stedelijkheid")
SIGNIFICANTIENIVEAU = 0.05
LEDENNIVEAUS = ("gemeente", "wijk", "buurt")
_ONAFHANKELIJK = (
    "Groep en referentie zijn als onafhankelijk behandeld (se verschil = wortel(se groep² + se "
    "referentie²)); omdat de groep deel uitmaakt van de referentie is dat conservatief: het werkelijke "
    "interval van het verschil is smaller."
)
_GEEN_MARGES = (
    "Geen interval: de bron geeft bij (een deel van) deze waarden geen marges, dus er is geen "
    "95%-interval en geen significantietoets te geven; de verschillen zijn beschrijvend."
)


# --- results ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meetwaarde:
    """A value with its standard error and 95% interval; NaN when there are no margins. Published
    bounds are kept as published (they need not be symmetric)."""

    waarde: float
    se: float = math.nan
    onder: float = math.nan
    boven: float = math.nan

    @classmethod
    def uit_marges(cls, waarde: float, onder: float, boven: float) -> Meetwaarde:
        return cls(waarde, (boven - onder) / (2 * Z95), onder, boven)

    @classmethod
    def met_se(cls, waarde: float, se: float) -> Meetwaarde:
        return cls(waarde, se, waarde - Z95 * se, waarde + Z95 * se)

    @property
    def heeft_interval(self) -> bool:
        return not (math.isnan(self.waarde) or math.isnan(self.se))

    def min(self, ander: Meetwaarde) -> Meetwaarde:
        """The difference, its se from both as independent estimates."""
        return Meetwaarde.met_se(self.waarde - ander.waarde, math.hypot(self.se, ander.se))

    def als_dict(self) -> dict[str, float]:
        return {"waarde": self.waarde, "onder": self.onder, "boven": self.boven, "se": self.se}


@dataclass(frozen=True)
class Golfverschil:
    """One wave: the group against one reference."""

    periode: str
    referentie: Referentie
    referentienaam: str
    groep: Meetwaarde
    referentiewaarde: Meetwaarde
    verschil: Meetwaarde
    oordeel: str

    def als_dict(self) -> dict[str, Any]:
        return {
            "periode": self.periode,
            "referentie": self.referentie,
            "referentienaam": self.referentienaam,
            "groep": self.groep.als_dict(),
            "referentiewaarde": self.referentiewaarde.als_dict(),
            "verschil": self.verschil.als_dict(),
            "oordeel": self.oordeel,
        }


@dataclass(frozen=True)
class Verandering:
    """The change of the gap to one reference between two waves, with its z test."""

    referentie: Referentie
    van: str
    tot: str
    verschil_van: float
    verschil_tot: float
    verandering: Meetwaarde
    z: float
    p: float
    oordeel: str

    def als_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verandering": self.verandering.als_dict()}


@dataclass(frozen=True)
class Trend:
    indicator: str
    label: str
    eenheid: str
    richting: str
    naam: str
    codes: list[str]
    niveau: str  # the member level
    indeling: int  # its area classification
    leden: list[str]
    vergelijkingen: list[Golfverschil]
    veranderingen: list[Verandering]
    opmerkingen: list[str]
    bronvermelding: str

    def tabellen(self) -> dict[str, list[list[str]]]:
        """Per reference name, one row per wave in Dutch number format: periode, group, its interval,
        reference, its interval, gap, its interval, verdict."""
        d = _decimalen(self.vergelijkingen)
        uit: dict[str, list[list[str]]] = defaultdict(list)
        for v in self.vergelijkingen:
            uit[v.referentienaam].append(
                [
                    v.periode,
                    getal(v.groep.waarde, d),
                    _interval(v.groep, d),
                    getal(v.referentiewaarde.waarde, d),
                    _interval(v.referentiewaarde, d),
                    getal(v.verschil.waarde, d),
                    _interval(v.verschil, d),
                    v.oordeel,
                ]
            )
        return dict(uit)

    def veranderingsregels(self) -> list[str]:
        """One line per reference: the gap in both waves, its change and the verdict."""
        d = _decimalen(self.vergelijkingen)
        regels = []
        for v in self.veranderingen:
            naam = "Nederland" if v.referentie == "nl" else "de eigen stedelijkheid"
            toets = (
                f"; 95%-interval {_interval(v.verandering, d)}; z = {getal(v.z, 2)}"
                if v.verandering.heeft_interval
                else ""
            )
            regels.append(
                f"Verschil met {naam} van {v.van} naar {v.tot}: {getal(v.verschil_van, d)} → "
                f"{getal(v.verschil_tot, d)} (verandering {getal(v.verandering.waarde, d)}{toets}): "
                f"{v.oordeel}"
            )
        return regels

    def als_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("vergelijkingen", "veranderingen")},
            "vergelijkingen": [v.als_dict() for v in self.vergelijkingen],
            "veranderingen": [v.als_dict() for v in self.veranderingen],
        }


# --- the indicator's values on one level -----------------------------------------------------------------


@dataclass(frozen=True)
class _Laag:
    """One level's harmonised values of the indicator, with inhabitants and urbanity per area."""

    niveau: str
    indeling: int
    waarden: dict[str, dict[str, Meetwaarde]]  # periode -> regio -> value
    gebieden: list[str]  # the areas of the classification
    inwoners: dict[str, dict[int, float]]  # regio -> year -> inhabitants
    klassen: dict[str, int]  # regio -> urbanity class
    geharmoniseerd: bool  # some values were combined from predecessors

    @property
    def perioden(self) -> list[str]:
        return sorted(self.waarden, key=_jaar)

    def inwonertal(self, regio: str, periode: str) -> float | None:
        """Inhabitants in the register year nearest to the wave (the earlier one on a tie)."""
        per_jaar = self.inwoners.get(regio)
        return per_jaar[dichtstbijzijnd_jaar(per_jaar, _jaar(periode))] if per_jaar else None


def _laag(toestand: Toestand, indicator: str, niveau: str, register: Register) -> _Laag:
    frame = harmoniseer(toestand, indicator, niveau=niveau, register=register)
    indeling = doelindeling(toestand, niveau, register=register)
    t = register.tabel
    eigen = t[t["niveau"] == niveau] if not t.empty else t
    gebieden = set(eigen.loc[eigen["jaar"] == indeling, "code"].astype(str)) if not t.empty else set()
    return _Laag(
        niveau,
        indeling,
        _waarden(frame),
        sorted(gebieden | set(frame["regio"])),
        _per_jaar(eigen, "inwoners"),
        _klassen(eigen, indeling),
        bool(frame["geharmoniseerd"].any()),
    )


def _waarden(frame: pd.DataFrame) -> dict[str, dict[str, Meetwaarde]]:
    uit: dict[str, dict[str, Meetwaarde]] = defaultdict(dict)
    bekend = frame[frame["waarde"].notna()]
    for regio, periode, waarde, onder, boven in zip(
        bekend["regio"], bekend["periode"], bekend["waarde"], bekend["onder"], bekend["boven"], strict=True
    ):
        uit[str(periode)].setdefault(str(regio), Meetwaarde.uit_marges(waarde, onder, boven))
    return dict(uit)


def _per_jaar(tabel: pd.DataFrame, kolom: str) -> dict[str, dict[int, float]]:
    if tabel.empty:
        return {}
    bekend = tabel[tabel[kolom].notna()]
    uit: dict[str, dict[int, float]] = defaultdict(dict)
    for code, jaar, waarde in zip(bekend["code"], bekend["jaar"], bekend[kolom], strict=True):
        uit[str(code)][int(jaar)] = float(waarde)
    return dict(uit)


def _klassen(tabel: pd.DataFrame, indeling: int) -> dict[str, int]:
    """Urbanity class per area: that of the classification year, else of the nearest year."""
    return {
        code: int(per_jaar[dichtstbijzijnd_jaar(per_jaar, indeling)])
        for code, per_jaar in _per_jaar(tabel, "stedelijkheid").items()
    }


def _jaar(periode: str) -> int:
    return int(str(periode)[:4])


# --- input checks ---------------------------------------------------------------------------------------


def _controleer_indicator(indicator: str) -> Indicator:
    ind = catalogus().get(indicator)
    if ind is None:
        raise InvoerFout(f"onbekende indicator '{indicator}'; zie 'gebiedskompas indicatoren' voor de id's")
    if ind.eenheid in OPGETELD:
        raise InvoerFout(
            f"indicator '{indicator}' is een aantal; een verschil met Nederland of met de eigen "
            "stedelijkheidsklasse vraagt een aandeel, gemiddelde of score"
        )
    if ind.eenheid in NIET_SAMEN_TE_VOEGEN:
        raise InvoerFout(
            f"indicator '{indicator}' ({ind.eenheid}) is niet over gebieden te middelen: "
            f"{NIET_SAMEN_TE_VOEGEN[ind.eenheid]}"
        )
    return ind


def _controleer_gebied(gebied: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(normaliseer(c) for deel in gebied for c in deel.split(",") if c.strip()))
    if not codes:
        raise InvoerFout("geef een gebied op, bijvoorbeeld --gebied PV31 of --gebied GM0917,GM0928")
    ongeldig = [c for c in codes if niveau_van(c) is None]
    if ongeldig:
        raise InvoerFout(
            f"'{ongeldig[0]}' is geen geldige regiocode (verwacht bijvoorbeeld PV31, GM0917 of WK091721)"
        )
    niveaus = {str(niveau_van(c)) for c in codes}
    if len(niveaus) > 1:
        raise InvoerFout(
            f"de codes van één groep moeten van één niveau zijn; nu: {', '.join(sorted(niveaus))}"
        )
    return codes


def _controleer_referenties(referenties: Iterable[str]) -> tuple[Referentie, ...]:
    gekozen = [r for r in REFERENTIES if r in set(referenties)]
    onbekend = sorted(set(referenties) - set(REFERENTIES))
    if onbekend or not gekozen:
        raise InvoerFout(
            f"onbekende referentie {', '.join(repr(r) for r in onbekend) or '(geen)'}; "
            "kies nl, stedelijkheid of beide"
        )
    return tuple(gekozen)


def _niveaus_met_waarden(toestand: Toestand, indicator: str) -> set[str]:
    w = toestand.waarnemingen
    codes = w.loc[(w["indicator"] == indicator) & w["waarde"].notna(), "regio"].astype(str).unique()
    niveaus = {str(niveau_van(c)) for c in codes if niveau_van(c)}
    if not niveaus:
        raise InvoerFout(
            f"geen waarden voor indicator '{indicator}' in de opslag; laad eerst de tabellen met "
            "'gebiedskompas laad'"
        )
    return niveaus


def _ledenniveau(codes: list[str], niveaus: set[str], indicator: str) -> str:
    """The level the group is made of: its own, or the first of gemeente, wijk, buurt below it."""
    eigen = str(niveau_van(codes[0]))
    if eigen in LEDENNIVEAUS and eigen in niveaus:
        return eigen
    for niveau in LEDENNIVEAUS:
        if NIVEAUS.index(niveau) > NIVEAUS.index(eigen) and niveau in niveaus:
            return niveau
    raise InvoerFout(
        f"indicator '{indicator}' heeft geen waarden voor {meervoud(eigen)} of gebieden daarbinnen; wel op "
        f"{', '.join(sorted(niveaus, key=NIVEAUS.index))}"
    )


# --- the group -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groep:
    naam: str
    codes: list[str]
    waarden: dict[str, Meetwaarde]  # periode -> group value
    leden: list[str]  # members that weigh in the urbanity reference
    opmerkingen: list[str] = field(default_factory=list)


def _leden(register: Register, codes: list[str], laag: _Laag) -> list[str]:
    """Areas of the member level that lie in one of the codes (in the classification year)."""
    omvat = _omvattende_gemeentegebieden(register, laag.indeling)
    gezocht = set(codes)
    return [g for g in laag.gebieden if gezocht & _omvattend(g, omvat)]


def _omvattende_gemeentegebieden(register: Register, jaar: int) -> dict[str, set[str]]:
    """Per gemeente its provincie, GGD-regio and landsdeel in the register year nearest ``jaar``."""
    t = register.tabel
    if t.empty:
        return {}
    dichtst = dichtstbijzijnd(t[t["niveau"] == "gemeente"], jaar)
    return {
        str(r.code): {str(v) for v in (r.provincie, r.ggd, r.landsdeel) if isinstance(v, str)}
        for r in dichtst.itertuples()
    }


def _omvattend(code: str, omvat: dict[str, set[str]]) -> set[str]:
    keten = {code, NEDERLAND}
    ouder = ouder_van(code)
    while ouder is not None:
        keten.add(ouder)
        ouder = ouder_van(ouder)
    gemeente = gemeente_van(code)
    return keten | omvat.get(gemeente, set()) if gemeente else keten


def _groep(register: Register, codes: list[str], eigen: dict[str, Meetwaarde], laag: _Laag) -> _Groep:
    naam = _groepsnaam(register, codes)
    leden = _leden(register, codes, laag)
    if eigen:
        tekst = f"{naam}: de gepubliceerde waarde ({codes[0]})" + _lidtekst(leden, laag)
        return _Groep(naam, codes, eigen, leden, [tekst])
    if not leden:
        raise InvoerFout(
            f"{', '.join(codes)}: geen waarden voor dit gebied en geen {meervoud(laag.niveau)} daarbinnen "
            "met waarden in de opslag"
        )
    return _gecombineerde_groep(naam, codes, leden, laag)


def _lidtekst(leden: list[str], laag: _Laag) -> str:
    return (
        f"; de stedelijkheidsreferentie weegt de {len(leden)} {meervoud(laag.niveau)} erin" if leden else ""
    )


def _gecombineerde_groep(naam: str, codes: list[str], leden: list[str], laag: _Laag) -> _Groep:
    perioden = [p for p in laag.perioden if any(lid in laag.waarden[p] for lid in leden)]
    volledig = [
        lid for lid in leden if all(lid in laag.waarden[p] and laag.inwonertal(lid, p) for p in perioden)
    ]
    if not volledig:
        raise InvoerFout(
            f"{naam}: geen van de {len(leden)} {meervoud(laag.niveau)} heeft in elke meting een waarde "
            "en een inwonertal; kies andere gebieden"
        )
    waarden = {p: _gewogen_gemiddelde(volledig, p, laag) for p in perioden}
    opmerkingen = [
        f"{naam}: naar inwonertal gewogen gemiddelde van {len(volledig)} {meervoud(laag.niveau)} "
        "(inwoners van het registerjaar dat het dichtst bij de meting ligt)"
    ]
    weg = [lid for lid in leden if lid not in volledig]
    if weg:
        opmerkingen.append(
            f"Niet meegeteld (geen waarde of inwonertal in elke meting): {_opsomming_codes(weg)}"
        )
    return _Groep(naam, codes, waarden, volledig, opmerkingen)


def _groepsnaam(register: Register, codes: list[str]) -> str:
    namen = [register.naam(c) or c for c in codes]
    if len(namen) == 1:
        return namen[0]
    if len(namen) <= 3:
        return f"de groep {', '.join(namen[:-1])} en {namen[-1]}"
    return f"de groep van {len(namen)} gebieden"


def _opsomming_codes(codes: list[str], hoogstens: int = 10) -> str:
    rest = len(codes) - hoogstens
    return ", ".join(codes[:hoogstens]) + (f" en {rest} andere" if rest > 0 else "")


# --- weighted means and references --------------------------------------------------------------------


def _gewogen(paren: Iterable[tuple[Meetwaarde, float]]) -> Meetwaarde:
    """sum(c_i x_i) with c_i = g_i / sum(g); se = sqrt(sum c_i² se_i²) when every x_i has one."""
    lijst = [(s, g) for s, g in paren if g > 0]
    totaal = sum(g for _, g in lijst)
    if totaal <= 0:
        return Meetwaarde(math.nan)
    waarde = sum(s.waarde * g for s, g in lijst) / totaal
    if any(math.isnan(s.se) for s, _ in lijst):
        return Meetwaarde(waarde)
    return Meetwaarde.met_se(waarde, math.sqrt(sum((g / totaal * s.se) ** 2 for s, g in lijst)))


def _gewogen_gemiddelde(gebieden: Iterable[str], periode: str, laag: _Laag) -> Meetwaarde:
    hier = laag.waarden.get(periode, {})
    return _gewogen((hier[g], laag.inwonertal(g, periode) or 0.0) for g in gebieden if g in hier)


def _nl_referentie(
    nl: dict[str, Meetwaarde], laag: _Laag, perioden: list[str]
) -> tuple[dict[str, Meetwaarde], str]:
    if all(p in nl for p in perioden):
        return nl, "Nederland: de gepubliceerde landelijke waarde (NL00)"
    berekend = {p: nl.get(p) or _gewogen_gemiddelde(laag.gebieden, p, laag) for p in perioden}
    waar = " voor elke meting; waar die ontbreekt is Nederland" if nl else "; Nederland is"
    return berekend, (
        f"Nederland: de tabel geeft geen landelijke waarde{waar} berekend als het naar inwonertal "
        f"gewogen gemiddelde van alle {meervoud(laag.niveau)} met een waarde (elk met het inwonertal van "
        "het registerjaar dat het dichtst bij de meting ligt)"
    )


def _klassereferentie(groep: _Groep, laag: _Laag, perioden: list[str]) -> tuple[dict[str, Meetwaarde], str]:
    met_klasse = [lid for lid in groep.leden if lid in laag.klassen]
    per_klasse: dict[int, list[str]] = defaultdict(list)
    for g in laag.gebieden:
        if g in laag.klassen:
            per_klasse[laag.klassen[g]].append(g)
    waarden = {p: _klassereferentie_in(met_klasse, per_klasse, laag, p) for p in perioden}
    return waarden, _klassetekst(groep, met_klasse, laag)


def _klassereferentie_in(
    leden: list[str], per_klasse: dict[int, list[str]], laag: _Laag, periode: str
) -> Meetwaarde:
    """sum_k W_k mean_k: W_k the group's inhabitants in class k, mean_k the class's weighted mean."""
    gewicht: dict[int, float] = defaultdict(float)
    for lid in leden:
        gewicht[laag.klassen[lid]] += laag.inwonertal(lid, periode) or 0.0
    return _gewogen(
        (_gewogen_gemiddelde(per_klasse[k], periode, laag), w) for k, w in sorted(gewicht.items())
    )


def _klassetekst(groep: _Groep, met_klasse: list[str], laag: _Laag) -> str:
    telling: dict[int, int] = defaultdict(int)
    for lid in met_klasse:
        telling[laag.klassen[lid]] += 1
    samenstelling = "; ".join(f"{STEDELIJKHEID_LABELS[k]}: {n}" for k, n in sorted(telling.items()))
    veelvoud = meervoud(laag.niveau)
    tekst = (
        f"Eigen stedelijkheid: per {laag.niveau} het naar inwonertal gewogen gemiddelde van alle {veelvoud} "
        f"van dezelfde stedelijkheidsklasse (klasse van {laag.indeling} of het dichtstbijzijnde jaar), "
        f"teruggewogen naar {groep.naam} met de inwonertallen ({samenstelling or 'geen klasse bekend'})"
    )
    zonder = [lid for lid in groep.leden if lid not in laag.klassen]
    return tekst + (f"; zonder stedelijkheidsklasse: {_opsomming_codes(zonder)}" if zonder else "")


# --- wording ---------------------------------------------------------------------------------------------


def _decimalen(vergelijkingen: list[Golfverschil]) -> int:
    """Two decimals; three for small scales (Leefbaarometer scores lie around 4)."""
    grootste = max((abs(v.referentiewaarde.waarde) for v in vergelijkingen), default=0.0)
    return 3 if grootste < 10 else 2


def _interval(s: Meetwaarde, decimalen: int) -> str:
    if not s.heeft_interval:
        return "geen marges"
    return f"{getal(s.onder, decimalen)} – {getal(s.boven, decimalen)}"


def _woord(verschil: float, richting: str) -> str | None:
    """'beter', 'slechter', 'hoger' or 'lager' for a positive or negative gap; None when equal."""
    if verschil == 0 or math.isnan(verschil):
        return None
    hoger = verschil > 0
    if richting == "hoger_is_beter":
        return "beter" if hoger else "slechter"
    if richting == "hoger_is_slechter":
        return "slechter" if hoger else "beter"
    return "hoger" if hoger else "lager"


def _oordeel_verschil(naam: str, referentienaam: str, verschil: Meetwaarde, richting: str) -> str:
    woord = _woord(verschil.waarde, richting)
    naam = naam[:1].upper() + naam[1:]
    basis = (
        f"{naam} scoort {woord} dan {referentienaam}"
        if woord
        else f"{naam} scoort gelijk aan {referentienaam}"
    )
    if not verschil.heeft_interval:
        return f"{basis}; geen interval (geen marges), dus niet te zeggen of dat significant is"
    if verschil.onder <= 0 <= verschil.boven:
        return f"{basis}, maar het verschil is niet significant (het 95%-interval bevat 0)"
    return f"{basis}; het verschil is significant"


def _kleiner_of_groter(van: float, tot: float) -> str:
    if van * tot < 0:
        return "van teken gewisseld"
    if abs(tot) == abs(van):
        return "even groot gebleven"
    return "kleiner geworden" if abs(tot) < abs(van) else "groter geworden"


def _ontwikkeling(verandering: float, richting: str) -> str:
    woord = _woord(verandering, richting)
    return {"beter": "verbeterd", "slechter": "verslechterd", "hoger": "gestegen", "lager": "gedaald"}.get(
        woord or "", "gelijk gebleven"
    )


def _oordeel_verandering(naam: str, referentienaam: str, v: Verandering, richting: str) -> str:
    verloop = _kleiner_of_groter(v.verschil_van, v.verschil_tot)
    ontwikkeling = (
        f"{naam} is ten opzichte van {referentienaam} {_ontwikkeling(v.verandering.waarde, richting)}"
    )
    if not v.verandering.heeft_interval:
        return (
            f"het verschil is {verloop} ({ontwikkeling}); zonder marges is niet te toetsen of die "
            "verandering significant is"
        )
    if v.p >= SIGNIFICANTIENIVEAU:
        return f"geen significante verandering van het verschil ({p_tekst(v.p)})"
    return f"het verschil is significant {verloop} ({p_tekst(v.p)}): {ontwikkeling}"


# --- comparisons ----------------------------------------------------------------------------------------


def _referentienaam(referentie: Referentie, laag: _Laag) -> str:
    return "Nederland" if referentie == "nl" else f"{meervoud(laag.niveau)} van dezelfde stedelijkheid"


def _vergelijkingen(
    groep: _Groep, referentie: Referentie, refnaam: str, waarden: dict[str, Meetwaarde], richting: str
) -> list[Golfverschil]:
    uit = []
    for periode, g in groep.waarden.items():
        r = waarden.get(periode)
        if r is None or math.isnan(r.waarde) or math.isnan(g.waarde):
            continue
        verschil = g.min(r)
        oordeel = _oordeel_verschil(groep.naam, refnaam, verschil, richting)
        uit.append(Golfverschil(periode, referentie, refnaam, g, r, verschil, oordeel))
    return uit


def _verandering(een: Golfverschil, twee: Golfverschil, naam: str, richting: str) -> Verandering:
    """The change of the gap from wave ``een`` to wave ``twee`` and its two-sided z test."""
    d = twee.verschil.min(een.verschil)
    z = d.waarde / d.se if d.heeft_interval and d.se > 0 else math.nan
    p = math.erfc(abs(z) / math.sqrt(2)) if not math.isnan(z) else math.nan
    v = Verandering(
        een.referentie, een.periode, twee.periode, een.verschil.waarde, twee.verschil.waarde, d, z, p, ""
    )
    return replace(v, oordeel=_oordeel_verandering(naam, een.referentienaam, v, richting))


def _kies_metingen(
    vergelijkingen: list[Golfverschil], van: str | None, tot: str | None
) -> tuple[Golfverschil, Golfverschil] | None:
    per_periode = {v.periode: v for v in vergelijkingen}
    if len(per_periode) < 2:
        return None
    perioden = sorted(per_periode, key=_jaar)
    gekozen = (van or perioden[0], tot or perioden[-1])
    ontbreekt = [p for p in gekozen if p not in per_periode]
    if ontbreekt:
        raise InvoerFout(f"geen vergelijking in {', '.join(ontbreekt)}; kies uit {', '.join(perioden)}")
    if gekozen[0] == gekozen[1]:
        raise InvoerFout(f"kies twee verschillende metingen (nu tweemaal {gekozen[0]})")
    een, twee = sorted(gekozen, key=_jaar)
    return per_periode[een], per_periode[twee]


# --- the whole comparison -------------------------------------------------------------------------------


def trend(
    toestand: Toestand,
    indicator: str,
    gebied: Sequence[str],
    referenties: Iterable[str] = REFERENTIES,
    van: str | None = None,
    tot: str | None = None,
    register: Register | None = None,
) -> Trend:
    """``gebied`` (codes, comma-separated allowed) against the chosen references per wave, and the
    change of each gap between waves ``van`` and ``tot`` (default: the first and last)."""
    ind = _controleer_indicator(indicator)
    codes = _controleer_gebied(gebied)
    gekozen = _controleer_referenties(referenties)
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    niveaus = _niveaus_met_waarden(toestand, indicator)
    laag = _laag(toestand, indicator, _ledenniveau(codes, niveaus, indicator), register)
    groep = _groep(register, codes, _eigen_waarden(toestand, indicator, codes, niveaus, laag, register), laag)
    opmerkingen = list(groep.opmerkingen)
    vergelijkingen: list[Golfverschil] = []
    veranderingen: list[Verandering] = []
    for referentie in gekozen:
        waarden, tekst = _referentiewaarden(referentie, toestand, indicator, niveaus, groep, laag, register)
        opmerkingen.append(tekst)
        deze = _vergelijkingen(groep, referentie, _referentienaam(referentie, laag), waarden, ind.richting)
        vergelijkingen += deze
        paar = _kies_metingen(deze, van, tot)
        if paar is not None:
            veranderingen.append(_verandering(*paar, groep.naam, ind.richting))
    opmerkingen += _slotopmerkingen(vergelijkingen, veranderingen, laag)
    return Trend(
        indicator=ind.id,
        label=ind.label,
        eenheid=ind.eenheid,
        richting=ind.richting,
        naam=groep.naam,
        codes=codes,
        niveau=laag.niveau,
        indeling=laag.indeling,
        leden=groep.leden,
        vergelijkingen=vergelijkingen,
        veranderingen=veranderingen,
        opmerkingen=opmerkingen,
        bronvermelding=catalogus().citatie(ind.id),
    )


def _eigen_waarden(
    toestand: Toestand, indicator: str, codes: list[str], niveaus: set[str], laag: _Laag, register: Register
) -> dict[str, Meetwaarde]:
    """The published values of a single-code group, per wave (empty when the table has none)."""
    niveau = str(niveau_van(codes[0]))
    if len(codes) != 1 or niveau not in niveaus:
        return {}
    eigen = laag if niveau == laag.niveau else _laag(toestand, indicator, niveau, register)
    return {p: eigen.waarden[p][codes[0]] for p in eigen.perioden if codes[0] in eigen.waarden[p]}


def _referentiewaarden(
    referentie: Referentie,
    toestand: Toestand,
    indicator: str,
    niveaus: set[str],
    groep: _Groep,
    laag: _Laag,
    register: Register,
) -> tuple[dict[str, Meetwaarde], str]:
    perioden = list(groep.waarden)
    if referentie == "stedelijkheid":
        return _klassereferentie(groep, laag, perioden)
    nl: dict[str, Meetwaarde] = {}
    if "land" in niveaus:
        land = _laag(toestand, indicator, "land", register)
        nl = {p: land.waarden[p][NEDERLAND] for p in land.perioden if NEDERLAND in land.waarden[p]}
    return _nl_referentie(nl, laag, perioden)


def _slotopmerkingen(
    vergelijkingen: list[Golfverschil], veranderingen: list[Verandering], laag: _Laag
) -> list[str]:
    uit = []
    if any(v.verschil.heeft_interval for v in vergelijkingen):
        uit.append(_ONAFHANKELIJK)
    if any(not v.verschil.heeft_interval for v in vergelijkingen):
        uit.append(_GEEN_MARGES)
    if any(v.verandering.heeft_interval for v in veranderingen):
        uit.append(
            "De verandering van het verschil is getoetst met een z-toets op het verschil van de verschillen "
            "(tweezijdig, 5%); de metingen zijn als onafhankelijke steekproeven behandeld."
        )
    if laag.geharmoniseerd:
        uit.append(
            f"Alle waarden op de gebiedsindeling {laag.indeling}; heringedeelde gebieden zijn "
            "samengevoegd uit hun voorgangers (zie 'gebiedskompas reeks')."
        )
    return uit
