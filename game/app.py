"""The application: one window, one pygame_gui manager, a stack of scenes.

Scene lifecycle (every scene in ``game/scenes`` follows it):

1. ``enter()`` once, when the scene is pushed onto the stack;
2. ``build()`` creates the scene's widgets; it runs again after the language or the window
   size changes (the app kills every widget first), so it must rebuild from the scene's
   state and never change that state;
3. ``handle(event)`` for each pygame / pygame_gui event while the scene is on top;
4. ``update(dt)`` once per frame while on top (timers, demo steps);
5. ``draw(surface)`` paints what pygame_gui does not (charts, maps) under the widgets;
   it never changes state;
6. ``leave()`` once, when the scene is popped or replaced.

Scenes reach each other through the stack, by name: ``push``, ``replace`` and ``reset_to``
take a scene or a scene's name and the arguments to make it with (``app.replace("results",
session, result)``); ``game.navigation`` maps the names to the classes. A scene never
imports another scene.

Turn-based games must not burn batteries: the loop redraws only after input or when a
scene asks (``app.redraw()``), and otherwise sleeps in ``pygame.event.wait``.

Input is for the screen the player sees: a held key's repeats of Enter, Space or Esc are
dropped (one press, one action), so are the clicks and keys queued behind a change of
screen, and work that may be slow (a quarter, a replay, the debrief's reference games) runs
through ``run_busy``, which drops input meanwhile and shows a busy indicator after
``BUSY_AFTER`` seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.core import UIElement

from kam_sandbox.base import i18n

from .draw import FRAME, WHOLE, card, drawn_width, text, wrap
from .navigation import scene_class
from .palette import BACKGROUND, INK
from .settings import BASE_SIZE, max_scale, offered_sizes, switch_language

WINDOW = BASE_SIZE
ACTIVE_SECONDS = 1.2  # keep animating this long after input, for hovers and tooltips
IDLE_WAIT_MS = 250
BUSY_AFTER = 0.15  # seconds of work before the busy indicator shows
KEY_REPEAT = (400, 40)  # ms before a held key repeats, and between repeats
WHOLE_TEXT_AFTER = 0.5  # seconds the pointer rests on a shortened line before it shows whole
#: Keys whose press commits something (end a quarter, go on, go back, switch the language):
#: a held key's repeats of these never act again.
COMMIT_KEYS = frozenset((pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_ESCAPE,
                         pygame.K_F2))
#: Events that are the player's input; those queued behind a change of screen are dropped.
INPUT_EVENTS = frozenset((pygame.KEYDOWN, pygame.TEXTINPUT, pygame.MOUSEBUTTONDOWN,
                          pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL))


class Scene:
    """Base class; see the module docstring for the lifecycle."""

    def __init__(self, app: App):
        self.app = app

    @property
    def ui(self) -> pygame_gui.UIManager:
        return self.app.ui

    def enter(self) -> None:
        pass

    def build(self) -> None:
        pass

    def handle(self, event: pygame.event.Event) -> None:
        pass

    def toggle_language(self) -> str | None:
        """F2 on any screen: the other language, remembered for next time; the error text
        if saving the choice failed (the switch itself still happens)."""

        return switch_language(self.app, "en" if i18n.language() == "zh" else "zh")

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        pass

    def leave(self) -> None:
        pass

    #: A short name for screenshots and tests.
    name = "scene"


TOOLTIP_WIDTH = 300


def _not_hovered(x: float, y: float) -> bool:
    return False


class Manager(pygame_gui.UIManager):
    """pygame_gui's manager with tooltips that wrap Chinese properly and never take a click.

    Its text boxes would split a line of CJK (one long "word" to them) with stray hyphens,
    so CJK tooltip text is broken into lines here, by character, to the tooltip's width.
    A tooltip's text box takes the clicks that land on it, and a tooltip shown below the
    control the pointer rested on (after a wheel scroll, over the plan's toggles) ate the
    click meant for the control under it: here the pointer passes through tooltips."""

    def create_tool_tip(self, text, position, hover_distance, parent_element, object_id, *,
                        wrap_width=None, text_kwargs=None):
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            text = "<br>".join(wrap(text, TOOLTIP_WIDTH - 48, drawn_width(14)))  # a safe margin
        tip = super().create_tool_tip(text, position, hover_distance, parent_element,
                                      object_id, wrap_width=TOOLTIP_WIDTH,
                                      text_kwargs=text_kwargs)
        for element in (tip, getattr(tip, "text_block", None)):
            if element is not None:
                element.hover_point = _not_hovered
        if parent_element is not None:
            self._keep_clear(tip, parent_element.rect)
        return tip

    def _keep_clear(self, tip, target: pygame.Rect) -> None:
        """Move ``tip`` off the buttons near ``target`` (the next tab, the button beside
        End quarter): below, above, right or left of it, the first place that covers no other
        button and fits the window; where none is clear, where it was."""

        buttons = [b.rect for b in self.get_sprite_group().sprites()
                   if isinstance(b, pygame_gui.elements.UIButton) and b.visible
                   and b.text.strip() and b.rect != target
                   and not any("scroll_bar" in i for i in b.element_ids)]
        window = self.get_root_container().get_rect()
        size = tip.rect.size
        gap = 4
        for place in (tip.rect.topleft,
                      (tip.rect.x, target.bottom + gap),
                      (tip.rect.x, target.top - gap - size[1]),
                      (target.right + gap, target.top),
                      (target.left - gap - size[0], target.top)):
            rect = pygame.Rect(place, size)
            if window.contains(rect) and not any(rect.colliderect(b) for b in buttons):
                if rect.topleft != tip.rect.topleft:
                    tip.set_position(rect.topleft)
                return


def theme_path() -> str:
    return str(resources.files("kam_sandbox.assets").joinpath("theme.json"))


class App:
    """Owns the window, the UI manager and the scene stack."""

    def __init__(self, size: tuple[int, int] = WINDOW, fullscreen: bool = False,
                 scale: float = 1.0):
        pygame.display.init()
        pygame.font.init()
        # Repeat helps text fields and arrow keys; a held Enter, Space or Esc is dropped by
        # _track_keys, so it can never end more than one quarter.
        pygame.key.set_repeat(*KEY_REPEAT)
        self.fullscreen = fullscreen
        self.size = size
        self.scale = scale
        self.window = self._open_window(size)
        self.screen = self._canvas()
        self.ui = Manager(self.screen.get_size(), theme_path(), starting_language=i18n.language())
        self._scale_mouse()
        self.stack: list[Scene] = []
        self.running = True
        self.dirty = True
        self.frames = 0
        self._active_until = time.monotonic() + ACTIVE_SECONDS
        self.clock = pygame.time.Clock()
        self.on_frame: list[Callable[[App], None]] = []  # demo driver, screenshots
        self.on_busy_frame: list[Callable[[App], None]] = []  # tests: while run_busy waits
        self.busy_frames = 0
        self.held: set[int] = set()  # keys down now (a KEYDOWN of one of these is a repeat)
        self._moved_at = 0.0  # when the pointer last moved (the whole text waits for a rest)

    def _canvas(self) -> pygame.Surface:
        """What scenes draw on. At UI scale 1 it is the window itself; at a larger scale it is
        a smaller logical canvas (never below 1280×720) that is scaled up to the window, so
        everything grows alike for a projector or a high-resolution screen."""

        w, h = self.window.get_size()
        scale = max(1.0, min(self.scale, max_scale((w, h))))
        self.effective_scale = scale
        if scale == 1.0:
            return self.window
        return pygame.Surface((round(w / scale), round(h / scale)))

    def _scale_mouse(self) -> None:
        factor = 1.0 / self.effective_scale
        self.ui.mouse_pos_scale_factor = [factor, factor]

    def mouse_pos(self) -> tuple[int, int]:
        """The mouse position on the canvas (scenes use this, not pygame.mouse.get_pos)."""

        x, y = pygame.mouse.get_pos()
        return int(x / self.effective_scale), int(y / self.effective_scale)

    def _open_window(self, size: tuple[int, int]) -> pygame.Surface:
        """The window; full screen takes the screen's own resolution (the layouts follow the
        canvas), so no mode change or stretched picture puts the pointer off what it shows."""

        pygame.display.set_caption("KAM Sandbox · 大客户管理沙盘")
        if self.fullscreen:
            desktop = desktop_size()
            if desktop and desktop[0] >= BASE_SIZE[0] and desktop[1] >= BASE_SIZE[1]:
                size = desktop  # (a screen too small for the layouts keeps the asked size)
            return pygame.display.set_mode(size, pygame.FULLSCREEN)
        return pygame.display.set_mode(size)

    # -- the stack --------------------------------------------------------------------------
    @property
    def scene(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def make(self, scene: Scene | str, *args, **kwargs) -> Scene:
        """``scene`` itself, or a new scene of that name made with ``args`` and ``kwargs``."""

        if isinstance(scene, str):
            return scene_class(scene)(self, *args, **kwargs)
        if args or kwargs:
            raise TypeError("arguments are for a scene given by name")
        return scene

    def push(self, scene: Scene | str, *args, **kwargs) -> None:
        """Show ``scene`` (or a new scene of that name) on top of the stack."""

        scene = self.make(scene, *args, **kwargs)
        self._clear_widgets()
        self.stack.append(scene)
        scene.enter()
        scene.build()
        self.redraw()

    def pop(self) -> None:
        if self.stack:
            self.stack.pop().leave()
        self._clear_widgets()
        if self.scene:
            self.scene.build()
        else:
            self.running = False
        self.redraw()

    def replace(self, scene: Scene | str, *args, **kwargs) -> None:
        """Show ``scene`` (or a new scene of that name) instead of the top one."""

        scene = self.make(scene, *args, **kwargs)
        if self.stack:
            self.stack.pop().leave()
        self.push(scene)

    def reset_to(self, scene: Scene | str, *args, **kwargs) -> None:
        """Empty the stack and show ``scene`` or a new scene of that name (e.g. back to
        ``"title"``)."""

        scene = self.make(scene, *args, **kwargs)
        while self.stack:
            self.stack.pop().leave()
        self.push(scene)

    def rebuild(self) -> None:
        """Rebuild the top scene's widgets (language, size or data changed)."""

        self._clear_widgets()
        if self.scene:
            self.scene.build()
        self.redraw()

    def _clear_widgets(self) -> None:
        self.ui.clear_and_reset()
        WHOLE.clear()  # the next build shortens its own texts

    def set_language(self, lang: str) -> None:
        i18n.set_language(lang)
        self.ui.set_locale(lang)
        self.rebuild()

    def set_window(self, size: tuple[int, int], fullscreen: bool) -> None:
        if fullscreen != self.fullscreen and not headless():
            # A window switched to full screen keeps its place where no window manager
            # moves it (the picture then sat off the screen's corner, and clicks landed off
            # what they pointed at): a new window is opened at the screen's corner instead.
            pygame.display.quit()
            pygame.display.init()
            pygame.key.set_repeat(*KEY_REPEAT)
        self.size, self.fullscreen = size, fullscreen
        self.window = self._open_window(size)
        self.screen = self._canvas()
        self.ui.set_window_resolution(self.screen.get_size())
        self._scale_mouse()
        self.rebuild()

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self.set_window(self.size, self.fullscreen)

    def redraw(self) -> None:
        self.dirty = True
        self._active_until = time.monotonic() + ACTIVE_SECONDS

    def quit(self) -> None:
        self.running = False

    # -- the loop ---------------------------------------------------------------------------
    def step(self, events: list[pygame.event.Event], dt: float) -> None:
        """One frame: events, update, and a redraw if anything changed."""

        shown = self.scene
        for event in events:
            if event.type == pygame.QUIT:
                self.quit()
                continue
            if not self._track_keys(event):
                continue
            if event.type == pygame.MOUSEMOTION:
                self._moved_at = time.monotonic()
            if self.scene is not shown and event.type in INPUT_EVENTS:
                continue  # meant for the screen that was there when it was typed
            if event.type == pygame.KEYDOWN and event.key == pygame.K_F2 and self.scene:
                self.scene.toggle_language()  # on every screen alike
                self.redraw()
                continue
            consumed = self.ui.process_events(event)  # it scales positions itself
            # A click that a widget took is not also a click on what lies under it.
            mouse = event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL)
            if self.scene and not (consumed and mouse):
                self.scene.handle(self._on_canvas(event))
            self.redraw()
        self.ui.update(dt)
        if self.scene:
            self.scene.update(dt)
        for hook in list(self.on_frame):
            hook(self)
        if self.dirty:
            self.render()

    def _track_keys(self, event: pygame.event.Event) -> bool:
        """Keep ``held`` up to date; False for a held commit key's repeat (to be dropped)."""

        if event.type == pygame.KEYDOWN:
            repeat = event.key in self.held
            self.held.add(event.key)
            return not (repeat and event.key in COMMIT_KEYS)
        if event.type == pygame.KEYUP:
            self.held.discard(event.key)
        elif event.type == pygame.WINDOWFOCUSLOST:
            self.held.clear()  # a key released elsewhere sends no KEYUP here
        return True

    def run_busy(self, work: Callable[..., object], *args: object) -> object:
        """``work(*args)`` in a worker thread while this one keeps the window alive: input
        that arrives meanwhile is dropped (a quit is kept for after), and once the work has
        taken ``BUSY_AFTER`` seconds a busy indicator is drawn over the last frame. The work
        must not touch pygame or the widgets; its exception is raised here."""

        outcome: dict[str, object] = {}

        def worker() -> None:
            try:
                outcome["value"] = work(*args)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        thread = threading.Thread(target=worker, name="kam-busy", daemon=True)
        started = time.monotonic()
        thread.start()
        quit_asked = False
        while thread.is_alive():
            thread.join(1 / 30)
            for event in pygame.event.get():
                quit_asked |= event.type == pygame.QUIT
                self._track_keys(event)  # a key let go meanwhile is up afterwards
            if thread.is_alive() and time.monotonic() - started >= BUSY_AFTER:
                self._draw_busy(time.monotonic() - started)
        for event in pygame.event.get():  # what was typed while the work finished
            quit_asked |= event.type == pygame.QUIT
            self._track_keys(event)
        if quit_asked:
            pygame.event.post(pygame.event.Event(pygame.QUIT))
        self.redraw()
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome.get("value")

    def _draw_busy(self, seconds: float) -> None:
        """The busy indicator over the last frame (the scene is not drawn: its data is being
        changed by the work)."""

        w, h = self.screen.get_size()
        box = pygame.Rect(w // 2 - 130, h // 2 - 30, 260, 60)
        card(self.screen, box)
        dots = "." * (1 + int(seconds * 3) % 3)
        text(self.screen, (box.x + 24, box.y + 18), i18n.tr("app.busy") + dots, 17, INK,
             bold=True, max_width=box.width - 40)
        if self.screen is not self.window:
            pygame.transform.smoothscale(self.screen, self.window.get_size(), self.window)
        pygame.display.flip()
        self.busy_frames += 1
        for hook in list(self.on_busy_frame):
            hook(self)

    def _on_canvas(self, event: pygame.event.Event) -> pygame.event.Event:
        if self.effective_scale == 1.0 or not hasattr(event, "pos"):
            return event
        data = dict(event.dict)
        data["pos"] = (int(event.pos[0] / self.effective_scale),
                       int(event.pos[1] / self.effective_scale))
        return pygame.event.Event(event.type, data)

    def whole_text_at(self, pos: tuple[int, int]) -> str | None:
        """The whole text of a line shortened to fit at ``pos`` on the canvas, drawn by the
        last frame or set in a label or button (one without a tooltip of its own), or None."""

        for rect, whole in reversed(FRAME.cut):
            if rect.collidepoint(pos):
                return whole
        for sprite in reversed(self.ui.get_sprite_group().sprites()):
            shown = getattr(sprite, "text", None)
            if (isinstance(shown, str) and shown in WHOLE and sprite.visible
                    and not getattr(sprite, "tool_tip_text", None)
                    and UIElement.hover_point(sprite, *pos)):
                return WHOLE[shown]
        return None

    def _draw_whole_text(self) -> None:
        """Over the frame: the whole text of the shortened line the pointer rests on."""

        if time.monotonic() - self._moved_at < WHOLE_TEXT_AFTER or not pygame.mouse.get_focused():
            return
        x, y = self.mouse_pos()
        whole = self.whole_text_at((x, y))
        if whole is None:
            return
        lines = wrap(whole, TOOLTIP_WIDTH - 20, drawn_width(13), 12)
        box = pygame.Rect(x + 12, y + 20, TOOLTIP_WIDTH, 14 + 19 * len(lines))
        if lines and len(lines) == 1:
            box.width = drawn_width(13)(lines[0]) + 24
        box = box.clamp(self.screen.get_rect())
        if box.collidepoint(x, y):  # never under the pointer: above it instead
            box.bottom = y - 8
        card(self.screen, box)
        for k, line in enumerate(lines):
            text(self.screen, (box.x + 10, box.y + 7 + 19 * k), line, 13, INK)

    def render(self) -> None:
        self.screen.fill(BACKGROUND)
        FRAME.clear()
        if self.scene:
            self.scene.draw(self.screen)
        self.ui.draw_ui(self.screen)
        self._draw_whole_text()
        if self.screen is not self.window:
            pygame.transform.smoothscale(self.screen, self.window.get_size(), self.window)
        pygame.display.flip()
        self.frames += 1
        # Stay dirty while animating so hovers and tooltips keep painting; then rest.
        self.dirty = time.monotonic() < self._active_until

    def run(self) -> None:
        while self.running and self.scene:
            if self.dirty or time.monotonic() < self._active_until:
                self.clock.tick(30)
                events = pygame.event.get()
            else:
                first = pygame.event.wait(IDLE_WAIT_MS)
                events = [first, *pygame.event.get()] if first.type != pygame.NOEVENT else []
                self.clock.tick()
            self.step(events, min(self.clock.get_time() / 1000.0, 0.25))
        self.close()

    def close(self) -> None:
        while self.stack:
            self.stack.pop().leave()
        pygame.display.quit()

    def screenshot(self, path: Path) -> None:
        """Save the window as it settles: pygame_gui lays out and paints new widgets (a text
        box's text, a rebuilt tab's highlight) only in its update, so a picture taken right
        after a rebuild showed empty or stale widgets."""

        for _ in range(2):
            self.ui.update(0.0)
        self.render()
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.window, str(path))


def desktop_size() -> tuple[int, int] | None:
    """The screen's size in pixels (the first display's), or None if unknown (as with the
    dummy video driver, which has no screen)."""

    if headless():
        return None
    try:
        sizes = pygame.display.get_desktop_sizes()
    except pygame.error:
        return None
    return tuple(sizes[0]) if sizes and all(sizes[0]) else None


def fitting_size(size: tuple[int, int]) -> tuple[int, int]:
    """``size``, or the largest offered window that fits the screen when it does not (a size
    saved on a larger screen); a size the settings never offered is kept if it fits."""

    pygame.display.init()
    desktop = desktop_size()
    if desktop is None or (size[0] <= desktop[0] and size[1] <= desktop[1]):
        return size
    return offered_sizes(desktop)[-1]


def headless() -> bool:
    return os.environ.get("SDL_VIDEODRIVER") == "dummy"
