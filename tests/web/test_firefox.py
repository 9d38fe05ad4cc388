"""The browser client in Firefox (ESR), a smoke test: two teams join (a laptop, and a window as narrow as Firefox allows: the phone layout),
one edits and submits its plan, both read their results and their debrief with the
reference strategies; every page is photographed in both languages and checked as in
Chromium (not
empty, no overlapping text, no unnamed control, nothing wider than the screen, no bare
tier letter). Skipped where Firefox or marionette-driver is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from firefox import LAPTOP, NARROW, Firefox, require_firefox
from test_browser_workshop import Room


@pytest.fixture
def firefox(tmp_path_factory):
    require_firefox()
    shots: Path = tmp_path_factory.mktemp("firefox-screenshots")
    print(f"\nscreenshots: {shots}")
    opened: list[Firefox] = []

    def open_firefox(lang: str, size, name: str) -> Firefox:
        opened.append(Firefox(lang, size, shots, name))
        return opened[-1]

    yield open_firefox
    for fox in opened:
        fox.quit()


def tour(fox: Firefox, name: str) -> None:
    """The page photographed in the browser's language and in the other one, then back."""

    own = fox.lang
    fox.shoot(name)
    for lang in ("en" if own == "zh" else "zh", own):
        fox.lang = lang
        fox.click("#lang")
        want = "zh-CN" if lang == "zh" else "en"
        fox.wait(lambda w=want: fox.js("return document.documentElement.lang") == w,
                 f"the page did not switch to {lang}")
        fox.wait(lambda: fox.text(), "the page is empty after switching language")
        if lang != own:
            fox.shoot(name)


def join(fox: Firefox, room: Room, team: str, name: str) -> None:
    fox.driver.navigate(room.url)
    fox.on_page("join")
    tour(fox, "join")
    fox.wait(lambda: [el for el in fox.driver.find_elements("css selector", "label.team")
                      if el.text.strip() == team], f"no {team} on the join page")[0].click()
    fox.one("#join-code").send_keys(room.code)
    fox.one("#join-name").send_keys(name)
    fox.click("#join-button")
    fox.on_page("plan")


def test_a_team_plays_a_workshop_in_firefox(tmp_path, firefox):
    with Room(tmp_path / "ws") as room:
        fox = firefox("en", LAPTOP, "team1")
        phone = firefox("zh", NARROW, "team2")
        join(fox, room, "Team 1", "Fox")
        join(phone, room, "红队", "狐")
        assert fox.text(".acc .tier").startswith("Tier ")
        account = room.session.scenario.accounts[0]
        field = fox.one(f"#support_days-{account.id}")
        field.clear()
        field.send_keys("2")
        fox.js("arguments[0].dispatchEvent(new Event('change'))", field)
        for browser in (fox, phone):
            tour(browser, "plan")
        fox.click("#submit")
        team = room.team("Team 1")["id"]
        fox.wait(lambda: room.session.counting_plan(team, 1), "the plan never reached the host")
        assert room.session.counting_plan(team, 1)["plan"]["accounts"][account.id][
            "support_days"] == 2
        room.cli("advance")
        for browser in (fox, phone):
            browser.on_page("results")
            assert browser.js("return document.querySelectorAll('svg.chart').length") >= 6
            tour(browser, "results")
        for _ in range(3):
            room.cli("advance")
        for browser in (fox, phone):
            browser.on_page("debrief")
            browser.wait(lambda b=browser: b.js(
                "return document.querySelectorAll('svg.bars').length") == 4,
                "the reference strategies never arrived")
            tour(browser, "debrief")
            browser.js("document.getElementById('compare-title').scrollIntoView()")
            browser.shoot("debrief-compare")
