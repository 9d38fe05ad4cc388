"""``Game.fork`` and ``Market.fork``: a copy to play on, cheaply, that leaves the original as
it was (a workshop plays a round on forks outside its lock, issue 12 item 13)."""

from __future__ import annotations

from kam_sandbox.engine import Game, load_scenario
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.market import Market
from kam_sandbox.engine.policies import POLICIES, decide


def _plan(game) -> dict:
    return actions_to_plan(decide(POLICIES["needs"], game.view(), game.scenario,
                                  game.batch.static), game.batch.static)


def test_a_forked_game_plays_on_alone():
    sc = load_scenario("tutorial")
    game = Game(sc, 5)
    game.play(_plan(game))
    before = (game.turn, game.kpi_history(), list(game.plans), game.scorecard())
    twin = game.fork()
    event = next(e.id for e in sc.events if e.turn is None)
    twin.inject(event)
    twin.play(_plan(twin))
    assert (game.turn, game.kpi_history(), game.plans, game.scorecard()) == before
    assert game.batch.injected == {}
    again = Game.replay(sc, 5, twin.plans, {1: [(event, None)]})
    assert twin.kpi_history() == again.kpi_history() and twin.turn == 2


def test_a_forked_market_has_its_own_seats():
    sc = load_scenario("tutorial")
    market = Market(sc, 5, 2)
    market.play_round([_plan(s) for s in market.seats])
    twin = market.fork()
    twin.play_round([_plan(s) for s in twin.seats])
    assert market.turn == 1 and twin.turn == 2
    assert all(s.market is twin for s in twin.seats)
    assert [s.kpi_history() for s in twin.seats] == \
        [s.kpi_history() for s in Market.replay(sc, 5, 2, twin.rounds).seats]
