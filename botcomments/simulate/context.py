"""Shared per-run and per-room state of a simulation.

Example:
    >>> from botcomments.simulate.config import SimulationConfig
    >>> plans = plan_rooms(3, seed=1, config=SimulationConfig(room_size=(50, 50)))
    >>> [p.n_comments for p in plans]
    [50, 50, 50]
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from botcomments.simulate.config import PERSONAS, SimulationConfig
from botcomments.simulate.timeline import Timeline

PERSONA_CODE: dict[str, int] = {name: i for i, name in enumerate(PERSONAS)}
DAY = 86_400.0
ROAMING_SHARE = 0.3
"""Share of non-fan viewers drawn from the platform-wide pool (they visit many hosts)."""


@dataclass(frozen=True, slots=True)
class RoomPlan:
    """What is fixed about a room before its comments are drawn.

    Attributes:
        index: Room number in the run (0-based).
        room_id: Room id string.
        host: Host number; rooms of one host share fans.
        session: Session number of this host (one session a day).
        n_comments: Total comments in the room.
        bot_share: Target bot share drawn for the room.
        n_bot: Bot comments in the room (round(bot_share * n_comments)).
        start_ts: Unix seconds of the session start.
        duration: Session length in seconds.
    """

    index: int
    room_id: str
    host: int
    session: int
    n_comments: int
    bot_share: float
    n_bot: int
    start_ts: float
    duration: float


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Run-wide state: room plans, fan pools per host, bot service pools, roaming viewers."""

    seed: int
    rooms: tuple[RoomPlan, ...]
    fan_pool: dict[int, int]
    service_sizes: tuple[int, ...]
    n_squads: int
    viewer_pool: int


def plan_rooms(n_rooms: int, seed: int, config: SimulationConfig) -> list[RoomPlan]:
    """Draw room sizes, bot shares, hosts and session times for a run.

    Args:
        n_rooms: Number of rooms.
        seed: Run seed.
        config: Settings.

    Returns:
        One plan per room, in room order.
    """
    rng = np.random.default_rng([seed, 0, 0])
    lo, hi = config.room_size
    sizes = np.exp(rng.uniform(np.log(lo), np.log(hi) + 1e-12, n_rooms)).round().astype(int)
    sizes = np.clip(sizes, lo, hi)
    shares = rng.uniform(config.bot_share[0], config.bot_share[1], n_rooms)
    if config.bot_share_schedule is not None:
        sched = config.bot_share_schedule
        shares = np.array([sched[i % len(sched)] for i in range(n_rooms)], dtype=np.float64)
    hours = rng.uniform(config.session_hours[0], config.session_hours[1], n_rooms)
    evening = rng.uniform(18.5, 21.5, n_rooms) * 3600.0
    n_hosts = max(1, -(-n_rooms // config.sessions_per_host))
    plans = []
    for i in range(n_rooms):
        host, session = i % n_hosts, i // n_hosts
        n = int(sizes[i])
        plans.append(
            RoomPlan(
                index=i,
                room_id=f"sim-{seed}-{i:06d}",
                host=host,
                session=session,
                n_comments=n,
                bot_share=float(shares[i]),
                n_bot=round(float(shares[i]) * n),
                start_ts=round(config.start_ts + session * DAY + float(evening[i]) + host * 7.0, 3),
                duration=float(hours[i]) * 3600.0,
            )
        )
    return plans


def plan_run(n_rooms: int, seed: int, config: SimulationConfig) -> RunPlan:
    """Plan rooms plus the account pools shared across rooms.

    Args:
        n_rooms: Number of rooms.
        seed: Run seed.
        config: Settings.

    Returns:
        The run plan.
    """
    rooms = plan_rooms(n_rooms, seed, config)
    fan_pool: dict[int, int] = {}
    for p in rooms:
        need = int(0.12 * (p.n_comments - p.n_bot)) + 20
        fan_pool[p.host] = max(fan_pool.get(p.host, 0), need)
    rng = np.random.default_rng([seed, 0, 1])
    biggest = max((p.n_bot for p in rooms), default=0)
    base = max(300, biggest // 4)
    sizes = tuple(int(base * s) for s in rng.uniform(0.5, 2.0, config.n_bot_services))
    viewers = sum(p.n_comments - p.n_bot for p in rooms) * ROAMING_SHARE * 0.3
    return RunPlan(
        seed,
        tuple(rooms),
        fan_pool,
        sizes,
        n_squads=2 * config.n_bot_services,
        viewer_pool=max(200, int(viewers)),
    )


@dataclass(frozen=True, slots=True)
class Flood:
    """An organic flood: what triggered it and what viewers typed."""

    offset: float
    kind: str
    lines: tuple[str, ...]
    span: float


@dataclass
class Part:
    """A block of generated comments (parallel arrays).

    Attributes:
        offsets: Seconds since session start.
        users: int64 account ids.
        texts: Comment texts.
        persona: Persona codes (index into PERSONAS).
        campaign: Index of the campaign in the room (-1 for genuine comments).
    """

    offsets: np.ndarray
    users: np.ndarray
    texts: list[str]
    persona: np.ndarray
    campaign: int = -1

    def __post_init__(self) -> None:
        n = len(self.texts)
        if not len(self.offsets) == len(self.users) == len(self.persona) == n:
            raise ValueError(
                f"part arrays disagree: {len(self.offsets)} offsets, {len(self.users)} users, "
                f"{n} texts, {len(self.persona)} personas"
            )

    @classmethod
    def of(
        cls,
        offsets: np.ndarray,
        users: np.ndarray,
        texts: list[str],
        persona: str,
        campaign: int = -1,
    ) -> Part:
        """Build a part whose comments all share one persona."""
        code = np.full(len(texts), PERSONA_CODE[persona], dtype=np.int8)
        return cls(
            np.asarray(offsets, dtype=np.float64),
            np.asarray(users, dtype=np.int64),
            texts,
            code,
            campaign,
        )


@dataclass
class RoomContext:
    """Everything a generator needs for one room."""

    run: RunPlan
    plan: RoomPlan
    config: SimulationConfig
    timeline: Timeline
    rng: np.random.Generator
    rnd: random.Random
    corpus: tuple[str, ...] = ()
    floods: list[Flood] = field(default_factory=list)
