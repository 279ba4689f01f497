"""Ad/spam positives from the simulator's grammar, by family.

Families (:data:`FAMILIES`) cover contact swaps, group 引流, part-time/刷单 jobs,
gambling, porn lures, crypto, course and account selling, game-currency trading,
fake giveaways, links/codes/口令, loans, fan boosting and live-commerce lures. Each
line is drawn in one of three shapes: ``short`` (4-10 characters, "进群领资料"),
``line`` (a one-line ad) or ``long`` (a multi-line ad with emoji bullets, about
40-120 characters), then some lines get the evasions of :mod:`botcomments.simulate.perturb`.
Contacts (QQ, WeChat ids, phones, group numbers, URLs, invitation codes, share tokens)
are fresh per line, or fixed per campaign through a shared :class:`ContactKit`.

Example:
    >>> lines = ad_lines(3, seed=1, families=["group_invite"])
    >>> [line.family for line in lines]
    ['group_invite', 'group_invite', 'group_invite']
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from botcomments.simulate.ad_phrases import AD_FAMILIES, AD_SLOTS
from botcomments.simulate.grammar import Template, compile_bank
from botcomments.simulate.perturb import (
    account_digits,
    homoglyph,
    homophone,
    latin_id,
    make_code,
    make_contact,
    make_token,
    make_url,
    pad,
    phone_digits,
    spacing,
    styled_number,
    trad_swap,
    wechat_id,
    zero_width,
)

#: Ad family names, in a fixed order (hold some out in training; report recall per family).
FAMILIES: tuple[str, ...] = tuple(AD_FAMILIES)
#: Line shapes and their default weights.
SHAPES: tuple[str, ...] = ("short", "line", "long")
SHAPE_WEIGHTS: tuple[float, ...] = (0.25, 0.5, 0.25)


def _qq(rnd: random.Random) -> str:
    return styled_number(account_digits(rnd, 6, 10), rnd)


def _group(rnd: random.Random) -> str:
    return styled_number(account_digits(rnd, 7, 10), rnd)


def _phone(rnd: random.Random) -> str:
    return styled_number(phone_digits(rnd), rnd)


def _tgid(rnd: random.Random) -> str:
    return latin_id(rnd, (3, 7))


#: Per-line contact slots and how each is made.
CONTACT_SLOTS: dict[str, Callable[[random.Random], str]] = {
    "qq": _qq,
    "group": _group,
    "phone": _phone,
    "wxid": wechat_id,
    "contact": make_contact,
    "url": make_url,
    "code": make_code,
    "token": make_token,
    "tgid": _tgid,
}

#: Evasions applied to whole lines, by name.
EVASIONS: dict[str, Callable[[str, random.Random], str]] = {
    "pad": pad,
    "spacing": spacing,
    "zero_width": zero_width,
    "homoglyph": homoglyph,
    "trad_swap": trad_swap,
    "homophone": homophone,
}
_EVASION_NAMES = tuple(EVASIONS)


@dataclass(frozen=True, slots=True)
class AdLine:
    """One generated ad/spam line.

    Attributes:
        text: The line as posted.
        family: Its family (one of :data:`FAMILIES`).
        shape: ``"short"``, ``"line"`` or ``"long"``.
        evasions: Names of the :data:`EVASIONS` applied, in order.
        contacts: Contact slots the line uses (``"qq"``, ``"url"``, …), in first-use order.
    """

    text: str
    family: str
    shape: str
    evasions: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


class ContactKit(Mapping[str, Sequence[str]]):
    """Slot vocabularies plus lazily drawn contacts that stay fixed once drawn.

    Use one kit per line for fresh contacts, or share one across a campaign's lines so
    they repeat the same QQ/WeChat/URL, as real spam campaigns do.

    Args:
        rnd: Random source for drawing contacts.
        base: Static slot vocabularies.
        contacts: Slot -> function drawing one contact (default :data:`CONTACT_SLOTS`).
    """

    def __init__(self, rnd: random.Random, base: Mapping[str, Sequence[str]] = AD_SLOTS,
                 contacts: Mapping[str, Callable[[random.Random], str]] | None = None):
        self._rnd = rnd
        self._base = base
        self._contacts = CONTACT_SLOTS if contacts is None else contacts
        self._drawn: dict[str, tuple[str]] = {}
        self.used: list[str] = []

    def __getitem__(self, key: str) -> Sequence[str]:
        make = self._contacts.get(key)
        if make is None:
            return self._base[key]
        if key not in self._drawn:
            self._drawn[key] = (make(self._rnd),)
        if key not in self.used:
            self.used.append(key)
        return self._drawn[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from (k for k in self._contacts if k not in self._base)

    def __len__(self) -> int:
        return len(self._base) + sum(k not in self._base for k in self._contacts)


_BANKS: dict[str, dict[str, tuple[Template, ...]]] = {
    name: {
        "short": compile_bank(fam.short),
        "line": compile_bank(fam.lines),
        "points": compile_bank(fam.points),
        "cta": compile_bank(fam.cta),
    }
    for name, fam in AD_FAMILIES.items()
}
_NUMBERED: tuple[str, ...] = ("①②③④⑤", "12345", "一二三四五")


def family_templates(family: str) -> dict[str, tuple[Template, ...]]:
    """Return the compiled banks (``short``, ``line``, ``points``, ``cta``) of a family.

    Args:
        family: One of :data:`FAMILIES`.

    Returns:
        The compiled templates by bank name.

    Raises:
        KeyError: If ``family`` is unknown.
    """
    return _BANKS[family]


def _long(rnd: random.Random, banks: Mapping[str, Sequence[Template]], kit: ContactKit) -> str:
    """A multi-clause ad: headline, 2-4 bulleted points, contact call."""
    br = rnd.choice(AD_SLOTS["br"])
    points = [
        t.fill(rnd, kit)
        for t in rnd.sample(banks["points"], min(len(banks["points"]), rnd.randint(2, 4)))
    ]
    if rnd.random() < 0.25:
        numbers = rnd.choice(_NUMBERED)
        marks = [numbers[i] + ("" if numbers[0] == "①" else "、") for i in range(len(points))]
    else:
        marks = [rnd.choice(AD_SLOTS["bullet"])] * len(points)
    head = rnd.choice(banks["line"]).fill(rnd, kit)
    if rnd.random() < 0.3:
        head = f"【{head}】"
    body = br.join(m + p for m, p in zip(marks, points, strict=True))
    cta = rnd.choice(banks["cta"]).fill(rnd, kit)
    return head + br + body + br + cta + rnd.choice(AD_SLOTS["tail"])


def _evade(text: str, rnd: random.Random, rate: float) -> tuple[str, tuple[str, ...]]:
    """Apply one evasion with probability ``rate``, a second with ``0.4 * rate``."""
    applied: list[str] = []
    for chance in (rate, 0.4 * rate):
        if rnd.random() >= chance:
            break
        name = rnd.choice(_EVASION_NAMES)
        text = EVASIONS[name](text, rnd)
        applied.append(name)
    return text, tuple(applied)


def ad_line(
    rnd: random.Random,
    family: str,
    kit: ContactKit | None = None,
    evasion_rate: float = 0.5,
    shape: str | None = None,
) -> AdLine:
    """Generate one ad line of a family.

    Args:
        rnd: Random source.
        family: One of :data:`FAMILIES`.
        kit: Contact kit to fill from (shared kits repeat contacts); a fresh one if None.
        evasion_rate: Probability that at least one evasion is applied.
        shape: ``"short"``, ``"line"`` or ``"long"``; drawn by :data:`SHAPE_WEIGHTS` if None.

    Returns:
        The generated line.

    Raises:
        KeyError: If ``family`` is unknown.
        ValueError: If ``shape`` is not one of :data:`SHAPES`.
    """
    banks = _BANKS[family]
    if shape is None:
        shape = rnd.choices(SHAPES, SHAPE_WEIGHTS)[0]
    elif shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    kit = ContactKit(rnd) if kit is None else kit
    kit.used.clear()
    text = _long(rnd, banks, kit) if shape == "long" else rnd.choice(banks[shape]).fill(rnd, kit)
    text, evasions = _evade(text, rnd, evasion_rate)
    return AdLine(text, family, shape, evasions, tuple(kit.used))


def ad_lines(
    n: int,
    seed: int,
    families: Sequence[str] | None = None,
    evasion_rate: float = 0.5,
) -> list[AdLine]:
    """Generate ``n`` ad lines, families balanced, deterministic by ``seed``.

    Args:
        n: Number of lines.
        seed: Random seed (same seed and arguments, same lines).
        families: Families to draw from (default: all of :data:`FAMILIES`).
        evasion_rate: Probability that a line gets at least one evasion.

    Returns:
        The lines; families cycle in shuffled blocks, so each gets ``n // k`` or one more.

    Raises:
        ValueError: If ``n`` is negative, ``families`` is empty or names an unknown
            family, or ``evasion_rate`` is outside [0, 1].
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 0.0 <= evasion_rate <= 1.0:
        raise ValueError(f"evasion_rate must be in [0, 1], got {evasion_rate}")
    names = list(FAMILIES if families is None else families)
    unknown = sorted(set(names) - set(FAMILIES))
    if not names or unknown:
        raise ValueError(f"families must be a non-empty subset of {FAMILIES}; unknown: {unknown}")
    rnd = random.Random(seed)
    out: list[AdLine] = []
    while len(out) < n:
        block = rnd.sample(names, len(names))
        for family in block[: n - len(out)]:
            out.append(ad_line(rnd, family, evasion_rate=evasion_rate))
    return out
