"""The room debrief in the facilitator console, once the last round is closed: every
team's key decisions (``workshop.export.key_decisions`` of each round's counting plan) and
their consequences side by side — the round's score and band and its change, whether a
built-in strategy played it, profit, satisfaction and retention after it. Columns scroll
with the wheel; more teams than fit are paged with ◀ ▶.

Mixed into ``scenes.console.ConsoleScene``: it draws from the teams' replayed rounds the
scene keeps.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kam_sandbox.base.i18n import strategy_name, tr
from kam_sandbox.engine.kpis import grade_band

from .console_view import decision_text
from .draw import card, drawn_width, text, wrap
from .kpi_charts import axis_format
from .palette import FILLED_IN, INK, LINE, MUTED, hex_colour

LINE_H = 17  # a line of the decision columns


class RoomDebrief:
    """The key decisions side by side (see the module docstring)."""

    def _build_debrief(self, lay: dict) -> None:
        tools = lay["tools"]
        self.button(Rect(tools.x, tools.y, 220, 36), tr("console.export"), self.export,
                    "#primary", tr("console.export_tip"))
        shown = self.decision_columns(lay["decisions"])
        if len(self.teams) > shown:
            right = lay["decisions"].right
            self.button(Rect(right - 84, tools.y, 40, 36), "◀", lambda: self.shift_teams(-1),
                        enabled=self.decision_first > 0)
            self.button(Rect(right - 40, tools.y, 40, 36), "▶", lambda: self.shift_teams(1),
                        enabled=self.decision_first + shown < len(self.teams))

    def shift_teams(self, step: int) -> None:
        self.decision_first = max(0, min(self.decision_first + step, len(self.teams) - 1))
        self.decision_scroll = min(self.decision_scroll, self.max_decision_scroll())
        self.app.rebuild()

    def decision_columns(self, rect: Rect) -> int:
        """How many teams' columns fit side by side (at least 230 px each)."""

        return max(1, min(len(self.teams), rect.width // 230))

    def decision_lines(self, team: dict) -> list[tuple[str, int, tuple, bool]]:
        """A team's rounds as (text, size, colour, bold) lines: the round's score and its
        change, who played it, the biggest allocations, and what came of them."""

        from kam_sandbox.workshop.export import key_decisions

        sc = self.session.scenario
        currency = sc.currency
        lines: list[tuple[str, int, tuple, bool]] = []
        previous = None
        for r in self.replays.get(team["id"], []):
            score = float(r["score"])
            delta = "" if previous is None else f" ({score - previous:+.1f})"
            previous = score
            band = tr(f"debrief.band.{grade_band(score)}")
            lines.append((tr("console.decision.round", n=r["round"], score=f"{score:.1f}",
                             band=band) + delta, 14, INK, True))
            if r["filled_by"]:
                lines.append((tr("console.decision.filled", policy=strategy_name(r["filled_by"])),
                              12, FILLED_IN, False))
            for line in key_decisions(r["plan"]):
                lines.append(("· " + decision_text(line, sc), 12, INK, False))
            k = r["kpis"]
            outcome = tr("console.decision.outcome",
                         profit=axis_format("profit", currency)(k.get("profit", 0.0)),
                         sat=axis_format("satisfaction", currency)(
                             k.get("satisfaction", 0.0)),
                         kept=axis_format("retention", currency)(k.get("retention", 0.0)))
            lines.append(("→ " + outcome, 12, MUTED, False))
            lines.append(("", 6, INK, False))
        return lines

    def decision_body(self, rect: Rect) -> tuple[Rect, int]:
        """The scrolling part of the decisions card and the width of one team's column."""

        shown = self.decision_columns(rect)
        return (Rect(rect.x + 12, rect.y + 64, rect.width - 24, rect.height - 72),
                (rect.width - 24) // shown)

    def column_lines(self, team: dict, width: int) -> list[tuple[str, int, tuple, bool, int]]:
        """A team's decision lines wrapped to its column, with the height of each."""

        out = []
        for value, size, colour, bold in self.decision_lines(team):
            if not value:
                out.append(("", size, colour, bold, 8))
                continue
            for line in wrap(value, width, drawn_width(size, bold)):
                out.append((line, size, colour, bold, LINE_H + (2 if size > 12 else 0)))
        return out

    def max_decision_scroll(self) -> int:
        rect = self.layout()["decisions"]
        body, col_w = self.decision_body(rect)
        shown = self.teams[self.decision_first:self.decision_first + self.decision_columns(rect)]
        tallest = max((sum(h for *_, h in self.column_lines(t, col_w - 16)) for t in shown),
                      default=0)
        return max(0, tallest - body.height)

    def _draw_decisions(self, surface, rect) -> None:
        card(surface, rect)
        text(surface, (rect.x + 12, rect.y + 8), tr("console.decisions"), 15, INK, True,
             max_width=rect.width - 24)
        body, col_w = self.decision_body(rect)
        teams = self.teams[self.decision_first:self.decision_first + self.decision_columns(rect)]
        clip = surface.get_clip()
        tallest = 0
        for k, team in enumerate(teams):
            x = body.x + k * col_w
            pygame.draw.rect(surface, hex_colour(team["colour"]), (x, rect.y + 37, 14, 14),
                             border_radius=3)
            text(surface, (x + 20, rect.y + 33), team["name"], 15, INK, True,
                 max_width=col_w - 30)
            surface.set_clip(Rect(x, body.y, col_w - 10, body.height).clip(clip))
            y = body.y - self.decision_scroll
            lines = self.column_lines(team, col_w - 16)
            for line, size, colour, bold, height in lines:
                if line and body.y - height < y < body.bottom:
                    text(surface, (x + 4, y), line, size, colour, bold)
                y += height
            tallest = max(tallest, sum(h for *_, h in lines))
            surface.set_clip(clip)
            if k:
                pygame.draw.line(surface, LINE, (x - 6, body.y), (x - 6, body.bottom))
        if tallest > body.height:  # a thin scroll indicator: the wheel shows the rest
            bar_h = max(body.height * body.height // tallest, 24)
            top = body.y + (body.height - bar_h) * min(self.decision_scroll, tallest -
                                                       body.height) // (tallest - body.height)
            pygame.draw.rect(surface, LINE, (rect.right - 6, top, 3, bar_h), border_radius=2)
