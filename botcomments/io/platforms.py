"""Record builders for platform dumps: blivedm JSON, Douyin webcast JSON, Bilibili XML.

Each builder takes one decoded record and returns ``(Comment, ts_unit)`` for a comment,
``(EngagementEvent, ts_unit)`` for an enter/like/viewer count/gift/follow, ``Skipped(kind)``
for any other valid message, or raises ``RecordError``.

Example:
    >>> msg = {"cmd": "DANMU_MSG",
    ...        "info": [[0, 1, 25, 16777215, 1714565703123], "上车了", [0, "路人***"]]}
    >>> c, unit = blivedm_record(msg, default_room="5050")
    >>> c.user_id.startswith("guest:"), c.extra["guest"], unit
    (True, True, 'ms')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botcomments.io.base import Built, RecordError, Skipped
from botcomments.io.mapping import as_count, as_id, as_text, as_ts, build_event
from botcomments.io.timestamps import TimestampError, resolve_relative
from botcomments.records import (
    BILIBILI_PLATFORM_MSG_TYPES,
    PLATFORM_POSTED_KEY,
    VIEWER_COUNTER_KEY,
    Comment,
    EngagementEvent,
)

Event = tuple[EngagementEvent, str]


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """The side fields of an event that the message carried (no ``None`` values)."""
    return {k: v for k, v in fields.items() if v is not None}


def guest_user_id(masked_name: str) -> str:
    """Stable pseudo user id for a guest (uid 0) from the masked display name.

    Args:
        masked_name: The name the platform shows for the guest (e.g. "路人***").

    Returns:
        ``"guest:"`` + 16 hex chars of the SHA-1 of the name.
    """
    return "guest:" + hashlib.sha1(masked_name.encode("utf-8")).hexdigest()[:16]


def _user(uid: Any, name: str | None, extra: dict[str, Any]) -> str | None:
    """Return the user id, falling back to a guest hash (flagged in ``extra``) for uid 0."""
    user_id = as_id(uid)
    if user_id in (None, "0"):
        if not name:
            return None
        extra["guest"] = True
        return guest_user_id(name)
    return user_id


def _path(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]...``, or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def user_level(value: Any) -> int | None:
    """An account level as a non-negative int (ints and digit strings; else None).

    Stored as ``extra["user_level"]`` on enter events, where the room engagement estimate
    compares the levels of idle entrants with those of the room's interacting accounts
    (docs/engagement.md). A malformed level is left out, the event kept.

    Example:
        >>> user_level(12), user_level("7"), user_level(True), user_level(-1)
        (12, 7, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _seq(value: Any, min_len: int, what: str) -> Sequence[Any]:
    if not isinstance(value, list) or len(value) < min_len:
        raise RecordError("bad_record", f"{what} must be a list of at least {min_len} items")
    return value


# ----------------------------------------------------------------------------- blivedm


def blivedm_record(obj: Mapping[str, Any], *, default_room: str) -> Built:
    """Build a comment from one blivedm websocket message.

    ``DANMU_MSG`` (text ``info[1]``, uid ``info[2][0]``, name ``info[2][1]``, ms timestamp
    ``info[0][4]``; ``info[0][9]`` kept as ``extra["msg_type"]``, and 1/2 -- storm and
    lottery lines the platform posts for a viewer -- mark ``extra["platform_posted"]``)
    and ``SUPER_CHAT_MESSAGE`` (kept with ``extra["kind"]="superchat"``)
    become comments; the ``cmd``s of :data:`BLIVEDM_EVENTS` become engagement events;
    every other ``cmd`` is skipped by kind. Room id from a top-level ``room_id``/``roomid``
    field, else ``default_room``.

    Args:
        obj: The decoded JSON message.
        default_room: Room id when the message carries none.

    Returns:
        ``(Comment, ts_unit)``, ``(EngagementEvent, ts_unit)`` or ``Skipped``.

    Raises:
        RecordError: When the message lacks ``cmd`` or has a malformed ``info``/``data``
            (``bad_event`` for an event without its ``data`` or count).
    """
    cmd = obj.get("cmd")
    if not isinstance(cmd, str):
        raise RecordError("bad_record", "no string 'cmd' field: not a blivedm message")
    kind = cmd.split(":", 1)[0]
    room = as_id(obj.get("room_id", obj.get("roomid"))) or default_room
    if kind == "DANMU_MSG":
        return _danmu(obj.get("info"), room, cmd)
    if kind == "SUPER_CHAT_MESSAGE":
        return _superchat(obj.get("data"), room)
    build = BLIVEDM_EVENTS.get(kind)
    if build is not None:
        data = obj.get("data")
        if not isinstance(data, Mapping):
            raise RecordError("bad_event", f"{kind} has no 'data' object")
        return build(data, _BiliEvent(obj, data, room, cmd))
    return Skipped(kind)


def _danmu(info: Any, room: str, cmd: str) -> tuple[Comment, str]:
    info = _seq(info, 3, "DANMU_MSG info")
    meta = _seq(info[0], 5, "DANMU_MSG info[0]")
    user = _seq(info[2], 2, "DANMU_MSG info[2]")
    name = user[1] if isinstance(user[1], str) else None
    extra: dict[str, Any] = {"cmd": cmd, "user_name": name}
    msg_type = meta[9] if len(meta) > 9 else None
    if type(msg_type) is int:
        extra["msg_type"] = msg_type
        if msg_type in BILIBILI_PLATFORM_MSG_TYPES:
            extra[PLATFORM_POSTED_KEY] = True
    ts, unit = as_ts(meta[4] or None)
    comment = Comment(
        text=as_text(info[1]),
        room_id=room,
        ts=ts,
        user_id=_user(user[0], name, extra),
        platform="bilibili",
        extra=extra,
    )
    return comment, unit


def _superchat(data: Any, room: str) -> tuple[Comment, str]:
    if not isinstance(data, Mapping):
        raise RecordError("bad_record", "SUPER_CHAT_MESSAGE has no 'data' object")
    info = data.get("user_info")
    name = info.get("uname") if isinstance(info, Mapping) else None
    extra: dict[str, Any] = {"kind": "superchat", "price": data.get("price"), "user_name": name}
    ts, unit = as_ts(data.get("start_time") or data.get("ts"))
    comment = Comment(
        text=as_text(data.get("message")),
        room_id=room,
        ts=ts,
        user_id=_user(data.get("uid"), name, extra),
        msg_id=as_id(data.get("id")),
        platform="bilibili",
        extra=extra,
    )
    return comment, unit


class _BiliEvent:
    """What every blivedm event shares: room, timestamp, ``cmd``; builds the event."""

    def __init__(self, obj: Mapping[str, Any], data: Mapping[str, Any], room: str,
                 cmd: str) -> None:
        self.obj, self.data, self.room, self.cmd = obj, data, room, cmd

    def make(self, kind: str, count: int, *, ts: Any = None, user: str | None = "uid",
             name: str = "uname", **extra: Any) -> Event:
        """The event (``user=None``: a room count, no account); ``ts`` falls back to the
        dump's top-level ``ts``/``timestamp`` (blivedm itself stamps few events)."""
        fields: dict[str, Any] = {"cmd": self.cmd, **extra}
        user_id = None
        if user is not None and user in self.data:
            user_name = self.data.get(name)
            fields["user_name"] = user_name
            user_id = _user(self.data.get(user), user_name if isinstance(user_name, str)
                            else None, fields)
        raw_ts = ts or self.obj.get("ts") or self.obj.get("timestamp") or None
        return build_event(kind, room_id=self.room, when=as_ts(raw_ts), user_id=user_id,
                           count=count, platform="bilibili", extra=_present(fields))


_INTERACT_KINDS: dict[int, str] = {1: "enter", 2: "follow", 4: "follow", 5: "follow"}
"""INTERACT_WORD ``msg_type`` -> event kind (4 special follow, 5 mutual follow; 3 share
and 6 like are skipped)."""


def _interact_word(data: Mapping[str, Any], ev: _BiliEvent) -> Built:
    msg_type = data.get("msg_type")
    if isinstance(msg_type, bool) or not isinstance(msg_type, int):
        raise RecordError("bad_event", f"INTERACT_WORD msg_type {msg_type!r} is not an integer")
    kind = _INTERACT_KINDS.get(msg_type)
    if kind is None:
        return Skipped("INTERACT_WORD")
    level = user_level(_path(data, "uinfo", "wealth", "level"))
    return ev.make(kind, 1, ts=data.get("timestamp"), msg_type=msg_type, user_level=level)


def _like_click(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    return ev.make("like", 1)


def _like_total(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    total = as_count(data.get("click_count"), default=None, what=f"{ev.cmd} data.click_count")
    return ev.make("like", 0, user=None, total=total)


def _online_count(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    shown = data.get("count")
    count = as_count(data.get("online_count") if shown is None else shown, default=None,
                     what=f"{ev.cmd} data.count")
    return ev.make("viewers", count, user=None, **{VIEWER_COUNTER_KEY: "online"})


def _watched(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    count = as_count(data.get("num"), default=None, what=f"{ev.cmd} data.num")
    return ev.make("viewers", count, user=None, **{VIEWER_COUNTER_KEY: "watched"})


def _send_gift(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    count = as_count(data.get("num"), default=1, what=f"{ev.cmd} data.num")
    return ev.make("gift", count, ts=data.get("timestamp"),
                   gift_name=data.get("giftName"), gift_id=data.get("giftId"),
                   price=data.get("price"), coin_type=data.get("coin_type"))


def _guard_buy(data: Mapping[str, Any], ev: _BiliEvent) -> Event:
    count = as_count(data.get("num"), default=1, what=f"{ev.cmd} data.num")
    return ev.make("gift", count, ts=data.get("start_time"),
                   name="username", gift_name=data.get("gift_name"),
                   guard_level=data.get("guard_level"), price=data.get("price"))


BLIVEDM_EVENTS: dict[str, Callable[[Mapping[str, Any], _BiliEvent], Built]] = {
    "INTERACT_WORD": _interact_word,
    "LIKE_INFO_V3_CLICK": _like_click,
    "LIKE_INFO_V3_UPDATE": _like_total,
    "ONLINE_RANK_COUNT": _online_count,
    "WATCHED_CHANGE": _watched,
    "SEND_GIFT": _send_gift,
    "GUARD_BUY": _guard_buy,
}
"""blivedm ``cmd``s read as engagement events:

- ``INTERACT_WORD``: ``data.msg_type`` 1 enter, 2/4/5 follow (others skipped);
  ``extra["user_level"]`` = ``data.uinfo.wealth.level`` (the wealth level) when present;
- ``LIKE_INFO_V3_CLICK``: a like (count 1);
- ``LIKE_INFO_V3_UPDATE``: the room's like total (``like`` with count 0 and
  ``extra["total"]`` = ``data.click_count``);
- ``ONLINE_RANK_COUNT`` (``data.count``, else ``data.online_count``; ``extra["counter"] =
  "online"``) and ``WATCHED_CHANGE`` (``data.num``, viewers so far; ``"watched"``):
  ``viewers`` with count = the number shown;
- ``SEND_GIFT`` and ``GUARD_BUY``: a gift, count = ``data.num`` (default 1).
"""


# ----------------------------------------------------------------------------- Douyin


def douyin_record(obj: Mapping[str, Any], *, default_room: str) -> Built:
    """Build a comment or an engagement event from one Douyin webcast message.

    Accepts a bare message (``{"common": {...}, "user": {...}, "content": ...}``) or a
    wrapper ``{"method": "WebcastChatMessage", "payload": {...}}``. The kind comes from
    ``method`` / ``common.method`` ("WebcastChatMessage" -> "ChatMessage"); ChatMessage
    becomes a comment, the kinds of :data:`DOUYIN_EVENTS` engagement events, every other
    kind is skipped. Ids are kept as strings (they are uint64). A missing or zero
    ``createTime`` gives ``ts=None``; seconds or milliseconds are told apart by magnitude.

    Args:
        obj: The decoded JSON message.
        default_room: Room id when ``common.roomId`` is missing.

    Returns:
        ``(Comment, ts_unit)``, ``(EngagementEvent, ts_unit)`` or ``Skipped``.

    Raises:
        RecordError: When the message is not a Douyin message or has a malformed user,
            ``bad_event`` for an event with a missing or bad count.
    """
    payload = obj.get("payload")
    msg: Mapping[str, Any] = payload if isinstance(payload, Mapping) else obj
    common = msg.get("common")
    common = common if isinstance(common, Mapping) else {}
    method = obj.get("method") or common.get("method") or msg.get("method")
    if isinstance(method, str) and method:
        kind = method.removeprefix("Webcast")
    elif "content" in msg:
        kind = "ChatMessage"
    else:
        raise RecordError("bad_record", "no 'method' and no 'content': not a Douyin message")
    build = DOUYIN_EVENTS.get(kind)
    if build is not None:
        return build(msg, _DouyinEvent(msg, common, default_room))
    if kind != "ChatMessage":
        return Skipped(kind)
    user_id, extra = _douyin_user(msg)
    ts, unit = as_ts(common.get("createTime") or None)
    comment = Comment(
        text=as_text(msg.get("content")),
        room_id=as_id(common.get("roomId")) or default_room,
        ts=ts,
        user_id=user_id,
        msg_id=as_id(common.get("msgId")),
        platform="douyin",
        extra=extra,
    )
    return comment, unit


def _douyin_user(msg: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The sender's id (``idStr``/``id``, else ``secUid``) and the name fields for ``extra``."""
    user = msg.get("user")
    user = user if isinstance(user, Mapping) else {}
    name = user.get("nickName") or user.get("nickname")
    extra: dict[str, Any] = {"user_name": name, "sec_uid": user.get("secUid")}
    return as_id(user.get("idStr") or user.get("id")) or as_id(user.get("secUid")), extra


class _DouyinEvent:
    """What every Douyin event shares: room, ``createTime``, sender; builds the event."""

    def __init__(self, msg: Mapping[str, Any], common: Mapping[str, Any], default_room: str
                 ) -> None:
        self.msg, self.common, self.default_room = msg, common, default_room

    def make(self, kind: str, count: int, *, with_user: bool = True, **extra: Any) -> Event:
        """The event (``with_user=False``: a room count, no account)."""
        user_id, fields = _douyin_user(self.msg) if with_user else (None, {})
        fields.update(extra)
        return build_event(kind, room_id=as_id(self.common.get("roomId")) or self.default_room,
                           when=as_ts(self.common.get("createTime") or None), user_id=user_id,
                           count=count, platform="douyin", extra=_present(fields))


def _douyin_like(msg: Mapping[str, Any], ev: _DouyinEvent) -> Event:
    count = as_count(msg.get("count"), default=None, what="LikeMessage count")
    return ev.make("like", count, total=msg.get("total"))


def _douyin_member(msg: Mapping[str, Any], ev: _DouyinEvent) -> Event:
    level = user_level(_path(msg, "user", "payGrade", "level"))
    return ev.make("enter", 1, member_count=msg.get("memberCount"), action=msg.get("action"),
                   user_level=level)


def _douyin_viewers(msg: Mapping[str, Any], ev: _DouyinEvent) -> Event:
    online = msg.get("total")
    count = as_count(msg.get("totalUser") if online is None else online, default=None,
                     what="RoomUserSeqMessage total")
    counter = "watched" if online is None else "online"
    return ev.make("viewers", count, with_user=False, total_user=msg.get("totalUser"),
                   **{VIEWER_COUNTER_KEY: counter})


def _douyin_gift(msg: Mapping[str, Any], ev: _DouyinEvent) -> Event:
    gift = msg.get("gift")
    gift = gift if isinstance(gift, Mapping) else {}
    repeat = msg.get("repeatCount")
    count = as_count(msg.get("comboCount") if repeat is None else repeat, default=1,
                     what="GiftMessage repeatCount")
    return ev.make("gift", count, gift_name=gift.get("name"), gift_id=msg.get("giftId"),
                   diamond_count=gift.get("diamondCount"), repeat_end=msg.get("repeatEnd"))


def _douyin_social(msg: Mapping[str, Any], ev: _DouyinEvent) -> Built:
    action = msg.get("action")
    if action not in (None, 1, "1"):
        return Skipped("SocialMessage")  # 3 is a share
    return ev.make("follow", 1, follow_count=msg.get("followCount"))


DOUYIN_EVENTS: dict[str, Callable[[Mapping[str, Any], _DouyinEvent], Built]] = {
    "LikeMessage": _douyin_like,
    "MemberMessage": _douyin_member,
    "RoomUserSeqMessage": _douyin_viewers,
    "GiftMessage": _douyin_gift,
    "SocialMessage": _douyin_social,
}
"""Douyin message kinds read as engagement events:

- ``LikeMessage``: ``like``, count = ``count`` (required), ``extra["total"]`` = ``total``;
- ``MemberMessage``: ``enter`` of ``user``, ``extra["member_count"]`` = ``memberCount``,
  ``extra["user_level"]`` = ``user.payGrade.level`` (the pay grade) when present;
- ``RoomUserSeqMessage``: ``viewers``, count = ``total`` (online now,
  ``extra["counter"] = "online"``; else ``totalUser``, viewers so far, ``"watched"``),
  ``extra["total_user"]`` = ``totalUser``;
- ``GiftMessage``: ``gift``, count = ``repeatCount`` (else ``comboCount``, else 1); a combo
  is sent as several messages with a growing ``repeatCount`` (``extra["repeat_end"]``);
- ``SocialMessage``: ``follow`` when ``action`` is 1 or absent (3, a share, is skipped).
"""


# ----------------------------------------------------------------------------- Bilibili XML


def _p_fields(attrs: Mapping[str, str], n: int) -> list[str]:
    fields = attrs.get("p", "").split(",")
    if len(fields) < n:
        raise RecordError("bad_record", f"<d p=...> has {len(fields)} fields, expected {n}")
    return fields


def _relative_ts(offset: str, start: float | None) -> tuple[float | None, str]:
    try:
        ts = resolve_relative(offset, start)
    except TimestampError as exc:
        raise RecordError("bad_timestamp", str(exc)) from None
    return ts, ("relative" if ts is not None else "none")


def bililive_danmaku(
    attrs: Mapping[str, str], text: str, *, room: str, start: float | None
) -> tuple[Comment, str]:
    """Build a comment from a BililiveRecorder ``<d p="ts,type,size,color,send_ms,0,uid,0">``.

    The absolute ``send_ms`` is used; when it is 0 the relative ``ts`` is resolved
    against the recording start.

    Args:
        attrs: The element's attributes.
        text: The element text.
        room: Room id of the file.
        start: Recording start (unix seconds) or None.

    Returns:
        ``(Comment, ts_unit)``.

    Raises:
        RecordError: On a malformed ``p`` attribute, timestamp or empty text.
    """
    p = _p_fields(attrs, 7)
    name = attrs.get("user")
    extra: dict[str, Any] = {"user_name": name, "mode": p[1], "color": p[3], "offset_s": p[0]}
    if p[4].strip() not in ("", "0"):
        ts, unit = as_ts(p[4])
    else:
        ts, unit = _relative_ts(p[0], start)
    comment = Comment(
        text=as_text(text),
        room_id=room,
        ts=ts,
        user_id=_user(p[6], name, extra),
        platform="bilibili",
        extra=extra,
    )
    return comment, unit


def bililive_superchat(
    attrs: Mapping[str, str], text: str, *, room: str, start: float | None
) -> tuple[Comment, str]:
    """Build a comment (``extra["kind"]="superchat"``) from a BililiveRecorder ``<sc>``.

    Args:
        attrs: The element's attributes (``ts`` relative seconds, ``user``, ``uid``,
            ``price``, ``time``).
        text: The super-chat text.
        room: Room id of the file.
        start: Recording start (unix seconds) or None.

    Returns:
        ``(Comment, ts_unit)``.

    Raises:
        RecordError: On a bad ``ts`` or empty text.
    """
    name = attrs.get("user")
    extra: dict[str, Any] = {"kind": "superchat", "price": attrs.get("price"), "user_name": name}
    ts, unit = _relative_ts(attrs.get("ts", ""), start)
    comment = Comment(
        text=as_text(text),
        room_id=room,
        ts=ts,
        user_id=_user(attrs.get("uid"), name, extra),
        platform="bilibili",
        extra=extra,
    )
    return comment, unit


def bililive_gift(
    tag: str, attrs: Mapping[str, str], *, room: str, start: float | None
) -> Event:
    """Build a ``gift`` event from a BililiveRecorder ``<gift>`` or ``<guard>``.

    ``<gift ts user uid giftname giftcount>``: count = ``giftcount``; ``<guard ts user uid
    level count>`` (a captain membership bought): count = ``count``, ``extra["guard_level"]``.
    A missing count is 1; ``ts`` (relative) is resolved as for comments.

    Args:
        tag: "gift" or "guard".
        attrs: The element's attributes.
        room: Room id of the file.
        start: Recording start (unix seconds) or None.

    Returns:
        ``(EngagementEvent, ts_unit)``.

    Raises:
        RecordError: ``bad_timestamp`` on a bad ``ts``, ``bad_event`` on a bad count.
    """
    name = attrs.get("user")
    if tag == "guard":
        extra: dict[str, Any] = {"gift_name": "guard", "guard_level": attrs.get("level")}
        count = as_count(attrs.get("count"), default=1, what="<guard> count")
    else:
        extra = {"gift_name": attrs.get("giftname")}
        count = as_count(attrs.get("giftcount"), default=1, what="<gift> giftcount")
    extra["user_name"] = name
    return build_event("gift", room_id=room, when=_relative_ts(attrs.get("ts", ""), start),
                       user_id=_user(attrs.get("uid"), name, extra), count=count,
                       platform="bilibili", extra=_present(extra))


def video_danmaku(attrs: Mapping[str, str], text: str, *, room: str) -> tuple[Comment, str]:
    """Build a comment from a Bilibili video ``<d p="time,mode,size,color,unix,pool,crc,row">``.

    Args:
        attrs: The element's attributes.
        text: The element text.
        room: Room (video ``chatid``) of the file.

    Returns:
        ``(Comment, ts_unit)``; ``user_id`` is the uid CRC32 hash, ``msg_id`` the row id.

    Raises:
        RecordError: On a malformed ``p`` attribute, timestamp or empty text.
    """
    p = _p_fields(attrs, 8)
    ts, unit = as_ts(p[4])
    extra: dict[str, Any] = {"video_time": p[0], "mode": p[1], "pool": p[5]}
    comment = Comment(
        text=as_text(text),
        room_id=room,
        ts=ts,
        user_id=as_id(p[6]),
        msg_id=as_id(p[7]),
        platform="bilibili_video",
        extra=extra,
    )
    return comment, unit
