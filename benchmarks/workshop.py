"""Workshop host timings: what a trainer waits for, for a 12-team session.

    python benchmarks/workshop.py [--scenario distributors] [--teams 12] [--mode parallel]

Plays a whole session through ``workshop.Host`` (every team submits a ``needs`` plan each
round, one team is absent and filled in) and reports, per round: closing it (the
facilitator's Advance: every team's game rebuilt from the log and played), a team's poll
(``team_state``), a draft save, a submission, the facilitator's status, and the size of the
session file; then the same poll and draft save over HTTP on loopback (a team's client).
Wall-clock figures: quote the best of a few runs; never assert on them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kam_sandbox.engine.actions import actions_to_plan  # noqa: E402
from kam_sandbox.engine.policies import POLICIES, decide  # noqa: E402
from kam_sandbox.workshop import Session  # noqa: E402
from kam_sandbox.workshop.host import Host  # noqa: E402


def ms(seconds: float) -> str:
    return f"{1000 * seconds:7.1f}"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="distributors")
    parser.add_argument("--teams", type=int, default=12)
    parser.add_argument("--mode", choices=("parallel", "shared"), default="parallel")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp()) / "ws"
    session = Session.create(folder, args.scenario, args.teams, seed=1, mode=args.mode)
    host = Host(session)
    ft = session.meta["facilitator_token"]
    tokens = [t["token"] for t in session.teams()]
    print(f"{args.scenario}, {args.teams} teams, {args.mode} · times in ms")
    print("round   advance   poll  draft  submit  status   file kB")
    polls = []
    while not session.meta["finished"]:
        games = session.replay()
        for i, (token, rep) in enumerate(zip(tokens, games.values())):
            if i == len(tokens) - 1:
                continue  # the last team is absent: filled in at the close
            game = rep.game
            plan = actions_to_plan(decide(POLICIES["needs"], game.view(), game.scenario,
                                          game.batch.static), game.batch.static)
            t_draft, _ = timed(host.save_draft, token, plan)
            t_submit, _ = timed(host.submit, token, plan)
        t_poll = min(timed(host.team_state, tokens[0])[0] for _ in range(5))
        polls.append(t_poll)
        t_status, _ = timed(host.status, ft)
        r = session.round
        t_advance, _ = timed(host.act, ft, "advance")
        size = (folder / "session.json").stat().st_size / 1024
        print(f"{r:5d} {ms(t_advance)} {ms(t_poll)} {ms(t_draft)} {ms(t_submit)} "
              f"{ms(t_status)} {size:9.0f}")
    print(f"median poll {ms(statistics.median(polls)).strip()} ms")
    http(host, tokens[0])
    session.close()


def http(host: Host, token: str, n: int = 50) -> None:
    """A team client's calls over loopback HTTP (FastAPI + uvicorn in a thread)."""

    from kam_sandbox.workshop.client import RemoteTeamLink
    from kam_sandbox.workshop.server import ServerThread

    server = ServerThread(host, port=0, announce=False)
    server.start()
    try:
        with RemoteTeamLink(server.url, token) as link:
            link.state()  # warm up the connection
            polls = [timed(link.state)[0] for _ in range(n)]
    finally:
        server.stop()
    print(f"over HTTP: team poll median {ms(statistics.median(polls)).strip()} ms, "
          f"p95 {ms(sorted(polls)[int(0.95 * n)]).strip()} ms")


if __name__ == "__main__":
    main()
