"""Whole games played by a built-in strategy, cached: tests that read finished games share
them (a game costs more than most assertions)."""

from __future__ import annotations

from functools import cache

from kam_sandbox.engine import Game, load_scenario
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide

scenario_of = cache(load_scenario)  # parsing and validating YAML costs more than a game


@cache
def played(scenario: str, policy: str, seed: int = 1) -> Game:
    """``scenario`` played to the end by ``policy`` on ``seed`` (shared: do not play on)."""

    game = Game(scenario_of(scenario), seed)
    while not game.over:
        actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
        game.play(actions_to_plan(actions, game.batch.static))
    return game
