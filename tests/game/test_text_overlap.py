"""No text the planning header draws overlaps other text, in either language, for every
account of every shipped case, at every window size offered."""

from __future__ import annotations

import pytest
from conftest import pump

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game import draw
from kam_sandbox.game.scenes import planning
from kam_sandbox.game.session import Session
from kam_sandbox.game.settings import WINDOW_SIZES


@pytest.fixture
def drawn_rects(monkeypatch) -> list[tuple[str, object]]:
    seen = []
    original = draw.text

    def record(surface, pos, value, *args, **kwargs):
        rect = original(surface, pos, value, *args, **kwargs)
        seen.append((value, rect))
        return rect

    monkeypatch.setattr(planning, "text", record)
    return seen


@pytest.mark.parametrize("scenario", ["retail", "enterprise", "distributors"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_account_header_never_overlaps(app, drawn_rects, scenario, lang):
    i18n.set_language(lang)
    session = Session(new_game(scenario, 1), store=None)
    app.push("planning", session)
    scene = app.scene
    scene.tutorial_step = None
    for size in WINDOW_SIZES:
        app.set_window(size, False)
        for i in range(len(session.scenario.accounts)):
            scene.selected = i
            pump(app, 1)
            drawn_rects.clear()
            scene._draw_header(app.screen, scene.layout()["header"], scene.view)
            # A line's box includes the font's leading (about 2 px above and below the ink).
            rects = [(v, r.inflate(0, -4)) for v, r in drawn_rects if v.strip()]
            for a, (va, ra) in enumerate(rects):
                for vb, rb in rects[a + 1:]:
                    assert not ra.colliderect(rb), f"{size} {va!r} overlaps {vb!r}"
    i18n.set_language("en")
