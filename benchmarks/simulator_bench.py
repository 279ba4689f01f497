"""Simulator throughput: comments generated (and written) per second on one core.

Run: ``python benchmarks/simulator_bench.py [--comments 1000000] [--rooms 1]``.
Prints generation-only and generate+write (JSONL) rates and peak RSS. With
``--hardness N`` it also trains a char n-gram text model and a text + timing/account
model on N simulated rooms and prints how well each separates bots (a simulator in
which text alone separates everything would teach detectors nothing).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from common import peak_rss_mib
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict

from botcomments.records import Comment
from botcomments.simulate import (
    PERSONAS,
    SimulationConfig,
    iter_rooms,
    simulate,
    simulate_to_file,
)
from botcomments.text.normalize import normalize


def _context_features(comments: list[Comment]) -> np.ndarray:
    """Per-comment timing/account features computed from the data alone (no labels)."""
    rooms_of: dict[str | None, set[str]] = defaultdict(set)
    per_room_user: Counter[tuple[str, str | None]] = Counter()
    times: dict[tuple[str, str | None], list[float]] = defaultdict(list)
    for c in comments:
        rooms_of[c.user_id].add(c.room_id)
        per_room_user[(c.room_id, c.user_id)] += 1
        times[(c.room_id, c.user_id)].append(float(c.ts or 0.0))
    cv: dict[tuple[str, str | None], float] = {}
    for key, ts in times.items():
        gaps = np.diff(ts)
        cv[key] = float(np.std(gaps) / (np.mean(gaps) + 1e-9)) if len(gaps) >= 2 else -1.0
    by_room: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(comments):
        by_room[c.room_id].append(i)
    burst = np.zeros(len(comments))
    same_text = np.zeros(len(comments))
    for idx in by_room.values():
        room_ts = np.array([comments[i].ts for i in idx], dtype=float)
        rate = len(room_ts) / max(room_ts[-1] - room_ts[0], 1.0)
        lo = np.searchsorted(room_ts, room_ts - 3.0)
        hi = np.searchsorted(room_ts, room_ts + 3.0, side="right")
        burst[idx] = (hi - lo) / (6.0 * rate)
        norm = [normalize(comments[i].text).text for i in idx]
        last_seen: dict[str, list[float]] = defaultdict(list)
        for j, t in enumerate(room_ts):
            prev = last_seen[norm[j]]
            same_text[idx[j]] = sum(1 for p in prev[-20:] if t - p <= 10.0)
            prev.append(t)
    feats = [
        [
            np.log1p(per_room_user[(c.room_id, c.user_id)]),
            len(rooms_of[c.user_id]),
            cv[(c.room_id, c.user_id)],
            burst[i],
            same_text[i],
        ]
        for i, c in enumerate(comments)
    ]
    return np.array(feats)


def hardness(n_rooms: int) -> None:
    """Print how far text alone vs text + timing/account evidence separates bots."""
    cfg = SimulationConfig(room_size=(400, 2500))
    train = simulate(n_rooms, seed=101, config=cfg).comments
    test = simulate(max(4, n_rooms // 2), seed=202, config=cfg).comments
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    y_tr = np.array([c.label for c in train])
    y_te = np.array([c.label for c in test])
    x_tr = vec.fit_transform([c.text for c in train])
    x_te = vec.transform([c.text for c in test])
    text_model = LogisticRegression(max_iter=2000, C=4.0)
    p_tr = cross_val_predict(text_model, x_tr, y_tr, cv=3, method="predict_proba")[:, 1]
    p_te = text_model.fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    both = HistGradientBoostingClassifier(max_iter=200, random_state=0)
    both.fit(np.column_stack([p_tr, _context_features(train)]), y_tr)
    q_te = both.predict_proba(np.column_stack([p_te, _context_features(test)]))[:, 1]
    print(
        f"hardness ({len(train):,} train / {len(test):,} test comments, bot share "
        f"{y_te.mean():.2f}):"
    )
    print(f"  ROC AUC text only (char 1-3-gram LR): {roc_auc_score(y_te, p_te):.3f}")
    print(f"  ROC AUC text + timing/account       : {roc_auc_score(y_te, q_te):.3f}")
    persona = np.array([c.extra["persona"] for c in test])
    thr_p = np.quantile(p_te[y_te == 0], 0.95)
    thr_q = np.quantile(q_te[y_te == 0], 0.95)
    print("  share flagged at 5% genuine false-positive rate (text only -> text+context):")
    for name in PERSONAS:
        sel = persona == name
        if sel.any():
            before, after = np.mean(p_te[sel] > thr_p), np.mean(q_te[sel] > thr_q)
            print(f"    {name:24s} {before:.2f} -> {after:.2f}")


def main() -> None:
    """Run the benchmark and print figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--comments", type=int, default=1_000_000, help="total comments")
    ap.add_argument("--rooms", type=int, default=1, help="rooms to split them into")
    ap.add_argument("--bot-share", type=float, default=0.5)
    ap.add_argument("--skip-write", action="store_true", help="only time generation")
    ap.add_argument(
        "--hardness",
        type=int,
        default=0,
        metavar="ROOMS",
        help="also run the text vs text+context separability check on ROOMS rooms",
    )
    args = ap.parse_args()
    per_room = args.comments // args.rooms
    config = SimulationConfig(
        room_size=(per_room, per_room), bot_share=(args.bot_share, args.bot_share)
    )

    t0 = time.perf_counter()
    n = sum(room.truth.n_comments for room in iter_rooms(args.rooms, 1, config))
    dt = time.perf_counter() - t0
    print(
        f"generate only : {n:,} comments in {args.rooms} room(s): {dt:.1f} s, "
        f"{n / dt:,.0f} comments/s"
    )
    if not args.skip_write:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "bench.jsonl"
            t0 = time.perf_counter()
            rooms = simulate_to_file(out, args.rooms, 1, config)
            dt = time.perf_counter() - t0
            n = sum(r.n_comments for r in rooms)
            size = out.stat().st_size / 1e6
            print(
                f"generate+JSONL: {n:,} comments: {dt:.1f} s, {n / dt:,.0f} comments/s, "
                f"{size:.0f} MB"
            )
    print(f"peak RSS: {peak_rss_mib():.0f} MB (one process, one core)")
    if args.hardness:
        hardness(args.hardness)


if __name__ == "__main__":
    main()
