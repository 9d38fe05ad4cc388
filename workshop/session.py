"""A facilitated workshop: several teams play the same scenario round by round.

Everything lives in one TinyDB file ``DIR/session.json`` (written through the atomic
``AtomicJSONStorage``, which refuses a corrupt file rather than overwriting it):

* ``meta``         one document: id, scenario ref and the scenario's YAML text (a workshop
                   keeps the case it started with, whatever happens to the file), seed,
                   mode, rounds, current round, state, the round timer, the join code and
                   the facilitator's token;
* ``teams``        id (``t1``..), name, colour, members, the team's token;
* ``drafts``       each team's latest unsubmitted plan of the open round (a client that
                   crashes or loses the network finds it again; dropped when the next
                   round opens);
* ``submissions``  the plans submitted: team, round, seq, time, author, plan and
                   ``filled_by`` (the built-in policy that played an absent team); the LAST
                   submission of a round counts, and the last ``KEPT_SUBMISSIONS`` of each
                   team's round are kept (a client submitting non-stop cannot grow the file);
* ``devices``      each device admitted to play for a team, with its own token;
* ``requests``     devices waiting for the facilitator's approval;
* ``injections``   facilitator events: round, team (None = every team), event id, headline
                   shown to the teams, time;
* ``results``      each team's KPIs and score per closed round (a cache: the decision log is
                   the source of truth, and ``replay_team`` rebuilds any team's game from it).

Modes: ``parallel`` (every team plays its own copy of the same world: same seed, same
events, so teams differ only by their decisions) and ``shared`` (the teams are rival
suppliers to the same accounts in one world, ``engine.Market``, and compete for share of
wallet beside the scenario's AI rivals; an injected event then hits every team).

Every public write is one atomic file replace (``AtomicJSONStorage.batch``): a kill at
any moment leaves the session as it was before the action or after it, never half-way.

Teams' games are never stored: each is rebuilt with ``engine.Game.replay`` semantics from its
plans and injections, and kept in memory between rounds (in a served session, by its round
worker process: ``use_worker``). One writer per folder: ``Session.open`` takes ``DIR/.lock`` (created with
O_CREAT|O_EXCL, holding the pid); a lock whose pid is gone is taken over.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hmac
import json
import math
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import msgspec
from tinydb import Query, TinyDB

from kam_sandbox.base.storage import AtomicJSONStorage
from kam_sandbox.engine import KamError, PlanError, load_scenario
from kam_sandbox.engine.actions import (
    PlanContext,
    compile_plan,
    parse_plan,
    resource_use,
)
from kam_sandbox.engine.kpis import grade_band
from kam_sandbox.engine.loader import load_scenario_text, resolve
from kam_sandbox.engine.market import MAX_PLAYERS
from kam_sandbox.engine.policies import get_policy
from kam_sandbox.engine.scenario import Scenario
from kam_sandbox.engine.world import Static, compile_scenario

from .closing import (
    Input,
    KeptGames,
    ReplayLog,
    RoundClose,
    TeamReplay,
    kept_from_log,
    rebuild,
)
from .names import team_name, visible_text
from .secrecy import public_case, world_seed
from .worker import WORKER_LOSSES, GameWorker

SESSION_FILE = "session.json"
LOCK_FILE = ".lock"
FORMAT = 1
MODES = ("parallel", "shared")
DEFAULT_FILL_POLICY = "uniform"
MAX_PLAN_BYTES = 64 * 1024  # a real plan is a few kB; anything larger is a mistake or abuse
MAX_MEMBERS = 30  # people at one team's table, and then some
KEPT_SUBMISSIONS = 20  # per team and round: the history a debrief could want
MAX_TIMER_SECONDS = 6 * 3600
MIN_TIMER_SECONDS = 1
MAX_JSON_DEPTH = 16  # a plan is four levels deep
MAX_JSON_NUMBER = 1e15  # beyond any budget, and beyond what the engine reads exactly
_ENCODER = msgspec.json.Encoder()
# Okabe-Ito (distinguishable for colour-blind players, as in engine/report.py), then four of
# Paul Tol's muted colours, so that twelve teams never share one.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000", "#882255", "#44AA99", "#999933", "#332288"]


class WorkshopError(KamError):
    """A workshop operation that the session's state or the input does not allow."""


class LockedError(WorkshopError):
    """Another live process is writing this session folder."""


class AccessError(WorkshopError):
    """A wrong join code or token: the caller may not do this."""


class PlanTooLarge(WorkshopError):
    """A plan larger than any real one (413 over HTTP, not a conflict)."""


class WrongSecret(AccessError):
    """A team's rejoin secret that is not the team's."""


class JoinDenied(AccessError):
    """The facilitator refused a waiting device."""


class ApprovalPending(WorkshopError):
    """The team already plays on another device: this one waits for the facilitator's
    approval (``WorkshopClient.follow(request, key)``), or joins with the team's rejoin
    secret."""

    def __init__(self, team: dict, request: str, key: str):
        super().__init__(f"waiting for the facilitator to let this device join {team['name']}")
        self.team, self.request, self.key = team, request, key


def _writes(method=None, *, one_team: bool = False):
    """A public write: needs the folder's lock, and lands on disk as one atomic replace (or,
    on any error, not at all). ``one_team``: it changes only the team its result names
    (a draft, a submission), so the other teams' cached states stay good."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self: Session, *args: Any, **kwargs: Any) -> Any:
            self._need_writer()
            kept = self._games
            try:
                with self.db.storage.batch():
                    result = method(self, *args, **kwargs)
            except BaseException:
                self._games = kept  # games played in a close that never landed are dropped
                self._forget_cached_reads()
                raise
            self._wrote(result["team"] if one_team else None)
            return result

        return wrapper

    return decorate(method) if method is not None else decorate


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a second writer in this very process is a second writer too
    if pid <= 0:
        return False
    if os.name == "nt":  # no signal 0 on Windows; be safe and assume it is running
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def _disk_hint(exc: OSError) -> str:
    """What a trainer can do about a folder the session cannot be written in."""

    if exc.errno == errno.ENOSPC:
        return "; the disk is full: free some space, or use a --data folder on another disk"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "; the folder cannot be written: use a --data folder you can write to"
    return ""


class FolderLock:
    """``DIR/.lock`` holding the writer's pid; a stale lock (dead pid) is taken over."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_FILE
        self.held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                pid = self._owner()
                if pid is not None and _pid_alive(pid):
                    raise LockedError(
                        f"{self.path.parent} is in use by another workshop process (pid {pid}); "
                        f"wait for it to finish, or delete {self.path} if that process is gone"
                    ) from None
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()  # stale: its writer is dead
                continue
            except OSError as exc:
                raise WorkshopError(f"cannot lock {self.path}: {exc.strerror or exc}"
                                    f"{_disk_hint(exc)}") from None
            try:
                os.write(fd, str(os.getpid()).encode("ascii"))
                os.fsync(fd)
            except OSError as exc:  # a full disk: no empty lock left behind
                os.close(fd)
                with contextlib.suppress(OSError):
                    self.path.unlink()
                raise WorkshopError(f"cannot lock {self.path}: {exc.strerror or exc}"
                                    f"{_disk_hint(exc)}") from None
            os.close(fd)
            self.held = True
            return
        raise LockedError(f"cannot take the lock {self.path}: another process keeps creating it")

    def _owner(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except FileNotFoundError:
            return None
        except OSError:
            return -1
        return int(text) if text.isdigit() else None  # garbage / empty: treated as stale

    def release(self) -> None:
        if self.held:
            if self._owner() == os.getpid():
                with contextlib.suppress(OSError):
                    self.path.unlink()
            self.held = False


class Session:
    """An open workshop session. Use ``Session.create`` / ``Session.open`` (context managers)."""

    def __init__(self, folder: Path, db: TinyDB, lock: FolderLock | None):
        self.folder = folder
        self.db = db
        self.lock = lock
        self._scenario: Scenario | None = None
        self._static: Static | None = None
        self._public_case: dict | None = None
        self._games: KeptGames | None = None  # see replay()
        self._worker: GameWorker | None = None  # see use_worker()
        # Each team's state as its polls read it, kept until a write changes it: the
        # version of the last write that changed every team, and of each team's own.
        self.version = 0
        self._all_version = 0
        self._team_version: dict[str, int] = {}
        self._team_states: dict[str, tuple[tuple[int, int], dict, bytes | None]] = {}
        self._rows: tuple[tuple, TeamRows] | None = None  # (what it was read from, rows)
        self.clock = time.time  # the round timer's clock; tests replace it

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: str | os.PathLike[str], scenario: str, teams: int | list[str] = 3,
               seed: int = 1, mode: str = "parallel",
               world_secret: str | None = None) -> Session:
        """A new session in ``folder`` (which must not hold one) with round 1 open. Its world
        is drawn from ``seed`` and ``world_secret`` (default: a new random one; two sessions
        given the same seed and secret play the same world, e.g. two rooms)."""

        if mode not in MODES:
            raise WorkshopError(f"unknown mode {mode!r}; choose parallel or shared")
        names = ([f"Team {i}" for i in range(1, teams + 1)] if isinstance(teams, int)
                 else [team_name(n) for n in teams])
        if not names:
            raise WorkshopError("a workshop needs at least one team")
        if len(set(names)) != len(names) or not all(names):
            raise WorkshopError("team names must be non-empty and different")
        if mode == "shared" and len(names) > MAX_PLAYERS:
            raise WorkshopError(f"a shared market seats at most {MAX_PLAYERS} teams")
        ref = str(scenario)
        if os.sep in ref or ref.endswith((".yaml", ".yml", ".json")) or Path(ref).is_file():
            ref = str(Path(ref).resolve())
        sc = load_scenario(ref)
        try:
            text = resolve(ref).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise WorkshopError(f"cannot read {ref}: {exc.strerror or exc}") from exc
        folder = Path(folder)
        session = cls._open(folder, write=True, must_exist=False)
        try:
            if session.db.table("meta").all():
                raise WorkshopError(f"{folder} already holds a workshop session; "
                                    "use another --data folder")
            session._scenario = sc
            with session.db.storage.batch():  # a session is created whole or not at all
                session.db.table("meta").insert({
                    "format": FORMAT, "id": uuid.uuid4().hex[:12], "created": _now(),
                    "scenario": ref, "scenario_yaml": text, "scenario_id": sc.id,
                    "scenario_version": sc.version, "seed": int(seed), "mode": mode,
                    "rounds": int(sc.turns), "round": 1, "state": "open", "finished": False,
                    "deadline": None, "remaining": None,
                    "join_code": f"{secrets.randbelow(10**6):06d}",
                    "facilitator_token": secrets.token_urlsafe(18),
                    "world_secret": world_secret or secrets.token_hex(16),
                })
                for name in names:
                    session.add_team(name)
                session.db.table("rounds").insert({"round": 1, "state": "open",
                                                   "opened": _now()})
        except BaseException:
            session.close()
            raise
        return session

    @classmethod
    def open(cls, folder: str | os.PathLike[str], write: bool = True) -> Session:
        """Open an existing session; ``write`` takes the folder's lock (one writer)."""

        return cls._open(Path(folder), write=write, must_exist=True)

    @classmethod
    def _open(cls, folder: Path, write: bool, must_exist: bool) -> Session:
        path = folder / SESSION_FILE
        if must_exist and not path.exists():
            raise WorkshopError(f"no workshop session in {folder} (no {SESSION_FILE}); "
                                "start one with `kam-sandbox workshop new`")
        lock = FolderLock(folder) if write else None
        if lock:
            lock.acquire()
        try:
            # It holds every token: private. The writer holds the lock: sole writer.
            db = TinyDB(path, storage=AtomicJSONStorage, private=True, sole_writer=write,
                        plain=True)
            session = cls(folder, db, lock)
            session.db.tables()  # read now: a corrupt file raises here, before any write
            if must_exist:
                meta = session.db.table("meta").all()
                if len(meta) != 1 or meta[0].get("format") != FORMAT:
                    raise WorkshopError(f"{path} is not a workshop session file")
        except BaseException:
            if lock:
                lock.release()
            raise
        return session

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        with contextlib.suppress(Exception):
            self.db.close()
        if self.lock:
            self.lock.release()

    def use_worker(self) -> None:
        """Play the rounds' closes in a process of its own that keeps the teams' games
        (``workshop.worker``): the host's threads, serving the teams meanwhile, then never
        wait for the GIL behind a round. Same code, same results; stopped by ``close``."""

        if self._worker is None:
            self._worker = GameWorker()
            # What every team's first poll reads, made before they poll (and while the
            # worker starts): else the first second of a room's polls queue up behind it.
            with contextlib.suppress(WorkshopError):  # a damaged log: the polls say so
                kept = self._kept()
                for tid in kept.reps:
                    kept.snapshot_json(tid)
                # The worker rebuilds them meanwhile: the first close plays at once.
                self._games = self._worker.keep(kept, self._log(kept.key[0]))

    def worker_lost(self) -> None:
        """The round worker died or failed (``WorkerLost``): a new one rebuilds the games
        from the log; after ``WORKER_LOSSES`` the rounds are played in this process."""

        if self._worker is None:
            return
        if self._worker.losses < WORKER_LOSSES:
            self._worker.restart()
            return
        self._worker.stop()
        self._worker = None
        if self._games is not None and self._games.held is not None:
            self._games = None  # rebuilt here when next read

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------
    @property
    def meta(self) -> dict:
        return dict(self.db.table("meta").all()[0])

    def _set_meta(self, **fields: Any) -> None:
        self._need_writer()
        table = self.db.table("meta")
        table.update(fields, doc_ids=[table.all()[0].doc_id])

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            m = self.meta
            text = m.get("scenario_yaml")
            self._scenario = (load_scenario_text(text, m["scenario"]) if text is not None
                              else load_scenario(m["scenario"]))
        return self._scenario

    def public_case(self) -> dict:
        """The case as a team may see it (``workshop.secrecy.public_case``); once every
        round is played, the whole case (the debrief shows the hidden truth)."""

        if self.closed_rounds() >= self.meta["rounds"]:
            return self.scenario.model_dump(mode="json")
        if self._public_case is None:
            self._public_case = public_case(self.scenario)
        return self._public_case

    def _wrote(self, team_id: str | None) -> None:
        """A write landed: the cached states it may have changed are out of date."""

        self.version += 1
        if team_id is None:
            self._all_version = self.version
        else:
            self._team_version[team_id] = self.version

    def _forget_cached_reads(self) -> None:
        """After a write was rolled back: drop TinyDB's query caches of what never landed
        (the teams' cached states were read from what had landed: still good)."""

        with contextlib.suppress(Exception):
            for name in self.db.tables():
                self.db.table(name).clear_cache()

    @property
    def static(self) -> Static:
        """The scenario compiled for the engine (what plans are checked against)."""

        if self._static is None:
            self._static = compile_scenario(self.scenario)
        return self._static

    @property
    def world_seed(self) -> int:
        """What the session's world is drawn from: the seed plus the session's secret (see
        ``workshop.secrecy``), so that the seed alone tells a team nothing."""

        m = self.meta
        return world_seed(m["seed"], m.get("world_secret"))

    @property
    def round(self) -> int:
        return int(self.meta["round"])

    @property
    def state(self) -> str:
        m = self.meta
        return "finished" if m["finished"] else m["state"]

    def teams(self) -> list[dict]:
        return sorted((dict(t) for t in self.db.table("teams").all()),
                      key=lambda t: int(t["id"][1:]))

    def team(self, ref: str | int) -> dict:
        """A team by id (``t2``), number (``2``) or name (case-insensitive)."""

        teams = self.teams()
        key = str(ref).strip()
        for t in teams:
            if key == t["id"] or key.casefold() == t["name"].casefold():
                return t
        if key.isdigit() and 1 <= int(key) <= len(teams):
            return teams[int(key) - 1]
        names = ", ".join(t["name"] for t in teams)
        raise WorkshopError(f"unknown team {key!r}; teams: {names}")

    def history(self, team: str | int | None = None, round: int | None = None) -> list[dict]:
        """Every submission (drafts and fill-ins too), oldest first."""

        tid = self.team(team)["id"] if team is not None else None
        subs = [dict(s) for s in self.db.table("submissions").all()
                if (tid is None or s["team"] == tid) and (round is None or s["round"] == round)]
        return sorted(subs, key=lambda s: s["seq"])

    def counting_plan(self, team_id: str, round: int) -> dict | None:
        """The submission that counts for a round: the last one."""

        subs = self.history(team_id, round)
        return subs[-1] if subs else None

    def injections(self) -> list[dict]:
        return sorted((dict(i) for i in self.db.table("injections").all()),
                      key=lambda i: i["seq"])

    def injected_for(self, team_id: str | None) -> dict[int, list[tuple[str, str | None]]]:
        """``Game.replay``'s ``injected``: 0-based turn → [(event_id, account)] (None: the
        events injected into every team)."""

        out: dict[int, list[tuple[str, str | None]]] = {}
        for inj in self.injections():
            if inj["team"] in (None, team_id):
                out.setdefault(inj["round"] - 1, []).append((inj["event"], inj.get("account")))
        return out

    def closed_rounds(self) -> int:
        m = self.meta
        if m["finished"]:
            return m["rounds"]
        return m["round"] if m["state"] == "closed" else m["round"] - 1

    def replay_team(self, team: str | int, upto: int | None = None) -> TeamReplay:
        """Rebuild a team's game from the log: the counting plan of each closed round (up to
        ``upto``) with the injections, exactly as ``Game.replay`` does (in a shared market,
        the team's ``Seat`` in the market rebuilt from every team's plans)."""

        return self.replay(upto)[self.team(team)["id"]]

    def replay(self, upto: int | None = None) -> dict[str, TeamReplay]:
        """Every team's game rebuilt from the log, by team id (see ``replay_team``). The
        games after the last closed round are kept (``KeptGames``): closing the next round
        then plays one quarter per team instead of replaying every round. Read them, never
        play them: a close plays copies (``workshop.closing``)."""

        closed = self.closed_rounds()
        upto = closed if upto is None else upto
        if upto == closed and (kept := self._kept()).held is None:
            return kept.reps
        return self._replay(upto)  # (or the round worker holds the games)

    def played_rounds(self) -> dict[str, list[dict]]:
        """Each team's closed rounds (``TeamReplay.rounds``), by team id, as ``replay``
        would rebuild them, read off the games kept (wherever they are played)."""

        return {tid: rep.rounds for tid, rep in self._kept().reps.items()}

    def _replay(self, upto: int) -> dict[str, TeamReplay]:
        return rebuild(self._log(upto))

    def _kept(self, candidate: KeptGames | None = None) -> KeptGames:
        """The games after the last closed round (rebuilt if they are not kept, or taken from
        ``candidate``, a close's own rebuild, when it is of the same rounds and teams), with
        every injection since queued."""

        closed = self.closed_rounds()
        key = (closed, tuple(t["id"] for t in self.teams()))
        kept = self._games
        if kept is None or kept.key != key:
            kept = (candidate if candidate is not None and candidate.key == key
                    else kept_from_log(self._log(closed)))
        self._games = kept = kept.queued(self.injections())
        return kept

    def _log(self, upto: int) -> ReplayLog:
        """What rebuilding the games of rounds 1..``upto`` needs, as plain data."""

        teams = self.teams()
        subs = {}
        for sub in sorted(self.db.table("submissions").all(), key=lambda d: d["seq"]):
            if sub["round"] <= upto:
                subs[sub["team"], sub["round"]] = dict(sub)  # the last one counts
        for t in teams:
            for r in range(1, upto + 1):
                if (t["id"], r) not in subs:
                    raise WorkshopError(f"round {r} of {t['name']} has no plan")
        return ReplayLog(self.scenario, self.world_seed, self.meta["mode"],
                         [t["id"] for t in teams], subs, self.injections(), upto)

    def progress(self, team_id: str) -> str:
        """``submitted``, ``drafting`` (a draft is saved for the round) or ``absent``."""

        r = self.round
        if self.counting_plan(team_id, r) is not None:
            return "submitted"
        return "drafting" if self.draft(team_id) is not None else "absent"

    def timer(self) -> dict:
        """The round's countdown: ``remaining`` seconds (None: no timer), whether it runs
        (not while paused) and whether the time is up."""

        m = self.meta
        if m.get("deadline") is not None:
            remaining = float(m["deadline"]) - self.clock()
            running = True
        elif m.get("remaining") is not None:
            remaining, running = float(m["remaining"]), False
        else:
            return {"remaining": None, "running": False, "expired": False, "deadline": None}
        deadline = m.get("deadline")
        return {"remaining": max(0.0, remaining), "running": running,
                "expired": remaining <= 0,
                "deadline": (datetime.fromtimestamp(deadline, timezone.utc).isoformat()
                             if deadline is not None else None)}

    def board(self) -> dict:
        """What the whole room may see (the projector view): the round, the timer, each
        team's progress and grade on the scenario's absolute scale — never plans, members'
        drafts, targeted injections or tokens."""

        m = self.meta
        results = self.db.table("results").all()
        teams = []
        for t in self.teams():
            mine = sorted((r for r in results if r["team"] == t["id"]), key=lambda r: r["round"])
            score = float(mine[-1]["score"]) if mine else 0.0
            current = self.counting_plan(t["id"], m["round"])
            teams.append({
                "id": t["id"], "name": t["name"], "colour": t["colour"],
                "progress": self.progress(t["id"]),
                "submitted": current is not None,
                "filled_by": current.get("filled_by") if current else None,
                "score": score, "band": grade_band(score),
                "scores": [float(r["score"]) for r in mine],
                "filled_rounds": [r["round"] for r in mine if r.get("filled_by")],
            })
        sc = self.scenario
        return {"session": m["id"], "scenario": m["scenario_id"],
                "title": sc.title.model_dump(), "mode": m["mode"], "round": m["round"],
                "rounds": m["rounds"], "state": self.state, "finished": m["finished"],
                "closed_rounds": self.closed_rounds(), "timer": self.timer(),
                "teams": teams,
                "headlines": [self._headline(i) for i in self.injections()
                              if i["team"] is None]}

    def status(self) -> dict:
        """The facilitator's view: the board plus members, submissions and every injection."""

        m = self.meta
        names = {t["id"]: t["name"] for t in self.teams()}
        board = self.board()
        for row, t in zip(board["teams"], self.teams()):
            row["members"] = t["members"]
            row["submissions"] = len(self.history(t["id"]))
        board.update(seed=m["seed"], join_code=m["join_code"], devices=self.devices(),
                     requests=self.join_requests(), injections=[{**i, "team_name": names.get(i["team"])}
                                                 for i in self.injections()])
        return board

    def team_state(self, team: str | int) -> dict:
        """Everything a team's own client needs, and nothing of the other teams nor of its
        world's hidden state: a snapshot of its game (``workshop.secrecy.team_snapshot``: its
        view and record, no seed), its plans, draft, submissions and scores, the round and
        the timer. The session's writer keeps it per team until a write changes it (teams
        poll every second): only the timer is read afresh."""

        t = self.team(team)
        seat = {"seat": self._kept().snapshot(t["id"])}
        if self.lock is None or not self.lock.held:  # another process may be writing
            return {**self._team_state(t), **seat}
        return {**self._cached_state(t)[0], "timer": self.timer(), **seat}

    def team_state_json(self, team: str | int) -> bytes:
        """``team_state`` as JSON, encoded once per change (a poll's answer is ~100 kB):
        only the timer is encoded afresh."""

        t = self.team(team)
        if self.lock is None or not self.lock.held:
            return _ENCODER.encode({**self._team_state(t), **self._seat_json(t["id"])})
        state, encoded = self._cached_state(t)
        if encoded is None:
            encoded = _ENCODER.encode({**{k: v for k, v in state.items() if k != "timer"},
                                       **self._seat_json(t["id"])})
            self._team_states[t["id"]] = (self._team_states[t["id"]][0], state, encoded)
        return b'{"timer":' + _ENCODER.encode(self.timer()) + b"," + encoded[1:]

    def _seat_json(self, team_id: str) -> dict:
        """The team's snapshot (most of its state) as it was encoded once, where its game
        was played."""

        return {"seat": msgspec.Raw(self._kept().snapshot_json(team_id))}

    def _cached_state(self, t: dict) -> tuple[dict, bytes | None]:
        key = (self._all_version, self._team_version.get(t["id"], 0))
        cached = self._team_states.get(t["id"])
        if cached is None or cached[0] != key:
            cached = self._team_states[t["id"]] = (key, self._team_state(t, self._team_rows()),
                                                   None)
        return cached[1], cached[2]

    def _team_rows(self) -> TeamRows:
        """Every team's submissions, results and draft of the open round, by team id, kept
        by the writer: after a close every team's state is made again (one pass per team
        was quadratic in the number of teams), and each table is read again only once a
        write has replaced it (TinyDB gives a changed table a new dict and leaves the
        others be), so a team's draft does not make every team's submissions read again."""

        raw = self.db.storage.read() or {}
        source = (raw.get("submissions"), raw.get("results"), raw.get("drafts"), self.round)
        if self._rows is not None and all(
                a is b for a, b in zip(source[:3], self._rows[0][:3])) \
                and source[3] == self._rows[0][3]:
            return self._rows[1]
        kept = self._rows[1] if self._rows is not None else None

        def again(k: int) -> bool:
            return kept is None or source[k] is not self._rows[0][k]

        rows = TeamRows(
            _by_team(source[0], "seq") if again(0) else kept.submissions,
            _by_team(source[1], "round") if again(1) else kept.results,
            {d["team"]: dict(d) for d in (source[2] or {}).values() if d["round"] == source[3]}
            if again(2) or source[3] != self._rows[0][3] else kept.drafts)
        self._rows = (source, rows)
        return rows

    def _team_state(self, t: dict, rows: TeamRows | None = None) -> dict:
        m = self.meta
        closed = self.closed_rounds()
        tid = t["id"]
        if rows is None:  # another process may be writing: read afresh
            mine, draft = self.history(tid), self.draft(tid)
            results = sorted((r for r in self.db.table("results").all() if r["team"] == tid),
                             key=lambda r: r["round"])
        else:
            mine, draft = rows.submissions.get(tid, []), rows.drafts.get(tid)
            results = rows.results.get(tid, [])
        counting = {sub["round"]: sub for sub in mine}  # the last one counts
        return {"session": m["id"], "scenario": m["scenario_id"], "mode": m["mode"],
                "team": _public(t), "rejoin_secret": t.get("rejoin"), "round": m["round"],
                "rounds": m["rounds"], "state": self.state, "finished": m["finished"],
                "closed_rounds": closed, "timer": self.timer(),
                "submitted": m["round"] in counting,
                "draft": draft["plan"] if draft else None,
                "plans": [counting[r]["plan"] for r in range(1, closed + 1)],
                # Once every round is played the team may rebuild its game (a what-if).
                "injected": ({str(k): [list(e) for e in v]
                              for k, v in self.injected_for(t["id"]).items()}
                             if closed >= m["rounds"] else None),
                "scores": [float(r["score"]) for r in results],
                "submissions": [{k: sub[k] for k in ("seq", "round", "time", "author",
                                                     "filled_by")} for sub in mine],
                "headlines": [self._headline(i) for i in self.injections()
                              if i["team"] in (None, t["id"])]}

    def team_live(self, team: str | int) -> dict:
        """The small part of ``team_state`` a team's browser polls for (no snapshot, no
        plans): the round and its state, the timer, whether the team's plan is in and which
        submission counts, the headlines."""

        t = self.team(team)
        m = self.meta
        current = self.counting_plan(t["id"], m["round"])
        return {"session": m["id"], "mode": m["mode"], "team": _public(t),
                "rejoin_secret": t.get("rejoin"), "round": m["round"], "rounds": m["rounds"],
                "state": self.state, "finished": m["finished"],
                "closed_rounds": self.closed_rounds(), "timer": self.timer(),
                "submitted": current is not None,
                "submission": ({k: current[k] for k in ("seq", "round", "time", "author",
                                                        "filled_by")} if current else None),
                "headlines": [self._headline(i) for i in self.injections()
                              if i["team"] in (None, t["id"])]}

    def _headline(self, inj: dict) -> dict:
        return {"round": inj["round"], "event": inj["event"], "headline": inj.get("headline"),
                "time": inj["time"]}

    def draft(self, team_id: str, round: int | None = None) -> dict | None:
        r = self.round if round is None else round
        docs = [d for d in self.db.table("drafts").all()
                if d["team"] == team_id and d["round"] == r]
        return dict(docs[0]) if docs else None

    # -- access -------------------------------------------------------------------------------
    # The way a room works: the join code admits a device to the session; the first device
    # to claim a team gets a token of its own for it; a further device for a claimed team
    # needs the team's rejoin secret (on the team's screen) or the facilitator's approval.
    # Each device has its own token, so one can be revoked without the others.
    def devices(self, team: str | int | None = None) -> list[dict]:
        """The devices admitted to play for a team (or every team), without their tokens."""

        tid = self.team(team)["id"] if team is not None else None
        return [_public(d) for d in sorted(self.db.table("devices").all(),
                                           key=lambda d: d["seq"])
                if tid is None or d["team"] == tid]

    def join_requests(self) -> list[dict]:
        """Devices waiting for the facilitator's approval, oldest first (no poll keys)."""

        return [{k: v for k, v in r.items() if k not in ("key", "token")}
                for r in sorted(self.db.table("requests").all(), key=lambda r: r["seq"])
                if r["state"] == "pending"]

    @_writes
    def join(self, team: str | int, code: str, secret: str | None = None,
             device: str = "", address: str = "") -> dict:
        """Admit a device for a team: ``{"team", "token", "secret"}`` when it may play (the
        first device of the team, or one with the team's rejoin secret), else ``{"team",
        "request", "key"}``: a request the facilitator approves or denies, which the device
        follows with ``join_status(request, key)``."""

        if not _same(str(code).strip(), self.meta["join_code"]):
            raise AccessError("wrong join code")
        t = self.team(team)
        label = _device_label(device)
        if secret:
            if not _same(_secret_form(secret), t.get("rejoin", "")):
                raise WrongSecret(f"wrong rejoin secret for {t['name']}: it is shown on the "
                                  "team's own screen; or leave it out and ask the facilitator")
            return self._admit(t, label, address, "secret")
        if not any(d["team"] == t["id"] for d in self.db.table("devices").all()):
            return self._admit(t, label, address, "first")
        req = {"seq": self._next_seq("requests"), "id": f"r{secrets.token_hex(4)}",
               "team": t["id"], "team_name": t["name"], "device": label, "address": address,
               "key": secrets.token_urlsafe(18), "state": "pending", "time": _now()}
        self.db.table("requests").insert(req)
        return {"team": _public(t), "request": req["id"], "key": req["key"]}

    def _admit(self, team: dict, label: str, address: str, via: str) -> dict:
        doc = {"seq": self._next_seq("devices"), "id": f"d{secrets.token_hex(4)}",
               "team": team["id"], "label": label, "address": address, "via": via,
               "time": _now(), "token": secrets.token_urlsafe(18)}
        self.db.table("devices").insert(doc)
        return {"team": _public(team), "token": doc["token"], "secret": team.get("rejoin"),
                "device": doc["id"]}

    @_writes
    def join_status(self, request: str, key: str) -> dict:
        """A waiting device asks how its request stands: ``{"state": "pending"}``, or, once
        approved, what ``join`` gives an admitted device (once: the request is then done).
        A denied or unknown request is an AccessError."""

        req = self._request(request, AccessError)
        if not _same(str(key), req["key"]):
            raise AccessError("unknown join request: join again with the join code")
        if req["state"] == "pending":
            return {"team": _public(self.team(req["team"])), "state": "pending"}
        self.db.table("requests").remove(Query().id == req["id"])
        if req["state"] == "denied":
            raise JoinDenied("the facilitator did not let this device join "
                              f"{req['team_name']}")
        t = self.team(req["team"])
        return {**self._admit(t, req["device"], req["address"], "approval"), "state": "admitted"}

    def _request(self, request: str, error: type[WorkshopError] = WorkshopError) -> dict:
        for r in self.db.table("requests").all():
            if r["id"] == str(request).strip():
                return dict(r)
        raise error(f"unknown join request {request!r}")

    @_writes
    def approve_join(self, request: str) -> dict:
        """Let a waiting device play for the team it asked for."""

        return self._decide(request, "approved")

    @_writes
    def deny_join(self, request: str) -> dict:
        """Refuse a waiting device."""

        return self._decide(request, "denied")

    def _decide(self, request: str, state: str) -> dict:
        req = self._request(request)
        if req["state"] != "pending":
            raise WorkshopError(f"join request {req['id']} is already {req['state']}")
        self.db.table("requests").update({"state": state}, Query().id == req["id"])
        return {k: v for k, v in {**req, "state": state}.items() if k != "key"}

    @_writes
    def revoke_device(self, device: str) -> dict:
        """Withdraw one device's token: it must join again (and will need the rejoin secret
        or approval)."""

        docs = [d for d in self.db.table("devices").all() if d["id"] == str(device).strip()]
        if not docs:
            known = ", ".join(d["id"] for d in self.devices()) or "none"
            raise WorkshopError(f"unknown device {device!r}; devices: {known}")
        self.db.table("devices").remove(Query().id == docs[0]["id"])
        return _public(docs[0])

    @_writes
    def reset_team_access(self, team: str | int) -> dict:
        """Revoke every device of a team and give it a new rejoin secret: the next device to
        join claims the team afresh (a lost or overheard secret is then worthless)."""

        t = self.team(team)
        self.db.table("devices").remove(Query().team == t["id"])
        self.db.table("requests").remove(Query().team == t["id"])
        self.db.table("teams").update({"rejoin": _new_rejoin_secret()}, Query().id == t["id"])
        return _public(self.team(t["id"]))

    @_writes
    def rotate_join_code(self) -> str:
        """A new join code for the room; devices already admitted keep playing."""

        code = self.meta["join_code"]
        while code == self.meta["join_code"]:
            code = f"{secrets.randbelow(10**6):06d}"
        self._set_meta(join_code=code)
        return code

    def device_for_token(self, token: str | None) -> dict | None:
        if token:
            for d in self.db.table("devices").all():
                if _same(str(token), d["token"]):
                    return dict(d)
        return None

    def team_for_token(self, token: str | None) -> dict:
        """The team a token plays for: a device's token, or the team's own token (hot-seat
        play and the command line on the trainer's machine; never given to a device)."""

        if (device := self.device_for_token(token)) is not None:
            return self.team(device["team"])
        for t in self.teams():
            if token and _same(str(token), t["token"]):
                return t
        raise AccessError("unknown team token: join again with the join code")

    def check_facilitator(self, token: str | None) -> None:
        if not token or not _same(str(token), self.meta["facilitator_token"]):
            raise AccessError("this needs the facilitator's token")

    # -- writing ------------------------------------------------------------------------------
    def _need_writer(self) -> None:
        if self.lock is None or not self.lock.held:
            raise WorkshopError("this session was opened read-only")

    def _need_open_round(self, what: str, allow_paused: bool = False) -> dict:
        m = self.meta
        if m["finished"]:
            raise WorkshopError(f"the session is finished; cannot {what}")
        if m["state"] == "paused" and not allow_paused:
            raise WorkshopError(f"round {m['round']} is paused; cannot {what} (resume it first)")
        if m["state"] == "closed":
            raise WorkshopError(f"round {m['round']} is closed; cannot {what} "
                                "(open the next round first)")
        return m

    def _next_seq(self, table: str) -> int:
        return max((d["seq"] for d in self.db.table(table).all()), default=0) + 1

    @_writes
    def add_team(self, name: str, colour: str | None = None,
                 members: list[str] | None = None) -> dict:
        name = team_name(name)
        members = _members(members or [])
        teams = self.teams()
        if any(t["name"].casefold() == name.casefold() for t in teams):
            raise WorkshopError(f"there is already a team called {name!r}")
        if self.db.table("meta").all() and self.closed_rounds() > 0:
            raise WorkshopError("teams can only be added before the first round closes")
        n = max((int(t["id"][1:]) for t in teams), default=0) + 1
        team = {"id": f"t{n}", "name": name, "colour": colour or COLOURS[(n - 1) % len(COLOURS)],
                "members": members, "token": secrets.token_urlsafe(18),
                "rejoin": _new_rejoin_secret()}
        self.db.table("teams").insert(team)
        return _public(team)

    @_writes
    def rename_team(self, team: str | int, name: str) -> dict:
        t = self.team(team)
        name = team_name(name)
        if any(o["name"].casefold() == name.casefold() and o["id"] != t["id"]
               for o in self.teams()):
            raise WorkshopError(f"there is already a team called {name!r}")
        self.db.table("teams").update({"name": name}, Query().id == t["id"])
        return _public(self.team(t["id"]))

    @_writes
    def set_members(self, team: str | int, members: list[str]) -> None:
        t = self.team(team)
        self.db.table("teams").update({"members": _members(members)}, Query().id == t["id"])

    @_writes(one_team=True)
    def submit(self, team: str | int, plan: dict, author: str = "") -> dict:
        """Record a team's plan for the open round (validated against its game; earlier
        submissions stay in the history and the last one counts)."""

        m = self._need_open_round("submit a plan")
        t = self.team(team)
        author = visible_text(author, "an author's name", allow_empty=True)
        _check_plan_size(plan)
        compile_plan(plan, self.static, self._context(t["id"], m["round"]))  # PlanError: nothing recorded
        self._add_member(t, author)
        return self._record(t["id"], m["round"], plan, author or t["name"], None)

    @_writes(one_team=True)
    def save_draft(self, team: str | int, plan: dict, author: str = "") -> dict:
        """Keep a team's plan in progress for the open round (not checked: a draft may be
        over budget while it is being edited). Replaces the team's previous draft."""

        m = self._need_open_round("save a draft", allow_paused=True)
        t = self.team(team)
        author = visible_text(author, "an author's name", allow_empty=True)
        _check_plan_size(plan)
        doc = {"team": t["id"], "round": m["round"], "plan": plan, "author": str(author),
               "time": _now()}
        table = self.db.table("drafts")
        table.remove((Query().team == t["id"]) & (Query().round == m["round"]))
        table.insert(doc)
        self._add_member(t, author)
        return doc

    def _record(self, team_id: str, round: int, plan: dict, author: str,
                filled_by: str | None, from_draft: bool = False) -> dict:
        return self._record_all(round, {team_id: {"plan": plan, "author": author,
                                                  "filled_by": filled_by,
                                                  "from_draft": from_draft}})[team_id]

    def _record_all(self, round: int, plans: dict[str, dict]) -> dict[str, dict]:
        """Record a plan ({"plan", "author", "filled_by", "from_draft"}) for each team, in
        one pass over the table (a close records one for every absent team)."""

        table = self.db.table("submissions")
        seq = self._next_seq("submissions")
        subs = {tid: {"seq": seq + i, "team": tid, "round": round, "time": _now(),
                      "author": str(p["author"]), "plan": p["plan"],
                      "filled_by": p["filled_by"], "from_draft": bool(p["from_draft"])}
                for i, (tid, p) in enumerate(plans.items())}
        table.insert_multiple(subs.values())
        # A bounded history: the last KEPT_SUBMISSIONS of a team's round (the last counts);
        # a client submitting non-stop must not grow the file, and slow everyone, forever.
        mine: dict[str, list] = {}
        for d in table.all():
            if d["round"] == round and d["team"] in subs:
                mine.setdefault(d["team"], []).append(d)
        old = [d.doc_id for docs in mine.values()
               for d in sorted(docs, key=lambda d: d["seq"])[:-KEPT_SUBMISSIONS]]
        if old:
            table.remove(doc_ids=old)
        return subs

    def check_plan(self, team: str | int, plan: dict) -> dict:
        """A team's plan checked as ``submit`` would check it, recording nothing:
        ``{"usage": {resource: [used, available]}, "error": PlanError or None}`` (the usage
        of a plan whose structure cannot be read is zero)."""

        t = self.team(team)
        _check_plan_size(plan)
        st = self.static
        available = self.scenario.resources.model_dump()
        try:
            used = resource_use(parse_plan(plan, st), st)
            usage = {r: [float(used[r].reshape(-1)[0]), float(available[r])]
                     for r in available}
        except PlanError:
            usage = {r: [0.0, float(available[r])] for r in available}
        try:
            compile_plan(plan, st, self._context(t["id"], self.round))
            error = None
        except PlanError as exc:
            error = exc
        return {"usage": usage, "error": error}

    def _context(self, team_id: str, round: int) -> PlanContext:
        """What the plan rules need of the team's game before ``round`` (its counting plans)."""

        counting = {s["round"]: s["plan"] for s in self.history(team_id)}  # the last one counts
        return PlanContext.from_plans([counting.get(r) for r in range(1, round)])

    def _add_member(self, team: dict, author: str) -> None:
        """The names teams type when they join become the team's members."""

        name = str(author).strip()
        if name and name != team["name"] and name not in team["members"] \
                and len(team["members"]) < MAX_MEMBERS:
            self.db.table("teams").update({"members": [*team["members"], name]},
                                          Query().id == team["id"])

    @_writes
    def inject(self, event_id: str, team: str | int | None = None) -> dict:
        """Queue a library event for the coming quarter of one team (or every team)."""

        m = self._need_open_round("inject an event", allow_paused=True)
        events = {e.id: e for e in self.scenario.events}
        if event_id not in events:
            library = [e.id for e in self.scenario.events if e.turn is None]
            raise WorkshopError(f"unknown event {event_id!r}; library events: "
                                f"{', '.join(library) or 'none'}")
        tid = self.team(team)["id"] if team is not None else None
        if tid is not None and m["mode"] == "shared":
            raise WorkshopError("in a shared market every team lives in the same world: an "
                                "event hits every team (leave out the team)")
        for old in self.injections():
            if old["round"] == m["round"] and old["event"] == event_id and (
                    tid is None or old["team"] in (None, tid)):
                who = self.team(old["team"])["name"] if old["team"] else "every team"
                raise WorkshopError(f"{event_id} is already queued for round {m['round']} of "
                                    f"{who}")
        inj = {"seq": self._next_seq("injections"), "round": m["round"], "team": tid,
               "event": event_id, "account": None,
               "headline": events[event_id].headline.model_dump(), "time": _now()}
        self.db.table("injections").insert(inj)
        return inj

    @_writes
    def pause(self) -> None:
        self._need_open_round("pause the round")
        m = self.meta
        if m.get("deadline") is not None:  # the clock stops while the room is paused
            self._set_meta(deadline=None, remaining=max(0.0, m["deadline"] - self.clock()))
        self._set_round_state("paused")

    @_writes
    def resume(self) -> None:
        m = self._need_open_round("resume the round", allow_paused=True)
        if m["state"] != "paused":
            raise WorkshopError(f"round {m['round']} is not paused")
        if m.get("remaining") is not None:
            self._set_meta(deadline=self.clock() + m["remaining"], remaining=None)
        self._set_round_state("open")

    @_writes
    def set_timer(self, seconds: float | None) -> dict:
        """Start (or replace) the round's countdown; None removes it. The next rounds start
        with the same countdown until it is changed or removed. The timer informs the room;
        the facilitator still closes the round."""

        self._need_open_round("set the timer", allow_paused=True)
        if seconds is None:
            self._set_meta(deadline=None, remaining=None, timer_seconds=None)
            return self.timer()
        seconds = _timer_seconds(seconds)
        self._set_meta(timer_seconds=seconds)
        return self._run_timer(seconds)

    @_writes
    def extend_timer(self, seconds: float) -> dict:
        """Give the room more time this round (a timer that ran out restarts from now)."""

        self._need_open_round("extend the timer", allow_paused=True)
        left = self.timer()["remaining"] or 0.0
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise WorkshopError(f"a timer needs a number of seconds, not {seconds!r}")
        return self._run_timer(_timer_seconds(left + float(seconds)))

    def _run_timer(self, seconds: float) -> dict:
        if self.meta["state"] == "paused":  # it starts when the round resumes
            self._set_meta(deadline=None, remaining=seconds)
        else:
            self._set_meta(deadline=self.clock() + seconds, remaining=None)
        return self.timer()

    def _set_round_state(self, state: str, **extra: Any) -> None:
        r = self.round
        self._set_meta(state=state)
        self.db.table("rounds").update({"state": state, **extra}, Query().round == r)

    def close_round(self, fill_policy: str = DEFAULT_FILL_POLICY) -> list[dict]:
        """Close the current round and play it for every team, recording KPIs and scores. A
        team that did not submit plays its saved draft if that is a valid plan with
        something in it (marked ``from_draft``: its own work counts, as in any business
        simulation); a team with neither is played by ``fill_policy`` (marked
        ``filled_by``)."""

        close = self.begin_close(fill_policy)
        close.play()
        return self.finish_close(close)

    def begin_close(self, fill_policy: str = DEFAULT_FILL_POLICY) -> RoundClose:
        """The first step of closing the round (``workshop.closing``): what it needs, read
        now. Refuses at once what ``close_round`` would refuse."""

        self._need_writer()
        m = self._need_open_round("close the round", allow_paused=True)
        get_policy(fill_policy)  # ValueError for an unknown name, before any work
        closed = m["round"] - 1
        key = (closed, tuple(t["id"] for t in self.teams()))
        # Games not kept are rebuilt by the play, outside the lock; but a round worker's
        # snapshots are the host's readers' (after a restart, polls have rebuilt them).
        kept = (self._kept() if self._worker is not None
                or (self._games is not None and self._games.key == key) else None)
        close = RoundClose(m["round"], fill_policy,
                           {t["id"]: t["name"] for t in self.teams()},
                           self._close_inputs(m["round"]), kept,
                           None if kept is not None else self._log(closed))
        self._hand_over(close)
        return close

    def _hand_over(self, close: RoundClose) -> None:
        """Have the round worker (if any) play ``close``, with the log to rebuild the games
        from if it does not hold them."""

        if self._worker is not None:
            close.player, close.events = self._worker.play, self.injections()
            if not self._worker.holds(close.kept):
                close.log = self._log(close.round - 1)

    def _close_inputs(self, round: int) -> dict[str, Input]:
        """Each team's input to the round's close: its counting submission, else its draft,
        else nothing. Safe to read outside the lock: submissions and drafts are only ever
        inserted and removed, never changed in place."""

        subs = {s["team"]: s for s in self.history(round=round)}  # the last one counts
        drafts = {d["team"]: d for d in self.db.table("drafts").all() if d["round"] == round}
        out: dict[str, Input] = {}
        for t in self.teams():
            tid = t["id"]
            if tid in subs:
                out[tid] = ("submitted", subs[tid])
            elif tid in drafts:
                out[tid] = ("draft", {"plan": drafts[tid]["plan"],
                                      "author": drafts[tid]["author"]})
            else:
                out[tid] = ("absent", None)
        return out

    def catch_up(self, close: RoundClose) -> list[str]:
        """The teams whose submission or draft came in since ``close`` read them (taken
        into it, to be played again before ``finish_close``: a room keeps editing while a
        round plays, and what is played here is not played under the host's lock)."""

        m = self.meta
        if m["finished"] or m["round"] != close.round or m["state"] == "closed":
            return []  # finish_close says why
        changed = close.changed(inputs := self._close_inputs(close.round))
        close.inputs.update({tid: inputs[tid] for tid in changed})
        return changed

    @_writes
    def finish_close(self, close: RoundClose) -> list[dict]:
        """The last step of closing the round: what changed since ``begin_close`` played
        again (a late submission or draft counts; new teams or events: every team), then
        the plans, results and the closed round written at once."""

        m = self._need_open_round("close the round", allow_paused=True)
        r = m["round"]
        if r != close.round:
            raise WorkshopError(f"round {close.round} was closed meanwhile")
        kept = self._kept(close.kept)
        inputs = self._close_inputs(r)
        if kept is not close.kept:
            close.kept, close.inputs = kept, inputs
            self._hand_over(close)
            close.play()
        elif changed := close.changed(inputs):
            close.inputs.update({tid: inputs[tid] for tid in changed})
            close.play(changed)
        subs = {tid: chosen for tid, chosen in close.plays.items()
                if "seq" in chosen}  # the teams' own submissions
        subs.update(self._record_all(r, {tid: chosen for tid, chosen in close.plays.items()
                                         if tid not in subs}))
        subs = {tid: subs[tid] for tid in close.plays}
        results = [{"team": tid, "round": r, **close.standings[tid],
                    "filled_by": subs[tid].get("filled_by"), "seq": subs[tid]["seq"]}
                   for tid in close.plays]
        self.db.table("results").remove(Query().round == r)
        self.db.table("results").insert_multiple(results)
        self._set_meta(deadline=None, remaining=None)
        self._set_round_state("closed", closed=_now())
        # Kept from now on; a failed write puts back those it had (_writes), and a round
        # worker keeps what it played only once asked to play on them (``workshop.worker``).
        self._games = close.committed(kept, subs)
        return results

    @_writes
    def open_next_round(self) -> int | None:
        """Open the round after a closed one; after the last round the session is finished."""

        m = self.meta
        if m["finished"]:
            raise WorkshopError("the session is finished")
        if m["state"] != "closed":
            raise WorkshopError(f"round {m['round']} is still {m['state']}; close it first")
        if m["round"] >= m["rounds"]:
            self._set_meta(finished=True)
            return None
        r = m["round"] + 1
        seconds = m.get("timer_seconds")  # the countdown the facilitator last set
        self._set_meta(round=r, state="open",
                       deadline=self.clock() + seconds if seconds else None, remaining=None)
        self.db.table("rounds").insert({"round": r, "state": "open", "opened": _now()})
        # The closed round's drafts are done with: a draft that counted is a submission
        # now. Kept, they would be read and written again with every team's every draft.
        self.db.table("drafts").truncate()
        return r

    def advance(self, fill_policy: str = DEFAULT_FILL_POLICY) -> int | None:
        """Close the current round (absent teams filled in) and open the next; returns the
        new round, or None when the session is finished."""

        close = self.begin_advance(fill_policy)
        if close is not None:
            close.play()
        return self.finish_advance(close)

    def begin_advance(self, fill_policy: str = DEFAULT_FILL_POLICY) -> RoundClose | None:
        """``begin_close`` for an advance: None when the round is closed already."""

        if self.meta["finished"]:
            raise WorkshopError("the session is finished; nothing to advance")
        return self.begin_close(fill_policy) if self.meta["state"] != "closed" else None

    @_writes
    def finish_advance(self, close: RoundClose | None) -> int | None:
        """Close the round with ``close`` (if it was open) and open the next, at once."""

        if close is not None:
            self.finish_close(close)
        return self.open_next_round()

    # -- exports ------------------------------------------------------------------------------
    def export_csv(self, path: str | os.PathLike[str]) -> Path:
        from .export import write_csv

        return write_csv(self, Path(path))

    def export_html(self, path: str | os.PathLike[str]) -> Path:
        from .export import write_html

        return write_html(self, Path(path))


@dataclass
class TeamRows:
    """What a team's state reads of the tables, by team id (``Session._team_rows``)."""

    submissions: dict[str, list[dict]]  # oldest first
    results: dict[str, list[dict]]  # by round
    drafts: dict[str, dict]  # of the open round


def _by_team(table: dict | None, order: str) -> dict[str, list[dict]]:
    """A stored table's documents by team id, each team's in ``order``."""

    out: dict[str, list[dict]] = {}
    for doc in sorted((table or {}).values(), key=lambda d: d[order]):
        out.setdefault(doc["team"], []).append(dict(doc))
    return out


def _public(doc: dict) -> dict:
    """A team or a device as others may see it: without its token or rejoin secret."""

    return {k: v for k, v in doc.items() if k not in ("token", "rejoin")}


def _members(members: list) -> list[str]:
    names = [visible_text(m, "a member's name") for m in members]
    if len(names) > MAX_MEMBERS:
        raise ValueError(f"a team has at most {MAX_MEMBERS} members, not {len(names)}")
    return list(dict.fromkeys(names))


def _same(given: str, expected: str) -> bool:
    """A secret compared in constant time."""

    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


# Rejoin secrets are read off one screen and typed on another: no 0/O, 1/I/L.
_SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _new_rejoin_secret() -> str:
    chars = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def _secret_form(text: str) -> str:
    """A typed rejoin secret as stored: upper case, one dash in the middle, spaces ignored."""

    chars = "".join(c for c in str(text).upper() if c.isalnum())
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == 8 else chars


def _device_label(text: str) -> str:
    """What a device calls itself (its player's name, say), for the facilitator's list."""

    label = " ".join(str(text).split())[:40]
    return label or "device"


def plain_json_problem(value: Any, _depth: int = 0) -> str | None:
    """Why ``value`` is not plain, storable JSON (a NaN, a number too large for the engine,
    text that is not Unicode, nesting deeper than any plan), or None when it is fine."""

    if _depth > MAX_JSON_DEPTH:
        return f"it is nested more than {MAX_JSON_DEPTH} levels deep"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "it contains text that is not valid Unicode"
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return f"it contains {value}, which is not a number"
        if abs(value) > MAX_JSON_NUMBER:
            return f"it contains a number larger than {MAX_JSON_NUMBER:g}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = (plain_json_problem(key, _depth + 1) if isinstance(key, str)
                       else "its keys must be text")
            problem = problem or plain_json_problem(item, _depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for item in value:
            if problem := plain_json_problem(item, _depth + 1):
                return problem
        return None
    return f"it contains a {type(value).__name__}, which is not JSON"


def _check_plan_size(plan: Any) -> None:
    """Every way in (console, command line, HTTP) stores only plain JSON objects of a sane
    size: a NaN or a huge number kept in a draft would break every later answer."""

    if not isinstance(plan, dict):
        raise WorkshopError("a plan must be a JSON object")
    if problem := plain_json_problem(plan):
        raise WorkshopError(f"the plan cannot be used: {problem}")
    size = len(json.dumps(plan, ensure_ascii=False).encode("utf-8"))
    if size > MAX_PLAN_BYTES:
        raise PlanTooLarge(f"the plan is too large ({size:,} bytes; the limit is "
                            f"{MAX_PLAN_BYTES:,})")


def _timer_seconds(seconds: Any) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise WorkshopError(f"a timer needs a number of seconds, not {seconds!r}")
    value = float(seconds)
    if not MIN_TIMER_SECONDS <= value <= MAX_TIMER_SECONDS:
        raise WorkshopError(f"a timer must run between 1 second and {MAX_TIMER_SECONDS // 3600} "
                            f"hours, not {value:g} seconds")
    return value
