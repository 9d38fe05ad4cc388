"""The reference strategies of a finished workshop: the built-in policies played in the
session's world (the whole case and the world's seed, which a team receives once every
round is played), for a team's browser debrief to set beside the team's own game, as the
Pygame debrief does (both from ``engine.references``).

They depend on the case, the world and the facilitator's events a team met, never on a
team's plans, so a host plays them once per session (once per set of events, where the
facilitator hit teams differently), in a background thread started by the first team that
asks, and keeps them. Asking never waits: until they are played the answer says
``ready: False`` and the browser asks again. They meet the facilitator's events as the
team did, and are graded as the team is, against the expert in that world, so the expert's
profit here is the target on the team's scorecard (the Pygame client plays them without
the events). In a shared market they play the world alone, without the rival teams.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from kam_sandbox.engine import KamError, Scenario
from kam_sandbox.engine.game import Injected
from kam_sandbox.engine.references import COMPARED, REFERENCES, compare, play_reference

from .host import Host


def compared(scorecard: dict, history: list[dict]) -> dict[str, float]:
    """A game's ``COMPARED`` figures from its scorecard and KPIs by quarter."""

    return {"score": float(scorecard["score"]),
            "profit": float(sum(q["profit"] for q in history)),
            "satisfaction": float(history[-1]["satisfaction"]) if history else 0.0,
            "retention": float(history[-1]["retention"]) if history else 0.0}


def play(scenario: Scenario, seed: int, injected: Injected | None = None) -> dict:
    """Every reference's whole-game figures, and the expert's KPIs by quarter:
    ``{"figures": {name: {metric: value}}, "history": [kpis by quarter]}``. ``injected``
    (``Game.replay``'s: 0-based quarter → [(event id, account)]) are the facilitator's
    events the team met: each reference meets them too, and is graded, as the team is,
    against the expert in that world (so the expert scores 100, and its profit is the
    scorecard's target)."""

    expert = play_reference(scenario, "expert", seed, injected)
    return compare(expert, {name: play_reference(scenario, name, seed, injected).totals()
                            for name in REFERENCES if name != "expert"})


class SessionReferences:
    """A host's reference games: played once per finished session, off the request path."""

    def __init__(self, host: Host):
        self.host = host
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-references")
        self._lock = threading.Lock()
        self._games: dict[tuple[str, int, str], Future] = {}  # (session, seed, events)

    def start(self, token: str) -> Future:
        """Begin playing the references of the team's finished session (once); KamError
        while rounds remain (the case and the world are still secret then)."""

        state = self.host.team_state(token)
        seed = state["seat"].get("seed")
        if state["closed_rounds"] < state["rounds"] or seed is None:
            raise KamError("the reference strategies are played once every round is played")
        injected = {int(turn): [(event, account) for event, account in events]
                    for turn, events in (state.get("injected") or {}).items()}
        key = (state["session"], int(seed), repr(sorted(injected.items())))
        with self._lock:
            if key not in self._games:
                case = Scenario.model_validate(self.host.case(token))
                self._games[key] = self._pool.submit(play, case, int(seed), injected)
            return self._games[key]

    def get(self, token: str) -> dict:
        """``{"ready", "order", "figures", "history"}`` of the team's finished session:
        ``ready`` False (figures None) while the games are being played."""

        game = self.start(token)
        ready = game.done()
        played = game.result() if ready else {"figures": None, "history": None}
        return {"ready": ready, "order": list(REFERENCES), **played}


__all__ = ["COMPARED", "REFERENCES", "SessionReferences", "compared", "play"]
