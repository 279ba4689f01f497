"""From a labelled CSV with Chinese column names and labels to `score --model NEW` in two
commands: train (on a botcomments base) then score."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from botcomments.cli import main
from botcomments.simulate import SimulationConfig, simulate

pytest.importorskip("torch", reason="training needs torch")
pytest.importorskip("datasets", reason="training needs the train extra")

from tests.helpers.tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny botcomments model with a combiner, standing in for models/default."""
    from botcomments.records import LABEL_NAMES

    folder = tmp_path_factory.mktemp("base")
    model = build_tiny_model(folder / "tiny", dict(LABEL_NAMES))
    rooms = folder / "rooms.jsonl"
    with rooms.open("w", encoding="utf-8") as fh:
        for c in simulate(4, seed=11, config=SimulationConfig(room_size=(150, 250))).comments:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    assert main(["train-fusion", "--model", str(model), "--data", str(rooms),
                 "--kind", "logistic"]) == 0
    return model


def test_chinese_labelled_csv_to_score_in_two_commands(
        tmp_path: Path, base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    comments = simulate(6, seed=21, config=SimulationConfig(room_size=(80, 120))).comments
    data = tmp_path / "标注.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["内容", "是否水军", "直播间"])
        for c in comments:
            writer.writerow([c.text, "是" if c.label else "否", c.room_id])
    new = tmp_path / "new-model"
    assert main(["train", "--data", str(data), "--base", str(base), "--out", str(new),
                 "--map", "text=内容，label=是否水军,room_id=直播间", "--epochs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "same validation rows" in printed and "fine-tuned" in printed
    assert (new / "fusion.json").is_file()
    trained = json.loads((new / "botcomments.json").read_text("utf-8"))["training"]["config"]
    assert trained["learning_rate"] == 2e-4  # a small base's rate, not from-scratch 5e-4
    card = (new / "README.md").read_text("utf-8")
    assert str(tmp_path) not in card and "Base model tiny" in card
    chat = tmp_path / "chat.jsonl"
    with chat.open("w", encoding="utf-8") as fh:
        for c in comments[:200]:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    assert main(["score", str(chat), "--model", str(new), "--out", str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "comments.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 200 and "text_score" in json.loads(lines[0])


def test_without_a_base_combiner_train_says_how_to_get_one(
        tmp_path: Path, base: Path, caplog: pytest.LogCaptureFixture) -> None:
    bare = tmp_path / "bare-base"
    shutil.copytree(base, bare)
    (bare / "fusion.json").unlink()
    data = tmp_path / "d.jsonl"
    rows = simulate(4, seed=2, config=SimulationConfig(room_size=(60, 80))).comments
    data.write_text("".join(json.dumps({"text": c.text, "label": "机器人" if c.label else "真人",
                                        "room_id": c.room_id}, ensure_ascii=False) + "\n"
                            for c in rows), "utf-8")
    assert main(["train", "--data", str(data), "--base", str(bare), "--out",
                 str(tmp_path / "m"), "--epochs", "1"]) == 0
    assert "train-fusion" in caplog.text and "uncertain" in caplog.text


def test_bad_mapping_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("内容,标签\n你好,是\n", "utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m"),
                 "--map", "txt=内容"]) == 2
    assert "unknown" in capsys.readouterr().err
