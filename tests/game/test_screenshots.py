"""Screenshots show the screen as it settles (issue 11 item 22): every widget is laid out
and painted before the picture is taken, so the debrief's Lessons tab is not blank, the
hidden truth lists its accounts, only the open tab is highlighted and the plan panel shows
the selected account's people. And a demo's screenshots are checked for empty content."""

from __future__ import annotations

import pygame
import pytest
from conftest import pump
from test_results_debrief import new_game, play

from kam_sandbox.game.scenes.debrief import TABS
from kam_sandbox.game.session import Session


def settled(app) -> pygame.Surface:
    for _ in range(4):
        pump(app, 1)
        app.ui.update(0.05)
    app.render()
    return app.window.copy()


def same(a: pygame.Surface, b: pygame.Surface) -> bool:
    return pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


@pytest.fixture(scope="module")
def finished():
    session = Session(game=new_game("tutorial", 7), slot="t", store=None)
    play(session)
    return session


def test_a_debrief_tab_screenshot_is_the_settled_screen(app, finished, tmp_path):
    app.push("debrief", finished)
    pump(app)
    for k, tab in enumerate(TABS):
        app.scene.select_tab(tab)
        path = tmp_path / f"{k}-{tab}.png"
        app.screenshot(path)
        shot = pygame.image.load(str(path))
        assert same(shot, settled(app)), tab


def test_a_planning_screenshot_after_a_new_selection_is_the_settled_screen(app, tmp_path):
    session = Session(game=new_game("tutorial", 7), slot="t", store=None)
    app.push("planning", session)
    app.scene.tutorial_step = None
    app.rebuild()
    pump(app)
    for i in range(len(session.scenario.accounts)):
        app.scene.selected = i
        app.rebuild()
        app.screenshot(tmp_path / "p.png")
        assert same(pygame.image.load(str(tmp_path / "p.png")), settled(app)), i


def ink(image: pygame.Surface, rect: pygame.Rect, step: int = 4) -> float:
    """The share of sampled pixels in ``rect`` that differ from the page's background."""

    background = image.get_at((rect.right - 2, rect.bottom - 2))[:3]
    samples = [(x, y) for x in range(rect.x, rect.right, step) for y in range(rect.y, rect.bottom, step)]
    return sum(image.get_at(p)[:3] != background for p in samples) / len(samples)


def content_problems(folder, lang: str) -> list[str]:
    """What is empty or wrong in a demo's debrief screenshots (1280×720 layout)."""

    problems = []
    for k, tab in enumerate(TABS):
        image = pygame.image.load(str(folder / f"{lang}-99-debrief-{k + 1}-{tab}.png"))
        content = pygame.Rect(224, 112, 1044, 560)
        if ink(image, content) < 0.01:
            problems.append(f"{tab}: content empty")
        if tab == "truth" and ink(image, pygame.Rect(224, 112, 236, 300)) < 0.05:
            problems.append("truth: no account list")
        colours = [image.get_at((20, 76 + 46 * j + 20))[:3] for j in range(len(TABS))]
        highlighted = [j for j, c in enumerate(colours) if c != colours[(k + 1) % len(TABS)]]
        if highlighted != [k]:
            problems.append(f"{tab}: highlighted tabs {highlighted}")
    return problems


def test_the_check_finds_an_empty_screenshot(tmp_path):
    pygame.display.init()
    blank = pygame.Surface((1280, 720))
    blank.fill((245, 246, 250))
    for k, tab in enumerate(TABS):
        pygame.image.save(blank, str(tmp_path / f"en-99-debrief-{k + 1}-{tab}.png"))
    assert len(content_problems(tmp_path, "en")) >= len(TABS)
