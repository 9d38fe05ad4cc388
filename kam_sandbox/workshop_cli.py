"""``kam-sandbox workshop ...``: run a facilitated workshop from the command line.

Every error a trainer can cause (unknown team or event, bad plan, finished session, locked
folder, corrupt session file) is a ``KamError`` or ``ValueError``; ``cli.main`` prints it on
one line and exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub) -> None:
    w = sub.add_parser("workshop", help="run a facilitated workshop: teams play round by round")
    w.set_defaults(func="workshop", workshop_command=None)
    ws = w.add_subparsers(dest="workshop_command", metavar="ACTION")

    def data(p):
        p.add_argument("--data", required=True, metavar="DIR", help="the session folder")

    p = ws.add_parser("new", help="start a session; prints its id")
    p.add_argument("--scenario", required=True, help="scenario id or file")
    p.add_argument("--teams", type=int, default=3, metavar="N", help="number of teams (3)")
    p.add_argument("--names", help="comma-separated team names instead of Team 1, Team 2..")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mode", choices=["parallel", "shared"], default="parallel")
    data(p)

    p = ws.add_parser("status", help="round, state, teams, submissions and scores")
    data(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = ws.add_parser("submit", help="submit a team's plan (JSON file) for the open round")
    data(p)
    p.add_argument("--team", required=True, help="team name, number or id")
    p.add_argument("--plan", required=True, metavar="FILE.json")
    p.add_argument("--author", default="")

    p = ws.add_parser("advance", help="close the round (absent teams filled in), open the next")
    data(p)
    p.add_argument("--fill-policy", default="uniform", metavar="NAME",
                   help="built-in policy that plays absent teams (default: uniform)")

    p = ws.add_parser("inject", help="inject a library event into the coming quarter")
    data(p)
    p.add_argument("--event", required=True, metavar="EVENT_ID")
    p.add_argument("--team", help="only this team (default: every team)")

    for name, helptext in (("pause", "pause the open round"), ("resume", "resume the round")):
        p = ws.add_parser(name, help=helptext)
        data(p)

    p = ws.add_parser("export", help="CSV of every team x round x KPI and an HTML debrief")
    data(p)
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--html", metavar="FILE")


def run(args) -> int:
    from workshop import Session, WorkshopError

    cmd = args.workshop_command
    if cmd is None:
        raise WorkshopError("choose an action: new, status, submit, advance, inject, pause, "
                            "resume or export (see kam-sandbox workshop --help)")
    if cmd == "new":
        if args.names:
            teams = [n.strip() for n in args.names.split(",")]
        else:
            if args.teams < 1:
                raise WorkshopError("--teams must be at least 1")
            teams = args.teams
        with Session.create(args.data, args.scenario, teams, seed=args.seed,
                            mode=args.mode) as s:
            print(s.meta["id"])
        return 0
    if cmd == "status":
        with Session.open(args.data, write=False) as s:
            st = s.status()
        if args.json:
            print(json.dumps(st, ensure_ascii=False, indent=1))
        else:
            print(_status_text(st))
        return 0
    if cmd == "export":
        if not args.csv and not args.html:
            raise WorkshopError("give --csv FILE and/or --html FILE")
        with Session.open(args.data, write=False) as s:
            if args.csv:
                print(f"wrote {s.export_csv(args.csv)}")
            if args.html:
                print(f"wrote {s.export_html(args.html)}")
        return 0
    with Session.open(args.data) as s:
        if cmd == "submit":
            plan = _read_plan(args.plan)
            sub = s.submit(args.team, plan, author=args.author)
            print(f"{s.team(sub['team'])['name']}: plan #{sub['seq']} recorded for round "
                  f"{sub['round']}")
        elif cmd == "advance":
            closed = s.round
            nxt = s.advance(args.fill_policy)
            filled = [s.team(r["team"])["name"] for r in s.db.table("results").all()
                      if r["round"] == closed and r.get("filled_by")]
            msg = f"round {closed} closed"
            if filled:
                msg += f" (filled by {args.fill_policy}: {', '.join(filled)})"
            print(msg + (f"; round {nxt} open" if nxt else "; the session is finished"))
        elif cmd == "inject":
            inj = s.inject(args.event, args.team)
            who = s.team(inj["team"])["name"] if inj["team"] else "every team"
            print(f"{inj['event']} queued for round {inj['round']} of {who}")
        elif cmd == "pause":
            s.pause()
            print(f"round {s.round} paused")
        elif cmd == "resume":
            s.resume()
            print(f"round {s.round} open")
    return 0


def _read_plan(path: str) -> dict:
    from workshop import WorkshopError

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise WorkshopError(f"cannot read plan {path}: {exc.strerror or exc}") from None
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkshopError(f"plan {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}") from None
    if not isinstance(plan, dict):
        raise WorkshopError(f"plan {path} must be a JSON object")
    return plan


def _status_text(st: dict) -> str:
    state = st["state"]
    lines = [f"session {st['session']} · {st['scenario']} · seed {st['seed']} · {st['mode']}",
             f"round {st['round']}/{st['rounds']} · {state}", ""]
    rows = [("team", "submitted", "plans", "score", "by round")]
    for t in st["teams"]:
        sub = "yes" if t["submitted"] else "no"
        if t["filled_by"]:
            sub = f"filled ({t['filled_by']})"
        rows.append((t["name"], sub, str(t["submissions"]), f"{t['score']:.1f}",
                     " ".join(f"{s:.1f}" for s in t["scores"]) or "-"))

    def width(s: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(c) > 0x2E80 else 1 for c in s)

    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        lines.append("  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths)).rstrip())
    if st["injections"]:
        lines += ["", "injected events:"]
        for i in st["injections"]:
            lines.append(f"  round {i['round']}: {i['event']} → {i['team_name'] or 'every team'}")
    return "\n".join(lines)
