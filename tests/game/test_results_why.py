"""Issue 11 item 9: the results screen says what worked as well as what did not, and keeps
the season's and market's part of a revenue swing apart from the player's own."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402

from kam_sandbox.base import fmt, i18n  # noqa: E402
from kam_sandbox.engine import Game, load_scenario  # noqa: E402
from kam_sandbox.engine.actions import actions_to_plan  # noqa: E402
from kam_sandbox.engine.policies import POLICIES, decide  # noqa: E402
from kam_sandbox.game.scenes.results import ResultsScene  # noqa: E402
from kam_sandbox.game.session import Session  # noqa: E402


def retail_session(quarters: int, policy: str = "needs") -> tuple[Session, dict]:
    session = Session(game=Game(load_scenario("retail"), 5), store=None)
    game, result = session.game, None
    for _ in range(quarters):
        actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
        session.draft = actions_to_plan(actions, game.batch.static)
        result = session.end_quarter()
    return session, result


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_results_split_season_and_market_from_the_players_part(window, lang):
    window.set_language(lang)
    session, result = retail_session(1)
    scene = ResultsScene(window, session, result)
    window.push(scene)
    window.render()
    html = scene.changes_box.html_text
    if lang == "zh":  # its lines are broken here (kinsoku): read them as one text
        html = html.replace("<br>", "")
    effects = result["revenue_effects"]
    assert effects["season"] < 0  # retail's first quarter is a low season
    season = fmt.delta_money(effects["season"], lang, session.scenario.currency,
                             short_from=fmt.SHORT_FROM)
    for key in ("why.title", "why.worked", "why.did_not"):
        assert i18n.tr(key).replace(" ", "\u00a0") in html or i18n.tr(key) in html, key
    world = i18n.tr("why.effect.season", value=season)
    assert world in html.replace("\u00a0", " ")
    # Something the player did lifted revenue, and it is said, with the account named.
    good = [a for a in result["accounts"] if sum(a["effects"][k] for k in
                                                 ("share", "price", "lost")) > 0.5]
    assert good
    names = [i18n.pick(a.name) for a in session.scenario.accounts
             if a.id in {g["id"] for g in good}]
    assert any(n in html.replace("\u00a0", " ") for n in names)


def test_an_account_line_shows_its_gains_beside_its_setbacks(window):
    window.set_language("en")
    session, result = retail_session(2)
    scene = ResultsScene(window, session, result)
    window.push(scene)
    window.render()
    html = scene.changes_box.html_text.replace("\u00a0", " ")
    assert "Season and market" in html and "your part" in html
    assert "was well served" in html or "moved up a stage" in html or "Supplied in full" in html
