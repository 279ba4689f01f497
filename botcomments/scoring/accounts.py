"""Accounts to act on: per room and account, what was flagged and why (``accounts.jsonl``).

Moderators act on accounts, not comments. :class:`AccountTable` folds the scored stream
into one row per (room, account): comments, flagged comments, the flags that fired and how
often, and the ids of the near-duplicate clusters (``<room>#C<n>``), templates
(``<room>#T<n>``) and lockstep groups (``<room>#L<n>``) its flagged comments belong to,
the same ids ``rooms.json`` and the report use. Memory grows with the number of distinct
accounts (about 0.5 KB each), not with comments.

Example:
    >>> from botcomments.io.writers import RecordWriter
from botcomments.io.writers import RecordWriter
from botcomments.records import Comment
    >>> from botcomments.scoring.types import Verdict
    >>> table = AccountTable()
    >>> table.add(Comment("加V", "r1", ts=1.0, user_id="u1"),
    ...           Verdict(0.9, True, ("near_duplicate",),
    ...                   {"near_duplicate": {"cluster_id": 4}}))
    >>> row = next(table.rows()); row["flagged"], row["clusters"]
    (1, ['r1#C4'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botcomments.io.writers import RecordWriter
from botcomments.records import Comment
from botcomments.scoring.types import Verdict

ACCOUNTS_FILE = "accounts.jsonl"
MAX_IDS = 20
"""Group ids listed per account and kind (the count is exact)."""


@dataclass
class _Account:
    comments: int = 0
    flagged: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    clusters: dict[str, None] = field(default_factory=dict)
    templates: dict[str, None] = field(default_factory=dict)
    groups: dict[str, None] = field(default_factory=dict)
    first_ts: float | None = None
    last_ts: float | None = None


def _group_ids(room_id: str, verdict: Verdict) -> tuple[list[str], list[str], list[str]]:
    """Cluster, template and lockstep-group ids named in a verdict's evidence."""
    clusters, templates, groups = [], [], []
    for flag, ev in verdict.evidence.items():
        if flag == "near_duplicate" and "cluster_id" in ev:
            clusters.append(f"{room_id}#C{ev['cluster_id']}")
        elif flag == "templated" and ev.get("template_id", ev.get("id")) is not None:
            templates.append(f"{room_id}#T{ev.get('template_id', ev.get('id'))}")
        lock = ev.get("lockstep")
        if isinstance(lock, dict) and "group" in lock:
            groups.append(str(lock["group"]))
    return clusters, templates, groups


class AccountTable:
    """Per (room, account) summary of a scored stream.

    Comments without a ``user_id`` (guests) have no account to act on; they are counted
    in ``n_guest_comments``.
    """

    def __init__(self) -> None:
        self._accounts: dict[tuple[str, str], _Account] = {}
        self.n_guest_comments = 0

    def add(self, comment: Comment, verdict: Verdict) -> None:
        """Count one scored comment.

        Args:
            comment: The comment.
            verdict: Its verdict.
        """
        if comment.user_id is None:
            self.n_guest_comments += 1
            return
        acc = self._accounts.setdefault((comment.room_id, comment.user_id), _Account())
        acc.comments += 1
        if comment.ts is not None:
            acc.first_ts = comment.ts if acc.first_ts is None else min(acc.first_ts, comment.ts)
            acc.last_ts = comment.ts if acc.last_ts is None else max(acc.last_ts, comment.ts)
        if not verdict.is_bot:
            return
        acc.flagged += 1
        acc.reasons.update(verdict.flags)
        for ids, into in zip(_group_ids(comment.room_id, verdict),
                             (acc.clusters, acc.templates, acc.groups), strict=True):
            for gid in ids:
                if len(into) < MAX_IDS:
                    into.setdefault(gid)

    def __len__(self) -> int:
        return len(self._accounts)

    def rows(self) -> Iterator[dict[str, Any]]:
        """One JSON-ready row per account: by room, then most flagged first.

        Yields:
            ``room_id``, ``user_id``, ``comments``, ``flagged``, ``flagged_share``,
            ``reasons`` (flag -> flagged comments carrying it), ``clusters``,
            ``templates``, ``lockstep_groups``, ``first_ts``, ``last_ts``.
        """
        order = sorted(self._accounts.items(),
                       key=lambda kv: (kv[0][0], -kv[1].flagged, -kv[1].comments, kv[0][1]))
        for (room_id, user_id), acc in order:
            yield {
                "room_id": room_id, "user_id": user_id, "comments": acc.comments,
                "flagged": acc.flagged, "flagged_share": round(acc.flagged / acc.comments, 4),
                "reasons": dict(acc.reasons.most_common()),
                "clusters": list(acc.clusters), "templates": list(acc.templates),
                "lockstep_groups": list(acc.groups),
                "first_ts": acc.first_ts, "last_ts": acc.last_ts,
            }

    def write(self, path: Path | str) -> Path:
        """Write :meth:`rows` as JSONL.

        Args:
            path: Target file.

        Returns:
            The path.
        """
        with RecordWriter(path, fmt="jsonl") as writer:
            for row in self.rows():
                writer.write(row)
        return Path(path)
