"""The house's walls: one installed import name, and the import contracts in pyproject.toml.

The contracts (import-linter) are checked against the source in this checkout, laid out the
way an installed copy is: a temporary ``kam_sandbox`` package of links to the repository's
folders, made from pyproject's package-dir mapping. That works whether the project was
installed normally or in editable mode (where the package has no folder tree to walk).
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def package_dirs() -> dict[str, Path]:
    return {name: ROOT / folder
            for name, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items()}


def installed_layout(where: Path) -> Path:
    """``where/kam_sandbox``: the root package's files and a link per mapped subpackage."""

    root = where / "kam_sandbox"
    root.mkdir()
    for name, folder in package_dirs().items():
        if name == "kam_sandbox":
            for file in folder.glob("*.py"):
                (root / file.name).symlink_to(file)
        else:
            (root / name.split(".", 1)[1]).symlink_to(folder, target_is_directory=True)
    return root


def lint_imports(where: Path, config: Path) -> subprocess.CompletedProcess:
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True))")
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([sys.executable, "-c", code], cwd=where, env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_import_contract_is_kept(tmp_path):
    installed_layout(tmp_path)
    result = lint_imports(tmp_path, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def test_a_broken_contract_is_caught(tmp_path):
    """The check can fail: an engine module that imports pygame breaks the engine's contract."""

    config = tmp_path / "contracts.toml"
    config.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    layout = tmp_path / "layout"
    layout.mkdir()
    root = installed_layout(layout)
    (root / "engine").unlink()
    (root / "engine").mkdir()
    for file in (ROOT / "engine").glob("*.py"):
        (root / "engine" / file.name).symlink_to(file)
    (root / "engine" / "drawing.py").write_text("import pygame\nfrom kam_sandbox import game\n")
    result = lint_imports(layout, config)
    assert result.returncode == 1
    assert "kam_sandbox.engine.drawing -> pygame" in result.stdout
    assert "kam_sandbox.engine.drawing -> kam_sandbox.game" in result.stdout


def test_the_package_dir_mapping_covers_every_package():
    """Every listed package has a folder, and every folder with code is a listed package."""

    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    dirs = package_dirs()
    for package in listed:
        top = ".".join(package.split(".")[:2])
        folder = dirs[top].joinpath(*package.split(".")[2:])
        assert (folder / "__init__.py").is_file(), package
    for name, folder in dirs.items():
        for init in folder.rglob("__init__.py"):
            sub = init.parent.relative_to(folder).parts
            assert ".".join((name, *sub)) in listed, f"{init.parent} is not installed"


def editable_names(dist) -> set[str]:
    """The top-level names an editable install serves: a lenient install's finder lists them
    (MAPPING), a strict one's .pth names a folder of links holding them."""

    names: set[str] = set()
    for file in dist.files or ():
        if not (file.name.startswith("__editable__")
                and file.name.endswith(("_finder.py", ".pth"))):
            continue
        text = Path(dist.locate_file(file)).read_text(encoding="utf-8")
        if file.name.endswith("_finder.py"):
            for line in text.splitlines():
                if line.startswith("MAPPING"):
                    mapping = ast.literal_eval(line.split("=", 1)[1].strip())
                    names |= {name.split(".")[0] for name in mapping}
        elif file.name.endswith(".pth"):
            for line in text.splitlines():
                if Path(line).is_dir():
                    names |= {entry.name.removesuffix(".py") for entry in Path(line).iterdir()
                              if not entry.name.endswith(".dist-info")}
    return names


def installed_distribution():
    """kam-sandbox as installed, not the build's leftover ``kam_sandbox.egg-info`` in this
    checkout (found first when the tests run from here; it lists the source files)."""

    for dist in importlib.metadata.distributions(name="kam-sandbox"):
        if Path(str(dist.locate_file(""))).resolve() != ROOT:
            return dist
    pytest.fail("kam-sandbox is not installed (pip install .)")


def test_the_only_top_level_name_installed_is_kam_sandbox():
    dist = installed_distribution()
    tops = set()
    for file in dist.files or ():
        first = file.parts[0]
        if first == ".." or first.endswith(".dist-info") or first == "__pycache__":
            continue  # the console script, the metadata
        if first.startswith("__editable__"):
            tops |= editable_names(dist)
            continue
        tops.add(first.removesuffix(".py"))
    assert tops == {"kam_sandbox"}
    top_level = dist.read_text("top_level.txt")
    if top_level is not None:
        assert top_level.split() == ["kam_sandbox"]


@pytest.mark.parametrize("layer", ["engine", "base", "workshop", "authoring", "game"])
def test_each_layer_says_where_it_stands(layer):
    """Each package's opening docstring names its place in the layers."""

    doc = ast.get_docstring(ast.parse((ROOT / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Layer:" in doc, f"{layer}/__init__.py: no 'Layer:' line in its docstring"
