"""The debrief's reference strategies: the expert's game is the solo game's own yardstick
(``Batch.yardstick``, already played for the grade), so only the other references are
played again; the figures and the chart line are exactly those of playing them all."""

from __future__ import annotations

import numpy as np
import pytest

from kam_sandbox.engine import Batch, new_game, simulate
from kam_sandbox.engine import policies as engine_policies
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.engine.simulate import run
from kam_sandbox.game import references
from kam_sandbox.game.references import COMPARED, REFERENCES


def played_all(scenario, seed: int) -> dict:
    """What the debrief showed before: every reference played, the expert's game twice."""

    figures = {}
    for name in REFERENCES:
        out = run(scenario, POLICIES[name], [seed])
        figures[name] = {m: float(out[m][0]) for m in COMPARED}
    batch = Batch(scenario, [seed])
    while not batch.over:
        batch.step(decide(POLICIES["expert"], batch.view(), scenario, batch.static))
    history = [{k: float(np.asarray(v).reshape(-1)[0]) for k, v in q.items()}
               for q in batch.kpis]
    return {"figures": figures, "history": history}


def finished(case: str, seed: int, policy: str = "needs"):
    game = new_game(case, seed)
    while not game.over:
        game.play(_plan(game, policy))
    return game


def _plan(game, policy: str) -> dict:
    from kam_sandbox.engine.actions import actions_to_plan

    actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
    return actions_to_plan(actions, game.batch.static)


@pytest.mark.parametrize("case,seed", [("tutorial", 5), ("retail", 2)])
def test_the_expert_comes_from_the_yardstick_and_the_figures_are_as_before(case, seed):
    game = finished(case, seed)
    game.scorecard()  # the grade has played the yardstick to the end
    references._GAMES.clear()
    shown = references.get(game.scenario, seed, game)
    assert shown == played_all(game.scenario, seed)


def test_only_the_other_references_are_played_again(monkeypatch):
    game = finished("tutorial", 6)
    calls = []
    real = POLICIES["expert"]
    monkeypatch.setitem(engine_policies.POLICIES, "expert",
                        lambda view, **kw: (calls.append(1), real(view, **kw))[1])
    simulate._YARDSTICKS.clear()
    references._GAMES.clear()
    background = references.play(game.scenario, 6)
    assert set(background) == set(REFERENCES) - {"expert"}
    shown = references.get(game.scenario, 6, game)
    assert set(shown["figures"]) == set(REFERENCES)
    assert not calls and not simulate._YARDSTICKS  # the expert was not played again


def test_a_game_whose_yardstick_is_not_the_plain_expert_game_plays_it():
    """A workshop team's game with a facilitator's event: its yardstick met the event, the
    other references do not, so the expert beside them is played without it."""

    game = new_game("tutorial", 7)
    game.inject(game.scenario.events[0].id)
    while not game.over:
        game.play(_plan(game, "needs"))
    references._GAMES.clear()
    assert references.get(game.scenario, 7, game) == played_all(game.scenario, 7)
