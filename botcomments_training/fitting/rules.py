"""Calibrating the rule combiner (:class:`botcomments.fusion.rules.RuleFusion`) on tuning data."""

from __future__ import annotations

import numpy as np

from botcomments.fusion.features import FeatureTable
from botcomments.fusion.rules import RuleFusion
from botcomments.quantify import measure_rates
from botcomments.thresholds import choose_threshold
from botcomments_training.fitting.combiner import fit_calibrator


def calibrate_rules(
    fusion: RuleFusion,
    table: FeatureTable,
    labels: np.ndarray,
    users: np.ndarray | None = None,
    max_genuine_flag_rate: float = 0.02,
) -> RuleFusion:
    """Fit the rules' calibration, threshold and validation rates on tuning data.

    The noisy-OR score is Platt-calibrated (monotone, so the ranking is kept); the
    threshold is the calibrated score above which at most ``max_genuine_flag_rate`` of
    the genuine tuning comments fall; rates are measured at that threshold.

    Args:
        fusion: Rules to calibrate (rules and weights unchanged).
        table: Features of labeled tuning comments.
        labels: 0/1 per row.
        users: Account id per row (for user-level rates), or None.
        max_genuine_flag_rate: Target share of genuine comments flagged.

    Returns:
        A new combiner with calibration, threshold and rates set.
    """
    y = np.asarray(labels).astype(int)
    raw = fusion.raw_score(fusion.strengths(table))
    calibrator = fit_calibrator("platt", raw, y)
    p = np.clip(calibrator(raw), 0.0, 1.0)
    cut = choose_threshold(p, y, objective="genuine_share", max_genuine_share=max_genuine_flag_rate)
    threshold = float(np.clip(cut, 0.05, 0.95))
    rates = measure_rates(p, y, threshold=threshold, users=users)
    return RuleFusion(
        rules=fusion.rules,
        threshold=threshold,
        calibrator=calibrator,
        flag_min=fusion.flag_min,
        quantifier=rates,
        detector_configs=dict(fusion.detector_configs),
        notes=dict(fusion.notes),
    )
