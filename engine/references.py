"""The reference strategies a player's game is set beside in the debrief (the solo game's
and a workshop team's): the built-in policies played in the same world — same case, seed
and facilitator's events — and graded, as the player is, against the expert's game there."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import kpis
from .game import Batch, Injected
from .policies import POLICIES, decide
from .scenario import Scenario

#: The reference strategies, in the order shown. The expert is the grade's yardstick, so its
#: game is the charts' reference line.
REFERENCES = ("expert", "needs", "focus", "uniform", "discount")
#: The whole-game figures compared, for the player and for each reference.
COMPARED = ("score", "profit", "satisfaction", "retention")

Totals = dict[str, np.ndarray]


def play_reference(scenario: Scenario, name: str, seed: int,
                   injected: Injected | None = None) -> Batch:
    """The built-in policy ``name`` played on ``seed`` to the end, meeting ``injected``
    (``Game.replay``'s: 0-based quarter → [(event id, account)]) as the player did."""

    batch = Batch(scenario, [int(seed)])
    while not batch.over:
        for event_id, account in (injected or {}).get(batch.turn, []):
            batch.inject(event_id, account)
        batch.step(decide(POLICIES[name], batch.view(), scenario, batch.static))
    return batch


def compare(expert: Batch, others: Mapping[str, Totals]) -> dict:
    """``{"figures": {name: {metric: value}}, "history": [the expert's KPIs by quarter]}``
    for the expert's finished game and the other references' whole-game totals, each
    graded against the expert's result (so the expert scores 100)."""

    reference = expert.totals()
    totals = {"expert": reference, **others}
    figures = {}
    for name in REFERENCES:
        scored = dict(totals[name], score=kpis.score(expert.static, totals[name],
                                                      reference=reference)[0])
        figures[name] = {m: float(np.asarray(scored[m]).reshape(-1)[0]) for m in COMPARED}
    history = [{k: float(np.asarray(v).reshape(-1)[0]) for k, v in q.items()}
               for q in expert.kpis]
    return {"figures": figures, "history": history}
