"""The simulated rooms every fitted file and every evaluation is made from.

Seeds, room sizes and scenario settings are fixed here once, so the shipped rules
(``python -m botcomments_training.tune_rules``), a learned combiner's room models and the
benchmarks all draw from the same, disjoint seed sets:

- :data:`TUNING_SEEDS`: mixed rooms the rule calibration, threshold and validation rates
  are fitted on (and the combiner in ``benchmarks/evaluate_scorer.py --train-fusion``);
- :data:`CALIBRATION_SEEDS` and :data:`SINGLE_CAMPAIGN_SEED` (+ index into
  :data:`CALIBRATION_SCENARIOS`): the room regressions and their conformal residuals
  (:func:`calibration_comments`);
- :data:`EVAL_SEEDS`: evaluation only, never fitted on.

It lives in the training layer, not with the benchmarks, because it defines the data
the fitted files are made from; the benchmarks import it to evaluate on rooms of the same
family (and to keep their seeds apart from these).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from botcomments.records import Comment
from botcomments.simulate import SimulationConfig, simulate
from botcomments.simulate.config import CAMPAIGN_TYPES, DEFAULT_CAMPAIGN_WEIGHTS
from botcomments_training.human_text import with_real_text

TUNING_SEEDS: tuple[int, ...] = (1000, 1001)
CALIBRATION_SEEDS: tuple[int, ...] = (2000, 2001, 2002, 2003, 2004, 2005)
SINGLE_CAMPAIGN_SEED = 3000  # + index of the campaign type
REAL_TEXT_SEED = 99
"""Shuffle seed of the real human lines put into calibration rooms."""
EVAL_SEEDS: tuple[int, ...] = (5000, 5001)
FIT_SEEDS: tuple[int, ...] = (*TUNING_SEEDS, 1100, 1101, 1102, 1103)
"""Seeds of the shipped combiner's simulated rooms (never evaluation seeds)."""
REPLAY_SEED = 1200
"""Seed of the shipped combiner's replayed real-background rooms (replay, cuts, bots)."""
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
    for kind in CAMPAIGN_TYPES if DEFAULT_CAMPAIGN_WEIGHTS[kind] > 0
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


RETURNING_VIEWERS: dict[str, tuple[float, float]] = {"viewer_stay_s": (600.0, 7200.0)}
"""Simulator settings widened in the rooms fitted parts learn from (the rules-only room
models' calibration rooms; the combiner with ``evaluate_scorer.py --returning-viewers``):
domain randomisation of what the simulator cannot know. Real viewers come back over hours
(``danmaku_room_2020`` summary statistics: viewers with 2-10 comments in a session post
a median 9 min apart, a quarter of them more than 25 min), where the simulator's non-fan
viewers watch about 10 minutes; fitted on that alone, the account stage read returning
real viewers as scheduled bots (whole bot-free sessions estimated 0.66-0.95 genuine).
Wider still (watch times up to 4 h with rooms of up to 20,000 comments over up to 8 h)
made every estimate vaguer (simulated mixed rooms MAE 0.096, intervals 0.45-0.81 wide;
docs/authenticity.md)."""


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


def combiner_comments(seeds: Sequence[int], rooms_per_seed: int,
                      overrides: Mapping[str, Any] | None = None) -> list[Comment]:
    """Simulated rooms a combiner is fitted on: mixed rooms plus a third as many
    genuine-only rooms per seed.

    Args:
        seeds: Simulator seeds (never evaluation seeds).
        rooms_per_seed: Mixed rooms per seed (genuine-only rooms: ``max(2, n // 3)``).
        overrides: ``SimulationConfig`` fields set in both scenarios' settings (e.g.
            :data:`RETURNING_VIEWERS`), or None.

    Returns:
        Labelled comments, room by room.
    """
    mixed, genuine = SCENARIOS["mixed"], SCENARIOS["genuine"]
    if overrides:
        mixed, genuine = replace(mixed, **overrides), replace(genuine, **overrides)
    comments = make_scenario("mixed", seeds, rooms_per_seed, mixed).comments
    return comments + make_scenario("genuine", seeds, max(2, rooms_per_seed // 3),
                                    genuine).comments


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
                         mixed: SimulationConfig | None = None,
                         overrides: Mapping[str, Any] | None = None) -> list[Comment]:
    """Comments of the calibration rooms for the room regression (no evaluation seed).

    Mixed rooms from the tuning and calibration seeds plus single-campaign, genuine-only
    and few-bot rooms (one seed each), so the regression and its conformal residuals see
    varied campaign mixes and bot shares of 0-95 %. With ``real_lines``, every third room
    has its ordinary genuine chat replaced by real human comments
    (:func:`botcomments_training.human_text.with_real_text`), so "unique text without
    evidence" is not learned as a bot sign.

    Args:
        rooms_per_seed: Rooms per seed (single-campaign scenarios get ``max(4, n//2)``).
        real_lines: Real human comments (training-side corpora), or None.
        mixed: Settings of the mixed rooms (default ``SCENARIOS["mixed"]``); a campaign
            type weighted 0 there is also left out of the single-campaign rooms.
        overrides: ``SimulationConfig`` fields set in every room's settings (e.g.
            :data:`RETURNING_VIEWERS`: domain randomisation of what the simulator cannot
            know), or None to keep the scenarios' own.

    Returns:
        Labelled comments (room ids ``<scenario>-<seed>-<room>``).
    """
    mixed = mixed or SCENARIOS["mixed"]
    if overrides:
        mixed = replace(mixed, **overrides)
    comments = make_scenario("mixed", TUNING_SEEDS + CALIBRATION_SEEDS, rooms_per_seed,
                             mixed).comments
    excluded = {k for k, w in (mixed.campaign_weights or {}).items() if w == 0}
    for i, (name, cfg) in enumerate(CALIBRATION_SCENARIOS.items()):
        if name.removeprefix("single_") in excluded:
            continue
        cfg = without_campaigns(cfg, excluded)
        if overrides:
            cfg = replace(cfg, **overrides)
        seeds = (SINGLE_CAMPAIGN_SEED + i,)
        comments += make_scenario(name, seeds, max(4, rooms_per_seed // 2), cfg).comments
    if real_lines:
        room_ids = list(dict.fromkeys(c.room_id for c in comments))
        with_real_text(comments, real_lines, seed=REAL_TEXT_SEED, rooms=set(room_ids[1::3]))
    return comments
