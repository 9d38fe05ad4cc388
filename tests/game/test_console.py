"""The facilitator console driven like a trainer: a 3-team tutorial workshop in a temporary
folder; every action goes through the buttons and lands as the Host's operation; the
projector view shows nothing secret; hot-seat teams come back to the console; the folder's
lock is released when the console is left."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402
from conftest import click, press, pump  # noqa: E402
from pygame_gui.elements import UIButton, UILabel, UITextEntryLine  # noqa: E402

from kam_sandbox.base import i18n  # noqa: E402
from kam_sandbox.base.i18n import tr  # noqa: E402
from kam_sandbox.game import draw  # noqa: E402
from kam_sandbox.game.app import App  # noqa: E402
from kam_sandbox.game.fonts import font  # noqa: E402
from kam_sandbox.game.scenes import console as console_module  # noqa: E402
from kam_sandbox.game.scenes.console import ConsoleScene  # noqa: E402
from kam_sandbox.game.scenes.title import TitleScene  # noqa: E402
from kam_sandbox.workshop import LockedError, Session  # noqa: E402
from kam_sandbox.workshop.session import AccessError  # noqa: E402

PLAN = {"accounts": {"jinggong": {"survey": True, "support_days": 2.0}}, "portfolio": {}}
PLAN2 = {"accounts": {"hengyun": {"support_days": 1.5, "discount": 0.02}}, "portfolio": {}}
EVENT = "jinhua_complaint"  # in the tutorial's event library (no fixed turn)


class Clock:
    """A session clock the test moves by hand."""

    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


# -- fixtures and helpers -------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "ws"
    Session.create(path, "tutorial", ["Red", "Blue", "Green"], seed=7,
                   world_secret="console-tests").close()  # one world every run
    return path


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Every string the game draws itself: ``draw.text``, wherever a module imported it."""

    seen: list[str] = []
    original = draw.text

    def record(surface, pos, value, *args, **kwargs):
        seen.append(value)
        return original(surface, pos, value, *args, **kwargs)

    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "").startswith("kam_sandbox.game")
                and getattr(module, "text", None) is original):
            monkeypatch.setattr(module, "text", record)
    return seen


def open_console(app, folder: Path, clock: Clock | None = None) -> ConsoleScene:
    app.push(TitleScene(app))
    scene = ConsoleScene(app, folder)
    app.push(scene)
    if clock is not None:
        scene.session.clock = clock
        scene.refresh()
        app.rebuild()
    pump(app)
    return scene


@pytest.fixture
def console(app, folder) -> ConsoleScene:
    return open_console(app, folder)


def widgets_of(app, kind):
    return [s for s in app.ui.get_sprite_group().sprites() if isinstance(s, kind)]


def button(app, label: str) -> UIButton:
    found = [b for b in widgets_of(app, UIButton) if b.text == label]
    assert found, f"no button {label!r} among {[b.text for b in widgets_of(app, UIButton)]}"
    return found[0]


def click_button(app, label: str) -> None:
    b = button(app, label)
    assert b.is_enabled, f"{label!r} is disabled"
    click(app, b.rect.center)


def screen_text(app, drawn: list[str]) -> str:
    """What one frame shows: the strings drawn plus every widget's text."""

    drawn.clear()
    app.render()
    labels = [w.text for w in widgets_of(app, UILabel) + widgets_of(app, UIButton)]
    return "\n".join(drawn + labels)


def row(scene: ConsoleScene, team_id: str) -> dict:
    return next(t for t in scene.teams if t["id"] == team_id)


def type_into(app, entry: UITextEntryLine, value: str) -> None:
    entry.set_text(value)
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_ENTRY_CHANGED, text=value,
                                         ui_element=entry, ui_object_id=""))
    pump(app)


# -- the dashboard ----------------------------------------------------------------------------
def test_the_rows_show_what_host_status_says(app, folder, drawn):
    with Session.open(folder) as s:
        s.submit("t1", PLAN, author="Li Na")
        s.save_draft("t2", PLAN2)
    scene = open_console(app, folder)
    status = scene.host.status(scene.token)
    assert [(t["id"], t["name"], t["progress"], t["submissions"], t["score"])
            for t in scene.teams] == [(t["id"], t["name"], t["progress"], t["submissions"],
                                       t["score"]) for t in status["teams"]]
    assert [t["progress"] for t in scene.teams] == ["submitted", "drafting", "absent"]
    shown = screen_text(app, drawn)
    for name in ("Red", "Blue", "Green"):
        assert name in shown
    for progress in ("submitted", "drafting", "absent"):
        assert tr(f"console.progress.{progress}") in shown
    assert tr("console.round", round=1, rounds=4) in shown
    assert status["join_code"] in shown
    assert tr("console.submitted_count", n=1, total=3) in shown


def test_advance_asks_names_the_absent_teams_and_fills_them_in(app, folder, drawn):
    with Session.open(folder) as s:
        s.submit("t1", PLAN)
    scene = open_console(app, folder)
    click_button(app, tr("console.advance"))
    assert scene.modal == "advance"  # two teams would be filled in: confirm first
    shown = screen_text(app, drawn)
    assert "Blue, Green" in shown and "Red" not in shown.split("Blue, Green")[0][-40:]
    click_button(app, tr("strategy.focus"))
    assert scene.fill_policy == "focus"
    click_button(app, tr("console.confirm_go"))
    assert scene.modal is None
    assert scene.status["round"] == 2 and scene.status["state"] == "open"
    assert [row(scene, t)["filled_rounds"] for t in ("t1", "t2", "t3")] == [[], [1], [1]]
    history = {s["team"]: s for s in scene.session.history(round=1)}
    assert history["t1"]["filled_by"] is None
    assert history["t2"]["filled_by"] == history["t3"]["filled_by"] == "focus"
    shown = screen_text(app, drawn)
    assert tr("console.round_short", n=1) in shown  # the filled-in marks
    assert scene.message[0] == tr("console.msg.advanced_filled", round=1, next=2,
                                  teams="Blue, Green", policy=tr("strategy.focus"))


def test_advance_without_absent_teams_needs_no_confirmation(app, folder):
    with Session.open(folder) as s:
        for team in ("t1", "t2", "t3"):
            s.submit(team, PLAN)
    scene = open_console(app, folder)
    click_button(app, tr("console.advance"))
    assert scene.modal is None and scene.status["round"] == 2
    assert all(not t["filled_rounds"] for t in scene.teams)


def test_an_injected_event_reaches_only_the_chosen_team(app, console, drawn):
    click_button(app, tr("console.inject"))
    assert console.modal == "inject"
    event = next(e for e in console.library() if e.id == EVENT)
    click(app, next(b for b in widgets_of(app, UIButton)
                    if b.tool_tip_text == event.headline.en).rect.center)
    assert console.inject_event == EVENT
    shown = screen_text(app, drawn)
    assert event.headline.zh in shown and event.headline.en in shown  # both languages
    click_button(app, "Blue")
    click_button(app, tr("console.inject_go"))
    assert console.modal is None
    (inj,) = console.session.injections()
    assert (inj["event"], inj["team"], inj["round"]) == (EVENT, "t2", 1)
    assert console.session.injected_for("t1") == {} == console.session.injected_for("t3")
    assert console.session.injected_for("t2") == {0: [(EVENT, None)]}
    assert console.host.board()["headlines"] == []  # a team's event is not the room's news


def test_timer_presets_pause_extend_and_time_up(app, folder, drawn):
    clock = Clock()
    scene = open_console(app, folder, clock)
    click_button(app, tr("console.minutes", n=10))
    assert scene.status["timer"]["remaining"] == pytest.approx(600)
    assert "10:00" in screen_text(app, drawn)
    clock.t += 61
    assert "08:59" in screen_text(app, drawn)
    click_button(app, tr("console.pause"))
    assert scene.status["state"] == "paused" and not scene.status["timer"]["running"]
    clock.t += 300  # the clock stops while the round is paused
    shown = screen_text(app, drawn)
    assert "08:59" in shown and tr("console.timer_paused") in shown
    click_button(app, tr("console.resume"))
    assert scene.status["state"] == "open"
    click_button(app, tr("console.extend", n=2))
    assert scene.timer_left() == pytest.approx(539 + 120)
    assert "10:59" in screen_text(app, drawn)
    clock.t += 2000
    shown = screen_text(app, drawn)
    assert "00:00" in shown and tr("console.timer_up") in shown
    assert scene.host.status(scene.token)["state"] == "open"  # time up does not close it
    entry = next(e for e, key in scene.entries.items() if key == "minutes")
    type_into(app, entry, "7")
    click_button(app, tr("console.set"))
    assert scene.status["timer"]["remaining"] == pytest.approx(420)
    click_button(app, tr("console.clear_timer"))
    assert scene.status["timer"]["remaining"] is None
    assert tr("console.timer_none") in screen_text(app, drawn)


def test_a_running_clock_redraws_once_a_second_and_rests_otherwise(app, folder):
    clock = Clock()
    scene = open_console(app, folder, clock)
    scene.set_timer(300)
    scene.update(0.0)
    app.render()
    app._active_until = 0.0
    app.dirty = False
    scene.update(0.25)
    assert not app.dirty  # the same second: nothing to paint
    clock.t += 1.0
    scene.update(0.25)
    assert app.dirty  # the next second: one frame
    scene.clear_timer()
    scene.update(0.25)
    app.render()
    app._active_until, app.dirty = 0.0, False
    clock.t += 5
    scene.update(0.25)
    assert not app.dirty  # no timer: the console sleeps


def test_changes_by_other_clients_show_up(app, console, monkeypatch):
    monkeypatch.setattr(console_module, "REFRESH_SECONDS", 0.0)
    console.host.local_team("t3").submit(PLAN, "Zhao")  # as a LAN team would, via the host
    pump(app)
    assert row(console, "t3")["progress"] == "submitted"


# -- the projector view -----------------------------------------------------------------------
def test_the_projector_view_shows_the_room_nothing_secret(app, console, drawn):
    host, token = console.host, console.token
    host.act(token, "set_members", team="t1", members=["Li Na", "Wang Wei"])
    host.local_team("t1").submit(PLAN, "Li Na")
    host.local_team("t2").save_draft(PLAN2, "Sun Li")
    host.act(token, "inject", event_id=EVENT, team="t2")
    host.session.clock = lambda: 1_000_000.0  # "10:00" whatever the machine's load
    host.act(token, "set_timer", seconds=600)
    pump(app)
    secret = next(e for e in console.library() if e.id == EVENT).headline
    press(app, pygame.K_F5)
    assert console.projector
    shown = screen_text(app, drawn)
    for word in ("Li Na", "Wang Wei", "Sun Li", secret.en, secret.zh, "jinggong", "hengyun",
                 "Suzhou Jinggong", "Hengyun"):
        assert word not in shown, word
    for word in ("Red", "Blue", "Green", console.board["join_code"], "10:00",
                 tr("console.round", round=1, rounds=4), tr("console.progress.submitted")):
        assert word in shown, word
    assert "members" not in json.dumps(console.board)
    # It draws from the public board alone: without the facilitator's status it still works.
    console.status = None
    app.render()
    # An event for every team is the room's news.
    host.act(token, "inject", event_id="dingxin_late_delivery")
    console.refresh()
    news = next(e for e in console.library() if e.id == "dingxin_late_delivery").headline.en
    assert news in screen_text(app, drawn)
    press(app, pygame.K_F5)
    assert not console.projector


def test_the_projector_clock_is_big_enough_for_the_back_of_the_room():
    from kam_sandbox.game import console_projector

    assert console_projector.CLOCK_SIZE >= 96
    assert font(console_projector.CLOCK_SIZE, True).size("88:88")[0] < 1280 // 2


# -- hot-seat ---------------------------------------------------------------------------------
def test_hot_seat_play_submits_and_comes_back_to_the_console(app, console):
    from kam_sandbox.game.scenes.planning import PlanningScene
    from kam_sandbox.game.team_session import TeamSession

    rows = console.row_rects(console.layout()["table"])
    play = [b for b in widgets_of(app, UIButton) if b.text == tr("console.play")]
    assert len(play) == 3
    click(app, next(b for b in play if rows[0].collidepoint(b.rect.center)).rect.center)
    planning = app.scene
    assert isinstance(planning, PlanningScene)
    assert isinstance(planning.session, TeamSession)
    assert planning.session.team["id"] == "t1" and planning.session.return_to is console
    assert app.stack[-2] is console  # on top of the console, which stays open
    planning.session.set("jinggong", "survey", True)
    planning.end_quarter()
    pump(app, 3)
    assert app.scene is console
    assert row(console, "t1")["progress"] == "submitted"
    assert console.message == (tr("console.msg.hotseat_submitted", team="Red"), False)
    (sub,) = console.session.history("t1")
    assert sub["plan"]["accounts"]["jinggong"]["survey"] is True and sub["author"] == "Red"

    console.play("t2")  # Esc leaves without submitting: back to the console as well
    press(app, pygame.K_ESCAPE)
    if app.scene is not console:  # the tutorial's first tip takes the first Esc
        press(app, pygame.K_ESCAPE)
    pump(app, 3)
    assert app.scene is console
    assert not row(console, "t2")["submitted"]
    assert console.message == (tr("console.msg.hotseat_left", team="Blue"), False)

    console.play("t3")  # a draft that could not be kept is said, not claimed
    console.hotseat_session.set("jinggong", "survey", True)

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    console.hotseat_session.link.save_draft = refuse
    press(app, pygame.K_ESCAPE)
    if app.scene is not console:
        press(app, pygame.K_ESCAPE)
    pump(app, 3)
    assert app.scene is console and console.message[1] is True
    assert "disk full" in console.message[0]


def test_hot_seat_after_a_round_shows_the_team_its_results_first(app, console):
    from kam_sandbox.game.scenes.planning import PlanningScene
    from kam_sandbox.game.scenes.results import ResultsScene

    console.advance()
    console.play("t2")
    results = app.scene
    assert isinstance(results, ResultsScene) and results.result["turn"] == 1
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, PlanningScene) and app.stack[-2] is console


def test_play_is_refused_once_the_workshop_is_finished(app, console):
    for _ in range(4):
        console.advance()
    assert console.finished
    assert not [b for b in widgets_of(app, UIButton) if b.text == tr("console.play")]


# -- the console and the command line do the same --------------------------------------------
def test_the_console_and_the_command_line_run_the_same_operations(app, tmp_path, capsys):
    from kam_sandbox.cli import main

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p1.json").write_text(json.dumps(PLAN), encoding="utf-8")
    (plans / "p2.json").write_text(json.dumps(PLAN2), encoding="utf-8")
    cli = str(tmp_path / "cli")
    for argv in (["new", "--scenario", "tutorial", "--teams", "3", "--seed", "7"],
                 ["submit", "--team", "1", "--plan", str(plans / "p1.json"),
                  "--author", "Li Na"],
                 ["inject", "--event", EVENT, "--team", "2"],
                 ["advance"],
                 ["submit", "--team", "2", "--plan", str(plans / "p2.json"), "--author", "Zhou"],
                 ["advance", "--fill-policy", "focus"]):
        assert main(["workshop", *argv[:1], "--data", cli, *argv[1:]]) == 0, argv
    capsys.readouterr()

    gui = tmp_path / "gui"
    with Session.open(cli, write=False) as s:  # the same world: the same seed and secret
        secret = s.meta["world_secret"]
    Session.create(gui, "tutorial", 3, seed=7, world_secret=secret).close()
    scene = open_console(app, gui)
    scene.host.local_team("t1").submit(PLAN, "Li Na")
    pump(app)
    click_button(app, tr("console.inject"))
    scene.choose_event(EVENT)
    click_button(app, "Team 2")
    click_button(app, tr("console.inject_go"))
    click_button(app, tr("console.advance"))
    click_button(app, tr("console.confirm_go"))
    scene.host.local_team("t2").submit(PLAN2, "Zhou")
    pump(app)
    click_button(app, tr("console.advance"))
    click_button(app, tr("strategy.focus"))
    click_button(app, tr("console.confirm_go"))
    ours = scene.host.status(scene.token)
    ours_history = scene.session.history()
    click_button(app, tr("console.exit"))

    with Session.open(cli, write=False) as s:
        theirs, theirs_history = s.status(), s.history()

    def scores(st):
        return [(t["name"], t["scores"], t["filled_rounds"]) for t in st["teams"]]

    def plans_of(history):
        return [(h["team"], h["round"], h["plan"], h["author"], h["filled_by"])
                for h in history]

    assert scores(ours) == scores(theirs)
    assert plans_of(ours_history) == plans_of(theirs_history)
    assert (ours["round"], ours["state"]) == (theirs["round"], theirs["state"]) == (3, "open")
    assert [(i["event"], i["team"], i["round"]) for i in ours["injections"]] == \
        [(i["event"], i["team"], i["round"]) for i in theirs["injections"]]


# -- the session folder -------------------------------------------------------------------------
def test_the_folder_lock_is_held_while_open_and_released_on_leave(app, console, folder):
    assert (folder / ".lock").exists()
    with pytest.raises(LockedError):
        Session.open(folder)
    click_button(app, tr("console.exit"))
    assert isinstance(app.scene, TitleScene)
    assert not (folder / ".lock").exists()
    Session.open(folder).close()  # the command line may write again


def test_a_folder_in_use_elsewhere_is_a_message_not_a_crash(app, folder, drawn):
    with Session.open(folder):  # as `kam-sandbox workshop host` would hold it
        scene = open_console(app, folder)
        assert scene.error is not None and scene.host is None
        shown = screen_text(app, drawn)
        assert tr("console.error_title") in shown and str(folder) in shown
        press(app, pygame.K_F5)  # nothing to show: no crash either
        click_button(app, tr("console.back"))
        assert isinstance(app.scene, TitleScene)


def test_a_folder_without_a_session_is_a_message(app, tmp_path, drawn):
    scene = open_console(app, tmp_path / "nothing")
    assert scene.error is not None
    assert tr("console.error_title") in screen_text(app, drawn)


# -- teams, the debrief, exports ----------------------------------------------------------------
def test_the_facilitator_approves_revokes_and_rotates_from_the_console(app, console, drawn):
    host, code = console.host, console.status["join_code"]
    first = host.join("Red", code, device="Li Na")
    waiting = host.join("Red", code, device="Han")  # a second device: waits for approval
    with pytest.raises(AccessError):
        host.join("Blue", "999999" if code != "999999" else "888888", address="10.1.2.3")
    pump(app)
    console.refresh()
    app.rebuild()
    click_button(app, tr("console.access.open_waiting", n=1))
    assert console.modal == "access"
    shown = screen_text(app, drawn)
    assert code in shown and "Han" in shown and "Li Na" in shown
    assert "10.1.2.3" in shown  # a failed join is the facilitator's news
    assert first["token"] not in shown and first["secret"] not in shown
    click_button(app, tr("console.access.approve"))
    admitted = host.join_status(waiting["request"], waiting["key"])
    assert host.session.team_for_token(admitted["token"])["name"] == "Red"
    assert console.message[0] == tr("console.msg.approved", device="Han", team="Red")
    console.refresh()  # the device collected its token: the console sees it at its next look
    app.rebuild()
    han = next(d for d in console.status["devices"] if d["label"] == "Han")
    revoke = [b for b in widgets_of(app, UIButton) if b.text == tr("console.access.revoke")]
    click(app, revoke[1].rect.center)  # the second device line: Han's
    assert [d["label"] for d in console.status["devices"]] == ["Li Na"]
    assert host.role(admitted["token"]) is None and han["id"] not in str(console.status)
    click_button(app, tr("console.access.rotate"))
    assert console.status["join_code"] != code
    assert tr("console.access.code", code=console.status["join_code"]) in screen_text(app, drawn)
    click_button(app, tr("console.access.reset"))
    assert console.status["devices"] == [] and host.role(first["token"]) is None
    press(app, pygame.K_ESCAPE)
    assert console.modal is None and button(app, tr("console.access.open"))


def test_teams_are_added_and_renamed_before_round_one_closes(app, console):
    click_button(app, tr("console.teams_edit"))
    assert console.modal == "teams"
    entries = {key: e for e, key in console.entries.items()}
    type_into(app, entries["name:t1"], "Crimson")
    type_into(app, entries["new_team"], "紫队")
    click_button(app, tr("console.save"))
    assert console.modal is None
    assert [t["name"] for t in console.teams] == ["Crimson", "Blue", "Green", "紫队"]
    click_button(app, tr("console.teams_edit"))
    entries = {key: e for e, key in console.entries.items()}
    type_into(app, entries["name:t2"], "Green")  # taken: refused, said, nothing changes
    click_button(app, tr("console.save"))
    assert console.modal == "teams" and "Green" in console.modal_error
    press(app, pygame.K_ESCAPE)
    assert console.modal is None
    console.advance()
    assert not button(app, tr("console.teams_edit")).is_enabled


def test_the_room_debrief_and_the_exports(app, console, folder, drawn):
    console.host.local_team("t1").submit(PLAN, "Li Na")
    for _ in range(4):
        console.advance()
    assert console.finished and console.message[0] == tr("console.msg.finished")
    shown = screen_text(app, drawn)
    assert tr("console.decisions") in shown
    jinggong = next(a for a in console.session.scenario.accounts if a.id == "jinggong")
    assert any(line.startswith("· " + jinggong.name.en[:16]) for line in drawn)  # wrapped
    filled = tr("console.decision.filled", policy=tr("strategy.uniform"))
    assert filled in [line for line, *_ in console.decision_lines(row(console, "t2"))]
    assert filled not in [line for line, *_ in console.decision_lines(row(console, "t1"))][:3]
    assert any(filled.startswith(line) and line for line in drawn)  # wrapped in its column
    last = tr("console.decision.round", n=4, score=f"{row(console, 't1')['score']:.1f}",
              band=tr(f"debrief.band.{row(console, 't1')['band']}"))
    assert not any(line.startswith(last) for line in drawn)  # below the fold: scroll
    for _ in range(10):
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-3, flipped=False,
                                             precise_x=0.0, precise_y=-3.0, touch=False))
        pump(app, 1)
    assert console.decision_scroll == console.max_decision_scroll() > 0
    screen_text(app, drawn)
    assert any(line.startswith(last + " (") for line in drawn)  # with its change
    click_button(app, tr("console.export"))
    csv, html = folder / "results.csv", folder / "debrief.html"
    assert csv.is_file() and html.is_file()
    assert console.message == (tr("console.msg.exported", csv=str(csv), html=str(html)), False)
    assert "Red" in csv.read_text(encoding="utf-8-sig")
    press(app, pygame.K_F5)
    shown = screen_text(app, drawn)
    assert tr("console.final") in shown and jinggong.name.en not in shown


def test_serving_the_lan_shows_the_address_and_stops_on_leave(app, console, monkeypatch,
                                                              drawn):
    pytest.importorskip("kam_sandbox.workshop.server")
    from kam_sandbox.workshop import server

    started = []

    class FakeServer:
        def __init__(self, host, port=0, bind="127.0.0.1"):
            self.host, self.port, self.bind = host, port, bind
            self.urls = ["http://192.168.1.20:8765"]
            self.url = "http://127.0.0.1:8765"

        def start(self):
            started.append(self)

        def stop(self):
            started.remove(self)

    monkeypatch.setattr(server, "ServerThread", FakeServer)
    codes = spy_qr(monkeypatch)
    click_button(app, tr("console.serve"))
    assert started and started[0].host is console.host and started[0].bind == "0.0.0.0"
    worker = console.session._worker  # the room's rounds are played in a process of their own
    assert worker is not None and worker._process.is_alive()
    assert "192.168.1.20:8765" in screen_text(app, drawn)
    assert_qr_shown(app, codes, "http://192.168.1.20:8765/")
    assert codes[-1][0].left >= console.layout()["clock"].right  # beside the clock, not on it
    press(app, pygame.K_F5)
    assert "192.168.1.20:8765" in screen_text(app, drawn)  # the room needs the address
    assert_qr_shown(app, codes, "http://192.168.1.20:8765/")
    press(app, pygame.K_F5)
    click_button(app, tr("console.exit"))
    assert not started and not worker._process.is_alive()


def spy_qr(monkeypatch) -> list:
    """Record every QR code the console and the projector draw: (where, what it says)."""

    from kam_sandbox.game import console_projector, qr
    from kam_sandbox.game.scenes import console as console_scene

    drawn_codes = []

    def draw(surface, rect, text):
        box = qr.draw_qr(surface, rect, text)
        drawn_codes.append((box, text))
        return box

    monkeypatch.setattr(console_scene, "draw_qr", draw)
    monkeypatch.setattr(console_projector, "draw_qr", draw)
    return drawn_codes


def assert_qr_shown(app, codes: list, url: str) -> None:
    """The last frame drew ``url`` as a QR code, on screen and module for module."""

    from kam_sandbox.game.qr import QUIET, modules

    codes.clear()
    app.render()
    box, text = codes[-1]
    assert text == url and box.width >= 21 * 2 and app.screen.get_rect().contains(box)
    rows = modules(url)
    scale = box.width // (len(rows) + 2 * QUIET)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            pixel = app.screen.get_at((box.x + (x + QUIET) * scale + scale // 2,
                                       box.y + (y + QUIET) * scale + scale // 2))
            assert (pixel.r < 128) == dark, (x, y)


# -- the title and the setup screen -------------------------------------------------------------
def test_the_title_leads_to_the_workshop_setup_and_to_joining(app, tmp_path):
    from kam_sandbox.game.scenes.console_setup import WorkshopSetupScene

    app.data_folder = tmp_path
    app.push(TitleScene(app))
    click_button(app, tr("console.menu_workshop"))
    setup = app.scene
    assert isinstance(setup, WorkshopSetupScene)
    assert setup.folder_text == str(tmp_path / "workshops")
    assert tr("console.no_sessions") in [w.text for w in widgets_of(app, UILabel)]
    setup.set_count(4)
    entries = {key: e for e, key in setup.entries.items()}
    type_into(app, entries["name:0"], "红队")
    click_button(app, tr("console.create"))
    scene = app.scene
    assert isinstance(scene, ConsoleScene)
    assert [t["name"] for t in scene.teams] == ["红队", "Team 2", "Team 3", "Team 4"]
    assert scene.session.scenario.id == "tutorial"
    click_button(app, tr("console.exit"))
    assert app.scene is setup
    (listed,) = setup.sessions
    assert listed["teams"] == 4 and listed["error"] is None
    click(app, next(b for b in widgets_of(app, UIButton)
                    if b.tool_tip_text == str(listed["path"])).rect.center)
    assert isinstance(app.scene, ConsoleScene) and app.scene.folder == listed["path"]
    click_button(app, tr("console.exit"))
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, TitleScene)
    pytest.importorskip("kam_sandbox.game.scenes.join")
    from kam_sandbox.game.scenes.join import JoinScene

    click_button(app, tr("console.menu_join"))
    assert isinstance(app.scene, JoinScene)


def test_setup_refuses_duplicate_names_and_an_occupied_folder(app, tmp_path, folder):
    from kam_sandbox.game.scenes.console_setup import WorkshopSetupScene

    app.data_folder = tmp_path
    setup = WorkshopSetupScene(app)
    app.push(setup)
    setup.names[1] = "Team 1"
    setup.create()
    assert setup.error == tr("console.names_needed") and app.scene is setup
    setup.names[1] = ""
    setup.new_folder_text = str(folder)  # holds a session already
    setup.create()
    assert setup.error.startswith(tr("console.create_failed", error="")) and app.scene is setup


# -- both languages, every view -----------------------------------------------------------------
def every_view(app, scene: ConsoleScene) -> None:
    """Render each state of the console once: dialogs, projector, debrief."""

    app.render()
    scene.host.join("1", scene.status["join_code"], device="Li Na")
    scene.host.join("1", scene.status["join_code"], device="Han")
    scene.refresh()
    for opener in (scene.ask_advance, scene.open_inject, scene.open_teams, scene.open_access):
        opener()
        app.render()
        scene.close_modal()
    scene.set_timer(90)
    scene.select_metric("satisfaction")
    scene.advance()
    scene.host.act(scene.token, "inject", event_id=EVENT)
    scene.refresh()
    for projector in (True, False):
        if projector != scene.projector:
            scene.toggle_projector()
        app.render()
    for _ in range(3):
        scene.advance()
    app.render()
    scene.toggle_projector()
    app.render()
    scene.toggle_projector()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_string_the_console_draws_has_its_glyphs(folder, lang, drawn):
    i18n.set_language(lang)
    app = App()
    try:
        app.ui.set_locale(lang)
        scene = open_console(app, folder)
        every_view(app, scene)
        f = font(16)
        tofu = pygame.image.tobytes(f.render("\ue000", True, (0, 0, 0)), "RGBA")
        chars = set("".join(drawn)) | set("".join(
            w.text for w in widgets_of(app, UILabel) + widgets_of(app, UIButton)))
        missing = sorted(ch for ch in chars if not ch.isspace() and
                         pygame.image.tobytes(f.render(ch, True, (0, 0, 0)), "RGBA") == tofu)
        assert not missing, "".join(missing)
        if lang == "zh":
            assert any("第" in line and "轮" in line for line in drawn)
    finally:
        app.close()
        i18n.set_language("en")


@pytest.mark.parametrize("size", [(1280, 720), (1600, 900)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_console_label_fits_its_box(tmp_path, lang, size):
    """pygame_gui warns when a label is too small for its text: no console state may do so."""

    from kam_sandbox.game.scenes.console_setup import WorkshopSetupScene

    i18n.set_language(lang)
    app = App(size)
    try:
        app.ui.set_locale(lang)
        app.data_folder = tmp_path
        Session.create(tmp_path / "workshops" / "a", "distributors", 12, seed=3).close()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            app.push(TitleScene(app))
            app.render()
            setup = WorkshopSetupScene(app)
            app.push(setup)
            setup.set_count(12)
            app.render()
            scene = ConsoleScene(app, tmp_path / "workshops" / "a")
            app.push(scene)
            app.render()
            host = scene.host
            for k in range(1, 13):  # a device per team, and one waiting for approval
                host.join(str(k), scene.status["join_code"], device=f"Laptop of player {k}")
            host.join("12", scene.status["join_code"], device="Somebody's long device name")
            scene.refresh()
            for opener in (scene.ask_advance, scene.open_inject, scene.open_teams,
                           scene.open_access):
                opener()
                app.render()
                scene.close_modal()
            scene.toggle_projector()
            app.render()
        too_small = [str(w.message) for w in caught if "too small" in str(w.message)]
        assert not too_small, too_small
    finally:
        app.close()
        i18n.set_language("en")


def test_draw_changes_no_state(app, console):
    console.host.act(console.token, "set_timer", seconds=120)
    console.refresh()
    for state in (None, "advance", "inject", "teams", "access", "projector"):
        if state == "projector":
            console.modal = None
            console.toggle_projector()
        elif state is not None:
            getattr(console, {"advance": "ask_advance", "inject": "open_inject",
                              "teams": "open_teams", "access": "open_access"}[state])()
        before = {k: v for k, v in vars(console).items() if not k.startswith("_")}
        console.draw(app.screen)
        app.render()
        after = {k: v for k, v in vars(console).items() if not k.startswith("_")}
        assert before == after, state


def test_console_strings_match_in_both_languages():
    from importlib import resources

    locales = resources.files("kam_sandbox.base").joinpath("locales")
    en = json.loads(locales.joinpath("console.en.json").read_text(encoding="utf-8"))
    zh = json.loads(locales.joinpath("console.zh.json").read_text(encoding="utf-8"))
    assert en.keys() == zh.keys()
    assert all(k.startswith("console.") for k in en)
    from kam_sandbox.engine import POLICIES

    strategies = {lang: json.loads(locales.joinpath(f"strategy.{lang}.json").read_text(
        encoding="utf-8")) for lang in ("en", "zh")}
    for name in POLICIES:  # every built-in strategy is named and explained in both languages
        for table in strategies.values():
            assert f"strategy.{name.replace('-', '_')}" in table
            assert f"strategy.tip.{name.replace('-', '_')}" in table
