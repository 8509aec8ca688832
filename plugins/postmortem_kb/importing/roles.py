"""Incident roles as people write them ("Incident Commander", "IC", "Comms lead") -> front-matter keys."""

from __future__ import annotations

import re

ROLE_KEYS: dict[str, str] = {
    "incident commander": "incident_commander",
    "ic": "incident_commander",
    "tech lead": "tech_lead",
    "technical lead": "tech_lead",
    "comms lead": "comms_lead",
    "communications lead": "comms_lead",
    "scribe": "scribe",
    "note taker": "scribe",
    "smes": "smes",
    "sme": "smes",
    "subject matter experts": "smes",
    "subject matter expert": "smes",
}
ROLE_ORDER = ("incident_commander", "tech_lead", "comms_lead", "scribe", "smes")


def role_key(label: str) -> str | None:
    words = " ".join(re.sub(r"[^a-z ]+", " ", label.casefold().replace("-", " ")).split())
    return ROLE_KEYS.get(words)


def split_names(text: str) -> list[str]:
    """`Ada, Bo and Cy` -> ["Ada", "Bo", "Cy"]."""
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip())
    return [p.strip() for p in parts if p.strip()]


def role_value(key: str, text: str) -> str | list[str]:
    return split_names(text) if key == "smes" else text.strip()


def roles_from_lines(lines: list[tuple[int, str]]) -> dict[str, tuple[str, int]]:
    """`Incident Commander: Ada` or `- **Tech lead:** Bo` lines -> role key -> (value, line)."""
    found: dict[str, tuple[str, int]] = {}
    for number, text in lines:
        match = _ROLE_LINE.match(text)
        key = role_key(match.group(1)) if match else None
        if match and key and match.group(2).strip():
            found.setdefault(key, (match.group(2).strip(), number))
    return found


_ROLE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][A-Za-z ()-]{0,40}?)\s*:?(?:\*\*|__)?\s*:\s*(.+?)\s*$")
