"""One ``with`` protocol for the streaming readers and writers."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

_T = TypeVar("_T", bound="ClosesOnExit")


class ClosesOnExit:
    """Mixin: ``with obj:`` returns ``obj`` and calls ``obj.close()`` on exit.

    Example:
        >>> class Door(ClosesOnExit):
        ...     def close(self) -> None:
        ...         print("closed")
        >>> with Door():
        ...     pass
        closed
    """

    def close(self) -> None:
        """Release the resources (subclasses implement it; safe to call twice)."""
        raise NotImplementedError

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
