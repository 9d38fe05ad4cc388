"""Scenario data as a commented YAML file, laid out as a person would write it.

PyYAML writes every scalar (so quoting is always right); the layout is ours: a headed
comment before each section, the field's description beside each setting, short mappings
such as ``{zh: …, en: …}`` and need weights on one line, and a comment naming each
account, person and event. Only the model constants that differ from the defaults are
written, as ``kam-sandbox new``'s template does.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import BaseModel

from kam_sandbox.base.i18n import tr
from kam_sandbox.engine.scenario import Model, Scenario, Text
from kam_sandbox.engine.template import SCHEMA_LINE

from .layout import Path, unwrap
from .words import field_label

WIDTH = 100  # a line longer than this is broken into a block
MARKER = "# Written by kam-sandbox sheet import"


def scalar(value: Any) -> str:
    """One scalar as YAML on one line."""
    if isinstance(value, str) and any(ch in value for ch in "\n\r\t"):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string too
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True,
                          width=float("inf"))
    return text.strip()[1:-1]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _inline(value: Any) -> str | None:
    """``value`` on one line (a flow mapping or list of scalars), or None if it is nested."""
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, dict) and all(_is_scalar(v) for v in value.values()):
        return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return None


def _descriptions(model: type[BaseModel] = Scenario, path: Path = ()) -> dict[Path, str]:
    """The description of each field outside lists, by path, for the comment beside it."""
    out: dict[Path, str] = {}
    for name, fi in model.model_fields.items():
        if fi.description:
            out[path + (name,)] = fi.description.split("; ")[0]
        tp, _ = unwrap(fi.annotation)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and tp is not Text:
            out.update(_descriptions(tp, path + (name,)))
    return out


def _is_text(value: Any) -> bool:
    """A {zh, en} text on one line each (no line breaks or tabs that need escapes)."""
    return (isinstance(value, dict) and set(value) == {"zh", "en"}
            and all(isinstance(v, str) and not any(ch in v for ch in "\n\r\t")
                    for v in value.values()))


def _title(item: dict) -> str:
    name = item.get("name")
    if isinstance(name, dict):
        return f"{name.get('zh', '')} {name.get('en', '')}".strip()
    headline = item.get("headline")
    if isinstance(headline, dict):
        return str(headline.get("en", ""))[:70]
    return ""


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.described = _descriptions()

    def line(self, text: str, path: Path | None = None) -> None:
        note = self.described.get(path) if path is not None else None
        if note and len(text) + len(note) + 4 <= WIDTH + 20:
            text = f"{text}  # {note}"
        self.lines.append(text)

    def mapping(self, data: dict, indent: int, path: Path, describe: bool) -> None:
        pad = " " * indent
        for key, value in data.items():
            here = path + (key,)
            inline = _inline(value)
            # A described section keeps one setting a line, each with its description.
            spread = describe and isinstance(value, dict) and any(
                here + (k,) in self.described for k in value)
            if inline is not None and not spread and (
                _is_scalar(value) or len(pad) + len(key) + len(inline) + 2 <= WIDTH
            ):
                self.line(f"{pad}{key}: {inline}", here if describe else None)
            elif _is_text(value):
                # Long English folds at spaces over several lines, as a person writes it.
                self.line(f"{pad}{key}:", here if describe else None)
                folded = yaml.safe_dump(value, allow_unicode=True, sort_keys=False,
                                        width=max(40, WIDTH - indent - 2))
                self.lines += [f"{pad}  {line}" for line in folded.splitlines()]
            elif isinstance(value, dict):
                self.line(f"{pad}{key}:", here if describe else None)
                self.mapping(value, indent + 2, here, describe)
            elif all(_is_scalar(v) for v in value):
                self.line(f"{pad}{key}:", here if describe else None)
                for item in value:
                    self.lines.append(f"{pad}  - {scalar(item)}")
            else:
                self.line(f"{pad}{key}:")
                self.records(value, indent + 2, here)

    def records(self, items: list, indent: int, path: Path) -> None:
        pad = " " * indent
        for number, item in enumerate(items, start=1):
            inline = _inline(item)
            if inline is not None and len(pad) + 2 + len(inline) <= WIDTH:
                self.lines.append(f"{pad}- {inline}")  # a scorecard line, say
                continue
            title = _title(item)
            if title and len(items) > 1:
                self.lines.append(f"{pad}# ---- {number}: {title}")
            start = len(self.lines)
            self.mapping(item, indent + 2, path, describe=False)
            if len(self.lines) > start:
                self.lines[start] = f"{pad}- " + self.lines[start][indent + 2:]


def _section_heading(key: str) -> str:
    zh, en = field_label(key, "zh"), field_label(key, "en")
    text = f"# ---- {zh} {en} "
    return text + "-" * max(4, 90 - len(text) - sum(ch >= "\u2e80" for ch in zh))


def _trimmed_model(data: dict) -> dict:
    """The model constants that differ from their defaults."""
    defaults = Model().model_dump()
    return {k: v for k, v in data.items() if defaults.get(k) != v}


def scenario_yaml(data: dict, book: str, lang: str) -> str:
    """The YAML file of scenario ``data`` read from the workbook ``book``."""
    w = _Writer()
    title = data.get("title") if isinstance(data.get("title"), dict) else {}
    w.lines += [
        SCHEMA_LINE,
        f"{MARKER} from {book}.",
        f"# {tr('sheet.yaml_header', lang, book=book)}",
        f"# {title.get('zh', '')} / {title.get('en', '')}",
        "",
    ]
    for key in Scenario.model_fields:
        if key not in data:
            continue
        value = data[key]
        if key == "model":
            value = _trimmed_model(value)
            if not value:
                continue
        simple = _is_scalar(value) or (isinstance(value, dict) and set(value) <= {"zh", "en"})
        if not simple:
            w.lines += ["", _section_heading(key)]
        w.mapping({key: value}, 0, (), describe=True)
    return "\n".join(w.lines) + "\n"
