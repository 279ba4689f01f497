"""The detectors' outputs stay bit-identical to the golden digests (see detectors_golden.py)."""

from __future__ import annotations

import json

import pytest

from tests.detectors.perf.detectors_golden import (
    DIGESTS_FILE,
    ROOMS_FILE,
    compute_digests,
    load_batches,
)


def test_fixture_covers_the_edge_cases() -> None:
    batches = list(load_batches(ROOMS_FILE))
    comments = [c for b in batches for c in b.comments]
    assert any(c.ts is None for c in comments), "fixture lost its untimed comments"
    assert any(c.user_id is None for c in comments), "fixture lost its anonymous comments"
    ids = [b.room_id for b in batches]
    assert len(ids) > len(set(ids)), "fixture lost its repeated room (slices / replay)"
    assert any(len(b) == 0 for b in batches)


@pytest.mark.parametrize("config", ["default", "tiny_caps"])
def test_outputs_match_golden_digests(config: str) -> None:
    golden = json.loads(DIGESTS_FILE.read_text())[config]
    now = compute_digests()[config]
    changed = sorted(k for k in golden if now.get(k) != golden[k])
    assert not changed, f"detector outputs changed for {config}: {changed}"
    assert now.keys() == golden.keys()
