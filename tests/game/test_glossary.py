"""Issue 11 item 12: a glossary in both languages, reachable from "?" and from the figures'
tooltips; CLV's tooltip shows RFM today, credit's its grade; support and training say what
a day costs; the discount shows what it gives away."""

from __future__ import annotations

import pygame
import pytest
from conftest import click, press, pump
from played import played
from test_planning import open_planning

from kam_sandbox.base import fmt, i18n
from kam_sandbox.game import glossary
from kam_sandbox.game.scenes.debrief import DebriefScene
from kam_sandbox.game.scenes.results import ResultsScene
from kam_sandbox.game.session import Session

ISSUE_TERMS = ("rfm", "clv", "nps", "stage", "share_of_wallet", "dso", "tier", "credit_grade")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_term_is_explained_in_both_languages(lang):
    assert set(ISSUE_TERMS) <= set(glossary.TERMS)
    for term in glossary.TERMS:
        name, text = glossary.name(term, lang), glossary.text(term, lang)
        assert name and not name.startswith("glossary.")
        assert len(text) > 3 * len(name) and not text.startswith("glossary.")
    assert glossary.text("clv", "zh") != glossary.text("clv", "en")


def test_the_tour_opens_the_glossary_and_esc_comes_back(app):
    scene, session = open_planning(app, "tutorial")
    click(app, scene.help_button.rect.center)  # "?": the guided tour
    assert scene.tutorial_box is not None
    button = scene.tutorial_glossary
    click(app, (scene.tutorial_rect.x + button.relative_rect.centerx,
                scene.tutorial_rect.y + button.relative_rect.centery))
    assert app.scene.name == "glossary"
    press(app, pygame.K_ESCAPE)
    assert app.scene is scene and app.scene.session is session


def test_clv_and_credit_tooltips_show_the_accounts_figures_and_open_their_terms(app):
    scene, session = open_planning(app, "retail")
    view, i = scene.view, scene.selected
    tips = {term: button.tool_tip_text for button, term in scene.term_hotspots.items()}
    r, f, m = (int(x) for x in view.rfm[0, i])
    assert fmt.money(float(view.clv[0, i]), "en", session.scenario.currency) in tips["clv"]
    assert f"recency {r}, frequency {f}, monetary {m}" in tips["clv"]
    grade = "ABCD"[int(view.credit_grade[i])]
    assert f"Credit grade {grade}" in tips["credit_grade"]
    assert i18n.tr("glossary.click") in tips["clv"]
    clv = next(b for b, term in scene.term_hotspots.items() if term == "clv")
    click(app, clv.rect.center)
    assert app.scene.name == "glossary" and app.scene.term == "clv"
    assert "RFM" in app.scene.text_box.html_text
    click(app, app.scene.back_button.rect.center)
    credit = next(b for b, term in scene.term_hotspots.items() if term == "credit_grade")
    click(app, credit.rect.center)
    assert app.scene.term == "credit_grade"


def test_support_and_training_say_what_a_day_costs_and_the_discount_what_it_gives(app):
    scene, session = open_planning(app, "tutorial")
    sc = session.scenario
    for action, cost in (("support_days", sc.costs.support_day),
                         ("training_days", sc.costs.training_day)):
        tip = scene.steppers[(action, None)].plus.tool_tip_text
        assert fmt.money(cost, "en", sc.currency, short_from=fmt.SHORT_FROM) in tip
        assert "a day" in tip
    assert scene.discount_note.text == i18n.tr("glossary.tip.discount_none")
    click(app, scene.steppers[("discount", None)].plus.rect.center)
    click(app, scene.steppers[("discount", None)].plus.rect.center)
    acc = session.scenario.accounts[scene.selected]
    assert session.get(acc.id, "discount") == pytest.approx(0.02)
    revenue = float(scene.view.revenue[0, scene.selected, -1])
    assert fmt.money(0.02 * revenue, "en", sc.currency,
                     short_from=fmt.SHORT_FROM) in scene.discount_note.text


def test_results_and_debrief_open_the_glossary(app):
    session = Session(game=played("tutorial", "needs", 7), store=None)
    results = ResultsScene(app, session, session.game.results[-1])
    app.push(results)
    pump(app)
    click(app, results.glossary_button.rect.center)
    assert app.scene.name == "glossary"
    press(app, pygame.K_ESCAPE)
    assert app.scene is results
    debrief = DebriefScene(app, session)
    app.push(debrief)
    press(app, pygame.K_F3)
    assert app.scene.name == "glossary"
    press(app, pygame.K_DOWN)
    assert app.scene.term == glossary.TERMS[1]
    click(app, app.scene.back_button.rect.center)
    assert app.scene is debrief


def test_the_glossary_reads_in_chinese(app):
    app.set_language("zh")
    app.push("glossary", term="dso")
    pump(app)
    assert "应收账款" in app.scene.text_box.html_text
    assert app.scene.term_buttons["dso"].text.startswith("DSO")
    app.set_language("en")
