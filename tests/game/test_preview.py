"""`kam-sandbox preview`: every shipped case drawn as a trainee sees it, in both languages,
headless, with no text cut without an ellipsis (issue 13 item 10)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from kam_sandbox.base import i18n
from kam_sandbox.engine import load_scenario, shipped_scenarios
from kam_sandbox.game.preview import capture, write_sheet

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_case_previews_whole(app, tmp_path, path, lang):
    i18n.set_language(lang)
    scenario = load_scenario(path)
    try:
        preview = capture(app, path, scenario)
    finally:
        i18n.set_language("en")
    names = [name for name, _ in preview.frames]
    assert names[:2] == ["library · briefing", "library · accounts"]
    assert names[-1] == "results · headlines"
    assert len(names) == 3 + len(scenario.accounts)
    assert preview.cut == []  # every text fits, or is cut with an ellipsis and a hover
    out = write_sheet(preview, tmp_path / f"{path.stem}-{lang}.png")
    sheet = pygame.image.load(str(out))
    assert sheet.get_height() > sum(s.get_height() for _, s in preview.frames)
    for name, frame in preview.frames:  # each frame is drawn, not blank
        colours = {frame.get_at((x, y))[:3] for x in range(0, frame.get_width(), 37)
                   for y in range(0, frame.get_height(), 29)}
        assert len(colours) > 12, name


def test_a_label_cut_without_an_ellipsis_is_reported(app):
    """The check can fail: a label too small for its text is reported with its screen."""
    from pygame_gui.elements import UILabel

    from kam_sandbox.game.preview import Preview, _watching

    app.push("title")
    preview = Preview()
    with _watching(preview, "title"):
        UILabel(pygame.Rect(0, 0, 30, 20), "a long text that cannot fit", app.ui)
    assert len(preview.cut) == 1
    assert preview.cut[0].startswith("title: a long text that cannot fit")


def _cli(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess:
    env = {"LANG": lang, "PATH": "/usr/bin:/bin"}  # no display: --out must not need one
    return subprocess.run([sys.executable, "-m", "kam_sandbox", *args], capture_output=True,
                          text=True, timeout=300, env=env)


def test_the_command_writes_a_png_headless_and_reports_problems_as_validate(tmp_path):
    out = tmp_path / "tutorial.png"
    done = _cli("preview", "tutorial", "--out", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "所有文字都放得下" in done.stdout and out.stat().st_size > 50_000
    broken = _cli("preview", str(DATA / "number_commas.yaml"), "--out", str(out),
                  lang="zh_CN.UTF-8")
    assert broken.returncode == 1
    assert "number_commas.yaml:27:13:" in broken.stdout and "请去掉数字中的分隔符" in broken.stdout
