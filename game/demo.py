"""Demo mode: a built-in strategy plays a whole game through the real UI.

Trainers put it on a projector; it is also the end-to-end test. The driver is a frame hook:
it looks at the scene on top, waits until it has been shown, optionally saves a
screenshot, then acts the way a player would (keys and the planning draft).
"""

from __future__ import annotations

import time
from pathlib import Path

import pygame

from kam_sandbox.engine import new_game
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import decide, get_policy

from .app import App
from .session import Session


class DemoDriver:
    """Plays ``policy`` on ``scenario`` with ``seed``; ``pace`` seconds between moves."""

    def __init__(self, app: App, scenario: str, seed: int, policy: str = "needs",
                 screenshots: Path | None = None, pace: float = 0.0, store=None):
        self.app, self.scenario, self.seed = app, scenario, seed
        self.policy = get_policy(policy)
        self.screenshots = screenshots
        self.pace = pace
        self.store = store
        self.shots: list[Path] = []
        self.phase = "title"
        self.next_move = 0.0
        self.done = False
        self.session: Session | None = None

    def __call__(self, app: App) -> None:
        if self.done or time.monotonic() < self.next_move:
            return
        scene = app.scene
        if scene is None:
            return
        self.next_move = time.monotonic() + self.pace
        name = scene.name
        if name == "title" and self.phase == "title":
            self.shot("01-title")
            self.phase = "library"
            app.push("library")
        elif name == "library" and self.phase == "library":
            self.shot("02-library")
            self.phase = "playing"
            self.start_game()
        elif name == "planning":
            self.plan(scene)
        elif name == "results":
            turn = self.session.game.turn if self.session else 0
            self.shot(f"results-q{turn:02d}")
            self.press(pygame.K_RETURN)
        elif name == "debrief":
            self.finish_debrief(scene)

    def start_game(self) -> None:
        game = new_game(self.scenario, self.seed)
        self.session = Session(game, slot="demo", label="demo", store=self.store)
        self.app.reset_to("planning", self.session)

    def plan(self, scene) -> None:
        session = scene.session
        self.session = session
        game = session.game
        actions = decide(self.policy, game.view(), game.scenario, game.batch.static)
        session.draft = actions_to_plan(actions, game.batch.static)
        # Show the busiest account so the screenshot has an allocation to look at.
        busiest = max(range(len(game.scenario.accounts)),
                      key=lambda i: len(session.draft["accounts"].get(
                          game.scenario.accounts[i].id, {})))
        scene.selected = busiest
        scene.tutorial_step = None  # the demo plays; the guided tour is for people
        self.app.rebuild()
        self.shot(f"planning-q{game.turn + 1:02d}")
        self.press(pygame.K_RETURN)

    def finish_debrief(self, scene) -> None:
        from .scenes.debrief import TABS

        for k, tab in enumerate(TABS):
            scene.select_tab(tab)
            self.shot(f"99-debrief-{k + 1}-{tab}")
        self.done = True
        self.app.quit()

    def press(self, key: int) -> None:
        """Press and let go (a key never let go is held, and the app drops its repeats)."""

        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="\r", scancode=0))

    def shot(self, name: str) -> None:
        if self.screenshots is None:
            return
        from kam_sandbox.base.i18n import language

        path = self.screenshots / f"{language()}-{name}.png"
        if path in self.shots:
            return
        self.app.screenshot(path)
        self.shots.append(path)
