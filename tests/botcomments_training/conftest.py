"""Fixtures: a small synthetic labeled chat set and files in every input format."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="the text-model tests need torch")

from botcomments_training.config import EncoderSize, TrainConfig
from botcomments_training.data import LabeledData
from tests.helpers.training_synth import make_rows


@pytest.fixture
def rows() -> list[dict[str, object]]:
    """Labeled rows as dicts."""
    return make_rows()


@pytest.fixture
def labeled(rows: list[dict[str, object]]) -> LabeledData:
    """Labeled rows as LabeledData."""
    return LabeledData(
        texts=[str(r["text"]) for r in rows],
        labels=[int(r["label"]) for r in rows],  # type: ignore[call-overload]
        rooms=[str(r["room_id"]) for r in rows],
    )


@pytest.fixture
def tiny_config() -> TrainConfig:
    """A two-step training configuration of a tiny encoder."""
    return TrainConfig(
        epochs=1,
        batch_size=16,
        max_steps=2,
        eval_every=1,
        max_length=32,
        min_char_count=1,
        encoder=EncoderSize(hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64),
    )
