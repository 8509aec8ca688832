"""Integration: real mkdocs-material builds with the plugin, asserting on exit codes and HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from postmortem_analytics.exports import incident_records
from postmortem_kb.cli import main

from .conftest import REFERENCE_KB, ROOT
from .sites import MKDOCS_YML, base, build, make_site, table_data, tables, unrelated

XSS = "<script>alert(1)</script>"


def test_reference_kb_builds_strict_with_every_generated_page(reference: Path) -> None:
    site = reference / "site"
    stems = sorted(p.stem for p in REFERENCE_KB.glob("2*.md"))
    incidents = table_data(site / "incidents" / "index.html")
    assert len(incidents["rows"]) == len(stems) == 15
    for stem in stems:
        assert site / stem in {href for _title, href in incidents["incidents"]}
        assert 'class="pmkb-card"' in (site / stem / "index.html").read_text()
    services = {s for p in REFERENCE_KB.glob("2*.md") for s in re.findall(r"^services: \[(.*)\]", p.read_text(), re.M)}
    slugs = {s.strip() for line in services for s in line.split(",")}
    for slug in slugs:
        assert (site / "services" / slug / "index.html").is_file(), slug
    for page in ("severities", "template", "blameless", "response"):
        assert (site / "handbook" / page / "index.html").is_file()
    assert not (ROOT / "postmortems" / "incidents").exists(), "the build must never write into docs_dir"


def test_summary_card_values(reference: Path) -> None:
    page = (
        reference / "site" / "2025-02-03-card-payments-down-after-mtls-certificate-expiry" / "index.html"
    ).read_text()
    card = page[page.index('class="pmkb-card"') : page.index("</dl></div>", page.index('class="pmkb-card"'))]
    assert 'pmkb-sev--1">SEV1<' in card
    assert "Duration <strong>1 h 47 min</strong>" in card  # 09:00 -> 10:47
    # the legend is the bar's one text; the bar, hidden from assistive technology, ends each phase
    # where its share of the 107 minutes does: 3, 3+2, 3+2+36, then all of it
    legend = (
        '<span class="ttd">TTD 3 min</span> <span class="tta">TTA 2 min</span> '
        '<span class="ttdiag">TTDiag 36 min</span> <span class="ttf">TTF 1 h 6 min</span>'
    )
    assert legend in card
    assert 'aria-hidden="true" style="--a:2.8%;--b:4.7%;--c:38.3%;--d:100%;"' in card
    assert '<a href="../services/payments-gateway/">payments-gateway</a>' in card
    assert "Incident commander: Tomas Novak" in card
    assert "3/3 closed" in card and "overdue" not in card
    assert "61,000 users" in card and "1,480 tickets" in card


def test_overdue_items_follow_source_date_epoch(reference: Path) -> None:
    # SOURCE_DATE_EPOCH is 2025-11-26 in these builds: the DNS outage's items are not yet due,
    # while the SMS outage's email-fallback item (due 2025-10-31, Open) is overdue.
    sms = (reference / "site" / "2025-06-30-otp-logins-failed-during-sms-provider-outage" / "index.html").read_text()
    assert '1/2 closed · <span class="pmkb-overdue">1 overdue</span>' in sms
    dns = (reference / "site" / "2026-06-15-checkout-outage-during-regional-dns-failure" / "index.html").read_text()
    assert "2/5 closed" in dns and "overdue" not in dns.split('class="pmkb-card"')[1].split("</dl>")[0]


def test_service_page_lists_its_incidents_and_open_items(reference: Path) -> None:
    incidents, items = tables(reference / "site" / "services" / "payments-gateway" / "index.html")
    assert len(incidents["rows"]) == 3
    actions = " | ".join(r[items["fields"].index("action")] for r in items["rows"])
    assert "Shift checkout traffic to a healthy region" in actions  # open item of the DNS outage
    assert "Issue processor client certificates" not in actions  # done item of the February outage
    every = table_data(reference / "site" / "action-items" / "index.html")
    assert "Issue processor client certificates" in " | ".join(
        r[every["fields"].index("action")] for r in every["rows"]
    )


def test_draft_banner(reference: Path) -> None:
    draft = (reference / "site" / "2026-10-08-duplicate-order-status-notifications" / "index.html").read_text()
    assert "pmkb-draft" in draft
    published = (reference / "site" / "2025-01-14-checkout-502s-after-feature-flag-push" / "index.html").read_text()
    assert "pmkb-draft" not in published


def test_postmortems_stay_out_of_an_automatic_nav(tmp_path: Path) -> None:
    make_site(tmp_path, {"2025-01-14-a.md": base(), "2025-01-15-b.md": unrelated()})
    assert build(tmp_path).returncode == 0
    home = (tmp_path / "site" / "index.html").read_text()
    nav_links = set(re.findall(r'<a href="([^"]*)" class="md-nav__link', home))
    # incidents/ is the one entry the plugin adds; it links everything else
    assert "incidents/" in nav_links
    assert not [link for link in nav_links if link.startswith(("2025-", "services/", "handbook/"))], nav_links
    incidents = (tmp_path / "site" / "incidents" / "index.html").read_text()
    assert 'href="../services/"' in incidents and 'href="../handbook/severities/"' in incidents


def test_broken_postmortem_fails_strict_build_with_located_findings(tmp_path: Path) -> None:
    broken = base(
        ("  detected: 2025-01-14T15:06:00Z", "  detected: 2025-01-14T14:06:00Z"),
        ("detection: alert", "detecton: alert"),
    )
    make_site(tmp_path, {"2025-01-14-ok.md": unrelated(), "2025-01-15-broken.md": broken})
    built = build(tmp_path)
    assert built.returncode == 1
    assert "docs/2025-01-15-broken.md:13:13: error [timeline-order]" in built.log
    assert "docs/2025-01-15-broken.md:10:1: warning [unknown-key]" in built.log  # reported too, before failing
    assert "Traceback" not in built.log


def test_unreadable_yaml_is_reported_not_a_traceback(tmp_path: Path) -> None:
    make_site(tmp_path, {"2025-01-15-bad.md": "---\ntitle: [unclosed\n---\n\n# Bad\n"})
    built = build(tmp_path)
    assert built.returncode == 1
    assert "docs/2025-01-15-bad.md:3:1: error [yaml-syntax]" in built.log
    assert "Traceback" not in built.log


def test_front_matter_html_is_escaped_everywhere(tmp_path: Path) -> None:
    evil = base(
        ("title: Checkout returned 502s after a config push", f'title: "{XSS}"'),
        ("tags: [checkout]", "tags: ['<img src=x onerror=alert(2)>']"),
        ("  incident_commander: Maria Okafor", f'  incident_commander: "{XSS}"'),
    )
    make_site(tmp_path, {"2025-01-14-evil.md": evil})
    strict = build(tmp_path)
    assert strict.returncode == 1 and "[frontmatter-html]" in strict.log
    built = build(tmp_path, strict=False)
    assert built.returncode == 0, built.log
    pages = list((tmp_path / "site").rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text()
        assert XSS not in text, page
        assert "<img src=x" not in text, page
    incident = (tmp_path / "site" / "2025-01-14-evil" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in incident
    # the rows file is JSON, which kb.js shows as text (textContent), never as markup
    assert table_data(tmp_path / "site" / "incidents" / "index.html")["incidents"][0][0] == XSS


def test_drafts_hide_leaves_drafts_out(tmp_path: Path) -> None:
    draft = base(("status: Published", "status: Draft"))
    make_site(tmp_path, {"2025-01-14-draft.md": draft, "2025-01-15-done.md": unrelated()}, "      drafts: hide")
    built = build(tmp_path)
    assert built.returncode == 0, built.log
    assert not (tmp_path / "site" / "2025-01-14-draft").exists()
    listed = {href.name for _title, href in table_data(tmp_path / "site" / "incidents" / "index.html")["incidents"]}
    assert listed == {"2025-01-15-done"}


def test_generated_page_clash_is_a_clear_error(tmp_path: Path) -> None:
    make_site(tmp_path, {"2025-01-14-a.md": base()})
    (tmp_path / "docs" / "incidents.md").write_text("# mine\n")
    built = build(tmp_path)
    assert built.returncode == 1
    assert "'incidents.md' already exists in docs_dir" in built.log
    assert "Traceback" not in built.log


def test_build_leaves_docs_dir_untouched(tmp_path: Path) -> None:
    make_site(tmp_path, {"2025-01-14-a.md": base()})
    before = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in (tmp_path / "docs").rglob("*"))
    assert build(tmp_path).returncode == 0
    after = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in (tmp_path / "docs").rglob("*"))
    assert before == after


def test_exports_and_pmkb_stats_agree(reference: Path) -> None:
    exported = incident_records((reference / "site" / "exports" / "incidents.json").read_text())
    result = CliRunner().invoke(main, ["stats", "--format", "json", "-f", str(reference / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    headline = json.loads(result.stdout)["headline"]
    ttr = sorted(row["ttr_min"] for row in exported)
    assert headline["incidents"] == len(exported) == 15
    assert headline["ttr_median_min"] == ttr[len(ttr) // 2]  # 15 rows: the 8th value
    assert headline["ttr_mean_min"] == pytest.approx(sum(ttr) / len(ttr))
    rows = list(csv.DictReader(io.StringIO((reference / "site" / "exports" / "action-items.csv").read_text())))
    assert headline["action_items"] == len(rows)
    assert headline["action_items_open"] == sum(row["is_open"] == "True" for row in rows)
    schema = json.loads((reference / "site" / "schema" / "postmortem.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_analytics_off_leaves_out_trends_charts_and_exports(tmp_path: Path) -> None:
    make_site(tmp_path, {"2025-01-14-a.md": base()}, "      analytics: false")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n<!-- postmortems:charts -->\n")
    assert build(tmp_path).returncode == 0
    site = tmp_path / "site"
    assert not (site / "trends").exists() and not (site / "exports").exists()
    assert not (site / "assets" / "postmortem-kb" / "plotly.min.js").exists()
    assert "data-pmkb-chart" not in (site / "index.html").read_text()
    assert (site / "incidents" / "index.html").is_file() and (site / "schema" / "postmortem.schema.json").is_file()


def test_blameless_findings_reach_the_build_log(tmp_path: Path) -> None:
    blameful = base(("A flag payload crashed checkout pods for 52 minutes.", "Alice broke production at 15:02."))
    make_site(tmp_path, {"2025-01-14-a.md": blameful})
    built = build(tmp_path)
    # fail_on: error (the default): advice in the log at INFO level, and --strict passes like pmkb check
    assert built.returncode == 0, built.log
    assert "INFO    -  postmortem_kb: docs/2025-01-14-a.md:42:1: warning [blameless-person-failed]" in built.log
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(options="      fail_on: warning"))
    failing = build(tmp_path)
    assert failing.returncode == 1
    assert "WARNING -  postmortem_kb: docs/2025-01-14-a.md:42:1: warning [blameless-person-failed]" in failing.log
    guide = build(tmp_path, strict=False).html("handbook/blameless/index.html")
    assert "blameless-person-failed" in guide and "Instead of" in guide


def test_trends_links_the_exports_and_states_their_format(reference: Path) -> None:
    trends = reference / "site" / "trends" / "index.html"
    page = trends.read_text()
    links = re.findall(r'href="([^"]*exports/[^"]+)"', page)
    assert [href.rsplit("/", 1)[-1] for href in links] == ["incidents.json", "incidents.csv", "action-items.csv"]
    assert all((trends.parent / href).resolve().is_file() for href in links)
    assert 'pandas.read_json(path, orient="split")' in page
