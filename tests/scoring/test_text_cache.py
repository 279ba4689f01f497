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
