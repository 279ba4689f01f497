"""Accounts shared by the rooms of one archive: platform regulars and service pools.

Rooms simulated one by one (:func:`~botcomments.simulate.engagement.simulate_engagement`)
never share an account. In a platform's archive they do: real viewers follow several
hosts, and services selling viewers serve many rooms from one pool of accounts (the
"same account set appearing across many rooms", ../shared/DESIGN.md §1).
:func:`share_accounts` rewrites the account ids of a set of simulated rooms so that

- a share of each room's genuine viewers are platform *regulars*, drawn from one pool of
  the archive and so seen in other rooms too (lurkers may hop more or less than viewers
  who act: a ratio drawn per archive), and
- each room's bought accounts come from one of 1-3 *services*: a service either sells
  fresh accounts for every order (no reuse) or draws them from a pool sized so that an
  account serves ``reuse`` rooms on average (0.3-10, log-uniform).

Every figure is drawn per archive (domain randomisation): how often real regulars hop
and how large real service pools are is not measured (no real engagement feed exists in
the corpora). Labels, times and counts are unchanged, so each room's truth stays valid.
An account's level is still the one drawn in each room (a pooled account may show
different levels in two rooms).

Example:
    >>> from botcomments.simulate.engagement import simulate_engagement
    >>> rooms = [simulate_engagement(f"r{i}", i, 0.5, 0.0) for i in range(3)]
    >>> shared, params = share_accounts(rooms, seed=1)
    >>> [r.truth.n_viewers for r in shared] == [r.truth.n_viewers for r in rooms]
    True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.simulate.engagement import EngagementRoom

REGULAR_SHARE_MAX = 0.3
"""Largest share of a room's genuine viewers who are regulars of the archive (drawn 0 to
this per archive; a guess)."""
LURKER_RATIO = (0.67, 1.5)
"""Range (log-uniform) of how much more often lurkers than acting viewers are regulars."""
VISITS_PER_REGULAR = (1.5, 6.0)
"""Range (log-uniform) of the rooms a regular visits on average."""
SERVICE_REUSE = (0.3, 10.0)
"""Range (log-uniform) of the rooms a service-pool account serves on average."""
FRESH_SERVICE_SHARE = 0.25
"""Share of services selling fresh accounts for every order (never reused)."""
MAX_SERVICES = 3


@dataclass(frozen=True)
class PoolParams:
    """How an archive's rooms share accounts.

    Attributes:
        regular_share: Share of a room's genuine viewers who are regulars.
        lurker_ratio: Regular share of lurkers relative to acting viewers.
        visits_per_regular: Rooms a regular visits on average.
        service_reuse: Per service, rooms a pool account serves on average (0: fresh
            accounts for every order).
    """

    regular_share: float
    lurker_ratio: float
    visits_per_regular: float
    service_reuse: tuple[float, ...]


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def draw_pool_params(rng: np.random.Generator) -> PoolParams:
    """Draw one archive's sharing parameters.

    Args:
        rng: Random generator.

    Returns:
        The parameters.
    """
    n_services = int(rng.integers(1, MAX_SERVICES + 1))
    reuse = tuple(0.0 if rng.random() < FRESH_SERVICE_SHARE else _loguniform(rng, *SERVICE_REUSE)
                  for _ in range(n_services))
    return PoolParams(float(rng.uniform(0.0, REGULAR_SHARE_MAX)), _loguniform(rng, *LURKER_RATIO),
                      _loguniform(rng, *VISITS_PER_REGULAR), reuse)


def _room_accounts(room: EngagementRoom) -> tuple[list[str], list[str]]:
    """The room's genuine and bought account ids (from the events' labels)."""
    genuine: dict[str, None] = {}
    bought: dict[str, None] = {}
    for e in room.events:
        if e.user_id is not None and e.label is not None:
            (bought if e.label == 1 else genuine)[e.user_id] = None
    return list(genuine), [b for b in bought if b not in genuine]


def _acted(room: EngagementRoom) -> set[str]:
    acted = {e.user_id for e in room.events if e.kind not in ("enter", "viewers") and e.user_id}
    return acted | {c[0] for c in room.comments}


def _draw_from_pool(rng: np.random.Generator, slots: Sequence[int], pool: int,
                    prefix: str) -> list[list[str]]:
    """Per room, ``slots[i]`` distinct ids of a pool of ``pool`` accounts."""
    return [[f"{prefix}{j}" for j in rng.choice(pool, size=k, replace=False).tolist()]
            for k in slots]


def _pool_size(slots: Sequence[int], per_account: float) -> int:
    """A pool serving ``slots`` at ``per_account`` rooms per account on average (never
    smaller than one room's demand)."""
    return max(math.ceil(sum(slots) / per_account), max(slots, default=0), 1)


def share_accounts(
    rooms: Sequence[EngagementRoom], seed: int, params: PoolParams | None = None
) -> tuple[list[EngagementRoom], PoolParams]:
    """Rewrite the rooms' account ids so that they share regulars and service pools.

    Args:
        rooms: Simulated rooms of one archive (ids unique per room, as simulated).
        seed: Seed of the sharing (same rooms and seed, same ids).
        params: Sharing parameters (default: drawn with :func:`draw_pool_params`).

    Returns:
        ``(rooms, params)``: the rooms with rewritten ids (events, comments; the truth's
        params gain the sharing parameters) and the parameters used.
    """
    rng = np.random.default_rng([seed, 23])
    params = params or draw_pool_params(rng)
    regular_slots: list[list[str]] = []
    service_of = rng.integers(0, len(params.service_reuse), len(rooms))
    bought_of: list[list[str]] = []
    for room in rooms:
        genuine, bought = _room_accounts(room)
        acted = _acted(room)
        p = np.array([min(params.regular_share * (1.0 if g in acted else params.lurker_ratio),
                          1.0) for g in genuine])
        draws = rng.random(len(genuine)).tolist()
        regular_slots.append([g for g, pi, u in zip(genuine, p.tolist(), draws, strict=True)
                              if u < pi])
        bought_of.append(bought)
    mapping: list[dict[str, str]] = [{} for _ in rooms]
    slots = [len(s) for s in regular_slots]
    pool = _pool_size(slots, params.visits_per_regular)
    for i, new in enumerate(_draw_from_pool(rng, slots, pool, "regular-")):
        mapping[i].update(zip(regular_slots[i], new, strict=True))
    for s, reuse in enumerate(params.service_reuse):
        members = [i for i in range(len(rooms)) if service_of[i] == s]
        demand = [len(bought_of[i]) for i in members]
        if reuse <= 0:
            continue  # fresh accounts for every order: the simulated ids stay unique
        for i, new in zip(members, _draw_from_pool(rng, demand, _pool_size(demand, reuse),
                                                   f"service{s}-"), strict=True):
            mapping[i].update(zip(bought_of[i], new, strict=True))
    out = [_rename(room, m, params, service_of[i]) for i, (room, m) in
           enumerate(zip(rooms, mapping, strict=True))]
    return out, params


def _rename(room: EngagementRoom, mapping: dict[str, str], params: PoolParams,
            service: int) -> EngagementRoom:
    """The room with ids renamed and the sharing parameters in its truth."""
    events = [dataclasses.replace(e, user_id=mapping[e.user_id])
              if e.user_id is not None and e.user_id in mapping else e for e in room.events]
    comments = [(mapping.get(u, u), ts, flag) for u, ts, flag in room.comments]
    truth = dataclasses.replace(room.truth, params={
        **room.truth.params, "regular_share": round(params.regular_share, 4),
        "lurker_ratio": round(params.lurker_ratio, 4),
        "visits_per_regular": round(params.visits_per_regular, 4),
        "service_reuse": round(params.service_reuse[service], 4)})
    return EngagementRoom(events, comments, truth)
