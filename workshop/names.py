"""Names people type: team names and the authors of plans.

They are shown on every screen, the projector and the exports, so a name must be visible
text: no control characters (NUL, ANSI escapes, C1 controls), no bidirectional overrides
(U+202E turns "Red" into something else on screen), not only invisible characters; and a
team name must not read as another team's id (``t2``) or number (``3``), which the
command line and the API take as a team reference.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
_TEAM_REFERENCE = re.compile(r"^(t\d+|\d+)$", re.IGNORECASE)
_INVISIBLE = {"Cf", "Zs", "Zl", "Zp", "Mn", "Me"}  # nothing on its own shows


def visible_text(value: object, what: str, allow_empty: bool = False) -> str:
    """``value`` stripped, if it is visible text; else ``ValueError`` saying why (the
    request's fault: 422 over HTTP, one line on the command line)."""

    text = str(value)
    if len(text) > MAX_NAME:
        raise ValueError(f"{what} is longer than {MAX_NAME} characters")
    for ch in text:  # before stripping: str.strip() would quietly eat some controls
        kind = unicodedata.category(ch)
        if kind == "Cc" or kind in ("Cs", "Co", "Cn"):
            raise ValueError(f"{what} contains a control character (U+{ord(ch):04X}); "
                                "type letters, digits and punctuation only")
        if unicodedata.bidirectional(ch) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
                                             "FSI", "PDI"):
            raise ValueError(f"{what} contains a text-direction control (U+{ord(ch):04X}), "
                                "which makes it read differently on screen")
    text = text.strip()
    if not text:
        if allow_empty:
            return text
        raise ValueError(f"{what} is empty")
    if all(unicodedata.category(ch) in _INVISIBLE for ch in text):
        raise ValueError(f"{what} has no visible character")
    return text


def team_name(value: object) -> str:
    """A team name: visible text that is not another team's id or number."""

    name = visible_text(value, "a team name")
    if _TEAM_REFERENCE.match(name):
        raise ValueError(f"a team cannot be called {name!r}: teams are picked by id (t2) "
                            "and number (2) too; add a word, e.g. 'Team 2'")
    return name


__all__ = ["MAX_NAME", "team_name", "visible_text"]
