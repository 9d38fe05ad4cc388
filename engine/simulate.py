"""Headless batch runs: many seeds of one scenario under a policy, summarised.

Games run along the batch axis in chunks, so a run of thousands of games costs a handful
of numpy calls per quarter. The results depend only on (scenario, policy, seeds).

``balance`` plays every policy on the same seeds (common random numbers), optionally in
worker processes; ``lesson_table`` tests DESIGN §2's lessons on its result, each as a
strategy against its own variant that breaks just that lesson (paired per-seed
differences, confidence intervals, a minimum gap); ``sensitivity`` re-runs a scenario with its main model constants nudged up and
down to show how much the outcome, and the lessons, hang on them.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from . import kpis
from .game import Batch
from .messages import Msg
from .policies import POLICIES, Policy, Variant, decide, expert, get_policy
from .scenario import Model, Scenario, hint

#: Per-run figures reported by simulate and balance.
RUN_METRICS = (
    "score",
    "luck",
    "open_score",
    "profit",
    "revenue",
    "margin",
    "bad_debt",
    "bad_debt_ratio",
    "satisfaction",
    "nps",
    "retention",
    "share_of_wallet",
    "coverage",
    "dso",
    "hhi",
)

CHUNK = 1024


def play(scenario: Scenario, policy: Policy, seeds: Sequence[int]) -> Batch:
    """A batch of games, one per seed, played to the end with ``policy``."""

    batch = Batch(scenario, list(seeds))
    while not batch.over:
        batch.step(decide(policy, batch.view(), scenario, batch.static))
    return batch


#: The yardstick's totals of the last few (scenario, seeds) played: every strategy of a
#: ``balance`` is graded against the same expert games, played once.
_YARDSTICKS: dict[tuple[int, tuple[int, ...]], tuple[Scenario, dict[str, np.ndarray]]] = {}


def yardstick_totals(scenario: Scenario, seeds: Sequence[int]) -> dict[str, np.ndarray]:
    """The ``expert``'s whole-game totals on ``seeds``: what each world allowed."""

    key = (id(scenario), tuple(int(s) for s in seeds))
    hit = _YARDSTICKS.get(key)
    if hit is None or hit[0] is not scenario:
        if len(_YARDSTICKS) >= 8:
            _YARDSTICKS.pop(next(iter(_YARDSTICKS)))
        hit = _YARDSTICKS[key] = (scenario, play(scenario, expert, seeds).totals())
    return hit[1]


def run(
    scenario: Scenario,
    policy: Policy,
    seeds: Sequence[int],
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Play one game per seed with ``policy``; returns each metric as an array over runs.
    ``score`` is the grade against the expert on the same seed (as a player is graded),
    ``luck`` how much easier than average each seed's world was, in points, and
    ``open_score`` the scorecard against the scenario's fixed targets with no ceiling
    (points beyond a target count: how ``probe`` compares strategies with the expert)."""

    out: dict[str, list[np.ndarray]] = {m: [] for m in RUN_METRICS}
    seeds = list(seeds)
    for start in range(0, len(seeds), CHUNK):
        chunk = seeds[start : start + CHUNK]
        batch = play(scenario, policy, chunk)
        totals = batch.totals()
        reference = yardstick_totals(scenario, chunk)
        totals["score"] = kpis.score(batch.static, totals, reference=reference)[0]
        totals["luck"] = kpis.score(batch.static, reference, ceiling=None)[0] - 100.0
        totals["open_score"] = kpis.score(batch.static, totals, ceiling=None)[0]
        for m in RUN_METRICS:
            out[m].append(totals[m][:, 0])
        if progress:
            progress(batch.size)
    return {m: np.concatenate(v) for m, v in out.items()}


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation and a 95 % interval of the mean."""

    n = len(values)
    std = float(values.std(ddof=1)) if n > 1 else 0.0
    half = 1.96 * std / np.sqrt(n) if n > 1 else 0.0
    mean = float(values.mean())
    return {
        "mean": mean,
        "std": std,
        "ci95": [mean - half, mean + half],
        "min": float(values.min()),
        "max": float(values.max()),
    }




# --- balance, optionally over worker processes ------------------------------------------

Results = dict[str, dict[str, np.ndarray]]

#: Per worker process: scenarios as plain dicts (sent once, at start-up) and as validated
#: models (rebuilt on first use).
_WORKER_DUMPS: dict[Hashable, dict] = {}
_WORKER_SCENARIOS: dict[Hashable, Scenario] = {}


def _init_worker(dumps: dict[Hashable, dict]) -> None:
    import signal

    # Ctrl-C is the parent's to handle; workers finish their chunk and are shut down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_DUMPS.clear()
    _WORKER_DUMPS.update(dumps)
    _WORKER_SCENARIOS.clear()


def _worker_run(key: Hashable, policy: str | Policy, seeds: list[int]) -> dict[str, np.ndarray]:
    if key not in _WORKER_SCENARIOS:
        _WORKER_SCENARIOS[key] = Scenario.model_validate(_WORKER_DUMPS[key])
    pol = get_policy(policy) if isinstance(policy, str) else policy
    return run(_WORKER_SCENARIOS[key], pol, seeds)


def _jobs(jobs: int) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be 0 (one per CPU) or a positive whole number, got {jobs!r}")
    return (os.cpu_count() or 1) if jobs == 0 else jobs


def _resolve(policy: str | Policy) -> Policy:
    return get_policy(policy) if isinstance(policy, str) else policy


def _sendable(name: str, policy: str | Policy) -> str | Policy | None:
    """How to name ``policy`` to a spawned worker: a name ``get_policy`` resolves there (a
    built-in or ``module:function``), the function itself if it pickles (by reference), or
    None if it cannot cross a process boundary (a lambda, a closure): it then runs here."""

    if isinstance(policy, str):
        return policy
    try:
        if get_policy(name) is policy:
            return name
    except Exception:  # an author's module may fail to import under the key's name
        pass
    try:
        pickle.dumps(policy)
    except Exception:
        return None
    return policy


def _run_many(
    scenarios: dict[Hashable, Scenario],
    tasks: Sequence[tuple[Hashable, str, str | Policy]],
    seeds: Sequence[int],
    jobs: int,
    progress: Callable[[int], None] | None,
) -> dict[tuple[Hashable, str], dict[str, np.ndarray]]:
    """Run every (scenario key, policy name, policy) task on ``seeds``.

    With ``jobs`` > 1 the work is cut into (task, seed-chunk) pieces on the same CHUNK
    boundaries ``run`` uses, so every game is played in exactly the batch it would be
    played in serially: the results are identical bit for bit, whatever the job count.
    Workers are spawned (never forked) and rebuild each scenario from ``model_dump()``.
    """

    jobs = _jobs(jobs)
    seeds = list(seeds)
    chunks = [seeds[i : i + CHUNK] for i in range(0, len(seeds), CHUNK)]
    pieces = [(t, c) for t in range(len(tasks)) for c in range(len(chunks))]
    if jobs <= 1 or len(pieces) <= 1:
        return {
            (key, name): run(scenarios[key], _resolve(pol), seeds, progress)
            for key, name, pol in tasks
        }

    sendable = [_sendable(name, pol) for _, name, pol in tasks]
    remote = [p for p in pieces if sendable[p[0]] is not None]
    local = [p for p in pieces if sendable[p[0]] is None]
    parts: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    if remote:
        used = {tasks[t][0] for t, _ in remote}
        pool = ProcessPoolExecutor(
            max_workers=min(jobs, len(remote)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=({key: scenarios[key].model_dump() for key in used},),
        )
        try:
            futures = {
                pool.submit(_worker_run, tasks[t][0], sendable[t], chunks[c]): (t, c)
                for t, c in remote
            }
            for t, c in local:  # unpicklable policies run here while the workers work
                parts[t, c] = run(scenarios[tasks[t][0]], _resolve(tasks[t][2]), chunks[c],
                                  progress)
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    t, c = futures[fut]
                    parts[t, c] = fut.result()
                    if progress:
                        progress(len(chunks[c]))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    else:
        for t, c in local:
            parts[t, c] = run(scenarios[tasks[t][0]], _resolve(tasks[t][2]), chunks[c], progress)
    return {
        (key, name): {
            m: np.concatenate([parts[t, c][m] for c in range(len(chunks))]) for m in RUN_METRICS
        }
        for t, (key, name, _) in enumerate(tasks)
    }


def balance(
    scenario: Scenario,
    seeds: Sequence[int],
    policies: dict[str, Policy | str] | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> Results:
    """Every policy on the same seeds (common random numbers make the comparison fair).

    ``policies`` maps names to policy functions or to names ``get_policy`` resolves
    (built-in or ``module:function``); default: every built-in. ``progress`` is called with
    the number of games finished, chunk by chunk. ``jobs`` > 1 spreads (policy, seed-chunk)
    pieces over that many spawned worker processes (0: one per CPU); the results are
    identical to ``jobs=1``. As with any ``multiprocessing`` code, a script that calls this
    with ``jobs`` > 1 needs an ``if __name__ == "__main__":`` guard.
    """

    tasks = [(0, name, pol) for name, pol in (policies or POLICIES).items()]
    out = _run_many({0: scenario}, tasks, seeds, jobs, progress)
    return {name: out[0, name] for _, name, _ in tasks}


# --- DESIGN §2's lessons as paired checks ---------------------------------------------------
# A lesson is true when a strategy beats its own variant that breaks just that lesson, on
# the same seeds (common random numbers), by a clear margin.

#: Strategies that break one lesson each (parameters of the built-ins, not copies of them).
#: The built-in "lax-credit" is uniform with the longest terms.
VARIANTS: dict[str, Variant] = {
    "needs/even-weights": Variant("needs", (("even_weights", True),)),
    "needs/no-surveys": Variant("needs", (("surveys", "never"),)),
    "needs/one-survey": Variant("needs", (("surveys", "once"),)),
    "needs/economic-buyer-only": Variant("needs", (("economic_only", True),)),
    "needs/discounts": Variant("needs", (("discount_share", 0.4),)),
    "needs/longest-terms": Variant("needs", (("terms", "longest"),)),
    "needs/proportional-supply": Variant("needs", (("rationing", "proportional"),)),
    "needs/small-first-supply": Variant("needs", (("rationing", "small-first"),)),
    "needs/half-steady": Variant("needs", (("intensity", 0.5),)),
    "needs/half-bursts": Variant("needs", (("intensity", 0.5), ("pace", "bursts"))),
    "needs/half-late": Variant("needs", (("intensity", 0.5), ("pace", "late"))),
}

#: Smallest gap for a lesson to hold, per measure: score points, per cent of the variant's
#: profit; for bad debt a reliable increase (the confidence interval) is enough.
MIN_GAP = {"score": 2.0, "profit": 3.0, "bad_debt": 0.0}


def _not_offered(*actions: str) -> Callable[[Scenario], str | None]:
    def why(sc: Scenario) -> str | None:
        if not any(a in sc.actions for a in actions):
            return Msg("lesson.not_offered", actions=" / ".join(actions))
        return None
    return why


def _one_account(sc: Scenario) -> str | None:
    return Msg("lesson.one_account") if len(sc.accounts) < 2 else None


def _no_shortage(sc: Scenario) -> str | None:
    if "supply" not in sc.actions:
        return Msg("lesson.not_offered", actions="supply")
    peaks = {(sc.start_quarter - 1 + t) % 4 + 1 for t in range(sc.turns)}
    if sc.supply.capacity >= 1 or not peaks & set(sc.supply.peak_quarters):
        return Msg("lesson.no_shortage")
    return None


def _no_drift_time(sc: Scenario) -> str | None:
    return _not_offered("survey")(sc) or (
        Msg("lesson.short_for_drift") if sc.turns <= 4 else None)


def _short_game(sc: Scenario) -> str | None:
    return Msg("lesson.one_quarter") if sc.turns < 2 else None


def _no_discount(sc: Scenario) -> str | None:
    return _not_offered("discount")(sc) or (
        Msg("lesson.no_discount") if sc.limits.max_discount <= 0 else None)


@dataclass(frozen=True)
class Lesson:
    """One paired check: ``reference`` should beat ``variant`` on ``measure``."""

    id: str
    lesson: str  # the DESIGN §2 lesson it tests
    title: str
    title_zh: str
    reference: str  # a policy name; "worst-sensible": the worst of SENSIBLE
    variant: str
    measure: str  # "score", "profit" or "bad_debt" (for bad debt: the variant has more)
    why_not: Callable[[Scenario], str | None] | None = None


LESSONS: tuple[Lesson, ...] = (
    Lesson("focus", "focus", "Focus (80/20): needs beats needs with even account weights",
           "聚焦（80/20）：需求导向胜过平均分配客户权重的需求导向",
           "needs", "needs/even-weights", "score", _one_account),
    Lesson("discover", "discover", "Discover before you invest: needs beats needs never surveying",
           "先了解再投入：需求导向胜过从不调研的需求导向",
           "needs", "needs/no-surveys", "score", _not_offered("survey")),
    Lesson("buying-center", "buying-center",
           "Work the whole buying center: needs beats needs talking to the economic buyer only",
           "覆盖整个采购中心：需求导向胜过只找经济决策者的需求导向",
           "needs", "needs/economic-buyer-only", "score", _not_offered("am_days", "exec_days")),
    Lesson("price-profit", "price", "Price is not loyalty: discounts cost needs profit",
           "价格不等于忠诚：折扣让需求导向少赚利润",
           "needs", "needs/discounts", "profit", _no_discount),
    Lesson("price-score", "price", "Price is not loyalty: discounts cost needs score",
           "价格不等于忠诚：折扣让需求导向得分更低",
           "needs", "needs/discounts", "score", _no_discount),
    Lesson("credit-needs-bad-debt", "risk", "Control risk: the longest terms bring needs more bad debt",
           "控制风险：最长账期让需求导向坏账更多",
           "needs", "needs/longest-terms", "bad_debt", _not_offered("credit_days")),
    Lesson("credit-needs-score", "risk", "Control risk: the longest terms cost needs score",
           "控制风险：最长账期让需求导向得分更低",
           "needs", "needs/longest-terms", "score", _not_offered("credit_days")),
    Lesson("credit-uniform-bad-debt", "risk",
           "Control risk: the longest terms bring uniform more bad debt",
           "控制风险：最长账期让平均用力坏账更多",
           "uniform", "lax-credit", "bad_debt", _not_offered("credit_days")),
    Lesson("credit-uniform-score", "risk", "Control risk: the longest terms cost uniform score",
           "控制风险：最长账期让平均用力得分更低",
           "uniform", "lax-credit", "score", _not_offered("credit_days")),
    Lesson("drift", "drift", "Needs move: needs beats needs surveying only once",
           "需求会变：需求导向胜过只调研一次的需求导向",
           "needs", "needs/one-survey", "score", _no_drift_time),
    Lesson("supply-proportional", "supply",
           "Keep promises: key-first supply beats proportional rationing",
           "信守承诺：优先保障重点客户胜过按比例配货",
           "needs", "needs/proportional-supply", "score", _no_shortage),
    Lesson("supply-small-first", "supply",
           "Keep promises: key-first supply beats serving small accounts first",
           "信守承诺：优先保障重点客户胜过先满足小客户",
           "needs", "needs/small-first-supply", "score", _no_shortage),
    Lesson("compounding-bursts", "compounding",
           "Relationships compound: steady effort beats the same total in bursts",
           "关系会累积：持续投入胜过同样总量的集中突击",
           "needs/half-steady", "needs/half-bursts", "score", _short_game),
    Lesson("compounding-late", "compounding",
           "Relationships compound: steady effort beats the same total started late",
           "关系会累积：持续投入胜过同样总量的迟到投入",
           "needs/half-steady", "needs/half-late", "score", _short_game),
    Lesson("executive", "buying-center", "Courting executives only scores below needs",
           "只攻高层得分低于需求导向", "needs", "executive", "score"),
    Lesson("random", "sanity", "Random play scores below every sensible strategy",
           "随机策略得分低于每个合理策略", "worst-sensible", "random", "score"),
)

#: The strategies random play must lose to. The deliberate lesson-breakers (``discount``,
#: ``executive``, ``lax-credit``) are left out: each plays one bad habit on purpose and is
#: judged by its own check above; random play's mix of good and bad moves may beat a
#: strategy that repeats one bad habit every quarter (lax credit does, by 1-7 points).
SENSIBLE = ("uniform", "focus", "needs", "expert")


def lesson_policies() -> dict[str, Policy]:
    """Every strategy the lesson checks need: the built-ins and their variants."""

    return {**POLICIES, **VARIANTS}


#: Seed of the bootstrap's generator: the same results always give the same intervals.
BOOTSTRAP_SEED = 20_240_601
BOOTSTRAP_RESAMPLES = 1000
Z95 = 1.959963984540054


def paired_stats(
    diff: np.ndarray, direction: int = 1, resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> dict:
    """Statistics of per-seed paired differences for the claim ``direction * diff > 0``.

    ``mean`` and ``sd`` (ddof 1) of the differences; ``ci95``: mean ± 1.96·sd/√n (normal
    approximation); ``ci95_boot``: 2.5 and 97.5 percentiles of ``resamples`` bootstrap means
    drawn with ``numpy.random.default_rng(seed)``; ``d``: Cohen's d for paired data
    (mean / sd; None when sd is 0); ``share``: fraction of seeds where the claim holds
    strictly; ``significant``: the normal CI lies entirely on the claimed side of 0.
    """

    diff = np.asarray(diff, dtype=float)
    n = len(diff)
    if n == 0:
        raise ValueError("no runs to compare")
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n)
    rng = np.random.default_rng(seed)
    block = max(1, 2_000_000 // n)  # cap the index array at ~16 MB
    means = []
    for start in range(0, resamples, block):
        idx = rng.integers(0, n, size=(min(block, resamples - start), n))
        means.append(diff[idx].mean(axis=1))
    lo_b, hi_b = np.percentile(np.concatenate(means), [2.5, 97.5])
    ci = [mean - half, mean + half]
    return {
        "n": n,
        "mean": mean,
        "sd": sd,
        "ci95": ci,
        "ci95_boot": [float(lo_b), float(hi_b)],
        "d": mean / sd if sd > 0 else None,
        "share": float(np.mean(direction * diff > 0)),
        "significant": bool(ci[0] > 0) if direction > 0 else bool(ci[1] < 0),
    }


def lesson_table(results: Results, scenario: Scenario) -> list[dict]:
    """DESIGN §2's lessons as paired checks on a balance result that includes
    ``lesson_policies()`` (all run on the same seeds).

    One row per ``LESSONS`` entry: id, lesson, title, title_zh, reference, variant, measure,
    min_gap, holds, diff, ci95, share_of_seeds and the paired statistics (n, sd, d,
    ci95_boot), oriented so that a positive diff is the lesson's side: reference − variant
    (score points; profit in per cent of the variant's mean profit), variant − reference for
    bad debt. ``holds``: the 95 % CI lies above 0 and diff ≥ min_gap; None with a
    ``reason`` where the case does not exercise the lesson (the action is not offered, or
    the variant plays exactly like the reference here).
    """

    score = {p: float(r["score"].mean()) for p, r in results.items()}
    out = []
    for les in LESSONS:
        reference = les.reference
        if reference == "worst-sensible":
            others = [p for p in SENSIBLE if p in results]
            reference = min(others, key=lambda p: score[p]) if others else "uniform"
        row = {"id": les.id, "lesson": les.lesson, "title": les.title, "title_zh": les.title_zh,
               "reference": reference, "variant": les.variant, "measure": les.measure,
               "min_gap": MIN_GAP[les.measure]}
        missing = [p for p in (reference, les.variant) if p not in results]
        if missing:
            raise ValueError(f"lesson {les.id!r} needs {', '.join(missing)} in the results "
                             f"(run balance with lesson_policies())")
        ref = np.asarray(results[reference][les.measure], dtype=float)
        var = np.asarray(results[les.variant][les.measure], dtype=float)
        if ref.shape != var.shape:
            raise ValueError(f"{reference} and {les.variant} were not run on the same seeds")
        reason = les.why_not(scenario) if les.why_not else None
        if reason is None and np.array_equal(ref, var):
            reason = Msg("lesson.same_play", variant=les.variant, reference=reference)
        if reason is not None:
            out.append({**row, "holds": None, "reason": reason, "diff": None, "ci95": None,
                        "share_of_seeds": None})
            continue
        diff = var - ref if les.measure == "bad_debt" else ref - var
        if les.measure == "profit":
            diff = 100.0 * diff / max(abs(float(var.mean())), 1e-9)
        stats = paired_stats(diff)
        out.append({
            **row,
            "holds": bool(stats["ci95"][0] > 0 and stats["mean"] >= row["min_gap"]),
            "diff": stats["mean"],
            "ci95": stats["ci95"],
            "share_of_seeds": stats["share"],
            "reference_mean": float(ref.mean()),
            "variant_mean": float(var.mean()),
            **{k: stats[k] for k in ("n", "sd", "d", "ci95_boot")},
        })
    return out


# --- sensitivity of the outcome to the model's constants ----------------------------------

#: Model constants that ``sensitivity`` varies by default: the ones the lessons lean on.
SENSITIVITY_PARAMS = (
    "carryover",
    "response_shape",
    "trust_up",
    "trust_down",
    "churn_at_5",
    "share_inertia",
    "rival_level",
    "expectation",
    "discount_effort",
)


def _bounds(param: str) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) of a scalar Model constant."""

    field = Model.model_fields.get(param)
    if field is None or field.annotation is not float:
        scalars = [k for k, f in Model.model_fields.items() if f.annotation is float]
        raise ValueError(f"{param!r} is not a numeric model constant{hint(param, scalars)}")
    lo, hi, lo_open, hi_open = -math.inf, math.inf, False, False
    for m in field.metadata:
        if getattr(m, "ge", None) is not None:
            lo = max(lo, m.ge)
        if getattr(m, "gt", None) is not None:
            lo, lo_open = max(lo, m.gt), True
        if getattr(m, "le", None) is not None:
            hi = min(hi, m.le)
        if getattr(m, "lt", None) is not None:
            hi, hi_open = min(hi, m.lt), True
    return lo, hi, lo_open, hi_open


def with_model(scenario: Scenario, **changes: float) -> Scenario:
    """A copy of ``scenario`` with model constants changed and re-validated (the original,
    a frozen model, is untouched). Raises pydantic's ValidationError on an illegal value."""

    model = Model.model_validate(scenario.model.model_copy(update=changes).model_dump())
    return scenario.model_copy(update={"model": model})


def _nudged(param: str, base: float, factor: float) -> tuple[float, bool]:
    """``base * factor`` clamped into the constant's valid range; (value, clamped)."""

    lo, hi, lo_open, hi_open = _bounds(param)
    value = round(base * factor, 12)
    clamped = min(max(value, lo), hi)
    if lo_open and clamped <= lo:
        clamped = float(np.nextafter(lo, math.inf))
    if hi_open and clamped >= hi:
        clamped = float(np.nextafter(hi, -math.inf))
    return float(clamped), clamped != value


def sensitivity(
    scenario: Scenario,
    seeds: Sequence[int],
    params: Sequence[str] | None = None,
    policy: str | Policy = "needs",
    factor: float = 0.2,
    *,
    baseline: str | Policy = "uniform",
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[dict]:
    """How the outcome hangs on model constants: each of ``params`` (default
    SENSITIVITY_PARAMS) at ×(1 − factor) and ×(1 + factor), clamped to its valid range,
    with ``policy`` and ``baseline`` (names or functions) played on the same ``seeds``
    (100 seeds is plenty). ``jobs`` and ``progress`` work as in ``balance``; the games
    played number len(seeds) × 2 × (1 + 2 × len(params)) (× 1, not 2, when ``policy`` is
    ``baseline``).

    One row per parameter: param, description, base, low, high, clamped (a value hit the
    bound of its range), factor, runs, policy, baseline, and ``{"low", "base", "high"}`` dicts of
    ``score`` and ``profit`` (policy means), ``baseline_score`` and ``gap`` (policy −
    baseline mean score); ``keeps_sign`` is True when the gap has the same sign at low,
    base and high. The scenario itself is not changed.
    """

    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    params = list(SENSITIVITY_PARAMS if params is None else params)
    seeds = list(seeds)
    variants: dict[Hashable, Scenario] = {"base": scenario}
    info = []
    for p in params:
        _bounds(p)  # a clear error for an unknown or non-numeric constant
        base = float(getattr(scenario.model, p))
        low, c_low = _nudged(p, base, 1 - factor)
        high, c_high = _nudged(p, base, 1 + factor)
        keys = {}
        for side, value in (("low", low), ("high", high)):
            keys[side] = (p, side)
            variants[keys[side]] = with_model(scenario, **{p: value})
        info.append((p, base, low, high, c_low or c_high, keys))

    def name_of(pol):
        return pol if isinstance(pol, str) else getattr(pol, "__name__", repr(pol))

    pols = {name_of(policy): policy, name_of(baseline): baseline}
    policy, baseline = name_of(policy), name_of(baseline)
    tasks = [(key, name, pol) for key in variants for name, pol in pols.items()]
    res = _run_many(variants, tasks, seeds, jobs, progress)

    def mean(key, name, metric):
        return float(res[key, name][metric].mean())

    rows = []
    for p, base, low, high, clamped, keys in info:
        sides = {"low": keys["low"], "base": "base", "high": keys["high"]}
        score = {s: mean(k, policy, "score") for s, k in sides.items()}
        base_score = {s: mean(k, baseline, "score") for s, k in sides.items()}
        gap = {s: score[s] - base_score[s] for s in sides}
        signs = {int(np.sign(g)) for g in gap.values()}
        rows.append({
            "param": p,
            "description": Model.model_fields[p].description or "",
            "base": base,
            "low": low,
            "high": high,
            "clamped": clamped,
            "factor": factor,
            "runs": len(seeds),
            "policy": policy,
            "baseline": baseline,
            "score": score,
            "profit": {s: mean(k, policy, "profit") for s, k in sides.items()},
            "baseline_score": base_score,
            "gap": gap,
            "keeps_sign": len(signs) == 1,
        })
    return rows


# --- how much of a grade is luck ---------------------------------------------------------

#: The built-in strategies a sensible trainee might play: the spread of their grades should
#: come from their decisions, not from the seed.
SENSIBLE = ("uniform", "focus", "needs")
#: Most of the grade's variance the seed may explain among SENSIBLE (issue 10's target).
SEED_SHARE_MAX = 0.35


def seed_variance_share(scores: dict[str, np.ndarray]) -> float:
    """Share of the variance of ``scores`` (per strategy, over the same seeds) that the seed
    explains: two-way ANOVA without replication, SS(seeds) / SS(total)."""

    table = np.stack([np.asarray(v, float) for v in scores.values()], 1)  # seeds × strategies
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise ValueError("need at least two seeds and two strategies")
    grand = table.mean()
    total = float(((table - grand) ** 2).sum())
    seeds = float(table.shape[1] * ((table.mean(1) - grand) ** 2).sum())
    return seeds / total if total > 0 else 0.0


def seed_variance_fact(scenario: Scenario, seeds: Sequence[int], *, jobs: int = 1,
                       results: Results | None = None) -> dict:
    """``seed_variance_share`` among SENSIBLE as a calibration fact: {"id", "value",
    "target", "ok", "source"} (the shape of ``kam-sandbox calibrate``). ``results``: a
    balance already played on ``seeds`` that includes SENSIBLE (else they are played)."""

    if results is None or any(p not in results for p in SENSIBLE):
        results = balance(scenario, seeds, {p: POLICIES[p] for p in SENSIBLE}, jobs=jobs)
    value = seed_variance_share({p: results[p]["score"] for p in SENSIBLE})
    return {"id": "seed_variance_share", "value": value, "target": [0.0, SEED_SHARE_MAX],
            "ok": bool(value <= SEED_SHARE_MAX),
            "source": "issue 10: grades reward decisions, not the luck of the draw (two-way "
                      f"ANOVA seeds × {', '.join(SENSIBLE)}, {len(list(seeds))} seeds)"}
