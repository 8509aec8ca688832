from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from postmortem_kb.settings import Settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent
REFERENCE_KB = ROOT / "postmortems"
GOLDEN_BASE = TESTS / "golden" / "base.md"


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def base_text() -> str:
    return GOLDEN_BASE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own knowledge base, built strictly into a temporary folder."""
    from .sites import build

    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(REFERENCE_KB, root / "postmortems")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    built = build(root)
    assert built.returncode == 0, built.log
    return root
