"""A TinyDB storage that survives a crash or a kill mid-write.

TinyDB's stock ``JSONStorage`` rewrites its file in place, so a kill at the wrong moment
leaves half a file. ``AtomicJSONStorage`` writes the whole database to a temp file in the
same folder, fsyncs it, ``os.replace``s it onto the target and fsyncs the folder: the file
on disk is always either the old database or the new one. Use it as::

    from tinydb import TinyDB
    db = TinyDB(path, storage=AtomicJSONStorage)

Temp files are named ``.<file>.<pid>.tmp``; the ones a dead process left behind are deleted
when the database is next opened. A corrupt file raises ``SaveError`` (with the path and
where the JSON breaks: ``CorruptFileError``, a ``SaveError``) instead of reading as empty,
so nothing ever overwrites it.
Only one process may write a database at a time.

``with storage.batch():`` groups several TinyDB operations into one write: inside it writes
are kept in memory (and reads see them); on a normal exit the result replaces the file once,
and on an exception nothing reaches the disk.

The parsed database is kept in memory between reads while the file on disk is unchanged
(same inode, size and modification time): a workshop host reads its session many times per
request, and parsing a large file each time made a 12-team session slow. A multi-step action (close a round: fill in
three teams, record their results, mark the round) is then all-or-nothing under a kill.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import msgspec
from tinydb.storages import Storage

from kam_sandbox.engine.errors import SaveError

log = logging.getLogger("kam_sandbox.storage")


class CorruptFileError(SaveError):
    """A database file exists but cannot be parsed; it is left untouched."""


class AtomicJSONStorage(Storage):
    """TinyDB storage in one UTF-8 JSON file, replaced atomically on every write."""

    def __init__(self, path: str | os.PathLike[str], *, create_dirs: bool = True,
                 indent: int | None = None, private: bool = False, sole_writer: bool = False,
                 plain: bool = False):
        super().__init__()
        self.path = Path(path)
        self.indent = indent
        # The caller stores plain JSON only (no NaN, no numpy numbers): msgspec encodes it,
        # ten times faster than json (a workshop session is written on every team's draft).
        self.plain = plain and indent is None
        self.private = private  # readable by its owner only (it holds secrets)
        # The only writer of the file (it holds a lock): a file deleted, emptied or damaged
        # behind its back is someone else's mistake, repaired from the last good content.
        self.sole_writer = sole_writer
        self._last_good: bytes | None = None
        self._pending: dict | None = None  # inside batch(): the database not yet written
        self._depth = 0
        self._cache: tuple[tuple[int, int, int], dict] | None = None  # (file stamp, data)
        # Each table's JSON as last written, with the table it is of: a write encodes only the
        # tables it replaced (TinyDB gives a changed table a new dict, and leaves the others
        # be), so a team's draft does not encode every submission of the session again.
        self._encoded: dict[str, tuple[dict, bytes]] = {}
        if create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(self.path)

    @contextlib.contextmanager
    def batch(self):
        """Every write inside lands as ONE atomic file replace; an exception writes nothing.
        Re-entrant: only the outermost batch writes."""

        if self._depth == 0:
            self._pending = None
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                if self._pending is not None:  # TinyDB changed the cached data in place
                    self._cache = None
                # else nothing was written: a refusal (the usual error) keeps the data read
                # (dropped, a large file would be parsed again at every refused request)
                self._pending = None
            raise
        self._depth -= 1
        if self._depth == 0 and self._pending is not None:
            data, self._pending = self._pending, None
            try:
                self._write_file(data)
            except BaseException:
                self._cache = None  # changed in place by TinyDB, never written
                raise

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._pending is not None:
            return self._pending
        try:
            stamp = self._stamp()
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return self._repaired("deleted")
        except OSError as exc:
            raise SaveError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        try:
            data = self._parse(raw)
        except CorruptFileError as exc:
            if self.sole_writer and self._last_good is not None:
                return self._repaired(str(exc))
            raise
        if data is None:
            return self._repaired("emptied")
        if self.sole_writer:
            self._last_good = raw
        self._cache = (stamp, data)
        return data

    def _repaired(self, what: str) -> dict[str, dict[str, Any]] | None:
        """The sole writer's last good content when the file went missing, empty or bad
        under it: written back (the next write would do it anyway) and returned."""

        if not (self.sole_writer and self._last_good is not None):
            return None
        log.warning("%s was %s while in use; writing back its last content", self.path, what)
        with contextlib.suppress(SaveError):
            write_atomically(self.path, self._last_good, private=self.private)
        self._cache = None
        return self._parse(self._last_good)

    def _parse(self, raw: bytes) -> dict[str, dict[str, Any]] | None:
        try:
            text = raw.decode("utf-8-sig")  # tolerate a BOM added by a Windows editor
        except UnicodeDecodeError as exc:
            raise CorruptFileError(
                f"{self.path} is corrupt: not UTF-8 text (bad byte at offset {exc.start})"
            ) from exc
        if not text.strip():
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorruptFileError(
                f"{self.path} is corrupt: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno} (character {exc.pos})"
            ) from exc
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptFileError(
                f"{self.path} is not a KAM Sandbox database: expected a JSON object of tables"
            )
        return data

    def _stamp(self) -> tuple[int, int, int]:
        st = os.stat(self.path)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._depth:
            self._pending = data  # TinyDB's own copy: serialised once, when the batch ends
            return
        self._write_file(data)

    def _serialise(self, data: dict[str, dict[str, Any]]) -> bytes:
        if self.plain:
            try:
                return self._encode_tables(data)
            except (TypeError, msgspec.EncodeError):
                self._encoded = {}
                pass  # json says what is wrong with it
        try:
            return json.dumps(data, ensure_ascii=False, indent=self.indent).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise SaveError(f"cannot write {self.path}: data is not plain JSON ({exc})") from exc

    def _encode_tables(self, data: dict[str, dict[str, Any]]) -> bytes:
        """``data`` as msgspec encodes it, byte for byte, each table encoded again only if
        it is not the very table encoded last time."""

        parts, encoded = [], {}
        for name, table in data.items():
            known = self._encoded.get(name)
            body = known[1] if known is not None and known[0] is table else _ENCODER.encode(table)
            encoded[name] = (table, body)
            parts.append(_ENCODER.encode(name) + b":" + body)
        self._encoded = encoded
        return b"{" + b",".join(parts) + b"}"

    def _write_file(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            payload = self._serialise(data)  # first: data that cannot be written leaves no trace
        except SaveError:
            self._cache = None
            raise
        try:
            write_atomically(self.path, payload, private=self.private)
        except BaseException:
            self._cache = None
            raise
        if self.sole_writer:
            self._last_good = payload
        try:
            self._cache = (self._stamp(), data)
        except OSError:
            self._cache = None

    def close(self) -> None:
        pass


_ENCODER = msgspec.json.Encoder()


def write_atomically(path: Path, payload: bytes, private: bool = False) -> None:
    """Replace ``path`` with ``payload`` so that a reader or a crash sees the old file or the
    new one, never half of one: a temp file in the same folder, fsync, ``os.replace``,
    fsync of the folder. SaveError (the old file untouched) if the disk refuses.
    ``private``: the file is readable and writable by its owner only (0600)."""

    tmp = temp_path(path)
    with _writing_lock:
        _writing.add(tmp)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                     0o600 if private else 0o666)
        if private and os.name != "nt":
            os.fchmod(fd, 0o600)  # a stale temp file keeps its old mode: set it
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # an interrupt too: never leave the temp file behind
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise SaveError(f"could not write {path}: {exc.strerror or exc}; "
                            "the previous file is unchanged") from exc
        raise
    finally:
        with _writing_lock:
            _writing.discard(tmp)
    fsync_folder(path.parent)


# Temp files this process is writing right now (another thread's open of the same file must
# not take them for a dead writer's: e.g. the workshop host writing while a screen or the
# command line in the same process reads the session).
_writing: set[Path] = set()
_writing_lock = threading.Lock()


def temp_path(path: Path) -> Path:
    """The temp file this process writes before replacing ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete the temp files of database ``path`` whose writer is gone; returns those deleted.

    A temp file of another process that is still running is left alone (POSIX; on Windows
    every one is tried, and a file still open there cannot be deleted anyway), and so is
    one another thread of this process is writing.
    """
    prefix, removed = f".{path.name}.", []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix):-len(".tmp")]
        if not pid.isdigit() or _alive_elsewhere(int(pid)) or entry in _writing:
            continue
        try:
            entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed


def _alive_elsewhere(pid: int) -> bool:
    """Whether ``pid`` is another process that is still running (always False on Windows,
    where ``os.kill`` would terminate it)."""
    if pid == os.getpid() or os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except (OSError, OverflowError):
        return False
    return True


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; skipped quietly where the OS does not allow it."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
