"""Workshop host under load: what teams and the trainer wait for, at 12 to 96 teams.

    python benchmarks/workshop.py [--teams 12 24 48 96] [--round-seconds 4]
                                  [--scenario distributors] [--rounds N] [--in-process]

For each team count it creates a session (parallel mode), serves it over loopback HTTP from
this process (``ServerThread``, as ``kam-sandbox workshop host`` does, the rounds played by
the host's round worker, ``workshop.worker``; ``--in-process``: in this process, as before
the worker, for comparison) and starts a load
client in another process, in which every team polls ``GET /api/team`` once a second and
saves a draft every 3 s (issue 12's room). This process plays the facilitator's console:
every ``--round-seconds`` it advances the round through ``Host.act`` and times it, until
the session is finished.

Reported per team count: poll p50/p99 over all polls and over the polls that overlapped an
advance, draft p50/p99, the errors (any answer but 200, or no answer), and the advance:
the slowest and the median round, how long the slowest held the Host's lock (what a poll
may wait behind it), and each round's time; and the host's CPU use (its
process's CPU seconds per second, all threads: above ~0.9 its GIL saturates, whatever the
machine). Wall-clock figures on a shared machine: quote the best of a few runs, with the
load average; never assert on them.

Where the time goes (2 cores, 48 teams): a poll costs the host well under 1 ms of CPU (each
team's state is encoded once per change; its snapshot, most of it, as the worker encoded
it); a round's play is ~0.3 s of pure-Python CPU. Played in the host's process it held the
GIL that every poll needs, and polls overlapping an advance waited ~100-200 ms (p99); in
the round worker it holds only the worker's, and the host's threads serve on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kam_sandbox.engine import Game  # noqa: E402
from kam_sandbox.engine.actions import actions_to_plan  # noqa: E402
from kam_sandbox.engine.policies import POLICIES, decide  # noqa: E402
from kam_sandbox.workshop import Session  # noqa: E402
from kam_sandbox.workshop.host import Host  # noqa: E402

POLL_SECONDS = 1.0
DRAFT_SECONDS = 3.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f}"


# -- the load client (another process: its work must not share this one's GIL) -----------------
async def _team(client, token: str, plan: dict, until: float, rng: random.Random,
                out: list) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    async def every(period: float, kind: str, call) -> None:
        tick = time.monotonic() + rng.uniform(0, period)
        while tick < until:
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
            start = time.monotonic()
            try:
                status = (await call()).status_code
            except Exception as exc:  # noqa: BLE001  a timeout or a refused connection
                status = type(exc).__name__
            out.append((kind, start, time.monotonic() - start, status))
            tick += period
            while tick < time.monotonic():  # a slow answer: skip the ticks missed
                tick += period

    await asyncio.gather(
        every(POLL_SECONDS, "poll", lambda: client.get("/api/team", headers=headers)),
        every(DRAFT_SECONDS, "draft", lambda: client.put(
            "/api/team/draft", headers=headers, json={"plan": plan, "author": "bench"})))


async def _load(url: str, tokens: list[str], plan: dict, seconds: float) -> list:
    import httpx

    out: list = []
    from kam_sandbox.workshop.client import KEEP_ALIVE_EXPIRY

    limits = httpx.Limits(max_connections=2 * len(tokens), max_keepalive_connections=2 * len(tokens),
                          keepalive_expiry=KEEP_ALIVE_EXPIRY)  # as the team's client does
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0) as client:
        until = time.monotonic() + seconds
        rng = random.Random(1)
        await asyncio.gather(*(_team(client, t, plan, until, rng, out) for t in tokens))
    return out


def client_main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    out = asyncio.run(_load(spec["url"], spec["tokens"], spec["plan"], spec["seconds"]))
    json.dump(out, sys.stdout)


# -- the host and the facilitator ---------------------------------------------------------------
class TimedLock:
    """The Host's lock, timing how long one thread (the facilitator's) holds it: the time
    every team's poll and draft would wait behind an advance, whatever the machine's load."""

    def __init__(self, lock):
        self.lock, self.watched, self.held, self._depth, self._since = lock, None, 0.0, 0, 0.0

    def acquire(self, *args, **kwargs):
        got = self.lock.acquire(*args, **kwargs)
        if got and threading.current_thread() is self.watched:
            self._depth += 1
            if self._depth == 1:
                self._since = time.perf_counter()
        return got

    def release(self):
        if threading.current_thread() is self.watched:
            self._depth -= 1
            if self._depth == 0:
                self.held += time.perf_counter() - self._since
        self.lock.release()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()


def run(teams: int, scenario: str, round_seconds: float, rounds: int | None,
        worker: bool = True) -> dict:
    from kam_sandbox.workshop.server import ServerThread

    folder = Path(tempfile.mkdtemp()) / "ws"
    session = Session.create(folder, scenario, teams, seed=1, world_secret="bench")
    host = Host(session, worker=worker)
    host._lock = lock = TimedLock(host._lock)
    lock.watched = threading.current_thread()
    ft = session.meta["facilitator_token"]
    total = min(rounds or session.meta["rounds"], session.meta["rounds"])
    game = Game(session.scenario, 1)
    plan = actions_to_plan(decide(POLICIES["needs"], game.view(), game.scenario,
                                  game.batch.static), game.batch.static)
    server = ServerThread(host, port=0, announce=False)
    server.start()
    spec = Path(folder.parent / "spec.json")
    spec.write_text(json.dumps({"url": server.url, "plan": plan,
                                "tokens": [t["token"] for t in session.teams()],
                                "seconds": round_seconds * (total + 0.5)}), encoding="utf-8")
    client = subprocess.Popen([sys.executable, __file__, "--client", str(spec)],
                              stdout=subprocess.PIPE)
    advances = []  # (round, start, seconds)
    try:
        start, cpu = time.monotonic(), time.process_time()
        for r in range(1, total + 1):
            time.sleep(max(0.0, start + r * round_seconds - time.monotonic()))
            began, lock.held = time.monotonic(), 0.0
            host.act(ft, "advance")
            advances.append((r, began, time.monotonic() - began, lock.held))
        busy = (time.process_time() - cpu) / (time.monotonic() - start)
        requests = json.loads(client.communicate()[0])
    finally:
        client.kill()
        server.stop()
        session.close()
    return {**summary(teams, requests, advances), "cpu": busy}


def summary(teams: int, requests: list, advances: list) -> dict:
    def overlaps(start: float, took: float) -> bool:
        return any(start < a + t and a < start + took for _, a, t, _ in advances)

    polls = [took for kind, _, took, status in requests if kind == "poll" and status == 200]
    during = [took for kind, start, took, status in requests
              if kind == "poll" and status == 200 and overlaps(start, took)]
    drafts = [took for kind, _, took, status in requests if kind == "draft" and status == 200]
    finished = advances[-1][1]  # after the last round closes a draft is refused: rightly
    errors = Counter(f"{kind} {status}" for kind, start, took, status in requests
                     if status != 200 and not (kind == "draft" and status == 409
                                               and start + took >= finished))
    times = [t for _, _, t, _ in advances]
    locked = [held for *_, held in advances]
    return {"teams": teams, "polls": len(polls), "poll_p50": percentile(polls, 0.5),
            "poll_p99": percentile(polls, 0.99), "during": len(during),
            "during_p99": percentile(during, 0.99), "draft_p50": percentile(drafts, 0.5),
            "draft_p99": percentile(drafts, 0.99), "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "advance_max": max(times), "advance_median": statistics.median(times),
            "advances": times, "locked_max": max(locked)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, nargs="+", default=[12, 24, 48, 96])
    parser.add_argument("--scenario", default="distributors")
    parser.add_argument("--round-seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=None, help="stop after N rounds")
    parser.add_argument("--in-process", action="store_true",
                        help="play the rounds in the host's process (no round worker)")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # the load client's spec file
    args = parser.parse_args()
    if args.client:
        client_main(args.client)
        return
    print(f"{args.scenario}, parallel, rounds played "
          f"{'in the host' if args.in_process else 'by the round worker'}, a poll every {POLL_SECONDS:g} s and a draft every "
          f"{DRAFT_SECONDS:g} s per team, an advance every {args.round_seconds:g} s · ms")
    print("teams  polls  poll p50  poll p99  during adv. (n, p99)  draft p50  draft p99  "
          "errors  host CPU  advance max  (locked)  median  per round")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    for teams in args.teams:
        row = run(teams, args.scenario, args.round_seconds, args.rounds, not args.in_process)
        print(f"{row['teams']:5d} {row['polls']:6d} {ms(row['poll_p50']):>9} "
              f"{ms(row['poll_p99']):>9} {row['during']:>9d} {ms(row['during_p99']):>9}      "
              f"{ms(row['draft_p50']):>9} {ms(row['draft_p99']):>10} {row['errors']:7d} "
              f"{row['cpu']:9.2f} "
              f"{ms(row['advance_max']):>12} {ms(row['locked_max']):>9} {ms(row['advance_median']):>7}  "
              f"{' '.join(ms(t) for t in row['advances'])}  (load {os.getloadavg()[0]:.1f})",
              flush=True)
        if row["error_kinds"]:
            print(f"      errors: {row['error_kinds']}", flush=True)


if __name__ == "__main__":
    main()
