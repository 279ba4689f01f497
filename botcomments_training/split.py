"""Leakage-safe train/validation split.

Rows are grouped so that copies of one line never sit on both sides: two rows share a
group when they come from the same room or have the same *template key* (the
normalised text with digits masked and emoji, symbols, punctuation and spaces
removed). Groups are the connected components of the row–room–template graph. When
rooms chain almost everything into one component (one template posted in every room),
the split falls back to template groups alone and says so.

Example:
    >>> template_key("主播好美！😍 123")
    '主播好美#'
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from botcomments.text.normalize import Normalizer

logger = logging.getLogger(__name__)

MAX_GROUP_SHARE = 0.5
"""A component bigger than this share of the rows triggers the template-only fallback."""


def template_key(text: str, normalizer: Normalizer | None = None) -> str:
    """Skeleton of a comment: normalised, digit runs masked, decoration removed.

    Args:
        text: Raw text.
        normalizer: Normaliser to use (default: the current version).

    Returns:
        The key; texts that differ only in numbers, emoji or punctuation share it.
    """
    norm = (normalizer or Normalizer())(text).text
    out: list[str] = []
    for ch in norm:
        cat = unicodedata.category(ch)
        if cat == "Nd":
            if not out or out[-1] != "#":
                out.append("#")
        elif cat[0] in "PSZC":
            continue
        else:
            out.append(ch)
    return "".join(out)


def group_ids(
    texts: Sequence[str], rooms: Sequence[str | None], use_rooms: bool = True
) -> np.ndarray:
    """Connected components of rows linked by room and template key.

    Args:
        texts: Raw texts.
        rooms: Room per row (None = no room link).
        use_rooms: Link rows of one room.

    Returns:
        Integer group id per row.
    """
    n = len(texts)
    normalizer = Normalizer()
    node: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, text in enumerate(texts):
        keys = [("t", template_key(text, normalizer))]
        if use_rooms and rooms[i] is not None:
            keys.append(("r", str(rooms[i])))
        for key in keys:
            rows.append(i)
            cols.append(n + node.setdefault(key, len(node)))
    size = n + len(node)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels[:n])


def group_split(
    texts: Sequence[str],
    rooms: Sequence[str | None],
    val_fraction: float = 0.1,
    seed: int = 13,
    labels: Sequence[int] | None = None,
) -> tuple[list[int], list[int]]:
    """Split row indices into train and validation by whole groups.

    With ``labels``, groups are stratified by their majority label so that both
    classes reach validation.

    Args:
        texts: Raw texts.
        rooms: Room per row (None when unknown).
        val_fraction: Target share of rows in validation.
        seed: Shuffle seed.
        labels: Optional 0/1 label per row for stratification.

    Returns:
        ``(train_indices, validation_indices)``, both sorted.

    Raises:
        ValueError: If there are fewer than two groups (nothing can be held out safely).
    """
    groups = group_ids(texts, rooms)
    sizes = np.bincount(groups)
    if len(texts) and sizes.max() > MAX_GROUP_SHARE * len(texts):
        logger.warning(
            "rooms chain %.0f%% of rows into one group; splitting by template groups only",
            100 * sizes.max() / len(texts),
        )
        groups = group_ids(texts, rooms, use_rooms=False)
        sizes = np.bincount(groups)
    if len(sizes) < 2:
        raise ValueError(
            "all rows are copies of one template; cannot hold out validation safely - "
            "pass a --validation file"
        )
    if labels is None:
        strata = np.zeros(len(sizes), dtype=int)
    else:
        bots = np.bincount(groups, weights=np.asarray(labels, dtype=float), minlength=len(sizes))
        strata = (bots * 2 >= sizes).astype(int)
    rng = np.random.default_rng(seed)
    val_groups: set[int] = set()
    for stratum in np.unique(strata):
        members = np.nonzero(strata == stratum)[0]
        val_groups |= _take_groups(members, sizes, val_fraction, rng)
    val = [i for i, g in enumerate(groups) if g in val_groups]
    train = [i for i, g in enumerate(groups) if g not in val_groups]
    return train, val


def _take_groups(
    members: np.ndarray, sizes: np.ndarray, fraction: float, rng: np.random.Generator
) -> set[int]:
    """Random groups adding up to about ``fraction`` of the members' rows (never all)."""
    if len(members) < 2:
        return set()
    target = fraction * sizes[members].sum()
    taken, chosen = 0, set()
    for g in rng.permutation(members):
        if taken >= target:
            break
        if taken + sizes[g] <= max(1.5 * target, 1.0):
            chosen.add(int(g))
            taken += int(sizes[g])
    if not chosen:
        chosen.add(int(members[np.argmin(sizes[members])]))
    return chosen
