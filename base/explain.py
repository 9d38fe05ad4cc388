"""Plain-language explanations of a quarter and of a whole game.

The engine says *what* happened as data (event types, driver kinds, KPI numbers); this
module turns that into sentences a trainee reads, and grades the eight lessons of
DESIGN §2 against the player's own decisions. Pure functions over plain data and the
engine's public ``Game`` API: no pygame, so the CLI, a trainer's dashboard and tests can
use them too; it sits in the base layer because the Pygame game and the workshop's browser
client (``workshop.web``) tell a team the same things.

Every function that produces text takes an optional ``lang``; ``None`` means the
interface's current language (``base.i18n``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from kam_sandbox.base import fmt, i18n
from kam_sandbox.engine.attribution import EXTERNAL, OWN
from kam_sandbox.engine.kpis import abc_tiers, grade_band  # noqa: F401  (re-exported for scenes)
from kam_sandbox.engine.scenario import NEEDS, STAGES

#: The eight lessons of DESIGN §2, in order.
LESSONS: tuple[str, ...] = (
    "focus",
    "discover",
    "buying_center",
    "price",
    "risk",
    "needs_move",
    "promises",
    "compounding",
)

#: Verdicts of ``lesson_report``; ``untested`` when the game gave no chance to show the
#: lesson (no shortage and no complaint to keep a promise on, say).
VERDICTS: tuple[str, ...] = ("good", "mixed", "poor", "untested")

#: News in the order a player should read it: losses first, opportunities last.
NEWS_ORDER: tuple[str, ...] = (
    "default",
    "churn",
    "shortage",
    "credit_stress",
    "competitor_attack",
    "service_failure",
    "complaint",
    "stakeholder_change",
    "need_shift",
    "late_payment",
    "own_event",
)

#: Metrics shown as percentages in the scorecard and charts.
_PERCENT_METRICS = frozenset(
    {"margin", "retention", "share_of_wallet", "bad_debt_ratio", "coverage", "accounts_kept",
     "top1_share", "top5_share"}
)
_MONEY_METRICS = frozenset(
    {"profit", "revenue", "gross", "receivables", "overdue", "bad_debt", "spend"}
)

#: Rank of a stage for "moved up / down": uncoupling is the fall-out, below ``pre``.
_STAGE_RANK = {s: (-1 if s == "uncoupling" else i) for i, s in enumerate(STAGES)}


# -- language helpers ----------------------------------------------------------------------------
def _lang(lang: str | None) -> str:
    return lang or i18n.language()


t = i18n.tr  # explain works in an explicit language: tr(key, lang, **values)
pick = i18n.pick


def account_name(scenario, account_id: str | None, lang: str | None = None) -> str:
    """The account's display name, or its id if the scenario does not know it."""

    for acc in scenario.accounts:
        if acc.id == account_id:
            return pick(acc.name, lang)
    return str(account_id or "")


def role_name(scenario, role_id: str, lang: str | None = None) -> str:
    for role in scenario.roles:
        if role.id == role_id:
            return pick(role.name, lang)
    return role_id


def need_name(need: str, lang: str | None = None) -> str:
    """A need dimension's label (``need.price`` …), capitalised for lists and charts."""

    return t(f"need.{need}", lang)


def _need_in_sentence(need: str, lang: str) -> str:
    name = need_name(need, lang)
    return name.lower() if lang == "en" else name


def metric_name(metric: str, lang: str | None = None) -> str:
    return t(f"kpi.{metric}", lang)


def format_metric(metric: str, value: float, lang: str | None = None,
                  currency: str = "CNY") -> str:
    """A KPI or scorecard value the way a player reads it (money, %, 1–5 scale, index)."""

    lang = _lang(lang)
    if metric in _MONEY_METRICS:
        return fmt.money(value, lang, currency, short_from=fmt.SHORT_FROM)
    if metric in _PERCENT_METRICS:
        return fmt.percent(value, 1 if metric == "bad_debt_ratio" else 0)
    if metric == "satisfaction":
        return fmt.number(value, lang, 2)
    if metric == "hhi":
        return fmt.number(value, lang, 2)
    if metric == "dso":
        return fmt.days(value, lang, 0)
    return fmt.number(value, lang, 0)


# -- one quarter ------------------------------------------------------------------------------------
def news_items(result: dict, scenario, lang: str | None = None) -> list[str]:
    """The quarter's events as short news lines, scripted headlines first.

    A scripted or injected event that already has a headline is not repeated as a generic
    line; a supply shortage is one line, whatever accounts it names.
    """

    lang = _lang(lang)
    lines: list[str] = []
    covered: set[tuple[str, str | None]] = set()
    for h in result.get("headlines", []):
        text = pick(h.get("headline") or {}, lang)
        if text:
            lines.append(text)
        covered.add((h.get("type"), h.get("account")))
    seen: set[tuple[str, str | None]] = set()
    order = {name: i for i, name in enumerate(NEWS_ORDER)}
    news = sorted(result.get("news", []), key=lambda n: order.get(n["type"], len(order)))
    for item in news:
        kind, account = item["type"], item.get("account")
        if kind in ("shortage", "credit_stress"):
            account = None
        if kind == "stakeholder_change" and item.get("name"):  # names the newcomer: never
            lines.append(t("news.stakeholder_replaced", lang,  # covered by a headline
                           account=account_name(scenario, account, lang),
                           predecessor=pick(item["predecessor"], lang),
                           name=pick(item["name"], lang)))
            continue
        if (kind, account) in seen or (kind, account) in covered or (kind, None) in covered:
            continue
        seen.add((kind, account))
        lines.append(t(f"news.{kind}", lang, account=account_name(scenario, account, lang)))
    return lines


def person_label(person: dict, lang: str | None = None) -> str:
    """A stakeholder's name as the screens show it, "(new)" after it for a successor
    (``person``: a ``View.to_dict`` or ``Game.debrief`` stakeholder)."""

    lang = _lang(lang)
    name = pick(person["name"], lang)
    return t("plan.new_person", lang, name=name) if person.get("replacements") else name


def _account(scenario, account_id: str):
    for acc in scenario.accounts:
        if acc.id == account_id:
            return acc
    return None


def _role_holding(scenario, account_id: str, flag: str, lang: str) -> str:
    """Name of the role in this account that holds a veto (``flag='veto'``) or the gate."""

    acc = _account(scenario, account_id)
    roles = {r.id: r for r in scenario.roles}
    if acc is not None:
        for sh in acc.stakeholders:
            role = roles.get(sh.role)
            if role is not None and getattr(role, flag):
                return pick(role.name, lang)
    for role in scenario.roles:
        if getattr(role, flag):
            return pick(role.name, lang)
    return t(f"driver.{flag}_role", lang)


def driver_sentences(account_result: dict, scenario, lang: str | None = None) -> list[str]:
    """Why one account moved this quarter, one short plain sentence per engine driver."""

    lang = _lang(lang)
    out: list[str] = []
    acc_id = account_result["id"]
    acc = _account(scenario, acc_id)
    for d in account_result.get("drivers", []):
        kind = d["kind"]
        if kind == "supply_shortfall":
            out.append(t("driver.supply_shortfall", lang, fill=fmt.percent(d.get("fill", 0.0))))
        elif kind in ("veto", "technical_gate"):
            flag = "veto" if kind == "veto" else "gate"
            role = (_role_holding(scenario, acc_id, flag, lang) if d.get("known", True)
                    else t("driver.someone", lang))
            out.append(t(f"driver.{kind}", lang, role=role))
        elif kind == "unmet_need":
            out.append(_person_reason("driver.unmet_need", d, scenario, acc, lang))
        else:
            out.append(t(f"driver.{kind}", lang))
    lost = account_result.get("stage") == account_result.get("stage_before") == "uncoupling"
    if not out and lost and account_result.get("revenue", 0.0) == 0.0:
        out.append(t("driver.lost_earlier", lang))
    return out


def _person_reason(key: str, d: dict, scenario, acc, lang: str) -> str:
    """A reason about one person's need (``driver.unmet_need`` or ``gain.need_met``): the
    role is named only when the engine gave it (once discovered)."""

    name = d.get("stakeholder", "")
    if d.get("name"):  # whoever holds the seat then, a successor included
        name = pick(d["name"], lang)
    elif acc is not None:  # a result recorded before the engine named people
        for sh in acc.stakeholders:
            if sh.id == d.get("stakeholder"):
                name = pick(sh.name, lang)
    need = _need_in_sentence(d.get("need", ""), lang)
    if d.get("role"):
        return t(key, lang, name=name, need=need, role=role_name(scenario, d["role"], lang))
    return t(f"{key}_someone", lang, name=name, need=need)  # role not discovered yet


def gain_sentences(account_result: dict, scenario, lang: str | None = None) -> list[str]:
    """What went well at one account this quarter, one short sentence per engine gain."""

    lang = _lang(lang)
    acc = _account(scenario, account_result["id"])
    out = []
    for g in account_result.get("gains", []):
        if g["kind"] == "need_met":
            out.append(_person_reason("gain.need_met", g, scenario, acc, lang))
        else:
            out.append(t(f"gain.{g['kind']}", lang))
    return out


def _effect_parts(effects: dict, names: tuple[str, ...], lang: str, currency: str) -> str:
    """"season −¥2.8M · market +¥0.4M": the effects that moved revenue, biggest first."""

    moved = [n for n in names if abs(effects.get(n, 0.0)) >= 0.5]
    moved.sort(key=lambda n: -abs(effects[n]))
    sep = " · " if lang == "en" else "，"
    return sep.join(t(f"why.effect.{n}", lang, value=fmt.delta_money(effects[n], lang, currency,
                                                                  short_from=fmt.SHORT_FROM))
                    for n in moved) or t("why.nothing", lang)


def effect_lines(effects: dict, scenario, lang: str | None = None) -> dict[str, str]:
    """A revenue change (the engine's ``effects`` or ``revenue_effects``) told in two parts:
    ``world`` (season, market, supply capacity) and ``own`` (share, price, losses)."""

    lang = _lang(lang)
    cur = scenario.currency
    return {"world": t("why.world", lang, parts=_effect_parts(effects, EXTERNAL, lang, cur)),
            "own": t("why.own", lang, parts=_effect_parts(effects, OWN, lang, cur))}


def effect_split(effects: dict) -> tuple[float, float]:
    """(world, own) parts of a revenue change."""

    return (sum(effects.get(n, 0.0) for n in EXTERNAL), sum(effects.get(n, 0.0) for n in OWN))


def worked_and_not(result: dict, scenario, lang: str | None = None,
                   top: int = 3) -> tuple[list[str], list[str]]:
    """The quarter's own part in two lists: what worked (the accounts where the player's
    part lifted revenue most, with the reason) and what did not (where it cost most)."""

    lang = _lang(lang)
    cur = scenario.currency
    rows = []
    for acc in result.get("accounts", []):
        if "effects" not in acc:
            continue
        own = effect_split(acc["effects"])[1]
        rows.append((own, acc))
    good, bad = [], []
    for own, acc in sorted(rows, key=lambda r: -r[0])[:top]:
        if own < 0.5:
            break
        why = (gain_sentences(acc, scenario, lang) or [""])[0]
        good.append(t("why.account", lang, account=account_name(scenario, acc["id"], lang),
                      value=fmt.delta_money(own, lang, cur, short_from=fmt.SHORT_FROM), why=why).rstrip(" :：·"))
    for own, acc in sorted(rows, key=lambda r: r[0])[:top]:
        if own > -0.5:
            break
        why = (driver_sentences(acc, scenario, lang) or [""])[0]
        bad.append(t("why.account", lang, account=account_name(scenario, acc["id"], lang),
                     value=fmt.delta_money(own, lang, cur, short_from=fmt.SHORT_FROM), why=why).rstrip(" :：·"))
    return good, bad


def revenue_why(result: dict, scenario, lang: str | None = None) -> dict | None:
    """Why the quarter's revenue moved (None for a result recorded before the engine split
    revenue): ``total`` (the revenue and its change on last quarter), the ``world``'s part
    and the player's ``own`` (``effect_lines``), and the accounts where the player's part
    lifted or cost most (``worked``, ``did_not``: ``worked_and_not``)."""

    effects = result.get("revenue_effects")
    if not effects:
        return None
    lang = _lang(lang)
    cur = scenario.currency
    accounts = result["accounts"]
    revenue = sum(a["revenue"] for a in accounts)
    delta = revenue - sum(a["revenue_before"] for a in accounts)
    worked, did_not = worked_and_not(result, scenario, lang)
    return {"total": t("why.total", lang,
                       revenue=fmt.money(revenue, lang, cur, short_from=fmt.SHORT_FROM),
                       delta=fmt.delta_money(delta, lang, cur, short_from=fmt.SHORT_FROM)),
            **effect_lines(effects, scenario, lang), "worked": worked, "did_not": did_not}


def luck_text(points: float, lang: str | None = None) -> str:
    """The luck of the draw in words: how much easier or harder the world was than the
    average one (not part of the grade)."""

    lang = _lang(lang)
    if abs(points) < 1.0:
        return t("debrief.luck.even", lang)
    key = "debrief.luck.easier" if points > 0 else "debrief.luck.harder"
    return t(key, lang, points=fmt.score(abs(points)))


def change_summary(account_result: dict, scenario, lang: str | None = None) -> str:
    """One line: revenue this quarter, its change, and a stage move if any."""

    lang = _lang(lang)
    cur = scenario.currency
    delta = account_result["revenue"] - account_result["revenue_before"]
    text = t("results.change", lang, revenue=fmt.money(account_result["revenue"], lang, cur,
                                                  short_from=fmt.SHORT_FROM),
             delta=fmt.delta_money(delta, lang, cur, short_from=fmt.SHORT_FROM))
    if account_result["stage"] != account_result["stage_before"]:
        text += t("results.stage_move", lang,
                  before=t(f"stage.{account_result['stage_before']}", lang),
                  after=t(f"stage.{account_result['stage']}", lang))
    return text


def big_changes(result: dict, top: int = 5) -> list[dict]:
    """The accounts that changed most this quarter, biggest first.

    The size of the revenue change relative to the whole portfolio decides, with a bonus
    for a stage move and for a loss (churn, default). Accounts with no change at all
    (lost before this quarter) are left out.
    """

    accounts = result.get("accounts", [])
    total = sum(a["revenue_before"] for a in accounts) or 1.0

    def weight(a: dict) -> float:
        # A stage move or a loss counts like a swing of 2 % / 5 % of portfolio revenue, so a
        # key account's big swing still outranks a small account's churn.
        w = abs(a["revenue"] - a["revenue_before"]) / total
        if a["stage"] != a["stage_before"]:
            w += 0.02
        if any(d["kind"] in ("churn", "default") for d in a.get("drivers", [])):
            w += 0.05
        return w

    moved = [a for a in accounts
             if a["revenue"] != a["revenue_before"] or a["stage"] != a["stage_before"]
             or a.get("drivers")]
    return sorted(moved, key=weight, reverse=True)[: max(top, 0)]


# -- a what-if against the game it came from ---------------------------------------------------------
#: Plan actions that are sums of money, and those that are days of someone's time.
_MONEY_ACTIONS = ("promotion", "event_support")
_DAY_ACTIONS = ("am_days", "exec_days", "support_days", "training_days")


def _action_value(action: str, value, lang: str, currency: str = "CNY") -> str:
    if isinstance(value, dict):  # days per person: their total
        value = sum(value.values())
    if isinstance(value, bool) or action in ("survey", "feedback", "trial", "conference",
                                              "data_analysis", "info_sharing"):
        return t("whatif.on" if value else "whatif.off", lang)
    if action in ("discount", "supply"):
        return fmt.percent(float(value or 0.0), 1 if action == "discount" else 0)
    if action == "credit_days":
        return fmt.days(float(value), lang, 0) if value is not None else "—"
    if action in _MONEY_ACTIONS:
        return fmt.money(float(value or 0.0), lang, currency, short_from=fmt.SHORT_FROM)
    if action in _DAY_ACTIONS:
        return fmt.days(float(value or 0.0), lang)
    return fmt.number(float(value or 0.0), lang, 1 if float(value or 0) % 1 else 0)


def plan_changes(before: dict, after: dict, scenario, lang: str | None = None) -> list[str]:
    """What differs between two plans of one quarter, one line per account and action
    ("Retail A: Discount / rebate 0.0% → 5.0%"), portfolio actions last."""

    lang = _lang(lang)
    out = []
    for acc in scenario.accounts:
        was = (before.get("accounts") or {}).get(acc.id, {})
        now = (after.get("accounts") or {}).get(acc.id, {})
        for action in sorted(set(was) | set(now)):
            old_v, new_v = was.get(action), now.get(action)
            if old_v == new_v:
                continue
            out.append(t("whatif.change", lang, account=pick(acc.name, lang),
                         action=t(f"action.{action}", lang),
                         before=_action_value(action, old_v, lang, scenario.currency),
                         after=_action_value(action, new_v, lang, scenario.currency)))
    was, now = before.get("portfolio") or {}, after.get("portfolio") or {}
    for action in sorted(set(was) | set(now)):
        if bool(was.get(action)) != bool(now.get(action)):
            out.append(t("whatif.change", lang, account=t("whatif.portfolio", lang),
                         action=t(f"action.{action}", lang),
                         before=_action_value(action, bool(was.get(action)), lang),
                         after=_action_value(action, bool(now.get(action)), lang)))
    return out


# -- a whole game: the eight lessons ------------------------------------------------------------------
def _days(plan_acc: dict, action: str) -> float:
    value = plan_acc.get(action, 0)
    if isinstance(value, dict):
        return float(sum(value.values()))
    return float(value or 0)


def _effort(plan_acc: dict) -> float:
    return sum(_days(plan_acc, a) for a in ("am_days", "exec_days", "support_days",
                                            "training_days"))


class _Facts:
    """Per-game numbers the lesson checks share, computed once from the public API."""

    def __init__(self, game):
        sc = game.scenario
        self.scenario = sc
        self.ids = [a.id for a in sc.accounts]
        self.plans: list[dict] = list(game.plans)
        self.results: list[dict] = list(game.results)
        self.history: list[dict] = game.kpi_history()
        self.turns = len(self.plans)
        view = game.view()
        self.view = view
        self.truth = game.debrief() if game.over else None
        self.prior = np.asarray(view.revenue[0, :, 0], float)
        tiers = abc_tiers(self.prior)
        self.key = [i for i in range(len(self.ids)) if tiers[i] == 0]
        self.key_share = float(self.prior[self.key].sum() / max(self.prior.sum(), 1e-9))
        self.grade = [int(g) for g in view.credit_grade]

    def acts(self, turn: int, i: int) -> dict:
        return self.plans[turn]["accounts"].get(self.ids[i], {})

    def lost_before(self, turn: int, i: int) -> bool:
        """Whether account ``i`` was already lost when quarter ``turn`` (0-based) began."""

        if turn == 0:
            return False
        for a in self.results[turn - 1]["accounts"]:
            if a["id"] == self.ids[i]:
                return a["stage"] == "uncoupling"  # the engine's stage for churned/defaulted
        return False

    def news_count(self, kind: str, accounts: Iterable[int] | None = None) -> int:
        wanted = None if accounts is None else {self.ids[i] for i in accounts}
        return sum(1 for r in self.results for n in r["news"]
                   if n["type"] == kind and (wanted is None or n["account"] in wanted))


def _lesson(lesson: str, verdict: str, lang: str, evidence_key: str = "evidence",
            **values) -> dict:
    evidence = t(f"lesson.{lesson}.{evidence_key}", lang, **values)
    advice = t(f"lesson.{lesson}.{verdict}", lang)
    return {
        "lesson": lesson,
        "title": t(f"lesson.{lesson}.title", lang),
        "verdict": verdict,
        "evidence": f"{evidence} {advice}" if lang == "en" else f"{evidence}{advice}",
    }


def _focus(f: _Facts, lang: str) -> dict:
    total = key = 0.0
    for turn in range(f.turns):
        for i in range(len(f.ids)):
            e = _effort(f.acts(turn, i))
            total += e
            key += e * (i in f.key)
    share = key / total if total > 0 else 0.0
    headcount = len(f.key) / max(len(f.ids), 1)
    # Even spreading gives the key accounts their head-count share; focus gets near their
    # share of revenue. Grade on how far along that road the player went.
    span = max(f.key_share - headcount, 1e-9)
    progress = (share - headcount) / span
    verdict = "good" if progress >= 0.6 else "mixed" if progress >= 0.25 else "poor"
    return _lesson("focus", verdict, lang, share=fmt.percent(share), n=len(f.key),
                   total=len(f.ids), revenue=fmt.percent(f.key_share))


def _survey_turns(f: _Facts, i: int, with_feedback: bool = False) -> list[int]:
    out = []
    for turn in range(f.turns):
        acts = f.acts(turn, i)
        if acts.get("survey") or (with_feedback and acts.get("feedback")):
            out.append(turn + 1)
    return out


def _quarter(turn: int, f: _Facts, lang: str) -> str:
    return fmt.quarter_label(turn, f.scenario.start_quarter, lang)


def _discover(f: _Facts, lang: str) -> dict:
    firsts = [s[0] for i in f.key if (s := _survey_turns(f, i))]
    if not firsts:
        verdict = "untested" if "survey" not in f.scenario.actions else "poor"
        return _lesson("discover", verdict, lang, "none", n=len(f.key))
    early = sum(1 for q in firsts if q <= min(2, f.turns))
    verdict = "good" if early == len(f.key) else "mixed"
    return _lesson("discover", verdict, lang, surveyed=len(firsts), n=len(f.key),
                   first=_quarter(min(firsts), f, lang))


def _role_of(f: _Facts, i: int, sh_id: str) -> str:
    for sh in f.scenario.accounts[i].stakeholders:
        if sh.id == sh_id:
            return sh.role
    return ""


def _influence(f: _Facts, i: int) -> dict[str, float]:
    """Real influence of each person (after the game), else an equal split."""

    acc = f.scenario.accounts[i]
    if f.truth is not None:
        return {sh["id"]: sh["influence"] for sh in f.truth["accounts"][i]["stakeholders"]}
    return {sh.id: 1.0 / len(acc.stakeholders) for sh in acc.stakeholders}


def _buying_center(f: _Facts, lang: str) -> dict:
    veto_roles = {r.id for r in f.scenario.roles if r.veto}
    total = others = 0.0
    reached: list[float] = []
    for i in f.key:
        influence = _influence(f, i)
        for turn in range(f.turns):
            if f.lost_before(turn, i):
                continue
            acts = f.acts(turn, i)
            touched: set[str] = set()
            for action in ("am_days", "exec_days"):
                for sh_id, d in (acts.get(action) or {}).items():
                    total += d
                    touched.add(sh_id)
                    if _role_of(f, i, sh_id) not in veto_roles:
                        others += d
            reached.append(sum(influence.get(sh, 0.0) for sh in touched))
    share = others / total if total > 0 else 0.0
    coverage = float(np.mean(reached)) if reached else 0.0
    if share >= 0.4 and coverage >= 0.6:
        verdict = "good"
    elif share < 0.2 or coverage < 0.45:
        verdict = "poor"
    else:
        verdict = "mixed"
    return _lesson("buying_center", verdict, lang, share=fmt.percent(share),
                   coverage=fmt.percent(coverage))


def _price(f: _Facts, lang: str) -> dict:
    num = den = 0.0
    for turn in range(f.turns):
        for i in range(len(f.ids)):
            if f.lost_before(turn, i):
                continue
            w = f.prior[i]
            num += w * float(f.acts(turn, i).get("discount", 0.0))
            den += w
    avg = num / den if den > 0 else 0.0
    margin = (sum(h["gross"] for h in f.history) / max(sum(h["revenue"] for h in f.history), 1e-9)
              if f.history else 0.0)
    sat = f.history[-1]["satisfaction"] if f.history else 0.0
    if "discount" not in f.scenario.actions:
        verdict = "untested"
    else:
        verdict = "good" if avg <= 0.03 else "mixed" if avg <= 0.06 else "poor"
    return _lesson("price", verdict, lang, discount=fmt.percent(avg, 1),
                   margin=fmt.percent(margin), satisfaction=fmt.number(sat, lang, 2))


def _risk(f: _Facts, lang: str) -> dict:
    terms = np.array([float(a.credit.terms) for a in f.scenario.accounts])
    cd_days, ab_days = [], []
    for turn in range(f.turns):
        for i in range(len(f.ids)):
            if "credit_days" in f.acts(turn, i):
                terms[i] = float(f.acts(turn, i)["credit_days"])
            if f.lost_before(turn, i):
                continue
            (cd_days if f.grade[i] >= 2 else ab_days).append(terms[i])
    bad = sum(h["bad_debt"] for h in f.history)
    revenue = sum(h["revenue"] for h in f.history)
    ratio = bad / revenue if revenue > 0 else 0.0
    top1 = f.history[-1]["top1_share"] if f.history else 0.0
    cd = float(np.mean(cd_days)) if cd_days else math.nan
    ab = float(np.mean(ab_days)) if ab_days else math.nan
    lax = bool(cd_days) and (cd > ab + 1e-9 or cd > 60)
    # Judge the decision (terms that follow risk), not the luck of who defaulted.
    if lax and ratio > 0.005:
        verdict = "poor"
    elif lax or ratio > 0.02:
        verdict = "mixed"
    elif "credit_days" not in f.scenario.actions and not cd_days:
        verdict = "untested"
    else:
        verdict = "good"
    cur = f.scenario.currency
    key = "lesson.risk.terms" if cd_days else "lesson.risk.no_risky"
    terms_text = t(key, lang, cd=fmt.days(cd, lang, 0), ab=fmt.days(ab, lang, 0))
    return _lesson("risk", verdict, lang, terms=terms_text, bad_debt=fmt.money(bad, lang, cur,
                                                                   short_from=fmt.SHORT_FROM),
                   ratio=fmt.percent(ratio, 1), top1=fmt.percent(top1))


def _max_gap(turns: list[int], total: int) -> int:
    """Longest run of quarters without a fresh reading (start and end included)."""

    marks = [0, *turns, total + 1]
    return max(b - a for a, b in zip(marks, marks[1:])) - 1


def _needs_move(f: _Facts, lang: str) -> dict:
    shifts = f.news_count("need_shift", f.key) + f.news_count("stakeholder_change", f.key)
    if not f.key or ("survey" not in f.scenario.actions and "feedback" not in f.scenario.actions):
        return _lesson("needs_move", "untested", lang, resurveyed=0, n=len(f.key),
                       fresh=fmt.percent(0.0), limit=0, shifts=shifts)
    gaps, again, fresh = [], 0, 0.0
    limit = 3 if f.turns > 4 else 2
    for i in f.key:
        readings = _survey_turns(f, i, with_feedback=True)
        gaps.append(_max_gap(readings, f.turns))
        again += len(_survey_turns(f, i)) >= 2
        fresh += f.prior[i] * (gaps[-1] <= limit)
    # Share of the key accounts' value whose picture never went stale.
    fresh /= max(float(f.prior[f.key].sum()), 1e-9)
    if fresh >= 0.6:
        verdict = "good"
    elif again or fresh > 0:
        verdict = "mixed"
    else:
        verdict = "poor"
    return _lesson("needs_move", verdict, lang, resurveyed=again, n=len(f.key),
                   fresh=fmt.percent(fresh), limit=limit, shifts=shifts)


def _peak_turns(f: _Facts) -> list[int]:
    sc = f.scenario
    out = []
    for turn in range(1, f.turns + 1):
        quarter = (sc.start_quarter - 1 + turn - 1) % 4 + 1
        shortage = any(n["type"] == "shortage" for n in f.results[turn - 1]["news"])
        if shortage or (quarter in sc.supply.peak_quarters and sc.supply.capacity < 1.0):
            out.append(turn)
    return out


def _promises(f: _Facts, lang: str) -> dict:
    peaks = _peak_turns(f)
    if peaks:
        num = den = 0.0
        for turn in peaks:
            for a in f.results[turn - 1]["accounts"]:
                i = f.ids.index(a["id"])
                if i not in f.key or a["revenue"] == 0.0:
                    continue
                fill = next((d["fill"] for d in a["drivers"] if d["kind"] == "supply_shortfall"),
                            1.0)
                num += f.prior[i] * fill
                den += f.prior[i]
        fill = num / den if den > 0 else 1.0
        verdict = "good" if fill >= 0.85 else "mixed" if fill >= 0.8 else "poor"
        return _lesson("promises", verdict, lang, fill=fmt.percent(fill), peaks=len(peaks))
    complaints = f.news_count("complaint")
    failures = f.news_count("service_failure")
    lingering = int(sum(h["complaints_open"] for h in f.history))
    # A complaint is seen a quarter late, so answering it the next quarter is the best case.
    if complaints == 0:
        verdict = "untested"
    elif lingering <= complaints:
        verdict = "good"
    else:
        verdict = "mixed" if lingering <= 2 * complaints else "poor"
    return _lesson("promises", verdict, lang, "service", complaints=complaints,
                   failures=failures, lingering=lingering)


def _compounding(f: _Facts, lang: str) -> dict:
    ups = downs = 0
    keys = {f.ids[i] for i in f.key}
    for r in f.results:
        for a in r["accounts"]:
            if a["id"] in keys:
                move = _STAGE_RANK[a["stage"]] - _STAGE_RANK[a["stage_before"]]
                ups += move > 0
                downs += move < 0
    quarters = touched = 0
    for i in f.key:
        for turn in range(f.turns):
            if f.lost_before(turn, i):
                continue
            quarters += 1
            acts = f.acts(turn, i)
            touched += (_days(acts, "am_days") + _days(acts, "exec_days")) > 0
    steady = touched / quarters if quarters else 0.0
    if steady >= 0.8 and ups > downs:
        verdict = "good"
    elif steady < 0.6 or downs > ups + 2:
        verdict = "poor"
    else:
        verdict = "mixed"
    return _lesson("compounding", verdict, lang, steady=fmt.percent(steady), ups=ups,
                   downs=downs)


def lesson_report(game, lang: str | None = None) -> list[dict]:
    """The eight lessons of DESIGN §2, each graded on what this player actually did.

    Returns ``[{"lesson", "title", "verdict", "evidence"}]`` in DESIGN order; ``verdict`` is
    one of ``VERDICTS`` and ``evidence`` quotes the player's own numbers. Works on a game in
    progress too (for a trainer's dashboard), but is meant for the final debrief.
    """

    lang = _lang(lang)
    if not game.plans:
        return [
            {"lesson": name, "title": t(f"lesson.{name}.title", lang), "verdict": "untested",
             "evidence": t("lesson.not_played", lang)}
            for name in LESSONS
        ]
    f = _Facts(game)
    checks = (_focus, _discover, _buying_center, _price, _risk, _needs_move, _promises,
              _compounding)
    scores = {it["metric"]: it for it in game.scorecard()["items"]}
    return [_held_to_results(check(f, lang), scores, lang) for check in checks]


#: The scorecard measures each lesson's practice moves most directly (DESIGN §2).
LESSON_METRICS: dict[str, tuple[str, ...]] = {
    "focus": ("profit", "revenue"),
    "discover": ("satisfaction", "share_of_wallet"),
    "buying_center": ("satisfaction", "retention"),
    "price": ("profit",),
    "risk": ("bad_debt_ratio",),
    "needs_move": ("satisfaction", "retention"),
    "promises": ("retention", "revenue"),
    "compounding": ("retention", "share_of_wallet"),
}
#: A lesson is "well done" only if its measures earned at least this share of their
#: points: the lower edge of the "good" grade band, so verdicts and grade agree.
RESULTS_BAR = 70.0


def lessons_behind(metric: str) -> list[str]:
    """The lessons whose practice drives ``metric`` (for "the decisions behind it")."""

    return [lesson for lesson, metrics in LESSON_METRICS.items() if metric in metrics]


def _held_to_results(item: dict, scores: dict[str, dict], lang: str) -> dict:
    """Good decisions whose measures still fell short of the "good" band are "mixed", with
    the measures named: a 64-point game cannot read as eight lessons well done (each check
    judges the decisions; the grade judges what they brought)."""

    linked = [scores[m] for m in LESSON_METRICS[item["lesson"]] if m in scores]
    weight = sum(it["weight"] for it in linked)
    if item["verdict"] != "good" or not weight:
        return item
    earned = sum(it["weight"] * it["score"] for it in linked) / weight
    if earned >= RESULTS_BAR:
        return item
    sep = ", " if lang == "en" else "、"
    names = sep.join(metric_name(it["metric"], lang) for it in linked)
    short = t("why.lesson_short", lang, items=names, pct=fmt.percent(earned / 100.0))
    return {**item, "verdict": "mixed",
            "evidence": item["evidence"] + (" " if lang == "en" else "") + short}


# -- debrief helpers ----------------------------------------------------------------------------
def hidden_truth(game, account_id: str, debrief: dict | None = None) -> dict:
    """One account's real needs and people beside what the player last measured.

    ``measured`` needs are None if the account was never surveyed; a stakeholder's
    ``seen_role`` is None if the player never found out and ``seen_stance`` None if never
    read. Needs the game to be over (it reads ``Game.debrief``; pass its result as
    ``debrief`` to avoid recomputing it for every account).
    """

    truth = debrief if debrief is not None else game.debrief()
    view = game.view()
    i = [a.id for a in game.scenario.accounts].index(account_id)
    acc_truth = truth["accounts"][i]
    seen = int(view.needs_turn[0, i])
    roles = [r.id for r in game.scenario.roles]
    people = []
    for j, sh in enumerate(acc_truth["stakeholders"]):
        r = int(view.role[0, i, j])
        st_turn = int(view.stance_turn[0, i, j])
        contact = int(view.last_contact[0, i, j])
        people.append({
            **sh,
            "seen_role": roles[r] if r >= 0 else None,
            "seen_stance": float(view.stance_reading[0, i, j]) if st_turn >= 0 else None,
            "seen_turn": st_turn + 1 if st_turn >= 0 else None,
            "last_contact": contact + 1 if contact >= 0 else None,
        })
    return {
        "id": account_id,
        "needs": acc_truth["needs"],
        "measured": ({d: float(v) for d, v in zip(NEEDS, view.needs_reading[0, i])}
                     if seen >= 0 else None),
        "measured_turn": seen + 1 if seen >= 0 else None,
        "churned": acc_truth["churned"],
        "defaulted": acc_truth["defaulted"],
        "stakeholders": people,
    }
