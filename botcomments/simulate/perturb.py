"""Text perturbations: bot evasion tricks, obfuscated contacts, and human noise.

Bots perturb copy-pasted lines to dodge exact-match filters (DESIGN.md §5); humans
make typos, use slang and pad with emoji. Both live here so the two overlap where
real chat does (humans pad with emoji too; bots do not make typos on purpose).

Example:
    >>> import random
    >>> s = zero_width("主播好美", random.Random(1))
    >>> s.replace("\\u200b", "").replace("\\u200c", "").replace("\\u200d", "") \\
    ...     .replace("\\ufeff", "").replace("\\u2060", "")
    '主播好美'
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import lru_cache

import opencc

from botcomments.simulate.phrases import SLOTS, TAILS, TYPO_SWAPS

ZERO_WIDTH: tuple[str, ...] = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060")
PADDING: tuple[str, ...] = (
    "～",
    "~",
    "！",
    "!",
    "。",
    ".",
    "…",
    "、",
    "*",
    "·",
    "❤",
    "♡",
    "☆",
    "★",
    "✨",
    "♪",
    "〜",
    "-",
)
HOMOGLYPHS: dict[str, tuple[str, ...]] = {
    "口": ("囗", "ロ"),
    "人": ("亻", "入"),
    "已": ("己", "巳"),
    "土": ("士",),
    "未": ("末",),
    "天": ("夭",),
    "大": ("太",),
    "日": ("曰",),
    "民": ("⺠",),
    "主": ("丶王",),
    "美": ("羙",),
    "好": ("女子",),
    "你": ("亻尔", "尓"),
    "拍": ("扌白",),
    "单": ("単",),
    "质": ("質",),
    "量": ("量",),
    "冲": ("沖", "衝"),
    "买": ("買", "賣"),
    "6": ("６", "б"),
    "1": ("１", "l", "丨"),
    "0": ("０", "O", "o"),
    "o": ("о", "0"),
    "a": ("а",),
    "e": ("е",),
    "p": ("р",),
    "c": ("с",),
    "V": ("Ⅴ", "∨", "v"),
    "v": ("ν", "ѵ"),
    "Q": ("Ｑ",),
    "一": ("—", "ー"),
    "二": ("＝",),
}
STYLED_DIGITS: tuple[str, ...] = (
    "0123456789",
    "０１２３４５６７８９",
    "⓪①②③④⑤⑥⑦⑧⑨",
    "⓿⓵⓶⓷⓸⓹⓺⓻⓼⓽",
    "𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡",
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
    "零壹贰叁肆伍陆柒捌玖",
    "〇一二三四五六七八九",
    "零幺两三四五六拐八九",
    "⓿➊➋➌➍➎➏➐➑➒",
)
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_CONTACT_SPACERS: tuple[str, ...] = ("", "", " ", "-", ".", "·", "丶", "💗", "|", "_")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def to_traditional(text: str) -> str:
    """Convert simplified to traditional Chinese with OpenCC (cached).

    Args:
        text: Simplified text.

    Returns:
        The traditional form.
    """
    return str(_s2t().convert(text))


def trad_swap(text: str, rnd: random.Random, share: float = 0.5) -> str:
    """Swap a share of the characters to their traditional form (mixed scripts).

    Args:
        text: Simplified text.
        rnd: Random source.
        share: Probability that each convertible character is swapped.

    Returns:
        Text with some characters in traditional form.
    """
    trad = to_traditional(text)
    if len(trad) != len(text):
        return trad
    pairs = zip(text, trad, strict=True)
    return "".join(t if t != s and rnd.random() < share else s for s, t in pairs)


def zero_width(text: str, rnd: random.Random, rate: float = 0.35) -> str:
    """Insert zero-width/format characters between characters.

    Args:
        text: Input text.
        rnd: Random source.
        rate: Probability of an insertion after each character.

    Returns:
        Text with invisible characters inserted (at least one when text is non-empty).
    """
    if not text:
        return text
    out = []
    inserted = False
    for ch in text:
        out.append(ch)
        if rnd.random() < rate:
            out.append(rnd.choice(ZERO_WIDTH))
            inserted = True
    if not inserted:
        out.insert(rnd.randrange(1, len(out) + 1), rnd.choice(ZERO_WIDTH))
    return "".join(out)


def homoglyph(text: str, rnd: random.Random, rate: float = 0.5) -> str:
    """Replace some characters with look-alikes (CJK variants, Cyrillic, full-width).

    Args:
        text: Input text.
        rnd: Random source.
        rate: Probability of replacing each replaceable character.

    Returns:
        Text with look-alike characters.
    """
    return "".join(
        rnd.choice(HOMOGLYPHS[ch]) if ch in HOMOGLYPHS and rnd.random() < rate else ch
        for ch in text
    )


def pad(text: str, rnd: random.Random) -> str:
    """Pad with emoji/punctuation at the ends or between characters.

    Args:
        text: Input text.
        rnd: Random source.

    Returns:
        Padded text.
    """
    mode = rnd.random()
    if mode < 0.4:
        return text + rnd.choice(PADDING) * rnd.randint(1, 4)
    if mode < 0.7:
        return text + "".join(rnd.choice(SLOTS["emoji"]) for _ in range(rnd.randint(1, 3)))
    if mode < 0.85:
        sym = rnd.choice(PADDING)
        return sym + text + sym
    sep = rnd.choice(PADDING)
    return sep.join(text) if len(text) <= 12 and "[" not in text else text + sep


def spacing(text: str, rnd: random.Random) -> str:
    """Insert spaces (ASCII or ideographic) between some characters.

    Args:
        text: Input text.
        rnd: Random source.

    Returns:
        Spaced text.
    """
    space = rnd.choice((" ", " ", "\u3000", "  "))
    return "".join(ch + (space if rnd.random() < 0.4 else "") for ch in text).rstrip()


BOT_PERTURBATIONS: tuple[Callable[[str, random.Random], str], ...] = (
    pad,
    pad,
    homoglyph,
    zero_width,
    trad_swap,
    spacing,
)


def perturb_copy(text: str, rnd: random.Random, strength: float) -> str:
    """Lightly perturb a copy-pasted bot line.

    Args:
        text: The campaign's base line.
        rnd: Random source.
        strength: 0..1, probability-ish of applying each extra perturbation.

    Returns:
        The perturbed line (sometimes unchanged: many floods are exact copies).
    """
    if rnd.random() > strength:
        return text
    out = rnd.choice(BOT_PERTURBATIONS)(text, rnd)
    if rnd.random() < strength * 0.5:
        out = rnd.choice(BOT_PERTURBATIONS)(out, rnd)
    return out


def styled_number(digits: str, rnd: random.Random) -> str:
    """Render a digit string with a random digit style and spacers.

    Args:
        digits: ASCII digits.
        rnd: Random source.

    Returns:
        The obfuscated rendering.
    """
    style = rnd.choice(STYLED_DIGITS)
    spacer = rnd.choice(_CONTACT_SPACERS)
    mixed = rnd.random() < 0.3
    chars = []
    for d in digits:
        s = rnd.choice(STYLED_DIGITS) if mixed else style
        chars.append(s[int(d)])
    if spacer and rnd.random() < 0.7:
        group = rnd.choice((1, 2, 3, 4))
        return spacer.join("".join(chars[i : i + group]) for i in range(0, len(chars), group))
    return "".join(chars)


def styled_latin(word: str, rnd: random.Random) -> str:
    """Render ASCII letters in mathematical bold/fraktur/sans styles or full width.

    Args:
        word: ASCII letters/digits.
        rnd: Random source.

    Returns:
        The styled word (digits kept).
    """
    mode = rnd.randrange(4)
    out = []
    for ch in word:
        low = ch.lower()
        if low not in _LATIN:
            out.append(ch)
        elif mode == 0:
            out.append(chr((0xFF21 if ch.isupper() else 0xFF41) + _LATIN.index(low)))
        else:
            base = (0x1D400, 0x1D5D4, 0x1D670)[mode - 1]
            out.append(chr(base + _LATIN.index(low) + (0 if ch.isupper() else 26)))
    return "".join(out)


def make_contact(rnd: random.Random) -> str:
    """Make an obfuscated contact: phone, QQ number or WeChat id.

    Args:
        rnd: Random source.

    Returns:
        The rendered contact.
    """
    kind = rnd.random()
    if kind < 0.4:
        digits = "1" + rnd.choice("3456789") + "".join(rnd.choice("0123456789") for _ in range(9))
        return styled_number(digits, rnd)
    if kind < 0.75:
        n = rnd.randint(6, 10)
        digits = rnd.choice("123456789") + "".join(rnd.choice("0123456789") for _ in range(n - 1))
        return styled_number(digits, rnd)
    letters = "".join(rnd.choice(_LATIN) for _ in range(rnd.randint(2, 5)))
    digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(3, 6)))
    wid = letters + digits
    if rnd.random() < 0.5:
        return styled_latin(wid, rnd)
    return wid.upper() if rnd.random() < 0.3 else wid


def human_noise(text: str, rnd: random.Random, rate: float = 1.0) -> str:
    """Add human noise: typos/slang swaps, trailing particles, emoji, stretching.

    Args:
        text: A filled genuine template.
        rnd: Random source.
        rate: Scales every noise probability (0 disables).

    Returns:
        The noisy text.
    """
    if rate <= 0:
        return text
    r = rnd.random
    if r() < 0.22 * rate:
        a, b = rnd.choice(TYPO_SWAPS)
        if a in text:
            text = text.replace(a, b, 1)
    if r() < 0.25 * rate:
        text = text + rnd.choice(TAILS)
    if r() < 0.12 * rate:
        text = text + rnd.choice(SLOTS["emoji"])
    if r() < 0.05 * rate and text and "[" not in text:
        i = rnd.randrange(len(text))
        text = text[: i + 1] + text[i] * rnd.randint(1, 4) + text[i + 1 :]
    if r() < 0.04 * rate:
        text = text.replace("，", " ").replace("？", "?")
    if r() < 0.025 * rate:
        text = trad_swap(text, rnd, share=0.9)
    if r() < 0.01 * rate:
        text = pad(text, rnd)
    return text
