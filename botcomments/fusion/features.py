"""Assemble the named feature matrix fusion works on.

Features are named ``<source>.<name>``: ``dup.cluster_size`` from a detector called
"dup", ``norm.max_run`` from the normaliser, ``text.p_bot`` from the text model. Fusion
models store the names they were built on and select columns by name, so a detector
adding a feature never shifts another one.

Example:
    >>> import numpy as np
    >>> t = FeatureTable(("a.x", "a.y"), np.array([[1.0, 2.0]], dtype=np.float32))
    >>> t.column("a.y").tolist()
    [2.0]
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.detectors.base import DetectorOutput
from botcomments.detectors.feature_names import (
    DUP_BURST_COUNT,
    DUP_CLUSTER_DISTINCT_USERS,
    DUP_CLUSTER_SHARE,
    DUP_CLUSTER_SIZE,
    DUP_CROSS_ROOM_COUNT,
    TIMING_BURST_ACCOUNTS_2S,
    TIMING_LOCKSTEP_GROUP_SIZE,
    TPL_CROSS_ROOM_COUNT,
    TPL_TEMPLATE_SHARE,
    TPL_TEMPLATE_SIZE,
)
from botcomments.text.normalize import NormalizationFeatures, NormalizedText


def feature_name(source: str, name: str) -> str:
    """Qualified feature name: ``feature_name("dup", "dup_cluster_size") == "dup.cluster_size"``.

    Args:
        source: Detector (or other source) name.
        name: Feature name as the source reports it (a ``<source>_`` prefix is dropped).

    Returns:
        ``<source>.<name>``.
    """
    prefix = f"{source}_"
    return f"{source}.{name[len(prefix):] if name.startswith(prefix) else name}"


TEXT_SCORE_FEATURE = "text.p_bot"
"""Name of the text model's bot probability in the feature table."""
ACCOUNT_TEXT_FEATURES: tuple[str, ...] = (
    "acct.n_comments",
    "acct.text_mean",
    "acct.text_max",
    "acct.text_share_above",
    "acct.text_mean_others",
)
"""Text-score aggregates over the comments of the same account in the room slice."""
CLUSTER_TEXT_FEATURES: tuple[str, ...] = ("cluster.dup_text_mean", "cluster.tpl_text_mean")
"""Mean text score of the comment's near-duplicate cluster / template in the slice."""
CLUSTER_KEYS: dict[str, str] = {"dup": "cluster_id", "tpl": "template_id"}
"""Detector name -> evidence key holding the comment's group id."""
ACCOUNT_EVIDENCE_SOURCES: tuple[str, ...] = tuple(
    feature_name(source, name)
    for source, name in (
        ("dup", DUP_CLUSTER_SIZE),
        ("dup", DUP_BURST_COUNT),
        ("dup", DUP_CLUSTER_SHARE),
        ("dup", DUP_CROSS_ROOM_COUNT),
        ("tpl", TPL_TEMPLATE_SIZE),
        ("tpl", TPL_TEMPLATE_SHARE),
        ("tpl", TPL_CROSS_ROOM_COUNT),
        ("timing", TIMING_LOCKSTEP_GROUP_SIZE),
        ("timing", TIMING_BURST_ACCOUNTS_2S),
    )
)
"""Detector features aggregated per account (highest value over the account's comments)."""
ACCOUNT_EVIDENCE_FEATURES: tuple[str, ...] = tuple(
    f"acct.max_{name.replace('.', '_')}" for name in ACCOUNT_EVIDENCE_SOURCES
)
"""Names of the per-account detector-evidence maxima, in :data:`ACCOUNT_EVIDENCE_SOURCES` order."""
CLUSTER_SIZE = feature_name("dup", DUP_CLUSTER_SIZE)
CLUSTER_USERS = feature_name("dup", DUP_CLUSTER_DISTINCT_USERS)
"""The near-duplicate cluster columns the posting-pattern features read."""
PATTERN_FEATURES: tuple[str, ...] = (
    "acct.min_dup_cluster_size",
    "acct.share_crowd_lines",
    "dup.cluster_delay_s",
)
"""Posting-pattern features that tell bought interaction from an organic flood: the
account's SMALLEST near-duplicate cluster (a viewer who joins a flood also chats in their
own words; a bought account only copies crowd lines), the share of the account's comments
that are crowd lines (cluster with at least :data:`CROWD_MIN_USERS` accounts), and the
seconds since the cluster's first comment within the preceding :data:`DELAY_WINDOW_S`
(paid accounts fire on cue within a second or two; human reactions spread over seconds)."""
CROWD_MIN_USERS = 3
"""Distinct accounts that make a near-duplicate cluster a crowd line."""
DELAY_WINDOW_S = 30.0
"""Look-back window of ``dup.cluster_delay_s``."""
TEXT_MAX_SURPRISE = "acct.text_max_surprise"
"""Derived feature: how unlikely the account's highest text score is for a genuine viewer
with as many lines (``botcomments.fusion.surprise``; not assembled here, the combiner adds
it from ``acct.text_max`` and ``acct.n_comments`` with the tail stored in ``fusion.json``)."""
SURPRISE_INPUTS: tuple[str, str] = ("acct.text_max", "acct.n_comments")
"""The assembled columns :data:`TEXT_MAX_SURPRISE` is computed from."""
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "base": ACCOUNT_TEXT_FEATURES + CLUSTER_TEXT_FEATURES + ACCOUNT_EVIDENCE_FEATURES
    + PATTERN_FEATURES + (TEXT_MAX_SURPRISE,),
    "text": ACCOUNT_EVIDENCE_FEATURES + PATTERN_FEATURES + (TEXT_MAX_SURPRISE,),
    "pattern": (*ACCOUNT_EVIDENCE_FEATURES, TEXT_MAX_SURPRISE),
    "counted": (*ACCOUNT_EVIDENCE_FEATURES, "acct.text_max", TEXT_MAX_SURPRISE),
    "surprise": (*ACCOUNT_EVIDENCE_FEATURES, "acct.text_max"),
    "all": (TEXT_MAX_SURPRISE,),
}
"""Combiner feature set name -> the features it leaves out: ``base`` = detectors +
normaliser + text score only, ``text`` = plus the account/cluster text aggregates,
``pattern`` = plus the posting-pattern features, ``counted`` = ``pattern`` without the
account's highest text score, ``surprise`` = ``counted`` plus that highest score made
independent of the account's number of lines (:data:`TEXT_MAX_SURPRISE`), ``all`` = every
assembled feature (``pattern`` plus the per-account detector-evidence maxima).

``counted`` keeps only account text aggregates that do not grow with the account's number
of comments (mean, share above the threshold, mean of the others): the highest of n scores
rises with n, and simulated accounts never post as much as a real regular does (81 lines
in one session), so with ``acct.text_max`` one bot-like line of a prolific real viewer
carried all of their lines over the threshold."""
DEFAULT_FEATURE_SET = "surprise"
"""Feature set of the shipped combiner."""


def select_features(names: Sequence[str], feature_set: str = DEFAULT_FEATURE_SET
                    ) -> tuple[str, ...]:
    """The columns a combiner of one :data:`FEATURE_SETS` set uses.

    Args:
        names: Available feature names.
        feature_set: A :data:`FEATURE_SETS` key.

    Returns:
        ``names`` without the set's left-out features, in order, then
        :data:`TEXT_MAX_SURPRISE` where its inputs are among ``names`` and the set keeps it.

    Raises:
        ValueError: On an unknown set.

    Example:
        >>> select_features(["text.p_bot", "acct.max_dup_cluster_size"], "pattern")
        ('text.p_bot',)
    """
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"feature set {feature_set!r}: choose one of {tuple(FEATURE_SETS)}")
    left_out = set(FEATURE_SETS[feature_set])
    derived = (TEXT_MAX_SURPRISE,) if (set(SURPRISE_INPUTS) <= set(names)
                                      and TEXT_MAX_SURPRISE not in names) else ()
    return tuple(n for n in (*names, *derived) if n not in left_out)


@dataclass(frozen=True)
class FeatureTable:
    """A float matrix with named columns.

    Args:
        names: Column names, unique.
        values: Array of shape (n, len(names)).

    Raises:
        ValueError: On a shape mismatch or duplicate names.
    """

    names: tuple[str, ...]
    values: np.ndarray

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.names):
            raise ValueError(
                f"feature matrix of shape {self.values.shape} does not match "
                f"{len(self.names)} names"
            )
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"duplicate feature names in {self.names}")

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def column(self, name: str) -> np.ndarray:
        """Return one column by name.

        Args:
            name: Feature name.

        Returns:
            The column, shape (n,).

        Raises:
            KeyError: If the feature is absent, listing what is present.
        """
        try:
            return self.values[:, self.names.index(name)]
        except ValueError:
            raise KeyError(
                f"feature {name!r} is not available; present: {', '.join(self.names)}"
            ) from None

    def select(self, names: Sequence[str]) -> np.ndarray:
        """Return the columns ``names`` in that order.

        Args:
            names: Feature names a fusion model was built on.

        Returns:
            Array of shape (n, len(names)).

        Raises:
            KeyError: If any is missing (the model needs detectors or a text model that
                this scorer does not run).
        """
        index = {n: i for i, n in enumerate(self.names)}
        missing = [n for n in names if n not in index]
        if missing:
            raise KeyError(
                f"fusion needs features {missing} that this scorer does not produce; "
                "run the same detectors (and text model) the fusion was trained with"
            )
        return self.values[:, [index[n] for n in names]]

    @staticmethod
    def concat(tables: Sequence[FeatureTable]) -> FeatureTable:
        """Stack tables with identical names row-wise.

        Args:
            tables: Tables with the same column names.

        Returns:
            One table.

        Raises:
            ValueError: If names differ or nothing is given.
        """
        if not tables:
            raise ValueError("nothing to concatenate")
        names = tables[0].names
        for t in tables[1:]:
            if t.names != names:
                raise ValueError("feature tables have different columns; cannot stack")
        return FeatureTable(names, np.concatenate([t.values for t in tables], axis=0))


_FLAG_BY_FEATURE: tuple[tuple[str, str], ...] = (
    ("timing.lockstep", "lockstep"),
    ("text.", "text"),
    ("acct.text_", "text"),
    ("cluster.", "text"),
    ("dup.", "near_duplicate"),
    ("acct.min_dup", "near_duplicate"),
    ("acct.share_crowd", "near_duplicate"),
    ("acct.max_dup", "near_duplicate"),
    ("tpl.", "templated"),
    ("acct.max_tpl", "templated"),
    ("timing.", "machine_posted"),
    ("acct.", "machine_posted"),
    ("norm.", "spam_content"),
)
"""Feature-name prefix -> the verdict flag it is evidence for (first match wins).
Cross-room counts go with their detector's flag: a reason's flag must name a behaviour
the comment shows, and "one room only" can raise a score without being cross-room."""

TEXT_FORM_FEATURES: frozenset[str] = frozenset({
    "norm.orig_length", "norm.max_run", "norm.n_runs_collapsed", "norm.max_unit_repeat",
    "norm.share_non_cjk",
})
"""Normaliser features that describe a line's FORM (length, repeated characters, script)
rather than anything done to it to evade. In context they raise a score (a one-character
line from a fresh account in a burst) but they never name a reason: a chanted 草 or ？
is not spam content. Reasons leave their credit out (measured on the 25 whole real
sessions: 395 of 2,786 fused false alarms were one-character chants explained as
``spam_content`` by these features)."""

FLAG_EVIDENCE_SOURCE: dict[str, str] = {
    "near_duplicate": "dup",
    "templated": "tpl",
    "machine_posted": "timing",
    "lockstep": "timing",
    "spam_content": "norm",
}
"""Verdict flag -> the detector whose per-comment evidence explains it."""


def flag_of_feature(name: str) -> str:
    """The verdict flag a combiner feature is evidence for.

    Args:
        name: Qualified feature name.

    Returns:
        One of ``detectors.base.FLAGS``.

    Raises:
        ValueError: For a feature of no known source.

    Example:
        >>> flag_of_feature("timing.burst_accounts_2s"), flag_of_feature("acct.text_max")
        ('machine_posted', 'text')
    """
    for prefix, flag in _FLAG_BY_FEATURE:
        if name.startswith(prefix):
            return flag
    raise ValueError(f"feature {name!r} has no flag; add its prefix to _FLAG_BY_FEATURE")


def normalizer_feature_names() -> tuple[str, ...]:
    """Names of the normaliser's numeric features (tuples count as their length).

    Returns:
        ``norm.<field>`` names in the dataclass field order.
    """
    return tuple(f"norm.{f.name}" for f in dataclasses.fields(NormalizationFeatures))


_NORMALIZER_FIELDS = tuple(f.name for f in dataclasses.fields(NormalizationFeatures))
_COUNTED_FIELDS = frozenset(  # collections, counted by their length
    f.name for f in dataclasses.fields(NormalizationFeatures)
    if isinstance(f.default, tuple | list | frozenset | set))


def _normalizer_matrix(normalized: Sequence[NormalizedText]) -> np.ndarray:
    """The normaliser's features of each text as float32 rows (:func:`normalizer_feature_names`
    order), filled column by column (one numpy assignment per field, not per value)."""
    features = [item.features for item in normalized]
    rows = np.zeros((len(features), len(_NORMALIZER_FIELDS)), dtype=np.float32)
    for j, name in enumerate(_NORMALIZER_FIELDS):
        column = list(map(operator.attrgetter(name), features))
        rows[:, j] = list(map(len, column)) if name in _COUNTED_FIELDS else column
    return rows


def _group_codes(keys: Sequence[Hashable | None]) -> np.ndarray:
    """Integer code per key (first-seen order), -1 for None."""
    codes: dict[Hashable, int] = {}
    return np.array([-1 if k is None else codes.setdefault(k, len(codes)) for k in keys],
                    dtype=np.int64)


@dataclass(frozen=True)
class GroupTextStats:
    """Text-score statistics of each row's group (rows with code -1 form their own group).

    Args:
        count: Rows in the group (0 for rows without a group).
        mean: Mean score of the group (the row's own score without a group).
        max: Highest score of the group (own score without a group).
        share_above: Share of the group's rows scoring at least the threshold.
        mean_others: Mean score of the group's OTHER rows (NaN when there are none).
    """

    count: np.ndarray
    mean: np.ndarray
    max: np.ndarray
    share_above: np.ndarray
    mean_others: np.ndarray


def group_text_stats(codes: np.ndarray, scores: np.ndarray, threshold: float) -> GroupTextStats:
    """Aggregate text scores per group, broadcast back to the rows.

    Args:
        codes: Group code per row (``>= 0``), -1 where the row has no group.
        scores: Text-model score per row.
        threshold: Score counted as "above" in ``share_above``.

    Returns:
        Per-row statistics of the row's group.

    Example:
        >>> s = group_text_stats(np.array([0, 0, -1]), np.array([0.2, 0.6, 0.9]), 0.5)
        >>> s.mean.round(2).tolist(), s.count.tolist(), s.mean_others.round(2).tolist()
        ([0.4, 0.4, 0.9], [2.0, 2.0, 0.0], [0.6, 0.2, nan])
    """
    scores = np.asarray(scores, dtype=np.float64)
    above = (scores >= threshold).astype(np.float64)
    grouped = codes >= 0
    g = codes[grouped]
    n_groups = int(g.max()) + 1 if len(g) else 0
    count_g = np.bincount(g, minlength=n_groups).astype(np.float64)
    sum_g = np.bincount(g, weights=scores[grouped], minlength=n_groups)
    above_g = np.bincount(g, weights=above[grouped], minlength=n_groups)
    max_g = np.full(n_groups, -np.inf)
    np.maximum.at(max_g, g, scores[grouped])
    count = np.zeros(len(scores))
    mean, top, share = scores.copy(), scores.copy(), above.copy()
    others = np.full(len(scores), np.nan)
    count[grouped] = count_g[g]
    mean[grouped] = sum_g[g] / count_g[g]
    top[grouped] = max_g[g]
    share[grouped] = above_g[g] / count_g[g]
    multi = grouped & (count > 1)
    others[multi] = (sum_g[codes[multi]] - scores[multi]) / (count[multi] - 1)
    return GroupTextStats(count, mean, top, share, others)


def text_aggregate_features(
    user_ids: Sequence[str | None],
    text_scores: np.ndarray,
    outputs: Sequence[DetectorOutput] = (),
    threshold: float = 0.5,
) -> FeatureTable:
    """Account- and cluster-level aggregates of the text score within one room slice.

    Computed over the whole slice handed to the scorer (at most ``max_slice`` comments of
    one room), so memory stays bounded; a room split into several slices is aggregated
    per slice. Neutral values: a comment without ``user_id`` (a guest) gets
    ``acct.n_comments = 0`` and aggregates over itself alone (mean = max = its own score,
    ``acct.text_mean_others`` NaN, as for a one-comment account); a comment outside any
    near-duplicate cluster / template seen twice gets its own score as the cluster mean.

    Args:
        user_ids: Account per comment (None for guests).
        text_scores: Text-model bot probability per comment.
        outputs: Detector outputs of the slice (``dup``/``tpl`` evidence gives groups).
        threshold: Text score counted as bot-like in ``acct.text_share_above``.

    Returns:
        A table with :data:`ACCOUNT_TEXT_FEATURES` + :data:`CLUSTER_TEXT_FEATURES`.

    Raises:
        ValueError: If the lengths differ.
    """
    scores = np.asarray(text_scores, dtype=np.float64)
    if len(user_ids) != len(scores):
        raise ValueError(f"{len(user_ids)} user ids for {len(scores)} text scores")
    acct = group_text_stats(_group_codes(user_ids), scores, threshold)
    columns = [acct.count, acct.mean, acct.max, acct.share_above, acct.mean_others]
    evidence_of = {o.name: o.evidence for o in outputs}
    for source, key in CLUSTER_KEYS.items():
        evidence = evidence_of.get(source) or []
        keys = [evidence[i].get(key) if i < len(evidence) else None for i in range(len(scores))]
        columns.append(group_text_stats(_group_codes(keys), scores, threshold).mean)
    return FeatureTable(ACCOUNT_TEXT_FEATURES + CLUSTER_TEXT_FEATURES,
                        np.stack(columns, axis=1).astype(np.float32).reshape(len(scores), -1))


def account_evidence_features(
    user_ids: Sequence[str | None], table: FeatureTable
) -> FeatureTable:
    """Per-account maxima of detector evidence within one room slice.

    A bot account that posts one line into a big near-duplicate cluster or lockstep burst
    usually posts its other lines the same way; the account's strongest evidence in the
    slice is carried to all its comments. Same grouping as the text aggregates
    (:func:`group_text_stats`): a guest (no ``user_id``) is its own group. A missing value
    (NaN, e.g. timing without timestamps) counts as 0 (no evidence); a detector that did
    not run gives a NaN column, which the combiner fills like any missing value.

    Args:
        user_ids: Account per row (None for guests).
        table: Detector (and other) features of the same rows.

    Returns:
        A table with :data:`ACCOUNT_EVIDENCE_FEATURES`.

    Raises:
        ValueError: If the lengths differ.

    Example:
        >>> t = FeatureTable(("dup.cluster_size",), np.array([[1.0], [9.0], [2.0]]))
        >>> account_evidence_features(["a", "a", None], t).column(
        ...     "acct.max_dup_cluster_size").tolist()
        [9.0, 9.0, 2.0]
    """
    if len(user_ids) != len(table):
        raise ValueError(f"{len(user_ids)} user ids for {len(table)} feature rows")
    codes = _group_codes(user_ids)
    columns: list[np.ndarray] = []
    for name in ACCOUNT_EVIDENCE_SOURCES:
        if name not in table.names:
            columns.append(np.full(len(table), np.nan))
            continue
        values = np.nan_to_num(table.column(name).astype(np.float64), nan=0.0)
        columns.append(group_text_stats(codes, values, threshold=np.inf).max)
    return FeatureTable(ACCOUNT_EVIDENCE_FEATURES,
                        np.stack(columns, axis=1).astype(np.float32).reshape(len(table), -1))


def cluster_delay(codes: np.ndarray, ts: np.ndarray, window: float = DELAY_WINDOW_S
                  ) -> np.ndarray:
    """Seconds since the earliest comment of the same cluster within the look-back window.

    Args:
        codes: Cluster code per row, -1 for rows outside any cluster (delay 0).
        ts: Timestamp per row (NaN when unknown: delay NaN).
        window: Look-back window in seconds.

    Returns:
        Delay per row (0 for the first comment of a burst).

    Example:
        >>> cluster_delay(np.array([0, 0, 1, 0]), np.array([10.0, 11.5, 12.0, 50.0])).tolist()
        [0.0, 1.5, 0.0, 0.0]
    """
    delay = np.zeros(len(codes))
    known = (codes >= 0) & np.isfinite(ts)
    delay[~np.isfinite(ts)] = np.nan
    idx = np.flatnonzero(known)
    if len(idx) == 0:
        return delay
    rel = ts[idx] - ts[idx].min()
    span = float(rel.max()) + 2 * window + 1.0
    key = codes[idx].astype(np.float64) * span + rel  # sorts by cluster, then time
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.searchsorted(sorted_key, sorted_key - window, side="left")
    delay[idx[order]] = sorted_key - sorted_key[first]
    return delay


def pattern_features(
    user_ids: Sequence[str | None],
    timestamps: Sequence[float | None] | np.ndarray,
    table: FeatureTable,
    outputs: Sequence[DetectorOutput],
) -> FeatureTable:
    """Posting-pattern features (:data:`PATTERN_FEATURES`) of one room slice.

    A guest (no ``user_id``) is its own account. Missing detector columns give NaN.

    Args:
        user_ids: Account per row (None for guests).
        timestamps: Unix seconds per row (None/NaN when unknown).
        table: Detector features of the same rows (``dup.cluster_size``,
            ``dup.cluster_distinct_users``).
        outputs: Detector outputs (``dup`` evidence gives the cluster ids).

    Returns:
        A table with :data:`PATTERN_FEATURES`.

    Raises:
        ValueError: If the lengths differ.
    """
    n = len(table)
    if len(user_ids) != n or len(timestamps) != n:
        raise ValueError(f"{len(user_ids)} user ids / {len(timestamps)} timestamps "
                         f"for {n} feature rows")
    if CLUSTER_SIZE not in table.names:
        return FeatureTable(PATTERN_FEATURES, np.full((n, len(PATTERN_FEATURES)), np.nan,
                                                      dtype=np.float32))
    codes = _group_codes(user_ids)
    size = np.nan_to_num(table.column(CLUSTER_SIZE).astype(np.float64), nan=1.0)
    smallest = -group_text_stats(codes, -size, threshold=np.inf).max
    users = np.nan_to_num(table.column(CLUSTER_USERS).astype(np.float64))
    crowd = group_text_stats(codes, (users >= CROWD_MIN_USERS).astype(np.float64), 0.5).mean
    evidence = next((o.evidence for o in outputs if o.name == "dup"), [])
    keys = [evidence[i].get(CLUSTER_KEYS["dup"]) if i < len(evidence) else None
            for i in range(n)]
    ts = np.array([np.nan if t is None else t for t in timestamps], dtype=np.float64)
    delay = cluster_delay(_group_codes(keys), ts)
    return FeatureTable(PATTERN_FEATURES,
                        np.stack([smallest, crowd, delay], axis=1).astype(np.float32))


def assemble_features(
    outputs: Sequence[DetectorOutput],
    normalized: Sequence[NormalizedText],
    text_scores: np.ndarray | None = None,
    user_ids: Sequence[str | None] | None = None,
    text_threshold: float = 0.5,
    timestamps: Sequence[float | None] | None = None,
) -> FeatureTable:
    """Build the feature table of one batch.

    Args:
        outputs: One output per detector, all for the same comments.
        normalized: Normal forms of the comments (normaliser features).
        text_scores: Bot probability per comment from the text model, or None.
        user_ids: Account per comment; adds the per-account detector-evidence maxima
            (:func:`account_evidence_features`) and, with ``text_scores``, the account-
            and cluster-level text aggregates (:func:`text_aggregate_features`).
        text_threshold: Text score counted as bot-like in the aggregates.
        timestamps: Unix seconds per comment; with ``user_ids`` adds the posting-pattern
            features (:func:`pattern_features`).

    Returns:
        A float32 table; NaN marks a missing value (e.g. no timestamp), fusion fills it.

    Raises:
        ValueError: If a detector returned a feature of the wrong length.
    """
    n = len(normalized)
    names: list[str] = list(normalizer_feature_names())
    columns: list[np.ndarray] = [_normalizer_matrix(normalized)]
    for out in outputs:
        for fname in sorted(out.features):
            col = np.asarray(out.features[fname], dtype=np.float32)
            if col.shape != (n,):
                raise ValueError(
                    f"detector {out.name!r} feature {fname!r} has shape {col.shape}, "
                    f"expected ({n},)"
                )
            names.append(feature_name(out.name, fname))
            columns.append(col[:, None])
    if text_scores is not None:
        names.append(TEXT_SCORE_FEATURE)
        columns.append(np.asarray(text_scores, dtype=np.float32).reshape(n, 1))
        if user_ids is not None:
            agg = text_aggregate_features(user_ids, text_scores, outputs, text_threshold)
            names.extend(agg.names)
            columns.append(agg.values)
    table = FeatureTable(tuple(names), np.concatenate(columns, axis=1))
    if user_ids is None:
        return table
    extra = [account_evidence_features(user_ids, table)]
    if timestamps is not None:
        extra.append(pattern_features(user_ids, timestamps, table, outputs))
    return FeatureTable(table.names + tuple(n for t in extra for n in t.names),
                        np.concatenate([table.values] + [t.values for t in extra], axis=1))
