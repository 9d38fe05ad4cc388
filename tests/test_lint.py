"""kam_sandbox.engine.lint: warnings for scenarios that are legal but probably wrong.

Each tests/data/warn_*.yaml fixture is an edit of minimal.yaml that triggers exactly one
warning; the shipped scenarios trigger none beyond the known ones listed in SHIPPED_KNOWN.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kam_sandbox.engine import check_scenario, load_scenario, shipped_scenarios
from kam_sandbox.engine import lint as lint_module
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.lint import (
    RULES,
    font_coverage,
    font_path,
    lint,
    lint_balance,
    read_cmap,
)
from kam_sandbox.engine.loader import deep_problems
from kam_sandbox.engine.scenario import ScoreItem

DATA = Path(__file__).parent / "data"

# Every warning fixture and the one line it must produce (file:line:col: path: message).
EXPECTED = [
        ("warn_capacity_no_peak.yaml", "warn_capacity_no_peak.yaml:18:13: warning: supply.capacity: capacity applies only in peak_quarters, and none is listed; list the peak quarters (e.g. peak_quarters: [4]) or remove capacity"),
        ("warn_complaint.yaml", "warn_complaint.yaml:56:11: warning: events[1].type: the player can never resolve this complaint (neither feedback nor support_days is among the actions), so it costs trust every quarter to the end; add feedback to `actions` or remove the event"),
        ("warn_credit_terms.yaml", "warn_credit_terms.yaml:29:21: warning: accounts[0].credit.terms: starting terms of 90 days are above limits.max_credit_days (60): once the player changes them they can never be offered again; lower terms to 60 or less, or raise limits.max_credit_days"),
        ("warn_discount.yaml", "warn_discount.yaml:18:17: warning: limits.max_discount: limits.max_discount (0.35) is above the margin of account 'acme' (0.3): a full discount there sells at a loss; lower limits.max_discount to 0.3 or less, or raise that margin"),
        ("warn_en_chinese.yaml", "warn_en_chinese.yaml:7:30: warning: briefing.en: en contains Chinese characters or full-width punctuation ('。' (U+3002)); write it in English with ASCII punctuation"),
        ("warn_font.yaml", "warn_font.yaml:53:30: warning: events[0].headline.en: the game's font (NotoSansSC-Regular.otf) has no glyph for '💸' (U+1F4B8): it would show as a box; replace it with a common character (in events[0].headline.en)"),
        ("warn_influence.yaml", "warn_influence.yaml:47:20: warning: accounts[0].stakeholders[1].influence: influence is 1.0 % of the account's total: this person has next to no say in the decision; raise it to at least 0.11 or remove the stakeholder"),
        ("warn_no_account.yaml", "warn_no_account.yaml:55:11: warning: events[1].type: a default without `account` bankrupts every account at once; name the account it hits with `account:`"),
        ("warn_own_event.yaml", "warn_own_event.yaml:56:11: warning: events[1].type: an own_event only makes event_support count more, and event_support is not among the actions, so this event changes nothing; add event_support to `actions` or remove the event"),
        ("warn_peak_capacity.yaml", "warn_peak_capacity.yaml:18:18: warning: supply.peak_quarters: peak quarters with capacity 1 are not short of stock at all; set capacity below 1 (e.g. 0.8) or remove peak_quarters"),
        ("warn_random_complaint.yaml", "warn_random_complaint.yaml:55:28: warning: random_events.complaint: random complaints (random_events.complaint 0.05) can never be resolved (neither feedback nor support_days is among the actions) and cost trust every quarter to the end; set random_events.complaint to 0 or add feedback to `actions`"),
        ("warn_random_own_event.yaml", "warn_random_own_event.yaml:55:28: warning: random_events.own_event: random own events (random_events.own_event 0.1) change nothing because event_support is not among the actions; set random_events.own_event to 0 or add event_support to `actions`"),
        ("warn_same_text.yaml", "warn_same_text.yaml:24:26: warning: accounts[0].region.en: en is the same text as zh; write the English version here"),
        ("warn_scorecard.yaml", "warn_scorecard.yaml:55:30: warning: scorecard[0].weight: profit carries 80 % of the scorecard's weight, so the grade is mostly this one number; lower its weight to 1.5 or less (60 %) or weigh other metrics more"),
        ("warn_season.yaml", "warn_season.yaml:18:11: warning: season.demand: the four quarters average 1.35, not 1: every account buys 35 % more a year than its `wallet` says; scale them to average 1, e.g. [0.89, 0.96, 1.04, 1.11]"),
        ("warn_shortage.yaml", "warn_shortage.yaml:56:11: warning: events[1].type: the player cannot decide who gets the short stock: supply is not among the actions; add supply to `actions` or remove the event"),
        ("warn_shortage_account.yaml", "warn_shortage_account.yaml:56:14: warning: events[1].account: a shortage cuts our whole supply whichever account it names; remove `account`"),
        ("warn_strength_ignored.yaml", "warn_strength_ignored.yaml:57:15: warning: events[1].strength: strength has no effect for this type (complaint); remove it (only competitor_attack, need_shift, service_failure and shortage use strength)"),
        ("warn_strength_zero.yaml", "warn_strength_zero.yaml:52:15: warning: events[0].strength: strength 0 makes this competitor_attack do nothing; use a strength above 0 (0.5 is a typical competitor_attack) or remove the event"),
        ("warn_unreachable.yaml", "warn_unreachable.yaml:35:12: warning: accounts[0].needs: no allowed action can move this account: the actions offered serve only 0 % of what its buying center weighs (quality 69 %, delivery 31 %); add a peak quarter short of stock so that supply matters, or give it needs the player can serve (no action serves quality)"),
        ("warn_pd.yaml", "warn_pd.yaml:28:18: warning: accounts[0].credit.pd: pd 0.6 means a 60 % chance a year that this account defaults, above the plausible 30 %; write 0.006 if you meant 0.6 % (pd is a fraction)"),
        ("warn_text_cut.yaml", "warn_text_cut.yaml:9:26: warning: briefing.en: the text ends at ' #' (Look after our no.…): the rest of the line is a comment; put the whole text in quotes"),
        ("warn_id_name.yaml", "warn_id_name.yaml:3:1: warning: id: id 'other_name' differs from the file name warn_id_name.yaml: the library lists the case by id and `kam-sandbox` finds it by file name; make them the same"),
        ("warn_font_fields.yaml", "warn_font_fields.yaml:53:20: warning: events[0].headline.zh: the game's font (NotoSansSC-Regular.otf) has no glyph for '💸' (U+1F4B8): it would show as a box; replace it with a common character (in events[0].headline.zh, events[0].headline.en)"),
        ("warn_zh_not_chinese.yaml", "warn_zh_not_chinese.yaml:23:20: warning: accounts[0].industry.zh: zh has no Chinese characters; write the Chinese text here (or swap zh and en if they are the wrong way round)"),
]


@pytest.mark.parametrize(("fixture", "expected"), EXPECTED, ids=[f for f, _ in EXPECTED])
def test_fixture_triggers_exactly_its_warning(fixture: str, expected: str) -> None:
    scenario, problems = check_scenario(DATA / fixture)
    assert scenario is not None, "a warning must never stop a file from loading"
    assert [str(p).replace(f"{DATA}/", "") for p in problems] == [expected]
    assert problems[0].severity == "warning"
    if fixture != "warn_id_name.yaml":
        assert load_scenario(DATA / fixture).id == fixture.removesuffix(".yaml")


def test_every_rule_has_a_fixture() -> None:
    fixtures = {p.name for p in DATA.glob("warn_*.yaml")}
    assert fixtures == {f for f, _ in EXPECTED}
    fired = set()
    for fixture, _ in EXPECTED:
        scenario = load_scenario(DATA / fixture)
        fired |= {rule.__name__ for rule in RULES if list(rule(scenario))}
    assert fired == {rule.__name__ for rule in RULES}


def test_every_message_ends_with_a_suggestion() -> None:
    verbs = ("add", "raise", "lower", "remove", "set", "write", "name", "use", "give", "offer",
             "replace", "scale", "list", "swap", "weigh", "put", "make")
    for _, line in EXPECTED:
        message = line.split(": ", 2)[2]
        suggestion = message.rsplit("; ", 1)[1]
        assert suggestion.split()[0] in verbs, line


def test_minimal_has_no_warnings() -> None:
    assert lint(load_scenario(DATA / "minimal.yaml")) == []


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenarios_have_no_warnings(path: Path) -> None:
    scenario, problems = check_scenario(path)
    assert scenario is not None
    assert [str(p) for p in problems] == []


def test_unreachable_when_no_action_touches_the_account(tmp_path: Path) -> None:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "minimal.yaml"
    path.write_text(text.replace("rivals:\n", "actions: [survey, data_analysis]\n"
                                 "random_events: {own_event: 0, complaint: 0}\nrivals:\n"),
                    encoding="utf-8")
    scenario, problems = check_scenario(path)
    assert scenario is not None
    assert [(p.path, p.message.split(":")[0]) for p in problems] == [
        ("accounts[0].needs", "no allowed action can move this account")
    ]
    assert "add discount to `actions` or add credit_days to `actions`" in problems[0].message


def test_warnings_for_unwritten_defaults_point_at_a_written_line(tmp_path: Path) -> None:
    # The random own_event rate is a default here: the warning points at `actions`.
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "minimal.yaml"
    path.write_text(text.replace("rivals:\n", "actions: [am_days, support_days]\nrivals:\n"),
                    encoding="utf-8")
    _, problems = check_scenario(path)
    assert [(p.line, p.column, p.path) for p in problems] == [(17, 10, "actions")]
    assert "random_events.own_event 0.06" in problems[0].message


def test_a_bug_in_a_check_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scenario):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint_module, "RULES", (broken,))
    scenario, problems = check_scenario(DATA / "minimal.yaml")
    assert scenario is not None
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "internal error in check broken: RuntimeError: boom")
    ]


# --- the font -----------------------------------------------------------------------------

needs_font = pytest.mark.skipif(font_path() is None, reason="pygame_gui's font not installed")


@needs_font
def test_font_cmap_covers_chinese_and_latin_not_private_use() -> None:
    covered = font_coverage()
    assert covered is not None
    assert ord("中") in covered and ord("A") in covered and ord("，") in covered
    assert 0xE000 not in covered and 0x1F4B8 not in covered


@needs_font
def test_cmap_formats_4_and_12_agree_on_the_real_font() -> None:
    import struct

    data = font_path().read_bytes()
    (tables,) = struct.unpack_from(">H", data, 4)
    cmap = next(
        struct.unpack_from(">I", data, 12 + 16 * t + 8)[0]
        for t in range(tables)
        if data[12 + 16 * t : 16 + 16 * t] == b"cmap"
    )
    subtables = {}
    for s in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        pid, eid, off = struct.unpack_from(">HHI", data, cmap + 4 + 8 * s)
        subtables[(pid, eid)] = cmap + off
    bmp = lint_module._cmap4(data, subtables[(3, 1)])
    full = lint_module._cmap12(data, subtables[(3, 10)])
    assert bmp == {c for c in full if c < 0x10000}
    assert len(bmp) > 20000


def _font(subtable: bytes, platform: tuple[int, int] = (3, 1)) -> bytes:
    """A minimal sfnt with only a cmap table holding ``subtable``."""
    import struct

    cmap = struct.pack(">HHHHI", 0, 1, *platform, 12) + subtable
    header = struct.pack(">IHHHH", 0x00010000, 1, 16, 0, 0)
    record = b"cmap" + struct.pack(">III", 0, 12 + 16, len(cmap))
    return header + record + cmap


def test_cmap_format_4_with_deltas_and_glyph_arrays() -> None:
    import struct

    # Segment 1: 'A'-'C' by delta; segment 2: 'x'-'z' through glyphIdArray ('y' unmapped);
    # segment 3: the mandatory 0xFFFF end.
    seg = 3
    ends, starts = [0x43, 0x7A, 0xFFFF], [0x41, 0x78, 0xFFFF]
    deltas, offsets = [-0x40, 0, 1], [0, 4, 0]  # offset from idRangeOffset[1] to the array
    body = struct.pack(f">{seg}H", *ends) + b"\0\0" + struct.pack(f">{seg}H", *starts)
    body += struct.pack(f">{seg}h", *deltas) + struct.pack(f">{seg}H", *offsets)
    body += struct.pack(">3H", 7, 0, 9)  # glyphs of 'x', 'y', 'z'
    sub = struct.pack(">HHHHHHH", 4, 14 + len(body), 0, 2 * seg, 0, 0, 0) + body
    assert read_cmap(_font(sub)) == {0x41, 0x42, 0x43, 0x78, 0x7A}


def test_cmap_format_12_groups() -> None:
    import struct

    groups = [(0x41, 0x42, 5), (0x1F600, 0x1F601, 0)]  # glyph 0 at 0x1F600: not covered
    body = b"".join(struct.pack(">III", *g) for g in groups)
    sub = struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(groups)) + body
    assert read_cmap(_font(sub, (3, 10))) == {0x41, 0x42, 0x1F601}


def test_cmap_reader_rejects_broken_fonts() -> None:
    with pytest.raises(ValueError):
        read_cmap(b"\0\1\0\0\0")
    with pytest.raises(ValueError):
        read_cmap(_font(b"\0\6"))  # format 6 only
    assert font_coverage("/no/such/font.otf") is None


def test_linting_never_loads_pygame() -> None:
    code = (
        "import sys\n"
        "from kam_sandbox.engine import check_scenario, shipped_scenarios\n"
        "from kam_sandbox.engine.lint import font_coverage\n"
        "font_coverage()\n"
        "check_scenario(shipped_scenarios()[0])\n"
        "loaded = [m for m in sys.modules if m.startswith(('pygame', 'pygame_gui'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


# --- the deep checks ----------------------------------------------------------------------


def test_lint_balance_passes_the_tutorial() -> None:
    assert lint_balance(load_scenario("tutorial"), runs=4, seed=1) == []


def test_lint_balance_flags_a_benchmark_out_of_reach_and_one_too_easy() -> None:
    tutorial = load_scenario("tutorial")
    hard = tutorial.model_copy(update={"scorecard": [
        ScoreItem(metric="profit", weight=1, floor=1e9, target=2e9),
    ]})
    messages = [m for _, m in lint_balance(hard, runs=3)]
    assert len(messages) == 2
    assert "on average over 3 games: the benchmark is out of reach" in messages[0]
    assert "the reference strategies all score within 0.0 points of each other" in messages[1]
    easy = tutorial.model_copy(update={"scorecard": [
        ScoreItem(metric="retention", weight=1, floor=-1.0, target=0.0),
    ]})
    found = lint_balance(easy, runs=3)
    assert [loc for loc, _ in found] == [("scorecard",), ("scorecard",)]
    assert "scores 100 on average over 3 games: the benchmark is too easy" in found[0][1]
    with pytest.raises(KamError):
        lint_balance(tutorial, runs=0)


def test_deep_problems_are_located_warnings(tmp_path: Path) -> None:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "flat.yaml"
    path.write_text(text.replace("floor: 0, target: 500000", "floor: -2000000000000, target: -1000000000000"),
                    encoding="utf-8")
    problems = deep_problems(path, runs=2)
    assert [(p.line, p.column, p.path, p.severity) for p in problems] == [
        (55, 3, "scorecard", "warning"),
        (55, 3, "scorecard", "warning"),
    ]
    assert deep_problems(DATA / "typo_key.yaml", runs=2) == []


def test_an_action_offered_but_without_resources_is_not_offered_again(tmp_path: Path) -> None:
    """Issue 13 item 5: the fix for an offered action with no days is to raise its resource,
    never to offer what is already offered."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "minimal.yaml"
    path.write_text(
        text.replace("  am_days: 20\n  exec_days: 2\n  support_days: 10\n",
                     "  am_days: 0\n  exec_days: 0\n  support_days: 0\n")
        .replace("rivals:\n", "actions: [am_days, exec_days, support_days]\n"
                 "random_events: {own_event: 0, complaint: 0}\nrivals:\n"),
        encoding="utf-8")
    _, problems = check_scenario(path)
    [unreachable] = [p for p in problems if p.path == "accounts[0].needs"]
    assert "raise resources.am_days" in unreachable.message
    assert "调高 resources.am_days" in unreachable.render("zh")
    for offered in ("am_days", "exec_days", "support_days"):
        assert f"add {offered} to `actions`" not in unreachable.message
