"""Golden cases: tests/golden/cases/<rule-id>.yaml, each case a mutation of base.md -> findings.

A new case is a new entry in a YAML file. `expect` lists every finding of the
file as "line:col level rule"; `expect_rules` counts findings by rule instead;
`messages` are substrings the findings' messages must contain.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from postmortem_kb.check import check_bytes
from postmortem_kb.rules import RULES
from postmortem_kb.settings import Settings, SeverityLevel

from .conftest import GOLDEN_BASE, TESTS

CASE_DIR = TESTS / "golden" / "cases"
# Rules about a directory rather than a file; covered in test_cli.py.
# several files: test_cli.py, test_relations.py, test_hostile_input.py
DIRECTORY_RULES = {"no-postmortems", "similar-incident", "duplicate-stem"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        for case in _load(path)["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


def build_input(case: dict[str, Any]) -> bytes:
    if "bytes_hex" in case:
        return bytes.fromhex(case["bytes_hex"])
    text = case["text"] if "text" in case else GOLDEN_BASE.read_text(encoding="utf-8")
    for old, new in case.get("replace", []):
        assert text.count(old) == 1, f"replacement target must occur exactly once: {old!r}"
        text = text.replace(old, new)
    if case.get("crlf"):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if case.get("bom") else "").encode() + text.encode("utf-8")


def build_settings(overrides: dict[str, Any]) -> Settings:
    values = dict(overrides)
    if "severities" in values:
        values["severities"] = tuple(SeverityLevel(name, desc, "") for name, desc in values["severities"])
    for key in ("major_severities", "root_cause_categories"):
        if key in values:
            values[key] = tuple(values[key])
    return Settings(**values)


@pytest.mark.parametrize("case", _cases())
def test_golden_case(case: dict[str, Any]) -> None:
    _doc, findings = check_bytes("case.md", build_input(case), build_settings(case.get("settings", {})))
    findings.sort(key=lambda f: f.sort_key())
    if "expect_rules" in case:
        assert dict(Counter(f.rule for f in findings)) == case["expect_rules"], findings
    else:
        got = [f"{f.line}:{f.col} {f.level} {f.rule}" for f in findings]
        assert got == case["expect"], "\n".join(f"{f.line}:{f.col} [{f.rule}] {f.message}" for f in findings)
    for fragment in case.get("messages", []):
        assert any(fragment in f.message for f in findings), (fragment, findings)


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    for rule in set(RULES) - DIRECTORY_RULES:
        path = CASE_DIR / f"{rule}.yaml"
        assert path.is_file(), f"no golden cases for rule {rule}"
        cases = _load(path)["cases"]
        fired = [c for c in cases if rule in str(c.get("expect", c.get("expect_rules")))]
        quiet = [c for c in cases if rule not in str(c.get("expect", c.get("expect_rules")))]
        assert fired, f"{rule}: no case where the rule fires"
        assert quiet, f"{rule}: no case where the rule stays quiet"


def test_base_file_is_clean() -> None:
    _doc, findings = check_bytes("base.md", GOLDEN_BASE.read_bytes(), Settings())
    assert findings == []
