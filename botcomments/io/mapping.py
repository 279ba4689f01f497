"""Field mapping and value coercion shared by all readers.

A field map says which input field feeds which ``Comment`` field, e.g. the CLI's
``--map text=content,user_id=uid``. Unmapped ``Comment`` fields fall back to common
aliases (``DEFAULT_ALIASES``); a mapped source may be a dotted path into nested JSON
(``user_id=user.id``). Every input field not used is kept in ``Comment.extra``.
A record with a ``kind`` (one of ``records.ENGAGEMENT_KINDS``) and no text is an
:class:`~botcomments.records.EngagementEvent` instead (:func:`record_from_mapping`).

Example:
    >>> fm = parse_field_map("text=content,user_id=uid")
    >>> c, unit = comment_from_mapping(
    ...     {"content": "主播好美", "uid": 42, "ts": 1714565703123, "level": 3},
    ...     fm, default_room="room1", default_platform="jsonl")
    >>> c.text, c.user_id, c.ts, unit, c.extra
    ('主播好美', '42', 1714565703.123, 'ms', {'level': 3})
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from botcomments.io.base import RecordError
from botcomments.io.timestamps import TimestampError, parse_timestamp
from botcomments.records import (
    CORE_FIELDS,
    ENGAGEMENT_KINDS,
    LABEL_NAMES,
    Comment,
    EngagementEvent,
)

DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "comment", "message", "msg", "danmaku"),
    "room_id": ("room_id", "roomid", "room"),
    "user_id": ("user_id", "uid", "userid"),
    "ts": ("ts", "timestamp", "time", "created_at", "create_time"),
    "msg_id": ("msg_id", "message_id", "id"),
    "platform": ("platform",),
    "label": ("label",),
    "kind": ("kind",),
    "count": ("count",),
}
"""Input field names tried, in order, for each unmapped Comment/EngagementEvent field."""

MAPPABLE_FIELDS: tuple[str, ...] = (*CORE_FIELDS, "kind", "count")
"""Fields ``--map`` may name: the Comment fields plus an event's ``kind`` and ``count``."""
MAX_COUNT = 2**63 - 1
"""Largest event count accepted (an int64, as every output can store it)."""

_LABEL_WORDS: dict[str, int] = {name: i for i, name in LABEL_NAMES.items()}
_MISSING = object()
_SURROGATE = re.compile("[\ud800-\udfff]")


_FULL_WIDTH_MAP_PUNCT = str.maketrans({"，": ",", "＝": "=", "、": ","})
"""Full-width separators a Chinese input method types in ``--map``."""


def parse_field_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse a field map given as ``"text=content,user_id=uid"`` or a dict.

    Args:
        spec: The map, or None for no explicit mapping.

    Returns:
        Record field -> input field.

    Raises:
        ValueError: On a malformed pair or a field not in ``MAPPABLE_FIELDS``.
    """
    if spec is None:
        return {}
    if isinstance(spec, str):
        pairs: dict[str, str] = {}
        spec_text = spec.translate(_FULL_WIDTH_MAP_PUNCT)  # typed with a Chinese IME
        for part in filter(None, (p.strip() for p in spec_text.split(","))):
            target, sep, source = part.partition("=")
            if not sep or not target.strip() or not source.strip() or "=" in source:
                raise ValueError(
                    f"bad --map entry {part!r}: write FIELD=COLUMN pairs separated by commas, "
                    "e.g. text=content,user_id=uid"
                )
            pairs[target.strip()] = source.strip()
        spec = pairs
    unknown = sorted(set(spec) - set(MAPPABLE_FIELDS))
    if unknown:
        raise ValueError(
            f"cannot map {unknown}: mappable fields are {', '.join(MAPPABLE_FIELDS)}"
        )
    return dict(spec)


def _lookup(record: Mapping[str, Any], path: str) -> Any:
    if path in record:
        return record[path]
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _pick(
    record: Mapping[str, Any], name: str, field_map: Mapping[str, str], used: set[str]
) -> Any:
    source = field_map.get(name)
    if source is not None:
        used.add(source)
        return _lookup(record, source)
    for alias in DEFAULT_ALIASES[name]:
        if alias in record:
            used.add(alias)
            return record[alias]
    return _MISSING


def as_id(value: Any) -> str | None:
    """Coerce an id (int, uint64, str, float) to a string; empty -> None.

    Args:
        value: Raw id.

    Returns:
        The id as a string, or None.

    Raises:
        RecordError: ``invalid_encoding`` for a lone UTF-16 surrogate (no output
            encoding can write it).
    """
    if value is None or value is _MISSING:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if not text.isascii() and _SURROGATE.search(text):
        raise RecordError("invalid_encoding", f"id {text!r} contains a lone UTF-16 surrogate")
    return text or None


def as_text(value: Any) -> str:
    """Validate comment text: a non-blank string (numbers like 666 are accepted as text).

    Args:
        value: Raw text value.

    Returns:
        The text unchanged.

    Raises:
        RecordError: ``missing_text``, ``bad_text``, ``empty_text`` or
            ``invalid_encoding`` (lone surrogates, e.g. from a ``"\\ud800"`` JSON escape).
    """
    if value is _MISSING or value is None:
        raise RecordError("missing_text", "the record has no text field")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError("bad_text", f"text is a {type(value).__name__}, not a string")
    if not value.strip():
        raise RecordError("empty_text", "text is empty")
    if not value.isascii() and _SURROGATE.search(value):
        raise RecordError("invalid_encoding", "text contains a lone UTF-16 surrogate")
    return value


def as_ts(value: Any) -> tuple[float | None, str]:
    """Parse an optional timestamp.

    Args:
        value: Raw timestamp; None/missing/"" means no timestamp.

    Returns:
        (unix seconds or None, unit assumed or "none").

    Raises:
        RecordError: ``bad_timestamp`` with the parser's reason.
    """
    if value is _MISSING or value is None or value == "":
        return None, "none"
    try:
        parsed = parse_timestamp(value)
    except TimestampError as exc:
        raise RecordError("bad_timestamp", str(exc)) from None
    return parsed.seconds, parsed.unit


def as_label(value: Any) -> int | None:
    """Parse an optional label: 0/1, "0"/"1", "human"/"bot", true/false; empty -> None.

    Args:
        value: Raw label.

    Returns:
        0, 1 or None.

    Raises:
        RecordError: ``bad_label`` for anything else.
    """
    if value is _MISSING or value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("0", "1"):
            return int(word)
        if word in _LABEL_WORDS:
            return _LABEL_WORDS[word]
    raise RecordError("bad_label", f"label {value!r} is not 0/1/human/bot")


def comment_from_mapping(
    record: Mapping[str, Any],
    field_map: Mapping[str, str],
    *,
    default_room: str,
    default_platform: str,
) -> tuple[Comment, str]:
    """Build a Comment from a flat (or nested) input record.

    Args:
        record: One input record (JSON object, CSV row, Parquet row).
        field_map: Comment field -> input field (from ``parse_field_map``).
        default_room: Room id when the record has none (e.g. derived from the file name).
        default_platform: Platform when the record has none (e.g. the format name).

    Returns:
        The comment and the timestamp unit assumed.

    Raises:
        RecordError: When the record cannot become a comment.
    """
    used: set[str] = set()
    try:
        text = as_text(_pick(record, "text", field_map, used))
    except RecordError as exc:
        if exc.reason != "missing_text":
            raise
        names = ", ".join(map(str, list(record)[:12])) or "none"
        found = names.encode("utf-8", "backslashreplace").decode("utf-8")  # writable
        raise RecordError(
            "missing_text", f"the record has no text field (its fields: {found})"
        ) from None
    ts, unit = as_ts(_pick(record, "ts", field_map, used))
    label = as_label(_pick(record, "label", field_map, used))
    room = as_id(_pick(record, "room_id", field_map, used)) or default_room
    user_id = as_id(_pick(record, "user_id", field_map, used))
    msg_id = as_id(_pick(record, "msg_id", field_map, used))
    platform = _pick(record, "platform", field_map, used)
    comment = Comment(
        text=text,
        room_id=room,
        ts=ts,
        user_id=user_id,
        msg_id=msg_id,
        platform=str(platform) if platform not in (_MISSING, None, "") else default_platform,
        label=label,
        extra=checked_extra({k: v for k, v in record.items() if k not in used}),
    )
    return comment, unit


def checked_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """Refuse side fields that no output could write (lone UTF-16 surrogates).

    Args:
        extra: The record's fields that are not comment fields.

    Returns:
        ``extra`` unchanged.

    Raises:
        RecordError: ``invalid_encoding`` naming the field.
    """
    stack: list[tuple[str, Any]] = list(extra.items())
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                raise RecordError(
                    "invalid_encoding", f"field {name!r} contains a lone UTF-16 surrogate"
                )
        elif isinstance(value, dict):
            stack.extend((f"{name}.{k}", v) for k, v in value.items())
            stack.extend((f"{name} key", k) for k in value if isinstance(k, str))
        elif isinstance(value, list):
            stack.extend((f"{name}[{i}]", v) for i, v in enumerate(value))
    return extra


def as_count(value: Any, *, default: int | None, what: str = "count") -> int:
    """Parse an engagement event's count: a non-negative integer (numeric strings allowed).

    Args:
        value: Raw count; None/missing/"" means none was given.
        default: Count when none was given; None when a count is required.
        what: The field as the rejection names it (e.g. ``"LikeMessage count"``).

    Returns:
        The count.

    Raises:
        RecordError: ``bad_event`` for a missing required count, a negative, fractional,
            non-numeric or boolean value, or one above ``MAX_COUNT``.

    Example:
        >>> as_count("3", default=1), as_count(None, default=1)
        (3, 1)
    """
    if value is _MISSING or value is None or value == "":
        if default is None:
            raise RecordError("bad_event", f"the event has no {what}")
        return default
    number: Any = value
    if isinstance(value, str):
        text = value.strip()
        try:
            number = int(text) if text.isascii() and text.isdigit() else float(text)
        except ValueError:
            number = None
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_COUNT:
        raise RecordError(
            "bad_event", f"{what} {str(value)[:40]!r} is not a non-negative integer"
        )
    return number


def build_event(
    kind: str,
    *,
    room_id: str,
    when: tuple[float | None, str],
    user_id: str | None = None,
    count: int = 1,
    platform: str,
    label: int | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[EngagementEvent, str]:
    """Build an engagement event from checked values.

    Args:
        kind: One of ``records.ENGAGEMENT_KINDS``.
        room_id: Room id.
        when: ``(unix seconds or None, ts_unit)`` as :func:`as_ts` returns it.
        user_id: Account id, or None.
        count: Checked count (:func:`as_count`).
        platform: Source platform name.
        label: 0/1/None.
        extra: Other fields to keep.

    Returns:
        ``(EngagementEvent, ts_unit)``.

    Raises:
        RecordError: ``invalid_encoding`` for lone surrogates in a side field.
    """
    event = EngagementEvent(kind, room_id=room_id, ts=when[0], user_id=user_id, count=count,
                            platform=platform, label=label, extra=checked_extra(extra or {}))
    return event, when[1]


def _blank(value: Any) -> bool:
    return value is _MISSING or value is None or (isinstance(value, str) and not value.strip())


def record_from_mapping(
    record: Mapping[str, Any],
    field_map: Mapping[str, str],
    *,
    default_room: str,
    default_platform: str,
) -> tuple[Comment | EngagementEvent, str]:
    """Build a comment, or an engagement event when the record has a ``kind`` and no text.

    A record whose ``kind`` (or the ``--map kind=`` column) is set and whose text is
    missing or blank is an event: ``kind`` must be one of ``records.ENGAGEMENT_KINDS``
    (any case), ``count`` defaults to 1 except for ``viewers``. A record with text is a
    comment whatever its ``kind`` (kept in ``extra``, e.g. ``superchat``).

    Args:
        record: One input record (JSON object, CSV row, Parquet row).
        field_map: Record field -> input field (from ``parse_field_map``).
        default_room: Room id when the record has none.
        default_platform: Platform when the record has none.

    Returns:
        ``(Comment | EngagementEvent, ts_unit)``.

    Raises:
        RecordError: When the record can become neither; ``bad_event`` for an unknown
            kind or a bad count.

    Example:
        >>> e, unit = record_from_mapping({"kind": "like", "uid": 7, "ts": 1714565703,
        ...                                "count": "5"}, {}, default_room="r",
        ...                               default_platform="csv")
        >>> e.kind, e.user_id, e.count, unit
        ('like', '7', 5, 's')
    """
    used: set[str] = set()
    kind = _pick(record, "kind", field_map, used)
    if _blank(kind) or not _blank(_pick(record, "text", field_map, used)):
        return comment_from_mapping(
            record, field_map, default_room=default_room, default_platform=default_platform
        )
    name = kind.strip().lower() if isinstance(kind, str) else ""
    if name not in ENGAGEMENT_KINDS:
        raise RecordError(
            "bad_event",
            f"kind {str(kind)[:40]!r} is not one of {', '.join(ENGAGEMENT_KINDS)} "
            "and the record has no text",
        )
    count = as_count(_pick(record, "count", field_map, used),
                     default=None if name == "viewers" else 1, what=f"{name} count")
    when = as_ts(_pick(record, "ts", field_map, used))
    label = as_label(_pick(record, "label", field_map, used))
    room = as_id(_pick(record, "room_id", field_map, used)) or default_room
    user_id = as_id(_pick(record, "user_id", field_map, used))
    platform = _pick(record, "platform", field_map, used)
    return build_event(
        name,
        room_id=room,
        when=when,
        user_id=user_id,
        count=count,
        platform=str(platform) if platform not in (_MISSING, None, "") else default_platform,
        label=label,
        extra={k: v for k, v in record.items() if k not in used},
    )
