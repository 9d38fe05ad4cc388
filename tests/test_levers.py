"""The need -> action map is the model's truth: every lever it names moves its need's
service in a played quarter, and every need has one."""

from __future__ import annotations

import pytest

from kam_sandbox.engine import load_scenario, new_game
from kam_sandbox.engine.actions import ACCOUNT_ACTIONS
from kam_sandbox.engine.levers import NEED_ACTIONS, needs_served_by
from kam_sandbox.engine.scenario import NEEDS

SCENARIOS = ("tutorial", "distributors", "retail", "enterprise", "committee", "lending")
PORTFOLIO = ("conference", "info_sharing")


def lever_plan(game, action: str) -> dict:
    """A plan that pulls ``action`` hard on the first account (portfolio actions for all)."""

    sc = game.scenario
    acc = sc.accounts[0]
    person = acc.stakeholders[0].id
    values = {"discount": sc.limits.max_discount, "credit_days": sc.limits.max_credit_days,
              "support_days": 4.0, "training_days": 4.0, "trial": True, "promotion": 40000.0,
              "event_support": 40000.0, "am_days": {person: 4.0}, "exec_days": {person: 1.0},
              "supply": 1.0, "feedback": True}
    if action in PORTFOLIO:
        return {"accounts": {}, "portfolio": {action: True}}
    return {"accounts": {acc.id: {action: values[action]}}, "portfolio": {}}


def served(game, need: str) -> float:
    out = game.batch.outcomes[-1]
    if need == "relationship":
        return float(out.served_relationship[0, 0, 0].mean())
    return float(out.served[0, 0, 0, NEEDS.index(need)])


def test_every_need_has_a_lever_the_plan_offers():
    assert set(NEED_ACTIONS) == set(NEEDS)
    offered = set(ACCOUNT_ACTIONS) | set(PORTFOLIO)
    for need, actions in NEED_ACTIONS.items():
        assert set(actions) <= offered, need
    assert all(NEED_ACTIONS.values())
    assert needs_served_by("event_support") == ("promotion", "relationship")
    assert needs_served_by("survey") == ()


@pytest.mark.parametrize("need, action", [(n, a) for n, acts in NEED_ACTIONS.items()
                                          for a in acts])
def test_each_lever_moves_its_need(need, action):
    scenario = next(s for s in SCENARIOS if action in load_scenario(s).actions
                    and (action != "supply" or load_scenario(s).supply.capacity < 1.0))
    with_it, without = new_game(scenario, 5), new_game(scenario, 5)
    while action == "supply" and not with_it.view().peak:  # supply counts in a peak only
        with_it.play({})
        without.play({})
    with_it.play(lever_plan(with_it, action))
    without.play({})
    assert served(with_it, need) > served(without, need) + 1e-6
