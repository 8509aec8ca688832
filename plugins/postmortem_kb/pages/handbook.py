"""Handbook pages built from the plugin settings: severities, template, blameless guide, response."""

from __future__ import annotations

from importlib import resources

from markupsafe import escape as esc

from ..rules.blameless import BLAMELESS_RULES
from ..settings import Settings

BLAMELESS_PRINCIPLES = (
    "People act reasonably given what they knew at the time; the question is why the system made the "
    "action reasonable, not who took it.",
    "Name roles and systems, not individuals, as the subject of a failure.",
    'Counterfactuals ("should have", "failed to") judge with hindsight; describe what happened and '
    "what made it likely instead.",
    "Every contributing factor is a property of the system, the process or the tooling, and so can be fixed.",
    "A postmortem is a learning document: its readers should come away knowing what to change, not whom to avoid.",
)

# (instead of, say): the reframings the blameless-language rules suggest.
REFRAMINGS = (
    ("Human error caused the outage.", "The process allowed a manual step to reach production unchecked."),
    ("Alice broke production with a bad deploy.", "A deploy introduced a regression that our checks did not catch."),
    ("Bob didn't test the change.", "Testing didn't catch this because the suite has no case for it."),
    ("The on-call engineer should have known.", "The runbook and alerts did not surface this signal."),
    ("He failed to follow the runbook.", "The runbook step was easy to miss under pressure."),
    ("A careless mistake by the DBA.", "The tooling allowed a destructive command without confirmation."),
    ("Why didn't they check the dashboard?", "What made the dashboard hard to find during the incident?"),
)


def severities_markdown(settings: Settings) -> str:
    rows = "".join(
        f"<tr><td><strong>{esc(s.name)}</strong></td><td>{esc(s.description)}</td><td>{esc(s.response)}</td></tr>"
        for s in settings.severities
    )
    major = ", ".join(esc(s) for s in settings.major_severities) or "none"
    return (
        "---\ntitle: Severity levels\n---\n\n# Severity levels\n\n"
        "Pick the level by customer impact at its worst, not by how hard the fix was.\n\n"
        '<table class="pmkb-table"><thead><tr><th>Level</th><th>Definition</th><th>Response expected</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>\n\n"
        f"Postmortems of major incidents ({major}) must name an incident commander, state customer impact "
        "and list at least one action item before they pass `pmkb check`.\n"
    )


def template_markdown(settings: Settings) -> str:
    template = resources.files("postmortem_kb").joinpath("templates/postmortem.md").read_text("utf-8")
    sections = "\n".join(f"{n}. {esc(title)}" for n, title in enumerate(settings.required_sections, 1))
    return (
        "---\ntitle: Postmortem template\n---\n\n# Postmortem template\n\n"
        'Start a postmortem with `pmkb new "Short title" --severity SEV2 --service my-service`; it writes '
        "this template with the title, date, severity and service filled in. Replace every `{placeholder}`: "
        "`pmkb check` reports each one left.\n\n"
        f"Required sections, in this order:\n\n{sections}\n\n"
        f"~~~~markdown\n{template}~~~~\n"
    )


# Measured once on the held-back test part of tests/evaluation/ (sentences the rules were not tuned on);
# tests/test_evaluation.py holds the same figures.
BLAMELESS_ACCURACY = (
    "Measured on sentences the rules were not written against, held back from their development "
    "(`tests/evaluation/`, test part):\n\n"
    '<table class="pmkb-table"><thead><tr><th>Set</th><th>Sentences</th><th>Precision</th><th>Recall</th>'
    "</tr></thead><tbody>"
    "<tr><td>quoted from 14 public postmortems</td><td>174 (13 blameful)</td><td>0.92</td><td>0.92</td></tr>"
    "<tr><td>hand-written hard cases</td><td>104 (54 blameful)</td><td>0.94</td><td>0.91</td></tr>"
    "<tr><td>both</td><td>278 (67 blameful)</td><td>0.94</td><td>0.91</td></tr>"
    "</tbody></table>\n\n"
    "So about one blameful sentence in eleven is missed, and about one flag in sixteen is wrong: the rules "
    "help a reviewer, they do not replace one.\n"
)


def blameless_markdown() -> str:
    principles = "\n".join(f"- {p}" for p in BLAMELESS_PRINCIPLES)
    rows = "".join(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td></tr>" for a, b in REFRAMINGS)
    rules = "".join(
        f"<tr><td><code>{r.id}</code></td><td>{esc(r.message)}</td><td>{esc(r.example)}</td><td>{esc(r.reframing)}</td></tr>"
        for r in BLAMELESS_RULES
    )
    return (
        "---\ntitle: Blameless postmortems\n---\n\n# Blameless postmortems\n\n"
        "An incident review that blames a person teaches everyone to hide the next incident. "
        "We write postmortems about systems and processes.\n\n"
        f"## Principles\n\n{principles}\n\n"
        "## Instead of ... say\n\n"
        '<table class="pmkb-table"><thead><tr><th>Instead of</th><th>Say</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>\n\n"
        "## What `pmkb check` flags\n\n"
        "These rules run on every postmortem body (not on code, inline code or block quotes). Their level is "
        "the plugin's `blameless` option: `warn` (default), `error` or `off`. To quote someone verbatim, end the "
        "line with `<!-- blameless: ignore -->`, or wrap the passage in `<!-- blameless: off -->` and "
        "`<!-- blameless: on -->` lines.\n\n"
        '<table class="pmkb-table"><thead><tr><th>Rule</th><th>Flags</th><th>Example</th><th>Instead</th></tr></thead>'
        f"<tbody>{rules}</tbody></table>\n\n"
        "A person is recognised by the sentence's structure: a pronoun, an @handle, a role (\"the on-call "
        "engineer\"), a capitalised name, or a name from the postmortem's `authors` and `roles`. Negated blame "
        '("nobody is at fault") and quoted speech are not flagged.\n\n'
        f"## How often the rules are right\n\n{BLAMELESS_ACCURACY}"
    )


def response_markdown(settings: Settings) -> str:
    cadence = "".join(
        f"<tr><td><strong>{esc(s.name)}</strong></td><td>{esc(s.response)}</td></tr>" for s in settings.severities
    )
    return (
        "---\ntitle: Incident response\n---\n\n# Incident response checklist\n\n"
        "1. **Declare** the incident in the incident channel and pick a severity (it can change later).\n"
        "2. **Assign roles**: incident commander, tech lead, comms lead, scribe.\n"
        "3. **Stabilise first**: mitigate customer impact before chasing the root cause.\n"
        "4. **Communicate** on the cadence below, even when there is nothing new.\n"
        "5. **Keep a timeline**: the scribe notes times in UTC as they happen.\n"
        "6. **Resolve** when impact has ended and the fix is verified, then schedule the review.\n"
        "7. **Write the postmortem** with `pmkb new` within the time the severity sets.\n\n"
        "## Communication cadence\n\n"
        '<table class="pmkb-table"><thead><tr><th>Level</th><th>Response and updates</th></tr></thead>'
        f"<tbody>{cadence}</tbody></table>\n"
    )


def handbook_pages(settings: Settings) -> dict[str, str]:
    """File name under the handbook folder -> Markdown."""
    return {
        "severities.md": severities_markdown(settings),
        "template.md": template_markdown(settings),
        "blameless.md": blameless_markdown(),
        "response.md": response_markdown(settings),
    }
