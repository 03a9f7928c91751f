"""Successors of dissolved gemeenten, estimated from population counts alone.

Used when no address-weighted change matrix is loaded. Within one provincie and one year, each
dissolved gemeente is assigned to one candidate successor (a new gemeente code, or an existing
gemeente whose growth is unexplained) so that the population growth of every candidate, beyond
the median growth of unchanged gemeenten, is best explained by the inhabitants it received.
The result is an estimate and is labelled as such: it cannot split a gemeente over several
successors, and when two new gemeenten form in one provincie in the same year from groups of
similar population (Land van Cuijk and Maashorst, 2022) the assignment between them can be
wrong. Load the address-weighted matrices (grenswijzigen) for exact successors.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

_MAX_COMBINATIES = 200_000


def onverklaarde_groei(
    voor: Mapping[str, float], na: Mapping[str, float], mediane_groei: float
) -> dict[str, float]:
    """Growth of each gemeente in ``na`` beyond the median growth; new codes start from 0."""
    return {c: na[c] - voor.get(c, 0.0) * (1 + mediane_groei if c in voor else 0.0) for c in na}


def wijs_toe(verdwenen: Mapping[str, float], groei: Mapping[str, float], nieuwe: set[str]) -> dict[str, str]:
    """Assign each dissolved gemeente (code -> inhabitants) to one candidate (code -> unexplained
    growth), minimising the squared unexplained growth left over."""
    if not verdwenen:
        return {}
    bestaand = sorted((c for c in groei if c not in nieuwe), key=lambda c: -groei[c])
    kandidaten = sorted(nieuwe & set(groei)) + bestaand[: len(verdwenen) + 1]
    oude = sorted(verdwenen)
    if len(kandidaten) ** len(oude) > _MAX_COMBINATIES:
        return _gretig(verdwenen, groei, kandidaten)
    beste: tuple[float, tuple[str, ...]] | None = None
    for keuze in itertools.product(kandidaten, repeat=len(oude)):
        rest = {c: groei[c] for c in kandidaten}
        for oud, doel in zip(oude, keuze, strict=True):
            rest[doel] -= verdwenen[oud]
        kosten = sum(r * r for r in rest.values())
        if beste is None or kosten < beste[0]:
            beste = (kosten, keuze)
    assert beste is not None
    return dict(zip(oude, beste[1], strict=True))


def _gretig(
    verdwenen: Mapping[str, float], groei: Mapping[str, float], kandidaten: list[str]
) -> dict[str, str]:
    rest = {c: groei[c] for c in kandidaten}
    uit = {}
    for oud in sorted(verdwenen, key=lambda c: -verdwenen[c]):
        doel = max(rest, key=lambda c: rest[c])
        uit[oud] = doel
        rest[doel] -= verdwenen[oud]
    return uit
