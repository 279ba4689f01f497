"""The room report's top tables: group sizes, accounts and flagged counts agree."""

from __future__ import annotations

from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer


def test_cluster_rows_count_whole_cluster_and_flagged_part(sim_comments: list[Comment]) -> None:
    rooms = Scorer.rule_only().score(sim_comments).rooms
    rows = [row for room in rooms for row in room.top_clusters]
    assert rows, "simulated rooms with copy floods must yield near-duplicate clusters"
    for row in rows:
        # flagged members are a subset of the cluster; accounts never exceed comments
        assert 1 <= row["flagged"] <= row["size"], row
        assert 1 <= row["users"] <= row["size"], row
    for room in rooms:
        for row in room.top_templates:
            assert 1 <= row["flagged"] <= row["size"], row
        for row in room.top_account_groups:
            assert row["flagged"] >= 1, row
