"""Small composite widgets built from pygame_gui elements, shared by the scenes."""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel

from .fonts import font


class Stepper:
    """``label  [−] value [+]`` for an amount with a step, a floor of 0 and a ceiling.

    ``on_change(new_value)`` is called after a click; the owner decides whether to accept it
    and calls ``set`` with what it kept, so the widget never disagrees with the plan.
    """

    def __init__(self, manager, rect: pygame.Rect, label: str, value: float, step: float,
                 maximum: float, fmt: Callable[[float], str],
                 on_change: Callable[[float], None], *, container=None,
                 tooltip: str | None = None, label_width: int | None = None):
        self.value, self.step, self.maximum, self.fmt = value, step, maximum, fmt
        self.on_change = on_change
        lw = label_width if label_width is not None else rect.width - 150
        x, y, h = rect.x, rect.y, rect.height
        self.label = UILabel(pygame.Rect(x, y, lw, h), label, manager, container=container)
        bx = x + lw
        self.minus = UIButton(pygame.Rect(bx, y + 1, 30, h - 2), "−", manager,
                              container=container, tool_tip_text=tooltip)
        self.text = UILabel(pygame.Rect(bx + 32, y, 84, h), fmt(value), manager,
                            container=container, object_id="#kpi_small")
        self.plus = UIButton(pygame.Rect(bx + 118, y + 1, 30, h - 2), "+", manager,
                             container=container, tool_tip_text=tooltip)
        if tooltip:
            self.label.tool_tip_text = tooltip  # type: ignore[attr-defined]

    def set(self, value: float) -> None:
        self.value = value
        self.text.set_text(self.fmt(value))
        self.minus.disable() if value <= 0 else self.minus.enable()
        self.plus.disable() if value >= self.maximum - 1e-9 else self.plus.enable()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return False
        if event.ui_element is self.plus:
            self.on_change(round(min(self.value + self.step, self.maximum), 6))
            return True
        if event.ui_element is self.minus:
            self.on_change(round(max(self.value - self.step, 0.0), 6))
            return True
        return False


class Toggle:
    """An on/off button that shows its state with a tick and the theme's #toggle_on look."""

    def __init__(self, manager, rect: pygame.Rect, label: str, on: bool,
                 on_change: Callable[[bool], None], *, container=None,
                 tooltip: str | None = None):
        self.label_text, self.on, self.on_change = label, on, on_change
        self.manager, self.rect, self.container, self.tooltip = manager, rect, container, tooltip
        self.button = self._make()

    def _make(self) -> UIButton:
        mark = "■ " if self.on else "□ "  # glyphs the bundled CJK font has (☐/☑ it lacks)
        return UIButton(self.rect, mark + self.label_text, self.manager, container=self.container,
                        tool_tip_text=self.tooltip,
                        object_id="#toggle_on" if self.on else None)

    def set(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self.button.kill()
            self.button = self._make()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.button:
            self.on_change(not self.on)
            return True
        return False


Measure = Callable[[str], int]  # text -> width in pixels


def font_measure(size: int, bold: bool = False) -> Measure:
    """Widths as the game's own drawing font renders them."""

    f = font(size, bold)
    return lambda value: f.size(value)[0]


def fit_to(value: str, width: int, measure: Measure) -> str:
    """``value`` shortened with an ellipsis so that it fits ``width`` pixels."""

    if measure(value) <= width:
        return value
    while value and measure(value + "…") > width:
        value = value[:-1]
    return value.rstrip() + "…"


def tokens(value: str) -> list[str]:
    """Words with their trailing space; every CJK character is a token of its own, so
    Chinese breaks anywhere and English only between words."""

    out: list[str] = []
    word = ""
    for ch in value:
        if ord(ch) > 0x2E80:  # CJK and full-width punctuation
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
    if word:
        out.append(word)
    return out


def wrap_to(value: str, width: int, measure: Measure,
            max_lines: int | None = None) -> list[str]:
    """Lines of ``value`` that fit ``width``; past ``max_lines`` the last line gets an
    ellipsis. The one wrapping rule of the game, whatever measures the text."""

    lines: list[str] = []
    for para in value.split("\n"):
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
        lines[-1] = fit_to(lines[-1] + " …", width, measure)
    return [fit_to(line, width, measure) for line in lines]


def text(surface: pygame.Surface, pos: tuple[int, int], value: str, size: int = 14,
         colour=(31, 41, 51), bold: bool = False, max_width: int | None = None) -> pygame.Rect:
    """Draw one line of text, shortened with an ellipsis to fit ``max_width``."""

    if max_width is not None:
        value = fit_to(value, max_width, font_measure(size, bold))
    return surface.blit(font(size, bold).render(value, True, colour), pos)


def wrap(value: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Lines that fit ``width`` in the game's drawing font (see wrap_to)."""

    return wrap_to(value, width, font_measure(size, bold))
