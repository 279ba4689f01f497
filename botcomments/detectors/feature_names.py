"""Names of detector features that other stages read by name.

The detectors export them here, in a module with no heavy imports, so the combiner's
aggregates (``fusion.features``) name their inputs by constant instead of by string and
importing the scoring pipeline does not load the detectors' libraries early.
"""

DUP_CLUSTER_SIZE = "dup_cluster_size"
DUP_CLUSTER_SHARE = "dup_cluster_share"
DUP_CLUSTER_DISTINCT_USERS = "dup_cluster_distinct_users"
DUP_BURST_COUNT = "dup_burst_count"
DUP_CROSS_ROOM_COUNT = "dup_cross_room_count"
TPL_TEMPLATE_SIZE = "tpl_template_size"
TPL_TEMPLATE_SHARE = "tpl_template_share"
TPL_CROSS_ROOM_COUNT = "tpl_cross_room_count"
TIMING_BURST_ACCOUNTS_2S = "timing_burst_accounts_2s"
TIMING_LOCKSTEP_GROUP_SIZE = "timing_lockstep_group_size"
