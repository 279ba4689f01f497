"""HTTP service: batch scoring and live room sessions behind a FastAPI app.

Endpoints (OpenAPI docs at ``/docs``):

- ``POST /v1/score``: ``{"comments": [...]}`` -> one verdict per valid comment, one
  report per room, and one error entry per invalid item (a bad item never fails the
  batch). Items are read exactly as JSON-lines input is (``text`` required; ``room_id``,
  ``user_id``, ``ts`` (ISO-8601 or epoch s/ms), ``msg_id``, ``label`` optional).
- ``POST /v1/rooms/{room_id}/comments``: stream comments into that room's live session
  (:class:`botcomments.live.RoomMonitor`): first verdicts and revisions come back.
- ``GET /v1/rooms/{room_id}``: the room's current ratio, interval, timeline, top
  clusters / templates / account groups (404 for a room not held).
- ``DELETE /v1/rooms/{room_id}``: close the room: final verdicts and final report.
- ``GET /healthz``; ``GET /metrics`` (Prometheus text format).

Limits (:class:`ServiceSettings`): request body bytes (413), comments per request (413),
open rooms (the least recently fed room is closed beyond it), an optional bearer token
(401). The model is loaded once; scoring runs in a worker thread, one request at a time
(the scorer's detectors hold per-call state), so the event loop keeps serving health
checks and metrics while a batch is scored.

The app needs the ``serve`` extra (``pip install 'botcomments[serve]'``: FastAPI,
uvicorn, prometheus-client).
"""

from __future__ import annotations

import asyncio
import hmac
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field
from starlette.middleware.base import RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botcomments import __version__
from botcomments.io.base import RecordError
from botcomments.io.mapping import comment_from_mapping
from botcomments.live import FeedResult, MonitorSettings, RoomMonitor
from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer


@dataclass(frozen=True)
class ServiceSettings:
    """Limits and access of the service.

    Args:
        max_body_bytes: Largest request body accepted.
        max_comments: Most comments in one request.
        max_rooms: Live rooms held at once.
        token: Bearer token every ``/v1`` request must carry (None: no auth).

    Raises:
        ValueError: On a non-positive limit.
    """

    max_body_bytes: int = 4 * 1024 * 1024
    max_comments: int = 10_000
    max_rooms: int = 10_000
    token: str | None = None

    def __post_init__(self) -> None:
        if min(self.max_body_bytes, self.max_comments, self.max_rooms) < 1:
            raise ValueError("max_body_bytes, max_comments and max_rooms must be >= 1")


class CommentsIn(BaseModel):
    """A batch of comments; each item is validated on its own."""

    comments: list[Any] = Field(
        ..., description="comment objects: text (required), room_id, user_id, ts, msg_id",
        examples=[[{"text": "主播好美", "room_id": "r1", "user_id": "42",
                    "ts": "2024-05-30T20:00:00+08:00"}]],
    )


class _Metrics:
    """Prometheus metrics on a registry of their own (several apps per process in tests)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("botcomments_requests_total", "HTTP requests",
                                ("endpoint", "status"), registry=self.registry)
        self.comments = Counter("botcomments_comments_scored_total", "comments scored",
                                registry=self.registry)
        self.item_errors = Counter("botcomments_item_errors_total",
                                   "comments refused in a request", registry=self.registry)
        self.flagged = Counter("botcomments_comments_flagged_total",
                               "comments with is_bot true (first verdicts)",
                               registry=self.registry)
        self.rooms = Gauge("botcomments_rooms_open", "live rooms held", registry=self.registry)
        self.latency = Histogram("botcomments_request_seconds", "request latency",
                                 ("endpoint",), registry=self.registry)
        self.rounds = Histogram("botcomments_feed_round_seconds",
                                "time to feed one round of waiting live requests",
                                registry=self.registry)
        self.round_comments = Counter("botcomments_feed_round_comments_total",
                                      "comments fed in live rounds", registry=self.registry)


class _BodyLimit:
    """ASGI middleware: 413 for a body over the limit (declared or actually sent).

    The body is read here, at most ``max_bytes`` of it, and handed on whole.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(self.max_bytes)(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > self.max_bytes:
                await _too_large(self.max_bytes)(scope, receive, send)
                return
        handed = False

        async def replay() -> Message:
            nonlocal handed
            if handed:
                return await receive()
            handed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(status_code=413, content={
        "detail": f"request body is larger than {limit} bytes; send fewer comments per "
                  "request"})


def parse_items(items: list[Any], room_id: str | None
                ) -> tuple[list[tuple[int, Comment]], list[dict[str, Any]]]:
    """Validate request items one by one, as the JSON-lines reader does.

    Args:
        items: The request's ``comments``.
        room_id: Room every item belongs to (the path's), or None (items name theirs;
            default ``"api"``).

    Returns:
        ``(accepted, errors)``: ``(index, comment)`` pairs and ``{"index", "reason",
        "detail"}`` entries.
    """
    accepted: list[tuple[int, Comment]] = []
    errors: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": i, "reason": "not_an_object",
                           "detail": f"got a JSON {type(item).__name__}"})
            continue
        try:
            comment, _ = comment_from_mapping(item, {}, default_room=room_id or "api",
                                              default_platform="api")
        except (RecordError, ValueError, TypeError) as exc:
            reason = exc.reason if isinstance(exc, RecordError) else "invalid_value"
            detail = exc.detail if isinstance(exc, RecordError) else str(exc)
            errors.append({"index": i, "reason": reason, "detail": detail})
            continue
        if room_id is not None and comment.room_id != room_id:
            errors.append({"index": i, "reason": "wrong_room",
                           "detail": f"room_id {comment.room_id!r} in a request for room "
                                     f"{room_id!r}; post it to its own room"})
            continue
        accepted.append((i, comment))
    return accepted, errors


class FeedBatcher:
    """Feeds a monitor from one worker thread, taking every waiting request at once.

    Under load many requests wait for the scorer; scoring each room once per round for
    all of them instead of once per request keeps the work per comment flat as clients
    are added. Each request gets its comments' first verdicts; revisions of earlier
    comments go to the first request of their room in the round.

    Args:
        monitor: The live sessions.
        lock: Held while the monitor works (other endpoints read it).
        on_fed: Called after each round with its comments and seconds (metrics).
    """

    def __init__(self, monitor: RoomMonitor, lock: threading.Lock,
                 on_fed: Callable[[int, float], None] = lambda n, s: None) -> None:
        self.monitor = monitor
        self.lock = lock
        self.on_fed = on_fed
        self._inbox: queue.Queue[tuple[list[Comment], Future[FeedResult]]] = queue.Queue()
        threading.Thread(target=self._run, name="botcomments-feed", daemon=True).start()

    def submit(self, comments: list[Comment]) -> Future[FeedResult]:
        """Queue one request's comments.

        Args:
            comments: Validated comments.

        Returns:
            A future of this request's share of the round's events.
        """
        future: Future[FeedResult] = Future()
        self._inbox.put((comments, future))
        return future

    def _run(self) -> None:
        while True:
            waiting = [self._inbox.get()]
            while True:
                try:
                    waiting.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            started = time.perf_counter()
            batch = [c for comments, _ in waiting for c in comments]
            try:
                with self.lock:
                    out = self.monitor.feed(batch)
                self.on_fed(len(batch), time.perf_counter() - started)
            except Exception as exc:  # each waiting request gets the error
                for _, future in waiting:
                    future.set_exception(exc)
                continue
            for (_, future), share in zip(waiting, self._split(waiting, out), strict=True):
                future.set_result(share)

    @staticmethod
    def _split(waiting: list[tuple[list[Comment], Future[FeedResult]]], out: FeedResult
               ) -> list[FeedResult]:
        owner: dict[int, int] = {}
        room_owner: dict[str, int] = {}
        for k, (comments, _) in enumerate(waiting):
            for c in comments:
                owner[id(c)] = k
                room_owner.setdefault(c.room_id, k)
        shares = [FeedResult() for _ in waiting]
        for event in out.events:
            k = owner.get(id(event.comment), -1) if event.comment is not None else -1
            if k < 0:
                k = room_owner.get(event.room_id, 0)
            shares[k].events.append(event)
        shares[0].closed.extend(out.closed)
        return shares


def create_app(scorer: Scorer, settings: ServiceSettings | None = None) -> FastAPI:
    """Build the app around one loaded scorer.

    Args:
        scorer: The scorer (loaded once, shared by every request).
        settings: Limits and token.

    Returns:
        The FastAPI app (run it with uvicorn).
    """
    settings = settings or ServiceSettings()
    metrics = _Metrics()
    monitor = RoomMonitor(scorer, MonitorSettings(max_rooms=settings.max_rooms))
    lock = threading.Lock()
    app = FastAPI(title="botcomments", version=__version__,
                  description="Bot comments in Chinese live-stream chat: verdicts per "
                              "comment, authenticity per room.")
    app.add_middleware(_BodyLimit, max_bytes=settings.max_body_bytes)

    def authorised(request: Request) -> None:
        if settings.token is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {settings.token}".encode()):
            raise HTTPException(401, "missing or wrong bearer token "
                                     "(send Authorization: Bearer TOKEN)")

    def check_size(body: CommentsIn) -> None:
        if len(body.comments) > settings.max_comments:
            raise HTTPException(413, f"{len(body.comments)} comments in one request; the "
                                     f"limit is {settings.max_comments}")

    @app.middleware("http")
    async def count(request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        endpoint = getattr(route, "path", "unmatched")
        metrics.requests.labels(endpoint, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(time.perf_counter() - started)
        return response

    def score_batch(comments: list[Comment]) -> Any:
        with lock:
            return scorer.score(comments)

    @app.post("/v1/score", dependencies=[Depends(authorised)])
    async def score(body: CommentsIn) -> JSONResponse:
        """Score a batch: verdicts, room reports, per-item errors."""
        check_size(body)
        accepted, errors = parse_items(body.comments, None)
        metrics.item_errors.inc(len(errors))
        result = await run_in_threadpool(score_batch, [c for _, c in accepted])
        metrics.comments.inc(len(accepted))
        metrics.flagged.inc(sum(v.is_bot for v in result.verdicts))
        verdicts = [{"index": i, "room_id": c.room_id, "msg_id": c.msg_id, **v.to_dict()}
                    for (i, c), v in zip(accepted, result.verdicts, strict=True)]
        return JSONResponse({"verdicts": verdicts,
                             "rooms": [r.to_dict() for r in result.rooms], "errors": errors})

    def fed(n_comments: int, seconds: float) -> None:
        metrics.rooms.set(len(monitor.rooms))
        metrics.rounds.observe(seconds)
        metrics.round_comments.inc(n_comments)

    batcher = FeedBatcher(monitor, lock, on_fed=fed)

    @app.post("/v1/rooms/{room_id}/comments", dependencies=[Depends(authorised)])
    async def stream_into_room(room_id: str, body: CommentsIn) -> JSONResponse:
        """Stream comments into a live room: first verdicts and revisions."""
        check_size(body)
        accepted, errors = parse_items(body.comments, room_id)
        metrics.item_errors.inc(len(errors))
        out = await asyncio.wrap_future(batcher.submit([c for _, c in accepted]))
        metrics.comments.inc(len(accepted))
        metrics.flagged.inc(sum(e.verdict.is_bot for e in out.events if e.revision == 0))
        return JSONResponse({"events": [e.to_dict() for e in out.events],
                             "closed_rooms": [r.room_id for r in out.closed],
                             "errors": errors})

    def room_or_404(room_id: str) -> Any:
        with lock:
            if room_id not in monitor.rooms:
                raise HTTPException(404, f"room {room_id!r} is not open here; post its "
                                         "comments to /v1/rooms/{room_id}/comments first")
            return monitor.report(room_id)

    @app.get("/v1/rooms/{room_id}", dependencies=[Depends(authorised)])
    async def room(room_id: str) -> JSONResponse:
        """A live room's current report."""
        report = await run_in_threadpool(room_or_404, room_id)
        return JSONResponse(report.to_dict())

    def close(room_id: str) -> Any:
        with lock:
            if room_id not in monitor.rooms:
                raise HTTPException(404, f"room {room_id!r} is not open here")
            out = monitor.close_room(room_id)
            metrics.rooms.set(len(monitor.rooms))
            return out

    @app.delete("/v1/rooms/{room_id}", dependencies=[Depends(authorised)])
    async def close_room(room_id: str) -> JSONResponse:
        """Close a live room: final verdicts and its final report."""
        result, report = await run_in_threadpool(close, room_id)
        return JSONResponse({"events": [e.to_dict() for e in result.events],
                             "room": report.to_dict()})

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        """Liveness: the model is loaded and the service answers."""
        return {"status": "ok", "mode": scorer.mode, "threshold": scorer.threshold,
                "rooms_open": len(monitor.rooms), "version": __version__}

    @app.get("/metrics")
    async def prometheus() -> PlainTextResponse:
        """Prometheus metrics (text exposition format)."""
        return PlainTextResponse(generate_latest(metrics.registry),
                                 media_type=CONTENT_TYPE_LATEST)

    return app
