"""What readers get besides the pages' layout: the feed, the vendored plotly.js, whole pages, labels."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs_version
from postmortem_analytics import charts
from postmortem_analytics.frames import action_items_frame, incidents_frame, load_incidents
from postmortem_kb.feed import FEED_ENTRIES, atom_feed
from postmortem_kb.plugin import PLOTLY_DIR, PLOTLY_FILES, PLOTLY_URI
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB, ROOT
from .sites import base, build, make_site

ATOM = "{http://www.w3.org/2005/Atom}"
VENDORED = ROOT / "plugins" / "postmortem_kb" / PLOTLY_DIR


def test_feed_lists_the_postmortems_newest_first_and_the_home_page_links_it(reference: Path) -> None:
    site = reference / "site"
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    stems = sorted((p.stem for p in REFERENCE_KB.glob("2*.md")), reverse=True)
    assert len(entries) == len(stems) == 15
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    base_url = "https://kb.brightcart.example/"
    assert links == [f"{base_url}{stem}/" for stem in stems]  # newest first, absolute
    for link in links:
        assert (site / link.removeprefix(base_url) / "index.html").is_file()
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True) and feed.findtext(f"{ATOM}updated") == updated[0]
    newest = re.search(r"^title: (.*)$", (REFERENCE_KB / f"{stems[0]}.md").read_text(), re.M)
    assert newest is not None and entries[0].findtext(f"{ATOM}title") == newest[1]
    home = (site / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml" title="Postmortems" href="feed.xml">' in home
    assert '<a href="feed.xml" type="application/atom+xml">' in home


def test_feed_escapes_what_postmortems_hold_and_keeps_the_newest(tmp_path: Path) -> None:
    settings = Settings()
    docs = tmp_path / "docs"
    docs.mkdir()
    title = 'Checkout <script>alert(1)</script> & "quotes"\x07 broke'
    for day in range(1, FEED_ENTRIES + 6):
        date = dt.date(2025, 1, 1) + dt.timedelta(days=day)
        text = base(("title: Checkout returned 502s after a config push", f"title: {json.dumps(title)}"))
        (docs / f"{date.isoformat()}-x.md").write_text(text.replace("date: 2025-01-14", f"date: {date}"))
    incidents = load_incidents(str(docs), settings)
    xml = atom_feed(incidents, lambda uri: uri.removesuffix(".md") + "/", title="KB <&>", site_url=None)
    feed = ET.fromstring(xml)  # well-formed although a title held markup and a control character
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_ENTRIES
    assert entries[0].findtext(f"{ATOM}title") == title.replace("\x07", "")
    assert entries[0].find(f"{ATOM}link").get("href") == "2025-02-25-x/"  # type: ignore[union-attr]
    assert feed.findtext(f"{ATOM}title") == "KB <&>: postmortems"


def test_vendored_plotly_js_matches_the_plotly_package_and_has_every_trace_type() -> None:
    bundle = (VENDORED / "plotly-basic.min.js").read_text()[:400]
    version = re.search(r"plotly\.js \(basic - minified\) v(\d+)\.(\d+)\.(\d+)", bundle)
    assert version is not None
    assert version[1] == get_plotlyjs_version().split(".")[0]  # the figure JSON's plotly.js major
    assert "MIT License" in (VENDORED / "LICENSE").read_text()
    readme = (VENDORED / "README.md").read_text()
    modules = set(re.findall(r"`(\w+)`", readme.split("Contains trace modules", 1)[1].split("\n", 1)[0]))
    frame = incidents_frame(load_incidents(str(REFERENCE_KB), Settings()), Settings())
    items = action_items_frame(load_incidents(str(REFERENCE_KB), Settings()), dt.date(2025, 11, 26))
    levels = Settings().severity_names
    figures: list[go.Figure] = [go.Figure(f) for f in (
        charts.mttr_breakdown(frame), charts.duration_by_severity(frame, levels),
        charts.incidents_per_month(frame, levels), charts.severity_donut(frame, levels),
        charts.action_item_trend(items), charts.customer_impact_trend(frame), charts.top_services(frame),
        charts.repeats_over_time(frame, 90),
    )]  # fmt: skip
    used = {trace.type for figure in figures for trace in figure.data}
    assert used and used <= modules, used - modules
    assert PLOTLY_URI in PLOTLY_FILES


def test_the_site_serves_the_partial_bundle(reference: Path) -> None:
    served = reference / "site" / "assets" / "postmortem-kb"
    assert (served / "plotly.min.js").read_bytes() == (VENDORED / "plotly-basic.min.js").read_bytes()
    assert (served / "plotly.LICENSE.txt").is_file()
    # loaded by kb.js only where a chart is: no page names it in a <script> tag
    assert "plotly.min.js" not in (reference / "site" / "trends" / "index.html").read_text()


def test_postmortem_pages_are_whole_html_not_escaped(reference: Path) -> None:
    for page in (reference / "site").glob("2*/index.html"):
        text = page.read_text()
        assert text.lstrip().startswith("<!doctype html>"), page
        assert "&lt;html" not in text


def test_no_chart_has_a_second_axis_over_the_first() -> None:
    frame = incidents_frame(load_incidents(str(REFERENCE_KB), Settings()), Settings())
    items = action_items_frame(load_incidents(str(REFERENCE_KB), Settings()), dt.date(2025, 11, 26))
    for figure in (charts.action_item_trend(items), charts.customer_impact_trend(frame), charts.top_services(frame),
                   charts.repeats_over_time(frame, 90)):  # fmt: skip
        layout = figure["layout"]
        axes = [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]
        assert all(layout[a].get("overlaying") is None for a in axes)
        assert all(layout[a].get("automargin") is True for a in axes)


def test_quarter_table_label_follows_major_severities(tmp_path: Path, reference: Path) -> None:
    assert "<th>SEV1/SEV2</th>" in (reference / "site" / "trends" / "index.html").read_text()
    make_site(tmp_path, {"2025-01-14-a.md": base()}, "      major_severities: [SEV1]")
    built = build(tmp_path)
    assert built.returncode == 0, built.log
    assert "<th>SEV1</th>" in built.html("trends/index.html")


def test_card_shows_authors_and_detection(reference: Path) -> None:
    page = (
        reference / "site" / "2025-02-03-card-payments-down-after-mtls-certificate-expiry" / "index.html"
    ).read_text()
    card = page[page.index('class="pmkb-card"') : page.index("</dl></div>", page.index('class="pmkb-card"'))]
    text = (REFERENCE_KB / "2025-02-03-card-payments-down-after-mtls-certificate-expiry.md").read_text()
    authors = re.search(r"^authors: \[(.*)\]$", text, re.M)
    detection = re.search(r"^detection: (.*)$", text, re.M)
    assert authors is not None and detection is not None
    names = ", ".join(a.strip().strip('"') for a in authors[1].split(","))
    assert f"<dt>Authors</dt><dd>{names}</dd>" in card
    assert f"<dt>Detection</dt><dd>{detection[1]}</dd>" in card
