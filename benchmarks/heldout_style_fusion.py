"""Does the WHOLE fused scorer catch a bot campaign style it never saw?

The model card's (b) holds a style out of the text model only. Here the style is held
out of everything: give a text model trained without it (``python -m
botcomments_training.build_default ... --hold-out-style bot_paraphrase --out DIR``); this
script fits a combiner on tuning-seed rooms simulated WITHOUT that campaign type (room models on
calibration rooms without it too), writes it into a copy of the model folder, and
scores fresh mixed rooms that contain every style. It prints per-persona recall and the
usual comment/room metrics, so the held-out style's recall can be read beside the styles
the combiner saw.

Run:
    python benchmarks/heldout_style_fusion.py --model HELDOUT_MODEL_DIR --style paraphrase
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np
from common import ratio_metrics
from sklearn.metrics import f1_score

from botcomments.fusion.features import select_features
from botcomments.fusion.learned import LearnedFusion
from botcomments.model.classifier import BotCommentClassifier
from botcomments.records import Comment
from botcomments.scoring.pipeline import FeatureExtractor, Scorer
from botcomments.simulate.config import CAMPAIGN_TYPES
from botcomments_training.fitting.combiner_training import (
    SHIPPED_GBDT,
    SHIPPED_MAX_FPR,
    attach_room_models,
    collect_features,
    fit_with_rates,
)
from botcomments_training.scenarios import (
    SCENARIOS,
    calibration_comments,
    make_scenario,
    without_campaigns,
)


def rooms_without(style: str, seeds: tuple[int, ...], mixed_rooms: int) -> list[Comment]:
    """Mixed and genuine-only rooms of ``seeds`` with no ``style`` campaign."""
    mixed = without_campaigns(SCENARIOS["mixed"], [style])
    comments = make_scenario("mixed", seeds, mixed_rooms, mixed).comments
    return comments + make_scenario("genuine", seeds, max(2, mixed_rooms // 3)).comments


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True,
                        help="text model trained WITHOUT the style")
    parser.add_argument("--style", choices=CAMPAIGN_TYPES, default="paraphrase")
    parser.add_argument("--fit-seeds", type=int, nargs="+", default=[1000, 1001, 1100, 1101])
    parser.add_argument("--fit-rooms", type=int, default=15)
    parser.add_argument("--cal-rooms", type=int, default=8)
    parser.add_argument("--eval-seeds", type=int, nargs="+", default=[7600, 7601])
    parser.add_argument("--rooms", type=int, default=15, help="evaluation rooms per seed")
    args = parser.parse_args()
    model = BotCommentClassifier.from_pretrained(args.model)
    extractor = FeatureExtractor(text_model=model)
    data = collect_features(extractor, rooms_without(args.style, tuple(args.fit_seeds),
                                                     args.fit_rooms))
    fusion, report = fit_with_rates(data, kind="gbdt", max_fpr=SHIPPED_MAX_FPR,
                                    features=select_features(data.features.names),
                                    gbdt=SHIPPED_GBDT)
    cal = collect_features(extractor, calibration_comments(
        args.cal_rooms, mixed=without_campaigns(SCENARIOS["mixed"], [args.style])))
    attach_room_models(fusion, cal, np.array([r.rsplit("-", 1)[0] for r in cal.rooms]))
    print(f"combiner without '{args.style}': validation F1 {report['metrics']['f1']:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        shutil.copytree(args.model, folder)
        fusion.save(folder)
        scorer = Scorer(LearnedFusion.load(folder), text_model=model)
        sc = make_scenario("mixed", tuple(args.eval_seeds), args.rooms)
        res = scorer.score(sc.comments)
    pred = np.array([v.is_bot for v in res.verdicts])
    personas = np.array([c.extra.get("persona", "") for c in sc.comments])
    mae, cover, _ = ratio_metrics(res, sc.truth_ratio)
    print(f"fresh mixed rooms {tuple(args.eval_seeds)} x {args.rooms}: F1 "
          f"{f1_score(sc.labels, pred):.3f}, genuine flagged {pred[sc.labels == 0].mean():.3f}, "
          f"ratio MAE {mae:.3f}, coverage {cover:.2f}")
    for persona in sorted(set(personas.tolist())):
        mark = "  <- held out" if persona == f"bot_{args.style}" else ""
        rows = personas == persona
        print(f"  {persona:24s} n={rows.sum():6d} flagged {pred[rows].mean():.3f}{mark}")


if __name__ == "__main__":
    main()
