"""Per-room authenticity: prevalence of genuine comments and commenters, with CIs.

Estimator choice (``estimator="auto"``): **REG** (the evidence-conditional room
regression of :mod:`botcomments.quantify.prevalence`, intervals widened by its
split-conformal residuals) when the rates carry a ``room_model``; else **PACC** when bot
probabilities and measured rates are available, else ACC (hard decisions + rates), else
PCC / CC (no rates: biased, reported as such in ``estimator``). PACC beats CC/PCC/ACC
when only global rates exist because the share to estimate
varies from 0 % to 95 % across rooms while the probabilities were calibrated at the
validation prior: PCC and CC are then pulled towards that prior (biased), ACC corrects
the bias but throws away the score and has higher variance; PACC corrects the bias and
keeps the score (see :mod:`botcomments.quantify.estimators`).

Commenters. A commenter is a bot when the mean bot probability of their comments is
at least the decision threshold (for hard decisions only: when at least half of their
comments are flagged). ``genuine_user_ratio`` is one minus the prevalence of bot
commenters, estimated with the same estimator on the user-level scores and corrected
with the user-level rates (``rates.user``, see ``measure_rates(users=...)``); without
them the comment-level rates are used (an approximation: averaging makes user-level
scores more separable, so the correction is then somewhat conservative).

Confidence intervals. Percentile bootstrap over users (a cluster bootstrap: the
comments of one account are not independent): each replicate resamples users (exact
multinomial weights up to 10,000 users, Poisson(1) weights above — the standard
large-data approximation) and, at the same time, redraws the error rates from their
validation counts (Beta posteriors for tpr/fpr, normal for the mean probabilities), so
the interval carries both sampling and calibration uncertainty. Vectorised: a
1,000,000-comment room with 66k users and 500 replicates takes ~2.5 s on one core.

Edge cases. Empty room: ratios are NaN with CI (0, 1) and ``estimator`` "none (empty
room)". No user ids: every comment is its own cluster and commenter (so the user ratio
equals the comment ratio). Rates with ``tpr - fpr`` (or ``p_tpr - p_fpr``) below
``min_separation``: the correction would divide by ~0, so the estimator falls back to
PCC (or CC) and says so in ``estimator``; pass ``strict=True`` to get a ValueError.

Example:
    >>> import numpy as np
    >>> rates = ClassifierRates(tpr=0.9, fpr=0.1, n_pos=500, n_neg=500, p_tpr=0.8, p_fpr=0.2)
    >>> probs = np.array([0.9, 0.85, 0.1, 0.15, 0.2, 0.1])
    >>> r = estimate_authenticity(probs, users=["a", "a", "b", "c", "d", "e"], rates=rates)
    >>> r.estimator, round(r.authenticity_ratio, 3)
    ('pacc', 0.694)
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import repeat
from typing import Any

import numpy as np

from botcomments.quantify.estimators import ESTIMATORS, NEEDS_RATES, PROBABILISTIC, adjust
from botcomments.quantify.prevalence import RoomRegression
from botcomments.quantify.rates import ClassifierRates
from botcomments.quantify.timeline import MinuteRows
from botcomments.quantify.users import minute_slots, user_codes
from botcomments.segments import distinct_rows, segment_means, segment_ranks, segment_sums

logger = logging.getLogger(__name__)

_EXACT_BOOTSTRAP_MAX_USERS = 10_000
_MAX_WEIGHT_CELLS = 4_000_000  # bootstrap weights / replicates materialised per chunk

ArrayLike = Sequence[Any] | np.ndarray


@dataclass
class RoomAuthenticity:
    """Authenticity estimate of one room.

    Args:
        authenticity_ratio: Estimated share of genuine comments.
        authenticity_ci: (low, high) interval for it.
        genuine_user_ratio: Estimated share of genuine commenters.
        genuine_user_ci: (low, high) interval for it.
        estimator: Estimator used ("pacc", "acc", "pcc", "cc", with a fallback note).
        n_comments: Comments in the room.
        n_users: Distinct commenters (anonymous comments count one each).
        n_untimed: Comments without timestamp (left out of the timeline only).
        estimates: Bot share (comment level) by every estimator the inputs allow.
        timeline: Per-minute rows ``{minute, minute_start, n, bot_share_raw,
            genuine_share}`` for minutes with comments.
        confidence: Confidence level of the intervals.
        n_boot: Bootstrap replicates.
        room_id: Room id, when known.
        calibration: "in_range" when the room model's calibration rooms cover this
            room's evidence mix, "out_of_range" when they do not (the estimate then
            falls back to PACC/PCC and the interval spans both readings), "unchecked"
            for a room model saved without its support, "none" without a room model.
    """

    authenticity_ratio: float
    authenticity_ci: tuple[float, float]
    genuine_user_ratio: float
    genuine_user_ci: tuple[float, float]
    estimator: str
    n_comments: int
    n_users: int
    n_untimed: int = 0
    estimates: dict[str, float] = field(default_factory=dict)
    timeline: Sequence[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.95
    n_boot: int = 0
    room_id: str | None = None
    calibration: str = "none"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (tuples become lists).

        Returns:
            Plain dict of the fields.
        """
        out = asdict(self)
        out["authenticity_ci"] = list(self.authenticity_ci)
        out["genuine_user_ci"] = list(self.genuine_user_ci)
        out["timeline"] = [dict(row) for row in self.timeline]
        return out


@dataclass(frozen=True)
class _Plan:
    """Chosen estimator: its kind, reported label and the rates it corrects with."""

    kind: str
    label: str
    rates: tuple[float, float] | None
    user_rates: tuple[float, float] | None
    source: ClassifierRates | None
    user_source: ClassifierRates | None
    model: RoomRegression | None = None
    user_model: RoomRegression | None = None


def _rate_pair(rates: ClassifierRates, probabilistic: bool) -> tuple[float, float] | None:
    if probabilistic:
        if rates.p_tpr is None or rates.p_fpr is None:
            return None
        return rates.p_tpr, rates.p_fpr
    return rates.tpr, rates.fpr


def _plan(
    estimator: str,
    have_probs: bool,
    rates: ClassifierRates | None,
    min_separation: float,
    strict: bool,
) -> _Plan:
    if estimator not in (*ESTIMATORS, "auto"):
        raise ValueError(f"estimator={estimator!r}; choose one of {('auto', *ESTIMATORS)}")
    if estimator == "auto":
        if rates is not None and have_probs and rates.room_model is not None:
            estimator = "reg"
        elif rates is not None and have_probs and rates.has_probabilistic:
            estimator = "pacc"
        elif rates is not None:
            estimator = "acc"
        else:
            estimator = "pcc" if have_probs else "cc"
    if estimator in PROBABILISTIC and not have_probs:
        raise ValueError(f"estimator {estimator!r} needs bot probabilities; pass probs=...")
    if estimator not in NEEDS_RATES:
        note = "" if rates is not None else " (no rates: uncorrected)"
        return _Plan(estimator, estimator + note, None, None, None, None)
    if rates is None:
        raise ValueError(
            f"estimator {estimator!r} needs classifier error rates measured on validation; "
            "pass rates=measure_rates(val_scores, val_labels) or use estimator='pcc'"
        )
    if estimator == "reg":
        return _reg_plan(rates)
    prob = estimator in PROBABILISTIC
    pair = _rate_pair(rates, prob)
    if pair is None:
        raise ValueError(
            "rates lack p_tpr/p_fpr needed by PACC; re-measure them with measure_rates"
        )
    user_src = rates.user if rates.user is not None else rates
    user_pair = _rate_pair(user_src, prob) or pair
    if pair[0] - pair[1] < min_separation:
        msg = (
            f"classifier rates barely separate bots from humans "
            f"(tpr-fpr = {pair[0] - pair[1]:.3f} < {min_separation}); "
            "the correction would divide by ~0"
        )
        if strict:
            raise ValueError(msg + "; retrain/recalibrate the model or use estimator='pcc'")
        fallback = "pcc" if prob else "cc"
        logger.warning("%s; falling back to %s", msg, fallback)
        return _Plan(
            fallback, f"{fallback} (fallback: rates not separable)", None, None, None, None
        )
    if user_pair[0] - user_pair[1] < min_separation:
        user_pair, user_src = pair, rates
    return _Plan(estimator, estimator, pair, user_pair, rates, user_src)


def _reg_plan(rates: ClassifierRates) -> _Plan:
    if rates.room_model is None:
        raise ValueError(
            "estimator 'reg' needs rates with a room_model; fit one with "
            "`python -m botcomments_training.tune_rules` (shipped rules) or "
            "`botcomments train-fusion --rooms ...` (learned combiner), or use estimator='pacc'"
        )
    user_model = rates.user.room_model if rates.user is not None else None
    label = "reg" if user_model is not None else "reg (user share: comment model)"
    return _Plan("reg", label, None, None, rates, rates.user, rates.room_model,
                 user_model or rates.room_model)


def _sample_pair(
    src: ClassifierRates, prob: bool, pair: tuple[float, float], size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw error rates from their validation uncertainty (constant if counts unknown)."""
    tpr, fpr = pair
    out = []
    for value, n, sd in ((tpr, src.n_pos, src.p_tpr_sd), (fpr, src.n_neg, src.p_fpr_sd)):
        if n <= 0:
            out.append(np.full(size, value))
        elif prob:
            out.append(np.clip(rng.normal(value, sd / math.sqrt(n), size), 0.0, 1.0))
        else:
            k = round(value * n)
            out.append(rng.beta(k + 1, n - k + 1, size))
    return out[0], out[1]


def _resample_weights(n_users: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if n_users <= _EXACT_BOOTSTRAP_MAX_USERS:
        return rng.multinomial(n_users, np.full(n_users, 1.0 / n_users), size=size).astype(float)
    return rng.poisson(1.0, size=(size, n_users)).astype(float)


def _validate_scores(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values) | (values < 0) | (values > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name}[{i}] = {float(values[i])!r} is not a probability in [0, 1] "
            f"({int(bad.sum())} bad values); fix or drop those comments before estimating"
        )


def _user_basis(
    basis: np.ndarray,
    p: np.ndarray | None,
    codes: np.ndarray,
    counts: np.ndarray,
    prob: bool,
    threshold: float,
) -> np.ndarray:
    """Per-user bot basis: mean score (probabilistic) or the user's hard decision."""
    n_users = len(counts)
    user_score = np.bincount(codes, weights=basis, minlength=n_users) / counts
    if prob:
        return user_score
    if p is not None:
        flagged = np.bincount(codes, weights=p, minlength=n_users) / counts >= threshold
    else:
        flagged = user_score >= 0.5
    return flagged.astype(np.float64)


def _correct(raw: np.ndarray, pair: tuple[float, float] | None) -> np.ndarray:
    """Bot shares from raw shares: adjusted with rates, else clipped to [0, 1]."""
    return np.clip(raw, 0.0, 1.0) if pair is None else adjust(raw, *pair)


def _widen(bounds: np.ndarray, point: Sequence[float], half: Sequence[float | None]
           ) -> np.ndarray:
    """Join genuine-share intervals with the conformal bands of half-width ``half`` (None:
    no room model) around the bot shares ``point``, room by room, in one pass.

    Each room's bounds are those of Python's ``max(0, min(low, 1 - point - half))`` and
    ``min(1, max(high, 1 - point + half))`` (written with ``np.where``, which keeps their
    NaN rules), and unchanged where ``half`` is None or ``point`` NaN.

    Args:
        bounds: Array (rooms, 2) of (low, high).
        point: Bot share per room.
        half: Half-width per room, or None.

    Returns:
        The widened bounds, array (rooms, 2).
    """
    unset = np.array([h is None for h in half], dtype=bool)
    half_a = np.array([0.0 if h is None else h for h in half], dtype=np.float64)
    point_a = np.asarray(point, dtype=np.float64)
    low, high = bounds[:, 0], bounds[:, 1]
    down, up = 1.0 - point_a - half_a, 1.0 - point_a + half_a
    new_low = np.where(down < low, down, low)
    new_low = np.where(new_low > 0.0, new_low, 0.0)
    new_high = np.where(up > high, up, high)
    new_high = np.where(new_high < 1.0, new_high, 1.0)
    keep = unset | np.isnan(point_a)
    return np.column_stack([np.where(keep, low, new_low), np.where(keep, high, new_high)])


@dataclass(frozen=True)
class RoomInput:
    """One room's scored comments, for :func:`estimate_rooms`.

    Args:
        probs: Calibrated bot probability per comment (or None with ``decisions``).
        users: Account id per comment (None entries = anonymous), or None.
        ts: Unix seconds per comment (NaN/None = untimed), or None (no timeline).
        decisions: Hard bot decisions per comment, or None (see
            :func:`estimate_authenticity`).
        room_id: Echoed in the result.
        seed: Random seed of the room's bootstrap.
    """

    probs: ArrayLike | None = None
    users: ArrayLike | None = None
    ts: ArrayLike | None = None
    decisions: ArrayLike | None = None
    room_id: str | None = None
    seed: int = 0


@dataclass(frozen=True)
class RoomsTable:
    """Scored comments of many rooms, concatenated room after room: what
    :func:`estimate_rooms` takes in bulk, without an object per room.

    Args:
        probs: Bot probability per comment, float64 (n,).
        decisions: Hard decision per comment, bool or 0/1 (n,).
        users: Account code per comment within its room, integers (n,): each guest
            (anonymous comment) a code of its own.
        ts: Unix seconds per comment, NaN when untimed, float64 (n,).
        starts: Offsets of the rooms' comments (one more than rooms).
        room_ids: Room id of each room.
        seed: Random seed of every room's bootstrap.
    """

    probs: np.ndarray
    decisions: np.ndarray
    users: np.ndarray
    ts: np.ndarray
    starts: np.ndarray
    room_ids: Sequence[str | None]
    seed: int = 0

    def room(self, k: int) -> RoomInput:
        """Room ``k`` on its own."""
        a, b = int(self.starts[k]), int(self.starts[k + 1])
        return RoomInput(self.probs[a:b], users=self.users[a:b], ts=self.ts[a:b],
                         decisions=self.decisions[a:b], room_id=self.room_ids[k],
                         seed=self.seed)


@dataclass(frozen=True)
class _Options:
    """The settings every room of an :func:`estimate_rooms` call shares."""

    rates: ClassifierRates | None
    estimator: str
    n_boot: int
    confidence: float
    min_separation: float
    strict: bool

    @property
    def threshold(self) -> float:
        """Threshold of the default decisions and of the user-level hard basis."""
        return self.rates.threshold if self.rates is not None else 0.5

    plans: dict[bool, _Plan] = field(default_factory=dict, compare=False)

    def plan(self, have_probs: bool) -> _Plan:
        """The estimator plan for rooms with (or without) probabilities (made once)."""
        if have_probs not in self.plans:
            self.plans[have_probs] = _plan(self.estimator, have_probs, self.rates,
                                           self.min_separation, self.strict)
        return self.plans[have_probs]


@dataclass(frozen=True)
class _Room:
    """One non-empty room's checked columns."""

    p: np.ndarray | None
    d: np.ndarray
    users: ArrayLike | None
    t: np.ndarray | None
    room_id: str | None
    seed: int


def _scores_valid(rooms: Sequence[RoomInput]) -> bool:
    """Whether every room's probabilities and decisions are float arrays in [0, 1] (one
    check for all rooms; else each room checks its own, in order)."""
    columns = [x for r in rooms for x in (r.probs, r.decisions) if x is not None]
    arrays = [x for x in columns if isinstance(x, np.ndarray) and x.dtype.kind in "fb"]
    if len(arrays) < len(columns):
        return False
    joined = np.concatenate([x.reshape(-1) for x in arrays]) if arrays else np.zeros(0)
    return bool(np.isfinite(joined).all() and (joined >= 0).all() and (joined <= 1).all())


def _checked(room: RoomInput, opts: _Options, prechecked: bool = False
             ) -> _Room | RoomAuthenticity:
    """A room's checked columns, or the result of an empty room.

    Args:
        room: The room.
        opts: The call's settings.
        prechecked: Its scores are known to be valid (:func:`_scores_valid`).

    Raises:
        ValueError: As :func:`estimate_authenticity` (same checks, same order).
    """
    if room.probs is None and room.decisions is None:
        raise ValueError("pass bot probabilities (probs=...) and/or hard decisions=...")
    p = None if room.probs is None else np.asarray(room.probs, dtype=np.float64).reshape(-1)
    if p is not None and not prechecked:
        _validate_scores(p, "probs")
    if room.decisions is not None:
        d = np.asarray(room.decisions, dtype=np.float64).reshape(-1)
    else:
        assert p is not None
        d = (p >= opts.threshold).astype(np.float64)
    n = len(d)
    if p is not None and len(p) != n:
        raise ValueError(f"{len(p)} probabilities but {n} decisions; pass one per comment")
    opts.plan(p is not None)  # an estimator the inputs cannot support raises here
    if n == 0:
        return _empty(room.room_id, opts)
    if not prechecked:
        _validate_scores(d, "decisions")
    if room.users is not None and len(room.users) != n:
        raise ValueError(f"got {len(room.users)} user ids for {n} comments; "
                         "pass one per comment")
    t = None if room.ts is None else _as_float_ts(room.ts, n)
    return _Room(p, d, room.users, t, room.room_id, room.seed)


def _empty(room_id: str | None, opts: _Options) -> RoomAuthenticity:
    """The result of a room without comments."""
    return RoomAuthenticity(
        math.nan, (0.0, 1.0), math.nan, (0.0, 1.0), "none (empty room)", 0, 0,
        confidence=opts.confidence, room_id=room_id,
    )  # fmt: skip


@dataclass
class _Rooms:
    """Several non-empty rooms, room after room, all with or all without probabilities
    and timestamps; user codes are distinct across rooms (room ``r`` has codes
    ``user_starts[r]`` to ``user_starts[r + 1] - 1``)."""

    p: np.ndarray | None
    d: np.ndarray
    codes: np.ndarray
    t: np.ndarray | None
    starts: np.ndarray
    user_starts: np.ndarray
    room_ids: list[str | None]
    seeds: list[int]

    @classmethod
    def of(cls, rooms: Sequence[_Room]) -> _Rooms:
        """Concatenate rooms.

        Args:
            rooms: Checked rooms.

        Returns:
            The rooms, each room's user codes those :func:`user_codes` gives it, shifted.
        """
        sizes = [len(r.d) for r in rooms]
        codes, n_users = _user_codes_of(rooms, np.repeat(np.arange(len(rooms)), sizes))
        return cls(
            p=_joined([r.p for r in rooms]),
            d=np.concatenate([r.d for r in rooms]),
            codes=codes,
            t=_joined([r.t for r in rooms]),
            starts=np.cumsum([0, *sizes]),
            user_starts=np.cumsum([0, *n_users]),
            room_ids=[r.room_id for r in rooms],
            seeds=[r.seed for r in rooms],
        )

    @classmethod
    def of_table(cls, table: RoomsTable, rooms: np.ndarray) -> _Rooms:
        """Some rooms of a table (non-empty, increasing positions), their columns checked
        (:func:`_table_valid`).

        Args:
            table: The table.
            rooms: Room positions.

        Returns:
            The rooms, user codes as :func:`user_codes` gives each room, shifted.
        """
        sizes = np.diff(table.starts)[rooms]
        rows = _rows(table.starts, rooms)
        seg = np.repeat(np.arange(len(rooms)), sizes)
        rank, distinct = segment_ranks(seg, table.users[rows], len(rooms))
        user_starts = np.cumsum([0, *distinct.tolist()])
        return cls(
            p=np.asarray(table.probs[rows], dtype=np.float64),
            d=np.asarray(table.decisions[rows], dtype=np.float64),
            codes=rank + user_starts[seg],
            t=np.asarray(table.ts[rows], dtype=np.float64),
            starts=np.cumsum([0, *sizes.tolist()]),
            user_starts=user_starts,
            room_ids=[table.room_ids[k] for k in rooms.tolist()],
            seeds=[table.seed] * len(rooms),
        )

    @property
    def n_rooms(self) -> int:
        """Number of rooms."""
        return len(self.room_ids)

    @functools.cached_property
    def seg(self) -> np.ndarray:
        """Room of each comment."""
        return np.repeat(np.arange(self.n_rooms), np.diff(self.starts))

    def rows(self, rooms: Sequence[int]) -> np.ndarray:
        """Comment positions of the given rooms, in order."""
        return _rows(self.starts, np.asarray(rooms, dtype=np.int64))

    def take(self, rooms: Sequence[int]) -> _Rooms:
        """The given rooms only (increasing positions).

        Args:
            rooms: Room positions.

        Returns:
            Their columns.
        """
        rows = self.rows(rooms)
        n_users = np.diff(self.user_starts)[list(rooms)]
        shift = np.repeat(self.user_starts[list(rooms)] - np.cumsum([0, *n_users])[:-1],
                          np.diff(self.starts)[list(rooms)])
        return _Rooms(
            p=None if self.p is None else self.p[rows],
            d=self.d[rows],
            codes=self.codes[rows] - shift,
            t=None if self.t is None else self.t[rows],
            starts=np.cumsum([0, *np.diff(self.starts)[list(rooms)]]),
            user_starts=np.cumsum([0, *n_users]),
            room_ids=[self.room_ids[r] for r in rooms],
            seeds=[self.seeds[r] for r in rooms],
        )


def _rows(starts: np.ndarray, rooms: np.ndarray) -> np.ndarray:
    """Positions of the given rooms' rows (rooms in order), rooms delimited by ``starts``."""
    sizes = np.diff(starts)[rooms]
    shift = starts[rooms] - np.cumsum(np.r_[0, sizes[:-1]]).astype(np.int64)
    return np.repeat(shift, sizes) + np.arange(int(sizes.sum()), dtype=np.int64)


def _joined(parts: Sequence[np.ndarray | None]) -> np.ndarray | None:
    """Concatenation of arrays that are all present, else None."""
    arrays = [x for x in parts if x is not None]
    return np.concatenate(arrays) if arrays and len(arrays) == len(parts) else None


def _user_codes_of(rooms: Sequence[_Room], seg: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Each room's :func:`user_codes`, shifted to be distinct, and users per room.

    Integer ids (the scorer's) are coded for all rooms at once (the ranks
    ``np.unique`` gives each room)."""
    if all(isinstance(r.users, np.ndarray) and r.users.dtype.kind in "iu" for r in rooms):
        values = np.concatenate([np.asarray(r.users).reshape(-1) for r in rooms])
        rank, distinct = segment_ranks(seg, values, len(rooms))
        offsets = np.cumsum([0, *distinct.tolist()])
        return rank + offsets[seg], distinct.tolist()
    parts = [user_codes(r.users, len(r.d)) for r in rooms]
    offsets = np.cumsum([0, *(u for _, u in parts)]).tolist()
    return (np.concatenate([c + o for (c, _), o in zip(parts, offsets, strict=False)]),
            [u for _, u in parts])


def estimate_authenticity(
    probs: ArrayLike | None = None,
    *,
    users: ArrayLike | None = None,
    ts: ArrayLike | None = None,
    rates: ClassifierRates | None = None,
    decisions: ArrayLike | None = None,
    estimator: str = "auto",
    n_boot: int = 500,
    confidence: float = 0.95,
    min_separation: float = 0.1,
    strict: bool = False,
    seed: int = 0,
    room_id: str | None = None,
) -> RoomAuthenticity:
    """Estimate the share of genuine comments and commenters of one room.

    Args:
        probs: Calibrated bot probability per comment (or None with ``decisions``).
        users: Account id per comment (None entries = anonymous), or None.
        ts: Unix seconds per comment (NaN/None = untimed), or None (no timeline).
        rates: Error rates measured on validation (:func:`measure_rates`), or None.
        decisions: Hard bot decisions per comment; default ``probs >= rates.threshold``
            (0.5 without rates). For ACC they must use the threshold the rates used.
        estimator: "auto" (see module docs), "cc", "acc", "pcc" or "pacc".
        n_boot: Bootstrap replicates for the intervals.
        confidence: Interval confidence level.
        min_separation: Smallest tpr - fpr accepted for a correction.
        strict: Raise instead of falling back when rates are not separable.
        seed: Random seed of the bootstrap.
        room_id: Echoed in the result.

    Returns:
        The room estimate.

    Raises:
        ValueError: On inconsistent lengths, probabilities outside [0, 1], an estimator
            the inputs cannot support, or (with ``strict``) inseparable rates.
    """
    room = RoomInput(probs, users, ts, decisions, room_id, seed)
    return estimate_rooms([room], rates=rates, estimator=estimator, n_boot=n_boot,
                          confidence=confidence, min_separation=min_separation,
                          strict=strict)[0]


def estimate_rooms(
    rooms: Sequence[RoomInput] | RoomsTable,
    *,
    rates: ClassifierRates | None = None,
    estimator: str = "auto",
    n_boot: int = 500,
    confidence: float = 0.95,
    min_separation: float = 0.1,
    strict: bool = False,
) -> list[RoomAuthenticity]:
    """:func:`estimate_authenticity` of many rooms at once, each as if alone.

    The rooms' comments are concatenated and every step runs over all of them with the
    room as part of every grouping key; bootstrap draws are shared by rooms with the
    same seed and number of commenters (the same draws each would make alone), so a
    one-comment room costs a few microseconds instead of a millisecond of numpy calls.
    Every result is the one :func:`estimate_authenticity` gives the room, bit for bit.

    Args:
        rooms: The rooms, one object each or a :class:`RoomsTable`.
        rates: As :func:`estimate_authenticity`.
        estimator: As :func:`estimate_authenticity`.
        n_boot: As :func:`estimate_authenticity`.
        confidence: As :func:`estimate_authenticity`.
        min_separation: As :func:`estimate_authenticity`.
        strict: As :func:`estimate_authenticity`.

    Returns:
        One estimate per room, in order.

    Raises:
        ValueError: As :func:`estimate_authenticity`, for the first room at fault.
    """
    if not 0 < confidence < 1 or n_boot < 1:
        raise ValueError(f"confidence={confidence} must be in (0, 1) and n_boot={n_boot} >= 1")
    opts = _Options(rates, estimator, n_boot, confidence, min_separation, strict)
    if isinstance(rooms, RoomsTable):
        if _table_valid(rooms):
            return _estimate_table(rooms, opts)
        rooms = [rooms.room(k) for k in range(len(rooms.room_ids))]  # raises room by room
    prechecked = _scores_valid(rooms)
    out: list[RoomAuthenticity | None] = [None] * len(rooms)
    batches: dict[tuple[bool, bool], list[tuple[int, _Room]]] = {}
    for k, room in enumerate(rooms):
        checked = _checked(room, opts, prechecked)
        if isinstance(checked, RoomAuthenticity):
            out[k] = checked
        else:
            key = (checked.p is not None, checked.t is not None)
            batches.setdefault(key, []).append((k, checked))
    step = max(1, _MAX_WEIGHT_CELLS // n_boot)  # rooms whose replicates are held at once
    for members in batches.values():
        for at in range(0, len(members), step):
            chunk = members[at:at + step]
            estimates = _estimate(_Rooms.of([room for _, room in chunk]), opts)
            for (k, _), est in zip(chunk, estimates, strict=True):
                out[k] = est
    return [est for est in out if est is not None]


def _table_valid(table: RoomsTable) -> bool:
    """Whether a table is consistent and its scores valid (else rooms check one by one)."""
    n = len(table.probs)
    starts = np.asarray(table.starts)
    shaped = (len(table.decisions) == len(table.users) == len(table.ts) == n
              and len(starts) == len(table.room_ids) + 1 and len(starts) > 0
              and starts[0] == 0 and starts[-1] == n and bool((np.diff(starts) >= 0).all())
              and np.asarray(table.users).dtype.kind in "iu")
    return shaped and _scores_valid([RoomInput(table.probs, decisions=table.decisions)])


def _estimate_table(table: RoomsTable, opts: _Options) -> list[RoomAuthenticity]:
    """:func:`estimate_rooms` of a checked table (``_table_valid``)."""
    opts.plan(True)  # an estimator the inputs cannot support raises here
    sizes = np.diff(table.starts)
    out: list[RoomAuthenticity | None] = [None] * len(sizes)
    for k in np.flatnonzero(sizes == 0).tolist():
        out[k] = _empty(table.room_ids[k], opts)
    filled = np.flatnonzero(sizes > 0)
    step = max(1, _MAX_WEIGHT_CELLS // opts.n_boot)  # rooms whose replicates are held at once
    for at in range(0, len(filled), step):
        chunk = filled[at:at + step]
        for k, est in zip(chunk.tolist(), _estimate(_Rooms.of_table(table, chunk), opts),
                          strict=True):
            out[k] = est
    return [est for est in out if est is not None]


def _estimate(rooms: _Rooms, opts: _Options) -> list[RoomAuthenticity]:
    """Estimates of rooms that share one plan (rooms outside the room model's range
    fall back to their own)."""
    plan = opts.plan(rooms.p is not None)
    calibration = ["none"] * rooms.n_rooms
    readings: list[float | None] = [None] * rooms.n_rooms
    q = None
    if plan.model is not None and rooms.p is not None:
        model = plan.model
        q = None if model.stage is None else model.stage.predict(rooms.p, rooms.codes,
                                                                 rooms.t, rooms.seg)
        rows = model.rows(rooms.p, rooms.codes, rooms.t, q, rooms.seg)
        calibration = model.calibrations(rows, rooms.starts)
        unfitted = [r for r, label in enumerate(calibration) if label == "out_of_range"]
        if unfitted:  # keep their readings for the interval, then fall back
            sizes = np.diff(rooms.starts)[unfitted]
            means = segment_means(rows[rooms.rows(unfitted)], np.cumsum([0, *sizes]))
            # an elementwise product summed per row: each room's reading as if alone
            values = np.clip((means * np.asarray(model.coef)).sum(axis=1) + model.intercept,
                             0.0, 1.0)
            for r, value in zip(unfitted, values.tolist(), strict=True):
                readings[r] = value
    inside = [r for r in range(rooms.n_rooms) if readings[r] is None]
    outside = [r for r in range(rooms.n_rooms) if readings[r] is not None]
    out: list[RoomAuthenticity] = [None] * rooms.n_rooms  # type: ignore[list-item]
    for members, part_plan in ((inside, plan), (outside, None)):
        if not members:
            continue
        part = rooms if len(members) == rooms.n_rooms else rooms.take(members)
        part_q = None if q is None else q if part is rooms else q[rooms.rows(members)]
        if part_plan is None:  # outside the room model's range
            part_plan, part_q = _fallback_plan(opts.rates, opts.min_separation, opts.strict), None
        results = _finish(part, part_plan, plan, part_q, [calibration[r] for r in members],
                          [readings[r] for r in members], opts)
        for r, est in zip(members, results, strict=True):
            out[r] = est
    return out


def _finish(
    rooms: _Rooms,
    plan: _Plan,
    first_plan: _Plan,
    q: np.ndarray | None,
    calibration: list[str],
    readings: list[float | None],
    opts: _Options,
) -> list[RoomAuthenticity]:
    """Point estimates, bootstrap intervals and timelines of rooms under one plan.

    Args:
        rooms: The rooms.
        plan: Their plan.
        first_plan: The plan before any fallback (its room model reads ``readings``).
        q: Account-stage probability per comment (shared by the room models), or None.
        calibration: Calibration label per room.
        readings: The room model's reading of each room that fell back (else None).
        opts: The call's settings.

    Returns:
        One estimate per room.
    """
    prob = first_plan.kind in PROBABILISTIC
    p, codes = rooms.p, rooms.codes
    n_users = int(rooms.user_starts[-1])
    counts = np.bincount(codes, minlength=n_users).astype(np.float64)
    if plan.model is not None and plan.user_model is not None and p is not None:
        basis = _contributions(plan.model, rooms, q)
        shared = q if plan.user_model.stage is plan.model.stage else None
        u_num = np.bincount(codes, weights=_contributions(plan.user_model, rooms, shared),
                            minlength=n_users)
        u_den = counts
    else:
        basis = p if prob and p is not None else rooms.d
        u_num = _user_basis(basis, p, codes, counts, prob, opts.threshold)
        u_den = np.ones(n_users)
    sums = np.bincount(codes, weights=basis, minlength=n_users)
    point_c = _correct(segment_means(basis, rooms.starts), plan.rates).tolist()
    point_u = _correct(segment_sums(u_num, rooms.user_starts)
                       / segment_sums(u_den, rooms.user_starts), plan.user_rates).tolist()
    boot_c, boot_u, boot_row = _bootstrap(rooms, plan, prob, (sums, counts), (u_num, u_den),
                                          opts.n_boot)
    half_c = _half_widths(plan.model, point_c, opts.confidence)
    half_u = _half_widths(plan.user_model, point_u, opts.confidence)
    half_r = _half_widths(first_plan.model, [math.nan if x is None else x for x in readings],
                          opts.confidence)
    ci_c = _intervals(boot_c, opts.confidence)[boot_row]  # (rooms, 2)
    ci_u = _intervals(boot_u, opts.confidence)[boot_row]
    if plan.model is not None:
        ci_c = _widen(ci_c, point_c, half_c)
    if any(x is not None for x in readings):  # spans the fallback and the model's reading
        ci_c = _widen(ci_c, [math.nan if x is None else x for x in readings], half_r)
    if plan.user_model is not None:
        ci_u = _widen(ci_u, point_u, half_u)
    timelines, n_untimed = _timelines(rooms, basis, plan)
    estimates = _point_estimates(rooms, opts.rates, _reg_readings(rooms, plan, opts.rates,
                                                                  point_c, readings))
    n = rooms.n_rooms
    # one constructor call per room, its fields column by column (positional: the
    # order of RoomAuthenticity's fields)
    return list(map(
        RoomAuthenticity,
        [1.0 - x for x in point_c],  # authenticity_ratio
        list(map(tuple, ci_c.tolist())),  # authenticity_ci
        [1.0 - x for x in point_u],  # genuine_user_ratio
        list(map(tuple, ci_u.tolist())),  # genuine_user_ci
        repeat(plan.label, n),  # estimator
        np.diff(rooms.starts).tolist(),  # n_comments
        np.diff(rooms.user_starts).tolist(),  # n_users
        n_untimed,
        estimates,
        timelines,
        repeat(opts.confidence, n),
        repeat(opts.n_boot, n),
        rooms.room_ids,
        calibration,
    ))


def _contributions(model: RoomRegression, rooms: _Rooms, q: np.ndarray | None) -> np.ndarray:
    """``model.contributions`` of every comment, as for its room alone.

    With an account stage a comment's row is one-hot, so its contribution is one
    coefficient plus the intercept however the matrix product adds; without one it
    adds three coefficients, which a product over all rooms may add in another order,
    so it goes room by room.
    """
    assert rooms.p is not None
    if model.stage is not None:
        return model.contributions(rooms.p, rooms.codes, rooms.t, q, rooms.seg)
    starts, user_starts = rooms.starts.tolist(), rooms.user_starts.tolist()
    return np.concatenate([
        model.contributions(rooms.p[a:b], rooms.codes[a:b] - u,
                            None if rooms.t is None else rooms.t[a:b])
        for a, b, u in zip(starts[:-1], starts[1:], user_starts, strict=False)])


def _half_widths(model: RoomRegression | None, points: Sequence[float], confidence: float
                 ) -> list[float | None]:
    """The conformal half-width around each point (None each without a model)."""
    if model is None:
        return [None] * len(points)
    return [float(h) for h in np.asarray(model.half_width(np.asarray(points), confidence))]


def _bootstrap(
    rooms: _Rooms,
    plan: _Plan,
    prob: bool,
    comment_level: tuple[np.ndarray, np.ndarray],
    user_level: tuple[np.ndarray, np.ndarray],
    n_boot: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap bot shares of every room (a cluster bootstrap over its users).

    Rooms with the same seed and number of users share their draws: each room's
    replicates are those it would draw alone. Rooms that also have the same per-user
    figures (bit for bit) have the same replicates, so they share one row: archives of
    many small rooms hold many such (one commenter, one comment, the same score), and
    each distinct row costs ``n_boot`` corrections and a sort for its interval.

    Args:
        rooms: The rooms.
        plan: Their plan (its rates are redrawn per replicate).
        prob: Whether the rates are probabilistic.
        comment_level: Per-user numerator and denominator of the comment share.
        user_level: The same of the user share.
        n_boot: Replicates.

    Returns:
        ``(comment shares, user shares, row of each room)``: arrays (rows, n_boot)
        clipped to [0, 1], and the row holding each room's replicates.
    """
    n_users = np.diff(rooms.user_starts)
    groups: dict[tuple[int, int], list[int]] = {}
    for r, key in enumerate(zip(rooms.seeds, n_users.tolist(), strict=True)):
        groups.setdefault(key, []).append(r)
    row_of = np.empty(rooms.n_rooms, dtype=np.int64)
    work = []
    n_rows = 0
    for (seed, size_u), members in groups.items():
        users = rooms.user_starts[members][:, None] + np.arange(size_u)[None, :]
        figures = [x[users] for x in (*comment_level, *user_level)]
        first, inverse = distinct_rows(np.concatenate(figures, axis=1))
        row_of[members] = n_rows + inverse
        work.append((seed, size_u, [x[first] for x in figures], n_rows))
        n_rows += len(first)
    boot_c = np.empty((n_rows, n_boot))
    boot_u = np.empty((n_rows, n_boot))
    for seed, size_u, (c_num, c_den, u_num, u_den), row in work:
        rows = slice(row, row + len(c_num))  # a view of consecutive rows: written in place
        at = 0
        for w, c_rates, u_rates in _draws(plan, prob, seed, size_u, n_boot):
            # (rows, replicates or 1): a single column broadcasts over the replicates
            part = slice(at, at + len(w))
            _adjust_into(boot_c[rows, part], _ratios(w, c_num, c_den).T, c_rates)
            _adjust_into(boot_u[rows, part], _ratios(w, u_num, u_den).T, u_rates)
            at += len(w)
    return boot_c, boot_u, row_of


def _adjust_into(out: np.ndarray, shares: np.ndarray, rates: _Pair | None) -> np.ndarray:
    """Bootstrap shares (rooms, replicates or 1) corrected with each replicate's redrawn
    rates, clipped to [0, 1], written into ``out`` (rooms, replicates)."""
    if rates is None:
        return np.clip(np.broadcast_to(shares, out.shape), 0.0, 1.0, out=out)
    return adjust(shares, rates[0][None, :], rates[1][None, :], out=out)


_Pair = tuple[np.ndarray, np.ndarray]


def _draws(plan: _Plan, prob: bool, seed: int, n_users: int, n_boot: int
           ) -> Iterator[tuple[np.ndarray, _Pair | None, _Pair | None]]:
    """A room's bootstrap draws, chunk by chunk: user weights, then the comment- and
    user-level rate samples (in the order one random stream gives them)."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _MAX_WEIGHT_CELLS // max(n_users, 1)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        w = _resample_weights(n_users, size, rng)
        c_rates = (_sample_pair(plan.source, prob, plan.rates, size, rng)
                   if plan.rates is not None and plan.source is not None else None)
        u_rates = (_sample_pair(plan.user_source, prob, plan.user_rates, size, rng)
                   if plan.user_rates is not None and plan.user_source is not None else None)
        yield w, c_rates, u_rates


def _ratios(w: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``(w @ num[k]) / (w @ den[k])`` for each room ``k`` (rows of ``num``/``den``), as
    columns; products computed as for one room (one matrix-vector product each; with
    one user, ``w * num``: the single product the matrix-vector product makes, and when
    every weight is 1 (a lone user is always redrawn once) one row that stands for all
    replicates)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if num.shape[1] == 1 and (w == 1.0).all():
            return np.asarray(num[:, 0] / den[:, 0])[None, :]
        if num.shape[1] == 1:
            return np.asarray((w * num[:, 0]) / (w * den[:, 0]))
        return np.stack([(w @ n) / (w @ d) for n, d in zip(num, den, strict=True)], axis=1)


def _intervals(samples: np.ndarray, confidence: float) -> np.ndarray:
    """Percentile intervals of each room's bot-share samples, as genuine-share intervals.

    A row of equal samples (a room of one commenter without redrawn rates) has them as
    its quantiles (numpy interpolates by adding 0; only the sign of a zero may differ,
    which ``1 - q`` drops); other rows without NaN go through one ``np.quantile`` call
    (the quantiles ``np.nanquantile`` gives each row alone); rows with NaN through
    ``np.nanquantile``.

    Returns:
        Array (rows, 2): the genuine share's (low, high) of each row.
    """
    alpha = (1.0 - confidence) / 2.0
    levels = [alpha, 1.0 - alpha]
    bounds = np.empty((len(samples), 2))
    low = samples.min(axis=1)
    constant = low == samples.max(axis=1)  # False for rows with NaN
    bounds[constant] = low[constant, None]
    spread = ~constant & ~np.isnan(low)
    if spread.any():
        bounds[spread] = np.quantile(samples[spread], levels, axis=1).T
    for r in np.flatnonzero(np.isnan(low)).tolist():
        bounds[r] = np.nanquantile(samples[r], levels)
    return 1.0 - bounds[:, ::-1]


def _timelines(rooms: _Rooms, basis: np.ndarray, plan: _Plan
               ) -> tuple[list[MinuteRows | list[dict[str, Any]]], list[int]]:
    """Per-minute rows (columns, see :class:`MinuteRows`) and untimed comments of each
    room: ``(rows per room, untimed comments per room)``."""
    sizes = np.diff(rooms.starts).tolist()
    if rooms.t is None:
        return [[] for _ in sizes], sizes
    timed = np.isfinite(rooms.t)
    seg = rooms.seg[timed]
    n_untimed = np.bincount(rooms.seg[~timed], minlength=rooms.n_rooms).tolist()
    if not timed.any():
        return [[] for _ in n_untimed], n_untimed
    t = rooms.t[timed]
    minutes, slot = minute_slots(t, seg=seg)  # slots room after room, minutes in order
    counts = np.bincount(slot)
    raw = np.bincount(slot, weights=basis[timed]) / counts
    share = np.clip(raw, 0.0, 1.0) if plan.rates is None else adjust(raw, *plan.rates)
    t0 = np.full(rooms.n_rooms, np.inf)
    np.minimum.at(t0, seg, t)
    slot_room = np.empty(len(counts), dtype=np.int64)
    slot_room[slot] = seg
    block = np.column_stack([minutes, t0[slot_room] + 60.0 * minutes, counts, raw, 1.0 - share])
    bounds = np.searchsorted(slot_room, np.arange(rooms.n_rooms + 1)).tolist()
    # each room keeps a view of its rows: the rooms of one call share the block
    return [rows if len(rows) else [] for rows in MinuteRows.split(block, bounds)], n_untimed


def _reg_readings(rooms: _Rooms, plan: _Plan, rates: ClassifierRates | None,
                  point_c: list[float], readings: list[float | None]) -> list[float] | None:
    """The room model's bot share of each room: the point estimate under REG, the
    reading of a room that fell back, else the room model evaluated (None without one)."""
    if rooms.p is None or rates is None or rates.room_model is None:
        return None
    if plan.kind == "reg":
        return point_c
    if all(x is not None for x in readings):
        return [x for x in readings if x is not None]
    contributions = _contributions(rates.room_model, rooms, None)
    return np.clip(segment_means(contributions, rooms.starts), 0.0, 1.0).tolist()


def _point_estimates(rooms: _Rooms, rates: ClassifierRates | None, reg: list[float] | None
                     ) -> list[dict[str, float]]:
    """Bot share of each room by every estimator its inputs allow (NaN ones left out)."""
    columns = {"cc": segment_means(rooms.d, rooms.starts)}
    if rooms.p is not None:
        columns["pcc"] = segment_means(rooms.p, rooms.starts)
    if rates is not None:
        columns["acc"] = adjust(columns["cc"], rates.tpr, rates.fpr)
        if rooms.p is not None and rates.p_tpr is not None and rates.p_fpr is not None:
            columns["pacc"] = adjust(columns["pcc"], rates.p_tpr, rates.p_fpr)
        if reg is not None:
            columns["reg"] = np.asarray(reg, dtype=np.float64)
    names = list(columns)
    rows = zip(*(columns[k].tolist() for k in names), strict=True)
    if not any(np.isnan(column).any() for column in columns.values()):
        return [dict(zip(names, row, strict=True)) for row in rows]
    return [{k: v for k, v in zip(names, row, strict=True) if not math.isnan(v)}
            for row in rows]


def _fallback_plan(rates: ClassifierRates | None, min_separation: float, strict: bool) -> _Plan:
    """PACC (or PCC) for a room outside the room model's calibration range."""
    kind = "pacc" if rates is not None and rates.has_probabilistic else "pcc"
    plan = _plan(kind, True, rates, min_separation, strict)
    return replace(plan, label=f"{plan.label} (fallback: room outside the room model's range)")


def _as_float_ts(ts: ArrayLike, n: int) -> np.ndarray:
    if len(ts) != n:
        raise ValueError(f"{len(ts)} timestamps for {n} comments; pass one per comment")
    arr = np.asarray(ts)
    if arr.dtype.kind == "f":
        return arr.astype(np.float64, copy=False)
    return np.array([math.nan if t is None else float(t) for t in arr.tolist()])


def summarize_rooms(
    room_ids: ArrayLike,
    probs: ArrayLike | None = None,
    *,
    users: ArrayLike | None = None,
    ts: ArrayLike | None = None,
    decisions: ArrayLike | None = None,
    rates: ClassifierRates | None = None,
    seed: int = 0,
    **options: Any,
) -> list[RoomAuthenticity]:
    """Estimate authenticity for every room of a flat table of scored comments.

    Args:
        room_ids: Room id per comment.
        probs: Bot probability per comment (or None with ``decisions``).
        users: Account id per comment, or None.
        ts: Timestamp per comment, or None.
        decisions: Hard decisions per comment, or None.
        rates: Validation error rates, or None.
        seed: Base seed; room k (in order of first appearance) uses ``seed + k``.
        **options: Passed to :func:`estimate_rooms` (estimator, n_boot, ...).

    Returns:
        One estimate per room, in order of first appearance.

    Raises:
        ValueError: As :func:`estimate_authenticity`, or on inconsistent lengths.
    """
    rid = np.asarray(room_ids, dtype=object)
    n = len(rid)
    columns = {"probs": probs, "users": users, "ts": ts, "decisions": decisions}
    arrays: dict[str, np.ndarray | None] = {}
    for name, col in columns.items():
        if col is not None and len(col) != n:
            raise ValueError(f"{name} has {len(col)} entries for {n} room ids")
        arrays[name] = None if col is None else np.asarray(col, dtype=object)
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(r, len(index)) for r in rid.tolist()), np.int64, n)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(index) + 1))
    rooms = []
    for k, room in enumerate(index):
        sel = order[bounds[k] : bounds[k + 1]]

        def take(name: str, sel: np.ndarray = sel) -> np.ndarray | None:
            col = arrays[name]
            return None if col is None else col[sel]

        pr, de = take("probs"), take("decisions")
        rooms.append(RoomInput(
            None if pr is None else pr.astype(np.float64),
            users=take("users"),
            ts=take("ts"),
            decisions=None if de is None else de.astype(np.float64),
            room_id=str(room),
            seed=seed + k,
        ))
    return estimate_rooms(rooms, rates=rates, **options)
