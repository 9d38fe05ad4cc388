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

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from .messages import Msg

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

# Every number is bounded: a value far outside what the model was made for overflows
# (need_noise 1e6) or prints as Infinity in JSON results (wallet 1e300).
MONEY_MAX = 1e12  # a year's spend or a quarter's budget, in currency units
DAYS_MAX = 10_000.0  # days of capacity per quarter
#: Longest text each kind of field shows on screen (characters, either language).
LABEL_MAX, HEADLINE_MAX, LINE_MAX, TEXT_MAX = 80, 240, 400, 4000
Money = Annotated[float, Field(ge=0.0, le=MONEY_MAX)]
Weight = Annotated[float, Field(ge=0.0, le=100.0)]


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _text_fields(limit: int) -> dict:
    return {
        "zh": (str, Field(min_length=1, max_length=limit, description="Chinese text / 中文文字")),
        "en": (str, Field(min_length=1, max_length=limit, description="English text / 英文文字")),
    }


class Text(Strict):
    """Player-facing text in both interface languages (a paragraph, such as the briefing)."""

    zh: str = Field(min_length=1, max_length=TEXT_MAX, description="Chinese text / 中文文字")
    en: str = Field(min_length=1, max_length=TEXT_MAX, description="English text / 英文文字")


def _sized(name: str, limit: int, doc: str) -> type[Text]:
    """A ``Text`` whose zh and en hold at most ``limit`` characters (the screen's room)."""
    return create_model(name, __base__=Text, __doc__=doc, __module__=__name__,
                        **_text_fields(limit))


Line = _sized("Line", LINE_MAX, "One line or two: a summary, an objective, a history.")
Headline = _sized("Headline", HEADLINE_MAX, "An event's headline: one line on the news panel.")
Label = _sized("Label", LABEL_MAX, "A name or a title: a few words.")


NeedWeights = dict[Literal[NEEDS], Weight]  # type: ignore[valid-type]


class Role(Strict):
    """A buying-center role (Webster & Wind mapped to Miller Heiman)."""

    id: Id = Field(description="Role id that stakeholders name in `role` / 角色标识，联系人的 role 引用它")
    name: Label = Field(description="Role name shown to the player / 显示给玩家的角色名称")
    needs: NeedWeights = Field(
        default_factory=dict,
        description="Extra weight this role puts on need dimensions, added to the account's "
        "needs / 该角色额外看重的需求维度权重，叠加在客户需求上",
    )
    exec_affinity: float = Field(
        1.0, ge=0.0, le=20.0,
        description="How much an executive visit counts with this role (1 = like an AM day) "
        "/ 高层拜访对该角色的分量（1 = 相当于一个客户经理日）",
    )
    veto: bool = Field(
        False, description="A hostile holder of this role can block the deal / 持敌对态度时可否决交易"
    )
    gate: bool = Field(
        False, description="This role's need fit is a technical gate / 该角色的需求匹配是技术门槛"
    )


def default_roles() -> list[Role]:
    """The five standard roles; a scenario may replace them."""

    return [
        Role(
            id="economic",
            name=Label(zh="经济决策者", en="Economic buyer"),
            needs={"price": 0.4, "relationship": 0.6},
            exec_affinity=3.0,
            veto=True,
        ),
        Role(
            id="technical",
            name=Label(zh="技术评估者", en="Technical evaluator"),
            needs={"quality": 0.5, "support": 0.7, "innovation": 0.4},
            exec_affinity=0.6,
            gate=True,
        ),
        Role(
            id="user",
            name=Label(zh="一线使用者", en="User"),
            needs={"training": 0.8, "support": 0.4, "delivery": 0.3},
            exec_affinity=0.3,
        ),
        Role(
            id="procurement",
            name=Label(zh="采购把关者", en="Procurement"),
            needs={"price": 0.8, "delivery": 0.5},
            exec_affinity=0.8,
        ),
        Role(
            id="coach",
            name=Label(zh="内部支持者", en="Coach"),
            needs={"relationship": 0.8, "promotion": 0.3},
            exec_affinity=1.0,
        ),
    ]


class Stakeholder(Strict):
    id: Id = Field(description="Stakeholder id, unique in its account / 联系人标识，在本客户内唯一")
    name: Label = Field(description="Person's name / 姓名")
    title: Label = Field(description="Job title / 职务")
    role: Id = Field(description="Id of a role in `roles` / `roles` 中某个角色的 id")
    influence: float = Field(
        gt=0.0, le=1000.0,
        description="Relative weight in the account's decision / 在客户决策中的相对分量",
    )
    needs: NeedWeights = Field(
        default_factory=dict, description="Personal need bias / 个人需求偏好"
    )
    stance: float = Field(
        0.0, ge=-1.0, le=1.0, description="Initial stance towards us (-1 to 1) / 对我方的初始态度（-1 到 1）"
    )
    trust: Fraction = Field(0.3, description="Initial trust in us (0 to 1) / 对我方的初始信任（0 到 1）")
    role_known: bool = Field(
        False, description="Whether the player sees the role from the start / 玩家是否一开始就知道其角色"
    )


class Credit(Strict):
    pd: Fraction = Field(
        0.01, description="Annual probability of default, a fraction (0.01 = 1 %) / 年违约概率，小数（0.01 = 1%）"
    )
    late: Fraction = Field(
        0.05, description="Quarterly chance of paying late at 30-day terms / 30 天账期下每季度延迟付款的概率"
    )
    terms: int = Field(30, ge=0, le=180, description="Initial credit terms in days / 初始账期（天）")


class Account(Strict):
    id: Id = Field(description="Account id, unique in the case / 客户标识，在案例中唯一")
    name: Label = Field(description="Account name / 客户名称")
    industry: Label = Field(description="Industry / 行业")
    region: Label = Field(description="Region / 地区")
    history: Line = Field(
        description="A line of background shown in the account's persona / 客户画像中的一句背景"
    )
    employees: int = Field(
        ge=1, le=10_000_000, description="Head count, shown as the account's size / 员工人数，显示为客户规模"
    )
    wallet: float = Field(
        gt=0.0, le=MONEY_MAX,
        description="Annual spend on our category, in currency units / 每年在本品类上的采购额（货币单位）",
    )
    growth: float = Field(
        0.05, ge=-0.5, le=1.0, description="Annual growth of the wallet / 采购额的年增长率"
    )
    share: Fraction = Field(0.3, description="Our initial share of the wallet / 我方初始份额")
    margin: Fraction = Field(0.3, description="Gross margin rate on this account / 该客户的毛利率")
    needs: NeedWeights = Field(
        description="True (hidden) needs; normalised by the engine / 真实（隐藏）需求，由引擎归一化"
    )
    competitor: Fraction = Field(
        0.5, description="Hidden strength of the rivals at this account / 对手在该客户处的隐藏实力"
    )
    switching_cost: Fraction = Field(
        0.2, description="Cost of leaving us ('false loyalty'): cuts the chance of defecting "
        "by this fraction / 离开我方的成本（“虚假忠诚”）：按此比例降低流失概率"
    )
    stage: Literal[STAGES[:5]] = Field(  # type: ignore[valid-type]
        "early", description="Relationship stage at the start / 初始关系阶段"
    )
    credit: Credit = Field(default_factory=Credit, description="Credit risk / 信用风险")
    stakeholders: list[Stakeholder] = Field(
        min_length=2, max_length=8, description="The buying center, 2 to 8 people / 采购中心，2 到 8 人"
    )

    @field_validator("needs")
    @classmethod
    def _needs_not_empty(cls, v: dict[str, float]) -> dict[str, float]:
        if sum(v.values()) <= 0:
            raise ValueError(Msg("schema.needs_positive"))
        return v


class Rival(Strict):
    id: Id = Field(description="Rival id / 对手标识")
    name: Label = Field(description="Rival's name / 对手名称")
    strength: Fraction = Field(
        0.5, description="Base attractiveness of this rival's offer / 该对手方案的基础吸引力"
    )


class Resources(Strict):
    """What the player may spend each quarter."""

    budget: Money = Field(description="Money for actions per quarter / 每季度的行动预算")
    am_days: float = Field(
        ge=0.0, le=DAYS_MAX, description="Account-manager days per quarter / 每季度客户经理天数"
    )
    exec_days: float = Field(
        ge=0.0, le=DAYS_MAX, description="Executive days per quarter / 每季度高层天数"
    )
    support_days: float = Field(
        ge=0.0, le=DAYS_MAX, description="Support and training days per quarter / 每季度支持与培训天数"
    )


class Costs(Strict):
    """Money cost of each action (days also draw on their capacity)."""

    am_day: Money = Field(0.0, description="Cost of an account-manager day / 客户经理日的费用")
    exec_day: Money = Field(0.0, description="Cost of an executive day / 高层日的费用")
    support_day: Money = Field(1500.0, description="Cost of a support day / 支持日的费用")
    training_day: Money = Field(1500.0, description="Cost of a training day / 培训日的费用")
    trial: Money = Field(20000.0, description="Cost of a product trial / 一次产品试用的费用")
    survey: Money = Field(8000.0, description="Cost of a needs analysis / 一次需求调研的费用")
    feedback: Money = Field(3000.0, description="Cost of a feedback visit / 一次回访的费用")
    conference: Money = Field(120000.0, description="Cost of a customer conference / 一次客户大会的费用")
    data_analysis: Money = Field(25000.0, description="Cost of a data analysis / 一次数据分析的费用")
    info_sharing: Money = Field(8000.0, description="Cost of information sharing / 一次信息分享的费用")
    cost_to_serve: Money = Field(
        6000.0, description="Fixed cost per active account per quarter at the 'early' stage "
        "/ early 阶段每个活跃客户每季度的固定服务成本"
    )


class Limits(Strict):
    max_discount: Fraction = Field(0.2, description="Deepest discount allowed / 允许的最大折扣")
    max_credit_days: int = Field(
        120, ge=0, le=360, description="Longest credit terms allowed, in days / 允许的最长账期（天）"
    )
    min_contact_days: float = Field(
        0.5, ge=0.0, le=30.0, description="Fewest account-manager or executive days that count "
        "as contact with one person in a quarter; a smaller positive amount is refused (a token "
        "touch is not a contact) / 一个季度内对一位联系人计为一次接触所需的最少天数（客户经理或高管）；"
        "更少的正数天数会被拒绝（象征性的接触不算接触）"
    )
    conference_interval: int = Field(
        4, ge=1, le=40, description="Quarters from one key-account conference to the next "
        "(4 = at most once a year); an earlier one is refused / 两次大客户会议之间至少间隔的季度数"
        "（4 = 每年至多一次）；提前举办会被拒绝"
    )


class Supply(Strict):
    """Peak-season shortage: in these quarters we can ship only part of the demand."""

    peak_quarters: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        default_factory=list, description="Quarters of the year (1-4) short of stock / 缺货的季度（1-4）"
    )
    capacity: Fraction = Field(
        1.0, description="Share of our demand we can ship in a peak quarter / 旺季能发货的需求比例"
    )


class Season(Strict):
    demand: list[Annotated[float, Field(gt=0.0, le=10.0)]] = Field(
        default_factory=lambda: [1.0, 1.0, 1.0, 1.0],
        min_length=4,
        max_length=4,
        description="Demand multiplier for quarters 1-4 / 第 1-4 季度的需求系数",
    )


class RandomEvents(Strict):
    """Quarterly chance per account of each random event."""

    competitor_attack: Fraction = Field(0.04, description="Chance of a rival attack / 对手进攻的概率")
    stakeholder_change: Fraction = Field(
        0.03, description="Chance someone leaves / 有人离职的概率"
    )
    need_shift: Fraction = Field(
        0.15, description="Chance the needs shift (a new strategy, leader or market turn: about one account in seven a quarter, so a reading goes stale within a year or two) / 需求变化的概率（新战略、新领导或市场转向：每季度约七分之一的客户，调研读数一两年内就会过时）"
    )
    service_failure: Fraction = Field(0.03, description="Chance of a service failure / 服务失误的概率")
    complaint: Fraction = Field(0.04, description="Chance of a complaint / 投诉的概率")
    own_event: Fraction = Field(0.06, description="Chance the account holds its own event / 客户自办活动的概率")


class Event(Strict):
    """A scripted event (with `turn`) or a library event for facilitators (without)."""

    id: Id = Field(description="Event id / 事件标识")
    type: Literal[EVENT_TYPES] = Field(description="What happens / 事件类型")  # type: ignore[valid-type]
    turn: int | None = Field(
        None, ge=1, le=40, description="Quarter it fires; omit for library-only / 触发的季度；省略则只放在事件库中"
    )
    account: Id | None = Field(
        None, description="Account it hits; omit for every account / 受影响的客户；省略则影响所有客户"
    )
    stakeholder: Id | None = Field(
        None, description="For stakeholder_change: who leaves / 用于 stakeholder_change：谁离职"
    )
    strength: Fraction = Field(
        0.5, description="How hard it hits (meaning depends on type) / 冲击强度（含义取决于类型）"
    )
    toward: NeedWeights | None = Field(
        None, description="For need_shift: the needs it shifts towards (default: at random) "
        "/ 用于 need_shift：需求转向哪些维度（默认随机）"
    )
    headline: Headline = Field(description="What the player reads / 玩家看到的标题")

    @model_validator(mode="after")
    def _toward_only_for_need_shift(self) -> Event:
        if self.toward is not None and self.type != "need_shift":
            raise ValueError(Msg("schema.toward_only_need_shift"))
        if self.toward is not None and sum(self.toward.values()) <= 0:
            raise ValueError(Msg("schema.toward_positive"))
        return self


#: Bound of a scorecard floor or target (profits in currency units over a whole game).
SCORE_MAX = 1e15


class ScoreItem(Strict):
    metric: Literal[SCORE_METRICS] = Field(description="What is measured / 衡量的指标")  # type: ignore[valid-type]
    weight: float = Field(gt=0.0, le=1000.0, description="Relative weight in the grade / 在成绩中的相对权重")
    floor: float = Field(
        ge=-SCORE_MAX, le=SCORE_MAX, description="Value that scores 0 in an average world / 平均世界里得 0 分的数值"
    )
    target: float = Field(
        ge=-SCORE_MAX, le=SCORE_MAX, description="What expert play makes in an average world (scores 100) / 专家打法在平均世界里的成绩（得 100 分）"
    )

    @model_validator(mode="after")
    def _distinct(self) -> ScoreItem:
        if self.floor == self.target:
            raise ValueError(Msg("schema.floor_is_target"))
        return self


#: Needs that effort serves (quality is the product's, delivery the supply's: see Model).
HALF_EFFORT = {
    "price": 3.0,
    "support": 6.0,
    "innovation": 4.0,
    "training": 5.0,
    "promotion": 6.0,
    "relationship": 4.0,
}


class Model(Strict):
    """Constants of the simulation (the model in docs/scenario-format.md §3.17). Defaults are calibrated for the shipped cases.

    Each is bounded to a range the model was made for (``le``/``ge``), so a typo such as
    ``need_noise: 1e6`` is an error with the range, not an overflow mid-game."""

    carryover: Fraction = Field(
        0.4, description="Effort carry-over per quarter (adstock λ) / 投入每季度的延续比例（adstock λ）"
    )
    response_shape: float = Field(
        1.0, ge=0.5, le=3.0, description="ADBUDG exponent γ / ADBUDG 指数 γ"
    )
    half_effort: dict[Literal[tuple(HALF_EFFORT)], Annotated[float, Field(gt=0.0, le=1000.0)]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: dict(HALF_EFFORT),
        description="Effort units at which each need dimension is half served (ADBUDG ρ); "
        "dimensions left out keep their defaults / 每个需求维度满足一半所需的投入量（ADBUDG ρ）；"
        "未写的维度保持默认",
    )
    effort_absorption: float = Field(
        2.0, ge=0.0, le=50.0,
        description="Most effort an account takes in in one quarter, in units of half_effort: "
        "fresh effort e counts as e / (1 + e / (effort_absorption × half_effort)); 0 = no limit "
        "(steady attention beats the same effort in bursts) / 客户一个季度最多能吸收的投入，"
        "以 half_effort 为单位：本季度投入 e 计为 e / (1 + e / (effort_absorption × half_effort))；"
        "0 = 不设上限（持续投入胜过同样总量的突击）",
    )
    initial_effort: float = Field(
        0.8, ge=0.0, le=10.0,
        description="Effort stocks at the start, as a fraction of half_effort (past service) "
        "/ 开局时的投入存量，占 half_effort 的比例（过去的服务）",
    )
    @field_validator("half_effort")
    @classmethod
    def _merge_defaults(cls, v: dict[str, float]) -> dict[str, float]:
        return {**HALF_EFFORT, **v}

    base_service: Fraction = Field(
        0.05, description="How well the standard offer serves a need with no extra effort "
        "/ 不额外投入时标准方案对需求的满足程度"
    )
    quality: Fraction = Field(
        0.55, description="How well our product serves the quality need / 我方产品对质量需求的满足程度"
    )
    quality_reach: Fraction = Field(
        0.5, description="Share of the quality gap (1 − quality) that acting on an account's "
        "feedback can close for it / 根据客户回访意见改进，最多能弥补的质量差距比例（1 − quality）"
    )
    feedback_quality: float = Field(
        2.0, ge=0.0, le=100.0,
        description="Quality effort of one feedback visit acted on (it decays with carryover) "
        "/ 一次回访并据此改进带来的质量投入（随 carryover 衰减）",
    )
    reliability: Fraction = Field(
        0.7, description="How well normal delivery serves delivery / 正常交付对交付需求的满足程度"
    )
    promotion_unit: float = Field(
        10000.0, gt=0.0, le=MONEY_MAX,
        description="Money per effort unit of promotion / 推广每单位投入的费用",
    )
    promotion_pull: float = Field(
        0.6, ge=0.0, le=5.0,
        description="Extra volume joint promotion pulls through us at full promotion service "
        "(0.3 = up to 30 % more of the account's orders) / 联合推广在推广需求完全满足时额外带来的"
        "销量（0.3 = 客户订单最多多 30%）",
    )
    event_unit: float = Field(
        10000.0, gt=0.0, le=MONEY_MAX,
        description="Money per effort unit of event support / 活动支持每单位投入的费用",
    )
    trial_effort: float = Field(
        4.0, ge=0.0, le=100.0, description="Innovation effort of one product trial / 一次产品试用的创新投入"
    )
    discount_effort: float = Field(
        60.0, ge=0.0, le=1000.0, description="Price effort per 100 % discount / 每 100% 折扣的价格投入"
    )
    credit_effort: float = Field(
        2.0, ge=0.0, le=100.0, description="Price effort per 30 days of credit / 每 30 天账期的价格投入"
    )
    conference_effort: float = Field(
        2.0, ge=0.0, le=100.0, description="Relationship effort, every contact / 客户大会给每位联系人的关系投入"
    )
    info_effort: float = Field(
        0.5, ge=0.0, le=100.0,
        description="Relationship effort of information sharing / 信息分享的关系投入",
    )
    own_event_bonus: float = Field(
        3.0, ge=0.0, le=20.0,
        description="Multiplier on event support when the account holds its own event "
        "/ 客户自办活动时活动支持的倍数",
    )
    need_noise: float = Field(
        0.35, ge=0.0, le=5.0, description="Seed-to-seed spread of hidden needs / 隐藏需求在不同种子间的离散度"
    )
    stakeholder_spread: float = Field(
        0.5, ge=0.0, le=10.0, description="How far personal needs stray / 个人需求偏离的程度"
    )
    need_drift: float = Field(
        0.06, ge=0.0, le=1.0, description="Quarterly random drift of needs / 需求每季度的随机漂移"
    )
    fit_weight: Fraction = Field(
        0.3, description="Share of an offer's value that depends on how well its shape fits "
        "the account's needs (1 − half the L1 distance between the needs and the effort profile) "
        "/ 方案价值中取决于其结构与客户需求匹配程度的比例（1 − 需求与投入结构 L1 距离的一半）"
    )
    intimacy_weight: Fraction = Field(
        0.4, description="Share of each person's trust that only time spent with them builds "
        "(Maister's intimacy); the rest follows the value of our offer / 每个人的信任中只能靠与其"
        "相处建立的部分（Maister 的“亲近”）；其余部分随我方方案的价值变化"
    )
    trust_up: Fraction = Field(
        0.4, description="Share of the gap trust closes per quarter when rising / 信任上升时每季度缩小差距的比例"
    )
    trust_down: Fraction = Field(
        0.6, description="Share of the gap trust closes per quarter when falling / 信任下降时每季度缩小差距的比例"
    )
    stance_rate: Fraction = Field(
        0.4, description="Share of the gap stance closes per quarter / 态度每季度缩小差距的比例"
    )
    social_rate: Fraction = Field(
        0.15, description="Pull of stance towards influential colleagues / 有影响力的同事对态度的牵引"
    )
    value_weight: Fraction = Field(
        0.8, description="Weight of current value (vs trust) in choice / 选择时当前价值（相对信任）的权重"
    )
    satisfaction_slope: float = Field(
        8.0, gt=0.0, le=50.0,
        description="Steepness of satisfaction around expectations / 满意度在期望附近的陡峭程度",
    )
    expectation: Fraction = Field(
        0.1, description="Value the account expects, before rivals / 客户在考虑对手之前期望的价值"
    )
    churn_at_5: Fraction = Field(
        0.001, description="Quarterly defection at satisfaction 5 / 满意度为 5 时每季度的流失率"
    )
    churn_ratio: float = Field(
        6.0, gt=0.0, le=100.0,
        description="Defection ratio per satisfaction point (Jones & Sasser) / 满意度每降一分流失率的倍数（Jones & Sasser）",
    )
    churn_max: Fraction = Field(0.35, description="Highest quarterly defection / 每季度流失率上限")
    rival_level: float = Field(
        0.62, gt=0.0, le=10.0,
        description="Rivals' utility per unit of account `competitor` strength / 客户 `competitor` 实力每单位对应的对手效用",
    )
    share_inertia: Fraction = Field(
        0.5, description="Share of the gap to target share closed per quarter / 份额每季度向目标份额靠拢的比例"
    )
    rank_softness: float = Field(
        0.1, gt=0.0, le=10.0,
        description="Utility gap that makes rank a coin toss / 让排名变成抛硬币的效用差",
    )
    attraction_weight: Fraction = Field(
        1.0, description="Weight of the attraction rule (share ∝ exp(utility / rank_softness)) "
        "blended into the rank rule's target share: keeps share answering to effort where we "
        "already rank first / 吸引力规则（份额 ∝ exp(效用 / rank_softness)）在目标份额中的权重，"
        "与排名规则混合：即使已排第一，份额仍随投入变化"
    )
    stage_caps: list[Fraction] = Field(
        default_factory=lambda: [0.35, 0.55, 0.75, 0.9, 1.0, 0.15],
        min_length=6,
        max_length=6,
        description="Highest share of wallet at each stage / 各阶段的最高份额",
    )
    stage_trust: list[Fraction] = Field(
        default_factory=lambda: [0.0, 0.25, 0.35, 0.45, 0.6],
        min_length=5,
        max_length=5,
        description="Average trust needed to hold each stage / 保持各阶段所需的平均信任",
    )
    stage_coverage: Fraction = Field(
        0.6, description="Influence-weighted contact breadth to climb / 晋级所需的（按影响力加权的）接触广度"
    )
    stage_cost: list[Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        default_factory=lambda: [1.3, 1.0, 0.9, 0.8, 0.7, 1.2],
        min_length=6,
        max_length=6,
        description="Cost-to-serve multiplier at each stage / 各阶段服务成本的倍数",
    )
    veto_threshold: float = Field(
        -0.3, ge=-1.0, le=1.0, description="Stance below which a veto role blocks / 否决角色在态度低于此值时否决"
    )
    veto_penalty: Fraction = Field(0.35, description="Value lost to a veto / 被否决时损失的价值")
    gate_value: Fraction = Field(
        0.25, description="Technical value below which the gate bites / 技术价值低于此值时门槛生效"
    )
    gate_penalty: Fraction = Field(0.25, description="Value lost at the gate / 未过门槛时损失的价值")
    supply_trust_hit: float = Field(
        0.4, ge=0.0, le=5.0, description="Trust lost per unit of unmet supply / 每单位未满足供货损失的信任"
    )
    supply_promise: list[Annotated[float, Field(ge=0.0, le=5.0)]] = Field(
        default_factory=lambda: [0.3, 0.5, 0.8, 1.2, 1.5, 0.3],
        min_length=6,
        max_length=6,
        description="How much an account was promised supply, per stage: multiplies "
        "supply_trust_hit (a partner counts on us in a shortage, a new account expects to be "
        "rationed) / 各阶段客户得到的供货承诺：乘以 supply_trust_hit（缺货时合作伙伴指望我们，"
        "新客户预料会被限量）",
    )
    supply_tier_exponent: float = Field(
        1.0, ge=0.0, le=3.0,
        description="How much more a shortfall hurts a big buyer: the trust hit scales with "
        "(the account's demand ÷ the average account's) to this power (0 = the same for all) / "
        "缺货对大客户伤害更大：信任损失按（该客户需求 ÷ 平均客户需求）的此次方缩放（0 = 对所有客户相同）",
    )
    failure_trust_hit: float = Field(
        0.2, ge=0.0, le=1.0, description="Trust lost in a service failure / 服务失误损失的信任"
    )
    complaint_hit: float = Field(
        0.15, ge=0.0, le=1.0, description="Trust lost per unresolved complaint / 每个未解决投诉损失的信任"
    )
    attack_strength: float = Field(
        0.15, ge=0.0, le=5.0, description="Rival utility added by an attack / 对手进攻增加的效用"
    )
    attack_decay: Fraction = Field(0.6, description="Share of an attack left next quarter / 进攻效果留到下季度的比例")
    late_credit_factor: float = Field(
        1.0, ge=0.0, le=20.0, description="Extra late-payment odds per 30 days / 每 30 天账期增加的延迟付款几率"
    )
    late_collect: Fraction = Field(
        0.5, description="Chance an overdue balance is paid each quarter / 逾期款每季度收回的概率"
    )
    default_credit_factor: float = Field(
        0.6, ge=0.0, le=20.0,
        description="Extra default odds per 30 days of credit beyond 30 (long terms let a weak "
        "buyer over-trade; weighted by each supplier's share) / 账期每超过 30 天再增加 30 天，"
        "违约几率增加的倍数（长账期让弱客户过度扩张；按各供应商的份额加权）",
    )
    write_off: Fraction = Field(
        0.6, description="Share of receivables overdue three quarters or more written off as "
        "bad debt each quarter / 逾期三个季度及以上的应收账款每季度作为坏账核销的比例"
    )
    stress_pd: float = Field(
        4.0, gt=0.0, le=100.0, description="Default multiplier under credit stress / 信用紧张时违约率的倍数"
    )
    capital_cost: Fraction = Field(
        0.02, description="Quarterly cost of carrying receivables / 应收账款的季度资金成本"
    )
    survey_noise: float = Field(
        0.02, ge=0.0, le=5.0, description="Noise of a needs analysis reading / 需求调研读数的噪声"
    )
    stance_noise: float = Field(
        0.6, ge=0.0, le=5.0, description="Noise of a stance reading with no contact / 未接触时态度读数的噪声"
    )
    share_noise: float = Field(
        0.15, ge=0.0, le=5.0, description="Noise of share estimates without analysis / 未做分析时份额估计的噪声"
    )
    discount_trust: float = Field(
        0.01, ge=0.0, le=1.0,
        description="Share of trust lost per quarter at the deepest allowed discount "
        "(haggling teaches an account to buy on price) / 最大折扣下每季度损失的信任比例（讨价还价让客户只看价格）",
    )
    price_adaptation: Fraction = Field(
        0.3, description="Share of the gap the discount an account expects closes per quarter "
        "towards the discount it gets (reference price): a permanent discount stops pleasing, "
        "withdrawing it feels like a price rise / 客户预期折扣每季度向实际折扣靠拢的比例（参考价格）："
        "长期折扣不再令人满意，取消折扣则像涨价",
    )
    clv_discount_rate: Fraction = Field(
        0.03, description="Quarterly discount rate i for CLV / 计算客户终身价值的季度折现率 i"
    )
    neutral_trust: Fraction = Field(
        0.3, description="Trust at which a person's stance settles at neutral (0) / 态度稳定在中立（0）时的信任"
    )


class Scenario(Strict):
    """One playable case."""

    format: Literal[1] = Field(description="Scenario format version / 场景格式版本")
    id: Id = Field(description="Case id, the same as the file name / 案例标识，与文件名相同")
    version: str = Field(
        pattern=r"^\d+\.\d+(\.\d+)?$", description="Content version, e.g. 1.0 / 内容版本，例如 1.0"
    )
    title: Label = Field(description="Case title / 案例标题")
    summary: Line = Field(description="One or two lines for the case library / 案例库中的一两句简介")
    briefing: Text = Field(description="What the player reads before quarter 1 / 开局前玩家读到的情况介绍")
    objectives: list[Line] = Field(min_length=1, max_length=10, description="Learning objectives / 学习目标")
    difficulty: Literal["easy", "medium", "hard"] = Field(description="Difficulty / 难度")
    turns: int = Field(ge=1, le=40, description="Quarters in a game / 一局的季度数")
    start_quarter: int = Field(1, ge=1, le=4, description="Quarter of the year the game starts in / 开局所在的季度")
    currency: Literal["CNY", "USD", "EUR"] = Field("CNY", description="Currency / 货币")
    resources: Resources = Field(description="What the player may spend each quarter / 每季度可用资源")
    actions: list[Literal[ACTIONS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(ACTIONS),
        description="Actions allowed in this case / 本案例允许的行动",
    )
    costs: Costs = Field(default_factory=Costs, description="Money cost of each action / 各行动的费用")
    limits: Limits = Field(default_factory=Limits, description="Discount and credit limits / 折扣与账期上限")
    season: Season = Field(default_factory=Season, description="Seasonal demand / 季节性需求")
    supply: Supply = Field(default_factory=Supply, description="Peak-season shortage / 旺季缺货")
    roles: list[Role] = Field(
        default_factory=default_roles,
        description="Buying-center roles; omit for the five standard ones / 采购中心角色；省略则用五个标准角色",
    )
    rivals: list[Rival] = Field(min_length=1, max_length=4, description="Competitors / 竞争对手")
    accounts: list[Account] = Field(min_length=1, max_length=60, description="The key accounts / 大客户")
    random_events: RandomEvents = Field(
        default_factory=RandomEvents, description="Chances of random events / 随机事件的概率"
    )
    events: list[Event] = Field(default_factory=list, description="Scripted and library events / 预设事件与事件库")
    scorecard: list[ScoreItem] = Field(min_length=1, description="How a game is graded / 成绩计算方式")
    model: Model = Field(default_factory=Model, description="Simulation constants / 模拟常数")

    # Cross-references are checked by engine.loader (cross_reference_problems), so that
    # each broken reference is reported at its own line.

    # Convenience lookups used by the engine and the UI.
    def account_index(self, account_id: str) -> int:
        return [a.id for a in self.accounts].index(account_id)

    @property
    def max_stakeholders(self) -> int:
        return max(len(a.stakeholders) for a in self.accounts)


Path = tuple[str | int, ...]


def cross_reference_problems(s: Scenario) -> Iterator[tuple[Path, Msg]]:
    """Yield (path, message) for every broken reference; the loader reports them one by one."""

    def dupes(items, *where: str | int) -> Iterator[tuple[Path, str]]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                yield (*where, i, "id"), Msg("ref.duplicate_id", id=repr(item.id), where=where[-1])
            seen.add(item.id)

    yield from dupes(s.accounts, "accounts")
    for i, acc in enumerate(s.accounts):
        yield from dupes(acc.stakeholders, "accounts", i, "stakeholders")
    yield from dupes(s.roles, "roles")
    yield from dupes(s.rivals, "rivals")
    yield from dupes(s.events, "events")
    role_ids = [r.id for r in s.roles]
    # Without `roles:` the five standard roles apply; a new role must be added under roles:.
    own_roles = "roles" in s.model_fields_set
    for i, acc in enumerate(s.accounts):
        for j, sh in enumerate(acc.stakeholders):
            if sh.role not in role_ids:
                yield (
                    ("accounts", i, "stakeholders", j, "role"),
                    _unknown_role(sh.role, role_ids, own_roles),
                )
    accounts = {a.id: a for a in s.accounts}
    for i, ev in enumerate(s.events):
        if ev.turn is not None and ev.turn > s.turns:
            yield ("events", i, "turn"), Msg("ref.turn_after_end", turn=ev.turn, turns=s.turns)
        if ev.account is not None and ev.account not in accounts:
            yield (
                ("events", i, "account"),
                Msg("ref.unknown_account", account=repr(ev.account),
                    hint=hint(ev.account, list(accounts))),
            )
        if ev.stakeholder is not None:
            if ev.type != "stakeholder_change":
                yield ("events", i, "stakeholder"), Msg("ref.stakeholder_wrong_type")
            elif ev.account is None:
                yield ("events", i, "stakeholder"), Msg("ref.stakeholder_no_account")
            elif ev.account in accounts:
                ids = [sh.id for sh in accounts[ev.account].stakeholders]
                if ev.stakeholder not in ids:
                    yield (
                        ("events", i, "stakeholder"),
                        Msg("ref.unknown_stakeholder", stakeholder=repr(ev.stakeholder),
                            account=repr(ev.account), hint=hint(ev.stakeholder, ids)),
                    )
    metrics = [item.metric for item in s.scorecard]
    for i, m in enumerate(metrics):
        if metrics.index(m) != i:
            yield ("scorecard", i, "metric"), Msg("ref.metric_twice", metric=repr(m))


def _unknown_role(role: str, role_ids: list[str], own_roles: bool) -> Msg:
    """A typo gets "did you mean"; a new role gets where to add it."""
    close = hint(role, role_ids)
    if close:
        return Msg("ref.unknown_role_typo", role=repr(role), hint=close)
    code = "ref.unknown_role" if own_roles else "ref.unknown_role_no_roles"
    return Msg(code, role=repr(role), roles=", ".join(role_ids))


def hint(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean …?)' suffix for a near miss, or ''."""

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return Msg("hint.did_you_mean", word=repr(close[0])) if close else ""
