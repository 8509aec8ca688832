"""The persistent cache (`.pmkb_cache/`): a cached run reports exactly what `--no-cache` reports,
through edits, renames and deletions, and a damaged or foreign cache is discarded, never trusted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from postmortem_kb import entry_codec
from postmortem_kb.cache_store import MAGIC, Store, cache_key
from postmortem_kb.cli import main
from postmortem_kb.corpus import load_entry
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB, ROOT
from .test_fast_paths import _generated

CERT = "2025-02-03-card-payments-down-after-mtls-certificate-expiry.md"
WEBHOOK = "2025-04-22-webhook-failures-after-intermediate-certificate-expiry.md"
SEARCH = "2025-02-21-slow-search-during-reindex.md"
CATALOGUE = "2026-03-02-search-timeouts-during-catalogue-import.md"
CHECKOUT = "2025-01-14-checkout-502s-after-feature-flag-push.md"
THROTTLED = "2025-03-09-checkout-throttled-by-rate-limit-typo.md"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reference knowledge base without its `related` lists, so that similar-incident
    findings (the cross-file work the cache must get right) appear."""
    shutil.copytree(REFERENCE_KB, tmp_path / "postmortems")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for path in (tmp_path / "postmortems").glob("20*.md"):
        path.write_text(re.sub(r"(?m)^related: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PMKB_NO_CACHE", raising=False)
    monkeypatch.delenv("PMKB_CACHE_DIR", raising=False)
    _age(tmp_path / "postmortems")
    return tmp_path


def _age(folder: Path) -> None:
    """Files last changed minutes ago, as in a real checkout: the cache may then trust their
    size and mtime instead of reading them (files changed within two seconds are read again)."""
    past = time.time() - 600
    for number, path in enumerate(sorted(folder.glob("*.md"))):
        os.utime(path, (past + number, past + number))


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


def _same_both_ways(*args: str) -> str:
    cached = _check(*args)
    uncached = _check("--no-cache", *args)
    assert cached == uncached, args
    return cached[1]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _prose(path: Path) -> str:
    """The Root Cause Analysis of a postmortem without its headings."""
    text = path.read_text(encoding="utf-8")
    rca = text[text.index("## Root Cause Analysis") : text.index("## What Went Well")]
    return "\n".join(line for line in rca.splitlines() if not line.startswith("#"))


SINGLE = [f"postmortems/{name}" for name in (WEBHOOK, CATALOGUE, THROTTLED)]


def test_cached_runs_equal_uncached_runs_through_edits_renames_and_deletions(kb: Path) -> None:
    docs = kb / "postmortems"
    steps = []
    steps.append(_same_both_ways())  # cold: fills the cache
    steps.append(_same_both_ways())  # warm
    for target in SINGLE:
        steps.append(_same_both_ways(target))
    assert "similar-incident" in steps[0]

    # An edit that makes the search incident read like the certificate one (text similarity).
    _edit(docs / CATALOGUE, "### What happened\n", "### What happened\n\n" + _prose(docs / CERT) + "\n")
    for target in SINGLE:
        steps.append(_same_both_ways(target))
    steps.append(_same_both_ways())
    assert steps[-1] != steps[1]

    # A rename (a new stem) and a deletion, then single-file checks against the changed corpus.
    _edit(docs / THROTTLED, "\nseverity:", f"\nrelated: [{CHECKOUT.removesuffix('.md')}]\nseverity:")
    (docs / CHECKOUT).rename(docs / "2025-01-15-checkout-502s-renamed.md")
    (docs / SEARCH).unlink()
    _age(docs)
    for target in [*SINGLE, "postmortems/2025-01-15-checkout-502s-renamed.md"]:
        steps.append(_same_both_ways(target))
    steps.append(_same_both_ways())
    assert "unknown-related" in steps[-1]  # the renamed stem

    # A new postmortem copying another's cause, and an edit of a file nobody checks explicitly.
    shutil.copy(docs / WEBHOOK, docs / "2025-05-01-another-certificate-expiry.md")
    _edit(docs / CERT, "services: [", "services: [search-api, ")
    for target in [*SINGLE, "postmortems/2025-05-01-another-certificate-expiry.md"]:
        steps.append(_same_both_ways(target))
    steps.append(_same_both_ways())
    # A file outside the knowledge base, compared with it, and two files at once.
    (kb / "drafts").mkdir()
    shutil.copy(docs / CERT, kb / "drafts" / "2025-06-01-draft-copy.md")
    steps.append(_same_both_ways("drafts/2025-06-01-draft-copy.md"))
    steps.append(_same_both_ways("drafts/2025-06-01-draft-copy.md", f"postmortems/{WEBHOOK}"))
    assert "2025-06-01-draft-copy.md" in steps[-1]
    assert len(set(steps)) > 3  # the edits changed what was found


def test_an_edit_keeping_size_and_mtime_old_is_still_seen_when_checked_explicitly(kb: Path) -> None:
    target = kb / "postmortems" / THROTTLED
    _same_both_ways(f"postmortems/{THROTTLED}")
    stat = target.stat()
    _edit(target, "severity: SEV", "severity: SXV")  # same size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, out = _check(f"postmortems/{THROTTLED}")
    assert code == 1 and "enum-value" in out


def _cache_file(kb: Path) -> Path:
    (found,) = (kb / ".pmkb_cache").glob("cache-*.sqlite3")
    return found


def test_a_damaged_cache_file_is_discarded(kb: Path) -> None:
    expected = _same_both_ways()
    cache = _cache_file(kb)
    cache.write_bytes(b"not a database at all" * 100)
    assert _check() == (_check("--no-cache"))
    assert _check()[1] == expected
    conn = sqlite3.connect(_cache_file(kb))
    assert dict(conn.execute("SELECT name, value FROM meta"))["magic"] == MAGIC
    conn.close()


def test_a_foreign_cache_and_undecodable_rows_are_not_trusted(kb: Path) -> None:
    expected = _same_both_ways()
    cache = _cache_file(kb)
    conn = sqlite3.connect(cache)
    # Every stored entry claims a clean file, and the key is another version's.
    conn.execute("UPDATE entries SET entry = '[[],null,[1,1]]'")
    conn.execute("UPDATE meta SET value = 'another version' WHERE name = 'key'")
    conn.commit()
    conn.close()
    assert _check()[1] == expected
    conn = sqlite3.connect(_cache_file(kb))
    conn.execute("UPDATE entries SET entry = 'garbage'")
    conn.commit()
    conn.close()
    assert _check()[1] == expected


def _stored(kb: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(_cache_file(kb))
    try:
        return sorted(conn.execute("SELECT path, digest FROM entries"))
    finally:
        conn.close()


def test_entries_are_stored_in_batches_and_old_contents_pruned(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold run stores its entries a few at a time while it judges, and keeps them all; a whole
    pass after an edit drops the entry of the old content (a run that found the cache empty
    skips that step only the first time, when every entry is its own)."""
    from postmortem_kb import stored_entries

    monkeypatch.setattr(stored_entries, "WRITE_EVERY", 2)
    docs = kb / "postmortems"
    files = sorted(p.name for p in docs.glob("20*.md"))
    expected = _same_both_ways()
    first = _stored(kb)
    assert sorted(path for path, _digest in first) == [f"postmortems/{name}" for name in files]
    _edit(docs / THROTTLED, "severity: SEV", "severity: SXV")
    _age(docs)
    edited = _same_both_ways()
    assert edited != expected
    second = _stored(kb)
    assert len(second) == len(files)  # the old content's entry went
    assert {d for p, d in second if p.endswith(THROTTLED)} != {d for p, d in first if p.endswith(THROTTLED)}
    assert _check()[1] == edited  # and a warm run reads the rest back as they were


def test_no_cache_options_write_nothing(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check("--no-cache")
    monkeypatch.setenv("PMKB_NO_CACHE", "1")
    _check()
    assert not (kb / ".pmkb_cache").exists()
    monkeypatch.delenv("PMKB_NO_CACHE")
    monkeypatch.setenv("PMKB_CACHE_DIR", str(kb / "elsewhere"))
    _check()
    assert not (kb / ".pmkb_cache").exists()
    assert (kb / "elsewhere" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_the_key_changes_with_the_settings() -> None:
    assert cache_key(Settings()) == cache_key(Settings(cache=False))
    assert cache_key(Settings()) != cache_key(Settings(blameless="error"))


def test_store_open_gives_none_when_the_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert Store.open(blocker / "cache", Settings()) is None


def _alike(a: object, b: object) -> bool:
    """Equal, and of the same types all the way down (3 is not 3.0, a tuple not a list), with
    timestamps at the same offset and mappings in the same order."""
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_alike(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(map(_alike, a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(_alike(a[k], b[k]) for k in a)
    if isinstance(a, dt.datetime):
        return type(b) is dt.datetime and a == b and a.utcoffset() == b.utcoffset()
    return type(a) is type(b) and a == b


def test_entries_survive_the_json_round_trip(tmp_path: Path) -> None:
    """Every postmortem the tests hold (valid, broken, hostile) and 150 generated ones come back
    from their rows as they were judged, types included; read under another path, they take it."""
    files = sorted({*REFERENCE_KB.glob("*.md"), *(ROOT / "tests").rglob("*.md*")})
    files += _generated(tmp_path, 150)
    stored = 0
    for path in files:
        entry = load_entry(f"x/{path.name}", path.name, path.read_bytes(), Settings())
        try:
            text = entry_codec.dumps(entry)
        except entry_codec.Unstorable:
            continue
        stored += 1
        assert _alike(entry_codec.loads(text, entry.path, f"x/{path.name}"), entry), path
        moved = entry_codec.loads(text, "elsewhere.md", "docs/y/elsewhere.md")
        assert {f.path for f in moved.findings} <= {"elsewhere.md"} and moved.path == "elsewhere.md"
        if moved.incident is not None:
            assert (moved.incident.stem, moved.incident.src_uri) == ("elsewhere", "docs/y/elsewhere.md")
    assert stored >= 180


def test_an_entry_keeps_the_types_of_its_values() -> None:
    """Numbers stay ints or floats as the model made them, timestamps keep their offsets."""
    entry = load_entry("x/a.md", "a.md", (REFERENCE_KB / CERT).read_bytes(), Settings())
    assert entry.incident is not None
    tz = dt.timezone(dt.timedelta(hours=-5, minutes=-30))
    for revenue, hours in (("$12k", 3.0), (1200.0, 0.5), (None, None)):
        incident = dataclasses.replace(
            entry.incident,
            revenue_impact=revenue,
            engineer_hours=hours,
            users_affected=7,
            timeline={"started": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=tz), **entry.incident.timeline},
        )
        varied = dataclasses.replace(entry, incident=incident)
        assert _alike(entry_codec.loads(entry_codec.dumps(varied), "a.md", "x/a.md"), varied)


def test_a_row_of_other_types_is_refused() -> None:
    entry = load_entry("x/a.md", "a.md", (REFERENCE_KB / CERT).read_bytes(), Settings())
    text = entry_codec.dumps(entry)
    assert '"date":"2025-02-03"' in text
    for broken in (text.replace('"date":"2025-02-03"', '"date":20250203'), text[:-5], "[]", '{"findings": 1}'):
        with pytest.raises(ValueError):
            entry_codec.loads(broken, "a.md", "x/a.md")


def test_a_worker_row_that_does_not_read_back_is_judged_in_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker sends each entry as its JSON unverified; a row that does not decode (an unknown role
    written as a list fits no record type) is judged again in the parent and never stored."""
    from postmortem_kb import stored_entries
    from postmortem_kb.corpus import Job

    odd = re.sub(r"(?m)^roles:\n", "roles:\n  observers: [Ann, Bo]\n", (REFERENCE_KB / CERT).read_text("utf-8"))
    assert "observers" in odd
    (tmp_path / "odd.md").write_text(odd, encoding="utf-8")
    shutil.copy(REFERENCE_KB / CHECKOUT, tmp_path / "plain.md")
    jobs: list[Job] = [(name, name, tmp_path / name) for name in ("odd.md", "plain.md")]
    # the workers' function, run here
    monkeypatch.setattr(stored_entries, "parallel_iter", lambda worker, items, *_args: map(worker, items))
    store = Store.open(tmp_path / "cache", Settings())
    assert store is not None and store.is_empty()
    entries = stored_entries.read_stored(jobs, Settings(), None, store, parallel=True)
    for (name, _name, path), entry in zip(jobs, entries, strict=True):
        assert _alike(entry, load_entry(name, name, path.read_bytes(), Settings())), name
    assert entries[0].incident is not None
    assert entries[0].incident.roles["observers"] == ["Ann", "Bo"]  # type: ignore[comparison-overlap]
    rows = store.entries([(name, digest) for name, digest in store.seen])
    assert [name for name, _digest in rows] == ["plain.md"]
