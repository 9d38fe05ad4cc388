"""Tooltips and the guided tour keep out of the way (issue 11 item 21): a button's tooltip
never covers another button (the debrief's "press 2" tip sat on the next tab), and the
tour's highlight frame never cuts through a line of text."""

from __future__ import annotations

import pygame
import pytest
from conftest import pump
from pygame_gui.elements import UIButton
from screen_tour import show, texts
from test_results_debrief import new_game, play

from kam_sandbox.base import i18n
from kam_sandbox.game.scenes.planning import TUTORIAL
from kam_sandbox.game.session import Session


def tip_for(app, button: UIButton):
    """The tooltip ``button`` makes when the pointer rests on it (as pygame_gui makes it)."""

    return app.ui.create_tool_tip(text=button.tool_tip_text,
                                  position=(button.rect.centerx, button.rect.centery),
                                  hover_distance=(0, button.rect.height // 2),
                                  parent_element=button, object_id=None)


def others(app, button) -> list[pygame.Rect]:
    return [b.rect for b in app.ui.get_sprite_group().sprites()
            if isinstance(b, UIButton) and b is not button and b.text.strip()
            and not any("scroll_bar" in i for i in b.element_ids)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_tooltip_covers_another_button(app, lang):
    i18n.set_language(lang)
    session = Session(game=new_game("tutorial", 7), slot="t", store=None)
    play(session)
    app.push("debrief", session)
    pump(app)
    checked = 0
    for scene_buttons in (list(app.scene.tab_buttons.values()),):
        for button in scene_buttons:
            tip = tip_for(app, button)
            covered = [r for r in others(app, button) if tip.rect.colliderect(r)]
            assert not covered, (button.text, tip.rect, covered)
            tip.kill()
            checked += 1
    app.push("planning", Session(game=new_game("tutorial", 7), slot="u", store=None))
    app.scene.tutorial_step = None
    app.rebuild()
    for button in (app.scene.end_button, app.scene.menu_button, app.scene.help_button):
        tip = tip_for(app, button)
        assert not [r for r in others(app, button) if tip.rect.colliderect(r)], button.text
        tip.kill()
        checked += 1
    assert checked >= 9
    i18n.set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tour_highlight_cuts_through_no_text(app, lang):
    i18n.set_language(lang)
    session = Session(game=new_game("tutorial", 7), slot="t", store=None)
    app.push("planning", session)
    scene = app.scene
    for step in range(len(TUTORIAL)):
        scene.tutorial_step = step
        app.rebuild()
        show(app)
        frame = scene.tour_frame(scene.layout())
        inner = frame.inflate(-6, -6)
        for value, rect in texts(app):
            if rect.colliderect(frame) and not inner.contains(rect):
                crossing = rect.clip(frame)
                assert inner.colliderect(rect) is False and not crossing.width * crossing.height, \
                    (TUTORIAL[step], value, rect, frame)
    i18n.set_language("en")
