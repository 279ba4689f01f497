"""Per-room accumulation of scored slices, with bounded memory.

A room may arrive in several slices (huge or interleaved rooms). Its accumulator keeps
compact arrays (score, decision, user code, timestamp: ~17 bytes per comment) for the
prevalence estimate at the end, flag counts, and the largest clusters, templates and
account groups with a few example lines each (pruned to a fixed size).

Example:
    >>> import numpy as np
    >>> acc = RoomAccumulator("r1")
    >>> acc.add(np.array([0.9, 0.1]), np.array([True, False]), ["u1", "u2"],
    ...         np.array([1.0, 2.0]), [["near_duplicate"], []], [{}, {}], ["a", "b"])
    >>> acc.n_comments, acc.n_users, acc.flag_counts["near_duplicate"]
    (2, 2, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_EXAMPLES = 3
MERGE_SLICES = 32
"""A room's slices are merged into one array per column when this many are held."""
MAX_TRACKED = 400
TOP_N = 10


@dataclass
class _Group:
    key: str
    size: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


class TopGroups:
    """Largest groups (clusters, templates, account groups) with example lines.

    Keeps at most ``max_tracked`` groups; when full, the smaller half is dropped
    (a heavy-hitter approximation, exact for groups that stay large).

    Args:
        max_tracked: Groups held at once.
    """

    def __init__(self, max_tracked: int = MAX_TRACKED) -> None:
        self.max_tracked = max_tracked
        self._groups: dict[str, _Group] = {}

    def add(self, key: str, text: str, info: dict[str, Any]) -> None:
        """Count one comment of group ``key``.

        Args:
            key: Group id.
            text: The comment text (kept as an example while fewer than 3 are held).
            info: Latest descriptive fields (skeleton, distinct accounts, ...).
        """
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= self.max_tracked:
                self._prune()
            group = self._groups[key] = _Group(key)
        group.size += 1
        group.info = info
        if len(group.examples) < MAX_EXAMPLES and text not in group.examples:
            group.examples.append(text)

    def _prune(self) -> None:
        keep = sorted(self._groups.values(), key=lambda g: -g.size)[: self.max_tracked // 2]
        self._groups = {g.key: g for g in keep}

    def shrink(self, n: int = TOP_N) -> None:
        """Keep only the ``n`` groups :meth:`top` ranks first (for a room gone quiet).

        Args:
            n: Groups kept.
        """
        self._groups = {g.key: g for g in self._ranked()[:n]}

    def _ranked(self) -> list[_Group]:
        """Groups largest first, ties by key."""
        return sorted(self._groups.values(), key=lambda g: (-g.size, g.key))

    def top(self, n: int = TOP_N, min_size: int = 2) -> list[_Group]:
        """The ``n`` largest groups with at least ``min_size`` comments."""
        if not self._groups:
            return []
        return [g for g in self._ranked() if g.size >= min_size][:n]

    def state(self) -> dict[str, Any]:
        """JSON-ready state (restore with :meth:`from_state`)."""
        return {"max_tracked": self.max_tracked,
                "groups": [[g.key, g.size, g.info, g.examples] for g in self._groups.values()]}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TopGroups:
        """Rebuild from :meth:`state`.

        Args:
            state: A state dict.

        Returns:
            The groups, as they were.
        """
        out = cls(int(state["max_tracked"]))
        for key, size, info, examples in state["groups"]:
            out._groups[key] = _Group(key, int(size), dict(info), list(examples))
        return out


_NO_CODES = np.zeros(0, dtype=np.int64)
_NO_CODES.flags.writeable = False


def _read_only_code(code: int) -> np.ndarray:
    """A read-only int32 array holding ``code`` alone."""
    out = np.full(1, code, dtype=np.int32)
    out.flags.writeable = False
    return out


_LONE_CODES = {code: _read_only_code(code) for code in (-1, 0)}
"""Codes of a slice of one comment by a guest or a room's first user (most slices of an
archive of small rooms): shared, read-only arrays instead of one new array each."""


class RoomAccumulator:
    """Everything needed to report one room once all its slices are scored.

    Few containers the cyclic garbage collector must walk (an archive of 100,000 small
    rooms holds 100,000 accumulators, and each full collection visits every tracked
    container): slots, slices as a tuple of array tuples, flag counts as a plain
    ``str -> int`` dict, and the top-group tables made only once a room has a flagged
    comment. Atomic-only dicts and tuples of arrays are untracked by CPython.

    Args:
        room_id: The room.
    """

    __slots__ = (
        "_groups",
        "_hashed_codes",
        "_hashed_users",
        "_slices",
        "_user_codes",
        "flag_counts",
        "n_comments",
        "room_id",
    )

    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.n_comments = 0  # comments added so far
        # (scores float32, is_bot, user codes int32, ts float64) per added slice
        self._slices: tuple[_Slice, ...] = ()
        self._user_codes: dict[str, int] = {}
        self._hashed_users = _NO_CODES  # sorted hashes (after compact; replaced, not edited)
        self._hashed_codes = _NO_CODES
        self.flag_counts: dict[str, int] = {}
        self._groups: dict[str, TopGroups] = {}  # "clusters" / "templates" / "account_groups"

    @property
    def clusters(self) -> TopGroups:
        """Largest near-duplicate clusters of flagged comments."""
        return self._groups.get("clusters") or TopGroups()

    @property
    def templates(self) -> TopGroups:
        """Largest templates of flagged comments."""
        return self._groups.get("templates") or TopGroups()

    @property
    def account_groups(self) -> TopGroups:
        """Largest lockstep account groups of flagged comments."""
        return self._groups.get("account_groups") or TopGroups()

    def _tracked(self, kind: str) -> TopGroups:
        """The room's table of ``kind``, made on first use."""
        groups = self._groups.get(kind)
        if groups is None:
            groups = self._groups[kind] = TopGroups()
        return groups

    def add(
        self,
        scores: np.ndarray,
        is_bot: np.ndarray,
        user_ids: Sequence[str | None],
        ts: np.ndarray,
        flags: Sequence[Sequence[str]],
        evidence: Sequence[dict[str, dict[str, Any]]],
        texts: Sequence[str],
    ) -> None:
        """Add one scored slice.

        Args:
            scores: Bot score per comment.
            is_bot: Decision per comment.
            user_ids: User id per comment (None for guests: each guest comment counts
                as its own anonymous commenter).
            ts: Timestamps (NaN when missing).
            flags: Flags per comment.
            evidence: Per-detector evidence per comment (``{"dup": {...}, ...}``).
            texts: Comment texts (examples).
        """
        code = self._code
        listed = [-1 if uid is None else code(uid) for uid in user_ids]
        lone = _LONE_CODES.get(listed[0]) if len(listed) == 1 else None
        # room-local codes: 4 bytes a comment, not 8
        codes = lone if lone is not None else np.array(listed, dtype=np.int32)
        self.n_comments += len(codes)
        slices = (*self._slices, (np.asarray(scores, dtype=np.float32),
                                  np.asarray(is_bot, dtype=bool), codes,
                                  np.asarray(ts, dtype=np.float64)))
        # a live room adds a slice per batch: merged every MERGE_SLICES, so the tuple
        # stays short (copying it per slice is then cheap) and the data is copied
        # about len / MERGE_SLICES times
        self._slices = (_merged(slices),) if len(slices) >= MERGE_SLICES else slices
        counts = self.flag_counts
        for f in flags:
            for name in f:
                counts[name] = counts.get(name, 0) + 1
        bots = np.asarray(is_bot).tolist()
        if True in bots:  # most slices of small rooms have none
            for k, bot in enumerate(bots):
                if bot:
                    self._track(evidence[k], texts[k])

    def _code(self, uid: str) -> int:
        """The room-local code of a user id (new ids get the next code)."""
        code = self._user_codes.get(uid)
        if code is not None:
            return code
        if len(self._hashed_users):
            h = hash(uid)
            k = int(np.searchsorted(self._hashed_users, h))
            if k < len(self._hashed_users) and self._hashed_users[k] == h:
                return int(self._hashed_codes[k])
        code = self._user_codes[uid] = self.n_users
        return code

    def compact(self) -> None:
        """Shrink a room that has gone quiet (batch scoring of large archives).

        One array per column; user ids kept as sorted 64-bit string hashes (16 bytes per
        user instead of ~110; a user seen again still gets its code, unless two ids of
        the room collide, ~1e-10 for 100k users); clusters, templates and account
        groups cut to the ones the report shows. The report stays the same; a room
        that comes back later is still counted, its groups restart from the top ones.
        :meth:`state` is not available afterwards (the live monitor never compacts).
        """
        if len(self._slices) > 1:
            self._slices = (_merged(self._slices),)
        if self._user_codes:
            hashes = np.fromiter((hash(u) for u in self._user_codes), np.int64,
                                 len(self._user_codes))
            codes = np.fromiter(self._user_codes.values(), np.int64, len(self._user_codes))
            hashes = np.concatenate([self._hashed_users, hashes])
            codes = np.concatenate([self._hashed_codes, codes])
            order = np.argsort(hashes, kind="stable")
            self._hashed_users, self._hashed_codes = hashes[order], codes[order]
            self._user_codes = {}
        for groups in self._groups.values():
            groups.shrink()

    def _track(self, ev: dict[str, dict[str, Any]], text: str) -> None:
        dup = ev.get("dup") or {}
        if "cluster_id" in dup:
            self._tracked("clusters").add(
                f"{self.room_id}#C{dup['cluster_id']}",
                text,
                {"size": dup.get("cluster_size"),
                 "users": dup.get("distinct_accounts"),
                 "representative": dup.get("representative")},
            )
        tpl = ev.get("tpl") or {}
        tid = tpl.get("template_id", tpl.get("id"))
        if tid is not None:
            self._tracked("templates").add(
                f"{self.room_id}#T{tid}",
                text,
                {"skeleton": tpl.get("skeleton", ""), "size": tpl.get("template_size")},
            )
        lock = (ev.get("timing") or {}).get("lockstep")
        if lock and "group" in lock:
            self._tracked("account_groups").add(
                str(lock["group"]), text,
                {"evidence": f"lockstep, {lock.get('size', '?')} accounts",
                 "members": list(lock.get("members") or [])},
            )

    def state(self) -> dict[str, Any]:
        """JSON-ready state (NaN times as null; restore with :meth:`from_state`).

        Returns:
            Everything the accumulator holds.

        Raises:
            RuntimeError: After :meth:`compact` (user ids are kept as hashes only).
        """
        if len(self._hashed_users):
            raise RuntimeError(f"room {self.room_id}: a compacted accumulator has no state")

        scores, is_bot, users, ts = _merged(self._slices) if self._slices else _EMPTY_SLICE
        return {
            "room_id": self.room_id,
            "scores": scores.astype(np.float64).tolist(),
            "is_bot": is_bot.tolist(),
            "users": users.tolist(),
            "ts": [None if np.isnan(t) else t for t in ts.tolist()],
            "user_ids": list(self._user_codes),
            "flag_counts": dict(self.flag_counts),
            "clusters": self.clusters.state(),
            "templates": self.templates.state(),
            "account_groups": self.account_groups.state(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> RoomAccumulator:
        """Rebuild from :meth:`state`.

        Args:
            state: A state dict.

        Returns:
            An accumulator whose report equals the original's.
        """
        acc = cls(str(state["room_id"]))
        if state["scores"]:
            acc._slices = ((np.asarray(state["scores"], dtype=np.float32),
                            np.asarray(state["is_bot"], dtype=bool),
                            np.asarray(state["users"], dtype=np.int32),
                            np.array([np.nan if t is None else t for t in state["ts"]],
                                     dtype=np.float64)),)
        acc.n_comments = len(state["scores"])
        acc._user_codes = {uid: i for i, uid in enumerate(state["user_ids"])}
        acc.flag_counts = {str(k): int(v) for k, v in state["flag_counts"].items()}
        for kind in ("clusters", "templates", "account_groups"):
            if state[kind]["groups"]:
                acc._groups[kind] = TopGroups.from_state(state[kind])
        return acc

    @property
    def n_users(self) -> int:
        """Distinct non-null user ids."""
        return len(self._user_codes) + len(self._hashed_users)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Concatenated (scores, is_bot, user codes, ts) of every slice.

        Guests (null user id) get unique negative codes so each counts as one commenter.
        """
        return stacked_arrays([self])[:4]

    def top_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Top clusters/templates/account groups as JSON-ready rows."""
        if not self._groups:  # no flagged comment in a group (most small rooms)
            return {"top_clusters": [], "top_templates": [], "top_account_groups": []}
        return {
            "top_clusters": [
                {"cluster": g.key, "size": g.info.get("size"), "users": g.info.get("users"),
                 "flagged": g.size, "examples": g.examples}
                for g in self.clusters.top()
            ],
            "top_templates": [
                {"template": g.key, "skeleton": g.info.get("skeleton", ""),
                 "size": g.info.get("size"), "flagged": g.size, "examples": g.examples}
                for g in self.templates.top()
            ],
            "top_account_groups": [
                {"group": g.key, "flagged": g.size, "evidence": g.info.get("evidence", ""),
                 "members": g.info.get("members", []), "examples": g.examples}
                for g in self.account_groups.top()
            ],
        }


_Slice = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_EMPTY_SLICE: _Slice = (np.zeros(0, np.float32), np.zeros(0, bool), np.zeros(0, np.int32),
                        np.zeros(0, np.float64))


def _merged(slices: Sequence[_Slice]) -> _Slice:
    """One slice with the columns of ``slices`` concatenated."""
    scores, is_bot, users, ts = (np.concatenate(parts) for parts in zip(*slices, strict=True))
    return scores, is_bot, users, ts


def stacked_arrays(
    accs: Sequence[RoomAccumulator],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`RoomAccumulator.arrays` of many rooms, room after room, in one pass.

    Args:
        accs: The rooms.

    Returns:
        ``(scores, is_bot, user codes, ts, starts)``: float64 scores, decisions, user
        codes (each room's guests numbered -1, -2, ... as in ``arrays``), float64 times,
        and the offsets of the rooms (one more than rooms).
    """
    sizes = [acc.n_comments for acc in accs]
    starts = np.cumsum([0, *sizes])

    # column by column (every slice has the same four columns)
    parts = list(zip(*(part for acc in accs for part in acc._slices), strict=True))

    def column(k: int, dtype: Any) -> np.ndarray:
        return (np.concatenate(parts[k]).astype(dtype, copy=False) if parts
                else np.zeros(0, dtype))

    users = column(2, np.int64)
    guests = np.flatnonzero(users < 0)
    if len(guests):  # number each room's guests from -1: rank among the room's guests
        before = np.searchsorted(guests, starts[:-1])  # guests in earlier rooms
        room = np.searchsorted(starts, guests, side="right") - 1
        users[guests] = -1 - (np.arange(len(guests)) - before[room])
    return column(0, np.float64), column(1, bool), users, column(3, np.float64), starts
