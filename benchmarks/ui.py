"""UI performance: planning-screen frame time, idle CPU, startup, every quarter end of a
whole game, and the whole last-quarter path to the debrief.

    python benchmarks/ui.py [--seconds 5]

Runs with the dummy video driver unless DISPLAY is set (run it under xvfb-run to measure
a real window). Figures are wall-clock on a shared machine: quote them, never assert on
them in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

CHILD_SETUP = """
import os, sys, time, tempfile
sys.path.insert(0, {root!r})
os.environ["KAM_SANDBOX_DATA"] = tempfile.mkdtemp()
"""

BARE = """
t0 = time.perf_counter()
import pygame
pygame.display.init()
screen = pygame.display.set_mode((1280, 720))
screen.fill((246, 247, 250))
pygame.display.flip()
print(time.perf_counter() - t0)
"""

SPLASH = """
t0 = time.perf_counter()
import pygame
flip = pygame.display.flip
def timed_flip():
    flip()
    print(time.perf_counter() - t0, flush=True)
    os._exit(0)
pygame.display.flip = timed_flip
from kam_sandbox.game.main import run
run(lang="en")
"""

TITLE = """
t0 = time.perf_counter()
from kam_sandbox.game.app import App
original = App.render
def title_frame(self):
    original(self)
    print(time.perf_counter() - t0, flush=True)
    self.quit()
App.render = title_frame
from kam_sandbox.game.main import run
run(lang="en")
"""

IDLE = """
import resource
from kam_sandbox.base import i18n
i18n.set_language("en")
from kam_sandbox.game.app import App
from kam_sandbox.game.saves import SaveStore
from kam_sandbox.game.settings import Settings
app = App()
app.settings = Settings(lang="en", tutorial_seen=True)
app.store = SaveStore()
app.data_folder = None
scene = {scene!r}
if scene == "menu":
    from kam_sandbox.game.scenes.title import TitleScene
    app.push(TitleScene(app))
else:
    from kam_sandbox.engine import new_game
    from kam_sandbox.game.scenes.planning import PlanningScene
    from kam_sandbox.game.session import Session
    s = Session(new_game("distributors", 1), store=None)
    p = PlanningScene(app, s)
    p.tutorial_step = None
    app.push(p)
start = None
def stop(app):
    global start, cpu0, frames0
    now = time.monotonic()
    if start is None and now > app._active_until:  # settled: input animations are over
        start, cpu0, frames0 = now, time.process_time(), app.frames
    if start is not None and now - start > {seconds}:
        print((time.process_time() - cpu0) / (now - start), app.frames - frames0)
        app.quit()
app.on_frame.append(stop)
app.run()
"""


def child(code: str, **kw) -> str:
    script = textwrap.dedent(CHILD_SETUP.format(root=str(ROOT))) + textwrap.dedent(
        code.format(**kw) if kw else code)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env=os.environ.copy())
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return out.stdout.strip().splitlines()[-1]


def frame_times(frames: int = 120) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT))
    import tempfile

    from kam_sandbox.base import i18n
    from kam_sandbox.engine import new_game
    from kam_sandbox.game.app import App
    from kam_sandbox.game.saves import SaveStore
    from kam_sandbox.game.scenes.planning import PlanningScene
    from kam_sandbox.game.session import Session

    i18n.set_language("en")
    app = App()
    store = SaveStore(Path(tempfile.mkdtemp()))
    session = Session(new_game("distributors", 1), slot="bench", store=store)
    scene = PlanningScene(app, session)
    scene.tutorial_step = None
    app.push(scene)
    times = []
    for i in range(frames):
        start = time.perf_counter()
        app.ui.update(1 / 30)
        app.render()
        times.append(time.perf_counter() - start)
        if i % 30 == 0:
            scene.select((scene.selected + 1) % 5)
    times.sort()
    end_quarter = []
    for _ in range(4):
        start = time.perf_counter()
        from kam_sandbox.game.scenes.results import ResultsScene

        result = session.end_quarter()
        app.replace(ResultsScene(app, session, result))
        app.render()
        end_quarter.append(time.perf_counter() - start)
        scene = PlanningScene(app, session)
        scene.tutorial_step = None
        app.replace(scene)
    app.close()
    return (statistics.mean(times) * 1000, times[int(0.95 * len(times))] * 1000,
            statistics.mean(end_quarter) * 1000)


def quarter_ends(scenario: str, runs: int = 3) -> dict[str, float]:
    """Every quarter end of a whole game of ``scenario`` as the player waits for it, through
    the app: the planning screen open (the last one starts the reference games in the
    background), the quarter played (engine + autosave) and its results drawn; after the
    last, Continue to the debrief drawn (hidden truth, lessons, reference strategies).

    The player plans each quarter for a while; the background games get that time (the
    benchmark waits for them, as a player planning for a second or more would). Also the
    debrief "cold": its reference games not begun, the worst case, behind the busy
    indicator. Returns ms: the slowest quarter end (wall clock, and the CPU it took, which a
    loaded machine does not inflate), the median one, the debrief, the whole last-quarter
    path and the cold debrief (each the fastest of ``runs`` games)."""

    sys.path.insert(0, str(ROOT))
    import tempfile

    from kam_sandbox.base import i18n
    from kam_sandbox.engine import new_game
    from kam_sandbox.game import references
    from kam_sandbox.game.app import App
    from kam_sandbox.game.saves import SaveStore
    from kam_sandbox.game.session import Session

    i18n.set_language("en")
    app = App()
    worst, median, cpu, debrief, path, cold = [], [], [], [], [], []
    for _ in range(runs):
        store = SaveStore(Path(tempfile.mkdtemp()))
        session = Session(new_game(scenario, 1), slot="bench", store=store)
        ends, cpus = [], []
        while not session.game.over:
            app.reset_to("planning", session)
            app.scene.tutorial_step = None
            app.render()
            if session.game.turn == session.scenario.turns - 1:
                references.prefetch(session.scenario, session.game.seed).result()  # planning
            start, cpu0 = time.perf_counter(), time.process_time()
            result = app.run_busy(session.end_quarter)
            app.replace("results", session, result)
            app.render()
            ends.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu0) * 1000)
        start = time.perf_counter()
        app.replace("debrief", session)
        app.render()
        debrief.append((time.perf_counter() - start) * 1000)
        worst.append(max(ends))
        median.append(statistics.median(ends))
        cpu.append(max(cpus))
        path.append(ends[-1] + debrief[-1])
        references._GAMES.clear()  # the cold case: nothing played in the background
        start = time.perf_counter()
        app.replace("debrief", session)
        app.render()
        cold.append((time.perf_counter() - start) * 1000)
    app.close()
    return {"worst quarter end": min(worst), "its CPU": min(cpu),
            "median quarter end": min(median),
            "debrief": min(debrief), "last-quarter path": min(path),
            "cold debrief": min(cold)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    driver = os.environ.get("SDL_VIDEODRIVER", "window")
    print(f"video driver: {driver}")
    mean, p95, end_q = frame_times()
    print(f"planning frame: mean {mean:.1f} ms, p95 {p95:.1f} ms (full redraw, 1280x720)")
    print(f"end quarter (engine + autosave + results screen drawn): {end_q:.1f} ms")
    for scenario in ("tutorial", "retail", "distributors"):
        figures = quarter_ends(scenario)
        print(f"{scenario}: " + ", ".join(f"{k} {v:.0f} ms" for k, v in figures.items()))
    bare = min(float(child(BARE)) for _ in range(3))
    first = min(float(child(SPLASH)) for _ in range(3))
    title = min(float(child(TITLE)) for _ in range(3))
    print(f"startup to first frame (splash): game {first * 1000:.0f} ms, bare pygame window "
          f"{bare * 1000:.0f} ms, ratio {first / bare:.1f}x (imports included in both)")
    print(f"startup to the interactive title screen: {title * 1000:.0f} ms")
    for scene in ("menu", "planning"):
        cpu, frames = child(IDLE, scene=scene, seconds=args.seconds).split()
        print(f"idle CPU at the {scene}: {float(cpu) * 100:.1f} % of one core "
              f"({frames} frames drawn in {args.seconds:.0f} s)")


if __name__ == "__main__":
    main()
