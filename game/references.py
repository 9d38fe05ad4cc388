"""The reference strategies' games: the built-in policies played in the player's world (same
case, same seed), which the debrief sets beside the player's game.

They depend on the case and the seed alone, never on the player's plans, so they are
played in a background thread from the moment the last quarter's plan opens
(``prefetch``); by the time the player has planned it and read the results, the debrief
opens without waiting for them (``get`` waits only for what is not done yet).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from kam_sandbox.engine import Batch
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.engine.simulate import run

#: The reference strategies shown beside the player's game, in this order.
#: The expert is the grade's yardstick, so its game is the charts' reference line.
REFERENCES = ("expert", "needs", "focus", "uniform", "discount")
#: What the comparison shows for the player and each reference: whole-game figures.
COMPARED = ("score", "profit", "satisfaction", "retention")

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-references")
_LOCK = threading.Lock()
#: (id of the scenario, seed) -> (the scenario, kept so its id is not reused; the games)
_GAMES: dict[tuple[int, int], tuple[object, Future]] = {}


def play(scenario, seed: int) -> dict:
    """Every reference strategy's whole-game figures, and the expert's game's KPIs by
    quarter: ``{"figures": {name: {metric: value}}, "history": [kpis by quarter]}``."""

    figures = {}
    for name in REFERENCES:
        out = run(scenario, POLICIES[name], [seed])
        figures[name] = {m: float(out[m][0]) for m in COMPARED}
    batch = Batch(scenario, [seed])
    while not batch.over:
        batch.step(decide(POLICIES["expert"], batch.view(), scenario, batch.static))
    history = [{k: float(np.asarray(v).reshape(-1)[0]) for k, v in q.items()}
               for q in batch.kpis]
    return {"figures": figures, "history": history}


def prefetch(scenario, seed: int) -> Future:
    """Start playing the reference games of ``scenario`` and ``seed`` in the background
    (once; the last few cases are kept)."""

    key = (id(scenario), int(seed))
    with _LOCK:
        if key not in _GAMES:
            while len(_GAMES) >= 4:
                _GAMES.pop(next(iter(_GAMES)))
            _GAMES[key] = (scenario, _POOL.submit(play, scenario, int(seed)))
        return _GAMES[key][1]


def get(scenario, seed: int) -> dict:
    """The reference games of ``scenario`` and ``seed``, waiting for them if need be."""

    return prefetch(scenario, seed).result()
