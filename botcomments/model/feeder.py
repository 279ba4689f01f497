"""Feed an accelerator from CPU worker threads: batch k+1 is built while batch k runs.

The text model's device path has three stages per batch: build the input tensors on the
CPU (pad token ids, or cut long texts into overlapping windows with the tokenizer), copy
them to the device, run the model. Run one after the other, the device idles while the
CPU builds. :func:`prefetch` builds the next batches in worker threads, a bounded number
ahead, and hands them back in order; :func:`to_device` pins their memory and copies them
asynchronously; :func:`to_host_later` starts the copy of a result back to the host
without waiting for it, so the next batch can be launched first.

Threads, not processes: the inputs are normal forms and token ids that are already in
memory, and the work on them either releases the GIL (the Rust fast tokenizer, numpy and
torch copies) or is small; processes would pickle every batch there and back and could
not hand over pinned memory.

Example:
    >>> list(prefetch(lambda x: x * x, range(5), ahead=2))
    [0, 1, 4, 9, 16]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import torch

T = TypeVar("T")
R = TypeVar("R")

FEED_AHEAD = 3
"""Batches built ahead of the one on the device (their tensors are all that is held)."""
FEED_WORKERS = 1
"""Worker threads building batches. One: a Hugging Face fast tokenizer keeps its truncation
and padding settings as state on one Rust object, which two threads reconfiguring it at once
would race on ("Already borrowed"). The work per batch is small: padding 1,024 texts' token
ids to 16 took 0.5 ms (numpy, measured on CPU); only texts longer than ``max_length`` go
through the tokenizer again, for their windows."""


def prefetch(build: Callable[[T], R], jobs: Iterable[T], ahead: int = FEED_AHEAD,
             workers: int = FEED_WORKERS) -> Iterator[R]:
    """``build(job)`` for every job, in order, computed up to ``ahead`` jobs in advance.

    When batch k is handed out, jobs k+1 .. k+ahead are being (or have been) built and no
    later one has started, so at most ``ahead + 1`` built batches exist at a time.
    ``ahead=0`` builds each job in the caller's thread when it is asked for.

    Args:
        build: Turns a job into a batch; called from worker threads when ``ahead > 0``.
        jobs: The jobs, in output order.
        ahead: Most jobs submitted beyond the one handed out.
        workers: Worker threads (at most ``ahead`` are used).

    Returns:
        An iterator over the built batches, in job order. An exception raised by
        ``build`` is raised here, at its job; pending builds are cancelled.

    Raises:
        ValueError: If ``ahead`` is negative or ``workers`` is not positive.
    """
    if ahead < 0 or workers < 1:
        raise ValueError(f"ahead={ahead} must be >= 0 and workers={workers} >= 1")
    if ahead == 0:
        return map(build, jobs)
    return _prefetched(build, iter(jobs), ahead, min(workers, ahead))


def _prefetched(build: Callable[[T], R], jobs: Iterator[T], ahead: int,
                workers: int) -> Iterator[R]:
    """The worker-thread half of :func:`prefetch` (a generator, so the pool lives as
    long as the iteration)."""
    with ThreadPoolExecutor(workers, thread_name_prefix="botcomments-feed") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for job in jobs:
                pending.append(pool.submit(build, job))
                if len(pending) > ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def pin(tensors: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """Page-lock host tensors bound for a CUDA device (a no-op for other devices).

    Args:
        tensors: Host tensors.
        device: Where they will be copied.

    Returns:
        The tensors, pinned when ``device`` is CUDA.
    """
    if device.type != "cuda":
        return tensors
    return {k: v.pin_memory() for k, v in tensors.items()}


def to_device(tensors: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """Copy tensors to the device, asynchronously from pinned memory.

    Args:
        tensors: Host tensors (pinned by :func:`pin` for CUDA).
        device: Target device.

    Returns:
        The tensors on ``device``.
    """
    return {k: v.to(device, non_blocking=True) for k, v in tensors.items()}


def to_host_later(result: torch.Tensor) -> Callable[[], np.ndarray]:
    """Start copying a device result to the host; collect it later.

    On CUDA the copy is queued on the current stream behind the computation that makes
    ``result``, into pinned memory, with an event: more work can be queued before the
    caller waits for this one. Elsewhere the copy is made at once.

    Args:
        result: A tensor on any device.

    Returns:
        A function returning the result as a host array, waiting for the copy if needed.
    """
    if result.device.type != "cuda":
        host = result.cpu().numpy()
        return lambda: host
    staged = torch.empty(result.shape, dtype=result.dtype, pin_memory=True)
    staged.copy_(result, non_blocking=True)
    done = torch.cuda.Event()
    done.record()

    def collect() -> np.ndarray:
        done.synchronize()
        return staged.numpy()

    return collect
