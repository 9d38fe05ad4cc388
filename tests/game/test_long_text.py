"""Text of any length is drawn in bounded time: a 500,000-character headline in a scenario
once hung the results screen for 13 minutes."""

from __future__ import annotations

import pytest
from conftest import pump

from kam_sandbox.engine import new_game
from kam_sandbox.game.draw import MAX_TEXT, drawn_width, fit, wrap
from kam_sandbox.game.session import Session
from kam_sandbox.game.widgets import box_text

HUGE = ("Jialehui announces a nationwide festival " * 12_500)[:500_000]


class Counted:
    """A width measure that fails a test once it has been asked too often."""

    def __init__(self, limit: int):
        self.calls, self.limit, self.measure = 0, limit, drawn_width(14)

    def __call__(self, value: str) -> int:
        self.calls += 1
        if self.calls > self.limit:
            raise AssertionError(f"measured {self.calls} times")
        return self.measure(value)


def test_fit_and_wrap_measure_a_huge_text_a_bounded_number_of_times():
    assert len(HUGE) == 500_000
    one_line = fit(HUGE, 300, Counted(64))
    assert one_line.endswith("…") and drawn_width(14)(one_line) <= 300
    lines = wrap(HUGE, 400, Counted(MAX_TEXT * 2), max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert len(box_text(HUGE)) <= MAX_TEXT + 10


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_results_screen_shows_a_huge_headline_cut_short(app, lang):
    from kam_sandbox.base import i18n

    i18n.set_language(lang)
    session = Session(new_game("tutorial", 3), store=None)
    result = session.end_quarter()
    result["headlines"] = [{"type": "scripted", "account": None,
                            "headline": {"en": HUGE, "zh": "嘉乐汇宣布全国店庆" * 55_556}}]
    app.push("results", session, result)
    pump(app)
    app.render()
    shown = app.scene.news_box.html_text.replace("<br>", "")  # Chinese: lines broken here
    assert len(shown) <= MAX_TEXT + 200
    i18n.set_language("en")
