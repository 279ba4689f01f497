"""Timestamp parsing: every accepted form becomes float unix seconds plus the unit assumed.

Accepted forms:

- ISO-8601 strings (``2024-05-01T20:15:03+08:00``, ``...Z``, ``2024-05-01 20:15:03``).
  A string **without a zone is taken as UTC** (unit ``"iso8601_naive_utc"``), never as
  local time, so results do not depend on the machine.
- ``YYYY/MM/DD HH:MM[:SS]`` (common in Chinese exports), also naive = UTC.
- ``datetime`` objects (Parquet timestamp columns); naive = UTC (unit
  ``"datetime_naive_utc"``).

Readers can take naive wall-clock times in another zone instead (``--tz``,
:func:`naive_in_zone`).
- Unix epoch numbers (int, float or numeric string). The unit is chosen by magnitude:
  below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, below 1e20
  nanoseconds.

NaN, infinity, negative values, booleans and anything else raise ``TimestampError``
with a reason that says how to fix the input. So does a date/time after year 5138
(unix seconds >= ``records.EPOCH_SECONDS_BOUND``): such seconds would read as
milliseconds wherever a number is interpreted by magnitude (``Comment``), so they are
refused rather than silently moved to the 1970s.

Example:
    >>> parse_timestamp("1714565703123")
    ParsedTime(seconds=1714565703.123, unit='ms')
    >>> parse_timestamp("2024-05-01T12:15:03Z").unit
    'iso8601'
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botcomments.records import EPOCH_SECONDS_BOUND, epoch_seconds

TIMESTAMP_UNITS: tuple[str, ...] = (
    "s",
    "ms",
    "us",
    "ns",
    "iso8601",
    "iso8601_naive_utc",
    "datetime",
    "datetime_naive_utc",
)
"""Every unit name ``parse_timestamp`` can report."""
NAIVE_UNITS: tuple[str, ...] = ("iso8601_naive_utc", "datetime_naive_utc")
"""Units of wall-clock times without a zone (read as UTC unless a zone is given)."""

_EXTRA_FORMATS: tuple[str, ...] = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_NAIVE_MARGIN_S = 2 * 86_400.0
"""A naive time may still move by its zone's offset (``--tz``): keep it clear of the bound."""
_FIX_HINT = "use ISO-8601 (2024-05-01T20:15:03+08:00) or unix seconds/milliseconds"


class TimestampError(ValueError):
    """A value that cannot be read as a timestamp; the message says why and how to fix it."""


class ParsedTime(NamedTuple):
    """A parsed timestamp.

    Attributes:
        seconds: Unix seconds (float, finite, non-negative).
        unit: Which unit/format was assumed (one of ``TIMESTAMP_UNITS``).
    """

    seconds: float
    unit: str


def parse_timestamp(value: object) -> ParsedTime:
    """Parse one timestamp value.

    Args:
        value: int/float epoch number, numeric string, or ISO-8601 string.

    Returns:
        The unix seconds and the unit assumed.

    Raises:
        TimestampError: For NaN/infinite/negative numbers, booleans, empty strings,
            numbers too large for any unit, and unknown string formats.
    """
    if isinstance(value, bool):
        raise TimestampError(f"timestamp {value!r} is a boolean; {_FIX_HINT}")
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        sign = "negative" if value < 0 else "too large for s/ms/us/ns"
        raise TimestampError(
            f"timestamp is a {value.bit_length()}-bit integer, {sign}; {_FIX_HINT}"
        )
    if isinstance(value, (int, float)):
        return _from_number(float(value), value)
    if isinstance(value, str):
        return _from_string(value)
    if isinstance(value, datetime):  # e.g. a Parquet timestamp column
        return _from_datetime(value, value.isoformat(), "datetime")
    raise TimestampError(f"timestamp {value!r} has type {type(value).__name__}; {_FIX_HINT}")


def _from_number(number: float, shown: object) -> ParsedTime:
    if math.isnan(number) or math.isinf(number):
        raise TimestampError(f"timestamp {shown!r} is not a finite number; {_FIX_HINT}")
    if number < 0:
        raise TimestampError(f"timestamp {shown!r} is negative (before 1970); {_FIX_HINT}")
    try:
        return ParsedTime(*epoch_seconds(number))
    except ValueError:
        raise TimestampError(
            f"timestamp {shown!r} is too large for s/ms/us/ns; {_FIX_HINT}"
        ) from None


def _from_string(value: str) -> ParsedTime:
    text = value.strip()
    if not text:
        raise TimestampError(f"timestamp is an empty string; {_FIX_HINT}")
    try:
        number = float(text)
    except ValueError:
        return _from_date_string(text)
    return _from_number(number, value)


def _from_date_string(text: str) -> ParsedTime:
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    iso = _LONG_FRACTION.sub(r"\1", iso)  # .NET writes 7 fractional digits
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        for fmt in _EXTRA_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise TimestampError(f"unknown timestamp format {text[:40]!r}; {_FIX_HINT}")
    return _from_datetime(parsed, text, "iso8601")


def _from_datetime(parsed: datetime, shown: str, unit: str) -> ParsedTime:
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
        unit = f"{unit}_naive_utc"
    seconds = parsed.timestamp()
    if seconds < 0:
        raise TimestampError(f"timestamp {shown[:40]!r} is before 1970; {_FIX_HINT}")
    bound = EPOCH_SECONDS_BOUND - (_NAIVE_MARGIN_S if unit in NAIVE_UNITS else 0.0)
    if seconds >= bound:
        raise TimestampError(
            f"timestamp {shown[:40]!r} is a date after year 5138 (unix seconds >= "
            f"{EPOCH_SECONDS_BOUND:.0e}, which would read as milliseconds); {_FIX_HINT}"
        )
    return ParsedTime(seconds, unit)


def time_zone(name: str) -> tzinfo:
    """The IANA time zone for ``--tz`` (e.g. ``Asia/Shanghai``, ``UTC``).

    Args:
        name: Zone name.

    Returns:
        The zone.

    Raises:
        ValueError: For an unknown name, with an example.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai or UTC"
        ) from None


def naive_in_zone(seconds: float, zone: tzinfo) -> float:
    """Re-read a naive wall-clock time, parsed as UTC, as a time in ``zone``.

    Args:
        seconds: Unix seconds of the wall-clock time taken as UTC.
        zone: The zone the source wrote its wall-clock times in.

    Returns:
        Unix seconds of that wall-clock time in ``zone``.

    Example:
        >>> from datetime import timezone, timedelta
        >>> naive_in_zone(8 * 3600.0, timezone(timedelta(hours=8)))
        0.0
    """
    wall = datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=zone)
    return wall.timestamp()


def resolve_relative(offset: object, start: float | None) -> float | None:
    """Turn a "seconds since recording start" offset into unix seconds.

    Args:
        offset: Offset in seconds (number or numeric string), e.g. BililiveRecorder ``ts``.
        start: Recording start as unix seconds, or None when unknown.

    Returns:
        ``start + offset`` or None when ``start`` is None.

    Raises:
        TimestampError: If the offset is not a finite non-negative number.

    Example:
        >>> resolve_relative("12.5", 1714565700.0)
        1714565712.5
    """
    try:
        seconds = float(offset)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TimestampError(
            f"relative time {offset!r} is not a number of seconds since recording start"
        ) from None
    if not math.isfinite(seconds) or seconds < 0:
        raise TimestampError(f"relative time {offset!r} must be a finite number >= 0")
    return None if start is None else start + seconds
