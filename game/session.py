"""A solo game in play: the engine's Game, the plan being drafted, and its saves.

Scenes never touch the engine directly for play: they read ``session.game`` and change the
draft through the methods here, so the rules of a draft (what omitting an action means, how
resources are counted) live in one place.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from kam_sandbox.base import i18n
from kam_sandbox.engine import Game, KamError, PlanError, Scenario, check_scenario
from kam_sandbox.engine.actions import parse_plan, resource_use, validate_actions
from kam_sandbox.engine.drafts import carried_forward, empty_plan  # noqa: F401  (scenes, team_session)
from kam_sandbox.engine.messages import render

RESOURCES = ("budget", "am_days", "exec_days", "support_days")
STAKEHOLDER_ACTIONS = ("am_days", "exec_days")
DRAFT_SAVE_DELAY = 0.8  # seconds without an edit before the draft is written to the save


@dataclass
class Session:
    """The game, the draft plan for the coming quarter, and where it is saved."""

    game: Game
    slot: str = "autosave"
    label: str = ""
    scenario_path: str | None = None
    store: object | None = None  # game.saves.SaveStore; None in tests that need no disk
    draft: dict = field(default_factory=lambda: empty_plan())
    last_result: dict | None = None
    save_error: str | None = None
    #: a what-if's origin: the game it branched from (``saves.original_log``), else None
    original: dict | None = None

    reload_problems: list = field(default_factory=list)  # author mode: what is wrong now
    _mtime: int | None = None
    _unsaved: float | None = None  # seconds until the edited draft is saved; None: saved
    _saved_as: tuple | None = None  # what the store holds: leaving a screen saves no twice

    @property
    def scenario(self) -> Scenario:
        return self.game.scenario

    # -- author mode: the scenario file changed on disk -------------------------------------
    def check_reload(self) -> str | None:
        """If the scenario was opened from a file that has changed, reload it and replay the
        decisions so far in the new version. Returns a notice for the player, or None."""

        if not self.scenario_path:
            return None
        try:
            mtime = Path(self.scenario_path).stat().st_mtime_ns
        except OSError:
            return None
        if self._mtime is None or mtime == self._mtime:
            self._mtime = mtime
            return None
        self._mtime = mtime
        scenario, problems = check_scenario(self.scenario_path)
        if scenario is None:
            self.reload_problems = [p.render(i18n.language()) for p in problems]
            return i18n.tr("author.invalid", n=len(problems))
        self.reload_problems = []
        injected = {t: [(e.id, e.account) for e in events]
                    for t, events in self.game.batch.injected.items()}
        try:
            self.game = Game.replay(scenario, self.game.seed, self.game.plans, injected)
            notice = i18n.tr("author.reloaded", turn=self.game.turn)
        except KamError:  # the old decisions no longer fit (an account was removed…)
            self.game = Game(scenario, self.game.seed)
            notice = i18n.tr("author.restarted")
        ids = {a.id for a in scenario.accounts}
        self.draft["accounts"] = {k: v for k, v in self.draft["accounts"].items() if k in ids}
        if self.problem():
            self.clear_draft()
        return notice

    # -- the draft --------------------------------------------------------------------------
    def account_draft(self, account_id: str) -> dict:
        return self.draft["accounts"].setdefault(account_id, {})

    def get(self, account_id: str, action: str, default=0):
        return self.draft["accounts"].get(account_id, {}).get(action, default)

    def set(self, account_id: str, action: str, value) -> None:
        """Set an account action; zero / False removes it from the plan."""

        acts = self.account_draft(account_id)
        if value in (0, 0.0, False, None):
            acts.pop(action, None)
        else:
            acts[action] = value
        if not acts:
            self.draft["accounts"].pop(account_id, None)
        self._edited()

    def get_days(self, account_id: str, action: str, stakeholder: str) -> float:
        return self.get(account_id, action, {}).get(stakeholder, 0)

    def set_days(self, account_id: str, action: str, stakeholder: str, days: float) -> None:
        people = dict(self.get(account_id, action, {}))
        if days > 0:
            people[stakeholder] = days
        else:
            people.pop(stakeholder, None)
        self.set(account_id, action, people or None)

    def get_portfolio(self, action: str) -> bool:
        return bool(self.draft["portfolio"].get(action, False))

    def set_portfolio(self, action: str, on: bool) -> None:
        if on:
            self.draft["portfolio"][action] = True
        else:
            self.draft["portfolio"].pop(action, None)
        self._edited()

    def clear_draft(self) -> None:
        self.draft = empty_plan()
        self._edited()

    def _edited(self) -> None:
        self._unsaved = DRAFT_SAVE_DELAY  # each edit restarts the pause before the save

    def keep_draft(self, dt: float) -> None:
        """Called every frame with the time passed: once edits have paused for
        ``DRAFT_SAVE_DELAY`` seconds the draft is saved with the game, so a crash or a kill
        mid-plan loses at most the last moment's clicks (debounced: a 16-account plan is
        clicked in quickly, and each save rewrites the slot)."""

        if self._unsaved is None:
            return
        self._unsaved -= dt
        if self._unsaved <= 1e-9:
            self.autosave()

    def usage(self) -> dict[str, tuple[float, float]]:
        """(used, available) of each quarterly resource under the current draft."""

        st = self.game.batch.static
        available = self.scenario.resources.model_dump()
        try:
            used = resource_use(parse_plan(self.draft, st), st)
        except PlanError:
            return {r: (0.0, available[r]) for r in RESOURCES}
        return {r: (float(used[r].reshape(-1)[0]), available[r]) for r in RESOURCES}

    def problem(self) -> str | None:
        """Why the draft cannot be played, in the player's language, or None."""

        st = self.game.batch.static
        try:
            validate_actions(parse_plan(self.draft, st), st, self.game.plan_context())
        except PlanError as exc:
            said = exc.args[0]
            resource = getattr(said, "params", {}).get("resource")
            if getattr(said, "code", None) == "plan.over_budget" and resource in RESOURCES:
                used, available = self.usage()[resource]
                return i18n.tr("plan.over", resource=i18n.tr(f"resource_name.{resource}"),
                               used=_short(used), available=_short(available))
            return i18n.tr("plan.invalid", reason=render(said, i18n.language()))
        return None

    # -- playing ------------------------------------------------------------------------------
    def end_quarter(self) -> dict:
        """Play the draft. The next quarter's draft keeps the recurring allocations (days,
        money, terms) but not one-off actions such as a survey or the conference."""

        result = self.game.play(copy.deepcopy(self.draft))
        self.last_result = result
        self.draft = carried_forward(self.draft)
        self._drop_lost_accounts()
        self.autosave()
        return result

    def branch(self, turn: int, label: str) -> Session:
        """A what-if: a new session (its own slot) rewound to the start of quarter ``turn``
        in the same world, with that quarter's original plan as its draft so one thing can
        be changed, and the game it came from kept for the side-by-side debrief."""

        from .saves import original_log

        game = self.game.what_if(turn)
        branch = Session(game=game, slot=f"{self.slot}-whatif", label=label,
                         scenario_path=self.scenario_path, store=self.store,
                         original=original_log(self.game, turn))
        if turn <= len(self.game.plans):
            branch.draft = copy.deepcopy(self.game.plans[turn - 1])
        branch.autosave()
        return branch

    def original_game(self) -> Game | None:
        """The game this what-if branched from, replayed (None if this is no what-if)."""

        from .saves import original_game

        return original_game(self.original, self.scenario, self.game.seed)

    def _drop_lost_accounts(self) -> None:
        view = self.game.view()
        for i, acc in enumerate(self.scenario.accounts):
            if view.lost[0, i]:
                self.draft["accounts"].pop(acc.id, None)

    def autosave(self) -> None:
        """Save the game and the draft: after every quarter, when edits pause
        (``keep_draft``) and on quit; a failure is shown, never fatal."""

        self._unsaved = None  # a failed save is retried at the next edit, not every frame
        if self.store is None:
            return
        from .saves import record_from_game

        state = (id(self.game), len(self.game.plans), json.dumps(self.draft, sort_keys=True),
                 i18n.language(), self.label, self.slot, self.scenario_path)
        if state == self._saved_as and self.save_error is None:
            return  # saved already (the quarter's end saved it; leaving the plan again)
        try:
            record = record_from_game(self.game, i18n.language(), self.label or self.slot,
                                      self.scenario_path, draft=self.draft,
                                      original=self.original)
            self.store.save(self.slot, record)
            self.save_error = None
            self._saved_as = state
        except Exception as exc:  # a full disk must not end the game; the player is told
            self.save_error = str(exc)


def _short(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:g}"
