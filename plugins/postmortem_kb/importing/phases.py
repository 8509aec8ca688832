"""Which timeline row marks which phase, from what the row's event says.

The vocabulary is the handbook's phase definitions as responders write them: an alert
firing or a report is detection, a page or acknowledgement is acknowledgement, a cause
identified or traced is diagnosis, a rollback or a restored setting is mitigation.
"""

from __future__ import annotations

import re

PHASES = ("started", "detected", "acknowledged", "diagnosed", "mitigated", "resolved")

_WORDS = r"[^.;]{0,40}"
MARKERS: dict[str, re.Pattern[str]] = {
    "started": re.compile(
        rf"\b(impact|outage|incident|errors?|failures?|degradation)\b{_WORDS}\b(begins?|began|starts?|started)\b"
        r"|\bstart of (the )?(impact|incident|outage)\b|\bimpact start",
        re.I,
    ),
    "detected": re.compile(
        rf"\balerts?\b{_WORDS}\b(fires?|fired|firing|triggers?|triggered|goes off|went off)\b"
        r"|\b(detect(s|ed)?|notices?|noticed|spotted|reports?|reported|escalates?|escalated|flagged)\b",
        re.I,
    ),
    "acknowledged": re.compile(r"\backnowledg|\back(s|ed)\b|\bpaged\b|\bpages\b|\bpicks up\b|\bresponds\b", re.I),
    "diagnosed": re.compile(
        r"\broot cause\b|\bidentif(y|ies|ied)\b|\btraced?\b|\bdiagnos|\bisolated\b|\bpinpoint|\bconfirm"
        r"|\bdetermined\b|\bfound\b|\bties?\b[^.;]{0,60}\bto\b|\btied\b|\blogs? shows?\b",
        re.I,
    ),
    "mitigated": re.compile(
        r"\bmitigat|\broll(ed|s|ing)?[ -]?back\b|\brollbacks?\b|\brevert|\brestor|\bfail(ed|s)?[ -]?over\b"
        r"|\bdisabled?\b|\bpaused?\b|\bswitched\b|\bmoved\b|\bworkaround\b|\bhot-?fix|\bredeploy"
        r"|\b(deployed|applied|rolled out)\b|\brestart(s|ed)?\b|\brebooted\b|\bre-?run\b"
        r"|\bscaled (up|out)\b",
        re.I,
    ),
    "resolved": re.compile(r"(?<!not )\bresolved\b|\bresolution\b|\ball[- ]clear\b|\bincident (is )?closed\b", re.I),
}


def mark_phases(events: list[str]) -> dict[str, int]:
    """Phase -> index of the row that marks it.

    `started` is the first row unless a row says impact began; `resolved` the row that says
    so, else the last row. The others are the first matching row at or after the previous
    phase's row and before `resolved`'s, so the phases come out in the handbook's order.
    """
    if not events:
        return {}
    started = _first("started", events, 0, len(events))
    marks = {"started": 0 if started is None else started}
    resolved = _first("resolved", events, marks["started"], len(events))
    end = len(events) - 1 if resolved is None else resolved
    at = marks["started"]
    for phase in PHASES[1:-1]:
        # A row may fire an alert and page someone, but the row naming the cause is not also
        # its mitigation: "traced to the paused replica" mentions a pause.
        begin = at + 1 if phase == "mitigated" and "diagnosed" in marks else at
        found = _first(phase, events, begin, end)
        if found is not None:
            marks[phase] = at = found
    marks["resolved"] = end
    return marks


def _first(phase: str, events: list[str], begin: int, end: int) -> int | None:
    return next((i for i in range(begin, end) if MARKERS[phase].search(events[i])), None)


_ALERT = re.compile(r"\b(alerts?|alarms?|pag(ed|es|ing)|monitor(s|ing)?|synthetic)\b", re.I)
_CUSTOMER = re.compile(r"\b(support|customers?|users?|merchants?|clients?|complain\w*|tickets?)\b", re.I)
_PERSON = re.compile(r"\b(notices?|noticed|spotted|flagged|found|discovered)\b", re.I)


def detection_of(event: str) -> str | None:
    """How the incident was detected, when the detecting row says: alert, customer report, internal."""
    if _ALERT.search(event):
        return "alert"
    if _CUSTOMER.search(event):
        return "customer-report"
    return "internal" if _PERSON.search(event) else None
