"""A scorer refuses detectors configured unlike those its combiner was fitted with, and
says when its threshold is not the one the room quantifier's rates were measured at."""

from __future__ import annotations

import logging

import pytest

from botcomments.detectors.duplicates import DupConfig, NearDuplicateDetector
from botcomments.fusion.rules import RuleFusion
from botcomments.scoring.consistency import detector_configs
from botcomments.scoring.pipeline import Scorer, default_detectors


def test_shipped_rules_record_the_default_detector_settings() -> None:
    assert RuleFusion.default().detector_configs == detector_configs(default_detectors())


def test_scorer_refuses_a_detector_configured_otherwise() -> None:
    others = [d for d in default_detectors() if d.name != "dup"]
    changed = [NearDuplicateDetector(DupConfig(threshold=0.8)), *others]
    with pytest.raises(ValueError, match=r"dup\.threshold: fitted 0\.6, running 0\.8"):
        Scorer.rule_only(detectors=changed)


def test_capacity_settings_may_differ() -> None:
    others = [d for d in default_detectors() if d.name != "dup"]
    bigger = [NearDuplicateDetector(DupConfig(max_texts=10)), *others]
    assert Scorer.rule_only(detectors=bigger).mode == "rules"


def test_unknown_fitted_settings_are_not_checked() -> None:
    rules = RuleFusion.default()
    rules.detector_configs = {}
    changed = [NearDuplicateDetector(DupConfig(threshold=0.8))]
    assert Scorer.rule_only(rules, detectors=changed).mode == "rules"


def test_threshold_override_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    rules = RuleFusion.default()
    assert rules.quantifier is not None
    with caplog.at_level(logging.WARNING, logger="botcomments.scoring.consistency"):
        Scorer.rule_only(threshold=0.9)
    assert f"{rules.quantifier.threshold:.4f}" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="botcomments.scoring.consistency"):
        Scorer.rule_only()
    assert caplog.text == ""
