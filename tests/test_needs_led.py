"""The needs-led strategies act on the needs as read (issue 10, lessons 2 and 6): each pool
of effort goes where the need it serves is greatest, so a stale reading misplaces it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kam_sandbox.engine import load_scenario
from kam_sandbox.engine.game import Batch
from kam_sandbox.engine.policies import (
    NEEDS_STYLE,
    _key_accounts,
    _tiers_weight,
    decide,
    needs,
    styled,
)
from kam_sandbox.engine.scenario import NEEDS

REL, PROMO = NEEDS.index("relationship"), NEEDS.index("promotion")


def _view(case: str = "tutorial", turns: int = 0):
    sc = load_scenario(case)
    batch = Batch(sc, [7])
    for _ in range(turns):
        batch.step(decide(needs, batch.view(), sc, batch.static))
    return batch.view()


def _read(view, profiles: np.ndarray, known: np.ndarray | None = None):
    """The view with these needs readings (N, D), taken this quarter where ``known``."""

    n = profiles.shape[0]
    known = np.ones(n, bool) if known is None else known
    profiles = profiles / profiles.sum(-1, keepdims=True)
    return dataclasses.replace(
        view, needs_reading=np.where(known[:, None], profiles, 0.0)[None],
        needs_turn=np.where(known, view.turn, -1)[None])


def _flat(n: int) -> np.ndarray:
    return np.full((n, len(NEEDS)), 1.0)


def _am_days(view, style) -> np.ndarray:
    return styled(view, style=style).am_days[0, 0].sum(-1)


def test_visits_go_where_relationships_matter_most():
    view = _view()
    n = view.mask.shape[0]
    base, warm = _flat(n), _flat(n)
    warm[1, REL] = 4.0  # account 1 now cares about the relationship above all
    led = dataclasses.replace(NEEDS_STYLE, need_focus=1.0)
    blind = dataclasses.replace(NEEDS_STYLE, need_focus=0.0)
    before, after = _am_days(_read(view, base), led), _am_days(_read(view, warm), led)
    assert after[1] > before[1]
    # the same days, moved (each person's days are rounded down to quarter days)
    days, people = view.scenario.resources.am_days, view.mask.sum()
    assert days - 0.25 * people <= after.sum() <= days
    assert days - 0.25 * people <= before.sum() <= days
    assert np.array_equal(_am_days(_read(view, base), blind),
                          _am_days(_read(view, warm), blind))


def test_promotion_money_follows_the_need_for_promotion():
    view = _view()
    n = view.mask.shape[0]
    none, keen = _flat(n), _flat(n)
    none[:, PROMO] = 0.0
    keen[:, PROMO] = 3.0
    assert styled(_read(view, none), style=NEEDS_STYLE).promotion.sum() == 0
    assert styled(_read(view, keen), style=NEEDS_STYLE).promotion.sum() > 0


def test_an_account_not_yet_read_is_taken_as_the_average_surveyed_one():
    """No tilt of any pool towards or away from an account until it is surveyed: it gets
    what it would get read as the value-weighted average of the accounts read."""

    view = _view()
    n = view.mask.shape[0]
    rng = np.random.default_rng(3)
    profiles = rng.uniform(0.1, 1.0, (n, len(NEEDS)))
    known = np.arange(n) != n - 1
    unread = _read(view, profiles, known)
    w = _tiers_weight(view, NEEDS_STYLE)[0, :n - 1]  # needs' weights of the accounts read
    read = profiles[:n - 1] / profiles[:n - 1].sum(-1, keepdims=True)
    as_average = profiles.copy()
    as_average[n - 1] = (w[:, None] * read).sum(0) / w.sum()
    assert _am_days(unread, NEEDS_STYLE) == pytest.approx(
        _am_days(_read(view, as_average), NEEDS_STYLE), abs=0.25)


def test_key_accounts_are_filled_first_in_a_shortage():
    sc = load_scenario("distributors")
    view = _view("distributors", turns=1)  # quarter 2: a peak with short supply
    assert view.peak
    share = needs(view).supply[0, 0]
    demand = view.revenue[0, :, -1] * ~view.lost[0]
    cap = sc.supply.capacity * demand.sum()
    fill = np.where(demand > 0, share * cap / np.where(demand > 0, demand, 1), 1.0)
    key = _key_accounts(view)[0]
    # key accounts get all they order, or all there is; the others share the rest alike
    assert fill[key] == pytest.approx(min(1.0, cap / demand[key].sum()), rel=1e-4)
    rest = ~key & (demand > 0)
    assert np.all(fill[rest] <= fill[key].min())
    assert np.ptp(fill[rest]) < 1e-4


def test_the_news_of_a_need_shift_dates_it_in_the_view():
    sc = load_scenario("enterprise")
    batch = Batch(sc, [11])
    seen = np.full(len(sc.accounts), -1)
    while not batch.over:
        batch.step(decide(needs, batch.view(), sc, batch.static))
        hit = batch.outcomes[-1].events["need_shift"][0]
        seen = np.where(hit, batch.state.turn - 1, seen)
        assert np.array_equal(batch.view().shift_turn[0], seen)
    assert (seen >= 0).any()


def test_a_reading_older_than_the_news_of_a_shift_is_refreshed():
    view = _view()
    n = view.mask.shape[0]
    read = _read(view, _flat(n))  # every account read this quarter: nothing is stale
    assert not needs(read).survey.any()
    news = np.full((1, n), -1)
    news[0, 0] = read.turn + 1  # … then the news reports account 0's needs shifting
    later = dataclasses.replace(read, turn=read.turn + 2, shift_turn=news)
    assert needs(later).survey[0, 0, 0]
    assert not needs(later, surveys="once").survey.any()
    # a snapshot from before the view carried the news reads as "no shift reported"
    assert not needs(dataclasses.replace(later, shift_turn=None)).survey.any()


def test_the_planning_data_flags_a_reading_older_than_the_shift_news():
    view = _view()
    n = view.mask.shape[0]
    read = _read(view, _flat(n))
    news = np.full((1, n), -1)
    news[0, 1] = read.turn + 1
    later = dataclasses.replace(read, turn=read.turn + 2, shift_turn=news)
    flags = [acc["needs_shifted"] for acc in later.to_dict()["accounts"]]
    assert flags == [i == 1 for i in range(n)]
    # never read: nothing to go stale, whatever the news
    unread = dataclasses.replace(later, needs_turn=np.full((1, n), -1))
    assert not any(acc["needs_shifted"] for acc in unread.to_dict()["accounts"])
