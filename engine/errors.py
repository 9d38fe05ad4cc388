"""The engine's exception hierarchy: every error a user can cause is one of these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .messages import Msg, render


class KamError(Exception):
    """Base of every error the engine raises on bad input."""


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario file, located for the author."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """``file:line:col: [warning: ]path: message`` with the message in ``lang``."""
        where = f"{self.path}: " if self.path else ""
        kind = "" if self.severity == "error" else Msg(f"severity.{self.severity}").render(lang)
        return f"{self.file}:{self.line}:{self.column}: {kind}{where}{render(self.message, lang)}"


def dotted(path: tuple[Any, ...]) -> str:
    """``("accounts", 2, "role")`` -> ``accounts[2].role``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class ScenarioError(KamError):
    """A scenario file is unreadable or invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def render(self, lang: str = "en") -> str:
        """Every problem, one a line, in ``lang``."""
        return "\n".join(p.render(lang) for p in self.problems)


class UnknownScenarioError(KamError):
    """A scenario id or path names nothing."""


class PlanError(KamError):
    """A plan is invalid; the game is unchanged."""


class GameStateError(KamError):
    """An operation that the game's state does not allow now (e.g. a debrief mid-game)."""


class SaveError(KamError):
    """A save file is unreadable, corrupt or from a newer version."""
