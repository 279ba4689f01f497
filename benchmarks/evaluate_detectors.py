"""Side-by-side evaluation: community baseline vs ``botcomments score --no-model``.

Simulated rooms from EVALUATION seeds only (never used for tuning) in four scenarios:
- mixed: rooms with mixed campaigns, 0-95 % bots (comment-level F1, ratio MAE, CI coverage);
- copy_flood: plain copy-paste flood campaigns only (comment-level F1);
- genuine: genuine viewers only, organic floods included (share of comments flagged).

``--tune`` instead recalibrates the shipped rules (Platt calibration, threshold for at most
2 % genuine flagged, validation rates) on the TUNING seeds, fits the evidence-conditional
room regression and its conformal residuals (``quantify.fit_room_models``) on CALIBRATION
rooms (tuning-seed mixed rooms, more mixed rooms and single-campaign rooms from their own
seeds, never the evaluation seeds) and rewrites botcomments/fusion/rules_default.json.

The room models use the account-evidence stage (``quantify.accounts``): boosted trees
over each comment's account activity, span, score extremes and minute context, fitted
and cross-fitted on the calibration rooms.

Run:
    python benchmarks/evaluate_detectors.py            # evaluate (about 1-2 minutes)
    python benchmarks/evaluate_detectors.py --tune     # recalibrate on tuning seeds
    python benchmarks/evaluate_detectors.py --eval-seeds 7200 7201   # fresh seeds, once
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np
from human_text import DEFAULT_CORPORA, human_lines, with_real_text
from sklearn.metrics import f1_score

from botcomments.baselines import FUZZY_BASELINE, community_baseline
from botcomments.fusion.rules import RuleFusion
from botcomments.records import Comment
from botcomments.scoring.consistency import detector_configs
from botcomments.scoring.pipeline import FeatureExtractor, Scorer
from botcomments.scoring.types import ScoreResult
from botcomments.simulate import SimulationConfig, simulate
from botcomments.simulate.config import CAMPAIGN_TYPES, DEFAULT_CAMPAIGN_WEIGHTS
from botcomments_training.fitting.combiner_training import collect_features
from botcomments_training.fitting.quantifier import fit_room_models
from botcomments_training.fitting.rules import calibrate_rules

TUNING_SEEDS: tuple[int, ...] = (1000, 1001)
CALIBRATION_SEEDS: tuple[int, ...] = (2000, 2001, 2002, 2003, 2004, 2005)
SINGLE_CAMPAIGN_SEED = 3000  # + index of the campaign type
REAL_TEXT_SEED = 99
"""Shuffle seed of the real human lines put into calibration rooms."""
EVAL_SEEDS: tuple[int, ...] = (5000, 5001)
ROOM_SIZE = (300, 2000)

SCENARIOS: dict[str, SimulationConfig] = {
    "mixed": SimulationConfig(bot_share=(0.0, 0.95), room_size=ROOM_SIZE),
    "copy_flood": SimulationConfig(bot_share=(0.2, 0.8), room_size=ROOM_SIZE,
                                   campaign_weights={"copy_flood": 1.0}),
    "genuine": SimulationConfig(bot_share=(0.0, 0.0), room_size=ROOM_SIZE),
}
CALIBRATION_SCENARIOS: dict[str, SimulationConfig] = {
    f"single_{kind}": SimulationConfig(bot_share=(0.0, 0.95), room_size=ROOM_SIZE,
                                       campaign_weights={kind: 1.0})
    for kind in CAMPAIGN_TYPES
} | {"genuine_only": SimulationConfig(bot_share=(0.0, 0.0), room_size=ROOM_SIZE),
     "few_bots": SimulationConfig(bot_share=(0.0, 0.15), room_size=ROOM_SIZE)}


@dataclass
class Scenario:
    """Simulated comments with their truth."""

    name: str
    comments: list[Comment]
    labels: np.ndarray
    truth_ratio: dict[str, float]
    truth_user_ratio: dict[str, float]


def make_scenario(name: str, seeds: Sequence[int], rooms_per_seed: int,
                  config: SimulationConfig | None = None) -> Scenario:
    """Simulate one scenario over several seeds (room ids made unique per seed).

    Args:
        name: Key of ``SCENARIOS``.
        seeds: Simulation seeds.
        rooms_per_seed: Rooms per seed.
        config: Simulation settings (default ``SCENARIOS[name]``).

    Returns:
        The scenario.
    """
    comments: list[Comment] = []
    truth: dict[str, float] = {}
    truth_users: dict[str, float] = {}
    for seed in seeds:
        sim = simulate(rooms_per_seed, seed=seed, config=config or SCENARIOS[name])
        for c in sim.comments:
            c.room_id = f"{name}-{seed}-{c.room_id}"
            comments.append(c)
        for r in sim.rooms:
            truth[f"{name}-{seed}-{r.room_id}"] = r.authenticity_ratio
            truth_users[f"{name}-{seed}-{r.room_id}"] = r.genuine_user_ratio
    labels = np.array([c.label for c in comments], dtype=int)
    return Scenario(name, comments, labels, truth, truth_users)


def ratio_metrics(result: ScoreResult, truth: dict[str, float], users: bool = False
                  ) -> tuple[float, float, float]:
    """Authenticity ratio MAE, CI coverage and mean CI width over rooms.

    Args:
        result: Scorer output.
        truth: Room id -> true share of genuine comments (of genuine commenters with
            ``users``).
        users: Score ``genuine_user_ratio``/``genuine_user_ci`` instead of the comment ratio.

    Returns:
        (MAE, coverage, mean width).
    """
    err, cover, width = [], [], []
    for room in result.rooms:
        t = truth[room.room_id]
        estimate, (lo, hi) = ((room.genuine_user_ratio, room.genuine_user_ci) if users
                              else (room.authenticity_ratio, room.authenticity_ci))
        err.append(abs(estimate - t))
        cover.append(lo - 1e-9 <= t <= hi + 1e-9)
        width.append(hi - lo)
    return float(np.mean(err)), float(np.mean(cover)), float(np.mean(width))


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


def without_campaigns(config: SimulationConfig, styles: Iterable[str]) -> SimulationConfig:
    """The same simulation settings with some campaign types weighted 0.

    Args:
        config: Settings.
        styles: Campaign types (``botcomments.simulate.config.CAMPAIGN_TYPES``) to drop.

    Returns:
        New settings (``config`` itself when ``styles`` is empty).
    """
    drop = set(styles)
    if not drop:
        return config
    weights = dict(config.campaign_weights or DEFAULT_CAMPAIGN_WEIGHTS)
    return replace(config, campaign_weights={k: 0.0 if k in drop else w
                                             for k, w in weights.items()})


def calibration_comments(rooms_per_seed: int, real_lines: Sequence[str] | None = None,
                         mixed: SimulationConfig | None = None) -> list[Comment]:
    """Comments of the calibration rooms for the room regression (no evaluation seed).

    Mixed rooms from the tuning and calibration seeds plus single-campaign, genuine-only
    and few-bot rooms (one seed each), so the regression and its conformal residuals see
    varied campaign mixes and bot shares of 0-95 %. With ``real_lines``, every third room
    has its ordinary genuine chat replaced by real human comments
    (:func:`human_text.with_real_text`), so "unique text without evidence" is not learned
    as a bot sign.

    Args:
        rooms_per_seed: Rooms per seed (single-campaign scenarios get ``max(4, n//2)``).
        real_lines: Real human comments (training-side corpora), or None.
        mixed: Settings of the mixed rooms (default ``SCENARIOS["mixed"]``); a campaign
            type weighted 0 there is also left out of the single-campaign rooms.

    Returns:
        Labelled comments (room ids ``<scenario>-<seed>-<room>``).
    """
    mixed = mixed or SCENARIOS["mixed"]
    comments = make_scenario("mixed", TUNING_SEEDS + CALIBRATION_SEEDS, rooms_per_seed,
                             mixed).comments
    excluded = {k for k, w in (mixed.campaign_weights or {}).items() if w == 0}
    for i, (name, cfg) in enumerate(CALIBRATION_SCENARIOS.items()):
        if name.removeprefix("single_") in excluded:
            continue
        cfg = without_campaigns(cfg, excluded)
        seeds = (SINGLE_CAMPAIGN_SEED + i,)
        comments += make_scenario(name, seeds, max(4, rooms_per_seed // 2), cfg).comments
    if real_lines:
        room_ids = list(dict.fromkeys(c.room_id for c in comments))
        with_real_text(comments, real_lines, seed=REAL_TEXT_SEED, rooms=set(room_ids[1::3]))
    return comments


def tune(rooms_per_seed: int, corpora: Path | None = None) -> None:
    """Recalibrate the shipped rules on tuning seeds and rewrite rules_default.json.

    Args:
        rooms_per_seed: Rooms per tuning seed.
        corpora: Shared corpora folder: a third of the calibration rooms get real human chat
            (:func:`calibration_comments`); None = simulated text only.
    """
    extractor = FeatureExtractor()
    sc = make_scenario("mixed", TUNING_SEEDS, rooms_per_seed)
    data = collect_features(extractor, sc.comments)
    tuned = calibrate_rules(RuleFusion.default(), data.features, data.labels, data.users)
    real = human_lines(corpora, "calibration") if corpora else None
    cal_comments = calibration_comments(rooms_per_seed, real)
    cal = collect_features(extractor, cal_comments)
    groups = np.array([r.rsplit("-", 1)[0] for r in cal.rooms])  # scenario-seed
    assert tuned.quantifier is not None  # calibrate_rules measures the validation rates
    rates = fit_room_models(
        tuned.quantifier, tuned.predict_proba(cal.features),
        cal.labels, cal.rooms, cal.users, groups, ts=cal.timestamps, account_stage=True,
    )
    tuned.quantifier = rates
    tuned.detector_configs = detector_configs(extractor.detectors)
    tuned.notes["tuned_on"] = {"seeds": list(TUNING_SEEDS), "rooms_per_seed": rooms_per_seed,
                               "scenario": "mixed"}
    tuned.notes["room_model_on"] = {
        "mixed_seeds": list(TUNING_SEEDS + CALIBRATION_SEEDS),
        "scenario_seeds": {name: SINGLE_CAMPAIGN_SEED + i
                           for i, name in enumerate(CALIBRATION_SCENARIOS)},
        "rooms": len(set(cal.rooms.tolist())),
        "real_human_text": "every third room: COLD train + SWSR comments" if real else None,
    }
    path = Path(str(resources.files("botcomments.fusion").joinpath("rules_default.json")))
    tuned.save(path)
    assert rates.room_model is not None
    print(f"threshold {tuned.threshold:.3f}; tpr {rates.tpr:.3f} fpr {rates.fpr:.3f}; "
          f"room model on {rates.room_model.n_rooms} rooms, out-of-fold MAE "
          f"{rates.room_model.notes['oof_mae']:.3f}; wrote {path}")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=15, help="rooms per seed and scenario")
    parser.add_argument("--tune", action="store_true", help="recalibrate on tuning seeds")
    parser.add_argument("--fuzzy", action="store_true", help="also run the fuzzy baseline")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="shared corpora (real human chat in a third of the calibration rooms)")
    parser.add_argument("--no-real-text", action="store_true",
                        help="--tune on simulated text only")
    parser.add_argument("--eval-seeds", type=int, nargs="+", default=list(EVAL_SEEDS),
                        help="evaluation simulation seeds (default %(default)s)")
    args = parser.parse_args()
    if args.tune:
        tune(args.rooms, None if args.no_real_text else args.corpora)
        return
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
