"""The facilitator console: one screen to run a workshop from, readable on a projector.

It holds the workshop's writable ``workshop.Session`` (the folder's lock: one writer) inside
a ``workshop.host.Host`` and does everything through the Host's facilitator operations with
the facilitator's token, as the command line and the HTTP API do: ``host.status()`` to
read, ``host.act(token, "advance" | "pause" | "set_timer" | "inject" | ...)`` to act.
Leaving the scene releases the session (and stops serving the LAN, if it did).

Layout (from the window size): a top bar with the round and its state, the countdown and
the join code / LAN address; on the left the round's controls (pause, close and open the
next round, timer presets, events, teams) over a row per team (progress, online, plans,
score and band, rounds a built-in strategy played); on the right the leaderboard on the
absolute 0-100 scale and every team's score or a KPI by round. F5 (or the button) shows
the projector view: only what the whole room may see (``host.board()``). Once the last
round is closed the left side becomes the room debrief: every team's key decisions and
their consequences side by side, and the exports.

Hot-seat play: "Play" on a team's row pushes that team's planning screen on top of the
console with a ``TeamSession`` over ``host.local_team``; its ``return_to`` names this
scene, so leaving the team's screens (submitting, or Esc) comes back here and the next
team cannot see the last one's plan. The console itself never shows a plan before the
debrief.

State is read after every action and whenever ``host.changes`` moves (a LAN team
submitted, the command line acted through the server); while a timer runs the clock is
redrawn once a second, otherwise the scene sleeps.
"""

from __future__ import annotations

import importlib.util
import math
import time
from pathlib import Path

import pygame
import pygame_gui
from pygame import Rect
from pygame_gui.elements import UIButton, UITextEntryLine

from kam_sandbox.base import i18n
from kam_sandbox.base.i18n import pick, strategy_name, tr
from kam_sandbox.engine import KamError
from kam_sandbox.workshop import DEFAULT_FILL_POLICY, LockedError
from kam_sandbox.workshop import Session as Workshop
from kam_sandbox.workshop.host import Host

from .. import console_view as view
from ..app import App, Scene
from ..console_access import AccessDialog
from ..console_debrief import LINE_H, RoomDebrief
from ..console_dialogs import Dialogs
from ..console_projector import draw_projector
from ..draw import card, centred_text, drawn_width, fit, label_width, right_text, text, wrap
from ..palette import ACCENT, INK, LINE, MUTED, WARN, WHITE
from ..qr import draw_qr, join_url
from ..team_session import TeamSession
from ..widgets import Buttons, plain_key

TOP = 124
QR_TOP = 44  # below the buttons of the top bar's right end
BOTTOM = 30
M = 12
PRESETS = (5, 10, 15)  # timer presets, minutes
EXTENSIONS = (2, 5)  # "+2 min", "+5 min"
REFRESH_SECONDS = 1.0  # at most this often when other clients write (LAN drafts)
ONLINE_POLL_SECONDS = 3.0
EXPORT_CSV, EXPORT_HTML = "results.csv", "debrief.html"


def server_available() -> bool:
    """Whether this install can serve the workshop to the LAN (workshop.server)."""

    try:
        return importlib.util.find_spec("kam_sandbox.workshop.server") is not None
    except (ImportError, ValueError):
        return False


class ConsoleScene(Dialogs, AccessDialog, RoomDebrief, Scene):
    """The facilitator's dashboard on the session in ``folder`` (see the module docstring).
    ``session``: one already opened for writing (the setup screen just created it)."""

    name = "console"

    def __init__(self, app: App, folder: Path, session: Workshop | None = None):
        super().__init__(app)
        self.folder = Path(folder)
        self.session = session
        self.host: Host | None = None
        self.token: str | None = None
        self.error: str | None = None  # why the session could not be opened
        self.status: dict | None = None  # host.status(), the facilitator's view
        self.board: dict | None = None  # host.board(), the room's view (projector)
        self.taken = 0.0  # the session clock when they were read
        self.seen_changes = -1
        self.last_refresh = 0.0
        self.replays: dict[str, list[dict]] = {}
        self.replay_key: tuple | None = None
        self.projector = False
        self.modal: str | None = None  # "advance", "inject", "teams" or "access"
        self.modal_error: str | None = None
        self.fill_policy = DEFAULT_FILL_POLICY
        self.inject_event: str | None = None
        self.inject_team: str | None = None  # None: every team
        self.metric = "score"
        self.custom_minutes = ""
        self.name_edits: dict[str, str] = {}
        self.new_team = ""
        self.message: tuple[str, bool] | None = None  # (text, is_error)
        self.exported: tuple[Path, Path] | None = None
        self.server = None  # workshop.server.ServerThread while serving the LAN
        self.address: str | None = None
        self.hotseat: str | None = None  # the team whose screen is open on top
        self.hotseat_session = None  # its TeamSession, to tell whether its draft was kept
        self.decision_first = 0  # first team column shown in the debrief
        self.decision_scroll = 0
        self.shown_second: int | None = None
        self.next_online_poll = 0.0
        self.buttons = Buttons()
        self.entries: dict[object, str] = {}  # text entry -> what it edits

    # -- lifecycle ----------------------------------------------------------------------------
    def enter(self) -> None:
        if self.session is None:
            try:
                self.session = Workshop.open(self.folder)
            except LockedError:
                self.error = tr("console.locked", folder=str(self.folder))
                return
            except (KamError, OSError, ValueError) as exc:
                self.error = tr("console.open_failed", folder=str(self.folder), error=str(exc))
                return
        self.host = Host(self.session)
        self.token = self.session.meta["facilitator_token"]
        self.refresh()

    def leave(self) -> None:
        self.stop_serving()
        if self.session is not None:
            self.session.close()  # the folder's lock: the command line may write again

    @property
    def live(self) -> dict | None:
        """What the current view draws from: the public board in the projector view."""

        return self.board if self.projector else self.status

    @property
    def finished(self) -> bool:
        return bool(self.status and self.status["finished"])

    @property
    def teams(self) -> list[dict]:
        return self.status["teams"] if self.status else []

    def refresh(self) -> None:
        """Read how the workshop stands (after every action and when ``host.changes``
        moves): the status, the board for the projector, and the teams' replayed rounds when
        a chart or the debrief needs them and a round closed since."""

        host = self.host
        self.seen_changes = host.changes
        self.last_refresh = time.monotonic()
        self.status = host.status(self.token)
        # The room's board carries no secrets; the projector shows the join code, which
        # only the facilitator's status holds.
        self.board = ({**host.board(), "join_code": self.status["join_code"]}
                      if self.projector else None)
        self.taken = self.session.clock()
        if self.metric != "score" or self.status["finished"]:
            key = (self.status["closed_rounds"], tuple(t["id"] for t in self.teams))
            if key != self.replay_key:
                self.replays = host.rounds(self.token)
                self.replay_key = key

    def update(self, dt: float) -> None:
        if self.host is None:
            return
        now = time.monotonic()
        if self.host.changes != self.seen_changes and (
                self.hotseat is not None or now - self.last_refresh >= REFRESH_SECONDS):
            self.refresh()
            if self.hotseat is not None:
                self._after_hotseat()
            self.app.rebuild()
            return
        if now >= self.next_online_poll:
            self.next_online_poll = now + ONLINE_POLL_SECONDS
            self._poll_online()
        left = self.timer_left()
        second = None if left is None else math.ceil(left)
        if second != self.shown_second:
            self.shown_second = second
            # One frame, not the app's after-input animation: a running clock must not
            # keep the loop busy between seconds.
            self.app.dirty = True

    def _poll_online(self) -> None:
        online = self.host.online()
        changed = False
        for data in (self.status, self.board):
            for row in (data or {}).get("teams", []):
                now_online = online.get(row["id"], False)
                if row.get("online") != now_online:
                    row["online"] = now_online
                    changed = True
        if changed:
            self.app.dirty = True

    def timer_left(self) -> float | None:
        data = self.live
        if data is None or data["finished"]:
            return None
        return view.timer_left(data["timer"], self.taken, self.session.clock())

    # -- layout -------------------------------------------------------------------------------
    def layout(self) -> dict[str, Rect]:
        w, h = self.app.screen.get_size()
        body_y = TOP + 8
        left_w = round((w - 3 * M) * 0.58)
        left = Rect(M, body_y, left_w, h - body_y - BOTTOM - 4)
        right = Rect(left.right + M, body_y, w - left.right - 2 * M, left.height)
        controls = Rect(left.x, left.y, left.width, 36 * 2 + 8)
        tools = Rect(left.x, left.bottom - 36, left.width, 36)
        table = Rect(left.x, controls.bottom + 10, left.width, tools.y - controls.bottom - 18)
        # The leaderboard grows with the teams (a readable row each), the chart takes the rest.
        n = len(self.teams)
        board_h = round(max(right.height * 0.47, min(right.height * 0.62, 70 + 24 * n)))
        return {
            "top": Rect(0, 0, w, TOP),
            "left": left, "right": right, "controls": controls, "table": table,
            "tools": tools,
            "board": Rect(right.x, right.y, right.width, board_h),
            "chart": Rect(right.x, right.y + board_h + 10, right.width,
                          right.height - board_h - 10),
            "decisions": Rect(left.x, left.y, left.width, tools.y - left.y - 8),
            "bottom": Rect(M, h - BOTTOM, w - 2 * M, BOTTOM - 4),
            "clock": Rect(round(w * 0.34), 2, round(w * 0.30), TOP - 4),
        }

    def row_rects(self, table: Rect) -> list[Rect]:
        n = max(1, len(self.teams))
        row_h = max(26, min(44, (table.height - 24) // n))
        return [Rect(table.x, table.y + 24 + i * row_h, table.width, row_h)
                for i in range(len(self.teams))]

    # -- widgets ------------------------------------------------------------------------------
    def button(self, rect: Rect, label: str, action, object_id: str | None = None,
               tip: str | None = None, enabled: bool = True, container=None) -> UIButton:
        b = UIButton(rect, fit(label, rect.width - 12, label_width(object_id)), self.ui,
                     object_id=object_id, tool_tip_text=tip, container=container)
        if not enabled:
            b.disable()
        return self.buttons.add(b, action)

    def entry(self, rect: Rect, value: str, key: str, digits: bool = False,
              placeholder: str | None = None) -> UITextEntryLine:
        e = UITextEntryLine(rect, self.ui, initial_text=value, placeholder_text=placeholder)
        if digits:
            e.set_allowed_characters("numbers")
        self.entries[e] = key
        return e

    def build(self) -> None:
        self.buttons = Buttons()
        self.entries = {}
        w, h = self.app.screen.get_size()
        if self.error is not None:
            self.button(Rect(24, 16, 120, 38), tr("console.back"), self.exit)
            return
        if self.projector:
            self.button(Rect(w - 12 - 230, h - 12 - 30, 230, 30), tr("console.projector_exit"),
                        self.toggle_projector)
            return
        if self.modal is not None:
            getattr(self, f"_build_{self.modal}")()
            return
        lay = self.layout()
        self._build_top(lay["top"])
        if self.finished:
            self._build_debrief(lay)
        else:
            self._build_controls(lay["controls"])
            self._build_rows(lay["table"])
            self._build_tools(lay["tools"])
        self._build_chart(lay["chart"])

    def _build_top(self, top: Rect) -> None:
        x = top.right - 16
        for width, label, action, tip, enabled in (
                (84, tr("console.exit"), self.exit, tr("console.exit_tip"), True),
                (150, tr("console.projector"), self.toggle_projector,
                 tr("console.projector_tip"), True),
                (170, tr("console.serve_stop") if self.server else tr("console.serve"),
                 self.toggle_serving,
                 tr("console.serve_tip") if server_available()
                 else tr("console.serve_unavailable"), server_available())):
            x -= width
            self.button(Rect(x, 8, width, 32), label, action, tip=tip, enabled=enabled)
            x -= 8

    def _build_controls(self, rect: Rect) -> None:
        st = self.status
        state = st["state"]
        x, y = rect.x, rect.y
        paused = state == "paused"
        self.button(Rect(x, y, 140, 36), tr("console.resume" if paused else "console.pause"),
                    self.toggle_pause, tip=tr("console.pause_tip"),
                    enabled=state in ("open", "paused"))
        x += 148
        last = st["round"] >= st["rounds"]
        label = tr("console.open_next", round=st["round"] + 1) if state == "closed" else \
            tr("console.advance_last" if last else "console.advance")
        self.button(Rect(x, y, 250, 36), label, self.ask_advance, "#primary",
                    tr("console.advance_tip"))
        x = rect.right
        for width, key, action, tip_key, enabled in (
                (150, "console.inject", self.open_inject, "console.inject_tip",
                 state in ("open", "paused") and bool(self.library())),
                (140, "console.teams_edit", self.open_teams, "console.teams_edit_tip",
                 st["closed_rounds"] == 0)):
            x -= width
            self.button(Rect(x, y, width, 36), tr(key), action, tip=tr(tip_key),
                        enabled=enabled)
            x -= 8
        # The timer row: presets, a custom number of minutes, extensions, none.
        y += 44
        x = rect.x + 64
        can_time = state in ("open", "paused")
        for minutes in PRESETS:
            self.button(Rect(x, y, 72, 36), tr("console.minutes", n=minutes),
                        lambda m=minutes: self.set_timer(m * 60), enabled=can_time)
            x += 78
        self.entry(Rect(x, y + 2, 52, 32), self.custom_minutes, "minutes", digits=True,
                   placeholder=tr("console.custom_min"))
        x += 56
        self.button(Rect(x, y, 62, 36), tr("console.set"), self.set_custom_timer,
                    enabled=can_time)
        x += 74
        running = st["timer"]["remaining"] is not None
        for minutes in EXTENSIONS:
            self.button(Rect(x, y, 72, 36), tr("console.extend", n=minutes),
                        lambda m=minutes: self.extend_timer(m * 60), enabled=can_time)
            x += 78
        self.button(Rect(x, y, min(110, rect.right - x), 36), tr("console.clear_timer"),
                    self.clear_timer, enabled=can_time and running)

    def _build_rows(self, table: Rect) -> None:
        state = self.status["state"]
        for team, row in zip(self.teams, self.row_rects(table)):
            self.button(Rect(row.right - 84, row.y + 3, 80, row.height - 6),
                        tr("console.play"), lambda tid=team["id"]: self.play(tid),
                        tip=tr("console.play_tip", team=team["name"]),
                        enabled=state in ("open", "paused"))

    def _build_tools(self, rect: Rect) -> None:
        self.button(Rect(rect.x, rect.y, 190, 36), tr("console.export"), self.export,
                    tip=tr("console.export_tip"))
        self.button(Rect(rect.x + 198, rect.y, 200, 36), self.access_label(),
                    self.open_access, "#primary" if self.waiting() else None,
                    tr("console.access.tip"))

    def _build_chart(self, rect: Rect) -> None:
        metrics = view.CHART_METRICS
        gap = 6
        bw = (rect.width - 16 - gap * (len(metrics) - 1)) // len(metrics)
        for k, metric in enumerate(metrics):
            self.button(Rect(rect.x + 8 + k * (bw + gap), rect.y + 8, bw, 30),
                        view.metric_label(metric), lambda m=metric: self.select_metric(m),
                        "#toggle_on" if metric == self.metric else None)

    # -- input --------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.buttons.handle(event):
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element in self.entries:
            self.edited(self.entries[event.ui_element], event.ui_element.get_text())
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and \
                self.entries.get(event.ui_element) == "minutes":
            self.set_custom_timer()
        elif event.type == pygame.MOUSEWHEEL and self.finished and not self.projector:
            self.decision_scroll = max(0, min(self.decision_scroll - event.y * 3 * LINE_H,
                                              self.max_decision_scroll()))
            self.app.redraw()
        elif event.type == pygame.KEYDOWN and plain_key(event):
            if event.key == pygame.K_F5 and self.error is None:
                self.toggle_projector()
            elif event.key == pygame.K_ESCAPE:
                if self.error is not None:
                    self.exit()
                elif self.modal is not None:
                    self.close_modal()
                elif self.projector:
                    self.toggle_projector()

    def edited(self, key: str, value: str) -> None:
        if key == "minutes":
            self.custom_minutes = value
        elif key == "new_team":
            self.new_team = value
        elif key.startswith("name:"):
            self.name_edits[key[5:]] = value

    # -- actions (each one Host operation) ------------------------------------------------------
    def act(self, action: str, **args) -> tuple[bool, object]:
        """``host.act`` with the facilitator's token; a refusal is shown, never raised."""

        try:
            result = self.host.act(self.token, action, **args)
        except (KamError, ValueError) as exc:
            self.say(str(exc), error=True)
            if self.modal is not None:
                self.modal_error = str(exc)
            self.refresh()
            self.app.rebuild()
            return False, None
        self.refresh()
        return True, result

    def say(self, message: str, error: bool = False) -> None:
        self.message = (message, error)

    def toggle_pause(self) -> None:
        if self.status["state"] == "paused":
            if self.act("resume")[0]:
                self.say(tr("console.msg.resumed", round=self.status["round"]))
        elif self.act("pause")[0]:
            self.say(tr("console.msg.paused", round=self.status["round"]))
        self.app.rebuild()

    def absent(self) -> list[dict]:
        """The teams a built-in strategy will play if the round closes now."""

        if self.status["state"] not in ("open", "paused"):
            return []
        return [t for t in self.teams if not t["submitted"]]

    def ask_advance(self) -> None:
        """Close the round and open the next; first ask when teams would be filled in."""

        if self.absent():
            self.modal, self.modal_error = "advance", None
            self.app.rebuild()
        else:
            self.advance()

    def advance(self) -> None:
        closing = self.status["round"]
        filled = [t["name"] for t in self.absent()]
        was_closed = self.status["state"] == "closed"
        ok, nxt = self.act("advance", fill_policy=self.fill_policy)
        if not ok:
            return
        self.modal = None
        if nxt is None:
            self.say(tr("console.msg.finished"))
        elif was_closed:
            self.say(tr("console.msg.opened", round=nxt))
        elif filled:
            self.say(tr("console.msg.advanced_filled", round=closing, next=nxt,
                        teams=self.names(filled), policy=strategy_name(self.fill_policy)))
        else:
            self.say(tr("console.msg.advanced", round=closing, next=nxt))
        self.app.rebuild()

    def names(self, names: list[str]) -> str:
        return ("、" if i18n.language() == "zh" else ", ").join(names)

    def set_timer(self, seconds: float | None) -> None:
        if self.act("set_timer", seconds=seconds)[0]:
            if seconds is None:
                self.say(tr("console.msg.timer_cleared"))
            else:
                self.say(tr("console.msg.timer_set", time=view.clock_text(seconds)))
        self.app.rebuild()

    def set_custom_timer(self) -> None:
        text_value = self.custom_minutes.strip()
        if not text_value.isdigit() or int(text_value) <= 0:
            self.say(tr("console.msg.minutes_needed"), error=True)
            self.app.rebuild()
            return
        self.set_timer(int(text_value) * 60)

    def clear_timer(self) -> None:
        self.set_timer(None)

    def extend_timer(self, seconds: float) -> None:
        if self.act("extend_timer", seconds=seconds)[0]:
            self.say(tr("console.msg.extended", n=round(seconds / 60)))
        self.app.rebuild()

    def select_metric(self, metric: str) -> None:
        self.metric = metric
        self.refresh()
        self.app.rebuild()

    def toggle_projector(self) -> None:
        self.projector = not self.projector
        self.refresh()
        self.app.rebuild()

    def export(self) -> None:
        """The CSV and HTML exports, written into the session folder."""

        try:
            paths = (self.session.export_csv(self.folder / EXPORT_CSV),
                     self.session.export_html(self.folder / EXPORT_HTML))
        except (KamError, OSError) as exc:
            self.say(tr("console.msg.export_failed", error=str(exc)), error=True)
        else:
            self.exported = paths
            self.say(tr("console.msg.exported", csv=str(paths[0]), html=str(paths[1])))
        self.app.rebuild()

    # -- the LAN ------------------------------------------------------------------------------
    def toggle_serving(self) -> None:
        if self.server is not None:
            self.stop_serving()
            self.say(tr("console.msg.serve_stopped"))
        else:
            self.serve()
        self.app.rebuild()

    def serve(self) -> None:
        try:
            from kam_sandbox.workshop import server as lan  # optional: the console works without it
        except ImportError:
            self.say(tr("console.serve_unavailable"), error=True)
            return
        port = getattr(lan, "DEFAULT_PORT", 0)
        last: Exception | None = None
        for p in dict.fromkeys((port, 0)):  # the usual port, else any free one
            thread = lan.ServerThread(self.host, port=p, bind="0.0.0.0")
            try:
                thread.start()
            except (KamError, OSError) as exc:
                last = exc
                continue
            self.server = thread
            self.session.use_worker()  # a room's polls then never wait behind a round
            urls = getattr(thread, "urls", None) or [thread.url]
            self.address = urls[0].removeprefix("http://").rstrip("/")
            self.say(tr("console.msg.serving", address=self.address))
            return
        self.say(tr("console.serve_failed", error=str(last)), error=True)

    def stop_serving(self) -> None:
        if self.server is not None:
            try:
                self.server.stop()
            finally:
                self.server = None
                self.address = None

    # -- hot-seat play ------------------------------------------------------------------------
    def play(self, team_id: str) -> None:
        """Open team ``team_id``'s own screens on this machine, on top of the console: its
        last quarter's results first when a round has closed since it last played, then its
        planning screen. Leaving them comes back here (``TeamSession.return_to``)."""

        team = next(t for t in self.teams if t["id"] == team_id)
        try:
            session = TeamSession.connect(self.host.local_team(team_id), author=team["name"])
        except (KamError, ValueError) as exc:
            self.say(str(exc), error=True)
            self.app.rebuild()
            return
        session.return_to = self
        self.hotseat = team_id
        self.hotseat_session = session
        self.message = None
        results = session.game.results
        if results and team["progress"] == "absent":
            self.app.push("results", session, results[-1])
        else:
            self.app.push("planning", session)

    def resume(self) -> None:
        """Back on top after a hot-seat team's screens (see ``leave_team``): read the
        workshop again and say how the team left, whether or not anything was written."""

        if self.hotseat is not None and self.host is not None:
            self.refresh()
            self._after_hotseat()

    def _after_hotseat(self) -> None:
        """Back from a team's screens: say whether it submitted (never what)."""

        team = next((t for t in self.teams if t["id"] == self.hotseat), None)
        session, self.hotseat, self.hotseat_session = self.hotseat_session, None, None
        if team is None:
            return
        if team["submitted"]:
            self.say(tr("console.msg.hotseat_submitted", team=team["name"]))
        elif session is not None and session.save_error:  # never claim a draft that is lost
            self.say(tr("console.msg.hotseat_unsaved", team=team["name"],
                        error=session.save_error), error=True)
        else:
            self.say(tr("console.msg.hotseat_left", team=team["name"]))

    def exit(self) -> None:
        if len(self.app.stack) > 1:
            self.app.pop()
        else:
            self.app.reset_to("title")

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        if self.error is not None:
            self._draw_error(surface)
            return
        if self.projector:
            draw_projector(surface, self.board, self.timer_left(), self.address,
                           self.session.scenario.currency)
            return
        lay = self.layout()
        self._draw_top(surface, lay)
        if self.finished:
            self._draw_decisions(surface, lay["decisions"])
        else:
            self._draw_controls(surface, lay["controls"])
            self._draw_table(surface, lay["table"])
        self._draw_board(surface, lay["board"])
        self._draw_chart(surface, lay["chart"])
        self._draw_bottom(surface, lay["bottom"])
        if self.modal is not None:
            dim = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
            dim.fill((31, 41, 51, 150))
            surface.blit(dim, (0, 0))
            getattr(self, f"_draw_{self.modal}")(surface)

    def _draw_error(self, surface) -> None:
        w, h = surface.get_size()
        box = Rect(w // 2 - 380, h // 2 - 120, 760, 240)
        card(surface, box)
        text(surface, (box.x + 28, box.y + 24), tr("console.error_title"), 22, WARN, True,
             max_width=box.width - 56)
        y = box.y + 70
        for line in wrap(self.error, box.width - 56, drawn_width(15))[:6]:
            text(surface, (box.x + 28, y), line, 15, INK)
            y += 24

    def _draw_top(self, surface, lay) -> None:
        st, top = self.status, lay["top"]
        pygame.draw.rect(surface, WHITE, top)
        pygame.draw.line(surface, LINE, top.bottomleft, top.bottomright)
        surface.fill(ACCENT, Rect(0, 0, top.width, 4))
        clock = lay["clock"]
        left_w = clock.x - 24
        text(surface, (16, 10), pick(st["title"]), 14, MUTED, max_width=left_w)
        r = text(surface, (16, 30), view.round_text(st), 32, INK, True, max_width=left_w - 120)
        view.state_badge(surface, (r.right + 12, 42), st["state"], 14)
        submitted = sum(1 for t in st["teams"] if t["submitted"])
        summary = tr("console.submitted_count", n=submitted, total=len(st["teams"]))
        if st["state"] in ("closed", "finished"):
            summary = tr("console.closed_count", n=st["closed_rounds"], total=st["rounds"])
        text(surface, (16, 86), summary + " · " + tr("console.seed", seed=st["seed"]), 14,
             MUTED, max_width=left_w)
        if st["finished"]:
            centred_text(surface, clock.centerx, clock.y + 30, tr("console.debrief_title"),
                              30, INK, True, max_width=clock.width)
        else:
            view.draw_clock(surface, clock, st["timer"], self.timer_left(), st["state"], 64, 14)
        right = top.right - 16
        code = st["join_code"]
        c = right_text(surface, right, 42, code, 36, INK, True)
        right_text(surface, c.x - 10, 56, tr("console.join_code"), 14, MUTED)
        if self.address:
            a = right_text(surface, right, 94, self.address, 18, ACCENT, True)
            label = right_text(surface, a.x - 10, 96, tr("console.lan"), 14, MUTED)
            # The address as a QR code beside it (under the top-right buttons), for the
            # teams' phones and browsers.
            room = min(c.x, label.x) - 12 - lay["clock"].right
            side = min(TOP - QR_TOP - 4, room)
            draw_qr(surface, Rect(min(c.x, label.x) - 12 - side, QR_TOP, side, side),
                    join_url(self.address))
        else:
            right_text(surface, right, 96, tr("console.not_serving"), 14, MUTED)

    def _draw_controls(self, surface, rect) -> None:
        text(surface, (rect.x, rect.y + 44 + 8), tr("console.timer_label"), 14, MUTED, True,
             max_width=60)

    def _draw_table(self, surface, table) -> None:
        card(surface, table.inflate(0, 6))
        header = Rect(table.x + 8, table.y + 4, table.width - 100, 18)
        view.draw_team_header(surface, header)
        for k, (team, row) in enumerate(zip(self.teams, self.row_rects(table))):
            view.draw_team_row(surface, Rect(row.x + 8, row.y, row.width - 100, row.height),
                               team, shade=k % 2 == 1)
        legend_y = table.bottom - 18
        if self.row_rects(table) and self.row_rects(table)[-1].bottom < legend_y - 4:
            x = table.x + 12
            for colour, key in ((view.ONLINE, "console.online"),
                                (view.OFFLINE, "console.offline")):
                pygame.draw.circle(surface, colour, (x + 5, legend_y + 8), 5)
                x = text(surface, (x + 14, legend_y), tr(key), 12, MUTED).right + 16
            text(surface, (x, legend_y), tr("console.filled_note"), 12, MUTED,
                 max_width=table.right - x - 12)

    def _draw_board(self, surface, rect) -> None:
        card(surface, rect)
        text(surface, (rect.x + 12, rect.y + 8), tr("console.leaderboard"), 15, INK, True,
             max_width=rect.width - 24)
        played = self.status["closed_rounds"] > 0
        view.draw_leaderboard(surface, Rect(rect.x + 12, rect.y + 36, rect.width - 24,
                                            rect.height - 44), self.teams, 14, played)

    def _draw_chart(self, surface, rect) -> None:
        card(surface, rect)
        area = Rect(rect.x + 10, rect.y + 46, rect.width - 20, rect.height - 54)
        if self.status["closed_rounds"] == 0:
            centred_text(surface, area.centerx, area.centery - 10, tr("console.no_rounds"),
                              14, MUTED, max_width=area.width)
            return
        view.draw_metric_chart(surface, area, self.teams, self.replays, self.metric,
                               self.status["rounds"], self.session.scenario.currency)

    def _draw_bottom(self, surface, rect) -> None:
        if self.message is not None:
            message, error = self.message
            text(surface, (rect.x, rect.y + 4), message, 14, WARN if error else INK,
                 max_width=rect.width)
        else:
            text(surface, (rect.x, rect.y + 4), tr("console.keys"), 13, MUTED,
                 max_width=rect.width)

    # -- the room debrief: key decisions side by side --------------------------------------------
    # -- the dialogs ------------------------------------------------------------------------------
