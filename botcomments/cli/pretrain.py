"""``botcomments pretrain``: masked-LM pretraining of the built-in encoder."""

from __future__ import annotations

import argparse
import json

from botcomments.cli.extras import train_extra_missing
from botcomments.configfile import from_known_fields


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``pretrain`` subcommand.

    Args:
        subparsers: The top-level subparsers.
    """
    p = subparsers.add_parser(
        "pretrain",
        help="MLM-pretrain the built-in encoder on unlabeled text (usable as --base)",
    )
    p.add_argument("--corpus", nargs="+", required=True, help="text files, one text a line")
    p.add_argument("--out", required=True, help="output model folder")
    p.add_argument("--config", help="JSON file of PretrainConfig fields")
    p.add_argument("--max-steps", type=int, help="stop after this many steps")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run pretraining.

    Args:
        args: Parsed arguments.

    Returns:
        Exit code.
    """
    try:
        from botcomments_training.pretrain import PretrainConfig, pretrain, read_corpus
    except ImportError as exc:  # pragma: no cover - depends on the install
        return train_extra_missing(exc, "pretraining")
    cfg = PretrainConfig()
    if args.config:
        with open(args.config, encoding="utf-8") as fh:
            cfg = from_known_fields(PretrainConfig, json.load(fh), "pretraining config")
    if args.max_steps is not None:
        cfg.max_steps = args.max_steps
    summary = pretrain(read_corpus(args.corpus), args.out, cfg)
    print(json.dumps(summary, ensure_ascii=False))
    return 0
