"""Reaching a workshop host over the network (``workshop.server``'s HTTP API).

* ``WorkshopClient(address)``: what anyone may ask (``info``, ``board``) and ``join``, which
  returns a ``RemoteTeamLink``;
* ``RemoteTeamLink(address, token)``: a team's ``workshop.host.TeamLink`` over HTTP, so the
  game's team screens work the same on the trainer's machine and across the room;
* ``FacilitatorClient(address, token)``: ``status`` and ``act`` mirroring ``Host``, which the
  command line uses when a running host holds the session folder.

The host's refusals come back as the same exceptions the ``Host`` raises in-process
(``AccessError``, ``PlanError``, ``WorkshopError``) with the host's own message, so a screen
can show the real reason. A host that cannot be reached is a ``ConnectionLost`` with a plain
message. Reads (GET, and saving a draft, which replaces the previous one) are retried a few
times; a submission or a facilitator action is sent once, since sending it twice would
record it twice.

Addresses: ``HOST:PORT``, ``http://HOST:PORT``, ``[::1]:PORT`` or a bare host (port 8765).
Also here, because the command line needs it without the server's imports: reading
``DIR/host.json`` (``running_host``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from kam_sandbox.engine.errors import PlanError
from kam_sandbox.engine.messages import Said

from .host import FACILITATOR_ACTIONS
from .limits import TooMany
from .session import (
    AccessError,
    ApprovalPending,
    WorkshopError,
    _pid_alive,
    plain_json_problem,
)

DEFAULT_PORT = 8765
HOST_FILE = "host.json"
CONNECT_TIMEOUT = 3.0
TEAM_TIMEOUT = 10.0
FACILITATOR_TIMEOUT = 60.0  # closing a round plays every team's quarter: give it time
RETRIES = (0.2, 0.6)  # pauses before the 2nd and 3rd attempt of an idempotent request
# A connection idle longer than this is not used again. The host closes one idle for 5 s
# (``server.KEEP_ALIVE_SECONDS``); a client that kept it as long (httpx's default) may send
# a request just as the host closes it, and gets a ReadError instead of an answer.
KEEP_ALIVE_EXPIRY = 2.0


class ConnectionLost(WorkshopError):
    """The workshop host did not answer (network down, host stopped, wrong address)."""


def base_url(address: str) -> str:
    """``http://HOST:PORT`` for what a trainer reads out: ``HOST:PORT``, a URL, ``[v6]:PORT``
    or a bare host name or address (the default port)."""

    text = str(address).strip().rstrip("/")
    if not text:
        raise WorkshopError("no host address given; it looks like 192.168.1.20:8765")
    if "://" not in text:
        if text.count(":") > 1 and not text.startswith("["):
            text = f"[{text}]"  # a bare IPv6 address
        text = f"http://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise WorkshopError(f"{address!r} is not a host address; it looks like "
                            "192.168.1.20:8765") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise WorkshopError(f"{address!r} is not a host address; it looks like "
                            "192.168.1.20:8765")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


def check_plan(plan: Any) -> dict:
    """``plan`` if it is a JSON object of plain data, else ``PlanError`` saying why."""

    if not isinstance(plan, dict):
        raise PlanError("a plan must be a JSON object")
    if problem := plain_json_problem(plan):
        raise PlanError(f"the plan cannot be used: {problem}")
    return plan


def running_host(folder: str | Path) -> dict | None:
    """The host serving ``folder`` (its ``host.json``: url, port, bind, pid, session) if its
    process is alive; None when there is none, or the file is stale or unreadable."""

    try:
        info = json.loads((Path(folder) / HOST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return None
    pid = info.get("pid")
    if not isinstance(pid, int) or not _pid_alive(pid):
        return None
    return info


class _Api:
    """One host's HTTP API: JSON in and out, the host's errors as exceptions."""

    def __init__(self, address: str, token: str | None = None, timeout: float = TEAM_TIMEOUT):
        self.url = base_url(address)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, trust_env=False,
                                  timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
                                  limits=httpx.Limits(keepalive_expiry=KEEP_ALIVE_EXPIRY))

    def call(self, method: str, path: str, body: Any = None, retry: bool = False) -> Any:
        pauses = RETRIES if retry else ()
        for attempt in range(len(pauses) + 1):
            try:
                response = self._http.request(method, path, json=body)
                break
            except httpx.RequestError as exc:
                if attempt == len(pauses):
                    raise ConnectionLost(f"cannot reach the workshop host at {self.url} "
                                         f"({_reason(exc)})") from None
                time.sleep(pauses[attempt])  # a back-off before trying again, not a wait
        if response.status_code >= 400:
            raise _error(response)
        try:
            return response.json()
        except ValueError:
            raise WorkshopError(f"the workshop host at {self.url} sent an answer that is "
                                "not JSON; is that address really a KAM Sandbox host?") from None

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(exc: httpx.RequestError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "nothing answers there; is the host running and the address right?"
    return str(exc) or type(exc).__name__


def _error(response: httpx.Response) -> WorkshopError | PlanError:
    """The exception a ``Host`` would have raised, from the server's ``{detail, error}``."""

    try:
        body = response.json()
        detail, kind = str(body["detail"]), str(body.get("error", ""))
        texts = body.get("texts")
    except (ValueError, KeyError, TypeError):
        detail, kind = response.text.strip()[:200] or response.reason_phrase, ""
        texts = None
    status = response.status_code
    if kind == "plan":
        valid = isinstance(texts, dict) and all(isinstance(v, str) for v in texts.values())
        return PlanError(Said({**texts, "en": detail}) if valid and texts else detail)
    if status == 429:
        wait = response.headers.get("retry-after", "")
        return TooMany(detail, int(wait) if wait.isdigit() else 60)
    if kind in ("unauthorized", "forbidden") or status in (401, 403):
        return AccessError(detail)
    if status >= 500:
        return WorkshopError(f"the workshop host failed: {detail}")
    return WorkshopError(detail)


class RemoteTeamLink(_Api):
    """A team's ``TeamLink`` to a host across the network (see ``workshop.host``)."""

    def __init__(self, address: str, token: str):
        super().__init__(address, token)
        self.token = token

    def state(self) -> dict:
        return self.call("GET", "/api/team", retry=True)

    def save_draft(self, plan: dict, author: str = "") -> dict:
        body = {"plan": check_plan(plan), "author": author}
        return self.call("PUT", "/api/team/draft", body, retry=True)

    def submit(self, plan: dict, author: str = "") -> dict:
        body = {"plan": check_plan(plan), "author": author}
        return self.call("POST", "/api/team/submissions", body)

    def case(self) -> dict:
        return self.call("GET", "/api/scenario", retry=True)["scenario"]


class WorkshopClient(_Api):
    """What anyone in the room may ask a host, and joining it as a team."""

    def info(self) -> dict:
        return self.call("GET", "/api/info", retry=True)

    def board(self) -> dict:
        return self.call("GET", "/api/board", retry=True)

    def join(self, team: str, code: str, secret: str | None = None,
             device: str = "") -> RemoteTeamLink:
        """A link for ``team`` (name, number or id) with the room's join code (and, for a
        team that plays on another device already, its rejoin secret). Raises
        ``ApprovalPending`` when the device must wait for the facilitator. Sent once: a
        join admits a device."""

        body = {"team": str(team), "code": str(code), "device": str(device)}
        if secret:
            body["secret"] = str(secret)
        return self._admitted(self.call("POST", "/api/join", body))

    def follow(self, request: str, key: str) -> RemoteTeamLink:
        """A waiting device's request: its link once approved; ``ApprovalPending`` while it
        waits; ``AccessError`` when the facilitator said no."""

        answer = self.call("POST", "/api/join/status", {"request": request, "key": key})
        return self._admitted({"request": request, "key": key, **answer})

    def _admitted(self, joined: dict) -> RemoteTeamLink:
        if joined.get("state") == "pending":
            raise ApprovalPending(joined["team"], joined["request"], joined["key"])
        return RemoteTeamLink(self.url, joined["token"])


class FacilitatorClient(_Api):
    """The facilitator's operations on a host across the network, as ``Host`` has them."""

    def __init__(self, address: str, token: str):
        super().__init__(address, token, timeout=FACILITATOR_TIMEOUT)

    def status(self) -> dict:
        return self.call("GET", "/api/status", retry=True)

    def act(self, action: str, **args: Any) -> Any:
        """``Host.act`` over HTTP, e.g. ``act("inject", event_id="x", team="t2")``."""

        if action not in FACILITATOR_ACTIONS:
            raise WorkshopError(f"unknown action {action!r}; actions: "
                                f"{', '.join(sorted(FACILITATOR_ACTIONS))}")
        return self.call("POST", f"/api/facilitator/{action}", args)["result"]


__all__ = ["DEFAULT_PORT", "ApprovalPending", "ConnectionLost", "FacilitatorClient", "RemoteTeamLink",
           "WorkshopClient", "base_url", "check_plan", "running_host"]
