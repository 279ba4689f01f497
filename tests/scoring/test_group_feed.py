"""The text model scores the next window of groups in a worker thread while the current
one is scored: same verdicts as one thread, model calls never concurrent, no thread left."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np
import pytest

import botcomments.scoring.pipeline as pipeline
from botcomments.fusion.rules import RuleFusion
from botcomments.records import Comment


class SlowModel:
    """Scores a text by its characters, slowly; records the threads it ran in and fails
    if two calls ever overlap."""

    threshold = 0.5

    def __init__(self) -> None:
        self.threads: set[str] = set()
        self._inside = False

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        assert not self._inside, "two model calls at once"
        self._inside = True
        self.threads.add(threading.current_thread().name)
        time.sleep(0.002)
        self._inside = False
        return np.array([(sum(map(ord, t)) % 97) / 96 for t in texts])


class InlineExecutor:
    """Runs each call at once in the caller's thread (the sequential reference)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _comments(n: int = 900) -> list[Comment]:
    return [Comment(f"主播{i % 170}号{'加V' * (i % 3 == 0)}", f"r{i % 40}", ts=1e9 + i,
                    user_id=f"u{i % 60}") for i in range(n)]


def _verdicts(monkeypatch: pytest.MonkeyPatch, inline: bool, model: SlowModel
              ) -> list[tuple[float, bool, tuple[str, ...]]]:
    monkeypatch.setattr(pipeline, "TEXT_BATCH_COMMENTS", 64)
    monkeypatch.setattr(pipeline, "TEXT_CALL_COMMENTS", 128)  # windows of two groups
    if inline:
        monkeypatch.setattr(pipeline, "ThreadPoolExecutor", InlineExecutor)
    scorer = pipeline.Scorer(RuleFusion.default(), text_model=model)
    return [(v.bot_score, v.is_bot, v.flags) for v in scorer.score(_comments()).verdicts]


def test_a_worker_thread_scores_ahead_and_the_verdicts_do_not_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ahead, inline = SlowModel(), SlowModel()
    got = _verdicts(monkeypatch, False, ahead)
    want = _verdicts(monkeypatch, True, inline)
    assert got == want
    assert any(name.startswith("botcomments-text") for name in ahead.threads)
    assert inline.threads == {threading.current_thread().name}


def test_model_calls_never_overlap_when_the_cache_evicts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiny cache drops lines scored ahead, so the scorer's own thread must call the
    model again while the worker may be scoring the next group: the calls take turns."""
    original = pipeline._TextCache.__init__

    def tiny(self: pipeline._TextCache, model: Any, capacity: int = 0,
             keys_are_model_forms: bool = False) -> None:
        original(self, model, 40, keys_are_model_forms)

    monkeypatch.setattr(pipeline._TextCache, "__init__", tiny)
    model = SlowModel()
    got = _verdicts(monkeypatch, False, model)
    assert len(got) == 900
    assert got == _verdicts(monkeypatch, True, SlowModel())  # the same as in one thread
    assert threading.current_thread().name in model.threads  # called again here
    assert any(name.startswith("botcomments-text") for name in model.threads)


def test_stopping_early_leaves_no_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "TEXT_BATCH_COMMENTS", 64)
    monkeypatch.setattr(pipeline, "TEXT_CALL_COMMENTS", 128)
    scorer = pipeline.Scorer(RuleFusion.default(), text_model=SlowModel())
    run = iter(scorer.stream(_comments()))
    first = [next(run) for _ in range(5)]
    assert len(first) == 5
    run.close()  # type: ignore[attr-defined]
    assert not [t for t in threading.enumerate() if t.name.startswith("botcomments-text")]


def test_without_a_model_no_thread_is_started() -> None:
    scorer = pipeline.Scorer(RuleFusion.default())
    before = threading.active_count()
    assert len(scorer.score(_comments(100)).verdicts) == 100
    assert threading.active_count() == before
