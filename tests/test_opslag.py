"""Idempotent and atomic loading."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA, maphash
from .helpers import kwb_2020, rivm_csv


def test_same_folder_twice_is_byte_identical_and_skipped(tmp_path: Path) -> None:
    invoer = tmp_path / "in"
    kwb_2020(invoer)
    rivm_csv(invoer)
    opslag = Opslag(tmp_path / "opslag")
    eerste = laad([invoer], opslag)
    assert len(eerste.geladen) == 2
    voor = maphash(opslag.map)
    tweede = laad([invoer], opslag)
    assert tweede.geladen == []
    assert len(tweede.ongewijzigd) == 2
    assert maphash(opslag.map) == voor


def test_loading_order_does_not_change_the_data(tmp_path: Path) -> None:
    invoer = tmp_path / "in"
    kwb = kwb_2020(invoer)
    rivm = rivm_csv(invoer)
    a, b = Opslag(tmp_path / "a"), Opslag(tmp_path / "b")
    laad([kwb], a)
    laad([rivm], a)
    laad([rivm], b)
    laad([kwb], b)
    assert a.lees().waarnemingen.equals(b.lees().waarnemingen)


def test_error_during_write_keeps_previous_state(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    invoer = tmp_path / "in"
    opslag = Opslag(tmp_path / "opslag")
    laad([kwb_2020(invoer)], opslag)
    voor = maphash(opslag.map)

    import pandas as pd

    echte = pd.DataFrame.to_parquet
    aantal = {"n": 0}

    def halverwege(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        aantal["n"] += 1
        if aantal["n"] == 2:
            raise OSError("schijf vol")
        return echte(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", halverwege)
    with contextlib.suppress(OSError):
        laad([rivm_csv(invoer)], opslag)
    monkeypatch.undo()
    assert opslag.lees().waarnemingen["bron"].unique().tolist() != []
    assert "50090NED" not in set(opslag.lees().waarnemingen["bron"])
    # Leftovers of the failed write are only temp folders, removed by the next write.
    assert {k: v for k, v in maphash(opslag.map).items() if not k.startswith(".tmp-")} == voor
    laad([rivm_csv(invoer)], opslag)
    assert not any(p.name.startswith(".tmp-") for p in opslag.map.iterdir())
    assert "50090NED" in set(opslag.lees().waarnemingen["bron"])


def test_load_killed_halfway_leaves_previous_store_intact(tmp_path: Path) -> None:
    """A real SIGKILL in the middle of writing the new snapshot of the full real data."""
    opslag = Opslag(tmp_path / "opslag")
    laad([kwb_2020(tmp_path / "in")], opslag)
    voor = maphash(opslag.map)
    script = textwrap.dedent(f"""
        import os, signal
        import pandas as pd
        from pathlib import Path
        from gebiedskompas.laden import laad
        from gebiedskompas.opslag import Opslag
        echte = pd.DataFrame.to_parquet
        def halverwege(self, *a, **k):
            echte(self, *a, **k)
            os.kill(os.getpid(), signal.SIGKILL)
        pd.DataFrame.to_parquet = halverwege
        laad([Path({str(SHARED_DATA)!r})], Opslag(Path({str(opslag.map)!r})))
    """)
    proces = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=300, env={**os.environ}
    )
    assert proces.returncode == -signal.SIGKILL, proces.stderr.decode()
    na = {
        k: v
        for k, v in maphash(opslag.map).items()
        if not k.startswith(".tmp-") and not k.startswith("objecten/")
    }
    assert na == voor
    assert set(opslag.lees().waarnemingen["bron"]) == {
        "84799NED",
        "afgeleid: kwb.inwoners_65plus / kwb.inwoners",
    }
