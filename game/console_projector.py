"""The projector view of the facilitator console: what the whole room may see, readable
from the back of a room at 1280×720 — the round, a big countdown, the join code and LAN
address, every team's progress and the leaderboard on the absolute scale.

It draws from ``Host.board()`` (the public view: no members, no drafts or plans, no events
injected into one team, no tokens) plus the join code, which the console adds from the
facilitator's status (the room's ``/api/board`` never carries it). The headline of an event injected into every
team is public and runs along the bottom.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kam_sandbox.base.i18n import pick, tr

from . import console_view as view
from .draw import centred_text, drawn_width, right_text, text
from .fonts import font
from .palette import ACCENT, INK, LINE, MUTED, WHITE, hex_colour
from .qr import draw_qr, join_url

CLOCK_SIZE = 150  # px on the 1280×720 canvas: readable from 5 m and more
ROUND_SIZE = 44
CODE_SIZE = 64
NAME_SIZE = 24


def draw_projector(surface: pygame.Surface, board: dict, left: float | None,
                   address: str | None, currency: str = "CNY") -> None:
    w, h = surface.get_size()
    surface.fill(WHITE)
    surface.fill(ACCENT, Rect(0, 0, w, 6))
    half = w // 2
    # The round and the case, top left.
    text(surface, (28, 16), pick(board["title"]), 22, MUTED, max_width=half - 40)
    r = text(surface, (28, 46), view.round_text(board), ROUND_SIZE, INK, True,
             max_width=half - 200)
    view.state_badge(surface, (r.right + 16, 62), board["state"], 22)
    # The join code and the address, top right: what teams type.
    right = w - 28
    code = right_text(surface, right, 14, board["join_code"], CODE_SIZE, INK, True)
    right_text(surface, code.x - 14, 44, tr("console.join_code"), 24, MUTED)
    qr = Rect(right, 0, 0, 0)
    if address:
        a = right_text(surface, right, code.bottom + 2, address, 30, ACCENT, True)
        right_text(surface, a.x - 14, a.y + 4, tr("console.lan"), 22, MUTED)
        # The address as a QR code under it: phones open the team's page from it.
        side = min(h // 3, (w - half) // 3)
        qr = draw_qr(surface, Rect(right - side, a.bottom + 12, side, side), join_url(address))
        if qr.width:
            centred_text(surface, qr.centerx, qr.bottom + 4, tr("web.scan_short"), 16, MUTED,
                         max_width=qr.width + 40)
    pygame.draw.line(surface, LINE, (half, 130), (half, h - 60))
    if board["finished"]:  # the final standings: every team's score by round
        text(surface, (28, 150 - 28), tr("console.final"), 22, INK, True, max_width=half - 56)
        view.draw_metric_chart(surface, Rect(28, 164, half - 56, h - 164 - 70), board["teams"],
                               {}, "score", board["rounds"], currency, 16)
    else:  # the clock, and every team's progress under it
        clock = Rect(20, 130, half - 40, 250)
        view.draw_clock(surface, clock, board["timer"], left, board["state"], CLOCK_SIZE, 30)
        _draw_progress(surface, Rect(28, clock.bottom + 10, half - 56, h - clock.bottom - 80),
                       board)
    # The leaderboard, right, under the address.
    lb = Rect(half + 24, 206, (qr.x - 24 if qr.width else w - 28) - half - 24, h - 206 - 70)
    text(surface, (lb.x, lb.y - 28), tr("console.leaderboard"), 22, INK, True,
         max_width=lb.width)
    view.draw_leaderboard(surface, lb.inflate(0, -8).move(0, 4), board["teams"], 22,
                          board["closed_rounds"] > 0)
    # This round's event for every team, along the bottom.
    headlines = [h for h in board.get("headlines") or [] if h["round"] == board["round"]]
    if headlines and not board["finished"]:
        latest = headlines[-1]
        line = tr("console.news", round=latest["round"], headline=pick(latest["headline"]))
        pygame.draw.line(surface, LINE, (20, h - 52), (w - 20, h - 52))
        text(surface, (28, h - 44), line, 20, INK, max_width=w - 56 - 250)  # the exit button


def _draw_progress(surface, rect: Rect, board: dict) -> None:
    teams = board["teams"]
    if not teams:
        return
    columns = 1 if len(teams) <= 4 else 2
    per_column = -(-len(teams) // columns)
    row_h = max(28, min(52, rect.height // per_column))
    size = NAME_SIZE if columns == 1 and row_h >= 40 else 20
    col_w = rect.width // columns
    for k, team in enumerate(teams):
        x = rect.x + (k // per_column) * col_w
        y = rect.y + (k % per_column) * row_h
        cy = y + row_h // 2
        pygame.draw.rect(surface, hex_colour(team["colour"]), (x, cy - size // 2, size, size),
                         border_radius=4)
        progress = team["progress"]
        mark = view.PROGRESS_MARKS.get(progress, "")
        status = f"{mark} {tr(f'console.progress.{progress}')}"
        status_size = size - 2 if columns == 1 else 16
        status_w = drawn_width(status_size, True)(status)
        name_w = col_w - size - 14 - status_w - 26
        line = font(size).get_linesize()
        n = text(surface, (x + size + 10, cy - line // 2), team["name"], size, INK, True,
                 max_width=name_w)
        if team.get("online"):
            pygame.draw.circle(surface, view.ONLINE, (n.right + 14, cy + 2), 6)
        text(surface, (x + col_w - 16 - status_w, cy - font(status_size).get_linesize() // 2),
             status, status_size, view.PROGRESS_COLOURS.get(progress, MUTED), True)
