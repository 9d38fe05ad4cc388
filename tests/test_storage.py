"""AtomicJSONStorage: atomic replace, clear errors for corrupt files, stale temp cleanup."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tinydb import TinyDB

from kam_sandbox.base.storage import (
    AtomicJSONStorage,
    CorruptFileError,
    remove_stale_temp_files,
    temp_path,
    write_atomically,
)
from kam_sandbox.engine import SaveError


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_round_trip_keeps_chinese_as_utf8(tmp_path):
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.insert({"label": "第一局：精工机床", "n": 1})
    raw = path.read_bytes()
    assert "第一局".encode() in raw  # ensure_ascii=False: readable in an editor
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.all() == [{"label": "第一局：精工机床", "n": 1}]
    assert [p.name for p in tmp_path.iterdir()] == ["db.json"]  # no temp file left


def test_missing_or_empty_file_reads_as_empty(tmp_path):
    path = tmp_path / "sub" / "db.json"
    storage = AtomicJSONStorage(path)
    assert storage.read() is None
    assert path.parent.is_dir()
    path.write_bytes(b"")
    assert storage.read() is None
    path.write_bytes(b"  \n")
    assert storage.read() is None


@pytest.mark.parametrize(
    "content, expect",
    [
        (b'{"_default": {"1": {"a": 1}', "line 1, column 28"),  # truncated
        (b"\x00\xff\xfe garbage \x80", "not UTF-8"),
        (b"{not json", "line 1, column 2"),
        (b"[1, 2, 3]", "not a KAM Sandbox database"),
        (b'{"_default": 5}', "not a KAM Sandbox database"),
    ],
)
def test_corrupt_file_raises_and_is_never_overwritten(tmp_path, content, expect):
    path = tmp_path / "db.json"
    path.write_bytes(content)
    db = TinyDB(path, storage=AtomicJSONStorage)
    with pytest.raises(CorruptFileError) as info:
        db.all()
    assert str(path) in str(info.value) and expect in str(info.value)
    assert isinstance(info.value, SaveError)
    with pytest.raises(SaveError):
        db.insert({"a": 2})  # a write reads first: it must not start an empty database
    assert path.read_bytes() == content


def test_bom_is_tolerated(tmp_path):
    path = tmp_path / "db.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"_default": {"1": {"a": 1}}}).encode())
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.all() == [{"a": 1}]


def test_failed_replace_leaves_previous_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.insert({"v": 1})
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with TinyDB(path, storage=AtomicJSONStorage) as db, pytest.raises(SaveError) as info:
        db.insert({"v": 2})
    assert "No space left" in str(info.value) and "unchanged" in str(info.value)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json"]
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.all() == [{"v": 1}]


def test_unserialisable_data_touches_nothing(tmp_path):
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    storage.write({"_default": {"1": {"a": 1}}})
    before = path.read_bytes()
    with pytest.raises(SaveError, match="not plain JSON"):
        storage.write({"_default": {"1": {"a": object()}}})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json"]


def test_stale_temp_files_are_cleaned_on_open(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"_default": {"1": {"a": 1}}}', encoding="utf-8")
    stale = [tmp_path / f".db.json.{dead_pid()}.tmp", temp_path(path)]  # a dead writer; us
    keep = [
        tmp_path / ".other.json.12345.tmp",  # another database's
        tmp_path / ".db.json.notapid.tmp",  # not our naming scheme
        tmp_path / "db.json.bak",
    ]
    for p in stale + keep:
        p.write_text('{"half', encoding="utf-8")
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.all() == [{"a": 1}]
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep)


@pytest.mark.skipif(os.name == "nt", reason="liveness of another pid is only checked on POSIX")
def test_temp_file_of_a_live_writer_is_kept(tmp_path):
    path = tmp_path / "db.json"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / f".db.json.{proc.pid}.tmp"
        live.write_text("{}", encoding="utf-8")
        assert remove_stale_temp_files(path) == []
        assert live.exists()
    finally:
        proc.kill()
        proc.wait()
    assert remove_stale_temp_files(path) == [live]


def test_batch_lands_once_and_rolls_back_whole(tmp_path):
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.insert({"n": 0})
    before = path.read_bytes()
    storage = db.storage
    with pytest.raises(RuntimeError), storage.batch():
        db.insert({"n": 1})
        db.update({"n": 99}, doc_ids=[1])  # changes TinyDB's cached data in place
        assert len(db.all()) == 2  # reads inside a batch see its writes
        raise RuntimeError("interrupted")
    assert path.read_bytes() == before
    assert [d["n"] for d in db.all()] == [0]  # the in-place change did not survive
    stamps = []
    with storage.batch():
        for n in range(2, 5):
            db.insert({"n": n})
            stamps.append(path.stat().st_mtime_ns)
    assert len(set(stamps)) == 1  # nothing written until the batch ended
    assert [d["n"] for d in TinyDB(path, storage=AtomicJSONStorage).all()] == [0, 2, 3, 4]


def test_cached_reads_follow_another_writer(tmp_path):
    path = tmp_path / "db.json"
    reader = TinyDB(path, storage=AtomicJSONStorage)
    writer = TinyDB(path, storage=AtomicJSONStorage)
    writer.insert({"v": 1})
    assert [d["v"] for d in reader.all()] == [1]
    writer.update({"v": 2})  # the file is replaced: the reader's cached copy is stale
    assert [d["v"] for d in reader.all()] == [2]


def test_plain_data_is_written_by_the_fast_encoder_as_json_would_read_it(tmp_path):
    path = tmp_path / "db.json"
    doc = {"name": "红队 \u202e", "plan": {"a": [1, 2.5, 1e-7, None, True]}, "n": 10**15}
    db = TinyDB(path, storage=AtomicJSONStorage, plain=True)
    db.insert(doc)
    assert json.loads(path.read_text(encoding="utf-8"))["_default"]["1"] == doc
    with pytest.raises(SaveError, match="not plain JSON"):  # json's message, nothing written
        db.insert({"bad": object()})
    assert len(TinyDB(path, storage=AtomicJSONStorage).all()) == 1


def test_a_temp_file_being_written_by_another_thread_is_kept(tmp_path, monkeypatch):
    """The workshop host writes its session while a screen (or the command line) in the same
    process opens the same file: that open must not delete the temp file in flight, or the
    host's write fails and a team's submission is lost."""

    path = tmp_path / "db.json"
    real_fsync = os.fsync
    cleaned = []

    def fsync_while_another_opens(fd):
        cleaned.extend(remove_stale_temp_files(path))  # another thread opening the file now
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_while_another_opens)
    write_atomically(path, b'{"a": 1}')
    assert cleaned == [] and path.read_bytes() == b'{"a": 1}'


def test_a_write_encodes_only_the_tables_it_changed(tmp_path, monkeypatch):
    """A workshop session is rewritten on every team's draft: the submissions table, most of
    the file, is encoded once, not again for each draft; the file is byte for byte what
    encoding it whole gives."""

    import msgspec

    from kam_sandbox.base import storage as storage_module

    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage, plain=True)
    db.table("submissions").insert_multiple({"plan": {"a": [i, 2.5]}} for i in range(50))
    db.table("drafts").insert({"team": "t1", "plan": {}})
    encoded = []
    real = storage_module._ENCODER

    class Counting:
        def encode(self, value):
            encoded.append(value)
            return real.encode(value)

    monkeypatch.setattr(storage_module, "_ENCODER", Counting())
    drafts = db.table("drafts")
    with db.storage.batch():
        drafts.remove(doc_ids=[1])
        drafts.insert({"team": "t1", "plan": {"accounts": {"x": 1}}, "author": "红队"})
    tables = [v for v in encoded if isinstance(v, dict)]
    assert tables == [db.storage.read()["drafts"]]  # the one table the draft replaced
    whole = msgspec.json.encode(db.storage.read())
    assert path.read_bytes() == whole
    db.table("submissions").update({"plan": {"a": [0]}}, doc_ids=[1])
    assert path.read_bytes() == msgspec.json.encode(db.storage.read())
    assert json.loads(path.read_text(encoding="utf-8"))["submissions"]["1"] == {"plan": {"a": [0]}}


def test_a_refused_write_keeps_the_data_read(tmp_path, monkeypatch):
    """A batch refused before it wrote anything (the usual error: a closed round, a bad
    plan) changed nothing in memory: the file is not parsed again for the next read."""

    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.insert({"n": 0})
    db.all()
    parsed = []
    real = AtomicJSONStorage._parse
    monkeypatch.setattr(AtomicJSONStorage, "_parse",
                        lambda self, raw: parsed.append(1) or real(self, raw))
    with pytest.raises(ValueError), db.storage.batch():
        assert [d["n"] for d in db.all()] == [0]
        raise ValueError("the round is closed")
    assert [d["n"] for d in db.all()] == [0] and parsed == []
    with pytest.raises(ValueError), db.storage.batch():
        db.insert({"n": 1})
        raise ValueError("refused after a write")
    assert [d["n"] for d in db.all()] == [0] and parsed == [1]  # read again: as on disk
