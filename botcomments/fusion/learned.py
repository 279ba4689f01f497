"""Learned, calibrated combiner over the text score and detector features.

A fitted combiner (fitted by ``botcomments_training.fitting.combiner``) is stored as plain
JSON parameters (``fusion.json`` in the model folder; no pickles) and evaluated in numpy.
Pipeline per comment: fill missing values -> signed log1p -> standardise -> model raw
score (logistic or gradient-boosted trees) -> calibration (isotonic or Platt) ->
probability.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from botcomments.fusion.combiner import Reason
from botcomments.fusion.features import (
    TEXT_FORM_FEATURES,
    TEXT_MAX_SURPRISE,
    FeatureTable,
    flag_of_feature,
)
from botcomments.fusion.rules import RuleFusion
from botcomments.fusion.surprise import GenuineTextTail
from botcomments.ml import (
    Calibrator,
    Preprocessor,
    TreeArrays,
    TreeStack,
    boosted_contributions,
    boosted_log_odds,
    sigmoid,
)
from botcomments.quantify.rates import ClassifierRates

FUSION_FILE = "fusion.json"
"""File name of the learned combiner inside a model folder."""
FUSION_FORMAT = 1
MODEL_KINDS: tuple[str, ...] = ("logistic", "gbdt")
CALIBRATIONS: tuple[str, ...] = ("isotonic", "platt", "none")


@dataclass
class LearnedFusion:
    """A fitted combiner: feature names, preprocessing, model, calibration, threshold.

    Args:
        feature_names: Features the model reads, in column order.
        preprocessor: Fill/log/standardise parameters.
        kind: "logistic" or "gbdt".
        coef: Logistic coefficients (empty for gbdt).
        intercept: Logistic intercept, or the gbdt initial raw score.
        trees: Gradient-boosted trees (empty for logistic).
        learning_rate: Gbdt shrinkage.
        calibrator: Calibration of the raw probability.
        threshold: Decision threshold on the calibrated probability.
        quantifier: Validation rates and room models of the room quantifier (or None;
            stored as ``rates`` in ``fusion.json``).
        detector_configs: Settings of the detectors whose features it was fitted on
            (empty: unknown).
        metrics: Validation metrics measured at training time.
        text_tail: Genuine text-score tail behind the derived
            ``acct.text_max_surprise`` feature (None when the combiner does not read it).
    """

    feature_names: tuple[str, ...]
    preprocessor: Preprocessor
    kind: str = "logistic"
    coef: tuple[float, ...] = ()
    intercept: float = 0.0
    trees: list[TreeArrays] = field(default_factory=list)
    learning_rate: float = 0.1
    calibrator: Calibrator = field(default_factory=Calibrator)
    threshold: float = 0.5
    quantifier: ClassifierRates | None = None
    detector_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    text_tail: GenuineTextTail | None = None
    mode: ClassVar[str] = "fused"

    def raw_proba(self, x: np.ndarray) -> np.ndarray:
        """Uncalibrated probability from a raw feature matrix in ``feature_names`` order.

        Args:
            x: Raw features (n, d).

        Returns:
            Probabilities (n,).
        """
        z = self.preprocessor.transform(x)
        if self.kind == "logistic":
            raw = z @ np.asarray(self.coef) + self.intercept
        else:
            raw = boosted_log_odds(
                self.tree_stack, z.astype(np.float32), self.learning_rate, self.intercept
            )
        return sigmoid(raw)

    def predict_proba(self, table: FeatureTable) -> np.ndarray:
        """Calibrated bot probability per comment.

        Args:
            table: Features (must contain ``feature_names``).

        Returns:
            Probabilities (n,), float64.

        Raises:
            KeyError: If a needed feature is absent.
        """
        if len(table) == 0:
            return np.zeros(0)
        p = self.calibrator(self.raw_proba(self.model_inputs(table)))
        return np.clip(p, 0.0, 1.0)

    def model_inputs(self, table: FeatureTable) -> np.ndarray:
        """The raw feature matrix in ``feature_names`` order, derived features added.

        Args:
            table: Assembled features.

        Returns:
            Array (n, len(feature_names)).

        Raises:
            KeyError: If a needed feature is absent.
        """
        names = self.feature_names
        if (self.text_tail is None or TEXT_MAX_SURPRISE not in names
                or TEXT_MAX_SURPRISE in table.names):
            return table.select(names)
        # the derived column goes in at its place, without copying the whole table
        at = names.index(TEXT_MAX_SURPRISE)
        x = table.select(names[:at] + names[at + 1:])
        return np.insert(x, at, self.text_tail.column(table).astype(x.dtype), axis=1)

    @functools.cached_property
    def tree_stack(self) -> TreeStack:
        """The trees stacked for fast evaluation (built once)."""
        return TreeStack.of(self.trees)

    def flag_rules(self) -> RuleFusion:
        """The rules that name a verdict's flags: the shipped rules."""
        return RuleFusion.default()

    def credits(self, x: np.ndarray) -> np.ndarray:
        """Each feature's share of each row's raw log-odds (minus the baseline).

        Logistic: ``coef * standardised value``; trees: path attribution
        (:meth:`botcomments.ml.TreeArrays.contributions`).

        Args:
            x: Raw features (n, d) in ``feature_names`` order.

        Returns:
            Credits in log-odds, shape (n, d).
        """
        z = self.preprocessor.transform(x)
        if self.kind == "logistic":
            return z * np.asarray(self.coef)
        return boosted_contributions(self.tree_stack, z.astype(np.float32), self.learning_rate)

    def reasons(self, table: FeatureTable, rows: np.ndarray) -> list[Reason]:
        """The flag whose features pushed each row's score up the most.

        Features are grouped by the flag they are evidence for
        (:func:`~botcomments.fusion.features.flag_of_feature`); the group with the
        largest summed credit names the reason, with its three strongest features. A
        line's form (:data:`~botcomments.fusion.features.TEXT_FORM_FEATURES`) counts for
        no group.

        Args:
            table: Features of the slice.
            rows: Row indices to explain.

        Returns:
            One reason per row, in ``rows`` order.
        """
        if len(rows) == 0:
            return []
        x = self.model_inputs(table)[rows]
        credit = self.credits(x)
        flags = [None if n in TEXT_FORM_FEATURES else flag_of_feature(n)
                 for n in self.feature_names]
        names = sorted({f for f in flags if f is not None})
        member = np.array([[f == g for f in flags] for g in names], dtype=np.float64)
        per_flag = credit @ member.T
        out = []
        for r, best in enumerate(per_flag.argmax(axis=1).tolist()):
            cols = np.flatnonzero(member[best])
            top = cols[np.argsort(-credit[r, cols])[:3]]
            out.append(Reason(names[best], {
                "source": "combiner",
                "log_odds": round(float(per_flag[r, best]), 3),
                "features": {self.feature_names[c]: round(float(x[r, c]), 4) for c in top},
            }))
        return out

    def to_json(self) -> dict[str, Any]:
        """Return the JSON document saved as ``fusion.json``."""
        return {
            "format": FUSION_FORMAT,
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "preprocessor": {
                "fill": list(self.preprocessor.fill),
                "mean": list(self.preprocessor.mean),
                "scale": list(self.preprocessor.scale),
            },
            "coef": list(self.coef),
            "intercept": self.intercept,
            "learning_rate": self.learning_rate,
            "trees": [t.to_json() for t in self.trees],
            "calibration": {
                "kind": self.calibrator.kind,
                "x": list(self.calibrator.x),
                "y": list(self.calibrator.y),
                "a": self.calibrator.a,
                "b": self.calibrator.b,
            },
            "threshold": self.threshold,
            "rates": self.quantifier.to_dict() if self.quantifier else None,
            "detectors": self.detector_configs,
            "metrics": self.metrics,
            **({"genuine_text_tail": self.text_tail.to_json()} if self.text_tail else {}),
        }

    @staticmethod
    def from_json(doc: dict[str, Any]) -> LearnedFusion:
        """Rebuild from ``to_json`` output.

        Args:
            doc: The parsed JSON document.

        Returns:
            The combiner.

        Raises:
            ValueError: On an unknown format version or model kind.
        """
        if doc.get("format") != FUSION_FORMAT or doc.get("kind") not in MODEL_KINDS:
            raise ValueError(
                f"fusion file format {doc.get('format')!r} / kind {doc.get('kind')!r} is not "
                f"supported (expected format {FUSION_FORMAT}, kind in {MODEL_KINDS}); "
                "retrain it with `botcomments train-fusion`"
            )
        pre = doc["preprocessor"]
        cal = doc["calibration"]
        return LearnedFusion(
            feature_names=tuple(doc["feature_names"]),
            preprocessor=Preprocessor(tuple(pre["fill"]), tuple(pre["mean"]),
                                      tuple(pre["scale"])),
            kind=doc["kind"],
            coef=tuple(doc["coef"]),
            intercept=float(doc["intercept"]),
            trees=[TreeArrays.from_json(t) for t in doc["trees"]],
            learning_rate=float(doc["learning_rate"]),
            calibrator=Calibrator(cal["kind"], tuple(cal["x"]), tuple(cal["y"]),
                                  float(cal["a"]), float(cal["b"])),
            threshold=float(doc["threshold"]),
            quantifier=ClassifierRates.from_dict(doc["rates"]) if doc.get("rates") else None,
            detector_configs=doc.get("detectors") or {},
            metrics=doc.get("metrics", {}),
            text_tail=(GenuineTextTail.from_json(doc["genuine_text_tail"])
                       if doc.get("genuine_text_tail") else None),
        )

    def save(self, folder: Path | str) -> Path:
        """Write ``fusion.json`` into a model folder (other files are left alone).

        Args:
            folder: Model folder.

        Returns:
            Path of the written file.
        """
        path = Path(folder) / FUSION_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")
        return path

    @staticmethod
    def load(folder: Path | str) -> LearnedFusion:
        """Read ``fusion.json`` from a model folder.

        Args:
            folder: Model folder (or the JSON file itself).

        Returns:
            The combiner.

        Raises:
            FileNotFoundError: If the folder has no fusion file.
        """
        path = Path(folder)
        if path.is_dir():
            path = path / FUSION_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} not found: train the combiner with "
                "`botcomments train-fusion --model DIR --data SIM.jsonl`"
            )
        return LearnedFusion.from_json(json.loads(path.read_text(encoding="utf-8")))
