"""Where the robustness step's chunks run: in this process, in local processes, or on a Dask cluster.

One interface, ``Uitvoerder.kaart(taak, gedeeld, delen)``: run ``taak(gedeeld, deel)`` for every
chunk and yield the results in the order of ``delen``. ``gedeeld`` is the large, read-only input all
chunks share (one alternative's normalised values): it is sent once, not with every chunk — to local
processes as a memory-mapped joblib file that every worker maps (the pages are shared, not copied),
to a Dask cluster with ``Client.scatter``. At most a few chunks per worker are in flight, so memory
stays bounded however many chunks there are. The scheduling itself is that of
``concurrent.futures.ProcessPoolExecutor`` and of Dask's distributed scheduler.

Results arrive in the order of ``delen`` whichever worker computed them, so a run gives the same
numbers in this process, in local processes and on a cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

import joblib

from ..errors import InvoerFout

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
Taak = Callable[[Any, T], R]

# Below this much work (areas × evaluations) starting worker processes costs more than it saves:
# an evaluation costs about 57 ns per area here (0,7 ms at 12.360 buurten), and spawning workers
# that import the analysis about 1,5 s, so two workers pay off from about 3 s of work.
MIN_WERK_VOOR_PROCESSEN = 50_000_000
# Chunks in flight per worker: enough to keep every worker busy, few enough to bound memory.
PER_WERKER = 2


class Uitvoerder(Protocol):
    @property
    def werkers(self) -> int: ...

    def kaart(self, taak: Taak[T, R], gedeeld: object, delen: Iterable[T]) -> Iterator[R]: ...

    def sluit(self) -> None: ...


class InDitProces:
    """Every chunk in this process, one after the other."""

    werkers = 1

    def kaart(self, taak: Taak[T, R], gedeeld: object, delen: Iterable[T]) -> Iterator[R]:
        for deel in delen:
            yield taak(gedeeld, deel)

    def sluit(self) -> None:
        pass


class Toekomst(Protocol[R_co]):
    """A submitted chunk: a ``concurrent.futures.Future`` or a ``distributed.Future``."""

    def result(self) -> R_co: ...


def _op_volgorde(indienen: Callable[[T], Toekomst[R]], delen: Iterable[T], venster: int) -> Iterator[R]:
    """Submit chunks keeping at most ``venster`` in flight; yield results in submission order."""
    wachtrij: deque[Toekomst[R]] = deque()
    for deel in delen:
        wachtrij.append(indienen(deel))
        if len(wachtrij) >= venster:
            yield wachtrij.popleft().result()
    while wachtrij:
        yield wachtrij.popleft().result()


def _met_bestand(taak: Taak[T, R], pad: str, deel: T) -> R:
    """In a worker: map the shared input (milliseconds: the arrays are not read, only mapped) and
    let go of it after the chunk, so an idle worker holds none of it."""
    return taak(joblib.load(pad, mmap_mode="r"), deel)


class LokaleProcessen:
    """Chunks in ``werkers`` local processes (spawned: safe from a threaded web server too)."""

    def __init__(self, werkers: int) -> None:
        self.werkers = werkers
        self._pool = ProcessPoolExecutor(werkers, mp_context=multiprocessing.get_context("spawn"))
        self._map = Path(tempfile.mkdtemp(prefix="gebiedskompas-werk-"))
        self._volgnummer = 0

    def kaart(self, taak: Taak[T, R], gedeeld: object, delen: Iterable[T]) -> Iterator[R]:
        # Written at once, so the caller can let go of ``gedeeld`` while the chunks run.
        self._volgnummer += 1
        pad = self._map / f"gedeeld-{self._volgnummer}.joblib"
        try:
            joblib.dump(gedeeld, pad)
        except OSError as e:
            raise InvoerFout(f"tijdelijk bestand {pad} kan niet worden geschreven ({e.strerror or e})") from e
        return self._resultaten(taak, pad, delen)

    def _resultaten(self, taak: Taak[T, R], pad: Path, delen: Iterable[T]) -> Iterator[R]:
        try:
            yield from _op_volgorde(
                lambda deel: self._pool.submit(_met_bestand, taak, str(pad), deel),
                delen,
                self.werkers * PER_WERKER,
            )
        finally:
            pad.unlink(missing_ok=True)

    def sluit(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        shutil.rmtree(self._map, ignore_errors=True)


class DaskCluster:
    """Chunks on a Dask cluster (``distributed``), by scheduler address such as ``tcp://host:8786``."""

    def __init__(self, adres: str) -> None:
        import distributed

        try:
            maak: Any = distributed.Client  # distributed is untyped
            self._client: Any = maak(adres, timeout="10s")
        except (OSError, TimeoutError, ValueError) as e:
            raise InvoerFout(f"geen verbinding met het Dask-cluster op {adres} ({e})") from e
        self.werkers = max(1, sum(self._client.nthreads().values()))

    def kaart(self, taak: Taak[T, R], gedeeld: object, delen: Iterable[T]) -> Iterator[R]:
        return self._resultaten(taak, self._client.scatter(gedeeld, broadcast=True, hash=False), delen)

    def _resultaten(self, taak: Taak[T, R], verspreid: Any, delen: Iterable[T]) -> Iterator[R]:
        try:
            yield from _op_volgorde(
                lambda deel: self._client.submit(taak, verspreid, deel, pure=False),
                delen,
                self.werkers * PER_WERKER,
            )
        finally:
            self._client.cancel(verspreid)

    def sluit(self) -> None:
        self._client.close()


def kies(werk: int, processen: int | None = None, dask: str | None = None) -> Uitvoerder:
    """The executor for ``werk`` (areas × evaluations): a Dask cluster when an address is given;
    else ``processen`` local processes (default: one per CPU), or this process when there is one
    CPU, one process is asked for, or the work is too small to be worth starting processes."""
    if dask:
        return DaskCluster(dask)
    if processen is not None and processen < 1:
        raise InvoerFout(f"--processen moet 1 of meer zijn, niet {processen}")
    aantal = processen if processen is not None else (os.cpu_count() or 1)
    if aantal == 1 or (processen is None and werk < MIN_WERK_VOOR_PROCESSEN):
        return InDitProces()
    return LokaleProcessen(aantal)
