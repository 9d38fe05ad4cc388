"""Bad input from teams and trainers (issue 12, items 6-9): CSV formula injection, members
and history caps and throttling, names that hide or shadow, the timer's and the body's
limits."""

from __future__ import annotations

import csv
import json

import pytest

from kam_sandbox.workshop import Session, WorkshopError

PLAN = {"accounts": {"jinggong": {"survey": True}}, "portfolio": {}}


@pytest.fixture
def session(tmp_path):
    with Session.create(tmp_path / "ws", "tutorial", ["红队", "蓝队"], seed=3) as s:
        yield s


def test_csv_cells_that_would_run_as_formulas_are_text(session, tmp_path):
    evil = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
    for author in evil:
        session.submit("红队", PLAN, author=author)
    session.rename_team("蓝队", "=HYPERLINK(\"http://x\")")
    session.advance()
    with open(session.export_csv(tmp_path / "r.csv"), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    red = next(r for r in rows if r["team_id"] == "t1")
    blue = next(r for r in rows if r["team_id"] == "t2")
    assert red["author"] == "'" + evil[-1]
    assert blue["team"] == "'=HYPERLINK(\"http://x\")"
    numbers = list(rows[0])[list(rows[0]).index("score"):]
    for row in rows:  # numbers stay numbers (a negative one is no formula)
        assert all(not row[k].startswith("'") and float(row[k]) == float(row[k])
                   for k in numbers if row[k])


INVISIBLE_OR_CONTROL = ["Red\x00", "Red\x1b[31m", "\u202eRed", "Red\x85", "\u200b\u200b",
                        " \u2060 ", "x" * 101]
TEAM_REFERENCES = ["t2", "T1", "3"]


@pytest.mark.parametrize("name", INVISIBLE_OR_CONTROL + TEAM_REFERENCES)
def test_team_names_that_hide_or_shadow_are_refused(session, name):
    with pytest.raises(ValueError, match="team"):
        session.rename_team("红队", name)
    with pytest.raises(ValueError, match="team"):
        session.add_team(name)
    with pytest.raises(ValueError, match="team"):
        Session.create(session.folder.parent / "other", "tutorial", [name, "Blue"])
    assert [t["name"] for t in session.teams()] == ["红队", "蓝队"]


@pytest.mark.parametrize("name", INVISIBLE_OR_CONTROL)
def test_authors_and_members_that_hide_are_refused(session, name):
    with pytest.raises(ValueError, match="author"):
        session.submit("红队", PLAN, author=name)
    with pytest.raises(ValueError, match="author"):
        session.save_draft("红队", PLAN, author=name)
    with pytest.raises(ValueError, match="member"):
        session.set_members("红队", [name])
    assert session.history() == [] and session.team("红队")["members"] == []


def test_a_member_may_be_called_3(session):
    session.set_members("红队", ["3", "Li"])
    session.submit("红队", PLAN, author="t2")
    assert session.team("红队")["members"] == ["3", "Li", "t2"]


def test_members_and_history_are_capped(session):
    for k in range(40):
        session.save_draft("红队", PLAN, author=f"bot {k}")
        session.submit("红队", PLAN, author=f"bot {k}")
    assert len(session.team("红队")["members"]) == 30
    history = session.history("红队")
    assert len(history) == 20 and history[-1]["author"] == "bot 39"  # the last one counts
    assert session.counting_plan("t1", 1)["author"] == "bot 39"
    with pytest.raises(ValueError, match="30"):
        session.set_members("红队", [f"p{k}" for k in range(31)])


def test_a_team_writing_faster_than_a_person_is_slowed_down(session):
    from kam_sandbox.workshop.host import TEAM_WRITES_PER_MINUTE, Host
    from kam_sandbox.workshop.limits import TooMany

    host = Host(session)
    now = [0.0]
    host.clock = lambda: now[0]
    red = host.join("红队", session.meta["join_code"])["token"]
    blue = host.join("蓝队", session.meta["join_code"])["token"]
    for _ in range(TEAM_WRITES_PER_MINUTE):
        host.save_draft(red, PLAN)
    with pytest.raises(TooMany) as slowed:
        host.submit(red, PLAN)
    assert slowed.value.retry_after == 60
    host.save_draft(blue, PLAN)  # the other teams are not slowed
    now[0] += 61
    host.submit(red, PLAN)


@pytest.mark.parametrize("bad", [True, "60", 1e-300, 0.5, [60]])
def test_the_timer_takes_seconds_only(session, bad):
    with pytest.raises(WorkshopError, match="timer"):
        session.set_timer(bad)
    with pytest.raises(WorkshopError, match="timer"):
        session.extend_timer(bad)
    assert session.timer()["remaining"] is None


def test_over_http_the_host_header_the_timer_sizes_and_lengths(tmp_path):
    import socket

    import httpx
    from test_workshop_api import Served

    from kam_sandbox.workshop.session import MAX_PLAN_BYTES

    served = Served(tmp_path / "ws")
    try:
        url = served.url
        fac = {"Authorization": f"Bearer {served.facilitator}"}
        # DNS rebinding: a name the host does not serve on is refused, localhost is fine.
        r = httpx.get(url + "/api/board", headers={"Host": "evil.example:80"})
        assert r.status_code == 400 and r.json()["error"] == "wrong_host"
        port = url.rsplit(":", 1)[1]
        assert httpx.get(url + "/api/board", headers={"Host": f"localhost:{port}"}).is_success
        # The timer takes a number of seconds, at least 1.
        for bad in (True, "60", 1e-300, 0.5):
            r = httpx.post(url + "/api/facilitator/set_timer", headers=fac,
                           json={"seconds": bad})
            assert r.status_code == 422, bad
        assert httpx.post(url + "/api/facilitator/set_timer", headers=fac,
                          json={"seconds": 60}).is_success
        # An oversized plan is "too large", not a conflict.
        token = served.join_all()[0].token
        big = {"plan": {"accounts": {}, "junk": "x" * MAX_PLAN_BYTES}}
        r = httpx.put(url + "/api/team/draft", json=big,
                      headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        # A negative Content-Length gets the JSON error shape.
        host, _, port = url.removeprefix("http://").rpartition(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Length: -5\r\n\r\n")
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
        assert json.loads(body)["error"] == "invalid"
    finally:
        served.close()
