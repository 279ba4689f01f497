"""Golden-output check of the evidence detectors (dup, tpl, timing).

The shipped combiner (``models/default/fusion.json``) and the rules were fitted on the
detectors' exact features, so speed work must not change a single bit of their output.
This module replays a frozen set of room batches (``golden_rooms.jsonl.gz``: simulator
rooms, already normalised, with some missing timestamps / users, a room fed in two
slices and rooms replayed to hit the cross-room caches) through fresh detectors, under
the default configuration and under tiny LRU caps (so eviction paths run), and digests
every feature array (bit for bit) and every evidence dict (key order included).

Regenerate the fixture and the digests only when a change of outputs is intended (and
the combiner is refitted):

    python tests/detectors/perf/detectors_golden.py --rooms     # new input fixture (simulator)
    python tests/detectors/perf/detectors_golden.py             # new digests from the current code
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from botcomments.detectors.base import Detector, DetectorOutput, RoomBatch
from botcomments.detectors.duplicates import DupConfig, NearDuplicateDetector
from botcomments.detectors.templates import TemplateDetector, TplConfig
from botcomments.detectors.timing import MachinePostingDetector, TimingConfig
from botcomments.records import Comment
from botcomments.text.normalize import NormalizationFeatures, NormalizedText

HERE = Path(__file__).resolve().parent
ROOMS_FILE = HERE / "golden_rooms.jsonl.gz"
DIGESTS_FILE = HERE / "golden_digests.json"

Row = tuple[str, int, float | None, str | None]  # normal form, max_run, ts, user_id


def detector_sets() -> dict[str, list[Detector]]:
    """Fresh detectors per configuration name: defaults, and tiny caps (eviction)."""
    return {
        "default": [NearDuplicateDetector(), TemplateDetector(), MachinePostingDetector()],
        "tiny_caps": [
            NearDuplicateDetector(DupConfig(max_texts=40, max_clusters=25,
                                            max_rooms_per_cluster=3)),
            TemplateDetector(TplConfig(max_texts=40, max_templates=25,
                                       max_rooms_per_template=3, max_examples=2)),
            MachinePostingDetector(TimingConfig(max_accounts=60, max_rooms_per_account=3,
                                                max_rooms=4, lockstep_max_accounts=6)),
        ],
    }


def load_batches(path: Path = ROOMS_FILE) -> Iterator[RoomBatch]:
    """Room batches of the fixture, in order."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            comments = [Comment(text=t, room_id=rec["room_id"], ts=ts, user_id=u)
                        for t, _, ts, u in rec["rows"]]
            normalized = [NormalizedText(t, NormalizationFeatures(max_run=r))
                          for t, r, _, _ in rec["rows"]]
            yield RoomBatch(rec["room_id"], comments, normalized)


def output_digest(out: DetectorOutput) -> str:
    """SHA-256 of an output: feature names, float64 bytes per feature, evidence JSON."""
    h = hashlib.sha256(out.name.encode())
    for name, values in out.features.items():
        h.update(name.encode())
        h.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    h.update(json.dumps(out.evidence, ensure_ascii=False).encode())
    return h.hexdigest()


def compute_digests() -> dict[str, dict[str, str]]:
    """Digest per configuration, per "batch#detector" (plus template streaming)."""
    result: dict[str, dict[str, str]] = {}
    for cfg_name, dets in detector_sets().items():
        digests: dict[str, str] = {}
        texts: list[str] = []
        for b, batch in enumerate(load_batches()):
            texts.extend(nt.text for nt in batch.normalized)
            for det in dets:
                digests[f"{b:02d}#{det.name}"] = output_digest(det.detect(batch))
        tpl = dets[1]
        assert isinstance(tpl, TemplateDetector)
        stream = [tpl.observe(t) for t in texts[::7]]
        stream_json = json.dumps(
            [[m.template_id, m.skeleton, m.fills, tpl.template_skeleton(m.template_id)]
             for m in stream], ensure_ascii=False)
        digests["stream#tpl"] = hashlib.sha256(stream_json.encode()).hexdigest()
        result[cfg_name] = digests
    return result


def _make_rooms() -> list[dict[str, Any]]:
    """Build the input fixture from the simulator and the current normaliser."""
    from botcomments.simulate import SimulationConfig, iter_rooms
    from botcomments.text.normalize import normalize

    rng = np.random.default_rng(90210)
    batches: list[dict[str, Any]] = []
    cfg = SimulationConfig(room_size=(40, 220))
    for r, room in enumerate(iter_rooms(12, seed=90210, config=cfg)):
        rows: list[list[Any]] = []
        for rec in room.records("sim"):
            nt = normalize(rec["text"])
            rows.append([nt.text, nt.features.max_run, rec["ts"], rec["user_id"]])
        if r % 3 == 1:  # some missing users and timestamps (untimed comments last)
            for row in rows:
                if rng.random() < 0.06:
                    row[3] = None
                if rng.random() < 0.05:
                    row[2] = None
            rows = [x for x in rows if x[2] is not None] + [x for x in rows if x[2] is None]
        rid = room.plan.room_id
        if r == 4:  # one room fed as two time-ordered slices
            half = len(rows) // 2
            batches.append({"room_id": rid, "rows": rows[:half]})
            batches.append({"room_id": rid, "rows": rows[half:]})
        else:
            batches.append({"room_id": rid, "rows": rows})
    batches.append({"room_id": batches[0]["room_id"], "rows": batches[0]["rows"]})
    batches.append({"room_id": "replay-of-2", "rows": batches[2]["rows"]})
    batches.append({"room_id": "empty", "rows": []})
    return batches


def main() -> None:
    """Regenerate the fixture (``--rooms``) or the digests."""
    ap = argparse.ArgumentParser(description="Regenerate the golden detector outputs.")
    ap.add_argument("--rooms", action="store_true", help="rebuild the input fixture")
    args = ap.parse_args()
    if args.rooms:
        with gzip.open(ROOMS_FILE, "wt", encoding="utf-8") as fh:
            for batch in _make_rooms():
                fh.write(json.dumps(batch, ensure_ascii=False) + "\n")
        print(f"wrote {ROOMS_FILE}")
    DIGESTS_FILE.write_text(json.dumps(compute_digests(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS_FILE}")


if __name__ == "__main__":
    main()
