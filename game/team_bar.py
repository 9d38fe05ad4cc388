"""A workshop team's strip on its screens, and what the team screens share (planning, the
wait screen, the debrief and the join screen): how a failed request is explained, the way
back from the team's screens, submitting a plan.

``TeamBar`` is the strip under the planning (and wait) screen's top bar for a team: the
team's name and colour, the round, the round timer (the host's remaining seconds when last
fetched, counted down locally), the facilitator's latest headline (all of them, newest
first, on hover; new ones as a banner until the team has seen them) and an "offline"
marker while the host cannot be reached. It also keeps the team in step with the host:
it polls ``TeamSession.refresh`` every few seconds (driven by ``update(dt)``, never by the
wall clock) and keeps the draft with the host a moment after the last change
(``draft_changed``), not on every frame.

The other teams are never shown: a team sees only its own record.
"""

from __future__ import annotations

import html
import threading
from datetime import datetime

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIPanel, UITextBox

from kam_sandbox.base.i18n import language, pick, tr
from kam_sandbox.engine.messages import render

from .draw import drawn_width, text, wrap
from .fonts import font
from .palette import ACCENT, INK, LINE, MUTED, WARN, hex_colour
from .team_session import TeamSession

BANNER_BG = (255, 243, 205)
TOP = 56  # the planning screen's top bar, which the strip sits under
STRIP_H = 30
POLL_PLANNING = 3.0  # seconds between two looks at the host while planning
POLL_WAIT = 2.0  # … and while waiting for the round to close
OFFLINE_POLL = 5.0  # … and while the host does not answer
AUTOSAVE_DELAY = 1.5  # the draft goes to the host this long after the last change
LOW_TIME = 60.0  # the timer turns red in the last minute


# -- helpers shared by the team screens --------------------------------------------------------
def is_offline(exc: BaseException) -> bool:
    """Whether ``exc`` means the host could not be reached (``workshop.client``'s
    ConnectionLost, or a socket error), rather than an answer from the host."""

    if any(cls.__name__ == "ConnectionLost" for cls in type(exc).__mro__):
        return True
    return isinstance(exc, OSError)


def explain(exc: BaseException, session: TeamSession | None = None) -> tuple[str, dict]:
    """What to tell the team about a failed request, as (string key, values): by the
    error's kind, and for the host's refusals by the round's state as last fetched."""

    from kam_sandbox.engine import PlanError
    from kam_sandbox.workshop.session import AccessError, WorkshopError

    if is_offline(exc):
        return "team.error.offline", {}
    if isinstance(exc, PlanError):
        return "team.error.plan", {"reason": render(exc.args[0], language()) if exc.args else ""}
    if isinstance(exc, AccessError):
        return "team.error.access", {}
    if isinstance(exc, WorkshopError):
        state = session.round_state if session is not None else None
        if state in ("paused", "closed", "finished"):
            return f"team.error.{state}", {}
        return "team.error.host", {"error": str(exc)}
    return "team.error.other", {"error": str(exc) or type(exc).__name__}


def say(message: tuple[str, dict]) -> str:
    key, values = message
    return tr(key, **values)


def clock(timestamp: str | None) -> str:
    """An ISO time from the host as the local HH:MM."""

    if not timestamp:
        return "—"
    try:
        return datetime.fromisoformat(timestamp).astimezone().strftime("%H:%M")
    except (TypeError, ValueError):
        return str(timestamp)


def countdown(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))  # 0.2 s left still shows 00:01
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def team_colour(session: TeamSession) -> tuple[int, int, int]:
    """The team's own colour (the accent when it has none)."""

    return hex_colour(session.team.get("colour"), ACCENT)


def headline_text(item: dict) -> str:
    return pick(item.get("headline") or {}) or str(item.get("event", ""))


def show_results(app, session: TeamSession) -> None:
    """The results of the quarter the facilitator has just closed."""

    if session.last_result is None:
        return
    app.replace("results", session, session.last_result)


class Fetch:
    """One look at the host (``TeamLink.state``) on a worker thread, so that a host that
    does not answer never freezes the window; the scene applies the answer when it is in."""

    def __init__(self, link, session: TeamSession):
        self.version = session.local_changes
        self.state: dict | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(link,), daemon=True,
                                       name="kam-team-poll")
        self.thread.start()

    def _run(self, link) -> None:
        try:
            self.state = link.state()
        except Exception as exc:  # reported on the UI thread
            self.error = exc

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()


def poll_link(session: TeamSession):
    """The link that looks at the host from a worker thread: a copy of a network link (its
    own connection), or None to look synchronously (a link in this process is instant)."""

    from kam_sandbox.workshop.host import LocalTeamLink

    link = session.link
    if link is None or isinstance(link, LocalTeamLink):
        return None
    if session.poll_link is None:
        url, token = getattr(link, "url", None), getattr(link, "token", None)
        if url is None or token is None:
            return None
        try:
            session.poll_link = type(link)(url, token)
        except Exception:
            return None
    return session.poll_link


def leave_team(app, session: TeamSession) -> None:
    """Leave the team's screens: to ``session.return_to`` (the facilitator's console in
    hot-seat play), else back to the join screen the team came from (or a new one). A
    scene gone back to that has a ``resume()`` method is told so before it is rebuilt."""

    session.autosave()
    target = session.return_to
    if target is None:
        target = next((s for s in reversed(app.stack) if s.name == "join"), None)
    if target is not None and target in app.stack:
        while app.stack and app.stack[-1] is not target:
            app.stack.pop().leave()
        app.ui.clear_and_reset()
        if callable(getattr(target, "resume", None)):  # e.g. the join screen looks again
            target.resume()
        target.build()
        app.redraw()
        return
    if target is not None:
        app.reset_to(target)
        return
    app.reset_to("title")
    app.push("join", None)


def submit(scene) -> None:
    """The planning screen's End quarter for a team: submit, then wait for the round to
    close. A refusal or a lost connection is shown on the screen and the draft is kept."""

    session, app, bar = scene.session, scene.app, scene.team_bar
    try:
        session.end_quarter()
    except Exception as exc:  # never a crash: say why, keep the draft
        if not is_offline(exc) and session.refresh():  # the round closed meanwhile
            bar.message = None
            show_results(app, session)
            return
        bar.message = explain(exc, session)
        scene.refresh()
        return
    bar.message = None
    if session.return_to is not None:  # hot-seat: straight back to the console, so the
        leave_team(app, session)       # next team never finds this team's screen open
        return
    app.replace("team_wait", session)


# -- the strip ---------------------------------------------------------------------------------
class TeamBar:
    """The team strip and the team's link with the host (see the module docstring)."""

    def __init__(self, scene, poll: float):
        self.scene = scene
        self.app = scene.app
        self.session: TeamSession = scene.session
        self.poll = poll
        self.poll_in = poll
        self.save_in: float | None = None
        self.message: tuple[str, dict] | None = None  # a failed submit, until the next
        self.rect = pygame.Rect(0, TOP, 1280, STRIP_H)
        self.banner: UIPanel | None = None
        self.banner_ok: UIButton | None = None
        self.news_spot: UIButton | None = None
        self._timer_shown: str | None = None

    # -- state ----------------------------------------------------------------------------------
    def _key(self) -> tuple:
        """What, when it changes, needs the scene rebuilt (the timer's seconds only redraw)."""

        s = self.session
        timer = s.state.get("timer") or {}
        return (s.round_state, s.state.get("round"), s.state.get("closed_rounds"),
                s.submitted, len(s.state.get("headlines", [])), s.seen_headlines,
                s.sync_error is None, s.save_error is None, timer.get("running"),
                timer.get("remaining") is None)

    def draft_changed(self) -> None:
        """The draft may have changed: keep it with the host a moment after the last change."""

        if self.session.draft_pending:
            self.save_in = AUTOSAVE_DELAY

    def update(self, dt: float) -> None:
        s = self.session
        s.tick(dt)
        if self.save_in is not None:
            self.save_in -= dt
            if self.save_in <= 0:
                self.save_in = None
                before = self._key()
                s.autosave()
                if self._key() != before:
                    self.on_change()
                    return
        fetch = s.fetching
        if fetch is not None and fetch.done:
            s.fetching = None
            if fetch.version == s.local_changes and self._take(fetch):
                return
        self.poll_in -= dt
        if self.poll_in <= 0:
            self.poll_in = self.poll if s.sync_error is None else max(self.poll, OFFLINE_POLL)
            if self.poll_now():
                return
        shown = self.timer_text()[0]
        if shown != self._timer_shown:  # one frame a second while the clock runs
            self._timer_shown = shown
            self.app.dirty = True

    def poll_now(self) -> bool:
        """Ask the host (on a worker thread for a network link: the answer is taken in a
        later ``update``); True when the scene has moved on (the round was played)."""

        s = self.session
        link = poll_link(s)
        if link is not None:
            if s.fetching is None:
                s.fetching = Fetch(link, s)
            return False
        before = self._key()
        return self._after(s.refresh(), before)

    def _take(self, fetch: Fetch) -> bool:
        s = self.session
        before = self._key()
        if fetch.error is not None:
            s.sync_error = str(fetch.error)
            return self._after(False, before)
        return self._after(s.apply_state(fetch.state), before)

    def _after(self, played: bool, before: tuple) -> bool:
        s = self.session
        if played:
            self.message = None
            self.on_played()
            return True
        if self.save_in is None and s.draft_pending:
            s.autosave()  # a draft the host has not got yet (a save failed, a round opened)
        if self._key() != before:
            self.message = None
            self.on_change()
        return False

    def on_played(self) -> None:
        show_results(self.app, self.session)

    def on_change(self) -> None:
        self.app.rebuild()

    def timer_text(self) -> tuple[str, tuple]:
        s = self.session
        left = s.timer_left()
        if left is None:
            return "", MUTED
        if left <= 0 or (s.state.get("timer") or {}).get("expired"):
            return tr("team.time_up"), WARN
        colour = WARN if left <= LOW_TIME else INK
        if not s.timer_running:
            return tr("team.timer_paused", time=countdown(left)), MUTED
        return tr("team.timer", time=countdown(left)), colour

    def round_text(self) -> str:
        s = self.session
        r, n = s.state.get("round", 1), s.state.get("rounds", s.scenario.turns)
        state = s.round_state
        if state == "finished":
            return tr("team.finished")
        line = tr("team.round", i=r, n=n)
        if state == "paused":
            line += " · " + tr("team.paused")
        elif state == "closed":
            line += " · " + tr("team.closed", i=r)
        return line

    def status(self) -> tuple[str | None, bool]:
        """The planning screen's status line for the team, and whether submitting is
        blocked (the round is closed or paused)."""

        s = self.session
        if self.message is not None:
            return "⚠ " + say(self.message), False
        state = s.round_state
        if state == "finished":
            return tr("team.status_finished"), True
        if state == "closed":
            return tr("team.status_closed", i=s.state.get("round", 1)), True
        if state == "paused":
            return tr("team.status_paused"), True
        sub = s.submission()
        if sub is not None:
            return tr("team.status_submitted", time=clock(sub.get("time"))), False
        return None, False

    # -- widgets --------------------------------------------------------------------------------
    def _parts(self) -> dict[str, pygame.Rect]:
        """Where the strip's pieces sit (build and draw agree on it)."""

        r, s = self.rect, self.session
        x = r.x + 12
        name_w = min(font(14, True).size(s.team.get("name", ""))[0], 200)
        parts = {"chip": pygame.Rect(x, r.y + 8, 14, 14),
                 "name": pygame.Rect(x + 20, r.y + 5, name_w, 20)}
        x = parts["name"].right + 16
        round_w = min(font(13).size(self.round_text())[0], 260)
        parts["round"] = pygame.Rect(x, r.y + 6, round_w, 20)
        x = parts["round"].right + 16
        timer = self.timer_text()[0]
        timer_w = max(font(13, True).size(timer)[0], 150) if timer else 0
        parts["timer"] = pygame.Rect(x, r.y + 6, timer_w, 20)
        x = parts["timer"].right + (16 if timer else 0)
        marker = self.marker()
        mark_w = font(13, True).size(marker)[0] if marker else 0
        parts["marker"] = pygame.Rect(r.right - 12 - mark_w, r.y + 6, mark_w, 20)
        secret = self.secret_text()
        secret_w = font(13).size(secret)[0] if secret else 0
        parts["secret"] = pygame.Rect(parts["marker"].x - (16 if marker else 0) - secret_w,
                                      r.y + 6, secret_w, 20)
        parts["news"] = pygame.Rect(x, r.y + 3, max(parts["secret"].x - 16 - x, 0), 24)
        return parts

    def secret_text(self) -> str:
        """The team's rejoin secret, for a teammate joining on a second device."""

        secret = self.session.rejoin_secret
        return tr("team.rejoin_secret", secret=secret) if secret else ""

    def marker(self) -> str:
        s = self.session
        if s.sync_error:
            return tr("team.offline")
        if s.save_error:
            return tr("team.unsaved")
        return ""

    def build(self, rect: pygame.Rect) -> None:
        """The strip's hover spots and, for news the team has not seen, the banner."""

        self.rect = rect
        ui, s = self.app.ui, self.session
        parts = self._parts()
        self.news_spot = None
        if s.headlines and parts["news"].width > 0:
            lines = [tr("team.news_tip")] + [
                tr("team.news_item", round=tr("team.news_round", i=h["round"]),
                   headline=headline_text(h)) for h in s.headlines]
            self.news_spot = UIButton(parts["news"], "", ui, object_id="#hotspot",
                                      tool_tip_text="\n".join(html.escape(x) for x in lines))
        if self.secret_text():
            UIButton(parts["secret"], "", ui, object_id="#hotspot",
                     tool_tip_text=html.escape(tr("team.rejoin_secret_tip")))
        if self.marker():
            error = s.sync_error or s.save_error or ""
            UIButton(parts["marker"], "", ui, object_id="#hotspot",
                     tool_tip_text=html.escape(tr("team.offline_tip", error=error)))
        self.banner = self.banner_ok = None
        fresh = s.new_headlines
        if fresh:
            self._build_banner(fresh)

    def _build_banner(self, fresh: list[dict]) -> None:
        ui = self.app.ui
        w = min(760, self.rect.width - 40)
        lines_w = w - 32
        shown = fresh[:3]
        body = [wrap("• " + headline_text(h), lines_w - 20, drawn_width(14)) for h in shown]
        n_lines = sum(len(b) for b in body) + (1 if len(fresh) > 3 else 0)
        box_h = 26 * n_lines + 16  # the text box's line height and padding
        h = 40 + box_h + 48
        rect = pygame.Rect(self.rect.centerx - w // 2, self.rect.bottom + 10, w, h)
        self.banner = UIPanel(rect, starting_height=6, manager=ui, object_id="#selected_card")
        UILabel(pygame.Rect(14, 8, w - 28, 26), tr("team.banner_title"), ui,
                container=self.banner, object_id="#heading")
        lines = "<br>".join(html.escape("\n".join(b)).replace("\n", "<br>") for b in body)
        if len(fresh) > 3:
            lines += "<br>" + html.escape(tr("team.banner_more", n=len(fresh) - 3))
        UITextBox(lines, pygame.Rect(8, 38, w - 16, box_h), ui,
                  container=self.banner, object_id="#flat")
        self.banner_ok = UIButton(pygame.Rect(w - 136, h - 44, 120, 34), tr("team.banner_ok"),
                                  ui, container=self.banner, object_id="#primary")

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and (
                (self.banner_ok is not None and event.ui_element is self.banner_ok)
                or (self.news_spot is not None and event.ui_element is self.news_spot)):
            self.dismiss()
            return True
        return False

    def dismiss(self) -> None:
        """The team has seen the news: the banner goes."""

        if self.session.new_headlines:
            self.session.mark_headlines_seen()
            self.app.rebuild()

    # -- drawing (never changes state) ----------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        r, s = self.rect, self.session
        parts = self._parts()
        colour = team_colour(s)
        fresh = bool(s.new_headlines)
        pygame.draw.rect(surface, BANNER_BG if fresh else (250, 251, 253), r)
        pygame.draw.line(surface, LINE, r.bottomleft, r.bottomright)
        surface.fill(colour, pygame.Rect(0, 0, surface.get_width(), 4))  # whose window this is
        pygame.draw.rect(surface, colour, parts["chip"], border_radius=3)
        text(surface, parts["name"].topleft, s.team.get("name", ""), 14, INK, bold=True,
             max_width=parts["name"].width + 1)
        text(surface, parts["round"].topleft, self.round_text(), 13,
             WARN if s.round_state == "paused" else MUTED, max_width=parts["round"].width + 1)
        timer, timer_colour = self.timer_text()
        if timer:
            text(surface, parts["timer"].topleft, timer, 13, timer_colour, bold=True)
        news = parts["news"]
        if s.headlines and news.width > 40:
            line = tr("team.news_line", headline=headline_text(s.headlines[0]))
            text(surface, (news.x, news.y + 3), line, 13, INK if fresh else MUTED, bold=fresh,
                 max_width=news.width)
        secret = self.secret_text()
        if secret:
            text(surface, parts["secret"].topleft, secret, 13, MUTED)
        marker = self.marker()
        if marker:
            text(surface, parts["marker"].topleft, marker, 13, WARN, bold=True)
