"""kam-sandbox calibrate: stylised facts measured from the engine's outputs, on a few seeds
(the real check is ``kam-sandbox calibrate SCENARIO --runs 300``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kam_sandbox.engine import load_scenario
from kam_sandbox.engine.calibrate import FACTS, Fact, calibrate, fact
from kam_sandbox.engine.simulate import with_model

SEEDS = range(2000, 2016)
REQUIRED = {
    "effort_elasticity_short", "very_satisfied_share", "defection_ratio_4_vs_5",
    "price_elasticity_long", "carryover_half_life", "default_ratio_lax",
    "bad_debt_disciplined", "bad_debt_lax", "overdue_share_lax", "top20_revenue_share",
}


def _value(result: dict, fact_id: str) -> float:
    return next(r["value"] for r in result["facts"] if r["id"] == fact_id)


def test_every_required_fact_is_measured_with_its_target_and_source():
    out = calibrate(load_scenario("distributors"), SEEDS)
    assert out["strategy"] == "expert" and out["runs"] == len(SEEDS)
    assert {r["id"] for r in out["facts"]} >= REQUIRED | {"seed_variance_share"}
    for row in out["facts"]:
        assert set(row) >= {"id", "value", "target", "ok", "source"}, row["id"]
        lo, hi = row["target"]
        assert lo is None or hi is None or lo < hi
        assert row["source"] and isinstance(row["ok"], bool)
        assert row["value"] is None or isinstance(row["value"], float)


def test_same_seeds_same_facts_in_one_process_or_several():
    sc = load_scenario("lending")
    ids = ["default_ratio_lax", "bad_debt_lax", "carryover_half_life"]
    one = calibrate(sc, SEEDS, facts=ids)
    assert calibrate(sc, SEEDS, facts=ids) == one
    assert calibrate(sc, SEEDS, facts=ids, jobs=2) == one


def test_a_fact_the_case_does_not_exercise_is_na_with_a_reason():
    out = calibrate(load_scenario("tutorial"), SEEDS, facts=["bad_debt_lax"])
    (row,) = out["facts"]
    assert row["ok"] is None and row["value"] is None and "credit_days" in row["reason"]


def test_the_strategy_is_a_parameter_and_named_in_the_output():
    sc = load_scenario("distributors")
    out = calibrate(sc, SEEDS, strategy="uniform", facts=["very_satisfied_share"])
    assert out["strategy"] == "uniform"
    assert out != calibrate(sc, SEEDS, facts=["very_satisfied_share"])
    with pytest.raises(ValueError, match="unknown policy"):
        calibrate(sc, SEEDS, strategy="nonsense")


@pytest.mark.parametrize("fact_id, change, low, high", [
    # A steeper Jones & Sasser curve widens the gap between "satisfied" and "very satisfied".
    ("defection_ratio_4_vs_5", "churn_ratio", 2.0, 12.0),
    # Effort that lingers longer makes a pulse's effect fade more slowly.
    ("carryover_half_life", "carryover", 0.1, 0.7),
])
def test_a_mis_set_model_moves_its_fact_the_right_way(fact_id, change, low, high):
    sc = load_scenario("distributors")
    # Under needs, whose plan does not adapt to the pulse the way expert's searched style does.
    lo = _value(calibrate(with_model(sc, **{change: low}), SEEDS, "needs", [fact_id]), fact_id)
    hi = _value(calibrate(with_model(sc, **{change: high}), SEEDS, "needs", [fact_id]), fact_id)
    assert hi > lo


def test_adding_a_fact_is_one_function():
    @fact("test_mean_profit", (0.0, float("inf")), "a test", ("base",))
    def _profit(base):
        return float(base.profit.sum(1).mean())

    try:
        out = calibrate(load_scenario("tutorial"), SEEDS, facts=["test_mean_profit"])
        assert isinstance(FACTS["test_mean_profit"], Fact)
        assert out["facts"][0]["ok"] is True and out["facts"][0]["target"] == [0.0, None]
    finally:
        del FACTS["test_mean_profit"]


def test_cli_prints_the_table_in_the_users_language_and_json():
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "kam_sandbox", "calibrate", "retail",
                               "--runs", "6", *args], capture_output=True, text=True,
                              timeout=600, check=True).stdout

    out = json.loads(cli("--json"))
    assert out["scenario"] == "retail" and {r["id"] for r in out["facts"]} >= REQUIRED
    assert "short-run elasticity" in cli("--lang", "en")
    assert "短期弹性" in cli("--lang", "zh")
