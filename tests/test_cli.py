"""The kam-sandbox command line, run as a user would (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kam_sandbox.cli import main
from kam_sandbox.engine import shipped_scenarios

DATA = Path(__file__).parent / "data"
SCENARIOS = [p.stem for p in shipped_scenarios()]


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "kam_sandbox", *args], capture_output=True, text=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_scenarios_json_lists_every_shipped_scenario():
    rows = json.loads(cli("scenarios", "--json").stdout)
    assert {r["id"] for r in rows} == set(SCENARIOS)
    for r in rows:
        assert {"id", "title", "accounts", "turns", "path"} <= set(r)
        assert Path(r["path"]).is_file()
        assert r["title"]["zh"] and r["title"]["en"]


def test_validate_accepts_shipped_and_reports_lines():
    ok = cli("validate", *[str(p) for p in shipped_scenarios()])
    assert ok.stdout.count(": ok") == len(SCENARIOS)
    bad = cli("validate", str(DATA / "typo_key.yaml"), check=False)
    assert bad.returncode == 1
    assert "typo_key.yaml:44:9: accounts[0].stakeholders[1].nmae: unknown key 'nmae'" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


@pytest.mark.parametrize("name", ["yaml_bomb.yaml", "duplicate_key.yaml", "empty.yaml",
                                  "syntax_error.yaml", "wrong_type.yaml", "broken_refs.yaml"])
def test_validate_never_shows_a_traceback(name):
    proc = cli("validate", str(DATA / name), check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith(str(DATA / name) + ":")
    assert "Traceback" not in proc.stdout + proc.stderr


def test_validate_missing_file():
    proc = cli("validate", "no/such/file.yaml", check=False)
    assert proc.returncode == 1 and "no/such/file.yaml:1:1:" in proc.stdout


def test_schema_is_json_schema_of_the_model():
    schema = json.loads(cli("schema").stdout)
    assert schema["type"] == "object"
    assert {"accounts", "scorecard", "model", "resources"} <= set(schema["properties"])
    assert "accounts" in schema["required"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_simulate_json_is_deterministic(scenario):
    args = ("simulate", scenario, "--policy", "needs", "--runs", "6", "--seed", "3", "--json")
    first, second = cli(*args).stdout, cli(*args).stdout
    assert first == second
    out = json.loads(first)
    assert {"scenario", "policy", "runs", "seed", "accounts", "turns", "per_run", "summary"} <= set(out)
    assert out["runs"] == 6 and len(out["per_run"]) == 6
    assert [r["seed"] for r in out["per_run"]] == list(range(3, 9))
    assert 0 <= out["summary"]["score"]["mean"] <= 100


def test_simulate_accepts_a_path_and_an_authors_policy(tmp_path):
    (tmp_path / "mypolicy.py").write_text(
        "def idle(view):\n    return [{} for _ in range(view.batch)]\n", encoding="utf-8"
    )
    path = next(p for p in shipped_scenarios() if p.stem == "tutorial")
    proc = subprocess.run(
        [sys.executable, "-m", "kam_sandbox", "simulate", str(path), "--policy", "mypolicy:idle",
         "--runs", "3", "--seed", "1", "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["policy"] == "mypolicy:idle"


def test_balance_json_shape():
    out = json.loads(cli("balance", "tutorial", "--runs", "8", "--seed", "1", "--json").stdout)
    assert out["scenario"] == "tutorial" and out["runs"] == 8
    assert set(out["policies"]) == {"uniform", "focus", "needs", "discount", "executive",
                                    "lax-credit", "random"}
    for stats in out["policies"].values():
        for metric in ("score", "profit", "revenue", "bad_debt", "satisfaction", "retention"):
            assert {"mean", "std"} <= set(stats[metric])
    assert {c["lesson"] for c in out["lessons"]} >= {"focus", "risk", "sanity"}
    assert not any("/" in name for name in out["policies"])  # variants show only as lessons


def test_bad_arguments_are_clear():
    proc = cli("simulate", "tutorail", "--policy", "needs", check=False)
    assert proc.returncode == 2 and "did you mean 'tutorial'" in proc.stderr
    proc = cli("simulate", "tutorial", "--policy", "neds", check=False)
    assert proc.returncode == 2 and "did you mean 'needs'" in proc.stderr
    proc = cli("simulate", "tutorial", "--policy", "needs", "--runs", "0", check=False)
    assert proc.returncode == 2 and "--runs" in proc.stderr


def test_headless_commands_load_no_pygame():
    code = (
        "import sys\n"
        "from kam_sandbox.cli import main\n"
        "main(['simulate', 'tutorial', '--policy', 'needs', '--runs', '2', '--json'])\n"
        "main(['scenarios', '--json'])\n"
        "assert 'pygame' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_installed_package_finds_its_scenarios_from_any_directory(tmp_path):
    """Scenarios ship as package data: no reliance on the source tree or the cwd."""

    proc = subprocess.run(
        [sys.executable, "-m", "kam_sandbox", "scenarios", "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) >= 3 and all(Path(r["path"]).is_file() for r in rows)


def test_new_writes_a_scenario_that_validates(tmp_path):
    out = cli("new", "my-case", "--from", "tutorial", "--dir", str(tmp_path))
    path = tmp_path / "my-case.yaml"
    assert str(path) in out.stdout and (tmp_path / "kam-scenario.schema.json").is_file()
    assert cli("validate", str(path)).stdout.strip() == f"{path}: ok"
    again = cli("new", "my-case", "--dir", str(tmp_path), check=False)
    assert again.returncode == 2 and "exists" in again.stderr


def test_validate_prints_warnings_and_strict_fails_on_them():
    path = str(DATA / "warn_season.yaml")
    lax = cli("validate", path)
    assert ": warning: season.demand:" in lax.stdout and "ok (1 warning)" in lax.stdout
    strict = cli("validate", "--strict", path, check=False)
    assert strict.returncode == 1


def test_balance_html_report(tmp_path):
    report = tmp_path / "report.html"
    cli("balance", "tutorial", "--runs", "12", "--seed", "1", "--html", str(report))
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "kam-sandbox simulate tutorial" in html
    # the lesson table comes first, citing lessons by name
    assert html.index('id="lesson-table"') < html.index('id="policies"')
    assert "Discover before you invest" in html and "DESIGN §2" not in html
    for name in ("uniform", "focus", "needs", "discount", "executive", "lax-credit", "random"):
        assert name in html
    # verdict first; per-account results; the re-run command repeats the author's path
    assert html.index('id="verdict"') < html.index('id="lesson-table"')
    assert 'id="account-table"' in html and 'data-account="jinggong"' in html
    assert f"--html {report} --lang" in html and "No earlier report at this path" in html
    cli("balance", "tutorial", "--runs", "12", "--seed", "1", "--html", str(report))
    again = report.read_text(encoding="utf-8")
    assert "The file is unchanged." in again and "No earlier report" not in again


@pytest.mark.parametrize("argv, expected", [
    ([], {"console": None, "join": None}),
    (["play", "--lang", "zh"], {"lang": "zh", "console": None, "join": None}),
    (["play", "--console", "ws"], {"console": Path("ws"), "join": None}),
    (["join"], {"join": ""}),
    (["join", "127.0.0.1:8765", "--lang", "en"], {"join": "127.0.0.1:8765", "lang": "en"}),
])
def test_the_game_commands_open_the_right_screen(monkeypatch, argv, expected):
    """Bare `kam-sandbox` plays (it once crashed on a missing subcommand), `play --console`
    opens the facilitator console, `join` the team's join screen."""
    import kam_sandbox.game.main

    seen = {}
    monkeypatch.setattr(kam_sandbox.game.main, "run", lambda **kw: seen.update(kw) or 0)
    assert main(argv) == 0
    assert {k: seen[k] for k in expected} == expected
