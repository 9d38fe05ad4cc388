"""The HTML balance report (engine.report): self-contained, escaped, well-formed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from kam_sandbox.authoring.report import CHART_METRICS, compact, html_report, marker, nice_ticks
from kam_sandbox.engine import POLICIES, load_scenario
from kam_sandbox.engine.scenario import Text
from kam_sandbox.engine.simulate import (
    balance,
    lesson_policies,
    lesson_table,
    sensitivity,
)

SEEDS = list(range(3, 33))
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base"}


class Checker(HTMLParser):
    """Fails on unbalanced or misnested tags; collects text and tag counts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: dict[str, int] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Checker:
    c = Checker()
    c.feed(html)
    c.close()
    assert not c.errors, c.errors[:5]
    assert not c.stack, c.stack
    return c


@pytest.fixture(scope="module")
def data():
    sc = load_scenario("tutorial")
    every = balance(sc, SEEDS, lesson_policies())
    lessons = lesson_table(every, sc)
    res = {p: every[p] for p in POLICIES}
    sens = sensitivity(sc, SEEDS[:6], params=["carryover", "expectation"])
    return sc, res, lessons, sens


@pytest.fixture(scope="module")
def html(data):
    sc, res, lessons, sens = data
    return html_report(sc, res, lessons, sens, SEEDS, date="2025-03-01")


def test_report_is_well_formed_and_self_contained(html):
    checker = parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    assert "http" not in html.lower()  # no links, scripts, fonts or xmlns out of the file
    assert "<script" not in html and "<link" not in html and "url(" not in html
    assert checker.tags.get("svg", 0) >= len(CHART_METRICS)


def test_report_content(data, html):
    sc, res, lessons, sens = data
    for metric in CHART_METRICS:
        assert f'<svg class="dist" data-metric="{metric}"' in html
    for name in res:
        assert f">{name}<" in html or f"> {name}<" in html
    for row in lessons:
        assert f'<tr data-lesson="{row["id"]}">' in html
        assert row["title"] in html and row.get("reason", "") in html
    assert len(re.findall(r'<tr data-lesson="', html)) == len(lessons)
    assert html.index('id="lesson-table"') < html.index('id="policies"')  # at the top
    assert "Discover before you invest" in html and "§2" not in html  # by name
    for row in sens:
        assert f"<code>{row['param']}</code>" in html
    # the best run of needs, with the command that replays it
    i = int(np.argmax(res["needs"]["score"]))
    assert (f"kam-sandbox simulate tutorial --policy needs --runs 1 --seed {SEEDS[i]}"
            in html)
    assert sc.title.en in html and sc.title.zh in html
    assert "2025-03-01" in html and f"{SEEDS[0]}–{SEEDS[-1]}" in html
    assert "How to read this report" in html
    assert '<svg class="forest"' in html  # lesson effect sizes


def test_report_is_deterministic_and_bilingual(data, html):
    sc, res, lessons, sens = data
    assert html_report(sc, res, lessons, sens, SEEDS, date="2025-03-01") == html
    zh = html_report(sc, res, lessons, sens, SEEDS, lang="zh")
    parse(zh)
    assert '<html lang="zh-CN">' in zh and "如何阅读本报告" in zh
    assert zh.index(sc.title.zh) < zh.index(sc.title.en)
    with pytest.raises(ValueError, match="lang"):
        html_report(sc, res, lessons, sens, SEEDS, lang="fr")


def test_report_escapes_everything(data):
    sc, res, lessons, sens = data
    evil = "<script>alert('x')</script>"
    sc2 = sc.model_copy(update={"title": Text(zh="标题<b>", en=evil)})
    res2 = {**res, "my<policy>&": res["uniform"]}
    out = html_report(sc2, res2, lessons, sens, SEEDS, scenario_ref="my dir/case.yaml",
                      date="<i>today</i>")
    parse(out)
    assert "<script" not in out and "<i>today" not in out and "my<policy>" not in out
    assert "&lt;script&gt;" in out and "my&lt;policy&gt;&amp;" in out
    # paths and odd policy names are shell-quoted in the replay commands
    assert "kam-sandbox simulate &#x27;my dir/case.yaml&#x27; --policy" in out


def test_report_degrades_gracefully(data):
    sc, res, _, _ = data
    out = html_report(sc, res, None, None, SEEDS[::2])
    parse(out)
    assert "Not computed" in out  # no sensitivity, no lessons
    assert 'class="forest"' not in out
    assert f"{SEEDS[0]}–{SEEDS[::2][-1]} ({len(SEEDS[::2])})" in out  # seeds with gaps
    assert "--html report.html" not in out  # no single command re-runs gappy seeds
    with pytest.raises(ValueError):
        html_report(sc, {}, [], None, SEEDS)


def test_chart_helpers():
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(3.2, 9.1, 5) == [4, 5, 6, 7, 8, 9]
    assert nice_ticks(5, 5)[0] <= 5
    assert compact(16_845_758) == "16.85 M" and compact(45_600) == "45.6 k"
    assert compact(-2_500_000) == "-2.50 M" and compact(0) == "0"
    for shape in ("circle", "square", "triangle", "down", "diamond", "hexagon", "star",
                  "cross", "plus"):
        parse(f"<svg>{marker(shape, 10, 10, 5, '#000')}</svg>")


def test_engine_reads_no_clock():
    """The engine is deterministic: dates come from the caller."""

    for path in (Path(__file__).parents[1] / "engine").glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(time|datetime)\b", src, re.M), path.name
