"""Record builders for platform dumps: blivedm JSON, Douyin webcast JSON, Bilibili XML ``<d>``.

Each builder takes one decoded record and returns ``(Comment, ts_unit)`` for a comment,
``Skipped(kind)`` for a valid non-comment event, or raises ``RecordError``.

Example:
    >>> msg = {"cmd": "DANMU_MSG",
    ...        "info": [[0, 1, 25, 16777215, 1714565703123], "上车了", [0, "路人***"]]}
    >>> c, unit = blivedm_record(msg, default_room="5050")
    >>> c.user_id.startswith("guest:"), c.extra["guest"], unit
    (True, True, 'ms')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from botcomments.io.base import RecordError, Skipped
from botcomments.io.mapping import as_id, as_text, as_ts
from botcomments.io.timestamps import TimestampError, resolve_relative
from botcomments.records import Comment

Built = tuple[Comment, str] | Skipped


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


def _seq(value: Any, min_len: int, what: str) -> Sequence[Any]:
    if not isinstance(value, list) or len(value) < min_len:
        raise RecordError("bad_record", f"{what} must be a list of at least {min_len} items")
    return value


# ----------------------------------------------------------------------------- blivedm


def blivedm_record(obj: Mapping[str, Any], *, default_room: str) -> Built:
    """Build a comment from one blivedm websocket message.

    ``DANMU_MSG`` (text ``info[1]``, uid ``info[2][0]``, name ``info[2][1]``, ms timestamp
    ``info[0][4]``) and ``SUPER_CHAT_MESSAGE`` (kept with ``extra["kind"]="superchat"``)
    become comments; every other ``cmd`` is skipped by kind. Room id from a top-level
    ``room_id``/``roomid`` field, else ``default_room``.

    Args:
        obj: The decoded JSON message.
        default_room: Room id when the message carries none.

    Returns:
        ``(Comment, ts_unit)`` or ``Skipped``.

    Raises:
        RecordError: When the message lacks ``cmd`` or has a malformed ``info``/``data``.
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
    return Skipped(kind)


def _danmu(info: Any, room: str, cmd: str) -> tuple[Comment, str]:
    info = _seq(info, 3, "DANMU_MSG info")
    meta = _seq(info[0], 5, "DANMU_MSG info[0]")
    user = _seq(info[2], 2, "DANMU_MSG info[2]")
    name = user[1] if isinstance(user[1], str) else None
    extra: dict[str, Any] = {"cmd": cmd, "user_name": name}
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


# ----------------------------------------------------------------------------- Douyin


def douyin_record(obj: Mapping[str, Any], *, default_room: str) -> Built:
    """Build a comment from one Douyin webcast message.

    Accepts a bare message (``{"common": {...}, "user": {...}, "content": ...}``) or a
    wrapper ``{"method": "WebcastChatMessage", "payload": {...}}``. The kind comes from
    ``method`` / ``common.method`` ("WebcastChatMessage" -> "ChatMessage"); only
    ChatMessage becomes a comment, LikeMessage/MemberMessage/GiftMessage/... are skipped.
    Ids are kept as strings (they are uint64). A missing or zero ``createTime`` gives
    ``ts=None``; seconds or milliseconds are told apart by magnitude.

    Args:
        obj: The decoded JSON message.
        default_room: Room id when ``common.roomId`` is missing.

    Returns:
        ``(Comment, ts_unit)`` or ``Skipped``.

    Raises:
        RecordError: When the message is not a Douyin message or has a malformed user.
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
    if kind != "ChatMessage":
        return Skipped(kind)
    user = msg.get("user")
    user = user if isinstance(user, Mapping) else {}
    name = user.get("nickName") or user.get("nickname")
    extra: dict[str, Any] = {"user_name": name, "sec_uid": user.get("secUid")}
    ts, unit = as_ts(common.get("createTime") or None)
    comment = Comment(
        text=as_text(msg.get("content")),
        room_id=as_id(common.get("roomId")) or default_room,
        ts=ts,
        user_id=as_id(user.get("idStr") or user.get("id")) or as_id(user.get("secUid")),
        msg_id=as_id(common.get("msgId")),
        platform="douyin",
        extra=extra,
    )
    return comment, unit


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
