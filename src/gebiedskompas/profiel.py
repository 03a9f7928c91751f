"""What an area profile shows besides the analysis: the series of its indicators over the waves
against a chosen reference group, the source and definition of every value, and the areas above and
below it in the hierarchy. Pure: no Django; the web page, the PDF and a notebook share it.

Series come from ``reeks.reeks`` (the area) and ``reeks.harmoniseer`` (every area of its level),
both on one area classification. The reference group per wave:

* ``nl``: the value the table publishes for Nederland (NL00/NL01); where it publishes none, the
  inhabitant-weighted mean of all areas of the profile's level with a value.
* ``provincie``: the value the table publishes for the area's provincie; where none, the
  inhabitant-weighted mean of the areas of the profile's level in that provincie.
* ``stedelijkheid``: the inhabitant-weighted mean of all areas of the profile's level in the same
  urbanity class (the class of the classification year, else of the nearest year), the area itself
  included.
* a named group (``data/referentiegroepen.toml``): the inhabitant-weighted mean of the areas of the
  profile's level that lie in the group's gemeenten.

Weights are inhabitants of the register year nearest to the wave (the earlier one on a tie), as in
``reeks`` and ``effect.trend``. A weighted mean sum(c_i x_i) gets a 95% interval from the published
margins, se = sqrt(sum c_i² se_i²) (independent estimates), only when every term has margins.
"""

from __future__ import annotations

import math
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from .bronnen import bronregister
from .catalogus import Indicator, catalogus
from .codes import NEDERLAND, gemeente_van, niveau_van
from .errors import GebiedskompasFout, InvoerFout
from .grenskeuze import meervoud
from .opslag import Toestand
from .reeks import NIET_SAMEN_TE_VOEGEN, OPGETELD, Z95, harmoniseer, reeks
from .register import STEDELIJKHEID_LABELS, Register, dichtstbijzijnd_jaar

NL, STEDELIJKHEID, PROVINCIE = "nl", "stedelijkheid", "provincie"
VASTE_REFERENTIES = {
    NL: "Nederland",
    STEDELIJKHEID: "Eigen stedelijkheidsklasse",
    PROVINCIE: "Eigen provincie",
}
STANDAARDREFERENTIE = NL
PROFIELNIVEAUS = ("gemeente", "wijk", "buurt")
# Shown for every area next to the analysis's own indicators: a need-neutral context of the area.
CONTEXTINDICATOREN = ("leefbaarometer.lbm", "kwb.aandeel_65plus", "kwb.aandeel_eenpersoonshuishoudens")
ONDERLIGGEND = {"provincie": "gemeente", "gemeente": "wijk", "wijk": "buurt"}


# --- reference groups ------------------------------------------------------------------------------


class Referentiegroep(BaseModel):
    """A named set of gemeenten to compare an area with."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    naam: str
    gemeenten: list[str]
    toelichting: str = ""


class _Groepenbestand(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groep: list[Referentiegroep]


@lru_cache(maxsize=1)
def referentiegroepen() -> dict[str, Referentiegroep]:
    """The shipped named groups by id (``data/referentiegroepen.toml``)."""
    tekst = resources.files("gebiedskompas.data").joinpath("referentiegroepen.toml").read_bytes()
    groepen = _Groepenbestand.model_validate(tomllib.loads(tekst.decode("utf-8"))).groep
    uit = {g.id: g for g in groepen}
    if len(uit) != len(groepen) or set(uit) & set(VASTE_REFERENTIES):
        raise ValueError("referentiegroepen.toml: elke groep heeft een eigen id, anders dan nl/provincie")
    return uit


def referentiekeuzes() -> list[tuple[str, str]]:
    """(value, Dutch label) of every reference group, for a form."""
    return [*VASTE_REFERENTIES.items(), *((g.id, g.naam) for g in referentiegroepen().values())]


def kies_referentie(waarde: str | None) -> str:
    """The chosen reference (``STANDAARDREFERENTIE`` when none is given); an unknown one raises
    ``InvoerFout`` naming the valid choices."""
    gekozen = (waarde or "").strip() or STANDAARDREFERENTIE
    keuzes = dict(referentiekeuzes())
    if gekozen not in keuzes:
        opties = ", ".join(f"{k} ({v})" for k, v in keuzes.items())
        raise InvoerFout(f"Onbekende referentiegroep '{gekozen[:40]}'; kies uit: {opties}")
    return gekozen


# --- values ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Punt:
    """One wave's value with its 95% interval (NaN without margins) and where it comes from."""

    periode: str
    waarde: float
    onder: float = math.nan
    boven: float = math.nan
    bron: str = ""  # table id
    methode: str = ""  # how the value was harmonised or computed, when not as published

    @property
    def jaar(self) -> int:
        return int(self.periode[:4])

    @property
    def heeft_interval(self) -> bool:
        return math.isfinite(self.onder) and math.isfinite(self.boven)


def gewogen_gemiddelde(paren: Iterable[tuple[Punt, float]], periode: str) -> Punt:
    """sum(c_i x_i) with c_i = g_i / sum(g) over the terms with a positive weight; a 95% interval
    from se = sqrt(sum c_i² se_i²), se_i = (boven_i - onder_i) / (2 · 1,96), when every term has one."""
    lijst = [(p, g) for p, g in paren if g > 0 and math.isfinite(p.waarde)]
    totaal = sum(g for _, g in lijst)
    if totaal <= 0:
        return Punt(periode, math.nan)
    waarde = sum(p.waarde * g for p, g in lijst) / totaal
    if not all(p.heeft_interval for p, _ in lijst):
        return Punt(periode, waarde)
    se = math.sqrt(sum((g / totaal * (p.boven - p.onder) / (2 * Z95)) ** 2 for p, g in lijst))
    return Punt(periode, waarde, waarde - Z95 * se, waarde + Z95 * se)


# --- sources and definitions -------------------------------------------------------------------------


def bronregel(tabel: str, periode: str | None = None) -> str:
    """ "CBS, RIVM en GGD'en, tabel 85563NED, 2022": publisher, table and period of a value."""
    reg = bronregister()
    uitgever = reg.zoek(tabel).uitgever if reg.bekend(tabel) else ""
    delen = [uitgever, f"tabel {tabel}", periode or ""]
    return ", ".join(d for d in delen if d)


def _tabellen(ind: Indicator) -> list[str]:
    if ind.bron:
        return ind.tabellen()
    teller = catalogus().get(ind.afgeleid.teller) if ind.afgeleid else None
    return teller.tabellen() if teller else []


def bron_van(indicator: str, periode: str) -> str:
    """The source line of an indicator's value in ``periode``: the catalogue's table of that year
    (for a derived indicator: its numerator's), else every table it is read from."""
    ind = catalogus().get(indicator)
    if ind is None:
        return ""
    reg = bronregister()
    tabellen = [t for t in dict.fromkeys(_tabellen(ind)) if reg.bekend(t)]
    jaar = periode[:4]
    passend = [t for t in tabellen if str(reg.zoek(t).jaar) == jaar or (reg.zoek(t).periode or "") == periode]
    if passend:
        return bronregel(passend[0], periode)
    return "; ".join(bronregel(t) for t in tabellen)


@dataclass(frozen=True)
class Indicatorinfo:
    label: str
    eenheid: str
    definitie: str
    richting: str


def indicatorinfo(indicator: str) -> Indicatorinfo:
    """Label, unit, definition and direction from the catalogue (the id when it is unknown)."""
    ind = catalogus().get(indicator)
    if ind is None:
        return Indicatorinfo(indicator, "", "", "neutraal")
    return Indicatorinfo(ind.label, ind.eenheid, ind.definitie, ind.richting)


def richtingtekst(richting: str) -> str:
    return {"hoger_is_beter": "hoger is beter", "hoger_is_slechter": "hoger is slechter"}.get(
        richting, "hoger is niet beter of slechter"
    )


# --- the hierarchy -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gebiedslink:
    code: str
    naam: str
    niveau: str


def kruimelpad(register: Register, code: str) -> list[Gebiedslink]:
    """The areas ``code`` lies in, largest first (provincie, gemeente, wijk), with their names;
    Nederland left out."""
    uit = []
    for ouder in reversed(register.ouders(code) if register.bestaat(code) else []):
        if ouder == NEDERLAND:
            continue
        uit.append(Gebiedslink(ouder, register.naam(ouder) or ouder, str(niveau_van(ouder) or "")))
    return uit


def onderliggende(register: Register, code: str) -> list[Gebiedslink]:
    """The areas one level down that lie in ``code`` (gemeenten of a provincie, wijken of a gemeente,
    buurten of a wijk) in the latest register year of that level, sorted by name."""
    niveau = niveau_van(code)
    lager = ONDERLIGGEND.get(str(niveau))
    t = register.tabel
    if lager is None or t.empty:
        return []
    eigen = t[t["niveau"] == lager]
    if eigen.empty:
        return []
    laatste = eigen[eigen["jaar"] == eigen["jaar"].max()]
    if niveau == "provincie":
        deel = laatste[laatste["provincie"] == code]
    else:
        deel = laatste[laatste["code"].astype(str).str[2:].str.startswith(code[2:])]
    links = [
        Gebiedslink(str(c), str(n) if isinstance(n, str) else str(c), lager)
        for c, n in zip(deel["code"], deel["naam"], strict=True)
    ]
    return sorted(links, key=lambda g: (g.naam.lower(), g.code))


# --- series of the area and its reference group -----------------------------------------------------


@dataclass(frozen=True)
class Trendreeks:
    """One indicator's waves for the area and the reference group."""

    indicator: str
    info: Indicatorinfo
    gebiedsnaam: str
    referentienaam: str
    gebied: tuple[Punt, ...]
    referentie: tuple[Punt, ...]
    uitleg: str  # how the reference values were found
    bronnen: tuple[str, ...]  # one source line per table

    @property
    def heeft_marges(self) -> bool:
        return any(p.heeft_interval for p in (*self.gebied, *self.referentie))


@dataclass(frozen=True)
class _Niveaugegevens:
    """The indicator's harmonised values of every area of one level, with inhabitants and classes."""

    niveau: str
    waarden: dict[str, dict[str, Punt]]  # periode -> regio -> value
    inwoners: dict[str, dict[int, float]]  # regio -> year -> inhabitants
    klassen: dict[str, int]  # regio -> urbanity class
    provincies: dict[str, str]  # gemeente -> provincie

    def gewicht(self, regio: str, periode: str) -> float:
        per_jaar = self.inwoners.get(regio)
        return per_jaar[dichtstbijzijnd_jaar(per_jaar, int(periode[:4]))] if per_jaar else 0.0

    def gemiddelde(self, leden: Iterable[str], periode: str) -> Punt:
        hier = self.waarden.get(periode, {})
        return gewogen_gemiddelde(((hier[c], self.gewicht(c, periode)) for c in leden if c in hier), periode)


def _per_jaar(tabel: pd.DataFrame, kolom: str) -> dict[str, dict[int, float]]:
    bekend = tabel[tabel[kolom].notna()]
    uit: dict[str, dict[int, float]] = defaultdict(dict)
    for code, jaar, waarde in zip(bekend["code"], bekend["jaar"], bekend[kolom], strict=True):
        uit[str(code)][int(jaar)] = float(waarde)
    return dict(uit)


def _niveaugegevens(
    toestand: Toestand, indicator: str, niveau: str, indeling: int, register: Register
) -> _Niveaugegevens:
    frame = harmoniseer(toestand, indicator, indeling=indeling, niveau=niveau, register=register)
    bekend = frame[frame["waarde"].notna()]
    waarden: dict[str, dict[str, Punt]] = defaultdict(dict)
    for regio, periode, waarde, onder, boven, bron in zip(
        bekend["regio"],
        bekend["periode"],
        bekend["waarde"],
        bekend["onder"],
        bekend["boven"],
        bekend["bron"],
        strict=True,
    ):
        waarden[str(periode)].setdefault(str(regio), Punt(str(periode), waarde, onder, boven, str(bron)))
    t = register.tabel
    eigen = t[t["niveau"] == niveau] if not t.empty else t
    klassen = {
        code: int(per_jaar[dichtstbijzijnd_jaar(per_jaar, indeling)])
        for code, per_jaar in (_per_jaar(eigen, "stedelijkheid") if not t.empty else {}).items()
    }
    return _Niveaugegevens(
        niveau,
        dict(waarden),
        _per_jaar(eigen, "inwoners") if not t.empty else {},
        klassen,
        register.provincies(indeling),
    )


def _gepubliceerd(toestand: Toestand, indicator: str, regio: str) -> dict[str, Punt]:
    """The values a table publishes for one (larger) area, per wave, as published."""
    w = toestand.waarnemingen
    deel = w[w["indicator"] == indicator]
    deel = deel[(deel["regio"].astype(str) == regio) & deel["waarde"].notna()]
    return {
        str(p): Punt(str(p), float(x), float(o), float(b), str(bron))
        for p, x, o, b, bron in zip(
            deel["periode"], deel["waarde"], deel["onder"], deel["boven"], deel["bron"], strict=True
        )
    }


@dataclass(frozen=True)
class _Referentie:
    naam: str
    leden: list[str]  # areas of the profile's level whose weighted mean stands in for it
    gepubliceerd: str | None  # code of the area whose published value comes first
    uitleg: str


def _referentie(keuze: str, code: str, gegevens: _Niveaugegevens, register: Register) -> _Referentie:
    niveau = gegevens.niveau
    alle = sorted({c for per in gegevens.waarden.values() for c in per})
    veelvoud = meervoud(niveau)
    gewogen = f"het naar inwonertal gewogen gemiddelde van de {veelvoud}"
    if keuze == NL:
        return _Referentie(
            "Nederland",
            alle,
            NEDERLAND,
            f"Nederland: de landelijke waarde die de tabel publiceert; waar die ontbreekt {gewogen} "
            "van heel Nederland.",
        )
    if keuze == PROVINCIE:
        pv = gegevens.provincies.get(gemeente_van(code) or "")
        if pv is None:
            raise InvoerFout(f"de provincie van {code} is niet bekend in het register")
        naam = register.naam(pv) or pv
        leden = [c for c in alle if gegevens.provincies.get(gemeente_van(c) or "") == pv]
        return _Referentie(
            f"provincie {naam}",
            leden,
            pv,
            f"Provincie {naam}: de waarde die de tabel voor de provincie publiceert; waar die ontbreekt "
            f"{gewogen} in de provincie.",
        )
    if keuze == STEDELIJKHEID:
        klasse = gegevens.klassen.get(code)
        if klasse is None:
            raise InvoerFout(f"de stedelijkheidsklasse van {code} is niet bekend in het register")
        label = STEDELIJKHEID_LABELS.get(klasse, str(klasse))
        leden = [c for c in alle if gegevens.klassen.get(c) == klasse]
        return _Referentie(
            f"{veelvoud} die {label} zijn",
            leden,
            None,
            f"Eigen stedelijkheidsklasse ({klasse}, {label}): {gewogen} van dezelfde klasse "
            f"({len(leden)} {veelvoud} met een waarde, dit gebied inbegrepen), elk gewogen met het "
            "inwonertal van het registerjaar dat het dichtst bij de meting ligt.",
        )
    groep = referentiegroepen()[keuze]
    gemeenten = set(groep.gemeenten)
    leden = [c for c in alle if gemeente_van(c) in gemeenten]
    namen = ", ".join(register.naam(g) or g for g in groep.gemeenten)
    return _Referentie(
        groep.naam,
        leden,
        None,
        f"{groep.naam}: {gewogen} in de gemeenten {namen}, elk gewogen met het inwonertal van het "
        "registerjaar dat het dichtst bij de meting ligt.",
    )


def _referentiepunten(
    ref: _Referentie, gegevens: _Niveaugegevens, gepubliceerd: Mapping[str, Punt], perioden: Sequence[str]
) -> tuple[Punt, ...]:
    uit = []
    for p in perioden:
        if p in gepubliceerd:
            uit.append(gepubliceerd[p])
        else:
            gemiddeld = gegevens.gemiddelde(ref.leden, p)
            uit.append(Punt(p, gemiddeld.waarde, gemiddeld.onder, gemiddeld.boven, "", "berekend"))
    return tuple(uit)


def te_middelen(indicator: str) -> bool:
    """Whether areas' values of an indicator can be averaged into a reference (no counts, classes
    or densities)."""
    ind = catalogus().get(indicator)
    return ind is not None and ind.eenheid not in OPGETELD and ind.eenheid not in NIET_SAMEN_TE_VOEGEN


def profieltrends(
    toestand: Toestand,
    code: str,
    indicatoren: Sequence[str],
    referentie: str = STANDAARDREFERENTIE,
    register: Register | None = None,
    minimum: int = 2,
    richtingen: Mapping[str, str] | None = None,
) -> list[Trendreeks]:
    """Per indicator (in the given order) that can be averaged and has at least ``minimum`` waves for
    the area: its harmonised values and those of the reference group in the same waves. Empty for
    areas that are no gemeente, wijk or buurt, or without a series. ``richtingen``: an analysis's
    own direction per indicator, where it differs from the catalogue's."""
    niveau = niveau_van(code)
    if niveau not in PROFIELNIVEAUS:
        return []
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    gekozen = [i for i in dict.fromkeys(indicatoren) if te_middelen(i)]
    try:
        r = reeks(toestand, code, gekozen or None, register=register)
    except GebiedskompasFout:
        return []
    uit = []
    for indicator in gekozen:
        eigen = _eigen_punten(r.waarden, indicator)
        if len(eigen) < minimum:
            continue
        gegevens = _niveaugegevens(toestand, indicator, str(niveau), r.indeling, register)
        ref = _referentie(referentie, code, gegevens, register)
        gepubliceerd = _gepubliceerd(toestand, indicator, ref.gepubliceerd) if ref.gepubliceerd else {}
        punten = _referentiepunten(ref, gegevens, gepubliceerd, [p.periode for p in eigen])
        bronnen = _bronnen(indicator, eigen)
        uit.append(
            Trendreeks(
                indicator,
                _met_richting(indicatorinfo(indicator), (richtingen or {}).get(indicator)),
                r.naam or code,
                ref.naam,
                eigen,
                punten,
                ref.uitleg,
                bronnen,
            )
        )
    return uit


def _met_richting(info: Indicatorinfo, richting: str | None) -> Indicatorinfo:
    return Indicatorinfo(info.label, info.eenheid, info.definitie, richting) if richting else info


def _bronnen(indicator: str, punten: Sequence[Punt]) -> tuple[str, ...]:
    """One source line per table, with the periods it gives ("…, tabel LBM3, 2002, 2008 en 2012"); a
    derived value is cited with the catalogue's table of its numerator."""
    reg = bronregister()
    perioden: dict[str, list[str]] = defaultdict(list)
    for p in punten:
        if reg.bekend(p.bron):
            perioden[p.bron].append(p.periode)
        else:
            perioden[bron_van(indicator, p.periode)] = []
    return tuple(bronregel(tabel, _opsomming(lijst)) if lijst else tabel for tabel, lijst in perioden.items())


def _opsomming(delen: Sequence[str]) -> str:
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"


def _eigen_punten(waarden: pd.DataFrame, indicator: str) -> tuple[Punt, ...]:
    """The area's waves of one indicator, one per period (the first source when two publish it)."""
    deel = waarden[(waarden["indicator"] == indicator) & waarden["waarde"].notna()]
    per_periode: dict[str, Punt] = {}
    for rij in deel.to_dict("records"):
        periode = str(rij["periode"])
        methode = ("geharmoniseerd: " if rij["geharmoniseerd"] else "") + str(rij["methode"] or "")
        per_periode.setdefault(
            periode,
            Punt(
                periode,
                float(rij["waarde"]),
                float(rij["onder"]),
                float(rij["boven"]),
                str(rij["bron"]),
                methode,
            ),
        )
    return tuple(sorted(per_periode.values(), key=lambda p: (p.jaar, p.periode)))


def profielindicatoren(run_indicatoren: Iterable[str]) -> list[str]:
    """The indicators whose series a profile shows: those of the analysis, then the context ones."""
    return list(dict.fromkeys([*run_indicatoren, *CONTEXTINDICATOREN]))


def als_dict(t: Trendreeks) -> dict[str, Any]:
    """A series as plain values (for a notebook or JSON)."""
    return {
        "indicator": t.indicator,
        "label": t.info.label,
        "eenheid": t.info.eenheid,
        "gebied": [vars(p) for p in t.gebied],
        "referentie": [vars(p) for p in t.referentie],
        "referentienaam": t.referentienaam,
        "uitleg": t.uitleg,
        "bronnen": list(t.bronnen),
    }
