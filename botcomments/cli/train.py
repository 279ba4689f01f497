"""``botcomments train``: fine-tune a text classifier and write a model folder."""

from __future__ import annotations

import argparse
import json

from botcomments.cli.extras import train_extra_missing


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
        help="column mapping, e.g. text=content,label=is_bot,room=room_id",
    )
    p.add_argument("--seed", type=int, help="override the config seed")
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
        from botcomments_training.data import load_labeled, parse_mapping
        from botcomments_training.finetune import fine_tune
    except ImportError as exc:  # pragma: no cover - depends on the install
        return train_extra_missing(exc, "training")
    cfg = TrainConfig.from_file(args.config) if args.config else TrainConfig()
    if args.seed is not None:
        cfg.seed = args.seed
    mapping = parse_mapping(args.mapping)
    train = load_labeled(args.data, mapping)
    val = load_labeled(args.validation, mapping) if args.validation else None
    info = {
        "description": f"Training file {args.data}"
        + (
            f", validation file {args.validation}."
            if args.validation
            else ", validation held out by room/template group split."
        )
    }
    report = fine_tune(train, val, args.out, args.base, cfg, info)
    print(format_report(report))
    print(json.dumps({"model": args.out}))
    return 0
