"""Fine-tuning loop: normalise → tokenise → train with early stopping → save the folder.

A clear loop (not ``Trainer``) so that class weights, length-bucketed batches, bf16 on
CUDA and best-checkpoint early stopping are explicit.

Example:
    >>> data = LabeledData(["主播好美"] * 8 + ["加V看主页"] * 8, [0] * 8 + [1] * 8)
    >>> fine_tune(data, None, "out", cfg=TrainConfig(max_steps=2))  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase, get_linear_schedule_with_warmup

from botcomments.model.evaluation import (
    evaluation_report,
    plot_reliability,
    save_report,
    to_jsonable,
)
from botcomments.model.settings import ModelSettings, library_versions
from botcomments.model.tokenization import build_char_tokenizer
from botcomments.records import LABEL_NAMES
from botcomments.text.normalize import NORMALIZER_VERSION, Normalizer
from botcomments_training.config import TrainConfig
from botcomments_training.data import LabeledData
from botcomments_training.distill import distillation_loss, keep_encoder_layers
from botcomments_training.encoder import build_encoder_model, load_base, resolve_device, set_seed
from botcomments_training.model_card import write_model_card
from botcomments_training.split import group_split

logger = logging.getLogger(__name__)


@dataclass
class Encoded:
    """Token ids and model-side label ids of a dataset."""

    input_ids: list[list[int]]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.input_ids)


def encode(
    texts: list[str], labels: list[int], tokenizer: PreTrainedTokenizerBase, max_length: int
) -> Encoded:
    """Tokenise normalised texts once.

    Args:
        texts: Normalised texts.
        labels: Label ids in the model's id order.
        tokenizer: Tokenizer.
        max_length: Token budget.

    Returns:
        The encoded dataset.
    """
    ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    return Encoded(input_ids=list(ids), labels=np.asarray(labels, dtype=np.int64))


def collate(ids: list[list[int]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a batch to its longest item.

    Args:
        ids: Token id lists.
        pad_id: Padding id.

    Returns:
        ``input_ids`` and ``attention_mask`` tensors.
    """
    width = max((len(x) for x in ids), default=1)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        input_ids[row, : len(x)] = torch.tensor(x, dtype=torch.long)
        mask[row, : len(x)] = 1
    return {"input_ids": input_ids, "attention_mask": mask}


def bucketed_batches(
    lengths: list[int], batch_size: int, rng: np.random.Generator, pool: int = 50
) -> Iterator[np.ndarray]:
    """Shuffled batches of similar length (sort inside pools of ``pool`` batches).

    Args:
        lengths: Token length per row.
        batch_size: Rows per batch.
        rng: Random generator.
        pool: Batches per sorting pool.

    Yields:
        Row indices of one batch.
    """
    order = rng.permutation(len(lengths))
    lens = np.asarray(lengths)
    batches: list[np.ndarray] = []
    step = batch_size * pool
    for start in range(0, len(order), step):
        chunk = order[start : start + step]
        chunk = chunk[np.argsort(lens[chunk], kind="stable")]
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    for b in rng.permutation(len(batches)):
        yield batches[b]


def class_weights(labels: np.ndarray, n_classes: int) -> torch.Tensor:
    """Inverse-frequency ("balanced") class weights.

    Args:
        labels: Label ids.
        n_classes: Number of classes.

    Returns:
        Weight per class (classes absent from the data get weight 1).
    """
    counts = np.bincount(labels, minlength=n_classes).astype(float)
    weights = np.where(counts > 0, len(labels) / (n_classes * np.maximum(counts, 1)), 1.0)
    return torch.tensor(weights, dtype=torch.float)


@torch.inference_mode()
def predict_encoded(
    model: PreTrainedModel, data: Encoded, pad_id: int, device: torch.device, batch_size: int = 256
) -> np.ndarray:
    """Class probabilities of an encoded dataset (length-sorted, input order restored).

    Args:
        model: Classifier.
        data: Encoded rows.
        pad_id: Padding id.
        device: Device.
        batch_size: Rows per forward pass.

    Returns:
        ``(n, n_labels)`` probabilities.
    """
    model.eval()
    out = np.zeros((len(data), num_labels(model)), dtype=np.float32)
    order = np.argsort([len(x) for x in data.input_ids], kind="stable")
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        batch = {
            k: v.to(device) for k, v in collate([data.input_ids[i] for i in idx], pad_id).items()
        }
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(**batch).logits
        out[idx] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
    return out


def prepare_model(
    train_texts: list[str], base: str | None, cfg: TrainConfig
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load the base or build the built-in encoder (keeping ``cfg.keep_layers`` of it).

    Args:
        train_texts: Normalised training texts (vocabulary of the built-in encoder).
        base: Hub name / local folder, or None for the built-in encoder.
        cfg: Training config.

    Returns:
        ``(model, tokenizer)``.
    """
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    if base is None:
        tokenizer = build_char_tokenizer(train_texts, cfg.max_length, cfg.min_char_count)
        model = build_encoder_model(tokenizer, cfg.encoder, cfg.max_length)
    else:
        model, tokenizer = load_base(base)
    return (keep_encoder_layers(model, cfg.keep_layers) if cfg.keep_layers else model), tokenizer


def base_normalizer_version(base: str | None) -> str:
    """Normaliser version to train with: the one a botcomments base folder recorded (its
    weights learned those normal forms), else the current one.

    Args:
        base: Hub name / local folder of the base, or None for the built-in encoder.

    Returns:
        The version string.
    """
    saved = ModelSettings.load(base) if base is not None and Path(base).is_dir() else None
    return saved.normalizer_version if saved else NORMALIZER_VERSION


def card_name(base: str | None) -> str:
    """How a model card names a base or teacher: a hub name as given, a local folder by
    its name only (a card must not carry the trainer's paths).

    Args:
        base: Hub name or local folder, or None for the built-in encoder.

    Returns:
        The name to print.
    """
    if base is None:
        return "built-in char-level BERT"
    return Path(base).name if Path(base).is_dir() else base


MIN_VALIDATION_ROWS = 200
MIN_VALIDATION_PER_CLASS = 30
"""Below these the threshold (chosen on validation) is warned about as uncertain."""
SMALL_BASE_PARAMS = 50_000_000
"""Bases up to this size fine-tune at :data:`SMALL_BASE_LR`; larger ones (bert-base
class) at :data:`LARGE_BASE_LR`."""
SMALL_BASE_LR = 2e-4
"""Learning rate the default model was fine-tuned with from its predecessor."""
LARGE_BASE_LR = 5e-5
"""The usual fine-tuning rate of bert-base-size encoders."""


def base_learning_rate(model: torch.nn.Module) -> float:
    """Learning rate for fine-tuning a loaded base (the from-scratch rate would wreck it).

    Args:
        model: The base model as loaded for fine-tuning.

    Returns:
        :data:`SMALL_BASE_LR` for small encoders (<= 50M parameters, like the default
        model), else :data:`LARGE_BASE_LR`.
    """
    n_params = sum(p.numel() for p in model.parameters())
    return SMALL_BASE_LR if n_params <= SMALL_BASE_PARAMS else LARGE_BASE_LR


def warn_small_validation(y_val: np.ndarray) -> bool:
    """Warn when the decision threshold rests on few validation rows.

    Args:
        y_val: Validation labels.

    Returns:
        True when it warned.
    """
    n_bot = int(y_val.sum())
    n_human = len(y_val) - n_bot
    if len(y_val) >= MIN_VALIDATION_ROWS and min(n_bot, n_human) >= MIN_VALIDATION_PER_CLASS:
        return False
    logger.warning(
        "the decision threshold is chosen on %d validation rows (%d bot, %d human): it is "
        "uncertain; label more rows (>= %d, >= %d of each class) or pass --validation",
        len(y_val), n_bot, n_human, MIN_VALIDATION_ROWS, MIN_VALIDATION_PER_CLASS)
    return True


def base_on_validation(base: str | None, texts: list[str], y_val: np.ndarray,
                       target_precision: float) -> dict[str, Any] | None:
    """The base model's metrics on the same validation rows (a botcomments model folder).

    Args:
        base: The base, or None.
        texts: Validation texts.
        y_val: Their labels.
        target_precision: Precision target of the threshold choice.

    Returns:
        The base's evaluation report at its own saved threshold, or None when the base
        is not a local botcomments model.
    """
    if base is None or not (Path(base) / "botcomments.json").is_file():
        return None
    from botcomments.model.classifier import BotCommentClassifier

    clf = BotCommentClassifier.from_pretrained(base, device="cpu", quantize=False)
    return evaluation_report(y_val, clf.bot_scores(texts), clf.threshold, target_precision)


def _model_labels(model: PreTrainedModel, labels: list[int]) -> list[int]:
    """Map project label ids (0 human, 1 bot) to the model's ids via its label2id."""
    label2id = label_ids(model)
    return [label2id[LABEL_NAMES[y]] for y in labels]


def label_ids(model: PreTrainedModel) -> dict[str, int]:
    """The model's ``label2id`` with int values.

    Args:
        model: Classifier.

    Returns:
        Label name to id.
    """
    return {str(k): int(v) for k, v in (model.config.label2id or {}).items()}


def num_labels(model: PreTrainedModel) -> int:
    """Number of output labels of a classifier.

    Args:
        model: Classifier.

    Returns:
        The count.
    """
    return int(model.config.num_labels or 2)


def move(model: PreTrainedModel, device: torch.device | str) -> PreTrainedModel:
    """Move a model to a device (in place) and return it.

    Args:
        model: Model.
        device: Target device.

    Returns:
        The same model.
    """
    torch.nn.Module.to(model, device)
    return model


def _score(report: dict[str, Any]) -> float:
    """Model-selection score: PR-AUC, else ROC-AUC, else negative Brier."""
    for key in ("pr_auc", "roc_auc"):
        if not math.isnan(report[key]):
            return float(report[key])
    return -float(report["brier"])


@dataclass
class FitResult:
    """What :func:`fit` returns."""

    model: PreTrainedModel
    history: list[dict[str, float]]
    steps: int
    seconds: float


def fit(
    model: PreTrainedModel,
    train: Encoded,
    val: Encoded,
    pad_id: int,
    bot_id: int,
    cfg: TrainConfig,
    device: torch.device,
    teacher_scores: np.ndarray | None = None,
) -> FitResult:
    """Train with AdamW + linear warm-up/decay, weighted loss and early stopping.

    Args:
        model: Classifier (moved to ``device``).
        train: Encoded training rows.
        val: Encoded validation rows.
        pad_id: Padding id.
        bot_id: Model label id of "bot".
        cfg: Config.
        device: Device.
        teacher_scores: A teacher's P(bot) per training row: the loss then mixes them in
            with ``cfg.distill_weight`` (:func:`~botcomments_training.distill.distillation_loss`).

    Returns:
        The best model (by validation PR-AUC), history, steps and seconds.
    """
    move(model, device)
    rng = np.random.default_rng(cfg.seed)
    steps_per_epoch = math.ceil(len(train) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    eval_every = cfg.eval_every or steps_per_epoch
    weight = (
        class_weights(train.labels, num_labels(model)) if cfg.class_weight == "balanced" else None
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=None if weight is None else weight.to(device))
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total), total)
    lengths = [len(x) for x in train.input_ids]
    best_score, best_state, bad_evals = -math.inf, None, 0
    history: list[dict[str, float]] = []
    step, start = 0, time.perf_counter()
    bar = tqdm(total=total, desc="fine-tune", unit="step", disable=None)
    stop = False
    while step < total and not stop:
        model.train()
        for idx in bucketed_batches(lengths, cfg.batch_size, rng):
            batch = {
                k: v.to(device)
                for k, v in collate([train.input_ids[i] for i in idx], pad_id).items()
            }
            target = torch.as_tensor(train.labels[idx], device=device)
            with torch.autocast(
                device.type, dtype=torch.bfloat16, enabled=device.type == "cuda" and cfg.bf16
            ):
                logits = model(**batch).logits
            if teacher_scores is None:
                loss = loss_fn(logits.float(), target)
            else:
                soft = torch.as_tensor(teacher_scores[idx], device=device)
                loss = distillation_loss(logits.float(), target, soft, bot_id,
                                         cfg.distill_weight, loss_fn)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.4f}")
            if step % eval_every == 0 or step == total:
                probs = predict_encoded(model, val, pad_id, device)[:, bot_id]
                report = evaluation_report((val.labels == bot_id).astype(int), probs)
                history.append(
                    {
                        "step": step,
                        "loss": float(loss.item()),
                        **{k: float(report[k]) for k in ("roc_auc", "pr_auc", "brier", "f1")},
                    }
                )
                logger.info("step %d: %s", step, history[-1])
                if _score(report) > best_score:
                    best_score, bad_evals = _score(report), 0
                    best_state = copy.deepcopy(model.state_dict())
                else:
                    bad_evals += 1
                model.train()
                if bad_evals >= cfg.patience:
                    logger.info("early stopping at step %d", step)
                    stop = True
            if stop or step >= total:
                break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return FitResult(model=model, history=history, steps=step, seconds=time.perf_counter() - start)


def fine_tune(
    train: LabeledData,
    validation: LabeledData | None,
    out: Path | str,
    base: str | None = None,
    cfg: TrainConfig | None = None,
    data_info: dict[str, Any] | None = None,
    base_lr: bool = False,
    teacher_scores: np.ndarray | None = None,
) -> dict[str, Any]:
    """Fine-tune and write a complete model folder.

    Args:
        train: Labeled training rows.
        validation: Labeled validation rows, or None for a leakage-safe group split.
        out: Output folder (existing unknown files such as ``fusion.json`` are kept).
        base: Hub name / local folder of a base encoder; None = built-in encoder.
        cfg: Training config.
        data_info: Free-form description of the data for the model card.
        base_lr: With a ``base``, replace ``cfg.learning_rate`` by
            :func:`base_learning_rate` of the loaded base.
        teacher_scores: A teacher's P(bot) per ``train`` row, to distil from (see
            :func:`fit`); with ``cfg.keep_layers`` this trains a shallower student.

    Returns:
        The validation report (also saved in ``botcomments.json`` and ``eval_report.json``).

    Raises:
        ValueError: If the training data has a single class, or ``teacher_scores`` does
            not match ``train``.
    """
    cfg = cfg or TrainConfig()
    if teacher_scores is not None and len(teacher_scores) != len(train):
        raise ValueError(f"{len(teacher_scores)} teacher scores for {len(train)} training rows")
    set_seed(cfg.seed)
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    if validation is None:
        train_idx, val_idx = group_split(
            train.texts, train.rooms, cfg.val_fraction, cfg.seed, train.labels
        )
        train, validation = train.subset(train_idx), train.subset(val_idx)
        if teacher_scores is not None:
            teacher_scores = np.asarray(teacher_scores)[train_idx]
        logger.info("group split: %d train / %d validation rows", len(train), len(validation))
    if len(set(train.labels)) < 2:
        raise ValueError("training data has one class only; add human (0) and bot (1) rows")
    device = resolve_device(cfg.device)
    normalizer = Normalizer(cfg.normalizer_version or base_normalizer_version(base))
    train_norm = [n.text for n in normalizer.normalize_batch(train.texts)]
    model, tokenizer = prepare_model(train_norm, base, cfg)
    if base_lr and base is not None:
        cfg = dataclasses.replace(cfg, learning_rate=base_learning_rate(model))
        logger.info("fine-tuning %s at learning rate %g", base, cfg.learning_rate)
    val_norm = [n.text for n in normalizer.normalize_batch(validation.texts)]
    pad_id = int(tokenizer.pad_token_id or 0)
    bot_id = label_ids(model)[LABEL_NAMES[1]]
    enc_train = encode(train_norm, _model_labels(model, train.labels), tokenizer, cfg.max_length)
    enc_val = encode(val_norm, _model_labels(model, validation.labels), tokenizer, cfg.max_length)
    soft = None if teacher_scores is None else np.asarray(teacher_scores, dtype=np.float32)
    result = fit(model, enc_train, enc_val, pad_id, bot_id, cfg, device, soft)
    probs = predict_encoded(result.model, enc_val, pad_id, device)[:, bot_id]
    y_val = np.asarray(validation.labels)
    warn_small_validation(y_val)
    pre = evaluation_report(y_val, probs, target_precision=cfg.target_precision)
    threshold = pre["threshold_for_target_precision"]
    report = evaluation_report(y_val, probs, threshold, cfg.target_precision)
    base_report = base_on_validation(base, validation.texts, y_val, cfg.target_precision)
    if base_report is not None:
        report["base_on_same_validation"] = base_report
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    move(result.model, "cpu").save_pretrained(folder)
    tokenizer.model_max_length = cfg.max_length
    tokenizer.save_pretrained(folder)
    training_info = {
        "base": card_name(base),
        "config": cfg.to_dict(),
        "n_train": len(train),
        "n_validation": len(validation),
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "device": str(device),
        "history": result.history,
        "data": data_info or {},
    }
    settings = ModelSettings(
        normalizer_version=normalizer.version,
        max_length=cfg.max_length,
        window_overlap=min(cfg.max_length // 2, cfg.max_length - 4) if cfg.long_text_windows else 0,
        threshold=float(threshold),
        libraries=library_versions(),
        training=to_jsonable(training_info),
        metrics=to_jsonable({"validation": report}),
    )
    settings.save(folder)
    save_report(report, folder / "eval_report.json")
    plot_reliability(report, folder / "reliability.png")
    write_model_card(folder, settings)
    return report
