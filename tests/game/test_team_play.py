"""A workshop team in its own window: join, plan, submit, wait, results, rejoin.

The host is in this process (``workshop.host.Host`` over a 3-team tutorial session in
tmp_path) and the team reaches it through ``LocalTeamLink``; one test goes over real
loopback HTTP when ``workshop.client`` and ``workshop.server`` are installed. Time is
driven through ``app.step(events, dt)`` (the scenes' ``update``), never the wall clock.
"""

from __future__ import annotations

import json
import time

import pygame
import pytest
from conftest import click, press, pump

from kam_sandbox.base import i18n
from kam_sandbox.game.scenes.join import LINKS_FILE, JoinScene, LinkStore
from kam_sandbox.game.scenes.planning import PlanningScene
from kam_sandbox.game.scenes.team_wait import TeamWaitScene
from kam_sandbox.game.team_bar import AUTOSAVE_DELAY, POLL_PLANNING, POLL_WAIT
from kam_sandbox.game.team_session import TeamSession
from kam_sandbox.workshop import Session as Workshop
from kam_sandbox.workshop import WorkshopError
from kam_sandbox.workshop.host import Host, LocalTeamLink
from kam_sandbox.workshop.session import AccessError, ApprovalPending


@pytest.fixture
def host(tmp_path):
    ws = Workshop.create(tmp_path / "ws", "tutorial", teams=3, seed=7,
                          world_secret="team-play-tests")  # one world every run
    now = [1000.0]
    ws.clock = lambda: now[0]  # the round timer's clock, moved by the tests
    served = Host(ws)
    served.token = ws.meta["facilitator_token"]
    served.now = now
    served.clock = lambda: now[0]  # the rate limits' clock too
    yield served
    ws.close()


class CountingLink(LocalTeamLink):
    """A local link that counts the drafts it sends and can lose the network."""

    def __init__(self, host, token):
        super().__init__(host, token)
        self.saves = 0
        self.down = False

    def _check(self):
        if self.down:
            raise ConnectionLost("cannot reach the workshop host (test)")

    def state(self):
        self._check()
        return super().state()

    def save_draft(self, plan, author=""):
        self._check()
        self.saves += 1
        return super().save_draft(plan, author)

    def submit(self, plan, author=""):
        self._check()
        return super().submit(plan, author)


class ConnectionLost(WorkshopError):
    """As ``workshop.client.ConnectionLost`` (the screens know it by its name)."""


class LocalClient:
    """``JoinScene``'s client over the in-process host (the real one speaks HTTP)."""

    def __init__(self, host):
        self.host = host

    def __call__(self, address):
        if address == "nowhere:1":
            raise ConnectionLost("cannot reach the workshop host at http://nowhere:1")
        return self

    def info(self):
        return self.host.info()

    def join(self, team, code, secret=None, device=""):
        return self._admitted(self.host.join(team, code, secret, device))

    def follow(self, request, key):
        return self._admitted({"request": request, "key": key,
                               **self.host.join_status(request, key)})

    def _admitted(self, joined):
        if "token" not in joined:
            raise ApprovalPending(joined["team"], joined["request"], joined["key"])
        return CountingLink(self.host, joined["token"])

    def link(self, token):
        return CountingLink(self.host, token)


def run(app, seconds: float, step: float = 0.25) -> None:
    """Let ``seconds`` of game time pass, frame by frame."""

    for _ in range(round(seconds / step)):
        app.step([], step)


def open_team(app, host, team="t1", author="Li Na"):
    link = CountingLink(host, host.session.team(team)["token"])
    session = TeamSession.connect(link, author)
    scene = PlanningScene(app, session)
    app.push(scene)
    scene.tutorial_step = None
    app.rebuild()
    pump(app)
    return scene, session, link


def plus(app, action="support_days"):
    click(app, app.scene.steppers[(action, None)].plus.rect.center)


# -- planning, submitting, waiting, results ---------------------------------------------------
def test_the_draft_reaches_the_host_a_moment_after_the_last_change(app, host):
    scene, session, link = open_team(app, host)
    plus(app)
    run(app, 0.5)
    plus(app)  # a second change restarts the wait
    run(app, AUTOSAVE_DELAY - 0.5)
    assert link.saves == 0 and host.session.draft("t1") is None  # not on every change
    run(app, 1.0)
    assert link.saves == 1
    acc = session.scenario.accounts[0].id
    assert host.session.draft("t1")["plan"]["accounts"][acc]["support_days"] == 1.0
    assert host.session.draft("t1")["author"] == "Li Na"
    run(app, 3 * POLL_PLANNING)  # polling does not resend an unchanged draft
    assert link.saves == 1


def test_submit_wait_and_results_as_the_host_played_them(app, host):
    scene, session, _ = open_team(app, host)
    plus(app)
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, TeamWaitScene)
    sub = host.session.counting_plan("t1", 1)
    assert sub["plan"] == session.draft and sub["author"] == "Li Na"
    run(app, 3 * POLL_WAIT)
    assert app.scene.name == "team_wait"  # nothing happens until the facilitator acts
    host.act(host.token, "advance")
    run(app, POLL_WAIT + 0.25)
    assert app.scene.name == "results"
    replay = host.session.replay_team("t1")
    assert app.scene.result["kpis"] == replay.rounds[0]["kpis"]
    assert app.scene.note is None  # the team's own plan counted
    press(app, pygame.K_RETURN)  # Continue: the next round's planning on the rebuilt game
    assert app.scene.name == "planning" and session.game.turn == 1
    assert session.game.kpi_history() == replay.game.kpi_history()


def test_change_my_plan_and_submit_again_the_last_one_counts(app, host):
    scene, session, _ = open_team(app, host)
    plus(app)
    press(app, pygame.K_RETURN)
    click(app, app.scene.change_button.rect.center)
    assert app.scene.name == "planning"
    acc = session.scenario.accounts[0].id
    assert session.get(acc, "support_days") == 0.5  # the submitted draft is back
    assert "Submitted at" in app.scene.status.text
    plus(app)
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, TeamWaitScene)
    assert len(host.session.history("t1", 1)) == 2
    assert host.session.counting_plan("t1", 1)["plan"]["accounts"][acc]["support_days"] == 1.0


def test_a_team_that_did_not_submit_sees_its_quarter_was_filled_in(app, host):
    scene, session, _ = open_team(app, host, "t2")
    plus(app)
    host.act(host.token, "advance")  # the facilitator closes the round meanwhile
    run(app, POLL_PLANNING + 0.25)
    assert app.scene.name == "results"
    assert app.scene.note and "Even spread" in app.scene.note
    assert app.scene.result["kpis"] == host.session.replay_team("t2").rounds[0]["kpis"]
    press(app, pygame.K_RETURN)
    assert app.scene.name == "planning"
    run(app, AUTOSAVE_DELAY + 0.5)  # the carried-forward draft is the next round's
    assert host.session.draft("t2")["round"] == 2


def test_a_refused_or_lost_submission_is_shown_and_the_draft_kept(app, host):
    scene, session, link = open_team(app, host)
    plus(app)
    draft = json.loads(json.dumps(session.draft))
    link.down = True
    press(app, pygame.K_RETURN)
    assert app.scene is scene and session.draft == draft
    assert "Cannot reach the host" in scene.status.text
    run(app, POLL_PLANNING + 0.25)
    assert session.sync_error and scene.team_bar.marker() == "offline — retrying"
    link.down = False
    host.act(host.token, "pause")
    run(app, 5.25)  # the next look finds the host again: paused, so no submitting
    assert session.sync_error is None and session.round_state == "paused"
    assert not scene.end_button.is_enabled and "paused" in scene.status.text
    host.act(host.token, "resume")
    run(app, POLL_PLANNING + 0.25)
    assert scene.end_button.is_enabled
    assert host.session.draft("t1")["plan"] == draft  # sent once the host answered


def test_the_timer_counts_down_between_looks_and_says_when_time_is_up(app, host):
    host.act(host.token, "set_timer", seconds=90)
    scene, session, _ = open_team(app, host)
    assert scene.team_bar.timer_text()[0] == "Time left 01:30"
    run(app, 2.0)  # no look at the host yet: counted down here
    assert scene.team_bar.timer_text()[0] == "Time left 01:28"
    host.now[0] += 120
    run(app, POLL_PLANNING)
    assert scene.team_bar.timer_text()[0] == "Time is up"


def test_a_rejoining_client_finds_its_draft(app, host):
    scene, session, _ = open_team(app, host)
    plus(app)
    plus(app, "training_days")
    run(app, AUTOSAVE_DELAY + 0.25)
    again = TeamSession.connect(LocalTeamLink(host, host.session.team("t1")["token"]))
    assert again.draft == session.draft


# -- the facilitator's headlines --------------------------------------------------------------
def test_headlines_injected_for_this_team_show_and_other_teams_do_not(app, host):
    scene, session, _ = open_team(app, host)
    assert scene.team_bar.banner is None
    host.act(host.token, "inject", event_id="jinhua_complaint", team="t1")
    host.act(host.token, "inject", event_id="hengyun_price_cut", team="t2")
    run(app, POLL_PLANNING + 0.25)
    assert [h["event"] for h in session.headlines] == ["jinhua_complaint"]
    banner = app.scene.team_bar.banner
    assert banner is not None
    shown = " ".join(getattr(e, "html_text", "") or getattr(e, "text", "")
                     for e in banner.get_container().elements)
    assert "Jinhua" in shown and "Hengyun" not in shown and "Gute" not in shown
    click(app, app.scene.team_bar.banner_ok.rect.center)
    assert app.scene.team_bar.banner is None and not session.new_headlines
    host.act(host.token, "inject", event_id="dingxin_late_delivery")  # every team
    run(app, POLL_PLANNING + 0.25)
    assert [h["event"] for h in session.headlines] == ["dingxin_late_delivery",
                                                       "jinhua_complaint"]  # newest first
    assert app.scene.team_bar.banner is not None


# -- the whole game, and where a team goes when it leaves -------------------------------------
def test_after_the_last_round_the_debrief_works_on_the_rebuilt_game(app, host):
    scene, session, _ = open_team(app, host)
    for _ in range(session.scenario.turns):
        assert app.scene.name == "planning"
        plus(app)
        press(app, pygame.K_RETURN)
        host.act(host.token, "advance")
        run(app, POLL_WAIT + 0.25)
        assert app.scene.name == "results"
        press(app, pygame.K_RETURN)
    debrief = app.scene
    assert debrief.name == "debrief" and session.game.over
    assert debrief.truths and debrief.references
    for key in range(pygame.K_1, pygame.K_7):
        press(app, key)
    branch = debrief.replay()  # what if…: a solo game in the same world
    assert app.scene.name == "planning" and not isinstance(branch, TeamSession)


def test_leaving_goes_back_to_return_to(app, host):
    from kam_sandbox.game.app import Scene

    class Console(Scene):
        name = "console"

    console = Console(app)
    app.push(console)
    scene, session, _ = open_team(app, host)
    session.return_to = console
    press(app, pygame.K_ESCAPE)
    assert app.scene is console


# -- joining ----------------------------------------------------------------------------------
def open_join(app, host, tmp_path, address="local:1"):
    app.data_folder = tmp_path / "data"
    scene = JoinScene(app, address, client=LocalClient(host))
    app.push(scene)
    pump(app, 3)  # shows "Connecting…", then connects
    return scene


def join_as(app, scene, team="t1", code=None, name="Wang Fang", secret=""):
    click(app, scene.team_buttons[team].rect.center)
    scene = app.scene
    scene.code_entry.set_text(code)
    scene.name_entry.set_text(name)
    scene.secret_entry.set_text(secret)
    click(app, scene.join_button.rect.center)
    pump(app, 3)


def test_a_second_device_waits_for_approval_or_types_the_team_secret(app, host, tmp_path):
    first = host.join("t1", host.session.meta["join_code"], device="Li Na")
    scene = open_join(app, host, tmp_path)
    join_as(app, scene, code=host.session.meta["join_code"], name="Han")
    assert app.scene is scene and scene.waiting is not None
    assert tr_text(scene, "join.waiting")
    run(app, 5)  # it asks again every few seconds; still waiting
    assert app.scene is scene and scene.waiting is not None
    request = host.status(host.token)["requests"][0]
    assert request["device"] == "Han"
    host.act(host.token, "approve_join", request=request["id"])
    run(app, 3)
    assert app.scene.name == "planning" and scene.waiting is None
    assert app.scene.session.rejoin_secret == first["secret"]
    # A third device types the team secret: in at once, no approval.
    third = open_join(app, host, tmp_path / "third")
    join_as(app, third, code=host.session.meta["join_code"], name="Zhou",
            secret=first["secret"])
    assert app.scene.name == "planning"
    assert [d["label"] for d in host.session.devices("t1")] == ["Li Na", "Han", "Zhou"]
    # A wrong secret is said in words.
    fourth = open_join(app, host, tmp_path / "fourth")
    join_as(app, fourth, code=host.session.meta["join_code"], secret="AAAA-AAAA")
    assert app.scene is fourth and fourth.message[0] == "join.error.wrong_secret"


def tr_text(scene, key: str) -> bool:
    """Whether the scene's widgets show the start of the text of ``key``."""

    from kam_sandbox.base.i18n import tr

    start = tr(key)[:12]
    return any(start in getattr(e, "text", "") for e in scene.ui.get_root_container().elements)


def test_too_many_wrong_codes_are_said_with_the_wait(app, host, tmp_path):
    scene = open_join(app, host, tmp_path)
    wrong = "000000" if host.session.meta["join_code"] != "000000" else "111111"
    for _ in range(10):
        join_as(app, scene, code=wrong)
    join_as(app, scene, code=host.session.meta["join_code"])
    assert app.scene is scene and scene.message == ("join.error.too_many", {"seconds": 60})


def test_join_shows_the_case_and_the_teams(app, host, tmp_path):
    scene = open_join(app, host, tmp_path)
    assert scene.info["session"] == host.session.meta["id"]
    assert set(scene.team_buttons) == {"t1", "t2", "t3"}
    assert scene.message is None


def test_a_wrong_join_code_is_said_on_the_join_screen(app, host, tmp_path):
    scene = open_join(app, host, tmp_path)
    wrong = "000000" if host.session.meta["join_code"] != "000000" else "111111"
    join_as(app, scene, code=wrong)
    assert app.scene is scene
    assert scene.message[0] == "join.error.wrong_code"
    join_as(app, scene, code="12")
    assert scene.message[0] == "join.error.code"


def test_an_unreachable_host_is_said_not_raised(app, host, tmp_path):
    scene = open_join(app, host, tmp_path, address="nowhere:1")
    assert scene.info is None and scene.message[0] == "join.error.unreachable"
    assert "nowhere:1" in i18n.tr(scene.message[0], **scene.message[1])


def test_join_then_rejoin_after_a_crash_without_the_code(app, host, tmp_path):
    scene = open_join(app, host, tmp_path)
    join_as(app, scene, code=host.session.meta["join_code"])
    planning = app.scene
    assert planning.name == "planning" and planning.session.author == "Wang Fang"
    stored = json.loads((tmp_path / "data" / LINKS_FILE).read_text(encoding="utf-8"))
    assert host.session.team_for_token(stored["links"][0]["token"])["id"] == "t1"
    assert stored["last"]["address"] == "local:1"
    plus(app)
    run(app, AUTOSAVE_DELAY + 0.25)
    draft = planning.session.draft
    press(app, pygame.K_ESCAPE)  # closes the tutorial's tour
    press(app, pygame.K_ESCAPE)  # Leave: back to the join screen, one click to rejoin
    assert app.scene is scene and scene.offers

    # A new client after a crash: the address is remembered, the code is not needed.
    fresh = JoinScene(app, None, client=LocalClient(host))
    app.reset_to(fresh)
    pump(app, 3)
    assert fresh.address_text == "local:1" and fresh.team == "t1"
    assert len(fresh.rejoin_buttons) == 1
    click(app, fresh.rejoin_buttons[0].rect.center)
    pump(app, 3)
    assert app.scene.name == "planning" and app.scene.session.draft == draft
    assert app.scene.session.author == "Wang Fang"


def test_a_submitted_team_rejoins_to_its_wait_screen(app, host, tmp_path):
    token = host.session.team("t3")["token"]
    host.session.submit("t3", {"accounts": {}, "portfolio": {}}, "x")
    store = LinkStore(tmp_path / "data")
    store.remember("local:1", host.session.meta["id"], "t3", token, "Team 3")
    assert store.save() is None
    scene = open_join(app, host, tmp_path)
    click(app, scene.rejoin_buttons[0].rect.center)
    pump(app, 3)
    assert isinstance(app.scene, TeamWaitScene)


def test_a_garbage_links_file_is_ignored_with_a_message(app, host, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / LINKS_FILE).write_bytes(b"\x00\xffnot json{")
    scene = open_join(app, host, tmp_path, address="local:1")
    assert scene.notice[0] == "join.links_corrupt" and scene.info is not None
    join_as(app, scene, code=host.session.meta["join_code"])
    assert app.scene.name == "planning"
    stored = json.loads((folder / LINKS_FILE).read_text(encoding="utf-8"))
    assert stored["links"][0]["team"] == "t1"
    for garbage in ("[1, 2]", '{"links": "x"}', '{"links": [{"token": 3}]}'):
        (folder / LINKS_FILE).write_text(garbage, encoding="utf-8")
        store = LinkStore(folder)
        assert store.links == []


def test_a_token_the_host_refuses_is_forgotten(app, host, tmp_path):
    store = LinkStore(tmp_path / "data")
    store.remember("local:1", host.session.meta["id"], "t1", "not-a-token", "Team 1")
    store.save()
    scene = open_join(app, host, tmp_path)
    assert scene.offers == [] and LinkStore(tmp_path / "data").links == []
    with pytest.raises(AccessError):
        CountingLink(host, "not-a-token").state()


def test_the_team_screens_build_in_chinese(app, host, tmp_path):
    i18n.set_language("zh")
    try:
        host.act(host.token, "set_timer", seconds=300)
        host.act(host.token, "inject", event_id="jinhua_complaint")
        scene = open_join(app, host, tmp_path)
        join_as(app, scene, code=host.session.meta["join_code"])
        assert app.scene.name == "planning" and app.scene.end_button.text == "提交计划"
        assert app.scene.team_bar.timer_text()[0].startswith("剩余时间")
        app.render()
        press(app, pygame.K_ESCAPE)  # closes the tutorial's tour
        press(app, pygame.K_RETURN)
        assert isinstance(app.scene, TeamWaitScene)
        app.render()
    finally:
        i18n.set_language("en")


# -- over real HTTP ---------------------------------------------------------------------------
def test_a_team_plays_a_round_over_loopback_http(app, host, tmp_path):
    pytest.importorskip("kam_sandbox.workshop.client")
    server_module = pytest.importorskip("kam_sandbox.workshop.server")
    server = server_module.ServerThread(host, port=0, announce=False)
    server.start()
    try:
        address = f"127.0.0.1:{server.port}"
        app.data_folder = tmp_path / "data"
        scene = JoinScene(app, address)
        app.push(scene)
        pump(app, 3)
        assert scene.info is not None, scene.message
        join_as(app, scene, code=host.session.meta["join_code"])
        planning = app.scene
        assert planning.name == "planning", scene.message
        plus(app)
        run(app, AUTOSAVE_DELAY + 0.25)
        assert host.session.draft("t1")["plan"] == planning.session.draft
        press(app, pygame.K_ESCAPE)  # closes the tutorial's tour
        press(app, pygame.K_RETURN)
        assert isinstance(app.scene, TeamWaitScene), planning.status.text
        host.act(host.token, "advance")
        deadline = time.monotonic() + 20  # the look at the host runs on a worker thread
        while app.scene.name == "team_wait" and time.monotonic() < deadline:
            run(app, POLL_WAIT)
            time.sleep(0.05)
        assert app.scene.name == "results"
        assert app.scene.result["kpis"] == host.session.replay_team("t1").rounds[0]["kpis"]
    finally:
        server.stop()


# -- every character of the team screens' strings is in the font ------------------------------
def test_the_bundled_font_draws_the_team_strings():
    from importlib import resources

    from kam_sandbox.game.fonts import font

    pygame.font.init()
    folder = resources.files("kam_sandbox.base").joinpath("locales")
    texts = "".join(
        "".join(json.loads(folder.joinpath(f"team.{lang}.json").read_text("utf-8")).values())
        for lang in i18n.LANGUAGES)
    f = font(16)
    tofu = pygame.image.tobytes(f.render("\ue000", True, (0, 0, 0)), "RGBA")
    missing = sorted({ch for ch in set(texts) if not ch.isspace() and
                      pygame.image.tobytes(f.render(ch, True, (0, 0, 0)), "RGBA") == tofu})
    assert not missing, "characters the font cannot show: " + "".join(missing)
