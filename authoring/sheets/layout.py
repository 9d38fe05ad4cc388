"""Where each field of the scenario model lives in a workbook, derived from the model itself.

Nothing here names a field of ``engine.scenario`` except the few choices a model cannot
express (which section gets its own sheet, which id column refers to which sheet): every
field, bound, choice list, default and description comes from the pydantic classes, so a
field added to the scenario format appears in the workbook without a change here.

A *table* sheet holds one list of records (accounts, events, …), one record a row; a
record's nested sections and need weights become dotted columns (``credit.pd``,
``needs.price``). A list nested in a record (an account's stakeholders) becomes a table of
its own whose first column names the parent row. Everything else of the scenario sits on
*key/value* sheets, one field a row.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from kam_sandbox.engine.scenario import Scenario

Path = tuple[str | int, ...]

#: Scenario sections that get a key/value sheet of their own (the rest share "Case").
OWN_SHEET = {"model": "Model"}
CASE_SHEET = "Case"
#: Id columns that name a row of another table: field name -> that table's field.
REFERENCES = {"role": "roles", "account": "accounts", "stakeholder": "stakeholders"}


@dataclass(frozen=True)
class Leaf:
    """One cell's worth of the model: a field, a need weight, one item of a fixed list."""

    path: Path  # from the record (tables) or from the scenario (key/value sheets)
    kind: str  # text, number, whole, bool, choice, member (one TRUE/FALSE per option), list
    item_kind: str = ""  # for "list": the kind of each item
    choices: tuple[Any, ...] = ()
    bounds: dict[str, Any] = field(default_factory=dict)  # ge, le, gt, lt, pattern
    required: bool = False
    description: str = ""
    default: Any = PydanticUndefined
    stripped: bool = False  # ids and choices: surrounding spaces are typing noise

    @property
    def key(self) -> str:
        """The column header's (or the key column's) machine part: ``credit.pd``,
        ``season.demand.1`` (list items count from 1, as people do)."""
        return ".".join(str(p + 1) if isinstance(p, int) else p for p in self.path)


@dataclass(frozen=True)
class Table:
    """A sheet of records: one row each."""

    sheet: str
    path: Path  # where the list sits: ("accounts",) or ("accounts", "stakeholders")
    leaves: tuple[Leaf, ...]
    parent: Table | None = None
    description: str = ""

    @property
    def field(self) -> str:
        return str(self.path[-1])

    @property
    def parent_key(self) -> str:
        """The header of the column naming the parent row (``account``), or ''."""
        return singular(self.parent.field) if self.parent else ""


@dataclass(frozen=True)
class KeyValue:
    """A sheet of single fields: one row each (key, label, value, description)."""

    sheet: str
    leaves: tuple[Leaf, ...]


def singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def sheet_name(list_field: str) -> str:
    return "".join(part.title() for part in list_field.split("_"))


# --- reading the pydantic model -----------------------------------------------------------


def unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """``tp`` without Annotated and Optional, and the metadata Annotated carried."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp, *extra = typing.get_args(tp)
            for m in extra:
                meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp, meta
            tp = args[0]
        else:
            return tp, meta


def _bounds(meta: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in meta:
        for name in ("ge", "le", "gt", "lt", "pattern", "min_length", "max_length"):
            value = getattr(m, name, None)
            if value is not None:
                out[name] = value
    return out


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _scalar_kind(tp: Any) -> tuple[str, tuple[Any, ...]]:
    if typing.get_origin(tp) is Literal:
        return "choice", typing.get_args(tp)
    if tp is bool:
        return "bool", ()
    if tp is int:
        return "whole", ()
    if tp is float:
        return "number", ()
    return "text", ()


def _default(fi: FieldInfo) -> Any:
    value = fi.get_default(call_default_factory=True)
    return value.model_dump() if isinstance(value, BaseModel) else value


def _index(value: Any, part: str | int) -> Any:
    try:
        return value[part]
    except (KeyError, IndexError, TypeError):
        return PydanticUndefined


def _field_leaves(
    path: Path, ann: Any, fi: FieldInfo | None, required: bool, description: str,
    default: Any, pending: list[tuple[Path, Any, str]],
) -> list[Leaf]:
    tp, meta = unwrap(ann)
    meta = meta + (list(fi.metadata) if fi is not None else [])
    origin = typing.get_origin(tp)
    if _is_model(tp):
        out: list[Leaf] = []
        for name, sub in tp.model_fields.items():
            sub_default = _index(default, name) if default is not PydanticUndefined else (
                _default(sub))
            text = sub.description or ""
            if sub.annotation is str and description:  # Text's zh/en: the parent's meaning
                text = f"{description} ({text})" if text else description
            out += _field_leaves(path + (name,), sub.annotation, sub,
                                 required and sub.is_required(), text or "",
                                 sub_default, pending)
        return out
    if origin is dict:
        key_tp, value_tp = typing.get_args(tp)
        keys = typing.get_args(unwrap(key_tp)[0])
        if typing.get_origin(unwrap(key_tp)[0]) is not Literal:
            # Columns need a fixed set of keys; fail here rather than drop the field.
            raise TypeError(f"no workbook layout for {'.'.join(map(str, path))}: {tp}")
        return [
            _scalar_leaf(path + (k,), value_tp, [], False, description, _index(default, k))
            for k in keys
        ]
    if origin is list:
        item_tp, item_meta = unwrap(typing.get_args(tp)[0])
        if _is_model(item_tp):
            pending.append((path, item_tp, description))
            return []
        if typing.get_origin(item_tp) is Literal:
            return [
                Leaf(path + (option,), "member", description=description,
                     default=(option in default) if isinstance(default, list) else default)
                for option in typing.get_args(item_tp)
            ]
        length = _bounds(meta)
        if length.get("min_length") is not None and length.get("min_length") == length.get(
            "max_length"
        ):
            return [
                _scalar_leaf(path + (i,), typing.get_args(tp)[0], [], required, description,
                             _index(default, i))
                for i in range(length["min_length"])
            ]
        if typing.get_origin(item_tp) in (list, dict):
            raise TypeError(f"no workbook layout for {'.'.join(map(str, path))}: {tp}")
        kind, choices = _scalar_kind(item_tp)
        return [Leaf(path, "list", item_kind=kind, choices=choices,
                     bounds=_bounds(item_meta), required=required, description=description,
                     default=default)]
    return [_scalar_leaf(path, ann, meta, required, description, default)]


def _scalar_leaf(path: Path, ann: Any, meta: list[Any], required: bool, description: str,
                 default: Any) -> Leaf:
    tp, own = unwrap(ann)
    bounds = _bounds(own + meta)
    kind, choices = _scalar_kind(tp)
    return Leaf(path, kind, choices=choices, bounds=bounds, required=required,
                description=description, default=default,
                stripped=kind == "choice" or "pattern" in bounds)


def _table(path: Path, model: type[BaseModel], description: str, parent: Table | None,
           out: list[Table]) -> None:
    """Append the table of ``model`` records at ``path``, then its child tables."""
    pending: list[tuple[Path, Any, str]] = []
    leaves: list[Leaf] = []
    for name, fi in model.model_fields.items():
        leaves += _field_leaves((name,), fi.annotation, fi, fi.is_required(),
                                fi.description or "", _default(fi), pending)
    table = Table(sheet_name(str(path[-1])), path, tuple(leaves), parent, description)
    out.append(table)
    for sub_path, sub_model, sub_description in pending:
        _table(path + sub_path, sub_model, sub_description, table, out)


@dataclass(frozen=True)
class Layout:
    """Every sheet of a scenario workbook, in the order they are written."""

    key_values: tuple[KeyValue, ...]
    tables: tuple[Table, ...]

    def sheets(self) -> list[KeyValue | Table]:
        return [*self.key_values[:1], *self.tables, *self.key_values[1:]]

    def table(self, path: Path) -> Table:
        return next(t for t in self.tables if t.path == path)


@cache
def layout() -> Layout:
    """The workbook layout of the current scenario model."""
    tables: list[Table] = []
    groups: dict[str, list[Leaf]] = {CASE_SHEET: []}
    for name, fi in Scenario.model_fields.items():
        pending: list[tuple[Path, Any, str]] = []
        leaves = _field_leaves((name,), fi.annotation, fi, fi.is_required(),
                               fi.description or "", _default(fi), pending)
        for sub_path, model, description in pending:
            _table(sub_path, model, description, None, tables)
        if leaves:
            groups.setdefault(OWN_SHEET.get(name, CASE_SHEET), []).extend(leaves)
    return Layout(tuple(KeyValue(s, tuple(v)) for s, v in groups.items()), tuple(tables))
