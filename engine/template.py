"""Start a new scenario file: the commented starter template or a copy of a shipped case.

``write_template`` is what ``kam-sandbox new NAME [--from ID] [--dir DIR]`` runs. It writes
``NAME.yaml`` whose first line points VS Code's YAML extension at
``kam-scenario.schema.json``, and writes that schema next to it, so the editor completes
and checks the file as the author types.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

from .errors import KamError, UnknownScenarioError
from .messages import Msg
from .scenario import Scenario, hint

SCHEMA_FILE = "kam-scenario.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=./{SCHEMA_FILE}"
STARTER = "starter.yaml"

#: The scenario id rule (engine.scenario.Id); the name is also the file name.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{0,39}")
#: The top-level `id:` line of a scenario file (its value, then an optional comment).
_ID_LINE = re.compile(r"^id:[ \t]*(?P<value>[^#\r\n]*?)(?P<rest>[ \t]*(#[^\r\n]*)?)$", re.M)


def scenario_schema() -> dict:
    """The JSON Schema of the scenario format, as ``kam-sandbox schema`` prints it."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "KAM Sandbox scenario"
    return schema


def starter_text() -> str:
    """The commented starter scenario shipped with the engine."""
    return files("kam_sandbox.engine").joinpath("templates").joinpath(STARTER).read_text(encoding="utf-8")


def _shipped_text(from_id: str) -> str:
    from .loader import shipped_scenarios

    shipped = {p.stem: p for p in shipped_scenarios()}
    if from_id not in shipped:
        listing = ", ".join(shipped) or "none"
        raise UnknownScenarioError(
            Msg("scenario.unknown", id=repr(from_id), hint=hint(from_id, shipped),
                shipped=listing)
        )
    return shipped[from_id].read_text(encoding="utf-8-sig")


def _with_id(text: str, name: str) -> str:
    """``text`` with its top-level ``id:`` set to ``name``, comments kept."""
    text, count = _ID_LINE.subn(lambda m: f"id: {name}{m['rest']}", text, count=1)
    if not count:
        raise KamError(Msg("new.no_id_line"))
    return text


def write_template(name: str, from_id: str | None, folder: Path) -> Path:
    """Write ``<folder>/<name>.yaml`` (and the schema next to it); return the file's path.

    From the starter template, or with ``from_id`` a copy of that shipped scenario with its
    id replaced and its comments kept. Never overwrites a scenario file: ``KamError``.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise KamError(Msg("new.invalid_name", name=repr(name)))
    from .loader import shipped_scenarios

    if any(p.stem == name for p in shipped_scenarios()):
        raise KamError(Msg("new.shipped_name", name=repr(name)))
    text = starter_text() if from_id is None else _shipped_text(from_id)
    text = _with_id(text, name)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != SCHEMA_LINE:
        text = SCHEMA_LINE + "\n" + text
    folder = Path(folder).expanduser()
    target = folder / f"{name}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="") as f:  # "x": never overwrite
            f.write(text)
    except FileExistsError:
        raise KamError(Msg("new.exists", path=str(target))) from None
    except OSError as e:
        raise KamError(Msg("new.cannot_write", path=str(target), reason=e.strerror or e)) from None
    write_schema(folder, target)
    return target


def write_schema(folder: Path, beside: Path) -> Path:
    """Write ``kam-scenario.schema.json`` into ``folder``, for the scenario file ``beside``
    whose first line (``SCHEMA_LINE``) points the editor at it."""
    schema = json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"
    try:
        (folder / SCHEMA_FILE).write_text(schema, encoding="utf-8")
    except OSError as e:
        raise KamError(Msg("new.cannot_write_schema", path=str(beside),
                           schema=str(folder / SCHEMA_FILE), reason=e.strerror or e)) from None
    return folder / SCHEMA_FILE
