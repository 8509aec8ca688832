"""While `pmkb check` reads and compares the corpus, this process does not run the cyclic collector
(what it leaves is freed by reference counting); the worker processes it forks do, and the
collector's state is restored afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from postmortem_kb import check, corpus
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB


def test_the_check_runs_without_the_collector_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    from postmortem_kb.relations import relations_for as compare

    def watched(*args: object) -> object:
        seen.append(gc.isenabled())
        return compare(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "relations_for", watched)
    before = gc.get_threshold()
    assert gc.isenabled()
    result = check.check_paths([REFERENCE_KB], Settings(), REFERENCE_KB)
    assert result.files > 10 and seen == [False]
    assert gc.isenabled() and gc.get_threshold() == before
    gc.disable()
    try:  # a caller that had stopped it finds it stopped
        check.check_paths(sorted(REFERENCE_KB.glob("20*.md"))[:1], Settings(), REFERENCE_KB)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_worker_collects_whatever_its_parent_does(tmp_path: Path) -> None:
    gc.disable()
    try:
        corpus._set_settings(Settings())
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
