"""DESIGN §2's lessons on a small number of seeds: a smoke test. The full check is
``kam-sandbox balance SCENARIO --runs 500`` (see the README and the engine note)."""

from __future__ import annotations

import pytest

from kam_sandbox.engine import POLICIES, load_scenario
from kam_sandbox.engine.simulate import balance, lesson_checks

SEEDS = range(1000, 1150)


@pytest.mark.parametrize("scenario_id", ["distributors", "enterprise", "retail", "lending", "committee"])
def test_every_lesson_holds(scenario_id):
    sc = load_scenario(scenario_id)
    checks = lesson_checks(balance(sc, SEEDS), sc)
    failed = [c["claim"] for c in checks if c["holds"] is False]
    assert not failed, failed
    assert all(c["holds"] for c in checks)


def test_tutorial_lessons():
    """Four quarters are short: the tutorial's margins are thin and credit terms are off."""

    sc = load_scenario("tutorial")
    checks = {c["lesson"]: c for c in lesson_checks(balance(sc, SEEDS), sc)}
    assert checks["random"]["holds"] and checks["price"]["holds"]
    assert checks["discover"]["holds"]
    assert checks["risk"]["holds"] is None  # credit_days is not an action in the tutorial


def test_gaps_are_clear_but_not_absurd():
    """A good allocation beats a naive one on profit by roughly 5-30 %, not by 10x."""

    sc = load_scenario("distributors")
    res = balance(sc, SEEDS, {k: POLICIES[k] for k in ("needs", "uniform")})
    ratio = res["needs"]["profit"].mean() / res["uniform"]["profit"].mean()
    assert 1.03 < ratio < 1.4
