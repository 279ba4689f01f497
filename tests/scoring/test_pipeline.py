"""End-to-end tests of the scorer pipeline and the ``botcomments score`` contract."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from botcomments.cli import main
from botcomments.detectors.base import FLAGS
from botcomments.records import Comment
from botcomments.scoring.pipeline import FeatureExtractor, Scorer
from botcomments.scoring.types import RoomReport, ScoreResult, Verdict
from botcomments_training.fitting.combiner import fit_learned_fusion
from botcomments_training.fitting.combiner_training import collect_features


class LengthModel:
    """Test stand-in for the text model: longer texts look more like bots."""

    threshold = 0.5

    def bot_scores(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([min(len(t), 40) / 40 for t in texts])


def test_rule_only_scores_every_comment_in_input_order(sim_comments: list[Comment]) -> None:
    shuffled = sim_comments[::3] + sim_comments[1::3] + sim_comments[2::3]
    result = Scorer.rule_only().score(shuffled)
    assert isinstance(result, ScoreResult)
    assert len(result.verdicts) == len(shuffled)
    assert all(isinstance(v, Verdict) for v in result.verdicts)
    again = Scorer.rule_only().score(sim_comments)
    by_id = {c.msg_id: v.bot_score for c, v in zip(sim_comments, again.verdicts, strict=True)}
    # the same comment gets the same score whatever the input order
    for c, v in zip(shuffled, result.verdicts, strict=True):
        assert v.bot_score == pytest.approx(by_id[c.msg_id], abs=1e-9)


def test_room_reports_have_the_contract_fields(sim_comments: list[Comment]) -> None:
    result = Scorer.rule_only().score(sim_comments)
    assert [r.room_id for r in result.rooms] == list(dict.fromkeys(c.room_id
                                                                   for c in sim_comments))
    for room in result.rooms:
        assert isinstance(room, RoomReport)
        assert 0 <= room.authenticity_ci[0] <= room.authenticity_ratio <= room.authenticity_ci[1]
        assert 0 <= room.genuine_user_ratio <= 1
        assert room.timeline and {"minute", "n", "genuine_share"} <= set(room.timeline[0])
        assert room.estimator


def test_verdicts_are_consistent(sim_comments: list[Comment]) -> None:
    scorer = Scorer.rule_only()
    result = scorer.score(sim_comments)
    for v in result.verdicts:
        assert v.is_bot == (v.bot_score >= scorer.threshold)
        assert set(v.flags) <= set(FLAGS)
        assert set(v.flags) <= set(v.evidence)
        if not v.is_bot:
            assert v.flags == ()
    labels = np.array([c.label for c in sim_comments])
    pred = np.array([v.is_bot for v in result.verdicts])
    assert pred[labels == 1].mean() > 3 * max(pred[labels == 0].mean(), 0.01)


def test_handmade_copy_flood_is_flagged_with_evidence() -> None:
    questions = ["这件什么材质的", "有没有大码", "主播多高", "链接在哪里", "什么时候发货",
                 "能不能便宜点", "颜色好看吗", "洗了会缩水吗", "包邮吗", "还有优惠券吗"]
    rng = np.random.default_rng(3)
    human = [Comment(text=q, room_id="r", ts=float(1000 + rng.uniform(0, 300)),
                     user_id=f"h{k}{j}") for k in range(3) for j, q in enumerate(questions)]
    flood = [Comment(text="主播太美了吧买它" + "!" * (k % 3) + "❤" * (k % 2), room_id="r",
                     ts=1100.0 + 0.2 * k, user_id=f"b{k}") for k in range(25)]
    comments = sorted(human + flood, key=lambda c: c.ts or 0.0)
    result = Scorer.rule_only().score(comments)
    flood_verdicts = [v for c, v in zip(comments, result.verdicts, strict=True)
                      if c.user_id and c.user_id.startswith("b")]
    flagged = [v for v in flood_verdicts if v.is_bot]
    assert len(flagged) >= 20
    assert all("near_duplicate" in v.flags for v in flagged)
    assert flagged[0].evidence["near_duplicate"]["cluster_size"] >= 20
    human_flagged = sum(v.is_bot for c, v in zip(comments, result.verdicts, strict=True)
                        if c.user_id and c.user_id.startswith("h"))
    assert human_flagged <= 2
    assert result.rooms[0].top_clusters


def test_comments_without_time_or_user_are_scored() -> None:
    comments = [Comment(text="主播好美", room_id="r"), Comment(text="加V:abc123", room_id="r")]
    result = Scorer.rule_only().score(comments)
    assert len(result.verdicts) == 2
    assert result.rooms[0].n_comments == 2


def test_empty_input() -> None:
    result = Scorer.rule_only().score([])
    assert result.verdicts == [] and result.rooms == []


def test_fused_path_with_stand_in_text_model(sim_comments: list[Comment]) -> None:
    extractor = FeatureExtractor(text_model=LengthModel())
    data = collect_features(extractor, sim_comments * 2)
    groups = np.array([f"{r}-{i // len(sim_comments)}" for i, r in enumerate(data.rooms)])
    fusion, _ = fit_learned_fusion(data.features, data.labels, groups, kind="logistic")
    scorer = Scorer(fusion, text_model=LengthModel())
    result = scorer.score(sim_comments)
    assert scorer.mode == "fused+text"
    assert all(v.text_score is not None for v in result.verdicts)
    for v in result.verdicts:
        assert bool(v.flags) == v.is_bot  # every bot verdict has a reason, no other has one
        assert set(v.flags) == set(v.evidence)
        above = v.is_bot and (v.text_score or 0.0) >= LengthModel.threshold
        if above:  # the text model alone reached its own threshold
            assert v.evidence["text"] == {"score": round(v.text_score or 0.0, 4),
                                          "threshold": 0.5}
        elif "text" in v.flags:  # the combiner's strongest evidence was the text score
            assert v.evidence["text"]["source"] == "combiner"
    assert any("text" in v.flags for v in result.verdicts)
    explained = [v for v in result.verdicts if v.is_bot
                 and next(iter(v.evidence.values())).get("source") == "combiner"]
    assert all(e["features"] and "log_odds" in e
               for v in explained for e in v.evidence.values())


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_no_model_writes_the_contract(tmp_path: Path, sim_file: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["score", str(sim_file), "--out", str(out), "--no-model", "--format",
                 "parquet"])
    assert code == 0
    stdout = capsys.readouterr().out
    assert re.search(r"read \d+, accepted \d+, rejected 0", stdout)
    rows = _read_jsonl(out / "comments.jsonl")
    inputs = _read_jsonl(sim_file)
    assert [r["msg_id"] for r in rows] == [r["msg_id"] for r in inputs]
    for r in rows:
        assert isinstance(r["bot_score"], float) and 0 <= r["bot_score"] <= 1
        assert isinstance(r["is_bot"], bool)
        assert isinstance(r["flags"], list) and set(r["flags"]) <= set(FLAGS)
        assert "persona" in r and "text" in r
    rooms = json.loads((out / "rooms.json").read_text(encoding="utf-8"))
    for room in rooms:
        for key in ("room_id", "n_comments", "n_users", "authenticity_ratio",
                    "authenticity_ci", "genuine_user_ratio", "genuine_user_ci", "timeline",
                    "estimator"):
            assert key in room
        assert len(room["authenticity_ci"]) == 2
    assert sum(r["n_comments"] for r in rooms) == len(rows)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and not re.search(r"(src|href)=['\"]?(https?:)?//", page)
    assert (out / "comments.parquet").is_file()
    assert (out / "rejects.jsonl").is_file()


def test_cli_counts_rejects(tmp_path: Path, sim_file: Path) -> None:
    with sim_file.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    out = tmp_path / "out"
    assert main(["score", str(sim_file), "--out", str(out), "--no-model"]) == 0
    assert len(_read_jsonl(out / "rejects.jsonl")) == 1


def test_cli_without_default_model_says_use_no_model(
    tmp_path: Path, sim_file: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("botcomments.cli.score.default_model_dir", lambda: None)
    code = main(["score", str(sim_file), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "--no-model" in capsys.readouterr().err


def test_extractor_adds_account_text_features_on_handmade_room() -> None:
    rows = [("u1", "加V看主页有福利哦亲们快来"), ("u2", "好"),
            ("u1", "加V看主页有福利哦亲们快来吧"), (None, "主播好美呀")]
    comments = [Comment(text=t, room_id="r", ts=float(i), user_id=u)
                for i, (u, t) in enumerate(rows)]
    table = FeatureExtractor(text_model=LengthModel()).extract("r", comments).features
    own = np.array([min(len(t), 40) / 40 for _, t in rows])
    assert table.column("acct.n_comments").tolist() == [2, 1, 2, 0]
    assert table.column("acct.text_mean")[[0, 2]] == pytest.approx([own[[0, 2]].mean()] * 2)
    assert table.column("acct.text_mean")[3] == pytest.approx(own[3])  # guest: own score
    assert np.isnan(table.column("acct.text_mean_others")[[1, 3]]).all()
    assert "acct.n_comments" not in FeatureExtractor().extract("r", comments).features.names


@pytest.mark.parametrize("learned", [False, True])
def test_fusing_a_group_of_slices_at_once_equals_slice_by_slice(
        sim_comments: list[Comment], learned: bool) -> None:
    """score_slices runs the fusion once over several rooms' rows; the verdicts, flags,
    evidence and scores are those of scoring the slices one by one."""
    from pathlib import Path

    def scorer() -> Scorer:
        if not learned:
            return Scorer.rule_only()
        root = Path(__file__).resolve().parents[2]
        return Scorer.from_pretrained(root / "models" / "default", precision="fp32")

    rooms: dict[str, list[Comment]] = {}
    for c in sim_comments:
        rooms.setdefault(c.room_id, []).append(c)
    pieces = [(room, part) for room, cs in rooms.items()
              for part in (cs[:40], cs[40:41], cs[41:90])]  # slices of 40, 1 and 49
    one, many = scorer(), scorer()
    one.reset()
    many.reset()
    alone = [one.score_slice(room, part) for room, part in pieces]
    together = many.score_slices([(room, part, None) for room, part in pieces])
    assert len(together) == len(alone)
    for a, b in zip(alone, together, strict=True):
        np.testing.assert_array_equal(a.scores, b.scores)
        assert a.verdicts == b.verdicts
    flagged = [v for r in together for v in r.verdicts if v.is_bot]
    assert flagged and all(v.flags for v in flagged)
