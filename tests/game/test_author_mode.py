"""Author mode: a scenario opened from a file reloads when the file changes, and a broken
edit is shown with file:line:col while play goes on with the last good version."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import pump

from kam_sandbox.engine import load_scenario, new_game, shipped_scenarios
from kam_sandbox.game.scenes.planning import PlanningScene
from kam_sandbox.game.session import Session

#: The tutorial's budget line, as the edits below find it in the file.
BUDGET = f"budget: {int(load_scenario('tutorial').resources.budget)}"


@pytest.fixture
def scenario_file(tmp_path):
    source = next(p for p in shipped_scenarios() if p.stem == "tutorial")
    path = tmp_path / "my-case.yaml"
    shutil.copy(source, path)
    return path


def touch_edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a visibly newer file


def authored_session(path, quarters=2):
    session = Session(new_game(load_scenario(path), 3), store=None, scenario_path=str(path))
    assert session.check_reload() is None  # first look: remember the file's time
    for _ in range(quarters):
        session.end_quarter()
    return session


def test_an_edit_reloads_and_replays_the_decisions(scenario_file):
    session = authored_session(scenario_file)
    before = session.game.kpi_history()
    touch_edit(scenario_file, BUDGET, "budget: 90000")
    notice = session.check_reload()
    assert notice and "2" in notice
    assert session.game.turn == 2
    assert session.scenario.resources.budget == 90000
    assert session.game.kpi_history() == before  # same world, same decisions so far
    assert session.check_reload() is None  # nothing new


def test_a_broken_edit_keeps_the_last_good_version_and_says_where(scenario_file):
    session = authored_session(scenario_file)
    game = session.game
    touch_edit(scenario_file, BUDGET, BUDGET.replace("budget", "budgte"))
    notice = session.check_reload()
    assert notice and session.game is game
    assert any(str(scenario_file) in p and "budgte" in p and "did you mean 'budget'" in p
               for p in session.reload_problems)


def test_the_problems_of_a_broken_edit_are_in_the_interface_language(scenario_file):
    from kam_sandbox.base import i18n

    session = authored_session(scenario_file)
    touch_edit(scenario_file, BUDGET, BUDGET.replace("budget", "budgte"))
    before = i18n.language()
    i18n.set_language("zh")
    try:
        session.check_reload()
    finally:
        i18n.set_language(before)
    assert any("未知的键 'budgte'（是不是 'budget'？）" in p for p in session.reload_problems)


def test_removing_an_account_restarts_the_game(scenario_file):
    session = authored_session(scenario_file)
    text = scenario_file.read_text(encoding="utf-8")
    first = session.scenario.accounts[0].id
    plays = sum(1 for plan in session.game.plans if first in plan["accounts"])
    session.draft["accounts"][first] = {"support_days": 1}
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  - id: " + first))
    end = next(i for i in range(start + 1, len(lines))
               if lines[i].startswith("  - id: ") or not lines[i].startswith((" ", "\n", "#")))
    scenario_file.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    stat = scenario_file.stat()
    os.utime(scenario_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    notice = session.check_reload()
    if session.reload_problems:  # an event may name the removed account: a clear error
        assert any(first in p for p in session.reload_problems)
        return
    assert notice and first not in session.draft["accounts"]
    assert session.game.turn == (0 if plays else 2)


def test_planning_scene_shows_the_problems_of_a_broken_edit(app, scenario_file):
    session = authored_session(scenario_file, quarters=1)
    scene = PlanningScene(app, session)
    app.push(scene)
    touch_edit(scenario_file, "turns: 4", "turns: four")
    scene.update(2.0)
    pump(app)
    assert app.scene.problems_box is not None
    assert "four" in " ".join(session.reload_problems)
    app.scene.handle(type("E", (), {"type": __import__("pygame_gui").UI_BUTTON_PRESSED,
                                    "ui_element": app.scene.problems_dismiss})())
    assert app.scene.problems_box is None


def test_library_opens_a_scenario_file_with_its_problems(app, scenario_file):
    from kam_sandbox.game.scenes.library import LibraryScene

    scene = LibraryScene(app)
    app.push(scene)
    scene.open_path(scenario_file)
    assert app.scene.entry.external and app.scene.entry.scenario is not None
    touch_edit(scenario_file, "turns: 4", "turns: 99")
    scene.open_path(scenario_file)
    assert app.scene.entry.scenario is None
    assert any(p.path == "turns" for p in app.scene.entry.problems)


def test_library_shows_the_warnings_of_an_opened_file(app):
    from pathlib import Path

    from kam_sandbox.base.i18n import tr
    from kam_sandbox.game.scenes.library import LibraryScene

    data = Path(__file__).resolve().parents[1] / "data"
    scene = LibraryScene(app)
    app.push(scene)
    scene.open_path(data / "warn_season.yaml")
    entry = app.scene.entry
    assert entry.scenario is not None
    html = app.scene.briefing_html(entry.scenario)
    assert tr("library.warnings", n=1) in html and "season.demand" in html
