"""A quarter's end does only the work it must while the player waits (issue 11 item 23):
the debrief's reference games are played in the background from the last quarter's plan
on, and the debrief uses them instead of playing them again; leaving the plan after the
quarter's end does not write the same save twice. (Speed itself is measured by
benchmarks/ui.py, never asserted.)"""

from __future__ import annotations

from conftest import pump
from test_results_debrief import new_game

from kam_sandbox.game import references
from kam_sandbox.game.saves import SaveStore
from kam_sandbox.game.session import Session


def test_the_reference_games_start_with_the_last_plan_and_the_debrief_reuses_them(
        app, monkeypatch):
    played = []
    real = references.play

    def counting(scenario, seed):
        played.append(seed)
        return real(scenario, seed)

    monkeypatch.setattr(references, "play", counting)
    references._GAMES.clear()
    session = Session(game=new_game("tutorial", 11), slot="t", store=None)
    while session.game.turn < session.scenario.turns - 1:
        app.push("planning", session)
        assert not references._GAMES  # not before the last quarter
        session.end_quarter()
    app.push("planning", session)
    future = references.prefetch(session.scenario, session.game.seed)
    future.result()
    assert played == [11]
    app.scene.end_quarter()
    app.replace("debrief", session)
    pump(app)
    assert played == [11]  # not played again
    scene = app.scene
    assert set(scene.references) == set(references.REFERENCES)
    assert len(scene.reference_history) == session.scenario.turns


def test_the_reference_games_are_the_same_in_the_background(app):
    session = Session(game=new_game("tutorial", 12), slot="t", store=None)
    references._GAMES.clear()
    background = references.prefetch(session.scenario, 12).result()
    assert background == references.play(session.scenario, 12)  # deterministic


def test_leaving_the_plan_after_the_quarter_saves_once(app, tmp_path, monkeypatch):
    store = SaveStore(tmp_path)
    writes = []
    real = store.save
    monkeypatch.setattr(store, "save", lambda slot, record: (writes.append(slot),
                                                             real(slot, record)))
    session = Session(game=new_game("tutorial", 13), slot="s", store=store)
    app.push("planning", session)
    app.scene.tutorial_step = None
    app.rebuild()
    app.scene.end_quarter()  # saves, then leaves the plan for the results
    assert app.scene.name == "results" and len(writes) == 1
    session.set(session.scenario.accounts[0].id, "support_days", 1.0)
    session.autosave()  # a real change is saved
    assert len(writes) == 2
