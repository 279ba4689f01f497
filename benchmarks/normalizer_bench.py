"""Normaliser throughput on one core for a realistic mix of 5-40 char comments.

Texts are generated here (no corpora): ordinary comments built from common characters,
punctuation, emoji and "666"-style floods, plus evasion variants (zero-width chars,
padding, styled digits, traditional characters, contact ads, stretched runs).

Run: ``python benchmarks/normalizer_bench.py [--n 200000] [--seed 0]``
Prints comments/s with all-unique texts (cache misses only) and with a realistic share
of repeated lines (floods), pinned to one CPU core where the OS allows.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from botcomments.text import normalize as norm_mod

COMMON = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后"
    "能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此"
    "心前面又定见只主没公从主播今真美帅哈嘿呀啦吧吗呢哦嗯喜欢漂亮厉害支持关注点赞礼物开心快乐谢谢"
)
PUNCT = "，。！？、~…"
EMOJI = ["😂", "❤", "👍", "🔥", "😭", "🌹", "✨", "👏🏻", "🐶"]
FLOODS = ["666", "6666666", "哈哈哈哈哈哈", "扣1", "晚安", "草", "88", "好看好看好看", "233333"]
ADS = [
    "加V❤: abc_{n}", "扣扣：{d}", "➕vx {d}", "主❤播❤好❤美", "⓿➃①⑴{d}", "這個直播間真的太好看了",
    "亻尔女子看{n}", "壹叁捌零零壹叁捌零零零", "访问 www.x{n}.com 领福利",
    "主\u200b播\u200b{n}好美",
    "𝐇𝕌𝐗看这里{n}", "威信 wx_{n}abc", "1 3 8 0 0 1 3 8 0 0 {n}",
]


def ordinary(rng: random.Random) -> str:
    """One ordinary comment of 5-40 characters."""
    n = rng.randint(5, 40)
    chars = []
    for _ in range(n):
        r = rng.random()
        chars.append(rng.choice(PUNCT) if r < 0.08 else rng.choice(EMOJI) if r < 0.1
                     else rng.choice(COMMON))
    return "".join(chars)


def make_texts(n: int, seed: int, unique: bool) -> list[str]:
    """Generate ``n`` comments: 75% ordinary, 10% floods, 15% evasion/ads."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.75:
            t = ordinary(rng)
        elif r < 0.85:
            t = rng.choice(FLOODS)
        else:
            t = rng.choice(ADS).format(n=rng.randint(0, 999), d=rng.randint(10**7, 10**10))
        if unique:  # a random suffix of common characters defeats the cache
            t = t + "".join(rng.choices(COMMON, k=4))
        out.append(t)
    return out


def measure(texts: list[str]) -> str:
    """Comments per second of ``normalize`` over ``texts`` (cache cleared first).

    Both wall-clock and process CPU time are reported: on a shared machine the CPU-time
    figure is the one-core throughput, the wall figure includes time waiting for a core.
    """
    norm_mod._normalize_cached.cache_clear()
    w0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        norm_mod.normalize(t)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return f"{len(texts) / cpu:,.0f} comments/s per CPU-second ({len(texts) / wall:,.0f} wall)"


def main() -> None:
    """Parse arguments, pin to one core, print throughput figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="comments per measurement")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    norm_mod.normalize("預熱 warm-up")  # builds the OpenCC table outside the timing
    unique = make_texts(args.n, args.seed, unique=True)
    mixed = make_texts(args.n, args.seed, unique=False)
    mean_len = sum(map(len, unique)) / len(unique)
    print(f"normaliser v{norm_mod.NORMALIZER_VERSION}, {args.n} comments, "
          f"mean length {mean_len:.1f} chars, one core")
    print(f"unique texts (no cache hits): {measure(unique)}")
    print(f"realistic mix with repeats:   {measure(mixed)}")


if __name__ == "__main__":
    main()
