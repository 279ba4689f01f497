"""Streaming readers for JSON lines and JSON arrays of objects.

Both hand each decoded object to a *builder* (generic field mapping, blivedm, Douyin)
and turn every failure into a located ``Rejected``. Blank lines are not records and are
not counted.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from botcomments.io.base import Built, Item, Location, RecordError, Rejected, preview
from botcomments.io.sources import (
    Opener,
    RawLine,
    detect_encoding,
    iter_raw_lines,
    open_binary,
    peek,
)

Builder = Callable[[Mapping[str, Any]], Built]

_ARRAY_CHUNK = 64 * 1024
_WS = " \t\r\n"


TOO_DEEP = "nested deeper than the JSON parser can read (a comment record is flat)"
"""Detail of the ``invalid_json`` rejection of absurdly nested values."""


def build_item(obj: Any, builder: Builder, loc: Location, raw: Callable[[], str]) -> Item:
    """Run a builder on one decoded JSON value, turning failures into ``Rejected``.

    Args:
        obj: The decoded value (must be an object).
        builder: Record builder.
        loc: Where the value is.
        raw: Returns the raw text (only called on rejection).

    Returns:
        The builder's result or a ``Rejected``.
    """
    if not isinstance(obj, dict):
        return Rejected(loc, "not_an_object", f"got a JSON {type(obj).__name__}", preview(raw()))
    try:
        return builder(obj)
    except RecordError as exc:
        return Rejected(loc, exc.reason, exc.detail, preview(raw()))


def _line_item(line: RawLine, path: str, encoding: str, builder: Builder) -> Item | None:
    loc = Location(path, line.lineno, line.offset)
    if line.too_long:
        return Rejected(loc, "line_too_long", "line longer than the limit", preview(line.data))
    try:
        text = line.data.decode(encoding)
    except UnicodeDecodeError as exc:
        detail = f"{exc.reason} at byte {exc.start} of the line ({encoding})"
        return Rejected(loc, "invalid_encoding", detail, preview(line.data))
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except RecursionError:
        return Rejected(loc, "invalid_json", TOO_DEEP, preview(text))
    except ValueError as exc:
        detail = str(exc)
        if line.unterminated:
            detail += " (last line has no line ending: truncated write?)"
        return Rejected(loc, "invalid_json", detail, preview(text))
    return build_item(obj, builder, loc, lambda: text)


def read_json_lines(
    path: Path,
    *,
    builder: Builder,
    encoding: str | None,
    max_line_bytes: int,
    on_encoding: Callable[[str], None],
    opener: Opener = open_binary,
) -> Iterator[Item]:
    """Stream one JSON-lines file, one object per line.

    Args:
        path: The file (``.gz`` allowed).
        builder: Turns one object into a comment, an engagement event or a skip.
        encoding: Text encoding, or None to detect UTF-8 vs GB18030.
        max_line_bytes: Longer lines are rejected (``line_too_long``) without being held.
        on_encoding: Called once with the encoding used.
        opener: Opens the file (``io.follow.Follower.open`` follows a growing file).

    Yields:
        ``(Comment | EngagementEvent, ts_unit)``, ``Rejected`` or ``Skipped`` items.
    """
    encoding = encoding or detect_encoding(peek(path))
    on_encoding(encoding)
    name = str(path)
    with opener(path) as fh:
        for line in iter_raw_lines(fh, max_line_bytes):
            item = _line_item(line, name, encoding, builder)
            if item is not None:
                yield item


def read_json_array(
    path: Path,
    *,
    builder: Builder,
    encoding: str | None,
    max_line_bytes: int,
    on_encoding: Callable[[str], None],
) -> Iterator[Item]:
    """Stream a file holding one JSON array of objects, element by element.

    Memory holds one element plus a 64 KiB read buffer. A syntax error stops the file;
    the rest is counted as one ``invalid_json`` rejection at that character offset.

    Args:
        path: The file (``.gz`` allowed).
        builder: Turns one object into a comment, an engagement event or a skip.
        encoding: Text encoding, or None to detect UTF-8 vs GB18030.
        max_line_bytes: Largest element (in characters) held in memory.
        on_encoding: Called once with the encoding used.

    Yields:
        ``(Comment | EngagementEvent, ts_unit)``, ``Rejected`` or ``Skipped`` items;
        ``Location.line`` is
        the element number and ``offset`` its character offset.
    """
    encoding = encoding or detect_encoding(peek(path))
    on_encoding("utf-8-sig" if encoding == "utf-8" else encoding)
    name = str(path)
    with open_binary(path) as raw_fh:
        fh = io.TextIOWrapper(raw_fh, encoding="utf-8-sig" if encoding == "utf-8" else encoding)
        parser = _ArrayParser(fh.read, max_line_bytes)
        try:
            for index, (offset, obj, text) in enumerate(parser, start=1):
                loc = Location(name, index, offset)
                yield build_item(obj, builder, loc, lambda t=text: t)  # type: ignore[misc]
        except (ValueError, UnicodeDecodeError) as exc:
            reason = "invalid_encoding" if isinstance(exc, UnicodeDecodeError) else "invalid_json"
            loc = Location(name, None, parser.offset)
            yield Rejected(loc, reason, f"{exc}; the rest of the array was not read")


class _ArrayParser:
    """Iterate ``(char_offset, value, raw_text)`` over the elements of a streamed JSON array."""

    def __init__(self, read: Callable[[int], str], max_chars: int) -> None:
        self._read = read
        self._max = max_chars
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._base = 0
        self._eof = False

    @property
    def offset(self) -> int:
        """Character offset of the parser in the file."""
        return self._base + self._pos

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._read(_ARRAY_CHUNK)
        self._base += self._pos
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        if not data:
            self._eof = True
        return bool(data)

    def _next_char(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _value(self) -> tuple[int, Any, str]:
        while True:
            try:
                obj, end = self._decoder.raw_decode(self._buf, self._pos)
                if end < len(self._buf) or self._eof:
                    break
            except json.JSONDecodeError:
                if self._eof:
                    raise
            except RecursionError:
                raise ValueError(TOO_DEEP) from None
            if len(self._buf) - self._pos > self._max:
                raise ValueError(f"array element longer than {self._max} characters")
            self._fill()
        start, text = self.offset, self._buf[self._pos : end]
        self._pos = end
        return start, obj, text

    def __iter__(self) -> Iterator[tuple[int, Any, str]]:
        if self._next_char() != "[":
            raise ValueError("a .json file must hold one array [...] of objects or JSON lines")
        self._pos += 1
        first = True
        while True:
            ch = self._next_char()
            if ch == "]":
                return
            if not first:
                if ch != ",":
                    raise ValueError(f"expected ',' or ']' at character {self.offset}")
                self._pos += 1
                self._next_char()
            first = False
            yield self._value()
