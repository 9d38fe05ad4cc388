"""The planning screen: the portfolio, one account in detail, and the quarter's allocation.

Layout (scaled to the window): a top bar with the quarter, the resources left and End
quarter; the portfolio on the left as cards drawn by this scene; on the right the selected
account's persona, its buying center as a map, what is known of its needs, and the
allocation controls; portfolio-wide actions and the plan's status along the bottom.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIPanel, UIScrollingContainer

from kam_sandbox.base import explain, fmt
from kam_sandbox.base.i18n import language, pick, tr
from kam_sandbox.engine.levers import NEED_ACTIONS
from kam_sandbox.engine.scenario import NEEDS, STAGES

from .. import charts, glossary, references
from ..app import Scene
from ..draw import card, drawn_width, fit, label_width, text, wrap
from ..fonts import font
from ..palette import ACCENT, INK, LINE, MUTED, RULE, SOFT, WARN, WHITE, stance_colour
from ..session import RESOURCES, Session
from ..team_bar import POLL_PLANNING, STRIP_H, TeamBar, leave_team, submit
from ..team_session import TeamSession
from ..widgets import Stepper, Toggle, box_paragraph

CARD_H = 66
RESOURCE_X, RESOURCE_STEP = 350, 122  # where the top bar's resource meters sit, at most
SCORE_W = 60
WATCH_SECONDS = 1.0
TOP = 56
BOTTOM = 52
LEFT_W = 340
PORTFOLIO_ACTIONS = ("conference", "data_analysis", "info_sharing")
ACCOUNT_STEPPERS = (
    # action, step, maximum source, formatter kind
    ("support_days", 0.5, "support_days", "days"),
    ("training_days", 0.5, "support_days", "days"),
    ("promotion", 5000.0, "budget", "money"),
    ("event_support", 5000.0, "budget", "money"),
    ("discount", 0.01, "max_discount", "percent"),
    ("credit_days", 15.0, "max_credit_days", "credit"),
    ("supply", 0.05, "one", "percent"),
)
ACCOUNT_TOGGLES = ("survey", "feedback", "trial")


class PlanningScene(Scene):
    name = "planning"

    def __init__(self, app, session: Session):
        super().__init__(app)
        self.session = session
        self.selected = 0
        self.scroll = 0
        self.tutorial_step: int | None = None
        self.notice: str | None = None  # author mode: "scenario reloaded" and the like
        self.watch_timer = 0.0
        self.team_bar = None  # a workshop team's strip and link (game/team_bar.py)
        self.need_focus: str | None = None  # a need picked in the needs card: its levers show
        self.need_buttons: dict[object, str] = {}

    # -- lifecycle ----------------------------------------------------------------------------
    def enter(self) -> None:
        sc = self.session.scenario
        game = self.session.game
        if game.turn == sc.turns - 1 and getattr(game, "seed", None) is not None:
            # The debrief's reference games, played while the player plans the last quarter.
            references.prefetch(sc, game.seed)
        if (sc.id == "tutorial" and self.session.game.turn == 0
                and not getattr(self.session, "submitted", False)):  # a team back to change
            self.tutorial_step = 0
        if isinstance(self.session, TeamSession):
            self.team_bar = TeamBar(self, POLL_PLANNING)

    def leave(self) -> None:
        self.session.autosave()  # on quit too: a closed window never loses a quarter

    def update(self, dt: float) -> None:
        """Save the draft once edits pause. Author mode: look at the scenario file once a
        second and reload it on change. A workshop team: keep in step with the host (and the
        draft with it)."""

        if self.team_bar is not None:
            self.team_bar.update(dt)  # a team's draft is kept by the host
        else:
            self.session.keep_draft(dt)
        if not self.session.scenario_path:
            return
        self.watch_timer += dt
        if self.watch_timer < WATCH_SECONDS:
            return
        self.watch_timer = 0.0
        notice = self.session.check_reload()
        if notice:
            self.notice = notice
            n = len(self.session.scenario.accounts)
            self.selected = min(self.selected, n - 1)
            self.app.rebuild()

    @property
    def view(self):
        return self.session.game.view()

    @property
    def top_height(self) -> int:
        """The top bar, and a workshop team's strip under it."""

        if self.team_bar is None:
            return TOP
        return TOP + STRIP_H

    def layout(self) -> dict[str, pygame.Rect]:
        w, h = self.app.screen.get_size()
        top_h = self.top_height
        body = pygame.Rect(0, top_h, w, h - top_h - BOTTOM)
        left = pygame.Rect(8, body.y + 8, LEFT_W, body.height - 16)
        right = pygame.Rect(left.right + 8, body.y + 8, w - left.right - 16, body.height - 16)
        header = pygame.Rect(right.x, right.y, right.width, 92)
        map_w = int(right.width * 0.52)
        center = pygame.Rect(right.x, header.bottom + 6, map_w, right.bottom - header.bottom - 6)
        alloc = pygame.Rect(center.right + 8, header.bottom + 6,
                            right.right - center.right - 8, center.height)
        return {
            "top": pygame.Rect(0, 0, w, TOP),
            "strip": pygame.Rect(0, TOP, w, top_h - TOP),
            "left": left,
            "header": header,
            "map": pygame.Rect(center.x, center.y, center.width, int(center.height * 0.58)),
            "needs": pygame.Rect(center.x, center.y + int(center.height * 0.58) + 6,
                                 center.width, center.height - int(center.height * 0.58) - 6),
            "alloc": alloc,
            "bottom": pygame.Rect(0, h - BOTTOM, w, BOTTOM),
        }

    def build(self) -> None:
        lay = self.layout()
        self.steppers: dict[tuple, Stepper] = {}
        self.toggles: dict[tuple, Toggle] = {}
        self.discount_note: UILabel | None = None  # what the discount costs, under it
        self.term_hotspots: dict[object, str] = {}  # a figure's hotspot → its glossary term
        top = lay["top"]
        team = self.team_bar is not None
        self.end_button = UIButton(pygame.Rect(top.right - 188, 10, 176, 36),
                                   tr("team.submit" if team else "plan.end_quarter"), self.ui,
                                   object_id="#primary",
                                   tool_tip_text=tr("team.submit_tip" if team
                                                    else "plan.end_quarter_tip"))
        self.menu_button = UIButton(pygame.Rect(top.right - 290, 10, 94, 36),
                                    tr("team.leave" if team else "plan.menu"), self.ui,
                                    tool_tip_text=tr("team.leave_tip" if team
                                                     else "plan.menu_tip"))
        self.help_button = UIButton(pygame.Rect(self.help_x(), 10, 44, 36), "?", self.ui,
                                    tool_tip_text=tr("plan.help_tip"))
        self._build_hotspots(lay)
        self._build_need_hotspots(lay)
        self._build_allocation(lay["alloc"])
        self._build_bottom(lay["bottom"])
        self._build_tutorial()
        self._build_author_problems()
        if self.team_bar is not None:
            self.team_bar.build(lay["strip"])
        self.refresh()

    def _build_hotspots(self, lay) -> None:
        """Invisible buttons over what draw() paints, so the metrics explain themselves."""

        meters = self.meters()
        for name, _, _, rect in meters:
            UIButton(rect, "", self.ui, object_id="#hotspot",
                     tool_tip_text=tr(f"resource.{name}.tip"))
        UIButton(self._score_rect(meters), "", self.ui, object_id="#hotspot",
                 tool_tip_text=tr("plan.score_tip"))
        header = lay["header"]
        hx = header.x + header.width // 2 + 10
        # The account's figures explain themselves, and a click opens the glossary there.
        view, i, lang = self.view, self.selected, language()
        grade = "ABCD"[int(view.credit_grade[i])]
        clv = glossary.clv_tip(float(view.clv[0, i]), tuple(int(x) for x in view.rfm[0, i]),
                               lang, self.session.scenario.currency)
        self.term_hotspots = {}
        for rect, tip, term in (
                (pygame.Rect(hx, header.y + 2, 180, 16), tr("plan.tier_tip"), "tier"),
                (pygame.Rect(hx + 190, header.y + 2, 180, 16), glossary.text("stage"), "stage"),
                (pygame.Rect(hx, header.y + 17, 185, 15),
                 glossary.credit_tip(grade, int(view.credit_days[0, i]), lang), "credit_grade"),
                (pygame.Rect(hx, header.y + 32, 300, 18), clv, "clv")):
            button = UIButton(rect, "", self.ui, object_id="#hotspot", tool_tip_text=tip)
            self.term_hotspots[button] = term
        # Lines cut to fit (the case, the account's name, persona and history) show whole on
        # hover without a hotspot: the app does it for every shortened line.

    def _build_need_hotspots(self, lay) -> None:
        """Over each bar of the needs card: which actions serve that need (a click marks
        them in the plan)."""

        self.need_buttons = {}
        if int(self.view.needs_turn[0, self.selected]) < 0:
            return  # no bars yet: the card asks for a needs analysis
        rows = charts.bar_rows(self._needs_chart(lay["needs"]), len(NEEDS), font(12))
        for need, row in zip(NEEDS, rows):
            button = UIButton(row, "", self.ui, object_id="#hotspot",
                              tool_tip_text=self.need_tip(need))
            self.need_buttons[button] = need

    def levers(self, need: str) -> list[str]:
        """The actions of this scenario that serve ``need``."""

        return [a for a in NEED_ACTIONS[need] if a in self.session.scenario.actions]

    def need_tip(self, need: str) -> str:
        name = tr(f"need.{need}")
        levers = self.levers(need)
        if not levers:
            return tr("plan.need_no_lever", need=name)
        names = ("、" if language() == "zh" else ", ").join(tr(f"action.{a}") for a in levers)
        tip = tr("plan.need_levers", need=name, actions=names)
        if need in ("delivery", "quality"):
            tip += " " + tr(f"plan.need_{need}")
        return tip + " " + tr("plan.need_click")

    def _marks(self, action: str) -> bool:
        return self.need_focus is not None and action in NEED_ACTIONS[self.need_focus]

    @staticmethod
    def _needs_chart(rect: pygame.Rect) -> pygame.Rect:
        return pygame.Rect(rect.x + 8, rect.y + 30, rect.width - 16, rect.height - 36)

    def _account(self):
        return self.session.scenario.accounts[self.selected]

    def _build_allocation(self, rect: pygame.Rect) -> None:
        s, sc = self.session, self.session.scenario
        acc = self._account()
        i = self.selected
        lost = bool(self.view.lost[0, i])
        panel = UIPanel(rect, manager=self.ui, object_id="#card")
        box = UIScrollingContainer(pygame.Rect(4, 4, rect.width - 8, rect.height - 8),
                                   self.ui, container=panel, allow_scroll_x=False)
        width = rect.width - 30
        y = 0
        UILabel(pygame.Rect(0, y, width, 28), tr("plan.allocation"), self.ui, container=box,
                object_id="#heading")
        y += 30
        if self.need_focus is not None:
            UILabel(pygame.Rect(0, y, width, 22),
                    fit(tr("plan.need_marked", need=tr(f"need.{self.need_focus}")), width - 8,
                        label_width("#lever")), self.ui, container=box,
                    object_id="#lever")
            y += 24
        if lost:
            UILabel(pygame.Rect(0, y, width, 24), tr("plan.account_lost"), self.ui,
                    container=box, object_id="#warn")
            box.set_scrollable_area_dimensions((width, y + 30))
            return
        res = sc.resources
        allowed = set(sc.actions)
        roles = {r.id: r for r in sc.roles}
        known_role = self.view.role[0, i]
        if {"am_days", "exec_days"} & allowed:
            UILabel(pygame.Rect(0, y, width, 20), tr("plan.people_days"), self.ui,
                    container=box, object_id="#muted")
            y += 22
        for j, sh in enumerate(acc.stakeholders):
            r = int(known_role[j])
            role = pick(sc.roles[r].name) if r >= 0 else tr("plan.role_unknown")
            UILabel(pygame.Rect(0, y, width, 20), f"{self._person(i, j)} · {role}", self.ui,
                    container=box, object_id="#small")
            y += 20
            for action, maximum in (("am_days", res.am_days), ("exec_days", res.exec_days)):
                if action not in allowed:
                    continue
                affinity = roles[sh.role].exec_affinity if r >= 0 else None
                tip = tr(f"action.{action}.tip")
                if action == "exec_days" and affinity is not None:
                    tip += " " + tr("plan.exec_affinity", x=f"{affinity:g}")
                step = Stepper(self.ui, pygame.Rect(8, y, width - 8, 28),
                               tr(f"action.{action}"), s.get_days(acc.id, action, sh.id), 0.5,
                               maximum, lambda v: fmt.days(v, language()),
                               self._setter_days(acc.id, action, sh.id), container=box,
                               tooltip=tip, highlight=self._marks(action))
                self.steppers[(action, sh.id)] = step
                y += 30
            y += 4
        UILabel(pygame.Rect(0, y, width, 20), tr("plan.account_actions"), self.ui,
                container=box, object_id="#muted")
        y += 22
        limits = {"support_days": res.support_days, "budget": res.budget,
                  "max_discount": sc.limits.max_discount,
                  "max_credit_days": float(sc.limits.max_credit_days), "one": 1.0}
        for action, stepv, source, kind in ACCOUNT_STEPPERS:
            if action not in allowed:
                continue
            if action == "supply" and not self.view.peak:
                continue
            value = self._current(acc.id, action)
            tip = tr(f"action.{action}.tip")
            if action in ("support_days", "training_days"):  # what a day costs
                tip += (" " if language() == "en" else "") + glossary.cost_per_day(action, sc)
            step = Stepper(self.ui, pygame.Rect(0, y, width, 28), tr(f"action.{action}"), value,
                           stepv, limits[source], self._formatter(kind),
                           self._setter(acc.id, action), container=box,
                           tooltip=tip, highlight=self._marks(action))
            self.steppers[(action, None)] = step
            y += 30
            if action == "discount":  # what the discount gives away, kept up to date
                self.discount_note = UILabel(pygame.Rect(8, y - 4, width - 8, 20), "", self.ui,
                                             container=box, object_id="#small")
                y += 18
        for action in ACCOUNT_TOGGLES:
            if action not in allowed:
                continue
            cost = getattr(sc.costs, action)
            toggle = Toggle(self.ui, pygame.Rect(0, y, width, 28),
                            f"{tr(f'action.{action}')} ({self.money(cost)})",
                            bool(s.get(acc.id, action, False)), self._setter(acc.id, action),
                            container=box, tooltip=tr(f"action.{action}.tip"),
                            highlight=self._marks(action))
            self.toggles[(action, None)] = toggle
            y += 30
        box.set_scrollable_area_dimensions((width, y + 8))

    def _build_bottom(self, rect: pygame.Rect) -> None:
        sc, s = self.session.scenario, self.session
        x = 8
        for action in PORTFOLIO_ACTIONS:
            if action not in sc.actions:
                continue
            cost = getattr(sc.costs, action)
            label = f"{tr(f'action.{action}')} {self.money(cost)}"
            marked = self._marks(action)
            width = font(14).size("■ " + ("▶ " if marked else "") + label)[0] + 28
            toggle = Toggle(self.ui, pygame.Rect(x, rect.y + 9, width, 34), label,
                            s.get_portfolio(action), self._portfolio_setter(action),
                            tooltip=tr(f"action.{action}.tip"), highlight=marked)
            self.toggles[(action, "portfolio")] = toggle
            x += width + 6
        self.clear_button = UIButton(pygame.Rect(x, rect.y + 9, 120, 34), tr("plan.clear"),
                                     self.ui, tool_tip_text=tr("plan.clear_tip"))
        self.status = UILabel(pygame.Rect(x + 128, rect.y + 9, rect.right - x - 136, 34), "",
                              self.ui)

    def _build_tutorial(self) -> None:
        self.tutorial_box = None
        if self.tutorial_step is None:
            return
        key, target = TUTORIAL[self.tutorial_step]
        lay = self.layout()
        rect = self._tutorial_target(target, lay)
        self.tutorial_rect = self._tutorial_place(rect, 420, 200)
        w, h = self.tutorial_rect.size
        self.tutorial_box = UIPanel(self.tutorial_rect, starting_height=5, manager=self.ui,
                                    object_id="#selected_card")
        n = len(TUTORIAL)
        UILabel(pygame.Rect(10, 6, w - 20, 22),
                tr("tutorial.step", i=self.tutorial_step + 1, n=n), self.ui,
                container=self.tutorial_box, object_id="#muted")
        pygame_gui.elements.UITextBox(box_paragraph(tr(f"tutorial.{key}"), w - 12),
                                      pygame.Rect(6, 28, w - 12, h - 76),
                                      self.ui, container=self.tutorial_box, object_id="#flat",
                                      allow_split_dashes=False)  # no "时-间" in Chinese
        last = self.tutorial_step == n - 1
        self.tutorial_next = UIButton(pygame.Rect(w - 130, h - 40, 120, 32),
                                      tr("tutorial.done" if last else "tutorial.next"), self.ui,
                                      container=self.tutorial_box, object_id="#primary")
        self.tutorial_skip = UIButton(pygame.Rect(10, h - 40, 120, 32), tr("tutorial.skip"),
                                      self.ui, container=self.tutorial_box)
        self.tutorial_glossary = UIButton(pygame.Rect(140, h - 40, 120, 32),
                                          tr("glossary.open"), self.ui,
                                          container=self.tutorial_box,
                                          tool_tip_text=tr("glossary.open_tip"))

    def _build_author_problems(self) -> None:
        """Author mode: the edited scenario file does not validate; say where, as the CLI does."""

        self.problems_box = None
        problems = self.session.reload_problems
        if not problems:
            return
        w, h = self.app.screen.get_size()
        rect = pygame.Rect(w // 2 - 420, TOP + 40, 840, 300)
        self.problems_box = UIPanel(rect, starting_height=6, manager=self.ui, object_id="#card")
        UILabel(pygame.Rect(12, 8, rect.width - 24, 26), tr("author.problems_title"), self.ui,
                container=self.problems_box, object_id="#heading")
        lines = "<br>".join(html.escape(p) for p in problems[:12])
        if len(problems) > 12:
            lines += "<br>…"
        pygame_gui.elements.UITextBox(lines, pygame.Rect(8, 40, rect.width - 16, rect.height - 92),
                                      self.ui, container=self.problems_box)
        self.problems_dismiss = UIButton(pygame.Rect(rect.width - 140, rect.height - 46, 128, 36),
                                         tr("author.dismiss"), self.ui,
                                         container=self.problems_box)

    def _tutorial_place(self, target: pygame.Rect, w: int, h: int) -> pygame.Rect:
        """Beside the target if it fits (right, below, left, above), else inside it."""

        top_h = self.top_height
        screen = pygame.Rect((0, top_h), (self.app.screen.get_width(),
                                          self.app.screen.get_height() - top_h))
        for rect in (pygame.Rect(target.right + 12, target.y, w, h),
                     pygame.Rect(target.x, target.bottom + 12, w, h),
                     pygame.Rect(target.right - w, target.bottom + 12, w, h),
                     pygame.Rect(target.x - w - 12, target.y, w, h),
                     pygame.Rect(target.x, target.y - h - 12, w, h)):
            if screen.contains(rect):
                return rect
        return pygame.Rect(target.x + 12, target.y + 12, w, h).clamp(screen)

    def tour_frame(self, lay) -> pygame.Rect:
        """The guided tour's highlight around what the step is about."""

        return self._tutorial_target(TUTORIAL[self.tutorial_step][1], lay).inflate(6, 6)

    def _tutorial_target(self, target: str, lay) -> pygame.Rect:
        if target == "end":
            return self.end_button.rect
        if target == "resources":
            meters = self.meters()
            return meters[0][3].union(meters[-1][3]).inflate(12, 0)  # air before the labels
        return lay[target]

    def _person(self, i: int, j: int) -> str:
        """Who holds seat ``j`` of account ``i`` now, "(new)" after a successor's name."""

        view = self.view
        return explain.person_label({"name": view.person(0, i, j),
                                     "replacements": view.replacements(0, i, j)})

    # -- helpers for the draft ----------------------------------------------------------------
    def _current(self, account_id: str, action: str) -> float:
        if action == "credit_days":
            value = self.session.get(account_id, "credit_days", None)
            if value is None:
                return float(self.view.credit_days[0, self.selected])
            return float(value)
        return float(self.session.get(account_id, action, 0))

    def money(self, value: float) -> str:
        """Money as this screen writes it: one format for budget, costs and spend, to the
        ¥100, so budget left + spent = budget as shown."""

        return fmt.money(value, language(), self.session.scenario.currency,
                         short_from=fmt.SHORT_FROM)

    def budget_left(self, used: float, available: float) -> float:
        """The budget left as the top bar shows it: the budget less the spend as the status
        line writes it, so the two add up to the budget even when the spend is not a round
        sum (half a ¥1,500 support day and a survey: ¥0.38万 spent, ¥3.62万 left)."""

        return available - fmt.money_as_written(used, language(), short_from=fmt.SHORT_FROM)

    def _formatter(self, kind: str):
        lang = language()
        return {
            "days": lambda v: fmt.days(v, lang),
            "money": self.money,
            "percent": lambda v: fmt.percent(v),
            "credit": lambda v: tr("plan.credit_value", days=int(v)),
        }[kind]

    def _setter(self, account_id: str, action: str):
        def change(value):
            if action == "credit_days":
                current = float(self.view.credit_days[0, self.selected])
                self.session.set(account_id, action, None if value == current else value)
            elif action in ACCOUNT_TOGGLES:
                self.session.set(account_id, action, bool(value))
            else:
                self.session.set(account_id, action, value)
            self.refresh()

        return change

    def _setter_days(self, account_id: str, action: str, stakeholder: str):
        def change(value):
            self.session.set_days(account_id, action, stakeholder, value)
            self.refresh()

        return change

    def _portfolio_setter(self, action: str):
        def change(on):
            self.session.set_portfolio(action, on)
            self.refresh()

        return change

    def refresh(self) -> None:
        """Bring every widget in line with the draft after a change."""

        acc = self._account()
        if self.discount_note is not None:
            self.discount_note.set_text(glossary.discount_cost(
                float(self.session.get(acc.id, "discount", 0.0)),
                float(self.view.revenue[0, self.selected, -1]), language(),
                self.session.scenario.currency))
        for (action, who), step in self.steppers.items():
            if who is None:
                step.set(self._current(acc.id, action))
            else:
                step.set(self.session.get_days(acc.id, action, who))
        for (action, where), toggle in self.toggles.items():
            if where == "portfolio":
                toggle.set(self.session.get_portfolio(action))
            else:
                toggle.set(bool(self.session.get(acc.id, action, False)))
        problem = self.session.problem()
        if self.session.game.over:
            problem = tr("plan.game_over")
        if self.team_bar is not None:
            self.team_bar.draft_changed()  # the host keeps it a moment after the last change
            note, blocked = self.team_bar.status()
            if note and not problem:
                self.status.set_text(note)
                self.end_button.disable() if blocked else self.end_button.enable()
                self.app.redraw()
                return
        if self.notice and not problem:
            self.status.set_text(self.notice)
            self.end_button.enable()
            self.app.redraw()
            return
        if problem:
            self.status.set_text("⚠ " + problem)
            self.end_button.disable()
        else:
            self.status.set_text(tr("plan.ready", spend=self.money(
                self.session.usage()["budget"][0])))
            self.end_button.enable()
        self.app.redraw()

    # -- input --------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.team_bar is not None and self.team_bar.handle(event):
            return
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.end_button:
                self.end_quarter()
                return
            if event.ui_element is self.menu_button:
                self.to_menu()
                return
            if event.ui_element is self.help_button:
                self.tutorial_step = 0
                self.app.rebuild()
                return
            if event.ui_element in self.term_hotspots:  # a figure's tooltip: its glossary
                self.app.push("glossary", term=self.term_hotspots[event.ui_element])
                return
            if self.tutorial_box is not None and event.ui_element is self.tutorial_glossary:
                self.app.push("glossary")
                return
            if event.ui_element in self.need_buttons:
                self.focus_need(self.need_buttons[event.ui_element])
                return
            if event.ui_element is self.clear_button:
                self.session.clear_draft()
                self.refresh()
                return
            if self.problems_box is not None and event.ui_element is self.problems_dismiss:
                self.session.reload_problems = []
                self.app.rebuild()
                return
            if self.tutorial_box is not None:
                if event.ui_element is self.tutorial_next:
                    self.advance_tutorial()
                    return
                if event.ui_element is self.tutorial_skip:
                    self.tutorial_step = None
                    self.app.rebuild()
                    return
            for widget in [*self.steppers.values(), *self.toggles.values()]:
                if widget.handle(event):
                    return
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            index = self.card_at(event.pos)
            if index is not None:
                self.select(index)
        elif event.type == pygame.MOUSEWHEEL:
            if self.layout()["left"].collidepoint(self.app.mouse_pos()):
                self.scroll_by(-event.y * CARD_H)
        elif event.type == pygame.KEYDOWN:
            self.key(event)

    def key(self, event) -> None:
        n = len(self.session.scenario.accounts)
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.tutorial_box is None:
            self.end_quarter()
        elif event.key == pygame.K_DOWN:
            self.select((self.selected + 1) % n)
        elif event.key == pygame.K_UP:
            self.select((self.selected - 1) % n)
        elif event.key == pygame.K_ESCAPE:
            if self.tutorial_box is not None:
                self.tutorial_step = None
                self.app.rebuild()
            else:
                self.to_menu()
        elif event.key == pygame.K_F1:
            self.tutorial_step = 0
            self.app.rebuild()
        elif event.key == pygame.K_F3:
            self.app.push("glossary")

    def advance_tutorial(self) -> None:
        self.tutorial_step = self.tutorial_step + 1 if self.tutorial_step is not None else 0
        if self.tutorial_step >= len(TUTORIAL):
            self.tutorial_step = None
        self.app.rebuild()

    def focus_need(self, need: str) -> None:
        """Mark the actions that serve ``need`` in the plan (again: unmark)."""

        self.need_focus = None if self.need_focus == need else need
        self.app.rebuild()

    def select(self, index: int) -> None:
        self.selected = index
        left = self.layout()["left"]
        top = index * CARD_H
        if top < self.scroll:
            self.scroll = top
        elif top + CARD_H > self.scroll + left.height:
            self.scroll = top + CARD_H - left.height
        self.app.rebuild()

    def scroll_by(self, dy: int) -> None:
        left = self.layout()["left"]
        total = len(self.session.scenario.accounts) * CARD_H
        self.scroll = max(0, min(self.scroll + dy, max(total - left.height, 0)))
        self.app.redraw()

    def card_at(self, pos) -> int | None:
        left = self.layout()["left"]
        if not left.collidepoint(pos):
            return None
        index = (pos[1] - left.y + self.scroll) // CARD_H
        return int(index) if 0 <= index < len(self.session.scenario.accounts) else None

    def end_quarter(self) -> None:
        if self.session.problem() or self.session.game.over:
            return
        if self.team_bar is not None:  # a team submits; the facilitator plays the round
            submit(self)
            return
        result = self.app.run_busy(self.session.end_quarter)
        self.app.replace("results", self.session, result)

    def to_menu(self) -> None:
        self.session.autosave()
        if self.team_bar is not None:
            leave_team(self.app, self.session)
            return
        self.app.reset_to("title")

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        lay = self.layout()
        view = self.view
        self._draw_top(surface, lay["top"], view)
        self._draw_portfolio(surface, lay["left"], view)
        self._draw_header(surface, lay["header"], view)
        self._draw_map(surface, lay["map"], view)
        self._draw_needs(surface, lay["needs"], view)
        pygame.draw.line(surface, LINE, (0, lay["bottom"].y), (lay["bottom"].right, lay["bottom"].y))
        if self.team_bar is not None:
            self.team_bar.draw(surface)
        if self.tutorial_box is not None and self.tutorial_step is not None:
            pygame.draw.rect(surface, (230, 159, 0), self.tour_frame(lay), 3, border_radius=6)

    def _draw_top(self, surface, rect, view) -> None:
        sc, lang = self.session.scenario, language()
        pygame.draw.rect(surface, WHITE, rect)
        pygame.draw.line(surface, LINE, rect.bottomleft, rect.bottomright)
        text(surface, (12, 6), pick(sc.title), 15, INK, bold=True, max_width=330)
        text(surface, (12, 30), self._status_line(), 13, WARN if view.peak else MUTED,
             max_width=330)
        meters = self.meters()
        for name, used, available, box in meters:
            left = available - used
            if name == "budget":
                value = self.money(self.budget_left(used, available))
            elif name == "supply":  # the season's capacity not yet promised to an account
                value = fmt.percent(left)
            else:
                value = fmt.number(left, lang, 1)
            colour = WARN if left < -1e-9 else INK
            text(surface, (box.x, 6), tr(f"resource.{name}"), 12,
                 WARN if name == "supply" else MUTED, max_width=box.width)
            text(surface, (box.x, 24), value, 17, colour, bold=True, max_width=box.width)
            bar = pygame.Rect(box.x, 48, box.width - 6, 4)
            pygame.draw.rect(surface, RULE, bar)
            frac = 0 if available <= 0 else min(max(used / available, 0), 1)
            pygame.draw.rect(surface, WARN if left < 0 else ACCENT,
                             (bar.x, bar.y, int(bar.width * frac), bar.height))
        score = float(view.score[0])
        box = self._score_rect(meters)
        text(surface, (box.x + 4, 6), tr("plan.score"), 12, MUTED, max_width=box.width - 4)
        text(surface, (box.x + 4, 24), fmt.score(score) if view.turn else "—", 17, INK, bold=True)

    def meters(self) -> list[tuple[str, float, float, pygame.Rect]]:
        """The top bar's meters as (name, used, available, where): every quarterly resource,
        and in a peak quarter the season's short supply (shares promised / left). They share
        the room between the case's name and the buttons."""

        usage = self.session.usage()
        rows = [(name, *usage[name]) for name in RESOURCES]
        if self.view.peak and "supply" in self.session.scenario.actions:
            promised = sum(float(self.session.get(acc.id, "supply", 0) or 0)
                           for acc in self.session.scenario.accounts)
            rows.append(("supply", promised, 1.0))
        right = self.help_x() - 8 - SCORE_W
        step = min(RESOURCE_STEP, (right - RESOURCE_X) // len(rows))
        return [(name, used, available, pygame.Rect(RESOURCE_X + k * step, 4, step - 8, 48))
                for k, (name, used, available) in enumerate(rows)]

    def help_x(self) -> int:
        """Where the top bar's buttons start (the "?" button's left edge)."""

        return self.app.screen.get_width() - 340

    @staticmethod
    def _score_rect(meters) -> pygame.Rect:
        return pygame.Rect(meters[-1][3].right + 8, 4, SCORE_W, 48)

    def _draw_portfolio(self, surface, rect, view) -> None:
        sc = self.session.scenario
        clip = surface.get_clip()
        surface.set_clip(rect)
        pygame.draw.rect(surface, WHITE, rect, border_radius=6)
        for i, acc in enumerate(sc.accounts):
            y = rect.y + i * CARD_H - self.scroll
            if y + CARD_H < rect.y or y > rect.bottom:
                continue
            tile = pygame.Rect(rect.x + 4, y + 3, rect.width - 8, CARD_H - 6)
            selected = i == self.selected
            pygame.draw.rect(surface, SOFT if selected else WHITE, tile, border_radius=5)
            pygame.draw.rect(surface, ACCENT if selected else LINE, tile, 2 if selected else 1,
                             border_radius=5)
            lost = bool(view.lost[0, i])
            tier = "ABC"[int(view.tier[0, i])]
            # "Tier A" / "A类", never a bare letter beside the credit grade (issue 13 item 12)
            said = tr("label.tier", letter=tier)
            badge = pygame.Rect(tile.x + 6, tile.y + 6, drawn_width(11, True)(said) + 8, 18)
            pygame.draw.rect(surface, {"A": ACCENT, "B": (86, 180, 233), "C": (170, 178, 189)}[tier],
                             badge, border_radius=4)
            text(surface, (badge.x + 4, badge.y + 2), said, 11, WHITE, bold=True)
            name_colour = MUTED if lost else INK
            name_x = badge.right + 6
            text(surface, (name_x, tile.y + 4), pick(acc.name), 14, name_colour, bold=True,
                 max_width=tile.right - name_x - 6)
            sub = f"{pick(acc.industry)} · {tr('stage.' + STAGES[int(view.stage[0, i])])}"
            text(surface, (tile.x + 34, tile.y + 24), sub, 12, MUTED, max_width=tile.width - 130)
            revenue = view.revenue[0, i]
            text(surface, (tile.x + 34, tile.y + 41), self.money(float(revenue[-1])), 12, INK)
            sat_turn = int(view.satisfaction_turn[0, i])
            sat = (tr("plan.sat_reading", value=f"{view.satisfaction_reading[0, i]:.1f}",
                      q=sat_turn + 1) if sat_turn >= 0 else tr("plan.sat_unknown"))
            text(surface, (tile.x + 110, tile.y + 41), sat, 12, MUTED, max_width=110)
            charts.sparkline(surface, pygame.Rect(tile.right - 90, tile.y + 24, 82, 16),
                             [float(v) for v in revenue], charts.PALETTE[4])
            flags = []
            if lost:
                flags.append(tr("flag.lost"))
            if view.receivables[0, i, 1:].sum() > 0:
                flags.append(tr("flag.overdue"))
            if view.complaint[0, i]:
                flags.append(tr("flag.complaint"))
            if view.own_event[0, i]:
                flags.append(tr("flag.own_event"))
            if flags:
                text(surface, (tile.right - 90, tile.y + 42), " ".join(flags), 11,
                     WARN if lost or view.receivables[0, i, 1:].sum() > 0 else ACCENT,
                     max_width=88)
        surface.set_clip(clip)
        pygame.draw.rect(surface, LINE, rect, 1, border_radius=6)
        total = len(sc.accounts) * CARD_H
        if total > rect.height:  # a thin scroll indicator: the list goes on below
            bar_h = max(rect.height * rect.height // total, 24)
            bar_y = rect.y + (rect.height - bar_h) * self.scroll // max(total - rect.height, 1)
            pygame.draw.rect(surface, LINE, (rect.right - 5, bar_y, 3, bar_h), border_radius=2)

    def _draw_header(self, surface, rect, view) -> None:
        sc, i = self.session.scenario, self.selected
        acc = sc.accounts[i]
        card(surface, rect)
        text(surface, (rect.x + 12, rect.y + 6), pick(acc.name), 19, INK, bold=True,
             max_width=rect.width // 2 - 14)
        # The left half: the facts fill the right half down to the history line.
        text(surface, (rect.x + 12, rect.y + 34), self._persona(acc), 13, MUTED,
             max_width=rect.width // 2 - 14)
        text(surface, (rect.x + 12, rect.y + 54), pick(acc.history), 12, MUTED,
             max_width=rect.width - 24)
        rfm = view.rfm[0, i]
        facts = [  # the tier and the credit grade say which letter they are
            (None, tr("label.tier", letter="ABC"[int(view.tier[0, i])])),
            (tr("plan.stage"), tr("stage." + STAGES[int(view.stage[0, i])])),
            (None, tr("label.credit", letter="ABCD"[int(view.credit_grade[i])]) + " · "
             + tr("plan.credit_terms", days=int(view.credit_days[0, i]))),
            (tr("plan.share"), "≈" + fmt.percent(float(view.share_estimate[0, i]))),
            (tr("plan.overdue"), self.money(float(view.receivables[0, i, 1:].sum()))),
            ("RFM", f"{rfm[0]}{rfm[1]}{rfm[2]}"),
            ("CLV", self.money(float(view.clv[0, i]))),
        ]
        x = rect.x + rect.width // 2 + 10
        for k, (label, value) in enumerate(facts[:4]):
            text(surface, (x + (k % 2) * 190, rect.y + 4 + (k // 2) * 15),
                 value if label is None else f"{label}: {value}", 12, INK, max_width=185)
        line = "   ".join(f"{label}: {value}" for label, value in facts[4:])
        text(surface, (x, rect.y + 34), line, 12, INK, max_width=rect.right - x - 8)
        text(surface, (rect.x + 12, rect.y + 72), tr("plan.history_line"), 11, MUTED)

    def _status_line(self) -> str:
        """'Year 1 Q2 · quarter 1 of 8', and the peak-season warning in a peak quarter."""

        sc, view = self.session.scenario, self.view
        quarter = fmt.quarter_label(view.turn + 1, sc.start_quarter, language())
        status = tr("plan.quarter_of", quarter=quarter, i=view.turn + 1, n=sc.turns)
        return status + " · " + tr("plan.peak_season") if view.peak else status

    @staticmethod
    def _persona(acc) -> str:
        return (f"{pick(acc.industry)} · {pick(acc.region)} · "
                f"{tr('plan.employees', n=fmt.number(acc.employees, language()))}")

    def _draw_map(self, surface, rect, view) -> None:
        sc, i = self.session.scenario, self.selected
        acc = sc.accounts[i]
        card(surface, rect)
        text(surface, (rect.x + 10, rect.y + 6), tr("plan.buying_center"), 14, INK, bold=True)
        people = acc.stakeholders
        n = len(people)
        cols = min(n, 4)
        rows = (n + cols - 1) // cols
        cell_w = (rect.width - 20) // cols
        cell_h = (rect.height - 60) // max(rows, 1)
        turn = view.turn
        for j, sh in enumerate(people):
            cx = rect.x + 10 + (j % cols) * cell_w + cell_w // 2
            cy = rect.y + 34 + (j // cols) * cell_h + 22
            st_turn = int(view.stance_turn[0, i, j])
            stance = float(view.stance_reading[0, i, j]) if st_turn >= 0 else None
            pygame.draw.circle(surface, stance_colour(stance), (cx, cy), 18)
            pygame.draw.circle(surface, INK, (cx, cy), 18, 1)
            r = int(view.role[0, i, j])
            initial = pick(view.person(0, i, j))[:1]
            w_initial = font(15, True).size(initial)[0]
            text(surface, (cx - w_initial // 2, cy - 11), initial, 15, WHITE, bold=True)
            role = pick(sc.roles[r].name) if r >= 0 else tr("plan.role_unknown")
            lines = [
                (self._person(i, j), 12, INK, True),
                (pick(sh.title), 11, MUTED, False),
                (role, 11, ACCENT if r >= 0 else MUTED, False),
            ]
            last = int(view.last_contact[0, i, j])
            contact = (tr("plan.contact_ago", q=turn - last) if last >= 0 else
                       tr("plan.never_met"))
            # As the debrief writes a stance (two decimals), so colour and number agree.
            read = f"{round(stance, 2) + 0.0:+.2f}" if stance is not None else None
            lines += [(contact, 11, MUTED, False),
                      (tr("plan.stance", value=read, age=turn - st_turn) if read
                       else tr("plan.stance_unknown"), 11, MUTED, False)]
            y = cy + 22
            gap = 4 if rows == 1 else 3  # two rows of people: a pixel less, so they never meet
            for value, size, colour, bold in lines:
                width = min(font(size, bold).size(value)[0], cell_w - 6)
                text(surface, (cx - width // 2, y), value, size, colour, bold=bold,
                     max_width=cell_w - 6)
                y += size + gap
        legend_y = rect.bottom - 20
        x = rect.x + 10
        for key, colour in (("supportive", stance_colour(0.5)), ("neutral", stance_colour(0.0)),
                            ("hostile", stance_colour(-0.5)), ("unknown", stance_colour(None))):
            pygame.draw.circle(surface, colour, (x + 5, legend_y + 7), 5)
            r_ = text(surface, (x + 14, legend_y), tr(f"plan.legend.{key}"), 11, MUTED)
            x = r_.right + 12

    def _draw_needs(self, surface, rect, view) -> None:
        i = self.selected
        card(surface, rect)
        seen = int(view.needs_turn[0, i])
        shifted = bool(view.needs_shifted()[0, i])  # the news reported a shift since
        title = (tr("plan.needs_shifted" if shifted else "plan.needs_seen", age=view.turn - seen)
                 if seen >= 0 else tr("plan.needs_title"))
        text(surface, (rect.x + 10, rect.y + 6), title, 14, WARN if shifted else INK, bold=True,
             max_width=rect.width - 20)
        if seen < 0:
            y = rect.y + 34
            for line in wrap(tr("plan.needs_unknown"), rect.width - 24, drawn_width(13)):
                text(surface, (rect.x + 12, y), line, 13, MUTED)
                y += 20
            return
        labels = [tr(f"need.{d}") for d in NEEDS]
        values = [float(v) for v in view.needs_reading[0, i]]
        charts.bar_chart(surface, self._needs_chart(rect), labels, values, font=font(12),
                         value_format=lambda v: fmt.percent(v),
                         highlight=NEEDS.index(self.need_focus) if self.need_focus else None)


#: The guided tutorial: (string key, what it points at).
TUTORIAL = (
    ("welcome", "left"),
    ("portfolio", "left"),
    ("account", "header"),
    ("map", "map"),
    ("needs", "needs"),
    ("allocate", "alloc"),
    ("resources", "resources"),
    ("end", "end"),
)
