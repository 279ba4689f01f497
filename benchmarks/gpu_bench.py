"""GPU path: text-model texts/s and the share of the device's bf16 bound it reaches.

    python benchmarks/gpu_bench.py --device cuda --base-size
    python benchmarks/gpu_bench.py --device cpu --n 300 --batch-size 128   # smoke test

For the model folder (default ``models/default``) and, with ``--base-size``, a
randomly initialised encoder of bert-base size (hidden 768, 12 layers, 12 heads, FFN
3072) with the same vocabulary, tokenizer and settings, built in memory (nothing is
downloaded): texts/s of ``BotCommentClassifier.proba_of_normal_forms`` on normal forms
(tokenise, length-sorted batches of one padded length, forward pass, results in input
order), with the feeder (batches built ahead by a worker thread) and synchronously, best
of ``--repeat`` passes each. FLOPs are counted on the shapes the model actually computed
(padding and bf16's extra rows included), as 2 x the multiply-adds of the encoder's
linear layers, its two attention matmuls, the pooler and the classifier; embeddings,
softmax, layer norms and GELU are left out (little next to the matmuls). Achieved
TFLOP/s over ``--peak-tflops`` is the share of the device's dense bf16 bound reached.
Also printed: the largest change of P(bot) between the chosen batch size and 128 (1024
when 128 is chosen).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from botcomments.cli.bench import _simulated
from botcomments.cli.threads import set_torch_threads
from botcomments.model.classifier import BotCommentClassifier, default_precision
from botcomments.model.feeder import FEED_AHEAD

H200_DENSE_BF16_TFLOPS = 989.0
"""NVIDIA H200 SXM datasheet: 1,979 TFLOP/s BF16 tensor core with 2:4 sparsity, so 989
dense."""
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Shapes:
    """What the forward passes of one scoring pass computed.

    Attributes:
        passes: ``(rows, tokens per row)`` of each forward pass.
        real_tokens: Tokens that were not padding (bf16's extra rows included).
    """

    passes: list[tuple[int, int]]
    real_tokens: int

    @property
    def tokens(self) -> int:
        """Tokens computed, padding included."""
        return sum(rows * width for rows, width in self.passes)


def bert_base_like(model: Any, seed: int = 0) -> Any:
    """A random bert-base-size sequence classifier with ``model``'s vocabulary and labels.

    Args:
        model: A ``BertForSequenceClassification`` (its config supplies vocabulary size,
            positions, token types, padding id and labels).
        seed: Initialisation seed.

    Returns:
        A new ``BertForSequenceClassification`` in eval mode.
    """
    from transformers import BertConfig, BertForSequenceClassification

    c = model.config
    config = BertConfig(vocab_size=c.vocab_size, hidden_size=768, num_hidden_layers=12,
                        num_attention_heads=12, intermediate_size=3072,
                        max_position_embeddings=c.max_position_embeddings,
                        type_vocab_size=c.type_vocab_size, pad_token_id=c.pad_token_id,
                        id2label=dict(c.id2label), label2id=dict(c.label2id))
    torch.manual_seed(seed)
    return BertForSequenceClassification(config).eval()


def forward_flops(config: Any, rows: int, width: int) -> float:
    """FLOPs of one forward pass of a BERT sequence classifier (matmuls only).

    Args:
        config: A ``BertConfig`` (hidden size, layers, FFN size, labels).
        rows: Sequences in the pass.
        width: Tokens per sequence, padding included.

    Returns:
        2 x multiply-adds of Q/K/V/output projections, FFN, the two attention matmuls
        (scores and weighted values), pooler and classifier.

    Example:
        >>> from transformers import BertConfig
        >>> c = BertConfig(hidden_size=4, num_hidden_layers=1, intermediate_size=8,
        ...                num_attention_heads=1, num_labels=2)
        >>> forward_flops(c, 1, 2)  # 2*(2*(4*16+2*4*8) + 2*2*2*4 + 16 + 8)
        624.0
    """
    h, f = config.hidden_size, config.intermediate_size
    linear = rows * width * (4 * h * h + 2 * h * f)
    attention = 2 * rows * width * width * h
    head = rows * (h * h + h * config.num_labels)
    return 2.0 * (config.num_hidden_layers * (linear + attention) + head)


def computed_shapes(clf: BotCommentClassifier, norm: list[str]) -> Shapes:
    """Score once, recording the input shape of every forward pass.

    Args:
        clf: The classifier.
        norm: Normal forms.

    Returns:
        The shapes computed.
    """
    shapes = Shapes([], 0)

    def record(_module: torch.nn.Module, _args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> None:
        rows, width = kwargs["input_ids"].shape
        shapes.passes.append((int(rows), int(width)))
        shapes.real_tokens += int(kwargs["attention_mask"].sum())

    hook = clf._runner.register_forward_pre_hook(record, with_kwargs=True)
    try:
        clf.proba_of_normal_forms(norm)
    finally:
        hook.remove()
    return shapes


def best_seconds(clf: BotCommentClassifier, norm: list[str], feed_ahead: int,
                 repeat: int) -> float:
    """Fastest of ``repeat`` scoring passes.

    Args:
        clf: The classifier.
        norm: Normal forms.
        feed_ahead: Batches built ahead (0: synchronous).
        repeat: Passes.

    Returns:
        Seconds of the fastest pass (results are on the host when it ends).
    """
    clf.feed_ahead = feed_ahead
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        clf.proba_of_normal_forms(norm)
        best = min(best, time.perf_counter() - t0)
    return best


def batch_drift(clf: BotCommentClassifier, norm: list[str], other: int) -> float:
    """Largest change of P(bot) between the classifier's batch size and another.

    Args:
        clf: The classifier.
        norm: Normal forms.
        other: The other batch size.

    Returns:
        Max absolute difference.
    """
    size = clf.batch_size
    chosen = clf.bot_scores_of_normal_forms(norm)
    clf.batch_size = other
    try:
        then = clf.bot_scores_of_normal_forms(norm)
    finally:
        clf.batch_size = size
    return float(np.abs(chosen - then).max()) if len(norm) else 0.0


def measure(name: str, clf: BotCommentClassifier, texts: list[str], repeat: int,
            peak_tflops: float | None) -> None:
    """Print one model's rates, FLOPs and share of the bound.

    Args:
        name: Label of the row.
        clf: The classifier (device, precision and batch size set).
        texts: Raw comment texts.
        repeat: Timed passes per path.
        peak_tflops: The device's bound, or None to print no share.
    """
    norm = clf.normalize(texts)
    shapes = computed_shapes(clf, norm)  # also the warm-up pass
    flops = sum(forward_flops(clf._runner.config, r, w) for r, w in shapes.passes)
    fed = best_seconds(clf, norm, FEED_AHEAD, repeat)
    sync = best_seconds(clf, norm, 0, repeat)
    params = sum(p.numel() for p in clf.model.parameters())
    tflops = flops / fed / 1e12
    share = f"; {tflops / peak_tflops:.2%} of {peak_tflops:g}" if peak_tflops else ""
    print(f"{name}: {params / 1e6:.1f}M parameters, {clf.precision} on {clf.device}, "
          f"batch {clf.batch_size}, {len(norm)} texts")
    print(f"  texts/s: feeder {len(norm) / fed:,.0f}, synchronous {len(norm) / sync:,.0f}")
    print(f"  tokens computed per text {shapes.tokens / max(1, len(norm)):.1f} "
          f"({shapes.real_tokens / max(1, shapes.tokens):.0%} not padding), "
          f"{len(shapes.passes)} forward passes, {flops / max(1, len(norm)) / 1e9:.3f} "
          f"GFLOP per text")
    print(f"  achieved {tflops:.3f} TFLOP/s (feeder){share}")
    other = 1024 if clf.batch_size == 128 else 128
    print(f"  max |P(bot) at batch {clf.batch_size} - at batch {other}|: "
          f"{batch_drift(clf, norm, other):.2e}")


def load_texts(source: str, n: int, seed: int) -> list[str]:
    """``n`` comment texts: simulated chat or the demo archive's lines.

    Args:
        source: ``simulated`` or ``demo`` (data/demo/chat.jsonl).
        n: How many.
        seed: Simulation seed.

    Returns:
        The texts.
    """
    if source == "simulated":
        return [c.text for c in _simulated(n, seed)]
    with (ROOT / "data" / "demo" / "chat.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in itertools.islice(fh, n)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0.
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--model", type=Path, default=ROOT / "models" / "default",
                   help="model folder (default models/default)")
    p.add_argument("--base-size", action="store_true",
                   help="also a random-init bert-base-size encoder (768 hidden, 12 layers, "
                        "12 heads, FFN 3072) with the model's vocabulary")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                   help="torch device (default: cuda when available, else cpu)")
    p.add_argument("--batch-size", type=int, default=1024, help="texts per forward pass")
    p.add_argument("--precision", choices=("bf16", "fp32"), default=None,
                   help="default: the device's default (bf16 on CUDA)")
    p.add_argument("--n", type=int, default=20_000, help="texts per pass")
    p.add_argument("--texts", choices=("simulated", "demo"), default="simulated",
                   help="simulated comments, or the lines of data/demo/chat.jsonl")
    p.add_argument("--repeat", type=int, default=3, help="timed passes per path")
    p.add_argument("--peak-tflops", type=float, default=None,
                   help="the device's bound in TFLOP/s (default on CUDA: "
                        f"{H200_DENSE_BF16_TFLOPS:g}, the NVIDIA H200 SXM datasheet's dense "
                        "BF16 tensor-core figure, i.e. 1,979 with sparsity / 2; on CPU no "
                        "share is printed unless given)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    set_torch_threads(args.threads)
    device = torch.device(args.device)
    precision = args.precision or default_precision(device)
    peak = args.peak_tflops
    if peak is None and device.type == "cuda":
        peak = H200_DENSE_BF16_TFLOPS
        if precision != "bf16":
            print(f"note: the default bound ({peak:g}) is dense bf16; pass --peak-tflops")
    texts = load_texts(args.texts, args.n, args.seed)
    print(f"{len(texts)} {args.texts} texts; torch {torch.__version__}"
          + (f"; {torch.cuda.get_device_name(device)}" if device.type == "cuda" else ""))
    clf = BotCommentClassifier.from_pretrained(args.model, device=device,
                                               batch_size=args.batch_size, precision=precision)
    measure(args.model.name, clf, texts, args.repeat, peak)
    if args.base_size:
        base = BotCommentClassifier(bert_base_like(clf.model), clf.tokenizer, clf.settings,
                                    device, args.batch_size, precision=precision)
        del clf
        measure("bert-base size (random init)", base, texts, args.repeat, peak)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
