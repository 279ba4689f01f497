"""Generalisation to REAL human text never trained on: simulator rooms whose genuine chat
lines are replaced by COLD test comments (Zhihu/Weibo, human-written, never in any
training or validation set of the shipped model).

Timing, accounts, organic floods and every bot campaign stay as simulated; only the words
of ordinary genuine chatters (personas ``genuine_chat`` and ``genuine_fan``) become real
human text, so the figures show how the fused scorer and ``--no-model`` treat human
writing they have never seen, next to the same rooms with simulated human lines. The
text-model-alone column shows why the fused scorer, not the text threshold, is meant for
chat.

Run:
    python benchmarks/real_text_rooms.py --model models/default --rooms 10 --seeds 7400 7401
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from common import ratio_metrics
from sklearn.metrics import f1_score

from botcomments.fusion.learned import LearnedFusion
from botcomments.model.classifier import BotCommentClassifier
from botcomments.scoring.pipeline import Scorer
from botcomments_training.human_text import (
    DEFAULT_CORPORA,
    REPLACED_PERSONAS,
    human_lines,
    with_real_text,
)
from botcomments_training.scenarios import CALIBRATION_SEEDS, TUNING_SEEDS, make_scenario


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--rooms", type=int, default=10, help="rooms per seed and scenario")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7400, 7401])
    args = parser.parse_args()
    if set(args.seeds) & set(TUNING_SEEDS + CALIBRATION_SEEDS):
        parser.error("pick seeds never used for tuning or calibration")
    lines = human_lines(args.corpora, "heldout")
    model = BotCommentClassifier.from_pretrained(args.model)
    scorers = {"no-model": Scorer.rule_only(),
               "fused": Scorer(LearnedFusion.load(args.model), text_model=model)}
    print(f"seeds {tuple(args.seeds)}, {args.rooms} rooms per seed and scenario; "
          f"{len(lines)} COLD test lines")
    header = (f"{'scenario':8s} {'human text':10s} {'method':9s} {'F1':>6s} "
              f"{'flag real':>9s} {'flag all0':>9s} {'MAE':>6s} {'cover':>6s}")
    print(header)
    print("-" * len(header))
    for name in ("mixed", "genuine"):
        for variant in ("simulated", "COLD test"):
            sc = make_scenario(name, args.seeds, args.rooms)
            if variant != "simulated":
                with_real_text(sc.comments, lines, seed=args.seeds[0])
            y = sc.labels
            real = np.array([c.extra.get("persona") in REPLACED_PERSONAS for c in sc.comments])
            text_pred = np.asarray(model.bot_scores([c.text for c in sc.comments])) >= \
                model.threshold
            rows: list[tuple[str, np.ndarray, str]] = [("text-only", text_pred, "     -      -")]
            for method, scorer in scorers.items():
                res = scorer.score(sc.comments)
                mae, cover, _ = ratio_metrics(res, sc.truth_ratio)
                pred = np.array([v.is_bot for v in res.verdicts])
                rows.append((method, pred, f"{mae:6.3f} {cover:6.2f}"))
            for method, pred, ratio_cols in rows:
                f1 = f1_score(y, pred) if y.any() else float("nan")
                print(f"{name:8s} {variant:10s} {method:9s} {f1:6.3f} "
                      f"{pred[real].mean():9.3f} {pred[y == 0].mean():9.3f} {ratio_cols}")


if __name__ == "__main__":
    main()
