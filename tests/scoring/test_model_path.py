"""The model path: train-fusion on a tiny text model, then score with --model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from botcomments.cli import main
from botcomments.fusion.learned import FUSION_FILE, LearnedFusion
from botcomments.scoring.pipeline import Scorer

torch = pytest.importorskip("torch", reason="the model path needs torch")

from botcomments.model.classifier import BotCommentClassifier  # noqa: E402


def test_train_fusion_then_score_with_model(tmp_path: Path, tiny_model_dir: Path,
                                            sim_file: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    assert main(["train-fusion", "--model", str(model), "--data", str(sim_file),
                 "--kind", "logistic"]) == 0
    fusion = LearnedFusion.load(model)
    assert fusion.quantifier is not None and 0.0 <= fusion.quantifier.tpr <= 1.0
    assert fusion.detector_configs["dup"]["threshold"] == 0.6  # fitted detectors recorded
    assert "text.p_bot" in fusion.feature_names
    out = tmp_path / "out"
    threads_before = torch.get_num_threads()
    try:
        assert main(["score", str(sim_file), "--out", str(out), "--model", str(model),
                     "--threads", "1"]) == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads_before)
    first = json.loads((out / "comments.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert 0 <= first["text_score"] <= 1
    scorer = Scorer.from_pretrained(model)
    assert scorer.mode == "fused+text"
    placed = Scorer.from_pretrained(model, device="cpu", batch_size=7)
    text_model = placed.extractor.text_model
    assert (str(text_model.device), text_model.batch_size) == ("cpu", 7)
    out7 = tmp_path / "out7"
    assert main(["score", str(sim_file), "--out", str(out7), "--model", str(model),
                 "--device", "cpu", "--batch-size", "7"]) == 0
    lines = (out / "comments.jsonl").read_text(encoding="utf-8").splitlines()
    assert len((out7 / "comments.jsonl").read_text(encoding="utf-8").splitlines()) == len(lines)
    texts = [json.loads(line)["text"] for line in lines[:200]]
    fp32 = [BotCommentClassifier.from_pretrained(model, device="cpu", quantize=False,
                                                 batch_size=b).bot_scores(texts) for b in (7, 128)]
    assert fp32[0] == pytest.approx(fp32[1], abs=1e-5)  # fp32: batching changes no score


def test_model_without_fusion_file_explains(tmp_path: Path, tiny_model_dir: Path,
                                            sim_file: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    (model / FUSION_FILE).unlink(missing_ok=True)
    assert main(["score", str(sim_file), "--out", str(tmp_path / "o"), "--model",
                 str(model)]) == 2
    err = capsys.readouterr().err
    assert "train-fusion" in err and "--no-model" in err


def test_cli_model_load_draws_no_progress_bar(tmp_path: Path, tiny_model_dir: Path) -> None:
    import os
    import subprocess
    import sys

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "主播好美"}\n', "utf-8")
    code = ("import sys; from botcomments.cli import main; sys.exit(main(['classify', "
            f"{str(src)!r}, '--model', {str(tiny_model_dir)!r}, '--out', "
            f"{str(tmp_path / 'o.jsonl')!r}]))")
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_PROGRESS_BARS"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=False, cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, run.stderr
    assert "Loading weights" not in run.stderr and "it/s" not in run.stderr
