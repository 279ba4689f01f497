"""Compositional opinion lines shared by paraphrasing bots and genuine buyers.

Real buyers also write little reviews in chat, so genuine viewers draw from the same
grammar (shorter shapes, with human noise); paraphrasing bots use every shape and
synonym swaps so their lines almost never repeat.

Example:
    >>> import random
    >>> line = opinion_line(random.Random(3))
    >>> isinstance(line, str) and len(line) > 2
    True
"""

from __future__ import annotations

import random

from botcomments.simulate.grammar import TemplateBank
from botcomments.simulate.phrases import (
    PARAPHRASE_JOINERS,
    PARAPHRASE_PARTS,
    PARAPHRASE_SHAPES,
    PARAPHRASE_SYNONYMS,
)

PARTS: dict[str, TemplateBank] = {k: TemplateBank(v) for k, v in PARAPHRASE_PARTS.items()}
SHORT_SHAPES: tuple[tuple[str, ...], ...] = tuple(s for s in PARAPHRASE_SHAPES if len(s) <= 3)


def synonym_swap(text: str, rnd: random.Random, rate: float = 0.5) -> str:
    """Swap words for synonyms (first occurrence per synonym group).

    Args:
        text: Input line.
        rnd: Random source.
        rate: Probability of trying each synonym group.

    Returns:
        The line with some words swapped.
    """
    for group in PARAPHRASE_SYNONYMS:
        if rnd.random() < rate:
            for word in group:
                if word in text:
                    text = text.replace(word, rnd.choice(group), 1)
                    break
    return text


def opinion_line(
    rnd: random.Random, shapes: tuple[tuple[str, ...], ...] = PARAPHRASE_SHAPES
) -> str:
    """Compose one opinion line from the shared phrase parts.

    Args:
        rnd: Random source.
        shapes: Allowed part sequences (each ends with "ending").

    Returns:
        The line.
    """
    shape = rnd.choice(shapes)
    pieces = [PARTS[part].sample(rnd) for part in shape[:-1]]
    text = synonym_swap(rnd.choice(PARAPHRASE_JOINERS).join(pieces), rnd)
    return text + (PARTS["ending"].sample(rnd) if rnd.random() < 0.7 else "")
