"""Benchmark: load all of ../shared/data from scratch, then a no-op reload (same files).

Prints seconds for each and their ratio. Targets on a 2-core machine: <= 30 s and <= 2 s.
Run: python bench/laad.py [DATA_MAP]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        opslag = Opslag(Path(tmp) / "opslag")
        start = time.perf_counter()
        eerste = laad([data], opslag)
        vers = time.perf_counter() - start
        start = time.perf_counter()
        tweede = laad([data], opslag)
        noop = time.perf_counter() - start
    waarden = sum(len(i.waarnemingen) for i in eerste.geladen)
    print(f"laden vanaf nul : {vers:6.2f} s  ({len(eerste.geladen)} bestanden, {waarden:,} waarden)")
    print(f"herladen (no-op): {noop:6.2f} s  ({len(tweede.ongewijzigd)} bestanden ongewijzigd)")
    print(f"mislukt         : {len(eerste.mislukt)} bestanden")
    print(f"verhouding no-op / vanaf nul: {noop / vers:.3f}")


if __name__ == "__main__":
    main()
