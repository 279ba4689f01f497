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
