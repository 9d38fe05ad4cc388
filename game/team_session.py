"""A workshop team's game in play: the solo ``Session`` whose quarters are the workshop's.

The planning, results and debrief screens work on a ``game.session.Session``; a team in a
workshop plays through the same screens with a ``TeamSession``, which differs in three
places only:

* its game is the host's snapshot of the team's game (``workshop.secrecy``: its view and
  record, read through ``SeatSnapshot``) on the case as a team may see it: a team never
  receives the seed, the case file or hidden state, and holds no state of its own that a
  crash could lose;
* ``autosave`` keeps the draft with the workshop (``TeamLink.save_draft``), so a client that
  crashes or loses the network finds its draft again when it rejoins;
* ``end_quarter`` submits the plan (``TeamLink.submit``) and returns None: the quarter is
  played when the facilitator closes the round, for every team at once. ``refresh`` notices
  that and brings the game up to date.

The link is local (hot-seat at the trainer's machine) or over HTTP (``kam-sandbox join``);
see ``workshop.host.TeamLink``.

The team screens (``game.team_bar`` and the scenes it serves) also read from here what the
host last said and how long ago (``tick``/``state_age``: the round timer counts down locally
between polls), the facilitator's headlines and which of them the team has seen, and where
the team's screens lead when it leaves (``return_to``: a scene such as the facilitator's
console for hot-seat play; None: back to the join screen).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from kam_sandbox.engine import Scenario
from kam_sandbox.workshop.secrecy import rebuild_game

from .session import Session, carried_forward, empty_plan


@dataclass
class TeamSession(Session):
    """A ``Session`` for one team of a workshop (see the module docstring)."""

    link: object | None = None  # workshop.host.TeamLink
    state: dict = field(default_factory=dict)  # the last TeamLink.state()
    author: str = ""
    sync_error: str | None = None  # the last failure to reach the host, for the screen
    return_to: object | None = None  # a Scene to go back to when the team leaves
    state_age: float = 0.0  # seconds since ``state`` was fetched (the scenes tick it)
    seen_headlines: int = 0  # how many of ``state["headlines"]`` the team has seen
    _saved: tuple | None = None  # (round, draft) last kept with the host
    case: Scenario | None = None  # the case as the host sent it (hidden fields neutral)
    poll_link: object | None = None  # a second link, for looks at the host off the UI thread
    fetching: object | None = None  # such a look in flight (game.team_bar.Fetch)
    local_changes: int = 0  # bumped by each submission: a look begun before it is stale

    @classmethod
    def connect(cls, link, author: str = "") -> TeamSession:
        """Join the game: read the case and the team's record, rebuild its game, and pick
        up its draft. Raises KamError (or the link's own error) when that fails."""

        state = link.state()
        case = Scenario.model_validate(link.case())
        game = rebuild_game(case, state)
        session = cls(game=game, slot=f"workshop-{state['session']}-{state['team']['id']}",
                      label=state["team"]["name"], link=link, state=state, author=author,
                      case=case)
        if state.get("draft") and session._draft_is_current():
            session.draft = copy.deepcopy(state["draft"])
            session._saved = (state["round"], copy.deepcopy(state["draft"]))
        elif state.get("plans"):  # no draft saved for this round: start from the last plan
            session.draft = carried_forward(state["plans"][-1])
            if not game.over:
                session._drop_lost_accounts()
        else:
            session.draft = empty_plan()
        # Headlines of earlier rounds are old news; this round's are shown as new.
        session.seen_headlines = sum(1 for h in state.get("headlines", [])
                                     if h["round"] < state["round"])
        return session

    @property
    def team(self) -> dict:
        return self.state["team"]

    @property
    def rejoin_secret(self) -> str | None:
        """What a teammate types to play for the team on a second device."""

        return self.state.get("rejoin_secret")

    @property
    def submitted(self) -> bool:
        """Whether the team's plan for the open round is in (it may still resubmit)."""

        return bool(self.state.get("submitted"))

    @property
    def round_state(self) -> str:
        """``open``, ``paused``, ``closed`` (the next round is not open yet) or ``finished``."""

        return str(self.state.get("state", "open"))

    @property
    def can_submit(self) -> bool:
        return self.round_state == "open" and not self.game.over

    @property
    def headlines(self) -> list[dict]:
        """The facilitator's events for this team (or every team), newest first."""

        return list(reversed(self.state.get("headlines", [])))

    @property
    def new_headlines(self) -> list[dict]:
        """Headlines the team has not seen yet, newest first."""

        fresh = self.state.get("headlines", [])[self.seen_headlines:]
        return list(reversed(fresh))

    def mark_headlines_seen(self) -> None:
        self.seen_headlines = len(self.state.get("headlines", []))

    def tick(self, dt: float) -> None:
        """Local time passing since the last ``state`` (for the round timer)."""

        self.state_age += dt

    def timer_left(self) -> float | None:
        """Seconds left on the round's timer now (the host's figure when fetched minus the
        time since), or None when the round has no timer."""

        timer = self.state.get("timer") or {}
        remaining = timer.get("remaining")
        if remaining is None:
            return None
        if timer.get("running"):
            return max(0.0, float(remaining) - self.state_age)
        return float(remaining)

    @property
    def timer_running(self) -> bool:
        return bool((self.state.get("timer") or {}).get("running"))

    def filled_by(self, turn: int) -> str | None:
        """The built-in policy that played round ``turn`` for the team (it had not
        submitted when the round closed), or None when the team's own plan counted."""

        subs = [s for s in self.state.get("submissions", []) if s.get("round") == turn]
        return subs[-1].get("filled_by") if subs else None

    def submission(self) -> dict | None:
        """The team's counting submission of the open round (seq, time, author), if any."""

        subs = [s for s in self.state.get("submissions", [])
                if s.get("round") == self.state.get("round")]
        return subs[-1] if subs and self.submitted else None

    @property
    def draft_pending(self) -> bool:
        """Whether the draft has changed since the host last kept it."""

        return self._saved != (self.state.get("round"), self.draft)

    def _draft_is_current(self) -> bool:
        """Whether ``state["draft"]`` is for a round the team can still play (after a round
        closes the host still reports that round's draft until the next round opens)."""

        return (self.state.get("round", 0) > self.state.get("closed_rounds", 0)
                and not self.state.get("finished"))

    def refresh(self) -> bool:
        """Ask the host how things stand; returns True when rounds were played since (the
        game was rebuilt and ``last_result`` is the team's latest quarter)."""

        try:
            state = self.link.state()
        except Exception as exc:  # the network is gone: keep playing, say so, retry later
            self.sync_error = str(exc)
            return False
        return self.apply_state(state)

    def apply_state(self, state: dict) -> bool:
        """``refresh`` with a state fetched elsewhere (a screen may fetch it on a worker
        thread so that a slow network never freezes the window)."""

        self.sync_error = None
        played = state["closed_rounds"] > self.state.get("closed_rounds", 0)
        self.state = state
        self.state_age = 0.0
        if played:
            if state["closed_rounds"] >= state["rounds"]:  # the truth opens for the debrief
                self.case = Scenario.model_validate(self.link.case())
            self.game = rebuild_game(self.case, state)
            self.last_result = self.game.results[-1] if self.game.results else None
            self._next_draft()
        return played

    def _next_draft(self) -> None:
        """The next round's draft: the host's if the team saved one already, else this
        round's recurring allocations (as in solo play)."""

        if self.state.get("draft") and self._draft_is_current():
            self.draft = copy.deepcopy(self.state["draft"])
            self._saved = (self.state["round"], copy.deepcopy(self.draft))
            return
        self.draft = carried_forward(self.draft)
        if not self.game.over:
            self._drop_lost_accounts()

    def end_quarter(self) -> None:
        """Submit the draft for this round. Raises the link's error (the plan is refused, the
        round is paused or closed, the host is unreachable); the draft is kept either way."""

        receipt = self.link.submit(copy.deepcopy(self.draft), self.author)
        self.local_changes += 1
        self.state["submitted"] = True
        if isinstance(receipt, dict) and "seq" in receipt:  # until the next refresh says so
            self.state.setdefault("submissions", []).append(
                {k: receipt.get(k) for k in ("seq", "round", "time", "author")}
                | {"filled_by": None})
        return None

    def autosave(self) -> None:
        """Keep the draft with the host; a failure is shown, never fatal, and retried at the
        next save."""

        if (self.link is None or self.state.get("finished") or self.game.over
                or self.round_state not in ("open", "paused") or not self.draft_pending):
            return  # nothing to keep, or the host keeps it already
        if self.sync_error:  # offline: the next successful refresh's save sends it
            return
        try:
            draft = copy.deepcopy(self.draft)
            self.link.save_draft(draft, self.author)
            self._saved = (self.state.get("round"), draft)
            self.save_error = None
        except Exception as exc:  # the round closed meanwhile, or network trouble
            self.save_error = str(exc)
