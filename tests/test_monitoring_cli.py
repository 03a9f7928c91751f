"""`gebiedskompas voorbeeld` then `gebiedskompas paragraaf`, as a new user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gebiedskompas.opslag import Opslag

GEBIEDSKOMPAS = str(Path(sys.executable).with_name("gebiedskompas"))


def _run(*args: str, opslag: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEBIEDSKOMPAS_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [GEBIEDSKOMPAS, *args, "--opslag", str(opslag)],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=300,
    )


def test_voorbeeld_then_najaarsnota_paragraph(tmp_path: Path, echte_opslag: Opslag) -> None:
    opslag = tmp_path / "opslag"
    import shutil

    shutil.copytree(echte_opslag.map, opslag)
    eerste = _run("voorbeeld", opslag=opslag)
    assert eerste.returncode == 0, eerste.stderr
    assert "8 gebiedsaanpakken" in eerste.stdout and "Beheerder aangemaakt" in eerste.stdout
    tweede = _run("voorbeeld", opslag=opslag)
    assert "al geladen" in tweede.stdout
    paragraaf = _run("paragraaf", "2.2.1", "--moment", "najaarsnota", "--jaar", "2025", opslag=opslag)
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
    html = _run("paragraaf", "2.2.1", "--html", opslag=opslag)
    assert html.stdout.startswith('<section lang="nl">') and '<th scope="row">Geld</th>' in html.stdout
    onbekend = _run("paragraaf", "9.9.9", opslag=opslag)
    assert onbekend.returncode == 1 and "bestaat niet" in onbekend.stderr
