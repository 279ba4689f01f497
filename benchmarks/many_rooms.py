"""Many small rooms vs one large room: does per-room overhead dominate?

A platform archive is mostly small rooms. This scores N comments twice with the same
scorer, side by side: as N rooms of one comment each, and as one room of N comments
(same texts, users and times), and prints comments/s of both and their ratio (issue 14's
target: the small rooms at >= 50 % of the large room's rate).

Run (the default 20,000 comments take a few seconds per pass without a model):
    python benchmarks/many_rooms.py
    python benchmarks/many_rooms.py --n 5000 --model models/default

Each side runs ``--repeat`` times (default 3), alternately, and keeps its best pass: on a
shared machine the two sides can see different loads, and the scorer's text-model cache
(kept across ``score`` calls) is cold only in the very first pass, so a single pass would
compare a cold large room with warm small rooms.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer


def comments(n: int, one_room: bool) -> list[Comment]:
    """N comments: each in its own room, or all in one room, otherwise identical."""
    return [Comment(f"主播好美{i % 500}", "big" if one_room else f"r{i}",
                    ts=1_714_565_700.0 + 0.5 * i, user_id=f"u{i % 3000}") for i in range(n)]


def rate(scorer: Scorer, batch: list[Comment]) -> float:
    started = time.perf_counter()
    result = scorer.score(batch)
    assert len(result.verdicts) == len(batch)
    return len(batch) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: rules)")
    ap.add_argument("--repeat", type=int, default=3, help="passes per side (best kept)")
    args = ap.parse_args()
    scorer = Scorer.from_pretrained(args.model) if args.model else Scorer.rule_only()
    one, many = comments(args.n, one_room=True), comments(args.n, one_room=False)
    large = small = 0.0
    for _ in range(args.repeat):
        large = max(large, rate(scorer, one))
        small = max(small, rate(scorer, many))
    print(f"mode {scorer.mode}, {args.n:,} comments")
    print(f"one room of {args.n:,}: {large:,.0f} comments/s")
    print(f"{args.n:,} rooms of one: {small:,.0f} comments/s "
          f"({small / large:.1%} of the large room; {1000 / small:.2f} ms per room)")


if __name__ == "__main__":
    main()
