"""Bad input from teams and trainers (issue 12, items 6-9): CSV formula injection, members
and history caps and throttling, names that hide or shadow, the timer's and the body's
limits."""

from __future__ import annotations

import csv

import pytest

from kam_sandbox.workshop import Session, WorkshopError

PLAN = {"accounts": {"jinggong": {"survey": True}}, "portfolio": {}}


@pytest.fixture
def session(tmp_path):
    with Session.create(tmp_path / "ws", "tutorial", ["红队", "蓝队"], seed=3) as s:
        yield s


def test_csv_cells_that_would_run_as_formulas_are_text(session, tmp_path):
    evil = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx"]
    for author in evil:
        session.submit("红队", PLAN, author=author)
    session.rename_team("蓝队", "=HYPERLINK(\"http://x\")")
    session.advance()
    rows = list(csv.DictReader(open(session.export_csv(tmp_path / "r.csv"),
                                    encoding="utf-8-sig")))
    red = next(r for r in rows if r["team_id"] == "t1")
    blue = next(r for r in rows if r["team_id"] == "t2")
    assert red["author"] == "'" + evil[-1]
    assert blue["team"] == "'=HYPERLINK(\"http://x\")"
    numbers = list(rows[0])[list(rows[0]).index("score"):]
    for row in rows:  # numbers stay numbers (a negative one is no formula)
        assert all(not row[k].startswith("'") and float(row[k]) == float(row[k])
                   for k in numbers if row[k])
