"""Online template mining for Chinese chat comments (name ``tpl``).

Log template miners (Drain) split on spaces and see a CJK sentence as one token. Here a
normal form is first *masked*: slot values (numbers, quantities such as 3单 / 两件,
prices such as 99元 / ¥9.9, runs of emoji and [表情] emote codes, @names, contact
placeholders, colours such as 红色, sizes such as xl码) become one private-use slot
character each, giving a character *skeleton*. Skeletons are clustered on characters:
an exact skeleton match first, else the most similar verified template leader from a
MinHash LSH index of skeleton char 1-3-grams (shared with the duplicate detector). Every
comment is handled on its own, in order (:meth:`TemplateDetector.observe`), so the miner
also runs on a stream; :meth:`TemplateDetector.detect` adds room-level statistics.

A template with many accounts, many distinct fills and few literal characters left is
the classic bot shape ("已拍{QTY}，质量很好{EMOJI}"); a slot-free template is just a
duplicate cluster, and a tiny skeleton ("扣{NUM}") is a generic human flood phrase —
fusion sees ``tpl_slot_count`` and ``tpl_literal_len`` to tell these apart.

Example:
    >>> m = TemplateDetector().observe("已拍3单，质量很好")
    >>> m.skeleton, m.fills
    ('已拍{QTY}，质量很好', ('3单',))
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.detectors.base import BatchGroup, DetectorOutput, RoomBatch, gc_paused
from botcomments.detectors.feature_names import (
    TPL_CROSS_ROOM_COUNT,
    TPL_TEMPLATE_SHARE,
    TPL_TEMPLATE_SIZE,
)
from botcomments.detectors.lru import LRUDict, known_runs
from botcomments.detectors.minhash import Signature, char_shingles
from botcomments.detectors.near_index import NearIndex
from botcomments.detectors.rooms import RoomTracker
from botcomments.detectors.text_groups import GroupStats, group_stats, room_columns
from botcomments.text.normalize import CONTACT_PLACEHOLDERS

logger = logging.getLogger(__name__)

TPL_FEATURES: tuple[str, ...] = (
    TPL_TEMPLATE_SIZE,
    TPL_TEMPLATE_SHARE,
    "tpl_distinct_users",
    "tpl_user_ratio",
    "tpl_user_repeats",
    "tpl_distinct_fills",
    "tpl_fill_ratio",
    "tpl_slot_count",
    "tpl_literal_len",
    "tpl_burst_count",
    TPL_CROSS_ROOM_COUNT,
)
"""Feature names of :class:`TemplateDetector`, in output order."""

_NUM = r"(?:\d+(?:[.,]\d+)*)"
_CN_NUM = r"[一二两三四五六七八九十百千万几半]+"
_UNITS = (
    r"(?:单|件|个|份|箱|盒|袋|瓶|罐|斤|公斤|克|千克|kg|g|次|套|条|双|支|包|根|台|张"
    r"|位|人|天|岁|楼|w|万|k|千|百)"
)
SLOT_PATTERNS: dict[str, str] = {
    "CONTACT": "(?i:" + "|".join(re.escape(p) for p in CONTACT_PLACEHOLDERS) + ")",
    "AT": r"@[^\s@，,。.!！?？:：]{1,12}",
    "PRICE": rf"[¥￥$]\s*{_NUM}|{_NUM}\s*(?:元|块钱|块|rmb)",
    "SIZE": r"(?:[2-5]?x{0,3}[sml]|均|\d{2,3})码",
    "QTY": rf"(?:{_NUM}|{_CN_NUM})\s*{_UNITS}",
    "NUM": _NUM,
    "COLOR": r"[红橙黄绿青蓝紫黑白灰粉棕金银米咖杏]色",
    "EMOJI": (
        r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u3030\u303D"
        r"\u3297\u3299\uFE0F\u200D]|\[[^\[\]\s]{1,8}\])+"
    ),
}
"""Slot name -> regex, tried in this order at each position (first match wins)."""

SLOT_CHARS: dict[str, str] = {name: chr(0xE000 + i) for i, name in enumerate(SLOT_PATTERNS)}
"""Slot name -> the private-use character standing for it in a skeleton."""

_SLOT_RE = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in SLOT_PATTERNS.items()))
_DISPLAY = {ch: "{" + name + "}" for name, ch in SLOT_CHARS.items()}
_DISPLAY_TABLE = str.maketrans(_DISPLAY)

_Sketch = tuple[set[int], Signature]
"""Shingles and MinHash of a skeleton, prepared ahead of clustering."""


def mask_slots(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace slot values by slot characters.

    Args:
        text: A normal form.

    Returns:
        (skeleton with one private-use char per slot, the slot values in order).

    Example:
        >>> sk, fills = mask_slots("已拍3单99元")
        >>> render_skeleton(sk), fills
        ('已拍{QTY}{PRICE}', ('3单', '99元'))
    """
    fills: list[str] = []

    def _sub(m: re.Match[str]) -> str:
        fills.append(m.group(0))
        return SLOT_CHARS[m.lastgroup or "NUM"]

    skeleton = _SLOT_RE.sub(_sub, text)
    return skeleton, tuple(fills)


def render_skeleton(skeleton: str) -> str:
    """Human-readable skeleton: slot characters shown as ``{NAME}``.

    Args:
        skeleton: A skeleton from :func:`mask_slots`.

    Returns:
        The display string.
    """
    return skeleton.translate(_DISPLAY_TABLE)


@dataclass(frozen=True)
class TemplateMatch:
    """Result of observing one comment.

    Attributes:
        template_id: Global template id.
        skeleton: Display form of the comment's own skeleton.
        fills: Slot values in order.
        slot_count: Number of slots.
        literal_len: Skeleton characters that are not slots.
    """

    template_id: int
    skeleton: str
    fills: tuple[str, ...]
    slot_count: int
    literal_len: int


@dataclass(frozen=True)
class _Ahead:
    """Work done once for a group of rooms ahead of observing them room by room: slot
    masks of texts not yet parsed and sketches of skeletons not yet known."""

    masks: dict[str, tuple[str, tuple[str, ...]]]
    sketches: dict[str, _Sketch]


_Parse = tuple[int, str, tuple[str, ...], int, int]
"""A cached parse: the fields of a :class:`TemplateMatch` as a plain tuple. Plain tuples
of strings and ints are not tracked by Python's cyclic garbage collector, so a parse
cache of ``max_texts`` entries adds nothing to full collections."""


@dataclass(frozen=True)
class TplConfig:
    """Parameters of the template detector.

    Args:
        threshold: Minimum exact Jaccard of skeleton 1-3-gram sets to join a template.
        num_perm: MinHash permutations.
        burst_window_s: Half-width (s) of the window for ``tpl_burst_count``.
        max_texts: Distinct normal forms remembered (LRU cache of parses).
        max_templates: Templates kept (skeleton map, LSH leaders and room sets, LRU).
        max_rooms_per_template: Rooms remembered per template (cross-room count cap).
        max_examples: Example fills in the evidence.

    Raises:
        ValueError: On out-of-range values.
    """

    threshold: float = 0.7
    num_perm: int = 32
    burst_window_s: float = 5.0
    max_texts: int = 300_000
    max_templates: int = 30_000
    max_rooms_per_template: int = 64
    max_examples: int = 3

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold {self.threshold!r} must be in (0, 1]; try 0.7")
        if self.num_perm < 8:
            raise ValueError(f"num_perm {self.num_perm!r} is too small; use >= 8 (32 default)")
        if self.burst_window_s < 0:
            raise ValueError(f"burst_window_s {self.burst_window_s!r} must be >= 0 seconds")
        for name in ("max_texts", "max_templates", "max_rooms_per_template", "max_examples"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")


class TemplateDetector:
    """Online CJK template miner (``tpl``).

    Args:
        config: Parameters; defaults when omitted.
    """

    name = "tpl"

    def __init__(self, config: TplConfig | None = None) -> None:
        self.config = config or TplConfig()
        self.reset()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the features ``detect`` returns."""
        return TPL_FEATURES

    def reset(self) -> None:
        """Forget every template, parse and room seen."""
        cfg = self.config
        self._index = NearIndex(
            threshold=cfg.threshold, capacity=cfg.max_templates, num_perm=cfg.num_perm
        )
        self._parses: LRUDict[str, _Parse] = LRUDict(cfg.max_texts)
        self._skeletons: LRUDict[str, int] = LRUDict(cfg.max_templates)
        # template id -> its leader's display skeleton (rendered once, shown per room)
        self._leaders: LRUDict[int, str] = LRUDict(cfg.max_templates)
        self._rooms = RoomTracker(cfg.max_templates, cfg.max_rooms_per_template)
        self._next_id = 0

    def observe(self, text: str) -> TemplateMatch:
        """Assign one normal form to a template (online; updates the miner).

        Args:
            text: The comment's normal form.

        Returns:
            Its template match.
        """
        cached = self._parses.get_touch(text)
        if cached is not None:
            self._index.touch(cached[0])
            return TemplateMatch(*cached)
        skeleton, fills = mask_slots(text)
        return TemplateMatch(*self._observe_parsed(text, skeleton, fills, None))

    def _observe_parsed(
        self, text: str, skeleton: str, fills: tuple[str, ...], sketch: _Sketch | None
    ) -> _Parse:
        """Assign a masked (not yet cached) normal form to a template and cache the parse."""
        rendered = render_skeleton(skeleton)
        # cached for up to max_texts lines: a line without slots renders as itself (most
        # real chat) and lines of one template render alike, so share those strings
        rendered = text if rendered == text else sys.intern(rendered)
        tid = self._skeletons.get_touch(skeleton)
        if tid is None:
            tid = self._near_or_new(skeleton, rendered, sketch)
            self._skeletons.put(skeleton, tid)
        else:
            self._index.touch(tid)
        parse = (tid, rendered, fills, len(fills), len(skeleton) - len(fills))
        self._parses.put(text, parse)
        return parse

    def _observe_room(self, texts: list[str], ahead: _Ahead) -> list[_Parse]:
        """``observe`` over a room's distinct texts, with MinHashes of new skeletons
        computed in one vectorised pass (results identical to calling ``observe``, as
        parse tuples: building a :class:`TemplateMatch` per text costs more than the
        cache look-up).

        Args:
            texts: The room's distinct normal forms.
            ahead: Masks and skeleton sketches computed ahead (:meth:`_ahead`); the
                missing ones are computed here.

        Returns:
            One parse per text.
        """
        matches = self._parses.get_touch_many(texts)
        self._index.touch_many([m[0] for m in matches if m is not None])
        masks = ahead.masks
        pending = {i: masks.get(texts[i]) or mask_slots(texts[i])
                   for i, m in enumerate(matches) if m is None}
        fresh = list(dict.fromkeys(
            sk for sk, _ in pending.values() if sk not in self._skeletons
        ))
        sketches = ahead.sketches
        missing = [sk for sk in fresh if sk not in sketches]
        if missing:
            sketches = {**sketches, **self._index.sketches(missing)}
        for i, (skeleton, fills) in pending.items():
            matches[i] = self._observe_parsed(texts[i], skeleton, fills, sketches.get(skeleton))
        return [m for m in matches if m is not None]

    def _ahead(self, texts: list[str]) -> _Ahead:
        """Masks of the texts not parsed now and sketches of their skeletons not known
        now, in one pass (a group's new lines)."""
        masks = {t: mask_slots(t) for t in dict.fromkeys(texts) if t not in self._parses}
        fresh = list(dict.fromkeys(sk for sk, _ in masks.values() if sk not in self._skeletons))
        return _Ahead(masks, self._index.sketches(fresh))

    def template_skeleton(self, template_id: int) -> str | None:
        """Display skeleton of a template's leader (None once evicted).

        Args:
            template_id: A template id.

        Returns:
            The skeleton or None.
        """
        return self._leaders.get(template_id)

    def _near_or_new(self, skeleton: str, rendered: str, sketch: _Sketch | None = None) -> int:
        """Template of the most similar verified leader skeleton, or a new template (led by
        ``skeleton``, shown as ``rendered``)."""
        if sketch is None:
            shingles = char_shingles(skeleton)
            sketch = (shingles, self._index.minhash(shingles))
        shingles, minhash = sketch
        tid = self._index.find(skeleton, shingles, minhash)
        if tid is not None:
            return tid
        tid = self._next_id
        self._next_id += 1
        self._index.add(tid, skeleton, shingles, minhash)
        self._leaders.put(tid, rendered)  # kept for display only
        return tid

    def detect(self, batch: RoomBatch) -> DetectorOutput:
        """Mine templates over one room (same as ``observe`` per comment, in order).

        Args:
            batch: One room's comments with normal forms.

        Returns:
            Features :data:`TPL_FEATURES` and per-comment evidence of templates seen at
            least twice (in the room or across rooms); comments of one template share
            one evidence dict (copy before mutating).
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
            return DetectorOutput(self.name, {f: np.zeros(0) for f in TPL_FEATURES}, [])
        text_idx = cols.text_index
        matches, leaders = self._observe_segments(cols.texts, cols.text_starts.tolist())
        tids = np.array([m[0] for m in matches], dtype=np.int64)[text_idx]
        stats = group_stats(tids, cols.user_codes, cols.ts, self.config.burst_window_s, cols.seg)
        cross = self._rooms.record_segments(cols.room_ids, cols.seg[stats.first],
                                            tids[stats.first])
        first_of_text = cols.text_first
        fills_per_group = np.bincount(stats.local[first_of_text], minlength=stats.n_groups)
        distinct_fills = fills_per_group.astype(np.float64)[stats.local]
        slots = np.array([m[3] for m in matches], dtype=np.float64)[text_idx]
        literal = np.array([m[4] for m in matches], dtype=np.float64)[text_idx]
        feats = {
            "tpl_template_size": stats.size,
            "tpl_template_share": stats.size / cols.sizes.astype(np.float64)[cols.seg],
            "tpl_distinct_users": stats.distinct_users,
            "tpl_user_ratio": stats.distinct_users / stats.size,
            "tpl_user_repeats": stats.user_repeats,
            "tpl_distinct_fills": distinct_fills,
            "tpl_fill_ratio": distinct_fills / stats.size,
            "tpl_slot_count": slots,
            "tpl_literal_len": literal,
            "tpl_burst_count": stats.burst_count,
            "tpl_cross_room_count": cross[stats.local],
        }
        evidence = self._evidence(stats, tids, cross, matches, leaders, first_of_text,
                                  text_idx)
        return DetectorOutput(self.name, feats, evidence)

    def _observe_segments(
        self, texts: list[str], bounds: list[int]
    ) -> tuple[list[_Parse], list[str | None]]:
        """:meth:`_observe_room` per segment, with each text's template leader (display
        skeleton, None once evicted) as it stands right after its segment (a later
        segment may evict it); consecutive segments whose texts are all parsed are one
        call (the same touches, see :func:`known_runs`)."""
        matches: list[_Parse] = []
        leaders: list[str | None] = []
        ahead = self._ahead(texts)
        # rooms whose texts are all parsed already only touch the tables (and change no
        # leader): a run of them is observed at once (known_runs)
        for a, b in known_runs(bounds, texts, self._parses):
            if b > a:
                room = self._observe_room(texts[a:b], ahead)
                matches.extend(room)
                leaders.extend(self._leaders.get(m[0]) for m in room)
        return matches, leaders

    def _evidence(
        self,
        stats: GroupStats,
        tids: np.ndarray,
        cross: np.ndarray,
        matches: list[_Parse],
        leaders: list[str | None],
        first_of_text: np.ndarray,
        text_idx: np.ndarray,
    ) -> list[dict[str, Any]]:
        """One shared evidence dict per template seen twice (in room or across rooms)."""
        examples: list[list[list[str]]] = [[] for _ in range(stats.n_groups)]
        max_examples = self.config.max_examples
        for (_, _, fills, _, _), g in zip(matches, stats.local[first_of_text].tolist(),
                                          strict=True):
            ex = examples[g]
            if len(ex) < max_examples and fills:
                ex.append(list(fills))
        counts = np.bincount(stats.local, minlength=stats.n_groups).tolist()
        cross_l = cross.tolist()
        tid_l = tids[stats.first].tolist()
        users_l = stats.distinct_users[stats.first].tolist()
        text_l = text_idx[stats.first].tolist()
        per_group: list[dict[str, Any]] = []
        for g, tid in enumerate(tid_l):
            if counts[g] < 2 and cross_l[g] == 0:
                per_group.append({})
                continue
            per_group.append({
                "template_id": tid,
                "skeleton": leaders[text_l[g]] or matches[text_l[g]][1],
                "template_size": counts[g],
                "example_fills": examples[g],
                "distinct_accounts": int(users_l[g]),
                "cross_room_count": int(cross_l[g]),
            })
        return [per_group[g] for g in stats.local.tolist()]
