"""Typed training configuration (``--config FILE`` is a JSON object of these fields).

Example:
    >>> cfg = TrainConfig(epochs=2, batch_size=32)
    >>> TrainConfig.from_dict(cfg.to_dict()) == cfg
    True
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from botcomments.configfile import from_known_fields


@dataclass
class EncoderSize:
    """Shape of the built-in BERT encoder trained from scratch.

    The default was chosen by measurement (benchmarks/model_bench.py): with int8 dynamic
    quantisation and length-sorted batches it scores well over 2,000 comments/s on two
    CPU cores and fine-tunes on 100,000 comments inside 20 minutes.

    Args:
        hidden_size: Width of every layer.
        num_layers: Transformer layers.
        num_heads: Attention heads (must divide ``hidden_size``).
        intermediate_size: Feed-forward width.

    Raises:
        ValueError: If ``num_heads`` does not divide ``hidden_size`` or a size is < 1.
    """

    hidden_size: int = 256
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 1024

    def __post_init__(self) -> None:
        if min(self.hidden_size, self.num_layers, self.num_heads, self.intermediate_size) < 1:
            raise ValueError(f"encoder sizes must be positive, got {self}")
        if self.hidden_size % self.num_heads:
            raise ValueError(
                f"num_heads={self.num_heads} must divide hidden_size={self.hidden_size}; "
                "did you mean num_heads=4?"
            )


@dataclass
class TrainConfig:
    """Fine-tuning hyper-parameters.

    Args:
        epochs: Maximum passes over the training data.
        batch_size: Training batch size.
        learning_rate: Peak AdamW learning rate (built-in encoder from scratch likes
            ~5e-4; pretrained bases ~3e-5).
        weight_decay: AdamW weight decay.
        warmup_ratio: Share of steps with linear warm-up.
        max_length: Token budget per comment.
        long_text_windows: Score comments longer than ``max_length`` as windows
            overlapping by half (saved as the model's ``window_overlap``; the most bot-like
            window decides) instead of truncating them, so a long ad's tail is read.
        seed: Seed for Python, NumPy and torch.
        class_weight: "balanced" (inverse class frequency in the loss) or "none".
        val_fraction: Share held out when no validation file is given.
        eval_every: Validation every this many steps (0 = once per epoch).
        patience: Early stopping after this many validations without improvement.
        max_steps: Stop after this many optimiser steps (0 = no limit; for smoke tests).
        target_precision: Precision the saved decision threshold aims for.
        device: "auto", "cpu" or "cuda".
        bf16: Use bf16 autocast on CUDA.
        num_threads: Torch CPU threads (0 = torch default).
        min_char_count: Minimum count for a character to join the built-in vocabulary.
        encoder: Size of the built-in encoder (ignored with a base model).
        keep_layers: Indices of the base's encoder layers to keep (a shallower, faster
            student; None keeps all).
        distill_weight: Share of the teacher's probabilities in the loss when teacher
            scores are given (:mod:`botcomments_training.distill`); the rest is the
            hard-label loss.
        normalizer_version: Normaliser version to train on (None: a botcomments base's
            own version, else the current one).

    Raises:
        ValueError: On out-of-range values, with the fix.
    """

    epochs: int = 3
    batch_size: int = 64
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_length: int = 64
    long_text_windows: bool = True
    seed: int = 13
    class_weight: str = "balanced"
    val_fraction: float = 0.1
    eval_every: int = 0
    patience: int = 2
    max_steps: int = 0
    target_precision: float = 0.95
    device: str = "auto"
    bf16: bool = True
    num_threads: int = 0
    min_char_count: int = 2
    encoder: EncoderSize = field(default_factory=EncoderSize)
    keep_layers: list[int] | None = None
    distill_weight: float = 0.5
    normalizer_version: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.encoder, dict):
            self.encoder = EncoderSize(**self.encoder)
        if not 0.0 <= self.distill_weight <= 1.0:
            raise ValueError(f"distill_weight={self.distill_weight} must lie in [0, 1]")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")
        if not 0.0 < self.val_fraction < 1.0:
            raise ValueError(f"val_fraction={self.val_fraction} must lie strictly in (0, 1)")
        if self.class_weight not in ("balanced", "none"):
            raise ValueError(f"class_weight={self.class_weight!r}: use 'balanced' or 'none'")
        if self.device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device={self.device!r}: use 'auto', 'cpu' or 'cuda'")
        if not 0.0 < self.target_precision <= 1.0:
            raise ValueError(f"target_precision={self.target_precision} must lie in (0, 1]")
        if self.max_length < 4:
            raise ValueError(f"max_length={self.max_length} is too short; use 32..128")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build a config from a dict.

        Args:
            data: Field values.

        Returns:
            The config.

        Raises:
            ValueError: On unknown keys (typos), naming the valid ones.
        """
        return from_known_fields(cls, data, "training config")

    @classmethod
    def from_file(cls, path: Path | str) -> TrainConfig:
        """Read a JSON config file.

        Args:
            path: JSON file with an object of config fields.

        Returns:
            The config.
        """
        return cls.from_dict(json.loads(Path(path).read_text("utf-8")))
