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
from botcomments.simulate.context import Part, RoomContext
from botcomments.simulate.genuine import flood_line
from botcomments.simulate.grammar import Template, TemplateBank
from botcomments.simulate.perturb import make_contact, pad, perturb_copy
from botcomments.simulate.phrases import (
    BOT_TEMPLATES,
    CONTACT_WORDS,
    COPY_FLOOD_LINES,
    GENUINE_INTENTS,
    PARAPHRASE_JOINERS,
    PARAPHRASE_PARTS,
    PARAPHRASE_SHAPES,
    PARAPHRASE_SYNONYMS,
    SLOTS,
    SPAM_TEMPLATES,
)

BOT_BANK = TemplateBank(BOT_TEMPLATES)
COPY_BANK = TemplateBank(COPY_FLOOD_LINES)
GENERIC_BANK = TemplateBank(GENUINE_INTENTS["generic"])
PARA_BANKS: dict[str, TemplateBank] = {k: TemplateBank(v) for k, v in PARAPHRASE_PARTS.items()}
SPAM_BANK = tuple(Template.compile(t) for t in SPAM_TEMPLATES)


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
    texts = []
    for _ in range(n):
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
    bases = [COPY_BANK.sample(rnd) for _ in range(int(rng.integers(1, 5)))]
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
    script = [BOT_BANK.sample(rnd) for _ in range(int(rng.integers(4, 16)))]
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
    bank = [BOT_BANK.sample(rnd) for _ in range(int(rng.integers(5, 20)))]
    texts = [_light(rnd.choice(bank), rnd) for _ in range(n)]
    return Part.of(offsets, members[who], texts, "bot_lockstep"), f"squad-{squad}"


def spam(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Ad/porn spam with obfuscated contacts, mostly from throwaway accounts."""
    rng, rnd = ctx.rng, ctx.rnd
    contacts = [make_contact(rnd) for _ in range(int(rng.integers(1, 4)))]
    m = max(1, int(n / rng.uniform(1.0, 3.0)))
    if rng.random() < 0.3:
        accounts, pool = _service_accounts(ctx, m)
    else:
        accounts, pool = _fresh_accounts(ctx, m, salt=1), "fresh"
    texts: list[str] = []
    for _ in range(n):
        slots = dict(SLOTS)
        slots["contact"] = (rnd.choice(contacts),)
        slots["contact_word"] = CONTACT_WORDS
        texts.append(rnd.choice(SPAM_BANK).fill(rnd, slots))
    offsets = rng.uniform(0, ctx.plan.duration, n)
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_spam"), pool


def paraphrase(ctx: RoomContext, n: int) -> tuple[Part, str]:
    """Paraphrasing bots: never the same line twice, human-like timing, fresh accounts."""
    rng, rnd = ctx.rng, ctx.rnd
    m = max(1, int(n * rng.uniform(0.6, 0.95)))
    accounts = _fresh_accounts(ctx, m, salt=2)
    seen: set[str] = set()
    texts = []
    for _ in range(n):
        text = _paraphrase_line(rnd)
        tries = 0
        while text in seen and tries < 8:
            text = _paraphrase_line(rnd)
            tries += 1
        while text in seen:
            text = text + rnd.choice(SLOTS["emoji"])
        seen.add(text)
        texts.append(text)
    offsets = ctx.timeline.sample(rng, n)
    return Part.of(offsets, _assign(rng, accounts, n), texts, "bot_paraphrase"), "fresh"


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


def _mimic(lines: tuple[str, ...], rnd: random.Random) -> str:
    """A line like the flood's (copied from a viewer) or a generic short line."""
    if rnd.random() < 0.8:
        return rnd.choice(lines)
    return GENERIC_BANK.sample(rnd)


def _light(text: str, rnd: random.Random) -> str:
    """Occasional emoji/punctuation padding (scripts vary their lines a little)."""
    return pad(text, rnd) if rnd.random() < 0.2 else text


def _paraphrase_line(rnd: random.Random) -> str:
    shape = rnd.choice(PARAPHRASE_SHAPES)
    pieces = [PARA_BANKS[part].sample(rnd) for part in shape[:-1]]
    text = rnd.choice(PARAPHRASE_JOINERS).join(pieces)
    for group in PARAPHRASE_SYNONYMS:
        if rnd.random() < 0.5:
            for word in group:
                if word in text:
                    text = text.replace(word, rnd.choice(group), 1)
                    break
    ending = PARA_BANKS["ending"].sample(rnd) if rnd.random() < 0.7 else ""
    return text + ending


CAMPAIGNS: dict[str, CampaignFn] = {
    "template": template,
    "copy_flood": copy_flood,
    "scheduled": scheduled,
    "lockstep": lockstep,
    "spam": spam,
    "paraphrase": paraphrase,
    "bought_interaction": bought_interaction,
}
"""Campaign type -> generator."""
