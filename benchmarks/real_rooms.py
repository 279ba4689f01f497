"""Real-background rooms: the scorer on REAL live chat with simulated bots at known shares.

Genuine side: the 25 real Bilibili broadcast sessions of
``../shared/corpora/danmaku_room_2020`` (an EVAL corpus: read at run time only, no text is
written anywhere), cut into contiguous rooms of 300-20,000 comments. Bot side: the
simulator's campaigns injected at known shares (0-90 %) on their own ``bot-`` accounts,
timed against each real room's clock (``botcomments.simulate.inject``). Rooms are either
mixed (a Dirichlet mix of every campaign type) or single-type. The same rooms are scored
by the fused scorer, the rule-only scorer and the community rule (>= 5 same lines in 2 s).

Run (about 3 minutes on 2 shared CPU cores; docs/real-rooms.md explains every column):
    python benchmarks/real_rooms.py
    python benchmarks/real_rooms.py --rooms 8 --per-room --json /tmp/real_rooms.json
    python benchmarks/real_rooms.py --sessions   # the 25 whole sessions, bot-free
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from common import ratio_metrics
from sklearn.metrics import precision_recall_fscore_support

from botcomments.baselines import community_baseline
from botcomments.io.readers import open_comments
from botcomments.records import PLATFORM_POSTED_KEY, Comment
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import ScoreResult
from botcomments.simulate.config import CAMPAIGN_TYPES
from botcomments.simulate.inject import InjectedRoom, cut_sessions, inject_campaigns
from botcomments_training.human_text import DEFAULT_CORPORA

CORPUS = DEFAULT_CORPORA / "danmaku_room_2020" / "danmaku.jsonl.gz"
DEFAULT_SHARES: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
KINDS: tuple[str, ...] = ("mixed", *CAMPAIGN_TYPES)
ROOM_SIZE = (300, 20_000)
MIN_BACKGROUND = 100
"""Fewest real comments in a room (a 90 % room of 300 would keep only 30)."""
PLATFORM_LINES = (1, 2)
"""``msg_type`` of lines the platform posts for real users (节奏风暴 storms, 天选 lottery)."""

Method = Callable[[Sequence[Comment]], ScoreResult | np.ndarray]


@dataclass(frozen=True)
class RoomSpec:
    """What a benchmark room is made of before the bots are drawn."""

    index: int
    piece: list[Comment]
    share: float
    kind: str

    @property
    def room_id(self) -> str:
        """Room id: session and room number (no text)."""
        return f"real-{self.piece[0].extra.get('session_id', 'x')}-{self.index:03d}"


@dataclass
class Outcome:
    """One method on one room."""

    pred: np.ndarray
    ratio: float
    ci: tuple[float, float] | None
    covered: bool | None
    seconds: float
    unflagged: int = 0
    calibration: str = "none"
    """Whether the room lay within the room model's calibration range (scorers only)."""
    """Bot verdicts with no flag (every flagged comment must carry a reason)."""


@dataclass
class RoomResult:
    """One room: truth arrays and every method's outcome."""

    spec: RoomSpec
    room: InjectedRoom
    labels: np.ndarray
    personas: np.ndarray
    platform: np.ndarray
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def read_sessions(path: Path) -> list[list[Comment]]:
    """Read the corpus and group it into time-ordered broadcast sessions.

    Args:
        path: ``danmaku.jsonl.gz`` of danmaku_room_2020.

    Returns:
        Sessions in order of first appearance; storm/lottery lines (``msg_type`` 1/2, the
        corpus's copy of blivedm ``info[0][9]``) carry ``extra["platform_posted"]`` as the
        blivedm reader would set it.
    """
    logging.getLogger("botcomments.io").setLevel(logging.ERROR)  # 10 empty lines
    sessions: dict[str, list[Comment]] = defaultdict(list)
    with open_comments(path) as stream:
        for c in stream:
            if c.extra.get("msg_type") in PLATFORM_LINES:  # what the blivedm reader marks
                c.extra[PLATFORM_POSTED_KEY] = True
            sessions[str(c.extra["session_id"])].append(c)
    return [sorted(s, key=lambda c: c.ts or 0.0) for s in sessions.values()]


def plan_benchmark(pieces: list[list[Comment]], shares: Sequence[float], n_rooms: int,
                   seed: int) -> list[RoomSpec]:
    """Pick rooms and give each a bot share and a kind (balanced, shuffled by seed).

    Args:
        pieces: Contiguous slices of real sessions.
        shares: Bot shares, used equally often.
        n_rooms: Rooms to keep (0 = every piece).
        seed: Seed.

    Returns:
        Room specs; bot-free rooms get kind "none", the others cycle through
        :data:`KINDS`.
    """
    rng = np.random.default_rng([seed, 23])
    keep = rng.permutation(len(pieces))[: n_rooms or len(pieces)]
    share_of = rng.permutation(np.resize(np.asarray(shares, dtype=float), len(keep)))
    n_botted = int((share_of > 0).sum())
    kinds = iter(rng.permutation(np.resize(np.array(KINDS), n_botted)).tolist())
    return [RoomSpec(i, pieces[p], float(s), next(kinds) if s > 0 else "none")
            for i, (p, s) in enumerate(zip(sorted(keep.tolist()), share_of.tolist(),
                                           strict=True))]


def build_room(spec: RoomSpec, seed: int) -> RoomResult:
    """Inject the spec's bots into the front of its real slice (room size kept).

    Args:
        spec: The room.
        seed: Benchmark seed.

    Returns:
        The room with truth arrays, no outcome yet.
    """
    n = len(spec.piece)
    n_real = min(n, max(MIN_BACKGROUND, n - round(spec.share * n)))
    weights = None if spec.kind in ("mixed", "none") else {spec.kind: 1.0}
    room = inject_campaigns(spec.piece[:n_real], spec.share, seed=seed * 10_000 + spec.index,
                            campaign_weights=weights, room_id=spec.room_id)
    personas = np.array([c.extra["persona"] for c in room.comments])
    platform = np.array([c.extra.get("msg_type") in PLATFORM_LINES for c in room.comments])
    return RoomResult(spec, room, room.labels, personas, platform)


def run_method(fn: Method, result: RoomResult) -> Outcome:
    """Score one room with one method.

    Args:
        fn: Scorer (returns ``ScoreResult``) or rule (returns a bool array).
        result: The room.

    Returns:
        Flags, ratio estimate (rule: 1 - flagged share, no interval), coverage, time.
    """
    t0 = time.perf_counter()
    out = fn(result.room.comments)
    seconds = time.perf_counter() - t0
    if not isinstance(out, ScoreResult):
        pred = np.asarray(out, dtype=bool)
        return Outcome(pred, 1.0 - float(pred.mean()), None, None, seconds)
    pred = np.array([v.is_bot for v in out.verdicts])
    truth = {result.room.truth.room_id: result.room.truth.authenticity_ratio}
    _, cover, _ = ratio_metrics(out, truth)
    report = out.rooms[0]
    lo, hi = report.authenticity_ci
    unflagged = sum(1 for v in out.verdicts if v.is_bot and not v.flags)
    return Outcome(pred, report.authenticity_ratio, (lo, hi), bool(cover), seconds, unflagged,
                   report.calibration)


def _prf(labels: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    p, r, f, _ = precision_recall_fscore_support(labels, pred, average="binary",
                                                 zero_division=0.0)
    return float(p), float(r), float(f)


def _flags(results: list[RoomResult], method: str) -> np.ndarray:
    """One method's flags over rooms, concatenated."""
    return np.concatenate([r.outcomes[method].pred for r in results])


def _truth(results: list[RoomResult], what: str) -> np.ndarray:
    """A truth array (``labels``, ``personas`` or ``platform``) over rooms, concatenated."""
    return np.concatenate([getattr(r, what) for r in results])


def _mean_or_nan(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def overall(results: list[RoomResult], method: str) -> dict[str, float]:
    """Headline figures of one method over all rooms.

    Args:
        results: Scored rooms.
        method: Method name.

    Returns:
        precision, recall, f1 (pooled comments), flagged_clean (share flagged in 0 %
        rooms), flagged_real (share of real comments flagged, all rooms),
        flagged_platform (storm/lottery lines flagged), mae, coverage, width (means over
        rooms; NaN without interval), rate (comments per second), flagged (comments
        called bots), unflagged (of those, verdicts without a flag; 0 for the rule) and
        out_of_range (rooms outside the room model's calibration range).
    """
    y, pred = _truth(results, "labels"), _flags(results, method)
    p, r, f = _prf(y, pred)
    clean = [res for res in results if res.spec.share == 0]
    outs = [res.outcomes[method] for res in results]
    platform = _truth(results, "platform")
    return {
        "precision": p, "recall": r, "f1": f,
        "flagged_clean": float(_flags(clean, method).mean()) if clean else float("nan"),
        "flagged_real": float(pred[y == 0].mean()),
        "flagged_platform": float(pred[platform].mean()) if platform.any() else float("nan"),
        "mae": _mean_or_nan([abs(o.ratio - res.room.truth.authenticity_ratio)
                             for o, res in zip(outs, results, strict=True)]),
        "coverage": _mean_or_nan([float(o.covered) for o in outs if o.covered is not None]),
        "width": _mean_or_nan([o.ci[1] - o.ci[0] for o in outs if o.ci is not None]),
        "rate": len(y) / sum(o.seconds for o in outs),
        "flagged": int(pred.sum()),
        "unflagged": sum(o.unflagged for o in outs),
        "out_of_range": sum(o.calibration == "out_of_range" for o in outs),
    }


def per_type(results: list[RoomResult], method: str, ctype: str) -> dict[str, float]:
    """One campaign type: recall and F1 in its single-type rooms, recall in mixed rooms.

    Args:
        results: Scored rooms.
        method: Method name.
        ctype: Campaign type.

    Returns:
        recall_single, f1_single, n_single (bot comments), recall_mixed, n_mixed.
    """
    single = [r for r in results if r.spec.kind == ctype]
    mixed = [r for r in results if r.spec.kind == "mixed"]
    out = {"recall_single": float("nan"), "f1_single": float("nan"), "n_single": 0.0,
           "recall_mixed": float("nan"), "n_mixed": 0.0}
    if single:
        y, pred = _truth(single, "labels"), _flags(single, method)
        _, out["recall_single"], out["f1_single"] = _prf(y, pred)
        out["n_single"] = float(y.sum())
    if mixed:
        mine = _truth(mixed, "personas") == f"bot_{ctype}"
        if mine.any():
            out["recall_mixed"] = float(_flags(mixed, method)[mine].mean())
            out["n_mixed"] = float(mine.sum())
    return out


def by_share(results: list[RoomResult], method: str, share: float) -> tuple[float, float]:
    """Ratio MAE and interval coverage (NaN for the rule) of the rooms at one share."""
    outs = [(r.outcomes[method], r.room.truth.authenticity_ratio)
            for r in results if r.spec.share == share]
    mae = _mean_or_nan([abs(o.ratio - t) for o, t in outs])
    return mae, _mean_or_nan([float(o.covered) for o, _ in outs if o.covered is not None])


def _fmt(x: float, digits: int = 3) -> str:
    return "–" if np.isnan(x) else f"{x:.{digits}f}"


def print_tables(results: list[RoomResult], methods: Sequence[str],
                 shares: Sequence[float]) -> dict[str, Any]:
    """Print the markdown tables; return their figures (for --json).

    Args:
        results: Scored rooms.
        methods: Method names, in column order.
        shares: Bot shares of the run.

    Returns:
        ``{"overall": ..., "per_type": ..., "by_share": ...}``.
    """
    summary: dict[str, Any] = {"overall": {m: overall(results, m) for m in methods}}
    print("\n| method | P | R | F1 | flagged, 0 % rooms | real flagged | storm/lottery "
          "flagged | ratio MAE | coverage | CI width | comments/s |")
    print("| --- |" + " ---: |" * 10)
    for m, o in summary["overall"].items():
        cols = [o[k] for k in ("precision", "recall", "f1", "flagged_clean", "flagged_real",
                               "flagged_platform", "mae", "coverage", "width")]
        print(f"| {m} | " + " | ".join(_fmt(x) for x in cols) + f" | {o['rate']:,.0f} |")
    print("\nBot verdicts without any flag: " + ", ".join(
        f"{m} {o['unflagged']:,} of {o['flagged']:,}" for m, o in summary["overall"].items()))
    print("Rooms outside the room model's calibration range (ratio fell back): " + ", ".join(
        f"{m} {o['out_of_range']}" for m, o in summary["overall"].items()))
    summary["per_type"] = {t: {m: per_type(results, m, t) for m in methods}
                           for t in CAMPAIGN_TYPES}
    print("\nRecall / F1 in single-type rooms, recall of that persona in mixed rooms "
          "(bot comments in brackets):\n")
    print("| campaign | " + " | ".join(f"{m} R single | {m} F1 single | {m} R mixed"
                                       for m in methods) + " |")
    print("| --- |" + " ---: |" * (3 * len(methods)))
    for t, row in summary["per_type"].items():
        first = row[methods[0]]
        name = f"{t} ({first['n_single']:,.0f} / {first['n_mixed']:,.0f})"
        cells = [_fmt(row[m][k]) for m in methods
                 for k in ("recall_single", "f1_single", "recall_mixed")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    summary["by_share"] = {s: {m: by_share(results, m, s) for m in methods} for s in shares}
    print("\nAuthenticity-ratio MAE (interval coverage) by bot share:\n")
    print("| bot share | rooms | " + " | ".join(methods) + " |")
    print("| ---: | ---: |" + " ---: |" * len(methods))
    for s, row in summary["by_share"].items():
        n = sum(r.spec.share == s for r in results)
        cells = [_fmt(mae) + ("" if np.isnan(cov) else f" ({cov:.2f})")
                 for mae, cov in (row[m] for m in methods)]
        print(f"| {s:.0%} | {n} | " + " | ".join(cells) + " |")
    return summary


def room_rows(results: list[RoomResult], methods: Sequence[str]) -> list[dict[str, Any]]:
    """Per-room figures (no text): truth, and each method's flags, estimate and F1."""
    rows = []
    for r in results:
        t = r.room.truth
        row: dict[str, Any] = {
            "room_id": t.room_id,
            "kind": r.spec.kind,
            "bot_share": t.n_bot_comments / t.n_comments,
            "bot_share_target": r.spec.share,
            "n_comments": t.n_comments,
            "n_bot": t.n_bot_comments,
            "n_users": t.n_users,
            "true_ratio": t.authenticity_ratio,
            "true_user_ratio": t.genuine_user_ratio,
            "real_floods": len(r.room.floods),
            "campaign_mix": t.campaign_mix,
            "methods": {},
        }
        for m in methods:
            o = r.outcomes[m]
            p, rec, f = _prf(r.labels, o.pred)
            row["methods"][m] = {"flagged": float(o.pred.mean()), "precision": p, "recall": rec,
                                 "f1": f, "ratio": o.ratio, "ci": o.ci, "covered": o.covered,
                                 "seconds": o.seconds, "calibration": o.calibration}
        rows.append(row)
    return rows


def print_room_table(rows: list[dict[str, Any]], methods: Sequence[str]) -> None:
    """Print the per-room markdown table (estimate and F1 per method)."""
    print("\n| room | kind | comments | bot share | true ratio | "
          + " | ".join(f"{m} ratio | {m} F1" for m in methods) + " |")
    print("| --- | --- |" + " ---: |" * (3 + 2 * len(methods)))
    for row in rows:
        cells = [f"{row['methods'][m]['ratio']:.3f} | {_fmt(row['methods'][m]['f1'])}"
                 for m in methods]
        print(f"| {row['room_id']} | {row['kind']} | {row['n_comments']:,} | "
              f"{row['bot_share']:.3f} | {row['true_ratio']:.3f} | " + " | ".join(cells) + " |")


def score_sessions(sessions: list[list[Comment]], methods: dict[str, Method]
                   ) -> list[dict[str, Any]]:
    """Score every real session whole and bot-free (no cutting, no injection).

    Args:
        sessions: Time-ordered real sessions (every comment genuine).
        methods: Name -> scoring function.

    Returns:
        Per session (no text): its id, size, and per method the flagged share, the
        estimated ratio, its interval and whether the interval holds 1.0 (the truth).
    """
    rows = []
    for session in sessions:
        row: dict[str, Any] = {"session": str(session[0].extra.get("session_id", "x")),
                               "n_comments": len(session), "methods": {}}
        for name, fn in methods.items():
            out = fn(session)
            if isinstance(out, ScoreResult):
                pred = np.array([v.is_bot for v in out.verdicts])
                ratio, ci = out.rooms[0].authenticity_ratio, out.rooms[0].authenticity_ci
            else:
                pred, ci = np.asarray(out, dtype=bool), None
                ratio = 1.0 - float(pred.mean())
            row["methods"][name] = {"flagged": int(pred.sum()), "ratio": ratio, "ci": ci,
                                    "covered": None if ci is None else ci[1] >= 1.0}
        rows.append(row)
    return rows


def print_sessions(rows: list[dict[str, Any]], methods: Sequence[str]) -> dict[str, Any]:
    """Print the whole-session table and its summary; return the summary.

    Args:
        rows: :func:`score_sessions` output.
        methods: Method names, in column order.

    Returns:
        Per method: pooled flagged share, lowest estimate, sessions estimated >= 0.95,
        intervals holding 1.0.
    """
    print("\nWhole bot-free real sessions (every comment genuine), scored one by one:\n")
    print("| session | comments | " + " | ".join(f"{m} flagged | {m} ratio [CI]"
                                              for m in methods) + " |")
    print("| --- | ---: |" + " ---: | --- |" * len(methods))
    for row in rows:
        cells = []
        for m in methods:
            o = row["methods"][m]
            ci = "" if o["ci"] is None else f" [{o['ci'][0]:.3f}, {o['ci'][1]:.3f}]"
            cells.append(f"{o['flagged'] / row['n_comments']:.2%} | {o['ratio']:.3f}{ci}")
        print(f"| {row['session']} | {row['n_comments']:,} | " + " | ".join(cells) + " |")
    n = sum(r["n_comments"] for r in rows)
    summary: dict[str, Any] = {}
    for m in methods:
        outs = [r["methods"][m] for r in rows]
        covered = [o["covered"] for o in outs if o["covered"] is not None]
        summary[m] = {"flagged": sum(o["flagged"] for o in outs) / n,
                      "min_ratio": min(o["ratio"] for o in outs),
                      "at_least_095": sum(o["ratio"] >= 0.95 for o in outs),
                      "covered": sum(covered) if covered else None}
        s = summary[m]
        print(f"{m}: {s['flagged']:.2%} of {n:,} comments flagged; estimate >= 0.95 in "
              f"{s['at_least_095']} of {len(rows)} sessions (lowest {s['min_ratio']:.3f})"
              + ("" if s["covered"] is None else
                 f"; interval holds 1.0 in {s['covered']} of {len(rows)}"))
    return summary


def make_methods(model: Path | None, threads: int, precision: str | None = None
                 ) -> dict[str, Method]:
    """The methods compared: fused (when a model is given), no-model, community rule.

    Args:
        model: Model folder, or None to skip the fused scorer.
        threads: Torch CPU threads.
        precision: Text-model precision of the fused scorer (None: default).

    Returns:
        Name -> scoring function.
    """
    import torch

    torch.set_num_threads(threads)
    methods: dict[str, Method] = {}
    if model is not None:
        methods["fused"] = Scorer.from_pretrained(model, precision=precision).score
    methods["no-model"] = Scorer.rule_only().score
    methods["rule"] = community_baseline
    return methods


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="danmaku_room_2020 danmaku.jsonl.gz (default %(default)s)")
    parser.add_argument("--model", type=Path, default=Path("models/default"),
                        help="model folder of the fused scorer")
    parser.add_argument("--no-fused", action="store_true", help="skip the fused scorer")
    parser.add_argument("--seed", type=int, default=0, help="cutting, shares and bots")
    parser.add_argument("--rooms", type=int, default=0,
                        help="rooms to score (default 0 = every slice, about 210k comments)")
    parser.add_argument("--shares", type=float, nargs="+", default=list(DEFAULT_SHARES),
                        help="bot shares, used equally often (default %(default)s)")
    parser.add_argument("--threads", type=int, default=max(1, min(4, (os.cpu_count() or 2) // 2)),
                        help="torch CPU threads of the text model (default: half the cores, at "
                        "most 4, so a shared machine is not oversubscribed: %(default)s)")
    parser.add_argument("--precision", choices=("int8", "bf16", "fp32"), default=None,
                        help="text-model precision of the fused scorer (default: the "
                             "scorer's, bf16 where the CPU computes it natively, else fp32)")
    parser.add_argument("--per-room", action="store_true", help="print the per-room table")
    parser.add_argument("--sessions", action="store_true",
                        help="instead of cut rooms with bots, score each whole real session "
                        "bot-free (false alarms and estimates on sessions as broadcast)")
    parser.add_argument("--json", type=Path, help="write every figure (no text) to this file")
    args = parser.parse_args(argv)
    if any(not 0 <= s < 1 for s in args.shares):
        parser.error("--shares must lie in [0, 1)")
    if args.rooms < 0 or args.seed < 0:
        parser.error("--rooms and --seed must be >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry."""
    args = parse_args(argv)
    t0 = time.perf_counter()
    methods = make_methods(None if args.no_fused else args.model, args.threads, args.precision)
    if args.sessions:
        sessions = read_sessions(args.corpus)
        rows = score_sessions(sessions, methods)
        print(f"command: python {' '.join(shlex.quote(a) for a in sys.argv)}")
        summary = print_sessions(rows, list(methods))
        print(f"\nwall time {time.perf_counter() - t0:.0f} s")
        if args.json:
            import json

            args.json.write_text(json.dumps({"command": sys.argv, "sessions": rows,
                                             "summary": summary}, indent=1, default=str)
                                 + "\n", encoding="utf-8")
        return
    pieces = cut_sessions(read_sessions(args.corpus), *ROOM_SIZE, seed=args.seed)
    specs = plan_benchmark(pieces, args.shares, args.rooms, args.seed)
    results = [build_room(spec, args.seed) for spec in specs]
    for res in results:
        for name, fn in methods.items():
            res.outcomes[name] = run_method(fn, res)
    n_comments = sum(len(r.labels) for r in results)
    n_bot = sum(int(r.labels.sum()) for r in results)
    print(f"command: python {' '.join(shlex.quote(a) for a in sys.argv)}")
    n_sessions = len({s.room_id.split("-")[1] for s in specs})
    print(f"seed {args.seed}; {len(results)} rooms from {n_sessions} real sessions; "
          f"{n_comments:,} comments ({n_bot:,} injected bots); "
          f"shares {args.shares}; threads {args.threads}; "
          f"model {'-' if args.no_fused else args.model}")
    summary = print_tables(results, list(methods), sorted(set(args.shares)))
    rows = room_rows(results, list(methods))
    if args.per_room:
        print_room_table(rows, list(methods))
    wall = time.perf_counter() - t0
    print(f"\nwall time {wall:.0f} s")
    if args.json:
        import json

        payload = {"command": sys.argv, "seed": args.seed, "wall_s": wall, **summary,
                   "rooms": rows}
        args.json.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
