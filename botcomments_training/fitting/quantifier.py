"""Fitting the room quantifier: the account stage, room regressions and their residuals.

Runtime counterparts (evaluated in numpy, stored in ``fusion.json``):
:class:`botcomments.quantify.accounts.AccountStage`,
:class:`botcomments.quantify.prevalence.RoomRegression`,
:class:`botcomments.quantify.rates.ClassifierRates`. See docs/authenticity.md.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> rooms = []
    >>> for share in np.linspace(0, 0.9, 12):
    ...     y = (rng.random(400) < share).astype(int)
    ...     p = np.clip(np.where(y == 1, 0.8, 0.2) + rng.normal(0, 0.1, 400), 0, 1)
    ...     rooms.append(CalibrationRoom(p, np.arange(400), float(y.mean())))
    >>> model = fit_room_regression(rooms, n_folds=3)
    >>> est = model.estimate(rooms[6].probs, rooms[6].codes)
    >>> abs(est - rooms[6].bot_share) < 0.05
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

from botcomments.quantify.accounts import AccountStage, account_features
from botcomments.quantify.prevalence import (
    DEFAULT_BAND_EDGES,
    DEFAULT_COUNT_EDGES,
    DEFAULT_SCORE_EDGES,
    DEFAULT_STAGE_EDGES,
    RoomRegression,
    evidence_rows,
    one_hot_bins,
    support_radius,
)
from botcomments.quantify.rates import ClassifierRates
from botcomments.quantify.users import user_codes
from botcomments_training.fitting.combiner import GbdtSettings, fit_model


@dataclass(frozen=True)
class StageSettings:
    """How the account stage is fitted.

    Args:
        trees: Boosting rounds.
        depth: Tree depth.
        learning_rate: Shrinkage.
        max_rows: Calibration comments sampled per fit (bounds the fitting time).
        untimed_share: Share of rooms whose timestamps are dropped while fitting, so
            the model knows untimed comments.
        n_folds: Folds of the cross-fit that gives out-of-fold ``q`` to the room
            regression.

    Raises:
        ValueError: On out-of-range values.
    """

    trees: int = 100
    depth: int = 3
    learning_rate: float = 0.1
    max_rows: int = 50_000
    untimed_share: float = 0.1
    n_folds: int = 3

    def __post_init__(self) -> None:
        if self.max_rows < 100 or self.n_folds < 2:
            raise ValueError(f"{self}: max_rows must be >= 100 and n_folds >= 2")
        if not 0.0 <= self.untimed_share < 1.0:
            raise ValueError(f"{self}: untimed_share must be in [0, 1)")


@dataclass
class LabelledRoom:
    """Arrays of one labelled calibration room for the account stage.

    Args:
        probs: Bot score per comment.
        codes: Dense user code per comment.
        labels: 0/1 per comment.
        ts: Unix seconds per comment, or None.
    """

    probs: np.ndarray
    codes: np.ndarray
    labels: np.ndarray
    ts: np.ndarray | None = None


def fit_account_stage(
    rooms: Sequence[LabelledRoom], settings: StageSettings | None = None, seed: int = 0
) -> AccountStage:
    """Fit the account stage on labelled calibration rooms.

    Args:
        rooms: Rooms with comment labels (both classes must occur).
        settings: Fitting settings (default ``StageSettings()``).
        seed: Seed for row sampling, untimed rooms and the boosting.

    Returns:
        The fitted stage.

    Raises:
        ValueError: If the labels hold a single class.
    """
    cfg = settings or StageSettings()
    rng = np.random.default_rng(seed)
    uses_time = any(r.ts is not None and np.isfinite(r.ts).any() for r in rooms)
    blocks, labels = [], []
    for room in rooms:
        untimed = not uses_time or rng.random() < cfg.untimed_share
        blocks.append(account_features(room.probs, room.codes, None if untimed else room.ts))
        labels.append(np.asarray(room.labels, dtype=int))
    x, y = np.concatenate(blocks), np.concatenate(labels)
    if len(np.unique(y)) < 2:
        raise ValueError(
            "the account stage needs calibration comments of both classes (bots and "
            "genuine); add rooms with bots and genuine viewers"
        )
    if len(x) > cfg.max_rows:
        keep = rng.choice(len(x), cfg.max_rows, replace=False)
        x, y = x[keep], y[keep]
    fitted = fit_model(
        "gbdt", x, y, seed,
        GbdtSettings(n_estimators=cfg.trees, max_depth=cfg.depth,
                     learning_rate=cfg.learning_rate, subsample=0.8),
    )
    return AccountStage(
        trees=tuple(fitted["trees"]),
        intercept=float(fitted["intercept"]),
        learning_rate=float(fitted["learning_rate"]),
        uses_time=uses_time,
    )


def crossfit_account_scores(
    rooms: Sequence[LabelledRoom],
    groups: Sequence[str],
    settings: StageSettings | None = None,
    seed: int = 0,
) -> list[np.ndarray]:
    """Out-of-fold account-stage probabilities of every calibration room.

    Rooms of one group (scenario and seed) share a fold, so each room's ``q`` comes from
    a stage that never saw its group: the room regression fitted on them learns how
    ``q`` behaves on unseen rooms, not on its own training comments.

    Args:
        rooms: Labelled rooms.
        groups: Fold group per room.
        settings: Fitting settings.
        seed: Fold and fitting seed.

    Returns:
        One array of ``q`` per room, in order.

    Raises:
        ValueError: With fewer groups than folds, or as :func:`fit_account_stage`.
    """
    cfg = settings or StageSettings()
    units = np.unique(np.asarray(groups, dtype=object).astype(str))
    if len(units) < cfg.n_folds:
        raise ValueError(
            f"cross-fitting the account stage needs at least {cfg.n_folds} room groups, "
            f"got {len(units)}; pass groups (e.g. scenario-seed) or more rooms"
        )
    order = np.random.default_rng(seed).permutation(units)
    fold_of = {u: i % cfg.n_folds for i, u in enumerate(order.tolist())}
    fold = np.array([fold_of[str(g)] for g in groups])
    out: list[np.ndarray] = [np.empty(0)] * len(rooms)
    for k in range(cfg.n_folds):
        train = [r for r, f in zip(rooms, fold, strict=True) if f != k]
        stage = fit_account_stage(train, cfg, seed + k)
        for i in np.flatnonzero(fold == k).tolist():
            out[i] = stage.predict(rooms[i].probs, rooms[i].codes, rooms[i].ts)
    return out


@dataclass
class CalibrationRoom:
    """One labelled calibration room.

    Args:
        probs: Bot score per comment.
        codes: Dense user code per comment (see ``quantify.user_codes``).
        bot_share: True share of bots (of comments, or of commenters for a user model).
        group: Label used to keep rooms of one simulation seed in one fold.
        ts: Unix seconds per comment (for the account stage), or None.
    """

    probs: np.ndarray
    codes: np.ndarray
    bot_share: float
    group: str = ""
    ts: np.ndarray | None = None


def _fit_linear(rows: np.ndarray, target: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    model = Ridge(alpha=alpha).fit(rows, target)
    return np.asarray(model.coef_, dtype=np.float64), float(model.intercept_)


def fit_room_regression(
    rooms: Sequence[CalibrationRoom],
    *,
    level: str = "comment",
    alpha: float = 1e-2,
    n_folds: int = 5,
    band_edges: Sequence[float] = DEFAULT_BAND_EDGES,
    score_edges: Sequence[float] = DEFAULT_SCORE_EDGES,
    count_edges: Sequence[int] = DEFAULT_COUNT_EDGES,
    seed: int = 0,
    stage: AccountStage | None = None,
    stage_scores: Sequence[np.ndarray] | None = None,
    stage_edges: Sequence[float] = DEFAULT_STAGE_EDGES,
) -> RoomRegression:
    """Fit the room regression and its conformal residuals on calibration rooms.

    The coefficients are fitted on all rooms (ridge on the room evidence means); the
    residuals come from K-fold out-of-fold predictions (rooms of one ``group`` kept
    together when there are enough groups), so they measure error on unseen rooms.
    With an account ``stage`` the rows are bins of ``q``: pass the rooms' out-of-fold
    ``q`` as ``stage_scores`` (see ``accounts.crossfit_account_scores``); without them
    the stage's own (in-sample, optimistic) predictions are used.

    Args:
        rooms: Labelled calibration rooms of varied bot shares and campaign mixes.
        level: "comment" or "user" (what ``bot_share`` counts).
        alpha: Ridge penalty.
        n_folds: Folds for the out-of-fold residuals.
        band_edges: Estimate values separating the conformal bands.
        score_edges: Score bin edges.
        count_edges: Activity class bounds.
        seed: Shuffling seed of the folds.
        stage: Fitted account stage, or None (rows of :func:`evidence_rows`).
        stage_scores: Out-of-fold ``q`` per room (same order), or None.
        stage_edges: Bins of ``q``.

    Returns:
        The fitted model.

    Raises:
        ValueError: With fewer than ``2 * n_folds`` rooms, or an empty room.
    """
    if len(rooms) < 2 * n_folds:
        raise ValueError(
            f"need at least {2 * n_folds} calibration rooms to fit and check the room "
            f"regression, got {len(rooms)}; simulate more rooms"
        )
    empty = [i for i, r in enumerate(rooms) if len(r.probs) == 0]
    if empty:
        raise ValueError(f"calibration rooms {empty[:5]} are empty; drop them")
    if stage_scores is not None and len(stage_scores) != len(rooms):
        raise ValueError(f"{len(stage_scores)} stage_scores for {len(rooms)} rooms")
    x = np.stack([
        _room_row(r, i, score_edges, count_edges, stage, stage_scores, stage_edges)
        for i, r in enumerate(rooms)
    ])
    t = np.array([r.bot_share for r in rooms], dtype=np.float64)
    oof = np.empty(len(rooms))
    groups = np.array([r.group for r in rooms])
    units = np.unique(groups)
    if len(units) < n_folds:  # too few groups: fold over rooms
        units, groups = np.arange(len(rooms)).astype(str), np.arange(len(rooms)).astype(str)
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for _, test_u in folds.split(units):
        test = np.isin(groups, units[test_u])
        coef, b = _fit_linear(x[~test], t[~test], alpha)
        oof[test] = np.clip(x[test] @ coef + b, 0.0, 1.0)
    coef, b = _fit_linear(x, t, alpha)
    return RoomRegression(
        coef=tuple(float(c) for c in coef),
        intercept=b,
        score_edges=tuple(float(e) for e in score_edges),
        count_edges=tuple(int(c) for c in count_edges),
        residuals=tuple(round(float(r), 6) for r in np.abs(oof - t)),
        residual_estimates=tuple(round(float(e), 6) for e in oof),
        band_edges=tuple(float(e) for e in band_edges),
        n_rooms=len(rooms),
        level=level,
        notes={"oof_mae": float(np.mean(np.abs(oof - t))), "alpha": alpha,
               "n_folds": n_folds},
        stage=stage,
        stage_edges=tuple(float(e) for e in stage_edges),
        support=tuple(tuple(round(float(v), 5) for v in row) for row in x),
        support_radius=round(support_radius(x), 6),
    )


def _room_row(
    room: CalibrationRoom,
    index: int,
    score_edges: Sequence[float],
    count_edges: Sequence[int],
    stage: AccountStage | None,
    stage_scores: Sequence[np.ndarray] | None,
    stage_edges: Sequence[float],
) -> np.ndarray:
    """Mean evidence row of one calibration room."""
    if stage is None:
        return evidence_rows(room.probs, room.codes, score_edges, count_edges).mean(axis=0)
    q = (stage_scores[index] if stage_scores is not None
         else stage.predict(room.probs, room.codes, room.ts))
    return one_hot_bins(q, stage_edges).mean(axis=0)


def fit_room_models(
    rates: ClassifierRates,
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[int] | np.ndarray,
    rooms: Sequence[Any] | np.ndarray,
    users: Sequence[Any] | np.ndarray | None = None,
    groups: Sequence[Any] | np.ndarray | None = None,
    *,
    ts: Sequence[float] | np.ndarray | None = None,
    account_stage: bool | StageSettings = False,
    **options: Any,
) -> ClassifierRates:
    """Attach comment- and commenter-level room regressions fitted on calibration rooms.

    A commenter counts as a bot when any of their comments is a bot (the simulator's
    ``genuine_user_ratio`` definition); anonymous comments are one commenter each.
    With ``account_stage`` both models read the bins of an account-evidence probability
    (:mod:`botcomments.quantify.accounts`) fitted on these comments and cross-fitted by
    group for the regressions; one stage is shared by both models.

    Args:
        rates: Rates to extend (their ``user`` rates get the commenter model).
        scores: Bot score per calibration comment.
        labels: 0/1 per comment.
        rooms: Room id per comment (rooms of varied bot shares and campaign mixes).
        users: Account id per comment, or None.
        groups: Fold group per comment (e.g. the simulation seed), or None.
        ts: Unix seconds per comment (NaN = untimed), used by the account stage.
        account_stage: Fit the account stage (True, or its ``StageSettings``).
        **options: Passed to :func:`fit_room_regression` (alpha, n_folds, ...).

    Returns:
        New rates with ``room_model`` set (and ``user.room_model`` when user rates exist).

    Raises:
        ValueError: On inconsistent lengths or too few rooms.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels).astype(int)
    rid = np.asarray(rooms, dtype=object)
    if not len(s) == len(y) == len(rid):
        raise ValueError(f"scores ({len(s)}), labels ({len(y)}), rooms ({len(rid)}) differ")
    grp = np.asarray(groups, dtype=object) if groups is not None else rid
    uid = None if users is None else np.asarray(users, dtype=object)
    t = None if ts is None else np.asarray(ts, dtype=np.float64)
    if t is not None and len(t) != len(s):
        raise ValueError(f"{len(t)} timestamps for {len(s)} comments; pass one per comment")
    comment_rooms, user_rooms, labelled = [], [], []
    for room in dict.fromkeys(rid.tolist()):
        sel = np.flatnonzero(rid == room)
        codes, n_users = user_codes(None if uid is None else uid[sel], len(sel))
        bot_user = np.bincount(codes, weights=y[sel], minlength=n_users) > 0
        g = str(grp[sel[0]])
        room_ts = None if t is None else t[sel]
        comment_rooms.append(CalibrationRoom(s[sel], codes, float(y[sel].mean()), g, room_ts))
        user_rooms.append(CalibrationRoom(s[sel], codes, float(bot_user.mean()), g, room_ts))
        labelled.append(LabelledRoom(s[sel], codes, y[sel], room_ts))
    if account_stage:
        settings = account_stage if isinstance(account_stage, StageSettings) else None
        room_groups = [r.group for r in comment_rooms]
        options["stage_scores"] = crossfit_account_scores(labelled, room_groups, settings)
        options["stage"] = fit_account_stage(labelled, settings)
    model = fit_room_regression(comment_rooms, level="comment", **options)
    user = rates.user
    if user is not None:
        user = replace(user, room_model=fit_room_regression(user_rooms, level="user", **options))
    return replace(rates, room_model=model, user=user)
