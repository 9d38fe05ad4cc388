"""The screen a workshop team sees after it submits: the plan is in, the facilitator closes
the round; the team may go back and change its plan until then (the last submission
counts). When the round has been played it moves on to the results of that quarter. The
other teams are never shown here.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UITextBox

from kam_sandbox.base import fmt
from kam_sandbox.base.i18n import language, pick, tr

from ..app import Scene
from ..draw import drawn_width, text, wrap
from ..fonts import font
from ..palette import INK, LINE, MUTED, WARN, WHITE
from ..session import RESOURCES
from ..team_bar import (
    POLL_WAIT,
    STRIP_H,
    TOP,
    TeamBar,
    clock,
    countdown,
    headline_text,
    leave_team,
    team_colour,
)
from ..team_session import TeamSession
from ..widgets import SCROLL_BAR_W, box_paragraph


# -- the wait screen ---------------------------------------------------------------------------
class TeamWaitScene(Scene):
    """The plan is in: wait for the facilitator to close the round (see the module
    docstring)."""

    name = "team_wait"

    def __init__(self, app, session: TeamSession):
        super().__init__(app)
        self.session = session
        self.team_bar: TeamBar | None = None
        self.leave_button: UIButton | None = None
        self.change_button: UIButton | None = None

    def enter(self) -> None:
        self.team_bar = TeamBar(self, POLL_WAIT)
        self.session.mark_headlines_seen()  # listed here; news that comes now is a banner

    def layout(self) -> dict[str, pygame.Rect]:
        w, h = self.app.screen.get_size()
        card_w = min(820, w - 80)
        card = pygame.Rect((w - card_w) // 2, TOP + STRIP_H + 20, card_w, 300)
        news = pygame.Rect(card.x, card.bottom + 14, card_w, max(h - card.bottom - 30, 80))
        return {"top": pygame.Rect(0, 0, w, TOP), "strip": pygame.Rect(0, TOP, w, STRIP_H),
                "card": card, "news": news}

    def build(self) -> None:
        lay = self.layout()
        ui, s = self.ui, self.session
        top, card, news = lay["top"], lay["card"], lay["news"]
        self.leave_button = UIButton(pygame.Rect(top.right - 130, 10, 118, 36), tr("team.leave"),
                                     ui, tool_tip_text=tr("team.leave_tip"))
        self.change_button = UIButton(pygame.Rect(card.x + 24, card.bottom - 58, 220, 40),
                                      tr("team.wait_change"), ui, object_id="#primary",
                                      tool_tip_text=tr("team.wait_change_tip"))
        if not s.can_submit:
            self.change_button.disable()
        UILabel(pygame.Rect(news.x + 4, news.y, news.width - 8, 26), tr("team.banner_title"),
                ui, object_id="#heading")
        width = news.width - SCROLL_BAR_W
        items = [f"<b>{html.escape(tr('team.news_round', i=h['round']))}</b><br>"
                 f"{box_paragraph(headline_text(h), width)}" for h in s.headlines]
        body = "<br>".join(items) if items else html.escape(tr("team.no_news"))
        UITextBox(body, pygame.Rect(news.x, news.y + 30, news.width, news.height - 30), ui)
        self.team_bar.build(lay["strip"])

    def update(self, dt: float) -> None:
        self.team_bar.update(dt)

    def handle(self, event: pygame.event.Event) -> None:
        if self.team_bar.handle(event):
            return
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.change_button:
                self.change_plan()
            elif event.ui_element is self.leave_button:
                leave_team(self.app, self.session)
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            leave_team(self.app, self.session)

    def change_plan(self) -> None:
        """Back to planning with the submitted draft (the last submission counts)."""

        self.app.replace("planning", self.session)

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        lay = self.layout()
        s, lang = self.session, language()
        sc = s.scenario
        top = lay["top"]
        pygame.draw.rect(surface, WHITE, top)
        pygame.draw.line(surface, LINE, top.bottomleft, top.bottomright)
        text(surface, (12, 6), pick(sc.title), 15, INK, bold=True, max_width=top.width - 170)
        turn = s.game.turn + 1
        quarter = fmt.quarter_label(min(turn, sc.turns), sc.start_quarter, lang)
        text(surface, (12, 30), tr("plan.quarter_of", quarter=quarter, i=min(turn, sc.turns),
                                   n=sc.turns), 13, MUTED, max_width=top.width - 170)
        self.team_bar.draw(surface)

        card = lay["card"]
        pygame.draw.rect(surface, WHITE, card, border_radius=8)
        pygame.draw.rect(surface, LINE, card, 1, border_radius=8)
        pygame.draw.rect(surface, team_colour(s), (card.x, card.y, 6, card.height),
                         border_top_left_radius=8, border_bottom_left_radius=8)
        timer_w = 220
        x, y, width = card.x + 24, card.y + 18, card.width - 48 - timer_w
        text(surface, (x, y), tr("team.wait_title", i=s.state.get("round", turn)), 24, INK,
             bold=True, max_width=width)
        y += 40
        for line in wrap(tr("team.wait_body"), width, drawn_width(14))[:3]:
            text(surface, (x, y), line, 14, INK)
            y += 21
        sub = s.submission()
        if sub is not None:
            author = sub.get("author") or s.author or s.team.get("name", "")
            text(surface, (x, y + 4), tr("team.wait_submitted", time=clock(sub.get("time")),
                                         author=author), 13, MUTED, max_width=width)
            y += 24
        if s.round_state == "paused":
            text(surface, (x, y + 4), tr("team.wait_paused"), 14, WARN, bold=True,
                 max_width=width)
            y += 24
        y += 14
        text(surface, (x, y), tr("team.wait_plan"), 14, INK, bold=True)
        y += 22
        usage = s.usage()
        cells = []
        for resource in RESOURCES:
            used, available = usage[resource]
            show = ((lambda v: fmt.money(v, lang, sc.currency, short_from=fmt.SHORT_FROM))
                    if resource == "budget"
                    else (lambda v: fmt.number(v, lang, 1)))
            cells.append(tr("team.wait_usage", resource=tr(f"library.fact.{resource}"),
                            used=show(used), available=show(available)))
        for k, cell in enumerate(cells):
            text(surface, (x + (k % 2) * (width // 2), y + (k // 2) * 20), cell, 13, MUTED,
                 max_width=width // 2 - 8)
        text(surface, (card.x + 260, card.bottom - 48), tr("team.wait_private"), 12, MUTED,
             max_width=card.right - 24 - card.x - 260)

        # The round timer, large, on the right of the card.
        tx = card.right - timer_w - 12
        left = s.timer_left()
        if left is not None:
            label, colour = self.team_bar.timer_text()
            big = countdown(left) if left > 0 else tr("team.time_up")
            big_font = 44 if left > 0 else 28
            w_big = font(big_font, True).size(big)[0]
            text(surface, (tx + (timer_w - w_big) // 2, card.y + 40), big, big_font,
                 colour if left > 0 else WARN, bold=True)
            caption = tr("team.time_left") if left > 0 and s.timer_running else label
            w_cap = font(13).size(caption)[0]
            if left > 0:
                text(surface, (tx + (timer_w - min(w_cap, timer_w)) // 2, card.y + 100),
                     caption, 13, MUTED, max_width=timer_w)


__all__ = ["TeamWaitScene"]
