"""`gebiedskompas voorbeeld` then `gebiedskompas paragraaf`, as a new user would run them."""

from __future__ import annotations

from pathlib import Path

from gebiedskompas.opslag import Opslag

from .helpers import draai_cli


def test_voorbeeld_then_najaarsnota_paragraph(tmp_path: Path, echte_opslag: Opslag) -> None:
    opslag = tmp_path / "opslag"
    import shutil

    shutil.copytree(echte_opslag.map, opslag)
    eerste = draai_cli("voorbeeld", opslag=opslag)
    assert eerste.returncode == 0, eerste.stderr
    assert "8 gebiedsaanpakken" in eerste.stdout and "Beheerder aangemaakt" in eerste.stdout
    tweede = draai_cli("voorbeeld", opslag=opslag)
    assert "al geladen" in tweede.stdout
    paragraaf = draai_cli("paragraaf", "2.2.1", "--moment", "najaarsnota", "--jaar", "2025", opslag=opslag)
    assert paragraaf.returncode == 0, paragraaf.stderr
    for verwacht in (
        "Najaarsnota 2025",
        "Kwaliteit\tGroen",
        "Tijd\tGroen",
        "Geld\tGroen",
        "Overheveling (Najaarsnota)\t€ 0,83 mln",
        "Bijstelling (Najaarsnota)\t€ −0,67 mln",
        "Totaal mutaties\t€ 0,18 mln",
    ):
        assert verwacht in paragraaf.stdout
    html = draai_cli("paragraaf", "2.2.1", "--html", opslag=opslag)
    assert html.stdout.startswith('<section lang="nl">') and '<th scope="row">Geld</th>' in html.stdout
    onbekend = draai_cli("paragraaf", "9.9.9", opslag=opslag)
    assert onbekend.returncode == 1 and "bestaat niet" in onbekend.stderr
