"""Workshop exports: a CSV of every team × round × KPI and a self-contained HTML debrief.

Both are rebuilt from the decision log (``Session.replay_team``), never from cached results.
"""

from __future__ import annotations

import csv
from html import escape
from pathlib import Path

from engine.report import compact

from .session import Session

SCORE_MAX = 100.0  # the scorecard grade is on an absolute 0-100 scale
DAY_KEYS = ("am_days", "exec_days", "support_days", "training_days")
MONEY_KEYS = ("promotion", "event_support")


def _replays(session: Session) -> list[tuple[dict, list[dict]]]:
    return [(t, session.replay_team(t["id"]).rounds) for t in session.teams()]


def write_csv(session: Session, path: Path) -> Path:
    """UTF-8 with BOM so Excel and WPS show Chinese team names correctly."""

    meta = session.meta
    replays = _replays(session)
    kpi_names: list[str] = []
    for _, rounds in replays:
        for r in rounds:
            kpi_names += [k for k in r["kpis"] if k not in kpi_names]
    header = ["session", "scenario", "seed", "team_id", "team", "round", "author", "filled_by",
              "score", *kpi_names]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for team, rounds in replays:
            for r in rounds:
                w.writerow([meta["id"], meta["scenario_id"], meta["seed"], team["id"],
                            team["name"], r["round"], r["author"], r["filled_by"] or "",
                            f"{r['score']:.4f}",
                            *(repr(float(r["kpis"][k])) if k in r["kpis"] else ""
                              for k in kpi_names)])
    return path


def key_decisions(plan: dict, top: int = 3) -> list[str]:
    """The biggest allocations of a plan: the accounts that got the largest share of people-days
    and money, with their discount, plus the portfolio actions switched on."""

    accounts = plan.get("accounts") or {}
    rows = []
    for acc, a in accounts.items():
        days = 0.0
        for k in DAY_KEYS:
            v = a.get(k, 0)
            days += sum(float(x) for x in v.values()) if isinstance(v, dict) else float(v or 0)
        money = sum(float(a.get(k, 0) or 0) for k in MONEY_KEYS)
        rows.append((acc, days, money, float(a.get("discount", 0) or 0),
                     [f for f in ("survey", "trial", "feedback") if a.get(f)]))
    total_d = sum(r[1] for r in rows) or 1.0
    total_m = sum(r[2] for r in rows) or 1.0
    rows.sort(key=lambda r: -(r[1] / total_d + r[2] / total_m))
    out = []
    for acc, days, money, disc, flags in rows[:top]:
        if not days and not money and not disc and not flags:
            continue
        bits = [f"{days:g} days"]
        if money:
            bits.append(f"¥{compact(money)}")
        if disc:
            bits.append(f"discount {100 * disc:.0f}%")
        bits += flags
        out.append(f"{acc}: " + ", ".join(bits))
    on = [k for k, v in (plan.get("portfolio") or {}).items() if v]
    if on:
        out.append("portfolio: " + ", ".join(on))
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
        '<p class="small">Balanced-scorecard grade on its absolute 0–100 scale.</p>',
        _leaderboard_svg(standings),
        "<table><tr><th>#</th><th>Team 队伍</th><th>Members 成员</th><th>Score 得分</th>"
        "<th>Profit 利润</th><th>Retention 留存</th><th>Filled rounds 代打轮次</th></tr>",
    ]
    for rank, (team, score) in enumerate(standings, 1):
        rounds = by_id[team["id"]]
        profit = sum(r["kpis"].get("profit", 0.0) for r in rounds)
        retention = rounds[-1]["kpis"].get("retention") if rounds else None
        filled = ", ".join(f"R{r['round']} ({r['filled_by']})" for r in rounds if r["filled_by"])
        parts.append(
            f'<tr><td class="num">{rank}</td><td><span class="swatch" style="background:'
            f'{escape(team["colour"])}"></span>{escape(team["name"])}</td>'
            f'<td>{escape(", ".join(team["members"]))}</td><td class="num">{score:.1f}</td>'
            f'<td class="num">{compact(profit)}</td><td class="num">'
            f'{"–" if retention is None else f"{100 * retention:.0f} %"}</td>'
            f'<td class="filled">{escape(filled)}</td></tr>')
    parts.append("</table><h2>Score by round 各轮得分</h2>")
    parts.append(_score_lines_svg([(t, [r["score"] for r in rounds]) for t, rounds in replays],
                                  meta["rounds"]))
    parts.append("<h2>Key decisions 关键决策</h2>")
    injections = session.injections()
    for team, rounds in replays:
        parts.append(f'<h3><span class="swatch" style="background:{escape(team["colour"])}">'
                     f'</span>{escape(team["name"])}</h3>')
        parts.append("<table><tr><th>Round 轮次</th><th>Author 提交人</th>"
                     "<th>Biggest allocations 主要投入</th><th>Events 事件</th>"
                     "<th>Score 得分</th></tr>")
        for r in rounds:
            events = [i["event"] for i in injections
                      if i["round"] == r["round"] and i["team"] in (None, team["id"])]
            author = escape(r["author"])
            if r["filled_by"]:
                author = f'<span class="filled">filled by {escape(r["filled_by"])} 代打</span>'
            decisions = "<br>".join(escape(d) for d in key_decisions(r["plan"]))
            parts.append(f'<tr><td>R{r["round"]}</td><td>{author}</td><td>{decisions}</td>'
                         f'<td>{escape(", ".join(events))}</td>'
                         f'<td class="num">{r["score"]:.1f}</td></tr>')
        parts.append("</table>")
    parts.append('<footer class="small">Generated by kam-sandbox workshop export.</footer>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(session: Session, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(session), encoding="utf-8")
    return path
