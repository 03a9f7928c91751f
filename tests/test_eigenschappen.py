"""Hypothesis properties: missing stays missing, numbers survive, row order does not matter."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag
from gebiedskompas.readers.core import ONTBREKEND, RuweTabel, als_getal

from .helpers import KWB_KOP, KWB_RIJEN, kwb_2020

getal = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
teken = st.sampled_from(sorted(ONTBREKEND))


@given(st.lists(st.one_of(getal, teken), min_size=1, max_size=50))
def test_markers_become_missing_and_numbers_stay(cellen: list[float | str]) -> None:
    tekst = [c if isinstance(c, str) else repr(c) for c in cellen]
    ruw = RuweTabel(bestand=Path("x.csv"), data=pd.DataFrame({"k": tekst}))
    uit = als_getal(ruw, "k").tolist()
    for cel, waarde in zip(cellen, uit, strict=True):
        if isinstance(cel, str):
            assert math.isnan(waarde)
        else:
            assert waarde == cel


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(tmp_path_factory, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    basis = tmp_path_factory.mktemp("schud")
    rijen = list(KWB_RIJEN)
    rnd.shuffle(rijen)
    a, b = Opslag(basis / "a"), Opslag(basis / "b")
    laad([kwb_2020(basis / "in_a")], a)
    laad([kwb_2020(basis / "in_b", rijen, kop=KWB_KOP)], b)
    assert a.lees().waarnemingen.equals(b.lees().waarnemingen)
    assert a.lees().regios.equals(b.lees().regios)
