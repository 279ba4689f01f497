"""The ``botcomments`` command line: one module per subcommand.

Each module in ``SUBCOMMANDS`` defines ``register(subparsers)`` that adds its parser and
sets ``func`` to a callable taking the parsed args and returning an exit code.

A standard output closed early by its reader (``botcomments read x.jsonl | head -1``)
ends the command quietly with exit 0 (:data:`CLOSED_STDOUT_EXIT`): the reader had what
it wanted, as with most Unix tools in a pipe. Files written so far stay as they are.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from botcomments import __version__
from botcomments.cli.threads import quiet_openmp

CLOSED_STDOUT_EXIT = 0
"""Exit code when the reader of standard output closed it first (``| head``)."""

SUBCOMMANDS: tuple[str, ...] = (
    # one line per working subcommand module in botcomments/cli/
    "train",
    "pretrain",
    "evaluate",
    "classify",
    "simulate",
    "read",
    "score",
    "spark_score",
    "watch",
    "serve",
    "bench",
    "train_fusion",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand.

    Returns:
        The parser.
    """
    parser = argparse.ArgumentParser(
        prog="botcomments",
        description="Detect bot comments in Chinese live-stream chat.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"botcomments {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"botcomments.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        Process exit code (:data:`CLOSED_STDOUT_EXIT` when stdout was closed early).
    """
    quiet_openmp()  # before torch loads: OpenMP workers sleep, tokenizers' pool stays off
    # transformers draws a "Loading weights" bar on every model load; the CLI has its own
    # progress output (set HF_HUB_DISABLE_PROGRESS_BARS=0 to see it again)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the flush at exit
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_STDOUT_EXIT
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's own flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced stdout (tests): nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
