"""A tiny randomly initialised text-model folder, for tests that need a model offline."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from transformers import BertConfig, BertForSequenceClassification  # noqa: E402

from botcomments.model.settings import ModelSettings  # noqa: E402
from botcomments.model.tokenization import build_char_tokenizer  # noqa: E402
from botcomments.text.normalize import NORMALIZER_VERSION  # noqa: E402

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
