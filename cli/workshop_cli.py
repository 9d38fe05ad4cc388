"""``kam-sandbox workshop ...``: run a facilitated workshop from the command line.

``host`` serves the session to the room over HTTP (``workshop.server``). The commands that
change the session go through the same ``workshop.host.Host`` operations as the server and
the console: directly on the folder when nothing else holds it, or, while a host is running
on it (its ``DIR/host.json`` names a live process), as requests to that host, since the
host holds the folder's lock. The tokens they need (the facilitator's; a team's, to submit
for it) are read from the session file, which only the trainer's machine has.

Every error a trainer can cause (unknown team or event, bad plan, finished session, locked
folder, corrupt session file, a host that does not answer) is a ``KamError`` or
``ValueError``; ``cli.main`` prints it on one line and exits 2.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The built-in strategies, for --help without importing the engine at parse time (the game
# window must not wait for numpy); tests/test_workshop_docs.py keeps it equal to POLICIES.
POLICY_NAMES = ("uniform", "focus", "needs", "expert", "discount", "executive", "lax-credit",
                "random")

WRITE_COMMANDS = ("submit", "advance", "inject", "pause", "resume", "timer", "extend",
                  "add-team", "rename-team", "approve", "deny", "revoke", "reset-team",
                  "rotate-code")


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

    p = ws.add_parser("host", help="serve the session to the teams' machines (Ctrl+C stops)")
    data(p)
    p.add_argument("--port", type=int, default=8765, help="TCP port (default 8765)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="address to listen on: 127.0.0.1 (default, this machine only) or "
                        "0.0.0.0 for the room's network")

    p = ws.add_parser("join-code", help="print the code teams join with")
    data(p)

    p = ws.add_parser("events", help="the case's event library: what inject --event takes")
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
                   help="built-in strategy that plays teams with no plan: "
                        f"{', '.join(POLICY_NAMES)} (default: uniform)")

    p = ws.add_parser("inject", help="inject a library event into the coming quarter")
    data(p)
    p.add_argument("--event", required=True, metavar="EVENT_ID",
                   help="an event of the case's library (see: workshop events)")
    p.add_argument("--team", help="only this team: its name, number or id (default: every "
                                  "team)")

    for name, helptext in (("pause", "pause the open round"), ("resume", "resume the round")):
        p = ws.add_parser(name, help=helptext)
        data(p)

    p = ws.add_parser("timer", help="start the round's countdown (or --off)")
    data(p)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--minutes", type=float, metavar="M")
    group.add_argument("--off", action="store_true", help="remove the timer")

    p = ws.add_parser("extend", help="give the room more time on the countdown")
    data(p)
    p.add_argument("--minutes", type=float, required=True, metavar="M")

    p = ws.add_parser("add-team", help="add a team (before the first round closes)")
    data(p)
    p.add_argument("--name", required=True)
    p.add_argument("--colour", metavar="#RRGGBB")
    p.add_argument("--members", help="comma-separated names")

    p = ws.add_parser("rename-team", help="rename a team")
    data(p)
    p.add_argument("--team", required=True, help="team name, number or id")
    p.add_argument("--name", required=True, help="the new name")

    p = ws.add_parser("devices", help="the devices playing for each team, and the ones "
                                      "waiting for your approval")
    data(p)
    for name, helptext in (("approve", "let a waiting device play for its team"),
                           ("deny", "refuse a waiting device")):
        p = ws.add_parser(name, help=helptext)
        data(p)
        p.add_argument("--request", required=True, metavar="ID", help="see: workshop devices")
    p = ws.add_parser("revoke", help="withdraw one device's token")
    data(p)
    p.add_argument("--device", required=True, metavar="ID", help="see: workshop devices")
    p = ws.add_parser("reset-team", help="revoke every device of a team and give it a new "
                                         "team secret")
    data(p)
    p.add_argument("--team", required=True, help="team name, number or id")
    p = ws.add_parser("rotate-code", help="a new join code (admitted devices play on)")
    data(p)

    p = ws.add_parser("export", help="CSV of every team x round x KPI and an HTML debrief")
    data(p)
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--html", metavar="FILE")


def run(args) -> int:
    from kam_sandbox.workshop import Session, WorkshopError

    cmd = args.workshop_command
    if cmd is None:
        raise WorkshopError("choose an action: new, host, join-code, status, submit, advance, "
                            "inject, pause, resume, timer, extend, add-team, rename-team, "
                            "devices, approve, deny, revoke, reset-team, rotate-code or "
                            "export (see kam-sandbox workshop --help)")
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
    if cmd == "host":
        from kam_sandbox.workshop.server import serve

        if not 0 <= args.port <= 65535:
            raise WorkshopError(f"--port must be between 0 and 65535, not {args.port}")
        return serve(args.data, port=args.port, bind=args.bind)
    if cmd == "join-code":
        with Session.open(args.data, write=False) as s:
            print(s.meta["join_code"])
        return 0
    if cmd == "events":
        with Session.open(args.data, write=False) as s:
            library = [e for e in s.scenario.events if e.turn is None]
        for e in library:
            print(f"{e.id}  ({e.type}{', ' + e.account if e.account else ''})\n"
                  f"    {e.headline.zh}\n    {e.headline.en}")
        if not library:
            print("this case has no library events")
        return 0
    if cmd == "status":
        st = _status(args.data)
        if args.json:
            print(json.dumps(st, ensure_ascii=False, indent=1))
        else:
            print(_status_text(st))
        return 0
    if cmd == "devices":
        print(_devices_text(_status(args.data)))
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
    if cmd == "submit":
        plan = _read_plan(args.plan)  # before anything is opened: a bad file changes nothing
    with _operator(args.data) as op:
        if cmd == "submit":
            sub = op.submit(args.team, plan, args.author)
            print(f"{op.team_names()[sub['team']]}: plan #{sub['seq']} recorded for round "
                  f"{sub['round']}")
        elif cmd == "advance":
            closed = op.status()["round"]
            nxt = op.act("advance", fill_policy=args.fill_policy)
            filled = [t["name"] for t in op.status()["teams"] if closed in t["filled_rounds"]]
            msg = f"round {closed} closed"
            if filled:
                msg += f" (filled by {args.fill_policy}: {', '.join(filled)})"
            print(msg + (f"; round {nxt} open" if nxt else "; the session is finished"))
        elif cmd == "inject":
            inj = op.act("inject", event_id=args.event, team=args.team)
            who = op.team_names()[inj["team"]] if inj["team"] else "every team"
            print(f"{inj['event']} queued for round {inj['round']} of {who}")
        elif cmd in ("pause", "resume"):
            op.act(cmd)
            print(f"round {op.status()['round']} {'paused' if cmd == 'pause' else 'open'}")
        elif cmd == "timer":
            seconds = None if args.off else _seconds(args.minutes)
            print(_timer_text(op.act("set_timer", seconds=seconds)))
        elif cmd == "extend":
            print(_timer_text(op.act("extend_timer", seconds=_seconds(args.minutes, extra=True))))
        elif cmd == "add-team":
            members = [m.strip() for m in args.members.split(",") if m.strip()] \
                if args.members else None
            team = op.act("add_team", name=args.name, colour=args.colour, members=members)
            print(f"added {team['name']} ({team['id']})")
        elif cmd == "rename-team":
            team = op.act("rename_team", team=args.team, name=args.name)
            print(f"{team['id']} is now {team['name']}")
        elif cmd in ("approve", "deny"):
            req = op.act(f"{cmd}_join", request=args.request)
            print(f"{req['device']} {'may now play' if cmd == 'approve' else 'refused'} "
                  f"for {req['team_name']}")
        elif cmd == "revoke":
            device = op.act("revoke_device", device=args.device)
            print(f"{device['label']} ({device['id']}) can no longer play for "
                  f"{op.team_names()[device['team']]}")
        elif cmd == "reset-team":
            team = op.act("reset_team_access", team=args.team)
            print(f"{team['name']}: every device signed out, new team secret; the next device "
                  "to join claims the team")
        elif cmd == "rotate-code":
            print(f"new join code: {op.act('rotate_join_code')}")
        else:  # pragma: no cover - argparse only offers the commands above
            raise WorkshopError(f"unknown action {cmd!r}")
    return 0


class _Direct:
    """The workshop through a ``Host`` on the folder, opened for writing by this command."""

    via = None

    def __init__(self, session) -> None:
        from kam_sandbox.workshop.host import Host

        self.host = Host(session)
        self.token = session.meta["facilitator_token"]

    def status(self) -> dict:
        return self.host.status(self.token)

    def act(self, action: str, **args: Any) -> Any:
        return self.host.act(self.token, action, **args)

    def submit(self, team: str, plan: dict, author: str) -> dict:
        return self.host.local_team(team).submit(plan, author)

    def team_names(self) -> dict[str, str]:
        return {t["id"]: t["name"] for t in self.host.info()["teams"]}


class _Forwarded:
    """The workshop through the running host at ``url``; ``session`` is the folder opened
    read-only, for the tokens."""

    def __init__(self, url: str, session) -> None:
        from kam_sandbox.workshop.client import FacilitatorClient

        self.via = url
        self.session = session
        self.facilitator = FacilitatorClient(url, session.meta["facilitator_token"])

    def status(self) -> dict:
        return self.facilitator.status()

    def act(self, action: str, **args: Any) -> Any:
        return self.facilitator.act(action, **args)

    def submit(self, team: str, plan: dict, author: str) -> dict:
        from kam_sandbox.workshop.client import RemoteTeamLink

        with RemoteTeamLink(self.via, self.session.team(team)["token"]) as link:
            return link.submit(plan, author)

    def team_names(self) -> dict[str, str]:
        return {t["id"]: t["name"] for t in self.status()["teams"]}

    def close(self) -> None:
        self.facilitator.close()


@contextlib.contextmanager
def _operator(folder: str) -> Iterator[_Direct | _Forwarded]:
    """The running host of ``folder`` if one answers, else the folder itself (locked)."""

    from kam_sandbox.workshop import Session
    from kam_sandbox.workshop.client import ConnectionLost, WorkshopClient, running_host

    host = running_host(folder)
    if host is not None:
        with Session.open(folder, write=False) as s:
            if host.get("session") == s.meta["id"]:
                try:
                    with WorkshopClient(host["url"]) as probe:
                        probe.info()
                except ConnectionLost:
                    pass  # not answering: fall through to the folder (whose lock decides)
                else:
                    op = _Forwarded(host["url"], s)
                    try:
                        yield op
                    finally:
                        op.close()
                    return
    with Session.open(folder) as s:
        yield _Direct(s)


def _status(folder: str) -> dict:
    """The facilitator's status: from the running host if one answers (it also knows which
    teams are online), else read from the folder without taking its lock."""

    from kam_sandbox.workshop import Session
    from kam_sandbox.workshop.client import ConnectionLost, FacilitatorClient, running_host

    with Session.open(folder, write=False) as s:
        host = running_host(folder)
        if host is not None and host.get("session") == s.meta["id"]:
            try:
                with FacilitatorClient(host["url"], s.meta["facilitator_token"]) as client:
                    return client.status()
            except ConnectionLost:
                pass
        return s.status()


def _seconds(minutes: float, extra: bool = False) -> float:
    from kam_sandbox.workshop import WorkshopError

    if not math.isfinite(minutes) or (minutes <= 0 and not extra):
        raise WorkshopError(f"--minutes must be a positive number, not {minutes:g}")
    return minutes * 60


def _timer_text(timer: dict) -> str:
    if timer["remaining"] is None:
        return "timer removed"
    left = int(round(timer["remaining"]))
    return (f"timer: {left // 60}:{left % 60:02d} left"
            + ("" if timer["running"] else " (paused)"))


def _read_plan(path: str) -> dict:
    from kam_sandbox.workshop import WorkshopError
    from kam_sandbox.workshop.session import plain_json_problem

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
    if problem := plain_json_problem(plan):  # e.g. a number too large for the engine
        raise WorkshopError(f"plan {path} cannot be used: {problem}")
    return plan


def _devices_text(st: dict) -> str:
    names = {t["id"]: t["name"] for t in st["teams"]}
    lines = ["devices:"] + [f"  {d['id']}  {names.get(d['team'], d['team'])}  {d['label']}  "
                            f"({d['via']}, {d['address'] or 'this machine'}, {d['time'][:19]})"
                            for d in st["devices"]]
    if not st["devices"]:
        lines.append("  none yet")
    if st.get("failed_joins"):
        lines += ["", f"failed join attempts: {st['failed_joins_total']} (latest last):"]
        lines += [f"  {f['time']}  {f['address'] or '?'}  {f['team']}  {f['reason']}"
                  for f in st["failed_joins"][-5:]]
    if st["requests"]:
        lines += ["", "waiting for your approval (workshop approve --request ID):"]
        lines += [f"  {r['id']}  {r['team_name']}  {r['device']}  from {r['address'] or '?'}"
                  for r in st["requests"]]
    return "\n".join(lines)


BANDS = {"excellent": "excellent", "good": "good", "fair": "fair", "weak": "needs work"}


def _status_text(st: dict) -> str:
    state = st["state"]
    timer = st.get("timer") or {}
    clock = ""
    if timer.get("remaining") is not None:
        left = int(round(timer["remaining"]))
        clock = (" · time is up" if timer["expired"] else
                 f" · {left // 60}:{left % 60:02d} left" + ("" if timer["running"] else
                                                            " (paused)"))
    lines = [f"session {st['session']} · {st['scenario']} · seed {st['seed']} · {st['mode']}",
             f"round {st['round']}/{st['rounds']} · {state}{clock} · join code "
             f"{st['join_code']}", ""]
    online = any("online" in t for t in st["teams"])  # only a running host knows
    rows = [("team", "this round", *(("online",) if online else ()), "plans", "score",
             "grade", "by round")]
    progress = {"submitted": "submitted", "drafting": "drafting", "absent": "not started"}
    for t in st["teams"]:
        sub = progress.get(t.get("progress"), "submitted" if t["submitted"] else "not started")
        if t["filled_by"]:
            sub = f"filled ({t['filled_by']})"
        played = bool(t["scores"])  # no grade before the first round is played
        rows.append((t["name"], sub, *(("yes" if t.get("online") else "no",) if online else ()),
                     str(t["submissions"]), f"{t['score']:.1f}" if played else "-",
                     BANDS.get(t.get("band"), "") if played else "-",
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
