"""Synthetic labeled chat rows for the training tests (imported by conftest and tests)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HUMAN = ["主播好美", "哈哈哈", "666", "晚安", "这个多少钱", "唱得真好听", "扣1", "太好笑了吧"]
BOT = ["加V看主页{}", "已拍{}单，质量很好", "主播好美！{}号", "点关注不迷路{}"]


def make_rows(n_rooms: int = 12, per_room: int = 20, seed: int = 0) -> list[dict[str, object]]:
    """Synthetic rows: human lines and slot-filled bot templates across rooms."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for room in range(n_rooms):
        for _ in range(per_room):
            if rng.random() < 0.5:
                text, label = rng.choice(HUMAN) + rng.choice(["", "!", "~"]), 0
            else:
                text, label = rng.choice(BOT).format(rng.randint(1, 999)), 1
            rows.append({"text": text, "label": label, "room_id": f"r{room}"})
    return rows


def write_rows(rows: list[dict[str, object]], path: Path) -> Path:
    """Write rows as JSONL, CSV or Parquet by extension."""
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    elif path.suffix == ".csv":
        pacsv.write_csv(pa.Table.from_pylist(rows), path)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    return path
