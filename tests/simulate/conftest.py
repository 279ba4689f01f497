"""Fixtures for the simulator tests: small runs built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from botcomments.simulate import SimulationConfig, SimulationResult, simulate, simulate_to_file


@pytest.fixture(scope="session")
def small_config() -> SimulationConfig:
    """Every campaign on, moderate rooms, bot share up to 0.6."""
    return SimulationConfig(room_size=(300, 1200), bot_share=(0.1, 0.6), sessions_per_host=3)


@pytest.fixture(scope="session")
def small_run(small_config: SimulationConfig) -> SimulationResult:
    """Nine rooms (three hosts x three sessions) simulated in memory."""
    return simulate(9, seed=11, config=small_config)


@pytest.fixture(scope="session")
def jsonl_run(tmp_path_factory: pytest.TempPathFactory, small_config: SimulationConfig) -> Path:
    """The same run streamed to JSONL (plus its sidecar)."""
    out = tmp_path_factory.mktemp("sim") / "chat.jsonl"
    simulate_to_file(out, 9, seed=11, config=small_config)
    return out
