"""kam_sandbox.authoring.sheets: `kam-sandbox sheet export` / `sheet import`.

A workbook round trip gives back the same case (and the same games); an edited workbook
imports, and every mistake an author makes in it is reported at its sheet and cell, in
Chinese or English; a file that is not a workbook gives one clear line, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kam_sandbox.authoring.sheets import export_workbook, import_workbook
from kam_sandbox.authoring.sheets.layout import layout
from kam_sandbox.authoring.sheets.read import SheetFileError, parse_path
from kam_sandbox.engine import check_scenario, load_scenario, new_game, shipped_scenarios
from kam_sandbox.engine.actions import actions_to_plan
from kam_sandbox.engine.errors import KamError
from kam_sandbox.engine.loader import check_scenario_text
from kam_sandbox.engine.policies import POLICIES, decide
from kam_sandbox.engine.scenario import Scenario
from kam_sandbox.engine.template import SCHEMA_LINE

SHIPPED = [p.stem for p in shipped_scenarios()]


def comparable(sc: Scenario) -> dict:
    """The scenario as data; `actions` as a set (the engine only ever asks `a in actions`,
    and a workbook's TRUE/FALSE column writes them in the format's order)."""
    data = sc.model_dump()
    data["actions"] = sorted(data["actions"])
    return data


def kpis(sc: Scenario, seed: int, policy: str) -> list[dict]:
    game = new_game(sc, seed)
    while not game.over:
        actions = decide(POLICIES[policy], game.view(), game.scenario, game.batch.static)
        game.play(actions_to_plan(actions, game.batch.static))
    return [*game.kpi_history(), game.scorecard()]


def export(tmp_path: Path, case: str = "tutorial", lang: str = "en") -> Path:
    book = tmp_path / f"{case}.xlsx"
    export_workbook(load_scenario(case), book, lang)
    return book


def column(ws, key: str) -> str:
    """The letter of the column whose header ends in ``key``."""
    for cell in ws[1]:
        if cell.value and str(cell.value).split()[-1] == key:
            return cell.column_letter
    raise KeyError(key)


def row_of(ws, value: str, key: str = "id") -> int:
    letter = column(ws, key)
    for cell in ws[letter][1:]:
        if cell.value == value:
            return cell.row
    raise KeyError(value)


def messages(book: Path, lang: str) -> list[str]:
    return [str(p) for p in import_workbook(book, lang, book.name).problems]


# --- round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", SHIPPED)
def test_round_trip_gives_the_same_case_and_the_same_games(tmp_path, case):
    original = load_scenario(case)
    book = export(tmp_path, case)
    result = import_workbook(book, "en")
    assert [str(p) for p in result.errors] == [] and result.text is not None
    path = tmp_path / f"{case}.yaml"
    path.write_text(result.text, encoding="utf-8")
    again, problems = check_scenario(path)
    assert again is not None, [str(p) for p in problems]
    assert comparable(again) == comparable(original)
    # validate says the same of both files (the same warnings, none new)
    _, before = check_scenario(shipped_scenarios()[SHIPPED.index(case)])
    assert sorted(p.message for p in problems) == sorted(p.message for p in before)
    assert kpis(again, 5, "needs") == kpis(original, 5, "needs")


def test_the_yaml_is_commented_and_points_at_the_schema(tmp_path):
    text = import_workbook(export(tmp_path, "distributors"), "zh").text
    lines = text.splitlines()
    assert lines[0] == SCHEMA_LINE
    assert "# ---- 客户 Accounts" in text and "# ---- 1: " in text
    assert "cost_to_serve: 6000  # Fixed cost per active account" in text
    # model: only what differs from the defaults (the starter's rule)
    model = load_scenario("distributors").model
    written = text.split("\nmodel:", 1)[1] if "\nmodel:" in text else ""
    assert all(f"  {k}:" not in written for k, v in type(model)().model_dump().items()
               if getattr(model, k) == v)


# --- the workbook -------------------------------------------------------------------------


def test_every_field_of_the_model_has_a_place_in_the_workbook():
    """Columns come from the pydantic model: each leaf field appears exactly once."""
    book = layout()
    keys = {(t.path, leaf.path) for t in book.tables for leaf in t.leaves}
    keys |= {((), leaf.path) for s in book.key_values for leaf in s.leaves}
    assert (("accounts", "stakeholders"), ("influence",)) in keys
    assert (("accounts",), ("credit", "pd")) in keys
    assert ((), ("model", "half_effort", "price")) in keys
    assert ((), ("season", "demand", 3)) in keys
    assert ((), ("actions", "survey")) in keys
    # every scalar field of every section reachable from Scenario
    for name in Scenario.model_fields["model"].annotation.model_fields:
        assert any(leaf.path[:2] == ("model", name) for s in book.key_values
                   for leaf in s.leaves), name


def test_export_has_bilingual_headers_lists_comments_and_frozen_headers(tmp_path):
    wb = openpyxl.load_workbook(export(tmp_path, "tutorial", "zh"))
    assert wb.sheetnames == ["Case", "Objectives", "Roles", "Rivals", "Accounts",
                             "Stakeholders", "Events", "Scorecard", "Model", "Help"]
    assert "kam-sandbox sheet import" in wb["Help"]["A6"].value
    ws = wb["Accounts"]
    assert ws["A1"].value == "编号 id" and ws.freeze_panes == "B2"
    stage = column(ws, "stage")
    assert ws[f"{stage}1"].value == "关系阶段 stage"
    wallet = ws[f"{column(ws, 'wallet')}1"]
    assert "Annual spend on our category" in wallet.comment.text and "必填" in wallet.comment.text
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules[f"{stage}2"].formula1 == '"pre,early,mid,partnership,synergistic"'
    assert ws.column_dimensions[column(ws, "history.en")].width > 20
    people = wb["Stakeholders"]
    assert people["A1"].value == "客户 account" and people.freeze_panes == "C2"
    rules = {str(dv.sqref).split(":")[0]: dv for dv in people.data_validations.dataValidation}
    assert rules[f"{column(people, 'role')}2"].formula1.startswith("=Roles!$A$2")
    assert rules[f"{column(people, 'role_known')}2"].formula1 == '"TRUE,FALSE"'
    case = wb["Case"]
    assert case["A1"].value == "字段 Field" and case["C1"].value == "值 Value"
    keys = [c.value for c in case["A"][1:]]
    assert case[f"C{keys.index('version') + 2}"].number_format == "@"  # "1.0" stays text


def test_export_refuses_nothing_but_reports_an_unknown_case():
    proc = run_cli("sheet", "export", "no-such-case", "x.xlsx")
    assert proc.returncode == 2 and "unknown scenario 'no-such-case'" in proc.stderr


# --- an author's edits --------------------------------------------------------------------


def test_an_edited_workbook_imports_with_the_edits(tmp_path):
    book = export(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    r = row_of(ws, "jinggong")
    ws[f"{column(ws, 'wallet')}{r}"] = 4200000
    ws[f"{column(ws, 'stage')}{r}"] = "mid"
    new = ws.max_row + 1
    for key, value in {"id": "hengda", "name.zh": "恒达化工", "name.en": "Hengda Chemicals",
                       "industry.zh": "化工", "industry.en": "Chemicals", "region.zh": "江苏·常州",
                       "region.en": "Changzhou", "history.zh": "新客户。",
                       "history.en": "A new client.", "employees": 650, "wallet": "900000",
                       "needs.price": 0.5, "needs.support": 0.5}.items():
        ws[f"{column(ws, key)}{new}"] = value
    people = wb["Stakeholders"]
    for i, (pid, role) in enumerate((("gu_li", "economic"), ("he_tao", "user"))):
        r = people.max_row + 1
        for key, value in {"account": "hengda", "id": pid, "name.zh": pid, "name.en": pid,
                           "title.zh": "经理", "title.en": "Manager", "role": role,
                           "influence": 0.5, "role_known": "TRUE" if i == 0 else None}.items():
            people[f"{column(people, key)}{r}"] = value
    wb.save(book)
    result = import_workbook(book, "en")
    assert [str(p) for p in result.errors] == []
    path = tmp_path / "edited.yaml"
    path.write_text(result.text, encoding="utf-8")
    sc = load_scenario(path)
    acc = {a.id: a for a in sc.accounts}
    assert acc["jinggong"].wallet == 4200000 and acc["jinggong"].stage == "mid"
    assert acc["hengda"].wallet == 900000.0 and acc["hengda"].needs == {"price": 0.5,
                                                                        "support": 0.5}
    assert [s.id for s in acc["hengda"].stakeholders] == ["gu_li", "he_tao"]
    assert acc["hengda"].stakeholders[0].role_known is True
    assert acc["hengda"].credit == type(acc["hengda"].credit)()  # blank cells: defaults


def _edit(book: Path, sheet: str, row_id: str, key: str, value, id_key: str = "id") -> str:
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    cell = f"{column(ws, key)}{row_of(ws, row_id, id_key)}"
    ws[cell] = value
    wb.save(book)
    return cell


EDITS = {
    # name: (sheet, row id, column, new value, English message, Chinese message)
    "bad enum": ("Accounts", "jinggong", "stage", "midd",
                 "stage: 'midd' is not one of the choices: pre, early, mid, partnership, "
                 "synergistic (did you mean 'mid'?)",
                 "stage：'midd' 不是可选的值；可选：pre, early, mid, partnership, synergistic"
                 "（是不是 'mid'？）"),
    "text for a number": ("Accounts", "jinggong", "wallet", "lots",
                          "wallet: expected a number, got 'lots'",
                          "wallet：这里要填数字，现在是 'lots'"),
    "thousands separators": ("Accounts", "jinggong", "wallet", "36,000,000",
                             "wallet: expected a number, got '36,000,000'; write 36000000",
                             "wallet：这里要填数字，现在是 '36,000,000'；请写成 36000000"),
    "full-width digits": ("Accounts", "jinggong", "share", "０．２５",
                          "share: expected a number, got '０．２５'; write 0.25",
                          "share：这里要填数字，现在是 '０．２５'；请写成 0.25"),
    "percent as text": ("Stakeholders", "lu_min", "trust", "15%",
                        "trust: expected a number, got '15%'; write 0.15",
                        "trust：这里要填数字，现在是 '15%'；请写成 0.15"),
    "a fraction for a head count": ("Accounts", "jinggong", "employees", 1800.5,
                                    "employees: expected a whole number, got 1800.5",
                                    "employees：这里要填整数，现在是 1800.5"),
    "missing required cell": ("Accounts", "jinggong", "employees", None,
                              "employees: required, must not be empty",
                              "employees：必填，不能为空"),
    "out of bounds": ("Stakeholders", "lu_min", "influence", -0.2,
                      "influence: must be greater than 0.0, got -0.2",
                      "influence：必须大于 0.0，现在是 -0.2"),
    "bad boolean": ("Stakeholders", "lu_min", "role_known", "maybe",
                    "role_known: expected TRUE or FALSE, got 'maybe'",
                    "role_known：这里要填 TRUE 或 FALSE，现在是 'maybe'"),
    "duplicate id": ("Roles", "coach", "id", "user",
                     "id: duplicate id 'user' (first in row 4)",
                     "id：编号 'user' 重复了（第一次在第 4 行）"),
    "unknown role": ("Stakeholders", "lu_min", "role", "cfo",
                     "role: unknown role 'cfo': not on sheet Roles",
                     "role: Roles 表里没有角色 'cfo'"),
    # the engine's own messages, rendered in the author's language by their id
    "turn after the end": ("Events", "jinggong_new_equipment_manager", "turn", 5,
                           "turn: turn 5 is after the last quarter (4)",
                           "turn: 第 5 季度在最后一个季度（4）之后"),
    "unknown stakeholder": ("Events", "jinggong_new_equipment_manager", "stakeholder",
                            "lu_mni",
                            "stakeholder: unknown stakeholder 'lu_mni' in account 'jinggong' "
                            "(did you mean 'lu_min'?)",
                            "stakeholder: 客户 'jinggong' 中没有联系人 'lu_mni'（是不是 'lu_min'？）"),
    "invalid id": ("Rivals", "gute", "id", "3M",
                   "id: '3M' is not a valid id: a letter, then letters, digits, _ or - "
                   "(at most 40 characters)",
                   "id：'3M' 不是有效的编号：以英文字母开头，只用字母、数字、_ 或 -（最多 40 个字符）"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_mistake_is_reported_at_its_cell_in_both_languages(tmp_path, name):
    sheet, row_id, key, value, english, chinese = EDITS[name]
    book = export(tmp_path)
    cell = _edit(book, sheet, row_id, key, value)
    for lang, text in (("en", english), ("zh", chinese)):
        result = import_workbook(book, lang, book.name)
        assert result.text is None
        assert [str(p) for p in result.errors] == [f"tutorial.xlsx:{sheet}!{cell}: {text}"]


def test_a_deep_field_path_maps_to_its_cell(tmp_path):
    """accounts[i].stakeholders[j].influence -> the Stakeholders cell of that person."""
    book = export(tmp_path)
    cell = _edit(book, "Stakeholders", "qian_xiaodong", "influence", 0)
    [problem] = import_workbook(book, "en").errors
    assert (problem.sheet, problem.cell) == ("Stakeholders", cell)
    assert parse_path("accounts[3].stakeholders[1].influence") == (
        "accounts", 3, "stakeholders", 1, "influence")


def test_rows_that_name_no_parent_and_unknown_columns(tmp_path):
    book = export(tmp_path)
    wb = openpyxl.load_workbook(book)
    people = wb["Stakeholders"]
    people[f"A{row_of(people, 'lu_min')}"] = "jingong"
    accounts = wb["Accounts"]
    accounts.cell(row=1, column=accounts.max_column + 1, value="备注 notes")
    wb.save(book)
    got = messages(book, "en")
    row = row_of(openpyxl.load_workbook(book)["Stakeholders"], "lu_min")
    assert f"tutorial.xlsx:Stakeholders!A{row}: account: there is no 'jingong' on sheet " \
           "Accounts (did you mean 'jinggong'?)" in got
    assert any(m.startswith("tutorial.xlsx:Accounts!") and "unknown column '备注 notes'" in m
               for m in got)


def test_a_missing_sheet_is_named(tmp_path):
    book = export(tmp_path)
    wb = openpyxl.load_workbook(book)
    del wb["Scorecard"]
    del wb["Model"]  # optional: the defaults
    wb.save(book)
    assert messages(book, "zh") == [
        "tutorial.xlsx:Scorecard: 缺少工作表 Scorecard（请用 kam-sandbox sheet export 导出的工作簿来编辑）"]


def test_lint_warnings_come_at_cells_and_do_not_stop_the_import(tmp_path):
    book = export(tmp_path)
    wb = openpyxl.load_workbook(book)
    case = wb["Case"]
    cell = f"C{[c.value for c in case['A']].index('limits.max_discount') + 1}"
    case[cell] = 0.5  # above every account's margin
    wb.save(book)
    result = import_workbook(book, "en", book.name)
    assert result.text is not None
    warned = [str(p) for p in result.problems if p.severity == "warning"]
    assert any(w.startswith(f"tutorial.xlsx:Case!{cell}: warning: limits.max_discount: ")
               for w in warned), warned


# --- files that are not workbooks, and the command line -----------------------------------


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kam_sandbox", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize("kind", ["garbage", "zip", "csv", "missing", "empty"])
def test_a_file_that_is_not_a_workbook_gives_one_clear_line(tmp_path, kind):
    path = tmp_path / ("book.csv" if kind == "csv" else "book.xlsx")
    if kind == "garbage":
        path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls perhaps")
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "not a workbook")
    elif kind == "csv":
        path.write_text("id,name\nx,y\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    with pytest.raises(SheetFileError):
        import_workbook(path, "en")
    proc = run_cli("sheet", "import", str(path), "--lang", "zh")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(f"kam-sandbox: {path}: ")


def test_cli_round_trip_names_the_file_after_the_case_and_guards_hand_written_files(tmp_path):
    proc = run_cli("sheet", "export", "tutorial", "t.xlsx", "--lang", "en", cwd=tmp_path)
    assert proc.returncode == 0 and "wrote t.xlsx (10 sheets)" in proc.stdout
    assert run_cli("sheet", "export", "tutorial", "t.xlsx", cwd=tmp_path).returncode == 2
    proc = run_cli("sheet", "import", "t.xlsx", "--lang", "en", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "tutorial.yaml").is_file()
    assert (tmp_path / "kam-scenario.schema.json").is_file()
    assert run_cli("validate", "tutorial.yaml", cwd=tmp_path).returncode == 0
    # importing again replaces what sheet import wrote, but never a hand-written file
    assert run_cli("sheet", "import", "t.xlsx", cwd=tmp_path).returncode == 0
    (tmp_path / "mine.yaml").write_text("# my own notes\n", encoding="utf-8")
    proc = run_cli("sheet", "import", "t.xlsx", "-o", "mine.yaml", "--lang", "en", cwd=tmp_path)
    assert proc.returncode == 2 and "was not written by sheet import" in proc.stderr
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "# my own notes\n"


def test_cli_import_with_errors_exits_1_and_writes_nothing(tmp_path):
    book = export(tmp_path)
    cell = _edit(book, "Accounts", "jinggong", "wallet", "lots")
    proc = run_cli("sheet", "import", book.name, "--lang", "zh", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [f"tutorial.xlsx:Accounts!{cell}: wallet：这里要填数字，现在是 'lots'"]
    assert "未写出 YAML" in proc.stderr
    assert not (tmp_path / "tutorial.yaml").exists()


def test_a_shipped_id_is_flagged_so_the_author_gives_the_case_its_own(tmp_path):
    book = export(tmp_path)
    result = import_workbook(book, "en", book.name)
    assert result.text is not None
    assert [str(p) for p in result.problems] == [
        "tutorial.xlsx:Case!C3: warning: id: 'tutorial' is the id of a shipped case; give yours "
        "its own id on the Case sheet, so that games of the two are never mixed up"]
    wb = openpyxl.load_workbook(book)
    wb["Case"]["C3"] = "my-case"
    wb.save(book)
    assert import_workbook(book, "zh").problems == []


def test_a_formula_without_a_saved_result_is_explained(tmp_path):
    """A program (or a save without recalculation) leaves formulas with no value to read."""
    book = export(tmp_path)
    cell = _edit(book, "Accounts", "jinggong", "wallet", "=38*100000")
    assert messages(book, "en") == [
        f"tutorial.xlsx:Accounts!{cell}: wallet: the formula '=38*100000' has no saved result; "
        "open the workbook in Excel or WPS and save it again (or type the value)"]


def test_an_empty_table_is_an_empty_list_not_the_defaults(tmp_path):
    book = export(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Accounts"].delete_rows(2, wb["Accounts"].max_row)
    wb["Stakeholders"].delete_rows(2, wb["Stakeholders"].max_row)
    wb["Events"].delete_rows(2, wb["Events"].max_row)
    wb.save(book)
    assert messages(book, "zh") == ["tutorial.xlsx:Accounts!A1: accounts：至少要 1 项，现在 0 项"]


def test_text_excel_cannot_store_is_named_on_export(tmp_path):
    sc = load_scenario("tutorial")
    bad = sc.model_copy(update={"title": sc.title.model_copy(update={"en": "Bell\x07"})})
    with pytest.raises(KamError, match=r"title\.en holds a control character U\+0007"):
        export_workbook(bad, tmp_path / "x.xlsx", "en")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_field_without_a_fixed_set_of_columns_fails_loudly():
    from pydantic import BaseModel

    from kam_sandbox.authoring.sheets.layout import _field_leaves

    class Free(BaseModel):
        tags: dict[str, float] = {}

    with pytest.raises(TypeError, match="no workbook layout for tags"):
        _field_leaves(("tags",), Free.model_fields["tags"].annotation,
                      Free.model_fields["tags"], False, "", {}, [])


def test_model_errors_read_in_the_authors_terms():
    """Pydantic's error types (also those no field uses yet, such as a text length limit)
    become messages with the column's name."""
    from kam_sandbox.authoring.sheets.read import _model_message, relative_key
    from kam_sandbox.base.i18n import tr

    book = layout()
    assert relative_key(("accounts", 3, "stakeholders", 1, "influence"), book) == "influence"
    assert relative_key(("accounts", 3, "credit", "pd"), book) == "credit.pd"
    assert relative_key(("accounts", 3, "stakeholders"), book) == "stakeholders"
    assert relative_key(("season", "demand", 2), book) == "season.demand.3"
    cases = [
        ({"type": "string_too_long", "ctx": {"max_length": 80}, "input": "x" * 90, "msg": ""},
         "headline.en: at most 80 characters, got 90", "headline.en：最多 80 个字符，现在 90 个"),
        ({"type": "too_short", "ctx": {"min_length": 2}, "input": [{}], "msg": ""},
         "headline.en: needs at least 2, got 1", "headline.en：至少要 2 项，现在 1 项"),
        ({"type": "value_error", "input": {}, "msg": "Value error, floor and target must differ"},
         "headline.en: floor and target must differ", "headline.en：floor and target must differ"),
    ]
    for err, english, chinese in cases:
        template, values = _model_message(err, "headline.en")
        assert tr(template, "en", **values) == english
        assert tr(template, "zh", **values) == chinese


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(
    st.sampled_from(["Case", "Roles", "Accounts", "Stakeholders", "Events", "Scorecard", "Model"]),
    st.integers(1, 14), st.integers(1, 30),
    st.one_of(st.none(), st.text(max_size=12), st.integers(-10**12, 10**12),
              st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
              st.dates(), st.sampled_from(["TRUE", "mid", "economic", "0.5", "=1+1", "1e400"]))),
    min_size=1, max_size=6))
def test_any_edit_gives_problems_at_cells_or_a_valid_file_never_a_traceback(tmp_path, edits):
    book = tmp_path / "fuzz.xlsx"
    if not book.exists():
        export_workbook(load_scenario("tutorial"), book, "en")
    wb = openpyxl.load_workbook(book)
    for sheet, row, col, value in edits:
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            continue  # Excel cannot hold it either
        wb[sheet].cell(row=row, column=col, value=value)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = import_workbook(edited, "zh", "edited.xlsx")
    for p in result.problems:
        assert re.fullmatch(r"edited\.xlsx:[A-Za-z]+(![A-Z]+\d+)?: .+", str(p), re.S), str(p)
    if result.text is not None:
        scenario, problems = check_scenario_text(result.text, "edited.yaml")
        assert scenario is not None, [str(p) for p in problems]


def test_an_account_whose_id_was_cleared_orphans_its_people_with_a_message(tmp_path):
    """(Found by fuzzing: the did-you-mean over parent ids met the blank one.)"""
    book = export(tmp_path)
    _edit(book, "Accounts", "jinggong", "id", None)
    got = messages(book, "en")
    assert got and all("there is no 'jinggong' on sheet Accounts" in m for m in got)
    assert got[0].startswith("tutorial.xlsx:Stakeholders!A2: account: ")
