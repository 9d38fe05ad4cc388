"""The join address as a QR code (segno), drawn on the console and the projector: a team
scans it with a phone or laptop camera and its browser opens the workshop's page."""

from __future__ import annotations

from functools import lru_cache

import pygame
import segno

QUIET = 2  # modules of white border: the scanner finds the code's edge
DARK = (0, 0, 0)
LIGHT = (255, 255, 255)


@lru_cache(maxsize=8)
def modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's dark (True) and light modules, row by row (medium error correction)."""

    code = segno.make(text, error="m", boost_error=False)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def draw_qr(surface: pygame.Surface, rect: pygame.Rect, text: str) -> pygame.Rect:
    """``text`` as a QR code in the largest whole-pixel square that fits in ``rect``, at its
    top right; returns where it was drawn (empty when ``rect`` is too small to scan)."""

    rows = modules(text)
    count = len(rows) + 2 * QUIET
    scale = min(rect.width, rect.height) // count
    if scale < 2:
        return pygame.Rect(rect.right, rect.y, 0, 0)
    size = count * scale
    box = pygame.Rect(rect.right - size, rect.y, size, size)
    surface.fill(LIGHT, box)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                surface.fill(DARK, (box.x + (x + QUIET) * scale, box.y + (y + QUIET) * scale,
                                    scale, scale))
    return box


def join_url(address: str) -> str:
    """What the code says: the browser client's address for a host address such as
    ``192.168.1.20:8765``."""

    return address if "://" in address else f"http://{address}/"


__all__ = ["draw_qr", "join_url", "modules"]
