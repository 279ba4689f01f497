"""Labeled live-commerce room simulator: genuine viewers, organic floods, bot campaigns.

Example:
    >>> from botcomments.simulate import SimulationConfig, simulate
    >>> res = simulate(1, seed=0, config=SimulationConfig(room_size=(50, 50)))
    >>> len(res.comments)
    50
"""

from __future__ import annotations

from botcomments.simulate.config import (
    BOT_PERSONAS,
    CAMPAIGN_TYPES,
    GENUINE_PERSONAS,
    PERSONAS,
    SimulationConfig,
)
from botcomments.simulate.engine import (
    RoomTruth,
    SimulationResult,
    iter_rooms,
    sidecar_path,
    simulate,
    simulate_to_file,
)

__all__ = [
    "BOT_PERSONAS",
    "CAMPAIGN_TYPES",
    "GENUINE_PERSONAS",
    "PERSONAS",
    "RoomTruth",
    "SimulationConfig",
    "SimulationResult",
    "iter_rooms",
    "sidecar_path",
    "simulate",
    "simulate_to_file",
]
