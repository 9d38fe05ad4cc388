"""engine.attribution: a quarter's revenue change split into season, market and the
player's own part, exactly; and a grade split into points won and lost per item."""

from __future__ import annotations

import numpy as np
import pytest
from played import played as shared_game

from kam_sandbox.engine import Game, load_scenario
from kam_sandbox.engine.attribution import EFFECTS, EXTERNAL, OWN, revenue_effects, score_points


def played(scenario_id: str, policy: str, seed: int = 5) -> Game:
    return shared_game(scenario_id, policy, seed)


@pytest.mark.parametrize("scenario_id,policy", [("retail", "needs"), ("retail", "discount"),
                                                ("tutorial", "uniform")])
def test_the_effects_add_up_to_the_revenue_change_of_every_account(scenario_id, policy):
    for result in played(scenario_id, policy).results:
        for acc in result["accounts"]:
            assert set(acc["effects"]) == set(EFFECTS)
            change = acc["revenue"] - acc["revenue_before"]
            assert sum(acc["effects"].values()) == pytest.approx(change, abs=1e-6)
        total = sum(a["revenue"] - a["revenue_before"] for a in result["accounts"])
        assert sum(result["revenue_effects"].values()) == pytest.approx(total, abs=1e-4)


def test_the_season_is_named_where_demand_is_seasonal_and_never_where_it_is_flat():
    retail = load_scenario("retail")
    assert len(set(retail.season.demand)) > 1
    seasons = [r["revenue_effects"]["season"] for r in played("retail", "needs").results]
    # Each quarter's season effect has the sign of the change in the demand multiplier.
    demand = retail.season.demand
    for turn, effect in enumerate(seasons[1:], start=1):
        q1 = (retail.start_quarter - 1 + turn) % 4
        expected = np.sign(demand[q1] - demand[(q1 - 1) % 4])
        assert np.sign(effect) == expected
    tutorial = load_scenario("tutorial")
    if len(set(tutorial.season.demand)) == 1:
        assert all(r["revenue_effects"]["season"] == 0.0
                   for r in played("tutorial", "uniform").results)


def test_discounts_show_as_the_players_price_effect():
    first = played("retail", "discount").results[0]["revenue_effects"]
    assert first["price"] < 0  # a discount lowers revenue per unit sold
    # No discount: the price effect is zero up to rounding. Price is what is left of revenue
    # after four factors, so each account carries a few ulps of its revenue (a few times
    # machine epsilon, relative); 64 eps of the quarter's revenue bounds that, while the
    # smallest real discount moves revenue by orders of magnitude more.
    needs = played("retail", "needs").results[0]
    revenue = sum(acc["revenue"] for acc in needs["accounts"])
    assert needs["revenue_effects"]["price"] <= 64 * np.finfo(float).eps * revenue


def test_a_lost_account_counts_in_full_and_a_new_one_as_share():
    out = revenue_effects(np.array([100.0, 0.0, 50.0]), np.array([0.0, 40.0, 60.0]),
                          {"season": 1.0, "market": np.array([1.0, 1.0, 1.0]),
                           "share": np.array([0.5, 0.0, 0.5]), "supply": 1.0},
                          {"season": 1.2, "market": np.array([1.0, 1.0, 1.0]),
                           "share": np.array([0.0, 0.4, 0.5]), "supply": 1.0})
    assert out["lost"][0] == -100.0 and out["share"][1] == 40.0
    assert out["season"][2] == pytest.approx(60.0 - 50.0)  # only the season moved
    assert set(EXTERNAL).isdisjoint(OWN) and set(EXTERNAL) | set(OWN) == set(EFFECTS)


def test_points_won_add_up_to_the_grade_and_lost_to_the_rest():
    card = played("retail", "needs").scorecard()
    points = score_points(card)
    assert [p["metric"] for p in points] == [it["metric"] for it in card["items"]]
    assert sum(p["won"] for p in points) == pytest.approx(card["score"])
    assert sum(p["lost"] for p in points) == pytest.approx(100.0 - card["score"])
    assert all(p["won"] >= 0 and p["lost"] >= 0 for p in points)


def test_gains_name_an_undiscovered_person_without_a_role():
    game = Game(load_scenario("retail"), 3)
    result = game.play({"accounts": {}, "portfolio": {}})
    view = game.view()
    ids = [a.id for a in game.scenario.accounts]
    for acc in result["accounts"]:
        for g in acc["gains"]:
            if g["kind"] == "need_met":
                i = ids.index(acc["id"])
                j = [s.id for s in game.scenario.accounts[i].stakeholders].index(g["stakeholder"])
                assert ("role" in g) == (int(view.role[0, i, j]) >= 0)


def test_a_need_the_plan_did_not_serve_is_no_gain():
    game = played("retail", "needs")
    for result in game.results:
        short = any(n["type"] == "shortage" for n in result["news"]) or any(
            d["kind"] == "supply_shortfall" for a in result["accounts"] for d in a["drivers"])
        for acc in result["accounts"]:
            for g in acc["gains"]:
                if g["kind"] == "need_met":
                    assert g["need"] != "quality"
                    assert g["need"] != "delivery" or short or any(
                        x["kind"] == "supply_kept" for x in acc["gains"])
