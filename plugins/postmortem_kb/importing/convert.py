"""One document in the handbook's template -> front matter + body, with what needs a person."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml

from ..model import TIMELINE_ORDER
from ..parsing.body import Body, Line, normalise_title, parse_body
from ..parsing.errors import ParseError
from ..parsing.source import decode
from ..settings import Settings
from . import placeholders
from .actions import read_action_items
from .duration import describe, read_duration
from .header import Field, Header, read_header
from .impact import read_impact
from .phases import detection_of
from .problems import Problem, fail, warn
from .roles import ROLE_ORDER, role_value, split_names
from .signoff import read_signoff_roles
from .timeline import Timeline, read_timeline

OPTIONAL_PHASES = ("diagnosed", "mitigated")
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d", "%d.%m.%Y")
STATUSES = ("Draft", "Reviewed", "Published")


@dataclass
class Conversion:
    title: str
    date: dt.date
    metadata: dict[str, Any]  # front matter in the template's key order
    content: str  # the body as written, under a `# {title}` heading
    derived: list[str] = field(default_factory=list)  # what came from the document, for the summary
    needs: list[str] = field(default_factory=list)  # front-matter paths left as placeholders
    problems: list[Problem] = field(default_factory=list)  # warnings; errors raise ImportFailed


def convert_text(data: bytes, settings: Settings) -> Conversion:
    """Raises ImportFailed when the document cannot be imported at all."""
    text = _decode(data)
    _refuse_front_matter(text)
    body = parse_body(text, 1)
    first_h2 = body.sections[0].line if body.sections else len(body.lines) + 1
    header = read_header([ln for ln in body.lines if ln.number < first_h2])
    _require_template(header, body, settings)
    assert header.title is not None  # _require_template
    conv = Conversion(header.title.value, _date(header), {}, _content(header, body.lines, first_h2))
    _build(conv, header, body, settings)
    conv.problems.sort(key=lambda p: (p.line, p.col))
    return conv


def _decode(data: bytes) -> str:
    try:
        return decode(data)
    except ParseError as exc:
        rule = "import-empty" if exc.rule == "file-empty" else "import-unreadable"
        message = "empty file; nothing to import" if exc.rule == "file-empty" else exc.message
        raise fail(rule, message, exc.line, exc.col) from None


def _refuse_front_matter(text: str) -> None:
    if not frontmatter.checks(text):
        return
    try:
        metadata = frontmatter.loads(text).metadata
    except (yaml.YAMLError, ValueError):
        return  # a leading `---` rule, not front matter
    if metadata:
        raise fail("import-has-front-matter", "already has front matter; check it with `pmkb check` instead")


def _require_template(header: Header, body: Body, settings: Settings) -> None:
    known = {normalise_title(s) for s in settings.required_sections}
    sections = sum(1 for s in body.sections if s.key in known)
    if header.title is None or (not header.fields and sections < 2):
        raise fail(
            "import-not-template",
            "not the handbook's postmortem template: expected a `# Postmortem: {title}` heading, "
            "`**Date:**`/`**Severity:**` lines and the template's sections",
        )
    if not header.title.value:
        raise fail("import-not-template", "the title heading is empty", header.title.line, header.title.col)


def _date(header: Header) -> dt.date:
    found = header.fields.get("date")
    if found is None:
        where = header.title.line + 1 if header.title else 1
        raise fail("import-date", "no `**Date:** YYYY-MM-DD` line; the file name needs the incident date", where)
    text = found.value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise fail("import-date", f"cannot read the date {text!r}; write it as YYYY-MM-DD", found.line, found.col)


def _content(header: Header, lines: list[Line], first_h2: int) -> str:
    """The body as written; of the header block only a plain `# {title}` heading remains."""
    kept = "\n".join(header.kept).strip("\n")
    rest = "\n".join(ln.text for ln in lines if ln.number >= first_h2)
    assert header.title is not None
    return "\n\n".join(part for part in (f"# {header.title.value}", kept, rest) if part) + "\n"


def _build(conv: Conversion, header: Header, body: Body, settings: Settings) -> None:
    meta, problems = conv.metadata, conv.problems
    meta["title"] = conv.title
    meta["date"] = conv.date
    conv.derived += ["title", "date"]
    severity = _severity(header.fields.get("severity"), settings)
    _put(conv, "severity", severity, placeholders.severity(settings.severity_names))
    _put(conv, "status", _status(header.fields.get("status")), placeholders.STATUS)
    _put(conv, "authors", _authors(header.fields.get("authors")), placeholders.scaffold_value("authors"))
    _put(conv, "services", None, placeholders.scaffold_value("services"))
    meta["tags"] = []
    _put(conv, "root_cause_category", None, placeholders.scaffold_value("root_cause_category"))
    timeline = read_timeline(body, conv.date, problems)
    detected = timeline.stamps.get("detected")
    detection = detection_of(detected.event) if detected else None
    if detection is not None:
        meta["detection"] = detection
        conv.derived.append("detection")
    meta["timeline"] = _timeline(conv, timeline)
    _check_duration(header.fields.get("duration"), timeline, problems)
    _impact(conv, body)
    _roles(conv, header, body, severity is None or severity in settings.major_severities)
    meta["related"] = []
    _actions(conv, body, severity is None or severity in settings.major_severities)


def _put(conv: Conversion, key: str, value: object, placeholder: object) -> None:
    if value is None:
        conv.metadata[key] = placeholder
        conv.needs.append(key)
    else:
        conv.metadata[key] = value
        conv.derived.append(key)


def _severity(found: Field | None, settings: Settings) -> str | None:
    if found is None:
        return None
    by_name = {name.casefold(): name for name in settings.severity_names}
    text = found.value.strip()
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    number = re.search(r"\bsev(?:erity)?[\s-]*(\d)\b", text, re.I)
    return by_name.get(f"sev{number.group(1)}") if number else None


def _status(found: Field | None) -> str | None:
    if found is None:
        return None
    return next((s for s in STATUSES if s.casefold() == found.value.strip().casefold()), None)


def _authors(found: Field | None) -> list[str] | None:
    if found is None:
        return None
    names = [n.strip("`") for n in split_names(found.value)]
    return [n for n in names if n] or None


def _timeline(conv: Conversion, timeline: Timeline) -> dict[str, object]:
    out: dict[str, object] = {}
    found: list[str] = []
    for phase in TIMELINE_ORDER:
        stamp = timeline.stamps.get(phase)
        if stamp is None:
            if phase not in OPTIONAL_PHASES:
                out[phase] = placeholders.scaffold_value("timeline", phase)
                conv.needs.append(f"timeline.{phase}")
            continue
        aware = stamp.moment.aware()
        out[phase] = aware if aware is not None else placeholders.local_time(stamp.moment.local)
        if aware is None:
            conv.needs.append(f"timeline.{phase} (offset)")
        else:
            found.append(phase)
    if found:
        conv.derived.append(f"timeline ({', '.join(found)})")
    return out


def _check_duration(found: Field | None, timeline: Timeline, problems: list[Problem]) -> None:
    stated = read_duration(found.value) if found else None
    start, end = timeline.stamps.get("started"), timeline.stamps.get("resolved")
    if found is None or stated is None or start is None or end is None:
        return
    actual = end.moment.local - start.moment.local
    if abs(actual - stated) > dt.timedelta(minutes=1):
        problems.append(
            warn(
                "import-duration",
                f"duration says {describe(stated)} but the timeline gives {describe(actual)} "
                f"(started line {start.line}, resolved line {end.line}); check the timeline",
                found.line,
                found.col,
            )
        )


def _impact(conv: Conversion, body: Body) -> None:
    impact = read_impact(body, conv.problems).values
    if impact:
        conv.derived.append(f"impact ({', '.join(impact)})")
    if "users_affected" not in impact:
        impact = {"users_affected": placeholders.scaffold_value("impact", "users_affected"), **impact}
        conv.needs.append("impact.users_affected")
    conv.metadata["impact"] = impact


def _roles(conv: Conversion, header: Header, body: Body, major: bool) -> None:
    named = {key: (f.value, f.line) for key, f in header.roles.items()}
    for key, value in read_signoff_roles(body, conv.problems).items():
        named.setdefault(key, value)
    roles: dict[str, object] = {k: role_value(k, named[k][0]) for k in ROLE_ORDER if k in named}
    if roles:
        conv.derived.append(f"roles ({', '.join(roles)})")
    if "incident_commander" not in roles and major:
        roles = {"incident_commander": placeholders.scaffold_value("roles", "incident_commander"), **roles}
        conv.needs.append("roles.incident_commander")
    if roles:
        conv.metadata["roles"] = roles


def _actions(conv: Conversion, body: Body, major: bool) -> None:
    items = read_action_items(body, conv.problems)
    if items:
        conv.metadata["action_items"] = items
        conv.derived.append(f"{len(items)} action item{'s' if len(items) != 1 else ''}")
        if any(_has_placeholder(item) for item in items):
            conv.needs.append("action_items (cells)")
    elif major:
        conv.needs.append("action_items (the template's Action Items table)")


def _has_placeholder(value: object) -> bool:
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    return isinstance(value, str) and value.startswith("{") and value.endswith("}")
