"""Property tests: arbitrary input never crashes a reader and the counts always add up."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botcomments.io import open_comments
from botcomments.io.writers import json_line
from botcomments.records import ENGAGEMENT_KINDS, EngagementEvent

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
record = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values,
        "ts": json_values,
        "user_id": json_values,
        "label": json_values,
        "cmd": st.sampled_from(["DANMU_MSG", "SEND_GIFT"]),
        "info": json_values,
        "common": json_values,
    },
)
line = st.one_of(
    record.map(lambda r: json.dumps(r, allow_nan=True).encode()),
    st.binary(max_size=60),
    st.text(max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
FORMATS = st.sampled_from(
    [None, "jsonl", "csv", "blivedm", "douyin", "bililive_xml", "bilibili_xml"]
)


def _check(data: bytes, suffix: str, fmt: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        rejects = Path(tmp) / "rejects.jsonl"
        stream = open_comments(path, fmt=fmt, rejects_path=rejects)
        comments = list(stream)
        s = stream.stats
        assert s.read == s.accepted + s.rejected + s.skipped + s.events
        assert len(comments) == s.accepted
        assert rejects.read_text("utf-8").count("\n") == s.rejected  # not splitlines: U+0085
        for c in comments:
            c.text.encode("utf-8")  # every accepted text can be written as UTF-8


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, max_size=8), st.booleans(), FORMATS)
def test_jsonl_ish_lines_never_crash(
    lines: list[bytes], final_newline: bool, fmt: str | None
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    _check(data, ".jsonl", fmt)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xml", ".json", ".bin"])
@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash(suffix: str, data: bytes) -> None:
    _check(data, suffix, None)


kinds = st.sampled_from([*ENGAGEMENT_KINDS, "Like", " gift ", "", "dislike", "superchat"])
event_record = st.fixed_dictionaries(
    {"kind": kinds | json_values},
    optional={
        "text": st.sampled_from(["", "  ", "主播好美"]) | json_values,
        "count": st.integers(-3, 2**64) | st.sampled_from(["3", "-1", "2.0", "x"]) | json_values,
        "ts": json_values,
        "uid": json_values,
        "room_id": json_values,
        "label": json_values,
        "side": json_values,
    },
)


def _no_constant(name: str) -> object:
    raise AssertionError(f"bare {name} written")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event_record, min_size=1, max_size=6))
def test_any_object_with_a_kind_is_one_of_four_outcomes(records: list[dict[str, object]]) -> None:
    """Each record is a comment, an event, a reject or skipped; never a crash; counts add up."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_bytes(b"".join(json.dumps(r, allow_nan=True).encode() + b"\n"
                                  for r in records))
        rejects = Path(tmp) / "rejects.jsonl"
        events: list[EngagementEvent] = []
        stream = open_comments(path, fmt="jsonl", rejects_path=rejects, on_event=events.append)
        comments = list(stream)
        s = stream.stats
        assert s.read == len(records) == s.accepted + s.rejected + s.skipped + s.events
        assert (len(comments), len(events)) == (s.accepted, s.events)
        assert rejects.read_text("utf-8").count("\n") == s.rejected
        assert s.events_by_kind == {k: sum(e.kind == k for e in events) for k in s.events_by_kind}
        for e in events:
            assert e.kind in ENGAGEMENT_KINDS and e.count >= 0
            json.loads(json_line(e.to_dict()), parse_constant=_no_constant)  # read --events
