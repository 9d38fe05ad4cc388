"""Read a scenario file strictly and report every problem at its YAML line and column.

The YAML is composed into a node tree (so every value keeps its mark) and walked by hand:
anchors, aliases and duplicate keys are refused, size, depth and node count are capped,
and a map from each value's path to its position lets pydantic's errors and the
cross-reference checks point at the exact line. Nothing a user can put in a file
escapes as a traceback: every failure becomes a ``Problem``.
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

from .errors import Problem, ScenarioError, UnknownScenarioError
from .lint import lint
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
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
}


class _Stop(Exception):
    """Abort composing at ``mark``: the document is unsafe or too big to go on."""

    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases and caps nesting depth and node count.

    Aliases are how a "billion laughs" file explodes, and a scenario never needs them.
    The caps are checked while composing, before any recursion can run away.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Stop(event.start_mark, "YAML aliases (*name) are not allowed")
        if getattr(event, "anchor", None) is not None:
            raise _Stop(event.start_mark, "YAML anchors (&name) are not allowed")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Stop(event.start_mark, f"too many YAML nodes (the limit is {MAX_NODES:,})")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Stop(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass
class Document:
    """Plain Python data of a YAML file plus where each value and key sits in it."""

    data: Any = None
    values: dict[Loc, Pos] = field(default_factory=dict)
    keys: dict[Loc, Pos] = field(default_factory=dict)
    problems: list[tuple[Pos, Loc, str]] = field(default_factory=list)
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
    loader = None
    try:
        loader = StrictLoader(text)  # the reader checks for unprintable characters here
        root = loader.get_single_node()
        if root is None:
            doc.problems.append(((1, 1), (), "file is empty"))
        elif not isinstance(root, MappingNode):
            doc.problems.append(
                (_pos(root.start_mark), (), "the top level must be a mapping of keys to values")
            )
        else:
            doc.data = _build(loader, root, (), doc)
    except _Stop as stop:
        doc.problems.append((_pos(stop.mark), (), stop.message))
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        doc.problems.append(
            ((line, column), (), f"unacceptable character #x{e.character:04x}: {e.reason}")
        )
    except yaml.MarkedYAMLError as e:
        message = e.problem or e.context or "invalid YAML"
        if e.problem and e.context:
            # "while parsing X" says where the broken construct began; others read as a lead-in.
            if e.context.startswith("while") and e.context_mark is not None:
                message += f" ({e.context} at line {e.context_mark.line + 1})"
            else:
                message = f"{e.context}, {e.problem}"
        doc.problems.append((_pos(e.problem_mark or e.context_mark), (), message))
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _build(loader: StrictLoader, node: Node, path: Loc, doc: Document) -> Any:
    doc.values[path] = _pos(node.start_mark)
    if isinstance(node, MappingNode):
        if node.tag != _MAP_TAG:
            doc.problems.append(
                (_pos(node.start_mark), path, f"unsupported YAML tag {_tag(node)!r}")
            )
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                doc.problems.append((_pos(key_node.start_mark), path, "a key must be plain text"))
                continue
            # Keys are names: take the text as written, so YAML 1.1's `no:` is not False.
            key = key_node.value
            if key in out:
                first = doc.keys[path + (key,)][0]
                doc.problems.append(
                    (
                        _pos(key_node.start_mark),
                        path + (key,),
                        f"duplicate key {key!r} (first at line {first})",
                    )
                )
                continue
            doc.keys[path + (key,)] = _pos(key_node.start_mark)
            out[key] = _build(loader, value_node, path + (key,), doc)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ_TAG:
            doc.problems.append(
                (_pos(node.start_mark), path, f"unsupported YAML tag {_tag(node)!r}")
            )
        return [_build(loader, item, path + (i,), doc) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:  # !!python/object, !custom …: never constructed
        message = f"unsupported YAML tag {_tag(node)!r}"
    except (ValueError, OverflowError) as e:  # an impossible timestamp such as 2024-13-45
        message = f"cannot read {node.value!r}: {e}"
    doc.problems.append((_pos(node.start_mark), path, message))
    doc.unreadable.add(path)
    return node.value  # keep the raw text so validation can go on


def _tag(node: Node) -> str:
    return node.tag.replace("tag:yaml.org,2002:", "!!")


def _decode(raw: bytes) -> tuple[str | None, str]:
    """The text of ``raw``, or None and why it is not a UTF-8 text file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, f"not a UTF-8 text file (byte 0x{raw[e.start]:02x} at offset {e.start})"
    if "\x00" in text:
        offset = raw.index(b"\x00")
        return None, f"not a UTF-8 text file (byte 0x00 at offset {offset})"
    return text, ""


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


def dotted(path: Loc) -> str:
    """``("accounts", 2, "role")`` -> ``accounts[2].role``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _one_of(values: list[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _error_problem(err: dict[str, Any], doc: Document) -> tuple[Pos, Loc, str]:
    """One pydantic error as (position, path, human message)."""
    loc = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    if loc and loc[-1] == "[key]":  # a bad key of a dict such as `needs`
        loc = loc[:-1]
        mapping = _type_at(loc[:-1])
        key_type = typing.get_args(mapping)[0] if typing.get_origin(mapping) is dict else None
        allowed = _literal_values(_unwrap(key_type))
        message = f"unknown key {loc[-1]!r}"
        if allowed:
            message += (
                f"; expected one of {_one_of(allowed)}{hint(str(loc[-1]), map(str, allowed))}"
            )
        return doc.at(loc, key=True), loc, message
    if kind == "extra_forbidden":
        model = _type_at(loc[:-1])
        names = (
            list(model.model_fields)
            if isinstance(model, type) and issubclass(model, BaseModel)
            else []
        )
        return doc.at(loc, key=True), loc, f"unknown key {loc[-1]!r}{hint(str(loc[-1]), names)}"
    if kind == "missing":
        return doc.at(loc[:-1]), loc, f"missing required key {loc[-1]!r}"
    if kind == "literal_error":
        allowed = _literal_values(_type_at(loc))
        expected = _one_of(allowed) if allowed else err.get("ctx", {}).get("expected", "?")
        suggestion = hint(value, map(str, allowed)) if isinstance(value, str) else ""
        return (
            doc.at(loc),
            loc,
            f"invalid value {_show(value)}; expected one of {expected}{suggestion}",
        )
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_show(value)}"
        if kind == "string_type" and isinstance(value, (int, float, bool)):
            message += " (put it in quotes to make it text)"
        return doc.at(loc), loc, message
    if kind in ("too_short", "too_long"):
        ctx = err.get("ctx", {})
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        bound = "at least" if kind == "too_short" else "at most"
        items = "item" if limit == 1 else "items"
        return (
            doc.at(loc),
            loc,
            f"must have {bound} {limit} {items}, got {ctx.get('actual_length')}",
        )
    if kind == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
        return doc.at(loc), loc, "must not be empty"
    # Pydantic's "Input should be …" / "String should match …" read better as "must …".
    message = re.sub(r"^(Input|String|List|Dictionary|Value) should ", "must ", err["msg"])
    message = message.removeprefix("Value error, ")
    if not isinstance(value, (dict, list)) and kind != "value_error":
        message += f", got {_show(value)}"
    return doc.at(loc), loc, message


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
        found = [((1, 1), (), f"internal error while reading: {type(e).__name__}: {e}")]
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
    except OSError as e:
        return None, [((1, 1), (), f"cannot read file: {e.strerror or e}")]
    return _check_bytes(raw, warned)


def _check_bytes(
    raw: bytes, warned: list[tuple[Pos, Loc, str]]
) -> tuple[Scenario | None, list[tuple[Pos, Loc, str]]]:
    if len(raw) > MAX_BYTES:
        return None, [((1, 1), (), f"file is too large (the limit is {MAX_BYTES:,} bytes)")]
    if not raw.strip():
        return None, [((1, 1), (), "file is empty")]
    text, why = _decode(raw)
    if text is None:
        return None, [((1, 1), (), why)]
    doc = parse_yaml(text)
    if doc.data is None:
        return None, doc.problems
    problems = list(doc.problems)
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if tuple(e["loc"]) not in doc.unreadable]
        problems += [_error_problem(err, doc) for err in errors]
        return None, problems
    for ref_path, message in cross_reference_problems(scenario):
        problems.append((doc.at(ref_path), ref_path, message))
    if not problems:
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
            raise UnknownScenarioError(f"no scenario file {text!r}")
        return path
    shipped = {p.stem: p for p in shipped_scenarios()}
    if text in shipped:
        return shipped[text]
    listing = ", ".join(shipped) or "none"
    raise UnknownScenarioError(
        f"unknown scenario {text!r}{hint(text, shipped)}; shipped: {listing}"
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
