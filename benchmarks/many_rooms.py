"""Many small rooms vs one large room: does per-room overhead dominate?

A platform archive is mostly small rooms. This scores N comments twice with the same
scorer, side by side: as N rooms of one comment each, and as one room of N comments
(same texts, users and times), and prints comments/s of both and their ratio (issue 14's
target: the small rooms at >= 50 % of the large room's rate).

Run (the default 20,000 comments take a few seconds per pass without a model):
    python benchmarks/many_rooms.py
    python benchmarks/many_rooms.py --n 5000 --model models/default
    python benchmarks/many_rooms.py --texts ../shared/corpora/danmaku_live_2019/danmaku.jsonl.gz

By default the texts are 500 variants of one line (a cache-friendly case: every line
repeats); ``--texts`` takes the first N lines of a JSON-lines file (``text`` field, gzip
allowed) instead, e.g. real danmaku, where most lines are new and rooms' scores differ.

Both rates are printed per second of wall time and per second of the process's CPU time
(with a model, CPU time counts every thread). Each side runs ``--repeat`` times (default 3),
alternately, and keeps its best pass: on a
shared machine the two sides can see different loads, and the scorer's text-model cache
(kept across ``score`` calls) is cold only in the very first pass, so a single pass would
compare a cold large room with warm small rooms.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time
from pathlib import Path

from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer


def comments(n: int, one_room: bool, texts: list[str] | None = None) -> list[Comment]:
    """N comments: each in its own room, or all in one room, otherwise identical.

    Args:
        n: Comments.
        one_room: All in one room (else one room each).
        texts: Their texts (default: 500 variants of one line, cycled).
    """
    return [Comment(texts[i % len(texts)] if texts else f"主播好美{i % 500}",
                    "big" if one_room else f"r{i}",
                    ts=1_714_565_700.0 + 0.5 * i, user_id=f"u{i % 3000}") for i in range(n)]


def read_texts(path: Path, n: int) -> list[str]:
    """The first ``n`` non-empty ``text`` fields of a JSON-lines file (gzip allowed)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = (json.loads(line).get("text") or "" for line in f)
        return list(itertools.islice((t for t in lines if t.strip()), n))


def rates(scorer: Scorer, batch: list[Comment]) -> tuple[float, float]:
    """Comments per second of wall time and per second of this process's CPU time (less
    moved by other jobs on a shared machine; rules-only scoring runs in one thread)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = scorer.score(batch)
    assert len(result.verdicts) == len(batch)
    return (len(batch) / (time.perf_counter() - started),
            len(batch) / (time.process_time() - cpu))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: rules)")
    ap.add_argument("--repeat", type=int, default=3, help="passes per side (best kept)")
    ap.add_argument("--texts", type=Path, default=None,
                    help="JSON-lines file whose first N texts are used (default: synthetic)")
    args = ap.parse_args()
    scorer = Scorer.from_pretrained(args.model) if args.model else Scorer.rule_only()
    texts = read_texts(args.texts, args.n) if args.texts else None
    one = comments(args.n, one_room=True, texts=texts)
    many = comments(args.n, one_room=False, texts=texts)
    large = small = large_cpu = small_cpu = 0.0
    for _ in range(args.repeat):
        wall, cpu = rates(scorer, one)
        large, large_cpu = max(large, wall), max(large_cpu, cpu)
        wall, cpu = rates(scorer, many)
        small, small_cpu = max(small, wall), max(small_cpu, cpu)
    print(f"mode {scorer.mode}, {args.n:,} comments, texts: "
          f"{args.texts or '500 variants of one line'}")
    print(f"one room of {args.n:,}: {large:,.0f} comments/s ({large_cpu:,.0f} per CPU second)")
    print(f"{args.n:,} rooms of one: {small:,.0f} comments/s "
          f"({small / large:.1%} of the large room; {1000 / small:.2f} ms per room); "
          f"{small_cpu:,.0f} per CPU second ({small_cpu / large_cpu:.1%})")


if __name__ == "__main__":
    main()
