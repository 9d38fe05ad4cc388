"""docs/scenario-format.md and its Chinese twin stay true: their examples validate and
they name every field.

When a field is added to engine/scenario.py, ``test_every_field_is_documented`` fails until
both references describe it; when the format tightens, the examples stop validating; the
Chinese version (scenario-format.zh.md) keeps the English one's numbered sections, field
names and examples.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from kam_sandbox.engine.actions import compile_plan
from kam_sandbox.engine.loader import check_scenario
from kam_sandbox.engine.scenario import ACTIONS, EVENT_TYPES, NEEDS, SCORE_METRICS, STAGES, Scenario
from kam_sandbox.engine.world import compile_scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md"
DOCS = {"en": DOC, "zh": DOC.with_name("scenario-format.zh.md")}
TEXTS = {lang: path.read_text(encoding="utf-8") for lang, path in DOCS.items()}
TEXT = TEXTS["en"]

# A fenced block: ```lang at the start of a line, its body, then ``` at the start of a line.
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
BLOCKS: list[tuple[str, str]] = _FENCE.findall(TEXT)


def _blocks(lang: str, text: str = TEXT) -> list[str]:
    return [body for tag, body in _FENCE.findall(text) if tag == lang]


def _is_scenario(body: str) -> bool:
    """A whole scenario, not a fragment: it starts with, or has, a top-level `format:` key."""
    return body.lstrip().startswith("format: 1") or re.search(r"^format:", body, re.M) is not None


SCENARIOS = [body for body in _blocks("yaml") if _is_scenario(body)]
ZH_SCENARIOS = [body for body in _blocks("yaml", TEXTS["zh"]) if _is_scenario(body)]


def _models(tp: object, seen: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every pydantic model reachable from ``tp`` through fields, lists, dicts and unions."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in seen:
            seen.append(tp)
            for field in tp.model_fields.values():
                _models(field.annotation, seen)
        return seen
    for arg in typing.get_args(tp):
        _models(arg, seen)
    return seen


MODELS = _models(Scenario, [])


def test_doc_has_complete_examples() -> None:
    assert len(SCENARIOS) >= 2, "expected the minimal and the annotated example scenarios"
    annotated = max(SCENARIOS, key=len)
    top_level = set(yaml.safe_load(annotated))
    assert top_level == set(Scenario.model_fields), (
        "the annotated example should show every top-level section; missing: "
        f"{sorted(set(Scenario.model_fields) - top_level)}"
    )


@pytest.mark.parametrize(
    "body", SCENARIOS + ZH_SCENARIOS,
    ids=[f"en-scenario{i}" for i in range(len(SCENARIOS))]
    + [f"zh-scenario{i}" for i in range(len(ZH_SCENARIOS))],
)
def test_example_scenario_validates(body: str, tmp_path: Path) -> None:
    path = tmp_path / f"{yaml.safe_load(body)['id']}.yaml"  # the file is named after its id
    path.write_text(body, encoding="utf-8")
    scenario, problems = check_scenario(path)
    assert [str(p) for p in problems] == []
    assert isinstance(scenario, Scenario)


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("lang", ["yaml", "json"])
def test_every_snippet_parses(lang: str, doc: str) -> None:
    for body in _blocks(lang, TEXTS[doc]):
        if lang == "yaml":
            yaml.safe_load(body)
        else:
            json.loads(body)


def test_plan_example_is_valid() -> None:
    plans = [json.loads(body) for body in _blocks("json")]
    assert plans, "the plan format section should show a JSON plan"
    for plan in plans:
        wanted = set(plan.get("accounts", {}))
        for body in SCENARIOS:
            data = yaml.safe_load(body)
            if wanted <= {a["id"] for a in data["accounts"]}:
                scenario = Scenario.model_validate(data)
                compile_plan(plan, compile_scenario(scenario))  # raises PlanError if invalid
                break
        else:
            pytest.fail(f"no example scenario has the accounts {sorted(wanted)} of a plan")


def test_model_walk_finds_every_section() -> None:
    names = {m.__name__ for m in MODELS}
    expected = {
        "Scenario", "Text", "Resources", "Costs", "Limits", "Season", "Supply", "Role",
        "Rival", "Account", "Credit", "Stakeholder", "RandomEvents", "Event", "ScoreItem",
        "Model",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("doc", DOCS)
def test_every_field_is_documented(doc: str) -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in MODELS
        for name in model.model_fields
        if f"`{name}`" not in TEXTS[doc]
    ]
    assert missing == [], f"fields not described in {DOCS[doc].name}: {missing}"


@pytest.mark.parametrize("doc", DOCS)
def test_every_value_of_a_closed_list_is_documented(doc: str) -> None:
    words = {*ACTIONS, *EVENT_TYPES, *SCORE_METRICS, *NEEDS, *STAGES}
    missing = sorted(w for w in words if f"`{w}`" not in TEXTS[doc])
    assert missing == [], f"values not described in {DOCS[doc].name}: {missing}"


def _numbered_headings(text: str) -> list[tuple[int, str]]:
    """(level, number) of every numbered heading outside code: the sections' skeleton."""
    prose = _FENCE.sub("", text)
    return [(len(h), n) for h, n in re.findall(r"^(#{1,6}) (\d+(?:\.\d+)*)\.? ", prose, re.M)]


def test_the_chinese_reference_has_the_same_sections() -> None:
    assert _numbered_headings(TEXTS["zh"]) == _numbered_headings(TEXT)
    assert len(_numbered_headings(TEXT)) > 30


def test_the_chinese_reference_has_the_same_fields_and_examples() -> None:
    def ticked(text: str) -> set[str]:
        return set(re.findall(r"`([a-z_][a-z0-9_]*)`", _FENCE.sub("", text)))

    fields = {name for model in MODELS for name in model.model_fields}
    assert ticked(TEXTS["zh"]) & fields == ticked(TEXT) & fields
    for tag in ("yaml", "json"):
        assert len(_blocks(tag, TEXTS["zh"])) == len(_blocks(tag)), tag
    # The same example scenarios (their comments are translated).
    assert [yaml.safe_load(b) for b in ZH_SCENARIOS] == [yaml.safe_load(b) for b in SCENARIOS]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("doc", DOCS)
def test_internal_links_resolve(doc: str) -> None:
    prose = _FENCE.sub("", TEXTS[doc])
    anchors = {_slug(h) for h in re.findall(r"^#{1,6} (.*)$", prose, re.M)}
    broken = sorted({a for a in re.findall(r"\]\(#([^)]+)\)", prose) if a not in anchors})
    assert broken == [], f"links to no heading: {broken}"
    for target in re.findall(r"\]\(([\w.-]+\.md)\)", prose):
        assert (DOC.parent / target).is_file(), f"{target} is linked but missing"


def test_both_references_say_the_order_of_the_checks() -> None:
    """Syntax first, then the schema, then references (issue 13, item 8)."""
    en = TEXT.index("**Three rounds.**")
    assert TEXT.index("**Syntax**", en) < TEXT.index("**Schema**", en) < TEXT.index(
        "**References**", en)
    zh = TEXTS["zh"].index("**三轮检查。**")
    assert TEXTS["zh"].index("**语法**", zh) < TEXTS["zh"].index("**结构（schema）**", zh) < (
        TEXTS["zh"].index("**引用**", zh))
