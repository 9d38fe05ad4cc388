"""A team's what-if from its browser, as the Pygame debrief offers it: once a parallel-world
workshop is over, the team rewinds its game to a quarter, plays on from there with that
quarter's plan filled in (change one thing), and sees the what-if beside its original game.

The browser cannot run the engine, so the host plays the what-if for it: one per team, held
in memory, never part of the workshop's record (a host restart forgets it, as closing the
Pygame what-if's window would). A shared market has no what-if: every team's plans shaped
its world (``debrief.whatif.shared`` says so).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kam_sandbox.base import explain, fmt
from kam_sandbox.base.i18n import tr
from kam_sandbox.engine import Game, KamError, PlanError, Scenario
from kam_sandbox.engine.actions import parse_plan, resource_use
from kam_sandbox.engine.drafts import carried_forward

from ..host import Host
from ..references import compared
from ..secrecy import rebuild_game
from .pages import game_page, problem

MORE_CHANGES = 6  # plan changes listed before "… and n more"


@dataclass
class Branch:
    original: Game  # the team's game as the host played it
    game: Game  # the what-if, rewound to ``start`` and played on
    start: int  # the quarter it starts again from (1-based)
    # a quarter is played and read one at a time (two tabs of one team may ask at once)
    lock: threading.Lock = field(default_factory=threading.Lock)


class TeamWhatIfs:
    """The teams' what-ifs of one host."""

    def __init__(self, host: Host):
        self.host = host
        self._branches: dict[str, Branch] = {}
        self._lock = threading.Lock()

    def start(self, token: str, turn: int) -> dict:
        """Rewind the team's finished game to the start of quarter ``turn`` (replacing its
        earlier what-if); KamError while rounds remain, in a shared market, or for a
        quarter it did not play."""

        state = self.host.team_state(token)
        if state["closed_rounds"] < state["rounds"]:
            raise KamError("a what-if opens once every round is played")
        if state["mode"] == "shared":
            raise KamError("a shared market has no what-if: every team's plans shaped it")
        original = rebuild_game(Scenario.model_validate(self.host.case(token)), state)
        if not 1 <= turn <= len(original.plans):
            raise KamError(f"a what-if starts again from a quarter played: 1 to "
                           f"{len(original.plans)}, not {turn}")
        branch = Branch(original, original.what_if(turn), turn)
        with self._lock:
            self._branches[state["team"]["id"]] = branch
        return {"from": turn, "turn": branch.game.turn}

    def _branch(self, token: str) -> Branch:
        team = self.host.team_state(token)["team"]["id"]
        with self._lock:
            branch = self._branches.get(team)
        if branch is None:
            raise KamError("no what-if yet: start one from the debrief")
        return branch

    def page(self, token: str, lang: str) -> dict:
        """The what-if as a page: the game so far (``pages.game_page``), the plan to start
        the next quarter from, and the original game beside it."""

        branch = self._branch(token)
        with branch.lock:
            return self._page(branch, lang)

    @staticmethod
    def _page(branch: Branch, lang: str) -> dict:
        game, original = branch.game, branch.original
        return {**game_page(game, lang), "draft": next_draft(branch),
                "whatif": {"from": branch.start, "turn": game.turn, "over": game.over,
                           "original": {"compared": compared(original.scorecard(),
                                                             original.kpi_history()),
                                        "scores": [float(r["score"])
                                                   for r in original.results],
                                        "kpis": original.kpi_history()},
                           "compared": compared(game.scorecard(), game.kpi_history()),
                           "lines": against_original(branch, lang) if game.over else []}}

    def check(self, token: str, plan: dict, lang: str) -> dict:
        """The plan judged for the what-if's next quarter, as ``TeamPages.check`` judges
        the workshop's."""

        branch = self._branch(token)
        with branch.lock:
            return self._check(branch.game, plan, lang)

    @staticmethod
    def _check(game: Game, plan: dict, lang: str) -> dict:
        st, available = game.batch.static, game.scenario.resources.model_dump()
        try:
            used = resource_use(parse_plan(plan, st), st)
            usage = {r: [float(used[r].reshape(-1)[0]), float(available[r])] for r in available}
        except PlanError:
            usage = {r: [0.0, float(available[r])] for r in available}
        try:
            game.check(plan)
        except PlanError as exc:
            return {"usage": usage, "ok": False, "problem": problem(exc, usage, lang)}
        return {"usage": usage, "ok": True, "problem": None}

    def play(self, token: str, plan: dict) -> dict:
        """Play the what-if's next quarter with ``plan`` (PlanError: nothing played)."""

        branch = self._branch(token)
        with branch.lock:
            if branch.game.over:
                raise KamError("this what-if is over: start another from the debrief")
            result = branch.game.play(plan)
        return {"turn": result["turn"], "score": float(result["score"]),
                "over": branch.game.over}


def next_draft(branch: Branch) -> dict | None:
    """The plan the next quarter starts from: at the quarter the what-if starts from, the
    plan played then (change one thing); later, the last plan carried forward, as the
    Pygame game drafts (lost accounts dropped). None once the what-if is over."""

    game = branch.game
    if game.over:
        return None
    if game.turn == branch.start - 1:
        return branch.original.plans[game.turn]
    plan = carried_forward(game.plans[-1])
    lost = {a.id for i, a in enumerate(game.scenario.accounts) if game.view().lost[0, i]}
    plan["accounts"] = {k: v for k, v in plan["accounts"].items() if k not in lost}
    return plan


def against_original(branch: Branch, lang: str) -> list[str]:
    """The what-if beside its original in sentences (as the Pygame debrief says it): the
    scores, each quarter's score from the branch on, what was changed in the quarter it
    started from, and how many later quarters were played differently."""

    game, original, turn = branch.game, branch.original, branch.start
    sc = game.scenario
    quarter = fmt.quarter_label(turn, sc.start_quarter, lang)
    mine, theirs = game.scorecard()["score"], original.scorecard()["score"]
    lines = [tr("whatif.result", lang, branch=fmt.score(mine), original=fmt.score(theirs),
                delta=fmt.delta_score(mine - theirs))]
    pairs = [f"{fmt.quarter_label(t, sc.start_quarter, lang)} "
             f"{fmt.score(a['score'])}/{fmt.score(b['score'])}"
             for t, (a, b) in enumerate(zip(game.results, original.results), start=1)
             if t >= turn]
    lines.append(tr("whatif.quarters", lang, quarters=tr("why.list_sep", lang).join(pairs)))
    changes = explain.plan_changes(original.plans[turn - 1], game.plans[turn - 1], sc, lang)
    lines.append(tr("whatif.changed" if changes else "whatif.no_change", lang,
                    quarter=quarter))
    lines += changes[:MORE_CHANGES]
    if len(changes) > MORE_CHANGES:
        lines.append(tr("whatif.more", lang, n=len(changes) - MORE_CHANGES))
    later = list(zip(game.plans[turn:], original.plans[turn:]))
    if later:
        lines.append(tr("whatif.later", lang, n=sum(a != b for a, b in later),
                        total=len(later)))
    return lines


__all__ = ["Branch", "TeamWhatIfs", "against_original", "next_draft"]
