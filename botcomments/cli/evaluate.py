"""``botcomments evaluate``: score a labeled file with a model and report metrics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from botcomments.cli.checks import probability
from botcomments.cli.extras import train_extra_missing


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand.

    Args:
        subparsers: The top-level subparsers.
    """
    p = subparsers.add_parser("evaluate", help="evaluate a text model on a labeled file")
    p.add_argument("--model", required=True, help="model folder")
    p.add_argument("--data", required=True, help="labeled file (.jsonl/.csv/.parquet)")
    p.add_argument("--map", dest="mapping", help="column mapping, e.g. text=content,label=y")
    p.add_argument("--report", help="report folder (default: <model>/eval/<data name>)")
    p.add_argument("--threshold", type=probability,
                   help="decision threshold in (0, 1) (default: the model's)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the evaluation.

    Args:
        args: Parsed arguments.

    Returns:
        Exit code.
    """
    from botcomments.cli.score import find_model_dir
    from botcomments.model import BotCommentClassifier
    from botcomments.model.evaluation import (
        evaluation_report,
        format_report,
        plot_reliability,
        save_report,
    )

    try:
        from botcomments_training.data import load_labeled, parse_mapping, require_data_modules

        require_data_modules()  # datasets is imported late, by load_table
    except ImportError as exc:  # the train extra is not installed
        return train_extra_missing(exc, "evaluate (reading labeled data)")
    model_dir, problem = find_model_dir(Path(args.model), fallback="")
    if model_dir is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        data = load_labeled(args.data, parse_mapping(args.mapping))
        clf = BotCommentClassifier.from_pretrained(args.model)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    threshold = clf.threshold if args.threshold is None else args.threshold
    report = evaluation_report(data.labels, clf.bot_scores(data.texts), threshold)
    out = Path(args.report) if args.report else Path(args.model) / "eval" / Path(args.data).stem
    save_report(report, out / "report.json")
    png = plot_reliability(report, out / "reliability.png")
    print(format_report(report))
    print(f"report: {out / 'report.json'}" + (f", reliability curve: {png}" if png else ""))
    return 0
