"""The plan panel after a mouse-wheel scroll: every toggle takes one click, even where the
tooltip of the control the pointer rested on lies over it."""

from __future__ import annotations

import pygame
from conftest import click, pump
from test_planning import open_planning

TOGGLES = ("survey", "feedback", "trial")


def wheel(app, pos, notches: int) -> None:
    """The wheel turned down over ``pos``, a notch a frame, as a hand does."""

    pygame.mouse.set_pos(pos)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                         buttons=(0, 0, 0)))
    pump(app)
    for _ in range(notches):
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False,
                                             precise_x=0.0, precise_y=-1.0))
        pump(app)
    pump(app, 30)


def test_toggles_take_one_click_after_a_wheel_scroll(app):
    scene, session = open_planning(app, "retail")
    acc = session.scenario.accounts[scene.selected]
    wheel(app, scene.layout()["alloc"].center, 12)
    screen = app.screen.get_rect()
    for name in TOGGLES:
        button = scene.toggles[(name, None)].button
        assert screen.contains(button.rect), "the wheel scrolled the toggles into view"
        # The tooltip of what the pointer rested on, shown right over this toggle.
        app.ui.create_tool_tip("Co-funded promotion: serves the promotion need.",
                               button.rect.topleft, (0, 0), None, None)
        pump(app)
        click(app, button.rect.center)
        assert session.get(acc.id, name, False) is True, f"{name} needed more than one click"
    click(app, scene.toggles[("survey", None)].button.rect.center)  # and off again, once
    assert session.get(acc.id, "survey", False) is False
