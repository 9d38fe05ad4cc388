"""Scenes reach each other by name through the app: the registry knows every screen, and a
name on the stack opens that screen with the arguments given."""

from __future__ import annotations

import pkgutil

import pytest

from kam_sandbox.game import navigation, scenes
from kam_sandbox.game.app import Scene


def test_every_scene_module_is_registered_under_its_scenes_name():
    modules = {m.name for m in pkgutil.iter_modules(scenes.__path__)}
    assert {path.rpartition(".")[0] for path in navigation.SCENES.values()} == modules
    for name in navigation.SCENES:
        cls = navigation.scene_class(name)
        assert issubclass(cls, Scene) and cls.name == name
        assert navigation.available(name)


def test_the_stack_opens_a_scene_by_name(app):
    app.push("title")
    app.push("library", new_game=True)
    assert app.scene.name == "library" and app.scene.new_game
    app.replace("settings")
    assert [s.name for s in app.stack] == ["title", "settings"]
    app.reset_to("title")
    assert [s.name for s in app.stack] == ["title"]
    with pytest.raises(TypeError):
        app.push(app.scene, "no arguments for a scene object")
