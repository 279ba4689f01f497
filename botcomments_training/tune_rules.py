"""Recalibrate the shipped rule combiner and rewrite botcomments/fusion/rules_default.json.

The rules themselves are hand-set; this fits everything around them on simulated rooms
(:mod:`botcomments_training.scenarios`), never on an evaluation seed:

- Platt calibration, the threshold flagging at most 2 % of genuine comments and the
  validation rates (``fitting.rules.calibrate_rules``) on mixed rooms of the TUNING seeds;
- the evidence-conditional room regression, its conformal residuals and the
  account-evidence stage (``fitting.quantifier.fit_room_models``) on the CALIBRATION
  rooms (:func:`~botcomments_training.scenarios.calibration_comments`, with viewers who
  come back over hours: :data:`~botcomments_training.scenarios.RETURNING_VIEWERS`); with
  real text (default) a third of them get real human chat from the training-side corpora, and
  ``--replay-rooms`` real-background rooms (replayed ``danmaku_live_2019`` live chat with
  injected bots, :mod:`botcomments_training.replayed_rooms`, the calibration cuts) are
  added, so the room models' error rates are also measured on real viewers' accounts.

Run (evaluate afterwards with ``python benchmarks/evaluate_detectors.py``):
    python -m botcomments_training.tune_rules --rooms 20 --replay-rooms 40   # the shipped file
    python -m botcomments_training.tune_rules --out /tmp/rules.json   # leave it alone
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from botcomments.fusion.rules import RuleFusion
from botcomments.scoring.consistency import detector_configs
from botcomments.scoring.pipeline import FeatureExtractor
from botcomments_training.fitting.combiner_training import collect_features
from botcomments_training.fitting.quantifier import fit_room_models
from botcomments_training.fitting.rules import calibrate_rules
from botcomments_training.human_text import DEFAULT_CORPORA, human_lines
from botcomments_training.replayed_rooms import replayed_rooms
from botcomments_training.scenarios import (
    CALIBRATION_SCENARIOS,
    CALIBRATION_SEEDS,
    REPLAY_SEED,
    RETURNING_VIEWERS,
    SINGLE_CAMPAIGN_SEED,
    TUNING_SEEDS,
    calibration_comments,
    make_scenario,
)


def shipped_rules_path() -> Path:
    """Where the shipped rule combiner lives (``botcomments/fusion/rules_default.json``)."""
    return Path(str(resources.files("botcomments.fusion").joinpath("rules_default.json")))


def tune(rooms_per_seed: int, corpora: Path | None = None, out: Path | None = None,
         replay_rooms: int = 0) -> Path:
    """Recalibrate the shipped rules on tuning seeds and write them.

    Args:
        rooms_per_seed: Rooms per tuning seed.
        corpora: Shared corpora folder: a third of the calibration rooms get real human chat
            (:func:`~botcomments_training.scenarios.calibration_comments`); None = simulated
            text only.
        out: File to write (default: the shipped ``rules_default.json``).
        replay_rooms: Real-background rooms (calibration cuts of the replayed
            ``danmaku_live_2019`` chat, seed ``REPLAY_SEED``) added to the room models'
            calibration rooms; needs ``corpora``. The rules' threshold and rates are not
            fitted on them.

    Returns:
        The file written.
    """
    extractor = FeatureExtractor()
    sc = make_scenario("mixed", TUNING_SEEDS, rooms_per_seed)
    data = collect_features(extractor, sc.comments)
    tuned = calibrate_rules(RuleFusion.default(), data.features, data.labels, data.users)
    real = human_lines(corpora, "calibration") if corpora else None
    cal_comments = calibration_comments(rooms_per_seed, real, overrides=RETURNING_VIEWERS)
    if replay_rooms and corpora:
        cal_comments += replayed_rooms(corpora, replay_rooms, REPLAY_SEED, part="calibrate")
    cal = collect_features(extractor, cal_comments)
    groups = np.array([r.rsplit("-", 1)[0] for r in cal.rooms])  # scenario-seed
    assert tuned.quantifier is not None  # calibrate_rules measures the validation rates
    rates = fit_room_models(
        tuned.quantifier, tuned.predict_proba(cal.features),
        cal.labels, cal.rooms, cal.users, groups, ts=cal.timestamps, account_stage=True,
    )
    tuned.quantifier = rates
    tuned.detector_configs = detector_configs(extractor.detectors)
    tuned.notes["status"] = (
        f"rules hand-set from tuning seeds {TUNING_SEEDS[0]}-{TUNING_SEEDS[-1]}; "
        "calibration/threshold/rates by python -m botcomments_training.tune_rules"
    )
    tuned.notes["tuned_on"] = {"seeds": list(TUNING_SEEDS), "rooms_per_seed": rooms_per_seed,
                               "scenario": "mixed"}
    tuned.notes["room_model_on"] = {
        "mixed_seeds": list(TUNING_SEEDS + CALIBRATION_SEEDS),
        "scenario_seeds": {name: SINGLE_CAMPAIGN_SEED + i
                           for i, name in enumerate(CALIBRATION_SCENARIOS)},
        "rooms": len(set(cal.rooms.tolist())),
        "real_human_text": "every third room: COLD train + SWSR comments" if real else None,
        "overrides": {k: list(v) for k, v in RETURNING_VIEWERS.items()},
        "replayed_real_rooms": replay_rooms if corpora else 0,
        "replay_seed": REPLAY_SEED,
    }
    path = out if out is not None else shipped_rules_path()
    tuned.save(path)
    assert rates.room_model is not None
    print(f"threshold {tuned.threshold:.3f}; tpr {rates.tpr:.3f} fpr {rates.fpr:.3f}; "
          f"room model on {rates.room_model.n_rooms} rooms, out-of-fold MAE "
          f"{rates.room_model.notes['oof_mae']:.3f}; wrote {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line.

    Args:
        argv: Arguments (default ``sys.argv[1:]``).

    Returns:
        Exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=15,
                        help="rooms per seed and scenario (default %(default)s; the shipped "
                             "file used 20)")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="shared corpora (real human chat in a third of the calibration "
                             "rooms; default %(default)s)")
    parser.add_argument("--no-real-text", action="store_true",
                        help="simulated text only in the calibration rooms (and no replayed "
                             "real-background rooms)")
    parser.add_argument("--replay-rooms", type=int, default=40,
                        help="real-background rooms (replayed danmaku_live_2019 chat with "
                             "injected bots) added to the room models' calibration rooms "
                             "(default %(default)s, the shipped file; 0 = none)")
    parser.add_argument("--out", type=Path, default=None,
                        help="file to write (default: the shipped "
                             "botcomments/fusion/rules_default.json)")
    args = parser.parse_args(argv)
    tune(args.rooms, None if args.no_real_text else args.corpora, args.out,
         args.replay_rooms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
