"""docs/facilitator-guide.md and its Chinese twin stay true.

- every ```yaml block that is not marked ``# fragment`` on its first line is a complete
  scenario that validates (fragments must at least parse);
- every ``kam-sandbox <command> [--option]`` the guides mention exists in the CLI parser.
  Commands and options that other work is still adding (``new``, ``--html``, ``--deep``,
  ``--jobs``, and ``new``'s own options) are skipped until the parser knows them; anything
  else unknown, such as a typo, fails;
- both files have the same sections (same numbered ``##``/``###`` headings);
- relative links (files and ``#anchors``) resolve;
- every ``FILE:LINE:COL: …`` line quoted from a file in tests/data is what the validator
  prints for that file today.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml

from kam_sandbox.cli import build_parser
from kam_sandbox.engine.loader import check_scenario
from kam_sandbox.engine.policies import POLICIES
from kam_sandbox.engine.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DATA = ROOT / "tests" / "data"
GUIDES = {"en": DOCS / "facilitator-guide.md", "zh": DOCS / "facilitator-guide.zh.md"}
TEXTS = {lang: path.read_text(encoding="utf-8") for lang, path in GUIDES.items()}

# A fenced block: ```lang at the start of a line, its body, then ``` at the start of a line.
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)

#: Not in the parser yet while this test was written; skipped (not failed) until they are.
PLANNED_COMMANDS = {"new"}
PLANNED_OPTIONS = {"--html", "--deep", "--jobs"}


def blocks(text: str) -> list[tuple[str, str]]:
    return _FENCE.findall(text)


def prose(text: str) -> str:
    """The text outside fenced blocks."""
    return _FENCE.sub("", text)


def is_fragment(body: str) -> bool:
    first = next((line for line in body.splitlines() if line.strip()), "")
    return first.strip().startswith("# fragment")


def yaml_blocks(kind: str) -> list[tuple[str, int, str]]:
    out = []
    for lang, text in TEXTS.items():
        bodies = [body for tag, body in blocks(text) if tag == "yaml"]
        for i, body in enumerate(bodies):
            if is_fragment(body) == (kind == "fragment"):
                out.append((lang, i, body))
    return out


COMPLETE = yaml_blocks("complete")
FRAGMENTS = yaml_blocks("fragment")


def test_guides_have_complete_scenarios_and_fragments() -> None:
    for lang in GUIDES:
        assert any(b[0] == lang for b in COMPLETE), f"{lang}: no complete scenario to check"
        assert any(b[0] == lang for b in FRAGMENTS), f"{lang}: no fragment"


@pytest.mark.parametrize(("lang", "index", "body"), COMPLETE,
                         ids=[f"{lang}-yaml{i}" for lang, i, _ in COMPLETE])
def test_complete_yaml_validates(lang: str, index: int, body: str, tmp_path: Path) -> None:
    path = tmp_path / "guide-example.yaml"
    path.write_text(body, encoding="utf-8")
    scenario, problems = check_scenario(path)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []
    assert isinstance(scenario, Scenario)


@pytest.mark.parametrize(("lang", "index", "body"), FRAGMENTS,
                         ids=[f"{lang}-fragment{i}" for lang, i, _ in FRAGMENTS])
def test_fragment_parses(lang: str, index: int, body: str) -> None:
    yaml.safe_load(body)


def test_both_languages_share_a_scenario() -> None:
    """The complete examples are the same cases in both files (comments may differ)."""
    def cases(lang: str) -> list[dict]:
        return sorted((yaml.safe_load(b) for la, _, b in COMPLETE if la == lang),
                      key=lambda d: d["id"])

    assert cases("en") == cases("zh")


# --- headings ---------------------------------------------------------------------------


def headings(text: str, level: int) -> list[str]:
    return re.findall(rf"^{'#' * level} (.*)$", prose(text), re.M)


def numbers(text: str) -> list[str]:
    return [
        m.group(1)
        for h in headings(text, 2) + headings(text, 3)
        if (m := re.match(r"(\d+(?:\.\d+)*)", h))
    ]


def test_same_number_of_sections() -> None:
    assert len(headings(TEXTS["en"], 2)) == len(headings(TEXTS["zh"], 2))
    assert len(headings(TEXTS["en"], 3)) == len(headings(TEXTS["zh"], 3))


def test_headings_are_matched() -> None:
    en, zh = numbers(TEXTS["en"]), numbers(TEXTS["zh"])
    assert en == zh
    assert len(en) >= 7


# --- commands ---------------------------------------------------------------------------


def code_texts(text: str) -> list[str]:
    """Inline code spans of the prose and the bodies of every fenced block."""
    return re.findall(r"`([^`\n]+)`", prose(text)) + [body for _, body in blocks(text)]


def mentions() -> list[tuple[str, tuple[str, ...], str]]:
    """Every ``kam-sandbox`` invocation quoted in code: (command, options, source line)."""
    found = []
    for text in TEXTS.values():
        for code in code_texts(text):
            for line in code.splitlines():
                for segment in re.split(r"(?<![\w/.-])kam-sandbox(?![\w-])", line)[1:]:
                    segment = re.split(r"\s#|&&|\|\||[|;]", segment)[0]
                    tokens = segment.split()
                    if not tokens:
                        continue
                    word = tokens[0].strip("[](){}'\",.:")
                    if word.startswith("-"):
                        word = ""  # an option of kam-sandbox itself
                    elif not re.fullmatch(r"[a-z][a-z-]*", word):
                        continue  # a placeholder or prose after the name
                    rest = segment if not word else segment.split(word, 1)[1]
                    options = tuple(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", rest))
                    found.append((word, options, line.strip()))
    return found


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """A command's options, with those of its own sub-commands (`sheet import -o`)."""
    own = {s for action in parser._actions for s in action.option_strings}
    for sub in _subparsers(parser).values():
        own |= _options(sub)
    return own


MENTIONS = mentions()
CHECKS = sorted({(word, opt) for word, opts, _ in MENTIONS for opt in (None, *opts)},
                key=lambda c: (c[0], c[1] or ""))


def test_guides_mention_commands() -> None:
    words = {word for word, _, _ in MENTIONS}
    assert {"validate", "balance", "simulate", "play", "new"} <= words


@pytest.mark.parametrize(("word", "option"), CHECKS,
                         ids=[f"{w or 'kam-sandbox'} {o or ''}".strip() for w, o in CHECKS])
def test_mentioned_command_exists(word: str, option: str | None) -> None:
    parser = build_parser()
    subs = _subparsers(parser)
    where = [line for w, opts, line in MENTIONS if w == word and (option is None or option in opts)]
    if word and word not in subs:
        if word in PLANNED_COMMANDS:
            pytest.skip(f"`kam-sandbox {word}` is not in the parser yet")
        pytest.fail(f"unknown command `kam-sandbox {word}` in: {where[0]!r}; "
                    f"known: {', '.join(sorted(subs))}")
    if option is None:
        return
    known = _options(subs[word] if word else parser)
    if option in known:
        return
    if option in PLANNED_OPTIONS or word in PLANNED_COMMANDS:
        pytest.skip(f"`kam-sandbox {word} {option}` is not in the parser yet")
    pytest.fail(f"unknown option {option} of `kam-sandbox {word}` in: {where[0]!r}; "
                f"known: {', '.join(sorted(known))}")


def test_mentioned_policies_exist() -> None:
    for text in TEXTS.values():
        for code in code_texts(text):
            for name in re.findall(r"--policy[ =]([\w:.-]+)", code):
                if ":" not in name and name.upper() != name:
                    assert name in POLICIES, f"unknown policy {name!r}"


# --- links ------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = prose(path.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#{1,6} (.*)$", text, re.M)}


@pytest.mark.parametrize("lang", list(GUIDES))
def test_relative_links_resolve(lang: str) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(TEXTS[lang])):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        path = (GUIDES[lang].parent / file).resolve() if file else GUIDES[lang]
        exists = path.exists()
        if not exists or (anchor and path.suffix == ".md" and anchor not in anchors(path)):
            broken.append(target)
    assert broken == []


# --- quoted validator output -------------------------------------------------------------


def quoted_problems() -> list[tuple[str, str, str]]:
    """(language, fixture, line) for every quoted problem line whose file is in tests/data:
    each guide quotes the validator in its own language."""
    out = []
    for lang, text in TEXTS.items():
        for tag, body in blocks(text):
            if tag not in ("text", ""):
                continue
            for line in body.splitlines():
                m = re.match(r"([\w.-]+\.yaml):\d+:\d+: ", line)
                if m and (DATA / m.group(1)).is_file():
                    out.append((lang, m.group(1), line))
    return sorted(set(out))


QUOTED = quoted_problems()


def test_guides_quote_real_messages() -> None:
    assert len(QUOTED) >= 10


@pytest.mark.parametrize(("lang", "fixture", "line"), QUOTED,
                         ids=[f"{lang}:{line[:60]}" for lang, _, line in QUOTED])
def test_quoted_message_is_what_validate_prints(lang: str, fixture: str, line: str) -> None:
    _, problems = check_scenario(DATA / fixture)
    printed = [p.render(lang).replace(f"{DATA}/", "") for p in problems]
    assert line in printed
