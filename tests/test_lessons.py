"""DESIGN §2's lessons as paired checks, on a small number of seeds: a smoke test of the
table's shape and of the n/a rule. The full check is ``kam-sandbox balance SCENARIO --runs
300`` (see docs/facilitator-guide.md, "Reading the lesson table")."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kam_sandbox.engine import POLICIES, load_scenario
from kam_sandbox.engine.simulate import LESSONS, balance, lesson_policies, lesson_table

SEEDS = range(1000, 1030)
KEYS = {"id", "title", "holds", "diff", "ci95", "share_of_seeds", "measure"}


def test_the_printed_lesson_table_speaks_the_users_language():
    def table(lang: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "kam_sandbox", "balance", "tutorial", "--runs", "8",
             "--lang", lang], capture_output=True, text=True, timeout=600, check=True).stdout

    zh, en = table("zh"), table("en")
    assert "参照 vs 变体" in zh and "本案例没有 credit_days 这个行动" in zh
    assert "reference vs variant" in en and "参照" not in en


def test_balance_json_carries_the_lesson_table():
    proc = subprocess.run(
        [sys.executable, "-m", "kam_sandbox", "balance", "tutorial", "--runs", "12", "--json"],
        capture_output=True, text=True, timeout=600, check=True,
    )
    lessons = json.loads(proc.stdout)["lessons"]
    assert [row["id"] for row in lessons] == [les.id for les in LESSONS]
    for row in lessons:
        assert set(row) >= KEYS, row["id"]
        if row["holds"] is None:
            assert row["reason"] and row["diff"] is None and row["ci95"] is None
        else:
            lo, hi = row["ci95"]
            assert lo <= row["diff"] <= hi and 0 <= row["share_of_seeds"] <= 1
            assert isinstance(row["holds"], bool)
    # The tutorial offers no credit terms and no supply: those lessons cannot hold there.
    by_id = {row["id"]: row for row in lessons}
    for lesson_id in ("credit-needs-score", "credit-uniform-bad-debt", "supply-small-first"):
        assert by_id[lesson_id]["holds"] is None, lesson_id
    assert "credit_days" in by_id["credit-needs-score"]["reason"]


@pytest.mark.parametrize("scenario_id", ["distributors", "lending"])
def test_every_check_is_computed_where_the_case_exercises_it(scenario_id):
    """Cases with credit terms and (distributors) peak shortage judge those lessons."""

    sc = load_scenario(scenario_id)
    rows = {r["id"]: r for r in lesson_table(balance(sc, SEEDS, lesson_policies()), sc)}
    assert rows["credit-needs-bad-debt"]["holds"] is not None
    assert rows["price-score"]["holds"] is True
    if scenario_id == "distributors":
        assert rows["supply-proportional"]["holds"] is not None


@pytest.mark.parametrize("scenario_id", ["tutorial", "distributors", "enterprise", "committee"])
def test_random_play_is_below_every_sensible_strategy(scenario_id):
    """Random play loses to uniform, focus, needs and expert by the full check's margin (the
    deliberate lesson-breakers may fall below it: lax credit does, by 1-7 points)."""

    sc = load_scenario(scenario_id)
    rows = {r["id"]: r for r in lesson_table(balance(sc, SEEDS, lesson_policies()), sc)}
    assert rows["random"]["reference"] in ("uniform", "focus", "needs", "expert")
    assert rows["random"]["holds"] is True, rows["random"]["diff"]


@pytest.mark.parametrize("scenario_id", ["enterprise", "committee"])
def test_needs_move_so_a_refreshed_reading_beats_one_survey(scenario_id):
    """Lesson 6: needs shift (random_events.need_shift), and the needs-led strategies act on
    the reading, so a reading left to go stale costs a clear margin (balance, 1000 runs:
    enterprise +10.9, committee +10.9; distributors +2.2, the thinnest, is left to the full
    check)."""

    sc = load_scenario(scenario_id)
    rows = {r["id"]: r for r in lesson_table(balance(sc, SEEDS, lesson_policies()), sc)}
    assert rows["drift"]["holds"] is True, rows["drift"]["diff"]


def test_gaps_are_clear_but_not_absurd():
    """DESIGN §3's sanity target: a good allocation beats a revenue-proportional one by
    roughly 5-15 %, and beats an even spread clearly but not 10x."""

    sc = load_scenario("distributors")
    res = balance(sc, SEEDS, {k: POLICIES[k] for k in ("needs", "uniform", "focus")})
    profit = {k: res[k]["profit"].mean() for k in res}
    # `focus` is not DESIGN's same-effort revenue-proportional split: it is also blind to
    # needs, to roles and to promotion's fit, so `needs` beats it by allocation *and* by the
    # discover and buying-center lessons (measured 1.21x here on 30 seeds; 1.2-1.7x across
    # the shipped cases). Hence 5-15 % widened to 3-40 %: a gap that clearly exists but is not
    # the whole game. The even spread loses every lesson at once (2.3x; 2.2-2.7x in the
    # other cases): "clearly" is at least 1.5x, "not absurd" under 3x (DESIGN: not 10x).
    assert 1.03 < profit["needs"] / profit["focus"] < 1.4
    assert 1.5 < profit["needs"] / profit["uniform"] < 3.0


def test_the_tutorial_teaches():
    """The first case a trainee meets separates good from naive play: needs beats uniform in
    score and profit, doing nothing scores worst, and the lessons it offers hold."""

    from kam_sandbox.engine.policies import _blank

    def nothing(view):
        return _blank(view)

    sc = load_scenario("tutorial")
    seeds = range(1000, 1300)
    res = balance(sc, seeds, {**lesson_policies(), "nothing": nothing})
    mean = {name: {m: float(r[m].mean()) for m in ("score", "profit")} for name, r in res.items()}
    assert mean["needs"]["score"] > mean["uniform"]["score"] + 5
    assert mean["needs"]["profit"] > 1.05 * mean["uniform"]["profit"]
    others = [p for p in POLICIES if p != "needs"]
    assert all(mean["nothing"]["score"] < mean[p]["score"] - 5 for p in others)
    rows = {r["id"]: r for r in lesson_table({k: v for k, v in res.items() if k != "nothing"}, sc)}
    for lesson in ("focus", "discover", "buying-center", "price-profit", "price-score"):
        assert rows[lesson]["holds"] is True, (lesson, rows[lesson]["diff"])
