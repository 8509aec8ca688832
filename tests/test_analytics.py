"""Metrics on a small corpus whose values are computed by hand below."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from postmortem_analytics import charts, metrics
from postmortem_analytics.exports import action_items_csv, incident_records, incidents_csv, incidents_json
from postmortem_analytics.figures import figure_json
from postmortem_analytics.frames import INCIDENT_COLUMNS, action_items_frame, incidents_frame
from postmortem_analytics.process import time_to_postmortem
from postmortem_analytics.report import stats_report
from postmortem_kb import measures
from postmortem_kb.corpus import load_entry
from postmortem_kb.records import Incident
from postmortem_kb.settings import Settings

TODAY = dt.date(2025, 3, 1)


def postmortem(day: str, severity: str, services: str, cause: str, timeline: str, extra: str = "") -> str:
    return (
        f"---\ntitle: Incident {day}\ndate: {day}\nseverity: {severity}\nstatus: Published\nauthors: [a]\n"
        f"services: [{services}]\nroot_cause_category: {cause}\ntimeline:\n{timeline}{extra}---\n\n# Incident\n"
    )


# A: TTD 10, TTA 5, TTDiag 30, TTF 75, TTR 120 minutes
A = postmortem(
    "2025-01-10", "SEV1", "api", "config-change",
    "  started: 2025-01-10T10:00:00Z\n  detected: 2025-01-10T10:10:00Z\n  acknowledged: 2025-01-10T10:15:00Z\n"
    "  diagnosed: 2025-01-10T10:45:00Z\n  resolved: 2025-01-10T12:00:00Z\n",
    "impact: {users_affected: 100, support_tickets: 7}\nengineer_hours_note: x\naction_items:\n"
    "  - {id: 1, action: Fix it, owner: '@t', priority: P1, due: 2025-01-20, status: Done}\n"
    "  - {id: 2, action: Test it, owner: '@u', priority: P2, due: 2025-02-01, status: Open}\n",
)  # fmt: skip
# B: across midnight, no `diagnosed`: TTD 20, TTA 10, TTDiag -, TTF 60 (acknowledged -> resolved), TTR 90
B = postmortem(
    "2025-02-19", "SEV2", "api, db", "config-change",
    "  started: 2025-02-19T23:40:00Z\n  detected: 2025-02-20T00:00:00Z\n  acknowledged: 2025-02-20T00:10:00Z\n"
    "  resolved: 2025-02-20T01:10:00Z\n",
    "impact: {users_affected: unknown, engineer_hours: 4.5}\naction_items:\n"
    "  - {id: 1, action: Drop it, owner: '@t', priority: P3, due: 2025-03-20, status: Won't Do}\n"
    "  - {id: 2, action: Ship it, owner: '@t', priority: P1, due: 2025-02-25, status: Done}\n",
)  # fmt: skip
# C: TTD 5, TTA 1, TTDiag 24, TTF 330, TTR 360
C = postmortem(
    "2025-04-05", "SEV3", "db", "capacity",
    "  started: 2025-04-05T08:00:00Z\n  detected: 2025-04-05T08:05:00Z\n  acknowledged: 2025-04-05T08:06:00Z\n"
    "  diagnosed: 2025-04-05T08:30:00Z\n  resolved: 2025-04-05T14:00:00Z\n",
    "impact: {users_affected: 50}\n",
)  # fmt: skip


def records() -> list[Incident]:
    out = []
    for name, text in (("2025-01-10-a.md", A), ("2025-02-19-b.md", B), ("2025-04-05-c.md", C)):
        entry = load_entry(name, name, text.encode(), Settings())
        assert entry.incident is not None, entry.findings
        out.append(entry.incident)
    return out


@pytest.fixture
def frame() -> pd.DataFrame:
    return incidents_frame(records())


@pytest.fixture
def items() -> pd.DataFrame:
    return action_items_frame(records(), TODAY)


def test_phase_durations(frame: pd.DataFrame) -> None:
    got = frame.set_index("stem")[["ttd_min", "tta_min", "ttdiag_min", "ttf_min", "ttr_min"]]
    assert list(got.loc["2025-01-10-a"]) == [10, 5, 30, 75, 120]
    b = got.loc["2025-02-19-b"]
    assert (b["ttd_min"], b["tta_min"], b["ttf_min"], b["ttr_min"]) == (20, 10, 60, 90)
    assert pd.isna(b["ttdiag_min"])
    assert list(got.loc["2025-04-05-c"]) == [5, 1, 24, 330, 360]


def test_mttr_by_quarter_mean_median_p90(frame: pd.DataFrame) -> None:
    table = metrics.mttr_summary(frame, "quarter")
    q1 = table.loc["2025-Q1"]
    assert (q1["count"], q1["mean"], q1["median"]) == (2, 105, 105)
    assert pd.isna(q1["p90"])  # two incidents: a p90 would be an interpolation, not anyone's value
    assert bool(q1["small_sample"])
    assert table.loc["2025-Q2", "mean"] == 360


def test_mttr_by_service_counts_an_incident_for_each_of_its_services(frame: pd.DataFrame) -> None:
    table = metrics.mttr_summary(frame, "service")
    assert table.loc["api", "mean"] == 105
    assert (table.loc["db", "count"], table.loc["db", "mean"]) == (2, 225)
    assert table["p90"].isna().all()  # fewer than PERCENTILE_MIN incidents: no p90


def test_frequency_fills_empty_months(frame: pd.DataFrame) -> None:
    table = metrics.frequency(frame, "M", "severity")
    assert [str(p) for p in table.index] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert table.sum(axis=1).tolist() == [1, 1, 0, 1]
    assert table["SEV2"].tolist() == [0, 1, 0, 0]


def test_severity_mix_and_engineer_hours(frame: pd.DataFrame) -> None:
    mix = metrics.severity_mix(frame, ("SEV1", "SEV2", "SEV3", "SEV4"))
    assert mix["count"].tolist() == [1, 1, 1]
    assert mix["share"].sum() == pytest.approx(1)
    hours = metrics.engineer_hours(frame, "quarter")
    assert hours["2025-Q1"] == 4.5 and pd.isna(hours["2025-Q2"])  # not recorded is not 0


def test_repeats_need_same_cause_and_service_within_the_window(frame: pd.DataFrame) -> None:
    assert frame["repeat"].tolist() == [False, True, False]  # B repeats A (config-change on api, 40 days later)
    narrow = incidents_frame(records(), Settings(repeat_window_days=30, similarity_threshold=1.1))
    assert narrow["repeat"].tolist() == [False, False, False]
    rate = metrics.repeat_rate(frame, "quarter")
    assert rate.loc["2025-Q1", "rate"] == 0.5


def test_action_item_completion(items: pd.DataFrame) -> None:
    overall = metrics.action_item_completion(items).iloc[0]
    # 4 items: 2 Done, 1 Won't Do, 1 Open (due 2025-02-01, overdue on 2025-03-01): 2 of 3 actionable done
    assert (overall["total"], overall["done"], overall["wont_do"], overall["open"], overall["overdue"]) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert overall["done_pct"] == pytest.approx(66.7)
    by_priority = metrics.action_item_completion(items, "priority")
    assert by_priority.loc["P1", "done_pct"] == 100 and by_priority.loc["P2", "overdue"] == 1
    assert metrics.action_item_completion(items, "owner").loc["@t", "total"] == 3


def test_customer_impact(frame: pd.DataFrame) -> None:
    impact = metrics.customer_impact(frame, "quarter")
    assert impact.loc["2025-Q1", "users_affected"] == 100 and impact.loc["2025-Q1", "users_unknown"] == 1
    assert impact.loc["2025-Q1", "support_tickets"] == 7


def test_exports_have_stable_columns_iso_timestamps_and_minutes(frame: pd.DataFrame, items: pd.DataFrame) -> None:
    csv = pd.read_csv(io.StringIO(incidents_csv(frame)))
    assert tuple(csv.columns) == INCIDENT_COLUMNS and len(csv) == 3
    b = csv[csv["stem"] == "2025-02-19-b"].iloc[0]
    assert b["started"] == "2025-02-19T23:40:00Z" and b["ttr_min"] == 90 and b["services"] == "api;db"
    assert json.loads(incidents_json(frame))["columns"] == list(INCIDENT_COLUMNS)
    exported = incident_records(incidents_json(frame))
    assert [r["ttr_min"] for r in exported] == [120, 90, 360]
    assert exported[1]["ttdiag_min"] is None
    actions = pd.read_csv(io.StringIO(action_items_csv(items)))
    assert len(actions) == 4 and actions["is_overdue"].sum() == 1


def test_incidents_json_reads_back_with_pandas_as_the_csv_export(frame: pd.DataFrame) -> None:
    # the format the README documents: pandas' "split" orient
    from_json = pd.read_json(io.StringIO(incidents_json(frame)), orient="split", dtype=False)
    from_csv = pd.read_csv(io.StringIO(incidents_csv(frame)))
    assert tuple(from_json.columns) == tuple(from_csv.columns) == INCIDENT_COLUMNS and len(from_json) == 3
    for column in ("services", "root_causes"):  # lists in JSON, joined by ";" in CSV
        from_json[column] = from_json[column].map(";".join)
    pd.testing.assert_frame_equal(from_json, from_csv, check_dtype=False, atol=0.005)


def test_every_chart_builds_with_data(frame: pd.DataFrame, items: pd.DataFrame) -> None:
    levels = ("SEV1", "SEV2", "SEV3", "SEV4")
    figures = [
        charts.mttr_breakdown(frame), charts.duration_by_severity(frame, levels),
        charts.incidents_per_month(frame, levels), charts.severity_donut(frame, levels),
        charts.action_item_trend(items), charts.customer_impact_trend(frame), charts.top_services(frame),
        charts.repeats_over_time(frame, 90),
    ]  # fmt: skip
    figures.append(
        time_to_postmortem(frame.assign(hours_to_draft=[1.0, 2.5, float("nan")], hours_to_published=5.0), levels)
    )
    for built in figures:
        # built as unvalidated dicts for speed (charts.py): plotly's own validation must accept every figure
        figure = go.Figure(built)
        drawn = json.loads(figure_json(built))
        layout = drawn["layout"]
        assert all(x == float(f"{x:.4g}") for x in _floats(drawn))  # what a reader can see, no more
        titles = [layout["title"], *(v["title"] for k, v in layout.items() if k[1:5] == "axis" and "title" in v)]
        assert all(isinstance(t, dict) for t in titles), titles  # plotly.js 3+ reads no string titles
        assert not layout.get("template")  # plotly's default one is ~6 KB of JSON a chart
        assert figure.data
        for trace in figure.data:
            points = next(getattr(trace, k) for k in ("x", "y", "values") if getattr(trace, k, None) is not None)
            assert len(points) > 0, (figure.layout.title.text, trace.name)
    phases = {trace.name: trace for trace in go.Figure(charts.mttr_breakdown(frame)).data}
    q1 = frame[frame["quarter"] == "2025-Q1"]
    diagnosed = q1["ttdiag_min"].notna()
    assert diagnosed.sum() == 1  # A records `diagnosed`, B does not
    expected = {
        "Detect (TTD)": (q1["ttd_min"].mean(), "2 of 2"),
        "Diagnose (TTDiag)": (q1["ttdiag_min"].mean(), "1 of 2"),  # over A only: B's TTDiag is not 0
        "Fix (TTF)": (q1.loc[diagnosed, "ttf_min"].mean(), "1 of 2"),
        "Diagnose + fix (no diagnosed time)": (q1.loc[~diagnosed, "ttf_min"].mean(), "1 of 2"),
    }
    for name, (minutes, covered) in expected.items():
        assert round(phases[name].y[0] * 60, 1) == round(minutes, 1) and phases[name].customdata[0] == covered


def test_stats_report_agrees_with_exports(frame: pd.DataFrame) -> None:
    report = stats_report(records(), TODAY, Settings())
    exported = incident_records(incidents_json(frame))
    ttrs = pd.Series([r["ttr_min"] for r in exported])
    assert report["headline"]["incidents"] == len(exported)
    assert report["headline"]["ttr_median_min"] == ttrs.median() == 120
    assert report["headline"]["ttr_mean_min"] == pytest.approx(ttrs.mean())
    q1 = report["quarters"][0]
    assert (q1["quarter"], q1["incidents"], q1["major"], q1["repeats"], q1["small_sample"]) == (
        "2025-Q1",
        2,
        2,
        1,
        True,
    )


def test_p90_needs_enough_points_and_matches_pandas() -> None:
    values = [float(v) for v in (5, 1, 9, 3, 7, 2, 8, 4, 6)]
    assert measures.p90(values) is None  # PERCENTILE_MIN is 10
    values.append(10.0)
    assert measures.p90(values) == pytest.approx(pd.Series(values).quantile(0.9))


def test_strict_json_writes_null_for_nan_and_infinity_and_plain_json_otherwise() -> None:
    from postmortem_analytics.exports import strict_json

    value = {"a": [1.0, float("nan"), {"b": float("inf")}], "c": (2, -float("inf")), "d": "é"}
    assert strict_json(value) == '{"a": [1.0, null, {"b": null}], "c": [2, null], "d": "é"}'
    finite = {"a": [1.5, {"b": 2}], "c": (3, "x"), "d": None}
    assert strict_json(finite, separators=(",", ":")) == json.dumps(finite, separators=(",", ":"))


def _floats(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [x for v in value for x in _floats(v)] if isinstance(value, list) else []
