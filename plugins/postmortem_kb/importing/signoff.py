"""Roles named in the Sign-off section: a `| Role | Name |` table or `Role: Name` lines."""

from __future__ import annotations

from ..parsing.body import Body
from .problems import Problem
from .roles import role_key, roles_from_lines
from .tables import find_table, rows


def _is_roles_table(header: list[str]) -> bool:
    return any(h.startswith("role") for h in header) and len(header) >= 2


def read_signoff_roles(body: Body, problems: list[Problem]) -> dict[str, tuple[str, int]]:
    """Role key -> (names as written, line)."""
    section = body.section("Sign-off") or body.section("Signoff") or body.section("Sign off")
    if section is None:
        return {}
    found = roles_from_lines([(ln.number, ln.text) for ln in section.lines if not ln.in_code and "|" not in ln.text])
    table = find_table(body, section.title, _is_roles_table)
    if table is None:
        return found
    header = [h.casefold().strip() for h in table.header]
    role_col = next(h for h in header if h.startswith("role"))
    name_col = next((h for h in header if h.startswith(("name", "person", "who", "signed"))), None)
    name_col = name_col or next(h for h in header if h != role_col)
    for cells in rows(table, "sign-off", problems):
        key = role_key(cells.values.get(role_col, ""))
        name = cells.values.get(name_col, "").strip()
        if key is not None and name and name not in ("-", "–"):
            found.setdefault(key, (name, cells.line))
    return found
