"""The results and debrief scenes, driven headless through the app loop like a player."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from kam_sandbox.base import i18n  # noqa: E402
from kam_sandbox.engine import Game, load_scenario  # noqa: E402
from kam_sandbox.engine.actions import actions_to_plan  # noqa: E402
from kam_sandbox.engine.policies import POLICIES, decide  # noqa: E402
from kam_sandbox.game.scenes.debrief import REFERENCES, TABS, DebriefScene  # noqa: E402
from kam_sandbox.game.scenes.results import ResultsScene  # noqa: E402
from kam_sandbox.game.session import Session  # noqa: E402


def play(session: Session, quarters: int | None = None, policy: str = "needs") -> dict:
    """Play ``quarters`` (default: all the rest) through the session, as the UI does."""

    game = session.game
    result = session.last_result
    left = quarters if quarters is not None else game.scenario.turns - game.turn
    for _ in range(left):
        actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
        session.draft = actions_to_plan(actions, game.batch.static)
        result = session.end_quarter()
    return result


TUTORIAL = load_scenario("tutorial")


def new_game(scenario_id: str, seed: int) -> Game:
    assert scenario_id == "tutorial"
    return Game(TUTORIAL, seed)


def key(code: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0)


def click(element) -> pygame.event.Event:
    return pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=element)


@pytest.fixture
def app(window):
    """The module's window (conftest), emptied per test."""

    return window


@pytest.fixture(scope="module")
def finished():
    session = Session(game=new_game("tutorial", 7), slot="t", store=None)
    play(session)
    return session


def test_enter_after_a_mid_game_quarter_goes_to_planning(app):
    planning = pytest.importorskip("kam_sandbox.game.scenes.planning")
    session = Session(game=new_game("tutorial", 7), store=None)
    result = play(session, 2)
    app.push(ResultsScene(app, session, result))
    app.step([], 0.016)
    assert app.scene.name == "results"
    app.step([key(pygame.K_RETURN)], 0.016)
    assert isinstance(app.scene, planning.PlanningScene)
    assert app.scene.session is session
    assert len(app.stack) == 1  # replaced, not stacked


def test_continue_button_also_goes_on(app):
    planning = pytest.importorskip("kam_sandbox.game.scenes.planning")
    session = Session(game=new_game("tutorial", 7), store=None)
    result = play(session, 1)
    scene = ResultsScene(app, session, result)
    app.push(scene)
    app.step([click(scene.continue_button)], 0.016)
    assert isinstance(app.scene, planning.PlanningScene)


def test_space_after_the_last_quarter_goes_to_the_debrief(app, finished):
    app.push(ResultsScene(app, finished, finished.last_result))
    app.step([], 0.016)
    assert app.scene.continue_button.text == i18n.tr("results.continue_last")
    app.step([key(pygame.K_SPACE)], 0.016)
    assert isinstance(app.scene, DebriefScene)


def test_results_show_the_news_the_changes_and_a_save_failure(app):
    session = Session(game=new_game("tutorial", 7), store=None)
    result = play(session, 3)  # quarter 3 carries the tutorial's scripted reshuffle
    session.save_error = "disk full"
    scene = ResultsScene(app, session, result)
    app.push(scene)
    app.render()
    headline = session.scenario.events[0].headline.en
    assert headline.split(":")[0] in scene.news_box.html_text
    assert scene.warning is not None and "disk full" in scene.warning.text
    assert scene.changes_box.html_text.strip()
    assert len(scene.history) == 3


def test_results_render_in_chinese(app):
    session = Session(game=new_game("tutorial", 7), store=None)
    result = play(session, 1)
    scene = ResultsScene(app, session, result)
    app.push(scene)
    app.set_language("zh")
    app.render()
    assert scene.continue_button.text == "规划下一季度"
    for box in (scene.news_box, scene.changes_box):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in box.html_text)


def test_debrief_renders_every_section_in_both_languages(app, finished):
    scene = DebriefScene(app, finished)
    app.push(scene)
    for lang in ("zh", "en"):
        app.set_language(lang)
        for tab in TABS:
            scene.select_tab(tab)
            app.render()
            assert scene.tab == tab
            assert scene.tab_buttons[tab].text == i18n.tr(f"debrief.tab.{tab}")
    assert scene.tab_buttons["lessons"].text == "Lessons"


def test_debrief_number_keys_switch_sections_and_accounts(app, finished):
    scene = DebriefScene(app, finished)
    app.push(scene)
    app.step([key(pygame.K_3)], 0.016)
    assert scene.tab == "truth"
    assert len(scene.account_buttons) == len(finished.scenario.accounts)
    app.step([click(scene.account_buttons[2])], 0.016)
    assert scene.account == 2
    app.step([key(pygame.K_DOWN)], 0.016)
    assert scene.account == 3


def test_debrief_compares_with_the_reference_strategies_in_the_same_world(app, finished):
    scene = DebriefScene(app, finished)
    app.push(scene)
    assert set(scene.references) == set(REFERENCES)
    # The player played the needs policy, so the needs reference must match exactly:
    # same seed, same decisions, same world (common random numbers).
    assert scene.references["needs"]["score"] == pytest.approx(scene.scorecard["score"])
    assert scene.references["discount"]["profit"] < scene.references["needs"]["profit"]
    assert len(scene.reference_history) == finished.scenario.turns


def test_what_if_starts_a_new_session_at_the_chosen_quarter(app, finished):
    planning = pytest.importorskip("kam_sandbox.game.scenes.planning")
    scene = DebriefScene(app, finished)
    app.push(scene)
    scene.select_tab("whatif")
    app.step([click(scene.quarter_buttons[3])], 0.016)
    assert scene.whatif_turn == 3
    app.step([click(scene.replay_button)], 0.016)
    assert isinstance(app.scene, planning.PlanningScene)
    branch = app.scene.session
    assert branch is not finished
    assert branch.game.turn == 2  # about to play quarter 3
    assert branch.game.plans == finished.game.plans[:2]
    assert branch.slot == "t-whatif"
    assert branch.store is finished.store
    assert finished.game.over  # the original game is untouched


def test_play_again_and_menu_leave_the_debrief(app, finished):
    title = pytest.importorskip("kam_sandbox.game.scenes.title")
    library = pytest.importorskip("kam_sandbox.game.scenes.library")
    scene = DebriefScene(app, finished)
    app.push(scene)
    app.step([click(scene.again_button)], 0.016)
    assert isinstance(app.scene, library.LibraryScene)
    scene = DebriefScene(app, finished)
    app.reset_to(scene)
    app.step([click(scene.menu_button)], 0.016)
    assert isinstance(app.scene, title.TitleScene)


def test_draw_changes_no_state(app, finished):
    scene = DebriefScene(app, finished)
    app.push(scene)
    for tab in TABS:
        scene.select_tab(tab)
        before = (scene.tab, scene.account, scene.whatif_turn, finished.game.turn,
                  len(finished.game.plans))
        scene.draw(app.screen)
        scene.draw(app.screen)
        assert before == (scene.tab, scene.account, scene.whatif_turn, finished.game.turn,
                          len(finished.game.plans))
