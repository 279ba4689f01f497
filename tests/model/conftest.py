"""Fixtures: a tiny randomly initialised model folder, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertForSequenceClassification

from botcomments.model.settings import ModelSettings
from botcomments.model.tokenization import build_char_tokenizer
from botcomments.records import LABEL_NAMES
from botcomments.text.normalize import NORMALIZER_VERSION

TEXTS: list[str] = [
    "主播好美",
    "加V看主页",
    "666",
    "晚安",
    "已拍3单，质量很好",
    "哈哈哈哈哈哈哈哈哈哈哈哈",
    "这个多少钱？主播能不能再讲一下尺码",
    "",
    "abc DEF <PHONE>",
]


def build_tiny_model(folder: Path, id2label: dict[int, str]) -> Path:
    """Save a tiny random BERT classifier with the given label order into ``folder``."""
    torch.manual_seed(0)
    tokenizer = build_char_tokenizer(TEXTS, max_length=32, min_count=1)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    model = BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    ModelSettings(normalizer_version=NORMALIZER_VERSION, max_length=32, threshold=0.5).save(folder)
    return folder


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
