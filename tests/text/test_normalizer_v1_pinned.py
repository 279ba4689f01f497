"""Normaliser version 1 is frozen: models that recorded it must see the same normal forms.

Version 1 normal forms and features of lines generated here (the evasion-test table
under every perturbation, contact-like strings with cues, ids and separators, and random
strings over an alphabet dense in what the stages act on; no corpus text) are pinned by
a digest taken before version 2 existed, plus a few readable cases. A change that moves
any of them breaks every model saved with ``normalizer_version`` "1".
"""

from __future__ import annotations

import dataclasses
import hashlib
import random

import pytest

from botcomments.text.normalize import Normalizer
from tests.text.test_evasion_invariance import KINDS, LINES

# Characters the stages act on, including those version 2 reads differently (pinyin
# cues, Cyrillic т п г …, more digit separators, marks on Latin letters, 暱).
_ALPHABET = (
    "\u200b\u200d\ufeff\u202e\u00ad\ufe0f\u20e3\u0336\u0301\u0308❤★😂👍🏻➕⓿➃①⑴🄰𝐇ᴠ⺠⻓尓亻尔氵每"
    "女子壹贰叁零一二三幺0123456789qQvVxXkKoOuUwWeEiInNjJaA加扣企鹅微信薇威wx.。点com@ ,，!！~"
    "哈看好這個暱аеоοхԛтпгцшьЬнвиТПГ：:+—–…～〜;；【】、"
)
_CUES = ("QQ", "Q Q", "qq号", "kou kou", "koukou", "扣扣", "微信", "wei xin", "weixin", "vx",
         "jia wei", "jiawei", "jia v", "加V", "加我", "联系", "tg", "")
_SEPARATORS = ("", " ", "：", ":", "-", "。", "+", "—", "…", "～", ";", "、", "·", " ： ")


def _contact_like(rnd: random.Random) -> str:
    cue = rnd.choice(_CUES)
    sep = rnd.choice(_SEPARATORS)
    mark = rnd.choice(_SEPARATORS)
    head = "".join(rnd.choice("abcxyzkm") for _ in range(rnd.randint(0, 5)))
    digits = [rnd.choice("0123456789") for _ in range(rnd.randint(3, 12))]
    ident = head + "".join(d + (mark if rnd.random() < 0.3 else "") for d in digits)
    if rnd.random() < 0.2:
        ident = " ".join(ident)
    head_text, tail = rnd.choice(("", "福利", "主播好美")), rnd.choice(("", "详聊", "！"))
    return f"{head_text}{cue}{sep}{ident}{tail}"


def generated_lines() -> list[str]:
    """The pinned inputs (deterministic)."""
    lines = list(LINES)
    for param in KINDS:
        perturb = param.values[0]
        rnd = random.Random(1)
        lines += [perturb(line, rnd) for line in LINES]  # type: ignore[operator]
    rnd = random.Random(2)
    lines += [_contact_like(rnd) for _ in range(1500)]
    lines += ["".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 30)))
              for _ in range(3000)]
    return lines


def _digest(normalizer: Normalizer, lines: list[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        out = normalizer(line)
        h.update(repr((out.text, dataclasses.astuple(out.features))).encode("utf-8"))
    return h.hexdigest()


V1_DIGEST = "5e9459d119ff0f4c710dd5c15c853a0f7940e2ca4d9752c57f2b587cfd098dfd"

V1_CASES = [
    ("pinyin-cue-not-a-cue", "kou kou 12345678", "kou kou 12345678"),
    ("spaced-q-q", "Q Q号：3765128", "q <QQ>"),
    ("cjk-stop-in-digits", "QQ：376。51。28", "qq:376。51。28"),
    ("cyrillic-te-left", "һттр://т.сn/abc", "һттр://т.cn/abc"),
    ("latin-acute-composed", "abc\u0301123", "abć123"),
    ("nie-kept", "暱称", "暱称"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in V1_CASES],
                         ids=[c[0] for c in V1_CASES])
def test_v1_cases(raw: str, expected: str) -> None:
    assert Normalizer("1")(raw).text == expected


def test_v1_digest_unchanged() -> None:
    lines = generated_lines()
    assert len(lines) > 5000
    assert _digest(Normalizer("1"), lines) == V1_DIGEST
