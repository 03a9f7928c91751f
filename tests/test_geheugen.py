"""The allocator setting of the CLI and web server (geheugen.py): block temporaries of a few
megabytes are reused from the heap instead of being mapped (and zeroed by the kernel) anew."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gebiedskompas.geheugen import stel_allocator_in

_PROEF = """
import resource, sys
import numpy as np
if sys.argv[1] == "ja":
    from gebiedskompas.geheugen import stel_allocator_in
    assert stel_allocator_in()
# columns of a million areas: some 8 MB each, a little larger each time (the present values of
# one indicator after another)
blok = np.ones((1_200_000,))
voor = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(20):
    tijdelijk = blok[: 1_000_000 + 10_000 * i] * 2.0
    del tijdelijk
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - voor)
"""


def _paginafouten(instellen: bool) -> int:
    # 4 kB pages (numpy would ask for huge pages for arrays this size), no thresholds of the user
    omgeving = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    omgeving["NUMPY_MADVISE_HUGEPAGE"] = "0"
    uit = subprocess.run(
        [sys.executable, "-c", _PROEF, "ja" if instellen else "nee"],
        capture_output=True,
        text=True,
        check=True,
        env=omgeving,
    )
    return int(uit.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_block_temporaries_are_reused_instead_of_mapped_fresh() -> None:
    # 20 temporaries of about 8 MB: mapped fresh each time, they fault in all ~2.000 pages of each
    assert _paginafouten(instellen=False) > 20 * 2_000
    assert _paginafouten(instellen=True) < 5_000  # the first one, then the heap's own pages


def test_the_users_own_thresholds_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert stel_allocator_in() is False


def test_pyarrow_allocates_from_the_c_library_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    vorige = pa.default_memory_pool()
    try:
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
        stel_allocator_in()
        assert pa.default_memory_pool().backend_name == "system"
        pa.set_memory_pool(vorige)
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", vorige.backend_name)
        stel_allocator_in()
        assert pa.default_memory_pool().backend_name == vorige.backend_name
    finally:
        pa.set_memory_pool(vorige)
