"""The normaliser version follows the model: a model (and its combiner) that recorded
version 1 keeps version 1 normal forms; the rules-only scorer uses the current version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from botcomments.model.settings import ModelSettings
from botcomments.records import Comment
from botcomments.scoring.pipeline import FeatureExtractor, Scorer
from botcomments.text.normalize import NORMALIZER_VERSION, normalize

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "default"
# Normal forms differ between versions 1 and 2 (pinyin cue, emoji padding, Cyrillic URL).
EVASIONS = ("jia v: abc123", "kou kou 12345678", "晚❤安❤，❤明❤天❤见", "һттр://т.сn/abc", "主播好美")


def _comments() -> list[Comment]:
    return [Comment(text=t, room_id="r", ts=float(i), user_id=f"u{i}")
            for i, t in enumerate(EVASIONS)]


def _forms(version: str) -> list[str]:
    return [normalize(t, version).text for t in EVASIONS]


def test_versions_differ_on_these_lines() -> None:
    assert NORMALIZER_VERSION == "2"
    assert sum(a != b for a, b in zip(_forms("1"), _forms("2"), strict=True)) == 4


def test_rules_only_scorer_uses_the_current_version() -> None:
    scorer = Scorer.rule_only()
    assert scorer.extractor.normalizer.version == NORMALIZER_VERSION
    assert [n.text for n in scorer.extractor.prepare(_comments())] == _forms(NORMALIZER_VERSION)
    pinned = Scorer.rule_only(normalizer_version="1")
    assert [n.text for n in pinned.extractor.prepare(_comments())] == _forms("1")


def test_extractor_takes_the_text_model_version() -> None:
    class OldModel:
        threshold = 0.5
        normalizer_version = "1"

        def bot_scores(self, texts: list[str]) -> list[float]:
            return [0.0] * len(texts)

    assert FeatureExtractor(text_model=OldModel()).normalizer.version == "1"  # type: ignore[arg-type]
    assert FeatureExtractor(text_model=OldModel(), normalizer_version="2").normalizer.version == "2"  # type: ignore[arg-type]


def test_shipped_model_records_the_current_version_and_scores_with_it() -> None:
    """The distilled default model was trained on normaliser 2 (its teacher on 1): the
    scorer, its features and the text model all use the version the folder records."""
    pytest.importorskip("torch", reason="the shipped model needs torch")
    settings = ModelSettings.load(SHIPPED)
    assert settings is not None and settings.normalizer_version == NORMALIZER_VERSION == "2"
    scorer = Scorer.from_pretrained(SHIPPED)
    assert scorer.extractor.normalizer.version == "2"
    assert scorer.text_model.normalizer_version == "2"  # type: ignore[union-attr]
    assert [n.text for n in scorer.extractor.prepare(_comments())] == _forms("2")
    assert scorer.text_model.normalize(list(EVASIONS)) == _forms("2")  # type: ignore[union-attr]
    assert _forms("1") != _forms("2")  # the evasions tell the versions apart
    verdicts = scorer.score(_comments()).verdicts
    assert len(verdicts) == len(EVASIONS)


def test_fine_tuned_v1_folder_loads_and_an_unknown_version_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the text model needs torch")
    from botcomments.model.classifier import BotCommentClassifier

    for version in ("1", "9"):
        folder = tmp_path / f"v{version}"
        shutil.copytree(SHIPPED, folder)
        settings = json.loads((folder / "botcomments.json").read_text(encoding="utf-8"))
        settings["normalizer_version"] = version
        (folder / "botcomments.json").write_text(json.dumps(settings), encoding="utf-8")
        if version == "1":
            model = BotCommentClassifier.from_pretrained(folder, device="cpu")
            assert model.normalize(list(EVASIONS)) == _forms("1")
        else:
            with pytest.raises(ValueError, match="normaliser version '9' is not implemented"):
                Scorer.from_pretrained(folder)
