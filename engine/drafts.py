"""A quarter's draft plan as a player starts it: empty, or carried forward from the last one.

Shared by every front end (the Pygame game and the workshop's browser client), so that a
draft starts from the same place wherever a team plans.
"""

from __future__ import annotations

import copy

ONE_OFF = ("survey", "feedback", "trial")  # not carried into the next quarter's draft


def empty_plan() -> dict:
    return {"accounts": {}, "portfolio": {}}


def carried_forward(plan: dict) -> dict:
    """A plan's recurring allocations (days, money, terms): what the next quarter's draft
    starts from, without one-off actions such as a survey or the conference."""

    plan = copy.deepcopy(plan) if plan else empty_plan()
    plan.setdefault("accounts", {})
    plan.setdefault("portfolio", {})
    for acts in plan["accounts"].values():
        for action in ONE_OFF:
            acts.pop(action, None)
    plan["portfolio"].pop("conference", None)
    plan["portfolio"].pop("data_analysis", None)
    plan["accounts"] = {k: v for k, v in plan["accounts"].items() if v}
    return plan


__all__ = ["ONE_OFF", "carried_forward", "empty_plan"]
