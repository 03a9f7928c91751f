""" "Tussen wal en schip": areas that no scoped method covers at any level while their need is as high
as that of the areas the scoped methods put on top.

The first method defines level, period, themes and benchmark. It is run once without its urbanity
restriction (scope-free). Every method at the same level is run as it is; the lowest scope-free
composite among its top N areas is the bar. An area that reaches the bar is reported when no method
has, at its own level, the area itself, one of its parts (wijken, buurten) or the area it lies in
within its scope. Codes give the nesting: a wijk or buurt code starts with the four digits of its
gemeente, a buurt code with the six of its wijk. For every reported area each method says why it did
not cover it, from the register's areas of that method's level in the year nearest to its period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..grenskeuze import meervoud
from ..opmaak import getal
from ..opslag import Toestand
from ..register import Register, dichtstbijzijnd_jaar
from .methode import Methode
from .pijplijn import Kern, bereken
from .rangschik import rangen
from .selecteer import KLASSE_VAN, Gegevens, in_regio, klasse_in_scope, klassen_van_gemeenten, selecteer


@dataclass
class Controle:
    """Whether one method covers one area, and why (not)."""

    methode: str
    niveau: str
    gedekt: bool
    reden: str

    def tekst(self) -> str:
        return f"{self.methode} (niveau {self.niveau}): {self.reden}"


@dataclass
class WalEnSchip:
    gebieden: pd.DataFrame
    drempel: float
    klassen_in_scope: list[int]
    toelichting: str
    # per reported area: the check of every method, in the order the methods were given
    controles: dict[str, list[Controle]] = field(default_factory=dict)
    methoden: list[dict[str, Any]] = field(default_factory=list)


def tussen_wal_en_schip(methoden: list[Methode], toestand: Toestand) -> WalEnSchip:
    basis = methoden[0]
    vrij = basis.model_copy(deep=True)
    vrij.scope.stedelijkheid = [1, 2, 3, 4, 5]
    kern = bereken(vrij, selecteer(vrij, toestand))
    g = kern.gegevens
    score = dict(zip(g.codes[g.in_scope], kern.composiet[g.in_scope], strict=True))
    gekozen = [selecteer(m, toestand) for m in methoden]
    drempel = _drempel(methoden, gekozen, score)
    register = Register(toestand.regios, toestand.grenswijzigingen)
    bereiken = [Bereik(m, s, register) for m, s in zip(methoden, gekozen, strict=True)]
    controles: dict[str, list[Controle]] = {}
    for i in np.flatnonzero(g.in_scope & (kern.composiet >= drempel)):
        per_methode = [b.controleer(str(g.codes[i]), str(g.namen[i])) for b in bereiken]
        if not any(c.gedekt for c in per_methode):
            controles[str(g.codes[i])] = per_methode
    klassen = sorted({k for m in methoden for k in m.scope.stedelijkheid})
    uitleg = (
        f"Klassen in een scope: {klassen}. Drempel: de laagste score (zonder scope) onder de top "
        f"van de methoden op niveau {basis.scope.niveau}: {getal(drempel, 3)}. Gemeld wordt een gebied "
        "dat de drempel haalt en dat geen methode dekt: niet het gebied zelf, geen deel ervan (wijk, buurt) "
        "en niet het gebied waarin het ligt valt in de scope van een methode."
    )
    return WalEnSchip(
        _tabel(kern, controles),
        float(drempel),
        klassen,
        uitleg,
        controles,
        [b.beschrijving() for b in bereiken],
    )


def _drempel(methoden: list[Methode], gekozen: list[Gegevens], score: dict[Any, float]) -> float:
    """The lowest scope-free score among the top of each method at the first method's level."""
    drempels = []
    for m, gegevens in zip(methoden, gekozen, strict=True):
        if m.scope.niveau != methoden[0].scope.niveau:
            continue
        eigen = bereken(m, gegevens)
        s = eigen.gegevens.in_scope
        top = eigen.gegevens.codes[s][rangen(eigen.composiet[s]) <= m.scope.selectie]
        drempels.append(min(score[c] for c in top if c in score))
    return float(min(drempels))


def _tabel(kern: Kern, controles: dict[str, list[Controle]]) -> pd.DataFrame:
    g = kern.gegevens
    buiten = np.isin(g.codes, list(controles))
    rang = rangen(kern.composiet[g.in_scope])
    rang_van = dict(zip(g.codes[g.in_scope], rang, strict=True))
    return pd.DataFrame(
        {
            "code": g.codes[buiten],
            "naam": g.namen[buiten],
            "stedelijkheid": g.stedelijkheid[buiten],
            "composiet_zonder_scope": kern.composiet[buiten],
            "rang_zonder_scope": [rang_van[c] for c in g.codes[buiten]],
            "waarom_buiten_scope": ["; ".join(c.tekst() for c in controles[str(c)]) for c in g.codes[buiten]],
        }
    ).sort_values("composiet_zonder_scope", ascending=False, ignore_index=True)


def overlappen(a: str, b: str) -> bool:
    """Whether two gemeente, wijk or buurt codes are the same area or one lies in the other."""
    kort, lang = sorted((a[2:], b[2:]), key=len)
    return lang.startswith(kort)


class Bereik:
    """What one method covers: the areas of its level in its scope, and the register's areas of that
    level (class of the area and of its gemeente, in or outside the method's region) to explain why
    an area is not covered."""

    def __init__(self, methode: Methode, gegevens: Gegevens, register: Register) -> None:
        self.methode = methode
        self.in_scope = {str(c) for c in gegevens.codes[gegevens.in_scope]}
        self.uitgesloten = {u["code"]: u["reden"] for u in gegevens.uitgesloten}
        self.gebieden = _gebieden_van_niveau(methode, register)
        self._per_gemeente = {
            str(nummer): deel for nummer, deel in self.gebieden.groupby(self.gebieden["code"].str[2:6])
        }

    def beschrijving(self) -> dict[str, Any]:
        scope = self.methode.scope
        return {
            "methode": self.methode.naam,
            "niveau": scope.niveau,
            "periode": scope.periode,
            "stedelijkheid": scope.stedelijkheid,
            "stedelijkheid_van": scope.stedelijkheid_van,
        }

    def controleer(self, code: str, naam: str) -> Controle:
        scope = self.methode.scope
        gedekt = sorted(c for c in self.in_scope if c[2:6] == code[2:6] and overlappen(c, code))
        if gedekt:
            reden = f"{len(gedekt)} {_woord(scope.niveau, len(gedekt))} in de scope: {', '.join(gedekt[:5])}"
        else:
            reden = self._waarom_niet(self._delen(code), code, naam)
        return Controle(self.methode.naam, scope.niveau, bool(gedekt), reden)

    def _delen(self, code: str) -> pd.DataFrame:
        """The register's areas of the method's level that are, contain or lie in ``code``."""
        zelfde = self._per_gemeente.get(code[2:6], self.gebieden.iloc[0:0])
        return zelfde[zelfde["code"].map(lambda c: overlappen(str(c), code))]

    def _waarom_niet(self, delen: pd.DataFrame, code: str, naam: str) -> str:
        scope = self.methode.scope
        if delen.empty:
            return f"het gebiedenregister heeft hier geen {meervoud(scope.niveau)} (periode {scope.periode})"
        if not delen["in_regio"].any():
            return f"ligt buiten de regio van de methode ({_regiotekst(self.methode)})"
        juist = delen[delen["klasse_ok"]]
        if juist.empty:
            return self._klassereden(delen, code, naam)
        return self._afgevallen(juist)

    def _afgevallen(self, juist: pd.DataFrame) -> str:
        """Areas of the right urbanity that the scope still dropped (too few inhabitants or data)."""
        periode = self.methode.scope.periode
        redenen = [
            f"{r.code} ({r.naam}): {self.uitgesloten.get(str(r.code), f'geen gegevens in {periode}')}"
            for r in juist.itertuples()
        ]
        n = len(redenen)
        return (
            f"{n} {_woord(self.methode.scope.niveau, n)} met de juiste stedelijkheid "
            f"{'valt' if n == 1 else 'vallen'} af: " + "; ".join(redenen)
        )

    def _klassereden(self, delen: pd.DataFrame, code: str, naam: str) -> str:
        scope = self.methode.scope
        gevraagd = _of(scope.stedelijkheid)
        gemeenteklasse = _klasse(delen["gemeenteklasse"].iloc[0])
        if scope.stedelijkheid_van == "gemeente" and scope.niveau != "gemeente":
            return (
                f"de gemeente is stedelijkheidsklasse {gemeenteklasse}, niet {gevraagd} (de scope test de "
                f"stedelijkheid {KLASSE_VAN['gemeente']})"
            )
        if len(delen) == 1:
            eigen = _klasse(delen["stedelijkheid"].iloc[0])
            tekst = (
                f"{_onderwerp(delen.iloc[0], code, naam)} is stedelijkheidsklasse {eigen}, niet {gevraagd}"
            )
        else:
            klassen = _en(sorted({_klasse(k) for k in delen["stedelijkheid"]}))
            tekst = (
                f"geen van de {len(delen)} {meervoud(scope.niveau)} is stedelijkheidsklasse {gevraagd} "
                f"(wel {klassen})"
            )
        if scope.stedelijkheid_van == "een van beide" and scope.niveau != "gemeente":
            tekst += f", en de gemeente (klasse {gemeenteklasse}) ook niet"
        return tekst


def _onderwerp(rij: pd.Series, code: str, naam: str) -> str:
    """How a message names the one area of the method's level: the area itself, the area it lies in,
    or its only part."""
    if rij["code"] == code:
        return naam
    niveau = rij["niveau"]
    if len(str(rij["code"])) < len(code):
        return f"de {niveau} waarin het ligt ({rij['naam']})"
    return f"de enige {niveau} ({rij['naam']})"


def _gebieden_van_niveau(methode: Methode, register: Register) -> pd.DataFrame:
    """The register's areas of the method's level in the register year nearest to its period, with
    the urbanity test and the region test of the method's scope applied to each."""
    scope = methode.scope
    jaar = int(scope.periode[:4])
    t = register.tabel
    t = t[t["niveau"] == scope.niveau]
    if t.empty:
        return pd.DataFrame(
            columns=["code", "naam", "niveau", "stedelijkheid", "gemeenteklasse", "in_regio", "klasse_ok"]
        )
    t = t[t["jaar"] == dichtstbijzijnd_jaar(t["jaar"].unique(), jaar)]
    codes = t["code"].astype(str).to_numpy(dtype=object)
    gemeenten = np.array(["GM" + c[2:6] for c in codes], dtype=object)
    eigen = t["stedelijkheid"].to_numpy(dtype="float64")
    van_gemeente = klassen_van_gemeenten(gemeenten, jaar, register)
    provincie_van = register.provincies(jaar)
    provincies = np.array([provincie_van.get(g) for g in gemeenten], dtype=object)
    return pd.DataFrame(
        {
            "code": codes,
            "naam": t["naam"].fillna(t["code"]).astype(str).to_numpy(),
            "niveau": scope.niveau,
            "stedelijkheid": eigen,
            "gemeenteklasse": van_gemeente,
            "in_regio": in_regio(provincies, gemeenten, scope, register),
            "klasse_ok": klasse_in_scope(eigen, van_gemeente, scope),
        }
    )


def _regiotekst(methode: Methode) -> str:
    scope = methode.scope
    delen = [*scope.provincies, *scope.gemeenten]
    return ", ".join(delen) if delen else "heel Nederland"


def _woord(niveau: str, n: int) -> str:
    return niveau if n == 1 else meervoud(niveau)


def _klasse(k: float) -> str:
    return "onbekend" if np.isnan(k) else str(int(k))


def _of(klassen: list[int]) -> str:
    tekst = [str(k) for k in klassen]
    return tekst[0] if len(tekst) == 1 else f"{', '.join(tekst[:-1])} of {tekst[-1]}"


def _en(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"
