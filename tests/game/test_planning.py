"""The planning screen driven like a player: clicks, keys, an over-budget plan, a quarter."""

from __future__ import annotations

import pygame
import pytest
from conftest import click, press, pump

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game.scenes.planning import TUTORIAL, PlanningScene
from kam_sandbox.game.session import Session


def open_planning(app, scenario="distributors", seed=1, tutorial=False):
    session = Session(new_game(scenario, seed), store=None)
    scene = PlanningScene(app, session)
    app.push(scene)
    if not tutorial:
        scene.tutorial_step = None
        app.rebuild()
    pump(app)
    return scene, session


def test_stepper_click_changes_the_draft_and_resources(app):
    scene, session = open_planning(app, "tutorial")
    acc = session.scenario.accounts[0]
    before = session.usage()["support_days"][0]
    click(app, scene.steppers[("support_days", None)].plus.rect.center)
    assert session.get(acc.id, "support_days") == 0.5
    assert session.usage()["support_days"][0] == before + 0.5
    click(app, scene.steppers[("support_days", None)].minus.rect.center)
    assert acc.id not in session.draft["accounts"]


def test_stakeholder_days_and_toggles(app):
    scene, session = open_planning(app, "tutorial")
    acc = session.scenario.accounts[0]
    person = acc.stakeholders[1].id
    click(app, scene.steppers[("am_days", person)].plus.rect.center)
    assert session.get_days(acc.id, "am_days", person) == 0.5
    survey = scene.toggles[("survey", None)]
    click(app, survey.button.rect.center)
    assert session.get(acc.id, "survey") is True
    assert scene.toggles[("survey", None)].on


def test_clicking_a_card_selects_the_account(app):
    scene, session = open_planning(app)
    left = scene.layout()["left"]
    click(app, (left.x + 40, left.y + 66 * 2 + 20))
    assert app.scene.selected == 2
    press(app, pygame.K_DOWN)
    assert app.scene.selected == 3


def test_an_over_budget_plan_is_blocked_with_a_reason(app):
    scene, session = open_planning(app)
    acc = session.scenario.accounts[0]
    session.set(acc.id, "promotion", session.scenario.resources.budget * 2)
    scene.refresh()
    assert not scene.end_button.is_enabled
    assert "Budget" in scene.status.text or "budget" in scene.status.text.lower()
    press(app, pygame.K_RETURN)  # refused: still planning the first quarter
    assert session.game.turn == 0 and app.scene is scene


def test_end_quarter_plays_and_shows_results(app):
    pytest.importorskip("kam_sandbox.game.scenes.results")
    scene, session = open_planning(app, "tutorial")
    acc = session.scenario.accounts[0]
    session.set(acc.id, "survey", True)
    press(app, pygame.K_RETURN)
    assert session.game.turn == 1
    assert app.scene.name == "results"


def test_tutorial_walks_through_every_step(app):
    scene, _ = open_planning(app, "tutorial", tutorial=True)
    assert scene.tutorial_step == 0
    for _ in TUTORIAL:
        click(app, app.scene.tutorial_next.rect.center)
    assert app.scene.tutorial_step is None


def test_language_switch_rebuilds_in_chinese(app):
    scene, _ = open_planning(app)
    press(app, pygame.K_F2)
    assert i18n.language() == "zh"
    assert scene.end_button.text == i18n.tr("plan.end_quarter")
    assert "结束" in scene.end_button.text
    i18n.set_language("en")


def test_draw_never_changes_state(app):
    scene, session = open_planning(app)
    before = (repr(session.draft), session.game.turn, scene.selected, scene.scroll)
    for _ in range(3):
        app.render()
    assert (repr(session.draft), session.game.turn, scene.selected, scene.scroll) == before


def test_every_account_renders_in_both_languages(app):
    scene, session = open_planning(app, "enterprise")
    for lang in ("en", "zh"):
        app.set_language(lang)
        for i in range(len(session.scenario.accounts)):
            app.scene.select(i)
            app.render()
    i18n.set_language("en")
