"""Foundation benchmark: reader and normaliser throughput on generated comments, peak memory.

Usage:
    python benchmarks/foundation_bench.py                       # 1,000,000 lines + mix
    python benchmarks/foundation_bench.py -n 100000 --mix 20000 # smaller
    python benchmarks/foundation_bench.py -n 0                  # normaliser mix only

Generates realistic short live-commerce comments (5-40 characters, some with evasion
noise: zero-width characters, full-width digits, emoji padding, stretched runs, contact
obfuscation) as JSONL in a temporary directory, then prints:
- reader throughput: ``open_comments`` records/s (JSON parse + Comment + accounting);
- normaliser throughput: ``normalize`` comments/s on one core (texts already in memory);
- peak RSS of the process (reading streams, so it should not grow with N).

Then (``--mix N``, 0 skips) the normaliser on a second generated mix, no corpora: 75 %
ordinary comments built from common characters, punctuation, emoji; 10 % "666"-style
floods; 15 % evasion variants and ads (zero-width characters, padding, styled digits,
traditional characters, contact ads, stretched runs). The process pins itself to one CPU
and prints comments/s per CPU-second (and wall) with all-unique texts (cache cleared, no
cache hits) and with a realistic share of repeated lines (floods).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from common import Stopwatch, peak_rss_mib, pin_one_core

from botcomments.io import open_comments
from botcomments.text import normalize as norm_mod
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


MIX_COMMON = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后"
    "能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此"
    "心前面又定见只主没公从主播今真美帅哈嘿呀啦吧吗呢哦嗯喜欢漂亮厉害支持关注点赞礼物开心快乐谢谢"
)
MIX_PUNCT = "，。！？、~…"
MIX_EMOJI = ["😂", "❤", "👍", "🔥", "😭", "🌹", "✨", "👏🏻", "🐶"]
MIX_FLOODS = ["666", "6666666", "哈哈哈哈哈哈", "扣1", "晚安", "草", "88", "好看好看好看", "233333"]
MIX_ADS = [
    "加V❤: abc_{n}", "扣扣：{d}", "➕vx {d}", "主❤播❤好❤美", "⓿➃①⑴{d}", "這個直播間真的太好看了",
    "亻尔女子看{n}", "壹叁捌零零壹叁捌零零零", "访问 www.x{n}.com 领福利",
    "主\u200b播\u200b{n}好美",
    "𝐇𝕌𝐗看这里{n}", "威信 wx_{n}abc", "1 3 8 0 0 1 3 8 0 0 {n}",
]


def mix_ordinary(rng: random.Random) -> str:
    """One ordinary comment of 5-40 characters (the normaliser mix)."""
    n = rng.randint(5, 40)
    chars = []
    for _ in range(n):
        r = rng.random()
        chars.append(rng.choice(MIX_PUNCT) if r < 0.08 else rng.choice(MIX_EMOJI) if r < 0.1
                     else rng.choice(MIX_COMMON))
    return "".join(chars)


def mix_texts(n: int, seed: int, unique: bool) -> list[str]:
    """Generate ``n`` comments of the mix: 75% ordinary, 10% floods, 15% evasion/ads."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.75:
            t = mix_ordinary(rng)
        elif r < 0.85:
            t = rng.choice(MIX_FLOODS)
        else:
            t = rng.choice(MIX_ADS).format(n=rng.randint(0, 999), d=rng.randint(10**7, 10**10))
        if unique:  # a random suffix of common characters defeats the cache
            t = t + "".join(rng.choices(MIX_COMMON, k=4))
        out.append(t)
    return out


def measure_mix(texts: list[str]) -> str:
    """Comments per second of ``normalize`` over ``texts`` (cache cleared first).

    Both wall-clock and process CPU time are reported: on a shared machine the CPU-time
    figure is the one-core throughput, the wall figure includes time waiting for a core.
    """
    norm_mod._normalize_cached.cache_clear()
    with Stopwatch() as sw:
        for t in texts:
            norm_mod.normalize(t)
    n = len(texts)
    return f"{n / sw.cpu:,.0f} comments/s per CPU-second ({n / sw.wall:,.0f} wall)"


def bench_mix(n: int, seed: int) -> None:
    """Pin to one core and print normaliser throughput on the generated mix."""
    print(pin_one_core())
    norm_mod.normalize("預熱 warm-up")  # builds the OpenCC table outside the timing
    unique = mix_texts(n, seed, unique=True)
    mixed = mix_texts(n, seed, unique=False)
    mean_len = sum(map(len, unique)) / len(unique)
    print(f"normaliser v{norm_mod.NORMALIZER_VERSION}, {n} comments, "
          f"mean length {mean_len:.1f} chars, one core")
    print(f"unique texts (no cache hits): {measure_mix(unique)}")
    print(f"realistic mix with repeats:   {measure_mix(mixed)}")


def bench_reader(n: int, n_normalise: int) -> None:
    """Generate ``n`` JSONL lines, read them, normalise the first texts; print figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        t = time.perf_counter()
        generate(path, n)
        size = path.stat().st_size
        print(
            f"generated {n:,} lines ({size / 2**20:.1f} MiB) in {time.perf_counter() - t:.1f}s"
        )
        print(f"peak RSS before reading: {peak_rss_mib():.0f} MiB")
        sample: list[str] = []
        t = time.perf_counter()
        stream = open_comments(path)
        for comment in stream:
            if len(sample) < n_normalise:
                sample.append(comment.text)
        read_s = time.perf_counter() - t
        s = stream.stats
        assert s.read == s.accepted + s.rejected + s.skipped == n
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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000,
                        help="lines to generate and read (0 skips the reader part)")
    parser.add_argument("--normalise", type=int, default=200_000,
                        help="texts of the read stream to normalise")
    parser.add_argument("--mix", type=int, default=200_000,
                        help="comments per normaliser-mix measurement (0 skips it)")
    parser.add_argument("--mix-seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n:
        bench_reader(args.n, args.normalise)
    if args.mix:  # last: it pins the process to one core
        bench_mix(args.mix, args.mix_seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
