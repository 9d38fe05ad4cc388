"""The scenario format: a pydantic model of one YAML scenario file.

Every model constant lives here with a documented default, so a scenario file can tune
the simulation without touching code. Cross-references (an event naming an account, a
stakeholder naming a role) are checked by ``cross_reference_problems``; the loader in
``engine.loader`` maps every problem back to a YAML line and column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT_VERSION = 1

#: Need dimensions, in the order the engine's arrays use.
NEEDS: tuple[str, ...] = (
    "price",
    "quality",
    "delivery",
    "support",
    "innovation",
    "training",
    "promotion",
    "relationship",
)

#: Relationship stages after Millman & Wilson, in order; ``uncoupling`` is the fall-out stage.
STAGES: tuple[str, ...] = ("pre", "early", "mid", "partnership", "synergistic", "uncoupling")

#: Per-account actions (seed 001's ten practices plus credit terms and discovery).
ACCOUNT_ACTIONS: tuple[str, ...] = (
    "am_days",
    "exec_days",
    "support_days",
    "training_days",
    "promotion",
    "event_support",
    "trial",
    "survey",
    "feedback",
    "discount",
    "credit_days",
    "supply",
)
#: Portfolio-wide actions.
PORTFOLIO_ACTIONS: tuple[str, ...] = ("conference", "data_analysis", "info_sharing")
ACTIONS: tuple[str, ...] = ACCOUNT_ACTIONS + PORTFOLIO_ACTIONS

EVENT_TYPES: tuple[str, ...] = (
    "competitor_attack",
    "stakeholder_change",
    "need_shift",
    "service_failure",
    "complaint",
    "own_event",
    "late_payment",
    "default",
    "credit_stress",
    "shortage",
)

#: Metrics a scorecard may weigh; see engine.kpis for their definitions.
SCORE_METRICS: tuple[str, ...] = (
    "profit",
    "revenue",
    "margin",
    "satisfaction",
    "retention",
    "share_of_wallet",
    "bad_debt_ratio",
    "nps",
    "coverage",
    "hhi",
)

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,39}$")]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Text(Strict):
    """Player-facing text in both interface languages."""

    zh: str = Field(min_length=1, description="Chinese text")
    en: str = Field(min_length=1, description="English text")


NeedWeights = dict[Literal[NEEDS], NonNegative]  # type: ignore[valid-type]


class Role(Strict):
    """A buying-center role (Webster & Wind mapped to Miller Heiman)."""

    id: Id
    name: Text
    needs: NeedWeights = Field(
        default_factory=dict,
        description="Extra weight this role puts on need dimensions, added to the account's needs",
    )
    exec_affinity: NonNegative = Field(
        1.0, description="How much an executive visit counts with this role (1 = like an AM day)"
    )
    veto: bool = Field(False, description="A hostile holder of this role can block the deal")
    gate: bool = Field(False, description="This role's need fit is a technical gate")


def default_roles() -> list[Role]:
    """The five standard roles; a scenario may replace them."""

    return [
        Role(
            id="economic",
            name=Text(zh="经济决策者", en="Economic buyer"),
            needs={"price": 0.4, "relationship": 0.6},
            exec_affinity=3.0,
            veto=True,
        ),
        Role(
            id="technical",
            name=Text(zh="技术评估者", en="Technical evaluator"),
            needs={"quality": 0.5, "support": 0.7, "innovation": 0.4},
            exec_affinity=0.6,
            gate=True,
        ),
        Role(
            id="user",
            name=Text(zh="一线使用者", en="User"),
            needs={"training": 0.8, "support": 0.4, "delivery": 0.3},
            exec_affinity=0.3,
        ),
        Role(
            id="procurement",
            name=Text(zh="采购把关者", en="Procurement"),
            needs={"price": 0.8, "delivery": 0.5},
            exec_affinity=0.8,
        ),
        Role(
            id="coach",
            name=Text(zh="内部支持者", en="Coach"),
            needs={"relationship": 0.8, "promotion": 0.3},
            exec_affinity=1.0,
        ),
    ]


class Stakeholder(Strict):
    id: Id
    name: Text
    title: Text
    role: Id = Field(description="Id of a role in `roles`")
    influence: Positive = Field(description="Relative weight in the account's decision")
    needs: NeedWeights = Field(default_factory=dict, description="Personal need bias")
    stance: float = Field(0.0, ge=-1.0, le=1.0, description="Initial stance towards us")
    trust: Fraction = Field(0.3, description="Initial trust in us")
    role_known: bool = Field(False, description="Whether the player sees the role from the start")


class Credit(Strict):
    pd: Fraction = Field(0.01, description="Annual probability of default")
    late: Fraction = Field(0.05, description="Quarterly chance of paying late at 30-day terms")
    terms: int = Field(30, ge=0, le=180, description="Initial credit terms in days")


class Account(Strict):
    id: Id
    name: Text
    industry: Text
    region: Text
    history: Text = Field(description="A line of background shown in the account's persona")
    employees: int = Field(ge=1, description="Head count, shown as the account's size")
    wallet: Positive = Field(description="Annual spend on our category, in currency units")
    growth: float = Field(0.05, ge=-0.5, le=1.0, description="Annual growth of the wallet")
    share: Fraction = Field(0.3, description="Our initial share of the wallet")
    margin: Fraction = Field(0.3, description="Gross margin rate on this account")
    needs: NeedWeights = Field(description="True (hidden) needs; normalised by the engine")
    competitor: Fraction = Field(0.5, description="Hidden strength of the rivals at this account")
    switching_cost: Fraction = Field(
        0.2, description="Cost of leaving us ('false loyalty'): cuts the chance of defecting "
        "by this fraction"
    )
    stage: Literal[STAGES[:5]] = "early"  # type: ignore[valid-type]
    credit: Credit = Field(default_factory=Credit)
    stakeholders: list[Stakeholder] = Field(min_length=2, max_length=8)

    @field_validator("needs")
    @classmethod
    def _needs_not_empty(cls, v: dict[str, float]) -> dict[str, float]:
        if sum(v.values()) <= 0:
            raise ValueError("needs must give at least one dimension a positive weight")
        return v



class Rival(Strict):
    id: Id
    name: Text
    strength: Fraction = Field(0.5, description="Base attractiveness of this rival's offer")


class Resources(Strict):
    """What the player may spend each quarter."""

    budget: NonNegative = Field(description="Money for actions per quarter")
    am_days: NonNegative = Field(description="Account-manager days per quarter")
    exec_days: NonNegative = Field(description="Executive days per quarter")
    support_days: NonNegative = Field(description="Support and training days per quarter")


class Costs(Strict):
    """Money cost of each action (days also draw on their capacity)."""

    am_day: NonNegative = 0.0
    exec_day: NonNegative = 0.0
    support_day: NonNegative = 1500.0
    training_day: NonNegative = 1500.0
    trial: NonNegative = 20000.0
    survey: NonNegative = 8000.0
    feedback: NonNegative = 3000.0
    conference: NonNegative = 120000.0
    data_analysis: NonNegative = 25000.0
    info_sharing: NonNegative = 8000.0
    cost_to_serve: NonNegative = Field(
        6000.0, description="Fixed cost per active account per quarter at the 'early' stage"
    )


class Limits(Strict):
    max_discount: Fraction = 0.2
    max_credit_days: int = Field(120, ge=0, le=360)
    min_contact_days: NonNegative = Field(
        0.5, description="Fewest account-manager or executive days that count as contact with "
        "one person in a quarter; a smaller positive amount is refused (a token touch is not "
        "a contact)"
    )
    conference_interval: int = Field(
        4, ge=1, le=40, description="Quarters from one key-account conference to the next "
        "(4 = at most once a year); an earlier one is refused"
    )


class Supply(Strict):
    """Peak-season shortage: in these quarters we can ship only part of the demand."""

    peak_quarters: list[Annotated[int, Field(ge=1, le=4)]] = Field(default_factory=list)
    capacity: Fraction = Field(1.0, description="Share of our demand we can ship in a peak quarter")


class Season(Strict):
    demand: list[Positive] = Field(
        default_factory=lambda: [1.0, 1.0, 1.0, 1.0],
        min_length=4,
        max_length=4,
        description="Demand multiplier for quarters 1-4",
    )


class RandomEvents(Strict):
    """Quarterly chance per account of each random event."""

    competitor_attack: Fraction = 0.04
    stakeholder_change: Fraction = 0.03
    need_shift: Fraction = 0.04
    service_failure: Fraction = 0.03
    complaint: Fraction = 0.04
    own_event: Fraction = 0.06


class Event(Strict):
    """A scripted event (with `turn`) or a library event for facilitators (without)."""

    id: Id
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    turn: int | None = Field(None, ge=1, description="Quarter it fires; omit for library-only")
    account: Id | None = Field(None, description="Account it hits; omit for every account")
    stakeholder: Id | None = Field(None, description="For stakeholder_change: who leaves")
    strength: Fraction = Field(0.5, description="How hard it hits (meaning depends on type)")
    toward: NeedWeights | None = Field(
        None, description="For need_shift: the needs it shifts towards (default: at random)"
    )
    headline: Text

    @model_validator(mode="after")
    def _toward_only_for_need_shift(self) -> Event:
        if self.toward is not None and self.type != "need_shift":
            raise ValueError("only need_shift events take `toward`")
        if self.toward is not None and sum(self.toward.values()) <= 0:
            raise ValueError("toward must give at least one need a positive weight")
        return self


class ScoreItem(Strict):
    metric: Literal[SCORE_METRICS]  # type: ignore[valid-type]
    weight: Positive
    floor: float = Field(description="Value that scores 0")
    target: float = Field(description="Benchmark value that scores 100")

    @model_validator(mode="after")
    def _distinct(self) -> ScoreItem:
        if self.floor == self.target:
            raise ValueError("floor and target must differ")
        return self


#: Needs that effort serves (quality is the product's, delivery the supply's: see Model).
HALF_EFFORT = {
    "price": 3.0,
    "support": 3.0,
    "innovation": 2.0,
    "training": 2.5,
    "promotion": 3.0,
    "relationship": 2.0,
}


class Model(Strict):
    """Constants of the simulation (DESIGN §3). Defaults are calibrated for the shipped cases."""

    carryover: Fraction = Field(0.6, description="Effort carry-over per quarter (adstock λ)")
    response_shape: float = Field(1.3, ge=0.5, le=3.0, description="ADBUDG exponent γ")
    half_effort: dict[Literal[tuple(HALF_EFFORT)], Positive] = Field(  # type: ignore[valid-type]
        default_factory=lambda: dict(HALF_EFFORT),
        description="Effort units at which each need dimension is half served (ADBUDG ρ); "
        "dimensions left out keep their defaults",
    )
    initial_effort: NonNegative = Field(
        0.8, description="Effort stocks at the start, as a fraction of half_effort (past service)"
    )
    @field_validator("half_effort")
    @classmethod
    def _merge_defaults(cls, v: dict[str, float]) -> dict[str, float]:
        return {**HALF_EFFORT, **v}

    base_service: Fraction = Field(
        0.2, description="How well the standard offer serves a need with no extra effort"
    )
    quality: Fraction = Field(0.55, description="How well our product serves the quality need")
    reliability: Fraction = Field(0.7, description="How well normal delivery serves delivery")
    promotion_unit: Positive = Field(10000.0, description="Money per effort unit of promotion")
    event_unit: Positive = Field(10000.0, description="Money per effort unit of event support")
    trial_effort: NonNegative = Field(4.0, description="Innovation effort of one product trial")
    discount_effort: NonNegative = Field(60.0, description="Price effort per 100 % discount")
    credit_effort: NonNegative = Field(2.0, description="Price effort per 30 days of credit")
    conference_effort: NonNegative = Field(2.0, description="Relationship effort, every contact")
    info_effort: NonNegative = Field(0.5, description="Relationship effort of information sharing")
    own_event_bonus: NonNegative = Field(3.0, description="Multiplier on event support when the account holds its own event")
    need_noise: NonNegative = Field(0.35, description="Seed-to-seed spread of hidden needs")
    stakeholder_spread: NonNegative = Field(0.5, description="How far personal needs stray")
    need_drift: NonNegative = Field(0.06, description="Quarterly random drift of needs")
    trust_up: Fraction = Field(0.25, description="Share of the gap trust closes per quarter when rising")
    trust_down: Fraction = Field(0.6, description="Share of the gap trust closes per quarter when falling")
    stance_rate: Fraction = 0.4
    social_rate: Fraction = Field(0.15, description="Pull of stance towards influential colleagues")
    value_weight: Fraction = Field(0.55, description="Weight of current value (vs trust) in choice")
    satisfaction_slope: Positive = Field(5.0, description="Steepness of satisfaction around expectations")
    expectation: Fraction = Field(0.33, description="Value the account expects, before rivals")
    churn_at_5: Fraction = Field(0.001, description="Quarterly defection at satisfaction 5")
    churn_ratio: Positive = Field(6.0, description="Defection ratio per satisfaction point (Jones & Sasser)")
    churn_max: Fraction = 0.35
    rival_level: Positive = Field(
        0.75, description="Rivals' utility per unit of account `competitor` strength"
    )
    share_inertia: Fraction = Field(0.3, description="Share of the gap to target share closed per quarter")
    rank_softness: Positive = Field(0.08, description="Utility gap that makes rank a coin toss")
    stage_caps: list[Fraction] = Field(
        default_factory=lambda: [0.35, 0.55, 0.75, 0.9, 1.0, 0.15],
        min_length=6,
        max_length=6,
        description="Highest share of wallet at each stage",
    )
    stage_trust: list[Fraction] = Field(
        default_factory=lambda: [0.0, 0.25, 0.35, 0.45, 0.6],
        min_length=5,
        max_length=5,
        description="Average trust needed to hold each stage",
    )
    stage_coverage: Fraction = Field(0.6, description="Influence-weighted contact breadth to climb")
    stage_cost: list[NonNegative] = Field(
        default_factory=lambda: [1.3, 1.0, 0.9, 0.8, 0.7, 1.2],
        min_length=6,
        max_length=6,
        description="Cost-to-serve multiplier at each stage",
    )
    veto_threshold: float = Field(-0.3, ge=-1.0, le=1.0)
    veto_penalty: Fraction = 0.35
    gate_value: Fraction = Field(0.25, description="Technical value below which the gate bites")
    gate_penalty: Fraction = 0.25
    supply_trust_hit: NonNegative = Field(0.4, description="Trust lost per unit of unmet supply")
    failure_trust_hit: NonNegative = Field(0.2, description="Trust lost in a service failure")
    complaint_hit: NonNegative = Field(0.15, description="Trust lost per unresolved complaint")
    attack_strength: NonNegative = Field(0.15, description="Rival utility added by an attack")
    attack_decay: Fraction = 0.6
    late_credit_factor: NonNegative = Field(1.0, description="Extra late-payment odds per 30 days")
    late_collect: Fraction = Field(0.5, description="Chance an overdue balance is paid each quarter")
    stress_pd: Positive = Field(4.0, description="Default multiplier under credit stress")
    capital_cost: Fraction = Field(0.02, description="Quarterly cost of carrying receivables")
    survey_noise: NonNegative = Field(0.08, description="Noise of a needs analysis reading")
    stance_noise: NonNegative = Field(0.6, description="Noise of a stance reading with no contact")
    share_noise: NonNegative = Field(0.15, description="Noise of share estimates without analysis")
    discount_trust: NonNegative = Field(
        0.1, description="Share of trust lost per quarter at the deepest allowed discount "
        "(haggling teaches an account to buy on price)"
    )
    clv_discount_rate: Fraction = Field(0.03, description="Quarterly discount rate i for CLV")
    neutral_trust: Fraction = Field(
        0.3, description="Trust at which a person's stance settles at neutral (0)"
    )


class Scenario(Strict):
    """One playable case."""

    format: Literal[1] = Field(description="Scenario format version")
    id: Id
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$", description="Content version, e.g. 1.0")
    title: Text
    summary: Text
    briefing: Text
    objectives: list[Text] = Field(min_length=1)
    difficulty: Literal["easy", "medium", "hard"]
    turns: int = Field(ge=1, le=40)
    start_quarter: int = Field(1, ge=1, le=4)
    currency: Literal["CNY", "USD", "EUR"] = "CNY"
    resources: Resources
    actions: list[Literal[ACTIONS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(ACTIONS), description="Actions allowed in this case"
    )
    costs: Costs = Field(default_factory=Costs)
    limits: Limits = Field(default_factory=Limits)
    season: Season = Field(default_factory=Season)
    supply: Supply = Field(default_factory=Supply)
    roles: list[Role] = Field(default_factory=default_roles)
    rivals: list[Rival] = Field(min_length=1, max_length=4)
    accounts: list[Account] = Field(min_length=1, max_length=60)
    random_events: RandomEvents = Field(default_factory=RandomEvents)
    events: list[Event] = Field(default_factory=list)
    scorecard: list[ScoreItem] = Field(min_length=1)
    model: Model = Field(default_factory=Model)

    # Cross-references are checked by engine.loader (cross_reference_problems), so that
    # each broken reference is reported at its own line.

    # Convenience lookups used by the engine and the UI.
    def account_index(self, account_id: str) -> int:
        return [a.id for a in self.accounts].index(account_id)

    @property
    def max_stakeholders(self) -> int:
        return max(len(a.stakeholders) for a in self.accounts)


Path = tuple[str | int, ...]


def cross_reference_problems(s: Scenario) -> Iterator[tuple[Path, str]]:
    """Yield (path, message) for every broken reference; the loader reports them one by one."""

    def dupes(items, *where: str | int) -> Iterator[tuple[Path, str]]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                yield (*where, i, "id"), f"duplicate id {item.id!r} in {where[-1]}"
            seen.add(item.id)

    yield from dupes(s.accounts, "accounts")
    for i, acc in enumerate(s.accounts):
        yield from dupes(acc.stakeholders, "accounts", i, "stakeholders")
    yield from dupes(s.roles, "roles")
    yield from dupes(s.rivals, "rivals")
    yield from dupes(s.events, "events")
    role_ids = [r.id for r in s.roles]
    for i, acc in enumerate(s.accounts):
        for j, sh in enumerate(acc.stakeholders):
            if sh.role not in role_ids:
                yield (
                    ("accounts", i, "stakeholders", j, "role"),
                    f"unknown role {sh.role!r}{hint(sh.role, role_ids)}",
                )
    accounts = {a.id: a for a in s.accounts}
    for i, ev in enumerate(s.events):
        if ev.turn is not None and ev.turn > s.turns:
            yield ("events", i, "turn"), f"turn {ev.turn} is after the last quarter ({s.turns})"
        if ev.account is not None and ev.account not in accounts:
            yield (
                ("events", i, "account"),
                f"unknown account {ev.account!r}{hint(ev.account, list(accounts))}",
            )
        if ev.stakeholder is not None:
            if ev.type != "stakeholder_change":
                yield ("events", i, "stakeholder"), "only stakeholder_change events name a stakeholder"
            elif ev.account is None:
                yield ("events", i, "stakeholder"), "a stakeholder needs its account"
            elif ev.account in accounts:
                ids = [sh.id for sh in accounts[ev.account].stakeholders]
                if ev.stakeholder not in ids:
                    yield (
                        ("events", i, "stakeholder"),
                        f"unknown stakeholder {ev.stakeholder!r} in account {ev.account!r}"
                        f"{hint(ev.stakeholder, ids)}",
                    )
    metrics = [item.metric for item in s.scorecard]
    for i, m in enumerate(metrics):
        if metrics.index(m) != i:
            yield ("scorecard", i, "metric"), f"metric {m!r} is scored twice"


def hint(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean …?)' suffix for a near miss, or ''."""

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
