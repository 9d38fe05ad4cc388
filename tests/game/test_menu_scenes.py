"""The menus driven like a player: title, scenario library, settings; saves and settings on
disk in a temporary folder; corrupt files never crash a menu."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import json  # noqa: E402
import string  # noqa: E402
import warnings  # noqa: E402
from importlib import resources  # noqa: E402

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402
from conftest import click, press, pump  # noqa: E402
from pygame_gui.elements import UIButton, UILabel  # noqa: E402

from kam_sandbox import engine  # noqa: E402
from kam_sandbox.base import i18n  # noqa: E402
from kam_sandbox.base.i18n import tr  # noqa: E402
from kam_sandbox.engine import new_game  # noqa: E402
from kam_sandbox.game.app import App  # noqa: E402
from kam_sandbox.game.saves import SaveStore, record_from_game  # noqa: E402
from kam_sandbox.game.scenes.library import LibraryScene  # noqa: E402
from kam_sandbox.game.scenes.settings import SettingsScene  # noqa: E402
from kam_sandbox.game.scenes.title import TitleScene  # noqa: E402
from kam_sandbox.game.settings import Settings, load_settings, save_settings, settings_path  # noqa: E402

LOCALES = resources.files("kam_sandbox.base").joinpath("locales")


# -- fixtures and helpers -------------------------------------------------------------------
@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_SANDBOX_DATA", str(tmp_path))
    monkeypatch.setenv("KAM_SANDBOX_LANG", "en")
    return tmp_path


@pytest.fixture
def menu_app(data):
    """An App as game.main sets it up: settings, save store and data folder in tmp."""

    i18n.set_language("en")
    application = App()
    application.data_folder = data
    application.settings = load_settings(data)
    application.store = SaveStore(data / "saves")
    application.ui.set_locale("en")
    yield application
    application.close()
    i18n.set_language("en")


def widgets(app, kind=None):
    return [s for s in app.ui.get_sprite_group().sprites()
            if kind is None or isinstance(s, kind)]


def texts(app, kind=UILabel) -> list[str]:
    return [w.text for w in widgets(app, kind)]


def button(app, text: str) -> UIButton:
    found = [b for b in widgets(app, UIButton) if b.text == text]
    assert found, f"no button {text!r} among {texts(app, UIButton)}"
    return found[0]


def click_button(app, text: str) -> None:
    click(app, button(app, text).rect.center)


def save_game(store: SaveStore, slot: str, scenario="tutorial", seed=3, quarters=1,
              label="My game") -> None:
    game = new_game(scenario, seed)
    for _ in range(quarters):
        game.play({"accounts": {}, "portfolio": {}})
    store.save(slot, record_from_game(game, "en", label))


def corrupt_slot(data, name="broken") -> None:
    folder = data / "saves"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"slot-{name}.json").write_text("{not json at all", encoding="utf-8")


def open_title(app) -> TitleScene:
    app.push(TitleScene(app))
    pump(app)
    return app.scene


# -- title ----------------------------------------------------------------------------------
def test_title_shows_both_names_and_the_menu(menu_app):
    open_title(menu_app)
    labels = texts(menu_app)
    assert "KAM Sandbox" in labels and "大客户管理沙盘" in labels
    big = [w.text for w in widgets(menu_app, UILabel) if "#title" in w.object_ids]
    assert big == ["KAM Sandbox"]  # the current language is the larger one
    for key in ("menu.new_game", "menu.continue", "menu.library", "menu.settings",
                "menu.quit"):
        button(menu_app, tr(key))
    assert not button(menu_app, tr("menu.continue")).is_enabled  # nothing saved yet
    assert tr("menu.no_save") in labels
    assert button(menu_app, "中文")  # the switch names the other language


def test_new_game_from_the_title_starts_the_tutorial_for_a_first_timer(menu_app, data):
    pytest.importorskip("kam_sandbox.game.scenes.planning")
    from kam_sandbox.game.scenes.planning import PlanningScene

    open_title(menu_app)
    click_button(menu_app, tr("menu.new_game"))
    library = menu_app.scene
    assert isinstance(library, LibraryScene)
    assert library.entry.id == "tutorial"  # preselected for a first-time player
    assert tr("library.new_here") in texts(menu_app)
    seed = library.seed()
    assert seed is not None and 1 <= seed < 10**6

    click_button(menu_app, tr("library.start"))
    scene = menu_app.scene
    assert isinstance(scene, PlanningScene)
    assert scene.session.scenario.id == "tutorial"
    assert scene.session.game.seed == seed
    assert scene.session.slot == f"tutorial-{seed}"
    assert scene.session.store is menu_app.store
    assert [type(s) for s in menu_app.stack] == [TitleScene, PlanningScene]  # replaced
    assert menu_app.settings.tutorial_seen
    assert load_settings(data).tutorial_seen  # written to disk


def test_keyboard_navigation(menu_app):
    open_title(menu_app)
    press(menu_app, pygame.K_l)
    assert isinstance(menu_app.scene, LibraryScene) and not menu_app.scene.new_game
    press(menu_app, pygame.K_ESCAPE)
    assert isinstance(menu_app.scene, TitleScene)
    press(menu_app, pygame.K_n)
    assert isinstance(menu_app.scene, LibraryScene) and menu_app.scene.new_game
    press(menu_app, pygame.K_ESCAPE)
    press(menu_app, pygame.K_s)
    assert isinstance(menu_app.scene, SettingsScene)
    press(menu_app, pygame.K_ESCAPE)
    assert isinstance(menu_app.scene, TitleScene)
    press(menu_app, pygame.K_c)  # nothing to continue: stays put
    assert isinstance(menu_app.scene, TitleScene)
    press(menu_app, pygame.K_q)
    assert not menu_app.running


def test_language_switch_on_the_title(menu_app, data):
    open_title(menu_app)
    click_button(menu_app, "中文")
    assert i18n.language() == "zh"
    big = [w.text for w in widgets(menu_app, UILabel) if "#title" in w.object_ids]
    assert big == ["大客户管理沙盘"]
    button(menu_app, "新游戏")
    button(menu_app, "English")
    assert load_settings(data).lang == "zh"  # remembered
    press(menu_app, pygame.K_F2)
    assert i18n.language() == "en"
    button(menu_app, "New game")
    assert load_settings(data).lang == "en"


def test_a_corrupt_save_does_not_crash_the_title(menu_app, data):
    corrupt_slot(data)
    open_title(menu_app)
    assert not button(menu_app, tr("menu.continue")).is_enabled
    prefix = tr("menu.damaged", error="")
    notes = [t for t in texts(menu_app) if t.startswith(prefix)]
    assert notes and "slot-broken.json" in notes[0]  # the file, without the folder
    assert str(data) not in notes[0]
    press(menu_app, pygame.K_c)  # still usable
    assert isinstance(menu_app.scene, TitleScene)
    press(menu_app, pygame.K_l)
    assert isinstance(menu_app.scene, LibraryScene)


def test_continue_resumes_the_latest_valid_save(menu_app, data):
    pytest.importorskip("kam_sandbox.game.scenes.planning")
    from kam_sandbox.game.scenes.planning import PlanningScene

    save_game(menu_app.store, "older", seed=1, quarters=1)
    save_game(menu_app.store, "newer", seed=2, quarters=2, label="Second try")
    open_title(menu_app)
    assert any("seed 2" in t for t in texts(menu_app))  # the newer one (the case's title
    # stands in for the label, in the current language)
    click_button(menu_app, tr("menu.continue"))
    scene = menu_app.scene
    assert isinstance(scene, PlanningScene)
    assert scene.session.slot == "newer"
    assert scene.session.game.turn == 2 and scene.session.game.seed == 2
    assert scene.session.label == "Second try"


def test_continue_falls_back_to_the_save_before_a_damaged_one_and_says_so(menu_app, data):
    from kam_sandbox.game.scenes.planning import PlanningScene

    save_game(menu_app.store, "older", seed=1, quarters=1)
    save_game(menu_app.store, "mine", seed=2, quarters=1, label="Mine")
    save_game(menu_app.store, "mine", seed=2, quarters=2, label="Mine")
    path = menu_app.store.path("mine")
    path.write_bytes(path.read_bytes()[:80])  # the latest generation is damaged
    open_title(menu_app)
    assert tr("menu.fell_back")[:20] in " ".join(texts(menu_app))
    press(menu_app, pygame.K_c)
    scene = menu_app.scene
    assert isinstance(scene, PlanningScene)
    assert scene.session.slot == "mine" and scene.session.game.turn == 1  # not "older"
    assert scene.status.text == tr("menu.fell_back_notice")


def test_saves_show_the_case_in_the_current_language_with_seed(menu_app):
    from kam_sandbox.base.i18n import pick
    from kam_sandbox.engine import load_scenario
    from kam_sandbox.game.scenes.library import LibraryScene

    title = load_scenario("tutorial").title
    save_game(menu_app.store, "tutorial-3", seed=3, label=pick(title, "zh"))
    save_game(menu_app.store, "tutorial-3-whatif", seed=3, label=f"{pick(title, 'zh')}（假如）")
    open_title(menu_app)  # English
    shown = " ".join(texts(menu_app))
    assert pick(title, "en") in shown and "seed 3" in shown
    assert pick(title, "zh") not in shown
    menu_app.push(LibraryScene(menu_app))
    pump(menu_app)
    shown = " ".join(texts(menu_app))
    assert tr("debrief.whatif.label", label=pick(title, "en"))[:30] in shown
    assert "（假如）" not in shown and "seed 3" in shown


def test_continue_a_finished_game_opens_the_debrief(menu_app):
    pytest.importorskip("kam_sandbox.game.scenes.debrief")
    from kam_sandbox.game.scenes.debrief import DebriefScene

    save_game(menu_app.store, "done", quarters=4)
    open_title(menu_app)
    assert tr("menu.progress_finished", score="")[:8] in " ".join(texts(menu_app))
    press(menu_app, pygame.K_c)
    assert isinstance(menu_app.scene, DebriefScene)


def _edit_save(store, slot: str, **changes) -> None:
    path = store.path(slot)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["save"]["1"].update(changes)
    path.write_text(json.dumps(raw), encoding="utf-8")


def test_a_save_that_no_longer_replays_shows_why(menu_app, data):
    save_game(menu_app.store, "odd")
    _edit_save(menu_app.store, "odd", plans=[{"accounts": {"gone": {"survey": True}}}])
    open_title(menu_app)
    press(menu_app, pygame.K_c)
    assert isinstance(menu_app.scene, TitleScene)
    assert any(t.startswith(tr("menu.open_failed", error="")) for t in texts(menu_app))


def test_a_save_of_an_older_case_version_opens_and_says_so(menu_app, data):
    save_game(menu_app.store, "old")
    _edit_save(menu_app.store, "old", scenario_version="0.1")
    open_title(menu_app)
    press(menu_app, pygame.K_c)
    assert not isinstance(menu_app.scene, TitleScene)
    assert "0.1" in (menu_app.scene.notice or "")


# -- library --------------------------------------------------------------------------------
def test_library_shows_the_selected_briefing_and_clicking_a_card_selects(menu_app):
    menu_app.settings.tutorial_seen = True
    open_title(menu_app)
    press(menu_app, pygame.K_l)
    scene = menu_app.scene
    assert tr("library.new_here") not in texts(menu_app)
    ids = [e.id for e in scene.entries]
    assert sorted(ids) == sorted(p.stem for p in engine.shipped_scenarios())
    assert ids[0] == "tutorial"  # easiest first
    labels = texts(menu_app)
    assert tr("library.metric.profit") in labels and tr("library.fact.budget") in labels
    card, index = scene.cards[2]
    click(menu_app, card.rect.center)
    assert menu_app.scene.selected == index == 2
    sc = scene.entry.scenario
    assert any(sc.title.en.split(":")[0] in text for text in texts(menu_app))
    press(menu_app, pygame.K_UP)
    assert menu_app.scene.selected == 1
    click_button(menu_app, tr("library.accounts", count=len(scene.entry.scenario.accounts)))
    assert scene.tab == "accounts"


def test_seed_field_takes_digits_only_and_an_empty_seed_blocks_start(menu_app):
    open_title(menu_app)
    press(menu_app, pygame.K_n)
    scene = menu_app.scene
    entry = scene.seed_entry
    entry.set_text("")
    entry.focus()
    for ch in "4x2":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    pump(menu_app)
    assert entry.get_text() == "42" and scene.seed() == 42
    assert scene.start_button.is_enabled
    entry.set_text("")
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_ENTRY_CHANGED, text="",
                                         ui_element=entry, ui_object_id=""))
    pump(menu_app)
    assert scene.seed() is None and not scene.start_button.is_enabled
    click_button(menu_app, tr("library.random_seed"))
    assert scene.seed() is not None and scene.start_button.is_enabled
    assert entry.get_text() == scene.seed_text


def test_saved_games_load_and_delete_with_a_confirm(menu_app, data):
    pytest.importorskip("kam_sandbox.game.scenes.planning")
    from kam_sandbox.game.scenes.planning import PlanningScene

    save_game(menu_app.store, "keep", seed=5)
    save_game(menu_app.store, "bin", seed=6)
    corrupt_slot(data)
    open_title(menu_app)
    press(menu_app, pygame.K_l)
    scene = menu_app.scene
    assert "load" not in scene.slot_buttons["broken"]  # greyed: delete only
    assert any(t.startswith(tr("library.slot_damaged", error="")) for t in texts(menu_app))

    click(menu_app, scene.slot_buttons["bin"]["delete"].rect.center)
    assert scene.confirm_delete == "bin" and menu_app.store.path("bin").exists()
    assert tr("library.confirm_delete") in texts(menu_app)
    click(menu_app, scene.slot_buttons["bin"]["cancel"].rect.center)
    assert scene.confirm_delete is None and menu_app.store.path("bin").exists()
    click(menu_app, scene.slot_buttons["bin"]["delete"].rect.center)
    click(menu_app, scene.slot_buttons["bin"]["confirm"].rect.center)
    assert not menu_app.store.path("bin").exists()
    assert "bin" not in scene.slot_buttons

    click(menu_app, scene.slot_buttons["broken"]["delete"].rect.center)
    click(menu_app, scene.slot_buttons["broken"]["confirm"].rect.center)
    assert not (data / "saves" / "slot-broken.json").exists()

    click(menu_app, scene.slot_buttons["keep"]["load"].rect.center)
    assert isinstance(menu_app.scene, PlanningScene)
    assert menu_app.scene.session.slot == "keep" and menu_app.scene.session.game.seed == 5


def test_a_new_game_never_takes_an_existing_slot(menu_app):
    save_game(menu_app.store, "tutorial-7", seed=7)
    scene = LibraryScene(menu_app)
    menu_app.push(scene)
    assert scene.new_slot_name("tutorial", 7) == "tutorial-7-2"
    assert scene.new_slot_name("tutorial", 8) == "tutorial-8"
    long_name = scene.new_slot_name("x" * 40, 123456789)
    assert len(long_name) <= 40


# -- settings -------------------------------------------------------------------------------
def test_settings_apply_and_persist_across_a_reload(menu_app, data):
    open_title(menu_app)
    press(menu_app, pygame.K_s)
    click_button(menu_app, tr("settings.size", w=1600, h=900))
    assert menu_app.screen.get_size() == (1600, 900)
    click_button(menu_app, tr("settings.scale", percent=125))
    click_button(menu_app, "中文")
    assert i18n.language() == "zh"
    click_button(menu_app, tr("settings.show_hints"))  # in Chinese now
    assert tr("settings.saved") in texts(menu_app)

    again = load_settings(data)
    assert (again.width, again.height) == (1600, 900)
    assert again.ui_scale == 1.25 and again.lang == "zh" and again.tutorial_seen
    assert not again.fullscreen
    press(menu_app, pygame.K_ESCAPE)
    assert isinstance(menu_app.scene, TitleScene)
    assert menu_app.window.get_size() == (1600, 900)
    assert menu_app.screen.get_size() == (1280, 720)  # 125 %: a 1280x720 canvas, scaled up
    button(menu_app, "新游戏")  # the title rebuilt in the new language and size


def test_settings_that_cannot_be_saved_are_reported_not_fatal(menu_app, data, monkeypatch):
    from kam_sandbox.base import storage  # settings are written by storage.write_atomically

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", refuse)
    menu_app.push(SettingsScene(menu_app))
    click_button(menu_app, tr("settings.show_hints"))
    assert menu_app.settings.tutorial_seen  # kept in memory for this run
    assert any("No space left" in t for t in texts(menu_app))
    assert not list(data.glob(".settings.json.*.tmp"))  # the temp file is cleaned up


def test_load_settings_never_fails(data):
    assert load_settings(data) == Settings(lang="en")  # missing: defaults, system language
    path = settings_path(data)
    path.write_bytes(b"\xff\xfe not json")
    assert load_settings(data) == Settings(lang="en")
    path.write_text("[1, 2]", encoding="utf-8")
    assert load_settings(data) == Settings(lang="en")
    path.write_text(json.dumps({"lang": "fr", "width": "big", "height": 900, "fullscreen": 1,
                                "ui_scale": 99, "tutorial_seen": True, "extra": 1}),
                    encoding="utf-8")
    assert load_settings(data) == Settings(lang="en", tutorial_seen=True)  # bad ones dropped


def test_save_settings_round_trips_atomically(data):
    wanted = Settings(lang="zh", width=1920, height=1080, fullscreen=True, ui_scale=1.5,
                      tutorial_seen=True)
    save_settings(data, wanted)
    assert load_settings(data) == wanted
    assert load_settings() == wanted  # the default folder follows $KAM_SANDBOX_DATA
    assert [p.name for p in data.iterdir()] == ["settings.json"]  # no temp file left


# -- layout and strings -----------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1280, 720), (1600, 900)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_menu_text_fits_its_box(data, lang, size):
    """pygame_gui warns when a label is too small for its text: no menu state may do so."""

    i18n.set_language(lang)
    app = App(size)
    try:
        app.data_folder, app.settings = data, load_settings(data)
        app.store = SaveStore(data / "saves")
        app.ui.set_locale(lang)
        save_game(app.store, "a-long-label", label="恒拓智能：十二家战略客户 — a very long label")
        corrupt_slot(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            app.push(TitleScene(app))
            app.render()
            library = LibraryScene(app, new_game=True)
            app.push(library)
            for index in range(len(library.entries)):
                library.select(index)
                library.show_tab("accounts")
                library.show_tab("briefing")
            library.ask_delete("a-long-label")
            app.render()
            app.pop()
            app.push(SettingsScene(app))
            app.render()
        too_small = [str(w.message) for w in caught if "too small" in str(w.message)]
        assert not too_small, too_small
    finally:
        app.close()
        i18n.set_language("en")


def test_draw_changes_no_state(menu_app, data):
    save_game(menu_app.store, "s")
    corrupt_slot(data)
    for scene in (TitleScene(menu_app), LibraryScene(menu_app), SettingsScene(menu_app)):
        menu_app.push(scene)
        before = {k: v for k, v in vars(scene).items() if not k.startswith("_")}
        scene.draw(menu_app.screen)
        menu_app.render()
        after = {k: v for k, v in vars(scene).items() if not k.startswith("_")}
        assert before == after


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_menu_strings_match_in_both_languages():
    zh = json.loads(LOCALES.joinpath("menu.zh.json").read_text(encoding="utf-8"))
    en = json.loads(LOCALES.joinpath("menu.en.json").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()
    assert all(k.split(".")[0] in ("menu", "library", "settings") for k in en)
    for key in en:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key
        assert zh[key].strip() and en[key].strip(), key
