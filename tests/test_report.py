"""The HTML balance report (engine.report): self-contained, escaped, well-formed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from kam_sandbox.authoring.changes import compare, field_changes, read_previous, report_data
from kam_sandbox.authoring.lesson_hints import GENERIC, HINTS
from kam_sandbox.authoring.report import CHART_METRICS, compact, html_report, marker, nice_ticks
from kam_sandbox.engine import POLICIES, load_scenario
from kam_sandbox.engine.per_account import account_outcomes, driver, gap_by_account
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


@pytest.fixture(scope="module")
def accounts(data):
    """Per-account outcomes of every strategy a lesson compares, on a few seeds."""
    sc = data[0]
    return {name: account_outcomes(sc, policy, SEEDS[:8])
            for name, policy in lesson_policies().items()}


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
    for row in lessons:  # why a lesson is not exercised, in the report's language
        if row["holds"] is None:
            assert row["reason"].render("zh") in zh and row["reason"] not in zh
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
    assert "kam-sandbox balance tutorial" not in out  # no single command re-runs gappy seeds
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


# --- verdict first, hints, per-account results, re-run (issue 13 item 9) ---------------------

def test_the_verdict_comes_first_and_says_plainly_whether_the_case_teaches(data, html):
    sc, res, lessons, sens = data
    assert html.index('id="verdict"') < html.index('id="lesson-table"') < html.index('id="policies"')
    assert html.index('id="verdict"') < html.index('class="meta"')  # before the details
    failing = {x["lesson"] for x in lessons if x["holds"] is False}
    judged = {x["lesson"] for x in lessons if x["holds"] is not None}
    if failing:
        assert f"Not yet: {len(failing)} of the {len(judged)} lessons" in html
    else:
        assert f"Yes, this case teaches: all {len(judged)} lessons" in html
    for key in {x["lesson"] for x in lessons}:
        assert f'<li data-verdict-lesson="{key}">' in html


def _with_failure(lessons, lesson="discover", holds=False):
    """The lesson table with one check of ``lesson`` made to fail (or pass)."""
    rows = [dict(x) for x in lessons]
    row = next(x for x in rows if x["lesson"] == lesson)
    row.update(holds=holds, diff=row["diff"] or 0.5, ci95=row["ci95"] or [-1.0, 2.0],
               ci95_boot=row.get("ci95_boot") or [-1.0, 2.0], share_of_seeds=0.5)
    return rows, row


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failing_lesson_says_what_to_change_and_which_accounts_carry_the_gap(
        data, accounts, lang):
    sc, res, lessons, sens = data
    rows, row = _with_failure(lessons)
    out = html_report(sc, res, rows, sens, SEEDS, lang=lang, accounts=accounts)
    parse(out)
    item = out[out.index('<li data-verdict-lesson="discover">'):]
    item = item[:item.index("</li>\n") if "</li>\n" in item else len(item)]
    assert HINTS["discover"][1 if lang == "zh" else 0] in out
    gap = out[out.index(f'data-gap="{row["id"]}"'):]
    top = gap_by_account(accounts[row["reference"]], accounts[row["variant"]], row["measure"])
    assert getattr(sc.accounts[top[0]["index"]].name, lang) in gap[:2000]
    assert ("还不行" if lang == "zh" else "Not yet") in out


def test_a_lesson_the_report_does_not_know_is_read_from_its_row(data, accounts):
    """Lesson rows are read generically: a new check (say the expert helper's) is named
    by its own title and gets the generic advice."""
    sc, res, lessons, sens = data
    rows, row = _with_failure(lessons)
    new = {**row, "id": "brand-new", "lesson": "brand-new", "title": "A brand-new lesson",
           "title_zh": "全新的要点"}
    out = html_report(sc, res, [*rows, new], sens, SEEDS, accounts=accounts)
    parse(out)
    assert '<li data-verdict-lesson="brand-new">' in out and "A brand-new lesson" in out
    assert GENERIC[0] in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_per_account_results_per_strategy(data, accounts, lang):
    sc, res, lessons, sens = data
    out = html_report(sc, res, lessons, sens, SEEDS, lang=lang, accounts=accounts)
    parse(out)
    table = out[out.index('id="account-table"'):]
    table = table[:table.index("</table>")]
    for i, acc in enumerate(sc.accounts):
        assert f'<tr data-account="{acc.id}">' in table
        tier, credit = accounts["needs"]["tier"][i], accounts["needs"]["credit"][i]
        said = (f"{tier}类 · 信用{credit}" if lang == "zh" else f"Tier {tier} · Credit {credit}")
        assert said in table
    assert table.count("<td class=\"acct\"") == len(sc.accounts) * len(res)
    kind, _ = driver(accounts["needs"], 0)
    assert f'data-driver="{kind}"' in table


def test_per_account_outcomes_add_up_and_are_deterministic(data):
    sc = data[0]
    out = account_outcomes(sc, POLICIES["needs"], SEEDS[:6])
    again = account_outcomes(sc, POLICIES["needs"], SEEDS[:6])
    ends = out["won"] + out["held"] + out["churned"] + out["defaulted"]
    assert np.allclose(ends, 1.0)
    assert np.allclose(out["contribution"], out["gross"] - out["cost"] - out["bad_debt"])
    assert all(np.array_equal(out[k], again[k], equal_nan=True)
               for k in out if isinstance(out[k], np.ndarray))
    assert len(out["tier"]) == len(out["credit"]) == len(sc.accounts)
    gaps = gap_by_account(out, out, "score")
    assert all(g["gap"] == 0 for g in gaps)


def test_the_rerun_command_repeats_the_authors_paths_and_language(data):
    sc, res, lessons, sens = data
    out = html_report(sc, res, lessons, sens, SEEDS, lang="zh", scenario_ref="cases/my case.yaml",
                      html_ref="out/my report.html")
    assert (f"kam-sandbox balance &#x27;cases/my case.yaml&#x27; --runs {len(SEEDS)} --seed "
            f"{SEEDS[0]} --html &#x27;out/my report.html&#x27; --lang zh") in out
    assert "此路径下没有更早的报告" in out  # nothing to compare with yet


def test_a_new_report_says_what_changed_since_the_one_it_replaces(tmp_path, data):
    sc, res, lessons, sens = data
    first = tmp_path / "report.html"
    first.write_text(html_report(sc, res, lessons, sens, SEEDS, date="2025-03-01"), "utf-8")
    previous = read_previous(first)
    assert previous is not None and previous["scenario"] == sc.id
    accounts = [a.model_copy(update={"employees": a.employees + 1}) if k == 1 else a
                for k, a in enumerate(sc.accounts)]
    edited = sc.model_copy(update={"turns": sc.turns + 1, "accounts": accounts})
    was = next(x["holds"] for x in lessons if x["lesson"] == "discover")
    rows, _ = _with_failure(lessons, holds=not was)  # its verdict flips
    out = html_report(edited, res, rows, sens, SEEDS, previous=previous)
    parse(out)
    changes = out[out.index('id="changes"'):out.index('id="lessons"')]
    assert f"<code>turns</code>: {sc.turns} → {sc.turns + 1}" in changes
    assert f"<code>accounts[{sc.accounts[1].id}].employees</code>" in changes
    assert "2025-03-01" in changes
    assert 'data-moved="discover"' in changes
    assert read_previous(tmp_path / "missing.html") is None


def test_field_changes_key_lists_by_id():
    before = {"accounts": [{"id": "a", "x": 1}, {"id": "b", "x": 2}], "turns": 4}
    after = {"accounts": [{"id": "b", "x": 3}, {"id": "a", "x": 1}, {"id": "c", "x": 0}]}
    assert field_changes(before, after) == [
        ("accounts[b].x", 2, 3), ("accounts[c]", None, {"id": "c", "x": 0}), ("turns", 4, None)]
    data = report_data(load_scenario("tutorial"), [], {"needs": 1.0}, [1, 2], None)
    assert compare(data, data)["fields"] == [] and compare(data, data)["lessons"] == []
