"""Masked-language-model pretraining of the built-in encoder on unlabeled text.

The output is a model folder (``BertForMaskedLM`` weights, tokenizer, ``botcomments.json``)
that ``botcomments train --base DIR`` fine-tunes; the MLM head is dropped there and a
classification head is added.

Example:
    >>> pretrain(["主播好美", "晚安"] * 50, "out", PretrainConfig(max_steps=2))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import DataCollatorForLanguageModeling, get_linear_schedule_with_warmup

from botcomments.model.settings import ModelSettings, library_versions
from botcomments.model.tokenization import build_char_tokenizer
from botcomments.text.normalize import Normalizer
from botcomments_training.config import EncoderSize
from botcomments_training.encoder import build_mlm_model, resolve_device, set_seed
from botcomments_training.finetune import bucketed_batches, move

logger = logging.getLogger(__name__)


@dataclass
class PretrainConfig:
    """MLM hyper-parameters.

    Args:
        epochs: Passes over the corpus.
        batch_size: Texts per step.
        learning_rate: Peak AdamW learning rate.
        max_length: Token budget per text.
        mlm_probability: Share of tokens masked.
        max_steps: Stop after this many steps (0 = no limit).
        seed: Seed.
        device: "auto", "cpu" or "cuda".
        min_char_count: Minimum count for a character to join the vocabulary.
        encoder: Encoder shape.

    Raises:
        ValueError: On an out-of-range masking probability.
    """

    epochs: int = 1
    batch_size: int = 128
    learning_rate: float = 5e-4
    max_length: int = 64
    mlm_probability: float = 0.15
    max_steps: int = 0
    seed: int = 13
    device: str = "auto"
    min_char_count: int = 2
    encoder: EncoderSize = field(default_factory=EncoderSize)

    def __post_init__(self) -> None:
        if isinstance(self.encoder, dict):
            self.encoder = EncoderSize(**self.encoder)
        if not 0.0 < self.mlm_probability < 1.0:
            raise ValueError(f"mlm_probability={self.mlm_probability} must lie in (0, 1)")


def read_corpus(paths: list[Path | str]) -> list[str]:
    """Read unlabeled text files, one text per non-empty line.

    Args:
        paths: Text files (UTF-8).

    Returns:
        The lines, stripped.

    Raises:
        ValueError: If the files hold no text.
    """
    texts: list[str] = []
    for path in paths:
        with Path(path).open(encoding="utf-8", errors="replace") as fh:
            texts.extend(line.strip() for line in fh if line.strip())
    if not texts:
        raise ValueError(f"corpus files {[str(p) for p in paths]} contain no text lines")
    return texts


def pretrain(
    texts: list[str], out: Path | str, cfg: PretrainConfig | None = None
) -> dict[str, Any]:
    """Pretrain the built-in encoder with MLM and save the folder.

    Args:
        texts: Raw unlabeled texts.
        out: Output folder.
        cfg: Config.

    Returns:
        Summary: steps, seconds, final loss, vocabulary size.
    """
    cfg = cfg or PretrainConfig()
    set_seed(cfg.seed)
    device = resolve_device(cfg.device)
    normalizer = Normalizer()
    norm = [n.text for n in normalizer.normalize_batch(texts)]
    tokenizer = build_char_tokenizer(norm, cfg.max_length, cfg.min_char_count)
    model = build_mlm_model(tokenizer, cfg.encoder, cfg.max_length)
    move(model, device)
    ids = tokenizer(norm, truncation=True, max_length=cfg.max_length)["input_ids"]
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=cfg.mlm_probability)
    total = math.ceil(len(ids) / cfg.batch_size) * cfg.epochs
    total = min(total, cfg.max_steps) if cfg.max_steps else total
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.06 * total), total)
    rng = np.random.default_rng(cfg.seed)
    step, loss_value, start = 0, math.nan, time.perf_counter()
    bar = tqdm(total=total, desc="pretrain", unit="step", disable=None)
    model.train()
    while step < total:
        for idx in bucketed_batches([len(x) for x in ids], cfg.batch_size, rng):
            batch = collator([{"input_ids": ids[i]} for i in idx])
            batch = {k: v.to(device) for k, v in batch.items() if k != "token_type_ids"}
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            loss_value = float(loss.item())
            bar.update(1)
            bar.set_postfix(loss=f"{loss_value:.3f}")
            if step >= total:
                break
    bar.close()
    folder = Path(out)
    move(model, "cpu").save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    summary = {
        "steps": step,
        "seconds": round(time.perf_counter() - start, 1),
        "final_mlm_loss": loss_value,
        "vocab_size": len(tokenizer),
        "n_texts": len(texts),
    }
    ModelSettings(
        normalizer_version=normalizer.version,
        max_length=cfg.max_length,
        libraries=library_versions(),
        training={"objective": "masked-lm", "config": asdict(cfg), **summary},
    ).save(folder)
    return summary
