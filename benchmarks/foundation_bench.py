"""Foundation benchmark: reader and normaliser throughput on a generated JSONL, peak memory.

Usage:
    python benchmarks/foundation_bench.py            # 1,000,000 lines
    python benchmarks/foundation_bench.py -n 100000  # smaller

Generates realistic short live-commerce comments (5-40 characters, some with evasion
noise: zero-width characters, full-width digits, emoji padding, stretched runs, contact
obfuscation) in a temporary directory, then prints:
- reader throughput: ``open_comments`` records/s (JSON parse + Comment + accounting);
- normaliser throughput: ``normalize`` comments/s on one core (texts already in memory);
- peak RSS of the process (reading streams, so it should not grow with N).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from botcomments.io import open_comments
from botcomments.text.normalize import NORMALIZER_VERSION, normalize

BASES = [
    "主播好美",
    "已拍，期待发货",
    "{n}号链接还有吗",
    "扣{n}",
    "666",
    "主播能不能试穿一下黑色的",
    "价格还能再低点吗",
    "已下单{n}件，质量很好",
    "刚进来，这是卖什么的",
    "主播晚上好呀",
    "上车上车",
    "求返场",
    "福袋什么时候开",
    "这个面膜敏感肌能用吗",
    "库存还有多少",
    "质量很好，回购第{n}次了",
    "主播声音好好听",
    "哈哈哈",
    "晚安主播",
    "88",
    "草",
    "{n}斤穿什么码",
    "包邮吗",
    "运费险有没有",
    "太便宜了吧",
    "好看好看",
    "关注了，下次还来",
    "刚才那个链接再挂一下",
    "宝宝们冲冲冲",
    "我妈也在用这个牌子",
    "這個顏色有點土",
    "主播身高多少",
    "刚买的已经到了，很满意",
]
CONTACTS = ["加V{d}", "威信 {d}", "q群{d}", "联系电话1{d}", "vx：{d} 领福利"]
EMOJI = ["💖", "✨", "🔥", "👍", "😂", "🎉"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make_text(rng: random.Random) -> str:
    """Return one comment, with evasion noise about a quarter of the time."""
    text = rng.choice(BASES).format(n=rng.randint(1, 9))
    roll = rng.random()
    if roll < 0.05:
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 10)))
        text += rng.choice(CONTACTS).format(d=digits).translate(FULL_WIDTH if roll < 0.025 else {})
    elif roll < 0.12:
        text = "\u200b".join(text)
    elif roll < 0.20:
        text += rng.choice(EMOJI) * rng.randint(1, 5)
    elif roll < 0.25:
        text += text[-1] * rng.randint(3, 12)
    return text


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` JSONL comment records to ``path``."""
    rng = random.Random(seed)
    t0 = 1714565700_000
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = {
                "room_id": f"r{rng.randint(1, 200)}",
                "user_id": str(rng.randint(1, 300_000)),
                "ts": t0 + i * 37,
                "text": make_text(rng),
                "level": rng.randint(0, 40),
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="lines to generate")
    parser.add_argument("--normalise", type=int, default=200_000, help="texts to normalise")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        t = time.perf_counter()
        generate(path, args.n)
        size = path.stat().st_size
        print(
            f"generated {args.n:,} lines ({size / 2**20:.1f} MiB) in {time.perf_counter() - t:.1f}s"
        )
        print(f"peak RSS before reading: {peak_rss_mib():.0f} MiB")
        sample: list[str] = []
        t = time.perf_counter()
        stream = open_comments(path)
        for comment in stream:
            if len(sample) < args.normalise:
                sample.append(comment.text)
        read_s = time.perf_counter() - t
        s = stream.stats
        assert s.read == s.accepted + s.rejected + s.skipped == args.n
        print(
            f"reader: {s.read / read_s:,.0f} records/s ({s.read:,} in {read_s:.1f}s, "
            f"{size / 2**20 / read_s:.1f} MiB/s); accepted {s.accepted:,}, rejected {s.rejected}"
        )
        print(f"peak RSS after reading: {peak_rss_mib():.0f} MiB")
    distinct = list(dict.fromkeys(sample))
    t = time.perf_counter()
    for text in distinct:  # first sight of each text: no cache hit possible
        normalize(text)
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    for text in sample:  # the stream as a pipeline sees it (repeats may hit a cache)
        normalize(text)
    norm_s = time.perf_counter() - t
    print(
        f"normaliser v{NORMALIZER_VERSION}, one core: {len(distinct) / cold_s:,.0f} comments/s "
        f"on {len(distinct):,} distinct texts; {len(sample) / norm_s:,.0f} comments/s on the "
        f"{len(sample):,}-comment stream (repeats included)"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
