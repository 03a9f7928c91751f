"""Concurrent loads and readers: loads are serialised by a lock, readers always see a whole
snapshot, and the store removes only what it made itself."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from filelock import FileLock

from gebiedskompas.laden import laad
from gebiedskompas.opslag import SLOTBESTAND, Opslag

from .conftest import SHARED_DATA
from .helpers import GEBIEDSKOMPAS, draai_cli

KWB = SHARED_DATA / "cbs_kwb" / "85984NED.csv"
GEBIEDEN = SHARED_DATA / "cbs_gebieden_in_nederland"
WACHTMELDING = "Wacht op een andere lading van deze opslag…"


def _omgeving() -> dict[str, str]:
    weg = ("GEBIEDSKOMPAS_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    return {**{k: v for k, v in os.environ.items() if k not in weg}, "COLUMNS": "200"}


def _start_lading(bestand: Path, opslag: Path, uitvoer: Path) -> subprocess.Popen[bytes]:
    with uitvoer.open("wb") as uit:
        return subprocess.Popen(
            [GEBIEDSKOMPAS, "laad", str(bestand), "--opslag", str(opslag)],
            stdout=uit,
            stderr=subprocess.STDOUT,
            env=_omgeving(),
        )


def _wacht_tot(voorwaarde: Callable[[], bool], seconden: float = 120) -> None:
    einde = time.monotonic() + seconden
    while not voorwaarde():
        assert time.monotonic() < einde, "voorwaarde niet gehaald"
        time.sleep(0.1)


def _tabellen(opslag: Opslag) -> set[str]:
    return {str(lading["tabel"]) for lading in opslag.lees().ladingen}


def test_two_loads_at_once_both_end_up_in_the_store(tmp_path: Path) -> None:
    """Both processes are started while the test holds the lock, so both are waiting at the same
    moment and then race for it: without the lock the last writer of HUIDIG would win."""
    map = tmp_path / "opslag"
    map.mkdir()
    uit_a, uit_b = tmp_path / "a.txt", tmp_path / "b.txt"
    with FileLock(map / SLOTBESTAND):
        a = _start_lading(KWB, map, uit_a)
        b = _start_lading(GEBIEDEN / "84378NED.csv", map, uit_b)
        _wacht_tot(lambda: all(WACHTMELDING in u.read_text(encoding="utf-8") for u in (uit_a, uit_b)))
    assert a.wait(timeout=300) == 0, uit_a.read_text(encoding="utf-8")
    assert b.wait(timeout=300) == 0, uit_b.read_text(encoding="utf-8")
    opslag = Opslag(map)
    assert _tabellen(opslag) == {"85984NED", "84378NED"}
    bronnen = set(opslag.lees().waarnemingen["bron"].astype(str))
    assert {"85984NED", "84378NED"} <= bronnen
    assert opslag.huidige_versie() == "v000002"


def test_lock_timeout_refuses_in_dutch_naming_the_lock_file(tmp_path: Path) -> None:
    map = tmp_path / "opslag"
    map.mkdir()
    with FileLock(map / SLOTBESTAND):
        begin = time.monotonic()
        uit = draai_cli("laad", str(GEBIEDEN / "84378NED.csv"), "--wacht", "1", opslag=map)
        duur = time.monotonic() - begin
    tekst = " ".join((uit.stdout + uit.stderr).split())
    assert uit.returncode == 1, tekst
    assert f"{WACHTMELDING} (hooguit 1 seconde)" in tekst
    assert "Fout:" in tekst and "na 1 seconde wachten nog niet vrij" in tekst
    assert f"slotbestand {map / SLOTBESTAND}" in tekst
    assert "Traceback" not in tekst
    assert duur < 60
    assert Opslag(map).huidige_versie() is None


def test_reader_in_a_loop_during_loads_never_fails(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    laad([KWB], opslag)
    verwacht = [{"85984NED"}]
    for naam in ("84378NED", "84721NED", "84929NED"):
        verwacht.append(verwacht[-1] | {naam})
    gezien: list[set[str]] = []
    fouten: list[BaseException] = []
    klaar = threading.Event()

    def lezer() -> None:
        lezer_opslag = Opslag(opslag.map)
        while not klaar.is_set():
            try:
                gezien.append(_tabellen(lezer_opslag))
            except BaseException as e:  # any failure of a reader is what this test is about
                fouten.append(e)
                return

    draad = threading.Thread(target=lezer)
    draad.start()
    try:
        for naam in ("84378NED", "84721NED", "84929NED"):
            laad([GEBIEDEN / f"{naam}.csv"], opslag)
    finally:
        klaar.set()
        draad.join(timeout=60)
    assert fouten == []
    assert len(gezien) > 3
    # every read saw one whole snapshot: the tables of some complete load, never a mix
    assert all(g in verwacht for g in gezien)
    # the snapshot before the current one stays for readers that started before the switch
    assert sorted(p.name for p in opslag.map.iterdir() if p.name.startswith("v")) == ["v000003", "v000004"]


def test_store_removes_only_what_it_made_and_cleans_a_killed_load(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "opslag")
    laad([GEBIEDEN / "84378NED.csv"], opslag)
    map = opslag.map
    (map / "verslagen").mkdir()
    (map / "verslagen" / "maart.txt").write_text("eigen verslag", encoding="utf-8")
    (map / "voorbeeld.txt").write_text("van de gebruiker", encoding="utf-8")
    (map / "v1234567").mkdir()  # seven digits: not a snapshot name of the store
    # What a killed load leaves: a half-written temp snapshot, a pointer temp file, a renamed
    # snapshot whose pointer switch never happened, and a half-written object.
    (map / ".tmp-v000002-99999").mkdir()
    (map / ".tmp-v000002-99999" / "waarnemingen.parquet").write_bytes(b"PAR1 half")
    (map / ".HUIDIG.99999.tmp").write_bytes(b"v00")
    (map / "v000002").mkdir()
    (map / "v000002" / "regios.parquet").write_bytes(b"PAR1 half")
    (map / "objecten").mkdir(exist_ok=True)
    (map / "objecten" / ".abcdef.geojson.99999.tmp").write_bytes(b"{")
    assert _tabellen(opslag) == {"84378NED"}  # readers ignore all of it

    resultaat = laad([KWB], opslag)

    assert resultaat.versie == "v000002"
    assert not (map / ".tmp-v000002-99999").exists()
    assert not (map / ".HUIDIG.99999.tmp").exists()
    assert not (map / "objecten" / ".abcdef.geojson.99999.tmp").exists()
    assert (map / "verslagen" / "maart.txt").read_text(encoding="utf-8") == "eigen verslag"
    assert (map / "voorbeeld.txt").read_text(encoding="utf-8") == "van de gebruiker"
    assert (map / "v1234567").is_dir()
    assert sorted(p.name for p in map.iterdir() if p.name.startswith("v")) == [
        "v000001",
        "v000002",
        "v1234567",
        "verslagen",
        "voorbeeld.txt",
    ]
    assert _tabellen(Opslag(map)) == {"84378NED", "85984NED"}


def test_reader_whose_snapshot_is_cleaned_up_mid_read_reads_the_newer_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deterministic version of the race: between reading HUIDIG (v000002) and its files,
    two loads finish, so v000002 is removed as no longer the previous snapshot."""
    opslag = Opslag(tmp_path / "opslag")
    for naam in ("84378NED", "84721NED"):
        laad([GEBIEDEN / f"{naam}.csv"], opslag)
    echte = pd.read_parquet
    gedaan: list[str] = []

    def met_twee_ladingen_ertussen(pad: Path, *args: Any, **kwargs: Any) -> pd.DataFrame:
        if not gedaan:
            gedaan.append(Path(pad).parent.name)
            for naam in ("84929NED", "85067NED"):
                laad([GEBIEDEN / f"{naam}.csv"], Opslag(opslag.map))
        return echte(pad, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", met_twee_ladingen_ertussen)
    tabellen = _tabellen(opslag)
    assert gedaan == ["v000002"]
    assert not (opslag.map / "v000002").exists()
    assert tabellen == {"84378NED", "84721NED", "84929NED", "85067NED"}
