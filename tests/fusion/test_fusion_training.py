"""Room-model attachment of the learned combiner (fusion.training)."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.fusion.features import FeatureTable
from botcomments.fusion.learned import LearnedFusion
from botcomments.fusion.training import TrainingTable, attach_room_models, fit_with_rates
from botcomments.quantify import ClassifierRates


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
    rates = ClassifierRates.from_dict(fusion.rates or {})
    assert rates.room_model is not None
    assert fusion.metrics["room_model_rooms"] == len(set(data.rooms.tolist()))
    again = LearnedFusion.from_json(fusion.to_json())
    assert ClassifierRates.from_dict(again.rates or {}).room_model is not None


def test_room_models_need_validation_rates(fitted: tuple) -> None:
    fusion, data = fitted
    bare = LearnedFusion.from_json({**fusion.to_json(), "rates": None})
    with pytest.raises(ValueError, match="fit_with_rates"):
        attach_room_models(bare, data)
