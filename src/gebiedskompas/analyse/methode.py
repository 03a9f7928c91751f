"""The method spec ("methode"): a typed, replayable description of one need analysis.

Written as TOML, validated with pydantic; every error names the key and lists the valid options
in Dutch. The same object drives the CLI, the results and the run record.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InvoerFout

Niveau = Literal["gemeente", "wijk", "buurt"]
Normalisatie = Literal["zscore", "minmax", "prank", "dist2ref"]
Aggregatie = Literal["rekenkundig", "meetkundig"]
Benchmarksoort = Literal["nl", "nl_zelfde_stedelijkheid", "groep"]
Imputatie = Literal["geen", "benchmarkgemiddelde"]
Richting = Literal["hoger_is_beter", "hoger_is_slechter"]

_STRIKT = ConfigDict(extra="forbid")
_NORMALISATIES: tuple[Normalisatie, ...] = ("zscore", "minmax", "prank")
_AGGREGATIES: tuple[Aggregatie, ...] = ("rekenkundig", "meetkundig")


class Scope(BaseModel):
    model_config = _STRIKT
    provincies: list[str] = Field(default_factory=list)
    gemeenten: list[str] = Field(default_factory=list)
    niveau: Niveau
    periode: str
    stedelijkheid: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    min_inwoners: int = Field(default=0, ge=0)
    min_dekking: float = Field(default=0.66, ge=0, le=1)
    selectie: int = Field(default=8, ge=1)

    @field_validator("stedelijkheid")
    @classmethod
    def _klassen(cls, v: list[int]) -> list[int]:
        fout = [k for k in v if k not in (1, 2, 3, 4, 5)]
        if fout or not v:
            raise ValueError(f"stedelijkheidsklassen moeten 1 tot en met 5 zijn, niet {fout or v}")
        return sorted(set(v))


class Benchmark(BaseModel):
    model_config = _STRIKT
    soort: Benchmarksoort = "nl_zelfde_stedelijkheid"
    groep: list[str] = Field(default_factory=list)
    naam: str | None = None

    @model_validator(mode="after")
    def _groep_nodig(self) -> Benchmark:
        if self.soort == "groep" and not self.groep:
            raise ValueError("een benchmark van soort 'groep' heeft een lijst regiocodes in 'groep' nodig")
        return self


class Uitschieters(BaseModel):
    model_config = _STRIKT
    winsoriseren: bool = True
    scheefheid: float = Field(default=2.0, gt=0)
    kurtosis: float = Field(default=3.5, gt=0)
    max_punten: int = Field(default=5, ge=0)


class Classificatie(BaseModel):
    model_config = _STRIKT
    drempel: float = Field(default=0.25, ge=0)


class Robuustheid(BaseModel):
    model_config = _STRIKT
    gewichtsvariatie: float = Field(default=0.25, ge=0, lt=1)
    normalisaties: list[Normalisatie] = Field(default_factory=lambda: list(_NORMALISATIES))
    aggregaties: list[Aggregatie] = Field(default_factory=lambda: list(_AGGREGATIES))
    weglaten: bool = True


class IndicatorKeuze(BaseModel):
    model_config = _STRIKT
    id: str
    gewicht: float = Field(default=1.0, gt=0)
    richting: Richting | None = None
    reden: str = ""
    # Published only for larger areas (Leefbaarometer per wijk in a buurt analysis): an area
    # without a value of its own takes the value of the area it lies in, and the output says so.
    bovenliggend: bool = False


class Thema(BaseModel):
    model_config = _STRIKT
    id: str
    label: str
    gewicht: float = Field(default=1.0, gt=0)
    toelichting: str = ""
    indicator: list[IndicatorKeuze] = Field(min_length=1)


class Methode(BaseModel):
    model_config = _STRIKT
    naam: str
    titel: str
    toelichting: str = ""
    scope: Scope
    benchmark: Benchmark = Field(default_factory=Benchmark)
    normalisatie: Normalisatie = "zscore"
    aggregatie: Aggregatie = "rekenkundig"
    imputatie: Imputatie = "geen"
    uitschieters: Uitschieters = Field(default_factory=Uitschieters)
    classificatie: Classificatie = Field(default_factory=Classificatie)
    robuustheid: Robuustheid = Field(default_factory=Robuustheid)
    thema: list[Thema] = Field(min_length=1)

    @model_validator(mode="after")
    def _uniek(self) -> Methode:
        ids = [i.id for t in self.thema for i in t.indicator]
        dubbel = sorted({i for i in ids if ids.count(i) > 1})
        if dubbel:
            raise ValueError(f"indicator(en) staan in meer dan één thema: {', '.join(dubbel)}")
        return self

    def indicator_ids(self) -> list[str]:
        return [i.id for t in self.thema for i in t.indicator]


def gebundelde_methoden() -> list[str]:
    map = resources.files("gebiedskompas.data").joinpath("methoden")
    return sorted(p.name.removesuffix(".toml") for p in map.iterdir() if p.name.endswith(".toml"))


def methode_tekst(naam_of_pad: str) -> tuple[str, str]:
    """The TOML text of a shipped method (by name) or a file (by path), and where it came from."""
    if naam_of_pad in gebundelde_methoden():
        bron = resources.files("gebiedskompas.data").joinpath("methoden", f"{naam_of_pad}.toml")
        return bron.read_text(encoding="utf-8"), f"meegeleverde methode '{naam_of_pad}'"
    pad = Path(naam_of_pad)
    if not pad.is_file():
        raise InvoerFout(
            f"methode '{naam_of_pad}' bestaat niet: geen bestand en geen meegeleverde methode "
            f"(kies uit: {', '.join(gebundelde_methoden())})"
        )
    return pad.read_text(encoding="utf-8"), str(pad)


def lees_methode(naam_of_pad: str) -> Methode:
    tekst, bron = methode_tekst(naam_of_pad)
    return ontleed_methode(tekst, bron)


def ontleed_methode(tekst: str, bron: str = "methode") -> Methode:
    try:
        ruw = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as e:
        raise InvoerFout(f"geen geldige TOML ({e})", bestand=bron) from e
    try:
        return Methode.model_validate(ruw)
    except ValidationError as e:
        raise InvoerFout("; ".join(_fout_in_het_nederlands(f) for f in e.errors()), bestand=bron) from e


def _sleutel(loc: tuple[Any, ...]) -> str:
    delen: list[str] = []
    for deel in loc:
        if isinstance(deel, int):
            delen[-1] = f"{delen[-1]}[{deel + 1}]" if delen else f"[{deel + 1}]"
        else:
            delen.append(str(deel))
    return ".".join(delen) or "(bovenste niveau)"


def _fout_in_het_nederlands(fout: Any) -> str:
    sleutel = _sleutel(tuple(fout.get("loc", ())))
    soort = fout.get("type", "")
    invoer = fout.get("input")
    ctx = fout.get("ctx") or {}
    if soort == "missing":
        return f"sleutel '{sleutel}' ontbreekt"
    if soort == "extra_forbidden":
        return f"onbekende sleutel '{sleutel}'"
    if soort == "literal_error":
        return f"sleutel '{sleutel}': ongeldige waarde {invoer!r}; kies uit: {ctx.get('expected', '')}"
    if soort in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"sleutel '{sleutel}': {invoer!r} is geen getal"
    if soort in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        grens = {
            "greater_than": "groter dan",
            "greater_than_equal": "minstens",
            "less_than": "kleiner dan",
            "less_than_equal": "hoogstens",
        }[soort]
        waarde = next(iter(ctx.values()), "")
        return f"sleutel '{sleutel}': {invoer!r} moet {grens} {waarde} zijn"
    if soort == "too_short":
        return f"sleutel '{sleutel}' is leeg; er is minstens één nodig"
    if soort in ("list_type", "dict_type", "model_type", "string_type", "bool_type", "bool_parsing"):
        return f"sleutel '{sleutel}': ongeldig type ({invoer!r})"
    bericht = str(fout.get("msg", "")).removeprefix("Value error, ")
    return f"sleutel '{sleutel}': {bericht}"
