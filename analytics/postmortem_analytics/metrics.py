"""Incident metrics over the frames (definitions from the incident-management handbook).

Durations are in minutes. Every summary reports the mean beside the median and p90,
because incident durations are heavy-tailed and a mean alone misleads, and flags
groups of fewer than SMALL_SAMPLE incidents.
"""

from __future__ import annotations

import pandas as pd
from postmortem_kb import measures
from postmortem_kb.measures import SMALL_SAMPLE as SMALL_SAMPLE  # re-exported for notebooks


def _grouping(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per incident and group key; an incident on two services counts for both."""
    if by == "service":
        return frame.explode("services").rename(columns={"services": "service"})
    if by == "root_cause":
        return frame.explode("root_causes").rename(columns={"root_causes": "root_cause"})
    return frame


def duration_summary(frame: pd.DataFrame, by: str, metric: str = "ttr_min") -> pd.DataFrame:
    """count, mean, median, p90 of one duration column per group, with a small-sample flag."""
    rows = _grouping(frame, by).dropna(subset=[metric])
    grouped = rows.groupby(by, sort=True)[metric]
    out = pd.DataFrame(
        {
            "count": grouped.count(),
            "mean": grouped.mean(),
            "median": grouped.median(),
            "p90": grouped.agg(measures.p90),
        }
    )
    out["small_sample"] = out["count"].map(measures.is_small_sample).astype(bool)
    return out


def mttr_summary(frame: pd.DataFrame, by: str = "quarter") -> pd.DataFrame:
    """Time to recovery (resolved - started): mean, median and p90 by period, severity or service."""
    return duration_summary(frame, by, "ttr_min")


def frequency(frame: pd.DataFrame, freq: str = "M", by: str | None = "severity") -> pd.DataFrame:
    """Incidents per week ("W") or month ("M"), one column per `by` value, empty periods as 0."""
    rows = _grouping(frame, by) if by else frame
    if rows.empty:
        return pd.DataFrame()
    # periods of the start day in the configured time zone, as the frame's month and quarter (frames.py)
    if freq == "M":
        period = pd.Series(pd.PeriodIndex(rows["month"], freq="M"), index=rows.index)
    else:
        started = rows["started"].dt.tz_convert(frame.attrs.get("time_zone", "UTC")).dt.tz_localize(None)
        period = started.dt.to_period(freq)
    counts = rows.assign(period=period).groupby(["period", by] if by else ["period"]).size()
    table = counts.unstack(fill_value=0) if by else counts.to_frame("incidents")
    full = pd.period_range(period.min(), period.max(), freq=freq)
    return table.reindex(full, fill_value=0)


def severity_mix(frame: pd.DataFrame, levels: tuple[str, ...] = ()) -> pd.DataFrame:
    counts = frame["severity"].value_counts()
    order = [s for s in levels if s in counts.index] + sorted(set(counts.index) - set(levels))
    counts = counts.reindex(order)
    return pd.DataFrame({"count": counts, "share": counts / counts.sum() if len(counts) else counts})


def engineer_hours(frame: pd.DataFrame, by: str = "quarter") -> pd.Series:
    """Time in incident: engineer hours summed per group; NaN (not recorded) where no incident of the group
    states them, never 0."""
    result: pd.Series = _grouping(frame, by).groupby(by, sort=True)["engineer_hours"].sum(min_count=1)
    return result


def repeat_rate(frame: pd.DataFrame, by: str = "quarter") -> pd.DataFrame:
    """Repeat incidents per group; the frame's `repeat` column comes from relations.is_repeat."""
    grouped = frame.groupby(by, sort=True)["repeat"]
    out = pd.DataFrame({"incidents": grouped.size(), "repeats": grouped.sum().astype(int)})
    out["rate"] = out["repeats"] / out["incidents"]
    out["small_sample"] = out["incidents"].map(measures.is_small_sample).astype(bool)
    return out


def action_item_completion(items: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share of items Done (of those not Won't Do), open and overdue counts, per group.

    `by`: None (one row), "priority", "owner", or "quarter" (of the incident).
    """
    rows = items.assign(
        quarter=items["quarter"]
        if "quarter" in items
        else items["incident_date"].dt.to_period("Q").astype(str).str.replace("Q", "-Q", regex=False)
    )
    rows = rows.assign(done=rows["status"] == "Done", wont=rows["status"] == "Won't Do", total=1, group="all")
    key = by or "group"
    grouped = rows.groupby(key, sort=True)[["total", "done", "wont", "is_open", "is_overdue"]].sum()
    shares = [
        measures.share(int(d), int(t - w))
        for d, t, w in zip(grouped["done"], grouped["total"], grouped["wont"], strict=True)
    ]
    grouped["done_pct"] = pd.Series(shares, index=grouped.index, dtype="float64").round(1)
    result: pd.DataFrame = grouped.rename(columns={"is_open": "open", "is_overdue": "overdue", "wont": "wont_do"})
    return result


def customer_impact(frame: pd.DataFrame, by: str = "quarter") -> pd.DataFrame:
    """Users affected, support tickets and revenue (numeric statements only), summed per group."""
    rows = _grouping(frame, by)
    grouped = rows.groupby(by, sort=True)
    # NaN, not 0, where no incident of the group states the figure (float for the charts)
    out = grouped[["users_affected", "support_tickets", "revenue_usd"]].sum(min_count=1).astype("float64")
    out["users_unknown"] = grouped["users_unknown"].sum()
    out["slo_statements"] = grouped["slo_impact"].count()
    return out
