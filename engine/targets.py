"""Scorecard targets calibrated to the ``expert``, so that 100 means expert play.

``suggest_targets`` plays the expert on many seeds and proposes, per scorecard item, a
target at its mean result and a floor that keeps the item's meaning:

* profit: a span of at most ``PROFIT_SPAN`` × the item's weight share of the target, so a
  strategy making 10 % less profit than the expert in the same world loses more than
  five points (``kpis.item_bounds`` scales the span with the world);
* bad debt: the floor (30 % of the points, ``kpis.FLOOR_POINTS``) at three times the
  expert's ratio, and at least ``BAD_DEBT_MIN_SPAN`` above it — lax credit's losses score
  next to nothing;
* every other item keeps the author's span (relative for revenue, absolute otherwise).

``rewrite_scorecard`` puts the suggestion into a scenario's YAML text, changing only the
floor and target lines of its scorecard, so the comments and layout stay.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from .kpis import CUMULATIVE
from .scenario import Scenario

#: Profit span as a multiple of the item's weight share: the floor-to-target stretch carries
#: 1 - FLOOR_POINTS of the item's points, so 10 % less profit costs 10 × 0.7 / 1.12 = 6.25
#: points, whatever the weight.
PROFIT_SPAN = 1.12
#: Smallest span of the bad-debt item (share of revenue).
BAD_DEBT_MIN_SPAN = 0.005
#: Where a metric's values can lie: a floor is kept inside.
NATURAL = {"satisfaction": (1.0, 5.0), "retention": (0.0, 1.0), "share_of_wallet": (0.0, 1.0),
           "coverage": (0.0, 1.0), "hhi": (0.0, 1.0), "nps": (-100.0, 100.0),
           "bad_debt_ratio": (0.0, 1.0), "margin": (-1.0, 1.0)}


def _round(value: float, metric: str) -> float:
    """A readable figure: money to three significant digits, ratios to a few decimals."""

    if metric in CUMULATIVE:
        if value == 0:
            return 0.0
        digits = 3 - int(math.floor(math.log10(abs(value)))) - 1
        return float(round(value, digits))
    return float(round(value, {"bad_debt_ratio": 4, "nps": 1}.get(metric, 3)))


def suggest_targets(scenario: Scenario, seeds: Sequence[int]) -> list[dict]:
    """Per scorecard item: {"metric", "weight", "floor", "target", "old_floor",
    "old_target", "expert_mean"} from the expert played on ``seeds``."""

    from .simulate import yardstick_totals  # simulate builds on this module's users

    totals = yardstick_totals(scenario, list(seeds))
    weights = sum(it.weight for it in scenario.scorecard)
    rows = []
    for it in scenario.scorecard:
        mean = float(np.mean(totals[it.metric]))
        lo, hi = NATURAL.get(it.metric, (-math.inf, math.inf))
        target = _round(min(max(mean, lo), hi), it.metric)
        if it.metric == "bad_debt_ratio":
            floor = target + max(2 * target, BAD_DEBT_MIN_SPAN)
        elif it.metric in CUMULATIVE:
            ratio = abs(it.target - it.floor) / max(abs(it.target), 1e-9)
            if it.metric == "profit":
                ratio = min(ratio, PROFIT_SPAN * it.weight / weights)
            floor = target - ratio * abs(target)
        else:
            floor = min(max(target - (it.target - it.floor), lo), hi)
        floor = _round(floor, it.metric)
        if floor == target:  # a metric the expert pins at its bound: keep a span
            floor = _round(target - (it.target - it.floor), it.metric)
        rows.append({"metric": it.metric, "weight": it.weight, "floor": floor,
                     "target": target, "old_floor": it.floor, "old_target": it.target,
                     "expert_mean": mean})
    return rows


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) >= 1 else repr(value)


def rewrite_scorecard(text: str, rows: Sequence[dict]) -> str:
    """``text`` (a scenario's YAML) with its scorecard's floors and targets set to ``rows``;
    every other line is kept. Raises ValueError if an item's lines are not found."""

    head = re.search(r"^scorecard:\s*$", text, re.M)
    if head is None:
        raise ValueError("no top-level 'scorecard:' block found")
    body_end = re.search(r"^\S", text[head.end():], re.M)
    end = head.end() + (body_end.start() if body_end else len(text[head.end():]))
    block = text[head.end():end]
    for row in rows:
        item = re.search(rf"^([ \t]*)- metric: {re.escape(row['metric'])}[ \t]*$((?:\n\1  .*)*)",
                         block, re.M)
        value = r"[^\s,}]+"  # up to the next space, comma or brace: block or flow style
        if item is None:  # a one-line item: - {metric: profit, weight: 0.2, floor: …}
            item = re.search(rf"^[ \t]*- \{{()(.*\bmetric:[ \t]*{re.escape(row['metric'])}\b.*)$",
                             block, re.M)
        if item is None:
            raise ValueError(f"scorecard item {row['metric']!r} not found")
        lines = item.group(2)
        for key in ("floor", "target"):
            lines, n = re.subn(rf"((?:^|[{{,])[ \t]*{key}:)[ \t]*{value}",
                               rf"\g<1> {_number(row[key])}", lines, flags=re.M)
            if n != 1:
                raise ValueError(f"scorecard item {row['metric']!r} has no single {key} line")
        block = block[:item.start(2)] + lines + block[item.end(2):]
    return text[:head.end()] + block + text[end:]
