"""``botcomments simulate``: write a labeled simulated chat archive and its sidecar.

Example:
    botcomments simulate --rooms 20 --out data/demo/chat.jsonl --seed 7
    botcomments simulate --rooms 5 --out x.parquet --bot-share 0.2 0.6 \\
        --campaigns paraphrase=1 copy_flood=0.5
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from typing import Any

from botcomments.simulate import CAMPAIGN_TYPES, SimulationConfig, simulate_to_file
from botcomments.simulate.engine import sidecar_path

logger = logging.getLogger(__name__)
DEFAULT_CORPORA = "../shared/corpora"


def parse_campaigns(items: list[str]) -> dict[str, float]:
    """Parse ``name=weight`` items (a bare name means weight 1).

    Args:
        items: Items such as ``["paraphrase=2", "spam"]``.

    Returns:
        Campaign type -> weight; types not named get weight 0.

    Raises:
        ValueError: On an unknown type or a weight that is not a number.
    """
    weights: dict[str, float] = {}
    for item in items:
        name, _, value = item.partition("=")
        name = name.strip().removeprefix("bot_")
        if name not in CAMPAIGN_TYPES:
            raise ValueError(
                f"unknown campaign {name!r} in --campaigns; choose from {CAMPAIGN_TYPES}"
            )
        try:
            weights[name] = float(value) if value else 1.0
        except ValueError:
            raise ValueError(
                f"--campaigns {item!r}: weight must be a number, e.g. {name}=0.5"
            ) from None
    return weights


def build_config(args: argparse.Namespace) -> SimulationConfig:
    """Combine ``--config`` with the command-line overrides.

    Args:
        args: Parsed arguments.

    Returns:
        The validated config.

    Raises:
        ValueError: On invalid settings.
    """
    config = SimulationConfig.from_json(args.config) if args.config else SimulationConfig()
    overrides: dict[str, Any] = {}
    if args.bot_share is not None:
        overrides["bot_share"] = (
            tuple(args.bot_share)
            if len(args.bot_share) > 1
            else (args.bot_share[0], args.bot_share[0])
        )
    if args.room_size is not None:
        overrides["room_size"] = (
            tuple(args.room_size)
            if len(args.room_size) > 1
            else (args.room_size[0], args.room_size[0])
        )
    if args.campaigns is not None:
        overrides["campaign_weights"] = parse_campaigns(args.campaigns)
    if args.corpora is not None:
        overrides["corpora_path"] = args.corpora
    return replace(config, **overrides) if overrides else config


def run(args: argparse.Namespace) -> int:
    """Run the subcommand.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 2 on invalid settings.
    """
    try:
        config = build_config(args)
        rooms = simulate_to_file(args.out, args.rooms, args.seed, config)
    except (ValueError, FileNotFoundError) as exc:
        logger.error("%s", exc)
        return 2
    n = sum(r.n_comments for r in rooms)
    n_bot = sum(r.n_bot_comments for r in rooms)
    print(
        f"wrote {n} comments in {len(rooms)} rooms to {args.out} "
        f"(bot share {n_bot / max(n, 1):.3f}); truth in {sidecar_path(args.out)}"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``simulate`` subcommand.

    Args:
        subparsers: The top-level subparsers object.
    """
    p = subparsers.add_parser(
        "simulate",
        help="write a labeled simulated live-commerce chat archive",
        description="Simulate live-commerce rooms with genuine viewers and bot campaigns. "
        "Writes JSONL or Parquet (by extension) and <stem>.rooms.json with per-room truth.",
    )
    p.add_argument("--rooms", type=int, required=True, help="number of rooms")
    p.add_argument("--out", required=True, help="output .jsonl or .parquet file")
    p.add_argument("--seed", type=int, default=0, help="run seed (same seed, same bytes)")
    p.add_argument("--config", help="JSON file with SimulationConfig fields")
    p.add_argument(
        "--bot-share",
        type=float,
        nargs="+",
        metavar="SHARE",
        help="bot share per room: one value or LOW HIGH (0..0.95)",
    )
    p.add_argument(
        "--room-size",
        type=int,
        nargs="+",
        metavar="N",
        help="comments per room: one value or LOW HIGH (10..1000000)",
    )
    p.add_argument(
        "--campaigns",
        nargs="+",
        metavar="NAME[=W]",
        help=f"only these campaign types, optional weights; types: {', '.join(CAMPAIGN_TYPES)}",
    )
    p.add_argument(
        "--corpora",
        nargs="?",
        const=DEFAULT_CORPORA,
        help=f"draw some genuine lines from the shared corpora folder (default {DEFAULT_CORPORA})",
    )
    p.set_defaults(func=run)
