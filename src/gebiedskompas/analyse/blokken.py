"""Row blocks: the row-wise steps run over the areas a block at a time.

At a million areas every (areas × indicators) temporary is 160 MB, and fresh memory is costly to
touch (the kernel has to fault in and zero every page). Working a block of rows at a time keeps the
temporaries small, so the allocator reuses them and they stay in the processor's cache; the
results are the same to the bit, as every value is computed by the same operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from threadpoolctl import ThreadpoolController

BLOK = 32_768  # rows: 5 MB per temporary at 20 indicators
UITLIJNING = 64  # rows: a multiple of every BLAS kernel's panel height


def blokken(n: int, grootte: int | None = None) -> Iterator[slice]:
    """Consecutive slices covering ``range(n)``: one slice up to ``grootte`` (default ``BLOK``) rows,
    else blocks of about ``grootte`` to twice that that start at a multiple of ``UITLIJNING`` rows.

    BLAS computes a matrix product in panels of a few rows from the first row on, and a row in a
    partial panel with another kernel, whose sums can differ in the last bit. Blocks that start
    where a panel of the whole product would start put every row in the same kind of panel as the
    whole product does, so that the products, and everything after them, are the same to the bit.
    """
    grootte = grootte or BLOK
    aantal = max(n // grootte, 1)
    grenzen = [n * i // aantal // UITLIJNING * UITLIJNING for i in range(aantal)] + [n]
    for begin, eind in itertools.pairwise(grenzen):
        yield slice(begin, eind)


_BLAS: list[ThreadpoolController] = []


def een_blasdraad() -> Any:
    """A context that runs BLAS single-threaded: the matrix products of a block (thousands of rows
    by some twenty indicators) are too small to share, and BLAS threads waiting for work take the
    processor from the other steps. The controller is made once per process (making it scans the
    loaded libraries)."""
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")
