"""A balance run as one self-contained HTML page, for scenario authors and facilitators.

``html_report`` turns the output of ``simulate.balance``, ``simulate.lesson_table``,
``simulate.sensitivity`` and ``per_account.account_outcomes`` into a single UTF-8 HTML file,
verdict first (does the case teach; for a failing lesson what to change and the accounts
behind it), then the re-run command and what changed since the last report, the lesson
table, per-account results, distributions, sensitivity and extremes: no scripts, style sheets, fonts or
images from elsewhere (charts are inline SVG drawn here), so it opens offline, prints, and
can be mailed as one attachment. Everything shown is escaped. Like the rest of the engine
it reads no clock: the caller passes the date to print.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Sequence
from html import escape

import numpy as np

from kam_sandbox.base.fmt import compact
from kam_sandbox.base.i18n import tr
from kam_sandbox.engine.messages import render
from kam_sandbox.engine.per_account import driver, gap_by_account
from kam_sandbox.engine.policies import POLICIES
from kam_sandbox.engine.scenario import Scenario

from .changes import compare, data_block, report_data
from .lesson_hints import hint

#: Okabe & Ito's colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Fixed colour and marker per built-in policy; authors' policies take the rest in turn.
_STYLE = {
    "needs": ("green", "circle"),
    "focus": ("blue", "square"),
    "uniform": ("sky", "triangle"),
    "discount": ("orange", "diamond"),
    "executive": ("purple", "down"),
    "lax-credit": ("vermillion", "cross"),
    "random": ("black", "star"),
}
_SPARE = [("yellow", "hexagon"), ("orange", "plus"), ("blue", "hexagon"), ("purple", "plus"),
          ("green", "down"), ("vermillion", "square"), ("sky", "star"), ("black", "diamond")]

#: Metrics of the policy table and the distribution charts.
TABLE_METRICS = ("score", "profit", "revenue", "bad_debt", "satisfaction", "retention")
CHART_METRICS = ("score", "profit", "revenue")
_MONEY = {"profit", "revenue", "bad_debt"}

# Interface text: (English, Chinese). The page shows the chosen language first and the
# other as a gloss, so a mixed workshop can read it.
_T = {
    "report": ("Balance report", "平衡性报告"),
    "scenario": ("Scenario", "案例"),
    "version": ("Version", "版本"),
    "accounts": ("Accounts × quarters", "客户数 × 季度数"),
    "runs": ("Runs per policy", "每个策略的局数"),
    "seeds": ("Seeds", "随机种子"),
    "policies": ("Policies", "策略"),
    "date": ("Date", "日期"),
    "rerun": ("Re-run this report", "重新生成本报告"),
    "rerun_how": ("After editing the file, run this to write the report again at the same "
                  "path; the new report then says what changed.",
                  "修改文件后运行这条命令，在同一路径重新生成报告；新报告会列出改动之处。"),
    "verdict": ("Verdict", "结论"),
    "verdict_yes": ("Yes, this case teaches: all {n} lessons it exercises hold.",
                    "是的，这个案例能教学：它考到的 {n} 条要点全部成立。"),
    "verdict_no": ("Not yet: {k} of the {n} lessons this case exercises fail. Each one "
                   "below says what to change in the file.",
                   "还不行：这个案例考到的 {n} 条要点中有 {k} 条不成立。下面每一条都写明了"
                   "该改文件的哪里。"),
    "verdict_none": ("This case exercises none of the lessons.", "这个案例没有考到任何要点。"),
    "not_exercised": ("Not exercised", "未考到"),
    "to_change": ("What to change", "应修改"),
    "gap_from": ("Where the two strategies differ most, per account (contribution over the "
                 "game, lesson's side positive)",
                 "两种策略差别最大的客户（整局贡献，正值为符合要点的一方）"),
    "checks": ("checks", "检查项"),
    "changes": ("What changed since the last report", "与上一份报告相比"),
    "changes_first": ("No earlier report at this path: the next one will list what changed.",
                      "此路径下没有更早的报告：下一份报告会列出改动。"),
    "changes_other": ("The earlier report at this path is of another case ({id}).",
                      "此路径下的上一份报告属于另一个案例（{id}）。"),
    "changes_of": ("Previous report", "上一份报告"),
    "changed_fields": ("Changed in the file", "文件中的改动"),
    "no_field_change": ("No field of the case changed.", "案例的字段没有改动。"),
    "more_fields": ("… and {n} more", "……另有 {n} 处"),
    "lesson_moves": ("Lessons", "教学要点"),
    "score_moves": ("Mean scores", "平均得分"),
    "nothing_moved": ("No lesson verdict or difference moved.", "各要点的结论和差值都没有变化。"),
    "new_check": ("new check", "新检查项"),
    "accounts_h": ("Accounts: won, lost and why, per strategy", "各策略下的客户：赢得、失去及原因"),
    "accounts_key": ("Per account and strategy over {runs} games: ▲ won (still buying, our "
                     "share of wallet up 5 points or more) · ▼ lost (churned or defaulted) · "
                     "the main driver · the account's contribution per game (margin after "
                     "cost to serve, financing and bad debt; effort not included).",
                     "每个客户、每种策略，共 {runs} 局：▲ 赢得（仍在采购，且我方钱包份额上升 5 个"
                     "百分点以上）· ▼ 失去（流失或违约）· 主要原因 · 该客户每局的贡献（扣除服务成本、"
                     "资金成本和坏账后的毛利，不含投入费用）。"),
    "account": ("Account", "客户"),
    "drv_defaulted": ("defaults in {p}", "{p} 的局违约"),
    "drv_churned": ("churns in {p}", "{p} 的局流失"),
    "drv_share_up": ("share {v}", "份额 {v}"),
    "drv_share_down": ("share {v}", "份额 {v}"),
    "drv_steady": ("share steady", "份额稳定"),
    "cmp_gross": ("sales margin", "销售毛利"),
    "cmp_bad_debt": ("bad debt", "坏账"),
    "cmp_cost": ("cost to serve and financing", "服务与资金成本"),
    "mostly": ("mostly", "主要来自"),
    "won_lost": ("won {w} / lost {l}", "赢得 {w} / 失去 {l}"),
    "lessons_hold": ("lessons hold", "条教学要点成立"),
    "summary": ("Policies: mean ± standard deviation", "各策略：均值 ± 标准差"),
    "policy": ("Policy", "策略"),
    "what": ("What it does", "做法"),
    "dist": ("Distributions over runs", "各局结果分布"),
    "lessons": ("Lessons: each strategy against its own variant", "教学要点：策略与其变体配对比较"),
    "lesson": ("Lesson", "要点"),
    "claim": ("Claim", "断言"),
    "compare": ("Strategy − variant that breaks the lesson", "策略 − 违背该要点的变体"),
    "metric": ("Metric", "指标"),
    "diff": ("Mean difference", "平均差值"),
    "ci": ("95 % CI: normal, bootstrap", "95% 置信区间：正态、自助法"),
    "boot_short": ("bootstrap", "自助法"),
    "d": ("Cohen's d", "效应量 d"),
    "share": ("Seeds on the lesson's side", "符合要点的种子比例"),
    "result": ("Result", "结果"),
    "chart_key": ("Bars: histogram of all runs · box: middle half (25th–75th percentile) · "
                  "thick line: median · whiskers: 5th–95th percentile · marker: mean",
                  "条形：全部局的直方图 · 方框：中间一半（第 25–75 百分位）· 粗线：中位数 · "
                  "须线：第 5–95 百分位 · 标记：均值"),
    "forest_key": ("Line: 95 % CI in standard deviations of the differences · filled circle: "
                   "pass · hollow diamond: fail or n/a",
                   "线段：以差值标准差为单位的 95% 置信区间 · 实心圆：成立 · 空心菱形：不成立或不适用"),
    "forest": ("Effect sizes, oriented so that right of 0 means the lesson holds",
               "效应量（方向已统一：0 右侧表示要点成立）"),
    "sens": ("Sensitivity to model constants", "模型参数敏感性"),
    "param": ("Constant", "参数"),
    "values": ("Low / base / high", "低 / 基准 / 高"),
    "score_of": ("score", "得分"),
    "profit_change": ("profit change", "利润变化"),
    "gap": ("gap to", "领先"),
    "keeps": ("Gap keeps its sign", "差距方向不变"),
    "extremes": ("Best and worst runs", "最好与最差的局"),
    "best": ("best", "最好"),
    "worst": ("worst", "最差"),
    "overall_best": ("overall best", "全场最好"),
    "overall_worst": ("overall worst", "全场最差"),
    "seed": ("Seed", "种子"),
    "replay": ("Replay it", "复现命令"),
    "howto": ("How to read this report", "如何阅读本报告"),
    "none": ("Not computed for this report.", "本报告未计算此项。"),
    "pass": ("PASS", "成立"),
    "fail": ("FAIL", "不成立"),
    "na": ("n/a", "不适用"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "clamped": ("clamped to its valid range", "已截断到有效范围"),
}

_METRIC = {
    "score": ("Score", "得分"),
    "profit": ("Profit", "利润"),
    "revenue": ("Revenue", "收入"),
    "bad_debt": ("Bad debt", "坏账"),
    "satisfaction": ("Satisfaction (1–5)", "满意度（1–5）"),
    "retention": ("Retention", "留存率"),
}

#: The lessons of DESIGN §2 by name (English, Chinese), as the lesson rows' ``lesson`` key.
_LESSON = {
    "focus": ("Focus (80/20)", "聚焦重点客户（80/20）"),
    "discover": ("Discover before you invest", "先了解需求再投入"),
    "buying-center": ("Work the whole buying center", "覆盖整个采购中心"),
    "price": ("Price is not loyalty", "价格不等于忠诚"),
    "risk": ("Control risk", "控制风险"),
    "drift": ("Needs move", "需求会变"),
    "supply": ("Keep promises", "信守承诺"),
    "compounding": ("Relationships compound", "关系会累积"),
    "sanity": ("Sanity check", "基准检验"),
}
#: Units of a lesson row's difference, by measure.
_LESSON_UNIT = {"score": ("points", "分"), "profit": ("% of profit", "% 利润"),
                "bad_debt": ("bad debt", "坏账")}

_POLICY_TEXT = {
    "uniform": "均匀分配，不看需求与价值",
    "focus": "按 80/20 聚焦高价值客户",
    "needs": "先调研需求，按需投入，覆盖采购中心，按信用给账期，旺季保重点客户供货",
    "discount": "依赖折扣和返利",
    "executive": "只攻经济决策者（高层）",
    "lax-credit": "对所有客户放宽账期换销量",
    "random": "随机但合法的分配",
}

_PARAM_ZH = {
    "carryover": "投入的延续率",
    "response_shape": "响应曲线形状",
    "trust_up": "信任上升速度",
    "trust_down": "信任下降速度",
    "churn_at_5": "高满意度下的流失率",
    "share_inertia": "份额惯性",
    "rival_level": "竞争对手强度",
    "expectation": "客户期望",
    "discount_effort": "折扣的价格效应",
}

_HOWTO = {
    "en": [
        "<b>Verdict</b> (at the very top): does the case teach? A lesson holds when every "
        "check of it that the case exercises passes. Under a failing lesson: what to change "
        "in the scenario file, and the accounts where the strategy and its variant differ "
        "most (each account's contribution over the game, and how often each strategy won "
        "and lost it), which shows <i>why</i> the check fails.",
        "<b>Re-run</b>: the exact command that wrote this report; run it again after editing "
        "the file and the new report lists the fields you changed and how the lesson "
        "verdicts and mean scores moved (it reads the report it replaces).",
        "<b>Accounts</b>: per account and strategy, how often it was won (still buying, our "
        "share of wallet up 5 points or more) and lost (churned or defaulted), the main "
        "driver (defaults or churn when they happen in 15 % of games or more, else the "
        "change of our share), and the account's contribution per game. Tier (A/B/C, by "
        "our sales before the game) and Credit (A–D, the public credit grade) are two "
        "different letters.",
        "Every policy played the <b>same seeds</b> (common random numbers): run <i>k</i> of "
        "one policy met the same accounts, needs and events as run <i>k</i> of every other. "
        "That is why the lessons are judged on <b>paired</b> differences, seed by seed.",
        "<b>Policies table</b>: mean ± standard deviation over runs. The standard deviation "
        "is the spread between games, not the uncertainty of the mean.",
        "<b>Distribution charts</b>: one row per policy, best mean score on top. The bars "
        "are a histogram of all runs; the box spans the middle half (25th–75th percentile), "
        "the thick line is the median, the whiskers reach the 5th and 95th percentiles and "
        "the marker is the mean. Each policy keeps its colour <i>and</i> marker shape "
        "throughout, and every row is labelled.",
        "<b>Lessons</b> (at the top): each lesson is a strategy played against its own "
        "variant that breaks just that lesson (needs with even account weights, never "
        "surveying, talking to the economic buyer only, with discounts, with the longest "
        "credit terms, surveying once, rationing short stock proportionally or small accounts "
        "first, the same effort in bursts or started late), on the same seeds. The table "
        "shows the per-seed difference in the lesson's favour (score points; profit in per "
        "cent of the variant's profit; for credit, the variant's extra bad debt), its mean, "
        "a 95 % confidence interval (normal approximation, and a bootstrap percentile "
        "interval as a cross-check), Cohen's d (about 0.2 small, 0.5 medium, 0.8 large) and "
        "the share of seeds on the lesson's side. A lesson <b>passes</b> when the whole "
        "(normal) interval lies above 0 and the mean reaches the minimum gap (2 score "
        "points, 3 % of profit; any reliable increase of bad debt). “Random play scores "
        "below every sensible strategy” is compared with the worst of uniform, focus, needs "
        "and expert. <i>n/a</i>: the case does not exercise "
        "the lesson (the action is not offered, there is no shortage, or the variant plays "
        "exactly like the strategy); the reason is shown.",
        "<b>Sensitivity</b>: the scenario re-run with one model constant at ×(1 − f) and "
        "×(1 + f). Large score changes mark the constants the case depends on; a gap that "
        "changes sign means a lesson may not survive a small recalibration.",
        "<b>Best and worst runs</b>: paste the command into a terminal to replay exactly that "
        "game (a replay may differ in the last decimal place only).",
    ],
    "zh": [
        "<b>结论</b>（最上方）：这个案例能教学吗？某条要点在案例考到的所有检查项都通过时成立。"
        "不成立的要点下面写明应修改案例文件的哪里，并列出策略与其变体差别最大的客户（整局贡献，"
        "以及两种策略各自赢得、失去该客户的频率），说明它<i>为什么</i>不成立。",
        "<b>重新生成</b>：生成本报告的完整命令；修改文件后再运行一次，新报告会列出你改动的字段，"
        "以及各要点结论和平均得分的变化（它会读取被替换的旧报告）。",
        "<b>客户</b>：每个客户、每种策略下赢得（仍在采购，且我方钱包份额上升 5 个百分点以上）"
        "和失去（流失或违约）的频率、主要原因（违约或流失在 15% 以上的局中发生时即为原因，"
        "否则为我方份额的变化），以及该客户每局的贡献。客户类别（A/B/C 类，按开局前的销售额）"
        "和信用等级（信用A–D，公开的信用评级）是两个不同的字母。",
        "所有策略都使用<b>相同的随机种子</b>（共同随机数）：某策略的第 <i>k</i> 局与其他策略的第 "
        "<i>k</i> 局面对相同的客户、需求和事件，所以教学要点按种子逐一做<b>配对</b>比较。",
        "<b>策略表</b>：各局的均值 ± 标准差。标准差表示局与局之间的差异，而不是均值的不确定性。",
        "<b>分布图</b>：每个策略一行，平均得分最高的在最上面。条形是所有局的直方图；方框为中间一半"
        "（第 25–75 百分位），粗线为中位数，须线到第 5 和第 95 百分位，标记为均值。每个策略的颜色"
        "<i>和</i>标记形状始终不变，每一行都有文字标注。",
        "<b>教学要点</b>（位于顶部）：每条要点都是一个策略与其只违背该要点的变体在相同种子上的"
        "对比（需求导向对比：平均分配客户权重、从不调研、只找经济决策者、加折扣、给最长账期、"
        "只调研一次、按比例或先小客户配货、同样投入改为突击或迟到）。表中给出逐种子差值"
        "（得分按分计；利润按变体利润的百分比计；账期要点为变体多出的坏账）的均值、95% 置信区间"
        "（正态近似，并以自助法百分位区间交叉核对）、Cohen's d（约 0.2 为小，0.5 为中，0.8 为大）"
        "以及符合要点的种子比例。整个置信区间都在 0 以上且均值达到最小差距（得分 2 分、利润 3%；"
        "坏账只要可靠地增加）时判为<b>成立</b>。“随机最差”与其余内置策略中最差的一个比较。"
        "<i>不适用</i>：本案例没有考到该要点（没开放相应动作、没有缺货，或变体与策略完全相同），"
        "并给出原因。",
        "<b>敏感性</b>：把某个模型参数乘以 (1 − f) 和 (1 + f) 后重跑。得分变化大的参数是案例依赖的"
        "参数；若差距改变符号，说明该要点经不起小幅重新标定。",
        "<b>最好与最差的局</b>：把命令粘贴到终端即可复现该局（复现结果最多在最后一位小数上不同）。",
    ],
}

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; color: #1a1a1a;
  background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px;
  border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.02em; margin: 18px 0 4px; }
.gloss { color: #5a5a5a; font-weight: normal; font-size: 0.85em; }
.sub { color: #444; margin: 0 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { padding: 5px 8px; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
table.meta { width: auto; }
table.meta th { background: none; padding-right: 18px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono",
  monospace; font-size: 0.88em; background: #f4f4f4; padding: 1px 4px; border-radius: 3px;
  white-space: nowrap; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 3px; font-weight: 700;
  font-size: 0.85em; white-space: nowrap; }
.pass { background: #d9f0e6; color: #00583f; border: 1px solid #009E73; }
.fail { background: #fbe3d6; color: #8a3700; border: 1px solid #D55E00; }
.na { background: #eee; color: #555; border: 1px solid #aaa; }
.verdict { font-size: 1.05em; padding: 10px 14px; border-left: 6px solid #009E73;
  background: #f3faf7; margin: 16px 0; }
.verdict.bad { border-left-color: #D55E00; background: #fdf4ee; }
.verdict .answer { font-size: 1.12em; font-weight: 600; margin: 0 0 8px; }
ul.verdicts { list-style: none; padding: 0; margin: 0; }
ul.verdicts > li { margin: 6px 0; }
.check { white-space: nowrap; margin-right: 6px; }
.check.pass { background: none; border: 0; color: #00583f; }
.check.fail { background: none; border: 0; color: #8a3700; font-weight: 600; }
.check.na { background: none; border: 0; color: #666; }
.hint { margin: 4px 0 2px 1.5em; }
.gap { margin: 2px 0 4px 1.5em; }
.gap ul { margin: 2px 0; }
code.rerun { white-space: pre-wrap; word-break: break-all; }
td.acct { white-space: nowrap; font-variant-numeric: tabular-nums; }
.chart { margin: 6px 0 18px; }
svg { max-width: 100%; height: auto; font-family: inherit; }
.key { white-space: nowrap; }
.wide { overflow-x: auto; }
td.policy { min-width: 15em; }
td.cmp { white-space: nowrap; }
td.lesson { min-width: 13em; }
.key svg { vertical-align: -1px; }
.badge + .badge { margin-left: 4px; }
.small { font-size: 0.85em; color: #444; }
ul.howto li { margin-bottom: 6px; }
nav { font-size: 0.9em; margin: 10px 0; }
nav a { margin-right: 14px; color: #0072B2; }
footer { margin-top: 40px; font-size: 0.8em; color: #666; }
@media print { h2 { break-after: avoid; } .chart, table { break-inside: avoid; } }
"""


def html_report(
    scenario: Scenario,
    results: dict[str, dict[str, np.ndarray]],
    lessons: Sequence[dict] | None,
    sensitivity: Sequence[dict] | None,
    seeds: Sequence[int],
    lang: str = "en",
    *,
    date: str | None = None,
    scenario_ref: str | None = None,
    accounts: dict[str, dict] | None = None,
    html_ref: str | None = None,
    previous: dict | None = None,
) -> str:
    """The whole report as an HTML document (a str; write it with ``encoding="utf-8"``).

    ``results`` is ``balance``'s output on ``seeds`` (the policies to show); ``lessons`` is
    ``lesson_table``'s (the verdict and the table at the top) or None; ``sensitivity`` is
    ``sensitivity``'s or None. ``accounts`` maps strategies (policies and lesson variants)
    to ``per_account.account_outcomes``: the per-account table and, for a failing lesson,
    the accounts that carry its gap. ``lang`` ("en" or "zh") picks the main language; the
    other is shown as a gloss. ``date`` is printed as given (the engine reads no clock).
    ``scenario_ref`` is how commands name the scenario (the path the author gave; default:
    its id), ``html_ref`` where the report is written (for the re-run command), and
    ``previous`` the data of the report it replaces (``changes.read_previous``), to say
    what changed since.
    """

    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if not results:
        raise ValueError("no results to report")
    seeds = list(seeds)
    r = _Report(scenario, results, lang, seeds, scenario_ref or scenario.id, accounts or {})
    data = report_data(scenario, lessons, {p: r.mean_score[p] for p in r.order
                                           if math.isfinite(r.mean_score[p])}, seeds, date)
    body = [
        r.header(date, lessons),
        r.rerun_section(html_ref or "report.html", previous, data),
        r.lesson_section(lessons),
        r.account_section(),
        r.policy_table(),
        r.charts(),
        r.sensitivity_section(sensitivity),
        r.extremes(),
        r.howto(),
        '<footer>KAM Sandbox · kam-sandbox balance · '
        f'{escape(scenario.id)} v{escape(scenario.version)}</footer>',
        data_block(data),
    ]
    title = f"{r.t('report')[0]} · {getattr(scenario.title, lang)}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# --- formatting ---------------------------------------------------------------------------


def _finite(values) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


def fmt_value(metric: str, v: float | None, signed: bool = False) -> str:
    """A metric's value for a table: money compact (12.35 M), shares as %, else 2 dp."""

    if v is None or not math.isfinite(v):
        return "–"
    sign = "+" if signed and v > 0 else ""
    if metric in _MONEY:
        return sign + compact(v)
    if metric == "retention":
        return f"{sign}{100 * v:.1f} %"
    return f"{sign}{v:,.2f}"


def _signed(v: float) -> str:
    """A lesson difference: money-sized numbers compact, small ones with two decimals."""

    return escape(("+" if v > 0 else "") + (compact(v) if abs(v) >= 1000 else f"{v:.2f}"))


def _pct(v: float) -> str:
    return f"{100 * float(v):.0f} %"


def _diff_text(v, plain: bool = False) -> str:
    """A lesson difference (or, ``plain``, a score) from a report's data; – if none."""
    if v is None:
        return "–"
    return escape(f"{v:.2f}") if plain else _signed(float(v))


def _short(value, limit: int = 60) -> str:
    """A field's value in a list of changes: JSON-like, cut to ``limit`` characters."""
    text = "–" if value is None else (value if isinstance(value, str) else
                                      json.dumps(value, ensure_ascii=False))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi], about ``n`` of them."""

    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10)), key=lambda c: abs(math.log(c / raw)))
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = first
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _axis_label(v: float, step: float) -> str:
    a = abs(v)
    if a >= 1e6 or (step >= 1e5 and v):
        return f"{v / 1e6:g}M"
    if a >= 1e4 or (step >= 1e3 and v):
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _n(x: float) -> str:
    """A coordinate for SVG."""

    return f"{x:.1f}".rstrip("0").rstrip(".")


def marker(shape: str, x: float, y: float, r: float, fill: str, stroke: str = "#000",
           extra: str = "") -> str:
    """A plot marker as an SVG element; distinct shapes so colour is never the only cue."""

    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{extra}'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {common}/>'
    if shape == "square":
        s = r * 0.9
        return (f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" '
                f'height="{_n(2 * s)}" {common}/>')
    pts: list[tuple[float, float]]
    if shape == "triangle":
        pts = [(x, y - r * 1.15), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
    elif shape == "down":
        pts = [(x, y + r * 1.15), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)]
    elif shape == "diamond":
        pts = [(x, y - r * 1.25), (x + r * 1.1, y), (x, y + r * 1.25), (x - r * 1.1, y)]
    elif shape == "hexagon":
        pts = [(x + r * 1.1 * math.cos(a), y + r * 1.1 * math.sin(a))
               for a in (math.pi / 3 * k + math.pi / 6 for k in range(6))]
    elif shape == "star":
        pts = [(x + (r * 1.3 if k % 2 == 0 else r * 0.55) * math.sin(math.pi / 5 * k),
                y - (r * 1.3 if k % 2 == 0 else r * 0.55) * math.cos(math.pi / 5 * k))
               for k in range(10)]
    elif shape in ("cross", "plus"):
        w, L = r * 0.42, r * 1.2
        arms = [(-w, -L), (w, -L), (w, -w), (L, -w), (L, w), (w, w), (w, L), (-w, L),
                (-w, w), (-L, w), (-L, -w), (-w, -w)]
        if shape == "cross":
            c, s = math.cos(math.pi / 4), math.sin(math.pi / 4)
            arms = [(dx * c - dy * s, dx * s + dy * c) for dx, dy in arms]
        pts = [(x + dx, y + dy) for dx, dy in arms]
    else:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {common}/>'
    path = " ".join(f"{_n(px)},{_n(py)}" for px, py in pts)
    return f'<polygon points="{path}" {common}/>'


# --- the report ---------------------------------------------------------------------------


class _Report:
    def __init__(self, scenario: Scenario, results, lang: str, seeds: list[int], ref: str,
                 accounts: dict[str, dict]):
        self.sc, self.results, self.lang, self.seeds, self.ref = scenario, results, lang, seeds, ref
        self.accounts = accounts
        self.mean_score = {
            p: (float(np.mean(_finite(r["score"]))) if len(_finite(r["score"])) else -math.inf)
            for p, r in results.items()
        }
        self.order = sorted(results, key=lambda p: -self.mean_score[p])
        spare = iter(_SPARE * (1 + len(results) // len(_SPARE)))
        self.style: dict[str, tuple[str, str]] = {}
        for p in results:  # by the caller's order, so a policy's style does not depend on rank
            colour, shape = _STYLE.get(p) or next(spare)
            self.style[p] = (OKABE_ITO[colour], shape)

    # text helpers
    def t(self, key: str, table=_T) -> tuple[str, str]:
        en, zh = table[key][:2]
        return (zh, en) if self.lang == "zh" else (en, zh)

    def tf(self, key: str, **values) -> tuple[str, str]:
        """``t`` with ``{name}`` fields filled in both languages."""
        main, gloss = self.t(key)
        return main.format(**values), gloss.format(**values)

    def both(self, key: str, **values) -> str:
        """A sentence in the main language with its gloss, escaped."""
        main, gloss = self.tf(key, **values)
        return f'{escape(main)} <span class="gloss">{escape(gloss)}</span>'

    def label(self, key: str, table=_T, br: bool = False) -> str:
        main, gloss = self.t(key, table)
        return f'{escape(main)}{"<br>" if br else " "}<span class="gloss">{escape(gloss)}</span>'

    def th(self, key: str, table=_T, num: bool = False, extra: str = "") -> str:
        cls = ' class="num"' if num else ""
        return f"<th{cls}>{self.label(key, table, br=True)}{extra}</th>"

    def h2(self, key: str, anchor: str) -> str:
        return f'<h2 id="{anchor}">{self.label(key)}</h2>'

    def key(self, policy: str, size: float = 7) -> str:
        # A lesson variant ("needs/no-surveys") wears its strategy's colour and marker.
        style = self.style.get(policy) or self.style.get(policy.split("/")[0])
        if style is None:
            return f'<span class="key">{escape(policy)}</span>'
        colour, shape = style
        w = int(2 * size + 4)
        return (f'<span class="key"><svg width="{w}" height="{w}" viewBox="0 0 {w} {w}" '
                f'aria-hidden="true">{marker(shape, w / 2, w / 2, size * 0.8, colour)}</svg> '
                f"{escape(policy)}</span>")

    def seed_text(self) -> str:
        s = self.seeds
        if not s:
            return "–"
        if s == list(range(s[0], s[0] + len(s))):
            return f"{s[0]}–{s[-1]}"
        return f"{min(s)}–{max(s)} ({len(s)})"

    def cmd(self, *args: str) -> str:
        return " ".join(["kam-sandbox", *(shlex.quote(str(a)) for a in args)])

    # sections
    def header(self, date: str | None, lessons) -> str:
        sc, lang = self.sc, self.lang
        other = "en" if lang == "zh" else "zh"
        title = getattr(sc.title, lang)
        gloss = getattr(sc.title, other)
        rows = [
            ("scenario", f"<code>{escape(sc.id)}</code>"),
            ("version", escape(sc.version)),
            ("accounts", f"{len(sc.accounts)} × {sc.turns}"),
            ("runs", str(len(self.seeds))),
            ("seeds", escape(self.seed_text())),
            ("policies", " ".join(self.key(p) for p in self.results)),
        ]
        if date:
            rows.append(("date", escape(str(date))))
        meta = "".join(f"<tr><th>{self.label(k)}</th><td>{v}</td></tr>" for k, v in rows)
        nav = "".join(
            f'<a href="#{a}">{escape(self.t(k)[0])}</a>'
            for a, k in (("rerun", "rerun"), ("lessons", "lessons"), ("accounts", "accounts_h"),
                         ("policies", "summary"), ("charts", "dist"),
                         ("sensitivity", "sens"), ("extremes", "extremes"), ("howto", "howto"))
        )
        summary = getattr(sc.summary, lang)
        return (
            f'<header><p class="sub">{self.label("report")}</p>'
            f'<h1>{escape(title)}</h1><p class="sub">{escape(gloss)}</p>'
            f'{self.verdict(lessons)}<nav>{nav}</nav>'
            f'<p class="small">{escape(summary)}</p>'
            f'<table class="meta">{meta}</table></header>'
        )

    def verdict(self, lessons) -> str:
        """Does the case teach? A plain answer, then each lesson with its checks; a failing
        one with what to change in the file and the accounts that carry its gap."""

        if not lessons:
            return ""
        groups: dict[str, list[dict]] = {}
        for x in lessons:
            groups.setdefault(x["lesson"], []).append(x)

        def state(rows):
            said = [x["holds"] for x in rows if x["holds"] is not None]
            return None if not said else all(said)

        judged = [k for k, rows in groups.items() if state(rows) is not None]
        failing = [k for k in judged if state(groups[k]) is False]
        if not judged:
            head = self.both("verdict_none")
        elif failing:
            head = self.both("verdict_no", k=len(failing), n=len(judged))
        else:
            head = self.both("verdict_yes", n=len(judged))
        items = []
        for key, rows in groups.items():
            ok = state(rows)
            checks = " ".join(
                f'<span class="check {"pass" if x["holds"] else "fail" if x["holds"] is False else "na"}">'
                f'{"✓" if x["holds"] else "✗" if x["holds"] is False else "–"} '
                f'{escape(x["id"])}</span>' for x in rows)
            parts = [f'{self.badge(ok)} <b>{escape(self.lesson_name(key, rows[0]))}</b> '
                     f'<span class="small">{escape(self.t("checks")[0])}: {checks}</span>']
            if ok is False:
                parts.append(f'<div class="hint"><b>{self.label("to_change")}:</b> '
                             f'{hint(key, self.lang)}</div>')
                for x in rows:
                    if x["holds"] is False:
                        parts.append(self.gap_note(x))
            elif ok is None:
                reason = render(rows[0].get("reason") or "", self.lang)
                parts.append(f'<div class="small">{escape(reason)}</div>')
            items.append(f'<li data-verdict-lesson="{escape(key)}">{"".join(parts)}</li>')
        cls = "verdict bad" if failing else "verdict"
        return (f'<div class="{cls}" id="verdict"><p class="answer">{head}</p>'
                f'<ul class="verdicts">{"".join(items)}</ul></div>')

    def gap_note(self, x: dict) -> str:
        """The accounts where a failing check's two strategies differ most, and how."""

        ref, var = self.accounts.get(x["reference"]), self.accounts.get(x["variant"])
        if ref is None or var is None:
            return ""
        rows = []
        for g in gap_by_account(ref, var, x["measure"]):
            component = self.t(f"cmp_{g['component']}")[0]
            won_lost = " → ".join(
                self.tf("won_lost", w=_pct(g[f"{side}_won"]),
                        l=_pct(g[f"{side}_churned"] + g[f"{side}_defaulted"]))[0]
                for side in ("reference", "variant"))
            rows.append(f"<li>{escape(self.account_name(g['index']))}: "
                        f"<b>{_signed(g['gap'])}</b> ({_pct(g['share'])}), "
                        f"{escape(self.t('mostly')[0])} {escape(component)}; "
                        f'<span class="small">{self.key(x["reference"])} → '
                        f'{self.key(x["variant"])}: {escape(won_lost)}</span></li>')
        return (f'<div class="gap" data-gap="{escape(x["id"])}"><span class="small">'
                f'{escape(x["id"])} · {self.label("gap_from")}</span><ul>{"".join(rows)}</ul></div>')

    def account_name(self, i: int) -> str:
        acc = self.sc.accounts[i]
        return f"{getattr(acc.name, self.lang)} ({acc.id})"

    def rerun_section(self, html_ref: str, previous: dict | None, data: dict) -> str:
        """The exact command that writes this report again, and what changed since the
        report it replaced."""

        parts = [self.h2("rerun", "rerun")]
        s = self.seeds
        if s and s == list(range(s[0], s[0] + len(s))):
            extra = []
            for p in self.results:
                if p not in POLICIES:
                    extra += ["--policy", p]
            command = self.cmd("balance", self.ref, "--runs", str(len(s)), "--seed", str(s[0]),
                               *extra, "--html", html_ref, "--lang", self.lang)
            parts.append(f'<p><code class="rerun">{escape(command)}</code></p>'
                         f'<p class="small">{self.both("rerun_how")}</p>')
        parts.append(f'<h3>{self.label("changes")}</h3>')
        if previous is None:
            parts.append(f'<p class="small">{self.both("changes_first")}</p>')
        elif previous.get("scenario") != data["scenario"]:
            parts.append(f'<p class="small">{self.both("changes_other", id=previous.get("scenario"))}</p>')
        else:
            parts.append(self.changes(compare(previous, data)))
        return '<section id="changes">' + "\n".join(parts) + "</section>"

    def changes(self, c: dict) -> str:
        out = []
        if c.get("date"):
            out.append(f'<p class="small">{self.label("changes_of")}: {escape(str(c["date"]))}</p>')
        out.append(f"<p><b>{self.label('changed_fields')}</b></p>")
        if c["fields"]:
            items = "".join(f"<li><code>{escape(path)}</code>: {escape(_short(before))} → "
                            f"{escape(_short(after))}</li>" for path, before, after in c["fields"])
            if c["more"]:
                items += f"<li>{self.both('more_fields', n=c['more'])}</li>"
            out.append(f'<ul class="changes">{items}</ul>')
        else:
            out.append(f'<p class="small">{self.both("no_field_change")}</p>')
        out.append(f"<p><b>{self.label('lesson_moves')}</b></p>")
        if c["lessons"]:
            items = []
            for m in c["lessons"]:
                was, now = m["before"], m["after"]
                before = (self.badge(was["holds"]) + " " + _diff_text(was.get("diff"))
                          if was else escape(self.t("new_check")[0]))
                items.append(f'<li data-moved="{escape(m["id"])}">{escape(m["id"])}: {before} → '
                             f'{self.badge(now["holds"])} {_diff_text(now.get("diff"))}</li>')
            out.append(f'<ul class="changes">{"".join(items)}</ul>')
        else:
            out.append(f'<p class="small">{self.both("nothing_moved")}</p>')
        if c["scores"]:
            items = "".join(f"<li>{self.key(p)}: {_diff_text(b, plain=True)} → "
                            f"{_diff_text(a, plain=True)}</li>" for p, b, a in c["scores"])
            out.append(f"<p><b>{self.label('score_moves')}</b></p><ul class=\"changes\">{items}</ul>")
        return "\n".join(out)

    def account_section(self) -> str:
        """Per account and strategy: how often won and lost, the main driver, the money."""

        shown = [p for p in self.order if p in self.accounts]
        parts = [self.h2("accounts_h", "accounts")]
        if not shown:
            return parts[0] + f'<p>{self.label("none")}</p>'
        first = self.accounts[shown[0]]
        parts.append(f'<p class="small">{self.both("accounts_key", runs=first["runs"])}</p>')
        head = self.th("account") + "".join(f"<th>{self.key(p)}</th>" for p in shown)
        rows = []
        for i, _ in enumerate(self.sc.accounts):
            labels = (tr("label.tier", self.lang, letter=first["tier"][i]) + " · "
                      + tr("label.credit", self.lang, letter=first["credit"][i]))
            cells = [f'<td class="lesson"><b>{escape(self.account_name(i))}</b><br>'
                     f'<span class="small">{escape(labels)}</span></td>']
            for p in shown:
                out = self.accounts[p]
                lost = float(out["churned"][i] + out["defaulted"][i])
                kind, size = driver(out, i)
                what = self.tf(f"drv_{kind}", p=_pct(size),
                               v=f"{100 * size:+.0f} pp" if self.lang == "en"
                               else f"{100 * size:+.0f} 个百分点")[0]
                cells.append(
                    f'<td class="acct" data-driver="{kind}">▲ {_pct(out["won"][i])} '
                    f'▼ {_pct(lost)}<br><span class="small">{escape(what)}</span><br>'
                    f'<span class="gloss">{escape(compact(float(out["contribution"][i])))}'
                    "</span></td>")
            rows.append(f'<tr data-account="{escape(self.sc.accounts[i].id)}">{"".join(cells)}</tr>')
        parts.append(f'<div class="wide"><table id="account-table"><thead><tr>{head}</tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table></div>")
        return "\n".join(parts)

    def lesson_name(self, lesson: str, row: dict | None = None) -> str:
        """A lesson by name; one this report does not know by its check's own title."""
        if lesson in _LESSON:
            en, zh = _LESSON[lesson]
            return zh if self.lang == "zh" else en
        if row is not None:
            return row.get("title_zh" if self.lang == "zh" else "title") or lesson
        return lesson

    def policy_table(self) -> str:
        head = self.th("policy") + "".join(
            self.th(m, _METRIC, num=True,
                    extra=f' <span class="gloss">{escape(self.sc.currency)}</span>'
                    if m in _MONEY else "")
            for m in TABLE_METRICS)
        rows = []
        for p in self.order:
            cells = []
            for m in TABLE_METRICS:
                v = _finite(self.results[p].get(m, []))
                if len(v) == 0:
                    cells.append('<td class="num">–</td>')
                    continue
                mean, sd = float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0
                cells.append(f'<td class="num">{escape(fmt_value(m, mean))}<br>'
                             f'<span class="gloss">± {escape(fmt_value(m, sd))}</span></td>')
            rows.append(f'<tr><td class="policy">{self.key(p)}'
                        f'<div class="small">{escape(self.describe(p))}</div></td>'
                        f"{''.join(cells)}</tr>")
        return (self.h2("summary", "policies")
                + f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")

    def describe(self, policy: str) -> str:
        if policy in POLICIES:
            if self.lang == "zh" and policy in _POLICY_TEXT:
                return _POLICY_TEXT[policy]
            doc = (POLICIES[policy].__doc__ or "").strip()
            return " ".join(doc.split("\n\n")[0].split())
        return "author's policy" if self.lang == "en" else "作者自定义策略"

    def charts(self) -> str:
        parts = [self.h2("dist", "charts"), f'<p class="small">{self.label("chart_key")}</p>']
        for m in CHART_METRICS:
            parts.append(f"<h3>{self.label(m, _METRIC)}"
                         + (f' <span class="gloss">({escape(self.sc.currency)})</span>'
                            if m in _MONEY else "") + "</h3>")
            parts.append(f'<div class="chart">{self.box_chart(m)}</div>')
        return "\n".join(parts)

    def box_chart(self, metric: str, width: int = 1000, row: int = 40) -> str:
        """Per policy: a histogram strip, a box (quartiles), whiskers (5th–95th percentile),
        the median and the mean as the policy's marker; policy names on the left."""

        data = {p: _finite(self.results[p].get(metric, [])) for p in self.order}
        every = np.concatenate([v for v in data.values() if len(v)] or [np.zeros(1)])
        lo, hi = float(every.min()), float(every.max())
        if hi <= lo:
            lo, hi = lo - 1, hi + 1
        ticks = nice_ticks(lo, hi, 6)
        lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
        left, right, top, bottom = 130, 24, 8, 34
        plot_w = width - left - right
        height = top + row * len(self.order) + bottom

        def x(v: float) -> float:
            return left + (v - lo) / (hi - lo) * plot_w

        name = self.t(metric, _METRIC)[0]
        out = [f'<svg class="dist" data-metric="{escape(metric)}" viewBox="0 0 {width} {height}" '
               f'width="{width}" height="{height}" role="img" '
               f'aria-label="{escape(name)}: distribution per policy">']
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        for tv in ticks:
            out.append(f'<line x1="{_n(x(tv))}" y1="{top}" x2="{_n(x(tv))}" '
                       f'y2="{height - bottom}" stroke="#ddd"/>')
            out.append(f'<text x="{_n(x(tv))}" y="{height - bottom + 16}" font-size="12" '
                       f'text-anchor="middle" fill="#333">{escape(_axis_label(tv, step))}</text>')
        out.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
                   f'y2="{height - bottom}" stroke="#333"/>')
        edges = np.linspace(lo, hi, 41)
        for i, p in enumerate(self.order):
            v = data[p]
            colour, shape = self.style[p]
            y0 = top + i * row
            mid = y0 + row / 2
            out.append(f'<text x="{left - 10}" y="{_n(mid + 4)}" font-size="13" '
                       f'text-anchor="end" fill="#1a1a1a">{escape(p)}</text>')
            if i % 2 == 0:
                out.append(f'<rect x="{left}" y="{y0}" width="{plot_w}" height="{row}" '
                           f'fill="#000" fill-opacity="0.025"/>')
            if len(v) == 0:
                continue
            counts, _ = np.histogram(v, edges)
            scale = (row - 6) / max(counts.max(), 1)
            for c, e0, e1 in zip(counts, edges[:-1], edges[1:]):
                if c:
                    h = c * scale
                    out.append(f'<rect x="{_n(x(e0))}" y="{_n(y0 + row - 3 - h)}" '
                               f'width="{_n(max(x(e1) - x(e0) - 0.6, 0.6))}" height="{_n(h)}" '
                               f'fill="{colour}" fill-opacity="0.22"/>')
            p5, q1, med, q3, p95 = np.percentile(v, [5, 25, 50, 75, 95])
            mean = float(v.mean())
            tip = (f"{p} — {name}: mean {fmt_value(metric, mean)}, median "
                   f"{fmt_value(metric, med)}, middle half {fmt_value(metric, q1)} to "
                   f"{fmt_value(metric, q3)}, 5th–95th percentile {fmt_value(metric, p5)} to "
                   f"{fmt_value(metric, p95)}, {len(v)} runs")
            bh = row * 0.42
            out.append(f"<g><title>{escape(tip)}</title>")
            out.append(f'<line x1="{_n(x(p5))}" y1="{_n(mid)}" x2="{_n(x(q1))}" y2="{_n(mid)}" '
                       f'stroke="#222" stroke-width="1.3"/>')
            out.append(f'<line x1="{_n(x(q3))}" y1="{_n(mid)}" x2="{_n(x(p95))}" '
                       f'y2="{_n(mid)}" stroke="#222" stroke-width="1.3"/>')
            for w in (p5, p95):
                out.append(f'<line x1="{_n(x(w))}" y1="{_n(mid - bh / 3)}" x2="{_n(x(w))}" '
                           f'y2="{_n(mid + bh / 3)}" stroke="#222" stroke-width="1.3"/>')
            out.append(f'<rect x="{_n(x(q1))}" y="{_n(mid - bh / 2)}" '
                       f'width="{_n(max(x(q3) - x(q1), 1))}" height="{_n(bh)}" '
                       f'fill="{colour}" fill-opacity="0.55" stroke="#222" stroke-width="1.2"/>')
            out.append(f'<line x1="{_n(x(med))}" y1="{_n(mid - bh / 2)}" x2="{_n(x(med))}" '
                       f'y2="{_n(mid + bh / 2)}" stroke="#000" stroke-width="3"/>')
            out.append(marker(shape, x(mean), mid, 6, colour, "#000"))
            out.append("</g>")
        out.append("</svg>")
        return "".join(out)

    def lesson_section(self, lessons) -> str:
        """The lesson table: each lesson's paired check of a strategy against its own
        variant that breaks just that lesson, with the difference, its 95 % interval, the
        share of seeds on the lesson's side and the verdict."""

        parts = [self.h2("lessons", "lessons")]
        if not lessons:
            return parts[0] + f'<p>{self.label("none")}</p>'
        head = (self.th("lesson") + self.th("compare") + self.th("diff", num=True)
                + "".join(self.th(c, num=True) for c in ("ci", "d", "share")) + self.th("result"))
        rows = []
        for x in lessons:
            main, gloss = ((x["title_zh"], x["title"]) if self.lang == "zh"
                           else (x["title"], x["title_zh"]))
            claim = f'{escape(main)}<br><span class="gloss">{escape(gloss)}</span>'
            unit = _LESSON_UNIT[x["measure"]][1 if self.lang == "zh" else 0]
            compare = (f'{self.key(x["reference"])} − {self.key(x["variant"])}'
                       if x["measure"] != "bad_debt"
                       else f'{self.key(x["variant"])} − {self.key(x["reference"])}')
            compare += f'<br><span class="small">{escape(unit)}, ≥ {x["min_gap"]:g}</span>'
            cells = [f'<td class="lesson"><b>{escape(self.lesson_name(x["lesson"]))}</b>'
                     f'<br>{claim}</td>', f'<td class="cmp">{compare}</td>']
            if x["holds"] is None:
                cells.append(f'<td colspan="4" class="small">'
                             f'{escape(render(x.get("reason") or "", self.lang))}</td>')
            else:
                lo, hi = x["ci95"]
                blo, bhi = x["ci95_boot"]
                d = x.get("d")
                cells += [
                    f'<td class="num">{_signed(x["diff"])}</td>',
                    f'<td class="num">[{_signed(lo)}, {_signed(hi)}]<br><span class="gloss">'
                    f'{escape(self.t("boot_short")[0])} [{_signed(blo)}, {_signed(bhi)}]'
                    "</span></td>",
                    f'<td class="num">{"–" if d is None else f"{d:+.2f}"}</td>',
                    f'<td class="num">{100 * x["share_of_seeds"]:.0f} %</td>',
                ]
            cells.append(f"<td>{self.badge(x['holds'])}</td>")
            rows.append(f'<tr data-lesson="{escape(x["id"])}">{"".join(cells)}</tr>')
        parts.append(f'<div class="wide"><table id="lesson-table"><thead><tr>{head}</tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table></div>")
        forest = self.forest(lessons)
        if forest:
            parts.append(f'<h3>{self.label("forest")}</h3>')
            parts.append(f'<p class="small">{self.label("forest_key")}</p>')
            parts.append(f'<div class="chart">{forest}</div>')
        return "\n".join(parts)

    def badge(self, holds) -> str:
        if holds is None:
            return f'<span class="badge na">– {escape(self.t("na")[0])}</span>'
        if holds:
            return f'<span class="badge pass">✓ {escape(self.t("pass")[0])}</span>'
        return f'<span class="badge fail">✗ {escape(self.t("fail")[0])}</span>'

    def forest(self, lessons, width: int = 1000, row: int = 30) -> str:
        """Cohen's d per lesson with its 95 % interval in sd units, sign-flipped so that
        right of 0 always means 'as the lesson says'. Hollow markers: not a pass."""

        items = []
        for x in lessons:
            sd = x.get("sd") or 0.0
            if sd <= 0 or x.get("d") is None:
                continue
            lo, hi = (v / sd for v in x["ci95"])
            items.append((x, x["d"], lo, hi))
        if not items:
            return ""
        left, right, top, bottom = 340, 90, 8, 34
        span_lo = min(0.0, *(i[2] for i in items))
        span_hi = max(0.0, *(i[3] for i in items))
        ticks = nice_ticks(span_lo, span_hi, 6)
        span_lo, span_hi = min(span_lo, ticks[0]), max(span_hi, ticks[-1])
        plot_w = width - left - right
        height = top + row * len(items) + bottom

        def xp(v: float) -> float:
            return left + (v - span_lo) / (span_hi - span_lo) * plot_w

        out = [f'<svg class="forest" viewBox="0 0 {width} {height}" width="{width}" '
               f'height="{height}" role="img" aria-label="Lesson effect sizes">']
        for tv in ticks:
            out.append(f'<line x1="{_n(xp(tv))}" y1="{top}" x2="{_n(xp(tv))}" '
                       f'y2="{height - bottom}" stroke="#ddd"/>')
            out.append(f'<text x="{_n(xp(tv))}" y="{height - bottom + 16}" font-size="12" '
                       f'text-anchor="middle" fill="#333">{tv:g}</text>')
        out.append(f'<line x1="{_n(xp(0))}" y1="{top}" x2="{_n(xp(0))}" y2="{height - bottom}" '
                   'stroke="#000" stroke-width="1.5"/>')
        for i, (x, d, lo, hi) in enumerate(items):
            mid = top + i * row + row / 2
            ok = x.get("holds")
            colour = OKABE_ITO["green"] if ok else (OKABE_ITO["vermillion"] if ok is False
                                                     else "#888")
            label = f'{self.lesson_name(x["lesson"])} · {x["id"]}'
            out.append(f'<text x="{left - 10}" y="{_n(mid + 4)}" font-size="13" '
                       f'text-anchor="end">{escape(label)}</text>')
            tip = f"{label}: d = {d:.2f}, 95 % CI {lo:.2f} to {hi:.2f} (sd units)"
            out.append(f"<g><title>{escape(tip)}</title>")
            out.append(f'<line x1="{_n(xp(lo))}" y1="{_n(mid)}" x2="{_n(xp(hi))}" '
                       f'y2="{_n(mid)}" stroke="{colour}" stroke-width="3"/>')
            fill = colour if ok else "#fff"
            out.append(marker("circle" if ok else "diamond", xp(d), mid, 6, fill, colour))
            out.append("</g>")
            out.append(f'<text x="{width - right + 8}" y="{_n(mid + 4)}" font-size="12">'
                       f"d = {d:.2f}</text>")
        out.append("</svg>")
        return "".join(out)

    def sensitivity_section(self, rows) -> str:
        parts = [self.h2("sens", "sensitivity")]
        if not rows:
            return parts[0] + f'<p>{self.label("none")}</p>'
        first = rows[0]
        policy, baseline = first["policy"], first["baseline"]
        bits = [f"{self.label('policy')}: {self.key(policy)}",
                f"{self.label('gap')}: {self.key(baseline)}"]
        if "factor" in first:
            bits.append(f"f = {first['factor']:g}")
        if "runs" in first:
            bits.append(f"{self.label('runs')}: {first['runs']}")
        intro = f'<p class="small">{" · ".join(bits)}</p>'
        score_of, score_gloss = self.t("score_of")
        gap_to, gap_gloss = self.t("gap")
        head = (self.th("param") + self.th("values", num=True)
                + f'<th class="num">{escape(policy)} {escape(score_of)}<br>'
                f'<span class="gloss">{escape(score_gloss)}</span></th>'
                + self.th("profit_change", num=True)
                + f'<th class="num">{escape(gap_to)} {escape(baseline)}<br>'
                f'<span class="gloss">{escape(gap_gloss)}</span></th>'
                + self.th("keeps"))
        body = []
        for r in rows:
            p = r["param"]
            desc = r.get("description", "")
            zh = _PARAM_ZH.get(p, "")
            gloss = zh if self.lang == "en" else desc
            main_desc = desc if self.lang == "en" else zh
            name = (f"<code>{escape(p)}</code><br><span class=\"small\">{escape(main_desc)}"
                    f"</span> <span class=\"gloss\">{escape(gloss)}</span>")
            values = " / ".join(f"{v:.4g}" for v in (r["low"], r["base"], r["high"]))
            if r["clamped"]:
                values += f' <span class="gloss">({escape(self.t("clamped")[0])})</span>'
            s, pr, g = r["score"], r["profit"], r["gap"]
            score = (f'{s["low"]:.2f} / {s["base"]:.2f} / {s["high"]:.2f}<br>'
                     f'<span class="gloss">Δ {s["low"] - s["base"]:+.2f} / '
                     f'{s["high"] - s["base"]:+.2f}</span>')
            base_profit = pr["base"]

            def pct(v, base_profit=base_profit):
                if not base_profit:
                    return "–"
                return f"{100 * (v - base_profit) / abs(base_profit):+.1f} %"

            profit = f'{pct(pr["low"])} / {pct(pr["high"])}'
            gap = f'{g["low"]:+.2f} / {g["base"]:+.2f} / {g["high"]:+.2f}'
            keeps = self.t("yes" if r["keeps_sign"] else "no")[0]
            badge = (f'<span class="badge pass">✓ {escape(keeps)}</span>' if r["keeps_sign"]
                     else f'<span class="badge fail">✗ {escape(keeps)}</span>')
            body.append(f"<tr><td>{name}</td><td class=\"num\">{values}</td>"
                        f"<td class=\"num\">{score}</td><td class=\"num\">{profit}</td>"
                        f"<td class=\"num\">{gap}</td><td>{badge}</td></tr>")
        parts.append(intro)
        parts.append(f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
                     f"<tbody>{''.join(body)}</tbody></table></div>")
        return "\n".join(parts)

    def extremes(self) -> str:
        head = (self.th("policy") + "<th></th>" + self.th("seed", num=True)
                + self.th("score", _METRIC, num=True) + self.th("profit", _METRIC, num=True)
                + self.th("replay"))
        found = []
        for p in self.order:
            score = np.asarray(self.results[p]["score"], dtype=float)
            if not np.isfinite(score).any():
                continue
            good = np.where(np.isfinite(score), score, -np.inf)
            bad = np.where(np.isfinite(score), score, np.inf)
            found.append((p, "best", int(np.argmax(good))))
            found.append((p, "worst", int(np.argmin(bad))))
        if not found:
            return ""
        scores = [float(self.results[p]["score"][i]) for p, _, i in found]
        top, bottom = int(np.argmax(scores)), int(np.argmin(scores))
        rows = []
        for k, (p, which, i) in enumerate(found):
            seed = self.seeds[i] if i < len(self.seeds) else i
            tag = self.badge_text(which)
            if k == top:
                tag += f' <span class="badge pass">{escape(self.t("overall_best")[0])}</span>'
            if k == bottom:
                tag += f' <span class="badge fail">{escape(self.t("overall_worst")[0])}</span>'
            profit = float(self.results[p]["profit"][i]) if "profit" in self.results[p] else None
            command = self.cmd("simulate", self.ref, "--policy", p, "--runs", "1",
                               "--seed", str(seed))
            rows.append(f'<tr><td>{self.key(p)}</td><td class="cmp">{tag}</td>'
                        f'<td class="num">{seed}</td>'
                        f'<td class="num">{escape(fmt_value("score", scores[k]))}</td>'
                        f'<td class="num">{escape(fmt_value("profit", profit))}</td>'
                        f"<td><code>{escape(command)}</code></td></tr>")
        return (self.h2("extremes", "extremes")
                + f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")

    def badge_text(self, which: str) -> str:
        return escape(self.t(which)[0])

    def howto(self) -> str:
        items = "".join(f"<li>{item}</li>" for item in _HOWTO[self.lang])
        return self.h2("howto", "howto") + f'<ul class="howto">{items}</ul>'
