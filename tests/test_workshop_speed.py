"""Closing a round plays one quarter per team (issue 12, item 13): the teams' games are kept
between rounds, never replayed from round 1; what is kept equals a fresh replay, and a
close that fails to land leaves nothing of itself behind."""

from __future__ import annotations

import pytest

from kam_sandbox.engine import Game, KamError, SaveError
from kam_sandbox.workshop import Session, WorkshopError
from kam_sandbox.workshop import session as session_module


def test_an_advance_plays_one_quarter_per_team(tmp_path, monkeypatch):
    with Session.create(tmp_path / "ws", "tutorial", 3, seed=2) as s:
        s.advance()
        s.advance()
        s.status()  # polls and reads in between keep the games
        plays = []
        real = Game.play
        monkeypatch.setattr(Game, "play",
                            lambda self, plan, **kw: plays.append(1) or real(self, plan, **kw))
        s.advance()
        assert len(plays) == 3  # round 3 only, one per team
    with Session.open(tmp_path / "ws", write=False) as fresh, \
            Session.open(tmp_path / "ws", write=False) as again:
        kept = {tid: rep.rounds for tid, rep in fresh.replay().items()}
        assert kept == {tid: rep.rounds for tid, rep in again._replay(3).items()}


def test_a_close_that_does_not_land_is_forgotten(tmp_path, monkeypatch):
    with Session.create(tmp_path / "ws", "tutorial", 2, seed=2) as s:
        s.advance()
        before = {tid: rep.rounds[:] for tid, rep in s.replay().items()}
        storage = type(s.db.storage)

        def full(self, data):
            raise SaveError("no space left on device")

        monkeypatch.setattr(storage, "_write_file", full)
        with pytest.raises(SaveError):
            s.advance()
        monkeypatch.undo()
        assert {tid: rep.rounds for tid, rep in s.replay().items()} == before
        s.advance()
        assert {tid: rep.rounds for tid, rep in s.replay().items()} == \
            {tid: rep.rounds for tid, rep in s._replay(2).items()}


# -- the close is played outside the host's lock (issue 12, item 13, second half) -------------
import threading  # noqa: E402

from kam_sandbox.engine.market import Market  # noqa: E402
from kam_sandbox.workshop.host import Host  # noqa: E402

GUARD = 30.0  # seconds: only so that a broken build fails instead of hanging


class HeldQuarter:
    """Holds the first quarter played on ``thread`` until ``release()``, noting the order
    in which things happen in ``order``."""

    def __init__(self, monkeypatch, owner, name):
        self.playing, self.released = threading.Event(), threading.Event()
        self.order: list[str] = []
        self.thread: threading.Thread | None = None
        real = getattr(owner, name)

        def held(game, *args, **kwargs):
            if threading.current_thread() is self.thread and not self.playing.is_set():
                self.playing.set()
                if not self.released.wait(GUARD):
                    self.order.append("guard ran out")
                self.order.append("quarter released")
            return real(game, *args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    def start(self, target) -> None:
        self.thread = threading.Thread(target=target)
        self.thread.start()
        assert self.playing.wait(GUARD), "the round never started to play"

    def release(self) -> None:
        self.released.set()
        self.thread.join(GUARD)


@pytest.fixture
def room(tmp_path):
    with Session.create(tmp_path / "ws", "tutorial", 3, seed=2, world_secret="s") as s:
        host = Host(s)
        yield s, host, s.meta["facilitator_token"], [t["token"] for t in s.teams()]


def test_teams_poll_draft_and_submit_while_a_round_plays(room, monkeypatch):
    s, host, ft, tokens = room
    plan = s.team_state("t2")["draft"] or {"accounts": {}}
    held = HeldQuarter(monkeypatch, Game, "play")
    results = {}
    held.start(lambda: results.setdefault("advance", host.act(ft, "advance")))
    state = host.team_state(tokens[0])  # on its own token: another thread holds no lock
    held.order.append("poll answered")
    assert (state["round"], state["closed_rounds"]) == (1, 0)  # the close has not landed
    host.save_draft(tokens[1], plan, "Li")
    held.order.append("draft saved")
    late = host.submit(tokens[2], _policy_plan(s, "t3"), "Wang")
    held.order.append("plan submitted")
    assert host.status(ft)["round"] == 1
    held.release()
    assert held.order == ["poll answered", "draft saved", "plan submitted", "quarter released"]
    assert results["advance"] == 2
    # The plan submitted while the round played is the one that counted, not the fill-in.
    counted = s.counting_plan("t3", 1)
    assert (counted["seq"], counted["author"], counted["filled_by"]) == (late["seq"], "Wang", None)
    assert s.replay()["t3"].rounds[0]["author"] == "Wang"
    with Session.open(s.folder, write=False) as fresh:
        assert {tid: rep.rounds for tid, rep in s.replay().items()} == \
            {tid: rep.rounds for tid, rep in fresh._replay(1).items()}


def test_a_shared_market_replays_the_round_when_a_plan_comes_in_meanwhile(tmp_path, monkeypatch):
    with Session.create(tmp_path / "ws", "tutorial", 3, seed=2, mode="shared",
                        world_secret="s") as s:
        host = Host(s)
        ft, tokens = s.meta["facilitator_token"], [t["token"] for t in s.teams()]
        held = HeldQuarter(monkeypatch, Market, "play_round")
        held.start(lambda: host.act(ft, "close_round"))
        late = host.submit(tokens[0], _policy_plan(s, "t1"), "Zhao")
        held.order.append("plan submitted")
        held.release()
        assert held.order == ["plan submitted", "quarter released"]
        assert s.counting_plan("t1", 1)["seq"] == late["seq"]
        assert s.state == "closed"
        assert {tid: rep.rounds for tid, rep in s.replay().items()} == \
            {tid: rep.rounds for tid, rep in s._replay(1).items()}


def test_a_poll_after_a_close_reads_what_the_close_made(room, monkeypatch):
    """Each team's snapshot is made while the round plays; a poll then rebuilds nothing,
    and another team's draft does not make a team's state again."""

    s, host, ft, tokens = room
    host.act(ft, "advance")
    made = []
    real = Session._team_state
    monkeypatch.setattr(Session, "_team_state",
                        lambda self, t, *rows: made.append(t["id"]) or real(self, t, *rows))
    monkeypatch.setattr("kam_sandbox.workshop.closing.team_snapshot",
                        lambda game: pytest.fail("a poll made a snapshot again"))
    first = host.team_state(tokens[0])
    assert first["closed_rounds"] == 1 and first["seat"]["turn"] == 1
    host.save_draft(tokens[1], {"accounts": {}}, "Li")
    again = host.team_state(tokens[0])
    assert made == ["t1"] and again["seat"] is first["seat"]
    host.save_draft(tokens[0], {"accounts": {}}, "Li")  # its own draft: read afresh
    assert host.team_state(tokens[0])["draft"] == {"accounts": {}} and made == ["t1", "t1"]


def test_an_event_injected_after_the_games_were_kept_is_played(room):
    s, host, ft, tokens = room
    host.act(ft, "advance")
    s.replay()  # kept, without the event
    event = next(e.id for e in s.scenario.events if e.turn is None)
    host.act(ft, "inject", event_id=event, team="t2")
    host.act(ft, "advance")
    assert {tid: rep.rounds for tid, rep in s.replay().items()} == \
        {tid: rep.rounds for tid, rep in s._replay(2).items()}


def _policy_plan(s: Session, team: str) -> dict:
    from kam_sandbox.engine.actions import actions_to_plan
    from kam_sandbox.engine.policies import POLICIES, decide

    game = s.replay()[team].game
    return actions_to_plan(decide(POLICIES["needs"], game.view(), game.scenario,
                                  game.batch.static), game.batch.static)


def test_a_refused_write_keeps_what_is_cached(room, monkeypatch):
    s, host, ft, tokens = room
    host.act(ft, "advance")
    host.team_state(tokens[0])
    kept = s._games
    monkeypatch.setattr(Session, "_team_state", lambda self, t, *rows: pytest.fail("made again"))
    with pytest.raises(KamError):  # a plan the rules refuse
        host.submit(tokens[0], {"accounts": {"nobody": {}}}, "Li")
    host.act(ft, "close_round")
    with pytest.raises(WorkshopError):
        host.save_draft(tokens[1], {"accounts": {}}, "Li")  # the round is closed
    assert s._games is not kept and s._games.key[0] == 2
    kept = s._games
    with pytest.raises(WorkshopError):
        host.save_draft(tokens[1], {"accounts": {}}, "Li")
    assert s._games is kept


def test_a_poll_answer_is_encoded_once_per_change(room, monkeypatch):
    import json

    s, host, ft, tokens = room
    s.clock = lambda: 1000.0
    host.act(ft, "set_timer", seconds=60)
    host.act(ft, "advance")
    assert json.loads(host.team_state_json(tokens[0])) == host.team_state(tokens[0])
    encoded = s._team_states["t1"][2]
    s.clock = lambda: 1030.0  # only the timer moves
    again = json.loads(host.team_state_json(tokens[0]))
    assert again["timer"]["remaining"] == 30.0 and s._team_states["t1"][2] is encoded
    host.save_draft(tokens[0], {"accounts": {}}, "Li")
    assert json.loads(host.team_state_json(tokens[0]))["draft"] == {"accounts": {}}


# -- the room's load while a round closes (issue 12, item 14) --------------------------------
def test_under_the_lock_a_close_plays_and_scores_nothing(room, monkeypatch):
    """A draft saved while the round plays is played again outside the host's lock
    (``Session.catch_up``), and every team's KPIs and score are worked out there too: the
    lock is held for reading and writing only, whatever the room does meanwhile."""

    s, host, ft, tokens = room
    plan = _policy_plan(s, "t2")
    finishing = threading.Event()
    real_finish = Session.finish_close
    real_play, real_card = Game.play, Game.scorecard
    under_lock: list[str] = []

    def finish(self, close):
        finishing.set()
        try:
            return real_finish(self, close)
        finally:
            finishing.clear()

    def play(game, *args, **kwargs):
        if finishing.is_set():
            under_lock.append("play")
        return real_play(game, *args, **kwargs)

    def card(game, *args):
        if finishing.is_set():
            under_lock.append("scorecard")
        return real_card(game, *args)

    monkeypatch.setattr(Session, "finish_close", finish)
    monkeypatch.setattr(Game, "scorecard", card)
    monkeypatch.setattr(Game, "play", play)
    held = HeldQuarter(monkeypatch, Game, "play")  # the first quarter waits for the draft
    held.start(lambda: host.act(ft, "advance"))
    host.save_draft(tokens[1], plan, "Li")
    held.release()
    assert s.round == 2
    assert under_lock == []
    counted = s.counting_plan("t2", 1)
    assert (counted["author"], counted["from_draft"], counted["plan"]) == ("Li", True, plan)
    with Session.open(s.folder, write=False) as fresh:
        assert {tid: rep.rounds for tid, rep in s.replay().items()} == \
            {tid: rep.rounds for tid, rep in fresh._replay(1).items()}


def test_polls_after_a_close_read_the_log_once(room, monkeypatch):
    """After a close every team's state is made again: from one pass over the tables, not
    one per team, and the same as read afresh."""

    from tinydb.table import Table

    s, host, ft, tokens = room
    host.save_draft(tokens[0], {"accounts": {}}, "Li")
    host.act(ft, "advance")
    host.submit(tokens[1], _policy_plan(s, "t2"), "Wang")
    host.save_draft(tokens[2], {"accounts": {}}, "Zhao")
    host.act(ft, "advance")
    scans = []
    real, real_by_team = Table.all, session_module._by_team
    monkeypatch.setattr(Table, "all", lambda self: scans.append(self.name) or real(self))
    monkeypatch.setattr(session_module, "_by_team",
                        lambda table, order: scans.append(order) or real_by_team(table, order))
    states = [host.team_state(token) for token in tokens]
    assert scans.count("seq") == 1 and scans.count("round") == 1  # submissions, results
    assert "submissions" not in scans and "results" not in scans
    for t, state in zip(s.teams(), states):
        assert state == {**s._team_state(t), "timer": state["timer"],
                         "seat": s._kept().snapshot(t["id"])}


def test_after_a_draft_polls_read_only_the_drafts_again(room, monkeypatch):
    """Every team saves a draft every few seconds: the polls that follow read the drafts
    again, not every submission and result of the session, and read what a fresh read
    gives."""

    from tinydb.table import Table

    s, host, ft, tokens = room
    host.submit(tokens[1], _policy_plan(s, "t2"), "Wang")
    host.act(ft, "advance")
    for token in tokens:
        host.team_state(token)
    scans = []
    real = Table.all
    monkeypatch.setattr(Table, "all", lambda self: scans.append(self.name) or real(self))
    host.save_draft(tokens[0], {"accounts": {}}, "Li")
    scans.clear()
    states = [host.team_state(token) for token in tokens]
    assert "submissions" not in scans and "results" not in scans
    for t, state in zip(s.teams(), states):
        assert state == {**s._team_state(t), "timer": state["timer"],
                         "seat": s._kept().snapshot(t["id"])}
    assert states[0]["draft"] == {"accounts": {}} and states[1]["submissions"]


def test_a_shared_market_catches_up_once(tmp_path, monkeypatch):
    """In a shared market every team plays again when one team's plan changes: a room that
    keeps submitting while the round plays costs one extra play outside the lock, not one
    per pass."""

    with Session.create(tmp_path / "ws", "tutorial", 3, seed=2, mode="shared",
                        world_secret="s") as s:
        host = Host(s)
        ft, token = s.meta["facilitator_token"], s.teams()[0]["token"]
        plan = _policy_plan(s, "t1")
        plays, finishing = [], threading.Event()
        real, real_finish = Market.play_round, Session.finish_close

        def play_round(market, plans):
            plays.append(len(plays))
            if not finishing.is_set():  # a team keeps submitting while the round plays
                host.submit(token, plan, f"Zhao {len(plays)}")
            return real(market, plans)

        def finish(self, close):
            finishing.set()
            return real_finish(self, close)

        monkeypatch.setattr(Market, "play_round", play_round)
        monkeypatch.setattr(Session, "finish_close", finish)
        host.act(ft, "close_round")
        assert len(plays) == 3  # the play, one catch-up, the finish under the lock
        assert s.replay()["t1"].rounds[0]["author"] == "Zhao 2"


def test_a_poll_makes_one_hop_to_a_thread(room, monkeypatch):
    """Every team polls every second: its token is checked in the same worker-thread call
    that reads its state, not in a dependency of its own (one more hop there and back, all
    under the host's GIL while a round plays). The answers are those of a checked token."""

    import fastapi.dependencies.utils as dependencies
    import fastapi.routing as routing
    import httpx

    from kam_sandbox.workshop.server import ServerThread

    s, host, ft, tokens = room
    hops = []
    for module in (dependencies, routing):
        real = module.run_in_threadpool

        async def counted(func, *args, _real=real, **kwargs):
            hops.append(getattr(func, "__name__", "?"))
            return await _real(func, *args, **kwargs)

        monkeypatch.setattr(module, "run_in_threadpool", counted)
    server = ServerThread(host, port=0, announce=False)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=GUARD) as client:
            answer = client.get("/api/team", headers={"Authorization": f"Bearer {tokens[0]}"})
            assert answer.status_code == 200 and answer.json()["team"]["id"] == "t1"
            assert len(hops) == 1
            assert client.get("/api/team", headers={"Authorization": f"Bearer {ft}"}) \
                .status_code == 403
            assert client.get("/api/team", headers={"Authorization": "Bearer nobody"}) \
                .status_code == 401
            assert client.get("/api/team").status_code == 401
    finally:
        server.stop()


def test_a_close_plays_one_yardstick_per_world_and_grades_each_team_as_alone(room, monkeypatch):
    """In parallel mode every team with the same events has the same yardstick (the
    expert's game in its world): a close plays it once per distinct world, not once per
    team, and each team's grade is exactly that of its own game replayed alone."""

    from kam_sandbox.engine import Batch

    s, host, ft, tokens = room
    host.save_draft(tokens[0], _policy_plan(s, "t1"), "Li")
    host.act(ft, "advance")
    event = next(e.id for e in s.scenario.events if e.turn is None)
    host.act(ft, "inject", event_id=event, team="t2")  # t2's world differs from round 2
    host.submit(tokens[2], _policy_plan(s, "t3"), "Wang")
    yardsticks = []
    real = Batch.step

    def step(batch, actions, **kwargs):
        if not batch.graded:
            yardsticks.append(batch)
        return real(batch, actions, **kwargs)

    monkeypatch.setattr(Batch, "step", step)
    host.act(ft, "advance")
    assert len(yardsticks) == 2  # {t1, t3} and t2
    for tid, rep in s.replay().items():
        plans = [s.counting_plan(tid, r)["plan"] for r in (1, 2)]
        alone = Game.replay(s.scenario, s.world_seed, plans, s.injected_for(tid))
        assert rep.game.scorecard() == alone.scorecard()
        assert [r["score"] for r in rep.rounds] == [q["score"] for q in alone.results]
        assert rep.game.results == alone.results


def test_a_close_checks_a_teams_draft_once(room, monkeypatch):
    """A draft that counts is checked once in a close (whether it is a plan to play), and
    played as checked, not checked again by the game and again by its quarter."""

    import kam_sandbox.engine.actions as actions_module
    import kam_sandbox.engine.game as game_module
    from kam_sandbox.engine.actions import actions_to_plan
    from kam_sandbox.engine.policies import POLICIES, decide

    s, host, ft, tokens = room
    game = s.replay()["t1"].game
    st = game.batch.static
    drafts = [actions_to_plan(decide(POLICIES[p], game.view(), game.scenario, st), st)
              for p in ("needs", "focus", "uniform")]
    for token, plan in zip(tokens, drafts):
        host.save_draft(token, plan, "Li")
    played = [actions_to_plan(actions_module.compile_plan(plan, st), st) for plan in drafts]
    checked = []
    real = actions_module.validate_actions

    def validate(actions, *args, **kwargs):
        checked.append(actions_to_plan(actions, st) if actions.support_days.shape[:2] == (1, 1)
                       else None)
        return real(actions, *args, **kwargs)

    monkeypatch.setattr(actions_module, "validate_actions", validate)
    monkeypatch.setattr(game_module, "validate_actions", validate)
    host.act(ft, "advance")
    assert [checked.count(plan) for plan in played] == [1, 1, 1]
    assert [s.counting_plan(t, 1)["from_draft"] for t in ("t1", "t2", "t3")] == [True] * 3


def test_a_closed_rounds_drafts_are_dropped_when_the_next_round_opens(room):
    """Every team saves a draft every few seconds, and each save writes the drafts table:
    it holds the open round's drafts only, not every round's. While the round stands
    closed the teams still see theirs."""

    s, host, ft, tokens = room
    for _ in range(3):
        for token in tokens:
            host.save_draft(token, {"accounts": {}}, "Li")
        host.act(ft, "close_round")
        assert host.team_state(tokens[0])["draft"] == {"accounts": {}}
        host.act(ft, "open_next_round")
        assert s.db.table("drafts").all() == []
        assert host.team_state(tokens[0])["draft"] is None
    host.save_draft(tokens[1], {"accounts": {}}, "Li")
    assert [(d["team"], d["round"]) for d in s.db.table("drafts").all()] == [("t2", 4)]


def test_while_a_round_plays_threads_take_turns_often(room, monkeypatch):
    """The round plays in the host's process while every team polls: the interpreter
    then lets threads take turns every half millisecond (not every 5 ms, which queues the
    polls' many small waits for the GIL behind the play), and as before once it is over,
    also when the close fails."""

    import sys

    from kam_sandbox.workshop.closing import RoundClose

    s, host, ft, tokens = room
    seen = []
    real = RoundClose.play
    monkeypatch.setattr(RoundClose, "play",
                        lambda self, *args: seen.append(sys.getswitchinterval())
                        or real(self, *args))
    before = sys.getswitchinterval()
    host.act(ft, "advance")
    assert seen and max(seen) <= 0.0005
    assert sys.getswitchinterval() == before

    def broken(self, *args):
        seen.append(sys.getswitchinterval())
        raise RuntimeError("power cut")

    monkeypatch.setattr(RoundClose, "play", broken)
    with pytest.raises(RuntimeError):
        host.act(ft, "advance")
    assert seen[-1] <= 0.0005 and sys.getswitchinterval() == before


def test_a_close_rounds_only_the_new_quarter_and_scores_each_team_once(room, monkeypatch):
    """A team's snapshot after a close takes the rounded results of the rounds before from
    the one it had (a played quarter never changes), and its KPIs and score are read off
    it: a close works out one quarter's results and one scorecard per team, and what it
    makes is what a fresh snapshot of the game gives."""

    from kam_sandbox.workshop import secrecy

    s, host, ft, tokens = room
    host.act(ft, "advance")
    host.act(ft, "advance")
    for token in tokens:
        host.team_state(token)  # polls in between
    rounding, cards = [], []
    real_round, real_card = secrecy.rounded_results, Game.scorecard
    monkeypatch.setattr(secrecy, "rounded_results",
                        lambda results: rounding.append(len(results)) or real_round(results))
    monkeypatch.setattr(Game, "scorecard", lambda game: cards.append(game) or real_card(game))
    host.act(ft, "advance")
    assert rounding == [1, 1, 1] and len(cards) == 3
    monkeypatch.undo()
    for tid, rep in s.replay().items():
        state = s.team_state(tid)
        assert state["seat"] == secrecy.team_snapshot(rep.game)
        assert len(state["seat"]["results"]) == 3
        assert rep.rounds[-1]["score"] == rep.game.scorecard()["score"]
