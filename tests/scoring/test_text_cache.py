"""The scorer's bounded cache of text-model scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
