"""Headless pygame for every game test: dummy video and audio drivers, set before import."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("KAM_SANDBOX_LANG", "en")

import pygame  # noqa: E402
import pytest  # noqa: E402


def pump(app, frames: int = 2) -> None:
    """Let the app process whatever is queued (pygame_gui posts its own events)."""

    for _ in range(frames):
        app.step(pygame.event.get(), 0.016)


def click(app, pos) -> None:
    """A real left click at ``pos`` on the canvas: move, press, release, as a mouse would
    (in window coordinates, so a UI scale above 1 is exercised too)."""

    scale = getattr(app, "effective_scale", 1.0)
    pos = (round((pos[0] + 0.5) * scale), round((pos[1] + 0.5) * scale))
    for event in (pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
                  pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                  pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)):
        pygame.event.post(event)
        pump(app)


def press(app, key: int) -> None:
    """A key pressed and let go, as a finger does (a KEYDOWN without its KEYUP is a held key,
    whose repeats of Enter, Space and Esc the app drops)."""

    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    pump(app)


@pytest.fixture
def app():
    from kam_sandbox.base import i18n
    from kam_sandbox.game.app import App

    i18n.set_language("en")
    application = App()
    yield application
    application.close()


def _emptied(window) -> None:
    while window.stack:
        window.stack.pop().leave()
    window.set_language("en")
    window.running = True


@pytest.fixture(scope="module")
def module_window():
    """One window for a module: opening one costs more than a test."""

    from kam_sandbox.game.app import App

    application = App()
    yield application
    application.close()


@pytest.fixture
def window(module_window):
    """The module's window, with no screen open and in English before and after each test."""

    _emptied(module_window)
    yield module_window
    _emptied(module_window)
