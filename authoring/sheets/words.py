"""What a person reads in a workbook: bilingual labels, headers and cell comments.

Labels come from ``base/locales/sheet.*.json`` (``sheet.field.NAME``, or
``sheet.field.TABLE.NAME`` where one name means two things), then from the game's own
tables (need and action names); a field nobody has labelled yet shows its name.
"""

from __future__ import annotations

from kam_sandbox.base.i18n import strings, tr

from .layout import Leaf, Path


def field_label(name: str, lang: str, context: str = "") -> str:
    table = strings(lang)
    for key in (f"sheet.field.{context}.{name}", f"sheet.field.{name}", f"need.{name}",
                f"action.{name}"):
        if key in table:
            return table[key]
    return name


def label(path: Path, lang: str, context: str = "") -> str:
    """``("credit", "pd")`` -> "信用·年违约率"; list items get their number."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts[-1] += f" {part + 1}"
        else:
            parts.append(field_label(part, lang, context if not parts else ""))
    return "·".join(parts)


def header(leaf: Leaf, context: str) -> str:
    """A table column's header: the Chinese label, then the machine key the reader uses."""
    return f"{label(leaf.path, 'zh', context)} {leaf.key}"


def header_key(text: object) -> str:
    """The machine key of a header cell (its last word), '' for an empty cell."""
    words = str(text).split() if text is not None else []
    return words[-1] if words else ""


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return str(value)


def value_range(leaf: Leaf) -> str:
    b = leaf.bounds
    low = ("≥ " + _number(b["ge"])) if "ge" in b else ("> " + _number(b["gt"])) if "gt" in b else ""
    high = ("≤ " + _number(b["le"])) if "le" in b else ("< " + _number(b["lt"])) if "lt" in b else ""
    if "ge" in b and "le" in b:
        return f"{_number(b['ge'])} – {_number(b['le'])}"
    return ", ".join(x for x in (low, high) if x)


def comment(leaf: Leaf, lang: str, context: str = "") -> str:
    """A cell comment: label in both languages, the model's description, what to type."""
    lines = [f"{label(leaf.path, 'zh', context)} / {label(leaf.path, 'en', context)}"]
    if leaf.description:
        lines.append(leaf.description)
    if leaf.required:
        lines.append(tr("sheet.comment.required", lang))
    kind = leaf.item_kind if leaf.kind == "list" else leaf.kind
    if leaf.kind == "member":
        lines.append(tr("sheet.comment.member", lang))
    elif kind == "bool":
        lines.append(tr("sheet.comment.bool", lang))
    elif kind == "whole":
        lines.append(tr("sheet.comment.whole", lang))
    if leaf.choices:
        lines.append(tr("sheet.comment.choices", lang,
                        choices=", ".join(str(c) for c in leaf.choices)))
    if value_range(leaf):
        lines.append(tr("sheet.comment.range", lang, range=value_range(leaf)))
    if leaf.kind == "list":
        lines.append(tr("sheet.comment.list", lang))
    if not leaf.required and leaf.default is not None and _shown(leaf.default):
        lines.append(tr("sheet.comment.default", lang, value=_shown(leaf.default)))
    return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return ", ".join(_number(v) for v in value)
    return ""
