"""Choosing the boundary vintage: small hand-made inputs with known answers."""

from __future__ import annotations

import pytest

from gebiedskompas.grenskeuze import (
    Grenskeuze,
    Grenssleutel,
    bronvermelding,
    dekking,
    heel_getal,
    kies_grenzen,
    ontleed_sleutel,
)

WIJKEN_2020 = {"WK091701", "WK091702", "WK091703", "WK091704"}


@pytest.mark.parametrize(
    ("sleutel", "verwacht"),
    [
        ("wijk_2024", Grenssleutel("wijk", 2024)),
        ("buurt_2024_benaderd", Grenssleutel("buurt", 2024, benaderd=True)),
        ("gemeente_2022", Grenssleutel("gemeente", 2022)),
        ("buurt_2024_onbekend", None),
        ("buurt", None),
        ("buurt_24", None),
        ("", None),
    ],
)
def test_keys_are_parsed(sleutel: str, verwacht: Grenssleutel | None) -> None:
    assert ontleed_sleutel(sleutel) == verwacht
    if verwacht is not None:
        assert verwacht.sleutel == sleutel


def test_most_matching_codes_wins_over_nearest_year() -> None:
    beschikbaar = {
        # nearest year, but renumbered: only one code in common
        "wijk_2021": {"WK091701", "WK091790", "WK091791"},
        # further away, but three of the four codes
        "wijk_2014": {"WK091701", "WK091702", "WK091703"},
        "gemeente_2020": {"GM0917"},
    }
    keuze = kies_grenzen(WIJKEN_2020, "wijk", beschikbaar, 2020)
    assert keuze == Grenskeuze("wijk_2014", "wijk", 2014, False, getekend=3, zonder_grens=1)
    assert keuze.totaal == 4


def test_tie_official_beats_approximate_even_when_further_away() -> None:
    beschikbaar = {
        "buurt_2020_benaderd": {"BU09170000", "BU09170001"},
        "buurt_2014": {"BU09170000", "BU09170001", "BU09179999"},
    }
    keuze = kies_grenzen(["BU09170000", "BU09170001"], "buurt", beschikbaar, 2020)
    assert keuze is not None
    assert (keuze.sleutel, keuze.benaderd, keuze.getekend, keuze.zonder_grens) == ("buurt_2014", False, 2, 0)


def test_approximate_wins_when_it_matches_more() -> None:
    beschikbaar = {
        "buurt_2014": {"BU09170000"},
        "buurt_2024_benaderd": {"BU09170000", "BU09170001"},
    }
    keuze = kies_grenzen(["BU09170000", "BU09170001", "BU09170002"], "buurt", beschikbaar, 2020)
    assert keuze == Grenskeuze("buurt_2024_benaderd", "buurt", 2024, True, getekend=2, zonder_grens=1)


def test_tie_nearest_year_then_later_year() -> None:
    codes = {"GM0917"}
    drie = {"gemeente_2016": codes, "gemeente_2022": codes, "gemeente_2019": codes}
    assert kies_grenzen(codes, "gemeente", drie, 2020).sleutel == "gemeente_2019"  # type: ignore[union-attr]
    even_ver = {"gemeente_2019": codes, "gemeente_2021": codes}
    assert kies_grenzen(codes, "gemeente", even_ver, 2020).sleutel == "gemeente_2021"  # type: ignore[union-attr]


def test_no_matches_still_chooses_by_the_tie_rules() -> None:
    beschikbaar = {"wijk_2024": {"WK000101"}, "wijk_2018_benaderd": {"WK000102"}}
    keuze = kies_grenzen(WIJKEN_2020, "wijk", beschikbaar, 2020)
    assert keuze == Grenskeuze("wijk_2024", "wijk", 2024, False, getekend=0, zonder_grens=4)


def test_other_levels_and_unknown_keys_are_ignored() -> None:
    beschikbaar = {"gemeente_2020": {"GM0917"}, "wijk_2020_onbekend": WIJKEN_2020, "wijk": WIJKEN_2020}
    assert kies_grenzen(WIJKEN_2020, "wijk", beschikbaar, 2020) is None
    assert kies_grenzen(WIJKEN_2020, "wijk", {}, 2020) is None


def test_duplicate_codes_count_once() -> None:
    keuze = kies_grenzen(["WK091701", "WK091701", "WK091702"], "wijk", {"wijk_2020": ["WK091701"]}, 2020)
    assert keuze is not None and (keuze.getekend, keuze.zonder_grens) == (1, 1)


def test_dutch_sentence_and_credit() -> None:
    keuze = Grenskeuze("wijk_2024", "wijk", 2024, False, getekend=213, zonder_grens=34)
    assert dekking(keuze) == (
        "213 van 247 wijken op de kaart; 34 zonder grens in de gekozen indeling (wijken 2024)"
    )
    assert bronvermelding(keuze) == "CBS / Kadaster (PDOK), bewerkt"
    benaderd = Grenskeuze("buurt_2024_benaderd", "buurt", 2024, True, getekend=1234, zonder_grens=0)
    assert dekking(benaderd) == (
        "1.234 van 1.234 buurten op de kaart, alle met een grens in de gekozen indeling "
        "(buurten 2024, benaderd)"
    )
    assert bronvermelding(benaderd) == "CBS / Kadaster (PDOK), bewerkt; geometrie benaderd"
    assert bronvermelding(None) == "CBS / Kadaster (PDOK), bewerkt"
    assert heel_getal(14568) == "14.568" and heel_getal(7) == "7"
