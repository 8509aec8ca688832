"""A build makes the site's parts in a forked process while MkDocs converts the Markdown, and
judges the postmortems there (build_ahead.py, named_services.py): its site and its findings must
be exactly those of a build that makes everything in turn, as `mkdocs serve` does."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from postmortem_kb.build_ahead import Ahead
from postmortem_kb.cache_store import cache_folder
from postmortem_kb.corpus import collect
from postmortem_kb.named_services import _plain_services, named_services
from postmortem_kb.parsing.front_matter import parse
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB
from .sites import base, build, make_site

# One `mkdocs build` in a process of its own, told the command: "serve" makes everything in turn.
BUILD = """
import logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stdout)
config = load_config(sys.argv[1], site_dir=sys.argv[3])
config.plugins.on_startup(command=sys.argv[2], dirty=False)
build(config)
ahead = config.plugins["postmortems"].named is not None
print("judged: ahead" if ahead else "judged: first", file=sys.stderr)
"""

# Invalid (a timeline out of order) and the only one naming its service: no page for that service.
NAMED_ONLY = base(
    ("  detected: 2025-01-14T15:06:00Z", "  detected: 2025-01-14T14:06:00Z"),
    ("services: [checkout-api]", "services: [named-only, 3]"),
)


def _knowledge_base(root: Path) -> Path:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(REFERENCE_KB.glob("*.md"))}
    del texts["adopting.md"]  # it links to services/: the build would judge first (tested below)
    texts["2025-01-15-named-only.md"] = NAMED_ONLY
    texts["2025-01-16-unparsable.md"] = "---\ntitle: [unclosed\n---\n\n# Bad\n"
    # a page of the user's own that asks for a generated table
    texts["overview.md"] = '# Overview\n\n<div data-pmkb-slot="incidents"></div>\n'
    make_site(root, texts, options="      analytics: true")
    os.mkfifo(root / "docs" / "2025-01-17-fifo.md")  # reading it would wait forever: left out, reported
    # valid front matter, a body MkDocs cannot decode: left out (MkDocs would stop on it), reported
    latin1 = base(("## Impact\n", "## Impact\n\nLöschung.\n")).encode("latin-1")
    (root / "docs" / "2025-01-19-latin1.md").write_bytes(latin1)
    return root


def _build(root: Path, command: str, *, cache: bool, judged: str = "") -> tuple[dict[str, bytes], list[str]]:
    """The site's files and log; `judged` ("ahead" or "first"), when given, is how the build must judge."""
    site = root / f"site-{command}"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}
    env["PMKB_NO_CACHE"] = "0" if cache else "1"
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(root / "mkdocs.yml"), command, str(site)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not judged or f"judged: {judged}" in done.stderr, done.stderr[-500:]
    files = {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    log = [line.replace(str(site), "SITE") for line in done.stdout.splitlines() if "built in" not in line]
    return files, log


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_a_build_made_ahead_is_the_build_made_in_turn(tmp_path: Path, cache: bool) -> None:
    root = _knowledge_base(tmp_path)
    # the build judges while MkDocs converts the Markdown, and leaves the persistent cache alone
    ahead, ahead_log = _build(root, "build", cache=cache, judged="ahead")
    assert not cache_folder(root).exists()
    in_turn, in_turn_log = _build(root, "serve", cache=cache)  # serve judges through the cache
    assert (_cached_entries(root) > 10) == cache
    builds = [(ahead, ahead_log)]
    if cache:  # a warm cache changes nothing either
        builds.append(_build(root, "build", cache=cache, judged="ahead"))
    for files, log in builds:
        assert sorted(files) == sorted(in_turn)
        assert [p for p in files if files[p] != in_turn[p]] == []
        assert log == in_turn_log
    # what the comparison covers: the dropped page, findings of every kind, a user's page filled
    assert "services/checkout-api/index.html" in ahead
    assert not any(p.startswith("services/named-only") for p in ahead)
    assert not any("fifo" in p for p in ahead)
    assert any("[timeline-order]" in line for line in ahead_log)
    assert any("[yaml-syntax]" in line for line in ahead_log)
    assert any("2025-01-17-fifo.md" in line and "[file-unreadable]" in line for line in ahead_log)
    assert any("2025-01-19-latin1.md" in line and "[file-unreadable]" in line for line in ahead_log)
    assert not any("latin1" in p for p in ahead)
    assert b"data-pmkb-rows" in ahead["overview/index.html"]
    assert b'class="pmkb-card"' in ahead["2025-02-21-slow-search-during-reindex/index.html"]


def test_a_build_that_judges_first_is_the_build_made_in_turn(tmp_path: Path) -> None:
    """A page links to a service page: the build judges first (through the cache), then makes the rest ahead."""
    root = _knowledge_base(tmp_path)
    (root / "docs" / "links.md").write_text("# Links\n\nSee [the services](services/index.md).\n")
    first, first_log = _build(root, "build", cache=True, judged="first")
    assert _cached_entries(root) > 10
    in_turn, in_turn_log = _build(root, "serve", cache=True)
    assert sorted(first) == sorted(in_turn)
    assert [p for p in first if first[p] != in_turn[p]] == []
    assert first_log == in_turn_log
    assert b'class="pmkb-card"' in first["2025-02-21-slow-search-during-reindex/index.html"]


def _cached_entries(root: Path) -> int:
    """Entries in the knowledge base's cache file(s), read without opening the store (which would
    replace a cache of other settings)."""
    total = 0
    for path in cache_folder(root).glob("cache-*.sqlite3"):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            total += conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    return total


def test_named_services_hold_every_service_a_record_shows(tmp_path: Path) -> None:
    root = _knowledge_base(tmp_path)
    docs = root / "docs"
    jobs = [(p.name, p.name, p) for p in sorted(docs.glob("20*.md"))]
    named = named_services(jobs, [], b"services/")
    assert named is not None
    corpus = collect(jobs, [], Settings())
    shown = {s for incident in corpus.incidents for s in incident.services}
    assert shown <= named.services
    assert named.services - shown == {"named-only", "3"}  # named-only's record is invalid; 3 is no slug
    assert named.unreadable == {"2025-01-17-fifo.md", "2025-01-19-latin1.md"}
    # a postmortem that may link to a service page: MkDocs checks the link before judging ends
    (docs / "2025-01-18-links.md").write_text(base(("## Impact\n", "## Impact\n\nSee [it](services/x/index.md).\n")))
    assert named_services([*jobs, ("2025-01-18-links.md", "l", docs / "2025-01-18-links.md")], [], b"services/") is None


def _fails() -> str:
    raise ValueError("broken")


def _slow() -> str:
    time.sleep(60)
    return "late"


def test_what_the_forked_process_did_not_make_is_made_here() -> None:
    tasks = [(("a",), lambda: "made ahead"), (("b",), _fails), (("c",), lambda: "never sent")]
    ahead = Ahead(tasks, before=lambda: None, after=lambda: None)
    assert ahead.take(("a",), lambda: "here") == "made ahead"
    assert ahead.take(("c",), lambda: "here") == "here"  # after a failure the build makes the rest
    assert ahead.take(("z",), lambda: "not asked for") == "not asked for"
    ahead.close()
    assert ahead.failure == "ValueError: broken"


def test_a_failed_build_stops_the_forked_process(tmp_path: Path) -> None:
    started, stopped = tmp_path / "started", tmp_path / "stopped"

    def before() -> None:  # as the history pass is started
        started.write_text("started")

    def after() -> None:
        stopped.write_text("stopped")

    ahead = Ahead([(("slow",), _slow)], before=before, after=after)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    ahead.close()  # as on_build_error does, with the task still running
    assert time.monotonic() < deadline
    assert not ahead._process.is_alive()
    assert stopped.read_text() == "stopped"  # what the process started for itself is stopped too


@pytest.mark.parametrize(
    ("front_matter", "read_plain"),
    [
        ("services: [a, b-c]", True),
        ("services: [a, 123, true, null, 0x1f]", True),  # YAML reads some words as numbers, booleans, null
        ("services: [a]  # a comment", False),
        ("'services': [x]", False),
        ("services: [a]\nservices: [b]", False),
        ("shared: &s [a]\nservices: *s", False),
        ("services:\n  - a\n  - b", False),
        ("title: about services\nservices: [a]", False),
        ('"serv\\x69ces": [z]\nother: [a]', False),
        ("services: [a,\n  b]", False),
        ('services: ["a", b]', False),
    ],
)
def test_services_read_without_yaml_hold_those_yaml_reads(front_matter: str, read_plain: bool) -> None:
    text = f"---\ntitle: T\n{front_matter}\n---\n\n# T\n"
    services = parse(text)[0].data.get("services")
    strings = {s for s in services if isinstance(s, str)} if isinstance(services, list) else set()
    plain = _plain_services(text)
    assert (plain is not None) == read_plain
    assert plain is None or strings <= set(plain)


def test_postmortems_judged_ahead_still_fail_a_strict_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMKB_NO_CACHE", "1")  # without the persistent cache the build judges them ahead
    make_site(tmp_path, {"2025-01-14-ok.md": base(), "2025-01-15-named-only.md": NAMED_ONLY})
    built = build(tmp_path)
    assert built.returncode == 1
    assert "docs/2025-01-15-named-only.md:13:13: error [timeline-order]" in built.log
    assert "Aborted with" in built.log and "Traceback" not in built.log
    assert not (built.site / "services" / "named-only").exists()
