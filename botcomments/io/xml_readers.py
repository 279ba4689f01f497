"""Streaming readers for BililiveRecorder live XML and Bilibili video danmaku XML.

The file is fed to the expat pull parser in 64 KiB chunks and each ``<d>``/``<sc>``/
``<gift>``/``<guard>`` element is turned into a record (a comment, or a ``gift``
engagement event for ``<gift>``/``<guard>``) as soon as it closes; no tree
is built, so memory stays bounded whatever the file size, and every record knows its
line number. A parse error (truncated recording, invalid character) stops that file:
the rest is counted as one ``invalid_xml`` rejection at the error's line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from botcomments.io.base import Item, Location, RecordError, Rejected, Skipped, preview
from botcomments.io.platforms import (
    bililive_danmaku,
    bililive_gift,
    bililive_superchat,
    video_danmaku,
)
from botcomments.io.sources import SNIFF_BYTES, Opener, detect_encoding, open_binary
from botcomments.io.timestamps import TimestampError, parse_timestamp

_CHUNK = 64 * 1024
_TEXT_TAGS = frozenset({"d", "sc"})
_EVENT_TAGS = frozenset({"gift", "guard"})
_METADATA_TAGS = frozenset(
    {
        "i",
        "chatserver",
        "chatid",
        "mission",
        "maxlimit",
        "state",
        "real_name",
        "source",
        "BililiveRecorder",
        "BililiveRecorderRecordInfo",
        "BililiveRecorderXmlStyle",
    }
)
_P_ATTR = re.compile(rb'<d\s+p="([^"]*)"')


def sniff_xml_format(sample: bytes) -> str:
    """Tell BililiveRecorder live XML from Bilibili video danmaku XML.

    Args:
        sample: The first bytes of the file.

    Returns:
        "bililive_xml" or "bilibili_xml".
    """
    if b"BililiveRecorder" in sample or b"<sc " in sample or b"<gift " in sample:
        return "bililive_xml"
    match = _P_ATTR.search(sample)
    if match:
        fields = match.group(1).split(b",")
        if len(fields) > 4 and fields[4].isdigit() and int(fields[4]) >= 10**11:
            return "bililive_xml"  # absolute send time in milliseconds
    return "bilibili_xml"


class _XmlState:
    """Element handlers of one file; finished records collect in ``pending``."""

    def __init__(self, path: str, default_room: str, live: bool, parser: Any) -> None:
        self.path = path
        self.room = default_room
        self.live = live
        self.start: float | None = None
        self.parser = parser
        self.pending: list[Item] = []
        self.depth = 0
        self._tag: str | None = None
        self._attrs: dict[str, str] = {}
        self._line = 0
        self._text: list[str] = []
        self._chatid: list[str] | None = None

    def start_element(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth != 2:
            return
        if tag == "BililiveRecorderRecordInfo":
            self._record_info(attrs)
        elif tag == "chatid" and not self.live:
            self._chatid = []
        self._tag, self._attrs, self._line = tag, attrs, self.parser.CurrentLineNumber
        self._text = []

    def char_data(self, data: str) -> None:
        if self.depth == 2 and self._tag in _TEXT_TAGS:
            self._text.append(data)
        elif self._chatid is not None:
            self._chatid.append(data)

    def end_element(self, tag: str) -> None:
        self.depth -= 1
        if self.depth != 1:
            return
        if self._chatid is not None:
            chatid = "".join(self._chatid).strip()
            self.room = chatid if chatid not in ("", "0") else self.room
            self._chatid = None
        elif tag not in _METADATA_TAGS:
            self.pending.append(self._build(tag, "".join(self._text)))
        self._tag = None

    def _record_info(self, attrs: dict[str, str]) -> None:
        self.room = attrs.get("roomid") or self.room
        try:
            self.start = parse_timestamp(attrs.get("start_time", "")).seconds
        except TimestampError:
            self.start = None

    def _build(self, tag: str, text: str) -> Item:
        try:
            if tag == "d":
                if self.live:
                    return bililive_danmaku(self._attrs, text, room=self.room, start=self.start)
                return video_danmaku(self._attrs, text, room=self.room)
            if tag == "sc" and self.live:
                return bililive_superchat(self._attrs, text, room=self.room, start=self.start)
            if tag in _EVENT_TAGS and self.live:
                return bililive_gift(tag, self._attrs, room=self.room, start=self.start)
        except RecordError as exc:
            attrs = " ".join(f'{k}="{v}"' for k, v in self._attrs.items())
            raw = preview(f"<{tag} {attrs}>{text}</{tag}>")
            return Rejected(Location(self.path, self._line), exc.reason, exc.detail, raw)
        return Skipped(tag)


def read_xml(
    path: Path,
    *,
    live: bool,
    default_room: str,
    encoding: str | None,
    on_encoding: Callable[[str], None],
    opener: Opener = open_binary,
) -> Iterator[Item]:
    """Stream the records of one Bilibili XML file.

    Args:
        path: The XML file (``.gz`` allowed).
        live: True for BililiveRecorder live XML, False for video danmaku XML.
        default_room: Room id when the file has no ``roomid``/``chatid``.
        encoding: Force a text encoding (e.g. gb18030); None trusts the XML declaration
            unless the content is detected as GB18030.
        on_encoding: Called once with the encoding used.
        opener: Opens the file (``io.follow.Follower.open`` follows a growing file).

    Yields:
        ``(Comment, ts_unit)``, ``(EngagementEvent, ts_unit)`` (``<gift>``, ``<guard>``),
        ``Rejected`` or ``Skipped`` items.
    """
    with opener(path) as fh:
        head = fh.read(SNIFF_BYTES)
        if encoding is None and detect_encoding(head) == "gb18030":
            encoding = "gb18030"
        decode = None
        if encoding is not None and codecs.lookup(encoding).name != "utf-8":
            decode = codecs.getincrementaldecoder(encoding)(errors="strict").decode
        parser = expat.ParserCreate(encoding="utf-8" if decode else None)
        on_encoding(encoding or "xml-declared")
        state = _XmlState(str(path), default_room, live, parser)
        parser.StartElementHandler = state.start_element
        parser.EndElementHandler = state.end_element
        parser.CharacterDataHandler = state.char_data
        parser.buffer_text = True
        chunk = head
        while True:
            final = not chunk
            try:
                parser.Parse(decode(chunk, final) if decode else chunk, final)
            except (expat.ExpatError, UnicodeDecodeError) as exc:
                yield from state.pending
                yield _parse_failure(path, parser, exc)
                return
            yield from state.pending
            state.pending.clear()
            if final:
                return
            chunk = fh.read(_CHUNK)


def _parse_failure(path: Path, parser: Any, exc: Exception) -> Rejected:
    line = parser.ErrorLineNumber if isinstance(exc, expat.ExpatError) else None
    if isinstance(exc, UnicodeDecodeError):
        return Rejected(Location(str(path), line), "invalid_encoding", str(exc))
    column = parser.ErrorColumnNumber
    detail = f"{expat.ErrorString(parser.ErrorCode)} at line {line}, column {column}"
    codes = expat.errors.codes
    early_end = (
        codes[expat.errors.XML_ERROR_NO_ELEMENTS],
        codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    )
    if parser.ErrorCode in early_end:
        detail += " (file ends early: truncated recording?)"
    return Rejected(Location(str(path), line), "invalid_xml", detail)
