"""Markdown summary of a simulated archive: per-room truth and example lines.

Example:
    >>> import tempfile, pathlib
    >>> from botcomments.simulate import SimulationConfig, simulate_to_file
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = simulate_to_file(out, 1, 0, SimulationConfig(room_size=(30, 30)))
    >>> archive_report(out).startswith("| room")
    True
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from botcomments.simulate.config import PERSONAS
from botcomments.simulate.engine import sidecar_path


def rooms_table(rooms: list[dict]) -> str:
    """Markdown table of per-room true ratios and campaign mix.

    Args:
        rooms: Sidecar entries.

    Returns:
        The table.
    """
    lines = [
        "| room | comments | commenters | bot comments | authenticity (comments) "
        "| genuine commenters | campaigns (bot comments) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rooms:
        mix = ", ".join(f"{k} {v}" for k, v in r["campaign_mix"].items() if v) or "none"
        lines.append(
            f"| {r['room_id']} | {r['n_comments']} | {r['n_users']} | {r['n_bot_comments']} "
            f"| {r['authenticity_ratio']:.3f} | {r['genuine_user_ratio']:.3f} | {mix} |"
        )
    return "\n".join(lines)


def persona_examples(records: list[dict], per_persona: int = 6, seed: int = 0) -> str:
    """Markdown list of example lines for each persona.

    Args:
        records: Output records.
        per_persona: Examples per persona.
        seed: Seed of the example draw.

    Returns:
        The list (invisible characters shown as escapes).
    """
    by: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        by[rec["persona"]].append(rec["text"])
    rnd = random.Random(seed)
    out = []
    for persona in PERSONAS:
        texts = by.get(persona, [])
        if not texts:
            continue
        picks = rnd.sample(texts, min(per_persona, len(texts)))
        shown = " · ".join(f"`{json.dumps(t, ensure_ascii=False)[1:-1]}`" for t in picks)
        out.append(f"- **{persona}** ({len(texts)}): {shown}")
    return "\n".join(out)


def archive_report(jsonl_path: str | Path) -> str:
    """Per-room table and persona examples for a JSONL archive and its sidecar.

    Args:
        jsonl_path: A ``.jsonl`` written by ``simulate_to_file``.

    Returns:
        Markdown text.
    """
    path = Path(jsonl_path)
    rooms = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    return rooms_table(rooms) + "\n\nExample lines:\n\n" + persona_examples(records) + "\n"
