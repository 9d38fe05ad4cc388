"""Headless batch runs: many seeds of one scenario under a policy, summarised.

Games run along the batch axis in chunks, so a run of thousands of games costs a handful
of numpy calls per quarter. The results depend only on (scenario, policy, seeds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .game import Batch
from .policies import POLICIES, Policy, decide
from .scenario import Scenario

#: Per-run figures reported by simulate and balance.
RUN_METRICS = (
    "score",
    "profit",
    "revenue",
    "margin",
    "bad_debt",
    "bad_debt_ratio",
    "satisfaction",
    "nps",
    "retention",
    "share_of_wallet",
    "coverage",
    "dso",
    "hhi",
)

CHUNK = 1024


def run(
    scenario: Scenario,
    policy: Policy,
    seeds: Sequence[int],
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Play one game per seed with ``policy``; returns each metric as an array over runs."""

    out: dict[str, list[np.ndarray]] = {m: [] for m in RUN_METRICS}
    seeds = list(seeds)
    for start in range(0, len(seeds), CHUNK):
        batch = Batch(scenario, seeds[start : start + CHUNK])
        while not batch.over:
            batch.step(decide(policy, batch.view(), scenario, batch.static))
        totals = batch.totals()
        totals["score"] = batch.score()[0]
        for m in RUN_METRICS:
            out[m].append(totals[m][:, 0])
        if progress:
            progress(batch.size)
    return {m: np.concatenate(v) for m, v in out.items()}


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation and a 95 % interval of the mean."""

    n = len(values)
    std = float(values.std(ddof=1)) if n > 1 else 0.0
    half = 1.96 * std / np.sqrt(n) if n > 1 else 0.0
    mean = float(values.mean())
    return {
        "mean": mean,
        "std": std,
        "ci95": [mean - half, mean + half],
        "min": float(values.min()),
        "max": float(values.max()),
    }


def balance(
    scenario: Scenario,
    seeds: Sequence[int],
    policies: dict[str, Policy] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Every policy on the same seeds (common random numbers make the comparison fair)."""

    return {
        name: run(scenario, pol, seeds, progress) for name, pol in (policies or POLICIES).items()
    }


def lesson_checks(
    results: dict[str, dict[str, np.ndarray]], scenario: Scenario | None = None
) -> list[dict]:
    """DESIGN §2's lessons as checks on a balance result (means over the same seeds).

    ``holds`` is None where the scenario does not allow the action a check is about.
    """

    mean = {p: {m: float(v.mean()) for m, v in r.items()} for p, r in results.items()}
    needs_action = {"risk": "credit_days", "price": "discount"}

    def check(lesson, claim, holds, left, right, metric):
        action = needs_action.get(lesson)
        if scenario is not None and action and action not in scenario.actions:
            holds = None
        else:
            holds = bool(holds)
        return {"lesson": lesson, "claim": claim, "holds": holds, "metric": metric,
                "left": left, "right": right,
                "gap": mean[left][metric] - mean[right][metric]}

    out = []
    if "needs" in mean:
        best = max(mean, key=lambda p: mean[p]["score"])
        out.append(check("discover", "needs scores highest", best == "needs", "needs", best, "score"))
    pairs = [
        ("focus", "focus beats uniform", "focus", "uniform", "score", 1),
        ("price", "discount earns less profit than needs", "needs", "discount", "profit", 1),
        ("buying-center", "executive scores below needs", "needs", "executive", "score", 1),
        ("risk", "lax-credit has more bad debt than needs", "lax-credit", "needs", "bad_debt", 1),
    ]
    for lesson, claim, left, right, metric, _ in pairs:
        if left in mean and right in mean:
            out.append(check(lesson, claim, mean[left][metric] > mean[right][metric],
                             left, right, metric))
    if "random" in mean:
        worst = min(mean, key=lambda p: mean[p]["score"])
        out.append(check("random", "random is worst", worst == "random", "random", worst, "score"))
    return out
