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

``harmoniseer`` does the same for one indicator and every area of one level at once (the input of
panels and group comparisons): the areas of the target classification are those the register
holds for that level and year (plus any area with values in that very classification that the
register lacks; for a level the register does not hold in that year, every area with values).
Per classification year, unchanged areas are taken over in one step and only the changed ones
are combined, by the same functions as ``reeks`` uses, so both give the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .catalogus import catalogus
from .codes import NIVEAUS, niveau_van, normaliseer
from .errors import InvoerFout
from .opmaak import procent
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
HARMONISATIEKOLOMMEN = ["regio", "periode", "waarde", "onder", "boven", "bron", "geharmoniseerd", "methode"]
# Units whose values over areas are summed, not averaged; and units that cannot be combined at all.
OPGETELD = {"aantal"}
NIET_SAMEN_TE_VOEGEN = {
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
    doel = doelindeling(toestand, niveau, indeling, register)
    w = toestand.waarnemingen
    if ids is not None:
        w = w[w["indicator"].isin(ids)]
    _controleer_bestaan(register, w, doelcode, niveau, doel)
    jaren = sorted({int(j) for j in w["indeling"].unique()})
    bepaling = _Herkomstbepaling(register, toestand.grenswijzigingen, niveau, doel)
    herkomsten = {j: bepaling.herkomst(doelcode, j) for j in jaren}
    codes = {doelcode}.union(*(h.aandelen for h in herkomsten.values()))
    deel = _als_tekst(w[w["regio"].isin(codes)])
    waarden = _waarden(deel, doelcode, herkomsten, register)
    return Reeks(doelcode, register.naam(doelcode), niveau, doel, waarden)


def doelindeling(
    toestand: Toestand, niveau: str, indeling: int | None = None, register: Register | None = None
) -> int:
    """The classification year series of ``niveau`` are put on: ``indeling`` (checked against the
    years known for that level), by default the latest year the register knows for the level."""
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    bekend = _bekende_indelingen(register, toestand.grenswijzigingen, niveau)
    return _controleer_indeling(indeling, bekend, toestand.waarnemingen)


def harmoniseer(
    toestand: Toestand,
    indicator: str,
    indeling: int | None = None,
    niveau: str | None = None,
    register: Register | None = None,
) -> pd.DataFrame:
    """One indicator for every area of ``niveau`` (default: the finest level with values) on
    classification year ``indeling`` (default as in ``reeks``). Columns ``HARMONISATIEKOLOMMEN``,
    one row per area, periode and bron, sorted; per area the same rows and numbers as
    ``reeks(toestand, regio, [indicator], indeling)``."""
    _controleer_indicatoren([indicator])
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    w = toestand.waarnemingen
    w = w[w["indicator"] == indicator]
    regio = w["regio"].astype(str)
    niveau_per_code = {c: niveau_van(c) for c in regio.unique()}
    niveaus = regio.map(niveau_per_code)
    niveau = _controleer_niveau(indicator, niveau, {str(n) for n in niveau_per_code.values() if n})
    w = _als_tekst(w[niveaus == niveau])
    doel = doelindeling(toestand, niveau, indeling, register)
    gebieden = _doelgebieden(register, w, niveau, doel)
    bepaling = _Herkomstbepaling(register, toestand.grenswijzigingen, niveau, doel)
    inwoners = _inwonertallen(register, niveau)
    namen = _namen_per_code(register)
    delen = [
        _harmoniseer_jaar(w[w["indeling"] == jaar], jaar, gebieden, bepaling, inwoners, namen.get)
        for jaar in sorted({int(j) for j in w["indeling"].unique()})
    ]
    frame = pd.concat([_lege_harmonisatie(), *delen], ignore_index=True)
    return frame.sort_values(["regio", "periode", "bron"], ignore_index=True)


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


def _controleer_niveau(indicator: str, niveau: str | None, aanwezig: set[str]) -> str:
    if not aanwezig:
        raise InvoerFout(
            f"geen waarden voor indicator '{indicator}' in de opslag; laad eerst de tabellen met "
            "'gebiedskompas laad'"
        )
    volgorde = sorted(aanwezig, key=lambda n: NIVEAUS.index(n) if n in NIVEAUS else len(NIVEAUS))
    if niveau is None:
        return volgorde[-1]
    if niveau not in aanwezig:
        raise InvoerFout(
            f"indicator '{indicator}' heeft geen waarden op niveau '{niveau}'; wel op {', '.join(volgorde)}"
        )
    return niveau


def _doelgebieden(register: Register, w: pd.DataFrame, niveau: str, doel: int) -> list[str]:
    """The areas of classification ``doel``: the register's, plus areas with values in that very
    classification that it lacks; without register areas for that level and year, all with values."""
    t = register.tabel
    if t.empty:
        return sorted(set(w["regio"]))
    in_doeljaar = set(t.loc[(t["niveau"] == niveau) & (t["jaar"] == doel), "code"].astype(str))
    if not in_doeljaar:
        return sorted(set(w["regio"]))
    onbekend = {c for c in set(w.loc[w["indeling"] == doel, "regio"]) if not register.bestaat(c)}
    return sorted(in_doeljaar | onbekend)


def _als_tekst(w: pd.DataFrame) -> pd.DataFrame:
    return w.astype({"regio": str, "periode": str, "indicator": str, "bron": str}).assign(
        indeling=w["indeling"].astype("int64")
    )


# --- where the area lay in each classification year --------------------------------------------------


class _Herkomstbepaling:
    """Where an area of classification ``doel`` lay in other classification years. What every
    area needs (the herindelingen per year, the wijk matrices) is looked up once."""

    def __init__(self, register: Register, grenswijzigingen: pd.DataFrame, niveau: str, doel: int) -> None:
        self._register = register
        self._grenswijzigingen = grenswijzigingen
        self._niveau = niveau
        self._doel = doel
        self._matrices: dict[tuple[int, int], _Wijkmatrix | None] = {}

    @cached_property
    def _stappen(self) -> dict[int, _Stap]:
        return _gemeentestappen(self._register)

    @cached_property
    def _registerjaren(self) -> set[int]:
        return set(self._register.gemeentejaren())

    def herkomst(self, code: str, van: int) -> Herkomst:
        naar = self._doel
        if van == naar:
            return Herkomst({code: 1.0})
        if self._niveau == "gemeente":
            return _gemeenteherkomst(self._registerjaren, self._stappen, code, van, naar)
        if self._niveau == "wijk":
            return _wijkherkomst(self._matrix(min(van, naar), max(van, naar)), code, van, naar)
        if self._niveau == "buurt":
            return _eigen_indeling(code, van, naar, "er zijn geen grenswijzigingsmatrices voor buurten")
        return Herkomst({code: 1.0})

    def _matrix(self, laag: int, hoog: int) -> _Wijkmatrix | None:
        if (laag, hoog) not in self._matrices:
            self._matrices[(laag, hoog)] = _wijkmatrix(self._register, self._grenswijzigingen, laag, hoog)
        return self._matrices[(laag, hoog)]


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
    registerjaren: set[int], stappen: dict[int, _Stap], code: str, van: int, naar: int
) -> Herkomst:
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


@dataclass(frozen=True)
class _Wijkmatrix:
    """One wijk matrix, indexed: every code on it, and per new code the addresses from each old one."""

    laag: int
    hoog: int
    codes: frozenset[str]
    totaal: dict[str, float]  # old code -> all its addresses
    naar: dict[str, dict[str, float]]  # new code -> {old code: addresses moved}


def _wijkmatrix(
    register: Register, grenswijzigingen: pd.DataFrame, laag: int, hoog: int
) -> _Wijkmatrix | None:
    gw = grenswijzigingen
    deel = gw[(gw["niveau"] == "wijk") & (gw["van_jaar"] == laag) & (gw["naar_jaar"] == hoog)]
    if deel.empty:
        return None
    oud_as, nieuw_as = _assen(deel, register, laag)
    totaal = {str(o): float(a) for o, a in deel.groupby(oud_as)["adressen"].sum().items()}
    verplaatst = deel.groupby([nieuw_as, oud_as])["adressen"].sum()
    naar: dict[str, dict[str, float]] = {}
    for nieuw, oud, a in zip(
        verplaatst.index.get_level_values(0), verplaatst.index.get_level_values(1), verplaatst, strict=True
    ):
        naar.setdefault(str(nieuw), {})[str(oud)] = float(a)
    codes = frozenset(deel[oud_as].astype(str)) | frozenset(deel[nieuw_as].astype(str))
    return _Wijkmatrix(laag, hoog, codes, totaal, naar)


def _wijkherkomst(matrix: _Wijkmatrix | None, code: str, van: int, naar: int) -> Herkomst:
    if matrix is None:
        laag, hoog = min(van, naar), max(van, naar)
        return _eigen_indeling(
            code, van, naar, f"geen grenswijzigingsmatrix voor wijken van {laag} naar {hoog}"
        )
    if van > naar:
        if code in matrix.codes:
            return Herkomst(
                {},
                reden=f"{code} is tussen {naar} en {van} gewijzigd; een waarde in de indeling {van} "
                f"is niet terug te rekenen naar {naar}",
            )
        return Herkomst({code: 1.0})
    verplaatst = matrix.naar.get(code)
    if not verplaatst:
        return Herkomst({code: 1.0})
    return Herkomst(
        {o: a / matrix.totaal[o] for o, a in verplaatst.items()},
        gewichten=dict(verplaatst),
        bron=f"wijken uit de grenswijzigingsmatrix {matrix.laag}–{matrix.hoog} (adressen)",
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


def _harmoniseer_jaar(
    hier: pd.DataFrame,
    jaar: int,
    gebieden: list[str],
    bepaling: _Herkomstbepaling,
    inwoners: Callable[[str, int], float | None],
    naam: Callable[[str], str | None],
) -> pd.DataFrame:
    """The values of classification year ``jaar`` (rows ``hier``) for every target area."""
    herkomsten = {c: bepaling.herkomst(c, jaar) for c in gebieden}
    direct = {c: h.notitie or "" for c, h in herkomsten.items() if h.ongewijzigd(c)}
    redenen = {c: h.reden for c, h in herkomsten.items() if h.reden is not None}
    posities = hier.groupby("regio", sort=False).indices
    samengevoegd = [
        {**rij, "regio": c}
        for c, h in herkomsten.items()
        if c not in direct and c not in redenen
        for rij in _samengevoegd(_rijen_van(hier, posities, h.aandelen), h, jaar, inwoners, naam)
    ]
    return pd.concat(
        [
            _overgenomen(hier, direct, waarden=True),
            _overgenomen(hier, redenen, waarden=False),
            pd.DataFrame(samengevoegd, columns=[*KOLOMMEN, "regio"])[HARMONISATIEKOLOMMEN],
        ],
        ignore_index=True,
    )


def _rijen_van(hier: pd.DataFrame, posities: dict[Any, Any], codes: Iterable[str]) -> pd.DataFrame:
    delen = [posities[c] for c in codes if c in posities]
    return hier.iloc[np.sort(np.concatenate(delen))] if delen else hier.iloc[0:0]


def _overgenomen(hier: pd.DataFrame, methoden: dict[str, str], waarden: bool) -> pd.DataFrame:
    """Rows of areas taken as they are (``waarden``), or left missing with a reason, in one step."""
    rijen = hier[hier["regio"].isin(list(methoden)) & hier["waarde"].notna()]
    getallen = {k: rijen[k] if waarden else math.nan for k in ("waarde", "onder", "boven")}
    return pd.DataFrame(
        {
            "regio": rijen["regio"],
            "periode": rijen["periode"],
            **getallen,
            "bron": rijen["bron"],
            "geharmoniseerd": False,
            "methode": rijen["regio"].map(methoden),
        },
        columns=HARMONISATIEKOLOMMEN,
    )


def _lege_harmonisatie() -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(dtype=object) for k in HARMONISATIEKOLOMMEN})
    return frame.astype({"waarde": "float64", "onder": "float64", "boven": "float64", "geharmoniseerd": bool})


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


def _namen_per_code(register: Register) -> dict[str, str]:
    """``register.naam`` for every code at once: the name of the latest year that has one."""
    t = register.tabel
    if t.empty:
        return {}
    laatste = t.dropna(subset=["naam"]).drop_duplicates("code", keep="last")
    return dict(zip(laatste["code"].astype(str), laatste["naam"].astype(str), strict=True))


def _inwonertallen(register: Register, niveau: str | None = None) -> Callable[[str, int], float | None]:
    """Inhabitants per (code, year); of one level only when ``niveau`` is given."""
    t = register.tabel
    tallen: dict[tuple[str, int], float] = {}
    if not t.empty:
        bekend = t[t["inwoners"].notna() & ((t["niveau"] == niveau) if niveau else True)]
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
    groepen: dict[tuple[str, str, str], list[_Waarneming]] = defaultdict(list)
    for r in _waarnemingen(rijen):
        groepen[(r.indicator, r.periode, r.bron)].append(r)
    for sleutel in sorted(groepen):
        groep = groepen[sleutel]
        eerste = groep[0]
        ind = cat.get(eerste.indicator)
        per_code: dict[str, _Waarde] = {r.regio: _getallen(r) for r in groep}
        waarden = {c: per_code.get(c, (math.nan, math.nan, math.nan)) for c in sorted(h.aandelen)}
        if all(math.isnan(w[0]) for w in waarden.values()):
            continue  # nothing to combine: no predecessor has a value
        context = _Context(h, ind.eenheid if ind else "", jaar, lambda c: inwoners(c, jaar), naam)
        uit.append(_rij(eerste, _combineer(waarden, context)))
    return uit


class _Waarneming(NamedTuple):
    """One row of the store, as plain Python values."""

    regio: str
    indicator: str
    periode: str
    bron: str
    indeling: int
    waarde: float
    onder: float
    boven: float


def _waarnemingen(rijen: pd.DataFrame) -> list[_Waarneming]:
    kolommen = (rijen[k].tolist() for k in _Waarneming._fields)
    return [_Waarneming(*r) for r in zip(*kolommen, strict=True)]


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
    if ctx.eenheid in NIET_SAMEN_TE_VOEGEN:
        return _ontbrekend(f"niet samengevoegd uit {namen}: {NIET_SAMEN_TE_VOEGEN[ctx.eenheid]}")
    opgeteld = ctx.eenheid in OPGETELD
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
        extra = f", {procent(aandeel * 100)}" if aandeel < 0.9995 else ""
        delen.append(f"{naam(c) or c} ({c}{extra})")
    return ", ".join(delen)


def _opsomming(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"
