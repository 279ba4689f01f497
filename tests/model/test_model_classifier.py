"""BotCommentClassifier: round trips, label decoding, batching, offline loading."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.model import BotCommentClassifier
from botcomments.model.classifier import length_sorted_batches


@pytest.fixture(scope="module")
def clf(tiny_model_dir: Path) -> BotCommentClassifier:
    return BotCommentClassifier.from_pretrained(tiny_model_dir, quantize=False, batch_size=3)


def test_save_load_round_trip_gives_identical_probabilities(
    tiny_model_copy: Path, tmp_path: Path, texts: list[str]
) -> None:
    first = BotCommentClassifier.from_pretrained(tiny_model_copy, quantize=False)
    saved = first.save_pretrained(tmp_path / "again")
    second = BotCommentClassifier.from_pretrained(saved, quantize=False)
    np.testing.assert_array_equal(first.predict_proba(texts), second.predict_proba(texts))
    assert json.loads((saved / "config.json").read_text())["id2label"] == {"0": "human", "1": "bot"}


def test_save_keeps_unknown_files(tiny_model_copy: Path) -> None:
    (tiny_model_copy / "fusion.json").write_text("{}")
    BotCommentClassifier.from_pretrained(tiny_model_copy, quantize=False).save_pretrained(
        tiny_model_copy
    )
    assert (tiny_model_copy / "fusion.json").read_text() == "{}"


@pytest.mark.parametrize(
    "fixture", ["tiny_model_dir", "reversed_model_dir"], ids=["default", "reversed"]
)
@pytest.mark.parametrize("quantize", [False, True], ids=["fp32", "int8"])
def test_predict_is_argmax_of_proba_decoded_through_id2label(
    fixture: str, quantize: bool, request: pytest.FixtureRequest, texts: list[str]
) -> None:
    folder = request.getfixturevalue(fixture)
    clf = BotCommentClassifier.from_pretrained(folder, quantize=quantize)
    proba = clf.predict_proba(texts)
    id2label = {
        int(k): v for k, v in json.loads((folder / "config.json").read_text())["id2label"].items()
    }
    assert clf.predict(texts) == [id2label[int(i)] for i in proba.argmax(axis=1)]
    assert clf.predict(texts, return_ids=True) == [int(i) for i in proba.argmax(axis=1)]
    np.testing.assert_allclose(clf.bot_scores(texts), proba[:, clf.bot_index])
    assert id2label[clf.bot_index] == "bot"


def test_loads_under_hf_hub_offline(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    clf = BotCommentClassifier.from_pretrained(tiny_model_dir)
    assert clf.predict_proba(["主播好美"]).shape == (1, 2)


@pytest.mark.parametrize("inputs", [[], ()], ids=["list", "tuple"])
def test_empty_input_has_fixed_shapes(clf: BotCommentClassifier, inputs: list[str]) -> None:
    proba = clf.predict_proba(inputs)
    assert proba.shape == (0, 2) and proba.dtype == np.float32
    assert clf.predict(inputs) == []


def test_input_order_restored_after_length_sorting(
    clf: BotCommentClassifier, texts: list[str]
) -> None:
    proba = clf.predict_proba(texts)
    order = list(range(len(texts)))
    random.Random(3).shuffle(order)
    shuffled = clf.predict_proba([texts[i] for i in order])
    np.testing.assert_allclose(shuffled, proba[order], atol=1e-5)
    singles = np.vstack([clf.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(singles, proba, atol=1e-5)


def test_probabilities_are_distributions(clf: BotCommentClassifier, texts: list[str]) -> None:
    proba = clf.predict_proba(texts)
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("bad", "match"),
    [("主播好美", "not one string"), (["ok", None], r"texts\[1\]")],
    ids=["bare-string", "none-item"],
)
def test_bad_input_names_the_fix(clf: BotCommentClassifier, bad: object, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        clf.predict_proba(bad)  # type: ignore[arg-type]


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="botcomments train"):
        BotCommentClassifier.from_pretrained(tmp_path / "nope")


def test_transformers_pipeline_loads_folder(tiny_model_dir: Path) -> None:
    from transformers import pipeline

    pipe = pipeline("text-classification", model=str(tiny_model_dir), device="cpu")
    out = pipe(["主播好美", "加V看主页"])
    assert [o["label"] for o in out] == BotCommentClassifier.from_pretrained(
        tiny_model_dir, quantize=False
    ).predict(["主播好美", "加v看主页"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=40), st.integers(1, 8))
def test_length_sorted_batches_cover_each_index_once(lengths: list[int], size: int) -> None:
    batches = length_sorted_batches(lengths, size)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert all(len(b) <= size for b in batches)


def windowed(folder: Path, overlap: int, max_windows: int = 8) -> BotCommentClassifier:
    """The tiny model scoring long comments as windows overlapping by ``overlap`` tokens."""
    clf = BotCommentClassifier.from_pretrained(folder, quantize=False, batch_size=3)
    clf.settings.window_overlap = overlap
    clf.settings.max_windows = max_windows
    return clf


def test_windows_leave_short_comments_alone(tiny_model_dir: Path, texts: list[str]) -> None:
    truncating = BotCommentClassifier.from_pretrained(tiny_model_dir, quantize=False)
    np.testing.assert_allclose(
        windowed(tiny_model_dir, 16).predict_proba(texts), truncating.predict_proba(texts),
        atol=1e-6,
    )


def test_long_comment_scores_as_its_most_bot_like_window(tiny_model_dir: Path) -> None:
    rng = random.Random(3)
    chars = "主播好美加看页晚安已拍单质量很哈这个多少钱能不再讲一下尺码"
    text = "".join(rng.choice(chars) for _ in range(100))  # one token per character
    clf = windowed(tiny_model_dir, 16)  # max_length 32: 30 tokens a window, step 14
    starts = [0]
    while starts[-1] + 30 < len(text):
        starts.append(starts[-1] + 14)
    truncating = BotCommentClassifier.from_pretrained(tiny_model_dir, quantize=False)
    per_window = truncating.bot_scores([text[s : s + 30] for s in starts])
    assert clf.bot_scores([text])[0] == pytest.approx(per_window.max(), abs=1e-6)
    assert truncating.bot_scores([text])[0] == pytest.approx(per_window[0], abs=1e-6)


def test_windows_per_comment_are_bounded(tiny_model_dir: Path) -> None:
    clf = windowed(tiny_model_dir, 16, max_windows=3)
    part = clf._readable_part("主" * 1_000_000)
    assert len(clf._encode([part])["input_ids"]) == 3
    assert clf.bot_scores(["主" * 1_000_000, "晚安"]).shape == (2,)


@pytest.mark.parametrize(
    ("overlap", "windows"), [(-1, 8), (29, 8), (16, 0)]
)
def test_window_settings_are_checked(overlap: int, windows: int) -> None:
    from botcomments.model.settings import ModelSettings

    with pytest.raises(ValueError, match="window"):
        ModelSettings("1", max_length=32, window_overlap=overlap, max_windows=windows)
