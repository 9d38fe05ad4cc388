"""The title screen: the game's name in both languages, and the way into everything else.

It also holds the small helpers the other menu scenes share (fitting text into a box,
saving the player's settings, reopening a saved game), so those rules live in one place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache

import pygame
import pygame_gui
from kam_sandbox.base import fmt, i18n
from kam_sandbox.base.i18n import tr
from kam_sandbox.engine import Scenario, load_scenario
from pygame import Rect
from pygame_gui.elements import UIButton, UILabel, UIPanel

from ..app import App, Scene
from ..fonts import font_path
from ..session import Session
from ..widgets import fit_to, wrap_to

ACCENT = (47, 111, 176)
RULE = (221, 226, 232)

# Text sizes of the theme's object ids (assets/theme.json), for fitting text to a box, and
# the height a label needs for one line of each.
SIZES = {"#title": (34, True), "#subtitle": (18, False), "#heading": (17, True),
         "#kpi": (18, True), "#muted": (13, False), "#small": (12, False),
         "#primary": (15, True), None: (14, False), "#danger": (14, False)}
LINE = {"#title": 50, "#subtitle": 27, "#heading": 25, "#kpi": 27, "#muted": 19, "#small": 18,
        "#primary": 22, None: 21, "#danger": 21}
# Buttons and labels without a font in the theme use pygame_gui's per-language default font,
# which has no Chinese glyphs in English; text that may be Chinese whatever the interface
# language (a language's own name, a save's label) takes a theme id that names Noto Sans SC.
CJK_BUTTON = "#heading"

# Bubbles behind the title menu: a few big accounts and many small ones (the 80/20 motif),
# as (x, y, radius) on a 1280 x 720 screen.
BUBBLES = ((150, 330, 70), (262, 452, 44), (118, 520, 30), (222, 584, 20), (318, 350, 16),
           (64, 430, 12), (300, 640, 10), (1120, 300, 54), (1020, 420, 34), (1168, 470, 24),
           (1060, 560, 16), (1180, 600, 12), (960, 330, 10))
BUBBLE_FILL = (226, 235, 246)
BUBBLE_EDGE = (201, 217, 236)


# -- helpers shared by the menu scenes ----------------------------------------------------------
@cache
def _measure_font(size: int, bold: bool) -> pygame.font.Font:
    """Noto Sans SC as pygame_gui sets it up (shaped as Latin script), so widths agree with
    what its labels measure to the pixel, mixed Chinese and Latin included."""

    if not pygame.font.get_init():
        pygame.font.init()
    measure = pygame.font.Font(font_path(bold), size)
    measure.set_script("Latn")
    return measure


def text_width(text: str, object_id: str | None = None) -> int:
    size, bold = SIZES.get(object_id, SIZES[None])
    return _measure_font(size, bold).size(text)[0]


def fit(text: str, width: int, object_id: str | None = None) -> str:
    """``text`` shortened with an ellipsis so that it fits ``width`` pixels."""

    return fit_to(text, width, lambda value: text_width(value, object_id))


def wrap(text: str, width: int, object_id: str | None = None,
         max_lines: int | None = None) -> list[str]:
    """Lines of ``text`` that fit ``width`` in the widget font of ``object_id``."""

    return wrap_to(text, width, lambda value: text_width(value, object_id), max_lines)


def short_error(app: App, error: str) -> str:
    """An error message with the data folder's path cut out, so the file name shows."""

    for folder in (getattr(getattr(app, "store", None), "folder", None),
                   getattr(app, "data_folder", None)):
        if folder is not None:
            error = error.replace(str(folder) + os.sep, "")
    return error


def save_user_settings(app: App) -> str | None:
    """Write ``app.settings`` to the data folder; the error text if that failed."""

    from ..settings import save_settings

    settings = getattr(app, "settings", None)
    if settings is None:
        return None
    try:
        save_settings(getattr(app, "data_folder", None), settings)
    except Exception as exc:  # a read-only disk must not end the game; the player is told
        return str(exc)
    return None


def switch_language(app: App, lang: str) -> str | None:
    """Show the interface in ``lang`` and remember it; the error text if saving failed."""

    settings = getattr(app, "settings", None)
    if settings is not None:
        settings.lang = lang
    error = save_user_settings(app)
    app.set_language(lang)
    return error


def open_saved_game(app: App, slot: str) -> Scene:
    """The scene that resumes save ``slot``: planning, or the debrief of a finished game.

    Raises (SaveError and the like) when the save cannot be opened; callers show why.
    """

    from ..saves import game_from_record

    record = app.store.load(slot)
    game = game_from_record(record)
    session = Session(game, slot=slot, label=record.get("label") or slot,
                      scenario_path=record.get("scenario_path"), store=app.store)
    if game.over:
        from .debrief import DebriefScene

        return DebriefScene(app, session)
    from .planning import PlanningScene

    return PlanningScene(app, session)


@cache
def scenario_by_id(scenario_id: str) -> Scenario | None:
    """A shipped scenario by id (cached), or None when there is none that loads."""

    try:
        return load_scenario(scenario_id)
    except Exception:
        return None


def progress_text(info, short: bool = False) -> str:
    """Where a saved game stands: 'next: Year 1 Q3 (3 of 4)' (without the count when
    ``short``) or 'finished, score 72'."""

    if info.finished:
        return tr("menu.progress_finished", score=fmt.score(info.score))
    scenario = scenario_by_id(info.scenario) if info.scenario else None
    if scenario is None:
        return tr("menu.progress_quarter", n=info.turn + 1)
    quarter = fmt.quarter_label(info.turn + 1, scenario.start_quarter, i18n.language())
    key = "menu.progress_next_short" if short else "menu.progress_next"
    return tr(key, quarter=quarter, n=info.turn + 1, total=scenario.turns)


def slots_of(app: App) -> tuple[list, str | None]:
    """The save slots (newest first) and the error text if the folder cannot be read."""

    store = getattr(app, "store", None)
    if store is None:
        return [], None
    try:
        return list(store.slots()), None
    except Exception as exc:
        return [], short_error(app, str(exc))


def join_available() -> bool:
    """Whether this install has the screen where a team joins a LAN workshop."""

    import importlib.util

    try:
        return importlib.util.find_spec("kam_sandbox.game.scenes.join") is not None
    except (ImportError, ValueError):
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
            text = fit(text, w - 160, object_id)
            width = text_width(text, object_id) + 12
            UILabel(Rect((w - width) // 2, y, width, LINE[object_id] + 2), text, ui,
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
        if not join_available():
            join.disable()
            join.set_tooltip(tr("console.menu_join_unavailable"))
        y += bh + gap
        button("menu.settings", self.settings)
        button("menu.quit", self.app.quit)

        UILabel(Rect(24, h - 36, w - 48, 22), fit(tr("menu.keys"), w - 48, "#small"), ui,
                object_id="#small")

    def notes(self, width: int) -> list[tuple[str, str]]:
        """The lines under Continue: what it resumes, a damaged save, a failed attempt."""

        lines: list[tuple[str, str]] = []
        if self.latest is not None:
            label = self.latest.label or self.latest.name
            detail = progress_text(self.latest)
            one_line = f"{label} · {detail}"
            if text_width(one_line, "#muted") <= width:
                lines.append((one_line, "#muted"))
            else:
                lines += [(label, "#muted"), (detail, "#muted")]
        elif self.damaged is None:
            lines.append((tr("menu.no_save"), "#muted"))
        if self.damaged is not None:
            damaged = short_error(self.app, self.damaged)
            for line in wrap(tr("menu.damaged", error=damaged), width, "#danger", 2):
                lines.append((line, "#danger"))
        if self.error is not None:
            key, detail = self.error
            for line in wrap(tr(key, error=short_error(self.app, detail)), width, "#danger", 2):
                lines.append((line, "#danger"))
        return [(fit(t, width, oid), oid) for t, oid in lines]

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
            pygame.K_F2: self.toggle_language,
        }
        action = keys.get(event.key)
        if action is not None:
            action()

    # -- actions ----------------------------------------------------------------------------
    def new_game(self) -> None:
        from .library import LibraryScene

        self.error = None  # an old failure is not news once the player moves on
        self.app.push(LibraryScene(self.app, new_game=True))

    def library(self) -> None:
        from .library import LibraryScene

        self.error = None  # an old failure is not news once the player moves on
        self.app.push(LibraryScene(self.app))

    def settings(self) -> None:
        from .settings import SettingsScene

        self.error = None  # an old failure is not news once the player moves on
        self.app.push(SettingsScene(self.app))

    def workshop(self) -> None:
        from .console_setup import WorkshopSetupScene

        self.error = None
        self.app.push(WorkshopSetupScene(self.app))

    def join_workshop(self) -> None:
        if not join_available():
            return
        from .join import JoinScene

        self.error = None
        self.app.push(JoinScene(self.app, None))

    def continue_game(self) -> None:
        if self.latest is None:
            return
        try:
            scene = open_saved_game(self.app, self.latest.name)
        except Exception as exc:  # a save that will not replay must not crash the menu
            self.error = ("menu.open_failed", str(exc))
            self.app.rebuild()
            return
        self.error = None
        self.app.push(scene)

    def toggle_language(self) -> None:
        error = switch_language(self.app, "en" if i18n.language() == "zh" else "zh")
        if error is not None:
            self.error = ("menu.settings_failed", error)
            self.app.rebuild()
