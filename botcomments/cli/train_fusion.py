"""``botcomments train-fusion``: fit the calibrated combiner for a model folder.

Example:
    botcomments simulate --rooms 200 --seed 11 --out runs/sim_train.jsonl
    botcomments train-fusion --model models/default --data runs/sim_train.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train-fusion`` subcommand."""
    p = subparsers.add_parser(
        "train-fusion",
        help="train the learned combiner (fusion.json) on labeled simulator rooms",
        description="Fit a calibrated combiner over the text model's score and the "
        "detectors' features on labeled rooms (room-grouped split) and save it, with the "
        "validation error rates used by the authenticity estimate, as DIR/fusion.json.",
    )
    p.add_argument("--model", required=True, type=Path, help="model folder (text model)")
    p.add_argument("--data", required=True, nargs="+", type=Path, help="labeled chat files")
    p.add_argument(
        "--rooms",
        nargs="+",
        type=Path,
        default=None,
        help="labeled calibration rooms (other seeds than --data, bot shares 0-95 %%) for "
        "the room-ratio regression and its conformal interval",
    )
    p.add_argument("--kind", choices=("gbdt", "logistic"), default="gbdt")
    p.add_argument("--calibration", choices=("isotonic", "platt", "none"), default="isotonic")
    p.add_argument("--seed", type=int, default=0)
    # Defaults are resolved in run(): importing the fusion modules here would slow every
    # botcomments command down by a second (scikit-learn).
    p.add_argument("--features", default=None,
                   help="feature set: base, text, pattern or all (default: the shipped "
                   "combiner's, pattern)")
    p.add_argument("--trees", type=int, default=None,
                   help="GBDT boosting rounds (default: the shipped combiner's, 300)")
    p.add_argument("--depth", type=int, default=None,
                   help="GBDT tree depth (default: the shipped combiner's, 4)")
    p.add_argument("--max-fpr", type=float, default=None,
                   help="cap on the share of genuine comments flagged at the threshold "
                   "(default: the shipped combiner's, 0.01)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``botcomments train-fusion``.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 2 on bad input.
    """
    from botcomments.cli.score import find_model_dir
    from botcomments.fusion.features import DEFAULT_FEATURE_SET
    from botcomments_training.fitting.combiner import GbdtSettings
    from botcomments_training.fitting.combiner_training import (
        SHIPPED_GBDT,
        SHIPPED_MAX_FPR,
        train_fusion,
    )

    model_dir, problem = find_model_dir(args.model, fallback="")
    if model_dir is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    gbdt = GbdtSettings(n_estimators=args.trees or SHIPPED_GBDT.n_estimators,
                        max_depth=args.depth or SHIPPED_GBDT.max_depth)

    try:
        fusion = train_fusion(
            args.model, args.data, room_paths=args.rooms, kind=args.kind,
            calibration=args.calibration, seed=args.seed,
            feature_set=args.features or DEFAULT_FEATURE_SET, gbdt=gbdt,
            max_fpr=SHIPPED_MAX_FPR if args.max_fpr is None else args.max_fpr,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(fusion.metrics, indent=1))
    print(f"wrote {args.model / 'fusion.json'}")
    return 0
