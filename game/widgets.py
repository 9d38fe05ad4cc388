"""Small widgets built from pygame_gui elements, shared by the scenes: an amount stepper, an
on/off toggle, a scene's table of buttons and their actions, labels the pointer passes
through, and the text rules for pygame_gui's boxes and key presses."""

from __future__ import annotations

import html
from collections.abc import Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel

from kam_sandbox.base.i18n import language

from .draw import bounded, label_width, wrap

#: A bullet glued to its text with a no-break space: pygame_gui wraps only at plain spaces,
#: so a long Chinese line starts beside its bullet and breaks by character, not dash.
NBSP = "\u00a0"
BULLET = "•" + NBSP


#: Put before the label of a control that serves the need the player picked.
LEVER_MARK = "▶ "


def marked(label: str, highlight: bool) -> str:
    return LEVER_MARK + label if highlight else label


class Stepper:
    """``label  [−] value [+]`` for an amount with a step, a floor of 0 and a ceiling.

    ``on_change(new_value)`` is called after a click; the owner decides whether to accept it
    and calls ``set`` with what it kept, so the widget never disagrees with the plan.
    """

    def __init__(self, manager, rect: pygame.Rect, label: str, value: float, step: float,
                 maximum: float, fmt: Callable[[float], str],
                 on_change: Callable[[float], None], *, container=None,
                 tooltip: str | None = None, label_width: int | None = None,
                 highlight: bool = False):
        self.value, self.step, self.maximum, self.fmt = value, step, maximum, fmt
        self.on_change = on_change
        lw = label_width if label_width is not None else rect.width - 150
        x, y, h = rect.x, rect.y, rect.height
        self.label = UILabel(pygame.Rect(x, y, lw, h), marked(label, highlight), manager,
                             container=container, object_id="#lever" if highlight else None)
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
                 tooltip: str | None = None, highlight: bool = False):
        self.label_text, self.on, self.on_change = marked(label, highlight), on, on_change
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


class Buttons:
    """A scene's buttons and what each does, so ``handle`` is one lookup."""

    def __init__(self):
        self.actions: dict[object, Callable[[], None]] = {}

    def add(self, button: UIButton, action: Callable[[], None]) -> UIButton:
        self.actions[button] = action
        return button

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            action = self.actions.get(getattr(event, "ui_element", None))
            if action is not None:
                action()
                return True
        return False


class PassLabel(UILabel):
    """A label laid over a button: the pointer hovers and clicks the button through it."""

    def hover_point(self, hover_x: float, hover_y: float) -> bool:
        return False


def plain_key(event: pygame.event.Event) -> bool:
    """A key press without Ctrl / Alt / Meta (those belong to the system and text fields)."""

    mods = getattr(event, "mod", 0)
    return not mods & (pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META)


def box_text(value: str) -> str:
    """Escape ``value`` for a UITextBox (cut to ``draw.MAX_TEXT`` characters: a box lays
    out all it is given); in Chinese glue it with no-break spaces so the box breaks lines
    by character (as Chinese is set) rather than only at the odd space."""

    value = html.escape(bounded(value))
    return value.replace(" ", NBSP) if language() == "zh" else value


#: What a UITextBox's border and padding take from its width, and its scroll bar.
BOX_PADDING = 36  # (pygame_gui wraps a few pixels before the width it is given)
SCROLL_BAR_W = 20


def box_paragraph(value: str, width: int) -> str:
    """``value`` for a UITextBox ``width`` pixels wide. Chinese is broken into lines here,
    by the game's own rules (``draw.wrap``: no line starts with "，", "A 类客户" whole),
    since pygame_gui would break it at any character or at the space in "A 类"."""

    if language() != "zh":
        return box_text(value)
    lines = wrap(bounded(value), width - BOX_PADDING, label_width(None))
    return "<br>".join(box_text(line) for line in lines)
