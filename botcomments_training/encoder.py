"""Model construction: the built-in small char-level BERT, or a Hugging Face base.

Example:
    >>> from botcomments.model.tokenization import build_char_tokenizer
    >>> tok = build_char_tokenizer(["主播好美"])
    >>> model = build_encoder_model(tok, EncoderSize(hidden_size=32, num_layers=1,
    ...     num_heads=2, intermediate_size=64), max_length=32)
    >>> model.config.id2label[1]
    'bot'
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import numpy as np
import torch
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    BertForMaskedLM,
    BertForSequenceClassification,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from botcomments.records import LABEL_NAMES
from botcomments_training.config import EncoderSize

logger = logging.getLogger(__name__)

ID2LABEL: dict[int, str] = dict(LABEL_NAMES)
LABEL2ID: dict[str, int] = {v: k for k, v in LABEL_NAMES.items()}


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA).

    Args:
        seed: The seed.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    """Pick the torch device.

    Args:
        name: "auto", "cpu" or "cuda".

    Returns:
        The device.

    Raises:
        ValueError: If "cuda" is requested but not available.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' requested but torch sees no GPU; use device='auto'")
    return torch.device(name)


def bert_config(
    tokenizer: PreTrainedTokenizerBase, size: EncoderSize, max_length: int
) -> BertConfig:
    """Config of the built-in encoder for a tokenizer.

    Args:
        tokenizer: Char-level tokenizer.
        size: Encoder shape.
        max_length: Longest input in tokens (position embeddings get 2x headroom).

    Returns:
        A BertConfig with the project's label maps.
    """
    return BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=size.hidden_size,
        num_hidden_layers=size.num_layers,
        num_attention_heads=size.num_heads,
        intermediate_size=size.intermediate_size,
        max_position_embeddings=max(2 * max_length, 128),
        type_vocab_size=2,
        pad_token_id=tokenizer.pad_token_id,
        id2label=ID2LABEL,
        label2id=LABEL2ID,
    )


def build_encoder_model(
    tokenizer: PreTrainedTokenizerBase, size: EncoderSize, max_length: int
) -> BertForSequenceClassification:
    """Randomly initialised built-in classifier.

    Args:
        tokenizer: Char-level tokenizer.
        size: Encoder shape.
        max_length: Longest input in tokens.

    Returns:
        The model.
    """
    return BertForSequenceClassification(bert_config(tokenizer, size, max_length))


def build_mlm_model(
    tokenizer: PreTrainedTokenizerBase, size: EncoderSize, max_length: int
) -> BertForMaskedLM:
    """Randomly initialised built-in masked-LM (for ``botcomments pretrain``).

    Args:
        tokenizer: Char-level tokenizer.
        size: Encoder shape.
        max_length: Longest input in tokens.

    Returns:
        The model.
    """
    return BertForMaskedLM(bert_config(tokenizer, size, max_length))


def offline_only(base: str) -> bool:
    """Whether a base must be loaded without the hub.

    Args:
        base: Hub name or local path.

    Returns:
        True for local folders and under ``HF_HUB_OFFLINE=1``.
    """
    return Path(base).exists() or os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0")


def load_base(base: str) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load a base encoder with a fresh (or kept) 2-label head named human/bot.

    A base whose labels already are human/bot (e.g. ``models/default``) keeps its head
    (continued fine-tuning); any other head is replaced.

    Args:
        base: Hub name or local folder.

    Returns:
        ``(model, tokenizer)``.

    Raises:
        OSError: If the base cannot be found (offline and not cached), with the fix.
    """
    local = offline_only(base)
    try:
        tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=local)
        config = AutoConfig.from_pretrained(base, local_files_only=local)
        if set(config.id2label.values()) != set(LABEL2ID):
            config.num_labels = 2
            config.id2label, config.label2id = ID2LABEL, LABEL2ID
        model = AutoModelForSequenceClassification.from_pretrained(
            base, config=config, local_files_only=local, ignore_mismatched_sizes=True
        )
    except OSError as exc:
        raise OSError(
            f"cannot load base model {base!r} ({exc}); pass a local folder, or omit --base "
            "to train the built-in encoder"
        ) from exc
    return model, tokenizer
