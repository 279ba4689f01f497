"""Evasion-proof text normalisation (versioned).

FIRST VERSION: the API below is the contract other modules use; the full technique
set of DESIGN.md §5 is being filled in behind it.

Example:
    >>> n = normalize("主播\u200b好美哈哈哈哈哈")
    >>> n.text, n.features.max_run, n.features.had_zero_width
    ('主播好美哈哈', 5, True)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

NORMALIZER_VERSION = "0"

CONTACT_PLACEHOLDERS: tuple[str, ...] = ("<PHONE>", "<QQ>", "<WECHAT>", "<URL>", "<CONTACT>")


@dataclass(frozen=True, slots=True)
class NormalizationFeatures:
    """What normalisation removed or rewrote; evidence in its own right."""

    orig_length: int = 0
    n_format_chars: int = 0
    n_variant_chars: int = 0
    n_traditional: int = 0
    n_padding: int = 0
    n_emoji: int = 0
    max_run: int = 1
    n_runs_collapsed: int = 0
    masked_contacts: tuple[str, ...] = ()

    @property
    def had_zero_width(self) -> bool:
        """True when format characters (zero-width, bidi, soft hyphen) were stripped."""
        return self.n_format_chars > 0


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normal form and the features of what was removed."""

    text: str
    features: NormalizationFeatures


def normalize(text: str) -> NormalizedText:
    """Normalise one comment.

    Args:
        text: Raw comment text.

    Returns:
        The normal form with its features.
    """
    nfkc = unicodedata.normalize("NFKC", text)
    kept = [ch for ch in nfkc if unicodedata.category(ch) != "Cf"]
    n_format = len(nfkc) - len(kept)
    out: list[str] = []
    max_run = 1 if kept else 0
    n_collapsed = 0
    run = 0
    for i, ch in enumerate(kept):
        run = run + 1 if i and kept[i - 1] == ch else 1
        max_run = max(max_run, run)
        if run <= 2:
            out.append(ch)
        elif run == 3:
            n_collapsed += 1
    return NormalizedText(
        text="".join(out).lower().strip(),
        features=NormalizationFeatures(
            orig_length=len(text),
            n_format_chars=n_format,
            max_run=max_run,
            n_runs_collapsed=n_collapsed,
        ),
    )


class Normalizer:
    """Callable normaliser pinned to a version, saved with every model.

    Args:
        version: Normaliser version the caller expects (defaults to the current one).

    Raises:
        ValueError: If ``version`` is not the version this library implements.
    """

    def __init__(self, version: str = NORMALIZER_VERSION) -> None:
        if version != NORMALIZER_VERSION:
            raise ValueError(
                f"model was saved with normaliser version {version!r} but this botcomments "
                f"implements {NORMALIZER_VERSION!r}; install the botcomments release that "
                "trained the model or retrain it"
            )
        self.version = version

    def __call__(self, text: str) -> NormalizedText:
        return normalize(text)

    def normalize_batch(self, texts: list[str]) -> list[NormalizedText]:
        """Normalise many comments.

        Args:
            texts: Raw texts.

        Returns:
            One NormalizedText per input, same order.
        """
        return [normalize(t) for t in texts]
