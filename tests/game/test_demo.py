"""Demo mode plays a whole game through the real UI, headless, in both languages: the
end-to-end test of the game."""

from __future__ import annotations

import os
import subprocess
import sys

import pygame
import pytest
from test_screenshots import content_problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_plays_a_whole_game_and_saves_every_screen(tmp_path, lang):
    shots = tmp_path / "shots"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               KAM_SANDBOX_DATA=str(tmp_path / "data"))
    proc = subprocess.run(
        [sys.executable, "-m", "kam_sandbox", "play", "--demo", "--lang", lang,
         "--scenario", "tutorial", "--seed", "5", "--screenshots", str(shots)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = sorted(p.name for p in shots.glob("*.png"))
    turns = 4
    assert f"{lang}-01-title.png" in names
    assert f"{lang}-02-library.png" in names
    assert len([n for n in names if "planning-q" in n]) == turns
    assert len([n for n in names if "results-q" in n]) == turns
    assert any("debrief" in n for n in names)
    image = pygame.image.load(str(shots / f"{lang}-planning-q01.png"))
    assert image.get_size() == (1280, 720)
    # Not a blank frame: the planning screen has many distinct colours.
    colours = {image.get_at((x, y))[:3] for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 20
    # Every debrief tab has its content drawn, its own tab highlighted (issue 11 item 22).
    assert not content_problems(shots, lang)


def test_demo_finishes_on_a_scenario_with_a_tight_budget(tmp_path, tight_tutorial):
    """Built-in strategies once overspent such a case: the planning screen refused the plan
    and the demo waited for ever. The timeout is the failure, not a wall-clock measure."""

    path = tight_tutorial
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               KAM_SANDBOX_DATA=str(tmp_path / "data"))
    for policy in ("needs", "random"):
        proc = subprocess.run(
            [sys.executable, "-m", "kam_sandbox", "play", "--demo", "--scenario", path,
             "--seed", "5", "--policy", policy],
            capture_output=True, text=True, timeout=300, env=env,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
