"""Every workshop screen in the states a facilitator and a team meet, rendered headless: the
setup, the facilitator console (its dialogs, the projector, the room's debrief), joining,
and a team's planning, wait, results and debrief (parallel worlds and a shared market's
seat). ``workshop_tour(app, folder)`` yields a name for each state after painting it, as
``screen_tour.tour`` does for the single-player game; the overlap and whole-text checks
read the frame the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
from screen_tour import show, to_the_debrief
from test_team_play import CountingLink, LocalClient

from kam_sandbox.game.scenes.console import ConsoleScene
from kam_sandbox.game.scenes.console_setup import WorkshopSetupScene
from kam_sandbox.game.scenes.join import JoinScene
from kam_sandbox.game.team_session import TeamSession
from kam_sandbox.workshop import Session as Workshop
from kam_sandbox.workshop.host import Host

#: Team names as long as a room types them, in both scripts.
TEAMS = ["Red", "恒拓智能华东大区战略客户部第二小组", "Team with a rather long name indeed",
         "Blue", "Green", "Gold", "Silver", "Orange", "Purple", "Teal", "Navy", "Grey"]
EVENT = "jinhua_complaint"  # in the tutorial's event library (no fixed turn)


def host_of(folder: Path, mode: str = "parallel") -> Host:
    ws = Workshop.create(folder, "tutorial", TEAMS, seed=7, mode=mode,
                         world_secret="workshop-tour")  # one world every run
    host = Host(ws)
    host.token = ws.meta["facilitator_token"]
    return host


def team_screens(app, host: Host, team: str, label: str) -> Iterator[str]:
    """A team of ``host`` plans, waits, reads its results, plays on to its debrief."""

    link = CountingLink(host, host.session.team(team)["token"])
    session = TeamSession.connect(link, "Wang Fang from the second shift")
    app.reset_to("planning", session)
    app.scene.tutorial_step = None
    show(app)
    yield f"{label}-planning"
    app.scene.end_quarter()  # submit: the wait screen
    show(app)
    yield f"{label}-wait"
    host.act(host.token, "advance", fill_policy="needs")
    session = TeamSession.connect(CountingLink(host, host.session.team(team)["token"]),
                                  "Wang Fang")
    app.reset_to("results", session, session.game.results[-1])
    show(app)
    yield f"{label}-results"
    for _ in range(session.scenario.turns - 1):
        host.act(host.token, "advance", fill_policy="needs")
    session = TeamSession.connect(CountingLink(host, host.session.team(team)["token"]),
                                  "Wang Fang")
    for state in to_the_debrief(app, session):
        yield f"{label}-{state}"


def workshop_tour(app, folder: Path) -> Iterator[str]:
    """Render each workshop screen state in turn; yields its name after each frame."""

    app.reset_to("title")
    setup = WorkshopSetupScene(app)
    app.push(setup)
    setup.set_count(12)
    show(app)
    yield "setup"

    host = host_of(folder / "room")
    host.session.close()
    app.reset_to("title")
    scene = ConsoleScene(app, folder / "room")
    app.push(scene)
    code = scene.status["join_code"]
    for k, team in enumerate(("t1", "t2", "t3", "t3")):  # the last waits for approval
        scene.host.join(team, code, device=f"Laptop of player {k} in the back row")
    scene.set_timer(90)
    scene.refresh()
    show(app)
    yield "console"
    for opener in ("ask_advance", "open_inject", "open_teams", "open_access"):
        getattr(scene, opener)()
        show(app)
        yield f"console-{opener}"
        scene.close_modal()
    scene.host.act(scene.token, "inject", event_id=EVENT)
    scene.advance()
    scene.select_metric("satisfaction")
    scene.refresh()
    show(app)
    yield "console-round-2"
    scene.toggle_projector()
    show(app)
    yield "console-projector"
    scene.toggle_projector()
    while not scene.finished:
        scene.advance()
    show(app)
    yield "console-room-debrief"
    scene.toggle_projector()
    show(app)
    yield "console-final-projector"
    scene.toggle_projector()
    app.reset_to("title")

    host = host_of(folder / "teams")
    host.act(host.token, "inject", event_id=EVENT)  # the teams' screens list its headline
    join = JoinScene(app, "local:1", client=LocalClient(host))
    app.data_folder = folder / "data"
    app.push(join)
    show(app)
    yield "join"
    join.pick("t2")
    show(app)
    yield "join-team"
    yield from team_screens(app, host, "t2", "team")
    host.session.close()

    shared = host_of(folder / "shared", mode="shared")
    yield from team_screens(app, shared, "t3", "seat")
    shared.session.close()
    pygame.event.clear()
