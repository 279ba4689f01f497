"""Does a text's score depend on its batch? Shipped model, each CPU precision, side by side.

Scores the same distinct demo texts in batches of 128, in batches of 7 and one at a time
(first 300), on one torch thread, and prints the largest score difference per precision
(issue 13 asks for <= 1e-4).

Run (about a minute):
    python benchmarks/batch_invariance.py
    python benchmarks/batch_invariance.py --model DIR --texts 1000
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from botcomments.model.classifier import BotCommentClassifier


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=Path("models/default"))
    ap.add_argument("--data", type=Path, default=Path("data/demo/chat.jsonl"))
    ap.add_argument("--texts", type=int, default=3000)
    args = ap.parse_args()
    torch.set_num_threads(1)
    with args.data.open(encoding="utf-8") as fh:
        texts = sorted({json.loads(line)["text"] for line in fh})[: args.texts]
    print(f"{len(texts)} distinct texts from {args.data}, model {args.model}, 1 thread")
    for precision in ("fp32", "bf16", "int8"):
        model = BotCommentClassifier.from_pretrained(args.model, device="cpu",
                                                     precision=precision, batch_size=128)
        big = model.bot_scores(texts)
        small = np.concatenate([model.bot_scores(texts[i:i + 7])
                                for i in range(0, len(texts), 7)])
        alone = np.concatenate([model.bot_scores([t]) for t in texts[:300]])
        print(f"  {precision}: max |batch 128 - batch 7| {np.abs(big - small).max():.2e}, "
              f"max |batch 128 - alone| {np.abs(big[:300] - alone).max():.2e}")


if __name__ == "__main__":
    main()
