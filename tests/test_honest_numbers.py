"""Numbers that hold up on real incidents: missing data is "not recorded", never 0; periods follow
timeline.started; pmkb stats counts what the site counts; counts are integers; one name per figure."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from postmortem_analytics.exports import incident_records
from postmortem_analytics.frames import incidents_frame
from postmortem_analytics.metrics import frequency
from postmortem_analytics.report import stats_report
from postmortem_kb.cli import main
from postmortem_kb.config import ConfigError, load_settings
from postmortem_kb.corpus import load_entry
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB, ROOT
from .sites import base, build

REAL_KB = ROOT / "tests" / "fixtures" / "real-kb"


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture of 12 public incidents (none records hours, tickets, users or `diagnosed`), built."""
    root = tmp_path_factory.mktemp("real-kb")
    shutil.copytree(REAL_KB, root, dirs_exist_ok=True)
    built = build(root)
    assert built.returncode == 0, built.log
    return root / "site"


def _text(page: str) -> str:
    page = re.sub(r"<template>.*?</template>|<script.*?</script>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _chart(page: str, name: str) -> dict[str, Any]:
    found = re.search(rf'data-pmkb-chart="{name}"[^>]*><template>(.*?)</template>', page, flags=re.S)
    assert found, name
    figure: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return figure


def _values(trace: dict[str, Any], axis: str) -> list[float | None]:
    """A trace's numbers, decoding plotly's base64 typed arrays."""
    data = trace.get(axis)
    if isinstance(data, dict) and "bdata" in data:
        import numpy as np

        return [float(v) for v in np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))]
    return list(data or [])


def _blank(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_real_kb_headline_says_not_recorded(real_site: Path) -> None:
    text = _text((real_site / "trends" / "index.html").read_text(encoding="utf-8"))
    headline = text.split("Incident trends", 1)[1].split("Quarter over quarter", 1)[0]
    for phrase in ("users not recorded", "tickets not recorded", "engineer hours not recorded"):
        assert phrase in headline
    assert not re.search(r"\b0 (?:users|tickets|engineer hours)\b", headline)


def test_real_kb_quarter_table_shows_dashes_not_zeros(real_site: Path) -> None:
    rows = _quarter_rows(real_site)
    assert len(rows) == 11  # 12 incidents in 11 quarters of timeline.started
    for cells in rows:
        p90, hours, users, tickets = cells[5], cells[6], cells[7], cells[8]
        assert (p90, hours, users, tickets) == ("–", "–", "–", "–"), cells  # no quarter has 10 incidents


def test_real_kb_charts_draw_no_zeros_for_missing_data(real_site: Path) -> None:
    page = (real_site / "trends" / "index.html").read_text(encoding="utf-8")
    phases = {t["name"]: t for t in _chart(page, "mttr-breakdown")["data"]}
    # 4 of the 12 record `diagnosed`: quarters without one have no TTDiag bar (not a bar of 0), and the
    # others' acknowledged -> resolved time is a bar of its own, not folded into TTF
    diagnosed = sum("\n  diagnosed: " in p.read_text(encoding="utf-8") for p in (REAL_KB / "docs").glob("2*.md"))
    assert diagnosed == 4
    for name in ("Diagnose (TTDiag)", "Fix (TTF)", "Diagnose + fix (no diagnosed time)"):
        values, covered = _values(phases[name], "y"), phases[name]["customdata"]
        assert [_blank(v) for v in values] == [c.startswith("0 of") for c in covered], name
    assert sum(int(c.split()[0]) for c in phases["Diagnose (TTDiag)"]["customdata"]) == diagnosed
    assert all(_blank(v) for v in _values(phases["p90"], "y"))  # every quarter has fewer than 10
    impact = {t["name"]: t for t in _chart(page, "customer-impact")["data"]}
    for name in ("Users affected", "Support tickets"):
        assert all(_blank(v) for v in _values(impact[name], "y")), name
    services = _chart(page, "top-services")["data"]
    hours = next(t for t in services if t["name"].startswith("Engineer hours"))
    assert hours["name"] == "Engineer hours (recorded for 0 of 12 incidents)"
    assert all(_blank(v) for v in _values(hours, "x"))


def test_real_kb_stats_json_and_exports(real_site: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--format", "json", "-f", str(REAL_KB / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    h = report["headline"]
    for figure in ("users_affected", "support_tickets", "engineer_hours"):
        assert h[figure] is None and h[f"{figure}_incidents"] == 0
    # the quarter rows use the headline's names for the same figures
    quarter = report["quarters"][0]
    for name in ("ttr_median_min", "ttr_mean_min", "ttr_p90_min", "action_items_done_pct", "action_items_overdue"):
        assert name in quarter and name in h
    assert all(q["ttr_p90_min"] is None and q["engineer_hours"] is None for q in report["quarters"])
    for group in (*report["by_severity"], *report["by_service"]):
        assert {"incidents", "ttr_mean_min", "ttr_median_min", "ttr_p90_min"} <= set(group)
    rows = list(csv.DictReader(io.StringIO((real_site / "exports" / "incidents.csv").read_text(encoding="utf-8"))))
    assert all(r["support_tickets"] == "" and r["users_affected"] == "" for r in rows)
    assert all(re.fullmatch(r"\d+", r["action_items"]) for r in rows)  # a count, not "3.00"
    exported = incident_records((real_site / "exports" / "incidents.json").read_text(encoding="utf-8"))
    assert all(isinstance(r["action_items"], int) and r["support_tickets"] is None for r in exported)


def _incident(started: str, day: str) -> Any:
    text = base(("  started: 2025-01-14T15:02:00Z", f"  started: {started}"), ("date: 2025-01-14", f"date: {day}"))
    for key in ("detected", "acknowledged", "diagnosed", "mitigated", "resolved"):
        text = text.replace(f"  {key}: 2025-01-14T", f"  {key}: 2025-04-01T")
    entry = load_entry("2025-03-31-a.md", "2025-03-31-a.md", text.encode(), Settings())
    assert entry.incident is not None, entry.findings
    return entry.incident


def test_month_and_quarter_follow_started_in_the_configured_time_zone() -> None:
    # 23:30 on 31 March in New York is 04:30 UTC on 1 April: the quarter depends on the time zone, not `date`
    incident = _incident("2025-03-31T23:30:00-04:00", "2025-03-31")
    utc = incidents_frame([incident], Settings(), repeats=set())
    local = incidents_frame([incident], Settings(time_zone="America/New_York"), repeats=set())
    assert (utc.loc[0, "month"], utc.loc[0, "quarter"]) == ("2025-04", "2025-Q2")
    assert (local.loc[0, "month"], local.loc[0, "quarter"]) == ("2025-03", "2025-Q1")
    # the incidents-per-month chart counts it in the same month
    assert [str(p) for p in frequency(utc, "M", None).index] == ["2025-04"]
    assert [str(p) for p in frequency(local, "M", None).index] == ["2025-03"]


def test_an_unknown_time_zone_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins:\n  - postmortems:\n      time_zone: Mars/Olympus\n")
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        load_settings(config)
    config.write_text(
        "site_name: x\nplugins:\n  - postmortems:\n      time_zone: Europe/Berlin\n"
        "      terms: {payments: [billing service]}\n"
    )
    settings = load_settings(config).settings
    assert settings.time_zone == "Europe/Berlin" and settings.terms == {"payments": ("billing service",)}


def test_pmkb_stats_leaves_drafts_out_under_drafts_hide(tmp_path: Path) -> None:
    shutil.copytree(REFERENCE_KB, tmp_path / "postmortems")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "drafts: show" in config
    drafts = sum("\nstatus: Draft\n" in p.read_text(encoding="utf-8") for p in REFERENCE_KB.glob("2*.md"))
    assert drafts >= 1
    counts = {}
    for mode in ("show", "hide"):
        (tmp_path / "mkdocs.yml").write_text(config.replace("drafts: show", f"drafts: {mode}"), encoding="utf-8")
        result = CliRunner().invoke(main, ["stats", "--format", "json", "-f", str(tmp_path / "mkdocs.yml")])
        assert result.exit_code == 0, result.output
        counts[mode] = json.loads(result.stdout)["headline"]["incidents"]
    assert counts["hide"] == counts["show"] - drafts


def test_stats_report_counts_are_integers() -> None:
    incident = _incident("2025-03-31T23:30:00-04:00", "2025-03-31")
    report = stats_report([incident], incident.date, Settings())
    quarter = report["quarters"][0]
    for name in ("incidents", "major", "repeats", "action_items", "action_items_overdue"):
        assert isinstance(quarter[name], int), name


def test_real_kb_similar_incidents_are_not_repeats(real_site: Path) -> None:
    """Incidents of different companies share no service: similar text links them, never as repeats."""
    page = (real_site / "repeat-causes" / "index.html").read_text(encoding="utf-8")
    groups, similar = page.split('id="similar-incidents"')
    assert "<table" not in groups  # no repeat group
    assert similar.count("<tr>") - 1 >= 3
    trends = _text((real_site / "trends" / "index.html").read_text(encoding="utf-8"))
    assert all(cells[9] == "0" for cells in _quarter_rows(real_site))  # the quarter table counts no repeat
    assert "Repeats" in trends
    result = CliRunner().invoke(main, ["check", "-f", str(REAL_KB / "mkdocs.yml")])
    similar_lines = [line for line in result.output.splitlines() if "[similar-incident]" in line]
    assert similar_lines and all("on other services" in line and "not a repeat" in line for line in similar_lines)


def _quarter_rows(site: Path) -> list[list[str]]:
    page = (site / "trends" / "index.html").read_text(encoding="utf-8")
    table = page.split('class="pmkb-table pmkb-quarters"')[1].split("</table>")[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in table.split("<tr>")[2:]]
