"""Reference strategies: plain functions of the player's view that return Actions.

Each works on a whole batch at once (arrays over B games), so balance runs never loop in
Python per game. They are the yardsticks of DESIGN §2's lessons and the bots of demo mode
and workshops. An author's own policy has the same signature::

    def my_policy(view: View) -> Actions | dict | list[dict]

(returning a plan dict is fine for a single game, a list of them for a batch).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .actions import Actions, PlanContext, compile_plan
from .fit import fit_to_rules
from .scenario import NEEDS, Scenario, hint
from .view import View
from .world import compile_scenario

Policy = Callable[[View], object]


def within_rules(strategy: Callable[..., Actions]) -> Callable[..., Actions]:
    """A built-in strategy whose plans are fitted to the plan rules (``fit.fit_to_rules``):
    valid in every scenario ``validate`` accepts, also when an author's policy calls it."""

    @functools.wraps(strategy)
    def play(view: View, **params) -> Actions:
        context = PlanContext(view.turn, view.last_conference[:, None])
        return fit_to_rules(strategy(view, **params), _compiled(view.scenario), context)

    return play


#: The last scenarios compiled for fitting, by identity (a scenario is immutable): a batch
#: asks every quarter, and compiling costs as much as a quarter of a small batch.
_COMPILED: dict[int, tuple[Scenario, object]] = {}


def _compiled(scenario: Scenario):
    hit = _COMPILED.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        if len(_COMPILED) >= 8:
            _COMPILED.pop(next(iter(_COMPILED)))
        hit = _COMPILED[id(scenario)] = (scenario, compile_scenario(scenario))
    return hit[1]

PRICE, SUPPORT, INNOVATION, TRAINING, PROMOTION, RELATIONSHIP = (
    NEEDS.index(n)
    for n in ("price", "support", "innovation", "training", "promotion", "relationship")
)


def _blank(view: View) -> Actions:
    n, k = view.mask.shape
    return Actions.zeros(view.batch, 1, n, k)


def _allowed(view: View, name: str) -> bool:
    return name in view.scenario.actions


def _active(view: View) -> np.ndarray:
    return (~view.lost).astype(float)


def _value(view: View) -> np.ndarray:
    """What each account is worth to us, as far as the player knows: its revenue over the
    last year (four quarters, so that neither the season nor a rationed peak quarter
    reweighs the portfolio)."""

    return view.revenue[..., -4:].mean(-1) * _active(view)


def _spread(total: float, weights: np.ndarray, axis=None) -> np.ndarray:
    """Split ``total`` in proportion to non-negative weights (per game along the last axes)."""

    axes = tuple(range(1, weights.ndim)) if axis is None else axis
    s = weights.sum(axis=axes, keepdims=True)
    return total * np.where(s > 0, weights / np.where(s > 0, s, 1.0), 0.0)


def _contact_days(view: View, total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` days shared over people (B, N, K) by weight, in quarter days, leaving out
    whoever would get less than ``limits.min_contact_days`` (a token touch is no contact):
    their days go to the others. Dropping the small shares raises every other share, so one
    pass leaves no one under the minimum and the plan needs no pooling afterwards."""

    minimum = view.scenario.limits.min_contact_days
    days = np.floor(_spread(total, weights) * 4) / 4
    if minimum > 0:
        days = np.floor(_spread(total, np.where(days >= minimum, weights, 0.0)) * 4) / 4
    return days


def _role_is(view: View, role_id: str) -> np.ndarray:
    ids = [r.id for r in view.scenario.roles]
    if role_id not in ids:
        return np.zeros(view.role.shape, bool)
    return view.role == ids.index(role_id)


def _relative_need(acct: np.ndarray, need: np.ndarray, power: float) -> np.ndarray:
    """Each account's read need (B, N) against the value-weighted mean need of the
    portfolio, ** ``power``: 1 for an average account; 0 (a pool that ignores the needs)
    gives every account 1."""

    share = acct / np.maximum(acct.sum(-1, keepdims=True), 1e-12)
    mean = (share * need).sum(-1, keepdims=True)
    return (need / np.maximum(mean, 1e-12)) ** power


def _allocate(view: View, acct_weight: np.ndarray, stake_weight: np.ndarray,
              dims: np.ndarray | None = None, promo_share: float | np.ndarray = 0.5,
              flags_cost: np.ndarray | None = None, need_focus: float = 0.0) -> Actions:
    """Shared allocation: account-manager days by account × stakeholder weights, support and
    training days and promotion money by account weight; ``promo_share`` (a number, or one
    per game) of the money left goes to promotion.

    Needs-led (``dims``: the needs as read, (B, N, D)): each pool goes where the need it
    serves is greatest — an account's share of a pool is scaled by its need for it against
    the portfolio's mean (``_relative_need`` ** ``need_focus``): relationship for the
    account managers' days, support and training for the service days, promotion for the
    money. The offer then takes the shape of each account's needs (the model's need fit),
    and a stale reading misplaces all three."""

    res, costs = view.scenario.resources, view.scenario.costs
    a = _blank(view)
    acct = acct_weight * _active(view)
    if dims is None:
        dims = np.full(acct.shape + (len(NEEDS),), 1.0 / len(NEEDS))

    def led(need: int) -> np.ndarray:
        return acct * _relative_need(acct, dims[..., need], need_focus)

    if _allowed(view, "am_days"):
        sw = stake_weight * view.mask[None] * led(RELATIONSHIP)[..., None]
        a.am_days[:, 0] = _contact_days(view, res.am_days, sw)
    sup_w = led(SUPPORT) * _allowed(view, "support_days")
    tra_w = led(TRAINING) * _allowed(view, "training_days")
    both = sup_w + tra_w
    days = _spread(res.support_days, both)
    a.support_days[:, 0] = days * np.where(both > 0, sup_w / np.where(both > 0, both, 1), 0)
    a.training_days[:, 0] = days - a.support_days[:, 0]
    # Round days down to quarter-days so that money never overshoots through float error.
    a.support_days[:, 0] = np.floor(a.support_days[:, 0] * 4) / 4
    a.training_days[:, 0] = np.floor(a.training_days[:, 0] * 4) / 4
    day_money = (costs.support_day * a.support_days + costs.training_day * a.training_days).sum(
        axis=(1, 2)
    ) + costs.am_day * a.am_days.sum(axis=(1, 2, 3))
    fixed = day_money + (0.0 if flags_cost is None else flags_cost)
    left = np.maximum(res.budget - fixed, 0.0)
    if _allowed(view, "promotion"):
        a.promotion[:, 0] = np.floor(_spread(1.0, led(PROMOTION)) * (left * promo_share)[:, None] / 100) * 100
    return a


def _exec_days(view: View, a: Actions, weights: np.ndarray) -> None:
    if _allowed(view, "exec_days"):
        w = weights * view.mask[None]
        a.exec_days[:, 0] = _contact_days(view, view.scenario.resources.exec_days, w)


#: Values of the lesson parameters; the first of each is the sound practice.
TERMS = ("by-risk", "longest", "keep")
RATIONING = ("key-first", "proportional", "small-first", "none")
PACE = ("steady", "bursts", "late")


def _check(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _set_terms(view: View, a: Actions, terms: str) -> None:
    """Credit terms by the account's public credit grade, the longest allowed, or unchanged."""

    _check("terms", terms, TERMS)
    if terms == "keep" or not _allowed(view, "credit_days"):
        return
    limit = float(view.scenario.limits.max_credit_days)
    if terms == "longest":
        a.credit_days[:, 0] = limit
    else:
        by_grade = np.array([60.0, 45.0, 30.0, 0.0])[view.credit_grade]
        a.credit_days[:, 0] = np.minimum(by_grade, limit)[None]


def _add_discount(view: View, a: Actions, share: float) -> None:
    """Every active account gets at least ``share`` of the deepest discount allowed."""

    if share > 0 and _allowed(view, "discount"):
        deep = share * view.scenario.limits.max_discount * _active(view)
        a.discount[:, 0] = np.maximum(a.discount[:, 0], deep)


def _pace(view: View, a: Actions, pace: str, intensity: float) -> None:
    """Scale the effort (days and money) of this quarter: ``intensity`` every quarter
    (steady), twice that every other quarter (bursts), or nothing in the first half of the
    game and the same total in the second (late). Discovery, prices and supply are kept."""

    _check("pace", pace, PACE)
    turns, t = view.scenario.turns, view.turn
    if pace == "steady":
        factor = intensity
    elif pace == "bursts":
        factor = 2 * intensity if t % 2 == 0 else 0.0
    else:
        wait = turns // 2
        factor = 0.0 if t < wait else intensity * turns / (turns - wait)
    for name in ("am_days", "exec_days", "support_days", "training_days", "promotion",
                 "event_support"):
        getattr(a, name)[...] *= factor


def _economic_buyers(view: View) -> np.ndarray:
    """(B, N, K) 1 for each account's economic buyer as far as known; where the role has not
    been met, a guess: the first person listed is usually the boss."""

    econ = _role_is(view, "economic").astype(float)
    first = np.zeros(view.role.shape)
    first[..., 0] = 1.0
    return np.where(econ.sum(-1, keepdims=True) > 0, econ, first)


@within_rules
def uniform(view: View, terms: str = "keep", discount_share: float = 0.0) -> Actions:
    """Spread every resource evenly over accounts and people, blind to needs and value.

    ``terms`` and ``discount_share`` are as in ``needs`` (lax credit and discounting are
    this strategy with longer terms or deeper discounts)."""

    ones = np.ones(view.lost.shape)
    a = _allocate(view, ones, np.ones(view.role.shape))
    _exec_days(view, a, np.ones(view.role.shape) * _active(view)[..., None])
    _set_terms(view, a, terms)
    _add_discount(view, a, discount_share)
    return a


def _key_accounts(view: View) -> np.ndarray:
    """The accounts that together make the top 80 % of recent revenue (B, N) bool."""

    value = _value(view)
    order = np.argsort(-value, -1, kind="stable")
    sorted_v = np.take_along_axis(value, order, -1)
    before = np.cumsum(sorted_v, -1) - sorted_v
    top_sorted = (before < 0.8 * sorted_v.sum(-1, keepdims=True)) & (sorted_v > 0)
    top = np.empty_like(top_sorted)
    np.put_along_axis(top, order, top_sorted, -1)
    return top


def _tiers_weight(view: View, style: Style | None = None) -> np.ndarray:
    """80/20 weights: the key accounts get the lion's share, the rest a maintenance level."""

    style = style or NEEDS_STYLE
    value = _value(view) ** style.value_power
    return np.where(_key_accounts(view), value, style.non_key * value)


@within_rules
def focus(view: View) -> Actions:
    """Concentrate on the top accounts by value (80/20), spread evenly inside each."""

    w = _tiers_weight(view)
    a = _allocate(view, w, np.ones(view.role.shape))
    _exec_days(view, a, np.ones(view.role.shape) * w[..., None])
    _supply(view, a, "key-first")
    return a


SURVEYS = ("regular", "once", "never")


@dataclass(frozen=True)
class Style:
    """How a needs-led strategy weighs and spends: the family ``needs`` and ``expert`` belong
    to (and that ``probe`` searches). Every value follows the lessons; they differ in degree."""

    #: Account weight ∝ recent revenue ** value_power: below 1 the big accounts still lead,
    #: but the mid-sized ones are not starved (diminishing returns per account).
    value_power: float = 1.0
    #: Weight multiplier of the accounts outside the top 80 % of revenue (a maintenance level).
    non_key: float = 0.3
    #: A needs reading older than this many quarters is refreshed by a new survey (and any
    #: reading older than the news of a shift in the account's needs).
    stale_after: float = 3.0
    #: The most of the quarter's budget that surveys and feedback may take.
    survey_budget: float = 0.4
    #: Accounts whose weight is above this share of the total get surveyed.
    survey_cutoff: float = 0.05
    #: How strongly each pool follows the needs as read: an account's share of the account
    #: managers' days, the service days and the promotion money is scaled by its need for
    #: them against the portfolio's mean, ** need_focus (0: the needs are ignored).
    need_focus: float = 1.0
    #: Share of the money left after days that goes to joint promotion (the rest is kept).
    promo_share: float = 0.85
    #: The promotion pot follows what the accounts need: it is scaled by min(1,
    #: promo_need_gain × the value-weighted need for promotion as read), so at 5 it is
    #: spent in full once promotion is a fifth of the needs (0: the needs are ignored).
    promo_need_gain: float = 5.0
    #: Weights of the known roles when sharing account-manager days inside an account.
    economic: float = 1.3
    technical: float = 1.2
    user: float = 1.0
    procurement: float = 0.9
    coach: float = 0.8
    #: A measured need for innovation above this offers a new-product trial to key accounts.
    trial_above: float = 0.18
    #: A measured need for price above this earns the account a token discount …
    price_minded: float = 0.25
    #: … of this size (capped by the scenario's limit).
    token_discount: float = 0.02

    def role_weights(self) -> dict[str, float]:
        return {"economic": self.economic, "technical": self.technical, "user": self.user,
                "procurement": self.procurement, "coach": self.coach}


#: ``needs``: the textbook needs-led director — focus on the top 80 % by revenue, everyone
#: else at 30 %.
NEEDS_STYLE = Style()

#: ``expert``: found by ``kam-sandbox probe --search`` (cross-entropy over ``Style`` on
#: training seeds, checked on held-out seeds) and rounded to readable values.
EXPERT_STYLE = Style(
    value_power=0.85,  # weight ∝ revenue ** 0.85: effort has diminishing returns per account
    non_key=0.68,  # the tail still buys and churns; two thirds of its weight keeps it
    stale_after=5.0,  # a reading is refreshed as soon as the news reports a shift, or late
    survey_budget=0.36,  # discovery may take over a third of the quarter's budget …
    survey_cutoff=0.021,  # … and reaches the mid-sized accounts, not only the top few
    need_focus=0.68,  # follow the needs, but less than in proportion: returns diminish
    promo_share=0.64,  # promotion has diminishing returns: keep some of the money left …
    promo_need_gain=8.5,  # … and spend it only where the accounts need promotion
    economic=1.7,  # the economic buyer signs: more of the visits go to them
    user=0.76,
    trial_above=0.1,  # a new-product trial pays wherever innovation matters at all
    price_minded=0.39,  # a token discount only where price clearly leads the needs …
    token_discount=0.024,  # … and a small one: price is not loyalty
)


def _needs_led(view: View, style: Style, *, even_weights: bool = False,
               surveys: str = "regular", economic_only: bool = False,
               discount_share: float = 0.0, terms: str = "by-risk",
               rationing: str = "key-first", pace: str = "steady",
               intensity: float = 1.0) -> Actions:
    """The needs-led play of ``style``; each keyword breaks one lesson (see ``needs``)."""

    _check("surveys", surveys, SURVEYS)
    sc = view.scenario
    w = np.where(_active(view) > 0, 1.0, 0.0) if even_weights else _tiers_weight(view, style)
    # Stakeholder weights by role as far as known; unknown people still get a visit.
    sw = np.ones(view.role.shape)
    for role, weight in style.role_weights().items():
        sw = np.where(_role_is(view, role), weight, sw)
    if economic_only:
        sw = _economic_buyers(view)
    # Survey key accounts whose reading is missing or stale.
    key = w > style.survey_cutoff * w.sum(-1, keepdims=True)
    # A reading goes stale with age, or at once when the news reports the needs shifting.
    aged = view.turn - view.needs_turn >= style.stale_after
    stale = (aged | view.needs_shifted()) & (surveys == "regular")
    feedback = view.complaint & ~view.lost & _allowed(view, "feedback")
    survey = np.zeros(view.lost.shape, bool)
    if _allowed(view, "survey") and surveys != "never":
        # Spend at most a share of the budget on discovery, most valuable accounts first.
        want = key & ((view.needs_turn < 0) | stale) & ~view.lost
        room = (style.survey_budget * sc.resources.budget
                - sc.costs.feedback * np.sum(feedback, -1))
        n_max = np.maximum(room, 0) // max(sc.costs.survey, 1.0)
        order = np.argsort(-np.where(want, w, -1.0), -1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(w.shape[-1])[None].repeat(w.shape[0], 0), -1)
        survey = want & (ranks < n_max[:, None])
    flags = sc.costs.survey * np.sum(survey, -1) + sc.costs.feedback * np.sum(feedback, -1)
    # Keep every account informed (cheap), and meet them all at the year-end conference.
    info = _allowed(view, "info_sharing") and sc.costs.info_sharing <= 0.1 * sc.resources.budget
    conference = (_allowed(view, "conference") and view.quarter == 4
                  and sc.costs.conference <= 0.4 * sc.resources.budget)
    flags = flags + info * sc.costs.info_sharing + conference * sc.costs.conference
    known = (view.needs_turn >= 0)[..., None]
    # An account not yet surveyed is taken to need what the surveyed ones do on average
    # (value-weighted): no tilt of any pool towards or away from it until it is read.
    seen = w[..., None] * known
    prior = np.where(seen.sum(1) > 0, (seen * view.needs_reading).sum(1)
                     / np.maximum(seen.sum(1), 1e-12), 1.0 / len(NEEDS))
    dims = np.where(known, view.needs_reading, prior[:, None])
    promo_share = np.full(view.batch, style.promo_share)
    if style.promo_need_gain > 0:
        need = (w * dims[..., PROMOTION]).sum(-1) / np.maximum(w.sum(-1), 1e-12)
        promo_share = promo_share * np.minimum(1.0, style.promo_need_gain * need)
    a = _allocate(view, w, sw, dims=dims, promo_share=promo_share, flags_cost=flags,
                  need_focus=style.need_focus)
    a.survey[:, 0] = survey
    a.feedback[:, 0] = feedback
    a.info_sharing[:, 0] = float(info)
    a.conference[:, 0] = float(conference)
    if economic_only:
        _exec_days(view, a, sw * w[..., None])
    else:
        econ = _role_is(view, "economic") | _role_is(view, "coach")
        _exec_days(view, a, econ * w[..., None] + 1e-6 * view.mask[None])
    if _allowed(view, "trial"):
        want = known[..., 0] & (dims[..., INNOVATION] > style.trial_above) & key & ~view.lost
        budget_left = sc.resources.budget - (
            a.promotion.sum((1, 2)) + flags + sc.costs.am_day * a.am_days.sum((1, 2, 3))
            + sc.costs.support_day * a.support_days.sum((1, 2))
            + sc.costs.training_day * a.training_days.sum((1, 2))
        )
        n_trials = np.minimum(want.sum(-1), np.maximum(budget_left, 0) // max(sc.costs.trial, 1))
        rank = np.cumsum(want, -1)
        a.trial[:, 0] = want & (rank <= n_trials[:, None])
    if _allowed(view, "discount"):
        price_minded = known[..., 0] & (dims[..., PRICE] > style.price_minded)
        a.discount[:, 0] = np.where(price_minded & ~view.lost,
                                    min(style.token_discount, sc.limits.max_discount), 0)
    _add_discount(view, a, discount_share)
    _set_terms(view, a, terms)
    _supply(view, a, rationing)
    _pace(view, a, pace, intensity)
    return a


@within_rules
def needs(view: View, **lesson_breakers) -> Actions:
    """Discover needs (regular surveys, and again when the news reports a shift), match the
    offer to them, cover the buying center, focus on value, grant credit by risk, keep
    supply promises to key accounts.

    Each keyword breaks one lesson of DESIGN §2, for the paired lesson checks (the defaults
    follow all of them): ``even_weights`` spreads effort evenly over accounts (focus);
    ``surveys`` "once" never refreshes a reading (needs move), "never" plays blind
    (discover); ``economic_only`` talks to the economic buyer only (buying center);
    ``discount_share`` adds that share of the deepest discount everywhere (price);
    ``terms`` "longest" gives everyone the longest credit (risk); ``rationing``
    "proportional" or "small-first" shares short stock without keeping the promise to key
    accounts (promises); ``pace`` "bursts" or "late" spends the effort of ``intensity``
    unevenly over the game (relationships compound)."""

    return _needs_led(view, NEEDS_STYLE, **lesson_breakers)


@within_rules
def expert(view: View, **lesson_breakers) -> Actions:
    """``needs`` played with the searched ``EXPERT_STYLE``: the same lessons, less narrowly
    focused (revenue ** 0.85, the tail at 68 %), following the needs less than in
    proportion (** 0.68), surveys for mid-sized accounts too, refreshed at a shift's news
    (or after five quarters), promotion only where the accounts need it. The yardstick the grade and the scorecard targets are calibrated to.
    Takes the same lesson-breaking keywords as ``needs``."""

    return _needs_led(view, EXPERT_STYLE, **lesson_breakers)


@within_rules
def styled(view: View, style: Style, **lesson_breakers) -> Actions:
    """The needs-led play of any ``style`` (the family ``probe`` searches)."""

    return _needs_led(view, style, **lesson_breakers)


def _supply(view: View, a: Actions, rationing: str) -> None:
    """Share short stock in a peak quarter. "key-first" keeps the promise to key accounts:
    they get their whole demand, the others share what is left in proportion to theirs (a
    floor for the others would be taken from the key accounts and cost more than it saves);
    "proportional" shares in proportion to demand; "small-first" fills the smallest orders
    first; "none" promises nothing."""

    _check("rationing", rationing, RATIONING)
    if not (view.peak and _allowed(view, "supply")) or rationing == "none":
        return
    demand = view.revenue[..., -1] * _active(view)
    cap = view.scenario.supply.capacity * demand.sum(-1, keepdims=True)
    if rationing == "key-first":
        key = _key_accounts(view)
        key_demand = np.where(key, demand, 0.0)
        key_give = key_demand * np.minimum(
            1.0, cap / np.maximum(key_demand.sum(-1, keepdims=True), 1e-9))
        left = np.maximum(cap - key_give.sum(-1, keepdims=True), 0.0)
        rest = demand - key_demand
        give = key_give + rest * np.minimum(
            1.0, left / np.maximum(rest.sum(-1, keepdims=True), 1e-9))
    elif rationing == "proportional":
        give = demand * np.minimum(1.0, cap / np.maximum(demand.sum(-1, keepdims=True), 1e-9))
    else:  # small-first
        order = np.argsort(np.where(demand > 0, demand, np.inf), -1, kind="stable")
        sorted_d = np.take_along_axis(demand, order, -1)
        before = np.cumsum(sorted_d, -1) - sorted_d
        sorted_give = np.clip(cap - before, 0.0, sorted_d)
        give = np.empty_like(sorted_give)
        np.put_along_axis(give, order, sorted_give, -1)
    share = give / np.where(cap > 0, cap, 1.0)
    a.supply[:, 0] = np.floor(share * 1e6) / 1e6


@within_rules
def discount(view: View) -> Actions:
    """Lean on discounts and rebates; spread the rest evenly."""

    return uniform(view, discount_share=0.4)


@within_rules
def executive(view: View) -> Actions:
    """Court the top: account-manager and executive days go only to economic buyers."""

    econ = _economic_buyers(view)
    a = _allocate(view, np.ones(view.lost.shape), econ)
    _exec_days(view, a, econ * _active(view)[..., None])
    return a


@within_rules
def lax_credit(view: View) -> Actions:
    """Generous credit to everyone to buy volume; otherwise even effort."""

    return uniform(view, terms="longest")


@within_rules
def random(view: View) -> Actions:
    """Random but legal allocations, reproducible from the game's seed and quarter."""

    sc, res = view.scenario, view.scenario.resources
    a = _blank(view)
    n, k = view.mask.shape
    for b, seed in enumerate(view.seeds):
        rng = np.random.default_rng([int(seed), view.turn, 0x5EED])
        share = rng.dirichlet(np.ones(n * k)).reshape(n, k) * view.mask
        a.am_days[b, 0] = np.floor(res.am_days * share * 4) / 4
        a.exec_days[b, 0] = np.floor(res.exec_days * rng.dirichlet(np.ones(n * k)).reshape(n, k) * view.mask * 4) / 4
        days = np.floor(res.support_days * rng.dirichlet(np.ones(2 * n)) * 4) / 4
        a.support_days[b, 0], a.training_days[b, 0] = days[:n], days[n:]
        money = sc.costs.support_day * days[:n].sum() + sc.costs.training_day * days[n:].sum()
        left = max(res.budget - money, 0.0)
        a.promotion[b, 0] = np.floor(left * 0.9 * rng.dirichlet(np.ones(n)) / 100) * 100
        a.discount[b, 0] = rng.uniform(0, sc.limits.max_discount, n)
        a.credit_days[b, 0] = rng.choice([0, 30, 60, 90, 120], n).clip(0, sc.limits.max_credit_days)
        if view.peak:
            a.supply[b, 0] = np.floor(rng.dirichlet(np.ones(n)) * 1e6) / 1e6
    for name in ("am_days", "exec_days", "support_days", "training_days", "promotion",
                 "discount", "credit_days"):
        if not _allowed(view, name):
            arr = getattr(a, name)
            arr[...] = np.nan if name == "credit_days" else 0.0
    return a


POLICIES: dict[str, Policy] = {
    "uniform": uniform,
    "focus": focus,
    "needs": needs,
    "expert": expert,
    "discount": discount,
    "executive": executive,
    "lax-credit": lax_credit,
    "random": random,
}


@dataclass(frozen=True)
class Variant:
    """A built-in strategy with some of its lesson parameters set (e.g. ``needs`` never
    surveying): plain data, so it pickles into worker processes and prints readably."""

    base: str
    params: tuple[tuple[str, object], ...] = ()

    def __call__(self, view: View) -> Actions:
        return POLICIES[self.base](view, **dict(self.params))

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.base}({args})"


def get_policy(name: str) -> Policy:
    """A built-in policy by name, or an author's as ``module:function``."""

    if name in POLICIES:
        return POLICIES[name]
    if ":" in name:
        module, _, func = name.partition(":")
        try:
            return getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"cannot load policy {name!r}: {exc}") from None
    raise ValueError(f"unknown policy {name!r}{hint(name, list(POLICIES))}; "
                     f"built-in: {', '.join(POLICIES)}, or module:function")


def decide(policy: Policy, view: View, scenario: Scenario, static) -> Actions:
    """Call a policy and normalise what it returns to batched Actions."""

    out = policy(view)
    if isinstance(out, Actions):
        return out
    plans = [out] if isinstance(out, dict) else list(out)
    if len(plans) != view.batch:
        raise ValueError(f"policy returned {len(plans)} plans for {view.batch} games")
    compiled = [compile_plan(p, static) for p in plans]
    return Actions(**{k: np.concatenate([c.arrays()[k] for c in compiled]) for k in compiled[0].arrays()})
