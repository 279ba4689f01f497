"""Phrase grammar, perturbations and helpers (tables and property tests)."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from botcomments.simulate import ads, genuine, phrases
from botcomments.simulate.engine import allocate, fold_into
from botcomments.simulate.grammar import Template
from botcomments.simulate.opinions import opinion_line
from botcomments.simulate.perturb import (
    ZERO_WIDTH,
    make_contact,
    perturb_copy,
    styled_number,
    trad_swap,
    zero_width,
)

BANKS = {
    **{f"intent-{k}": v for k, v in phrases.GENUINE_INTENTS.items()},
    **{f"flood-{k}": v for k, v in phrases.FLOOD_LINES.items() if v},
    "bot-templates": phrases.BOT_TEMPLATES,
    "copy-flood": phrases.COPY_FLOOD_LINES,
    **{f"para-{k}": v for k, v in phrases.PARAPHRASE_PARTS.items()},
}


@pytest.mark.parametrize("entries", list(BANKS.values()), ids=list(BANKS))
def test_every_template_fills(entries: tuple[str, ...]) -> None:
    rnd = random.Random(0)
    for entry in entries:
        text = Template.compile(entry).fill(rnd)
        assert text and "{" not in text and "}" not in text, entry


def test_grammar_is_large() -> None:
    n_templates = (
        sum(len(v) for v in phrases.GENUINE_INTENTS.values())
        + len(phrases.BOT_TEMPLATES)
        + len(phrases.SPAM_TEMPLATES)
        + len(phrases.COPY_FLOOD_LINES)
    )
    assert n_templates >= 500
    assert len(phrases.SLOTS["product"]) >= 100
    assert len(phrases.SLOTS["emoji"]) >= 50


def test_spam_templates_fill_with_contacts() -> None:
    rnd = random.Random(1)
    for family in ads.FAMILIES:
        for bank in ads.family_templates(family).values():
            for t in bank:
                assert "{" not in t.fill(rnd, ads.ContactKit(rnd)), t.source


def test_paraphrase_lines_are_diverse() -> None:
    rnd = random.Random(2)
    lines = [opinion_line(rnd) for _ in range(2000)]
    assert len(set(lines)) > 1900


def test_genuine_lines_cover_every_intent() -> None:
    rnd = random.Random(3)
    for i, name in enumerate(genuine.INTENT_NAMES):
        assert genuine.genuine_line(rnd, i, 1.0), name


@given(st.text(min_size=1, max_size=30), st.integers(0, 2**32))
def test_zero_width_only_adds_invisible_chars(text: str, seed: int) -> None:
    out = zero_width(text, random.Random(seed))
    assert "".join(ch for ch in out if ch not in ZERO_WIDTH) == "".join(
        ch for ch in text if ch not in ZERO_WIDTH
    )
    assert len(out) > len(text)


@given(
    st.text(alphabet="主播好美质量很好已拍单这个价格", min_size=1, max_size=20),
    st.integers(0, 2**32),
)
def test_trad_swap_keeps_length(text: str, seed: int) -> None:
    assert len(trad_swap(text, random.Random(seed))) == len(text)


@given(st.text(alphabet="0123456789", min_size=5, max_size=11), st.integers(0, 2**32))
def test_styled_numbers_hide_ascii_digits_often(digits: str, seed: int) -> None:
    out = styled_number(digits, random.Random(seed))
    assert out
    # Every styled digit maps back to a digit value (NFKC or a numeral table).
    assert sum(
        ch.isdigit() or unicodedata.numeric(ch, -1) >= 0 or ch in "幺两拐" for ch in out
    ) >= len(digits)


@given(st.integers(0, 2**32))
def test_contacts_are_non_empty(seed: int) -> None:
    assert len(make_contact(random.Random(seed))) >= 3


@given(st.text(min_size=1, max_size=20), st.integers(0, 2**32))
def test_zero_strength_perturbation_is_identity(text: str, seed: int) -> None:
    assert perturb_copy(text, random.Random(seed), 0.0) == text


@given(st.integers(0, 10_000), st.lists(st.floats(0, 100), min_size=1, max_size=8))
def test_allocate_sums_and_respects_zero_weights(total: int, weights: list[float]) -> None:
    w = np.array(weights)
    counts = allocate(total, w)
    if w.sum() > 0:
        assert counts.sum() == total
        assert (counts[w == 0] == 0).all()
        assert (np.abs(counts - w / w.sum() * total) < 1.0 + 1e-9).all()
    else:
        assert counts.sum() == 0


@given(st.lists(st.floats(-50, 150), min_size=1, max_size=20))
def test_fold_into_stays_in_session(offsets: list[float]) -> None:
    out = fold_into(np.array(offsets), 100.0)
    assert ((out >= 0) & (out <= 100)).all()
