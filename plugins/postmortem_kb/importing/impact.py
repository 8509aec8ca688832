"""The Impact table (`| Metric | Value |`) -> the front matter's `impact` mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..parsing.body import Body
from .problems import Problem, warn
from .tables import find_table, rows

# First cell (casefolded) -> impact key, by the words people use for each figure.
# The first match wins, so "customer support tickets" are tickets, not customers.
_METRICS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\btickets?\b|\bsupport\b"), "support_tickets"),
    (re.compile(r"\bslo\b|\berror budget\b|\bsla\b"), "slo_impact"),
    (re.compile(r"\brevenue\b|\bsales\b|\bcost\b"), "revenue_impact"),
    (re.compile(r"\bengineer(ing)? hours\b|\bhours\b|\beffort\b|\btime spent\b"), "engineer_hours"),
    (
        re.compile(r"\b(users?|customers?|accounts?|people|members|merchants|sellers)\b"),
        "users_affected",
    ),
)
IMPACT_ORDER = ("users_affected", "revenue_impact", "slo_impact", "support_tickets", "engineer_hours")
_NUMBER = re.compile(
    r"^(?:~|≈|about\s+|approx\.?\s+|approximately\s+|around\s+)?([\d,]*\d(?:\.\d+)?)\s*([km])?\b", re.I
)
_UNKNOWN = {"unknown", "unknown.", "not known", "tbd", "?"}
_NONE = {"none", "no", "0", "zero", "nil"}
_BLANK = {"", "-", "–", "—", "n/a", "na"}


@dataclass
class Impact:
    values: dict[str, object] = field(default_factory=dict)
    found_table: bool = False


def read_impact(body: Body, problems: list[Problem]) -> Impact:
    table = find_table(body, "Impact", lambda header: len(header) >= 2)
    if table is None:
        return Impact()
    impact = Impact(found_table=True)
    label_key, value_key = (h.casefold().strip() for h in table.header[:2])
    for cells in rows(table, "impact", problems):
        key = _metric(cells.values.get(label_key, ""))
        text = cells.values.get(value_key, "").strip()
        if key is None or key in impact.values or text.casefold() in _BLANK:
            continue
        if key != "users_affected" and text.casefold() in _UNKNOWN:
            continue  # a figure nobody recorded is left out, never written as 0
        value = _value(key, text)
        if value is None:
            label = cells.values.get(label_key, "")
            problems.append(
                warn("import-impact", f"{label}: {text!r} is not a number", cells.line, cells.col(value_key))
            )
            continue
        impact.values[key] = value
    impact.values = {k: impact.values[k] for k in IMPACT_ORDER if k in impact.values}
    return impact


def _metric(label: str) -> str | None:
    text = label.casefold()
    return next((key for pattern, key in _METRICS if pattern.search(text)), None)


def _value(key: str, text: str) -> object | None:
    folded = text.casefold().strip()
    if key == "slo_impact":
        return text
    if key == "revenue_impact":
        # A bare figure stays a number; anything with a currency or words is kept as written.
        return int(folded.replace(",", "")) if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", folded) else text
    if key == "users_affected" and folded in _UNKNOWN:
        return "unknown"
    if folded in _NONE:
        return 0
    number = _number(text)
    if number is None:
        return None
    if key == "engineer_hours":
        return number
    return int(number) if float(number).is_integer() else None


def _number(text: str) -> int | float | None:
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    value = float(match.group(1).replace(",", ""))
    value *= {"k": 1_000, "m": 1_000_000}.get((match.group(2) or "").casefold(), 1)
    return int(value) if value.is_integer() else value
