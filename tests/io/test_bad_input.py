"""Bad-input corpus: one case per failure mode, each checking the count identity and reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from botcomments.io import ReadStats, RejectedRecordError, open_comments
from botcomments.records import Comment

ReadAll = Callable[..., tuple[list[Comment], ReadStats]]
GOOD = '{"text": "主播好美", "user_id": 1, "ts": 1714565700}\n'.encode()
LINES_ZH = ["主播好美", "已拍两单，质量很好", "这个链接几号"]


def jsonl(*texts: str) -> bytes:
    return "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode()


def _bililive_truncated() -> bytes:
    data = (Path(__file__).parent / "fixtures" / "bililive.xml").read_bytes()
    return data[: data.index(b"<d ", 2000) + 20]  # cut inside a <d> element


# id, file name, content, open_comments kwargs, (read, accepted, rejected, skipped), reasons
CASES: list[Any] = [
    (
        "invalid-json",
        "a.jsonl",
        GOOD + '{"text": "少了括号"\n'.encode() + GOOD,
        {},
        (3, 2, 1, 0),
        {"invalid_json": 1},
    ),
    ("not-an-object", "a.jsonl", GOOD + b"[1, 2]\n", {}, (2, 1, 1, 0), {"not_an_object": 1}),
    (
        "invalid-utf8-line",
        "a.jsonl",
        GOOD * 3 + b'{"text": "\xff\xfe\xfd"}\n',
        {},
        (4, 3, 1, 0),
        {"invalid_encoding": 1},
    ),
    (
        "lone-surrogate",
        "a.jsonl",
        GOOD + b'{"text": "\\ud800x"}\n',
        {},
        (2, 1, 1, 0),
        {"invalid_encoding": 1},
    ),
    (
        "gb18030-detected",
        "a.jsonl",
        jsonl(*LINES_ZH).decode().encode("gb18030"),
        {},
        (3, 3, 0, 0),
        {},
    ),
    (
        "gbk-with-encoding",
        "a.jsonl",
        jsonl(*LINES_ZH).decode().encode("gbk"),
        {"encoding": "gb18030"},
        (3, 3, 0, 0),
        {},
    ),
    (
        "gbk-csv-detected",
        "a.csv",
        ("text\n" + "\n".join(LINES_ZH) + "\n").encode("gbk"),
        {},
        (3, 3, 0, 0),
        {},
    ),
    ("missing-text", "a.jsonl", GOOD + b'{"user_id": 1}\n', {}, (2, 1, 1, 0), {"missing_text": 1}),
    (
        "empty-text",
        "a.jsonl",
        GOOD + b'{"text": "  "}\n{"text": null}\n',
        {},
        (3, 1, 2, 0),
        {"empty_text": 1, "missing_text": 1},
    ),
    (
        "text-not-string",
        "a.jsonl",
        b'{"text": ["a"]}\n{"text": 666}\n',
        {},
        (2, 1, 1, 0),
        {"bad_text": 1},
    ),
    (
        "unknown-ts-format",
        "a.jsonl",
        GOOD + '{"text": "a", "ts": "昨天晚上"}\n'.encode(),
        {},
        (2, 1, 1, 0),
        {"bad_timestamp": 1},
    ),
    (
        "nan-ts",
        "a.jsonl",
        GOOD + b'{"text": "a", "ts": NaN}\n{"text": "b", "ts": "nan"}\n',
        {},
        (3, 1, 2, 0),
        {"bad_timestamp": 2},
    ),
    (
        "negative-ts",
        "a.jsonl",
        GOOD + b'{"text": "a", "ts": -1714565700}\n',
        {},
        (2, 1, 1, 0),
        {"bad_timestamp": 1},
    ),
    (
        "bad-label",
        "a.jsonl",
        b'{"text": "a", "label": "maybe"}\n',
        {},
        (1, 0, 1, 0),
        {"bad_label": 1},
    ),
    (
        "iso-date-after-5138-rejected",  # its seconds would read as ms (1970s) otherwise
        "a.jsonl",
        GOOD + b'{"text": "a", "ts": "9999-12-31T23:59:59Z"}\n' + GOOD,
        {},
        (3, 2, 1, 0),
        {"bad_timestamp": 1},
    ),
    ("one-mb-line-accepted", "a.jsonl", jsonl("哈" * 330_000) + GOOD, {}, (2, 2, 0, 0), {}),
    (
        "two-mb-line-rejected",
        "a.jsonl",
        GOOD + jsonl("a" * 2_100_000) + GOOD,
        {},
        (3, 2, 1, 0),
        {"line_too_long": 1},
    ),
    (
        "truncated-last-line",
        "a.jsonl",
        GOOD + b'{"text": "\xe6\x96\xad',
        {},
        (2, 1, 1, 0),
        {"invalid_json": 1},
    ),
    ("utf8-bom", "a.jsonl", b"\xef\xbb\xbf" + GOOD + GOOD, {}, (2, 2, 0, 0), {}),
    (
        "crlf-and-blank-lines",
        "a.jsonl",
        GOOD.replace(b"\n", b"\r\n") + b"\r\n\n" + GOOD,
        {},
        (2, 2, 0, 0),
        {},
    ),
    (
        "csv-quoted-newlines",
        "a.csv",
        '\ufefftext,user_id\n"第一行\n第二行",1\nok,2\n'.encode(),
        {},
        (2, 2, 0, 0),
        {},
    ),
    (
        "csv-unbalanced-quote-costs-one-line",  # was: one comment swallowing the rest
        "a.csv",
        b'text,user_id\nhello,1\n"broken,2\nok3,3\nok4,4\nok5,5\n',
        {},
        (5, 4, 1, 0),
        {"invalid_csv": 1},
    ),
    (
        "csv-quote-closed-badly-later",
        "a.csv",
        b'text,user_id\n"open,1\nok2,2\nsaid "hi" x,3\n"ok4",4\n',
        {},
        (4, 3, 1, 0),
        {"invalid_csv": 1},
    ),
    (
        "csv-quoted-newlines-then-unbalanced",
        "a.csv",
        '\ufefftext,user_id\n"第一行\n第二行",1\n"x" ,2\n"坏,3\nok,4\n'.encode(),
        {},
        (4, 3, 1, 0),
        {"invalid_csv": 1},
    ),
    (
        "csv-too-many-fields",
        "a.csv",
        b"text,user_id\na,1\nb,2,3\n",
        {},
        (2, 1, 1, 0),
        {"invalid_csv": 1},
    ),
    (
        "csv-invalid-utf8",
        "a.csv",
        "text\n好\n好\n".encode() + b"\xff\xfe\n",
        {},
        (3, 2, 1, 0),
        {"invalid_encoding": 1},
    ),
    ("xml-truncated", "a.xml", _bililive_truncated(), {}, None, {"invalid_xml": 1}),
    (
        "xml-bad-p",
        "a.xml",
        '<i><d p="1,2">坏</d><d p="1,1,25,1,1714565700000,0,5,0">好</d></i>'.encode(),
        {"fmt": "bililive_xml"},
        (2, 1, 1, 0),
        {"bad_record": 1},
    ),
    (
        "blivedm-bad-info",
        "a.jsonl",
        b'{"cmd": "DANMU_MSG", "info": [1]}\n{"cmd": "X"}\n',
        {},
        (2, 0, 1, 1),
        {"bad_record": 1},
    ),
    (
        "json-array-broken",
        "a.json",
        b'[{"text": "a"}, {"text": "b"} {"text": "c"}]',
        {},
        (3, 2, 1, 0),
        {"invalid_json": 1},
    ),
    ("empty-file", "a.jsonl", b"", {}, (0, 0, 0, 0), {}),
]


@pytest.mark.parametrize(
    ("name", "data", "kwargs", "counts", "reasons"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input(
    write_file: Callable[[str, bytes], Path],
    read_all: ReadAll,
    assert_identity: Callable[[ReadStats], None],
    tmp_path: Path,
    name: str,
    data: bytes,
    kwargs: dict[str, Any],
    counts: tuple[int, int, int, int] | None,
    reasons: dict[str, int],
) -> None:
    path = write_file(name, data)
    rejects = tmp_path / "rejects.jsonl"
    comments, stats = read_all(path, rejects_path=rejects, **kwargs)
    assert_identity(stats)
    if counts is not None:
        assert (stats.read, stats.accepted, stats.rejected, stats.skipped) == counts
    assert dict(stats.rejected_by_reason) == reasons
    assert len(comments) == stats.accepted
    entries = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert len(entries) == stats.rejected  # every rejection is in the rejects file
    for entry in entries:
        assert entry["file"] == str(path) and entry["reason"] in reasons and entry["detail"]
        assert len(entry["raw"]) <= 500


def test_gbk_texts_decoded(write_file: Callable[[str, bytes], Path], read_all: ReadAll) -> None:
    path = write_file("gb.jsonl", jsonl(*LINES_ZH).decode().encode("gb18030"))
    comments, stats = read_all(path)
    assert [c.text for c in comments] == LINES_ZH
    assert stats.files[str(path)].encoding == "gb18030"


def test_reject_entry_has_line_and_offset(
    write_file: Callable[[str, bytes], Path], read_all: ReadAll, tmp_path: Path
) -> None:
    path = write_file("a.jsonl", GOOD + b"{oops\n")
    read_all(path, rejects_path=tmp_path / "r.jsonl")
    entry = json.loads((tmp_path / "r.jsonl").read_text("utf-8"))
    assert (entry["line"], entry["offset"], entry["raw"]) == (2, len(GOOD), "{oops")


def test_truncated_line_says_so(write_file: Callable[[str, bytes], Path], tmp_path: Path) -> None:
    path = write_file("a.jsonl", GOOD + b'{"text": "abc')
    list(open_comments(path, rejects_path=tmp_path / "r.jsonl"))
    assert "truncated" in json.loads((tmp_path / "r.jsonl").read_text("utf-8"))["detail"]


def test_strict_raises_with_location(write_file: Callable[[str, bytes], Path]) -> None:
    path = write_file("a.jsonl", GOOD + b'{"text": "a", "ts": "soon"}\n' + GOOD)
    stream = open_comments(path, strict=True)
    with pytest.raises(RejectedRecordError, match=r"a\.jsonl:2: bad_timestamp") as info:
        list(stream)
    assert "Fix:" in str(info.value)
    assert stream.stats.accepted == 1 and stream.stats.rejected == 1


def test_missing_file_is_counted(read_all: ReadAll, tmp_path: Path) -> None:
    comments, stats = read_all([tmp_path / "nope.jsonl"])
    assert comments == [] and dict(stats.rejected_by_reason) == {"unreadable_file": 1}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_bare_cr_line_endings_keep_every_record(tmp_path: Path, suffix: str) -> None:
    if suffix == ".jsonl":
        rows = [json.dumps({"text": f"主播好美{i}", "room_id": "r", "ts": 1_700_000_000 + i},
                           ensure_ascii=False) for i in range(20)]
        body = "\r".join(rows) + "\r"
    else:
        body = "text,room_id,ts\r" + "\r".join(f"主播好美{i},r,{1_700_000_000 + i}"
                                              for i in range(20)) + "\r"
    path = tmp_path / f"cr{suffix}"
    path.write_bytes(body.encode("utf-8"))
    stream = open_comments(path)
    texts = [c.text for c in stream]
    assert texts == [f"主播好美{i}" for i in range(20)]
    assert stream.stats.read == stream.stats.accepted == 20


def test_long_first_record_still_sniffs_as_utf8(tmp_path: Path) -> None:
    from botcomments.io.sources import SNIFF_BYTES, detect_encoding

    for shift in range(3):  # the sample ends 0, 1 or 2 bytes into a 3-byte character
        first = json.dumps({"text": "x" * shift + "主播好美" * (SNIFF_BYTES // 9),
                            "room_id": "r"}, ensure_ascii=False)
        data = (first + "\n" + json.dumps({"text": "晚安", "room_id": "r"},
                                          ensure_ascii=False) + "\n").encode("utf-8")
        assert detect_encoding(data[:SNIFF_BYTES]) == "utf-8"
    path = tmp_path / "long.jsonl"
    path.write_bytes(data)
    stream = open_comments(path, max_line_bytes=4 * SNIFF_BYTES)
    assert [c.text for c in stream][1] == "晚安"


def test_gb18030_file_still_sniffs_as_gb18030() -> None:
    from botcomments.io.sources import SNIFF_BYTES, detect_encoding

    line = json.dumps({"text": "主播好美，晚安" * 20, "room_id": "r"}, ensure_ascii=False)
    data = ((line + "\n") * (2 * SNIFF_BYTES // len(line))).encode("gb18030")
    assert detect_encoding(data[:SNIFF_BYTES]) == "gb18030"
    assert detect_encoding(data[: SNIFF_BYTES - 1]) == "gb18030"


def test_csv_unbalanced_quote_rejects_its_line_only(
    write_file: Callable[[str, bytes], Path], read_all: ReadAll, tmp_path: Path
) -> None:
    """The stray quote's line is the reject (with the line number); the others are read."""
    path = write_file("q.csv", b'text,user_id\nhello,1\n"broken,2\nok3,3\nok4,4\n')
    rejects = tmp_path / "rejects.jsonl"
    comments, _ = read_all(path, rejects_path=rejects)
    assert [c.text for c in comments] == ["hello", "ok3", "ok4"]
    entry = json.loads(rejects.read_text("utf-8"))
    assert (entry["line"], entry["reason"]) == (3, "invalid_csv")
    assert "unbalanced quote" in entry["detail"] and entry["raw"].startswith('"broken')


def test_csv_quote_open_past_the_row_line_limit(
    write_file: Callable[[str, bytes], Path], read_all: ReadAll
) -> None:
    """A quote that would close (validly) only after MAX_ROW_LINES lines is unbalanced."""
    from botcomments.io.tabular import MAX_ROW_LINES

    body = "".join(f"ok{i},{i}\n" for i in range(MAX_ROW_LINES + 5))
    path = write_file("q.csv", ('text,user_id\n"open,0\n' + body + 'late",9\n').encode())
    comments, stats = read_all(path)
    assert stats.rejected_by_reason == {"invalid_csv": 1}
    assert [c.text for c in comments[:2]] == ["ok0", "ok1"]
    assert stats.accepted == MAX_ROW_LINES + 5 + 1  # 'late"' is kept as read leniently


def test_csv_legit_multiline_fields_kept(
    write_file: Callable[[str, bytes], Path], read_all: ReadAll
) -> None:
    path = write_file("m.csv", 'text,user_id\n"一\n二\n""三""",1\n"四",2\n'.encode())
    comments, stats = read_all(path)
    assert [c.text for c in comments] == ['一\n二\n"三"', "四"] and stats.rejected == 0
