"""Two-step training smoke tests, continued fine-tuning, pretraining, and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from botcomments.cli import main
from botcomments.model import BotCommentClassifier
from botcomments.text.normalize import NORMALIZER_VERSION
from botcomments_training.config import TrainConfig
from botcomments_training.data import LabeledData
from botcomments_training.finetune import bucketed_batches, class_weights, fine_tune
from botcomments_training.pretrain import PretrainConfig, pretrain
from tests.helpers.training_synth import make_rows, write_rows

EXPECTED_FILES = {
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "botcomments.json",
    "README.md",
    "eval_report.json",
}


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder from a two-step run of the built-in encoder (built once)."""
    rows = make_rows()
    data = LabeledData(
        [str(r["text"]) for r in rows],
        [int(r["label"]) for r in rows],  # type: ignore[call-overload]
        [str(r["room_id"]) for r in rows],
    )
    cfg = TrainConfig(
        epochs=1, batch_size=16, max_steps=2, eval_every=1, max_length=32, min_char_count=1
    )
    cfg.encoder = replace(
        cfg.encoder, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64
    )
    out = tmp_path_factory.mktemp("trained")
    fine_tune(data, None, out, cfg=cfg, data_info={"description": "synthetic test rows"})
    return out


def test_two_step_training_writes_complete_folder(trained_dir: Path) -> None:
    assert {p.name for p in trained_dir.iterdir()} >= EXPECTED_FILES
    config = json.loads((trained_dir / "config.json").read_text())
    assert config["id2label"] == {"0": "human", "1": "bot"}
    settings = json.loads((trained_dir / "botcomments.json").read_text())
    assert settings["normalizer_version"] == NORMALIZER_VERSION
    assert settings["training"]["steps"] == 2
    assert settings["training"]["config"]["seed"] == 13
    assert "roc_auc" in settings["metrics"]["validation"]
    assert "Intended use" in (trained_dir / "README.md").read_text()


def test_trained_folder_scores(trained_dir: Path) -> None:
    proba = BotCommentClassifier.from_pretrained(trained_dir).predict_proba(
        ["主播好美", "加V看主页1"]
    )
    assert proba.shape == (2, 2)


def test_continued_fine_tuning_from_a_trained_folder(
    trained_dir: Path, labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path
) -> None:
    report = fine_tune(labeled, None, tmp_path / "cont", base=str(trained_dir), cfg=tiny_config)
    assert report["n"] > 0
    settings = json.loads((tmp_path / "cont" / "botcomments.json").read_text())
    assert settings["training"]["base"] == trained_dir.name  # no local paths in the card
    assert "base_on_same_validation" in report  # compared with its base on the same rows
    old = json.loads((trained_dir / "tokenizer.json").read_text())["model"]["vocab"]
    new = json.loads((tmp_path / "cont" / "tokenizer.json").read_text())["model"]["vocab"]
    assert old == new


def test_pretrain_output_is_a_valid_base(
    labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path
) -> None:
    cfg = PretrainConfig(
        batch_size=16, max_steps=2, max_length=32, min_char_count=1, encoder=tiny_config.encoder
    )
    summary = pretrain(labeled.texts, tmp_path / "mlm", cfg)
    assert summary["steps"] == 2 and np.isfinite(summary["final_mlm_loss"])
    report = fine_tune(labeled, None, tmp_path / "clf", base=str(tmp_path / "mlm"), cfg=tiny_config)
    assert report["n"] > 0


def test_same_seed_same_model(
    labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path
) -> None:
    fine_tune(labeled, None, tmp_path / "a", cfg=tiny_config)
    fine_tune(labeled, None, tmp_path / "b", cfg=tiny_config)
    a = BotCommentClassifier.from_pretrained(tmp_path / "a", quantize=False)
    b = BotCommentClassifier.from_pretrained(tmp_path / "b", quantize=False)
    np.testing.assert_array_equal(
        a.predict_proba(labeled.texts[:20]), b.predict_proba(labeled.texts[:20])
    )


def test_one_class_rejected(tiny_config: TrainConfig, tmp_path: Path) -> None:
    data = LabeledData(["好"] * 5 + ["坏"] * 5, [0] * 10)
    with pytest.raises(ValueError, match="one class"):
        fine_tune(data, data, tmp_path / "x", cfg=tiny_config)


def test_class_weights_balance_counts() -> None:
    w = class_weights(np.array([0, 0, 0, 1]), 2)
    assert w[1] == pytest.approx(3 * w[0])


def test_bucketed_batches_cover_everything_once() -> None:
    batches = list(bucketed_batches([5, 1, 3] * 30, 7, np.random.default_rng(0), pool=2))
    assert sorted(int(i) for b in batches for i in b) == list(range(90))


def test_cli_train_evaluate_classify(
    rows: list[dict[str, object]],
    tiny_config: TrainConfig,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = write_rows(rows, tmp_path / "train.csv")
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps(tiny_config.to_dict()))
    model = tmp_path / "model"
    assert main(["train", "--data", str(data), "--out", str(model), "--config", str(cfg)]) == 0
    assert main(["evaluate", "--model", str(model), "--data", str(data)]) == 0
    assert (model / "eval" / "train" / "report.json").is_file()
    assert "roc_auc" in capsys.readouterr().out
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "主播好美", "id": 1, "label": "bot"}\n{"id": 2}\nnot json\n', "utf-8")
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(recs) == 1
    assert 0.0 <= recs[0]["bot_score"] <= 1.0 and recs[0]["pred_label"] in ("human", "bot")
    assert recs[0]["label"] == 1  # the input's ground truth is not overwritten
    rejected = Path(f"{out}.rejects.jsonl").read_text("utf-8").splitlines()
    assert len(rejected) == 2  # nothing dropped silently
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["rejected"] == 2


def test_classify_fallback_marks_bad_lines(tmp_path: Path) -> None:
    from botcomments.cli.classify import _plain_records

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "好"}\nnot json\n', "utf-8")
    recs = list(_plain_records(src))
    assert recs[0] == {"text": "好"} and "invalid JSON" in recs[1]["error"]


def test_cli_pretrain(labeled: LabeledData, tmp_path: Path) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(labeled.texts), "utf-8")
    cfg = tmp_path / "p.json"
    cfg.write_text(
        json.dumps(
            {
                "batch_size": 8,
                "max_length": 16,
                "encoder": {
                    "hidden_size": 16,
                    "num_layers": 1,
                    "num_heads": 2,
                    "intermediate_size": 32,
                },
            }
        )
    )
    out = tmp_path / "mlm"
    assert (
        main(
            [
                "pretrain",
                "--corpus",
                str(corpus),
                "--out",
                str(out),
                "--config",
                str(cfg),
                "--max-steps",
                "1",
            ]
        )
        == 0
    )
    assert (out / "model.safetensors").is_file()


DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "default"


@pytest.mark.skipif(not DEFAULT_MODEL.is_dir(), reason="models/default not built")
def test_continued_fine_tuning_from_shipped_default(
    labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path
) -> None:
    report = fine_tune(labeled, None, tmp_path / "cont", base=str(DEFAULT_MODEL), cfg=tiny_config)
    assert report["n"] > 0
    clf = BotCommentClassifier.from_pretrained(tmp_path / "cont")
    assert clf.predict_proba(["主播好美"]).shape == (1, 2)


def test_a_base_recording_normaliser_1_is_fine_tuned_on_version_1_forms(
    trained_dir: Path, labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    import botcomments_training.finetune as finetune
    from botcomments.text.normalize import Normalizer

    base = Path(shutil.copytree(trained_dir, tmp_path / "base_v1"))
    settings_file = base / "botcomments.json"
    settings = json.loads(settings_file.read_text())
    settings["normalizer_version"] = "1"
    settings_file.write_text(json.dumps(settings))
    evasive = [f"q q 3765123{i}" for i in range(8)]  # v2 masks the pinyin QQ cue
    assert all(v1 != v2 for v1, v2 in zip(Normalizer("1").normalize_batch(evasive),
                                          Normalizer("2").normalize_batch(evasive), strict=True))
    rooms = [str(r) for r in labeled.rooms]
    train = LabeledData([*labeled.texts, *evasive[:4]], [*labeled.labels, 1, 1, 1, 1],
                        [*rooms, "x", "x", "x", "x"])
    validation = LabeledData([*labeled.texts, *evasive[4:]], [*labeled.labels, 1, 1, 1, 1],
                             [*rooms, "y", "y", "y", "y"])
    seen: list[str] = []
    real_encode = finetune.encode

    def spy(texts: list[str], *args: object, **kwargs: object) -> object:
        seen.extend(texts)
        return real_encode(texts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(finetune, "encode", spy)
    fine_tune(train, validation, tmp_path / "cont", base=str(base), cfg=tiny_config)
    assert sorted(t for t in seen if t.startswith("q q")) == evasive  # all in version-1 form
    saved = json.loads((tmp_path / "cont" / "botcomments.json").read_text())
    assert saved["normalizer_version"] == "1"
