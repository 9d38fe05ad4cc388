"""Stylised facts measured from the engine's own outputs, each beside its literature figure.

``calibrate`` plays a handful of *experiments* on the same seeds (common random numbers):
the reference strategy as it is, and the same strategy with one thing changed (less effort,
a one-quarter effort pulse, a permanent discount, the longest credit terms). Each fact is a
function of those experiments' quarter-by-quarter outputs; registering a new fact is one
decorated function (see ``fact``). DESIGN §3 "How we know the model is valid" lists the
facts and their sources.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from .actions import Actions, PlanContext
from .fit import fit_to_rules
from .game import Batch
from .policies import Policy, decide, get_policy
from .scenario import Scenario
from .simulate import seed_variance_fact
from .view import View

#: Actions that are effort (days and promotion money): what the effort experiments scale.
EFFORT = ("am_days", "exec_days", "support_days", "training_days", "promotion", "event_support")
#: Effort scale of the short-run elasticity experiment (-10 %).
EFFORT_CUT = 0.9
#: Base effort level of the pulse experiment and the quarter of its one-quarter pulse.
PULSE_BASE, PULSE_TURN = 0.8, 1
#: Quarters watched after the pulse (the game is lengthened to this if shorter).
PULSE_WINDOW = 10
#: Share of the deepest allowed discount given everywhere in the price experiment.
DISCOUNT_SHARE = 0.5


@dataclass(frozen=True)
class Adjusted:
    """``base`` (a policy name) with its plan changed, then fitted to the plan rules again:
    effort scaled by ``effort`` (in every quarter, or only in quarter ``only_turn``), at
    least ``discount_share`` of the deepest discount everywhere, ``terms`` "longest" for
    the longest credit allowed. Plain data, so it pickles into worker processes."""

    base: str
    effort: float = 1.0
    only_turn: int | None = None
    discount_share: float = 0.0
    terms: str | None = None

    def __call__(self, view: View) -> Actions:
        from .policies import _compiled  # the scenario compiled once per batch

        st = _compiled(view.scenario)
        a = decide(get_policy(self.base), view, view.scenario, st)
        a = Actions(**{k: v.copy() for k, v in a.arrays().items()})
        if self.only_turn is None or view.turn == self.only_turn:
            for name in EFFORT:
                getattr(a, name)[...] *= self.effort
        sc = view.scenario
        if self.discount_share > 0 and "discount" in sc.actions:
            deep = self.discount_share * sc.limits.max_discount * (~view.lost)
            np.maximum(a.discount[:, 0], deep, out=a.discount[:, 0])
        if self.terms == "longest" and "credit_days" in sc.actions:
            a.credit_days[:, 0] = float(sc.limits.max_credit_days)
        return fit_to_rules(a, st, PlanContext(view.turn, view.last_conference[:, None]))


@dataclass
class Observed:
    """One experiment's outputs, quarter by quarter, for player 0: (B, T, N) per account,
    (B, T) per game. ``active``: the account was still ours at the quarter's start."""

    revenue: np.ndarray
    volume: np.ndarray
    satisfaction: np.ndarray
    churn_risk: np.ndarray
    active: np.ndarray
    live: np.ndarray  # (B, T, N) the account had not defaulted at the quarter's start
    default: np.ndarray  # (B, T, N)
    bad_debt: np.ndarray  # (B, T)
    receivables: np.ndarray  # (B, T)
    overdue: np.ndarray  # (B, T)
    profit: np.ndarray  # (B, T)


def observe(scenario: Scenario, policy: Policy, seeds: Sequence[int]) -> Observed:
    """Play ``policy`` on ``seeds`` and keep what the facts read."""

    batch = Batch(scenario, list(seeds))
    rows: dict[str, list[np.ndarray]] = {f: [] for f in Observed.__dataclass_fields__}
    while not batch.over:
        s = batch.state
        rows["active"].append(~s.churned[:, 0] & ~s.defaulted)
        rows["live"].append(~s.defaulted)
        k = batch.step(decide(policy, batch.view(), scenario, batch.static))
        o = batch.outcomes[-1]
        for name in ("revenue", "volume", "satisfaction", "churn_risk"):
            rows[name].append(getattr(o, name)[:, 0])
        rows["default"].append(o.default)
        for name, key in (("bad_debt", "bad_debt"), ("receivables", "receivables"),
                          ("overdue", "overdue"), ("profit", "profit")):
            rows[name].append(k[key][:, 0])
    return Observed(**{name: np.stack(v, 1) for name, v in rows.items()})


# --- the registry -------------------------------------------------------------------------

#: An experiment: the scenario to play (the case itself, or lengthened) and the policy.
Experiment = tuple[Scenario, Policy]


@dataclass(frozen=True)
class Fact:
    id: str
    target: tuple[float, float]  # [lo, hi]; ±inf for an open side
    source: str
    experiments: tuple[str, ...]  # names in ``experiments()``
    measure: Callable[..., float | tuple[float, bool]]  # (Observed...) -> value[, ok]
    why_not: Callable[[Scenario], str | None] | None = None
    percent: bool = False  # a share or ratio of money, read as a percentage


FACTS: dict[str, Fact] = {}


def fact(id: str, target: tuple[float, float], source: str, experiments: tuple[str, ...],
         why_not: Callable[[Scenario], str | None] | None = None, percent: bool = False):
    """Register a fact: the decorated function gets the named experiments' ``Observed`` in
    order and returns the value (or ``(value, ok)`` where "ok" is more than the range)."""

    def register(fn):
        FACTS[id] = Fact(id, target, source, experiments, fn, why_not, percent)
        return fn

    return register


def experiments(scenario: Scenario, strategy: str) -> dict[str, Experiment]:
    """Every experiment a fact may name, for ``strategy`` (a policy name)."""

    long = scenario
    if scenario.turns < PULSE_TURN + PULSE_WINDOW:
        long = scenario.model_copy(update={"turns": PULSE_TURN + PULSE_WINDOW})
    return {
        "base": (scenario, get_policy(strategy)),
        "less-effort": (scenario, Adjusted(strategy, effort=EFFORT_CUT)),
        "discount": (scenario, Adjusted(strategy, discount_share=DISCOUNT_SHARE)),
        "lax": (scenario, Adjusted(strategy, terms="longest")),
        "pulse-base": (long, Adjusted(strategy, effort=PULSE_BASE)),
        "pulse": (long, _Pulse(strategy)),
    }


@dataclass(frozen=True)
class _Pulse:
    """PULSE_BASE effort every quarter but PULSE_TURN, which gets the full effort."""

    base: str

    def __call__(self, view: View) -> Actions:
        level = 1.0 if view.turn == PULSE_TURN else PULSE_BASE
        return Adjusted(self.base, effort=level)(view)


def _no_credit(sc: Scenario) -> str | None:
    if "credit_days" not in sc.actions:
        return "credit_days is not an action in this scenario"
    return None


def _no_discount(sc: Scenario) -> str | None:
    if "discount" not in sc.actions or sc.limits.max_discount <= 0:
        return "no discount can be given in this scenario"
    return None


def _first_year(x: np.ndarray) -> np.ndarray:
    return x[:, :4].sum(axis=tuple(range(1, x.ndim)))


@fact("effort_elasticity_short", (0.2, 0.5),
      "Albers, Mantrala & Sridhar 2010, personal-selling elasticity meta-analysis (mean 0.34)",
      ("base", "less-effort"))
def _effort_elasticity(base: Observed, less: Observed) -> float:
    """First-year revenue response to 10 % less effort in every quarter (arc elasticity)."""

    r1, r0 = _first_year(base.revenue).mean(), _first_year(less.revenue).mean()
    return math.log(r1 / r0) / math.log(1.0 / EFFORT_CUT)


@fact("very_satisfied_share", (0.15, math.inf),
      "Jones & Sasser 1995: the loyalty gap lives at the top of the scale, so excellent "
      "service must reach it", ("base",), percent=True)
def _very_satisfied(base: Observed) -> float:
    """Share of account-quarters (accounts still ours) at satisfaction 4.5 or more."""

    return float(((base.satisfaction >= 4.5) & base.active).sum() / max(base.active.sum(), 1))


def _annual(q: float) -> float:
    return 1.0 - (1.0 - q) ** 4


@fact("defection_ratio_4_vs_5", (3.0, math.inf),
      "Jones & Sasser 1995 (Xerox: 'totally satisfied' customers six times as likely to "
      "repurchase as 'satisfied')", ("base", "less-effort", "lax", "discount"))
def _defection_ratio(*runs: Observed) -> float:
    """Annual defection risk of account-quarters at satisfaction 3.75–4.25 over those at
    4.5 or more, pooled over the experiments (to see both levels)."""

    sat = np.concatenate([r.satisfaction[r.active] for r in runs])
    risk = np.concatenate([r.churn_risk[r.active] for r in runs])
    four = (sat >= 3.75) & (sat < 4.25)
    five = sat >= 4.5
    if not four.any() or not five.any():
        return math.nan
    return _annual(float(risk[four].mean())) / max(_annual(float(risk[five].mean())), 1e-12)


@fact("price_elasticity_long", (0.3, 1.0),
      "Bijmolt, van Heerde & Pieters 2005 price-elasticity meta-analysis; B2B demand is "
      "less elastic: volume up a little, profit down", ("base", "discount"), _no_discount)
def _price_elasticity(base: Observed, disc: Observed) -> tuple[float, bool]:
    """|elasticity| of the game's volume to the price cut of a permanent discount; ok
    also needs volume up and profit down."""

    v0, v1 = base.volume.sum(axis=(1, 2)).mean(), disc.volume.sum(axis=(1, 2)).mean()
    p0 = base.revenue.sum() / max(base.volume.sum(), 1e-9)
    p1 = disc.revenue.sum() / max(disc.volume.sum(), 1e-9)
    if p1 >= p0:
        return math.nan, False
    e = math.log(v1 / v0) / math.log(p1 / p0)
    profit_down = disc.profit.sum(1).mean() < base.profit.sum(1).mean()
    return abs(e), bool(v1 > v0 and profit_down and 0.3 <= abs(e) <= 1.0)


@fact("carryover_half_life", (1.0, 3.0),
      "Leone 1995 and Clarke 1976: the carry-over of marketing effort fades with a "
      "half-life of months, not years", ("pulse-base", "pulse"))
def _half_life(base: Observed, pulse: Observed) -> float:
    """Quarters for the revenue gain of a one-quarter effort pulse to fall from its peak to
    half of it (log-linear between quarters); PULSE_WINDOW if it never does in the window."""

    gain = (pulse.revenue.sum(-1) - base.revenue.sum(-1)).mean(0)[PULSE_TURN:]
    peak = int(np.argmax(gain))
    top = gain[peak]
    if top <= 0:
        return math.nan
    for t in range(peak + 1, len(gain)):
        if gain[t] <= top / 2:
            before = max(gain[t - 1], 1e-12)
            after = max(gain[t], 1e-12 * top)
            frac = math.log(before / (top / 2)) / math.log(before / after)
            return (t - 1 - peak) + frac
    return float(PULSE_WINDOW)


def _default_rate(o: Observed) -> float:
    return float(o.default.sum() / max(o.live.sum(), 1))


@fact("default_ratio_lax", (1.5, math.inf),
      "Trade-credit studies (Petersen & Rajan 1997; Atradius Payment Practices Barometer): "
      "longer terms raise exposure and default risk", ("base", "lax"), _no_credit)
def _default_ratio(base: Observed, lax: Observed) -> float:
    """Defaults per account-quarter under the longest terms over the strategy's own terms."""

    return _default_rate(lax) / max(_default_rate(base), 1e-12)


def _bad_debt_ratio(o: Observed) -> float:
    return float(o.bad_debt.sum() / max(o.revenue.sum(), 1e-9))


@fact("bad_debt_disciplined", (0.005, 0.02),
      "B2B payment-practice surveys (Atradius, Euler Hermes): write-offs near 1–2 % of "
      "revenue under disciplined credit", ("base",), _no_credit, percent=True)
def _bad_debt_disciplined(base: Observed) -> float:
    return _bad_debt_ratio(base)


@fact("bad_debt_lax", (0.03, 0.10),
      "Atradius Payment Practices Barometer: several times the norm under lax credit "
      "(≈ 5–10 % in stress years)", ("lax",), _no_credit, percent=True)
def _bad_debt_lax(lax: Observed) -> float:
    return _bad_debt_ratio(lax)


@fact("overdue_share_lax", (0.40, 0.55),
      "Atradius Payment Practices Barometer: 40–55 % of B2B invoices paid late",
      ("lax",), _no_credit, percent=True)
def _overdue_share(lax: Observed) -> float:
    """Overdue receivables over all receivables, summed over the game's quarter-ends."""

    return float(lax.overdue.sum() / max(lax.receivables.sum(), 1e-9))


@fact("top20_revenue_share", (0.6, 0.85),
      "Pareto (80/20) in key-account portfolios (seeds 001, 002; Koch 1998)", ("base",), percent=True)
def _top20(base: Observed) -> float:
    """Share of the game's revenue from the top 20 % of accounts (at least one), by game."""

    rev = base.revenue.sum(1)  # (B, N)
    top = max(1, math.ceil(0.2 * rev.shape[1]))
    ranked = -np.sort(-rev, -1)
    return float((ranked[:, :top].sum(-1) / np.maximum(rev.sum(-1), 1e-9)).mean())


# --- running --------------------------------------------------------------------------------

def _observe_task(dump: dict, policy: Policy, seeds: list[int]) -> Observed:
    return observe(Scenario.model_validate(dump), policy, seeds)


def calibrate(
    scenario: Scenario,
    seeds: Sequence[int],
    strategy: str = "expert",
    facts: Sequence[str] | None = None,
    jobs: int = 1,
) -> dict:
    """Measure ``facts`` (default: every registered one) with ``strategy`` on ``seeds``.

    Returns ``{"strategy", "runs", "facts": [{"id", "value", "target", "ok", "source"}]}``;
    a fact the case does not exercise has ``ok: None`` and a ``reason``. ``jobs`` > 1 plays
    the experiments in that many spawned worker processes; the result is the same.
    """

    get_policy(strategy)  # a clear error for an unknown name before any game is played
    wanted = [FACTS[f] for f in (facts or FACTS) if f != "seed_variance_share"]
    reasons = {f.id: f.why_not(scenario) if f.why_not else None for f in wanted}
    needed = sorted({e for f in wanted if reasons[f.id] is None for e in f.experiments})
    spec = experiments(scenario, strategy)
    seeds = list(seeds)
    if jobs > 1 and len(needed) > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(needed)), mp_context=ctx) as pool:
            futures = {name: pool.submit(_observe_task, spec[name][0].model_dump(),
                                         spec[name][1], seeds) for name in needed}
            seen = {name: fut.result() for name, fut in futures.items()}
    else:
        seen = {name: observe(spec[name][0], spec[name][1], seeds) for name in needed}
    rows = []
    for f in wanted:
        row = {"id": f.id, "percent": f.percent, "target": [t if math.isfinite(t) else None for t in f.target],
               "source": f.source}
        if reasons[f.id] is not None:
            rows.append({**row, "value": None, "ok": None, "reason": reasons[f.id]})
            continue
        got = f.measure(*(seen[e] for e in f.experiments))
        value, ok = got if isinstance(got, tuple) else (got, None)
        if ok is None:
            ok = bool(math.isfinite(value) and f.target[0] <= value <= f.target[1])
        rows.append({**row, "value": None if not math.isfinite(value) else float(value),
                     "ok": bool(ok)})
    if facts is None or "seed_variance_share" in facts:  # a property of the grade, not a run
        rows.append({**seed_variance_fact(scenario, seeds, jobs=jobs), "percent": True})
    return {"strategy": strategy, "runs": len(seeds), "facts": rows}


__all__ = ["FACTS", "Fact", "Observed", "Adjusted", "calibrate", "fact", "observe",
           "experiments"]
