"""The glossary: every term the game uses (RFM, CLV, NPS, stages, DSO, tiers, credit
grades…) explained in the current language.

Opened over any screen with ``app.push("glossary", term=...)`` — from the planning
screen's "?" tour and its figures' tooltips (a click on CLV, RFM, credit or a tier opens
it at that term), and from the results and debrief screens' Glossary button or F3. Back
or Esc returns to the screen below as it was; ↑/↓ move between terms.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIScrollingContainer, UITextBox

from kam_sandbox.base.i18n import tr

from .. import glossary
from ..app import Scene
from ..draw import drawn_width, fit, text
from ..palette import INK, LINE, WHITE
from ..widgets import SCROLL_BAR_W, box_paragraph

TOP = 64
GAP = 12
LIST_W = 280
ROW = 36


class GlossaryScene(Scene):
    name = "glossary"

    def __init__(self, app, term: str | None = None):
        super().__init__(app)
        self.term = term if term in glossary.TERMS else glossary.TERMS[0]
        self.term_buttons: dict[str, UIButton] = {}

    def layout(self) -> dict[str, pygame.Rect]:
        w, h = self.app.screen.get_size()
        side = pygame.Rect(GAP, TOP + GAP, LIST_W, h - TOP - 2 * GAP)
        return {"top": pygame.Rect(0, 0, w, TOP), "side": side,
                "content": pygame.Rect(side.right + GAP, side.y, w - side.right - 2 * GAP,
                                       side.height)}

    def build(self) -> None:
        lay = self.layout()
        top, side, content = lay["top"], lay["side"], lay["content"]
        self.back_button = UIButton(pygame.Rect(top.right - GAP - 140, 12, 140, 40),
                                    tr("glossary.back"), self.ui,
                                    tool_tip_text=tr("glossary.back_tip"))
        box = UIScrollingContainer(side, self.ui, allow_scroll_x=False)
        total = len(glossary.TERMS) * ROW
        inner = side.width - (22 if total > side.height else 4)
        self.term_buttons = {}
        for k, term in enumerate(glossary.TERMS):
            label = glossary.name(term)
            self.term_buttons[term] = UIButton(
                pygame.Rect(0, k * ROW, inner, ROW - 4), fit(label, inner - 16, drawn_width(14)),
                self.ui, container=box, tool_tip_text=label,
                object_id="#toggle_on" if term == self.term else None)
        box.set_scrollable_area_dimensions((inner, total))
        UILabel(pygame.Rect(content.x, content.y, content.width, 32), glossary.name(self.term),
                self.ui, object_id="#heading")
        self.text_box = UITextBox(box_paragraph(glossary.text(self.term),
                                                content.width - SCROLL_BAR_W),
                                  pygame.Rect(content.x, content.y + 40, content.width,
                                              content.height - 40), self.ui,
                                  allow_split_dashes=False)

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.back_button:
                self.app.pop()
                return
            for term, button in self.term_buttons.items():
                if event.ui_element is button:
                    self.show(term)
                    return
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_ESCAPE, pygame.K_F3):
                self.app.pop()
            elif event.key in (pygame.K_UP, pygame.K_DOWN):
                k = glossary.TERMS.index(self.term) + (1 if event.key == pygame.K_DOWN else -1)
                self.show(glossary.TERMS[k % len(glossary.TERMS)])

    def show(self, term: str) -> None:
        self.term = term
        self.app.rebuild()

    def draw(self, surface: pygame.Surface) -> None:
        top = self.layout()["top"]
        pygame.draw.rect(surface, WHITE, top)
        pygame.draw.line(surface, LINE, top.bottomleft, top.bottomright)
        text(surface, (GAP + 4, 18), tr("glossary.title"), 22, INK, bold=True,
             max_width=top.width - 200)
