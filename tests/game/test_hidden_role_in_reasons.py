"""A person's role is hidden until it is discovered: no reason given after a quarter may
name it before then (the "need went unmet" line once read "技术评估者陆敏" for someone never
met)."""

from __future__ import annotations

from kam_sandbox.base import explain
from kam_sandbox.engine import Game, load_scenario

EMPTY = {"accounts": {}, "portfolio": {}}


def _unmet_reasons(scenario_id: str, seed: int) -> list[tuple[dict, dict, Game]]:
    """Every unmet-need reason of a game played with empty plans (nobody met, nothing
    surveyed), with its account's result and the game after that quarter."""

    game = Game(load_scenario(scenario_id), seed)
    out = []
    while not game.over:
        result = game.play(EMPTY)
        for acc in result["accounts"]:
            for d in acc["drivers"]:
                if d["kind"] == "unmet_need":
                    out.append((d, acc, game))
        if len(out) > 20:
            break
    return out


def test_an_undiscovered_role_is_never_named_in_a_reason():
    found = 0
    for scenario_id in ("retail", "enterprise"):
        sc = load_scenario(scenario_id)
        roles = {r.id: r for r in sc.roles}
        for d, acc, game in _unmet_reasons(scenario_id, 3):
            i = [a.id for a in sc.accounts].index(acc["id"])
            j = [sh.id for sh in sc.accounts[i].stakeholders].index(d["stakeholder"])
            known = int(game.view().role[0, i, j]) >= 0
            if known:
                continue
            found += 1
            assert "role" not in d, d  # the engine does not hand it out
            real = roles[sc.accounts[i].stakeholders[j].role].name
            for lang in ("en", "zh"):
                line = " ".join(explain.driver_sentences(acc, sc, lang))
                assert getattr(real, lang) not in line, line
                assert explain.pick(d["name"], lang) in line  # still says who
    assert found, "no reason about an undiscovered person: the test proved nothing"


def test_a_discovered_role_is_named():
    sc = load_scenario("tutorial")
    acc = sc.accounts[0]
    person = acc.stakeholders[0]
    reason = {"id": acc.id, "revenue": 1.0, "revenue_before": 1.0, "stage": "mid",
              "stage_before": "mid",
              "drivers": [{"kind": "unmet_need", "stakeholder": person.id, "role": "technical",
                           "need": "support"}]}
    assert explain.driver_sentences(reason, sc, "en")[0].startswith("Technical evaluator")
