"""kam_sandbox.engine.loader: every bad input becomes located problems, never a traceback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kam_sandbox.engine import loader
from kam_sandbox.engine.errors import Problem, ScenarioError, UnknownScenarioError
from kam_sandbox.engine.loader import check_scenario, load_scenario, resolve, shipped_scenarios
from kam_sandbox.engine.scenario import Scenario

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "minimal.yaml"


def lines(path: Path | str) -> list[str]:
    """Every problem of ``path`` as printed, with the fixture's directory left out."""
    scenario, problems = check_scenario(str(path))
    assert scenario is None
    assert all(isinstance(p, Problem) for p in problems)
    return [str(p).replace(f"{DATA}/", "") for p in problems]


def test_minimal_fixture_validates() -> None:
    scenario, problems = check_scenario(MINIMAL)
    assert problems == []
    assert isinstance(scenario, Scenario)
    assert scenario.id == "minimal"
    assert isinstance(load_scenario(MINIMAL), Scenario)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "syntax_error.yaml",
            [
                "syntax_error.yaml:7:9: the '{' on line 6 is not closed; end it with '}' on that line"
            ],
        ),
        ("yaml_bomb.yaml", ["yaml_bomb.yaml:3:4: YAML anchors (&name) are not allowed"]),
        (
            "duplicate_key.yaml",
            [
                "duplicate_key.yaml:28:5: accounts[0].wallet: duplicate key 'wallet' (first at line 27)"
            ],
        ),
        (
            "typo_key.yaml",
            [
                "typo_key.yaml:43:9: accounts[0].stakeholders[1].name: missing required key 'name'",
                "typo_key.yaml:44:9: accounts[0].stakeholders[1].nmae: unknown key 'nmae' (did you mean 'name'?)",
            ],
        ),
        (
            "wrong_type.yaml",
            ["wrong_type.yaml:27:13: accounts[0].wallet: expected a number, got 'lots'"],
        ),
        (
            "bad_literal.yaml",
            [
                "bad_literal.yaml:10:13: difficulty: invalid value 'extreme'; expected one of 'easy', 'medium', 'hard'"
            ],
        ),
        (
            "broken_refs.yaml",
            [
                "broken_refs.yaml:46:15: accounts[0].stakeholders[1].role: unknown role 'technicl' (did you mean 'technical'?)",
                "broken_refs.yaml:52:14: events[0].account: unknown account 'acmee' (did you mean 'acme'?)",
            ],
        ),
        ("empty.yaml", ["empty.yaml:1:1: file is empty"]),
        ("too_deep.yaml", ["too_deep.yaml:3:46: nested deeper than 40 levels"]),
    ],
)
def test_bad_fixture(fixture: str, expected: list[str]) -> None:
    assert lines(DATA / fixture) == expected


def test_every_problem_in_one_file_is_reported_in_order() -> None:
    assert lines(DATA / "many_problems.yaml") == [
        "many_problems.yaml:10:13: difficulty: invalid value 'extreme'; expected one of 'easy', 'medium', 'hard'",
        "many_problems.yaml:11:8: turns: must be greater than or equal to 1, got 0",
        "many_problems.yaml:27:13: accounts[0].wallet: expected a number, got 'lots'",
        "many_problems.yaml:29:7: accounts[0].needs.prise: unknown key 'prise'; expected one of 'price', "
        "'quality', 'delivery', 'support', 'innovation', 'training', 'promotion', 'relationship' "
        "(did you mean 'price'?)",
        "many_problems.yaml:43:9: accounts[0].stakeholders[1].name: missing required key 'name'",
        "many_problems.yaml:44:9: accounts[0].stakeholders[1].nmae: unknown key 'nmae' (did you mean 'name'?)",
        "many_problems.yaml:55:5: scorecard[0].target: missing required key 'target'",
    ]


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the minimal fixture with one edit."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'version: "1.0"',
            "version: 1.0",
            "4:10: version: expected text, got 1.0 (put it in quotes to make it text)",
        ),
        ("turns: 4", "turns: [4]", "11:8: turns: expected a whole number, got [4]"),
        (
            "        role: economic",
            "        role: 7",
            "41:15: accounts[0].stakeholders[0].role: expected text, got 7 (put it in quotes to make it text)",
        ),
        (
            "  - id: rival\n",
            "  - id: 1rival\n",
            "18:9: rivals[0].id: must match pattern '^[A-Za-z][A-Za-z0-9_\\-]{0,39}$', got '1rival'",
        ),
        (
            "title: {zh: 最小案例, en: Minimal case}",
            "title: {zh: '', en: Minimal case}",
            "5:13: title.zh: must not be empty",
        ),
        (
            "    type: competitor_attack",
            "    type: competitor_atack",
            "50:11: events[0].type: invalid value 'competitor_atack'; expected one of ",
        ),
        (
            "    turn: 2",
            "    turn: 9",
            "51:11: events[0].turn: turn 9 is after the last quarter (4)",
        ),
        (
            "objectives:\n  - {zh: 保住客户, en: Keep the account}",
            "objectives: []",
            "8:13: objectives: must have at least 1 item, got 0",
        ),
        (
            "    wallet: 2000000",
            "    wallet: !!python/object:os.system ls",
            "27:13: accounts[0].wallet: unsupported YAML tag '!!python/object:os.system'",
        ),
        (
            "format: 1",
            "format: 1\nformat: 1",
            "3:1: format: duplicate key 'format' (first at line 2)",
        ),
        ("format: 1", "format: 1\nx: *a", "3:4: YAML aliases (*name) are not allowed"),
        (
            "format: 1",
            "format: 1\nx: \x07",
            "3:4: unacceptable character #x0007: special characters are not allowed",
        ),
    ],
)
def test_single_edit(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = edited(tmp_path, old, new)
    problems = [str(p) for p in check_scenario(path)[1]]
    assert problems[0].startswith(f"{path}:{expected}")
    assert len(problems) == 1


def test_literal_hint(tmp_path: Path) -> None:
    path = edited(tmp_path, "    type: competitor_attack", "    type: competitor_atack")
    (problem,) = check_scenario(path)[1]
    assert problem.message.endswith("'shortage' (did you mean 'competitor_attack'?)")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "logo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert lines(path) == [f"{path}:1:1: not a UTF-8 text file (byte 0x89 here); save it as UTF-8"]
    path.write_bytes(b"format: 1\x00\x00")
    assert lines(path) == [
        f"{path}:1:10: not a UTF-8 text file (byte 0x00 at offset 9); save it as UTF-8"
    ]


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("# a list\n- format: 1\n", encoding="utf-8")
    assert lines(path) == [f"{path}:2:1: the top level must be a mapping of keys to values"]


def test_whitespace_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.yaml"
    path.write_text("\n   \n# nothing here\n", encoding="utf-8")
    assert lines(path) == [f"{path}:1:1: file is empty"]


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"format: 1\n" + b"#" * loader.MAX_BYTES)
    assert lines(path) == [f"{path}:1:1: file is too large (the limit is 2,097,152 bytes)"]


def test_deep_block_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(
        "".join("  " * i + "a:\n" for i in range(500)) + "  " * 500 + "1\n", encoding="utf-8"
    )
    assert lines(path) == [f"{path}:40:79: nested deeper than 40 levels"]


def test_deep_flow_nesting_does_not_recurse(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert lines(path) == [f"{path}:1:43: nested deeper than 40 levels"]


def test_node_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_NODES", 100)
    path = tmp_path / "wide.yaml"
    path.write_text("a: [" + "1, " * 200 + "]", encoding="utf-8")
    assert lines(path) == [f"{path}:1:296: too many YAML nodes (the limit is 100)"]


def test_missing_file_is_a_problem_for_check_and_unknown_for_load(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert lines(path) == [f"{path}:1:1: cannot read file: No such file or directory"]
    with pytest.raises(UnknownScenarioError, match="no scenario file"):
        load_scenario(str(path))


def test_load_raises_with_every_problem_and_the_path_as_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA.parent)
    with pytest.raises(ScenarioError) as info:
        load_scenario("data/many_problems.yaml")
    assert len(info.value.problems) == 7
    assert {p.file for p in info.value.problems} == {"data/many_problems.yaml"}
    assert str(info.value).splitlines()[0].startswith("data/many_problems.yaml:10:13: difficulty:")


def test_shipped_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "shipped_scenarios", lambda: [MINIMAL])
    assert resolve("minimal") == MINIMAL
    assert load_scenario("minimal").id == "minimal"
    with pytest.raises(
        UnknownScenarioError, match=r"unknown scenario 'minimel' \(did you mean 'minimal'\?\)"
    ):
        load_scenario("minimel")
    # A separator or a .yaml suffix makes it a path, never an id.
    with pytest.raises(UnknownScenarioError, match="no scenario file 'minimal.yaml'"):
        resolve("minimal.yaml")


def test_shipped_scenarios_are_sorted_yaml_files() -> None:
    found = shipped_scenarios()
    assert found == sorted(found)
    assert all(p.suffix == ".yaml" for p in found)


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenario_is_valid(path: Path) -> None:
    scenario = load_scenario(path.stem)
    assert scenario.id == path.stem


# --- no input may raise ------------------------------------------------------------------


def assert_reported(path: Path) -> None:
    scenario, problems = check_scenario(path)
    assert (scenario is None) == any(p.severity == "error" for p in problems)
    assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)
    assert problems == sorted(problems, key=lambda p: (p.line, p.column))
    assert not any(p.message.startswith("internal error") for p in problems)  # no bug of ours


@settings(max_examples=150, deadline=None)
@given(
    data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8")))
)
def test_garbage_never_raises(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "garbage.yaml"
    path.write_bytes(data)
    assert_reported(path)


YAMLISH = st.sampled_from(list(":-[]{},&*!|>'\"#%@` \n\t?") + ["a", "1", "  ", "- ", ": ", "\n  "])


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(YAMLISH, max_size=60))
def test_yamlish_garbage_never_raises(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str]
) -> None:
    path = tmp_path_factory.getbasetemp() / "yamlish.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    assert_reported(path)


def all_paths(value: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += all_paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += all_paths(item, path + (i,))
    return out


BASE = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
PATHS = all_paths(BASE)[1:]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=100, deadline=None)
@given(edits=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_mutated_scenario_never_raises(
    tmp_path_factory: pytest.TempPathFactory, edits: list
) -> None:
    data = copy.deepcopy(BASE)
    for path, value in edits:
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced this path's parent
    path = tmp_path_factory.getbasetemp() / "mutated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert_reported(path)


def test_internal_error_becomes_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scenario: Scenario):
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(loader, "cross_reference_problems", broken)
    assert lines(MINIMAL) == ["minimal.yaml:1:1: internal error while reading: RuntimeError: boom"]
