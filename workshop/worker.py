"""The host's round worker: a process of its own that keeps the teams' games and plays the
rounds' closes, so that the ~0.1-0.4 s of pure-Python CPU a round costs (48 teams) never
holds the GIL of the host, whose threads serve the teams' polls meanwhile.

The worker runs the same closing code as a session without a host (``workshop.closing``:
``RoundClose.play`` on the games it keeps, rebuilt from a ``ReplayLog`` when it lacks them):
one way to play a round, and the same results. Its messages are small: the inputs, names,
policy and injections in; each team's counting plan, standing and snapshot (already encoded
as the JSON its polls send: nothing for the host to convert) out. Games never travel
(pickling 48 played games is ~10 MB and ~0.6 s).

Which games it plays on is a tag: every close it plays is tagged, and ``KeptGames.held``
(the host's record of the games kept) says which close's games the host committed. Asked to
play on the games of its last close, the worker keeps them from then on; asked to play on
the ones it kept before, it drops that close's (it never landed: an aborted or failed close
leaves what it keeps as it was). Whatever it does not hold it rebuilds from the log sent.

A worker that dies, hangs or fails raises ``WorkerLost`` in the host, which plays the round
again: with a new worker (given the log), and after ``WORKER_LOSSES`` in its own process.
Started with the spawn method (the host has threads; the same on macOS and Windows); it
stops when asked, or when the host's end of its pipe closes (the host was killed).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import traceback
from typing import Any

from .closing import (
    SNAPSHOT_ENCODER,
    KeptGames,
    ReplayLog,
    RoundClose,
    TeamReplay,
    kept_from_log,
)

WORKER_LOSSES = 2  # new workers tried before the rounds are played in the host's process
# The longest a close may take in the worker: rebuilding 96 teams' games from the log of
# the last round takes seconds; far longer is a worker that hangs.
PLAY_TIMEOUT = 300.0
# The worker runs below the host's priority: on a busy machine (2 cores: the host, the
# worker, the room's clients) a team's poll then waits for no round; a round waits a little.
WORKER_NICENESS = 5
log = logging.getLogger("kam_sandbox.workshop.worker")


class WorkerLost(Exception):
    """The round worker died, hung or failed: the close must be played again."""


class GameWorker:
    """The host's side of the round worker (see the module docstring)."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self.generation = 0  # one per process started: tags of a dead one are not held
        self.losses = 0
        self._closes = 0
        self._unanswered = 0  # requests sent without waiting for their answer (``keep``)
        self._process: Any = None
        self._start()

    def _start(self) -> None:
        self._pipe, child = self._context.Pipe()
        self._process = self._context.Process(target=serve, args=(child,), daemon=True,
                                              name="kam-sandbox round worker")
        self._process.start()
        child.close()
        self.generation += 1

    def keep(self, kept: KeptGames, log: ReplayLog) -> KeptGames:
        """Have the worker rebuild the games of ``kept`` from ``log`` now, while the room
        joins (its answer is read with the next request's): ``kept`` as the host keeps
        it then, its games held by the worker."""

        self._closes += 1
        tag = (self.generation, self._closes)
        try:
            self._pipe.send({"do": "keep", "tag": tag, "log": log})
        except OSError:  # already dead: the first close finds out
            return kept
        self._unanswered += 1
        return KeptGames(kept.key, {tid: TeamReplay(None, rep.rounds)
                                    for tid, rep in kept.reps.items()},
                         kept.applied, kept.snapshots, kept.encoded, tag)

    def holds(self, kept: KeptGames | None) -> bool:
        """Whether this worker keeps the games of ``kept``."""

        return kept is not None and kept.held is not None and kept.held[0] == self.generation

    def play(self, close: RoundClose, teams: list[str] | None) -> None:
        """``close.play(teams)`` in the worker, its outcome put into ``close``."""

        if teams is None or close.held is None or close.held[0] != self.generation:
            if teams is not None:
                self._lost()
                raise WorkerLost("a new worker cannot play part of a close it never began")
            assert close.kept is not None or close.log is not None
            self._closes += 1
            close.held = (self.generation, self._closes)
            held = self.holds(close.kept)
            request: dict[str, Any] = {
                "do": "play", "tag": close.held, "teams": None, "inputs": close.inputs,
                "base": close.kept.held if held else None,
                "log": None if held else close.log, "round": close.round,
                "policy": close.policy, "names": close.names, "events": close.events}
        else:
            request = {"do": "play", "tag": close.held, "teams": teams,
                       "inputs": {tid: close.inputs[tid] for tid in teams}}
        answer = self._ask(request)
        close.together = answer["together"]
        for tid, (chosen, stood, snapshot) in answer["teams"].items():
            close.plays[tid], close.standings[tid], close.encoded[tid] = chosen, stood, snapshot
            close.snapshots.pop(tid, None)

    def _ask(self, request: dict) -> dict:
        try:
            self._pipe.send(request)
            while True:
                if not self._pipe.poll(PLAY_TIMEOUT):
                    raise WorkerLost(f"no answer in {PLAY_TIMEOUT:g} s")
                kind, body = self._pipe.recv()
                if not self._unanswered:
                    break
                self._unanswered -= 1  # a ``keep``'s answer, before this one's
                if kind != "ok":  # its tag is not held: the close below fails, played again
                    log.warning("the round worker could not rebuild the games:\n%s", body)
        except (EOFError, OSError) as exc:  # it died (BrokenPipeError is an OSError)
            self._lost()
            raise WorkerLost(f"the round worker died ({exc!r})") from exc
        except WorkerLost:
            self._lost()
            raise
        if kind != "ok":
            self._lost()
            raise WorkerLost(f"the round worker failed:\n{body}")
        return body

    def _lost(self) -> None:
        self.losses += 1
        self._kill()

    def restart(self) -> None:
        """A new worker in place of a lost one (it holds nothing: the log rebuilds it)."""

        self._kill()
        self._start()

    def _kill(self) -> None:
        self._unanswered = 0
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self._pipe.close()

    def stop(self) -> None:
        """Ask the worker to end, and make sure it has."""

        try:
            self._pipe.send(None)
            self._process.join(5)
        except (OSError, ValueError):
            pass
        self._kill()


def serve(pipe: Any) -> None:
    """The worker's loop: play what the host asks, until it says stop or is gone."""

    if hasattr(os, "nice"):  # the rounds give way to the host's threads serving the teams
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    rounds = _Rounds()
    while True:
        try:
            request = pipe.recv()
        except (EOFError, OSError):  # the host is gone
            return
        if request is None:
            return
        try:
            answer: tuple = ("ok", getattr(rounds, request.pop("do"))(**request))
        except Exception:  # noqa: BLE001  the host plays the round again without this worker
            answer = ("error", traceback.format_exc())
        try:
            pipe.send(answer)
        except OSError:
            return


class _Rounds:
    """What the worker keeps: the games of the last close that landed (under its tag), and
    the close it played last."""

    def __init__(self) -> None:
        self.kept: KeptGames | None = None  # the games themselves, here (never ``held``)
        self.kept_tag: tuple | None = None
        self.close: RoundClose | None = None

    def keep(self, tag: tuple, log: ReplayLog) -> dict:
        self.kept, self.kept_tag, self.close = kept_from_log(log), tag, None
        return {}

    def play(self, tag: tuple, teams: list[str] | None, inputs: dict, **fresh: Any) -> dict:
        close = self.close
        if teams is not None:  # again, for the teams whose input changed meanwhile
            if close is None or close.held != tag:
                raise LookupError(f"close {tag} is not the one played last")
            close.inputs.update(inputs)
            close.play(teams)
        else:
            close = self.close = self._begin(tag, inputs, **fresh)
            close.play()
            teams = list(close.plays)
        played = list(close.plays) if close.together else teams
        return {"together": close.together,
                "teams": {tid: (close.plays[tid], close.standings[tid],
                                SNAPSHOT_ENCODER.encode(close.snapshots[tid]))
                          for tid in played}}

    def _begin(self, tag: tuple, inputs: dict, base: tuple | None, log: Any, round: int,
               policy: str, names: dict, events: list[dict]) -> RoundClose:
        last, self.close = self.close, None
        if base is not None and last is not None and last.held == base:
            assert last.kept is not None  # it landed: its games are kept from now on
            self.kept, self.kept_tag = last.committed(last.kept, last.plays), base
            self.kept.held = None
        if log is not None:
            self.kept, self.kept_tag = kept_from_log(log), None
        elif self.kept is None or self.kept_tag != base:
            raise LookupError(f"the games of close {base} are not kept here")
        return RoundClose(round, policy, names, inputs, self.kept.queued(events), held=tag)
