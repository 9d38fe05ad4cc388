"""The title screen: the game's name in both languages, and the way into everything else."""

from __future__ import annotations

from collections.abc import Callable

import pygame
from pygame import Rect
from pygame_gui.elements import UIButton, UILabel, UIPanel

from kam_sandbox.base import i18n
from kam_sandbox.base.i18n import tr

from ..app import App, Scene
from ..draw import CJK_BUTTON, LINE_HEIGHT, fit, label_width, wrap
from ..menu import open_saved_game, progress_text, seed_text, short_error, slot_title, slots_of
from ..navigation import available
from ..palette import ACCENT, RULE
from ..widgets import Buttons, plain_key

# Bubbles behind the title menu: a few big accounts and many small ones (the 80/20 motif),
# as (x, y, radius) on a 1280 x 720 screen.
BUBBLES = ((150, 330, 70), (262, 452, 44), (118, 520, 30), (222, 584, 20), (318, 350, 16),
           (64, 430, 12), (300, 640, 10), (1120, 300, 54), (1020, 420, 34), (1168, 470, 24),
           (1060, 560, 16), (1180, 600, 12), (960, 330, 10))
BUBBLE_FILL = (226, 235, 246)
BUBBLE_EDGE = (201, 217, 236)


# -- the scene ----------------------------------------------------------------------------------
class TitleScene(Scene):
    """Title, tagline and the main menu; Continue resumes the newest save that loads."""

    name = "title"

    def __init__(self, app: App):
        super().__init__(app)
        self.latest = None  # SlotInfo of the newest save that loads
        self.damaged: str | None = None  # error of the newest save when it does not load
        self.error: tuple[str, str] | None = None  # (string key, detail) of a failed action
        self.buttons = Buttons()
        self.continue_button: UIButton | None = None
        self.language_button: UIButton | None = None

    # -- state ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the save folder. ``build`` calls it, so coming back to the title (after a
        game was saved or a slot deleted) always shows the disk as it is; reading twice
        gives the same state, so rebuilding stays idempotent."""

        slots, error = slots_of(self.app)
        valid = [s for s in slots if s.error is None]
        self.latest = valid[0] if valid else None
        self.damaged = error or (slots[0].error if slots and slots[0].error else None)

    # -- widgets ----------------------------------------------------------------------------
    def build(self) -> None:
        self.buttons = Buttons()
        self.refresh()
        w, h = self.app.screen.get_size()
        lang = i18n.language()
        other = "en" if lang == "zh" else "zh"
        ui = self.ui

        lw = 140
        self.language_button = self.buttons.add(
            UIButton(Rect(w - 24 - lw, 18, lw, 38), tr(f"menu.language_name.{other}"), ui,
                     tool_tip_text=tr("menu.language_tip"), object_id=CJK_BUTTON),
            self.toggle_language)

        top = max(40, int(h * 0.11))

        def centred(text: str, y: int, object_id: str) -> None:
            text = fit(text, w - 160, label_width(object_id))
            width = label_width(object_id)(text) + 12
            UILabel(Rect((w - width) // 2, y, width, LINE_HEIGHT[object_id] + 2), text, ui,
                    object_id=object_id)

        centred(tr(f"menu.name_{lang}"), top, "#title")
        centred(tr(f"menu.name_{other}"), top + 54, "#subtitle")
        centred(tr("menu.tagline"), top + 90, "#muted")

        cw, pad, bh, gap = 460, 28, 46, 10
        bw = cw - 2 * pad
        notes = self.notes(bw)
        ch = pad * 2 + 6 * bh + 5 * gap + 22 * len(notes) + (4 if notes else 0)
        cy = min(top + 134, h - ch - 48)
        card = UIPanel(Rect((w - cw) // 2, cy, cw, ch), manager=ui, object_id="#card")

        y = pad

        def button(key: str, action: Callable[[], None], object_id: str | None = None,
                   tip: str | None = None) -> UIButton:
            nonlocal y
            b = self.buttons.add(UIButton(Rect(pad, y, bw, bh), tr(key), ui, container=card,
                                          object_id=object_id, tool_tip_text=tip), action)
            y += bh + gap
            return b

        button("menu.new_game", self.new_game, "#primary", tr("menu.new_game_tip"))
        self.continue_button = button("menu.continue", self.continue_game)
        if self.latest is None:
            self.continue_button.disable()
        if notes:
            y -= gap - 2
            for text, oid in notes:
                UILabel(Rect(pad, y, bw, 22), text, ui, container=card, object_id=oid)
                y += 22
            y += gap + 2
        button("menu.library", self.library, tip=tr("menu.library_tip"))
        half = (bw - gap) // 2  # the workshop's two ways in, side by side
        self.buttons.add(UIButton(Rect(pad, y, half, bh), tr("console.menu_workshop"), ui,
                                  container=card, tool_tip_text=tr("console.menu_workshop_tip")),
                         self.workshop)
        join = self.buttons.add(
            UIButton(Rect(pad + half + gap, y, bw - half - gap, bh), tr("console.menu_join"), ui,
                     container=card, tool_tip_text=tr("console.menu_join_tip")),
            self.join_workshop)
        if not available("join"):
            join.disable()
            join.set_tooltip(tr("console.menu_join_unavailable"))
        y += bh + gap
        button("menu.settings", self.settings)
        button("menu.quit", self.app.quit)

        UILabel(Rect(24, h - 36, w - 48, 22), fit(tr("menu.keys"), w - 48, label_width("#small")),
                ui, object_id="#small")

    def notes(self, width: int) -> list[tuple[str, str]]:
        """The lines under Continue: what it resumes, a damaged save, a failed attempt."""

        lines: list[tuple[str, str]] = []
        if self.latest is not None:
            label = slot_title(self.latest)
            detail = " · ".join(t for t in (progress_text(self.latest), seed_text(self.latest))
                                if t)
            one_line = f"{label} · {detail}"
            if label_width("#muted")(one_line) <= width:
                lines.append((one_line, "#muted"))
            else:
                lines += [(label, "#muted"), (detail, "#muted")]
            if self.latest.fell_back:
                lines += [(line, "#danger") for line in
                          wrap(tr("menu.fell_back"), width, label_width("#danger"), 2)]
        elif self.damaged is None:
            lines.append((tr("menu.no_save"), "#muted"))
        if self.damaged is not None:
            damaged = short_error(self.app, self.damaged)
            for line in wrap(tr("menu.damaged", error=damaged), width, label_width("#danger"), 2):
                lines.append((line, "#danger"))
        if self.error is not None:
            key, detail = self.error
            for line in wrap(tr(key, error=short_error(self.app, detail)), width,
                             label_width("#danger"), 2):
                lines.append((line, "#danger"))
        return [(fit(t, width, label_width(oid)), oid) for t, oid in lines]

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        sx, sy = w / 1280, h / 720
        for x, y, r in BUBBLES:
            centre = (round(x * sx), round(y * sy))
            radius = round(r * min(sx, sy))
            pygame.draw.circle(surface, BUBBLE_FILL, centre, radius)
            pygame.draw.circle(surface, BUBBLE_EDGE, centre, radius, 1)
        surface.fill(ACCENT, Rect(0, 0, w, 6))
        pygame.draw.line(surface, RULE, (24, h - 44), (w - 24, h - 44))

    # -- input ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.buttons.handle(event):
            return
        if event.type != pygame.KEYDOWN or not plain_key(event):
            return
        keys: dict[int, Callable[[], None]] = {
            pygame.K_n: self.new_game,
            pygame.K_c: self.continue_game,
            pygame.K_l: self.library,
            pygame.K_s: self.settings,
            pygame.K_q: self.app.quit,
            pygame.K_ESCAPE: self.app.quit,
        }
        action = keys.get(event.key)
        if action is not None:
            action()

    # -- actions ----------------------------------------------------------------------------
    def new_game(self) -> None:
        self.error = None  # an old failure is not news once the player moves on
        self.app.push("library", new_game=True)

    def library(self) -> None:
        self.error = None  # an old failure is not news once the player moves on
        self.app.push("library")

    def settings(self) -> None:
        self.error = None  # an old failure is not news once the player moves on
        self.app.push("settings")

    def workshop(self) -> None:
        self.error = None
        self.app.push("workshop_setup")

    def join_workshop(self) -> None:
        if not available("join"):
            return
        self.error = None
        self.app.push("join", None)

    def continue_game(self) -> None:
        if self.latest is None:
            return
        try:
            scene = self.app.run_busy(open_saved_game, self.app, self.latest.name)  # a replay
        except Exception as exc:  # a save that will not replay must not crash the menu
            self.error = ("menu.open_failed", str(exc))
            self.app.rebuild()
            return
        self.error = None
        self.app.push(scene)

    def toggle_language(self) -> None:
        error = super().toggle_language()
        if error is not None:
            self.error = ("menu.settings_failed", error)
            self.app.rebuild()
