"""The KPI charts the results screen and the debrief share (the small multiple of KPI line
charts over the quarters), and how a KPI's axis is labelled, which the facilitator
console's comparison chart uses too. Built on ``game.charts``."""

from __future__ import annotations

import pygame

from kam_sandbox.base import explain, fmt
from kam_sandbox.base.i18n import language, tr

from . import charts
from .draw import card, drawn_width, text, wrap
from .fonts import font
from .palette import MUTED

GAP = 12  # between two charts of the small multiple

#: The KPIs charted after each quarter, with how their axis is labelled.
CHART_KPIS = ("revenue", "profit", "satisfaction", "nps", "receivables", "share_of_wallet")


def quarter_short(turn: int, start_quarter: int) -> str:
    """A compact quarter label for chart axes (``Y1 Q2`` / ``1年Q2``)."""

    index = start_quarter - 1 + turn - 1
    return tr("results.xq", year=index // 4 + 1, q=index % 4 + 1)


def axis_format(metric: str, currency: str):
    """How a KPI chart labels its y axis, in the current language."""

    lang = language()
    if metric in ("revenue", "profit", "receivables"):
        return lambda v: fmt.money(v, lang, currency, short_from=fmt.SHORT_FROM)
    if metric in ("share_of_wallet", "retention"):
        return lambda v: fmt.percent(v)
    if metric == "satisfaction":
        return lambda v: fmt.number(v, lang, 1)
    return lambda v: fmt.number(v, lang, 0)


def chart_grid(rect: pygame.Rect, count: int, columns: int) -> list[pygame.Rect]:
    """``count`` equal cells filling ``rect`` in ``columns`` columns, with gaps."""

    rows = -(-count // columns)
    w = (rect.width - GAP * (columns - 1)) // columns
    h = (rect.height - GAP * (rows - 1)) // rows
    return [pygame.Rect(rect.x + (k % columns) * (w + GAP), rect.y + (k // columns) * (h + GAP),
                        w, h) for k in range(count)]


def uninformative(values: list[float]) -> str | None:
    """Why a line over ``values`` would say nothing ("one_point", "flat"), or None."""

    if len(values) < 2:
        return "one_point"
    if max(values) - min(values) <= 1e-9 * max(1.0, abs(max(values))):
        return "flat"
    return None


def draw_kpi_charts(surface: pygame.Surface, rect: pygame.Rect, history: list[dict],
                    scenario, columns: int = 2, reference: list[dict] | None = None,
                    reference_label: str = "") -> None:
    """The KPI small multiple: one line chart per KPI, optionally with a dashed reference.
    A chart that would carry no information (one quarter, or the same value in every
    quarter) is a sentence instead."""

    labels = [quarter_short(t + 1, scenario.start_quarter) for t in range(len(history))]
    f = font(12)
    for cell, metric in zip(chart_grid(rect, len(CHART_KPIS), columns), CHART_KPIS):
        card(surface, cell)
        values = [float(h[metric]) for h in history]
        why = uninformative(values) if not reference else None
        if why is not None and values:
            _say(surface, cell.inflate(-16, -12), metric, why, values[-1], labels[-1],
                 scenario.currency)
            continue
        name = tr("debrief.compare.you") if reference else explain.metric_name(metric)
        mine = charts.Series(name, values, 0)
        series = [mine]
        if reference:  # drawn first, so the player's own line stays on top
            series = [charts.Series(reference_label, [h[metric] for h in reference], 6,
                                    dashed=True), mine]
        charts.line_chart(surface, cell.inflate(-16, -12), series, font=f, x_labels=labels,
                          y_format=axis_format(metric, scenario.currency),
                          title=explain.metric_name(metric))


def _say(surface: pygame.Surface, rect: pygame.Rect, metric: str, why: str, value: float,
         quarter: str, currency: str) -> None:
    """The sentence that stands in for a chart with nothing to show."""

    name = explain.metric_name(metric)
    text(surface, rect.topleft, name, 12, charts.TEXT, max_width=rect.width)
    sentence = tr(f"chart.{why}", metric=name, quarter=quarter,
                  value=axis_format(metric, currency)(value))
    y = rect.y + 26
    for line in wrap(sentence, rect.width, drawn_width(13), max(1, (rect.height - 26) // 19)):
        text(surface, (rect.x, y), line, 13, MUTED)
        y += 19
