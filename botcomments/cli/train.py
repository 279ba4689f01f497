"""``botcomments train``: fine-tune a text classifier and write a model folder.

With ``--base`` a botcomments model folder (e.g. ``models/default``), the new folder is
ready for ``botcomments score --model NEW``: the base's combiner (``fusion.json``) is
carried over with a warning (it was fitted on the base's text scores; refit it with
``botcomments train-fusion`` on labelled rooms when you have them), the base and the new
model are compared on the same validation rows, and the card names the base's data.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import Any

from botcomments.cli.extras import train_extra_missing

logger = logging.getLogger(__name__)
COMPARED = ("roc_auc", "pr_auc", "f1", "precision", "recall", "fpr")
"""Metrics printed for the base and the fine-tuned model side by side."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand.

    Args:
        subparsers: The top-level subparsers.
    """
    p = subparsers.add_parser(
        "train",
        help="fine-tune a text classifier on labeled comments",
        description=(
            "Fine-tune a bot/human text classifier. Without --base a small char-level "
            "Chinese BERT is trained from scratch. Without --validation a leakage-safe "
            "split (by room and template group) is held out."
        ),
    )
    p.add_argument("--data", required=True, help="training file (.jsonl/.csv/.parquet)")
    p.add_argument("--validation", help="validation file (default: group split of --data)")
    p.add_argument("--out", required=True, help="output model folder")
    p.add_argument("--base", help="HF model name or local folder (e.g. models/default)")
    p.add_argument("--config", help="JSON file of training settings (see docs/training.md)")
    p.add_argument(
        "--map",
        dest="mapping",
        help="column mapping, e.g. text=content,label=is_bot,room_id=room (labels may be "
             "0/1, bot/human, 是/否, 机器人/真人, 水军/正常, ...)",
    )
    p.add_argument("--seed", type=int, help="override the config seed")
    p.add_argument("--epochs", type=int, help="passes over the training data (default 3)")
    p.add_argument("--lr", type=float, help="peak learning rate (default: 5e-4 from scratch, "
                   "2e-4 from a small base like models/default, 5e-5 from a bert-base-size "
                   "one)")
    p.add_argument("--batch-size", type=int, help="training batch size (default 64)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run training.

    Args:
        args: Parsed arguments.

    Returns:
        Exit code.
    """
    from botcomments.model.evaluation import format_report
    try:
        from botcomments_training.config import TrainConfig
        from botcomments_training.data import load_labeled, parse_mapping, require_data_modules
        from botcomments_training.finetune import fine_tune

        require_data_modules()  # datasets is imported late, by load_table
    except ImportError as exc:  # the train extra is not installed
        return train_extra_missing(exc, "training")
    cfg = TrainConfig.from_file(args.config) if args.config else TrainConfig()
    overrides = {k: v for k, v in (("seed", args.seed), ("epochs", args.epochs),
                                    ("batch_size", args.batch_size),
                                    ("learning_rate", args.lr)) if v is not None}
    base_lr = args.lr is None and bool(args.base) and \
        not _config_sets(args.config, "learning_rate")
    try:
        cfg = dataclasses.replace(cfg, **overrides)  # validated again
        mapping = parse_mapping(args.mapping)
        train = load_labeled(args.data, mapping)
        val = load_labeled(args.validation, mapping) if args.validation else None
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    info = data_info(args, train)
    report = fine_tune(train, val, args.out, args.base, cfg, info, base_lr=base_lr)
    base_report = report.pop("base_on_same_validation", None)
    print(format_report(report))
    if base_report is not None:
        print(comparison(base_report, report, args.base))
    carry_combiner(args.base, Path(args.out))
    print(json.dumps({"model": args.out}))
    return 0


def _config_sets(config: str | None, key: str) -> bool:
    return bool(config) and key in json.loads(Path(str(config)).read_text("utf-8"))


def data_info(args: argparse.Namespace, train: Any) -> dict[str, Any]:
    """What the model card says about the data: file names (no local paths), the base's data.

    Args:
        args: Parsed arguments.
        train: The training rows.

    Returns:
        The card's ``data`` section (licences inherited from a botcomments base).
    """
    described = (f"Fine-tuned on {Path(args.data).name} ({len(train)} labelled rows)"
                 + (f", validation file {Path(args.validation).name}." if args.validation
                    else ", validation held out by room/template group split."))
    info: dict[str, Any] = {"description": described}
    settings = Path(str(args.base)) / "botcomments.json" if args.base else None
    if settings is not None and settings.is_file():
        base_data = json.loads(settings.read_text("utf-8")).get("training", {}).get("data", {})
        info["description"] += (f" Base model {Path(str(args.base)).name}, itself trained "
                                f"on: {base_data.get('description', 'not stated')}")
        if base_data.get("licences"):
            info["licences"] = base_data["licences"]
    return info


def comparison(base: dict[str, Any], new: dict[str, Any], base_name: str) -> str:
    """Base vs fine-tuned metrics on the same validation rows, side by side.

    Args:
        base: The base's report (at its own threshold).
        new: The new model's report.
        base_name: How to name the base.

    Returns:
        A small table.
    """
    lines = [f"{'same validation rows':22s} {'base':>10s} {'fine-tuned':>11s}",
             f"{'model':22s} {Path(base_name).name[:10]:>10s} {'new':>11s}"]
    for key in COMPARED:
        b, n = base.get(key), new.get(key)
        if isinstance(b, float) and isinstance(n, float):
            lines.append(f"{key:22s} {b:10.4f} {n:11.4f}")
    return "\n".join(lines)


def carry_combiner(base: str | None, out: Path) -> None:
    """Give the new model the base's ``fusion.json`` (warned), or say how to get one.

    Args:
        base: The base model, or None.
        out: The new model folder.
    """
    from botcomments.fusion.learned import FUSION_FILE

    source = Path(str(base)) / FUSION_FILE if base else None
    if (out / FUSION_FILE).exists():
        return
    if source is not None and source.is_file():
        shutil.copyfile(source, out / FUSION_FILE)
        logger.warning(
            "copied the base's combiner (%s) so that `botcomments score --model %s` works; "
            "it was fitted on the base's text scores and its room error rates: with labelled "
            "rooms (user ids + timestamps), refit it: botcomments train-fusion --model %s "
            "--data ROOMS.jsonl", FUSION_FILE, out, out)
        return
    logger.warning(
        "%s has no combiner (%s): fit one with `botcomments train-fusion --model %s --data "
        "ROOMS.jsonl` (labelled rooms with user ids and timestamps), or score with "
        "--no-model", out, FUSION_FILE, out)
