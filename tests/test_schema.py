"""One truth for the editor and `validate` (issue 13, item 7).

The JSON Schema (``kam-sandbox schema``, shipped as scenarios/kam-scenario.schema.json) is
generated from the pydantic model that `validate` uses. Here every fixture is read the way
the editor reads it — YAML 1.2 (ruamel.yaml, independent of our loader) then the schema
(jsonschema) — and the verdict must be validate's, except where a check lies beyond what a
schema can express; those are listed with the reason. tests/test_editor.py makes the same
comparison with the editor's own checker, yaml-language-server, where it is installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from kam_sandbox.engine.loader import check_scenario, shipped_scenarios
from kam_sandbox.engine.template import scenario_schema

DATA = Path(__file__).parent / "data"
SCHEMA = scenario_schema()
FILES = sorted(DATA.glob("*.yaml")) + shipped_scenarios()

#: Files validate rejects and the schema cannot: references between sections.
REFERENCES = {
    "broken_refs.yaml": "a role and an account id that name nothing",
    "role_no_roles.yaml": "a role id that names no role",
}
#: A file whose text ruamel.yaml's scanner (inherited from PyYAML) refuses though the
#: YAML 1.2 spec and yaml-language-server accept it: a tab after `key:`. Validate accepts it.
PARSER_GAPS = {"valid_tab_after_colon.yaml"}


def editor_accepts(path: Path) -> bool:
    """Whether the editor would show no error: YAML 1.2 parses and the schema holds."""
    try:
        data = YAML(typ="safe", pure=True).load(path.read_bytes().decode("utf-8-sig"))
    except Exception:  # undecodable, or a YAML syntax error: the editor flags it too
        return False
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(data)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_validate_and_the_schema_agree(path: Path) -> None:
    validate_accepts = check_scenario(path)[0] is not None
    if path.name in REFERENCES:
        assert not validate_accepts and editor_accepts(path), REFERENCES[path.name]
    elif path.name in PARSER_GAPS:
        assert validate_accepts and not editor_accepts(path)
    else:
        assert validate_accepts == editor_accepts(path)


def _properties(schema: dict, where: str = "") -> list[tuple[str, dict]]:
    out = [(f"{where}.{name}", prop) for name, prop in schema.get("properties", {}).items()]
    for name, sub in schema.get("$defs", {}).items():
        out += _properties(sub, name)
    return out


def test_every_property_has_a_bilingual_description() -> None:
    props = _properties(SCHEMA, "Scenario")
    assert len(props) > 100
    lacking = [
        name for name, prop in props
        if not (re.search(r"[\u4e00-\u9fff]", prop.get("description", ""))
                and re.search(r"[A-Za-z]{3}", prop.get("description", "")))
    ]
    assert lacking == []


def test_every_number_is_bounded() -> None:
    """No number field without a maximum: 1e300 must be an error, not Infinity in results."""

    def numbers(node: object, where: str) -> list[tuple[str, dict]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer") and "const" not in node:
                found.append((where, node))
            for key, value in node.items():
                found += numbers(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                found += numbers(value, f"{where}/{i}")
        return found

    unbounded = [w for w, n in numbers(SCHEMA, "") if "maximum" not in n
                 and "exclusiveMaximum" not in n]
    assert unbounded == []
    lower = [w for w, n in numbers(SCHEMA, "") if "minimum" not in n
             and "exclusiveMinimum" not in n]
    assert lower == []
