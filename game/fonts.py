"""Fonts for what the game draws itself (charts, maps): the same Noto Sans SC that the
pygame_gui theme uses, so Chinese never renders as boxes."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pygame

REGULAR = "NotoSansSC-Regular.otf"
BOLD = "NotoSansSC-Bold.otf"


def font_path(bold: bool = False) -> str:
    return str(resources.files("pygame_gui.data").joinpath(BOLD if bold else REGULAR))


@cache
def font(size: int, bold: bool = False) -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(font_path(bold), size)
