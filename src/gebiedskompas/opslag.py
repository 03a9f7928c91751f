"""The indicator store: long-format observations, register rows, boundary changes, boundaries and
provenance, kept as Parquet/JSON files in one folder.

Every write builds a complete new snapshot folder and then switches the ``HUIDIG`` pointer with
one atomic rename, so an error or a kill mid-write leaves the previous state intact. Unchanged
state is never rewritten, so loading the same files twice leaves the folder byte-identical.

Writers take an exclusive lock (:meth:`Opslag.slot`), so two loads at once are serialised and the
second builds on what the first wrote. Readers take no lock: they read ``HUIDIG`` once and then
only that snapshot; the snapshot before the current one is kept, so a reader that started just
before a switch can finish. The store removes only what it made itself: snapshot folders named
``v`` + six digits and its own temp names, never other files in the folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from .catalogus import Indicator, registreer_eigen
from .errors import OpslagFout
from .model import GRENSWIJZIGING_KOLOMMEN, lege_regios, lege_waarnemingen
from .opmaak import getal

OMGEVINGSVARIABELE = "GEBIEDSKOMPAS_OPSLAG"
_WIJZER = "HUIDIG"
SLOTBESTAND = ".lading.lock"
STANDAARD_WACHTTIJD = 300.0  # seconds a load waits for another load of the same store
_SNAPSHOT = re.compile(r"v\d{6}")
# Temp names this module makes: snapshot folders, pointer files, and objects (boundaries).
_TIJDELIJK = re.compile(rf"\.tmp-v\d{{6}}-\d+|\.{_WIJZER}\.\d+\.tmp")
_OBJECT_TIJDELIJK = re.compile(r"\..+\.\d+\.tmp")
T = TypeVar("T")
_BESTANDEN = {
    "waarnemingen": "waarnemingen.parquet",
    "regios": "regios.parquet",
    "grenswijzigingen": "grenswijzigingen.parquet",
}
# Observations are written sorted by these columns, in row groups of this many rows, so that the
# row groups' min/max statistics let a filtered read skip most of the file.
WAARNEMING_VOLGORDE = ["indicator", "periode", "regio"]
RIJGROEP = 65_536


def lege_grenswijzigingen() -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(dtype=object) for k in GRENSWIJZIGING_KOLOMMEN})
    return frame.astype({"van_jaar": "int64", "naar_jaar": "int64", "adressen": "float64"})


@dataclass
class Toestand:
    """The whole content of the store. In memory, except for a snapshot read with
    ``Opslag.lees(lui=True)``: its observations stay on disk until first used, and
    :meth:`waarnemingen_voor` reads only the part it asks for."""

    waarnemingen: pd.DataFrame = field(default_factory=lege_waarnemingen)
    regios: pd.DataFrame = field(default_factory=lege_regios)
    grenswijzigingen: pd.DataFrame = field(default_factory=lege_grenswijzigingen)
    ladingen: list[dict[str, Any]] = field(default_factory=list)
    grenzen: dict[str, str] = field(default_factory=dict)  # "niveau_jaar" -> object file name
    indicatoren: list[Indicator] = field(default_factory=list)  # own indicator definitions (eigen.*)

    def bekende_hashes(self) -> set[str]:
        return {str(lading["sha256"]) for lading in self.ladingen}

    def waarnemingen_voor(
        self,
        periode: str | None = None,
        indicatoren: Iterable[str] | None = None,
        prefixen: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The observations of ``periode``, of ``indicatoren``, of regions whose code starts with
        one of ``prefixen`` (None: no condition). Row order and index are not part of the answer."""
        return kies_waarnemingen(self.waarnemingen, periode, indicatoren, prefixen)


class _SnapshotToestand(Toestand):
    """A store snapshot whose observations stay on disk until ``waarnemingen`` is first used;
    until then :meth:`waarnemingen_voor` reads only the row groups that can match."""

    def __getattr__(self, naam: str) -> Any:
        # Only called for attributes not set: ``waarnemingen`` before its first use.
        bestand = self.__dict__.get("_bestand")
        if naam != "waarnemingen" or bestand is None:
            raise AttributeError(naam)
        waarnemingen = _met_indeling(_lees_snapshotbestand(bestand, pd.read_parquet))
        self.__dict__["waarnemingen"] = waarnemingen
        return waarnemingen

    def waarnemingen_voor(
        self,
        periode: str | None = None,
        indicatoren: Iterable[str] | None = None,
        prefixen: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        if "waarnemingen" in self.__dict__:
            return super().waarnemingen_voor(periode, indicatoren, prefixen)
        bestand: Path = self.__dict__["_bestand"]
        gekozen = _lees_snapshotbestand(bestand, lambda b: lees_gefilterd(b, periode, indicatoren, prefixen))
        return _met_indeling(gekozen)


def _snapshot_toestand(bestand: Path, **velden: Any) -> Toestand:
    toestand = _SnapshotToestand(**velden)
    del toestand.waarnemingen  # read on first use (``__getattr__``)
    toestand.__dict__["_bestand"] = bestand
    return toestand


def _lees_snapshotbestand(bestand: Path, lezer: Callable[[Path], T]) -> T:
    try:
        return lezer(bestand)
    except OSError as e:
        raise OpslagFout(
            f"de waarnemingen van opslagversie {bestand.parent.name} zijn niet meer te lezen ({e}); "
            "de opslag is intussen bijgewerkt, probeer het opnieuw"
        ) from e


def kies_waarnemingen(
    w: pd.DataFrame,
    periode: str | None = None,
    indicatoren: Iterable[str] | None = None,
    prefixen: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The in-memory filter behind :meth:`Toestand.waarnemingen_voor`."""
    return w[_masker(w, periode, indicatoren, prefixen)]


def _masker(
    w: pd.DataFrame,
    periode: str | None,
    indicatoren: Iterable[str] | None,
    prefixen: Iterable[str] | None,
) -> pd.Series:
    houd = pd.Series(True, index=w.index)
    if periode is not None:
        houd &= w["periode"] == periode
    if indicatoren is not None:
        houd &= w["indicator"].isin(list(indicatoren))
    if prefixen is not None:
        houd &= _begint_met(w["regio"], tuple(prefixen))
    return houd


def _begint_met(regio: pd.Series, prefixen: tuple[str, ...]) -> pd.Series:
    """``regio.str.startswith(prefixen)``, evaluated once per category for categorical codes."""
    if not prefixen:
        return pd.Series(False, index=regio.index)
    if isinstance(regio.dtype, pd.CategoricalDtype):
        categorieen = regio.cat.categories.astype(str)
        per_categorie = np.asarray(categorieen.str.startswith(prefixen), dtype=bool)
        codes = regio.cat.codes.to_numpy()
        return pd.Series((codes >= 0) & per_categorie[codes], index=regio.index)
    return regio.astype(str).str.startswith(prefixen)


def lees_gefilterd(
    bestand: Path,
    periode: str | None = None,
    indicatoren: Iterable[str] | None = None,
    prefixen: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The observations in one Parquet file that pass :func:`kies_waarnemingen`, reading only the
    row groups whose min/max statistics allow a match. (pyarrow does not prune dictionary-encoded
    columns by their statistics itself, hence the explicit row-group choice.)"""
    ids = None if indicatoren is None else sorted(set(indicatoren))
    begin = None if prefixen is None else tuple(prefixen)
    bron = pq.ParquetFile(bestand)
    toetsen: dict[str, _Toets] = {}
    if periode is not None:
        toetsen["periode"] = lambda laag, hoog: laag <= periode <= hoog
    if ids is not None:
        toetsen["indicator"] = lambda laag, hoog: any(laag <= i <= hoog for i in ids)
    if begin is not None:
        # Some code with prefix p lies in [laag, hoog]: p itself is not above hoog, and laag is
        # not above every code with prefix p.
        toetsen["regio"] = lambda laag, hoog: any(p <= hoog and laag[: len(p)] <= p for p in begin)
    delen = []
    for groep in _passende_rijgroepen(bron.metadata, toetsen):
        # One row group at a time, filtered in Arrow before anything becomes pandas: the peak
        # memory is one row group, also for old stores written in row groups of a million rows.
        tabel = bron.read_row_group(groep)
        delen.append(tabel.filter(pa.array(_arrowmasker(tabel, periode, ids, begin))))
    if not delen:
        return _leeg(bron)
    frame: pd.DataFrame = pa.concat_tables(delen).to_pandas()
    return frame


_Toets = Callable[[str, str], bool]  # (min, max) of a row group's column -> may it hold a match?


def _arrowmasker(
    tabel: pa.Table, periode: str | None, ids: list[str] | None, begin: tuple[str, ...] | None
) -> np.ndarray:
    """:func:`_masker` on an Arrow table, each test evaluated once per distinct value of a
    dictionary-encoded column."""
    houd = np.ones(tabel.num_rows, dtype=bool)
    if periode is not None:
        houd &= _per_waarde(tabel["periode"], lambda d: pc.equal(d, pa.scalar(periode, d.type)))
    if ids is not None:
        houd &= _per_waarde(tabel["indicator"], lambda d: pc.is_in(d, value_set=pa.array(ids, d.type)))
    if begin is not None:
        houd &= _per_waarde(tabel["regio"], lambda d: _begint_met_een(d, begin))
    return houd


def _begint_met_een(waarden: pa.Array, prefixen: tuple[str, ...]) -> pa.Array:
    uit = pa.array(np.zeros(len(waarden), dtype=bool))
    for p in prefixen:
        uit = pc.or_(uit, pc.starts_with(waarden, p))
    return uit


def _per_waarde(kolom: pa.ChunkedArray, toets: Callable[[pa.Array], pa.Array]) -> np.ndarray:
    delen = [np.zeros(0, dtype=bool)]
    for stuk in kolom.chunks:
        if pa.types.is_dictionary(stuk.type):
            per_waarde = _als_bool(toets(stuk.dictionary))
            posities = stuk.indices.fill_null(0).to_numpy(zero_copy_only=False)
            delen.append(per_waarde[posities] & _als_bool(stuk.is_valid()))
        else:
            delen.append(_als_bool(toets(stuk)))
    return np.concatenate(delen)


def _als_bool(waarden: pa.Array) -> np.ndarray:
    return np.asarray(waarden.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _leeg(bron: pq.ParquetFile) -> pd.DataFrame:
    leeg: pd.DataFrame = bron.schema_arrow.empty_table().to_pandas()
    return leeg


def _passende_rijgroepen(meta: pq.FileMetaData, toetsen: dict[str, _Toets]) -> list[int]:
    """Row groups in which every tested column may hold a matching value, by its statistics."""
    posities = {meta.schema.column(j).name: j for j in range(meta.num_columns)}
    return [
        i
        for i in range(meta.num_row_groups)
        if all(
            _kan_bevatten(meta.row_group(i).column(posities[kolom]).statistics, toets)
            for kolom, toets in toetsen.items()
            if kolom in posities
        )
    ]


def _kan_bevatten(statistiek: Any, toets: _Toets) -> bool:
    if statistiek is None or not statistiek.has_min_max:
        return True  # no statistics: read the row group
    laagste, hoogste = statistiek.min, statistiek.max
    if isinstance(laagste, bytes):
        laagste, hoogste = laagste.decode(), hoogste.decode()
    return bool(toets(str(laagste), str(hoogste)))


class OpslagBezet(OpslagFout):
    """Another load holds the store's lock for longer than this load wants to wait."""


def wachttijd(seconden: float) -> str:
    """ "1 seconde", "1,5 seconden", "300 seconden"."""
    return f"{getal(seconden, 1, vast=False)} {'seconde' if seconden == 1 else 'seconden'}"


def standaard_map() -> Path:
    from .instellingen import instellingen

    return instellingen().opslag


class Opslag:
    def __init__(self, map: Path) -> None:
        self.map = map

    @property
    def objecten(self) -> Path:
        return self.map / "objecten"

    @property
    def slotbestand(self) -> Path:
        return self.map / SLOTBESTAND

    @cached_property
    def _slot(self) -> FileLock:
        # One lock object per store object: re-entrant, so ``schrijf`` inside ``laad`` just nests.
        return FileLock(self.slotbestand)

    def huidige_versie(self) -> str | None:
        wijzer = self.map / _WIJZER
        if not wijzer.is_file():
            return None
        versie = wijzer.read_text(encoding="utf-8").strip()
        if not _SNAPSHOT.fullmatch(versie):
            raise OpslagFout(f"de opslag in {self.map} is onleesbaar ({_WIJZER} bevat {versie[:20]!r})")
        return versie

    @contextmanager
    def slot(
        self, wacht: float = STANDAARD_WACHTTIJD, bij_wachten: Callable[[], None] | None = None
    ) -> Iterator[None]:
        """Hold the store's write lock; ``bij_wachten`` is called once if another load has it.
        Re-entrant within a thread; released by the system when the process dies, so a killed
        load never blocks the next one."""
        self.map.mkdir(parents=True, exist_ok=True)
        try:
            self._slot.acquire(timeout=0)
        except Timeout:
            if bij_wachten:
                bij_wachten()
            try:
                self._slot.acquire(timeout=wacht)
            except Timeout as e:
                raise OpslagBezet(
                    f"de opslag in {self.map} wordt al door een andere lading bijgewerkt en is na "
                    f"{wachttijd(wacht)} wachten nog niet vrij "
                    f"(slotbestand {self.slotbestand}); probeer het later opnieuw"
                ) from e
        try:
            yield
        finally:
            self._slot.release()

    def lees(self, *, lui: bool = False) -> Toestand:
        """The current snapshot. ``lui``: the observations are read only when first used, and
        ``waarnemingen_voor`` then reads just the matching part of the file."""
        toestand = self._bij_huidige(self._lees_snapshot_lui if lui else self._lees_snapshot)
        if toestand is None:
            return Toestand()
        registreer_eigen(str(self.map.resolve()), toestand.indicatoren)
        return toestand

    def lees_grenzen(self, sleutel: str) -> dict[str, Any] | None:
        naam = self._bij_huidige(lambda versie: _herkomst(self.map / versie).get("grenzen", {}).get(sleutel))
        if naam is None:
            return None
        inhoud: dict[str, Any] = json.loads((self.objecten / naam).read_text(encoding="utf-8"))
        return inhoud

    def _bij_huidige(self, lezer: Callable[[str], T]) -> T | None:
        """Read ``HUIDIG`` once, then only that snapshot. Should two loads have replaced it in the
        meantime (so it was cleaned up mid-read), read the newer one instead."""
        versie = self.huidige_versie()
        while versie is not None:
            try:
                return lezer(versie)
            except (OSError, ValueError, KeyError) as e:
                nieuwer = self.huidige_versie()
                if nieuwer == versie:
                    raise OpslagFout(f"de opslag in {self.map} is onleesbaar ({e})") from e
                versie = nieuwer
        return None

    def _lees_snapshot(self, versie: str) -> Toestand:
        snapshot = self.map / versie
        return Toestand(
            waarnemingen=_met_indeling(pd.read_parquet(snapshot / _BESTANDEN["waarnemingen"])),
            **_zonder_waarnemingen(snapshot),
        )

    def _lees_snapshot_lui(self, versie: str) -> Toestand:
        snapshot = self.map / versie
        bestand = snapshot / _BESTANDEN["waarnemingen"]
        pq.read_metadata(bestand)  # the file is there and readable now, not only later
        return _snapshot_toestand(bestand, **_zonder_waarnemingen(snapshot))

    def bewaar_object(self, inhoud: bytes, naam: str) -> None:
        """Content-addressed, immutable files (boundaries): written once, then referenced."""
        self.objecten.mkdir(parents=True, exist_ok=True)
        doel = self.objecten / naam
        if doel.exists():
            return
        tijdelijk = self.objecten / f".{naam}.{os.getpid()}.tmp"
        _schrijf_bytes(tijdelijk, inhoud)
        os.replace(tijdelijk, doel)

    def schrijf(self, toestand: Toestand) -> str:
        """Write ``toestand`` as the next snapshot. Callers that read, change and write should
        hold :meth:`slot` around all three, or a concurrent load's snapshot is overwritten."""
        with self.slot():
            self._ruim_op()
            vorige = self.huidige_versie()
            versie = f"v{int(vorige[1:]) + 1 if vorige else 1:06d}"
            tijdelijk = self.map / f".tmp-{versie}-{os.getpid()}"
            _schrijf_snapshot(tijdelijk, versie, toestand)
            os.rename(tijdelijk, self.map / versie)
            _fsync_map(self.map)
            wijzer_tmp = self.map / f".{_WIJZER}.{os.getpid()}.tmp"
            _schrijf_bytes(wijzer_tmp, versie.encode())
            os.replace(wijzer_tmp, self.map / _WIJZER)
            _fsync_map(self.map)
            self._ruim_op()
        registreer_eigen(str(self.map.resolve()), toestand.indicatoren)
        return versie

    def _ruim_op(self) -> None:
        """Under the lock: remove temp files of interrupted writes and every snapshot but the
        current one and the one before it (a reader may still be busy with that one). Snapshots
        newer than ``HUIDIG`` were renamed by a write killed before its pointer switch."""
        huidig = self.huidige_versie()
        snapshots = sorted(p.name for p in self.map.iterdir() if _SNAPSHOT.fullmatch(p.name) and p.is_dir())
        ouder = [s for s in snapshots if huidig is not None and s < huidig]
        bewaar = {huidig, ouder[-1] if ouder else None}
        weg = [self.map / s for s in snapshots if s not in bewaar]
        weg += [p for p in self.map.iterdir() if _TIJDELIJK.fullmatch(p.name)]
        if self.objecten.is_dir():
            weg += [p for p in self.objecten.iterdir() if _OBJECT_TIJDELIJK.fullmatch(p.name)]
        for pad in weg:
            if pad.is_dir() and not pad.is_symlink():
                shutil.rmtree(pad, ignore_errors=True)
            else:
                pad.unlink(missing_ok=True)


def _zonder_waarnemingen(snapshot: Path) -> dict[str, Any]:
    """Every field of a snapshot's :class:`Toestand` but the observations."""
    meta = _herkomst(snapshot)
    return {
        "regios": pd.read_parquet(snapshot / _BESTANDEN["regios"]),
        "grenswijzigingen": pd.read_parquet(snapshot / _BESTANDEN["grenswijzigingen"]),
        "ladingen": meta["ladingen"],
        "grenzen": meta["grenzen"],
        "indicatoren": [Indicator.model_validate(i) for i in meta.get("indicatoren", [])],
    }


def _herkomst(snapshot: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((snapshot / "herkomst.json").read_text(encoding="utf-8"))
    return meta


def _schrijf_snapshot(map: Path, versie: str, toestand: Toestand) -> None:
    """Every file written and fsynced, and the folder itself, before anyone can point at it."""
    map.mkdir()
    for sleutel, naam in _BESTANDEN.items():
        frame: pd.DataFrame = getattr(toestand, sleutel)
        if sleutel == "waarnemingen":
            _geordend(_als_categorie(frame)).to_parquet(map / naam, index=False, row_group_size=RIJGROEP)
        else:
            _als_categorie(frame).to_parquet(map / naam, index=False)
        _fsync(map / naam)
    meta: dict[str, Any] = {"versie": versie, "ladingen": toestand.ladingen, "grenzen": toestand.grenzen}
    if toestand.indicatoren:
        meta["indicatoren"] = [i.model_dump(exclude_defaults=True) for i in toestand.indicatoren]
    _schrijf_bytes(
        map / "herkomst.json",
        json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode(),
    )
    _fsync_map(map)


def _met_indeling(waarnemingen: pd.DataFrame) -> pd.DataFrame:
    """Stores written before the ``indeling`` column: each table's classification year."""
    if "indeling" in waarnemingen.columns:
        return waarnemingen
    from .bronnen import bronregister

    jaren = {t.id: t.jaar for t in bronregister().tabel}
    periodejaar = pd.to_numeric(waarnemingen["periode"].astype(str).str[:4], errors="coerce")
    indeling = waarnemingen["bron"].astype(str).map(jaren).fillna(periodejaar).fillna(0)
    return waarnemingen.assign(indeling=indeling.astype("int64"))


def _geordend(waarnemingen: pd.DataFrame) -> pd.DataFrame:
    """Sorted by ``WAARNEMING_VOLGORDE`` (categories compare in category order, which is
    alphabetical for categories made by ``_als_categorie`` from text)."""
    return waarnemingen.sort_values(WAARNEMING_VOLGORDE, kind="stable", ignore_index=True)


def _als_categorie(frame: pd.DataFrame) -> pd.DataFrame:
    """Dictionary-encode the repetitive text columns: smaller files, and filtering millions of
    observations by indicator or period becomes an integer comparison."""
    kolommen = [k for k in ("regio", "periode", "indicator", "bron", "niveau") if k in frame.columns]
    return frame.astype({k: "category" for k in kolommen})


def _schrijf_bytes(pad: Path, inhoud: bytes) -> None:
    with pad.open("wb") as f:
        f.write(inhoud)
        f.flush()
        os.fsync(f.fileno())


def _fsync(pad: Path) -> None:
    with pad.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_map(map: Path) -> None:
    fd = os.open(map, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
