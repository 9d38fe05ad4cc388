"""Input while the game is busy: a held Enter, keys typed during a slow quarter, the busy
indicator."""

from __future__ import annotations

import threading

import pygame
from conftest import press, pump
from test_planning import open_planning

from kam_sandbox.game import app as app_module


def key_down(key: int = pygame.K_RETURN) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="\r", scancode=0)


def test_a_held_enter_over_a_slow_quarter_ends_one_quarter(app):
    scene, session = open_planning(app, "tutorial")
    # A held key: the first press and the repeats that piled up while the quarter ran,
    # with no key-up between them.
    for _ in range(12):
        pygame.event.post(key_down())
    pump(app, 4)
    assert session.game.turn == 1
    assert app.scene.name == "results"  # the results of the one quarter stay on screen
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0,
                                         unicode="", scancode=0))
    pump(app)
    pygame.event.post(key_down())  # a fresh press goes on to the next quarter's plan
    pump(app)
    assert app.scene.name == "planning" and session.game.turn == 1


def test_input_queued_behind_a_screen_change_is_dropped(app):
    scene, session = open_planning(app, "tutorial")
    # Enter, released, and Enter again, all before the results screen was ever drawn.
    pygame.event.post(key_down())
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0,
                                         unicode="", scancode=0))
    pygame.event.post(key_down())
    pump(app, 3)
    assert session.game.turn == 1 and app.scene.name == "results"


def test_slow_work_shows_the_busy_indicator_and_drops_input(app, monkeypatch):
    monkeypatch.setattr(app_module, "BUSY_AFTER", 0.0)
    scene, session = open_planning(app, "tutorial")
    shown = threading.Event()
    seen = []

    def slow() -> str:
        shown.wait(10)  # until the indicator has been drawn at least once
        return "done"

    def on_busy_frame(application) -> None:
        pygame.event.post(key_down(pygame.K_DOWN))  # the player presses on meanwhile
        shown.set()

    app.on_busy_frame.append(on_busy_frame)
    assert app.run_busy(slow) == "done"
    seen.append(app.busy_frames)
    pump(app)
    assert seen[0] >= 1
    assert app.scene.selected == 0  # the key pressed while busy did nothing


def test_esc_on_the_results_saves_and_returns_to_the_title(app, tmp_path):
    from conftest import press

    from kam_sandbox.engine import new_game
    from kam_sandbox.game.saves import SaveStore
    from kam_sandbox.game.session import Session

    app.store = SaveStore(tmp_path)
    session = Session(new_game("tutorial", 3), slot="t", label="t", store=app.store)
    result = session.end_quarter()
    app.push("results", session, result)
    press(app, pygame.K_ESCAPE)
    assert app.scene.name == "title"
    assert app.store.load("t")["turn"] == 1


def test_f2_switches_the_language_on_every_screen_and_a_held_f2_once(app):
    from kam_sandbox.base import i18n

    scene, session = open_planning(app, "tutorial")
    seen = []
    for go_on in (pygame.K_F3, pygame.K_ESCAPE, pygame.K_RETURN):  # glossary, back, results
        press(app, go_on)
        before = i18n.language()
        press(app, pygame.K_F2)
        assert i18n.language() != before, app.scene.name
        seen.append(app.scene.name)
    assert seen == ["glossary", "planning", "results"]
    # Held: the first press and its repeats, no key-up between them: one switch.
    before = i18n.language()
    for _ in range(5):
        pygame.event.post(key_down(pygame.K_F2))
    pump(app)
    assert i18n.language() != before
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_F2, mod=0, unicode="",
                                         scancode=0))
    pump(app)
    i18n.set_language("en")
