"""Workshop exports: a CSV of every team × round × KPI and a self-contained HTML debrief.

Both are rebuilt from the decision log (``Session.replay_team``), never from cached results.
"""

from __future__ import annotations

import csv
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from kam_sandbox.base.fmt import compact
from kam_sandbox.base.i18n import strategy_name
from kam_sandbox.engine.kpis import grade_band

if TYPE_CHECKING:  # the session calls these exports; only its type is needed here
    from .session import Session

SCORE_MAX = 100.0  # the scorecard grade: 0-100, 100 = the expert in the same world
BANDS = ((50, "fair"), (70, "good"), (85, "excellent"))  # as engine.kpis.grade_band
BAND_LABELS = {"excellent": "excellent 优秀", "good": "good 良好", "fair": "fair 合格",
               "weak": "needs work 待提高"}
DAY_KEYS = ("am_days", "exec_days", "support_days", "training_days")
MONEY_KEYS = ("promotion", "event_support")


def _replays(session: Session) -> list[tuple[dict, list[dict]]]:
    rounds = session.played_rounds()
    return [(t, rounds[t["id"]]) for t in session.teams()]


# A spreadsheet runs a cell that begins like this as a formula (OWASP "CSV injection"):
# names and authors are typed by the teams.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell that a spreadsheet shows as text, never runs: a leading ``'``
    where it would begin a formula (OWASP's advice; numbers are written as numbers)."""

    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def write_csv(session: Session, path: Path) -> Path:
    """UTF-8 with BOM so Excel and WPS show Chinese team names correctly."""

    meta = session.meta
    replays = _replays(session)
    kpi_names: list[str] = []
    for _, rounds in replays:
        for r in rounds:
            kpi_names += [k for k in r["kpis"] if k not in kpi_names]
    header = ["session", "scenario", "seed", "team_id", "team", "round", "author", "filled_by",
              "from_draft",
              "score", *kpi_names]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for team, rounds in replays:
            for r in rounds:
                w.writerow([meta["id"], meta["scenario_id"], meta["seed"], team["id"],
                            text_cell(team["name"]), r["round"], text_cell(r["author"]),
                            r["filled_by"] or "",
                            "yes" if r.get("from_draft") else "",
                            f"{r['score']:.4f}",
                            # 4 decimals: exact enough, and 1.0 not 1.0000000000000002
                            *(repr(round(float(r["kpis"][k]), 4)) if k in r["kpis"] else ""
                              for k in kpi_names)])
    return path


def policy_name(policy: str) -> str:
    """A built-in strategy as the console names it, in both languages ("Even spread 平均分配")."""

    names = [strategy_name(policy, lang) for lang in ("en", "zh")]
    return policy if names[0] == policy else " ".join(names)


def decisions(plan: dict, top: int = 3) -> dict:
    """The biggest allocations of a plan, as data: the ``top`` accounts that got the largest
    share of people-days and money (each with its days, money, discount and one-off actions)
    and the portfolio actions switched on."""

    rows = []
    for acc, a in (plan.get("accounts") or {}).items():
        days = 0.0
        for k in DAY_KEYS:
            v = a.get(k, 0)
            days += sum(float(x) for x in v.values()) if isinstance(v, dict) else float(v or 0)
        rows.append({"account": acc, "days": days,
                     "money": sum(float(a.get(k, 0) or 0) for k in MONEY_KEYS),
                     "discount": float(a.get("discount", 0) or 0),
                     "flags": [f for f in ("survey", "trial", "feedback") if a.get(f)]})
    total_d = sum(r["days"] for r in rows) or 1.0
    total_m = sum(r["money"] for r in rows) or 1.0
    rows.sort(key=lambda r: -(r["days"] / total_d + r["money"] / total_m))
    rows = [r for r in rows[:top] if r["days"] or r["money"] or r["discount"] or r["flags"]]
    return {"accounts": rows,
            "portfolio": [k for k, v in (plan.get("portfolio") or {}).items() if v]}


def key_decisions(plan: dict, top: int = 3, names: dict[str, str] | None = None) -> list[str]:
    """``decisions`` as short lines ("jinling: 43.75 days, ¥63.5 k, survey"); ``names``
    maps account ids to the names to print."""

    d = decisions(plan, top)
    out = []
    for r in d["accounts"]:
        bits = [f"{r['days']:g} days"]
        if r["money"]:
            bits.append(f"¥{compact(r['money'])}")
        if r["discount"]:
            bits.append(f"discount {100 * r['discount']:.0f}%")
        bits += r["flags"]
        out.append(f"{(names or {}).get(r['account'], r['account'])}: " + ", ".join(bits))
    if d["portfolio"]:
        out.append("portfolio: " + ", ".join(d["portfolio"]))
    return out or ["(nothing allocated)"]


CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif;
  margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #111; line-height: 1.45; }
h1 { font-size: 1.5em; margin-bottom: 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
  vertical-align: -1px; margin-right: 5px; }
.filled { color: #8a3700; font-size: 0.85em; }
.small { font-size: 0.85em; color: #444; }
svg { max-width: 100%; height: auto; font-family: inherit; }
.wide { overflow-x: auto; }
table.sbs td, table.sbs th { min-width: 190px; font-size: 0.88em; }
table.sbs th:first-child { min-width: 120px; }
.event { font-weight: normal; font-size: 0.85em; color: #6a3d9a; margin-top: 4px; }
.result { margin-top: 4px; padding-top: 3px; border-top: 1px dashed #ccc; }
.up { color: #1b7f3b; } .down { color: #b3261e; } .flat { color: #666; }
@media print { h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
"""


def _leaderboard_svg(standings: list[tuple[dict, float]], width: int = 900, row: int = 30) -> str:
    left, right = 180, 60
    height = row * len(standings) + 40
    span = width - left - right

    def x(v: float) -> float:
        return left + span * max(0.0, min(v, SCORE_MAX)) / SCORE_MAX

    out = [f'<svg class="leaderboard" viewBox="0 0 {width} {height}" width="{width}" '
           f'role="img" aria-label="leaderboard, score 0-100">']
    for tick in range(0, 101, 20):
        out.append(f'<line x1="{x(tick):.1f}" y1="10" x2="{x(tick):.1f}" y2="{height - 24}" '
                   f'stroke="#ddd"/><text x="{x(tick):.1f}" y="{height - 8}" font-size="12" '
                   f'text-anchor="middle">{tick}</text>')
    for limit, band in BANDS:  # the absolute grade bands: a team is good or not, whatever rank
        out.append(f'<line x1="{x(limit):.1f}" y1="4" x2="{x(limit):.1f}" y2="{height - 24}" '
                   f'stroke="#999" stroke-dasharray="4 3"/><text x="{x(limit) + 3:.1f}" y="10" '
                   f'font-size="10" fill="#555">{escape(BAND_LABELS[band])}</text>')
    for i, (team, score) in enumerate(standings):
        y = 14 + i * row
        out.append(f'<text x="{left - 8}" y="{y + 15}" font-size="14" text-anchor="end">'
                   f'{escape(team["name"])}</text>'
                   f'<rect x="{left}" y="{y}" width="{x(score) - left:.1f}" height="{row - 10}" '
                   f'fill="{escape(team["colour"])}"/>'
                   f'<text x="{x(score) + 6:.1f}" y="{y + 15}" font-size="13">{score:.1f}</text>')
    out.append("</svg>")
    return "".join(out)


def _score_lines_svg(series: list[tuple[dict, list[float]]], rounds: int, width: int = 900,
                     height: int = 300) -> str:
    left, right, top, bottom = 50, 20, 14, 34
    span_x, span_y = width - left - right, height - top - bottom

    def x(r: int) -> float:
        return left + span_x * ((r - 1) / max(rounds - 1, 1))

    def y(v: float) -> float:
        return top + span_y * (1 - max(0.0, min(v, SCORE_MAX)) / SCORE_MAX)

    out = [f'<svg class="scores" viewBox="0 0 {width} {height}" width="{width}" role="img" '
           f'aria-label="score by round">']
    for tick in range(0, 101, 20):
        out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
                   f'stroke="#eee"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="12" '
                   f'text-anchor="end">{tick}</text>')
    for r in range(1, rounds + 1):
        out.append(f'<text x="{x(r):.1f}" y="{height - 12}" font-size="12" '
                   f'text-anchor="middle">R{r}</text>')
    for team, scores in series:
        if not scores:
            continue
        pts = " ".join(f"{x(i + 1):.1f},{y(s):.1f}" for i, s in enumerate(scores))
        colour = escape(team["colour"])
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5">'
                   f'<title>{escape(team["name"])}</title></polyline>')
        for i, s in enumerate(scores):
            out.append(f'<circle cx="{x(i + 1):.1f}" cy="{y(s):.1f}" r="4" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out)


def render_html(session: Session) -> str:
    meta = session.meta
    sc = session.scenario
    replays = _replays(session)
    by_id = {t["id"]: rounds for t, rounds in replays}
    standings = sorted(((t, rounds[-1]["score"] if rounds else 0.0) for t, rounds in replays),
                       key=lambda p: -p[1])
    title = f"{sc.title.zh} · {sc.title.en}"
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Workshop debrief 复盘 — {escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>Workshop debrief 工作坊复盘</h1><p>{escape(title)}</p>",
        f'<p class="small">session {escape(meta["id"])} · scenario {escape(meta["scenario_id"])} '
        f'v{escape(str(meta["scenario_version"]))} · seed {meta["seed"]} · mode {meta["mode"]} · '
        f'{session.closed_rounds()}/{meta["rounds"]} rounds played · state {session.state}</p>',
        "<h2>Leaderboard 排行榜</h2>",
        '<p class="small">Balanced-scorecard grade 0–100 against what each team\'s world allowed '
        '(100 = the expert strategy in the same world and seat).</p>',
        _leaderboard_svg(standings),
        "<table><tr><th>#</th><th>Team 队伍</th><th>Members 成员</th><th>Score 得分</th>"
        "<th>Grade 等级</th>"
        "<th>Profit 利润</th><th>Retention 留存</th><th>Filled rounds 代打轮次</th></tr>",
    ]
    for rank, (team, score) in enumerate(standings, 1):
        rounds = by_id[team["id"]]
        profit = sum(r["kpis"].get("profit", 0.0) for r in rounds)
        retention = rounds[-1]["kpis"].get("retention") if rounds else None
        filled = ", ".join(f"R{r['round']} ({policy_name(r['filled_by'])})" for r in rounds
                           if r["filled_by"])
        parts.append(
            f'<tr><td class="num">{rank}</td><td><span class="swatch" style="background:'
            f'{escape(team["colour"])}"></span>{escape(team["name"])}</td>'
            f'<td>{escape(", ".join(team["members"]))}</td><td class="num">{score:.1f}</td>'
            f'<td>{BAND_LABELS[grade_band(score)]}</td>'
            f'<td class="num">{compact(profit)}</td><td class="num">'
            f'{"–" if retention is None else f"{100 * retention:.0f} %"}</td>'
            f'<td class="filled">{escape(filled)}</td></tr>')
    parts.append("</table><h2>Score by round 各轮得分</h2>")
    parts.append(_score_lines_svg([(t, [r["score"] for r in rounds]) for t, rounds in replays],
                                  meta["rounds"]))
    parts += _decisions_side_by_side(session, replays)
    parts.append('<footer class="small">Generated by kam-sandbox workshop export.</footer>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _decisions_side_by_side(session: Session, replays: list[tuple[dict, list[dict]]]) -> list[str]:
    """Round by round, every team's biggest allocations and what followed (score, revenue,
    profit, satisfaction, with the change on the round before), teams side by side."""

    sc = session.scenario
    names = {a.id: a.name.zh for a in sc.accounts}
    headlines = {}
    for inj in session.injections():
        headlines.setdefault(inj["round"], []).append(inj)
    parts = ["<h2>Key decisions and their consequences 关键决策与结果</h2>",
             '<p class="small">Each team\'s three biggest allocations of people-days and money '
             "per round, then the quarter's result (change on the round before). "
             "每轮投入最多的三个客户，以及当季结果（与上一轮相比）。</p>",
             '<div class="wide"><table class="sbs"><tr><th>Round 轮次</th>']
    for team, _ in replays:
        parts.append(f'<th><span class="swatch" style="background:{escape(team["colour"])}">'
                     f'</span>{escape(team["name"])}</th>')
    parts.append("</tr>")
    played = max((len(rounds) for _, rounds in replays), default=0)
    for i in range(played):
        r = i + 1
        events = headlines.get(r, [])
        row = [f"<tr><th>R{r}"]
        for inj in events:
            who = "all 全体" if inj["team"] is None else escape(session.team(inj["team"])["name"])
            head = inj.get("headline") or {}
            row.append(f'<div class="event">⚑ {escape(head.get("zh", inj["event"]))}<br>'
                       f'{escape(head.get("en", ""))} → {who}</div>')
        row.append("</th>")
        for _team, rounds in replays:
            if i >= len(rounds):
                row.append("<td></td>")
                continue
            cur, prev = rounds[i], rounds[i - 1] if i else None
            lines = [escape(x) for x in key_decisions(cur["plan"], names=names)]
            if cur["filled_by"]:
                who = (f'<span class="filled">filled by {escape(policy_name(cur["filled_by"]))}'
                       " 代打</span>")
            else:
                draft = " · draft at the close 收盘时的草稿" if cur.get("from_draft") else ""
                who = f'<span class="small">{escape(cur["author"])}{draft}</span>'

            k = cur["kpis"]
            result = [f"score {cur['score']:.1f}{_delta(cur['score'], prev and prev['score'])}",
                      f"revenue ¥{compact(k.get('revenue', 0.0))}",
                      f"profit ¥{compact(k.get('profit', 0.0))}"]
            if "satisfaction" in k:
                before = prev["kpis"].get("satisfaction") if prev else None
                result.append(f"satisfaction {k['satisfaction']:.2f}"
                              f"{_delta(k['satisfaction'], before, 2)}")
            row.append(f"<td>{who}<br>{'<br>'.join(lines)}"
                       f'<div class="result">{" · ".join(result)}</div></td>')
        parts.append("".join(row) + "</tr>")
    parts.append("</table></div>")
    return parts


def _delta(value: float, before: float | None, digits: int = 1) -> str:
    if before is None:
        return ""
    d = value - before
    cls = "up" if d > 0 else "down" if d < 0 else "flat"
    return f' <span class="{cls}">({d:+.{digits}f})</span>'


def write_html(session: Session, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(session), encoding="utf-8")
    return path
