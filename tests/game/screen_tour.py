"""Every screen of the single-player game in the states a player meets, rendered headless at
every canvas size the settings offer, in both languages; and what the frame shows as text.

``tour(app, store)`` yields a name for each state after rendering it; ``texts(app)`` is every
line of text on the canvas then, with its ink box: the game's own drawing (``draw.FRAME``)
and the pygame_gui labels, buttons and text boxes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pygame
from conftest import pump
from pygame_gui.elements import UIButton, UILabel, UIPanel, UITextBox

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.game import draw
from kam_sandbox.game.app import WINDOW
from kam_sandbox.game.saves import record_from_game
from kam_sandbox.game.session import Session
from kam_sandbox.game.settings import UI_SCALES, WINDOW_SIZES


def canvas_sizes() -> list[tuple[tuple[int, int], float]]:
    """(window size, UI scale) giving each distinct canvas a screen is laid out on."""

    seen, out = set(), []
    for size in WINDOW_SIZES:
        for scale in UI_SCALES:
            s = max(1.0, min(scale, size[0] / WINDOW[0], size[1] / WINDOW[1]))
            canvas = (round(size[0] / s), round(size[1] / s))
            if canvas not in seen:
                seen.add(canvas)
                out.append((size, scale))
    return out


@contextmanager
def tour_app(tmp_path, monkeypatch, lang: str, size=None, scale: float = 1.0) -> Iterator:
    """An app in ``lang`` with its data (settings, saves) in ``tmp_path``, closed after."""

    from kam_sandbox.game.app import App
    from kam_sandbox.game.saves import SaveStore
    from kam_sandbox.game.settings import load_settings

    monkeypatch.setenv("KAM_SANDBOX_DATA", str(tmp_path))
    i18n.set_language(lang)
    app = App(size, scale=scale) if size else App()
    try:
        app.data_folder, app.settings = tmp_path, load_settings(tmp_path)
        app.store = SaveStore(tmp_path / "saves")
        app.ui.set_locale(lang)
        yield app
    finally:
        app.close()
        i18n.set_language("en")


def texts(app) -> list[tuple[str, pygame.Rect]]:
    """Every line of text the last frame shows, with its ink box on the canvas: what the game
    drew (under every widget) and pygame_gui's labels, buttons and text boxes; text that an
    opaque panel above it hides (the guided tour's box over the screen) is left out."""

    items = [(value, rect, -1) for value, rect in draw.FRAME.lines]
    panels = []  # (rect, place in the drawing order)
    for order, sprite in enumerate(app.ui.get_sprite_group().sprites()):
        if not sprite.visible or getattr(sprite, "image", None) is None:
            continue
        if isinstance(sprite, UIPanel):
            panels.append((sprite.rect, order))
            continue
        if not isinstance(sprite, (UILabel, UIButton, UITextBox)):
            continue
        if any("scroll_bar" in i for i in sprite.element_ids):
            continue  # a text box's own scroll bar
        if isinstance(sprite, UIButton) and not sprite.text.strip():
            continue  # a hotspot or a clickable card: the text on it is its own
        ink = sprite.image.get_bounding_rect().move(sprite.rect.topleft)
        if ink.width and ink.height:
            value = getattr(sprite, "text", None) or getattr(sprite, "html_text", "") or "?"
            items.append((str(value), ink, order))  # whole: a cut could split "¥2,148.74万"
    return [(value, rect) for value, rect, order in items
            if not any(p.colliderect(rect) and drawn > order for p, drawn in panels)]


def overlaps(app, tolerance: int = 2) -> list[str]:
    """Pairs of text whose ink boxes overlap by more than ``tolerance`` pixels both ways."""

    found = []
    lines = texts(app)
    for a, (va, ra) in enumerate(lines):
        for vb, rb in lines[a + 1:]:
            both = ra.clip(rb)
            if both.width > tolerance and both.height > tolerance:
                found.append(f"{va[:60]!r} {tuple(ra)} × {vb[:60]!r} {tuple(rb)}")
    return found


def show(app) -> None:
    """Let pygame_gui lay everything out, then paint a frame."""

    pump(app, 2)
    app.ui.update(0.0)
    app.render()


def play_quarter(session: Session, policy: str = "needs") -> dict:
    game = session.game
    actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
    session.draft = actions_to_plan(actions, game.batch.static)
    return session.end_quarter()


def tour(app, store, scenario: str = "retail", seed: int = 3) -> Iterator[str]:
    """Render each screen state in turn; yields its name after each frame is painted."""

    game = new_game("tutorial", 4)
    game.play({"accounts": {}, "portfolio": {}})
    store.save("a-save", record_from_game(game, i18n.language(), "恒拓智能：十二家战略客户 — long"))
    app.reset_to("title")
    show(app)
    yield "title"
    app.push("library", new_game=True)
    show(app)
    yield "library"
    for tab in ("accounts", "briefing"):
        app.scene.show_tab(tab)
        show(app)
        yield f"library-{tab}"
    app.reset_to("settings")
    show(app)
    yield "settings"

    session = Session(new_game(scenario, seed), store=None)
    app.reset_to("planning", session)
    plan = app.scene
    plan.tutorial_step = None
    accounts = session.scenario.accounts
    busiest = max(range(len(accounts)), key=lambda i: len(accounts[i].stakeholders))
    for i in sorted({0, busiest, len(accounts) - 1}):
        plan.select(i)
        show(app)
        yield f"planning-{i}"
    plan.tutorial_step = 0
    while plan.tutorial_step is not None:
        app.rebuild()
        show(app)
        yield f"tour-{plan.tutorial_step}"
        plan.advance_tutorial()
    result = play_quarter(session)
    app.reset_to("results", session, result)
    show(app)
    yield "results-q1"
    yield from to_the_debrief(app, session, peaks=True)


def to_the_debrief(app, session: Session, peaks: bool = False) -> Iterator[str]:
    """Play ``session`` to its end (with ``peaks``, showing each peak season's plan), then
    show the last results and every debrief tab."""

    from kam_sandbox.game.scenes.debrief import TABS

    result = session.game.results[-1] if session.game.results else None
    while not session.game.over:
        result = play_quarter(session)
        if peaks and session.game.view().peak and not session.game.over:
            app.reset_to("planning", session)
            app.scene.tutorial_step = None
            show(app)
            yield f"planning-peak-q{session.game.turn + 1}"
    app.reset_to("results", session, result)
    show(app)
    yield "results-last"
    app.reset_to("debrief", session)
    for tab in TABS:
        app.scene.select_tab(tab)
        show(app)
        yield f"debrief-{tab}"
