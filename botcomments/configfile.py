"""Build a settings dataclass from a JSON object, rejecting typos with the valid keys."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

_C = TypeVar("_C")


def from_known_fields(cls: type[_C], data: Any, what: str) -> _C:
    """Instantiate dataclass ``cls`` from ``data``, naming unknown keys and the valid ones.

    Args:
        cls: A dataclass type.
        data: Parsed JSON (must be an object).
        what: What the object configures, for the message (e.g. "training config").

    Returns:
        ``cls(**data)`` (its own ``__post_init__`` validates the values).

    Raises:
        ValueError: If ``data`` is not an object or has keys ``cls`` lacks.

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass
        ... class Speed:
        ...     n: int = 1
        >>> from_known_fields(Speed, {"nn": 2}, "speed config")
        Traceback (most recent call last):
        ...
        ValueError: unknown speed config key(s) ['nn']; valid keys: ['n']
    """
    if not is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    if not isinstance(data, dict):
        raise ValueError(f"a {what} must be a JSON object, got {type(data).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown {what} key(s) {unknown}; valid keys: {sorted(known)}")
    return cls(**data)
