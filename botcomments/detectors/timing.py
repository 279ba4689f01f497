"""Machine-posting evidence: account regularity, burst synchrony, lockstep, cross-room reuse.

How it tells an organic human flood from a bot flood. When a host says "扣1", hundreds
of humans type the same thing, so "many accounts, same text" alone is weak evidence.
The features below measure what differs:

- **reaction spread**: human reaction times are lognormal over several seconds, so the
  same-text comments around a human flood have a wide spread (``burst_spread_s``, several
  seconds) and Poisson-like gaps (``burst_gap_cv`` near 1); a bot flood is either tight
  (most accounts inside 2 s: ``burst_accounts_2s`` close to ``burst_accounts_10s``,
  spread under a second) or regularly spaced by a scheduler (``burst_gap_cv`` near 0);
- **account history**: humans in a flood mostly chatted before in the room and in
  earlier streams (``user_n_room`` > 1, ``user_first_seen_ago_s`` large, low
  ``burst_fresh_share``); bot accounts appear at the flood moment, post once, and their
  co-posters come from a pool seen in many rooms (``user_rooms``,
  ``burst_cross_room_coposters``);
- **account regularity**: a scheduled account posts like a clock (``user_iat_cv`` near 0
  over several gaps); humans are bursty (CV around or above 1);
- **lockstep**: the same set of accounts active in the same few-second moments again and
  again (``lockstep_group_size``, ``lockstep_shared``); humans in one flood share one
  moment, not many.

Missing data. A comment with ``ts=None`` cannot be placed in time: its regularity,
burst and lockstep features take the neutral values below and ``has_ts`` is 0. A comment
with ``user_id=None`` counts as its own anonymous account: account features are neutral
and ``has_user`` is 0 (it still counts as one distinct poster in bursts). Neutral values:
counts 0, ``user_n_room`` 1, ``user_iat_cv`` and ``burst_gap_cv`` 1.0 (Poisson),
``burst_spread_s`` the standard deviation of a uniform spread over the window, rates and
ages 0, ``user_rooms`` 1.

Example:
    >>> from botcomments.records import Comment
    >>> from botcomments.text.normalize import normalize
    >>> from botcomments.detectors.base import RoomBatch
    >>> cs = [Comment("扣1", "r", ts=100.0 + i * 0.1, user_id=f"b{i}") for i in range(5)]
    >>> out = MachinePostingDetector().detect(RoomBatch("r", cs, [normalize(c.text) for c in cs]))
    >>> int(out.features["timing_burst_accounts_2s"][0])
    4
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np
from datasketch import MinHashLSH

from botcomments.detectors.accounts import AccountRegistry, RoomStarts
from botcomments.detectors.base import BatchGroup, DetectorOutput, RoomBatch, gc_paused
from botcomments.detectors.minhash import band_keys, minhash_matrix, new_permutations
from botcomments.detectors.text_groups import room_columns
from botcomments.segments import searchsorted_within, window_sums
from botcomments.text.normalize import NormalizedText

logger = logging.getLogger(__name__)

FEATURE_NAMES: tuple[str, ...] = tuple(
    f"timing_{n}"
    for n in (
        "has_ts",
        "has_user",
        "user_n_room",
        "user_iat_n",
        "user_iat_mean_s",
        "user_iat_cv",
        "user_rate_per_min",
        "user_first_seen_ago_s",
        "account_age_s",
        "returning",
        "one_off",
        "user_rooms",
        "burst_accounts_2s",
        "burst_accounts_10s",
        "burst_spread_s",
        "burst_gap_cv",
        "burst_fresh_share",
        "burst_cross_room_coposters",
        "lockstep_group_size",
        "lockstep_shared",
    )
)
"""Feature names of :class:`MachinePostingDetector`, in output order."""

_EVIDENCE_FEATURES: tuple[str, ...] = tuple(
    f"timing_{n}"
    for n in (
        "user_iat_n",
        "user_iat_mean_s",
        "user_iat_cv",
        "burst_accounts_2s",
        "burst_accounts_10s",
        "burst_spread_s",
        "burst_fresh_share",
        "lockstep_group_size",
        "lockstep_shared",
        "user_rooms",
    )
)
"""Features quoted in evidence dicts (rounded only for the flagged comments)."""

_SYNC_STRIP = re.compile(r"[\W_]+")


def sync_key(normal_text: str) -> str:
    """Key under which two comments count as "the same line" for burst synchrony.

    Drops punctuation, symbols, emoji and spaces left in the normal form (padding that
    survives normalisation), keeping letters, CJK characters and digits.

    Args:
        normal_text: The normalised comment text.

    Returns:
        The key (the normal form itself when nothing would be left).

    Example:
        >>> sync_key("扣1!!👍")
        '扣1'
    """
    key = _SYNC_STRIP.sub("", normal_text)
    return key or normal_text


_cached_sync_key = lru_cache(maxsize=1 << 16)(sync_key)
""":func:`sync_key` with a bounded cache (chat lines repeat across rooms)."""


@dataclass(frozen=True)
class TimingConfig:
    """Parameters of :class:`MachinePostingDetector`.

    Args:
        short_window_s: Half-width of the tight burst window (seconds).
        long_window_s: Half-width of the wide burst window (seconds); also used for
            spread, gap regularity and co-poster features.
        lockstep_bucket_s: Width of a "moment" for lockstep (seconds). Two staggered grids
            are used, so accounts acting within half a bucket always share a moment.
        lockstep_min_moments: Fewest distinct moments an account needs to be considered.
        lockstep_jaccard: Minimum Jaccard similarity of two accounts' moment sets.
        lockstep_num_perm: MinHash permutations for lockstep candidate search.
        lockstep_max_accounts: Most accounts (most active first) searched per batch.
        max_accounts: Capacity of the cross-room account memory (LRU).
        max_rooms_per_account: Room ids remembered per account.
        max_rooms: Capacity of the room-start memory (LRU).
        max_evidence_accounts: Members listed in a lockstep evidence dict.

    Raises:
        ValueError: If a parameter is out of range (the message names it).
    """

    short_window_s: float = 2.0
    long_window_s: float = 10.0
    lockstep_bucket_s: float = 4.0
    lockstep_min_moments: int = 3
    lockstep_jaccard: float = 0.4
    lockstep_num_perm: int = 32
    lockstep_max_accounts: int = 200_000
    max_accounts: int = 500_000
    max_rooms_per_account: int = 32
    max_rooms: int = 100_000
    max_evidence_accounts: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.short_window_s <= self.long_window_s:
            raise ValueError(
                f"need 0 < short_window_s ({self.short_window_s}) <= long_window_s "
                f"({self.long_window_s})"
            )
        if self.lockstep_bucket_s <= 0:
            raise ValueError(f"lockstep_bucket_s={self.lockstep_bucket_s} must be > 0")
        if not 0 < self.lockstep_jaccard <= 1:
            raise ValueError(f"lockstep_jaccard={self.lockstep_jaccard} must be in (0, 1]")
        if self.lockstep_min_moments < 2:
            raise ValueError(f"lockstep_min_moments={self.lockstep_min_moments} must be >= 2")
        if self.lockstep_num_perm < 2 or self.lockstep_max_accounts < 2:
            raise ValueError("lockstep_num_perm and lockstep_max_accounts must be >= 2")


@dataclass
class _Columns:
    """Column view of one batch or group (NaN timestamps, -1 user codes for anonymous).

    Over a group (see :class:`~botcomments.detectors.base.BatchGroup`) users and line
    keys are distinct per segment; ``kcode`` numbers the keys within the comment's own
    segment (as the batch alone would), ``kgroup`` over the whole group.
    """

    ts: np.ndarray
    ucode: np.ndarray
    users: list[str]
    kcode: np.ndarray
    kgroup: np.ndarray
    seg: np.ndarray
    room_ids: list[str]
    starts: np.ndarray
    user_starts: np.ndarray

    @property
    def user_seg(self) -> np.ndarray:
        """Segment of each user."""
        return np.repeat(np.arange(len(self.room_ids)), np.diff(self.user_starts))

    def segment(self, s: int) -> _Columns:
        """The columns of segment ``s`` alone (as its batch alone would have them)."""
        a, b = int(self.starts[s]), int(self.starts[s + 1])
        ua, ub = int(self.user_starts[s]), int(self.user_starts[s + 1])
        ucode = self.ucode[a:b]
        kgroup = self.kgroup[a:b]
        return _Columns(
            ts=self.ts[a:b], ucode=np.where(ucode >= 0, ucode - ua, -1),
            users=self.users[ua:ub], kcode=self.kcode[a:b], kgroup=kgroup,
            seg=np.zeros(b - a, dtype=np.int64), room_ids=[self.room_ids[s]],
            starts=np.array([0, b - a]), user_starts=np.array([0, ub - ua]),
        )


def _columns(group: BatchGroup) -> _Columns:
    cols = room_columns(group)
    keys: dict[tuple[int, str], int] = {}
    text_seg = cols.seg[cols.text_first].tolist()
    key_of_text = np.fromiter(
        (keys.setdefault((s, _cached_sync_key(t)), len(keys))
         for s, t in zip(text_seg, cols.texts, strict=True)),
        dtype=np.int64,
        count=len(cols.texts),
    )
    kgroup = key_of_text[cols.text_index]
    # a segment's first text founds its first key: keys of a segment start there
    first_text = cols.text_starts[:-1]
    present = first_text < cols.text_starts[1:]
    first_key = np.zeros(len(first_text), dtype=np.int64)
    first_key[present] = key_of_text[first_text[present]]
    return _Columns(
        ts=cols.ts, ucode=cols.user_index, users=cols.user_ids,
        kcode=kgroup - first_key[cols.seg], kgroup=kgroup, seg=cols.seg,
        room_ids=cols.room_ids, starts=cols.starts, user_starts=cols.user_starts,
    )


def _group_starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Return a boolean mask that is True where a new run of equal codes starts."""
    starts = np.ones(len(sorted_codes), dtype=bool)
    starts[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return starts


@dataclass
class _BatchAccountStats:
    """Per-account statistics of one batch (arrays indexed by user code)."""

    n: np.ndarray
    first: np.ndarray
    last: np.ndarray
    iat_n: np.ndarray
    iat_sum: np.ndarray
    iat_sumsq: np.ndarray
    first_pos: np.ndarray  # comment index of each account's first timed comment (-1: none)


def _batch_account_stats(cols: _Columns) -> _BatchAccountStats:
    n_users = len(cols.users)
    has_user = cols.ucode >= 0
    idx = np.flatnonzero(has_user & ~np.isnan(cols.ts))
    order = idx[np.lexsort((cols.ts[idx], cols.ucode[idx]))]
    u_s = cols.ucode[order]
    t_s = cols.ts[order]
    starts = _group_starts(u_s)
    same = ~starts[1:]
    gaps = np.diff(t_s)[same]
    gap_user = u_s[1:][same]
    first = np.full(n_users, math.nan)
    last = np.full(n_users, math.nan)
    first_pos = np.full(n_users, -1, dtype=np.int64)
    first[u_s[starts]] = t_s[starts]
    first_pos[u_s[starts]] = order[starts]
    ends = np.ones(len(u_s), dtype=bool)
    ends[:-1] = starts[1:]
    last[u_s[ends]] = t_s[ends]
    return _BatchAccountStats(
        n=np.bincount(cols.ucode[has_user], minlength=n_users),
        first=first,
        last=last,
        iat_n=np.bincount(gap_user, minlength=n_users),
        iat_sum=np.bincount(gap_user, weights=gaps, minlength=n_users),
        iat_sumsq=np.bincount(gap_user, weights=gaps * gaps, minlength=n_users),
        first_pos=first_pos,
    )


@dataclass
class _AccountFeatures:
    """Per-account features after merging the batch with remembered state."""

    n_before: np.ndarray
    n_room: np.ndarray
    iat_n: np.ndarray
    iat_sum: np.ndarray
    iat_sumsq: np.ndarray
    first_seen: np.ndarray
    returning: np.ndarray
    rooms: np.ndarray


class MachinePostingDetector:
    """Detector of machine-posted comments from timing and account behaviour.

    Implements the :class:`~botcomments.detectors.base.Detector` protocol. Batches may
    be whole rooms or time-ordered slices of one room (statistics of an account continue
    across slices of the same room). Cross-room memory is bounded by
    ``config.max_accounts`` accounts and ``config.max_rooms`` rooms.

    Args:
        config: Parameters (defaults suit live-stream chat).
    """

    name = "timing"

    def __init__(self, config: TimingConfig | None = None) -> None:
        self.config = config or TimingConfig()
        self._accounts = AccountRegistry(
            self.config.max_accounts, self.config.max_rooms_per_account
        )
        self._room_starts = RoomStarts(self.config.max_rooms)
        self._permutations = new_permutations(self.config.lockstep_num_perm)
        # datasketch's band optimiser integrates numerically: run it once, not per batch.
        bands = MinHashLSH(
            threshold=self.config.lockstep_jaccard, num_perm=self.config.lockstep_num_perm
        )
        self._bands = (bands.b, bands.r)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the features ``detect`` returns, in a fixed order."""
        return FEATURE_NAMES

    def reset(self) -> None:
        """Forget all cross-room state (accounts and room starts)."""
        self._accounts.clear()
        self._room_starts.clear()

    def detect(self, batch: RoomBatch) -> DetectorOutput:
        """Compute machine-posting features and evidence for every comment of ``batch``.

        Args:
            batch: Comments of one room (or a time-ordered slice of it).

        Returns:
            Features named in :data:`FEATURE_NAMES` (float arrays of shape (n,)) and one
            evidence dict per comment (empty when nothing suspicious was found).
        """
        return self.detect_group(BatchGroup.of(batch))

    def detect_group(self, group: BatchGroup) -> DetectorOutput:
        """:meth:`detect` over each batch of a group in turn, in one pass.

        Args:
            group: Consecutive batches (rooms or slices).

        Returns:
            The batches' outputs, concatenated.
        """
        with gc_paused():
            return self._detect(group)

    def _detect(self, group: BatchGroup) -> DetectorOutput:
        cols = _columns(group)
        n = len(cols.ts)
        if n == 0:
            return DetectorOutput(self.name, {f: np.zeros(0) for f in FEATURE_NAMES}, [])
        room_start = self._room_starts_of(cols)
        bstats = _batch_account_stats(cols)
        user_seg = cols.user_seg
        acc = self._merge_accounts([cols.room_ids[s] for s in user_seg.tolist()], cols.users,
                                   bstats)
        feats = self._account_features(cols, acc, room_start[user_seg])
        fresh = np.zeros(n, dtype=bool)
        has_first = bstats.first_pos >= 0
        fresh[bstats.first_pos[has_first]] = acc.n_before[has_first] == 0
        fresh |= cols.ucode < 0
        multi_room = np.zeros(n, dtype=bool)
        known = cols.ucode >= 0
        multi_room[known] = acc.rooms[cols.ucode[known]] >= 2
        feats.update(self._burst_features(cols, fresh, multi_room))
        group_id, group_size, shared = self._lockstep_segments(cols)
        feats["timing_lockstep_group_size"] = _per_comment(group_size, cols.ucode, 0.0)
        feats["timing_lockstep_shared"] = _per_comment(shared, cols.ucode, 0.0)
        ordered = {name: feats[name].astype(np.float64, copy=False) for name in FEATURE_NAMES}
        evidence = self._evidence(cols, ordered, group_id)
        return DetectorOutput(self.name, ordered, evidence)

    def _room_starts_of(self, cols: _Columns) -> np.ndarray:
        """Record each non-empty segment's earliest time; the room start of each segment."""
        timed = ~np.isnan(cols.ts)
        earliest = np.full(len(cols.room_ids), np.inf)
        np.minimum.at(earliest, cols.seg[timed], cols.ts[timed])
        earliest[np.isinf(earliest)] = np.nan
        filled = np.flatnonzero(np.diff(cols.starts) > 0)
        out = np.full(len(cols.room_ids), np.nan)
        out[filled] = self._room_starts.update_many(
            [cols.room_ids[k] for k in filled.tolist()], earliest[filled].tolist())
        return out

    # -- accounts -------------------------------------------------------------------

    def _merge_accounts(
        self, user_rooms: list[str], users: list[str], b: _BatchAccountStats
    ) -> _AccountFeatures:
        u = len(users)
        out = _AccountFeatures(
            n_before=np.zeros(u, dtype=np.int64),
            n_room=np.zeros(u, dtype=np.int64),
            iat_n=np.zeros(u, dtype=np.int64),
            iat_sum=np.zeros(u),
            iat_sumsq=np.zeros(u),
            first_seen=np.zeros(u),
            returning=np.zeros(u, dtype=bool),
            rooms=np.zeros(u, dtype=np.int64),
        )
        b_n, b_first, b_last = b.n.tolist(), b.first.tolist(), b.last.tolist()
        b_in, b_is, b_iq = b.iat_n.tolist(), b.iat_sum.tolist(), b.iat_sumsq.tolist()
        n_before, n_room, iat_n, iat_sum, iat_sumsq = (
            [0] * u,
            [0] * u,
            [0] * u,
            [0.0] * u,
            [0.0] * u,
        )
        first_seen, returning, rooms = [0.0] * u, [False] * u, [0] * u
        touch = self._accounts.touch
        for j, (uid, room_id) in enumerate(zip(users, user_rooms, strict=True)):
            st = touch(uid)
            returning[j] = st.n_rooms > 0 and st.room != room_id
            st.enter_room(room_id)
            n_before[j] = st.n_room
            first = b_first[j]
            if not math.isnan(first):
                if not math.isnan(st.last_ts):
                    gap = max(0.0, first - st.last_ts)
                    st.iat_n += 1
                    st.iat_sum += gap
                    st.iat_sumsq += gap * gap
                st.last_ts = b_last[j]
                if first < st.first_seen:
                    st.first_seen = first
            st.n_room += b_n[j]
            st.iat_n += b_in[j]
            st.iat_sum += b_is[j]
            st.iat_sumsq += b_iq[j]
            n_room[j], iat_n[j] = st.n_room, st.iat_n
            iat_sum[j], iat_sumsq[j] = st.iat_sum, st.iat_sumsq
            first_seen[j], rooms[j] = st.first_seen, st.n_rooms
        out.n_before[:] = n_before
        out.n_room[:] = n_room
        out.iat_n[:] = iat_n
        out.iat_sum[:] = iat_sum
        out.iat_sumsq[:] = iat_sumsq
        out.first_seen[:] = first_seen
        out.returning[:] = returning
        out.rooms[:] = rooms
        return out

    @staticmethod
    def _account_features(
        cols: _Columns, acc: _AccountFeatures, room_start: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Per-comment account features; ``room_start``: the start of each user's room."""
        n = len(cols.ts)
        known = cols.ucode >= 0
        uc = np.maximum(cols.ucode, 0)
        timed = ~np.isnan(cols.ts)
        iat_n = acc.iat_n.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(iat_n > 0, acc.iat_sum / np.maximum(iat_n, 1), 0.0)
            var = np.maximum(acc.iat_sumsq / np.maximum(iat_n, 1) - mean * mean, 0.0)
            cv = np.where(iat_n >= 2, np.where(mean > 0, np.sqrt(var) / mean, 0.0), 1.0)
            rate = np.where(iat_n > 0, 60.0 * iat_n / np.maximum(acc.iat_sum, 1.0), 0.0)
        first_seen = np.where(np.isfinite(acc.first_seen), acc.first_seen, math.nan)
        ago = np.zeros(n)
        kt = known & timed
        ago[kt] = cols.ts[kt] - first_seen[uc[kt]]
        age = np.where(np.isnan(room_start), 0.0, np.maximum(room_start - first_seen, 0.0))

        def per_comment(values: np.ndarray, neutral: float) -> np.ndarray:
            return _per_comment(values, cols.ucode, neutral)

        return {
            "timing_has_ts": timed.astype(np.float64),
            "timing_has_user": known.astype(np.float64),
            "timing_user_n_room": per_comment(acc.n_room.astype(np.float64), 1.0),
            "timing_user_iat_n": per_comment(iat_n, 0.0),
            "timing_user_iat_mean_s": per_comment(mean, 0.0),
            "timing_user_iat_cv": per_comment(cv, 1.0),
            "timing_user_rate_per_min": per_comment(rate, 0.0),
            "timing_user_first_seen_ago_s": np.nan_to_num(np.maximum(ago, 0.0)),
            "timing_account_age_s": per_comment(np.nan_to_num(age), 0.0),
            "timing_returning": per_comment(acc.returning.astype(np.float64), 0.0),
            "timing_one_off": per_comment((acc.n_room == 1).astype(np.float64), 0.0),
            "timing_user_rooms": per_comment(acc.rooms.astype(np.float64), 1.0),
        }

    # -- bursts ---------------------------------------------------------------------

    def _burst_features(
        self, cols: _Columns, fresh: np.ndarray, multi_room: np.ndarray
    ) -> dict[str, np.ndarray]:
        cfg = self.config
        n = len(cols.ts)
        w_short, w_long = cfg.short_window_s, cfg.long_window_s
        out = {
            "timing_burst_accounts_2s": np.zeros(n),
            "timing_burst_accounts_10s": np.zeros(n),
            "timing_burst_spread_s": np.full(n, w_long / math.sqrt(3.0)),
            "timing_burst_gap_cv": np.ones(n),
            "timing_burst_fresh_share": np.zeros(n),
            "timing_burst_cross_room_coposters": np.zeros(n),
        }
        tix = np.flatnonzero(~np.isnan(cols.ts))
        if len(tix) == 0:
            return out
        t_all = cols.ts[tix]
        seg = cols.seg[tix]
        t_rel = t_all - _segment_min(t_all, seg)[seg]
        order = np.lexsort((t_rel, cols.kcode[tix], seg))
        ks, kg, ts_s = cols.kcode[tix][order], cols.kgroup[tix][order], t_rel[order]
        us, seg = cols.ucode[tix][order], seg[order]
        stride = -_segment_min(-ts_s, seg) + 2.0 * w_long + 1.0
        comp = ks.astype(np.float64) * stride[seg] + ts_s
        new = self._new_poster_flags(kg, us, ts_s, 2.0 * w_long)
        gaps = np.zeros(len(ts_s))
        gaps[1:] = np.diff(ts_s)
        gaps[_group_starts(kg)] = 0.0

        def sums(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
            return window_sums(values, seg, lo, hi)

        lo_s, hi_s = _window(comp, w_short, seg)
        lo, hi = _window(comp, w_long, seg)
        cnt = (hi - lo).astype(np.float64)
        new_f = new.astype(np.float64)
        res: dict[str, np.ndarray] = {}
        res["timing_burst_accounts_2s"] = np.maximum(sums(new_f, lo_s, hi_s) - 1.0, 0.0)
        res["timing_burst_accounts_10s"] = np.maximum(sums(new_f, lo, hi) - 1.0, 0.0)
        t_loc = _segment_relative(ts_s, _group_starts(kg), 2.0 * w_long)
        _mean_t, std_t = _window_moments(sums(t_loc, lo, hi), sums(t_loc * t_loc, lo, hi), cnt)
        res["timing_burst_spread_s"] = np.where(cnt >= 2, std_t, w_long / math.sqrt(3.0))
        g_cnt = cnt - 1.0
        g_lo = np.minimum(lo + 1, hi)
        mean_g, std_g = _window_moments(sums(gaps, g_lo, hi), sums(gaps * gaps, g_lo, hi),
                                        g_cnt)
        with np.errstate(divide="ignore", invalid="ignore"):
            gcv = np.where(mean_g > 0, std_g / mean_g, 0.0)
        res["timing_burst_gap_cv"] = np.where(g_cnt >= 2, gcv, 1.0)
        f_s = fresh[tix][order].astype(np.float64)
        res["timing_burst_fresh_share"] = sums(f_s, lo, hi) / cnt
        x_s = multi_room[tix][order].astype(np.float64)
        res["timing_burst_cross_room_coposters"] = sums(x_s, lo, hi) - x_s
        dest = tix[order]
        for name, values in res.items():
            out[name][dest] = values
        return out

    @staticmethod
    def _new_poster_flags(
        ks: np.ndarray, us: np.ndarray, ts_s: np.ndarray, horizon: float
    ) -> np.ndarray:
        """Flag comments that are not a repeat of the same line by the same account.

        A comment is a repeat when its account posted the same key at most ``horizon``
        seconds earlier; anonymous comments (code -1) are never repeats.
        """
        o2 = np.lexsort((ts_s, us, ks))
        k2, u2, t2 = ks[o2], us[o2], ts_s[o2]
        rep = np.zeros(len(o2), dtype=bool)
        rep[1:] = (k2[1:] == k2[:-1]) & (u2[1:] == u2[:-1]) & (u2[1:] >= 0)
        rep[1:] &= (t2[1:] - t2[:-1]) <= horizon
        new = np.ones(len(o2), dtype=bool)
        new[o2[rep]] = False
        return new

    # -- lockstep -------------------------------------------------------------------

    def _lockstep_segments(self, cols: _Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_lockstep` of each segment alone (one with too few timed comments by
        known accounts to hold a lockstep pair is skipped: it has none).

        Returns:
            Per user of the group: group id within its segment (-1 none), group size (0
            none), most moments shared with a verified partner.
        """
        n_users = len(cols.users)
        group_id = np.full(n_users, -1, dtype=np.int64)
        size = np.zeros(n_users)
        shared = np.zeros(n_users)
        usable = (cols.ucode >= 0) & ~np.isnan(cols.ts)
        per_segment = np.bincount(cols.seg[usable], minlength=len(cols.room_ids))
        for s in np.flatnonzero(per_segment >= 2 * self.config.lockstep_min_moments).tolist():
            a, b = int(cols.user_starts[s]), int(cols.user_starts[s + 1])
            group_id[a:b], size[a:b], shared[a:b] = self._lockstep(cols.segment(s))
        return group_id, size, shared

    def _lockstep(self, cols: _Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Find groups of accounts active in the same moments again and again.

        Each account's set of moments (cells of two staggered grids of width
        ``lockstep_bucket_s``) is MinHashed; datasketch LSH proposes candidate pairs,
        every candidate is verified with the exact Jaccard similarity and shared-moment
        count, and verified pairs are merged into groups (union-find).

        Returns:
            Per account: group id (-1 none), group size (0 none), most moments shared
            with a verified partner.
        """
        cfg = self.config
        n_users = len(cols.users)
        group_id = np.full(n_users, -1, dtype=np.int64)
        size = np.zeros(n_users)
        shared = np.zeros(n_users)
        m = (cols.ucode >= 0) & ~np.isnan(cols.ts)
        if m.sum() < 2 * cfg.lockstep_min_moments:
            return group_id, size, shared
        t = cols.ts[m] - np.nanmin(cols.ts)
        u = cols.ucode[m]
        b = cfg.lockstep_bucket_s
        cells = np.concatenate([2 * np.floor(t / b), 2 * np.floor(t / b + 0.5) + 1]).astype(
            np.int64
        )
        uu = np.concatenate([u, u])
        n_cells = int(cells.max()) + 1
        pairs = np.unique(uu * n_cells + cells)
        pu, pc = pairs // n_cells, pairs % n_cells
        counts = np.bincount(pu, minlength=n_users)
        # each moment contributes one or two cells; require enough distinct cells
        eligible = np.flatnonzero(counts >= 2 * cfg.lockstep_min_moments)
        if len(eligible) < 2:
            return group_id, size, shared
        if len(eligible) > cfg.lockstep_max_accounts:
            eligible = eligible[np.argsort(-counts[eligible], kind="stable")]
            eligible = eligible[: cfg.lockstep_max_accounts]
            logger.debug("lockstep search capped at %d accounts", cfg.lockstep_max_accounts)
        starts = np.searchsorted(pu, eligible, side="left").tolist()
        ends = np.searchsorted(pu, eligible, side="right").tolist()
        cells_l = pc.tolist()
        cell_sets = {
            acc: frozenset(cells_l[s:e])
            for acc, s, e in zip(eligible.tolist(), starts, ends, strict=True)
        }
        parent = {a: a for a in cell_sets}
        best_shared = dict.fromkeys(cell_sets, 0)
        min_shared = 2 * cfg.lockstep_min_moments
        for a, c in self._candidate_pairs(cell_sets):
            ca, cc = cell_sets[a], cell_sets[c]
            inter = len(ca & cc)
            if inter < min_shared or inter < cfg.lockstep_jaccard * (len(ca) + len(cc) - inter):
                continue
            best_shared[a] = max(best_shared[a], inter)
            best_shared[c] = max(best_shared[c], inter)
            ra, rc = _find(parent, a), _find(parent, c)
            if ra != rc:
                parent[max(ra, rc)] = min(ra, rc)
        roots = {a: _find(parent, a) for a in cell_sets}
        sizes: dict[int, int] = {}
        for r in roots.values():
            sizes[r] = sizes.get(r, 0) + 1
        for a, r in roots.items():
            if sizes[r] >= 2:
                group_id[a] = r
                size[a] = sizes[r]
                shared[a] = best_shared[a] / 2.0  # two grids: cells / 2 = moments
        return group_id, size, shared

    def _candidate_pairs(self, cell_sets: dict[int, frozenset[int]]) -> set[tuple[int, int]]:
        """Account pairs whose moment-set MinHashes share an LSH band (to be verified).

        Lockstep search is a self-join of one batch, not an incremental index, so the
        banding is done for all accounts at once: datasketch chooses the bands
        (``MinHashLSH``'s optimiser for ``lockstep_jaccard``), the MinHash values come
        from :func:`~botcomments.detectors.minhash.minhash_matrix`, and accounts
        whose values agree on a whole band are candidates. Each band is folded into
        one uint64 (:func:`~botcomments.detectors.minhash.band_keys`) and all bands
        are grouped by one sort; a rare fold collision only adds a candidate, which
        verification rejects.
        """
        n_bands, width = self._bands
        accounts = np.fromiter(cell_sets, dtype=np.int64, count=len(cell_sets))
        k = len(accounts)
        rows = minhash_matrix(list(cell_sets.values()), self._permutations)
        folded = band_keys(rows, n_bands, width)
        band = np.repeat(np.arange(n_bands, dtype=np.int64)[None, :], k, axis=0).ravel()
        owner = np.repeat(accounts, n_bands)
        keys = folded.ravel()
        order = np.lexsort((owner, keys, band))
        kb, kk = band[order], keys[order]
        starts = np.flatnonzero(np.r_[True, (kb[1:] != kb[:-1]) | (kk[1:] != kk[:-1])])
        sizes = np.diff(np.r_[starts, len(kb)])
        multi = sizes >= 2
        pairs: set[tuple[int, int]] = set()
        owners = owner[order]
        for st, sz in zip(starts[multi].tolist(), sizes[multi].tolist(), strict=True):
            pairs.update(combinations(owners[st:st + sz].tolist(), 2))
        return pairs

    # -- evidence -------------------------------------------------------------------

    def _evidence(
        self,
        cols: _Columns,
        f: dict[str, np.ndarray],
        group_id: np.ndarray,
    ) -> list[dict[str, Any]]:
        """Build evidence dicts for comments with a notable timing finding.

        Notable (for explanations only; fusion uses the features): an account with at
        least 3 gaps and CV < 0.25, a tight burst (at least 4 other accounts within the short
        window and a spread <= 1.5 s or gap CV <= 0.3), a lockstep group, or an account
        seen in at least 3 rooms.
        """
        regular = (f["timing_user_iat_n"] >= 3) & (f["timing_user_iat_cv"] < 0.25)
        burst = (f["timing_burst_accounts_2s"] >= 4) & (
            (f["timing_burst_spread_s"] <= 1.5) | (f["timing_burst_gap_cv"] <= 0.3)
        )
        gid = _per_comment(group_id, cols.ucode, -1.0).astype(np.int64)
        lock = gid >= 0
        multi = f["timing_user_rooms"] >= 3
        evidence: list[dict[str, Any]] = [{} for _ in range(len(cols.ts))]
        flagged = np.flatnonzero(regular | burst | lock | multi)
        if len(flagged) == 0:
            return evidence
        col = {name: _rounded(f[name][flagged]) for name in _EVIDENCE_FEATURES}
        members: dict[tuple[int, int], list[str]] = {}
        seg = cols.seg.tolist()
        for j, i in enumerate(flagged.tolist()):
            ev: dict[str, Any] = {}
            if regular[i]:
                ev["account_regular"] = {
                    "gaps": int(col["timing_user_iat_n"][j]),
                    "mean_gap_s": col["timing_user_iat_mean_s"][j],
                    "cv": col["timing_user_iat_cv"][j],
                }
            if burst[i]:
                ev["burst"] = {
                    "accounts_2s": int(col["timing_burst_accounts_2s"][j]),
                    "accounts_10s": int(col["timing_burst_accounts_10s"][j]),
                    "spread_s": col["timing_burst_spread_s"][j],
                    "fresh_share": col["timing_burst_fresh_share"][j],
                }
            if lock[i]:
                key = (seg[i], int(gid[i]))
                if key not in members:
                    members[key] = self._members(cols, group_id, *key)
                ev["lockstep"] = {
                    "group": f"{cols.room_ids[key[0]]}#L{key[1]}",
                    "size": int(col["timing_lockstep_group_size"][j]),
                    "shared_moments": col["timing_lockstep_shared"][j],
                    "members": members[key],
                }
            if multi[i]:
                ev["cross_room"] = {"rooms": int(col["timing_user_rooms"][j])}
            evidence[i] = ev
        return evidence

    def _members(self, cols: _Columns, group_id: np.ndarray, s: int, g: int) -> list[str]:
        """The first accounts (by code) of lockstep group ``g`` of segment ``s``."""
        a, b = int(cols.user_starts[s]), int(cols.user_starts[s + 1])
        codes = np.flatnonzero(group_id[a:b] == g)[: self.config.max_evidence_accounts]
        return [cols.users[a + c] for c in codes.tolist()]


def _per_comment(per_account: np.ndarray, ucode: np.ndarray, neutral: float) -> np.ndarray:
    """Broadcast per-account values to comments; anonymous comments get ``neutral``."""
    out = np.full(len(ucode), neutral, dtype=np.float64)
    known = ucode >= 0
    out[known] = per_account[ucode[known]]
    return out


def _rounded(values: np.ndarray) -> list[float]:
    """Round to 3 decimals for JSON evidence (vectorised, then plain floats)."""
    return list(np.round(values, 3).tolist())


def _segment_min(values: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Smallest value of each segment (inf for a segment without values)."""
    out = np.full(int(seg.max()) + 1, np.inf)
    np.minimum.at(out, seg, values)
    return out


def _segment_relative(ts_s: np.ndarray, group_starts: np.ndarray, max_gap: float) -> np.ndarray:
    """Times relative to the start of their segment (a run without a gap > ``max_gap``).

    No window can span such a gap, so window moments computed from prefix sums of these
    small values keep full floating-point precision even in very long rooms.
    """
    seg_start = group_starts.copy()
    seg_start[1:] |= np.diff(ts_s) > max_gap
    seg_id = np.cumsum(seg_start) - 1
    return ts_s - ts_s[np.flatnonzero(seg_start)][seg_id]


def _window(
    comp: np.ndarray, half_width: float, seg: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index range [lo, hi) of sorted ``comp`` values (per segment) within ``half_width``."""
    lo = searchsorted_within(seg, comp, comp - half_width, "left")
    hi = searchsorted_within(seg, comp, comp + half_width, "right")
    return lo, hi


def _window_moments(
    s1: np.ndarray, s2: np.ndarray, cnt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over windows from their sums and sums of squares."""
    c = np.maximum(cnt, 1.0)
    mean = s1 / c
    var = np.maximum(s2 / c - mean * mean, 0.0)
    return mean, np.sqrt(var)


def _find(parent: dict[int, int], a: int) -> int:
    root = a
    while parent[root] != root:
        root = parent[root]
    while parent[a] != root:
        parent[a], a = root, parent[a]
    return root


def detect_rooms(
    detector: MachinePostingDetector,
    batches: Sequence[RoomBatch],
) -> list[DetectorOutput]:
    """Run ``detector`` over several rooms in order (cross-room state accumulates).

    Args:
        detector: The detector.
        batches: Room batches.

    Returns:
        One output per batch.
    """
    return [detector.detect(b) for b in batches]


__all__ = [
    "FEATURE_NAMES",
    "MachinePostingDetector",
    "NormalizedText",
    "TimingConfig",
    "detect_rooms",
    "sync_key",
]
