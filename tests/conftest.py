from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

# Django reads its settings lazily; point its store folder away from the working tree for tests.
os.environ.setdefault("GEBIEDSKOMPAS_OPSLAG", tempfile.mkdtemp(prefix="gk-test-opslag-"))

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO.parent / "shared" / "data").resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SHARED_DATA.is_dir():
        raise pytest.UsageError(f"../shared/data ontbreekt ({SHARED_DATA}); de tests lezen echte data")


# The real files the analysis, effect, monitoring and web tests are about. Named one by one, so a
# file added to ../shared/data changes nothing for them; test_echte_data.py loads the whole folder.
ECHTE_BESTANDEN = (
    "cbs_gebieden_in_nederland",
    "grenswijzigingen",
    "cbs_kwb/84799NED",
    "cbs_kwb/85984NED.csv",
    "cbs_kwb/85984NED_metadata",
    "cbs_kwb/Kerncijfers_wijken_en_buurten_2024_geslachten.csv",
    "rivm_gezondheidsmonitor",
    "cbs_gezondheidsmonitor_regio/85012NED.csv",
    "cbs_gezondheidsmonitor_regio/85563NED.csv",
    "leefbaarometer/Leefbaarometer-scores wijken 2002-2022.csv",
    "boundaries",
)


@pytest.fixture(scope="session")
def echte_opslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """The real files of ``ECHTE_BESTANDEN``, loaded once per test session."""
    opslag = Opslag(tmp_path_factory.mktemp("echt") / "opslag")
    resultaat = laad([SHARED_DATA / b for b in ECHTE_BESTANDEN], opslag)
    assert not resultaat.mislukt, resultaat.mislukt
    return opslag


@pytest.fixture(scope="session")
def reeksopslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """Only the files the series and trend tests need: register years, matrices, the two health
    tables with margins, KWB 2020 and 2024, the Leefbaarometer 3.0 wijk file."""
    opslag = Opslag(tmp_path_factory.mktemp("reeks") / "opslag")
    d = SHARED_DATA
    bestanden = [
        d / "cbs_gebieden_in_nederland",
        d / "grenswijzigingen",
        d / "cbs_gezondheidsmonitor_regio" / "85012NED.csv",
        d / "cbs_gezondheidsmonitor_regio" / "85563NED.csv",
        d / "cbs_kwb" / "84799NED",
        d / "cbs_kwb" / "85984NED.csv",
        d / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv",
    ]
    assert not laad(bestanden, opslag).mislukt
    return opslag


@pytest.fixture(scope="session")
def hele_map(echte_opslag: Opslag, tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """The whole of ../shared/data, as the README's main command loads it: a copy of ``echte_opslag``
    with the rest of the folder loaded on top (files already in it are recognised and skipped)."""
    opslag = Opslag(tmp_path_factory.mktemp("alles") / "opslag")
    shutil.copytree(echte_opslag.map, opslag.map)
    laad([SHARED_DATA], opslag)
    return opslag


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def maphash(map: Path) -> dict[str, str]:
    """Content of a folder as {relative path: sha256}, to prove it is byte-identical."""
    if not map.exists():
        return {}
    return {
        str(p.relative_to(map)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(map.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def web_opslag(echte_opslag: Opslag, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .webhulp import opslag_met_analyses

    return opslag_met_analyses(echte_opslag, tmp_path_factory.mktemp("web") / "opslag")


@pytest.fixture(autouse=True)
def _lege_paginacache() -> None:
    """Each test starts with an empty page cache (test databases restart their revision counter)."""
    from django.core.cache import cache

    cache.clear()


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hash for the test users (the production hasher takes 0,2 s per user by design;
    the tests create four users per test that logs in)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
