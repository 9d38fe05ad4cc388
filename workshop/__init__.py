"""Workshops for trainers: several teams play the same scenario round by round.

Layer: above the engine and the base (atomic storage, language tables), below the game;
no pygame. The Pygame console, the HTTP server and the command line all drive one ``Host``.

Headless core::

    from kam_sandbox.workshop import Session
    with Session.create("ws1", "tutorial", teams=["红队", "蓝队"], seed=7) as s:
        s.submit("红队", plan, author="Li Lei")
        s.inject("jinhua_complaint", team="蓝队")
        s.advance()                 # close the round (absent teams filled in), open the next
        s.status(); s.export_csv("ws1/results.csv"); s.export_html("ws1/debrief.html")
"""

from __future__ import annotations

from .session import (
    DEFAULT_FILL_POLICY,
    AccessError,
    LockedError,
    Session,
    TeamReplay,
    WorkshopError,
)

__all__ = ["DEFAULT_FILL_POLICY", "AccessError", "LockedError", "Session", "TeamReplay", "WorkshopError"]
