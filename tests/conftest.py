"""Fixtures shared by the engine, workshop and game tests."""

from __future__ import annotations

import pytest
import yaml

from kam_sandbox.engine import load_scenario
from kam_sandbox.engine.loader import check_scenario


@pytest.fixture
def tight_tutorial(tmp_path) -> str:
    """The tutorial with the issue's tight budget (8000) and no peak capacity, written as a
    scenario file that ``validate`` accepts; returns its path."""

    d = load_scenario("tutorial").model_dump(mode="json")
    d["resources"]["budget"] = 8000.0
    d["supply"] = {"peak_quarters": [1, 2, 3, 4], "capacity": 0.0}
    d["actions"] = sorted(set(d["actions"]) | {"supply", "conference"})
    path = tmp_path / "tight.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    sc, problems = check_scenario(path)
    assert sc is not None, problems
    return str(path)
