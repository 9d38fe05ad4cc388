"""Text shortened to fit always shows whole on hover (issue 11 item 14), on every screen in
both languages: lines the game draws (account sub-lines, people's titles and roles, stories)
and labels and buttons; the peak-season warning fits, and the season's supply has its
gauge in the top bar (item 15)."""

from __future__ import annotations

import pygame
import pytest
from screen_tour import show, tour, tour_app

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game import app as app_module
from kam_sandbox.game import draw
from kam_sandbox.game.session import Session


def shortened(app) -> list[tuple[str, pygame.Rect]]:
    """Every shortened text on the canvas: (what it shows, where)."""

    out = [(whole, rect) for rect, whole in draw.FRAME.cut]
    for sprite in app.ui.get_sprite_group().sprites():
        shown = getattr(sprite, "text", None)
        if (isinstance(shown, str) and shown.endswith("…") and sprite.visible
                and sprite.rect.width > 0 and not getattr(sprite, "tool_tip_text", None)):
            visible = sprite.rect.clip(sprite.ui_container.get_container().get_rect())
            if visible.width and visible.height:
                out.append((shown, visible))
    return out


def without_whole_text(app, states) -> tuple[int, list[tuple[str, str]]]:
    """Over each state of a tour: how many shortened texts there were, and (state, text)
    of those that do not show whole on hover."""

    seen, missing = 0, []
    for state in states:
        for shown, rect in shortened(app):
            whole = app.whole_text_at(rect.center)
            seen += 1
            if whole is None or whole.endswith("…") and not shown.endswith("…"):
                missing.append((state, shown))
    return seen, missing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_shortened_text_shows_whole_on_hover(tmp_path, monkeypatch, lang):
    with tour_app(tmp_path, monkeypatch, lang) as app:
        seen, missing = without_whole_text(app, tour(app, app.store))
    assert seen > 20  # the check ran on real shortened text
    assert not missing, missing[:10]


def test_account_sub_lines_titles_roles_and_stories_show_whole(app):
    session = Session(new_game("retail", 1), store=None)
    app.push("planning", session)
    app.scene.tutorial_step = None
    wholes = set()
    for i in range(len(session.scenario.accounts)):
        app.scene.select(i)
        show(app)
        wholes |= {whole for _, whole in draw.FRAME.cut}
    accounts = session.scenario.accounts
    assert any(i18n.pick(a.history) in wholes for a in accounts)  # stories
    assert any(w.startswith(i18n.pick(a.industry) + " · ") for a in accounts for w in wholes)
    titles = {i18n.pick(sh.title) for a in accounts for sh in a.stakeholders}
    assert titles & wholes  # people's titles


def test_the_whole_text_is_drawn_where_the_pointer_rests(app, monkeypatch):
    session = Session(new_game("retail", 1), store=None)
    app.push("planning", session)
    app.scene.tutorial_step = None
    show(app)
    rect, whole = draw.FRAME.cut[0]
    monkeypatch.setattr(pygame.mouse, "get_pos", lambda: rect.center)
    monkeypatch.setattr(pygame.mouse, "get_focused", lambda: True)
    app._moved_at = 0.0  # rested long ago
    app.render()
    drawn = [v for v, _ in draw.FRAME.lines]
    words = draw.wrap(whole, app_module.TOOLTIP_WIDTH - 20, draw.drawn_width(13))
    assert words[0] in drawn


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_peak_season_warning_fits_and_supply_has_its_gauge(app, lang):
    i18n.set_language(lang)
    session = Session(new_game("retail", 8), store=None)
    while not session.game.view().peak:
        session.game.play({"accounts": {}, "portfolio": {}})
    app.push("planning", session)
    scene = app.scene
    scene.tutorial_step = None
    acc = session.scenario.accounts[0]
    session.set(acc.id, "supply", 0.35)
    scene.refresh()
    show(app)
    status = scene._status_line()
    assert i18n.tr("plan.peak_season") in status
    assert not [w for _, w in draw.FRAME.cut if w == status]  # drawn whole
    meters = {name: (used, available, rect) for name, used, available, rect in scene.meters()}
    assert meters["supply"][:2] == (pytest.approx(0.35), 1.0)
    drawn = [v for v, _ in draw.FRAME.lines]
    assert i18n.tr("resource.supply") in drawn and "65%" in drawn  # left of the season
    top = scene.layout()["top"]
    assert all(rect.right <= scene.help_button.rect.x for *_, rect in meters.values())
    assert top.contains(meters["supply"][2])
    i18n.set_language("en")
