"""Write N synthetic postmortems in the template's shape (valid, varied, deterministic).

python benchmarks/generate.py --count 1000 --out benchmarks/out/kb-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = [
    "checkout-api",
    "payments-gateway",
    "order-service",
    "search-api",
    "identity",
    "notifications",
    "edge-proxy",
    "inventory-sync",
    "courier-app-api",
    "data-warehouse",
]
CATEGORIES = [
    "config-change",
    "deployment",
    "capacity",
    "dependency-failure",
    "database",
    "certificate-expiry",
    "code-defect",
    "network",
    "third-party",
    "monitoring-gap",
]
STATUSES = ["Open", "In Progress", "Done", "Done", "Won't Do"]
WORDS = [
    "latency",
    "error",
    "queue",
    "replica",
    "cache",
    "config",
    "flag",
    "deploy",
    "rollback",
    "alert",
    "quota",
    "retry",
    "timeout",
    "shard",
    "index",
    "certificate",
    "resolver",
    "failover",
    "throttle",
    "pool",
    "worker",
    "backlog",
    "release",
    "canary",
    "region",
]


def sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


@dataclass
class Plan:
    """What relates incidents to each other, drawn first so that `related` can be filled in."""

    index: int
    start: dt.datetime
    services: list[str]
    cause: str
    related: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return f"{self.start.date().isoformat()}-incident-{self.index:05d}"


def plan(count: int, rng: random.Random) -> list[Plan]:
    # An organisation with N postmortems runs roughly N/25 services (at least the ten named ones).
    services = SERVICES + [f"service-{k:03d}" for k in range(max(0, count // 25 - len(SERVICES)))]
    plans = []
    for i in range(count):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        start = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.UTC)
        plans.append(Plan(i, start, rng.sample(services, rng.randint(1, 2)), rng.choice(CATEGORIES)))
    # Authors list the earlier incidents with the same cause on the same service within 90 days,
    # as reviewers ask them to (rule similar-incident), so the corpus passes `pmkb check --strict`.
    last: dict[tuple[str, str], list[Plan]] = {}
    for p in sorted(plans, key=lambda p: (p.start, p.stem)):
        for service in p.services:
            earlier = last.setdefault((p.cause, service), [])
            p.related += [e.stem for e in earlier if p.start - e.start <= dt.timedelta(days=90)]
            earlier.append(p)
    return plans


def postmortem(p: Plan, rng: random.Random) -> tuple[str, str]:
    i, start = p.index, p.start
    day = start.date()
    steps = [0]
    for _ in range(5):
        steps.append(steps[-1] + rng.randrange(1, 90))
    names = ["started", "detected", "acknowledged", "diagnosed", "mitigated", "resolved"]
    timeline = "\n".join(
        f"  {name}: {(start + dt.timedelta(minutes=m)).isoformat().replace('+00:00', 'Z')}"
        for name, m in zip(names, steps, strict=True)
    )
    severity = rng.choice(["SEV1", "SEV2", "SEV3", "SEV4"])
    services = p.services
    priorities = [f"P{rng.randint(1, 3)}" for _ in range(rng.randint(1, 4))]
    items = [
        {
            "id": n,
            "action": f"Add {rng.choice(WORDS)} {rng.choice(WORDS)} checks to the {services[0]} pipeline",
            "owner": f"@team-{rng.randrange(12)}",
            "priority": priority,
            # P1 items of major incidents are due within 30 days (rule action-item-p1-due)
            "due": (day + dt.timedelta(days=rng.randrange(7, 30 if priority == "P1" else 120))).isoformat(),
            "status": rng.choice(STATUSES),
        }
        for n, priority in enumerate(priorities, 1)
    ]
    front_items = "\n".join(
        f'  - id: {a["id"]}\n    action: {a["action"]}\n    owner: "{a["owner"]}"\n'
        f"    priority: {a['priority']}\n    due: {a['due']}\n    status: {a['status']}"
        for a in items
    )
    table = "\n".join(
        f"| {a['id']} | {a['action']} | {a['owner']} | {a['priority']} | {a['due']} | {a['status']} |" for a in items
    )
    title = f"Incident {i}: {rng.choice(WORDS)} {rng.choice(WORDS)} on {services[0]}"
    name = f"{p.stem}.md"
    related = f"related: [{', '.join(dict.fromkeys(p.related))}]\n" if p.related else ""
    text = f"""---
title: "{title}"
date: {day.isoformat()}
severity: {severity}
status: {rng.choice(["Draft", "Reviewed", "Published"])}
authors: ["@author-{rng.randrange(40)}"]
services: [{", ".join(services)}]
tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]
root_cause_category: {p.cause}
{related}detection: {rng.choice(["alert", "customer-report", "internal"])}
timeline:
{timeline}
impact:
  users_affected: {rng.randrange(100000)}
  support_tickets: {rng.randrange(500)}
  engineer_hours: {rng.randrange(1, 80)}
roles:
  incident_commander: Person {rng.randrange(30)}
action_items:
{front_items}
---

# {title}

## Executive Summary

{sentence(rng, 30)}

## Impact

{sentence(rng, 20)}

## Timeline

| Time (UTC) | Event |
|------------|-------|
| {start:%H:%M} | {sentence(rng, 6)} |
| {start + dt.timedelta(minutes=steps[-1]):%H:%M} | Resolved. |

## Root Cause Analysis

### What happened

{sentence(rng, 40)}

### Contributing factors

- {sentence(rng)}
- {sentence(rng)}

### 5 Whys Analysis

1. Why? {sentence(rng, 8)}
2. Why? {sentence(rng, 8)}
3. Why? {sentence(rng, 8)}

## What Went Well

- {sentence(rng)}

## What Could Have Gone Better

- {sentence(rng)}

## Action Items

| ID | Action | Owner | Priority | Due Date | Status |
|----|--------|-------|----------|----------|--------|
{table}

## Lessons Learned

{sentence(rng, 25)}
"""
    return name, text


def generate(count: int, out: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in plan(count, rng):
        name, text = postmortem(p, rng)
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.count, args.out)


if __name__ == "__main__":
    main()
