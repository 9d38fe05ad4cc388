"""The running workshop: one writer's ``Session`` shared by everyone who acts on it.

The HTTP server, the facilitator console, hot-seat play on the trainer's machine and the
command line all call the same ``Host`` methods, so every way into a workshop obeys the
same rules: who may do what (the join code, each team's token, the facilitator's token),
one operation at a time (a lock: the server answers requests on several threads), and
each operation landing on disk whole before it returns (``Session`` writes atomically).
Closing a round is the one long operation: its quarter for every team is played outside
the lock (``workshop.closing``), so that the teams' polls and drafts go on meanwhile, and
only its reading and its atomic write hold the lock.

A team's side of it is a ``TeamLink``: ``state()``, ``save_draft()``, ``submit()`` and
``case()`` (the case as a team may see it: never the file, the seed or hidden state). ``LocalTeamLink`` talks to a ``Host`` in this process; the LAN client
(``workshop.client``) has the same methods over HTTP, so the game's team screens work with
either.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, Protocol

from .limits import SlidingWindow, TooMany
from .session import DEFAULT_FILL_POLICY, AccessError, JoinDenied, Session, WorkshopError
from .worker import WorkerLost

ONLINE_SECONDS = 15.0  # a team client polls every few seconds; silent longer = offline
# Wrong join codes, team secrets or request keys: a person mistypes a few times a minute; a
# script guesses a thousand a second. Past these a client (or the whole room, when many
# addresses guess at once) waits out the minute.
FAILED_JOINS_PER_ADDRESS = 10
FAILED_JOINS_PER_SESSION = 30
FAILED_JOINS_WINDOW = 60.0
FAILED_JOINS_KEPT = 50  # the facilitator sees the latest ones
# A person saves a draft a second or two after a change and submits now and then; a team
# with several devices, a few times that. Faster is a script, slowing everyone down.
TEAM_WRITES_PER_MINUTE = 120
# Teams whose draft or plan came in while the round played are played again outside the lock
# (what comes in during the last pass is played under it, by finish_close): each pass is
# shorter than the one before, as it plays only the teams that changed meanwhile (in a
# shared market every pass plays every team: one pass).
CATCH_UP_PASSES = 3
# While a round plays (~0.1-0.3 s of pure-Python CPU in the host) every poll needs the GIL
# several times: for its socket reads and writes, and its hop to a worker thread. At the
# interpreter's default switch interval (5 ms) each of those waits up to 5 ms for the
# playing thread, so past ~40 teams the polls queue up behind the play by hundreds of ms
# (the convoy effect). The round plays with a shorter interval.
PLAY_SWITCH_INTERVAL = 0.0005
log = logging.getLogger("kam_sandbox.workshop.host")


class Host:
    """Thread-safe operations on an open (writable) session, each checked for access."""

    def __init__(self, session: Session, worker: bool = False):
        """``worker``: play the rounds in a process of their own (``Session.use_worker``),
        as the workshop's server does: the teams' polls then never wait behind a round."""

        self.session = session
        if worker:
            session.use_worker()
        self._lock = threading.RLock()
        self._closing = threading.Lock()  # one round close at a time, outside ``_lock``
        self._seen: dict[str, float] = {}  # team id → last request (monotonic), not stored
        self.changes = 0  # bumped after every write; screens redraw when it moves
        self.clock = time.monotonic  # for the rate limits; tests replace it
        self._failed_by_address = SlidingWindow(FAILED_JOINS_PER_ADDRESS, FAILED_JOINS_WINDOW,
                                                lambda: self.clock())
        self._failed_in_session = SlidingWindow(FAILED_JOINS_PER_SESSION, FAILED_JOINS_WINDOW,
                                                lambda: self.clock())
        self.failed_joins: deque[dict] = deque(maxlen=FAILED_JOINS_KEPT)
        self._team_writes = SlidingWindow(TEAM_WRITES_PER_MINUTE, 60.0, lambda: self.clock())
        self.failed_total = 0

    # -- anyone in the room -------------------------------------------------------------------
    def info(self) -> dict:
        """What a joining client shows before it has a token: the case and the teams."""

        with self._lock:
            s = self.session
            m = s.meta
            return {"session": m["id"], "scenario": m["scenario_id"],
                    "title": s.scenario.title.model_dump(), "mode": m["mode"],
                    "round": m["round"], "rounds": m["rounds"], "state": s.state,
                    "teams": [{"id": t["id"], "name": t["name"], "colour": t["colour"]}
                              for t in s.teams()]}

    def board(self) -> dict:
        """The projector view (no secrets), with who is online."""

        with self._lock:
            return self._with_online(self.session.board())

    def join(self, team: str, code: str, secret: str | None = None, device: str = "",
             address: str = "") -> dict:
        """Admit a device (``Session.join``): a token, or a request to wait on."""

        with self._lock:
            self._check_attempts(address)
            try:
                joined = self.session.join(team, code, secret, device, address)
            except AccessError as exc:
                self._failed(address, team, exc)
                raise
            if "token" in joined:
                self._seen[joined["team"]["id"]] = time.monotonic()
            self.changes += 1  # the console shows a new device or a waiting one
            return joined

    def join_status(self, request: str, key: str, address: str = "") -> dict:
        """How a waiting device's request stands (``Session.join_status``)."""

        with self._lock:
            self._check_attempts(address)
            try:
                answer = self.session.join_status(request, key)
            except AccessError as exc:
                if not isinstance(exc, JoinDenied):  # a forged key, not the facilitator's no
                    self._failed(address, "", exc)
                raise
            if "token" in answer:
                self._seen[answer["team"]["id"]] = time.monotonic()
                self.changes += 1
            return answer

    def _check_attempts(self, address: str) -> None:
        """Refuse a client (or, under a spread-out attack, the room) that has failed to
        join too often lately, before looking at what it sent."""

        wait = max(self._failed_by_address.wait(address), self._failed_in_session.wait(None))
        if wait:
            raise TooMany(f"too many wrong join attempts; try again in {wait} s", wait)

    def _failed(self, address: str, team: str, exc: Exception) -> None:
        """A wrong join code, team secret or request key: counted, logged, kept for the
        facilitator."""

        self._failed_by_address.add(address)
        self._failed_in_session.add(None)
        self.failed_total += 1
        self.failed_joins.append({"time": datetime.now(timezone.utc).isoformat(
            timespec="seconds"), "address": address, "team": str(team)[:40],
            "reason": str(exc)[:120]})
        log.warning("failed join from %s for %r: %s", address or "this machine", team, exc)
        self.changes += 1

    def role(self, token: str | None) -> str | None:
        """Who holds ``token``: ``"facilitator"``, ``"team"`` or None (nobody), so that the
        HTTP server can tell "not allowed with this token" (403) from "not signed in" (401)."""

        with self._lock:
            try:
                self.session.check_facilitator(token)
                return "facilitator"
            except AccessError:
                pass
            try:
                self.session.team_for_token(token)
                return "team"
            except AccessError:
                return None

    # -- a team, with its token ---------------------------------------------------------------
    # ``seen``: the call came from a team's own client, which is then "online". A team
    # playing at the trainer's machine (LocalTeamLink) is not a client on the network.
    def _team(self, token: str | None, seen: bool = True) -> dict:
        t = self.session.team_for_token(token)
        if seen:
            self._seen[t["id"]] = time.monotonic()
        return t

    def _throttled(self, token: str | None, seen: bool) -> str:
        """The id of the team whose draft or plan this is, if it is not writing faster than
        people do (``TooMany`` otherwise)."""

        tid = self._team(token, seen)["id"]
        wait = self._team_writes.wait(tid)
        if wait:
            raise TooMany(f"this team saves and submits faster than a person can; try again "
                          f"in {wait} s", wait)
        self._team_writes.add(tid)
        return tid

    def team_state(self, token: str | None, *, seen: bool = True) -> dict:
        with self._lock:
            return self.session.team_state(self._team(token, seen)["id"])

    def team_state_json(self, token: str | None) -> bytes:
        """``team_state`` of a team's client, as the JSON sent to it (encoded once per
        change: ``Session.team_state_json``)."""

        with self._lock:
            return self.session.team_state_json(self._team(token)["id"])

    def team_live(self, token: str | None) -> dict:
        """``Session.team_live``: what a team's browser polls for (cheap: no snapshot)."""

        with self._lock:
            return self.session.team_live(self._team(token)["id"])

    def save_draft(self, token: str | None, plan: dict, author: str = "", *,
                   seen: bool = True) -> dict:
        with self._lock:
            doc = self.session.save_draft(self._throttled(token, seen), plan, author)
            self.changes += 1
            return {"round": doc["round"], "time": doc["time"]}

    def submit(self, token: str | None, plan: dict, author: str = "", *,
               seen: bool = True) -> dict:
        with self._lock:
            sub = self.session.submit(self._throttled(token, seen), plan, author)
            self.changes += 1
            return {k: sub[k] for k in ("seq", "team", "round", "time", "author")}

    def check_plan(self, token: str | None, plan: dict) -> dict:
        """The team's plan checked as a submission would be, recording nothing
        (``Session.check_plan``): what a browser shows while the team edits."""

        with self._lock:
            return self.session.check_plan(self._team(token)["id"], plan)

    def case(self, token: str | None, *, seen: bool = True) -> dict:
        """The case as a team may see it (``Session.public_case``), for a team or the
        facilitator."""

        with self._lock:
            try:
                self.session.check_facilitator(token)
            except AccessError:
                self._team(token, seen)
            return self.session.public_case()

    # -- the facilitator, with the facilitator's token ----------------------------------------
    def _facilitator(self, token: str | None) -> Session:
        self.session.check_facilitator(token)
        return self.session

    def status(self, token: str | None) -> dict:
        """The facilitator's view (``Session.status``), with who is online and the latest
        failed joins."""

        with self._lock:
            view = self._with_online(self._facilitator(token).status())
            view["failed_joins"] = list(self.failed_joins)
            view["failed_joins_total"] = self.failed_total
            return view

    def _with_online(self, view: dict) -> dict:
        online = self.online()
        for row in view["teams"]:
            row["online"] = online.get(row["id"], False)
        return view

    def act(self, token: str | None, action: str, **args: Any) -> Any:
        """One facilitator action by name (``FACILITATOR_ACTIONS``), e.g.
        ``act(token, "inject", event_id="x", team="t2")``."""

        if action not in FACILITATOR_ACTIONS:
            raise WorkshopError(f"unknown action {action!r}; actions: "
                                f"{', '.join(sorted(FACILITATOR_ACTIONS))}")
        if action in ("close_round", "advance"):
            return self._close(token, action, **args)
        with self._lock:
            result = getattr(self._facilitator(token), action)(**args)
            self.changes += 1
            return result

    def _close(self, token: str | None, action: str,
               fill_policy: str = DEFAULT_FILL_POLICY) -> Any:
        """``close_round`` or ``advance`` with the round played outside the lock: only
        reading what it needs and writing the outcome hold it (``workshop.closing``)."""

        with self._closing:
            while True:
                try:
                    return self._close_once(token, action == "advance", fill_policy)
                except WorkerLost as exc:  # played again: by a new worker, or here
                    log.warning("%s; the round is played again", exc)
                    with self._lock:
                        self.session.worker_lost()

    def _close_once(self, token: str | None, advance: bool, fill_policy: str) -> Any:
        """One try at the close (``_close``)."""

        with self._lock:
            session = self._facilitator(token)
            close = (session.begin_advance(fill_policy) if advance
                     else session.begin_close(fill_policy))
        if close is not None:
            # Threads switch often only while this process plays; the round worker's play
            # leaves this thread waiting on its pipe.
            playing_here = close.player is None
            with _switching_often() if playing_here else contextlib.nullcontext():
                close.play()
                for _ in range(1 if close.together else CATCH_UP_PASSES):
                    with self._lock:
                        changed = session.catch_up(close)
                    if not changed:
                        break
                    close.play(changed)
        with self._lock:
            result = (session.finish_advance(close) if advance
                      else session.finish_close(close))
            self.changes += 1
            return result

    def local_team(self, team: str) -> LocalTeamLink:
        """A team link in this process (hot-seat play at the trainer's machine)."""

        with self._lock:
            return LocalTeamLink(self, self.session.team(team)["token"])

    def online(self) -> dict[str, bool]:
        """Which teams' clients were heard from lately (as ``board()`` says), without reading
        the session: a screen can ask every few seconds."""

        with self._lock:
            now = time.monotonic()
            return {tid: now - seen < ONLINE_SECONDS for tid, seen in self._seen.items()}

    def rounds(self, token: str | None) -> dict[str, list[dict]]:
        """Every team's closed rounds replayed from the log (KPIs, score, plan, author,
        filled_by), by team id: the facilitator's comparison charts and debrief."""

        with self._lock:
            return self._facilitator(token).played_rounds()


_playing = [0, 0.0]  # rounds playing in this process (hosts of several sessions), interval
_playing_lock = threading.Lock()


@contextlib.contextmanager
def _switching_often() -> Iterator[None]:
    """Threads take turns every ``PLAY_SWITCH_INTERVAL`` meanwhile (see there); then as
    before, once no round plays."""

    with _playing_lock:
        if _playing[0] == 0:
            _playing[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_playing[1], PLAY_SWITCH_INTERVAL))
        _playing[0] += 1
    try:
        yield
    finally:
        with _playing_lock:
            _playing[0] -= 1
            if _playing[0] == 0:
                sys.setswitchinterval(_playing[1])


#: The Session methods a facilitator may call through ``Host.act`` (and the HTTP API).
FACILITATOR_ACTIONS = frozenset({
    "advance", "close_round", "open_next_round", "pause", "resume", "set_timer",
    "extend_timer", "inject", "add_team", "rename_team", "set_members",
    "approve_join", "deny_join", "revoke_device", "reset_team_access", "rotate_join_code",
})


class TeamLink(Protocol):
    """A team's connection to its workshop, local or over the network."""

    def state(self) -> dict: ...

    def save_draft(self, plan: dict, author: str = "") -> dict: ...

    def submit(self, plan: dict, author: str = "") -> dict: ...

    def case(self) -> dict: ...


class LocalTeamLink:
    """A ``TeamLink`` to a ``Host`` in this process (hot-seat play: not "online")."""

    def __init__(self, host: Host, token: str):
        self.host = host
        self.token = token

    def state(self) -> dict:
        return self.host.team_state(self.token, seen=False)

    def save_draft(self, plan: dict, author: str = "") -> dict:
        return self.host.save_draft(self.token, plan, author, seen=False)

    def submit(self, plan: dict, author: str = "") -> dict:
        return self.host.submit(self.token, plan, author, seen=False)

    def case(self) -> dict:
        return self.host.case(self.token, seen=False)


__all__ = ["FACILITATOR_ACTIONS", "Host", "LocalTeamLink", "TeamLink"]
