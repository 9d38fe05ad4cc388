"""Helpers for tests that run a real ``kam-sandbox workshop host`` subprocess."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from kam_sandbox.workshop.client import running_host


def wait_for_host(folder: Path, proc: subprocess.Popen, timeout: float = 30) -> dict:
    """Poll (with a deadline) until the host subprocess announces itself in host.json."""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = running_host(folder)
        if info and info["pid"] == proc.pid:
            return info
        if proc.poll() is not None:
            raise AssertionError(f"the host exited: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError("the host did not start in time")
