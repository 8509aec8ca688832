"""Term normalisation for similar-incident links: different words for one thing meet.

Postmortems written years apart by different people name the same failure differently:
"regex" and "regular expression", "db" and "database", "cert", "certificate" and "TLS",
"k8s" and "Kubernetes", "OOM" and "out of memory". Before root-cause text is compared, every
variant below is rewritten to its canonical term, so TF-IDF sees one word.

The table is data: each row is a canonical term and the words or phrases that mean it.
Variants are matched case-insensitively on word boundaries; a phrase may use spaces or
hyphens ("out of memory", "out-of-memory"). Plurals are handled by the stemmer afterwards, so
list singular forms. A knowledge base adds its own rows with the plugin option `terms`
(canonical: [variant, ...]) in mkdocs.yml; they extend this table and override a row with the
same canonical term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

# canonical term -> variants (words or phrases). Canonical terms are single tokens.
TERMS: dict[str, tuple[str, ...]] = {
    "regex": ("regular expression", "regexp", "regexes", "regexps", "pcre", "re2"),
    "backtracking": ("catastrophic backtracking", "backtrack", "redos"),
    "database": ("db", "dbs", "rdbms", "datastore", "data store"),
    "certificate": ("cert", "certs", "tls certificate", "ssl certificate", "x509", "x.509", "tls", "ssl"),
    "kubernetes": ("k8s", "kube"),
    "config": ("configuration", "configurations", "configs", "cfg", "conf", "settings file"),
    "oom": (
        "out of memory",
        "out-of-memory",
        "oom-killed",
        "oomkilled",
        "oom killer",
        "memory exhaustion",
        "memory leak",
        "leaked memory",
        "memory pressure",
    ),
    "crashloop": (
        "crash loop",
        "crash-looping",
        "crash looping",
        "crashloopbackoff",
        "crashed repeatedly",
        "crash repeatedly",
        "restart loop",
    ),
    "delete": ("remove", "removed", "removal", "deleted", "deletion", "wiped", "rm -rf", "erased"),
    "healthcheck": (
        "health check",
        "health-check",
        "readiness probe",
        "liveness probe",
        "health endpoint",
        "health probe",
        "healthz",
    ),
    "withdraw": ("withdrew", "withdrawn", "withdrawal", "stopped announcing", "no longer announced"),
    "dns": ("domain name system", "name resolution", "resolver"),
    "bgp": ("border gateway protocol", "route announcement", "prefix announcement"),
    "loadbalancer": ("load balancer", "load-balancer", "lb", "elb", "alb"),
    "ddos": ("denial of service", "denial-of-service", "dos attack"),
    "auth": ("authentication", "authn", "login service"),
    "permission": ("authorization", "authz", "access control", "acl"),
    "disk": ("storage volume", "ebs volume"),
    "diskfull": ("disk full", "out of disk", "no space left", "disk space exhaustion", "disk exhaustion"),
    "replica": ("replication", "read replica", "standby"),
    "failover": ("fail over", "fail-over", "promotion of the replica"),
    "cpu": ("cpu usage", "cpu exhaustion", "cpu saturation"),
    "deploy": ("deployment", "rollout", "roll out", "release"),
    "expire": ("expired", "expiry", "expiration", "lapsed"),
    "cron": ("scheduled job", "crontab", "cronjob"),
    "queue": ("message queue", "mq", "kafka topic"),
    "cache": ("memcached", "redis cache", "cdn cache"),
}


def normalise(text: str, extra: Mapping[str, Sequence[str]] | None = None) -> str:
    """Lower-case text with every listed variant rewritten to its canonical term."""
    return _normalised(text, tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items())))


# The term counts and the failure classes of a text each normalise it, one right after the other.
@lru_cache(maxsize=64)
def _normalised(text: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    pattern, lookup = _compiled(extra)
    if not lookup:
        return text.lower()
    # A variant is mostly written as its key ("db", "out of memory"): the key is made only otherwise.
    return pattern.sub(lambda m: lookup.get(t := m.group("term")) or lookup[_key(t)], text.lower())


def _key(variant: str) -> str:
    return re.sub(r"[\s-]+", " ", variant.lower())


@lru_cache(maxsize=16)
def _compiled(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    table = {**TERMS, **{canonical.lower(): tuple(variants) for canonical, variants in extra}}
    table = {canonical: variants for canonical, variants in table.items() if variants}
    lookup = {_key(v): canonical for canonical, variants in table.items() for v in variants}
    # One branch per next character (a trie), longer variants before the end of a shorter one, so
    # "tls certificate" wins over "tls": the longest variant that matches, as a longest-first list of
    # alternatives would find, without trying each alternative at every position of the text.
    trie: dict[str, dict[str, object]] = {}
    for variant in lookup:
        node = trie
        for char in variant:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        node[""] = {}
    body = _branches(trie)
    # A plural of a variant is the variant: "crash loops", "certs", "regular expressions".
    return re.compile(rf"(?<![\w.-])(?P<term>{body})(?:e?s)?(?![\w-])"), lookup


def _branches(node: dict[str, dict[str, object]]) -> str:
    """The trie below a node as a regular expression; a space matches any run of spaces or hyphens."""
    children = [
        (r"[\s-]+" if char == " " else re.escape(char)) + _branches(child)  # type: ignore[arg-type]
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        children.append("")
    return children[0] if len(children) == 1 else f"(?:{'|'.join(children)})"
