"""Key-account KPIs per quarter and per game, and the balanced scorecard grade.

Definitions (all per game and player):
- margin: gross margin / revenue; profit is after cost to serve, actions, financing, bad debt.
- satisfaction: wallet-weighted mean account satisfaction (1-5) over accounts still active
  (a key account counts for what it is worth); zones after Jones & Sasser, by account:
  defection < 2.5 <= indifference < 4 <= affection.
- nps: % accounts at >= 4.5 minus % below 3.5 (a loyalty index from -100 to 100).
- retention: share of the starting portfolio's wallet still buying from us (not churned,
  not defaulted); accounts_kept counts accounts instead.
- share_of_wallet: our share of the accounts' spend, weighted by their wallets.
- concentration: HHI of revenue across accounts, top-1 and top-5 share.
- dso: receivables / revenue per day; bad_debt_ratio: bad debt / revenue.
- coverage: influence-weighted share of each buying center contacted in the last two quarters.
- clv: quarterly contribution m with retention r, CLV = m * r / (1 + i - r).
"""

from __future__ import annotations

import numpy as np

from .model import Outcome, State
from .scenario import STAGES
from .world import Static

ZONES = ("defection", "indifference", "affection")


def _safe_div(a, b, default=0.0):
    b = np.asarray(b, float)
    return np.where(b != 0, np.asarray(a, float) / np.where(b != 0, b, 1.0), default)


def turn_kpis(st: Static, s: State, o: Outcome) -> dict[str, np.ndarray]:
    """KPIs of the quarter just played, each (B, P)."""

    p = s.churned.shape[1]
    active = ~s.churned & ~s.defaulted[:, None, :]
    n_active = active.sum(-1)
    revenue = o.revenue.sum(-1)
    sat = np.where(active, o.satisfaction, np.nan)
    wallet = np.where(s.defaulted, 0.0, s.wallet)[:, None, :]
    kept_w = wallet * active
    mean_sat = np.where(
        n_active > 0, _safe_div((np.nan_to_num(sat) * kept_w).sum(-1), kept_w.sum(-1)), 1.0
    )
    shares = s.share[..., :p].transpose(0, 2, 1)
    rev_share = _safe_div(o.revenue, revenue[..., None])
    ar = s.receivables.sum(-1).sum(-1)
    k = {
        "revenue": revenue,
        "gross": o.gross.sum(-1),
        "profit": o.profit,
        "spend": o.spend,
        "cost_to_serve": o.cost_to_serve.sum(-1),
        "margin": _safe_div(o.gross.sum(-1), revenue),
        "satisfaction": mean_sat,
        "nps": 100.0
        * _safe_div(((sat >= 4.5) & active).sum(-1) - ((sat < 3.5) & active).sum(-1), n_active),
        "retention": _safe_div((s.wallet[:, None, :] * active).sum(-1), s.wallet.sum(-1)[:, None]),
        "accounts_kept": n_active / st.n,
        "churned": o.churn.sum(-1).astype(float),
        "share_of_wallet": _safe_div((shares * wallet).sum(-1), wallet.sum(-1)),
        "hhi": (rev_share**2).sum(-1),
        "top1_share": rev_share.max(-1),
        "top5_share": np.sort(rev_share, -1)[..., ::-1][..., :5].sum(-1),
        "receivables": ar,
        "overdue": s.receivables[..., 1:].sum(-1).sum(-1),
        "ar_not_due": s.receivables[..., 0].sum(-1),
        "ar_overdue_1q": s.receivables[..., 1].sum(-1),
        "ar_overdue_2q": s.receivables[..., 2].sum(-1),
        "ar_overdue_3q_plus": s.receivables[..., 3].sum(-1),
        "complaints_open": s.complaint.sum(-1).astype(float),
        "dso": _safe_div(ar, revenue / 90.0),
        "bad_debt": o.bad_debt.sum(-1),
        "coverage": _safe_div(np.where(active, o.coverage, 0.0).sum(-1), n_active),
    }
    for z, (lo, hi) in zip(ZONES, ((0, 2.5), (2.5, 4.0), (4.0, 6.0))):
        k[f"zone_{z}"] = _safe_div(((sat >= lo) & (sat < hi) & active).sum(-1), n_active)
    for i, name in enumerate(STAGES):
        k[f"stage_{name}"] = (s.stage == i).sum(-1).astype(float)
    return k


def game_totals(per_turn: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Whole-game figures from the quarters played, each (B, P)."""

    if not per_turn:
        raise ValueError("no quarter has been played")

    def total(key):
        return np.sum([q[key] for q in per_turn], axis=0)

    last = per_turn[-1]
    revenue = total("revenue")
    return {
        "revenue": revenue,
        "profit": total("profit"),
        "gross": total("gross"),
        "margin": _safe_div(total("gross"), revenue),
        "bad_debt": total("bad_debt"),
        "bad_debt_ratio": _safe_div(total("bad_debt"), revenue),
        "satisfaction": last["satisfaction"],
        "nps": last["nps"],
        "retention": last["retention"],
        "share_of_wallet": last["share_of_wallet"],
        "coverage": np.mean([q["coverage"] for q in per_turn], axis=0),
        "receivables": last["receivables"],
        "dso": last["dso"],
        "hhi": last["hhi"],
    }


#: Scorecard metrics that add up over quarters: mid-game, their benchmark is pro-rated.
CUMULATIVE = ("profit", "revenue")

#: Where each scorecard item's points run out: no profit, satisfaction 1, … and bad debt of
#: a tenth of revenue (a stress year's level in B2B trade credit).
WORST = {"profit": 0.0, "revenue": 0.0, "margin": -1.0, "satisfaction": 1.0, "retention": 0.0,
         "share_of_wallet": 0.0, "bad_debt_ratio": 0.10, "nps": -100.0, "coverage": 0.0,
         "hhi": 1.0}

#: Share of an item's points earned at its floor. The rest is earned between the floor and
#: the target; below the floor the floor's share fades linearly to nothing at the metric's
#: worst (no profit, satisfaction 1 …), so weak play is still told apart instead of every
#: weak strategy sharing zero.
FLOOR_POINTS = 0.3


#: A world in which the yardstick makes less than this share of the target profit (or
#: revenue) keeps this share of the span, so the item stays defined when it loses money.
THINNEST_WORLD = 0.05


def item_bounds(
    item, played_share: float, reference: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """(floor, target) of one scorecard item, as the grade uses them.

    Without a ``reference``: the scenario's floor and target (cumulative metrics pro-rated
    to the share of the game played). With one — the yardstick's figures on the same seeds
    (what the world allowed) — the target is the yardstick's value and the floor lies the
    item's span below it; for profit and revenue the span grows and shrinks with the
    yardstick's result against the target, so missing the yardstick by 10 % of profit costs
    the same points in a rich world and a poor one; for bad debt it widens in a world where
    even the yardstick lost more than the target."""

    scale = played_share if item.metric in CUMULATIVE else 1.0
    floor, target = item.floor * scale, item.target * scale
    if reference is None:
        return floor, target
    yard = np.asarray(reference[item.metric], float)
    span = target - floor
    if item.metric in CUMULATIVE and target > 0:
        span = span * np.maximum(yard / target, THINNEST_WORLD)
    elif item.metric == "bad_debt_ratio" and target > 0:
        # A default in this world costs the yardstick too: the span widens with it, so a
        # loss is judged against the exposure the world punished, not against a quiet year.
        span = span * np.maximum(yard / target, 1.0)
    return yard - span, yard


def item_points(metric: str, value, floor, target, ceiling: float | None = 1.0) -> np.ndarray:
    """One item's share of its points (0-1; beyond 1 past the target when ``ceiling`` is
    None): ``FLOOR_POINTS`` at the floor, all at the target, linear between; below the floor
    fading to nothing at the metric's ``WORST``. Works for items where less is better (a
    floor above the target, as for bad debt) alike."""

    value, floor, target = (np.asarray(x, float) for x in (value, floor, target))
    # floor != target (the schema says so), and a yardstick keeps a span (THINNEST_WORLD)
    above = (value - floor) / (target - floor)
    room = floor - WORST[metric]  # from the worst to the floor, signed like target - floor
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.where(room * (target - floor) > 0, (value - WORST[metric]) / room, 0.0)
    fade = FLOOR_POINTS * np.clip(np.nan_to_num(below), 0.0, 1.0)
    top = np.inf if ceiling is None else ceiling
    return np.where(above >= 0, FLOOR_POINTS + (1 - FLOOR_POINTS) * np.minimum(above, top), fade)


def score(
    st: Static, totals: dict[str, np.ndarray], played: int | None = None,
    ceiling: float | None = 1.0, reference: dict[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The scorecard grade 0-100 and each item's 0-100: the one scoring function of the
    solo game, the workshop, ``simulate``/``balance`` and ``probe``.

    ``reference``: the yardstick's totals on the same seeds (``Batch.yardstick``): each item
    is then graded against what the world allowed (``item_bounds``), so 100 is expert play in
    this world and the luck of the draw drops out. Without it: against the scenario's fixed
    floors and targets. After ``played`` of the scenario's quarters, cumulative metrics are
    pro-rated, so the grade "so far" is comparable. ``ceiling`` caps each item (None: points
    beyond the target count, as ``probe`` measures).
    """

    share = 1.0 if played is None else played / st.scenario.turns
    items, weighted, weights = {}, 0.0, 0.0
    for item in st.scenario.scorecard:
        floor, target = item_bounds(item, share, reference)
        frac = item_points(item.metric, totals[item.metric], floor, target, ceiling)
        items[item.metric] = 100.0 * frac
        weighted = weighted + item.weight * frac
        weights += item.weight
    return 100.0 * weighted / weights, items


def abc_tiers(revenue: np.ndarray) -> np.ndarray:
    """Pareto tiers by cumulative revenue along the last axis: A = top 80 %, B next 15 %, C."""

    order = np.argsort(-revenue, axis=-1, kind="stable")
    sorted_rev = np.take_along_axis(revenue, order, -1)
    total = sorted_rev.sum(-1, keepdims=True)
    before = _safe_div(np.cumsum(sorted_rev, -1) - sorted_rev, total)
    tier_sorted = np.where(before < 0.8, 0, np.where(before < 0.95, 1, 2))
    tiers = np.empty_like(tier_sorted)
    np.put_along_axis(tiers, order, tier_sorted, -1)
    return tiers


def rfm(turn: int, last_order: np.ndarray, orders: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """RFM scores 1-5 along the last axis, as (..., 3).

    Recency: 5 if the account ordered last quarter, one less per quarter of silence.
    Frequency: share of the quarters on record (the one before the game and those played)
    with an order. Monetary: revenue quintile among the accounts (ties share a score).
    ``last_order`` is -1 for the quarter before the game.
    """

    quarters = turn + 1
    silence = turn - 1 - last_order
    recency = np.clip(5 - silence, 1, 5)
    frequency = 1 + np.rint(4 * orders / quarters).astype(int)
    less = (revenue[..., None, :] < revenue[..., :, None]).sum(-1)
    equal = (revenue[..., None, :] == revenue[..., :, None]).sum(-1) - 1
    position = (less + 0.5 * equal) / max(revenue.shape[-1] - 1, 1)  # 0 lowest … 1 highest
    monetary = 1 + np.minimum((5 * position).astype(int), 4)
    return np.stack([recency, frequency, monetary], -1)


def clv(contribution: np.ndarray, retention: np.ndarray, rate: float) -> np.ndarray:
    """Customer lifetime value with constant margin m and retention r: m·r / (1 + i − r)."""

    return contribution * retention / (1.0 + rate - retention)


def grade_band(score: float) -> str:
    """The absolute grade band of a 0–100 scorecard grade: excellent, good, fair or weak."""

    if score >= 85:
        return "excellent"
    if score >= 70:
        return "good"
    if score >= 50:
        return "fair"
    return "weak"
