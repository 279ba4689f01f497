"""Byte-level input: opening (plain or .gz), encoding detection, bounded-memory line reading.

Encoding detection (when no encoding is given): the first ``SNIFF_BYTES`` of the file
are split into lines; if more than half of the lines with non-ASCII bytes fail to decode
as UTF-8 but decode as GB18030, the file is read as GB18030, else as UTF-8. So a UTF-8
file with a few corrupt lines stays UTF-8 (the bad lines are rejected one by one) and a
GBK/GB18030 export is read correctly. A UTF-8 byte-order mark is removed.

Example:
    >>> detect_encoding("主播好美\\n".encode("gb18030"))
    'gb18030'
"""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SNIFF_BYTES = 64 * 1024
DEFAULT_MAX_LINE_BYTES = 1024 * 1024
"""Lines longer than this (1 MiB) are rejected as ``line_too_long`` without being held."""

UTF8_BOM = b"\xef\xbb\xbf"


Opener = Callable[[Path], BinaryIO]
"""Opens a path for binary reading (:func:`open_binary`, or a follower of growing files)."""


def open_binary(path: Path) -> BinaryIO:
    """Open a file for binary reading, decompressing ``.gz`` transparently.

    Args:
        path: File path.

    Returns:
        A binary file object.

    Raises:
        OSError: If the file cannot be opened.
    """
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def inner_suffix(path: Path) -> str:
    """Return the format suffix of a path, looking through ``.gz`` (``a.jsonl.gz`` -> ``.jsonl``).

    Args:
        path: File path.

    Returns:
        Lower-case suffix including the dot, or "".
    """
    if path.suffix.lower() == ".gz":
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


def stem_of(path: Path) -> str:
    """Return the file name without format and compression suffixes (used as room id).

    Args:
        path: File path.

    Returns:
        ``room123`` for ``/x/room123.jsonl.gz``.
    """
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem or name


def peek(path: Path, n: int = SNIFF_BYTES) -> bytes:
    """Return the first ``n`` bytes of a (possibly gzipped) file.

    Args:
        path: File path.
        n: Number of bytes.

    Returns:
        Up to ``n`` bytes.
    """
    with open_binary(path) as fh:
        return fh.read(n)


def detect_encoding(sample: bytes) -> str:
    """Choose between UTF-8 and GB18030 for a sample of a text file.

    Args:
        sample: The first bytes of the file; when it fills ``SNIFF_BYTES`` its last line
            may end in the middle of a character, which is not held against either
            encoding (a long first record would otherwise look like GB18030).

    Returns:
        "utf-8" or "gb18030".
    """
    lines = sample.split(b"\n")
    cut = len(sample) >= SNIFF_BYTES
    gb_ok = non_ascii = 0
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        non_ascii += 1
        partial = cut and i == len(lines) - 1
        if not _decodes(line, "utf-8", partial) and _decodes(line, "gb18030", partial):
            gb_ok += 1
    return "gb18030" if non_ascii and gb_ok > non_ascii / 2 else "utf-8"


def _decodes(data: bytes, encoding: str, partial: bool) -> bool:
    """Whether ``data`` decodes; with ``partial`` a character cut at the end is allowed."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=not partial)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class RawLine:
    """One physical line of a file.

    Attributes:
        lineno: 1-based line number.
        offset: Byte offset of the line start (in the decompressed stream).
        data: The line bytes without the line ending (only a prefix when ``too_long``).
        too_long: True when the line exceeded the limit and was skipped, not held.
        unterminated: True for a last line without a line ending (a truncated write?).
    """

    lineno: int
    offset: int
    data: bytes
    too_long: bool = False
    unterminated: bool = False


def iter_raw_lines(fh: BinaryIO, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[RawLine]:
    """Yield the lines of a binary stream with bounded memory.

    A line longer than ``max_line_bytes`` is yielded once with ``too_long=True`` and only
    its first bytes; the rest is read and discarded in chunks. A leading UTF-8 BOM is
    removed. Line endings ``\\n``, ``\\r\\n`` and bare ``\\r`` end a line (a raw CR cannot
    occur inside a JSON string; in CSV it ends a row as csv itself would).

    Args:
        fh: Binary file object.
        max_line_bytes: Longest line held in memory.

    Yields:
        ``RawLine`` objects.
    """
    offset = 0
    lineno = 0
    first = True
    while True:
        chunk = fh.readline(max_line_bytes + 1)
        if not chunk:
            return
        lineno += 1
        start = offset
        offset += len(chunk)
        if first:
            first = False
            if chunk.startswith(UTF8_BOM):
                chunk = chunk[len(UTF8_BOM) :]
        too_long = len(chunk) > max_line_bytes and not chunk.endswith(b"\n")
        if too_long:
            head = chunk[:4096]
            while chunk and not chunk.endswith(b"\n"):
                chunk = fh.readline(max_line_bytes)
                offset += len(chunk)
            yield RawLine(lineno, start, head, too_long=True)
            continue
        body = chunk.rstrip(b"\r\n")
        if b"\r" not in body:
            yield RawLine(lineno, start, body, unterminated=not chunk.endswith(b"\n"))
            continue
        # bare CR line endings (classic Mac, some Windows exports): one record per CR
        parts = body.split(b"\r")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            yield RawLine(lineno, start, part, unterminated=last and not chunk.endswith(b"\n"))
            start += len(part) + 1
            if not last:
                lineno += 1
