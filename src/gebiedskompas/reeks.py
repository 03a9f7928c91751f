"""Time series of one area over all loaded vintages, on one area classification.

Every observation carries ``indeling``: the year of the area classification its region code
belongs to. A series is shown on one target classification; by default the latest year the
register knows for the area's level (gemeenten: the latest Gebieden in Nederland table; wijken
and buurten: the latest KWB table, since the wijk matrices and register go no further). Per value:

* gemeenten: the register's herindelingen (successors and address shares from the grenswijzigen
  matrices, or estimated from inhabitant counts) are chained year by year from the value's own
  classification to the target year. A gemeente untouched by them is taken as it is. A gemeente
  that was formed, or that received (part of) a dissolved gemeente, gets a value combined from
  all its predecessors: the inhabitant-weighted mean for shares, rates and scores (inhabitants
  of each predecessor in the value's own classification year, times the address share when the
  predecessor was split), the sum (times the share) for counts. Only when every predecessor has
  a value; otherwise the value stays missing and ``methode`` says why. Boundary corrections
  between gemeenten that both survive are not in the herindelingen and are ignored.
* wijken: the same from the wijk matrix of the value's year to the target year, weighted by
  the addresses that moved (the register holds wijk inhabitants for KWB years only). Without
  such a matrix the value is taken in its own classification and marked.
* buurten: taken in their own classification, marked when that is not the target year (no
  buurt matrices exist).
* other levels (Nederland, landsdeel, provincie, GGD-regio, postcode): taken as they are.

A value in a classification newer than the target cannot be split back: when the area changed
in between it is left missing, with the reason.

Margins: when every predecessor has a 95% interval, the combination gets an approximate one
assuming independent estimates: se_i = (boven - onder) / (2 * 1.96), se = sqrt(sum c_i² se_i²)
with c_i the weight share (means) or the address share (counts).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .catalogus import catalogus
from .codes import niveau_van, normaliseer
from .errors import InvoerFout
from .opslag import Toestand
from .register import Register

Z95 = 1.96
KOLOMMEN = [
    "indicator",
    "label",
    "eenheid",
    "periode",
    "waarde",
    "onder",
    "boven",
    "bron",
    "indeling_bron",
    "geharmoniseerd",
    "methode",
]
_OPGETELD = {"aantal"}
_NIET_SAMEN_TE_VOEGEN = {
    "klasse (1-5)": "een klasse is niet te middelen",
    "inwoners per km²": "een dichtheid vraagt de oppervlakte van de voorgangers",
}
_HERKOMST_TEKST = {
    "adressen (grenswijzigingsmatrix)": "opvolgers uit de grenswijzigingsmatrix (adressen)",
    "geschat uit inwonertallen (Gebieden in Nederland)": (
        "opvolgers geschat uit inwonertallen (Gebieden in Nederland)"
    ),
}
_INTERVAL_TEKST = "95%-interval benaderd uit de marges van de voorgangers (onafhankelijk verondersteld)"


@dataclass(frozen=True)
class Reeks:
    """One area's values over all loaded periods, on classification ``indeling``.

    ``waarden`` is long: one row per indicator, periode and bron (columns ``KOLOMMEN``);
    ``geharmoniseerd`` rows were combined from predecessors, ``methode`` says how (or, for a
    missing value, why; or notes that a value is in its own, other classification)."""

    code: str
    naam: str | None
    niveau: str
    indeling: int
    waarden: pd.DataFrame

    def indicatoren(self) -> list[str]:
        return list(dict.fromkeys(self.waarden["indicator"].tolist()))

    def als_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "naam": self.naam,
            "niveau": self.niveau,
            "indeling": self.indeling,
            "waarden": self.waarden.to_dict("records"),
        }


@dataclass(frozen=True)
class Herkomst:
    """Where the target area lay in one classification year."""

    aandelen: dict[str, float]  # predecessor -> share of its addresses that lies in the target area
    gewichten: dict[str, float] | None = None  # addresses moved (wijk matrices): weights of means
    bron: str = ""  # how the predecessors are known
    notitie: str | None = None  # taken as it is, in its own classification
    reden: str | None = None  # cannot be expressed in the target classification

    def ongewijzigd(self, code: str) -> bool:
        return self.reden is None and self.aandelen == {code: 1.0}


def reeks(
    toestand: Toestand,
    code: str,
    indicatoren: Iterable[str] | None = None,
    indeling: int | None = None,
    register: Register | None = None,
) -> Reeks:
    """The series of ``code`` for the given indicators (default: all with values), harmonised to
    classification year ``indeling``. Pass ``register`` to reuse one built from the same state."""
    doelcode = _controleer_code(code)
    ids = _controleer_indicatoren(indicatoren)
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    niveau = str(niveau_van(doelcode))
    bekend = _bekende_indelingen(register, toestand.grenswijzigingen, niveau)
    doel = _controleer_indeling(indeling, bekend, toestand.waarnemingen)
    w = toestand.waarnemingen
    if ids is not None:
        w = w[w["indicator"].isin(ids)]
    _controleer_bestaan(register, w, doelcode, niveau, doel)
    jaren = sorted({int(j) for j in w["indeling"].unique()})
    stappen = _gemeentestappen(register) if niveau == "gemeente" else {}
    herkomsten = {
        j: _herkomst(register, toestand.grenswijzigingen, stappen, doelcode, niveau, j, doel) for j in jaren
    }
    codes = {doelcode}.union(*(h.aandelen for h in herkomsten.values()))
    deel = _als_tekst(w[w["regio"].isin(codes)])
    waarden = _waarden(deel, doelcode, herkomsten, register)
    return Reeks(doelcode, register.naam(doelcode), niveau, doel, waarden)


# --- input checks ---------------------------------------------------------------------------------


def _controleer_code(code: str) -> str:
    genormaliseerd = normaliseer(code)
    if niveau_van(genormaliseerd) is None:
        raise InvoerFout(
            f"'{code}' is geen geldige regiocode (verwacht bijvoorbeeld GM0981, WK098100 of BU09810000)"
        )
    return genormaliseerd


def _controleer_indicatoren(indicatoren: Iterable[str] | None) -> list[str] | None:
    if indicatoren is None:
        return None
    ids = list(indicatoren)
    cat = catalogus()
    onbekend = [i for i in ids if cat.get(i) is None]
    if onbekend:
        raise InvoerFout(
            f"onbekende indicator {', '.join(repr(i) for i in onbekend)}; "
            "zie 'gebiedskompas indicatoren' voor de id's"
        )
    return ids or None


def _bekende_indelingen(register: Register, grenswijzigingen: pd.DataFrame, niveau: str) -> set[int]:
    """Classification years known for a level: register years, and for wijken also matrix years."""
    t = register.tabel
    jaren = {int(j) for j in t.loc[t["niveau"] == niveau, "jaar"]} if not t.empty else set()
    if niveau == "wijk" and not grenswijzigingen.empty:
        gw = grenswijzigingen[grenswijzigingen["niveau"] == "wijk"]
        jaren |= {int(j) for j in pd.concat([gw["van_jaar"], gw["naar_jaar"]])}
    return jaren


def _controleer_indeling(indeling: int | None, bekend: set[int], waarnemingen: pd.DataFrame) -> int:
    if indeling is None:
        if bekend:
            return max(bekend)
        return int(waarnemingen["indeling"].max()) if len(waarnemingen) else 0
    if bekend and indeling not in bekend:
        raise InvoerFout(
            f"indeling {indeling} is onbekend voor dit niveau; bekend zijn "
            f"{', '.join(str(j) for j in sorted(bekend))}"
        )
    return indeling


def _controleer_bestaan(register: Register, w: pd.DataFrame, code: str, niveau: str, doel: int) -> None:
    if not register.bestaat(code) and not (w["regio"] == code).any():
        raise InvoerFout(
            f"regio {code} komt niet voor in de opslag; laad eerst de tabellen met 'gebiedskompas laad'"
        )
    t = register.tabel
    if t.empty or not register.bestaat(code):
        return
    in_doeljaar = t[(t["niveau"] == niveau) & (t["jaar"] == doel)]
    if len(in_doeljaar) and code not in set(in_doeljaar["code"]):
        jaren = ", ".join(str(int(j)) for j in register.jaren(code)["jaar"])
        opvolgers = sorted(
            {
                f"{h.nieuwe_naam} ({h.nieuwe_code}, {h.jaar})"
                for h in register.herindelingen()
                if h.oude_code == code
            }
        )
        verder = f"; opgegaan in {', '.join(opvolgers)}" if opvolgers else ""
        raise InvoerFout(
            f"regio {code} ({register.naam(code)}) bestaat niet in de indeling {doel}; wel in {jaren}"
            f"{verder}. Kies een andere --indeling of een andere code"
        )


def _als_tekst(w: pd.DataFrame) -> pd.DataFrame:
    return w.astype({"regio": str, "periode": str, "indicator": str, "bron": str}).assign(
        indeling=w["indeling"].astype("int64")
    )


# --- where the area lay in each classification year --------------------------------------------------


def _herkomst(
    register: Register,
    grenswijzigingen: pd.DataFrame,
    stappen: dict[int, _Stap],
    code: str,
    niveau: str,
    van: int,
    naar: int,
) -> Herkomst:
    if van == naar:
        return Herkomst({code: 1.0})
    if niveau == "gemeente":
        return _gemeenteherkomst(register, stappen, code, van, naar)
    if niveau == "wijk":
        return _wijkherkomst(register, grenswijzigingen, code, van, naar)
    if niveau == "buurt":
        return _eigen_indeling(code, van, naar, "er zijn geen grenswijzigingsmatrices voor buurten")
    return Herkomst({code: 1.0})


def _eigen_indeling(code: str, van: int, naar: int, waarom: str) -> Herkomst:
    return Herkomst(
        {code: 1.0}, notitie=f"waarde in de eigen indeling {van}, niet omgezet naar {naar}: {waarom}"
    )


@dataclass
class _Stap:
    """One year's herindelingen: new code -> {old code: share of the old code's addresses}."""

    naar: dict[str, dict[str, float]]
    methoden: set[str]

    def raakt(self, code: str) -> bool:
        return code in self.naar or any(code in oud for oud in self.naar.values())


def _gemeentestappen(register: Register) -> dict[int, _Stap]:
    stappen: dict[int, _Stap] = {}
    bestaand: dict[int, set[str]] = {}
    for h in register.herindelingen():
        vorig = bestaand.setdefault(h.jaar - 1, set(register.gemeenten(h.jaar - 1)["code"].astype(str)))
        stap = stappen.setdefault(h.jaar, _Stap({}, set()))
        deel = stap.naar.setdefault(h.nieuwe_code, {})
        if h.nieuwe_code in vorig:  # an existing gemeente keeps its own territory
            deel[h.nieuwe_code] = 1.0
        deel[h.oude_code] = deel.get(h.oude_code, 0.0) + h.aandeel
        stap.methoden.add(h.methode)
    return stappen


def _gemeenteherkomst(
    register: Register, stappen: dict[int, _Stap], code: str, van: int, naar: int
) -> Herkomst:
    registerjaren = set(register.gemeentejaren())
    ontbrekend = [j for j in range(min(van, naar), max(van, naar) + 1) if j not in registerjaren]
    if ontbrekend:
        waarom = f"het regioregister mist de gemeenten van {', '.join(map(str, ontbrekend))}"
        return _eigen_indeling(code, van, naar, waarom)
    if van > naar:
        return _latere_indeling(stappen, code, van, naar)
    aandelen = {code: 1.0}
    gebruikt: list[tuple[int, _Stap]] = []
    for jaar in range(naar, van, -1):
        stap = stappen.get(jaar)
        if stap is None:
            continue
        vorige, aandelen = aandelen, _stap_terug(aandelen, stap.naar)
        if aandelen != vorige:
            gebruikt.append((jaar, stap))
    return Herkomst(aandelen, bron=_gemeentebron(sorted(gebruikt, key=lambda js: js[0])))


def _stap_terug(aandelen: dict[str, float], naar: dict[str, dict[str, float]]) -> dict[str, float]:
    """One year back: the share of each older code's addresses that lies in the target area."""
    uit: dict[str, float] = defaultdict(float)
    for nieuw, deel in aandelen.items():
        for oud, aandeel in naar.get(nieuw, {nieuw: 1.0}).items():
            uit[oud] += deel * aandeel
    return dict(uit)


def _gemeentebron(gebruikt: list[tuple[int, _Stap]]) -> str:
    if not gebruikt:
        return ""
    jaren = [str(j) for j, _ in gebruikt]
    woord = "herindeling" if len(jaren) == 1 else "herindelingen"
    methoden = sorted({_HERKOMST_TEKST.get(m, f"opvolgers: {m}") for _, s in gebruikt for m in s.methoden})
    return f"{woord} {_opsomming(jaren)}, {'; '.join(methoden)}"


def _latere_indeling(stappen: dict[int, _Stap], code: str, van: int, naar: int) -> Herkomst:
    for jaar in range(naar + 1, van + 1):
        stap = stappen.get(jaar)
        if stap is not None and stap.raakt(code):
            return Herkomst(
                {},
                reden=f"{code} is bij de herindeling van {jaar} gewijzigd; een waarde in de indeling {van} "
                f"is niet terug te rekenen naar {naar}",
            )
    return Herkomst({code: 1.0})


def _wijkherkomst(
    register: Register, grenswijzigingen: pd.DataFrame, code: str, van: int, naar: int
) -> Herkomst:
    gw = grenswijzigingen
    laag, hoog = min(van, naar), max(van, naar)
    deel = gw[(gw["niveau"] == "wijk") & (gw["van_jaar"] == laag) & (gw["naar_jaar"] == hoog)]
    if deel.empty:
        return _eigen_indeling(
            code, van, naar, f"geen grenswijzigingsmatrix voor wijken van {laag} naar {hoog}"
        )
    oud_as, nieuw_as = _assen(deel, register, laag)
    if van > naar:
        if deel[oud_as].eq(code).any() or deel[nieuw_as].eq(code).any():
            return Herkomst(
                {},
                reden=f"{code} is tussen {naar} en {van} gewijzigd; een waarde in de indeling {van} "
                f"is niet terug te rekenen naar {naar}",
            )
        return Herkomst({code: 1.0})
    rijen = deel[deel[nieuw_as] == code]
    if rijen.empty:
        return Herkomst({code: 1.0})
    totaal = {str(o): float(a) for o, a in deel.groupby(oud_as)["adressen"].sum().items()}
    verplaatst = {str(o): float(a) for o, a in rijen.groupby(oud_as)["adressen"].sum().items()}
    return Herkomst(
        {o: a / totaal[o] for o, a in verplaatst.items()},
        gewichten=verplaatst,
        bron=f"wijken uit de grenswijzigingsmatrix {laag}–{hoog} (adressen)",
    )


def _assen(deel: pd.DataFrame, register: Register, jaar: int) -> tuple[str, str]:
    """(old axis, new axis). Every grenswijzigen file seen holds the old codes in ``kolom``; where
    the register knows the wijken of the from-year, that is checked as the register does for
    gemeenten."""
    t = register.tabel
    oud = set(t.loc[(t["niveau"] == "wijk") & (t["jaar"] == jaar), "code"]) if not t.empty else set()
    if oud and not set(deel["kolom"]) <= oud and set(deel["rij"]) <= oud:
        return "rij", "kolom"
    return "kolom", "rij"


# --- values ---------------------------------------------------------------------------------------------

# One predecessor's value: (waarde, onder, boven).
_Waarde = tuple[float, float, float]


def _waarden(
    deel: pd.DataFrame, code: str, herkomsten: dict[int, Herkomst], register: Register
) -> pd.DataFrame:
    rijen: list[dict[str, Any]] = []
    inwoners = _inwonertallen(register)
    for jaar, h in herkomsten.items():
        hier = deel[deel["indeling"] == jaar]
        if h.reden is not None:
            rijen += _niet_terug_te_rekenen(hier[hier["regio"] == code], h.reden)
        elif h.ongewijzigd(code):
            rijen += _direct(hier[hier["regio"] == code], h.notitie or "")
        else:
            rijen += _samengevoegd(hier[hier["regio"].isin(h.aandelen)], h, jaar, inwoners, register.naam)
    frame = pd.DataFrame(rijen, columns=KOLOMMEN).astype(
        {"waarde": "float64", "onder": "float64", "boven": "float64", "indeling_bron": "int64"}
    )
    frame["geharmoniseerd"] = frame["geharmoniseerd"].astype(bool)
    return frame.sort_values(["indicator", "periode", "bron"], ignore_index=True)


def _rij(r: Any, uitkomst: tuple[float, float, float, bool, str]) -> dict[str, Any]:
    ind = catalogus().get(str(r.indicator))
    waarde, onder, boven, geharmoniseerd, methode = uitkomst
    return {
        "indicator": str(r.indicator),
        "label": ind.label if ind else str(r.indicator),
        "eenheid": ind.eenheid if ind else "",
        "periode": str(r.periode),
        "waarde": waarde,
        "onder": onder,
        "boven": boven,
        "bron": str(r.bron),
        "indeling_bron": int(r.indeling),
        "geharmoniseerd": geharmoniseerd,
        "methode": methode,
    }


def _direct(rijen: pd.DataFrame, notitie: str) -> list[dict[str, Any]]:
    return [_rij(r, (*_getallen(r), False, notitie)) for r in rijen[rijen["waarde"].notna()].itertuples()]


def _getallen(r: Any) -> _Waarde:
    return float(r.waarde), float(r.onder), float(r.boven)


def _niet_terug_te_rekenen(rijen: pd.DataFrame, reden: str) -> list[dict[str, Any]]:
    return [_rij(r, _ontbrekend(reden)) for r in rijen[rijen["waarde"].notna()].itertuples()]


def _inwonertallen(register: Register) -> Callable[[str, int], float | None]:
    t = register.tabel
    tallen: dict[tuple[str, int], float] = {}
    if not t.empty:
        bekend = t[t["inwoners"].notna()]
        tallen = {
            (str(c), int(j)): float(i)
            for c, j, i in zip(bekend["code"], bekend["jaar"], bekend["inwoners"], strict=True)
        }
    return lambda code, jaar: tallen.get((code, jaar))


def _samengevoegd(
    rijen: pd.DataFrame,
    h: Herkomst,
    jaar: int,
    inwoners: Callable[[str, int], float | None],
    naam: Callable[[str], str | None],
) -> list[dict[str, Any]]:
    uit = []
    cat = catalogus()
    for _, groep in rijen.groupby(["indicator", "periode", "bron"], sort=True):
        eerste = next(groep.itertuples())
        ind = cat.get(str(eerste.indicator))
        per_code: dict[str, _Waarde] = {str(r.regio): _getallen(r) for r in groep.itertuples()}
        waarden = {c: per_code.get(c, (math.nan, math.nan, math.nan)) for c in sorted(h.aandelen)}
        if all(math.isnan(w[0]) for w in waarden.values()):
            continue  # nothing to combine: no predecessor has a value
        context = _Context(h, ind.eenheid if ind else "", jaar, lambda c: inwoners(c, jaar), naam)
        uit.append(_rij(eerste, _combineer(waarden, context)))
    return uit


@dataclass(frozen=True)
class _Context:
    herkomst: Herkomst
    eenheid: str
    jaar: int  # the values' classification year (the inhabitants' year)
    inwoners: Callable[[str], float | None]
    naam: Callable[[str], str | None]


def _combineer(waarden: dict[str, _Waarde], ctx: _Context) -> tuple[float, float, float, bool, str]:
    """(waarde, onder, boven, geharmoniseerd, methode) of the target area from its predecessors."""
    h = ctx.herkomst
    codes = list(waarden)
    namen = _namen(codes, h.aandelen, ctx.naam)
    ontbreekt = [c for c in codes if math.isnan(waarden[c][0])]
    if ontbreekt:
        return _ontbrekend(
            f"niet samengevoegd: geen waarde voor {_namen(ontbreekt, {}, ctx.naam)} (nodig: {namen})"
        )
    if ctx.eenheid in _NIET_SAMEN_TE_VOEGEN:
        return _ontbrekend(f"niet samengevoegd uit {namen}: {_NIET_SAMEN_TE_VOEGEN[ctx.eenheid]}")
    opgeteld = ctx.eenheid in _OPGETELD
    factoren, weging = _factoren(codes, ctx, opgeteld)
    if factoren is None:
        return _ontbrekend(f"niet samengevoegd uit {namen}: {weging}")
    waarde = sum(factoren[c] * waarden[c][0] for c in codes)
    onder, boven, marge = _interval(waarden, factoren, waarde)
    delen = [f"{'opgeteld' if opgeteld else 'samengevoegd'} uit {namen}", weging, h.bron, marge]
    return waarde, onder, boven, True, "; ".join(d for d in delen if d)


def _ontbrekend(reden: str) -> tuple[float, float, float, bool, str]:
    return math.nan, math.nan, math.nan, False, reden


def _factoren(codes: list[str], ctx: _Context, opgeteld: bool) -> tuple[dict[str, float] | None, str]:
    """Coefficients c_i of the combination sum(c_i x_i), and how they were made (or why not)."""
    h = ctx.herkomst
    if opgeteld:
        deels = any(a < 1.0 for a in h.aandelen.values())
        return dict(h.aandelen), "naar aandeel adressen" if deels else ""
    if h.gewichten is not None:
        gewichten, weging = dict(h.gewichten), "naar adressen gewogen"
    else:
        tallen = {c: ctx.inwoners(c) for c in codes}
        zonder = [c for c, n in tallen.items() if n is None]
        if zonder:
            return None, f"inwonertal {ctx.jaar} ontbreekt voor {', '.join(zonder)}"
        gewichten = {c: (n or 0.0) * h.aandelen[c] for c, n in tallen.items()}
        weging = f"naar inwonertal ({ctx.jaar}) gewogen"
    totaal = sum(gewichten.values())
    if totaal <= 0:
        return None, "de gewichten tellen op tot nul"
    return {c: g / totaal for c, g in gewichten.items()}, weging


def _interval(
    waarden: dict[str, _Waarde], factoren: dict[str, float], waarde: float
) -> tuple[float, float, str]:
    marges = [(onder, boven) for _, onder, boven in waarden.values()]
    zonder = [math.isnan(o) or math.isnan(b) for o, b in marges]
    if all(zonder):
        return math.nan, math.nan, ""
    if any(zonder):
        return math.nan, math.nan, "geen 95%-interval: niet elke voorganger heeft marges"
    se = math.sqrt(sum((factoren[c] * (b - o) / (2 * Z95)) ** 2 for c, (_, o, b) in waarden.items()))
    return waarde - Z95 * se, waarde + Z95 * se, _INTERVAL_TEKST


def _namen(codes: list[str], aandelen: dict[str, float], naam: Callable[[str], str | None]) -> str:
    delen = []
    for c in codes:
        aandeel = aandelen.get(c, 1.0)
        extra = f", {_procent(aandeel)}" if aandeel < 0.9995 else ""
        delen.append(f"{naam(c) or c} ({c}{extra})")
    return ", ".join(delen)


def _procent(aandeel: float) -> str:
    return f"{aandeel * 100:.1f}%".replace(".", ",")


def _opsomming(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"
