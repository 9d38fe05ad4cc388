"""Plans: the player's decisions for one quarter.

A *plan* is plain JSON-serialisable data (what the UI, saves and the workshop exchange)::

    {"accounts": {"A01": {"am_days": {"S1": 3, "S2": 1}, "exec_days": {"S1": 1},
                          "support_days": 2, "training_days": 1, "promotion": 20000,
                          "event_support": 0, "trial": false, "survey": true,
                          "feedback": false, "discount": 0.03, "credit_days": 30,
                          "supply": 0.2}},
     "portfolio": {"conference": false, "data_analysis": true, "info_sharing": false}}

Anything omitted is zero / off, except ``credit_days``, which keeps the account's current
terms. Besides budgets and capacities the plan rules are: a person contacted gets at least
``limits.min_contact_days``, a discount stays within ``limits.max_discount`` and the
account's margin, and a conference waits ``limits.conference_interval`` quarters after the
last one (``PlanContext`` carries that history). ``Actions`` is the same decisions as arrays over a batch of games (B) and players
(P); policies produce it directly so that batches never loop in Python per game.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from .errors import PlanError
from .messages import Msg
from .scenario import ACCOUNT_ACTIONS, PORTFOLIO_ACTIONS, hint
from .world import Static

STAKEHOLDER_ACTIONS = ("am_days", "exec_days")
FLAG_ACTIONS = ("trial", "survey", "feedback")


@dataclass
class Actions:
    """Decisions as arrays: (B, P, N, K) per stakeholder, (B, P, N) per account, (B, P)."""

    am_days: np.ndarray
    exec_days: np.ndarray
    support_days: np.ndarray
    training_days: np.ndarray
    promotion: np.ndarray
    event_support: np.ndarray
    trial: np.ndarray
    survey: np.ndarray
    feedback: np.ndarray
    discount: np.ndarray
    credit_days: np.ndarray  # NaN = keep current terms
    supply: np.ndarray
    conference: np.ndarray
    data_analysis: np.ndarray
    info_sharing: np.ndarray

    @classmethod
    def zeros(cls, b: int, p: int, n: int, k: int) -> Actions:
        acc = {name: np.zeros((b, p, n)) for name in ACCOUNT_ACTIONS}
        acc.update({name: np.zeros((b, p, n, k)) for name in STAKEHOLDER_ACTIONS})
        acc["credit_days"] = np.full((b, p, n), np.nan)
        acc.update({name: np.zeros((b, p)) for name in PORTFOLIO_ACTIONS})
        return cls(**acc)

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def stack_players(cls, per_player: list[Actions]) -> Actions:
        """Join each player's (B, 1, ...) actions into one (B, P, ...) set (shared markets)."""

        names = per_player[0].arrays()
        return cls(**{k: np.concatenate([a.arrays()[k] for a in per_player], axis=1)
                      for k in names})

    def take(self, index) -> Actions:
        """The actions of a subset of games (index along the batch axis)."""

        return Actions(**{k: v[index] for k, v in self.arrays().items()})


def money_spent(a: Actions, st: Static) -> np.ndarray:
    """Money each plan spends (B, P); discounts cost margin, not budget."""

    c = st.scenario.costs
    return (
        c.am_day * a.am_days.sum(axis=(-1, -2))
        + c.exec_day * a.exec_days.sum(axis=(-1, -2))
        + (c.support_day * a.support_days + c.training_day * a.training_days).sum(-1)
        + (a.promotion + a.event_support).sum(-1)
        + (c.trial * a.trial + c.survey * a.survey + c.feedback * a.feedback).sum(-1)
        + c.conference * a.conference
        + c.data_analysis * a.data_analysis
        + c.info_sharing * a.info_sharing
    )


def resource_use(a: Actions, st: Static) -> dict[str, np.ndarray]:
    """What the plans use of each quarterly resource, (B, P) each."""

    return {
        "am_days": a.am_days.sum(axis=(-1, -2)),
        "exec_days": a.exec_days.sum(axis=(-1, -2)),
        "support_days": (a.support_days + a.training_days).sum(-1),
        "budget": money_spent(a, st),
    }


@dataclass(frozen=True)
class PlanContext:
    """What the plan rules need to know of the game so far: the quarters played and, per game
    and player (B, P), the quarter (0-based) of the last conference, -1 if none."""

    turn: int
    last_conference: np.ndarray

    @classmethod
    def from_plans(cls, plans: Sequence[object]) -> PlanContext:
        """The context after one player's ``plans`` (plain data, one per quarter played)."""

        held = [t for t, plan in enumerate(plans)
                if isinstance(plan, dict) and isinstance(plan.get("portfolio"), dict)
                and plan["portfolio"].get("conference") is True]
        return cls(len(plans), np.array([[held[-1] if held else -1]]))


def discount_cap(st: Static) -> np.ndarray:
    """The deepest discount each account may get (N,): the scenario's cap, and never more
    than the account's margin (beyond it every sale is a loss)."""

    return np.minimum(st.scenario.limits.max_discount, st.margin)


def conference_blocked(st: Static, context: PlanContext | None) -> np.ndarray | bool:
    """(B, P) True where a conference now would come too soon after the last one."""

    if context is None:
        return False
    last = np.asarray(context.last_conference)
    return (last >= 0) & (context.turn - last < st.scenario.limits.conference_interval)


def token_contact(days: np.ndarray, st: Static) -> np.ndarray:
    """True where a person gets some days, but fewer than the minimum that counts as contact."""

    return (days > 0) & (days < st.scenario.limits.min_contact_days - 1e-9)


def _first(where: np.ndarray) -> tuple[int, ...]:
    return tuple(int(x) for x in np.argwhere(where)[0])


def validate_actions(a: Actions, st: Static, context: PlanContext | None = None) -> None:
    """Raise PlanError naming the first problem. ``context`` is the game so far (for the
    conference interval); without it that one rule is not checked."""

    sc = st.scenario
    for name, arr in a.arrays().items():
        values = arr if name != "credit_days" else arr[~np.isnan(arr)]
        if not np.all(np.isfinite(values)):
            raise PlanError(Msg("plan.not_finite", name=name))
        if np.any(values < 0):
            raise PlanError(Msg("plan.negative", name=name))
        if name not in st.allowed and np.any(values > 0):
            raise PlanError(Msg("plan.not_allowed", name=name, scenario=repr(sc.id)))
    for name in STAKEHOLDER_ACTIONS:
        if np.any(getattr(a, name)[..., ~st.mask] > 0):
            raise PlanError(Msg("plan.empty_slot", name=name))
    for name in FLAG_ACTIONS + PORTFOLIO_ACTIONS:
        arr = getattr(a, name)
        if np.any((arr != 0) & (arr != 1)):
            raise PlanError(Msg("plan.on_off", name=name))
    if np.any(a.discount > sc.limits.max_discount + 1e-12):
        raise PlanError(Msg("plan.max_discount", limit=f"{sc.limits.max_discount:.0%}"))
    above = a.discount > st.margin + 1e-12
    if np.any(above):
        i = _first(above)[-1]
        acc = sc.accounts[i]
        raise PlanError(Msg("plan.discount_over_margin", account=acc.id,
                            discount=f"{float(a.discount[above][0]):.1%}",
                            margin=f"{acc.margin:.1%}"))
    for name in STAKEHOLDER_ACTIONS:
        token = token_contact(getattr(a, name), st)
        if np.any(token):
            *_, i, j = _first(token)
            acc = sc.accounts[i]
            raise PlanError(Msg("plan.token_contact",
                                where=f"{acc.id}.{name}.{acc.stakeholders[j].id}",
                                days=f"{float(getattr(a, name)[token][0]):g}",
                                minimum=f"{sc.limits.min_contact_days:g}"))
    if np.any(conference_blocked(st, context) & (a.conference > 0)):
        gap = sc.limits.conference_interval
        last = int(np.asarray(context.last_conference).max()) + 1
        raise PlanError(Msg("plan.conference_interval", last=last, gap=gap, next=last + gap))
    terms = a.credit_days[~np.isnan(a.credit_days)]
    if np.any(terms > sc.limits.max_credit_days):
        raise PlanError(Msg("plan.max_credit_days", limit=sc.limits.max_credit_days))
    if np.any(a.supply.sum(-1) > 1 + 1e-9):
        raise PlanError(Msg("plan.supply_over"))
    limits = sc.resources.model_dump()
    for resource, used in resource_use(a, st).items():
        over = used - limits[resource]
        if np.any(over > 1e-6):
            worst = float(used.max())
            raise PlanError(Msg("plan.over_budget", resource=resource, used=f"{worst:,.2f}",
                                available=f"{limits[resource]:,.2f}"))


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError(Msg("plan.not_a_number", where=where, value=repr(value)))
    if isinstance(value, int) and abs(value) > 10**15:  # beyond any budget; float() may fail
        raise PlanError(Msg("plan.huge_number", where=where, digits=len(str(abs(value)))))
    if not math.isfinite(value):
        raise PlanError(Msg("plan.not_finite_number", where=where, value=repr(value)))
    if value < 0:
        raise PlanError(Msg("plan.negative_number", where=where, value=repr(value)))
    return float(value)


def _flag(value: object, where: str) -> float:
    if not isinstance(value, bool):
        raise PlanError(Msg("plan.not_a_flag", where=where, value=repr(value)))
    return float(value)


def compile_plan(plan: object, st: Static, context: PlanContext | None = None) -> Actions:
    """Turn one player's plan (plain data) into validated Actions of shape (1, 1, ...);
    ``context`` is the game so far (see ``validate_actions``)."""

    actions = parse_plan(plan, st)
    validate_actions(actions, st, context)
    return actions


def parse_plan(plan: object, st: Static) -> Actions:
    """Read a plan's structure (ids, types, signs) without checking budgets and capacities,
    so that a UI can show what a draft would use before it is valid."""

    sc = st.scenario
    if not isinstance(plan, dict):
        raise PlanError(Msg("plan.not_a_mapping", kind=type(plan).__name__))
    unknown = set(plan) - {"accounts", "portfolio"}
    if unknown:
        key = sorted(unknown)[0]
        raise PlanError(Msg("plan.unknown_section", key=repr(key),
                                hint=hint(key, ["accounts", "portfolio"])))
    a = Actions.zeros(1, 1, st.n, st.k)
    accounts = plan.get("accounts", {})
    if not isinstance(accounts, dict):
        raise PlanError(Msg("plan.accounts_mapping"))
    ids = [acc.id for acc in sc.accounts]
    for acc_id, acts in accounts.items():
        if acc_id not in ids:
            raise PlanError(Msg("plan.unknown_account", account=repr(acc_id),
                                hint=hint(str(acc_id), ids)))
        i = ids.index(acc_id)
        if not isinstance(acts, dict):
            raise PlanError(Msg("plan.account_mapping", account=acc_id))
        sh_ids = [sh.id for sh in sc.accounts[i].stakeholders]
        for name, value in acts.items():
            where = f"{acc_id}.{name}"
            if name not in ACCOUNT_ACTIONS:
                raise PlanError(Msg("plan.unknown_action", where=acc_id, action=repr(name),
                                    hint=hint(str(name), ACCOUNT_ACTIONS)))
            if name in STAKEHOLDER_ACTIONS:
                if not isinstance(value, dict):
                    raise PlanError(Msg("plan.stakeholder_mapping", where=where))
                for sh_id, days in value.items():
                    if sh_id not in sh_ids:
                        raise PlanError(Msg("plan.unknown_stakeholder", where=where,
                                            stakeholder=repr(sh_id),
                                            hint=hint(str(sh_id), sh_ids)))
                    getattr(a, name)[0, 0, i, sh_ids.index(sh_id)] = _number(days, f"{where}.{sh_id}")
            elif name in FLAG_ACTIONS:
                getattr(a, name)[0, 0, i] = _flag(value, where)
            else:
                getattr(a, name)[0, 0, i] = _number(value, where)
    portfolio = plan.get("portfolio", {})
    if not isinstance(portfolio, dict):
        raise PlanError(Msg("plan.portfolio_mapping"))
    for name, value in portfolio.items():
        if name not in PORTFOLIO_ACTIONS:
            raise PlanError(Msg("plan.unknown_action", where="portfolio", action=repr(name),
                                hint=hint(str(name), PORTFOLIO_ACTIONS)))
        getattr(a, name)[0, 0] = _flag(value, f"portfolio.{name}")
    return a


def actions_to_plan(a: Actions, st: Static, b: int = 0, p: int = 0) -> dict:
    """The plan (plain data) of game ``b``, player ``p``; the inverse of compile_plan."""

    accounts: dict[str, dict] = {}
    for i, acc in enumerate(st.scenario.accounts):
        acts: dict[str, object] = {}
        for name in STAKEHOLDER_ACTIONS:
            days = {
                sh.id: float(getattr(a, name)[b, p, i, j])
                for j, sh in enumerate(acc.stakeholders)
                if getattr(a, name)[b, p, i, j] > 0
            }
            if days:
                acts[name] = days
        for name in ACCOUNT_ACTIONS:
            if name in STAKEHOLDER_ACTIONS:
                continue
            value = float(getattr(a, name)[b, p, i])
            if name == "credit_days":
                if not math.isnan(value):
                    acts[name] = value
            elif name in FLAG_ACTIONS:
                if value:
                    acts[name] = True
            elif value:
                acts[name] = value
        if acts:
            accounts[acc.id] = acts
    portfolio = {name: True for name in PORTFOLIO_ACTIONS if getattr(a, name)[b, p]}
    return {"accounts": accounts, "portfolio": portfolio}
