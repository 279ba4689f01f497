"""What the scorer needs from a combiner: one protocol for the rule and learned ones.

Both :class:`~botcomments.fusion.rules.RuleFusion` and
:class:`~botcomments.fusion.learned.LearnedFusion` satisfy it, so scoring never switches
on the combiner's type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from botcomments.fusion.features import FeatureTable
from botcomments.quantify.rates import ClassifierRates

if TYPE_CHECKING:
    from botcomments.fusion.rules import RuleFusion


@dataclass(frozen=True)
class Reason:
    """Why a combiner called a comment a bot when no flag rule fired on it.

    Args:
        flag: The verdict flag (``detectors.base.FLAGS``) of the strongest evidence.
        evidence: What the combiner read: its source, weight and the feature values.
    """

    flag: str
    evidence: dict[str, Any] = field(default_factory=dict)


class Combiner(Protocol):
    """A fitted combiner of detector features (and the text score) into P(bot).

    Attributes:
        mode: "rules" or "fused" (how reports name the scorer's mode).
        threshold: Decision threshold on the calibrated probability.
        quantifier: The room quantifier's validation rates and room models, parsed once
            when the combiner is loaded (None: the room ratio uses no correction).
        detector_configs: Detector settings the combiner was fitted with, by detector
            name (empty when unknown).
    """

    mode: ClassVar[str]
    threshold: float
    quantifier: ClassifierRates | None
    detector_configs: dict[str, dict[str, Any]]

    def predict_proba(self, table: FeatureTable) -> np.ndarray:
        """Calibrated bot probability per row of ``table``."""
        ...

    def flag_rules(self) -> RuleFusion:
        """The rules that name a flagged comment's flags."""
        ...

    def reasons(self, table: FeatureTable, rows: np.ndarray) -> list[Reason]:
        """The strongest evidence behind the score of each of ``rows``."""
        ...
