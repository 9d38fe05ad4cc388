"""Start the game window: settings, saves, the first scene, and the loop.

``kam-sandbox`` and ``kam-sandbox play`` land here; pygame is imported only now, so the
headless commands never load it.
"""

from __future__ import annotations

import contextlib
import random
import sys
import traceback
from pathlib import Path

from kam_sandbox.base import i18n


def run(lang: str | None = None, scenario: str | None = None, seed: int | None = None,
        demo: bool = False, policy: str = "needs", screenshots: Path | None = None,
        size: tuple[int, int] | None = None, fullscreen: bool | None = None,
        pace: float | None = None, data: Path | None = None, console: Path | None = None,
        join: str | None = None, preview: Path | None = None) -> int:
    """Open the game; ``console`` opens the facilitator console on a workshop folder,
    ``join`` (``HOST:PORT`` or "" to ask) the screen where a team joins a LAN workshop, and
    ``preview`` the library on an author's scenario file (its card, briefing, accounts)."""
    from . import splash
    from .paths import default_folder

    folder = data or default_folder()
    window, full = splash.window_settings(folder)
    try:
        splash.show(size or window, full if fullscreen is None else fullscreen)
    except splash.NoDisplay as exc:
        i18n.set_language(lang or i18n.system_language())
        print(i18n.tr("app.no_display", detail=exc), file=sys.stderr)
        return 1
    except Exception as exc:  # pygame.error: a window of that size or mode cannot open…
        i18n.set_language(lang or i18n.system_language())
        print(i18n.tr("app.no_window", detail=exc), file=sys.stderr)
        return 1

    from .app import App, headless
    from .saves import SaveStore
    from .settings import load_settings, save_settings

    if scenario:
        from kam_sandbox.engine import KamError, load_scenario

        try:
            load_scenario(scenario)
        except KamError as exc:
            print(f"kam-sandbox: {exc}", file=sys.stderr)
            return 2
    folder.mkdir(parents=True, exist_ok=True)
    settings = load_settings(folder)
    if lang:
        settings.lang = lang
    i18n.set_language(settings.lang)
    width, height = size or (settings.width, settings.height)
    app = App((width, height), settings.fullscreen if fullscreen is None else fullscreen,
              settings.ui_scale)
    app.settings, app.data_folder = settings, folder
    try:
        app.store = SaveStore(folder / "saves")
    except Exception as exc:  # a broken data folder must not stop play; saves are disabled
        print(f"kam-sandbox: saves are disabled: {exc}", file=sys.stderr)
        app.store = None
    app.push("title")
    if demo:
        from .demo import DemoDriver

        driver = DemoDriver(app, scenario or "tutorial", seed if seed is not None else 1,
                            policy, screenshots,
                            pace if pace is not None else (0.0 if headless() else 1.2),
                            store=None)
        app.on_frame.append(driver)
    elif console is not None:
        app.push("console", console)
    elif join is not None:
        app.push("join", join or None)
    elif preview is not None:
        app.push("library")
        app.scene.open_path(preview)
    elif scenario:
        from kam_sandbox.engine import new_game

        from .session import Session

        game = new_game(scenario, seed if seed is not None else random.randrange(1, 10**6))
        # A file given by path is an author's: the game watches it and reloads on change.
        authored = Path(scenario).is_file()
        session = Session(game, slot=f"{game.scenario.id}-{game.seed}",
                          label=i18n.pick(game.scenario.title), store=app.store,
                          scenario_path=str(Path(scenario).resolve()) if authored else None)
        app.push("planning", session)
    try:
        app.run()
    except Exception:  # a bug must not cost the player their game: save, log, explain
        log = folder / "crash.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        with contextlib.suppress(Exception):
            app.close()  # scenes leave; a planning scene autosaves as it goes
        print(f"kam-sandbox: the game stopped on an internal error; your last quarter is "
              f"saved. Details for a bug report: {log}", file=sys.stderr)
        return 1
    if not demo:
        save_settings(folder, app.settings)
    return 0
