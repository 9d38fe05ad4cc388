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
    LESSONS,
    SENSITIVITY_PARAMS,
    Z95,
    balance,
    lesson_policies,
    lesson_table,
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


def _synthetic(scenario):
    """Four seeds, every strategy the lessons need; differences easy to compute by hand."""

    names = list(lesson_policies())
    base = np.array([10.0, 12.0, 11.0, 13.0])
    res = {p: {"score": base - 1.0, "profit": base * 100, "bad_debt": np.zeros(4)}
           for p in names}
    res["needs"] = {"score": base.copy(), "profit": base * 100, "bad_debt": np.zeros(4)}
    res["needs/economic-buyer-only"] = {k: v.copy() for k, v in res["needs"].items()}
    res["needs/even-weights"]["score"] = base - np.array([2.0, 3.0, 1.0, 4.0])
    res["needs/no-surveys"]["score"] = base - np.array([1.0, 1.0, 1.0, 1.5])  # gap < 2
    res["needs/discounts"]["profit"] = base * 100 - np.array([100.0, 200.0, 100.0, 200.0])
    res["uniform"]["score"] = base - 3.0  # the worst built-in but random
    res["random"]["score"] = base - 3.0 - np.array([2.0, 3.0, 1.0, 4.0])
    return res


def test_lesson_table_hand_computed(tutorial):
    rows = {r["id"]: r for r in lesson_table(_synthetic(tutorial), tutorial)}
    assert list(rows) == [les.id for les in LESSONS]

    focus = rows["focus"]  # diffs 2, 3, 1, 4
    sd = math.sqrt(5 / 3)
    half = Z95 * sd / 2
    assert focus["reference"] == "needs" and focus["variant"] == "needs/even-weights"
    assert focus["n"] == 4 and focus["measure"] == "score"
    assert focus["diff"] == pytest.approx(2.5)
    assert focus["sd"] == pytest.approx(sd)
    assert focus["ci95"] == pytest.approx([2.5 - half, 2.5 + half])
    assert focus["d"] == pytest.approx(2.5 / sd)
    assert focus["share_of_seeds"] == 1.0
    assert focus["holds"] is (2.5 - half > 0)

    discover = rows["discover"]  # a clear CI but a gap below 2 points: does not hold
    assert discover["diff"] == pytest.approx(1.125) and discover["ci95"][0] > 0
    assert discover["holds"] is False

    price = rows["price-profit"]  # in per cent of the variant's mean profit
    variant_mean = (base_mean := 11.5 * 100) - 150.0
    assert price["diff"] == pytest.approx(100 * 150.0 / variant_mean)
    assert base_mean > variant_mean

    rnd = rows["random"]  # against the worst other built-in
    assert rnd["reference"] == "uniform" and rnd["diff"] == pytest.approx(2.5)

    # credit terms are not an action in the tutorial: n/a, with the reason
    for lesson_id in ("credit-needs-bad-debt", "credit-uniform-score"):
        row = rows[lesson_id]
        assert row["holds"] is None and "credit_days" in row["reason"]
        assert row["diff"] is None and row["ci95"] is None
    # a variant that plays exactly like its reference: n/a, with the reason
    assert rows["buying-center"]["holds"] is None
    assert "plays exactly like" in rows["buying-center"]["reason"]


def test_lesson_table_edge_cases(tutorial):
    res = _synthetic(tutorial)
    # the same gap on every seed: sd 0, d undefined, the interval collapses on the mean
    res["executive"]["score"] = res["needs"]["score"] - 2.0
    row = {r["id"]: r for r in lesson_table(res, tutorial)}["executive"]
    assert row["sd"] == 0.0 and row["d"] is None and row["ci95"] == [2.0, 2.0]
    assert row["holds"] is True  # exactly the minimum gap
    # every strategy must be there, on the same seeds
    with pytest.raises(ValueError, match="needs/even-weights"):
        lesson_table({p: r for p, r in res.items() if p != "needs/even-weights"}, tutorial)
    res["needs/even-weights"] = {k: v[:3] for k, v in res["needs/even-weights"].items()}
    with pytest.raises(ValueError, match="same seeds"):
        lesson_table(res, tutorial)


def test_bootstrap_is_reproducible_and_seeded():
    diff = np.random.default_rng(1).normal(1.0, 2.0, 300)
    a, b = paired_stats(diff), paired_stats(diff)
    assert a == b
    assert paired_stats(diff, seed=2)["ci95_boot"] != a["ci95_boot"]
    # the bootstrap and the normal interval agree closely on well-behaved data
    assert a["ci95_boot"] == pytest.approx(a["ci95"], abs=0.1)


def test_lesson_variants_run_in_workers_identically(tutorial, monkeypatch):
    """The variants cross into spawned workers (they pickle) and give the same games."""

    monkeypatch.setattr(sim, "CHUNK", 8)
    few = {k: lesson_policies()[k] for k in ("needs/no-surveys", "needs/half-bursts")}
    assert _same(balance(tutorial, SEEDS[:16], few, jobs=1),
                 balance(tutorial, SEEDS[:16], few, jobs=2))


# --- sensitivity --------------------------------------------------------------------------


def test_sensitivity_one_row_per_param_and_scenario_untouched(tutorial):
    before = tutorial.model_dump()
    rows = sensitivity(tutorial, range(1, 9))
    assert tutorial.model_dump() == before
    assert [r["param"] for r in rows] == list(SENSITIVITY_PARAMS)
    for r in rows:
        base = getattr(tutorial.model, r["param"])
        assert r["base"] == base
        hi = sim._bounds(r["param"])[1]  # a value past the range stops at its bound
        assert r["low"] == pytest.approx(base * 0.8)
        assert r["high"] == pytest.approx(min(base * 1.2, hi))
        assert r["clamped"] == (base * 1.2 > hi)
        assert set(r["score"]) == set(r["gap"]) == {"low", "base", "high"}
        assert r["gap"]["base"] == pytest.approx(r["score"]["base"] - r["baseline_score"]["base"])
        assert isinstance(r["keeps_sign"], bool)
        assert r["runs"] == 8 and r["policy"] == "needs" and r["baseline"] == "uniform"
    # every variant shares the base run
    assert len({r["score"]["base"] for r in rows}) == 1


def test_sensitivity_clamps_and_validates(tutorial):
    (row,) = sensitivity(tutorial, range(1, 4), params=["trust_down"], factor=0.9)
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
