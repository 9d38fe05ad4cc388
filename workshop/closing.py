"""Closing a workshop round without holding up the room.

A close takes three steps. ``Session.close_round`` runs them in a row; the ``Host`` runs the
middle one outside its lock, so that teams' polls and drafts never wait for a round to play:

1. ``Session.begin_close`` reads what the close needs (cheap, under the lock): the teams'
   games kept since the last close (``KeptGames``, never played themselves), or the log to
   rebuild them from, and each team's input for the round: its counting submission, its
   draft, or nothing;
2. ``RoundClose.play`` works the round out on forks of those games, touching no session:
   plans for the absent teams by the fill-in policy, one quarter per team, and each team's
   snapshot (what its polls will read), KPIs and score; the ``Host`` then plays again,
   still outside its lock, the teams whose input came in meanwhile (``Session.catch_up``);
3. ``Session.finish_close`` (under the lock again) reads the inputs once more, plays again
   the teams whose input changed meanwhile (a submission or draft acknowledged before the
   close lands is never lost), and writes it all in one atomic replace.

A served session plays step 2 in its round worker (``workshop.worker``), a process that keeps
the games and runs this same code: the host's threads then never wait for the GIL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from kam_sandbox.engine import Game
from kam_sandbox.engine.actions import Actions, actions_to_plan
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.game import share_yardsticks
from kam_sandbox.engine.market import Market, Seat
from kam_sandbox.engine.policies import decide, get_policy
from kam_sandbox.engine.scenario import Scenario

from .secrecy import team_snapshot

#: A team's input to a close: ("submitted", its counting submission), ("draft", {"plan",
#: "author"}) or ("absent", None).
Input = tuple[str, Any]
#: A team's snapshot as JSON: what its polls send (made where the game is played).
SNAPSHOT_ENCODER = msgspec.json.Encoder()


@dataclass
class TeamReplay:
    """A team's game rebuilt from the log, with its KPIs and score after every closed round
    (``game`` None: the host's round worker keeps it, ``workshop.worker``)."""

    game: Game | Seat | None
    rounds: list[dict]  # [{"round", "kpis", "score", "plan", "author", "filled_by"}]


@dataclass
class ReplayLog:
    """What rebuilding the teams' games needs, read off the session (plain data)."""

    scenario: Scenario
    seed: int
    mode: str
    teams: list[str]  # team ids, in order
    subs: dict[tuple[str, int], dict]  # (team id, round) → the counting submission
    injections: list[dict]  # oldest first
    upto: int  # the rounds to play


@dataclass
class KeptGames:
    """Every team's game after the last closed round, with the events injected into the
    open round queued. Shared by readers and never played: a close plays forks of them.
    ``held``: the games are kept by the host's round worker (``workshop.worker``), under
    that tag; here are only what readers need (the rounds, the snapshots)."""

    key: tuple  # (closed rounds, team ids): what they are the games of
    reps: dict[str, TeamReplay]
    applied: frozenset[int]  # the injections (seq) queued or played in them
    snapshots: dict[str, dict] = field(default_factory=dict)  # team id → team_snapshot
    encoded: dict[str, bytes] = field(default_factory=dict)  # team id → the snapshot as JSON
    held: tuple | None = None

    def snapshot(self, team_id: str) -> dict:
        """The team's game as its client reads it, made once per team (teams poll often)."""

        if team_id not in self.snapshots:
            self.snapshots[team_id] = (msgspec.json.decode(self.encoded[team_id])
                                       if team_id in self.encoded
                                       else team_snapshot(self.reps[team_id].game))
        return self.snapshots[team_id]

    def snapshot_json(self, team_id: str) -> bytes:
        """``snapshot`` as JSON, encoded once per team (or as the round worker sent it)."""

        if team_id not in self.encoded:
            self.encoded[team_id] = SNAPSHOT_ENCODER.encode(self.snapshot(team_id))
        return self.encoded[team_id]

    def with_injections(self, injections: list[dict], round: int) -> KeptGames:
        """These games with events injected since they were kept (all of the open round,
        the only one a facilitator can inject into) queued too; the views are unchanged.
        Games the round worker holds: it queues them itself before it plays."""

        reps = self.reps
        if self.held is None:
            games = fork_games({tid: rep.game for tid, rep in self.reps.items()})
            queue_events(games, injections, round)
            reps = {tid: TeamReplay(games[tid], rep.rounds) for tid, rep in self.reps.items()}
        return KeptGames(self.key, reps, self.applied | {i["seq"] for i in injections},
                         dict(self.snapshots), dict(self.encoded), self.held)

    def queued(self, injections: list[dict]) -> KeptGames:
        """These games with every injection of ``injections`` they lack queued."""

        if missing := [i for i in injections if i["seq"] not in self.applied]:
            return self.with_injections(missing, self.key[0] + 1)
        return self


def fork_games(games: dict[str, Game | Seat]) -> dict[str, Game | Seat]:
    """Copies to play on (a shared market's seats forked together, with their market)."""

    seats = list(games.values())
    if seats and isinstance(seats[0], Seat):
        market = seats[0].market.fork()
        return dict(zip(games, market.seats))
    return {tid: game.fork() for tid, game in games.items()}


def queue_events(games: dict[str, Game | Seat], injections: list[dict], round: int) -> None:
    """Queue the events injected for ``round`` (1-based) into the games they hit, before the
    round's plans: each team's own world, or the one shared market once."""

    seats = list(games.values())
    market = seats[0].market if seats and isinstance(seats[0], Seat) else None
    for inj in injections:
        if inj["round"] != round:
            continue
        targets = ([market] if market is not None
                   else [g for tid, g in games.items() if inj["team"] in (None, tid)])
        for target in targets:
            if not target.over:
                target.inject(inj["event"], inj.get("account"))


def play_round(plans: list[dict], games: dict[str, Game | Seat]) -> None:
    """One quarter for every team: each in its own world, or all at once in a market."""

    seats = list(games.values())
    if seats and isinstance(seats[0], Seat):
        seats[0].market.play_round(plans)
    else:
        share_yardsticks(game.batch for game in seats)
        for game, plan in zip(seats, plans):
            game.play(plan)


def rebuild(log: ReplayLog) -> dict[str, TeamReplay]:
    """Every team's game rebuilt from the log, exactly as ``Game.replay`` would (in a shared
    market, each team's ``Seat`` in the market rebuilt from every team's plans)."""

    if log.mode == "shared":
        market = Market(log.scenario, log.seed, len(log.teams))
        games: dict[str, Game | Seat] = dict(zip(log.teams, market.seats))
    else:
        games = {tid: Game(log.scenario, log.seed) for tid in log.teams}
    out = {tid: TeamReplay(game, []) for tid, game in games.items()}
    for r in range(1, log.upto + 2):
        queue_events(games, log.injections, r)  # the round's events, before its plans
        if r > log.upto:
            break
        play_round([log.subs[tid, r]["plan"] for tid in log.teams], games)
        for tid, game in games.items():
            out[tid].rounds.append(round_entry(r, standing(game), log.subs[tid, r]))
    return out


def kept_from_log(log: ReplayLog) -> KeptGames:
    return KeptGames((log.upto, tuple(log.teams)), rebuild(log),
                     frozenset(i["seq"] for i in log.injections))


def standing(game: Game | Seat, snap: dict | None = None) -> dict:
    """A team's KPIs of the quarter just played and its score so far (the scorecard is the
    costly part of a close after the quarter itself: worked out once, outside the lock),
    read off the game's ``team_snapshot`` ``snap`` if there is one (it holds both)."""

    if snap is not None:
        return {"kpis": dict(snap["kpis"][-1]), "score": snap["scorecard"]["score"]}
    return {"kpis": game.kpi_history()[-1], "score": game.scorecard()["score"]}


def round_entry(r: int, stood: dict, sub: dict) -> dict:
    """A closed round of a team's replay: its KPIs and score after it (``standing``), and
    the plan."""

    return {"round": r, "kpis": stood["kpis"], "score": stood["score"],
            "plan": sub["plan"], "author": sub["author"], "filled_by": sub.get("filled_by"),
            "from_draft": bool(sub.get("from_draft"))}


@dataclass
class RoundClose:
    """A round's close being worked out (see the module docstring). ``play`` touches nothing
    but this object, so it may run while the session serves others."""

    round: int
    policy: str
    names: dict[str, str]  # team id → name (a draft without an author is the team's)
    inputs: dict[str, Input]
    kept: KeptGames | None  # None: rebuilt from ``log`` by ``play``
    log: ReplayLog | None = None
    games: dict[str, Game | Seat] = field(default_factory=dict)  # played forks
    plays: dict[str, dict] = field(default_factory=dict)  # team id → the plan that counts
    # team id → its draft's plan as ``Game.check`` made it (played without a second check)
    checked: dict[str, Actions] = field(default_factory=dict)
    snapshots: dict[str, dict] = field(default_factory=dict)
    encoded: dict[str, bytes] = field(default_factory=dict)  # snapshots as the worker sent them
    standings: dict[str, dict] = field(default_factory=dict)  # team id → ``standing``
    # The teams share one market (known once played): playing any of them again plays all.
    together: bool = False
    # Who plays it instead of this process (the round worker, ``workshop.worker``), given
    # the injections to queue (``events``) and, if it does not hold ``kept``, the ``log``;
    # ``held``: its tag for the games it played.
    player: Callable[[RoundClose, list[str] | None], None] | None = None
    events: list[dict] = field(default_factory=list)
    held: tuple | None = None

    def play(self, teams: list[str] | None = None) -> None:
        """Play the round for every team (or again for ``teams``, whose input changed; in a
        shared market every team plays again, as they move together)."""

        if self.player is not None:
            self.player(self, teams)
            return
        if self.kept is None:
            assert self.log is not None
            self.kept = kept_from_log(self.log)
        before = {tid: rep.game for tid, rep in self.kept.reps.items()}
        shared = self.together = bool(before) and isinstance(next(iter(before.values())), Seat)
        if teams is None or shared or not self.games:
            teams = list(before)
            self.games = fork_games(before)
        else:
            self.games.update(fork_games({tid: before[tid] for tid in teams}))
        for tid in teams:
            self.plays[tid] = self._plan(tid)
        if shared:
            self.checked.clear()  # the market checks every plan at once
            play_round([self.plays[tid]["plan"] for tid in teams], self.games)
        else:
            share_yardsticks(self.games[tid].batch for tid in teams)
            for tid in teams:
                self.games[tid].play(self.plays[tid]["plan"], checked=self.checked.pop(tid, None))
        for tid in teams:
            snap = team_snapshot(self.games[tid], self.kept.snapshots.get(tid))
            self.snapshots[tid], self.standings[tid] = snap, standing(self.games[tid], snap)

    def _plan(self, team_id: str) -> dict:
        """What counts for the team: its submission; else its draft, if that is a valid
        plan with something in it (an untouched screen saves an empty draft: the policy
        plays better than nothing); else the fill-in policy's plan."""

        kind, doc = self.inputs[team_id]
        game = self.games[team_id]
        if kind == "submitted":
            return doc
        if kind == "draft" and (checked := _playable(doc["plan"], game)) is not None:
            self.checked[team_id] = checked
            return {"plan": doc["plan"], "author": doc["author"] or self.names[team_id],
                    "filled_by": None, "from_draft": True}
        actions = decide(get_policy(self.policy), game.view(), game.scenario,
                         game.batch.static)
        return {"plan": actions_to_plan(actions, game.batch.static),
                "author": f"policy:{self.policy}", "filled_by": self.policy,
                "from_draft": False}

    def committed(self, kept: KeptGames, subs: dict[str, dict]) -> KeptGames:
        """The games this close played on ``kept``, each team's round recorded with the
        plan that counted (``subs``): what is kept once the close has landed."""

        reps = {tid: TeamReplay(self.games.get(tid), [
            *kept.reps[tid].rounds, round_entry(self.round, self.standings[tid], subs[tid])])
                for tid in self.plays}
        return KeptGames((self.round, kept.key[1]), reps, kept.applied, dict(self.snapshots),
                         dict(self.encoded), self.held)

    def changed(self, inputs: dict[str, Input]) -> list[str]:
        """The teams whose input differs from ``inputs`` (read again at the commit)."""

        return [tid for tid in inputs if self.inputs.get(tid) != inputs[tid]]


def _playable(plan: Any, game: Game | Seat) -> Actions | None:
    """A draft's plan as ``check`` makes it, or None if it is not one to play."""

    if not isinstance(plan, dict) or not (
            plan.get("accounts") or any((plan.get("portfolio") or {}).values())):
        return None
    try:
        return game.check(plan)
    except (KamError, TypeError, ValueError, AttributeError):  # over budget mid-edit, say
        return None
