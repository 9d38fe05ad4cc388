"""A workshop team's game in play: the solo ``Session`` whose quarters are the workshop's.

The planning, results and debrief screens work on a ``game.session.Session``; a team in a
workshop plays through the same screens with a ``TeamSession``, which differs in three
places only:

* its game is rebuilt from the workshop's record (``Game.replay`` of the team's counting
  plans and the events injected into it), so the team client holds no state of its own
  that a crash could lose;
* ``autosave`` keeps the draft with the workshop (``TeamLink.save_draft``), so a client that
  crashes or loses the network finds its draft again when it rejoins;
* ``end_quarter`` submits the plan (``TeamLink.submit``) and returns None: the quarter is
  played when the facilitator closes the round, for every team at once. ``refresh`` notices
  that and brings the game up to date.

The link is local (hot-seat at the trainer's machine) or over HTTP (``kam-sandbox join``);
see ``workshop.host.TeamLink``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from engine import Game, KamError, Scenario
from engine.loader import load_scenario_text

from .session import ONE_OFF, Session


def empty_plan() -> dict:
    return {"accounts": {}, "portfolio": {}}


def rebuild_game(scenario: Scenario, state: dict) -> Game:
    """The team's game exactly as the workshop host plays it."""

    injected = {int(turn): [tuple(e) for e in events]
                for turn, events in state["injected"].items()}
    return Game.replay(scenario, state["seed"], state["plans"], injected)


@dataclass
class TeamSession(Session):
    """A ``Session`` for one team of a workshop (see the module docstring)."""

    link: object | None = None  # workshop.host.TeamLink
    state: dict = field(default_factory=dict)  # the last TeamLink.state()
    author: str = ""
    sync_error: str | None = None  # the last failure to reach the host, for the screen

    @classmethod
    def connect(cls, link, author: str = "") -> TeamSession:
        """Join the game: read the case and the team's record, rebuild its game, and pick
        up its draft. Raises KamError (or the link's own error) when that fails."""

        state = link.state()
        scenario = load_scenario_text(link.scenario_text(), f"<workshop {state['session']}>")
        game = rebuild_game(scenario, state)
        session = cls(game=game, slot=f"workshop-{state['session']}-{state['team']['id']}",
                      label=state["team"]["name"], link=link, state=state, author=author)
        session.draft = copy.deepcopy(state["draft"]) if state.get("draft") else empty_plan()
        return session

    @property
    def team(self) -> dict:
        return self.state["team"]

    @property
    def submitted(self) -> bool:
        """Whether the team's plan for the open round is in (it may still resubmit)."""

        return bool(self.state.get("submitted"))

    def refresh(self) -> bool:
        """Ask the host how things stand; returns True when rounds were played since (the
        game was rebuilt and ``last_result`` is the team's latest quarter)."""

        try:
            state = self.link.state()
        except Exception as exc:  # the network is gone: keep playing, say so, retry later
            self.sync_error = str(exc)
            return False
        self.sync_error = None
        played = state["closed_rounds"] > self.state.get("closed_rounds", 0)
        self.state = state
        if played:
            self.game = rebuild_game(self.scenario, state)
            self.last_result = self.game.results[-1] if self.game.results else None
            self._next_draft()
        return played

    def _next_draft(self) -> None:
        """The next round's draft: the host's if the team saved one already, else this
        round's recurring allocations (as in solo play)."""

        if self.state.get("draft"):
            self.draft = copy.deepcopy(self.state["draft"])
            return
        for acts in self.draft["accounts"].values():
            for action in ONE_OFF:
                acts.pop(action, None)
        self.draft["portfolio"].pop("conference", None)
        self.draft["portfolio"].pop("data_analysis", None)
        self.draft["accounts"] = {k: v for k, v in self.draft["accounts"].items() if v}
        self._drop_lost_accounts()

    def end_quarter(self) -> None:
        """Submit the draft for this round. Raises the link's error (the plan is refused, the
        round is paused or closed, the host is unreachable); the draft is kept either way."""

        self.link.submit(copy.deepcopy(self.draft), self.author)
        self.state["submitted"] = True
        return None

    def autosave(self) -> None:
        """Keep the draft with the host; a failure is shown, never fatal, and retried at the
        next save."""

        if self.link is None or self.state.get("finished"):
            return
        try:
            self.link.save_draft(copy.deepcopy(self.draft), self.author)
            self.save_error = None
        except KamError as exc:  # e.g. the round closed meanwhile: nothing to keep
            self.save_error = str(exc)
        except Exception as exc:  # network trouble
            self.save_error = str(exc)
