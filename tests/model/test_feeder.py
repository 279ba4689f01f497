"""The device feeder: batches built by a worker thread ahead of the model, a bounded number
ahead, give the same probabilities as building each batch when it is needed (run on the
CPU here; the CUDA-only steps, pinning and asynchronous copies, need a GPU to test)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the text model needs torch")

from botcomments.model.classifier import (  # noqa: E402
    CPU_BATCH_SIZE,
    CUDA_BATCH_SIZE,
    BotCommentClassifier,
    PreparedBatch,
    default_batch_size,
    default_precision,
)
from botcomments.model.feeder import pin, prefetch, to_host_later  # noqa: E402

LONG = "晚上好各位加V看主页" * 12  # well past the tiny model's 32 tokens: windows

TEXT_SETS = {
    "mixed": ["主播好美", "加V看主页有福利", "草", LONG, "", "666", LONG[:40], "已拍两单",
              "这个多少钱？主播能不能再讲一下尺码", "x" * 31, "kksk", LONG + "再来"],
    "one": ["加V看主页"],
    "one-long": [LONG],
    "empty": [],
}


@pytest.mark.parametrize("ahead", [0, 1, 3])
def test_prefetch_keeps_order_and_bound(ahead: int) -> None:
    started: list[int] = []
    lock = threading.Lock()

    def build(k: int) -> int:
        with lock:
            started.append(k)
        return k * 10

    for k, got in enumerate(prefetch(build, range(20), ahead=ahead, workers=2)):
        assert got == k * 10
        with lock:
            assert max(started) <= k + ahead  # nothing beyond `ahead` batches in flight
    assert sorted(started) == list(range(20))


def test_prefetch_holds_ahead_batches_while_the_consumer_works() -> None:
    built = threading.Semaphore(0)

    def build(k: int) -> int:
        built.release()
        return k

    batches = prefetch(build, range(10), ahead=3)
    assert next(batches) == 0
    for _ in range(4):  # job 0 and the three ahead of it get built without being asked
        assert built.acquire(timeout=10)
    assert not built.acquire(timeout=0.2)
    assert list(batches) == list(range(1, 10))


def test_prefetch_raises_a_build_error_at_its_job() -> None:
    def build(k: int) -> int:
        if k == 2:
            raise RuntimeError("bad batch")
        return k

    got = []
    with pytest.raises(RuntimeError, match="bad batch"):
        for k in prefetch(build, range(6), ahead=2):
            got.append(k)
    assert got == [0, 1]


@pytest.mark.parametrize(("ahead", "workers"), [(-1, 1), (2, 0)])
def test_prefetch_rejects_bad_arguments(ahead: int, workers: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        prefetch(str, [], ahead=ahead, workers=workers)


def test_pin_and_host_copy_are_plain_on_the_cpu() -> None:
    t = {"input_ids": torch.arange(6).reshape(2, 3)}
    assert pin(t, torch.device("cpu")) is t
    assert np.array_equal(to_host_later(torch.ones(2, 2))(), np.ones((2, 2)))


@pytest.mark.parametrize("precision", ["bf16", "fp32", "int8"])
@pytest.mark.parametrize("overlap", [0, 8], ids=["truncate", "windows"])
@pytest.mark.parametrize("name", list(TEXT_SETS))
def test_fed_path_gives_the_synchronous_probabilities(tiny_model_dir: Path, precision: str,
                                                      overlap: int, name: str) -> None:
    clf = BotCommentClassifier.from_pretrained(tiny_model_dir, device="cpu",
                                               precision=precision, batch_size=2)
    clf.settings.window_overlap = overlap
    norm = clf.normalize(TEXT_SETS[name])
    assert clf.feed_ahead == 0  # the CPU default: synchronous
    synchronous = clf.proba_of_normal_forms(norm)
    threads: set[str] = set()
    prepare = clf._prepare

    def spy(texts: list[int], pad_to: int | None, norm: list[str],
            ids: list[list[int]]) -> PreparedBatch:
        threads.add(threading.current_thread().name)
        return prepare(texts, pad_to, norm, ids)

    clf._prepare = spy  # type: ignore[method-assign]
    clf.feed_ahead = 2
    fed = clf.proba_of_normal_forms(norm)
    assert fed.shape == (len(norm), 2) and fed.dtype == np.float32
    assert np.array_equal(fed, synchronous)  # bit-identical
    if norm:
        assert threads and all(t.startswith("botcomments-feed") for t in threads)


def test_cuda_defaults_are_bf16_and_large_batches() -> None:
    cuda, cuda_1, cpu = torch.device("cuda"), torch.device("cuda:1"), torch.device("cpu")
    assert default_precision(cuda) == default_precision(cuda_1) == "bf16"
    assert default_precision(cuda, quantize=False) == "fp32"
    assert default_precision(cpu) in ("bf16", "fp32")
    assert default_precision(torch.device("mps")) == "fp32"
    assert default_batch_size(cuda) == CUDA_BATCH_SIZE > default_batch_size(cpu) == CPU_BATCH_SIZE


def test_batch_size_default_follows_the_device(tiny_model_dir: Path) -> None:
    clf = BotCommentClassifier.from_pretrained(tiny_model_dir, device="cpu")
    assert clf.batch_size == CPU_BATCH_SIZE
    assert BotCommentClassifier.from_pretrained(tiny_model_dir, device="cpu",
                                                batch_size=7).batch_size == 7
