"""``probe``: degenerate strategies and a searched strategy against expert (issue 10), and
the scorecard calibrated to expert (``probe --targets``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from kam_sandbox.engine import load_scenario
from kam_sandbox.engine.actions import validate_actions
from kam_sandbox.engine.game import Batch
from kam_sandbox.engine.loader import resolve
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.engine.probe import DEGENERATE, Degenerate, cross_entropy_search, probe
from kam_sandbox.engine.targets import PROFIT_SPAN, rewrite_scorecard, suggest_targets

HELD = list(range(10001, 10013))
TRAIN = list(range(4))


@pytest.fixture(scope="module")
def report():
    return probe(load_scenario("distributors"), HELD, TRAIN, iterations=1, population=3)


def test_report_shape(report):
    assert {r["id"] for r in report["strategies"]} == {"searched-best", *DEGENERATE}
    for row in report["strategies"]:
        assert {"id", "kind", "played", "grade", "open_gap", "profit_gap_pct", "ok"} <= set(row)
        lo, hi = row["open_gap"]["ci95"]
        assert lo <= row["open_gap"]["mean"] <= hi
    assert report["expert"]["grade"] == pytest.approx(100.0)
    ids = {a["id"] for a in report["ablation"]}
    assert {"focus", "discover", "buying-center", "price-score", "drift"} <= ids
    for row in report["ablation"]:
        assert (row["ok"] is None) == ("reason" in row)
    assert report["search"]["iterations"] == 1 and len(report["search"]["history"]) == 1


def test_a_degenerate_strategy_is_reported_far_below_expert(report):
    rows = {r["id"]: r for r in report["strategies"]}
    for name in ("nothing", "max-discount", "surveys-only", "token-touch"):
        assert rows[name]["open_gap"]["ci95"][1] < -10, name
        assert rows[name]["ok"] is True
        assert rows[name]["grade"] < 60


def test_played_says_what_the_rules_let_through(report):
    rows = {r["id"]: r["played"] for r in report["strategies"]}
    assert not any(rows["token-touch"].values())  # a billionth of a day is no contact
    assert rows["conference-every-quarter"]["conference"] <= 1 / 4 + 1e-9  # once a year
    assert rows["max-discount"]["discount"] > 0 and rows["nothing"]["discount"] == 0


def test_probe_is_deterministic(report):
    again = probe(load_scenario("distributors"), HELD, TRAIN, iterations=1, population=3)
    assert json.dumps(again, sort_keys=True) == json.dumps(report, sort_keys=True)


def test_search_is_the_same_with_worker_processes():
    sc = [load_scenario("tutorial")]
    one = cross_entropy_search(sc, TRAIN, iterations=1, population=3)
    two = cross_entropy_search(sc, TRAIN, iterations=1, population=3, jobs=2)
    assert one == two


def test_training_and_held_out_seeds_must_not_overlap():
    with pytest.raises(ValueError, match="held-out"):
        probe(load_scenario("tutorial"), [1, 2], [2, 3], iterations=1, population=2)


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_the_bank_plays_inside_the_rules(name):
    sc = load_scenario("retail")
    batch = Batch(sc, [1, 2])
    while not batch.over:
        actions = decide(Degenerate(name), batch.view(), sc, batch.static)
        validate_actions(actions, batch.static, batch.plan_context())
        batch.step(actions)


def test_targets_put_100_at_expert_play_and_keep_the_rules():
    sc = load_scenario("enterprise")
    rows = suggest_targets(sc, range(20))
    weights = sum(it.weight for it in sc.scorecard)
    for row in rows:
        assert row["target"] == pytest.approx(row["expert_mean"], rel=0.01, abs=1e-3)
        assert row["floor"] != row["target"]
        if row["metric"] == "profit":  # 10 % less profit costs more than five points
            assert (row["target"] - row["floor"]) <= PROFIT_SPAN * row["weight"] / weights * row[
                "target"] * 1.01
        if row["metric"] == "bad_debt_ratio":
            assert row["floor"] >= row["target"] + 0.005


def test_rewrite_changes_only_floor_and_target_lines():
    text = resolve("tutorial").read_text(encoding="utf-8")
    sc = load_scenario("tutorial")
    rows = [{"metric": it.metric, "floor": it.floor + 1, "target": it.target + 2}
            for it in sc.scorecard]
    new = rewrite_scorecard(text, rows)
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines()) if a != b]
    assert len(changed) == 2 * len(rows) and len(new.splitlines()) == len(text.splitlines())
    assert all(a.split(":")[0] == b.split(":")[0] and a.split(":")[0].strip() in (
        "floor", "target") for a, b in changed)
    with pytest.raises(ValueError):
        rewrite_scorecard("id: x\n", rows)


def test_rewrite_reads_one_line_items_too():
    """The starter template writes each item on one line, as authors copying it will."""
    text = ("scorecard:\n"
            "  - {metric: profit, weight: 0.2, floor: 250000, target: 700000}  # money\n"
            "  - {metric: bad_debt_ratio, weight: 0.15, floor: 0.012, target: 0.0}\n"
            "model:\n  carryover: 0.4\n")
    rows = [{"metric": "profit", "floor": 496000.0, "target": 730000.0},
            {"metric": "bad_debt_ratio", "floor": 0.0213, "target": 0.0071}]
    assert rewrite_scorecard(text, rows) == text.replace(
        "floor: 250000, target: 700000", "floor: 496000, target: 730000").replace(
        "floor: 0.012, target: 0.0}", "floor: 0.0213, target: 0.0071}")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kam_sandbox", *args], capture_output=True,
                          text=True, timeout=300, check=True)


def test_probe_command_json_and_text():
    args = ("probe", "tutorial", "--runs", "6", "--train", "2", "--iterations", "1",
            "--population", "2")
    out = json.loads(cli(*args, "--json").stdout)
    assert out["scenario"] == "tutorial" and {"strategies", "ablation", "search"} <= set(out)
    zh = cli(*args, "--lang", "zh").stdout
    assert "保留种子" in zh and "nothing" in zh
    assert "held-out seeds" in cli(*args, "--lang", "en").stdout


def test_probe_targets_write(tmp_path):
    path = tmp_path / "tutorial.yaml"
    shutil.copy(resolve("tutorial"), path)
    out = json.loads(cli("probe", str(path), "--targets", "--runs", "8", "--write",
                         "--json").stdout)
    written = load_scenario(str(path))
    assert [it.target for it in written.scorecard] == [r["target"] for r in out["scorecard"]]
    assert np.isfinite([r["expert_mean"] for r in out["scorecard"]]).all()


def test_policies_include_expert_and_it_beats_needs():
    sc = load_scenario("enterprise")
    from kam_sandbox.engine.simulate import run

    expert, needs = (run(sc, POLICIES[p], HELD) for p in ("expert", "needs"))
    assert (expert["open_score"] - needs["open_score"]).mean() > 2
    assert np.all(expert["score"] == pytest.approx(100.0))


def test_expert_style_search_prints_a_literal_that_builds_its_style():
    from kam_sandbox.engine.policies import Style
    from kam_sandbox.engine.probe import search_expert_style

    found = search_expert_style([load_scenario("tutorial"), load_scenario("enterprise")],
                                HELD[:6], TRAIN, iterations=1, population=2)
    space: dict = {"Style": Style}
    exec(found["literal"], space)  # noqa: S102 - our own generated source
    assert space["EXPERT_STYLE"] == Style(**found["style"])
    assert [c["scenario"] for c in found["cases"]] == ["tutorial", "enterprise"]
    assert found["style"]["stale_after"] == int(found["style"]["stale_after"])


def test_probe_command_takes_several_scenarios():
    out = cli("probe", "tutorial", "enterprise", "--targets", "--runs", "4", "--json").stdout
    assert [json.loads(line)["scenario"] for line in out.splitlines()] == ["tutorial",
                                                                          "enterprise"]
