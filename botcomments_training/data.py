"""Load labeled comments from JSONL / CSV / Parquet through ``datasets``.

Labels may be 0/1 (ints, strings or booleans) or names: human/genuine/real/normal/ham/
organic → 0, bot/spam/fake/water_army/shill → 1. Rows with a missing text or an
unknown label are skipped with a warning that names the row and the fix; a file in
which no row is usable is an error.

Example:
    >>> parse_label("bot"), parse_label("0"), parse_label(True)
    (1, 0, 1)
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LABEL_ALIASES: dict[str, int] = {
    **dict.fromkeys(("0", "human", "genuine", "real", "normal", "ham", "organic", "false",
                     "no", "n", "否", "不是", "真人", "真实", "正常", "人工", "用户", "非机器人"),
                    0),
    **dict.fromkeys(("1", "bot", "spam", "fake", "water_army", "shill", "true", "yes", "y",
                     "是", "机器人", "水军", "机器", "虚假", "刷屏", "广告", "僵尸粉", "假"), 1),
}
"""Accepted label spellings (lower-cased) and their ids. 是/否 and yes/no read as answers
to "is it a bot?" (an ``is_bot`` column): 是 = bot."""

FORMATS: dict[str, str] = {
    ".jsonl": "json",
    ".json": "json",
    ".ndjson": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass
class LabeledData:
    """Texts with 0/1 labels and optional group keys (rooms) and extra columns.

    Args:
        texts: Raw comment texts.
        labels: 0 (human) / 1 (bot) per text.
        rooms: Room id per text, or None when unknown.
        extra: Other columns, one list per column, aligned with ``texts``.

    Raises:
        ValueError: If the lists have different lengths.
    """

    texts: list[str]
    labels: list[int]
    rooms: list[str | None] = field(default_factory=list)
    extra: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.rooms:
            self.rooms = [None] * len(self.texts)
        lengths = {len(self.texts), len(self.labels), len(self.rooms)}
        lengths |= {len(v) for v in self.extra.values()}
        if len(lengths) != 1:
            raise ValueError(f"texts, labels, rooms and extra columns differ in length: {lengths}")

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, indices: Sequence[int]) -> LabeledData:
        """Return the rows at ``indices``.

        Args:
            indices: Row indices.

        Returns:
            A new LabeledData.
        """
        return LabeledData(
            texts=[self.texts[i] for i in indices],
            labels=[self.labels[i] for i in indices],
            rooms=[self.rooms[i] for i in indices],
            extra={k: [v[i] for i in indices] for k, v in self.extra.items()},
        )

    @staticmethod
    def concat(parts: Sequence[LabeledData]) -> LabeledData:
        """Concatenate datasets (extra columns missing in a part become None).

        Args:
            parts: Datasets.

        Returns:
            One dataset.
        """
        keys = sorted({k for p in parts for k in p.extra})
        return LabeledData(
            texts=[t for p in parts for t in p.texts],
            labels=[y for p in parts for y in p.labels],
            rooms=[r for p in parts for r in p.rooms],
            extra={k: [x for p in parts for x in p.extra.get(k, [None] * len(p))] for k in keys},
        )


def parse_label(value: Any) -> int:
    """Turn a label cell into 0 or 1.

    Args:
        value: Cell value (int, bool, float 0.0/1.0 or string).

    Returns:
        0 or 1.

    Raises:
        ValueError: If the value is not a known label.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    key = str(value).strip().lower()
    if key in LABEL_ALIASES:
        return LABEL_ALIASES[key]
    raise ValueError(
        f"label {value!r} is not 0/1 or one of {sorted(LABEL_ALIASES)}; "
        "map the right column with --map label=COLUMN or recode it"
    )


FIELD_ALIASES: dict[str, str] = {"room_id": "room"}
"""``--map`` names accepted for a field (``score`` says ``room_id=``, so ``train`` does too)."""


def parse_mapping(spec: str | None) -> dict[str, str]:
    """Parse ``--map text=content,label=is_bot,room=room_id``.

    Args:
        spec: Comma-separated ``field=column`` pairs (None = identity).

    Returns:
        Mapping from our field name (text, label, room) to the file's column name.

    Raises:
        ValueError: On a malformed pair or an unknown field.
    """
    mapping = {"text": "text", "label": "label", "room": "room_id"}
    if not spec:
        return mapping
    for pair in spec.replace("，", ",").split(","):
        name, sep, column = pair.partition("=")
        field = FIELD_ALIASES.get(name.strip(), name.strip())
        if not sep or not column.strip():
            raise ValueError(f"--map item {pair!r} must look like text=COLUMN")
        if field not in mapping:
            raise ValueError(f"--map field {name!r} unknown; use text=, label= or room_id=")
        mapping[field] = column.strip()
    return mapping


DATA_MODULES: tuple[str, ...] = ("datasets",)
"""Modules :func:`load_table` imports when it runs (the ``train`` extra): a command's import
guard imports them first, so a missing extra is its install hint, not a traceback."""


def require_data_modules() -> None:
    """Import what reading data files needs, so a missing extra shows before any work.

    Raises:
        ImportError: When one is not installed (``pip install 'botcomments[train]'``).
    """
    for name in DATA_MODULES:
        importlib.import_module(name)


def load_table(path: Path | str) -> list[dict[str, Any]]:
    """Read every row of a JSONL / CSV / Parquet file with ``datasets``.

    Args:
        path: Data file.

    Returns:
        Rows as dicts.

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: On an unsupported extension.
    """
    import datasets

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file {path} does not exist")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot read {path}: use a .jsonl, .csv or .parquet file")
    datasets.disable_progress_bars()
    ds = datasets.load_dataset(fmt, data_files=str(path), split="train")
    return list(ds.to_list())


def load_labeled(path: Path | str, mapping: dict[str, str] | None = None) -> LabeledData:
    """Load a labeled file into :class:`LabeledData`.

    Args:
        path: JSONL / CSV / Parquet file.
        mapping: Output of :func:`parse_mapping` (default: text, label, room_id columns).

    Returns:
        The usable rows; other columns go to ``extra``.

    Raises:
        ValueError: If a mapped column is missing or no row is usable.
    """
    mapping = mapping or parse_mapping(None)
    rows = load_table(path)
    columns = set(rows[0]) if rows else set()
    for name in ("text", "label"):
        if rows and mapping[name] not in columns:
            raise ValueError(
                f"{path} has no column {mapping[name]!r} for {name}; columns are "
                f"{sorted(columns)}; pass --map {name}=COLUMN"
            )
    has_room = mapping["room"] in columns
    kept: list[dict[str, Any]] = []
    labels: list[int] = []
    problems: list[str] = []
    for i, row in enumerate(rows):
        text = row.get(mapping["text"])
        try:
            if not isinstance(text, str):
                raise ValueError(f"text is {text!r}; fill it in or drop the row")
            labels.append(parse_label(row.get(mapping["label"])))
        except ValueError as exc:
            problems.append(f"row {i + 1}: {exc}")
            continue
        kept.append(row)
    if problems:
        logger.warning(
            "%s: skipped %d of %d rows; first: %s", path, len(problems), len(rows), problems[:3]
        )
    if not kept:
        raise ValueError(f"{path} has no usable labeled rows ({len(rows)} rows read)")
    used = {mapping["text"], mapping["label"], mapping["room"]}
    return LabeledData(
        texts=[r[mapping["text"]] for r in kept],
        labels=labels,
        rooms=[None if r.get(mapping["room"]) is None else str(r[mapping["room"]]) for r in kept]
        if has_room
        else [],
        extra={c: [r.get(c) for r in kept] for c in sorted(columns - used)},
    )
