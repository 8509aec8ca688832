"""What a major incident (SEV1/SEV2 by default) must state before review."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.severity_is_major():
        return
    severity = ctx.meta["severity"]
    items = ctx.meta.get("action_items")
    table = ctx.action_table
    if not (isinstance(items, list) and items) and not (table and table.items):
        yield ctx.finding(
            "action-items-required",
            ctx.key_pos("action_items") if "action_items" in ctx.meta else ctx.value_pos("severity"),
            f"a {severity} postmortem needs at least one action item (front matter `action_items` "
            "or the Action Items table)",
        )
    commander = ctx.mapping("roles").get("incident_commander")
    if not (isinstance(commander, str) and commander.strip()):
        yield ctx.finding(
            "incident-commander-required",
            ctx.key_pos("roles", "incident_commander") if "roles" in ctx.meta else ctx.value_pos("severity"),
            f"a {severity} postmortem names its incident commander: `roles.incident_commander`",
        )
    impact = ctx.mapping("impact")
    users = impact.get("users_affected")
    tickets = impact.get("support_tickets")
    stated_users = users == "unknown" or (isinstance(users, int) and not isinstance(users, bool))
    stated_tickets = isinstance(tickets, int) and not isinstance(tickets, bool)
    if not (stated_users or stated_tickets):
        yield ctx.finding(
            "customer-impact-required",
            ctx.key_pos("impact") if "impact" in ctx.meta else ctx.value_pos("severity"),
            f"a {severity} postmortem states its customer impact: `impact.users_affected` "
            '(a number, or "unknown") or `impact.support_tickets`',
        )
