"""Shared-market mode: several teams are rival suppliers to the same accounts in one world.

In a workshop's usual mode every team plays its own copy of the world; here the teams sell
to the same buying centers and take share of wallet from each other (and from the AI
rivals). The engine already runs P players along an array axis (``Batch(players=P)``), so a
``Market`` is a batch of one game with P players, and a ``Seat`` is one team's window on it
with the read interface of ``engine.Game``: screens written for a solo game show a team's
seat unchanged.

Every team moves at once, so a quarter is played by ``Market.play_round`` with one plan per
team, never by one seat alone. A market is fully described by (scenario, seed, number of
players, rounds of plans, injected events): ``Market.replay`` rebuilds it exactly.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np

from .actions import Actions, PlanContext, actions_to_plan, compile_plan
from .errors import GameStateError, PlanError
from .game import Batch, Injected, PlayerRecord, _injected_log, _OnBatch, _replay, _turn_result
from .messages import Msg
from .scenario import Scenario
from .view import View
from .world import compile_scenario

#: A shared market seats 2-12 teams in a workshop; one player is allowed too (a solo game,
#: which is how the mode is checked against ``Game``). Beyond 12 the equal starting split of
#: the scenario's share leaves each team too little to play for.
MAX_PLAYERS = 12


class Market(_OnBatch):
    """One world (one seed) in which ``players`` teams compete for the same wallets."""

    def __init__(self, scenario: Scenario, seed: int, players: int):
        if not 1 <= players <= MAX_PLAYERS:
            raise ValueError(f"a shared market seats 1 to {MAX_PLAYERS} players, not {players}")
        self.batch = Batch(scenario, [seed], players, graded=True)
        self.seed = int(seed)
        #: The plans played, per round and player, normalised like ``Game.plans``.
        self.rounds: list[list[dict]] = []
        #: The quarter results, per round and player (``Game.play``'s dicts).
        self.results: list[list[dict]] = []
        self._seats = tuple(Seat(self, p) for p in range(players))

    @property
    def players(self) -> int:
        return self.batch.players

    @property
    def injected(self) -> Injected:
        """Every injected event as (event id, account) per quarter, for ``replay``."""

        return _injected_log(self.batch)

    def seat(self, player: int) -> Seat:
        """Team ``player``'s window on the market (0-based, like ``Batch.view``)."""

        if not 0 <= player < self.players:
            raise IndexError(f"player {player} is not seated: the market has {self.players}")
        return self._seats[player]

    @property
    def seats(self) -> tuple[Seat, ...]:
        return self._seats

    def check(self, plans: list[dict]) -> list[Actions]:
        """Validate one plan per player without playing; the first invalid plan raises a
        PlanError that names its player ("player 2: ...", the index in ``plans``)."""

        if len(plans) != self.players:
            raise PlanError(f"expected {self.players} plans, one per player, got {len(plans)}")
        actions = []
        for p, plan in enumerate(plans):
            try:
                actions.append(compile_plan(plan, self.batch.static,
                                            self.batch.plan_context(p)))
            except PlanError as e:
                raise PlanError(Msg("plan.player", player=p,
                                    reason=e.args[0] if e.args else str(e))) from None
        return actions

    def play_round(self, plans: list[dict]) -> list[dict]:
        """Play one quarter with every team's plan at once; returns one result per player.

        All plans are validated before anything moves, so one team's invalid plan leaves the
        market unchanged for everybody."""

        if self.over:
            raise GameStateError("the game is over: every quarter has been played")
        actions = self.check(plans)
        before = self.batch.state
        kp = self.batch.step(Actions.stack_players(actions), checked=True)  # by check
        st = self.batch.static
        self.rounds.append([actions_to_plan(a, st) for a in actions])
        results = [_turn_result(self.batch, before, kp, p) for p in range(self.players)]
        self.results.append(results)
        return results

    def fork(self) -> Market:
        """This market, to play on without changing it (``Batch.fork``), with its own seats."""

        twin = copy.copy(self)
        twin.batch = self.batch.fork()
        twin.rounds, twin.results = list(self.rounds), list(self.results)
        twin._seats = tuple(Seat(twin, p) for p in range(self.players))
        return twin

    def inject(self, event_id: str, account: str | None = None) -> None:
        """Queue a library event for the next quarter: it hits the one shared world, so
        every team (there is no per-team injection in a shared market)."""

        self.batch.inject(event_id, account)

    @classmethod
    def replay(cls, scenario: Scenario, seed: int, players: int, rounds: list[list[dict]],
               injected: Injected | None = None) -> Market:
        """Rebuild a market from its decision log (like ``Game.replay``)."""

        market = cls(scenario, seed, players)
        return _replay(market, market.play_round, rounds, injected)


class Seat(PlayerRecord):
    """Player ``player``'s window on a market, read like an ``engine.Game`` (the reads are
    ``PlayerRecord``'s, for this player).

    A seat sees only its own team's view, KPIs, scorecard and results. It cannot play:
    every team moves at once, so ``play`` raises GameStateError and points to
    ``Market.play_round`` (a UI that plays a solo game fails loudly, not silently).
    """

    rewindable = False  # what_if needs the whole market: a screen hides it

    def __init__(self, market: Market, player: int):
        self.market = market
        self.player = player
        # What PlayerRecord reads: the market's one batch and seed (neither ever changes).
        self.batch: Batch = market.batch
        self.seed: int = market.seed

    @property
    def _player(self) -> int:  # whose records PlayerRecord reads
        return self.player

    @property
    def plans(self) -> list[dict]:
        return [r[self.player] for r in self.market.rounds]

    @property
    def results(self) -> list[dict]:
        return [r[self.player] for r in self.market.results]

    def play(self, plan: dict) -> dict:
        raise GameStateError(
            "in a shared market every team plays at once: use Market.play_round"
        )


# -- a seat sent over the network ---------------------------------------------------------------
# A team's client in a shared market cannot rebuild its seat: that needs every team's plans,
# which are the other teams' secrets. The host sends the seat's own data instead, and the
# client reads it through ``SeatSnapshot``, which has the same read interface again.


def snapshot(seat: PlayerRecord) -> dict:
    """Everything player ``seat`` (a shared market's ``Seat``, or a ``Game``) may know, as
    plain JSON data (arrays exact). A workshop strips the seed before sending it: a
    ``SeatSnapshot`` reads it without one."""

    view = seat.view()
    arrays = {}
    for f in fields(View):
        if f.name == "scenario":
            continue
        value = getattr(view, f.name)
        if isinstance(value, np.ndarray):
            arrays[f.name] = {"dtype": value.dtype.str, "shape": list(value.shape),
                              "data": value.reshape(-1).tolist()}
        else:
            arrays[f.name] = value
    return {"player": getattr(seat, "player", 0), "seed": seat.seed, "turn": seat.turn,
            "view": arrays,
            "plans": seat.plans, "results": seat.results, "kpis": seat.kpi_history(),
            "scorecard": seat.scorecard(), "debrief": seat.debrief() if seat.over else None}


class _Rules:
    """The parts of a Batch that a client reads: the compiled scenario, no injections of its
    own (they are already in the snapshot's results)."""

    def __init__(self, scenario: Scenario):
        self.static = compile_scenario(scenario)
        self.injected: dict = {}


class SeatSnapshot:
    """A seat rebuilt from ``snapshot``: reads like ``engine.Game``, never plays."""

    rewindable = False

    def __init__(self, scenario: Scenario, data: dict):
        self._scenario = scenario
        self.data = data
        self.batch = _Rules(scenario)
        self.seed = int(data["seed"]) if data.get("seed") is not None else None
        self.player = int(data["player"])
        self.plans: list[dict] = data["plans"]
        self.results: list[dict] = data["results"]
        values = {}
        for name, value in data["view"].items():
            if isinstance(value, dict) and "dtype" in value:
                value = np.array(value["data"], dtype=np.dtype(value["dtype"]))
                value = value.reshape(data["view"][name]["shape"])
            values[name] = value
        values.setdefault("seeds", np.zeros(1, dtype=np.int64))  # a world without its seed
        self._view = View(scenario=scenario, **values)

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def turn(self) -> int:
        return int(self.data["turn"])

    @property
    def over(self) -> bool:
        return self.turn >= self._scenario.turns

    def view(self) -> View:
        return self._view

    def scorecard(self) -> dict:
        return self.data["scorecard"]

    def kpi_history(self) -> list[dict[str, float]]:
        return self.data["kpis"]

    def debrief(self) -> dict:
        if self.data.get("debrief") is None:
            raise GameStateError("the debrief opens after the last quarter")
        return self.data["debrief"]

    def plan_context(self) -> PlanContext:
        return PlanContext.from_plans(self.plans)

    def check(self, plan: dict) -> Actions:
        return compile_plan(plan, self.batch.static, self.plan_context())

    def play(self, plan: dict) -> dict:
        raise GameStateError("in a shared market every team plays at once: submit the plan")

    def what_if(self, turn: int):
        raise GameStateError("a what-if needs every team's plans: not in a shared market")
