"""Fixtures for scorer tests: a few small simulated rooms written to JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from botcomments.records import Comment
from botcomments.simulate import SimulationConfig, simulate


@pytest.fixture(scope="session")
def sim_comments() -> list[Comment]:
    """Three small labeled rooms (time-ordered per room, rooms contiguous)."""
    config = SimulationConfig(room_size=(150, 300), bot_share=(0.3, 0.6))
    return simulate(3, seed=42, config=config).comments


@pytest.fixture
def sim_file(tmp_path: Path, sim_comments: list[Comment]) -> Path:
    """The simulated rooms as JSONL, rooms interleaved so input order != room order."""
    path = tmp_path / "chat.jsonl"
    rows = [c.to_dict() for c in sim_comments]
    interleaved = rows[::2] + rows[1::2]
    with path.open("w", encoding="utf-8") as fh:
        for i, row in enumerate(interleaved):
            row["msg_id"] = f"m{i}"
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random text model folder (tests.helpers.tiny_model)."""
    from botcomments.records import LABEL_NAMES
    from tests.helpers.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny"), dict(LABEL_NAMES))
