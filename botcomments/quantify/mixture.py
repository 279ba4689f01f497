"""Genuine entrants of a group of entrants that mixes a genuine audience with bought accounts.

Each entrant of a group (an entry burst, a drip) is *strong* (comments or gifts), *weak*
(only likes or follows) or *idle*. Genuine entrants fall in these at the room's own
shares, measured where no bought accounts were found: ``qs`` strong and ``q`` interacting
in all. Bought accounts rarely comment unnoticed (the scorer judges their comments) and
never gift, but some like a little to look real: they are weak at a share ``f`` and idle
otherwise. The genuine fraction ``pi`` of a group maximises the multinomial likelihood

    P(strong) = pi * qs,  P(weak) = pi * (q - qs) + (1 - pi) * f,  P(idle) = the rest,

and ``f``, shared by the room's groups, maximises the groups' likelihood together
(:func:`fit_bot_weak_share`). The strong entrants carry the weight: bots that like at the
genuine rate leave the weak and idle counts of a genuine crowd, but not its commenters.

Example:
    >>> import numpy as np
    >>> # 430 entrants, none commenting, 34 liking, in a room where 3 % comment, 8 % act
    >>> pi = genuine_fraction(np.array([0.0]), np.array([34.0]), np.array([396.0]),
    ...                       qs=0.03, q=0.08, f=0.079)
    >>> float(pi[0]) < 0.05
    True
"""

from __future__ import annotations

import numpy as np

PI_GRID = np.linspace(0.0, 1.0, 201)
"""Genuine fractions the likelihood is evaluated at (steps of 0.005)."""
F_GRID_MAX = 0.5
F_GRID = np.linspace(0.0, F_GRID_MAX, 51)
"""Weak shares of bought accounts tried by :func:`fit_bot_weak_share`."""
_EPS = 1e-9


def _log_lik(strong: np.ndarray, weak: np.ndarray, idle: np.ndarray,
             qs: np.ndarray | float, q: np.ndarray | float, f: np.ndarray | float
             ) -> np.ndarray:
    """Log-likelihood at every grid fraction: inputs broadcast against the grid, which is
    the last axis."""
    pi = PI_GRID
    p_strong = np.maximum(pi * qs, _EPS)
    p_weak = np.maximum(pi * np.maximum(q - qs, 0.0) + (1.0 - pi) * f, _EPS)
    p_idle = np.maximum(1.0 - pi * q - (1.0 - pi) * f, _EPS)
    return strong * np.log(p_strong) + weak * np.log(p_weak) + idle * np.log(p_idle)


def genuine_fraction(
    strong: np.ndarray,
    weak: np.ndarray,
    idle: np.ndarray,
    qs: float | np.ndarray,
    q: float | np.ndarray,
    f: float | np.ndarray,
) -> np.ndarray:
    """Maximum-likelihood genuine fraction of each group.

    Args:
        strong: Commenting or gifting entrants per group (any shape).
        weak: Entrants that only liked or followed.
        idle: Entrants that never acted.
        qs: Strong share of the room's genuine entrants (scalar, or one per leading row).
        q: Interacting share of the room's genuine entrants (``q >= qs``).
        f: Weak share of bought accounts.

    Returns:
        The fraction per group (same shape as ``strong``), on a 0.005 grid; 1 for empty
        groups.
    """
    s, w, i = (np.asarray(a, dtype=float)[..., None] for a in (strong, weak, idle))
    lead = s.ndim - 1

    def col(x: float | np.ndarray) -> np.ndarray:
        a = np.asarray(x, dtype=float)
        return a.reshape(a.shape + (1,) * (lead + 1 - a.ndim))

    ll = _log_lik(s, w, i, col(qs), col(q), col(f))
    pi = PI_GRID[np.argmax(ll, axis=-1)]
    return np.where((s + w + i)[..., 0] > 0, pi, 1.0)


def fit_bot_weak_share(strong: np.ndarray, weak: np.ndarray, idle: np.ndarray, qs: float,
                       q: float) -> float:
    """Weak share of the bought accounts, shared by a room's groups (profile likelihood).

    Without strong entrants in the room (``qs`` = 0) the share cannot be told from the
    genuine fraction and is 0 (bought accounts do not act).

    Args:
        strong, weak, idle: Counts per group (1-D).
        qs, q: The room's genuine strong and interacting shares.

    Returns:
        The share on :data:`F_GRID` maximising the groups' likelihood (the lowest on ties).
    """
    if qs <= 0 or not len(strong):
        return 0.0
    s, w, i = (np.asarray(a, dtype=float)[:, None, None] for a in (strong, weak, idle))
    ll = _log_lik(s, w, i, qs, q, F_GRID[None, :, None])  # (groups, f, pi)
    return float(F_GRID[int(np.argmax(ll.max(axis=-1).sum(axis=0)))])
