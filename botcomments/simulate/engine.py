"""Room assembly and the public entry points: ``simulate`` and ``simulate_to_file``.

Example:
    >>> from botcomments.simulate import SimulationConfig, simulate
    >>> res = simulate(2, seed=1, config=SimulationConfig(room_size=(60, 80)))
    >>> len(res.rooms), res.rooms[0].n_comments == sum(
    ...     c.room_id == res.rooms[0].room_id for c in res.comments)
    (2, True)
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from botcomments.io.writers import CORE_PARQUET_FIELDS, RecordWriter
from botcomments.records import Comment
from botcomments.simulate.campaigns import CAMPAIGNS, CampaignInfo
from botcomments.simulate.config import (
    CAMPAIGN_TYPES,
    GENUINE_PERSONAS,
    PERSONAS,
    SimulationConfig,
)
from botcomments.simulate.context import Part, RoomContext, RoomPlan, RunPlan, plan_run
from botcomments.simulate.corpora import load_corpus
from botcomments.simulate.genuine import generate_genuine
from botcomments.simulate.timeline import Timeline

logger = logging.getLogger(__name__)
N_GENUINE = len(GENUINE_PERSONAS)
RECORD_SCHEMA = pa.schema(
    [("persona", pa.string()), ("campaign_id", pa.string()), *CORE_PARQUET_FIELDS]
)
"""Parquet schema of simulated records (fixed, so all-null columns keep their type)."""


@dataclass
class RoomTruth:
    """Ground truth of one room (one entry of the ``.rooms.json`` sidecar).

    Attributes:
        room_id: Room id.
        n_comments: Comments in the room.
        n_users: Distinct commenters.
        n_bot_comments: Comments with label 1.
        authenticity_ratio: Share of genuine comments (label 0).
        genuine_user_ratio: Share of commenters with no bot comment.
        bot_share_target: Bot share drawn for the room.
        campaign_mix: Campaign type -> bot comments (every type, 0 when absent).
        host_events: Host events ``{ts, kind, phrase}`` (phrase: lucky-draw password).
        seed: Run seed.
        host_id: Host of the room (rooms of one host share fans).
        start_ts: Session start, unix seconds.
        end_ts: Session end, unix seconds.
        persona_mix: Persona -> comments.
        campaigns: Campaign instances with their account pool and sizes.
    """

    room_id: str
    n_comments: int
    n_users: int
    n_bot_comments: int
    authenticity_ratio: float
    genuine_user_ratio: float
    bot_share_target: float
    campaign_mix: dict[str, int]
    host_events: list[dict[str, Any]]
    seed: int
    host_id: str = ""
    start_ts: float = 0.0
    end_ts: float = 0.0
    persona_mix: dict[str, int] = field(default_factory=dict)
    campaigns: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with the sidecar's field order."""
        return {
            "room_id": self.room_id,
            "n_comments": self.n_comments,
            "n_users": self.n_users,
            "n_bot_comments": self.n_bot_comments,
            "authenticity_ratio": self.authenticity_ratio,
            "genuine_user_ratio": self.genuine_user_ratio,
            "bot_share_target": self.bot_share_target,
            "campaign_mix": dict(self.campaign_mix),
            "host_events": list(self.host_events),
            "seed": self.seed,
            "host_id": self.host_id,
            "start_ts": self.start_ts,
            "end_ts": self.end_ts,
            "persona_mix": dict(self.persona_mix),
            "campaigns": list(self.campaigns),
        }


@dataclass
class SimulationResult:
    """Comments (time-ordered within each room, rooms in order) and room truths."""

    comments: list[Comment]
    rooms: list[RoomTruth]


@dataclass
class RoomData:
    """One generated room: parallel arrays in time order, plus its truth."""

    plan: RoomPlan
    ts: np.ndarray
    users: np.ndarray
    texts: list[str]
    persona: np.ndarray
    campaign: np.ndarray
    campaign_ids: list[str]
    truth: RoomTruth

    def records(self, platform: str) -> Iterator[dict[str, Any]]:
        """Yield output dicts (same key order as ``Comment.to_dict``)."""
        rid = self.plan.room_id
        persona_names = PERSONAS
        cids: list[str | None] = [*self.campaign_ids, None]
        ts = self.ts.tolist()
        users = self.users.tolist()
        pers = self.persona.tolist()
        camp = self.campaign.tolist()
        for i, text in enumerate(self.texts):
            p = pers[i]
            yield {
                "persona": persona_names[p],
                "campaign_id": cids[camp[i]],
                "platform": platform,
                "room_id": rid,
                "user_id": str(users[i]),
                "ts": ts[i],
                "text": text,
                "msg_id": f"{rid}-{i:07d}",
                "label": 1 if p >= N_GENUINE else 0,
            }


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Args:
        total: Amount to split.
        weights: Non-negative weights (at least one > 0 when total > 0).

    Returns:
        Integer counts summing to ``total``; zero weight gets zero.

    Example:
        >>> allocate(10, np.array([1.0, 1.0, 2.0])).tolist()
        [3, 2, 5]
    """
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    rest = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _room_mix(ctx: RoomContext) -> np.ndarray:
    """Campaign weights for this room: Dirichlet around the configured weights."""
    cfg = ctx.config
    w = np.array([cfg.campaign_weights[c] for c in CAMPAIGN_TYPES])
    if cfg.mix_concentration is None:
        return w / w.sum() if w.sum() > 0 else w
    active = w > 0
    out = np.zeros_like(w)
    if active.any():
        alpha = cfg.mix_concentration * len(w[active]) * w[active] / w[active].sum()
        out[active] = ctx.rng.dirichlet(alpha)
    return out


def simulate_room(
    run: RunPlan, plan: RoomPlan, config: SimulationConfig, corpus: tuple[str, ...] = ()
) -> RoomData:
    """Generate one room (genuine viewers, then bot campaigns), time-ordered.

    Args:
        run: Run plan (shared pools).
        plan: This room's plan.
        config: Settings.
        corpus: Optional real sentences for genuine chat.

    Returns:
        The room's comments and truth.
    """
    rng = np.random.default_rng([run.seed, 1, plan.index])
    rnd = random.Random(int(rng.integers(2**62)))
    timeline = Timeline.generate(rng, plan.duration)
    ctx = RoomContext(run, plan, config, timeline, rng, rnd, corpus)
    parts: list[Part] = generate_genuine(ctx, plan.n_comments - plan.n_bot)
    bot_parts, campaign_ids, infos = run_campaigns(ctx, plan.n_bot)
    parts.extend(bot_parts)
    return _assemble(plan, config, run.seed, timeline, parts, campaign_ids, infos)


def run_campaigns(
    ctx: RoomContext, n_bot: int
) -> tuple[list[Part], list[str], list[CampaignInfo]]:
    """Draw the room's campaign mix and generate ``n_bot`` bot comments.

    Organic floods already in ``ctx.floods`` are where bought-interaction bots hide.

    Args:
        ctx: Room context (its ``config.campaign_weights`` and ``mix_concentration``
            set the mix).
        n_bot: Bot comments to generate in all.

    Returns:
        One part per campaign present (``part.campaign`` indexes the ids), the
        campaign ids ``<room_id>/<type>``, and their descriptions.
    """
    counts = allocate(n_bot, _room_mix(ctx))
    parts: list[Part] = []
    campaign_ids: list[str] = []
    infos: list[CampaignInfo] = []
    for ctype, n in zip(CAMPAIGN_TYPES, counts.tolist(), strict=True):
        if n <= 0:
            continue
        part, pool = CAMPAIGNS[ctype](ctx, n)
        part.campaign = len(campaign_ids)
        cid = f"{ctx.plan.room_id}/{ctype}"
        campaign_ids.append(cid)
        infos.append(CampaignInfo(cid, ctype, pool, n, len(np.unique(part.users))))
        parts.append(part)
    return parts, campaign_ids, infos


def fold_into(offsets: np.ndarray, duration: float) -> np.ndarray:
    """Reflect offsets that spill past either end back into [0, duration].

    Clipping would pile comments on the first/last millisecond (a give-away); reflecting
    keeps the local density smooth.

    Args:
        offsets: Seconds since session start.
        duration: Session length.

    Returns:
        Offsets within [0, duration].

    Example:
        >>> fold_into(np.array([-2.0, 5.0, 12.0]), 10.0).tolist()
        [2.0, 5.0, 8.0]
    """
    out = np.abs(offsets)
    out = np.where(out > duration, 2 * duration - out, out)
    return np.clip(out, 0.0, duration)


def _assemble(
    plan: RoomPlan,
    config: SimulationConfig,
    seed: int,
    timeline: Timeline,
    parts: list[Part],
    campaign_ids: list[str],
    infos: list[CampaignInfo],
) -> RoomData:
    offsets = fold_into(np.concatenate([p.offsets for p in parts]), plan.duration)
    ts = np.round(plan.start_ts + offsets, 3)
    users = np.concatenate([p.users for p in parts])
    persona = np.concatenate([p.persona for p in parts])
    campaign = np.concatenate([np.full(len(p.texts), p.campaign, dtype=np.int16) for p in parts])
    texts_all = [t for p in parts for t in p.texts]
    order = np.argsort(ts, kind="stable")
    texts = [texts_all[i] for i in order.tolist()]
    ts, users, persona, campaign = ts[order], users[order], persona[order], campaign[order]
    truth = _truth(plan, seed, config, timeline, users, persona, infos)
    return RoomData(plan, ts, users, texts, persona, campaign, campaign_ids, truth)


def _truth(
    plan: RoomPlan,
    seed: int,
    config: SimulationConfig,
    timeline: Timeline,
    users: np.ndarray,
    persona: np.ndarray,
    infos: list[CampaignInfo],
) -> RoomTruth:
    is_bot = persona >= N_GENUINE
    n = len(persona)
    n_bot = int(is_bot.sum())
    all_users = np.unique(users)
    bot_users = np.unique(users[is_bot])
    counts = np.bincount(persona, minlength=len(PERSONAS))
    mix = {c: 0 for c in CAMPAIGN_TYPES}
    for info in infos:
        mix[info.campaign] += info.n_comments
    return RoomTruth(
        room_id=plan.room_id,
        n_comments=n,
        n_users=len(all_users),
        n_bot_comments=n_bot,
        authenticity_ratio=(n - n_bot) / n if n else 1.0,
        genuine_user_ratio=(len(all_users) - len(bot_users)) / len(all_users) if n else 1.0,
        bot_share_target=round(plan.bot_share, 6),
        campaign_mix=mix,
        host_events=[
            {"ts": round(plan.start_ts + e.offset, 3), "kind": e.kind, "phrase": e.phrase}
            for e in timeline.events
        ],
        seed=seed,
        host_id=f"sim-{seed}-host{plan.host:05d}",
        start_ts=plan.start_ts,
        end_ts=round(plan.start_ts + plan.duration, 3),
        persona_mix={p: int(c) for p, c in zip(PERSONAS, counts.tolist(), strict=True)},
        campaigns=[i.to_dict() for i in infos],
    )


def iter_rooms(
    n_rooms: int, seed: int = 0, config: SimulationConfig | None = None
) -> Iterator[RoomData]:
    """Generate rooms one at a time (bounded memory).

    Args:
        n_rooms: Number of rooms (>= 1).
        seed: Run seed; the same seed and config give identical rooms.
        config: Settings (defaults to ``SimulationConfig()``).

    Yields:
        One :class:`RoomData` per room, in order.

    Raises:
        ValueError: If ``n_rooms`` < 1 or ``seed`` < 0.
    """
    if n_rooms < 1:
        raise ValueError(f"n_rooms={n_rooms} must be >= 1")
    if seed < 0:
        raise ValueError(f"seed={seed} must be a non-negative integer")
    config = config or SimulationConfig()
    corpus = load_corpus(config.corpora_path, config.corpora_max_chars)
    run = plan_run(n_rooms, seed, config)
    for plan in run.rooms:
        yield simulate_room(run, plan, config, corpus)


def simulate(
    n_rooms: int, seed: int = 0, config: SimulationConfig | None = None
) -> SimulationResult:
    """Simulate rooms in memory (tests, small runs).

    Args:
        n_rooms: Number of rooms.
        seed: Run seed.
        config: Settings (defaults to ``SimulationConfig()``).

    Returns:
        Comments (time-ordered per room) and room truths.

    Raises:
        ValueError: On invalid arguments.
    """
    config = config or SimulationConfig()
    comments: list[Comment] = []
    rooms: list[RoomTruth] = []
    for room in iter_rooms(n_rooms, seed, config):
        for rec in room.records(config.platform):
            extra = {"persona": rec["persona"], "campaign_id": rec["campaign_id"]}
            comments.append(
                Comment(
                    text=rec["text"],
                    room_id=rec["room_id"],
                    ts=rec["ts"],
                    user_id=rec["user_id"],
                    msg_id=rec["msg_id"],
                    platform=rec["platform"],
                    label=rec["label"],
                    extra=extra,
                )
            )
        rooms.append(room.truth)
    return SimulationResult(comments, rooms)


def sidecar_path(out_path: str | Path) -> Path:
    """Return ``<stem>.rooms.json`` next to ``out_path``.

    Example:
        >>> sidecar_path("data/demo/chat.jsonl").as_posix()
        'data/demo/chat.rooms.json'
    """
    p = Path(out_path)
    return p.with_name(f"{p.stem}.rooms.json")


def simulate_to_file(
    out_path: str | Path, n_rooms: int, seed: int = 0, config: SimulationConfig | None = None
) -> list[RoomTruth]:
    """Stream a simulated archive to .jsonl or .parquet and write the sidecar.

    Args:
        out_path: Output file; the extension picks the format.
        n_rooms: Number of rooms.
        seed: Run seed.
        config: Settings (defaults to ``SimulationConfig()``).

    Returns:
        The room truths (also written to ``<stem>.rooms.json``).

    Raises:
        ValueError: On an unknown extension or invalid arguments.
    """
    config = config or SimulationConfig()
    rooms: list[RoomTruth] = []
    with RecordWriter(out_path, schema=RECORD_SCHEMA) as writer:
        for room in iter_rooms(n_rooms, seed, config):
            writer.write_all(room.records(config.platform))
            rooms.append(room.truth)
            logger.debug("room %s: %d comments", room.plan.room_id, room.truth.n_comments)
    side = sidecar_path(out_path)
    side.write_text(
        json.dumps([r.to_dict() for r in rooms], ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    logger.info("wrote %d rooms to %s and %s", len(rooms), out_path, side)
    return rooms
