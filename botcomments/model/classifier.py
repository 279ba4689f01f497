"""``BotCommentClassifier``: the text-only bot-comment model with Hugging Face verbs.

Example:
    >>> clf = BotCommentClassifier.from_pretrained("models/default")  # doctest: +SKIP
    >>> clf.predict_proba(["主播好美", "加V❤看主页"]).shape  # doctest: +SKIP
    (2, 2)
    >>> clf.predict(["加V❤看主页"])  # doctest: +SKIP
    ['bot']
"""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from botcomments.model.feeder import FEED_AHEAD, pin, prefetch, to_device, to_host_later
from botcomments.model.settings import ModelSettings, library_versions
from botcomments.records import LABEL_NAMES
from botcomments.text.normalize import NORMALIZER_VERSION, Normalizer

logger = logging.getLogger(__name__)

BOT_LABEL = LABEL_NAMES[1]


def check_texts(texts: Sequence[str]) -> list[str]:
    """Validate a batch of texts.

    Args:
        texts: Comment texts.

    Returns:
        The texts as a list.

    Raises:
        TypeError: If ``texts`` is a single string or an item is not a string.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not one string; wrap it: [text]")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(
                f"texts[{i}] is {type(t).__name__}, not str; replace missing texts by '' "
                "or drop them before scoring"
            )
    return out


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Group indices into batches of similar length (longest first).

    Args:
        lengths: Length of each item.
        batch_size: Items per batch.

    Returns:
        Batches of original indices; together they cover every index once.

    Raises:
        ValueError: If ``batch_size`` is not positive.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be positive")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def same_length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Group indices into batches whose items all have the same length (longest first).

    Nothing in such a batch is padded, so a text's result cannot depend on the batch it
    came in (measured: bf16 scores identical alone and in a batch; with padding the same
    text moved by up to 1.2e-3).

    Args:
        lengths: Token length of each item.
        batch_size: Most items per batch.

    Returns:
        Batches of original indices; together they cover every index once.

    Raises:
        ValueError: If ``batch_size`` is not positive.

    Example:
        >>> same_length_batches([3, 5, 3, 3], 2)
        [[1], [0, 2], [3]]
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be positive")
    groups: dict[int, list[int]] = {}
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        groups.setdefault(lengths[i], []).append(i)
    return [g[k:k + batch_size] for g in groups.values() for k in range(0, len(g), batch_size)]


MIN_BUCKET = 8
"""Shortest padded token length of the bf16/fp32 path (lengths pad to powers of two)."""
BF16_ROW_MULTIPLE = 32
"""bf16 forward passes run on a multiple of this many rows (batches padded with copies of
their first text). oneDNN's bf16 kernels accumulate in another order for some small shapes
(e.g. 3-15 rows of 16 tokens moved a score by up to 9e-4); on multiples of 32 rows a
text's score was the same in every batch measured (``benchmarks/batch_invariance.py``).
Few row counts also mean few oneDNN kernels cached: scoring 78k texts in calls of 2,000
plateaued at 661 instead of 913 MB RSS, at the same speed."""
PRECISIONS: tuple[str, ...] = ("int8", "bf16", "fp32")
"""Inference precisions: int8 dynamic quantisation (CPU; a score moves with its batch by
up to ~0.06), bf16 and fp32 (each text padded to a length of its own, a power of two, and
bf16 batches to a multiple of :data:`BF16_ROW_MULTIPLE` rows; measured on CPU, a score moves
with its batch by at most 3e-7 in fp32 and not at all in bf16:
``benchmarks/batch_invariance.py``)."""


def default_precision(device: torch.device, quantize: bool | None = None) -> str:
    """The precision used when none is asked for.

    CPU: bf16 where the CPU computes it natively (AVX512-BF16/AMX, per oneDNN), else fp32:
    a comment's score moves with its batch by at most 3e-7 (fp32) or not at all (bf16), and on
    this project's AMX machines
    bf16 matched int8's speed (real-background benchmark 1,868 vs 2,087 comments/s on runs
    whose rules-only rates differed by 15 %) with the same accuracy. ``quantize=True``
    still selects int8 (fast on CPUs without bf16, but batch-dependent). CUDA: bf16, the
    tensor cores' fast dense format (not yet measured on a GPU in this project: speed,
    and whether a score moves with its batch there). Other devices: fp32.

    Args:
        device: Inference device (only its type matters).
        quantize: The legacy switch (True: int8, False: fp32, None: decide here).

    Returns:
        One of :data:`PRECISIONS`.

    Example:
        >>> default_precision(torch.device("cuda"))
        'bf16'
    """
    if quantize is not None:
        return "int8" if quantize else "fp32"
    if device.type == "cuda":
        return "bf16"
    if device.type != "cpu":
        return "fp32"
    return "bf16" if torch.backends.mkldnn.is_available() and \
        torch.ops.mkldnn._is_mkldnn_bf16_supported() else "fp32"


CPU_BATCH_SIZE = 128
"""Default texts per forward pass on the CPU."""
CUDA_BATCH_SIZE = 1024
"""Default texts per forward pass on a CUDA device: a batch of the shipped model's short
comments is a few thousand tokens, small work for a GPU per kernel launch (unmeasured)."""


def default_batch_size(device: torch.device) -> int:
    """Texts per forward pass when none is asked for.

    Args:
        device: Inference device (only its type matters).

    Returns:
        :data:`CUDA_BATCH_SIZE` on CUDA, else :data:`CPU_BATCH_SIZE`.

    Example:
        >>> default_batch_size(torch.device("cpu")), default_batch_size(torch.device("cuda"))
        (128, 1024)
    """
    return CUDA_BATCH_SIZE if device.type == "cuda" else CPU_BATCH_SIZE


@dataclass(frozen=True)
class PreparedBatch:
    """A batch's host-side model inputs, ready to be copied to the device.

    Attributes:
        texts: Original indices of the batch's texts (its first ``len(texts)`` rows).
        n_rows: Rows the forward pass computes (bf16 adds copies of the first text).
        inputs: ``input_ids`` and ``attention_mask`` (pinned for CUDA).
        owner: For windowed batches, the row of ``texts`` each window belongs to.
    """

    texts: list[int]
    n_rows: int
    inputs: dict[str, torch.Tensor]
    owner: np.ndarray | None


def quantize_for_cpu(model: PreTrainedModel) -> torch.nn.Module:
    """Apply int8 dynamic quantisation to every Linear layer (CPU inference only).

    Args:
        model: A float model in eval mode.

    Returns:
        A quantised copy; the input model is left untouched.
    """
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*quantiz.* deprecated", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated")
        return quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8)


def most_bot_like(
    probs: np.ndarray, owner: np.ndarray, n_texts: int, bot_index: int
) -> np.ndarray:
    """Per text, the probability row of its window with the highest P(bot).

    Args:
        probs: Window probabilities, shape ``(n_windows, n_labels)``.
        owner: Text index of each window (every text has at least one).
        n_texts: Number of texts.
        bot_index: Column of the bot label.

    Returns:
        Array of shape ``(n_texts, n_labels)``.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], dtype=np.float32)
        >>> most_bot_like(p, np.array([0, 0, 1]), 2, 1).tolist()
        [[0.20000000298023224, 0.800000011920929], [0.6000000238418579, 0.4000000059604645]]
    """
    order = np.lexsort((probs[:, bot_index], owner))  # by text, then P(bot) ascending
    last = np.r_[owner[order][1:] != owner[order][:-1], True]
    best = order[last]
    if len(best) != n_texts:
        raise ValueError(f"{n_texts} texts but windows for {len(best)}")
    return probs[best]


class BotCommentClassifier:
    """Score comments alone (no room context) with a sequence-classification model.

    Use :meth:`from_pretrained` to load a model folder. Texts are normalised with the
    normaliser version saved in ``botcomments.json``, sorted by length, batched with
    dynamic padding, and results are returned in input order.

    Args:
        model: A ``*ForSequenceClassification`` model with ``id2label`` in its config.
        tokenizer: Its tokenizer.
        settings: Project settings saved with the model.
        device: Torch device for inference.
        batch_size: Most texts per forward pass (default: :func:`default_batch_size`).
        quantize: True: int8 dynamic quantisation (CPU only); False: fp32; None: see
            :func:`default_precision`.
        precision: ``int8``, ``bf16`` or ``fp32`` (overrides ``quantize``); bf16 and
            fp32 pad each text to a length that depends on the text alone (the next
            power of two), so a score does not depend on its batch.

    Attributes:
        feed_ahead: Batches built by worker threads ahead of the one being computed
            (:func:`botcomments.model.feeder.prefetch`); 0 builds each batch when it is
            needed. Default :data:`~botcomments.model.feeder.FEED_AHEAD` off the CPU, 0
            on it. Scores are the same either way.

    Raises:
        ValueError: If the model's labels do not include "bot", or on an unknown
            precision or int8 off the CPU.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        settings: ModelSettings,
        device: str | torch.device | None = None,
        batch_size: int | None = None,
        quantize: bool | None = None,
        precision: str | None = None,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.settings = settings
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.batch_size = batch_size or default_batch_size(self.device)
        self.feed_ahead = 0 if self.device.type == "cpu" else FEED_AHEAD
        self.id2label: dict[int, str] = {
            int(k): v for k, v in (model.config.id2label or {}).items()
        }
        if BOT_LABEL not in self.id2label.values():
            raise ValueError(
                f"model labels {self.id2label} have no {BOT_LABEL!r}; train it with "
                "botcomments train so config.json maps ids to 'human'/'bot'"
            )
        self.bot_index = next(i for i, n in self.id2label.items() if n == BOT_LABEL)
        self.normalizer = Normalizer(settings.normalizer_version)
        if precision is None:
            precision = default_precision(self.device, quantize)
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision!r}: choose one of {', '.join(PRECISIONS)}")
        if precision == "int8" and self.device.type != "cpu":
            raise ValueError("int8 dynamic quantisation runs on CPU only; use bf16 or fp32")
        self.precision = precision
        if precision == "int8":
            self._runner: torch.nn.Module = quantize_for_cpu(self.model)
        elif precision == "bf16":
            self._runner = copy.deepcopy(self.model).to(self.device, torch.bfloat16)
        else:
            self._runner = torch.nn.Module.to(self.model, self.device)

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str | torch.device | None = None,
        batch_size: int | None = None,
        quantize: bool | None = None,
        precision: str | None = None,
    ) -> BotCommentClassifier:
        """Load a model folder offline (``local_files_only=True``).

        Args:
            path: Model folder (Hugging Face layout plus ``botcomments.json``).
            device: Torch device (default: cuda when available, else cpu).
            batch_size: Most texts per forward pass (default: :func:`default_batch_size`).
            quantize: True: int8, False: fp32, None: :func:`default_precision`.
            precision: ``int8``, ``bf16`` or ``fp32`` (overrides ``quantize``).

        Returns:
            The classifier.

        Raises:
            FileNotFoundError: If ``path`` is not a folder.
        """
        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"model folder {folder} does not exist; pass the folder of a model written "
                "by `botcomments train` (the shipped one is models/default in the source tree)"
            )
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(folder, local_files_only=True)
        settings = ModelSettings.load(folder)
        if settings is None:
            logger.warning(
                "%s has no botcomments.json; assuming normaliser %s and max_length 64",
                folder,
                NORMALIZER_VERSION,
            )
            settings = ModelSettings(normalizer_version=NORMALIZER_VERSION)
        return cls(model, tokenizer, settings, device, batch_size, quantize, precision)

    def save_pretrained(self, path: str | Path) -> Path:
        """Save model, tokenizer and ``botcomments.json``; other files are kept.

        Args:
            path: Target folder (created if missing).

        Returns:
            The folder.
        """
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(folder)
        self.tokenizer.save_pretrained(folder)
        if not self.settings.libraries:
            self.settings.libraries = library_versions()
        self.settings.save(folder)
        return folder

    @property
    def threshold(self) -> float:
        """Decision threshold on P(bot) saved with the model."""
        return self.settings.threshold

    @property
    def normalizer_version(self) -> str:
        """Normaliser version the model was trained on (its texts and the features of its
        combiner are normalised with it; ``FeatureExtractor`` reads this)."""
        return self.normalizer.version

    def normalize(self, texts: Sequence[str]) -> list[str]:
        """Normalise texts with the model's normaliser version.

        Args:
            texts: Raw texts.

        Returns:
            Normal forms, same order.
        """
        return [n.text for n in self.normalizer.normalize_batch(check_texts(texts))]

    @torch.inference_mode()
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities per text.

        Args:
            texts: Raw comment texts.

        Returns:
            Float array of shape ``(len(texts), n_labels)``; column ``i`` is label
            ``id2label[i]``.

        Raises:
            TypeError: If an item is not a string.
        """
        return self.proba_of_normal_forms(self.normalize(texts))

    @torch.inference_mode()
    def proba_of_normal_forms(self, normal_forms: Sequence[str]) -> np.ndarray:
        """Class probabilities of texts already normalised with :attr:`normalizer_version`.

        A scorer that normalised its comments for the detectors passes the normal forms
        here instead of normalising them a second time. Each text is tokenised once;
        batches of one padded length are built (by worker threads when
        :attr:`feed_ahead` > 0) and computed in turn, each launched before the previous
        one's result is collected.

        Args:
            normal_forms: Normal forms (``Normalizer(self.normalizer_version)``).

        Returns:
            As :meth:`predict_proba`.

        Raises:
            TypeError: If an item is not a string.
        """
        norm = [self._readable_part(t) for t in check_texts(normal_forms)]
        out = np.zeros((len(norm), len(self.id2label)), dtype=np.float32)
        ids = self._token_ids(norm)

        def build(job: tuple[list[int], int | None]) -> PreparedBatch:
            return self._prepare(job[0], job[1], norm, ids)

        running: tuple[PreparedBatch, Callable[[], np.ndarray]] | None = None
        for batch in prefetch(build, self._batches(norm, ids), self.feed_ahead):
            launched = (batch, self._launch(batch))
            if running is not None:
                self._collect(*running, out)
            running = launched
        if running is not None:
            self._collect(*running, out)
        return out

    def _prepare(self, texts: list[int], pad_to: int | None, norm: list[str],
                 ids: list[list[int]]) -> PreparedBatch:
        """Host-side inputs of one batch (row padding for bf16, pinned for CUDA); safe
        to call from a worker thread."""
        rows = texts + [texts[0]] * (
            -len(texts) % BF16_ROW_MULTIPLE if self.precision == "bf16" else 0)
        enc = self._inputs(rows, norm, ids, pad_to)
        owner = enc.get("overflow_to_sample_mapping")
        inputs = {k: enc[k] for k in ("input_ids", "attention_mask")}
        return PreparedBatch(texts, len(rows), pin(inputs, self.device),
                             None if owner is None else owner.numpy())

    def _launch(self, batch: PreparedBatch) -> Callable[[], np.ndarray]:
        """Copy a batch to the device and queue its forward pass; returns the collector
        of its softmax probabilities (one row per model row)."""
        logits = self._runner(**to_device(batch.inputs, self.device)).logits
        return to_host_later(torch.softmax(logits.float(), dim=-1))

    def _collect(self, batch: PreparedBatch, probs: Callable[[], np.ndarray],
                 out: np.ndarray) -> None:
        """Write a computed batch's probabilities into ``out`` at its texts' rows (the
        most bot-like window of a windowed text)."""
        rows = probs()
        if batch.owner is not None:
            rows = most_bot_like(rows, batch.owner, batch.n_rows, self.bot_index)
        out[batch.texts] = rows[: len(batch.texts)]

    def _token_ids(self, norm: list[str]) -> list[list[int]]:
        """Token ids of every text with special tokens, untruncated: tokenised once, they
        give the padded lengths and, for texts within ``max_length``, the model inputs."""
        if not norm:
            return []
        return self.tokenizer(norm, add_special_tokens=True, truncation=False,
                              verbose=False)["input_ids"]

    def _batches(self, norm: list[str], ids: list[list[int]]
                 ) -> list[tuple[list[int], int | None]]:
        """Batches and the token length to pad them to.

        int8: texts of similar character length, padded to the batch's longest (its
        scores depend on the batch anyway). bf16/fp32: texts of one padded length
        (:meth:`_padded_lengths`), so every text is computed on the same padded input
        whatever else is in its batch.
        """
        if self.precision == "int8" or not norm:
            return [(b, None) for b in length_sorted_batches([len(t) for t in norm],
                                                             self.batch_size)]
        padded = self._padded_lengths(ids)
        return [(b, padded[b[0]]) for b in same_length_batches(padded, self.batch_size)]

    def _padded_lengths(self, ids: list[list[int]]) -> list[int]:
        """Token length each text is padded to: the next power of two (at least 8),
        capped at ``max_length``. It depends on the text alone, never on its batch."""
        limit = self.settings.max_length
        return [min(limit, max(MIN_BUCKET, 1 << (len(x) - 1).bit_length())) for x in ids]

    def _inputs(self, rows: list[int], norm: list[str], ids: list[list[int]],
                pad_to: int | None) -> dict[str, torch.Tensor]:
        """Model inputs of a batch: padded straight from the token ids when every row fits
        in ``max_length`` (the same tensors the tokenizer would build, without tokenising
        again), else through the tokenizer (truncation or overlapping windows)."""
        lengths = np.array([len(ids[i]) for i in rows])
        longest = int(lengths.max())
        if longest > self.settings.max_length or self.tokenizer.padding_side != "right":
            return self._encode([norm[i] for i in rows], pad_to)
        width = longest if pad_to is None else -(-longest // pad_to) * pad_to
        mask = np.arange(width) < lengths[:, None]
        input_ids = np.full((len(rows), width), self.tokenizer.pad_token_id, dtype=np.int64)
        input_ids[mask] = np.fromiter((t for i in rows for t in ids[i]), np.int64,
                                      int(lengths.sum()))  # row-major, as the mask is
        return {"input_ids": torch.from_numpy(input_ids),
                "attention_mask": torch.from_numpy(mask.astype(np.int64))}

    def _readable_part(self, text: str) -> str:
        """Cut a normal form to what ``max_windows`` windows can hold (a token is at
        least one character), so one huge comment cannot cause unbounded work."""
        s = self.settings
        if not s.window_overlap:
            return text
        content = s.max_length - 2
        return text[: content + (s.max_windows - 1) * (content - s.window_overlap)]

    def _encode(self, texts: list[str], pad_to: int | None = None) -> Any:
        """Tokenise a batch: truncated at ``max_length``, or cut into overlapping
        windows (the fast tokenizer's overflow, with ``overflow_to_sample_mapping``);
        padded to the longest in the batch, or to ``pad_to`` tokens."""
        s = self.settings
        windows = {"stride": s.window_overlap, "return_overflowing_tokens": True}
        padding: dict[str, Any] = {"padding": True, "pad_to_multiple_of": pad_to}
        return self.tokenizer(
            texts,
            truncation=True,
            max_length=s.max_length,
            return_tensors="pt",
            **padding,
            **(windows if s.window_overlap else {}),
        )

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        """P(bot) per text.

        Args:
            texts: Raw comment texts.

        Returns:
            Float array of shape ``(len(texts),)``.
        """
        return self.predict_proba(texts)[:, self.bot_index]

    def bot_scores_of_normal_forms(self, normal_forms: Sequence[str]) -> np.ndarray:
        """P(bot) per text already normalised with :attr:`normalizer_version`.

        Args:
            normal_forms: Normal forms.

        Returns:
            Float array of shape ``(len(normal_forms),)``.
        """
        return self.proba_of_normal_forms(normal_forms)[:, self.bot_index]

    def predict(self, texts: Sequence[str], return_ids: bool = False) -> list[str] | list[int]:
        """Most probable label per text, decoded through the saved ``id2label``.

        This is ``argmax(predict_proba)``; use :meth:`bot_scores` with
        :attr:`threshold` for the calibrated decision threshold.

        Args:
            texts: Raw comment texts.
            return_ids: Return label ids instead of names.

        Returns:
            One label name (or id) per text.
        """
        ids = [int(i) for i in self.predict_proba(texts).argmax(axis=1)]
        if return_ids:
            return ids
        return [self.id2label[i] for i in ids]
