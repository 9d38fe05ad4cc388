"""The ``kam-sandbox`` command line. Headless commands never import pygame, and the game
never waits for the headless commands' imports before its window opens."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def cmd_play(args) -> int:
    from pathlib import Path

    from kam_sandbox.game.main import run

    size = None
    if getattr(args, "size", None):
        try:
            w, h = (int(x) for x in args.size.lower().split("x"))
        except ValueError:
            print(f"kam-sandbox: --size must look like 1280x720, got {args.size!r}",
                  file=sys.stderr)
            return 2
        size = (w, h)
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
        console=Path(args.console) if getattr(args, "console", None) else None,
        # bare `kam-sandbox` has no subcommand, so no `func`: it plays, like `play`
        join=(args.address or "") if getattr(args, "func", "play") == "join" else None,
    )


def cmd_preview(args) -> int:
    """Check the file as ``validate`` does; then draw it: into a PNG with ``--out`` (headless),
    else in the game window on the library. Texts cut without an ellipsis are warnings."""
    import os
    from pathlib import Path

    from kam_sandbox.base.i18n import set_language, tr
    from kam_sandbox.engine import check_scenario, load_scenario, shipped_scenarios

    path = Path(args.file)
    if path.is_file():
        scenario, problems = check_scenario(path)
        for p in problems:
            print(p.render(args.lang))
        if scenario is None or any(p.severity == "error" for p in problems):
            return 1
    else:  # a shipped id: its problems were the shipper's
        scenario = load_scenario(args.file)
        path = next(p for p in shipped_scenarios() if p.stem == scenario.id)
    if not args.out:
        from kam_sandbox.game.main import run

        return run(lang=args.lang, preview=path)
    os.environ["SDL_VIDEODRIVER"] = "dummy"  # never a window for a file
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from kam_sandbox.game.app import App
    from kam_sandbox.game.preview import capture, write_sheet

    set_language(args.lang)
    app = App()
    try:
        preview = capture(app, path, scenario)
        out = write_sheet(preview, Path(args.out))
    finally:
        app.close()
    for where in preview.cut:
        print(tr("cli.preview.cut", args.lang, file=args.file, where=where))
    if not preview.cut:
        print(tr("cli.preview.all_fit", args.lang, file=args.file))
    print(tr("cli.preview.wrote", args.lang, path=out, frames=len(preview.frames)))
    return 0


def argv_language(argv: Sequence[str]) -> str:
    """The language ``--lang zh|en`` on the command line asks for, else the system's."""
    from kam_sandbox.base.i18n import LANGUAGES, system_language

    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGUAGES:
            return value
    return system_language()


def _translated(lang: str) -> type[argparse.HelpFormatter]:
    """A help formatter whose "usage:" is in ``lang``."""
    from kam_sandbox.base.i18n import tr

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
            super().add_usage(usage, actions, groups, tr("cli.usage", lang))

    return Formatter


def _add_authoring(sub, lang: str) -> None:
    """validate, new, preview, schema, simulate, balance, probe, calibrate: the author's
    commands, helped in ``lang``."""
    from kam_sandbox.base.i18n import tr

    def t(key: str) -> str:
        return tr(key, lang).replace("%", "%%")  # argparse formats help with %

    def command(name: str, key: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=t(key), description=t(key), add_help=False,
                           formatter_class=_translated(lang))
        p._positionals.title = tr("cli.positionals", lang)
        p._optionals.title = tr("cli.options", lang)
        p.add_argument("-h", "--help", action="help", help=t("cli.help"))
        return p

    p = command("validate", "cli.validate")
    p.add_argument("files", nargs="+", metavar="FILE", help=t("cli.validate.files"))
    p.add_argument("-q", "--quiet", action="store_true", help=t("cli.validate.quiet"))
    p.add_argument("--strict", action="store_true", help=t("cli.validate.strict"))
    p.add_argument("--deep", action="store_true", help=t("cli.validate.deep"))
    p.add_argument("--runs", type=int, default=60, help=t("cli.validate.runs"))
    p.add_argument("--seed", type=int, default=1, help=t("cli.validate.seed"))
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="validate")

    p = command("new", "cli.new")
    p.add_argument("name", help=t("cli.new.name"))
    p.add_argument("--from", dest="from_id", metavar="ID", help=t("cli.new.from"))
    p.add_argument("--dir", default=".", help=t("cli.new.dir"))
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="new")

    p = command("preview", "cli.preview")
    p.add_argument("file", metavar="FILE", help=t("cli.preview.file"))
    p.add_argument("--out", metavar="PNG", help=t("cli.preview.out"))
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="preview")

    p = command("schema", "cli.schema")
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="schema")

    for name in ("simulate", "balance"):
        p = command(name, f"cli.{name}")
        p.add_argument("scenario", help=t("cli.scenario"))
        if name == "simulate":
            p.add_argument("--policy", required=True, help=t("cli.simulate.policy"))
            p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
        else:
            p.add_argument("--policy", action="append", help=t("cli.balance.policy"))
            p.add_argument("--html", metavar="FILE", help=t("cli.balance.html"))
            p.add_argument("--jobs", type=int, default=1, help=t("cli.balance.jobs"))
            p.add_argument("--lang", choices=("zh", "en"), help=t("cli.balance.lang"))
        p.add_argument("--runs", type=int, default=100, help=t("cli.runs"))
        p.add_argument("--seed", type=int, default=1, help=t("cli.seed"))
        p.add_argument("--json", action="store_true", help=t("cli.json"))
        p.set_defaults(func=name)
    _add_probe(command, t)
    _add_calibrate(command, t)


def _add_probe(command, t) -> None:
    p = command("probe", "cli.probe")
    p.add_argument("scenario", nargs="+", help=t("cli.probe.scenarios"))
    p.add_argument("--runs", type=int, default=200, help=t("cli.probe.runs"))
    p.add_argument("--seed", type=int, default=10001, help=t("cli.probe.seed"))
    p.add_argument("--train", type=int, default=32, help=t("cli.probe.train"))
    p.add_argument("--iterations", type=int, default=6, help=t("cli.probe.iterations"))
    p.add_argument("--population", type=int, default=12, help=t("cli.probe.population"))
    p.add_argument("--jobs", type=int, default=1, help=t("cli.balance.jobs"))
    p.add_argument("--targets", action="store_true", help=t("cli.probe.targets"))
    p.add_argument("--write", action="store_true", help=t("cli.probe.write"))
    p.add_argument("--expert-style", action="store_true", help=t("cli.probe.expert_style"))
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="probe")


def _add_calibrate(command, t) -> None:
    p = command("calibrate", "cli.calibrate")
    p.add_argument("scenario", help=t("cli.scenario"))
    p.add_argument("--strategy", default="expert", help=t("cli.calibrate.strategy"))
    p.add_argument("--runs", type=int, default=100, help=t("cli.runs"))
    p.add_argument("--seed", type=int, default=1, help=t("cli.seed"))
    p.add_argument("--jobs", type=int, default=1, help=t("cli.balance.jobs"))
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p.add_argument("--lang", choices=("zh", "en"), help=t("cli.lang"))
    p.set_defaults(func="calibrate")


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The whole command line; the authoring commands' help is in ``lang``."""
    parser = argparse.ArgumentParser(
        prog="kam-sandbox",
        description="KAM Sandbox (大客户管理沙盘): a key-account management training game.",
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=("zh", "en"), default="en")
    p.set_defaults(func="scenarios")

    _add_authoring(sub, lang)

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
    p.add_argument("--console", metavar="DIR",
                   help="open the facilitator console on the workshop session in DIR")
    p.set_defaults(func="play")

    p = sub.add_parser("join", help="join a workshop on the local network as a team")
    p.add_argument("address", nargs="?", metavar="HOST:PORT",
                   help="the address the facilitator shows (ask in the menu if omitted)")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720")
    p.add_argument("--fullscreen", action="store_true")
    p.set_defaults(func="join")

    p = sub.add_parser("sheet", help="a scenario as an Excel workbook: export, edit, import")
    p.set_defaults(func="sheet", sheet_command=None)
    sheets = p.add_subparsers(dest="sheet_command", metavar="ACTION")
    q = sheets.add_parser("export", help="write a case as a workbook (.xlsx) to edit")
    q.add_argument("scenario", help="a shipped scenario id or a path to a YAML file")
    q.add_argument("book", metavar="BOOK.xlsx")
    q.add_argument("--force", action="store_true", help="overwrite BOOK.xlsx if it exists")
    q.add_argument("--lang", choices=("zh", "en"), help="language of the cell comments")
    q = sheets.add_parser("import", help="turn an edited workbook into a scenario YAML file; "
                                          "problems as BOOK.xlsx:Sheet!C7: message")
    q.add_argument("book", metavar="BOOK.xlsx")
    q.add_argument("-o", "--output", metavar="FILE.yaml",
                   help="where to write (default: the case id + .yaml beside the workbook)")
    q.add_argument("--force", action="store_true",
                   help="overwrite FILE.yaml even if sheet import did not write it")
    q.add_argument("--lang", choices=("zh", "en"), help="language of the messages")

    from . import workshop_cli

    workshop_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = argv_language(argv)
    args = build_parser(lang).parse_args(argv)
    command = args.func if args.command else "play"
    if command in ("play", "join"):
        return cmd_play(args)
    if command in ("validate", "new", "preview", "schema", "simulate", "balance",
                   "probe", "calibrate"):
        args.lang = args.lang or lang  # the system's language unless --lang forces one
    if "." not in sys.path:
        sys.path.insert(0, ".")  # so --policy module:function finds the author's module
    from kam_sandbox.engine import KamError, ScenarioError

    from . import commands

    try:
        if command == "workshop":
            from . import workshop_cli

            return workshop_cli.run(args)
        if command == "preview":
            return cmd_preview(args)
        return getattr(commands, f"cmd_{command}")(args)
    except ScenarioError as exc:
        print(exc.render(getattr(args, "lang", None) or "en"), file=sys.stderr)
        return 1
    except (KamError, ValueError) as exc:
        from kam_sandbox.engine.messages import render

        said = render(exc.args[0], getattr(args, "lang", None) or lang) if exc.args else exc
        print(f"kam-sandbox: {said}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
