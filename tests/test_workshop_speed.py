"""Closing a round plays one quarter per team (issue 12, item 13): the teams' games are kept
between rounds, never replayed from round 1; what is kept equals a fresh replay, and a
close that fails to land leaves nothing of itself behind."""

from __future__ import annotations

import pytest

from kam_sandbox.engine import Game, SaveError
from kam_sandbox.workshop import Session


def test_an_advance_plays_one_quarter_per_team(tmp_path, monkeypatch):
    with Session.create(tmp_path / "ws", "tutorial", 3, seed=2) as s:
        s.advance()
        s.advance()
        s.status()  # polls and reads in between keep the games
        plays = []
        real = Game.play
        monkeypatch.setattr(Game, "play", lambda self, plan: plays.append(1) or real(self, plan))
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
