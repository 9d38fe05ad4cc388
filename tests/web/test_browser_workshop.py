"""Teams play a workshop from real browsers (headless Chromium), the facilitator from the
command line: three browser teams through a whole parallel-mode workshop, and a
shared-market round. Every page is photographed in both languages at laptop and phone size
(the folder is printed; a page that is empty or has overlapping text fails)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import LAPTOP, PHONE, Browser, require_browser

from kam_sandbox.cli import main
from kam_sandbox.workshop import Session
from kam_sandbox.workshop.host import Host
from kam_sandbox.workshop.server import ServerThread

TEAMS = ["Team 1", "红队", "Team 3"]


class Room:
    """A session served on loopback, and the facilitator's command line."""

    def __init__(self, folder: Path, mode: str = "parallel"):
        self.folder = folder
        self.session = Session.create(folder, "tutorial", TEAMS, seed=5, mode=mode,
                                      world_secret="browser-test")
        self.host = Host(self.session)
        self.server = ServerThread(self.host)
        self.url = self.server.start()
        self.code = self.session.meta["join_code"]

    def cli(self, *args: str) -> None:
        assert main(["workshop", args[0], "--data", str(self.folder), *args[1:]]) == 0, args

    def team(self, name: str) -> dict:
        return self.session.team(name)

    def close(self) -> None:
        self.server.stop()
        self.session.close()

    def __enter__(self) -> Room:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture
def browsers(shots) -> Iterator[list]:
    require_browser()
    opened: list[Browser] = []

    def open_browser(url: str, lang: str, size, name: str) -> Browser:
        b = Browser(url, lang, size, shots, name)
        opened.append(b)
        return b

    yield open_browser
    for b in opened:
        b.quit()


def join(b: Browser, team: str, code: str, name: str, secret: str = "") -> None:
    b.driver.get(b.url)
    b.on_page("join")
    if secret:  # a second device: the team secret, under "already plays on another device?"
        b.click("details summary")
        b.one("#join-secret").send_keys(secret)
    labels = [el for el in b.css("label.team") if el.text.strip() == team]
    assert labels, f"no team {team} on the join page"
    labels[0].click()
    b.one("#join-code").send_keys(code)
    b.one("#join-name").send_keys(name)
    b.click("#join-button")


def step_up(b: Browser, input_id: str, times: int) -> None:
    for _ in range(times):
        b.click(f"button[aria-label$='+'][aria-label]:has(~ #{input_id}), #{input_id} + button")


def set_value(b: Browser, input_id: str, value: float) -> None:
    field = b.one(f"#{input_id}")
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.clear()
    field.send_keys(str(value))
    b.driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", field)


def seen_rounds(b: Browser, closed: int) -> None:
    """Wait until the browser's page shows ``closed`` played rounds."""

    b.wait(lambda: b.driver.execute_script(
        "return window.kamApp.page && window.kamApp.page.results.length") == closed,
        f"the page never showed round {closed}'s results")


def status(b: Browser) -> str:
    return b.text("#plan-status")


def wait_draft(room: Room, team: str, check) -> dict:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        draft = room.session.draft(room.team(team)["id"])
        if draft and check(draft["plan"]):
            return draft
        time.sleep(0.1)
    raise AssertionError(f"{team}'s draft never reached the host: {room.session.draft(room.team(team)['id'])}")


def test_three_browser_teams_play_a_whole_workshop(tmp_path, browsers):
    with Room(tmp_path / "ws") as room:
        a = browsers(room.url, "en", LAPTOP, "team1")
        b = browsers(room.url, "zh", LAPTOP, "team2")
        c = browsers(room.url, "zh", PHONE, "team3")
        # Join: each browser in its own language (from the browser's), team by team.
        a.driver.get(room.url)
        a.on_page("join")
        a.tour("join")
        join(a, "Team 1", room.code, "Ann")
        a.on_page("plan")
        assert "Team 1" in a.text("#team-name") and "Round 1 of 4" in a.text("#round-line")
        join(b, "红队", room.code, "李雷")
        b.on_page("plan")
        assert "第 1" in b.text("#round-line") or "1" in b.text("#round-line")
        join(c, "Team 3", room.code, "Chen")
        c.on_page("plan")

        # The facilitator starts a timer and sends news to every team.
        room.cli("timer", "--minutes", "10")
        room.cli("inject", "--event", "hengyun_price_cut")
        a.wait(lambda: "Gute" in a.text("#headline"), "no headline on team 1's page")
        a.wait(lambda: "Time left" in a.text("#timer"), "no round timer")
        a.tour("plan")

        # Rejoin after closing the tab: no typing, straight back to the plan.
        first = a.driver.current_window_handle
        a.driver.switch_to.new_window("tab")
        a.driver.switch_to.window(first)
        a.driver.close()
        a.driver.switch_to.window(a.driver.window_handles[0])
        a.driver.get(room.url)
        a.on_page("plan")
        assert not a.css("#join-form")

        # Edit: the draft reaches the host (debounced), and resources left follow.
        account = room.session.scenario.accounts[0]
        person = account.stakeholders[0].id
        set_value(a, f"am_days-{account.id}-{person}", 3)
        wait_draft(room, "Team 1", lambda p: p["accounts"].get(account.id, {})
                   .get("am_days", {}).get(person) == 3)
        left = f"{room.session.scenario.resources.am_days - 3:.1f}"
        a.wait(lambda: a.text(".meter:nth-child(2) .value") == left, "AM days left not updated")

        # Over the limit: the host's check says why, and a submission is refused with it.
        set_value(b, f"promotion-{account.id}", 60000)
        b.click(f"#survey-{account.id}")
        b.wait(lambda: "超出" in status(b) or "预算" in status(b), "no over-limit reason")
        b.shoot("plan-over-limit")
        b.click("#submit")
        b.wait(lambda: "拒绝" in status(b), "the refusal is not shown")
        refusal = status(b)
        assert "budget" in refusal or "预算" in refusal, refusal
        assert room.session.counting_plan(room.team("红队")["id"], 1) is None
        b.shoot("plan-refused")
        set_value(b, f"promotion-{account.id}", 10000)
        b.wait(lambda: "有效" in status(b) or "valid" in status(b), "the fixed plan is not valid")
        b.click("#submit")
        b.wait(lambda: room.session.counting_plan(room.team("红队")["id"], 1), "team 2 not submitted")

        # Team 1 submits; team 3 (phone) only edits: its draft is played at the close.
        a.click("#submit")
        a.wait(lambda: room.session.counting_plan(room.team("Team 1")["id"], 1), "team 1 not submitted")
        a.wait(lambda: "Submitted" in status(a), "team 1 does not see its submission")
        set_value(c, f"support_days-{account.id}", 2)
        wait_draft(room, "Team 3", lambda p: p["accounts"].get(account.id, {}).get("support_days") == 2)
        c.tour("plan-phone")

        room.cli("advance")
        sub = room.session.counting_plan(room.team("Team 3")["id"], 1)
        assert sub["from_draft"] and sub["plan"]["accounts"][account.id]["support_days"] == 2
        for team in (a, b, c):
            team.on_page("results")
        assert a.css("svg.chart") and "news" in a.text() and "null" not in a.text()
        # Why revenue moved, as the game's results screen says it: the world's part apart
        # from the team's own, what worked and what did not, each mover's split.
        why = a.text("section[aria-labelledby=why-title]")
        assert "Season and market" in why and "Your part" in why and "What worked" in why, why
        assert "your part" in a.text("section[aria-labelledby=movers-title]")
        a.tour("results")

        # Rounds 2 to 4: team 1 plays from the browser, the others are filled in or play
        # their carried-forward plan.
        for round_ in (2, 3, 4):
            a.click("#tab-plan")
            a.on_page("plan")
            a.wait(lambda: not a.one("#submit").get_attribute("disabled"), "submit disabled")
            a.click("#submit")
            a.wait(lambda r=round_: room.session.counting_plan(room.team("Team 1")["id"], r),
                   f"team 1 not submitted in round {round_}")
            if round_ == 3:
                b.click("#tab-plan")
                b.on_page("plan")
                b.click("#submit")
                b.wait(lambda: room.session.counting_plan(room.team("红队")["id"], 3), "team 2 round 3")
            room.cli("advance")
            for team in (a, b, c):
                seen_rounds(team, round_)
            a.on_page("debrief" if round_ == 4 else "results")
        mine = {s["round"]: s["filled_by"] for s in room.session.history(room.team("Team 1")["id"])}
        assert mine == {1: None, 2: None, 3: None, 4: None}, room.session.history(room.team("Team 1")["id"])
        c.on_page("debrief")
        for team in (a, b, c):
            assert "/ 100" in team.text(".grade")
        # As the game's overview: the luck of the draw, the points each item won and the
        # lessons behind them.
        grade = a.text("section[aria-labelledby=grade-title]")
        assert "Luck of the draw" in grade and " points" in grade and "Behind it" in grade, grade
        # The hidden truth opens with the debrief: every account, its people's real roles.
        assert len(a.css("#truth-account option")) == len(room.session.scenario.accounts)
        assert len(a.css("#truth-body tbody tr")) >= 8 + 1
        # Beside the built-in strategies in the same world (played once by the host), and
        # the expert's line in the charts, as the Pygame debrief shows them.
        for team, you in ((a, "You"), (c, "你")):
            team.wait(lambda t=team: len(t.css("#compare-title ~ .charts svg.bars")) == 4,
                      "the reference strategies never arrived")
            compare = team.text("section[aria-labelledby=compare-title]")
            assert f"\n{you}\n" in compare and ("Expert" in compare or "专家" in compare), compare
            assert len(team.css("#compare-title ~ .charts svg.bars")[0]
                       .find_elements("css selector", "rect[rx]")) == 6  # the team and 5
            assert team.css(".legend .key-ref")
        a.tour("debrief")
        for team in (a, c):
            team.driver.execute_script("document.getElementById('compare-title').scrollIntoView()")
            team.shoot("debrief-compare")
        for team in (a, c):
            team.driver.execute_script("document.getElementById('truth-title').scrollIntoView()")
            team.shoot("debrief-truth")
        # The what-if, as the Pygame debrief offers it: start again from Year 1 Q2 with the
        # plan played then filled in, change one thing, play on to the end, and read it
        # beside the original game.
        a.click("section[aria-labelledby=whatif-title] button[data-turn='2']")
        a.click("#whatif-start")
        a.on_page("whatif")
        assert "Year 1 Q2 plan is filled in" in a.text(), a.text()[:300]
        a.tour("whatif-plan")
        set_value(a, f"support_days-{account.id}", 1)
        for turn in (2, 3, 4):
            a.wait(lambda: "Plan is valid" in status(a), f"the what-if's plan for quarter {turn}")
            a.click("#submit")
            a.wait(lambda t=turn: a.driver.execute_script(
                "return window.kamApp.whatif.whatif.turn") == t, f"what-if quarter {turn} not played")
        a.on_page("whatif")
        compared = a.text("section[aria-labelledby=whatif-compare]")
        assert "This what-if" in compared and "What you changed in Year 1 Q2" in compared, compared
        assert len(a.css("#whatif-compare ~ .charts svg.bars")) == 4
        a.tour("whatif-compare")
        assert room.session.history(room.team("Team 1")["id"])[-1]["round"] == 4  # untouched
        c.click("#tab-results")
        c.on_page("results")
        assert "代打策略（平均分配）" in c.text(), c.text()[:400]  # the strategy's name, not its id
        c.shoot("results-filled-in")
        for team in (a, b, c):
            assert not team.errors(), team.errors()


def test_a_second_device_waits_for_the_facilitator(tmp_path, browsers):
    with Room(tmp_path / "ws") as room:
        first = browsers(room.url, "en", LAPTOP, "first")
        join(first, "Team 1", room.code, "Ann")
        first.on_page("plan")
        secret = room.team("Team 1")["rejoin"]
        assert secret and secret in first.text("#secret")
        second = browsers(room.url, "zh", PHONE, "second")
        join(second, "Team 1", room.code, "Bo")
        second.on_page("pending")
        second.tour("pending")  # switching the language keeps it waiting, on this page
        assert second.page() == "pending" and "Team 1" in second.text()
        request = room.session.join_requests()[0]["id"]
        room.cli("approve", "--request", request)
        second.on_page("plan")
        third = browsers(room.url, "en", PHONE, "third")
        join(third, "Team 1", room.code, "Cy", secret=secret)
        third.on_page("plan")
        assert len(room.session.devices("Team 1")) == 3
        # Revoked: the page says its link is gone and rejoins with the code alone (the team
        # secret it remembered fills itself in).
        device = next(d["id"] for d in room.session.devices("Team 1") if d["label"] == "Ann")
        room.cli("revoke", "--device", device)
        first.driver.get(room.url)
        first.on_page("join")
        assert "Team 1" in first.text("#join-error")
        assert first.one("#join-secret").get_attribute("value") == secret
        first.one("#join-code").send_keys(room.code)
        first.click("#join-button")
        first.on_page("plan")


def test_a_shared_market_round_from_browsers(tmp_path, browsers):
    with Room(tmp_path / "ws", mode="shared") as room:
        teams = [browsers(room.url, lang, size, f"shared{i}")
                 for i, (lang, size) in enumerate((("en", LAPTOP), ("zh", LAPTOP), ("zh", PHONE)))]
        for browser, team in zip(teams, TEAMS):
            join(browser, team, room.code, "P")
            browser.on_page("plan")
        teams[0].click("#submit")
        teams[0].wait(lambda: room.session.counting_plan(room.team("Team 1")["id"], 1), "no plan")
        room.cli("advance")
        for browser in teams:
            browser.on_page("results")
        teams[1].tour("shared-results")
        scores = {t["name"]: t["score"] for t in room.session.board()["teams"]}
        assert set(scores) == set(TEAMS)


def test_the_page_formats_numbers_as_the_game_does(tmp_path, browsers):
    """fmt.js against base/fmt.py on awkward values: half-up rounding, 万/亿 and k/M/B tier
    changes, signs, NaN."""

    from kam_sandbox.base import fmt

    with Room(tmp_path / "ws") as room:
        b = browsers(room.url, "en", LAPTOP, "fmt")
        b.driver.get(room.url)
        b.on_page("join")
        values = [0, -0.0, 0.125, 2.5, 999.5, 9999.4, 9999.6, 12345, -4539, 99999999, 1.23e8,
                  999999, 1e6, 2.5e9, 1234567.891, float("nan")]
        got = b.driver.execute_async_script("""
            const [values, done] = [arguments[0].map((v) => v === null ? NaN : v), arguments[1]];
            import('/web/fmt.js').then((f) => done(['zh', 'en'].map((lang) => values.map((v) => [
              f.money(v, lang), f.deltaMoney(v, lang), f.percent(v / 1000, 1), f.number(v, lang, 1),
              f.days(v / 1000, lang), f.score(v / 1000)]))));
        """, [None if v != v else v for v in values])
        for lang, rows in zip(("zh", "en"), got):
            for v, row in zip(values, rows):
                assert row == [fmt.money(v, lang), fmt.delta_money(v, lang),
                               fmt.percent(v / 1000, 1), fmt.number(v, lang, 1),
                               fmt.days(v / 1000, lang), fmt.score(v / 1000)], (lang, v)
        assert [b.driver.execute_async_script(
            "import('/web/fmt.js').then((f) => arguments[1](f.quarterLabel(arguments[0], 2, 'zh')))",
            turn) for turn in (1, 3, 4)] == [fmt.quarter_label(t, 2, "zh") for t in (1, 3, 4)]


def test_an_empty_page_fails_the_screenshot_check(tmp_path, browsers):
    b = browsers("about:blank", "en", LAPTOP, "empty")
    b.driver.get("data:text/html,<html><body><main></main></body></html>")
    with pytest.raises(AssertionError, match="empty"):
        b.shoot("empty")
    b.driver.get("data:text/html,<main><h1>A page</h1><p>with enough words to show</p><ul><li>"
                 "</li></ul><p style='position:absolute;top:0'>Overlapping words here</p>"
                 "<p style='position:absolute;top:0'>Other words on top</p></main>")
    with pytest.raises(AssertionError, match="overlaps"):
        b.shoot("overlap")
    # A tier or credit grade as a bare letter: a badge, or "tier B" / "C级" in the text.
    for bare in ("<span class=tier>A</span>", "<b>tier B</b>", "<b>信用C级</b>"):
        b.driver.get(f"data:text/html;charset=utf-8,<main><h1>A page</h1><p>with enough words "
                     f"to show</p><ul><li>one</li></ul><p>{bare} here</p></main>")
        with pytest.raises(AssertionError, match="bare"):
            b.shoot("bare")


def test_the_first_load_is_fast(tmp_path, browsers):
    """Under a second on loopback from a cold browser to the join form, and again to the
    planning page of a team that has joined before (the page's own timing)."""

    with Room(tmp_path / "ws") as room:
        b = browsers(room.url, "en", LAPTOP, "speed")
        b.driver.get(room.url)
        b.on_page("join")
        join(b, "Team 1", room.code, "Ann")
        b.on_page("plan")
        for _ in range(2):
            b.driver.get(room.url)
            start = time.perf_counter()
            b.on_page("plan")
            shown = time.perf_counter() - start
            loaded = b.driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return n.loadEventEnd - n.startTime")
            assert loaded < 1000 and shown < 1.0, (loaded, shown)


def test_offline_the_page_says_so_keeps_the_edits_and_reconnects(tmp_path, browsers):
    """The host stops mid-round: the page marks itself offline, the team keeps editing, and
    when the host is back the page carries on by itself and the draft reaches it. A poll
    leaves the page alone (the focused field keeps its focus)."""

    from selenium.webdriver.common.keys import Keys

    with Room(tmp_path / "ws") as room:
        b = browsers(room.url, "en", LAPTOP, "offline")
        join(b, "Team 1", room.code, "Ann")
        b.on_page("plan")
        # Keyboard: the accounts are a list the arrow keys walk; a poll keeps the focus.
        first = b.one(".acc[aria-current='true']")
        first.send_keys(Keys.ARROW_DOWN)
        b.wait(lambda: b.driver.execute_script(
            "return document.activeElement.dataset.index") == "1", "arrow down did not move")
        field = b.one(".step input")
        field.click()
        time.sleep(4.5)  # two polls
        assert b.driver.execute_script("return document.activeElement") == field
        # Paused by the facilitator: the page says so and Submit waits.
        room.cli("pause")
        b.wait(lambda: "paused" in status(b) and b.one("#submit").get_attribute("disabled"),
               "the pause is not shown")
        room.cli("resume")
        b.wait(lambda: not b.one("#submit").get_attribute("disabled"), "submit still disabled")
        account = room.session.scenario.accounts[1]
        port = room.server.port
        room.server.stop()
        b.wait(lambda: b.css("#offline") and b.one("#offline").is_displayed(),
               "no offline marker")
        b.shoot("offline")
        set_value(b, f"support_days-{account.id}", 1.5)
        room.server = ServerThread(room.host, port=port)
        room.server.start()
        b.wait(lambda: not b.one("#offline").is_displayed(), "still offline after the host is back")
        wait_draft(room, "Team 1", lambda p: p["accounts"].get(account.id, {}).get("support_days") == 1.5)


def test_chart_ticks_cover_every_value(tmp_path, browsers):
    with Room(tmp_path / "ws") as room:
        b = browsers(room.url, "en", LAPTOP, "ticks")
        b.driver.get(room.url)
        b.on_page("join")
        for lo, hi in ((0, 3.35), (-27, 0), (0, 612000), (0.1, 0.46), (5, 5)):
            ticks = b.driver.execute_async_script(
                "import('/web/charts.js').then((c) => arguments[2](c.ticks(arguments[0], arguments[1])))",
                lo, hi)
            assert ticks[0] <= lo and ticks[-1] >= hi and len(ticks) <= 8, (lo, hi, ticks)
