"""``kam-sandbox sheet export``: a scenario as an Excel workbook an author can edit.

Every sheet's columns come from ``layout``; the header of each column carries a comment with
the field's description, bounds and default, enumerations get drop-down lists, and the
header row (and the id column) stays in view while scrolling.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kam_sandbox.base.i18n import strings, tr
from kam_sandbox.base.storage import write_atomically
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.loader import dotted
from kam_sandbox.engine.scenario import Scenario

from .layout import REFERENCES, KeyValue, Layout, Leaf, Table, layout, singular
from .words import comment, header, label

#: Rows below the last record that still get drop-downs and text format, for new records.
SPARE_ROWS = 200
HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")  # required columns: dark
OPTIONAL_FILL = PatternFill("solid", fgColor="5B8DB8")
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
LONG_TEXT = 50  # display width beyond which a text column wraps instead of widening


def display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters take two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def cell_value(leaf: Leaf, data: Any) -> Any:
    """What the workbook shows for ``leaf`` in a record (or the scenario) ``data``."""
    if leaf.kind == "member":
        return leaf.path[-1] in (get(data, leaf.path[:-1]) or [])
    value = get(data, leaf.path)
    if leaf.kind == "list":
        return ", ".join(str(v) for v in value) if value else None
    return value


def _put(ws: Worksheet, row: int, column: int, value: Any, leaf: Leaf | None) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    if leaf is not None and leaf.kind in ("text", "list"):
        cell.number_format = "@"  # Excel must not turn "1.0" or "3-4" into a number or date


def _head(ws: Worksheet, column: int, text: str, note: str, required: bool) -> None:
    cell = ws.cell(row=1, column=column, value=text)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if required else OPTIONAL_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    if note:
        lines = note.count("\n") + 1
        cell.comment = Comment(note, "kam-sandbox", width=320, height=40 + 18 * lines)


def _validation(leaf: Leaf, refs: dict[str, str]) -> DataValidation | None:
    """The drop-down list or number rule for ``leaf``'s cells, if it has one."""
    kind = leaf.kind
    if kind == "list":
        return None  # several values in one cell: no rule fits
    if kind in ("bool", "member"):
        return DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True,
                              showErrorMessage=True)
    if kind == "choice":
        listing = ",".join(str(c) for c in leaf.choices)
        if len(listing) > 250:  # Excel's limit for an inline list
            return None
        return DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True,
                              showErrorMessage=True)
    name = leaf.path[-1] if isinstance(leaf.path[-1], str) else ""
    if kind == "text" and name in REFERENCES and name in refs and len(leaf.path) == 1:
        # A warning, not a stop: an id added elsewhere in the same sitting is fine.
        return DataValidation(type="list", formula1=refs[name], allow_blank=True,
                              showErrorMessage=True, errorStyle="warning")
    if kind in ("number", "whole"):
        b = leaf.bounds
        low = b.get("ge", b.get("gt"))
        high = b.get("le", b.get("lt"))
        kind_name = "whole" if kind == "whole" else "decimal"
        if low is not None and high is not None:
            dv = DataValidation(type=kind_name, operator="between", formula1=str(low),
                                formula2=str(high))
        elif low is not None:
            dv = DataValidation(type=kind_name, operator="greaterThanOrEqual"
                                if "ge" in b else "greaterThan", formula1=str(low))
        elif high is not None:
            dv = DataValidation(type=kind_name, operator="lessThanOrEqual"
                                if "le" in b else "lessThan", formula1=str(high))
        else:
            return None
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.errorStyle = "warning"  # the import says precisely what is wrong and where
        return dv
    return None


def _reference_ranges(book: Layout) -> dict[str, str]:
    """``role`` -> ``=Roles!$A$2:$A$…``: the id column of each table an id can name."""
    out = {}
    for name, field in REFERENCES.items():
        table = next((t for t in book.tables if t.field == field), None)
        if table is None:
            continue
        column = get_column_letter(_columns(table).index("id") + 1)
        out[name] = f"={table.sheet}!${column}$2:${column}$2000"
    return out


def _columns(table: Table) -> list[str]:
    keys = [leaf.key for leaf in table.leaves]
    return [table.parent_key, *keys] if table.parent else keys


def _rows(table: Table, data: dict) -> list[tuple[str | None, dict]]:
    """(parent id, record) for every record of ``table`` in scenario order."""
    if table.parent is None:
        return [(None, r) for r in get(data, table.path) or []]
    return [
        (parent.get("id"), child)
        for _, parent in _rows(table.parent, data)
        for child in parent.get(table.field) or []
    ]


def _fit(ws: Worksheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(max(width + 2, 8), LONG_TEXT + 2)
        if width > LONG_TEXT:
            for cell in ws[letter][1:]:
                cell.alignment = WRAP


def _write_table(ws: Worksheet, table: Table, data: dict, lang: str, refs: dict[str, str]) -> None:
    context = table.field
    widths: dict[int, int] = {}
    column = 1
    leaves: list[Leaf | None] = list(table.leaves)
    if table.parent:
        parent_sheet = table.parent.sheet
        title = f"{label((table.parent_key,), 'zh')} {table.parent_key}"
        _head(ws, 1, title, tr("sheet.comment.parent", lang, sheet=parent_sheet), True)
        leaves.insert(0, None)
        column = 2
    for offset, leaf in enumerate(table.leaves):
        _head(ws, column + offset, header(leaf, context), comment(leaf, lang, context),
              leaf.required)
    rows = _rows(table, data)
    for r, (parent_id, record) in enumerate(rows, start=2):
        for c, leaf in enumerate(leaves, start=1):
            value = parent_id if leaf is None else cell_value(leaf, record)
            _put(ws, r, c, value, leaf)
    last = len(rows) + 1 + SPARE_ROWS
    for c, leaf in enumerate(leaves, start=1):
        letter = get_column_letter(c)
        cells = [str(ws.cell(row=r, column=c).value or "") for r in range(1, len(rows) + 2)]
        widths[c] = max(display_width(t) for t in cells)
        rule = _parent_rule(table, refs) if leaf is None else _validation(leaf, refs)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(rule)
    _fit(ws, widths)
    ws.freeze_panes = ws.cell(row=2, column=3 if table.parent else 2)


def _parent_rule(table: Table, refs: dict[str, str]) -> DataValidation | None:
    name = singular(table.parent.field) if table.parent else ""
    if name not in refs:
        return None
    return DataValidation(type="list", formula1=refs[name], allow_blank=False,
                          showErrorMessage=True, errorStyle="warning")


def _write_key_values(ws: Worksheet, sheet: KeyValue, data: dict, lang: str,
                      refs: dict[str, str]) -> None:
    heads = ("key", "label", "value", "description")
    for c, name in enumerate(heads, start=1):
        _head(ws, c, f"{tr(f'sheet.header.{name}', 'zh')} {tr(f'sheet.header.{name}', 'en')}",
              "", True)
    widths = {c: display_width(str(ws.cell(row=1, column=c).value)) for c in range(1, 5)}
    sections = list(dict.fromkeys(str(leaf.path[0]) for leaf in sheet.leaves))
    shaded = set(sections[1::2])  # every other section shaded, so each reads as a block
    for r, leaf in enumerate(sheet.leaves, start=2):
        note = comment(leaf, lang)
        texts = (leaf.key, f"{label(leaf.path, 'zh')} {label(leaf.path, 'en')}",
                 cell_value(leaf, data), note.split("\n", 1)[1] if "\n" in note else "")
        for c, value in enumerate(texts, start=1):
            _put(ws, r, c, value, leaf if c == 3 else None)
            if c != 4:
                widths[c] = max(widths[c], display_width(str(value or "")))
        ws.cell(row=r, column=1).comment = Comment(note, "kam-sandbox", width=320,
                                                   height=40 + 18 * (note.count("\n") + 1))
        ws.cell(row=r, column=4).alignment = WRAP
        rule = _validation(leaf, refs)
        if rule is not None:
            rule.add(f"C{r}")
            ws.add_data_validation(rule)
        if [p for p in leaf.path if isinstance(p, str)][0] in shaded:
            for c in (1, 2):
                ws.cell(row=r, column=c).fill = SECTION_FILL
    widths[4] = LONG_TEXT + 1  # wrapped: descriptions run to several lines
    _fit(ws, widths)
    ws.freeze_panes = "C2"


def _check_storable(data: Any, lang: str, path: tuple = ()) -> None:
    """``KamError`` naming the first text Excel cannot store (a control character)."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_storable(value, lang, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _check_storable(value, lang, path + (i,))
    elif isinstance(data, str) and ILLEGAL_CHARACTERS_RE.search(data):
        char = ILLEGAL_CHARACTERS_RE.search(data).group()
        raise KamError(tr("sheet.problem.control_character", lang, path=dotted(path),
                          char=f"U+{ord(char):04X}"))


def workbook(scenario: Scenario, lang: str) -> Workbook:
    """The workbook of ``scenario``; comments and notes in ``lang``, headers bilingual."""
    book = layout()
    data = scenario.model_dump(mode="python")
    _check_storable(data, lang)
    refs = _reference_ranges(book)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets():
        ws = wb.create_sheet(sheet.sheet)
        if isinstance(sheet, Table):
            _write_table(ws, sheet, data, lang, refs)
        else:
            _write_key_values(ws, sheet, data, lang, refs)
    _write_help(wb.create_sheet(tr("sheet.help.sheet", "en")), scenario)
    return wb


def _write_help(ws: Worksheet, scenario: Scenario) -> None:
    """How to edit and import the workbook, in both languages (the import ignores it)."""
    case = f"{scenario.id} v{scenario.version}"
    n = 1
    while f"sheet.help.{n}" in strings("en"):
        for c, lang in enumerate(("zh", "en"), start=1):
            cell = ws.cell(row=n, column=c, value=tr(f"sheet.help.{n}", lang, case=case))
            cell.alignment = WRAP
            cell.font = Font(bold=n == 1)
        n += 1
    ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 60


def export_workbook(scenario: Scenario, path: Path, lang: str) -> int:
    """Write ``scenario`` to ``path`` (atomically); return the number of sheets."""
    wb = workbook(scenario, lang)
    buffer = BytesIO()
    wb.save(buffer)
    write_atomically(Path(path), buffer.getvalue())
    return len(wb.sheetnames)
