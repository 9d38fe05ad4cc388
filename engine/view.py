"""The player's view: only what a key-account director could really know.

Hidden needs, influence weights, true stances, trust, credit risk and rival strength are
not here; they are reachable only through ``Game.debrief`` after the last quarter. A policy
or a UI that reads a View cannot cheat by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .people import person_name
from .scenario import NEEDS, STAGES, Scenario

CREDIT_BANDS = ((0.01, "A"), (0.03, "B"), (0.06, "C"), (1.01, "D"))


def credit_rating(pd: float) -> str:
    """A public credit grade: coarse, like a rating agency's, not the hidden default risk."""

    return next(grade for limit, grade in CREDIT_BANDS if pd < limit)


@dataclass(frozen=True)
class View:
    """One player's view of B games; arrays are (B, N) per account, (B, N, K) per stakeholder.

    Readings come with the quarter they were taken (-1 = never), so staleness is visible.
    """

    scenario: Scenario
    seeds: np.ndarray  # (B,) the games' seeds (public: they name the world, not its secrets)
    turn: int  # quarters played so far
    quarter: int  # quarter of the year (1-4) of the coming turn
    peak: bool  # the coming quarter is a peak with short supply
    mask: np.ndarray  # (N, K) stakeholder slots in use
    credit_grade: np.ndarray  # (N,) index into "ABCD"
    revenue: np.ndarray  # (B, N, turn + 1) revenue: the quarter before the game, then each played
    receivables: np.ndarray  # (B, N, 4) not yet due, overdue 1, 2, 3+ quarters
    credit_days: np.ndarray  # (B, N)
    stage: np.ndarray  # (B, N) index into STAGES
    lost: np.ndarray  # (B, N) bool: churned or defaulted
    share_estimate: np.ndarray  # (B, N) noisy estimate of our share of wallet
    needs_reading: np.ndarray  # (B, N, D) last needs analysis (zeros if never)
    needs_turn: np.ndarray  # (B, N)
    satisfaction_reading: np.ndarray  # (B, N)
    satisfaction_turn: np.ndarray  # (B, N)
    stance_reading: np.ndarray  # (B, N, K)
    stance_turn: np.ndarray  # (B, N, K)
    last_contact: np.ndarray  # (B, N, K)
    role: np.ndarray  # (B, N, K) index into scenario.roles, -1 if not yet known
    complaint: np.ndarray  # (B, N) bool: an open complaint
    own_event: np.ndarray  # (B, N) bool: the account holds its own event next quarter
    score: np.ndarray  # (B,) scorecard grade so far
    tier: np.ndarray  # (B, N) ABC tier by revenue to date: 0 = A, 1 = B, 2 = C
    rfm: np.ndarray  # (B, N, 3) recency, frequency, monetary scores 1-5
    clv: np.ndarray  # (B, N) estimated lifetime value from known margin and satisfaction
    last_conference: np.ndarray  # (B,) quarter (0-based) of our last conference, -1 never
    # (B, N, K) replacements per stakeholder slot (public: the news says who left); None
    # reads as 0, for a snapshot written before it was part of the view
    generation: np.ndarray | None = None
    # (B, N) quarter (0-based) the news last reported the account's needs shifting, -1
    # never: a needs reading older than that is out of date. None (an older snapshot): never
    shift_turn: np.ndarray | None = None

    @property
    def batch(self) -> int:
        return self.revenue.shape[0]

    def needs_shifted(self) -> np.ndarray:
        """(B, N) bool: the news reported the account's needs shifting after its last
        reading (never read: False, there is nothing to go stale)."""

        if self.shift_turn is None:
            return np.zeros(self.needs_turn.shape, bool)
        return (self.needs_turn >= 0) & (self.shift_turn > self.needs_turn)

    def replacements(self, b: int, i: int, j: int) -> int:
        """How often slot ``j`` of account ``i`` changed hands in game ``b`` (0: the
        scenario's own person)."""

        return 0 if self.generation is None else int(self.generation[b, i, j])

    def person(self, b: int, i: int, j: int) -> dict[str, str]:
        """``{"zh", "en"}`` name of whoever holds slot ``j`` of account ``i`` now."""

        return person_name(self.scenario, int(self.seeds[b]), i, j, self.replacements(b, i, j))

    def to_dict(self, b: int = 0) -> dict:
        """Game ``b`` of the view as plain JSON-serialisable data."""

        sc = self.scenario
        shifted = self.needs_shifted()
        accounts = []
        for i, acc in enumerate(sc.accounts):
            stakeholders = []
            for j, sh in enumerate(acc.stakeholders):
                r = int(self.role[b, i, j])
                stakeholders.append(
                    {
                        "id": sh.id,
                        "name": self.person(b, i, j),
                        "replacements": self.replacements(b, i, j),
                        "title": sh.title.model_dump(),
                        "role": sc.roles[r].id if r >= 0 else None,
                        "stance": _reading(self.stance_reading[b, i, j], self.stance_turn[b, i, j]),
                        "stance_turn": _turn(self.stance_turn[b, i, j]),
                        "last_contact": _turn(self.last_contact[b, i, j]),
                    }
                )
            seen = int(self.needs_turn[b, i])
            accounts.append(
                {
                    "id": acc.id,
                    "name": acc.name.model_dump(),
                    "industry": acc.industry.model_dump(),
                    "region": acc.region.model_dump(),
                    "history": acc.history.model_dump(),
                    "employees": acc.employees,
                    "tier": "ABC"[int(self.tier[b, i])],
                    "rfm": [int(x) for x in self.rfm[b, i]],
                    "clv": float(self.clv[b, i]),
                    "credit_grade": "ABCD"[int(self.credit_grade[i])],
                    "revenue": [float(x) for x in self.revenue[b, i]],
                    "receivables": [float(x) for x in self.receivables[b, i]],
                    "credit_days": float(self.credit_days[b, i]),
                    "stage": STAGES[int(self.stage[b, i])],
                    "lost": bool(self.lost[b, i]),
                    "share_estimate": float(self.share_estimate[b, i]),
                    "needs": (
                        {d: float(v) for d, v in zip(NEEDS, self.needs_reading[b, i])}
                        if seen >= 0
                        else None
                    ),
                    "needs_turn": _turn(seen),
                    "needs_shifted": bool(shifted[b, i]),
                    "satisfaction": _reading(
                        self.satisfaction_reading[b, i], self.satisfaction_turn[b, i]
                    ),
                    "satisfaction_turn": _turn(self.satisfaction_turn[b, i]),
                    "complaint": bool(self.complaint[b, i]),
                    "own_event": bool(self.own_event[b, i]),
                    "stakeholders": stakeholders,
                }
            )
        return {
            "scenario": sc.id,
            "turn": self.turn,
            "turns": sc.turns,
            "quarter": self.quarter,
            "peak": self.peak,
            "resources": sc.resources.model_dump(),
            "score": float(self.score[b]),
            "accounts": accounts,
        }


def _turn(t) -> int | None:
    """Quarters are 1-based for people; None for never."""

    return int(t) + 1 if t >= 0 else None


def _reading(value, t) -> float | None:
    return float(value) if t >= 0 else None
