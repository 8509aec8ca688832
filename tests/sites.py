"""Helpers that build real mkdocs-material sites in a temporary folder."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import GOLDEN_BASE

MKDOCS_YML = """\
site_name: Test KB
docs_dir: docs
theme:
  name: material
  font: false
  features: [navigation.instant]
plugins:
  - search
  - tags
  - postmortems:
{options}
"""


@dataclass
class Built:
    root: Path
    returncode: int
    log: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def make_site(root: Path, postmortems: dict[str, str], options: str = "      enabled: true") -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    for name, text in postmortems.items():
        (docs / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options))
    return root


def build(root: Path, *, strict: bool = True) -> Built:
    """`mkdocs build` as users run it, in a subprocess, so exit codes are real."""
    cmd = [str(Path(sys.executable).with_name("mkdocs")), "build"]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}  # 2025-11-26
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, check=False)
    return Built(root, done.returncode, done.stdout + done.stderr)


def base(*replacements: tuple[str, str]) -> str:
    """The golden base postmortem with (old, new) replacements applied."""
    text = GOLDEN_BASE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


UNRELATED = (
    ("title: Checkout returned 502s after a config push", "title: Search slowed during a reindex"),
    ("services: [checkout-api]", "services: [search-api]"),
    ("root_cause_category: config-change", "root_cause_category: capacity"),
    ("The client could not parse the new payload shape.", "Segment merges saturated the disks of the cluster."),
    ("- No schema for flag payloads.", "- The batch job had no write budget."),
    ("1. Why? The payload shape changed without validation.", "1. Why? Merges competed with queries for I/O."),
)


def unrelated(*replacements: tuple[str, str]) -> str:
    """A valid postmortem on another service with another cause and wording than base()."""
    return base(*UNRELATED, *replacements)


def tables(page: Path) -> list[dict[str, Any]]:
    """What each kb.js-drawn table of a built page shows: its rows file's rows that the table's `where`
    selects (as kb.js does), with every link resolved to the file it points at (from the rows file)."""
    text = page.read_text()
    out = []
    for found in re.finditer(r'data-pmkb-rows="([^"]+)"(?: data-pmkb-where="([^"]*)")?', text):
        rows_file = (page.parent / html.unescape(found[1])).resolve()
        data: dict[str, Any] = json.loads(rows_file.read_text())
        if "rows_from" in data:
            data = _from_export(data, rows_file.parent / data["rows_from"])
        where = json.loads(html.unescape(found[2])) if found[2] else {}
        field = {name: i for i, name in enumerate(data["fields"])}
        # fields stored once with their incident go back on each of its rows, as kb.js puts them
        data["rows"] = [r + data["incidents"][r[field["incident"]]][2:] for r in data["rows"]]
        data["fields"] = data["fields"] + data["incident_fields"]
        field = {name: i for i, name in enumerate(data["fields"])}
        data["rows"] = [r for r in data["rows"] if all(_holds(r[field[k]], v) for k, v in where.items())]
        data["incidents"] = [[i[0], (rows_file.parent / i[1]).resolve()] for i in data["incidents"]]
        out.append(data)
    return out


def _from_export(spec: dict[str, Any], export: Path) -> dict[str, Any]:
    """kb.js's fromExport: the rows of exports/incidents.json, shown as `spec` (a rows file) says."""
    exported = json.loads(export.read_text())
    at = {name: i for i, name in enumerate(exported["columns"])}
    root = export.parent / spec["root"]
    rows, incidents = [], []
    for i, values in enumerate(reversed(exported["data"])):
        incidents.append([values[at["title"]], str((root / values[at["url"]]).resolve())])  # absolute, as kb.js
        rows.append([*values, i, values[at["date"]][:4], spec["severity_ranks"].get(values[at["severity"]], 4)])
    fields = [spec["rename"].get(name, name) for name in exported["columns"]]
    return {**spec, "fields": [*fields, "incident", "year", "severity_rank"], "rows": rows, "incidents": incidents}


def _holds(value: Any, wanted: Any) -> bool:
    return wanted in value if isinstance(value, list) else value == wanted


def table_data(page: Path) -> dict[str, Any]:
    """The first kb.js-drawn table of a built page (tables())."""
    found = tables(page)
    assert found, f"no data table on {page}"
    return found[0]
