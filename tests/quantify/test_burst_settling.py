"""The burst-and-drip search settles on a state whose shares are its own."""

from __future__ import annotations

import numpy as np

from botcomments.quantify.bubble import fit_entry_bins, interaction_shares, settle_bursts

# A clean room of 39 minutes (simulator seed 100058 of the development range): every
# minute's entrants act at about 0.38, but minute 10 is a commenter surge (35 of 53 act).
# Against that minute alone the rest of the session reads as one drip, and against the
# rest most minutes read as bursts: the search cycles between the two.
ENTRANTS = [100, 92, 90, 102, 131, 85, 70, 52, 70, 67, 53, 43, 37, 56, 35, 38, 67, 88, 66,
            84, 68, 74, 70, 71, 75, 80, 66, 82, 64, 78, 62, 72, 68, 94, 99, 82, 99, 86, 34]
ACTING = [41, 33, 33, 40, 44, 32, 24, 20, 28, 28, 35, 19, 8, 17, 9, 14, 33, 29, 21, 23, 26,
          27, 28, 28, 29, 33, 17, 32, 27, 30, 23, 20, 29, 26, 33, 33, 41, 35, 6]
COMMENTING = [17, 17, 14, 15, 19, 13, 5, 6, 14, 10, 22, 8, 4, 8, 3, 8, 16, 18, 11, 9, 12, 13,
              13, 10, 13, 19, 6, 10, 9, 13, 7, 9, 10, 10, 16, 16, 22, 19, 5]


def surge_room() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(when, known, strong, interacting)`` per account of the room above."""
    when: list[float] = []
    strong: list[bool] = []
    acting: list[bool] = []
    for minute, (n, k, ks) in enumerate(zip(ENTRANTS, ACTING, COMMENTING, strict=True)):
        when += (minute * 60.0 + np.linspace(0.0, 59.0, n)).tolist()
        strong += [True] * ks + [False] * (n - ks)
        acting += [True] * k + [False] * (n - k)
    return (np.array(when), np.zeros(len(when), dtype=bool), np.array(strong),
            np.array(acting))


def test_a_cycling_search_keeps_the_shares_of_the_bins_it_returns() -> None:
    bins = fit_entry_bins(*surge_room())
    assert (bins.q, bins.qs) == interaction_shares(bins.free, bins.k, bins.ks, ~bins.burst)
    # before: the shares of minute 10 alone with the bursts of the next round, 0.51 genuine
    assert bins.genuine().sum() / bins.free.sum() > 0.95


def test_a_cycle_ends_at_its_state_with_fewest_burst_bins() -> None:
    few, many = np.array([True, False, False, False]), np.array([True, True, True, False])

    def step(burst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        new = many if np.array_equal(burst, few) else few
        return new, np.where(new, 0, -1)

    burst, run = settle_bursts(step, 4)
    assert burst.tolist() == few.tolist() and run.tolist() == [0, -1, -1, -1]


def test_a_search_that_settles_returns_its_fixed_point() -> None:
    target = np.array([False, True, True, False])

    def step(burst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return target.copy(), np.full(4, -1)

    burst, _ = settle_bursts(step, 4)
    assert burst.tolist() == target.tolist()
