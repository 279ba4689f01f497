"""Bot campaigns: one generator per campaign type.

Each generator takes the room context and a comment budget and returns a
:class:`~botcomments.simulate.context.Part` plus a small description (which account
pool it used, how many accounts). Account pools of bot services are reused across
rooms; paraphrasing bots mostly use fresh accounts; lockstep squads are fixed account
sets that act together in every room they are hired for.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.simulate.accounts import Namespace, account_ids
from botcomments.simulate.ads import FAMILIES, ContactKit, ad_line
from botcomments.simulate.context import Part, RoomContext
from botcomments.simulate.genuine import flood_line, mimic_line
from botcomments.simulate.grammar import TemplateBank
from botcomments.simulate.opinions import opinion_line
from botcomments.simulate.perturb import human_noise, pad, perturb_copy
from botcomments.simulate.phrases import (
    BOT_TEMPLATES,
    COPY_FLOOD_LINES,
    GENUINE_INTENTS,
    SCRIPT_POOL_LINES,
    SLOTS,
)

BOT_BANK = TemplateBank(BOT_TEMPLATES)
COPY_BANK = TemplateBank(COPY_FLOOD_LINES)
GENERIC_BANK = TemplateBank(GENUINE_INTENTS["generic"])
SCRIPT_POOL_BANK = TemplateBank(SCRIPT_POOL_LINES)


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    """Description of one campaign instance in a room (goes to the sidecar)."""

    campaign_id: str
    campaign: str
    pool: str
    n_comments: int
    n_accounts: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "campaign_id": self.campaign_id,
            "campaign": self.campaign,
            "pool": self.pool,
            "n_comments": self.n_comments,
            "n_accounts": self.n_accounts,
        }


PARAPHRASE_POOL_KEY = 1000
"""Service key offset of the large account pools used by paraphrasing bots."""

CampaignFn = Callable[[RoomContext, int], tuple[Part, str]]


def _service_accounts(ctx: RoomContext, m: int) -> tuple[np.ndarray, str]:
    """Draw ``m`` accounts from one bot service's pool (reused across rooms)."""
    rng = ctx.rng
    s = int(rng.integers(len(ctx.run.service_sizes)))
    size = ctx.run.service_sizes[s]
    m = max(1, min(m, size))
    idx = rng.choice(size, size=m, replace=False)
    return account_ids(ctx.run.seed, Namespace.SERVICE, s, idx), f"service-{s}"


def _fresh_accounts(ctx: RoomContext, m: int, salt: int) -> np.ndarray:
    """Draw ``m`` throwaway accounts unique to this room and campaign."""
    key = ctx.plan.index * 16 + salt
    return account_ids(ctx.run.seed, Namespace.FRESH_BOT, key, np.arange(max(1, m)))


def _assign(rng: np.random.Generator, accounts: np.ndarray, n: int) -> np.ndarray:
    """Give each of ``n`` comments an account, every account used at least once if possible."""
    m = len(accounts)
    first = np.arange(min(m, n))
    rest = rng.integers(0, m, n - len(first))
    picks = np.concatenate((first, rest))
    rng.shuffle(picks)
    return accounts[picks]


def _waves(ctx: RoomContext, n: int, share_follow: float) -> np.ndarray:
    """Times: a share follow the viewers' activity curve, the rest arrive in waves."""
    rng = ctx.rng
    n_follow = int(rng.binomial(n, share_follow))
    follow = ctx.timeline.sample(rng, n_follow)
    n_wave = n - n_follow
    n_waves = max(1, n_wave // int(rng.integers(5, 30)))
    centres = rng.uniform(0, ctx.plan.duration, n_waves)
    widths = rng.uniform(20.0, 120.0, n_waves)
    which = rng.integers(0, n_waves, n_wave)
    waves = centres[which] + rng.random(n_wave) * widths[which]
    return np.concatenate((follow, waves))


def template(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Templated praise/hype: a handful of skeletons with filled slots."""
    rng, rnd = ctx.rng, ctx.rnd
    k = int(rng.integers(3, 12))
    chosen = [BOT_BANK.templates[i] for i in rng.choice(len(BOT_BANK), size=k, replace=False)]
    accounts, pool = _service_accounts(ctx, max(1, int(n / rng.uniform(2.0, 8.0))))
    human, noise = rng.uniform(0.15, 0.6), rng.uniform(0.2, 0.7)
    texts = []
    for _ in range(n):
        if rnd.random() < human:
            texts.append(mimic_line(rnd, noise))
        else:
            text = rnd.choice(chosen).fill(rnd, SLOTS)
            texts.append(pad(text, rnd) if rnd.random() < 0.15 else text)
    offsets = _waves(ctx, n, share_follow=rng.uniform(0.3, 0.8))
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_template"), pool


def copy_flood(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Copy-paste floods: one line from many accounts within seconds, lightly perturbed."""
    rng, rnd = ctx.rng, ctx.rnd
    burst = int(rng.integers(8, 41))
    n_bursts = max(1, round(n / burst))
    accounts, pool = _service_accounts(ctx, int(burst * rng.uniform(1.0, 3.0)))
    bases = [
        mimic_line(rnd, 0.3) if rnd.random() < 0.45 else COPY_BANK.sample(rnd)
        for _ in range(int(rng.integers(1, 5)))
    ]
    events = ctx.timeline.event_offsets()
    at_event = rng.random(n_bursts) < 0.4
    starts = rng.uniform(0, ctx.plan.duration, n_bursts)
    if len(events):
        starts[at_event] = rng.choice(events, at_event.sum()) + rng.uniform(0, 20, at_event.sum())
    which = np.sort(rng.integers(0, n_bursts, n))
    scale = rng.uniform(0.8, 3.0, n_bursts)
    offsets = starts[which] + rng.exponential(scale[which])
    base_of_burst = rng.integers(0, len(bases), n_bursts)
    strength = ctx.config.copy_perturb
    texts = [perturb_copy(bases[base_of_burst[b]], rnd, strength) for b in which]
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_copy_flood"), pool


def scheduled(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Scheduled posters: each account posts at near-regular intervals with jitter."""
    rng, rnd = ctx.rng, ctx.rnd
    dur = ctx.plan.duration
    period = rng.uniform(20.0, 240.0)
    per_account = max(1, int(dur * 0.8 / period))
    m = max(1, -(-n // per_account))
    accounts, pool = _service_accounts(ctx, m)
    m = len(accounts)
    counts = np.full(m, n // m)
    counts[: n % m] += 1
    script = _script(ctx, int(rng.integers(4, 16)))
    offs: list[np.ndarray] = []
    users: list[np.ndarray] = []
    texts: list[str] = []
    for a in range(m):
        c = int(counts[a])
        if c == 0:
            continue
        p = min(period * rng.uniform(0.8, 1.25), dur / (c + 1))
        start = rng.uniform(0, max(1.0, dur - p * c))
        times = start + np.arange(c) * p + rng.normal(0, p * rng.uniform(0.02, 0.1), c)
        offs.append(times)
        users.append(np.full(c, accounts[a]))
        first = int(rng.integers(len(script)))
        texts.extend(_light(script[(first + j) % len(script)], rnd) for j in range(c))
    offsets = np.clip(np.concatenate(offs), 0, dur)
    return Part.of(offsets, np.concatenate(users), texts, "bot_scheduled"), pool


def lockstep(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Lockstep squads: the same account set posts together, in a stable order, again and again."""
    rng, rnd = ctx.rng, ctx.rnd
    squad = int(rng.integers(ctx.run.n_squads))
    squad_rng = np.random.default_rng([ctx.run.seed, 7, squad])
    g = int(squad_rng.integers(5, 26))
    members = account_ids(ctx.run.seed, Namespace.SQUAD, squad, np.arange(g))
    lag = np.sort(squad_rng.uniform(0.0, 6.0, g))
    g_eff = min(g, n)
    n_actions = max(1, -(-n // g_eff))
    action_t = np.sort(rng.uniform(0, ctx.plan.duration - 10.0, n_actions))
    slots = np.arange(n_actions * g) % g
    acts = np.arange(n_actions * g) // g
    keep = np.sort(rng.permutation(n_actions * g)[:n])
    who, act = slots[keep], acts[keep]
    offsets = action_t[act] + lag[who] + rng.normal(0.0, 0.4, n)
    bank = _script(ctx, int(rng.integers(5, 20)))
    texts = [_light(rnd.choice(bank), rnd) for _ in range(n)]
    return Part.of(offsets, members[who], texts, "bot_lockstep"), f"squad-{squad}"


def spam(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Ad/porn spam with obfuscated contacts, mostly from throwaway accounts.

    A campaign advertises one or two ad families (:data:`~botcomments.simulate.ads.FAMILIES`)
    with one to three fixed contact kits, so its lines repeat the same QQ/WeChat/URL.
    """
    rng, rnd = ctx.rng, ctx.rnd
    kits = [ContactKit(rnd) for _ in range(int(rng.integers(1, 4)))]
    families = rnd.sample(FAMILIES, int(rng.integers(1, 3)))
    evasion = rnd.uniform(0.3, 0.8)
    m = max(1, int(n / rng.uniform(1.0, 3.0)))
    if rng.random() < 0.3:
        accounts, pool = _service_accounts(ctx, m)
    else:
        accounts, pool = _fresh_accounts(ctx, m, salt=1), "fresh"
    texts = [ad_line(rnd, rnd.choice(families), rnd.choice(kits), evasion).text for _ in range(n)]
    offsets = rng.uniform(0, ctx.plan.duration, n)
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_spam"), pool


def paraphrase(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Paraphrasing bots: never the same line twice, human-like timing, barely reused accounts."""
    rng, rnd = ctx.rng, ctx.rnd
    s = int(rng.integers(len(ctx.run.service_sizes)))
    size = 40 * ctx.run.service_sizes[s]
    m = min(size, max(1, int(n * rng.uniform(0.6, 0.95))))
    idx = rng.choice(size, size=m, replace=False)
    accounts = account_ids(ctx.run.seed, Namespace.SERVICE, PARAPHRASE_POOL_KEY + s, idx)
    noise, human = rng.uniform(0.3, 0.9), rng.uniform(0.05, 0.3)
    seen: set[str] = set()
    texts = []
    for _ in range(n):
        text = _paraphrase(rnd, noise, human)
        tries = 0
        while text in seen and tries < 8:
            text = _paraphrase(rnd, noise, human)
            tries += 1
        while text in seen:
            text = text + rnd.choice(SLOTS["emoji"])
        seen.add(text)
        texts.append(text)
    n_follow = int(rng.binomial(n, rng.uniform(0.4, 0.9)))
    offsets = np.concatenate(
        (ctx.timeline.sample(rng, n_follow), rng.uniform(0, ctx.plan.duration, n - n_follow))
    )
    part = Part.of(offsets, _assign(rng, accounts, n), texts, "bot_paraphrase")
    return part, f"paraphrase-{s}"


def _paraphrase(rnd: random.Random, noise: float, human: float) -> str:
    if rnd.random() < human:
        return mimic_line(rnd, noise)
    return human_noise(opinion_line(rnd), rnd, noise)


def bought_interaction(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Bought interaction: short generic lines right after genuine floods, hiding in them."""
    rng, rnd = ctx.rng, ctx.rnd
    accounts, pool = _service_accounts(ctx, max(1, int(n / rng.uniform(1.5, 4.0))))
    floods, events = ctx.floods, ctx.timeline.events
    delay = rng.lognormal(np.log(1.8), 0.35, n)
    if floods:
        pick = rng.integers(0, len(floods), n)
        t0 = np.array([floods[i].offset for i in pick])
        texts = [_mimic(floods[i].lines, rnd) for i in pick]
    elif events:
        pick = rng.integers(0, len(events), n)
        t0 = np.array([events[i].offset for i in pick])
        texts = [
            _mimic((flood_line(events[i].kind, events[i].phrase, rnd, 0.0),), rnd) for i in pick
        ]
    else:
        t0 = rng.uniform(0, ctx.plan.duration, n)
        texts = [GENERIC_BANK.sample(rnd) for _ in range(n)]
    offsets = np.minimum(t0 + delay, ctx.plan.duration)
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_bought_interaction"), pool


def script_pool(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Script-account pools: a few accounts each post several distinct lines within seconds.

    As seen in real Bilibili rooms: a pool of 3-12 accounts visits the room again and
    again; on each visit every account posts 2-6 different lines of a shared script
    (foreign greetings and self-introductions, praise, lines copied from viewers) less
    than a few seconds apart, so one line comes from several accounts within seconds.
    """
    rng, rnd = ctx.rng, ctx.rnd
    m = int(rng.integers(3, 13))
    if rng.random() < 0.6:
        accounts, pool = _service_accounts(ctx, m)
    else:
        accounts, pool = _fresh_accounts(ctx, m, salt=2), "fresh"
    m = len(accounts)
    per_visit = rng.integers(2, 7, m)
    human, noise = rng.uniform(0.0, 0.4), rng.uniform(0.1, 0.5)
    script = list(dict.fromkeys(
        mimic_line(rnd, noise) if rnd.random() < human else SCRIPT_POOL_BANK.sample(rnd)
        for _ in range(int(rng.integers(10, 24)))))
    n_visits = max(1, -(-n // int(per_visit.sum())))
    visits = np.sort(rng.uniform(0, max(1.0, ctx.plan.duration - 30.0), n_visits))
    stagger, pace = rng.uniform(1.0, 8.0), rng.uniform(0.3, 1.5)
    offs: list[float] = []
    users: list[str] = []
    texts: list[str] = []
    for t in visits.tolist():
        for a in range(m):
            k = min(int(per_visit[a]), len(script))
            start = t + rng.uniform(0.0, stagger)
            steps = np.cumsum(rng.uniform(0.5, 1.5, k) * pace)
            offs.extend((start + steps).tolist())
            users.extend([accounts[a]] * k)
            texts.extend(_light(line, rnd) for line in rnd.sample(script, k))
    keep = np.sort(rng.permutation(len(texts))[:n])
    offsets = np.minimum(np.asarray(offs)[keep], ctx.plan.duration)
    part = Part.of(offsets, np.asarray(users)[keep], [texts[i] for i in keep.tolist()],
                   "bot_script_pool")
    return part, pool


def _mimic(lines: tuple[str, ...], rnd: random.Random) -> str:
    """A line like the flood's (copied from a viewer) or a generic short line."""
    if rnd.random() < 0.8:
        return rnd.choice(lines)
    return GENERIC_BANK.sample(rnd)


def _script(ctx: RoomContext, k: int) -> list[str]:
    """A bot script of ``k`` lines: own templates mixed with lines copied from viewers."""
    rnd = ctx.rnd
    human, noise = ctx.rng.uniform(0.15, 0.6), ctx.rng.uniform(0.2, 0.7)
    return [
        mimic_line(rnd, noise) if rnd.random() < human else BOT_BANK.sample(rnd) for _ in range(k)
    ]


def _light(text: str, rnd: random.Random) -> str:
    """Occasional emoji/punctuation padding (scripts vary their lines a little)."""
    return pad(text, rnd) if rnd.random() < 0.2 else text


CAMPAIGNS: dict[str, CampaignFn] = {
    "template": template,
    "copy_flood": copy_flood,
    "scheduled": scheduled,
    "lockstep": lockstep,
    "spam": spam,
    "paraphrase": paraphrase,
    "bought_interaction": bought_interaction,
    "script_pool": script_pool,
}
"""Campaign type -> generator."""
