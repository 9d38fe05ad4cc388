"""The results screen, shown after every quarter: what happened, to whom, and why.

Layout (from the window size): a top bar with the quarter just played and the score so
far; on the left the quarter's news and the accounts that moved most, each with the
engine's reasons in plain words (``game.explain``); on the right a small multiple of KPI
line charts over the quarters played; along the bottom a save warning, if any, and
Continue (Enter or Space) to the next quarter's planning, or to the debrief after the last.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from kam_sandbox.base import fmt, i18n
from kam_sandbox.base.i18n import language, pick, tr
from pygame_gui.elements import UIButton, UILabel, UITextBox

from .. import charts, explain
from ..app import Scene
from ..fonts import font
from ..session import Session
from ..team_session import TeamSession
from ..widgets import fit_to, font_measure, text, wrap

INK, MUTED, LINE, WHITE = (31, 41, 51), (91, 101, 115), (201, 209, 219), (255, 255, 255)
TOP = 64
BOTTOM = 60
GAP = 12

#: The KPIs charted after each quarter, with how their axis is labelled.
CHART_KPIS = ("revenue", "profit", "satisfaction", "nps", "receivables", "share_of_wallet")
#: A bullet glued to its text with a no-break space: pygame_gui wraps only at plain spaces,
#: so a long Chinese line starts beside its bullet and breaks by character, not dash.
NBSP = "\u00a0"
BULLET = "•" + NBSP


def box_text(value: str) -> str:
    """Escape ``value`` for a UITextBox; in Chinese glue it with no-break spaces so the box
    breaks lines by character (as Chinese is set) rather than only at the odd space."""

    value = html.escape(value)
    return value.replace(" ", NBSP) if language() == "zh" else value


CONTINUE_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)



def fit(value: str, width: int, size: int = 14, bold: bool = False) -> str:
    """``value`` shortened with an ellipsis to fit ``width`` pixels."""

    return fit_to(value, width, font_measure(size, bold))


def quarter_short(turn: int, start_quarter: int) -> str:
    """A compact quarter label for chart axes (``Y1 Q2`` / ``1年Q2``)."""

    index = start_quarter - 1 + turn - 1
    return tr("results.xq", year=index // 4 + 1, q=index % 4 + 1)


def axis_format(metric: str, currency: str):
    """How a KPI chart labels its y axis, in the current language."""

    lang = language()
    if metric in ("revenue", "profit", "receivables"):
        return lambda v: fmt.money(v, lang, currency)
    if metric in ("share_of_wallet", "retention"):
        return lambda v: fmt.percent(v)
    if metric == "satisfaction":
        return lambda v: fmt.number(v, lang, 1)
    return lambda v: fmt.number(v, lang, 0)


def chart_grid(rect: pygame.Rect, count: int, columns: int) -> list[pygame.Rect]:
    """``count`` equal cells filling ``rect`` in ``columns`` columns, with gaps."""

    rows = -(-count // columns)
    w = (rect.width - GAP * (columns - 1)) // columns
    h = (rect.height - GAP * (rows - 1)) // rows
    return [pygame.Rect(rect.x + (k % columns) * (w + GAP), rect.y + (k // columns) * (h + GAP),
                        w, h) for k in range(count)]


def draw_kpi_charts(surface: pygame.Surface, rect: pygame.Rect, history: list[dict],
                    scenario, columns: int = 2, reference: list[dict] | None = None,
                    reference_label: str = "") -> None:
    """The KPI small multiple: one line chart per KPI, optionally with a dashed reference."""

    labels = [quarter_short(t + 1, scenario.start_quarter) for t in range(len(history))]
    f = font(12)
    for cell, metric in zip(chart_grid(rect, len(CHART_KPIS), columns), CHART_KPIS):
        pygame.draw.rect(surface, WHITE, cell, border_radius=6)
        pygame.draw.rect(surface, LINE, cell, 1, border_radius=6)
        mine = charts.Series(tr("debrief.compare.you") if reference else explain.metric_name(metric),
                             [h[metric] for h in history], 0)
        series = [mine]
        if reference:  # drawn first, so the player's own line stays on top
            series = [charts.Series(reference_label, [h[metric] for h in reference], 6,
                                    dashed=True), mine]
        charts.line_chart(surface, cell.inflate(-16, -12), series, font=f, x_labels=labels,
                          y_format=axis_format(metric, scenario.currency),
                          title=explain.metric_name(metric))


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
        return sum(len(wrap(BULLET + line, 14, width)) for line in news)

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
        body = "<br>".join(BULLET + box_text(line) for line in news) or box_text(
            tr("results.no_news"))
        r = lay["news"]
        self.news_box = UITextBox(body, pygame.Rect(r.x + 6, r.y + 34, r.width - 12,
                                                    r.height - 40), self.ui,
                                  allow_split_dashes=False)
        r = lay["changes"]
        self.changes_box = UITextBox(self._changes_html(), pygame.Rect(
            r.x + 6, r.y + 34, r.width - 12, r.height - 40), self.ui, allow_split_dashes=False)
        bottom = lay["bottom"]
        last = self.session.game.over
        label = tr("results.continue_last" if last else "results.continue")
        self.continue_button = UIButton(
            pygame.Rect(bottom.right - 232, bottom.y + 10, 220, 40), label, self.ui,
            object_id="#primary", tool_tip_text=tr("results.continue_tip"))
        UILabel(pygame.Rect(bottom.right - 400, bottom.y + 10, 160, 40),
                tr("results.continue_tip"), self.ui, object_id="#muted")
        self.warning = None
        self.note = None
        width = bottom.width - 430
        filler = (self.session.filled_by(self.result["turn"])
                  if isinstance(self.session, TeamSession) else None)
        if filler:
            known = f"debrief.policy.{filler}" in i18n.strings("en")
            self.note = tr("team.filled_in",
                           policy=tr(f"debrief.policy.{filler}") if known else filler)
            from .title import wrap as wrap_label  # measured as the label draws it

            lines = wrap_label(self.note, width - 16, None, 2)
            y = bottom.y + (19 if len(lines) == 1 else 8)
            for k, line in enumerate(lines):
                UILabel(pygame.Rect(bottom.x + 12, y + 22 * k, width, 22), line, self.ui,
                        object_id="#warn")
        elif self.session.save_error:
            self.warning = UILabel(
                pygame.Rect(bottom.x + 12, bottom.y + 10, width, 40),
                fit(tr("results.save_error", error=self.session.save_error), width - 16),
                self.ui, object_id="#danger")

    def _changes_html(self) -> str:
        sc, lang = self.session.scenario, language()
        parts = []
        for acc in explain.big_changes(self.result, top=5):
            name = box_text(explain.account_name(sc, acc["id"], lang))
            summary = box_text(explain.change_summary(acc, sc, lang))
            why = explain.driver_sentences(acc, sc, lang) or [tr("driver.none")]
            lines = "<br>".join(NBSP * 2 + BULLET + box_text(s) for s in why)
            parts.append(f"<b>{name}</b><br>{summary}<br>{lines}")
        return "<br><br>".join(parts) or box_text(tr("results.no_changes"))

    # -- input ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        clicked = (event.type == pygame_gui.UI_BUTTON_PRESSED
                   and event.ui_element is self.continue_button)
        pressed = event.type == pygame.KEYDOWN and event.key in CONTINUE_KEYS
        if clicked or pressed:
            self.proceed()

    def proceed(self) -> None:
        """To the next quarter's planning, or to the debrief after the last quarter."""

        if self.session.game.over:
            from .debrief import DebriefScene

            self.app.replace(DebriefScene(self.app, self.session))
        else:
            from .planning import PlanningScene

            self.app.replace(PlanningScene(self.app, self.session))

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        lay = self.layout()
        sc, lang = self.session.scenario, language()
        top = lay["top"]
        pygame.draw.rect(surface, WHITE, top)
        pygame.draw.line(surface, LINE, top.bottomleft, top.bottomright)
        quarter = fmt.quarter_label(self.result["turn"], sc.start_quarter, lang)
        score_w = 220
        text(surface, (GAP + 4, 8), tr("results.title", quarter=quarter), 22, INK, bold=True,
             max_width=top.width - score_w - 40)
        sub = tr("results.progress", turn=self.result["turn"], turns=sc.turns) + " · " + pick(sc.title)
        if isinstance(self.session, TeamSession):  # whose results: the team's name first
            sub = f"{self.session.team.get('name', '')} · {sub}"
        text(surface, (GAP + 4, 40), sub, 13, MUTED, max_width=top.width - score_w - 40)
        text(surface, (top.right - score_w, 8), tr("results.score"), 13, MUTED, max_width=score_w)
        text(surface, (top.right - score_w, 26),
             tr("results.score_value", score=fmt.score(self.result["score"])), 24, INK, bold=True,
             max_width=score_w - GAP)
        for key in ("news", "changes", "charts"):
            pygame.draw.rect(surface, WHITE, lay[key], border_radius=6)
            pygame.draw.rect(surface, LINE, lay[key], 1, border_radius=6)
        area = lay["charts"].inflate(-16, -16)
        area.y += 28
        area.height -= 28
        draw_kpi_charts(surface, area, self.history, sc)
        bottom = lay["bottom"]
        pygame.draw.line(surface, LINE, bottom.topleft, bottom.topright)
