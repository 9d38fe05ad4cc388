"""A replaced stakeholder is a new person: a new name, never met, role and stance unknown,
named the same way in every replay of the game."""

from __future__ import annotations

from kam_sandbox.engine import new_game
from kam_sandbox.engine.people import person_name

# Quarters 1-2 of the tutorial meet Lu Min, Jinggong's equipment manager, and read her
# role; quarter 3's scripted event moves her to another plant.
PLANS = [
    {"accounts": {"jinggong": {"survey": True, "am_days": {"lu_min": 3, "zhou_zhenhua": 2}}}},
    {"accounts": {"jinggong": {"feedback": True, "am_days": {"lu_min": 3}}}},
    {"accounts": {"jinggong": {"am_days": {"zhou_zhenhua": 2}}}},
]


def played(seed: int = 42, quarters: int = 3):
    game = new_game("tutorial", seed)
    results = [game.play(plan) for plan in PLANS[:quarters]]
    return game, results


def seat(game, person: str) -> tuple[int, int]:
    for i, acc in enumerate(game.scenario.accounts):
        for j, sh in enumerate(acc.stakeholders):
            if sh.id == person:
                return i, j
    raise KeyError(person)


def test_the_successor_is_a_new_person_never_met():
    game, _ = played(quarters=2)
    i, j = seat(game, "lu_min")
    before = game.view()
    assert before.person(0, i, j)["en"] == "Lu Min" and before.replacements(0, i, j) == 0
    assert before.last_contact[0, i, j] >= 0  # met before she left
    game.play(PLANS[2])
    view = game.view()
    name = view.person(0, i, j)
    assert view.replacements(0, i, j) == 1
    assert name["en"] != "Lu Min" and name["zh"] != "陆敏"
    others = {sh.name.zh for sh in game.scenario.accounts[i].stakeholders}
    assert name["zh"] not in others
    assert view.last_contact[0, i, j] == -1 and view.stance_turn[0, i, j] == -1
    assert view.role[0, i, j] == -1  # the role is to be found out again
    person = view.to_dict()["accounts"][i]["stakeholders"][j]
    assert person["name"] == name and person["replacements"] == 1


def test_the_quarter_names_who_left_and_who_took_over():
    game, results = played()
    i, j = seat(game, "lu_min")
    news = [n for n in results[2]["news"] if n["type"] == "stakeholder_change"]
    assert news and news[0]["stakeholder"] == "lu_min"
    assert news[0]["predecessor"]["en"] == "Lu Min"
    assert news[0]["name"] == game.view().person(0, i, j)


def test_successors_are_deterministic_and_differ_by_seed():
    a, _ = played(seed=42)
    b, _ = played(seed=42)
    i, j = seat(a, "lu_min")
    assert a.view().person(0, i, j) == b.view().person(0, i, j)
    names = {person_name(a.scenario, seed, i, j, 1)["en"] for seed in range(20)}
    assert len(names) > 5  # not everyone's successor is called the same


def test_the_debrief_names_the_person_in_the_seat_at_the_end():
    game, _ = played()
    while not game.over:
        game.play({})
    i, j = seat(game, "lu_min")
    person = game.debrief()["accounts"][i]["stakeholders"][j]
    assert person["name"] == game.view().person(0, i, j) and person["replacements"] >= 1
