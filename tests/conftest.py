from __future__ import annotations

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
