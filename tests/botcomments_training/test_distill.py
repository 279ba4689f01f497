"""A shallower student distilled from a teacher: layers kept, loss, teacher scores."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from botcomments.model import BotCommentClassifier
from botcomments_training.config import TrainConfig
from botcomments_training.data import LabeledData
from botcomments_training.distill import (
    distillation_loss,
    keep_encoder_layers,
    teacher_bot_scores,
)
from botcomments_training.finetune import fine_tune


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-layer tiny teacher from a two-step run (built once)."""
    from tests.helpers.training_synth import make_rows

    rows = make_rows()
    data = LabeledData([str(r["text"]) for r in rows],
                       [int(r["label"]) for r in rows],  # type: ignore[call-overload]
                       [str(r["room_id"]) for r in rows])
    cfg = TrainConfig(epochs=1, batch_size=16, max_steps=2, eval_every=1, max_length=32,
                      min_char_count=1)
    cfg.encoder = replace(cfg.encoder, hidden_size=32, num_layers=3, num_heads=2,
                          intermediate_size=64)
    out = tmp_path_factory.mktemp("teacher")
    fine_tune(data, None, out, cfg=cfg)
    return out


def test_kept_layers_are_the_teachers_own(teacher_dir: Path) -> None:
    from transformers import AutoModelForSequenceClassification

    teacher = AutoModelForSequenceClassification.from_pretrained(teacher_dir)
    student = AutoModelForSequenceClassification.from_pretrained(teacher_dir)
    keep_encoder_layers(student, [0, 2])
    assert student.config.num_hidden_layers == 2
    kept = [layer.state_dict() for layer in student.bert.encoder.layer]
    for got, index in zip(kept, [0, 2], strict=True):
        want = teacher.bert.encoder.layer[index].state_dict()
        assert all(torch.equal(got[k], want[k]) for k in want)
    for bad in ([], [0, 0], [3], [-1]):
        with pytest.raises(ValueError, match="keep_layers"):
            keep_encoder_layers(AutoModelForSequenceClassification.from_pretrained(teacher_dir),
                                bad)


def test_distillation_loss_mixes_hard_and_teacher_terms() -> None:
    logits = torch.tensor([[2.0, -1.0], [0.0, 1.0]])
    target = torch.tensor([0, 1])
    soft_bot = torch.tensor([0.2, 0.9])
    hard = torch.nn.CrossEntropyLoss()
    assert distillation_loss(logits, target, soft_bot, 1, 0.0, hard) == pytest.approx(
        hard(logits, target).item())
    log_p = torch.log_softmax(logits, dim=-1)
    soft = torch.tensor([[0.8, 0.2], [0.1, 0.9]])
    want_soft = -(soft * log_p).sum(dim=-1).mean().item()
    assert distillation_loss(logits, target, soft_bot, 1, 1.0, hard).item() == pytest.approx(
        want_soft)
    # bot in column 0: the teacher's P(bot) must land in column 0
    flipped = -(soft.flip(1) * log_p).sum(dim=-1).mean().item()
    assert distillation_loss(logits, target, soft_bot, 0, 1.0, hard).item() == pytest.approx(
        flipped)


def test_student_is_distilled_from_teacher_scores(
    teacher_dir: Path, labeled: LabeledData, tiny_config: TrainConfig, tmp_path: Path
) -> None:
    soft = teacher_bot_scores(teacher_dir, labeled.texts)
    assert soft.shape == (len(labeled),) and np.all((soft >= 0) & (soft <= 1))
    cfg = replace(tiny_config, keep_layers=[0, 2], distill_weight=0.7, normalizer_version="2")
    fine_tune(labeled, None, tmp_path / "student", base=str(teacher_dir), cfg=cfg,
              teacher_scores=soft)
    config = json.loads((tmp_path / "student" / "config.json").read_text())
    assert config["num_hidden_layers"] == 2
    student = BotCommentClassifier.from_pretrained(tmp_path / "student")
    assert student.normalizer_version == "2"
    assert student.bot_scores(["主播好美"]).shape == (1,)
    with pytest.raises(ValueError, match="teacher scores"):
        fine_tune(labeled, None, tmp_path / "bad", base=str(teacher_dir), cfg=cfg,
                  teacher_scores=soft[:-1])


def test_distill_weight_outside_0_1_is_refused() -> None:
    with pytest.raises(ValueError, match="distill_weight"):
        TrainConfig(distill_weight=1.5)
