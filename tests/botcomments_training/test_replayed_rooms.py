"""Real-background training rooms: held-out rooms only, ad lines dropped, bots at known shares.

The corpus here is made up (a few rooms of short repeated lines); no corpus text is used.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from botcomments_training import realchat as rc
from botcomments_training import replayed_rooms as rr

LINES = ("草", "？？？", "kksk", "哈哈哈", "晚上好", "这也行", "理解理解", "主播加油")
AD = "加群123456789领福利"
DAY = 1_557_453_600  # 2019-05-10 10:00 in Beijing time


def _write_corpus(root: Path, n_rooms: int = 4, per_day: int = 700) -> None:
    path = root / rc.DANMAKU_LIVE
    path.parent.mkdir(parents=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for room in range(n_rooms):
            for day in range(2):
                for i in range(per_day):
                    text = AD if i == 5 else LINES[(i * 3 + room) % len(LINES)]
                    row = {"text": text, "room_id": str(1000 + room), "label": 0, "seq": i,
                           "ts": DAY + 86_400 * day + 60 * (i // 10)}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def test_sessions_come_from_the_text_models_held_out_rooms(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    sessions, dropped = rr.live_sessions(tmp_path)
    held = rc.heldout_rooms([str(1000 + r) for r in range(4)], 0.15, 20240601)
    assert {s.room_id for s in sessions} == held
    assert len(sessions) == 2 * len(held)  # one session per room-day
    assert dropped == len(sessions)  # the ad line of each room-day
    assert all(len(s.lines) == 699 and AD not in s.lines for s in sessions)
    assert all(s.minute_ts == sorted(s.minute_ts) for s in sessions)


def test_rooms_carry_bots_at_their_shares_and_real_lines_as_genuine(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    comments = rr.replayed_rooms(tmp_path, n_rooms=0, seed=4)
    rooms: dict[str, list[int]] = defaultdict(list)
    for c in comments:
        rooms[c.room_id].append(int(c.label or 0))
        assert c.label == 1 or c.text in LINES
        assert (c.label == 1) == str(c.user_id).startswith("bot-")
    assert all(r.startswith("replay-4-") for r in rooms)
    shares = [float(np.mean(v)) for v in rooms.values()]
    assert len(shares) >= 2 and max(shares) > 0.0
    again = rr.replayed_rooms(tmp_path, n_rooms=0, seed=4)
    assert [(c.text, c.user_id, c.ts) for c in again] == [
        (c.text, c.user_id, c.ts) for c in comments]


def test_fit_and_calibrate_parts_use_different_cuts(tmp_path: Path) -> None:
    _write_corpus(tmp_path, per_day=1400)
    fit = {c.ts for c in rr.replayed_rooms(tmp_path, 0, 2, part="fit") if c.label == 0}
    cal = {c.ts for c in rr.replayed_rooms(tmp_path, 0, 2, part="calibrate") if c.label == 0}
    assert fit and cal and not fit & cal
    with pytest.raises(ValueError, match="part="):
        rr.replayed_rooms(tmp_path, 0, 2, part="test")
