"""The results screen, shown after every quarter: what happened, to whom, and why.

Layout (from the window size): a top bar with the quarter just played and the score so
far; on the left the quarter's news and the accounts that moved most, each with the
engine's reasons in plain words (``base.explain``); on the right a small multiple of KPI
line charts over the quarters played; along the bottom a save warning, if any, and
Continue (Enter or Space) to the next quarter's planning, or to the debrief after the last;
Esc saves and goes back to the title.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UITextBox

from kam_sandbox.base import explain, fmt, i18n
from kam_sandbox.base.i18n import language, pick, tr

from ..app import Scene
from ..draw import card, drawn_width, fit, label_width, text, wrap
from ..kpi_charts import draw_kpi_charts
from ..palette import BAD_HTML, GOOD_HTML, INK, LINE, MUTED, MUTED_HTML, WHITE
from ..session import Session
from ..team_session import TeamSession
from ..widgets import BULLET, NBSP, SCROLL_BAR_W, box_paragraph, box_text

TOP = 64
BOTTOM = 60
GAP = 12
SCORE_W = 220  # the top bar's score, at its right
GLOSSARY_W = 110
INDENT = 28  # a reason's indent and mark ("  + "), left of its wrapped lines

CONTINUE_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)


class ResultsScene(Scene):
    name = "results"

    def __init__(self, app, session: Session, result: dict):
        super().__init__(app)
        self.session = session
        self.result = result
        self.history: list[dict] = []
        self.note: str | None = None  # a workshop team's quarter played by a stand-in policy

    # -- lifecycle ----------------------------------------------------------------------------
    def enter(self) -> None:
        self.history = self.session.game.kpi_history()[: self.result["turn"]]

    def news_lines(self, width: int) -> int:
        """How many lines the quarter's news takes at ``width`` (to size its box)."""

        news = explain.news_items(self.result, self.session.scenario, language()) or [""]
        return sum(len(wrap(BULLET + line, width, drawn_width(14))) for line in news)

    def layout(self) -> dict[str, pygame.Rect]:
        w, h = self.app.screen.get_size()
        body = pygame.Rect(GAP, TOP + GAP, w - 2 * GAP, h - TOP - BOTTOM - 2 * GAP)
        left_w = int(body.width * 0.47)
        left = pygame.Rect(body.x, body.y, left_w, body.height)
        # The news box fits its lines (a quiet quarter leaves room for the reasons), within
        # a quarter to two fifths of the column.
        wanted = 34 + 12 + 26 * self.news_lines(left_w - 12 - 40)
        news_h = max(int(body.height * 0.25), min(int(body.height * 0.42), wanted))
        return {
            "top": pygame.Rect(0, 0, w, TOP),
            "news": pygame.Rect(left.x, left.y, left.width, news_h),
            "changes": pygame.Rect(left.x, left.y + news_h + GAP, left.width,
                                   body.height - news_h - GAP),
            "charts": pygame.Rect(left.right + GAP, body.y, body.right - left.right - GAP,
                                  body.height),
            "bottom": pygame.Rect(0, h - BOTTOM, w, BOTTOM),
        }

    def build(self) -> None:
        lay = self.layout()
        sc, lang = self.session.scenario, language()
        for key, title in (("news", "results.news"), ("changes", "results.changes"),
                           ("charts", "results.charts")):
            r = lay[key]
            UILabel(pygame.Rect(r.x + 10, r.y + 6, r.width - 20, 26), tr(title), self.ui,
                    object_id="#heading")
        news = explain.news_items(self.result, sc, lang)
        r = lay["news"]
        width = r.width - 12 - SCROLL_BAR_W  # the lines fit beside a scroll bar, if one comes
        body = "<br>".join(box_paragraph(BULLET + line, width) for line in news) or box_text(
            tr("results.no_news"))
        self.news_box = UITextBox(body, pygame.Rect(r.x + 6, r.y + 34, r.width - 12,
                                                    r.height - 40), self.ui,
                                  allow_split_dashes=False)
        r = lay["changes"]
        self.changes_box = UITextBox(self._changes_html(r.width - 12 - SCROLL_BAR_W),
                                     pygame.Rect(r.x + 6, r.y + 34, r.width - 12, r.height - 40),
                                     self.ui, allow_split_dashes=False)
        bottom = lay["bottom"]
        last = self.session.game.over
        label = tr("results.continue_last" if last else "results.continue")
        self.continue_button = UIButton(
            pygame.Rect(bottom.right - 232, bottom.y + 10, 220, 40), label, self.ui,
            object_id="#primary", tool_tip_text=tr("results.continue_tip"))
        UILabel(pygame.Rect(bottom.right - 400, bottom.y + 10, 160, 40),
                tr("results.continue_tip"), self.ui, object_id="#muted")
        self.glossary_button = UIButton(
            pygame.Rect(lay["top"].right - SCORE_W - GLOSSARY_W - GAP, 12, GLOSSARY_W, 40),
            tr("glossary.open"), self.ui, tool_tip_text=tr("glossary.open_tip"))
        self.warning = None
        self.note = None
        width = bottom.width - 430
        filler = (self.session.filled_by(self.result["turn"])
                  if isinstance(self.session, TeamSession) else None)
        if filler:
            self.note = tr("team.filled_in", policy=i18n.strategy_name(filler))
            lines = wrap(self.note, width - 16, label_width(), 2)  # as the label sets it
            y = bottom.y + (19 if len(lines) == 1 else 8)
            for k, line in enumerate(lines):
                UILabel(pygame.Rect(bottom.x + 12, y + 22 * k, width, 22), line, self.ui,
                        object_id="#warn")
        elif self.session.save_error:
            self.warning = UILabel(
                pygame.Rect(bottom.x + 12, bottom.y + 10, width, 40),
                fit(tr("results.save_error", error=self.session.save_error), width - 16,
                    drawn_width(14)),
                self.ui, object_id="#danger")

    def money(self, value: float, signed: bool = False) -> str:
        """Money as this screen writes it: one format (``fmt.SHORT_FROM``)."""

        write = fmt.delta_money if signed else fmt.money
        return write(value, language(), self.session.scenario.currency,
                     short_from=fmt.SHORT_FROM)

    def _why_html(self, width: int) -> str:
        """The quarter's revenue change: the season's and market's part apart from the
        player's own, then what of the player's worked and what did not."""

        why = explain.revenue_why(self.result, self.session.scenario, language())
        if why is None:  # a result recorded before the engine split revenue
            return ""
        inner = width - INDENT
        out = [f"<b>{box_paragraph(tr('why.title'), width)}</b>",
               box_paragraph(why["total"], width),
               f"<font color='{MUTED_HTML}'>{box_paragraph(why['world'], width)}</font>",
               box_paragraph(why["own"], width),
               f"<font color='{GOOD_HTML}'><b>{box_paragraph(tr('why.worked'), width)}</b></font>"]
        out += [NBSP * 2 + box_paragraph(BULLET + x, inner) for x in why["worked"]] or [
            NBSP * 2 + box_paragraph(tr("why.none_worked"), inner)]
        out.append(f"<font color='{BAD_HTML}'><b>{box_paragraph(tr('why.did_not'), width)}"
                   "</b></font>")
        out += [NBSP * 2 + box_paragraph(BULLET + x, inner) for x in why["did_not"]] or [
            NBSP * 2 + box_paragraph(tr("why.none_failed"), inner)]
        return "<br>".join(out)

    def _changes_html(self, width: int) -> str:
        """The quarter's why, then the accounts that moved most, each with its reasons; the
        lines broken here for a box ``width`` pixels wide (``box_paragraph``)."""

        sc, lang = self.session.scenario, language()
        inner = width - INDENT
        parts = [self._why_html(width)] if self.result.get("revenue_effects") else []
        for acc in explain.big_changes(self.result, top=5):
            name = box_paragraph(explain.account_name(sc, acc["id"], lang), width)
            rows = [f"<b>{name}</b>", box_paragraph(explain.change_summary(acc, sc, lang), width)]
            if "effects" in acc:
                world, own = explain.effect_split(acc["effects"])
                rows.append(f"<font color='{MUTED_HTML}'>" + box_paragraph(tr(
                    "why.split", world=self.money(world, signed=True),
                    own=self.money(own, signed=True)), width) + "</font>")
            gains = explain.gain_sentences(acc, sc, lang)
            why = explain.driver_sentences(acc, sc, lang) or ([] if gains else [tr("driver.none")])
            rows += [f"{NBSP * 2}<font color='{GOOD_HTML}'>+</font>{NBSP}"
                     f"{box_paragraph(x, inner)}" for x in gains]
            rows += [f"{NBSP * 2}<font color='{BAD_HTML}'>−</font>{NBSP}"
                     f"{box_paragraph(x, inner)}" for x in why]
            parts.append("<br>".join(rows))
        return "<br><br>".join(parts) or box_text(tr("results.no_changes"))

    # -- input ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        clicked = (event.type == pygame_gui.UI_BUTTON_PRESSED
                   and event.ui_element is self.continue_button)
        pressed = event.type == pygame.KEYDOWN and event.key in CONTINUE_KEYS
        if clicked or pressed:
            self.proceed()
        elif ((event.type == pygame_gui.UI_BUTTON_PRESSED
               and event.ui_element is self.glossary_button)
              or (event.type == pygame.KEYDOWN and event.key == pygame.K_F3)):
            self.app.push("glossary")
        elif (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
              and not isinstance(self.session, TeamSession)):  # a team leaves from its plan
            self.to_menu()

    def to_menu(self) -> None:
        """Esc: save and back to the title, as from the planning screen."""

        self.session.autosave()
        self.app.reset_to("title")

    def proceed(self) -> None:
        """To the next quarter's planning, or to the debrief after the last quarter."""

        self.app.replace("debrief" if self.session.game.over else "planning", self.session)

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        lay = self.layout()
        sc, lang = self.session.scenario, language()
        top = lay["top"]
        pygame.draw.rect(surface, WHITE, top)
        pygame.draw.line(surface, LINE, top.bottomleft, top.bottomright)
        quarter = fmt.quarter_label(self.result["turn"], sc.start_quarter, lang)
        score_w = SCORE_W
        room = top.width - score_w - GLOSSARY_W - 2 * GAP - 40  # left of the glossary button
        text(surface, (GAP + 4, 8), tr("results.title", quarter=quarter), 22, INK, bold=True,
             max_width=room)
        sub = tr("results.progress", turn=self.result["turn"], turns=sc.turns) + " · " + pick(sc.title)
        if isinstance(self.session, TeamSession):  # whose results: the team's name first
            sub = f"{self.session.team.get('name', '')} · {sub}"
        text(surface, (GAP + 4, 40), sub, 13, MUTED, max_width=room)
        text(surface, (top.right - score_w, 8), tr("results.score"), 13, MUTED, max_width=score_w)
        text(surface, (top.right - score_w, 26),
             tr("results.score_value", score=fmt.score(self.result["score"])), 24, INK, bold=True,
             max_width=score_w - GAP)
        for key in ("news", "changes", "charts"):
            card(surface, lay[key])
        area = lay["charts"].inflate(-16, -16)
        area.y += 28
        area.height -= 28
        draw_kpi_charts(surface, area, self.history, sc)
        bottom = lay["bottom"]
        pygame.draw.line(surface, LINE, bottom.topleft, bottom.topright)
