"""Every need in the needs card says which actions serve it, and a click marks them in
the plan."""

from __future__ import annotations

from conftest import click, pump

from kam_sandbox.base.i18n import tr
from kam_sandbox.engine import new_game
from kam_sandbox.engine.levers import NEED_ACTIONS
from kam_sandbox.game.session import Session
from kam_sandbox.game.widgets import LEVER_MARK


def surveyed_planning(app):
    session = Session(new_game("tutorial", 3), store=None)
    acc = session.scenario.accounts[0]
    session.set(acc.id, "survey", True)
    session.end_quarter()
    session.clear_draft()
    app.push("planning", session)
    app.scene.tutorial_step = None
    app.rebuild()
    pump(app)
    return app.scene, session


def test_each_need_bar_names_its_levers(app):
    scene, session = surveyed_planning(app)
    tips = {need: button.tool_tip_text for button, need in scene.need_buttons.items()}
    assert set(tips) == set(NEED_ACTIONS)
    for need, tip in tips.items():
        levers = [a for a in NEED_ACTIONS[need] if a in session.scenario.actions]
        for action in levers:
            assert tr(f"action.{action}") in tip, (need, action)
        if not levers:
            assert tip == tr("plan.need_no_lever", need=tr(f"need.{need}"))
    assert tr("action.support_days") in tips["support"]


def test_clicking_a_need_marks_the_actions_that_serve_it(app):
    scene, session = surveyed_planning(app)
    button = next(b for b, need in scene.need_buttons.items() if need == "support")
    click(app, button.rect.center)
    scene = app.scene
    assert scene.need_focus == "support"
    assert scene.steppers[("support_days", None)].label.text.startswith(LEVER_MARK)
    assert not scene.steppers[("training_days", None)].label.text.startswith(LEVER_MARK)
    button = next(b for b, need in scene.need_buttons.items() if need == "relationship")
    click(app, button.rect.center)
    marked = [key for key, step in scene.steppers.items()
              if step.label.text.startswith(LEVER_MARK)]
    assert marked and {action for action, _ in marked} <= {"am_days", "exec_days"}
    for (action, _where), toggle in scene.toggles.items():
        assert (LEVER_MARK in toggle.button.text) == (action in NEED_ACTIONS["relationship"])
    click(app, next(b for b, n in scene.need_buttons.items() if n == "relationship").rect.center)
    assert scene.need_focus is None
