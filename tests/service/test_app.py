"""The HTTP service on a real uvicorn server: every endpoint, and every kind of bad request
answered with a clear 4xx and a reason (never a 500)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the service needs the serve extra")
uvicorn = pytest.importorskip("uvicorn", reason="the service needs the serve extra")
httpx = pytest.importorskip("httpx", reason="the tests talk HTTP with httpx")

from botcomments.records import Comment  # noqa: E402
from botcomments.scoring.pipeline import Scorer  # noqa: E402
from botcomments.service.app import ServiceSettings, create_app  # noqa: E402
from botcomments.simulate import SimulationConfig, simulate  # noqa: E402

TOKEN = "s3cret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A uvicorn server in a thread, rule-only scorer, small limits, token required."""
    settings = ServiceSettings(max_body_bytes=200_000, max_comments=500, max_rooms=3,
                               token=TOKEN)
    port = free_port()
    config = uvicorn.Config(create_app(Scorer.rule_only(), settings), host="127.0.0.1",
                            port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {TOKEN}"},
                      timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def room_rows() -> list[dict]:
    comments = simulate(1, seed=5, config=SimulationConfig(room_size=(200, 260))).comments
    return [dict(c.to_dict(), msg_id=f"m{i}") for i, c in enumerate(comments)]


def test_score_batch_with_bad_items_keeps_the_good_ones(client: httpx.Client,
                                                        room_rows: list[dict]) -> None:
    items = [*room_rows[:100], {"room_id": "r"}, "just a string",
             {"text": "hi", "ts": "yesterday"}, {"text": "ok", "ts": True}]
    r = client.post("/v1/score", json={"comments": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [v["index"] for v in body["verdicts"]] == list(range(100))
    reasons = {e["index"]: e["reason"] for e in body["errors"]}
    assert set(reasons) == {100, 101, 102, 103}
    assert reasons[100] == "missing_text" and reasons[101] == "not_an_object"
    assert all(e["detail"] for e in body["errors"])
    assert body["rooms"][0]["n_comments"] == 100
    expected = Scorer.rule_only().score(
        [Comment(text=x["text"], room_id=x["room_id"], ts=x["ts"], user_id=x["user_id"],
                 msg_id=x["msg_id"]) for x in room_rows[:100]])
    assert [v["is_bot"] for v in body["verdicts"]] == [v.is_bot for v in expected.verdicts]


def test_live_room_stream_report_and_close(client: httpx.Client,
                                           room_rows: list[dict]) -> None:
    room = room_rows[0]["room_id"]
    seen = set()
    for start in range(0, len(room_rows), 40):
        r = client.post(f"/v1/rooms/{room}/comments",
                        json={"comments": room_rows[start:start + 40]})
        assert r.status_code == 200, r.text
        seen |= {e["comment_id"] for e in r.json()["events"] if e["revision"] == 0}
    assert seen == {x["msg_id"] for x in room_rows}
    report = client.get(f"/v1/rooms/{room}").json()
    assert report["n_comments"] == len(room_rows) and 0 <= report["authenticity_ratio"] <= 1
    closed = client.delete(f"/v1/rooms/{room}").json()
    assert {e["comment_id"] for e in closed["events"] if e["final"]} == seen
    assert client.get(f"/v1/rooms/{room}").status_code == 404


def test_wrong_room_items_are_refused_one_by_one(client: httpx.Client) -> None:
    r = client.post("/v1/rooms/a/comments", json={"comments": [
        {"text": "主播好", "room_id": "a"}, {"text": "主播好", "room_id": "b"}]})
    assert r.status_code == 200
    assert [e["reason"] for e in r.json()["errors"]] == ["wrong_room"]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "reason"), [
    ("post", "/v1/score", {"content": b"{not json", "headers": {"content-type":
                                                                "application/json"}},
     422, "json"),
    ("post", "/v1/score", {"json": {"comments": "not a list"}}, 422, "list"),
    ("post", "/v1/score", {"json": {"text": "no comments key"}}, 422, "comments"),
    ("post", "/v1/score", {"json": {"comments": [{"text": "x"}] * 501}}, 413, "limit"),
    ("post", "/v1/score", {"content": b'{"comments": ["' + b"x" * 300_000 + b'"]}',
                           "headers": {"content-type": "application/json"}}, 413, "larger"),
    ("get", "/v1/rooms/nowhere", {}, 404, "not open"),
    ("delete", "/v1/rooms/nowhere", {}, 404, "not open"),
])
def test_bad_requests_get_a_clear_4xx(client: httpx.Client, method: str, path: str,
                                      kwargs: dict, status: int, reason: str) -> None:
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    assert reason in json.dumps(r.json()).lower()


def test_auth_is_required_on_v1_but_not_on_health(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as anonymous:
        r = anonymous.post("/v1/score", json={"comments": []})
        assert r.status_code == 401 and "bearer" in r.json()["detail"].lower()
        wrong = anonymous.get("/v1/rooms/x", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        health = anonymous.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert anonymous.get("/docs").status_code == 200
        assert "/v1/score" in anonymous.get("/openapi.json").json()["paths"]


def test_rooms_beyond_the_limit_close_the_oldest(client: httpx.Client) -> None:
    for name in ("q1", "q2", "q3", "q4"):
        r = client.post(f"/v1/rooms/{name}/comments", json={"comments": [
            {"text": "主播好", "room_id": name, "user_id": "u", "ts": 1.0}]})
        assert r.status_code == 200
    assert client.get("/v1/rooms/q4").status_code == 200
    assert client.get("/healthz").json()["rooms_open"] <= 3


def test_metrics_count_requests_and_comments(client: httpx.Client) -> None:
    client.post("/v1/score", json={"comments": [{"text": "主播好", "room_id": "m"}]})
    text = client.get("/metrics").text
    assert "botcomments_comments_scored_total" in text
    assert 'botcomments_requests_total{endpoint="/v1/score",status="200"}' in text
