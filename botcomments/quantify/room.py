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

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from botcomments.quantify.estimators import ESTIMATORS, NEEDS_RATES, PROBABILISTIC, adjust
from botcomments.quantify.prevalence import RoomRegression
from botcomments.quantify.rates import ClassifierRates
from botcomments.quantify.users import minute_slots, user_codes

logger = logging.getLogger(__name__)

_EXACT_BOOTSTRAP_MAX_USERS = 10_000
_MAX_WEIGHT_CELLS = 4_000_000  # bootstrap weights materialised per chunk

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
    timeline: list[dict[str, Any]] = field(default_factory=list)
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


def _timeline(ts: np.ndarray, basis: np.ndarray, plan: _Plan) -> tuple[list[dict[str, Any]], int]:
    timed = np.isfinite(ts)
    n_untimed = int((~timed).sum())
    if not timed.any():
        return [], n_untimed
    t = ts[timed]
    t0 = float(t.min())
    minutes, slot = minute_slots(t, t0)
    counts = np.bincount(slot)
    sums = np.bincount(slot, weights=basis[timed])
    rows = []
    for k, m in enumerate(minutes.tolist()):
        raw = float(sums[k] / counts[k])
        share = float(np.clip(raw, 0.0, 1.0)) if plan.rates is None else float(
            adjust(raw, *plan.rates)
        )
        rows.append(
            {
                "minute": m,
                "minute_start": t0 + 60.0 * m,
                "n": int(counts[k]),
                "bot_share_raw": raw,
                "genuine_share": 1.0 - share,
            }
        )
    return rows, n_untimed


def _point_estimates(
    probs: np.ndarray | None,
    decisions: np.ndarray,
    rates: ClassifierRates | None,
    codes: np.ndarray,
    ts: np.ndarray | None = None,
    reg: float | None = None,
) -> dict[str, float]:
    out = {"cc": float(decisions.mean())}
    if probs is not None:
        out["pcc"] = float(probs.mean())
    if rates is not None:
        out["acc"] = float(adjust(out["cc"], rates.tpr, rates.fpr))
        if probs is not None and rates.p_tpr is not None and rates.p_fpr is not None:
            out["pacc"] = float(adjust(out["pcc"], rates.p_tpr, rates.p_fpr))
        if probs is not None and rates.room_model is not None:
            out["reg"] = reg if reg is not None else rates.room_model.estimate(probs, codes, ts)
    return {k: v for k, v in out.items() if not math.isnan(v)}


def _interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """Percentile interval of bot-share samples, returned as a genuine-share interval."""
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.nanquantile(samples, [alpha, 1.0 - alpha])
    return float(1.0 - hi), float(1.0 - lo)


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


def _correct(raw: float, pair: tuple[float, float] | None) -> float:
    """Bot share from a raw share: adjusted with rates, else clipped to [0, 1]."""
    return float(np.clip(raw, 0.0, 1.0)) if pair is None else float(adjust(raw, *pair))


def _widen(
    ci: tuple[float, float], point: float, model: RoomRegression | None, confidence: float
) -> tuple[float, float]:
    """Join a genuine-share interval with the conformal band around the bot share."""
    if model is None or math.isnan(point):
        return ci
    half = float(model.half_width(point, confidence))
    lo = max(0.0, min(ci[0], 1.0 - point - half))
    hi = min(1.0, max(ci[1], 1.0 - point + half))
    return lo, hi


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
    if probs is None and decisions is None:
        raise ValueError("pass bot probabilities (probs=...) and/or hard decisions=...")
    if not 0 < confidence < 1 or n_boot < 1:
        raise ValueError(f"confidence={confidence} must be in (0, 1) and n_boot={n_boot} >= 1")
    p = None if probs is None else np.asarray(probs, dtype=np.float64).reshape(-1)
    if p is not None:
        _validate_scores(p, "probs")
    threshold = rates.threshold if rates is not None else 0.5
    if decisions is not None:
        d = np.asarray(decisions, dtype=np.float64).reshape(-1)
    else:
        assert p is not None
        d = (p >= threshold).astype(np.float64)
    n = len(d)
    if p is not None and len(p) != n:
        raise ValueError(f"{len(p)} probabilities but {n} decisions; pass one per comment")
    plan = _plan(estimator, p is not None, rates, min_separation, strict)
    if n == 0:
        return RoomAuthenticity(
            math.nan, (0.0, 1.0), math.nan, (0.0, 1.0), "none (empty room)", 0, 0,
            confidence=confidence, room_id=room_id,
        )  # fmt: skip
    _validate_scores(d, "decisions")
    prob = plan.kind in PROBABILISTIC
    codes, n_users = user_codes(users, n)
    counts = np.bincount(codes, minlength=n_users).astype(np.float64)
    t = None if ts is None else _as_float_ts(ts, n)
    calibration, outside = "none", None
    if plan.model is not None and p is not None:
        q = None if plan.model.stage is None else plan.model.stage.predict(p, codes, t)
        rows = plan.model.rows(p, codes, t, q)
        calibration = plan.model.calibration(rows)
        if calibration == "out_of_range":  # keep its reading for the interval, then fall back
            reading = float(np.clip(rows.mean(axis=0) @ np.asarray(plan.model.coef)
                                    + plan.model.intercept, 0.0, 1.0))
            outside = (plan.model, reading)
            plan = _fallback_plan(rates, min_separation, strict)
    if plan.model is not None and plan.user_model is not None and p is not None:
        basis = plan.model.contributions(p, codes, t, q)
        shared = q if plan.user_model.stage is plan.model.stage else None
        u_num = np.bincount(codes, weights=plan.user_model.contributions(p, codes, t, shared),
                            minlength=n_users)
        u_den = counts
    else:
        basis = p if prob and p is not None else d
        u_num = _user_basis(basis, p, codes, counts, prob, threshold)
        u_den = np.ones(n_users)
    sums = np.bincount(codes, weights=basis, minlength=n_users)
    point_c = _correct(float(basis.mean()), plan.rates)
    point_u = _correct(float(u_num.sum() / u_den.sum()), plan.user_rates)

    rng = np.random.default_rng(seed)
    boot_c, boot_u = [], []
    chunk = max(1, min(n_boot, _MAX_WEIGHT_CELLS // max(n_users, 1)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        w = _resample_weights(n_users, size, rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            rc = (w @ sums) / (w @ counts)
            ru = (w @ u_num) / (w @ u_den)
        if plan.rates is not None and plan.source is not None:
            rc = adjust(rc, *_sample_pair(plan.source, prob, plan.rates, size, rng))
        if plan.user_rates is not None and plan.user_source is not None:
            ru = adjust(ru, *_sample_pair(plan.user_source, prob, plan.user_rates, size, rng))
        boot_c.append(np.clip(rc, 0.0, 1.0))
        boot_u.append(np.clip(ru, 0.0, 1.0))
    ci_c = _widen(_interval(np.concatenate(boot_c), confidence), point_c, plan.model, confidence)
    if outside is not None:  # the interval spans the fallback and the room model's reading
        ci_c = _widen(ci_c, outside[1], outside[0], confidence)
    ci_u = _widen(
        _interval(np.concatenate(boot_u), confidence), point_u, plan.user_model, confidence
    )
    timeline, n_untimed = ([], n) if t is None else _timeline(t, basis, plan)
    return RoomAuthenticity(
        authenticity_ratio=1.0 - point_c,
        authenticity_ci=ci_c,
        genuine_user_ratio=1.0 - point_u,
        genuine_user_ci=ci_u,
        estimator=plan.label,
        n_comments=n,
        n_users=n_users,
        n_untimed=n_untimed,
        estimates=_point_estimates(p, d, rates, codes, t,
                                   point_c if plan.kind == "reg" else
                                   outside[1] if outside is not None else None),
        timeline=timeline,
        confidence=confidence,
        n_boot=n_boot,
        room_id=room_id,
        calibration=calibration,
    )


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
        **options: Passed to :func:`estimate_authenticity` (estimator, n_boot, ...).

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
    out = []
    for k, room in enumerate(index):
        sel = order[bounds[k] : bounds[k + 1]]

        def take(name: str, sel: np.ndarray = sel) -> np.ndarray | None:
            col = arrays[name]
            return None if col is None else col[sel]

        pr, de = take("probs"), take("decisions")
        out.append(
            estimate_authenticity(
                None if pr is None else pr.astype(np.float64),
                users=take("users"),
                ts=take("ts"),
                rates=rates,
                decisions=None if de is None else de.astype(np.float64),
                seed=seed + k,
                room_id=str(room),
                **options,
            )
        )
    return out
