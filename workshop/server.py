"""The workshop's HTTP API: LAN teams and a second terminal reach the one running ``Host``.

``create_app(host)`` is a FastAPI app whose every route is one ``Host`` call, so the network
obeys exactly the rules of the console and the command line. ``ServerThread`` runs it in a
background thread (the facilitator console serves the room while the trainer watches it;
tests use it too); ``serve`` is ``kam-sandbox workshop host``: it opens the session for
writing, serves until Ctrl+C and announces itself in ``DIR/host.json`` meanwhile, so that
the other ``kam-sandbox workshop`` commands send their changes through it.

Routes (JSON; ``Authorization: Bearer TOKEN``; the OpenAPI description is /openapi.json)::

    GET  /api/info                      anyone: the case and the teams, before joining
    GET  /api/board                     anyone: the projector view (no secrets)
    POST /api/join {team, code, secret?, device?}   anyone with the join code: a device
                                        token (first device, or with the rejoin secret), or
                                        202 {request, key}: wait for the facilitator
    POST /api/join/status {request, key}  a waiting device: 202, 200 {token...} or 403
    GET  /api/team                      a team: its own state (never another team's)
    PUT  /api/team/draft {plan, author} a team: keep the plan in progress
    POST /api/team/submissions {plan, author}   a team: submit the round's plan
    GET  /api/scenario                  a team or the facilitator: {scenario}: the case
                                        with its hidden fields neutral (no file, no seed)
    GET  /api/team/page?lang=           a team's browser: its page (workshop.web.pages)
    GET  /api/team/live                 a team's browser: the small state it polls
    POST /api/team/check?lang= {plan}   a team's browser: the plan judged, nothing recorded
    GET  /api/team/references           a team's browser, game over: the built-in strategies
                                        in its world (workshop.references)
    POST /api/team/whatif {turn}        … game over: its game rewound to a quarter, and
    GET  /api/team/whatif?lang=         its page, played on a quarter at a time with
    POST /api/team/whatif/check|play    {plan} (workshop.web.whatif)
    GET  /api/strings/{lang}            anyone: the interface's strings (base/locales)
    GET  /                              anyone: the browser client (files under /web/)
    GET  /api/status                    the facilitator: board + members, injections
    POST /api/facilitator/{action}      the facilitator: one of ``FACILITATOR_ACTIONS``

Errors are ``{"detail": message, "error": kind}``: 401 no or unknown token, 403 a token (or
join code) that may not do this, 409 the workshop's state or rules refuse it, 413 a body
over 256 KB (refused before it is read), 422 an invalid request or plan (the engine's own
message), 429 a client that failed to join too often lately (``Retry-After`` says how long
it waits; ``Host`` counts and logs failed joins). Nothing answers with a traceback; an unexpected failure is logged and is a plain
500.

No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations,
and the facilitator routes are built in a loop with their body model in a closure.
"""

import contextlib
import enum
import errno
import inspect
import json
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import h11
import uvicorn
from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.protocols.http.h11_impl import H11Protocol

from kam_sandbox.base.storage import write_atomically
from kam_sandbox.engine.errors import KamError, PlanError, SaveError
from kam_sandbox.engine.messages import every_language
from kam_sandbox.engine.policies import POLICIES

from . import web
from .client import DEFAULT_PORT, HOST_FILE
from .host import FACILITATOR_ACTIONS, Host
from .limits import TooMany
from .session import (
    DEFAULT_FILL_POLICY,
    MAX_TIMER_SECONDS,
    MIN_TIMER_SECONDS,
    AccessError,
    PlanTooLarge,
    Session,
    WorkshopError,
    plain_json_problem,
)

MAX_BODY_BYTES = 256 * 1024
HEADER_TIMEOUT = 5.0  # a connection that sends no request in this long is closed
KEEP_ALIVE_SECONDS = 5  # … and one idle between requests
WANTED_FILES = 4096  # file descriptors the host asks for at start (macOS gives 256)
START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0
log = logging.getLogger("kam_sandbox.workshop.server")


# -- request bodies ---------------------------------------------------------------------------
def _plain_text(value: str) -> str:
    if problem := plain_json_problem(value):
        raise ValueError(problem)
    return value


def _plain_plan(value: dict[str, Any]) -> dict[str, Any]:
    if problem := plain_json_problem(value):
        raise ValueError(f"the plan cannot be used: {problem}")
    return value


Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_plain_text)]
Author = Annotated[str, Field(max_length=100), AfterValidator(_plain_text)]
Members = Annotated[list[Name], Field(max_length=30)]
Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
Plan = Annotated[dict[str, Any], AfterValidator(_plain_plan),
                 Field(description="a plan as the engine reads it: {accounts: {...}, "
                                   "portfolio: {...}}")]
# Built-in strategies only: over the network a name like "module:function" must not make the
# host import code.
FillPolicy = enum.Enum("FillPolicy", [(name, name) for name in POLICIES], type=str)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


Short = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_plain_text)]


class JoinBody(_Body):
    team: Name = Field(description="team name, number or id")
    code: Short = Field(description="the room's join code")
    secret: Short | None = Field(None, description="the team's rejoin secret (shown on its "
                                                   "screen): needed once a team is claimed")
    device: Author = Field("", description="what this device calls itself (a player's name)")


class JoinStatusBody(_Body):
    request: Short
    key: Short


class RequestBody(_Body):
    request: Short = Field(description="a waiting join request's id (from /api/status)")


class DeviceBody(_Body):
    device: Short = Field(description="a device's id (from /api/status)")


class TeamBody(_Body):
    team: Name


class PlanBody(_Body):
    plan: Plan
    author: Author = ""


class FillBody(_Body):
    fill_policy: FillPolicy = Field(FillPolicy(DEFAULT_FILL_POLICY),
                                    description="the built-in strategy that plays absent teams")


# A number, strictly: not true, not "60" (the session refuses them too).
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class TimerBody(_Body):
    seconds: Annotated[Seconds, Field(ge=MIN_TIMER_SECONDS, le=MAX_TIMER_SECONDS)] | None = \
        Field(description="the countdown; null removes the timer")


class ExtendBody(_Body):
    seconds: Annotated[Seconds, Field(ge=-MAX_TIMER_SECONDS, le=MAX_TIMER_SECONDS)]


class InjectBody(_Body):
    event_id: Name = Field(description="a library event of the scenario")
    team: Name | None = Field(None, description="only this team (default: every team)")


class AddTeamBody(_Body):
    name: Name
    colour: Colour | None = None
    members: Members | None = None


class RenameBody(_Body):
    team: Name
    name: Name


class MembersBody(_Body):
    team: Name
    members: Members


#: Each facilitator action's body (None: it takes none). Kept equal to FACILITATOR_ACTIONS.
ACTION_BODIES: dict[str, type[_Body] | None] = {
    "advance": FillBody, "close_round": FillBody, "open_next_round": None, "pause": None,
    "resume": None, "set_timer": TimerBody, "extend_timer": ExtendBody, "inject": InjectBody,
    "add_team": AddTeamBody, "rename_team": RenameBody, "set_members": MembersBody,
    "approve_join": RequestBody, "deny_join": RequestBody, "revoke_device": DeviceBody,
    "reset_team_access": TeamBody, "rotate_join_code": None,
}


# -- responses --------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    detail: str = Field(description="what went wrong, in words to show the user")
    texts: dict[str, str] | None = Field(None, description="plan errors: the same message in "
                                                          "each language, by code (en, zh)")
    error: str = Field(description="unauthorized, forbidden, conflict, plan, invalid, "
                                   "too_large, too_many, not_found, not_allowed, wrong_host, "
                                   "unavailable or internal")


class JoinAnswer(BaseModel):
    team: dict[str, Any] = Field(description="id, name, colour, members")
    state: str = Field(description="admitted, or pending: wait for the facilitator's approval")
    token: str | None = Field(None, description="admitted: this device's token, sent as "
                                                "Authorization: Bearer")
    secret: str | None = Field(None, description="admitted: the team's rejoin secret")
    device: str | None = Field(None, description="admitted: this device's id")
    request: str | None = Field(None, description="pending: the request to follow")
    key: str | None = Field(None, description="pending: the key to follow it with")


def _join_answer(joined: dict) -> JSONResponse:
    """200 for an admitted device, 202 for one waiting for the facilitator."""

    state = "admitted" if "token" in joined else "pending"
    body = JoinAnswer(**{**joined, "state": state}).model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=200 if state == "admitted" else 202)


class DraftAnswer(BaseModel):
    round: int
    time: str


class SubmissionAnswer(BaseModel):
    seq: int
    team: str
    round: int
    time: str
    author: str


class ScenarioAnswer(BaseModel):
    scenario: dict[str, Any] = Field(description="the case as a team may see it: hidden "
                                                 "fields neutral, no events, no seed")


class ActionAnswer(BaseModel):
    action: str
    result: Any = Field(description="what the Session method returned")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {401: "no token, or an unknown one", 403: "this token may not do this",
             409: "the workshop's state or rules do not allow it",
             413: f"the request body is larger than {MAX_BODY_BYTES // 1024} KB",
             429: "too many failed attempts lately: wait Retry-After seconds",
             422: "the request (or the plan) is not valid"}
    return {code: {"model": ErrorBody, "description": words[code]} for code in codes}


def _payload(status: int, detail: str, kind: str, headers: dict | None = None,
             texts: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "error": kind}
    if texts:
        body["texts"] = texts
    return JSONResponse(body, status_code=status, headers=headers)


# -- the app ----------------------------------------------------------------------------------
team_scheme = HTTPBearer(auto_error=False, scheme_name="teamToken",
                         description="a team's token, from POST /api/join")
facilitator_scheme = HTTPBearer(auto_error=False, scheme_name="facilitatorToken",
                                description="the facilitator's token (in the session file)")
Credentials = HTTPAuthorizationCredentials | None


class _Auth:
    """The routes' token dependencies. They check the token's role before FastAPI reads the
    body, so a team's token on a facilitator route is a 403 whatever its body; the ``Host``
    still checks every call itself."""

    def __init__(self, host: Host):
        self.host = host

    def team(self, credentials: Annotated[Credentials, Depends(team_scheme)]) -> str:
        token = _token(credentials, "a team's")
        role = self.host.role(token)
        if role == "facilitator":
            raise AccessError("this is a team's route: the facilitator's token is not a "
                              "team's token")
        if role != "team":
            raise AccessError("unknown team token: join again with the join code")
        return token

    def facilitator(self,
                    credentials: Annotated[Credentials, Depends(facilitator_scheme)]) -> str:
        token = _token(credentials, "the facilitator's")
        role = self.host.role(token)
        if role == "team":
            raise AccessError("this needs the facilitator's token; a team's token cannot "
                              "do this")
        if role != "facilitator":
            raise AccessError("this needs the facilitator's token")
        return token

    def either(self, team: Annotated[Credentials, Depends(team_scheme)],
               facilitator: Annotated[Credentials, Depends(facilitator_scheme)]) -> str:
        token = _token(team or facilitator, "a team's or the facilitator's")
        if self.host.role(token) is None:
            raise AccessError("unknown token: join again with the join code")
        return token


def _token(credentials: Credentials, who: str) -> str:
    if credentials is None:
        raise AccessError(f"this needs {who} token, sent as 'Authorization: Bearer TOKEN'")
    return credentials.credentials


class _BadInput(KamError):
    """A ``ValueError`` from a Host operation (e.g. text that cannot be encoded): the
    request's fault, answered 422."""


def _call(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return operation(*args, **kwargs)
    except ValueError as exc:
        raise _BadInput(str(exc)) from exc


def create_app(host: Host, allowed_hosts: set[str] | None = None) -> FastAPI:
    """The HTTP API of ``host`` (see the module docstring). ``allowed_hosts``: the names a
    request's ``Host`` header may give (the addresses served on, and localhost); others are
    refused, so that a web page elsewhere cannot reach the host by DNS rebinding. None:
    any (tests that mount the app directly)."""

    app = FastAPI(title="KAM Sandbox workshop", version="1",
                  description="A facilitated KAM Sandbox workshop: teams join with the room's "
                              "code and play round by round; the facilitator runs the rounds.",
                  docs_url=None, redoc_url=None)  # the docs pages load scripts from the web
    app.add_middleware(_Guard, limit=MAX_BODY_BYTES, hosts=allowed_hosts)
    _handle_errors(app, host)
    auth = _Auth(host)
    TeamToken = Annotated[str, Depends(auth.team)]
    AnyToken = Annotated[str, Depends(auth.either)]
    FacilitatorToken = Annotated[str, Depends(auth.facilitator)]

    @app.get("/api/info", tags=["room"], response_model=dict[str, Any])
    def info() -> dict:
        """The case and the teams, for a client about to join."""
        return host.info()

    @app.get("/api/board", tags=["room"], response_model=dict[str, Any])
    def board() -> dict:
        """The projector view: round, timer, each team's progress and grade, who is online,
        headlines for everyone. No plans, tokens or targeted events."""
        return host.board()

    joined = {202: {"model": JoinAnswer, "description": "waiting for the facilitator"}}

    @app.post("/api/join", tags=["room"], response_model=JoinAnswer,
              responses={**_errors(403, 409, 413, 422, 429), **joined})
    def join(body: JoinBody, request: Request) -> JSONResponse:
        """Admit this device for a team with the room's join code. The team's first device
        gets a token at once; a further one needs the team's rejoin secret, or waits (202)
        for the facilitator's approval and follows its request at /api/join/status."""
        return _join_answer(_call(host.join, body.team, body.code, body.secret, body.device,
                                  _client_address(request)))

    @app.post("/api/join/status", tags=["room"], response_model=JoinAnswer,
              responses={**_errors(403, 409, 413, 422, 429), **joined})
    def join_status(body: JoinStatusBody, request: Request) -> JSONResponse:
        """A waiting device's request: still pending (202), admitted (200, once), or
        refused (403)."""
        return _join_answer(_call(host.join_status, body.request, body.key,
                                  _client_address(request)))

    @app.get("/api/team", tags=["team"], response_model=dict[str, Any],
             responses=_errors(401, 403))
    def team_state(credentials: Annotated[Credentials, Depends(team_scheme)]) -> Response:
        """The caller's own team: its plans and injected events (enough to rebuild its game),
        draft, submissions, scores, headlines, the round and the timer."""
        # The token checked here, not by a TeamToken dependency: every team polls this
        # every second, and a sync dependency is one more hop to a thread and back.
        return Response(host.team_state_json(auth.team(credentials)),
                        media_type="application/json")

    @app.put("/api/team/draft", tags=["team"], response_model=DraftAnswer,
             responses=_errors(401, 403, 409, 413, 422, 429))
    def save_draft(body: PlanBody, token: TeamToken) -> dict:
        """Keep the team's plan in progress for the open round (not checked yet)."""
        return _call(host.save_draft, token, body.plan, body.author)

    @app.post("/api/team/submissions", tags=["team"], response_model=SubmissionAnswer,
              status_code=201, responses=_errors(401, 403, 409, 413, 422, 429))
    def submit(body: PlanBody, token: TeamToken) -> dict:
        """Submit the team's plan for the open round; the last submission counts."""
        return _call(host.submit, token, body.plan, body.author)

    @app.get("/api/scenario", tags=["team"], response_model=ScenarioAnswer,
             responses=_errors(401))
    def scenario(token: AnyToken) -> dict:
        """The case as a team may see it (never the file: it holds the hidden state)."""
        return {"scenario": host.case(token)}

    @app.get("/api/status", tags=["facilitator"], response_model=dict[str, Any],
             responses=_errors(401, 403))
    def status(token: FacilitatorToken) -> dict:
        """The facilitator's view: the board plus members, submission counts, every
        injection and the seed."""
        return host.status(token)

    _browser_client(app, host, TeamToken)
    for action in sorted(FACILITATOR_ACTIONS):
        _action_route(app, host, action, ACTION_BODIES[action], FacilitatorToken)
    return app


Lang = Annotated[Literal["zh", "en"], Query(description="the language of the texts")]


class CheckBody(_Body):
    plan: Plan


class WhatIfBody(_Body):
    turn: int = Field(ge=1, le=100, description="the quarter to start again from (1-based)")


def _browser_client(app: FastAPI, host: Host, team_token: Any) -> None:
    """The browser client (``workshop.web``): its page at ``/``, its files under ``/web/``,
    and the routes it reads besides the team's own: the strings, the team's page, a poll
    and the plan check."""

    pages = web.TeamPages(host)
    folder = web.static_folder()

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(folder / "index.html", headers={"Cache-Control": "no-cache"})

    # follow_symlink: an editable install links the files; the paths are still kept inside
    app.mount("/web", StaticFiles(directory=folder, follow_symlink=True), name="web")

    @app.get("/api/strings/{lang}", tags=["browser"], response_model=dict[str, str])
    def strings(lang: Literal["zh", "en"]) -> dict:
        """The interface's strings in one language (the Pygame game's own tables), for the
        browser client."""
        return web.strings(lang)

    @app.get("/api/team/page", tags=["browser"], response_model=dict[str, Any],
             responses=_errors(401, 403))
    def team_page(token: team_token, lang: Lang = "en") -> dict:
        """What the team's browser shows, built from what the team may know: the case's
        public facts, its view of the accounts, every played quarter's news and movers in
        words, its KPIs, scorecard and (once over) debrief; ``live`` and ``draft``."""
        return pages.page(token, lang)

    @app.get("/api/team/live", tags=["browser"], response_model=dict[str, Any],
             responses=_errors(401, 403))
    def team_live(token: team_token) -> dict:
        """The small part of the team's state a browser polls: round, timer, submitted,
        headlines, and ``page``, which changes when the page must be read again."""
        return web.live(host.team_live(token))

    @app.post("/api/team/check", tags=["browser"], response_model=dict[str, Any],
              responses=_errors(401, 403, 413, 422))
    def check_plan(body: CheckBody, token: team_token, lang: Lang = "en") -> dict:
        """The plan checked as a submission would be, recording nothing: each resource's
        ``[used, available]``, ``ok``, and the ``problem`` (the resource over its limit, the
        reason in words) when the host would refuse it."""
        return _call(pages.check, token, body.plan, lang)

    @app.get("/api/team/references", tags=["browser"], response_model=dict[str, Any],
             responses=_errors(401, 403, 409))
    def team_references(token: team_token) -> dict:
        """The built-in strategies played in the team's world once every round is played
        (409 before): ``order``, each one's whole-game ``figures`` (score, profit,
        satisfaction, retention) and the expert's KPIs by quarter (``history``). Played once
        per session in the background: ``ready`` is false (and both null) until then."""
        return pages.references.get(token)

    whatifs = web.TeamWhatIfs(host)

    @app.post("/api/team/whatif", tags=["browser"], response_model=dict[str, Any],
              responses=_errors(401, 403, 409, 413, 422))
    def start_whatif(body: WhatIfBody, token: team_token) -> dict:
        """Once every round is played (parallel worlds): the team's game rewound to the
        start of quarter ``turn`` (1-based), to play on from there on the host; replaces
        the team's earlier what-if. 409 before the end, in a shared market, or for a
        quarter not played."""
        return whatifs.start(token, body.turn)

    @app.get("/api/team/whatif", tags=["browser"], response_model=dict[str, Any],
             responses=_errors(401, 403, 409))
    def whatif_page(token: team_token, lang: Lang = "en") -> dict:
        """The team's what-if as a page (as ``/api/team/page``), with ``draft`` (the plan
        its next quarter starts from) and ``whatif`` (where it starts, the original game's
        figures, and once over the two games compared in words). 409 if none."""
        return whatifs.page(token, lang)

    @app.post("/api/team/whatif/check", tags=["browser"], response_model=dict[str, Any],
              responses=_errors(401, 403, 409, 413, 422))
    def check_whatif(body: CheckBody, token: team_token, lang: Lang = "en") -> dict:
        """A plan for the what-if's next quarter judged, nothing played (as
        ``/api/team/check``)."""
        return _call(whatifs.check, token, body.plan, lang)

    @app.post("/api/team/whatif/play", tags=["browser"], response_model=dict[str, Any],
              responses=_errors(401, 403, 409, 413, 422))
    def play_whatif(body: PlanBody, token: team_token) -> dict:
        """Play the what-if's next quarter with ``plan`` at once (422 with the reason if
        the plan breaks a rule: nothing played; ``author`` is not kept)."""
        return _call(whatifs.play, token, body.plan)


def _action_route(app: FastAPI, host: Host, action: str, model: type[_Body] | None,
                  facilitator_token: Any) -> None:
    """``POST /api/facilitator/<action>``: ``Host.act(token, action, **body)``."""

    def run(token: str, body: BaseModel | None) -> dict:
        args = body.model_dump(mode="json") if body is not None else {}
        return {"action": action, "result": _call(host.act, token, action, **args)}

    if model is None:
        def endpoint(token: facilitator_token) -> dict:
            return run(token, None)
    elif all(not f.is_required() for f in model.model_fields.values()):
        def endpoint(token: facilitator_token,
                     body: Annotated[model | None, Body()] = None) -> dict:
            return run(token, body or model())
    else:
        def endpoint(token: facilitator_token, body: Annotated[model, Body()]) -> dict:
            return run(token, body)

    doc = inspect.getdoc(getattr(Session, action)) or action
    app.add_api_route(f"/api/facilitator/{action}", endpoint, methods=["POST"],
                      name=action, operation_id=f"facilitator_{action}",
                      tags=["facilitator"], summary=action.replace("_", " ").capitalize(),
                      description=doc, response_model=ActionAnswer,
                      responses=_errors(401, 403, 409, 413, 422) if model
                      else _errors(401, 403, 409))


def _handle_errors(app: FastAPI, host: Host) -> None:
    """Every refusal as ``{detail, error}`` with the status its cause deserves."""

    @app.exception_handler(AccessError)
    def access_error(request: Request, exc: AccessError) -> JSONResponse:
        if request.url.path.startswith("/api/join"):  # a wrong code, not a missing sign-in
            return _payload(403, str(exc), "forbidden")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token and host.role(token.strip()) is not None:
            return _payload(403, str(exc), "forbidden")  # known, but not for this
        return _payload(401, str(exc), "unauthorized", {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(TooMany)
    def too_many(request: Request, exc: TooMany) -> JSONResponse:
        return _payload(429, str(exc), "too_many", {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(KamError)
    def kam_error(request: Request, exc: KamError) -> JSONResponse:
        if isinstance(exc, PlanError):
            said = exc.args[0] if exc.args else str(exc)
            return _payload(422, str(exc), "plan", texts=every_language(said))
        if isinstance(exc, PlanTooLarge):
            return _payload(413, str(exc), "too_large")
        if isinstance(exc, _BadInput):
            return _payload(422, str(exc), "invalid")
        if isinstance(exc, SaveError):  # the disk, not the request
            log.error("cannot save the session: %s", exc)
            return _payload(503, str(exc), "unavailable")
        return _payload(409, str(exc), "conflict")

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _payload(422, f"invalid request: {_explain(exc.errors())}", "invalid")

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not even decode the body
            return _payload(422, "invalid request: the body is not valid JSON (not UTF-8 "
                                 "text, or nested too deeply)", "invalid")
        kinds = {404: "not_found", 405: "not_allowed", 413: "too_large"}
        detail = {404: f"no such route: {request.method} {request.url.path}",
                  405: f"{request.url.path} does not take {request.method}"}
        return _payload(exc.status_code, detail.get(exc.status_code, str(exc.detail)),
                        kinds.get(exc.status_code, "invalid"), getattr(exc, "headers", None))


def _explain(errors: Any) -> str:
    """Pydantic's errors as one line: ``plan: Input should be a valid dictionary; ...``."""

    parts = []
    for e in list(errors)[:5]:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        if e.get("type") == "json_invalid":
            parts.append(f"the body is not valid JSON ({e.get('ctx', {}).get('error', '')})")
        elif e.get("type") == "missing" and not loc:
            parts.append("a JSON body is required")
        else:
            msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
            parts.append(f"{'.'.join(loc) or 'body'}: {msg}")
    return "; ".join(parts) or "invalid input"


def _host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port or an IPv6 address's brackets."""

    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]")[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_host_names(bind: str) -> set[str]:
    """The names a host bound to ``bind`` answers to: localhost, and the addresses it
    serves (every address of this machine, and its name, for 0.0.0.0)."""

    names = {"localhost", "127.0.0.1", "::1", bind.lower()}
    if bind in ("0.0.0.0", "::", ""):
        names |= set(lan_addresses())
        hostname = socket.gethostname().lower()
        names |= {hostname, f"{hostname}.local"}
    return names


class _OncePerMinute(logging.Filter):
    """asyncio logs a traceback for every accept() that finds no free file descriptor (tens
    of thousands under a flood of connections): one line a minute says it instead."""

    def __init__(self) -> None:
        super().__init__()
        self.last = -math.inf

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "BaseSelectorEventLoop._start_serving" in message and record.exc_info \
                and record.exc_info[0] is ValueError:
            # After such a pause asyncio accepts again a second later, even if the server
            # was stopped meanwhile (its socket closed: "Invalid file descriptor: -1"), a
            # traceback at every stop that follows a flood: nothing is wrong.
            return False
        if "out of system resource" not in message:
            return True
        now = time.monotonic()
        if now - self.last < 60:
            return False
        self.last = now
        record.msg, record.args, record.exc_info = (
            "too many connections: new ones wait until idle ones are closed", None, None)
        return True


logging.getLogger("asyncio").addFilter(_OncePerMinute())


class _Connection(H11Protocol):
    """uvicorn's HTTP protocol, bounded: a connection that sends no complete request within
    ``HEADER_TIMEOUT`` is closed (idle and slow-header connections cannot pile up until the
    host runs out of file descriptors), and a request it cannot parse (e.g. a negative
    Content-Length) gets the API's JSON error shape rather than plain text."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._first_request = self.loop.call_later(HEADER_TIMEOUT, self._no_request)

    def _no_request(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if getattr(self, "_first_request", None) is not None:
            self._first_request.cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"detail": f"invalid HTTP request: {msg}", "error": "invalid"})
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers)))
        self.transport.write(self.conn.send(h11.Data(data=body.encode())))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()


class _TooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, f"the request body is larger than {MAX_BODY_BYTES // 1024} KB")


class _Guard:
    """The outermost layer: refuses a body over ``limit`` bytes before reading it (by its
    Content-Length, or as soon as a streamed body passes the limit), and turns any
    unexpected exception into a logged, plain 500 instead of a traceback."""

    def __init__(self, app: Callable, limit: int, hosts: set[str] | None = None):
        self.app = app
        self.limit = limit
        self.hosts = {h.lower() for h in hosts} if hosts is not None else None

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        name = _host_name(headers.get("host", ""))
        if self.hosts is not None and name not in self.hosts:
            await _payload(400, f"this workshop host does not answer to the name {name!r}; "
                                "use its address", "wrong_host")(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            await _payload(413, _TooLarge().detail, "too_large")(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge()  # FastAPI passes HTTPExceptions on: a clean 413
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except _TooLarge as exc:
            if not started:
                await _payload(413, exc.detail, "too_large")(scope, receive, send)
        except Exception:
            log.exception("unexpected failure on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _payload(500, "the workshop host failed on this request; its log "
                                    "says why", "internal")(scope, receive, send)


# -- running it -------------------------------------------------------------------------------
class _Uvicorn(uvicorn.Server):
    """uvicorn's server, telling a waiting thread when it listens."""

    def __init__(self, config: uvicorn.Config):
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


def _listen(bind: str, port: int) -> socket.socket:
    """A listening socket on ``bind:port`` (0: a free port), opened here so that a port in
    use is a clear error in the caller's thread rather than a dead server thread."""

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            bind, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise WorkshopError(f"cannot listen on {bind!r}: {getattr(exc, 'strerror', None) or exc}"
                            ) from None
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = {errno.EADDRINUSE: "; is another program using that port? Try another --port",
                errno.EADDRNOTAVAIL: "; is that an address of this machine?"}
        raise WorkshopError(f"cannot listen on {_hostport(bind, port)}: "
                            f"{exc.strerror or exc}{hint.get(exc.errno, '')}") from None
    sock.setblocking(False)
    return sock


def raise_file_limit() -> None:
    """Ask for more file descriptors (each connection is one) where the system allows: the
    soft limit up to the hard one, at most ``WANTED_FILES`` (macOS starts at 256)."""

    try:
        import resource
    except ImportError:  # Windows: no such limit on sockets
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = WANTED_FILES if hard == resource.RLIM_INFINITY else min(hard, WANTED_FILES)
    if soft != resource.RLIM_INFINITY and soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _hostport(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that other machines in the room can reach."""

    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # a UDP "connect" sends nothing; it picks the route
        found.append(s.getsockname()[0])
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    return [a for a in dict.fromkeys(found) if not a.startswith(("127.", "0."))]


class ServerThread:
    """The HTTP API of ``host`` served from a background thread of this process.

    ``start()`` returns once the server listens (port 0: a free port, see ``.port``);
    ``.url`` reaches it from this machine and ``.urls`` are the addresses to read out to the
    room. With ``announce`` (default) it writes ``DIR/host.json`` so that the command line
    sends its changes through it, and removes it on ``stop()``.
    """

    def __init__(self, host: Host, port: int = 0, bind: str = "127.0.0.1",
                 announce: bool = True):
        self.host = host
        self.bind = bind
        self.port = port
        self.announce = announce
        self._server: _Uvicorn | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        local = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.bind, self.bind)
        return f"http://{_hostport(local, self.port)}"

    @property
    def urls(self) -> list[str]:
        if self.bind in ("0.0.0.0", "::", ""):
            return [f"http://{_hostport(a, self.port)}" for a in lan_addresses()] or [self.url]
        return [self.url]

    @property
    def host_file(self) -> Path:
        return Path(self.host.session.folder) / HOST_FILE

    def start(self) -> str:
        if self._thread is not None:
            raise WorkshopError("this server is already running")
        sock = _listen(self.bind, self.port)
        self.port = sock.getsockname()[1]
        raise_file_limit()
        config = uvicorn.Config(create_app(self.host, allowed_host_names(self.bind)),
                                log_config=None, log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=2, http=_Connection,
                                timeout_keep_alive=KEEP_ALIVE_SECONDS)
        self._server = server = _Uvicorn(config)

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException:  # SystemExit too: uvicorn exits on a failed start
                log.exception("the workshop server stopped")
            finally:
                server.ready.set()
                sock.close()

        self._thread = threading.Thread(target=run, name="workshop-http", daemon=True)
        self._thread.start()
        if not server.ready.wait(START_TIMEOUT) or not server.started:
            self.stop()
            raise WorkshopError(f"the workshop server did not start on {self.url}")
        if self.announce:
            try:
                self._announce()
            except KamError:  # e.g. a full disk: not a host nobody can find
                self.stop()
                raise
        return self.url

    def stop(self) -> None:
        """Stop serving (requests in progress finish first) and withdraw ``host.json``."""

        if self.announce:
            self._withdraw()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops or ``timeout`` passes; True while it still runs."""

        if self._thread is not None:
            self._thread.join(timeout)
        return self.running

    def _announce(self) -> None:
        info = {"url": self.url, "urls": self.urls, "port": self.port, "bind": self.bind,
                "pid": os.getpid(), "session": self.host.info()["session"]}
        write_atomically(self.host_file, json.dumps(info, indent=1).encode("utf-8"),
                         private=True)

    def _withdraw(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(self.host_file.read_text(encoding="utf-8"))
            if info.get("pid") == os.getpid() and info.get("port") == self.port:
                self.host_file.unlink()

    def __enter__(self) -> "ServerThread":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers(announced: dict) -> bool:
    """Whether the host a ``host.json`` names really serves its session: after a reboot its
    pid may belong to another program, so ask it over HTTP."""

    from .client import ConnectionLost, WorkshopClient

    try:
        with WorkshopClient(announced["url"]) as probe:
            return probe.info().get("session") == announced.get("session")
    except (ConnectionLost, WorkshopError):
        return False


def serve(folder: str | os.PathLike[str], port: int = DEFAULT_PORT, bind: str = "127.0.0.1",
          out: Callable[[str], None] = print) -> int:
    """``kam-sandbox workshop host``: serve the session in ``folder`` until Ctrl+C (or
    SIGTERM), then release it. The folder is locked meanwhile; other ``kam-sandbox workshop``
    commands go through this host."""

    import signal

    from .client import running_host

    if (running := running_host(folder)) is not None and _answers(running):
        raise WorkshopError(f"{folder} is already served by the workshop host at "
                            f"{running['url']} (pid {running['pid']}); stop that one first")
    session = Session.open(folder)
    try:
        m, state = session.meta, session.state  # read before the server shares the session
        server = ServerThread(Host(session, worker=True), port=port, bind=bind)
        server.start()
        out(f"workshop {m['id']} · {m['scenario_id']} · round {m['round']}/{m['rounds']} · "
            f"{state}")
        if bind in ("0.0.0.0", "::", ""):
            addresses = lan_addresses()
            if not addresses:
                out("no network address found: is this machine on the room's network?")
            for a in addresses:
                out(f"teams open http://{_hostport(a, server.port)} in a browser  "
                    f"(or: kam-sandbox join {_hostport(a, server.port)})")
        else:
            out(f"serving on {server.url} (this machine only; --bind 0.0.0.0 serves the "
                "room's network); a browser there shows the teams' page")
        out(f"join code: {m['join_code']}")
        out("Ctrl+C stops the host")

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            while server.wait(1.0):  # short waits: Ctrl+C is noticed between them
                pass
            raise WorkshopError("the workshop server stopped unexpectedly (see the log above)")
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.stop()
        out("host stopped")
    finally:
        session.close()
    return 0


__all__ = ["ACTION_BODIES", "DEFAULT_PORT", "MAX_BODY_BYTES", "ServerThread", "create_app",
           "lan_addresses", "serve"]
