"""Hostile and odd input (issue 16): located findings, never a traceback or a hang, and the
check and the build agree on what they saw.

Script payloads are in tests/hostile/ and run through headless Chromium in test_security.py;
here are the inputs that crashed, hung or were silently accepted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure import files as mkdocs_files
from mkdocs.utils import markdown_extensions
from postmortem_kb.check import check_text
from postmortem_kb.cli import main
from postmortem_kb.docs_files import exclusions
from postmortem_kb.findings import Finding
from postmortem_kb.settings import MARKDOWN_EXTENSIONS, Settings

from .sites import MKDOCS_YML, base, build, unrelated

FINDING = re.compile(r"(\S+):(\d+):(\d+): (error|warning) \[([\w-]+)\]")
EPOCH = "1764115200"  # 2025-11-26, as tests/sites.py builds


def _bomb(levels: int = 8, fan: int = 9) -> str:
    return "x0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]\n" for i in range(1, levels + 1)
    )


UNREADABLE, TOO_LARGE = "file-unreadable", "yaml-too-large"
# file name -> (content, rules `pmkb check` and the build must report for it)
FILES: dict[str, tuple[str | bytes | None, set[str]]] = {
    "2025-02-01-timestamp-date.md": (base(("date: 2025-01-14", "date: 2025-01-14T10:00:00Z")), {"invalid-date"}),
    "2025-02-02-year-one.md": (
        unrelated(("date: 2025-01-14", "date: 0001-01-14"), ("2025-01-14T", "0001-01-14T")),
        {"invalid-date"},
    ),
    "2025-02-03-latin1.md": (
        base(("18,400 customers", "18,400 cust\u00f6mers")).encode("latin-1"),
        {"file-unreadable"},
    ),
    "2025-02-04-utf16.md": (base().encode("utf-16"), {UNREADABLE}),
    "2025-02-05-dangling.md": (None, {"file-unreadable"}),  # a symlink to nowhere
    "2025-02-06-fifo.md": (b"fifo", {"file-unreadable"}),
    "2025-02-07-infinite.md": (
        base(("  support_tickets: 212\n", "  support_tickets: 212\n  revenue_impact: .inf\n")),
        {"non-finite-number"},
    ),
    "2025-02-08-row-missing.md": (
        base(
            (
                "| 2 | Stage flag rollouts to 5% of pods first | @checkout-team | P2 | 2025-02-14 | Open |",
                "| 2 | Stage flag rollouts to 5% of pods first |",
            )
        ),
        {"action-item-incomplete"},
    ),
    "2025-02-09-related.md": (
        base(
            ("detection: alert\n", "detection: alert\nrelated: [../x, 'https://e.example', 2025-02-09-related, nope]\n")
        ),
        {"unknown-related"},
    ),
    "2025-02-10-same.md": (base(), {"duplicate-stem"}),
    "other/2025-02-10-same.md": (base(), {"duplicate-stem"}),
    "2025-02-11-saved-as.markdown": (base(("severity: SEV2", "severity: SEV9")), {"enum-value"}),
    "2025-02-12-bomb-id.md": (
        base(("title:", _bomb() + "title:"), ("  - id: 1\n", "  - id: *a8\n")),
        {"yaml-too-large"},
    ),
    "2025-02-13-bomb-tags.md": (
        base(("title:", _bomb() + "title:"), ("tags: [checkout]", "tags: [*a8]")),
        {"yaml-too-large"},
    ),
    "2025-02-14-template.md": (
        base(("detection: alert\n", "detection: alert\ntemplate: missing.html\n")),
        {"theme-key"},
    ),
    "linked/2025-02-15-in-symlinked-folder.md": (base(("severity: SEV2", "severity: SEV9")), {"enum-value"}),
}
CLEAN = {"2025-02-16-setext.md": base(("## Impact\n", "Impact\n------\n"))}


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("odd")
    docs, elsewhere = root / "docs", root / "elsewhere"
    elsewhere.mkdir()
    (docs / "other").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    (docs / "linked").symlink_to(elsewhere, target_is_directory=True)
    for name, (content, _rules) in FILES.items():
        path = (elsewhere / name.removeprefix("linked/")) if name.startswith("linked/") else docs / name
        if content is None:
            path.symlink_to(root / "nowhere.md")
        elif content == b"fifo":
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for name, text in CLEAN.items():
        (docs / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options="      enabled: true"))
    return root


def _findings(text: str) -> set[tuple[str, str]]:
    return {(m.group(1), m.group(5)) for m in FINDING.finditer(text)}


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    pmkb = str(Path(sys.executable).with_name("pmkb"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run([pmkb, *args], cwd=root, capture_output=True, text=True, env=env, timeout=120, check=False)


def test_the_check_reports_every_odd_file_and_nothing_crashes(hostile_kb: Path) -> None:
    done = _check(hostile_kb, "check")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    found = _findings(done.stdout)
    for name, (_content, rules) in FILES.items():
        for rule in rules:
            assert (f"docs/{name}", rule) in found, (name, rule, done.stdout)
    assert {f[1] for f in found if "setext" in f[0]} <= {"similar-incident"}, done.stdout


def test_a_non_strict_build_finishes_and_reports_the_same_findings(hostile_kb: Path) -> None:
    built = build(hostile_kb, strict=False)
    assert built.returncode == 0, built.log
    assert "Traceback" not in built.log
    check = _check(hostile_kb, "check")
    assert _findings(built.log) == _findings(check.stdout)
    # unreadable files are left out of the site rather than crashing MkDocs
    assert not (built.site / "2025-02-03-latin1").exists() and not (built.site / "2025-02-06-fifo").exists()
    assert (built.site / "2025-02-11-saved-as" / "index.html").is_file()
    strict = json.loads(
        (built.site / "exports" / "incidents.json").read_text(), parse_constant=lambda c: pytest.fail(f"{c} in JSON")
    )
    assert strict["data"]


def test_a_folder_mkdocs_excludes_is_not_checked_either(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for folder in ("drafts", ".hidden", "templates"):
        (docs / folder).mkdir(parents=True)
        (docs / folder / "2025-02-01-broken.md").write_text("not a postmortem\n")
    (docs / "2025-02-02-ok.md").write_text(base())
    (docs / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "exclude_docs: |\n  drafts/\n" + MKDOCS_YML.format(options="      enabled: true")
    )
    check = _check(tmp_path, "check", "--strict")
    assert check.returncode == 0, check.stdout
    assert "1 postmortem(s) checked" in check.stderr
    assert build(tmp_path).returncode == 0


def test_mkdocs_lists_match_ours() -> None:
    assert markdown_extensions == MARKDOWN_EXTENSIONS
    excluded = ["a/.x.md", ".git/x.md", "templates/x.md", "a/templates/x.md", "x.md"]
    ours = exclusions("")
    theirs = mkdocs_files._default_exclude
    assert [ours.match_file(p) for p in excluded] == [theirs.match_file(p) for p in excluded]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ('      file_pattern: "["', "file_pattern"),
        ("      severities: []", "severities"),
        ("      pages:\n        incidents: ../../escape", "incidents"),
        ("      pages:\n        trends: .hidden/trends", "trends"),
    ],
)
def test_bad_options_are_a_configuration_error(tmp_path: Path, option: str, message: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "2025-02-01-a.md").write_text(base())
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(options=option))
    for args in (["check"], ["new", "x", "--severity", "SEV1"], ["stats"]):
        done = _check(tmp_path, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
    built = build(tmp_path, strict=False)
    assert built.returncode == 1 and message in built.log and "Traceback" not in built.log
    assert not (tmp_path / "escape").exists()


def test_source_date_epoch_past_9999_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "2025-02-01-a.md").write_text(base())
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(options="      enabled: true"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "253402300800", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    done = subprocess.run([mkdocs, "build"], cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1 and "SOURCE_DATE_EPOCH" in done.stderr and "Traceback" not in done.stderr
    stats = CliRunner(env={"SOURCE_DATE_EPOCH": "253402300800"}).invoke(
        main, ["stats", "-f", str(tmp_path / "mkdocs.yml")]
    )
    assert stats.exit_code == 2 and "SOURCE_DATE_EPOCH" in stats.output


def test_a_key_with_a_newline_cannot_forge_finding_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml: this file alone
    path = tmp_path / "2025-02-01-a.md"
    path.write_text(base(("detection: alert\n", 'detection: alert\n"x\\nforged.md:1:1: error [fake] y\\u202e": 1\n')))
    result = CliRunner().invoke(main, ["check", str(path)])
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "[unknown-key]" in lines[0] and "\\nforged.md" in lines[0] and "\\u202e" in lines[0]
    assert Finding("p", 1, 1, "error", "r", "a\x1b[31mb").as_line() == "p:1:1: error [r] a\\x1b[31mb"


# Small hostile front matter: alias bombs of any shape, deep nesting, self-reference.
BOUND = 5.0  # seconds per file; a bomb was a hang, a clean file takes ~0.01 s


@st.composite
def hostile_front_matter(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["bomb", "map-bomb", "nest", "self"]))
    levels, fan = draw(st.integers(1, 12)), draw(st.integers(2, 12))
    where = draw(st.sampled_from(["tags: [*a{n}]", "related: *a{n}", "  - id: *a{n}", "title: *a{n}"]))
    if kind == "bomb":
        head = _bomb(levels, fan)
    elif kind == "map-bomb":
        head = "x0: &a0 {k: v}\n" + "".join(
            f"x{i}: &a{i} {{{', '.join(f'k{j}: *a{i - 1}' for j in range(fan))}}}\n" for i in range(1, levels + 1)
        )
    elif kind == "nest":
        depth = draw(st.integers(1, 3000))
        return f"---\ntitle: {'[' * depth}{']' * depth}\n---\n"
    else:
        head = "x0: &a0 [x, *a0]\n"
        levels = 0
    use = where.format(n=levels)
    text = base(("title:", head + "title:"))
    if use.startswith("  - id"):
        return text.replace("  - id: 1\n", use + "\n")
    return text.replace("tags: [checkout]", use)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_front_matter())
def test_small_hostile_files_finish_under_a_bound(text: str) -> None:
    started = time.monotonic()
    _doc, findings = check_text("x.md", text, Settings())
    assert time.monotonic() - started < BOUND
    assert all(f.line >= 1 for f in findings)


def test_the_theme_gets_no_refused_key_and_nothing_from_an_alias_bomb() -> None:
    import yaml
    from postmortem_kb.page_meta import make_safe

    bomb = yaml.load(_bomb() + "title: x\ntags: [*a8]\n", Loader=yaml.CSafeLoader)  # as MkDocs loads it
    started = time.monotonic()
    make_safe(bomb)
    assert bomb == {} and time.monotonic() - started < BOUND
    meta = {"title": "<b>", "search": {"boost": "high"}, "hide": "navigation", "template": "x.html", "author": "A <b>"}
    make_safe(meta)
    assert meta == {"title": "&lt;b&gt;", "author": "A &lt;b&gt;"}


def test_a_symlink_loop_does_not_hang_the_walk(tmp_path: Path) -> None:
    from postmortem_kb.check import find_postmortems

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2025-02-01-x.md").write_text(base())
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = find_postmortems(tmp_path, Settings())
    assert [p.name for p in found] == ["2025-02-01-x.md"]
    (tmp_path / "b").symlink_to(tmp_path / "a", target_is_directory=True)  # linked twice: MkDocs lists both
    assert [p.relative_to(tmp_path).as_posix() for p in find_postmortems(tmp_path, Settings())] == [
        "a/2025-02-01-x.md",
        "b/2025-02-01-x.md",
    ]


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("template", None, "redirect.html"),
        ("description", "One line", "two\nlines"),
        ("hide", ["toc"], ["header"]),
        ("search", {"boost": 2}, {"boost": "high"}),
        ("icon", "material/alert", "<svg>"),
        ("comments", True, "yes"),
    ],
)
def test_the_schema_and_the_rule_agree_on_theme_keys(key: str, good: object, bad: object) -> None:
    import jsonschema
    from postmortem_kb.schema import front_matter_schema
    from postmortem_kb.theme_keys import problem

    validator = jsonschema.Draft202012Validator({"$defs": {}, **front_matter_schema(Settings())["properties"][key]})
    if good is not None:
        assert validator.is_valid(good) and problem(key, good) is None
    assert not validator.is_valid(bad) and problem(key, bad) is not None


def test_the_check_refuses_every_script_payload_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The files test_security.py loads in Chromium: each is an error for `pmkb check` too."""
    monkeypatch.chdir(tmp_path)
    hostile = sorted((Path(__file__).parent / "hostile").glob("*.m*"))
    result = CliRunner().invoke(main, ["check", *map(str, hostile)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    errors = {m.group(1) for m in FINDING.finditer(result.stdout) if m.group(4) == "error"}
    assert errors == {str(p) for p in hostile}


TAGS = (
    "!!str !!int !!float !!bool !!null !!timestamp !!map !!seq !!set !!binary !!omap !!pairs !!merge !!value "
    "!foo !!python/name:os.system"
).split()
TAGGED = ["maybe", "soon", "1", "-1", "1e400", "0x", ".", "", "~", "2025-13-45", "2025-01-14", "[a]", "{a: 1}", "''"]


def test_an_explicit_tag_on_any_value_is_a_finding() -> None:
    """`!!bool maybe`, `!!int ''` and `!!timestamp soon` were a KeyError, an IndexError and an
    AttributeError out of PyYAML: every tag on every value, on keys of each kind."""
    for tag in TAGS:
        for value in TAGGED:
            for key in ("title", "date", "tags", "impact"):
                text = base((f"\n{key}:", f"\n{key}: {tag} {value}\nold_{key}:"))
                _doc, findings = check_text("x.md", text, Settings())
                assert findings and all(f.line >= 1 for f in findings), (tag, value, key)
