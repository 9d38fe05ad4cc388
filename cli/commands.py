"""The headless commands of ``kam-sandbox`` (scenarios, validate, schema, simulate,
balance, sheet). Imported only when one of them runs, so the game window opens without waiting
for the engine's imports."""

from __future__ import annotations

import json
import os
import sys

from kam_sandbox.base.i18n import tr
from kam_sandbox.engine import (
    KamError,
    check_scenario,
    get_policy,
    load_scenario,
    shipped_scenarios,
)
from kam_sandbox.engine.scenario import Scenario
from kam_sandbox.engine.simulate import (
    RUN_METRICS,
    VARIANTS,
    balance,
    lesson_table,
    run,
    summarise,
)

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
    """Errors exit 1; warnings (legal but probably wrong) are printed and exit 0, unless
    --strict. --deep adds the warnings that need simulation (benchmark, spread)."""

    failed = False
    for file in args.files:
        scenario, problems = check_scenario(file)
        if scenario is not None and args.deep:
            from kam_sandbox.engine.loader import deep_problems

            problems = problems + deep_problems(file, scenario, args.runs, args.seed)
        for p in problems:
            print(p.render(args.lang))
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        if errors or (args.strict and warnings):
            failed = True
        elif not args.quiet:
            if warnings:
                key = "cli.validate.ok_warning" if len(warnings) == 1 else "cli.validate.ok_warnings"
                print(tr(key, args.lang, file=file, count=len(warnings)))
            else:
                print(tr("cli.validate.ok", args.lang, file=file))
    return 1 if failed else 0


def cmd_new(args) -> int:
    from pathlib import Path

    from kam_sandbox.engine.template import write_template

    path = write_template(args.name, args.from_id, Path(args.dir))
    print(tr("cli.new.wrote", args.lang, path=path))
    print(tr("cli.new.next", args.lang, path=path))
    return 0


def cmd_schema(args) -> int:
    from kam_sandbox.engine.template import scenario_schema

    print(json.dumps(scenario_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_sheet(args) -> int:
    """``sheet export`` writes a case as a workbook; ``sheet import`` reads one back: every
    problem as BOOK.xlsx:Sheet!CELL: message, errors exit 1 and write nothing."""
    from pathlib import Path

    from kam_sandbox.authoring.sheets import MARKER, export_workbook, import_workbook
    from kam_sandbox.base.i18n import system_language, tr
    from kam_sandbox.base.storage import write_atomically
    from kam_sandbox.engine.template import write_schema

    lang = args.lang or system_language()
    if args.sheet_command is None:
        raise KamError(tr("sheet.choose_action", lang))
    if args.sheet_command == "export":
        book = Path(args.book)
        if book.exists() and not args.force:
            raise KamError(tr("sheet.exists_book", lang, path=book))
        sheets = export_workbook(_scenario(args.scenario), book, lang)
        print(tr("sheet.wrote_book", lang, path=book, sheets=sheets))
        return 0
    book = Path(args.book)
    result = import_workbook(book, lang, args.book)
    for problem in result.problems:
        print(problem)
    if result.text is None:
        print(tr("sheet.not_written", lang, book=args.book, n=len(result.errors)),
              file=sys.stderr)
        return 1
    target = Path(args.output) if args.output else book.with_name(f"{result.case_id}.yaml")
    if target.exists() and not args.force and MARKER not in target.read_text(
        encoding="utf-8", errors="replace"
    )[:2000]:
        raise KamError(tr("sheet.exists_yaml", lang, path=target))
    write_atomically(target, result.text.encode("utf-8"))
    write_schema(target.parent, target)
    print(tr("sheet.wrote_yaml", lang, path=target))
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
        raise KamError(tr("cli.error.runs", args.lang))
    if not 0 <= args.seed < 2**62:
        raise KamError(tr("cli.error.seed", args.lang))
    return list(range(args.seed, args.seed + args.runs))


def _fmt(metric: str, value: float) -> str:
    if metric in ("profit", "revenue", "bad_debt"):
        return f"{value:,.0f}"
    if metric in ("retention", "share_of_wallet", "margin", "bad_debt_ratio", "coverage", "hhi"):
        return f"{value:.3f}"
    return f"{value:.2f}"


def _num(value: float) -> str:
    """A lesson difference: money-sized numbers with separators, small ones with decimals."""

    return f"{value:+,.0f}" if abs(value) >= 1000 else f"{value:+.2f}"


def _played(sc: Scenario, args) -> dict:
    """What every --json output starts with: the case and the seeds it was played on."""
    return {"scenario": sc.id, "version": sc.version, "runs": args.runs, "seed": args.seed}


def cmd_simulate(args) -> int:
    sc = _scenario(args.scenario)
    policy = get_policy(args.policy)
    seeds = _seeds(args)
    res = run(sc, policy, seeds, Progress(len(seeds), args.policy))
    summary = {m: summarise(v) for m, v in res.items()}
    if args.json:
        out = {
            **_played(sc, args),
            "policy": args.policy,
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


def write_html_report(args, sc: Scenario, seeds: list[int], res, lessons: list[dict]) -> None:
    """The HTML report at ``--html``: it names what changed since the report it replaces."""
    import datetime
    from pathlib import Path

    from kam_sandbox.authoring.changes import read_previous
    from kam_sandbox.authoring.report import html_report
    from kam_sandbox.engine.per_account import account_outcomes
    from kam_sandbox.engine.simulate import SENSITIVITY_PARAMS, lesson_policies, sensitivity

    s_seeds = seeds[:100]
    steps = len(s_seeds) * 2 * (1 + 2 * len(SENSITIVITY_PARAMS))
    sens = sensitivity(sc, s_seeds, jobs=args.jobs, progress=Progress(steps, "sensitivity"))
    # Per account: every strategy shown, and both sides of each failing lesson check.
    known = lesson_policies()
    wanted = list(res) + [name for x in lessons if x["holds"] is False
                          for name in (x["reference"], x["variant"])]
    accounts = {name: account_outcomes(sc, known.get(name) or get_policy(name), s_seeds)
                for name in dict.fromkeys(wanted)}
    html = html_report(sc, res, lessons, sens, seeds, lang=args.lang,
                       date=datetime.date.today().isoformat(), scenario_ref=args.scenario,
                       accounts=accounts, html_ref=args.html, previous=read_previous(args.html))
    Path(args.html).write_text(html, encoding="utf-8")
    print(tr("cli.balance.wrote", args.lang, path=args.html), file=sys.stderr)


def cmd_balance(args) -> int:
    sc = _scenario(args.scenario)
    seeds = _seeds(args)
    from kam_sandbox.engine.policies import POLICIES

    policies = dict(POLICIES)
    for ref in args.policy or []:
        get_policy(ref)  # a clear error now rather than in a worker
        policies[ref] = ref  # by name, so worker processes can import it too
    # The lessons compare strategies with their own variants: played on the same seeds.
    runs = {**policies, **{k: v for k, v in VARIANTS.items() if k not in policies}}
    progress = Progress(len(seeds) * len(runs), "balance")
    every = balance(sc, seeds, runs, progress, jobs=args.jobs)
    lessons = lesson_table(every, sc)
    res = {name: every[name] for name in policies}
    if args.html:
        write_html_report(args, sc, seeds, res, lessons)
    if args.json:
        out = {
            **_played(sc, args),
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
    print_lessons(lessons, args.lang)
    return 0


def cmd_calibrate(args) -> int:
    from kam_sandbox.engine.calibrate import calibrate

    sc = _scenario(args.scenario)
    seeds = _seeds(args)
    if args.jobs < 0:
        raise KamError("--jobs must be 0 (one per CPU) or more")
    jobs = args.jobs or (os.cpu_count() or 1)
    out = calibrate(sc, seeds, strategy=args.strategy, jobs=jobs)
    if args.json:
        print(json.dumps({**_played(sc, args), **out}, ensure_ascii=False))
        return 0
    print_facts(sc, args, out)
    return 0


def _fact_number(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if percent else f"{value:.2f}"


def print_facts(sc: Scenario, args, out: dict) -> None:
    """The calibration table in the user's language: each fact, its value and its target."""

    lang = args.lang
    print(tr("cli.calibrate.header", lang, scenario=sc.id, version=sc.version,
             runs=args.runs, seed=args.seed, strategy=out["strategy"]))
    fact_h, value_h, target_h, source_h = tr("cli.calibrate.columns", lang).split("|")
    title_w = 52
    print(f"  {'':6} {_pad(fact_h, title_w)}{value_h:>9}  {_pad(target_h, 16)}  {source_h}")
    for row in out["facts"]:
        mark = {True: "ok", False: "FAIL", None: tr("cli.calibrate.na", lang)}[row["ok"]]
        lo, hi = (None if t is None else _fact_number(t, row["percent"]) for t in row["target"])
        target = f"≥ {lo}" if hi is None else f"≤ {hi}" if lo is None else f"{lo} – {hi}"
        title = tr(f"calibrate.{row['id']}", lang)
        tail = row.get("reason") if row["ok"] is None else row["source"]
        value = _fact_number(row["value"], row["percent"])
        print(f"  [{_pad(mark, 4)}] {_pad(title, title_w)}{value:>9}  "
              f"{_pad(target, 16)}  {tail}")
    rows = out["facts"]
    print(tr("cli.calibrate.summary", lang, ok=sum(r["ok"] is True for r in rows),
             total=len(rows), na=sum(r["ok"] is None for r in rows)))


def _pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns: a Chinese character takes two."""

    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - cols, 0)


def print_lessons(lessons: list[dict], lang: str = "en") -> None:
    """The lesson table: each check's paired difference, its 95 % CI and the verdict, with
    its words in ``lang`` (ids and strategy names stay as ``--json`` gives them)."""

    from kam_sandbox.base.i18n import tr
    from kam_sandbox.engine.messages import render

    units = {"score": tr("cli.lessons.points", lang), "profit": "%", "bad_debt": ""}
    marks = {True: "ok", False: "FAIL", None: "n/a"}
    print(f"  {'':6} {_pad(tr('cli.lessons.lesson', lang), 26)}"
          f"{tr('cli.lessons.diff', lang):>14}{'95 % CI':>30}{tr('cli.lessons.seeds', lang):>7}"
          f"  {tr('cli.lessons.pair', lang)}")
    for row in lessons:
        mark = marks[row["holds"]]
        if row["holds"] is None:
            print(f"  [{mark:>4}] {row['id']:<26}{'':>51}  {render(row['reason'], lang)}")
            continue
        unit = units[row["measure"]]
        lo, hi = row["ci95"]
        print(f"  [{mark:>4}] {row['id']:<26}{_num(row['diff']):>10} {_pad(unit, 3)}"
              f"{'[' + _num(lo) + ', ' + _num(hi) + ']':>30}{row['share_of_seeds']:>7.0%}"
              f"  {row['reference']} vs {row['variant']} "
              f"({tr('cli.lessons.measure.' + row['measure'], lang)})")


def cmd_probe(args) -> int:
    """``probe``: per scenario, the degenerate bank and a searched strategy against expert;
    with ``--targets``, the scorecard calibrated to expert (``--write`` puts it in the
    file); with ``--expert-style``, one style searched over all the scenarios given (how
    ``EXPERT_STYLE`` is re-derived). ``--json``: one object per scenario, one per line."""

    held_out = _seeds(args)
    if not args.targets:
        for flag in ("train", "iterations", "population"):
            if getattr(args, flag) < (2 if flag == "population" else 1):
                raise KamError(f"--{flag} is too small")
        if args.train > args.seed:
            raise KamError("--train seeds (from 0) would overlap the held-out seeds from "
                           "--seed")
    scenarios = [(ref, _scenario(ref)) for ref in args.scenario]
    if args.expert_style:
        return _probe_expert_style(args, [sc for _, sc in scenarios], held_out)
    for ref, sc in scenarios:
        if args.targets:
            _probe_targets(args, ref, sc, held_out)
        else:
            _probe_one(args, sc, held_out)
    return 0


def _probe_expert_style(args, scenarios: list[Scenario], held_out: list[int]) -> int:
    from kam_sandbox.engine.probe import search_expert_style

    lang = args.lang
    found = search_expert_style(scenarios, held_out, range(args.train),
                                iterations=args.iterations, population=args.population,
                                jobs=args.jobs)
    if args.json:
        print(json.dumps({"runs": args.runs, "seed": args.seed, **found}, ensure_ascii=False))
        return 0
    print(tr("cli.probe.style_header", lang, n=len(scenarios), train=args.train,
             iterations=args.iterations, population=args.population))
    print(found["literal"])
    print(tr("cli.probe.style_columns", lang, runs=args.runs, seed=args.seed))
    for case in found["cases"]:
        e, n = case["gap_to_expert"], case["gap_to_needs"]
        print(f"  {case['scenario']:<14}{e['mean']:>+8.1f} [{e['ci95'][0]:+.1f}, "
              f"{e['ci95'][1]:+.1f}]{n['mean']:>+10.1f} [{n['ci95'][0]:+.1f}, {n['ci95'][1]:+.1f}]")
    return 0


def _probe_one(args, sc: Scenario, held_out: list[int]) -> None:
    from kam_sandbox.engine.probe import probe

    lang = args.lang
    report = probe(sc, held_out, range(args.train), iterations=args.iterations,
                   population=args.population, jobs=args.jobs)
    if args.json:
        print(json.dumps({**_played(sc, args), **report}, ensure_ascii=False))
        return
    print(tr("cli.probe.header", lang, scenario=sc.id, version=sc.version, runs=args.runs,
             seed=args.seed, iterations=args.iterations, population=args.population,
             train=args.train))
    print(tr("cli.probe.expert", lang, grade=f"{report['expert']['grade']:.1f}",
             open=f"{report['expert']['open_score']:.1f}"))
    print(tr("cli.probe.columns", lang))
    verdict = {True: tr("cli.probe.verdict_ok", lang), False: tr("cli.probe.verdict_fail", lang)}
    for row in report["strategies"]:
        gap = row["open_gap"]
        print(f"  [{verdict[row['ok']]:>4}] {row['id']:<26}{row['grade']:>7.1f}"
              f"{gap['mean']:>+9.1f} [{gap['ci95'][0]:+.1f}, {gap['ci95'][1]:+.1f}]"
              f"{row['profit_gap_pct']:>+9.1f} %")
        done = ", ".join(f"{k} {_num(v).lstrip('+')}" for k, v in row["played"].items() if v)
        print(f"         {tr('cli.probe.played', lang)}: "
              f"{done or tr('cli.probe.played_nothing', lang)}")
    changed = ", ".join(f"{k}={v:g}" for k, v in report["search"]["changed"].items())
    print(tr("cli.probe.changed", lang, changed=changed or "—"))
    print()
    print(tr("cli.probe.ablation", lang))
    for row in report["ablation"]:
        title = row["title_zh"] if lang == "zh" else row["title"]
        if row["ok"] is None:
            print(f"  [ n/a] {row['id']:<24} {row['reason']}")
            continue
        cost = row["cost"]
        print(f"  [{verdict[row['ok']]:>4}] {row['id']:<24}{cost['mean']:>+8.1f} "
              f"[{cost['ci95'][0]:+.1f}, {cost['ci95'][1]:+.1f}]  {title}")
    print()


def _probe_targets(args, ref: str, sc: Scenario, seeds: list[int]) -> None:
    from kam_sandbox.engine.loader import resolve
    from kam_sandbox.engine.targets import rewrite_scorecard, suggest_targets

    lang = args.lang
    rows = suggest_targets(sc, seeds)
    if args.write:
        from kam_sandbox.base.storage import write_atomically

        # The real file, not a link to it (an editable install links the shipped cases): an
        # atomic write would replace the link and leave the file unchanged.
        path = resolve(ref).resolve()
        if not path.is_file():
            raise KamError(tr("cli.probe.not_a_file", lang, ref=ref))
        text = rewrite_scorecard(path.read_text(encoding="utf-8"), rows)
        write_atomically(path, text.encode("utf-8"))
    if args.json:
        print(json.dumps({**_played(sc, args), "scorecard": rows}, ensure_ascii=False))
    else:
        print(tr("cli.probe.targets_header", lang, scenario=sc.id, runs=args.runs,
                 seed=args.seed))
        print(tr("cli.probe.targets_columns", lang))
        for r in rows:
            def num(v: float, m: str = r["metric"]) -> str:
                return f"{v:,.0f}" if m in ("profit", "revenue") else f"{v:.4g}"

            print(f"  {r['metric']:<16}{r['weight']:>6g}  {num(r['floor']):>12} "
                  f"({num(r['old_floor'])})  {num(r['target']):>12} ({num(r['old_target'])})"
                  f"  {num(r['expert_mean']):>12}")
    if args.write:
        print(tr("cli.probe.wrote", lang, path=path), file=sys.stderr)
