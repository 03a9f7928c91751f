"""How this process takes memory from the C library (glibc on Linux).

glibc serves an allocation from its heap, where freed memory is used again, or, above a threshold,
maps fresh pages from the kernel and unmaps them when freed. The threshold starts at 128 kB and
rises only to the size of a freed mapped block, so that blocks of the same size keep being mapped
fresh. The analysis works in blocks of rows of a few megabytes (``analyse.blokken``) and per
indicator columns of 8 MB at a million areas: each of those would cost the kernel a fresh,
zeroed page for every 4 kB, which on a virtual machine takes about as long as the arithmetic.

``stel_allocator_in`` fixes the threshold at glibc's maximum (32 MB) and lets the heap keep up to
64 MB of free memory at its top instead of returning it at once: the block temporaries are then
reused, and larger arrays are mapped and returned as before. It also lets pyarrow (the text columns,
the explanations) allocate from the same heap instead of its bundled mimalloc, which maps and
releases its large buffers anew each time (measured at a million areas on a machine whose memory had
been idle: the explanation and theme tables took 2,1 s of kernel time with mimalloc, 1,1 s without).
The CLI and the web server call it at start; a user who sets ``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_`` or ``ARROW_DEFAULT_MEMORY_POOL`` keeps their own.
"""

from __future__ import annotations

import ctypes
import os
import sys

import pyarrow as pa

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_DREMPEL = 32 * 2**20
TRIM_DREMPEL = 64 * 2**20


def stel_allocator_in() -> bool:
    """Set glibc's thresholds and pyarrow's memory pool (see the module); False where there is no
    glibc or the user set the thresholds."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
    if not sys.platform.startswith("linux"):
        return False
    if any(k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_DREMPEL)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_DREMPEL))
