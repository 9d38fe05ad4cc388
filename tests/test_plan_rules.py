"""The plan rules beyond budgets and capacities: a contact takes a meaningful amount of time,
the key-account conference is at most once a year (or as the scenario says), and a
discount never exceeds the account's margin. Each refusal names what broke which rule."""

from __future__ import annotations

import pytest

from kam_sandbox.engine import Game, PlanError, load_scenario
from kam_sandbox.engine.market import Market
from kam_sandbox.engine.scenario import Limits, Scenario

LENDING = load_scenario("lending")
ACC = LENDING.accounts[0]
PERSON = ACC.stakeholders[0].id


def with_limits(sc: Scenario, **changes) -> Scenario:
    return sc.model_copy(update={"limits": sc.limits.model_copy(update=changes)})


@pytest.mark.parametrize("action", ["am_days", "exec_days"])
@pytest.mark.parametrize("days", [1e-9, 0.25, 0.49])
def test_a_token_contact_is_refused(action, days):
    game = Game(LENDING, 1)
    with pytest.raises(PlanError) as exc:
        game.play({"accounts": {ACC.id: {action: {PERSON: days}}}})
    msg = str(exc.value)
    assert f"{ACC.id}.{action}.{PERSON}" in msg and "min_contact_days" in msg and "0.5" in msg
    assert game.turn == 0  # nothing played


def test_the_minimum_contact_counts():
    game = Game(LENDING, 1)
    game.play({"accounts": {ACC.id: {"am_days": {PERSON: 0.5}}}})
    assert game.kpi_history()[-1]["coverage"] > 0


def test_the_minimum_is_a_scenario_constant():
    game = Game(with_limits(LENDING, min_contact_days=2.0), 1)
    with pytest.raises(PlanError, match="2 days"):
        game.play({"accounts": {ACC.id: {"am_days": {PERSON: 1.5}}}})
    game.play({"accounts": {ACC.id: {"am_days": {PERSON: 2.0}}}})


CONFERENCE = {"portfolio": {"conference": True}}


def test_a_second_conference_within_the_year_is_refused():
    game = Game(LENDING, 1)
    game.play(CONFERENCE)
    for quarter in (2, 3, 4):
        with pytest.raises(PlanError, match=r"quarter 1.*once every 4 quarters.*quarter 5"):
            game.play(CONFERENCE)
        game.play({})
        assert game.turn == quarter
    game.play(CONFERENCE)  # quarter 5: a year later


def test_the_conference_interval_is_a_scenario_constant():
    game = Game(with_limits(LENDING, conference_interval=1), 1)
    game.play(CONFERENCE)
    game.play(CONFERENCE)


def test_replay_and_what_if_keep_the_conference_history():
    game = Game(LENDING, 1)
    game.play(CONFERENCE)
    game.play({})
    rewound = game.what_if(3)
    with pytest.raises(PlanError, match="conference"):
        rewound.play(CONFERENCE)


def test_a_shared_market_checks_each_team_s_conference():
    market = Market(LENDING, 1, players=2)
    market.play_round([CONFERENCE, {}])
    with pytest.raises(PlanError, match="player 0: conference"):
        market.play_round([CONFERENCE, {}])
    market.play_round([{}, CONFERENCE])


def test_a_discount_above_the_margin_is_refused():
    low = ACC.model_copy(update={"margin": 0.05})
    sc = LENDING.model_copy(update={"accounts": [low, *LENDING.accounts[1:]]})
    game = Game(sc, 1)
    assert sc.limits.max_discount > 0.05
    with pytest.raises(PlanError) as exc:
        game.play({"accounts": {ACC.id: {"discount": 0.06}}})
    assert f"{ACC.id}.discount" in str(exc.value) and "margin (5.0%)" in str(exc.value)
    game.play({"accounts": {ACC.id: {"discount": 0.05}}})


def test_the_new_limits_have_documented_defaults():
    limits = Limits()
    assert limits.min_contact_days == 0.5 and limits.conference_interval == 4
    for name in ("min_contact_days", "conference_interval"):
        assert Limits.model_fields[name].description
