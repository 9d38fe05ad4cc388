"""The workshop docs stay true: every command they show parses, and every workshop command
the CLI has is in the README."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kam_sandbox.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "workshop-guide.md",
        ROOT / "docs" / "workshop-guide.zh.md"]


def commands(path: Path) -> list[str]:
    """``kam-sandbox workshop …`` and ``kam-sandbox join …`` lines: in indented code blocks,
    and in backticks unless they show a syntax ([optional], a|b, …) rather than a command."""

    text = path.read_text(encoding="utf-8")
    found = [m.group(1) for m in re.finditer(r"^    (?:\S+=\S+ )?(kam-sandbox .+)$", text, re.M)]
    prose = "\n".join(line for line in text.splitlines() if not line.startswith("|"))
    found += [c for c in re.findall(r"`(kam-sandbox [^`]+)`", prose)  # tables show syntax
              if not re.search(r"\[|\.\.\.|…|\|", c)]
    cleaned = []
    for line in found:
        line = line.split("#")[0].split(" && ")[0].strip().rstrip("&").strip()
        if line.startswith(("kam-sandbox workshop", "kam-sandbox join")):
            cleaned.append(line)
    return cleaned


CASES = [(p.name, c) for p in DOCS for c in commands(p)]


def test_the_docs_show_workshop_commands():
    names = {name for name, _ in CASES}
    assert {"README.md", "workshop-guide.md", "workshop-guide.zh.md"} <= names
    assert len(CASES) >= 10


@pytest.mark.parametrize("doc, command", CASES)
def test_every_shown_command_parses(doc, command):
    argv = shlex.split(command)[1:]
    build_parser().parse_args(argv)  # SystemExit (exit 2) on an unknown option or action


def test_the_readme_names_every_workshop_command():
    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.choices)
    workshop = sub.choices["workshop"]
    actions = next(a for a in workshop._subparsers._group_actions if a.choices).choices
    readme = DOCS[0].read_text(encoding="utf-8")
    section = readme.split("## Running a workshop")[1].split("\n## ")[0]
    spans = re.findall(r"`([^`]+)`", section)  # as a command, not just a word in the prose
    missing = [a for a in actions
               if not any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", sp) for sp in spans)]
    assert not missing, f"README's workshop section does not show: {missing}"


def test_the_cli_lists_every_built_in_strategy():
    from kam_sandbox.engine import POLICIES
    from kam_sandbox.workshop_cli import POLICY_NAMES

    assert set(POLICY_NAMES) == set(POLICIES)
