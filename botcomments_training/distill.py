"""A smaller, faster student of a trained text model: fewer layers plus distillation.

Scoring speed on CPU is set by the encoder's depth (each layer is the same work per
token), so the fast default model keeps a subset of its teacher's layers (every other
one, as DistilBERT did) and is then fine-tuned on the teacher's data with a loss that
mixes the hard labels with the teacher's probabilities (Hinton et al., 2015): the student
inherits what the teacher learned about real chat, not only what the labels say.

Example:
    >>> student = keep_encoder_layers(model, [0, 2])   # doctest: +SKIP
    >>> soft = teacher_bot_scores("models/teacher", raw_texts)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import PreTrainedModel


def encoder_layers(model: PreTrainedModel) -> torch.nn.ModuleList:
    """The transformer layers of a BERT-family classifier.

    Args:
        model: A ``*ForSequenceClassification`` model with ``base_model.encoder.layer``.

    Returns:
        Its layer list.

    Raises:
        ValueError: If the architecture keeps its layers elsewhere.
    """
    layers = getattr(getattr(model.base_model, "encoder", None), "layer", None)
    if not isinstance(layers, torch.nn.ModuleList):
        raise ValueError(f"{type(model).__name__} has no base_model.encoder.layer list; "
                         "keep_layers works with BERT-family encoders")
    return layers


def keep_encoder_layers(model: PreTrainedModel, keep: Sequence[int]) -> PreTrainedModel:
    """Drop every encoder layer not in ``keep`` (in place), updating the config.

    Args:
        model: BERT-family classifier.
        keep: Indices of the layers to keep, in the order they run.

    Returns:
        The same model, now ``len(keep)`` layers deep.

    Raises:
        ValueError: On an empty, repeated or out-of-range index list.
    """
    layers = encoder_layers(model)
    if not keep or len(set(keep)) != len(keep) or not all(0 <= i < len(layers) for i in keep):
        raise ValueError(f"keep_layers={list(keep)}: give distinct indices in 0..{len(layers) - 1}")
    encoder = model.base_model.encoder
    assert isinstance(encoder, torch.nn.Module)
    encoder.layer = torch.nn.ModuleList([layers[i] for i in keep])
    model.config.num_hidden_layers = len(keep)
    return model


def teacher_bot_scores(teacher: str | Path, texts: Sequence[str], batch_size: int = 256
                       ) -> np.ndarray:
    """P(bot) of raw texts by a botcomments model folder (its own normaliser and precision).

    Args:
        teacher: Model folder.
        texts: Raw texts.
        batch_size: Texts per forward pass.

    Returns:
        Float array ``(len(texts),)``.
    """
    from botcomments.model.classifier import BotCommentClassifier

    clf = BotCommentClassifier.from_pretrained(teacher, device="cpu", batch_size=batch_size)
    return np.asarray(clf.bot_scores(list(texts)), dtype=np.float32)


def distillation_loss(logits: torch.Tensor, target: torch.Tensor, soft_bot: torch.Tensor,
                      bot_id: int, weight: float, hard_loss: torch.nn.Module) -> torch.Tensor:
    """``(1 - weight) * hard loss + weight * cross-entropy against the teacher``.

    Args:
        logits: Student logits ``(n, 2)``.
        target: Hard label ids ``(n,)``.
        soft_bot: Teacher P(bot) ``(n,)``.
        bot_id: Model label id of "bot" (column of ``soft_bot``).
        weight: Share of the teacher term, in [0, 1].
        hard_loss: Loss of the hard labels (class-weighted cross-entropy).

    Returns:
        Scalar loss.
    """
    soft = torch.stack([1.0 - soft_bot, soft_bot], dim=1)
    if bot_id == 0:
        soft = soft.flip(1)
    soft_term = -(soft * torch.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
    return (1.0 - weight) * hard_loss(logits, target) + weight * soft_term
