"""Settings: language, window size, full screen, UI scale and the first-time hint.

Every change is saved to disk at once and applies immediately (the UI scale draws on a
logical canvas that the app scales up to the window).
"""

from __future__ import annotations

from collections.abc import Callable

import pygame
from pygame import Rect
from pygame_gui.core import ObjectID
from pygame_gui.elements import UIButton, UILabel, UIPanel

from kam_sandbox.base import i18n
from kam_sandbox.base.i18n import tr

from ..app import App, Scene, desktop_size
from ..draw import CJK_BUTTON, fit, label_width, wrap
from ..menu import short_error
from ..palette import ACCENT
from ..settings import (
    UI_SCALES,
    default_settings,
    max_scale,
    offered_sizes,
    save_user_settings,
    settings_path,
    switch_language,
)
from ..widgets import Buttons, plain_key


class SettingsScene(Scene):
    """One card of options; each row a label and a group of toggle buttons."""

    name = "settings"

    def __init__(self, app: App):
        super().__init__(app)
        self.buttons = Buttons()
        self.error: tuple[str, str] | None = None  # (string key, detail) of a failure
        self.saved = False  # a change was written; says so until the next failure

    @property
    def settings(self):
        settings = getattr(self.app, "settings", None)
        if settings is None:  # an App made without game.main: keep the choices in memory
            settings = default_settings()
            settings.lang = i18n.language()
            settings.width, settings.height = self.app.size
            settings.fullscreen = self.app.fullscreen
            self.app.settings = settings
        return settings

    # -- widgets ----------------------------------------------------------------------------
    def build(self) -> None:
        self.buttons = Buttons()
        w, h = self.app.screen.get_size()
        ui = self.ui
        s = self.settings

        self.buttons.add(UIButton(Rect(24, 16, 120, 38), tr("settings.back"), ui,
                                  tool_tip_text=tr("settings.back_tip")), self.app.pop)

        cw = min(760, w - 48)
        ch = 520
        cx, cy = (w - cw) // 2, max(70, (h - ch) // 2)
        card = UIPanel(Rect(cx, cy, cw, ch), manager=ui, object_id="#card")
        pad, label_w, bh = 28, 210, 40
        UILabel(Rect(pad, 18, cw - 2 * pad, 52), tr("settings.title"), ui, container=card,
                object_id="#title")
        y = 84
        opts_x = pad + label_w
        opts_w = cw - pad - opts_x

        def row(key: str, options: list[tuple[str, bool, Callable[[], None] | None, str | None]],
                note: str | None = None, font_id: str | None = None) -> None:
            nonlocal y
            UILabel(Rect(pad, y, label_w - 12, bh),
                    fit(tr(key), label_w - 12, label_width("#heading")), ui, container=card,
                    object_id="#heading")
            gap = 10
            bw = (opts_w - gap * (len(options) - 1)) // len(options) if options else 0
            for i, (text, on, action, tip) in enumerate(options):
                # The chosen option wears #toggle_on; font_id only lends its font.
                oid = ObjectID(object_id="#toggle_on" if on else None, class_id=font_id)
                button = UIButton(Rect(opts_x + i * (bw + gap), y, bw, bh),
                                  fit(text, bw - 16, label_width(font_id)), ui, container=card,
                                  object_id=oid, tool_tip_text=tip)
                if action is None:  # cannot apply here; its tooltip says why
                    button.disable()
                else:
                    self.buttons.add(button, action)
            y += bh + 6
            if note:
                for line in wrap(note, opts_w, label_width("#small"), 2):
                    UILabel(Rect(opts_x, y, opts_w, 18), line, ui, container=card,
                            object_id="#small")
                    y += 18
            y += 14

        row("settings.language", [
            (tr(f"menu.language_name.{lang}"), i18n.language() == lang,
             lambda lang=lang: self.set_language(lang), None)
            for lang in i18n.LANGUAGES], font_id=CJK_BUTTON)
        row("settings.window_size", [
            (tr("settings.size", w=sw, h=sh), (s.width, s.height) == (sw, sh),
             lambda size=(sw, sh): self.set_window(size, s.fullscreen), None)
            for sw, sh in offered_sizes(desktop_size())])
        row("settings.display", [
            (tr("settings.windowed"), not s.fullscreen,
             lambda: self.set_window(s.size, False), None),
            (tr("settings.fullscreen"), s.fullscreen,
             lambda: self.set_window(s.size, True), tr("settings.fullscreen_tip")),
        ])
        window = self.app.window.get_size()
        most = max_scale(window)
        row("settings.ui_scale", [
            (tr("settings.scale", percent=round(scale * 100)), abs(s.ui_scale - scale) < 1e-6,
             (lambda scale=scale: self.set_scale(scale)) if scale <= most + 1e-6 else None,
             None if scale <= most + 1e-6 else tr("settings.scale_too_big", w=window[0],
                                                   h=window[1], percent=round(scale * 100)))
            for scale in UI_SCALES], note=self.scale_note(window))
        row("settings.hints", [
            (tr("settings.show_hints"), not s.tutorial_seen, self.reset_hints,
             tr("settings.hints_tip")),
        ])

        folder = str(settings_path(getattr(self.app, "data_folder", None)).parent)
        UILabel(Rect(pad, y, cw - 2 * pad, 18), tr("settings.folder"), ui, container=card,
                object_id="#small")
        y += 18
        UILabel(Rect(pad, y, cw - 2 * pad, 20), fit(folder, cw - 2 * pad, label_width("#muted")),
                ui, container=card, object_id="#muted")
        y += 28
        if self.error is not None:
            key, detail = self.error
            for line in wrap(tr(key, error=short_error(self.app, detail)), cw - 2 * pad,
                             label_width("#danger"), 2):
                UILabel(Rect(pad, y, cw - 2 * pad, 22), line, ui, container=card,
                        object_id="#danger")
                y += 22
        elif self.saved:
            UILabel(Rect(pad, y, cw - 2 * pad, 20), tr("settings.saved"), ui, container=card,
                    object_id="#muted")

        UILabel(Rect(24, h - 36, w - 48, 22),
                fit(tr("settings.keys"), w - 48, label_width("#small")), ui, object_id="#small")

    def scale_note(self, window: tuple[int, int]) -> str:
        """What the UI scale does here: the general note, or why the chosen scale is shown
        smaller in this window."""

        shown = self.app.effective_scale
        if self.settings.ui_scale > shown + 1e-6:
            return tr("settings.scale_limited", chosen=round(self.settings.ui_scale * 100),
                      shown=round(shown * 100), w=window[0], h=window[1])
        if max_scale(window) < max(UI_SCALES) - 1e-6:  # some are disabled: say why here too
            return tr("settings.scale_window", w=window[0], h=window[1],
                      percent=round(max_scale(window) * 100))
        return tr("settings.scale_note")

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        surface.fill(ACCENT, Rect(0, 0, w, 4))

    # -- input ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.buttons.handle(event):
            return
        if event.type == pygame.KEYDOWN and plain_key(event) \
                and event.key in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
            self.app.pop()

    # -- actions ----------------------------------------------------------------------------
    def _saved(self, error: str | None) -> None:
        self.error = None if error is None else ("settings.save_failed", error)
        self.saved = error is None

    def toggle_language(self) -> None:
        self.set_language("en" if i18n.language() == "zh" else "zh")  # shows a save error

    def set_language(self, lang: str) -> None:
        if lang == i18n.language():
            return
        self._saved(switch_language(self.app, lang))
        self.app.rebuild()

    def set_window(self, size: tuple[int, int], fullscreen: bool) -> None:
        s = self.settings
        if (s.width, s.height) == tuple(size) and s.fullscreen == fullscreen:
            return
        old = (s.width, s.height, s.fullscreen)
        try:
            self.app.set_window(tuple(size), fullscreen)
        except pygame.error as exc:  # the display refused the mode: keep the old one
            self.error = ("settings.window_failed", str(exc))
            self.saved = False
            try:
                self.app.set_window((old[0], old[1]), old[2])
            except pygame.error:
                self.app.rebuild()
            return
        s.width, s.height = size
        s.fullscreen = fullscreen
        self._saved(save_user_settings(self.app))
        self.app.rebuild()

    def set_scale(self, scale: float) -> None:
        self.settings.ui_scale = scale
        self._saved(save_user_settings(self.app))
        self.app.set_scale(scale)

    def reset_hints(self) -> None:
        s = self.settings
        s.tutorial_seen = not s.tutorial_seen
        self._saved(save_user_settings(self.app))
        self.app.rebuild()
