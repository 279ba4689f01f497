"""Model card (README.md) written next to every trained model.

The card is generated from ``botcomments.json``: data description and licences come
from ``settings.training["data"]``, every entry of ``settings.metrics`` becomes a row of
the metrics table.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from botcomments.model.settings import ModelSettings

METRIC_COLUMNS: tuple[str, ...] = (
    "n",
    "n_bot",
    "roc_auc",
    "pr_auc",
    "f1",
    "precision",
    "recall",
    "fpr",
    "precision_at_90_recall",
    "brier",
)

INTENDED_USE = """\
Scores single Chinese live-stream chat comments for "water army" bot / spam content,
**text only**. It is one piece of evidence: the botcomments scorer fuses it with
near-duplicate, template and timing detectors and aggregates per room. Intended users:
trust-and-safety and data teams, brand/MCN auditors, researchers. Do not ban accounts
on this score alone; short organic floods ("666", "扣1") are ambiguous without room
context."""

LIMITATIONS = """\
- Bot comments in training come partly from the project's simulator and its ad grammar;
  real bot styles not covered by them may score low. Real live-chat negatives come from
  one platform (Bilibili VTuber rooms, 2019); measure on your own platform's chat first.
- The unlabelled real danmaku used as negatives is *mostly* genuine: lines with
  contacts, links, long digit runs or ad wording were removed from it, others may remain.
- Texts are normalised (botcomments normaliser, version in `botcomments.json`) before
  tokenisation. `transformers.pipeline("text-classification", model=PATH)` works on
  this folder but does **not** apply the normaliser: use
  `botcomments.model.BotCommentClassifier` for the intended results."""


def long_input_note(settings: ModelSettings) -> str:
    """The limitation line on comments longer than ``max_length`` tokens.

    Args:
        settings: The model's settings.

    Returns:
        One Markdown bullet.
    """
    if not settings.window_overlap:
        return f"- Inputs longer than {settings.max_length} tokens are truncated."
    return (
        f"- Inputs longer than {settings.max_length} tokens are scored as windows of "
        f"{settings.max_length} tokens overlapping by {settings.window_overlap}, at most "
        f"{settings.max_windows} per comment (P(bot) of the most bot-like window; "
        "`transformers.pipeline` truncates instead)."
    )


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def metrics_table(metrics: dict[str, Any]) -> str:
    """Markdown table with one row per evaluation set.

    Args:
        metrics: ``{set name: evaluation report}``.

    Returns:
        Markdown text.
    """
    head = "| set | " + " | ".join(METRIC_COLUMNS) + " |"
    sep = "|" + "---|" * (len(METRIC_COLUMNS) + 1)
    rows = [
        f"| {name} | " + " | ".join(_cell(rep.get(c)) for c in METRIC_COLUMNS) + " |"
        for name, rep in metrics.items()
        if isinstance(rep, dict) and "brier" in rep  # evaluation reports only
    ]
    return "\n".join([head, sep, *rows])


def render_model_card(settings: ModelSettings) -> str:
    """Render the card text.

    Args:
        settings: The model's settings (training info and metrics).

    Returns:
        Markdown with YAML front matter.
    """
    training = settings.training
    data = training.get("data", {})
    licences = data.get("licences", {})
    cfg = training.get("config", {})
    lines = [
        "---",
        "language: zh",
        "license: apache-2.0",
        "pipeline_tag: text-classification",
        "tags: [botcomments, spam-detection, live-stream, chinese]",
        "---",
        "",
        "# botcomments text classifier",
        "",
        f"Base: {training.get('base', 'unknown')}. Labels: `0 = human`, `1 = bot`. "
        f"Normaliser version {settings.normalizer_version}, max_length {settings.max_length}, "
        f"decision threshold {settings.threshold:.3f} on P(bot) "
        "(chosen for "
        + str(
            data.get("threshold_rule")
            or f"precision {cfg.get('target_precision', '?')} on validation"
        )
        + ").",
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "## Data",
        "",
        str(data.get("description", "User-supplied labeled comments.")),
        "",
    ]
    if licences:
        lines += ["| corpus | licence |", "|---|---|"]
        lines += [f"| {name} | {lic} |" for name, lic in licences.items()]
        lines.append("")
    real_chat = data.get("real_chat_table")
    if real_chat:
        lines += [
            "## Real live chat (headline figures)",
            "",
            str(data.get("real_chat_note", "")),
            "",
            *real_chat,
            "",
        ]
    lines += [
        "## Metrics",
        "",
        str(data.get("metrics_note", "Validation metrics at the saved threshold.")),
        "",
        metrics_table(settings.metrics),
        "",
    ]
    summary = data.get("summary")
    if summary:
        lines += ["Headline figures:", "", *[f"- {s}" for s in summary], ""]
    lines += [
        "## Training",
        "",
        f"Seed {cfg.get('seed')}, {training.get('steps')} steps in {training.get('seconds')} s "
        f"on {training.get('device')}; {training.get('n_train')} training and "
        f"{training.get('n_validation')} validation rows. Full configuration and library "
        "versions are in `botcomments.json`.",
        "",
        "## Use",
        "",
        "```python",
        "from botcomments.model import BotCommentClassifier",
        "clf = BotCommentClassifier.from_pretrained(PATH)",
        'clf.predict_proba(["主播好美", "加V看主页"])  # (n, 2), columns = id2label',
        "```",
        "",
        "## Limitations",
        "",
        LIMITATIONS,
        long_input_note(settings),
        "",
    ]
    return "\n".join(lines)


def write_model_card(folder: Path | str, settings: ModelSettings) -> Path:
    """Write README.md into a model folder.

    Args:
        folder: Model folder.
        settings: The model's settings.

    Returns:
        The README path.
    """
    path = Path(folder) / "README.md"
    path.write_text(render_model_card(settings), "utf-8")
    return path
