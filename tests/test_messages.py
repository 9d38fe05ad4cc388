"""Scenario problems in the author's language, each with its fix (issue 13, Messages 1-6).

Every fixture below is an edit of tests/data/minimal.yaml that makes one mistake; the
table gives the one line `validate` prints for it in English and in Chinese.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kam_sandbox.engine.loader import check_scenario
from kam_sandbox.engine.messages import Msg, placeholders
from kam_sandbox.engine.messages_catalog import CATALOG

DATA = Path(__file__).parent / "data"
ENGINE = Path(__file__).resolve().parents[1] / "engine"

# fixture, English line, Chinese line (file name left out of both).
CASES = [
    # 2. indentation
    ("indent_over.yaml",
     "46:11: this line is indented 10 spaces, more than line 45 above it (8): keys of one "
     "mapping must line up; indent it by 8 spaces",
     "46:11: 这一行缩进了 10 个空格，比上面第 45 行（8 个）多：同一层的键必须对齐；请缩进 8 个空格"),
    ("indent_under.yaml",
     "46:8: this line is indented 7 spaces, which lines up with no line above it; line 45 is "
     "indented 8: indent it by 8 spaces to belong there",
     "46:8: 这一行缩进了 7 个空格，和上面任何一行都对不齐；第 45 行缩进 8 个：若属于那里，请缩进 8 个空格"),
    ("indent_item.yaml",
     "43:5: this list item is indented 4 spaces but the item before it (line 38) is indented "
     "6: items of one list must line up; indent its '-' by 6 spaces",
     "43:5: 这个列表项缩进了 4 个空格，而前一项（第 38 行）缩进 6 个：同一列表的各项必须对齐；"
     "请把“-”缩进 6 个空格"),
    ("colon_in_text.yaml",
     "7:19: ': ' inside unquoted text reads as a new key; put the text in quotes, e.g. en: "
     "\"Minimal case: a test\"",
     "7:19: 未加引号的文字里有“: ”，会被当成新的键；请给文字加引号，例如 en: \"Minimal case: a test\""),
    ("syntax_error.yaml",
     "7:9: the '{' on line 6 is not closed; end it with '}' on that line",
     "7:9: 第 6 行的“{”没有闭合；请在那一行末尾加上“}”"),
    ("indent_item_over.yaml",
     "43:9: this list item is indented 8 spaces but the item before it (line 38) is indented "
     "6: items of one list must line up; indent its '-' by 6 spaces",
     "43:9: 这个列表项缩进了 8 个空格，而前一项（第 38 行）缩进 6 个：同一列表的各项必须对齐；"
     "请把“-”缩进 6 个空格"),
    ("no_space.yaml",
     "11:6: no space after the ':' of turns: YAML needs one, e.g. turns: 4",
     "11:6: turns 的冒号后面没有空格：YAML 需要一个空格，例如 turns: 4"),
    ("indent_dedented.yaml",
     "32:5: this line is indented 4 spaces, less than the lines around it (lines 31 and 33 "
     "have 6): keys of one mapping must line up; indent it by 6 spaces",
     "32:5: 这一行缩进了 4 个空格，比前后两行（第 31 和第 33 行：6 个）少：同一层的键必须对齐；"
     "请缩进 6 个空格"),
    ("indent_first_key.yaml",
     "29:8: this line is indented 7 spaces but the keys after it (line 30) are indented 6: "
     "keys of one mapping must line up; indent it by 6 spaces",
     "29:8: 这一行缩进了 7 个空格，而它后面的键（第 30 行）缩进 6 个：同一层的键必须对齐；"
     "请缩进 6 个空格"),
    # 3. look-alike characters
    ("fullwidth_colon.yaml",
     "47:18: full-width colon '：' (U+FF1A) after influence: YAML needs the ASCII colon ':' "
     "followed by a space, e.g. influence: 0.35",
     "47:18: influence 后面是全角冒号“：”（U+FF1A）：YAML 要用半角冒号“:”再加一个空格，"
     "例如 influence: 0.35"),
    ("fullwidth_space.yaml",
     "47:1: full-width space '　' (U+3000) in the indentation: indent with ASCII spaces only",
     "47:1: 缩进里有全角空格“　”（U+3000）：缩进只能用半角空格"),
    ("tab_indent.yaml",
     "47:1: a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
     "47:1: 缩进里有制表符（Tab）：YAML 只能用空格缩进；请把 Tab 换成空格"),
    # 4. encoding
    ("gbk.yaml",
     "5:13: not a UTF-8 text file (byte 0xd7 here): it looks saved as GBK / GB18030; save it "
     "as UTF-8 (in Notepad: Save as, Encoding: UTF-8)",
     "5:13: 不是 UTF-8 文本文件（此处字节 0xd7）：看起来是以 GBK / GB18030 编码保存的；"
     "请另存为 UTF-8（记事本：另存为，编码选 UTF-8）"),
    # 5. the fix in the message
    ("number_commas.yaml",
     "27:13: accounts[0].wallet: expected a number, got '2,000,000'; write it without "
     "separators: 2000000",
     "27:13: accounts[0].wallet: 应为数字，实际是 '2,000,000'；请去掉数字中的分隔符：2000000"),
    ("number_percent.yaml",
     "28:13: accounts[0].margin: expected a number, got '15%'; write a share as a fraction: "
     "15% is 0.15",
     "28:13: accounts[0].margin: 应为数字，实际是 '15%'；比例请写成小数：15% 应写作 0.15"),
    ("quoted_number.yaml",
     "26:16: accounts[0].employees: expected a whole number, got '1200'; remove the quotes: a "
     "number in quotes is text (1200)",
     "26:16: accounts[0].employees: 应为整数，实际是 '1200'；请去掉引号：加了引号的数字是文字（1200）"),
    ("role_no_roles.yaml",
     "41:15: accounts[0].stakeholders[0].role: unknown role 'cfo': without roles: the case has "
     "the five standard roles (economic, technical, user, procurement, coach); to use 'cfo', "
     "add it under roles: (then list the standard ones you use too)",
     "41:15: accounts[0].stakeholders[0].role: 未知的角色 'cfo'：没有写 roles: 时案例只有五个标准角色"
     "（economic, technical, user, procurement, coach）；要用 'cfo'，请把它加到 roles: 下"
     "（并同时列出你用到的标准角色）"),
    # 6. limits and what was accepted silently
    ("share_percent.yaml",
     "28:12: accounts[0].share: must be less than or equal to 1, got 30; a share is a fraction "
     "from 0 to 1: for 30 % write 0.3",
     "28:12: accounts[0].share: 必须小于或等于 1，实际是 30；比例是 0 到 1 之间的小数：30% 应写作 0.3"),
    ("text_too_long.yaml",
     "53:30: events[0].headline.en: is 295 characters long, more than the screen shows (240 at "
     "most); shorten it",
     "53:30: events[0].headline.en: 长 295 个字符，超出屏幕能显示的长度（最多 240 个）；请缩短"),
    ("constant_overflow.yaml",
     "55:15: model.need_noise: must be less than or equal to 5, got 1000000.0",
     "55:15: model.need_noise: 必须小于或等于 5，实际是 1000000.0"),
    ("wallet_huge.yaml",
     "27:13: accounts[0].wallet: must be less than or equal to 1e+12, got 1e+300",
     "27:13: accounts[0].wallet: 必须小于或等于 1e+12，实际是 1e+300"),
    ("hash_in_flow.yaml",
     "7:45: ' #' starts a comment, which cuts the text and the closing brace; put the text in "
     "quotes, e.g. en: \"No. #1 client\"",
     "7:45: “ #”开始一段注释，把文字和右花括号都截掉了；请给文字加引号，例如 en: \"No. #1 client\""),
    ("warn_pd.yaml",
     "28:18: warning: accounts[0].credit.pd: pd 0.6 means a 60 % chance a year that this "
     "account defaults, above the plausible 30 %; write 0.006 if you meant 0.6 % (pd is a "
     "fraction)",
     "28:18: 警告：accounts[0].credit.pd: pd 0.6 表示该客户每年有 60 % 的违约概率，超出合理范围"
     "（30 %）；若指 0.6%，请写 0.006（pd 是小数）"),
    ("warn_text_cut.yaml",
     "9:26: warning: briefing.en: the text ends at ' #' (Look after our no.…): the rest of the "
     "line is a comment; put the whole text in quotes",
     "9:26: 警告：briefing.en: 文字在“ #”处截断（Look after our no.…）：这一行余下的部分成了注释；"
     "请给整段文字加引号"),
    ("warn_id_name.yaml",
     "3:1: warning: id: id 'other_name' differs from the file name warn_id_name.yaml: the "
     "library lists the case by id and `kam-sandbox` finds it by file name; make them the same",
     "3:1: 警告：id: id 'other_name' 与文件名 warn_id_name.yaml 不同：案例库按 id 列出案例，"
     "`kam-sandbox` 按文件名查找；请让两者一致"),
    # 7. what the editor accepts or rejects, validate does too
    ("comma_in_text.yaml",
     "22:31: accounts[0].name.Ltd.: unknown key 'Ltd.': a comma inside {…} ends the text before "
     "it; put the text in quotes, e.g. en: \"Guoxin Bank, Ltd.\"",
     "22:31: accounts[0].name.Ltd.: 未知的键 'Ltd.'：{…} 里的逗号把前面的文字截断了；请给文字加引号，"
     "例如 en: \"Guoxin Bank, Ltd.\""),
    ("yaml11_bool.yaml",
     "48:21: accounts[0].stakeholders[1].role_known: expected true or false, got 'yes'; write "
     "true or false ('yes' is text in YAML 1.2, which the editor uses too)",
     "48:21: accounts[0].stakeholders[1].role_known: 应为布尔值 true 或 false，实际是 'yes'；"
     "请写 true 或 false（在 YAML 1.2 中 'yes' 是文字，编辑器也这样读）"),
]


@pytest.mark.parametrize(("fixture", "en", "zh"), CASES, ids=[c[0] for c in CASES])
def test_fixture_message_in_both_languages(fixture: str, en: str, zh: str) -> None:
    _, problems = check_scenario(DATA / fixture)
    prefix = f"{DATA / fixture}:"
    assert [p.render("en").removeprefix(prefix) for p in problems] == [en]
    assert [p.render("zh").removeprefix(prefix) for p in problems] == [zh]
    assert str(problems[0]) == problems[0].render("en")


def test_every_data_fixture_renders_in_chinese() -> None:
    """No message of any fixture stays English in Chinese (beyond names and numbers)."""
    for path in sorted(DATA.glob("*.yaml")):
        for p in check_scenario(path)[1]:
            zh = p.render("zh")
            assert re.search(r"[\u4e00-\u9fff]", zh), zh


@pytest.mark.parametrize(("encoding", "named"), [
    ("big5", "it looks saved as Big5"),
    ("utf-16-le", "it looks saved as UTF-16"),
    ("utf-16", "it is saved as UTF-16"),
])
def test_the_likely_encoding_is_named(tmp_path: Path, encoding: str, named: str) -> None:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("阿克米", "客戶關係")
    path = tmp_path / "minimal.yaml"
    path.write_bytes(text.encode(encoding, errors="replace"))
    (problem,) = check_scenario(path)[1]
    assert named in problem.message and "save it as UTF-8" in problem.message
    assert "UTF-8" in problem.render("zh") and "另存为" in problem.render("zh")


def test_tab_after_colon_is_accepted_as_the_editor_does() -> None:
    scenario, problems = check_scenario(DATA / "valid_tab_after_colon.yaml")
    assert scenario is not None and problems == []
    assert scenario.accounts[0].stakeholders[1].influence == 1


def test_a_whole_float_is_a_whole_number_as_in_json_schema() -> None:
    scenario, problems = check_scenario(DATA / "valid_whole_float.yaml")
    assert problems == [] and scenario is not None
    assert scenario.accounts[0].employees == 1200 and type(scenario.accounts[0].employees) is int


def test_one_font_warning_lists_every_field() -> None:
    from kam_sandbox.engine.lint import font_path

    if font_path() is None:
        pytest.skip("pygame_gui's font not installed")
    _, problems = check_scenario(DATA / "warn_font_fields.yaml")
    assert len(problems) == 1
    assert problems[0].message.endswith("(in events[0].headline.zh, events[0].headline.en)")


def test_numbers_read_as_yaml_1_2(tmp_path: Path) -> None:
    """1e6 is a number (not text, as YAML 1.1 had it); 2024-01-01 and no are text."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "minimal.yaml"
    path.write_text(text.replace("wallet: 2000000", "wallet: 2e6"), encoding="utf-8")
    scenario, problems = check_scenario(path)
    assert problems == [] and scenario is not None and scenario.accounts[0].wallet == 2e6
    path.write_text(text.replace("en: Acme}", "en: no}"), encoding="utf-8")
    scenario, problems = check_scenario(path)
    assert scenario is not None and scenario.accounts[0].name.en == "no"


def test_the_catalog_is_complete_and_consistent() -> None:
    for code, (en, zh) in CATALOG.items():
        assert placeholders(en) == placeholders(zh), code
        assert en.strip() and zh.strip(), code
    used = set()
    for source in ENGINE.glob("*.py"):
        used |= set(re.findall(r"""\bMsg\(\s*f?["']([a-z_.0-9]+)""", source.read_text("utf-8")))
    fixed = {u for u in used if not u.endswith((".", "_"))}  # f"lint.season_{more}" etc.
    assert fixed - set(CATALOG) == set()


def test_a_message_is_its_english_text_and_survives_pickling() -> None:
    msg = Msg("schema.missing", key="'name'")
    assert msg == "missing required key 'name'"
    again = pickle.loads(pickle.dumps(msg))
    assert again.render("zh") == "缺少必填的键 'name'"


def _cli(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess:
    env = {"LANG": lang, "PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy"}
    return subprocess.run([sys.executable, "-m", "kam_sandbox", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_validate_follows_the_system_language_and_lang_forces_it() -> None:
    path = str(DATA / "number_commas.yaml")
    zh = _cli("validate", path, lang="zh_CN.UTF-8")
    assert "请去掉数字中的分隔符：2000000" in zh.stdout
    en = _cli("validate", path, "--lang", "en", lang="zh_CN.UTF-8")
    assert "write it without separators: 2000000" in en.stdout
    assert "请去掉数字中的分隔符" in _cli("validate", path, "--lang", "zh").stdout
    ok = _cli("validate", str(DATA / "minimal.yaml"), lang="zh_CN.UTF-8")
    assert ok.stdout.strip().endswith("minimal.yaml：通过")


def test_an_unknown_scenario_and_a_missing_file_are_said_in_the_language() -> None:
    zh = _cli("simulate", "tutorail", "--policy", "needs", lang="zh_CN.UTF-8")
    assert zh.returncode == 2 and "未知的情景 'tutorail'（是不是 'tutorial'？）" in zh.stderr
    en = _cli("simulate", "tutorail", "--policy", "needs", "--lang", "en", lang="zh_CN.UTF-8")
    assert "unknown scenario 'tutorail' (did you mean 'tutorial'?)" in en.stderr
    missing = _cli("validate", "no/such.yaml", lang="zh_CN.UTF-8")
    assert missing.stdout.strip() == "no/such.yaml:1:1: 无法读取文件：找不到该文件"


@pytest.mark.parametrize("command", ["validate", "new", "preview", "schema", "simulate", "balance"])
def test_help_follows_the_language(command: str) -> None:
    zh = _cli(command, "--help", lang="zh_CN.UTF-8")
    assert zh.returncode == 0 and zh.stdout.startswith("用法：") and "显示本帮助并退出" in zh.stdout
    en = _cli(command, "--help", "--lang", "en", lang="zh_CN.UTF-8")
    assert en.stdout.startswith("usage:") and "show this help message and exit" in en.stdout


# --- plans and `new`: the remaining messages, in the user's language ------------------------

def test_every_plan_error_is_a_message_in_both_languages() -> None:
    """Every refusal of tests/test_engine.py's bad plans renders in Chinese by its id."""
    from test_engine import BAD_PLANS

    from kam_sandbox.engine import PlanError, load_scenario
    from kam_sandbox.engine.actions import compile_plan
    from kam_sandbox.engine.world import compile_scenario

    st = compile_scenario(load_scenario("tutorial"))
    acc = st.scenario.accounts[0].id
    for plan, _ in BAD_PLANS:
        plan = json.loads(json.dumps(plan).replace('"ACC"', json.dumps(acc)))
        with pytest.raises(PlanError) as caught:
            compile_plan(plan, st)
        said = caught.value.args[0]
        assert isinstance(said, Msg) and said.code.startswith("plan."), said
        zh = said.render("zh")
        assert zh != said and re.search(r"[\u4e00-\u9fff]", zh), (said, zh)


def test_a_plan_error_in_chinese_names_the_fix() -> None:
    from kam_sandbox.engine import PlanError, load_scenario
    from kam_sandbox.engine.actions import compile_plan
    from kam_sandbox.engine.world import compile_scenario

    st = compile_scenario(load_scenario("tutorial"))
    with pytest.raises(PlanError) as caught:
        compile_plan({"accounts": {"jinggongg": {}}}, st)
    assert caught.value.args[0].render("zh") == "未知的客户 'jinggongg'（是不是 'jinggong'？）"
    assert str(caught.value) == "unknown account 'jinggongg' (did you mean 'jinggong'?)"


def test_a_workshop_plan_error_reaches_the_team_in_its_language() -> None:
    """The host sends every language; the team's client renders the one it reads."""
    import httpx

    from kam_sandbox.engine.messages import every_language, render
    from kam_sandbox.workshop.client import _error

    said = Msg("plan.max_credit_days", limit=60)
    body = {"detail": str(said), "error": "plan", "texts": every_language(said)}
    error = _error(httpx.Response(422, json=body))
    assert str(error) == "credit_days: at most 60 days in this scenario"
    assert render(error.args[0], "zh") == "credit_days：本案例的账期最多 60 天"
    old_host = _error(httpx.Response(422, json={"detail": "x", "error": "plan"}))
    assert render(old_host.args[0], "zh") == "x"


@pytest.mark.parametrize(("args", "en", "zh"), [
    (("new", "3-case"), "invalid scenario name '3-case': use a letter",
     "无效的案例名 '3-case'：以英文字母开头"),
    (("new", "tutorial"), "'tutorial' is the id of a shipped scenario",
     "'tutorial' 是自带案例的编号"),
    (("simulate", "tutorial", "--policy", "needs", "--runs", "0"), "--runs must be at least 1",
     "--runs 至少为 1"),
])
def test_new_and_run_errors_follow_the_language(tmp_path: Path, args, en: str, zh: str) -> None:
    where = ("--dir", str(tmp_path)) if args[0] == "new" else ()
    said = _cli(*args, *where, lang="zh_CN.UTF-8")
    assert said.returncode == 2 and zh in said.stderr, said.stderr
    said = _cli(*args, *where, "--lang", "en", lang="zh_CN.UTF-8")
    assert en in said.stderr, said.stderr
