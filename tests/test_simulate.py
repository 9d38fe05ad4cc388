"""Batch runs: parallel balance, lesson statistics and sensitivity (engine.simulate)."""

from __future__ import annotations

import math
import os
import sys
import textwrap

import numpy as np
import pytest
from pydantic import ValidationError

from kam_sandbox.engine import POLICIES, get_policy, load_scenario
from kam_sandbox.engine import simulate as sim
from kam_sandbox.engine.policies import uniform
from kam_sandbox.engine.simulate import (
    SENSITIVITY_PARAMS,
    Z95,
    balance,
    lesson_checks,
    lesson_stats,
    paired_stats,
    sensitivity,
    with_model,
)

SEEDS = list(range(5, 45))


@pytest.fixture(scope="module")
def tutorial():
    return load_scenario("tutorial")


class Count:
    def __init__(self):
        self.total = 0

    def __call__(self, n: int) -> None:
        self.total += n


def _same(a, b) -> bool:
    return list(a) == list(b) and all(
        list(a[p]) == list(b[p]) and all(np.array_equal(a[p][m], b[p][m]) for m in a[p])
        for p in a
    )


# --- parallel balance ---------------------------------------------------------------------


def test_parallel_balance_is_identical_bit_for_bit(tutorial, tmp_path, monkeypatch):
    """jobs=2 equals jobs=1 exactly, across chunk boundaries, for built-in policies, an
    author's module:function (re-resolved in the spawned workers) and a lambda (which
    cannot be pickled, so it runs in the parent)."""

    (tmp_path / "kam_sim_test_policy.py").write_text(textwrap.dedent("""
        from kam_sandbox.engine.policies import focus

        def lazy(view):
            return focus(view)
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # spawned workers inherit sys.path
    monkeypatch.setattr(sim, "CHUNK", 16)  # several seed chunks per policy, cheaply
    policies = {
        "needs": POLICIES["needs"],
        "random": POLICIES["random"],
        "kam_sim_test_policy:lazy": get_policy("kam_sim_test_policy:lazy"),
        "by-name": "uniform",
        "inline": lambda view: uniform(view),
    }
    serial, parallel = Count(), Count()
    one = balance(tutorial, SEEDS, policies, serial, jobs=1)
    two = balance(tutorial, SEEDS, policies, parallel, jobs=2)
    assert _same(one, two)
    assert list(two) == list(policies)
    assert serial.total == parallel.total == len(SEEDS) * len(policies)
    assert np.array_equal(two["by-name"]["score"], balance(tutorial, SEEDS, {"u": uniform})["u"]["score"])
    assert sys.modules["kam_sim_test_policy"]  # resolved here too, by get_policy


def test_jobs_argument(tutorial):
    assert sim._jobs(0) == (os.cpu_count() or 1)
    assert sim._jobs(3) == 3
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="jobs"):
            balance(tutorial, SEEDS[:2], {"needs": POLICIES["needs"]}, jobs=bad)
    # a single piece of work never starts a pool
    res = balance(tutorial, SEEDS[:3], {"needs": POLICIES["needs"]}, jobs=0)
    assert len(res["needs"]["score"]) == 3


# --- lesson statistics --------------------------------------------------------------------


def _synthetic():
    """Four seeds, every policy; scores chosen so the paired differences are easy."""

    z = np.zeros(4)
    score = {
        "needs": [10.0, 12.0, 11.0, 13.0],
        "focus": [9.0, 10.0, 10.0, 11.0],  # runner-up: needs − focus = 1, 2, 1, 2
        "uniform": [7.0, 7.0, 9.0, 7.0],  # focus − uniform = 2, 3, 1, 4
        "discount": [5.0, 6.0, 5.0, 6.0],
        "executive": [8.0, 8.0, 8.0, 8.0],
        "lax-credit": [6.0, 6.0, 6.0, 6.0],
        "random": [4.0, 5.0, 6.0, 4.0],  # random − discount (next-worst) = −1, −1, 1, −2
    }
    profit = {p: np.array(v) * 100 for p, v in score.items()}
    bad_debt = {p: z.copy() for p in score}
    bad_debt["lax-credit"] = np.array([3.0, 0.0, 5.0, 0.0])  # lax − needs = 3, 0, 5, 0
    return {p: {"score": np.array(score[p]), "profit": profit[p], "bad_debt": bad_debt[p]}
            for p in score}


def test_lesson_stats_hand_computed():
    rows = {r["lesson"]: r for r in lesson_stats(_synthetic())}
    assert list(rows) == ["discover", "focus", "price", "buying-center", "risk", "random"]

    focus = rows["focus"]  # diffs 2, 3, 1, 4
    sd = math.sqrt(5 / 3)
    half = Z95 * sd / 2
    assert focus["left"] == "focus" and focus["right"] == "uniform"
    assert focus["n"] == 4 and focus["direction"] == 1
    assert focus["mean"] == pytest.approx(2.5)
    assert focus["sd"] == pytest.approx(sd)
    assert focus["ci95"] == pytest.approx([2.5 - half, 2.5 + half])
    assert focus["d"] == pytest.approx(2.5 / sd)
    assert focus["share"] == 1.0
    assert focus["holds"] is True
    lo, hi = focus["ci95_boot"]
    assert 1.0 <= lo <= 2.5 <= hi <= 4.0

    discover = rows["discover"]  # against the runner-up, not against itself
    assert discover["right"] == "focus"
    assert discover["mean"] == pytest.approx(1.5)
    sd = math.sqrt(1 / 3)
    assert discover["ci95"] == pytest.approx([1.5 - Z95 * sd / 2, 1.5 + Z95 * sd / 2])
    assert discover["d"] == pytest.approx(1.5 / sd)
    assert discover["holds"] is True

    rnd = rows["random"]  # random − next-worst: −1, −1, 1, −2, claim "< 0"
    assert rnd["right"] == "discount" and rnd["direction"] == -1
    assert rnd["mean"] == pytest.approx(-0.75)
    sd = math.sqrt((0.0625 + 0.0625 + 3.0625 + 1.5625) / 3)
    assert rnd["sd"] == pytest.approx(sd)
    assert rnd["share"] == 0.75
    assert rnd["ci95"][1] == pytest.approx(-0.75 + Z95 * sd / 2)
    assert rnd["ci95"][1] > 0 and rnd["holds"] is False  # the interval straddles 0

    risk = rows["risk"]  # 3, 0, 5, 0: half the seeds tie
    assert risk["mean"] == pytest.approx(2.0) and risk["share"] == 0.5

    price = rows["price"]  # needs − discount profit: 500, 600, 600, 700
    assert price["mean"] == pytest.approx(600.0)
    assert price["holds"] is True


def test_lesson_stats_edge_cases(tutorial):
    res = _synthetic()
    # the same values on every seed: sd 0, d undefined, the interval collapses on the mean
    res["executive"]["score"] = res["needs"]["score"] - 2.0
    row = {r["lesson"]: r for r in lesson_stats(res)}["buying-center"]
    assert row["sd"] == 0.0 and row["d"] is None and row["ci95"] == [2.0, 2.0]
    assert row["ci95_boot"] == pytest.approx([2.0, 2.0]) and row["holds"] is True
    # a lesson about an action the scenario lacks is n/a (tutorial: no credit terms)
    assert "credit_days" not in tutorial.actions
    assert {r["lesson"]: r for r in lesson_stats(res, tutorial)}["risk"]["holds"] is None
    # only the policies present are checked
    part = {p: res[p] for p in ("focus", "uniform")}
    assert [r["lesson"] for r in lesson_stats(part)] == ["focus"]
    # seeds must match
    bad = {p: dict(res[p]) for p in ("focus", "uniform")}
    bad["uniform"]["score"] = bad["uniform"]["score"][:3]
    with pytest.raises(ValueError, match="same seeds"):
        lesson_stats(bad)


def test_bootstrap_is_reproducible_and_seeded():
    diff = np.random.default_rng(1).normal(1.0, 2.0, 300)
    a, b = paired_stats(diff), paired_stats(diff)
    assert a == b
    assert paired_stats(diff, seed=2)["ci95_boot"] != a["ci95_boot"]
    # the bootstrap and the normal interval agree closely on well-behaved data
    assert a["ci95_boot"] == pytest.approx(a["ci95"], abs=0.1)


def test_lesson_checks_unchanged():
    checks = {c["lesson"]: c for c in lesson_checks(_synthetic())}
    assert checks["discover"] == {
        "lesson": "discover", "claim": "needs scores highest", "holds": True, "metric": "score",
        "left": "needs", "right": "needs", "gap": 0.0,
    }
    assert checks["random"]["right"] == "random" and checks["random"]["holds"] is True
    assert checks["focus"]["gap"] == pytest.approx(2.5)
    assert checks["risk"]["holds"] is True


def test_lesson_stats_agree_with_lesson_checks_on_a_real_run(tutorial):
    res = balance(tutorial, SEEDS)
    stats = lesson_stats(res, tutorial)
    checks = lesson_checks(res, tutorial)
    assert [s["lesson"] for s in stats] == [c["lesson"] for c in checks]
    for s in stats:
        if s["holds"]:
            c = next(c for c in checks if c["lesson"] == s["lesson"])
            assert c["holds"] is True


# --- sensitivity --------------------------------------------------------------------------


def test_sensitivity_one_row_per_param_and_scenario_untouched(tutorial):
    before = tutorial.model_dump()
    rows = sensitivity(tutorial, range(1, 9))
    assert tutorial.model_dump() == before
    assert [r["param"] for r in rows] == list(SENSITIVITY_PARAMS)
    for r in rows:
        base = getattr(tutorial.model, r["param"])
        assert r["base"] == base
        assert r["low"] == pytest.approx(base * 0.8) and r["high"] == pytest.approx(base * 1.2)
        assert set(r["score"]) == set(r["gap"]) == {"low", "base", "high"}
        assert r["gap"]["base"] == pytest.approx(r["score"]["base"] - r["baseline_score"]["base"])
        assert isinstance(r["keeps_sign"], bool)
        assert r["runs"] == 8 and r["policy"] == "needs" and r["baseline"] == "uniform"
    # every variant shares the base run
    assert len({r["score"]["base"] for r in rows}) == 1


def test_sensitivity_clamps_and_validates(tutorial):
    (row,) = sensitivity(tutorial, range(1, 4), params=["carryover"], factor=0.9)
    assert row["high"] == 1.0 and row["clamped"] is True  # 0.6 × 1.9 is past the bound
    assert row["low"] == pytest.approx(0.06)
    with pytest.raises(ValueError, match="did you mean 'carryover'"):
        sensitivity(tutorial, range(1, 4), params=["carryovr"])
    with pytest.raises(ValueError, match="numeric"):
        sensitivity(tutorial, range(1, 4), params=["stage_caps"])
    with pytest.raises(ValueError, match="factor"):
        sensitivity(tutorial, range(1, 4), factor=1.5)
    with pytest.raises(ValidationError):
        with_model(tutorial, carryover=1.5)
    changed = with_model(tutorial, carryover=0.5)
    assert changed.model.carryover == 0.5 and tutorial.model.carryover != 0.5


def test_sensitivity_parallel_matches_serial(tutorial):
    args = (tutorial, range(1, 6), ["trust_up", "expectation"])
    serial, parallel = Count(), Count()
    assert sensitivity(*args, jobs=2, progress=parallel) == sensitivity(*args, progress=serial)
    assert serial.total == parallel.total == 5 * 2 * (1 + 2 * 2)
