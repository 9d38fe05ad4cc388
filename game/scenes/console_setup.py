"""The workshop setup screen (title → Workshop): open a session folder, or create a session
— a case from the shipped library, 1 to 12 teams and their names, the seed, the mode — and
go to the facilitator console on it.

Sessions live in folders (``kam-sandbox workshop new --data DIR`` makes the same ones); by
default under ``<data folder>/workshops``, and the sessions found there are listed.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pygame
import pygame_gui
from pygame import Rect
from pygame_gui.elements import UIButton, UILabel, UIPanel, UITextEntryLine

from kam_sandbox import engine
from kam_sandbox.base import i18n
from kam_sandbox.base.i18n import pick, tr
from kam_sandbox.engine import KamError

from ..app import App, Scene
from ..draw import CJK_BUTTON, fit, label_width, wrap
from ..menu import scenario_by_id
from ..palette import ACCENT, RULE
from ..paths import default_folder
from ..widgets import Buttons, PassLabel, plain_key

MAX_TEAMS = 12
SEED_DIGITS = 9
SESSION_FILE = "session.json"


def workshops_folder(app: App) -> Path:
    return Path(getattr(app, "data_folder", None) or default_folder()) / "workshops"


def session_info(folder: Path) -> dict:
    """What the list shows of the session in ``folder`` (read-only: no lock taken)."""

    from kam_sandbox.workshop import Session

    info = {"path": folder, "name": folder.name, "error": None}
    try:
        with Session.open(folder, write=False) as s:
            m = s.meta
            info.update(scenario=m["scenario_id"], title=s.scenario.title, round=m["round"],
                        rounds=m["rounds"], state=s.state, teams=len(s.teams()))
    except Exception as exc:  # a damaged folder is listed with why, never fatal
        info["error"] = str(exc)
    return info


def find_sessions(folder: Path) -> list[dict]:
    """The sessions in ``folder`` itself and in its subfolders, newest first."""

    found = []
    try:
        if (folder / SESSION_FILE).is_file():
            found.append(folder)
        children = [p for p in folder.iterdir() if (p / SESSION_FILE).is_file()]
    except OSError:
        children = []
    children.sort(key=lambda p: (p / SESSION_FILE).stat().st_mtime, reverse=True)
    return [session_info(p) for p in found + children]


class WorkshopSetupScene(Scene):
    name = "workshop_setup"

    def __init__(self, app: App):
        super().__init__(app)
        self.folder_text = str(workshops_folder(app))
        self.sessions: list[dict] = []
        self.scanned: str | None = None  # the folder the list was read from
        self.ids = [p.stem for p in engine.shipped_scenarios()]
        self.scenario = "tutorial" if "tutorial" in self.ids else (self.ids or [""])[0]
        self.count = 3
        self.names = [""] * MAX_TEAMS  # "" = the default name
        self.seed_text = str(random.SystemRandom().randrange(1, 10**6))
        self.mode = "parallel"
        self.new_folder_text: str | None = None  # None: a default from the case and the time
        self.stamp = datetime.now().strftime("%Y%m%d-%H%M")
        self.error: str | None = None
        self.buttons = Buttons()
        self.entries: dict[object, str] = {}

    # -- state --------------------------------------------------------------------------------
    def team_names(self) -> list[str]:
        return [(self.names[i].strip() or tr("console.team_default", n=i + 1))
                for i in range(self.count)]

    def default_new_folder(self) -> str:
        base = Path(self.folder_text.strip() or workshops_folder(self.app))
        path = base / f"{self.scenario}-{self.stamp}"
        n = 2
        while (path / SESSION_FILE).exists():
            path = base / f"{self.scenario}-{self.stamp}-{n}"
            n += 1
        return str(path)

    def new_folder(self) -> str:
        return self.new_folder_text if self.new_folder_text is not None else \
            self.default_new_folder()

    def look(self) -> None:
        self.scanned = self.folder_text
        self.sessions = find_sessions(Path(self.folder_text.strip()).expanduser())

    # -- widgets ------------------------------------------------------------------------------
    def build(self) -> None:
        if self.scanned is None:  # the first time, and after the console was left
            self.look()
        self.buttons = Buttons()
        self.entries = {}
        ui = self.ui
        w, h = self.app.screen.get_size()
        self.buttons.add(UIButton(Rect(24, 16, 120, 38), tr("console.back"), ui), self.app.pop)
        title = f"{tr('console.setup_title')} · {tr('console.setup_title', lang='en' if i18n.language() == 'zh' else 'zh')}"
        UILabel(Rect(160, 12, w - 320, 50), fit(title, w - 320, label_width("#title")), ui,
                object_id="#title")
        sub = fit(tr("console.setup_subtitle"), w - 48, label_width("#muted"))
        UILabel(Rect(24, 62, w - 48, 22), sub, ui, object_id="#muted")
        top, bottom = 96, h - 24
        left = Rect(24, top, round((w - 64) * 0.38), bottom - top)
        right = Rect(left.right + 16, top, w - left.right - 40, bottom - top)
        self._build_open(left)
        self._build_new(right)

    def _entry(self, rect: Rect, value: str, key: str, container, digits: bool = False,
               limit: int | None = None) -> UITextEntryLine:
        e = UITextEntryLine(rect, self.ui, container=container, initial_text=value)
        if digits:
            e.set_allowed_characters("numbers")
        if limit:
            e.set_text_length_limit(limit)
        self.entries[e] = key
        return e

    def _build_open(self, rect: Rect) -> None:
        ui = self.ui
        card = UIPanel(rect, manager=ui, object_id="#card")
        pad, width = 20, rect.width - 40
        UILabel(Rect(pad, 14, width, 28), tr("console.open_heading"), ui, container=card,
                object_id="#heading")
        UILabel(Rect(pad, 48, width, 20), tr("console.folder"), ui, container=card,
                object_id="#muted")
        self._entry(Rect(pad, 70, width - 92, 34), self.folder_text, "folder", card)
        self.buttons.add(UIButton(Rect(pad + width - 84, 70, 84, 34), tr("console.look"), ui,
                                  container=card, tool_tip_text=tr("console.look_tip")),
                         self.look_again)
        y = 118
        if not self.sessions:
            UILabel(Rect(pad, y, width, 22), tr("console.no_sessions"), ui, container=card,
                    object_id="#muted")
        room = rect.height - y - 20
        for info in self.sessions[: max(1, room // 56)]:
            if info["error"]:
                line = tr("console.session_unreadable", error=info["error"])
            else:
                line = tr("console.session_line", round=info["round"], rounds=info["rounds"],
                          state=tr(f"console.state.{info['state']}"), teams=info["teams"])
            head = info["name"] if info["error"] else f"{info['name']} · {pick(info['title'])}"
            b = self.buttons.add(UIButton(Rect(pad, y, width, 50), "", ui, container=card,
                                          tool_tip_text=str(info["path"])),
                                 lambda p=info["path"]: self.open(p))
            if info["error"]:
                b.disable()
            PassLabel(Rect(pad + 8, y + 2, width - 16, 26),
                      fit(head, width - 36, label_width(CJK_BUTTON)), ui, container=card,
                      object_id=CJK_BUTTON)
            PassLabel(Rect(pad + 8, y + 27, width - 16, 20),
                      fit(line, width - 36, label_width("#small")), ui, container=card,
                      object_id="#small")
            y += 56

    def _build_new(self, rect: Rect) -> None:
        ui = self.ui
        card = UIPanel(rect, manager=ui, object_id="#card")
        pad = 20
        label_w = 150
        x0 = pad + label_w
        width = rect.width - x0 - pad
        UILabel(Rect(pad, 14, rect.width - 2 * pad, 28), tr("console.new_heading"), ui,
                container=card, object_id="#heading")

        def label(key: str, y: int) -> None:
            UILabel(Rect(pad, y, label_w - 8, 32),
                    fit(tr(key), label_w - 8, label_width("#heading")), ui, container=card,
                    object_id="#heading")

        y = 52
        label("console.scenario", y)
        cols = 2
        bw = (width - 8) // cols
        for k, sid in enumerate(self.ids):
            sc = scenario_by_id(sid)
            name = pick(sc.title) if sc is not None else sid
            short = name.replace("：", ":").split(":")[0].strip() or name
            on = sid == self.scenario
            self.buttons.add(UIButton(
                Rect(x0 + (k % cols) * (bw + 8), y + (k // cols) * 38, bw, 34),
                fit(short, bw - 16, label_width()), ui, container=card,
                object_id="#toggle_on" if on else None, tool_tip_text=name),
                lambda s=sid: self.choose(s))
        y += -(-len(self.ids) // cols) * 38 + 10

        label("console.teams_count", y)
        minus = self.buttons.add(UIButton(Rect(x0, y, 36, 34), "−", ui, container=card),
                                 lambda: self.set_count(self.count - 1))
        UILabel(Rect(x0 + 40, y, 40, 34), str(self.count), ui, container=card,
                object_id="#kpi_small")
        plus = self.buttons.add(UIButton(Rect(x0 + 84, y, 36, 34), "+", ui, container=card),
                                lambda: self.set_count(self.count + 1))
        if self.count <= 1:
            minus.disable()
        if self.count >= MAX_TEAMS:
            plus.disable()
        sx = x0 + 150
        UILabel(Rect(sx, y, 100, 34), fit(tr("console.seed_label"), 96, label_width("#heading")),
                ui, container=card, object_id="#heading")
        self._entry(Rect(sx + 100, y, 130, 34), self.seed_text, "seed", card, digits=True,
                    limit=SEED_DIGITS)
        self.buttons.add(UIButton(Rect(sx + 238, y, 90, 34), tr("console.random_seed"), ui,
                                  container=card), self.random_seed)
        y += 44

        label("console.team_names", y)
        per_row = 3
        nw = (width - 8 * (per_row - 1)) // per_row
        for i in range(self.count):
            self._entry(Rect(x0 + (i % per_row) * (nw + 8), y + (i // per_row) * 38, nw, 32),
                        self.team_names()[i], f"name:{i}", card, limit=40)
        y += -(-self.count // per_row) * 38 + 6
        y = max(y, 52 + -(-len(self.ids) // cols) * 38 + 10 + 44 + 2 * 38 + 6)

        label("console.mode", y)
        mw = (width - 8) // 2
        for k, (mode, key) in enumerate((("parallel", "console.mode_parallel"),
                                         ("shared", "console.mode_shared"))):
            self.buttons.add(UIButton(Rect(x0 + k * (mw + 8), y, mw, 34), tr(key), ui,
                                      container=card, tool_tip_text=tr(key + "_tip"),
                                      object_id="#toggle_on" if mode == self.mode else None),
                             lambda m=mode: self.set_mode(m))
        y += 44

        label("console.new_folder", y)
        self._entry(Rect(x0, y, width, 34), self.new_folder(), "new_folder", card)
        y += 50
        self.buttons.add(UIButton(Rect(rect.width - pad - 300, y, 300, 42),
                                  tr("console.create"), ui, container=card,
                                  object_id="#primary"), self.create)
        if self.error:
            ey = y + 50
            for line in wrap(self.error, rect.width - 2 * pad, label_width("#danger"), 3):
                if ey + 22 > rect.height - 4:
                    break
                UILabel(Rect(pad, ey, rect.width - 2 * pad, 22), line, ui, container=card,
                        object_id="#danger")
                ey += 22

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        surface.fill(ACCENT, Rect(0, 0, w, 4))
        pygame.draw.line(surface, RULE, (24, 90), (w - 24, 90))

    # -- input --------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.buttons.handle(event):
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element in self.entries:
            self.edited(self.entries[event.ui_element], event.ui_element.get_text())
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and \
                self.entries.get(event.ui_element) == "folder":
            self.look_again()
        elif event.type == pygame.KEYDOWN and plain_key(event) and \
                event.key == pygame.K_ESCAPE:
            self.app.pop()

    def edited(self, key: str, value: str) -> None:
        if key == "folder":
            self.folder_text = value
        elif key == "seed":
            self.seed_text = value
        elif key == "new_folder":
            self.new_folder_text = value
        elif key.startswith("name:"):
            i = int(key[5:])
            self.names[i] = "" if value.strip() == tr("console.team_default", n=i + 1) else value

    # -- actions ------------------------------------------------------------------------------
    def look_again(self) -> None:
        self.look()
        self.app.rebuild()

    def choose(self, scenario_id: str) -> None:
        self.scenario = scenario_id
        self.app.rebuild()

    def set_count(self, count: int) -> None:
        self.count = max(1, min(MAX_TEAMS, count))
        self.app.rebuild()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.app.rebuild()

    def random_seed(self) -> None:
        self.seed_text = str(random.SystemRandom().randrange(1, 10**6))
        self.app.rebuild()

    def open(self, folder: Path) -> None:
        self.error = None
        self.scanned = None  # read the list again when the console is left
        self.app.push("console", Path(folder))

    def create(self):
        """Create the session and open the console on it; the reason if that fails."""

        from kam_sandbox.workshop import Session

        if not self.seed_text.strip().isdigit():
            return self.fail(tr("console.seed_needed"))
        names = self.team_names()
        if len({n.casefold() for n in names}) != len(names):
            return self.fail(tr("console.names_needed"))
        folder = Path(self.new_folder().strip()).expanduser()
        try:
            session = Session.create(folder, self.scenario, names, seed=int(self.seed_text),
                                     mode=self.mode)
        except (KamError, OSError, ValueError) as exc:
            return self.fail(tr("console.create_failed", error=str(exc)))
        self.error = None
        self.scanned = None
        self.new_folder_text = None
        self.stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.seed_text = str(random.SystemRandom().randrange(1, 10**6))  # the next one
        self.app.push("console", folder, session=session)
        return None

    def fail(self, message: str) -> None:
        self.error = message
        self.app.rebuild()
