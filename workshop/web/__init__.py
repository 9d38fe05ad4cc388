"""The workshop's browser client: teams join and play from any current browser.

The host serves it at ``/`` from the same origin as its API (``workshop.server``), fully
offline: the static HTML, CSS and plain JavaScript modules in ``static/`` (package data, no
build step, no CDN; Chinese renders with the system's fonts) and the language tables of
``base/locales`` as JSON (``strings``), so the browser shows the Pygame game's own words.
``pages`` builds what a team's page shows from what the team may know; ``whatif`` plays a
team's what-if for its browser once the workshop is over.

Layer: inside the workshop; it uses the engine, the base (strings, number formats,
``base.explain``) and the workshop's ``Host``, never the game.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from kam_sandbox.base.i18n import strings as all_strings

from .pages import TeamPages, live
from .whatif import TeamWhatIfs

#: The areas of ``base/locales`` a team's browser reads (the facilitator's console, the
#: command line, the menus and the spreadsheet import stay on the host).
AREAS = ("web", "plan", "label", "action", "resource", "resource_name", "need", "stage", "flag",
         "results", "debrief", "kpi", "lesson", "driver", "news", "team", "join", "app", "strategy",
         "why", "whatif")


def static_folder() -> Path:
    """Where the page's files are (package data)."""

    return Path(str(resources.files("kam_sandbox.workshop.web").joinpath("static")))


@cache
def strings(lang: str) -> dict[str, str]:
    """The strings a team's browser needs in ``lang``, by key (the tables do not change
    while the host runs)."""

    return {k: v for k, v in all_strings(lang).items() if k.split(".", 1)[0] in AREAS}


__all__ = ["AREAS", "TeamPages", "TeamWhatIfs", "live", "static_folder", "strings"]
