"""Genuine viewers: ordinary chat from fans and one-off viewers, and organic floods.

Viewers enter and leave (each has a watch window), post at a rate that follows the
host's events, repeat themselves now and then, and flood "扣1"/"666"/"来了"/lucky-draw
passwords together when the host asks, with lognormal human reaction times.
"""

from __future__ import annotations

import random

import numpy as np

from botcomments.simulate.accounts import Namespace, account_ids
from botcomments.simulate.context import (
    PERSONA_CODE,
    ROAMING_SHARE,
    Flood,
    Part,
    RoomContext,
)
from botcomments.simulate.grammar import TemplateBank
from botcomments.simulate.opinions import SHORT_SHAPES, opinion_line
from botcomments.simulate.perturb import human_noise
from botcomments.simulate.phrases import (
    FLOOD_LINES,
    GENUINE_INTENT_WEIGHTS,
    GENUINE_INTENTS,
)
from botcomments.simulate.timeline import HostEvent

INTENT_NAMES: tuple[str, ...] = tuple(GENUINE_INTENTS)
INTENT_BANKS: tuple[TemplateBank, ...] = tuple(
    TemplateBank(GENUINE_INTENTS[k]) for k in INTENT_NAMES
)
_INTENT_P = np.array([GENUINE_INTENT_WEIGHTS[k] for k in INTENT_NAMES])
_INTENT_P = _INTENT_P / _INTENT_P.sum()
FLOOD_BANKS: dict[str, TemplateBank] = {k: TemplateBank(v) for k, v in FLOOD_LINES.items() if v}
# Probability that an event of each kind triggers an organic flood, and its relative size.
FLOOD_ODDS: dict[str, tuple[float, float]] = {
    "opening": (0.8, 1.5),
    "product_intro": (0.3, 0.7),
    "price_reveal": (0.6, 2.0),
    "coupon": (0.95, 3.0),
    "flash_sale": (0.5, 1.5),
    "lucky_draw": (1.0, 3.0),
    "closing": (0.8, 1.5),
}
REPEAT_PROB = 0.05
COMPOUND_PROB = 0.08
_COMPOUND_JOINERS: tuple[str, ...] = ("，", " ", "。", "？", "！", "", "  ")
# Intents that bot operators imitate to look like engaged viewers.
MIMICKED_INTENTS: tuple[int, ...] = tuple(
    INTENT_NAMES.index(k)
    for k in ("praise", "generic", "greeting", "testimony", "price", "stock", "question_host")
)
_TESTIMONY = INTENT_NAMES.index("testimony")


def genuine_line(rnd: random.Random, intent: int, noise: float) -> str:
    """One viewer line of the given intent, with human noise.

    Args:
        rnd: Random source.
        intent: Index into :data:`INTENT_NAMES`.
        noise: Human-noise scale.

    Returns:
        The line.
    """
    if intent == _TESTIMONY and rnd.random() < 0.5:
        text = opinion_line(rnd, SHORT_SHAPES)
    else:
        text = INTENT_BANKS[intent].sample(rnd)
    if rnd.random() < COMPOUND_PROB:
        other = INTENT_BANKS[rnd.randrange(len(INTENT_BANKS))].sample(rnd)
        text = text + rnd.choice(_COMPOUND_JOINERS) + other
    return human_noise(text, rnd, noise)


def mimic_line(rnd: random.Random, noise: float) -> str:
    """A line of the kind bots copy from real viewers (praise, 666, questions, ...)."""
    return genuine_line(rnd, rnd.choice(MIMICKED_INTENTS), noise)


def viewer_stay(ctx: RoomContext) -> float:
    """This room's median watch time of non-fan viewers (``config.viewer_stay_s``).

    Args:
        ctx: Room context (a random draw only when the range is not a single value, so
            the default leaves every other draw of the room unchanged).

    Returns:
        Seconds.
    """
    lo, hi = ctx.config.viewer_stay_s
    if lo == hi:
        return float(lo)
    return float(np.exp(ctx.rng.uniform(np.log(lo), np.log(hi))))


class Audience:
    """The room's genuine accounts with watch windows and activity weights.

    Args:
        ctx: Room context.
        n_fan_comments: Chat comments the fans will write.
        n_other_comments: Chat comments the other viewers will write.
    """

    def __init__(self, ctx: RoomContext, n_fan_comments: int, n_other_comments: int):
        rng, dur = ctx.rng, ctx.plan.duration
        pool = ctx.run.fan_pool[ctx.plan.host]
        n_fans = min(pool, max(1, int(np.ceil(n_fan_comments / rng.uniform(3.0, 6.0)))))
        # Core fans come to most sessions: Zipf-weighted draw without replacement.
        keys = -0.8 * np.log(np.arange(1, pool + 1)) + rng.gumbel(size=pool)
        fan_idx = np.sort(np.argsort(-keys, kind="stable")[:n_fans])
        n_others = max(1, int(np.ceil(n_other_comments / rng.uniform(1.3, 2.0))))
        # Roaming platform users (visit many hosts, heavy ones often) plus one-offs.
        pool_v = ctx.run.viewer_pool
        roam_idx = np.unique(
            (pool_v * rng.random(rng.binomial(n_others, ROAMING_SHARE)) ** 2.5).astype(np.int64)
        )
        n_new = n_others - len(roam_idx)
        self.ids = np.concatenate(
            (
                account_ids(ctx.run.seed, Namespace.FAN, ctx.plan.host, fan_idx),
                account_ids(ctx.run.seed, Namespace.VIEWER, 0, roam_idx),
                account_ids(ctx.run.seed, Namespace.ONE_OFF, ctx.plan.index, np.arange(n_new)),
            )
        )
        self.is_fan = np.zeros(len(self.ids), dtype=bool)
        self.is_fan[:n_fans] = True
        self.weight = np.concatenate(
            (rng.lognormal(0.0, 0.7, n_fans), rng.lognormal(0.0, 1.1, n_others))
        )
        # Watch windows: fans arrive early and stay long; others drop in and out.
        arrive = ctx.timeline.sample(rng, len(self.ids))
        early = np.minimum(arrive[:n_fans], ctx.timeline.sample(rng, n_fans))
        arrive[:n_fans] = early
        stay = np.concatenate(
            (
                rng.lognormal(np.log(0.5 * dur + 60.0), 0.5, n_fans),
                rng.lognormal(np.log(min(viewer_stay(ctx), dur)), 1.0, n_others),
            )
        )
        self.start = arrive
        self.end = np.minimum(dur, arrive + np.maximum(stay, 20.0))
        self.n_fans = n_fans
        self._next_lurker = n_new

    def draw_chatters(self, rng: np.random.Generator, fans: bool, n: int) -> np.ndarray:
        """Indices of the authors of ``n`` chat comments (fans or the others)."""
        sl = slice(0, self.n_fans) if fans else slice(self.n_fans, len(self.ids))
        w = self.weight[sl]
        return np.asarray(rng.choice(len(w), size=n, p=w / w.sum()) + sl.start, dtype=np.int64)

    def fresh_lurkers(self, ctx: RoomContext, n: int) -> np.ndarray:
        """Ids of viewers who never chatted but join a flood."""
        idx = np.arange(self._next_lurker, self._next_lurker + n)
        self._next_lurker += n
        return account_ids(ctx.run.seed, Namespace.ONE_OFF, ctx.plan.index, idx)


def generate_genuine(ctx: RoomContext, n_genuine: int) -> list[Part]:
    """Generate all genuine comments of a room; records floods in ``ctx.floods``.

    Args:
        ctx: Room context.
        n_genuine: Number of genuine comments.

    Returns:
        Parts for fan chat, other chat and organic floods.
    """
    if n_genuine <= 0:
        return []
    rng, cfg = ctx.rng, ctx.config
    flood_events = [e for e in ctx.timeline.events if rng.random() < FLOOD_ODDS[e.kind][0]]
    share = rng.uniform(*cfg.flood_share)
    n_flood = round(share * n_genuine) if flood_events else 0
    if n_flood < 3 or n_genuine - n_flood < 1:
        n_flood = 0
    n_chat = n_genuine - n_flood
    n_fan = int(rng.binomial(n_chat, cfg.fan_share))
    audience = Audience(ctx, n_fan, n_chat - n_fan)
    parts = [
        _chat(ctx, audience, fans=True, n=n_fan),
        _chat(ctx, audience, fans=False, n=n_chat - n_fan),
    ]
    if n_flood:
        parts.append(_floods(ctx, audience, flood_events, n_flood))
    return [p for p in parts if p.texts]


def _chat(ctx: RoomContext, audience: Audience, fans: bool, n: int) -> Part:
    rng, rnd = ctx.rng, ctx.rnd
    persona = "genuine_fan" if fans else "genuine_chat"
    if n <= 0:
        return Part.of(np.empty(0), np.empty(0, dtype=np.int64), [], persona)
    who = audience.draw_chatters(rng, fans, n)
    offsets = ctx.timeline.sample(rng, n, audience.start[who], audience.end[who])
    order = np.argsort(offsets, kind="stable")
    offsets, who = offsets[order], who[order]
    intents = rng.choice(len(INTENT_BANKS), size=n, p=_INTENT_P)
    use_corpus = rng.random(n) < (ctx.config.corpora_share if ctx.corpus else 0.0)
    repeat = rng.random(n) < REPEAT_PROB
    noise = ctx.config.human_noise
    last: dict[int, str] = {}
    texts: list[str] = []
    for i in range(n):
        u = int(who[i])
        prev = last.get(u)
        if repeat[i] and prev is not None:
            text = prev if rnd.random() < 0.6 else prev + rnd.choice(("?", "？？", "!", "+1", "啊"))
        elif use_corpus[i]:
            text = rnd.choice(ctx.corpus)
        else:
            text = genuine_line(rnd, int(intents[i]), noise)
        last[u] = text
        texts.append(text)
    return Part.of(offsets, audience.ids[who], texts, persona)


def _floods(ctx: RoomContext, audience: Audience, events: list[HostEvent], n_flood: int) -> Part:
    rng, rnd = ctx.rng, ctx.rnd
    size_w = np.array([FLOOD_ODDS[e.kind][1] for e in events]) * rng.lognormal(0, 0.5, len(events))
    sizes = rng.multinomial(n_flood, size_w / size_w.sum())
    offs: list[np.ndarray] = []
    users: list[np.ndarray] = []
    texts: list[str] = []
    noise = 0.3 * ctx.config.human_noise
    for ev, k in zip(events, sizes, strict=True):
        if k == 0:
            continue
        k = int(k)
        n_people = max(1, int(np.ceil(k / rng.uniform(1.0, 1.3))))
        present = np.flatnonzero((audience.start <= ev.offset + 5) & (audience.end >= ev.offset))
        w = audience.weight[present] * np.where(audience.is_fan[present], 3.0, 1.0)
        take = min(len(present), n_people)
        chosen = present[_weighted_sample(rng, w, take)] if take else present[:0]
        people = np.concatenate(
            (audience.ids[chosen], audience.fresh_lurkers(ctx, n_people - take))
        )
        poster = np.concatenate((np.arange(n_people), rng.integers(0, n_people, k - n_people)))
        median, sigma = rng.uniform(2.5, 7.0), rng.uniform(0.5, 0.9)
        delay = rng.lognormal(np.log(median), sigma, k)
        delay[n_people:] += rng.uniform(2.0, 15.0, k - n_people)
        offs.append(ev.offset + delay)
        users.append(people[poster])
        lines = [flood_line(ev.kind, ev.phrase, rnd, noise) for _ in range(k)]
        texts.extend(lines)
        ctx.floods.append(
            Flood(ev.offset, ev.kind, tuple(lines[:20]), float(np.quantile(delay, 0.9)))
        )
    offsets = np.minimum(np.concatenate(offs), ctx.plan.duration)
    persona = np.full(len(texts), PERSONA_CODE["genuine_flood"], dtype=np.int8)
    return Part(offsets, np.concatenate(users), texts, persona)


def flood_line(kind: str, phrase: str | None, rnd: random.Random, noise: float) -> str:
    """One viewer's line in a flood of ``kind`` (the exact password for lucky draws).

    Args:
        kind: Host event kind.
        phrase: Lucky-draw password, if any.
        rnd: Random source.
        noise: Human-noise scale.

    Returns:
        The line.
    """
    if phrase is not None:
        return phrase
    return human_noise(FLOOD_BANKS[kind].sample(rnd), rnd, noise)


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct items drawn with probability ~ weight (Gumbel top-k)."""
    keys = np.log(weights) + rng.gumbel(size=len(weights))
    return np.argsort(-keys, kind="stable")[:k]
