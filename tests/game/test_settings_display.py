"""Settings and the screen (issue 11 item 20): a window larger than the screen is not
offered (nor opened from a setting saved on a larger screen); a UI scale either visibly
changes the canvas at this window size or is disabled with the reason; full screen takes
the screen's own resolution, so a click lands on what is drawn under the pointer."""

from __future__ import annotations

import pygame
import pytest
from conftest import click, pump
from pygame_gui.elements import UIButton, UILabel

from kam_sandbox.base.i18n import tr
from kam_sandbox.game import app as app_module
from kam_sandbox.game.app import App, fitting_size
from kam_sandbox.game.scenes import settings as settings_scene
from kam_sandbox.game.settings import UI_SCALES, WINDOW_SIZES, offered_sizes


def buttons(app) -> dict[str, UIButton]:
    return {b.text: b for b in app.ui.get_sprite_group().sprites() if isinstance(b, UIButton)}


def labels(app) -> list[str]:
    return [s.text for s in app.ui.get_sprite_group().sprites() if isinstance(s, UILabel)]


def test_only_windows_that_fit_the_screen_are_offered():
    assert offered_sizes((1366, 768)) == [(1280, 720)]
    assert offered_sizes((1920, 1080)) == list(WINDOW_SIZES)
    assert offered_sizes((1680, 1050)) == [(1280, 720), (1600, 900)]
    assert offered_sizes((1024, 600)) == [(1280, 720)]  # never nothing
    assert offered_sizes(None) == list(WINDOW_SIZES)


def test_the_settings_screen_offers_no_window_larger_than_the_screen(app, monkeypatch):
    monkeypatch.setattr(settings_scene, "desktop_size", lambda: (1366, 768))
    app.push("settings")
    pump(app)
    shown = buttons(app)
    assert tr("settings.size", w=1280, h=720) in shown
    assert tr("settings.size", w=1600, h=900) not in shown
    assert tr("settings.size", w=1920, h=1080) not in shown


def test_a_size_saved_on_a_larger_screen_opens_at_one_that_fits(monkeypatch):
    monkeypatch.setattr(app_module, "desktop_size", lambda: (1366, 768))
    assert fitting_size((1920, 1080)) == (1280, 720)
    assert fitting_size((1280, 720)) == (1280, 720)


@pytest.mark.parametrize("size", WINDOW_SIZES)
def test_every_offered_scale_changes_the_canvas_or_says_why_not(app, size):
    app.set_window(size, False)
    app.push("settings")
    pump(app)
    canvases = {}
    for scale in UI_SCALES:
        button = buttons(app)[tr("settings.scale", percent=round(scale * 100))]
        if not button.is_enabled:
            assert tr("settings.scale_too_big", w=size[0], h=size[1],
                      percent=round(scale * 100)) == button.tool_tip_text
            continue
        click(app, button.rect.center)
        assert app.settings.ui_scale == scale
        canvases[scale] = app.screen.get_size()
    assert len(set(canvases.values())) == len(canvases)  # each enabled scale shows differently
    assert 1.0 in canvases
    if len(canvases) < len(UI_SCALES):  # a disabled button shows no tooltip: the note says why
        click(app, buttons(app)[tr("settings.scale", percent=100)].rect.center)
        note = tr("settings.scale_window", w=size[0], h=size[1],
                  percent=round(max(canvases) * 100))
        assert any(line and note.startswith(line.rstrip("…")) for line in labels(app))


def test_a_chosen_scale_a_smaller_window_cannot_show_is_explained(app):
    app.set_window((1920, 1080), False)
    app.push("settings")
    pump(app)
    click(app, buttons(app)[tr("settings.scale", percent=150)].rect.center)
    app.set_window((1600, 900), False)
    pump(app)
    note = tr("settings.scale_limited", chosen=150, shown=125, w=1600, h=900)
    assert any(note.startswith(line.rstrip("…")) for line in labels(app) if line)


def test_full_screen_takes_the_screen_size_and_clicks_land_where_drawn(monkeypatch):
    monkeypatch.setattr(app_module, "desktop_size", lambda: (1366, 768))
    asked = []
    set_mode = pygame.display.set_mode

    def record(size, flags=0):
        asked.append((tuple(size), flags))
        return set_mode(size, flags)

    monkeypatch.setattr(pygame.display, "set_mode", record)
    app = App((1280, 720), fullscreen=True)
    try:
        assert asked[-1] == ((1366, 768), pygame.FULLSCREEN)  # the screen's own size
        assert app.window.get_size() == app.screen.get_size()  # no stretched picture
        app.push("title")
        pump(app)
        settings = buttons(app)[tr("menu.settings")]
        click(app, settings.rect.center)
        assert app.scene.name == "settings"
    finally:
        app.close()
