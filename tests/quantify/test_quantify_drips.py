"""Drips and group mixtures: segmentation of entry bins into runs of constant shares, the
baseline runs, drip detection, and the genuine fraction of a mixed group of entrants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from botcomments.quantify import drips
from botcomments.quantify.drips import (
    level_confirmed_runs,
    low_share_runs,
    reference_runs,
    share_segments,
)
from botcomments.quantify.mixture import (
    MarkedCounts,
    fit_bot_shares,
    genuine_fraction,
    genuine_looking,
)

ACT_IDLE = np.array([True, False])


def binomial_bins(rng: np.random.Generator, n_mean: float, share: float, m: int) -> np.ndarray:
    """``m`` bins of Poisson entrants, each acting with probability ``share``."""
    n = rng.poisson(n_mean, m)
    k = rng.binomial(n, share)
    return np.stack([k, n - k], axis=1)


def test_a_period_in_the_middle_is_found_in_one_step() -> None:
    """Circular segmentation cuts both ends of a period in the middle at once."""
    rng = np.random.default_rng(1)
    counts = np.concatenate([binomial_bins(rng, 8, 0.3, 30), binomial_bins(rng, 20, 0.12, 40),
                             binomial_bins(rng, 8, 0.3, 30)])
    runs = share_segments(counts.astype(float), drips.split_penalty(len(counts), 2))
    assert len(runs) == 3
    assert abs(runs[1][0] - 30) <= 4 and abs(runs[1][1] - 70) <= 4


def test_rooms_without_drips_rarely_get_one() -> None:
    found = 0
    for seed in range(100):
        rng = np.random.default_rng([seed, 3])
        m, c = int(rng.integers(30, 200)), int(rng.choice([2, 3, 4]))
        n = rng.poisson(rng.uniform(2, 30), m)
        counts = np.array([rng.multinomial(x, np.full(c, 1 / c)) for x in n])
        found += bool((low_share_runs(counts, np.arange(c) < c - 1, np.ones(m, bool)) >= 0).any())
    assert found <= 3


def test_a_drip_outnumbering_the_audience_is_found() -> None:
    """The baseline is the least diluted part of the room, not its larger part."""
    rng = np.random.default_rng(4)
    audience = binomial_bins(rng, 4, 0.4, 60)
    drip = rng.poisson(12, 60)
    counts = audience.copy()
    counts[20:40, 1] += drip[20:40]
    run = low_share_runs(counts, ACT_IDLE, np.ones(60, bool))
    assert (run[22:38] == 0).all() and (run[:18] == -1).all() and (run[42:] == -1).all()


def test_bins_not_eligible_are_never_drips() -> None:
    counts = np.array([[4, 6]] * 5 + [[1, 30]] * 5 + [[4, 6]] * 5)
    eligible = np.ones(15, bool)
    eligible[5:10] = False
    assert (low_share_runs(counts, ACT_IDLE, eligible) == -1).all()


def test_a_tiny_high_share_run_does_not_become_the_baseline_alone() -> None:
    """A few entrants who all act, next to a long run acting a little less: no drip."""
    ref = reference_runs(np.array([18.0, 235.0, 1115.0]), np.array([18.0, 204.0, 245.0]))
    assert ref.tolist() == [True, True, False]


def test_the_baseline_holds_at_least_baseline_min_entrants() -> None:
    """12 entrants who nearly all act do not make the other 100 of a small room a drip:
    a baseline this small is noise (shares 0.83 vs 0.2 would pass the two-sample test)."""
    assert drips.BASELINE_MIN > 12
    ref = reference_runs(np.array([12.0, 100.0]), np.array([10.0, 20.0]))
    assert ref.tolist() == [True, True]
    big = reference_runs(np.array([120.0, 1000.0]), np.array([100.0, 200.0]))
    assert big.tolist() == [True, False]  # the same shares with enough entrants: a drip


def test_only_drips_of_lower_level_idle_entrants_are_kept_on_a_level_feed() -> None:
    """Bins 0-9 outside, 10-14 a drip of fresh accounts (levels 0-2), 15-19 a drip whose
    idle entrants have the room's levels (a quieter genuine period), 20-21 a drip with
    too few levelled idle entrants to test (kept)."""
    rng = np.random.default_rng(6)
    run = np.array([-1] * 10 + [0] * 5 + [1] * 5 + [2] * 2)
    inv = np.repeat(np.arange(22), 20)
    levels = rng.integers(5, 30, len(inv))
    levels[(inv >= 10) & (inv < 15)] = rng.integers(0, 3, 100)
    levels[inv >= 20] = -1
    levels[np.flatnonzero(inv >= 20)[:3]] = 1
    kept = level_confirmed_runs(run, inv, levels, run < 0)
    assert kept.tolist() == [-1] * 10 + [0] * 5 + [-1] * 5 + [1] * 2


def test_very_long_sessions_are_segmented_on_coarser_bins() -> None:
    rng = np.random.default_rng(5)
    counts = binomial_bins(rng, 5, 0.3, 3 * drips.MAX_POSITIONS + 7)
    counts[1000:1600, 1] += 20
    run = low_share_runs(counts, ACT_IDLE, np.ones(len(counts), bool))
    assert len(run) == len(counts)
    assert (run[1010:1590] == 0).all() and (run[:990] == -1).all()


count_rows = hnp.arrays(np.int64, st.tuples(st.integers(0, 60), st.integers(2, 4)),
                        elements=st.integers(0, 40))


@settings(max_examples=60, deadline=None)
@given(counts=count_rows, seed=st.integers(0, 2**16))
def test_runs_cover_the_sequence_and_drips_are_eligible_runs(counts: np.ndarray,
                                                             seed: int) -> None:
    m, c = counts.shape
    runs = share_segments(counts.astype(float), drips.split_penalty(m, c))
    assert [a for a, _ in runs] == [0, *[b for _, b in runs[:-1]]] if runs else m == 0
    assert all(a < b for a, b in runs) and (not runs or runs[-1][1] == m)
    eligible = np.random.default_rng(seed).random(m) < 0.8
    marked = np.arange(c) < c - 1
    run = low_share_runs(counts, marked, eligible)
    assert run.shape == (m,)
    assert (run[~eligible] == -1).all()
    ids = np.unique(run[run >= 0])
    assert ids.tolist() == list(range(len(ids)))


# --- group mixtures ------------------------------------------------------------------


def test_a_genuine_crowd_reads_genuine_and_idle_bots_read_bought() -> None:
    qs, q = 0.05, 0.3
    crowd = genuine_fraction(np.array([25.0]), np.array([125.0]), np.array([350.0]), qs, q, 0.0)
    bots = genuine_fraction(np.array([0.0]), np.array([2.0]), np.array([498.0]), qs, q, 0.0)
    assert crowd[0] >= 0.9 and bots[0] <= 0.05


def test_bots_liking_at_the_genuine_rate_are_told_by_the_missing_commenters() -> None:
    """Likes alone cannot tell them from a genuine crowd; commenters can."""
    pi = genuine_fraction(np.array([0.0]), np.array([34.0]), np.array([396.0]), 0.03, 0.08,
                          f=0.079)
    assert pi[0] < 0.05


def test_a_crowd_acting_a_little_less_looks_genuine_and_a_diluted_one_does_not() -> None:
    """A pushed crowd acting at 80 % of the room's share is within the drift allowance
    (its maximum-likelihood fraction alone would count a fifth of it bought); a crowd
    diluted to a third of the room's share, or lacking the marker, is not."""
    qs, q = 0.05, 0.3
    strong, weak, idle = np.array([20.0, 8.0, 20.0]), np.array([100.0, 42.0, 100.0]), \
        np.array([380.0, 450.0, 380.0])
    marks = MarkedCounts(np.array([70.0, 29.0, 10.0]), np.array([30.0, 13.0, 90.0]),
                         np.array([266.0, 315.0, 60.0]), np.array([114.0, 135.0, 320.0]),
                         share=0.7)
    assert genuine_fraction(strong[:1], weak[:1], idle[:1], qs, q, 0.0)[0] < 0.9
    assert genuine_looking(strong, weak, idle, qs, q, marks).tolist() == [True, False, False]
    assert genuine_looking(strong, weak, idle, qs, q).tolist() == [True, False, True]
    assert not genuine_looking(np.zeros(1), np.zeros(1), np.zeros(1), qs, q)[0]


def test_replicate_rows_take_their_own_shares() -> None:
    strong = np.array([[10.0, 0.0], [10.0, 0.0]])
    weak = np.array([[40.0, 5.0], [40.0, 5.0]])
    idle = np.array([[150.0, 195.0], [150.0, 195.0]])
    pi = genuine_fraction(strong, weak, idle, np.array([0.05, 0.1]), np.array([0.25, 0.5]), 0.0)
    assert pi.shape == (2, 2)
    assert pi[0, 0] > pi[1, 0]  # the same group is less genuine where genuine act more


def test_the_bots_weak_share_is_recovered_from_several_groups() -> None:
    rng = np.random.default_rng(7)
    qs, q, f = 0.06, 0.3, 0.08
    g = rng.integers(5, 60, 12)
    b = rng.integers(100, 400, 12)
    strong = rng.binomial(g, qs)
    weak = rng.binomial(g, q - qs) + rng.binomial(b, f)
    idle = g + b - strong - weak
    assert fit_bot_shares(strong, weak, idle, qs, q) == (pytest.approx(f, abs=0.03), 0.0)
    assert fit_bot_shares(strong, weak, idle, 0.0, q) == (0.0, 0.0)


def marked_groups(rng: np.random.Generator, g: np.ndarray, b: np.ndarray, qs: float, q: float,
                  s: float, a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, MarkedCounts]:
    """Groups of g genuine and b bought (idle) entrants; the marker on s of the genuine
    and a of the bought."""
    strong = rng.binomial(g, qs)
    weak_g = rng.binomial(g - strong, (q - qs) / (1 - qs))
    idle_g = g - strong - weak_g
    weak_m = rng.binomial(weak_g, s)
    idle_gm, idle_bm = rng.binomial(idle_g, s), rng.binomial(b, a)
    marks = MarkedCounts(weak_m.astype(float), (weak_g - weak_m).astype(float),
                         (idle_gm + idle_bm).astype(float),
                         (idle_g - idle_gm + b - idle_bm).astype(float), s)
    return strong, weak_g, idle_g + b, marks


def test_the_marker_tells_bought_idle_accounts_where_commenters_are_too_few() -> None:
    """1 % comment: a group's commenters say little; fresh bought accounts lack the
    marker most of the room's genuine viewers carry."""
    rng = np.random.default_rng(3)
    qs, q, s = 0.01, 0.2, 0.7
    g, b = np.array([150, 40, 100]), np.array([50, 160, 0])
    strong, weak, idle, marks = marked_groups(rng, g, b, qs, q, s, 0.1)
    f, a = fit_bot_shares(strong, weak, idle, qs, q, marks)
    assert a == pytest.approx(0.1, abs=0.1)
    with_marks = genuine_fraction(strong, weak, idle, qs, q, f, marks, a)
    without = genuine_fraction(strong, weak, idle, qs, q, fit_bot_shares(
        strong, weak, idle, qs, q)[0])
    truth = g / (g + b)
    assert np.abs(with_marks - truth).max() < 0.1
    assert np.abs(with_marks - truth).sum() < np.abs(without - truth).sum()


def test_bought_accounts_carrying_the_marker_as_often_as_genuine_ones_leave_the_acts() -> None:
    """Aged bought accounts: the marker share is fitted, not assumed 0, so a burst of them
    is not read genuine."""
    rng = np.random.default_rng(4)
    qs, q, s = 0.05, 0.3, 0.7
    g, b = np.array([20, 30, 25]), np.array([400, 300, 500])
    strong, weak, idle, marks = marked_groups(rng, g, b, qs, q, s, 0.7)
    f, a = fit_bot_shares(strong, weak, idle, qs, q, marks)
    pi = genuine_fraction(strong, weak, idle, qs, q, f, marks, a)
    assert a > 0.5
    assert (pi < 0.15).all()


@settings(max_examples=60, deadline=None)
@given(counts=hnp.arrays(np.int64, st.tuples(st.integers(1, 6), st.just(3)),
                         elements=st.integers(0, 300)),
       qs=st.floats(0.0, 0.3), extra=st.floats(0.0, 0.5), f=st.floats(0.0, 0.5))
def test_a_marker_known_for_no_entrant_changes_nothing(counts: np.ndarray, qs: float,
                                                       extra: float, f: float) -> None:
    strong, weak, idle = (counts[:, j].astype(float) for j in range(3))
    q = min(qs + extra, 1.0)
    zero = np.zeros(len(counts))
    unknown = MarkedCounts(zero, zero, zero, zero, 0.7)
    assert np.array_equal(genuine_fraction(strong, weak, idle, qs, q, f, unknown, 0.3),
                          genuine_fraction(strong, weak, idle, qs, q, f))


@settings(max_examples=80, deadline=None)
@given(counts=hnp.arrays(np.int64, st.tuples(st.integers(1, 8), st.just(3)),
                         elements=st.integers(0, 500)),
       qs=st.floats(0.0, 0.5), extra=st.floats(0.0, 0.5), f=st.floats(0.0, 0.5))
def test_the_genuine_fraction_is_a_share(counts: np.ndarray, qs: float, extra: float,
                                         f: float) -> None:
    pi = genuine_fraction(counts[:, 0], counts[:, 1], counts[:, 2], qs, min(qs + extra, 1.0), f)
    assert pi.shape == (len(counts),)
    assert ((pi >= 0) & (pi <= 1)).all()
    assert (pi[counts.sum(axis=1) == 0] == 1).all()
    half = counts // 2
    marks = MarkedCounts(half[:, 1], counts[:, 1] - half[:, 1], half[:, 2], zero_like(half), 0.6)
    marked = genuine_fraction(counts[:, 0], counts[:, 1], counts[:, 2], qs,
                              min(qs + extra, 1.0), f, marks, 0.2)
    assert ((marked >= 0) & (marked <= 1)).all()
    assert (marked[counts.sum(axis=1) == 0] == 1).all()


def zero_like(x: np.ndarray) -> np.ndarray:
    return np.zeros(len(x))
