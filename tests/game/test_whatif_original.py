"""Issue 11 item 11: a what-if starts from the original plan of the replayed quarter, so
one thing can be changed, and its debrief sets it beside the original game (not beside a
built-in strategy), also after the branch is saved and continued."""

from __future__ import annotations

import copy

import pytest
from conftest import click

from kam_sandbox.base import fmt, i18n
from kam_sandbox.engine import Game, load_scenario
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.game.menu import open_saved_game
from kam_sandbox.game.saves import SaveStore
from kam_sandbox.game.scenes.debrief import DebriefScene
from kam_sandbox.game.scenes.planning import PlanningScene
from kam_sandbox.game.session import Session


@pytest.fixture
def app(app, tmp_path):  # the window of tests/game/conftest.py, saving to a folder of its own
    app.store = SaveStore(tmp_path)
    return app


def finished(store) -> Session:
    session = Session(game=Game(load_scenario("tutorial"), 7), slot="t", store=store,
                      label="t")
    game = session.game
    while not game.over:
        actions = decide(POLICIES["needs"], game.view(), game.scenario, game.batch.static)
        session.draft = actions_to_plan(actions, game.batch.static)
        session.end_quarter()
    return session


def branch_at(app, session: Session, turn: int) -> Session:
    scene = DebriefScene(app, session)
    app.push(scene)
    click(app, scene.tab_buttons["whatif"].rect.center)
    click(app, scene.quarter_buttons[turn].rect.center)
    click(app, scene.replay_button.rect.center)
    assert isinstance(app.scene, PlanningScene)
    return app.scene.session


def test_the_replayed_quarter_starts_with_its_original_plan(app):
    original = finished(app.store)
    branch = branch_at(app, original, 3)
    assert branch.draft == original.game.plans[2]  # quarter 3 as played, ready to change
    assert branch.problem() is None
    quarter = fmt.quarter_label(3, original.scenario.start_quarter, "en")
    assert app.scene.notice == i18n.tr("whatif.prefilled", quarter=quarter)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_what_if_debrief_compares_with_the_original_game_side_by_side(app, lang):
    original = finished(app.store)
    branch = branch_at(app, original, 3)
    first = original.scenario.accounts[0]
    branch.set(first.id, "discount", 0.05)  # the one thing changed
    for turn in range(3, original.scenario.turns + 1):  # then as before
        branch.end_quarter()
        if turn < original.scenario.turns:
            branch.draft = copy.deepcopy(original.game.plans[turn])
    assert branch.game.over
    app.set_language(lang)
    # Continue from the save: the branch still knows its original.
    scene = open_saved_game(app, branch.slot)
    assert isinstance(scene, DebriefScene)
    app.reset_to(scene)
    assert scene.original is not None
    assert scene.original.plans == original.game.plans
    assert scene.references == {}  # no built-in strategy played for a what-if
    assert scene.tab_buttons["compare"].text == i18n.tr("whatif.tab")
    scene.select_tab("compare")
    app.render()
    lines = scene.against_original()
    assert lines[0] == i18n.tr(
        "whatif.result", branch=fmt.score(scene.scorecard["score"]),
        original=fmt.score(original.game.scorecard()["score"]),
        delta=fmt.delta_score(scene.scorecard["score"] - original.game.scorecard()["score"]))
    changed = [line for line in lines if i18n.pick(first.name, lang) in line]
    assert len(changed) == 1 and i18n.tr("action.discount") in changed[0]
    assert "5.0%" in changed[0]
    assert i18n.tr("whatif.changed", quarter=fmt.quarter_label(
        3, original.scenario.start_quarter, lang)) in lines
    later = original.scenario.turns - 3  # the later quarters were played as before
    assert lines[-1] == i18n.tr("whatif.later", n=0, total=later)
    scene.select_tab("charts")
    app.render()  # the charts' reference line is the original game
    assert scene.reference_history == original.game.kpi_history()


def test_a_game_that_is_no_what_if_still_compares_with_the_strategies(app):
    session = finished(None)
    scene = DebriefScene(app, session)
    app.push(scene)
    assert scene.original is None and scene.references
    assert scene.tab_buttons["compare"].text == i18n.tr("debrief.tab.compare")
