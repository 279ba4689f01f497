"""Read files that are still being written (``tail -f``): a file object that waits at EOF.

The line and XML readers read files through ``read``/``readline``. :class:`FollowedFile`
gives them a file that, at its current end, waits for more bytes instead of reporting the
end, so the same readers parse a chat log while a recorder (blivedm, BililiveRecorder)
is still appending to it. A line or XML element cut by the writer mid-way is completed
when the rest arrives. The end is reported once the stop condition holds: a
:class:`threading.Event` set by the caller, or no new byte for ``idle_s`` seconds.

Example:
    >>> import tempfile, threading
    >>> path = Path(tempfile.mkdtemp()) / "chat.jsonl"
    >>> _ = path.write_bytes(b'{"text": "a"}\\n{"text": ')
    >>> follower = Follower(poll_s=0.01, idle_s=0.2)
    >>> with follower.open(path) as fh:
    ...     first = fh.readline()
    ...     _ = path.open("ab").write(b'"b"}\\n')
    ...     second = fh.readline()
    >>> first, second
    (b'{"text": "a"}\\n', b'{"text": "b"}\\n')
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

FOLLOWABLE_FORMATS: tuple[str, ...] = ("jsonl", "blivedm", "douyin", "bililive_xml",
                                       "bilibili_xml")
"""Formats read line by line or as a pull-parsed XML stream: these can be followed."""


class FollowedFile(io.RawIOBase):
    """A binary file whose reads wait at the end until more bytes or the stop condition.

    Args:
        path: The file (not gzip: a compressed stream cannot be followed).
        stop: Set by the caller to end the stream.
        poll_s: Seconds between looks at a file with no new bytes.
        idle_s: End the stream after this long without a new byte (None: never).

    Raises:
        ValueError: For a ``.gz`` path.
        OSError: If the file cannot be opened.
    """

    def __init__(self, path: Path, stop: threading.Event, poll_s: float,
                 idle_s: float | None) -> None:
        if path.suffix.lower() == ".gz":
            raise ValueError(f"{path}: a gzip file cannot be followed while it is written; "
                             "follow the uncompressed log")
        super().__init__()
        self._fh = path.open("rb")
        self._stop = stop
        self._poll_s = poll_s
        self._idle_s = idle_s
        self._last_data = time.monotonic()

    def readable(self) -> bool:
        return True

    def _ended(self) -> bool:
        """Wait one poll; True when the stream should report its end."""
        if self._stop.is_set():
            return True
        if self._idle_s is not None and time.monotonic() - self._last_data >= self._idle_s:
            return True
        self._stop.wait(self._poll_s)
        return False

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes; waits at the end of the file (b"" only once stopped)."""
        while True:
            data = self._fh.read(size if size is not None and size > 0 else -1)
            if data:
                self._last_data = time.monotonic()
                return data
            if self._ended():
                return b""

    def readline(self, size: int | None = -1) -> bytes:
        """One whole line (or ``size`` bytes of it); a partial line waits for its end."""
        limit = size if size is not None and size > 0 else -1
        line = b""
        while True:
            part = self._fh.readline(limit - len(line) if limit > 0 else -1)
            if part:
                self._last_data = time.monotonic()
                line += part
            if line.endswith(b"\n") or (limit > 0 and len(line) >= limit):
                return line
            if not part and self._ended():
                return line

    def close(self) -> None:
        self._fh.close()
        super().close()


@dataclass
class Follower:
    """Opens files as :class:`FollowedFile` sharing one stop event.

    Args:
        poll_s: Seconds between looks at a file with no new bytes.
        idle_s: End each stream after this long without a new byte (None: never).
        stop: Set it to end every open stream.
    """

    poll_s: float = 0.5
    idle_s: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def open(self, path: Path) -> BinaryIO:
        """Open ``path`` for following.

        Args:
            path: The file.

        Returns:
            A binary file object.
        """
        return FollowedFile(Path(path), self.stop, self.poll_s, self.idle_s)  # type: ignore[return-value]
