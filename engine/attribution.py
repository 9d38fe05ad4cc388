"""Why revenue moved: a quarter's change per account split into the season, the market and
the player's own doing, and a scorecard grade split into points won and lost per item.

Revenue is a product (engine.model, step 7)::

    revenue = wallet / 4 · season · our share · fill · (1 − discount)

so its change from one quarter to the next splits exactly, factor by factor, with the
log-mean Divisia index (Ang 2004): each factor's effect is L(r1, r0) · ln(x1 / x0), where
L is the logarithmic mean, and the effects add up to r1 − r0 with no residual.

The season, the account's own business (its wallet) and the supply capacity are the
world's (in a short quarter the player only decides which accounts get what there is:
that shows per account as a shortfall or as supply kept); share of wallet, price and
losing the account are the player's (share also moves with rival pressure: a competitor
attack is told apart in the quarter's reasons).
"""

from __future__ import annotations

import numpy as np

#: Effects of the world on revenue, not of the player's plan.
EXTERNAL: tuple[str, ...] = ("season", "market", "supply")
#: Effects of the player's own decisions (and of how the accounts answered them).
OWN: tuple[str, ...] = ("share", "price", "lost")
EFFECTS: tuple[str, ...] = EXTERNAL + OWN

_FACTORS = ("season", "market", "share", "supply")  # price: what is left of revenue


def _log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean of positive a and b (a when they are equal)."""

    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    close = np.isclose(a, b, rtol=1e-12, atol=0.0)
    safe_b = np.where(close, a + 1.0, b)
    mean = (a - safe_b) / (np.log(a) - np.log(safe_b))
    return np.where(close, a, mean)


def revenue_effects(r0: np.ndarray, r1: np.ndarray, before: dict[str, np.ndarray],
                    after: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Split ``r1 − r0`` (per account, shape (N,)) into ``EFFECTS``; they add up exactly.

    ``before`` and ``after`` hold each account's factors of the two quarters' revenue:
    ``season`` (the demand multiplier), ``market`` (the wallet), ``share`` (ours) and
    ``supply`` (the fill rate); the price factor (1 − discount) is what is left of the
    revenue. An account whose revenue fell to nothing counts as ``lost`` in full; one that
    starts buying from nothing counts under ``share``.
    """

    r0, r1 = np.asarray(r0, float), np.asarray(r1, float)
    out = {name: np.zeros_like(r0) for name in EFFECTS}
    both = (r0 > 0) & (r1 > 0)
    x0 = {f: np.broadcast_to(np.asarray(before[f], float), r0.shape) for f in _FACTORS}
    x1 = {f: np.broadcast_to(np.asarray(after[f], float), r0.shape) for f in _FACTORS}
    one = np.ones_like(r0)
    base0 = np.prod([np.where(both, x0[f], 1.0) for f in _FACTORS], axis=0)
    base1 = np.prod([np.where(both, x1[f], 1.0) for f in _FACTORS], axis=0)
    x0["price"] = np.where(both, r0 / np.where(both, base0, 1.0), one)
    x1["price"] = np.where(both, r1 / np.where(both, base1, 1.0), one)
    weight = _log_mean(np.where(both, r1, 1.0), np.where(both, r0, 1.0))
    for f in (*_FACTORS, "price"):
        ratio = np.where(both, x1[f], 1.0) / np.where(both, x0[f], 1.0)
        out[f] = np.where(both, weight * np.log(ratio), 0.0)
    out["lost"] = np.where((r0 > 0) & (r1 <= 0), r1 - r0, 0.0)
    out["share"] = out["share"] + np.where((r0 <= 0) & (r1 > 0), r1 - r0, 0.0)
    return out


def score_points(scorecard: dict) -> list[dict]:
    """Each scorecard item's part of the grade: ``won`` and ``lost`` points out of the 100
    it could bring (weights normalised), read from the engine's own per-item grades, so the
    won points add up to the grade whatever the benchmark each item was graded against."""

    items = scorecard.get("items", [])
    total = sum(it["weight"] for it in items) or 1.0
    out = []
    for it in items:
        worth = 100.0 * it["weight"] / total
        won = worth * it["score"] / 100.0
        out.append({"metric": it["metric"], "worth": worth, "won": won, "lost": worth - won})
    return out
