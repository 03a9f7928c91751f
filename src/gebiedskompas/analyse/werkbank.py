"""The analysis workbench: change a method, preview how ranks move, run it with robustness in the
background and save it exactly as ``gebiedskompas analyseer`` would; compare two saved analyses.

Pure (no Django): the web's werkbank pages are glue over this module.

- ``Keuzes``: what a user may change of a starting method; ``maak_methode`` applies them.
- ``rangorde`` / ``verschuivingen``: ranks of one method on the store, and how areas moved between two
  rankings (the preview and the comparison page share it).
- ``Taken``: a small registry of background runs with their progress, for polling by id.
- ``voer_uit``: the run itself: ``pijplijn.analyseer`` plus ``uitvoer.schrijf`` into a temporary folder
  that is renamed into place, so a failed run leaves no half analysis behind.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from ..errors import GebiedskompasFout, InvoerFout
from ..opslag import Toestand
from .herhaal import STANDAARD_SEED
from .methode import Aggregatie, Benchmarksoort, Methode, Niveau, Normalisatie
from .methode import _fout_in_het_nederlands as _nederlands
from .opgeslagen import RESULTAAT

log = logging.getLogger(__name__)

STANDAARDREPLICATIES = 100
MAX_REPLICATIES = 1000
# Names the web's addresses use next to saved analyses (/analyse/nieuw/, /analyse/vergelijk/).
GERESERVEERD = frozenset({"nieuw", "vergelijk"})
_NAAMPATROON = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAAMLENGTE = 60


# --- choices --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aan:
    """One theme or indicator: used or not, and its weight (ignored when not used)."""

    aan: bool
    gewicht: float


@dataclass(frozen=True)
class Keuzes:
    """What the workbench lets a user change of a starting method. Themes and indicators are keyed by
    id; those missing from the mappings keep the starting method's setting."""

    titel: str
    niveau: Niveau
    periode: str
    stedelijkheid: tuple[int, ...]
    stedelijkheid_van: Literal["gebied", "gemeente", "een van beide"]
    min_inwoners: int
    selectie: int
    normalisatie: Normalisatie
    aggregatie: Aggregatie
    benchmark: Benchmarksoort
    themas: Mapping[str, Aan] = field(default_factory=dict)
    indicatoren: Mapping[str, Aan] = field(default_factory=dict)


def keuzes_van(methode: Methode) -> Keuzes:
    """The choices that reproduce ``methode`` exactly (every theme and indicator on)."""
    s = methode.scope
    return Keuzes(
        titel=methode.titel,
        niveau=s.niveau,
        periode=s.periode,
        stedelijkheid=tuple(s.stedelijkheid),
        stedelijkheid_van=s.stedelijkheid_van,
        min_inwoners=s.min_inwoners,
        selectie=s.selectie,
        normalisatie=methode.normalisatie,
        aggregatie=methode.aggregatie,
        benchmark=methode.benchmark.soort,
        themas={t.id: Aan(True, t.gewicht) for t in methode.thema},
        indicatoren={i.id: Aan(True, i.gewicht) for t in methode.thema for i in t.indicator},
    )


def maak_methode(start: Methode, keuzes: Keuzes, naam: str | None = None) -> tuple[Methode, list[str]]:
    """The starting method with the choices applied, and notes on what had to follow from them.

    A theme that is on needs at least one indicator that is on. When the number of themes changes,
    the starting method's groups (written for its number of themes) may no longer fit: then the
    default groups are used, and a note says so. Raises ``InvoerFout`` with a Dutch message."""
    themas = []
    for t in start.thema:
        keuze = keuzes.themas.get(t.id, Aan(True, t.gewicht))
        if not keuze.aan:
            continue
        indicatoren = [
            i.model_copy(update={"gewicht": k.gewicht})
            for i in t.indicator
            if (k := keuzes.indicatoren.get(i.id, Aan(True, i.gewicht))).aan
        ]
        if not indicatoren:
            raise InvoerFout(
                f"thema '{t.label}' staat aan maar geen van zijn indicatoren: zet er minstens één aan, "
                "of zet het thema uit"
            )
        themas.append(t.model_copy(update={"gewicht": keuze.gewicht, "indicator": indicatoren}))
    if not themas:
        raise InvoerFout("er staat geen thema aan: zet minstens één thema aan")
    ruw = start.model_dump()
    ruw["naam"] = naam or start.naam
    ruw["titel"] = keuzes.titel.strip() or start.titel
    ruw["scope"].update(
        niveau=keuzes.niveau,
        periode=keuzes.periode,
        stedelijkheid=list(keuzes.stedelijkheid),
        stedelijkheid_van=keuzes.stedelijkheid_van,
        min_inwoners=keuzes.min_inwoners,
        selectie=keuzes.selectie,
    )
    ruw["normalisatie"] = keuzes.normalisatie
    ruw["aggregatie"] = keuzes.aggregatie
    ruw["benchmark"]["soort"] = keuzes.benchmark
    ruw["thema"] = [t.model_dump() for t in themas]
    return _valideer(ruw)


def _valideer(ruw: dict[str, Any]) -> tuple[Methode, list[str]]:
    notities: list[str] = []
    try:
        Methode.model_validate(ruw)
    except ValidationError as e:
        if not any(_over_groepen(f) for f in e.errors()):
            raise InvoerFout("; ".join(_nederlands(f) for f in e.errors())) from e
        ruw["classificatie"]["groep"] = []
        notities.append(
            f"De groepen van het uitgangspunt passen niet bij {len(ruw['thema'])} thema's; "
            "de standaardgroepen worden gebruikt."
        )
    try:
        return Methode.model_validate(ruw), notities
    except ValidationError as e:
        raise InvoerFout("; ".join(_nederlands(f) for f in e.errors())) from e


def _over_groepen(fout: Mapping[str, Any]) -> bool:
    return "classificatie.groep" in str(fout.get("msg", ""))


def aanpassingen(start: Methode, nieuw: Methode, uitgangspunt: str) -> dict[str, str]:
    """What the new method changes of the starting one, in Dutch, for the run record."""
    uit = {"uitgangspunt": uitgangspunt}
    for sleutel in ("niveau", "periode", "stedelijkheid", "stedelijkheid_van", "min_inwoners", "selectie"):
        oud, nu = getattr(start.scope, sleutel), getattr(nieuw.scope, sleutel)
        if oud != nu:
            uit[f"scope.{sleutel}"] = f"{oud} → {nu}"
    for sleutel, oud, nu in (
        ("normalisatie", start.normalisatie, nieuw.normalisatie),
        ("aggregatie", start.aggregatie, nieuw.aggregatie),
        ("benchmark.soort", start.benchmark.soort, nieuw.benchmark.soort),
        ("titel", start.titel, nieuw.titel),
    ):
        if oud != nu:
            uit[sleutel] = f"{oud} → {nu}"
    uit.update(_themawijzigingen(start, nieuw))
    return uit


def _themawijzigingen(start: Methode, nieuw: Methode) -> dict[str, str]:
    uit: dict[str, str] = {}
    nieuwe_themas = {t.id: t for t in nieuw.thema}
    nieuwe_indicatoren = {i.id: i for t in nieuw.thema for i in t.indicator}
    for t in start.thema:
        nt = nieuwe_themas.get(t.id)
        if nt is None:
            uit[f"thema {t.id}"] = "uit"
            continue
        if nt.gewicht != t.gewicht:
            uit[f"thema {t.id} gewicht"] = f"{t.gewicht:g} → {nt.gewicht:g}"
        for i in t.indicator:
            ni = nieuwe_indicatoren.get(i.id)
            if ni is None:
                uit[f"indicator {i.id}"] = "uit"
            elif ni.gewicht != i.gewicht:
                uit[f"indicator {i.id} gewicht"] = f"{i.gewicht:g} → {ni.gewicht:g}"
    return uit


def naamfout(naam: str, bestaande: Sequence[str]) -> str | None:
    """Why ``naam`` cannot be the folder name of a new saved analysis (Dutch), or None."""
    if not naam:
        return "Geef de analyse een naam."
    if len(naam) > MAX_NAAMLENGTE:
        return f"Een naam heeft hoogstens {MAX_NAAMLENGTE} tekens; deze heeft er {len(naam)}."
    if not _NAAMPATROON.match(naam):
        return (
            "Gebruik alleen kleine letters zonder accenten, cijfers en losse streepjes ertussen, "
            "bijvoorbeeld dorpen-2020-zonder-voorzieningen."
        )
    if naam in GERESERVEERD:
        return f"'{naam}' is gereserveerd voor een pagina van de site; kies een andere naam."
    if naam in bestaande:
        return f"Er is al een analyse met de naam '{naam}'; kies een andere naam."
    return None


# --- ranks and how they move --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rangorde:
    """The ranks of one analysis (columns code, naam, rang; rang NaN = no composite) and the size of
    its selection (the areas ranked 1 to ``selectie``)."""

    gebieden: pd.DataFrame
    selectie: int


def rangorde_van(gebieden: pd.DataFrame, selectie: int) -> Rangorde:
    """The ranking of a saved analysis's (or a result's) area table."""
    return Rangorde(gebieden[["code", "naam", "rang"]].reset_index(drop=True), selectie)


def rangorde(methode: Methode, toestand: Toestand) -> Rangorde:
    """The ranks of ``methode`` on the store, without robustness: the core pipeline's select and
    compute steps only (what the live preview runs on every change)."""
    from .pijplijn import bereken
    from .selecteer import selecteer

    gegevens = selecteer(methode, toestand)
    kern = bereken(methode, gegevens)
    s = gegevens.in_scope
    frame = pd.DataFrame({"code": gegevens.codes[s], "naam": gegevens.namen[s], "rang": kern.rang[s]})
    return Rangorde(frame, methode.scope.selectie)


@dataclass(frozen=True)
class Verschuiving:
    """One area in two rankings A and B. ``verschil`` > 0: higher need in B (closer to rank 1)."""

    code: str
    naam: str
    rang_a: int | None
    rang_b: int | None
    in_selectie_a: bool
    in_selectie_b: bool

    @property
    def verschil(self) -> int | None:
        if self.rang_a is None or self.rang_b is None:
            return None
        return self.rang_a - self.rang_b

    @property
    def tekst(self) -> str:
        return verschuivingstekst(self.rang_a, self.rang_b)

    @property
    def richting(self) -> Literal["omhoog", "omlaag", "gelijk", "nieuw", "weg"]:
        if self.rang_a is None:
            return "nieuw"
        if self.rang_b is None:
            return "weg"
        v = self.rang_a - self.rang_b
        return "omhoog" if v > 0 else "omlaag" if v < 0 else "gelijk"

    @property
    def selectiewijziging(self) -> str:
        if self.in_selectie_b and not self.in_selectie_a:
            return "nieuw in de selectie"
        if self.in_selectie_a and not self.in_selectie_b:
            return "uit de selectie"
        return "in beide selecties" if self.in_selectie_a else ""


def verschuivingstekst(rang_a: int | None, rang_b: int | None) -> str:
    """'3 plaatsen omhoog' (higher need in B), '1 plaats omlaag', 'gelijk', or why there is no shift."""
    if rang_a is None and rang_b is None:
        return "in geen van beide gerangschikt"
    if rang_a is None:
        return "nieuw in de rangorde"
    if rang_b is None:
        return "niet meer in de rangorde"
    v = rang_a - rang_b
    if v == 0:
        return "gelijk"
    plaatsen = "plaats" if abs(v) == 1 else "plaatsen"
    return f"{abs(v)} {plaatsen} {'omhoog' if v > 0 else 'omlaag'}"


def _rang(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def verschuivingen(a: Rangorde, b: Rangorde) -> list[Verschuiving]:
    """Every area in A or B with its rank in each, in order of B's rank (then A's, then name).
    Names come from B where the area is in B (names change; codes are the key)."""
    samen = a.gebieden.merge(b.gebieden, on="code", how="outer", suffixes=("_a", "_b"))
    rijen = []
    for r in samen.itertuples(index=False):
        rang_a, rang_b = _rang(r.rang_a), _rang(r.rang_b)
        naam = r.naam_b if isinstance(r.naam_b, str) else r.naam_a
        rijen.append(
            Verschuiving(
                code=str(r.code),
                naam=str(naam),
                rang_a=rang_a,
                rang_b=rang_b,
                in_selectie_a=rang_a is not None and rang_a <= a.selectie,
                in_selectie_b=rang_b is not None and rang_b <= b.selectie,
            )
        )
    groot = 10**9
    return sorted(rijen, key=lambda v: (v.rang_b or groot, v.rang_a or groot, v.naam))


def voorbeeldrijen(rijen: Sequence[Verschuiving], aantal: int) -> list[Verschuiving]:
    """The preview's rows: the top ``aantal`` of B, then the areas of A's selection that left it."""
    top = [v for v in rijen if v.rang_b is not None and v.rang_b <= aantal]
    weg = [v for v in rijen if v.in_selectie_a and not v.in_selectie_b and v not in top]
    return top + sorted(weg, key=lambda v: v.rang_a or 0)


def grootste_eerst(rijen: Sequence[Verschuiving]) -> list[Verschuiving]:
    """Largest absolute shift first; areas ranked in only one of the two after those, by rank."""
    groot = 10**9

    def sleutel(v: Verschuiving) -> tuple[int, int, int, str]:
        verschil = v.verschil
        return (
            0 if verschil is not None else 1,
            -abs(verschil) if verschil is not None else 0,
            min(v.rang_a or groot, v.rang_b or groot),
            v.naam,
        )

    return sorted(rijen, key=sleutel)


@dataclass(frozen=True)
class Telling:
    """How many areas are in A's selection, in B's, and in both."""

    in_a: int
    in_b: int
    gedeeld: int
    verschoven: int  # areas ranked in both whose rank differs
    gemeen: int  # areas ranked in both


def tel(rijen: Sequence[Verschuiving]) -> Telling:
    beide = [v for v in rijen if v.verschil is not None]
    return Telling(
        in_a=sum(v.in_selectie_a for v in rijen),
        in_b=sum(v.in_selectie_b for v in rijen),
        gedeeld=sum(v.in_selectie_a and v.in_selectie_b for v in rijen),
        verschoven=sum(v.verschil != 0 for v in beide),
        gemeen=len(beide),
    )


def als_tabel(rijen: Sequence[Verschuiving], naam_a: str, naam_b: str) -> pd.DataFrame:
    """The comparison as a table with Dutch headers (for the CSV download)."""
    return pd.DataFrame(
        {
            "Code": [v.code for v in rijen],
            "Gebied": [v.naam for v in rijen],
            f"Rang in {naam_a}": pd.array([v.rang_a for v in rijen], dtype="Int64"),
            f"Rang in {naam_b}": pd.array([v.rang_b for v in rijen], dtype="Int64"),
            "Verschuiving (plaatsen omhoog)": pd.array([v.verschil for v in rijen], dtype="Int64"),
            "Verschuiving": [v.tekst for v in rijen],
            f"In selectie {naam_a}": ["ja" if v.in_selectie_a else "nee" for v in rijen],
            f"In selectie {naam_b}": ["ja" if v.in_selectie_b else "nee" for v in rijen],
        }
    )


# --- background runs ------------------------------------------------------------------------------------

Status = Literal["wacht", "bezig", "klaar", "fout"]
# What a run reports while it works: (phase in Dutch, replications done).
Melder = Callable[[str, int], None]


@dataclass(frozen=True)
class Taak:
    """A snapshot of one background run."""

    id: str
    naam: str
    replicaties: int
    klaar: int = 0
    fase: str = "wordt gestart"
    status: Status = "wacht"
    fout: str = ""
    pid: int = 0  # the process that runs it: a run whose process is gone was interrupted

    @property
    def afgerond(self) -> bool:
        return self.status in ("klaar", "fout")


ONDERBROKEN = (
    "De berekening is onderbroken doordat de webserver opnieuw is gestart. Er is niets opgeslagen; "
    "start de analyse opnieuw."
)


def _leeft(pid: int) -> bool:
    if pid <= 0:
        return True  # written by an older version: nothing to check
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


ONVERWACHT = (
    "De berekening is onverwacht mislukt ({soort}). Er is niets opgeslagen; probeer het opnieuw of "
    "meld het de beheerder."
)


class Taken:
    """Background runs, by id. They run in this process, one at a time (the machine's CPUs are shared
    with the pages; others wait their turn). Each run's state is also written as JSON into a folder
    (``map``), so that every web worker process can answer a poll, also after a page reload."""

    def __init__(self, tegelijk: int = 1) -> None:
        self._mappen: dict[str, Path] = {}
        self._slot = threading.Lock()
        self._uitvoerder = ThreadPoolExecutor(max_workers=tegelijk, thread_name_prefix="werkbank")

    def start(self, naam: str, replicaties: int, werk: Callable[[Melder], None], map: Path) -> Taak:
        taak = Taak(id=uuid.uuid4().hex, naam=naam, replicaties=replicaties, pid=os.getpid())
        map.mkdir(parents=True, exist_ok=True)
        with self._slot:
            self._mappen[taak.id] = map
            _schrijf_taak(map, taak)
        self._uitvoerder.submit(self._voer_uit, taak.id, werk)
        return taak

    def taak(self, id: str, map: Path) -> Taak | None:
        if not _TAAKID.match(id):
            return None
        try:
            taak = Taak(**json.loads((map / f"{id}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if not taak.afgerond and not _leeft(taak.pid):
            return replace(taak, status="fout", fout=ONDERBROKEN)
        return taak

    def _werk_bij(self, id: str, **velden: Any) -> None:
        with self._slot:
            map = self._mappen[id]
            taak = self.taak(id, map)
            if taak is not None:
                _schrijf_taak(map, replace(taak, **velden))

    def _voer_uit(self, id: str, werk: Callable[[Melder], None]) -> None:
        self._werk_bij(id, status="bezig", fase="gegevens kiezen")
        try:
            werk(lambda fase, klaar: self._werk_bij(id, fase=fase, klaar=klaar))
        except GebiedskompasFout as e:
            self._werk_bij(id, status="fout", fout=f"De berekening is mislukt: {e}. Er is niets opgeslagen.")
        except Exception as e:  # a run must end in a message on the page, never in a silent thread
            log.exception("werkbank: berekening %s mislukt", id)
            self._werk_bij(id, status="fout", fout=ONVERWACHT.format(soort=type(e).__name__))
        else:
            self._werk_bij(id, status="klaar", fase="opgeslagen")
        with self._slot:
            del self._mappen[id]

    def wacht(self, id: str, map: Path, seconden: float = 60.0) -> Taak | None:
        """Block until the run has ended (for scripts and tests)."""
        einde = time.monotonic() + seconden
        while time.monotonic() < einde:
            taak = self.taak(id, map)
            if taak is None or taak.afgerond:
                return taak
            time.sleep(0.02)
        return self.taak(id, map)


_TAAKID = re.compile(r"^[0-9a-f]{32}$")


def _schrijf_taak(map: Path, taak: Taak) -> None:
    """Replace the run's state file at once (readers never see half a file)."""
    tijdelijk = map / f".{taak.id}.json"
    tijdelijk.write_text(json.dumps(asdict(taak), ensure_ascii=False), encoding="utf-8")
    os.replace(tijdelijk, map / f"{taak.id}.json")


@dataclass(frozen=True)
class Opdracht:
    """Everything a background run needs."""

    methode: Methode
    naam: str
    analyses: Path
    robuustheid: int = STANDAARDREPLICATIES
    seed: int = STANDAARD_SEED
    naast: tuple[Methode, ...] = ()
    recordvelden: Mapping[str, Any] = field(default_factory=dict)


def voer_uit(opdracht: Opdracht, toestand: Toestand, melder: Melder) -> Path:
    """Run the analysis with robustness and save it as the CLI does (``uitvoer.schrijf``, with its run
    record) under ``analyses/<naam>``. Written into a temporary folder next to the analyses folder and
    renamed into place: a run that fails leaves nothing."""
    from .pijplijn import analyseer
    from .walenschip import tussen_wal_en_schip

    def per_replicatie(klaar: int, totaal: int) -> None:
        melder("replicaties" if klaar < totaal else "gevoeligheid berekenen", klaar)

    melder("rekenen" if opdracht.robuustheid else "rekenen (zonder robuustheid)", 0)
    resultaat = analyseer(
        opdracht.methode,
        toestand,
        robuustheid=opdracht.robuustheid,
        seed=opdracht.seed,
        naast=opdracht.naast,
        recordvelden=opdracht.recordvelden,
        voortgang=per_replicatie,
    )
    wal = tussen_wal_en_schip([opdracht.methode, *opdracht.naast], toestand) if opdracht.naast else None
    melder("opslaan", opdracht.robuustheid)
    return bewaar(lambda map: _schrijf(resultaat, map, wal), opdracht.analyses, opdracht.naam)


def _schrijf(resultaat: Any, map: Path, wal: Any) -> None:
    from . import uitvoer

    uitvoer.schrijf(resultaat, map, wal)


def bewaar(schrijf: Callable[[Path], None], analyses: Path, naam: str) -> Path:
    """Write a saved analysis atomically with ``uitvoer.schrijf_atomair`` (a temporary folder renamed
    to ``analyses/<naam>``; on any failure it is removed); an existing analysis of that name is never
    overwritten."""
    from .uitvoer import schrijf_atomair

    doel = analyses / naam
    if doel.exists():
        raise InvoerFout(f"er is intussen al een analyse met de naam '{naam}'")

    def vul(map: Path) -> None:
        schrijf(map)
        if not (map / RESULTAAT).is_file():
            raise InvoerFout(f"de uitvoer mist {RESULTAAT}")

    schrijf_atomair(doel, vul, vervang=False)
    return doel
