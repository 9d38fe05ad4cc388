"""Strategies inside the rules: every built-in strategy makes a valid plan in every scenario
that ``validate`` accepts (engine.fit is the step that makes it so)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from kam_sandbox.engine import Game, PlanError, load_scenario, shipped_scenarios
from kam_sandbox.engine.actions import Actions, PlanContext, actions_to_plan, validate_actions
from kam_sandbox.engine.fit import fit_to_rules
from kam_sandbox.engine.game import Batch
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.engine.scenario import ACTIONS, Scenario, cross_reference_problems
from kam_sandbox.engine.world import compile_scenario

SHIPPED = ("tutorial", "distributors", "enterprise", "retail", "lending", "committee")
BASES = {sid: load_scenario(sid) for sid in SHIPPED}


@hs.composite
def scenarios(draw) -> Scenario:
    """A shipped scenario with budgets, capacities, costs, accounts, stakeholders, offered
    actions and limits changed, as an author might, and still accepted by the validator."""

    d = BASES[draw(hs.sampled_from(SHIPPED))].model_dump()
    res = d["resources"]
    res["budget"] = draw(hs.sampled_from([0.0, 500.0, 8000.0, 30000.0, res["budget"]]))
    for name in ("am_days", "exec_days", "support_days"):
        res[name] = draw(hs.sampled_from([0.0, 0.3, 1.0, 2.5, res[name]]))
    factor = draw(hs.sampled_from([0.0, 1.0, 10.0]))
    d["costs"] = {k: v * factor for k, v in d["costs"].items()}
    d["limits"]["min_contact_days"] = draw(hs.sampled_from([0.0, 0.5, 2.0, 7.0]))
    d["limits"]["conference_interval"] = draw(hs.sampled_from([1, 4, 40]))
    d["limits"]["max_discount"] = draw(hs.sampled_from([0.0, 0.05, 0.2, 0.5]))
    if draw(hs.booleans()):
        d["supply"] = {"peak_quarters": [1, 2, 3, 4],
                       "capacity": draw(hs.sampled_from([0.0, 0.01, 0.03, 0.6]))}
    d["actions"] = draw(hs.lists(hs.sampled_from(ACTIONS), unique=True)) or d["actions"]
    d["start_quarter"] = draw(hs.integers(1, 4))
    d["turns"] = min(d["turns"], 5)
    accounts = d["accounts"][: draw(hs.integers(1, len(d["accounts"])))]
    many = draw(hs.booleans())
    for acc in accounts:
        acc["margin"] = draw(hs.sampled_from([0.0, 0.02, acc["margin"]]))
        if many:  # as many people as an account may have
            people = acc["stakeholders"]
            acc["stakeholders"] = [
                {**people[j % len(people)], "id": f"p{j}"} for j in range(8)
            ]
    d["accounts"] = accounts
    kept = {a["id"] for a in accounts}
    d["events"] = [e for e in d["events"]
                   if e.get("account") in kept | {None} and (not many or not e.get("stakeholder"))
                   and (e.get("turn") or 0) <= d["turns"]]
    sc = Scenario.model_validate(d)
    assert not list(cross_reference_problems(sc))
    return sc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), seed=hs.integers(0, 2**31 - 1))
def test_every_strategy_plays_a_valid_plan(sc, seed):
    """Game.play validates each plan as a player's would be: none may be refused."""

    for name, policy in POLICIES.items():
        game = Game(sc, seed)
        while not game.over:
            actions = decide(policy, game.view(), sc, game.batch.static)
            try:
                game.play(actions_to_plan(actions, game.batch.static))
            except PlanError as exc:  # pragma: no cover - the failure report
                pytest.fail(f"{name} in quarter {game.turn + 1}: {exc}")


def _tutorial(**changes) -> Scenario:
    d = BASES["tutorial"].model_dump()
    for path, value in changes.items():
        section, key = path.split("__")
        d[section][key] = value
    return Scenario.model_validate(d)


def test_tight_budget_no_longer_aborts_balance():
    """The issue's case: the tutorial at budget 8000 made balance abort."""

    from kam_sandbox.engine.simulate import balance

    res = balance(_tutorial(resources__budget=8000.0), range(4))
    assert set(res) == set(POLICIES)


def test_nothing_valid_plays_the_empty_plan():
    """No money and surveys costing money: a survey cannot be kept; plans without cost are."""

    sc = _tutorial(resources__budget=0.0)
    st = compile_scenario(sc)
    a = Actions.zeros(1, 1, st.n, st.k)
    a.survey[...] = 1.0
    a.promotion[...] = 5000.0
    fitted = fit_to_rules(a, st)
    assert not fitted.survey.any() and not fitted.promotion.any()
    validate_actions(fitted, st)


def test_fitting_leaves_a_valid_plan_alone():
    sc = BASES["distributors"]
    game = Game(sc, 3)
    st = game.batch.static
    plan = {"accounts": {sc.accounts[0].id: {"am_days": {sc.accounts[0].stakeholders[0].id: 2},
                                             "survey": True, "discount": 0.02}}}
    a = game.check(plan)
    fitted = fit_to_rules(a, st, game.plan_context())
    for k, v in a.arrays().items():
        np.testing.assert_array_equal(v, fitted.arrays()[k], err_msg=k)


def test_token_days_are_pooled_onto_fewer_people():
    """Days spread thinner than the minimum contact go to the people with the most of them;
    the total stays (the capacity is still used)."""

    sc = BASES["enterprise"]
    st = compile_scenario(sc)
    a = Actions.zeros(1, 1, st.n, st.k)
    a.am_days[0, 0] = st.mask * 0.2
    a.am_days[0, 0, 0, 0] = 1.0
    fitted = fit_to_rules(a, st)
    days = fitted.am_days[fitted.am_days > 0]
    assert days.min() >= sc.limits.min_contact_days
    assert fitted.am_days.sum() == pytest.approx(a.am_days.sum())
    assert fitted.am_days[0, 0, 0, 0] == days.max()


def test_conference_too_soon_is_dropped():
    sc = BASES["lending"]
    st = compile_scenario(sc)
    a = Actions.zeros(1, 1, st.n, st.k)
    a.conference[...] = 1.0
    recent = PlanContext(turn=2, last_conference=np.array([[0]]))
    assert not fit_to_rules(a, st, recent).conference.any()
    long_ago = PlanContext(turn=4, last_conference=np.array([[0]]))
    assert fit_to_rules(a, st, long_ago).conference.all()


@pytest.mark.parametrize("fill", sorted(POLICIES))
def test_a_workshop_round_closes_with_a_fill_in(tmp_path, tight_tutorial, fill):
    from kam_sandbox.workshop import Session

    with Session.create(tmp_path / "ws", tight_tutorial, ["A", "B"], seed=3) as s:
        results = s.close_round(fill_policy=fill)
        assert [r["filled_by"] for r in results] == [fill, fill]
        assert s.state == "closed"


@pytest.mark.parametrize("name", ["needs", "uniform", "focus", "executive", "discount"])
def test_built_in_strategies_make_no_token_contacts_for_the_fit_to_pool(name):
    """Days are shared so that nobody gets less than limits.min_contact_days: fitting is a
    guard, not the strategy's way of making its plans (the engine benchmark's main cost)."""

    raw = POLICIES[name].__wrapped__
    for path in shipped_scenarios():
        sc = load_scenario(path)
        batch = Batch(sc, range(16))
        while not batch.over:
            plan = raw(batch.view())
            for days in (plan.am_days, plan.exec_days):
                assert not ((days > 0) & (days < sc.limits.min_contact_days)).any(), path.stem
            batch.step(POLICIES[name](batch.view()))
