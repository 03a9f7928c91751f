"""Shared set-up for the web tests: a store with two saved analyses, example data, one user per role."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth.models import Group, User
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.opslag import Opslag
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld

WACHTWOORD = "test-wachtwoord-voor-rollen"
ROLLEN = ("beheerder", "analist", "gebiedscoordinator", "lezer")


def opslag_met_analyses(echte_opslag: Opslag, doel: Path) -> Path:
    shutil.copytree(echte_opslag.map, doel)
    for args in (["dorpen", "--robuustheid", "100", "--naast", "wijken"], ["wijken", "--niveau", "buurt"]):
        uit = CliRunner().invoke(app, ["analyseer", *args, "--opslag", str(doel)])
        assert uit.exit_code == 0, uit.output
    return doel


def gebruikers_en_voorbeeld() -> dict[str, User]:
    laad_voorbeeld()
    uit = {"beheerder": User.objects.create_superuser("beheerder", "", WACHTWOORD)}
    for rol in ROLLEN[1:]:
        u = User.objects.create_user(rol, "", WACHTWOORD)
        u.groups.add(Group.objects.get(name=rol))
        uit[rol] = u
    m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").coordinatoren.add(uit["gebiedscoordinator"])
    return uit
