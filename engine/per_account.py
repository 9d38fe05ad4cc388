"""What a strategy does to each account over many seeds: won, held or lost, how often, and
the money behind it, so an author sees which accounts drive a case's outcome and why a
lesson check fails (the balance report's account table and lesson diagnoses).

Like ``simulate.run`` it plays one game per seed in a batch; the results depend only on
(scenario, policy, seeds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .game import Batch
from .kpis import abc_tiers
from .policies import Policy, decide
from .scenario import Scenario
from .view import credit_rating

#: The ends an account can come to, per game.
ENDS = ("won", "held", "churned", "defaulted")
#: Share-of-wallet gain (in fractions of the wallet) that counts a kept account as won.
WON_GAIN = 0.05
#: A way to lose an account names the driver when it happens in at least this share of games.
LOSS_DRIVER = 0.15
#: Money components of an account's contribution, in the order a diagnosis names them.
MONEY = ("gross", "bad_debt", "cost")


def account_outcomes(scenario: Scenario, policy: Policy, seeds: Sequence[int]) -> dict:
    """``policy`` on every seed; per account (arrays over ``scenario.accounts``):

    ``won``/``held``/``churned``/``defaulted``: share of games ending so (won: still buying
    from us with our share of wallet up by ``WON_GAIN`` or more); ``share_start`` and
    ``share_end`` (mean; 0 where lost); ``revenue``, ``gross`` (margin after discounts),
    ``bad_debt``, ``cost`` (cost to serve and financing) and ``contribution`` (gross − cost
    − bad debt), mean money per game; ``satisfaction``: mean at the end over games where the
    account is still ours (nan if none). Also ``ids``, ``runs``, and per account the letters
    of its ``tier`` (ABC, by our sales before the game) and public ``credit`` grade (A–D).
    """

    seeds = list(seeds)
    if not seeds:
        raise ValueError("no seeds to play")
    batch = Batch(scenario, seeds)
    start = batch.state.share[:, :, 0].copy()
    prior = batch.state.revenue_last[:, 0].mean(0)  # our sales the quarter before the game
    money = {k: np.zeros((batch.size, batch.static.n)) for k in ("revenue", *MONEY)}
    while not batch.over:
        batch.step(decide(policy, batch.view(), scenario, batch.static))
        o = batch.outcomes[-1]
        money["revenue"] += o.revenue[:, 0]
        money["gross"] += o.gross[:, 0]
        money["bad_debt"] += o.bad_debt[:, 0]
        money["cost"] += o.cost_to_serve[:, 0] + o.financing[:, 0]
    s = batch.state
    defaulted = s.defaulted
    churned = s.churned[:, 0] & ~defaulted
    kept = ~churned & ~defaulted
    end = np.where(kept, s.share[:, :, 0], 0.0)
    won = kept & (end - start >= WON_GAIN)
    sat = np.where(kept, batch.outcomes[-1].satisfaction[:, 0], 0.0).sum(0)
    n_kept = kept.sum(0)
    satisfaction = np.where(n_kept > 0, sat / np.maximum(n_kept, 1), np.nan)
    out = {
        "ids": [a.id for a in scenario.accounts],
        "tier": "".join("ABC"[int(t)] for t in abc_tiers(prior)),
        "credit": "".join(credit_rating(a.credit.pd) for a in scenario.accounts),
        "runs": len(seeds),
        "won": won.mean(0),
        "held": (kept & ~won).mean(0),
        "churned": churned.mean(0),
        "defaulted": defaulted.mean(0),
        "share_start": start.mean(0),
        "share_end": end.mean(0),
        "satisfaction": satisfaction,
        **{k: v.mean(0) for k, v in money.items()},
    }
    out["contribution"] = out["gross"] - out["cost"] - out["bad_debt"]
    return out


def driver(out: dict, i: int) -> tuple[str, float]:
    """What mostly decides account ``i``'s fate under a strategy, as (kind, size):
    ``defaulted``/``churned`` (the share of games, when at least ``LOSS_DRIVER``), else
    ``share_up``/``share_down`` (mean change of our share of wallet, when at least
    ``WON_GAIN``), else ``steady`` (0)."""

    losses = {k: float(out[k][i]) for k in ("defaulted", "churned")}
    worst = max(losses, key=losses.get)
    if losses[worst] >= LOSS_DRIVER:
        return worst, losses[worst]
    gain = float(out["share_end"][i] - out["share_start"][i])
    if gain >= WON_GAIN:
        return "share_up", gain
    if gain <= -WON_GAIN:
        return "share_down", gain
    return "steady", 0.0


def gap_by_account(reference: dict, variant: dict, measure: str, top: int = 3) -> list[dict]:
    """The accounts that carry most of a lesson's gap between two strategies' outcomes.

    Per account the gap on the lesson's side (reference − variant contribution; for a
    ``bad_debt`` lesson, variant − reference bad debt), largest first by size, at most
    ``top``: ``{"index", "id", "gap", "share" (of the summed gaps' sizes), "component"}``,
    where ``component`` is the money part that moved most (gross, bad_debt or cost), plus
    the two strategies' churned/defaulted/won rates for the account.
    """

    if measure == "bad_debt":
        gaps = variant["bad_debt"] - reference["bad_debt"]
    else:
        gaps = reference["contribution"] - variant["contribution"]
    total = float(np.abs(gaps).sum())
    rows = []
    for i in np.argsort(-np.abs(gaps), kind="stable")[:top]:
        moves = {"gross": reference["gross"][i] - variant["gross"][i],
                 "bad_debt": variant["bad_debt"][i] - reference["bad_debt"][i],
                 "cost": variant["cost"][i] - reference["cost"][i]}
        rows.append({
            "index": int(i),
            "id": reference["ids"][i],
            "gap": float(gaps[i]),
            "share": float(abs(gaps[i]) / total) if total > 0 else 0.0,
            "component": max(MONEY, key=lambda k: abs(moves[k])),
            **{f"{side}_{k}": float(out[k][i]) for side, out in (("reference", reference),
                                                                  ("variant", variant))
               for k in ("won", "churned", "defaulted")},
        })
    return rows
