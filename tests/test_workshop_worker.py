"""The host's round worker (issue 12, item 14): a process of its own keeps the teams' games
and plays the rounds, so that a round's CPU never holds the host's GIL. It must change
nothing but where the round is played: the same plans give the same results, snapshots and
files as a session playing in its own process, in parallel worlds and in a shared market,
with an injected event and a draft that counts, a plan that comes in while the round plays,
a close that fails to land, and a worker that dies (a new one, then this process, plays)."""

from __future__ import annotations

import threading

import pytest

from kam_sandbox.engine import Game, SaveError
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.workshop import Session
from kam_sandbox.workshop.host import Host
from kam_sandbox.workshop.worker import WORKER_LOSSES, GameWorker

assert WORKER_LOSSES == 2  # what the death test below counts on

GUARD = 60.0  # seconds: only so that a broken build fails instead of hanging


def _policy_plan(game) -> dict:
    return actions_to_plan(decide(POLICIES["needs"], game.view(), game.scenario,
                                  game.batch.static), game.batch.static)


def _room(folder, mode: str, worker: bool) -> tuple[Session, Host]:
    s = Session.create(folder, "tutorial", 3, seed=2, mode=mode, world_secret="s")
    return s, Host(s, worker=worker)


def _play(s: Session, host: Host, plans: dict, rounds: int = 3, between=None) -> None:
    """``rounds`` advances: t1 submits, t2's draft counts, t3 is filled in by the policy;
    before round 2 closes an event hits t2 (every team, in a shared market)."""

    ft, tokens = s.meta["facilitator_token"], [t["token"] for t in s.teams()]
    event = next(e.id for e in s.scenario.events if e.turn is None)
    for r in range(1, rounds + 1):
        host.submit(tokens[0], plans["t1", r], "Li")
        host.save_draft(tokens[1], plans["t2", r], "Wang")
        if r == 2:
            host.act(ft, "inject", event_id=event,
                     team="t2" if s.meta["mode"] == "parallel" else None)
        if between is not None:
            between(r)
        host.act(ft, "advance")


def _reference(folder, mode: str, rounds: int = 3) -> tuple[dict, dict]:
    """The session played in this process, and the plans its teams played (as the
    policy would play them round by round)."""

    s, host = _room(folder, mode, worker=False)
    plans: dict = {}

    class Plans(dict):
        def __missing__(self, key):
            tid, _ = key
            plans[key] = _policy_plan(s.replay()[tid].game)
            return plans[key]

    with s:
        _play(s, host, Plans(), rounds)
        return plans, _outcome(s)


def _outcome(s: Session) -> dict:
    """What a close leaves: the results, the plans that counted, each team's snapshot as
    its polls send it, and its rounds (as kept, and rebuilt from the log)."""

    return {"results": sorted((r["team"], r["round"], r["score"], r["kpis"], r["filled_by"],
                               r["seq"]) for r in s.db.table("results").all()),
            "plans": [(x["team"], x["round"], x["seq"], x["plan"], x["author"],
                       x.get("filled_by"), bool(x.get("from_draft"))) for x in s.history()],
            "seats": {t["id"]: s._kept().snapshot_json(t["id"]) for t in s.teams()},
            "rounds": s.played_rounds(),
            "rebuilt": {tid: rep.rounds for tid, rep in s._replay(s.closed_rounds()).items()}}


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    return {mode: _reference(tmp_path_factory.mktemp(mode) / "ws", mode)
            for mode in ("parallel", "shared")}


def _no_play_here(monkeypatch) -> None:
    """A quarter played in this process fails the test: the worker must play them all."""

    def play(*args, **kwargs):
        raise AssertionError("a quarter was played in the host's process")

    monkeypatch.setattr(Game, "play", play)


@pytest.mark.parametrize("mode", ["parallel", "shared"])
def test_the_worker_plays_what_this_process_plays(tmp_path, references, monkeypatch, mode):
    plans, expected = references[mode]
    s, host = _room(tmp_path / "ws", mode, worker=True)
    with s:
        _no_play_here(monkeypatch)
        _play(s, host, plans)
        monkeypatch.undo()
        assert s._worker is not None and s._worker.losses == 0
        assert any(sub["from_draft"] for sub in s.history("t2"))  # the draft counted
        assert any(sub["filled_by"] for sub in s.history("t3"))
        got = _outcome(s)
        assert got == expected
        assert got["rounds"] == got["rebuilt"]
        process = s._worker._process
    assert not process.is_alive()  # stopped with the session


def test_a_plan_that_comes_in_while_the_worker_plays_counts(tmp_path, references,
                                                            monkeypatch):
    """t3 submits while the round plays in the worker: played again for t3 alone (its
    games kept in the worker between the passes), as a close in this process would."""

    plans, _ = references["parallel"]
    s, host = _room(tmp_path / "ws", "parallel", worker=True)
    with s:
        playing, go, passes = threading.Event(), threading.Event(), []
        real = GameWorker.play

        def play(worker, close, teams):
            passes.append(teams)
            if teams is None and not playing.is_set():
                playing.set()
                assert go.wait(GUARD)
            return real(worker, close, teams)

        monkeypatch.setattr(GameWorker, "play", play)
        ft, tokens = s.meta["facilitator_token"], [t["token"] for t in s.teams()]
        host.submit(tokens[0], plans["t1", 1], "Li")
        closing = threading.Thread(target=host.act, args=(ft, "advance"))
        closing.start()
        assert playing.wait(GUARD)
        late = host.submit(tokens[2], plans["t1", 1], "Zhao")  # the same world: t1's plan
        go.set()
        closing.join(GUARD)
        assert passes == [None, ["t3"]]
        counted = s.counting_plan("t3", 1)
        assert (counted["seq"], counted["author"]) == (late["seq"], "Zhao")
        # The kept games are the ones played last: the next round builds on them.
        host.submit(tokens[0], plans["t1", 2], "Li")
        host.act(ft, "advance")
        got = _outcome(s)
        assert got["rounds"] == got["rebuilt"]
        assert {tid: [r["author"] for r in rounds] for tid, rounds in got["rounds"].items()} \
            == {"t1": ["Li", "Li"], "t2": ["policy:uniform"] * 2,
                "t3": ["Zhao", "policy:uniform"]}


def test_a_close_that_does_not_land_leaves_the_worker_as_it_was(tmp_path, references,
                                                                monkeypatch):
    plans, expected = references["parallel"]
    s, host = _room(tmp_path / "ws", "parallel", worker=True)
    storage = type(s.db.storage)
    real = storage._write_file

    def between(r: int) -> None:
        if r != 2:
            return

        def full(self, data):
            raise SaveError("no space left on device")

        monkeypatch.setattr(storage, "_write_file", full)
        with pytest.raises(SaveError):
            host.act(s.meta["facilitator_token"], "advance")  # played, never landed
        monkeypatch.setattr(storage, "_write_file", real)

    with s:
        _play(s, host, plans, between=between)
        assert s._worker.losses == 0
        assert _outcome(s) == expected


def test_a_worker_that_dies_is_replaced_then_the_host_plays(tmp_path, references,
                                                            monkeypatch, caplog):
    """Killed before a round, or while it plays: a new worker rebuilds the games from the
    log; after ``WORKER_LOSSES`` (2) the rounds are played in the host's process. No round is
    lost, no error reaches the facilitator, the results are the same."""

    plans, expected = references["parallel"]
    s, host = _room(tmp_path / "ws", "parallel", worker=True)
    real = GameWorker._ask

    def dies_while_playing(worker, request):
        worker._process.kill()
        worker._process.join(GUARD)
        return real(worker, request)

    def between(r: int) -> None:
        if r == 1:  # dead before the round: found out when asked
            s._worker._process.kill()
            s._worker._process.join(GUARD)
        if r == 2:
            monkeypatch.setattr(GameWorker, "_ask", dies_while_playing)
        if r == 3:  # the host has played round 2 itself, and plays on
            monkeypatch.setattr(GameWorker, "_ask", real)
            assert s._worker is None

    with s:
        _play(s, host, plans, between=between)
        assert s._worker is None
        assert _outcome(s) == expected
    assert "the round is played again" in caplog.text


def test_a_team_added_before_the_first_close_is_played_by_the_worker(tmp_path, monkeypatch):
    outcomes = []
    for worker in (False, True):
        s, host = _room(tmp_path / f"ws{worker}", "parallel", worker=worker)
        with s:
            ft = s.meta["facilitator_token"]
            host.act(ft, "add_team", name="Late Team")
            host.act(ft, "advance")
            host.act(ft, "advance")
            if worker:
                assert s._worker.losses == 0 and len(s._kept().reps) == 4
            outcomes.append(_outcome(s))
    assert outcomes[0] == outcomes[1]


def test_polls_after_a_close_send_the_snapshots_the_worker_encoded(tmp_path, monkeypatch):
    """The host neither makes nor encodes a team's snapshot (most of a poll's answer): the
    worker sent it as JSON, and the poll's answer holds it as it came."""

    import json

    s, host = _room(tmp_path / "ws", "parallel", worker=True)
    with s:
        host.act(s.meta["facilitator_token"], "advance")
        monkeypatch.setattr("kam_sandbox.workshop.closing.team_snapshot",
                            lambda *a, **k: pytest.fail("the host made a snapshot"))
        for t in s.teams():
            answer = host.team_state_json(t["token"])
            sent = s._kept().encoded[t["id"]]
            assert sent in answer  # spliced in as the worker encoded it
            assert json.loads(answer)["seat"]["turn"] == 1


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGSTOP"), reason="POSIX signals")
def test_a_worker_that_hangs_is_replaced(tmp_path, references, monkeypatch):
    """A worker that never answers (stopped here) is given up after ``PLAY_TIMEOUT`` and
    replaced: the round is played again, as it would have been."""

    import os
    import signal

    from kam_sandbox.workshop import worker as worker_module

    plans, expected = references["parallel"]
    s, host = _room(tmp_path / "ws", "parallel", worker=True)

    real_restart = GameWorker.restart

    def restart(worker):  # the new worker has all the time it needs
        monkeypatch.setattr(worker_module, "PLAY_TIMEOUT", GUARD)
        real_restart(worker)

    def between(r: int) -> None:
        if r == 2:
            monkeypatch.setattr(worker_module, "PLAY_TIMEOUT", 0.5)
            monkeypatch.setattr(GameWorker, "restart", restart)
            os.kill(s._worker._process.pid, signal.SIGSTOP)  # alive, silent

    with s:
        _play(s, host, plans, between=between)
        assert s._worker is not None and s._worker.losses == 1 and s._worker.generation == 2
        assert _outcome(s) == expected
