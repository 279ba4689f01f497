"""Property tests, for every supported version: never raises, idempotent, ordinary
Chinese unchanged."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from botcomments.text.normalize import CONTACT_KINDS, SUPPORTED_VERSIONS, normalize
from tests.helpers.chinese_text import COMMON_CHARS, PUNCT

# Arbitrary Unicode, plus an alphabet dense in the characters the stages act on.
TRICKY = (
    "\u200b\u200d\ufeff\u202e\u00ad\ufe0f\u20e3\u0336❤★😂👍🏻➕⓿➃①⑴🄰𝐇ᴠ⺠⻓尓亻尔氵每女子"
    "壹贰叁零一二三幺0123456789qQvVxX加扣企鹅微信薇威wx.。点com@ ,，!！~哈看好這個"
    "аеоοхԛ"
    "тпгцшьнв\u0301/:kou jia wei xin。：+—…～"  # what version 2 reads
)
VERSIONS = pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
tricky_text = st.text(alphabet=TRICKY, max_size=40)
any_text = st.text(max_size=60)
ordinary = st.lists(
    st.text(alphabet=COMMON_CHARS, min_size=2, max_size=12), min_size=1, max_size=4
).flatmap(
    lambda parts: st.lists(st.sampled_from(PUNCT), min_size=len(parts), max_size=len(parts))
    .map(lambda ps: "".join(p + q for p, q in zip(parts, ps, strict=True)))
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@VERSIONS
@FAST
@given(st.one_of(any_text, tricky_text))
def test_never_raises_and_features_consistent(version: str, text: str) -> None:
    out = normalize(text, version)
    f = out.features
    assert isinstance(out.text, str)
    assert f.orig_length == len(text)
    assert set(f.masked_contacts) <= set(CONTACT_KINDS)
    assert 0.0 <= f.share_non_cjk <= 1.0
    assert unicodedata.is_normalized("NFKC", out.text)
    assert out.text == out.text.strip()


@VERSIONS
@FAST
@given(st.one_of(any_text, tricky_text))
@example("0■0\U0001f2493三叁")  # a collapsed run completed a padded digit sequence
@example("0■幺\U0001f2493三叁")  # removed padding joined a numeral into a digit run
@example("0⃣\u200d■")  # a stripped keycap left a joiner outside any emoji
@example("a❤b❤c❤d\u0301")  # padding deleted, then a mark on a letter
@example("һ❤т❤т❤р://т.сn")  # padding deleted inside a Cyrillic URL
def test_idempotent(version: str, text: str) -> None:
    once = normalize(text, version).text
    assert normalize(once, version).text == once


def _fold(text: str) -> str:
    """The documented folding for ordinary text: full-width punctuation via NFKC, and
    runs of three or more of the same character (or 2-4 char unit) cut to two."""
    return unicodedata.normalize("NFKC", text)


@VERSIONS
@FAST
@given(ordinary)
def test_ordinary_chinese_unchanged(version: str, text: str) -> None:
    out = normalize(text, version)
    if out.features.n_runs_collapsed or out.features.n_padding:
        return  # random text can contain 哈哈哈 or single-char clauses (documented folds)
    assert out.text == _fold(text)
    assert out.features.masked_contacts == ()
    assert out.features.n_traditional == 0
