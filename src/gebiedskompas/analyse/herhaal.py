"""Runs and run records: what one analysis run needs (method by shipped name, TOML path, or a run
record to replay exactly), which stored tables it reads, and the check that a replay reads the very
same tables (by sha256) as the run it repeats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..catalogus import catalogus
from ..errors import InvoerFout
from ..opslag import Toestand
from .methode import Methode, lees_methode

STANDAARD_SEED = 20231
_PREFIX = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}
_HERKOMST = ("tabel", "titel", "versie", "bestand", "sha256", "licentie", "bronvermelding")
T = TypeVar("T")


@dataclass
class Run:
    """Every parameter of one run; ``record`` is the run record it replays, if any."""

    methode: Methode
    robuustheid: int
    seed: int
    naast: list[Methode]
    aanpassingen: dict[str, str] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    recordpad: str | None = None

    def verschillen(self, toestand: Toestand) -> list[Verschil]:
        """Tables whose stored files differ from the replayed record's (empty for a fresh run)."""
        if self.record is None:
            return []
        nu = invoertabellen(toestand, [self.methode, *self.naast])
        return vergelijk_gegevens(self.record.get("gegevens") or [], toestand, nu)

    def recordvelden(self, verschillen: Sequence[Verschil]) -> dict[str, Any]:
        """The fields of the new run record that describe how this run came about."""
        velden: dict[str, Any] = {"aanpassingen": self.aanpassingen, "andere_gegevens": bool(verschillen)}
        if verschillen:
            velden["verschillen"] = [v.als_dict() for v in verschillen]
        if self.record is not None:
            velden["herhaalt"] = {"runrecord": self.recordpad, "tijdstip": self.record.get("tijdstip")}
        return velden


def bereid_voor(
    naam_of_pad: str,
    *,
    jaar: int | None = None,
    niveau: str | None = None,
    robuustheid: int | None = None,
    seed: int | None = None,
    naast: Sequence[str] | None = None,
) -> Run:
    """The run the user asks for. For a run record every parameter comes from the record, except
    those given explicitly (not None); ``jaar`` and ``niveau`` then change the recorded method."""
    if robuustheid is not None and robuustheid < 0:
        raise InvoerFout(f"--robuustheid moet 0 of meer zijn, niet {robuustheid}")
    aanpassingen: dict[str, str] = {}
    if jaar is not None:
        aanpassingen["periode"] = str(jaar)
    if niveau is not None:
        if niveau not in _PREFIX:
            raise InvoerFout(f"ongeldig niveau '{niveau}'; kies uit: gemeente, wijk, buurt")
        aanpassingen["niveau"] = niveau
    naast_methoden = None if naast is None else [lees_methode(n) for n in naast]
    if not is_runrecord(naam_of_pad):
        run = Run(
            lees_methode(naam_of_pad), robuustheid or 0, _of(seed, STANDAARD_SEED), naast_methoden or []
        )
    else:
        run = _uit_record(naam_of_pad)
        run.robuustheid = _of(robuustheid, run.robuustheid)
        run.seed = _of(seed, run.seed)
        run.naast = _of(naast_methoden, run.naast)
    run.methode.scope.periode = aanpassingen.get("periode", run.methode.scope.periode)
    run.methode.scope.niveau = aanpassingen.get("niveau", run.methode.scope.niveau)  # type: ignore[assignment]
    run.aanpassingen = {**run.aanpassingen, **aanpassingen}
    return run


def _of(waarde: T | None, anders: T) -> T:
    return anders if waarde is None else waarde


def is_runrecord(naam_of_pad: str) -> bool:
    return naam_of_pad.endswith(".json") and Path(naam_of_pad).is_file()


def _uit_record(pad: str) -> Run:
    try:
        record = json.loads(Path(pad).read_text(encoding="utf-8"))
        methode = Methode.model_validate(record["methode"])
        seed = int(record["seed"])
        naast = [Methode.model_validate(m) for m in record.get("naast") or []]
        robuustheid = int(record.get("robuustheid", _replicaties_uit_stappen(record)))
        aanpassingen = {str(k): str(v) for k, v in (record.get("aanpassingen") or {}).items()}
        gegevens = record.get("gegevens")
        if not isinstance(gegevens, list) or not all(isinstance(g, dict) for g in gegevens):
            raise ValueError("gegevens")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise InvoerFout(
            "geen geldig runrecord (methode, seed, naast, robuustheid of gegevens ontbreekt of is ongeldig)",
            bestand=pad,
        ) from e
    return Run(methode, robuustheid, seed, naast, aanpassingen, record, pad)


def _replicaties_uit_stappen(record: dict[str, Any]) -> int:
    """Records written before ``robuustheid`` was a field only name it in the robustness step."""
    for stap in record.get("stappen") or []:
        if stap.get("stap") == "robuustheid":
            return int(stap["replicaties"])
    return 0


def invoertabellen(toestand: Toestand, methoden: Sequence[Methode], bronnen: Iterable[str] = ()) -> list[str]:
    """Ids of the stored tables a run over these methods reads: the sources of the observations the
    methods select (for a derived indicator those of its numerator and denominator), plus every table
    that contributed to the region register (names, urbanity, population and provinces of the areas)."""
    gebruikt = set(bronnen)
    for methode in methoden:
        ids = set(methode.indicator_ids())
        for ind_id in list(ids):
            ind = catalogus().get(ind_id)
            if ind is not None and ind.afgeleid is not None:
                ids |= {ind.afgeleid.teller, ind.afgeleid.noemer}
        deel = toestand.waarnemingen_voor(methode.scope.periode, sorted(ids), [_PREFIX[methode.scope.niveau]])
        gebruikt |= {str(b) for b in deel["bron"].unique()}
    gebruikt |= {str(lading["tabel"]) for lading in toestand.ladingen if lading.get("regios")}
    return sorted(gebruikt & {str(lading["tabel"]) for lading in toestand.ladingen})


def herkomst(toestand: Toestand, tabellen: Iterable[str]) -> list[dict[str, Any]]:
    """Provenance of every loaded file of these tables, in load order (later files win)."""
    gekozen = set(tabellen)
    return [
        {k: lading.get(k) for k in _HERKOMST} for lading in toestand.ladingen if lading["tabel"] in gekozen
    ]


@dataclass
class Verschil:
    """One table whose loaded files differ between a run record and the store."""

    tabel: str
    runrecord: list[dict[str, Any]]
    opslag: list[dict[str, Any]]

    def tekst(self) -> str:
        if not self.opslag:
            return (
                f"tabel {self.tabel}: in het runrecord sha256 {_bestanden(self.runrecord)}, "
                "ontbreekt in de opslag"
            )
        if not self.runrecord:
            return f"tabel {self.tabel}: niet in het runrecord, in de opslag sha256 {_bestanden(self.opslag)}"
        tekst = (
            f"tabel {self.tabel}: in het runrecord sha256 {_bestanden(self.runrecord)}, "
            f"in de opslag {_bestanden(self.opslag)}"
        )
        if sorted(_hashes(self.runrecord)) == sorted(_hashes(self.opslag)):
            tekst += " (dezelfde bestanden, in een andere volgorde geladen)"
        return tekst

    def als_dict(self) -> dict[str, Any]:
        return {
            "tabel": self.tabel,
            "runrecord": [_kort(g) for g in self.runrecord],
            "opslag": [_kort(g) for g in self.opslag],
            "tekst": self.tekst(),
        }


def _hashes(ladingen: list[dict[str, Any]]) -> list[str]:
    return [str(g.get("sha256")) for g in ladingen]


def _kort(lading: dict[str, Any]) -> dict[str, Any]:
    return {k: lading.get(k) for k in ("sha256", "bestand", "versie")}


def _bestanden(ladingen: list[dict[str, Any]]) -> str:
    return ", ".join(f"{str(g.get('sha256'))[:12]}… ({g.get('bestand')})" for g in ladingen)


def vergelijk_gegevens(
    gegevens: list[dict[str, Any]], toestand: Toestand, nu_gebruikt: Iterable[str] = ()
) -> list[Verschil]:
    """Compare, per table, the files (sha256, in load order) named in a run record with those in the
    store; ``nu_gebruikt`` adds tables the replay would read that the record does not name."""
    tabellen = sorted({str(g.get("tabel")) for g in gegevens} | set(nu_gebruikt))
    verschillen = []
    for tabel in tabellen:
        in_record = [g for g in gegevens if str(g.get("tabel")) == tabel]
        in_opslag = [
            {k: lading.get(k) for k in _HERKOMST} for lading in toestand.ladingen if lading["tabel"] == tabel
        ]
        if _hashes(in_record) != _hashes(in_opslag):
            verschillen.append(Verschil(tabel, in_record, in_opslag))
    return verschillen


def weiger(verschillen: Sequence[Verschil], recordpad: str | None) -> InvoerFout:
    """The error for a replay whose data differ from the record's."""
    regels = "\n".join(f"- {v.tekst()}" for v in verschillen)
    return InvoerFout(
        "de opslag bevat niet dezelfde gegevens als het runrecord, dus een herhaling geeft niet "
        f"gegarandeerd dezelfde uitkomst:\n{regels}\nLaad de oorspronkelijke bestanden (in een nieuwe "
        "opslag), of voer de analyse toch uit met --andere-gegevens; de uitvoer vermeldt dat dan.",
        bestand=recordpad,
    )
