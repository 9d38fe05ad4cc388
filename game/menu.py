"""What the menu screens (title, library, settings, workshop setup) read and say alike: the
save slots and where each saved game stands, the scene that resumes one, the shipped
scenarios by id, and error messages without the data folder's long path."""

from __future__ import annotations

import os
from functools import cache

from kam_sandbox.base import fmt, i18n
from kam_sandbox.base.i18n import tr
from kam_sandbox.engine import Scenario, load_scenario
from kam_sandbox.engine.messages import render

from .app import App, Scene
from .saves import draft_from_record, game_from_record, replay_notes
from .session import Session


def short_error(app: App, error: str) -> str:
    """An error message with the data folder's path cut out, so the file name shows."""

    for folder in (getattr(getattr(app, "store", None), "folder", None),
                   getattr(app, "data_folder", None)):
        if folder is not None:
            error = error.replace(str(folder) + os.sep, "")
    return error


def open_saved_game(app: App, slot: str) -> Scene:
    """The scene that resumes save ``slot``: planning (with the plan being drafted when it
    was saved), or the debrief of a finished game; from the slot's previous generation,
    and saying so, when the latest is damaged; saying so too when it was replayed under
    another version of its case or today's plan rules.

    Raises (SaveError and the like) when the save cannot be opened; callers show why.
    """

    record, damage = app.store.load_with_fallback(slot)
    game = game_from_record(record)
    session = Session(game, slot=slot, label=record.get("label") or slot,
                      scenario_path=record.get("scenario_path"), store=app.store)
    session.draft = draft_from_record(record, game) or session.draft
    session.original = record.get("original")  # a what-if: the game it branched from
    scene = app.make("debrief" if game.over else "planning", session)
    notes = [tr("menu.fell_back_notice")] if damage else []
    notes += [tr(key, **{k: render(v, i18n.language()) for k, v in values.items()})
              for key, values in replay_notes(record, game)]
    if notes and hasattr(scene, "notice"):  # the planning screen's status line says so
        scene.notice = " ".join(notes)
    return scene


@cache
def scenario_by_id(scenario_id: str) -> Scenario | None:
    """A shipped scenario by id (cached), or None when there is none that loads."""

    try:
        return load_scenario(scenario_id)
    except Exception:
        return None


def slot_title(info) -> str:
    """A saved game's name in the current language: its case's title ("(what-if)" after a
    what-if branch's), not the label written in the language of the day it started; the
    label for a case that is not installed (opened from a file)."""

    scenario = scenario_by_id(info.scenario) if info.scenario else None
    if scenario is None:
        return info.label or info.name
    title = i18n.pick(scenario.title)
    return tr("debrief.whatif.label", label=title) if info.name.endswith("-whatif") else title


def seed_text(info) -> str:
    """'seed 42', to tell two games of one case apart ('' when unknown)."""

    return "" if info.seed is None else tr("menu.slot_seed", seed=info.seed)


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
