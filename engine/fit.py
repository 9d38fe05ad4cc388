"""Fit a plan to the rules: the last step of every built-in strategy.

A strategy says what it wants (days by weight, a survey here, a discount there); this step
trims that to what the scenario allows, using the validator's own limits (``actions``), so
that a strategy makes a valid plan in every scenario ``validate`` accepts: tight budgets,
no capacity, actions not offered, many stakeholders. A plan that is already valid passes
unchanged. Where nothing valid can be made, the game gets the empty plan.

When money is short, what a manager would give up first goes first: promotion and event
money, then portfolio actions, then trials, feedback and surveys (discovery goes last).
Days are cut (in proportion) only when their own cost is more than the budget.
"""

from __future__ import annotations

import numpy as np

from .actions import (
    FLAG_ACTIONS,
    STAKEHOLDER_ACTIONS,
    Actions,
    PlanContext,
    conference_blocked,
    discount_cap,
    validate_actions,
)
from .errors import PlanError
from .scenario import PORTFOLIO_ACTIONS
from .world import Static

#: Flags kept first when money is short (the first in the list are dropped last).
_KEEP_ORDER = ("survey", "feedback", "trial", "info_sharing", "data_analysis", "conference")
#: Overshoot ignored (far inside the validator's 1e-6), so that float noise in a sum never
#: decides whether a plan is trimmed: a game plays the same alone and in a batch.
_SLACK = 1e-8


def fit_to_rules(a: Actions, st: Static, context: PlanContext | None = None) -> Actions:
    """``a`` trimmed to the plan rules (a new Actions; ``a`` is not changed)."""

    sc = st.scenario
    a = Actions(**{k: v.astype(float, copy=True) for k, v in a.arrays().items()})
    for name, arr in a.arrays().items():
        if name == "credit_days":
            bad = ~np.isfinite(arr) | (arr < 0) | (name not in st.allowed)
            arr[bad] = np.nan
        else:
            arr[~np.isfinite(arr) | (arr < 0)] = 0.0
            if name not in st.allowed:
                arr[...] = 0.0
    for name in FLAG_ACTIONS + PORTFOLIO_ACTIONS:
        arr = getattr(a, name)
        arr[...] = arr >= 0.5
    a.conference[conference_blocked(st, context) & (a.conference > 0)] = 0.0
    np.minimum(a.discount, discount_cap(st), out=a.discount)
    np.minimum(a.credit_days, sc.limits.max_credit_days, out=a.credit_days)
    total = a.supply.sum(-1, keepdims=True)
    a.supply[...] = np.where(total > 1, np.floor(a.supply / np.where(total > 1, total, 1) * 1e6)
                             / 1e6, a.supply)

    res, costs = sc.resources, sc.costs
    for name in STAKEHOLDER_ACTIONS:
        days = getattr(a, name)
        days[..., ~st.mask] = 0.0
        _cap_days(days, getattr(res, name), axes=(-1, -2))
    both = a.support_days + a.training_days
    scale = _scale_to(both.sum(-1), res.support_days)[..., None]
    a.support_days *= scale
    a.training_days *= scale

    day_money = (costs.am_day * a.am_days.sum((-1, -2)) + costs.exec_day * a.exec_days.sum((-1, -2))
                 + (costs.support_day * a.support_days + costs.training_day * a.training_days).sum(-1))
    scale = _scale_to(day_money, res.budget)
    for name in ("support_days", "training_days"):
        getattr(a, name)[...] *= scale[..., None]
    for name in STAKEHOLDER_ACTIONS:
        getattr(a, name)[...] *= scale[..., None, None]
    for name in STAKEHOLDER_ACTIONS:
        _concentrate(getattr(a, name), sc.limits.min_contact_days)
    room = res.budget - day_money * scale
    for name in _KEEP_ORDER:
        flag, cost = getattr(a, name), getattr(costs, name)
        if flag.ndim == room.ndim:  # portfolio-wide
            keep = flag * cost <= room
        else:  # per account: keep the first accounts while the money lasts
            keep = np.cumsum(flag * cost, -1) <= room[..., None]
        flag *= keep
        room = room - (flag * cost if flag.ndim == room.ndim else (flag * cost).sum(-1))
    money = (a.promotion + a.event_support).sum(-1)
    scale = _scale_to(money, np.maximum(room, 0.0))[..., None]
    a.promotion *= scale
    a.event_support *= scale
    _empty_where_invalid(a, st, context)
    return a


def _scale_to(used: np.ndarray, limit: float | np.ndarray) -> np.ndarray:
    """Factor (≤ 1) that brings ``used`` within ``limit``; 1 where it already is."""

    over = used > np.asarray(limit) + _SLACK
    return np.where(over, np.asarray(limit) / np.where(over, used, 1.0), 1.0)


def _cap_days(days: np.ndarray, capacity: float, axes: tuple[int, ...]) -> None:
    """Scale days down to the capacity where a plan uses more (in place)."""

    days *= np.expand_dims(_scale_to(days.sum(axes), capacity), axes)


def _concentrate(days: np.ndarray, minimum: float) -> None:
    """Give every person contacted at least ``minimum`` days, keeping each plan's total (in
    place): the people with the fewest days are dropped and their days shared among the
    rest in proportion to what they had. Days (B, P, N, K)."""

    if minimum <= 0:
        return
    token = ((days > 0) & (days < minimum)).any(axis=(-1, -2))  # (B, P) plans to change
    if not token.any():
        return
    shape = days.shape
    flat = days[token].reshape(int(token.sum()), 1, -1)
    order = np.argsort(-flat, -1, kind="stable")
    ranked = np.take_along_axis(flat, order, -1)
    running = np.cumsum(ranked, -1)  # sequential sums: a game alone and in a batch agree
    total = running[..., -1:]
    # Keeping the top m people, the m-th gets total·d_m/running_m: falls as m grows.
    share = total * ranked / np.where(running > 0, running, 1.0)
    kept = (share >= minimum - 1e-10) & (ranked > 0)  # the validator allows 1e-9
    m = kept.sum(-1, keepdims=True)
    base = np.take_along_axis(running, np.maximum(m - 1, 0), -1)
    new = np.where(kept, ranked * total / np.where(base > 0, base, 1.0), 0.0)
    out = np.empty_like(new)
    np.put_along_axis(out, order, new, -1)
    days[token] = out.reshape((-1,) + shape[2:])


def _empty_where_invalid(a: Actions, st: Static, context: PlanContext | None) -> None:
    """The last guard: a game whose plan still breaks a rule plays the empty plan."""

    try:
        validate_actions(a, st, context)
        return
    except PlanError:
        pass
    b, p = a.conference.shape
    blank = Actions.zeros(1, 1, st.n, st.k)
    for i in range(b):
        for j in range(p):
            one = Actions(**{k: v[i : i + 1, j : j + 1] for k, v in a.arrays().items()})
            sub = None if context is None else PlanContext(
                context.turn, np.asarray(context.last_conference)[i : i + 1, j : j + 1])
            try:
                validate_actions(one, st, sub)
            except PlanError:
                for k, v in a.arrays().items():
                    v[i, j] = blank.arrays()[k][0, 0]
