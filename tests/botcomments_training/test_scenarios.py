"""Scenario definitions and the rule-tuning command line of the training layer."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments_training import tune_rules
from botcomments_training.scenarios import (
    CALIBRATION_SCENARIOS,
    CALIBRATION_SEEDS,
    EVAL_SEEDS,
    SINGLE_CAMPAIGN_SEED,
    TUNING_SEEDS,
    make_scenario,
)


def test_make_scenario_is_deterministic() -> None:
    a = make_scenario("mixed", (1000,), 1)
    b = make_scenario("mixed", (1000,), 1)
    assert a.comments
    assert a.comments == b.comments  # dataclass equality: text, room, ts, user, label, extra
    assert np.array_equal(a.labels, b.labels)
    assert a.truth_ratio == b.truth_ratio
    assert all(c.room_id.startswith("mixed-1000-") for c in a.comments)
    assert set(a.truth_ratio) == {c.room_id for c in a.comments}


def test_evaluation_seeds_are_never_fitted_on() -> None:
    fitted = set(TUNING_SEEDS + CALIBRATION_SEEDS) | {
        SINGLE_CAMPAIGN_SEED + i for i in range(len(CALIBRATION_SCENARIOS))}
    assert not fitted & set(EVAL_SEEDS)


def test_tune_rules_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        tune_rules.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--rooms" in out and "--out" in out and "--corpora" in out


def test_calibration_overrides_reach_every_room_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The room models' calibration rooms (mixed and each single-scenario room) all get
    the widened settings; without overrides they keep the scenarios' own."""
    from types import SimpleNamespace

    from botcomments_training import scenarios

    seen: list[tuple[float, float]] = []

    def fake(name: str, seeds: tuple[int, ...], rooms: int, config: object = None
             ) -> SimpleNamespace:
        cfg = config if config is not None else scenarios.SCENARIOS[name]
        seen.append(cfg.viewer_stay_s)  # type: ignore[attr-defined]
        return SimpleNamespace(comments=[])

    monkeypatch.setattr(scenarios, "make_scenario", fake)
    scenarios.calibration_comments(1, overrides=scenarios.RETURNING_VIEWERS)
    assert len(seen) == 1 + len(CALIBRATION_SCENARIOS)
    assert set(seen) == {scenarios.RETURNING_VIEWERS["viewer_stay_s"]}
    seen.clear()
    scenarios.calibration_comments(1)
    assert set(seen) == {(600.0, 600.0)}


def test_combiner_comments_are_mixed_then_genuine_rooms_with_overrides(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from botcomments_training import scenarios

    calls: list[tuple[str, int, tuple[float, float]]] = []

    def fake(name: str, seeds: tuple[int, ...], rooms: int, config: object = None
             ) -> SimpleNamespace:
        calls.append((name, rooms, config.viewer_stay_s))  # type: ignore[attr-defined]
        return SimpleNamespace(comments=[name])

    monkeypatch.setattr(scenarios, "make_scenario", fake)
    out = scenarios.combiner_comments((1000,), 9, scenarios.RETURNING_VIEWERS)
    assert out == ["mixed", "genuine"]
    stay = scenarios.RETURNING_VIEWERS["viewer_stay_s"]
    assert calls == [("mixed", 9, stay), ("genuine", 3, stay)]
    calls.clear()
    scenarios.combiner_comments((1000,), 4)
    assert calls == [("mixed", 4, (600.0, 600.0)), ("genuine", 2, (600.0, 600.0))]
