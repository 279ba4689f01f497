"""Genuine entrants of a group of entrants that mixes a genuine audience with bought accounts.

Each entrant of a group (an entry burst, a drip) is *strong* (comments or gifts), *weak*
(only likes or follows) or *idle*. Genuine entrants fall in these at the room's own
shares, measured where no bought accounts were found: ``qs`` strong and ``q`` interacting
in all. Bought accounts rarely comment unnoticed (the scorer judges their comments) and
never gift, but some like a little to look real: they are weak at a share ``f`` and idle
otherwise. The genuine fraction ``pi`` of a group maximises the multinomial likelihood

    P(strong) = pi * qs,  P(weak) = pi * (q - qs) + (1 - pi) * f,  P(idle) = the rest,

and ``f``, shared by the room's groups, maximises the groups' likelihood together
(:func:`fit_bot_shares`). The strong entrants carry the weight: bots that like at the
genuine rate leave the weak and idle counts of a genuine crowd, but not its commenters.

A *genuine marker* (a platform level at or above the room's threshold; not counted bought
in another room of the run) splits the weak and idle entrants further: genuine entrants
carry it at the share ``s`` of the room's reference (its interacting accounts outside
bursts and drips), bought accounts at a share ``a`` fitted with ``f`` (aged accounts,
services selling levels; when ``a`` comes out near ``s`` the marker tells nothing and the
fit rests on the acts alone). Entrants whose marker is unknown (no level) count in the
acts only (:class:`MarkedCounts`).

Example:
    >>> import numpy as np
    >>> # 430 entrants, none commenting, 34 liking, in a room where 3 % comment, 8 % act
    >>> pi = genuine_fraction(np.array([0.0]), np.array([34.0]), np.array([396.0]),
    ...                       qs=0.03, q=0.08, f=0.079)
    >>> float(pi[0]) < 0.05
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botcomments.quantify.drips import BASELINE_DRIFT

DOUBT_Z = 2.0
"""Standard deviations of benefit of the doubt: a burst whose composition a genuine
audience explains within this many (:func:`genuine_looking`) is all genuine (the idle
comparison's own doubt is :data:`~botcomments.quantify.marker.LEVEL_Z`)."""
PI_GRID = np.linspace(0.0, 1.0, 201)
"""Genuine fractions the likelihood is evaluated at (steps of 0.005)."""
F_GRID_MAX = 0.5
F_GRID = np.linspace(0.0, F_GRID_MAX, 51)
"""Weak shares of bought accounts tried by :func:`fit_bot_shares`."""
A_GRID = np.linspace(0.0, 1.0, 21)
"""Shares of bought accounts carrying the genuine marker tried by :func:`fit_bot_shares`."""
_EPS = 1e-9


@dataclass(frozen=True)
class MarkedCounts:
    """Weak and idle entrants per group that carry the genuine marker and that are known not
    to (the rest of a group's weak and idle entrants: marker unknown).

    Attributes:
        weak_marked, weak_unmarked, idle_marked, idle_unmarked: Counts, shaped like the
            groups' weak and idle counts.
        share: Share of the room's genuine accounts carrying the marker (the reference's).
    """

    weak_marked: np.ndarray
    weak_unmarked: np.ndarray
    idle_marked: np.ndarray
    idle_unmarked: np.ndarray
    share: float


def _cells(weak: np.ndarray, idle: np.ndarray, marks: MarkedCounts | None
           ) -> tuple[np.ndarray, ...]:
    """Weak and idle counts as (marked, unmarked, unknown) cells, grid axis appended."""
    if marks is None:
        zero = np.zeros_like(weak)
        parts: tuple[np.ndarray, ...] = (zero, zero, weak, zero, zero, idle)
    else:
        wm, wu, im, iu = (np.asarray(x, dtype=float) for x in (
            marks.weak_marked, marks.weak_unmarked, marks.idle_marked, marks.idle_unmarked))
        parts = (wm, wu, np.maximum(weak - wm - wu, 0.0),
                 im, iu, np.maximum(idle - im - iu, 0.0))
    return tuple(np.asarray(x, dtype=float)[..., None] for x in parts)


def _log_lik(strong: np.ndarray, weak: np.ndarray, idle: np.ndarray,
             qs: np.ndarray | float, q: np.ndarray | float, f: np.ndarray | float,
             marks: MarkedCounts | None = None, a: np.ndarray | float = 0.0) -> np.ndarray:
    """Log-likelihood at every grid fraction: inputs broadcast against the grid, which is
    the last axis (``strong``, ``weak`` and ``idle`` without it)."""
    pi = PI_GRID
    s = 1.0 if marks is None else marks.share
    genuine_weak = pi * np.maximum(q - qs, 0.0)
    bought_weak = (1.0 - pi) * f
    genuine_idle = pi * (1.0 - q)
    bought_idle = (1.0 - pi) * (1.0 - f)
    wm, wu, wx, im, iu, ix = _cells(np.asarray(weak, dtype=float),
                                    np.asarray(idle, dtype=float), marks)

    def term(count: np.ndarray, p: np.ndarray) -> np.ndarray:
        return count * np.log(np.maximum(p, _EPS))

    out = np.asarray(strong, dtype=float)[..., None] * np.log(np.maximum(pi * qs, _EPS))
    out = out + term(wx, genuine_weak + bought_weak) + term(ix, genuine_idle + bought_idle)
    if marks is not None:
        out = out + (term(wm, genuine_weak * s + bought_weak * a)
                     + term(wu, genuine_weak * (1 - s) + bought_weak * (1 - a))
                     + term(im, genuine_idle * s + bought_idle * a)
                     + term(iu, genuine_idle * (1 - s) + bought_idle * (1 - a)))
    return out


def genuine_fraction(
    strong: np.ndarray,
    weak: np.ndarray,
    idle: np.ndarray,
    qs: float | np.ndarray,
    q: float | np.ndarray,
    f: float | np.ndarray,
    marks: MarkedCounts | None = None,
    a: float = 0.0,
) -> np.ndarray:
    """Maximum-likelihood genuine fraction of each group.

    Args:
        strong: Commenting or gifting entrants per group (any shape).
        weak: Entrants that only liked or followed.
        idle: Entrants that never acted.
        qs: Strong share of the room's genuine entrants (scalar, or one per leading row).
        q: Interacting share of the room's genuine entrants (``q >= qs``).
        f: Weak share of bought accounts.
        marks: The weak and idle entrants split by the genuine marker (None: no marker).
        a: Share of bought accounts carrying the marker.

    Returns:
        The fraction per group (same shape as ``strong``), on a 0.005 grid; 1 for empty
        groups.
    """
    s, w, i = (np.asarray(x, dtype=float) for x in (strong, weak, idle))
    grid = np.zeros((*s.shape, 1))
    ll = _log_lik(s, w, i, _per_row(qs, grid), _per_row(q, grid), _per_row(f, grid), marks, a)
    pi = PI_GRID[np.argmax(ll, axis=-1)]
    return np.where(s + w + i > 0, pi, 1.0)


def _per_row(x: float | np.ndarray, like: np.ndarray) -> np.ndarray:
    """A scalar, or one value per leading row, shaped to broadcast against ``like``."""
    arr = np.asarray(x, dtype=float)
    return arr.reshape(arr.shape + (1,) * (like.ndim - arr.ndim))


def _shortfall_z(seen: np.ndarray, n: np.ndarray, share: np.ndarray) -> np.ndarray:
    """How many standard deviations ``seen`` of ``n`` falls below the genuine ``share``
    (binomial noise plus the genuine audience's drift, :data:`BASELINE_DRIFT`)."""
    sd = np.sqrt(n * share * (1.0 - share) + (BASELINE_DRIFT * share * n) ** 2)
    return (share * n - seen) / np.maximum(sd, _EPS)


def genuine_looking(strong: np.ndarray, weak: np.ndarray, idle: np.ndarray,
                    qs: float | np.ndarray, q: float | np.ndarray,
                    marks: MarkedCounts | None = None) -> np.ndarray:
    """Groups a genuine audience explains: their strong share, acting share and (with a
    marker) marked share each fall short of the room's by under :data:`DOUBT_Z` standard
    deviations, binomial noise plus the genuine drift (:data:`BASELINE_DRIFT`). A crowd
    the feed pushes, or real chat surging, enters in bursts that act a little less than
    the room; counting such a group bought on its maximum-likelihood fraction reads
    clean rooms bought.

    Args:
        strong, weak, idle: Counts per group (any shape; rows for replicates).
        qs, q: The room's genuine strong and interacting shares (scalar, or per row).
        marks: The weak and idle entrants split by the genuine marker (None: no marker).

    Returns:
        Per group, whether it looks genuine (False for empty groups).
    """
    s, w, i = (np.asarray(x, dtype=float) for x in (strong, weak, idle))
    n = s + w + i
    ok = ((_shortfall_z(s, n, _per_row(qs, n)) < DOUBT_Z)
          & (_shortfall_z(s + w, n, _per_row(q, n)) < DOUBT_Z))
    if marks is not None:
        marked = np.asarray(marks.weak_marked + marks.idle_marked, dtype=float)
        known = marked + marks.weak_unmarked + marks.idle_unmarked
        ok &= _shortfall_z(marked, known, np.full_like(known, marks.share)) < DOUBT_Z
    return ok & (n > 0)


def _with_grid_axes(*counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-group counts with two axes appended (for the f and a grids)."""
    wm, wu, im, iu = (np.asarray(x, dtype=float)[:, None, None] for x in counts)
    return wm, wu, im, iu


def fit_bot_shares(strong: np.ndarray, weak: np.ndarray, idle: np.ndarray, qs: float,
                   q: float, marks: MarkedCounts | None = None) -> tuple[float, float]:
    """Weak share and marker share of the bought accounts, shared by a room's groups
    (profile likelihood).

    Without strong entrants in the room (``qs`` = 0) the weak share cannot be told from
    the genuine fraction and is 0 (bought accounts do not act); without a marker the
    marker share is 0.

    Args:
        strong, weak, idle: Counts per group (1-D).
        qs, q: The room's genuine strong and interacting shares.
        marks: The weak and idle entrants split by the genuine marker (None: no marker).

    Returns:
        ``(f, a)`` on :data:`F_GRID` and :data:`A_GRID` maximising the groups' likelihood
        (the lowest on ties).
    """
    if not len(strong):
        return 0.0, 0.0
    f_grid = F_GRID if qs > 0 else F_GRID[:1]
    a_grid = A_GRID if marks is not None else A_GRID[:1]
    s, w, i = (np.asarray(x, dtype=float)[:, None, None] for x in (strong, weak, idle))
    grid_marks = None if marks is None else MarkedCounts(
        *_with_grid_axes(marks.weak_marked, marks.weak_unmarked, marks.idle_marked,
                         marks.idle_unmarked), share=marks.share)
    ll = _log_lik(s, w, i, qs, q, f_grid[None, :, None, None], grid_marks,
                  a_grid[None, None, :, None])
    total = ll.max(axis=-1).sum(axis=0)  # (f, a)
    best_f, best_a = np.unravel_index(int(np.argmax(total)), total.shape)
    return float(f_grid[best_f]), float(a_grid[best_a])
