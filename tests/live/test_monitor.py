"""RoomMonitor: live verdicts end equal to batch scoring; revisions are never silent;
snapshots change nothing; memory and rooms stay bounded."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from botcomments.live import MonitorSettings, RoomMonitor, VerdictEvent
from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import RoomReport, Verdict
from botcomments.simulate import SimulationConfig, simulate


@pytest.fixture(scope="module")
def room() -> list[Comment]:
    """One simulated room of ~500 comments with bots, each with a msg_id."""
    config = SimulationConfig(room_size=(450, 550), bot_share=(0.4, 0.4))
    comments = [c for c in simulate(1, seed=7, config=config).comments]
    return [replace(c, msg_id=f"m{i}") for i, c in enumerate(comments)]


def batches(comments: Sequence[Comment], seed: int, largest: int = 60) -> list[list[Comment]]:
    """The comments in arrival order, cut into random batch sizes (1..largest)."""
    rnd = random.Random(seed)
    out, i = [], 0
    while i < len(comments):
        size = rnd.randint(1, largest)
        out.append(list(comments[i:i + size]))
        i += size
    return out


def jittered(comments: Sequence[Comment], seed: int) -> list[Comment]:
    """Arrival order with neighbours swapped (comments arrive slightly out of time order)."""
    out = list(comments)
    rnd = random.Random(seed)
    for i in range(0, len(out) - 1, 2):
        if rnd.random() < 0.3:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def run_live(monitor: RoomMonitor, chunks: Sequence[Sequence[Comment]],
             last: dict[str, VerdictEvent] | None = None) -> list[VerdictEvent]:
    """Feed the chunks, checking after each feed that no decision changed silently.

    ``last`` (latest event per comment) carries over from an earlier run.
    """
    events: list[VerdictEvent] = []
    last = {} if last is None else last
    for chunk in chunks:
        out = monitor.feed(chunk)
        assert {c.msg_id for c in chunk} <= {e.comment_id for e in out.events}
        events.extend(out.events)
        last.update({e.comment_id: e for e in out.events})
        for room_id in monitor.rooms:
            for comment_id, verdict in monitor.verdicts(room_id):
                shown = last[comment_id].verdict
                assert (shown.is_bot, shown.flags) == (verdict.is_bot, verdict.flags)
    return events


def assert_same(final: dict[str, Verdict], batch: dict[str, Verdict], live: RoomReport,
                whole: RoomReport, tol: float = 0.0) -> None:
    assert final.keys() == batch.keys()
    for key, verdict in batch.items():
        got = final[key]
        assert (got.is_bot, got.flags) == (verdict.is_bot, verdict.flags), key
        assert got.bot_score == pytest.approx(verdict.bot_score, abs=tol)
    assert live.n_flagged == whole.n_flagged and live.n_comments == whole.n_comments
    assert live.authenticity_ratio == pytest.approx(whole.authenticity_ratio, abs=tol)
    assert live.authenticity_ci == pytest.approx(whole.authenticity_ci, abs=tol)
    assert live.flag_counts == whole.flag_counts
    assert live.top_clusters == whole.top_clusters


def close(monitor: RoomMonitor, room_id: str, events: list[VerdictEvent]
          ) -> tuple[dict[str, Verdict], RoomReport]:
    out, report = monitor.close_room(room_id)
    events.extend(out.events)
    final = {e.comment_id: e.verdict for e in out.events}
    assert all(e.final for e in out.events)
    return final, report


def batch_result(scorer: Scorer, comments: Sequence[Comment]
                 ) -> tuple[dict[str, Verdict], RoomReport]:
    result = scorer.score(comments)
    return ({str(c.msg_id): v for c, v in zip(comments, result.verdicts, strict=True)},
            result.rooms[0])


@pytest.mark.parametrize("seed", [0, 1])
def test_comment_by_comment_and_random_batches_end_equal_to_batch(
        room: list[Comment], seed: int) -> None:
    scorer = Scorer.rule_only()
    arrival = jittered(room, seed)
    chunks = [[c] for c in arrival[:150]] + batches(arrival[150:], seed)
    monitor = RoomMonitor(scorer)
    events = run_live(monitor, chunks)
    final, report = close(monitor, room[0].room_id, events)
    verdicts, whole = batch_result(scorer, arrival)
    assert_same(final, verdicts, report, whole)
    assert any(e.revision > 0 for e in events), "the whole-room rescoring revised nothing"
    first_seen = {}
    for e in events:
        first_seen.setdefault(e.comment_id, e)
    assert all(e.revision == 0 and not e.final for e in first_seen.values())


def test_snapshot_and_restore_mid_room_change_nothing(room: list[Comment],
                                                      tmp_path: Path) -> None:
    scorer = Scorer.rule_only()
    chunks = batches(room, seed=3)
    half = len(chunks) // 2
    straight = RoomMonitor(scorer)
    events = run_live(straight, chunks)
    expected = close(straight, room[0].room_id, events)

    first = RoomMonitor(scorer)
    shown: dict[str, VerdictEvent] = {}
    run_live(first, chunks[:half], shown)
    path = first.snapshot(tmp_path / "monitor.json.gz")
    resumed = RoomMonitor.restore(path, scorer)
    assert resumed.report(room[0].room_id) == first.report(room[0].room_id)
    later = run_live(resumed, chunks[half:], shown)
    got = close(resumed, room[0].room_id, later)
    assert got[0] == expected[0]
    assert got[1] == expected[1]


def test_restore_refuses_other_files_and_other_thresholds(tmp_path: Path,
                                                           room: list[Comment]) -> None:
    monitor = RoomMonitor(Scorer.rule_only())
    monitor.feed(room[:30])
    path = monitor.snapshot(tmp_path / "s.json.gz")
    with pytest.raises(ValueError, match="threshold"):
        RoomMonitor.restore(path, Scorer.rule_only(threshold=0.9))
    import gzip
    other = tmp_path / "other.json.gz"
    with gzip.open(other, "wt") as fh:
        fh.write('{"rooms": []}')
    with pytest.raises(ValueError, match="not a botcomments-monitor"):
        RoomMonitor.restore(other, Scorer.rule_only())


def test_restore_refuses_another_normaliser_version(tmp_path: Path,
                                                    room: list[Comment]) -> None:
    import gzip
    import json

    monitor = RoomMonitor(Scorer.rule_only(normalizer_version="2"))
    monitor.feed(room[:30])
    path = monitor.snapshot(tmp_path / "s.json.gz")
    with pytest.raises(ValueError, match="normaliser version 2"):
        RoomMonitor.restore(path, Scorer.rule_only(normalizer_version="1"))
    assert RoomMonitor.restore(path, Scorer.rule_only(normalizer_version="2"))
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    del doc["normalizer_version"]  # a snapshot from before versions were recorded: v1
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(doc, fh)
    assert RoomMonitor.restore(path, Scorer.rule_only(normalizer_version="1"))
    with pytest.raises(ValueError, match="normalizer_version='1'"):
        RoomMonitor.restore(path, Scorer.rule_only(normalizer_version="2"))


def test_rooms_beyond_max_rooms_and_idle_rooms_are_closed(room: list[Comment]) -> None:
    now = [0.0]
    monitor = RoomMonitor(Scorer.rule_only(), MonitorSettings(max_rooms=2, idle_seconds=60),
                          clock=lambda: now[0])
    for i, name in enumerate(["a", "b", "c"]):
        now[0] = float(i)
        out = monitor.feed([replace(c, room_id=name) for c in room[:40]])
        assert [r.room_id for r in out.closed] == (["a"] if name == "c" else [])
    assert monitor.rooms == ["b", "c"]
    now[0] = 61.5
    out = monitor.evict_idle()
    assert [r.room_id for r in out.closed] == ["b"] and monitor.rooms == ["c"]
    assert out.events and all(e.final and e.room_id == "b" for e in out.events)
    with pytest.raises(KeyError, match="not open"):
        monitor.report("b")


def test_a_room_larger_than_a_slice_keeps_at_most_one_slice_open(room: list[Comment]) -> None:
    """max_slice bounds the open comments; the report still counts the whole room."""
    monitor = RoomMonitor(Scorer.rule_only(), MonitorSettings(max_slice=120))
    for chunk in batches(room, seed=5):
        monitor.feed(chunk)
        assert len(monitor.verdicts(room[0].room_id)) < 120
    report = monitor.report(room[0].room_id)
    assert report.n_comments == len(room)
    _, final = monitor.close_room(room[0].room_id)
    assert final.n_comments == len(room)


def test_settings_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        MonitorSettings(max_rooms=0)
    with pytest.raises(ValueError):
        MonitorSettings(rescore_growth=-1.0)
    with pytest.raises(ValueError):
        MonitorSettings(max_slice=0)


torch = pytest.importorskip("torch", reason="the fused path needs torch")


@pytest.fixture(scope="module")
def fused_scorer(tmp_path_factory: pytest.TempPathFactory, room: list[Comment]) -> Scorer:
    """Tiny text model (fp32: batch-invariant) + a logistic combiner fitted on sim rooms."""
    import json
    import shutil

    from botcomments.cli import main
    from botcomments.fusion.learned import LearnedFusion
    from botcomments.model.classifier import BotCommentClassifier
    from botcomments.records import LABEL_NAMES
    from tests.helpers.tiny_model import build_tiny_model

    folder = tmp_path_factory.mktemp("fused")
    model = build_tiny_model(folder / "tiny", dict(LABEL_NAMES))
    data = folder / "train.jsonl"
    config = SimulationConfig(room_size=(150, 250), bot_share=(0.3, 0.6))
    with data.open("w", encoding="utf-8") as fh:
        for c in simulate(4, seed=11, config=config).comments:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    fitted = folder / "model"
    shutil.copytree(model, fitted)
    assert main(["train-fusion", "--model", str(fitted), "--data", str(data),
                 "--kind", "logistic"]) == 0
    text = BotCommentClassifier.from_pretrained(fitted, device="cpu", quantize=False)
    return Scorer(LearnedFusion.load(fitted), text_model=text)


def test_fused_scorer_ends_equal_to_batch(room: list[Comment], fused_scorer: Scorer) -> None:
    """With an fp32 text model the live end state matches batch scoring to 1e-5."""
    arrival = jittered(room, 9)
    monitor = RoomMonitor(fused_scorer)
    events = run_live(monitor, batches(arrival, seed=9, largest=25))
    final, report = close(monitor, room[0].room_id, events)
    verdicts, whole = batch_result(fused_scorer, arrival)
    assert_same(final, verdicts, report, whole, tol=1e-5)
