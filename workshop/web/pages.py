"""What a team's browser shows, built on the host from what the team may know.

The browser cannot run the engine, so the host reads the team's game for it: the same
snapshot (``Session.team_state``'s ``seat``) and public case the Pygame client rebuilds its
game from (``workshop.secrecy.rebuild_game``), turned into plain data. Text the engine's
results become (news, reasons, lessons) is written here in the team's language by
``base.explain``, exactly as the Pygame screens write it; numbers the browser recomputes
while the team edits stay numbers.

A page is in two parts: ``TeamPages.page`` (the game so far: changes only when a round
closes, so it is cached per team, round and language) and ``live`` (round, timer, draft,
headlines: small, read on every poll). Once the game is over the debrief's reference
strategies come apart (``references``: played once per session in the background, read
by the browser until they are ready).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from kam_sandbox.base import explain, fmt
from kam_sandbox.base.i18n import pick, tr
from kam_sandbox.engine import KamError, PlanError, Scenario
from kam_sandbox.engine.attribution import score_points
from kam_sandbox.engine.drafts import carried_forward, empty_plan
from kam_sandbox.engine.kpis import grade_band
from kam_sandbox.engine.levers import NEED_ACTIONS

from ..host import Host
from ..references import SessionReferences, compared
from ..secrecy import rebuild_game

CACHED_PAGES = 64  # teams × languages a host keeps built (a page is a few tens of kB)
LIVE_KEYS = ("round", "rounds", "state", "finished", "closed_rounds", "timer", "submitted",
             "mode")


def live(state: dict) -> dict:
    """What a poll reads (``Session.team_live``, or the same keys of a ``team_state``):
    the round, the timer, whether the team's plan is in, the headlines; ``page`` says when
    the page must be read again."""

    subs = [s for s in state.get("submissions", []) if s.get("round") == state["round"]]
    submission = state.get("submission", subs[-1] if subs else None)
    return {**{k: state.get(k) for k in LIVE_KEYS},
            "page": page_key(state),
            "team": state["team"], "rejoin_secret": state.get("rejoin_secret"),
            "submission": submission if state.get("submitted") else None,
            "headlines": state.get("headlines", [])}


def page_key(state: dict) -> str:
    """Changes exactly when the game a team sees changes: a round closed, or the game ended."""

    return f"{state['session']}:{state['closed_rounds']}:{int(bool(state['finished']))}"


def start_draft(state: dict, view: dict) -> dict:
    """The plan a team's page starts from, as the Pygame client starts it: the host's
    draft for the open round, else the last plan's recurring allocations (lost accounts
    dropped), else an empty plan."""

    current = state["round"] > state["closed_rounds"] and not state["finished"]
    if state.get("draft") and current:
        return state["draft"]
    if not state.get("plans"):
        return empty_plan()
    plan = carried_forward(state["plans"][-1])
    lost = {a["id"] for a in view["accounts"] if a["lost"]}
    plan["accounts"] = {k: v for k, v in plan["accounts"].items() if k not in lost}
    return plan


class TeamPages:
    """Builds and caches the teams' pages of one host."""

    def __init__(self, host: Host):
        self.host = host
        self._cache: OrderedDict[tuple, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.references = SessionReferences(host)

    def page(self, token: str, lang: str) -> dict:
        state = self.host.team_state(token)
        key = (state["team"]["id"], page_key(state), lang)
        with self._lock:
            built = self._cache.get(key)
            if built is not None:
                self._cache.move_to_end(key)
        if built is None:
            built = self._build(state, self.host.case(token), lang)
            with self._lock:
                self._cache[key] = built
                while len(self._cache) > CACHED_PAGES:
                    self._cache.popitem(last=False)
        if built["debrief"] is not None:  # the debrief will ask for them: begin now
            self.references.start(token)
        return {**built, "live": live(state), "draft": start_draft(state, built["view"])}

    def check(self, token: str, plan: dict, lang: str) -> dict:
        """The plan as the host would judge a submission: resources used and left, and the
        reason it would be refused (in ``lang``), or None."""

        checked = self.host.check_plan(token, plan)
        error = checked["error"]
        return {"usage": checked["usage"], "ok": error is None,
                "problem": None if error is None else problem(error, checked["usage"], lang)}

    def _build(self, state: dict, case_data: dict, lang: str) -> dict:
        game = rebuild_game(Scenario.model_validate(case_data), state)
        filled = {s["round"]: s.get("filled_by") for s in state.get("submissions", [])}
        return {"page": page_key(state), **game_page(game, lang, filled)}


def game_page(game: Any, lang: str, filled: dict[int, str | None] | None = None) -> dict:
    """A game as a page shows it (a team's, or its what-if): the case, the view, every
    played quarter in words (``filled``: by turn, the policy that stood in for the team),
    the KPIs, the scorecard and, once over, the debrief."""

    sc = game.scenario
    view = game.view().to_dict()
    for acc in view["accounts"]:
        for person in acc["stakeholders"]:
            person["label"] = explain.person_label(person, lang)
    results = [quarter(r, sc, lang, (filled or {}).get(r["turn"])) for r in game.results]
    return {"lang": lang, "case": case_info(sc, lang), "view": view, "results": results,
            "kpis": game.kpi_history(), "scorecard": scorecard(game.scorecard(), sc, lang),
            "debrief": debrief(game, lang)}


def case_info(sc: Scenario, lang: str) -> dict:
    """What the planning page needs of the case: names in ``lang``, the actions allowed,
    their costs and limits, the roles."""

    return {"id": sc.id, "title": pick(sc.title, lang), "turns": sc.turns,
            "start_quarter": sc.start_quarter, "currency": sc.currency,
            "resources": sc.resources.model_dump(), "actions": list(sc.actions),
            "costs": sc.costs.model_dump(), "limits": sc.limits.model_dump(),
            "levers": {need: [a for a in actions if a in sc.actions]
                       for need, actions in NEED_ACTIONS.items()},
            "roles": {r.id: {"name": pick(r.name, lang), "exec_affinity": r.exec_affinity}
                      for r in sc.roles},
            "accounts": {a.id: {"name": pick(a.name, lang), "industry": pick(a.industry, lang),
                                "region": pick(a.region, lang),
                                "history": pick(a.history, lang),
                                "titles": {s.id: pick(s.title, lang) for s in a.stakeholders}}
                         for a in sc.accounts}}


def quarter(result: dict, sc: Scenario, lang: str, filled_by: str | None) -> dict:
    """One played quarter for the results page, in words as the Pygame results screen
    has it: its news, why revenue moved (season and market apart from the team's own
    part, what worked and what did not) and the accounts that moved most, each with its
    split and what went well (``gains``) and badly (``why``)."""

    movers = []
    for acc in explain.big_changes(result, top=5):
        mover = {"id": acc["id"], "name": explain.account_name(sc, acc["id"], lang),
                 "summary": explain.change_summary(acc, sc, lang), "split": None,
                 "gains": explain.gain_sentences(acc, sc, lang),
                 "why": explain.driver_sentences(acc, sc, lang)}
        if "effects" in acc:
            world, own = explain.effect_split(acc["effects"])
            mover["split"] = tr("why.split", lang, world=fmt.delta_money(world, lang, sc.currency),
                                own=fmt.delta_money(own, lang, sc.currency))
        movers.append(mover)
    return {"turn": result["turn"], "score": float(result["score"]), "filled_by": filled_by,
            "news": explain.news_items(result, sc, lang), "why": explain.revenue_why(result, sc, lang),
            "movers": movers}


def scorecard(card: dict, sc: Scenario, lang: str) -> dict:
    """The grade and each item in words, as the Pygame debrief's overview has them: value
    against target, the points won of the points it is worth, and (once the game is over)
    the luck of the draw."""

    score = float(card["score"])
    points = {p["metric"]: p for p in score_points(card)}
    return {"score": score, "band": grade_band(score),
            "luck": None if card.get("luck") is None else explain.luck_text(card["luck"], lang),
            "items": [{**it, "name": explain.metric_name(it["metric"], lang),
                       "value_text": explain.format_metric(it["metric"], it["value"], lang,
                                                           sc.currency),
                       "target_text": explain.format_metric(it["metric"], it["target"], lang,
                                                            sc.currency),
                       "points_text": tr("why.points_won", lang,
                                         won=fmt.number(points[it["metric"]]["won"], lang, 1),
                                         worth=fmt.number(points[it["metric"]]["worth"], lang,
                                                          0))}
                      for it in card["items"]]}


def behind(metric: str, lessons: list[dict], lang: str) -> str:
    """"Behind it: Focus (well done); …": the lessons whose decisions drive ``metric``,
    with this game's verdicts ("" when none was judged)."""

    verdicts = {r["lesson"]: r for r in lessons}
    parts = [tr("why.lesson_verdict", lang, lesson=verdicts[name]["title"],
                verdict=tr(f"debrief.verdict.{verdicts[name]['verdict']}", lang))
             for name in explain.lessons_behind(metric) if name in verdicts]
    return tr("why.behind", lang, lessons=tr("why.list_sep", lang).join(parts)) if parts else ""


def debrief(game: Any, lang: str) -> dict | None:
    """The debrief sections a team sees once its game is over: the lessons judged on its
    own decisions, the hidden truth, and its figures for the comparison with the reference
    strategies (the grade and charts are on every page)."""

    if not game.over:
        return None
    try:
        lessons = explain.lesson_report(game, lang)
    except KamError:  # a shared market's seat cannot replay alone
        lessons = []
    try:
        truth = game.debrief()
    except KamError:
        truth = None
    truths = ([hidden_truth(game, truth, i, lang) for i in range(len(game.scenario.accounts))]
              if truth else [])
    # Beside the reference strategies: the team's whole-game figures, the world they were
    # played in (the seed may be told once the game is over; as text, since a browser's
    # numbers lose digits beyond 2**53), and whether the team shared its market (the
    # references then played it alone).
    return {"lessons": lessons, "truths": truths, "seed": str(game.seed),
            "behind": {it["metric"]: behind(it["metric"], lessons, lang)
                       for it in game.scorecard()["items"]},
            "shared": not getattr(game, "rewindable", True),
            "compared": compared(game.scorecard(), game.kpi_history())}


def hidden_truth(game: Any, whole: dict, i: int, lang: str) -> dict:
    """Account ``i``'s hidden truth (``whole``: ``Game.debrief``) beside what the team knew,
    as the Pygame debrief shows it: its status, real needs against the last reading, its people's real role, influence,
    stance and trust against what the team saw (text in ``lang``)."""

    sc = game.scenario
    acc, hidden = sc.accounts[i], whole["accounts"][i]
    truth = explain.hidden_truth(game, acc.id, whole)
    status = tr("debrief.truth.status", lang, wallet=fmt.money(hidden["wallet"], lang,
                                                                sc.currency),
                share=fmt.percent(hidden["share"]), pd=fmt.percent(hidden["default_risk"], 1))
    if truth["defaulted"]:
        status += " · " + tr("debrief.truth.lost_default", lang)
    elif truth["churned"]:
        status += " · " + tr("debrief.truth.lost_churn", lang)
    measured = truth["measured"]
    unknown = tr("debrief.truth.unknown", lang)

    def seen_stance(person: dict) -> str:
        if person["seen_stance"] is None:
            return unknown
        return f"{person['seen_stance']:+.2f} ({fmt.quarter_label(person['seen_turn'], sc.start_quarter, lang)})"

    return {
        "name": pick(acc.name, lang), "status": status,
        "measured": (tr("debrief.truth.measured", lang, quarter=fmt.quarter_label(
            truth["measured_turn"], sc.start_quarter, lang)) if measured else
            tr("debrief.truth.never", lang)),
        "needs": [[explain.need_name(d, lang), fmt.percent(truth["needs"][d]),
                   fmt.percent(measured[d]) if measured else unknown] for d in truth["needs"]],
        "people": [[explain.person_label(p, lang), explain.role_name(sc, p["role"], lang),
                    explain.role_name(sc, p["seen_role"], lang) if p["seen_role"] else unknown,
                    fmt.percent(p["influence"]), f"{p['stance']:+.2f}", seen_stance(p),
                    fmt.percent(p["trust"])] for p in truth["stakeholders"]],
    }


def problem(error: PlanError, usage: dict, lang: str) -> dict:
    """Why a plan is refused: over a resource (which, used, available), or the engine's
    reason, in ``lang`` where the message has a translation."""

    said = error.args[0] if error.args else str(error)
    text = said.render(lang) if hasattr(said, "render") else str(said)
    resource = getattr(said, "params", {}).get("resource") or str(said).split(":", 1)[0]
    if resource in usage:
        used, available = usage[resource]
        return {"resource": resource, "used": used, "available": available, "reason": text}
    return {"resource": None, "reason": text}


__all__ = ["TeamPages", "game_page", "live", "page_key", "start_draft"]
