"""The one record type every reader produces and every stage consumes.

Example:
    >>> c = Comment(text="主播好美", room_id="r1", ts=1700000000.0, user_id="42")
    >>> c.to_dict()["room_id"]
    'r1'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

LABEL_NAMES: dict[int, str] = {0: "human", 1: "bot"}
"""Label ids and names used everywhere (data files, model config ``id2label``)."""

CORE_FIELDS: tuple[str, ...] = (
    "platform",
    "room_id",
    "user_id",
    "ts",
    "text",
    "msg_id",
    "label",
)


def _id_or_none(value: object, name: str) -> str | None:
    """An id as the readers give it: str kept, integers (uint64 ids) as decimal strings.

    Raises:
        TypeError: For any other type (a list, a float with a fraction, ...).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise TypeError(f"{name} {value!r} is a {type(value).__name__}; pass a str (or an int id)")


PLATFORM_POSTED_KEY = "platform_posted"
"""``Comment.extra`` key marking a line the platform posted on a viewer's behalf (Bilibili
节奏风暴 storm and 天选 lottery lines, ``DANMU_MSG`` ``info[0][9]`` 1 or 2): the viewer
clicked, the platform typed. Such lines are organic floods, never bot evidence: the
scorer gives them bot score 0 (docs/input-formats.md). Set by the blivedm reader; any
other input may carry the field (true/1)."""
BILIBILI_PLATFORM_MSG_TYPES: frozenset[int] = frozenset({1, 2})
"""``DANMU_MSG`` ``info[0][9]`` values of platform-posted lines (1 storm, 2 lottery)."""


def is_platform_posted(comment: Comment) -> bool:
    """Whether the platform posted this line for a viewer (:data:`PLATFORM_POSTED_KEY`).

    Args:
        comment: Any comment.

    Returns:
        True when ``extra["platform_posted"]`` is true, 1 or the string "true"/"1".
    """
    value = comment.extra.get(PLATFORM_POSTED_KEY)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value is True or (type(value) is int and value == 1)


EPOCH_UNITS: tuple[tuple[float, str, float], ...] = (
    (1e11, "s", 1.0),
    (1e14, "ms", 1e3),
    (1e17, "us", 1e6),
    (1e20, "ns", 1e9),
)
"""(exclusive upper bound of an epoch number, its unit, divisor to seconds): below 1e11
(year 5138) seconds, then milliseconds, microseconds, nanoseconds."""
EPOCH_SECONDS_BOUND = EPOCH_UNITS[0][0]


def epoch_seconds(number: float) -> tuple[float, str]:
    """Unix seconds of a finite, non-negative epoch number, its unit chosen by magnitude.

    Args:
        number: The raw number.

    Returns:
        ``(seconds, unit)``, unit one of ``s``/``ms``/``us``/``ns``.

    Raises:
        ValueError: If it is too large for any unit.

    Example:
        >>> epoch_seconds(1714565703123)
        (1714565703.123, 'ms')
    """
    for bound, unit, divisor in EPOCH_UNITS:
        if number < bound:
            return number / divisor, unit
    raise ValueError(f"timestamp {number!r} is too large for s/ms/us/ns")


@dataclass(slots=True)
class Comment:
    """One chat comment.

    Args:
        text: The comment text as posted (not normalised).
        room_id: Room / stream identifier, always a string.
        ts: Unix seconds as float, or None when the source has no timestamp.
        user_id: Account id as a string (Douyin ids are uint64), None for guests.
        msg_id: Message id as a string, None when the source has none.
        platform: Source platform name ("bilibili", "douyin", "jsonl", ...).
        label: 0 genuine, 1 bot, None when unlabeled.
        extra: Every other input field, kept so outputs can echo the input.

    Integer ids become strings and an integer ``ts`` a float, as the readers do; an epoch
    number of 1e11 or more is read by magnitude as milliseconds, microseconds or
    nanoseconds (a Douyin ``createTime`` in ms becomes seconds), as the readers do.

    Raises:
        TypeError: If ``text`` is not a str, an id is neither str nor integer, or ``ts``
            is not a number (e.g. an unparsed date string).
        ValueError: If ``ts`` is NaN/infinite/negative or too large for any epoch unit,
            or ``label`` is not 0/1/None.
    """

    text: str
    room_id: str
    ts: float | None = None
    user_id: str | None = None
    msg_id: str | None = None
    platform: str = "unknown"
    label: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(
                f"text is a {type(self.text).__name__}, not a str; decode bytes first"
            )
        if type(self.room_id) is not str:  # the readers' str ids skip the conversion
            self.room_id = _id_or_none(self.room_id, "room_id") or ""
        if self.user_id is not None and type(self.user_id) is not str:
            self.user_id = _id_or_none(self.user_id, "user_id")
        if self.msg_id is not None and type(self.msg_id) is not str:
            self.msg_id = _id_or_none(self.msg_id, "msg_id")
        if self.ts is not None and type(self.ts) is not float:
            if isinstance(self.ts, bool) or not isinstance(self.ts, (int, float)):
                raise TypeError(
                    f"ts {self.ts!r} is a {type(self.ts).__name__}; pass unix seconds as a "
                    "number (parse strings with botcomments.io.timestamps.parse_timestamp)"
                )
            self.ts = float(self.ts)
        if self.ts is not None and self.ts >= EPOCH_SECONDS_BOUND and math.isfinite(self.ts):
            self.ts = epoch_seconds(self.ts)[0]
        if self.ts is not None and (not math.isfinite(self.ts) or self.ts < 0):
            raise ValueError(
                f"timestamp {self.ts!r} is not a finite non-negative number of seconds; "
                "fix the source field or map another column with --map ts=..."
            )
        if self.label not in (None, 0, 1):
            raise ValueError(f"label {self.label!r} must be 0 (human), 1 (bot) or empty")

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a flat JSON-ready dict (extra fields first, core fields win).

        Returns:
            A dict with the extra fields and the core fields.
        """
        out: dict[str, Any] = dict(self.extra)
        out.update(
            platform=self.platform,
            room_id=self.room_id,
            user_id=self.user_id,
            ts=self.ts,
            text=self.text,
            msg_id=self.msg_id,
        )
        if self.label is not None:
            out["label"] = self.label
        return out


ENGAGEMENT_KINDS: dict[str, str] = {
    "enter": "an account entered the room (blivedm INTERACT_WORD msg_type 1, Douyin MemberMessage)",
    "like": "likes sent; count = likes in this event (LIKE_INFO_V3_CLICK, Douyin LikeMessage)",
    "viewers": (
        "a viewer/online count snapshot shown by the platform; count = the number shown "
        "(ONLINE_RANK_COUNT, WATCHED_CHANGE, Douyin RoomUserSeqMessage)"
    ),
    "gift": "a gift; count = number of gift items (SEND_GIFT, <gift>, GiftMessage)",
    "follow": "an account followed the host (INTERACT_WORD msg_type 2, Douyin SocialMessage)",
}
"""Engagement event kinds and what ``count`` means for each."""

VIEWER_COUNTER_KEY = "counter"
"""``extra`` key of a ``viewers`` event saying what the number counts: ``"online"``
(viewers in the room now; the default when absent) or ``"watched"`` (everyone who has
watched so far, a cumulative counter such as blivedm ``WATCHED_CHANGE``). The two never
share one curve."""


@dataclass(slots=True)
class EngagementEvent:
    """One non-comment engagement event of a live room: an enter, likes, a viewer count...

    Args:
        kind: One of :data:`ENGAGEMENT_KINDS`.
        room_id: Room / stream identifier, always a string.
        ts: Unix seconds as float, or None when the source has no timestamp.
        user_id: Account id as a string; None for counts the platform shows (``viewers``)
            and for anonymous events.
        count: Non-negative integer; its meaning depends on ``kind`` (1 for an enter).
        platform: Source platform name.
        label: 0 genuine, 1 bought (simulator output and labelled data), None when unknown.
        extra: Every other input field worth keeping (gift name, price, ...).

    Integer ids become strings and epoch numbers are read by magnitude, as for
    :class:`Comment`.

    Raises:
        ValueError: If ``kind`` is unknown, ``count`` is not a non-negative integer, ``ts``
            is not a finite non-negative number of seconds or ``label`` is not 0/1/None.
        TypeError: If an id is neither str nor integer or ``ts`` is not a number.

    Example:
        >>> e = EngagementEvent("like", room_id=5050, ts=1714565703123, user_id=42, count=3)
        >>> e.room_id, e.ts, e.user_id, e.count
        ('5050', 1714565703.123, '42', 3)
    """

    kind: str
    room_id: str
    ts: float | None = None
    user_id: str | None = None
    count: int = 1
    platform: str = "unknown"
    label: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ENGAGEMENT_KINDS:
            raise ValueError(
                f"engagement kind {self.kind!r} is not one of {sorted(ENGAGEMENT_KINDS)}"
            )
        if type(self.room_id) is not str:
            self.room_id = _id_or_none(self.room_id, "room_id") or ""
        if self.user_id is not None and type(self.user_id) is not str:
            self.user_id = _id_or_none(self.user_id, "user_id")
        count: object = self.count
        if isinstance(count, float) and count.is_integer():
            self.count = int(count)
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"count {self.count!r} must be a non-negative integer")
        if self.ts is not None:
            if isinstance(self.ts, bool) or not isinstance(self.ts, (int, float)):
                raise TypeError(f"ts {self.ts!r} is a {type(self.ts).__name__}; pass unix seconds")
            self.ts = float(self.ts)
            if math.isfinite(self.ts) and self.ts >= EPOCH_SECONDS_BOUND:
                self.ts = epoch_seconds(self.ts)[0]
            if not math.isfinite(self.ts) or self.ts < 0:
                raise ValueError(f"timestamp {self.ts!r} is not a finite non-negative number")
        if self.label not in (None, 0, 1):
            raise ValueError(f"label {self.label!r} must be 0 (genuine), 1 (bought) or empty")

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a flat JSON-ready dict (extra fields first, core fields win)."""
        out: dict[str, Any] = dict(self.extra)
        out.update(
            kind=self.kind,
            platform=self.platform,
            room_id=self.room_id,
            user_id=self.user_id,
            ts=self.ts,
            count=self.count,
        )
        if self.label is not None:
            out["label"] = self.label
        return out
