"""Failure classes: the same failure in different words meets; shared generic words do not."""

from __future__ import annotations

import importlib
import re

import pytest
from postmortem_kb.failure_classes import _REACH, CLASSES, CUES, _cues, _first_letters, _group, classify
from postmortem_kb.relations import similar_texts, with_classes

SAME = [
    (
        "The TLS cert on the API gateway lapsed on Sunday and clients could not connect.",
        "HTTPS requests failed because the certificate was not renewed before its expiry date.",
        "expired certificate",
    ),
    (
        "A regular expression in the router pegged every core at 100% CPU.",
        "The new regex rule caused catastrophic backtracking on long headers.",
        "regex backtracking",
    ),
    (
        "An engineer ran the cleanup command against the production cluster instead of staging and it deleted "
        "the tables.",
        "The playbook's terminate step took a wrong host list and shut down more servers than intended.",
        "command on the wrong target",
    ),
    (
        "The log volume filled up and the database stopped accepting writes.",
        "No space left on device: the disk was full after a week of debug logging.",
        "disk full",
    ),
    (
        "Once the cache was flushed every request missed and the origin was overloaded.",
        "After the memcached restart the hit rate fell to zero and the database timed out under the load.",
        "cache stampede",
    ),
    (
        "Clients retried without backoff and the retry storm kept the API down.",
        "A thundering herd of reconnecting devices overwhelmed the broker.",
        "retry storm",
    ),
]

# Round 3: classes added for common SRE failure modes, each read in two wordings
SAME += [
    (
        "Every request thread blocked waiting for a free connection from the Hikari pool.",
        "The proxy hit max_connections on the database and refused new sessions.",
        "connection or resource pool exhaustion",
    ),
    (
        "The cluster did not have enough capacity for the evening peak.",
        "The autoscaler could not scale past its maximum instance count.",
        "insufficient capacity",
    ),
    (
        "The liveness probe was too aggressive and Kubernetes restarted pods that were only busy.",
        "A health check that called the database marked all web servers unhealthy at once.",
        "health checks failing healthy hosts",
    ),
    (
        "The schema migration took an exclusive lock on the orders table for twenty minutes.",
        "Running ALTER TABLE on accounts held a metadata lock and every write queued behind it.",
        "migration holding locks",
    ),
    (
        "A network partition between the two data centres left both halves serving writes.",
        "The rack lost connectivity to the core switches and its services dropped out.",
        "network partition",
    ),
    (
        "Code that parsed dates assumed a 365-day year and failed on the leap day.",
        "Timestamps jumped an hour at the daylight saving change and the batch ran twice.",
        "clock or time handling",
    ),
    (
        "The worker's heap grew without bound until the JVM threw OutOfMemoryError.",
        "Memory usage spiked to the container limit and the kernel killed the process.",
        "memory exhaustion",
    ),
    (
        "The feature flag was switched on with an empty targeting rule.",
        "A malformed ruleset was pushed to all points of presence.",
        "bad configuration change",
    ),
]

DIFFERENT = [
    # both say "database" and "primary"; one is an automated failover, the other a slow query
    (
        "The database primary failed over to a replica in the other region during the network partition.",
        "A slow query without an index loaded the primary database for an hour.",
    ),
    # both say "DNS"; one is a DNS record deleted, the other a certificate that expired on the DNS provider's API
    (
        "The DNS record for the API was deleted during the migration to a new load balancer.",
        "The certificate of our DNS provider's API expired, so deploys could not update anything.",
    ),
    # both say "migration" and "table"; one holds a lock, the other writes wrong values
    (
        "The migration held an exclusive lock on the users table while it rewrote every row.",
        "The migration that backfilled the users table wrote the wrong country code into every row.",
    ),
    # both say "capacity"; one ran out of it, the other's disk filled up
    (
        "Capacity planning had not counted the new region, so the fleet had too little headroom.",
        "The data volume reached 100% and writes failed with ENOSPC, although the fleet had spare capacity.",
    ),
    # both say "health check"; one check was wrong, the other correctly removed a failed host
    (
        "A health check that was too strict marked every backend down during a garbage-collection pause.",
        "The health check removed a host whose NIC had failed, as designed.",
    ),
    # both say "network" and "configuration"
    (
        "The network configuration was reviewed and approved the week before.",
        "A network card on the storage host failed and the array went read-only.",
    ),
]


@pytest.mark.parametrize(("one", "two", "label"), SAME)
def test_the_same_failure_in_different_words_shares_its_class(one: str, two: str, label: str) -> None:
    assert label in classify(one) & classify(two)
    linked = {frozenset((x, y)): shared for x, y, _s, shared in similar_texts({"a": one, "b": two}, 0.18)}
    assert linked[frozenset(("a", "b"))][0] == label


@pytest.mark.parametrize(("one", "two"), DIFFERENT)
def test_shared_generic_words_make_no_class(one: str, two: str) -> None:
    assert not classify(one) & classify(two)


def test_a_category_names_what_failed_but_not_that_it_failed() -> None:
    # "certificate-expiry" supplies both cues of its class; "dependency-failure" must not make "the vendor
    # raised the quota" an outage
    assert "expired certificate" in classify("The job that rotates it had been disabled.", ["certificate-expiry"])
    assert classify("The vendor raised the quota within minutes.", ["dependency-failure"]) == frozenset()


def test_a_class_that_very_many_incidents_share_links_nothing() -> None:
    texts = {f"k{n}": f"The TLS certificate of host {n} expired." for n in range(12)}
    texts.update({f"x{n}": f"Unrelated words {n} about nothing." for n in range(200)})
    assert not any("expired certificate" in shared for _x, _y, _s, shared in similar_texts(texts, 0.18)), (
        "a class in more than 5% of documents is not distinctive"
    )


def test_every_class_uses_known_cues_and_every_cue_starts_with_a_letter() -> None:
    assert {cue for options in CLASSES.values() for needed in options for cue in needed} <= set(CUES)
    for pattern in CUES.values():
        assert _first_letters(pattern)


def test_no_cue_reads_further_than_the_cached_window() -> None:
    """Cues are cached by the text from a word start up to _REACH characters: every cue must fit."""
    parser = importlib.import_module("re._parser")  # the regex parser: the longest string a pattern can match
    for name, pattern in CUES.items():
        assert parser.parse(pattern).getwidth()[1] < _REACH, name


def test_cues_found_word_by_word_are_those_of_the_plain_definition() -> None:
    """A cue is present when its pattern matches at a word start; the cached word-by-word reading
    must find exactly that, including alternatives that read past a word and a "\\b" before "_"."""
    texts = [
        "the tls/ssl cert lapsed; x.509 expired; i/o error on disk; n+1 queries; 2^31 overflow",
        "100% cpu, 100 % cpu, provider's outage after a loss of connectivity to all the machines at once",
        "requests timed out, time out, shut down, shutdown, rate-limit hit, third party, split brain",
        "minimum_master_nodes and load_incidents are identifiers; the master failed over",
        *(text for one, two, _label in SAME for text in (one, two)),
        *(text for pair in DIFFERENT for text in pair),
    ]
    for text in texts:
        plain = {_group(n) for n, p in CUES.items() if re.search(rf"(?<![a-z0-9])(?:{p})", text)}
        assert _cues(text) == plain, text


def test_a_sentence_is_read_with_the_one_before_it_only() -> None:
    # "the process" in the second sentence is the automated maintenance of the first
    two = "The change was made by an automated maintenance process. The process then ran in all regions at once."
    assert "automation acting everywhere at once" in classify(two)
    apart = "An automated maintenance process ran. Nothing else happened. Later, all regions were checked at once."
    assert "automation acting everywhere at once" not in classify(apart)


def test_a_cue_of_common_words_is_not_read_across_sentences() -> None:
    # "failing" may pair with "DNS" in its own sentence, not with a DNS-01 challenge one sentence earlier
    assert "DNS failure" in classify("DNS lookups failed for every pod.")
    apart = "Renewal used a DNS-01 challenge with an API key. Renewal attempts started failing in May."
    assert "DNS failure" not in classify(apart)


def test_shared_words_do_not_link_incidents_that_name_different_classes() -> None:
    opening = "Internal gRPC calls from the API tier to the ledger service failed for forty minutes on Tuesday"
    texts = {
        "cert": f"{opening} because the mTLS certificate expired and was not renewed.",
        "disk": f"{opening} because the ledger's data volume was full and writes failed with ENOSPC.",
        "none": f"{opening} because a firewall rule dropped traffic on port 8443.",
        "other": "A dashboard showed stale numbers after a cron job stopped.",
    }
    assert classify(texts["cert"]) == {"expired certificate"} and classify(texts["disk"]) == {"disk full"}
    cosines = {frozenset((x, y)): s for x, y, s, _t in similar_texts(texts, 0.0)}
    assert cosines[frozenset(("cert", "disk"))] < 0.18 and cosines[frozenset(("cert", "none"))] < 0.18
    assert cosines.get(frozenset(("disk", "none")), 0.0) < 0.18


def test_with_classes_adds_for_a_shared_class_and_takes_off_for_different_ones() -> None:
    a, b = frozenset({"disk full"}), frozenset({"expired certificate"})
    assert with_classes(0.3, a, a) == (0.8, ["disk full"])
    assert with_classes(0.3, a, b) == (0.0, [])
    one_side, shared = with_classes(0.3, a, frozenset())
    assert one_side == pytest.approx(0.05) and shared == []
    assert with_classes(0.3, frozenset(), frozenset()) == (0.3, [])
