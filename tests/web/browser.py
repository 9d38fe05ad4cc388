"""Driving Debian's Chromium for the browser-client tests (Selenium + chromedriver).

``Browser`` is one person's browser: its own fresh profile (its own localStorage), a
language, and a size (``LAPTOP`` 1366×768 or ``PHONE`` 390×844, set exactly through the
DevTools protocol). ``shoot`` writes a screenshot and fails on an empty page or on text
that overlaps other text.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

LAPTOP = (1366, 768, False)
PHONE = (390, 844, True)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")
WAIT = 20.0  # seconds a page may take to show what a step waits for (polls run every 2 s)


def require_browser() -> None:
    """Skip with the reason when Chromium or Selenium is missing; on CI (``CI`` set), fail:
    there ``.ci/run`` installs them, so their absence is a broken setup."""

    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER))
               if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        reason = (f"browser tests need {', '.join(missing)}: apt-get install chromium "
                  "chromium-driver")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


# Text-bearing elements that overlap one another (neither inside the other), visible ones
# only; the fixed bottom bar is compared with nothing (the page scrolls beneath it).
OVERLAPS_JS = """
const texts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (!node.textContent.trim()) continue;
  const el = node.parentElement;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || el.closest('[hidden], .sr-only, .bottom, title')) continue;
  const range = document.createRange(); range.selectNodeContents(node);
  // Clipped by an ancestor that hides overflow (an ellipsis): only the part shown counts.
  let clip = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
  for (let p = el; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      const c = p.getBoundingClientRect();
      clip = {left: Math.max(clip.left, c.left), top: Math.max(clip.top, c.top),
              right: Math.min(clip.right, c.right), bottom: Math.min(clip.bottom, c.bottom)};
    }
  }
  for (const raw of range.getClientRects()) {
    const r = {left: Math.max(raw.left, clip.left), top: Math.max(raw.top, clip.top),
               right: Math.min(raw.right, clip.right), bottom: Math.min(raw.bottom, clip.bottom)};
    r.width = r.right - r.left; r.height = r.bottom - r.top;
    if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > innerHeight) continue;
    texts.push({el, r, text: node.textContent.trim().slice(0, 40)});
  }
}
const found = [];
for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
  const a = texts[i], b = texts[j];
  if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
  const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
  const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
  if (x > 2 && y > 2) found.push(a.text + ' | ' + b.text);
}
// Every control has a name a screen reader can say.
const unnamed = [...document.querySelectorAll('button, input, select, [role=button]')]
  .filter((el) => !el.closest('[hidden]') && el.offsetParent !== null)
  .filter((el) => !((el.getAttribute('aria-label') || '').trim() || (el.labels && el.labels.length)
                    || (el.type !== 'radio' && el.type !== 'checkbox' && el.tagName === 'BUTTON' && el.textContent.trim())))
  .map((el) => el.outerHTML.slice(0, 80));
// A tier or credit grade written as a bare letter: an element showing only "A"…"D" (a
// person's initial is aria-hidden: decoration beside the name).
const bare = [...document.querySelectorAll('body *')]
  .filter((el) => !el.children.length && /^[A-D]$/.test(el.textContent.trim()))
  .filter((el) => !el.closest('[aria-hidden=true], [hidden], title') && (el.offsetParent !== null || el instanceof SVGElement))
  .map((el) => el.outerHTML.slice(0, 80));
return {unnamed: unnamed.slice(0, 5), overlaps: found.slice(0, 10), wide: document.documentElement.scrollWidth - innerWidth,
        bare: bare.slice(0, 5), words: document.body.innerText,
        text: (document.querySelector('main') || document.body).innerText.trim().length,
        shown: document.querySelectorAll('main *').length};
"""


def poll(what: Callable[[], object], timeout: float) -> object:
    """``what()`` as soon as it is truthy (an exception counts as not yet: the element is
    being replaced), or its last falsy value after ``timeout`` seconds."""

    end = time.monotonic() + timeout
    while True:
        try:
            value = what()
        except Exception:
            value = None
        if value or time.monotonic() > end:
            return value
        time.sleep(0.1)


class Browser:
    def __init__(self, url: str, lang: str, size: tuple[int, int, bool], shots: Path,
                 name: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.url, self.lang, self.shots, self.name = url, lang, shots, name
        self.profile = tempfile.mkdtemp(prefix="kam-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--lang={'zh-CN' if lang == 'zh' else 'en-US'}")
        options.add_experimental_option("prefs", {"intl.accept_languages":
                                                  "zh-CN,zh" if lang == "zh" else "en-US,en"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.resize(size)

    def resize(self, size: tuple[int, int, bool]) -> None:
        width, height, mobile = size
        self.size = size
        self.driver.set_window_size(width + 40, height + 200)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    # -- finding and waiting ----------------------------------------------------------------
    def wait(self, what: Callable[[], object], message: str, timeout: float = WAIT):
        value = poll(what, timeout)
        if not value:
            self.shoot(f"FAILED-{message[:40]}", check=False)
            raise AssertionError(f"{self.name}: {message} (after {timeout} s); "
                                 f"page: {self.text()[:300]!r}; log: {self.errors()}")
        return value

    def css(self, selector: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector: str):
        return self.wait(lambda: (self.css(selector) or [None])[0], f"no {selector}")

    def page(self) -> str:
        return self.driver.execute_script("return document.querySelector('main').dataset.page")

    def on_page(self, name: str, timeout: float = WAIT) -> None:
        self.wait(lambda: self.page() == name and self.text(), f"not on the {name} page",
                  timeout)

    def text(self, selector: str = "main") -> str:
        nodes = self.css(selector)
        return nodes[0].text if nodes else ""

    def click(self, selector: str) -> None:
        element = self.one(selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def errors(self) -> list[str]:
        """The page's script errors (a refusal the page shows, e.g. a 422 for a plan over
        the limit, is logged as a failed resource: not an error of the page)."""

        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and e.get("source") != "network"]

    # -- looking ----------------------------------------------------------------------------
    def shoot(self, name: str, check: bool = True) -> Path:
        """A screenshot as ``NN-name-lang-size.png``; with ``check``, fail on an empty page,
        text that overlaps other text, or a page wider than the screen."""

        size = "phone" if self.size == PHONE else "laptop"
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{len(list(self.shots.iterdir())):02d}-{self.name}-{name}-{self.lang}-{size}.png"
        time.sleep(0.15)  # let the layout settle after the last change
        self.driver.save_screenshot(str(path))
        if check:
            check_page(self.driver.execute_script(OVERLAPS_JS), path)
        return path

    def tour(self, name: str) -> None:
        """Screenshots of the current page in both languages at both sizes (then back to
        this browser's own language and size)."""

        own_lang, own_size = self.lang, self.size
        for lang in (own_lang, "en" if own_lang == "zh" else "zh"):
            self.set_language(lang)
            for size in (own_size, PHONE if own_size == LAPTOP else LAPTOP):
                self.resize(size)
                self.shoot(name)
        self.set_language(own_lang)
        self.resize(own_size)

    def set_language(self, lang: str) -> None:
        if self.lang == lang:
            return
        self.lang = lang
        want = "zh-CN" if lang == "zh" else "en"
        self.click("#lang")
        self.wait(lambda: self.driver.execute_script("return document.documentElement.lang")
                  == want, f"the page did not switch to {lang}")
        self.wait(lambda: self.text(), "the page is empty after switching language")

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


#: A tier or credit grade named by a bare letter in running text ("tier A", "A级"), as
#: tests/game/test_tier_credit.py rejects it in the locale tables and docs.
BARE_FORMS = re.compile(r"\b(?:grade|rated|tier)[- ][A-D]\b|[A-D]-(?:grade|rated)|[A-D] ?级")


def check_page(found: dict, path: Path) -> None:
    """Fail on an empty page, overlapping text, a control a screen reader cannot name, a
    page wider than its screen, or a tier or credit grade written as a bare letter (a badge
    "A", or "tier A" / "A级" in the text): the page writes "Tier A" / "A类", "Credit D"."""

    assert found["text"] > 20 and found["shown"] > 3, f"{path.name}: the page is empty"
    assert not found["overlaps"], f"{path.name}: text overlaps: {found['overlaps']}"
    assert not found.get("unnamed"), f"{path.name}: controls without a name: {found['unnamed']}"
    assert found["wide"] <= 1, f"{path.name}: the page is {found['wide']} px wider than the screen"
    assert not found["bare"], f"{path.name}: a bare tier or grade letter: {found['bare']}"
    said = BARE_FORMS.findall(found["words"])
    assert not said, f"{path.name}: a tier or grade named by a bare letter: {said}"
