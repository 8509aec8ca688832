"""How findings are printed: text for people, GitHub workflow commands for CI, JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Callable

from .check import CheckResult


def text(result: CheckResult) -> str:
    return "".join(f"{f.as_line()}\n" for f in result.findings)


def github(result: CheckResult) -> str:
    """Workflow commands; escaping as GitHub's toolkit does (data: % CR LF; properties also : ,)."""
    out = []
    for f in result.findings:
        props = ",".join(
            f"{k}={_escape_property(str(v))}"
            for k, v in (("file", f.path), ("line", f.line), ("col", f.col), ("title", f"pmkb [{f.rule}]"))
        )
        out.append(f"::{f.level} {props}::{_escape_data(f.message)}\n")
    return "".join(out)


def json_report(result: CheckResult) -> str:
    return json.dumps([f.to_dict() for f in result.findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


REPORTERS: dict[str, Callable[[CheckResult], str]] = {"text": text, "github": github, "json": json_report}
