"""Bytes on disk -> text, or a located reason why the file is not a text postmortem."""

from __future__ import annotations

from .errors import ParseError


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; CRLF and lone CR become LF so line numbers match editors."""
    if b"\x00" in data:
        raise ParseError("file-unreadable", "binary file (contains NUL bytes); expected UTF-8 Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(
            "file-unreadable",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            line,
            col,
        ) from None
    if not text.strip():
        raise ParseError("file-empty", "empty file; start from `pmkb new` to get the template")
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """As MkDocs reads a page (text mode, universal newlines). A byte-order mark is dropped once,
    when decoding, as MkDocs' `utf-8-sig` does: a second one stays and MkDocs sees no front matter."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
