"""Tier and credit grade are two different letters, and every place says which it is
(issue 13 item 12): a Credit D account with the most revenue never shows a bare big "A"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import pump

from kam_sandbox.base import i18n
from kam_sandbox.engine import new_game
from kam_sandbox.game.scenes import planning
from kam_sandbox.game.session import Session

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("lang", "tier", "credit"), [("en", "Tier A", "Credit D"),
                                                       ("zh", "A类", "信用D")])
def test_the_planning_screen_labels_tier_and_credit(app, monkeypatch, lang, tier, credit):
    drawn: list[str] = []
    original = planning.text

    def record(surface, pos, value, *args, **kwargs):
        drawn.append(value)
        return original(surface, pos, value, *args, **kwargs)

    monkeypatch.setattr(planning, "text", record)
    i18n.set_language(lang)
    session = Session(new_game("enterprise", 1), store=None)
    app.push("planning", session)
    scene = app.scene
    scene.tutorial_step = None
    view = session.game.view()
    big_and_risky = [i for i in range(len(session.scenario.accounts))
                     if view.tier[0, i] == 0 and view.credit_grade[i] == 3]
    assert big_and_risky, "enterprise has a Tier A, Credit D account (xinyang)"
    scene.select(big_and_risky[0])
    pump(app, 1)
    drawn.clear()
    app.render()
    i18n.set_language("en")
    assert tier in drawn  # the portfolio badge and the header
    assert any(v.startswith(f"{credit} · ") for v in drawn), drawn
    # every portfolio card's badge says "Tier X" / "X类" (initials of people are letters too)
    badges = [v for v in drawn if re.fullmatch(r"Tier [ABC]|[ABC]类", v)]
    assert len(badges) >= 6, badges


#: Where a tier or a credit grade is named with a bare letter.
BARE = re.compile(r"\b(?:grade|rated|tier)[- ][A-D]\b|[A-D]-(?:grade|rated)|[A-D] ?级")


def test_no_text_names_a_tier_or_grade_by_a_bare_letter():
    files = [*ROOT.glob("base/locales/*.json"), *ROOT.glob("docs/*.md"), ROOT / "README.md"]
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()[:80]}"
             for p in files
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if BARE.search(line)]
    assert found == []
