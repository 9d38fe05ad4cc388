"""Small charts drawn straight onto a pygame Surface.

The game only needs a handful of chart types (KPI trends, account rankings,
scores), so they are drawn with ``pygame.draw`` and ``pygame.font`` rather than
a plotting library: no extra dependency, no temporary files, and the charts
match the UI fonts (pass a CJK-capable font so Chinese labels render).

Every function draws into ``rect`` on the given surface and returns nothing
to remember (each line of text is noted in ``draw.FRAME``, as ``draw.text``
notes its own, for the overlap checks).  Drawing is clipped to
``rect`` (the surface's own clip is restored afterwards), so a chart can never
scribble over neighbouring widgets whatever the data looks like.

Colour is never the only cue: the palette is Okabe–Ito (distinguishable with
the common colour-vision deficiencies), line series also differ by marker
shape, and a highlighted bar gets an outline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pygame

from .draw import FRAME

__all__ = [
    "RGB",
    "PALETTE",
    "BACKGROUND",
    "GRID",
    "AXIS",
    "TEXT",
    "MUTED",
    "MARKERS",
    "Series",
    "nice_ticks",
    "line_chart",
    "sparkline",
    "bar_chart",
    "gauge",
]

RGB = tuple[int, int, int]

# Okabe & Ito (2008), ordered for series use: the strongest, most separable hues
# first; yellow last because it has little contrast on a light background.  Pure
# black is replaced by a dark grey so it reads as "a series", not as the axis.
PALETTE: tuple[RGB, ...] = (
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
    (0, 158, 115),  # bluish green
    (230, 159, 0),  # orange
    (204, 121, 167),  # reddish purple
    (86, 180, 233),  # sky blue
    (68, 68, 68),  # dark grey (Okabe-Ito black)
    (240, 228, 66),  # yellow
)

BACKGROUND: RGB = (246, 247, 250)  # the light panel colour the charts are tuned for
GRID: RGB = (222, 225, 231)
AXIS: RGB = (140, 146, 158)
TEXT: RGB = (40, 44, 52)
MUTED: RGB = (110, 116, 128)  # secondary text: tick labels, "no data" dash

MARKERS = ("circle", "square", "triangle", "diamond")
"""Marker shape per series index, so series differ by more than colour."""

Colour = int | tuple[int, int, int] | None
RectLike = pygame.Rect | tuple[int, int, int, int]

_PAD = 4
_MARKER_R = 3
_DASH, _GAP = 6, 4


@dataclass(frozen=True)
class Series:
    """One line of a line chart.

    ``colour`` is a palette index, an RGB tuple, or None for "by position".
    ``dashed`` is meant for forecasts/targets so they are not mistaken for
    actuals, even in greyscale.  NaN values leave a gap in the line.
    """

    label: str
    values: Sequence[float]
    colour: Colour = None
    dashed: bool = False


def _plain(value: float) -> str:
    return f"{value:g}"


def _is_num(value: float) -> bool:
    """Finite number?  Accepts numpy scalars; None and NaN count as gaps."""
    try:
        return math.isfinite(value)
    except TypeError:
        return False


def _clean(values: Sequence[float]) -> list[float]:
    """Plain floats with NaN for gaps, so numpy scalars and None behave like numbers."""
    return [float(v) if _is_num(v) else math.nan for v in values]


def _resolve(colour: Colour, index: int) -> RGB:
    if colour is None:
        return PALETTE[index % len(PALETTE)]
    if isinstance(colour, int):
        return PALETTE[colour % len(PALETTE)]
    return (int(colour[0]), int(colour[1]), int(colour[2]))


@contextmanager
def _clipped(surface: pygame.Surface, rect: pygame.Rect) -> Iterator[pygame.Rect]:
    """Clip drawing to ``rect`` (within any existing clip) and restore afterwards."""
    old = surface.get_clip()
    area = rect.clip(old)
    surface.set_clip(area)
    try:
        yield area
    finally:
        surface.set_clip(old)


# --------------------------------------------------------------------- ticks


def labelled_ticks(lo: float, hi: float, y_format: Callable[[float], str]
                   ) -> tuple[list[float], list[str]]:
    """``nice_ticks`` and their labels, with fewer ticks when the format would print two
    alike (satisfaction 3.45 / 3.5 at one decimal: "3.5", "3.5")."""

    for n in (4, 3, 2):
        ticks = nice_ticks(lo, hi, n)
        text = [y_format(t) for t in ticks]
        if len(set(text)) == len(text):
            break
    return ticks, text


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Evenly spaced "round" tick values covering ``[lo, hi]``.

    Steps follow the 1-2-5 rule (…, 0.5, 1, 2, 5, 10, …) because humans read
    those intervals at a glance.  The result spans the data (first tick <= lo,
    last >= hi) with about ``n`` ticks; for the default ``n=4`` it always has
    3 to 5.  A zero-width range is widened so a flat series still gets an axis.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"nice_ticks needs finite bounds, got {lo!r}, {hi!r}")
    n = max(2, int(n))
    lo, hi = min(lo, hi), max(lo, hi)
    scale = max(abs(lo), abs(hi))
    if hi - lo <= max(scale * 1e-9, 1e-200):  # flat, or below float resolution
        pad = scale * 0.1 if scale > 1e-200 else 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / (n - 1)
    exp = math.floor(math.log10(raw))
    best: tuple[int, float, int, int] | None = None  # (penalty, step, first, last)
    for e in (exp - 1, exp, exp + 1):
        for m in (1, 2, 5):
            step = m * 10.0**e
            first = math.floor(lo / step + 1e-9)
            last = math.ceil(hi / step - 1e-9)
            count = last - first + 1
            # Counts in [n-1, n+1] win; among them the one closest to n.
            penalty = abs(count - n) + (0 if n - 1 <= count <= n + 1 else 100)
            if best is None or penalty < best[0]:
                best = (penalty, step, first, last)
    assert best is not None
    _, step, first, last = best
    digits = max(0, 1 - math.floor(math.log10(step)))  # strips float noise like 0.30000000000000004
    return [round(k * step, digits) + 0.0 for k in range(first, last + 1)]  # + 0.0: no -0.0


# ------------------------------------------------------------ text & shapes


def _fit(font: pygame.font.Font, text: str, max_w: int) -> str:
    """Truncate ``text`` with an ellipsis so it fits in ``max_w`` pixels."""
    if font.size(text)[0] <= max_w:
        return text
    while text and font.size(text + "…")[0] > max_w:
        text = text[:-1]
    return text + "…" if text else ""


def _blit_text(
    surface: pygame.Surface,
    font: pygame.font.Font,
    text: str,
    colour: RGB,
    pos: tuple[int, int],
    anchor: str = "topleft",
) -> pygame.Rect:
    image = font.render(text, True, colour)
    box = image.get_rect(**{anchor: pos})
    _blit(surface, image, box, text)
    return box


def _blit(surface: pygame.Surface, image: pygame.Surface, box: pygame.Rect, text: str) -> None:
    """Blit a rendered line and note its ink box in the frame (the overlap checks read it)."""
    surface.blit(image, box)
    ink = image.get_bounding_rect().move(box.topleft).clip(surface.get_clip())
    if ink.width and ink.height:
        FRAME.lines.append((text, ink))


def _marker(
    surface: pygame.Surface, shape: str, colour: RGB, c: tuple[float, float], r: int
) -> None:
    x, y = c
    if shape == "circle":
        pygame.draw.circle(surface, colour, (round(x), round(y)), r)
    elif shape == "square":
        pygame.draw.rect(
            surface, colour, pygame.Rect(round(x - r), round(y - r), 2 * r + 1, 2 * r + 1)
        )
    elif shape == "triangle":
        pygame.draw.polygon(
            surface, colour, [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)]
        )
    else:  # diamond
        pygame.draw.polygon(
            surface, colour, [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
        )


def _dashed(
    surface: pygame.Surface, colour: RGB, points: list[tuple[float, float]], width: int
) -> None:
    """Draw a polyline as dashes whose rhythm continues across vertices."""
    on, left = True, float(_DASH)  # current phase and what remains of it
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        seg = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while pos < seg:
            step = min(left, seg - pos)
            if on:
                a, b = pos / seg, (pos + step) / seg
                pygame.draw.line(
                    surface,
                    colour,
                    (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                    (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                    width,
                )
            pos += step
            left -= step
            if left <= 0:
                on = not on
                left = float(_DASH if on else _GAP)


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Split a point list at ``None`` (NaN) entries into contiguous runs."""
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def _no_data(surface: pygame.Surface, area: pygame.Rect, font: pygame.font.Font | None) -> None:
    """An em dash in the middle: empty charts must look deliberate, not broken."""
    if font is not None:
        _blit_text(surface, font, "—", MUTED, area.center, "center")
    else:
        w = max(2, area.w // 6)
        pygame.draw.line(
            surface, MUTED, (area.centerx - w, area.centery), (area.centerx + w, area.centery)
        )


# ---------------------------------------------------------------- line chart


def line_chart(
    surface: pygame.Surface,
    rect: RectLike,
    series: Sequence[Series],
    *,
    font: pygame.font.Font,
    x_labels: Sequence[str] | None = None,
    y_format: Callable[[float], str] = _plain,
    title: str | None = None,
    highlight_last: bool = True,
    y_range: tuple[float, float] | None = None,
) -> None:
    """Multi-series line chart with nice y ticks, thinned x labels and a legend.

    Layout, top to bottom: optional title, a legend row when there is more
    than one series, the plot (y tick labels on its left), x labels.  The y
    axis comes from :func:`nice_ticks` over all finite values, or from
    ``y_range`` (e.g. ``(0, 100)`` for scores) — values outside it are clipped
    at the plot edge.  ``highlight_last`` enlarges the latest point of each
    series and, for a single series, prints its value, because the current
    quarter is what the player acts on.
    """
    rect = pygame.Rect(rect)
    line_h = font.get_linesize()
    with _clipped(surface, rect):
        top = rect.top
        if title:
            _blit_text(surface, font, _fit(font, title, rect.w), TEXT, (rect.left, top))
            top += line_h + _PAD
        if len(series) > 1:
            rows = _legend(surface, pygame.Rect(rect.left, top, rect.w, line_h), series, font)
            top += rows * line_h + _PAD

        data = [_clean(s.values) for s in series]
        values = [v for d in data for v in d if _is_num(v)]
        if y_range is not None:
            ticks, tick_text = labelled_ticks(*y_range, y_format)
        elif values:
            ticks, tick_text = labelled_ticks(min(values), max(values), y_format)
        else:
            ticks, tick_text = labelled_ticks(0.0, 1.0, y_format)
        y_label_w = min(max(font.size(t)[0] for t in tick_text), rect.w // 3)

        bottom = rect.bottom - ((line_h + _PAD) if x_labels else 0) - line_h // 2
        plot = pygame.Rect(rect.left + y_label_w + _PAD * 2, top + line_h // 2, 0, 0)
        plot.width = max(1, rect.right - plot.left - _PAD * 2)
        plot.height = max(1, bottom - plot.top)

        lo, hi = ticks[0], ticks[-1]

        def y_of(v: float) -> float:
            return plot.bottom - (v - lo) / (hi - lo) * plot.height

        for t, text in zip(ticks, tick_text):
            y = round(y_of(t))
            pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
            _blit_text(
                surface,
                font,
                _fit(font, text, y_label_w),
                MUTED,
                (plot.left - _PAD * 2, y),
                "midright",
            )
        pygame.draw.line(surface, AXIS, plot.bottomleft, plot.bottomright)

        n = max([len(d) for d in data] + [len(x_labels or [])] + [0])

        def x_of(i: int) -> float:
            return plot.centerx if n <= 1 else plot.left + i * plot.width / (n - 1)

        if x_labels:
            _x_labels(surface, font, x_labels, x_of, plot, rect)
        if not values:
            _no_data(surface, plot, font)
            return

        # Markers on every point only when they don't crowd into a smear.
        all_markers = n <= 1 or plot.width / (n - 1) >= 4 * _MARKER_R
        with _clipped(surface, plot.inflate(2 * _MARKER_R + 4, 2 * _MARKER_R + 4).clip(rect)):
            for k, (s, d) in enumerate(zip(series, data)):
                colour = _resolve(s.colour, k)
                shape = MARKERS[k % len(MARKERS)]
                pts = [(x_of(i), y_of(v)) if _is_num(v) else None for i, v in enumerate(d)]
                for run in _runs(pts):
                    if len(run) > 1:
                        if s.dashed:
                            _dashed(surface, colour, run, 2)
                        else:
                            pygame.draw.lines(surface, colour, False, run, 2)
                    for p in run if all_markers else run[-1:]:
                        _marker(surface, shape, colour, p, _MARKER_R)
                last = next((p for p in reversed(pts) if p is not None), None)
                if highlight_last and last is not None:
                    _marker(surface, shape, BACKGROUND, last, _MARKER_R + 3)
                    _marker(surface, shape, colour, last, _MARKER_R + 1)
        if highlight_last and len(series) == 1:
            _last_value_label(surface, font, data[0], x_of, y_of, plot, y_format)


def _legend(
    surface: pygame.Surface, row: pygame.Rect, series: Sequence[Series], font: pygame.font.Font
) -> int:
    """Marker + label per series, left to right, wrapping onto more rows (a workshop may
    chart twelve teams); returns the number of rows used."""
    swatch = 18
    x, cy, rows = row.left, row.centery, 1
    for k, s in enumerate(series):
        colour = _resolve(s.colour, k)
        width = swatch + _PAD + font.size(s.label)[0]
        if x > row.left and x + width > row.right:  # the next row
            x, cy, rows = row.left, cy + row.height, rows + 1
        if s.dashed:
            _dashed(surface, colour, [(x, cy), (x + swatch, cy)], 2)
        else:
            pygame.draw.line(surface, colour, (x, cy), (x + swatch, cy), 2)
        _marker(surface, MARKERS[k % len(MARKERS)], colour, (x + swatch / 2, cy), _MARKER_R)
        x += swatch + _PAD
        label = _fit(font, s.label, row.right - x)
        if label:
            x = _blit_text(surface, font, label, TEXT, (x, cy), "midleft").right
        x += _PAD * 3
    return rows


def _x_labels(
    surface: pygame.Surface,
    font: pygame.font.Font,
    labels: Sequence[str],
    x_of: Callable[[int], float],
    plot: pygame.Rect,
    rect: pygame.Rect,
) -> None:
    """Draw every k-th label, counted back from the latest so it is always shown."""
    n = len(labels)
    widest = max((font.size(t)[0] for t in labels), default=0) + _PAD * 3
    slot = plot.width / max(1, n - 1) if n > 1 else plot.width
    stride = max(1, math.ceil(widest / max(slot, 1)))
    y = plot.bottom + _PAD
    left_edge = rect.right + _PAD * 3  # left side of the last label drawn
    for i in range(n - 1, -1, -stride):
        label = _fit(font, labels[i], rect.w)
        image = font.render(label, True, MUTED)
        box = image.get_rect(midtop=(round(x_of(i)), y))
        box.clamp_ip(rect)  # keep the first/last label whole at the chart edge
        if box.right + _PAD * 2 > left_edge:  # clamping pushed it into its neighbour
            continue
        _blit(surface, image, box, label)
        left_edge = box.left


def _last_value_label(
    surface: pygame.Surface,
    font: pygame.font.Font,
    values: list[float],
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
    plot: pygame.Rect,
    y_format: Callable[[float], str],
) -> pygame.Rect | None:
    """The latest value beside its point, where it crosses neither the line nor a marker:
    above-left, below-left, left, above or below the point, the first that is clear."""
    i = next((j for j in range(len(values) - 1, -1, -1) if _is_num(values[j])), None)
    if i is None:
        return None
    x, y = round(x_of(i)), round(y_of(values[i]))
    text = y_format(values[i])
    image = font.render(text, True, TEXT)
    points = [(x_of(j), y_of(v)) for j, v in enumerate(values) if _is_num(v)]
    gap = _PAD + _MARKER_R
    w, h = image.get_size()
    candidates = [image.get_rect(bottomright=(x - _PAD, y - _PAD)),
                  image.get_rect(topright=(x - _PAD, y + _PAD)),
                  image.get_rect(midright=(x - gap - 2, y)),
                  image.get_rect(midbottom=(x, y - gap - 2)),
                  image.get_rect(midtop=(x, y + gap + 2))]
    best = None
    for box in candidates:
        box = box.clamp(plot)
        if not _crosses(box, points):
            best = box
            break
    if best is None:  # nowhere clear: the label gets a backing so the line stays readable
        best = candidates[0].clamp(plot)
        pygame.draw.rect(surface, BACKGROUND, best.inflate(4, 2))
    _blit(surface, image, best, text)
    return best


def _crosses(box: pygame.Rect, points: list[tuple[float, float]]) -> bool:
    """Whether ``box`` (with a pixel of air) touches the polyline or any of its markers."""
    air = box.inflate(2, 2)
    if any(air.clipline(a, b) for a, b in zip(points, points[1:])):
        return True
    r = _MARKER_R + 3
    return any(air.colliderect((px - r, py - r, 2 * r, 2 * r)) for px, py in points)


# ----------------------------------------------------------------- sparkline


def sparkline(
    surface: pygame.Surface, rect: RectLike, values: Sequence[float], colour: Colour = 0
) -> None:
    """A tiny trend line for KPI tiles, with the latest point marked.

    No axes or labels: it shows direction, the number beside it shows value.
    With fewer than two finite points there is no trend, so a flat dash is
    drawn instead of a misleading dot.
    """
    rect = pygame.Rect(rect)
    rgb = _resolve(colour, 0)
    values = _clean(values)
    finite = [v for v in values if _is_num(v)]
    with _clipped(surface, rect):
        if len(finite) < 2:
            _no_data(surface, rect, None)
            return
        inner = rect.inflate(-2 * (_MARKER_R), -2 * (_MARKER_R))
        inner.w, inner.h = max(1, inner.w), max(1, inner.h)
        lo, hi = min(finite), max(finite)
        n = len(values)

        def point(i: int, v: float) -> tuple[float, float]:
            x = inner.left + i * inner.w / (n - 1)
            y = inner.centery if hi == lo else inner.bottom - (v - lo) / (hi - lo) * inner.h
            return (x, y)

        pts = [point(i, v) if _is_num(v) else None for i, v in enumerate(values)]
        for run in _runs(pts):
            if len(run) > 1:
                pygame.draw.lines(surface, rgb, False, run, 2)
        last = next(p for p in reversed(pts) if p is not None)
        pygame.draw.circle(surface, rgb, (round(last[0]), round(last[1])), _MARKER_R)


# ----------------------------------------------------------------- bar chart


def bar_rows(rect: RectLike, n: int, font: pygame.font.Font) -> list[pygame.Rect]:
    """The rows ``bar_chart`` lays ``n`` bars out in, top to bottom (those that fit), for
    widgets over the bars (a tooltip per bar)."""

    rect = pygame.Rect(rect)
    line_h = font.get_linesize()
    row_h = max(line_h + 2, min(rect.h // max(n, 1), line_h * 2))
    rows = min(n, max(1, rect.h // row_h))
    return [pygame.Rect(rect.left, rect.top + i * row_h, rect.w, row_h) for i in range(rows)]


def bar_chart(
    surface: pygame.Surface,
    rect: RectLike,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    font: pygame.font.Font,
    value_format: Callable[[float], str] = _plain,
    colours: Sequence[Colour] | None = None,
    highlight: int | None = None,
) -> None:
    """Horizontal bars: labels on the left, formatted values on the right.

    Horizontal because account names are long (and Chinese names don't rotate
    well).  Bars grow from a zero line, so negative values (losses, declines)
    extend to its left.  ``highlight`` marks one row (e.g. the player's
    account) with a stronger colour and an outline (explicit ``colours`` are
    kept, then only the outline marks it).  Rows that don't fit in
    ``rect`` are not drawn; NaN values show ``—`` and no bar.
    """
    rect = pygame.Rect(rect)
    values = _clean(values)
    with _clipped(surface, rect):
        n = min(len(labels), len(values))
        if n == 0:
            _no_data(surface, rect, font)
            return
        row_rects = bar_rows(rect, n, font)
        row_h, rows = row_rects[0].h, len(row_rects)
        texts = [value_format(v) if _is_num(v) else "—" for v in values[:rows]]
        label_w = min(max(font.size(t)[0] for t in labels[:rows]), rect.w * 2 // 5)
        value_w = min(max(font.size(t)[0] for t in texts), rect.w // 4)
        bars = pygame.Rect(rect.left + label_w + _PAD * 2, rect.top, 0, rect.h)
        bars.width = max(1, rect.right - value_w - _PAD * 2 - bars.left)

        finite = [v for v in values[:rows] if _is_num(v)]
        lo, hi = min([0.0, *finite]), max([0.0, *finite])
        span = (hi - lo) or 1.0
        zero_x = bars.left + (0.0 - lo) / span * bars.w

        for i in range(rows):
            cy = rect.top + i * row_h + row_h // 2
            _blit_text(
                surface, font, _fit(font, labels[i], label_w), TEXT, (rect.left, cy), "midleft"
            )
            _blit_text(surface, font, texts[i], TEXT, (rect.right, cy), "midright")
            v = values[i]
            if not _is_num(v):
                continue
            end_x = bars.left + (v - lo) / span * bars.w
            thickness = max(2, row_h * 3 // 5)
            bar = pygame.Rect(round(min(zero_x, end_x)), cy - thickness // 2, 0, thickness)
            bar.width = max(1, round(abs(end_x - zero_x)))
            base = colours[i] if colours is not None and i < len(colours) else None
            if highlight is None:
                rgb = _resolve(base, 0)
            else:  # highlighted bar stands out; the rest recede
                rgb = _resolve(base, 1) if i == highlight else _resolve(base, 5)
            pygame.draw.rect(surface, rgb, bar)
            if i == highlight:
                pygame.draw.rect(surface, TEXT, bar.inflate(2, 2), 1)
        pygame.draw.line(
            surface, AXIS, (round(zero_x), rect.top), (round(zero_x), rect.top + rows * row_h)
        )


# --------------------------------------------------------------------- gauge


def gauge(
    surface: pygame.Surface,
    rect: RectLike,
    value: float,
    lo: float,
    hi: float,
    *,
    font: pygame.font.Font,
    label: str,
    value_format: Callable[[float], str] = _plain,
    colour: Colour = 0,
) -> None:
    """A horizontal meter for a score between ``lo`` and ``hi``.

    A straight bar is read more accurately than an arc and fits a side panel.
    Label on the left and value on the right above the track; the fill stops
    at the ends for out-of-range values, and NaN shows ``—`` over an empty
    track.  A single fill colour is used on purpose: red/green bands are not
    colour-blind safe, the number carries the judgement.
    """
    rect = pygame.Rect(rect)
    line_h = font.get_linesize()
    value = float(value) if _is_num(value) else math.nan
    with _clipped(surface, rect):
        text = value_format(value) if _is_num(value) else "—"
        value_box = _blit_text(surface, font, text, TEXT, (rect.right, rect.top), "topright")
        _blit_text(
            surface, font, _fit(font, label, value_box.left - rect.left - _PAD), TEXT, rect.topleft
        )
        track_h = max(4, min(12, rect.h - line_h - _PAD))
        track = pygame.Rect(rect.left, rect.top + line_h + _PAD, rect.w, track_h)
        if track.top >= rect.bottom:  # too short for label and track: track only
            track.top = rect.bottom - track_h
        radius = track_h // 2
        pygame.draw.rect(surface, GRID, track, border_radius=radius)
        if _is_num(value) and hi != lo:
            frac = min(1.0, max(0.0, (value - lo) / (hi - lo)))
            if frac > 0:
                fill = track.copy()
                fill.width = max(track_h, round(track.w * frac))
                pygame.draw.rect(surface, _resolve(colour, 0), fill, border_radius=radius)
