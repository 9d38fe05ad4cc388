"""``kam-sandbox sheet import``: an edited workbook back to scenario data, every problem at
its sheet and cell.

Reading goes in three rounds, each only when the one before found no error, so an author
fixes cells before references: (1) the cells themselves (a number where a number belongs,
a choice from the list, known columns), (2) the scenario model (required fields, bounds,
list lengths), (3) the normal scenario validation of the YAML written from it
(``engine.loader.check_scenario_text``: references, duplicates and the authoring warnings).
Problems of rounds 2 and 3 come with a field path, which the map from each value's path to
its cell turns back into a cell.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from kam_sandbox.base.i18n import tr
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.messages import render
from kam_sandbox.engine.scenario import Scenario

from .layout import CASE_SHEET, KeyValue, Layout, Leaf, Table, layout
from .words import header_key

ID_PATTERN = Scenario.model_fields["id"].metadata[0].pattern  # the id rule, for its message
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000  # per sheet; a scenario holds at most 60 accounts of 8 people
BLANK = object()

Loc = tuple[Any, ...]


class SheetFileError(KamError):
    """The file is not a workbook this command can read (one message, no cell)."""


@dataclass(frozen=True)
class SheetProblem:
    """One problem, at the sheet and cell where the author must look."""

    book: str
    sheet: str
    cell: str
    message: str
    severity: str = "error"
    lang: str = "en"

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        kind = tr("sheet.warning", self.lang) if self.severity != "error" else ""
        return f"{self.book}:{where}: {kind}{self.message}"


@dataclass
class Reading:
    """What a workbook held: scenario data, where each value sat, and what was wrong."""

    book: str
    lang: str
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[Loc, tuple[str, str]] = field(default_factory=dict)
    problems: list[SheetProblem] = field(default_factory=list)
    formulas: Any = None  # the workbook's formulas, to explain a formula with no saved value

    def add(self, sheet: str, cell: str, template: str, /, severity: str = "error",
            **named: Any) -> None:
        """A problem at ``sheet!cell``: the locale string ``template`` with ``named`` filled in."""
        self.problems.append(SheetProblem(self.book, sheet, cell,
                                          tr(template, self.lang, **named), severity, self.lang))

    def at(self, loc: Loc) -> tuple[str, str]:
        """The cell of ``loc``, else of its nearest recorded ancestor."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.cells:
                return self.cells[loc[:n]]
        return (CASE_SHEET, "A1")

    def record(self, loc: Loc, sheet: str, cell: str) -> None:
        for n in range(1, len(loc) + 1):
            self.cells.setdefault(loc[:n], (sheet, cell))

    @property
    def errors(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.severity == "error"]


def hint(word: str, choices: list[str], lang: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return tr("sheet.hint", lang, word=repr(close[0])) if close else ""


def open_workbook(path: Path, lang: str, formulas: bool = False):
    """The workbook at ``path``: the values Excel saved (or, with ``formulas``, the formulas
    themselves); ``SheetFileError`` if it is not a workbook."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise SheetFileError(
            f"{path}: " + tr("sheet.problem.cannot_read", lang, reason=e.strerror or e)
        ) from None
    if size > MAX_BYTES:
        raise SheetFileError(f"{path}: " + tr("sheet.problem.too_large", lang, limit=MAX_BYTES))
    try:
        return load_workbook(path, data_only=not formulas)
    except Exception as e:  # not a zip, not a workbook, damaged: one line, never a traceback
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise SheetFileError(f"{path}: " + tr("sheet.problem.not_xlsx", lang, reason=reason)
                             ) from None


# --- one cell -----------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _number_fix(text: str) -> str | None:
    """What the author meant by ``36,000,000`` or ``15%``, written as the sheet wants it."""
    # NFKC: full-width digits, comma and percent sign (typed with a Chinese IME) as ASCII
    bare = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    percent = bare.endswith("%")
    bare = bare.rstrip("%")
    if not _PLAIN_NUMBER.match(bare):
        return None
    value = float(bare) / (100 if percent else 1)
    return f"{value:.15g}" if abs(value) < 1e15 else None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class CellError(Exception):
    """A cell that cannot hold what it must: a message key and its values."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key)
        self.key, self.values = key, values


def convert(leaf: Leaf, value: Any, kind: str | None = None) -> Any:
    """The model's value for a cell, ``BLANK`` for an empty one; ``CellError`` if it cannot be."""
    kind = kind or leaf.kind
    if is_blank(value):
        return BLANK
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise CellError("sheet.problem.date", got=str(value))
    if kind == "list":
        items = value if not isinstance(value, str) else [
            x for x in re.split(r"[,，;；、\s]+", value.strip()) if x]
        items = items if isinstance(items, list) else [items]
        return [convert(leaf, item, leaf.item_kind) for item in items]
    if kind == "choice":
        if all(isinstance(c, int) for c in leaf.choices):
            value = convert(leaf, value, "whole")
        elif isinstance(value, str):
            value = value.strip()
        if value not in leaf.choices:
            names = [str(c) for c in leaf.choices]
            raise CellError("sheet.problem.choice", got=_show(value), choices=", ".join(names),
                            word=str(value))
        return value
    if kind in ("bool", "member"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
            return value.strip().upper() == "TRUE"
        raise CellError("sheet.problem.bool", got=_show(value))
    if kind == "text":
        if isinstance(value, bool):
            value = "TRUE" if value else "FALSE"
        elif isinstance(value, int):
            value = str(value)
        elif isinstance(value, float):
            value = repr(value)
        return value.strip() if leaf.stripped else value
    if isinstance(value, bool):
        raise CellError(f"sheet.problem.{'whole' if kind == 'whole' else 'number'}",
                        got=_show(value))
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN_NUMBER.match(text):  # a number in a cell formatted as text
            value = float(text) if kind == "number" else _whole_text(text, value)
        else:
            fix = _number_fix(text)
            if fix is not None and kind == "number":
                raise CellError("sheet.problem.number_fix", got=_show(value), fix=fix)
            raise CellError(f"sheet.problem.{'whole' if kind == 'whole' else 'number'}",
                            got=_show(value))
    if kind == "whole":
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError("sheet.problem.whole", got=_show(value))
            value = int(value)
        return value
    return value


def _whole_text(text: str, raw: str) -> int:
    number = float(text)
    if not number.is_integer():
        raise CellError("sheet.problem.whole", got=_show(raw))
    return int(number)


def _put(tree: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    tree[path[-1]] = value


def _assemble(tree: Any, leaves: tuple[Leaf, ...], base: tuple = ()) -> Any:
    """Dicts keyed by list positions become lists; a set of member flags becomes the list
    of the members that are TRUE."""
    members: dict[tuple, list[str]] = {}
    for leaf in leaves:
        if leaf.kind == "member":
            members.setdefault(leaf.path[:-1], []).append(str(leaf.path[-1]))

    def walk(node: Any, path: tuple) -> Any:
        if not isinstance(node, dict):
            return node
        if path in members:
            return [m for m in members[path] if node.get(m)]
        if node and all(isinstance(k, int) for k in node):
            return [walk(node[k], path + (k,)) for k in sorted(node)]
        return {k: walk(v, path + (k,)) for k, v in node.items()}

    return walk(tree, base)


# --- sheets -------------------------------------------------------------------------------


def _coordinate(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def _cell_value(reading: Reading, sheet: str, row: int, column: int, leaf: Leaf, raw: Any,
                key: str) -> Any:
    try:
        if raw is None and reading.formulas is not None:
            formula = reading.formulas[sheet].cell(row=row, column=column).value
            if isinstance(formula, str) and formula.startswith("="):
                # Written by a program (or saved without calculating): no value to read.
                raise CellError("sheet.problem.formula", got=repr(formula))
        return convert(leaf, raw)
    except CellError as e:
        values = dict(e.values)
        if "word" in values:  # a near miss among the choices
            values["hint"] = hint(values.pop("word"), [str(c) for c in leaf.choices],
                                  reading.lang)
        reading.add(sheet, _coordinate(row, column), e.key, key=key, **values)
        return BLANK


def _read_key_values(reading: Reading, ws: Worksheet, sheet: KeyValue) -> None:
    by_key = {leaf.key: leaf for leaf in sheet.leaves}
    seen: dict[str, int] = {}
    for row in ws.iter_rows(min_row=2, max_row=min(ws.max_row, MAX_ROWS), max_col=3):
        key_cell, value_cell = row[0], row[2] if len(row) > 2 else None
        key = str(key_cell.value).strip() if key_cell.value is not None else ""
        if not key:
            continue
        r = key_cell.row
        leaf = by_key.get(key)
        if leaf is None:
            reading.add(sheet.sheet, f"A{r}", "sheet.problem.unknown_key", key=key,
                        hint=hint(key, list(by_key), reading.lang))
            continue
        if key in seen:
            reading.add(sheet.sheet, f"A{r}", "sheet.problem.duplicate_key", key=key,
                        first=seen[key])
            continue
        seen[key] = r
        reading.record(leaf.path, sheet.sheet, f"C{r}")
        value = _cell_value(reading, sheet.sheet, r, 3, leaf,
                            value_cell.value if value_cell is not None else None, key)
        if value is not BLANK:
            _put(reading.data, leaf.path, value)
    for leaf in sheet.leaves:
        if leaf.required and leaf.key not in seen:
            reading.add(sheet.sheet, "A1", "sheet.problem.missing_row", key=leaf.key)


def _header(reading: Reading, ws: Worksheet, table: Table) -> dict[int, str] | None:
    """Column number -> key from the header row; None if a required column is missing."""
    by_key = {leaf.key for leaf in table.leaves}
    names = [*([table.parent_key] if table.parent else []), *by_key]
    columns: dict[int, str] = {}
    first: dict[str, int] = {}
    for cell in ws[1]:
        key = header_key(cell.value)
        if not key:
            continue
        if key not in names:
            reading.add(table.sheet, cell.coordinate, "sheet.problem.unknown_column",
                        header=repr(str(cell.value)), hint=hint(key, names, reading.lang))
        elif key in first:
            reading.add(table.sheet, cell.coordinate, "sheet.problem.duplicate_column", key=key,
                        first=get_column_letter(first[key]))
        else:
            first[key] = cell.column
            columns[cell.column] = key
    required = [table.parent_key] if table.parent else []
    required += [leaf.key for leaf in table.leaves if leaf.required]
    missing = [key for key in required if key not in first]
    for key in missing:
        reading.add(table.sheet, "A1", "sheet.problem.missing_column", key=key)
    return None if missing else columns


def _place(reading: Reading, table: Table, parent_cell: Any, ids: dict[tuple, list],
           records: list[dict]) -> tuple[Loc, dict] | None:
    """Where a new row's record goes: its path and the (empty) record, appended to its
    list; None (reported) if a child row names no parent row."""
    if table.parent is None:
        records.append({})
        return table.path + (len(records) - 1,), records[-1]
    parents = ids.get(table.parent.path, [])
    parent_ids = [p[0] for p in parents]
    if is_blank(parent_cell.value):
        reading.add(table.sheet, parent_cell.coordinate, "sheet.problem.blank_parent",
                    key=table.parent_key, sheet=table.parent.sheet)
        return None
    pid = str(parent_cell.value).strip()
    if pid not in parent_ids:
        reading.add(table.sheet, parent_cell.coordinate, "sheet.problem.no_parent",
                    key=table.parent_key, got=repr(pid), sheet=table.parent.sheet,
                    hint=hint(pid, [p for p in parent_ids if p], reading.lang))
        return None
    _, parent_loc, parent_record = parents[parent_ids.index(pid)]
    children = parent_record.setdefault(table.field, [])
    children.append({})
    return parent_loc + (table.field, len(children) - 1), children[-1]


def _read_table(reading: Reading, ws: Worksheet, table: Table, ids: dict[tuple, list]) -> None:
    """Rows of ``table`` into ``reading.data``, blank rows skipped; ``ids`` collects each
    table's (id, path, record) so that child rows find their parent row."""
    columns = _header(reading, ws, table)
    if columns is None:
        return
    by_key = {leaf.key: leaf for leaf in table.leaves}
    records: list[dict] = []
    seen_ids: dict[tuple, int] = {}
    if any(not is_blank(c.value) for row in ws.iter_rows(min_row=MAX_ROWS + 1) for c in row):
        reading.add(table.sheet, f"A{MAX_ROWS + 1}", "sheet.problem.too_many_rows",
                    limit=MAX_ROWS)
    for row in ws.iter_rows(min_row=2, max_row=min(ws.max_row, MAX_ROWS)):
        cells = {columns[c.column]: c for c in row if c.column in columns}
        if all(is_blank(c.value) for c in cells.values()):
            continue
        placed = _place(reading, table, cells.get(table.parent_key), ids, records)
        if placed is None:
            continue
        loc, record = placed
        first_cell = min(cells.values(), key=lambda c: c.column)
        reading.cells.setdefault(loc, (table.sheet, first_cell.coordinate))
        _check_unique_id(reading, table, cells.get("id"), loc[:-1], seen_ids)
        for key, cell in cells.items():
            if key == table.parent_key:
                continue
            leaf = by_key[key]
            reading.record(loc + leaf.path, table.sheet, cell.coordinate)
            value = _cell_value(reading, table.sheet, cell.row, cell.column, leaf, cell.value,
                                key)
            if value is not BLANK:
                _put(record, leaf.path, value)
        ids.setdefault(table.path, []).append((record.get("id"), loc, record))
    if table.parent is None:
        # A sheet with no rows is an empty list (not "left out": no default roles return).
        reading.cells.setdefault(table.path, (table.sheet, "A1"))
        reading.data[str(table.path[0])] = records


def _check_unique_id(reading: Reading, table: Table, cell: Any, scope: Loc,
                     seen: dict[tuple, int]) -> None:
    """Report a row whose id an earlier row of the same list has. Rows are linked by id,
    so this is told at once, before it confuses which rows belong to which."""
    if cell is None or is_blank(cell.value):
        return
    value = str(cell.value).strip()
    first = seen.setdefault((scope, value), cell.row)
    if first != cell.row:
        reading.add(table.sheet, cell.coordinate, "sheet.problem.duplicate_id", key="id",
                    id=repr(value), first=first)


def read_workbook(path: Path, lang: str, book_name: str | None = None) -> Reading:
    """Round 1 and 2: the workbook's cells, then the scenario model, as ``Reading``."""
    book = layout()
    reading = Reading(book_name or str(path), lang)
    wb = open_workbook(Path(path), lang)
    reading.formulas = open_workbook(Path(path), lang, formulas=True)
    ids: dict[tuple, list] = {}
    for sheet in book.sheets():
        if sheet.sheet not in wb.sheetnames:
            if _needed(sheet):
                reading.add(sheet.sheet, "", "sheet.problem.missing_sheet", sheet=sheet.sheet)
            continue
        ws = wb[sheet.sheet]
        if isinstance(sheet, Table):
            _read_table(reading, ws, sheet, ids)
        else:
            _read_key_values(reading, ws, sheet)
    for sheet in book.key_values:
        reading.data = _assemble(reading.data, sheet.leaves)
    for table in book.tables:
        _assemble_records(reading.data, table)
    reading.data = {k: reading.data[k] for k in Scenario.model_fields if k in reading.data}
    if not reading.errors:
        _check_model(reading, book)
    return reading


def _assemble_records(data: dict, table: Table) -> None:
    """Turn each record's position-keyed and member sub-dicts into lists."""
    def records(node: Any, path: tuple) -> list[dict]:
        if not path:
            return []
        items = node.get(path[0]) if isinstance(node, dict) else None
        if not isinstance(items, list):
            return []
        if len(path) == 1:
            return items
        return [r for item in items for r in records(item, path[1:])]

    for record in records(data, table.path):
        record.update(_assemble(record, table.leaves))


def _needed(sheet: KeyValue | Table) -> bool:
    if isinstance(sheet, Table):
        return sheet.parent is None and Scenario.model_fields[sheet.field].is_required()
    return any(leaf.required for leaf in sheet.leaves)


# --- round 2: the scenario model ----------------------------------------------------------

_TEMPLATES = {
    "greater_than_equal": ("sheet.check.ge", "ge"),
    "greater_than": ("sheet.check.gt", "gt"),
    "less_than_equal": ("sheet.check.le", "le"),
    "less_than": ("sheet.check.lt", "lt"),
    "too_short": ("sheet.check.too_short", "min_length"),
    "too_long": ("sheet.check.too_long", "max_length"),
}


def relative_key(loc: Loc, book: Layout) -> str:
    """``("accounts", 3, "credit", "pd")`` -> ``credit.pd`` (the column), list positions
    counted from 1; a key of a key/value sheet stays whole."""
    best: tuple = ()
    for table in book.tables:
        n = len(table.path)
        if (tuple(loc[: 2 * n : 2]) == table.path and n > len(best)
                and all(isinstance(p, int) for p in loc[1 : 2 * n : 2])):
            best = table.path
    rest = loc[2 * len(best):] if best else loc
    if best and not rest:
        return str(best[-1])
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in rest)


def _check_model(reading: Reading, book: Layout) -> None:
    try:
        Scenario.model_validate(reading.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            sheet, cell = reading.at(loc)
            key = relative_key(loc, book)
            template, values = _model_message(err, key)
            reading.add(sheet, cell, template, **values)


def _model_message(err: dict, key: str) -> tuple[str, dict[str, Any]]:
    """A pydantic error as a message key and its values, in the author's terms."""
    kind, ctx, got = err["type"], err.get("ctx", {}), err.get("input")
    if kind == "missing":
        return "sheet.check.missing", {"key": key}
    if kind == "string_too_long" and isinstance(got, str):
        return "sheet.check.text_too_long", {"key": key, "limit": ctx.get("max_length"),
                                             "got": len(got)}
    if kind in ("too_short", "too_long") and isinstance(got, list):
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        return _TEMPLATES[kind][0], {"key": key, "limit": limit, "got": len(got)}
    if kind in _TEMPLATES:
        template, bound = _TEMPLATES[kind]
        return template, {"key": key, "limit": ctx.get(bound), "got": _show(got)}
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_PATTERN:
            return "sheet.check.id", {"key": key, "got": _show(got)}
        return "sheet.check.pattern", {"key": key, "got": _show(got),
                                       "pattern": ctx.get("pattern")}
    message = re.sub(r"^(Input|String|List|Dictionary|Value) should ", "must ", err["msg"])
    return "sheet.check.other", {"key": key, "message": message.removeprefix("Value error, ")}


# --- round 3: the normal scenario validation ---------------------------------------------

#: Engine messages whose fix speaks of the YAML file ("add it under roles:"): on a workbook
#: the sheet's own wording says where to add the thing instead, by message id.
_SHEET_WORDING = {
    "ref.unknown_role": ("sheet.engine.unknown_role", "role"),
    "ref.unknown_role_typo": ("sheet.engine.unknown_role", "role"),
    "ref.unknown_role_no_roles": ("sheet.engine.unknown_role", "role"),
    "ref.unknown_account": ("sheet.engine.unknown_account", "account"),
    "ref.duplicate_id": ("sheet.engine.duplicate_id", "id"),
}


def engine_message(message: str, lang: str) -> str:
    """A message of the scenario validation in ``lang``: the engine's own ``Msg.render``,
    or the sheet's wording where the engine's would point into the YAML file."""
    code = getattr(message, "code", None)
    if code in _SHEET_WORDING:
        key, name = _SHEET_WORDING[code]
        params = message.params  # type: ignore[attr-defined]
        return tr(key, lang, id=params[name], hint=render(params.get("hint", ""), lang))
    return render(message, lang)


def parse_path(dotted: str) -> Loc:
    """``accounts[3].stakeholders[1].influence`` -> ``("accounts", 3, "stakeholders", 1,
    "influence")`` (the inverse of ``engine.loader.dotted``)."""
    return tuple(int(t[1:-1]) if t.startswith("[") else t
                 for t in re.findall(r"\[\d+\]|[^.\[\]]+", dotted))


def locate(reading: Reading, problems: list) -> None:
    """Add ``engine`` problems (``Problem``s with a field path) at their cells."""
    book = layout()
    for p in problems:
        loc = parse_path(p.path)
        sheet, cell = reading.at(loc)
        key = relative_key(loc, book) if loc else ""
        text = engine_message(p.message, reading.lang)
        message = f"{key}: {text}" if key else text
        reading.problems.append(SheetProblem(reading.book, sheet, cell, message, p.severity,
                                             reading.lang))
