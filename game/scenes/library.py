"""The scenario library: pick a shipped case, read its briefing, choose a seed and start;
below the cases, the saved games to resume or delete.

A first-time player finds the tutorial selected and a note pointing at it.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pygame
import pygame_gui
from pygame import Rect
from pygame_gui.core import ObjectID
from pygame_gui.elements import (
    UIButton,
    UILabel,
    UIPanel,
    UIScrollingContainer,
    UITextBox,
    UITextEntryLine,
)
from pygame_gui.windows import UIFileDialog

from kam_sandbox import engine
from kam_sandbox.base import fmt, i18n
from kam_sandbox.base.i18n import pick, tr
from kam_sandbox.engine import Problem, Scenario
from kam_sandbox.engine.messages import render

from ..app import App, Scene
from ..draw import CJK_BUTTON, LINE_HEIGHT, fit, label_width, wrap
from ..fonts import font
from ..menu import open_saved_game, progress_text, seed_text, short_error, slot_title, slots_of
from ..navigation import scene_class
from ..palette import ACCENT, MUTED_HTML
from ..session import Session
from ..settings import save_user_settings
from ..widgets import SCROLL_BAR_W, Buttons, PassLabel, box_paragraph, plain_key

TUTORIAL = "tutorial"
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
MONEY_METRICS = {"profit", "revenue"}
PERCENT_METRICS = {"margin", "retention", "share_of_wallet", "bad_debt_ratio", "coverage"}
SEED_DIGITS = 9
MARGIN, GAP = 24, 16
SLOTS_MIN_H = 200  # room kept under the scenario cards for the saved games


def random_seed() -> int:
    return random.SystemRandom().randrange(1, 10**6)


def said(problem: Problem) -> str:
    """A scenario problem's message in the interface language."""
    return render(problem.message, i18n.language())


@dataclass
class Entry:
    """One shipped scenario file: the scenario if it loads, else its problems."""

    path: Path
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    external: bool = False  # opened from a file by the author, not shipped

    @property
    def id(self) -> str:
        return self.scenario.id if self.scenario is not None else self.path.stem

    def sort_key(self) -> tuple:
        sc = self.scenario
        if sc is None:
            return (1, 0, 0, self.id)
        return (0, DIFFICULTY_ORDER.get(sc.difficulty, 9), sc.turns, self.id)


def shipped_entries() -> list[Entry]:
    """The shipped scenarios, easiest first; a broken file is listed with its problems."""

    entries = []
    try:
        paths = engine.shipped_scenarios()
    except Exception:  # a broken install must still open the menu
        paths = []
    for path in paths:
        scenario, problems = engine.check_scenario(path)
        entries.append(Entry(path, scenario, list(problems)))
    return sorted(entries, key=Entry.sort_key)


def metric_target(metric: str, value: float, currency: str) -> str:
    """A scorecard target in the metric's own unit."""

    lang = i18n.language()
    if metric in MONEY_METRICS:
        return fmt.money(value, lang, currency, short_from=fmt.SHORT_FROM)
    if metric in PERCENT_METRICS:
        return fmt.percent(value)
    if metric == "satisfaction":
        return tr("library.out_of_5", value=fmt.number(value, lang, 1))
    if metric == "hhi":
        return fmt.number(value, lang, 2)
    return fmt.number(value, lang)


def title_parts(title: str, width: int) -> list[tuple[str, str]]:
    """A scenario title as big as it fits: one #title line; else the part before the colon
    big and the rest as a subtitle; else one smaller line."""

    if label_width("#title")(title) <= width:
        return [(title, "#title")]
    for colon in ("：", ":"):
        head, sep, rest = title.partition(colon)
        if sep and rest.strip() and label_width("#title")(head) <= width:
            return [(head, "#title"), (rest.strip(), "#subtitle")]
    return [(fit(title, width, label_width("#kpi")), "#kpi")]




def updated_text(stamp: str) -> str:
    """An ISO time stamp as local 'MM-DD HH:MM', or '' when it does not parse."""

    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%m-%d %H:%M")


class LibraryScene(Scene):
    """Scenario cards and saved games on the left, the selected case's briefing on the right."""

    name = "library"

    def __init__(self, app: App, new_game: bool = False):
        super().__init__(app)
        self.new_game = new_game
        self.entries: list[Entry] = []
        self.selected = 0
        self.tab = "briefing"  # or "accounts": what the big text box shows
        self.seed_text = str(random_seed())
        self.slots: list = []
        self.slots_error: str | None = None
        self.confirm_delete: str | None = None  # slot waiting for "delete for good?"
        self.message: tuple[str, str] | None = None  # (string key, detail) of a failure
        self.buttons = Buttons()
        self.cards: list[tuple[UIButton, int]] = []  # a button per scenario card
        self.seed_entry: UITextEntryLine | None = None
        self.start_button: UIButton | None = None
        self.slot_buttons: dict[str, dict[str, UIButton]] = {}
        self.last_folder: Path | None = None
        self.dialog = None

    # -- state ------------------------------------------------------------------------------
    @property
    def first_time(self) -> bool:
        settings = getattr(self.app, "settings", None)
        return settings is not None and not settings.tutorial_seen

    @property
    def entry(self) -> Entry | None:
        return self.entries[self.selected] if self.entries else None

    def enter(self) -> None:
        self.entries = shipped_entries()
        ids = [e.id for e in self.entries]
        self.selected = ids.index(TUTORIAL) if self.first_time and TUTORIAL in ids else 0
        self.refresh_slots()

    def refresh_slots(self) -> None:
        self.slots, self.slots_error = slots_of(self.app)

    def seed(self) -> int | None:
        text = self.seed_text.strip()
        return int(text) if text.isdigit() and len(text) <= SEED_DIGITS else None

    def can_start(self) -> bool:
        return self.entry is not None and self.entry.scenario is not None and self.seed() is not None

    # -- widgets ----------------------------------------------------------------------------
    def build(self) -> None:
        self.buttons = Buttons()
        self.cards = []
        self.slot_buttons = {}
        w, h = self.app.screen.get_size()
        ui = self.ui

        self.buttons.add(UIButton(Rect(MARGIN, 16, 120, 38), tr("library.back"), ui,
                                  tool_tip_text=tr("library.back_tip")), self.app.pop)
        heading = tr("library.title_new" if self.new_game else "library.title")
        UILabel(Rect(MARGIN + 136, 10, w // 2, 50), heading, ui, object_id="#title")

        left_w = max(340, min(440, int(w * 0.31)))
        top = 72
        bottom = h - MARGIN
        y = self.build_cards(Rect(MARGIN, top, left_w, bottom - top))
        self.build_slots(Rect(MARGIN, y + 8, left_w, bottom - y - 8))
        rx = MARGIN + left_w + GAP + 8
        self.build_briefing(Rect(rx, top, w - rx - MARGIN, bottom - top))

    def build_cards(self, area: Rect) -> int:
        """Scenario cards from the top of ``area``; returns the y below them."""

        ui = self.ui
        x, y, width = area.x, area.y, area.width
        UILabel(Rect(x, y, width - 150, 26), tr("library.scenarios"), ui, object_id="#heading")
        self.buttons.add(UIButton(Rect(x + width - 146, y - 2, 146, 30), tr("library.open_file"),
                                  ui, tool_tip_text=tr("library.open_file_tip")),
                         self.open_dialog)
        y += 34
        ids = [e.id for e in self.entries]
        if self.first_time and TUTORIAL in ids:
            note = UIPanel(Rect(x, y, width, 34), manager=ui, object_id="#selected_card")
            UILabel(Rect(8, 2, width - 20, 26),
                    fit(tr("library.new_here"), width - 20, label_width()), ui, container=note)
            y += 42
        if not self.entries:
            UILabel(Rect(x, y, width, 24), tr("library.no_scenarios"), ui, object_id="#danger")
            return y + 30
        # The cards scroll when there are more than fit above the saved games.
        heading = label_width("#heading")
        card_h = [46 + 24 * len(wrap(self._card_title(e), width - 44, heading, 2)) + 8
                  for e in self.entries]
        max_h = max(area.bottom - y - SLOTS_MIN_H, 120)
        box_h = min(sum(card_h), max_h)
        scroll = UIScrollingContainer(Rect(x, y, width, box_h), ui, allow_scroll_x=False)
        inner_w = width - (18 if sum(card_h) > box_h else 0)
        inner = inner_w - 28
        cy = 0
        for i, entry in enumerate(self.entries):
            if entry.scenario is not None:
                sc = entry.scenario
                meta = tr("library.card_meta",
                          difficulty=tr(f"library.difficulty.{sc.difficulty}"),
                          turns=sc.turns, accounts=len(sc.accounts))
                meta_id = "#muted"
            else:
                meta = tr("library.card_broken", count=len(entry.problems))
                meta_id = "#danger"
            lines = wrap(self._card_title(entry), inner, label_width("#heading"), 2)
            rect = Rect(0, cy, inner_w, 46 + 24 * len(lines))
            # The card is a button (hover, click); its text lies over it on PassLabels.
            chosen = i == self.selected
            oid = ObjectID(object_id="#selected_card" if chosen else "#card",
                           class_id="#toggle_on" if chosen else None)
            card = self.buttons.add(UIButton(rect, "", ui, container=scroll, object_id=oid),
                                    lambda i=i: self.select(i))
            ly = cy + 7
            for line in lines:
                PassLabel(Rect(12, ly, inner, 26), line, ui, container=scroll,
                          object_id="#heading")
                ly += 24
            PassLabel(Rect(12, ly + 4, inner, 22), fit(meta, inner, label_width(meta_id)), ui,
                      container=scroll, object_id=meta_id)
            self.cards.append((card, i))
            cy += rect.height + 8
        scroll.set_scrollable_area_dimensions((inner_w, cy))
        if self.selected < len(card_h) and cy > box_h:  # keep the chosen card in view
            top = sum(card_h[: self.selected])
            if top + card_h[self.selected] > box_h and scroll.vert_scroll_bar is not None:
                scroll.vert_scroll_bar.set_scroll_from_start_percentage(top / cy)
        return y + box_h

    def _card_title(self, entry: Entry) -> str:
        return pick(entry.scenario.title) if entry.scenario is not None else entry.path.name

    def build_slots(self, area: Rect) -> None:
        """The saved games: load or delete; a broken one greyed with its error."""

        ui = self.ui
        x, y, width = area.x, area.y, area.width
        UILabel(Rect(x, y, width, 26), tr("library.saved_games"), ui, object_id="#heading")
        y += 30
        if self.message is not None:
            key, detail = self.message
            for line in wrap(tr(key, error=short_error(self.app, detail)), width,
                             label_width("#danger"), 2):
                UILabel(Rect(x, y, width, 22), line, ui, object_id="#danger")
                y += 22
            y += 4
        if self.slots_error is not None:
            for line in wrap(tr("library.slots_unreadable", error=self.slots_error), width,
                             label_width("#danger"), 2):
                UILabel(Rect(x, y, width, 22), line, ui, object_id="#danger")
                y += 22
            return
        if not self.slots:
            UILabel(Rect(x, y, width, 22),
                    fit(tr("library.no_saves"), width, label_width("#muted")), ui,
                    object_id="#muted")
            return
        height = area.bottom - y
        if height < 60:
            return
        row_h, row_gap = 56, 6
        content_h = len(self.slots) * (row_h + row_gap) - row_gap
        scroll = UIScrollingContainer(Rect(x, y, width, height), ui,
                                      allow_scroll_x=False)
        row_w = width - (22 if content_h > height else 0)
        scroll.set_scrollable_area_dimensions((row_w, max(content_h, 1)))
        for i, info in enumerate(self.slots):
            self.build_slot_row(scroll, Rect(0, i * (row_h + row_gap), row_w, row_h), info)

    def build_slot_row(self, scroll, rect: Rect, info) -> None:
        ui = self.ui
        row = UIPanel(rect, manager=ui, container=scroll, object_id="#card")
        bw, pad = 66, 8
        confirming = self.confirm_delete == info.name
        broken = info.error is not None
        buttons: dict[str, UIButton] = {}
        n_buttons = 2 if (confirming or not broken) else 1
        text_w = rect.width - 2 * pad - 4 - n_buttons * (bw + 6)
        bx = rect.width - pad - 2 - bw
        by, bh = (rect.height - 32) // 2 - 1, 32
        if confirming:
            buttons["cancel"] = self.buttons.add(
                UIButton(Rect(bx, by, bw, bh), tr("library.cancel"), ui, container=row),
                self.cancel_delete)
            buttons["confirm"] = self.buttons.add(
                UIButton(Rect(bx - bw - 6, by, bw, bh), tr("library.delete"), ui,
                         container=row, object_id="#danger"),
                lambda slot=info.name: self.delete(slot))
        else:
            buttons["delete"] = self.buttons.add(
                UIButton(Rect(bx, by, bw, bh), tr("library.delete"), ui, container=row,
                         tool_tip_text=tr("library.delete_tip")),
                lambda slot=info.name: self.ask_delete(slot))
            if not broken:
                buttons["load"] = self.buttons.add(
                    UIButton(Rect(bx - bw - 6, by, bw, bh), tr("library.load"), ui,
                             container=row),
                    lambda slot=info.name: self.load(slot))
        self.slot_buttons[info.name] = buttons

        if broken:
            title, title_id = info.name, "#muted"
            detail = tr("library.slot_damaged", error=short_error(self.app, info.error))
            detail_id = "#small"
        else:
            title, title_id = slot_title(info), CJK_BUTTON  # a file case's label may be Chinese
            parts = (progress_text(info, short=True), seed_text(info), updated_text(info.updated))
            detail = " · ".join(part for part in parts if part)
            detail_id = "#small"
        if confirming:
            detail, detail_id = tr("library.confirm_delete"), "#danger"
        UILabel(Rect(pad, 4, text_w, 26), fit(title, text_w, label_width(title_id)), ui,
                container=row, object_id=title_id)
        UILabel(Rect(pad, 30, text_w, 22), fit(detail, text_w, label_width(detail_id)), ui,
                container=row, object_id=detail_id)

    def build_briefing(self, area: Rect) -> None:
        ui = self.ui
        panel = UIPanel(area, manager=ui, object_id="#card")
        entry = self.entry
        pad = 18
        iw = area.width - 2 * pad
        if entry is None:
            return
        if entry.scenario is None:
            UILabel(Rect(pad, pad, iw, 40), fit(entry.path.name, iw, label_width("#kpi")), ui,
                    container=panel, object_id="#kpi")
            problems = "<br>".join(html.escape(f"{p.line}:{p.column} {p.path} {said(p)}")
                                   for p in entry.problems)
            UITextBox(f"{html.escape(tr('library.broken_detail'))}<br><br>{problems}",
                      Rect(pad, pad + 48, iw, area.height - 2 * pad - 48), ui,
                      container=panel, allow_split_dashes=False)
            return
        sc = entry.scenario
        lang = i18n.language()
        y = pad - 4

        parts = title_parts(pick(sc.title), iw)
        (head, head_id), rest = parts[0], parts[1:]
        head_w = label_width(head_id)(head) + 8
        UILabel(Rect(pad, y, head_w, LINE_HEIGHT[head_id] + 2), head, ui, container=panel,
                object_id=head_id)
        if rest:
            sub, sub_id = rest[0]
            room = iw - head_w - 8
            if label_width(sub_id)(sub) <= room:  # same line, on the title's baseline
                drop = font(34, True).get_ascent() - font(18).get_ascent()
                UILabel(Rect(pad + head_w + 4, y + drop, room, LINE_HEIGHT[sub_id] + 2), sub, ui,
                        container=panel, object_id=sub_id)
            else:
                y += LINE_HEIGHT[head_id] - 2
                UILabel(Rect(pad, y, iw, LINE_HEIGHT[sub_id] + 2),
                        fit(sub, iw, label_width(sub_id)), ui, container=panel, object_id=sub_id)
                head_id = sub_id
        y += LINE_HEIGHT[head_id]
        for line in wrap(pick(sc.summary), iw, label_width("#muted"), 2):
            UILabel(Rect(pad, y, iw, 20), line, ui, container=panel, object_id="#muted")
            y += 20
        y += 10

        # Facts: the case, then the resources of every quarter.
        res = sc.resources
        facts = [
            ("library.fact.difficulty", tr(f"library.difficulty.{sc.difficulty}")),
            ("library.fact.quarters", str(sc.turns)),
            ("library.fact.accounts", str(len(sc.accounts))),
            ("library.fact.budget", fmt.money(res.budget, lang, sc.currency,
                                              short_from=fmt.SHORT_FROM)),
            ("library.fact.am_days", fmt.number(res.am_days, lang, 1).removesuffix(".0")),
            ("library.fact.exec_days", fmt.number(res.exec_days, lang, 1).removesuffix(".0")),
            ("library.fact.support_days",
             fmt.number(res.support_days, lang, 1).removesuffix(".0")),
        ]
        tgap = 8
        tile_w = (iw - tgap * (len(facts) - 1)) // len(facts)
        UILabel(Rect(pad, y, 3 * tile_w + 2 * tgap, 18), tr("library.case"), ui,
                container=panel, object_id="#small")
        rx = pad + 3 * (tile_w + tgap)
        UILabel(Rect(rx, y, iw - (rx - pad), 18), tr("library.per_quarter"), ui,
                container=panel, object_id="#small")
        y += 20
        for i, (key, value) in enumerate(facts):
            tile = UIPanel(Rect(pad + i * (tile_w + tgap), y, tile_w, 54), manager=ui,
                           container=panel, object_id="#card")
            UILabel(Rect(8, 4, tile_w - 16, 18), fit(tr(key), tile_w - 16, label_width("#small")),
                    ui, container=tile, object_id="#small")
            UILabel(Rect(8, 22, tile_w - 16, 28), fit(value, tile_w - 16, label_width("#kpi")), ui,
                    container=tile, object_id="#kpi")
        y += 54 + 14

        # Bottom bar: seed and start.
        bar_h = 52
        bar_y = area.height - pad - bar_h
        content_h = bar_y - 12 - y
        side_w = max(290, min(380, iw * 2 // 5))
        text_w = iw - side_w - GAP

        tabs = (("briefing", tr("library.briefing")),
                ("accounts", tr("library.accounts", count=len(sc.accounts))))
        tx = pad
        for tab, label in tabs:
            tab_w = max(110, label_width()(label) + 32)
            self.buttons.add(
                UIButton(Rect(tx, y, tab_w, 30), label, ui, container=panel,
                         object_id="#toggle_on" if self.tab == tab else None,
                         tool_tip_text=tr(f"library.tab_tip.{tab}")),
                lambda tab=tab: self.show_tab(tab))
            tx += tab_w + 6
        lines_w = text_w - SCROLL_BAR_W  # a long text scrolls: its lines leave the bar room
        body = (self.briefing_html(sc, lines_w) if self.tab == "briefing"
                else self.accounts_html(sc, lines_w))
        UITextBox(body, Rect(pad, y + 34, text_w, content_h - 34), ui,
                  container=panel, allow_split_dashes=False)

        sx = pad + text_w + GAP
        self.build_scorecard(panel, Rect(sx, y, side_w, content_h), sc)
        self.build_start_bar(panel, Rect(pad, bar_y, iw, bar_h), sc)

    def briefing_html(self, sc: Scenario, width: int = 600) -> str:
        parts = []
        warnings = [p for p in (self.entry.problems if self.entry else []) if p.severity != "error"]
        if warnings:  # an author's file: what validate would warn about, with positions
            parts.append(f"<b>{html.escape(tr('library.warnings', n=len(warnings)))}</b>")
            for p in warnings:
                parts.append(f"<br>{html.escape(f'{p.line}:{p.column} {p.path}: {said(p)}')}")
            parts.append("<br><br>")
        parts += [box_paragraph(pick(sc.briefing).replace("\n", " "), width), "<br><br>",
                  f"<b>{html.escape(tr('library.objectives'))}</b>"]
        for objective in sc.objectives:
            parts.append("<br>" + box_paragraph(f"•  {pick(objective)}", width))
        return "".join(parts)

    def accounts_html(self, sc: Scenario, width: int = 600) -> str:
        lang = i18n.language()
        blocks = []
        for a in sc.accounts:
            facts = " · ".join((pick(a.industry), pick(a.region),
                                tr("library.employees", n=fmt.number(a.employees, lang))))
            blocks.append(f"<b>{html.escape(pick(a.name))}</b><br>"
                          f"<font color='{MUTED_HTML}'>{html.escape(facts)}</font><br>"
                          f"{box_paragraph(pick(a.history), width)}")
        return "<br><br>".join(blocks)

    def build_scorecard(self, panel, area: Rect, sc: Scenario) -> None:
        ui = self.ui
        x, y, width = area.x, area.y, area.width
        UILabel(Rect(x, y, width, 26), tr("library.scorecard"), ui, container=panel,
                object_id="#heading")
        y += 28
        weight_w, target_w = 64, 96
        name_w = width - weight_w - target_w
        for text, col_x, col_w in ((tr("library.col_metric"), x, name_w),
                                   (tr("library.col_weight"), x + name_w, weight_w),
                                   (tr("library.col_target"), x + name_w + weight_w, target_w)):
            UILabel(Rect(col_x, y, col_w, 18), fit(text, col_w, label_width("#small")), ui,
                    container=panel, object_id="#small")
        y += 20
        total = sum(item.weight for item in sc.scorecard) or 1.0
        for item in sc.scorecard:
            name = tr(f"library.metric.{item.metric}")
            weight = fmt.percent(item.weight / total)
            target = metric_target(item.metric, item.target, sc.currency)
            UILabel(Rect(x, y, name_w, 22), fit(name, name_w - 4, label_width()), ui,
                    container=panel)
            UILabel(Rect(x + name_w, y, weight_w, 22), weight, ui, container=panel)
            UILabel(Rect(x + name_w + weight_w, y, target_w, 22),
                    fit(target, target_w, label_width()), ui, container=panel)
            y += 22
        y += 10
        room = (area.bottom - y) // 18
        if room > 0:
            for line in wrap(tr("library.score_note"), width, label_width("#small"), room):
                UILabel(Rect(x, y, width, 18), line, ui, container=panel, object_id="#small")
                y += 18

    def build_start_bar(self, panel, bar: Rect, sc: Scenario) -> None:
        ui = self.ui
        start_w, roll_w, entry_w = 220, 96, 120
        seed_label = tr("library.seed")
        label_w = label_width()(seed_label) + 10
        x, y = bar.x, bar.y + 8
        UILabel(Rect(x, y, label_w, 36), seed_label, ui, container=panel)
        x += label_w
        self.seed_entry = UITextEntryLine(Rect(x, y, entry_w, 36), ui, container=panel,
                                          initial_text=self.seed_text)
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text_length_limit(SEED_DIGITS)
        x += entry_w + 6
        self.buttons.add(UIButton(Rect(x, y, roll_w, 36), tr("library.random_seed"), ui,
                                  container=panel, tool_tip_text=tr("library.random_seed_tip")),
                         self.roll_seed)
        x += roll_w + 12
        hint_w = bar.right - start_w - 12 - x
        lines = wrap(tr("library.seed_hint"), hint_w, label_width("#small"), 2)
        hy = y + (36 - 18 * len(lines)) // 2
        for line in lines:
            UILabel(Rect(x, hy, hint_w, 18), line, ui, container=panel, object_id="#small")
            hy += 18
        self.start_button = self.buttons.add(
            UIButton(Rect(bar.right - start_w, bar.y + 4, start_w, 44), tr("library.start"),
                     ui, container=panel, object_id="#primary",
                     tool_tip_text=tr("library.start_tip", title=pick(sc.title))),
            self.start)
        if not self.can_start():
            self.start_button.disable()

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        surface.fill(ACCENT, Rect(0, 0, w, 4))

    # -- input ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.buttons.handle(event):
            return
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            self.open_path(event.text)
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.seed_entry:
            self.seed_text = self.seed_entry.get_text()
            if self.start_button is not None:
                self.start_button.enable() if self.can_start() else self.start_button.disable()
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.seed_entry:
            self.start()
            return
        if event.type == pygame.KEYDOWN and plain_key(event):
            typing = self.seed_entry is not None and self.seed_entry.is_focused
            if event.key == pygame.K_ESCAPE:
                if self.confirm_delete is not None:
                    self.cancel_delete()
                else:
                    self.app.pop()
            elif event.key == pygame.K_UP and not typing:
                self.select(self.selected - 1)
            elif event.key == pygame.K_DOWN and not typing:
                self.select(self.selected + 1)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and not typing:
                self.start()

    # -- author mode: a scenario file from anywhere -------------------------------------------
    def open_dialog(self) -> None:
        w, h = self.app.screen.get_size()
        start = str(self.last_folder or Path.cwd())
        self.dialog = UIFileDialog(Rect(w // 2 - 320, h // 2 - 240, 640, 480), self.ui,
                                   window_title=tr("library.open_title"),
                                   initial_file_path=start, allow_existing_files_only=True)

    def open_path(self, path: str | Path) -> None:
        """Add a scenario file to the list (with its problems if it does not validate)."""

        path = Path(path).expanduser().resolve()
        self.last_folder = path.parent
        scenario, problems = engine.check_scenario(path)
        entry = Entry(path, scenario, list(problems), external=True)
        self.entries = [e for e in self.entries if e.path != path] + [entry]
        self.selected = len(self.entries) - 1
        self.app.rebuild()

    # -- actions ----------------------------------------------------------------------------
    def select(self, index: int) -> None:
        if not self.entries:
            return
        index = max(0, min(index, len(self.entries) - 1))
        if index != self.selected:
            self.selected = index
            self.app.rebuild()

    def show_tab(self, tab: str) -> None:
        if tab != self.tab:
            self.tab = tab
            self.app.rebuild()

    def roll_seed(self) -> None:
        self.seed_text = str(random_seed())
        if self.seed_entry is not None:
            self.seed_entry.set_text(self.seed_text)
        if self.start_button is not None:
            self.start_button.enable()

    def new_slot_name(self, scenario_id: str, seed: int) -> str:
        """``<scenario>-<seed>``, made unique among the existing slots."""

        taken = {s.name for s in self.slots}
        base = f"{scenario_id[: 40 - len(str(seed)) - 4]}-{seed}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        return name

    def start(self) -> None:
        if not self.can_start():
            return
        entry, seed = self.entry, self.seed()
        sc = entry.scenario
        try:
            game = engine.new_game(sc, seed)
            planning = scene_class("planning")
        except Exception as exc:  # e.g. the planning screen failed to import
            self.message = ("library.start_failed", str(exc))
            self.app.rebuild()
            return
        self.refresh_slots()
        session = Session(game, slot=self.new_slot_name(sc.id, seed), label=pick(sc.title),
                          store=getattr(self.app, "store", None),
                          scenario_path=str(entry.path) if entry.external else None)
        settings = getattr(self.app, "settings", None)
        if sc.id == TUTORIAL and settings is not None and not settings.tutorial_seen:
            settings.tutorial_seen = True
            save_user_settings(self.app)  # a failure only means the hint shows again
        self.app.replace(planning(self.app, session))

    def load(self, slot: str) -> None:
        try:
            scene = open_saved_game(self.app, slot)
        except Exception as exc:  # a save that will not replay must not crash the menu
            self.message = ("library.load_failed", str(exc))
            self.refresh_slots()
            self.app.rebuild()
            return
        self.app.replace(scene)

    def ask_delete(self, slot: str) -> None:
        self.confirm_delete = slot
        self.app.rebuild()

    def cancel_delete(self) -> None:
        self.confirm_delete = None
        self.app.rebuild()

    def delete(self, slot: str) -> None:
        self.confirm_delete = None
        try:
            self.app.store.delete(slot)
            self.message = None
        except Exception as exc:
            self.message = ("library.delete_failed", str(exc))
        self.refresh_slots()
        self.app.rebuild()
