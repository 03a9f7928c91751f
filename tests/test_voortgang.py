"""Known answers for the data-driven status (Open SDG style), checkable by hand."""

from __future__ import annotations

from datetime import date

import pytest

from gebiedskompas.voortgang import beoordeel

BEGIN, EIND = date(2025, 1, 1), date(2025, 4, 11)  # 100 days apart
HALF = date(2025, 2, 20)  # day 50: half of the way


@pytest.mark.parametrize(
    ("meting", "status", "verhouding"),
    [
        (15.0, "op_koers", 1.0),  # 5 of the 5 needed by now
        (14.75, "op_koers", 0.95),  # exactly the threshold
        (14.5, "versnelling_nodig", 0.9),
        (13.0, "versnelling_nodig", 0.6),
        (12.0, "beperkte_voortgang", 0.4),
        (10.0, "beperkte_voortgang", 0.0),
        (9.0, "achteruitgang", -0.2),
    ],
)
def test_increase_from_10_to_20(meting: float, status: str, verhouding: float) -> None:
    b = beoordeel(10, BEGIN, 20, EIND, meting, HALF)
    assert b.status == status
    assert b.verhouding == pytest.approx(verhouding)


def test_decrease_target() -> None:
    # from 50 to 40: by half-way -5 is needed; -2 observed is 40%
    b = beoordeel(50, BEGIN, 40, EIND, 48, HALF, "hoger_is_slechter")
    assert (b.status, round(b.verhouding or 0, 6)) == ("beperkte_voortgang", 0.4)
    assert "40%" in b.reden


def test_after_the_target_date_the_full_change_is_needed() -> None:
    b = beoordeel(10, BEGIN, 20, EIND, 19, date(2026, 1, 1))
    assert b.verhouding == pytest.approx(0.9)


def test_no_measurement_and_holding_a_level() -> None:
    assert beoordeel(10, BEGIN, 20, EIND, None, None).status == "onbekend"
    assert beoordeel(10, BEGIN, 20, EIND, 12, BEGIN).status == "onbekend"
    assert beoordeel(10, BEGIN, 10, EIND, 11, HALF).status == "op_koers"
    assert beoordeel(10, BEGIN, 10, EIND, 9, HALF).status == "achteruitgang"
    assert beoordeel(10, BEGIN, 10, EIND, 11, HALF, "hoger_is_slechter").status == "achteruitgang"
