"""Driving Firefox (ESR) for a smoke test of the browser client, through its own remote
protocol, Marionette (``marionette-driver``, Mozilla's client): geckodriver is not packaged
for Debian, Firefox is (``apt-get install firefox-esr``).

``Firefox`` is one person's browser: a fresh profile, a language, a viewport of an exact
size (``LAPTOP``, or ``NARROW``: Firefox keeps a window at least 500 px wide, and headless
it ignores a device-pixel scale, so the phone layout is checked at 500 × 844); ``shoot`` writes a screenshot and applies the same page check as the Chromium tests
(``browser.check_page``). The tests skip when Firefox or the client is missing, on CI too:
``.ci/run`` installs Chromium only.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from browser import LAPTOP, OVERLAPS_JS, WAIT, check_page, poll

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NARROW = (500, 844, True)  # the narrowest Firefox window: the phone layout (< 900 px)
STARTUP = 60.0  # seconds Firefox may take to open its Marionette port (a loaded machine)


def require_firefox() -> None:
    missing = [] if FIREFOX else ["firefox-esr (apt-get install firefox-esr)"]
    try:
        import marionette_driver  # noqa: F401
    except ImportError:
        missing.append("marionette-driver (pip install -e '.[test]')")
    if missing:
        pytest.skip(f"the Firefox smoke test needs {', '.join(missing)}")


class Firefox:
    def __init__(self, lang: str, size: tuple[int, int, bool], shots: Path, name: str):
        from marionette_driver.marionette import Marionette

        self.lang, self.shots, self.name = lang, shots, name
        self.driver = None
        self.profile = Path(tempfile.mkdtemp(prefix="kam-firefox-"))
        accept = "zh-CN, zh" if lang == "zh" else "en-US, en"
        # Port 0: Firefox picks a free one and writes it to MarionetteActivePort.
        (self.profile / "user.js").write_text(
            f'user_pref("intl.accept_languages", "{accept}");\n'
            'user_pref("marionette.port", 0);\n'
            'user_pref("browser.shell.checkDefaultBrowser", false);\n', encoding="utf-8")
        self.process = subprocess.Popen(
            [FIREFOX, "--headless", "--marionette", "--no-remote", "--profile",
             str(self.profile)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "MarionetteActivePort"
        end = time.monotonic() + STARTUP
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > end or self.process.poll() is not None:
                self.quit()
                raise AssertionError("Firefox did not start its Marionette port")
            time.sleep(0.1)
        try:
            self.driver = Marionette(host="127.0.0.1", port=int(port_file.read_text()))
            self.driver.start_session()
            self.resize(size)
        except BaseException:  # nobody else holds this browser yet: do not leave it running
            self.quit()
            raise

    def resize(self, size: tuple[int, int, bool]) -> None:
        """The viewport at exactly ``size`` (the window is larger by its frame)."""

        self.size = size
        width, height, _ = size
        self.driver.set_window_rect(width=width, height=height)
        frame = self.driver.execute_script(
            "return [outerWidth - innerWidth, outerHeight - innerHeight]")
        self.driver.set_window_rect(width=width + frame[0], height=height + frame[1])
        inner = self.driver.execute_script("return [innerWidth, innerHeight]")
        assert inner == [width, height], f"firefox: viewport {inner}, wanted {width}×{height}"

    def wait(self, what: Callable[[], object], message: str, timeout: float = WAIT):
        value = poll(what, timeout)
        if not value:
            raise AssertionError(f"firefox {self.name}: {message} (after {timeout} s); "
                                 f"page: {self.text()[:300]!r}")
        return value

    def js(self, script: str, *args):
        return self.driver.execute_script(script, script_args=list(args))

    def text(self, selector: str = "main") -> str:
        return self.js("const n = document.querySelector(arguments[0]);"
                       "return n ? n.innerText : ''", selector) or ""

    def page(self) -> str:
        return self.js("return document.querySelector('main').dataset.page")

    def on_page(self, name: str) -> None:
        self.wait(lambda: self.page() == name and self.text(), f"not on the {name} page")

    def one(self, selector: str):
        from marionette_driver.by import By

        return self.wait(lambda: self.driver.find_element(By.CSS_SELECTOR, selector),
                         f"no {selector}")

    def click(self, selector: str) -> None:
        self.js("arguments[0].scrollIntoView({block: 'center'})", self.one(selector))
        self.one(selector).click()

    def shoot(self, name: str) -> Path:
        size = "narrow" if self.size == NARROW else "laptop"
        self.shots.mkdir(parents=True, exist_ok=True)
        count = len(list(self.shots.iterdir()))
        path = self.shots / f"{count:02d}-firefox-{self.name}-{name}-{self.lang}-{size}.png"
        time.sleep(0.15)  # let the layout settle after the last change
        path.write_bytes(self.driver.screenshot(format="binary", full=False))
        check_page(self.js(OVERLAPS_JS), path)
        return path

    def quit(self) -> None:
        try:
            if self.driver is not None and self.driver.session is not None:
                self.driver.delete_session()
        finally:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


__all__ = ["LAPTOP", "NARROW", "Firefox", "require_firefox"]
