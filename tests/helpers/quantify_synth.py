"""Synthetic rooms with a known bot share and a noisy classifier of known error rates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from botcomments.quantify import ClassifierRates, measure_rates


@dataclass
class SyntheticRoom:
    """Per-comment arrays of one synthetic room plus its true shares."""

    probs: np.ndarray
    labels: np.ndarray
    users: np.ndarray
    ts: np.ndarray
    true_bot_share: float
    true_bot_user_share: float


@dataclass
class SyntheticClassifier:
    """Scores bots ~ Beta(a, b) and genuine comments ~ Beta(b, a)."""

    a: float = 4.0
    b: float = 2.0

    def score(self, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw a score per label."""
        bot = rng.beta(self.a, self.b, len(labels))
        human = rng.beta(self.b, self.a, len(labels))
        return np.where(labels == 1, bot, human)

    def room(
        self, rng: np.random.Generator, bot_user_share: float, n_users: int = 300
    ) -> SyntheticRoom:
        """A room: users post 1..~10 comments (bots all-bot, humans all-genuine)."""
        is_bot_user = rng.random(n_users) < bot_user_share
        per_user = rng.geometric(0.3, n_users)
        users = np.repeat(np.arange(n_users), per_user)
        labels = is_bot_user[users].astype(int)
        ts = np.sort(rng.uniform(0, 1800, len(users))) + 1.7e9
        probs = self.score(labels, rng)
        return SyntheticRoom(
            probs, labels, users, ts, float(labels.mean()), float(is_bot_user.mean())
        )

    def validation_rates(self, rng: np.random.Generator) -> ClassifierRates:
        """Measure rates (with user level) on a balanced validation room."""
        room = self.room(rng, 0.5, n_users=1500)
        return measure_rates(room.probs, room.labels, users=room.users)


@dataclass
class CampaignRooms:
    """Rooms whose bots come from two campaigns: one easy to detect, one nearly hidden.

    The mix between the campaigns varies per room, so one global pair of error rates
    over- or under-corrects depending on the room (the failure REG is built for).
    """

    def room(self, rng: np.random.Generator, bot_share: float, n_users: int = 250) -> SyntheticRoom:
        """One room; easy-campaign accounts post in bursts of several comments."""
        easy_share = rng.uniform(0.0, 1.0)
        kind = rng.choice(3, n_users, p=[1 - bot_share, bot_share * easy_share,
                                         bot_share * (1 - easy_share)])
        per_user = np.where(kind == 1, rng.integers(3, 8, n_users), rng.geometric(0.5, n_users))
        users = np.repeat(np.arange(n_users), per_user)
        k = kind[users]
        probs = np.select(
            [k == 0, k == 1],
            [rng.beta(2, 8, len(k)), rng.beta(8, 2, len(k))],
            rng.beta(3, 5, len(k)),
        )
        labels = (k > 0).astype(int)
        ts = np.sort(rng.uniform(0, 1800, len(k))) + 1.7e9
        return SyntheticRoom(probs, labels, users, ts, float(labels.mean()),
                             float((kind > 0).mean()))
