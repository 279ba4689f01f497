"""Train the learned combiner on labeled (simulator) rooms and store it with a model.

Example:
    >>> # botcomments train-fusion --model models/default --data sim_train.jsonl
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from botcomments.fusion.features import (
    DEFAULT_FEATURE_SET,
    TEXT_MAX_SURPRISE,
    TEXT_SCORE_FEATURE,
    FeatureTable,
    select_features,
)
from botcomments.fusion.learned import LearnedFusion
from botcomments.fusion.surprise import GenuineTextTail
from botcomments.io.readers import open_comments
from botcomments.quantify import measure_rates
from botcomments.records import Comment
from botcomments.scoring.consistency import detector_configs
from botcomments.scoring.grouping import room_slices
from botcomments.scoring.pipeline import FeatureExtractor
from botcomments_training.fitting.combiner import GbdtSettings, fit_learned_fusion
from botcomments_training.fitting.quantifier import fit_room_models

logger = logging.getLogger(__name__)


@dataclass
class TrainingTable:
    """Features of labeled comments with their room and persona.

    Args:
        features: Named features, one row per comment.
        labels: 0/1 per row.
        rooms: Room id per row (for room-grouped splits).
        personas: ``extra["persona"]`` per row ("" when absent).
        users: User id per row (None for guests).
        timestamps: Unix seconds per row (NaN = untimed), or None when not collected.
    """

    features: FeatureTable
    labels: np.ndarray
    rooms: np.ndarray
    personas: np.ndarray
    users: np.ndarray
    timestamps: np.ndarray | None = None


def collect_features(
    extractor: FeatureExtractor, comments: Iterable[Comment], max_slice: int = 100_000
) -> TrainingTable:
    """Run the feature stages over labeled comments, room by room.

    Args:
        extractor: Feature extractor (detectors + optional text model); reset first.
        comments: Labeled comments (``label`` 0/1).
        max_slice: Most comments of one room processed at once.

    Returns:
        The training table.

    Raises:
        ValueError: If a comment has no label, or nothing was read.
    """
    extractor.reset()
    tables: list[FeatureTable] = []
    labels: list[int] = []
    rooms: list[str] = []
    personas: list[str] = []
    users: list[str | None] = []
    timestamps: list[float] = []
    for piece in room_slices(comments, max_slice=max_slice):
        for c in piece.comments:
            if c.label is None:
                raise ValueError(
                    f"room {piece.room_id}: comment {c.msg_id or c.text[:20]!r} has no label; "
                    "train-fusion needs labeled data (e.g. `botcomments simulate`)"
                )
            labels.append(c.label)
            rooms.append(c.room_id)
            personas.append(str(c.extra.get("persona", "")))
            users.append(c.user_id)
            timestamps.append(np.nan if c.ts is None else c.ts)
        tables.append(extractor.extract(piece.room_id, piece.comments).features)
    if not tables:
        raise ValueError("no comments to train on")
    return TrainingTable(
        FeatureTable.concat(tables), np.asarray(labels), np.asarray(rooms),
        np.asarray(personas), np.asarray(users, dtype=object),
        np.asarray(timestamps, dtype=np.float64),
    )


def genuine_text_tail(data: TrainingTable) -> GenuineTextTail:
    """The text-score tail of the genuine comments behind ``acct.text_max_surprise``.

    Measured on every genuine comment of the table (simulated and real-background alike):
    the combiner learns from both, and a tail of the real ones only made simulated
    genuine accounts (whose text scores run higher) look surprising; with the combiner
    fitted that way the account stage of the room models carried over worse to
    real-background rooms (docs/training.md, "The account's highest text score").

    Args:
        data: Training table with the text score.

    Returns:
        The tail.

    Raises:
        ValueError: If there are no genuine comments.
    """
    genuine = data.labels == 0
    if not genuine.any():
        raise ValueError("no genuine comments to measure the text-score tail on")
    tail = GenuineTextTail.fit(data.features.column(TEXT_SCORE_FEATURE)[genuine])
    logger.info("genuine text-score tail measured on %d comments", tail.lines)
    return tail


def fit_with_rates(
    data: TrainingTable,
    *,
    kind: str = "gbdt",
    calibration: str = "isotonic",
    features: tuple[str, ...] | None = None,
    seed: int = 0,
    cap_personas: tuple[str, ...] = (),
    **options: Any,
) -> tuple[LearnedFusion, dict[str, Any]]:
    """Fit the combiner and attach the validation ClassifierRates the estimator needs.

    Args:
        data: Training table.
        kind: "gbdt" or "logistic".
        calibration: "isotonic", "platt" or "none".
        features: Columns to use (default: all); with ``acct.text_max_surprise`` the
            genuine text-score tail is measured (:func:`genuine_text_tail`) and stored in
            the combiner.
        seed: Random seed.
        cap_personas: Personas whose genuine rows must also stay within ``max_fpr`` on
            their own (e.g. ``("genuine_real",)``: real-background chat).
        **options: Passed to :func:`fit_learned_fusion` (``max_fpr``, ``gbdt``).

    Returns:
        The combiner (``quantifier`` and ``text_tail`` set) and the fitting report.
    """

    capped = np.isin(data.personas, cap_personas) if cap_personas else None
    tail = (genuine_text_tail(data)
            if features is not None and TEXT_MAX_SURPRISE in features else None)
    fusion, report = fit_learned_fusion(
        tail.extend(data.features) if tail else data.features, data.labels, data.rooms,
        kind=kind, calibration=calibration, features=features, seed=seed,
        cap_rows=capped, **options,
    )
    fusion.text_tail = tail
    rates = measure_rates(report["validation_scores"], report["validation_labels"],
                          threshold=fusion.threshold,
                          users=data.users[report["validation_index"]])
    fusion.quantifier = rates
    return fusion, report


def attach_room_models(
    fusion: LearnedFusion, data: TrainingTable, groups: np.ndarray | None = None,
    account_stage: bool = True,
) -> None:
    """Fit the quantifier's evidence-conditional room regressions on calibration rooms.

    The fused score of every calibration comment feeds
    :func:`botcomments.quantify.fit_room_models`; the result (comment- and
    commenter-level room models with conformal residuals) replaces ``fusion.quantifier``.
    Use rooms the combiner was NOT fitted on, with varied bot shares and campaigns.

    Args:
        fusion: Fitted combiner with validation rates (from :func:`fit_with_rates`).
        data: Features of the calibration rooms.
        groups: Fold group per row (e.g. scenario and seed), default the room.
        account_stage: Let the room models read the account-evidence stage
            (:mod:`botcomments.quantify.accounts`; uses ``data.timestamps``).

    Raises:
        ValueError: If the combiner has no rates yet, or too few rooms.
    """

    if fusion.quantifier is None:
        raise ValueError("fit the combiner with fit_with_rates before attaching room models")
    rates = fit_room_models(
        fusion.quantifier, fusion.predict_proba(data.features),
        data.labels, data.rooms, data.users, groups,
        ts=data.timestamps, account_stage=account_stage,
    )
    fusion.quantifier = rates
    fusion.metrics["room_model_rooms"] = len(set(data.rooms.tolist()))


SHIPPED_GBDT = GbdtSettings(n_estimators=300, max_depth=4)
"""GBDT size of the shipped combiner."""
SHIPPED_MAX_FPR = 0.01
"""Cap on the genuine share flagged when the shipped combiner's threshold was chosen."""


def train_fusion(
    model_dir: Path | str,
    data_paths: list[Path],
    *,
    room_paths: list[Path] | None = None,
    kind: str = "gbdt",
    calibration: str = "isotonic",
    seed: int = 0,
    feature_set: str = DEFAULT_FEATURE_SET,
    gbdt: GbdtSettings = SHIPPED_GBDT,
    max_fpr: float = SHIPPED_MAX_FPR,
) -> LearnedFusion:
    """Train on labeled files and write ``fusion.json`` into the model folder.

    Args:
        model_dir: Model folder with the text model.
        data_paths: Labeled chat files (any supported format).
        room_paths: Labeled calibration rooms (other seeds than ``data_paths``) for the
            room-ratio regression; None = keep the plain validation rates.
        kind: "gbdt" or "logistic".
        calibration: "isotonic", "platt" or "none".
        seed: Random seed.
        feature_set: Columns used (:data:`botcomments.fusion.features.FEATURE_SETS`).
        gbdt: GBDT size (``kind="gbdt"``).
        max_fpr: Cap on the genuine share flagged at the chosen threshold.

    Returns:
        The saved combiner.

    Raises:
        ValueError: On an unknown feature set or unusable data.
    """
    from botcomments.model.classifier import BotCommentClassifier  # torch: only here

    model = BotCommentClassifier.from_pretrained(model_dir)
    extractor = FeatureExtractor(text_model=model)
    data = collect_features(extractor, open_comments(data_paths, strict=True))
    fusion, report = fit_with_rates(
        data, kind=kind, calibration=calibration, seed=seed,
        features=select_features(data.features.names, feature_set), gbdt=gbdt, max_fpr=max_fpr,
    )
    if room_paths:
        rooms = collect_features(extractor, open_comments(room_paths, strict=True))
        attach_room_models(fusion, rooms)
        fusion.metrics["room_model_on"] = [str(p) for p in room_paths]
    fusion.detector_configs = detector_configs(extractor.detectors)
    fusion.metrics["trained_on"] = [str(p) for p in data_paths]
    fusion.metrics["seed"] = seed
    fusion.metrics["features"] = feature_set
    fusion.save(model_dir)
    logger.info("fusion metrics: %s", report["metrics"])
    return fusion
