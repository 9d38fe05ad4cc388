"""No text overlaps other text on any screen, in either language, at every canvas size the
settings offer (issue 11 item 13): every line the game draws and every pygame_gui label,
button and text box, compared by their ink boxes."""

from __future__ import annotations

import pytest
from screen_tour import canvas_sizes, overlaps, tour, tour_app


@pytest.mark.parametrize("size,scale", canvas_sizes())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_overlaps_on_any_screen(tmp_path, monkeypatch, lang, size, scale):
    with tour_app(tmp_path, monkeypatch, lang, size, scale) as app:
        found = {}
        for state in tour(app, app.store):
            bad = overlaps(app)
            if bad:
                found[state] = bad[:4]
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_check_sees_an_overlap(app):
    """The check can fail: two lines drawn on one spot, and a label over a drawn line."""

    from pygame_gui.elements import UILabel
    from screen_tour import show

    from kam_sandbox.game import draw

    app.push("settings")
    show(app)
    assert not overlaps(app)
    draw.text(app.screen, (30, 300), "Overdue: ¥0   RFM: 555", 12)
    draw.text(app.screen, (40, 302), "nationwide) · 46,000 staff", 13)
    assert len(overlaps(app)) == 1
    import pygame

    UILabel(pygame.Rect(20, 296, 300, 24), "a label over them", app.ui)
    app.ui.update(0.0)
    assert len(overlaps(app)) == 3
