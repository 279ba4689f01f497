"""Ad/spam family generator: coverage, determinism, lengths, evasions, contact masking."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from botcomments.simulate import ads
from botcomments.simulate.ads import FAMILIES, AdLine, ContactKit, ad_line, ad_lines
from botcomments.text.normalize import CONTACT_PLACEHOLDERS, normalize

N = 2800  # 200 a family


@pytest.fixture(scope="module")
def lines() -> list[AdLine]:
    return ad_lines(N, seed=5)


def test_every_family_produces_lines_in_balance(lines: list[AdLine]) -> None:
    counts = Counter(line.family for line in lines)
    assert set(counts) == set(FAMILIES)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert len(FAMILIES) >= 12


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_has_every_shape_and_no_empty_line(family: str) -> None:
    got = ad_lines(120, seed=1, families=[family])
    assert {line.family for line in got} == {family}
    assert {line.shape for line in got} == set(ads.SHAPES)
    assert all(line.text.strip() and "{" not in line.text for line in got)


def test_deterministic_by_seed() -> None:
    assert ad_lines(300, seed=3) == ad_lines(300, seed=3)
    assert ad_lines(300, seed=3) != ad_lines(300, seed=4)
    assert ad_lines(5, seed=3) == ad_lines(300, seed=3)[:5]


def test_lines_are_diverse(lines: list[AdLine]) -> None:
    # short ads without slots ("招小时工") repeat, as real short ads do; the rest vary
    assert len({line.text for line in lines}) > 0.85 * len(lines)


def test_length_spread(lines: list[AdLine]) -> None:
    lengths = [len(line.text) for line in lines]
    assert sum(n <= 8 for n in lengths) / N > 0.1
    assert sum(n >= 40 for n in lengths) / N > 0.1
    assert any("\n" in line.text for line in lines)


def test_evasions_in_some_share(lines: list[AdLine]) -> None:
    evaded = [line for line in lines if line.evasions]
    assert 0.3 < len(evaded) / N < 0.7
    assert {name for line in evaded for name in line.evasions} == set(ads.EVASIONS)
    assert not any(line.evasions for line in ad_lines(200, seed=5, evasion_rate=0.0))


def test_contacts_are_obfuscated_and_mostly_masked(lines: list[AdLine]) -> None:
    with_contact = [line for line in lines if {"qq", "wxid", "phone", "url"} & set(line.contacts)]
    assert len(with_contact) > 0.25 * N
    styled = sum(any(ord(ch) > 0xFF and not ch.isalpha() for ch in ln.text) for ln in with_contact)
    assert styled / len(with_contact) > 0.5
    masked = [
        ln for ln in with_contact if any(p in normalize(ln.text).text for p in CONTACT_PLACEHOLDERS)
    ]
    assert len(masked) / len(with_contact) > 0.6
    kinds = {k for ln in masked for k in normalize(ln.text).features.masked_contacts}
    assert {"qq", "wechat", "phone", "url"} <= kinds


def test_shared_kit_repeats_contacts() -> None:
    rnd = random.Random(0)
    kit = ContactKit(rnd)
    got = [ad_line(rnd, "contact_swap", kit, evasion_rate=0.0, shape="line") for _ in range(60)]
    wx = kit["wxid"][0]
    assert sum(wx in line.text for line in got) >= 2
    assert ContactKit(random.Random(0))["qq"] == ContactKit(random.Random(0))["qq"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": -1, "seed": 0}, "n must be"),
        ({"n": 1, "seed": 0, "families": []}, "families"),
        ({"n": 1, "seed": 0, "families": ["nope"]}, "nope"),
        ({"n": 1, "seed": 0, "evasion_rate": 2.0}, "evasion_rate"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ad_lines(**kwargs)  # type: ignore[arg-type]


def test_bad_shape() -> None:
    with pytest.raises(ValueError, match="shape"):
        ad_line(random.Random(0), "loan", shape="huge")
