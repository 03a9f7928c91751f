"""Indicator catalogue, kept as data in ``data/indicatoren.toml``."""

from __future__ import annotations

import math
import re
import tomllib
from functools import cached_property, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .bronnen import bronregister

Richting = Literal["hoger_is_beter", "hoger_is_slechter", "neutraal"]

# Units whose values can never be negative (counts, distances, densities, rates).
_NIET_NEGATIEF = ("aantal", "km", "per km²", "per 1.000 inwoners", "x 1.000 euro")
_SCHAAL = re.compile(r"\((?P<min>-?\d+(?:[.,]\d+)?)\s*-\s*(?P<max>-?\d+(?:[.,]\d+)?)\)")


def standaardbereik(eenheid: str) -> tuple[float, float]:
    """The valid range a unit implies: % is 0..100, a scale written as '(1-5)' or '(0-10)' is
    that scale, counts, distances and densities are at least 0; anything else is unbounded."""
    if eenheid.strip() == "%":
        return 0.0, 100.0
    schaal = _SCHAAL.search(eenheid)
    if schaal:
        return float(schaal["min"].replace(",", ".")), float(schaal["max"].replace(",", "."))
    if eenheid == "per 1.000 inwoners":
        return 0.0, 1000.0
    if any(eenheid.endswith(e) or eenheid == e for e in _NIET_NEGATIEF):
        return 0.0, math.inf
    return -math.inf, math.inf


class Bronkolom(BaseModel):
    """Where an indicator lives in one or more tables."""

    model_config = ConfigDict(extra="forbid")
    tabellen: list[str]
    kolom: str | None = None
    titel: str | None = None
    onder: str | None = None
    boven: str | None = None
    filter: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _kolom_of_titel(self) -> Bronkolom:
        if self.kolom is None and self.titel is None:
            raise ValueError("een bron heeft 'kolom' of 'titel' nodig")
        return self


class Afgeleid(BaseModel):
    model_config = ConfigDict(extra="forbid")
    teller: str
    noemer: str
    factor: float = 1.0


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    label: str
    eenheid: str
    thema: str
    richting: Richting
    niveaus: list[str]
    definitie: str
    bron: list[Bronkolom] = Field(default_factory=list)
    afgeleid: Afgeleid | None = None
    # Own indicators (a province's survey) have no table in the source registry: they carry
    # their citation and licence themselves.
    bronvermelding: str | None = None
    licentie: str | None = None
    # Valid range of a value read from a file; without it, the range the unit implies
    # (``standaardbereik``). Values outside it are rejected when loading.
    min: float | None = None
    max: float | None = None

    def bereik(self) -> tuple[float, float]:
        """(lowest, highest) valid value; +-inf where unbounded."""
        laag, hoog = standaardbereik(self.eenheid)
        return (laag if self.min is None else self.min, hoog if self.max is None else self.max)

    def tabellen(self) -> list[str]:
        return [t for b in self.bron for t in b.tabellen]


class Catalogus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: list[Indicator]

    def get(self, indicator_id: str) -> Indicator | None:
        lijst, opzoek = self.opzoektabel
        if lijst is not self.indicator:  # the list was replaced (a copy with another list)
            del self.__dict__["opzoektabel"]
            lijst, opzoek = self.opzoektabel
        return opzoek.get(indicator_id)

    @cached_property
    def opzoektabel(self) -> tuple[list[Indicator], dict[str, Indicator]]:
        """The indicator list and its id -> indicator look-up, built once per catalogue instance
        (a composed catalogue is a new instance with its own)."""
        return self.indicator, {i.id: i for i in self.indicator}

    def voor_tabel(self, tabel_id: str) -> list[tuple[Indicator, Bronkolom]]:
        """Every (indicator, column) pair that reads from the given table."""
        return [
            (ind, bron)
            for ind in self.indicator
            for bron in ind.bron
            if tabel_id.upper() in (t.upper() for t in bron.tabellen)
        ]

    def afgeleide(self) -> list[Indicator]:
        return [i for i in self.indicator if i.afgeleid is not None]

    def citatie(self, indicator_id: str) -> str:
        ind = self.get(indicator_id)
        if ind is None:
            return ""
        if ind.bronvermelding:
            return ind.bronvermelding
        reg = bronregister()
        tabellen = ind.tabellen() or (
            self.get(ind.afgeleid.teller).tabellen()  # type: ignore[union-attr]
            if ind.afgeleid and self.get(ind.afgeleid.teller)
            else []
        )
        return "; ".join(reg.zoek(t).bronvermelding for t in dict.fromkeys(tabellen) if reg.bekend(t))


class _EigenIndicatoren:
    """Own indicators (``eigen.*``) of the stores read in this process, per store folder.

    The store keeps their definitions; reading or writing a store registers them here, so every
    ``catalogus()`` lookup knows them without a store argument. The merged catalogue is built
    once per change."""

    def __init__(self) -> None:
        self.per_opslag: dict[str, tuple[Indicator, ...]] = {}
        self.samengesteld: Catalogus | None = None

    def registreer(self, opslag: str, indicatoren: list[Indicator]) -> None:
        nieuw = tuple(indicatoren)
        if self.per_opslag.get(opslag, ()) != nieuw:
            self.per_opslag[opslag] = nieuw
            self.samengesteld = None

    def catalogus(self) -> Catalogus:
        if self.samengesteld is None:
            eigen = {i.id: i for groep in self.per_opslag.values() for i in groep}
            basis = _basiscatalogus()
            self.samengesteld = (
                Catalogus.model_construct(indicator=[*basis.indicator, *eigen.values()]) if eigen else basis
            )
        return self.samengesteld


_EIGEN = _EigenIndicatoren()


def registreer_eigen(opslag: str, indicatoren: list[Indicator]) -> None:
    """Make a store's own indicators part of ``catalogus()`` (called when a store is read or written)."""
    _EIGEN.registreer(opslag, indicatoren)


def catalogus() -> Catalogus:
    """The bundled catalogue plus the own indicators of the stores read in this process."""
    return _EIGEN.catalogus()


@lru_cache(maxsize=1)
def _basiscatalogus() -> Catalogus:
    tekst = resources.files("gebiedskompas.data").joinpath("indicatoren.toml").read_bytes()
    cat = Catalogus.model_validate(tomllib.loads(tekst.decode("utf-8")))
    ids = [i.id for i in cat.indicator]
    dubbel = {i for i in ids if ids.count(i) > 1}
    if dubbel:
        raise ValueError(f"dubbele indicator-id's in de catalogus: {sorted(dubbel)}")
    return cat
