"""Which services the postmortems name, read before they are judged.

MkDocs needs every page before it converts the first one, and the site has a page for each
service its valid incidents name. Judging the postmortems takes seconds; reading only their
front matter a fraction of that. So a build reads the `services` of every file here, the way
judging parses them (parsing/), makes a page for each service named, has the files judged
while MkDocs converts the Markdown (build_ahead.py), and drops the pages of services that no
valid incident names before MkDocs writes any page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .corpus import Job, read_regular
from .parsing import ParseError
from .parsing.front_matter import parse
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


def _add_services(data: bytes, out: set[str]) -> bool:
    try:
        front_matter, _body, _line = parse(normalise_newlines(decode(data)))
    except ParseError:
        return True  # no record: judging reports why, and the file names no service page
    except Exception:  # anything parsing would report differently: judge first
        return False
    services = front_matter.data.get("services")
    if isinstance(services, list):
        # the model accepts a list of slugs: a record's services are among these strings
        out.update(s for s in services if isinstance(s, str))
    return True
