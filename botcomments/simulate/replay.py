"""Replayed real chat: real lines in their real order, given accounts and second-level times.

Real live-chat archives that may be trained on often lack what room-level detectors read:
``danmaku_live_2019`` (MIT) has real Bilibili live danmaku in posting order with
minute-resolution times and no user ids. :func:`replay_chat` keeps the real text and
order (so real chants, 复读 runs and slang stay exactly as viewers typed them) and draws
what is missing:

- **Times**: the lines of each coarse time bucket (a minute) are spread over it as sorted
  uniform draws, keeping their order.
- **Accounts**: viewers arrive (a line is a newcomer's with a fixed chance) with a
  lognormal activity weight, which gives the heavy-tailed per-viewer activity of real
  rooms (about half the viewers post once, a few post dozens of lines); other lines go
  to viewers who are *present* and *ready*: a viewer posts again only after a human gap
  (lognormal, drawn per post) and is gone after a long silence.
  Every parameter is drawn per room from a wide range (:class:`ReplaySettings`), so a
  model fitted on replays does not learn one setting.

The default ranges are matched to summary statistics of real per-user logs
(``danmaku_room_2020``, 25 Bilibili sessions, an evaluation corpus: only its rates and
distributions were measured; docs/real-rooms.md gives the comparison): 16-37 % of the
comments' count are distinct viewers, 47 % of viewers post once, a viewer's consecutive
lines are a median 118 s apart (10th percentile 17 s).

Example:
    >>> lines = ["草", "草", "哈哈哈", "来了", "主播好"] * 4
    >>> out = replay_chat(lines, [60.0 * (i // 5) for i in range(20)], "r1", seed=3)
    >>> len(out), out[0].room_id, all(c.user_id.startswith("r1-v") for c in out)
    (20, 'r1', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.records import Comment

REPLAY_PERSONA = "genuine_replay"
"""``extra["persona"]`` of replayed real lines."""


@dataclass(frozen=True)
class ReplaySettings:
    """Ranges the per-room account and timing parameters are drawn from (uniformly).

    Args:
        new_viewer_share: Chance that a line comes from a viewer who has not posted yet.
        activity_sigma: Log-sd of the viewers' lognormal activity weights (heavier tail:
            a few viewers write many of the lines).
        gap_median_s: Median of a viewer's lognormal gap before posting again (seconds).
        gap_sigma: Log-sd of that gap.
        stay_median_s: Median silence (lognormal, log-sd 1) after which a viewer has left.
        resolution_s: Width of the coarse time buckets the input times stand for.

    Raises:
        ValueError: If a range is reversed or out of its domain.
    """

    new_viewer_share: tuple[float, float] = (0.15, 0.37)
    activity_sigma: tuple[float, float] = (1.2, 1.8)
    gap_median_s: tuple[float, float] = (8.0, 30.0)
    gap_sigma: tuple[float, float] = (1.0, 1.6)
    stay_median_s: tuple[float, float] = (900.0, 3600.0)
    resolution_s: float = 60.0

    def __post_init__(self) -> None:
        for name in ("new_viewer_share", "activity_sigma", "gap_median_s", "gap_sigma",
                     "stay_median_s"):
            lo, hi = getattr(self, name)
            if lo > hi:
                raise ValueError(f"{name}={(lo, hi)}: low must not exceed high")
        if not (self.new_viewer_share[0] > 0.0 and self.new_viewer_share[1] <= 1.0):
            raise ValueError(f"new_viewer_share={self.new_viewer_share} must lie in (0, 1]")
        if min(self.activity_sigma[0], self.gap_median_s[0], self.gap_sigma[0],
               self.stay_median_s[0], self.resolution_s) <= 0:
            raise ValueError("activity sigma, gap, gap sigma, stay and resolution must be > 0")


def spread_times(coarse_ts: Sequence[float], resolution_s: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Second-level times for lines whose times are known to ``resolution_s``.

    Args:
        coarse_ts: Non-decreasing bucket start per line (unix seconds).
        resolution_s: Bucket width.
        rng: Random source.

    Returns:
        Non-decreasing times, each within its line's bucket, order kept.

    Raises:
        ValueError: If the coarse times decrease.
    """
    coarse = np.asarray(coarse_ts, dtype=float)
    if len(coarse) and np.any(np.diff(coarse) < 0):
        raise ValueError("coarse times must be non-decreasing (lines in posting order)")
    offsets = rng.uniform(0.0, resolution_s, len(coarse))
    # sort the offsets inside each bucket so the real order survives
    order = np.lexsort((offsets, coarse))
    return coarse + offsets[order]


def assign_viewers(times: np.ndarray, settings: ReplaySettings,
                   rng: np.random.Generator) -> np.ndarray:
    """Viewer index per line: new arrivals, or a present and ready viewer by activity.

    Each line comes from a new viewer with probability ``new_viewer_share`` (or when no
    one is present and ready); otherwise from a viewer who is still present (silent for
    less than their stay) and ready (their human gap since the last line has passed),
    drawn in proportion to their lognormal activity weight.

    Args:
        times: Non-decreasing line times (seconds).
        settings: Parameter ranges (one value of each drawn for this call).
        rng: Random source.

    Returns:
        Viewer index per line (0 = the first viewer to post).
    """
    n = len(times)
    p_new = rng.uniform(*settings.new_viewer_share)
    sigma = rng.uniform(*settings.activity_sigma)
    gaps = rng.lognormal(np.log(rng.uniform(*settings.gap_median_s)),
                         rng.uniform(*settings.gap_sigma), n)
    stays = rng.lognormal(np.log(rng.uniform(*settings.stay_median_s)), 1.0, n)
    activity = rng.lognormal(0.0, sigma, n)
    uniforms = rng.random((n, 2))
    ready_at = np.zeros(n)
    gone_at = np.zeros(n)
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i, t in enumerate(times):
        weights = np.where((ready_at[:k] <= t) & (gone_at[:k] >= t), activity[:k], 0.0)
        cumulative = np.cumsum(weights)
        total = cumulative[-1] if k else 0.0
        if total <= 0.0 or uniforms[i, 0] < p_new:
            who = k
            k += 1
        else:
            who = min(int(np.searchsorted(cumulative, uniforms[i, 1] * total, side="right")),
                      k - 1)
        ready_at[who] = t + gaps[i]
        gone_at[who] = t + stays[i]
        out[i] = who
    return out


def replay_chat(lines: Sequence[str], coarse_ts: Sequence[float], room_id: str, seed: int,
                settings: ReplaySettings | None = None) -> list[Comment]:
    """Real lines in posting order as a room of accounts with second-level times.

    Args:
        lines: Real chat lines in posting order.
        coarse_ts: Bucket start (unix seconds) of each line, non-decreasing.
        room_id: Room id; accounts are ``<room_id>-v<n>``.
        seed: Seed of the drawn times and accounts.
        settings: Parameter ranges (default :class:`ReplaySettings`).

    Returns:
        Comments labelled 0 with ``extra["persona"]`` = :data:`REPLAY_PERSONA`.

    Raises:
        ValueError: If ``lines`` and ``coarse_ts`` differ in length or times decrease.
    """
    if len(lines) != len(coarse_ts):
        raise ValueError(f"{len(lines)} lines but {len(coarse_ts)} times: give one time a line")
    settings = settings or ReplaySettings()
    rng = np.random.default_rng([seed, 41])
    times = spread_times(coarse_ts, settings.resolution_s, rng)
    viewers = assign_viewers(times, settings, rng)
    return [Comment(text, room_id, ts=float(t), user_id=f"{room_id}-v{v}", platform="replay",
                    label=0, extra={"persona": REPLAY_PERSONA})
            for text, t, v in zip(lines, times.tolist(), viewers.tolist(), strict=True)]
