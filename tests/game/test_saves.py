"""Save slots: exact replay round trips, independent slots, corrupt and newer saves, kills."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kam_sandbox import game
from kam_sandbox.engine import PlanError, SaveError, load_scenario, new_game
from kam_sandbox.game.saves import (
    SaveStore,
    SlotInfo,
    default_folder,
    game_from_record,
    record_from_game,
    replay_notes,
)

DATA = Path(__file__).resolve().parents[1] / "data"

PLANS = [
    {"accounts": {"jinggong": {"survey": True, "am_days": {"zhou_zhenhua": 2, "lu_min": 2},
                               "support_days": 2},
                  "dingxin": {"survey": True, "am_days": {"lin_zhiming": 2}}},
     "portfolio": {}},
    {"accounts": {"jinggong": {"support_days": 4, "training_days": 2, "promotion": 10000,
                               "am_days": {"lu_min": 3, "zhou_zhenhua": 2}},
                  "dingxin": {"discount": 0.03, "am_days": {"lin_zhiming": 2}}}},
    {"accounts": {"jinggong": {"support_days": 4, "feedback": True, "am_days": {"lu_min": 3}}}},
]


@pytest.fixture
def store(tmp_path, monkeypatch) -> SaveStore:
    monkeypatch.setenv("KAM_SANDBOX_DATA", str(tmp_path / "data"))
    return SaveStore()


def played(turns: int = 2, seed: int = 42, inject: bool = True):
    game = new_game("tutorial", seed)
    for turn in range(turns):
        if inject and turn == 1:
            game.inject("hengyun_price_cut")
            game.inject("jinhua_complaint", "jinhua")
        game.play(PLANS[turn])
    return game


def record(label: str = "第一局", **changes) -> dict:
    rec = record_from_game(played(), "zh", label)
    rec.update(changes)
    return rec


# -- round trips -----------------------------------------------------------------------------


def test_round_trip_replays_the_same_game(store):
    game = played(2)
    game.inject("dingxin_late_delivery")  # queued for the quarter not yet played
    store.save("game1", record_from_game(game, "zh", "精工机床：第一局"))
    back = game_from_record(store.load("game1"))
    assert back.turn == game.turn == 2
    assert back.kpi_history() == game.kpi_history()
    assert back.plans == game.plans
    assert back.scorecard() == game.scorecard()
    # the pending event is replayed too: the next quarter comes out the same
    assert game.play(PLANS[2]) == back.play(PLANS[2])
    assert back.kpi_history() == game.kpi_history()


def test_round_trip_of_a_finished_game(store):
    game = new_game("tutorial", 3)
    while not game.over:
        game.play({})
    store.save("done", record_from_game(game, "en", "done"))
    info = store.slots()[0]
    assert info.finished and info.turn == game.turn
    assert info.score == pytest.approx(game.scorecard()["score"])
    assert game_from_record(store.load("done")).kpi_history() == game.kpi_history()


def test_unicode_label_survives_as_utf8(store):
    label = "大客户管理沙盘 · 第二局（恒运物流）"
    store.save("zh", record(label))
    assert store.load("zh")["label"] == label
    assert store.slots()[0].label == label
    assert label.encode("utf-8") in store.path("zh").read_bytes()


def test_record_shape(store):
    rec = record("x")
    assert rec["format"] == 1 and rec["scenario"] == "tutorial" and rec["scenario_version"] == "1.0"
    assert rec["seed"] == 42 and rec["turn"] == 2 and rec["finished"] is False
    assert rec["injected"] == {"1": [["hengyun_price_cut", "hengyun"], ["jinhua_complaint", "jinhua"]]}
    json.dumps(rec)  # plain data


def test_scenario_from_a_file_needs_its_path(store, tmp_path):
    path = tmp_path / "my scenario.yaml"
    shutil.copy(DATA / "minimal.yaml", path)
    game = new_game(load_scenario(path), 5)
    game.play({})
    with pytest.raises(SaveError, match="scenario_path"):
        record_from_game(game, "zh", "x")
    store.save("file", record_from_game(game, "zh", "x", scenario_path=path))
    rec = store.load("file")
    assert Path(rec["scenario_path"]).is_absolute()
    assert game_from_record(rec).kpi_history() == game.kpi_history()
    path.unlink()
    with pytest.raises(SaveError, match="not installed"):
        store.load("file")


def test_a_save_of_another_case_version_replays_and_says_so(store):
    rec = record(scenario_version="0.9")
    game = game_from_record(rec)
    assert game.kpi_history() == played().kpi_history()  # same plans, same case here
    assert replay_notes(rec, game) == [
        ("menu.replayed_version", {"saved": "0.9", "installed": "1.0"})]
    assert replay_notes(record(), game_from_record(record())) == []


def test_a_plan_that_a_later_rule_refuses_is_fitted_not_lost(store):
    """A save made before the 0.5-day contact rule: its token contact is dropped on replay,
    the rest of the quarter and the game play on, and the note names the quarter."""
    rec = record()
    token = {"accounts": {"jinggong": {"survey": True,
                                       "am_days": {"zhou_zhenhua": 2, "lu_min": 0.1}}}}
    rec["plans"][0] = token
    with pytest.raises(PlanError):
        new_game("tutorial", 42).play(token)
    game = game_from_record(rec)
    assert game.turn == 2
    days = game.plans[0]["accounts"]["jinggong"]["am_days"]
    assert set(days) == {"zhou_zhenhua"}  # the token's time goes to the person met
    assert sum(days.values()) == pytest.approx(2.1)
    assert game.plans[0]["accounts"]["jinggong"]["survey"] is True
    ((key, values),) = replay_notes(rec, game)
    assert key == "menu.replayed_fitted" and values["n"] == 1
    assert "lu_min" in values["why"] or "陆敏" in values["why"] or "0.5" in values["why"]


def test_plans_that_no_longer_replay_are_a_save_error(store):
    rec = record()
    rec["plans"][0] = {"accounts": {"nobody": {"survey": True}}}
    with pytest.raises(SaveError, match="no longer replays"):
        game_from_record(rec)


# -- slots -----------------------------------------------------------------------------------


def test_default_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_SANDBOX_DATA", str(tmp_path))
    assert default_folder() == tmp_path
    assert SaveStore().folder == tmp_path / "saves"
    monkeypatch.delenv("KAM_SANDBOX_DATA")
    assert default_folder().name == "kam-sandbox"


def test_slots_are_independent(store):
    assert store.slots() == [] and store.latest() is None
    store.save("a", record("A"))
    store.save("b", record("B", seed=7))
    store.autosave(record("auto"))
    assert {i.name for i in store.slots()} == {"a", "b", "autosave"}
    store.save("b", record("B2"))
    assert store.load("a")["label"] == "A"
    assert store.load("b")["label"] == "B2"
    store.delete("a")
    store.delete("a")  # idempotent
    assert {i.name for i in store.slots()} == {"b", "autosave"}
    assert store.load("autosave")["label"] == "auto"
    with pytest.raises(SaveError, match="empty"):
        store.load("a")


def test_latest_is_the_most_recently_saved(store):
    store.save("a", record("A"))
    store.save("b", record("B"))
    assert store.latest().name == "b"
    store.save("a", record("A again"))
    latest = store.latest()
    assert isinstance(latest, SlotInfo) and latest.name == "a" and latest.label == "A again"
    assert [i.name for i in store.slots()] == ["a", "b"]


def test_save_stamps_updated_and_keeps_created(store):
    rec = record(created="2020-01-01T00:00:00+00:00", updated="2020-01-01T00:00:00+00:00")
    store.save("a", rec)
    back = store.load("a")
    assert back["created"] == "2020-01-01T00:00:00+00:00"
    assert back["updated"] > "2020"
    assert rec["updated"] == "2020-01-01T00:00:00+00:00"  # the caller's dict is not changed


@pytest.mark.parametrize("name", ["", "a" * 41, "../evil", "a b", "存档", "a.json", None])
def test_bad_slot_names(store, name):
    with pytest.raises(SaveError, match="slot name"):
        store.save(name, record())
    with pytest.raises(SaveError, match="slot name"):
        store.load(name)


def test_good_slot_names(store):
    for name in ("a", "A-1_b", "x" * 40):
        store.save(name, record())
        assert store.load(name)["label"] == "第一局"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"seed": "42"}, "seed has the wrong type"),
        ({"finished": 1}, "finished has the wrong type"),
        ({"turn": True}, "turn has the wrong type"),
        ({"lang": "fr"}, "lang must be one of"),
        ({"turn": 5}, "does not match"),
        ({"plans": [1, 2]}, "every plan"),
        ({"injected": {"9": []}}, "bad quarter"),
        ({"injected": {"1": [["x"]]}}, "event_id"),
        ({"labl": "typo"}, "unknown keys labl"),
        ({"format": 0}, "bad format"),
    ],
)
def test_save_validates_the_record(store, change, message):
    with pytest.raises(SaveError, match=message):
        store.save("a", record(**change))
    assert store.slots() == []


def test_save_refuses_a_missing_key(store):
    rec = record()
    del rec["plans"]
    with pytest.raises(SaveError, match="missing plans"):
        store.save("a", rec)


# -- broken slots ----------------------------------------------------------------------------


def valid_json_slot(store, name: str, rec: dict) -> Path:
    path = store.path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"save": {"1": rec}}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "corrupt"),
        (b'{"save": {"1": {"format": 1, "scenario": "tut', "line 1, column"),
        (b"[]", "not a KAM Sandbox database"),
        (b'{"save": {"one": {"format": 1}}}', "holds no save"),
        (b'{"save": {"1": 5}}', "not a KAM Sandbox save"),
        (b"", "holds no save"),
        (b'{"save": {"1": {"format": 1, "seed": 3}}}', "missing scenario"),
    ],
)
def test_a_corrupt_slot_is_listed_and_hurts_no_other(store, content, message):
    store.save("good", record("好"))
    bad = store.path("bad")
    bad.write_bytes(content)
    infos = {i.name: i for i in store.slots()}  # does not raise
    assert infos["good"].error is None
    assert message in infos["bad"].error and "bad" in infos["bad"].error
    assert infos["bad"].updated  # the file's time, for the menu
    assert store.latest().name == "good"
    with pytest.raises(SaveError) as info:
        store.load("bad")
    assert message in str(info.value)
    assert bad.read_bytes() == content  # listing and loading never rewrite it
    assert store.load("good")["label"] == "好"


def test_corrupt_json_error_names_file_and_position(store):
    store.save("a", record())
    path = store.path("a")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(SaveError) as info:
        store.load("a")
    text = str(info.value)
    assert str(path) in text and "line 1, column" in text and "character" in text


def test_saving_over_a_corrupt_slot_keeps_the_old_bytes_aside(store):
    path = store.path("autosave")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{garbage")
    store.autosave(record("new"))
    assert store.load("autosave")["label"] == "new"
    aside = list(path.parent.glob("slot-autosave.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"{garbage"
    assert [i.name for i in store.slots()] == ["autosave"]


def test_a_newer_format_is_refused_clearly(store):
    store.save("old", record())
    valid_json_slot(store, "new", {"format": 2, "whatever": "changed"})
    with pytest.raises(SaveError, match="made by a newer version of KAM Sandbox"):
        store.load("new")
    infos = {i.name: i for i in store.slots()}
    assert "newer version" in infos["new"].error and infos["old"].error is None
    assert store.latest().name == "old"
    with pytest.raises(SaveError, match="newer version"):
        game_from_record({"format": 2})


def test_an_unknown_scenario_is_listed_with_its_error(store):
    valid_json_slot(store, "gone", record(scenario="retired_case"))
    infos = {i.name: i for i in store.slots()}
    assert "retired_case" in infos["gone"].error and "not installed" in infos["gone"].error
    with pytest.raises(SaveError, match="not installed"):
        store.load("gone")
    assert store.latest() is None


# -- crashes ---------------------------------------------------------------------------------


def test_a_crash_during_write_keeps_the_previous_save(store, monkeypatch):
    store.save("a", record("before"))
    before = store.path("a").read_bytes()

    def crash(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(SaveError, match="Input/output error"):
        store.save("a", record("after"))
    monkeypatch.undo()
    assert store.path("a").read_bytes() == before
    assert store.load("a")["label"] == "before"
    assert [p.name for p in store.folder.iterdir()] == ["slot-a.json"]


def test_stale_temp_files_are_cleaned(store):
    store.save("a", record())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    stale = store.folder / f".slot-a.json.{proc.pid}.tmp"
    stale.write_text('{"save": {"1": {"form', encoding="utf-8")
    other = store.folder / f".slot-b.json.{proc.pid}.tmp"
    other.write_text("{", encoding="utf-8")
    assert store.load("a")["turn"] == 2
    assert not stale.exists() and other.exists()
    assert {i.name for i in store.slots()} == {"a"}  # temp files are never listed as slots
    store.delete("b")
    assert not other.exists()


# The writer the kill test runs in a subprocess; the parent execs the same source to check.
RECORD_SRC = '''
def make_record(n):
    plans = [{"accounts": {}, "portfolio": {}, "pad": "客户" * (n % 40)} for _ in range(n % 20)]
    return {"format": 1, "scenario": "tutorial", "scenario_version": "1.0", "seed": n,
            "plans": plans, "injected": {}, "lang": "zh", "created": "2024-01-01T00:00:00",
            "updated": "2024-01-01T00:00:00", "label": "写入%d:" % n + "大客户" * (n % 300),
            "turn": n % 20, "score": n / 7, "finished": False}
'''
WRITER = RECORD_SRC + '''
import sys, time
from pathlib import Path
from kam_sandbox.game.saves import SaveStore
store = SaveStore(Path(sys.argv[1]))
deadline = time.monotonic() + 10
for n in range(1, 2001):
    store.save("kill", make_record(n))
    if n == 1:
        print("ready", flush=True)
    if time.monotonic() > deadline:
        break
'''


def test_kill_mid_write_never_leaves_a_broken_save(tmp_path):
    """SIGKILL a writer at random moments: every time, the save loads and is whole."""
    ns: dict = {}
    exec(RECORD_SRC, ns)
    make_record = ns["make_record"]
    rng = random.Random(20240601)
    rounds, parallel = 5, 4  # 20 kills, 4 writers at a time
    kills = while_writing = progressed = temp_left = 0
    env = dict(os.environ)  # the child imports the very ``game`` package under test
    root = str(Path(game.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    start = time.monotonic()
    for r in range(rounds):
        stores, procs = [], []
        for i in range(parallel):
            store = SaveStore(tmp_path / f"r{r}-{i}")
            store.save("kill", make_record(0))
            stores.append(store)
            procs.append(subprocess.Popen([sys.executable, "-c", WRITER, str(store.folder)],
                                          stdout=subprocess.PIPE, text=True, env=env))
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in rng.sample(procs, len(procs)):
            time.sleep(rng.uniform(0.0, 0.15))
            while_writing += proc.poll() is None
            proc.kill()  # SIGKILL on POSIX
            proc.wait()
            proc.stdout.close()
            kills += 1
        for store in stores:
            temp_left += any(p.name.endswith(".tmp") for p in store.folder.iterdir())
            # parses, validates, and cleans the dead writer's temp files
            rec, damage = store.load_with_fallback("kill")
            assert damage is None  # the latest generation is whole, not just the one before
            n = rec["seed"]
            expected = make_record(n)
            assert {k: v for k, v in rec.items() if k != "updated"} == {
                k: v for k, v in expected.items() if k != "updated"}
            progressed += n > 1
            assert {p.name for p in store.folder.iterdir()} <= {"slot-kill.json",
                                                                 "slot-kill.json.prev"}
    elapsed = time.monotonic() - start
    print(f"{kills} kills ({while_writing} mid-loop, {temp_left} left a temp file, "
          f"{progressed} after >1 write) in {elapsed:.1f}s")
    assert kills == rounds * parallel == 20
    assert while_writing >= 15  # the kills really landed while the writers were writing
    assert progressed >= 15


# -- the previous generation ------------------------------------------------------------------


def test_a_damaged_latest_save_falls_back_to_the_generation_before(store):
    store.save("a", record("first"))  # turn 2
    later = record_from_game(played(2), "zh", "second")
    later["plans"].append(PLANS[2])
    later["turn"] = 3
    store.save("a", later)
    assert store.load_with_fallback("a") == (store.load("a"), None)
    path = store.path("a")
    path.write_bytes(path.read_bytes()[:120])  # the latest generation is damaged
    rec, damage = store.load_with_fallback("a")
    assert rec["label"] == "first" and rec["turn"] == 2
    assert "corrupt" in damage and str(path) in damage
    info = store.latest()
    assert info.name == "a" and info.turn == 2 and info.error is None
    assert info.fell_back == damage
    # Playing on saves over the damaged file; the good generation is not replaced by it.
    store.save("a", record("third"))
    assert store.load("a")["label"] == "third"
    assert store.load_with_fallback("a")[1] is None
    store.path("a").write_bytes(b"{")
    assert store.load("a")["label"] == "first"


def test_without_a_good_generation_the_damage_is_reported(store):
    store.save("a", record("only"))
    store.path("a").write_bytes(b"{")
    with pytest.raises(SaveError, match="corrupt"):
        store.load("a")
    assert store.slots()[0].error and store.latest() is None


def test_deleting_a_slot_removes_its_previous_generation(store):
    store.save("a", record("one"))
    store.save("a", record("two"))
    assert store.previous_path("a").is_file()
    store.delete("a")
    assert list(store.folder.iterdir()) == []
