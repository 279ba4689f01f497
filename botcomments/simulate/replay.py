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
- **Self-repeats**: real viewers repeat their own lines (one viewer chanting a meme
  dozens of times in a few minutes). A line whose normal form was posted in the last
  ten minutes goes, with a per-room chance, back to one of the viewers who posted it,
  in proportion to the cube of how often each did (so a few chanters carry a chant).

Every parameter is drawn per room from a wide range (:class:`ReplaySettings`), so a
  model fitted on replays does not learn one setting.

The default ranges are matched to summary statistics of real per-user logs
(``danmaku_room_2020``, 25 Bilibili sessions, an evaluation corpus: only its rates and
distributions were measured; docs/simulator.md gives the comparison): 16-37 % of the
comments' count are distinct viewers, 47 % of viewers post once, a viewer's consecutive
lines are a median 118 s apart (10th percentile 17 s), 18 % of the lines that repeat a
line of the last ten minutes repeat the viewer's own, and one viewer posts one line 5+
times about 58 times per 10,000 comments (20+ times: 2.9).

Example:
    >>> lines = ["草", "草", "哈哈哈", "来了", "主播好"] * 4
    >>> out = replay_chat(lines, [60.0 * (i // 5) for i in range(20)], "r1", seed=3)
    >>> len(out), out[0].room_id, all(c.user_id.startswith("r1-v") for c in out)
    (20, 'r1', True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.records import Comment
from botcomments.text.normalize import normalize

REPLAY_PERSONA = "genuine_replay"
"""``extra["persona"]`` of replayed real lines."""


REPEAT_PREFERENCE = 3.0
"""Exponent of a recent poster's count in the self-repeat draw: real self-repeats come
from few viewers who repeat a lot (measured: see the module docstring)."""


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
        self_repeat_share: Chance that a line repeating one of the last
            ``repeat_window_s`` goes back to a viewer who posted it then.
        repeat_window_s: How far back a line counts as repeated.
        repeat_gap_s: Shortest gap between two lines of one viewer in a self-repeat.
        resolution_s: Width of the coarse time buckets the input times stand for.

    Raises:
        ValueError: If a range is reversed or out of its domain.
    """

    new_viewer_share: tuple[float, float] = (0.15, 0.37)
    activity_sigma: tuple[float, float] = (1.2, 1.8)
    gap_median_s: tuple[float, float] = (8.0, 30.0)
    gap_sigma: tuple[float, float] = (1.0, 1.6)
    stay_median_s: tuple[float, float] = (900.0, 3600.0)
    self_repeat_share: tuple[float, float] = (0.08, 0.25)
    repeat_window_s: float = 600.0
    repeat_gap_s: float = 2.0
    resolution_s: float = 60.0

    def __post_init__(self) -> None:
        for name in ("new_viewer_share", "activity_sigma", "gap_median_s", "gap_sigma",
                     "stay_median_s", "self_repeat_share"):
            lo, hi = getattr(self, name)
            if lo > hi:
                raise ValueError(f"{name}={(lo, hi)}: low must not exceed high")
        if not (self.new_viewer_share[0] > 0.0 and self.new_viewer_share[1] <= 1.0):
            raise ValueError(f"new_viewer_share={self.new_viewer_share} must lie in (0, 1]")
        if not (self.self_repeat_share[0] >= 0.0 and self.self_repeat_share[1] <= 1.0):
            raise ValueError(f"self_repeat_share={self.self_repeat_share} must lie in [0, 1]")
        if self.repeat_window_s <= 0 or self.repeat_gap_s < 0:
            raise ValueError("repeat_window_s must be > 0 and repeat_gap_s >= 0")
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


class _RecentPosters:
    """Who posted each line within the repeat window, and how often (for self-repeats).

    Args:
        window_s: How far back a post counts.
        gap_s: Shortest gap between two posts of one viewer.
    """

    def __init__(self, window_s: float, gap_s: float) -> None:
        self.window_s = window_s
        self.gap_s = gap_s
        self._posts: dict[Hashable, dict[int, tuple[int, float]]] = defaultdict(dict)

    def pick(self, key: Hashable, t: float, last_post: np.ndarray, gone_at: np.ndarray,
             u: float) -> int | None:
        """A viewer who posted ``key`` recently, in proportion to how often, or None.

        Args:
            key: Normal form of the line.
            t: Its time.
            last_post: Time of each viewer's last line.
            gone_at: Time each viewer leaves.
            u: Uniform draw in [0, 1).

        Returns:
            The viewer, or None when no one who posted it is present and past the gap.
        """
        posters = self._posts.get(key)
        if not posters:
            return None
        candidates = [(v, n) for v, (n, last) in posters.items()
                      if t - last <= self.window_s and t - last_post[v] >= self.gap_s
                      and gone_at[v] >= t]
        if not candidates:
            return None
        cumulative = np.cumsum([float(n) ** REPEAT_PREFERENCE for _, n in candidates])
        index = int(np.searchsorted(cumulative, u * cumulative[-1], side="right"))
        return candidates[min(index, len(candidates) - 1)][0]

    def add(self, key: Hashable, viewer: int, t: float) -> None:
        """Record a post (a count older than the window starts again at 1).

        Args:
            key: Normal form of the line.
            viewer: Who posted it.
            t: When.
        """
        n, last = self._posts[key].get(viewer, (0, t))
        self._posts[key][viewer] = (n + 1 if t - last <= self.window_s else 1, t)


def _present_and_ready(t: float, k: int, activity: np.ndarray, ready_at: np.ndarray,
                       gone_at: np.ndarray, u: float) -> int | None:
    """A present, ready viewer drawn by activity weight, or None when there is none."""
    weights = np.where((ready_at[:k] <= t) & (gone_at[:k] >= t), activity[:k], 0.0)
    cumulative = np.cumsum(weights)
    total = cumulative[-1] if k else 0.0
    if total <= 0.0:
        return None
    return min(int(np.searchsorted(cumulative, u * total, side="right")), k - 1)


def assign_viewers(times: np.ndarray, settings: ReplaySettings, rng: np.random.Generator,
                   keys: Sequence[Hashable] | None = None) -> np.ndarray:
    """Viewer index per line: self-repeats, new arrivals, or a present and ready viewer.

    With ``keys``, a line whose key was posted within ``repeat_window_s`` goes back to
    one of its recent posters with probability ``self_repeat_share`` (weight: how often
    each posted it, to the power :data:`REPEAT_PREFERENCE`). Otherwise the line comes
    from a new viewer with probability ``new_viewer_share`` (or when no one is present
    and ready), else from a viewer who is still present (silent for less than their
    stay) and ready (their human gap since the last line has passed), drawn in
    proportion to their lognormal activity weight.

    Args:
        times: Non-decreasing line times (seconds).
        settings: Parameter ranges (one value of each drawn for this call).
        rng: Random source.
        keys: Normal form per line (None: no self-repeats).

    Returns:
        Viewer index per line (0 = the first viewer to post).

    Raises:
        ValueError: If ``keys`` and ``times`` differ in length.
    """
    n = len(times)
    if keys is not None and len(keys) != n:
        raise ValueError(f"{len(keys)} keys for {n} times: give one key a line")
    p_new = rng.uniform(*settings.new_viewer_share)
    sigma = rng.uniform(*settings.activity_sigma)
    gaps = rng.lognormal(np.log(rng.uniform(*settings.gap_median_s)),
                         rng.uniform(*settings.gap_sigma), n)
    stays = rng.lognormal(np.log(rng.uniform(*settings.stay_median_s)), 1.0, n)
    activity = rng.lognormal(0.0, sigma, n)
    p_repeat = rng.uniform(*settings.self_repeat_share)
    uniforms = rng.random((n, 4))
    ready_at = np.zeros(n)
    gone_at = np.zeros(n)
    last_post = np.full(n, -np.inf)
    recent = _RecentPosters(settings.repeat_window_s, settings.repeat_gap_s)
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i, t in enumerate(times.tolist()):
        who = None
        if keys is not None and uniforms[i, 2] < p_repeat:
            who = recent.pick(keys[i], t, last_post, gone_at, uniforms[i, 3])
        if who is None and uniforms[i, 0] >= p_new:
            who = _present_and_ready(t, k, activity, ready_at, gone_at, uniforms[i, 1])
        if who is None:
            who = k
            k += 1
        ready_at[who] = t + gaps[i]
        gone_at[who] = t + stays[i]
        last_post[who] = t
        if keys is not None:
            recent.add(keys[i], who, t)
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
    viewers = assign_viewers(times, settings, rng, keys=[normalize(x).text for x in lines])
    return [Comment(text, room_id, ts=float(t), user_id=f"{room_id}-v{v}", platform="replay",
                    label=0, extra={"persona": REPLAY_PERSONA})
            for text, t, v in zip(lines, times.tolist(), viewers.tolist(), strict=True)]
