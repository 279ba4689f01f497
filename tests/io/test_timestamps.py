"""Timestamp parsing: units by magnitude, ISO-8601, rejects with reasons."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botcomments.io.timestamps import TimestampError, parse_timestamp, resolve_relative

T = 1714565703.0  # 2024-05-01T12:15:03Z


@pytest.mark.parametrize(
    ("value", "seconds", "unit"),
    [
        pytest.param(1714565703, T, "s", id="int-seconds"),
        pytest.param(1714565703.5, T + 0.5, "s", id="float-seconds"),
        pytest.param("1714565703", T, "s", id="str-seconds"),
        pytest.param(1714565703123, T + 0.123, "ms", id="int-ms"),
        pytest.param("1714565703123", T + 0.123, "ms", id="str-ms"),
        pytest.param(1714565703123456, T + 0.123456, "us", id="us"),
        pytest.param(1714565703123456789, T + 0.123456789, "ns", id="ns"),
        pytest.param("2024-05-01T12:15:03Z", T, "iso8601", id="iso-z"),
        pytest.param("2024-05-01T20:15:03+08:00", T, "iso8601", id="iso-offset"),
        pytest.param("2024-05-01T20:15:03.0000000+08:00", T, "iso8601", id="iso-7-digits"),
        pytest.param("2024-05-01 12:15:03", T, "iso8601_naive_utc", id="naive-is-utc"),
        pytest.param("2024/05/01 12:15:03", T, "iso8601_naive_utc", id="slashes"),
        pytest.param(" 1714565703 ", T, "s", id="padded"),
        pytest.param(0, 0.0, "s", id="epoch"),
    ],
)
def test_parse_timestamp(value: object, seconds: float, unit: str) -> None:
    parsed = parse_timestamp(value)
    assert parsed.unit == unit
    assert parsed.seconds == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param(float("nan"), "finite", id="nan"),
        pytest.param("NaN", "finite", id="nan-string"),
        pytest.param(float("inf"), "finite", id="inf"),
        pytest.param(-5, "negative", id="negative"),
        pytest.param("-1714565703", "negative", id="negative-string"),
        pytest.param("1969-12-31T00:00:00Z", "before 1970", id="before-epoch"),
        pytest.param("昨天 20:00", "unknown timestamp format", id="unknown"),
        pytest.param("", "empty", id="empty"),
        pytest.param(True, "boolean", id="bool"),
        pytest.param([1], "type list", id="list"),
        pytest.param(1e25, "too large", id="too-large"),
    ],
)
def test_parse_timestamp_rejects(value: object, words: str) -> None:
    with pytest.raises(TimestampError, match=words) as info:
        parse_timestamp(value)
    assert "ISO-8601" in str(info.value)  # every message says how to fix it


@pytest.mark.parametrize("value", [
    "9999-12-31T23:59:59Z", "5138-11-16T09:46:40Z", "6000-01-01 00:00:00", "9999/12/31",
], ids=["year-9999", "at-the-bound", "naive-6000", "slashes-9999"])
def test_dates_after_year_5138_are_refused(value: str) -> None:
    """Their unix seconds (>= 1e11) would read as milliseconds: refused, not moved to 1970s."""
    with pytest.raises(TimestampError, match="after year 5138"):
        parse_timestamp(value)


def test_date_just_below_the_bound_is_kept() -> None:
    assert parse_timestamp("5138-11-16T09:46:39Z") == (99_999_999_999.0, "iso8601")


def test_resolve_relative() -> None:
    assert resolve_relative("12.5", T) == T + 12.5
    assert resolve_relative(3, None) is None
    with pytest.raises(TimestampError, match="since recording start"):
        resolve_relative("abc", T)
    with pytest.raises(TimestampError):
        resolve_relative(-1, T)


@given(st.floats(min_value=0, max_value=9.9e10, allow_nan=False))
def test_seconds_range_round_trips(seconds: float) -> None:
    parsed = parse_timestamp(seconds)
    assert parsed == (seconds, "s")


@given(st.one_of(st.text(max_size=40), st.floats(), st.integers(), st.integers(min_value=10**19)))
def test_never_raises_anything_but_timestamp_error(value: object) -> None:
    try:
        parsed = parse_timestamp(value)
    except TimestampError:
        return
    assert math.isfinite(parsed.seconds) and parsed.seconds >= 0
