"""Source registry: the official tables the tool knows, kept as data in ``data/bronnen.toml``."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import OnbekendeTabel

Soort = Literal[
    "kwb",
    "gebieden",
    "gezondheid_wijkbuurt",
    "gezondheid_regio",
    "ses",
    "veiligheid",
    "lbm2_pc4",
    "lbm3",
]


class RegioKolom(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kolom: str
    titel: str | None = None
    op_naam: bool = False


class Tabel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    titel: str
    soort: Soort
    catalogus: str
    jaar: int
    periode: str | None = None
    licentie: str
    uitgever: str
    bestandspatronen: list[str] = Field(default_factory=list)
    regio: RegioKolom
    registervelden: dict[str, str] = Field(default_factory=dict)
    perioden: str | None = None
    perioden_titel: str | None = None
    marges: str | None = None

    @property
    def bronvermelding(self) -> str:
        return f"{self.uitgever}, {self.titel} (tabel {self.id}), {self.licentie}"


class Bronregister(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tabel: list[Tabel]

    def zoek(self, tabel_id: str) -> Tabel:
        key = tabel_id.strip().upper()
        for t in self.tabel:
            if t.id.upper() == key:
                return t
        bekend = ", ".join(t.id for t in self.tabel)
        raise OnbekendeTabel(
            f"onbekende tabel '{tabel_id}': staat niet in het bronregister. Bekende tabellen: {bekend}"
        )

    def bekend(self, tabel_id: str) -> bool:
        return any(t.id.upper() == tabel_id.strip().upper() for t in self.tabel)

    def bij_bestandsnaam(self, naam: str) -> Tabel | None:
        """The table a file belongs to: by table id in its name, else by a registered pattern."""
        gevonden = re.search(r"(\d{5}(?:NED|ned))", naam)
        if gevonden and self.bekend(gevonden.group(1)):
            return self.zoek(gevonden.group(1))
        for t in self.tabel:
            if any(re.search(p, naam) for p in t.bestandspatronen):
                return t
        return None


@lru_cache(maxsize=1)
def bronregister() -> Bronregister:
    tekst = resources.files("gebiedskompas.data").joinpath("bronnen.toml").read_bytes()
    return Bronregister.model_validate(tomllib.loads(tekst.decode("utf-8")))
