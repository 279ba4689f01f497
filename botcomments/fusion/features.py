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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.detectors.base import DetectorOutput
from botcomments.text.normalize import NormalizationFeatures, NormalizedText

TEXT_SCORE_FEATURE = "text.p_bot"
"""Name of the text model's bot probability in the feature table."""


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


def normalizer_feature_names() -> tuple[str, ...]:
    """Names of the normaliser's numeric features (tuples count as their length).

    Returns:
        ``norm.<field>`` names in the dataclass field order.
    """
    return tuple(f"norm.{f.name}" for f in dataclasses.fields(NormalizationFeatures))


def _normalizer_matrix(normalized: Sequence[NormalizedText]) -> np.ndarray:
    fields = [f.name for f in dataclasses.fields(NormalizationFeatures)]
    rows = np.zeros((len(normalized), len(fields)), dtype=np.float32)
    for i, item in enumerate(normalized):
        for j, name in enumerate(fields):
            value = getattr(item.features, name)
            rows[i, j] = len(value) if isinstance(value, (tuple, list, frozenset, set)) else value
    return rows


def assemble_features(
    outputs: Sequence[DetectorOutput],
    normalized: Sequence[NormalizedText],
    text_scores: np.ndarray | None = None,
) -> FeatureTable:
    """Build the feature table of one batch.

    Args:
        outputs: One output per detector, all for the same comments.
        normalized: Normal forms of the comments (normaliser features).
        text_scores: Bot probability per comment from the text model, or None.

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
    return FeatureTable(tuple(names), np.concatenate(columns, axis=1))
