"""score --accounts: one row per (room, account) that adds up to comments.jsonl, with the
reasons and the group ids rooms.json uses; account groups list their members."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from botcomments.cli import main
from botcomments.records import Comment
from botcomments.scoring.accounts import AccountTable
from botcomments.scoring.types import Verdict


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_accounts_file_adds_up_to_the_comments(tmp_path: Path, sim_file: Path) -> None:
    out = tmp_path / "out"
    assert main(["score", str(sim_file), "--out", str(out), "--no-model", "--accounts"]) == 0
    comments = read_jsonl(out / "comments.jsonl")
    accounts = read_jsonl(out / "accounts.jsonl")
    per_account = Counter((c["room_id"], c["user_id"]) for c in comments if c["user_id"])
    flagged = Counter((c["room_id"], c["user_id"]) for c in comments
                      if c["user_id"] and c["is_bot"])
    assert {(a["room_id"], a["user_id"]): a["comments"] for a in accounts} == per_account
    assert {(a["room_id"], a["user_id"]): a["flagged"] for a in accounts if a["flagged"]} \
        == dict(flagged)
    assert sum(flagged.values()) > 0
    for a in accounts:
        assert bool(a["reasons"]) == (a["flagged"] > 0)
        assert a["first_ts"] <= a["last_ts"]
    rooms = json.loads((out / "rooms.json").read_text("utf-8"))
    rooms = rooms["rooms"] if isinstance(rooms, dict) else rooms
    named = {(a["room_id"], a["user_id"], cid) for a in accounts for cid in a["clusters"]}
    in_evidence = {(c["room_id"], c["user_id"], f"{c['room_id']}#C{ev['cluster_id']}")
                   for c in comments if c["is_bot"] and c["user_id"]
                   for flag, ev in c["evidence"].items()
                   if flag == "near_duplicate" and "cluster_id" in ev}
    assert named == in_evidence and named
    top = {c["cluster"] for r in rooms for c in r["top_clusters"]}
    assert top & {cid for _, _, cid in named}  # the same ids as rooms.json


def test_account_groups_list_their_members() -> None:
    """A lockstep group in the room report carries the member ids its evidence named."""
    import numpy as np

    from botcomments.scoring.rooms import RoomAccumulator

    lock = {"lockstep": {"group": "r#L0", "size": 3, "members": ["a", "b", "c"]}}
    acc = RoomAccumulator("r")
    acc.add(np.array([0.9, 0.9]), np.array([True, True]), ["a", "b"], np.array([1.0, 1.0]),
            [["lockstep"], ["lockstep"]], [{"timing": lock}, {"timing": lock}], ["x", "x"])
    (group,) = acc.top_tables()["top_account_groups"]
    assert group["group"] == "r#L0" and group["members"] == ["a", "b", "c"]


def test_guests_are_counted_not_listed() -> None:
    table = AccountTable()
    table.add(Comment("hi", "r", user_id=None), Verdict(0.1, False))
    table.add(Comment("hi", "r", ts=5.0, user_id="u"),
              Verdict(0.9, True, ("templated",), {"templated": {"template_id": 7}}))
    rows = list(table.rows())
    assert table.n_guest_comments == 1 and len(rows) == 1
    assert rows[0]["templates"] == ["r#T7"] and rows[0]["reasons"] == {"templated": 1}
