"""Speed of the text model on CPU threads: inference and fine-tuning.

    python benchmarks/model_bench.py --model models/default --threads 2
    python benchmarks/model_bench.py --finetune-n 100000 --threads 2   # fine-tuning time

Inference: ``BotCommentClassifier`` (normalise, int8 dynamic quantisation, length-sorted
batches) vs plain ``transformers.pipeline("text-classification")`` with its defaults, on
the same simulated chat comments; comments/s, best of ``--repeats`` wall-clock runs.
Fine-tuning: one epoch of the default built-in encoder size on N simulated comments.
Pin the process to the cores you measure (e.g. ``taskset -c 0,1``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import torch


def chat_texts(n: int, seed: int = 7) -> tuple[list[str], list[int], list[str]]:
    """Simulated chat comments (texts, labels, rooms)."""
    from botcomments.simulate.engine import simulate_to_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sim.jsonl"
        rows: list[dict[str, object]] = []
        rooms = 8
        while len(rows) < n:
            simulate_to_file(path, rooms, seed=seed)
            rows = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
            rooms *= 2
    rows = rows[:n]
    return (
        [str(r["text"]) for r in rows],
        [int(r["label"]) for r in rows],  # type: ignore[call-overload]
        [str(r["room_id"]) for r in rows],
    )


def best_rate(fn: object, texts: list[str], repeats: int) -> float:
    """Best comments/s of ``fn(texts)`` over repeats."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn(texts)  # type: ignore[operator]
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def bench_inference(model: str, n: int, n_pipeline: int, repeats: int) -> dict[str, float]:
    """Inference rates of the library and of the plain pipeline."""
    from transformers import pipeline

    from botcomments.model import BotCommentClassifier

    texts, _, _ = chat_texts(n)
    clf = BotCommentClassifier.from_pretrained(model, device="cpu")
    clf.predict_proba(texts[:256])
    fp32 = BotCommentClassifier.from_pretrained(model, device="cpu", quantize=False)
    pipe = pipeline("text-classification", model=model, device="cpu")
    pipe(texts[:32])
    return {
        "n_texts": n,
        "mean_chars": sum(map(len, texts)) / len(texts),
        "library_int8_per_s": best_rate(clf.predict_proba, texts, repeats),
        "library_fp32_per_s": best_rate(fp32.predict_proba, texts, repeats),
        "plain_pipeline_per_s": best_rate(pipe, texts[:n_pipeline], repeats),
    }


def bench_finetune(n: int) -> dict[str, float]:
    """Seconds for one epoch of the default encoder size on ``n`` comments."""
    from botcomments_training.config import TrainConfig
    from botcomments_training.data import LabeledData
    from botcomments_training.finetune import fine_tune

    texts, labels, rooms = chat_texts(n)
    room_of: list[str | None] = list(rooms)
    data = LabeledData(texts, labels, room_of)
    cfg = TrainConfig(epochs=1, batch_size=128, eval_every=10**9, device="cpu")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        fine_tune(data, None, out, cfg=cfg)
        seconds = time.perf_counter() - start
    return {"finetune_n": n, "finetune_epoch_s": seconds, "per_s": n / seconds}


def main() -> None:
    """Run the benchmarks and print one JSON object."""
    parser = argparse.ArgumentParser(description="text model speed")
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n", type=int, default=20_000, help="texts for the library")
    parser.add_argument("--n-pipeline", type=int, default=2_000, help="texts for the pipeline")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--finetune-n", type=int, default=0, help="also time fine-tuning")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    torch.set_num_threads(args.threads)
    result: dict[str, object] = {"threads": args.threads, "torch": torch.__version__}
    if Path(args.model).is_dir():
        result.update(bench_inference(args.model, args.n, args.n_pipeline, args.repeats))
    if args.finetune_n:
        result.update(bench_finetune(args.finetune_n))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
