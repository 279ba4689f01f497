"""Lines the platform posts for a viewer (Bilibili storm / lottery lines) are never bots."""

from __future__ import annotations

import json

import pytest

from botcomments.io.platforms import blivedm_record
from botcomments.records import Comment, is_platform_posted
from botcomments.scoring.pipeline import Scorer


def storm(marked: bool, n: int = 30) -> list[Comment]:
    """One storm line sent for ``n`` accounts within six seconds, beside ordinary chat."""
    extra = {"platform_posted": True} if marked else {}
    lines = [Comment(text="前方高能预警，注意这不是演习", room_id="r", ts=1000.0 + 0.2 * k,
                     user_id=f"v{k}", extra=dict(extra)) for k in range(n)]
    chat = [Comment(text=f"今天第{k}次来看主播了", room_id="r", ts=900.0 + 10 * k,
                    user_id=f"c{k}") for k in range(20)]
    return sorted(lines + chat, key=lambda c: c.ts or 0.0)


def test_a_marked_storm_is_never_flagged_and_counts_genuine() -> None:
    scorer = Scorer.rule_only()
    unmarked = scorer.score(storm(marked=False))
    assert sum(v.is_bot for v in unmarked.verdicts) >= 20  # the same flood, unmarked
    comments = storm(marked=True)
    marked = scorer.score(comments)
    platform = [v for c, v in zip(comments, marked.verdicts, strict=True)
                if is_platform_posted(c)]
    assert len(platform) == 30
    assert all(not v.is_bot and v.bot_score == 0.0 and not v.flags for v in platform)
    assert marked.rooms[0].authenticity_ratio > unmarked.rooms[0].authenticity_ratio


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (1, True), ("true", True), (" TRUE ", True), ("1", True),
    (False, False), (0, False), ("no", False), (None, False), (1.0, False), ([1], False),
])
def test_platform_posted_values(value: object, expected: bool) -> None:
    extra = {} if value is None else {"platform_posted": value}
    assert is_platform_posted(Comment(text="x", room_id="r", extra=extra)) is expected


@pytest.mark.parametrize(("msg_type", "posted"), [(0, False), (1, True), (2, True), (3, False)])
def test_blivedm_reader_marks_storm_and_lottery_lines(msg_type: int, posted: bool) -> None:
    meta = [0, 1, 25, 16777215, 1714565700456, 1, 0, "", 0, msg_type, 0]
    msg = json.loads(json.dumps({"cmd": "DANMU_MSG",
                                 "info": [meta, "老板大气", [123, "观众"]]}))
    comment, _ = blivedm_record(msg, default_room="r")
    assert isinstance(comment, Comment)
    assert comment.extra["msg_type"] == msg_type
    assert is_platform_posted(comment) is posted


def test_blivedm_reader_without_msg_type_marks_nothing() -> None:
    comment, _ = blivedm_record({"cmd": "DANMU_MSG",
                                 "info": [[0, 1, 25, 0, 1714565700456], "好", [1, "a"]]},
                                default_room="r")
    assert isinstance(comment, Comment)
    assert "msg_type" not in comment.extra and not is_platform_posted(comment)
