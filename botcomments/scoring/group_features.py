"""The feature table of a group of room slices, in one pass, as each slice alone gives it.

Many small rooms are scored together (``Scorer.score_slices``). Their detector outputs
come concatenated (:meth:`~botcomments.detectors.base.BatchGroup`);
:func:`~botcomments.fusion.features.assemble_features` then runs once over all rows with
the slice made part of every grouping key: accounts are ``(slice, user id)`` and
near-duplicate clusters / templates ``(slice, id)``, so aggregates never mix rooms
(per-group sums add the same rows in the same order, so they are the same floats). One
column is computed on keys whose numbering differs between the group and the slice
alone (``dup.cluster_delay_s``, from sorted ``code * span + time`` keys): it is recomputed
slice by slice for the slices that have a cluster with two timed comments (a delay of 0
otherwise, whatever the numbering).

Example:
    >>> from botcomments.detectors.base import DetectorOutput
    >>> from botcomments.records import Comment
    >>> from botcomments.text.normalize import normalize
    >>> cs = [Comment("a", "r1", ts=1.0, user_id="u"), Comment("b", "r2", ts=2.0, user_id="u")]
    >>> table = assemble_group_features([], [normalize(c.text) for c in cs], None, cs,
    ...                                 np.array([0, 1]))
    >>> len(table)
    2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from botcomments.detectors.base import DetectorOutput
from botcomments.fusion.features import (
    CLUSTER_KEYS,
    PATTERN_FEATURES,
    FeatureTable,
    assemble_features,
    pattern_features,
)
from botcomments.records import Comment
from botcomments.segments import single_segment
from botcomments.text.normalize import NormalizedText

DELAY_FEATURE = PATTERN_FEATURES[2]
"""The pattern column recomputed slice by slice (``dup.cluster_delay_s``)."""


def assemble_group_features(
    outputs: Sequence[DetectorOutput],
    normalized: Sequence[NormalizedText],
    text_scores: np.ndarray | None,
    comments: Sequence[Comment],
    seg: np.ndarray,
    text_threshold: float = 0.5,
) -> FeatureTable:
    """``assemble_features`` of consecutive slices, each row as its slice alone gives it.

    Args:
        outputs: The group's detector outputs (slices concatenated).
        normalized: Normal forms of the group's comments.
        text_scores: Text-model score per comment, or None.
        comments: The comments, slice after slice.
        seg: Slice number of each comment, non-decreasing.
        text_threshold: Text score counted as bot-like in the aggregates.

    Returns:
        The feature table, one row per comment.
    """
    timestamps = [c.ts for c in comments]
    if single_segment(seg):
        return assemble_features(outputs, normalized, text_scores,
                                 user_ids=[c.user_id for c in comments],
                                 text_threshold=text_threshold, timestamps=timestamps)
    slices = seg.tolist()
    users = [None if c.user_id is None else f"{s}\x1f{c.user_id}"  # (slice, user id)
             for s, c in zip(slices, comments, strict=True)]
    keyed = [_slice_keyed(out, slices) for out in outputs]
    table = assemble_features(keyed, normalized, text_scores, user_ids=users,
                              text_threshold=text_threshold, timestamps=timestamps)
    if DELAY_FEATURE in table.names:
        _redo_cluster_delays(table, outputs, comments, seg)
    return table


def _slice_keyed(out: DetectorOutput, slices: list[int]) -> DetectorOutput:
    """The output with its group ids (``CLUSTER_KEYS``) paired with the slice number."""
    key = CLUSTER_KEYS.get(out.name)
    if key is None:
        return out
    evidence: list[dict[str, Any]] = [
        {key: (s, ev[key])} if key in ev else {}
        for s, ev in zip(slices, out.evidence, strict=True)
    ]
    return DetectorOutput(out.name, out.features, evidence)


def _redo_cluster_delays(table: FeatureTable, outputs: Sequence[DetectorOutput],
                         comments: Sequence[Comment], seg: np.ndarray) -> None:
    """Recompute the delay column, in place, of the slices where it can be non-zero."""
    dup = next((o for o in outputs if o.name == "dup"), None)
    if dup is None:
        return
    key = CLUSTER_KEYS["dup"]
    # only a slice of two or more comments can hold a cluster seen twice
    shared = (np.bincount(seg)[seg] >= 2).tolist()
    rows = [i for i, (ev, c, many) in enumerate(zip(dup.evidence, comments, shared, strict=True))
            if many and key in ev and c.ts is not None and math.isfinite(c.ts)]
    if not rows:
        return
    pairs = np.array([(seg[i], dup.evidence[i][key]) for i in rows], dtype=np.int64)
    uniq, counts = np.unique(pairs, axis=0, return_counts=True)
    bounds = np.searchsorted(seg, np.arange(int(seg[-1]) + 2))
    column = table.names.index(DELAY_FEATURE)
    for s in np.unique(uniq[counts >= 2, 0]).tolist():
        a, b = int(bounds[s]), int(bounds[s + 1])
        part = pattern_features([c.user_id for c in comments[a:b]], [c.ts for c in comments[a:b]],
                                FeatureTable(table.names, table.values[a:b]),
                                [o.rows(a, b) for o in outputs])
        table.values[a:b, column] = part.column(DELAY_FEATURE)
