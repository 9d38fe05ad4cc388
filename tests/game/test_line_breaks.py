"""Chinese line breaks follow the kinsoku rules (issue 11 item 18): no line starts with a
closing mark ("，" "。" "）"…) or ends with an opening one ("（" "“"…), a number or a
letter stays with the measure word after it, and "A 类客户" is never split. Checked on every
Chinese string the game ships, wrapped at many widths."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from kam_sandbox.game.draw import CLOSING, OPENING, drawn_width, wrap


def shipped_chinese() -> list[str]:
    folder = resources.files("kam_sandbox.base").joinpath("locales")
    out = []
    for path in folder.iterdir():
        if path.name.endswith(".zh.json"):
            out += [v for v in json.loads(path.read_text("utf-8")).values()
                    if isinstance(v, str) and any("\u4e00" <= c <= "\u9fff" for c in v)]
    return out


STRINGS = shipped_chinese()


def test_there_are_real_strings_to_check():
    assert len(STRINGS) > 300
    assert any("A 类客户" in s for s in STRINGS)


@pytest.mark.parametrize("width", [60, 90, 130, 170, 240, 330])
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(width):
    measure = drawn_width(13)
    bad = []
    for value in STRINGS:
        lines = wrap(value, width, measure)
        for k, line in enumerate(lines):
            if k and line and line[0] in CLOSING:
                bad.append((value, line))
            if k < len(lines) - 1 and line and line[-1] in OPENING:
                bad.append((value, line))
    assert not bad, bad[:5]


@pytest.mark.parametrize("width", range(40, 400, 7))
def test_a_tier_name_and_a_count_stay_whole(width):
    measure = drawn_width(13)
    value = "在 A 类客户中，你把 12 个季度的拜访（含高管）给了经济决策者以外的人。"
    lines = wrap(value, width, measure)
    if width >= measure("A 类客户"):  # narrower, the term itself is cut with an ellipsis
        assert "".join(lines).replace(" ", "") == value.replace(" ", "")  # nothing lost
        assert any("A 类客户" in line for line in lines), lines
    assert not any(line.endswith("12") or line.startswith("个") for line in lines), lines


def test_the_rules_do_not_stop_english_from_wrapping_at_spaces():
    lines = wrap("One press is one action (never two), said the trainee.", 120, drawn_width(13))
    assert len(lines) > 1 and all(not line.startswith((")", ",", ".")) for line in lines)


def test_the_guided_tour_box_breaks_chinese_by_the_same_rules(app):
    """pygame_gui broke the tour's "A 类客户" at its space; the box gets lines made here."""

    from kam_sandbox.base import i18n
    from kam_sandbox.engine import new_game
    from kam_sandbox.game.session import Session

    i18n.set_language("zh")
    try:
        app.push("planning", Session(new_game("tutorial", 1), store=None))
        scene = app.scene
        scene.tutorial_step = 1  # the portfolio step names the A tier
        app.rebuild()
        box = next(s for s in app.ui.get_sprite_group().sprites()
                   if type(s).__name__ == "UITextBox")
        lines = box.html_text.split("<br>")
        assert len(lines) > 1 and any("A\u00a0类客户" in line for line in lines), lines
        assert not any(line[:1] in CLOSING for line in lines[1:])
    finally:
        i18n.set_language("en")


def test_the_library_briefing_and_stories_break_chinese_by_the_same_rules(app):
    from kam_sandbox.base import i18n

    i18n.set_language("zh")
    try:
        app.push("library", new_game=True)
        for tab in ("briefing", "accounts"):
            app.scene.show_tab(tab)
            box = next(s for s in app.ui.get_sprite_group().sprites()
                       if type(s).__name__ == "UITextBox")
            lines = [line for line in box.html_text.split("<br>") if line]
            accounts = len(app.scene.entry.scenario.accounts)
            assert len(lines) > 3 * accounts, tab  # its paragraphs broken into lines here
            rows = len(box.text_box_layout.layout_rows)
            assert rows == len(box.html_text.split("<br>")), tab  # and not again by pygame_gui
            assert not any(line[:1] in CLOSING for line in lines), tab
    finally:
        i18n.set_language("en")


def test_the_glossary_breaks_chinese_by_the_same_rules(app):
    from kam_sandbox.base import i18n
    from kam_sandbox.game import glossary

    i18n.set_language("zh")
    try:
        app.push("glossary")
        checked = 0
        for term in glossary.TERMS:
            app.scene.term = term
            app.rebuild()
            box = app.scene.text_box
            lines = box.html_text.split("<br>")
            assert len(box.text_box_layout.layout_rows) == len(lines), term  # not re-broken
            assert not any(line[:1] in CLOSING for line in lines[1:]), term
            checked += len(lines)
        assert checked > len(glossary.TERMS)  # some explanations take several lines
    finally:
        i18n.set_language("en")


def test_every_workshop_text_box_breaks_chinese_here(tmp_path, monkeypatch):
    """The team's wait screen lists the room's headlines in a box, as results do."""

    from screen_tour import tour_app
    from workshop_tour import workshop_tour

    with tour_app(tmp_path, monkeypatch, "zh") as app:
        for state in workshop_tour(app, tmp_path):
            for box in [s for s in app.ui.get_sprite_group().sprites()
                        if type(s).__name__ == "UITextBox"]:
                lines = box.html_text.split("<br>")
                assert len(box.text_box_layout.layout_rows) == len(lines), (state, lines)


def test_a_teams_wait_screen_breaks_a_long_chinese_headline_here(tmp_path, monkeypatch):
    from screen_tour import tour_app
    from workshop_tour import workshop_tour

    from kam_sandbox.game.scenes import team_wait

    long = "在 A 类客户中，锦华纺织保全车间投诉：我们的业务员三个月没来过车间。" * 4
    monkeypatch.setattr(team_wait, "headline_text", lambda h: long)
    with tour_app(tmp_path, monkeypatch, "zh") as app:
        for state in workshop_tour(app, tmp_path):
            if state == "team-wait":
                box = next(s for s in app.ui.get_sprite_group().sprites()
                           if type(s).__name__ == "UITextBox")
                lines = box.html_text.split("<br>")
                assert len(lines) > 3  # the headline takes several lines
                assert len(box.text_box_layout.layout_rows) == len(lines)
                assert not any(line[:1] in CLOSING for line in lines)
                assert all(line.count("A") == line.count("A\u00a0类客户") for line in lines)
                return
    raise AssertionError("the tour never reached a team's wait screen")
