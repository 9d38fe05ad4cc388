"""The turn pipeline of DESIGN §3, vectorised over games (B), players (P), accounts (N),
stakeholder slots (K) and need dimensions (D).

``step`` is a pure function of (state, actions, world): it returns the next state and the
quarter's outcome arrays. Every random number comes from the world's tape, so the same
world and the same actions always give the same result.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields

import numpy as np

from .actions import Actions, money_spent
from .scenario import NEEDS
from .world import (
    DELIVERY,
    INNOVATION,
    PRICE,
    PROMOTION,
    QUALITY,
    RELATIONSHIP,
    SUPPORT,
    TRAINING,
    UNCOUPLING,
    Static,
    World,
    normalise,
)

AGING = 4  # receivable buckets: not yet due, overdue 1, 2, 3+ quarters
#: Needs the need fit compares our effort on: not quality (the product's), delivery (the
#: supply's) or price (money, not service: a discount where price matters little is margin
#: given away, not an offer that missed; counted, it cut a quality buyer's volume).
FITTED = np.ones(len(NEEDS))
FITTED[[QUALITY, DELIVERY, PRICE]] = 0.0
#: Effort stocks that start filled: quality effort comes only from acting on feedback.
_STOCKED = np.array([d != "quality" for d in NEEDS], float)


@dataclass
class State:
    """Everything that changes from quarter to quarter. Hidden and known parts side by side;
    engine.view decides what the player may see."""

    turn: int
    wallet: np.ndarray  # (B, N) annual wallet, hidden
    needs: np.ndarray  # (B, N, D) hidden
    bias: np.ndarray  # (B, N, K, D) personal need bias, hidden
    attack: np.ndarray  # (B, N) rival utility added by attacks
    stress: np.ndarray  # (B, N) default-probability multiplier
    defaulted: np.ndarray  # (B, N) bool
    own_event: np.ndarray  # (B, N) bool: the account holds its own event this quarter
    generation: np.ndarray  # (B, N, K) int: bumps when a stakeholder is replaced
    shift_turn: np.ndarray  # (B, N) quarter the news last reported a need shift, -1 never
    share: np.ndarray  # (B, N, P + R) share of wallet per supplier
    effort: np.ndarray  # (B, P, N, D) effort stock per need (adstock)
    rel_effort: np.ndarray  # (B, P, N, K) relationship effort stock per stakeholder
    trust: np.ndarray  # (B, P, N, K)
    stance: np.ndarray  # (B, P, N, K)
    churned: np.ndarray  # (B, P, N) bool
    stage: np.ndarray  # (B, P, N) int
    streak: np.ndarray  # (B, P, N) int: quarters the next stage's conditions held
    credit_days: np.ndarray  # (B, P, N)
    price_ref: np.ndarray  # (B, P, N) the discount the account has come to expect
    receivables: np.ndarray  # (B, P, N, AGING)
    complaint: np.ndarray  # (B, P, N) bool: open complaint
    # What the player knows (the view reads these).
    needs_seen: np.ndarray  # (B, P, N, D) last needs-analysis reading
    needs_turn: np.ndarray  # (B, P, N) quarter of that reading, -1 never
    sat_seen: np.ndarray  # (B, P, N) last satisfaction reading
    sat_turn: np.ndarray  # (B, P, N)
    stance_seen: np.ndarray  # (B, P, N, K)
    stance_turn: np.ndarray  # (B, P, N, K)
    last_contact: np.ndarray  # (B, P, N, K) quarter of last contact, -1 never
    role_seen: np.ndarray  # (B, P, N, K) bool
    share_seen: np.ndarray  # (B, P, N) estimated share of wallet
    revenue_last: np.ndarray  # (B, P, N) last quarter's revenue
    orders: np.ndarray  # (B, P, N) quarters with an order (RFM frequency)
    last_order: np.ndarray  # (B, P, N) quarter of the last order, -1 = before the game
    last_conference: np.ndarray  # (B, P) quarter of the last conference, -1 never

    def copy(self) -> State:
        return copy.deepcopy(self)

    def evolve(self) -> State:
        """A shallow copy for ``step``, which replaces arrays and never writes into them."""

        return copy.copy(self)

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "turn"}


def initial_state(st: Static, w: World, players: int = 1) -> State:
    b, n, k = len(w.seeds), st.n, st.k
    p = players
    m = st.scenario.model
    half = half_efforts(m)

    def per_player(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, (b, p) + x.shape).copy()

    # Each player starts with the scenario's share; rivals split the rest by strength.
    player_share = np.broadcast_to(st.share / p, (b, n))
    rest = 1.0 - st.share
    rival_share = rest[None, :, None] * normalise(w.rival)
    share = np.concatenate([np.repeat(player_share[..., None], p, -1), rival_share], -1)
    stage = per_player(st.stage)
    return State(
        turn=0,
        wallet=w.wallet.copy(),
        needs=w.needs.copy(),
        bias=w.bias.copy(),
        attack=np.zeros((b, n)),
        stress=np.ones((b, n)),
        defaulted=np.zeros((b, n), bool),
        own_event=np.zeros((b, n), bool),
        generation=np.zeros((b, n, k), int),
        shift_turn=np.full((b, n), -1),
        share=share,
        effort=np.broadcast_to(half * m.initial_effort * _STOCKED, (b, p, n, len(NEEDS))).copy(),
        rel_effort=np.broadcast_to(half[RELATIONSHIP] * m.initial_effort * st.mask, (b, p, n, k)).copy(),
        trust=per_player(st.trust),
        stance=per_player(st.stance),
        churned=np.zeros((b, p, n), bool),
        stage=stage,
        streak=np.zeros((b, p, n), int),
        credit_days=per_player(st.terms),
        price_ref=np.zeros((b, p, n)),
        receivables=np.zeros((b, p, n, AGING)),
        complaint=np.zeros((b, p, n), bool),
        needs_seen=np.zeros((b, p, n, st.needs.shape[1])),
        needs_turn=np.full((b, p, n), -1),
        sat_seen=np.zeros((b, p, n)),
        sat_turn=np.full((b, p, n), -1),
        stance_seen=np.zeros((b, p, n, k)),
        stance_turn=np.full((b, p, n, k), -1),
        last_contact=np.full((b, p, n, k), -1),
        role_seen=per_player(st.role_known),
        share_seen=per_player(st.share),
        # The quarter before the game: each player's part of the starting share.
        revenue_last=np.repeat((w.wallet / 4.0 * st.share / p)[:, None, :], p, axis=1),
        orders=np.ones((b, p, n), int),  # the quarter before the game is on record
        last_order=np.full((b, p, n), -1),
        last_conference=np.full((b, p), -1),
    )


def half_efforts(m) -> np.ndarray:
    """ADBUDG half-saturation per need dimension, in NEEDS order."""

    return np.array([m.half_effort.get(d, 1.0) for d in NEEDS])


def personal_needs(st: Static, s: State) -> np.ndarray:
    """Each stakeholder's needs: the account's needs pulled towards their own bias."""

    # Both parts already sum to one, so their blend needs no renormalising reduction.
    spread = st.scenario.model.stakeholder_spread
    return (s.needs[:, :, None, :] + spread * s.bias) / (1.0 + spread)


def absorb(effort: np.ndarray, half: np.ndarray | float, limit: float) -> np.ndarray:
    """This quarter's effort as the account takes it in: close to all of a little, at most
    ``limit`` × half_effort of a lot (0: no limit). Steady effort beats the same in bursts."""

    if limit <= 0:
        return effort
    return effort / (1.0 + effort / (limit * half))


def respond(effort: np.ndarray, half: np.ndarray, shape: float) -> np.ndarray:
    """ADBUDG response (Little 1970): diminishing returns to accumulated effort."""

    e = np.power(np.maximum(effort, 0.0), shape)
    return e / (np.power(half, shape) + e)


def weigh(influence: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Influence-weighted sum over each buying center: (N, K) × (B, P, N, K) → (B, P, N)."""

    return np.einsum("nk,bpnk->bpn", influence, x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class Outcome:
    """What happened in one quarter, as arrays (B, P, N) unless noted."""

    revenue: np.ndarray
    gross: np.ndarray
    cost_to_serve: np.ndarray
    spend: np.ndarray  # (B, P)
    financing: np.ndarray
    bad_debt: np.ndarray
    profit: np.ndarray  # (B, P) total
    satisfaction: np.ndarray  # account satisfaction 1-5
    sat_stakeholder: np.ndarray  # (B, P, N, K)
    value: np.ndarray  # (B, P, N, K) how well our offer meets each person's needs
    served: np.ndarray  # (B, P, N, D) how well each need is served (relationship: see below)
    served_relationship: np.ndarray  # (B, P, N, K) relationship served, per stakeholder
    fill: np.ndarray  # supply fill rate
    volume: np.ndarray  # what the account bought from us, at list price
    sell_out: np.ndarray  # volume multiplier of joint promotion's pull-through (promotion_pull)
    churn_risk: np.ndarray  # chance of defecting this quarter (Jones & Sasser curve)
    churn: np.ndarray  # bool: defected this quarter
    late: np.ndarray  # (B, N) bool
    default: np.ndarray  # (B, N) bool
    events: dict[str, np.ndarray]  # name -> (B, N) bool
    veto: np.ndarray  # bool
    gate: np.ndarray  # bool
    coverage: np.ndarray


def step(
    st: Static, w: World, s: State, a: Actions, injected: list | None = None
) -> tuple[State, Outcome]:
    """Play one quarter. ``s`` is not modified; a new state is returned."""

    sc, m = st.scenario, st.scenario.model
    s = s.evolve()
    t = s.turn
    b, p, n = s.churned.shape
    k = st.k
    quarter = (sc.start_quarter - 1 + t) % 4
    nz, u = {key: v[:, t] for key, v in w.normal.items()}, {key: v[:, t] for key, v in w.uniform.items()}
    active = ~s.churned & ~s.defaulted[:, None, :]  # (B, P, N)
    mask = st.mask[None, :, :]  # (1, N, K)

    # --- 1. The world moves: events and drift, independent of the player's actions. ----------
    rates = sc.random_events
    ev = {
        "competitor_attack": u["attack"] < rates.competitor_attack,
        "stakeholder_change": u["change"] < rates.stakeholder_change,
        "need_shift": u["shift"] < rates.need_shift,
        "service_failure": u["failure"] < rates.service_failure,
        "complaint": u["complaint"] < rates.complaint,
        "own_event": u["own_event"] < rates.own_event,
        "forced_late": np.zeros((b, n), bool),
        "forced_default": np.zeros((b, n), bool),
        "credit_stress": np.zeros((b, n), bool),
        "shortage": np.zeros((b, n), bool),
    }
    strength = {key: np.full((b, n), 0.5) for key in ev}
    toward = np.zeros((n, len(NEEDS)))  # scripted directions of need shifts
    leaver = np.minimum((u["who"] * st.mask.sum(-1)).astype(int), st.mask.sum(-1) - 1)  # (B, N)
    for event in [e for e in sc.events if e.turn == t + 1] + list(injected or []):
        key = {"late_payment": "forced_late", "default": "forced_default"}.get(event.type, event.type)
        hit = np.zeros(n, bool)
        if event.account is None:
            hit[:] = True
        else:
            hit[sc.account_index(event.account)] = True
        ev[key] = ev[key] | hit
        strength[key] = np.where(hit, event.strength, strength[key])
        if event.toward is not None:
            toward[hit] = normalise(np.array([event.toward.get(d, 0.0) for d in NEEDS]))
        if event.stakeholder is not None:
            i = sc.account_index(event.account)
            j = [sh.id for sh in sc.accounts[i].stakeholders].index(event.stakeholder)
            leaver[:, i] = j
    live = ~s.defaulted
    for key in ev:
        if key != "shortage":  # our own supply problem, whatever account it names
            ev[key] &= live

    s.attack = s.attack * m.attack_decay + ev["competitor_attack"] * m.attack_strength * strength[
        "competitor_attack"
    ] / 0.5
    s.stress = np.where(ev["credit_stress"], m.stress_pd, 1.0 + (s.stress - 1.0) * 0.8)
    s.needs = normalise(s.needs * np.exp(m.need_drift * nz["drift"]))
    s.shift_turn = np.where(ev["need_shift"], t, s.shift_turn)  # the news reports it
    # Events are rare: update only the (game, account) cells they hit.
    gi, ai = np.nonzero(ev["need_shift"])
    if len(gi):
        shifted = s.needs.copy()
        directed = toward[ai].sum(-1, keepdims=True) > 0
        target = np.where(directed, toward[ai], normalise(np.exp(1.2 * nz["shift"][gi, ai])))
        mix = strength["need_shift"][gi, ai][:, None]
        shifted[gi, ai] = normalise((1 - mix) * s.needs[gi, ai] + mix * target)
        s.needs = shifted
    # A stakeholder leaves: the successor (engine.people names them) brings new personal
    # needs and starts from scratch: never met, stance and role unknown.
    change = ev["stakeholder_change"][..., None] & (np.arange(k) == leaver[..., None])  # (B,N,K)
    gi, ai, ki = np.nonzero(change)
    if len(gi):
        bias = s.bias.copy()
        fresh = normalise(np.exp(0.8 * nz["shift"][gi, ai])) + st.bias[ai, ki]
        bias[gi, ai, ki] = normalise(fresh)
        s.bias = bias
        s.generation = s.generation + change
        cp = np.broadcast_to(change[:, None], s.trust.shape)
        s.trust = np.where(cp, 0.25, s.trust)
        s.stance = np.where(cp, 0.0, s.stance)
        s.rel_effort = np.where(cp, 0.0, s.rel_effort)
        s.last_contact = np.where(cp, -1, s.last_contact)
        s.stance_turn = np.where(cp, -1, s.stance_turn)
        s.role_seen = np.where(cp, False, s.role_seen)  # a new person: role yet to be found
    growth = (1.0 + st.growth) ** 0.25
    s.wallet = s.wallet * growth * np.exp(0.04 * nz["wallet"][..., 0])
    demand_pool = s.wallet / 4.0 * st.season[quarter]  # (B, N) this quarter's wallet

    # --- 2. Effort: carry-over plus this quarter's actions. ----------------------------------
    own = s.own_event[:, None, :]
    event_units = a.event_support / m.event_unit * np.where(own, m.own_event_bonus, 1.0)
    e = np.zeros_like(s.effort)
    e[..., SUPPORT] = a.support_days
    e[..., TRAINING] = a.training_days
    e[..., INNOVATION] = a.trial * m.trial_effort
    e[..., PROMOTION] = a.promotion / m.promotion_unit + event_units
    e[..., QUALITY] = a.feedback * m.feedback_quality
    half = half_efforts(m)
    s.effort = m.carryover * s.effort + absorb(e, half, m.effort_absorption)
    terms = np.where(np.isnan(a.credit_days), s.credit_days, a.credit_days)
    s.credit_days = terms
    # Reference price (Kalyanaram & Winer 1995): a discount lifts value by what it gives
    # beyond the discount the account has come to expect, so a permanent one fades and
    # withdrawing it feels like a price rise.
    felt = a.discount - s.price_ref
    s.price_ref = s.price_ref + m.price_adaptation * (a.discount - s.price_ref)
    price_effort = np.maximum(felt * m.discount_effort + terms / 30.0 * m.credit_effort, 0.0)
    contact = a.am_days + a.exec_days * st.exec_affinity[None, None]
    broad = (
        a.conference[..., None] * m.conference_effort
        + a.info_sharing[..., None] * m.info_effort
        + 0.5 * event_units
    )
    fresh = absorb((contact + broad[..., None]) * mask[:, None], half[RELATIONSHIP],
                   m.effort_absorption)
    s.rel_effort = m.carryover * s.rel_effort + fresh
    contacted = (a.am_days + a.exec_days) > 0
    s.last_contact = np.where(contacted, t, s.last_contact)
    s.last_conference = np.where(a.conference > 0, t, s.last_conference)
    s.role_seen = s.role_seen | contacted | a.survey.astype(bool)[..., None]

    # Joint promotion and sell-out support pull more of the account's business through us.
    sell_out = 1.0 + m.promotion_pull * respond(s.effort[..., PROMOTION], half[PROMOTION],
                                                m.response_shape)

    # --- 3. Supply: in a peak quarter capacity is short; the plan decides who gets it. --------
    demand = demand_pool[:, None, :] * s.share[..., :p].transpose(0, 2, 1) * active * sell_out
    fill = np.ones((b, p, n))
    capacity = sc.supply.capacity if st.peak[quarter] else 1.0
    # A shortage hits our whole supply: the deepest cut announced this quarter applies.
    cut = np.where(ev["shortage"], strength["shortage"], 0.0).max(-1)  # (B,)
    capacity = capacity * (1.0 - cut)[:, None, None]
    if np.any(capacity < 1.0):
        cap = capacity * demand.sum(-1, keepdims=True)
        given = a.supply.sum(-1, keepdims=True) > 0
        alloc = np.where(given, a.supply, normalise(demand))
        shipped = np.minimum(demand, alloc * cap)
        unmet = demand - shipped
        spare = np.maximum(cap - shipped.sum(-1, keepdims=True), 0.0)
        shipped = shipped + np.minimum(unmet, spare * normalise(unmet))
        fill = np.where(demand > 0, shipped / np.where(demand > 0, demand, 1.0), 1.0)

    # --- 4. Value, need fit and trust per stakeholder. ----------------------------------------
    # Every need is served a little by the standard offer; effort adds the rest (ADBUDG).
    base = m.base_service
    g = base + (1 - base) * respond(s.effort, half, m.response_shape)  # (B, P, N, D)
    g[..., PRICE] = base + (1 - base) * respond(price_effort, half[PRICE], m.response_shape)
    # The product is what it is; acting on an account's feedback closes part of its gap.
    g[..., QUALITY] = m.quality + (1 - m.quality) * m.quality_reach * respond(
        s.effort[..., QUALITY], half[QUALITY], m.response_shape)
    g[..., DELIVERY] = m.reliability * fill
    g_rel = base + (1 - base) * respond(s.rel_effort, half[RELATIONSHIP], m.response_shape)
    g[..., RELATIONSHIP] = 0.0
    # value_k = Σ_d n_kd g_d with n_k the personal needs (see personal_needs), expanded so
    # that the (B, N, K, D) blend is never built in the hot loop.
    spread = m.stakeholder_spread
    value = (
        np.einsum("bnd,bpnd->bpn", s.needs, g)[..., None]
        + spread * np.einsum("bnkd,bpnd->bpnk", s.bias, g)
    ) / (1.0 + spread)
    pn_price = ((s.needs[..., None, PRICE] + spread * s.bias[..., PRICE]) / (1.0 + spread))[:, None]
    pn_rel = ((s.needs[..., None, RELATIONSHIP] + spread * s.bias[..., RELATIONSHIP]) / (1.0 + spread))[:, None]
    value = value + pn_rel * g_rel
    if m.fit_weight > 0:
        # Need fit (DESIGN §3 step 3): an offer shaped like the account's needs is worth its
        # full value; the same effort spread blindly reads as not having listened.
        offer = s.effort / half
        offer[..., RELATIONSHIP] = s.rel_effort.mean(-1) / half[RELATIONSHIP]
        fit = 1.0 - 0.5 * np.abs(normalise(s.needs[:, None] * FITTED) - normalise(offer * FITTED)).sum(-1)
        value = value * (1.0 - m.fit_weight * (1.0 - fit))[..., None]
    # Price buys no lasting trust: trust follows the value of everything but price.
    lasting_value = (value - pn_price * g[..., None, PRICE]) / np.maximum(1.0 - pn_price, 1e-9)
    # Intimacy (Maister): part of a person's trust comes only from time spent with them.
    trust_target = (1.0 - m.intimacy_weight) * lasting_value + m.intimacy_weight * g_rel
    rate = np.where(trust_target > s.trust, m.trust_up, m.trust_down)
    trust = s.trust + rate * (trust_target - s.trust)
    # A shortfall hurts as much as supply was promised: most at the closest relationships
    # and the biggest buyers (who plan their own business on our deliveries).
    promise = np.array(m.supply_promise)[s.stage]
    if m.supply_tier_exponent > 0 and np.any(fill < 1.0):
        size = demand / np.maximum(demand.mean(-1, keepdims=True), 1e-9)
        promise = promise * size**m.supply_tier_exponent
    trust -= (m.supply_trust_hit * promise * (1.0 - fill))[..., None]
    failure = (ev["service_failure"] * strength["service_failure"] / 0.5)[:, None, :]
    mitigated = np.minimum(1.0, a.support_days / 3.0)
    trust -= (m.failure_trust_hit * failure * (1.0 - 0.7 * mitigated))[..., None]
    trust -= m.discount_trust * (a.discount / max(sc.limits.max_discount, 1e-9))[..., None] * trust
    resolved = (a.feedback > 0) | (a.support_days > 0)
    s.complaint = (s.complaint | ev["complaint"][:, None, :]) & active
    unresolved = s.complaint & ~resolved
    trust -= (m.complaint_hit * unresolved)[..., None]
    s.complaint = unresolved
    s.trust = np.clip(trust, 0.0, 1.0) * mask[:, None]

    # Stance follows trust: neutral at neutral_trust, warmest at full trust.
    n_t = m.neutral_trust
    stance_target = np.where(
        s.trust >= n_t, (s.trust - n_t) / max(1 - n_t, 1e-9), (s.trust - n_t) / max(n_t, 1e-9)
    )
    colleague = weigh(st.influence, s.stance)[..., None]
    s.stance = np.clip(
        s.stance
        + m.stance_rate * (stance_target - s.stance)
        + m.social_rate * (colleague - s.stance),
        -1.0,
        1.0,
    ) * mask[:, None]

    # --- 5. Choice among suppliers: the buying center decides. --------------------------------
    z = m.value_weight * value + (1.0 - m.value_weight) * s.trust  # (B, P, N, K)
    utility = weigh(st.influence, z)
    veto = (st.veto[None, None] & (s.stance < m.veto_threshold)).any(-1)
    gate_w = st.influence * st.gate
    gate_value = (gate_w[None, None] * value).sum(-1) / np.maximum(gate_w.sum(-1), 1e-9)
    gate = st.gate.any(-1)[None, None] & (gate_value < m.gate_value)
    utility = utility * np.where(veto, 1 - m.veto_penalty, 1.0) * np.where(gate, 1 - m.gate_penalty, 1.0)
    rival = w.rival + s.attack[..., None]  # (B, N, R) on the same scale as our utility
    util = np.concatenate([utility.transpose(0, 2, 1), rival], -1)  # (B, N, S)
    present = np.concatenate([active.transpose(0, 2, 1), np.ones_like(rival, bool)], -1)
    target = _rank_shares(util, present, m.rank_softness)
    if m.attraction_weight > 0:
        # Attraction (Bell, Keeney & Little 1975): share keeps answering to a better offer
        # where the rank rule alone has saturated at first place.
        pull = np.where(present, np.exp((util - util.max(-1, keepdims=True)) / m.rank_softness), 0)
        target = (1 - m.attraction_weight) * target + m.attraction_weight * normalise(pull)
    caps = np.array(m.stage_caps)[s.stage].transpose(0, 2, 1)  # (B, N, P)
    player_t = np.minimum(target[..., :p], caps)
    excess = (target[..., :p] - player_t).sum(-1, keepdims=True)
    rival_t = target[..., p:] + excess * normalise(target[..., p:] + 1e-12)
    target = np.concatenate([player_t, rival_t], -1)
    s.share = s.share + m.share_inertia * (target - s.share)

    # --- 6. Satisfaction and defection (Jones & Sasser). --------------------------------------
    expect = m.expectation + 0.5 * (w.competitor - 0.5) + s.attack  # (B, N)
    sat_k = 1.0 + 4.0 * sigmoid(m.satisfaction_slope * (z - expect[:, None, :, None]))
    sat = weigh(st.influence, sat_k)
    p_churn = np.minimum(m.churn_at_5 * m.churn_ratio ** (5.0 - sat), m.churn_max)
    p_churn = p_churn * (1.0 - st.switching[None, None])
    churn = active & (u["churn"][:, None, :] < p_churn)
    s.churned = s.churned | churn
    player_share = s.share[..., :p].transpose(0, 2, 1)
    lost = np.where(churn, player_share, 0.0)
    player_share = np.where(churn, 0.0, player_share)
    rival_share = s.share[..., p:] + lost.sum(1)[..., None] * normalise(s.share[..., p:] + 1e-12)
    s.share = np.concatenate([player_share.transpose(0, 2, 1), rival_share], -1)

    # --- 7. Money: revenue, margin, cost to serve, receivables. -------------------------------
    demand = demand_pool[:, None, :] * player_share * active * sell_out
    volume = demand * fill
    revenue = volume * (1.0 - a.discount)
    gross = volume * (st.margin[None, None] - a.discount)
    serving = active | churn
    cost_to_serve = (
        sc.costs.cost_to_serve * np.array(m.stage_cost)[s.stage] * serving
    )
    spend = money_spent(a, st)
    ar = s.receivables
    late_p = np.clip(
        st.late * (1.0 + m.late_credit_factor * (terms / 30.0 - 1.0)), 0.0, 0.95
    ) * s.stress[:, None]
    late = (u["late"][:, None, :] < late_p) | ev["forced_late"][:, None, :]
    collect_late = u["collect"][:, None, :] < m.late_collect
    due = ar[..., 0]
    overdue = ar[..., 1:]
    new_ar = np.zeros_like(ar)
    new_ar[..., 1] = np.where(late, due, 0.0)
    kept = np.where(collect_late[..., None], 0.0, overdue)
    # Debts three quarters overdue and more are mostly never collected: written off.
    written_off = kept[..., 2] * m.write_off
    new_ar[..., 2] += kept[..., 0]
    new_ar[..., 3] += kept[..., 1] + kept[..., 2] - written_off
    new_ar[..., 0] = revenue * np.minimum(terms / 90.0, 1.0)
    q_pd = 1.0 - (1.0 - w.pd) ** 0.25
    # Long credit lets a weak buyer over-trade: the default risk rises with the terms its
    # suppliers give, weighted by how much each supplies.
    longer = np.maximum(terms / 30.0 - 1.0, 0.0)  # (B, P, N)
    ours = np.maximum(player_share, 0.0)
    lax = (ours * longer).sum(1) / np.maximum(ours.sum(1), 1e-9)
    hazard = q_pd * s.stress * (1.0 + m.default_credit_factor * lax)
    default = ((u["default"] < hazard) | ev["forced_default"]) & live
    owed = new_ar.sum(-1)
    bad_debt = np.where(default[:, None, :], owed, 0.0) + written_off
    new_ar = np.where(default[:, None, :, None], 0.0, new_ar)
    s.receivables = new_ar
    s.defaulted = s.defaulted | default
    financing = np.where(default[:, None, :], 0.0, owed) * m.capital_cost
    profit = (gross - cost_to_serve - financing - bad_debt).sum(-1) - spend

    # --- 8. Relationship stage: builds slowly, falls fast. ------------------------------------
    avg_trust = weigh(st.influence, s.trust)
    coverage = weigh(st.influence, (s.last_contact >= t - 1).astype(float))
    stage = np.minimum(s.stage, UNCOUPLING - 1)
    nxt = np.minimum(stage + 1, UNCOUPLING - 1)
    need = np.array(m.stage_trust)
    climbing = (avg_trust >= need[nxt]) & (coverage >= m.stage_coverage) & (nxt > stage)
    s.streak = np.where(climbing, s.streak + 1, 0)
    stage = np.where(s.streak >= 2, nxt, stage)
    s.streak = np.where(s.streak >= 2, 0, s.streak)
    stage = np.where(avg_trust < need[stage] - 0.1, np.maximum(stage - 1, 0), stage)
    s.stage = np.where(s.churned | s.defaulted[:, None, :], UNCOUPLING, stage)

    # --- 9. What the player learns. ------------------------------------------------------------
    surveyed = a.survey.astype(bool)
    reading = normalise(
        np.maximum(s.needs[:, None] + m.survey_noise * nz["survey"][:, None], 0.0)
    )
    s.needs_seen = np.where(surveyed[..., None], reading, s.needs_seen)
    s.needs_turn = np.where(surveyed, t, s.needs_turn)
    asked = surveyed | a.feedback.astype(bool)
    s.sat_seen = np.where(asked, np.clip(sat + 0.1 * nz["sat"][:, None, :, 0], 1, 5), s.sat_seen)
    s.sat_turn = np.where(asked, t, s.sat_turn)
    noise = m.stance_noise / (1.0 + s.rel_effort) * w.stance_noise[:, t][:, None]
    heard = contacted | a.feedback.astype(bool)[..., None]
    s.stance_seen = np.where(heard, np.clip(s.stance + noise, -1, 1), s.stance_seen)
    s.stance_turn = np.where(heard, t, s.stance_turn)
    share_noise = np.where(a.data_analysis[..., None] > 0, 0.25, 1.0) * m.share_noise
    s.share_seen = np.clip(player_share * (1.0 + share_noise * nz["share"][:, None, :, 0]), 0, 1)
    s.revenue_last = revenue
    ordered = revenue > 0
    s.orders = s.orders + ordered
    s.last_order = np.where(ordered, t, s.last_order)
    s.own_event = ev["own_event"]  # announced now, held next quarter
    s.turn = t + 1

    outcome = Outcome(
        revenue=revenue,
        gross=gross,
        cost_to_serve=cost_to_serve,
        spend=spend,
        financing=financing,
        bad_debt=bad_debt,
        profit=profit,
        satisfaction=sat,
        sat_stakeholder=sat_k * mask[:, None],
        value=value * mask[:, None],
        served=g,
        served_relationship=g_rel,
        fill=fill,
        volume=volume,
        sell_out=sell_out,
        churn_risk=p_churn * active,
        churn=churn,
        late=late.any(1),
        default=default,
        events={
            key: v
            for key, v in ev.items()
            if key not in ("forced_late", "forced_default")
        },
        veto=veto & active,
        gate=gate & active,
        coverage=coverage,
    )
    return s, outcome


def _rank_shares(util: np.ndarray, present: np.ndarray, softness: float) -> np.ndarray:
    """Wallet allocation rule on a soft rank: share = (1 - rank/(m+1)) * 2/m.

    The rank of each supplier is 1 + the chance each other supplier beats it, so shares move
    smoothly with utility and still sum to one over the suppliers present.
    """

    diff = (util[..., None, :] - util[..., :, None]) / softness  # [s, s'] = U_s' - U_s
    beats = sigmoid(diff) * present[..., None, :] * present[..., :, None]
    s = util.shape[-1]
    beats = beats * (1 - np.eye(s))
    rank = 1.0 + beats.sum(-1)
    m = present.sum(-1, keepdims=True)
    shares = (1.0 - rank / (m + 1.0)) * 2.0 / m
    return np.where(present, np.maximum(shares, 0.0), 0.0)
