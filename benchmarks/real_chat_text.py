"""Text model on REAL live chat it never saw in training (issue 10's Done-means figures).

Flag rate of real Bilibili danmaku (``danmaku_video_2019``, ``danmaku_room_2020``: *eval*
folders, read here for measurement only) at the model's threshold, overall and per length
bucket (1-2, 3-4, 5-8, 9+ characters), and ROC-AUC of real ads (``qq_group_ads`` ads,
``game_chat_ads`` label 1) against those danmaku.

Run:
    python benchmarks/real_chat_text.py --model models/default
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from botcomments.model.classifier import BotCommentClassifier
from botcomments_training.realchat import format_real_chat, real_chat_report


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--per-corpus", type=int, default=50_000,
                        help="danmaku lines sampled per corpus (0 = all)")
    parser.add_argument("--seed", type=int, default=20240601, help="sampling seed")
    parser.add_argument("--threshold", type=float, default=None,
                        help="override the model's threshold")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clf = BotCommentClassifier.from_pretrained(args.model)
    if args.threshold is not None:
        clf.settings.threshold = args.threshold
    start = time.perf_counter()
    report = real_chat_report(clf, args.corpora, args.per_corpus, args.seed)
    print(f"model {args.model}, threshold {clf.threshold:.4f}, "
          f"{args.per_corpus or 'all'} lines per danmaku corpus, seed {args.seed}")
    print("\n".join(format_real_chat(report)))
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
