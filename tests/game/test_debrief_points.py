"""Issue 11 item 10: the debrief explains the grade (points won and lost per scorecard item
and the decisions behind them), and the lesson verdicts agree with the grade."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402
from played import played  # noqa: E402

from kam_sandbox.base import (  # noqa: E402
    explain,  # noqa: E402
    fmt,
    i18n,
)
from kam_sandbox.game.scenes.debrief import DebriefScene  # noqa: E402
from kam_sandbox.game.session import Session  # noqa: E402

GAMES = [(policy, seed) for policy in ("needs", "focus", "uniform") for seed in (1, 2, 3)]


@pytest.mark.parametrize("policy,seed", GAMES)
def test_a_lesson_well_done_earned_its_measures_points(policy, seed):
    game = played("retail", policy, seed)
    items = {it["metric"]: it for it in game.scorecard()["items"]}
    for lesson in explain.lesson_report(game, "en"):
        if lesson["verdict"] != "good":
            continue
        linked = [items[m] for m in explain.LESSON_METRICS[lesson["lesson"]] if m in items]
        weight = sum(it["weight"] for it in linked)
        earned = sum(it["weight"] * it["score"] for it in linked) / weight
        assert earned >= explain.RESULTS_BAR, (lesson["lesson"], earned)


@pytest.mark.parametrize("policy,seed", GAMES)
def test_a_fair_or_weak_grade_never_reads_as_nearly_every_lesson_well_done(policy, seed):
    game = played("retail", policy, seed)
    band = explain.grade_band(game.scorecard()["score"])
    good = sum(r["verdict"] == "good" for r in explain.lesson_report(game, "en"))
    if band in ("fair", "weak"):
        assert good <= 4, (band, good)


def test_a_fair_grade_says_which_results_fell_short_behind_good_decisions():
    # The case (retail needs seed 3: 64 "fair", 8 of 8 "well done") grades against
    # the expert now; focus on seed 7 is a fair grade whose decisions were partly right
    # (focus and price held, but profit fell short: it never surveys, so effort misses needs).
    game = played("retail", "focus", 7)
    assert explain.grade_band(game.scorecard()["score"]) == "fair"
    report = explain.lesson_report(game, "en")
    mixed = [r for r in report if r["verdict"] == "mixed"]
    assert len(mixed) >= 3
    assert any("Profit" in r["evidence"] and "fell short" in r["evidence"] for r in mixed)
    zh = explain.lesson_report(game, "zh")
    assert any("没有达到" in r["evidence"] for r in zh)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_debrief_shows_points_won_and_lost_per_item_and_the_decisions_behind(window,
                                                                                lang):
    window.set_language(lang)
    session = Session(game=played("retail", "needs", 3), store=None)
    scene = DebriefScene(window, session)
    window.push(scene)
    window.render()  # the overview: each item's points drawn beside its gauge
    assert sum(p["won"] for p in scene.points) == pytest.approx(scene.scorecard["score"])
    scene.select_tab("lessons")
    window.render()
    html = scene.lessons_box.html_text.replace("\u00a0", " ")
    assert i18n.tr("why.points_title") in html
    for p in scene.points:
        name = explain.metric_name(p["metric"], lang)
        assert name in html
        assert fmt.number(p["lost"], lang, 1) in html
    retention = i18n.tr("why.behind", lessons="").split("{")[0].strip(" .。：:")
    assert retention in html  # "Behind it" / "背后的决策"
    title = explain.lesson_report(session.game, lang)[7]["title"]  # compounding
    assert title in html


def test_the_decisions_behind_each_item_show_whole_on_hover(window):
    window.set_language("en")
    session = Session(game=played("retail", "needs", 3), store=None)
    scene = DebriefScene(window, session)
    window.push(scene)
    window.render()
    tips = {getattr(e, "tool_tip_text", None) for e in window.ui.ui_group.sprites()}
    for p in scene.points:
        assert scene.behind(p["metric"]) in tips
