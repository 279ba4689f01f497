"""Bots injected into a real-chat background: shares, labels, timing, determinism, cutting.

Backgrounds here are made up in the test (short repeated lines, an organic flood, a
heavy-tailed audience); no corpus text is used.
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from botcomments.records import Comment
from botcomments.simulate.config import BOT_PERSONAS, CAMPAIGN_TYPES
from botcomments.simulate.inject import (
    BOT_ID_PREFIX,
    REAL_PERSONA,
    InjectedRoom,
    cut_session,
    cut_sessions,
    detect_floods,
    inject_campaigns,
    n_bots_for,
)

LINES = ("草", "？", "？？？", "kksk", "awsl", "哈哈哈", "23333", "理解理解", "晚上好", "这也行")


def background(n: int = 360, seed: int = 0, start: float = 1_600_000_000.0) -> list[Comment]:
    """Made-up live chat: ``n`` lines over ~30 minutes, 60 users, one 8-line flood."""
    rnd = random.Random(seed)
    ts = sorted(round(start + rnd.uniform(0, 1800), 3) for _ in range(n - 8))
    out = [Comment(rnd.choice(LINES) + rnd.choice(("", "!", "了")), "real-room", ts=t,
                   user_id=f"u{int(60 * rnd.random() ** 2)}", msg_id=f"m{i}", platform="test")
           for i, t in enumerate(ts)]
    flood_at = start + 900.0
    out += [Comment("来了来了", "real-room", ts=round(flood_at + 0.7 * k, 3), user_id=f"f{k}",
                    msg_id=f"flood{k}", platform="test") for k in range(8)]
    return sorted(out, key=lambda c: c.ts or 0.0)


def _key(c: Comment) -> tuple[str, str | None, float | None, str | None]:
    return (c.text, c.user_id, c.ts, c.msg_id)


@pytest.fixture(scope="module")
def bg() -> list[Comment]:
    return background()


@pytest.fixture(scope="module")
def half(bg: list[Comment]) -> InjectedRoom:
    return inject_campaigns(bg, 0.5, seed=3, room_id="r1")


@pytest.mark.parametrize("share", [0.0, 0.1, 0.2, 0.25, 0.5, 0.75, 0.9])
def test_bot_share_is_exact(bg: list[Comment], share: float) -> None:
    out = inject_campaigns(bg, share, seed=1)
    labels = out.labels
    assert int(labels.sum()) == out.truth.n_bot_comments == n_bots_for(len(bg), share)
    assert len(out.comments) == out.truth.n_comments == len(bg) + out.truth.n_bot_comments
    assert out.bot_share == pytest.approx(share, abs=1e-12)
    assert out.truth.authenticity_ratio == pytest.approx(1 - share, abs=1e-12)
    assert sum(out.truth.campaign_mix.values()) == out.truth.n_bot_comments


def test_share_off_by_at_most_half_a_comment() -> None:
    out = inject_campaigns(background(401, seed=2), 0.3, seed=1)
    assert abs(out.bot_share - 0.3) <= 0.5 / out.truth.n_comments


def test_background_kept_and_bots_on_own_accounts(bg: list[Comment], half: InjectedRoom) -> None:
    real = [c for c in half.comments if c.label == 0]
    bots = [c for c in half.comments if c.label == 1]
    assert Counter(map(_key, real)) == Counter(map(_key, bg))
    assert all(c.extra["persona"] == REAL_PERSONA and c.room_id == "r1" for c in real)
    real_users = {c.user_id for c in bg}
    assert all(c.user_id and c.user_id.startswith(BOT_ID_PREFIX) for c in bots)
    assert not {c.user_id for c in bots} & real_users
    assert {c.extra["persona"] for c in bots} <= set(BOT_PERSONAS)
    assert all(str(c.extra["campaign_id"]).startswith("r1/") for c in bots)
    assert all(c.label is None and not c.extra for c in bg)  # the input is not modified


def test_truth_counts_users(half: InjectedRoom) -> None:
    users = {c.user_id for c in half.comments}
    bot_users = {c.user_id for c in half.comments if c.label == 1}
    assert half.truth.n_users == len(users)
    assert half.truth.genuine_user_ratio == pytest.approx(1 - len(bot_users) / len(users))


def test_bots_within_the_real_span_and_time_ordered(bg: list[Comment],
                                                    half: InjectedRoom) -> None:
    first, last = bg[0].ts, bg[-1].ts
    assert half.truth.start_ts == first and half.truth.end_ts == last
    bot_ts = [c.ts for c in half.comments if c.label == 1]
    assert all(first <= t <= last for t in bot_ts if t is not None)
    ts = [c.ts or 0.0 for c in half.comments]
    assert ts == sorted(ts)


def test_deterministic_for_a_seed(bg: list[Comment], half: InjectedRoom) -> None:
    again = inject_campaigns(bg, 0.5, seed=3, room_id="r1")
    other = inject_campaigns(bg, 0.5, seed=4, room_id="r1")
    assert [c.to_dict() for c in again.comments] == [c.to_dict() for c in half.comments]
    assert [c.to_dict() for c in other.comments] != [c.to_dict() for c in half.comments]


@pytest.mark.parametrize("ctype", CAMPAIGN_TYPES)
def test_single_type_room_holds_only_that_persona(bg: list[Comment], ctype: str) -> None:
    out = inject_campaigns(bg, 0.4, seed=5, campaign_weights={ctype: 1.0})
    assert {c.extra["persona"] for c in out.comments if c.label == 1} == {f"bot_{ctype}"}
    assert out.truth.campaign_mix[ctype] == out.truth.n_bot_comments > 0


def test_mixed_room_mixes_campaigns(bg: list[Comment]) -> None:
    out = inject_campaigns(bg, 0.8, seed=2)
    assert sum(n > 0 for n in out.truth.campaign_mix.values()) >= 4


def test_bought_interaction_hides_in_the_real_flood(bg: list[Comment]) -> None:
    out = inject_campaigns(bg, 0.2, seed=6, campaign_weights={"bought_interaction": 1.0})
    assert [f.lines[0] for f in out.floods] == ["来了来了"]
    flood_at = out.floods[0].offset + out.truth.start_ts
    bot_ts = np.array([c.ts for c in out.comments if c.label == 1])
    assert np.all((bot_ts > flood_at) & (bot_ts < flood_at + 30))


def test_room_id_defaults_to_the_background(bg: list[Comment]) -> None:
    out = inject_campaigns(bg, 0.3, seed=1)
    assert {c.room_id for c in out.comments} == {"real-room"}


@pytest.mark.parametrize(
    ("share", "comments", "weights", "seed", "match"),
    [
        (-0.1, None, None, 0, "bot_share"),
        (1.0, None, None, 0, "bot_share"),
        (1.5, None, None, 0, "bot_share"),
        (0.3, [], None, 0, "background is empty"),
        (0.3, None, {"botnet": 1.0}, 0, "unknown campaign type"),
        (0.3, None, {"spam": 0.0}, 0, "every campaign weight is 0"),
        (0.3, None, None, -1, "seed"),
        (0.3, [Comment("草", "r", ts=None, user_id="u")], None, 0, "timestamp"),
        (0.3, [Comment("草", "r", ts=1.0, user_id="bot-1")], None, 0, "must not start"),
    ],
    ids=["negative", "one", "above-one", "empty", "unknown-type", "zero-weights",
         "negative-seed", "no-ts", "reserved-id"],
)
def test_bad_arguments_raise(bg: list[Comment], share: float, comments: list[Comment] | None,
                             weights: dict[str, float] | None, seed: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        inject_campaigns(bg if comments is None else comments, share, seed, weights)


def test_detect_floods_needs_five_in_the_window() -> None:
    offsets = np.array([0.0, 1, 2, 3, 4, 50, 51, 52, 53, 200, 201, 202, 203, 204])
    texts = ["扣1"] * 5 + ["扣2"] * 4 + ["扣1"] * 5
    floods = detect_floods(offsets, texts)
    assert [(f.offset, len(f.lines)) for f in floods] == [(0.0, 5), (200.0, 5)]


@pytest.mark.parametrize("n", [100, 199, 200, 1000, 4321])
def test_cut_session_is_a_contiguous_partition(n: int) -> None:
    session = [Comment(f"c{i}", "r", ts=float(i)) for i in range(n)]
    rooms = cut_session(session, 100, 1000, np.random.default_rng(n))
    assert all(100 <= len(r) <= 1000 for r in rooms)
    assert [c for r in rooms for c in r] == session


def test_cut_session_too_short_and_bad_bounds() -> None:
    session = [Comment("c", "r", ts=float(i)) for i in range(50)]
    assert cut_session(session, 100, 1000, np.random.default_rng(0)) == []
    with pytest.raises(ValueError, match="max_size >= 2"):
        cut_session(session, 100, 150, np.random.default_rng(0))


def test_cut_sessions_deterministic_by_seed() -> None:
    sessions = [[Comment(f"{s}-{i}", "r", ts=float(i)) for i in range(3000)] for s in range(3)]

    def sizes(seed: int) -> list[int]:
        return [len(r) for r in cut_sessions(sessions, 100, 1000, seed)]

    assert sizes(1) == sizes(1) != sizes(2)
    assert sum(sizes(1)) == 9000
