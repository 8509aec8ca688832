"""A checked postmortem (`corpus.Entry`) as JSON text and back: the persistent cache's rows, and
what a worker process of `pmkb check` sends its parent.

JSON, not pickle: the cache folder may be shared (a checkout, a CI cache) and unpickling runs
whatever the file says. msgspec writes and reads the entry's dataclasses by their type hints, in
C: a row comes back with the types it was stored with (a date stays a date, a tuple a tuple, an
int an int) or is refused, and making and reading a row costs a few microseconds, where walking
the values in Python cost more than the worker's pickling of the entry for its parent.

A row holds the path and src_uri the file was judged under; read under others (the same content
checked by `pmkb check` and by the plugin), the entry takes the reader's.
"""

from __future__ import annotations

import dataclasses

import msgspec

from .corpus import Entry
from .settings import stem_of

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Entry)


class Unstorable(TypeError):
    """A value with no JSON form, or a finding about another file: the entry is judged again next time."""


def dumps(entry: Entry, *, verify: bool = True) -> str:
    """`verify`: read the JSON back, so that no row that does not decode is stored. An unknown role
    written as a list has a JSON form but not the record's type. A worker process leaves this to
    its parent, which reads every row back anyway."""
    if any(f.path != entry.path for f in entry.findings):
        raise Unstorable("a finding about another file")
    try:
        data = _ENCODER.encode(entry)
        if verify:
            _DECODER.decode(data)
    except (TypeError, ValueError, OverflowError, msgspec.DecodeError) as exc:
        raise Unstorable(str(exc)) from None
    return data.decode("utf-8")


def loads(text: str | bytes, path: str, src_uri: str) -> Entry:
    """Raises ValueError on text this version did not write."""
    try:
        entry = _DECODER.decode(text)
    except msgspec.DecodeError as exc:  # malformed, or a value not of its field's type
        raise ValueError(str(exc)) from None
    if entry.path != path:
        findings = tuple(dataclasses.replace(f, path=path) for f in entry.findings)
        entry = dataclasses.replace(entry, findings=findings, path=path)
    incident = entry.incident
    if incident is not None and incident.src_uri != src_uri:
        incident = dataclasses.replace(incident, stem=stem_of(src_uri), src_uri=src_uri)
        entry = dataclasses.replace(entry, incident=incident)
    return entry
