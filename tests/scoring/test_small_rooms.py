"""Many small rooms scored together (groups of slices) give what scoring each alone gives.

``TEXT_BATCH_COMMENTS = RULES_GROUP_COMMENTS = 1`` puts every slice in a group of its own
(the per-room path); the defaults gather consecutive small slices. Verdicts (scores,
flags, evidence) and rooms.json entries (ratios, intervals, timelines, top tables) must be
the same, bit for bit, rules only and with the shipped fused model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import botcomments.scoring.pipeline as pipeline
from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import ScoreResult
from tests.helpers.small_rooms import small_rooms

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mixed() -> list[Comment]:
    """Small rooms, each room's comments contiguous in the input."""
    return [c for room in small_rooms(11, n_rooms=150) for c in room]


def _fingerprint(result: ScoreResult) -> tuple[list[float], str, str]:
    return ([v.bot_score for v in result.verdicts],
            json.dumps([v.to_dict() for v in result.verdicts], ensure_ascii=False),
            json.dumps([r.to_dict() for r in result.rooms], ensure_ascii=False))


def _both_ways(scorer: Scorer, comments: list[Comment], monkeypatch: pytest.MonkeyPatch
               ) -> tuple[ScoreResult, ScoreResult]:
    together = scorer.score(comments)
    monkeypatch.setattr(pipeline, "TEXT_BATCH_COMMENTS", 1)
    monkeypatch.setattr(pipeline, "RULES_GROUP_COMMENTS", 1)
    alone = scorer.score(comments)
    return together, alone


@pytest.mark.parametrize("buffer", [200_000, 60], ids=["whole-rooms", "flushed-slices"])
def test_rules_small_rooms_together_equal_alone(
        mixed: list[Comment], buffer: int, monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = Scorer.rule_only(max_buffer=buffer, max_slice=40)
    together, alone = _both_ways(scorer, mixed, monkeypatch)
    assert _fingerprint(together) == _fingerprint(alone)
    flags = {f for v in together.verdicts for f in v.flags}
    assert flags >= {"spam_content", "machine_posted"}
    assert len(together.rooms) == 97


def test_fused_small_rooms_together_equal_alone(
        mixed: list[Comment], monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = Scorer.from_pretrained(ROOT / "models" / "default", precision="fp32")
    # every line's text score cached from one model call: both ways read the same scores
    # (a forward pass is batch-invariant only to ~1e-4, and the text model is not what
    # this test is about)
    scorer.extractor.prepare(mixed)
    together, alone = _both_ways(scorer, mixed, monkeypatch)
    assert _fingerprint(together) == _fingerprint(alone)
    assert any(v.is_bot for v in together.verdicts)


def test_group_features_equal_slice_features_when_times_are_far_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One table for many rooms years apart equals the rooms' own tables, bit for bit;
    the per-room cluster delays are what keeps it so."""
    import numpy as np

    import botcomments.scoring.group_features as group_features
    from botcomments.scoring.pipeline import FeatureExtractor
    from tests.helpers.small_rooms import years_apart

    rooms = years_apart(small_rooms(3, n_rooms=80))

    def together() -> np.ndarray:
        return FeatureExtractor().extract_group([(r[0].room_id, r, None) for r in rooms]
                                                ).features.values

    extractor = FeatureExtractor()
    alone = np.concatenate([extractor.extract(r[0].room_id, r).features.values
                            for r in rooms])
    np.testing.assert_array_equal(together(), alone)
    monkeypatch.setattr(group_features, "_redo_cluster_delays", lambda *args: None)
    assert not np.array_equal(together(), alone, equal_nan=True)


def test_stacked_arrays_equal_each_room_arrays() -> None:
    """Many accumulators stacked at once: each room's arrays as ``arrays()`` gives them
    (guests numbered -1, -2, ... per room, across its slices)."""
    import numpy as np

    from botcomments.scoring.rooms import RoomAccumulator, stacked_arrays

    rng = np.random.default_rng(4)
    accs = []
    for k in range(30):
        acc = RoomAccumulator(f"r{k}")
        for _ in range(int(rng.integers(0, 3))):
            n = int(rng.integers(1, 6))
            users = [None if rng.random() < 0.4 else f"u{rng.integers(0, 3)}" for _ in range(n)]
            acc.add(rng.random(n), rng.random(n) < 0.5, users, rng.random(n), [()] * n,
                    [{}] * n, ["a"] * n)
        accs.append(acc)
    *columns, starts = stacked_arrays(accs)
    for k, acc in enumerate(accs):
        a, b = starts[k], starts[k + 1]
        for mine, alone in zip(columns, acc.arrays(), strict=True):
            np.testing.assert_array_equal(mine[a:b], alone)
            assert mine.dtype == alone.dtype
