"""Room-model attachment of the learned combiner (fusion.training)."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.fusion.features import FeatureTable
from botcomments.fusion.learned import LearnedFusion
from botcomments_training.fitting.combiner import GbdtSettings, fit_learned_fusion, room_split
from botcomments_training.fitting.combiner_training import (
    TrainingTable,
    attach_room_models,
    fit_with_rates,
)


def _table(table: FeatureTable, y: np.ndarray, groups: np.ndarray) -> TrainingTable:
    users = np.array([f"u{i % 400}" for i in range(len(y))], dtype=object)
    return TrainingTable(table, y, groups.astype(str), np.array([""] * len(y)), users)


@pytest.fixture(scope="module")
def fitted(labeled_table: tuple) -> tuple[LearnedFusion, TrainingTable]:
    table, y, groups = labeled_table
    data = _table(table, y, groups)
    fusion, _ = fit_with_rates(data, kind="logistic")
    return fusion, data


def test_room_models_attached_and_serialisable(fitted: tuple) -> None:
    fusion, data = fitted
    fusion = LearnedFusion.from_json(fusion.to_json())
    attach_room_models(fusion, data)
    assert fusion.quantifier is not None and fusion.quantifier.room_model is not None
    assert fusion.metrics["room_model_rooms"] == len(set(data.rooms.tolist()))
    again = LearnedFusion.from_json(fusion.to_json())
    assert again.quantifier is not None and again.quantifier.room_model is not None


def test_room_models_need_validation_rates(fitted: tuple) -> None:
    fusion, data = fitted
    bare = LearnedFusion.from_json({**fusion.to_json(), "rates": None})
    with pytest.raises(ValueError, match="fit_with_rates"):
        attach_room_models(bare, data)


@pytest.mark.parametrize("max_fpr", [0.005, 0.02, 0.1], ids=["fpr0.5%", "fpr2%", "fpr10%"])
def test_threshold_respects_fpr_cap_on_calibration_rows(
    labeled_table: tuple, max_fpr: float
) -> None:
    table, y, groups = labeled_table
    fusion, report = fit_learned_fusion(table, y, groups, kind="logistic", max_fpr=max_fpr)
    split = room_split(groups, 0)
    p = fusion.predict_proba(FeatureTable(table.names, table.values[split.calibrate]))
    neg = p[y[split.calibrate] == 0]
    assert (neg >= fusion.threshold).mean() <= max_fpr + 1e-9
    assert report["metrics"]["max_fpr"] == max_fpr


def test_gbdt_settings_validate() -> None:
    with pytest.raises(ValueError, match="max_depth"):
        GbdtSettings(max_depth=0)


def test_cap_rows_also_keep_their_own_genuine_share_within_the_cap(labeled_table: tuple) -> None:
    """The genuine rows of the capped subset (e.g. real chat) stay under the cap on their own."""
    table, y, groups = labeled_table
    split = room_split(groups, 0)
    plain, _ = fit_learned_fusion(table, y, groups, kind="logistic", max_fpr=0.05)
    p = plain.predict_proba(FeatureTable(table.names, table.values))
    # the capped subset: the genuine rows the plain combiner scores highest, and every bot
    hardest = (y == 0) & (p >= np.quantile(p[y == 0], 0.8))
    capped = hardest | (y == 1)
    fusion, report = fit_learned_fusion(table, y, groups, kind="logistic", max_fpr=0.05,
                                        cap_rows=capped)
    cal = split.calibrate
    pc = fusion.predict_proba(FeatureTable(table.names, table.values[cal]))
    assert fusion.threshold >= plain.threshold
    assert (pc[hardest[cal]] >= fusion.threshold).mean() <= 0.05 + 1e-9
    assert report["metrics"]["fpr_capped_rows"] is not None
    assert plain.metrics["fpr_capped_rows"] is None
