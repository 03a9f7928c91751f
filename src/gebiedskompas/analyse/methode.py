"""The method spec ("methode"): a typed, replayable description of one need analysis.

Written as TOML, validated with pydantic; every error names the key and lists the valid options
in Dutch. The same object drives the CLI, the results and the run record.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InvoerFout
from ..opmaak import getal_auto

Niveau = Literal["gemeente", "wijk", "buurt"]
Normalisatie = Literal["zscore", "minmax", "prank", "dist2ref"]
Aggregatie = Literal["rekenkundig", "meetkundig"]
Benchmarksoort = Literal["nl", "nl_zelfde_stedelijkheid", "groep"]
Imputatie = Literal["geen", "benchmarkgemiddelde"]
Richting = Literal["hoger_is_beter", "hoger_is_slechter"]

# Every number of a method is finite: "inf" and "nan" are valid TOML, never a valid choice.
_STRIKT = ConfigDict(extra="forbid", allow_inf_nan=False)
# A weight is relative; the bound keeps sums and products of weights far from overflow.
MAX_GEWICHT = 1000.0
# Monte Carlo replications: enough for stable ranks many times over, few enough to finish.
MAX_REPLICATIES = 100_000
# numpy's random generators take seeds below 2**32.
SEED_GRENS = 2**32
EERSTE_JAAR = 1990
_NAAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
_PERIODE = re.compile(r"^[0-9]{4}$")
_NORMALISATIES: tuple[Normalisatie, ...] = ("zscore", "minmax", "prank")
_AGGREGATIES: tuple[Aggregatie, ...] = ("rekenkundig", "meetkundig")


class Scope(BaseModel):
    model_config = _STRIKT
    provincies: list[str] = Field(default_factory=list)
    gemeenten: list[str] = Field(default_factory=list)
    niveau: Niveau
    periode: str
    stedelijkheid: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    # Whose urbanity class the scope tests: the area's own, its gemeente's, or either. A buurt of
    # low address density inside a city is still a city buurt; "gebied" keeps the original rule.
    stedelijkheid_van: Literal["gebied", "gemeente", "een van beide"] = "gebied"
    min_inwoners: int = Field(default=0, ge=0)
    min_dekking: float = Field(default=0.66, ge=0, le=1)
    selectie: int = Field(default=8, ge=1)

    @field_validator("periode")
    @classmethod
    def _periode(cls, v: str) -> str:
        if not _PERIODE.match(v) or jaarfout(int(v)):
            raise ValueError(f"{v!r} is geen jaar van {EERSTE_JAAR} tot en met {laatste_jaar()}")
        return v

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


# An area with an unknown judgement on any theme gets this label, whatever the groups are.
ONVOLDOENDE = "onvoldoende gegevens"
# Default name for areas that fit none of the method's groups.
OVERIG = "past in geen groep"
_REGELS = ("min_slechter", "max_slechter", "min_beter", "max_beter")


class Groep(BaseModel):
    """A named group of areas: bounds on how many themes are worse and how many are better than
    the benchmark. A bound is a number of themes or "alle"; a missing bound does not restrict."""

    model_config = _STRIKT
    naam: str
    toelichting: str = ""
    min_slechter: int | Literal["alle"] | None = None
    max_slechter: int | Literal["alle"] | None = None
    min_beter: int | Literal["alle"] | None = None
    max_beter: int | Literal["alle"] | None = None

    @field_validator("naam")
    @classmethod
    def _naam(cls, v: str) -> str:
        return _niet_leeg(v)

    @field_validator(*_REGELS, mode="before")
    @classmethod
    def _aantal(cls, v: Any) -> Any:
        if v is None or v == "alle" or (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            return v
        raise ValueError(f"moet een aantal thema's (0 of meer) of 'alle' zijn, niet {v!r}")

    @model_validator(mode="after")
    def _heeft_regel(self) -> Groep:
        if all(getattr(self, k) is None for k in _REGELS):
            raise ValueError(f"groep '{self.naam}' heeft geen regel; geef {', '.join(_REGELS)}")
        return self

    def grenzen(self, aantal: int) -> tuple[int, int, int, int]:
        """(min worse, max worse, min better, max better) for a method with ``aantal`` themes."""

        def getal(v: int | Literal["alle"] | None, standaard: int) -> int:
            return standaard if v is None else aantal if v == "alle" else v

        return (
            getal(self.min_slechter, 0),
            getal(self.max_slechter, aantal),
            getal(self.min_beter, 0),
            getal(self.max_beter, aantal),
        )

    def past(self, slechter: int, beter: int, aantal: int) -> bool:
        min_s, max_s, min_b, max_b = self.grenzen(aantal)
        return min_s <= slechter <= max_s and min_b <= beter <= max_b

    def controleer(self, aantal: int) -> None:
        """Dutch ValueError when a bound exceeds the number of themes or a minimum its maximum."""
        for k in _REGELS:
            v = getattr(self, k)
            if isinstance(v, int) and v > aantal:
                raise ValueError(
                    f"groep '{self.naam}': {k} = {v} is meer dan het aantal thema's ({aantal}); "
                    "gebruik 'alle' voor alle thema's"
                )
        min_s, max_s, min_b, max_b = self.grenzen(aantal)
        for soort, laag, hoog in (("slechter", min_s, max_s), ("beter", min_b, max_b)):
            if laag > hoog:
                raise ValueError(
                    f"groep '{self.naam}': min_{soort} ({laag}) is groter dan max_{soort} ({hoog})"
                )
        if min_s + min_b > aantal:
            raise ValueError(
                f"groep '{self.naam}' kan nooit voorkomen: {min_s} slechtere en {min_b} betere thema's "
                f"zijn samen meer dan de {aantal} thema's"
            )


class Classificatie(BaseModel):
    model_config = _STRIKT
    drempel: float = Field(default=0.25, ge=0)
    # No groups: the four default groups of classificeer.standaardgroepen.
    groep: list[Groep] = Field(default_factory=list)
    # Areas that fit none of the groups are named, never folded into a group.
    overig: str = OVERIG

    @field_validator("overig")
    @classmethod
    def _overig(cls, v: str) -> str:
        return _niet_leeg(v)

    @model_validator(mode="after")
    def _namen_uniek(self) -> Classificatie:
        namen = [g.naam for g in self.groep] + [self.overig, ONVOLDOENDE]
        dubbel = sorted({n for n in namen if namen.count(n) > 1})
        if dubbel:
            raise ValueError(
                f"groepsnaam komt meer dan eens voor: {', '.join(dubbel)} (ook de naam in 'overig' en "
                f"'{ONVOLDOENDE}' tellen mee)"
            )
        return self

    def controleer_groepen(self, aantal: int) -> None:
        """Dutch ValueError when a group is impossible with ``aantal`` themes or two groups overlap."""
        for g in self.groep:
            g.controleer(aantal)
        for slechter, beter in combinaties(aantal):
            passend = [g.naam for g in self.groep if g.past(slechter, beter, aantal)]
            if len(passend) > 1:
                raise ValueError(
                    f"de groepen '{passend[0]}' en '{passend[1]}' overlappen: een gebied met "
                    f"{slechter} slechtere en {beter} betere thema's past in beide"
                )


def _niet_leeg(naam: str) -> str:
    if not naam.strip():
        raise ValueError("een groepsnaam mag niet leeg zijn")
    return naam.strip()


def combinaties(aantal: int) -> list[tuple[int, int]]:
    """Every possible (worse, better) count of themes for a method with ``aantal`` themes."""
    return [(s, b) for s in range(aantal + 1) for b in range(aantal + 1 - s)]


class Robuustheid(BaseModel):
    model_config = _STRIKT
    gewichtsvariatie: float = Field(default=0.25, ge=0, lt=1)
    normalisaties: list[Normalisatie] = Field(default_factory=lambda: list(_NORMALISATIES))
    aggregaties: list[Aggregatie] = Field(default_factory=lambda: list(_AGGREGATIES))
    weglaten: bool = True


def _gewicht() -> Any:
    """A weight: a finite number (not a string) greater than 0 and at most ``MAX_GEWICHT``."""
    return Field(default=1.0, gt=0, le=MAX_GEWICHT, strict=True)


class IndicatorKeuze(BaseModel):
    model_config = _STRIKT
    id: str
    gewicht: float = _gewicht()
    richting: Richting | None = None
    reden: str = ""
    # Published only for larger areas (Leefbaarometer per wijk in a buurt analysis): an area
    # without a value of its own takes the value of the area it lies in, and the output says so.
    bovenliggend: bool = False


class Thema(BaseModel):
    model_config = _STRIKT
    id: str
    label: str
    gewicht: float = _gewicht()
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

    @field_validator("naam")
    @classmethod
    def _naam(cls, v: str) -> str:
        if not _NAAM.match(v):
            raise ValueError(
                f"{v!r} is geen geldige naam: 1 tot 60 letters, cijfers, '-' of '_' (de naam wordt de "
                "naam van de uitvoermap)"
            )
        return v

    @model_validator(mode="after")
    def _uniek(self) -> Methode:
        themas = [t.id for t in self.thema]
        dubbel = sorted({t for t in themas if themas.count(t) > 1})
        if dubbel:
            raise ValueError(f"sleutel 'thema.id': thema('s) komen meer dan eens voor: {', '.join(dubbel)}")
        ids = [i.id for t in self.thema for i in t.indicator]
        dubbel = sorted({i for i in ids if ids.count(i) > 1})
        if dubbel:
            raise ValueError(
                f"sleutel 'thema.indicator.id': indicator(en) komen meer dan eens voor: {', '.join(dubbel)}"
            )
        return self

    @model_validator(mode="after")
    def _groepen_passen(self) -> Methode:
        try:
            self.classificatie.controleer_groepen(len(self.thema))
        except ValueError as e:
            raise ValueError(f"sleutel 'classificatie.groep': {e}") from None
        return self

    def indicator_ids(self) -> list[str]:
        return [i.id for t in self.thema for i in t.indicator]


def laatste_jaar() -> int:
    """The latest plausible period: next year (some sources publish forecasts)."""
    return date.today().year + 1


def jaarfout(jaar: int) -> str | None:
    """Dutch reason why ``jaar`` is no plausible period, or None."""
    if EERSTE_JAAR <= jaar <= laatste_jaar():
        return None
    geschreven = str(jaar).replace("-", "\u2212")  # a year has no thousands separator
    return f"{geschreven} is geen jaar van {EERSTE_JAAR} tot en met {laatste_jaar()}"


def _getal(x: Any) -> str:
    """A number of a message in Dutch notation; a huge one (beyond formatting) as written."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return repr(x)
    if abs(x) < 1e15:
        return getal_auto(x)
    return str(x).replace("-", "\u2212")


def replicatiefout(aantal: int) -> str | None:
    """Dutch reason why ``aantal`` Monte Carlo replications cannot be run, or None."""
    if 0 <= aantal <= MAX_REPLICATIES:
        return None
    return (
        f"{_getal(aantal)} replicaties kan niet: kies 0 (geen robuustheid) tot en met "
        f"{_getal(MAX_REPLICATIES)}"
    )


def seedfout(seed: int) -> str | None:
    """Dutch reason why ``seed`` cannot seed the random generator, or None."""
    if 0 <= seed < SEED_GRENS:
        return None
    return f"{_getal(seed)} kan niet: kies een geheel getal van 0 tot en met {_getal(SEED_GRENS - 1)}"


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
    try:
        return pad.read_text(encoding="utf-8"), str(pad)
    except UnicodeDecodeError as e:
        raise InvoerFout(
            f"de methode is geen UTF-8-tekst (byte {e.start + 1} is ongeldig); sla het bestand op als UTF-8",
            bestand=pad,
        ) from e
    except OSError as e:
        raise InvoerFout(f"de methode is niet te lezen ({e.strerror or e})", bestand=pad) from e


def lees_methode(naam_of_pad: str) -> Methode:
    tekst, bron = methode_tekst(naam_of_pad)
    return ontleed_methode(tekst, bron)


def ontleed_methode(tekst: str, bron: str = "methode") -> Methode:
    try:
        ruw = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as e:
        raise InvoerFout(_tomlfout(str(e)), bestand=bron) from e
    try:
        return Methode.model_validate(ruw)
    except ValidationError as e:
        raise InvoerFout("; ".join(_fout_in_het_nederlands(f) for f in e.errors()), bestand=bron) from e


_TOMLFOUTEN = {
    "Invalid value": "ongeldige waarde (verwacht een tekst tussen aanhalingstekens, getal of lijst)",
    "Expected '=' after a key in a key/value pair": "na een sleutel hoort '='",
    "Cannot overwrite a value": "deze sleutel staat er al eerder; elke sleutel mag maar één keer voorkomen",
    "Invalid statement": "ongeldige regel (verwacht sleutel = waarde of [sectie])",
    "Unterminated string": "een tekst mist het sluitende aanhalingsteken",
    "Unclosed array": "een lijst mist de sluitende ']'",
    "Expected newline or end of document after a statement": "na de waarde hoort een nieuwe regel",
    "Invalid initial character for a key part": "ongeldige sleutel",
    "Illegal character": "ongeldig teken",
}
_TOMLPLAATS = re.compile(
    r"^(?P<soort>.*?) \(at (?:line (?P<regel>\d+), column (?P<kolom>\d+)|(?P<einde>end of document))\)$"
)


def _tomlfout(tekst: str) -> str:
    """tomllib's English message in Dutch, with the line and column (the original in brackets)."""
    m = _TOMLPLAATS.match(tekst)
    if m is None:
        return f"geen geldige TOML ({tekst})"
    soort = m["soort"]
    uitleg = next((nl for en, nl in _TOMLFOUTEN.items() if soort.startswith(en)), None)
    if soort.startswith("Cannot declare"):
        uitleg = "deze sectie staat er al eerder"
    plaats = "aan het einde van het bestand" if m["einde"] else f"op regel {m['regel']}, kolom {m['kolom']}"
    return f"geen geldige TOML {plaats}: {uitleg or 'syntaxisfout'} (TOML-melding: {soort})"


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
    if soort == "finite_number":
        return f"sleutel '{sleutel}': {invoer!r} is geen eindig getal (inf en nan kunnen niet)"
    if soort in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        grens = {
            "greater_than": "groter dan",
            "greater_than_equal": "minstens",
            "less_than": "kleiner dan",
            "less_than_equal": "hoogstens",
        }[soort]
        waarde = next(iter(ctx.values()), "")
        return f"sleutel '{sleutel}': {_getal(invoer)} moet {grens} {_getal(waarde)} zijn"
    if soort == "too_short":
        return f"sleutel '{sleutel}' is leeg; er is minstens één nodig"
    if soort in ("list_type", "dict_type", "model_type", "string_type", "bool_type", "bool_parsing"):
        return f"sleutel '{sleutel}': ongeldig type ({invoer!r})"
    bericht = str(fout.get("msg", "")).removeprefix("Value error, ")
    # checks across keys (on the whole method) name their keys in the message itself
    return f"sleutel '{sleutel}': {bericht}" if fout.get("loc") else bericht
