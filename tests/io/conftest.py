"""Fixtures for the reader tests: the hand-written format fixtures and small helpers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from botcomments.io import ReadStats, open_comments
from botcomments.records import Comment

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Directory of the hand-written format fixtures."""
    return FIXTURES


@pytest.fixture(scope="session")
def parquet_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """chat.jsonl converted to Parquet, with small row groups so batching is exercised."""
    rows = [json.loads(line) for line in (FIXTURES / "chat.jsonl").read_text("utf-8").splitlines()]
    for row in rows:
        row["ts"] = str(row["ts"])  # one column type for the mixed units
    path = tmp_path_factory.mktemp("pq") / "chat.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=7)
    return path


ReadAll = Callable[..., tuple[list[Comment], ReadStats]]


def _read_all(path: Path | list[Path], **kwargs: Any) -> tuple[list[Comment], ReadStats]:
    stream = open_comments(path, **kwargs)
    comments = list(stream)
    return comments, stream.stats


def _assert_identity(stats: ReadStats) -> None:
    assert stats.read == stats.accepted + stats.rejected + stats.skipped + stats.events
    for fs in stats.files.values():
        assert fs.read == fs.accepted + fs.rejected + fs.skipped + fs.events
    assert stats.read == sum(fs.read for fs in stats.files.values())
    assert stats.events_by_kind == sum((fs.events_by_kind for fs in stats.files.values()),
                                       Counter())


@pytest.fixture(scope="session")
def read_all() -> ReadAll:
    """``read_all(path, **open_comments_kwargs) -> (comments, stats)``."""
    return _read_all


@pytest.fixture(scope="session")
def assert_identity() -> Callable[[ReadStats], None]:
    """Assert read = accepted + rejected + skipped + events, overall and per file."""
    return _assert_identity


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write bytes to ``tmp_path/name`` and return the path."""

    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
