"""Evaluation report of a bot score against 0/1 labels (scikit-learn).

Example:
    >>> r = evaluation_report([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(r["roc_auc"], 2)
    0.75
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
)

from botcomments.thresholds import choose_threshold


def precision_at_recall(y: np.ndarray, score: np.ndarray, recall: float) -> float:
    """Best precision among thresholds whose recall is at least ``recall``.

    Args:
        y: 0/1 labels.
        score: P(bot).
        recall: Required recall.

    Returns:
        The precision (NaN without positives).
    """
    if y.sum() == 0:
        return math.nan
    prec, rec, _ = precision_recall_curve(y, score)
    ok = rec >= recall
    return float(prec[ok].max()) if ok.any() else math.nan


def _safe(fn: Any, *args: Any) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        try:
            value = float(fn(*args))
        except ValueError:  # one class only
            return math.nan
    return value


def evaluation_report(
    labels: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    threshold: float = 0.5,
    target_precision: float = 0.95,
    n_bins: int = 10,
) -> dict[str, Any]:
    """Compute the standard report.

    Args:
        labels: 0 (human) / 1 (bot).
        scores: P(bot) per row.
        threshold: Decision threshold for F1/precision/recall/FPR.
        target_precision: Precision for the suggested threshold.
        n_bins: Bins of the reliability curve.

    Returns:
        Dict with n, n_bot, roc_auc, pr_auc, f1, precision, recall, fpr, threshold,
        precision_at_90_recall, threshold_for_target_precision, target_precision,
        brier, reliability (bin means). Metrics undefined for the data are NaN.

    Raises:
        ValueError: If lengths differ.
    """
    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    if y.shape != s.shape:
        raise ValueError(f"{len(y)} labels but {len(s)} scores")
    pred = (s >= threshold).astype(int)
    negatives = int((y == 0).sum())
    report: dict[str, Any] = {
        "n": len(y),
        "n_bot": int(y.sum()),
        "roc_auc": _safe(roc_auc_score, y, s),
        "pr_auc": _safe(average_precision_score, y, s) if y.sum() else math.nan,
        "threshold": float(threshold),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)) if y.sum() else math.nan,
        "fpr": float(((pred == 1) & (y == 0)).sum() / negatives) if negatives else math.nan,
        "precision_at_90_recall": precision_at_recall(y, s, 0.9),
        "target_precision": target_precision,
        "threshold_for_target_precision": choose_threshold(
            s, y, objective="precision", precision=target_precision
        ),
        "brier": float(brier_score_loss(y, s)) if len(y) else math.nan,
    }
    if len(y) and 0 < y.sum() < len(y):
        frac_pos, mean_pred = calibration_curve(y, s, n_bins=n_bins, strategy="uniform")
        report["reliability"] = {
            "mean_predicted": [float(v) for v in mean_pred],
            "fraction_bot": [float(v) for v in frac_pos],
        }
    return report


def plot_reliability(report: dict[str, Any], path: Path | str, title: str = "") -> Path | None:
    """Save the reliability curve of a report as PNG (matplotlib Agg backend).

    Args:
        report: Output of :func:`evaluation_report`.
        path: PNG path.
        title: Plot title.

    Returns:
        The path, or None when the report has no curve (one class only).
    """
    curve = report.get("reliability")
    if not curve:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    ax.plot(curve["mean_predicted"], curve["fraction_bot"], marker="o", label="model")
    ax.set_xlabel("mean predicted P(bot)")
    ax.set_ylabel("fraction bot")
    ax.set_title(title or f"reliability (Brier {report['brier']:.3f})")
    ax.legend(loc="upper left")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def format_report(report: dict[str, Any]) -> str:
    """Human-readable one-metric-per-line text of a report.

    Args:
        report: Output of :func:`evaluation_report`.

    Returns:
        Text.
    """
    lines = []
    for key, value in report.items():
        if key == "reliability":
            continue
        lines.append(f"{key:32s} {value:.4f}" if isinstance(value, float) else f"{key:32s} {value}")
    return "\n".join(lines)


def save_report(report: dict[str, Any], path: Path | str) -> Path:
    """Write a report as JSON (NaN written as null).

    Args:
        report: Output of :func:`evaluation_report`.
        path: JSON path.

    Returns:
        The path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_jsonable(report), indent=2, ensure_ascii=False), "utf-8")
    return path


def to_jsonable(value: Any) -> Any:
    """Replace NaN/inf floats by None, recursively.

    Args:
        value: JSON-like value.

    Returns:
        Strict-JSON value.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value
