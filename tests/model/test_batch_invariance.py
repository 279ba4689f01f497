"""bf16 and fp32 inference give every text the same score whatever its batch (each text is
padded to a length of its own, the next power of two); int8 dynamic quantisation does not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the text model needs torch")

from botcomments.model.classifier import (  # noqa: E402
    BotCommentClassifier,
    same_length_batches,
)
from botcomments.records import LABEL_NAMES  # noqa: E402
from tests.helpers.tiny_model import build_tiny_model  # noqa: E402

TEXTS = ["主播好美", "加V看主页有福利", "草", "这个链接几号还有货吗", "666",
         "晚上好各位" * 30, "已拍两单质量很好", "？？？", "家人们冲冲冲", "kksk"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), dict(LABEL_NAMES))


@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_a_score_does_not_depend_on_its_batch(model_dir: Path, precision: str) -> None:
    clf = BotCommentClassifier.from_pretrained(model_dir, device="cpu", precision=precision,
                                               batch_size=4)
    together = clf.bot_scores(TEXTS)
    alone = np.array([clf.bot_scores([t])[0] for t in TEXTS])
    shuffled = clf.bot_scores(TEXTS[::-1])[::-1]
    assert np.abs(together - alone).max() <= 1e-4
    assert np.abs(together - shuffled).max() <= 1e-4
    assert ((together >= clf.threshold) == (alone >= clf.threshold)).all()


def test_precisions_are_checked(model_dir: Path) -> None:
    with pytest.raises(ValueError, match="choose one of"):
        BotCommentClassifier.from_pretrained(model_dir, device="cpu", precision="fp8")
    default = BotCommentClassifier.from_pretrained(model_dir, device="cpu").precision
    assert default in ("bf16", "fp32")  # the shipped CPU path is batch-invariant
    assert BotCommentClassifier.from_pretrained(model_dir, device="cpu",
                                                quantize=True).precision == "int8"


def test_same_length_batches_cover_every_item_once() -> None:
    lengths = [3, 7, 3, 3, 7, 1, 3]
    batches = same_length_batches(lengths, 2)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len({lengths[i] for i in b}) == 1 and len(b) <= 2 for b in batches)


def test_shipped_model_scores_do_not_depend_on_the_batch() -> None:
    """The shipped CPU path (default precision) on real demo lines: issue 13 asks <= 1e-4.

    The three lines first moved by 9e-4 in bf16 between a batch of 128 and batches of 7
    (oneDNN kernels for 3-15 rows of 16 tokens), before bf16 batches got a row floor.
    """
    import json

    root = Path(__file__).resolve().parents[2]
    clf = BotCommentClassifier.from_pretrained(root / "models" / "default", device="cpu",
                                               batch_size=128)
    with (root / "data" / "demo" / "chat.jsonl").open(encoding="utf-8") as fh:
        demo = sorted({json.loads(line)["text"] for line in fh})
    texts = ["再上点库存[捂脸]", "主播姐姐能回复我吗[捂脸]", "主播身材好好🔥", *demo[:200]]
    together = clf.bot_scores(texts)
    sevens = np.concatenate([clf.bot_scores(texts[i:i + 7]) for i in range(0, len(texts), 7)])
    alone = np.array([clf.bot_scores([t])[0] for t in texts[:20]])
    assert np.abs(together - sevens).max() <= 1e-4
    assert np.abs(together[:20] - alone).max() <= 1e-4


@pytest.mark.parametrize("precision", ["bf16", "fp32", "int8"])
@pytest.mark.parametrize("overlap", [0, 8])
def test_inputs_built_from_token_ids_equal_the_tokenizers(model_dir: Path, precision: str,
                                                          overlap: int) -> None:
    clf = BotCommentClassifier.from_pretrained(model_dir, device="cpu", precision=precision,
                                               batch_size=4)
    clf.settings.window_overlap = overlap
    norm = clf.normalize([*TEXTS, "", "x"])
    ids = clf._token_ids(norm)
    fitting = [i for i, x in enumerate(ids) if len(x) <= clf.settings.max_length]
    assert len(fitting) < len(ids)  # the long text takes the tokenizer's path
    for pad_to in (None, 8, 16, 32):
        if pad_to and max(len(ids[i]) for i in fitting) > pad_to:
            continue
        built = clf._inputs(fitting, norm, ids, pad_to)
        encoded = clf._encode([norm[i] for i in fitting], pad_to)
        for key in ("input_ids", "attention_mask"):
            assert torch.equal(built[key], encoded[key]), (key, pad_to)


def test_scoring_normal_forms_equals_scoring_raw_texts(model_dir: Path) -> None:
    clf = BotCommentClassifier.from_pretrained(model_dir, device="cpu", batch_size=4)
    raw = [*TEXTS, "ＱＱ：１２３４５６７", "加\u200b微"]
    assert np.array_equal(clf.bot_scores_of_normal_forms(clf.normalize(raw)),
                          clf.bot_scores(raw))
