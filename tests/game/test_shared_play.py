"""A team of a shared-market workshop plays through the same screens as in parallel worlds:
its game is the host's snapshot of its seat (the rivals' plans never reach the client)."""

from __future__ import annotations

import pygame
import pytest
from conftest import press, pump
from test_team_play import POLL_WAIT, CountingLink, plus, run

from kam_sandbox.engine.market import SeatSnapshot
from kam_sandbox.game.scenes.planning import PlanningScene
from kam_sandbox.game.team_session import TeamSession
from kam_sandbox.workshop import Session as Workshop
from kam_sandbox.workshop.host import Host
from kam_sandbox.workshop.secrecy import rounded_results


@pytest.fixture
def shared(tmp_path):
    ws = Workshop.create(tmp_path / "ws", "tutorial", teams=3, seed=7, mode="shared",
                          world_secret="shared-play-tests")  # one world every run
    host = Host(ws)
    host.token = ws.meta["facilitator_token"]
    yield host
    ws.close()


def test_a_shared_market_team_plays_to_the_debrief(app, shared):
    link = CountingLink(shared, shared.session.team("t2")["token"])
    session = TeamSession.connect(link, "Wang")
    assert isinstance(session.game, SeatSnapshot)
    app.push(PlanningScene(app, session))
    app.scene.tutorial_step = None
    app.rebuild()
    pump(app)
    for r in range(session.scenario.turns):
        assert app.scene.name == "planning"
        plus(app)
        press(app, pygame.K_RETURN)
        assert app.scene.name == "team_wait"
        shared.act(shared.token, "advance", fill_policy="needs")
        run(app, POLL_WAIT + 0.25)
        assert app.scene.name == "results"
        seat = shared.session.replay_team("t2").game
        assert session.game.kpi_history() == seat.kpi_history()
        # the revenue parts travel rounded while rounds remain (workshop.secrecy)
        assert app.scene.result == (seat.results if seat.over else rounded_results(seat.results))[r]
        press(app, pygame.K_RETURN)
    debrief = app.scene
    assert debrief.name == "debrief" and session.game.over
    for key in range(pygame.K_1, pygame.K_7):
        press(app, key)
        app.render()
    assert session.game.debrief() == seat.debrief()
    assert debrief.tab == "whatif" and debrief.replay_button is None  # needs every team
    assert not debrief.quarter_buttons
