"""Indicator catalogue, kept as data in ``data/indicatoren.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .bronnen import bronregister

Richting = Literal["hoger_is_beter", "hoger_is_slechter", "neutraal"]


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

    def tabellen(self) -> list[str]:
        return [t for b in self.bron for t in b.tabellen]


class Catalogus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: list[Indicator]

    def get(self, indicator_id: str) -> Indicator | None:
        return self._index().get(indicator_id)

    def _index(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicator}

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
        reg = bronregister()
        tabellen = ind.tabellen() or (
            self.get(ind.afgeleid.teller).tabellen()  # type: ignore[union-attr]
            if ind.afgeleid and self.get(ind.afgeleid.teller)
            else []
        )
        return "; ".join(reg.zoek(t).bronvermelding for t in dict.fromkeys(tabellen) if reg.bekend(t))


@lru_cache(maxsize=1)
def catalogus() -> Catalogus:
    tekst = resources.files("gebiedskompas.data").joinpath("indicatoren.toml").read_bytes()
    cat = Catalogus.model_validate(tomllib.loads(tekst.decode("utf-8")))
    ids = [i.id for i in cat.indicator]
    dubbel = {i for i in ids if ids.count(i) > 1}
    if dubbel:
        raise ValueError(f"dubbele indicator-id's in de catalogus: {sorted(dubbel)}")
    return cat
