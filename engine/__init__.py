"""KAM Sandbox engine: a pure numpy simulation of key account management.

The small public API shared by the game, the CLI, workshops, the balance runner and tests::

    from kam_sandbox.engine import load_scenario, new_game
    game = new_game("tutorial", seed=7)
    view = game.view()                 # observable facts only
    result = game.play(plan)           # plan: plain JSON-serialisable data
    game.scorecard(); game.debrief()   # debrief once the last quarter is played

Layer: the bottom one. The engine imports nothing else of kam_sandbox, and never pygame,
a database or a web framework; everything above it uses this API.
"""

from __future__ import annotations

from .actions import Actions, compile_plan
from .errors import (
    GameStateError,
    KamError,
    PlanError,
    Problem,
    SaveError,
    ScenarioError,
    UnknownScenarioError,
)
from .game import Batch, Game
from .loader import check_scenario, load_scenario, shipped_scenarios
from .market import Market, Seat
from .policies import POLICIES, get_policy
from .scenario import Scenario
from .view import View

__all__ = [
    "POLICIES",
    "Actions",
    "Batch",
    "Game",
    "GameStateError",
    "KamError",
    "Market",
    "PlanError",
    "Problem",
    "SaveError",
    "Scenario",
    "ScenarioError",
    "Seat",
    "UnknownScenarioError",
    "View",
    "check_scenario",
    "compile_plan",
    "get_policy",
    "load_scenario",
    "new_game",
    "shipped_scenarios",
]


def new_game(scenario: Scenario | str, seed: int) -> Game:
    """A new single-player game of a scenario (object, shipped id or path) with a seed."""

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return Game(scenario, seed)
