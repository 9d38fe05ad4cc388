"""The reference strategies' games: the built-in policies played in the player's world (same
case, same seed), which the debrief sets beside the player's game.

The expert's game is already there: a solo game's grade plays it quarter by quarter as the
game's yardstick (``Batch.yardstick``), so the debrief reads it from there (``get``). The
other references depend on the case and the seed alone, never on the player's plans, so
they are played in a background thread from the moment the last quarter's plan opens
(``prefetch``); by the time the player has planned it and read the results, the debrief
opens without waiting for them (``get`` waits only for what is not done yet).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from kam_sandbox.engine import Batch
from kam_sandbox.engine.references import COMPARED, REFERENCES, Totals, compare, play_reference

#: The ones played again for the debrief (the expert's game is the yardstick's).
PLAYED = tuple(name for name in REFERENCES if name != "expert")

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-references")
_LOCK = threading.Lock()
#: (id of the scenario, seed) -> (the scenario, kept so its id is not reused; the games)
_GAMES: dict[tuple[int, int], tuple[object, Future]] = {}


def play(scenario, seed: int) -> dict[str, Totals]:
    """The whole-game totals of every reference but the expert, each played on ``seed``."""

    return {name: play_reference(scenario, name, seed).totals() for name in PLAYED}


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


def expert_game(game) -> Batch | None:
    """``game``'s yardstick when it is the plain expert game of the same case and seed: a
    graded game of one seat that met no facilitator's event (a shared market's seat is
    measured against its rivals' moves, an injected event changes the world). None else."""

    batch = getattr(game, "batch", None)  # a seat's snapshot holds only the rules
    if (not isinstance(batch, Batch) or not batch.graded or batch.players != 1 or batch.size != 1
            or any(batch.injected.values())):
        return None
    return batch.yardstick(0)


def get(scenario, seed: int, game=None) -> dict:
    """The references beside ``game`` (case ``scenario``, seed ``seed``): each one's
    ``COMPARED`` figures and the expert's KPIs by quarter, ``{"figures": {name: {metric:
    value}}, "history": [kpis by quarter]}``. Waits for the background games if need be."""

    played = prefetch(scenario, seed).result()
    expert = expert_game(game) if game is not None else None
    if expert is None or not expert.over:  # played here, as the others were
        expert = play_reference(scenario, "expert", seed)
    return compare(expert, played)


__all__ = ["COMPARED", "PLAYED", "REFERENCES", "expert_game", "get", "play", "prefetch"]
