"""The engine's public API: a batch of games, and a single game on top of it.

``Batch`` runs B games (one per seed) for P players along array axes; a single ``Game`` is
a batch of one with a friendlier, plain-data interface for the UI, saves and workshops (its
read side, ``PlayerRecord``, is also a shared market's ``Seat``: see ``market``).
A game is fully described by (scenario id + version, seed, plans): ``Game.replay`` rebuilds
any game exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import numpy as np

from . import kpis
from .actions import (
    Actions,
    PlanContext,
    actions_to_plan,
    compile_plan,
    parse_plan,
    validate_actions,
)
from .attribution import revenue_effects
from .errors import GameStateError, PlanError
from .fit import fit_to_rules
from .messages import Msg
from .model import Outcome, State, initial_state, personal_needs, step
from .people import person_name
from .scenario import NEEDS, STAGES, Event, Scenario
from .view import CREDIT_BANDS, View
from .world import DELIVERY, QUALITY, RELATIONSHIP, Static, compile_scenario, draw_worlds


class Batch:
    """B games of one scenario, one per seed, each with P players (suppliers)."""

    def __init__(self, scenario: Scenario, seeds: Sequence[int], players: int = 1, *,
                 graded: bool = False):
        """``graded``: score each player against the yardstick of its seat (``yardstick``)
        rather than against the scenario's fixed targets (a solo game and a market are)."""

        if players < 1:
            raise ValueError("a game needs at least one player")
        self.static: Static = compile_scenario(scenario)
        self.world = draw_worlds(self.static, list(seeds))
        self.players = players
        self.state: State = initial_state(self.static, self.world, players)
        self.kpis: list[dict[str, np.ndarray]] = []
        self.outcomes: list[Outcome] = []
        self.injected: dict[int, list[Event]] = {}
        grades = [next(i for i, (lim, _) in enumerate(CREDIT_BANDS) if a.credit.pd < lim)
                  for a in scenario.accounts]
        self._credit_grade = np.array(grades)
        # Our sales records before the game: the last quarter's revenue, known to the player.
        self._prior_revenue = self.state.revenue_last[:, 0].copy()
        self.graded = graded
        self._played: list[Actions] = []  # what every player did, for the yardsticks
        self._yardsticks: dict[int, Batch] = {}
        self._yardstick_memo: tuple[int, dict[str, np.ndarray]] = (-1, {})

    @property
    def scenario(self) -> Scenario:
        return self.static.scenario

    @property
    def size(self) -> int:
        return len(self.world.seeds)

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def over(self) -> bool:
        return self.state.turn >= self.scenario.turns

    def empty_actions(self) -> Actions:
        return Actions.zeros(self.size, self.players, self.static.n, self.static.k)

    def view(self, player: int = 0) -> View:
        """What player ``player`` can see, for every game in the batch."""

        s, sc = self.state, self.scenario
        quarter = (sc.start_quarter - 1 + s.turn) % 4
        # Every player starts with the same records (an equal part of the starting share).
        revenue = np.stack(
            [self._prior_revenue] + [o.revenue[:, player] for o in self.outcomes], -1
        )
        role = np.where(s.role_seen[:, player], self.static.role_index[None], -1)
        lost = s.churned[:, player] | s.defaulted
        to_date = revenue.sum(-1)
        m = sc.model
        sat = np.where(s.sat_turn[:, player] >= 0, s.sat_seen[:, player], 3.5)
        retention = 1.0 - np.minimum(m.churn_at_5 * m.churn_ratio ** (5.0 - sat), m.churn_max)
        contribution = revenue[..., -1] * self.static.margin - sc.costs.cost_to_serve
        clv = np.where(lost, 0.0, kpis.clv(contribution, retention, m.clv_discount_rate))
        score = self.score()[0][:, player] if self.kpis else np.zeros(self.size)
        return View(
            scenario=sc,
            seeds=self.world.seeds,
            turn=s.turn,
            quarter=quarter + 1,
            peak=bool(self.static.peak[quarter] and sc.supply.capacity < 1.0),
            mask=self.static.mask,
            credit_grade=self._credit_grade,
            revenue=revenue,
            receivables=s.receivables[:, player].copy(),
            credit_days=s.credit_days[:, player].copy(),
            stage=s.stage[:, player].copy(),
            lost=lost,
            share_estimate=s.share_seen[:, player].copy(),
            needs_reading=s.needs_seen[:, player].copy(),
            needs_turn=s.needs_turn[:, player].copy(),
            satisfaction_reading=s.sat_seen[:, player].copy(),
            satisfaction_turn=s.sat_turn[:, player].copy(),
            stance_reading=s.stance_seen[:, player].copy(),
            stance_turn=s.stance_turn[:, player].copy(),
            last_contact=s.last_contact[:, player].copy(),
            role=role,
            complaint=s.complaint[:, player].copy(),
            own_event=s.own_event.copy(),
            score=score,
            tier=kpis.abc_tiers(to_date),
            rfm=kpis.rfm(s.turn, s.last_order[:, player], s.orders[:, player], to_date),
            clv=clv,
            last_conference=s.last_conference[:, player].copy(),
            generation=s.generation.copy(),
            shift_turn=s.shift_turn.copy(),
        )

    def plan_context(self, player: int | None = None) -> PlanContext:
        """The game so far as the plan rules need it, for one player or (None) all."""

        last = self.state.last_conference
        return PlanContext(self.turn, last if player is None else last[:, player : player + 1])

    def inject(self, event_id: str, account: str | None = None) -> Event:
        """Queue a library event for the next quarter (a facilitator's move)."""

        events = {e.id: e for e in self.scenario.events}
        if event_id not in events:
            from .scenario import hint

            raise PlanError(Msg("plan.unknown_event", event=repr(event_id),
                                hint=hint(event_id, list(events))))
        event = events[event_id]
        self._own_yardsticks()  # an event of this game's own: a yardstick of its own too
        if account is not None:
            ids = [a.id for a in self.scenario.accounts]
            if account not in ids:
                from .scenario import hint

                raise PlanError(Msg("plan.unknown_account", account=repr(account),
                                    hint=hint(account, ids)))
            event = event.model_copy(update={"account": account})
        self.injected.setdefault(self.turn, []).append(event)
        return event

    def step(self, actions: Actions, *, checked: bool = False) -> dict[str, np.ndarray]:
        """Validate and play one quarter for every game; an invalid plan changes nothing.
        ``checked``: the actions are what ``compile_plan`` made of the plans against this
        quarter (``plan_context``), so valid: not validated again."""

        if self.over:
            raise GameStateError("the game is over: every quarter has been played")
        expected = (self.size, self.players, self.static.n)
        if actions.support_days.shape != expected:
            raise PlanError(f"actions have shape {actions.support_days.shape}, expected {expected}")
        if not checked:
            validate_actions(actions, self.static, self.plan_context())
        self.state, outcome = step(
            self.static, self.world, self.state, actions, self.injected.get(self.turn)
        )
        self.outcomes.append(outcome)
        if self.graded:
            self._played.append(actions)
        k = kpis.turn_kpis(self.static, self.state, outcome)
        self.kpis.append(k)
        return k

    def fork(self) -> Batch:
        """A copy that plays on alone, cheaply: the compiled scenario, the worlds and the
        states are shared (``step`` never writes into a state), the records are new lists."""

        twin = copy.copy(self)
        twin.kpis, twin.outcomes = list(self.kpis), list(self.outcomes)
        twin.injected = {turn: list(events) for turn, events in self.injected.items()}
        # The yardsticks play on beside the twin: their own moves, the twin's events.
        twin._played = list(self._played)
        twin._yardstick_memo = (-1, {})
        twin._yardsticks = {}
        for player, shadow in self._yardsticks.items():
            twin._yardsticks[player] = shadow = shadow.fork()
            shadow.injected = twin.injected
        return twin

    def totals(self) -> dict[str, np.ndarray]:
        return kpis.game_totals(self.kpis)

    def _own_yardsticks(self) -> None:
        """Take back a yardstick of its own where it steps one shared with other games
        (``share_yardsticks``; such a one holds events of its own, not this game's)."""

        for player, shadow in self._yardsticks.items():
            if shadow.injected is not self.injected:
                self._yardsticks[player] = shadow = shadow.fork()
                shadow.injected = self.injected

    def yardstick(self, player: int = 0) -> Batch:
        """What ``player``'s seat allowed: the ``expert`` strategy in that seat, in the same
        world(s), against the same rivals' recorded moves and the same injected events,
        played up to the current quarter. Built lazily and kept in step one quarter at a
        time, so it costs one extra quarter per quarter, never a whole game."""

        from .policies import decide, expert  # policies build on the engine, not vice versa

        shadow = self._yardsticks.get(player)
        if shadow is None:
            shadow = Batch(self.scenario, self.world.seeds, self.players)
            shadow.injected = self.injected  # the facilitator's events hit both worlds
            self._yardsticks[player] = shadow
        while shadow.turn < self.turn:
            played = self._played[shadow.turn].arrays()
            mine = decide(expert, shadow.view(player), self.scenario, shadow.static).arrays()
            moves = {}
            for name, arr in played.items():
                arr = arr.copy()
                arr[:, player] = mine[name][:, 0]
                moves[name] = arr
            shadow.step(Actions(**moves))
        return shadow

    def yardstick_totals(self) -> dict[str, np.ndarray]:
        """Each player's yardstick's whole-game-so-far figures, (B, P) like ``totals``."""

        if self._yardstick_memo[0] != self.turn:  # asked several times per quarter
            per_player = [self.yardstick(p).totals() for p in range(self.players)]
            self._yardstick_memo = (self.turn, {
                k: np.stack([t[k][:, p] for p, t in enumerate(per_player)], -1)
                for k in per_player[0]})
        return self._yardstick_memo[1]

    def score(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The grade so far: against each seat's yardstick when ``graded``, else against the
        scenario's fixed targets (pro-rated mid-game; final after the last quarter)."""

        reference = self.yardstick_totals() if self.graded and self.kpis else None
        return kpis.score(self.static, self.totals(), len(self.kpis), reference=reference)

    def luck(self) -> np.ndarray:
        """(B, P) how much easier (+) or harder (−) each seat's world was than the average
        one, in scorecard points: the yardstick's score against the fixed targets, less 100
        (the targets are set to what the expert makes on average)."""

        ref = self.yardstick_totals()
        return kpis.score(self.static, ref, len(self.kpis), ceiling=None)[0] - 100.0


def share_yardsticks(batches: Iterable[Batch]) -> None:
    """Let games that are bound to have the same yardstick step one between them, instead
    of one each: graded games of one player (the expert then plays every seat: nobody
    else's moves enter it) of the same scenario object, seeds and quarter, with the same
    events injected. The parallel games of a workshop are; their yardstick is ~40 % of
    playing a quarter. Every grade stays what it would be alone: a game that is later given
    an event of its own takes back a yardstick of its own (``Batch.inject``), and a fork
    forks its yardstick as ever."""

    alike: dict[tuple, list[Batch]] = {}
    for batch in batches:
        if batch.graded and batch.players == 1:
            key = (id(batch.scenario), tuple(batch.world.seeds.tolist()), batch.turn,
                   repr(sorted(_injected_log(batch).items())))
            alike.setdefault(key, []).append(batch)
    for group in alike.values():
        if len(group) > 1:
            shared = group[0].yardstick(0).fork()
            shared.injected = {turn: list(events)
                               for turn, events in group[0].injected.items()}
            for batch in group:
                batch._yardsticks[0] = shared


def _plain(x, player: int = 0) -> float:
    """Player ``player``'s figure in the only game of a batch of one, from a (1, P) array."""

    return float(np.asarray(x)[0, player])


#: Injected events as (event id, account) per quarter (0-based): a decision log's part.
Injected = dict[int, list[tuple[str, str | None]]]


class _OnBatch:
    """The scenario and the clock of the batch this object holds as ``batch`` (a Game, a
    shared Market and a Seat in it all read them alike)."""

    batch: Batch

    @property
    def scenario(self) -> Scenario:
        return self.batch.scenario

    @property
    def turn(self) -> int:
        return self.batch.turn

    @property
    def over(self) -> bool:
        return self.batch.over


class PlayerRecord(_OnBatch):
    """One player's game, read from a batch of one game: the read interface that ``Game``
    (the only player of its own batch) and a shared market's ``Seat`` (one of several
    players) share, so a screen written for a solo game shows a team's seat unchanged.

    A subclass provides ``batch``, ``seed`` and, if not 0, the player's index ``_player``.
    """

    _player = 0  # a solo game's player is the only one

    def view(self) -> View:
        return self.batch.view(self._player)

    def scorecard(self) -> dict:
        """The balanced scorecard so far: grade 0-100 and each item's value and points, with
        the floor and target it was graded against — what the expert made in the same seat
        of the same world (``Batch.yardstick``) — beside the scenario's fixed benchmark.
        ``luck``: how much easier (+) or harder (−) this world was than the average one, in
        points (it does not enter the grade); None until the game is over."""

        batch, player = self.batch, self._player
        if not batch.kpis:
            return {"score": 0.0, "items": [], "luck": None}
        totals = batch.totals()
        grade, items = batch.score()
        share = len(batch.kpis) / batch.scenario.turns
        reference = batch.yardstick_totals() if batch.graded else None
        rows = []
        for it in batch.scenario.scorecard:
            floor, target = kpis.item_bounds(it, share, reference)
            benchmark = kpis.item_bounds(it, share)
            rows.append({
                "metric": it.metric,
                "weight": it.weight,
                "value": _plain(totals[it.metric], player),
                "floor": _plain(np.broadcast_to(floor, grade.shape), player),
                "target": _plain(np.broadcast_to(target, grade.shape), player),
                "benchmark_floor": float(benchmark[0]),
                "benchmark_target": float(benchmark[1]),
                "score": _plain(items[it.metric], player),
            })
        # The luck of the draw says how rich the world was: a debrief fact, kept back until
        # the last quarter is played (a team must not read its world from it mid-game).
        luck = _plain(batch.luck(), player) if batch.graded and batch.over else None
        return {"score": _plain(grade, player), "items": rows, "luck": luck}

    def kpi_history(self) -> list[dict[str, float]]:
        return [{k: _plain(v, self._player) for k, v in q.items()} for q in self.batch.kpis]

    def debrief(self) -> dict:
        """The hidden truth, revealed once the game is over: the world is the same for every
        player, trust, stance, share and churn are the player's own."""

        batch, player = self.batch, self._player
        if not batch.over:
            raise GameStateError("the debrief opens after the last quarter")
        st, s, w = batch.static, batch.state, batch.world
        pn = personal_needs(st, s)
        accounts = []
        for i, acc in enumerate(batch.scenario.accounts):
            accounts.append(
                {
                    "id": acc.id,
                    "needs": {d: float(v) for d, v in zip(NEEDS, s.needs[0, i])},
                    "wallet": float(s.wallet[0, i]),
                    "share": float(s.share[0, i, player]),
                    "competitor": float(w.competitor[0, i]),
                    "default_risk": float(w.pd[0, i]),
                    "defaulted": bool(s.defaulted[0, i]),
                    "churned": bool(s.churned[0, player, i]),
                    "stakeholders": [
                        {
                            "id": sh.id,
                            "name": person_name(batch.scenario, self.seed, i, j,
                                                int(s.generation[0, i, j])),
                            "replacements": int(s.generation[0, i, j]),
                            "role": sh.role,
                            "influence": float(st.influence[i, j]),
                            "needs": {d: float(v) for d, v in zip(NEEDS, pn[0, i, j])},
                            "stance": float(s.stance[0, player, i, j]),
                            "trust": float(s.trust[0, player, i, j]),
                        }
                        for j, sh in enumerate(acc.stakeholders)
                    ],
                }
            )
        return {"scenario": batch.scenario.id, "seed": int(self.seed), "accounts": accounts,
                "scorecard": self.scorecard()}

    def plan_context(self) -> PlanContext:
        """The game so far as the plan rules need it (see ``actions.PlanContext``)."""

        return self.batch.plan_context(self._player)

    def check(self, plan: dict) -> Actions:
        """Validate the player's plan without playing it; raises PlanError."""

        return compile_plan(plan, self.batch.static, self.plan_context())


class Game(PlayerRecord):
    """One game for one player: plain data in and out."""

    rewindable = True  # what_if works (a shared market's seat says False)

    def __init__(self, scenario: Scenario, seed: int):
        self.batch = Batch(scenario, [seed], graded=True)
        self.seed = int(seed)
        self.plans: list[dict] = []
        self.results: list[dict] = []
        #: (quarter, why) for each recorded plan that ``replay(adapt=True)`` had to fit to
        #: today's rules
        self.adapted: list[tuple[int, str]] = []

    def play(self, plan: dict, *, checked: Actions | None = None) -> dict:
        """Play one quarter with ``plan``; returns the quarter's result. Invalid plan: PlanError,
        and the game is unchanged. ``checked``: what ``check(plan)`` returned this quarter,
        when the caller has checked the plan already (it is not checked again)."""

        actions = self.check(plan) if checked is None else checked
        before = self.batch.state
        kp = self.batch.step(actions, checked=True)
        self.plans.append(actions_to_plan(actions, self.batch.static))
        result = _turn_result(self.batch, before, kp)
        self.results.append(result)
        return result

    def inject(self, event_id: str, account: str | None = None) -> None:
        self.batch.inject(event_id, account)

    def fork(self) -> Game:
        """This game, to play on without changing it (``Batch.fork``)."""

        twin = copy.copy(self)
        twin.batch = self.batch.fork()
        twin.plans, twin.results, twin.adapted = (list(self.plans), list(self.results),
                                                  list(self.adapted))
        return twin

    @classmethod
    def replay(cls, scenario: Scenario, seed: int, plans: list[dict],
               injected: Injected | None = None, *, adapt: bool = False) -> Game:
        """Rebuild a game from its decision log. With ``adapt``, a recorded plan that the
        rules refuse today (a rule added since it was played, a changed case) is fitted to
        them and played, and listed in ``adapted``, rather than losing the game; a plan that
        no longer makes sense (an account that is gone) still raises PlanError."""

        game = cls(scenario, seed)
        return _replay(game, game._play_adapted if adapt else game.play, plans, injected)

    def _play_adapted(self, plan: dict) -> dict:
        try:
            return self.play(plan)
        except PlanError as exc:
            st = self.batch.static
            fitted = fit_to_rules(parse_plan(plan, st), st, self.plan_context())
            self.adapted.append((self.turn + 1, exc.args[0] if exc.args else str(exc)))
            return self.play(actions_to_plan(fitted, st))

    def what_if(self, turn: int) -> Game:
        """A copy of this game rewound to the start of quarter ``turn`` (1-based), same world."""

        if not 1 <= turn <= self.turn + 1:
            raise GameStateError(f"can rewind to quarters 1..{self.turn + 1}, not {turn}")
        return Game.replay(self.scenario, self.seed, self.plans[: turn - 1],
                           _injected_log(self.batch))


def _injected_log(batch: Batch) -> Injected:
    """Every event injected into ``batch``, as ``replay`` takes them."""

    return {t: [(e.id, e.account) for e in events] for t, events in batch.injected.items()}


def _replay(target, play, moves: list, injected: Injected | None):
    """Play ``moves`` (a game's plans or a market's rounds) with ``play`` on the new
    ``target``, each quarter's injected events queued before its move, as they were."""

    injected = injected or {}
    for turn, move in enumerate(moves):
        for event_id, account in injected.get(turn, []):
            target.inject(event_id, account)
        play(move)
    if not target.over:  # events already queued for the quarter not yet played
        for event_id, account in injected.get(len(moves), []):
            target.inject(event_id, account)
    return target


def _unmet(batch: Batch, o: Outcome, i: int, player: int = 0) -> np.ndarray:
    """Influence-weighted unmet need per stakeholder and dimension of account ``i`` (K, D)
    left by player ``player``."""

    st = batch.static
    pn = personal_needs(st, batch.state)[0, i]  # (K, D)
    served = np.broadcast_to(o.served[0, player, i], pn.shape).copy()
    served[:, RELATIONSHIP] = o.served_relationship[0, player, i]
    return st.influence[i][:, None] * pn * (1.0 - served) * st.mask[i][:, None]


def _successor(sc, seed: int, i: int, before: np.ndarray, after: np.ndarray) -> dict:
    """Who left account ``i`` and who took over (the slot whose generation moved)."""

    j = int(np.argmax(after - before))
    return {"stakeholder": sc.accounts[i].stakeholders[j].id,
            "predecessor": person_name(sc, seed, i, j, int(before[j])),
            "name": person_name(sc, seed, i, j, int(after[j]))}


DRIVER_THRESHOLD = 0.03  # share of the influence-weighted need left unmet worth explaining


def _turn_result(batch: Batch, before: State, kp: dict[str, np.ndarray],
                 player: int = 0) -> dict:
    """The quarter just played by player ``player`` of a batch of one game, in plain data
    with reasons. News and headlines are the shared world's; churn, fill, vetoes, gates,
    unmet needs, revenue, share and stage are the player's own."""

    sc, o, s = batch.scenario, batch.outcomes[-1], batch.state
    turn = s.turn  # 1-based number of the quarter just played
    seed = int(batch.world.seeds[0])
    news = []
    for name, hits in o.events.items():
        for i in np.flatnonzero(hits[0]):
            item = {"type": name, "account": sc.accounts[i].id}
            if name == "stakeholder_change":
                item.update(_successor(sc, seed, i, before.generation[0, i], s.generation[0, i]))
            news.append(item)
    for i in np.flatnonzero(o.late[0]):
        news.append({"type": "late_payment", "account": sc.accounts[i].id})
    for i in np.flatnonzero(o.default[0]):
        news.append({"type": "default", "account": sc.accounts[i].id})
    for i in np.flatnonzero(o.churn[0, player]):
        news.append({"type": "churn", "account": sc.accounts[i].id})
    scripted = [
        {"type": e.type, "account": e.account, "headline": e.headline.model_dump()}
        for e in sc.events
        if e.turn == turn
    ] + [
        {"type": e.type, "account": e.account, "headline": e.headline.model_dump()}
        for e in batch.injected.get(turn - 1, [])
    ]
    accounts = []
    prev_share = before.share[0, :, player]
    effects = _revenue_effects(batch, before, player)
    kept = _short_supply(batch, o)
    for i, acc in enumerate(sc.accounts):
        drivers = []
        if o.default[0, i]:
            drivers.append({"kind": "default"})
        if o.churn[0, player, i]:
            drivers.append({"kind": "churn"})
        if o.fill[0, player, i] < 0.99:
            drivers.append({"kind": "supply_shortfall", "fill": float(o.fill[0, player, i])})
        for name in ("competitor_attack", "stakeholder_change", "service_failure", "complaint"):
            if o.events[name][0, i]:
                drivers.append({"kind": name})
        if o.late[0, i]:
            drivers.append({"kind": "late_payment"})
        # Whether the player has found out who holds the veto or the gate: until then the
        # reason must not name the role (it would point at a hidden person).
        seen = s.role_seen[0, player, i]
        if o.veto[0, player, i]:
            drivers.append({"kind": "veto",
                            "known": bool(seen[batch.static.veto[i]].all())})
        if o.gate[0, player, i]:
            drivers.append({"kind": "technical_gate",
                            "known": bool(seen[batch.static.gate[i]].all())})
        gap = _unmet(batch, o, i, player)  # (K, D)
        j, d = np.unravel_index(np.argmax(gap), gap.shape)
        if gap[j, d] > DRIVER_THRESHOLD and not s.defaulted[0, i]:
            sh = acc.stakeholders[j]
            unmet = {"kind": "unmet_need", "stakeholder": sh.id,
                     "name": person_name(sc, seed, i, int(j), int(s.generation[0, i, j])),
                     "need": NEEDS[d]}
            if s.role_seen[0, player, i, j]:  # a role stays hidden until it is discovered
                unmet["role"] = sh.role
            drivers.append(unmet)
        accounts.append(
            {
                "id": acc.id,
                "revenue": float(o.revenue[0, player, i]),
                "revenue_before": float(before.revenue_last[0, player, i]),
                "share_change": float(s.share[0, i, player] - prev_share[i]),
                "stage": STAGES[int(s.stage[0, player, i])],
                "stage_before": STAGES[int(before.stage[0, player, i])],
                "drivers": drivers,
                "gains": _gains(batch, before, o, i, player, kept),
                "effects": {k: float(v[i]) for k, v in effects.items()},
            }
        )
    return {
        "turn": turn,
        "kpis": {k: _plain(v, player) for k, v in kp.items()},
        "news": news,
        "headlines": scripted,
        "accounts": accounts,
        "revenue_effects": {k: float(v.sum()) for k, v in effects.items()},
        "score": _plain(batch.score()[0], player),
    }


def _revenue_effects(batch: Batch, before: State, player: int) -> dict[str, np.ndarray]:
    """The quarter's revenue change per account split into season, market and the player's
    own part (``attribution.revenue_effects``), from the factors of both quarters."""

    st, s, o = batch.static, batch.state, batch.outcomes[-1]
    quarter = (batch.scenario.start_quarter - 1 + before.turn) % 4
    # The records of the quarter before the game are an average quarter's: no season.
    season0 = st.season[(quarter - 1) % 4] if before.turn > 0 else 1.0
    fill0 = batch.outcomes[-2].fill[0, player] if len(batch.outcomes) > 1 else 1.0
    # Joint promotion's pull-through is the player's own doing: it counts with the share.
    pull0 = batch.outcomes[-2].sell_out[0, player] if len(batch.outcomes) > 1 else 1.0
    factors0 = {"season": season0, "market": before.wallet[0],
                "share": before.share[0, :, player] * pull0, "supply": fill0}
    factors1 = {"season": st.season[quarter], "market": s.wallet[0],
                "share": s.share[0, :, player] * o.sell_out[0, player], "supply": o.fill[0, player]}
    return revenue_effects(before.revenue_last[0, player], o.revenue[0, player], factors0,
                           factors1)


def _short_supply(batch: Batch, o: Outcome) -> bool:
    """Whether supply was short this quarter (a peak with scarce capacity or a shortage)."""

    quarter = (batch.scenario.start_quarter - 1 + batch.state.turn - 1) % 4
    peak = bool(batch.static.peak[quarter]) and batch.scenario.supply.capacity < 1.0
    return peak or bool(o.events["shortage"][0].any())


GAIN_THRESHOLD = 0.03  # share of the influence-weighted need served worth naming


def _gains(batch: Batch, before: State, o: Outcome, i: int, player: int,
           short_supply: bool) -> list[dict]:
    """What went well at account ``i`` this quarter: the best-served need of an influential
    person (named by role only once discovered), a stage moved up, supply kept in a short
    quarter."""

    st, s, sc = batch.static, batch.state, batch.scenario
    if s.churned[0, player, i] or s.defaulted[0, i]:
        return []
    out = []
    rank = {name: (-1 if name == "uncoupling" else k) for k, name in enumerate(STAGES)}
    now, was = int(s.stage[0, player, i]), int(before.stage[0, player, i])
    if rank[STAGES[now]] > rank[STAGES[was]]:
        out.append({"kind": "stage_up"})
    if short_supply and o.fill[0, player, i] >= 0.99 and o.revenue[0, player, i] > 0:
        out.append({"kind": "supply_kept"})
    pn = personal_needs(st, s)[0, i]  # (K, D)
    served = np.broadcast_to(o.served[0, player, i], pn.shape).copy()
    served[:, RELATIONSHIP] = o.served_relationship[0, player, i]
    met = st.influence[i][:, None] * pn * served * (served >= 0.5) * st.mask[i][:, None]
    # Quality is mostly the product's own, and delivery is the player's doing only when
    # supply was short: a need the plan did not serve is no credit to it.
    met[:, QUALITY] = 0.0
    if not short_supply:
        met[:, DELIVERY] = 0.0
    j, d = np.unravel_index(np.argmax(met), met.shape)
    if met[j, d] > GAIN_THRESHOLD:
        sh = sc.accounts[i].stakeholders[j]
        gain = {"kind": "need_met", "stakeholder": sh.id, "need": NEEDS[d],
                "name": person_name(sc, int(batch.world.seeds[0]), i, int(j),
                                    int(s.generation[0, i, j]))}
        if s.role_seen[0, player, i, j]:
            gain["role"] = sh.role
        out.append(gain)
    return out
