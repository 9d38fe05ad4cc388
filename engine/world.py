"""A scenario compiled to arrays, and the exogenous world each seed draws.

``Static`` holds what the scenario fixes (shapes, masks, constants). ``World`` holds what a
seed draws: the hidden starting truth and a *tape* of every random number the game will
use, drawn up front from ``numpy.random.default_rng(seed)``. Because the tape does not
depend on the player's actions (common random numbers), two players with the same seed
face the same world and differ only by their decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import NEEDS, STAGES, Scenario

D = len(NEEDS)
PRICE, QUALITY, DELIVERY, SUPPORT, INNOVATION, TRAINING, PROMOTION, RELATIONSHIP = range(D)
UNCOUPLING = STAGES.index("uncoupling")

# Layout of the per-turn tape: normal draws and uniform draws per (turn, account).
# "shift" also seeds a newcomer's personal needs: both events are rare and never need to differ.
_NORMALS = {"wallet": 1, "drift": D, "shift": D, "survey": D, "sat": 1, "share": 1}
_UNIFORMS = (
    "churn",
    "late",
    "default",
    "collect",
    "attack",
    "change",
    "who",
    "shift",
    "failure",
    "complaint",
    "own_event",
)


def _weights(d: dict[str, float]) -> np.ndarray:
    return np.array([float(d.get(n, 0.0)) for n in NEEDS])


def normalise(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Scale non-negative weights to sum to one along ``axis``."""

    total = x.sum(axis=axis, keepdims=True)
    return x / np.where(total > 0, total, 1.0)


@dataclass(frozen=True)
class Static:
    """The scenario as arrays. N accounts, K stakeholder slots, R rivals."""

    scenario: Scenario
    n: int
    k: int
    r: int
    wallet: np.ndarray  # (N,) annual
    growth: np.ndarray  # (N,) annual
    share: np.ndarray  # (N,)
    margin: np.ndarray  # (N,)
    needs: np.ndarray  # (N, D) normalised
    competitor: np.ndarray  # (N,)
    switching: np.ndarray  # (N,)
    stage: np.ndarray  # (N,) int
    pd: np.ndarray  # (N,) annual
    late: np.ndarray  # (N,)
    terms: np.ndarray  # (N,) days
    mask: np.ndarray  # (N, K) bool: slot holds a stakeholder
    influence: np.ndarray  # (N, K) sums to 1 per account
    bias: np.ndarray  # (N, K, D) role + personal need bias, normalised
    stance: np.ndarray  # (N, K)
    trust: np.ndarray  # (N, K)
    role_known: np.ndarray  # (N, K) bool
    exec_affinity: np.ndarray  # (N, K)
    veto: np.ndarray  # (N, K) bool
    gate: np.ndarray  # (N, K) bool
    role_index: np.ndarray  # (N, K) int, -1 for empty slots
    rival_strength: np.ndarray  # (R,)
    season: np.ndarray  # (4,)
    peak: np.ndarray  # (4,) bool
    allowed: frozenset[str]


def compile_scenario(sc: Scenario) -> Static:
    n, k, r = len(sc.accounts), sc.max_stakeholders, len(sc.rivals)
    roles = {role.id: i for i, role in enumerate(sc.roles)}
    mask = np.zeros((n, k), bool)
    influence = np.zeros((n, k))
    bias = np.zeros((n, k, D))
    stance = np.zeros((n, k))
    trust = np.zeros((n, k))
    known = np.zeros((n, k), bool)
    affinity = np.zeros((n, k))
    veto = np.zeros((n, k), bool)
    gate = np.zeros((n, k), bool)
    role_index = np.full((n, k), -1)
    for i, acc in enumerate(sc.accounts):
        for j, sh in enumerate(acc.stakeholders):
            role = sc.roles[roles[sh.role]]
            mask[i, j] = True
            influence[i, j] = sh.influence
            b = normalise(_weights(role.needs)) + _weights(sh.needs)
            bias[i, j] = normalise(b)
            stance[i, j], trust[i, j], known[i, j] = sh.stance, sh.trust, sh.role_known
            affinity[i, j], veto[i, j], gate[i, j] = role.exec_affinity, role.veto, role.gate
            role_index[i, j] = roles[sh.role]
    accs = sc.accounts
    return Static(
        scenario=sc,
        n=n,
        k=k,
        r=r,
        wallet=np.array([a.wallet for a in accs]),
        growth=np.array([a.growth for a in accs]),
        share=np.array([a.share for a in accs]),
        margin=np.array([a.margin for a in accs]),
        needs=normalise(np.array([_weights(a.needs) for a in accs])),
        competitor=np.array([a.competitor for a in accs]),
        switching=np.array([a.switching_cost for a in accs]),
        stage=np.array([STAGES.index(a.stage) for a in accs]),
        pd=np.array([a.credit.pd for a in accs]),
        late=np.array([a.credit.late for a in accs]),
        terms=np.array([float(a.credit.terms) for a in accs]),
        mask=mask,
        influence=normalise(influence),
        bias=bias,
        stance=stance,
        trust=trust,
        role_known=known,
        exec_affinity=affinity,
        veto=veto,
        gate=gate,
        role_index=role_index,
        rival_strength=np.array([rv.strength for rv in sc.rivals]),
        season=np.array(sc.season.demand, float),
        peak=np.array([q in sc.supply.peak_quarters for q in (1, 2, 3, 4)]),
        allowed=frozenset(sc.actions),
    )


@dataclass(frozen=True)
class World:
    """What the seeds drew, batched along axis 0 (B games)."""

    seeds: np.ndarray  # (B,)
    wallet: np.ndarray  # (B, N) annual, hidden
    needs: np.ndarray  # (B, N, D) hidden
    bias: np.ndarray  # (B, N, K, D) personal need bias, hidden
    competitor: np.ndarray  # (B, N)
    pd: np.ndarray  # (B, N)
    rival: np.ndarray  # (B, N, R) rival strength per account
    normal: dict[str, np.ndarray]  # name -> (B, T, N, width): zero-mean, unit-variance noise
    uniform: dict[str, np.ndarray]  # name -> (B, T, N)
    stance_noise: np.ndarray  # (B, T, N, K)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be a whole number from 0 to 2**63-1, got {seed!r}")
    return int(seed)


def draw_worlds(st: Static, seeds: list[int] | np.ndarray) -> World:
    """Draw the hidden truth and the event tape for each seed (one generator per seed)."""

    seeds = np.array([_check_seed(s) for s in seeds], dtype=np.int64)
    m = st.scenario.model
    t, n, k, r = st.scenario.turns, st.n, st.k, st.r
    widths = list(_NORMALS.values())
    n_init = n * (1 + D + k * D + 1 + 1 + r)
    n_norm = t * n * (sum(widths) + k)
    n_unif = t * n * len(_UNIFORMS)
    init = np.zeros((len(seeds), n_init))
    norm = np.zeros((len(seeds), n_norm), np.float32)
    unif = np.zeros((len(seeds), n_unif), np.float32)
    for b, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        rng.standard_normal(out=init[b])
        # The tape's noise is centred uniform with unit variance, in float32: an order of
        # magnitude cheaper to draw than normals, and bounded noise suits drifts and readings.
        rng.random(out=norm[b], dtype=np.float32)
        rng.random(out=unif[b], dtype=np.float32)
    norm = (norm - np.float32(0.5)) * np.float32(np.sqrt(12.0))
    bsz = len(seeds)
    parts = np.split(init, np.cumsum([n, n * D, n * k * D, n, n]), axis=1)
    z_wallet, z_needs, z_bias, z_comp, z_pd, z_rival = parts
    wallet = st.wallet * np.exp(0.15 * z_wallet - 0.5 * 0.15**2)
    needs = normalise(
        np.maximum(st.needs, 0.02) * np.exp(m.need_noise * z_needs.reshape(bsz, n, D))
    )
    z_bias = z_bias.reshape(bsz, n, k, D)
    bias = normalise(st.bias * np.exp(0.3 * z_bias) + 0.02 * st.mask[..., None])
    competitor = np.clip(st.competitor + 0.05 * z_comp, 0.05, 0.95)
    pd = np.clip(st.pd * np.exp(0.3 * z_pd), 0.0, 1.0)
    rival = np.clip(
        m.rival_level * (competitor[..., None] + st.rival_strength - st.rival_strength.mean())
        + 0.03 * z_rival.reshape(bsz, n, r),
        0.0,
        1.0,
    )
    norm = norm.reshape(bsz, t, n, -1)
    normal, col = {}, 0
    for name, width in _NORMALS.items():
        normal[name] = norm[..., col : col + width]
        col += width
    stance_noise = norm[..., col : col + k]
    unif = unif.reshape(bsz, t, n, len(_UNIFORMS))
    uniform = {name: unif[..., i] for i, name in enumerate(_UNIFORMS)}
    return World(seeds, wallet, needs, bias, competitor, pd, rival, normal, uniform, stance_noise)
