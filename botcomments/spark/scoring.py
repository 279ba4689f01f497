"""Executor side of the Spark job: the text stage and the shard stage.

- **Text stage** (:func:`score_texts`): the text model scores each distinct normal form
  once, wherever it occurs in the archive (chat repeats many lines). The model reads a
  comment's normal form and pads each text to a length of its own, so these are the
  scores ``botcomments score`` computes up to the precision's batch effect (<= 3e-7 in
  fp32, none in bf16, whose batches are padded to a multiple of 32 rows).
- **Shard stage** (:func:`score_shards`): the rooms of one shard, in input order, through
  one :class:`~botcomments.scoring.pipeline.Scorer` whose detectors carry their cross-room
  memory from room to room, exactly as one ``botcomments score`` run over those rooms
  does; the text scores come from the text stage through :class:`LookupTextModel`.

Each Python worker builds its scorer and text model once (:func:`cached_scorer`,
:func:`cached_text_model`) and keeps them for the tasks it runs.
"""

from __future__ import annotations

import itertools
import json
import pickle
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from botcomments.records import Comment
from botcomments.scoring.outputs import COMMENTS_PARQUET_SCHEMA, comment_record, parquet_row
from botcomments.text.normalize import NORMALIZER_VERSION

if TYPE_CHECKING:
    from botcomments.model.classifier import BotCommentClassifier
    from botcomments.model.settings import ModelSettings
    from botcomments.scoring.pipeline import Scorer
    from botcomments.scoring.types import RoomReport

TEXT_SCORE_SCHEMA = pa.schema([("norm", pa.string()), ("text_score", pa.float64())])
"""Output of the text stage: one row per distinct normal form."""

SHARD_INPUT_COLUMNS = ("shard", "room_rank", "file_index", "record", "payload", "text_score")
"""Columns the shard stage reads, sorted by the first four."""

COMMENT_ROW, ROOM_ROW = "comment", "room"

SCORED_SCHEMA = pa.schema([
    ("row_kind", pa.string()),
    ("shard", pa.int32()),
    ("input_file_index", pa.int32()),
    ("input_record", pa.int64()),
    *COMMENTS_PARQUET_SCHEMA,
    ("authenticity_ratio", pa.float64()),
    ("genuine_user_ratio", pa.float64()),
    ("n_comments", pa.int64()),
    ("n_users", pa.int64()),
    ("room", pa.string()),
])
"""Output of the shard stage: comment rows (the ``comments.parquet`` columns plus their
input position) and room rows (headline figures plus the whole ``rooms.json`` entry as
JSON in ``room``), told apart by ``row_kind``."""

ROWS_PER_BATCH = 4096


@dataclass(frozen=True)
class ScorerSpec:
    """What every executor builds its scorer from (picklable, shipped with the tasks).

    Args:
        model_dir: Model folder (None: rule-only scoring).
        model_shipped: The folder was shipped with ``SparkContext.addFile``: executors
            read their copy (``SparkFiles``) instead of ``model_dir``.
        threshold: Decision threshold (None: the combiner's).
        precision: Text-model precision (None: the host's default).
        text_threads: Torch threads per Python worker (Spark runs one worker per core).
        batch_size: Texts per forward pass.
        max_slice: Comments of one room scored at once (``Scorer.max_slice``).
        max_buffer: Comments buffered across rooms (``Scorer.max_buffer``).
    """

    model_dir: str | None = None
    model_shipped: bool = False
    threshold: float | None = None
    precision: str | None = None
    text_threads: int = 1
    batch_size: int = 128
    max_slice: int = 100_000
    max_buffer: int = 200_000

    def local_model_dir(self) -> Path:
        """The model folder as this process can read it.

        Returns:
            The executor's shipped copy, or ``model_dir`` itself.

        Raises:
            FileNotFoundError: If the folder is not there.
        """
        if self.model_dir is None:
            raise FileNotFoundError("rule-only spec: no model folder")
        folder = Path(self.model_dir)
        if self.model_shipped:
            from pyspark import SparkFiles

            folder = Path(SparkFiles.get(folder.name))
        if not folder.is_dir():
            raise FileNotFoundError(
                f"model folder {folder} not found on this machine; ship it with "
                "SparkContext.addFile (spark-score does) or put it on shared storage")
        return folder


class LookupTextModel:
    """A text model that answers with scores computed earlier (by the text stage).

    The scorer asks for the first raw text of each normal form it has not scored yet;
    :meth:`remember` is called for every comment as it enters the scorer, and the
    scorer holds at most ``Scorer.max_buffer`` comments (plus one slice) before it
    scores them, so a bounded store of recent texts answers every question.

    Args:
        threshold: The real model's decision threshold (its ``text`` flag).
        capacity: Distinct recent texts remembered.
        normalizer_version: The real model's normaliser version (the scorer normalises
            with it, as it does for the model itself).
    """

    def __init__(self, threshold: float, capacity: int,
                 normalizer_version: str = NORMALIZER_VERSION) -> None:
        self._threshold = float(threshold)
        self.capacity = capacity
        self.normalizer_version = normalizer_version
        self._scores: OrderedDict[str, float] = OrderedDict()

    @property
    def threshold(self) -> float:
        """The real model's decision threshold."""
        return self._threshold

    def remember(self, text: str, score: float) -> None:
        """Store the score of a text about to be scored."""
        scores = self._scores
        scores[text] = score
        scores.move_to_end(text)
        if len(scores) > self.capacity:
            scores.popitem(last=False)

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Stored scores of ``texts``.

        Raises:
            KeyError: If a text was never remembered (or long forgotten): a bug.
        """
        try:
            return np.array([self._scores[t] for t in texts], dtype=np.float64)
        except KeyError as exc:
            raise KeyError(f"no text-stage score for {exc.args[0]!r} (bug: the lookup "
                           "store is smaller than the scorer's buffer)") from None

    def clear(self) -> None:
        """Forget every stored score."""
        self._scores.clear()


_TEXT_MODELS: dict[ScorerSpec, BotCommentClassifier] = {}
_SCORERS: dict[ScorerSpec, tuple[Scorer, LookupTextModel | None]] = {}


def cached_text_model(spec: ScorerSpec) -> BotCommentClassifier:
    """This worker's text model for ``spec`` (loaded on first use).

    Args:
        spec: The job's scorer spec (with a model folder).

    Returns:
        The classifier.
    """
    model = _TEXT_MODELS.get(spec)
    if model is None:
        import torch

        from botcomments.model.classifier import BotCommentClassifier

        torch.set_num_threads(spec.text_threads)
        model = BotCommentClassifier.from_pretrained(
            spec.local_model_dir(), device="cpu", batch_size=spec.batch_size,
            precision=spec.precision)
        _TEXT_MODELS[spec] = model
    return model


def model_settings(model_dir: Path) -> ModelSettings:
    """The text model's settings (threshold, normaliser version), read without loading its
    weights.

    Args:
        model_dir: Model folder.

    Returns:
        The settings saved in ``botcomments.json`` (defaults without one).
    """
    from botcomments.model.settings import ModelSettings

    return ModelSettings.load(model_dir) or ModelSettings(normalizer_version=NORMALIZER_VERSION)


def cached_scorer(spec: ScorerSpec) -> tuple[Scorer, LookupTextModel | None]:
    """This worker's scorer for ``spec`` and the lookup store feeding its text scores.

    Args:
        spec: The job's scorer spec.

    Returns:
        ``(scorer, lookup)``; ``lookup`` is None for rule-only scoring.
    """
    cached = _SCORERS.get(spec)
    if cached is None:
        from botcomments.fusion.learned import LearnedFusion
        from botcomments.scoring.pipeline import Scorer

        if spec.model_dir is None:
            cached = (Scorer.rule_only(threshold=spec.threshold, max_slice=spec.max_slice,
                                       max_buffer=spec.max_buffer), None)
        else:
            folder = spec.local_model_dir()
            settings = model_settings(folder)
            lookup = LookupTextModel(settings.threshold,
                                     capacity=2 * (spec.max_buffer + spec.max_slice),
                                     normalizer_version=settings.normalizer_version)
            scorer = Scorer(LearnedFusion.load(folder), text_model=lookup,
                            threshold=spec.threshold, max_slice=spec.max_slice,
                            max_buffer=spec.max_buffer)
            cached = (scorer, lookup)
        _SCORERS[spec] = cached
    return cached


def score_texts(batches: Iterable[pa.RecordBatch], spec: ScorerSpec
                ) -> Iterator[pa.RecordBatch]:
    """The text stage (``mapInArrow`` body): one text-model score per normal form.

    Args:
        batches: Record batches with ``norm`` and ``text`` (a raw text of that form).
        spec: The job's scorer spec.

    Yields:
        Record batches of :data:`TEXT_SCORE_SCHEMA`.
    """
    model = cached_text_model(spec)
    for batch in batches:
        if batch.num_rows == 0:
            continue
        scores = model.bot_scores(batch.column("text").to_pylist())
        yield pa.RecordBatch.from_arrays(
            [batch.column("norm"), pa.array(np.asarray(scores, dtype=np.float64))],
            schema=TEXT_SCORE_SCHEMA)


def score_shards(batches: Iterable[pa.RecordBatch], spec: ScorerSpec
                 ) -> Iterator[pa.RecordBatch]:
    """The shard stage (``mapInArrow`` body): score every shard of a sorted partition.

    Args:
        batches: Record batches with :data:`SHARD_INPUT_COLUMNS`, sorted by shard, room
            rank, file index and record (a partition may hold several shards).
        spec: The job's scorer spec.

    Yields:
        Record batches of :data:`SCORED_SCHEMA`.
    """
    scorer, lookup = cached_scorer(spec)
    rows = (row for batch in batches for row in batch.to_pylist())
    out = _ScoredRows()
    for shard, shard_rows in itertools.groupby(rows, key=lambda r: r["shard"]):
        if lookup is not None:
            lookup.clear()
        positions: deque[tuple[int, int]] = deque()
        run = scorer.stream(_comments(shard_rows, positions, lookup))
        for comment, verdict in run:
            file_index, record = positions.popleft()
            out.add_comment(shard, file_index, record,
                            parquet_row(comment, comment_record(comment, verdict)))
            if len(out) >= ROWS_PER_BATCH:
                yield out.take()
        for room in run.rooms:
            out.add_room(shard, room)
    if len(out):
        yield out.take()


def _comments(rows: Iterable[dict[str, Any]], positions: deque[tuple[int, int]],
              lookup: LookupTextModel | None) -> Iterator[Comment]:
    """Unpickle the comments of sorted shard rows, noting positions and text scores."""
    for row in rows:
        comment: Comment = pickle.loads(row["payload"])
        positions.append((row["file_index"], row["record"]))
        if lookup is not None:
            lookup.remember(comment.text, row["text_score"])
        yield comment


class _ScoredRows:
    """Collects shard-stage output rows and cuts them into record batches."""

    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def add_comment(self, shard: int, file_index: int, record: int,
                    row: dict[str, Any]) -> None:
        self._rows.append({"row_kind": COMMENT_ROW, "shard": shard,
                           "input_file_index": file_index, "input_record": record, **row})

    def add_room(self, shard: int, room: RoomReport) -> None:
        entry = room.to_dict()
        self._rows.append({
            "row_kind": ROOM_ROW, "shard": shard, "room_id": room.room_id,
            "authenticity_ratio": room.authenticity_ratio,
            "genuine_user_ratio": room.genuine_user_ratio,
            "n_comments": room.n_comments, "n_users": room.n_users,
            "room": json.dumps(entry, ensure_ascii=False, default=str),
        })

    def take(self) -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pylist(self._rows, schema=SCORED_SCHEMA)
        self._rows = []
        return batch
