"""Fitting the learned combiner: preprocessing, trees, calibration, threshold.

Trained with scikit-learn (logistic regression or gradient-boosted trees), then stored
as plain JSON parameters (``fusion.json`` in the model folder; no pickles) that the
runtime evaluates in numpy (:mod:`botcomments.ml`, :mod:`botcomments.fusion.learned`).

Example:
    >>> import numpy as np
    >>> from botcomments.fusion.features import FeatureTable
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(400, 2)).astype(np.float32)
    >>> y = (x[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)
    >>> groups = np.arange(400) // 20
    >>> fusion, _ = fit_learned_fusion(FeatureTable(("a.x", "a.y"), x), y, groups)
    >>> float(fusion.predict_proba(FeatureTable(("a.x", "a.y"), x[:1]))[0]) > 0.5
    True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import GroupShuffleSplit

from botcomments.fusion.features import FeatureTable
from botcomments.fusion.learned import CALIBRATIONS, MODEL_KINDS, LearnedFusion
from botcomments.ml import Calibrator, Preprocessor, TreeArrays, logit, signed_log1p
from botcomments.thresholds import choose_threshold


def fit_preprocessor(x: np.ndarray) -> Preprocessor:
    """Fit on a training matrix.

    Args:
        x: Raw features (n, d), NaN allowed.

    Returns:
        The fitted preprocessor.
    """
    with np.errstate(all="ignore"):
        fill = np.nanmedian(x, axis=0) if len(x) else np.zeros(x.shape[1])
    fill = np.where(np.isfinite(fill), fill, 0.0)
    z = signed_log1p(np.where(np.isnan(x), fill, x))
    mean = z.mean(axis=0) if len(z) else np.zeros(x.shape[1])
    scale = z.std(axis=0) if len(z) else np.ones(x.shape[1])
    scale = np.where(scale > 1e-9, scale, 1.0)
    return Preprocessor(tuple(map(float, fill)), tuple(map(float, mean)),
                        tuple(map(float, scale)))


def fit_calibrator(kind: str, p: np.ndarray, y: np.ndarray) -> Calibrator:
    """Fit on held-out raw probabilities and labels.

    Args:
        kind: One of ``CALIBRATIONS``.
        p: Raw probabilities.
        y: 0/1 labels.

    Returns:
        The calibrator.

    Raises:
        ValueError: On an unknown kind.
    """
    if kind == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y)
        return Calibrator(
            "isotonic",
            x=tuple(map(float, iso.X_thresholds_)),
            y=tuple(map(float, iso.y_thresholds_)),
        )
    if kind == "platt":
        lr = LogisticRegression(C=1e6).fit(logit(p)[:, None], y)
        return Calibrator("platt", a=float(lr.coef_[0, 0]), b=float(lr.intercept_[0]))
    if kind == "none":
        return Calibrator()
    raise ValueError(f"unknown calibration {kind!r}; choose one of {CALIBRATIONS}")


@dataclass(frozen=True)
class FusionSplit:
    """Room-grouped three-way split indices: fit, calibrate, validate."""

    fit: np.ndarray
    calibrate: np.ndarray
    validate: np.ndarray


def room_split(groups: np.ndarray, seed: int = 0) -> FusionSplit:
    """Split rows so that no room is on two sides (about 60/20/20 by rooms).

    Args:
        groups: Room id per row.
        seed: Random seed.

    Returns:
        The index split.

    Raises:
        ValueError: With fewer than 3 distinct rooms.
    """
    if len(np.unique(groups)) < 3:
        raise ValueError("need rows from at least 3 rooms for a room-grouped split")
    idx = np.arange(len(groups))
    outer = GroupShuffleSplit(n_splits=1, test_size=0.4, random_state=seed)
    fit_idx, rest = next(outer.split(idx, groups=groups))
    inner = GroupShuffleSplit(n_splits=1, test_size=0.5, random_state=seed + 1)
    cal_rel, val_rel = next(inner.split(rest, groups=groups[rest]))
    return FusionSplit(fit_idx, rest[cal_rel], rest[val_rel])


@dataclass(frozen=True)
class GbdtSettings:
    """Size of the gradient-boosted combiner.

    Args:
        n_estimators: Boosting rounds.
        max_depth: Depth of each tree.
        learning_rate: Shrinkage.
        subsample: Row share per round.

    Raises:
        ValueError: On non-positive sizes or rates outside (0, 1].
    """

    n_estimators: int = 150
    max_depth: int = 3
    learning_rate: float = 0.1
    subsample: float = 0.8

    def __post_init__(self) -> None:
        if self.n_estimators < 1 or self.max_depth < 1:
            raise ValueError(f"{self}: n_estimators and max_depth must be at least 1")
        if not (0 < self.learning_rate <= 1 and 0 < self.subsample <= 1):
            raise ValueError(f"{self}: learning_rate and subsample must lie in (0, 1]")


def fit_model(
    kind: str, z: np.ndarray, y: np.ndarray, seed: int, gbdt: GbdtSettings | None = None
) -> dict[str, Any]:
    """Fit a logistic regression or GBDT and return its parameters as plain values.

    Shared by the combiner and the quantifier's account stage, so both store trees the
    same way (:class:`TreeArrays`, evaluated in numpy, no pickles).

    Args:
        kind: "logistic" or "gbdt".
        z: Preprocessed feature matrix.
        y: 0/1 labels.
        seed: Random seed (GBDT subsampling).
        gbdt: GBDT sizes (default :class:`GbdtSettings`).

    Returns:
        Parameters as consumed by :class:`LearnedFusion`: ``coef`` and ``intercept``
        (logistic), or ``trees``, ``intercept`` and ``learning_rate`` (gbdt).

    Raises:
        ValueError: On an unknown kind.
    """
    if kind == "logistic":
        lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(z, y)
        return {"coef": tuple(map(float, lr.coef_[0])), "intercept": float(lr.intercept_[0])}
    if kind == "gbdt":
        g = gbdt or GbdtSettings()
        gb = GradientBoostingClassifier(
            n_estimators=g.n_estimators, max_depth=g.max_depth, learning_rate=g.learning_rate,
            subsample=g.subsample, random_state=seed,
        ).fit(z, y)
        trees = []
        for est in gb.estimators_[:, 0]:
            t = est.tree_
            trees.append(TreeArrays(
                left=t.children_left.astype(np.int64),
                right=t.children_right.astype(np.int64),
                feature=np.maximum(t.feature, 0).astype(np.int64),
                threshold=t.threshold.astype(np.float64),
                value=t.value[:, 0, 0].astype(np.float64),
            ))
        z32 = z[:1].astype(np.float32)
        tree_sum = sum(float(tr.predict(z32)[0]) for tr in trees)
        init = float(gb.decision_function(z[:1])[0]) - gb.learning_rate * tree_sum
        return {"trees": trees, "intercept": init, "learning_rate": float(gb.learning_rate)}
    raise ValueError(f"unknown fusion model kind {kind!r}; choose one of {MODEL_KINDS}")


def _capped_fpr(p: np.ndarray, y: np.ndarray, cap_rows: np.ndarray | None, index: np.ndarray,
                threshold: float) -> float | None:
    """Genuine share flagged among the capped rows of the validation split (None: none)."""
    if cap_rows is None:
        return None
    mask = np.asarray(cap_rows, dtype=bool)[index] & (y == 0)
    return float((p[mask] >= threshold).mean()) if mask.any() else None


def fit_learned_fusion(
    table: FeatureTable,
    labels: np.ndarray,
    groups: np.ndarray,
    *,
    kind: str = "logistic",
    calibration: str = "isotonic",
    features: tuple[str, ...] | None = None,
    seed: int = 0,
    max_fpr: float | None = 0.015,
    gbdt: GbdtSettings | None = None,
    cap_rows: np.ndarray | None = None,
) -> tuple[LearnedFusion, dict[str, Any]]:
    """Fit, calibrate and validate a combiner on labeled rows with room groups.

    Rooms are split 60/20/20: the model is fitted on the first part, calibration and the
    decision threshold (best F1 among thresholds flagging at most ``max_fpr`` of the
    genuine comments) on the second, and metrics plus the validation scores on the
    third (returned so callers can measure ClassifierRates on them).

    Args:
        table: Raw features of every labeled comment.
        labels: 0/1 per row.
        groups: Room id per row (no room is on two sides).
        kind: "logistic" or "gbdt".
        calibration: One of ``CALIBRATIONS``.
        features: Columns to use (default: all of ``table``).
        seed: Random seed.
        max_fpr: Cap on the genuine share flagged at the chosen threshold (None = pure
            best F1). The default keeps genuine-only rooms under 2 % flagged.
        gbdt: Size of the boosted trees (kind "gbdt").
        cap_rows: Rows whose genuine share must ALSO stay within ``max_fpr`` (e.g. the
            real-background genuine comments, so simulated viewers cannot set the false
            alarm rate alone); None = only the cap over all genuine rows.

    Returns:
        The combiner and a report dict with ``metrics``, ``validation_scores``,
        ``validation_labels``, ``validation_groups`` and ``validation_index`` (numpy
        arrays).

    Raises:
        ValueError: On bad labels, a single class, or too few rooms.
    """
    y = np.asarray(labels).astype(int)
    if set(np.unique(y)) - {0, 1} or len(np.unique(y)) < 2:
        raise ValueError("labels must be 0/1 with both classes present")
    names = tuple(features or table.names)
    x = table.select(names).astype(np.float64)
    split = room_split(np.asarray(groups), seed)
    pre = fit_preprocessor(x[split.fit])
    params = fit_model(kind, pre.transform(x[split.fit]), y[split.fit], seed, gbdt)
    fusion = LearnedFusion(feature_names=names, preprocessor=pre, kind=kind, **params)
    cal_raw = fusion.raw_proba(x[split.calibrate])
    fusion.calibrator = fit_calibrator(calibration, cal_raw, y[split.calibrate])
    cal_p = fusion.calibrator(cal_raw)
    fusion.threshold = choose_threshold(
        cal_p, y[split.calibrate], objective="f1", max_genuine_share=max_fpr
    )
    capped = None if cap_rows is None else np.asarray(cap_rows, dtype=bool)[split.calibrate]
    if max_fpr is not None and capped is not None and (capped & (y[split.calibrate] == 0)).any():
        floor = choose_threshold(cal_p[capped & (y[split.calibrate] == 0)],
                                 objective="genuine_share", max_genuine_share=max_fpr)
        fusion.threshold = max(fusion.threshold, floor)
    val_p = np.clip(fusion.calibrator(fusion.raw_proba(x[split.validate])), 0, 1)
    yv = y[split.validate]
    metrics = {
        "n_fit": len(split.fit),
        "n_calibrate": len(split.calibrate),
        "n_validate": len(split.validate),
        "threshold": fusion.threshold,
        "f1": float(f1_score(yv, val_p >= fusion.threshold, zero_division=0)),
        "fpr": float((val_p[yv == 0] >= fusion.threshold).mean()) if (yv == 0).any() else None,
        "fpr_capped_rows": _capped_fpr(val_p, yv, cap_rows, split.validate, fusion.threshold),
        "max_fpr": max_fpr,
        "gbdt": dataclasses.asdict(gbdt or GbdtSettings()) if kind == "gbdt" else None,
        "brier": float(brier_score_loss(yv, val_p)),
        "roc_auc": float(roc_auc_score(yv, val_p)) if len(np.unique(yv)) == 2 else None,
    }
    fusion.metrics = metrics
    report = {
        "metrics": metrics,
        "validation_scores": val_p,
        "validation_labels": yv,
        "validation_groups": np.asarray(groups)[split.validate],
        "validation_index": split.validate,
    }
    return fusion, report
