"""A generated corpus of hostile inputs across every format, each scored end to end.

Every case goes through ``botcomments score --no-model`` as a user would run it and must
hold the guarantees of docs/input-formats.md: exit code 0 (a bad record never fails the
run), ``read = accepted + rejected + skipped + events`` in the summary, every rejected
record in ``rejects.jsonl``, the input untouched, valid JSON out. One more case scores a file whose
timestamps include the year 9999 in a child process and checks its peak memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from botcomments.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"room_id": "r1", "user_id": "u1", "ts": 1714565700, "text": "主播好美"}


def jl(*rows: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in rows).encode()


def good(i: int = 0, **kw: object) -> dict:
    return {**GOOD, "user_id": f"u{i}", "ts": 1714565700 + i, "text": f"主播好美{i}", **kw}


def blive(text: object = "主播好", ts: object = 1714565700456, uid: object = 3493000000,
          cmd: str = "DANMU_MSG") -> dict:
    return {"room_id": 5050, "cmd": cmd,
            "info": [[0, 1, 25, 16777215, ts, 1714565000, 0, "a1", 0], text,
                     [uid, "小鱼儿", 0, 0, 0, 10000, 1, ""]]}


def douyin(content: object = "主播好", create: object = "1714565700",
           method: str = "WebcastChatMessage", uid: object = "987") -> dict:
    return {"common": {"method": method, "msgId": "1", "roomId": "7", "createTime": create},
            "user": {"id": uid, "nickName": "n"}, "content": content}


def video_xml(*ds: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (declaration + "<i><chatid>1</chatid>" + "".join(ds) + "</i>").encode()


def vd(text: str = "主播好", p: str = "12.5,1,25,16777215,1714565700,0,caf36f40,41") -> str:
    return f'<d p="{p}">{text}</d>'


def live_xml(*ds: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><i><BililiveRecorder version="2" />'
            '<BililiveRecorderRecordInfo roomid="21" start_time="2024-05-01T20:15:00+08:00" />'
            + "".join(ds) + "</i>").encode()


def ld(text: str = "主播好", p: str = "1.5,1,25,16777215,1714565700000,0,caf36f40,0",
       user: str = "小鱼儿", uid: str = "349") -> str:
    return f'<d p="{p}" user="{user}" uid="{uid}">{text}</d>'


def parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


GOOD3 = jl(good(0), good(1), good(2))
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE i [<!ENTITY a "aaaaaaaaaa">'
                  + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">'
                            for k in range(8))
                  + ']><i><d p="1,1,25,1,1714565700,0,a,1">&i;</d></i>')

# (id, file name, content or builder); counts come from the run itself and are checked
# against each other (the exact per-case counts are tested in test_bad_input.py).
CASES: list[tuple[str, str, bytes | Callable[[], bytes]]] = [
    # --- JSON lines
    ("jsonl-truncated-last-line", "a.jsonl", GOOD3 + b'{"text": "cut'),
    ("jsonl-invalid-json", "a.jsonl", jl(good(0), "{nope", good(1))),
    ("jsonl-array-line", "a.jsonl", jl(good(0), "[1, 2, 3]")),
    ("jsonl-null-text", "a.jsonl", jl(good(0), good(1, text=None))),
    ("jsonl-number-text", "a.jsonl", jl(good(0), good(1, text=12345))),
    ("jsonl-list-user", "a.jsonl", jl(good(0), good(1, user_id=["u"]))),
    ("jsonl-nan-ts", "a.jsonl", jl(good(0), '{"text": "x", "ts": NaN}')),
    ("jsonl-negative-ts", "a.jsonl", jl(good(0), good(1, ts=-5))),
    ("jsonl-year-9999", "a.jsonl", jl(good(0), good(1, ts="9999-12-31T23:59:59Z"))),
    ("jsonl-ms-and-s-mixed", "a.jsonl", jl(good(0), good(1, ts=1714565701000))),
    ("jsonl-huge-int-ts", "a.jsonl", jl(good(0), good(1, ts=10**30))),
    ("jsonl-string-ts-garbage", "a.jsonl", jl(good(0), good(1, ts="yesterday"))),
    ("jsonl-lone-surrogate-text", "a.jsonl", GOOD3 + b'{"text": "\\ud800x"}\n'),
    ("jsonl-lone-surrogate-user", "a.jsonl", GOOD3 + b'{"text": "x", "user_id": "\\udc00"}\n'),
    ("jsonl-deep-nesting", "a.jsonl", GOOD3 + b'{"text": "x", "m": ' + b"[" * 50_000
     + b"]" * 50_000 + b"}\n"),
    ("jsonl-invalid-utf8", "a.jsonl", GOOD3 + b'{"text": "\xff\xfe"}\n'),
    ("jsonl-gb18030", "a.jsonl", jl(good(0), good(1)).decode().encode("gb18030")),
    ("jsonl-utf8-bom", "a.jsonl", b"\xef\xbb\xbf" + GOOD3),
    ("jsonl-crlf", "a.jsonl", GOOD3.replace(b"\n", b"\r\n")),
    ("jsonl-cr-only", "a.jsonl", GOOD3.replace(b"\n", b"\r")),
    ("jsonl-blank-lines", "a.jsonl", b"\n\n" + GOOD3 + b"\n  \n"),
    ("jsonl-nul-bytes", "a.jsonl", GOOD3 + b'{"text": "a\\u0000b"}\n\x00\x00\n'),
    ("jsonl-empty", "a.jsonl", b""),
    ("jsonl-only-whitespace", "a.jsonl", b"   \n\t\n"),
    ("jsonl-bad-label", "a.jsonl", jl(good(0), good(1, label=7))),
    ("jsonl-empty-text", "a.jsonl", jl(good(0), good(1, text=""))),
    ("jsonl-gzip", "a.jsonl.gz", gz(GOOD3)),
    ("jsonl-gzip-truncated", "a.jsonl.gz", gz(GOOD3 * 50)[:-30]),
    ("jsonl-not-gzip", "a.jsonl.gz", GOOD3),
    # --- JSON array
    ("json-array-truncated", "a.json", b"[" + json.dumps(good(0)).encode() + b", {\"te"),
    ("json-array-mixed", "a.json", json.dumps([good(0), 5, "x", None, good(1)]).encode()),
    ("json-array-nested-deep", "a.json", b"[" + json.dumps(good(0)).encode() + b", "
     + b"[" * 50_000 + b"]" * 50_000 + b"]"),
    ("json-top-level-object", "a.json", json.dumps(good(0)).encode()),
    # --- CSV / TSV
    ("csv-unbalanced-quote", "a.csv",
     b'room_id,user_id,ts,text\nr,u0,1714565700,"ok\nr,u1,1714565701,fine\nr,u2,1714565702,x\n'
),
    ("csv-missing-text-column", "a.csv", b"room_id,user_id,ts,content\nr,u,1714565700,hi\n"),
    ("csv-ragged-rows", "a.csv", "room_id,ts,text\nr,1714565700,好\nr\nr,1,2,3,4\n".encode()),
    ("csv-gbk", "a.csv", "room_id,ts,text\nr,1714565700,主播好\n".encode("gbk")),
    ("csv-utf16", "a.csv", "room_id,ts,text\nr,1714565700,主播好\n".encode("utf-16")),
    ("csv-header-only", "a.csv", b"room_id,ts,text\n"),
    ("csv-bad-ts", "a.csv", "room_id,ts,text\nr,soon,主播好\nr,1714565700,好\n".encode()),
    ("csv-huge-field", "a.csv", b"room_id,ts,text\nr,1714565700," + b"x" * 3_000_000 + b"\n"
     + "r,1714565701,好\n".encode()),
    ("tsv-mixed-tabs", "a.tsv", "room_id\tts\ttext\nr\t1714565700\t好\textra\nr\t1\n".encode()),
    # --- Parquet
    ("parquet-null-text", "a.parquet", lambda: parquet(pa.table(
        {"room_id": ["r", "r"], "ts": [1714565700, 1714565701], "text": ["好", None]}))),
    ("parquet-ts-out-of-range", "a.parquet", lambda: parquet(pa.table(
        {"room_id": ["r", "r"], "ts": pa.array([1714565700, 2**62], pa.int64()),
         "text": ["好", "x"]}))),
    ("parquet-no-text-column", "a.parquet", lambda: parquet(pa.table(
        {"room_id": ["r"], "content": ["好"]}))),
    ("parquet-truncated", "a.parquet", lambda: parquet(pa.table(
        {"room_id": ["r"] * 50, "text": ["好"] * 50}))[:-40]),
    ("parquet-binary-text", "a.parquet", lambda: parquet(pa.table(
        {"room_id": ["r", "r"], "text": pa.array([b"ok", b"\xff\xfe"], pa.binary())}))),
    # --- blivedm
    ("blivedm-short-info", "a.jsonl", jl(blive(), {"room_id": 1, "cmd": "DANMU_MSG",
                                                   "info": [[0]]})),
    ("blivedm-text-not-string", "a.jsonl", jl(blive(), blive(text={"a": 1}))),
    ("blivedm-ts-string", "a.jsonl", jl(blive(), blive(ts="later"))),
    ("blivedm-other-cmds", "a.jsonl", jl(blive(), blive(cmd="SEND_GIFT"),
                                         blive(cmd="INTERACT_WORD"))),
    # --- Douyin
    ("douyin-content-missing", "a.jsonl", jl(douyin(), {"common": {
        "method": "WebcastChatMessage", "roomId": "7"}, "user": {"id": "1"}})),
    ("douyin-create-time-ms-and-garbage", "a.jsonl", jl(douyin(), douyin(create="1714565701000"),
                                                       douyin(create="not a time"))),
    ("douyin-like-and-member", "a.jsonl", jl(douyin(), douyin(method="WebcastLikeMessage"),
                                             douyin(method="WebcastMemberMessage"))),
    ("douyin-user-id-float", "a.jsonl", jl(douyin(), douyin(uid=1.5))),
    # --- Bilibili video danmaku XML
    ("video-xml-truncated", "a.xml", video_xml(vd(), vd())[:-25]),
    ("video-xml-bad-p", "a.xml", video_xml(vd(), vd(p="x,y"), vd(p=""))),
    ("video-xml-nested-element", "a.xml", video_xml(vd(), '<d p="1,1,25,1,1714565700,0,a,1">'
                                                          "前<b>中</b>后</d>")),
    ("video-xml-gbk-declared", "a.xml", video_xml(vd(), declaration='<?xml version="1.0" '
                                                  'encoding="GBK"?>').decode().encode("gbk")),
    ("video-xml-billion-laughs", "a.xml", BILLION_LAUGHS.encode()),
    ("video-xml-not-xml", "a.xml", b"this is not xml at all <<<"),
    # --- BililiveRecorder XML
    ("live-xml-truncated-mid-element", "a.xml", live_xml(ld(), ld(), ld())[:-40]),
    ("live-xml-bad-timestamp", "a.xml", live_xml(ld(), ld(p="1.5,1,25,1,year9999,0,a,0"))),
    ("live-xml-gifts-only", "a.xml", live_xml('<gift ts="1" user="a" uid="1" giftname="x" '
                                              'giftcount="1" />')),
]


def materialise(data: bytes | Callable[[], bytes]) -> bytes:
    return data() if callable(data) else data


def test_the_corpus_is_large_and_covers_every_format() -> None:
    assert len(CASES) >= 50
    assert len({name for name, _, _ in CASES}) == len(CASES)
    kinds = {name.split("-")[0] for name, _, _ in CASES}
    assert kinds >= {"jsonl", "json", "csv", "tsv", "parquet", "blivedm", "douyin", "video",
                     "live"}


SUMMARY = re.compile(
    r"read (\d+), accepted (\d+), rejected (\d+).*?skipped (\d+)(?:, events (\d+))?")


@pytest.mark.parametrize(("name", "filename", "data"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_scores_without_losing_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, filename: str,
        data: bytes | Callable[[], bytes]) -> None:
    source = tmp_path / filename
    raw = materialise(data)
    source.write_bytes(raw)
    out = tmp_path / "out"
    assert main(["score", str(source), "--out", str(out), "--no-model", "--no-progress"]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    found = SUMMARY.search(printed.out)
    assert found, printed.out
    read, accepted, rejected, skipped, events = (int(g or 0) for g in found.groups())
    assert read == accepted + rejected + skipped + events
    rejects = out / "rejects.jsonl"
    entries = rejects.read_text("utf-8").splitlines() if rejects.exists() else []
    assert len(entries) == rejected
    assert all(json.loads(e)["reason"] and json.loads(e)["detail"] for e in entries)
    comments = (out / "comments.jsonl").read_text("utf-8").splitlines()
    assert len(comments) == accepted
    def no_bare_constants(constant: str) -> None:
        pytest.fail(f"bare {constant} (invalid JSON) in comments.jsonl")

    for line in comments:
        json.loads(line, parse_constant=no_bare_constants)
    assert hashlib.sha256(source.read_bytes()).digest() == hashlib.sha256(raw).digest()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux /proc")
def test_far_future_timestamps_keep_memory_bounded(tmp_path: Path) -> None:
    """A year-9999 and a 1e15 timestamp among valid ones: memory follows the data."""
    rows = [good(i % 50, text=f"主播好{i % 30}") for i in range(3000)]
    rows[1000]["ts"] = "9999-12-31T23:59:59Z"
    rows[2000]["ts"] = 10**15
    source = tmp_path / "far.jsonl"
    source.write_bytes(jl(*rows))
    # VmHWM is this process image's own peak: ru_maxrss would carry over the peak of the
    # (large) pytest process the child was forked from, across exec
    code = ("import sys; from botcomments.cli import main; rc = main(sys.argv[1:]); "
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
            "print('peak_kib', hwm.split()[1]); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, "score", str(source), "--out",
                          str(tmp_path / "out"), "--no-model", "--no-progress"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    peak_mib = int(run.stdout.split("peak_kib")[-1].split()[0]) / 1024
    assert peak_mib < 400, f"peak RSS {peak_mib:.0f} MiB for 3,000 comments"  # ~150 normally
    # the year-9999 date is refused (it would read as milliseconds: 1970s), not moved;
    # the 1e15 number is microseconds by magnitude (year 2001) and scored
    rejects = [json.loads(line) for line in
               (tmp_path / "out" / "rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects] == [(1001, "bad_timestamp")]
    assert "after year 5138" in rejects[0]["detail"]
    assert "accepted 2999, rejected 1" in run.stdout
