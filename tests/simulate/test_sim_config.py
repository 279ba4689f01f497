"""Config validation, JSON loading and the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from botcomments.cli import simulate as cli
from botcomments.simulate import SimulationConfig, sidecar_path

BAD_CONFIGS = [
    ({"bot_share": (0.5, 0.2)}, "bot_share"),
    ({"bot_share": (0.0, 0.99)}, "0.95"),
    ({"bot_share": "lots"}, "bot_share"),
    ({"campaign_weights": {"botnet": 1.0}}, "unknown campaign"),
    ({"campaign_weights": {"spam": -1.0}}, "spam"),
    ({"campaign_weights": {"spam": 0.0}}, "at least one campaign"),
    ({"room_size": (5, 100)}, "room_size"),
    ({"room_size": (100, 2_000_000)}, "room_size"),
    ({"mix_concentration": 0.0}, "mix_concentration"),
    ({"flood_share": (0.0, 0.9)}, "flood_share"),
    ({"fan_share": 1.5}, "fan_share"),
    ({"human_noise": -1.0}, "human_noise"),
    ({"corpora_path": "/definitely/not/here"}, "corpora_path"),
    ({"sessions_per_host": 0}, "sessions_per_host"),
    ({"viewer_stay_s": (600.0, 60.0)}, "viewer_stay_s"),
    ({"viewer_stay_s": (5.0, 60.0)}, "viewer_stay_s"),
]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    BAD_CONFIGS,
    ids=[m + "-" + str(i) for i, (_, m) in enumerate(BAD_CONFIGS)],
)
def test_bad_config_names_the_problem(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulationConfig(**kwargs)


def test_zero_bot_share_allows_no_campaigns() -> None:
    cfg = SimulationConfig(bot_share=0.0, campaign_weights={})
    assert cfg.active_campaigns() == ()


def test_json_round_trip(tmp_path: Path) -> None:
    cfg = SimulationConfig(bot_share=(0.1, 0.2), campaign_weights={"paraphrase": 2.0})
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(cfg.to_dict()), encoding="utf-8")
    assert SimulationConfig.from_json(path) == cfg


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{nope", "not valid JSON"),
        ('{"colour": 1}', "unknown simulation config key"),
        ("[1]", "object"),
    ],
    ids=["bad-json", "unknown-key", "not-object"],
)
def test_bad_json_config(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cfg.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        SimulationConfig.from_json(path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser


def test_cli_writes_archive_and_sidecar(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"room_size": [40, 60]}), encoding="utf-8")
    out = tmp_path / "chat.jsonl"
    args = _parser().parse_args(
        [
            "simulate",
            "--rooms",
            "3",
            "--out",
            str(out),
            "--seed",
            "4",
            "--config",
            str(cfg),
            "--bot-share",
            "0.5",
            "--campaigns",
            "paraphrase=2",
            "bot_spam",
        ]
    )
    assert args.func(args) == 0
    rooms = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert len(rooms) == 3 and all(40 <= r["n_comments"] <= 60 for r in rooms)
    personas = {json.loads(line)["persona"] for line in out.read_text().splitlines()}
    assert {p for p in personas if p.startswith("bot_")} <= {"bot_paraphrase", "bot_spam"}
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--out", "x.csv"],
        ["--out", "x.jsonl", "--bot-share", "2"],
        ["--out", "x.jsonl", "--campaigns", "zombies"],
        ["--out", "x.jsonl", "--campaigns", "spam=lots"],
    ],
    ids=["bad-extension", "bad-share", "unknown-campaign", "bad-weight"],
)
def test_cli_bad_settings_exit_2(tmp_path: Path, argv: list[str]) -> None:
    argv = [a if not a.startswith("x.") else str(tmp_path / a) for a in argv]
    args = _parser().parse_args(["simulate", "--rooms", "1", *argv])
    assert args.func(args) == 2


@pytest.mark.parametrize("schedule", [(), (0.2, 0.99), (-0.1,)], ids=["empty", "high", "negative"])
def test_bad_schedule(schedule: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="bot_share_schedule"):
        SimulationConfig(bot_share_schedule=schedule)


CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"


@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora not available")
def test_corpora_sentences_feed_genuine_chat() -> None:
    from botcomments.simulate import simulate
    from botcomments.simulate.corpora import load_corpus

    corpus = set(load_corpus(CORPORA))
    assert len(corpus) > 1000 and max(len(s) for s in corpus) <= 30
    cfg = SimulationConfig(room_size=(400, 400), corpora_path=str(CORPORA), corpora_share=0.5)
    res = simulate(1, seed=0, config=cfg)
    chat = [c for c in res.comments if c.extra["persona"] in ("genuine_chat", "genuine_fan")]
    share = sum(c.text in corpus for c in chat) / len(chat)
    assert 0.3 < share < 0.7
    assert not any(c.text in corpus for c in res.comments if c.label == 1)


def _median_genuine_gap(config: SimulationConfig) -> float:
    """Median mean gap (s) between the posts of genuine viewers who post more than once."""
    import numpy as np

    from botcomments.simulate import simulate

    sim = simulate(4, seed=5, config=config)
    by_user: dict[str, list[float]] = {}
    for c in sim.comments:
        if c.label == 0:
            by_user.setdefault(c.user_id or "", []).append(c.ts or 0.0)
    gaps = [(max(t) - min(t)) / (len(t) - 1) for t in by_user.values() if len(t) > 1]
    return float(np.median(gaps))


def test_a_wider_viewer_stay_spreads_posts_over_longer_gaps() -> None:
    """A watch time of two to four hours spreads the non-fan viewers' posts over longer
    gaps than the default ten minutes (same seed and rooms otherwise)."""
    default_gap = _median_genuine_gap(SimulationConfig(bot_share=0.0, session_hours=(4.0, 4.0)))
    wide_gap = _median_genuine_gap(SimulationConfig(bot_share=0.0, session_hours=(4.0, 4.0),
                                                    viewer_stay_s=(7200.0, 14400.0)))
    assert wide_gap > 1.5 * default_gap
