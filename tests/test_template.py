"""kam_sandbox.engine.template: `kam-sandbox new` writes a starter or a copy of a shipped scenario."""

from __future__ import annotations

import json
from argparse import Namespace
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from kam_sandbox.engine import check_scenario, load_scenario
from kam_sandbox.engine.errors import KamError, UnknownScenarioError
from kam_sandbox.engine.lint import lint_balance
from kam_sandbox.engine.scenario import Scenario
from kam_sandbox.engine.template import (
    SCHEMA_FILE,
    SCHEMA_LINE,
    scenario_schema,
    starter_text,
    write_template,
)


def test_starter_is_packaged_and_validates_without_any_problem() -> None:
    path = Path(str(files("kam_sandbox.engine").joinpath("templates").joinpath("starter.yaml")))
    scenario, problems = check_scenario(path)
    assert [str(p) for p in problems] == []
    assert scenario is not None and scenario.id == "starter"
    assert '"kam_sandbox.engine" = ["templates/*.yaml"]' in (
        Path(__file__).parent.parent / "pyproject.toml"
    ).read_text(encoding="utf-8")


def test_starter_shows_every_section_with_four_accounts() -> None:
    text = starter_text()
    assert text.splitlines()[0] == SCHEMA_LINE
    data = yaml.safe_load(text)
    assert set(data) == set(Scenario.model_fields)
    assert len(data["accounts"]) == 4
    assert all(2 <= len(a["stakeholders"]) <= 4 for a in data["accounts"])
    assert len(data["roles"]) == 5 and data["events"]
    # Heavily commented: most top-level keys carry a comment on their line or just above.
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) > 60


def test_starter_passes_the_deep_checks() -> None:
    scenario = load_scenario(Path(str(files("kam_sandbox.engine").joinpath("templates/starter.yaml"))))
    assert lint_balance(scenario, runs=20) == []


def test_new_scenario_from_the_starter(tmp_path: Path) -> None:
    path = write_template("my-case", None, tmp_path / "cases")
    assert path == tmp_path / "cases" / "my-case.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert text.count(SCHEMA_LINE) == 1
    scenario, problems = check_scenario(path)
    assert problems == []
    assert scenario is not None and scenario.id == "my-case"
    schema = json.loads((path.parent / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema == scenario_schema()


def test_new_scenario_from_a_shipped_one(tmp_path: Path) -> None:
    path = write_template("north-distributors", "distributors", tmp_path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == SCHEMA_LINE
    original = (Path(str(files("kam_sandbox.scenarios"))) / "distributors.yaml").read_text(encoding="utf-8")
    assert lines[1] == original.splitlines()[1]  # the comments are kept (line 0: schema hint)
    assert "\nid: north-distributors\n" in text and "\nid: distributors\n" not in text
    scenario, problems = check_scenario(path)
    assert scenario is not None and scenario.id == "north-distributors"
    assert [p for p in problems if p.severity == "error"] == []
    assert scenario.model_dump(exclude={"id"}) == load_scenario("distributors").model_dump(
        exclude={"id"}
    )
    assert (tmp_path / SCHEMA_FILE).is_file()


def test_schema_is_the_one_the_schema_command_prints(capsys: pytest.CaptureFixture) -> None:
    from kam_sandbox.commands import cmd_schema

    cmd_schema(Namespace())
    assert json.loads(capsys.readouterr().out) == scenario_schema()


def test_never_overwrites(tmp_path: Path) -> None:
    path = write_template("mine", None, tmp_path)
    path.write_text("# my work\n", encoding="utf-8")
    with pytest.raises(KamError, match="mine.yaml already exists"):
        write_template("mine", None, tmp_path)
    with pytest.raises(KamError, match="already exists"):
        write_template("mine", "tutorial", tmp_path)
    assert path.read_text(encoding="utf-8") == "# my work\n"


@pytest.mark.parametrize("name", ["", "1st", "my case", "../evil", "a/b", "x" * 41, "名字"])
def test_invalid_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(KamError, match="invalid scenario name"):
        write_template(name, None, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_shipped_ids_and_unknown_sources_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KamError, match="'tutorial' is the id of a shipped scenario"):
        write_template("tutorial", None, tmp_path)
    with pytest.raises(UnknownScenarioError, match=r"did you mean 'distributors'\?"):
        write_template("mine", "distributor", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_shipped_schema_file_is_in_step_with_the_model():
    """Shipped scenarios point editors at scenarios/kam-scenario.schema.json: it must be the
    model's current schema (regenerate with `kam-sandbox schema > scenarios/kam-scenario.schema.json`)."""

    import json
    from importlib import resources

    from kam_sandbox.engine.template import scenario_schema

    shipped = json.loads(resources.files("kam_sandbox.scenarios").joinpath("kam-scenario.schema.json")
                         .read_text(encoding="utf-8"))
    assert shipped == scenario_schema()
    for path in resources.files("kam_sandbox.scenarios").iterdir():
        if path.name.endswith(".yaml"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == "# yaml-language-server: $schema=./kam-scenario.schema.json", path.name


def test_schema_is_valid_json_schema_and_accepts_every_shipped_scenario():
    import jsonschema
    import yaml

    from kam_sandbox.engine import shipped_scenarios
    from kam_sandbox.engine.template import scenario_schema

    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in shipped_scenarios():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], (path.name, errors[:3])
    broken = yaml.safe_load((Path(__file__).parent / "data" / "typo_key.yaml").read_text(encoding="utf-8"))
    assert any("nmae" in e.message for e in validator.iter_errors(broken))
