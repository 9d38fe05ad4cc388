"""Workshops: session life cycle, history, fill-ins, injections, determinism, exports, locking."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from html import escape

import pytest

from kam_sandbox.cli import main
from kam_sandbox.engine import Game, PlanError, SaveError, load_scenario
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.workshop import LockedError, Session, WorkshopError

NAMES = ["红队", "蓝队", "Team Green"]
PLAN = {"accounts": {"jinggong": {"support_days": 3, "survey": True, "promotion": 8000},
                     "hengyun": {"am_days": {"shen_li": 2}}}}


def policy_plan(session: Session, team: str, policy: str = "needs") -> dict:
    game = session.replay_team(team, upto=session.round - 1).game
    return actions_to_plan(decide(POLICIES[policy], game.view(), game.scenario,
                                  game.batch.static), game.batch.static)


@pytest.fixture
def played(tmp_path):
    """A finished 3-team session: team 1 submits (twice in round 1), team 2 every round but
    the last, team 3 never; one event injected into team 2 only."""

    folder = tmp_path / "ws"
    with Session.create(folder, "tutorial", NAMES, seed=5) as s:
        s.submit("红队", PLAN, author="draft")
        s.inject("dingxin_late_delivery", team="蓝队")
        for r in range(1, 5):
            s.submit("红队", policy_plan(s, "红队"), author="Li Lei")
            if r < 4:
                s.submit("蓝队", policy_plan(s, "蓝队", "focus"), author="Wang")
            nxt = s.advance()
            assert nxt == (r + 1 if r < 4 else None)
    return folder


def test_life_cycle_api(played):
    with Session.open(played, write=False) as s:
        st = s.status()
        assert st["state"] == "finished" and st["round"] == 4 and st["finished"]
        assert [t["name"] for t in st["teams"]] == NAMES
        assert all(len(t["scores"]) == 4 and 0 <= t["score"] <= 100 for t in st["teams"])
        assert s.closed_rounds() == 4


def test_history_keeps_every_submission(played):
    with Session.open(played, write=False) as s:
        r1 = s.history("红队", round=1)
        assert [x["author"] for x in r1] == ["draft", "Li Lei"]
        assert r1[0]["plan"] == PLAN  # the earlier draft is still readable
        assert s.counting_plan("t1", 1)["author"] == "Li Lei"  # the last one counts
        assert len(s.history("红队")) == 5
        assert all(x["time"] for x in s.history())


def test_absent_team_filled_and_marked(played):
    with Session.open(played, write=False) as s:
        green = s.history("Team Green")
        assert len(green) == 4 and all(x["filled_by"] == "uniform" for x in green)
        blue = s.history("蓝队")
        assert [x["filled_by"] for x in blue] == [None, None, None, "uniform"]
        assert [r["filled_by"] for r in s.replay_team("蓝队").rounds] == [None] * 3 + ["uniform"]
        assert s.status()["teams"][2]["filled_by"] == "uniform"


def test_injection_reaches_only_named_team(played):
    with Session.open(played, write=False) as s:
        blue, green = s.replay_team("蓝队").game, s.replay_team("Team Green").game
        red = s.replay_team("红队").game

        def events(game):
            return [h.get("account") for h in game.results[0]["headlines"]]

        assert "dingxin" in events(blue)
        assert "dingxin" not in events(green) and "dingxin" not in events(red)
        assert s.injected_for("t2") == {0: [("dingxin_late_delivery", None)]}
        assert s.injected_for("t3") == {}


def test_replay_is_deterministic_and_matches_engine(played):
    with Session.open(played, write=False) as s:
        for t in s.teams():
            a = s.replay_team(t["id"])
            b = s.replay_team(t["id"])
            assert [r["score"] for r in a.rounds] == [r["score"] for r in b.rounds]
            plans = [s.counting_plan(t["id"], r)["plan"] for r in range(1, 5)]
            g = Game.replay(load_scenario("tutorial"), s.world_seed, plans,
                            s.injected_for(t["id"]))
            assert g.scorecard()["score"] == a.rounds[-1]["score"]
            stored = sorted((r for r in s.db.table("results").all() if r["team"] == t["id"]),
                            key=lambda r: r["round"])
            assert [r["score"] for r in stored] == [r["score"] for r in a.rounds]


def test_parallel_teams_share_one_world(tmp_path):
    """Same seed, same plans, no injections: the same game for every team."""

    with Session.create(tmp_path / "ws", "tutorial", 2, seed=9) as s:
        s.advance()
        scores = [t["score"] for t in s.status()["teams"]]
        assert scores[0] == scores[1]
        assert [t["name"] for t in s.teams()] == ["Team 1", "Team 2"]


def test_exports(played, tmp_path):
    with Session.open(played, write=False) as s:
        csv_path = s.export_csv(tmp_path / "out.csv")
        html_path = s.export_html(tmp_path / "out.html")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    assert {r["team"] for r in rows} == set(NAMES)
    assert {r["round"] for r in rows} == {"1", "2", "3", "4"}
    assert "profit" in rows[0] and float(rows[0]["score"]) > 0
    assert [r["filled_by"] for r in rows if r["team"] == "Team Green"] == ["uniform"] * 4
    html = html_path.read_text(encoding="utf-8")
    for name in NAMES:
        assert name in html
    sc = load_scenario("tutorial")
    jinggong = next(a for a in sc.accounts if a.id == "jinggong")
    assert "<svg" in html and jinggong.name.zh in html  # accounts by name, not by id
    late = next(e for e in sc.events if e.id == "dingxin_late_delivery")
    assert escape(late.headline.zh) in html and escape(late.headline.en) in html  # injected
    assert "filled by Even spread 平均分配 代打" in html and "good 良好" not in html.split("<h2>")[0]
    table = html.split('<table class="sbs">')[1].split("</table>")[0]
    assert table.count("<tr>") == 5  # teams side by side: a header and a row per round
    assert all(name in table.split("</tr>")[0] for name in NAMES)
    assert "http://" not in html and "https://" not in html  # self-contained


def test_state_errors(tmp_path):
    with Session.create(tmp_path / "ws", "tutorial", 2) as s:
        with pytest.raises(WorkshopError, match="unknown team"):
            s.submit("Nobody", PLAN)
        with pytest.raises(WorkshopError, match="unknown event"):
            s.inject("no_such_event")
        with pytest.raises(PlanError):
            s.submit("Team 1", {"accounts": {"nowhere": {}}})
        assert s.history() == []  # a bad plan records nothing
        s.pause()
        with pytest.raises(WorkshopError, match="paused"):
            s.submit("Team 1", PLAN)
        s.resume()
        s.rename_team("Team 1", "第一组")
        assert s.submit("第一组", PLAN)["team"] == "t1"
        for _ in range(4):
            s.advance()
        assert s.state == "finished"
        with pytest.raises(WorkshopError, match="finished"):
            s.submit("第一组", PLAN)
        with pytest.raises(WorkshopError, match="finished"):
            s.advance()
    with pytest.raises(WorkshopError, match="unknown mode"):
        Session.create(tmp_path / "ws2", "tutorial", 2, mode="market")
    with pytest.raises(WorkshopError, match="already holds"):
        Session.create(tmp_path / "ws", "tutorial", 2)


def test_lock_refuses_second_writer_and_stale_lock_is_taken_over(tmp_path):
    folder = tmp_path / "ws"
    Session.create(folder, "tutorial", 2).close()
    assert not (folder / ".lock").exists()
    with Session.open(folder) as s:
        with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
            Session.open(folder)
        with Session.open(folder, write=False) as reader:  # readers are fine
            assert reader.round == 1
        s.submit("Team 1", PLAN)
    # A live other process holds it.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (folder / ".lock").write_text(str(sleeper.pid))
        with pytest.raises(LockedError, match=f"pid {sleeper.pid}"):
            Session.open(folder)
    finally:
        sleeper.kill()
        sleeper.wait()
    # Now that pid is dead: the stale lock is taken over.
    with Session.open(folder) as s:
        assert (folder / ".lock").read_text() == str(os.getpid())
        s.advance()
    assert not (folder / ".lock").exists()


def test_corrupt_session_file_is_refused_and_kept(tmp_path, capsys):
    folder = tmp_path / "ws"
    Session.create(folder, "tutorial", 2).close()
    path = folder / "session.json"
    bad = path.read_bytes()[:-20]
    path.write_bytes(bad)
    with pytest.raises(SaveError, match="corrupt"):
        Session.open(folder)
    assert not (folder / ".lock").exists()  # the failed open released its lock
    assert main(["workshop", "advance", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "corrupt" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == bad


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kam_sandbox", "workshop", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_cli_life_cycle(tmp_path):
    data = str(tmp_path / "ws")
    p = run_cli("new", "--scenario", "tutorial", "--teams", "3", "--data", data, "--seed", "4")
    assert p.returncode == 0, p.stderr
    session_id = p.stdout.strip()
    assert session_id

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    assert run_cli("submit", "--data", data, "--team", "Team 1", "--plan", str(plan),
                   "--author", "Li").returncode == 0
    assert run_cli("inject", "--data", data, "--event", "hengyun_price_cut",
                   "--team", "2").returncode == 0
    st = json.loads(run_cli("status", "--data", data, "--json").stdout)
    assert st["round"] == 1 and st["state"] == "open" and st["session"] == session_id
    assert [t["submitted"] for t in st["teams"]] == [True, False, False]

    for r in range(4):
        p = run_cli("advance", "--data", data, "--fill-policy", "needs" if r else "uniform")
        assert p.returncode == 0, p.stderr
    assert "finished" in p.stdout
    st = json.loads(run_cli("status", "--data", data, "--json").stdout)
    assert st["state"] == "finished"
    assert all(isinstance(t["score"], float) and t["score"] > 0 for t in st["teams"])
    text = run_cli("status", "--data", data)
    assert text.returncode == 0 and "Team 3" in text.stdout

    out_csv, out_html = tmp_path / "r.csv", tmp_path / "r.html"
    p = run_cli("export", "--data", data, "--csv", str(out_csv), "--html", str(out_html))
    assert p.returncode == 0, p.stderr
    with open(out_csv, encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == 12
    assert all(f"Team {i}" in out_html.read_text(encoding="utf-8") for i in (1, 2, 3))


@pytest.mark.parametrize(
    "args, message",
    [
        (["submit", "--team", "Nobody", "--plan", "PLAN"], "unknown team"),
        (["submit", "--team", "1", "--plan", "BAD"], "unknown account"),
        (["submit", "--team", "1", "--plan", "MISSING"], "cannot read plan"),
        (["inject", "--event", "nope"], "unknown event"),
        (["advance", "--fill-policy", "nope"], "unknown policy"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, capsys, args, message):
    data = str(tmp_path / "ws")
    Session.create(data, "tutorial", 2).close()
    (tmp_path / "plan.json").write_text(json.dumps(PLAN), encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"accounts": {"zzz": {}}}', encoding="utf-8")
    files = {"PLAN": "plan.json", "BAD": "bad.json", "MISSING": "missing.json"}
    args = [str(tmp_path / files[a]) if a in files else a for a in args]
    assert main(["workshop", *args[:1], "--data", data, *args[1:]]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_cli_errors_on_finished_and_locked(tmp_path, capsys):
    data = tmp_path / "ws"
    assert main(["workshop", "new", "--scenario", "tutorial", "--teams", "1",
                 "--data", str(data)]) == 0
    with Session.open(data):
        assert main(["workshop", "advance", "--data", str(data)]) == 2
        assert f"pid {os.getpid()}" in capsys.readouterr().err
    for _ in range(4):
        assert main(["workshop", "advance", "--data", str(data)]) == 0
    capsys.readouterr()
    assert main(["workshop", "inject", "--data", str(data), "--event",
                 "jinhua_complaint"]) == 2
    assert "finished" in capsys.readouterr().err
    assert main(["workshop", "new", "--scenario", "tutorial", "--teams", "13",
                 "--data", str(tmp_path / "x"), "--mode", "shared"]) == 2
    assert "at most 12 teams" in capsys.readouterr().err
    assert main(["workshop", "status", "--data", str(tmp_path / "none")]) == 2
