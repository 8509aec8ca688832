"""Compiled Jinja templates kept across `mkdocs serve` rebuilds.

MkDocs makes a new Jinja environment for every build, so each rebuild compiles the theme's
templates again (mkdocs-material's main, base, 404 and their partials: about a seventh of a dirty
rebuild of 1,000 postmortems). Jinja's bytecode cache is the hook it offers for this: a bucket is
keyed by the template's name and file and checked against the checksum of its source, so a template
edited during the session is compiled afresh.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Bytecode in memory, for the life of one serve session (the plugin instance)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # discarded by Jinja when the checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()

    def __len__(self) -> int:
        return len(self._code)
