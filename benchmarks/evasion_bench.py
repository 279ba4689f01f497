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

``--false-masks`` measures instead, on real danmaku (danmaku_video_2019 and
danmaku_room_2020, up to ``--real-lines``), how many ordinary lines each proposed
normaliser v2 rule would newly mask (prototyped here as a rewrite before the current
normaliser; botcomments/text is not changed), and how many perturbed ads it recovers.

Run:
    python benchmarks/evasion_bench.py                  # full table (~11 min on 2 shared cores)
    python benchmarks/evasion_bench.py --ads 60 --ordinary 60 --no-fused   # quick
    python benchmarks/evasion_bench.py --false-masks    # false-mask risk of the fixes
"""

from __future__ import annotations

import argparse
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
from botcomments.text.normalize import normalize

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
    scorers: dict[str, object] = {"no-model": Scorer.rule_only()}
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
          f"scorers: {', '.join(scorers)}")
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
            nf = sum(normalize(cases[i].text).text != normalize(cases[i].variants[kind]).text
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
# False-mask risk of the proposed normaliser v2 rules (prototypes; botcomments/text is
# not changed). Each rewrites the raw text before today's normaliser; a line is "newly
# masked" when the rewrite adds a contact placeholder the current normal form lacks.
# ---------------------------------------------------------------------------------------
_SEP_CHARS = r"\s:：是为~*"
PROPOSALS: dict[str, tuple[str, Callable[[str], str]]] = {}


def _proposal(name: str, what: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    def deco(fn: Callable[[str], str]) -> Callable[[str], str]:
        PROPOSALS[name] = (what, fn)
        return fn
    return deco


_PINYIN_WX = re.compile(r"(?<![a-z])(?:wei\s?xin|wei\s?x(?![a-z])|jia\s?(?:wei|v|vx)(?![a-z]))",
                        re.I)
_PINYIN_QQ = re.compile(r"(?<![a-z])(?:kou\s?kou|q\s+q)(?![a-z])", re.I)


@_proposal("pinyin_cues", "QQ cues + kou kou / koukou / q q; WeChat cues + wei xin / weixin / "
           "jia wei / jia v / jia vx (spaces optional)")
def _fix_pinyin(s: str) -> str:
    def wx(m: re.Match[str]) -> str:
        w = m.group().lower().replace(" ", "")
        return "加微" if w.startswith("jia") else "微信"
    return _PINYIN_QQ.sub("QQ", _PINYIN_WX.sub(wx, s))


_CUE_THEN_SPACED = re.compile(
    r"((?:q\s?q|qq号|q号|扣扣|vx|v\s?x|wx|w\s?x|微信|威信|加微|加v|tel|电话)\s?(?:号|号码)?"
    rf"[{_SEP_CHARS}]{{0,4}})((?:[a-z0-9_](?:\s{{1,2}}|$)){{5,20}})", re.I)


@_proposal("spaced_ids", "after a contact cue (spaced 'q q', vx, wx, 微信 …), an id whose "
           "letters/digits are separated by single spaces is joined before masking")
def _fix_spaced(s: str) -> str:
    s2 = re.sub(r"(?<![a-z])q\s+q(?![a-z])", "qq", s, flags=re.I)
    return _CUE_THEN_SPACED.sub(lambda m: m.group(1) + re.sub(r"\s", "", m.group(2)), s2)


_EXTRA_SEP = "。：:+—–…～〜;；"
_EXTRA_DIGIT_RUN = re.compile(
    rf"[0-9](?:[\s\-_.·,，、|/*~^=()（）{_EXTRA_SEP}]{{0,2}}[0-9]){{4,}}")


@_proposal("digit_punct", "digit-run separators (_SP) also allow 。 ： : + — – … ～ 〜 ; ； "
           "(inside runs of 5+ digits)")
def _fix_digit_punct(s: str) -> str:
    return _EXTRA_DIGIT_RUN.sub(
        lambda m: re.sub(f"[{_EXTRA_SEP}]", "-", m.group()), s)


EXTRA_GLYPHS: dict[str, str] = {"т": "t", "п": "n", "г": "r", "ц": "u", "ш": "w", "Ь": "b",
                                "ь": "b", "н": "h", "в": "b", "и": "u", "Т": "t",
                                "П": "n", "Г": "r", "Н": "h", "В": "b"}
_CYR_RUN = re.compile(r"[a-z0-9\u0370-\u03ff\u0400-\u052f]+", re.I)


@_proposal("url_glyphs", "HOMOGLYPH_MAP + т→t п→n г→r ц→u ш→w ь/Ь→b н→h в→b и→u (and capitals), "
           "same mixed/all-look-alike run rule")
def _fix_url_glyphs(s: str) -> str:
    from botcomments.text.tables import HOMOGLYPH_MAP

    table = {**HOMOGLYPH_MAP, **EXTRA_GLYPHS}

    def run(m: re.Match[str]) -> str:
        r = m.group()
        foreign = [c for c in r if "\u0370" <= c <= "\u052f"]
        if not foreign:
            return r
        if re.search("[a-z]", r, re.I) or all(c.lower() in table or c in table for c in foreign):
            return "".join(table.get(c, table.get(c.lower(), c)) for c in r)
        return r
    return _CYR_RUN.sub(run, s)


_MARK_CLASS = "".join(chr(c) for c in range(0x300, 0x370)) + "\u0483-\u0489\u20d0-\u20ff"
_MARKS_ON_BASE = re.compile(f"(?<=[\\x00-\\x7f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
                            "\u2600-\u27bf\U0001f000-\U0001faff])"
                            f"[{_MARK_CLASS}]+")


@_proposal("marks_before_nfkc", "strip combining marks on ASCII/CJK/emoji and on CJK or "
           "full-width punctuation BEFORE NFKC (stage 4 ahead of stage 2): a + U+0301 no "
           "longer composes to á, 】 + U+20E3 loses its mark")
def _fix_marks(s: str) -> str:
    return _MARKS_ON_BASE.sub("", s)


def real_lines(corpora: Path, limit: int) -> list[str]:
    """Up to ``limit`` real danmaku lines, half video 2019, half live room 2020."""
    half = limit // 2
    out = [str(r["text"]) for r in read_jsonl(corpora / "danmaku_video_2019" / "danmaku.jsonl.gz",
                                               half)]
    out += [str(r["text"]) for r in read_jsonl(corpora / "danmaku_room_2020" / "danmaku.jsonl.gz",
                                                limit - len(out))]
    return out


def run_false_masks(args: argparse.Namespace) -> None:
    """Count real lines each proposal newly masks, and perturbed ads it recovers."""
    lines = real_lines(args.corpora, args.real_lines)
    ads = make_ads(args.ads)
    kinds = {"pinyin_cues": "pinyin_contact", "spaced_ids": "spaced_ids",
             "digit_punct": "punct_digits", "url_glyphs": "url_homoglyph",
             "marks_before_nfkc": "combining"}
    print(f"{len(lines)} real danmaku lines (danmaku_video_2019 + danmaku_room_2020); "
          f"{len(ads)} ad lines (seed {AD_SEED})")
    header = (f"{'proposal':18s}{'touched':>8s}{'changed NF':>11s}{'newly masked':>13s}"
              f"{'ads recovered':>15s}  examples of real lines whose normal form changed")
    print(header)
    print("-" * len(header))
    for name, (what, fix) in PROPOSALS.items():
        new_mask = changed = touched = 0
        examples: list[str] = []
        for s in lines:
            fixed = fix(s)
            if fixed == s:
                continue
            touched += 1
            a, b = normalize(s), normalize(fixed)
            if a.text != b.text:
                changed += 1
                if len(examples) < 3:
                    examples.append(repr(s[:24]))
            new_mask += len(b.features.masked_contacts) > len(a.features.masked_contacts)
        kind_fn = KINDS[kinds[name]]
        pert = [(a, kind_fn(a, random.Random(i))) for i, a in enumerate(ads)]
        pert = [(a, p) for a, p in pert if p != a and normalize(a).text != normalize(p).text]
        recovered = sum(normalize(a).text == normalize(fix(p)).text for a, p in pert)
        rec = f"{recovered}/{len(pert)}"
        print(f"{name:18s}{touched:8d}{changed:11d}{new_mask:13d}{rec:>15s}  "
              f"{' | '.join(examples)}")
        print(f"{'':18s}  {what}")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--ads", type=int, default=300)
    parser.add_argument("--ordinary", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-fused", action="store_true", help="rules only (no text model)")
    parser.add_argument("--false-masks", action="store_true",
                        help="false-mask risk of the proposed normaliser rules instead")
    parser.add_argument("--real-lines", type=int, default=200_000)
    args = parser.parse_args()
    if args.false_masks:
        run_false_masks(args)
    else:
        run_table(args)


if __name__ == "__main__":
    main()
