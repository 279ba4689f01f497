"""Real live chat for the text model: training negatives, length balance, threshold, checks.

Real danmaku is short (median 6 characters) and repetitive; a model whose only short
chat came from the simulator learned "short chat line = bot". This module brings real
live chat into training and, above all, into evaluation:

- :func:`danmaku_live_split` reads ``danmaku_live_2019`` (MIT, a *train* folder) and splits
  it by ROOM into training negatives and a held-out part (threshold and validation);
- :func:`drop_promotional` treats that unlabelled chat as *mostly* genuine
  (positive-unlabelled): lines with a contact, a link, a long digit run or ad wording are
  removed from the negatives rather than trusted as human;
- :func:`drop_human_like` removes simulator "bot" rows whose text humans also post
  (bots copy viewers' lines; as text those rows are pure label noise);
- :func:`balance_lengths` resamples so every length bucket has the same bot share, so
  length alone carries no label signal;
- :func:`threshold_for_bucket_fpr` picks the lowest threshold that flags at most a given
  share of held-out real danmaku overall AND in every length bucket;
- :func:`real_chat_report` measures the Done-means figures on data never trained on
  (``danmaku_video_2019``, ``danmaku_room_2020``, ``qq_group_ads``, ``game_chat_ads``:
  *eval* folders, read for measurement only).

Example:
    >>> length_bucket("草"), length_bucket("主播好美啊"), length_bucket("x" * 20)
    ('1-2', '5-8', '9+')
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from botcomments.model import BotCommentClassifier
from botcomments.text.normalize import Normalizer
from botcomments.thresholds import choose_threshold
from botcomments_training.data import LabeledData
from botcomments_training.split import template_key

DANMAKU_LIVE = Path("danmaku_live_2019") / "danmaku.jsonl.gz"
EVAL_DANMAKU: dict[str, Path] = {
    "danmaku_video_2019": Path("danmaku_video_2019") / "danmaku.jsonl.gz",
    "danmaku_room_2020": Path("danmaku_room_2020") / "danmaku.jsonl.gz",
}
QQ_GROUP_ADS = Path("qq_group_ads") / "messages.jsonl.gz"
GAME_CHAT_ADS = Path("game_chat_ads") / "chat.jsonl.gz"

LENGTH_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1-2", 1, 2),
    ("3-4", 3, 4),
    ("5-8", 5, 8),
    ("9+", 9, 10**9),
)
"""Length buckets (characters of the stripped raw text) of the real-chat figures."""

PROMO_WORDS = re.compile(
    r"加[vV微薇威q扣群]|[vV][xX]|微信|威信|薇信|qq|扣扣|企鹅|群号|进群|加群|入群|私聊|私信|"
    r"主页|福利|兼职|代练|代充|出售|收购|低价|优惠|淘宝|链接|二维码|扫码|下载|官网|"
    r"[0-9]{6,}|<PHONE>|<QQ>|<WECHAT>|<URL>|<CONTACT>",
    re.IGNORECASE,
)
"""Ad wording, contacts and long digit runs: such unlabelled lines are not trusted as human."""


def read_jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a gzip-compressed JSON-lines file.

    Args:
        path: ``.jsonl.gz`` file.

    Yields:
        One dict per non-empty line.

    Raises:
        FileNotFoundError: If the file is missing (with the corpora folder to pass).
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; pass --corpora pointing at shared/corpora")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def length_bucket(text: str) -> str:
    """Length bucket name of a raw text (characters after stripping whitespace).

    Args:
        text: Raw comment text.

    Returns:
        One of the names in :data:`LENGTH_BUCKETS`.
    """
    n = max(1, len(text.strip()))
    return next(name for name, lo, hi in LENGTH_BUCKETS if lo <= n <= hi)


def length_buckets(texts: Sequence[str]) -> np.ndarray:
    """:func:`length_bucket` of every text, as an array.

    Args:
        texts: Raw texts.

    Returns:
        Bucket names, one per text.
    """
    return np.array([length_bucket(t) for t in texts], dtype=object)


def danmaku_live_split(
    root: Path, holdout: float, seed: int
) -> tuple[list[str], list[str]]:
    """Real live danmaku split by room into training and held-out texts.

    Args:
        root: Corpora folder.
        holdout: Share of rooms held out (whole rooms, so no room's slang or copy-paste
            chants sit on both sides).
        seed: Shuffle seed of the rooms.

    Returns:
        ``(train_texts, heldout_texts)``; empty lines are skipped.
    """
    by_room: dict[str, list[str]] = defaultdict(list)
    for row in read_jsonl_gz(root / DANMAKU_LIVE):
        text = str(row.get("text") or "").strip()
        if text:
            by_room[str(row.get("room_id"))].append(text)
    rooms = _shuffled_rooms(by_room, seed)
    held = heldout_rooms(by_room, holdout, seed)
    train = [t for r in rooms if r not in held for t in by_room[r]]
    heldout = [t for r in rooms if r in held for t in by_room[r]]
    return train, heldout


def _shuffled_rooms(room_ids: Iterable[str], seed: int) -> list[str]:
    rooms = sorted(set(room_ids))
    random.Random(seed).shuffle(rooms)
    return rooms


def heldout_rooms(room_ids: Iterable[str], holdout: float, seed: int) -> set[str]:
    """The rooms :func:`danmaku_live_split` holds out of the text model's training.

    Args:
        room_ids: Every room id (order does not matter).
        holdout: Share of rooms held out (at least one).
        seed: Shuffle seed.

    Returns:
        Held-out room ids.
    """
    rooms = _shuffled_rooms(room_ids, seed)
    return set(rooms[: max(1, round(holdout * len(rooms)))])


def is_promotional(text: str, normalizer: Normalizer) -> bool:
    """Whether an unlabelled chat line may be an ad (contact, link, digits, ad wording).

    Args:
        text: Raw text.
        normalizer: Normaliser (its contact masking finds obfuscated contacts).

    Returns:
        True when the line should not be trusted as a genuine negative.
    """
    norm = normalizer(text)
    return bool(norm.features.masked_contacts) or bool(PROMO_WORDS.search(norm.text))


def drop_promotional(texts: Sequence[str], normalizer: Normalizer) -> tuple[list[str], int]:
    """Keep the lines of unlabelled real chat that carry no ad marks.

    Args:
        texts: Unlabelled real chat lines.
        normalizer: Normaliser.

    Returns:
        ``(kept, n_dropped)``.
    """
    kept = [t for t in texts if not is_promotional(t, normalizer)]
    return kept, len(texts) - len(kept)


def cap_repeats(texts: Sequence[str], max_copies: int) -> list[str]:
    """Keep at most ``max_copies`` of each exact line (first occurrences, order kept).

    Real chat repeats its top lines thousands of times; a cap keeps them present
    without letting a few chants dominate the negatives.

    Args:
        texts: Lines.
        max_copies: Copies kept per distinct line (>= 1).

    Returns:
        The capped lines.
    """
    seen: Counter[str] = Counter()
    out = []
    for t in texts:
        seen[t] += 1
        if seen[t] <= max_copies:
            out.append(t)
    return out


def drop_human_like(bots: LabeledData, human_texts: Sequence[str]) -> tuple[LabeledData, int]:
    """Drop bot-labelled rows whose template key humans also post.

    Simulated campaigns copy viewers' lines (bought interaction, copy floods, scripts
    mixed with copied chat). As TEXT those rows cannot be told from the human lines
    they copy; labelled "bot" they teach the text model that ordinary chat is bot-like.
    Room context (the fused scorer) is what catches them.

    Args:
        bots: Rows to filter (only label-1 rows are dropped).
        human_texts: Genuine lines (simulated genuine chat and real chat).

    Returns:
        ``(kept rows, n_dropped)``.
    """
    normalizer = Normalizer()
    human_keys = {template_key(t, normalizer) for t in human_texts}
    keep = [
        i
        for i, (t, y) in enumerate(zip(bots.texts, bots.labels, strict=True))
        if y == 0 or template_key(t, normalizer) not in human_keys
    ]
    return bots.subset(keep), len(bots) - len(keep)


def balance_lengths(data: LabeledData, seed: int, max_upsample: float = 4.0) -> LabeledData:
    """Resample so no length bucket leans more towards "bot" than the data overall.

    In each bucket the class that is short of the overall bot share is up-sampled with
    replacement (at most ``max_upsample`` times its size). Where bots are still too
    many, bot rows are down-sampled to the overall share; genuine rows are never
    dropped, so a bucket with few bots (1-2 character lines) may lean "human" but never
    "bot": length alone carries no bot signal.

    Args:
        data: Labeled rows.
        seed: Resampling seed.
        max_upsample: Largest up-sampling factor of a bucket's short class.

    Returns:
        The resampled rows (shuffled).
    """
    rng = np.random.default_rng(seed)
    labels = np.asarray(data.labels)
    share = float(labels.mean()) if len(labels) else 0.0
    buckets = length_buckets(data.texts)
    picks: list[np.ndarray] = []
    for name, _, _ in LENGTH_BUCKETS:
        pos = np.nonzero((buckets == name) & (labels == 1))[0]
        neg = np.nonzero((buckets == name) & (labels == 0))[0]
        picks += _balanced_bucket(pos, neg, share, max_upsample, rng)
    order = rng.permutation(np.concatenate(picks)) if picks else np.array([], dtype=int)
    return data.subset(order.tolist())


def _balanced_bucket(
    pos: np.ndarray, neg: np.ndarray, share: float, max_up: float, rng: np.random.Generator
) -> list[np.ndarray]:
    """Indices of one bucket resampled towards bot share ``share`` (negatives all kept)."""
    if not len(pos) or not len(neg) or share in (0.0, 1.0):
        return [pos, neg]
    odds = share / (1 - share)
    if len(pos) < odds * len(neg):
        return [_resample(pos, int(min(odds * len(neg), max_up * len(pos))), rng), neg]
    neg = _resample(neg, int(min(len(pos) / odds, max_up * len(neg))), rng)
    n_pos = min(len(pos), int(len(neg) * odds))
    return [rng.choice(pos, n_pos, replace=False), neg]


def _resample(idx: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Every index once, then random extra copies up to ``n``."""
    extra = max(0, n - len(idx))
    return np.concatenate((idx, rng.choice(idx, extra, replace=True)))


def bucket_flag_rates(texts: Sequence[str], scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """Share of lines at or above ``threshold``, overall and per length bucket.

    Args:
        texts: Raw texts (genuine lines).
        scores: P(bot) per text.
        threshold: Decision threshold.

    Returns:
        ``{"n", "flagged", "buckets": {name: {"n", "flagged"}}}``.
    """
    flagged = np.asarray(scores) >= threshold
    buckets = length_buckets(texts)
    out: dict[str, Any] = {"n": len(texts), "flagged": float(flagged.mean()), "buckets": {}}
    for name, _, _ in LENGTH_BUCKETS:
        m = buckets == name
        rate = float(flagged[m].mean()) if m.any() else float("nan")
        out["buckets"][name] = {"n": int(m.sum()), "flagged": rate}
    return out


def threshold_for_bucket_fpr(
    texts: Sequence[str], scores: np.ndarray, max_fpr: float, max_bucket_fpr: float
) -> float:
    """Lowest threshold flagging at most ``max_fpr`` of genuine lines and at most
    ``max_bucket_fpr`` of each length bucket.

    Args:
        texts: Genuine (held-out real chat) lines.
        scores: P(bot) per line.
        max_fpr: Largest share flagged overall.
        max_bucket_fpr: Largest share flagged in any length bucket.

    Returns:
        The threshold.

    Raises:
        ValueError: If ``texts`` is empty.
    """
    if not len(texts):
        raise ValueError("no genuine lines to choose a threshold on")
    s = np.asarray(scores, dtype=float)
    buckets = length_buckets(texts)
    limits = [choose_threshold(s, max_genuine_share=max_fpr)]
    limits += [choose_threshold(s[buckets == b], max_genuine_share=max_bucket_fpr)
               for b in set(buckets)]
    return max(limits)


def eval_danmaku(root: Path, per_corpus: int, seed: int) -> dict[str, list[str]]:
    """Samples of real danmaku NEVER used for training (eval folders; measurement only).

    Args:
        root: Corpora folder.
        per_corpus: Lines sampled from each corpus (0 = all).
        seed: Sampling seed.

    Returns:
        Corpus name to lines.
    """
    out = {}
    for name, rel in EVAL_DANMAKU.items():
        lines = [str(r["text"]).strip() for r in read_jsonl_gz(root / rel)]
        lines = [t for t in lines if t]
        if per_corpus and per_corpus < len(lines):
            lines = random.Random(seed).sample(lines, per_corpus)
        out[name] = lines
    return out


def eval_ads(root: Path) -> dict[str, list[str]]:
    """Real ads never used for training (eval folders; measurement only).

    Args:
        root: Corpora folder.

    Returns:
        ``{"qq_group_ads": ads, "game_chat_ads": label-1 lines}``.
    """
    return {
        name: [str(r["text"]) for r in read_jsonl_gz(root / rel) if int(r["label"]) == 1]
        for name, rel in (("qq_group_ads", QQ_GROUP_ADS), ("game_chat_ads", GAME_CHAT_ADS))
    }


def real_chat_report(
    clf: BotCommentClassifier, root: Path, per_corpus: int = 50_000, seed: int = 0
) -> dict[str, Any]:
    """Text-model figures on real chat never trained on, at the model's threshold.

    Args:
        clf: The classifier (shipped configuration).
        root: Corpora folder.
        per_corpus: Danmaku lines sampled per eval corpus (0 = all).
        seed: Sampling seed.

    Returns:
        ``{"threshold", "danmaku": flag rates (all eval danmaku together),
        "per_corpus": {name: flag rates}, "ads": {name: {"n", "roc_auc", "recall"}}}``.
    """
    danmaku = eval_danmaku(root, per_corpus, seed)
    texts = [t for lines in danmaku.values() for t in lines]
    scores = clf.bot_scores(texts)
    report: dict[str, Any] = {
        "threshold": clf.threshold,
        "danmaku": bucket_flag_rates(texts, scores, clf.threshold),
        "per_corpus": {},
        "ads": {},
    }
    start = 0
    for name, lines in danmaku.items():
        part = scores[start : start + len(lines)]
        report["per_corpus"][name] = bucket_flag_rates(lines, part, clf.threshold)
        start += len(lines)
    for name, ads in eval_ads(root).items():
        ad_scores = clf.bot_scores(ads)
        y = np.r_[np.zeros(len(scores)), np.ones(len(ad_scores))]
        report["ads"][name] = {
            "n": len(ads),
            "roc_auc": float(roc_auc_score(y, np.r_[scores, ad_scores])),
            "recall": float((ad_scores >= clf.threshold).mean()),
        }
    return report


def format_real_chat(report: dict[str, Any]) -> list[str]:
    """Markdown lines of a :func:`real_chat_report`.

    Args:
        report: The report.

    Returns:
        Table lines: flag rates of real danmaku per corpus and bucket, then the ads.
    """
    names = [b for b, _, _ in LENGTH_BUCKETS]
    lines = [
        "| real danmaku (never trained on) | n | flagged | "
        + " | ".join(f"{b} chars" for b in names)
        + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    rows = [("all", report["danmaku"]), *report["per_corpus"].items()]
    for name, r in rows:
        cells = " | ".join(f"{r['buckets'][b]['flagged']:.2%}" for b in names)
        lines.append(f"| {name} | {r['n']} | {r['flagged']:.2%} | {cells} |")
    lines += ["", "| real ads vs those danmaku | n | ROC-AUC | recall at threshold |",
              "|---|---|---|---|"]
    for name, a in report["ads"].items():
        lines.append(f"| {name} | {a['n']} | {a['roc_auc']:.3f} | {a['recall']:.1%} |")
    return lines


def real_chat_summary(report: dict[str, Any]) -> list[str]:
    """Headline sentences of a :func:`real_chat_report` for the model card.

    Args:
        report: The report.

    Returns:
        Two sentences: danmaku flag rates, ad ROC-AUCs.
    """
    d = report["danmaku"]
    worst = max(d["buckets"].items(), key=lambda kv: kv[1]["flagged"])
    ads = ", ".join(
        f"{name} ROC-AUC {a['roc_auc']:.3f} (recall {a['recall']:.1%})"
        for name, a in report["ads"].items()
    )
    return [
        f"(e) real live danmaku never trained on ({', '.join(report['per_corpus'])}): "
        f"{d['flagged']:.2%} flagged (target ≤ 2 %); worst length bucket {worst[0]} "
        f"characters {worst[1]['flagged']:.2%} (target ≤ 3 %)",
        f"(f) real ads vs those danmaku: {ads} (targets 0.95 / 0.90)",
    ]
