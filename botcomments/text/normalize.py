"""Evasion-proof, versioned normalisation of Chinese chat comments.

The normal form folds away the tricks spammers use to dodge exact-match filters
(zero-width characters, styled digits, radicals and 火星文 look-alikes, split
characters, traditional characters, homoglyphs, emoji/punctuation padding, stretched
runs) and masks contact details into placeholder tokens. What was removed is returned
as :class:`NormalizationFeatures`, because it is evidence too. Stages, their order and
every feature are documented in docs/normalization.md. Any change to the output bumps
:data:`NORMALIZER_VERSION`, which models save and check.

Example:
    >>> n = normalize("主播\u200b好美哈哈哈哈哈")
    >>> n.text, n.features.max_run, n.features.had_zero_width
    ('主播好美哈哈', 5, True)
    >>> normalize("加V❤: abc_123456").text
    '加<WECHAT>'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from botcomments.text import tables as T

NORMALIZER_VERSION = "1"

CONTACT_PLACEHOLDERS: tuple[str, ...] = ("<PHONE>", "<QQ>", "<WECHAT>", "<URL>", "<CONTACT>")
CONTACT_KINDS: tuple[str, ...] = ("phone", "qq", "wechat", "url", "contact")
_PLACEHOLDER = dict(zip(CONTACT_KINDS, CONTACT_PLACEHOLDERS, strict=True))

#: Cache size of :func:`normalize` (floods repeat the same lines).
CACHE_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class NormalizationFeatures:
    """What normalisation removed or rewrote; evidence in its own right.

    Counts are numbers of characters unless stated otherwise.
    """

    orig_length: int = 0
    n_format_chars: int = 0  # zero-width, bidi, BOM, soft hyphen, variation selectors, …
    n_variant_chars: int = 0  # CJK radical look-alikes and 火星文 variants
    n_traditional: int = 0  # characters OpenCC t2s changed
    n_padding: int = 0  # emoji/punctuation/space chars removed between characters
    n_emoji: int = 0  # emoji code points in the input (before padding removal)
    max_run: int = 1  # longest run of one repeated character (before collapse)
    n_runs_collapsed: int = 0  # runs (of a char or a 2-4 char unit) cut down to two
    masked_contacts: tuple[str, ...] = ()  # kinds from CONTACT_KINDS, in text order
    n_styled_chars: int = 0  # circled/dingbat/math/small-capital/non-ASCII digits
    n_homoglyphs: int = 0  # Greek/Cyrillic letters read as Latin
    n_split_chars: int = 0  # component pairs merged into one character (亻尔 → 你)
    n_numeral_chars: int = 0  # Chinese/financial numerals turned into digits
    n_combining_marks: int = 0  # combining marks stripped (zalgo, strike-through, keycap)
    max_unit_repeat: int = 1  # most repetitions of a 2-4 char unit (好看好看好看 → 3)
    share_non_cjk: float = 0.0  # share of output characters that are not CJK ideographs

    @property
    def had_zero_width(self) -> bool:
        """True when format characters (zero-width, bidi, soft hyphen) were stripped."""
        return self.n_format_chars > 0


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normal form and the features of what was removed."""

    text: str
    features: NormalizationFeatures


# --------------------------------------------------------------------------------------
# Compiled tables and patterns (built once at import).
# --------------------------------------------------------------------------------------
def _char_class(chars: Iterable[str]) -> str:
    """Regex character-class body matching exactly ``chars`` (ranges compressed)."""
    cps = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


_SURROGATES = frozenset(chr(cp) for cp in range(0xD800, 0xE000))
_FORMAT = T.FORMAT_CHARS | _SURROGATES
_VARIANT = {**T.RADICAL_MAP, **T.MARTIAN_MAP}
_TABLE: dict[int, str | None] = {ord(c): None for c in _FORMAT}
_TABLE.update({ord(k): v for k, v in {**T.STYLED_MAP, **_VARIANT, **T.SYMBOL_MAP}.items()})

_TABLE_RE = re.compile(f"[{_char_class(map(chr, _TABLE))}]")
_FORMAT_RE = re.compile(f"[{_char_class(_FORMAT)}]")
_STYLED_RE = re.compile(f"[{_char_class(T.STYLED_MAP)}]")
_VARIANT_RE = re.compile(f"[{_char_class(_VARIANT)}]")

_CJK = T.CJK_CLASS
_EMOJI_NO_ZWJ = T.EMOJI_CLASS.replace(T.ZWJ, "")
_EMOJI_RE = re.compile(f"[{_EMOJI_NO_ZWJ}]")
_ZWJ_OUTSIDE_EMOJI_RE = re.compile(f"(?<![{_EMOJI_NO_ZWJ}])\u200d|\u200d(?![{_EMOJI_NO_ZWJ}])")
_CJK_RE = re.compile(f"[{_CJK}]+")

_MARKS = (
    chr(cp)
    for cp in range(0x0300, 0x1FFFF)
    if unicodedata.category(chr(cp)) in ("Mn", "Me") and chr(cp) not in _FORMAT
)
_MARKS_CLASS = _char_class(_MARKS)
_MARK_GATE_RE = re.compile(f"[{_MARKS_CLASS}]")
_MARKS_RE = re.compile(f"(?<=[\\x00-\\x7f{_CJK}{_EMOJI_NO_ZWJ}])[{_MARKS_CLASS}]+")

_PLACEHOLDER_FOLDED_RE = re.compile("|".join(re.escape(p.lower()) for p in CONTACT_PLACEHOLDERS))

_GREEK_CYRILLIC = "\u0370-\u03ff\u0400-\u052f"
_GREEK_CYRILLIC_RE = re.compile(f"[{_GREEK_CYRILLIC}]")
_LETTER_RUN_RE = re.compile(f"[a-z0-9{_GREEK_CYRILLIC}]+")
_LATIN_RE = re.compile("[a-z]")
_HOMOGLYPH_TABLE = str.maketrans(T.HOMOGLYPH_MAP)
_HOMOGLYPH_CHARS = frozenset(T.HOMOGLYPH_MAP)

_WS_RE = re.compile(r"\s+")
_CJK_SPACE_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

# Padding. Rule A: single CJK characters separated by any padding (emoji, symbols,
# punctuation except the enumeration comma 、, spaces). Rule B: segments of one or two
# CJK/alphanumeric characters separated by emoji/decorative symbols.
_SYM_PAD = T.EMOJI_CLASS + r"~*^|`·•・_=#\\/"
_ANY_PAD = _SYM_PAD + r" ,，.。…!?！？;；:：\-"
_CONTENT_B = f"{_CJK}a-z0-9"
_PAD_GATE_RE = re.compile(f"[{_ANY_PAD}]")
_PAD_A_RE = re.compile(f"(?<![{_CJK}])[{_CJK}](?:[{_ANY_PAD}]+[{_CJK}]){{2,}}")
_PAD_B_RE = re.compile(
    f"(?<![{_CONTENT_B}])[{_CONTENT_B}]{{1,2}}(?:[{_SYM_PAD}]+[{_CONTENT_B}]{{1,2}}){{2,}}"
    f"(?![{_CONTENT_B}])"
)
_NOT_CJK_RE = re.compile(f"[^{_CJK}]+")
_NOT_CONTENT_B_RE = re.compile(f"[^{_CONTENT_B}]+")

_SPLIT_GATE_RE = re.compile(f"[{_char_class(k[0] for k in T.SPLIT_MAP)}女]")
_SPLIT_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(T.SPLIT_MAP, key=len, reverse=True))
    + "|(?:(?<=[真很太超蛮挺])|^)女子(?=[看美帅棒听])"
)

_NUMERALS = "".join(T.NUMERAL_DIGITS)
_NUMERAL_GATE_RE = re.compile(f"[{_NUMERALS}]")
_NUMERAL_RUN_RE = re.compile(f"[{_NUMERALS}0-9](?:[ \\-_.·,，]?[{_NUMERALS}0-9])+")
_NUMERAL_TABLE = str.maketrans(T.NUMERAL_DIGITS)
_FINANCIAL = frozenset(T.FINANCIAL_NUMERALS)


# Contact masking: one alternation, leftmost match wins; see _mask_one for the kinds.
def _alt(words: Iterable[str]) -> str:
    out = []
    for w in sorted(words, key=len, reverse=True):
        lead = "(?<![a-z])" if w[0].isascii() and w[0].isalpha() else ""
        out.append(lead + re.escape(w))
    return "(?:" + "|".join(out) + ")"


_SP = r"[\s\-_.·,，、|/\\*~^=()（）\[\]【】'\"]{0,2}"
_SEP = rf"\s?(?:号码|号|id)?[\s:：是为~*{_EMOJI_NO_ZWJ}]{{0,4}}"
_DIGIT_ID = rf"[0-9](?:{_SP}[0-9]){{5,11}}(?!{_SP}[0-9])"
_WORD_ID = r"(?:wxid_)?[a-z][-_a-z0-9]{5,19}(?![-_a-z0-9])"
_TLD = "(?:" + "|".join(sorted(T.TLDS, key=len, reverse=True)) + ")"
_DOT = r"\s?(?:[.。]|点)\s?"
_WEAK = "(?:v(?![a-z])|薇|微(?![博笑软小型波])|威|徽)"
_MASK_PATTERNS: dict[str, str] = {
    "url": rf"(?P<url>(?:https?://|www[.。])[a-z0-9\-._~:/?#@!$&'()*+,;=%]+"
    rf"|(?<![a-z0-9@._-])[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{1,63}})*{_DOT}{_TLD}"
    rf"(?![a-z0-9])(?:/[a-z0-9\-._~/?#=&%]*)?)",
    "email": r"(?P<email>(?<![a-z0-9._-])[a-z0-9._-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)",
    "wxid": r"(?P<wxid>(?<![a-z])wxid_[a-z0-9_-]{4,30})",
    "qq": rf"(?P<qq>{_alt(T.QQ_CUES)}{_SEP}(?P<qqid>[1-9](?:{_SP}[0-9]){{4,11}})(?!{_SP}[0-9]))",
    "wx": rf"(?P<wx>(?:(?P<wxpre>[加+])\s?(?:{_alt(T.WECHAT_STRONG_CUES)}|{_WEAK})"
    rf"|(?P<wxcue>{_alt(T.WECHAT_STRONG_CUES)})){_SEP}(?P<wxval>{_WORD_ID}|{_DIGIT_ID})?)",
    "phone": rf"(?P<phone>(?<![0-9])(?:\+?86{_SP})?1{_SP}[3-9](?:{_SP}[0-9]){{9}}(?!{_SP}[0-9]))",
    "ct": rf"(?P<ct>(?P<ctcue>{_alt(T.CONTACT_CUES)})\s?[:：]?\s?(?P<ctid>{_DIGIT_ID}|{_WORD_ID}))",
}
# Masking passes in priority order, each with a cheap gate: (gate, minimum digits, regex).
_MASK_PASSES: tuple[tuple[re.Pattern[str], int, re.Pattern[str]], ...] = tuple(
    (re.compile(gate), min_digits, re.compile(_MASK_PATTERNS[kind]))
    for kind, gate, min_digits in (
        ("url", r"[.。点]", 0),
        ("email", "@", 0),
        ("wxid", "wxid_", 0),
        ("qq", "[q扣抠蔻寇企球秋]", 5),
        ("wx", "[vwx微威薇徽维卫喂魏绿]", 0),
        ("phone", "1", 11),
        ("ct", "[联加私找滴t]", 1),
    )
)
_DIGIT_RE = re.compile("[0-9]")
# Every contact match contains a digit, a Latin letter, "@" or one of these cue chars.
_MASK_GATE_RE = re.compile("[0-9a-z@+加扣抠蔻寇企球秋信薇泡联私找滴]")
_PLAIN_WECHAT_WORDS = frozenset({"微信", "wechat", "weixin"})
_NON_DIGIT_RE = re.compile("[^0-9]")
_PHONE_FULL_RE = re.compile(r"(?:86)?1[3-9][0-9]{9}")

_CHAR_RUN_RE = re.compile(r"(.)\1{2,}", re.S)
_UNIT_GATE_RE = re.compile(r"([^<>]{2,4})\1\1", re.S)  # greedy: cheap existence test
_UNIT_RUN_RE = re.compile(r"([^<>]{2,4}?)\1{2,}", re.S)  # lazy: the shortest unit
_PAIR_RE = re.compile(r"(.)\1", re.S)

# Characters outside this class are "rare": only texts with one need the table, ZWJ,
# emoji, combining-mark and homoglyph stages. Common CJK text never has one.
_RARE_RE = re.compile(
    "[^\x20-\x7e\u3001\u3002\u300a-\u300f\u3010\u3011\u4e00-\u9fff\uff01-\uff5e"
    "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7]"
)
# NFKC of the full-width forms every Chinese IME types (，！？：；（）): a cheap
# translate avoids a full NFKC pass for most comments.
_FULLWIDTH = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF01, 0xFF5F)}


@lru_cache(maxsize=1)
def _t2s() -> tuple[opencc.OpenCC, re.Pattern[str]]:
    """OpenCC t2s converter and a pattern of the characters it changes in isolation."""
    converter = opencc.OpenCC("t2s")
    chars = "".join(chr(cp) for cp in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line breaks
        raise RuntimeError("OpenCC t2s changed the number of lines; cannot build its table")
    trad = (c for c, s in zip(chars, converted, strict=True) if c != s)
    return converter, re.compile(f"[{_char_class(trad)}]")


# --------------------------------------------------------------------------------------
# Stages. Each takes the text and the mutable counter dict and returns the new text.
# --------------------------------------------------------------------------------------
class _Counts:
    """Mutable feature accumulator for one call."""

    __slots__ = (
        "combining",
        "contacts",
        "emoji",
        "format",
        "homoglyphs",
        "max_run",
        "max_unit",
        "numerals",
        "padding",
        "runs",
        "split",
        "styled",
        "traditional",
        "variant",
    )

    def __init__(self) -> None:
        self.format = self.variant = self.traditional = self.padding = self.emoji = 0
        self.runs = self.styled = self.homoglyphs = self.split = self.numerals = 0
        self.combining = 0
        self.max_run = self.max_unit = 1
        self.contacts: list[str] = []


def _strip_and_map(s: str, c: _Counts, rare: bool) -> str:
    """Drop format chars; map styled, radical, 火星文 and symbol look-alikes (1:1)."""
    if (_TABLE_RE if rare else _VARIANT_RE).search(s):
        c.format += len(_FORMAT_RE.findall(s))
        c.styled += len(_STYLED_RE.findall(s))
        c.variant += len(_VARIANT_RE.findall(s))
        s = s.translate(_TABLE)
    if T.ZWJ in s:
        s, n = _ZWJ_OUTSIDE_EMOJI_RE.subn("", s)
        c.format += n
    return s


def _nfkc_casefold(s: str) -> str:
    """NFKC, case folding, NFKC again; placeholders stay upper case."""
    if not unicodedata.is_normalized("NFKC", s):
        s = s.translate(_FULLWIDTH)
        if not unicodedata.is_normalized("NFKC", s):
            s = unicodedata.normalize("NFKC", s)
            if _TABLE_RE.search(s):
                s = s.translate(_TABLE)
    s = s.casefold()
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    if "<" in s:
        s = _PLACEHOLDER_FOLDED_RE.sub(lambda m: m.group().upper(), s)
    return s


def _strip_marks(s: str, c: _Counts) -> str:
    """Remove combining marks stacked on CJK, ASCII or emoji (zalgo, keycaps)."""
    if not _MARK_GATE_RE.search(s):
        return s
    out = _MARKS_RE.sub("", s)
    c.combining += len(s) - len(out)
    return out


def _fix_homoglyph_run(m: re.Match[str], c: _Counts) -> str:
    run = m.group()
    foreign = [ch for ch in run if "\u0370" <= ch <= "\u052f"]
    if not foreign:
        return run
    if _LATIN_RE.search(run) or all(ch in _HOMOGLYPH_CHARS for ch in foreign):
        c.homoglyphs += sum(ch in _HOMOGLYPH_CHARS for ch in foreign)
        return run.translate(_HOMOGLYPH_TABLE)
    return run


def _homoglyphs(s: str, c: _Counts) -> str:
    """Read Greek/Cyrillic look-alikes as Latin inside mixed or all-look-alike words."""
    if not _GREEK_CYRILLIC_RE.search(s):
        return s
    return _LETTER_RUN_RE.sub(lambda m: _fix_homoglyph_run(m, c), s)


def _spaces(s: str, c: _Counts) -> str:
    """Collapse whitespace to one space, trim, and drop spaces between CJK chars."""
    if not _WS_RE.search(s):
        return s
    s = _WS_RE.sub(" ", s).strip()
    s, n = _CJK_SPACE_RE.subn("", s)
    c.padding += n
    return s


def _padding(s: str, c: _Counts) -> str:
    """Remove emoji/punctuation inserted between every one or two characters."""
    if not _PAD_GATE_RE.search(s):
        return s
    n0 = len(s)
    s = _PAD_A_RE.sub(lambda m: _NOT_CJK_RE.sub("", m.group()), s)
    s = _PAD_B_RE.sub(lambda m: _NOT_CONTENT_B_RE.sub("", m.group()), s)
    c.padding += n0 - len(s)
    return s


def _traditional(s: str, c: _Counts) -> str:
    """Traditional → simplified with OpenCC t2s, only when a traditional char is present."""
    converter, trad_re = _t2s()
    if not trad_re.search(s):
        return s
    out: str = converter.convert(s)
    if len(out) == len(s):
        c.traditional += sum(a != b for a, b in zip(s, out, strict=True))
    else:  # pragma: no cover - t2s is length-preserving in practice
        c.traditional += len(trad_re.findall(s))
    return out


def _split_chars(s: str, c: _Counts) -> str:
    """Merge component pairs (亻尔 → 你) into the character they spell."""
    if not _SPLIT_GATE_RE.search(s):
        return s

    def merge(m: re.Match[str]) -> str:
        c.split += 1
        return T.SPLIT_MAP.get(m.group(), "好")

    return _SPLIT_RE.sub(merge, s)


def _numeral_run(m: re.Match[str], c: _Counts) -> str:
    run = m.group()
    n_cn = sum(ch in T.NUMERAL_DIGITS for ch in run)
    n_all = sum(ch.isdigit() or ch in T.NUMERAL_DIGITS for ch in run)
    mixed = any(ch in _FINANCIAL or ch.isdigit() for ch in run)
    if n_cn and (n_all >= 5 or (mixed and n_all >= 3)):
        c.numerals += n_cn
        return run.translate(_NUMERAL_TABLE)
    return run


def _numerals(s: str, c: _Counts) -> str:
    """Chinese/financial numerals → digits, only inside digit-like runs (not 一起)."""
    if not _NUMERAL_GATE_RE.search(s):
        return s
    return _NUMERAL_RUN_RE.sub(lambda m: _numeral_run(m, c), s)


def _mask_one(m: re.Match[str], c: _Counts) -> str:
    """Replacement for one contact match (the match itself when it is not a contact)."""
    g: dict[str, str | None] = dict.fromkeys(("url", "email", "wxid", "qq", "wx", "phone"))
    g.update(m.groupdict())
    if g["url"]:
        kind, keep = "url", ""
    elif g["email"]:
        kind, keep = "contact", ""
    elif g["wxid"]:
        kind, keep = "wechat", ""
    elif g["qq"]:
        if len(set(_NON_DIGIT_RE.sub("", g["qqid"] or ""))) == 1:
            return m.group()
        kind, keep = "qq", ""
    elif g["wx"]:
        value = g["wxval"]
        if value is None and g["wxcue"] in _PLAIN_WECHAT_WORDS:
            return m.group()  # plain "微信" without an id is ordinary language
        kind, keep = "wechat", "加" if g["wxpre"] else ""
    elif g["phone"]:
        kind, keep = "phone", ""
    else:
        digits = _NON_DIGIT_RE.sub("", g["ctid"] or "")
        if not digits or len(set(digits)) == 1:
            return m.group()
        kind = "phone" if _PHONE_FULL_RE.fullmatch(digits) else "contact"
        keep = g["ctcue"] or ""
    c.contacts.append(kind)
    return keep + _PLACEHOLDER[kind]


def _mask(s: str, c: _Counts) -> str:
    """Replace phone/QQ/WeChat/URL/other contacts by placeholder tokens."""
    if not _MASK_GATE_RE.search(s):
        return s
    n_digits = len(_DIGIT_RE.findall(s))
    for gate, min_digits, pattern in _MASK_PASSES:
        if n_digits >= min_digits and gate.search(s):
            s = pattern.sub(lambda m: _mask_one(m, c), s)
    return s


def _collapse_one(m: re.Match[str], c: _Counts) -> str:
    c.runs += 1
    unit = m.group(1)
    if len(unit) == 1:
        c.max_run = max(c.max_run, len(m.group()))
    else:
        c.max_unit = max(c.max_unit, len(m.group()) // len(unit))
    return unit * 2


def _collapse(s: str, c: _Counts) -> tuple[str, bool]:
    """Cut runs of ≥3 identical chars, then of 2-4 char units, down to two."""
    out = s
    if _CHAR_RUN_RE.search(out):
        out = _CHAR_RUN_RE.sub(lambda m: _collapse_one(m, c), out)
    elif c.max_run < 2 and _PAIR_RE.search(out):
        c.max_run = 2
    if _UNIT_GATE_RE.search(out):
        out = _UNIT_RUN_RE.sub(lambda m: _collapse_one(m, c), out)
    return out, out != s


def _mask_and_collapse(s: str, c: _Counts) -> str:
    """Repeat masking and collapsing until stable (each can expose work for the other)."""
    for _ in range(4):
        masked = _mask(s, c)
        was_masked = masked != s
        if was_masked:  # a placeholder (加<WECHAT>) can expose new spacing or padding
            masked = _padding(_spaces(masked, c), c)
        s, changed = _collapse(masked, c)
        if not changed and not was_masked:
            break
    return s


def _one_pass(text: str, c: _Counts) -> str:
    """Every rewrite once, in order; counts go into ``c``."""
    rare = _RARE_RE.search(text) is not None
    s = _strip_and_map(text, c, rare)
    s = _nfkc_casefold(s)
    if rare:
        c.emoji = max(c.emoji, len(_EMOJI_RE.findall(s)))  # a later pass sees fewer
        s = _homoglyphs(s, c)
        s = _strip_marks(s, c)
    s = _spaces(s, c)
    s = _padding(s, c)
    s = _traditional(s, c)
    s = _split_chars(s, c)
    s = _numerals(s, c)
    s = _mask_and_collapse(s, c).strip()
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    return s


def _normalize_uncached(text: str) -> NormalizedText:
    c = _Counts()
    # One rewrite can expose work for another (a collapsed run completes a padded
    # sequence; a stripped keycap leaves a joiner outside any emoji), and a normal form
    # must be its own normal form: repeat while a pass changes the text. Text the first
    # pass leaves alone costs one pass; changed text one more to confirm.
    previous, s = text, _one_pass(text, c)
    for _ in range(3):
        if s == previous:
            break
        previous, s = s, _one_pass(s, c)
    n_cjk = sum(map(len, _CJK_RE.findall(s))) if not s.isascii() else 0
    features = NormalizationFeatures(
        orig_length=len(text),
        n_format_chars=c.format,
        n_variant_chars=c.variant,
        n_traditional=c.traditional,
        n_padding=c.padding,
        n_emoji=c.emoji,
        max_run=c.max_run if s else 0,
        n_runs_collapsed=c.runs,
        masked_contacts=tuple(c.contacts),
        n_styled_chars=c.styled,
        n_homoglyphs=c.homoglyphs,
        n_split_chars=c.split,
        n_numeral_chars=c.numerals,
        n_combining_marks=c.combining,
        max_unit_repeat=c.max_unit,
        share_non_cjk=(1.0 - n_cjk / len(s)) if s else 0.0,
    )
    return NormalizedText(text=s, features=features)


_normalize_cached = lru_cache(maxsize=CACHE_SIZE)(_normalize_uncached)


def normalize(text: str) -> NormalizedText:
    """Normalise one comment (results are cached; the returned objects are immutable).

    Args:
        text: Raw comment text.

    Returns:
        The normal form with its features.

    Raises:
        TypeError: If ``text`` is not a ``str`` (decode bytes first; map missing text
            to ``""`` or reject the record upstream).

    Example:
        >>> normalize("主❤播❤好❤美").text
        '主播好美'
    """
    if not isinstance(text, str):
        raise TypeError(
            f"normalize() needs str, got {type(text).__name__}: {text!r:.60}; decode bytes "
            "first and reject records without text upstream"
        )
    return _normalize_cached(text)


class Normalizer:
    """Callable normaliser pinned to a version, saved with every model.

    Args:
        version: Normaliser version the caller expects (defaults to the current one).

    Raises:
        ValueError: If ``version`` is not the version this library implements.
    """

    def __init__(self, version: str = NORMALIZER_VERSION) -> None:
        if version != NORMALIZER_VERSION:
            raise ValueError(
                f"model was saved with normaliser version {version!r} but this botcomments "
                f"implements {NORMALIZER_VERSION!r}; install the botcomments release that "
                "trained the model or retrain it"
            )
        self.version = version

    def __call__(self, text: str) -> NormalizedText:
        return normalize(text)

    def normalize_batch(self, texts: list[str]) -> list[NormalizedText]:
        """Normalise many comments.

        Args:
            texts: Raw texts.

        Returns:
            One NormalizedText per input, same order.

        Raises:
            TypeError: Naming the first position whose item is not a ``str``.
        """
        out: list[NormalizedText] = []
        for i, t in enumerate(texts):
            try:
                out.append(normalize(t))
            except TypeError as exc:
                raise TypeError(f"texts[{i}]: {exc}") from None
        return out
