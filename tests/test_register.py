"""Region register: herindelingen from matrices and, without them, estimated from Gebieden tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from gebiedskompas.herindeling import onverklaarde_groei, wijs_toe
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag
from gebiedskompas.register import Register

from .conftest import SHARED_DATA


def test_assignment_known_answer_by_hand() -> None:
    # A (1000) and B (500) dissolve; new N grows from 0 to 1010, existing X from 10000 to 10010
    # and Y from 8000 to 8500. With 0.1% median growth, unexplained growth is N 1010, X 0, Y 492:
    # A -> N and B -> Y leave 10² + 0² + (-8)² = 164; both to N leave (-490)² + 492², and so on.
    groei = onverklaarde_groei({"X": 10000, "Y": 8000}, {"N": 1010, "X": 10010, "Y": 8500}, 0.001)
    assert groei == pytest.approx({"N": 1010, "X": 0.0, "Y": 492.0}, abs=1e-6)
    assert wijs_toe({"A": 1000, "B": 500}, groei, {"N"}) == {"A": "N", "B": "Y"}


def test_estimated_successors_from_gebieden_tables_only(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "o")
    laad([SHARED_DATA / "cbs_gebieden_in_nederland"], opslag)
    paren = {(h.jaar, h.oude_code, h.nieuwe_code) for h in Register(opslag.lees().regios).herindelingen()}
    verwacht = {
        (2021, "GM0003", "GM1979"),
        (2021, "GM0010", "GM1979"),
        (2021, "GM0024", "GM1979"),  # Eemsdelta
        (2022, "GM0370", "GM0439"),  # Beemster -> Purmerend
        (2022, "GM0398", "GM1980"),
        (2022, "GM0416", "GM1980"),  # Dijk en Waard
        (2023, "GM0457", "GM0363"),  # Weesp -> Amsterdam
        (2023, "GM0501", "GM1992"),
        (2023, "GM0530", "GM1992"),
        (2023, "GM0614", "GM1992"),
    }
    assert verwacht <= paren
    assert {p[1] for p in paren} >= {"GM0788", "GM0756", "GM1684", "GM0856"}  # every dissolved one


def test_matrix_successors_with_shares(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "o")
    laad(
        [
            SHARED_DATA / "cbs_gebieden_in_nederland",
            SHARED_DATA / "grenswijzigingen" / "grenswijziging_gemeente_van_2020_naar_2021.rda",
        ],
        opslag,
    )
    toestand = opslag.lees()
    haaren = [
        h
        for h in Register(toestand.regios, toestand.grenswijzigingen).herindelingen()
        if h.oude_code == "GM0788"
    ]
    assert {h.nieuwe_naam for h in haaren} == {"Boxtel", "Oisterwijk", "Tilburg", "Vught"}
    assert abs(sum(h.aandeel for h in haaren) - 1) < 1e-9
    assert all(h.methode.startswith("adressen") for h in haaren)


def test_name_lookup_for_tables_that_name_regions(tmp_path: Path) -> None:
    opslag = Opslag(tmp_path / "o")
    laad([SHARED_DATA / "cbs_gebieden_in_nederland" / "84721NED.csv"], opslag)
    kaart = Register(opslag.lees().regios).naam_naar_code(2020)
    assert kaart["Limburg (PV)"] == "PV31"
    assert kaart["Beek (L.)"] == "GM0888"
    assert kaart["Heerlen (GM)"] == "GM0917"
    assert kaart["Nederland"] == "NL00"
    zoek = Register(opslag.lees().regios).naamzoeker(2020)
    assert zoek("Veiligh. en Gez. Gelderland-Midden (GG)") == "GG1911"
    assert zoek("GGD Zuid-Limburg (GG)") == "GG6106"
    assert zoek("Politie Limburg (RE)") is None
