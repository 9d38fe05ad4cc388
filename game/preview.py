"""``kam-sandbox preview FILE``: what a trainee will see of a case, without playing it.

The real screens draw the case: its library card and briefing, the accounts tab, the
planning screen with each account selected (persona, history, buying center) and the
results screen carrying every headline the case can show. ``capture`` returns those frames
and every text the screens had to cut without an ellipsis or a hover showing the whole
text (pygame_gui warns when a label's box is too small: that label is cut silently).
``write_sheet`` stacks the frames into one PNG, so an author checks that the text fits
without playing through.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from kam_sandbox.engine import Game
from kam_sandbox.engine.scenario import Scenario

from .app import App
from .session import Session

#: Between two frames of the sheet, and the band naming each frame.
GAP = 8
BAND = 22
#: pygame_gui's warning for a label too small for its text (the text is cut, no ellipsis).
LABEL_CUT = "Label Rect is too small for text"


@dataclass
class Preview:
    """The frames a trainee sees of a case, and the texts cut without an ellipsis."""

    frames: list[tuple[str, pygame.Surface]] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _watching(preview: Preview, name: str) -> Iterator[None]:
    """Keep pygame_gui's cut-label warnings raised inside the block, named by ``name``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        text = str(w.message)
        if text.startswith(LABEL_CUT):
            preview.cut.append(f"{name}: {text[len(LABEL_CUT):].strip(' :-')}")


def _frame(app: App, preview: Preview, name: str) -> None:
    """Let the scene settle, draw it and keep a copy of the screen."""
    with _watching(preview, name):
        for _ in range(2):
            app.step(pygame.event.get(), 0.016)
        app.render()
    preview.frames.append((name, app.screen.copy()))


def capture(app: App, path: str | Path, scenario: Scenario, seed: int = 1) -> Preview:
    """Every frame of ``scenario`` (read from ``path``) as the game draws it on ``app``."""

    preview = Preview()
    with _watching(preview, "library"):
        app.push("library")
        library = app.scene
        library.open_path(path)
    _frame(app, preview, "library · briefing")
    with _watching(preview, "library · accounts"):
        library.show_tab("accounts")
    _frame(app, preview, "library · accounts")

    session = Session(Game(scenario, seed), store=None)
    with _watching(preview, "planning"):
        app.push("planning", session)
    planning = app.scene
    planning.tutorial_step = None  # the tutorial's first card would hide the portfolio
    for i, acc in enumerate(scenario.accounts):
        name = f"planning · {acc.id}"
        with _watching(preview, name):
            planning.select(i)
        _frame(app, preview, name)

    result = session.end_quarter()  # a quarter of the empty plan: the results screen
    result["headlines"] = [
        {"type": e.type, "account": e.account, "headline": e.headline.model_dump()}
        for e in scenario.events if e.headline is not None
    ]
    with _watching(preview, "results"):
        app.push("results", session, result)
    _frame(app, preview, "results · headlines")
    return preview


def sheet(frames: list[tuple[str, pygame.Surface]]) -> pygame.Surface:
    """The frames one under another, each under a band with its name."""

    width = max(s.get_width() for _, s in frames)
    height = sum(s.get_height() + BAND + GAP for _, s in frames)
    out = pygame.Surface((width, height))
    out.fill((40, 44, 52))
    font = pygame.font.Font(None, 20)
    y = 0
    for name, surface in frames:
        out.blit(font.render(name, True, (235, 235, 235)), (8, y + 4))
        out.blit(surface, (0, y + BAND))
        y += surface.get_height() + BAND + GAP
    return out


def write_sheet(preview: Preview, out: Path) -> Path:
    """Save the preview's frames as one PNG at ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(sheet(preview.frames), str(out))
    return out
