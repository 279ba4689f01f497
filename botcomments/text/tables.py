"""Data tables behind the normaliser (see docs/normalization.md).

Every table says where it came from. Tables derived from the Unicode Character Database
are built at import from :mod:`unicodedata` (character names / categories of the running
Python), so they track the Unicode version instead of being copied by hand. Traditional
→ simplified is NOT a table here: it is OpenCC ("t2s"), see ``normalize.py``.

Changing any table changes normal forms, so the tables of a released version are frozen:
version 1 reads the plain tables, version 2 the ``*_V2`` ones (a version-1 table plus
additions). A new change goes into new tables for a new ``NORMALIZER_VERSION``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# ---------------------------------------------------------------------------------------
# Invisible characters. Source: Unicode general category Cf (format: zero-width space /
# joiner / non-joiner, bidi controls, soft hyphen, BOM, tag characters …) scanned from
# unicodedata, plus variation selectors (U+FE00–FE0F, U+E0100–E01EF; category Mn) and the
# blank-looking letters/symbols used to pad text (Hangul fillers, braille blank,
# combining grapheme joiner, Khmer inherent vowels). ZWJ (U+200D) is handled separately:
# it is kept inside emoji ZWJ sequences.
# ---------------------------------------------------------------------------------------
ZWJ = "\u200d"
_INVISIBLE_EXTRA = "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"


def _scan(ranges: Iterable[tuple[int, int]]) -> Iterable[str]:
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            yield chr(cp)


# Planes 0, 1 and the tag block of plane 14 hold every assigned Cf character.
_CF_SCAN = ((0x0000, 0x1FFFF), (0xE0000, 0xE007F))
FORMAT_CHARS: frozenset[str] = frozenset(
    ch for ch in _scan(_CF_SCAN) if unicodedata.category(ch) == "Cf" and ch != ZWJ
) | frozenset(_INVISIBLE_EXTRA) | frozenset(_scan(((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))))

# ---------------------------------------------------------------------------------------
# Styled digits and letters → plain. Source: Unicode character names in the blocks
# Enclosed Alphanumerics (2460–24FF), Dingbats circled digits (2776–2793), Enclosed
# Alphanumeric Supplement (1F100–1F1FF, regional indicators excluded: they are flags),
# Enclosed CJK Letters and Months (3200–32FF), Letterlike Symbols (2100–214F),
# Mathematical Alphanumeric Symbols (1D400–1D7FF), small capitals in IPA/phonetic blocks,
# super/subscripts (¹²³, 2070–209F), and every non-ASCII decimal digit (category Nd, e.g.
# Arabic-Indic) → its ASCII digit. NFKC alone leaves ⓿ ➃ ❶ 🅐 🅰 and small capitals
# untouched and turns ⑴ into "(1)"; this table maps each to its bare digit/letter.
# ---------------------------------------------------------------------------------------
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
         "TEN", "ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN",
         "SEVENTEEN", "EIGHTEEN", "NINETEEN", "TWENTY")
    )
}
_NAME_DIGIT = re.compile(r"\b(?:DIGIT|NUMBER) ([A-Z]+)$")
_NAME_LETTER = re.compile(r"\b(?:LATIN )?(?:CAPITAL|SMALL) LETTER ([A-Z])$")
_NAME_SMALL_CAP = re.compile(r"^LATIN LETTER SMALL CAPITAL ([A-Z])$")
_STYLED_SCAN = (
    (0x00B2, 0x00B3),
    (0x00B9, 0x00B9),
    (0x2070, 0x209F),
    (0x2100, 0x214F),
    (0x2460, 0x24FF),
    (0x2776, 0x2793),
    (0x3200, 0x32FF),
    (0x1D400, 0x1D7FF),
    (0x1F100, 0x1F1E5),
)
_SMALL_CAP_SCAN = ((0x0250, 0x02AF), (0x1D00, 0x1D7F), (0xA720, 0xA7FF))
_PLAIN = re.compile(r"[0-9A-Za-z]+|[\u4e00-\u9fff]")


def _styled_value(ch: str) -> str | None:
    """Plain form of one styled character, or None when it has none."""
    name = unicodedata.name(ch, "")
    m = _NAME_DIGIT.search(name)
    if m and m.group(1) in _NUMBER_WORDS:
        return _NUMBER_WORDS[m.group(1)]
    m = _NAME_LETTER.search(name)
    if m and ("CIRCLED" in name or "SQUARED" in name or "PARENTHESIZED" in name):
        return m.group(1).lower() if "SMALL" in name else m.group(1)
    nfkc = unicodedata.normalize("NFKC", ch).strip("().,")
    return nfkc if nfkc != ch and _PLAIN.fullmatch(nfkc) else None


def _build_styled() -> dict[str, str]:
    table: dict[str, str] = {}
    for ch in _scan(_STYLED_SCAN):
        value = _styled_value(ch)
        if value is not None:
            table[ch] = value
    for ch in _scan(_SMALL_CAP_SCAN):
        m = _NAME_SMALL_CAP.match(unicodedata.name(ch, ""))
        if m:
            table[ch] = m.group(1).lower()
    for ch in _scan(((0x0080, 0x1FFFF),)):
        if unicodedata.category(ch) == "Nd":
            table[ch] = str(unicodedata.digit(ch))
    return table


STYLED_MAP: dict[str, str] = _build_styled()

# ---------------------------------------------------------------------------------------
# CJK Radicals Supplement (U+2E80–2EF3) → the unified ideograph each looks like.
# Source: Unicode EquivalentUnifiedIdeograph.txt (BMP targets only; J-simplified forms
# mapped on to the Chinese simplified character). Kangxi Radicals (U+2F00–2FD5) need no
# table: NFKC maps them.
# ---------------------------------------------------------------------------------------
RADICAL_MAP: dict[str, str] = dict(
    zip(
        "⺁⺂⺃⺄⺅⺆⺉⺊⺋⺌⺍⺎⺏⺐⺒⺓⺔⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺫⺬⺭⺯⺰⺱⺲⺳⺴⺶⺹⺺⺻⺼"
        "⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
        "厂乛乚乙亻冂刂卜㔾小小兀尣尢巳幺彑忄㣺扌攵旡日月歺母民氵氺灬爫爫丬牛犭王目示礻糹纟罓罒网网羊耂肀聿肉"
        "艹艹艹虎衤覀西见角讠贝车辶辶辶阝钅长镸长门阝雨青韦页风飞食飠食饣马骨鬼鱼鸟卤麦黄黾齐齐齿齿龙龙龟龟龟",
        strict=True,
    )
)

# ---------------------------------------------------------------------------------------
# 火星文 ("Martian script") variant characters → standard character. Source: curated
# for this project from common 火星文 converter tables, keeping only characters that are
# rare or archaic in ordinary simplified Chinese (so real text is not rewritten):
# e.g. 啲 (Cantonese "some"), 嘚 (嘚瑟), 滴, 偶, 窝 are deliberately NOT mapped.
# ---------------------------------------------------------------------------------------
MARTIAN_MAP: dict[str, str] = {
    "尓": "你", "伱": "你", "妳": "你", "袮": "你", "沵": "你",
    "莪": "我", "涐": "我", "硪": "我", "峩": "我",
    "旳": "的", "孒": "了", "叻": "了",
    "卟": "不", "芣": "不", "吥": "不",
    "恏": "好", "侑": "有", "媄": "美", "倁": "知", "訫": "心", "徳": "德", "悳": "德",
    "兲": "天", "囙": "因", "菿": "到", "佷": "很", "媞": "是", "湜": "是",
    "丅": "下", "丄": "上", "亾": "亡", "鉯": "以", "莣": "忘", "夣": "梦", "寳": "宝",
    "冋": "回", "朂": "最", "喑": "音", "佲": "名", "嫒": "爱", "噯": "爱", "僦": "就",
}
# Version 2: OpenCC s2t writes 昵 as 暱 and t2s does not map it back (暱称 -> 暱称).
MARTIAN_MAP_V2: dict[str, str] = {**MARTIAN_MAP, "暱": "昵"}

# ---------------------------------------------------------------------------------------
# Split characters: a character written as its two components. Source: curated for this
# project. Only pairs whose left part is a bound radical form (亻氵扌讠纟钅饣忄犭礻衤) or
# that never occur as a word (弓长) are listed, so ordinary text never matches; 女子
# ("woman") is a real word and is only merged in the fixed context handled in
# normalize.py (女子看 / 女子美 … after an intensifier or at the start).
# ---------------------------------------------------------------------------------------
SPLIT_MAP: dict[str, str] = {
    "亻尔": "你", "亻也": "他", "亻门": "们", "亻故": "做", "亻主": "住", "亻立": "位",
    "亻本": "体", "亻旦": "但", "亻更": "便", "亻言": "信", "亻壬": "任", "亻专": "传",
    "亻氏": "低", "亻乍": "作", "亻可": "何", "亻列": "例", "亻半": "伴", "亻木": "休",
    "氵每": "海", "氵肖": "消", "氵舌": "活", "氵良": "浪", "氵去": "法", "氵工": "江",
    "氵可": "河", "氵包": "泡", "氵干": "汗", "氵先": "洗", "氵每边": "海边",
    "扌丁": "打", "扌巴": "把", "扌戈": "找", "扌寺": "持", "扌白": "拍", "扌立": "拉",
    "扌是": "提", "扌由": "抽", "扌斤": "折",
    "讠吾": "语", "讠人": "认", "讠寸": "讨", "讠兑": "说", "讠青": "请", "讠炎": "谈",
    "讠午": "许", "讠己": "记", "讠只": "识", "讠舌": "话", "讠果": "课",
    "纟工": "红", "纟田": "细", "纟合": "给", "纟戈": "线", "纟冬": "终", "纟吉": "结",
    "纟屯": "纯", "纟内": "纳", "纟及": "级",
    "钅艮": "银", "钅戋": "钱", "钅中": "钟", "钅失": "铁",
    "饣反": "饭", "饣欠": "饮", "饣并": "饼", "饣尧": "饶",
    "忄夬": "快", "忄曼": "慢", "忄青": "情", "忄白": "怕", "忄亡": "忙",
    "犭句": "狗", "犭者": "猪", "犭苗": "猫", "犭良": "狼",
    "礻兄": "祝", "礻畐": "福", "礻申": "神", "礻见": "视",
    "衤皮": "被", "衤彡": "衫", "衤库": "裤",
    "弓长": "张",
}

# ---------------------------------------------------------------------------------------
# Greek/Cyrillic letters that look like Latin ones (lower case; text is case-folded
# first). Source: the Latin targets of Unicode confusables.txt (UTS #39) for these
# letters. Applied only to letter runs that mix scripts or consist solely of these
# look-alikes, so genuine Russian/Greek words are left alone.
# ---------------------------------------------------------------------------------------
HOMOGLYPH_MAP: dict[str, str] = dict(
    zip(
        "асԁеһіјкӏмоԛрѕԝхуѵαικνορυχγ",  # Cyrillic, then Greek
        "acdehijklmoqpswxyvaikvopuxy",
        strict=True,
    )
)
# Version 2: the Cyrillic letters spammers put in URLs (һттр://т.сn) whose look-alike
# is a Latin letter in print or handwriting rather than in UTS #39: т t, п n, г r,
# ц u, ш w, ь b, н h, в b, и u (capitals fold to these first). Same run rule.
HOMOGLYPH_MAP_V2: dict[str, str] = {
    **HOMOGLYPH_MAP, **dict(zip("тпгцшьнви", "tnruwbhbu", strict=True))
}

# Symbols that stand for a letter in contact cues: ➕v = +v (加v). Source: curated.
SYMBOL_MAP: dict[str, str] = {"➕": "+", "✚": "+", "╋": "+"}

# ---------------------------------------------------------------------------------------
# Chinese numerals in digit runs (contact numbers read digit by digit). Source: standard
# numerals, financial (大写) numerals, the spoken 幺 for 1 and ancient 弌弍弎.
# ---------------------------------------------------------------------------------------
NUMERAL_DIGITS: dict[str, str] = {
    "零": "0", "〇": "0",
    "一": "1", "壹": "1", "幺": "1", "弌": "1",
    "二": "2", "贰": "2", "弍": "2",
    "三": "3", "叁": "3", "弎": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9",
}
# Digits that only appear in ordinary text as numbers (not in common words).
FINANCIAL_NUMERALS = "零壹贰叁肆伍陆柒捌玖〇幺弌弍弎"

# ---------------------------------------------------------------------------------------
# Contact cues (lower case, after folding). Source: spam/ad comments seen on Chinese
# platforms; homophones of QQ (扣扣 企鹅 球球 …) and WeChat (威信 薇信 vx …).
# ---------------------------------------------------------------------------------------
QQ_CUES = ("qq号", "qq", "q号", "扣扣", "抠抠", "蔻蔻", "寇寇", "扣号", "企鹅号", "企鹅",
           "球球", "秋秋", "扣")
WECHAT_STRONG_CUES = ("微信", "威信", "薇信", "徽信", "维信", "卫信", "喂信", "魏信",
                      "v信", "vx", "wx", "weixin", "wechat", "绿泡泡", "薇❤", "vv")
WECHAT_WEAK_CUES = ("v", "薇", "微", "威", "徽")
CONTACT_CUES = ("联系方式", "联系", "加我", "私聊", "私信", "找我", "滴滴", "telegram",
                "tg", "加")
# Version 2: pinyin and spaced cues. A space in a cue is optional in the text ("kou kou"
# matches koukou and kou kou, "q q" matches qq and q q); "wei xin" replaces weixin and
# wei信 is read like v信.
QQ_CUES_V2 = (*QQ_CUES, "kou kou", "q q")
WECHAT_STRONG_CUES_V2 = (*(c for c in WECHAT_STRONG_CUES if c != "weixin"), "wei xin",
                         "wei信")
TLDS = ("com", "cn", "net", "org", "top", "xyz", "cc", "vip", "me", "io", "app", "site",
        "info", "tv", "club", "shop", "live", "fun", "link", "ink", "ltd", "work", "pro",
        "online", "store", "icu", "asia", "biz", "co")

# Version 2: more characters that may separate the digits of a contact id (376。51：28),
# in their NFKC forms (： → :, ； → ;, ＋ → +; ～ → ~ was already allowed; … is NFKC "..."
# and handled in normalize.py). Version 1's separators are in normalize.py. Source:
# curated from ads.
DIGIT_SEPARATORS_V2 = "。:+—–〜;"

# ---------------------------------------------------------------------------------------
# Character classes (regex fragments). Source: Unicode block ranges.
# ---------------------------------------------------------------------------------------
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Emoji and pictographs: Misc Technical/Arrows/Dingbats/Misc Symbols, the SMP emoji
# blocks, skin tones, keycap, plus ZWJ (kept only inside emoji sequences).
EMOJI_CLASS = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
    "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\u20e3\u200d"
    "\U0001f000-\U0001faff"
)
