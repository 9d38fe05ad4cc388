"""Where each screen lives: the registry from a scene's name to its class in ``game.scenes``.

Scenes never import one another; they open the next screen by name through the app's
stack (``app.push("library", new_game=True)``, ``app.replace("results", session, result)``,
``app.reset_to("title")``), and the app makes the scene here. A scene's module is imported
the first time that screen opens, by name, so nothing here imports a scene (or the app)
up front.
"""

from __future__ import annotations

import importlib
import importlib.util

SCENES_PACKAGE = f"{__package__}.scenes"

#: Each scene's name (its ``Scene.name``) and where its class is: ``module.Class`` in
#: game/scenes.
SCENES = {
    "title": "title.TitleScene",
    "library": "library.LibraryScene",
    "settings": "settings.SettingsScene",
    "planning": "planning.PlanningScene",
    "results": "results.ResultsScene",
    "debrief": "debrief.DebriefScene",
    "workshop_setup": "console_setup.WorkshopSetupScene",
    "console": "console.ConsoleScene",
    "join": "join.JoinScene",
    "team_wait": "team_wait.TeamWaitScene",
    "glossary": "glossary.GlossaryScene",
}


def scene_class(name: str) -> type:
    """The ``game.app.Scene`` subclass called ``name`` (its module is imported now if need
    be); ``App.make`` makes scenes with it."""

    module, _, cls = SCENES[name].rpartition(".")
    return getattr(importlib.import_module(f"{SCENES_PACKAGE}.{module}"), cls)


def available(name: str) -> bool:
    """Whether this install has the screen called ``name`` (the LAN join screen is optional)."""

    module = SCENES[name].rpartition(".")[0]
    try:
        return importlib.util.find_spec(f"{SCENES_PACKAGE}.{module}") is not None
    except (ImportError, ValueError):
        return False
