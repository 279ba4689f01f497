"""Checks that a scorer runs its parts the way they were fitted together.

A combiner reads detector features; its ``fusion.json`` records the detector settings
it was fitted with, and a scorer whose detectors are configured otherwise would feed it
features from another distribution. The room quantifier's rates were measured at the
combiner's threshold; a different ``--threshold`` changes the hard decisions the
count-based estimators read.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from typing import Any

from botcomments.detectors.base import Detector
from botcomments.quantify.rates import ClassifierRates

logger = logging.getLogger(__name__)


def detector_configs(detectors: Sequence[Detector]) -> dict[str, dict[str, Any]]:
    """JSON-ready settings of each configured detector, by detector name.

    Args:
        detectors: Detectors with an optional dataclass ``config`` attribute.

    Returns:
        ``{name: settings}`` for the detectors that have a dataclass config.

    Example:
        >>> from botcomments.detectors.duplicates import NearDuplicateDetector
        >>> detector_configs([NearDuplicateDetector()])["dup"]["ngram_range"]
        [1, 3]
    """
    out: dict[str, dict[str, Any]] = {}
    for det in detectors:
        config = getattr(det, "config", None)
        if dataclasses.is_dataclass(config) and not isinstance(config, type):
            out[det.name] = json.loads(json.dumps(dataclasses.asdict(config)))
    return out


def check_detector_configs(
    fitted: dict[str, dict[str, Any]], detectors: Sequence[Detector]
) -> None:
    """Refuse detectors configured unlike those a combiner was fitted with.

    Capacity bounds (settings named ``max_*``: remembered texts, clusters, rooms) bound
    memory and may differ; every other setting shapes the features and must match.

    Args:
        fitted: Settings stored with the combiner (empty: unknown, nothing checked).
        detectors: The detectors the scorer will run.

    Raises:
        ValueError: Naming each detector and setting that differs, and the fix.
    """
    running = detector_configs(detectors)
    diffs = [
        f"{name}.{key}: fitted {value!r}, running {running[name].get(key)!r}"
        for name, settings in fitted.items()
        if name in running
        for key, value in settings.items()
        if not key.startswith("max_") and running[name].get(key) != value
    ]
    if diffs:
        raise ValueError(
            "detectors are configured unlike those the combiner was fitted with ("
            + "; ".join(diffs)
            + "); use the fitted settings or refit the combiner (botcomments train-fusion)"
        )


def warn_threshold_mismatch(threshold: float, quantifier: ClassifierRates | None) -> None:
    """Log when the decision threshold is not the one the quantifier's rates assume.

    Args:
        threshold: The scorer's decision threshold.
        quantifier: The room quantifier's rates (None: nothing to check).
    """
    if quantifier is not None and abs(threshold - quantifier.threshold) > 1e-9:
        logger.warning(
            "decision threshold %.4f differs from %.4f, at which the room quantifier's "
            "error rates were measured: verdicts follow the new threshold, but count-based "
            "room estimates (cc/acc) correct with rates of the old one",
            threshold,
            quantifier.threshold,
        )
