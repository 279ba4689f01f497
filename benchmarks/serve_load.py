"""Load on the HTTP service: many concurrent clients streaming comments into live rooms.

Starts ``botcomments serve`` in a subprocess (its own interpreter, so the clients do not
share its GIL), then N clients (asyncio + httpx, in this process) each post their
comments in small batches to one of R rooms at once.
Prints errors, per-request latency (p50 / p99) and comments/s, for the issue's setting of
500 clients over 50 rooms.

Run (docs/live.md has the figures):
    python benchmarks/serve_load.py --model models/default
    python benchmarks/serve_load.py --no-model --clients 500 --rooms 50
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from botcomments.simulate import SimulationConfig, simulate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    """``botcomments serve`` on a free port; returns once /healthz answers."""
    port = free_port()
    model = ["--no-model"] if args.no_model else ["--model", str(args.model)]
    cmd = [sys.executable, "-c", "import sys; from botcomments.cli import main; "
           "sys.exit(main(sys.argv[1:]))", "serve", "--port", str(port), *model,
           "--threads", str(args.threads)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def round_stats(metrics: str) -> dict[str, float]:
    """Feed rounds, their total seconds and comments, from the Prometheus text."""
    out = {"n": 0.0, "seconds": 0.0, "comments": 0.0}
    names = {"botcomments_feed_round_seconds_count": "n",
             "botcomments_feed_round_seconds_sum": "seconds",
             "botcomments_feed_round_comments_total": "comments"}
    for line in metrics.splitlines():
        name, _, value = line.partition(" ")
        if name in names:
            out[names[name]] = float(value)
    return out


async def client(base: str, room: str, rows: list[dict], batch: int,
                 latencies: list[float], errors: list[str]) -> int:
    """One client: its own connection (a pool shared by 500 clients costs the client
    process more CPU than the server spends scoring), posting its rows in batches."""
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=600) as http:
        for start in range(0, len(rows), batch):
            t0 = time.perf_counter()
            try:
                r = await http.post(f"/v1/rooms/{room}/comments",
                                    json={"comments": rows[start:start + batch]})
                if r.status_code != 200 or r.json()["errors"]:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - t0)
            sent += len(rows[start:start + batch])
    return sent


async def load(base: str, per_client: list[tuple[str, list[dict]]], batch: int
               ) -> tuple[int, list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    sent = await asyncio.gather(*(client(base, room, rows, batch, latencies, errors)
                                  for room, rows in per_client))
    return sum(sent), latencies, errors, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=Path("models/default"))
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--clients", type=int, default=500)
    ap.add_argument("--rooms", type=int, default=50)
    ap.add_argument("--per-client", type=int, default=40, help="comments each client sends")
    ap.add_argument("--batch", type=int, default=10, help="comments per request")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="server's torch threads")
    args = ap.parse_args()
    need = args.clients * args.per_client
    config = SimulationConfig(room_size=(need // args.rooms + 50, need // args.rooms + 100))
    comments = simulate(args.rooms, seed=args.seed, config=config).comments
    by_room: dict[str, list[dict]] = {}
    for i, c in enumerate(comments):
        by_room.setdefault(c.room_id, []).append(dict(c.to_dict(), msg_id=f"m{i}"))
    rooms = sorted(by_room)
    per_client = []
    for k in range(args.clients):  # clients of one room share its stream, in time order
        room = rooms[k % len(rooms)]
        share = k // len(rooms)
        rows = by_room[room][share * args.per_client:(share + 1) * args.per_client]
        per_client.append((room, rows))
    server, base = start(args)
    try:
        mode = httpx.get(f"{base}/healthz").json()["mode"]
        cpu0 = time.process_time()
        sent, latencies, errors, wall = asyncio.run(load(base, per_client, args.batch))
        client_cpu = time.process_time() - cpu0
        rounds = round_stats(httpx.get(f"{base}/metrics").text)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lat = np.array(latencies) * 1000
    print(f"mode {mode}; {args.clients} clients, {args.rooms} rooms, "
          f"{args.batch} comments per request")
    print(f"requests {len(latencies)}, errors {len(errors)}, comments {sent}, "
          f"wall {wall:.1f} s, {sent / wall:,.0f} comments/s")
    print(f"latency ms: p50 {np.percentile(lat, 50):.0f}, p90 {np.percentile(lat, 90):.0f}, "
          f"p99 {np.percentile(lat, 99):.0f}, max {lat.max():.0f}")
    print(f"client process CPU {client_cpu:.1f} s")
    print(f"server: {rounds['n']:.0f} feed rounds, {rounds['seconds']:.1f} s feeding "
          f"({rounds['comments'] / max(rounds['n'], 1):.0f} comments per round)")
    for e in errors[:5]:
        print("error:", e)


if __name__ == "__main__":
    main()
