"""Headless tests for game.charts: tick maths, robustness, clipping, legibility."""

import math
import os
from importlib.resources import files

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kam_sandbox.game import charts  # noqa: E402
from kam_sandbox.game.charts import PALETTE, Series, nice_ticks  # noqa: E402

NAN = float("nan")
SENTINEL = (255, 0, 255)
SURFACE_SIZE = (360, 240)
RECT = pygame.Rect(24, 18, 300, 190)


@pytest.fixture(scope="module")
def font():
    pygame.font.init()
    path = files("pygame_gui.data") / "NotoSansSC-Regular.otf"
    return pygame.font.Font(str(path), 13)


def canvas() -> pygame.Surface:
    """Sentinel outside RECT, the light theme background inside it."""
    surface = pygame.Surface(SURFACE_SIZE)
    surface.fill(SENTINEL)
    surface.fill(charts.BACKGROUND, RECT)
    return surface


def pixels(surface: pygame.Surface, area: pygame.Rect | None = None) -> np.ndarray:
    """(h, w, 3) RGB array of ``area`` (default: whole surface)."""
    arr = pygame.surfarray.array3d(surface).transpose(1, 0, 2)
    if area is None:
        return arr
    return arr[area.top : area.bottom, area.left : area.right]


def mask_of(surface: pygame.Surface, colour, area: pygame.Rect | None = None) -> np.ndarray:
    return np.all(pixels(surface, area) == np.array(colour), axis=-1)


def assert_outside_untouched(surface: pygame.Surface) -> None:
    outside = np.ones(SURFACE_SIZE[::-1], dtype=bool)
    outside[RECT.top : RECT.bottom, RECT.left : RECT.right] = False
    assert mask_of(surface, SENTINEL)[outside].all(), "chart drew outside its rect"


def band(top: int, height: int) -> pygame.Rect:
    """A horizontal strip of RECT."""
    return pygame.Rect(RECT.left, RECT.top + top, RECT.w, height)


# ---------------------------------------------------------------- nice_ticks


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 100, [0, 50, 100]),
        (3, 97, [0, 50, 100]),
        (0, 1, [0, 0.5, 1]),
        (-5.2, 13.7, [-10, 0, 10, 20]),
        (0.1, 0.35, [0.1, 0.2, 0.3, 0.4]),
        (97, 103, [96, 98, 100, 102, 104]),
        (123_000, 129_000, [122_000, 124_000, 126_000, 128_000, 130_000]),
        (-1e6, 2e6, [-1e6, 0, 1e6, 2e6]),
        (5, 4, [4, 4.5, 5]),  # reversed bounds
        (100, 100, [90, 95, 100, 105, 110]),  # flat: widened, not divided by zero
        (0, 0, [-1, -0.5, 0, 0.5, 1]),
    ],
)
def test_nice_ticks_cases(lo, hi, expected):
    assert nice_ticks(lo, hi) == pytest.approx(expected)


def test_nice_ticks_has_no_float_noise_or_negative_zero():
    ticks = nice_ticks(0.1, 0.35)
    assert [repr(t) for t in ticks] == ["0.1", "0.2", "0.3", "0.4"]
    assert all(math.copysign(1, t) == 1 for t in nice_ticks(-1, 1) if t == 0)


def test_nice_ticks_respects_n():
    assert len(nice_ticks(-13, 42, n=8)) == 8
    assert len(nice_ticks(0, 97, n=6)) == 6


@pytest.mark.parametrize("bad", [NAN, math.inf, -math.inf])
def test_nice_ticks_rejects_non_finite(bad):
    with pytest.raises(ValueError):
        nice_ticks(0, bad)


def _is_125(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-6)  # 0.0999… counts as 0.1
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5))


@settings(max_examples=int(os.environ.get("TICKS_EXAMPLES", 300)), deadline=None)
@given(
    lo=st.floats(-1e12, 1e12, allow_nan=False),
    width=st.floats(0, 1e12, allow_nan=False),
)
def test_nice_ticks_properties(lo, width):
    hi = lo + width
    ticks = nice_ticks(lo, hi)
    assert 3 <= len(ticks) <= 5
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    assert ticks[0] <= lo + tol and ticks[-1] >= hi - tol
    step = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    assert np.allclose(np.diff(ticks), step, rtol=1e-6)
    assert _is_125(step)


# ------------------------------------------------------ robustness + clipping

DATASETS = {
    "normal": [1.2e5, 1.5e5, 1.4e5, 2.1e5, 2.6e5],
    "empty": [],
    "single": [42.0],
    "nan": [3.0, NAN, 5.0, NAN, NAN, 4.0],
    "all_nan": [NAN, NAN],
    "negative": [-3.0, 2.0, -1.5, 4.0],
    "flat": [7.0, 7.0, 7.0],
    "zeros": [0.0, 0.0, 0.0],
}


def _draw(kind: str, surface: pygame.Surface, values: list[float], font) -> None:
    labels = [f"客户{i} Account" for i in range(len(values))]
    if kind == "line":
        charts.line_chart(
            surface,
            RECT,
            [Series("收入", values), Series("目标", values[::-1], dashed=True)],
            font=font,
            x_labels=[f"Q{i + 1}" for i in range(len(values))],
            title="季度收入",
        )
    elif kind == "line_single":
        charts.line_chart(surface, RECT, [Series("Revenue", values)], font=font)
    elif kind == "sparkline":
        charts.sparkline(surface, RECT, values, 2)
    elif kind == "bar":
        charts.bar_chart(
            surface, RECT, labels, values, font=font, value_format="{:.1f}".format, highlight=0
        )
    elif kind == "gauge":
        value = values[-1] if values else NAN
        charts.gauge(surface, RECT, value, -5, 5, font=font, label="健康度")
    else:  # pragma: no cover
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["line", "line_single", "sparkline", "bar", "gauge"])
@pytest.mark.parametrize("data", list(DATASETS))
def test_charts_draw_any_data_inside_rect(kind, data, font):
    surface = canvas()
    surface.set_clip(pygame.Rect(0, 0, 350, 230))
    _draw(kind, surface, DATASETS[data], font)
    assert_outside_untouched(surface)
    assert surface.get_clip() == pygame.Rect(0, 0, 350, 230), "caller's clip not restored"
    # Something is always drawn, even for no data (a dash says "nothing yet").
    assert not mask_of(surface, charts.BACKGROUND, RECT).all()


def test_tiny_rect_does_not_crash(font):
    surface = pygame.Surface((40, 20))
    for rect in [(0, 0, 40, 20), (5, 5, 1, 1), (0, 0, 0, 0)]:
        charts.line_chart(
            surface, rect, [Series("a", [1, 2, 3])], font=font, x_labels=["x", "y", "z"], title="t"
        )
        charts.bar_chart(surface, rect, ["a", "b"], [1, -2], font=font)
        charts.sparkline(surface, rect, [1, 2, 3])
        charts.gauge(surface, rect, 50, 0, 100, font=font, label="g")


def test_numpy_values_and_none_are_accepted(font):
    surface = canvas()
    values = np.array([1.0, 2.5, np.nan, 4.0], dtype=np.float32)
    charts.line_chart(surface, RECT, [Series("np", values), Series("gap", [1, None, 3])], font=font)
    charts.sparkline(surface, RECT, values)
    charts.bar_chart(surface, RECT, ["a", "b"], np.array([3, -2]), font=font)
    charts.gauge(surface, RECT, np.float64(40), 0, 100, font=font, label="np")
    assert_outside_untouched(surface)


def test_values_outside_y_range_are_clipped(font):
    surface = canvas()
    charts.line_chart(
        surface, RECT, [Series("score", [50, 250, -90, 60])], font=font, y_range=(0, 100)
    )
    assert_outside_untouched(surface)


# ---------------------------------------------------------------- legibility


def test_legend_title_and_axis_labels_appear(font):
    line_h = font.get_linesize()
    surface = canvas()
    charts.line_chart(
        surface,
        RECT,
        [Series("收入", [10, 12, 11, 14]), Series("成本", [0, 1, 0, 1])],
        font=font,
        x_labels=["Q1", "Q2", "Q3", "Q4"],
        title="收入与成本",
    )
    title_band, legend_band = band(0, line_h), band(line_h + 4, line_h)
    assert mask_of(surface, charts.TEXT, title_band).any()
    # The second series stays near the bottom, so its colour in the legend
    # band can only be the legend swatch; the labels are drawn in TEXT.
    assert mask_of(surface, PALETTE[1], legend_band).any()
    assert mask_of(surface, PALETTE[0], legend_band).any()
    assert mask_of(surface, charts.TEXT, legend_band).any()
    x_label_band = band(RECT.h - line_h, line_h)
    assert not mask_of(surface, charts.BACKGROUND, x_label_band).all()
    y_label_column = pygame.Rect(RECT.left, RECT.top + 2 * line_h, 16, RECT.h - 4 * line_h)
    assert not mask_of(surface, charts.BACKGROUND, y_label_column).all()


def test_a_long_legend_wraps_and_names_every_series(font):
    """Twelve workshop teams: every swatch is drawn, on as many legend rows as it takes,
    and the plot starts below them."""

    colours = [(200, 10 * k, 40) for k in range(12)]
    series = [Series(f"Team {k + 1}", [0, 0], colour=c) for k, c in enumerate(colours)]
    line_h = font.get_linesize()
    surface = canvas()
    charts.line_chart(surface, RECT, series, font=font, y_range=(0, 100))  # lines at the foot
    legend = band(0, 4 * line_h)
    assert all(mask_of(surface, c, legend).any() for c in colours)
    rows = [k for k in range(4) if mask_of(surface, colours[-1], band(k * line_h, line_h)).any()]
    assert rows and rows[0] >= 1  # the last team is on a later row, not cut off


def test_single_series_has_no_legend(font):
    line_h = font.get_linesize()
    surface = canvas()
    # Low values keep the line itself out of the top band.
    charts.line_chart(surface, RECT, [Series("收入", [0, 1, 0, 1])], font=font, y_range=(0, 10))
    assert not mask_of(surface, PALETTE[0], band(0, line_h)).any()


def test_same_values_different_colours_give_different_pixels(font):
    values = [3.0, 5.0, 4.0, 6.0]
    a, b = canvas(), canvas()
    charts.line_chart(a, RECT, [Series("s", values, colour=0)], font=font)
    charts.line_chart(b, RECT, [Series("s", values, colour=(200, 30, 30))], font=font)
    assert not np.array_equal(pixels(a), pixels(b))
    assert mask_of(a, PALETTE[0]).any() and not mask_of(a, (200, 30, 30)).any()
    assert mask_of(b, (200, 30, 30)).any() and not mask_of(b, PALETTE[0]).any()


def test_series_differ_by_marker_shape_not_only_colour(font):
    """The same data in the same colour draws differently as series 0 and 1."""
    line_h = font.get_linesize()
    values, gap = [3.0, 5.0, 4.0, 6.0], [NAN] * 4
    first, second = canvas(), canvas()
    charts.line_chart(first, RECT, [Series("a", values, 0), Series("b", gap, 0)], font=font)
    charts.line_chart(second, RECT, [Series("b", gap, 0), Series("a", values, 0)], font=font)
    below_legend = band(2 * line_h + 8, RECT.h - 2 * line_h - 8)  # same layout in both
    assert not np.array_equal(pixels(first, below_legend), pixels(second, below_legend))
    assert len(set(charts.MARKERS)) == 4


def test_dashed_series_draws_fewer_line_pixels(font):
    values = [1.0, 5.0, 2.0, 6.0]
    solid, dashed = canvas(), canvas()
    charts.line_chart(solid, RECT, [Series("s", values)], font=font, highlight_last=False)
    charts.line_chart(
        dashed, RECT, [Series("s", values, dashed=True)], font=font, highlight_last=False
    )
    assert 0 < mask_of(dashed, PALETTE[0]).sum() < mask_of(solid, PALETTE[0]).sum()


def test_nan_leaves_a_gap(font):
    surface = canvas()
    charts.line_chart(surface, RECT, [Series("s", [1, 2, 3, NAN, NAN, NAN, 7, 8, 9])], font=font)
    columns = np.flatnonzero(mask_of(surface, PALETTE[0]).any(axis=0))
    assert np.diff(columns).max() > 40  # three missing quarters leave empty columns


def test_bar_chart_negative_extends_left_of_positive(font):
    surface = canvas()
    charts.bar_chart(surface, RECT, ["增长", "下降"], [10.0, -10.0], font=font)
    ys, xs = np.nonzero(mask_of(surface, PALETTE[0]))
    mid = (ys.min() + ys.max()) / 2
    up, down = xs[ys < mid], xs[ys > mid]
    assert down.max() <= up.min() + 1  # the two bars meet at the zero line
    assert down.min() < up.min()


def test_bar_chart_highlight_uses_another_colour(font):
    plain, marked = canvas(), canvas()
    charts.bar_chart(plain, RECT, ["a", "b", "c"], [3, 2, 1], font=font)
    charts.bar_chart(marked, RECT, ["a", "b", "c"], [3, 2, 1], font=font, highlight=1)
    assert not mask_of(plain, PALETTE[1]).any()
    assert mask_of(marked, PALETTE[1]).any()


def test_sparkline_flat_dash_for_too_few_points():
    surface = canvas()
    charts.sparkline(surface, RECT, [5.0], 0)
    ys, _ = np.nonzero(~mask_of(surface, charts.BACKGROUND, RECT))
    assert ys.max() - ys.min() <= 1  # a single horizontal dash
    trend = canvas()
    charts.sparkline(trend, RECT, [1.0, 3.0, 2.0, 5.0], 0)
    ys, xs = np.nonzero(mask_of(trend, PALETTE[0], RECT))
    assert ys.max() - ys.min() > RECT.h // 2
    assert xs.max() >= RECT.w - 8  # the last point sits at the right edge


def test_gauge_fill_is_proportional_and_clamped(font):
    def fill(value):
        surface = canvas()
        charts.gauge(surface, RECT, value, 0, 100, font=font, label="分数")
        return int(mask_of(surface, PALETTE[0]).sum())

    quarter, three_quarters = fill(25), fill(75)
    assert 2.5 < three_quarters / quarter < 3.5
    assert fill(150) == fill(100)
    assert fill(NAN) == 0 and fill(-10) == 0


def test_chinese_glyphs_render(font):
    """The CJK font draws real, distinct glyphs rather than 'missing' boxes."""
    assert all(m is not None for m in font.metrics("收入"))

    def bitmap(text):
        return pygame.surfarray.array_alpha(font.render(text, True, (0, 0, 0)))

    shou, ru, box = bitmap("收"), bitmap("入"), bitmap("□")
    assert shou.any() and ru.any()
    assert shou.shape != ru.shape or not np.array_equal(shou, ru)
    assert shou.shape != box.shape or not np.array_equal(shou, box)


@pytest.mark.parametrize("lo, hi, digits", [(3.5, 3.6, 1), (-1.0, 1.0, 0), (3.45, 3.62, 1)])
def test_axis_labels_are_never_printed_twice(lo, hi, digits):
    ticks, labels = charts.labelled_ticks(lo, hi, lambda v: f"{v:.{digits}f}")
    assert len(set(labels)) == len(labels) >= 2
    assert ticks[0] <= lo and ticks[-1] >= hi  # still spans the data
