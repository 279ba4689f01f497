"""Evasion invariance (issue 14): do room verdicts survive each evasion trick?

300 ad lines (the simulator's ad grammar, seed 14014, never used by any training build,
with plain QQ/WeChat/phone/URL contacts and plain cue words so every trick has something
to act on) and 300 ordinary lines (real Bilibili video danmaku, danmaku_video_2019, 2-40
characters; an eval folder) are each posted once, by one fresh account, into their own
room: a window of real live chat (danmaku_room_2020, eval: real users and millisecond
times, 30-80 lines within 2 minutes; a different window per room). Each room is scored
alone (its own ``score`` call, so no test line sees another one across rooms) with the
shipped scorer (``Scorer.from_pretrained("models/default")``) and with
``Scorer.rule_only()`` (``--no-model``). A room verdict is the verdict of the test line
in its room; for each of 15 perturbation kinds the line is perturbed and the room scored
again. Reported per kind: lines the kind changed (n), share of those whose verdict is
unchanged (ads, ordinary, both; fused and no-model), and which stage moved: normal form
changed, text-model score crossing its threshold, flags changed.

``ts_ties`` perturbs the room, not the line: every time is cut to whole seconds and the
order of comments sharing a second is reversed; its extra figure counts every comment's
no-model verdict, not only the test line's.

The no-model scorer normalises with ``--rules-version`` (default: the current version,
which ``Scorer.rule_only()`` uses); the fused scorer with the version its model recorded.
The NF column compares normal forms of the no-model scorer's version.

``--false-masks`` measures instead, on real danmaku (danmaku_video_2019 and
danmaku_room_2020, up to ``--real-lines``), what normaliser version 2 changes against
version 1: for each v2 change alone (version 1 plus that change) and for all of v2, the
real lines it touches (normal form or features differ), whose normal form changes and
that it newly masks, and how many perturbed ads of its kind it recovers; then, per
perturbation kind, the share of ad/ordinary lines whose normal form moves under each
version.

Run:
    python benchmarks/evasion_bench.py                  # full table (~11 min on 2 shared cores)
    python benchmarks/evasion_bench.py --no-fused       # rules only (~2 min)
    python benchmarks/evasion_bench.py --no-fused --rules-version 1   # as before v2
    python benchmarks/evasion_bench.py --ads 60 --ordinary 60 --no-fused   # quick
    python benchmarks/evasion_bench.py --false-masks    # false-mask risk of v2 against v1
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import random
import re
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from botcomments.records import Comment
from botcomments.simulate.ad_phrases import AD_SLOTS
from botcomments.simulate.ads import FAMILIES, ContactKit, ad_line
from botcomments.simulate.perturb import (
    account_digits,
    homoglyph,
    latin_id,
    pad,
    phone_digits,
    spacing,
    trad_swap,
    zero_width,
)
from botcomments.text import normalize as norm_mod
from botcomments.text.normalize import NORMALIZER_VERSION, NormalizedText, Normalizer

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
#: Seed of the ad lines: not among the build seeds (20240601-20240606), scenario seeds
#: (1000-1103, 2000-2005, 5000-5001) or any other benchmark's seeds.
AD_SEED = 14014
TEST_USER = "evasion-test-account"

# ---------------------------------------------------------------------------------------
# Ad lines: the simulator's grammar with plain contacts and plain cue words
# ---------------------------------------------------------------------------------------
_LATIN = "abcdefghijklmnopqrstuvwxyz"
PLAIN_SLOTS: dict[str, tuple[str, ...]] = {
    **AD_SLOTS,
    "qq_cue": ("QQ", "QQ", "qq", "QQ号"),
    "wx_cue": ("微信", "微信", "微信号", "加微", "加微信"),
    "contact_word": ("加微", "微信", "QQ", "加我", "联系"),
    "group_cue": ("群", "Q群", "QQ群", "群号", "交流群", "粉丝群", "福利群"),
}


def _plain_url(rnd: random.Random) -> str:
    path = "".join(rnd.choice(_LATIN + "0123456789") for _ in range(rnd.randint(4, 7)))
    name = latin_id(rnd, (2, 4))
    tld = rnd.choice(("cn", "com", "top", "vip", "xyz", "cc", "net"))
    mode = rnd.random()
    if mode < 0.35:
        return f"http://t.cn/{path}"
    if mode < 0.7:
        return f"{rnd.choice(('http://', 'https://'))}{name}.{tld}/{path}"
    return f"www.{name}.{tld}"


_PLAIN_CONTACTS: dict[str, Callable[[random.Random], str]] = {
    "qq": lambda r: account_digits(r, 6, 10),
    "group": lambda r: account_digits(r, 7, 10),
    "phone": phone_digits,
    "wxid": latin_id,
    "contact": lambda r: r.choice((phone_digits, account_digits, latin_id))(r),
    "url": _plain_url,
    "code": lambda r: "".join(r.choice(_LATIN.upper() + "23456789") for _ in range(6)),
    "token": lambda r: "￥" + "".join(r.choice(_LATIN + "0123456789") for _ in range(11)) + "￥",
    "tgid": lambda r: latin_id(r, (3, 7)),
}
_ID_SLOTS = ("qq", "group", "phone", "wxid", "contact", "url")


class PlainKit(ContactKit):
    """``ads.ContactKit`` (fresh contacts per line) with plain ASCII contacts and cues."""

    def __init__(self, rnd: random.Random) -> None:
        super().__init__(rnd, PLAIN_SLOTS, _PLAIN_CONTACTS)


def make_ads(n: int, seed: int = AD_SEED) -> list[str]:
    """``n`` distinct un-evaded ad lines that carry at least one QQ/WeChat/phone/URL id.

    Args:
        n: Number of lines.
        seed: Grammar seed.

    Returns:
        The lines (families drawn in turn).
    """
    rnd = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 200 * n:
            raise RuntimeError("the ad grammar gave too few lines with a contact id")
        family = FAMILIES[len(out) % len(FAMILIES)] if tries % 3 else rnd.choice(FAMILIES)
        kit = PlainKit(rnd)
        line = ad_line(rnd, family, kit, evasion_rate=0.0).text.replace("加加", "加")
        if any(k in kit.used for k in _ID_SLOTS) and line not in seen:
            seen.add(line)
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------
# Real chat
# ---------------------------------------------------------------------------------------
def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, object]]:
    """Rows of a gzip JSON-lines corpus file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield json.loads(line)


def ordinary_lines(corpora: Path, n: int, seed: int) -> list[str]:
    """``n`` distinct real video-danmaku lines of 2-40 characters (one line each)."""
    rows = read_jsonl(corpora / "danmaku_video_2019" / "danmaku.jsonl.gz")
    pool = sorted({str(r["text"]).strip() for r in rows
                   if 2 <= len(str(r["text"]).strip()) <= 40 and "\n" not in str(r["text"])})
    return random.Random(seed).sample(pool, n)


@dataclass
class Background:
    """A window of real live chat (danmaku_room_2020): texts, times, users."""

    texts: list[str]
    ts: list[float]
    users: list[str]


def background_windows(corpora: Path, n: int, seed: int, seconds: float = 120.0,
                       lo: int = 30, hi: int = 80) -> list[Background]:
    """``n`` disjoint windows of one session each, ``lo``-``hi`` lines within ``seconds``."""
    sessions: dict[str, list[tuple[float, str, str]]] = {}
    for r in read_jsonl(corpora / "danmaku_room_2020" / "danmaku.jsonl.gz"):
        sessions.setdefault(str(r["session_id"]), []).append(
            (float(r["ts"]), str(r["text"]), str(r["user_id"])))  # type: ignore[arg-type]
    windows: list[Background] = []
    for rows in sessions.values():
        rows.sort(key=lambda x: x[0])
        i = 0
        while i < len(rows):
            j = i
            while j < len(rows) and rows[j][0] < rows[i][0] + seconds and j - i < hi:
                j += 1
            if j - i >= lo:
                chunk = rows[i:j]
                windows.append(Background([c[1] for c in chunk], [c[0] for c in chunk],
                                          [c[2] for c in chunk]))
            i = j
    if len(windows) < n:
        raise ValueError(f"only {len(windows)} background windows; ask for fewer lines")
    return random.Random(seed).sample(windows, n)


# ---------------------------------------------------------------------------------------
# The 15 perturbation kinds (text -> text; ts_ties acts on the room)
# ---------------------------------------------------------------------------------------
_DIGIT_RUN = re.compile(r"[0-9]{5,}")
_URL = re.compile(r"(?:https?://|www\.)[!-~]+|t\.cn/[0-9a-z]+", re.I)
_ID = re.compile(r"(?<![A-Za-z0-9])(?:[a-z]{2,7}[0-9]{3,6}|[0-9]{5,})(?![A-Za-z0-9])")


def full_width(text: str, rnd: random.Random) -> str:
    """Printable ASCII → full-width forms (ＱＱ：３７６５)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def trad(text: str, rnd: random.Random) -> str:
    """Simulator ``trad_swap`` at 70 %: mixed simplified/traditional."""
    return trad_swap(text, rnd, share=0.7)


_STYLES = ("⓪①②③④⑤⑥⑦⑧⑨", "⓿➊➋➌➍➎➏➐➑➒", "𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
           "𝟢𝟣𝟤𝟥𝟦𝟧𝟨𝟩𝟪𝟫", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def styled_digits(text: str, rnd: random.Random) -> str:
    """Every ASCII digit in one Unicode style (circled, dingbat, math, superscript)."""
    style = rnd.choice(_STYLES)
    return re.sub("[0-9]", lambda m: style[int(m.group())], text)


def swap_case(text: str, rnd: random.Random) -> str:
    """Latin letters swap case (qq → QQ, awsl → AWSL, Kp → kP)."""
    return "".join(c.swapcase() if c.isascii() and c.isalpha() else c for c in text)


_MARKS = ("\u0336", "\u0335", "\u0301", "\u0300", "\u0308", "\u0303", "\u0332", "\u0489",
          "\u20e3")


def combining(text: str, rnd: random.Random) -> str:
    """One or two combining marks after ~40 % of the characters (zalgo, strike-through)."""
    out = []
    for c in text:
        out.append(c)
        if not c.isspace() and rnd.random() < 0.4:
            out.extend(rnd.choice(_MARKS) for _ in range(rnd.randint(1, 2)))
    return "".join(out)


HOMOPHONE_CONTACT: dict[str, tuple[str, ...]] = {
    "加微": ("加威", "加薇"),
    "微信": ("威信", "薇信"),
    "QQ": ("扣扣", "抠抠"),
    "qq": ("扣扣", "抠抠"),
}
PINYIN_CONTACT: dict[str, tuple[str, ...]] = {
    "加微": ("jia wei", "jiawei", "jia v"),
    "微信": ("wei xin", "weixin", "wei xin"),
    "QQ": ("kou kou", "koukou", "q q"),
    "qq": ("kou kou", "koukou", "q q"),
}


def _swap_words(text: str, rnd: random.Random, table: Mapping[str, Sequence[str]]) -> str:
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))

    def one(m: re.Match[str]) -> str:
        sub = rnd.choice(table[m.group()])
        glued = sub[-1:].isascii() and m.end() < len(text) and text[m.end()].isascii() \
            and text[m.end()].isalnum()
        return sub + " " if glued else sub  # jia wei zcujs237, not jia weizcujs237
    return pattern.sub(one, text)


def homophone_contact(text: str, rnd: random.Random) -> str:
    """Contact words → homophones (加微 → 加威/加薇, 微信 → 威信/薇信, QQ → 扣扣/抠抠)."""
    return _swap_words(text, rnd, HOMOPHONE_CONTACT)


def pinyin_contact(text: str, rnd: random.Random) -> str:
    """Contact words → pinyin (jia wei, wei xin, kou kou, q q)."""
    return _swap_words(text, rnd, PINYIN_CONTACT)


def spaced_ids(text: str, rnd: random.Random) -> str:
    """Ids and the QQ cue spelled out with spaces (Q Q ： 3 7 6 5 1 2 8, k x m 2 0 9)."""
    text = re.sub(r"QQ|qq", lambda m: " ".join(m.group()) + " ", text)
    text = text.replace("：", " ： ")
    urls = [m.span() for m in _URL.finditer(text)]
    return _ID.sub(lambda m: m.group() if any(a <= m.start() < b for a, b in urls)
                   else " ".join(m.group()), text)


_DIGIT_PUNCT = ("-", ".", "·", "。", "，", "、", "/", "—", "~", "_", "|", "+", "*", "：")


def punct_digits(text: str, rnd: random.Random) -> str:
    """Punctuation inside digit runs of 5+ (376-5.12·88), one mark per run."""
    def one(m: re.Match[str]) -> str:
        mark = rnd.choice(_DIGIT_PUNCT)
        run = m.group()
        cuts = sorted(rnd.sample(range(1, len(run)), min(3, len(run) - 1)))
        parts = [run[a:b] for a, b in zip([0, *cuts], [*cuts, len(run)], strict=True)]
        return mark.join(parts)
    return _DIGIT_RUN.sub(one, text)


# Latin → Cyrillic/Greek look-alikes as spammers use them in URLs (һттр://т.сn).
URL_GLYPHS: dict[str, str] = {
    "a": "а", "c": "с", "e": "е", "h": "һ", "i": "і", "j": "ј", "k": "к", "m": "м",
    "n": "п", "o": "о", "p": "р", "r": "г", "s": "ѕ", "t": "т", "u": "ц", "w": "ш",
    "x": "х", "y": "у", "b": "Ь", "d": "ԁ", "l": "ӏ", "v": "ѵ",
}


def url_homoglyph(text: str, rnd: random.Random) -> str:
    """Latin letters of URLs → Cyrillic look-alikes (http://t.cn → һттр://т.сn)."""
    def one(m: re.Match[str]) -> str:
        return "".join(URL_GLYPHS.get(c, c) if rnd.random() < 0.8 else c for c in m.group())
    return _URL.sub(one, text)


_EMOJI = ("❤", "✨", "💗", "🌸", "⭐", "🔥", "👉", "💰", "🎉")


def emoji_pad(text: str, rnd: random.Random) -> str:
    """One emoji between every character (主❤播❤好❤美); line breaks kept."""
    sep = rnd.choice(_EMOJI)
    return "\n".join(sep.join(c for c in part if not c.isspace()) for part in text.split("\n"))


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "full_width": full_width,
    "zero_width": zero_width,
    "traditional": trad,
    "styled_digits": styled_digits,
    "case": swap_case,
    "combining": combining,
    "homoglyph_sim": homoglyph,
    "padding_sim": pad,
    "spacing_sim": spacing,
    "emoji_pad": emoji_pad,
    "homophone_contact": homophone_contact,
    "pinyin_contact": pinyin_contact,
    "spaced_ids": spaced_ids,
    "punct_digits": punct_digits,
    "url_homoglyph": url_homoglyph,
}
ROOM_KINDS = ("ts_ties",)


# ---------------------------------------------------------------------------------------
# Rooms and scoring
# ---------------------------------------------------------------------------------------
def build_room(room_id: str, bg: Background, text: str, at: float, *, whole_seconds: bool = False,
               reverse_ties: bool = False) -> tuple[list[Comment], int, list[int]]:
    """The room's comments (time order), the index of the test line, and for each comment
    its position in the untouched time order (so verdicts of two orders can be paired)."""
    rows = [(t, x, u, False) for t, x, u in zip(bg.ts, bg.texts, bg.users, strict=True)]
    rows.append((at, text, TEST_USER, True))
    rows.sort(key=lambda r: r[0])
    order = list(range(len(rows)))
    if whole_seconds:
        rows = [(float(int(r[0])), *r[1:]) for r in rows]
        if reverse_ties:
            order = sorted(order, key=lambda k: (rows[k][0], -k))
            rows = [rows[k] for k in order]
    comments = [Comment(text=x, room_id=room_id, ts=t, user_id=u, platform="bilibili")
                for t, x, u, _ in rows]
    return comments, next(i for i, r in enumerate(rows) if r[3]), order


@dataclass(frozen=True)
class Outcome:
    """The test line's verdict in its room."""

    is_bot: bool
    flags: tuple[str, ...]
    text_score: float | None
    room_changes: int = 0  # ts_ties: comments of the room whose verdict differs


@dataclass
class Case:
    """One test line in its room."""

    text: str
    is_ad: bool
    bg: Background
    at: float
    room_id: str
    variants: dict[str, str] = field(default_factory=dict)


def score_room(scorer: object, case: Case, text: str, **kw: bool) -> tuple[Outcome, list[bool]]:
    """Score the case's room with ``text`` posted; (test outcome, every comment's is_bot in
    the untouched time order, whatever order the room was fed in)."""
    comments, idx, order = build_room(case.room_id, case.bg, text, case.at, **kw)
    verdicts = scorer.score(comments).verdicts  # type: ignore[attr-defined]
    v = verdicts[idx]
    is_bot = [False] * len(verdicts)
    for position, original in enumerate(order):
        is_bot[original] = verdicts[position].is_bot
    return Outcome(v.is_bot, v.flags, v.text_score), is_bot


def make_cases(args: argparse.Namespace) -> list[Case]:
    """Ads and ordinary lines, each with its own background window and posting time."""
    ads = make_ads(args.ads)
    ordinary = ordinary_lines(args.corpora, args.ordinary, args.seed)
    windows = background_windows(args.corpora, len(ads) + len(ordinary), args.seed + 1)
    rnd = random.Random(args.seed + 2)
    cases = []
    for i, (text, bg) in enumerate(zip(ads + ordinary, windows, strict=True)):
        at = rnd.uniform(bg.ts[0], bg.ts[-1])
        at = float(int(at)) + 0.5  # mid-second: whole-second cuts keep it in its second
        cases.append(Case(text, i < len(ads), bg, at, f"evasion-{i:04d}"))
    for case in cases:
        for k, (name, fn) in enumerate(KINDS.items()):
            rnd_k = random.Random(zlib.crc32(f"{args.seed}/{k}/{case.text}".encode()))
            case.variants[name] = fn(case.text, rnd_k)
    return cases


def _share(xs: Sequence[bool]) -> str:
    return f"{100 * sum(xs) / len(xs):5.1f}" if xs else "    -"


def run_table(args: argparse.Namespace) -> None:
    """Score every case and variant; print the invariance table."""
    from botcomments.scoring.pipeline import Scorer

    t0 = time.perf_counter()
    cases = make_cases(args)
    rules_only = Scorer.rule_only(normalizer_version=args.rules_version)
    normalizer = rules_only.extractor.normalizer
    scorers: dict[str, object] = {"no-model": rules_only}
    if not args.no_fused:
        scorers["fused"] = Scorer.from_pretrained(args.model)
    text_threshold = None
    if "fused" in scorers:
        text_threshold = scorers["fused"].text_model.threshold  # type: ignore[attr-defined]
        # one big text-model pass over every distinct line (the per-room calls then hit
        # the scorer's text cache; scores are batch-invariant)
        texts = sorted({t for c in cases for t in (*c.bg.texts, c.text, *c.variants.values())})
        scorers["fused"].extractor.prepare(  # type: ignore[attr-defined]
            [Comment(text=t, room_id="warm") for t in texts])
        print(f"text model: {len(texts)} distinct lines scored in "
              f"{time.perf_counter() - t0:.0f} s")
    print(f"{args.ads} ad lines (grammar seed {AD_SEED}), {args.ordinary} ordinary lines "
          f"(danmaku_video_2019), each in its own real-chat room (danmaku_room_2020 windows, "
          f"{sum(len(c.bg.texts) for c in cases) / len(cases):.0f} lines on average); "
          f"scorers: {', '.join(scorers)}; no-model normaliser version {normalizer.version}"
          + (f", fused {scorers['fused'].extractor.normalizer.version}"  # type: ignore[attr-defined]
             if "fused" in scorers else ""))
    base: dict[str, list[Outcome]] = {}
    tie_base: dict[str, list[tuple[Outcome, list[bool]]]] = {}
    for name, scorer in scorers.items():
        base[name] = [score_room(scorer, c, c.text)[0] for c in cases]
        tie_base[name] = [score_room(scorer, c, c.text, whole_seconds=True) for c in cases]
    print(f"baseline: ads flagged fused {_flag_rate(base.get('fused'), cases, True)}, "
          f"no-model {_flag_rate(base['no-model'], cases, True)}; ordinary flagged fused "
          f"{_flag_rate(base.get('fused'), cases, False)}, no-model "
          f"{_flag_rate(base['no-model'], cases, False)}  ({time.perf_counter() - t0:.0f} s)")
    cols = ("kind", "n ad", "n ord", "F ad", "F ord", "F all", "R ad", "R ord", "R all",
            "NF chg", "txt x", "flagF", "flagR")
    header = (f"{cols[0]:18s}" + "".join(f"{c:>6s}" for c in cols[1:3])
              + "".join(f"{c:>7s}" for c in cols[3:]))
    print()
    print(header)
    print("-" * len(header))
    summary: dict[str, dict[str, float]] = {}
    for kind in [*KINDS, *ROOM_KINDS]:
        if kind == "ts_ties":
            changed = list(range(len(cases)))
        else:
            changed = [i for i, c in enumerate(cases) if c.variants[kind] != c.text]
        row: dict[str, list[bool]] = {}
        nf = txt = 0
        flag_moves = {name: 0 for name in scorers}
        room_changes = room_total = 0
        for name, scorer in scorers.items():
            for group in ("ad", "ord"):
                row[f"{name}-{group}"] = []
            for i in changed:
                c = cases[i]
                if kind == "ts_ties":
                    b, b_all = tie_base[name][i]
                    p, p_all = score_room(scorer, c, c.text, whole_seconds=True,
                                          reverse_ties=True)
                    if name == "no-model":
                        room_changes += sum(x != y for x, y in zip(b_all, p_all, strict=True))
                        room_total += len(b_all)
                else:
                    b = base[name][i]
                    p = score_room(scorer, c, c.variants[kind])[0]
                row[f"{name}-{'ad' if c.is_ad else 'ord'}"].append(b.is_bot == p.is_bot)
                flag_moves[name] += b.flags != p.flags
                if name == "fused" and text_threshold is not None:
                    assert b.text_score is not None and p.text_score is not None
                    txt += (b.text_score >= text_threshold) != (p.text_score >= text_threshold)
        if kind != "ts_ties":
            nf = sum(normalizer(cases[i].text).text != normalizer(cases[i].variants[kind]).text
                     for i in changed)
        n_ad = sum(cases[i].is_ad for i in changed)
        n_ord = len(changed) - n_ad

        def cell(name: str, group: str, row: dict[str, list[bool]] = row) -> str:
            if name not in scorers:
                return "    -"
            xs = row[f"{name}-ad"] + row[f"{name}-ord"] if group == "all" \
                else row[f"{name}-{group}"]
            return _share(xs)

        def pct(k: int, n: int = len(changed)) -> str:
            return f"{100 * k / n:5.1f}" if n else "    -"

        line = (f"{kind:18s}{n_ad:6d}{n_ord:6d}"
                + "".join(f"{cell(s, g):>7s}" for s in ("fused", "no-model")
                          for g in ("ad", "ord", "all"))
                + f"{pct(nf) if kind != 'ts_ties' else '    -':>7s}"
                + f"{pct(txt) if 'fused' in scorers else '    -':>7s}"
                + f"{pct(flag_moves['fused']) if 'fused' in scorers else '    -':>7s}"
                + f"{pct(flag_moves['no-model']):>7s}")
        print(line, flush=True)
        summary[kind] = {k: sum(v) / len(v) for k, v in row.items() if v}
        if kind == "ts_ties":
            print(f"{'':18s}ts_ties, every comment of the rooms (no-model): {room_changes} of "
                  f"{room_total} verdicts changed")
    print()
    print("F = fused (models/default), R = rules only (--no-model): % of room verdicts of "
          "the perturbed lines unchanged. NF chg = % of perturbed lines whose normal form "
          "changed; txt x = % whose text-model score crossed its threshold; flagF/flagR = % "
          "whose flags changed. n = lines the kind changed (a kind with nothing to act on "
          "leaves a line alone; those lines are not counted).")
    worst = min((min(v.values()), k) for k, v in summary.items() if v)
    print(f"worst kind: {worst[1]} ({100 * worst[0]:.1f} % unchanged); "
          f"{time.perf_counter() - t0:.0f} s")


def _flag_rate(outs: Sequence[Outcome] | None, cases: Sequence[Case], ads: bool) -> str:
    if outs is None:
        return "-"
    xs = [o.is_bot for o, c in zip(outs, cases, strict=True) if c.is_ad == ads]
    return f"{100 * sum(xs) / len(xs):.1f} %"


# ---------------------------------------------------------------------------------------
# False-mask risk of normaliser version 2 against version 1 on real chat. Each v2 change
# is also measured alone: version 1's rules with that one change (the private rules
# objects of botcomments.text.normalize, replaced field by field).
# ---------------------------------------------------------------------------------------
Rules = object  # botcomments.text.normalize._Rules (private)


def change_rules() -> dict[str, tuple[Rules, tuple[str, ...]]]:
    """Each v2 change alone on top of v1, then all of v2: (rules, kinds it should fix)."""
    v1, v2 = norm_mod._RULES["1"], norm_mod._RULES["2"]
    spec1, spec2 = norm_mod._MASK_V1, norm_mod._MASK_V2

    def masking(**fields: str | tuple[str, ...] | bool) -> Rules:
        passes = norm_mod._mask_passes(dataclasses.replace(spec1, **fields))  # type: ignore[arg-type]
        return dataclasses.replace(v1, mask_passes=passes)

    return {
        "pinyin_cues": (masking(qq_cues=spec2.qq_cues, wechat_cues=spec2.wechat_cues,
                                wx_prefix=spec2.wx_prefix, wx_extra=spec2.wx_extra,
                                qq_gate=spec2.qq_gate, glued_cues=spec2.glued_cues),
                        ("pinyin_contact",)),
        "digit_separators": (masking(sp=spec2.sp), ("punct_digits",)),
        "id_shapes": (masking(word_id=norm_mod._word_id_v2(spec1.sp)),
                      ("spaced_ids", "punct_digits")),
        "cyrillic": (dataclasses.replace(v1, homoglyph_table=v2.homoglyph_table,
                                         homoglyph_chars=v2.homoglyph_chars),
                     ("url_homoglyph",)),
        "marks_first": (dataclasses.replace(v1, marks_re=v2.marks_re, marks_before_nfkc=True),
                        ("combining",)),
        "emoji_padding": (dataclasses.replace(v1, symbol_padding=True), ("emoji_pad",)),
        "ni_table": (dataclasses.replace(v1, table=v2.table, table_re=v2.table_re,
                                         variant_re=v2.variant_re), ("traditional",)),
        "placeholder_space": (dataclasses.replace(v1, cjk_space_re=v2.cjk_space_re),
                              ("homophone_contact", "pinyin_contact", "emoji_pad")),
        "all_v2": (v2, ("pinyin_contact", "spaced_ids", "punct_digits", "url_homoglyph",
                        "combining", "emoji_pad", "traditional", "homophone_contact")),
    }


def real_lines(corpora: Path, limit: int) -> list[str]:
    """Up to ``limit`` real danmaku lines, half video 2019, half live room 2020."""
    half = limit // 2
    out = [str(r["text"]) for r in read_jsonl(corpora / "danmaku_video_2019" / "danmaku.jsonl.gz",
                                               half)]
    out += [str(r["text"]) for r in read_jsonl(corpora / "danmaku_room_2020" / "danmaku.jsonl.gz",
                                                limit - len(out))]
    return out


@dataclass
class Risk:
    """What one set of rules changes on real lines, against version 1."""

    touched: int = 0  # normal form or features differ
    changed: int = 0  # normal form differs
    masked: int = 0  # more contact placeholders
    examples: list[str] = field(default_factory=list)

    def add(self, line: str, base: NormalizedText, new: NormalizedText) -> None:
        """Count one real line."""
        if new == base:
            return
        self.touched += 1
        if new.text != base.text:
            self.changed += 1
            if len(self.examples) < 3:
                self.examples.append(repr(line[:24]))
        self.masked += len(new.features.masked_contacts) > len(base.features.masked_contacts)


def recovered(rules: Rules, kinds: Sequence[str], ads: Sequence[str]) -> tuple[int, int]:
    """Perturbed ads of ``kinds`` whose v1 normal form moved: how many ``rules`` bring
    back to the unperturbed form (under the same rules), of how many."""
    v1 = Normalizer("1")
    hit = total = 0
    for kind in kinds:
        for i, ad in enumerate(ads):
            p = KINDS[kind](ad, random.Random(i))
            if p == ad or v1(ad).text == v1(p).text:
                continue
            total += 1
            hit += (norm_mod._normalize_rules(ad, rules).text  # type: ignore[arg-type]
                    == norm_mod._normalize_rules(p, rules).text)  # type: ignore[arg-type]
    return hit, total


def run_false_masks(args: argparse.Namespace) -> None:
    """Real lines each v2 change touches, changes and newly masks; ads it recovers; then
    per kind the share of normal forms that move under v1 and v2."""
    t0 = time.perf_counter()
    lines = real_lines(args.corpora, args.real_lines)
    ads = make_ads(args.ads)
    v1 = Normalizer("1")
    base = [v1(s) for s in lines]
    print(f"{len(lines)} real danmaku lines (danmaku_video_2019 + danmaku_room_2020); "
          f"{len(ads)} ad lines (seed {AD_SEED}); each change = normaliser v1 + that change")
    header = (f"{'change':18s}{'touched':>8s}{'NF changed':>11s}{'newly masked':>13s}"
              f"{'ads recovered':>15s}  examples of real lines whose normal form changed")
    print(header)
    print("-" * len(header))
    for name, (rules, kinds) in change_rules().items():
        risk = Risk()
        for s, b in zip(lines, base, strict=True):
            risk.add(s, b, norm_mod._normalize_rules(s, rules))  # type: ignore[arg-type]
        hit, total = recovered(rules, kinds, ads)
        print(f"{name:18s}{risk.touched:8d}{risk.changed:11d}{risk.masked:13d}"
              f"{f'{hit}/{total}':>15s}  {' | '.join(risk.examples)}", flush=True)
    print()
    print_nf_moves(make_cases(args))
    print(f"({time.perf_counter() - t0:.0f} s)")


def print_nf_moves(cases: Sequence[Case]) -> None:
    """Per kind: % of perturbed ad / ordinary lines whose normal form moves, v1 and v2."""
    versions = ("1", NORMALIZER_VERSION)
    print(f"{'kind':18s}{'n ad':>6s}{'n ord':>6s}"
          + "".join(f"{f'v{v} {g}':>9s}" for v in versions for g in ("ad", "ord")))
    for kind in KINDS:
        row = f"{kind:18s}"
        groups = {g: [c for c in cases if c.is_ad == (g == "ad") and c.variants[kind] != c.text]
                  for g in ("ad", "ord")}
        row += f"{len(groups['ad']):6d}{len(groups['ord']):6d}"
        for v in versions:
            n = Normalizer(v)
            for g in ("ad", "ord"):
                moved = sum(n(c.text).text != n(c.variants[kind]).text for c in groups[g])
                row += f"{100 * moved / len(groups[g]):9.1f}" if groups[g] else f"{'-':>9s}"
        print(row)
    print("% of the lines a kind changed whose normal form moved (lower is better).")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--ads", type=int, default=300)
    parser.add_argument("--ordinary", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-fused", action="store_true", help="rules only (no text model)")
    parser.add_argument("--rules-version", default=NORMALIZER_VERSION,
                        help="normaliser version of the no-model scorer (default: current)")
    parser.add_argument("--false-masks", action="store_true",
                        help="false-mask risk of normaliser v2 against v1 instead")
    parser.add_argument("--real-lines", type=int, default=200_000)
    args = parser.parse_args()
    if args.false_masks:
        run_false_masks(args)
    else:
        run_table(args)


if __name__ == "__main__":
    main()
