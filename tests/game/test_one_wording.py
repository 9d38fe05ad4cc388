"""One wording for one thing (issue 11 item 16): a person never met reads the same in the
one-row and the two-row buying center; a stance's colour follows the number shown, real or
read; budget left + spent = budget as shown; the planning screen writes money one way."""

from __future__ import annotations

import re

import pytest
from screen_tour import show, texts

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game import draw
from kam_sandbox.game.palette import stance_colour
from kam_sandbox.game.session import Session


def open_planning(app, lang: str):
    """The retail case's first quarter in ``lang``, the tour out of the way."""

    i18n.set_language(lang)
    session = Session(new_game("retail", 1), store=None)
    app.push("planning", session)
    app.scene.tutorial_step = None
    app.rebuild()
    return app.scene, session


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_never_met_and_stance_unknown_read_the_same_in_both_layouts(app, lang):
    scene, session = open_planning(app, lang)
    sizes = {len(a.stakeholders) for a in session.scenario.accounts}
    assert min(sizes) <= 4 < max(sizes)  # both layouts are met
    for i, acc in enumerate(session.scenario.accounts):
        scene.select(i)
        show(app)
        drawn = " ".join(draw.WHOLE.get(v, v) for v, _ in draw.FRAME.lines)
        drawn += " ".join(w for _, w in draw.FRAME.cut)
        assert i18n.tr("plan.never_met") in drawn, (acc.id, drawn)
        assert i18n.tr("plan.stance_unknown") in drawn
        assert not re.search(r"(?<!never )not met|stance \?|(?<!从)未接触|态度 \?", drawn)
    i18n.set_language("en")


def test_a_stance_colour_follows_the_number_written():
    assert stance_colour(0.2496) == stance_colour(0.25) == stance_colour(0.5)  # "+0.25"
    assert stance_colour(0.2449) == stance_colour(0.0)  # "+0.24"
    assert stance_colour(-0.2496) == stance_colour(-0.5)


def number(money: str) -> float:
    return float(re.sub(r"[^\d.]", "", money))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget_left_and_spent_add_up_and_money_reads_one_way(app, lang):
    scene, session = open_planning(app, lang)
    acc = session.scenario.accounts[0]
    for action, value in (("promotion", 12_500.0), ("event_support", 5_000.0)):
        session.set(acc.id, action, value)
    session.set(acc.id, "survey", True)
    scene.refresh()
    show(app)
    used, budget = session.usage()["budget"]
    left = scene.money(budget - used)
    spent = scene.money(used)
    shown = [v for v, _ in texts(app)]
    assert left in shown and any(spent in v for v in shown)
    assert number(left) + number(spent) == pytest.approx(number(scene.money(budget)))
    unabbreviated = [v for v in shown if re.search(r"¥\d{1,3},\d{3}(?![\d.])", v)]
    assert not unabbreviated  # not "¥8,000" beside "¥90.0k"
    i18n.set_language("en")


def amount(money: str) -> float:
    """What a written sum stands for: "¥0.38万" 3800, "¥39.3k" 39300, "¥750" 750."""

    unit = {"万": 1e4, "k": 1e3, "M": 1e6}.get(money[-1], 1.0)
    return number(money) * unit


@pytest.mark.parametrize("survey", [True, False])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget_left_and_spent_add_up_with_half_days(app, lang, survey):
    """Half a support day costs ¥750 in the tutorial, so the sum spent is not round (with a
    ¥1,500 survey: ¥2,250): "left" and "spent" as written must still add up to the budget
    as written."""

    i18n.set_language(lang)
    session = Session(new_game("tutorial", 1), store=None)
    app.push("planning", session)
    scene = app.scene
    scene.tutorial_step = None
    acc = session.scenario.accounts[0]
    session.set(acc.id, "survey", survey)  # ¥2,250 or ¥750 in all
    session.set(acc.id, "support_days", 0.5)
    scene.refresh()
    show(app)
    used, budget = session.usage()["budget"]
    assert used % 100  # not a round sum
    shown = [v for v, _ in texts(app)]
    left = scene.money(scene.budget_left(used, budget))
    assert left in shown  # the top bar
    spent = i18n.tr("plan.ready", spend=scene.money(used))
    assert any(spent in v for v in shown)  # the status line
    assert amount(left) + amount(scene.money(used)) == pytest.approx(amount(scene.money(budget)))
    i18n.set_language("en")
