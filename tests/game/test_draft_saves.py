"""The quarter's draft is kept as the player edits: a kill -9 mid-edit loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import pump
from test_planning import open_planning

from kam_sandbox.engine import new_game
from kam_sandbox.game.menu import open_saved_game
from kam_sandbox.game.saves import SaveStore
from kam_sandbox.game.session import DRAFT_SAVE_DELAY, Session

# A player in a real (headless) game process: clicks a plan together on the first quarter
# of the tutorial, lets the game run a moment, then prints the plan and waits to be killed.
PLAYER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    import pygame
    from kam_sandbox.base import i18n
    i18n.set_language("en")
    from kam_sandbox.engine import new_game
    from kam_sandbox.game.app import App
    from kam_sandbox.game.saves import SaveStore
    from kam_sandbox.game.session import Session

    def click(app, pos):
        for event in (pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                         buttons=(0, 0, 0)),
                      pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)):
            pygame.event.post(event)
            for _ in range(2):
                app.step(pygame.event.get(), 0.016)

    app = App()
    app.store = SaveStore(Path(sys.argv[1]))
    session = Session(new_game("tutorial", 5), slot="tutorial-5", label="Tutorial",
                      store=app.store)
    app.push("planning", session)
    scene = app.scene
    scene.tutorial_step = None
    app.rebuild()
    acc = session.scenario.accounts[0]
    click(app, scene.steppers[("support_days", None)].plus.rect.center)
    click(app, scene.steppers[("support_days", None)].plus.rect.center)
    click(app, scene.steppers[("am_days", acc.stakeholders[0].id)].plus.rect.center)
    click(app, scene.toggles[("survey", None)].button.rect.center)
    scene.select(1)
    click(app, app.scene.toggles[("survey", None)].button.rect.center)
    for _ in range(60):  # two seconds of frames at 30 per second, no further input
        app.step([], 1 / 30)
    print(json.dumps(session.draft), flush=True)
    time.sleep(600)
""")


def test_kill_9_mid_edit_then_continue_restores_the_draft(tmp_path, app):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen([sys.executable, "-c", PLAYER, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
    finally:
        proc.kill()  # SIGKILL: no leave(), no quit-time save
        proc.wait(30)
    draft = json.loads(line)
    assert len(draft["accounts"]) == 2  # the edit really happened
    app.store = SaveStore(tmp_path)
    scene = open_saved_game(app, app.store.latest().name)
    assert scene.session.game.turn == 0
    assert scene.session.draft == draft


def test_the_draft_is_saved_once_edits_pause(tmp_path, app):
    store = SaveStore(tmp_path)
    scene, session = open_planning(app, "tutorial")
    session.store, session.slot = store, "t"
    acc = session.scenario.accounts[0]
    session.set(acc.id, "survey", True)
    session.keep_draft(DRAFT_SAVE_DELAY / 2)
    assert store.slots() == []  # still editing: not yet
    session.set(acc.id, "support_days", 1.0)
    session.keep_draft(DRAFT_SAVE_DELAY * 0.75)  # the pause restarts at each edit
    assert store.slots() == []
    session.keep_draft(DRAFT_SAVE_DELAY * 0.3)
    assert store.load("t")["draft"] == session.draft
    pump(app)


def test_a_draft_that_no_longer_fits_is_dropped_not_fatal(tmp_path, app):
    store = SaveStore(tmp_path)
    session = Session(new_game("tutorial", 5), slot="t", label="t", store=store)
    session.set(session.scenario.accounts[0].id, "survey", True)
    session.autosave()
    record = store.load("t")
    record["draft"] = {"accounts": {"no_such_account": {"survey": True}}, "portfolio": {}}
    store.save("t", record)
    app.store = store
    scene = open_saved_game(app, "t")
    assert scene.session.draft == {"accounts": {}, "portfolio": {}}


@pytest.mark.parametrize("turns", [1, 2])
def test_a_played_quarter_keeps_the_next_draft(tmp_path, app, turns):
    store = SaveStore(tmp_path)
    session = Session(new_game("tutorial", 5), slot="t", label="t", store=store)
    acc = session.scenario.accounts[0]
    session.set(acc.id, "support_days", 2.0)
    for _ in range(turns):
        session.end_quarter()
    app.store = store
    scene = open_saved_game(app, "t")
    assert scene.session.draft == session.draft
    assert scene.session.get(acc.id, "support_days") == 2.0
