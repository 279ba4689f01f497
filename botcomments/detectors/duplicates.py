"""Near-duplicate clustering of comments, within a room and across rooms (name ``dup``).

Pipeline per room: identical normal forms are grouped first (floods mostly become exact
duplicates after normalisation; the grouping is shared with the other detectors through
:func:`~botcomments.detectors.text_groups.room_columns`), so MinHash runs once per *new
distinct* text, vectorised over the room. Short texts (at most ``short_len``
characters: "扣1", "666", "晚安") are matched exactly only: a one-character edit of a
three-character phrase is another phrase, not a perturbed copy. Each new longer
text is shingled on characters (1-3-grams, whole-string fallback for short texts),
MinHashed (datasketch), looked up in a bounded LSH index of cluster leaders, and every
LSH candidate is verified with the exact Jaccard similarity. It joins the most similar
verified leader's cluster, or founds a new cluster. Cluster ids are global, so the same
cluster in two rooms is a cross-room copy (a bot-farm signature).

This detector does not decide bot vs human. Organic floods ("扣1", "666") form huge exact
clusters too; the features let fusion tell them apart: ``dup_user_repeats`` (one account
repeating), ``dup_cluster_user_ratio``, ``dup_burst_count`` vs ``dup_cluster_time_span``
(synchronised vs spread reactions), ``dup_is_short``/``dup_text_len`` (generic phrase or
a long sentence) and ``dup_cross_room_count`` (a long sentence reused across rooms).
Repetition is its own feature (``dup_max_run``), because the normal form collapses
"666666" to "66" and MinHash ignores repetition.

Cross-room counts are online: a room sees the rooms processed before it (and itself),
not later ones. State is bounded: an LRU of known texts and an LRU of LSH leaders.

Example:
    >>> from botcomments.records import Comment
    >>> from botcomments.text.normalize import normalize
    >>> from botcomments.detectors.base import RoomBatch
    >>> cs = [Comment("主播好美啊今天", "r1", ts=float(i), user_id=str(i)) for i in range(3)]
    >>> out = NearDuplicateDetector().detect(RoomBatch("r1", cs, [normalize(c.text) for c in cs]))
    >>> out.features["dup_cluster_size"].tolist()
    [3.0, 3.0, 3.0]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.detectors.base import BatchGroup, DetectorOutput, RoomBatch, gc_paused
from botcomments.detectors.feature_names import (
    DUP_BURST_COUNT,
    DUP_CLUSTER_DISTINCT_USERS,
    DUP_CLUSTER_SHARE,
    DUP_CLUSTER_SIZE,
    DUP_CROSS_ROOM_COUNT,
)
from botcomments.detectors.lru import LRUDict, known_runs
from botcomments.detectors.minhash import Signature
from botcomments.detectors.near_index import NearIndex
from botcomments.detectors.rooms import RoomTracker
from botcomments.detectors.text_groups import GroupStats, group_stats, room_columns

logger = logging.getLogger(__name__)

_Sketch = tuple[set[int], Signature]
"""Shingles and MinHash of a text."""

DUP_FEATURES: tuple[str, ...] = (
    "dup_text_len",
    "dup_max_run",
    "dup_is_short",
    "dup_is_exact_dup",
    "dup_exact_size",
    DUP_CLUSTER_SIZE,
    DUP_CLUSTER_SHARE,
    "dup_cluster_distinct_texts",
    DUP_CLUSTER_DISTINCT_USERS,
    "dup_cluster_user_ratio",
    "dup_user_repeats",
    "dup_cluster_time_span",
    DUP_BURST_COUNT,
    DUP_CROSS_ROOM_COUNT,
)
"""Feature names of :class:`NearDuplicateDetector`, in output order."""


@dataclass(frozen=True)
class DupConfig:
    """Parameters of the near-duplicate detector.

    Args:
        threshold: Minimum exact Jaccard of 1-3-gram shingle sets to join a cluster.
        num_perm: MinHash permutations.
        ngram_range: Character n-gram range (within 1..3).
        burst_window_s: Half-width (s) of the window for ``dup_burst_count``.
        short_len: Normal forms of at most this many characters count as short; they
            are clustered by exact match only (no LSH).
        max_texts: Distinct texts remembered across rooms (exact-match LRU).
        max_clusters: Cluster leaders kept in the LSH index and cluster table (LRU).
        max_rooms_per_cluster: Rooms remembered per cluster; the cross-room count
            saturates there.

    Raises:
        ValueError: On out-of-range values.
    """

    threshold: float = 0.6
    num_perm: int = 32
    ngram_range: tuple[int, int] = (1, 3)
    burst_window_s: float = 5.0
    short_len: int = 4
    max_texts: int = 300_000
    max_clusters: int = 30_000
    max_rooms_per_cluster: int = 64

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold {self.threshold!r} must be in (0, 1]; try 0.6")
        if self.num_perm < 8:
            raise ValueError(f"num_perm {self.num_perm!r} is too small; use >= 8 (32 default)")
        if self.burst_window_s < 0:
            raise ValueError(f"burst_window_s {self.burst_window_s!r} must be >= 0 seconds")
        for name in ("max_texts", "max_clusters", "max_rooms_per_cluster"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")


class NearDuplicateDetector:
    """MinHash-LSH near-duplicate clustering with exact verification (``dup``).

    Args:
        config: Parameters; defaults when omitted.
    """

    name = "dup"

    def __init__(self, config: DupConfig | None = None) -> None:
        self.config = config or DupConfig()
        self.reset()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the features ``detect`` returns."""
        return DUP_FEATURES

    def reset(self) -> None:
        """Forget every text, cluster and room seen."""
        cfg = self.config
        self._index = NearIndex(
            threshold=cfg.threshold,
            capacity=cfg.max_clusters,
            num_perm=cfg.num_perm,
            ngram_range=cfg.ngram_range,
        )
        self._text_cluster: LRUDict[str, int] = LRUDict(cfg.max_texts)
        self._rooms = RoomTracker(cfg.max_clusters, cfg.max_rooms_per_cluster)
        self._next_id = 0

    def detect(self, batch: RoomBatch) -> DetectorOutput:
        """Cluster one room's comments and return per-comment features and evidence.

        Args:
            batch: One room's comments with normal forms.

        Returns:
            Features :data:`DUP_FEATURES` and, per comment, the evidence of its cluster
            (an empty dict for singletons never seen in another room). Comments of one
            cluster share one evidence dict: copy it before mutating.
        """
        return self.detect_group(BatchGroup.of(batch))

    def detect_group(self, group: BatchGroup) -> DetectorOutput:
        """:meth:`detect` over each batch of a group in turn, in one pass.

        Args:
            group: Consecutive room batches.

        Returns:
            The batches' outputs, concatenated.
        """
        with gc_paused():
            return self._detect(group)

    def _detect(self, group: BatchGroup) -> DetectorOutput:
        cols = room_columns(group)
        n = len(cols.seg)
        if n == 0:
            return DetectorOutput(self.name, {f: np.zeros(0) for f in DUP_FEATURES}, [])
        uniq, text_idx = cols.texts, cols.text_index
        bounds = cols.text_starts.tolist()
        sketches = self._sketch_new(uniq)
        # rooms whose texts all have clusters only touch the tables: a run of them is
        # assigned at once (known_runs)
        cluster_of_text = np.concatenate(
            [self._assign(uniq[a:b], sketches)
             for a, b in known_runs(bounds, uniq, self._text_cluster)])
        cid = cluster_of_text[text_idx]
        stats = group_stats(cid, cols.user_codes, cols.ts, self.config.burst_window_s, cols.seg)
        cross = self._rooms.record_segments(cols.room_ids, cols.seg[stats.first],
                                            cid[stats.first])
        exact_size = cols.text_counts.astype(np.float64)[text_idx]
        distinct_texts = np.bincount(
            stats.local[cols.text_first], minlength=stats.n_groups
        ).astype(np.float64)
        text_len = np.fromiter(map(len, uniq), dtype=np.float64, count=len(uniq))[text_idx]
        feats = {
            "dup_text_len": text_len,
            "dup_max_run": np.fromiter((nt.features.max_run for b in group.batches
                                        for nt in b.normalized), dtype=np.float64, count=n),
            "dup_is_short": (text_len <= self.config.short_len).astype(np.float64),
            "dup_is_exact_dup": (exact_size > 1).astype(np.float64),
            "dup_exact_size": exact_size,
            "dup_cluster_size": stats.size,
            "dup_cluster_share": stats.size / cols.sizes.astype(np.float64)[cols.seg],
            "dup_cluster_distinct_texts": distinct_texts[stats.local],
            "dup_cluster_distinct_users": stats.distinct_users,
            "dup_cluster_user_ratio": stats.distinct_users / stats.size,
            "dup_user_repeats": stats.user_repeats,
            "dup_cluster_time_span": stats.time_span,
            "dup_burst_count": stats.burst_count,
            "dup_cross_room_count": cross[stats.local],
        }
        evidence = self._evidence(stats, cid, cross, uniq, text_idx, distinct_texts)
        return DetectorOutput(self.name, feats, evidence)

    def _assign(self, uniq: list[str], sketches: dict[str, _Sketch]) -> np.ndarray:
        """Global cluster id of each distinct text (new texts are clustered in order).

        Args:
            uniq: The room's distinct normal forms.
            sketches: Shingles and MinHash of texts computed ahead (the group's new
                texts, :meth:`_sketch_new`); others are computed here.

        Returns:
            Cluster id per text.
        """
        known = self._text_cluster.get_touch_many(uniq)
        new_pos = [i for i, c in enumerate(known) if c is None]
        self._index.touch_many([c for c in known if c is not None])
        out = np.array([-1 if c is None else c for c in known], dtype=np.int64)
        if not new_pos:
            return out
        short_len = self.config.short_len
        long_new = [uniq[i] for i in new_pos if len(uniq[i]) > short_len]
        missing = [t for t in long_new if t not in sketches]
        if missing:
            sketches = {**sketches, **self._index.sketches(missing, self.config.ngram_range)}
        for i in new_pos:
            text = uniq[i]
            if len(text) <= short_len:  # short: exact match only (it was not known: new)
                c = self._new_cluster(text, None, None)
            else:
                sh, mh = sketches[text]
                found = self._index.find(text, sh, mh)
                c = self._new_cluster(text, sh, mh) if found is None else found
            out[i] = c
            self._text_cluster.put(text, c)
        return out

    def _sketch_new(self, texts: list[str]) -> dict[str, _Sketch]:
        """Sketches of the long texts not known now, in one pass (a group's new lines)."""
        short_len = self.config.short_len
        new = [t for t in dict.fromkeys(texts)
               if len(t) > short_len and t not in self._text_cluster]
        return self._index.sketches(new, self.config.ngram_range)

    def _new_cluster(self, text: str, shingles: set[int] | None, minhash: Any) -> int:
        """Found a cluster led by ``text``; index it unless it is short (no shingles)."""
        c = self._next_id
        self._next_id += 1
        if shingles is not None:
            self._index.add(c, text, shingles, minhash)
        return c

    def _evidence(
        self,
        stats: GroupStats,
        cid: np.ndarray,
        cross: np.ndarray,
        uniq: list[str],
        text_idx: np.ndarray,
        distinct_texts: np.ndarray,
    ) -> list[dict[str, Any]]:
        """One shared evidence dict per cluster seen twice (in room or across rooms)."""
        counts = np.bincount(stats.local, minlength=stats.n_groups).tolist()
        cross_l, distinct_l = cross.tolist(), distinct_texts.tolist()
        cid_l = cid[stats.first].tolist()
        users_l = stats.distinct_users[stats.first].tolist()
        span_l = stats.time_span[stats.first].tolist()
        rep_l = text_idx[stats.first].tolist()
        per_group: list[dict[str, Any]] = []
        for g, cluster in enumerate(cid_l):
            if counts[g] < 2 and cross_l[g] == 0:
                per_group.append({})
                continue
            per_group.append({
                "cluster_id": cluster,
                "cluster_size": counts[g],
                "distinct_texts": int(distinct_l[g]),
                "distinct_accounts": int(users_l[g]),
                "time_span_s": span_l[g],
                "cross_room_count": int(cross_l[g]),
                "representative": uniq[rep_l[g]],
            })
        return [per_group[g] for g in stats.local.tolist()]

