"""The quarter-over-quarter table leadership reads, and the headline figures."""

from __future__ import annotations

import pandas as pd

from .metrics import SMALL_SAMPLE, action_item_completion, repeat_flags


def quarter_table(frame: pd.DataFrame, items: pd.DataFrame, window_days: int, major: tuple[str, ...]) -> pd.DataFrame:
    """One row per quarter: incidents, major incidents, TTR mean/median/p90 (minutes), engineer
    hours, users, tickets, repeats, and action-item completion of that quarter's incidents."""
    if frame.empty:
        return pd.DataFrame()
    rows = frame.assign(repeat=repeat_flags(frame, window_days), major=frame["severity"].isin(major))
    grouped = rows.groupby("quarter", sort=True)
    table = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "major": grouped["major"].sum(),
            "ttr_mean": grouped["ttr_min"].mean(),
            "ttr_median": grouped["ttr_min"].median(),
            "ttr_p90": grouped["ttr_min"].quantile(0.9),
            "engineer_hours": grouped["engineer_hours"].sum(),
            "users_affected": grouped["users_affected"].sum(min_count=1),
            "support_tickets": grouped["support_tickets"].sum(min_count=1),
            "repeats": grouped["repeat"].sum(),
        }
    )
    if not items.empty:
        completion = action_item_completion(items, by="quarter")
        table = table.join(completion[["total", "done_pct", "overdue"]].rename(columns={"total": "action_items"}))
    table["small_sample"] = table["incidents"] < SMALL_SAMPLE
    return table


def headline(frame: pd.DataFrame, items: pd.DataFrame) -> dict[str, float | int | None]:
    """All-time figures for the top of the trends page and `pmkb stats`."""
    ttr = frame["ttr_min"].dropna()
    done = items[items["status"] != "Won't Do"] if not items.empty else items
    return {
        "incidents": len(frame),
        "ttr_mean_min": float(ttr.mean()) if len(ttr) else None,
        "ttr_median_min": float(ttr.median()) if len(ttr) else None,
        "ttr_p90_min": float(ttr.quantile(0.9)) if len(ttr) else None,
        "engineer_hours": float(frame["engineer_hours"].sum()),
        "users_affected": int(frame["users_affected"].sum()),
        "support_tickets": int(frame["support_tickets"].sum()),
        "action_items": len(items),
        "action_items_done_pct": round(100 * float((done["status"] == "Done").mean()), 1) if len(done) else None,
        "action_items_open": int(items["is_open"].sum()) if len(items) else 0,
        "action_items_overdue": int(items["is_overdue"].sum()) if len(items) else 0,
        "small_sample": len(frame) < SMALL_SAMPLE,
    }
