"""What a workshop team may know of its world, and nothing more.

In solo play the seed is a feature: the same seed gives the same world. In a workshop it
would tell the future: the seed and the case file (true needs, roles, default risks, the
scripted events) let a team replay its world's random tape. So a team's client receives:

* ``public_case``: the case with every hidden field replaced by a neutral value (needs
  equal, default risk and rival strength at their defaults, personal biases and starting
  stances empty, unknown roles as the placeholder role ``UNKNOWN_ROLE``, no events);
  ``with_known_roles`` puts back, on the client, the roles its view has discovered;
* ``team_snapshot``: its game's own view and record (``engine.market.snapshot``) without
  the seed, and with each result's revenue parts (``effects``, ``revenue_effects``) and
  share change rounded to ``SIGNIFICANT`` figures: exact, the log-mean split of the share
  part beside the share change would let a determined client solve for an account's share
  and wallet; rounded, they still say what the screens say (where revenue came from).

The world itself is drawn from ``world_seed(seed, secret)``: the session's seed plus a
secret kept in ``session.json`` and never sent, so knowing the seed tells nothing.

Once every round is played there is no future left to tell: the team then gets the whole
case and its world's seed, so that its debrief shows the hidden truth and the built-in
strategies in the same world, as in solo play.
"""

from __future__ import annotations

import hashlib

import numpy as np

from kam_sandbox.engine.game import Game
from kam_sandbox.engine.market import SeatSnapshot, snapshot
from kam_sandbox.engine.scenario import NEEDS, Credit, Label, Role, Scenario, Stakeholder

UNKNOWN_ROLE = "unknown"
_CREDIT = Credit()
_TRUST = Stakeholder.model_fields["trust"].default


def world_seed(seed: int, secret: str | None) -> int:
    """The seed the session's world is drawn from (the seed itself for a session made
    before secrets existed)."""

    if not secret:
        return int(seed)
    digest = hashlib.blake2b(f"{int(seed)}:{secret}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # the engine takes seeds below 2**63


def public_case(scenario: Scenario) -> dict:
    """``scenario`` as a team may see it (see the module docstring), as plain JSON data."""

    case = scenario.model_dump(mode="json")
    for acc in case["accounts"]:
        acc["needs"] = dict.fromkeys(NEEDS, 1.0)
        acc["competitor"] = 0.5
        acc["credit"].update(pd=_CREDIT.pd, late=_CREDIT.late)
        for sh in acc["stakeholders"]:
            sh.update(needs={}, stance=0.0, trust=_TRUST)
            if not sh["role_known"]:
                sh["role"] = UNKNOWN_ROLE
    case["roles"].append(Role(id=UNKNOWN_ROLE, name=Label(zh="未知", en="unknown"))
                         .model_dump(mode="json"))
    case["events"] = []
    return case


def with_known_roles(case: Scenario, role: np.ndarray) -> Scenario:
    """The public case with the roles the team's view knows (``View.role``, -1 unknown)."""

    accounts = []
    for i, acc in enumerate(case.accounts):
        people = [sh.model_copy(update={"role": case.roles[int(role[0, i, j])].id})
                  if int(role[0, i, j]) >= 0 else sh for j, sh in enumerate(acc.stakeholders)]
        accounts.append(acc.model_copy(update={"stakeholders": people}))
    return case.model_copy(update={"accounts": accounts})


def team_snapshot(game, before: dict | None = None) -> dict:
    """A team's game (a ``Game`` or a shared market's ``Seat``) as its client reads it:
    ``engine.market.snapshot`` without the seed and with its results' revenue parts
    rounded (``rounded_results``) until the game is over. ``before``: this one's snapshot
    of the same game some quarters ago, whose rounded results are taken as they are (a
    quarter's result never changes once played)."""

    data = snapshot(game)
    if not game.over:
        data.pop("seed", None)
        data["view"].pop("seeds", None)
        done = before["results"] if before is not None and "seed" not in before else []
        done = done[:len(data["results"])]
        data["results"] = done + rounded_results(data["results"][len(done):])
    return data


#: Significant figures a team's results keep of each revenue part and share change while
#: the game runs (the screens write money to two or three figures).
SIGNIFICANT = 2


def rounded(value: float, figures: int = SIGNIFICANT) -> float:
    """``value`` to ``figures`` significant figures (``12345.6`` → ``12000.0``)."""

    return float(f"{value:.{figures - 1}e}") if value else 0.0


def rounded_results(results: list[dict]) -> list[dict]:
    """Copies of the engine's quarter ``results`` whose revenue parts (per account and in
    all) and share changes are ``rounded``; everything else as it was."""

    def parts(record: dict) -> dict:
        copy = dict(record)
        for key in ("effects", "revenue_effects"):
            if key in copy:
                copy[key] = {k: rounded(v) for k, v in copy[key].items()}
        if "share_change" in copy:
            copy["share_change"] = rounded(copy["share_change"])
        return copy

    return [{**parts(result), "accounts": [parts(acc) for acc in result.get("accounts", [])]}
            for result in results]


def rebuild_game(case: Scenario, state: dict) -> Game | SeatSnapshot:
    """The team's game exactly as the workshop host plays it, from the host's snapshot, on
    the public ``case`` with the roles the team has discovered so far. Once every round is
    played (the host then sends the whole case, the world's seed and the team's events), a
    team of parallel worlds rebuilds its own ``Game``, so its debrief's what-if works."""

    seat = state["seat"]
    if seat.get("seed") is not None and state.get("injected") is not None \
            and state.get("mode") != "shared":
        injected = {int(turn): [tuple(e) for e in events]
                    for turn, events in state["injected"].items()}
        return Game.replay(case, seat["seed"], state["plans"], injected)
    role = seat["view"]["role"]
    known = np.array(role["data"], dtype=np.dtype(role["dtype"])).reshape(role["shape"])
    return SeatSnapshot(with_known_roles(case, known), state["seat"])


__all__ = ["SIGNIFICANT", "UNKNOWN_ROLE", "public_case", "rebuild_game", "rounded",
           "rounded_results", "team_snapshot", "with_known_roles", "world_seed"]
