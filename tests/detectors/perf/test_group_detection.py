"""Detecting a group of batches in one pass gives, batch for batch, the per-batch outputs.

The scorer runs the detectors once over many small rooms (``detect_group``); every
feature bit, every evidence dict and the cross-room state afterwards must be those of
``detect`` batch after batch.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from botcomments.detectors.base import BatchGroup, Detector, RoomBatch
from botcomments.detectors.templates import TemplateDetector
from botcomments.text.normalize import normalize
from tests.detectors.perf.detectors_golden import (
    DIGESTS_FILE,
    detector_sets,
    load_batches,
    output_digest,
)
from tests.helpers.small_rooms import small_rooms


def _grouped_digests(dets: list[Detector], batches: list[RoomBatch], sizes: list[int]
                     ) -> dict[str, str]:
    """Digest per "batch#detector", the batches detected in groups of the given sizes."""
    digests: dict[str, str] = {}
    at, k = 0, 0
    while at < len(batches):
        chunk = batches[at:at + sizes[k % len(sizes)]]
        bounds = np.cumsum([0, *(len(b) for b in chunk)]).tolist()
        for det in dets:
            out = det.detect_group(BatchGroup(tuple(chunk)))  # type: ignore[attr-defined]
            assert len(out.evidence) == bounds[-1]
            for j in range(len(chunk)):
                digests[f"{at + j:02d}#{det.name}"] = output_digest(
                    out.rows(bounds[j], bounds[j + 1]))
        at += len(chunk)
        k += 1
    return digests


@pytest.mark.parametrize("config", ["default", "tiny_caps"])
@pytest.mark.parametrize("sizes", [[100], [3, 1, 4, 2]], ids=["all", "mixed"])
def test_groups_of_golden_batches_match_the_golden_digests(config: str, sizes: list[int]
                                                           ) -> None:
    golden = json.loads(DIGESTS_FILE.read_text())[config]
    dets = detector_sets()[config]
    batches = list(load_batches())
    now = _grouped_digests(dets, batches, sizes)
    changed = sorted(k for k in now if now[k] != golden[k])
    assert not changed, f"grouped outputs differ for {config}: {changed}"
    assert len(now) == len(golden) - 1  # all but the template stream digest
    tpl = dets[1]
    assert isinstance(tpl, TemplateDetector)  # its state afterwards: as batch by batch
    texts = [nt.text for b in batches for nt in b.normalized]
    matches = [tpl.observe(t) for t in texts[::7]]  # as detectors_golden.compute_digests
    stream = json.dumps([[m.template_id, m.skeleton, m.fills,
                          tpl.template_skeleton(m.template_id)] for m in matches],
                        ensure_ascii=False)
    assert hashlib.sha256(stream.encode()).hexdigest() == golden["stream#tpl"]


@pytest.mark.parametrize("config", ["default", "tiny_caps"])
def test_groups_of_small_rooms_match_room_by_room(config: str) -> None:
    batches = [RoomBatch(room[0].room_id, room, [normalize(c.text) for c in room])
               for room in small_rooms(7)]
    alone = {f"{b:02d}#{det.name}": output_digest(det.detect(batch))
             for dets in [detector_sets()[config]]
             for b, batch in enumerate(batches) for det in dets}
    grouped = _grouped_digests(detector_sets()[config], batches, [17, 1, 40, 3])
    assert grouped == alone
