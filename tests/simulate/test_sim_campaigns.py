"""Campaign mix, exclusions, and the behaviours each persona must show."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from botcomments.records import Comment
from botcomments.simulate import (
    CAMPAIGN_TYPES,
    SimulationConfig,
    SimulationResult,
    simulate,
)
from botcomments.simulate.config import DEFAULT_CAMPAIGN_WEIGHTS
from botcomments.simulate.engine import allocate


def _persona(c: Comment) -> str:
    return str(c.extra["persona"])


def _by_persona(comments: list[Comment]) -> dict[str, list[Comment]]:
    out: dict[str, list[Comment]] = defaultdict(list)
    for c in comments:
        out[_persona(c)].append(c)
    return out


def test_each_campaign_appears_with_its_configured_share() -> None:
    cfg = SimulationConfig(room_size=(400, 600), bot_share=(0.5, 0.5))
    res = simulate(40, seed=2, config=cfg)
    counts = Counter(_persona(c).removeprefix("bot_") for c in res.comments if c.label == 1)
    total = sum(counts.values())
    weights = DEFAULT_CAMPAIGN_WEIGHTS
    for ctype in CAMPAIGN_TYPES:
        expected = weights[ctype] / sum(weights.values())
        assert counts[ctype] / total == pytest.approx(expected, abs=0.04), ctype


def test_fixed_mix_is_exact_per_room() -> None:
    weights = {"template": 1.0, "spam": 3.0}
    cfg = SimulationConfig(
        room_size=(200, 500),
        bot_share=(0.4, 0.4),
        campaign_weights=weights,
        mix_concentration=None,
    )
    for room in simulate(5, seed=4, config=cfg).rooms:
        expect = allocate(room.n_bot_comments, np.array([1.0, 3.0])).tolist()
        assert [room.campaign_mix["template"], room.campaign_mix["spam"]] == expect
        assert sum(room.campaign_mix.values()) == room.n_bot_comments


@pytest.mark.parametrize("held_out", CAMPAIGN_TYPES, ids=CAMPAIGN_TYPES)
def test_weight_zero_holds_a_campaign_out(held_out: str) -> None:
    weights = {c: 1.0 for c in CAMPAIGN_TYPES}
    weights[held_out] = 0.0
    cfg = SimulationConfig(room_size=(150, 300), bot_share=(0.5, 0.7), campaign_weights=weights)
    res = simulate(3, seed=9, config=cfg)
    personas = {_persona(c) for c in res.comments}
    assert f"bot_{held_out}" not in personas
    assert all(r.campaign_mix[held_out] == 0 for r in res.rooms)


@pytest.mark.parametrize("only", CAMPAIGN_TYPES, ids=CAMPAIGN_TYPES)
def test_single_campaign_rooms(only: str) -> None:
    cfg = SimulationConfig(room_size=(200, 400), bot_share=(0.3, 0.6), campaign_weights={only: 1.0})
    res = simulate(2, seed=1, config=cfg)
    bots = {_persona(c) for c in res.comments if c.label == 1}
    assert bots == {f"bot_{only}"}


@pytest.mark.parametrize("share", [0.0, 0.95], ids=["clean", "max-botted"])
def test_bot_share_extremes(share: float) -> None:
    cfg = SimulationConfig(room_size=(10, 40), bot_share=(share, share))
    res = simulate(6, seed=3, config=cfg)
    for room in res.rooms:
        assert room.n_bot_comments == round(share * room.n_comments)
        assert 10 <= room.n_comments <= 40


def test_organic_floods_many_established_accounts(small_run: SimulationResult) -> None:
    floods = _by_persona(small_run.comments)["genuine_flood"]
    assert len(floods) > 100
    genuine_elsewhere = {
        c.user_id for c in small_run.comments if c.label == 0 and _persona(c) != "genuine_flood"
    }
    flood_users = {c.user_id for c in floods}
    assert len(flood_users) > 50
    # Most flood posters also chat or come back in other sessions (established accounts).
    rooms_of: dict[str | None, set[str]] = defaultdict(set)
    for c in small_run.comments:
        rooms_of[c.user_id].add(c.room_id)
    established = {u for u in flood_users if u in genuine_elsewhere or len(rooms_of[u]) > 1}
    assert len(established) / len(flood_users) > 0.5


def test_organic_flood_reaction_times_are_spread(small_run: SimulationResult) -> None:
    events = {r.room_id: np.array([e["ts"] for e in r.host_events]) for r in small_run.rooms}
    delays = []
    for c in _by_persona(small_run.comments)["genuine_flood"]:
        ev = events[c.room_id]
        before = ev[ev <= c.ts]
        if len(before):
            delays.append(c.ts - before.max())
    d = np.array(delays)
    assert np.median(d) > 1.0
    assert np.std(d) > 2.0  # human spread, not a synchronised burst


def test_lucky_draw_floods_repeat_the_password(small_run: SimulationResult) -> None:
    phrases = {e["phrase"] for r in small_run.rooms for e in r.host_events if e["phrase"]}
    assert phrases, "long sessions include lucky draws"
    texts = Counter(c.text for c in small_run.comments if _persona(c) == "genuine_flood")
    assert any(texts[p] >= 5 for p in phrases)


def test_paraphrase_lines_never_repeat_in_a_room(small_run: SimulationResult) -> None:
    para = _by_persona(small_run.comments)["bot_paraphrase"]
    assert len(para) > 50
    per_room: dict[str, list[str]] = defaultdict(list)
    for c in para:
        per_room[c.room_id].append(c.text)
    for texts in per_room.values():
        assert len(set(texts)) == len(texts)
    users = Counter(c.user_id for c in para)
    assert len(users) / len(para) > 0.5  # mostly distinct accounts


def test_copy_floods_are_near_duplicates_in_tight_bursts(small_run: SimulationResult) -> None:
    cf = _by_persona(small_run.comments)["bot_copy_flood"]
    assert len(cf) > 50
    exact = Counter((c.room_id, c.text) for c in cf)
    assert max(exact.values()) >= 3  # some exact copies survive
    assert len(exact) > len(cf) * 0.2  # perturbation makes many variants
    gaps = np.diff(sorted(c.ts for c in cf if c.room_id == cf[0].room_id))
    assert np.median(gaps) < 2.0


def test_scheduled_posters_are_near_regular(small_run: SimulationResult) -> None:
    by_user: dict[str | None, list[float]] = defaultdict(list)
    for c in _by_persona(small_run.comments)["bot_scheduled"]:
        by_user[(c.room_id, c.user_id)].append(c.ts)  # type: ignore[index]
    cvs = [np.std(np.diff(t)) / np.mean(np.diff(t)) for t in by_user.values() if len(t) >= 5]
    assert cvs and np.median(cvs) < 0.25


def test_lockstep_squads_reuse_accounts_across_rooms(small_run: SimulationResult) -> None:
    ls = _by_persona(small_run.comments)["bot_lockstep"]
    rooms_of: dict[str | None, set[str]] = defaultdict(set)
    for c in ls:
        rooms_of[c.user_id].add(c.room_id)
    assert max(len(r) for r in rooms_of.values()) >= 2


def test_fans_return_across_sessions_of_a_host(small_run: SimulationResult) -> None:
    rooms_of: dict[str | None, set[str]] = defaultdict(set)
    for c in _by_persona(small_run.comments)["genuine_fan"]:
        rooms_of[c.user_id].add(c.room_id)
    returning = sum(len(r) > 1 for r in rooms_of.values())
    assert returning / len(rooms_of) > 0.2


def test_bought_interaction_follows_floods_with_generic_lines(
    small_run: SimulationResult,
) -> None:
    bought = _by_persona(small_run.comments)["bot_bought_interaction"]
    flood_texts = {c.text for c in small_run.comments if _persona(c) == "genuine_flood"}
    assert len(bought) > 30
    assert np.mean([c.text in flood_texts for c in bought]) > 0.5
    assert np.median([len(c.text) for c in bought]) <= 4


def test_bots_and_humans_share_text(small_run: SimulationResult) -> None:
    human = {c.text for c in small_run.comments if c.label == 0}
    bot_texts = [c.text for c in small_run.comments if c.label == 1]
    shared = np.mean([t in human for t in bot_texts])
    assert shared > 0.1  # text alone must not be enough


def test_spam_contacts_are_obfuscated(small_run: SimulationResult) -> None:
    spam = _by_persona(small_run.comments)["bot_spam"]
    assert spam
    styled = sum(
        any(ord(ch) > 0x2000 and not "\u4e00" <= ch <= "\u9fff" for ch in c.text) for c in spam
    )
    assert styled / len(spam) > 0.3


def test_bot_share_schedule_sets_each_room() -> None:
    cfg = SimulationConfig(room_size=(100, 200), bot_share_schedule=(0.0, 0.9, 0.3))
    res = simulate(4, seed=8, config=cfg)
    shares = [r.n_bot_comments / r.n_comments for r in res.rooms]
    assert shares == pytest.approx([0.0, 0.9, 0.3, 0.0], abs=0.01)


def test_script_pools_post_several_distinct_lines_within_seconds() -> None:
    """A pool of 3-12 accounts; each posts 2-6 different lines seconds apart, repeatedly."""
    cfg = SimulationConfig(room_size=(600, 800), bot_share=(0.3, 0.3),
                           campaign_weights={"script_pool": 1.0}, mix_concentration=None)
    res = simulate(3, seed=8, config=cfg)
    for room in res.rooms:
        bots = sorted((c for c in res.comments if c.room_id == room.room_id and c.label == 1),
                      key=lambda c: c.ts or 0.0)
        accounts = {c.user_id for c in bots}
        assert 3 <= len(accounts) <= 12 * 2  # at most two campaign instances per room
        bursts = 0
        for user in accounts:
            mine = [c for c in bots if c.user_id == user]
            ts = np.array([c.ts for c in mine], dtype=float)
            # a visit: consecutive lines of one account under 15 s apart, all different
            for start in np.flatnonzero(np.diff(ts) < 15.0):
                if mine[start].text != mine[start + 1].text:
                    bursts += 1
        assert bursts >= len(accounts)  # every account returns with distinct lines
        senders: dict[tuple[str, int], set[str | None]] = defaultdict(set)
        for c in bots:
            senders[(c.text, int((c.ts or 0.0) // 20))].add(c.user_id)
        assert max(len(s) for s in senders.values()) >= 2, "one line, several accounts"
