"""Failure classes: two incidents that failed the same way meet even when they share no words.

Term normalisation (`terms.py`) makes "regex" and "regular expression" one word, but two
expired-certificate outages can still be written with almost no word in common ("the cert
lapsed" / "HTTPS failed because the TLS certificate was not renewed"), while two unrelated
outages share "network", "database" or "DNS". A failure class is a specific way of failing,
drawn from common SRE experience: an expired certificate, catastrophic regex backtracking, a
command run against the wrong target, a cache stampede, a bad configuration pushed everywhere
at once. Two incidents that share one are linked as similar (`relations.similar_texts`) with the
class as the reason.

The table is data, in two levels:

- `CUES`: a cue is a named concept and the words that signal it (a regular expression matched
  on word starts, on the root-cause text after term normalisation, so "cert" already reads
  "certificate" and "k8s" "kubernetes").
- `CLASSES`: a class is a label and one or more alternatives; an alternative is a set of cues
  that must all appear in **one sentence**. Generic cues ("database", "network") are only ever
  used together with a specific one, so hard negatives that share generic words stay apart.

The incident's root-cause categories are read as words of every sentence: a postmortem
categorised `certificate-expiry` or `third-party` supplies those cues. Add a class by adding
its cues and a row; keep each alternative specific enough that two incidents matching it would
be called "the same failure" by an on-call engineer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from itertools import compress, repeat
from operator import is_not

from .terms import normalise

# cue -> regular expression, matched at the start of a word (case-insensitive text, normalised by terms.py)
CUES: dict[str, str] = {
    "certificate": r"certificat|cert\b|tls\b|ssl\b|x509|truststore|trust store|keystore|acme\b",
    "expire": (
        r"expir|lapse|renew|not (?:been )?renewed|out of date|outdated cert|validity|valid until|not after|notafter"
    ),
    "credential": r"token|password|secret|credential|api key|signing key|license|licence|domain regist",
    "regex": r"regex|regular expression|pattern match",
    "backtracking": r"backtracking|exponential (?:time|match)|pathological (?:regex|pattern)",
    "cpu": r"cpu|processor",
    "exhausted": r"exhaust|saturat|spik|pegged|100 ?%|maxed|starv|ran out|run out|running out|used up|fully consumed",
    "memory": r"memory|heap\b|ram\b|rss\b|swap\b",
    "memory-growth": r"leak|grew|grow|bloat|unbounded|pressure|kill|limit",
    "pool": (
        r"connection pool|pool\b|pools\b|max connections|maximum connections|max_connections|connection limit|"
        r"connection slot|file descriptor|ephemeral port|port exhaust|thread pool|socket|ip address|subnet|"
        r"address space|threads\b|thread\b"
    ),
    "pool-exhausted": (
        r"too many connections|no free connection|no available connection|waiting for a (?:free )?connection|"
        r"wait for a free connection"
    ),
    "too-low": r"too low|lower than|set too|too small|insufficient|not enough",
    "dns": r"dns|nameserver|name server|domain name",
    "dns-fault": (
        r"record|zone|resolv|lookup|look up|nxdomain|servfail|ttl\b|propagat|misconfigur|stale|cach|missing|wrong|"
        r"incorrect|config|change"
    ),
    "dns-fails": r"fail|timed? ?out",
    "bgp": (
        r"bgp|route announcement|prefix announcement|route leak|route hijack|as path|route map|more-specific|"
        r"more specific|hijack|leaked (?:[a-z0-9-]{1,14} )?(?:routes|prefixes)|transit provider|peering session"
    ),
    "withdraw": r"withdraw|stopped announcing|no longer announc|announce",
    "route": r"route|prefix|ip block|ip range|ip address|advertisement|reachab",
    "command": r"command|script|playbook|manual(?:ly)? (?:run|ran|execut|step)|console|cli\b|query ran|ran a",
    "destructive": (
        r"delete|drop|truncat|terminat|shut ?down|decommission|wipe|destroy|purg|took down|take down|stop\b|"
        r"stopping|stopped (?:the|all|every)|deschedul|drain|kill|halt|reboot|power off|powered off|overwr|"
        r"deprovision|tore down|tear down"
    ),
    "wrong-target": (
        r"wrong|incorrect|without a where|no where clause|missing where|unintend|than intended|not intended|"
        r"inadvertent|accidental|mistake|believed|thought (?:it|they|was)|instead of|larger set|more servers|"
        r"entire|all (?:servers|hosts|instances|nodes)|should have (?:target|run|been run|pointed|gone)|"
        r"meant (?:for|to target)|rather than|mistyp|typo|"
        r"meant to (?:run|drop|delete|target|restart|terminat|truncat|wipe)|"
        r"intended to (?:run|drop|delete|target|restart|terminat|truncat|wipe)|"
        r"supposed to (?:run|drop|delete|target|restart|terminat|truncat|wipe)"
    ),
    "operator": (
        r"engineer|operator|administrator|admin\b|team member|staff|human|manual|someone|employee|sre\b|dba\b|"
        r"developer"
    ),
    "automation": (
        r"automat|script|cron|scheduled|job\b|jobs\b|tool(?:ing)?\b|workflow|controller|orchestrat|autoscal|"
        r"auto-scal|auto scal|auto-remediat|auto remediat|autoremediat|bot\b|reconcil|"
        r"operator (?:process|software)|self-healing|self healing"
    ),
    "runaway": (
        r"runaway|run amok|out of control|unbounded|loop\b|loops\b|looped|looping|"
        r"kept (?:re|delet|running|scal|terminat|creat|launch|spawn|add)|"
        r"repeatedly (?:delet|terminat|restart|replac|scal)|misread|misinterpret|mistook"
    ),
    "all-at-once": (
        r"all regions|every region|multiple regions|across regions|several regions|globally|simultaneous|"
        r"at the same time|at once|entire fleet|whole fleet|fleet-wide|fleetwide|fleet wide|everywhere|worldwide|"
        r"every (?:[a-z0-9-]{1,14} )?(?:service|host|node|server|pod|instance|region|zone)|"
        r"every (?:[a-z0-9-]{1,14} )?(?:cluster|machine|site|location|pop)|all points of presence|all pops|"
        r"all (?:the )?(?:machines|servers|hosts|clusters|zones|nodes|pops|sites|locations|data ?cent)"
    ),
    "maintenance": r"maintenance|cleanup|clean up|housekeeping|garbage collect|decommission",
    "failover": (
        r"failover|stepped down|step down|election|elected|promot|split.?brain|failed back|fail back|failed over|"
        r"fails over|failing over|switchover|switched over|switch over|demot|reelect|re-elect"
    ),
    "primary": r"primar|replica|secondary|leader|master\b|standby|writer\b",
    "db": (
        r"database|db\b|mysql|postgres|sql|mongo|cluster|orchestrator|patroni|replica|shard|redis|cassandra|"
        r"elasticsearch|etcd|zookeeper|consul|dynamo|aurora|rds\b|spanner|cockroach"
    ),
    "net-split": (
        r"network partition|split.?brain|netsplit|lost connectivity|loss of connectivity|"
        r"connectivity (?:was )?lost|lost (?:its|their|the) network|"
        r"network (?:link|connection) (?:was )?(?:lost|down|cut|severed)"
    ),
    "partition": r"partition|loss of connectivity|lost connectivity|connectivity (?:was )?lost|disconnect",
    "replication": r"replica|replicat|follower|cdc\b|data capture|data-capture",
    "lag": r"\blag|behind|delay|slipp|trail|stale read|out of sync|catch up|caught up",
    "disk": (
        r"disk|drive|ssd|volume|storage device|raid|ebs|filesystem|file system|inode|root partition|log partition|"
        r"data partition|boot partition|binlog|wal\b"
    ),
    "full": (
        r"full\b|filled|fill up|fills up|no space|out of space|space exhaust|capacity (?:was )?reached|diskfull|"
        r"ran out|run out|running out|no free|free space|inode|100 ?%|reached capacity"
    ),
    "diskfull": r"diskfull|enospc",
    "hw-fault": r"degrad|malfunction|broken|bad sector|i/o error|io error|corrupt|dying|defect",
    "hw-fails": r"fail|fault",
    "hardware": r"hardware|disk|drive|ssd|nic\b|network card|memory module|dimm|power supply|raid|controller card",
    "oom": r"oom|outofmemory",
    "retry": r"retr(?:y|ies|ied)|reconnect",
    "storm": (
        r"storm|amplif|flood|thundering herd|herd|stampede|synchroni[sz]ed|all at once|surge|burst|multipl|"
        r"overwhelm|backoff|back off|jitter|aggressive|tight loop|hammer|pile|continuous|uncapped|no cap|tenfold|"
        r"twentyfold|hundredfold|same second|same few seconds|same moment"
    ),
    "herd": r"thundering herd|retry storm|stampede",
    "cache": r"cache|memcache|ttl\b|hot key|redis",
    "cache-empty": r"miss|cold|empt|flush|evict|hit rate|invalidat|stampede|warm|expir|cleared|wiped|restart|purg",
    "overload": (
        r"overload|overwhelm|load\b|saturat|exhaust|timed? ?out|timeout|surge|spike|flood|hammer|pile|stampede|"
        r"herd|not keep up|couldn't keep up|unable to keep up"
    ),
    "quota": (
        r"quota|rate.?limit|throttl|api limit|request limit|usage limit|account limit|too many requests|429\b|"
        r"sending limit|send limit|daily limit|monthly limit|hourly limit|daily (?:[a-z0-9-]{1,14} )?limit|"
        r"monthly (?:[a-z0-9-]{1,14} )?limit"
    ),
    "hit-limit": r"exceed|exhaust|hit\b|hitting|reach|trigger|ran out|run out|used up|maxed|over\b",
    "clock": (
        r"clock|ntp|time ?sync|leap|timezone|time zone|daylight|summer time|dst\b|y2k|2038|epoch|utc offset|"
        r"new year|year boundary|calendar|february 29|feb 29|29 feb|gps week|week number|"
        r"date (?:handling|pars|calculat|math|arithmetic|comparison|logic)|"
        r"time (?:handling|pars|calculat|math|arithmetic|comparison|logic)|"
        r"timestamp (?:handling|pars|calculat|math|arithmetic|comparison|logic)"
    ),
    # a time event is named in a root cause because software mishandled it
    "time-event": (
        r"leap (?:second|day|year)|daylight|summer time|dst\b|y2k|2038\b|february 29|feb 29|29 feb|gps week|"
        r"digit year|year rollover|century rollover|end of the month|end of month|month-end|days in a month|"
        r"days in the month"
    ),
    "clock-fault": (
        r"skew|drift|jump|leap|wrong|incorrect|rollover|roll over|change|off by|shift|bug|overflow|mishandl|"
        r"miscalculat|assum|mismatch|invalid"
    ),
    "third-party": (
        r"third.?party|vendor|upstream provider|external provider|provider'?s|saas|"
        r"external (?:service|dependency|api)|supplier|partner'?s|cloud provider|hosting provider|payment provider|"
        r"external provider|external vendor|outside provider|outside vendor|payment gateway|payment processor|"
        r"card processor|upstream (?:[a-z0-9-]{1,14} )?(?:gateway|vendor|service|api|dependency)|service provider|"
        r"email provider|sms provider"
    ),
    "outage": r"outage|unavailab|degrad|disrupt|unreachable|suffered",
    "outage-weak": r"down\b|fail|errors\b",
    "migration": (
        r"migrat|backfill|schema change|alter table|reindex|data fix|ddl\b|adding (?:an? )?(?:index|column)|"
        r"added (?:an? )?(?:index|column)|add (?:an? )?(?:index|column)"
    ),
    "data-bad": r"corrupt|wrong|incorrect|lost|loss|inconsisten|overwr|duplicat|delete|truncat|missing|invalid",
    "attack": (
        r"attack|botnet|credential stuffing|brute-force|brute force|bruteforce|malicious|spammer|scraper|"
        r"bot traffic"
    ),
    "lock": r"lock\b|locks\b|locked|locking|exclusive lock|metadata lock|table lock|row lock",
    "config": r"config|feature file|feature flag|flag\b|policy|policies|rule ?set|rules file",
    "push": r"push|propagat|replicat|distribut|rolled out|roll out|deploy|sync|shipped|ships\b",
    "config-bad": (
        r"erroneous|bad\b|incorrect|wrong|invalid|faulty|malformed|broken|blank|empty|unexpected|"
        r"larger.than.expected|doubled|typo|mistake|delete|unintended|triggered the bug|triggered a bug"
    ),
    "misconfig": r"misconfigur|mis-configur",
    "change": (
        r"change|update|edit|push|rollout|rolled out|deploy|enabl|disabl|turned (?:on|off)|flip|toggl|"
        r"switched (?:on|off)|switch (?:on|off)"
    ),
    "deploy": r"deploy|release|rollout|rolled out|new version|new build|upgrade",
    "bad-build": (
        r"regression|broken build|bad build|faulty (?:build|binary|release)|buggy (?:build|release|version)|"
        r"bad release|changed the default|changed (?:its |the )?behaviou?r|breaking change|incompatib"
    ),
    "queue": r"queue|kafka|sqs|rabbitmq|message bus",
    "backlog": r"backlog|pile|build.?up|depth|behind|lag",
    "contention": r"contention|deadlock|lock wait|lock timeout|row lock|table lock|mutex",
    "expensive-query": (
        r"expensive quer|slow quer|unindexed|missing index|full table scan|scatter quer|n\+1|long-running quer|"
        r"long running quer|long-running transaction|long running transaction|analytics quer|heavy quer|"
        r"inefficient quer|unbounded quer"
    ),
    "power": r"power|electric|utility feed|generator|ups\b|cooling|hvac|overheat|thermal",
    "power-loss": r"loss|lost|outage|fail|cut|surge|interrupt|trip",
    "fiber": r"fib(?:er|re)",
    "cut": r"\bcut|sever(?:ed|ing|s)?\b|damag|dig\b|digging|dug\b|excavat|backhoe",
    "ddos": r"ddos",
    "healthcheck": r"healthcheck",
    "hc-fault": (
        r"flap|too strict|too aggressive|too sensitive|too short|threshold|falsely|false positive|incorrectly|"
        r"wrongly|mistakenly|misconfigur|cascad|"
        r"all (?:[a-z0-9-]{1,14} )?(?:hosts|servers|instances|backends|nodes|pods)|"
        r"every (?:[a-z0-9-]{1,14} )?(?:host|server|instance|backend|node|pod)|"
        r"healthy (?:hosts|servers|instances|backends|nodes|pods|targets)|shorter than|not ready|kept marking|"
        r"report(?:ed|s)? unhealthy|marked (?:[a-z0-9-]{1,14} )?unhealthy|whole pool|entire pool"
    ),
    "capacity": (
        r"capacity|headroom|iops|provisioned\b|underprovision|autoscal|auto-scal|auto scal|capacity plan|"
        r"spare compute|spare capacity|compute capacity"
    ),
    "shortfall": (
        r"insufficient|not enough|lack|ran out|run out|running out|shortfall|exhaust|exceed|too few|too small|"
        r"short of|constrain|too little|not have enough|not absorb|unable to absorb|unable to (?:scale|keep up)|"
        r"not (?:scale|keep up)|failed to scale|maxed|did not have|didn't have|no spare"
    ),
    "capacity-hit": (
        r"not scale|couldn't scale|unable to scale|failed to scale|cannot scale|max instance count|"
        r"maximum instance count|max node count|out of capacity|ran out of capacity|configured maximum|"
        r"instance limit|too few (?:[a-z0-9-]{1,14} )?(?:instances|nodes|servers|hosts|machines|replicas|workers)|"
        r"short of (?:cpu|memory|capacity|headroom|disk|iops)"
    ),
    "size-limit": r"size limit|hard.?coded limit|limit on the size|maximum size|max size|overflow|int32|2\^31|2,147",
}

# The cues a root-cause category may supply (what failed, never how): "dependency-failure" names a
# dependency, but its "failure" must not turn every sentence into an outage.
CATEGORY_CUES = frozenset(
    {
        "certificate",
        "expire",
        "credential",
        "regex",
        "dns",
        "bgp",
        "third-party",
        "config",
        "deploy",
        "migration",
        "disk",
        "hardware",
        "oom",
        "cache",
        "queue",
        "quota",
        "clock",
        "power",
        "fiber",
        "ddos",
    }
)

# Cues that match words nearly every incident uses ("failed", "lost", "down"): an alternative holding one
# must be met within one sentence, never across two.
SENTENCE_ONLY = frozenset({"dns-fails", "outage-weak", "hw-fails", "power-loss"})

# label -> alternatives; each alternative is a tuple of cue names that must all appear in one sentence
CLASSES: dict[str, tuple[tuple[str, ...], ...]] = {
    "expired certificate": (("certificate", "expire"),),
    "expired credential": (("credential", "expire"),),
    "regex backtracking": (("backtracking",), ("regex", "cpu"), ("regex", "exhausted")),
    "CPU exhaustion": (("cpu", "exhausted"),),
    "DNS failure": (("dns", "dns-fault"), ("dns", "dns-fails")),
    "BGP route withdrawal": (("bgp",), ("withdraw", "route")),
    "command on the wrong target": (
        ("command", "destructive", "wrong-target"),
        ("operator", "destructive", "wrong-target"),
        ("automation", "destructive", "wrong-target"),
    ),
    "automation acting everywhere at once": (
        ("automation", "destructive", "all-at-once"),
        ("maintenance", "automation", "all-at-once"),
        ("automation", "runaway"),
    ),
    "database failover": (("failover", "primary", "db"), ("partition", "primary", "db")),
    "replication lag": (("replication", "lag"),),
    "disk full": (("diskfull",), ("disk", "full")),
    "hardware failure": (("hardware", "hw-fault"), ("hardware", "hw-fails")),
    "memory exhaustion": (("oom",), ("memory", "exhausted"), ("memory", "memory-growth")),
    "network partition": (("net-split",),),
    "attack or abusive traffic": (("attack",),),
    "connection or resource pool exhaustion": (
        ("pool-exhausted",),
        ("pool", "exhausted"),
        ("pool", "hit-limit"),
        ("pool", "too-low"),
    ),
    "insufficient capacity": (("capacity", "shortfall"), ("capacity-hit",)),
    "health checks failing healthy hosts": (("healthcheck", "hc-fault"),),
    "migration holding locks": (("migration", "lock"), ("migration", "contention")),
    "retry storm": (("herd",), ("retry", "storm")),
    "cache stampede": (("cache", "cache-empty", "overload"),),
    "quota or rate limit": (("quota", "hit-limit"),),
    "clock or time handling": (("clock", "clock-fault"), ("time-event",)),
    "third-party outage": (("third-party", "outage"), ("third-party", "outage-weak")),
    "migration writing bad data": (("migration", "data-bad"),),
    "bad configuration change": (
        ("config", "push", "all-at-once"),
        ("config", "config-bad", "push"),
        ("config", "change", "config-bad"),
        ("misconfig", "change"),
    ),
    "bad deploy": (("deploy", "bad-build"),),
    "queue backlog": (("queue", "backlog"),),
    "lock contention": (("contention",),),
    "expensive queries": (("expensive-query",),),
    "power or cooling loss": (("power", "power-loss"),),
    "fiber cut": (("fiber", "cut"),),
    "DDoS attack": (("ddos",),),
    "size limit exceeded": (("size-limit",),),
}

_REACH = 40  # no cue pattern reads further than this from its start (a test checks every cue)
_CATEGORY_GROUPS = frozenset(re.sub(r"\W", "_", cue) for cue in CATEGORY_CUES)
_SENTENCE_ONLY_GROUPS = frozenset(re.sub(r"\W", "_", cue) for cue in SENTENCE_ONLY)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")  # what `_sentences` splits at
_BREAK = re.compile(r"[.!?;:]\s+|\n\s*\n")  # the same breaks, found without a lookbehind at every position
_WORD = re.compile(r"[a-z0-9]+[^a-z0-9]?")  # a word and the character after it, if any
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_PLAIN: set[str] = set()  # words (as _WORD reads them) that start no cue, even reading past themselves
_PLAIN_LIMIT = 65_536


def classify(
    text: str, categories: Sequence[str] = (), terms: Mapping[str, Sequence[str]] | None = None
) -> frozenset[str]:
    """The failure classes a root-cause text (and its root-cause categories) names."""
    if not text:
        return frozenset()
    context = _context(" ".join(categories), terms)
    labels, cues_of, only = _labels, _cues, _SENTENCE_ONLY_GROUPS  # bound once: a text has dozens of sentences
    found = set(labels(context))  # what every sentence holds: the root-cause categories' cues
    previous: frozenset[str] = frozenset()
    for sentence in _sentences(normalise(text, terms)):
        cues = cues_of(sentence)
        if not cues:
            # ("Why?", "1.", most of a 5 Whys list) It adds nothing: alone it holds the context's
            # labels, found above, and with the sentence before it no more than that one held
            # (labels only grow with cues), found when that one was read.
            previous = cues
            continue
        found.update(labels(context | cues))
        # A sentence is also read with the one before it: the second often names by "it" or "the
        # process" what the first introduced. Cues of common words stay in their own sentence.
        specific = cues - only
        if previous:
            found.update(labels(context | previous | specific))
        previous = specific
    return frozenset(found)


def _context(categories: str, terms: Mapping[str, Sequence[str]] | None) -> frozenset[str]:
    """The cues the root-cause categories name (few combinations: remembered when no terms are added)."""
    if terms:
        return _context_cues(categories, terms)
    return _default_context(categories)


def _context_cues(categories: str, terms: Mapping[str, Sequence[str]] | None) -> frozenset[str]:
    return frozenset(_cues(normalise(categories.replace("-", " "), terms)) & _CATEGORY_GROUPS)


@lru_cache(maxsize=4096)
def _default_context(categories: str) -> frozenset[str]:
    return _context_cues(categories, None)


def _sentences(text: str) -> list[str]:
    """`_SENTENCE.split(text)`: the text between breaks, a punctuation mark kept with its sentence."""
    out = []
    start = 0
    for match in _BREAK.finditer(text):
        at = match.start()
        if text[at] != "\n":
            at += 1
        out.append(text[start:at])
        start = match.end()
    out.append(text[start:])
    return out


@lru_cache(maxsize=16_384)
def _labels(cues: frozenset[str]) -> tuple[str, ...]:
    """The classes whose cues a sentence holds (sentences repeat their cue sets: cached)."""
    by_cue = _compiled()[1]
    return tuple({label: None for cue in cues for label, needed in by_cue.get(cue, ()) if needed <= cues})


def _cues(text: str) -> frozenset[str]:
    """Every cue that matches at a word start of `text`.

    Most cue alternatives are one word ("expir", "backtracking"): what matches at a word start then
    depends on that word only, so the answer is cached per word, and the vocabulary of postmortems
    is small. Only a word that may begin a longer alternative ("loss of connectivity", "rate-limit")
    is read with the text after it (cached by that window)."""
    found: set[str] = set()
    # Each distinct word once: most start no cue and no longer alternative, and are set aside in bulk.
    for word in set(_WORD.findall(text)) - _PLAIN:
        cues, longer = _word_cues(word)
        found.update(cues)
        if not longer:
            if not cues and len(_PLAIN) < _PLAIN_LIMIT:
                _PLAIN.add(word)
            continue
        # Where it stands: a word ends in the character after it, so a match of `word` is one of its
        # occurrences when nothing of a word stands right before it; a word at the very end of the
        # text (nothing after it) is that one place only.
        if word[-1] in _WORD_CHARS:
            found.update(_cues_at(text[len(text) - len(word) : len(text) - len(word) + _REACH]))
            continue
        at = text.find(word)
        while at >= 0:
            if at == 0 or text[at - 1] not in _WORD_CHARS:
                found.update(_cues_at(text[at : at + _REACH]))
            at = text.find(word, at + 1)
    return frozenset(found)


@lru_cache(maxsize=65_536)
def _word_cues(word: str) -> tuple[tuple[str, ...], bool]:
    """The cues a word (with the character after it, if any) starts on its own, and whether it may
    start an alternative that reads beyond it."""
    token = word if word[-1].isalnum() else word[:-1]
    return _cues_at(word if not word[-1].isalnum() else word + " "), bool(_compiled()[2].match(token))


@lru_cache(maxsize=65_536)
def _cues_at(window: str) -> tuple[str, ...]:
    # One anchored match of optional lookaheads reads every cue that can start with these letters
    # (cues overlap: "replica" is both a primary and replication).
    keys = _compiled()[0]
    key = window[:2] if window[:2] in keys else window[0] if window[0] in keys else None
    if key is None:
        return ()
    chain = _chain(key)
    at = chain.match(window)
    # The groups that matched, by C-level maps over `groups()` (a window is rarely seen twice, and
    # `groupdict()` built a dict of every cue of the chain each time): every group is a named cue.
    return () if at is None else tuple(compress(chain.groupindex, map(is_not, at.groups(), repeat(None))))


@cache
def _chain(key: str) -> re.Pattern[str]:
    """The chain of optional lookaheads naming every cue whose alternatives can start with `key`.

    Keyed by the first two letters, a chain holds only the cue alternatives that start with them,
    plus those whose second letter is not fixed ("ab?c", "a(?:b|c)"), which are also the whole chain
    of the first letter alone: chains stay short to compile and to run however many cues there are.
    Each is made the first time a word starts with its letters: making all 189 took a worker process
    30 ms before its first file, and a one-file check needs a few."""
    chain = ""
    for name, options in _starts().items():
        here = [o for o, letters, two in options if key[0] in letters and two in (None, key if len(key) == 2 else "")]
        if here:
            chain += f"(?=(?P<{_group(name)}>{'|'.join(here)}))?"
    return re.compile(chain)


@lru_cache(maxsize=1)
def _starts() -> dict[str, list[tuple[str, set[str], str | None]]]:
    """Each cue's top-level alternatives, with the letters each can start with and its fixed first two."""
    return {
        name: [(option, _first_letters(option), _first_two(option)) for option in _split_top(pattern)]
        for name, pattern in CUES.items()
    }


@lru_cache(maxsize=1)
def _compiled() -> tuple[frozenset[str], dict[str, tuple[tuple[str, frozenset[str]], ...]], re.Pattern[str]]:
    """The letters (one or two) that have a chain (`_chain`); the class alternatives as cue-group
    sets, filed by their first cue; the words that may start an alternative reading past themselves."""
    starts = _starts()
    keys = frozenset(
        {c for options in starts.values() for _option, letters, _two in options for c in letters}
        | {two for options in starts.values() for _option, _letters, two in options if two}
    )
    # Each class alternative is filed under its first cue: a sentence without that cue cannot hold it,
    # so a sentence's cue set is checked against the few alternatives its own cues name.
    by_cue: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for label, ways in CLASSES.items():
        for needed in ways:
            by_cue.setdefault(_group(needed[0]), []).append((label, frozenset(_group(cue) for cue in needed)))
    alternatives = {cue: tuple(found) for cue, found in by_cue.items()}
    # The leading letters of every alternative that can read past the end of a word: a word starting
    # with them must be read with what follows it.
    heads = [_head(option) for p in CUES.values() for option in _options(p) if not _one_word(option)]
    # a head followed by a separator ("i/o", "at once") is a whole word; else ("timed? ?out") a prefix
    if any(not h for h, _whole in heads):
        raise ValueError("a cue alternative spanning words must start with letters, not a group")
    whole = sorted({h for h, whole in heads if whole})
    prefix = sorted({h for h, whole in heads if not whole})
    longer = re.compile("|".join([*(f"{re.escape(h)}$" for h in whole), *(re.escape(h) for h in prefix)]) or r"(?!)")
    return keys, alternatives, longer


def _first_two(option: str) -> str | None:
    """The two letters an alternative surely starts with, when they are fixed."""
    option = option.removeprefix("\\b")
    fixed = len(option) >= 2 and option[:2].isalnum() and option[:2].isascii() and option[2:3] not in ("?", "*", "{")
    return option[:2] if fixed else None


def _options(pattern: str) -> list[str]:
    """A cue's top-level alternatives, with a leading \\b dropped."""
    return [option.removeprefix("\\b") for option in _split_top(pattern)]


def _one_word(option: str) -> bool:
    """Whether an alternative only ever matches letters and digits (and a \\b at its end)."""
    return re.fullmatch(r"(?:[a-z0-9|?]|\(\?:|\))*(?:\\b)?", option) is not None


def _head(option: str) -> tuple[str, bool]:
    """The letters an alternative surely starts with ("" when it may start with anything), and
    whether they must be a whole word (a separator follows them: "i/o", "at once")."""
    head = re.match(r"[a-z0-9]*", option)
    letters = head.group() if head else ""
    after = option[len(letters) : len(letters) + 1]
    if after in ("?", "*"):
        return letters[:-1], False
    return letters, after in (" ", "/", "'", ",", "-") or option[len(letters) : len(letters) + 2] in ("\\+", "\\^")


def _first_letters(pattern: str) -> set[str]:
    """The characters a cue's match can start with: the first character of each top-level
    alternative, looking into a leading group and past a leading \\b."""
    letters: set[str] = set()
    for option in _split_top(pattern):
        option = option.removeprefix("\\b")
        if option.startswith("(?:"):
            close = _closing(option)
            letters |= _first_letters(option[3:close])
            if option[close + 1 : close + 2] in ("?", "*"):
                letters |= _first_letters(option[close + 2 :])
        elif option[:1].isalnum() and option[1:2] not in ("?", "*"):
            letters.add(option[0])
        else:
            raise ValueError(f"cue pattern {pattern!r}: each alternative must start with a letter or digit")
    return letters


def _split_top(pattern: str) -> list[str]:
    parts: list[str] = []
    depth = last = 0
    for index, char in enumerate(pattern):
        if char == "(" and pattern[index - 1 : index] != "\\":
            depth += 1
        elif char == ")" and pattern[index - 1 : index] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[last:index])
            last = index + 1
    return [*parts, pattern[last:]]


def _closing(option: str) -> int:
    depth = 0
    for index, char in enumerate(option):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    raise ValueError(f"unbalanced group in cue pattern {option!r}")


def _group(cue: str) -> str:
    return re.sub(r"\W", "_", cue)
