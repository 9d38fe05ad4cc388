"""Secrecy (issue 10): in a workshop a team never receives the seed, the case file or any
hidden state, over any team-facing route; the world is drawn from the seed plus a secret
of the session; a team's client still plays exactly the host's game from what it gets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from test_workshop_api import NAMES, Served

from kam_sandbox.engine import Game, load_scenario
from kam_sandbox.engine.loader import resolve
from kam_sandbox.engine.scenario import Credit
from kam_sandbox.game.team_session import TeamSession
from kam_sandbox.workshop import Session
from kam_sandbox.workshop.client import FacilitatorClient, WorkshopClient
from kam_sandbox.workshop.secrecy import SIGNIFICANT, UNKNOWN_ROLE, rounded_results

FORBIDDEN_KEYS = {"seed", "seeds", "yaml", "scenario_yaml", "world_secret", "world_seed",
                  "facilitator_token", "join_code"}


def pairs(value, path="") -> Iterator[tuple[str, str, object]]:
    """Every (path, key, value) of a JSON document."""

    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, v
            yield from pairs(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from pairs(v, f"{path}[{i}]")


def assert_secret_free(payload: dict, session: Session, where: str) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    meta = session.meta
    assert meta["world_secret"] not in text, where
    yaml = resolve("tutorial").read_text(encoding="utf-8")
    for line in (ln.strip() for ln in yaml.splitlines()):
        if line.startswith(("needs:", "pd:", "competitor:")):
            assert line not in text, (where, line)
    for path, key, value in pairs(payload):
        assert key not in FORBIDDEN_KEYS, (where, path, key)
        if key == "scenario" and isinstance(value, dict):  # the case a team may see
            assert_public(value, session, where)


def assert_public(case: dict, session: Session, where: str) -> None:
    true = session.scenario
    assert case["events"] == [], where  # scripted events are the future
    for acc, real in zip(case["accounts"], true.accounts):
        assert len(set(acc["needs"].values())) == 1, where
        assert acc["competitor"] == 0.5 and acc["credit"]["pd"] == Credit().pd, where
        assert acc["credit"]["late"] == Credit().late, where
        for sh, person in zip(acc["stakeholders"], real.stakeholders):
            assert sh["needs"] == {} and sh["stance"] == 0.0, where
            assert sh["role"] == (person.role if person.role_known else UNKNOWN_ROLE), where


@pytest.mark.parametrize("mode", ["parallel", "shared"])
def test_no_team_facing_route_carries_the_seed_the_case_or_hidden_state(tmp_path, mode):
    served = Served(tmp_path / "ws", mode=mode)
    try:
        s = served.session
        url = served.url
        answers = {"info": httpx.get(url + "/api/info").json(),
                   "board": httpx.get(url + "/api/board").json()}
        joined = httpx.post(url + "/api/join", json={"team": "红队", "code": served.code})
        answers["join"] = joined.json()
        token = joined.json()["token"]
        waiting = httpx.post(url + "/api/join", json={"team": "红队", "code": served.code})
        answers["join pending"] = waiting.json()
        answers["join status"] = httpx.post(url + "/api/join/status", json={
            "request": waiting.json()["request"], "key": waiting.json()["key"]}).json()
        auth = {"Authorization": f"Bearer {token}"}
        fac = FacilitatorClient(url, served.facilitator)
        fac.act("inject", event_id="dingxin_late_delivery")
        for r in range(1, 5):
            answers[f"draft {r}"] = httpx.put(url + "/api/team/draft", headers=auth,
                                              json={"plan": {}, "author": "Li"}).json()
            answers[f"submit {r}"] = httpx.post(url + "/api/team/submissions", headers=auth,
                                                json={"plan": {}, "author": "Li"}).json()
            answers[f"team {r}"] = httpx.get(url + "/api/team", headers=auth).json()
            answers[f"case {r}"] = httpx.get(url + "/api/scenario", headers=auth).json()
            answers[f"board {r}"] = httpx.get(url + "/api/board").json()
            fac.act("advance")
        for where, payload in answers.items():
            assert_secret_free(payload, s, where)
        assert "scenario" in answers["case 1"]  # the walk did see the case
        # Every round played: no future is left to tell; the debrief opens the truth.
        end = httpx.get(url + "/api/team", headers=auth).json()
        assert end["seat"]["seed"] == s.world_seed
        case = httpx.get(url + "/api/scenario", headers=auth).json()["scenario"]
        assert case == s.scenario.model_dump(mode="json")
    finally:
        served.close()


def test_the_world_is_drawn_from_the_seed_and_a_secret_of_the_session(tmp_path):
    scores = []
    for k in range(2):
        with Session.create(tmp_path / f"ws{k}", "tutorial", 1, seed=5) as s:
            assert len(s.meta["world_secret"]) >= 32
            s.advance()
            scores.append(s.replay_team("t1").rounds[0]["kpis"]["revenue"])
    assert scores[0] != scores[1]  # same seed, another session: another world
    plain = Game(load_scenario("tutorial"), 5)
    plain.play({})
    assert plain.kpi_history()[-1]["revenue"] not in scores  # the seed alone is not the world
    with Session.open(tmp_path / "ws0") as s:  # the secret stays with the session
        assert s.replay_team("t1").rounds[0]["kpis"]["revenue"] == scores[0]


def test_a_team_client_plays_the_hosts_game_from_its_view(tmp_path):
    served = Served(tmp_path / "ws")
    try:
        room = WorkshopClient(served.url)
        links = [room.join(name, served.code) for name in NAMES]
        teams = [TeamSession.connect(link, "x") for link in links]
        teams[0].set("jinggong", "survey", True)
        teams[0].end_quarter()
        FacilitatorClient(served.url, served.facilitator).act("advance")
        for team, name in zip(teams, NAMES):
            assert team.refresh()
            host_game = served.session.replay_team(name).game
            assert team.game.scorecard() == host_game.scorecard()
            # the same game; its revenue parts rounded (see the test below)
            assert team.game.results == rounded_results(host_game.results)
        assert teams[0].game.view().needs_reading.any()  # the survey's reading reached it
        assert teams[0].game.seed is None
    finally:
        served.close()


def significant_figures(value: float) -> int:
    """How many significant figures the shortest text of ``value`` has (0.088 → 2)."""

    return len(Decimal(repr(abs(value))).normalize().as_tuple().digits) if value else 0


def revenue_parts(result: dict) -> Iterator[tuple[str, float]]:
    yield from (("total " + k, v) for k, v in result["revenue_effects"].items())
    for acc in result["accounts"]:
        yield f"{acc['id']} share_change", acc["share_change"]
        yield from ((f"{acc['id']} {k}", v) for k, v in acc["effects"].items())


def test_a_teams_revenue_parts_are_rounded_until_the_game_is_over(tmp_path):
    """Exact, the log-mean split of the share part beside the share change would give away
    an account's share and wallet: over the API a team reads them to SIGNIFICANT figures
    while rounds remain, and exactly once the game is over (its seed is then sent too)."""

    served = Served(tmp_path / "ws")
    try:
        red = served.join_all()[0]
        auth = {"Authorization": f"Bearer {red.token}"}
        fac = FacilitatorClient(served.url, served.facilitator)
        plan = {"accounts": {"jinggong": {"survey": True}}}
        httpx.post(served.url + "/api/team/submissions", headers=auth,
                   json={"plan": plan, "author": "Li"}).raise_for_status()
        for _ in range(2):
            fac.act("advance")
        sent = httpx.get(served.url + "/api/team", headers=auth).json()["seat"]["results"]
        exact = served.session.replay_team("红队").game.results
        assert len(sent) == len(exact) == 2
        parts = [dict(revenue_parts(r)) for r in sent]
        truth = [dict(revenue_parts(r)) for r in exact]
        assert parts[0].keys() == truth[0].keys() and len(parts[0]) > 20
        for got, real in zip(parts, truth):
            for name, value in got.items():
                assert significant_figures(value) <= SIGNIFICANT, (name, value)
                assert value == pytest.approx(real[name], rel=0.05, abs=1e-12), name
        changed = [n for got, real in zip(parts, truth) for n in got if got[n] != real[n]]
        assert len(changed) > 10  # the exact figures did not travel
        # The rest of a result travels as it is.
        assert [r["kpis"] for r in sent] == [r["kpis"] for r in exact]
        while not served.session.meta["finished"]:
            fac.act("advance")
        end = httpx.get(served.url + "/api/team", headers=auth).json()["seat"]
        assert end["results"] == json.loads(json.dumps(
            served.session.replay_team("红队").game.results))
    finally:
        served.close()
