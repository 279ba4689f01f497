"""The genuine marker inside entry bursts and drips: the burst mixtures read levels (and
accounts counted bought in another room), and the bought accounts' marker share they find
corrects the idle comparison outside bursts."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.quantify import bubble, marker
from botcomments.quantify.bubble import ViewerFit, fit_viewers
from botcomments.quantify.engagement import RoomEngagement
from botcomments.quantify.marker import GenuineMarker, fit_idle_marker
from botcomments.records import EngagementEvent
from tests.quantify.test_quantify_engagement import T0


def genuine_level(rng: np.random.Generator) -> int:
    return int(rng.lognormal(np.log(10), 0.6))


def add_viewer(room: RoomEngagement, rng: np.random.Generator, uid: str, t: float,
               level: int | None, acts: bool) -> None:
    """One viewer entering at ``t`` (with its level when given); one in three of those who
    act likes, one in fifty comments."""
    extra = {} if level is None else {"user_level": level}
    room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + t, user_id=uid, extra=extra))
    if acts and rng.random() < 0.3:
        room.add_event(EngagementEvent("like", room.room_id, ts=T0 + t + 30, user_id=uid,
                                       count=2))
    if acts and rng.random() < 0.02:
        room.add_comment(uid, T0 + t + 60, is_bot=False)


def pushed_crowd_room(levels: bool, seed: int = 11) -> RoomEngagement:
    """500 genuine viewers over two hours, and one two-minute crowd of 200 genuine viewers
    (a feed push) arriving with 200 fresh bought accounts (level 0-2) that never act:
    genuine share 700 / 900."""
    rng = np.random.default_rng(seed)
    room = RoomEngagement("r1")
    entrants = [(t, f"g{i}", "genuine") for i, t in enumerate(rng.uniform(0, 7200, 500))]
    entrants += [(3000 + t, f"p{i}", "genuine") for i, t in enumerate(rng.uniform(0, 120, 200))]
    entrants += [(3000 + t, f"b{i}", "bought") for i, t in enumerate(rng.uniform(0, 120, 200))]
    for t, uid, kind in sorted(entrants):
        genuine = kind == "genuine"
        level = genuine_level(rng) if genuine else int(rng.integers(0, 3))
        add_viewer(room, rng, uid, float(t), level if levels else None, acts=genuine)
    return room


def test_levels_inside_a_burst_tell_a_pushed_crowd_from_the_bought_accounts_in_it() -> None:
    # ten rooms: one room's levels can by chance crowd a level of the genuine lurkers and
    # raise the threshold (seed 11 reads 0.71 for 0.778); on average the levels help
    truth = 700 / 900
    errors = {levels: np.array([
        abs(pushed_crowd_room(levels, seed).estimate().genuine_viewer_share - truth)
        for seed in range(11, 21)]) for levels in (True, False)}
    assert errors[True].mean() < 0.04  # 0.029 measured
    assert errors[True].mean() < errors[False].mean() - 0.015  # without levels: 0.047
    assert (errors[True] < 0.09).all()


def burst_bought_p(levels: bool, seed: int) -> tuple[float, float]:
    """Mean bought probability of the bought accounts and of the pushed genuine crowd."""
    room = pushed_crowd_room(levels, seed)
    fit = fit_viewers(room.account_table(), np.random.default_rng(0), room.miss_rate)
    ids = np.array(list(room.accounts))
    bought, pushed = (float(fit.bought_p[np.char.startswith(ids, c)].mean()) for c in "bp")
    return bought, pushed


def test_the_bought_part_of_a_burst_falls_on_its_accounts_without_the_marker() -> None:
    with_levels = np.array([burst_bought_p(True, seed) for seed in range(11, 21)]).mean(axis=0)
    without = np.array([burst_bought_p(False, seed) for seed in range(11, 21)]).mean(axis=0)
    assert with_levels[0] > 0.8 and with_levels[1] < 0.35  # 0.85 and 0.27 measured
    assert without[0] < with_levels[0] and without[1] > with_levels[1]  # 0.67 and 0.51


def aged_room(seed: int = 12) -> RoomEngagement:
    """600 genuine viewers (levels around 10) over two hours; one service's 900 idle
    accounts, 30 % of them aged (levels like the genuine viewers'), 300 in a two-minute
    burst and 600 dripping evenly over the session: genuine share 600 / 1500."""
    rng = np.random.default_rng(seed)
    room = RoomEngagement("r1")
    entrants = [(t, f"g{i}", True) for i, t in enumerate(rng.uniform(0, 7200, 600))]
    entrants += [(3000 + t, f"b{i}", False) for i, t in enumerate(rng.uniform(0, 120, 300))]
    entrants += [(t, f"d{i}", False) for i, t in enumerate(rng.uniform(0, 7200, 600))]
    for t, uid, genuine in sorted(entrants):
        aged = not genuine and rng.random() < 0.3
        level = genuine_level(rng) if genuine or aged else int(rng.integers(0, 3))
        add_viewer(room, rng, uid, float(t), level, acts=genuine)
    return room


def test_aged_bought_accounts_found_in_a_burst_are_counted_in_the_drip(
        monkeypatch: pytest.MonkeyPatch) -> None:
    truth = 600 / 1500
    est = aged_room().estimate()
    monkeypatch.setattr(marker, "MARK_MIN_BOUGHT", float("inf"))
    uncorrected = aged_room().estimate()
    # above the truth by the benefit of the doubt (the garrote at LEVEL_Z standard deviations)
    assert truth <= est.genuine_viewer_share <= truth + 0.08
    assert uncorrected.genuine_viewer_share > est.genuine_viewer_share + 0.05


def marker_of(marked: np.ndarray) -> GenuineMarker:
    return GenuineMarker(marked, np.ones(len(marked), dtype=bool), threshold=5,
                         cross_room=False)


def test_the_idle_comparison_counts_bought_accounts_that_carry_the_marker() -> None:
    """Reference: 70 of 100 marked. Idle: 200 genuine (140 marked), 100 bought (20 marked):
    the unmarked excess, 300 - 160 / 0.7, is 1 - 0.2 / 0.7 of the 100 bought."""
    marked = np.array([True] * 70 + [False] * 30 + [True] * 140 + [False] * 60
                      + [True] * 20 + [False] * 80)
    reference = np.arange(len(marked)) < 100
    cand = ~reference
    plain = fit_idle_marker(cand, reference, marker_of(marked))
    corrected = fit_idle_marker(cand, reference, marker_of(marked), bought_marked=0.2)
    useless = fit_idle_marker(cand, reference, marker_of(marked), bought_marked=0.65)
    assert plain is not None and corrected is not None and useless is not None
    assert plain.excess == pytest.approx(300 - 160 / 0.7)
    assert corrected.excess == pytest.approx(100.0)
    assert corrected.sd == pytest.approx(plain.sd / (1 - 0.2 / 0.7))
    assert corrected.bought > plain.bought
    assert useless.excess == pytest.approx(plain.excess)  # 0.65 >= 0.9 x 0.7: ignored


def counted_bought(n_ref: int, n_idle: int, idle_share: float, n_bought: int = 0) -> float:
    """The idle comparison's bought count: reference 70 % marked; idle lurkers marked at
    ``idle_share``, plus ``n_bought`` unmarked bought accounts."""
    lurkers_marked = round(n_idle * idle_share)
    marked = np.concatenate([np.arange(n_ref) < round(0.7 * n_ref),
                             np.arange(n_idle) < lurkers_marked, np.zeros(n_bought, bool)])
    reference = np.arange(len(marked)) < n_ref
    fit = fit_idle_marker(~reference, reference, marker_of(marked))
    assert fit is not None
    return fit.bought


def test_lurkers_a_little_less_marked_than_the_interactors_are_not_bought_in_a_large_room(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 50,000 lurkers marked at 0.68 against interactors at 0.70 (3 % fewer, relative)
    assert counted_bought(5000, 50_000, 0.68) == 0.0
    monkeypatch.setattr(marker, "MARKER_DRIFT", 0.0)
    assert counted_bought(5000, 50_000, 0.68) > 400  # binomial noise alone: 453 bought


def test_the_lurkers_drift_leaves_a_small_room_s_bought_accounts_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 lurkers like the interactors and 200 unmarked bought accounts: 183 counted
    with_drift = counted_bought(100, 300, 0.7, n_bought=200)
    monkeypatch.setattr(marker, "MARKER_DRIFT", 0.0)
    without = counted_bought(100, 300, 0.7, n_bought=200)
    assert with_drift > 100 and with_drift > 0.95 * without  # without the drift: 184


def fresh_and_genuine(rng: np.random.Generator, entrants: list[tuple[float, str, bool]]
                      ) -> RoomEngagement:
    """A room of the given ``(time, id, genuine)`` entrants: genuine ones at levels around
    10, one in three of them acting as :func:`add_viewer` says; the others fresh (level
    0-2) and idle."""
    room = RoomEngagement("r1")
    for t, uid, genuine in sorted(entrants):
        level = genuine_level(rng) if genuine else int(rng.integers(0, 3))
        add_viewer(room, rng, uid, float(t), level, acts=genuine and rng.random() < 0.33)
    return room


def fresh_drip_room(seed: int = 13) -> RoomEngagement:
    """800 genuine viewers over two hours, one in ten acting; 250 fresh idle accounts
    (level 0-2) delivered over 40 minutes: genuine share 800 / 1050."""
    rng = np.random.default_rng(seed)
    entrants = [(t, f"g{i}", True) for i, t in enumerate(rng.uniform(0, 7200, 800))]
    entrants += [(2000 + t, f"d{i}", False) for i, t in enumerate(rng.uniform(0, 2400, 250))]
    return fresh_and_genuine(rng, entrants)


def with_and_without(room: RoomEngagement, monkeypatch: pytest.MonkeyPatch, name: str,
                     none: Callable[..., np.ndarray]) -> tuple[ViewerFit, ViewerFit]:
    """The room's viewer fit, and the same with the bubble function ``name`` finding
    nothing (``none``)."""
    fit = fit_viewers(room.account_table(), np.random.default_rng(0), room.miss_rate)
    monkeypatch.setattr(bubble, name, none)
    return fit, fit_viewers(room.account_table(), np.random.default_rng(0), room.miss_rate)


def test_a_drip_of_fresh_accounts_is_found_by_levels_and_fitted_as_a_group(
        monkeypatch: pytest.MonkeyPatch) -> None:
    truth = 800 / 1050
    room = fresh_drip_room()
    bursts = next(e for e in room.estimate().evidence if e.name == "entry_bursts")
    assert bursts.flagged and "carry the room's genuine marker" in bursts.reason
    fit, whole_session = with_and_without(room, monkeypatch, "marker_drips",
                                          lambda burst, *_: np.full(len(burst), -1))
    assert fit.bins is not None and fit.bins.marker_drips == 1
    minutes = fit.bins.keys[fit.bins.run >= 0] - fit.bins.keys[0]
    assert 30 <= minutes.min() <= 40 and 70 <= minutes.max() <= 80  # 2000-4400 s
    assert fit.share == pytest.approx(truth, abs=0.03)
    assert abs(fit.share - truth) < abs(whole_session.share - truth)


def ramped_package_room(seed: int = 14) -> RoomEngagement:
    """700 genuine viewers over two hours, about one in ten acting; a package of 300 fresh idle
    accounts delivered within one minute and 12 more trickling into the next (its ramp,
    too few to make that minute a burst by count): genuine share 700 / 1012."""
    rng = np.random.default_rng(seed)
    entrants = [(t, f"g{i}", True) for i, t in enumerate(rng.uniform(0, 7200, 700))]
    entrants += [(3000 + t, f"b{i}", False) for i, t in enumerate(rng.uniform(0, 59, 300))]
    entrants += [(3060 + t, f"e{i}", False) for i, t in enumerate(rng.uniform(0, 59, 12))]
    return fresh_and_genuine(rng, entrants)


def test_a_packages_thin_last_minute_joins_its_burst_by_the_marker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    truth = 700 / 1012
    fit, without = with_and_without(ramped_package_room(), monkeypatch, "marker_edges",
                                    lambda keys, *_: np.zeros(len(keys), bool))
    assert fit.bins is not None and fit.bins.marker_edges == 1
    assert without.bins is not None and without.bins.marker_edges == 0
    assert abs(fit.share - truth) < abs(without.share - truth) - 0.005


def test_the_garrote_counts_nothing_within_the_doubt_and_most_of_a_large_excess() -> None:
    assert marker.garrote(90.0, 100.0) == 0.0
    assert marker.garrote(-5.0, 0.0) == 0.0
    assert marker.garrote(200.0, 100.0) == pytest.approx(150.0)  # 3/4 at twice the doubt
    assert marker.garrote(500.0, 100.0) == pytest.approx(480.0)  # soft thresholding: 400
    assert marker.garrote(500.0, 0.0) == pytest.approx(500.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(0.0, 1e5))
def test_the_garrote_keeps_part_of_the_excess_and_grows_with_it(
        excess: float, other: float, doubt: float) -> None:
    kept = marker.garrote(excess, doubt)
    assert 0.0 <= kept <= max(excess, 0.0)
    assert kept >= max(excess - doubt, 0.0) - 1e-6  # never below soft thresholding
    lo, hi = sorted((excess, other))
    assert marker.garrote(lo, doubt) <= marker.garrote(hi, doubt) + 1e-6
