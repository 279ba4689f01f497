"""Leave one campaign type out of the combiner and its room models; measure it on REAL rooms.

For each campaign type in turn, the combiner (and the room models it carries) is fitted
without that type's bot comments, then scores the real-background rooms of
``benchmarks/real_rooms.py`` (real ``danmaku_room_2020`` chat with injected bots): the
held-out type's recall, its single-type rooms' F1 and ratio MAE are printed beside those
of the combiner fitted on every type (same features, same rooms).

What is held out, and what is not:
- held out: the type's bot comments are dropped from the combiner's training table and
  from the room models' calibration table (simulated rooms of the tuning seeds plus
  replayed real-background rooms, as shipped);
- not held out: the text model (retraining it once per type is beyond a CPU run; see
  ``benchmarks/heldout_style_fusion.py`` for a style held out of the text model too), and
  the rooms the held-out bots were in stay in the tables without them (their effect on the
  other comments' features remains: a mild leak towards optimism).

Run (about 35 minutes on 2 shared CPU cores):
    python benchmarks/leave_one_campaign_out.py
    python benchmarks/leave_one_campaign_out.py --fit-rooms 6 --rooms 35   # quicker
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from real_rooms import (
    CORPUS,
    DEFAULT_SHARES,
    ROOM_SIZE,
    RoomResult,
    build_room,
    plan_benchmark,
    read_sessions,
)
from sklearn.metrics import f1_score

from botcomments.fusion.features import DEFAULT_FEATURE_SET, FeatureTable, select_features
from botcomments.fusion.learned import LearnedFusion
from botcomments.model.classifier import BotCommentClassifier
from botcomments.quantify import estimate_authenticity
from botcomments.scoring.pipeline import FeatureExtractor
from botcomments.simulate.config import CAMPAIGN_TYPES
from botcomments.simulate.inject import REAL_PERSONA, cut_sessions
from botcomments_training.fitting.combiner_training import (
    SHIPPED_GBDT,
    SHIPPED_MAX_FPR,
    TrainingTable,
    attach_room_models,
    collect_features,
    fit_with_rates,
)
from botcomments_training.human_text import DEFAULT_CORPORA
from botcomments_training.replayed_rooms import replayed_rooms
from botcomments_training.scenarios import (
    FIT_SEEDS,
    REPLAY_SEED,
    RETURNING_VIEWERS,
    calibration_comments,
    combiner_comments,
)


def subset(table: TrainingTable, keep: np.ndarray) -> TrainingTable:
    """Rows of a training table where ``keep`` is true."""
    ts = None if table.timestamps is None else table.timestamps[keep]
    return TrainingTable(FeatureTable(table.features.names, table.features.values[keep]),
                         table.labels[keep], table.rooms[keep], table.personas[keep],
                         table.users[keep], ts)


def fit_without(fit: TrainingTable, cal: TrainingTable, held: str | None) -> LearnedFusion:
    """Combiner + room models fitted without the bot comments of ``held`` (None: all kept).

    Args:
        fit: Combiner training table.
        cal: Calibration table of the room models.
        held: Campaign type to leave out, or None.

    Returns:
        The fitted combiner.
    """
    drop = f"bot_{held}"
    fit_k, cal_k = subset(fit, fit.personas != drop), subset(cal, cal.personas != drop)
    fusion, _ = fit_with_rates(fit_k, kind="gbdt", max_fpr=SHIPPED_MAX_FPR, gbdt=SHIPPED_GBDT,
                               features=select_features(fit_k.features.names, DEFAULT_FEATURE_SET),
                               cap_personas=(REAL_PERSONA,))
    attach_room_models(fusion, cal_k, np.array([r.rsplit("-", 1)[0] for r in cal_k.rooms]))
    return fusion


def room_errors(fusion: LearnedFusion, real: TrainingTable, probs: np.ndarray,
                results: Sequence[RoomResult]) -> dict[str, float]:
    """Absolute ratio error of every benchmark room under one combiner."""
    out = {}
    pred = probs >= fusion.threshold
    for res in results:
        rid = res.room.truth.room_id
        sel = real.rooms == rid
        est = estimate_authenticity(probs[sel], users=real.users[sel], ts=real.timestamps[sel]
                                    if real.timestamps is not None else None,
                                    rates=fusion.quantifier, decisions=pred[sel], n_boot=100)
        out[rid] = abs(est.authenticity_ratio - res.room.truth.authenticity_ratio)
    return out


def type_figures(ctype: str, fusion: LearnedFusion, real: TrainingTable,
                 results: Sequence[RoomResult]) -> dict[str, float]:
    """Recall of one type (all rooms), F1 and ratio MAE in its single-type rooms."""
    probs = fusion.predict_proba(real.features)
    pred = probs >= fusion.threshold
    mine = real.personas == f"bot_{ctype}"
    single = np.isin(real.rooms, [r.room.truth.room_id for r in results if r.spec.kind == ctype])
    errors = room_errors(fusion, real, probs, [r for r in results if r.spec.kind == ctype])
    clean = np.isin(real.rooms, [r.room.truth.room_id for r in results if r.spec.share == 0])
    return {"recall": float(pred[mine].mean()) if mine.any() else float("nan"),
            "f1_single": float(f1_score(real.labels[single], pred[single]))
            if single.any() else float("nan"),
            "mae_single": float(np.mean(list(errors.values()))) if errors else float("nan"),
            "flagged_clean": float(pred[clean].mean()) if clean.any() else float("nan")}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--fit-rooms", type=int, default=15, help="mixed rooms per fit seed")
    parser.add_argument("--cal-rooms", type=int, default=8, help="rooms per calibration seed")
    parser.add_argument("--replay-rooms", type=int, default=40)
    parser.add_argument("--rooms", type=int, default=0, help="real rooms (0 = all, ~210k)")
    parser.add_argument("--seed", type=int, default=0, help="real_rooms benchmark seed")
    parser.add_argument("--returning-viewers", action="store_true",
                        help="simulated viewers come back over hours, as for the shipped "
                             "combiner (botcomments_training.scenarios.RETURNING_VIEWERS)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    extractor = FeatureExtractor(text_model=BotCommentClassifier.from_pretrained(args.model))
    overrides = RETURNING_VIEWERS if args.returning_viewers else {}
    fit_comments = combiner_comments(FIT_SEEDS, args.fit_rooms, overrides)
    fit_comments += replayed_rooms(DEFAULT_CORPORA, args.replay_rooms, REPLAY_SEED, part="fit")
    cal_comments = calibration_comments(args.cal_rooms, overrides=overrides) + replayed_rooms(
        DEFAULT_CORPORA, args.replay_rooms, REPLAY_SEED, part="calibrate")
    fit = collect_features(extractor, fit_comments)
    cal = collect_features(extractor, cal_comments)
    pieces = cut_sessions(read_sessions(CORPUS), *ROOM_SIZE, seed=args.seed)
    results = [build_room(s, args.seed)
               for s in plan_benchmark(pieces, DEFAULT_SHARES, args.rooms, args.seed)]
    real = collect_features(extractor, [c for r in results for c in r.room.comments])
    print(f"features: {len(fit.labels):,} fit, {len(cal.labels):,} calibration, "
          f"{len(real.labels):,} real-background rows ({time.perf_counter() - t0:.0f} s)")
    everything = fit_without(fit, cal, None)
    print("| held-out type | recall held out (all types) | single-type F1 held out (all) "
          "| single-type ratio MAE held out (all) | bot-free flagged held out (all) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for ctype in CAMPAIGN_TYPES:
        held = type_figures(ctype, fit_without(fit, cal, ctype), real, results)
        base = type_figures(ctype, everything, real, results)
        print(f"| {ctype} | {held['recall']:.3f} ({base['recall']:.3f}) | "
              f"{held['f1_single']:.3f} ({base['f1_single']:.3f}) | "
              f"{held['mae_single']:.3f} ({base['mae_single']:.3f}) | "
              f"{held['flagged_clean']:.4f} ({base['flagged_clean']:.4f}) |", flush=True)
    print(f"\nwall time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
