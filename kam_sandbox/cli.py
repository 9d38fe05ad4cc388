"""The ``kam-sandbox`` command line. Headless commands never import pygame."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from engine import (
    KamError,
    ScenarioError,
    check_scenario,
    get_policy,
    load_scenario,
    shipped_scenarios,
)
from engine.scenario import Scenario
from engine.simulate import RUN_METRICS, balance, lesson_checks, run, summarise

BALANCE_METRICS = ("score", "profit", "revenue", "bad_debt", "satisfaction", "retention")


def _scenario(ref: str) -> Scenario:
    return load_scenario(ref)


def cmd_scenarios(args) -> int:
    rows = []
    for path in shipped_scenarios():
        sc, problems = check_scenario(path)
        if sc is None:
            rows.append({"id": path.stem, "error": str(problems[0]), "path": str(path)})
            continue
        rows.append(
            {
                "id": sc.id,
                "title": sc.title.model_dump(),
                "summary": sc.summary.model_dump(),
                "difficulty": sc.difficulty,
                "accounts": len(sc.accounts),
                "turns": sc.turns,
                "version": sc.version,
                "path": str(path),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    for r in rows:
        if "error" in r:
            print(f"{r['id']:<14} INVALID  {r['error']}")
        else:
            print(f"{r['id']:<14} {r['accounts']:>3} accounts {r['turns']:>3} quarters  "
                  f"{r['difficulty']:<6}  {r['title'][lang]}")
    return 0


def cmd_validate(args) -> int:
    failed = False
    for file in args.files:
        _, problems = check_scenario(file)
        errors = [p for p in problems if p.severity == "error"]
        for p in problems:
            print(p)
        if errors:
            failed = True
        elif not args.quiet:
            print(f"{file}: ok")
    return 1 if failed else 0


def cmd_schema(args) -> int:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "KAM Sandbox scenario"
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal."""

    def __init__(self, total: int, label: str):
        self.total, self.done, self.label = total, 0, label
        self.enabled = sys.stderr.isatty() and total >= 200

    def __call__(self, n: int) -> None:
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done}/{self.total}")
            sys.stderr.flush()
            if self.done >= self.total:
                sys.stderr.write("\n")


def _seeds(args) -> list[int]:
    if args.runs < 1:
        raise KamError("--runs must be at least 1")
    if not 0 <= args.seed < 2**62:
        raise KamError("--seed must be a whole number from 0 to 2**62")
    return list(range(args.seed, args.seed + args.runs))


def _fmt(metric: str, value: float) -> str:
    if metric in ("profit", "revenue", "bad_debt"):
        return f"{value:,.0f}"
    if metric in ("retention", "share_of_wallet", "margin", "bad_debt_ratio", "coverage", "hhi"):
        return f"{value:.3f}"
    return f"{value:.2f}"


def cmd_simulate(args) -> int:
    sc = _scenario(args.scenario)
    policy = get_policy(args.policy)
    seeds = _seeds(args)
    res = run(sc, policy, seeds, Progress(len(seeds), args.policy))
    summary = {m: summarise(v) for m, v in res.items()}
    if args.json:
        out = {
            "scenario": sc.id,
            "version": sc.version,
            "policy": args.policy,
            "runs": args.runs,
            "seed": args.seed,
            "accounts": len(sc.accounts),
            "turns": sc.turns,
            "per_run": [
                {"seed": s, **{m: float(res[m][i]) for m in RUN_METRICS}}
                for i, s in enumerate(seeds)
            ],
            "summary": summary,
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"{sc.id} v{sc.version}: policy {args.policy}, {args.runs} runs from seed {args.seed}, "
          f"{len(sc.accounts)} accounts × {sc.turns} quarters")
    print(f"{'metric':<16}{'mean':>16}{'std':>14}{'min':>16}{'max':>16}")
    for m in RUN_METRICS:
        s = summary[m]
        print(f"{m:<16}{_fmt(m, s['mean']):>16}{_fmt(m, s['std']):>14}"
              f"{_fmt(m, s['min']):>16}{_fmt(m, s['max']):>16}")
    return 0


def cmd_balance(args) -> int:
    sc = _scenario(args.scenario)
    seeds = _seeds(args)
    from engine.policies import POLICIES

    policies = dict(POLICIES)
    for ref in args.policy or []:
        policies[ref] = get_policy(ref)
    progress = Progress(len(seeds) * len(policies), "balance")
    res = balance(sc, seeds, policies, progress)
    lessons = lesson_checks(res, sc)
    if args.json:
        out = {
            "scenario": sc.id,
            "version": sc.version,
            "runs": args.runs,
            "seed": args.seed,
            "policies": {
                name: {m: summarise(r[m]) for m in BALANCE_METRICS} for name, r in res.items()
            },
            "lessons": lessons,
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"{sc.id} v{sc.version}: {args.runs} runs per policy from seed {args.seed} "
          f"(mean ± std)")
    widths = {m: {"profit": 28, "revenue": 30, "bad_debt": 26}.get(m, 18) for m in BALANCE_METRICS}
    print(f"{'policy':<12}" + "".join(f"{m:>{widths[m]}}" for m in BALANCE_METRICS))
    order = sorted(res, key=lambda p: -res[p]["score"].mean())
    for name in order:
        cells = []
        for m in BALANCE_METRICS:
            s = summarise(res[name][m])
            cells.append(f"{_fmt(m, s['mean'])} ± {_fmt(m, s['std'])}")
        print(f"{name:<12}" + "".join(f"{c:>{widths[m]}}" for c, m in zip(cells, BALANCE_METRICS)))
    print()
    for chk in lessons:
        mark = {True: "ok", False: "FAIL", None: "n/a"}[chk["holds"]]
        print(f"  [{mark:>4}] {chk['claim']}")
    return 0


def cmd_play(args) -> int:
    from pathlib import Path

    from game.main import run

    size = None
    if getattr(args, "size", None):
        try:
            w, h = (int(x) for x in args.size.lower().split("x"))
        except ValueError:
            raise KamError(f"--size must look like 1280x720, got {args.size!r}") from None
        size = (w, h)
    if getattr(args, "scenario", None):
        load_scenario(args.scenario)  # a clear error now, not a traceback in the window
    return run(
        lang=getattr(args, "lang", None),
        scenario=getattr(args, "scenario", None),
        seed=getattr(args, "seed", None),
        demo=getattr(args, "demo", False),
        policy=getattr(args, "policy", None) or "needs",
        screenshots=Path(args.screenshots) if getattr(args, "screenshots", None) else None,
        size=size,
        fullscreen=True if getattr(args, "fullscreen", False) else None,
        pace=getattr(args, "pace", None),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kam-sandbox",
        description="KAM Sandbox (大客户管理沙盘): a key-account management training game.",
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=("zh", "en"), default="en")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("validate", help="check scenario files; FILE:LINE:COL: errors")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=cmd_schema)

    for name, func, helptext in (
        ("simulate", cmd_simulate, "play headless games with one policy"),
        ("balance", cmd_balance, "every built-in policy on the same seeds"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("scenario", help="a shipped scenario id or a path to a YAML file")
        if name == "simulate":
            p.add_argument("--policy", required=True,
                           help="built-in policy name or module:function")
        else:
            p.add_argument("--policy", action="append",
                           help="add an author's policy module:function (repeatable)")
        p.add_argument("--runs", type=int, default=100)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)

    p = sub.add_parser("play", help="start the game (default when no command is given)")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language")
    p.add_argument("--scenario", help="start this scenario (id or path) straight away")
    p.add_argument("--seed", type=int, help="the world's seed (default: random)")
    p.add_argument("--demo", action="store_true",
                   help="a built-in strategy plays a whole game through the UI")
    p.add_argument("--policy", help="strategy for --demo (default: needs)")
    p.add_argument("--screenshots", metavar="DIR", help="with --demo: save every screen as PNG")
    p.add_argument("--pace", type=float, help="with --demo: seconds between moves")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720")
    p.add_argument("--fullscreen", action="store_true")
    p.set_defaults(func=cmd_play)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        args.func = cmd_play
    if "." not in sys.path:
        sys.path.insert(0, ".")  # so --policy module:function finds the author's module
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    except (KamError, ValueError) as exc:
        print(f"kam-sandbox: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
