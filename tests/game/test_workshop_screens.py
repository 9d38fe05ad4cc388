"""Issue 11 items 13 and 14 on the workshop screens (the setup, the facilitator console and
its dialogs, the projector, joining, a team's planning, wait, results and debrief, in
parallel worlds and as a shared market's seat): no text overlaps other text, in either
language, at every canvas size the settings offer; a shortened text shows whole on hover."""

from __future__ import annotations

import pygame
import pytest
from screen_tour import canvas_sizes, overlaps, show, tour_app
from test_whole_text import without_whole_text
from workshop_tour import workshop_tour

from kam_sandbox.game import draw


@pytest.mark.parametrize("size,scale", canvas_sizes())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_overlaps_on_any_workshop_screen(tmp_path, monkeypatch, lang, size, scale):
    with tour_app(tmp_path, monkeypatch, lang, size, scale) as app:
        found, states = {}, 0
        for state in workshop_tour(app, tmp_path):
            states += 1
            bad = overlaps(app)
            if bad:
                found[state] = bad[:4]
    assert states > 30
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_shortened_workshop_text_shows_whole_on_hover(tmp_path, monkeypatch, lang):
    with tour_app(tmp_path, monkeypatch, lang) as app:
        seen, missing = without_whole_text(app, workshop_tour(app, tmp_path))
    assert seen > 10  # the check ran on real shortened text
    assert not missing, missing[:10]


def test_text_under_a_card_is_neither_seen_nor_hovered(app):
    """A dialog's card painted over a table hides the table's lines: they overlap nothing
    and hovering the dialog does not show a hidden line's whole text."""

    app.push("settings")
    show(app)
    draw.text(app.screen, (30, 300), "a long line under the dialog " * 8, 14, max_width=200)
    assert draw.FRAME.cut and app.whole_text_at((60, 308)) is not None
    draw.card(app.screen, pygame.Rect(20, 280, 400, 100))
    draw.text(app.screen, (40, 302), "The dialog's own text", 14)
    assert not overlaps(app)
    assert app.whole_text_at((60, 308)) is None
