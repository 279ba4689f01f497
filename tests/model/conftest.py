"""Fixtures: a tiny randomly initialised model folder, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the text-model tests need torch")

from botcomments.records import LABEL_NAMES
from tests.helpers.tiny_model import TEXTS, build_tiny_model


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only tiny model folder (labels in the default order)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), dict(LABEL_NAMES))


@pytest.fixture(scope="session")
def reversed_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only tiny model folder with a deliberately non-default id2label order."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny_rev"), {0: "bot", 1: "human"})


@pytest.fixture
def tiny_model_copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    """A per-test copy of the tiny model, safe to mutate."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


@pytest.fixture
def texts() -> list[str]:
    """Sample comments of varied length."""
    return list(TEXTS)
