"""Read a scenario file strictly and report every problem at its YAML line and column.

The YAML is composed into a node tree (so every value keeps its mark) and walked by hand:
anchors, aliases and duplicate keys are refused, size, depth and node count are capped,
and a map from each value's path to its position lets pydantic's errors and the
cross-reference checks point at the exact line. Nothing a user can put in a file
escapes as a traceback: every failure becomes a ``Problem``.

Problems come in three rounds, and a round is reported only when the one before it found
nothing: syntax (bytes, look-alike characters, YAML structure), then the schema (keys,
types, bounds: what ``kam-sandbox schema`` says), then references between sections. A
valid file then gets its warnings (``engine.lint`` and the few the parser sees, such as
text cut at `` #``).

Plain values are read with YAML 1.2's core schema, as the editor's YAML language server
reads them: ``yes``/``no``/``on``/``off`` are text (write ``true``/``false``), ``1e6`` is
a number, ``2024-01-01`` is text. Messages are ``engine.messages.Msg``: English text
that renders in Chinese too.
"""

from __future__ import annotations

import os
import re
import types
import typing
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, Union

import yaml
from pydantic import BaseModel, ValidationError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import syntax
from .errors import Problem, ScenarioError, UnknownScenarioError, dotted
from .lint import lint
from .messages import Msg
from .scenario import Scenario, cross_reference_problems, hint

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

Loc = tuple[Any, ...]  # ("accounts", 0, "stakeholders", 1, "role")
Pos = tuple[int, int]  # 1-based (line, column)

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

# Pydantic error types that mean "wrong kind of value", with the kind a reader understands.
_EXPECTED = {
    "string_type": "kind.text",
    "int_type": "kind.whole",
    "int_parsing": "kind.whole",
    "int_from_float": "kind.whole",
    "float_type": "kind.number",
    "float_parsing": "kind.number",
    "bool_type": "kind.bool",
    "bool_parsing": "kind.bool",
    "model_type": "kind.mapping",
    "model_attributes_type": "kind.mapping",
    "dict_type": "kind.mapping",
    "list_type": "kind.list",
}
# Pydantic's bound errors, with the context key that holds the bound.
_BOUNDS = {
    "greater_than_equal": "ge",
    "less_than_equal": "le",
    "greater_than": "gt",
    "less_than": "lt",
}

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
# YAML 1.2 core schema (what the editor's language server uses) for plain scalars.
_CORE = {
    _BOOL: re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    _INT: re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    _FLOAT: re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
}


class _Stop(Exception):
    """Abort composing at ``mark``: the document is unsafe or too big to go on."""

    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases and caps nesting depth and node count.

    Aliases are how a "billion laughs" file explodes, and a scenario never needs them.
    The caps are checked while composing, before any recursion can run away.
    """

    # YAML 1.2 core: no yes/no booleans, sexagesimal or octal-by-leading-zero numbers,
    # no timestamps; 1e6 and .5 are floats. (Keys and null resolve as in SafeLoader.)
    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (*_CORE, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Stop(event.start_mark, Msg("yaml.alias"))
        if getattr(event, "anchor", None) is not None:
            raise _Stop(event.start_mark, Msg("yaml.anchor"))
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Stop(event.start_mark, Msg("yaml.too_many_nodes", limit=f"{MAX_NODES:,}"))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Stop(event.start_mark, Msg("yaml.too_deep", limit=MAX_DEPTH))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _core_int(loader: StrictLoader, node: ScalarNode) -> int:
    v = node.value
    return int(v[2:], 8) if v.startswith("0o") else int(v[2:], 16) if v.startswith("0x") else int(v)


def _core_float(loader: StrictLoader, node: ScalarNode) -> float:
    v = node.value.lower()
    if v.endswith(".inf"):
        return float("-inf") if v.startswith("-") else float("inf")
    return float("nan") if v == ".nan" else float(v)


for _tag_name, _rx in _CORE.items():
    StrictLoader.add_implicit_resolver(_tag_name, _rx, None)
StrictLoader.add_constructor(_INT, _core_int)
StrictLoader.add_constructor(_FLOAT, _core_float)
StrictLoader.add_constructor(_BOOL, lambda loader, node: node.value.lower() == "true")


@dataclass
class Document:
    """Plain Python data of a YAML file plus where each value and key sits in it."""

    data: Any = None
    values: dict[Loc, Pos] = field(default_factory=dict)
    keys: dict[Loc, Pos] = field(default_factory=dict)
    problems: list[tuple[Pos, Loc, str]] = field(default_factory=list)
    warnings: list[tuple[Pos, Loc, str]] = field(default_factory=list)  # if nothing else fails
    unreadable: set[Loc] = field(default_factory=set)  # already reported; skip pydantic's echo

    def at(self, path: Loc, *, key: bool = False) -> Pos:
        """Position of ``path`` (its key if asked), else of its nearest recorded ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for n in range(len(path), -1, -1):
            if path[:n] in self.values:
                return self.values[path[:n]]
        return (1, 1)


def _pos(mark: yaml.Mark | None) -> Pos:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def parse_yaml(text: str) -> Document:
    """Compose ``text`` with ``StrictLoader`` and build data plus the position map."""
    doc = Document()
    look = syntax.lookalikes(text)
    if look:  # the parser would misplace these or miss them: report them alone
        doc.problems += [(pos, (), message) for pos, message in look]
        return doc
    text = syntax.tabs_after_colons(text)
    loader = None
    try:
        loader = StrictLoader(text)  # the reader checks for unprintable characters here
        root = loader.get_single_node()
        if root is None:
            doc.problems.append(((1, 1), (), Msg("file.empty")))
        elif not isinstance(root, MappingNode):
            doc.problems.append((_pos(root.start_mark), (), Msg("yaml.top_not_mapping")))
        else:
            doc.data = _build(loader, root, (), doc)
            _cut_texts(loader, root, (), doc, text.splitlines())
    except _Stop as stop:
        doc.problems.append((_pos(stop.mark), (), stop.message))
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        doc.problems.append(
            ((line, column), (), Msg("yaml.bad_char", code=f"{e.character:04x}", reason=e.reason))
        )
    except yaml.MarkedYAMLError as e:
        where, message = syntax.explain(e, text)
        doc.problems.append((where, (), message))
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _cut_texts(loader: StrictLoader, node: Node, path: Loc, doc: Document,
               lines: list[str]) -> None:
    """Warn where a comment follows a plain zh/en text on its line: ` #` cut the text.

    A comment set off as a note (two spaces or more, then ``# ``) is taken as meant."""
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode):
                _cut_texts(loader, value, path + (key_node.value,), doc, lines)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _cut_texts(loader, item, path + (i,), doc, lines)
    elif (isinstance(node, ScalarNode) and node.style is None and path
          and path[-1] in ("zh", "en")):
        end = node.end_mark
        rest = lines[end.line][end.column:] if end.line < len(lines) else ""
        if re.match(r"[ \t]+#", rest) and not re.match(r"[ \t]{2,}#(\s|$)", rest):
            col = end.column + len(rest) - len(rest.lstrip()) + 1
            doc.warnings.append(((end.line + 1, col), path, Msg("warn.text_cut", text=node.value)))


def _build(loader: StrictLoader, node: Node, path: Loc, doc: Document) -> Any:
    doc.values[path] = _pos(node.start_mark)
    if isinstance(node, MappingNode):
        if node.tag != _MAP_TAG:
            doc.problems.append(
                (_pos(node.start_mark), path, Msg("yaml.tag", tag=repr(_tag(node))))
            )
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                doc.problems.append((_pos(key_node.start_mark), path, Msg("yaml.key_not_text")))
                continue
            # Keys are names: take the text as written, so YAML 1.1's `no:` is not False.
            key = key_node.value
            if key in out:
                first = doc.keys[path + (key,)][0]
                doc.problems.append(
                    (
                        _pos(key_node.start_mark),
                        path + (key,),
                        Msg("yaml.duplicate_key", key=repr(key), line=first),
                    )
                )
                continue
            doc.keys[path + (key,)] = _pos(key_node.start_mark)
            out[key] = _build(loader, value_node, path + (key,), doc)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ_TAG:
            doc.problems.append(
                (_pos(node.start_mark), path, Msg("yaml.tag", tag=repr(_tag(node))))
            )
        return [_build(loader, item, path + (i,), doc) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:  # !!python/object, !custom …: never constructed
        message = Msg("yaml.tag", tag=repr(_tag(node)))
    except (ValueError, OverflowError) as e:  # e.g. 1e999, too big for a float
        message = Msg("yaml.cannot_read", value=repr(node.value), error=str(e))
    doc.problems.append((_pos(node.start_mark), path, message))
    doc.unreadable.add(path)
    return node.value  # keep the raw text so validation can go on


def _tag(node: Node) -> str:
    return node.tag.replace("tag:yaml.org,2002:", "!!")


# --- mapping pydantic errors -------------------------------------------------------------


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that matters."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _type_at(loc: Loc) -> Any:
    """The model's type for the value at ``loc`` (None if the loc leaves the model)."""
    tp: Any = Scenario
    for part in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if not isinstance(part, str) or part not in tp.model_fields:
                return None
            tp = tp.model_fields[part].annotation
        elif origin is list and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    return _unwrap(tp)


def _literal_values(tp: Any) -> list[Any]:
    return list(typing.get_args(tp)) if typing.get_origin(tp) is Literal else []


def _show(value: Any) -> str:
    """A value as the author wrote it: YAML's null/true/false, else repr cut to 60 chars."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _one_of(values: list[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _error_problem(err: dict[str, Any], doc: Document) -> tuple[Pos, Loc, str]:
    """One pydantic error as (position, path, human message)."""
    loc = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    ctx = err.get("ctx", {})
    if loc and loc[-1] == "[key]":  # a bad key of a dict such as `needs`
        loc = loc[:-1]
        mapping = _type_at(loc[:-1])
        key_type = typing.get_args(mapping)[0] if typing.get_origin(mapping) is dict else None
        allowed = _literal_values(_unwrap(key_type))
        if allowed:
            return doc.at(loc, key=True), loc, Msg(
                "schema.unknown_key_one_of", key=repr(loc[-1]), allowed=_one_of(allowed),
                hint=hint(str(loc[-1]), map(str, allowed)),
            )
        return doc.at(loc, key=True), loc, Msg("schema.unknown_key", key=repr(loc[-1]), hint="")
    if kind == "extra_forbidden":
        return doc.at(loc, key=True), loc, _unknown_key(loc, value)
    if kind == "missing":
        return doc.at(loc[:-1]), loc, Msg("schema.missing", key=repr(loc[-1]))
    if kind == "literal_error":
        allowed = _literal_values(_type_at(loc))
        expected = _one_of(allowed) if allowed else ctx.get("expected", "?")
        suggestion = hint(value, map(str, allowed)) if isinstance(value, str) else ""
        return doc.at(loc), loc, Msg(
            "schema.invalid_value", value=_show(value), allowed=expected, hint=suggestion
        )
    if kind in _EXPECTED:
        return doc.at(loc), loc, Msg(
            "schema.expected", kind=Msg(_EXPECTED[kind]), value=_show(value),
            fix=_type_fix(kind, value),
        )
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return doc.at(loc), loc, Msg(
            f"schema.{kind}{'_one' if limit == 1 else ''}", limit=limit,
            got=ctx.get("actual_length"),
        )
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return doc.at(loc), loc, Msg("schema.empty")
    if kind == "string_too_long":
        return doc.at(loc), loc, Msg(
            "schema.text_too_long", limit=ctx.get("max_length"), got=len(value or "")
        )
    if kind in _BOUNDS:
        return doc.at(loc), loc, Msg(
            f"schema.{_BOUNDS[kind]}", limit=_num(ctx.get(_BOUNDS[kind])), value=_show(value),
            fix=_bound_fix(value, ctx),
        )
    if kind == "finite_number":
        return doc.at(loc), loc, Msg("schema.finite", value=_show(value))
    if kind == "string_pattern_mismatch":
        return doc.at(loc), loc, Msg(
            "schema.pattern", pattern=f"'{ctx.get('pattern')}'", value=_show(value)
        )
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        reason = ctx["error"].args[0] if ctx["error"].args else ""
        if isinstance(reason, Msg):  # our validators raise Msg, so they render in Chinese
            return doc.at(loc), loc, reason
    # Pydantic's "Input should be …" / "String should match …" read better as "must …".
    message = re.sub(r"^(Input|String|List|Dictionary|Value) should ", "must ", err["msg"])
    message = message.removeprefix("Value error, ")
    if not isinstance(value, (dict, list)) and kind != "value_error":
        message += f", got {_show(value)}"
    return doc.at(loc), loc, Msg("schema.other", text=message)


def _whole_numbers(value: Any, loc: Loc) -> Any:
    """``value`` with every whole float (8600.0) where the model wants an int made an int:
    JSON Schema calls 8600.0 an integer, and validate accepts what the schema accepts."""
    if isinstance(value, dict):
        return {k: _whole_numbers(v, loc + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v, loc + (i,)) for i, v in enumerate(value)]
    if isinstance(value, float) and value.is_integer() and _type_at(loc) is int:
        return int(value)
    return value


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _unknown_key(loc: Loc, value: Any) -> Msg:
    """An unknown key; in a zh/en text given ``null``, the comma that cut an unquoted text."""
    model = _type_at(loc[:-1])
    names = (
        list(model.model_fields)
        if isinstance(model, type) and issubclass(model, BaseModel)
        else []
    )
    if value is None and {"zh", "en"} <= set(names):
        return Msg("schema.comma_in_text", key=repr(loc[-1]))
    return Msg("schema.unknown_key", key=repr(loc[-1]), hint=hint(str(loc[-1]), names))


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}([,_]\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*[%％]$")
_YAML11_BOOL = {"yes", "no", "on", "off", "y", "n"}


def _type_fix(kind: str, value: Any) -> str:
    """The fix for a value of the wrong kind, when the author's intent is plain; else ''."""
    numeric = kind in ("int_type", "int_parsing", "float_type", "float_parsing")
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        return Msg("fix.quote")
    if numeric and isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.match(text):
            return Msg("fix.no_commas", number=re.sub(r"[,_]", "", text))
        pct = _PERCENT.match(text)
        if pct:
            return Msg("fix.percent", value=text, number=f"{float(pct[1]) / 100:g}")
        if not _CORE[_FLOAT].match(text):  # float() would take 2_000 too
            return ""
        return Msg("fix.unquote", number=text)
    if kind in ("bool_type", "bool_parsing") and str(value).lower() in _YAML11_BOOL:
        return Msg("fix.bool", word=repr(value))
    return ""


def _bound_fix(value: Any, ctx: dict[str, Any]) -> str:
    """For a share written as a percentage (35 for 0.35), the fraction; else ''."""
    if ctx.get("le") == 1 and isinstance(value, (int, float)) and 1 < value <= 100:
        return Msg("fix.fraction", value=_num(value), number=f"{value / 100:g}")
    return ""


# --- public API ---------------------------------------------------------------------------


def check_scenario(path: str | os.PathLike[str]) -> tuple[Scenario | None, list[Problem]]:
    """Read and validate one scenario file; return the scenario (if valid) and every problem."""
    return _report(os.fspath(path), lambda warned: _check(Path(os.fspath(path)), warned))


def check_scenario_text(text: str, name: str) -> tuple[Scenario | None, list[Problem]]:
    """Validate scenario YAML held in memory (a workshop keeps the text it started with);
    ``name`` stands for the file in problem reports."""
    return _report(name, lambda warned: _check_bytes(text.encode("utf-8"), warned))


def load_scenario_text(text: str, name: str) -> Scenario:
    """``load_scenario`` for YAML text in memory; ``ScenarioError`` lists every problem."""
    scenario, problems = check_scenario_text(text, name)
    if scenario is None:
        raise ScenarioError(problems)
    return scenario


def _report(name: str, check) -> tuple[Scenario | None, list[Problem]]:
    found: list[tuple[Pos, Loc, str]] = []
    warned: list[tuple[Pos, Loc, str]] = []  # engine.lint: legal but probably wrong
    scenario = None
    try:
        scenario, found = check(warned)
    except Exception as e:  # a bug of ours must still come out as a report, not a traceback
        found = [((1, 1), (), Msg("internal.read", error=f"{type(e).__name__}: {e}"))]
        scenario, warned = None, []
    problems = [Problem(name, line, col, dotted(p), msg) for (line, col), p, msg in found]
    problems += [
        Problem(name, line, col, dotted(p), msg, "warning") for (line, col), p, msg in warned
    ]
    problems.sort(key=lambda p: (p.line, p.column))
    return (None if found else scenario), problems


def _check(
    path: Path, warned: list[tuple[Pos, Loc, str]]
) -> tuple[Scenario | None, list[tuple[Pos, Loc, str]]]:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)  # never more: /dev/zero must not eat the memory
    except FileNotFoundError:
        return None, [((1, 1), (), Msg("file.not_found"))]
    except OSError as e:
        return None, [((1, 1), (), Msg("file.cannot_read", reason=str(e.strerror or e)))]
    scenario, problems = _check_bytes(raw, warned)
    if scenario is not None and not problems and scenario.id != path.stem:
        warned.append(((_id_line(raw), 1), ("id",), Msg("warn.id_not_file_name",
                                                        id=repr(scenario.id), stem=path.stem)))
    return scenario, problems


def _id_line(raw: bytes) -> int:
    """The line of the top-level ``id:`` (1 if it cannot be found)."""
    for n, line in enumerate(raw.splitlines(), 1):
        if line.startswith(b"id:"):
            return n
    return 1


def _check_bytes(
    raw: bytes, warned: list[tuple[Pos, Loc, str]]
) -> tuple[Scenario | None, list[tuple[Pos, Loc, str]]]:
    if len(raw) > MAX_BYTES:
        return None, [((1, 1), (), Msg("file.too_large", limit=f"{MAX_BYTES:,}"))]
    if not raw.strip():
        return None, [((1, 1), (), Msg("file.empty"))]
    text, bad = syntax.decode(raw)
    if text is None:
        assert bad is not None
        return None, [(bad[0], (), bad[1])]
    doc = parse_yaml(text)
    if doc.data is None:
        return None, doc.problems
    problems = list(doc.problems)
    try:
        scenario = Scenario.model_validate(_whole_numbers(doc.data, ()))
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if tuple(e["loc"]) not in doc.unreadable]
        problems += [_error_problem(err, doc) for err in errors]
        return None, problems
    for ref_path, message in cross_reference_problems(scenario):
        problems.append((doc.at(ref_path), ref_path, message))
    if not problems:
        warned += doc.warnings
        warned += [(doc.at(loc), loc, message) for loc, message in lint(scenario)]
    return scenario, problems


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped in the ``scenarios`` package, sorted by name."""
    root = files("kam_sandbox.scenarios")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def _is_path(ref: str | os.PathLike[str]) -> bool:
    """Whether ``ref`` names a file (a path object, a separator, a YAML suffix), not an id."""
    if isinstance(ref, os.PathLike):
        return True
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(s in ref for s in seps) or ref.lower().endswith((".yaml", ".yml"))


def resolve(ref: str | os.PathLike[str]) -> Path:
    """The file a scenario id or path names; ``UnknownScenarioError`` if it names nothing."""
    text = os.fspath(ref)
    if _is_path(ref):
        path = Path(text)
        if not path.is_file():
            raise UnknownScenarioError(Msg("scenario.no_file", path=repr(text)))
        return path
    shipped = {p.stem: p for p in shipped_scenarios()}
    if text in shipped:
        return shipped[text]
    listing = ", ".join(shipped) or "none"
    raise UnknownScenarioError(
        Msg("scenario.unknown", id=repr(text), hint=hint(text, shipped), shipped=listing)
    )


def load_scenario(path_or_id: str | os.PathLike[str]) -> Scenario:
    """Load a shipped scenario by id or a scenario file by path; ``ScenarioError`` lists every problem."""
    path = resolve(path_or_id)
    # Report the path as the user gave it; an id is reported as its shipped file.
    scenario, problems = check_scenario(path_or_id if _is_path(path_or_id) else path)
    if scenario is None:  # warnings alone never stop a file from loading
        raise ScenarioError(problems)
    return scenario


def deep_problems(
    path: str | os.PathLike[str], scenario: Scenario | None = None, runs: int = 60, seed: int = 1
) -> list:
    """``lint_balance`` of the file at ``path`` as located warnings (``Problem``s).

    Pass the scenario if it is already loaded; a file that does not validate gives [].
    """
    from .lint import lint_balance

    name = os.fspath(path)
    if scenario is None:
        scenario, _ = check_scenario(name)
        if scenario is None:
            return []
    findings = lint_balance(scenario, runs=runs, seed=seed)
    if not findings:
        return []
    try:
        doc = parse_yaml(Path(name).read_text(encoding="utf-8-sig"))
        at = doc.at
    except (OSError, UnicodeDecodeError):
        def at(_loc: Loc) -> tuple[int, int]:
            return (1, 1)
    return [
        Problem(name, *at(loc), dotted(loc), message, "warning") for loc, message in findings
    ]
