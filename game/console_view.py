"""What the facilitator console draws: the clock, the leaderboard on the absolute scale, the
team rows, the comparison charts, the projector view and the room debrief.

Pure drawing from plain data (``Host.status()`` / ``Host.board()`` dicts and the teams'
replayed rounds): nothing here reads the session or changes state. Every piece of text goes
through ``draw.text``, so a test can see exactly what a view puts on the screen. The screen
itself is ``scenes.console``; its dialogs, room debrief and projector view sit beside this
module (``console_dialogs``, ``console_debrief``, ``console_projector``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from kam_sandbox.base import fmt
from kam_sandbox.base.i18n import language, pick, tr

from . import charts
from .draw import centred_text, drawn_width, text
from .fonts import font
from .kpi_charts import axis_format
from .palette import (
    ACCENT,
    BAND_COLOURS,
    CAUTION,
    FILLED_IN,
    INK,
    MUTED,
    NO_COLOUR,
    SUCCESS,
    WARN,
    WHITE,
    hex_colour,
)

#: Grade bands on the scorecard's absolute 0-100 scale (engine.kpis.grade_band).
BANDS = ((85.0, "excellent"), (70.0, "good"), (50.0, "fair"), (0.0, "weak"))
STATE_COLOURS = {"open": SUCCESS, "paused": CAUTION, "closed": MUTED, "finished": ACCENT}
PROGRESS_COLOURS = {"submitted": SUCCESS, "drafting": CAUTION, "absent": NO_COLOUR}
PROGRESS_MARKS = {"submitted": "✓", "drafting": "…", "absent": "—"}
ONLINE, OFFLINE = (0, 158, 115), (200, 205, 212)
#: The KPIs the comparison chart can show besides the score, with their axis format.
CHART_METRICS = ("score", "revenue", "profit", "satisfaction", "retention")


# -- the clock ----------------------------------------------------------------------------------
def clock_text(seconds: float | None) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour), counted up to the next second so that 00:00
    appears only when the time is really up; ``--:--`` without a timer."""

    if seconds is None:
        return "--:--"
    whole = max(0, math.ceil(seconds - 1e-6))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def timer_left(timer: dict | None, taken: float, now: float) -> float | None:
    """Seconds left now, from a ``Session.timer()`` read at clock time ``taken``."""

    if not timer or timer.get("remaining") is None:
        return None
    remaining = float(timer["remaining"])
    if timer.get("running"):
        remaining -= max(0.0, now - taken)
    return max(0.0, remaining)


def timer_caption(timer: dict | None, left: float | None, state: str) -> tuple[str, tuple]:
    """What the line under the clock says, and its colour."""

    if state == "finished":
        return tr("console.state.finished"), STATE_COLOURS["finished"]
    if left is None:
        return tr("console.timer_none"), MUTED
    if left <= 0:
        return tr("console.timer_up"), WARN
    if not (timer or {}).get("running"):
        return tr("console.timer_paused"), STATE_COLOURS["paused"]
    return tr("console.timer_left"), MUTED


def draw_clock(surface, rect: pygame.Rect, timer: dict | None, left: float | None, state: str,
               size: int, caption_size: int) -> None:
    """The countdown centred in ``rect``: big digits, red when the time is up; without a
    timer only a quiet "no timer"."""

    caption, caption_colour = timer_caption(timer, left, state)
    if left is None:
        big = round(caption_size * 1.5)
        y = rect.centery - font(big).get_linesize() // 2
        centred_text(surface, rect.centerx, y, caption, big, caption_colour,
                     max_width=rect.width)
        return
    digits = clock_text(left)
    up = left <= 0
    f = font(size, True)
    tw, th = f.size(digits)
    total = th + font(caption_size).get_linesize()
    y = rect.y + max(0, (rect.height - total) // 2)
    text(surface, (rect.centerx - tw // 2, y), digits, size, WARN if up else INK, True)
    centred_text(surface, rect.centerx, y + th - size // 8, caption, caption_size, caption_colour,
                 bold=up, max_width=rect.width)


def round_text(status: dict) -> str:
    return tr("console.round", round=status["round"], rounds=status["rounds"])


def state_badge(surface, pos: tuple[int, int], state: str, size: int = 14) -> pygame.Rect:
    """The round's state as a coloured pill."""

    label = tr(f"console.state.{state}")
    w, h = drawn_width(size, True)(label) + 2 * (size // 2 + 2), font(size, True).get_linesize() + 4
    pill = pygame.Rect(pos[0], pos[1], w, h)
    pygame.draw.rect(surface, STATE_COLOURS.get(state, MUTED), pill, border_radius=h // 2)
    text(surface, (pill.x + size // 2 + 2, pill.y + 2), label, size, WHITE, True)
    return pill


# -- the leaderboard ----------------------------------------------------------------------------
def standings(teams: Sequence[dict]) -> list[dict]:
    """Teams by score, best first (ties keep the teams' order)."""

    return sorted(teams, key=lambda t: -float(t.get("score") or 0.0))


def draw_leaderboard(surface, rect: pygame.Rect, teams: Sequence[dict], size: int = 14,
                     played: bool = True) -> None:
    """Each team's grade as a bar on the ABSOLUTE 0-100 axis, with the band thresholds
    (50 fair, 70 good, 85 excellent) drawn across, so the room sees how good, not only who
    leads. Rows that do not fit are left out (the best teams stay)."""

    rows = standings(teams)
    line = font(size).get_linesize()
    small = 12 if size < 18 else 15
    axis_h = font(small).get_linesize() + 4
    head_h = font(small).get_linesize() + 2
    plot = pygame.Rect(rect.x, rect.y + head_h, rect.width, rect.height - head_h - axis_h)
    if not rows or plot.height <= 0:
        return
    label_w = min(max(drawn_width(size, True)(t["name"]) for t in rows) + size + 10,
                  rect.width * 2 // 5)
    value_w = drawn_width(size, True)("100.0") + 8
    bars = pygame.Rect(plot.x + label_w + 8, plot.y, plot.width - label_w - value_w - 16,
                       plot.height)

    def x_of(v: float) -> int:
        return bars.x + round(bars.width * max(0.0, min(v, 100.0)) / 100.0)

    # Band zones: a light tint for each band behind the bars, its name at its start.
    previous = 100.0
    for threshold, band in BANDS:
        zone = pygame.Rect(x_of(threshold), bars.y, x_of(previous) - x_of(threshold),
                           bars.height)
        tint = tuple(round(255 - (255 - c) * 0.08) for c in BAND_COLOURS[band])
        pygame.draw.rect(surface, tint, zone)
        room = (zone.right if previous < 100 else rect.right) - zone.x - 3
        text(surface, (zone.x + 2, rect.y), tr(f"debrief.band.{band}"), small,
             BAND_COLOURS[band], max_width=room)
        if threshold > 0:
            pygame.draw.line(surface, BAND_COLOURS[band], (zone.x, rect.y + 2),
                             (zone.x, bars.bottom))
        previous = threshold
    for tick in range(0, 101, 10):
        x = x_of(tick)
        pygame.draw.line(surface, charts.AXIS, (x, bars.bottom), (x, bars.bottom + 3))
    for tick in (0, 20, 40, 50, 70, 85, 100):
        centred_text(surface, x_of(tick), bars.bottom + 4, str(tick), small, MUTED)
    pygame.draw.line(surface, charts.AXIS, bars.bottomleft, bars.bottomright)

    row_h = min(bars.height // len(rows), line * 2 + 4)
    shown = max(1, bars.height // max(row_h, 1))
    if row_h < line + 2:  # many teams: a smaller font rather than overlapping names
        size = max(10, min(size - 1, round(row_h * 0.68)))
        line = font(size).get_linesize()
    for i, team in enumerate(rows[:shown]):
        y = bars.y + i * row_h
        cy = y + row_h // 2
        colour = hex_colour(team.get("colour"))
        swatch = pygame.Rect(plot.x, cy - size // 2, size, size)
        pygame.draw.rect(surface, colour, swatch, border_radius=3)
        text(surface, (swatch.right + 6, cy - line // 2), team["name"], size, INK, True,
             max_width=label_w - swatch.width - 6)
        score = float(team.get("score") or 0.0)
        thickness = max(6, row_h * 3 // 5)
        bar = pygame.Rect(bars.x, cy - thickness // 2, max(2, x_of(score) - bars.x), thickness)
        if played:
            pygame.draw.rect(surface, colour, bar, border_radius=3)
            text(surface, (bar.right + 6, cy - line // 2), fmt.score(score), size, INK, True)
        else:
            text(surface, (bars.x + 6, cy - line // 2), "—", size, MUTED)


# -- the comparison chart -----------------------------------------------------------------------
def metric_label(metric: str) -> str:
    """A short name for the chart's selector (the KPI's full name is its axis title)."""

    return tr(f"console.metric.{metric}")


def metric_series(teams: Sequence[dict], replays: dict[str, list[dict]], metric: str
                  ) -> list[charts.Series]:
    """One line per team, in the team's own colour: its score by round (from the status)
    or a KPI after each round (from its replayed rounds)."""

    out = []
    for t in teams:
        if metric == "score":
            values = [float(v) for v in t.get("scores", [])]
        else:
            values = [float(r["kpis"].get(metric, math.nan)) for r in replays.get(t["id"], [])]
        out.append(charts.Series(t["name"], values, hex_colour(t.get("colour"))))
    return out


def draw_metric_chart(surface, rect: pygame.Rect, teams: Sequence[dict],
                      replays: dict[str, list[dict]], metric: str, rounds: int, currency: str,
                      size: int = 12) -> None:
    series = metric_series(teams, replays, metric)
    labels = [tr("console.round_short", n=r) for r in range(1, rounds + 1)]
    charts.line_chart(surface, rect, series, font=font(size), x_labels=labels,
                      y_format=axis_format(metric, currency),
                      y_range=(0.0, 100.0) if metric == "score" else None,
                      highlight_last=False)


# -- team rows (the facilitator's table) --------------------------------------------------------
COLUMNS = (("team", 0.0), ("progress", 0.33), ("plans", 0.52), ("score", 0.62),
           ("filled", 0.81))


def column_x(rect: pygame.Rect, key: str) -> int:
    return rect.x + round(dict(COLUMNS)[key] * rect.width)


def draw_team_header(surface, rect: pygame.Rect) -> None:
    for key, _ in COLUMNS:
        x = column_x(rect, key) + (22 if key == "team" else 0)
        text(surface, (x, rect.y), tr(f"console.col.{key}"), 12, MUTED, True)


def filled_text(rounds: Sequence[int]) -> str:
    return " ".join(tr("console.round_short", n=r) for r in rounds) if rounds else ""


def draw_team_row(surface, rect: pygame.Rect, team: dict, shade: bool) -> None:
    """One team: swatch, name and online dot, progress, submissions, score and band,
    the rounds a built-in strategy played for it. Never its plans."""

    if shade:
        pygame.draw.rect(surface, (248, 249, 251), rect)
    cy = rect.centery
    line = font(14).get_linesize()
    y = cy - line // 2
    colour = hex_colour(team.get("colour"))
    pygame.draw.rect(surface, colour, (rect.x + 4, cy - 8, 16, 16), border_radius=3)
    name_w = column_x(rect, "progress") - rect.x - 44
    name = text(surface, (rect.x + 26, y), team["name"], 15, INK, True, max_width=name_w)
    dot = ONLINE if team.get("online") else OFFLINE
    pygame.draw.circle(surface, dot, (name.right + 9, cy), 5)
    progress = team.get("progress", "absent")
    mark = PROGRESS_MARKS.get(progress, "")
    px = column_x(rect, "progress")
    text(surface, (px, y), f"{mark} {tr(f'console.progress.{progress}')}", 14,
         PROGRESS_COLOURS.get(progress, MUTED), progress == "submitted",
         max_width=column_x(rect, "plans") - px - 6)
    text(surface, (column_x(rect, "plans"), y), str(team.get("submissions", 0)), 14, INK)
    sx = column_x(rect, "score")
    if team.get("scores"):
        score = float(team.get("score") or 0.0)
        value = text(surface, (sx, y), fmt.score(score), 15, INK, True)
        band = team.get("band") or "weak"
        text(surface, (value.right + 6, y + 1), tr(f"debrief.band.{band}"), 12,
             BAND_COLOURS.get(band, MUTED), max_width=column_x(rect, "filled") - value.right - 12)
    else:
        text(surface, (sx, y), "—", 15, MUTED)
    fx = column_x(rect, "filled")
    filled = filled_text(team.get("filled_rounds", []))
    if filled:
        text(surface, (fx, y), filled, 13, FILLED_IN, max_width=rect.right - fx - 70)


# -- key decisions (the room debrief) -----------------------------------------------------------
def decision_text(line: str, scenario) -> str:
    """A line of ``workshop.export.key_decisions`` in the interface language: account ids
    become names, the units and the actions are translated."""

    names = {a.id: pick(a.name) for a in scenario.accounts}
    zh = language() == "zh"
    colon, comma, listed = ("：", "，", "、") if zh else (": ", ", ", ", ")
    if line == "(nothing allocated)":
        return tr("console.decision.nothing")
    head, _, rest = line.partition(": ")
    if head == "portfolio":
        acts = [tr(f"action.{a.strip()}") for a in rest.split(",") if a.strip()]
        return tr("console.decision.portfolio") + colon + listed.join(acts)
    bits = []
    for bit in rest.split(", "):
        if bit.endswith(" days"):
            bits.append(tr("console.decision.days", n=bit[:-5]))
        elif bit.startswith("discount "):
            bits.append(tr("console.decision.discount", pct=bit[9:].rstrip("%")))
        elif bit in ("survey", "trial", "feedback"):
            bits.append(tr(f"action.{bit}"))
        else:
            bits.append(bit)
    return names.get(head, head) + colon + comma.join(bits)
