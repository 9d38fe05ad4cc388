"""Text on the screen, measured, fitted, wrapped and drawn: the one set of rules every screen
uses, whether pygame_gui draws the text (labels, buttons) or the game draws it itself.

Two fonts are measured, both Noto Sans SC: ``label_width(object_id)`` measures text as a
pygame_gui label or button of that theme id sets it; ``drawn_width(size, bold)`` as ``text``
below draws it. ``fit`` (one line, shortened with an ellipsis) and ``wrap`` (lines broken
the way the language breaks) take either measure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pygame

from .fonts import font, font_path
from .palette import INK, LINE, WHITE

Measure = Callable[[str], int]  # text -> width in pixels

# Text sizes of the theme's object ids (assets/theme.json), for fitting text to a widget,
# and the height a label needs for one line of each.
SIZES = {"#title": (34, True), "#subtitle": (18, False), "#heading": (17, True),
         "#kpi": (18, True), "#muted": (13, False), "#small": (12, False),
         "#primary": (15, True), None: (14, False), "#danger": (14, False),
         "#kpi_small": (14, True), "#lever": (14, True)}
LINE_HEIGHT = {"#title": 50, "#subtitle": 27, "#heading": 25, "#kpi": 27, "#muted": 19,
               "#small": 18, "#primary": 22, None: 21, "#danger": 21}
# Buttons and labels without a font in the theme use pygame_gui's per-language default font,
# which has no Chinese glyphs in English; text that may be Chinese whatever the interface
# language (a language's own name, a save's label) takes a theme id that names Noto Sans SC.
CJK_BUTTON = "#heading"


# -- measuring ----------------------------------------------------------------------------------
@cache
def _label_font(size: int, bold: bool) -> pygame.font.Font:
    """Noto Sans SC as pygame_gui sets it up (shaped as Latin script), so widths agree with
    what its labels measure to the pixel, mixed Chinese and Latin included."""

    if not pygame.font.get_init():
        pygame.font.init()
    measure = pygame.font.Font(font_path(bold), size)
    measure.set_script("Latn")
    return measure


@cache
def label_width(object_id: str | None = None) -> Measure:
    """Widths as a pygame_gui label or button with theme id ``object_id`` sets its text."""

    size, bold = SIZES.get(object_id, SIZES[None])
    return lambda value: _label_font(size, bold).size(value)[0]


@cache
def drawn_width(size: int = 14, bold: bool = False) -> Measure:
    """Widths as the game's own drawing font (``text``) renders them."""

    return lambda value: font(size, bold).size(value)[0]


# -- fitting and wrapping -----------------------------------------------------------------------
#: The most characters of one string a screen shows; the rest is cut with an ellipsis. A
#: scenario's text can be of any length, and laying out half a million characters hung a
#: screen for minutes; no text the game shows needs more.
MAX_TEXT = 2000


def bounded(value: str, limit: int = MAX_TEXT) -> str:
    """``value`` cut to at most ``limit`` characters (with an ellipsis when cut)."""

    return value if len(value) <= limit else value[: limit - 1] + "…"


#: What each shortened text stood for (shown -> whole), so a label or button showing a
#: shortened text can show it whole on hover; the app empties it when a screen is rebuilt.
WHOLE: dict[str, str] = {}


def fit(value: str, width: int, measure: Measure) -> str:
    """``value`` shortened with an ellipsis so that it fits ``width`` pixels (the longest
    prefix that fits, found by halving: a few measures, whatever the length)."""

    shown = _fit(bounded(value), width, measure)
    if shown != value and len(WHOLE) < 5000:
        WHOLE[shown] = value
    return shown


def _fit(value: str, width: int, measure: Measure) -> str:
    if measure(value) <= width:
        return value
    fits, too_long = 0, len(value)
    while too_long - fits > 1:
        mid = (fits + too_long) // 2
        if measure(value[:mid] + "…") <= width:
            fits = mid
        else:
            too_long = mid
    return value[:fits].rstrip() + "…"


#: Marks a line never starts with, and marks a line never ends with (the kinsoku rules of
#: Chinese and Japanese typesetting, with their ASCII cousins).
CLOSING = frozenset("，。、；：？！）》」』】〉〕”’…—·%‰,.;:?!)]}")
OPENING = frozenset("（《「『【〈〔“‘([{")
#: Terms a line never splits, spaces included ("A 类客户" is one idea).
KEEP_TOGETHER = re.compile(r"[A-D] ?类客户")


def _cjk(ch: str) -> bool:
    return ord(ch) > 0x2E80  # CJK and full-width punctuation


def tokens(value: str) -> list[str]:
    """The pieces a line may break between: words with their trailing space in English, and
    in Chinese every character, except where the kinsoku rules forbid a break (before a
    closing mark, after an opening one), after a number or letter followed by its measure
    word ("12 个", "A 类"), and inside a ``KEEP_TOGETHER`` term."""

    kept = set()
    for match in KEEP_TOGETHER.finditer(value):
        kept.update(range(match.start() + 1, match.end()))
    out: list[str] = []
    start = 0
    for i in range(1, len(value)):
        prev, ch = value[i - 1], value[i]
        may = (prev == " " and ch != " ") or (_cjk(prev) or _cjk(ch)) and ch != " "
        if not may or i in kept or ch in CLOSING or prev in OPENING:
            continue
        before = value[i - 2] if prev == " " and i >= 2 else prev
        if _cjk(ch) and before.isascii() and before.isalnum():
            continue  # "12 个", "A 类": a count stays with its measure word
        out.append(value[start:i])
        start = i
    if value:
        out.append(value[start:])
    return out


def wrap(value: str, width: int, measure: Measure, max_lines: int | None = None) -> list[str]:
    """Lines of ``value`` that fit ``width``; past ``max_lines`` the last line gets an
    ellipsis. The one wrapping rule of the game, whatever measures the text."""

    lines: list[str] = []
    for para in bounded(value).split("\n"):
        line = ""
        for token in tokens(para):
            trial = line + token
            if not line or measure(trial.rstrip()) <= width:
                line = trial
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit(lines[-1] + " …", width, measure)
    return [fit(line, width, measure) for line in lines]


# -- drawing ------------------------------------------------------------------------------------
class Frame:
    """What the game drew itself in the frame being painted: every line's ink box (the
    overlap checks read them) and the lines cut to fit with their whole text (hovering one
    shows it; ``App`` clears this before each frame)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, pygame.Rect]] = []
        self.cut: list[tuple[pygame.Rect, str]] = []

    def clear(self) -> None:
        self.lines.clear()
        self.cut.clear()

    def cover(self, rect: pygame.Rect) -> None:
        """Something opaque was painted over ``rect`` (a card, a dialog): the lines drawn
        there before are gone from the picture, so they overlap nothing and hovering there
        shows none of them whole."""

        self.lines[:] = [(v, left) for v, r in self.lines
                         if (left := _uncovered(r, rect)) is not None]
        self.cut[:] = [(left, w) for r, w in self.cut if (left := _uncovered(r, rect)) is not None]


FRAME = Frame()


def _uncovered(line: pygame.Rect, cover: pygame.Rect) -> pygame.Rect | None:
    """What of ``line`` stays in sight with ``cover`` painted over it: the line, the part
    beside a cover that takes one end of it, or None when it is (mostly) hidden."""

    both = line.clip(cover)
    if not both.width or not both.height:
        return line
    if both == line:
        return None
    if both.height == line.height and both.x == line.x:  # its start is hidden
        return pygame.Rect(both.right, line.y, line.right - both.right, line.height)
    if both.height == line.height and both.right == line.right:  # its end
        return pygame.Rect(line.x, line.y, both.x - line.x, line.height)
    return None if 2 * both.width * both.height > line.width * line.height else line


def text(surface: pygame.Surface, pos: tuple[int, int], value: str, size: int = 14,
         colour=INK, bold: bool = False, max_width: int | None = None) -> pygame.Rect:
    """Draw one line of text, shortened with an ellipsis to fit ``max_width`` (hovering a
    shortened line shows it whole). Every string the game draws itself goes through here."""

    shown = bounded(value) if max_width is None else fit(value, max_width,
                                                          drawn_width(size, bold))
    rendered = font(size, bold).render(shown, True, colour)
    rect = surface.blit(rendered, pos)
    ink = rendered.get_bounding_rect().move(pos).clip(surface.get_clip())
    if ink.width and ink.height:
        FRAME.lines.append((shown, ink))
        if shown != value.strip() and shown.endswith("…") and not value.endswith("…"):
            FRAME.cut.append((rect.clip(surface.get_clip()), value))
    return rect


def right_text(surface: pygame.Surface, right: int, y: int, value: str, size: int, colour=INK,
               bold: bool = False) -> pygame.Rect:
    """One line of text that ends at x = ``right``."""

    return text(surface, (right - drawn_width(size, bold)(value), y), value, size, colour, bold)


def centred_text(surface: pygame.Surface, cx: int, y: int, value: str, size: int, colour=INK,
                 bold: bool = False, max_width: int | None = None) -> pygame.Rect:
    """One line of text centred on x = ``cx``, shortened to ``max_width``."""

    if max_width is not None:
        value = fit(value, max_width, drawn_width(size, bold))
    return text(surface, (cx - drawn_width(size, bold)(value) // 2, y), value, size, colour,
                bold)


def card(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A white card with a thin border, the panel the screens draw on."""

    pygame.draw.rect(surface, WHITE, rect, border_radius=6)
    pygame.draw.rect(surface, LINE, rect, 1, border_radius=6)
    FRAME.cover(rect)
