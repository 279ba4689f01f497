"""Prediction-side pieces of fitted models, in numpy only (no scikit-learn at run time).

The combiner (:mod:`botcomments.fusion.learned`) and the quantifier's account stage
(:mod:`botcomments.quantify.accounts`) store what they learned as plain JSON: the
preprocessing of their inputs, regression trees as flat node arrays, and a calibration
map. These classes evaluate them; fitting them lives in the training layer
(``botcomments_training.fitting``).

Example:
    >>> import numpy as np
    >>> tree = TreeArrays(np.array([1, -1, -1]), np.array([2, -1, -1]), np.array([0, 0, 0]),
    ...                   np.array([0.5, 0.0, 0.0]), np.array([0.0, -1.0, 1.0]))
    >>> tree.predict(np.array([[0.2], [0.9]], dtype=np.float32)).tolist()
    [-1.0, 1.0]
    >>> float(boosted_log_odds([tree], np.array([[0.9]], dtype=np.float32), 0.5, 0.1)[0])
    0.6
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.segments import distinct_rows

LEAF_WALK_CELLS = 1 << 18
"""Rows x trees walked at once by :meth:`TreeStack.leaf_values`: its temporaries are a few
arrays of this many cells (at most 2 MiB each), whatever the number of rows. Small enough
to stay in the CPU caches: 20,000 rows through the shipped combiner's 300 trees took
0.29 s in blocks of 2**20 cells, 0.08 s in blocks of 2**18 (heap walk, 2-core machine)."""

HEAP_MAX_DEPTH = 12
"""Deepest stack walked in heap layout (:class:`_HeapTrees`, 2**depth leaves per tree:
4,096 at 12); deeper stacks walk their own node arrays (:class:`_FlatTrees`), slower."""


def signed_log1p(x: np.ndarray) -> np.ndarray:
    """``sign(x) * log1p(|x|)``: compresses heavy-tailed counts, keeps the sign."""
    return np.sign(x) * np.log1p(np.abs(x))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, clipped so that huge log-odds do not overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def logit(p: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities clipped to [1e-6, 1 - 1e-6]."""
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


@dataclass(frozen=True)
class Preprocessor:
    """Missing-value fill, signed log1p and standardisation, per feature.

    Args:
        fill: Value used for NaN, per feature (training median).
        mean: Mean after the log transform.
        scale: Standard deviation after the log transform (1 where constant).
    """

    fill: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Apply to a raw matrix.

        Args:
            x: Raw features (n, d).

        Returns:
            Standardised float64 matrix.
        """
        fill = np.asarray(self.fill)
        z = signed_log1p(np.where(np.isnan(x), fill, x.astype(np.float64)))
        return (z - np.asarray(self.mean)) / np.asarray(self.scale)



@dataclass(frozen=True)
class TreeArrays:
    """One regression tree as flat node arrays (scikit-learn layout).

    Args:
        left: Left child per node, -1 at leaves.
        right: Right child per node, -1 at leaves.
        feature: Split feature per node.
        threshold: Split threshold per node (go left when ``x <= threshold``).
        value: Leaf value per node.
    """

    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray

    def predict(self, x32: np.ndarray) -> np.ndarray:
        """Evaluate the tree on float32 inputs, vectorised over rows.

        Args:
            x32: Matrix (n, d) as float32 (scikit-learn compares in float32).

        Returns:
            Leaf values, shape (n,).
        """
        node = np.zeros(len(x32), dtype=np.int64)
        rows = np.arange(len(x32))
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                break
            go_left = x32[rows, self.feature[node]] <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(inner, nxt, node)
        return self.value[node]

    def contributions(self, x32: np.ndarray) -> np.ndarray:
        """Per-feature share of each row's leaf value (Saabas path attribution).

        Walking a row down the tree, each split moves the node value from the parent's
        to the child's; the difference is credited to the split feature. The credits
        of a row sum to its leaf value minus the root value.

        Args:
            x32: Matrix (n, d) as float32.

        Returns:
            Credits, shape (n, d).
        """
        out = np.zeros(x32.shape, dtype=np.float64)
        node = np.zeros(len(x32), dtype=np.int64)
        rows = np.arange(len(x32))
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                break
            r, cur = rows[inner], node[inner]
            feat = self.feature[cur]
            go_left = x32[r, feat] <= self.threshold[cur]
            nxt = np.where(go_left, self.left[cur], self.right[cur])
            np.add.at(out, (r, feat), self.value[nxt] - self.value[cur])
            node[inner] = nxt
        return out

    def to_json(self) -> dict[str, list[Any]]:
        """Return JSON-ready lists."""
        return {
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "value": self.value.tolist(),
        }

    @staticmethod
    def from_json(d: dict[str, list[Any]]) -> TreeArrays:
        """Rebuild from ``to_json`` output."""
        return TreeArrays(
            left=np.asarray(d["left"], dtype=np.int64),
            right=np.asarray(d["right"], dtype=np.int64),
            feature=np.asarray(d["feature"], dtype=np.int64),
            threshold=np.asarray(d["threshold"], dtype=np.float64),
            value=np.asarray(d["value"], dtype=np.float64),
        )


@dataclass(frozen=True)
class _HeapTrees:
    """A :class:`TreeStack` as complete binary trees of the stack's depth in heap order.

    Node ``h`` of a tree has children ``2h + 1`` and ``2h + 2``, so a walk steps by
    arithmetic instead of gathering child ids: about 3x faster than :class:`_FlatTrees`
    for the shipped combiner (300 trees of depth 4). A leaf above the last level becomes a
    split whose every leaf below holds its value, so the way taken there cannot matter.

    Args:
        feature: Split feature per tree and inner heap node, tree-major (n_trees * (2**depth - 1)).
        threshold: float32 split thresholds: the largest float32 at most the tree's float64
            threshold, so ``x32 <= threshold`` holds exactly when it held in float64 (NaN
            fails both: right).
        value: Leaf values, tree-major (n_trees * 2**depth).
        n_trees: Trees.
        depth: Levels walked.
    """

    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray
    n_trees: int
    depth: int

    @staticmethod
    def of(stack: TreeStack) -> _HeapTrees | None:
        """Lay a stack out as heaps, level by level for all trees at once.

        Args:
            stack: The trees.

        Returns:
            The heaps, or None when the stack is deeper than :data:`HEAP_MAX_DEPTH`.
        """
        n_trees = len(stack.left)
        tree = np.arange(n_trees)[:, None]
        node = np.zeros((n_trees, 1), dtype=np.int64)  # original node at each heap slot
        features: list[np.ndarray] = []
        thresholds: list[np.ndarray] = []
        while n_trees and (inner := stack.left[tree, node] >= 0).any():
            if len(features) == HEAP_MAX_DEPTH:
                return None
            features.append(np.where(inner, stack.feature[tree, node], 0))
            thresholds.append(np.where(inner, stack.threshold[tree, node], np.inf))
            node = np.stack([np.where(inner, stack.left[tree, node], node),
                             np.where(inner, stack.right[tree, node], node)],
                            axis=2).reshape(n_trees, -1)  # slot j's children: 2j, 2j + 1
        threshold = np.concatenate(thresholds, axis=1).ravel() if features else np.zeros(0)
        with np.errstate(over="ignore"):  # beyond float32's range: +-inf, then stepped in
            t32 = threshold.astype(np.float32)
        above = t32.astype(np.float64) > threshold
        t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
        feature = np.concatenate(features, axis=1).ravel() if features else np.zeros(0)
        return _HeapTrees(feature.astype(np.int32), t32, stack.value[tree, node].ravel(),
                          n_trees, len(features))

    def walk(self, x32: np.ndarray) -> np.ndarray:
        """Leaf values of a block of rows, every tree walked level by level at once.

        Args:
            x32: Matrix (n, d) as float32.

        Returns:
            Values, shape (n, n_trees).
        """
        n_rows, n_inner = len(x32), (1 << self.depth) - 1
        # the largest index: a row's feature offset, or a node id doubled in a step
        index = np.int32 if max(x32.size, self.n_trees << (self.depth + 1)) < 2**31 else np.int64
        x = np.ascontiguousarray(x32, dtype=np.float32).ravel()
        row_base = (np.arange(n_rows, dtype=index) * x32.shape[1])[:, None]
        tree_base = np.arange(self.n_trees, dtype=index) * n_inner
        # global inner-node id: tree_base + h; its children: 2 * id + 1 - tree_base (+ 1)
        node = np.repeat(tree_base[None, :], n_rows, axis=0)
        step = (1 - tree_base).astype(index)
        at = np.empty_like(node)
        seen = np.empty(node.shape, dtype=np.float32)
        split = np.empty(node.shape, dtype=np.float32)
        right = np.empty(node.shape, dtype=bool)
        for _ in range(self.depth):  # in place: a few passes over (rows, trees) per level
            np.take(self.feature, node, out=at)
            at += row_base
            np.take(x, at, out=seen)
            np.take(self.threshold, node, out=split)
            np.less_equal(seen, split, out=right)
            np.logical_not(right, out=right)  # NaN goes right
            node *= 2
            node += step
            node += right
        # now tree_base + h with h in the last level: leaf h - n_inner of its tree
        node -= tree_base - (np.arange(self.n_trees, dtype=index) << self.depth) + n_inner
        return self.value[node]


@dataclass(frozen=True)
class _FlatTrees:
    """A :class:`TreeStack` as 1-D arrays over global node ids (``tree * width + node``);
    leaves and padding are their own children, so a walk may run ``depth`` levels blind."""

    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    depth: int

    @staticmethod
    def of(stack: TreeStack) -> _FlatTrees:
        """Flatten a stack.

        Args:
            stack: The trees.

        Returns:
            The flat arrays and the deepest leaf's depth.
        """
        n_trees, width = stack.left.shape
        own = np.arange(n_trees * width).reshape(n_trees, width)
        offset = (np.arange(n_trees) * width)[:, None]
        inner = stack.left >= 0
        left = np.where(inner, stack.left + offset, own).ravel()
        right = np.where(inner, stack.right + offset, own).ravel()
        roots = offset.ravel()
        is_inner = inner.ravel()
        depth, frontier = 0, roots
        while frontier.size and is_inner[frontier].any():
            frontier = frontier[is_inner[frontier]]
            frontier = np.concatenate([left[frontier], right[frontier]])
            depth += 1
        return _FlatTrees(left, right, stack.feature.ravel(), stack.threshold.ravel(),
                          stack.value.ravel(), roots, depth)


@dataclass(frozen=True)
class TreeStack:
    """All trees of an ensemble padded into (n_trees, max_nodes) arrays, walked together.

    Walking tree by tree costs a few numpy calls per level per tree: ~3.5 ms for 100
    trees even on one row, which dominated scoring archives of many tiny rooms. Walking
    every tree at once costs a few calls per level.

    Args:
        left: Left child per tree and node (-1 at leaves and padding).
        right: Right child.
        feature: Split feature.
        threshold: Split threshold (go left when ``x <= threshold``).
        value: Node value.
    """

    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray

    @staticmethod
    def of(trees: Sequence[TreeArrays]) -> TreeStack:
        """Stack trees (an empty ensemble gives zero trees).

        Args:
            trees: The trees.

        Returns:
            The stack.
        """
        width = max((len(t.left) for t in trees), default=1)

        def pad(name: str, fill: float, dtype: type) -> np.ndarray:
            out: np.ndarray = np.full((len(trees), width), fill, dtype=dtype)
            for i, t in enumerate(trees):
                column = getattr(t, name)
                out[i, : len(column)] = column
            return out

        return TreeStack(pad("left", -1, np.int64), pad("right", -1, np.int64),
                         pad("feature", 0, np.int64), pad("threshold", 0.0, np.float64),
                         pad("value", 0.0, np.float64))

    def leaf_values(self, x32: np.ndarray) -> np.ndarray:
        """Each tree's leaf value for each row (same comparisons as :meth:`TreeArrays.predict`).

        Args:
            x32: Matrix (n, d) as float32.

        Returns:
            Values, shape (n, n_trees).
        """
        heap = self._heap
        return self._in_row_blocks(x32, self._walk if heap is None else heap.walk,
                                   len(self.left))

    def _in_row_blocks(self, x32: np.ndarray, walk: Callable[[np.ndarray], np.ndarray],
                       width: int) -> np.ndarray:
        """``walk`` over blocks of rows (its temporaries are (rows, trees) arrays, kept to
        :data:`LEAF_WALK_CELLS` cells), results stacked into an (n, ``width``) array."""
        out = np.empty((len(x32), width), dtype=np.float64)
        step = max(1, LEAF_WALK_CELLS // max(len(self.left), 1))
        for start in range(0, len(x32), step):
            block = x32[start:start + step]
            out[start:start + len(block)] = walk(block)
        return out

    @functools.cached_property
    def _heap(self) -> _HeapTrees | None:
        """The stack in heap layout (computed once per stack), None when too deep."""
        return _HeapTrees.of(self)

    @functools.cached_property
    def _flat(self) -> _FlatTrees:
        """The stack as flat node arrays (computed once per stack)."""
        return _FlatTrees.of(self)

    def _walk(self, x32: np.ndarray) -> np.ndarray:
        """Leaf values of a block of rows: all trees walked level by level at once
        (stacks deeper than :data:`HEAP_MAX_DEPTH`; the others walk :class:`_HeapTrees`).

        Flat global node ids with leaves pointing at themselves, so every level is a few
        1-D gathers and one ``where`` over the (rows, trees) block, for the stack's depth.
        Same comparisons as :meth:`TreeArrays.predict` (``x <= threshold`` goes left; NaN
        goes right), so the same leaves.
        """
        flat = self._flat
        x = np.ascontiguousarray(x32).ravel()
        row_base = (np.arange(len(x32)) * x32.shape[1])[:, None]
        node = np.broadcast_to(flat.roots, (len(x32), len(flat.roots)))
        for _ in range(flat.depth):
            go_left = x[row_base + flat.feature[node]] <= flat.threshold[node]
            node = np.where(go_left, flat.left[node], flat.right[node])
        return flat.value[node]

    def contributions(self, x32: np.ndarray, learning_rate: float) -> np.ndarray:
        """Per-feature credits of the ensemble's log-odds, every tree walked at once.

        The same Saabas path attribution as :meth:`TreeArrays.contributions` summed over the
        trees and scaled by ``learning_rate``; only the order of the float additions differs
        (a few ulps). Rows go in blocks like :meth:`leaf_values`.

        Args:
            x32: Matrix (n, d) as float32.
            learning_rate: Shrinkage applied to every tree.

        Returns:
            Credits in log-odds, shape (n, d).
        """
        return self._in_row_blocks(x32, lambda block: self._credits(block, learning_rate),
                                   x32.shape[1])

    def _credits(self, x32: np.ndarray, learning_rate: float) -> np.ndarray:
        """Credits of a block of rows: per level, each (row, tree) step credits its feature."""
        n_rows, n_features = x32.shape
        credits = np.zeros(n_rows * n_features, dtype=np.float64)
        node = np.zeros((n_rows, len(self.left)), dtype=np.int64)
        tree = np.arange(len(self.left))[None, :]
        rows = np.broadcast_to(np.arange(n_rows)[:, None], node.shape)
        while True:
            inner = self.left[tree, node] >= 0
            if not inner.any():
                break
            feat = self.feature[tree, node]
            go_left = x32[rows, feat] <= self.threshold[tree, node]
            nxt = np.where(inner, np.where(go_left, self.left[tree, node],
                                           self.right[tree, node]), node)
            step = self.value[tree, nxt] - self.value[tree, node]  # 0 where already a leaf
            credits += np.bincount((rows * n_features + feat)[inner], weights=step[inner],
                                   minlength=credits.size)
            node = nxt
        return learning_rate * credits.reshape(n_rows, n_features)


def boosted_log_odds(
    trees: Sequence[TreeArrays] | TreeStack,
    x32: np.ndarray,
    learning_rate: float,
    intercept: float,
) -> np.ndarray:
    """Raw score of a gradient-boosted ensemble: ``intercept + lr * sum(tree(x))``.

    Args:
        trees: The ensemble's regression trees (stack them once with :meth:`TreeStack.of`
            when scoring many small batches).
        x32: Inputs (n, d) as float32.
        learning_rate: Shrinkage applied to every tree.
        intercept: Initial raw score.

    Returns:
        Log-odds, shape (n,).
    """
    stack = trees if isinstance(trees, TreeStack) else TreeStack.of(trees)
    # bit-identical rows walk the trees once (many small rooms repeat rows; sorting the
    # rows costs ~3 % of a walk of 100 trees when none repeat)
    first, inverse = distinct_rows(x32)
    if len(first) < len(x32):
        return _log_odds(stack, x32[first], learning_rate, intercept)[inverse]
    return _log_odds(stack, x32, learning_rate, intercept)


def _log_odds(stack: TreeStack, x32: np.ndarray, learning_rate: float, intercept: float
              ) -> np.ndarray:
    """:func:`boosted_log_odds` of every row of ``x32``, in blocks of rows whose (rows,
    trees) temporaries stay within :data:`LEAF_WALK_CELLS` cells (the account stage
    scores a whole report chunk at once: 100,000 rows x 100 trees made three 80 MB
    arrays)."""
    result = np.empty(len(x32), dtype=np.float64)
    step = max(1, LEAF_WALK_CELLS // max(len(stack.left), 1))
    for start in range(0, len(x32), step):
        values = stack.leaf_values(x32[start:start + step])
        steps = np.empty((len(values), values.shape[1] + 1))
        steps[:, 0] = float(intercept)
        np.multiply(learning_rate, values, out=steps[:, 1:])
        # add.accumulate sums left to right: the same float sums as adding tree by tree,
        # in one call instead of one per tree (~0.35 ms for 300 trees even on one row)
        result[start:start + len(values)] = np.add.accumulate(steps, axis=1)[:, -1]
    return result


def boosted_contributions(
    trees: Sequence[TreeArrays] | TreeStack, x32: np.ndarray, learning_rate: float
) -> np.ndarray:
    """Per-feature credits of a boosted ensemble's log-odds (see :meth:`TreeArrays.contributions`).

    Args:
        trees: The ensemble's regression trees, or their :class:`TreeStack` (walked at
            once: a few numpy calls per level instead of per tree and level, which made
            explaining one verdict cost ~17 ms with 300 trees).
        x32: Inputs (n, d) as float32.
        learning_rate: Shrinkage applied to every tree.

    Returns:
        Credits in log-odds, shape (n, d).
    """
    stack = trees if isinstance(trees, TreeStack) else TreeStack.of(trees)
    return stack.contributions(x32, learning_rate)


@dataclass(frozen=True)
class Calibrator:
    """Maps a model's raw probability to a calibrated one.

    Args:
        kind: "isotonic" (piecewise-linear through ``x``/``y``), "platt" (sigmoid of
            ``a * logit(p) + b``) or "none".
        x: Isotonic knots (increasing).
        y: Isotonic values at the knots.
        a: Platt slope.
        b: Platt intercept.
    """

    kind: str = "none"
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def __call__(self, p: np.ndarray) -> np.ndarray:
        if self.kind == "isotonic":
            return np.interp(p, np.asarray(self.x), np.asarray(self.y))
        if self.kind == "platt":
            return sigmoid(self.a * logit(p) + self.b)
        return p
