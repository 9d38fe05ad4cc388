"""The facilitator console's dialogs: closing a round when teams have not submitted (who
will be filled in, and by which built-in strategy), injecting an event from the case's
library into one team or all, and adding or renaming teams before round 1 closes.

A dialog is drawn over the dimmed console (``draw``) with its own buttons and fields
(``build``); the console's other widgets are not built meanwhile. Mixed into
``scenes.console.ConsoleScene``: it reads the scene's state and acts through its ``act``.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kam_sandbox.base import i18n
from kam_sandbox.base.i18n import pick, strategy_name, strategy_tip, tr
from kam_sandbox.engine import POLICIES

from .draw import FRAME, drawn_width, text, wrap
from .palette import ACCENT, INK, MUTED, WARN, WHITE, hex_colour

MAX_TEAMS = 12



class Dialogs:
    """The console's dialogs (see the module docstring)."""

    def modal_rect(self, width: int, height: int) -> Rect:
        w, h = self.app.screen.get_size()
        width, height = min(width, w - 40), min(height, h - 40)
        return Rect((w - width) // 2, (h - height) // 2, width, height)

    def _build_advance(self) -> None:
        r = self.modal_rect(*self.advance_size())
        x0, y = r.x + 24, r.y + 24 + 34 + 20 * len(self.absent_lines(r.width - 48)) + 30
        names = list(POLICIES)
        per_row = 4
        bw = (r.width - 48 - 8 * (per_row - 1)) // per_row
        for k, name in enumerate(names):
            self.button(Rect(x0 + (k % per_row) * (bw + 8), y + (k // per_row) * 40, bw, 34),
                        strategy_name(name), lambda n=name: self.choose_policy(n),
                        "#toggle_on" if name == self.fill_policy else None,
                        strategy_tip(name))
        self.button(Rect(r.right - 24 - 150, r.bottom - 56, 150, 38), tr("console.cancel"),
                    self.close_modal)
        self.button(Rect(r.right - 24 - 150 - 12 - 220, r.bottom - 56, 220, 38),
                    tr("console.confirm_go"), self.advance, "#primary")

    def inject_layout(self) -> dict:
        """Where the event dialog's parts go: one button per library event, the chosen
        event's headline in both languages, the targets (every team, or one), the actions."""

        events = self.library()
        targets = [(None, tr("console.all_teams"))]
        if self.status["mode"] != "shared":
            targets += [(t["id"], t["name"]) for t in self.teams]
        width = min(960, self.app.screen.get_width() - 40)
        x0 = 24 + 90
        bw = max(90, min(140, (width - 24 - x0 - 8 * (len(targets) - 1)) // len(targets)))
        per_row = max(1, (width - 24 - x0 + 8) // (bw + 8))
        rows = -(-len(targets) // per_row)
        height = 64 + 36 * len(events) + 100 + rows * 38 + 40 + 64
        r = self.modal_rect(width, height)
        y = r.y + 64 + 36 * len(events) + 100
        return {
            "rect": r,
            "events": [(e, Rect(r.x + 24, r.y + 64 + 36 * k, r.width - 48, 32))
                       for k, e in enumerate(events)],
            "preview_y": r.y + 64 + 36 * len(events) + 6,
            "targets_y": y,
            "targets": [(tid, label, Rect(r.x + x0 + (k % per_row) * (bw + 8),
                                          y + (k // per_row) * 38, bw, 32))
                        for k, (tid, label) in enumerate(targets)],
        }

    def _build_inject(self) -> None:
        lay = self.inject_layout()
        r = lay["rect"]
        queued = {i["event"] for i in self.status["injections"]
                  if i["round"] == self.status["round"]}
        for e, rect in lay["events"]:  # ✓: already queued this round (for someone)
            self.button(rect, ("✓ " if e.id in queued else "") + pick(e.headline),
                        lambda eid=e.id: self.choose_event(eid),
                        "#toggle_on" if e.id == self.inject_event else None,
                        tip=pick(e.headline))
        for tid, label, rect in lay["targets"]:
            self.button(rect, label, lambda t=tid: self.choose_target(t),
                        "#toggle_on" if tid == self.inject_team else None)
        self.button(Rect(r.right - 24 - 150, r.bottom - 56, 150, 38), tr("console.cancel"),
                    self.close_modal)
        self.button(Rect(r.right - 24 - 150 - 12 - 180, r.bottom - 56, 180, 38),
                    tr("console.inject_go"), self.inject, "#primary",
                    enabled=self.inject_event is not None)

    def _build_teams(self) -> None:
        r = self.modal_rect(760, 560)
        col_w = (r.width - 48 - 16) // 2
        for k, team in enumerate(self.teams):
            x = r.x + 24 + (k % 2) * (col_w + 16) + 26
            y = r.y + 70 + (k // 2) * 40
            self.entry(Rect(x, y, col_w - 26, 32), self.name_edits.get(team["id"], team["name"]),
                       f"name:{team['id']}")
        y = r.y + 70 + ((len(self.teams) + 1) // 2) * 40 + 34
        if len(self.teams) < MAX_TEAMS:
            self.entry(Rect(r.x + 24, y, col_w, 32), self.new_team, "new_team",
                       placeholder=tr("console.new_team_name"))
        self.button(Rect(r.right - 24 - 150, r.bottom - 56, 150, 38), tr("console.cancel"),
                    self.close_modal)
        self.button(Rect(r.right - 24 - 150 - 12 - 180, r.bottom - 56, 180, 38),
                    tr("console.save"), self.save_teams, "#primary")

    def choose_policy(self, name: str) -> None:
        self.fill_policy = name
        self.app.rebuild()

    def library(self) -> list:
        """The scenario's event library: the events a facilitator may inject."""

        return [e for e in self.session.scenario.events if e.turn is None]

    def open_inject(self) -> None:
        events = self.library()
        if not events:
            return
        if self.inject_event not in {e.id for e in events}:
            self.inject_event = events[0].id
        self.modal, self.modal_error = "inject", None
        self.app.rebuild()

    def choose_event(self, event_id: str) -> None:
        self.inject_event = event_id
        self.app.rebuild()

    def choose_target(self, team_id: str | None) -> None:
        self.inject_team = team_id
        self.app.rebuild()

    def inject(self) -> None:
        ok, inj = self.act("inject", event_id=self.inject_event, team=self.inject_team)
        if not ok:
            return
        self.modal = None
        event = next(e for e in self.library() if e.id == self.inject_event)
        team = (tr("console.all_teams") if inj["team"] is None else
                next(t["name"] for t in self.teams if t["id"] == inj["team"]))
        self.say(tr("console.msg.injected", event=pick(event.headline), team=team,
                    round=inj["round"]))
        self.app.rebuild()

    def open_teams(self) -> None:
        self.name_edits = {t["id"]: t["name"] for t in self.teams}
        self.new_team = ""
        self.modal, self.modal_error = "teams", None
        self.app.rebuild()

    def save_teams(self) -> None:
        """Rename the teams whose name was edited and add the new one, each a Host action."""

        for team in self.teams:
            wanted = self.name_edits.get(team["id"], team["name"]).strip()
            if wanted != team["name"] and not self.act("rename_team", team=team["id"],
                                                       name=wanted)[0]:
                return
        if self.new_team.strip():
            if not self.act("add_team", name=self.new_team.strip())[0]:
                return
            self.new_team = ""
        self.modal = None
        self.say(tr("console.msg.teams_saved"))
        self.app.rebuild()

    def close_modal(self) -> None:
        self.modal = self.modal_error = None
        self.app.rebuild()

    def absent_lines(self, width: int) -> list[str]:
        names = self.names([t["name"] for t in self.absent()])
        return wrap(tr("console.confirm_absent", teams=names), width, drawn_width(15))

    def advance_size(self) -> tuple[int, int]:
        lines = len(self.absent_lines(640 - 48))
        rows = -(-len(POLICIES) // 4)
        return 640, 24 + 34 + 20 * lines + 30 + rows * 40 + 28 + 64

    def _modal_card(self, surface, rect: Rect, title: str) -> None:
        pygame.draw.rect(surface, WHITE, rect, border_radius=8)
        pygame.draw.rect(surface, ACCENT, rect, 2, border_radius=8)
        FRAME.cover(rect)  # the console's table under the dialog is hidden
        text(surface, (rect.x + 24, rect.y + 20), title, 20, INK, True,
             max_width=rect.width - 48)
        if self.modal_error:
            y = rect.bottom - 56 - 24
            text(surface, (rect.x + 24, y), self.modal_error, 13, WARN, max_width=rect.width - 48)

    def _draw_advance(self, surface) -> None:
        r = self.modal_rect(*self.advance_size())
        self._modal_card(surface, r, tr("console.confirm_title", round=self.status["round"]))
        y = r.y + 24 + 34
        for line in self.absent_lines(r.width - 48):
            text(surface, (r.x + 24, y), line, 15, INK)
            y += 20
        text(surface, (r.x + 24, y + 6), tr("console.confirm_policy"), 14, MUTED, True,
             max_width=r.width - 48)

    def _draw_inject(self, surface) -> None:
        lay = self.inject_layout()
        r = lay["rect"]
        self._modal_card(surface, r, tr("console.inject_title", round=self.status["round"]))
        y = lay["preview_y"]
        event = next((e for e in self.library() if e.id == self.inject_event), None)
        if event is not None:
            lang = i18n.language()
            other = "en" if lang == "zh" else "zh"
            for value, colour in ((pick(event.headline, lang), INK),
                                  (pick(event.headline, other), MUTED)):
                for line in wrap(value, r.width - 48, drawn_width(14))[:2]:
                    text(surface, (r.x + 24, y), line, 14, colour)
                    y += 20
        text(surface, (r.x + 24, lay["targets_y"] + 6), tr("console.inject_target"), 14, MUTED,
             True, max_width=84)
        if self.status["mode"] == "shared":
            text(surface, (r.x + 24, r.bottom - 80), tr("console.shared_inject"), 13, MUTED,
                 max_width=r.width - 48)

    def _draw_teams(self, surface) -> None:
        r = self.modal_rect(760, 560)
        self._modal_card(surface, r, tr("console.teams_title"))
        col_w = (r.width - 48 - 16) // 2
        text(surface, (r.x + 24, r.y + 48), tr("console.teams_note"), 13, MUTED,
             max_width=r.width - 48)
        for k, team in enumerate(self.teams):
            x = r.x + 24 + (k % 2) * (col_w + 16)
            y = r.y + 70 + (k // 2) * 40
            pygame.draw.rect(surface, hex_colour(team["colour"]), (x, y + 8, 16, 16),
                             border_radius=3)
        y = r.y + 70 + ((len(self.teams) + 1) // 2) * 40 + 10
        if len(self.teams) < MAX_TEAMS:
            text(surface, (r.x + 24, y), tr("console.add_team"), 14, MUTED, True)
