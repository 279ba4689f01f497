"""The feature names other stages read by constant are features the detectors output."""

from __future__ import annotations

from botcomments.detectors import feature_names
from botcomments.detectors.duplicates import DUP_FEATURES
from botcomments.detectors.templates import TPL_FEATURES
from botcomments.detectors.timing import FEATURE_NAMES as TIMING_FEATURES
from botcomments.fusion.features import ACCOUNT_EVIDENCE_SOURCES, CLUSTER_SIZE, feature_name


def test_every_exported_name_is_a_detector_output() -> None:
    exported = {v for k, v in vars(feature_names).items() if k.isupper()}
    assert len(exported) >= 10
    assert exported <= set(DUP_FEATURES) | set(TPL_FEATURES) | set(TIMING_FEATURES)


def test_fusion_reads_qualified_detector_outputs() -> None:
    produced = {feature_name(n.split("_", 1)[0], n)
                for n in (*DUP_FEATURES, *TPL_FEATURES, *TIMING_FEATURES)}
    assert set(ACCOUNT_EVIDENCE_SOURCES) <= produced
    assert CLUSTER_SIZE in produced
