"""Evasion-proof, versioned normalisation of Chinese chat comments.

The normal form folds away the tricks spammers use to dodge exact-match filters
(zero-width characters, styled digits, radicals and 火星文 look-alikes, split
characters, traditional characters, homoglyphs, emoji/punctuation padding, stretched
runs) and masks contact details into placeholder tokens. What was removed is returned
as :class:`NormalizationFeatures`, because it is evidence too. Stages, their order and
every feature are documented in docs/normalization.md. Any change to the output bumps
:data:`NORMALIZER_VERSION`, which models save and check; every version in
:data:`SUPPORTED_VERSIONS` stays available, byte for byte, for the models that recorded
it (the version selects a frozen :class:`_Rules` object; one code path serves all).

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from botcomments.text import tables as T

#: The version new models record and :func:`normalize` uses.
NORMALIZER_VERSION = "2"
#: Versions a model may record: 1 (first release), 2 (issue 14 evasion fixes).
SUPPORTED_VERSIONS: tuple[str, ...] = ("1", "2")

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
_FORMAT_RE = re.compile(f"[{_char_class(_FORMAT)}]")
_STYLED_RE = re.compile(f"[{_char_class(T.STYLED_MAP)}]")

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
# Characters combining marks are stripped from: ASCII, CJK, emoji; version 2 adds CJK
# punctuation (U+3000-303F), full-width/half-width forms (U+FF00-FFEF) and the dashes,
# quotes and ellipsis of Chinese text (— “ ” …; not • ‿, which kaomoji build faces with).
_MARK_BASES_V1 = f"\\x00-\\x7f{_CJK}{_EMOJI_NO_ZWJ}"
_MARK_BASES_V2 = _MARK_BASES_V1 + "\u3000-\u303f\uff00-\uffef\u2010-\u2015\u2018-\u201f\u2026"

_PLACEHOLDER_FOLDED_RE = re.compile("|".join(re.escape(p.lower()) for p in CONTACT_PLACEHOLDERS))

_GREEK_CYRILLIC = "\u0370-\u03ff\u0400-\u052f"
_GREEK_CYRILLIC_RE = re.compile(f"[{_GREEK_CYRILLIC}]")
_LETTER_RUN_RE = re.compile(f"[a-z0-9{_GREEK_CYRILLIC}]+")
_LATIN_RE = re.compile("[a-z]")

_WS_RE = re.compile(r"\s+")
# Spaces dropped between two CJK characters; version 2 also between a CJK character or a
# contact placeholder and another (主播 <QQ> → 主播<QQ>, as when the cue was 扣扣).
_CJK_SPACE_V1 = f"(?<=[{_CJK}]) (?=[{_CJK}])"
_CJK_SPACE_V2 = f"(?:(?<=[{_CJK}])|(?<=[A-Z]>)) (?=[{_CJK}]|<[A-Z])"

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
#: Version 2: an emoji that fills at least this share of the gaps between the characters
#: of a line (and at least two gaps) is padding and is deleted everywhere first.
SYMBOL_PAD_SHARE = 0.7

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
def _alt(words: Iterable[str], alone: bool = True) -> str:
    """Alternation of cue words, longest first; a space in a cue is optional in the text.
    Latin cues must start a word when ``alone`` (not right after a verb such as jia)."""
    out = []
    for w in sorted(words, key=len, reverse=True):
        lead = "(?<![a-z])" if alone and w[0].isascii() and w[0].isalpha() else ""
        out.append(lead + re.escape(w).replace("\\ ", " ?"))
    return "(?:" + "|".join(out) + ")"


_SEP_CHARS_V1 = r"\s\-_.·,，、|/\\*~^=()（）\[\]【】'\""
_SP_V1 = f"[{_SEP_CHARS_V1}]{{0,2}}"
# Version 2: more separators, and "…" (NFKC "...") as one.
_SP_V2 = f"(?:[{_SEP_CHARS_V1}{re.escape(T.DIGIT_SEPARATORS_V2)}]{{0,2}}|\\.\\.\\.)"
_SEP = rf"\s?(?:号码|号|id)?[\s:：是为~*{_EMOJI_NO_ZWJ}]{{0,4}}"
_WORD_ID = r"(?:wxid_)?[a-z][-_a-z0-9]{5,19}(?![-_a-z0-9])"
_TLD = "(?:" + "|".join(sorted(T.TLDS, key=len, reverse=True)) + ")"
_DOT = r"\s?(?:[.。]|点)\s?"
_WEAK = "(?:v(?![a-z])|薇|微(?![博笑软小型波])|威|徽)"
_URL_PATTERN = (
    rf"(?P<url>(?:https?://|www[.。])[a-z0-9\-._~:/?#@!$&'()*+,;=%]+"
    rf"|(?<![a-z0-9@._-])[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{1,63}})*{_DOT}{_TLD}"
    rf"(?![a-z0-9])(?:/[a-z0-9\-._~/?#=&%]*)?)"
)


@dataclass(frozen=True)
class _MaskSpec:
    """What a version's contact patterns are built from (see :func:`_mask_patterns`).

    Attributes:
        qq_cues: QQ cue words.
        wechat_cues: Strong WeChat cue words.
        sp: Regex of what may separate two digits of an id.
        word_id: Regex of a Latin id after a cue, given ``sp``.
        wx_prefix: Regex of the verb before a weak WeChat cue (加 v).
        wx_extra: Extra weak-cue alternatives (``|...``) after the verb.
        qq_gate: Cheap gate of the QQ pass.
        glued_cues: Latin cues may follow the verb without a break (jiaweixin).
    """

    qq_cues: tuple[str, ...]
    wechat_cues: tuple[str, ...]
    sp: str
    word_id: str
    wx_prefix: str
    wx_extra: str
    qq_gate: str
    glued_cues: bool = False


def _word_id_v2(sp: str) -> str:
    """Version 2 Latin ids: a letter head with a separated digit tail (zcujs28、4、9、9),
    the version 1 id, or letters and digits spaced out (k x m 2 0 9)."""
    tail = rf"[a-z][-_a-z]{{1,15}}(?:{sp}[0-9]){{4,12}}(?![-_a-z0-9])(?!{sp}[0-9])"
    spaced = r"[a-z](?: [a-z0-9]){5,19}(?! ?[a-z0-9])"
    return f"(?:{tail}|{_WORD_ID}|{spaced})"


_MASK_V1 = _MaskSpec(T.QQ_CUES, T.WECHAT_STRONG_CUES, _SP_V1, _WORD_ID, "[加+]", "",
                     "[q扣抠蔻寇企球秋]")
# Version 2: pinyin cues (kou kou, wei xin, jia v/vx, jia wei + an id: 嘉伟 is a name).
_MASK_V2 = _MaskSpec(T.QQ_CUES_V2, T.WECHAT_STRONG_CUES_V2, _SP_V2, _word_id_v2(_SP_V2),
                     "[加+]|(?<![a-z])jia ?", "|(?P<wxwei>wei)", "[qk扣抠蔻寇企球秋]",
                     glued_cues=True)


def _mask_patterns(spec: _MaskSpec) -> dict[str, str]:
    """The contact regexes of one version, by kind."""
    sp, word_id = spec.sp, spec.word_id
    digit_id = rf"[0-9](?:{sp}[0-9]){{5,11}}(?!{sp}[0-9])"
    wx = _alt(spec.wechat_cues)
    wx_after_verb = _alt(spec.wechat_cues, alone=not spec.glued_cues)
    return {
        "url": _URL_PATTERN,
        "email": r"(?P<email>(?<![a-z0-9._-])[a-z0-9._-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)",
        "wxid": r"(?P<wxid>(?<![a-z])wxid_[a-z0-9_-]{4,30})",
        "qq": rf"(?P<qq>{_alt(spec.qq_cues)}{_SEP}(?P<qqid>[1-9](?:{sp}[0-9]){{4,11}})"
              rf"(?!{sp}[0-9]))",
        "wx": rf"(?P<wx>(?:(?P<wxpre>{spec.wx_prefix})\s?(?:{wx_after_verb}|{_WEAK}{spec.wx_extra})"
              rf"|(?P<wxcue>{wx})){_SEP}(?P<wxval>{word_id}|{digit_id})?)",
        "phone": rf"(?P<phone>(?<![0-9])(?:\+?86{sp})?1{sp}[3-9](?:{sp}[0-9]){{9}}"
                 rf"(?!{sp}[0-9]))",
        "ct": rf"(?P<ct>(?P<ctcue>{_alt(T.CONTACT_CUES)})\s?[:：]?\s?"
              rf"(?P<ctid>{digit_id}|{word_id}))",
    }


_MaskPasses = tuple[tuple[re.Pattern[str], int, re.Pattern[str]], ...]


def _mask_passes(spec: _MaskSpec) -> _MaskPasses:
    """Masking passes in priority order, each with a cheap gate: (gate, minimum digits,
    regex)."""
    patterns = _mask_patterns(spec)
    return tuple(
        (re.compile(gate), min_digits, re.compile(patterns[kind]))
        for kind, gate, min_digits in (
            ("url", r"[.。点]", 0),
            ("email", "@", 0),
            ("wxid", "wxid_", 0),
            ("qq", spec.qq_gate, 5),
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


@dataclass(frozen=True)
class _Rules:
    """Compiled tables and patterns of one normaliser version (frozen once released).

    Attributes:
        version: The version.
        table: Stage 1 ``str.translate`` table (format chars, styled, variants, symbols).
        table_re: Any character of ``table``.
        variant_re: Any radical/火星文 variant.
        marks_re: Combining marks on a base they are stripped from.
        marks_before_nfkc: Strip marks before NFKC too (NFKC composes a + U+0301).
        symbol_padding: Delete an emoji that pads every gap of a line first.
        homoglyph_table: Greek/Cyrillic look-alike → Latin.
        cjk_space_re: Spaces dropped (between CJK characters, v2: and placeholders).
        homoglyph_chars: The keys of ``homoglyph_table``.
        confusable_chars: Look-alikes that turn a word made only of look-alikes into
            Latin anywhere (UTS #39 ones); the others do so only in URL parts, so
            Russian words (привет) stay.
        mask_passes: Contact masking passes.
    """

    version: str
    table: dict[int, str | None]
    table_re: re.Pattern[str]
    variant_re: re.Pattern[str]
    marks_re: re.Pattern[str]
    marks_before_nfkc: bool
    symbol_padding: bool
    cjk_space_re: re.Pattern[str]
    homoglyph_table: dict[int, str]
    homoglyph_chars: frozenset[str]
    confusable_chars: frozenset[str]
    mask_passes: _MaskPasses


def _build_rules(version: str) -> _Rules:
    """Compile the rules of ``version`` (1: first release; 2: issue 14 evasion fixes)."""
    v1 = version == "1"
    variant = {**T.RADICAL_MAP, **(T.MARTIAN_MAP if v1 else T.MARTIAN_MAP_V2)}
    table: dict[int, str | None] = {ord(c): None for c in _FORMAT}
    table.update({ord(k): v for k, v in {**T.STYLED_MAP, **variant, **T.SYMBOL_MAP}.items()})
    homoglyphs = T.HOMOGLYPH_MAP if v1 else T.HOMOGLYPH_MAP_V2
    bases = _MARK_BASES_V1 if v1 else _MARK_BASES_V2
    return _Rules(
        version=version,
        table=table,
        table_re=re.compile(f"[{_char_class(map(chr, table))}]"),
        variant_re=re.compile(f"[{_char_class(variant)}]"),
        marks_re=re.compile(f"(?<=[{bases}])[{_MARKS_CLASS}]+"),
        marks_before_nfkc=not v1,
        symbol_padding=not v1,
        cjk_space_re=re.compile(_CJK_SPACE_V1 if v1 else _CJK_SPACE_V2),
        homoglyph_table=str.maketrans(homoglyphs),
        homoglyph_chars=frozenset(homoglyphs),
        confusable_chars=frozenset(T.HOMOGLYPH_MAP),
        mask_passes=_mask_passes(_MASK_V1 if v1 else _MASK_V2),
    )


_RULES: dict[str, _Rules] = {v: _build_rules(v) for v in SUPPORTED_VERSIONS}


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
# Stages. Each takes the text, the mutable counts (and the version's rules when they
# differ by version) and returns the new text.
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


def _strip_and_map(s: str, c: _Counts, r: _Rules, rare: bool) -> str:
    """Drop format chars; map styled, radical, 火星文 and symbol look-alikes (1:1)."""
    if (r.table_re if rare else r.variant_re).search(s):
        c.format += len(_FORMAT_RE.findall(s))
        c.styled += len(_STYLED_RE.findall(s))
        c.variant += len(r.variant_re.findall(s))
        s = s.translate(r.table)
    if T.ZWJ in s:
        s, n = _ZWJ_OUTSIDE_EMOJI_RE.subn("", s)
        c.format += n
    return s


def _nfkc_casefold(s: str, r: _Rules) -> str:
    """NFKC, case folding, NFKC again; placeholders stay upper case."""
    if not unicodedata.is_normalized("NFKC", s):
        s = s.translate(_FULLWIDTH)
        if not unicodedata.is_normalized("NFKC", s):
            s = unicodedata.normalize("NFKC", s)
            if r.table_re.search(s):
                s = s.translate(r.table)
    s = s.casefold()
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    if "<" in s:
        s = _PLACEHOLDER_FOLDED_RE.sub(lambda m: m.group().upper(), s)
    return s


def _strip_marks(s: str, c: _Counts, r: _Rules) -> str:
    """Remove combining marks stacked on CJK, ASCII or emoji (zalgo, keycaps)."""
    if not _MARK_GATE_RE.search(s):
        return s
    out = r.marks_re.sub("", s)
    c.combining += len(s) - len(out)
    return out


def _symbol_padding(s: str, c: _Counts) -> str:
    """Delete one emoji that separates (nearly) every pair of characters (v2).

    The most frequent emoji is padding when it fills at least :data:`SYMBOL_PAD_SHARE`
    of the gaps between neighbouring characters (whitespace-separated chunks counted
    apart) and at least two, in a line of at least three characters that are not emoji
    (💃🏻💃🏻💃🏻 stays): 晚❤安❤，❤明❤天❤见 → 晚安，明天见.
    """
    symbols = _EMOJI_RE.findall(s)
    if len(symbols) < 2 or len("".join(s.split())) - len(symbols) < 3:
        return s
    pad = Counter(symbols).most_common(1)[0][0]
    filled = gaps = 0
    for chunk in s.split():
        filled += max(sum(1 for part in chunk.split(pad) if part) - 1, 0)
        gaps += max(len(chunk) - chunk.count(pad) - 1, 0)
    if filled < 2 or filled < SYMBOL_PAD_SHARE * gaps:
        return s
    c.padding += s.count(pad)
    return s.replace(pad, "")


def _url_like(m: re.Match[str]) -> bool:
    """The run touches what joins URL parts: ./ before it, or :/ / or .x after it."""
    s, i, j = m.string, m.start(), m.end()
    return (i > 0 and s[i - 1] in "./") or s.startswith((":/", "/"), j) or (
        s.startswith(".", j) and j + 1 < len(s) and s[j + 1].isalnum())


def _fix_homoglyph_run(m: re.Match[str], c: _Counts, r: _Rules) -> str:
    run = m.group()
    foreign = [ch for ch in run if "\u0370" <= ch <= "\u052f"]
    if not foreign:
        return run
    if _LATIN_RE.search(run) or (
        all(ch in r.homoglyph_chars for ch in foreign)
        and (all(ch in r.confusable_chars for ch in foreign) or _url_like(m))
    ):
        c.homoglyphs += sum(ch in r.homoglyph_chars for ch in foreign)
        return run.translate(r.homoglyph_table)
    return run


def _homoglyphs(s: str, c: _Counts, r: _Rules) -> str:
    """Read Greek/Cyrillic look-alikes as Latin inside mixed or all-look-alike words."""
    if not _GREEK_CYRILLIC_RE.search(s):
        return s
    return _LETTER_RUN_RE.sub(lambda m: _fix_homoglyph_run(m, c, r), s)


def _spaces(s: str, c: _Counts, r: _Rules) -> str:
    """Collapse whitespace to one space, trim, and drop spaces between CJK chars."""
    if not _WS_RE.search(s):
        return s
    s = _WS_RE.sub(" ", s).strip()
    s, n = r.cjk_space_re.subn("", s)
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


_GROUPS = ("url", "email", "wxid", "qq", "wx", "phone", "wxwei")


def _mask_one(m: re.Match[str], c: _Counts) -> str:
    """Replacement for one contact match (the match itself when it is not a contact)."""
    g: dict[str, str | None] = dict.fromkeys(_GROUPS)
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
        cue = (g["wxcue"] or "").replace(" ", "")
        if value is None and (cue in _PLAIN_WECHAT_WORDS or g["wxwei"]):
            return m.group()  # plain "微信" (or the name jia wei) without an id
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


def _mask(s: str, c: _Counts, r: _Rules) -> str:
    """Replace phone/QQ/WeChat/URL/other contacts by placeholder tokens."""
    if not _MASK_GATE_RE.search(s):
        return s
    n_digits = len(_DIGIT_RE.findall(s))
    for gate, min_digits, pattern in r.mask_passes:
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


def _mask_and_collapse(s: str, c: _Counts, r: _Rules) -> str:
    """Repeat masking and collapsing until stable (each can expose work for the other)."""
    for _ in range(4):
        masked = _mask(s, c, r)
        was_masked = masked != s
        if was_masked:  # a placeholder (加<WECHAT>) can expose new spacing or padding
            masked = _padding(_spaces(masked, c, r), c)
        s, changed = _collapse(masked, c)
        if not changed and not was_masked:
            break
    return s


def _one_pass(text: str, c: _Counts, r: _Rules) -> str:
    """Every rewrite once, in order; counts go into ``c``."""
    rare = _RARE_RE.search(text) is not None
    s = _strip_and_map(text, c, r, rare)
    if rare and r.marks_before_nfkc:
        s = _strip_marks(s, c, r)
    s = _nfkc_casefold(s, r)
    if rare:
        c.emoji = max(c.emoji, len(_EMOJI_RE.findall(s)))  # a later pass sees fewer
        if r.symbol_padding:
            s = _symbol_padding(s, c)
        s = _homoglyphs(s, c, r)
        s = _strip_marks(s, c, r)
    s = _spaces(s, c, r)
    s = _padding(s, c)
    s = _traditional(s, c)
    s = _split_chars(s, c)
    s = _numerals(s, c)
    s = _mask_and_collapse(s, c, r).strip()
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    return s


def _normalize_rules(text: str, r: _Rules) -> NormalizedText:
    """Normalise with the rules of one version (uncached)."""
    c = _Counts()
    # One rewrite can expose work for another (a collapsed run completes a padded
    # sequence; a stripped keycap leaves a joiner outside any emoji), and a normal form
    # must be its own normal form: repeat while a pass changes the text. Text the first
    # pass leaves alone costs one pass; changed text one more to confirm.
    previous, s = text, _one_pass(text, c, r)
    for _ in range(3):
        if s == previous:
            break
        previous, s = s, _one_pass(s, c, r)
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


@lru_cache(maxsize=CACHE_SIZE)
def _normalize_cached(text: str, version: str) -> NormalizedText:
    """Cached :func:`_normalize_rules`, keyed on (text, version): versions share no entry."""
    return _normalize_rules(text, _RULES[version])


def check_version(version: str) -> str:
    """Check that this library implements a normaliser version.

    Args:
        version: Version a model recorded (``normalizer_version``).

    Returns:
        ``version``.

    Raises:
        ValueError: If it is not in :data:`SUPPORTED_VERSIONS`, saying what to do.
    """
    if version not in _RULES:
        raise ValueError(
            f"normaliser version {version!r} is not implemented by this botcomments "
            f"(it implements {', '.join(map(repr, SUPPORTED_VERSIONS))}); install the "
            "botcomments release that trained the model or retrain it"
        )
    return version


def normalize(text: str, version: str = NORMALIZER_VERSION) -> NormalizedText:
    """Normalise one comment (results are cached; the returned objects are immutable).

    Args:
        text: Raw comment text.
        version: Normaliser version (default: the current one; a model's texts use
            the version it recorded, see :class:`Normalizer`).

    Returns:
        The normal form with its features.

    Raises:
        TypeError: If ``text`` is not a ``str`` (decode bytes first; map missing text
            to ``""`` or reject the record upstream).
        ValueError: If ``version`` is not in :data:`SUPPORTED_VERSIONS`.

    Example:
        >>> normalize("主❤播❤好❤美").text
        '主播好美'
        >>> normalize("jia v: abc123").text, normalize("jia v: abc123", "1").text
        ('加<WECHAT>', 'jia v: abc123')
    """
    if not isinstance(text, str):
        raise TypeError(
            f"normalize() needs str, got {type(text).__name__}: {text!r:.60}; decode bytes "
            "first and reject records without text upstream"
        )
    if version not in _RULES:
        check_version(version)
    return _normalize_cached(text, version)


class Normalizer:
    """Callable normaliser pinned to a version, saved with every model.

    Args:
        version: Normaliser version the model recorded (defaults to the current one).

    Raises:
        ValueError: If ``version`` is not in :data:`SUPPORTED_VERSIONS`.

    Example:
        >>> Normalizer("1").version, Normalizer().version
        ('1', '2')
    """

    def __init__(self, version: str = NORMALIZER_VERSION) -> None:
        self.version = check_version(version)

    def __call__(self, text: str) -> NormalizedText:
        return normalize(text, self.version)

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
                out.append(normalize(t, self.version))
            except TypeError as exc:
                raise TypeError(f"texts[{i}]: {exc}") from None
        return out
