"""The first frame: a window with the game's name, shown before the engine and the widget
toolkit load (about half a second), so the player sees the game start at once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pygame

from .palette import ACCENT, BACKGROUND, INK


def window_settings(folder: Path) -> tuple[tuple[int, int], bool]:
    """Window size and full-screen flag from settings.json, or the defaults."""

    try:
        data = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
        size = (int(data.get("width", 1280)), int(data.get("height", 720)))
        if min(size) < 200:
            raise ValueError(size)
        return size, bool(data.get("fullscreen", False))
    except (OSError, ValueError, TypeError, AttributeError):
        return (1280, 720), False


#: SDL's video drivers that draw nowhere: SDL falls back on one when there is no display,
#: and the game would run on unseen. Only asked for by name (tests, the demo) are they used.
HEADLESS_DRIVERS = ("offscreen", "dummy")


class NoDisplay(RuntimeError):
    """There is no screen to open the game window on."""


def show(size: tuple[int, int], fullscreen: bool) -> None:
    """Open the window with the first frame; NoDisplay when there is no screen."""

    try:
        pygame.display.init()
    except pygame.error as exc:  # e.g. SDL_VIDEODRIVER=x11 and no X server
        raise NoDisplay(str(exc)) from exc
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
        pygame.display.quit()
        raise NoDisplay(f"SDL fell back on its {driver!r} video driver")
    pygame.font.init()
    pygame.display.set_caption("KAM Sandbox · 大客户管理沙盘")
    screen = pygame.display.set_mode(size, pygame.FULLSCREEN if fullscreen else 0)
    screen.fill(BACKGROUND)
    pygame.draw.rect(screen, ACCENT, (0, 0, size[0], 4))
    title = pygame.font.Font(None, 64).render("KAM Sandbox", True, INK)
    screen.blit(title, title.get_rect(center=(size[0] // 2, size[1] // 2 - 20)))
    dots = pygame.font.Font(None, 28).render("· · ·", True, ACCENT)
    screen.blit(dots, dots.get_rect(center=(size[0] // 2, size[1] // 2 + 30)))
    pygame.display.flip()
