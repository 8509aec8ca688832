"""Process figures from the repository's own history: real git repositories with backdated commits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from postmortem_analytics.exports import incident_records
from postmortem_kb import history as history_module
from postmortem_kb.cli import main
from postmortem_kb.corpus import load_entry
from postmortem_kb.history import HistoryReader, facts, read_history
from postmortem_kb.process import (
    as_of,
    closed_on_time_share,
    closing,
    hours_to_draft,
    hours_to_published,
    postmortem_debt,
    within_target,
    within_target_share,
)
from postmortem_kb.records import Incident
from postmortem_kb.relations import recurred_after_fix
from postmortem_kb.settings import Settings

from .gitrepo import GIT_ENV, Repo, git
from .sites import base, build, make_site, table_data, unrelated

UTC = dt.UTC
RESOLVED = dt.datetime(2025, 1, 14, 15, 54, tzinfo=UTC)  # timeline.resolved of the golden base
NAME = "2025-01-14-checkout-502s.md"
OTHER = "2025-03-02-search-slow.md"
NOW = as_of(dt.date(2025, 11, 26))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def postmortem(status: str, item1: str = "Open", item2: str = "Open") -> str:
    """The golden base with its status and both action items' statuses set (front matter and table)."""
    return base(
        ("status: Published", f"status: {status}"),
        ("    due: 2025-01-31\n    status: Done", f"    due: 2025-01-31\n    status: {item1}"),
        ("    due: 2025-02-14\n    status: Open", f"    due: 2025-02-14\n    status: {item2}"),
        ("| 2025-01-31 | Done |", f"| 2025-01-31 | {item1} |"),
        ("| 2025-02-14 | Open |", f"| 2025-02-14 | {item2} |"),
    )


def other(status: str) -> str:
    """A SEV2 resolved 2025-03-02T10:00Z on another service."""
    return unrelated(
        ("status: Published", f"status: {status}"),
        ("date: 2025-01-14", "date: 2025-03-02"),
        ("started: 2025-01-14T15:02:00Z", "started: 2025-03-02T09:00:00Z"),
        ("detected: 2025-01-14T15:06:00Z", "detected: 2025-03-02T09:01:00Z"),
        ("acknowledged: 2025-01-14T15:09:00Z", "acknowledged: 2025-03-02T09:02:00Z"),
        ("diagnosed: 2025-01-14T15:31:00Z", "diagnosed: 2025-03-02T09:03:00Z"),
        ("mitigated: 2025-01-14T15:38:00Z", "mitigated: 2025-03-02T09:04:00Z"),
        ("resolved: 2025-01-14T15:54:00Z", "resolved: 2025-03-02T10:00:00Z"),
    )


# Commit times of the main history; each figure below is checked against them exactly.
DRAFTED = "2025-01-15T10:00:00+00:00"  # 18 h 6 min after resolution
REVIEWED = "2025-01-16T09:00:00+01:00"  # an offset: stored as 08:00 UTC
PUBLISHED = "2025-01-20T12:00:00+00:00"  # 5 d 20 h 6 min after resolution: outside 48 h
ITEM2_DONE = "2025-02-20T08:00:00+00:00"  # due 2025-02-14: 6 days late
OTHER_DRAFTED = "2025-03-02T20:00:00+00:00"
OTHER_PUBLISHED = "2025-03-03T22:00:00+00:00"  # 36 h after resolution: within 48 h


def history_repo(root: Path, folder: str = "docs") -> Repo:
    """Draft -> Reviewed -> Published over several commits, items closed on time and late, a rename."""
    repo = Repo(root)
    repo.write(f"{folder}/index.md", "# Home\n")
    repo.write(f"{folder}/2025-01-14-draft-name.md", postmortem("Draft"))
    repo.commit(DRAFTED, "Draft the checkout postmortem", author_date="2025-01-01T00:00:00+00:00")
    repo.write(f"{folder}/2025-01-14-draft-name.md", postmortem("Reviewed"))
    repo.commit(REVIEWED, "Reviewed")
    repo.move(f"{folder}/2025-01-14-draft-name.md", f"{folder}/{NAME}")  # renamed on the way
    repo.write(f"{folder}/{NAME}", postmortem("Published", item1="Done"))
    repo.commit(PUBLISHED, "Publish; item 1 done on time")
    repo.write(f"{folder}/{OTHER}", other("Draft"))
    repo.commit(OTHER_DRAFTED, "Draft the search postmortem")
    repo.write(f"{folder}/{OTHER}", other("Published"))
    repo.commit(OTHER_PUBLISHED, "Publish the search postmortem")
    repo.write(f"{folder}/{NAME}", postmortem("Published", item1="Done", item2="Done"))
    repo.commit(ITEM2_DONE, "Item 2 done, late")
    return repo


def incident(text: str, src_uri: str) -> Incident:
    entry = load_entry(src_uri, src_uri, text.encode(), Settings())
    assert entry.incident is not None, entry.findings
    return entry.incident


def test_history_follows_statuses_renames_and_items(tmp_path: Path) -> None:
    history_repo(tmp_path)
    history = read_history(tmp_path / "docs")
    assert history.available
    record = history.of(NAME)
    assert record is not None
    assert record.drafted == at(DRAFTED)  # the first commit, under the old name
    assert record.reviewed == at(REVIEWED)
    assert record.published == at(PUBLISHED)
    assert record.closed == {"1": at(PUBLISHED), "2": at(ITEM2_DONE)}
    assert history.of("2025-01-14-draft-name.md") is None  # known by its current name only


def test_figures_equal_the_commit_times(tmp_path: Path) -> None:
    history_repo(tmp_path)
    history = read_history(tmp_path / "docs")
    settings = Settings()
    checkout = incident(postmortem("Published", "Done", "Done"), NAME)
    search = incident(other("Published"), OTHER)
    assert hours_to_draft(checkout, history) == (at(DRAFTED) - RESOLVED).total_seconds() / 3600 == 18.1
    assert hours_to_published(checkout, history) == (at(PUBLISHED) - RESOLVED).total_seconds() / 3600
    assert hours_to_published(search, history) == 36.0
    assert within_target(checkout, history, settings, NOW) is False
    assert within_target(search, history, settings, NOW) is True
    assert within_target_share([checkout, search], history, settings, NOW) == 0.5
    on_time, late = (closing(checkout, item, history) for item in checkout.action_items)
    assert (on_time.closed, on_time.on_time, on_time.days_late) == (dt.date(2025, 1, 20), True, 0)
    assert (late.closed, late.on_time, late.days_late) == (dt.date(2025, 2, 20), False, 6)
    assert closed_on_time_share([checkout], history) == 0.5
    # A target of a week puts the checkout postmortem inside it.
    week = Settings(postmortem_target_hours={"SEV2": 168})
    assert within_target(checkout, history, week, NOW) is True
    assert within_target(checkout, history, Settings(postmortem_target_hours={"SEV1": 1}), NOW) is None


def test_debt_pending_and_recurrence(tmp_path: Path) -> None:
    history_repo(tmp_path)
    history = read_history(tmp_path / "docs")
    settings = Settings()
    reviewed = incident(postmortem("Reviewed"), NAME)
    # Not published, resolved long ago: debt, and a known miss.
    assert [i.stem for i in postmortem_debt([reviewed], settings, NOW)] == [NAME.removesuffix(".md")]
    assert within_target(reviewed, history, settings, NOW) is False
    # One day after resolution the target has not passed: pending, neither debt nor a miss.
    soon = as_of(dt.date(2025, 1, 15))
    assert postmortem_debt([reviewed], settings, soon) == []
    assert within_target(reviewed, history, settings, soon) is None
    # Recurred after a fix: the real close dates, not the due dates, decide.
    checkout = incident(postmortem("Published", "Done", "Done"), NAME)
    later = incident(other("Published"), OTHER)  # started 2025-03-02, after both closes
    closed = {"1": dt.date(2025, 1, 20), "2": dt.date(2025, 3, 5)}
    assert recurred_after_fix(checkout, later)  # both due before 2025-03-02
    assert not recurred_after_fix(checkout, later, lambda _i, item: closed[item.id])  # item 2 closed after


def test_shallow_clone_gives_no_figures(tmp_path: Path) -> None:
    history_repo(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", str(clone)],
        env=GIT_ENV,
        check=True,
    )
    history = read_history(clone / "docs")
    assert not history.available and "shallow" in history.reason
    checkout = incident(postmortem("Published", "Done", "Done"), NAME)
    assert hours_to_draft(checkout, history) is None
    assert hours_to_published(checkout, history) is None
    assert within_target(checkout, history, Settings(), NOW) is None
    assert closing(checkout, checkout.action_items[0], history).closed is None


def test_no_repository_and_no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert not read_history(tmp_path / "docs").available
    git(tmp_path / "docs", "init", "-q")  # a repository without a commit: nothing to read, no error
    empty = read_history(tmp_path / "docs")
    assert not empty.available and empty.reason
    history_repo(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    history = read_history(tmp_path / "repo" / "docs")
    assert not history.available and history.reason == "git is not installed"


def test_uncommitted_file_has_no_history(tmp_path: Path) -> None:
    repo = history_repo(tmp_path)
    repo.write("docs/2025-06-01-new.md", postmortem("Published"))
    history = read_history(tmp_path / "docs")
    assert history.available and history.of("2025-06-01-new.md") is None


def test_reader_reads_again_only_when_head_moves(tmp_path: Path) -> None:
    """`mkdocs serve` keeps one reader: the same HEAD reuses the pass, a new commit starts another."""
    repo = history_repo(tmp_path)
    docs = tmp_path / "docs"
    reader = HistoryReader()
    first = reader.start(docs)
    assert reader.start(docs) is first
    assert first.result() == read_history(docs)
    repo.write("docs/2025-06-01-new.md", postmortem("Draft"))
    repo.commit("2025-06-02T00:00:00+00:00", "a new postmortem")
    second = reader.start(docs)
    assert second is not first
    record = second.result().of("2025-06-01-new.md")
    assert record is not None and record.drafted == at("2025-06-02T00:00:00+00:00")


def test_release_stops_a_pass_nobody_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history_repo(tmp_path)
    docs = tmp_path / "docs"
    reader = HistoryReader()
    slow = ["sleep", "60"]  # stands in for a pass still running when the build ends
    monkeypatch.setattr(history_module, "_spawn", lambda _docs: subprocess.Popen(slow, stdout=subprocess.PIPE))
    pending = reader.start(docs)
    assert pending.running
    reader.release()
    assert not pending.running and pending.result().reason == "cancelled"
    monkeypatch.undo()
    assert reader.start(docs).result() == read_history(docs)  # the next build reads it afresh


def test_crlf_and_no_final_newline(tmp_path: Path) -> None:
    """Windows line ends and a last line without a newline are replayed like any other text."""
    repo = Repo(tmp_path)
    text = postmortem("Draft").replace("\n", "\r\n").rstrip("\r\n")
    repo.write(f"docs/{NAME}", text)
    repo.commit("2025-01-15T00:00:00+00:00", "draft")
    repo.write(
        f"docs/{NAME}",
        text.replace("status: Draft", "status: Published")
        .replace("| 2025-01-31 | Open |", "| 2025-01-31 | Done |")
        .replace("    due: 2025-01-31\r\n    status: Open", "    due: 2025-01-31\r\n    status: Done"),
    )
    repo.commit("2025-01-16T00:00:00+00:00", "publish")
    record = read_history(tmp_path / "docs").of(NAME)
    assert record is not None
    assert (record.drafted, record.published) == (at("2025-01-15T00:00:00+00:00"), at("2025-01-16T00:00:00+00:00"))
    assert record.closed == {"1": at("2025-01-16T00:00:00+00:00")}


def test_merge_commit_date_counts(tmp_path: Path) -> None:
    """A change made on a branch counts from the merge that brought it to the default branch."""
    repo = Repo(tmp_path)
    repo.write("docs/index.md", "# Home\n")
    repo.commit("2025-01-14T00:00:00+00:00", "init")
    git(tmp_path, "checkout", "-q", "-b", "pm")
    repo.write(f"docs/{NAME}", postmortem("Published"))
    repo.commit("2025-01-15T00:00:00+00:00", "on a branch")
    git(tmp_path, "checkout", "-q", "main")
    repo.write("docs/index.md", "# Home page\n")
    repo.commit("2025-01-16T00:00:00+00:00", "meanwhile on main")
    merge_dates = {"GIT_AUTHOR_DATE": "2025-01-17T00:00:00+00:00", "GIT_COMMITTER_DATE": "2025-01-17T00:00:00+00:00"}
    git(tmp_path, "merge", "-q", "--no-ff", "-m", "merge", "pm", env=merge_dates)
    record = read_history(tmp_path / "docs").of(NAME)
    assert record is not None and record.drafted == record.published == at("2025-01-17T00:00:00+00:00")


def test_facts_reads_flow_items_and_tables() -> None:
    flow = (
        "---\ntitle: x\nstatus: 'Reviewed'  \naction_items:\n"
        '  - {id: 1, action: "a, b", owner: "@o",\n     priority: P1, due: 2025-01-31, status: Done}\n'
        "  - {id: two, action: c, owner: '@o', priority: P2, due: 2025-01-31, status: \"Won't Do\"}\n"
        "tags: [a]\n---\n# x\n"
    )
    assert facts(flow.split("\n")) == ("Reviewed", {"1": "Done", "two": "Won't Do"})
    table = (
        "---\nstatus: Draft # not yet\n---\n\n## Action Items\n\n"
        "| ID | Action | Status |\n|--|--|--|\n| 7 | x | Done |\n"
    )
    assert facts(table.split("\n")) == ("Draft", {"7": "Done"})
    assert facts(["no front matter"]) == (None, {})


# --- a real site -------------------------------------------------------------------------------


def test_site_shows_process_figures(tmp_path: Path) -> None:
    history_repo(tmp_path)
    (tmp_path / "docs" / "index.md").unlink()
    make_site_in_repo(tmp_path)
    built = build(tmp_path)
    assert built.returncode == 0, built.log
    card = built.html("2025-01-14-checkout-502s/index.html")
    assert "drafted 18 h 6 min after resolution; published after 5 d 20 h" in card
    rows = {r["stem"]: r for r in csv.DictReader(io.StringIO(built.html("exports/incidents.csv")))}
    assert rows["2025-01-14-checkout-502s"]["hours_to_draft"] == "18.10"
    assert rows["2025-03-02-search-slow"]["hours_to_published"] == "36.00"
    assert rows["2025-01-14-logins-failed"]["hours_to_published"] == ""  # not published: no value, not 0
    by_stem = {r["stem"]: r for r in incident_records(built.html("exports/incidents.json"))}
    assert by_stem["2025-01-14-checkout-502s"]["hours_to_published"] == pytest.approx(140.1)
    assert by_stem["2025-01-14-logins-failed"]["hours_to_draft"] is None  # never committed
    items = [r for r in csv.DictReader(io.StringIO(built.html("exports/action-items.csv")))]
    checkout = {r["id"]: r for r in items if r["incident"] == "2025-01-14-checkout-502s"}
    assert (checkout["1"]["closed"], checkout["1"]["closed_on_time"]) == ("2025-01-20", "True")
    assert (checkout["2"]["closed"], checkout["2"]["closed_on_time"]) == ("2025-02-20", "False")
    trends = built.html("trends/index.html")
    assert 'id="process"' in trends and "Logins failed after key rotation" in trends  # in the debt list
    assert 'data-pmkb-chart="time-to-postmortem"' in trends and 'data-pmkb-chart="mttr-breakdown"' in trends
    assert "&lt;" not in trends.split('id="process"')[0].split("data-pmkb-slot")[-1]  # the page around it intact
    page = built.html("action-items/index.html")
    assert "6 days late" in page and "2025-02-20" in page
    actions = table_data(built.site / "action-items" / "index.html")  # the table's Closed column
    closed = {r[actions["fields"].index("closed")] for r in actions["rows"]}
    assert {"2025-01-20 (on time)", "2025-02-20 (6 days late)"} <= closed
    assert '<h2 id="overdue">' in page and '<h2 id="closing">' in page  # the existing page is not escaped


def make_site_in_repo(root: Path) -> None:
    """mkdocs.yml and one uncommitted, unpublished postmortem on top of history_repo's commits."""
    debt = base(
        ("status: Published", "status: Reviewed"),
        ("title: Checkout returned 502s after a config push", "title: Logins failed after key rotation"),
        ("services: [checkout-api]", "services: [identity]"),
        ("root_cause_category: config-change", "root_cause_category: capacity"),
        ("The client could not parse the new payload shape.", "Token signing keys rotated too early."),
        ("- No schema for flag payloads.", "- Rotation had no overlap window."),
        ("1. Why? The payload shape changed without validation.", "1. Why? Keys were replaced, not added."),
    )
    docs = root / "docs"
    (docs / "2025-01-14-logins-failed.md").write_text(debt, encoding="utf-8")
    make_site(root / "tmp-site", {})
    (root / "mkdocs.yml").write_text((root / "tmp-site" / "mkdocs.yml").read_text())
    (docs / "index.md").write_text("# Home\n")


@pytest.mark.parametrize("how", ["shallow", "no-git"])
def test_site_without_history_has_nulls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    history_repo(tmp_path / "origin")
    root = tmp_path / "site"
    if how == "shallow":
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", str(root))
    else:
        root.mkdir()
        git(tmp_path, "--git-dir", str(tmp_path / "origin" / ".git"), "--work-tree", str(root), "checkout", "-q", ".")
        monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # the venv: no git on PATH
    make_site(root / "tmp-site", {})
    (root / "mkdocs.yml").write_text((root / "tmp-site" / "mkdocs.yml").read_text())
    built = build(root)
    assert built.returncode == 0, built.log
    card = built.html("2025-01-14-checkout-502s/index.html")
    assert "drafted" not in card and "not available" in card
    trends = built.html("trends/index.html")
    assert "Drafting and publishing times are not available" in trends
    assert 'data-pmkb-chart="time-to-postmortem"' not in trends
    assert "Close dates are not available" in built.html("action-items/index.html")
    exported = incident_records(built.html("exports/incidents.json"))
    assert all(r["hours_to_draft"] is None and r["hours_to_published"] is None for r in exported)
    items = list(csv.DictReader(io.StringIO(built.html("exports/action-items.csv"))))
    assert items and all(r["closed"] == "" and r["closed_on_time"] == "" for r in items)
    check = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    assert check.exit_code == 0, check.output


def test_stats_json_has_process_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history_repo(tmp_path)
    make_site(tmp_path / "tmp-site", {})
    (tmp_path / "mkdocs.yml").write_text((tmp_path / "tmp-site" / "mkdocs.yml").read_text())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    result = CliRunner().invoke(main, ["stats", "--format", "json", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    process = json.loads(result.output)["process"]
    rows = {r["stem"]: r for r in process["incidents"]}
    assert rows["2025-01-14-checkout-502s"] == {
        "stem": "2025-01-14-checkout-502s",
        "hours_to_draft": 18.1,
        "hours_to_published": 140.1,
        "within_target": False,
    }
    assert rows["2025-03-02-search-slow"]["hours_to_published"] == 36.0
    assert process["within_target_share"] == 0.5
    assert process["debt"] == []  # both published
    text = CliRunner().invoke(main, ["stats", "-f", str(tmp_path / "mkdocs.yml")])
    assert "Postmortems published within target: 50%; postmortem debt: 0" in text.output


def test_a_new_history_pass_remakes_the_pages_that_show_it() -> None:
    """`mkdocs serve --dirty`: once HEAD moves, the cards and the whole-knowledge-base pages are
    made again though no file changed (their figures come from the history); while HEAD stays,
    nothing is."""
    from postmortem_kb import preview
    from postmortem_kb.corpus import Corpus
    from postmortem_kb.history import Pending, unavailable
    from postmortem_kb.pages.render import Renderer
    from postmortem_kb.site import SitePlan

    settings = Settings(analytics=False)
    corpus = Corpus()
    corpus.entries[NAME] = load_entry(NAME, NAME, postmortem("Published").encode(), settings)
    same, moved = Pending(None, unavailable("a")), Pending(None, unavailable("a"))

    def plan(pending: Pending) -> tuple[preview.Inputs, set[str]]:
        site = SitePlan(settings, corpus, dt.date(2025, 11, 26), Renderer(settings), read_history=pending.result)
        pages = site.generated_pages()
        return preview.page_inputs(site, pages), set(site.corpus.entries) | set(pages)

    before, keys = plan(same)
    assert preview.changed(plan(same)[0], before, keys) == set()
    changed = preview.changed(plan(moved)[0], before, keys)
    assert {NAME, "incidents.md", "action-items/index.md"} <= changed
