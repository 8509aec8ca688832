"""Repeat incidents, similar incidents and "recurred after a fix", on fixture corpora with known answers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from postmortem_kb.cli import main
from postmortem_kb.corpus import load_entry
from postmortem_kb.records import Incident
from postmortem_kb.relations import (
    cause_relations,
    find_relations,
    is_repeat,
    recurred_after_fix,
    repeat_groups,
    text_relations,
)
from postmortem_kb.settings import Settings

from .conftest import REFERENCE_KB
from .sites import base

CERT_A = """The client certificate we present to the card processor expired. It had been issued by hand
with a two-year lifetime and its renewal depended on a calendar reminder. Expiry monitoring only
covered server certificates, so nothing warned before the processor rejected the TLS handshake."""
CERT_B = """A pinned intermediate certificate inside the webhook verifier image reached its expiry date.
The processor had rotated to a new intermediate, and our verifier rejected every TLS handshake from
it. The certificate inventory did not see certificates bundled in container images."""
QUOTA = """Address validation called the geocoding API on every basket update and exhausted the daily
quota shared with route planning. No alert watched quota usage."""
SEARCH = """A catalogue reindex saturated the disks of the search cluster during peak traffic because the
job had no write budget and segment merges competed with queries."""


def incident(name: str, day: str, service: str, cause: str, rca: str, items: str = "", related: str = "") -> Incident:
    start = f"{day}T10:00:00Z"
    text = base(
        ("date: 2025-01-14", f"date: {day}"),
        ("services: [checkout-api]", f"services: [{service}]"),
        ("root_cause_category: config-change", f"root_cause_category: {cause}"),
        ("  started: 2025-01-14T15:02:00Z", f"  started: {start}"),
        ("  detected: 2025-01-14T15:06:00Z", f"  detected: {day}T10:05:00Z"),
        ("  acknowledged: 2025-01-14T15:09:00Z", f"  acknowledged: {day}T10:09:00Z"),
        ("  diagnosed: 2025-01-14T15:31:00Z", f"  diagnosed: {day}T10:31:00Z"),
        ("  mitigated: 2025-01-14T15:38:00Z", f"  mitigated: {day}T10:38:00Z"),
        ("  resolved: 2025-01-14T15:54:00Z", f"  resolved: {day}T10:54:00Z"),
        ("tags: [checkout]", f"tags: [checkout]{related}"),
        ("The client could not parse the new payload shape.", rca),
        ("- No schema for flag payloads.", ""),
        ("1. Why? The payload shape changed without validation.", ""),
    )
    if items:
        text = re.sub(r"action_items:\n(?:  .*\n|    .*\n)*", f"action_items:\n{items}", text)
    entry = load_entry(f"{name}.md", f"{name}.md", text.encode(), Settings())
    assert entry.incident is not None, entry.findings
    return entry.incident


def items(*rows: tuple[str, str]) -> str:
    return "".join(
        f"  - {{id: {n}, action: Add a check, owner: '@t', priority: P2, due: {due}, status: {status}}}\n"
        for n, (status, due) in enumerate(rows, 1)
    )


def pairs(relations: list) -> set[tuple[str, str, str]]:  # type: ignore[type-arg]
    return {(r.a, r.b, r.kind) for r in relations}


def test_same_cause_and_service_within_the_window() -> None:
    a = incident("a", "2025-01-10", "payments", "certificate-expiry", CERT_A)
    b = incident("b", "2025-03-01", "payments", "certificate-expiry", QUOTA)  # 50 days later
    c = incident("c", "2025-09-01", "payments", "certificate-expiry", SEARCH)  # 184 days after b
    d = incident("d", "2025-01-20", "search", "certificate-expiry", SEARCH)  # same cause, other service
    assert pairs(cause_relations([a, b, c, d], 90)) == {("a", "b", "cause")}
    assert ("b", "c", "cause") in pairs(cause_relations([a, b, c, d], 200))


def test_same_cause_in_different_words_is_found_by_text() -> None:
    a = incident("a", "2025-01-10", "payments", "certificate-expiry", CERT_A)
    b = incident("b", "2025-08-01", "webhooks", "dependency-failure", CERT_B)  # other service, category, wording
    q = incident("q", "2025-05-01", "payments", "capacity", QUOTA)  # shares only a service with a
    s = incident("s", "2025-06-01", "search", "capacity", SEARCH)
    found = text_relations([a, b, q, s], Settings().similarity_threshold)
    # similar text on unrelated services: a learning link, not a repeat
    assert pairs(found) == {("a", "b", "similar")}
    assert "certificate" in found[0].reason and not is_repeat(found[0])
    assert not cause_relations([a, b, q, s], 90)  # nothing shares both cause and service
    assert repeat_groups([a, b, q, s], found) == []
    # the same wording on a shared service is a repeat
    b_on_payments = incident("b", "2025-08-01", "payments", "dependency-failure", CERT_B)
    again = text_relations([a, b_on_payments, q, s], Settings().similarity_threshold)
    assert pairs(again) == {("a", "b", "text")} and is_repeat(again[0])
    assert [[i.stem for i in g.incidents] for g in repeat_groups([a, b_on_payments, q, s], again)] == [["a", "b"]]


def test_recurred_after_a_fix() -> None:
    later = incident("l", "2025-06-01", "payments", "certificate-expiry", CERT_B)
    done = incident(
        "e",
        "2025-02-01",
        "payments",
        "certificate-expiry",
        CERT_A,
        items(("Done", "2025-02-20"), ("Done", "2025-03-01")),
    )
    assert recurred_after_fix(done, later)
    open_item = incident(
        "e",
        "2025-02-01",
        "payments",
        "certificate-expiry",
        CERT_A,
        items(("Done", "2025-02-20"), ("Open", "2025-03-01")),
    )
    assert not recurred_after_fix(open_item, later)
    due_after = incident("e", "2025-02-01", "payments", "certificate-expiry", CERT_A, items(("Done", "2025-07-01")))
    assert not recurred_after_fix(due_after, later)
    wont_do = incident("e", "2025-02-01", "payments", "certificate-expiry", CERT_A, items(("Won't Do", "2025-02-20")))
    assert not recurred_after_fix(wont_do, later)
    groups = repeat_groups([done, later], find_relations([done, later], 180, 0.18))
    assert len(groups) == 1 and groups[0].after_fix == {"l"} and groups[0].gaps_days() == [120]


def test_manual_links_relate_but_do_not_make_a_repeat() -> None:
    a = incident("a", "2025-01-10", "payments", "capacity", QUOTA)
    b = incident("b", "2025-02-10", "search", "code-defect", SEARCH, related="\nrelated: [a]")
    relations = find_relations([a, b], 90, 0.18)
    assert pairs(relations) == {("a", "b", "manual")}
    assert repeat_groups([a, b], relations) == []


def test_pmkb_check_names_the_similar_earlier_incident(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: pm\n")
    docs = tmp_path / "pm"
    docs.mkdir()
    for path in REFERENCE_KB.glob("2*.md"):
        (docs / path.name).write_text(path.read_text())
    new = (REFERENCE_KB / "2025-04-22-webhook-failures-after-intermediate-certificate-expiry.md").read_text()
    new = new.replace("date: 2025-04-22", "date: 2026-11-20").replace("2025-04-22T", "2026-11-20T")
    new = new.replace("related: [2025-02-03-card-payments-down-after-mtls-certificate-expiry]\n", "")
    (docs / "2026-11-20-webhook-certificate-expired-again.md").write_text(new)
    result = CliRunner().invoke(main, ["check", "pm/2026-11-20-webhook-certificate-expired-again.md"])
    assert result.exit_code == 0  # a warning: the author decides
    lines = result.stdout.splitlines()
    assert any(
        "[similar-incident]" in line and "2025-04-22-webhook-failures-after-intermediate-certificate-expiry" in line
        for line in lines
    ), result.stdout
    assert all(line.startswith("pm/2026-11-20-webhook-certificate-expired-again.md:2:1: warning") for line in lines)
    earlier = (
        "2025-04-22-webhook-failures-after-intermediate-certificate-expiry, "
        "2025-02-03-card-payments-down-after-mtls-certificate-expiry"
    )
    listed = new.replace("detection: alert\n", f"detection: alert\nrelated: [{earlier}]\n")
    (docs / "2026-11-20-webhook-certificate-expired-again.md").write_text(listed)
    again = CliRunner().invoke(main, ["check", "--strict", "pm/2026-11-20-webhook-certificate-expired-again.md"])
    assert again.exit_code == 0 and again.stdout == "", again.stdout


def test_reference_site_repeats_related_and_recurred_flags(reference: Path) -> None:
    site = reference / "site"
    banners = sorted(p.parent.name for p in site.glob("2*/index.html") if "pmkb-recurred-banner" in p.read_text())
    assert banners == [
        "2025-02-03-card-payments-down-after-mtls-certificate-expiry",  # its fixes did not prevent the April one
        "2025-02-21-slow-search-during-reindex",
        "2025-04-22-webhook-failures-after-intermediate-certificate-expiry",
        "2026-03-02-search-timeouts-during-catalogue-import",
    ]
    repeat_page = (site / "repeat-causes" / "index.html").read_text()
    groups, similar = repeat_page.split('id="similar-incidents"')
    assert groups.count("<table") == 3  # checkout config changes, payments certificates, search capacity
    # learning links, not repeats, between incidents on different services: two stale-replica incidents
    # ("replication" = "replica", failure class replication lag) and two provider outages (SMS, DNS resolvers)
    assert similar.count("<tr>") - 1 == 2
    assert "2025-05-28-duplicate-orders-after-database-failover/" in similar
    assert "2025-06-30-otp-logins-failed-during-sms-provider-outage/" in similar and "third-party outage" in similar
    assert "78 days" in repeat_page and "54 days" in repeat_page and "374 days" in repeat_page
    jan = (site / "2025-01-14-checkout-502s-after-feature-flag-push" / "index.html").read_text()
    mar = (site / "2025-03-09-checkout-throttled-by-rate-limit-typo" / "index.html").read_text()
    assert "2025-03-09-checkout-throttled-by-rate-limit-typo/" in jan.split('class="pmkb-related"')[1]  # two-way
    assert "2025-01-14-checkout-502s-after-feature-flag-push/" in mar.split('class="pmkb-related"')[1]


def test_action_items_page_at_a_fixed_date(reference: Path) -> None:
    # The fixture builds with SOURCE_DATE_EPOCH = 2025-11-26; expected values come from the YAML directly.
    today = dt.date(2025, 11, 26)
    items_all = []
    for path in REFERENCE_KB.glob("2*.md"):
        meta = yaml.safe_load(path.read_text().split("---")[1])
        items_all += [(meta["date"], a) for a in meta.get("action_items") or []]
    overdue = [a for _d, a in items_all if a["status"] in ("Open", "In Progress") and a["due"] < today]
    page = (reference / "site" / "action-items" / "index.html").read_text()
    assert f"<strong>{len(items_all)}</strong> action items" in page
    assert f'<strong class="pmkb-overdue">{len(overdue)}</strong> overdue' in page
    first_overdue = page.split('id="overdue"')[1].split("</table>")[0]
    assert first_overdue.count("<tr>") - 1 == len(overdue)  # one header row
    assert "As of <strong>2025-11-26</strong>" in page


def test_term_table_meets_variants_and_takes_rows_from_settings() -> None:
    from postmortem_kb.terms import normalise

    assert normalise("Catastrophic backtracking in a Regular Expression") == "backtracking in a regex"
    assert normalise("The DB ran out-of-memory; certs expired") == "the database ran oom; certificate expire"
    assert normalise("dbx and db1.cluster stay as written") == "dbx and db1.cluster stay as written"
    assert normalise("the billing service", {"payments": ["billing service"]}) == "the payments"
    assert normalise("the billing service", {"payments": ("billing service",)}) == "the payments"


def _eager_similar_texts(texts: dict[str, str], threshold: float) -> list[tuple[str, str, float, list[str]]]:
    """`similar_texts` as first written: every vector and the whole surface made up front, every
    document's shared terms weighed. The reference for the version that makes them on demand."""
    import math
    from collections import Counter, defaultdict
    from itertools import combinations

    from postmortem_kb.relations import TOP_TERMS, _cosine, _distinctive_classes, term_counts, tf_idf, with_classes

    surface: dict[str, str] = {}
    docs: dict[str, dict[str, int]] = {}
    for key, text in texts.items():
        if text:
            docs[key], own = term_counts(text)
            for stem, word in own.items():
                surface.setdefault(stem, word)
    df: Counter[str] = Counter(term for counts in docs.values() for term in counts)
    n = len(docs)
    idf = {term: math.log((1 + n) / (1 + f)) + 1 for term, f in df.items()}
    vectors = {key: tf_idf(counts, idf) for key, counts in docs.items()}
    common = max(10, int(0.05 * n))
    postings: dict[str, list[str]] = defaultdict(list)
    for key, vector in vectors.items():
        shared = [t for t in vector if 1 < df[t] <= common]
        for term in sorted(shared, key=vector.__getitem__, reverse=True)[:TOP_TERMS]:
            postings[term].append(key)
    candidates: set[tuple[str, str]] = set()
    for keys in postings.values():
        candidates.update(combinations(sorted(keys), 2))
    classes = _distinctive_classes(texts, docs, {}, None, common)
    class_postings: dict[str, list[str]] = defaultdict(list)
    for key, labels in classes.items():
        for label in labels:
            class_postings[label].append(key)
    for keys in class_postings.values():
        candidates.update(combinations(sorted(keys), 2))
    out = []
    for x, y in sorted(candidates):
        cosine, shared_terms = _cosine(vectors[x], vectors[y])
        score, both = with_classes(cosine, classes.get(x, frozenset()), classes.get(y, frozenset()))
        if score >= threshold:
            out.append((x, y, score, [*both, *(surface.get(t, t) for t in shared_terms)]))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_similar_texts_made_on_demand_equal_the_eager_definition(seed: int) -> None:
    """Vectors and readable words are made only for the pairs scored; the pairs, scores and shared
    words are those of the eager definition, on corpora with more than TOP_TERMS rare shared terms
    in a text, texts with no rare term at all, failure classes and empty texts."""
    import random

    from postmortem_kb.relations import similar_texts

    rng = random.Random(seed)
    # 40 topics of 16 made-up words each: a topic's words are in a few texts only (rare enough to
    # index), and texts of one topic share many of them.
    topics = [[f"w{topic}x{word}" for word in range(16)] for topic in range(40)]
    common = ["service", "request", "error", "database", "latency", "deploy"]
    texts = {}
    for index in range(240):
        words = rng.choices(common, k=20) + rng.sample(rng.choice(topics), rng.choice([0, 2, 5, 14, 15]))
        rng.shuffle(words)
        texts[f"pm-{index:03}"] = " ".join(words) + "."
    texts["pm-cert-a"], texts["pm-cert-b"], texts["pm-empty"] = CERT_A, CERT_B, ""
    expected = _eager_similar_texts(texts, 0.3)
    assert list(similar_texts(texts, 0.3)) == expected
    assert len(expected) > 20 and any("expired certificate" in shared for *_pair, shared in expected)
