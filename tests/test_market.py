"""Shared-market mode: several teams sell to the same accounts in one world."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kam_sandbox.engine import Game, GameStateError, Market, PlanError, Seat, load_scenario
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide


def policy_plan(seat: Seat | Game, policy: str | None) -> dict:
    """The plan a built-in policy makes from this seat's own view (None: do nothing)."""

    if policy is None:
        return {}
    st = seat.batch.static
    return actions_to_plan(decide(POLICIES[policy], seat.view(), seat.scenario, st), st)


def play_market(market: Market, policies: list[str | None]) -> Market:
    while not market.over:
        market.play_round([policy_plan(s, pol) for s, pol in zip(market.seats, policies)])
    return market


def dump(x) -> str:
    return json.dumps(x, sort_keys=True)


@pytest.mark.parametrize("scenario_id", ["tutorial", "distributors"])
def test_one_player_market_is_the_solo_game(scenario_id):
    sc = load_scenario(scenario_id)
    game, market = Game(sc, 8), Market(sc, 8, 1)
    seat = market.seat(0)
    while not game.over:
        plan = policy_plan(game, "needs")
        assert policy_plan(seat, "needs") == plan  # same view, same decisions
        result = game.play(plan)
        assert dump(market.play_round([plan])) == dump([result])
    assert seat.over and seat.turn == game.turn
    assert seat.kpi_history() == game.kpi_history()
    assert seat.scorecard() == game.scorecard()
    assert dump(seat.results) == dump(game.results)
    assert seat.plans == game.plans
    assert dump(seat.debrief()) == dump(game.debrief())
    assert dump(seat.view().to_dict()) == dump(game.view().to_dict())


def test_same_seed_and_plans_same_market_and_replay_rebuilds_it():
    sc = load_scenario("distributors")
    a = Market(sc, 4, 3)
    a.play_round([{}, {}, {}])
    a.inject(next(e for e in sc.events if e.turn is None).id)
    play_market(a, ["needs", "random", "discount"])
    b = play_market(Market(sc, 4, 3), [None, None, None])  # other decisions, for contrast
    assert a.seat(0).kpi_history() != b.seat(0).kpi_history()
    again = Market.replay(sc, 4, 3, a.rounds, a.injected)
    assert dump(again.results) == dump(a.results)
    for p in range(3):
        assert again.seat(p).kpi_history() == a.seat(p).kpi_history()
        assert again.seat(p).scorecard() == a.seat(p).scorecard()


@pytest.mark.parametrize("scenario_id", ["tutorial", "distributors"])
@pytest.mark.parametrize("good, bad", [("needs", "discount"), ("needs", None)])
def test_the_better_team_wins_the_share_of_wallet(scenario_id, good, bad):
    """Whichever seat it sits in, the better strategy takes wallet from the worse one."""

    sc = load_scenario(scenario_id)
    for seed in range(3):
        for g in (0, 1):  # the good team in either seat: no seat advantage
            pols = [good, bad] if g == 0 else [bad, good]
            m = play_market(Market(sc, seed, 2), pols)
            kg, kb = (m.seat(p).kpi_history()[-1] for p in (g, 1 - g))
            assert kg["share_of_wallet"] > kb["share_of_wallet"], (seed, g)
            assert m.seat(g).scorecard()["score"] > m.seat(1 - g).scorecard()["score"]
            # Shares stay a partition of each wallet among the teams and the AI rivals.
            np.testing.assert_allclose(m.batch.state.share.sum(-1), 1.0)


def test_same_plans_same_results_and_grades_are_absolute():
    """Teams that decide alike fare alike: no seat order advantage, and both get the same
    grade (an absolute scorecard, not a rank among teams)."""

    sc = load_scenario("tutorial")
    m = Market(sc, 3, 2)
    while not m.over:
        plan = policy_plan(m.seat(0), "needs")
        m.play_round([plan, plan])
    a, b = m.seats
    assert a.kpi_history() == b.kpi_history()
    assert a.scorecard() == b.scorecard()
    card = a.scorecard()
    weights = sum(it["weight"] for it in card["items"])
    assert card["score"] == pytest.approx(
        sum(it["weight"] * it["score"] for it in card["items"]) / weights)
    for item in card["items"]:
        assert item["value"] == pytest.approx(m.batch.totals()[item["metric"]][0, 0])


def test_an_invalid_plan_of_one_team_changes_nothing_for_anyone():
    sc = load_scenario("tutorial")
    m = Market(sc, 2, 3)
    m.play_round([{}, {}, {}])
    state = m.batch.state.copy()
    good = policy_plan(m.seat(0), "needs")
    over_budget = {"accounts": {"jinggong": {"promotion": 10 * sc.resources.budget}}}
    with pytest.raises(PlanError, match=r"^player 2: budget"):
        m.play_round([good, good, over_budget])
    with pytest.raises(PlanError, match=r"^player 1: unknown account"):
        m.play_round([good, {"accounts": {"nobody": {}}}, good])
    with pytest.raises(PlanError, match="expected 3 plans"):
        m.play_round([good, good])
    assert m.turn == 1 and len(m.rounds) == 1 and len(m.results) == 1
    assert len(m.batch.kpis) == 1 and len(m.batch.outcomes) == 1
    for name, before in state.arrays().items():
        np.testing.assert_array_equal(getattr(m.batch.state, name), before, err_msg=name)
    # Playing on gives the market that never saw the invalid plans.
    m.play_round([good, good, {}])
    twin = Market.replay(sc, 2, 3, [[{}, {}, {}], [good, good, {}]])
    assert dump(twin.results) == dump(m.results)


SHARED_ACCOUNT_FIELDS = ("id", "name", "industry", "region", "history", "employees",
                         "credit_grade", "own_event")
SHARED_FIELDS = ("scenario", "turn", "turns", "quarter", "peak", "resources")


def numbers(x) -> set[float]:
    if isinstance(x, dict):
        return set().union(*(numbers(v) for v in x.values()))
    if isinstance(x, list):
        return set().union(set(), *(numbers(v) for v in x))
    return {float(x)} if isinstance(x, (int, float)) and not isinstance(x, bool) else set()


def test_a_team_sees_only_its_own_books():
    sc = load_scenario("distributors")
    m = Market(sc, 6, 2)
    ids = [a.id for a in sc.accounts]
    strict = {"accounts": {i: {"credit_days": 0} for i in ids}}
    assert m.seat(0).view().to_dict() == m.seat(1).view().to_dict()  # an even start
    for _ in range(2):
        lax = policy_plan(m.seat(1), "lax-credit")
        m.play_round([strict, lax])
    v0, v1 = (m.seat(p).view().to_dict() for p in (0, 1))
    for key in SHARED_FIELDS:
        assert v0[key] == v1[key], key
    for a0, a1 in zip(v0["accounts"], v1["accounts"]):
        for key in SHARED_ACCOUNT_FIELDS:
            assert a0[key] == a1[key], key
    assert v0["accounts"] != v1["accounts"] and v0["score"] != v1["score"]
    # Each team's receivables are its own; the rival team's never appear in its view.
    ar = m.batch.state.receivables[0]  # (P, N, 4)
    for p, v in enumerate((v0, v1)):
        np.testing.assert_allclose([a["receivables"] for a in v["accounts"]], ar[p])
        np.testing.assert_allclose([a["revenue"][-1] for a in v["accounts"]],
                                   m.batch.outcomes[-1].revenue[0, p])
    theirs = {float(x) for x in ar[1].ravel() if x > 0}
    assert theirs and not theirs & numbers(v0)


def test_an_injected_event_hits_every_team():
    sc = load_scenario("tutorial")
    quiet, shaken = Market(sc, 5, 2), Market(sc, 5, 2)
    shaken.inject("dingxin_late_delivery")
    plans = [policy_plan(quiet.seat(0), "needs"), {}]
    calm, hit = quiet.play_round(plans), shaken.play_round(plans)
    for p in range(2):
        assert any(h["account"] == "dingxin" and h["type"] == "service_failure"
                   for h in hit[p]["headlines"])
        assert not any(h["account"] == "dingxin" for h in calm[p]["headlines"])
        drivers = next(a for a in hit[p]["accounts"] if a["id"] == "dingxin")["drivers"]
        assert {"kind": "service_failure"} in drivers
        assert hit[p]["kpis"]["satisfaction"] < calm[p]["kpis"]["satisfaction"]
    assert shaken.injected == {0: [("dingxin_late_delivery", "dingxin")]}


def test_seats_read_like_games_but_only_the_market_plays():
    sc = load_scenario("tutorial")
    m = Market(sc, 1, 2)
    seat = m.seat(1)
    assert (seat.scenario, seat.seed, seat.turn, seat.over) == (sc, 1, 0, False)
    assert seat.scorecard() == {"score": 0.0, "items": [], "luck": None}
    assert seat.kpi_history() == [] and seat.results == [] and seat.plans == []
    with pytest.raises(PlanError):
        seat.check({"accounts": {"nobody": {}}})
    with pytest.raises(GameStateError, match="Market.play_round"):
        seat.play({})
    with pytest.raises(GameStateError):
        seat.debrief()
    play_market(m, ["needs", None])
    assert seat.over and len(seat.results) == sc.turns == len(seat.plans)
    # Results, history, scorecard and debrief are all team 1's own, not team 0's.
    assert [r["kpis"] for r in seat.results] == seat.kpi_history() != m.seat(0).kpi_history()
    assert seat.results[-1]["score"] == seat.scorecard()["score"]
    for r in seat.results:
        assert sum(a["revenue"] for a in r["accounts"]) == pytest.approx(r["kpis"]["revenue"])
    debrief = seat.debrief()
    assert debrief["scorecard"] == seat.scorecard()
    assert [a["share"] for a in debrief["accounts"]] == m.batch.state.share[0, :, 1].tolist()
    with pytest.raises(GameStateError):
        m.play_round([{}, {}])
    with pytest.raises(IndexError):
        m.seat(2)
    for players in (0, 13):
        with pytest.raises(ValueError):
            Market(sc, 1, players)
