"""The browser client's files and contract, without a browser: the size budget, the words
it uses exist in both languages, the page and its files are served offline from the host,
and its API routes are in /openapi.json."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from kam_sandbox.base.i18n import strings as all_strings
from kam_sandbox.engine import KamError
from kam_sandbox.workshop import Session
from kam_sandbox.workshop.host import Host
from kam_sandbox.workshop.server import ServerThread
from kam_sandbox.workshop.web import AREAS, static_folder, strings

BUDGET = 200 * 1024  # JS + CSS + HTML a browser loads, in bytes


@pytest.fixture
def served(tmp_path):
    session = Session.create(tmp_path / "ws", "tutorial", 3, seed=3, world_secret="web")
    server = ServerThread(Host(session), announce=False)
    url = server.start()
    yield url, session
    server.stop()
    session.close()


def test_the_page_is_within_its_size_budget():
    files = [p for p in static_folder().iterdir() if p.suffix in (".js", ".css", ".html")]
    total = sum(p.stat().st_size for p in files)
    assert {p.name for p in files} >= {"index.html", "app.js", "app.css"}
    assert total <= BUDGET, f"{total} bytes of JS, CSS and HTML (budget {BUDGET})"


def test_every_word_the_page_uses_exists_in_both_languages():
    used = set()
    for path in static_folder().glob("*.js"):
        used |= set(re.findall(r"\bt\(\"([a-z_]+\.[A-Za-z0-9_.]+)\"", path.read_text("utf-8")))
    assert len(used) > 60
    for lang in ("en", "zh"):
        missing = sorted(k for k in used if k not in strings(lang))
        assert not missing, f"{lang}: {missing}"
    assert strings("zh") and set(strings("zh")) == set(strings("en"))
    assert all(k.split(".")[0] in AREAS for k in strings("en"))
    assert not any(k.startswith(("console.", "cli.", "sheet.")) for k in strings("en"))
    assert len(strings("en")) < len(all_strings("en"))


def test_the_page_and_its_files_come_from_the_host_alone(served):
    url, _ = served
    with httpx.Client(base_url=url) as http:
        start = time.perf_counter()
        index = http.get("/")
        assert index.status_code == 200 and "text/html" in index.headers["content-type"]
        files = re.findall(r'(?:src|href)="(/web/[^"]+)"', index.text)
        assert files
        for path in files + ["/web/plan.js", "/web/fmt.js"]:
            assert http.get(path).status_code == 200, path
        assert http.get("/api/strings/zh").json()["web.tab.plan"] == "计划"
        assert time.perf_counter() - start < 1.0
        # No address outside the host: no CDN, no web fonts.
        for path in static_folder().iterdir():
            assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", path.read_text("utf-8")), path
        assert http.get("/web/../server.py").status_code == 404
        assert http.get("/api/strings/fr").status_code == 422


def test_the_browser_routes_are_documented_and_guarded(served):
    url, session = served
    spec = httpx.get(url + "/openapi.json").json()
    for route in ("/api/team/page", "/api/team/live", "/api/team/check", "/api/strings/{lang}"):
        assert route in spec["paths"], route
    for method, path in (("GET", "/api/team/page"), ("GET", "/api/team/live")):
        assert httpx.request(method, url + path).status_code == 401
    assert httpx.post(url + "/api/team/check", json={"plan": {}}).status_code == 401


def test_the_check_judges_a_plan_as_a_submission_would_and_records_nothing(served):
    url, session = served
    code = session.meta["join_code"]
    token = httpx.post(url + "/api/join", json={"team": "Team 1", "code": code}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    acc = session.scenario.accounts[0].id
    over = {"accounts": {acc: {"promotion": 60000, "survey": True}}, "portfolio": {}}
    answer = httpx.post(url + "/api/team/check?lang=zh", json={"plan": over}, headers=auth).json()
    assert not answer["ok"] and answer["problem"]["resource"] == "budget"
    sc = session.scenario
    assert answer["usage"]["budget"] == [60000.0 + sc.costs.survey, sc.resources.budget]
    refused = httpx.post(url + "/api/team/submissions", json={"plan": over}, headers=auth)
    assert refused.status_code == 422 and "budget" in refused.json()["detail"]
    fine = {"accounts": {acc: {"promotion": 10000}}, "portfolio": {}}
    answer = httpx.post(url + "/api/team/check", json={"plan": fine}, headers=auth).json()
    assert answer["ok"] and answer["problem"] is None
    assert session.history() == [] and session.draft("t1") is None


def test_a_team_page_tells_no_secrets(served):
    """The page is built from what the team may know: no seed, no hidden needs or roles."""

    url, session = served
    code = session.meta["join_code"]
    token = httpx.post(url + "/api/join", json={"team": "Team 1", "code": code}).json()["token"]
    page = httpx.get(url + "/api/team/page?lang=en",
                     headers={"Authorization": f"Bearer {token}"}).json()
    assert not {"seed", "seeds", "world_secret", "events"} & keys(page)
    for acc in page["view"]["accounts"]:
        assert acc["needs"] is None  # nobody surveyed yet
        hidden = [p for p in acc["stakeholders"] if p["role"] is None]
        assert hidden  # the tutorial hides some roles at the start
    assert page["live"]["team"]["name"] == "Team 1" and page["draft"] == {"accounts": {}, "portfolio": {}}


def keys(value) -> set[str]:
    """Every key anywhere in a JSON document."""

    if isinstance(value, dict):
        return set(value) | set().union(*(keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value)) if value else set()
    return set()


def test_the_poll_says_what_the_full_team_state_says(served):
    """``/api/team/live`` reads ``Host.team_live`` (no snapshot): the same answer as the
    team's full state would give, before and after a submission and a headline."""

    from kam_sandbox.workshop.web import live

    url, session = served
    host = Host(session)
    token = host.join("Team 2", session.meta["join_code"])["token"]
    assert live(host.team_live(token)) == live(host.team_state(token))
    host.submit(token, {"accounts": {}, "portfolio": {}}, "Ann")
    session.inject(next(iter(session.scenario.events)).id)
    polled = live(host.team_live(token))
    assert polled == live(host.team_state(token))
    assert polled["submitted"] and polled["submission"]["author"] == "Ann" and polled["headlines"]


def test_the_reference_strategies_are_played_once_per_finished_session_off_the_poll(
        served, monkeypatch):
    """The debrief's reference strategies (the Pygame debrief's comparison): refused while
    rounds remain (they would tell the world); then played once per session in the
    background, the answer saying ``ready: false`` meanwhile instead of waiting; the same
    figures as the Pygame team client plays in the same world."""

    import threading

    from kam_sandbox.engine import Scenario
    from kam_sandbox.game.references import get as played_by_the_game
    from kam_sandbox.workshop import references
    from kam_sandbox.workshop.client import FacilitatorClient

    url, session = served
    code = session.meta["join_code"]
    tokens = [httpx.post(url + "/api/join", json={"team": f"Team {i}", "code": code})
              .json()["token"] for i in (1, 2)]
    auth = [{"Authorization": f"Bearer {t}"} for t in tokens]
    early = httpx.get(url + "/api/team/references", headers=auth[0])
    assert early.status_code == 409 and "every round" in early.json()["detail"]
    assert httpx.get(url + "/api/team/references").status_code == 401

    release, calls = threading.Event(), []

    def slow_play(scenario, seed, injected):
        calls.append(seed)
        release.wait(30)
        return real_play(scenario, seed, injected)

    real_play = references.play
    monkeypatch.setattr(references, "play", slow_play)
    with FacilitatorClient(url, session.meta["facilitator_token"]) as desk:
        while not session.meta["finished"]:
            desk.act("advance")
    waiting = httpx.get(url + "/api/team/references", headers=auth[0]).json()
    assert waiting == {"ready": False, "order": list(references.REFERENCES), "figures": None,
                       "history": None}
    page = httpx.get(url + "/api/team/page?lang=zh", headers=auth[1]).json()  # still answers
    release.set()
    for _ in range(300):
        answer = httpx.get(url + "/api/team/references", headers=auth[1]).json()
        if answer["ready"]:
            break
        release.wait(0.05)
    assert answer["ready"] and calls == [session.world_seed]  # once, for both teams
    game = played_by_the_game(Scenario.model_validate(session.scenario.model_dump()),
                              session.world_seed)
    assert answer["figures"] == game["figures"] and answer["history"] == game["history"]
    assert set(answer["figures"]) == set(references.REFERENCES)
    # The team's own figures beside them, from its game as the host played it.
    mine = session.replay_team("Team 2").game
    assert page["debrief"]["compared"] == references.compared(mine.scorecard(),
                                                              mine.kpi_history())
    assert page["debrief"]["seed"] == str(session.world_seed) and not page["debrief"]["shared"]


def test_the_reference_strategies_meet_the_facilitators_events_as_the_team_did(served):
    """Graded as the team is: in its world with the events the facilitator sent it, so the
    expert scores 100 and its profit is the profit target on the team's scorecard."""

    from kam_sandbox.workshop.client import FacilitatorClient

    url, session = served
    code = session.meta["join_code"]
    auth = {team: {"Authorization": "Bearer " + httpx.post(
        url + "/api/join", json={"team": team, "code": code}).json()["token"]}
        for team in ("Team 1", "Team 2")}
    event = session.scenario.events[0].id
    with FacilitatorClient(url, session.meta["facilitator_token"]) as desk:
        desk.act("inject", event_id=event, team="Team 1")
        while not session.meta["finished"]:
            desk.act("advance")
    answers = {}
    for team, headers in auth.items():
        for _ in range(300):
            answers[team] = httpx.get(url + "/api/team/references", headers=headers).json()
            if answers[team]["ready"]:
                break
            time.sleep(0.05)
        expert = answers[team]["figures"]["expert"]
        card = session.replay_team(team).game.scorecard()
        target = next(it["target"] for it in card["items"] if it["metric"] == "profit")
        assert expert["score"] == 100.0 and expert["profit"] == pytest.approx(target), team
    assert answers["Team 1"]["figures"] != answers["Team 2"]["figures"]  # its own events


def test_a_team_replays_from_an_earlier_quarter_on_the_host(served):
    """The what-if of the Pygame debrief, for a browser: refused while rounds remain; then
    the team's game rewound to a quarter, with that quarter's plan to start from; played
    on with the plans it played, it is the original game again; changed, it is set beside
    the original in words."""

    from kam_sandbox.workshop.client import FacilitatorClient

    url, session = served
    code = session.meta["join_code"]
    auth = {"Authorization": "Bearer " + httpx.post(
        url + "/api/join", json={"team": "Team 1", "code": code}).json()["token"]}
    early = httpx.post(url + "/api/team/whatif", json={"turn": 1}, headers=auth)
    assert early.status_code == 409 and "every round" in early.json()["detail"]
    acc = session.scenario.accounts[0].id
    httpx.post(url + "/api/team/submissions", headers=auth, json={
        "plan": {"accounts": {acc: {"survey": True, "support_days": 2}}, "portfolio": {}}})
    with FacilitatorClient(url, session.meta["facilitator_token"]) as desk:
        while not session.meta["finished"]:
            desk.act("advance")
    assert httpx.get(url + "/api/team/whatif", headers=auth).status_code == 409  # none yet
    assert httpx.post(url + "/api/team/whatif", json={"turn": 9},
                      headers=auth).status_code == 409
    original = session.replay_team("Team 1").game

    def replay(changed: dict | None) -> dict:
        started = httpx.post(url + "/api/team/whatif", json={"turn": 1}, headers=auth).json()
        assert started == {"from": 1, "turn": 0}
        page = httpx.get(url + "/api/team/whatif?lang=en", headers=auth).json()
        assert page["draft"] == original.plans[0]  # the quarter's plan: change one thing
        for turn in range(1, len(original.plans) + 1):
            plan = changed if changed and turn == 1 else original.plans[turn - 1]
            check = httpx.post(url + "/api/team/whatif/check", json={"plan": plan},
                               headers=auth).json()
            assert check["ok"], check
            played = httpx.post(url + "/api/team/whatif/play", json={"plan": plan},
                                headers=auth).json()
            assert played["turn"] == turn and played["over"] == (turn == len(original.plans))
        return httpx.get(url + "/api/team/whatif?lang=en", headers=auth).json()

    same = replay(None)["whatif"]
    assert same["over"] and same["compared"] == same["original"]["compared"]
    assert "You played Year 1 Q1 as before." in same["lines"]
    changed = replay({"accounts": {acc: {"support_days": 2}}, "portfolio": {}})
    assert changed["whatif"]["compared"]["score"] != changed["whatif"]["original"]["compared"]["score"]
    assert any("Needs analysis" in line for line in changed["whatif"]["lines"]), changed["whatif"]
    over = httpx.post(url + "/api/team/whatif/play", headers=auth,
                      json={"plan": {"accounts": {}, "portfolio": {}}})
    assert over.status_code == 409 and "over" in over.json()["detail"]
    assert session.replay_team("Team 1").game.scorecard() == original.scorecard()  # untouched


def test_a_shared_market_has_no_what_if(tmp_path):
    """Every team's plans shaped a shared market: its debrief says so (no what-if)."""

    session = Session.create(tmp_path / "ws", "tutorial", 2, seed=3, mode="shared",
                             world_secret="web")
    host = Host(session)
    try:
        token = host.join("Team 1", session.meta["join_code"])["token"]
        while not session.meta["finished"]:
            session.advance()
        from kam_sandbox.workshop.web import TeamPages, TeamWhatIfs

        with pytest.raises(KamError, match="shared market"):
            TeamWhatIfs(host).start(token, 1)
        assert TeamPages(host).page(token, "en")["debrief"]["shared"]
    finally:
        session.close()
