"""Headless batch runs: many seeds of one scenario under a policy, summarised.

Games run along the batch axis in chunks, so a run of thousands of games costs a handful
of numpy calls per quarter. The results depend only on (scenario, policy, seeds).

``balance`` plays every policy on the same seeds (common random numbers), optionally in
worker processes; ``lesson_checks`` and ``lesson_stats`` test DESIGN §2's lessons on its
result (``lesson_stats`` with paired per-seed differences, confidence intervals and effect
sizes); ``sensitivity`` re-runs a scenario with its main model constants nudged up and
down to show how much the outcome, and the lessons, hang on them.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import numpy as np

from .game import Batch
from .policies import POLICIES, Policy, decide, get_policy
from .scenario import Model, Scenario, hint

#: Per-run figures reported by simulate and balance.
RUN_METRICS = (
    "score",
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


def run(
    scenario: Scenario,
    policy: Policy,
    seeds: Sequence[int],
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Play one game per seed with ``policy``; returns each metric as an array over runs."""

    out: dict[str, list[np.ndarray]] = {m: [] for m in RUN_METRICS}
    seeds = list(seeds)
    for start in range(0, len(seeds), CHUNK):
        batch = Batch(scenario, seeds[start : start + CHUNK])
        while not batch.over:
            batch.step(decide(policy, batch.view(), scenario, batch.static))
        totals = batch.totals()
        totals["score"] = batch.score()[0]
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


# --- DESIGN §2's lessons ------------------------------------------------------------------

#: Lessons that are moot when the scenario does not allow the action they are about.
_NEEDS_ACTION = {"risk": "credit_days", "price": "discount"}

#: Two-policy lessons: (lesson, claim, left, right, metric); the claim is left > right.
_PAIRS = (
    ("focus", "focus beats uniform", "focus", "uniform", "score"),
    ("price", "discount earns less profit than needs", "needs", "discount", "profit"),
    ("buying-center", "executive scores below needs", "needs", "executive", "score"),
    ("risk", "lax-credit has more bad debt than needs", "lax-credit", "needs", "bad_debt"),
)


def _applies(lesson: str, scenario: Scenario | None) -> bool:
    action = _NEEDS_ACTION.get(lesson)
    return scenario is None or not action or action in scenario.actions


def lesson_checks(results: Results, scenario: Scenario | None = None) -> list[dict]:
    """DESIGN §2's lessons as checks on a balance result (means over the same seeds).

    ``holds`` is None where the scenario does not allow the action a check is about.
    See ``lesson_stats`` for the same checks with per-seed statistics.
    """

    mean = {p: {m: float(v.mean()) for m, v in r.items()} for p, r in results.items()}

    def check(lesson, claim, holds, left, right, metric):
        holds = bool(holds) if _applies(lesson, scenario) else None
        return {"lesson": lesson, "claim": claim, "holds": holds, "metric": metric,
                "left": left, "right": right,
                "gap": mean[left][metric] - mean[right][metric]}

    out = []
    if "needs" in mean:
        best = max(mean, key=lambda p: mean[p]["score"])
        out.append(check("discover", "needs scores highest", best == "needs", "needs", best, "score"))
    for lesson, claim, left, right, metric in _PAIRS:
        if left in mean and right in mean:
            out.append(check(lesson, claim, mean[left][metric] > mean[right][metric],
                             left, right, metric))
    if "random" in mean:
        worst = min(mean, key=lambda p: mean[p]["score"])
        out.append(check("random", "random is worst", worst == "random", "random", worst, "score"))
    return out


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


def lesson_stats(results: Results, scenario: Scenario | None = None) -> list[dict]:
    """``lesson_checks`` with statistics over the per-seed paired differences.

    One row per check, in ``lesson_checks``' order. ``diff`` is left − right seed by seed
    (all policies ran on the same seeds); ``direction`` is +1 when the lesson says left is
    higher, −1 when it says lower ("random is worst": random − the next-worst policy).
    "needs scores highest" compares needs with the best *other* policy (the runner-up).
    Fields: lesson, claim, metric, left, right, direction, left_mean, right_mean, and those
    of ``paired_stats`` (n, mean, sd, ci95, ci95_boot, d, share, significant); ``holds`` is
    ``significant``, or None where the scenario lacks the action the lesson is about.
    """

    mean = {p: float(r["score"].mean()) for p, r in results.items()}
    rows: list[tuple[str, str, str, str, str, int]] = []
    others = [p for p in results if p != "needs"]
    if "needs" in results and others:
        best = max(others, key=lambda p: mean[p])
        rows.append(("discover", "needs scores highest", "needs", best, "score", 1))
    for lesson, claim, left, right, metric in _PAIRS:
        if left in results and right in results:
            rows.append((lesson, claim, left, right, metric, 1))
    others = [p for p in results if p != "random"]
    if "random" in results and others:
        worst = min(others, key=lambda p: mean[p])
        rows.append(("random", "random is worst", "random", worst, "score", -1))

    out = []
    for lesson, claim, left, right, metric, direction in rows:
        a = np.asarray(results[left][metric], dtype=float)
        b = np.asarray(results[right][metric], dtype=float)
        if a.shape != b.shape:
            raise ValueError(f"{left} and {right} were not run on the same seeds")
        stats = paired_stats(a - b, direction)
        out.append({
            "lesson": lesson, "claim": claim, "metric": metric, "left": left, "right": right,
            "direction": direction, "left_mean": float(a.mean()), "right_mean": float(b.mean()),
            **stats,
            "holds": stats["significant"] if _applies(lesson, scenario) else None,
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
