"""Loading labeled files: formats, column mapping, label spellings, bad rows."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from botcomments_training.data import load_labeled, parse_label, parse_mapping
from tests.helpers.training_synth import write_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (1, 1),
        (True, 1),
        (1.0, 1),
        ("0", 0),
        ("bot", 1),
        ("Human", 0),
        (" genuine ", 0),
        ("spam", 1),
        ("water_army", 1),
    ],
    ids=[
        "int0",
        "int1",
        "bool",
        "float",
        "str0",
        "bot",
        "Human",
        "genuine-spaces",
        "spam",
        "water-army",
    ],
)
def test_parse_label_accepts_ids_and_names(value: object, expected: int) -> None:
    assert parse_label(value) == expected


@pytest.mark.parametrize("value", [2, "maybe", None, 0.5], ids=["two", "maybe", "none", "half"])
def test_parse_label_rejects_with_fix(value: object) -> None:
    with pytest.raises(ValueError, match="--map label="):
        parse_label(value)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_load_every_format(rows: list[dict[str, object]], tmp_path: Path, suffix: str) -> None:
    data = load_labeled(write_rows(rows, tmp_path / f"d{suffix}"))
    assert data.texts == [r["text"] for r in rows]
    assert data.labels == [r["label"] for r in rows]
    assert data.rooms[0] == "r0"


def test_column_mapping_and_label_names(tmp_path: Path) -> None:
    rows = [
        {"content": "主播好美", "y": "human", "rid": 7},
        {"content": "加V", "y": "bot", "rid": 8},
    ]
    mapping = parse_mapping("text=content,label=y,room=rid")
    data = load_labeled(write_rows(rows, tmp_path / "m.jsonl"), mapping)
    assert (data.texts, data.labels, data.rooms) == (["主播好美", "加V"], [0, 1], ["7", "8"])


def test_bad_rows_skipped_with_warning_naming_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [{"text": "好", "label": 0}, {"text": None, "label": 1}, {"text": "x", "label": "?"}]
    with caplog.at_level(logging.WARNING):
        data = load_labeled(write_rows(rows, tmp_path / "b.jsonl"))
    assert data.texts == ["好"]
    assert "skipped 2 of 3" in caplog.text and "row 2" in caplog.text


def test_missing_column_names_the_fix(tmp_path: Path) -> None:
    path = write_rows([{"content": "好", "label": 0}], tmp_path / "c.jsonl")
    with pytest.raises(ValueError, match="--map text=COLUMN"):
        load_labeled(path)


@pytest.mark.parametrize("spec", ["text", "colour=x", "text="], ids=["no-eq", "unknown", "empty"])
def test_bad_mapping_rejected(spec: str) -> None:
    with pytest.raises(ValueError, match="--map"):
        parse_mapping(spec)
