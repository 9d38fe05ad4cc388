"""The glossary's terms and the tooltips that lead to it: plain text from the language
tables and the player's own figures, no pygame (the glossary screen and the planning
screen's tooltips read it; tests read it directly).

A term's name and explanation are ``glossary.<term>.name`` / ``.text`` in
base/locales/glossary.*.json, written for this game's definitions (engine/kpis.py).
"""

from __future__ import annotations

from kam_sandbox.base import fmt
from kam_sandbox.base.i18n import language, tr

#: The glossary's terms, in the order the screen lists them.
TERMS: tuple[str, ...] = (
    "rfm", "clv", "nps", "stage", "share_of_wallet", "dso", "tier", "credit_grade",
    "credit_terms", "satisfaction", "retention", "buying_center", "churn", "bad_debt",
    "concentration", "discount", "support_days",
)

#: The glossary term that explains each plan action or figure with one.
TERM_OF = {"discount": "discount", "credit_days": "credit_terms",
           "support_days": "support_days", "training_days": "support_days"}


def name(term: str, lang: str | None = None) -> str:
    return tr(f"glossary.{term}.name", lang)


def text(term: str, lang: str | None = None) -> str:
    return tr(f"glossary.{term}.text", lang)


def _with_link(tip: str, lang: str | None) -> str:
    """A tooltip that says a click opens the glossary at its term."""

    sep = "" if (lang or language()) == "zh" else " "
    return f"{tip}{sep}{tr('glossary.click', lang)}"


def _money(value: float, lang: str | None, currency: str) -> str:
    """Money in ``lang`` (None: the interface's) as the planning screen writes it."""

    return fmt.money(value, lang or language(), currency, short_from=fmt.SHORT_FROM)


def clv_tip(clv: float, rfm: tuple[int, int, int], lang: str | None = None,
            currency: str = "CNY") -> str:
    """CLV's tooltip: what it is, this account's CLV and its RFM scores today."""

    tip = tr("glossary.tip.clv", lang, clv=_money(clv, lang, currency),
             r=rfm[0], f=rfm[1], m=rfm[2])
    return _with_link(tip, lang)


def credit_tip(grade: str, days: int, lang: str | None = None) -> str:
    """The credit figure's tooltip: the grade's meaning and the terms in force."""

    tip = tr("glossary.tip.credit", lang, grade=grade,
             band=tr(f"glossary.tip.band.{grade}", lang), days=days)
    return _with_link(tip, lang)


def cost_per_day(action: str, scenario, lang: str | None = None) -> str:
    """"Costs ¥1,500 a day and one support day": support's and training's price."""

    cost = getattr(scenario.costs, "support_day" if action == "support_days" else "training_day")
    return tr("glossary.tip.per_day", lang, cost=_money(cost, lang, scenario.currency))


def discount_cost(discount: float, last_revenue: float, lang: str | None = None,
                  currency: str = "CNY") -> str:
    """What a discount costs at the account's last quarter's revenue (margin given away)."""

    if discount <= 0:
        return tr("glossary.tip.discount_none", lang)
    return tr("glossary.tip.discount_cost", lang, pct=fmt.percent(discount),
              cost=_money(discount * last_revenue, lang, currency))
