"""The way a room works, over HTTP with two devices per team: the join code admits a device;
a team's first device claims it; a second needs the team's rejoin secret or the
facilitator's approval; the facilitator sees devices, revokes them, rotates the code."""

from __future__ import annotations

import json
import os
import stat

import httpx
import pytest
from test_workshop_api import NAMES, Served, call

from kam_sandbox.workshop.client import (
    ApprovalPending,
    FacilitatorClient,
    RemoteTeamLink,
    WorkshopClient,
)
from kam_sandbox.workshop.limits import TooMany
from kam_sandbox.workshop.session import AccessError


@pytest.fixture
def served(tmp_path):
    s = Served(tmp_path / "ws")
    yield s
    s.close()


def test_first_device_claims_the_team_second_needs_secret_or_approval(served):
    room = WorkshopClient(served.url)
    fac = FacilitatorClient(served.url, served.facilitator)
    red_laptop = room.join("红队", served.code, device="Li Lei")
    red_secret = red_laptop.state()["rejoin_secret"]
    assert red_secret and red_secret not in json.dumps(room.board(), ensure_ascii=False)
    # A second device without the secret waits; the plain HTTP answer is a 202, no token.
    r = call(served.url, "POST", "/api/join",
             json={"team": "红队", "code": served.code, "device": "stranger"})
    assert r.status_code == 202 and "token" not in r.json() and r.json()["state"] == "pending"
    with pytest.raises(ApprovalPending) as waiting:
        room.join("1", served.code, device="Han Meimei")
    pending = fac.status()["requests"]
    assert [(p["team"], p["device"]) for p in pending] == [("t1", "stranger"),
                                                          ("t1", "Han Meimei")]
    assert all("key" not in p and "token" not in p for p in pending)
    with pytest.raises(ApprovalPending):
        room.follow(waiting.value.request, waiting.value.key)
    with pytest.raises(AccessError):
        room.follow(waiting.value.request, "forged-key")
    # The facilitator approves Han's device and refuses the stranger.
    fac.act("approve_join", request=waiting.value.request)
    fac.act("deny_join", request=pending[0]["id"])
    han = room.follow(waiting.value.request, waiting.value.key)
    assert han.state()["team"]["id"] == "t1" and han.token != red_laptop.token
    assert call(served.url, "POST", "/api/join/status",
                json={"request": pending[0]["id"], "key": r.json()["key"]}).status_code == 403
    # The rejoin secret admits a device at once; a wrong one is refused.
    with pytest.raises(AccessError, match="rejoin secret"):
        room.join("红队", served.code, secret="AAAA-AAAA")
    third = room.join("红队", served.code, secret=red_secret.lower().replace("-", " "))
    assert third.state()["team"]["id"] == "t1"
    # Blue's first device is its own: claims by one team leave the others free.
    blue = room.join("蓝队", served.code, device="Wang")
    assert blue.state()["team"]["name"] == "蓝队"
    assert blue.state()["rejoin_secret"] != red_secret
    with pytest.raises(AccessError, match="rejoin secret"):
        room.join("蓝队", served.code, secret=red_secret)  # another team's secret is no key
    devices = fac.status()["devices"]
    assert [(d["team"], d["label"], d["via"]) for d in devices] == [
        ("t1", "Li Lei", "first"), ("t1", "Han Meimei", "approval"), ("t1", "device", "secret"),
        ("t2", "Wang", "first")]
    assert "token" not in json.dumps(devices)
    assert fac.status()["requests"] == []


def test_facilitator_revokes_devices_resets_a_team_and_rotates_the_code(served):
    room = WorkshopClient(served.url)
    fac = FacilitatorClient(served.url, served.facilitator)
    red = room.join("红队", served.code, device="Li")
    secret = red.state()["rejoin_secret"]
    second = room.join("红队", served.code, secret=secret, device="Han")
    ids = {d["label"]: d["id"] for d in fac.status()["devices"]}
    fac.act("revoke_device", device=ids["Han"])
    with pytest.raises(AccessError):
        second.state()
    assert red.state()["team"]["id"] == "t1"  # the other device plays on
    # Resetting the team: every device out, a new secret; the old one admits nobody.
    fac.act("reset_team_access", team="红队")
    with pytest.raises(AccessError):
        red.state()
    with pytest.raises(AccessError):
        RemoteTeamLink(served.url, red.token).save_draft({})
    again = room.join("红队", served.code, device="Li")  # unclaimed again: the first device
    new_secret = again.state()["rejoin_secret"]
    assert new_secret != secret
    with pytest.raises(AccessError, match="rejoin secret"):
        room.join("红队", served.code, secret=secret)
    # A new join code: the old one admits nobody; admitted devices play on.
    code = fac.act("rotate_join_code")
    assert code != served.code and fac.status()["join_code"] == code
    with pytest.raises(AccessError, match="wrong join code"):
        room.join("蓝队", served.code)
    assert room.join("蓝队", code).state()["team"]["name"] == "蓝队"
    assert again.state()["team"]["id"] == "t1"


def test_the_board_shows_no_secrets(served):
    room = WorkshopClient(served.url)
    red = room.join("红队", served.code)
    board = httpx.get(served.url + "/api/board", timeout=10).text
    info = httpx.get(served.url + "/api/info", timeout=10).text
    for text in (board, info):
        assert served.code not in text and "join_code" not in text
        assert red.token not in text and red.state()["rejoin_secret"] not in text
    assert FacilitatorClient(served.url, served.facilitator).status()["join_code"] == served.code
    assert [t["name"] for t in json.loads(board)["teams"]] == NAMES


def test_the_command_line_lists_approves_revokes_and_rotates(served, capsys):
    from kam_sandbox.cli import main

    data = str(served.session.folder)
    room = WorkshopClient(served.url)
    room.join("红队", served.code, device="Li Lei")
    with pytest.raises(ApprovalPending) as waiting:
        room.join("红队", served.code, device="Han")

    def cli(*args: str) -> str:
        assert main(["workshop", args[0], "--data", data, *args[1:]]) == 0, \
            capsys.readouterr().err
        return capsys.readouterr().out.strip()

    listing = cli("devices")
    assert "Li Lei" in listing and waiting.value.request in listing and "Han" in listing
    assert cli("approve", "--request", waiting.value.request) == "Han may now play for 红队"
    han = room.follow(waiting.value.request, waiting.value.key)
    device = next(d for d in served.session.devices("红队") if d["label"] == "Han")
    assert cli("revoke", "--device", device["id"]) == \
        f"Han ({device['id']}) can no longer play for 红队"
    with pytest.raises(AccessError):
        han.state()
    code = cli("rotate-code").removeprefix("new join code: ")
    assert code == served.session.meta["join_code"] != served.code
    assert cli("join-code") == code
    assert "every device signed out" in cli("reset-team", "--team", "1")
    assert served.session.devices("红队") == []
    assert main(["workshop", "approve", "--data", data, "--request", "r0"]) == 2
    assert "unknown join request" in capsys.readouterr().err


def test_guessing_the_join_code_is_stopped_and_logged(served):
    """10 wrong codes a minute from one address, then 429 with Retry-After even for the right
    code; the facilitator sees the attempts; after the window the device may try again."""

    now = [1000.0]
    served.host.clock = lambda: now[0]
    wrong = "000000" if served.code != "000000" else "111111"
    for _ in range(10):
        r = call(served.url, "POST", "/api/join", json={"team": "红队", "code": wrong})
        assert r.status_code == 403
    r = call(served.url, "POST", "/api/join", json={"team": "红队", "code": served.code})
    assert r.status_code == 429 and r.json()["error"] == "too_many"
    assert r.headers["retry-after"] == "60"
    now[0] += 30
    with pytest.raises(TooMany) as refused:
        WorkshopClient(served.url).join("红队", served.code)
    assert refused.value.retry_after == 30
    status = FacilitatorClient(served.url, served.facilitator).status()
    assert status["failed_joins_total"] == 10
    assert status["failed_joins"][-1]["address"] == "127.0.0.1"
    assert "wrong join code" in status["failed_joins"][-1]["reason"]
    now[0] += 31
    assert WorkshopClient(served.url).join("红队", served.code).state()["team"]["id"] == "t1"
    # Wrong team secrets count too, and so do forged keys of a join request.
    for _ in range(10):
        with pytest.raises(AccessError):
            WorkshopClient(served.url).join("红队", served.code, secret="AAAA-AAAA")
    with pytest.raises(TooMany):
        WorkshopClient(served.url).join("红队", served.code)


def test_guessing_from_many_addresses_is_stopped_for_the_session(served):
    now = [1000.0]
    host = served.host
    host.clock = lambda: now[0]
    wrong = "000000" if served.code != "000000" else "111111"
    for k in range(30):  # 30 addresses, one guess each
        with pytest.raises(AccessError):
            host.join("1", wrong, address=f"10.0.0.{k}")
    with pytest.raises(TooMany):
        host.join("1", served.code, address="10.0.1.1")
    now[0] += 61
    assert "token" in host.join("1", served.code, address="10.0.1.1")


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_files_holding_tokens_are_private(served):
    folder = served.session.folder
    served.session.set_timer(60)  # a write after creation keeps the mode too
    for name in ("session.json", "host.json", ".lock"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
