"""Argument checks shared by subcommands: they fail with a usage message, not a traceback."""

from __future__ import annotations

import argparse
import contextlib
import errno
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from botcomments.io.stats import ReadStats
from botcomments.io.timestamps import NAIVE_UNITS, time_zone


def probability(text: str) -> float:
    """argparse ``type`` for a decision threshold: a number strictly between 0 and 1.

    Args:
        text: The command-line value.

    Returns:
        The threshold.

    Raises:
        argparse.ArgumentTypeError: With what is accepted.

    Example:
        >>> probability("0.4")
        0.4
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number strictly between 0 and 1 (e.g. 0.5)"
        )
    return value


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def overwrites_input(outputs: Iterable[Path], inputs: Iterable[str | Path]) -> str | None:
    """Name an output path that is an input, or lies inside an input folder.

    Writing it would destroy the input; inside an input folder (read recursively) it
    would also be read as input by the next run. Paths are compared resolved (``..``,
    symbolic links), not as given.

    Args:
        outputs: Files and folders the command will write.
        inputs: Input paths as given (files or folders).

    Returns:
        An error message naming the clash, or None.
    """
    given = [Path(p) for p in inputs]
    folders = [(inp, inp.resolve()) for inp in given if inp.is_dir()]
    for out in outputs:
        for inp in given:
            if _same(out, inp):
                return (f"output {out} is the input {inp}; it would be overwritten. "
                        "Write to another path")
        resolved = out.resolve()
        for inp, folder in folders:  # folders are read recursively: outputs would be inputs
            if resolved == folder or folder in resolved.parents:
                return (f"output {out} is inside the input folder {inp}: a later run would "
                        "read it as input and write over it. Write outside that folder")
    return None


def unwritable_output(path: Path, option: str, folder: bool = False) -> str | None:
    """Why an output cannot be written (None when it can), found before any work is done.

    Creates the missing folders (the parents and, for a folder output, the folder itself)
    and a file in them, then removes all of that again (an existing output file is only
    checked with ``os.access``). This finds what
    permission bits do not show (``/proc``, read-only mounts, running as root) and a file
    where a folder belongs.

    Args:
        path: The output file, or folder when ``folder`` is True.
        option: The option that named it, for the message (e.g. ``--out``).
        folder: True when ``path`` is a folder the command writes files into.

    Returns:
        A one-line message naming the path, the reason and the fix, or None.
    """
    where = path if folder else path.parent
    existing = next((p for p in (where, *where.parents) if p.exists()), None)
    created = [p for p in (where, *where.parents) if not p.exists()]  # deepest first
    try:
        if existing is not None and not existing.is_dir():
            raise NotADirectoryError(f"{existing} is a file, not a folder")
        if path.is_dir() and not folder:
            raise IsADirectoryError(f"{path} is a folder, not a file")
        where.mkdir(parents=True, exist_ok=True)
        if folder or not path.exists():
            fd, probe = tempfile.mkstemp(dir=where, prefix=".botcomments-probe-")
            os.close(fd)
            os.unlink(probe)
        elif path.is_file() and not os.access(path, os.W_OK):  # not opened: no side effect
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}; choose another {option}"
    finally:
        for made in created:  # the command creates them again when it runs
            with contextlib.suppress(OSError):
                made.rmdir()
    return None


def missing_inputs(inputs: Iterable[str | Path]) -> str | None:
    """Name the input paths that do not exist (a typo should not give an empty report).

    Args:
        inputs: Input paths as given.

    Returns:
        An error message, or None when every path exists.
    """
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if not missing:
        return None
    return f"input not found: {', '.join(missing)}; check the path (files or folders)"


def add_tz_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--tz``: the zone of timestamps written without one.

    Args:
        parser: A subcommand's parser.
    """
    parser.add_argument(
        "--tz", type=zone_name, default=None, metavar="ZONE",
        help="IANA zone of timestamps written without a zone, e.g. 2024-05-30 20:00:00 "
             "(Chinese platforms: Asia/Shanghai); default UTC. Epoch numbers and zoned "
             "times are unaffected",
    )


def zone_name(text: str) -> str:
    """argparse ``type`` for ``--tz``: a known IANA zone name.

    Args:
        text: The command-line value.

    Returns:
        The name.

    Raises:
        argparse.ArgumentTypeError: For an unknown zone, with an example.
    """
    try:
        time_zone(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def zone_note(stats: ReadStats, tz: str | None) -> str | None:
    """Say how many timestamps had no zone and which zone they were read in.

    Args:
        stats: Reading statistics.
        tz: The ``--tz`` value (None: UTC).

    Returns:
        One summary line, or None when every timestamp carried its zone or was a number.
    """
    naive = sum(stats.ts_units[u] for u in NAIVE_UNITS)
    if not naive:
        return None
    hint = "" if tz else " (pass --tz ZONE if the source wrote local times, e.g. Asia/Shanghai)"
    return f"{naive} timestamps without a zone were read as {tz or 'UTC'}{hint}"


def events_note(events_by_kind: Mapping[str, int]) -> str:
    """The events part of a read-counts line: ``", events 7 (like 5, enter 2)"``.

    Args:
        events_by_kind: Engagement events read per kind (``ReadStats.events_by_kind``).

    Returns:
        The note (kinds by decreasing count), or "" when no event was read, so chat-only
        summaries read as before.
    """
    total = sum(events_by_kind.values())
    if not total:
        return ""
    kinds = sorted(events_by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
    return f", events {total} (" + ", ".join(f"{k} {n}" for k, n in kinds if n) + ")"
