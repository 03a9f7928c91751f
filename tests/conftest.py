from __future__ import annotations

import hashlib
import os
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


@pytest.fixture(scope="session")
def echte_opslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """The whole of ../shared/data loaded once per test session."""
    opslag = Opslag(tmp_path_factory.mktemp("echt") / "opslag")
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
