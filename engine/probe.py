"""Probe a scenario for exploits, and for a stronger reference than ``expert``.

``probe`` plays a bank of degenerate strategies (each pushed through the plan rules, like
every built-in: what the rules refuse is not played) and a bounded cross-entropy search
over the needs-led family (``policies.Style``) on training seeds, then measures everything
on held-out seeds against ``expert``, paired per seed (same worlds). For the searched best
it runs an ablation: each lesson behaviour broken in turn (the variants of the lesson
checks), and what that costs. Everything is deterministic for given seeds and budget.

Gaps are in open-score points: the scorecard against the scenario's fixed targets with no
ceiling (the grade itself is capped at the expert, so it cannot show a better strategy).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from .actions import Actions
from .policies import EXPERT_STYLE, NEEDS_STYLE, POLICIES, Style, styled, within_rules
from .scenario import Scenario
from .simulate import LESSONS, VARIANTS, balance, paired_stats, run
from .view import View

# --- the bank of degenerate strategies -----------------------------------------------------


def _blank(view: View) -> Actions:
    n, k = view.mask.shape
    return Actions.zeros(view.batch, 1, n, k)


def _active(view: View) -> np.ndarray:
    return (~view.lost).astype(float)


def _even(total: float, weights: np.ndarray) -> np.ndarray:
    axes = tuple(range(1, weights.ndim))
    s = weights.sum(axis=axes, keepdims=True)
    return np.floor(4 * total * np.where(s > 0, weights / np.where(s > 0, s, 1), 0)) / 4


def nothing(view: View) -> Actions:
    """The empty plan every quarter."""
    return _blank(view)


def all_in_biggest(view: View) -> Actions:
    """Every day and the whole budget on the account with the most revenue."""
    a, sc = _blank(view), view.scenario
    value = view.revenue[..., -1] * _active(view)
    top = (np.arange(value.shape[-1])[None] == value.argmax(-1)[:, None]).astype(float)
    people = top[..., None] * view.mask[None]
    a.am_days[:, 0] = _even(sc.resources.am_days, people)
    a.exec_days[:, 0] = _even(sc.resources.exec_days, people)
    a.support_days[:, 0] = _even(sc.resources.support_days / 2, top)
    a.training_days[:, 0] = _even(sc.resources.support_days / 2, top)
    a.promotion[:, 0] = np.floor(top * sc.resources.budget * 0.5 / 100) * 100
    return a


def surveys_only(view: View) -> Actions:
    """A needs survey at every account every quarter, nothing else."""
    a = _blank(view)
    a.survey[:, 0] = _active(view)
    return a


def executive_only(view: View) -> Actions:
    """Executive days with each account's first-listed person (usually the boss), nothing
    else."""
    a = _blank(view)
    boss = np.zeros(view.mask.shape)
    boss[:, 0] = 1.0
    a.exec_days[:, 0] = _even(view.scenario.resources.exec_days,
                              _active(view)[..., None] * boss[None])
    return a


def max_discount(view: View) -> Actions:
    """The deepest discount allowed everywhere, nothing else."""
    a = _blank(view)
    a.discount[:, 0] = view.scenario.limits.max_discount * _active(view)
    return a


def max_credit(view: View) -> Actions:
    """The longest credit terms allowed everywhere, nothing else."""
    a = _blank(view)
    a.credit_days[:, 0] = float(view.scenario.limits.max_credit_days)
    return a


def events_only(view: View) -> Actions:
    """The whole budget on supporting the accounts' own events."""
    a = _blank(view)
    a.event_support[:, 0] = np.floor(_even(view.scenario.resources.budget, _active(view))
                                     / 100) * 100
    return a


def training_only(view: View) -> Actions:
    """Every support day spent as front-line training, evenly."""
    a = _blank(view)
    a.training_days[:, 0] = _even(view.scenario.resources.support_days, _active(view))
    return a


def token_touch(view: View) -> Actions:
    """A billionth of a day with every person: contact without time."""
    a = _blank(view)
    a.am_days[:, 0] = 1e-9 * view.mask[None] * _active(view)[..., None]
    return a


def conference_every_quarter(view: View) -> Actions:
    """The key-account conference every quarter, nothing else."""
    a = _blank(view)
    a.conference[:, 0] = 1.0
    return a


#: The bank: id → strategy, each fitted to the plan rules as every built-in is.
DEGENERATE: dict[str, Callable[[View], Actions]] = {
    f.__name__.replace("_", "-"): within_rules(f)
    for f in (nothing, all_in_biggest, surveys_only, executive_only, max_discount, max_credit,
              events_only, training_only, token_touch, conference_every_quarter)
}


@dataclass(frozen=True)
class Degenerate:
    """A bank strategy by id: plain data, so it pickles into worker processes."""

    id: str

    def __call__(self, view: View) -> Actions:
        return DEGENERATE[self.id](view)


#: What "played" reports per quarter and game, from the plans after the rules.
PLAYED = ("am_days", "exec_days", "support_days", "training_days", "promotion",
          "event_support", "survey", "conference", "discount", "credit_days")


def played_summary(scenario: Scenario, policy: Callable[[View], Actions],
                   seeds: Sequence[int]) -> dict[str, float]:
    """What ``policy`` actually played after the plan rules, per quarter on average: days,
    money and flags summed over accounts, discount and credit days as the mean over
    accounts (credit: only where set)."""

    from .game import Batch
    from .policies import decide

    batch, sums = Batch(scenario, list(seeds)), {k: 0.0 for k in PLAYED}
    while not batch.over:
        a = decide(policy, batch.view(), scenario, batch.static)
        for k in PLAYED:
            arr = getattr(a, k)
            if k in ("discount", "credit_days"):
                sums[k] += float(np.nanmean(arr)) if np.isfinite(arr).any() else 0.0
            else:
                sums[k] += float(arr.sum() / batch.size)
        batch.step(a)
    return {k: v / scenario.turns for k, v in sums.items()}


# --- the searched family ---------------------------------------------------------------------

#: The searched part of the family: (field, lowest, highest). The other fields keep
#: ``NEEDS_STYLE``'s values.
SEARCH_SPACE: tuple[tuple[str, float, float], ...] = (
    ("value_power", 0.0, 1.5),
    ("non_key", 0.0, 1.0),
    ("need_focus", 0.0, 2.5),
    ("stale_after", 1.0, 6.0),
    ("survey_budget", 0.0, 0.6),
    ("survey_cutoff", 0.0, 0.2),
    ("promo_share", 0.0, 1.0),
    ("promo_need_gain", 0.0, 10.0),
    ("economic", 0.5, 2.0),
    ("user", 0.5, 2.0),
    ("trial_above", 0.1, 0.5),
    ("price_minded", 0.15, 0.6),
    ("token_discount", 0.0, 0.05),
)


@dataclass(frozen=True)
class StyledPolicy:
    """``styled`` with a fixed style and lesson breakers: plain data, so it pickles."""

    style: Style
    params: tuple[tuple[str, object], ...] = ()

    def __call__(self, view: View) -> Actions:
        return styled(view, style=self.style, **dict(self.params))


def _to_unit(style: Style) -> np.ndarray:
    return np.array([(getattr(style, f) - lo) / (hi - lo) for f, lo, hi in SEARCH_SPACE])


def _from_unit(x: np.ndarray) -> Style:
    x = np.clip(x, 0.0, 1.0)
    return replace(NEEDS_STYLE, **{f: float(round(lo + v * (hi - lo), 4))
                                   for (f, lo, hi), v in zip(SEARCH_SPACE, x)})


_POOL_SCENARIOS: list[Scenario] = []


def _init_pool(dumps: list[dict]) -> None:
    _POOL_SCENARIOS[:] = [Scenario.model_validate(d) for d in dumps]


def _mean_open_score(args: tuple[Style, list[int]]) -> float:
    style, seeds = args
    return float(np.mean([run(sc, StyledPolicy(style), seeds)["open_score"].mean()
                          for sc in _POOL_SCENARIOS]))


def cross_entropy_search(
    scenarios: Sequence[Scenario], seeds: Sequence[int], *, iterations: int = 8,
    population: int = 16, elite: float = 0.25, seed: int = 0, start: Style = NEEDS_STYLE,
    jobs: int = 1,
) -> dict:
    """The ``Style`` with the best mean open score over ``scenarios`` on ``seeds``.

    Cross-entropy method on the unit box of ``SEARCH_SPACE``: each iteration samples
    ``population`` styles around the current mean (the mean itself among them), keeps the
    ``elite`` share and refits mean and spread to them. Deterministic for a given ``seed``
    whatever ``jobs``; it plays iterations × population × len(seeds) × len(scenarios)
    games. Returns {"style", "train_score", "history", "changed"}.
    """

    if iterations < 1 or population < 2:
        raise ValueError("the search needs at least one iteration and a population of two")
    seeds = list(seeds)
    rng = np.random.default_rng([seed, 0xCE])
    mean, spread = _to_unit(start), np.full(len(SEARCH_SPACE), 0.25)
    n_elite = max(2, int(round(elite * population)))
    best, best_value, history = start, -np.inf, []
    pool = None
    if jobs > 1:
        pool = ProcessPoolExecutor(max_workers=jobs,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_pool,
                                   initargs=([sc.model_dump() for sc in scenarios],))
    else:
        _init_pool([])
        _POOL_SCENARIOS[:] = list(scenarios)
    try:
        for _ in range(iterations):
            xs = np.clip(mean + spread * rng.standard_normal((population, len(mean))), 0, 1)
            xs[0] = mean
            tasks = [(_from_unit(x), seeds) for x in xs]
            values = np.array(list(pool.map(_mean_open_score, tasks)) if pool
                              else [_mean_open_score(t) for t in tasks])
            order = np.argsort(-values, kind="stable")
            if values[order[0]] > best_value:
                best, best_value = _from_unit(xs[order[0]]), float(values[order[0]])
            top = xs[order[:n_elite]]
            mean, spread = top.mean(0), np.maximum(top.std(0), 0.02)
            history.append(float(values[order[0]]))
    finally:
        if pool:
            pool.shutdown()
    return {"style": best, "train_score": best_value, "history": history,
            "changed": {f.name: getattr(best, f.name) for f in fields(Style)
                        if getattr(best, f.name) != getattr(NEEDS_STYLE, f.name)}}


# --- the probe --------------------------------------------------------------------------------

#: A degenerate strategy must stay this many points below the expert.
DEGENERATE_MARGIN = 10.0
#: The searched best may beat the expert by at most this many points.
SEARCH_MARGIN = 3.0
#: Each lesson behaviour of the searched best must be worth at least this many points.
ABLATION_MIN = 1.0


def _gap(values: np.ndarray, expert: np.ndarray) -> dict:
    stats = paired_stats(values - expert)
    return {"mean": stats["mean"], "ci95": stats["ci95"]}


def _ablations() -> list[tuple]:
    """(lesson row, reference params, variant params) of every score lesson of ``needs``."""

    out = []
    for les in LESSONS:
        if les.measure != "score" or not les.variant.startswith("needs/"):
            continue
        ref = VARIANTS[les.reference].params if les.reference in VARIANTS else ()
        out.append((les, ref, VARIANTS[les.variant].params))
    return out


def probe(scenario: Scenario, held_out: Sequence[int], train: Sequence[int], *,
          iterations: int = 6, population: int = 12, search_seed: int = 0,
          jobs: int = 1) -> dict:
    """The probe's report: the degenerate bank, the searched best and its ablation, each
    against ``expert`` on ``held_out`` seeds (paired), the search run on ``train`` seeds.

    {"strategies": [{"id", "kind", "played", "grade", "open_gap": {"mean", "ci95"},
    "profit_gap_pct", "ok"}], "search": {...}, "ablation": [{"id", "lesson", "title",
    "title_zh", "cost": {"mean", "ci95"}, "ok"} or with "reason" where n/a]}.
    ``ok``: a degenerate strategy stays DEGENERATE_MARGIN below the expert, the searched
    best at most SEARCH_MARGIN above it, each ablation costs at least ABLATION_MIN.
    """

    held_out, train = list(held_out), list(train)
    if set(held_out) & set(train):
        raise ValueError("the held-out seeds must not include training seeds")
    # From the expert: the search asks "is there anything better nearby", and the expert
    # itself is its first candidate.
    found = cross_entropy_search([scenario], train, iterations=iterations,
                                 population=population, seed=search_seed, jobs=jobs,
                                 start=EXPERT_STYLE)
    best = found["style"]
    runs: dict[str, Callable] = {"expert": POLICIES["expert"], "searched-best": StyledPolicy(best)}
    runs.update({d: Degenerate(d) for d in DEGENERATE})
    ablations = _ablations()
    for les, ref, var in ablations:
        runs.setdefault(f"ablation-ref:{les.id}", StyledPolicy(best, ref))
        runs[f"ablation:{les.id}"] = StyledPolicy(best, var)
    res = balance(scenario, held_out, runs, jobs=jobs)
    expert = res["expert"]
    few = held_out[: min(len(held_out), 20)]
    rows = []
    for name in ["searched-best", *DEGENERATE]:
        r = res[name]
        gap = _gap(r["open_score"], expert["open_score"])
        kind = "searched" if name == "searched-best" else "degenerate"
        ok = (gap["mean"] <= SEARCH_MARGIN if kind == "searched"
              else gap["ci95"][1] <= -DEGENERATE_MARGIN)
        rows.append({
            "id": name, "kind": kind,
            "played": played_summary(scenario, runs[name], few),
            "grade": float(r["score"].mean()),
            "open_gap": gap,
            "profit_gap_pct": 100.0 * float(r["profit"].mean() - expert["profit"].mean())
            / max(abs(float(expert["profit"].mean())), 1e-9),
            "ok": bool(ok),
        })
    ablation = []
    for les, ref, _ in ablations:
        row = {"id": les.id, "lesson": les.lesson, "title": les.title,
               "title_zh": les.title_zh}
        reason = les.why_not(scenario) if les.why_not else None
        base = res[f"ablation-ref:{les.id}"]["open_score"] if ref else res["searched-best"][
            "open_score"]
        broken = res[f"ablation:{les.id}"]["open_score"]
        if reason is None and np.array_equal(base, broken):
            reason = "the variant plays exactly like the searched best here"
        if reason is not None:
            ablation.append({**row, "ok": None, "reason": reason, "cost": None})
            continue
        cost = _gap(base, broken)
        ablation.append({**row, "cost": cost, "ok": bool(cost["mean"] >= ABLATION_MIN)})
    return {
        "expert": {"grade": float(expert["score"].mean()),
                   "open_score": float(expert["open_score"].mean())},
        "search": {"iterations": iterations, "population": population, "seed": search_seed,
                   "train_seeds": [train[0], len(train)] if train else [],
                   "train_score": found["train_score"], "history": found["history"],
                   "style": asdict(best), "changed": found["changed"]},
        "strategies": rows,
        "ablation": ablation,
    }


def search_expert_style(scenarios: Sequence[Scenario], held_out: Sequence[int],
                        train: Sequence[int], *, iterations: int = 12, population: int = 16,
                        search_seed: int = 0, jobs: int = 1) -> dict:
    """Search one ``Style`` for all ``scenarios`` (mean open score on ``train``, from the
    current ``EXPERT_STYLE``) and check it on ``held_out`` against today's ``expert`` and
    ``needs``: how ``EXPERT_STYLE`` is re-derived after the model changes.

    {"style": {...}, "changed": {field: value differing from EXPERT_STYLE}, "literal":
    Python source for EXPERT_STYLE, "cases": [{"scenario", "gap_to_expert",
    "gap_to_needs"}]} with gaps in open-score points {"mean", "ci95"}.
    """

    held_out, train = list(held_out), list(train)
    if set(held_out) & set(train):
        raise ValueError("the held-out seeds must not include training seeds")
    found = cross_entropy_search(scenarios, train, iterations=iterations,
                                 population=population, seed=search_seed, jobs=jobs,
                                 start=EXPERT_STYLE)
    style = _rounded(found["style"])
    cases = []
    for sc in scenarios:
        res = balance(sc, held_out, {"found": StyledPolicy(style), "expert": POLICIES["expert"],
                                     "needs": POLICIES["needs"]}, jobs=jobs)
        cases.append({"scenario": sc.id,
                      "gap_to_expert": _gap(res["found"]["open_score"],
                                            res["expert"]["open_score"]),
                      "gap_to_needs": _gap(res["found"]["open_score"],
                                           res["needs"]["open_score"])})
    changed = {f.name: getattr(style, f.name) for f in fields(Style)
               if getattr(style, f.name) != getattr(NEEDS_STYLE, f.name)}
    literal = "EXPERT_STYLE = Style(\n" + "".join(
        f"    {k}={v!r},\n" for k, v in changed.items()) + ")"
    return {"style": asdict(style), "changed": changed, "literal": literal, "cases": cases}


def _rounded(style: Style) -> Style:
    """A style with readable values: two significant digits, stale_after whole quarters
    (a reading's age is a whole number of quarters)."""

    def two(v: float) -> float:
        return float(f"{v:.2g}")

    values = {f: two(getattr(style, f)) for f, _, _ in SEARCH_SPACE}
    values["stale_after"] = float(np.ceil(style.stale_after))
    return replace(style, **values)
