"""What to change in a scenario file when a lesson check fails, per lesson (English,
Chinese): the balance report prints it under the failing lesson. The same advice, with its
reasons, is the table "When a lesson check fails" of the facilitator guide (§5.2).

Keyed by the lesson a check tests (``simulate.lesson_table``'s ``lesson``); a lesson this
table does not know gets ``GENERIC``, so new checks need no change here to be reported.
"""

from __future__ import annotations

HINTS: dict[str, tuple[str, str]] = {
    "focus": (
        "Make wallets heavy-tailed, so that a few accounts hold most of the money (guide "
        "§3.2); cut <code>resources</code> so that not every account can be served; give the "
        "big accounts a lower starting <code>share</code> or fewer <code>rivals</code>.",
        "让钱包规模悬殊，少数客户占大部分金额（指南 §3.2）；削减 <code>resources</code>，"
        "使资源不够服务所有客户；让大客户的初始 <code>share</code> 更低或 <code>rivals</code> 更少。",
    ),
    "discover": (
        "Make <code>needs</code> differ between accounts and between people (guide §3.3); "
        "lower <code>costs.survey</code> or raise <code>budget</code>; add "
        "<code>need_shift</code> and <code>stakeholder_change</code> events.",
        "让各客户、各联系人的 <code>needs</code> 明显不同（指南 §3.3）；降低 "
        "<code>costs.survey</code> 或提高 <code>budget</code>；加入 <code>need_shift</code> 和 "
        "<code>stakeholder_change</code> 事件。",
    ),
    "drift": (
        "Needs must move within the game: raise <code>model.need_drift</code> or add "
        "<code>need_shift</code> events with <code>toward</code> (guide §4.3); play more "
        "than four quarters; keep <code>costs.survey</code> affordable.",
        "需求要在游戏中变化：提高 <code>model.need_drift</code>，或加入带 <code>toward</code> 的 "
        "<code>need_shift</code> 事件（指南 §4.3）；游戏超过四个季度；调研费用 "
        "<code>costs.survey</code> 要负担得起。",
    ),
    "buying-center": (
        "Give users, technical evaluators and coaches real <code>influence</code> (guide "
        "§3.4), so the economic buyer alone cannot carry an account; fewer "
        "<code>resources.exec_days</code> against <code>am_days</code>.",
        "给使用者、技术评估者和内部教练实际的 <code>influence</code>（指南 §3.4），"
        "让经济决策者一人撑不起整个客户；减少 <code>resources.exec_days</code>，相对增加 "
        "<code>am_days</code>。",
    ),
    "price": (
        "Discounts must cost something: lower <code>margin</code> on price-driven accounts; "
        "set <code>limits.max_discount</code> around 0.1–0.15, below the lowest margin.",
        "折扣要有代价：降低价格导向客户的 <code>margin</code>；把 "
        "<code>limits.max_discount</code> 设在 0.1–0.15 左右，低于最低毛利率。",
    ),
    "risk": (
        "Offer <code>credit_days</code> among the <code>actions</code>; add Credit C and "
        "Credit D accounts (<code>credit.pd</code> 0.03 and above, guide §3.5) that ask for "
        "long <code>terms</code>; weigh <code>bad_debt_ratio</code> on the "
        "<code>scorecard</code>.",
        "在 <code>actions</code> 中提供 <code>credit_days</code>；加入信用C、信用D的客户"
        "（<code>credit.pd</code> 0.03 及以上，指南 §3.5），并让它们要求较长的 <code>terms</code>；"
        "在 <code>scorecard</code> 中给 <code>bad_debt_ratio</code> 权重。",
    ),
    "supply": (
        "Put a peak quarter inside the game with <code>supply.capacity</code> below 1 "
        "(guide §3.6); give the big accounts a <code>delivery</code> need.",
        "在游戏期间安排一个旺季，并让 <code>supply.capacity</code> 小于 1（指南 §3.6）；"
        "给大客户 <code>delivery</code> 需求。",
    ),
    "compounding": (
        "Play 8–12 quarters (<code>turns</code>), so that trust and relationship stages have "
        "time to build.",
        "游戏进行 8–12 个季度（<code>turns</code>），让信任和关系阶段有时间累积。",
    ),
    "sanity": (
        "Check each <code>scorecard</code> metric with <code>simulate</code>: random play "
        "must not be good at one (<code>coverage</code>, <code>nps</code>, <code>hhi</code>; "
        "guide §5.2); cut <code>resources</code> so that choices matter.",
        "用 <code>simulate</code> 检查 <code>scorecard</code> 的每个指标：随机策略不应在某个"
        "指标上表现好（<code>coverage</code>、<code>nps</code>、<code>hhi</code>；指南 §5.2）；"
        "削减 <code>resources</code>，让选择有分量。",
    ),
}

GENERIC = (
    "Compare the two strategies account by account below: the accounts that carry the gap "
    "show which part of the file to change.",
    "参看下面逐个客户的对比：承担差距的客户说明了应修改文件的哪一部分。",
)


def hint(lesson: str, lang: str) -> str:
    """The advice for a failing check of ``lesson`` in ``lang``, as HTML (names in code)."""
    en, zh = HINTS.get(lesson, GENERIC)
    return zh if lang == "zh" else en
