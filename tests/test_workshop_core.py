"""Workshop core: all-or-nothing writes (also under kill -9), the round timer, access by join
code and tokens, drafts, what each audience may see, and a team's game over a TeamLink."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kam_sandbox.engine import Game, PlanError, load_scenario
from kam_sandbox.engine.loader import resolve
from kam_sandbox.game.team_session import TeamSession
from kam_sandbox.workshop import Session, WorkshopError
from kam_sandbox.workshop.host import FACILITATOR_ACTIONS, Host
from kam_sandbox.workshop.secrecy import rounded_results
from kam_sandbox.workshop.session import MAX_PLAN_BYTES, AccessError

PLAN = {"accounts": {"jinggong": {"support_days": 3, "survey": True}}}
OVER_BUDGET = {"accounts": {"jinggong": {"promotion": 10**9}}}


@pytest.fixture
def session(tmp_path):
    with Session.create(tmp_path / "ws", "tutorial", ["红队", "蓝队", "Green"], seed=3,
                        world_secret="core") as s:
        yield s


def test_a_failing_action_writes_nothing(session, monkeypatch):
    session.submit("红队", PLAN)
    path = session.folder / "session.json"
    before = path.read_bytes()
    played = []

    def flaky_play(self, plan, **kwargs):  # the third team's quarter fails mid-way through closing
        played.append(1)
        if len(played) == 3:
            raise RuntimeError("power cut")
        return real_play(self, plan, **kwargs)

    real_play = Game.play
    monkeypatch.setattr(Game, "play", flaky_play)
    with pytest.raises(RuntimeError):
        session.advance()
    assert path.read_bytes() == before  # not the fill-ins, not team 1's result: nothing
    assert session.round == 1 and session.state == "open"
    assert len(session.history()) == 1 and session.db.table("results").all() == []
    monkeypatch.setattr(Game, "play", real_play)
    assert session.advance() == 2
    assert len(session.history()) == 3 and len(session.db.table("results").all()) == 3


KILL_CHILD = r"""
import sys
from kam_sandbox.workshop import Session
folder = sys.argv[1]
with Session.open(folder) as s:
    print("ready", flush=True)
    while not s.meta["finished"]:
        s.save_draft("t1", {"accounts": {}, "portfolio": {}, "n": s.round})
        s.submit("t2", {"accounts": {"jinling": {"support_days": 1}}}, author="loop")
        if not any(i["round"] == s.round for i in s.injections()):  # once per round
            s.inject("capacitor_recall", team="t3")
        s.advance()
        print("closed", flush=True)
"""


def consistent(folder) -> int:
    """Check a session file after a kill; returns its closed rounds."""

    with Session.open(folder, write=False) as s:  # parses, or raises
        closed = s.closed_rounds()
        teams = [t["id"] for t in s.teams()]
        results = s.db.table("results").all()
        assert sorted((r["round"], r["team"]) for r in results) == sorted(
            (r, t) for r in range(1, closed + 1) for t in teams)
        for r in range(1, closed + 1):  # every closed round has a plan for every team
            assert all(s.counting_plan(t, r) for t in teams)
        fills = [x for x in s.history() if x["filled_by"]]
        assert all(x["round"] <= closed for x in fills)  # a fill-in only with its close
        rounds = [x["round"] for x in s.db.table("rounds").all()]
        assert rounds == list(range(1, s.round + 1))
        for r in range(1, closed + 1):
            s.replay_team("t2", upto=r)  # the record still replays
        return closed


def test_kill_nine_mid_write_never_leaves_half_an_action(tmp_path):
    """Ten SIGKILLs of a writer looping over drafts, submissions, injections and round
    closes (distributors: 8 rounds, 3 teams); the file is checked after every kill, and the
    next writer takes the stale lock over and carries on."""

    folder = tmp_path / "ws"
    Session.create(folder, "distributors", 3, seed=2).close()
    rng = random.Random(1)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    kills = progress = 0
    closes = 0
    while kills < 10:
        child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(folder)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        if kills % 2 == 0:  # let every other writer land a close first, however slow the machine
            child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.5))  # then a random moment, not a synchronisation
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
        if child.returncode != -signal.SIGKILL:
            assert child.returncode == 0, child.stderr.read()  # finished the session
        closed = consistent(folder)
        assert closed >= progress  # nothing that landed is ever lost
        closes += closed - progress
        progress = closed
        if closed == 8:  # finished: start over in a fresh session
            shutil.rmtree(folder)
            Session.create(folder, "distributors", 3, seed=2).close()
            progress = 0
    assert closes >= 5  # rounds got through between the kills (half the writers waited)
    with Session.open(folder) as s:  # the last stale lock is taken over, dead temp files go
        assert not list(folder.glob(".session.json.*.tmp"))
        assert s.lock.held


def test_timer_counts_down_pauses_and_extends(session):
    now = [1000.0]
    session.clock = lambda: now[0]
    assert session.timer()["remaining"] is None
    session.set_timer(600)
    now[0] += 100
    t = session.timer()
    assert t["remaining"] == pytest.approx(500) and t["running"] and not t["expired"]
    session.pause()
    now[0] += 1000  # paused: the clock stands still
    assert session.timer()["remaining"] == pytest.approx(500)
    assert not session.timer()["running"]
    session.resume()
    now[0] += 50
    assert session.timer()["remaining"] == pytest.approx(450)
    session.extend_timer(120)
    assert session.timer()["remaining"] == pytest.approx(570)
    now[0] += 600
    assert session.timer()["expired"] and session.timer()["remaining"] == 0
    assert session.state == "open"  # time up informs; the facilitator closes
    session.extend_timer(60)  # an expired timer restarts from now
    assert session.timer()["remaining"] == pytest.approx(60)
    for bad in (0, -5, "soon", 10**9):
        with pytest.raises(WorkshopError, match="timer"):
            session.set_timer(bad)
    session.advance()
    assert session.timer()["remaining"] == pytest.approx(600)  # the last set countdown, not
    session.set_timer(None)                                    # the extended one
    session.advance()
    assert session.timer()["remaining"] is None  # removed: no timer from now on


def test_join_code_and_tokens(session):
    code = session.meta["join_code"]
    assert len(code) == 6 and code.isdigit()
    with pytest.raises(AccessError, match="wrong join code"):
        session.join("红队", "000000" if code != "000000" else "111111")
    red = session.join("红队", code)
    assert red["team"]["name"] == "红队" and "token" not in red["team"]
    assert session.team_for_token(red["token"])["id"] == "t1"
    again = session.join("红队", f" {code} ")  # a second device waits for approval
    assert "token" not in again and again["request"] and again["key"]
    second = session.join("红队", code, secret=red["secret"])
    assert second["token"] != red["token"]  # every device its own token
    assert session.team_for_token(second["token"])["id"] == "t1"
    for bad in (None, "", "x" * 24, session.meta["facilitator_token"]):
        with pytest.raises(AccessError):
            session.team_for_token(bad)
    with pytest.raises(AccessError):
        session.check_facilitator(red["token"])
    session.check_facilitator(session.meta["facilitator_token"])
    tokens = ({t["token"] for t in session.teams()} | {session.meta["facilitator_token"]}
              | {red["token"], second["token"]} | {t["rejoin"] for t in session.teams()})
    assert len(tokens) == 9


def test_board_and_status_keep_secrets(session):
    session.set_members("红队", ["李雷", "韩梅梅"])
    session.save_draft("蓝队", PLAN)
    session.submit("红队", PLAN, author="李雷")
    session.inject("jinhua_complaint", team="蓝队")
    session.inject("hengyun_price_cut")
    secrets = [t["token"] for t in session.teams()] + [session.meta["facilitator_token"]]
    board = json.dumps(session.board(), ensure_ascii=False)
    for secret in [*secrets, "李雷", "韩梅梅", "support_days", "jinhua_complaint"]:
        assert secret not in board
    assert "hengyun_price_cut" in board  # an event for every team is news for the room
    assert [t["progress"] for t in session.board()["teams"]] == [
        "submitted", "drafting", "absent"]
    status = json.dumps(session.status(), ensure_ascii=False)
    assert not any(s in status for s in secrets)
    assert "李雷" in status and "jinhua_complaint" in status  # the facilitator sees all


def test_team_state_shows_only_the_team(session):
    session.submit("蓝队", PLAN, author="Wang")
    session.inject("jinhua_complaint", team="蓝队")
    session.inject("dingxin_late_delivery", team="红队")
    session.save_draft("红队", OVER_BUDGET)  # a draft may be over budget while edited
    red = session.team_state("红队")
    text = json.dumps(red, ensure_ascii=False)
    assert "Wang" not in text and "jinhua_complaint" not in text and "t2" not in text
    assert red["draft"] == OVER_BUDGET and not red["submitted"]
    assert [h["event"] for h in red["headlines"]] == ["dingxin_late_delivery"]
    assert red["headlines"][0]["headline"]["zh"] and red["headlines"][0]["headline"]["en"]
    session.advance()
    red = session.team_state("红队")
    assert red["closed_rounds"] == 1 and len(red["plans"]) == 1 and red["draft"] is None
    assert red["submissions"][0]["filled_by"] == "uniform"
    assert "token" not in json.dumps(red)


def test_drafts_are_kept_per_round_and_never_count(session):
    session.save_draft("红队", PLAN, author="Li")
    session.save_draft("红队", {"accounts": {}}, author="Li")
    assert session.draft("t1")["plan"] == {"accounts": {}}
    assert len(session.db.table("drafts").all()) == 1  # replaced, not piled up
    assert session.history() == []  # a draft is no submission
    session.advance()
    assert session.counting_plan("t1", 1)["filled_by"] == "uniform"
    assert session.draft("t1") is None
    with pytest.raises(WorkshopError, match="too large"):
        session.save_draft("红队", {"accounts": {}, "junk": "x" * MAX_PLAN_BYTES})
    with pytest.raises(WorkshopError, match="JSON object"):
        session.submit("红队", ["not", "a", "plan"])
    with pytest.raises(WorkshopError, match="not a number"):  # NaN would break every answer
        session.save_draft("红队", {"accounts": {"jinggong": {"discount": float("nan")}}})
    huge = {"accounts": {"jinggong": {"support_days": 10**400}}}
    with pytest.raises(WorkshopError, match="number larger"):
        session.submit("红队", huge)
    with pytest.raises(PlanError, match="beyond any budget"):  # the engine's own check
        Game(session.scenario, 1).check(huge)
    with pytest.raises(PlanError):
        session.submit("红队", OVER_BUDGET)


def test_session_keeps_the_case_it_started_with(tmp_path):
    case = tmp_path / "case.yaml"
    shutil.copy(resolve("tutorial"), case)
    with Session.create(tmp_path / "ws", str(case), 2, seed=4) as s:
        s.advance()
        score = s.status()["teams"][0]["score"]
    case.write_text("broken: [", encoding="utf-8")  # the author keeps editing the file
    with Session.open(tmp_path / "ws") as s:
        assert s.replay_team("t1").rounds[0]["score"] == score
        s.advance()


def test_host_checks_every_caller(session):
    host = Host(session)
    ft = session.meta["facilitator_token"]
    red = host.join("红队", session.meta["join_code"])["token"]
    with pytest.raises(AccessError):
        host.status(red)
    with pytest.raises(AccessError):
        host.act(red, "advance")
    with pytest.raises(WorkshopError, match="unknown action"):
        host.act(ft, "close")  # only the listed Session methods, never e.g. "close"
    assert "close" not in FACILITATOR_ACTIONS and "submit" not in FACILITATOR_ACTIONS
    with pytest.raises(AccessError):
        host.team_state("forged")
    assert host.case(red) == host.case(ft) == session.public_case()  # never the file
    changes = host.changes
    host.submit(red, PLAN)
    host.act(ft, "set_timer", seconds=300)
    assert host.changes == changes + 2
    board = host.board()
    assert [t["online"] for t in board["teams"]] == [True, False, False]
    assert host.status(ft)["teams"][0]["submitted"]


def test_team_plays_through_a_link_and_rejoins(session):
    host = Host(session)
    ft = session.meta["facilitator_token"]
    team = TeamSession.connect(host.local_team("蓝队"), author="Wang")
    assert team.game.turn == 0 and team.team["name"] == "蓝队"
    team.set("jinggong", "support_days", 2)
    team.set("jinggong", "survey", True)
    team.autosave()
    again = TeamSession.connect(host.local_team("蓝队"))  # a crashed client comes back
    assert again.draft == team.draft
    assert team.end_quarter() is None and team.submitted
    assert not team.refresh()  # nothing played yet
    assert not any(t["online"] for t in host.board()["teams"])  # hot-seat: no LAN client
    host.act(ft, "inject", event_id="jinhua_complaint", team="t2")
    host.act(ft, "advance", fill_policy="needs")
    assert team.refresh()
    assert team.game.turn == 1 and team.last_result["turn"] == 1
    assert team.game.scorecard()["score"] == session.replay_team("蓝队").rounds[0]["score"]
    assert "survey" not in team.draft["accounts"]["jinggong"]  # one-off actions reset
    assert team.get("jinggong", "support_days") == 2  # recurring allocations carried
    red = TeamSession.connect(host.local_team("红队"))  # filled in by the policy
    assert red.game.plans == [session.counting_plan("t1", 1)["plan"]]
    # the event injected during round 1 hit blue's first quarter, and only blue's
    assert [h["event"] for h in team.state["headlines"]] == ["jinhua_complaint"]
    assert red.state["headlines"] == []
    assert Game.replay(load_scenario("tutorial"), session.world_seed, team.game.plans,
                       session.injected_for("t2")).scorecard() == team.game.scorecard()


def test_shared_market_session(tmp_path):
    """Teams as rival suppliers in one world: fill-ins, world-wide injections, replay equal
    to the engine's Market, and a team's client seeing its own seat only."""

    from kam_sandbox.engine.market import Market

    with Session.create(tmp_path / "ws", "tutorial", ["A", "B", "C"], seed=6,
                        mode="shared") as s:
        with pytest.raises(WorkshopError, match="every team"):
            s.inject("jinhua_complaint", team="B")
        s.inject("jinhua_complaint")
        s.submit("A", {"accounts": {"jinggong": {"am_days": {"zhou_zhenhua": 3}, "survey": True}}})
        s.submit("B", {"accounts": {"jinggong": {"discount": 0.1}}})
        s.advance(fill_policy="needs")  # C is absent: filled in, marked
        assert s.counting_plan("t3", 1)["filled_by"] == "needs"
        rounds = [[s.counting_plan(t, 1)["plan"] for t in ("t1", "t2", "t3")]]
        market = Market.replay(load_scenario("tutorial"), s.world_seed, 3, rounds,
                               s.injected_for(None))
        replays = s.replay()
        for p, tid in enumerate(("t1", "t2", "t3")):
            assert replays[tid].game.scorecard() == market.seat(p).scorecard()
            stored = [r for r in s.db.table("results").all() if r["team"] == tid][0]
            assert stored["score"] == market.seat(p).scorecard()["score"]
        shares = [market.seat(p).view().share_estimate for p in range(3)]
        assert not all((shares[0] == x).all() for x in shares[1:])  # they compete

        host = Host(s)
        team = TeamSession.connect(host.local_team("B"))
        assert team.game.scorecard() == market.seat(1).scorecard()
        assert team.game.results == rounded_results(market.seat(1).results)  # secrecy
        assert (team.game.view().receivables == market.seat(1).view().receivables).all()
        state = json.dumps(s.team_state("B"))
        # A's plan stays A's (its people are public: B's own reasons may name them)
        assert '"am_days": {"zhou_zhenhua": 3' not in state
        team.set("jinggong", "support_days", 1)
        team.end_quarter()
        s.advance()
        assert team.refresh() and team.game.turn == 2
        assert team.game.scorecard()["score"] == s.replay_team("B").rounds[-1]["score"]


def test_a_drafting_team_plays_its_draft_at_the_close(session):
    session.save_draft("红队", PLAN, author="李雷")  # valid: counts as the team's plan
    session.save_draft("蓝队", OVER_BUDGET)  # not a plan it could submit: the policy plays
    session.save_draft("Green", {"accounts": {}, "portfolio": {}})  # untouched: the policy
    session.advance(fill_policy="focus")
    red, blue, green = (session.counting_plan(t, 1) for t in ("t1", "t2", "t3"))
    assert red["plan"] == PLAN and red["from_draft"] and red["filled_by"] is None
    assert red["author"] == "李雷"
    assert blue["filled_by"] == green["filled_by"] == "focus"
    assert not blue["from_draft"] and not green["from_draft"]


def test_names_typed_by_a_team_become_its_members(session):
    session.save_draft("红队", PLAN, author="李雷")
    session.submit("红队", PLAN, author="韩梅梅")
    session.submit("红队", PLAN, author="李雷")
    session.submit("红队", PLAN, author="红队")  # the console's hot-seat author: no member
    session.submit("蓝队", PLAN)
    members = {t["name"]: t["members"] for t in session.status()["teams"]}
    assert members == {"红队": ["李雷", "韩梅梅"], "蓝队": [], "Green": []}


def test_an_event_is_queued_once_per_round_and_target(session):
    session.inject("jinhua_complaint", team="蓝队")
    for again in ("蓝队", "2", "t2", None):  # the same team by any name, or everyone
        with pytest.raises(WorkshopError, match="already queued"):
            session.inject("jinhua_complaint", team=again)
    session.inject("jinhua_complaint", team="红队")  # another team: fine
    session.inject("hengyun_price_cut")
    with pytest.raises(WorkshopError, match="already queued for round 1 of every team"):
        session.inject("hengyun_price_cut", team="Green")
    session.advance()
    session.inject("jinhua_complaint", team="蓝队")  # a new round: fine again
