"""Side-by-side evaluation: community baseline vs ``botcomments score --no-model``.

Simulated rooms from EVALUATION seeds only (never used for tuning) in three scenarios
(``botcomments_training.scenarios``):
- mixed: rooms with mixed campaigns, 0-95 % bots (comment-level F1, ratio MAE, CI coverage);
- copy_flood: plain copy-paste flood campaigns only (comment-level F1);
- genuine: genuine viewers only, organic floods included (share of comments flagged).

The shipped rules, their calibration and room models are refitted on tuning/calibration
seeds by ``python -m botcomments_training.tune_rules``, not by this script.

Run:
    python benchmarks/evaluate_detectors.py            # evaluate (about 1-2 minutes)
    python benchmarks/evaluate_detectors.py --eval-seeds 7200 7201   # fresh seeds, once
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from common import ratio_metrics
from sklearn.metrics import f1_score

from botcomments.baselines import FUZZY_BASELINE, community_baseline
from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import ScoreResult
from botcomments_training.scenarios import (
    CALIBRATION_SCENARIOS,
    CALIBRATION_SEEDS,
    EVAL_SEEDS,
    SCENARIOS,
    SINGLE_CAMPAIGN_SEED,
    TUNING_SEEDS,
    make_scenario,
)


def evaluate(methods: dict[str, Callable[[Sequence[Comment]], ScoreResult | np.ndarray]],
             rooms_per_seed: int, eval_seeds: Sequence[int] = EVAL_SEEDS) -> None:
    """Print the side-by-side tables.

    Args:
        methods: Name -> function returning a ScoreResult (scorers) or a bool array.
        rooms_per_seed: Rooms per evaluation seed and scenario.
        eval_seeds: Simulation seeds (never a tuning or calibration seed).
    """
    reserved = set(TUNING_SEEDS + CALIBRATION_SEEDS) | {
        SINGLE_CAMPAIGN_SEED + i for i in range(len(CALIBRATION_SCENARIOS))}
    if reserved & set(eval_seeds):
        raise ValueError(f"eval seeds {sorted(reserved & set(eval_seeds))} are tuning or "
                         "calibration seeds; pick others")
    print(f"evaluation seeds {tuple(eval_seeds)}, {rooms_per_seed} rooms per seed and scenario")
    header = f"{'scenario':12s} {'method':22s} {'F1':>6s} {'flagged':>8s} {'MAE':>6s} " \
             f"{'cover':>6s} {'width':>6s} {'c/s':>7s}"
    print(header)
    print("-" * len(header))
    for name in SCENARIOS:
        sc = make_scenario(name, eval_seeds, rooms_per_seed)
        for method, fn in methods.items():
            t0 = time.perf_counter()
            out = fn(sc.comments)
            rate = len(sc.comments) / (time.perf_counter() - t0)
            if isinstance(out, ScoreResult):
                pred = np.array([v.is_bot for v in out.verdicts])
                mae, cover, width = ratio_metrics(out, sc.truth_ratio)
                ratio_cols = f"{mae:6.3f} {cover:6.2f} {width:6.2f}"
            else:
                pred = out
                ratio_cols = f"{'-':>6s} {'-':>6s} {'-':>6s}"
            f1 = f1_score(sc.labels, pred) if sc.labels.any() else float("nan")
            flagged = pred[sc.labels == 0].mean()
            print(f"{name:12s} {method:22s} {f1:6.3f} {flagged:8.3f} {ratio_cols} {rate:7.0f}")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=15, help="rooms per seed and scenario")
    parser.add_argument("--fuzzy", action="store_true", help="also run the fuzzy baseline")
    parser.add_argument("--eval-seeds", type=int, nargs="+", default=list(EVAL_SEEDS),
                        help="evaluation simulation seeds (default %(default)s)")
    args = parser.parse_args()
    scorer = Scorer.rule_only()
    methods: dict[str, Callable[[Sequence[Comment]], ScoreResult | np.ndarray]] = {
        "baseline(5 in 2s)": community_baseline,
        "no-model": scorer.score,
    }
    rates = scorer.quantifier
    if rates is not None and rates.room_model is not None:  # same scores, old estimator
        user = replace(rates.user, room_model=None) if rates.user else None
        global_rates = replace(rates, room_model=None, user=user)
        methods["no-model (global PACC)"] = Scorer.rule_only(quantifier=global_rates).score
    if args.fuzzy:
        methods["baseline(fuzzy .7/10s)"] = lambda cs: community_baseline(cs, FUZZY_BASELINE)
    evaluate(methods, args.rooms, args.eval_seeds)


if __name__ == "__main__":
    main()
