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
# Homophone/pinyin swaps spammers use on keywords (加薇, 扣扣, 裙 for 群, fu利).
HOMOPHONES: dict[str, tuple[str, ...]] = {
    "群": ("裙", "峮", "qun"),
    "微信": ("威信", "薇信", "v信", "VX", "绿泡泡"),
    "加微": ("加薇", "加V", "+v"),
    "QQ": ("扣扣", "球球", "企鹅", "Q Q"),
    "私聊": ("私liao", "s聊", "撕聊"),
    "私我": ("s我", "私沃"),
    "福利": ("fu利", "福俐", "褔利"),
    "资源": ("资yuan", "姿源", "孜源"),
    "兼职": ("兼zhi", "兼织", "jian职"),
    "赚钱": ("赚qian", "賺錢", "zhuan钱"),
    "红包": ("hong包", "红bao", "🧧"),
    "免费": ("免fei", "mian费"),
    "彩票": ("cai票", "菜票"),
    "带单": ("带dan", "戴单"),
    "视频": ("shi频", "视pin"),
    "约": ("yue", "月"),
    "下款": ("下kuan", "夏款"),
    "代充": ("dai充", "岱充"),
    "链接": ("lian接", "连接"),
    "领取": ("ling取", "令取"),
    "加": ("+", "➕", "珈"),
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


def homophone(text: str, rnd: random.Random, rate: float = 0.7) -> str:
    """Swap spam keywords for homophones or pinyin (群 → 裙, 微信 → 威信, 福利 → fu利).

    Args:
        text: Input text.
        rnd: Random source.
        rate: Probability of swapping each keyword found (one occurrence each).

    Returns:
        Text with some keywords swapped (unchanged when none is present).
    """
    for word, subs in HOMOPHONES.items():
        if word in text and rnd.random() < rate:
            text = text.replace(word, rnd.choice(subs), 1)
    return text


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


def phone_digits(rnd: random.Random) -> str:
    """Draw a mainland mobile number (11 digits, ``1[3-9]…``).

    Args:
        rnd: Random source.

    Returns:
        The plain ASCII digits.
    """
    return "1" + rnd.choice("3456789") + "".join(rnd.choice("0123456789") for _ in range(9))


def account_digits(rnd: random.Random, low: int = 6, high: int = 10) -> str:
    """Draw a QQ/group-style number (no leading zero).

    Args:
        rnd: Random source.
        low: Fewest digits.
        high: Most digits.

    Returns:
        The plain ASCII digits.
    """
    n = rnd.randint(low, high)
    return rnd.choice("123456789") + "".join(rnd.choice("0123456789") for _ in range(n - 1))


def latin_id(rnd: random.Random, letters: tuple[int, int] = (2, 5)) -> str:
    """Draw a WeChat/Telegram-style id: letters then digits (plain ASCII).

    Args:
        rnd: Random source.
        letters: Inclusive range of the number of leading letters.

    Returns:
        The id, e.g. ``"kxm20931"``.
    """
    head = "".join(rnd.choice(_LATIN) for _ in range(rnd.randint(*letters)))
    return head + "".join(rnd.choice("0123456789") for _ in range(rnd.randint(3, 6)))


def wechat_id(rnd: random.Random) -> str:
    """Make a WeChat id, sometimes in styled or upper-case letters.

    Args:
        rnd: Random source.

    Returns:
        The rendered id.
    """
    wid = latin_id(rnd)
    if rnd.random() < 0.5:
        return styled_latin(wid, rnd)
    return wid.upper() if rnd.random() < 0.3 else wid


def make_contact(rnd: random.Random) -> str:
    """Make an obfuscated contact: phone, QQ number or WeChat id.

    Args:
        rnd: Random source.

    Returns:
        The rendered contact.
    """
    kind = rnd.random()
    if kind < 0.4:
        return styled_number(phone_digits(rnd), rnd)
    if kind < 0.75:
        return styled_number(account_digits(rnd), rnd)
    return wechat_id(rnd)


_URL_HOSTS: tuple[str, ...] = ("t.cn", "url.cn", "dwz.cn", "suo.im", "tb.cn", "m.tb.cn")
_URL_TLDS: tuple[str, ...] = ("cn", "com", "top", "vip", "xyz", "cc", "net", "app", "site")
_ALNUM = _LATIN + _LATIN.upper() + "0123456789"


def make_url(rnd: random.Random) -> str:
    """Make a spam link: a short URL, a bare domain, or a domain with 点 for the dot.

    Args:
        rnd: Random source.

    Returns:
        The rendered link, e.g. ``"t.cn/A6x9Kp"`` or ``"http://kx88.top/?c=2931"``.
    """
    path = "".join(rnd.choice(_ALNUM) for _ in range(rnd.randint(4, 8)))
    mode = rnd.random()
    if mode < 0.4:
        return f"{rnd.choice(('', 'http://', 'https://'))}{rnd.choice(_URL_HOSTS)}/{path}"
    name = latin_id(rnd, (2, 4)) if rnd.random() < 0.5 else rnd.choice(_LATIN) * 2 + "88"
    tld = rnd.choice(_URL_TLDS)
    if mode < 0.75:
        tail = rnd.choice(("", "/", f"/?c={path}", f"/{path}", "/app"))
        return f"{rnd.choice(('http://', 'https://', 'www.', ''))}{name}.{tld}{tail}"
    return f"{name}{rnd.choice(('点', ' 点 ', '。', ' . '))}{tld}"


def make_code(rnd: random.Random, low: int = 6, high: int = 8) -> str:
    """Make an invitation code (upper-case letters and digits).

    Args:
        rnd: Random source.
        low: Shortest length.
        high: Longest length.

    Returns:
        The code, e.g. ``"K7Q2XM"``.
    """
    chars = _LATIN.upper() + "23456789"
    return "".join(rnd.choice(chars) for _ in range(rnd.randint(low, high)))


def make_token(rnd: random.Random) -> str:
    """Make a shopping-app share token (淘口令 style, e.g. ``"￥Ab3xK9qLm2Z￥"``).

    Args:
        rnd: Random source.

    Returns:
        The token with its delimiters.
    """
    body = "".join(rnd.choice(_ALNUM) for _ in range(11))
    left, right = rnd.choice((("￥", "￥"), ("$", "$"), ("€", "€"), ("(", ")"), ("/", "/")))
    return left + body + right


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
