"""The join screen: a team joins a facilitator's workshop over the local network.

``kam-sandbox join HOST:PORT`` (and the title's "Join a workshop") land here:

1. the host's address (given, or the one used last) → Connect → the case and its teams
   (``WorkshopClient.info``);
2. the team picks itself, types the join code from the facilitator's screen and, if it
   likes, the member's name → Join (``WorkshopClient.join``) → the team's planning screen
   (or its wait screen when its plan is in, or its debrief when the workshop is over). A
   team that already plays on another device needs its team secret (shown on that
   device's screen) typed here too; without it this device waits, polling, until the
   facilitator approves it (or refuses it);
3. every join leaves the team's token in ``<data folder>/workshop-links.json`` (written
   atomically), so a client that crashed comes back with one click, "Rejoin <team> in
   <case>", without the code, and finds its draft and its results where they were.

Every failure (host unreachable, wrong code, a finished workshop, a damaged file of
remembered links) is a message on this screen in the player's language, never a crash.
Network calls run one frame after the click, so the screen first says what it is doing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pygame
import pygame_gui
from pygame import Rect
from pygame_gui.elements import UIButton, UILabel, UITextEntryLine

from kam_sandbox.base.i18n import pick, tr
from kam_sandbox.base.storage import remove_stale_temp_files, write_atomically
from kam_sandbox.engine.errors import SaveError

from ..app import Scene
from ..draw import fit, label_width, wrap
from ..palette import ACCENT, LINE, WHITE, hex_colour
from ..team_bar import explain, is_offline
from ..team_session import TeamSession

LINKS_FILE = "workshop-links.json"
LINKS_FORMAT = 1
MAX_LINKS = 30
CODE_DIGITS = 6
FOLLOW_SECONDS = 2.0  # a device waiting for approval asks again this often
CARD_W = 780
PAD = 28


def address_key(address: str) -> str:
    """An address as the links file compares it (``http://`` and a trailing / aside)."""

    key = address.strip().rstrip("/")
    for scheme in ("http://", "https://"):
        if key.lower().startswith(scheme):
            key = key[len(scheme):]
    return key.lower()


class LinkStore:
    """The workshops this computer joined: each team's token by host address and session,
    and the address, team and name used last. A missing file is empty; a damaged one is
    ignored (``error`` says why) and replaced at the next save."""

    def __init__(self, folder: Path | str | None):
        self.path = Path(folder) / LINKS_FILE if folder is not None else None
        self.links: list[dict] = []
        self.last: dict = {}
        self.error: str | None = None
        self.load()

    def load(self) -> None:
        if self.path is None:
            return
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.error = exc.strerror or str(exc)
            return
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            self.error = str(exc)
            return
        if not isinstance(data, dict) or not isinstance(data.get("links", []), list):
            self.error = "not a file of workshop links"
            return
        fields = ("address", "session", "team", "token")
        self.links = [dict(x) for x in data.get("links", []) if isinstance(x, dict)
                      and all(isinstance(x.get(k), str) and x.get(k) for k in fields)]
        last = data.get("last")
        if isinstance(last, dict):
            self.last = {k: v for k, v in last.items() if isinstance(v, str)}

    def for_address(self, address: str, session: str | None = None) -> list[dict]:
        key = address_key(address)
        return [x for x in self.links if address_key(x["address"]) == key
                and (session is None or x["session"] == session)]

    def remember(self, address: str, session: str, team: str, token: str | None,
                 team_name: str = "", case: dict | None = None, author: str = "") -> None:
        """Keep a team's link (the newest first) and what was used last."""

        self.last = {"address": address, "session": session, "team": team, "author": author}
        if not token:
            return
        key = address_key(address)
        self.links = [x for x in self.links
                      if not (address_key(x["address"]) == key and x["session"] == session
                              and x["team"] == team)]
        self.links.insert(0, {"address": address, "session": session, "team": team,
                              "token": token, "team_name": team_name, "case": case or {},
                              "time": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        del self.links[MAX_LINKS:]

    def remember_address(self, address: str) -> None:
        self.last = {**self.last, "address": address}

    def forget(self, entry: dict) -> None:
        self.links = [x for x in self.links if x is not entry and x != entry]

    def save(self) -> str | None:
        """Write the file atomically (temp file, fsync, os.replace); the error text, or None."""

        if self.path is None:
            return None
        payload = json.dumps({"format": LINKS_FORMAT, "last": self.last, "links": self.links},
                             ensure_ascii=False, indent=1).encode("utf-8")
        remove_stale_temp_files(self.path)
        try:
            write_atomically(self.path, payload)
        except SaveError as exc:
            return str(exc)
        self.error = None
        return None


class RemoteClient:
    """The HTTP client (``workshop.client``) as this screen uses it: ``info``, ``join`` and
    ``link`` (a team link from a remembered token)."""

    def __init__(self, address: str):
        from kam_sandbox.workshop.client import WorkshopClient  # the network stack loads only now

        self.address = address
        self.client = WorkshopClient(address)

    def info(self) -> dict:
        return self.client.info()

    def join(self, team: str, code: str, secret: str | None = None, device: str = ""):
        return self.client.join(team, code, secret, device)

    def follow(self, request: str, key: str):
        return self.client.follow(request, key)

    def link(self, token: str):
        from kam_sandbox.workshop.client import RemoteTeamLink

        return RemoteTeamLink(self.address, token)


class JoinScene(Scene):
    """Address → Connect → team, code, name → Join (see the module docstring).

    ``client`` makes the client for an address (default: ``RemoteClient``; tests pass one
    over an in-process ``workshop.host.Host``)."""

    name = "join"

    def __init__(self, app, address: str | None, client: Callable[[str], object] | None = None):
        super().__init__(app)
        self.client_factory = client or RemoteClient
        self.address_text = (address or "").strip()
        self.code_text = ""
        self.author_text = ""
        self.secret_text = ""
        self.waiting = None  # workshop.session.ApprovalPending: waiting for the facilitator
        self.follow_in = 0.0  # seconds until the waiting device asks again
        self.client = None
        self.address: str | None = None  # the address connected to
        self.info: dict | None = None
        self.team: str | None = None  # the team id picked
        self.offers: list[dict] = []  # remembered links that answered: one-click rejoin
        self.message: tuple[str, dict] | None = None  # what went wrong last
        self.notice: tuple[str, dict] | None = None  # about the links file
        self.pending: tuple | None = None  # (action, args) to run on the next frame
        self._wait = 0
        self.store = LinkStore(None)
        self.buttons: dict[object, Callable[[], None]] = {}
        self.chips: list[tuple[Rect, pygame.Color]] = []
        self.rules: list[Rect] = []
        self.card = Rect(0, 0, 0, 0)
        self.address_entry: UITextEntryLine | None = None
        self.code_entry: UITextEntryLine | None = None
        self.name_entry: UITextEntryLine | None = None
        self.secret_entry: UITextEntryLine | None = None
        self.connect_button: UIButton | None = None
        self.join_button: UIButton | None = None
        self.team_buttons: dict[str, UIButton] = {}
        self.rejoin_buttons: list[UIButton] = []

    # -- lifecycle ----------------------------------------------------------------------------
    def enter(self) -> None:
        self.store = LinkStore(getattr(self.app, "data_folder", None))
        if self.store.error:
            self.notice = ("join.links_corrupt", {"error": self.store.error})
        last = self.store.last
        if not self.address_text:
            self.address_text = last.get("address", "")
        self.author_text = last.get("author", "")
        if self.address_text:  # given or used last: look at once, a rejoin is one click
            self._later("connect")

    def resume(self) -> None:
        """Back on top after the team left its screens: look at the workshop again (the
        round has moved on since), so the rejoin and the teams are current."""

        if self.address and self.pending is None:
            self._later("connect")

    def update(self, dt: float) -> None:
        if self.waiting is not None and self.pending is None:
            self.follow_in -= dt
            if self.follow_in <= 0:
                self.pending, self._wait = ("follow", ()), 0  # quietly: no busy text
        if self.pending is None:
            return
        if self._wait > 0:  # let the screen show what is happening first
            self._wait -= 1
            return
        action, args = self.pending
        self.pending = None
        getattr(self, f"_do_{action}")(*args)

    def _later(self, action: str, *args) -> None:
        self.pending = (action, args)
        self._wait = 1
        self.message = None

    # -- widgets --------------------------------------------------------------------------------
    def build(self) -> None:
        ui = self.ui
        w, h = self.app.screen.get_size()
        self.buttons = {}
        self.chips, self.rules = [], []
        self.team_buttons = {}
        self.rejoin_buttons = []

        def label(rect, value, object_id=None):
            return UILabel(rect, fit(value, rect.width - 4, label_width(object_id)), ui,
                           object_id=object_id)

        def button(rect, value, action, object_id=None, tip=None):
            b = UIButton(rect, fit(value, rect.width - 16, label_width(object_id)), ui,
                         object_id=object_id, tool_tip_text=tip)
            self.buttons[b] = action
            return b

        top = max(24, int(h * 0.05))
        title = tr("join.title")
        tw = label_width("#title")(title) + 12
        UILabel(Rect((w - tw) // 2, top, tw, 52), title, ui, object_id="#title")
        sub = fit(tr("join.subtitle"), w - 160, label_width("#muted"))
        sw = label_width("#muted")(sub) + 12
        UILabel(Rect((w - sw) // 2, top + 54, sw, 22), sub, ui, object_id="#muted")

        x0 = (w - CARD_W) // 2
        x, right = x0 + PAD, x0 + CARD_W - PAD
        y0 = top + 94
        y = y0 + PAD - 6
        label_w = max(label_width()(tr("join.address")) + 12, 110)
        label(Rect(x, y, label_w, 36), tr("join.address"))
        connect_w = 150
        self.address_entry = UITextEntryLine(
            Rect(x + label_w, y, right - x - label_w - connect_w - 10, 36), ui,
            initial_text=self.address_text, placeholder_text="192.168.1.20:8765")
        self.address_entry.set_text_length_limit(200)
        self.connect_button = button(Rect(right - connect_w, y, connect_w, 36),
                                     tr("join.connect"), self.connect,
                                     None if self.info else "#primary")
        y += 40
        label(Rect(x + label_w, y, right - x - label_w, 18), tr("join.address_hint"), "#small")
        y += 28
        if self.info is not None:
            y = self._build_workshop(x, right, y, label, button)
        busy = self._busy_text()
        if busy:
            label(Rect(x, y, right - x, 22), busy, "#muted")
            y += 26
        for key, oid in ((self.message, "#danger"), (self.notice, "#muted")):
            if key is None:
                continue
            for line in wrap(tr(key[0], **key[1]), right - x, label_width(oid), 3):
                UILabel(Rect(x, y, right - x, 21), line, ui, object_id=oid)
                y += 21
            y += 4
        self.card = Rect(x0, y0, CARD_W, max(y - y0 + PAD - 10, 80))
        button(Rect(24, h - 56, 140, 38), tr("join.back"), self.back, tip=tr("join.back_tip"))
        if self.pending is not None:
            for b in (self.connect_button, self.join_button, *self.rejoin_buttons):
                if b is not None:
                    b.disable()
        focus = self.code_entry if self.info is not None else self.address_entry
        if focus is not None and self.pending is None:
            ui.set_focus_set(focus)

    def _build_workshop(self, x: int, right: int, y: int, label, button) -> int:
        """The connected workshop: its case, the one-click rejoins, the teams, code, name."""

        ui, info = self.ui, self.info
        self.rules.append(Rect(x, y, right - x, 1))
        y += 10
        case = pick(info.get("title") or {}) or str(info.get("scenario", ""))
        label(Rect(x, y, right - x, 28), tr("join.case", title=case), "#heading")
        y += 28
        state = info.get("state", "open")
        progress = (tr("team.round", i=info.get("round", 1), n=info.get("rounds", 1)) + " · "
                    + tr(f"join.state.{state}" if state in ("open", "paused", "closed",
                                                           "finished") else "join.state.open"))
        label(Rect(x, y, right - x, 20), progress, "#muted")
        y += 24
        if state == "finished":
            label(Rect(x, y, right - x, 20), tr("join.finished_note"), "#muted")
            y += 24
        names = {t["id"]: t["name"] for t in info.get("teams", [])}
        for entry in self.offers:
            team = names.get(entry["team"], entry.get("team_name") or entry["team"])
            self.rejoin_buttons.append(button(
                Rect(x, y, right - x, 40), tr("join.rejoin", team=team, case=case),
                lambda e=entry: self.rejoin(e), "#primary",
                tr("join.rejoin_tip", team=team)))
            y += 46
        teams = info.get("teams", [])
        if not teams:
            label(Rect(x, y, right - x, 22), tr("join.no_teams"), "#danger")
            return y + 28
        y += 4
        label(Rect(x, y, right - x, 22), tr("join.or"))
        y += 26
        columns = 4
        cell = (right - x) // columns
        for k, t in enumerate(teams):
            bx, by = x + (k % columns) * cell, y + (k // columns) * 44
            self.chips.append((Rect(bx, by + 4, 8, 30), hex_colour(t.get("colour"), ACCENT)))
            self.team_buttons[t["id"]] = button(
                Rect(bx + 12, by, cell - 20, 38), t["name"], lambda tid=t["id"]: self.pick(tid),
                "#toggle_on" if t["id"] == self.team else None,
                tr("join.team_tip", team=t["name"]))
        y += 44 * (-(-len(teams) // columns)) + 6
        code_w = label_width()(tr("join.code")) + 12
        label(Rect(x, y, code_w, 36), tr("join.code"))
        self.code_entry = UITextEntryLine(Rect(x + code_w, y, 110, 36), ui,
                                          initial_text=self.code_text,
                                          placeholder_text="000000")
        self.code_entry.set_allowed_characters("numbers")
        self.code_entry.set_text_length_limit(CODE_DIGITS)
        nx = x + code_w + 126
        name_w = label_width()(tr("join.name")) + 12
        label(Rect(nx, y, name_w, 36), tr("join.name"))
        join_w = 130
        entry_w = right - join_w - 12 - nx - name_w
        self.name_entry = UITextEntryLine(Rect(nx + name_w, y, entry_w, 36), ui,
                                          initial_text=self.author_text)
        self.name_entry.set_text_length_limit(40)
        self.join_button = button(Rect(right - join_w, y, join_w, 36), tr("join.join"),
                                  self.join, "#primary")
        y += 38
        label(Rect(x + code_w, y, 126 + name_w - 10, 18), tr("join.code_hint"), "#small")
        label(Rect(nx + name_w, y, entry_w, 18), tr("join.name_hint"), "#small")
        y += 26
        secret_w = label_width()(tr("join.secret")) + 12
        label(Rect(x, y, secret_w, 36), tr("join.secret"))
        self.secret_entry = UITextEntryLine(Rect(x + secret_w, y, 130, 36), ui,
                                            initial_text=self.secret_text,
                                            placeholder_text="ABCD-2345")
        self.secret_entry.set_text_length_limit(12)
        label(Rect(x + secret_w + 140, y + 8, right - x - secret_w - 140, 20),
              tr("join.secret_hint"), "#small")
        y += 42
        if self.waiting is not None:
            lines = wrap(tr("join.waiting"), right - x - 170, label_width("#muted"), 3)
            for k, line in enumerate(lines):
                label(Rect(x, y + 21 * k, right - x - 170, 21), line, "#muted")
            button(Rect(right - 160, y, 160, 36), tr("join.cancel"), self.stop_waiting)
            y += max(21 * len(lines), 36) + 6
        return y

    def _busy_text(self) -> str | None:
        if self.pending is None:
            return None
        action, args = self.pending
        if action == "follow":
            return None
        if action == "connect":
            return tr("join.connecting", address=self.address_text)
        team = self.team if action == "join" else args[0]["team"]
        names = {t["id"]: t["name"] for t in (self.info or {}).get("teams", [])}
        return tr("join.joining", team=names.get(team, team))

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        surface.fill(ACCENT, Rect(0, 0, w, 6))
        if self.card.width:
            pygame.draw.rect(surface, WHITE, self.card, border_radius=8)
            pygame.draw.rect(surface, LINE, self.card, 1, border_radius=8)
        for rect in self.rules:
            surface.fill(LINE, rect)
        for rect, colour in self.chips:
            pygame.draw.rect(surface, colour, rect, border_radius=3)

    # -- input ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            action = self.buttons.get(event.ui_element)
            if action is not None:
                action()
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            self._sync()
            return
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:  # Enter in a field
            self._sync()
            if event.ui_element is self.address_entry:
                self.connect()
            elif event.ui_element in (self.code_entry, self.name_entry, self.secret_entry):
                if not self.code_text and self.offers:  # Enter: the one-click rejoin
                    self.rejoin(self.offers[0])
                else:
                    self.join()
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()

    def toggle_language(self) -> str | None:
        self._sync()  # what was typed survives the screen's rebuild in the other language
        return super().toggle_language()

    def _sync(self) -> None:
        """What the fields hold now, so that a rebuild (a message, F2) keeps it."""

        if self.address_entry is not None and self.address_entry.alive():
            self.address_text = self.address_entry.get_text().strip()
        if self.code_entry is not None and self.code_entry.alive():
            self.code_text = self.code_entry.get_text().strip()
        if self.name_entry is not None and self.name_entry.alive():
            self.author_text = self.name_entry.get_text().strip()
        if self.secret_entry is not None and self.secret_entry.alive():
            self.secret_text = self.secret_entry.get_text().strip()

    # -- actions --------------------------------------------------------------------------------
    def connect(self) -> None:
        self._sync()
        if self.pending is not None:
            return
        if not self.address_text:
            self.message = ("join.error.empty", {})
            self.app.rebuild()
            return
        self._later("connect")
        self.app.rebuild()

    def pick(self, team: str) -> None:
        self._sync()
        self.team = team
        self.message = None
        self.app.rebuild()

    def join(self) -> None:
        self._sync()
        if self.pending is not None or self.info is None:
            return
        if self.team is None:
            self.message = ("join.error.no_team", {})
        elif not (len(self.code_text) == CODE_DIGITS and self.code_text.isdigit()):
            self.message = ("join.error.code", {})
        else:
            self._later("join")
        self.app.rebuild()

    def rejoin(self, entry: dict) -> None:
        self._sync()
        if self.pending is None:
            self._later("rejoin", entry)
            self.app.rebuild()

    def stop_waiting(self) -> None:
        self.waiting = None
        self.app.rebuild()

    def back(self) -> None:
        if len(self.app.stack) > 1:
            self.app.pop()
        else:
            self.app.reset_to("title")

    # -- the network (one frame after the click) ------------------------------------------------
    def _fail(self, exc: BaseException, wrong_code: bool = False) -> None:
        from kam_sandbox.workshop.session import AccessError, JoinDenied, WrongSecret

        if isinstance(exc, ImportError):
            self.message = ("join.error.unavailable", {"error": str(exc)})
        elif is_offline(exc):
            self.message = ("join.error.unreachable", {"address": self.address_text})
        elif getattr(exc, "retry_after", None) is not None:
            self.message = ("join.error.too_many", {"seconds": exc.retry_after})
        elif isinstance(exc, WrongSecret):
            self.message = ("join.error.wrong_secret", {})
        elif isinstance(exc, JoinDenied):
            names = {t["id"]: t["name"] for t in (self.info or {}).get("teams", [])}
            self.message = ("join.error.denied", {"team": names.get(self.team, self.team)})
        elif wrong_code and isinstance(exc, AccessError):
            self.message = ("join.error.wrong_code", {})
        else:
            key, values = explain(exc)
            if key == "team.error.other":
                key, values = "join.error.failed", values
            self.message = (key, values)

    def _do_connect(self) -> None:
        address = self.address_text
        try:
            client = self.client_factory(address)
            info = client.info()
        except Exception as exc:  # unreachable, not a workshop host, no client module…
            self.info = None
            self._fail(exc)
            self.app.rebuild()
            return
        self.client, self.address, self.info = client, address, info
        ids = [t["id"] for t in info.get("teams", [])]
        last = self.store.last
        if self.team not in ids:
            same = (address_key(last.get("address", "")) == address_key(address)
                    and last.get("session") == info.get("session"))
            self.team = last.get("team") if same and last.get("team") in ids else None
        self.offers = self._answering_links()
        self.store.remember_address(address)
        self._save_store()
        self.app.rebuild()

    def _answering_links(self) -> list[dict]:
        """The remembered links to this workshop whose token the host still accepts."""

        from kam_sandbox.workshop.session import AccessError

        offers, changed = [], False
        for entry in self.store.for_address(self.address, self.info.get("session")):
            try:
                self.client.link(entry["token"]).state()
            except AccessError:  # the host forgot the team (or it is another workshop)
                self.store.forget(entry)
                changed = True
            except Exception:  # a hiccup: not offered now, kept for later
                continue
            else:
                offers.append(entry)
        if changed:
            self._save_store()
        return offers

    def _do_join(self) -> None:
        from kam_sandbox.workshop.session import ApprovalPending

        self.waiting = None
        try:
            link = self.client.join(self.team, self.code_text, self.secret_text or None,
                                    self.author_text)
            session = TeamSession.connect(link, self.author_text)
        except ApprovalPending as pending:  # the team plays elsewhere: ask the facilitator
            self.waiting, self.follow_in = pending, FOLLOW_SECONDS
            self.app.rebuild()
            return
        except Exception as exc:
            self._fail(exc, wrong_code=True)
            self.app.rebuild()
            return
        self._opened(session, link)

    def _do_follow(self) -> None:
        """The waiting device asks whether the facilitator has decided."""

        from kam_sandbox.workshop.session import ApprovalPending

        waiting = self.waiting
        if waiting is None:
            return
        try:
            link = self.client.follow(waiting.request, waiting.key)
            session = TeamSession.connect(link, self.author_text)
        except ApprovalPending:
            self.follow_in = FOLLOW_SECONDS
            return
        except Exception as exc:
            if not is_offline(exc):  # a hiccup keeps waiting; an answer ends it
                self.waiting = None
                self._fail(exc)
                self.app.rebuild()
            self.follow_in = FOLLOW_SECONDS
            return
        self.waiting = None
        self._opened(session, link)

    def _do_rejoin(self, entry: dict) -> None:
        from kam_sandbox.workshop.session import AccessError

        try:
            link = self.client.link(entry["token"])
            session = TeamSession.connect(link, self.author_text)
        except AccessError:
            self.store.forget(entry)
            self.offers = [x for x in self.offers if x is not entry]
            self._save_store()
            names = {t["id"]: t["name"] for t in (self.info or {}).get("teams", [])}
            self.message = ("join.error.link_gone",
                            {"team": names.get(entry["team"], entry.get("team_name", ""))})
            self.app.rebuild()
            return
        except Exception as exc:
            self._fail(exc)
            self.app.rebuild()
            return
        self._opened(session, link)

    def _opened(self, session: TeamSession, link) -> None:
        """Remember the team's link, and open its screen."""

        info = self.info or {}
        team = session.team
        self.team = team["id"]
        self.store.remember(self.address or self.address_text, session.state["session"],
                            team["id"], getattr(link, "token", None), team.get("name", ""),
                            info.get("title") or {}, self.author_text)
        self._save_store(replaced=True)
        entry = next((x for x in self.store.links if x["team"] == team["id"]
                      and x["session"] == session.state["session"]), None)
        if entry is not None:  # back here later: rejoin with one click
            self.offers = [entry] + [x for x in self.offers if x["team"] != team["id"]]
        self.code_text = self.secret_text = ""
        self.app.push(team_scene(session), session)

    def _save_store(self, replaced: bool = False) -> None:
        error = self.store.save()
        if error:
            self.notice = ("join.links_unsaved", {"error": error})
        elif replaced and self.notice and self.notice[0] == "join.links_corrupt":
            self.notice = None  # old news once the team has joined with a sound file


def team_scene(session: TeamSession) -> str:
    """Where a team that has just (re)joined belongs: its debrief when the workshop is over,
    the wait screen when its plan for the open round is in, else planning."""

    if session.game.over or session.round_state == "finished":
        return "debrief"
    if session.submitted and session.round_state in ("open", "paused"):
        return "team_wait"
    return "planning"


__all__ = ["JoinScene", "LinkStore", "team_scene"]
