"""The debrief, after the last quarter: the grade, the hidden truth and the lessons.

A section switcher on the left keeps each part readable at 1280×720:

* Final grade — the scorecard total as an absolute grade with its band, and every item's
  value against its target;
* The game in charts — the KPIs over the whole game beside the expert's in the same world;
* The hidden truth — per account, its real needs against the player's last reading and
  its people's real roles, influence, stance and trust against what the player knew;
* Lessons — DESIGN §2's eight lessons judged on the player's own decisions
  (``explain.lesson_report``);
* Reference strategies — the built-in policies played in the same world (same seed);
* What if… — rewind to a chosen quarter and play on from there in a new session.

Everything is computed once in ``enter()``; ``build()`` and ``draw()`` only read it.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIScrollingContainer, UITextBox

from kam_sandbox.base import explain, fmt, i18n
from kam_sandbox.base.i18n import language, pick, tr
from kam_sandbox.engine.attribution import score_points
from kam_sandbox.engine.scenario import NEEDS

from .. import charts, references
from ..app import Scene
from ..draw import card, drawn_width, fit, text, wrap
from ..fonts import font
from ..kpi_charts import draw_kpi_charts
from ..palette import BAND_COLOURS, INK, LINE, MUTED, MUTED_HTML, WARN, WHITE, stance_colour
from ..references import COMPARED, REFERENCES
from ..session import Session
from ..team_bar import leave_team
from ..team_session import TeamSession
from ..widgets import BULLET, SCROLL_BAR_W, box_paragraph, box_text

TOP = 64
GAP = 12
SIDEBAR_W = 200
GRADE_W = 340  # the overview's grade card; the points card takes the rest

TABS = ("overview", "charts", "truth", "lessons", "compare", "whatif")

VERDICT_COLOURS = {"good": "#007A5A", "mixed": "#A06400", "poor": "#B03A2E",
                   "untested": "#6E7480"}


def paragraph(surface: pygame.Surface, x: int, y: int, width: int, value: str, size: int = 14,
              colour=INK, bold: bool = False, max_lines: int | None = None) -> int:
    """Wrapped text from (x, y); returns the y below it."""

    line_h = font(size, bold).get_linesize()
    measure = drawn_width(size, bold)
    lines = wrap(value, width, measure)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit(lines[-1] + "…", width, measure)
    for line in lines:
        text(surface, (x, y), line, size, colour, bold=bold, max_width=width)
        y += line_h
    return y


class DebriefScene(Scene):
    name = "debrief"

    def __init__(self, app, session: Session):
        super().__init__(app)
        self.session = session
        self.tab = "overview"
        self.account = 0
        self.whatif_turn = 1
        self.scorecard: dict = {"score": 0.0, "items": []}
        self.points: list[dict] = []  # points won and lost per scorecard item
        self.history: list[dict] = []
        self.reports: dict[str, list[dict]] = {}
        self.truths: list[dict] = []
        self.hidden: list[dict] = []
        self.references: dict[str, dict[str, float]] = {}
        self.reference_history: list[dict] = []
        self.original = None  # a what-if: the game it branched from, replayed
        self.original_history: list[dict] = []
        self.original_card: dict = {"score": 0.0, "items": []}
        self.tab_buttons: dict[str, UIButton] = {}
        self.account_buttons: list[UIButton] = []
        self.quarter_buttons: dict[int, UIButton] = {}

    # -- lifecycle ----------------------------------------------------------------------------
    def enter(self) -> None:
        # The reference games take a while: computed off the UI thread, behind the indicator.
        self.app.run_busy(self.compute)

    def compute(self) -> None:
        """What the debrief shows, from the game (no pygame: runs in ``run_busy``'s worker)."""

        game = self.session.game
        sc = game.scenario
        self.scorecard = game.scorecard()
        self.points = score_points(self.scorecard)
        self.history = game.kpi_history()
        self.reports = {lang: explain.lesson_report(game, lang) for lang in i18n.LANGUAGES}
        if game.over:  # the hidden truth opens only after the last quarter
            truth = game.debrief()
            self.hidden = truth["accounts"]
            self.truths = [explain.hidden_truth(game, acc.id, truth) for acc in sc.accounts]
        self.original = self.session.original_game()
        if self.original is not None:  # a what-if is set beside the game it came from
            self.original_history = self.original.kpi_history()
            self.original_card = self.original.scorecard()
            self.reference_history = self.original_history
            self.whatif_turn = max(1, min(self.whatif_turn, len(game.plans)))
            return
        played = references.get(sc, game.seed, game)  # begun in the background at the last plan
        self.references = played["figures"]
        self.reference_history = played["history"]
        self.whatif_turn = max(1, min(self.whatif_turn, len(game.plans)))

    def layout(self) -> dict[str, pygame.Rect]:
        w, h = self.app.screen.get_size()
        side = pygame.Rect(GAP, TOP + GAP, SIDEBAR_W, h - TOP - 2 * GAP)
        content = pygame.Rect(side.right + GAP, side.y, w - side.right - 2 * GAP, side.height)
        return {"top": pygame.Rect(0, 0, w, TOP), "side": side, "content": content}

    def build(self) -> None:
        lay = self.layout()
        side = lay["side"]
        self.tab_buttons = {}
        y = side.y
        for k, tab in enumerate(TABS):
            self.tab_buttons[tab] = UIButton(
                pygame.Rect(side.x, y, side.width, 40), self.tab_label(tab), self.ui,
                object_id="#toggle_on" if tab == self.tab else None,
                tool_tip_text=tr("debrief.tab_key", n=k + 1))
            y += 46
        self.glossary_button = UIButton(pygame.Rect(side.x, side.bottom - 140, side.width, 40),
                                        tr("glossary.open"), self.ui,
                                        tool_tip_text=tr("glossary.open_tip"))
        self.again_button = UIButton(pygame.Rect(side.x, side.bottom - 92, side.width, 40),
                                     tr("debrief.play_again"), self.ui, object_id="#primary")
        self.menu_button = UIButton(pygame.Rect(side.x, side.bottom - 44, side.width, 40),
                                    tr("team.leave" if isinstance(self.session, TeamSession)
                                       else "debrief.menu"), self.ui)
        self.account_buttons = []
        self.quarter_buttons = {}
        self.replay_button = None
        content = lay["content"]
        if self.tab == "truth":
            self._build_truth(content)
        elif self.tab == "lessons":
            self._build_lessons(content)
        elif self.tab == "whatif":
            self._build_whatif(content)
        elif self.tab == "overview":
            self._build_overview(content)

    def tab_label(self, tab: str) -> str:
        """A tab's name; a what-if's comparison is with its original game."""

        if tab == "compare" and self.original is not None:
            return tr("whatif.tab")
        return tr(f"debrief.tab.{tab}")

    def _build_truth(self, content: pygame.Rect) -> None:
        sc, lang = self.session.scenario, language()
        UILabel(pygame.Rect(content.x, content.y, 230, 28), tr("debrief.truth.pick"), self.ui,
                object_id="#heading")
        box = UIScrollingContainer(pygame.Rect(content.x, content.y + 32, 236,
                                               content.height - 32), self.ui,
                                   allow_scroll_x=False)
        inner_w = 214 if len(sc.accounts) * 34 > content.height - 32 else 232
        for i, acc in enumerate(sc.accounts):
            name = explain.pick(acc.name, lang)
            self.account_buttons.append(UIButton(
                pygame.Rect(0, i * 34, inner_w, 30), fit(name, inner_w - 16, drawn_width(14)),
                self.ui, container=box, object_id="#toggle_on" if i == self.account else None,
                tool_tip_text=name))
        total = len(sc.accounts) * 34
        box.set_scrollable_area_dimensions((inner_w, total))
        bar = box.vert_scroll_bar
        if bar is not None:  # keep the selected account in view across rebuilds
            visible = content.height - 32
            bar.set_scroll_from_start_percentage(
                max(0, self.account * 34 - visible // 2) / max(total, 1))

    def behind(self, metric: str) -> str:
        """"Behind it: Focus — well done; Discover — mixed": the lessons whose decisions drive
        ``metric``, with this game's verdicts."""

        verdicts = {r["lesson"]: r for r in self.reports.get(language(), [])}
        parts = [tr("why.lesson_verdict", lesson=verdicts[name]["title"],
                    verdict=tr(f"debrief.verdict.{verdicts[name]['verdict']}"))
                 for name in explain.lessons_behind(metric) if name in verdicts]
        return tr("why.behind", lessons=tr("why.list_sep").join(parts)) if parts else ""

    def points_html(self, width: int = 800) -> str:
        """Where the points went: each scorecard item's points won and lost, its value
        against its target, and the decisions behind it (lines for a box ``width`` wide)."""

        lang, cur = language(), self.session.scenario.currency
        out = [f"<b>{box_paragraph(tr('why.points_title'), width)}</b>"]
        items = {it["metric"]: it for it in self.scorecard["items"]}
        for p in sorted(self.points, key=lambda p: -p["lost"]):
            it = items[p["metric"]]
            line = tr("why.points_line", metric=explain.metric_name(p["metric"], lang),
                      won=fmt.number(p["won"], lang, 1), worth=fmt.number(p["worth"], lang, 0),
                      lost=fmt.number(p["lost"], lang, 1),
                      value=explain.format_metric(p["metric"], it["value"], lang, cur),
                      target=explain.format_metric(p["metric"], it["target"], lang, cur))
            sep = "" if lang == "zh" else " "
            out.append(box_paragraph(BULLET + line + sep + self.behind(p["metric"]), width))
        return "<br>".join(out)

    def _build_lessons(self, content: pygame.Rect) -> None:
        width = content.width - SCROLL_BAR_W
        parts = [self.points_html(width), f"<font color='{MUTED_HTML}'>"
                 f"{box_paragraph(tr('debrief.lessons_intro'), width)}</font>"]
        for item in self.reports.get(language(), []):
            colour = VERDICT_COLOURS[item["verdict"]]
            verdict = box_text(tr(f"debrief.verdict.{item['verdict']}"))
            parts.append(f"<b>{box_text(item['title'])}</b>  "
                         f"<font color='{colour}'><b>{verdict}</b></font><br>"
                         f"{box_paragraph(item['evidence'], width)}")
        self.lessons_box = UITextBox(
            "<br><br>".join(parts), pygame.Rect(content.x, content.y + 36, content.width,
                                                content.height - 36), self.ui,
            allow_split_dashes=False)

    def _build_whatif(self, content: pygame.Rect) -> None:
        if not getattr(self.session.game, "rewindable", True):
            return  # a shared market's seat: a what-if would need every team's plans
        sc, lang = self.session.scenario, language()
        turns = len(self.session.game.plans)
        x0, y0 = content.x + 16, content.y + 150
        w = min(180, (content.width - 32 - 3 * 8) // 4)
        for turn in range(1, turns + 1):
            col, row = (turn - 1) % 4, (turn - 1) // 4
            self.quarter_buttons[turn] = UIButton(
                pygame.Rect(x0 + col * (w + 8), y0 + row * 42, w, 36),
                fmt.quarter_label(turn, sc.start_quarter, lang), self.ui,
                object_id="#toggle_on" if turn == self.whatif_turn else None)
        self.replay_button = UIButton(
            pygame.Rect(content.right - 236, content.bottom - 56, 220, 40),
            tr("debrief.whatif.replay"), self.ui, object_id="#primary")

    # -- input ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            element = event.ui_element
            for tab, button in self.tab_buttons.items():
                if element is button:
                    self.select_tab(tab)
                    return
            if element is self.again_button:
                self.play_again()
            elif element is self.menu_button:
                self.to_menu()
            elif element is self.replay_button:
                self.replay()
            elif element is self.glossary_button:
                self.app.push("glossary")
            else:
                for i, button in enumerate(self.account_buttons):
                    if element is button:
                        self.select_account(i)
                        return
                for turn, button in self.quarter_buttons.items():
                    if element is button:
                        self.select_quarter(turn)
                        return
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F3:
                self.app.push("glossary")
            elif pygame.K_1 <= event.key < pygame.K_1 + len(TABS):
                self.select_tab(TABS[event.key - pygame.K_1])
            elif self.tab == "truth" and event.key in (pygame.K_UP, pygame.K_DOWN):
                step = -1 if event.key == pygame.K_UP else 1
                self.select_account((self.account + step) % len(self.truths))

    def select_tab(self, tab: str) -> None:
        if tab in TABS and tab != self.tab:
            self.tab = tab
            self.app.rebuild()

    def select_account(self, index: int) -> None:
        self.account = index
        self.app.rebuild()

    def select_quarter(self, turn: int) -> None:
        self.whatif_turn = max(1, min(turn, len(self.session.game.plans)))
        self.app.rebuild()

    def replay(self) -> Session:
        """Rewind to the chosen quarter in a new session (same saves, its own slot)."""

        s, turn = self.session, self.whatif_turn
        branch = s.branch(turn, tr("debrief.whatif.label",
                                   label=s.label or pick(s.scenario.title)))
        planning = self.app.make("planning", branch)
        planning.notice = tr("whatif.prefilled", quarter=fmt.quarter_label(
            turn, s.scenario.start_quarter, language()))
        self.app.replace(planning)
        return branch

    def play_again(self) -> None:
        if getattr(self.session, "return_to", None) is not None:  # hot-seat: the console
            self.to_menu()
            return
        self.app.reset_to("title")
        self.app.push("library", new_game=True)

    def to_menu(self) -> None:
        if isinstance(self.session, TeamSession):  # a workshop team: where it came from
            leave_team(self.app, self.session)
            return
        self.app.reset_to("title")

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        lay = self.layout()
        self._draw_top(surface, lay["top"])
        content = lay["content"]
        getattr(self, f"_draw_{self.tab}")(surface, content)

    def _draw_top(self, surface, rect) -> None:
        sc, game = self.session.scenario, self.session.game
        pygame.draw.rect(surface, WHITE, rect)
        pygame.draw.line(surface, LINE, rect.bottomleft, rect.bottomright)
        right_w = 300
        text(surface, (GAP + 4, 8), tr("debrief.title", scenario=pick(sc.title)), 22, INK,
             bold=True, max_width=rect.width - right_w - 40)
        text(surface, (GAP + 4, 40), tr("debrief.subtitle", turns=len(game.plans), seed=game.seed),
             13, MUTED, max_width=rect.width - right_w - 40)
        score = self.scorecard["score"]
        band = explain.grade_band(score)
        grade = tr("debrief.grade", score=fmt.score(score))
        f = font(24, True)
        x = rect.right - GAP - 4 - f.size(grade)[0]
        text(surface, (x, 10), grade, 24, INK, bold=True)
        label = fit(tr(f"debrief.band.{band}"), right_w, drawn_width(13, True))
        text(surface, (rect.right - GAP - 4 - font(13, True).size(label)[0], 42), label, 13,
             BAND_COLOURS[band], bold=True)

    def _heading(self, surface, content: pygame.Rect, key: str, **values) -> None:
        text(surface, (content.x, content.y), tr(key, **values), 17, INK, bold=True,
             max_width=content.width)

    def _draw_overview(self, surface, content: pygame.Rect) -> None:
        lang, cur = language(), self.session.scenario.currency
        left = pygame.Rect(content.x, content.y, GRADE_W, content.height)
        card(surface, left)
        score = self.scorecard["score"]
        band = explain.grade_band(score)
        x, w = left.x + 20, left.width - 40
        text(surface, (x, left.y + 16), tr("debrief.tab.overview"), 17, INK, bold=True, max_width=w)
        text(surface, (x, left.y + 44), fmt.score(score), 72, INK, bold=True)
        text(surface, (x + 6 + font(72, True).size(fmt.score(score))[0], left.y + 92), "/ 100",
             20, MUTED)
        text(surface, (x, left.y + 150), tr(f"debrief.band.{band}"), 26, BAND_COLOURS[band],
             bold=True, max_width=w)
        charts.gauge(surface, pygame.Rect(x, left.y + 196, w, 16), score, 0, 100,
                     font=font(12), label="", value_format=lambda v: "")
        y = paragraph(surface, x, left.y + 226, w, tr("debrief.grade_note"), 13, MUTED)
        if self.scorecard.get("luck") is not None:
            y = paragraph(surface, x, y + 6, w, explain.luck_text(self.scorecard["luck"]), 13, MUTED)
        report = self.reports.get(lang, [])
        y += 16
        for item in report:
            colour = pygame.Color(VERDICT_COLOURS[item["verdict"]])
            pygame.draw.circle(surface, colour, (x + 5, y + 10), 5)
            verdict = tr(f"debrief.verdict.{item['verdict']}")
            vw = font(13, True).size(verdict)[0]
            text(surface, (x + 16, y), item["title"], 13, INK, max_width=w - 24 - vw)
            text(surface, (x + w - vw, y), verdict, 13, colour, bold=True)
            y += 22
        right, rows, row_h = self._points_rows(content)
        card(surface, right)
        x, w = right.x + 20, right.width - 40
        text(surface, (x, right.y + 16), tr("debrief.points"), 17, INK, bold=True, max_width=w)
        for it, y in rows:
            metric = it["metric"]
            charts.gauge(surface, pygame.Rect(x, y, w, 36), it["score"], 0, 100, font=font(15),
                         label=explain.metric_name(metric, lang),
                         value_format=lambda v: fmt.score(v))
            won = next(p for p in self.points if p["metric"] == metric)
            detail = " · ".join([
                f"{tr('debrief.col.value')} {explain.format_metric(metric, it['value'], lang, cur)}",
                f"{tr('debrief.col.target')} {explain.format_metric(metric, it['target'], lang, cur)}",
                tr("why.points_won", won=fmt.number(won["won"], lang, 1),
                   worth=fmt.number(won["worth"], lang, 0)),
            ])
            text(surface, (x, y + 40), detail, 13, MUTED, max_width=w)
            if row_h >= 76:  # the decisions behind the points, where there is room
                text(surface, (x, y + 58), self.behind(metric), 12, MUTED, max_width=w)

    def _points_rows(self, content: pygame.Rect) -> tuple[pygame.Rect, list, int]:
        """The overview's points card, each scorecard item with its row's top, the rows'
        height (drawing and the hover tips share it)."""

        right = pygame.Rect(content.x + GRADE_W + GAP, content.y, content.width - GRADE_W - GAP,
                            content.height)
        items = self.scorecard["items"]
        row_h = min(84, (right.height - 60) // max(len(items), 1))
        return right, [(it, right.y + 56 + k * row_h) for k, it in enumerate(items)], row_h

    def _build_overview(self, content: pygame.Rect) -> None:
        """Hover tips with the whole "Behind it" line, which the card may cut short."""

        right, rows, row_h = self._points_rows(content)
        if row_h < 76:
            return
        for it, y in rows:
            UIButton(pygame.Rect(right.x + 20, y + 56, right.width - 40, 18), "", self.ui,
                     object_id="#hotspot", tool_tip_text=self.behind(it["metric"]))

    def _draw_charts(self, surface, content: pygame.Rect) -> None:
        self._heading(surface, content, "debrief.tab.charts")
        area = pygame.Rect(content.x, content.y + 36, content.width, content.height - 36)
        draw_kpi_charts(surface, area, self.history, self.session.scenario, columns=3,
                        reference=self.reference_history,
                        reference_label=tr("whatif.original" if self.original is not None
                                           else "strategy.expert"))

    def _draw_truth(self, surface, content: pygame.Rect) -> None:
        sc, lang, cur = self.session.scenario, language(), self.session.scenario.currency
        if not self.truths:
            return
        truth = self.truths[self.account]
        acc = sc.accounts[self.account]
        x = content.x + 250
        w = content.right - x
        text(surface, (x, content.y), explain.pick(acc.name, lang), 17, INK, bold=True,
             max_width=w)
        debrief = self.hidden[self.account]
        status = tr("debrief.truth.status", wallet=fmt.money(debrief["wallet"], lang, cur,
                                                               short_from=fmt.SHORT_FROM),
                    share=fmt.percent(debrief["share"]),
                    pd=fmt.percent(debrief["default_risk"], 1))
        if truth["defaulted"]:
            status += " · " + tr("debrief.truth.lost_default")
        elif truth["churned"]:
            status += " · " + tr("debrief.truth.lost_churn")
        text(surface, (x, content.y + 28), status, 13, MUTED, max_width=w)
        # Needs: real beside the last reading, interleaved so each pair shares one scale.
        top = content.y + 56
        text(surface, (x, top), tr("debrief.truth.needs"), 15, INK, bold=True, max_width=w)
        chart = pygame.Rect(x + 6, top + 30, min(440, w // 2 + 40), 324)
        card(surface, chart.inflate(12, 8))
        labels, values, colours = [], [], []
        for d in NEEDS:
            labels.append(tr(f"need.short.{d}"))
            values.append(truth["needs"][d])
            colours.append(0)
            if truth["measured"] is not None:
                labels.append(f"  {tr('debrief.truth.yours')}")
                values.append(truth["measured"][d])
                colours.append(1)
        charts.bar_chart(surface, chart, labels, values, font=font(12),
                         value_format=lambda v: fmt.percent(v), colours=colours)
        nx = chart.right + 24
        nw = content.right - nx
        if truth["measured"] is None:
            paragraph(surface, nx, top + 30, nw, tr("debrief.truth.never"), 14, WARN)
        else:
            quarter = fmt.quarter_label(truth["measured_turn"], sc.start_quarter, lang)
            y = paragraph(surface, nx, top + 30, nw, tr("debrief.truth.measured", quarter=quarter),
                          13, MUTED)
            ranked = sorted(NEEDS, key=lambda d: -truth["needs"][d])[:4]
            y += 8
            for d in ranked:
                line = (f"{explain.need_name(d, lang)}: {tr('debrief.truth.real')} "
                        f"{fmt.percent(truth['needs'][d])} · {tr('debrief.truth.yours')} "
                        f"{fmt.percent(truth['measured'][d])}")
                text(surface, (nx, y), line, 13, INK, max_width=nw)
                y += 20
        self._draw_people(surface, pygame.Rect(x, chart.bottom + 14, w,
                                               content.bottom - chart.bottom - 14), truth)

    def _draw_people(self, surface, rect: pygame.Rect, truth: dict) -> None:
        sc, lang = self.session.scenario, language()
        text(surface, rect.topleft, tr("debrief.truth.people"), 15, INK, bold=True,
             max_width=rect.width)
        cols = (("name", 0.17), ("role", 0.17), ("seen_role", 0.17), ("influence", 0.10),
                ("stance", 0.12), ("seen_stance", 0.17), ("trust", 0.10))
        xs, x = [], rect.x
        for _, share in cols:
            xs.append(x)
            x += int(rect.width * share)
        y = rect.y + 26
        for (key, share), cx in zip(cols, xs):
            text(surface, (cx, y), tr(f"debrief.truth.col.{key}"), 12, MUTED, bold=True,
                 max_width=int(rect.width * share) - 8)
        y += 22
        row_h = max(20, min(26, (rect.bottom - y) // max(len(truth["stakeholders"]), 1)))
        unknown = tr("debrief.truth.unknown")
        for j, person in enumerate(truth["stakeholders"]):
            seen_role = (explain.role_name(sc, person["seen_role"], lang)
                         if person["seen_role"] else unknown)
            seen = person["seen_stance"]
            seen_text = unknown if seen is None else f"{seen:+.2f}"
            if seen is not None and person["seen_turn"]:
                seen_text += f" ({tr('results.xq', **_yq(person['seen_turn'], sc.start_quarter))})"
            cells = (
                explain.person_label(person, lang),
                explain.role_name(sc, person["role"], lang),
                seen_role,
                fmt.percent(person["influence"]),
                f"{person['stance']:+.2f}",
                seen_text,
                fmt.percent(person["trust"]),
            )
            if j % 2 == 0:
                pygame.draw.rect(surface, (238, 241, 246), (rect.x - 4, y - 2, rect.width, row_h))
            for k, ((key, share), cx, cell) in enumerate(zip(cols, xs, cells)):
                width = int(rect.width * share) - 8
                colour = INK
                if key == "seen_role" and person["seen_role"] != person["role"]:
                    colour = WARN if person["seen_role"] else MUTED
                if key in ("stance", "seen_stance"):
                    value = person["stance"] if key == "stance" else seen
                    pygame.draw.circle(surface, stance_colour(value), (cx + 5, y + row_h // 2 - 2), 5)
                    cx, width = cx + 14, width - 14
                text(surface, (cx, y), cell, 13, colour if k else INK, max_width=width)
            y += row_h

    def _draw_lessons(self, surface, content: pygame.Rect) -> None:
        self._heading(surface, content, "debrief.tab.lessons")

    def _draw_compare(self, surface, content: pygame.Rect) -> None:
        if self.original is not None:
            self._draw_against_original(surface, content)
            return
        game = self.session.game
        self._heading(surface, content, "debrief.compare.title", seed=game.seed)
        labels = [tr("debrief.compare.you")] + [i18n.strategy_name(p) for p in REFERENCES]
        mine = _compared(self.scorecard, self.history)
        card_h = self._compare_cards(surface, content, labels, [mine] + [
            self.references[p] for p in REFERENCES], 214)
        scores = [mine["score"]] + [self.references[p]["score"] for p in REFERENCES]
        beaten = sum(scores[0] > s for s in scores[1:])
        y = paragraph(surface, content.x, content.y + 36 + 2 * (card_h + GAP) + 4, content.width,
                      tr("debrief.compare.beat", n=beaten, total=len(REFERENCES)), 15, INK,
                      bold=True)
        note = tr("debrief.compare.note")
        if not getattr(self.session.game, "rewindable", True):
            note = tr("debrief.compare.shared") + " " + note
        paragraph(surface, content.x, y + 4, content.width, note, 13, MUTED, max_lines=4)

    def _compare_cards(self, surface, content: pygame.Rect, labels: list[str],
                       figures: list[dict[str, float]], card_h: int) -> int:
        """The ``COMPARED`` figures of each game in ``figures`` (the first highlighted) as
        four bar charts, two by two, under the heading; returns the cards' height."""

        lang, cur = language(), self.session.scenario.currency
        titles = {"score": tr("debrief.compare.score"), "profit": tr("debrief.compare.profit"),
                  "satisfaction": explain.metric_name("satisfaction", lang),
                  "retention": explain.metric_name("retention", lang)}
        formats = {"score": fmt.score,
                   "profit": lambda v: fmt.money(v, lang, cur, short_from=fmt.SHORT_FROM),
                   "satisfaction": lambda v: fmt.number(v, lang, 2),
                   "retention": lambda v: fmt.percent(v)}
        half = (content.width - GAP) // 2
        for k, metric in enumerate(COMPARED):
            cell = pygame.Rect(content.x + (k % 2) * (half + GAP),
                               content.y + 36 + (k // 2) * (card_h + GAP), half, card_h)
            card(surface, cell)
            text(surface, (cell.x + 16, cell.y + 10), titles[metric], 15, INK, bold=True,
                 max_width=cell.width - 32)
            charts.bar_chart(surface, pygame.Rect(cell.x + 16, cell.y + 40, cell.width - 32,
                                                  card_h - 52),
                             labels, [f[metric] for f in figures], font=font(14),
                             value_format=formats[metric], highlight=0)
        return card_h

    def against_original(self) -> list[str]:
        """The what-if beside its original game in sentences: the scores, each quarter's
        score from the branch on, and what was changed in the quarter it branched at."""

        sc, lang, game = self.session.scenario, language(), self.session.game
        origin = self.session.original or {}
        turn = int(origin.get("from", 1))
        quarter = fmt.quarter_label(turn, sc.start_quarter, lang)
        mine, theirs = self.scorecard["score"], self.original_card["score"]
        lines = [tr("whatif.result", branch=fmt.score(mine), original=fmt.score(theirs),
                    delta=fmt.delta_score(mine - theirs))]
        pairs = [f"{fmt.quarter_label(t, sc.start_quarter, lang)} "
                 f"{fmt.score(a['score'])}/{fmt.score(b['score'])}"
                 for t, (a, b) in enumerate(zip(game.results, self.original.results), start=1)
                 if t >= turn]
        lines.append(tr("whatif.quarters", quarters=tr("why.list_sep").join(pairs)))
        if turn <= min(len(game.plans), len(self.original.plans)):
            changes = explain.plan_changes(self.original.plans[turn - 1],
                                           game.plans[turn - 1], sc, lang)
            lines.append(tr("whatif.changed", quarter=quarter) if changes
                         else tr("whatif.no_change", quarter=quarter))
            shown = changes[:6]
            lines += [BULLET + c for c in shown]
            if len(changes) > len(shown):
                lines.append(tr("whatif.more", n=len(changes) - len(shown)))
        later = list(zip(game.plans[turn:], self.original.plans[turn:]))
        if later:  # the change carries into the next drafts, or the player changed more
            lines.append(tr("whatif.later", n=sum(a != b for a, b in later), total=len(later)))
        return lines

    def _draw_against_original(self, surface, content: pygame.Rect) -> None:
        sc, lang = self.session.scenario, language()
        turn = int((self.session.original or {}).get("from", 1))
        self._heading(surface, content, "whatif.title",
                      quarter=fmt.quarter_label(turn, sc.start_quarter, lang))
        labels = [tr("whatif.branch"), tr("whatif.original")]
        card_h = self._compare_cards(
            surface, content, labels, [_compared(self.scorecard, self.history),
                                       _compared(self.original_card, self.original_history)],
            150)
        y = content.y + 36 + 2 * (card_h + GAP) + 4
        for k, line in enumerate(self.against_original()):
            y = paragraph(surface, content.x, y, content.width, line, 14 if k else 15, INK,
                          bold=k == 0, max_lines=2)
            if y > content.bottom - 20:
                break

    def _draw_whatif(self, surface, content: pygame.Rect) -> None:
        sc, lang, game = self.session.scenario, language(), self.session.game
        self._heading(surface, content, "debrief.whatif.title")
        if not getattr(game, "rewindable", True):
            paragraph(surface, content.x, content.y + 36, content.width - 16,
                      tr("debrief.whatif.shared"), 14, INK, max_lines=4)
            return
        y = paragraph(surface, content.x, content.y + 36, content.width - 16,
                      tr("debrief.whatif.text") + " " + tr("whatif.text"), 14, INK,
                      max_lines=3)
        text(surface, (content.x + 16, content.y + 120), tr("debrief.whatif.pick"), 14, INK,
             bold=True, max_width=content.width)
        rows = -(-len(game.plans) // 4)
        y = content.y + 150 + rows * 42 + 16
        if not game.results:
            return
        turn = self.whatif_turn
        result = game.results[turn - 1]
        quarter = fmt.quarter_label(turn, sc.start_quarter, lang)
        y = paragraph(surface, content.x + 16, y, content.width - 32,
                      tr("debrief.whatif.chosen", quarter=quarter,
                         score=fmt.score(result["score"])), 14, INK, bold=True)
        news = explain.news_items(result, sc, lang) or [tr("results.no_news")]
        limit = content.bottom - 70
        for line in news:
            for k, part in enumerate(wrap(line, content.width - 56, drawn_width(13))):
                if y + 20 > limit:
                    return
                text(surface, (content.x + 24, y), (BULLET if k == 0 else "   ") + part, 13,
                     MUTED, max_width=content.width - 40)
                y += 20


def _compared(scorecard: dict, history: list[dict]) -> dict[str, float]:
    """A game's ``COMPARED`` figures from its scorecard and KPI history."""

    return {"score": scorecard["score"],
            "profit": sum(h["profit"] for h in history),
            "satisfaction": history[-1]["satisfaction"] if history else 0.0,
            "retention": history[-1]["retention"] if history else 0.0}


def _yq(turn: int, start_quarter: int) -> dict:
    index = start_quarter - 1 + turn - 1
    return {"year": index // 4 + 1, "q": index % 4 + 1}
