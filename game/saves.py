"""Save slots for solo games.

A save is the game's decision log, not a dump of its state: the scenario (id, version and,
for a scenario opened from a file, its path), the seed, the plans played and the events a
facilitator injected. ``game_from_record`` replays it into exactly the same game. A record::

    {"format": 1, "scenario": "tutorial", "scenario_version": "1.0", "scenario_path": None,
     "seed": 7, "plans": [...], "injected": {"2": [["hengyun_price_cut", None]]},
     "lang": "zh", "created": "2025-...+00:00", "updated": "...", "label": "第一局",
     "turn": 3, "score": 61.2, "finished": False,
     "draft": {"accounts": {...}, "portfolio": {...}}}

``draft`` (optional) is the plan being drafted for the next quarter when the save was
written, so Continue brings it back as it was; ``draft_from_record`` drops one that no
longer fits the scenario. ``original`` (optional) is set for a what-if: the decision log
of the game it branched from (``plans``, ``injected``) and the quarter it branched at
(``from``), so its debrief can compare the two side by side. ``injected`` maps the 0-based quarter an event was queued in (a string, as JSON keys are)
to ``[event_id, account or null]`` pairs. ``turn``, ``score`` and ``finished`` are copies
for the menu; the plans are the truth.

Each slot is its own TinyDB file ``slot-<name>.json`` (atomic writes, see ``storage``), so a
corrupt slot never hurts another. Each save first keeps the slot's previous good generation
beside it as ``slot-<name>.json.prev``: when the latest one is damaged (a disk error, an
editor), loading falls back to that one and says so (``SlotInfo.fell_back``), rather than
Continue silently passing the game over. ``SaveStore.slots`` lists a broken slot with its
error instead of raising, for the menu to grey it out.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document

from kam_sandbox.base.storage import (
    AtomicJSONStorage,
    CorruptFileError,
    remove_stale_temp_files,
    write_atomically,
)
from kam_sandbox.engine import (
    Game,
    SaveError,
    Scenario,
    ScenarioError,
    UnknownScenarioError,
    load_scenario,
)
from kam_sandbox.engine.actions import parse_plan
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.loader import resolve

from .paths import APP_NAME, ENV_VAR, default_folder  # noqa: F401 (re-exported)

FORMAT = 1
AUTOSAVE = "autosave"
LANGS = ("zh", "en")
SLOT_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")
_TABLE = "save"
_DOC_ID = 1
# key: (allowed types, required)
_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "format": ((int,), True),
    "scenario": ((str,), True),
    "scenario_version": ((str,), True),
    "scenario_path": ((str, type(None)), False),
    "seed": ((int,), True),
    "plans": ((list,), True),
    "injected": ((dict,), True),
    "lang": ((str,), True),
    "created": ((str,), True),
    "updated": ((str,), True),
    "label": ((str,), True),
    "turn": ((int,), True),
    "score": ((int, float), True),
    "finished": ((bool,), True),
    "draft": ((dict, type(None)), False),
    "original": ((dict, type(None)), False),
}


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass(frozen=True)
class SlotInfo:
    """One slot as a menu lists it; ``error`` is set (and the rest mostly blank) when the slot
    cannot be loaded."""

    name: str
    label: str
    scenario: str
    turn: int
    score: float
    finished: bool
    updated: str
    error: str | None = None
    fell_back: str | None = None  # the latest generation's damage, when this is the one before
    seed: int | None = None


class SaveStore:
    """The save slots in one folder (default: ``default_folder() / "saves"``)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder() / "saves"

    def path(self, slot: str) -> Path:
        check_slot_name(slot)
        return self.folder / f"slot-{slot}.json"

    def previous_path(self, slot: str) -> Path:
        """Where ``slot``'s previous good generation is kept."""
        return self.path(slot).with_name(f"slot-{slot}.json.prev")

    def slots(self) -> list[SlotInfo]:
        """Every slot, most recently updated first; a broken slot is listed with its error."""
        infos = []
        try:
            files = sorted(self.folder.glob("slot-*.json"))
        except OSError:
            files = []
        for file in files:
            name = file.name[len("slot-"):-len(".json")]
            if not SLOT_NAME.fullmatch(name):
                continue
            try:
                record, damage = self.load_with_fallback(name)
            except (SaveError, OSError) as exc:
                infos.append(SlotInfo(name, "", "", 0, 0.0, False, _mtime(file), str(exc)))
                continue
            infos.append(SlotInfo(name, record["label"], record["scenario"], record["turn"],
                                  float(record["score"]), record["finished"],
                                  record["updated"], None, damage, record["seed"]))
        return sorted(infos, key=lambda i: _when(i.updated), reverse=True)

    def latest(self) -> SlotInfo | None:
        """The most recently updated slot that loads (for "Continue"), or None."""
        return next((i for i in self.slots() if i.error is None), None)

    def load(self, slot: str) -> dict:
        """The record in ``slot`` (its previous generation if the latest is damaged);
        SaveError if it is missing, corrupt, newer or unplayable."""
        return self.load_with_fallback(slot)[0]

    def load_with_fallback(self, slot: str) -> tuple[dict, str | None]:
        """``slot``'s record and None, or, when the latest generation is damaged but the one
        before it loads, that one and what is wrong with the latest. SaveError (the latest's)
        when neither loads."""
        path = self.path(slot)
        if not path.is_file():
            raise SaveError(f"save slot {slot!r} is empty (no file {path})")
        remove_stale_temp_files(self.previous_path(slot))  # a writer killed mid-copy
        try:
            return _load_file(path, slot), None
        except SaveError as damage:
            previous = self.previous_path(slot)
            try:
                return _load_file(previous, slot), str(damage)
            except (SaveError, OSError):
                raise damage from None

    def save(self, slot: str, record: dict) -> None:
        """Write ``record`` to ``slot`` (replacing what was there), stamping ``updated``.

        A corrupt file in the slot is kept as ``slot-<name>.json.corrupt-<time>``."""
        path = self.path(slot)
        check_record(record, where="the record to save", strict=True)
        if record["format"] != FORMAT:
            raise SaveError(f"cannot write a save of format {record['format']}; "
                            f"this version writes format {FORMAT}")
        record = copy.deepcopy(record)
        record["updated"] = now()
        self._keep_previous(slot)

        try:
            _write(path, record)
        except CorruptFileError:
            # Saving over a broken slot: keep its bytes beside it, then write afresh.
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            try:
                os.replace(path, path.with_name(f"{path.name}.corrupt-{stamp}"))
            except OSError as exc:
                raise SaveError(f"cannot replace the corrupt save slot {slot!r}: "
                                f"{exc.strerror or exc}") from exc
            _write(path, record)

    def _keep_previous(self, slot: str) -> None:
        """Copy the slot's current file to its previous generation, if it loads (a damaged
        one never replaces the good generation kept before it)."""
        path = self.path(slot)
        try:
            payload = path.read_bytes()
            _load_file(path, slot)
        except (OSError, SaveError):
            return
        write_atomically(self.previous_path(slot), payload)

    def autosave(self, record: dict) -> None:
        self.save(AUTOSAVE, record)

    def delete(self, slot: str) -> None:
        """Remove a slot (nothing happens if it is empty)."""
        path = self.path(slot)
        try:
            path.unlink(missing_ok=True)
            self.previous_path(slot).unlink(missing_ok=True)
        except OSError as exc:
            raise SaveError(f"cannot delete save slot {slot!r}: {exc.strerror or exc}") from exc
        remove_stale_temp_files(path)


def _load_file(path: Path, slot: str) -> dict:
    """The valid record in ``path`` (a generation of ``slot``); SaveError if there is none."""
    record = _read(path)
    if record is None:
        raise SaveError(f"save slot {slot!r} ({path}) holds no save")
    check_record(record, where=f"save slot {slot!r} ({path})")
    _check_scenario_exists(record, where=f"save slot {slot!r}")
    return record


def _read(path: Path) -> dict | None:
    """The record in a slot file, or None if it holds none; CorruptFileError if unreadable."""
    with TinyDB(path, storage=AtomicJSONStorage, create_dirs=False) as db:
        try:
            doc = db.table(_TABLE).get(doc_id=_DOC_ID)
        except (TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(f"{path} is not a KAM Sandbox save ({exc})") from exc
    return None if doc is None else dict(doc)


def _write(path: Path, record: dict) -> None:
    """Put ``record`` in a slot file with exactly one storage write, so the file always holds
    a whole record; CorruptFileError (nothing written) if the file there is unreadable."""

    def replace(doc: dict) -> None:
        doc.clear()
        doc.update(record)

    with TinyDB(path, storage=AtomicJSONStorage) as db:
        table = db.table(_TABLE)
        try:
            if table.contains(doc_id=_DOC_ID):
                table.update(replace, doc_ids=[_DOC_ID])
            else:
                table.insert(Document(record, doc_id=_DOC_ID))
        except (TypeError, ValueError, AttributeError) as exc:
            raise CorruptFileError(f"{path} is not a KAM Sandbox save ({exc})") from exc


def check_slot_name(slot: str) -> None:
    if not isinstance(slot, str) or not SLOT_NAME.fullmatch(slot):
        raise SaveError(
            f"bad save slot name {slot!r}: use 1-40 letters, digits, '-' or '_'"
        )


def check_record(record: dict, where: str = "save", strict: bool = False) -> None:
    """Raise SaveError unless ``record`` has the shape of a save (format 1).

    A newer ``format`` is refused first, as its other fields may mean something else.
    ``strict`` also refuses unknown keys (a caller's typo); loading ignores them.
    """
    if not isinstance(record, dict):
        raise SaveError(f"{where}: a save must be a JSON object, not {type(record).__name__}")
    fmt = record.get("format")
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
        raise SaveError(
            f"{where} was made by a newer version of KAM Sandbox (save format {fmt}; "
            f"this version reads format {FORMAT}); update the game to open it"
        )
    missing = [k for k, (_, required) in _FIELDS.items() if required and k not in record]
    if missing:
        raise SaveError(f"{where} is incomplete: missing {', '.join(missing)}")
    for key, (types, _) in _FIELDS.items():
        if key not in record:
            continue
        value = record[key]
        bad_bool = isinstance(value, bool) and bool not in types
        if bad_bool or not isinstance(value, types):
            raise SaveError(f"{where}: {key} has the wrong type ({type(value).__name__})")
    if strict:
        unknown = sorted(set(record) - set(_FIELDS))
        if unknown:
            raise SaveError(f"{where}: unknown keys {', '.join(unknown)}")
    if record["format"] < 1:
        raise SaveError(f"{where}: bad format {record['format']}")
    if record["lang"] not in LANGS:
        raise SaveError(f"{where}: lang must be one of {', '.join(LANGS)}, "
                        f"not {record['lang']!r}")
    if not record["scenario"]:
        raise SaveError(f"{where}: scenario is empty")
    plans = record["plans"]
    if not all(isinstance(p, dict) for p in plans):
        raise SaveError(f"{where}: every plan must be a JSON object")
    if record["turn"] != len(plans):
        raise SaveError(f"{where}: turn {record['turn']} does not match "
                        f"its {len(plans)} plans")
    _injected(record, where)


def _injected(record: dict, where: str) -> dict[int, list[tuple[str, str | None]]]:
    """``record["injected"]`` with int turns and tuple pairs; SaveError if malformed."""
    out: dict[int, list[tuple[str, str | None]]] = {}
    last = len(record["plans"])  # events may wait for the quarter not yet played
    for key, events in record["injected"].items():
        turn = key if isinstance(key, int) else int(key) if str(key).isdigit() else -1
        if isinstance(turn, bool) or not 0 <= turn <= last:
            raise SaveError(f"{where}: injected events at bad quarter {key!r}")
        if not isinstance(events, list):
            raise SaveError(f"{where}: injected[{key!r}] must be a list")
        pairs = []
        for ev in events:
            ok = (isinstance(ev, (list, tuple)) and len(ev) == 2 and isinstance(ev[0], str)
                  and (ev[1] is None or isinstance(ev[1], str)))
            if not ok:
                raise SaveError(
                    f"{where}: injected[{key!r}] holds {ev!r}, not [event_id, account or null]"
                )
            pairs.append((ev[0], ev[1]))
        if turn in out:
            raise SaveError(f"{where}: quarter {turn} is listed twice in injected")
        out[turn] = pairs
    return out


def _check_scenario_exists(record: dict, where: str) -> None:
    ref = record.get("scenario_path") or record["scenario"]
    try:
        resolve(ref)
    except UnknownScenarioError as exc:
        raise SaveError(
            f"{where} uses scenario {record['scenario']!r}, which is not installed ({exc})"
        ) from exc


def record_from_game(game: Game, lang: str, label: str,
                     scenario_path: str | os.PathLike[str] | None = None,
                     draft: dict | None = None, original: dict | None = None) -> dict:
    """The save record of ``game`` (its decision log, and ``draft``, the next quarter's plan
    being drafted) for ``SaveStore.save``.

    ``scenario_path`` is required for a scenario opened from a file (it is stored absolute);
    a shipped scenario is found again by its id.
    """
    sc = game.scenario
    if scenario_path is not None:
        scenario_path = str(Path(scenario_path).resolve())
    else:
        try:
            resolve(sc.id)
        except UnknownScenarioError as exc:
            raise SaveError(
                f"scenario {sc.id!r} is not a shipped one: pass the file it was opened from "
                "as scenario_path"
            ) from exc
    stamp = now()
    record = {
        "format": FORMAT,
        "scenario": sc.id,
        "scenario_version": sc.version,
        "scenario_path": scenario_path,
        "seed": int(game.seed),
        "plans": copy.deepcopy(game.plans),
        "injected": {
            str(turn): [[e.id, e.account] for e in events]
            for turn, events in sorted(game.batch.injected.items())
            if events
        },
        "lang": lang,
        "created": stamp,
        "updated": stamp,
        "label": label,
        "turn": int(game.turn),
        "score": float(game.scorecard()["score"]),
        "finished": bool(game.over),
        "draft": None if game.over or not draft else copy.deepcopy(draft),
        "original": copy.deepcopy(original) if original else None,
    }
    check_record(record, where="record_from_game", strict=True)
    return record


def original_log(game: Game, turn: int) -> dict:
    """What a what-if branched at quarter ``turn`` (1-based) of ``game`` keeps of the game
    it came from: its decision log (plans and injected events, as a save holds them) and
    the quarter it branched at, so the branch's debrief can replay it side by side."""

    record = {"plans": copy.deepcopy(game.plans), "injected": {
        str(t): [[e.id, e.account] for e in events]
        for t, events in sorted(game.batch.injected.items()) if events}}
    return {**record, "from": int(turn)}


def original_game(original: dict | None, scenario: Scenario, seed: int) -> Game | None:
    """The game a what-if branched from, replayed from ``original_log``; None when there is
    none or it no longer replays (the branch itself still opens)."""

    if not isinstance(original, dict) or not isinstance(original.get("plans"), list):
        return None
    try:
        injected = _injected({"plans": original["plans"],
                              "injected": original.get("injected") or {}}, "original")
        return Game.replay(scenario, seed, original["plans"], injected)
    except KamError:
        return None


def draft_from_record(record: dict, game: Game) -> dict | None:
    """The draft kept in ``record`` for ``game``'s next quarter, or None when it has none or
    it no longer fits the scenario (an account was removed from it since)."""

    draft = record.get("draft")
    if game.over or not isinstance(draft, dict):
        return None
    try:
        parse_plan(draft, game.batch.static)
    except KamError:
        return None
    return copy.deepcopy(draft)


def game_from_record(record: dict) -> Game:
    """Replay a save into the same game; SaveError if its scenario is missing or its plans
    no longer make sense (an account that is gone).

    A save made with another version of its case, or with plans that a rule added since
    refuses, still opens: the plans are replayed under today's case and rules (a refused
    one fitted to them) and ``replay_notes`` says so, because a player's game is worth
    more than numbers identical to the day it was played."""
    where = f"save {record.get('label')!r}" if isinstance(record, dict) else "save"
    check_record(record, where=where)
    if record["format"] != FORMAT:
        raise SaveError(f"{where}: cannot read save format {record['format']}")
    scenario = _load_scenario(record, where)
    injected = _injected(record, where)
    try:
        game = Game.replay(scenario, record["seed"], record["plans"], injected, adapt=True)
    except KamError as exc:
        raise SaveError(f"{where} no longer replays: {exc}") from exc
    return game


def replay_notes(record: dict, game: Game) -> list[tuple[str, dict]]:
    """What changed since ``record`` was played, as (message key, parameters): another
    version of its case, and each quarter whose plan had to be fitted to today's rules."""

    notes = []
    if record["scenario_version"] != game.scenario.version:
        notes.append(("menu.replayed_version", {"saved": record["scenario_version"],
                                                "installed": game.scenario.version}))
    notes += [("menu.replayed_fitted", {"n": quarter, "why": why})
              for quarter, why in game.adapted]
    return notes


def _load_scenario(record: dict, where: str) -> Scenario:
    ref = record.get("scenario_path") or record["scenario"]
    try:
        scenario = load_scenario(ref)
    except UnknownScenarioError as exc:
        raise SaveError(
            f"{where} uses scenario {record['scenario']!r}, which is not installed ({exc})"
        ) from exc
    except ScenarioError as exc:
        raise SaveError(f"{where}: its scenario no longer loads:\n{exc}") from exc
    if scenario.id != record["scenario"]:
        raise SaveError(
            f"{where} was made with scenario {record['scenario']!r}, but {ref} now holds "
            f"scenario {scenario.id!r}"
        )
    return scenario


def _mtime(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat()
    except OSError:
        return ""


def _when(stamp: str) -> float:
    """A sortable time for an ISO stamp; a naive one is taken as UTC, a bad one as oldest."""
    try:
        t = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return float("-inf")
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()
