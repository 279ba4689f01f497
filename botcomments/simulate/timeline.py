"""A stream session: host events and the non-homogeneous viewer activity they drive.

The host runs product segments (intro, price reveal, coupon "扣1", flash sale, lucky
draw); each event lifts chat activity for a while. Arrival times are drawn by inverting
the cumulative intensity on a 1-second grid, fully vectorised.

Example:
    >>> import numpy as np
    >>> tl = Timeline.generate(np.random.default_rng(0), duration=3600.0)
    >>> times = tl.sample(np.random.default_rng(1), 5)
    >>> bool(((times >= 0) & (times <= 3600)).all())
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botcomments.simulate.phrases import LUCKY_DRAW_PASSWORDS

EVENT_KINDS: tuple[str, ...] = (
    "opening",
    "product_intro",
    "price_reveal",
    "coupon",
    "flash_sale",
    "lucky_draw",
    "closing",
)
# How strongly each event lifts chat activity (relative to the base rate) and for how
# long (seconds, exponential decay).
_BUMP: dict[str, tuple[float, float]] = {
    "opening": (2.0, 120.0),
    "product_intro": (0.8, 90.0),
    "price_reveal": (2.5, 60.0),
    "coupon": (3.0, 40.0),
    "flash_sale": (3.0, 45.0),
    "lucky_draw": (2.5, 60.0),
    "closing": (1.5, 90.0),
}


@dataclass(frozen=True, slots=True)
class HostEvent:
    """Something the host did that viewers react to.

    Attributes:
        offset: Seconds since the session start.
        kind: One of :data:`EVENT_KINDS`.
        phrase: The lucky-draw password viewers must type, else None.
    """

    offset: float
    kind: str
    phrase: str | None = None


@dataclass(frozen=True)
class Timeline:
    """One session's host events and cumulative activity curve.

    Attributes:
        duration: Session length in seconds.
        events: Host events in time order.
        cdf: Normalised cumulative intensity at each whole second (length duration+1).
    """

    duration: float
    events: tuple[HostEvent, ...]
    cdf: np.ndarray

    @classmethod
    def generate(cls, rng: np.random.Generator, duration: float) -> Timeline:
        """Draw a host schedule and the activity curve it drives.

        Args:
            rng: Random source.
            duration: Session length in seconds.

        Returns:
            The timeline.
        """
        events = _schedule(rng, duration)
        grid = np.arange(int(np.ceil(duration)) + 1, dtype=np.float64)
        intensity = _base_rate(rng, grid, duration)
        for ev in events:
            amp, tau = _BUMP[ev.kind]
            amp *= rng.lognormal(0.0, 0.3)
            start = int(ev.offset)
            stop = min(len(grid), start + int(8 * tau))
            intensity[start:stop] += amp * np.exp(-(grid[start:stop] - ev.offset) / tau)
        cdf = np.concatenate(([0.0], np.cumsum(intensity[:-1])))
        cdf /= cdf[-1]
        return cls(float(duration), tuple(events), cdf)

    def sample(
        self,
        rng: np.random.Generator,
        n: int,
        lo: np.ndarray | float = 0.0,
        hi: np.ndarray | float | None = None,
    ) -> np.ndarray:
        """Draw ``n`` times (seconds since start) following the activity curve.

        Args:
            rng: Random source.
            n: Number of times.
            lo: Earliest offset (scalar or per-draw array).
            hi: Latest offset (scalar or per-draw array); None = session end.

        Returns:
            Float offsets, one per draw (not sorted).
        """
        grid = np.arange(len(self.cdf), dtype=np.float64)
        hi_ = self.duration if hi is None else hi
        c_lo = np.interp(lo, grid, self.cdf)
        c_hi = np.interp(hi_, grid, self.cdf)
        u = c_lo + rng.random(n) * (c_hi - c_lo)
        return np.asarray(np.interp(u, self.cdf, grid), dtype=np.float64)

    def event_offsets(self, kinds: tuple[str, ...] | None = None) -> np.ndarray:
        """Offsets of events (optionally only some kinds)."""
        return np.array(
            [e.offset for e in self.events if kinds is None or e.kind in kinds], dtype=np.float64
        )


def _base_rate(rng: np.random.Generator, grid: np.ndarray, duration: float) -> np.ndarray:
    """Ramp-up, slow random drift and a tail-off towards the end."""
    ramp = 1.0 - np.exp(-grid / rng.uniform(120.0, 600.0))
    steps = rng.normal(0.0, 1.0, size=len(grid) // 60 + 2)
    drift = np.cumsum(steps) * rng.uniform(0.05, 0.15)
    drift = np.interp(grid / 60.0, np.arange(len(drift)), drift - drift.mean())
    tail = 1.0 - 0.5 * np.clip((grid - 0.85 * duration) / (0.15 * duration + 1.0), 0.0, 1.0)
    return np.asarray(0.02 + ramp * np.exp(np.clip(drift, -1.5, 1.5)) * tail, dtype=np.float64)


def _schedule(rng: np.random.Generator, duration: float) -> list[HostEvent]:
    """Opening, product segments with price/coupon/flash sale, lucky draws, closing."""
    events = [HostEvent(float(rng.uniform(5.0, min(90.0, duration * 0.05))), "opening")]
    t = events[0].offset + rng.uniform(60.0, 240.0)
    next_draw = rng.uniform(600.0, 1500.0)
    end = duration - 120.0
    while t < end:
        events.append(HostEvent(t, "product_intro"))
        seg = float(rng.lognormal(np.log(360.0), 0.4))
        reveal = t + seg * rng.uniform(0.3, 0.6)
        if reveal < end:
            events.append(HostEvent(reveal, "price_reveal"))
            if rng.random() < 0.45:
                events.append(HostEvent(reveal + rng.uniform(20.0, 90.0), "coupon"))
            if rng.random() < 0.5:
                events.append(HostEvent(reveal + rng.uniform(60.0, 180.0), "flash_sale"))
        if t > next_draw and t + seg * 0.8 < end:
            phrase = LUCKY_DRAW_PASSWORDS[int(rng.integers(len(LUCKY_DRAW_PASSWORDS)))]
            events.append(HostEvent(t + seg * rng.uniform(0.7, 0.9), "lucky_draw", phrase))
            next_draw = t + rng.uniform(900.0, 2400.0)
        t += seg
    events.append(HostEvent(float(duration - rng.uniform(15.0, 90.0)), "closing"))
    events = [e for e in events if 0.0 <= e.offset < duration]
    events.sort(key=lambda e: e.offset)
    return events
