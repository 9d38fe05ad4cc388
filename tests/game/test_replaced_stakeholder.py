"""A replaced stakeholder on every screen: the buying center, the plan, the results, the
debrief's hidden truth and a what-if branch show the new person, never the one who left."""

from __future__ import annotations

import pytest
import test_console
from conftest import pump
from pygame_gui.elements import UILabel

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game.scenes import debrief, planning, results  # noqa: F401 (drawn patches them)
from kam_sandbox.game.session import Session

drawn = test_console.drawn  # the fixture: every string draw.text draws

PLANS = [
    {"accounts": {"jinggong": {"survey": True, "am_days": {"lu_min": 3, "zhou_zhenhua": 2}}},
     "portfolio": {}},
    {"accounts": {"jinggong": {"am_days": {"lu_min": 3}}}, "portfolio": {}},
    {"accounts": {"jinggong": {"am_days": {"zhou_zhenhua": 2}}}, "portfolio": {}},
]


def after_the_change(quarters: int = 3) -> tuple[Session, dict, tuple[int, int]]:
    session = Session(new_game("tutorial", 1), store=None)
    result = {}
    for plan in PLANS[:quarters]:
        session.draft = plan
        result = session.end_quarter()
    i = [a.id for a in session.scenario.accounts].index("jinggong")
    j = [s.id for s in session.scenario.accounts[i].stakeholders].index("lu_min")
    return session, result, (i, j)


def labels(app) -> str:
    return " ".join(e.text for e in app.ui.get_root_container().elements
                    if isinstance(e, UILabel)) + " ".join(
        getattr(e, "text", "") for e in app.ui.ui_group.sprites())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_planning_shows_the_new_person(app, drawn, lang):
    i18n.set_language(lang)
    session, _, (i, j) = after_the_change()
    new = session.game.view().person(0, i, j)[lang]
    app.push("planning", session)
    app.scene.tutorial_step = None
    app.scene.select(i)
    pump(app)
    drawn.clear()
    app.render()
    old = "Lu Min" if lang == "en" else "陆敏"
    assert any(new in value for value in drawn) and not any(old in v for v in drawn)
    assert i18n.tr("plan.new_person", name=new) in drawn
    assert new in labels(app) and old not in labels(app)  # the plan's days per person
    i18n.set_language("en")


def test_results_name_who_left_and_who_took_over(app):
    session, result, (i, j) = after_the_change()
    new = session.game.view().person(0, i, j)["en"]
    app.push("results", session, result)
    pump(app)
    news = app.scene.news_box.html_text
    assert "Lu Min" in news and new in news


def test_debrief_and_what_if_show_the_new_person(app, drawn):
    session, _, (i, j) = after_the_change()
    new = session.game.view().person(0, i, j)["en"]
    while not session.game.over:
        session.end_quarter()
    app.push("debrief", session)
    scene = app.scene
    scene.select_account(i) if hasattr(scene, "select_account") else setattr(scene, "account", i)
    scene.tab = "truth"
    app.rebuild()
    drawn.clear()
    app.render()
    assert any(new in v for v in drawn) and not any("Lu Min" in v for v in drawn)
    scene.whatif_turn = 4  # replay the last quarter: the successor is in the seat
    branch = scene.replay()
    assert branch.game.view().person(0, i, j)["en"] == new
    app.scene.tutorial_step = None
    app.scene.select(i)
    drawn.clear()
    app.render()
    assert any(new in v for v in drawn)
