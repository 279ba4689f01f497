"""Side-by-side evaluation: --no-model vs text model alone vs fused scorer.

Same scenarios and EVALUATION seeds as evaluate_detectors.py (``botcomments_training.scenarios``;
never used for tuning or for training the combiner). Prints comment-level F1, flagged share
on genuine-only rooms, authenticity-ratio MAE and CI coverage, the Brier score and the
genuine-commenter ratio's MAE, coverage and interval width (uMAE, ucover, uwidth), and
writes a reliability plot PNG for the fused scorer.

The fused scorer needs a model folder with ``fusion.json``; ``--train-fusion`` first fits
it (and writes it into the folder), like
``botcomments train-fusion --model DIR --data SIM.jsonl --rooms CAL.jsonl``: the combiner
on TUNING-seed rooms (mixed campaigns of every style, bot shares 0-95 %, plus genuine-only
rooms with organic floods), the room-ratio regression and its conformal residuals on the
CALIBRATION rooms (``botcomments_training.scenarios.calibration_comments``). Evaluation
seeds are never used for either.

Run:
    python benchmarks/evaluate_scorer.py --model models/default [--train-fusion]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from common import ratio_metrics
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score

from botcomments.fusion.features import (
    DEFAULT_FEATURE_SET,
    FEATURE_SETS,
    FeatureTable,
    select_features,
)
from botcomments.fusion.learned import FUSION_FILE, LearnedFusion
from botcomments.model.classifier import BotCommentClassifier
from botcomments.records import Comment
from botcomments.scoring.pipeline import FeatureExtractor, Scorer
from botcomments.simulate.inject import REAL_PERSONA
from botcomments_training.fitting.combiner import GbdtSettings
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
    CALIBRATION_SEEDS,
    EVAL_SEEDS,
    FIT_SEEDS,
    REPLAY_SEED,
    RETURNING_VIEWERS,
    SCENARIOS,
    TUNING_SEEDS,
    calibration_comments,
    combiner_comments,
    make_scenario,
)


def _validation_row(name: str, p: np.ndarray, y: np.ndarray, threshold: float) -> str:
    pred = p >= threshold
    return (f"{name:22s} {f1_score(y, pred):6.3f} {pred[y == 0].mean():6.3f} "
            f"{brier_score_loss(y, p):6.3f} {roc_auc_score(y, p):6.3f} {threshold:5.2f}")


def compare_on_validation(
    model_dir: Path, data: TrainingTable, kind: str,
    feature_sets: Sequence[str] = tuple(FEATURE_SETS), **options: Any
) -> dict[str, tuple[LearnedFusion, dict[str, Any]]]:
    """Fit the combiner on each of ``feature_sets`` on the same room split.

    Prints comment-level F1, genuine share flagged, Brier and ROC-AUC on the validation
    rooms of the tuning table for both, and for the combiner currently in ``model_dir``
    when its features are available (it was fitted on the same tuning rooms and split).

    Args:
        model_dir: Model folder (its current ``fusion.json`` is scored as "current").
        data: Features of the tuning rooms.
        kind: Combiner model kind.
        feature_sets: :data:`FEATURE_SETS` names to fit (default all of them).
        **options: Passed to :func:`fit_with_rates` (``gbdt``, ``max_fpr``).

    Returns:
        Feature set name -> (combiner with rates, fitting report).
    """
    fits = {
        name: fit_with_rates(data, kind=kind, **options,
                             features=select_features(data.features.names, name))
        for name in feature_sets
    }
    index = next(iter(fits.values()))[1]["validation_index"]  # one room split for all
    y = data.labels[index]
    print(f"tuning-seed validation split: {len(index)} comments, "
          f"{len(set(data.rooms[index].tolist()))} rooms")
    print(f"{'combiner':22s} {'F1':>6s} {'flag0':>6s} {'Brier':>6s} {'AUC':>6s} {'thr':>5s}")
    if (model_dir / FUSION_FILE).is_file():
        current = LearnedFusion.load(model_dir)
        rows = FeatureTable(data.features.names, data.features.values[index])
        print(_validation_row("current fusion.json", current.predict_proba(rows), y,
                              current.threshold))
    for name, (fusion, report) in fits.items():
        print(_validation_row(f"retrained {name}", report["validation_scores"], y,
                              fusion.threshold))
    return fits


def train_fusion_on_tuning_seeds(
    model_dir: Path, rooms_per_seed: int, room_rooms_per_seed: int, kind: str,
    features: str = DEFAULT_FEATURE_SET,
    seeds: Sequence[int] = TUNING_SEEDS,
    replay_rooms: int = 0,
    returning_viewers: bool = False,
    compare_sets: bool = True,
    **options: Any,
) -> None:
    """Fit and save ``fusion.json`` from tuning-seed rooms (+ room models on calibration rooms).

    Args:
        model_dir: Model folder.
        rooms_per_seed: Mixed rooms per tuning seed (genuine-only rooms: a third of it).
        room_rooms_per_seed: Rooms per seed for the room-ratio regression.
        kind: Combiner model kind ("gbdt" or "logistic").
        features: A :data:`FEATURE_SETS` name.
        seeds: Simulator seeds of the combiner's rooms (never evaluation seeds).
        replay_rooms: Real-background rooms (replayed ``danmaku_live_2019`` chat with
            injected bots, :mod:`botcomments_training.replayed_rooms`) added to the
            combiner's rooms and, as many again from other cuts, to the calibration rooms;
            the threshold then also keeps their real genuine comments within ``max_fpr``.
        returning_viewers: Simulated rooms (combiner and calibration) use
            :data:`~botcomments_training.scenarios.RETURNING_VIEWERS` (viewers who come back
            over hours, as real ones do).
        compare_sets: Fit every feature set for the validation table (else only
            ``features``).
        **options: Passed to :func:`fit_with_rates` (``gbdt``, ``max_fpr``).
    """
    model = BotCommentClassifier.from_pretrained(model_dir)
    extractor = FeatureExtractor(text_model=model)
    overrides = RETURNING_VIEWERS if returning_viewers else {}
    comments = combiner_comments(seeds, rooms_per_seed, overrides)
    cal_comments = calibration_comments(room_rooms_per_seed, overrides=overrides)
    if replay_rooms:
        comments += replayed_rooms(DEFAULT_CORPORA, replay_rooms, REPLAY_SEED, part="fit")
        cal_comments += replayed_rooms(DEFAULT_CORPORA, replay_rooms, REPLAY_SEED,
                                       part="calibrate")
    if replay_rooms:
        options["cap_personas"] = (REAL_PERSONA,)
    fusion, report = compare_on_validation(
        model_dir, collect_features(extractor, comments), kind,
        tuple(FEATURE_SETS) if compare_sets else (features,), **options)[features]
    cal = collect_features(extractor, cal_comments)
    attach_room_models(fusion, cal, np.array([r.rsplit("-", 1)[0] for r in cal.rooms]))
    fusion.metrics["features"] = features
    fusion.metrics["tuned_on_seeds"] = list(seeds)
    fusion.metrics["tuned_on"] = {"mixed_rooms_per_seed": rooms_per_seed,
                                  "genuine_rooms_per_seed": max(2, rooms_per_seed // 3),
                                  "room_model_rooms_per_seed": room_rooms_per_seed,
                                  "replayed_real_rooms": replay_rooms,
                                  "overrides": {k: list(v) for k, v in overrides.items()},
                                  "replay_seed": REPLAY_SEED}
    fusion.save(model_dir)
    print(f"fusion ({kind}, {features} features) trained on seeds {tuple(seeds)}: "
          f"{report['metrics']}")


def _text_only(model: BotCommentClassifier, comments: Sequence[Comment]) -> np.ndarray:
    return np.asarray(model.bot_scores([c.text for c in comments]))


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--rooms", type=int, default=15, help="rooms per seed and scenario")
    parser.add_argument("--train-fusion", action="store_true",
                        help="fit fusion.json on tuning seeds first")
    parser.add_argument("--fit-rooms", type=int, default=15,
                        help="mixed rooms per tuning seed for --train-fusion")
    parser.add_argument("--cal-rooms", type=int, default=8,
                        help="rooms per calibration seed for the room regression")
    parser.add_argument("--kind", choices=("gbdt", "logistic"), default="gbdt")
    parser.add_argument("--features", choices=tuple(FEATURE_SETS), default=DEFAULT_FEATURE_SET,
                        help="combiner saved by --train-fusion (see FEATURE_SETS): all; "
                             "pattern = without the account evidence maxima; text = also "
                             "without the posting-pattern features; base = no aggregates")
    parser.add_argument("--fit-seeds", type=int, nargs="+", default=list(FIT_SEEDS),
                        help="simulator seeds of the combiner's rooms for --train-fusion")
    parser.add_argument("--replay-rooms", type=int, default=0,
                        help="real-background (replayed danmaku_live_2019) rooms added to the "
                             "combiner's and to the calibration rooms for --train-fusion")
    parser.add_argument("--returning-viewers", action="store_true",
                        help="with --train-fusion: simulated viewers come back over hours "
                             "(botcomments_training.scenarios.RETURNING_VIEWERS)")
    parser.add_argument("--only-features", action="store_true",
                        help="with --train-fusion: fit only the --features set (no side-by-side "
                             "validation table of every set; faster)")
    parser.add_argument("--trees", type=int, default=SHIPPED_GBDT.n_estimators,
                        help="GBDT boosting rounds for --train-fusion")
    parser.add_argument("--depth", type=int, default=SHIPPED_GBDT.max_depth,
                        help="GBDT tree depth for --train-fusion")
    parser.add_argument("--max-fpr", type=float, default=SHIPPED_MAX_FPR,
                        help="cap on the genuine share flagged when choosing the threshold")
    parser.add_argument("--eval-seeds", type=int, nargs="+", default=list(EVAL_SEEDS),
                        help="evaluation seeds (never used for tuning or fitting)")
    parser.add_argument("--train-only", action="store_true",
                        help="with --train-fusion: stop after training (no evaluation)")
    parser.add_argument("--compare-fusion", type=Path, default=None,
                        help="another fusion.json to evaluate side by side (same text model), "
                             "e.g. the committed one: git show HEAD:models/default/fusion.json")
    parser.add_argument("--plot", type=Path, default=Path("runs/reliability.png"))
    args = parser.parse_args()
    if args.train_fusion:
        train_fusion_on_tuning_seeds(
            args.model, args.fit_rooms, args.cal_rooms, args.kind, args.features,
            seeds=tuple(args.fit_seeds), replay_rooms=args.replay_rooms,
            returning_viewers=args.returning_viewers, compare_sets=not args.only_features,
            gbdt=GbdtSettings(n_estimators=args.trees, max_depth=args.depth),
            max_fpr=args.max_fpr)
        if args.train_only:
            return
    model = BotCommentClassifier.from_pretrained(args.model)
    scorers = {"no-model": Scorer.rule_only()}
    if args.compare_fusion is not None:
        scorers["fused-cmp"] = Scorer(LearnedFusion.load(args.compare_fusion), text_model=model)
    scorers["fused"] = Scorer(LearnedFusion.load(args.model), text_model=model)
    seeds = tuple(args.eval_seeds)
    if set(seeds) & set(TUNING_SEEDS + CALIBRATION_SEEDS + tuple(args.fit_seeds)):
        parser.error(f"--eval-seeds {seeds} overlap the tuning/calibration seeds")
    print(f"evaluation seeds {seeds}, {args.rooms} rooms per seed and scenario")
    header = (f"{'scenario':11s} {'method':10s} {'F1':>6s} {'flagged':>8s} {'MAE':>6s} "
              f"{'cover':>6s} {'width':>6s} {'Brier':>6s} {'uMAE':>6s} {'ucover':>6s} "
              f"{'uwidth':>6s}")
    print(header)
    print("-" * len(header))
    reliability: list[tuple[np.ndarray, np.ndarray]] = []
    for name in SCENARIOS:
        sc = make_scenario(name, seeds, args.rooms)
        y = sc.labels
        text = _text_only(model, sc.comments)
        text_pred = text >= model.threshold
        dashes = "     -      -      -"
        rows = [("text-only", text_pred, text, dashes, dashes)]
        for method, scorer in scorers.items():
            res = scorer.score(sc.comments)
            p = np.array([v.bot_score for v in res.verdicts])
            mae, cover, width = ratio_metrics(res, sc.truth_ratio)
            umae, ucover, uwidth = ratio_metrics(res, sc.truth_user_ratio, users=True)
            rows.append((method, p >= scorer.threshold, p, f"{mae:6.3f} {cover:6.2f} {width:6.2f}",
                         f"{umae:6.3f} {ucover:6.2f} {uwidth:6.2f}"))
            if method == "fused":
                reliability.append((y, p))
        for method, pred, p, ratio_cols, user_cols in rows:
            f1 = f1_score(y, pred) if y.any() else float("nan")
            print(f"{name:11s} {method:10s} {f1:6.3f} {pred[y == 0].mean():8.3f} {ratio_cols} "
                  f"{brier_score_loss(y, p):6.3f} {user_cols}")
    y_all = np.concatenate([r[0] for r in reliability])
    p_all = np.concatenate([r[1] for r in reliability])
    frac, mean = calibration_curve(y_all, p_all, n_bins=10)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], ":", color="#999")
    ax.plot(mean, frac, "o-")
    ax.set_xlabel("mean fused bot score")
    ax.set_ylabel("observed bot share")
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.plot, dpi=90, bbox_inches="tight")
    print(f"fused Brier (all scenarios) {brier_score_loss(y_all, p_all):.4f}; "
          f"reliability plot {args.plot}")


if __name__ == "__main__":
    main()
