"""Scenarios as spreadsheets: ``kam-sandbox sheet export`` and ``sheet import``.

Trainers write cases in Excel or WPS rather than in YAML. ``export_workbook`` writes a
case as a workbook whose sheets, columns, drop-downs and comments are derived from the
scenario model (``layout``); ``import_workbook`` reads an edited workbook back, reports every
problem at its sheet and cell, and gives the commented YAML file of the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kam_sandbox.engine.loader import check_scenario_text, shipped_scenarios

from .emit import MARKER, scenario_yaml
from .read import SheetFileError, SheetProblem, locate, read_workbook
from .write import export_workbook

__all__ = ["MARKER", "Imported", "SheetFileError", "SheetProblem", "export_workbook",
           "import_workbook"]


@dataclass
class Imported:
    """The result of reading a workbook: the YAML text (None if an error stops it) and
    every problem, errors and warnings, each at its cell."""

    text: str | None
    problems: list[SheetProblem] = field(default_factory=list)
    case_id: str = ""

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.severity == "error"]


def import_workbook(path: Path, lang: str, name: str | None = None) -> Imported:
    """Read the workbook at ``path``; ``name`` stands for it in messages (default: the path).

    ``SheetFileError`` if it is not a readable workbook at all.
    """
    book = name or str(path)
    reading = read_workbook(Path(path), lang, book)
    if reading.errors:
        return Imported(None, reading.problems)
    text = scenario_yaml(reading.data, Path(book).name, lang)
    case_id = str(reading.data.get("id", ""))
    # Checked under the name `sheet import` gives the file by default (the case id).
    _, problems = check_scenario_text(text, f"{case_id}.yaml")
    locate(reading, problems)
    if case_id in {p.stem for p in shipped_scenarios()}:
        reading.add(*reading.at(("id",)), "sheet.shipped_id", severity="warning",
                    id=repr(case_id))
    return Imported(None if reading.errors else text, reading.problems, case_id)
