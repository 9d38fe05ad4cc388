"""Without a display the game says so, in the player's language, and exits non-zero, instead
of running windowless."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

MESSAGE = {"en": "no display found", "zh": "未找到显示器"}


def run_without_display(tmp_path, driver: str | None, lang: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    if driver is not None:
        env["SDL_VIDEODRIVER"] = driver
    env["KAM_SANDBOX_DATA"] = str(tmp_path / "data")
    return subprocess.run([sys.executable, "-m", "kam_sandbox", "play", "--lang", lang],
                          capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize("driver, lang", [("x11", "en"), ("x11", "zh"), (None, "en")])
def test_no_display_found_exits_non_zero(tmp_path, driver, lang):
    proc = run_without_display(tmp_path, driver, lang)
    assert proc.returncode != 0
    assert MESSAGE[lang] in proc.stderr, proc.stderr[-2000:]
