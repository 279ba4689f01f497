"""Rule-only combiner: readable evidence rules, no model.

Each rule names a flag from ``FLAGS`` and a few soft conditions ("terms") on named
features. A term is a logistic ramp ``sigmoid((x - center) / width)`` (a negative width
makes it decreasing), so a rule's strength is the product of its terms, in [0, 1]. The
bot score is the noisy-OR of ``weight * strength`` over rules, then a calibration fitted
on simulator rooms from tuning seeds. A verdict's flags are the rules whose
``weight * strength`` reaches ``flag_min``. The same rules label the reasons of the
learned combiner, so flags mean the same thing in both modes.

The shipped rules live in ``rules_default.json`` next to this module.

Example:
    >>> import numpy as np
    >>> from botcomments.fusion.combiner import Reason
from botcomments.fusion.features import FeatureTable
    >>> rule = Rule("near_duplicate", 0.9, (Term("dup.cluster_size", 5.0, 1.0),), "dup")
    >>> fusion = RuleFusion((rule,))
    >>> table = FeatureTable(("dup.cluster_size",), np.array([[1.0], [20.0]], np.float32))
    >>> [round(float(p), 2) for p in fusion.predict_proba(table)]
    [0.02, 0.9]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from botcomments.detectors.base import FLAGS
from botcomments.fusion.combiner import Reason
from botcomments.fusion.features import FeatureTable
from botcomments.ml import Calibrator
from botcomments.quantify.rates import ClassifierRates

DEFAULT_RULES_RESOURCE = "rules_default.json"


@dataclass(frozen=True)
class Term:
    """One soft condition on a feature.

    Args:
        feature: Feature name (``<source>.<name>``).
        center: Value where the term is 0.5.
        width: Ramp width; negative for "small values are suspicious".
        missing: Term value when the feature is NaN (e.g. no timestamp).

    Raises:
        ValueError: On a zero width or ``missing`` outside [0, 1].
    """

    feature: str
    center: float
    width: float
    missing: float = 0.0

    def __post_init__(self) -> None:
        if self.width == 0:
            raise ValueError(f"term on {self.feature!r}: width must be non-zero")
        if not 0.0 <= self.missing <= 1.0:
            raise ValueError(f"term on {self.feature!r}: missing must be in [0, 1]")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = np.clip((x.astype(np.float64) - self.center) / self.width, -50, 50)
        out = 1.0 / (1.0 + np.exp(-z))
        return np.where(np.isnan(x), self.missing, out)


@dataclass(frozen=True)
class Rule:
    """An AND of terms that raises the bot score and sets a flag.

    Args:
        flag: Flag it sets (one of ``FLAGS``).
        weight: Its maximum contribution to the bot score, in (0, 1].
        terms: Conditions, multiplied.
        evidence_from: Detector whose evidence explains the flag ("norm" for the
            normaliser's masked contacts).
        name: Optional label for docs and debugging.

    Raises:
        ValueError: On an unknown flag, bad weight or no terms.
    """

    flag: str
    weight: float
    terms: tuple[Term, ...]
    evidence_from: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.flag not in FLAGS:
            raise ValueError(f"rule flag {self.flag!r} is not one of {FLAGS}")
        if not 0.0 < self.weight <= 1.0:
            raise ValueError(f"rule {self.name or self.flag}: weight must be in (0, 1]")
        if not self.terms:
            raise ValueError(f"rule {self.name or self.flag} has no terms")

    def strength(self, table: FeatureTable) -> np.ndarray:
        """Weighted strength per comment, in [0, weight].

        Args:
            table: Features.

        Returns:
            Array (n,).
        """
        s = np.full(len(table), self.weight)
        for term in self.terms:
            s = s * term(table.column(term.feature))
        return s

    @property
    def features(self) -> tuple[str, ...]:
        """Features this rule reads."""
        return tuple(t.feature for t in self.terms)


@dataclass
class RuleFusion:
    """The rule-only combiner (also used to name the flags of the learned one).

    Args:
        rules: The rules.
        threshold: Decision threshold on the calibrated score.
        calibrator: Calibration of the noisy-OR score (fitted on tuning seeds).
        flag_min: Weighted strength at which a rule's flag is reported.
        quantifier: Validation rates and room models of the room quantifier (or None;
            stored as ``rates`` in the JSON document).
        detector_configs: Settings of the detectors the rules were tuned with (empty:
            unknown).
        notes: Free-form provenance (which seeds tuned it).
    """

    rules: tuple[Rule, ...]
    threshold: float = 0.5
    calibrator: Calibrator = field(default_factory=Calibrator)
    flag_min: float = 0.5
    quantifier: ClassifierRates | None = None
    detector_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    mode: ClassVar[str] = "rules"

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Every feature the rules read (sorted, unique)."""
        return tuple(sorted({f for r in self.rules for f in r.features}))

    def strengths(self, table: FeatureTable) -> np.ndarray:
        """Weighted strength of every rule.

        Args:
            table: Features.

        Returns:
            Array (n, n_rules).
        """
        if not self.rules:
            return np.zeros((len(table), 0))
        return np.stack([r.strength(table) for r in self.rules], axis=1)

    def raw_score(self, strengths: np.ndarray) -> np.ndarray:
        """Noisy-OR of rule strengths (uncalibrated)."""
        return 1.0 - np.prod(1.0 - strengths, axis=1)

    def predict_proba(self, table: FeatureTable) -> np.ndarray:
        """Calibrated bot score per comment.

        Args:
            table: Features.

        Returns:
            Array (n,) in [0, 1].

        Raises:
            KeyError: If a rule's feature is absent.
        """
        return self.proba_from_strengths(self.strengths(table))

    def proba_from_strengths(self, strengths: np.ndarray) -> np.ndarray:
        """Calibrated bot score from already computed :meth:`strengths`.

        Args:
            strengths: Array (n, n_rules).

        Returns:
            Array (n,) in [0, 1].
        """
        return np.clip(self.calibrator(self.raw_score(strengths)), 0.0, 1.0)

    def flags(self, strengths: np.ndarray) -> list[list[int]]:
        """Indices of the rules that fire, per comment, strongest first.

        Args:
            strengths: Output of ``strengths``.

        Returns:
            One list of rule indices per comment.
        """
        out: list[list[int]] = []
        for row in strengths:
            fired = np.nonzero(row >= self.flag_min)[0]
            out.append([int(i) for i in fired[np.argsort(-row[fired])]])
        return out

    def flag_rules(self) -> RuleFusion:
        """The rules that name a verdict's flags: these very rules."""
        return self

    def reasons(self, table: FeatureTable, rows: np.ndarray) -> list[Reason]:
        """The strongest rule of each row, even below ``flag_min``.

        Args:
            table: Features of the slice.
            rows: Row indices to explain.

        Returns:
            One reason per row, in ``rows`` order (flag ``text`` with no evidence when
            there are no rules).
        """
        if len(rows) == 0:
            return []
        if not self.rules:
            return [Reason("text", {"source": "rules"}) for _ in rows]
        strengths = self.strengths(table)[rows]
        out = []
        for r, best in enumerate(strengths.argmax(axis=1).tolist()):
            rule = self.rules[best]
            out.append(Reason(rule.flag, {
                "source": "rules",
                "rule": rule.name,
                "strength": round(float(strengths[r, best]), 3),
            }))
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON document of the whole combiner."""
        return {
            "kind": "rules",
            "threshold": self.threshold,
            "flag_min": self.flag_min,
            "rules": [
                {
                    "name": r.name,
                    "flag": r.flag,
                    "weight": r.weight,
                    "evidence_from": r.evidence_from,
                    "terms": [
                        {"feature": t.feature, "center": t.center, "width": t.width,
                         "missing": t.missing}
                        for t in r.terms
                    ],
                }
                for r in self.rules
            ],
            "calibration": {"kind": self.calibrator.kind, "x": list(self.calibrator.x),
                            "y": list(self.calibrator.y), "a": self.calibrator.a,
                            "b": self.calibrator.b},
            "rates": self.quantifier.to_dict() if self.quantifier else None,
            "detectors": self.detector_configs,
            "notes": self.notes,
        }

    @staticmethod
    def from_json(doc: dict[str, Any]) -> RuleFusion:
        """Rebuild from ``to_json`` output.

        Args:
            doc: Parsed JSON.

        Returns:
            The combiner.

        Raises:
            ValueError: If the document is not a rules combiner.
        """
        if doc.get("kind") != "rules":
            raise ValueError("not a rules combiner document (kind != 'rules')")
        rules = tuple(
            Rule(
                flag=r["flag"],
                weight=float(r["weight"]),
                terms=tuple(Term(t["feature"], float(t["center"]), float(t["width"]),
                                 float(t.get("missing", 0.0))) for t in r["terms"]),
                evidence_from=r["evidence_from"],
                name=r.get("name", ""),
            )
            for r in doc["rules"]
        )
        cal = doc.get("calibration") or {}
        return RuleFusion(
            rules=rules,
            threshold=float(doc.get("threshold", 0.5)),
            calibrator=Calibrator(cal.get("kind", "none"), tuple(cal.get("x", ())),
                                  tuple(cal.get("y", ())), float(cal.get("a", 1.0)),
                                  float(cal.get("b", 0.0))),
            flag_min=float(doc.get("flag_min", 0.5)),
            quantifier=ClassifierRates.from_dict(doc["rates"]) if doc.get("rates") else None,
            detector_configs=doc.get("detectors") or {},
            notes=doc.get("notes", {}),
        )

    def save(self, path: Path | str) -> Path:
        """Write the JSON document.

        Args:
            path: Output file.

        Returns:
            The path.
        """
        p = Path(path)
        p.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        return p

    @staticmethod
    def load(path: Path | str) -> RuleFusion:
        """Read a JSON document written by ``save``.

        Args:
            path: The file.

        Returns:
            The combiner.
        """
        return RuleFusion.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    @staticmethod
    def default() -> RuleFusion:
        """The shipped rules (tuned on simulator tuning seeds only).

        Returns:
            The combiner.
        """
        text = resources.files("botcomments.fusion").joinpath(DEFAULT_RULES_RESOURCE)
        return RuleFusion.from_json(json.loads(text.read_text(encoding="utf-8")))
