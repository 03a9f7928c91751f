"""Placebo checks.

* In time (``placebo_in_tijd``): only the waves before the real start, a fake start in the middle of
  them, comparison areas chosen again on the waves before the fake start, and the same estimator.
  There can be no effect, so an interval that excludes zero (small ``p``) means the method finds
  effects where none exist.
* In space (``placebo_in_ruimte``): each comparison area in turn as if it were treated, with its own
  synthetic control (``synthetisch.placebo_in_ruimte``); ``p`` = the share of untreated areas with
  an effect at least as large as the real one (Abadie's post/pre RMSPE ratio).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from ..errors import GebiedskompasFout, InvoerFout
from .oordeel import Placebo, Schatting
from .paneel import Paneel
from .vergelijking import STANDAARD_K, Vergelijking, kies_vergelijking

Schatter = Callable[[Paneel, Vergelijking], Schatting]


def nepstart(paneel: Paneel) -> int | None:
    """The fake start: the middle wave before the real start, so that at least one wave lies
    before it (None with fewer than two pre-start waves)."""
    voor = [int(p) for p in paneel.perioden[~paneel.na]]
    return voor[len(voor) // 2] if len(voor) >= 2 else None


def voor_de_start(paneel: Paneel, start: int) -> Paneel:
    """The panel restricted to the waves before the real start, with ``start`` as the (fake) start."""
    kolommen = ~paneel.na
    return dataclasses.replace(
        paneel,
        perioden=paneel.perioden[kolommen],
        y=paneel.y[:, kolommen],
        onder=paneel.onder[:, kolommen],
        boven=paneel.boven[:, kolommen],
        start=start,
        opmerkingen=list(paneel.opmerkingen),
    )


def placebo_in_tijd(
    paneel: Paneel,
    schatter: Schatter,
    *,
    k: int = STANDAARD_K,
    nep: int | None = None,
) -> Placebo:
    """The estimator on the pre-start waves with a fake start ``nep`` (default ``nepstart``)."""
    nep = nepstart(paneel) if nep is None else nep
    if nep is None:
        return Placebo(
            "tijd",
            math.nan,
            toelichting="Geen placebotoets in de tijd mogelijk: minder dan twee metingen vóór de start.",
        )
    if not any(p < nep for p in paneel.perioden) or nep >= paneel.start:
        raise InvoerFout(
            f"een nepstart moet tussen de eerste meting en de echte start ({paneel.start}) liggen"
        )
    deel = voor_de_start(paneel, nep)
    schatting = schatter(deel, kies_vergelijking(deel, k))
    return Placebo(
        "tijd",
        schatting.p,
        schatting.effect,
        schatting.onder,
        schatting.boven,
        nep,
        f"nepstart {nep}, metingen {int(deel.perioden[0])}-{int(deel.perioden[-1])}",
    )


def placebo_in_ruimte(paneel: Paneel, vergelijking: Vergelijking, seed: int) -> Placebo:
    """Placebo in space: each comparison area as if treated (``synthetisch.placebo_in_ruimte``)."""
    from . import synthetisch

    return synthetisch.placebo_in_ruimte(paneel, vergelijking, seed)


def veilig(placebo: Callable[[], Placebo], soort: str) -> Placebo:
    """Run a placebo check; when it cannot be done, a Placebo with p NaN saying why."""
    try:
        return placebo()
    except GebiedskompasFout as e:
        return Placebo(
            "ruimte" if soort == "ruimte" else "tijd",
            math.nan,
            toelichting=f"Placebotoets in de {soort} niet uitgevoerd: {e}",
        )
