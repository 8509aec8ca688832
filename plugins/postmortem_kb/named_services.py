"""Which services the postmortems name, read before they are judged.

MkDocs needs every page before it converts the first one, and the site has a page for each
service its valid incidents name. Judging the postmortems takes seconds; reading only their
front matter a fraction of that. So a build reads the `services` of every file here, the way
judging parses them (parsing/), makes a page for each service named, has the files judged
while MkDocs converts the Markdown (build_ahead.py), and drops the pages of services that no
valid incident names before MkDocs writes any page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .corpus import Job, read_regular
from .parsing import ParseError
from .parsing.front_matter import parse, split
from .parsing.source import decode, normalise_newlines


@dataclass
class Named:
    services: set[str] = field(default_factory=set)  # a superset of those valid incidents name
    unreadable: set[str] = field(default_factory=set)  # src_uris judging will report as unreadable


def named_services(jobs: Sequence[Job], contents: Iterable[tuple[str, str, bytes]], links_to: bytes) -> Named | None:
    """The services any postmortem's front matter names and the files that cannot be read. None
    (judge first, then) when a file's front matter could not be read here as judging reads it, or
    a file holds `links_to` (the service pages' folder): MkDocs checks a link while converting the
    page, when a page only an invalid record named still exists."""
    named = Named()
    for src_uri, _name, path in jobs:
        try:
            data = read_regular(path)
        except OSError:  # as corpus.py reads it: the file-unreadable finding, and no page
            named.unreadable.add(src_uri)
            continue
        if links_to in data or not _add_services(data, named.services):
            return None
    for _src_uri, _name, data in contents:
        if links_to in data or not _add_services(data, named.services):
            return None
    return named


# `services: [a, b]` on a line of its own: how the template and most postmortems write it
_PLAIN_LIST = re.compile(r"^services:[ \t]*\[([a-z0-9, \t-]*)\][ \t]*$", re.MULTILINE)


def _add_services(data: bytes, out: set[str]) -> bool:
    try:
        text = normalise_newlines(decode(data))
        plain = _plain_services(text)
        if plain is not None:
            out.update(plain)
            return True
        front_matter, _body, _line = parse(text)
    except ParseError:
        return True  # no record: judging reports why, and the file names no service page
    except Exception:  # anything parsing would report differently: judge first
        return False
    services = front_matter.data.get("services")
    if isinstance(services, list):
        # the model accepts a list of slugs: a record's services are among these strings
        out.update(s for s in services if isinstance(s, str))
    return True


def _plain_services(text: str) -> list[str] | None:
    """The names in a front matter whose only mention of `services` is a one-line flow list of
    slug-like words, read without YAML (a fifth of the time): no other key, anchor, merge or
    escape can then spell the key, and every item YAML reads as a string is one of these words
    (a word YAML reads as a number, boolean or null names no service: one page too many, dropped
    later). None: parse it."""
    try:
        yaml_text = split(text)[0]
    except ParseError:
        return None
    if yaml_text.count("services") != 1 or "\\" in yaml_text:
        return None
    found = _PLAIN_LIST.search(yaml_text)
    if found is None:
        return None
    return [word for word in re.split(r"[,\s]+", found.group(1)) if word]
