"""Charts (issue 11 item 19): the latest value's label is never drawn over the line, and a
KPI chart that would carry no information (one quarter, or the same value throughout) is a
sentence instead of a line."""

from __future__ import annotations

import pygame
import pytest

from kam_sandbox.base import i18n
from kam_sandbox.engine import load_scenario
from kam_sandbox.game import charts, draw
from kam_sandbox.game.fonts import font
from kam_sandbox.game.kpi_charts import CHART_KPIS, draw_kpi_charts


@pytest.fixture
def surface():
    pygame.display.init()
    pygame.font.init()
    return pygame.Surface((600, 400))


def segments(values, plot, lo, hi):
    n = len(values)
    xs = [plot.left + i * plot.width / (n - 1) for i in range(n)]
    return [((xs[i], plot.bottom - (v - lo) / (hi - lo) * plot.height)) for i, v in
            enumerate(values)]


@pytest.mark.parametrize("values", [
    [90.0, 60.0, 30.0, 5.0],  # falling into the last point: the old spot was on the line
    [5.0, 30.0, 60.0, 90.0],
    [50.0, 90.0, 10.0, 50.0],
    [10.0, 10.0, 10.0, 90.0],
    [90.0, 10.0],
])
def test_the_last_value_label_never_crosses_the_line(surface, values):
    f = font(12)
    plot = pygame.Rect(60, 40, 300, 200)
    lo, hi = 0.0, 100.0
    pts = segments(values, plot, lo, hi)

    def x_of(i):
        return pts[i][0]

    def y_of(v):
        return plot.bottom - (v - lo) / (hi - lo) * plot.height

    box = charts._last_value_label(surface, f, values, x_of, y_of, plot, lambda v: f"{v:.0f}")
    ink = box.inflate(2, 2)
    assert not any(ink.clipline(a, b) for a, b in zip(pts, pts[1:])), (values, box)


def kpis(quarters: int, flat: bool = False) -> list[dict]:
    return [{m: (0.0 if flat else 100.0 * (q + 1) + k) for k, m in enumerate(CHART_KPIS)}
            for q in range(quarters)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chart_with_one_quarter_or_a_flat_line_is_a_sentence(surface, lang):
    i18n.set_language(lang)
    try:
        scenario = load_scenario("tutorial")
        for history, key in ((kpis(1), "chart.one_point"), (kpis(4, flat=True), "chart.flat")):
            assert i18n.tr(key, metric="", value="", quarter="") != key
            draw.FRAME.clear()
            draw_kpi_charts(surface, pygame.Rect(0, 0, 600, 400), history, scenario)
            drawn = " ".join(v for v, _ in draw.FRAME.lines)
            marker = i18n.tr(key, metric="", value="", quarter="").split()[-1]
            assert drawn.count(marker[:4]) >= len(CHART_KPIS), drawn  # a sentence per chart
        draw.FRAME.clear()
        draw_kpi_charts(surface, pygame.Rect(0, 0, 600, 400), kpis(3), scenario)
        drawn = " ".join(v for v, _ in draw.FRAME.lines)
        assert "Y1 Q" in drawn or "年Q" in drawn  # a real chart has its quarter axis
    finally:
        i18n.set_language("en")
