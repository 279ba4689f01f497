"""The scorer: comments in, verdicts (input order) and room reports out.

Stages, each a small function: group the stream into time-ordered room slices
(``grouping``) -> normalise -> run the evidence detectors (+ the text model when one is
loaded) -> assemble named features -> fuse into a calibrated bot score -> verdicts with
flags and evidence -> per-room prevalence estimate (``botcomments.quantify``).

Engine-free: ``Scorer.score`` takes any iterable of ``Comment`` and returns plain
objects; ``Scorer.stream`` yields results in input order with bounded memory, for
archives larger than memory.

Example:
    >>> from botcomments.records import Comment
    >>> scorer = Scorer.rule_only()
    >>> result = scorer.score([Comment(text="主播好美", room_id="r1", ts=1.0, user_id="u")])
    >>> len(result.verdicts), result.rooms[0].room_id
    (1, 'r1')
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from botcomments.detectors.base import (
    BatchGroup,
    Detector,
    DetectorOutput,
    FrozenSurvivors,
    RoomBatch,
    detect_group,
    gc_paused,
)
from botcomments.fusion.combiner import Combiner, Reason
from botcomments.fusion.features import FLAG_EVIDENCE_SOURCE, FeatureTable
from botcomments.fusion.learned import LearnedFusion
from botcomments.fusion.rules import RuleFusion
from botcomments.quantify.rates import ClassifierRates
from botcomments.records import Comment, is_platform_posted
from botcomments.scoring.authenticity import room_reports
from botcomments.scoring.consistency import check_detector_configs, warn_threshold_mismatch
from botcomments.scoring.group_features import assemble_group_features
from botcomments.scoring.grouping import InputOrder, RoomSlice, room_slices, slice_groups
from botcomments.scoring.memory import release_free_memory
from botcomments.scoring.rooms import RoomAccumulator
from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
from botcomments.scoring.types import RoomReport, ScoreResult, Verdict
from botcomments.text.normalize import NORMALIZER_VERSION, NormalizedText, Normalizer

logger = logging.getLogger(__name__)

TEXT_CACHE_SIZE = 200_000
"""Distinct texts whose text-model score is remembered across slices."""

QUIET_ROOM_COMMENTS = 200_000
"""A room none of whose comments came among the stream's last this many is compacted
(:meth:`RoomAccumulator.compact`): archives of thousands of rooms keep ~36 instead of
~79 bytes per comment until the reports are made at the end (60 simulated rooms of
~2,000 comments: 154 -> 70 KB per room, deep size with strings)."""

REPORT_BATCH_COMMENTS = 100_000
"""Rooms are estimated together (``room_reports``) in chunks of about this many comments
(a room larger than that alone): one pass of numpy calls for many small rooms, without
copying a large archive's accumulated arrays all at once."""

TEXT_BATCH_COMMENTS = 1024
"""Consecutive small room slices are gathered up to this many comments and their new
lines scored by the text model in one call (a forward pass per one-comment room cost
~7 ms, most of a small room's time); slices at least this large go on their own."""

RULES_GROUP_COMMENTS = 16_384
"""Without a text model there is no model call to batch; slices are gathered up to this
many comments, so the detectors' and the combiner's per-call numpy work is paid once per
16,384 comments rather than per 1,024 (100,000 one-comment rooms, rules only, CPU time of
``Scorer.score``, median of 4 passes: 3.54 s in groups of 1,024, 3.06 s in groups of
16,384). Verdicts and rooms do not depend on the grouping (``tests/scoring/
test_small_rooms.py``)."""

TEXT_CALL_COMMENTS = 8 * TEXT_BATCH_COMMENTS
"""With a text model, groups are read ahead in windows of at least this many comments and
each window's new lines are scored in one call (see ``_GroupFeed``)."""

Piece = tuple[str, Sequence[Comment], Sequence[NormalizedText] | None]
"""One slice to score: ``(room_id, comments (time-ordered), normal forms or None)``."""


class TextModel(Protocol):
    """What the scorer needs from a text classifier."""

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Bot probability per text, input order."""
        ...

    @property
    def threshold(self) -> float:
        """The model's own decision threshold on its bot probability (``text`` flag)."""
        ...


def default_detectors() -> list[Detector]:
    """Fresh instances of the shipped evidence detectors (dup, tpl, timing).

    Returns:
        The detectors, default configuration.
    """
    from botcomments.detectors.duplicates import NearDuplicateDetector
    from botcomments.detectors.templates import TemplateDetector
    from botcomments.detectors.timing import MachinePostingDetector

    return [NearDuplicateDetector(), TemplateDetector(), MachinePostingDetector()]


@dataclass
class SliceScores:
    """Scores of one room slice, in the slice's (time) order.

    Args:
        extracted: Features of the group of slices it was scored with.
        start: The slice's first row in ``extracted``.
        stop: One past its last row.
        scores: Fused bot score.
        verdicts: One verdict per comment.
    """

    extracted: Extracted
    start: int
    stop: int
    scores: np.ndarray
    verdicts: list[Verdict]

    @property
    def features(self) -> FeatureTable:
        """Named features."""
        table = self.extracted.features
        return FeatureTable(table.names, table.values[self.start:self.stop])

    @property
    def outputs(self) -> list[DetectorOutput]:
        """Raw detector outputs."""
        return [out.rows(self.start, self.stop) for out in self.extracted.outputs]

    @property
    def text_scores(self) -> np.ndarray | None:
        """Text-model score (None without a model)."""
        scores = self.extracted.text_scores
        return None if scores is None else scores[self.start:self.stop]

    @property
    def evidence(self) -> list[dict[str, dict[str, Any]]]:
        """Per-detector evidence per comment (:func:`detector_evidence`)."""
        return self.extracted.evidence[self.start:self.stop]


class _TextCache:
    """Text-model scores of distinct lines, bounded (floods repeat a handful of lines).

    Keyed on the comment's normal form when given: the text model scores the normal form
    (same normaliser version, checked when the model loads), so lines that differ only in
    what the normaliser removes (width, zero-width characters, styled digits, traditional
    characters, ...) share one model call. When the keys are normal forms of the model's
    own normaliser version (``keys_are_model_forms``) and the model takes them
    (``bot_scores_of_normal_forms``), it scores the keys instead of normalising the raw
    texts a second time.
    """

    def __init__(self, model: TextModel, capacity: int = TEXT_CACHE_SIZE,
                 keys_are_model_forms: bool = False) -> None:
        self.model = model
        self.capacity = capacity
        self._cache: dict[str, float] = {}
        self._lock = threading.Lock()
        self._score_forms: Callable[[list[str]], np.ndarray] | None = (
            getattr(model, "bot_scores_of_normal_forms", None) if keys_are_model_forms else None)

    def __call__(self, texts: Sequence[str], keys: Sequence[str] | None = None) -> np.ndarray:
        keys = texts if keys is None else keys
        fresh = self.score_missing(self.missing(texts, keys))
        # answer from both maps first: evicting below must not lose this batch's scores
        cached = self._cache
        out = np.array([fresh[k] if k in fresh else cached[k] for k in keys], dtype=np.float64)
        self.store(fresh)
        return out

    def missing(self, texts: Sequence[str], keys: Sequence[str]) -> dict[str, str]:
        """The keys not cached, each with its first text (input order)."""
        first_text: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._cache:
                first_text.setdefault(key, text)
        return first_text

    def score_missing(self, first_text: dict[str, str]) -> dict[str, float]:
        """Model scores of :meth:`missing`'s lines in one call, not stored. Model calls are
        serialised (a lock): the scorer may run one in a worker thread (see
        :meth:`FeatureExtractor.score_ahead`) while its own thread needs another."""
        if not first_text:
            return {}
        with self._lock:
            scores = np.asarray(self._score_forms(list(first_text)) if self._score_forms
                                else self.model.bot_scores(list(first_text.values())),
                                dtype=np.float64)
        return dict(zip(first_text, scores.tolist(), strict=True))

    def store(self, fresh: dict[str, float]) -> None:
        """Cache fresh scores (all others dropped first when they would not fit)."""
        if len(self._cache) + len(fresh) > self.capacity:
            self._cache.clear()
        if len(fresh) <= self.capacity:
            self._cache.update(fresh)


@dataclass
class Extracted:
    """Features of one or more consecutive time-ordered room slices, rows slice after slice.

    Args:
        features: Named feature table.
        outputs: Raw detector outputs.
        normalized: Normal forms.
        text_scores: Text-model bot probability (None without a model).
        bounds: Row offsets of the slices (one more than slices).
    """

    features: FeatureTable
    outputs: list[DetectorOutput]
    normalized: list[NormalizedText]
    text_scores: np.ndarray | None
    bounds: list[int]

    @functools.cached_property
    def evidence(self) -> list[dict[str, dict[str, Any]]]:
        """Per-detector evidence per comment (:func:`detector_evidence`)."""
        return detector_evidence(self.outputs, len(self.normalized))


class FeatureExtractor:
    """Normalise, run the detectors and the text model, and assemble named features.

    With a text model, the table also holds account- and cluster-level aggregates of the
    text score over the slice (``acct.*``, ``cluster.*``; see
    :func:`botcomments.fusion.features.text_aggregate_features`), using the model's
    ``threshold`` attribute (default 0.5) for ``acct.text_share_above``.
    It always holds the per-account maxima of detector evidence (``acct.max_*``; see
    :func:`botcomments.fusion.features.account_evidence_features`).

    Args:
        detectors: Evidence detectors (default: dup, tpl, timing).
        text_model: Text classifier with ``bot_scores(texts)``, or None.
        normalizer_version: Normaliser version of the features (default: the text
            model's ``normalizer_version`` when it has one, since its combiner was
            fitted on that version's features; else the current version).
    """

    def __init__(
        self, detectors: Sequence[Detector] | None = None, text_model: TextModel | None = None,
        normalizer_version: str | None = None,
    ) -> None:
        self.detectors: list[Detector] = (
            list(detectors) if detectors is not None else default_detectors()
        )
        self.text_model = text_model
        self.text_threshold = float(getattr(text_model, "threshold", 0.5))
        self.normalizer = Normalizer(normalizer_version or str(getattr(
            text_model, "normalizer_version", NORMALIZER_VERSION)))
        model_forms = getattr(text_model, "normalizer_version", None) == self.normalizer.version
        self._text = (_TextCache(text_model, keys_are_model_forms=model_forms)
                      if text_model is not None else None)

    def reset(self) -> None:
        """Forget cross-room detector state."""
        for det in self.detectors:
            det.reset()

    def prepare(self, comments: Sequence[Comment]) -> list[NormalizedText]:
        """Normalise comments and score their new lines with the text model in one call.

        The scores land in the text cache, so slices of these comments extracted next
        need no model call: many small rooms share one forward pass instead of one each.

        Args:
            comments: Comments of one or more upcoming slices.

        Returns:
            Their normal forms, same order (pass each slice's share to :meth:`extract`).
        """
        normalized = self.normalizer.normalize_batch([c.text for c in comments])
        if self._text is not None:
            self._text([c.text for c in comments], [n.text for n in normalized])
        return normalized

    def score_ahead(self, comments: Sequence[Comment], normalized: Sequence[NormalizedText],
                    executor: Executor) -> Callable[[], None]:
        """:meth:`prepare`'s model call, run in ``executor``: the caller works on (the
        previous window) meanwhile, then calls the returned function, which waits for the
        scores and caches them. The scores are those :meth:`prepare` gives (the same
        model call on the same lines), so results do not change.

        Args:
            comments: Comments of one or more upcoming slices.
            normalized: Their normal forms (``self.normalizer.normalize_batch``).
            executor: Where the model call runs (one worker thread).

        Returns:
            The function that finishes the call.
        """
        text = self._text
        if text is None:
            return _nothing
        lines = text.missing([c.text for c in comments], [n.text for n in normalized])
        if not lines:
            return _nothing
        future = executor.submit(text.score_missing, lines)
        return lambda: text.store(future.result())

    @property
    def has_text_model(self) -> bool:
        """Whether a text model scores the comments."""
        return self._text is not None

    def extract(self, room_id: str, comments: Sequence[Comment],
                normalized: Sequence[NormalizedText] | None = None) -> Extracted:
        """Features of one time-ordered slice of one room.

        Args:
            room_id: The room.
            comments: Its comments, time-ordered.
            normalized: Their normal forms when already computed (:meth:`prepare`).

        Returns:
            The extracted features.
        """
        return self.extract_group([(room_id, comments, normalized)])

    def extract_group(self, pieces: Sequence[Piece]) -> Extracted:
        """Features of consecutive slices in one pass, each row as its slice alone gives it.

        The detectors run once over all slices (:func:`~botcomments.detectors.base.
        detect_group`) and the table is assembled once
        (:func:`~botcomments.scoring.group_features.assemble_group_features`): many small
        rooms pay those per-call costs once.

        Args:
            pieces: ``(room_id, comments (time-ordered), normal forms or None)`` per slice.

        Returns:
            The extracted features, slice after slice.
        """
        group = BatchGroup(tuple(
            RoomBatch(room_id, comments, list(normalized) if normalized is not None
                      else self.normalizer.normalize_batch([c.text for c in comments]))
            for room_id, comments, normalized in pieces))
        outputs = [detect_group(det, group) for det in self.detectors]
        comments = [c for batch in group.batches for c in batch.comments]
        normalized = [nt for batch in group.batches for nt in batch.normalized]
        text_scores = self._text_scores(group)
        sizes = [len(batch) for batch in group.batches]
        seg = np.repeat(np.arange(len(sizes)), sizes)
        table = assemble_group_features(outputs, normalized, text_scores, comments, seg,
                                        self.text_threshold)
        return Extracted(table, outputs, normalized, text_scores,
                         np.cumsum([0, *sizes]).tolist())


    def _text_scores(self, group: BatchGroup) -> np.ndarray | None:
        """Text-model scores, slice after slice (a slice's new lines in one model call, as
        for the slice alone; lines :meth:`prepare` scored are looked up)."""
        if self._text is None:
            return None
        return np.concatenate([self._text([c.text for c in batch.comments],
                                          [n.text for n in batch.normalized])
                               for batch in group.batches])


def _nothing() -> None:
    """A finished :meth:`FeatureExtractor.score_ahead` call (nothing to wait for)."""


class Scorer:
    """Per-comment verdicts and per-room authenticity from evidence (+ text model).

    Load once, reuse: detectors are reset at the start of every ``score``/``stream``
    call, the text model stays loaded.

    Args:
        fusion: The combiner producing the bot score (rules or learned).
        detectors: Evidence detectors (default: dup, tpl, timing).
        text_model: Text classifier with ``bot_scores(texts)`` (None: no text score).
        flagger: Rules that name the flags (default: the fusion itself when it is a
            rule combiner, else the shipped rules).
        threshold: Decision threshold (default: the combiner's).
        quantifier: Validation rates and room models for the room estimate (default:
            the combiner's).
        max_buffer: Comments buffered across rooms (memory bound).
        max_slice: Comments of one room scored at once.
        normalizer_version: Normaliser version (default: the text model's, else the
            current one; see ``FeatureExtractor``).

    Raises:
        ValueError: On a threshold outside (0, 1), or detectors configured unlike those
            the combiner was fitted with.
    """

    def __init__(
        self,
        fusion: Combiner,
        *,
        detectors: Sequence[Detector] | None = None,
        text_model: TextModel | None = None,
        flagger: RuleFusion | None = None,
        threshold: float | None = None,
        quantifier: ClassifierRates | None = None,
        max_buffer: int = 200_000,
        max_slice: int = 100_000,
        normalizer_version: str | None = None,
    ) -> None:
        self.fusion = fusion
        self.extractor = FeatureExtractor(detectors, text_model, normalizer_version)
        self.text_model = text_model
        self._text_threshold = float(text_model.threshold) if text_model is not None else 1.0
        self.flagger = flagger or fusion.flag_rules()
        self.threshold = float(threshold if threshold is not None else fusion.threshold)
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold {self.threshold} must be strictly between 0 and 1")
        self.quantifier = quantifier if quantifier is not None else fusion.quantifier
        check_detector_configs(fusion.detector_configs, self.extractor.detectors)
        warn_threshold_mismatch(self.threshold, self.quantifier)
        self.max_buffer = max_buffer
        self.max_slice = max_slice

    @classmethod
    def rule_only(
        cls, rules: RuleFusion | None = None, threshold: float | None = None, **kwargs: Any
    ) -> Scorer:
        """A scorer that needs no model: detectors + rule fusion.

        Args:
            rules: Rule combiner (default: the shipped rules).
            threshold: Decision threshold (default: the rules').
            **kwargs: Passed to ``Scorer``.

        Returns:
            The scorer.
        """
        return cls(rules or RuleFusion.default(), threshold=threshold, **kwargs)

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        threshold: float | None = None,
        device: str | None = None,
        batch_size: int | None = None,
        precision: str | None = None,
        **kwargs: Any,
    ) -> Scorer:
        """Load the text model and the learned combiner (``fusion.json``) of a model folder.

        Args:
            path: Model folder (Hugging Face layout + ``botcomments.json`` +
                ``fusion.json``).
            threshold: Decision threshold (default: the combiner's).
            device: Torch device of the text model (default: cuda when available, else
                cpu; precision per ``BotCommentClassifier``).
            batch_size: Most texts per forward pass of the text model (default 128 on
                CPU, 1024 on CUDA: ``BotCommentClassifier``).
            precision: Text-model precision (``int8``, ``bf16``, ``fp32``; default:
                ``botcomments.model.classifier.default_precision``).
            **kwargs: Passed to ``Scorer``.

        Returns:
            The scorer.

        Raises:
            FileNotFoundError: If the folder or its ``fusion.json`` is missing.
        """
        from botcomments.model.classifier import BotCommentClassifier

        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"model folder {folder} not found; pass --model DIR or score with --no-model"
            )
        fusion = LearnedFusion.load(folder)
        model = BotCommentClassifier.from_pretrained(folder, device=device, batch_size=batch_size,
                                                     precision=precision)
        return cls(fusion, text_model=model, threshold=threshold, **kwargs)

    @property
    def mode(self) -> str:
        """"rules" or "fused" (learned combiner), "+text" when a text model is loaded."""
        return self.fusion.mode + ("+text" if self.text_model is not None else "")

    def reset(self) -> None:
        """Forget cross-room detector state."""
        self.extractor.reset()

    def score_slice(self, room_id: str, comments: Sequence[Comment],
                    normalized: Sequence[NormalizedText] | None = None) -> SliceScores:
        """Score one time-ordered slice of one room.

        Args:
            room_id: The room.
            comments: Its comments, time-ordered.
            normalized: Their normal forms when already computed
                (:meth:`FeatureExtractor.prepare`).

        Returns:
            Features, detector outputs, scores and verdicts (slice order).
        """
        return self.score_slices([(room_id, comments, normalized)])[0]

    def score_slices(self, pieces: Sequence[Piece]) -> list[SliceScores]:
        """Score several time-ordered slices (of one or more rooms), in the given order.

        Extraction (:meth:`FeatureExtractor.extract_group`) and the fusion (rule
        strengths, combiner, explanations, all row by row) run once over all slices:
        many small rooms pay their per-call costs once; every slice gets what scoring
        it alone, after the ones before it, gives.

        Args:
            pieces: ``(room_id, comments, normal forms or None)`` per slice.

        Returns:
            One result per slice, same order.
        """
        ex = self.extractor.extract_group(pieces)
        table = ex.features
        strengths = self.flagger.strengths(table)
        if self.flagger is self.fusion:  # rule combiner: its score is its rules' strengths
            scores = self.flagger.proba_from_strengths(strengths)
        else:
            scores = self.fusion.predict_proba(table)
        scores = _platform_lines_genuine(pieces, scores)
        verdicts = self._verdicts(scores, strengths, ex.outputs, ex.normalized, ex.text_scores)
        self._explain_unflagged(verdicts, table, ex)
        return [SliceScores(ex, a, b, scores[a:b], verdicts[a:b])
                for a, b in pairwise(ex.bounds)]

    def _verdicts(
        self,
        scores: np.ndarray,
        strengths: np.ndarray,
        outputs: Sequence[DetectorOutput],
        normalized: Sequence[Any],
        text_scores: np.ndarray | None,
    ) -> list[Verdict]:
        evidence_of = {o.name: o.evidence for o in outputs}
        fired = self.flagger.flags(strengths)
        verdicts = []
        for i, score in enumerate(scores.tolist()):
            is_bot = score >= self.threshold
            flags: list[str] = []
            evidence: dict[str, dict[str, Any]] = {}
            if is_bot:
                for r in fired[i]:
                    rule = self.flagger.rules[r]
                    if rule.flag in evidence:
                        continue
                    flags.append(rule.flag)
                    evidence[rule.flag] = _rule_evidence(
                        rule.evidence_from, i, evidence_of, normalized
                    ) or {"rule": rule.name, "strength": round(float(strengths[i, r]), 3)}
                if text_scores is not None and text_scores[i] >= self._text_threshold:
                    flags.append("text")
                    evidence["text"] = {
                        "score": round(float(text_scores[i]), 4),
                        "threshold": round(self._text_threshold, 4),
                    }
            verdicts.append(Verdict(
                bot_score=float(score),
                is_bot=bool(is_bot),
                flags=tuple(flags),
                evidence=evidence,
                text_score=None if text_scores is None else float(text_scores[i]),
            ))
        return verdicts

    def _explain_unflagged(
        self, verdicts: list[Verdict], table: FeatureTable, ex: Extracted
    ) -> None:
        """Give every bot verdict that no rule flagged the combiner's strongest reason.

        Args:
            verdicts: One verdict per row of ``table`` (replaced in place).
            table: The features.
            ex: The extraction (detector evidence, normal forms).
        """
        rows = [i for i, v in enumerate(verdicts) if v.is_bot and not v.flags]
        if not rows:
            return
        evidence_of = {o.name: o.evidence for o in ex.outputs}
        reasons = self.fusion.reasons(table, np.array(rows, dtype=np.int64))
        for i, reason in zip(rows, reasons, strict=True):
            v = verdicts[i]
            verdicts[i] = dataclasses.replace(
                v,
                flags=(reason.flag,),
                evidence={reason.flag: _reason_evidence(
                    reason, i, evidence_of, ex.normalized, v.text_score
                )},
            )

    def stream(self, comments: Iterable[Comment]) -> ScoringRun:
        """Score a stream lazily: iterate the run for (comment, verdict) in input order.

        Args:
            comments: Any iterable of comments (consumed once).

        Returns:
            A ``ScoringRun``; its ``rooms`` are available once it is exhausted.
        """
        self.reset()
        return ScoringRun(self, comments)

    def score(self, comments: Iterable[Comment]) -> ScoreResult:
        """Score everything and return all verdicts (input order) and room reports.

        Args:
            comments: Any iterable of comments.

        Returns:
            The result.
        """
        run = self.stream(comments)
        verdicts = [v for _, v in run]
        return ScoreResult(verdicts=verdicts, rooms=run.rooms)


@dataclass
class _Prepared:
    """Groups read from the stream and normalised, their text-model call under way."""

    parts: list[tuple[list[RoomSlice], list[NormalizedText]]]
    finish: Callable[[], None]


class _GroupFeed:
    """Groups of slices with their normal forms, the text model one window ahead.

    With a text model, groups are read in windows of at least ``TEXT_CALL_COMMENTS``
    comments (or one group), and window k+1's new lines are scored in one model call in a
    worker thread (torch releases the GIL in its kernels) while the detectors and the
    combiner work on window k's groups, and the stream is read meanwhile. A text's score
    does not depend on its batch (bf16/fp32: same padded length, row counts in multiples
    of ``BF16_ROW_MULTIPLE``), so scores are those of one call per group (verdicts and
    rooms identical on 20,000 simulated and 20,000 real danmaku comments). Windows, not
    groups, because a call ends every padded length with a part batch, padded to a row
    multiple: one call per group of the bench's simulated rooms (~240 new lines) computed
    23 % padding rows (5 % in windows) in many small batches; end to end on 2 cores,
    3,840-4,027 comments/s with a call per group, 4,006-6,336/s in windows of 8,192
    comments (docs/scoring.md, "Windows of groups per model call"). At most two windows
    are held. Without a model a window is one group.

    Args:
        groups: Groups of slices (:func:`slice_groups`).
        extractor: Normalises and scores them.
    """

    def __init__(self, groups: Iterator[list[RoomSlice]], extractor: FeatureExtractor) -> None:
        self._groups = groups
        self._extractor = extractor
        self._executor = (ThreadPoolExecutor(1, "botcomments-text",
                                             initializer=_same_torch_threads())
                          if extractor.has_text_model else None)
        self._window_comments = TEXT_CALL_COMMENTS if self._executor is not None else 1
        self._next: _Prepared | None = None
        self._ready: deque[tuple[list[RoomSlice], list[NormalizedText]]] = deque()
        self._started = False

    def take(self) -> tuple[list[RoomSlice], list[NormalizedText]] | None:
        """The next group and its normal forms, its text scores cached (None at the end)."""
        if not self._started:
            self._started = True
            self._next = self._prepare(self._read())
        if not self._ready:
            current = self._next
            if current is None:
                return None
            following = self._read()  # while the model scores ``current``
            current.finish()
            self._next = self._prepare(following)
            self._ready.extend(current.parts)
        return self._ready.popleft()

    def close(self) -> None:
        """Wait for a model call under way and stop the worker thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _read(self) -> list[tuple[list[RoomSlice], list[NormalizedText]]]:
        """The next window: groups until it holds ``_window_comments`` (none at the end)."""
        parts: list[tuple[list[RoomSlice], list[NormalizedText]]] = []
        size = 0
        while size < self._window_comments:
            group = next(self._groups, None)
            if group is None:
                break
            texts = [c.text for piece in group for c in piece.comments]
            parts.append((group, self._extractor.normalizer.normalize_batch(texts)))
            size += len(texts)
        return parts

    def _prepare(self, parts: list[tuple[list[RoomSlice], list[NormalizedText]]]
                 ) -> _Prepared | None:
        if not parts:
            return None
        if self._executor is None:
            return _Prepared(parts, _nothing)
        comments = [c for group, _ in parts for piece in group for c in piece.comments]
        normalized = [n for _, forms in parts for n in forms]
        return _Prepared(parts, self._extractor.score_ahead(comments, normalized,
                                                            self._executor))


def _same_torch_threads() -> Callable[[], None]:
    """A thread initializer giving a worker thread this thread's torch thread count
    (OpenMP's is per thread); nothing when torch is not loaded."""
    torch = sys.modules.get("torch")
    if torch is None:
        return _nothing
    threads = torch.get_num_threads()
    return lambda: torch.set_num_threads(threads)


def _report_chunks(room_ids: list[str], accumulators: dict[str, RoomAccumulator]
                   ) -> Iterator[list[str]]:
    """Consecutive rooms in chunks of about ``REPORT_BATCH_COMMENTS`` comments."""
    chunk: list[str] = []
    size = 0
    for room_id in room_ids:
        n = accumulators[room_id].n_comments
        if chunk and size + n > REPORT_BATCH_COMMENTS:
            yield chunk
            chunk, size = [], 0
        chunk.append(room_id)
        size += n
    if chunk:
        yield chunk


def _platform_lines_genuine(pieces: Sequence[Piece], scores: np.ndarray) -> np.ndarray:
    """Bot score 0 for lines the platform posted for a viewer (storm/lottery lines,
    :func:`~botcomments.records.is_platform_posted`): organic engagement, never bot
    evidence; the room estimate counts them genuine.

    Args:
        pieces: The slices scored, in order.
        scores: Fused bot score per comment of the slices, concatenated.

    Returns:
        ``scores``, with platform-posted lines at 0 (a copy when any is).
    """
    marked = np.fromiter((is_platform_posted(c) for _, comments, _ in pieces for c in comments),
                         dtype=bool, count=len(scores))
    return np.where(marked, 0.0, scores) if marked.any() else scores


def detector_evidence(outputs: Sequence[DetectorOutput], n: int
                      ) -> list[dict[str, dict[str, Any]]]:
    """Per-comment evidence of every detector (``{"dup": {...}, "tpl": {...}, ...}``).

    Args:
        outputs: Detector outputs of one slice.
        n: Comments in the slice.

    Returns:
        One dict per comment (a detector without evidence for it gives ``{}``).
    """
    return [{o.name: (o.evidence[i] if i < len(o.evidence) else {}) for o in outputs}
            for i in range(n)]


def accumulate(acc: RoomAccumulator, comments: Sequence[Comment], scores: np.ndarray,
               verdicts: Sequence[Verdict], evidence: Sequence[dict[str, dict[str, Any]]]
               ) -> None:
    """Add one scored slice to its room's accumulator.

    Args:
        acc: The room's accumulator.
        comments: The slice's comments (slice order).
        scores: Fused bot score per comment.
        verdicts: Verdict per comment.
        evidence: Per-detector evidence per comment (:func:`detector_evidence`).
    """
    acc.add(
        scores,
        np.array([v.is_bot for v in verdicts], dtype=bool),
        [c.user_id for c in comments],
        np.array([np.nan if c.ts is None else c.ts for c in comments]),
        [v.flags for v in verdicts],
        evidence,
        [c.text for c in comments],
    )


def _reason_evidence(
    reason: Reason,
    i: int,
    evidence_of: dict[str, list[dict[str, Any]]],
    normalized: Sequence[Any],
    text_score: float | None,
) -> dict[str, Any]:
    """A combiner reason's own evidence plus its detector's evidence for comment ``i``."""
    if reason.flag == "text":
        detail: dict[str, Any] = {} if text_score is None else {"score": round(text_score, 4)}
    else:
        source = FLAG_EVIDENCE_SOURCE.get(reason.flag, "")
        detail = _rule_evidence(source, i, evidence_of, normalized) if source else {}
    return {**detail, **reason.evidence}


def _rule_evidence(
    source: str,
    i: int,
    evidence_of: dict[str, list[dict[str, Any]]],
    normalized: Sequence[Any],
) -> dict[str, Any]:
    if source == "norm":
        return {"masked_contacts": list(normalized[i].features.masked_contacts)}
    items = evidence_of.get(source) or []
    return dict(items[i]) if i < len(items) and items[i] else {}


@dataclass
class ScoringRun:
    """A lazy scoring pass over a stream.

    Iterate it for ``(comment, verdict)`` pairs in input order. Afterwards ``rooms``
    holds one report per room (order of first appearance) and ``histogram`` /
    ``calibration`` the run-level figures (calibration only over labeled comments).
    """

    scorer: Scorer
    comments: Iterable[Comment]
    rooms: list[RoomReport] = field(default_factory=list)
    histogram: ScoreHistogram = field(default_factory=ScoreHistogram)
    calibration: CalibrationBins = field(default_factory=CalibrationBins)
    n_scored: int = 0
    _first_index: dict[str, int] = field(default_factory=dict, repr=False)
    _last_index: dict[str, int] = field(default_factory=dict, repr=False)
    _checked_quiet_at: int = 0

    def __iter__(self) -> Iterator[tuple[Comment, Verdict]]:
        order: InputOrder[tuple[Comment, Verdict]] = InputOrder()
        accumulators: dict[str, RoomAccumulator] = {}
        slices = room_slices(
            self.comments, max_buffer=self.scorer.max_buffer, max_slice=self.scorer.max_slice
        )
        extractor = self.scorer.extractor
        group_comments = TEXT_BATCH_COMMENTS if extractor.has_text_model else RULES_GROUP_COMMENTS
        feed = _GroupFeed(slice_groups(slices, group_comments), extractor)
        survivors = FrozenSurvivors()
        try:
            try:
                yield from self._score_all(feed, order, accumulators, survivors)
            finally:
                feed.close()
            yield from order.ready()
            if len(order):
                raise RuntimeError(f"{len(order)} scored comments were never written (bug)")
            self.rooms = []
            for chunk in _report_chunks(sorted(accumulators, key=self._first_index.__getitem__),
                                        accumulators):
                # each chunk's comment arrays are freed once its reports are made: the
                # reports of a large archive never sit in memory beside all the accumulators
                with gc_paused():
                    self.rooms.extend(room_reports([accumulators.pop(r) for r in chunk],
                                                   self.scorer.quantifier))
                    survivors.freeze()
                release_free_memory()
        finally:
            survivors.release()

    def _score_all(self, feed: _GroupFeed, order: InputOrder[tuple[Comment, Verdict]],
                   accumulators: dict[str, RoomAccumulator], survivors: FrozenSurvivors
                   ) -> Iterator[tuple[Comment, Verdict]]:
        """Score the feed's groups, yielding verdicts as they become ready."""
        while True:
            # Reading and slicing the stream, scoring a group and making room reports
            # allocate many small containers and no reference cycles; the cyclic
            # collector, left running, also makes full passes over everything alive
            # (every room's accumulator, every buffered comment): 10 passes, 1.8 s of
            # 9.6 s for 20,000 one-comment rooms. Paused here as in each detector, and
            # what the group leaves alive frozen out of its later passes; it resumes
            # before results go to the caller (cycles a reader makes are collected then).
            with gc_paused():
                more = self._score_next(feed, order, accumulators)
                survivors.freeze()
                if not more:
                    break
            yield from order.ready()
            self._compact_quiet_rooms(accumulators)

    def _score_next(self, feed: _GroupFeed,
                    order: InputOrder[tuple[Comment, Verdict]],
                    accumulators: dict[str, RoomAccumulator]) -> bool:
        """Score the next group of slices into their rooms and the output order.

        Its slices, features and scores are freed on return, before the collector runs
        again: only what outlives the group (verdicts, rooms) is left for it to walk.

        Returns:
            False when the stream has ended.
        """
        taken = feed.take()
        if taken is None:
            return False
        group, normalized = taken
        bounds = np.cumsum([0, *(len(piece) for piece in group)]).tolist()
        results = self.scorer.score_slices(
            [(piece.room_id, piece.comments, normalized[a:b])
             for piece, a, b in zip(group, bounds[:-1], bounds[1:], strict=True)])
        self._record(group, results, order, accumulators)
        return True

    def _compact_quiet_rooms(self, accumulators: dict[str, RoomAccumulator]) -> None:
        """Compact the accumulators of rooms quiet for ``QUIET_ROOM_COMMENTS`` comments
        (checked every quarter of that), then hand free heap pages back to the system."""
        if self.n_scored - self._checked_quiet_at < QUIET_ROOM_COMMENTS // 4:
            return
        self._checked_quiet_at = self.n_scored
        release_free_memory()  # milliseconds, every 50,000 comments
        newest = max(self._last_index.values(), default=0)
        quiet = [room_id for room_id, last in self._last_index.items()
                 if last < newest - QUIET_ROOM_COMMENTS]
        for room_id in quiet:
            accumulators[room_id].compact()
            del self._last_index[room_id]  # back when the room gets comments again

    def _record(
        self,
        group: list[RoomSlice],
        results: list[SliceScores],
        order: InputOrder[tuple[Comment, Verdict]],
        accumulators: dict[str, RoomAccumulator],
    ) -> None:
        """Add a group's scored slices to their rooms, the run's figures and the output
        order (columns made once for the group; each room keeps views of its rows)."""
        comments = [c for piece in group for c in piece.comments]
        verdicts = [v for result in results for v in result.verdicts]
        scores = np.concatenate([result.scores for result in results])
        self.histogram.add(scores)  # counts: the same whatever the grouping
        columns = _GroupColumns(
            scores.astype(np.float32),
            np.array([v.is_bot for v in verdicts], dtype=bool),
            np.array([np.nan if c.ts is None else c.ts for c in comments], dtype=np.float64),
            results[0].extracted.evidence if results else [],
            [c.user_id for c in comments],
            [v.flags for v in verdicts],
            [c.text for c in comments],
            any(c.label is not None for c in comments),
        )
        for piece, result in zip(group, results, strict=True):
            self._record_slice(piece, result, columns, accumulators)
        order.put_many([idx for piece in group for idx in piece.indices],
                       zip(comments, verdicts, strict=True))
        self.n_scored += len(verdicts)

    def _record_slice(self, piece: RoomSlice, result: SliceScores, columns: _GroupColumns,
                      accumulators: dict[str, RoomAccumulator]) -> None:
        """Add one scored slice to its room and the calibration figures."""
        room_id = piece.room_id
        acc = accumulators.get(room_id)
        if acc is None:
            acc = accumulators[room_id] = RoomAccumulator(room_id)
            self._first_index[room_id] = min(piece.indices)
        self._last_index[room_id] = max(self._last_index.get(room_id, -1), max(piece.indices))
        a, b = result.start, result.stop
        acc.add(columns.scores[a:b], columns.is_bot[a:b], columns.user_ids[a:b],
                columns.ts[a:b], columns.flags[a:b], columns.evidence[a:b], columns.texts[a:b])
        if columns.labeled and any(c.label is not None for c in piece.comments):
            labeled = [(s, c.label) for s, c in zip(result.scores, piece.comments, strict=True)
                       if c.label is not None]
            s, y = zip(*labeled, strict=True)  # sums of floats: added slice by slice
            self.calibration.add(np.asarray(s), np.asarray(y))


@dataclass(frozen=True)
class _GroupColumns:
    """A scored group's columns, as room accumulators take them (float32 scores), each
    room's rows sliced from them (one list per group, not one per room)."""

    scores: np.ndarray
    is_bot: np.ndarray
    ts: np.ndarray
    evidence: list[dict[str, dict[str, Any]]]
    user_ids: list[str | None]
    flags: list[tuple[str, ...]]
    texts: list[str]
    labeled: bool  # any comment of the group has a label
