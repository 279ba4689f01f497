"""The scorer's bounded cache of text-model scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from botcomments.scoring.pipeline import _TextCache


class CountingModel:
    """Scores a text by its length and counts how many texts it was asked to score."""

    threshold = 0.5

    def __init__(self) -> None:
        self.n_scored = 0

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        self.n_scored += len(texts)
        return np.array([len(t) / 10 for t in texts])


def test_eviction_keeps_the_current_batch_scores() -> None:
    model = CountingModel()
    cache = _TextCache(model, capacity=3)
    cache(["a", "bb"])
    # "a" is cached; the 2 new texts overflow the capacity and clear the cache
    out = cache(["a", "ccc", "dddd"])
    np.testing.assert_allclose(out, [0.1, 0.3, 0.4])


def test_batch_larger_than_capacity_is_scored_whole() -> None:
    cache = _TextCache(CountingModel(), capacity=2)
    texts = ["a", "bb", "ccc", "a"]
    np.testing.assert_allclose(cache(texts), [0.1, 0.2, 0.3, 0.1])


def test_repeats_are_scored_once() -> None:
    model = CountingModel()
    cache = _TextCache(model, capacity=10)
    cache(["a", "a", "bb"])
    cache(["bb", "a"])
    assert model.n_scored == 2


def test_lines_with_one_normal_form_share_one_model_call() -> None:
    """Keyed on the normal form: full-width / zero-width variants are scored once."""
    from botcomments.text.normalize import normalize

    model = CountingModel()
    cache = _TextCache(model)
    texts = ["加V看主页", "加Ｖ看主页", "加\u200bV看主页", "晚安"]
    out = cache(texts, [normalize(t).text for t in texts])
    assert model.n_scored == 2
    assert out[0] == out[1] == out[2]


class CallCountingModel(CountingModel):
    """Also counts model calls (forward passes)."""

    def __init__(self) -> None:
        super().__init__()
        self.n_calls = 0

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        self.n_calls += 1
        return super().bot_scores(texts)


def test_small_rooms_share_one_model_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 one-comment rooms: one text-model call per group of rooms or per window of
    groups, same verdicts."""
    import botcomments.scoring.pipeline as pipeline
    from botcomments.fusion.rules import RuleFusion
    from botcomments.records import Comment
    from botcomments.text.normalize import normalize

    comments = [Comment(f"主播好美{i % 200}{'加V' * (i % 2)}", f"r{i}", ts=1e9 + i,
                        user_id=f"u{i % 50}") for i in range(300)]

    def run(group_size: int, window: int | None = None
            ) -> tuple[list[tuple[float, bool, tuple[str, ...]]], int]:
        monkeypatch.setattr(pipeline, "TEXT_BATCH_COMMENTS", group_size)
        monkeypatch.setattr(pipeline, "TEXT_CALL_COMMENTS", window or group_size)
        model = CallCountingModel()
        scorer = pipeline.Scorer(RuleFusion.default(), text_model=model)
        result = scorer.score(comments)
        return [(v.bot_score, v.is_bot, v.flags)
                for v in result.verdicts], model.n_calls

    grouped, calls_grouped = run(128)
    alone, calls_alone = run(1)
    windowed, calls_windowed = run(1, window=100)  # one-room groups read 100 at a time
    assert calls_grouped == 2  # groups of 128 rooms; the third group's 44 lines are cached
    # alone: one call per room whose line (normal form) was not seen before
    assert calls_alone == len({normalize(c.text).text for c in comments}) > 150
    assert calls_windowed == 2  # windows of 100 rooms; the third window's lines are cached
    assert grouped == alone == windowed


class FormScoringModel(CountingModel):
    """Also scores normal forms directly, and records what it was given."""

    normalizer_version = "1"

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[str] = []

    def bot_scores_of_normal_forms(self, forms: Sequence[str]) -> np.ndarray:
        self.forms.extend(forms)
        return np.array([len(t) / 10 for t in forms])


def test_the_model_scores_the_keys_when_they_are_its_own_normal_forms() -> None:
    from botcomments.scoring.pipeline import FeatureExtractor

    model = FormScoringModel()
    extractor = FeatureExtractor(text_model=model)
    texts = ["加Ｖ看主页", "ＱＱ１２３４５６７"]
    assert extractor._text is not None
    extractor._text(texts, ["加v看主页", "<QQ>"])
    assert model.forms == ["加v看主页", "<QQ>"] and model.n_scored == 0


def test_the_model_normalises_itself_when_the_versions_differ() -> None:
    from botcomments.scoring.pipeline import FeatureExtractor

    model = FormScoringModel()
    extractor = FeatureExtractor(text_model=model, normalizer_version="2")
    assert extractor._text is not None
    extractor._text(["加Ｖ看主页"], ["加v看主页"])
    assert model.forms == [] and model.n_scored == 1
