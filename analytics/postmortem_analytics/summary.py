"""The quarter-over-quarter table leadership reads, and the headline figures."""

from __future__ import annotations

import pandas as pd
from postmortem_kb import measures

from .metrics import action_item_completion


def quarter_table(frame: pd.DataFrame, items: pd.DataFrame, major: tuple[str, ...]) -> pd.DataFrame:
    """One row per quarter: incidents, major incidents, TTR mean/median/p90 (minutes), engineer
    hours, users, tickets, repeats, and action-item completion of that quarter's incidents.
    Column names are the headline's (`ttr_median_min`, `action_items_done_pct` ...): one name per figure."""
    if frame.empty:
        return pd.DataFrame()
    rows = frame.assign(major=frame["severity"].isin(major))
    grouped = rows.groupby("quarter", sort=True)
    table = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "major": grouped["major"].sum(),
            "ttr_mean_min": grouped["ttr_min"].mean(),
            "ttr_median_min": grouped["ttr_min"].median(),
            "ttr_p90_min": grouped["ttr_min"].agg(measures.p90),
            "engineer_hours": grouped["engineer_hours"].sum(min_count=1),
            "users_affected": grouped["users_affected"].sum(min_count=1),
            "support_tickets": grouped["support_tickets"].sum(min_count=1),
            "repeats": grouped["repeat"].sum().astype(int),
        }
    )
    if not items.empty:
        completion = action_item_completion(items, by="quarter")
        # the names of the same figures in the headline and the exports
        names = {"total": "action_items", "done_pct": "action_items_done_pct", "overdue": "action_items_overdue"}
        table = table.join(completion[list(names)].rename(columns=names))
    table["small_sample"] = table["incidents"].map(measures.is_small_sample).astype(bool)
    return table


def headline(frame: pd.DataFrame, items: pd.DataFrame) -> dict[str, float | int | None]:
    """All-time figures for the top of the trends page and `pmkb stats`."""
    ttr = frame["ttr_min"].dropna()
    done = int((items["status"] == "Done").sum()) if len(items) else 0
    actionable = int((items["status"] != "Won't Do").sum()) if len(items) else 0
    done_share = measures.share(done, actionable)
    return {
        "incidents": len(frame),
        "ttr_mean_min": float(ttr.mean()) if len(ttr) else None,
        "ttr_median_min": float(ttr.median()) if len(ttr) else None,
        "ttr_p90_min": measures.p90(ttr.tolist()),
        # None when no incident records the figure; *_incidents says how many the total covers
        **_covered(frame, "engineer_hours"),
        **_covered(frame, "users_affected"),
        **_covered(frame, "support_tickets"),
        "action_items": len(items),
        "action_items_done_pct": None if done_share is None else round(done_share, 1),
        "action_items_open": int(items["is_open"].sum()) if len(items) else 0,
        "action_items_overdue": int(items["is_overdue"].sum()) if len(items) else 0,
        "small_sample": measures.is_small_sample(len(frame)),
    }


def _covered(frame: pd.DataFrame, column: str) -> dict[str, float | int | None]:
    values = frame[column].dropna()
    total: float | int | None = None
    if len(values):
        total = float(values.sum()) if column == "engineer_hours" else int(values.sum())
    return {column: total, f"{column}_incidents": len(values)}
